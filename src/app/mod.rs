//! The desktop app (egui/eframe): import, tag, and read the event as a chronicle.
//!
//! Architecture Invariant: nothing under `app` runs SQL or blocking file I/O on the UI thread.
//! The catalogue lives on the worker thread (`worker`), images are decoded by the texture
//! cache's loaders (`thumbs`), and what to draw is computed by pure functions (`view`). Panels
//! are functions over their own state that push `Action`s; `KadrApp::apply` carries them out.

mod chronicle;
mod custody;
mod grid;
pub mod i18n;
mod import;
mod inspector;
mod review;
mod sidebar;
mod thumbs;
pub mod view;
mod worker;

use crate::catalog::{ItemRow, ItemSummary, PlaceNode, TagChange};
use crate::library::Library;
use i18n::{Lang, Strings};
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use thumbs::TextureCache;
use view::ViewFilter;
use worker::{Command, Event, Worker};

/// Opens the desktop app on `library`.
pub fn run(library: Library, actor: String) -> eframe::Result {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Kadr")
            .with_inner_size([1440.0, 900.0])
            .with_min_inner_size([800.0, 500.0])
            .with_drag_and_drop(true),
        persist_window: true,
        ..Default::default()
    };
    eframe::run_native(
        "Kadr",
        options,
        Box::new(move |cc| {
            let prefs = cc
                .storage
                .and_then(|s| eframe::get_value::<Prefs>(s, eframe::APP_KEY))
                .unwrap_or_default();
            Ok(Box::new(KadrApp::new(&cc.egui_ctx, library, actor, prefs)))
        }),
    )
}

/// UI preferences: small, disposable, kept in eframe storage. Evidence lives in SQLite.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Prefs {
    pub lang: Lang,
    pub view: View,
    pub tile: f32,
    pub user_name: String,
}

impl Default for Prefs {
    fn default() -> Self {
        Prefs {
            lang: Lang::En,
            view: View::Grid,
            tile: 160.0,
            user_name: String::new(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum View {
    Grid,
    Timeline,
    Review,
}

#[derive(Default)]
struct VerifyState {
    running: bool,
    done: usize,
    total: usize,
    report: Option<crate::fixity::FixityReport>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SelectMode {
    Replace,
    Toggle,
    Range,
}

/// What a panel asks the app to do.
pub enum Action {
    Select {
        index: usize,
        mode: SelectMode,
    },
    SelectAll,
    Move(isize),
    OpenFull(usize),
    CloseFull,
    Tag(Box<TagChange>),
    Undo,
    Import(Vec<PathBuf>),
    CancelImport,
    LoadDemo,
    /// Set a review status and/or add a note on the selection; `advance` moves to the next item.
    Review {
        status: Option<String>,
        note: Option<String>,
        advance: bool,
    },
    DoNotPublish(bool),
    /// Open the focused item large, in redaction mode.
    StartRedacting,
    /// Add a redaction (fractions of the picture) to the focused item, or clear them.
    Redact(Option<[f64; 4]>),
    VerifyOriginals,
}

/// Which items are selected (by id, so a reload keeps them) and where range selection starts.
#[derive(Debug, Default, Clone)]
pub struct Selection {
    pub ids: BTreeSet<i64>,
    pub anchor: Option<i64>,
    pub focus: Option<i64>,
}

/// Read-only data every panel may look at.
pub struct ViewCtx<'a> {
    pub items: &'a [ItemSummary],
    pub visible: &'a [usize],
    pub places: &'a [PlaceNode],
    pub people: &'a [String],
    pub s: &'static Strings,
    pub selection: &'a Selection,
    pub library: &'a Library,
    /// Changes whenever `items` or `visible` change: panels key their caches on it.
    pub generation: u64,
}

pub struct KadrApp {
    library: Library,
    worker: Worker,
    actor: Arc<Mutex<String>>,
    prefs: Prefs,
    items: Arc<Vec<ItemSummary>>,
    places: Vec<PlaceNode>,
    people: Vec<String>,
    loaded: bool,
    filter: ViewFilter,
    visible: Vec<usize>,
    visible_for: Option<(ViewFilter, usize)>,
    generation: u64,
    facets: Option<(usize, view::Facets)>,
    selection: Selection,
    detail: Option<ItemRow>,
    detail_request: u64,
    inspector: inspector::InspectorState,
    chronicle: chronicle::ChronicleState,
    review: review::ReviewState,
    custody: custody::CustodyState,
    thumbs: TextureCache,
    previews: TextureCache,
    /// Full-view images decoded from the originals (large, so a small budget).
    originals: TextureCache,
    import: import::ImportState,
    full: Option<i64>,
    full_zoom: f32,
    full_pan: egui::Vec2,
    undo_depth: usize,
    history: Vec<crate::catalog::HistoryEntry>,
    verify: VerifyState,
    /// Drawing redaction rectangles in the full view.
    redacting: bool,
    redact_from: Option<egui::Pos2>,
    message: Option<String>,
    show_settings: bool,
}

impl KadrApp {
    pub fn new(ctx: &egui::Context, library: Library, actor: String, prefs: Prefs) -> KadrApp {
        let actor = Arc::new(Mutex::new(if prefs.user_name.trim().is_empty() {
            actor
        } else {
            prefs.user_name.clone()
        }));
        let wake_ctx = ctx.clone();
        let worker = Worker::start(
            library.clone(),
            actor.clone(),
            Arc::new(move || wake_ctx.request_repaint()),
        );
        worker.send(Command::Reload);
        KadrApp {
            library,
            worker,
            actor,
            prefs,
            items: Arc::new(Vec::new()),
            places: Vec::new(),
            people: Vec::new(),
            loaded: false,
            filter: ViewFilter::default(),
            visible: Vec::new(),
            visible_for: None,
            generation: 0,
            facets: None,
            selection: Selection::default(),
            detail: None,
            detail_request: 0,
            inspector: inspector::InspectorState::default(),
            chronicle: chronicle::ChronicleState::default(),
            review: review::ReviewState::default(),
            custody: custody::CustodyState::default(),
            thumbs: TextureCache::new("thumb", 192 << 20, 2, ctx, thumbs::decode_derived),
            previews: TextureCache::new("preview", 96 << 20, 1, ctx, thumbs::decode_derived),
            originals: TextureCache::new("original", 160 << 20, 1, ctx, thumbs::decode_original),
            import: import::ImportState::default(),
            full: None,
            full_zoom: 1.0,
            full_pan: egui::Vec2::ZERO,
            undo_depth: 0,
            history: Vec::new(),
            verify: VerifyState::default(),
            redacting: false,
            redact_from: None,
            message: None,
            show_settings: false,
        }
    }

    pub fn prefs(&self) -> &Prefs {
        &self.prefs
    }

    pub fn set_lang(&mut self, lang: Lang) {
        self.prefs.lang = lang;
    }

    pub fn item_count(&self) -> usize {
        self.items.len()
    }

    pub fn is_loaded(&self) -> bool {
        self.loaded
    }

    /// Whether background work is still under way (for tests that wait for it).
    pub fn is_busy(&self) -> bool {
        self.import.running || self.thumbs.is_loading()
    }

    pub fn selected_ids(&self) -> Vec<i64> {
        self.selection.ids.iter().copied().collect()
    }

    pub fn detail(&self) -> Option<&ItemRow> {
        self.detail.as_ref()
    }

    /// Drains background events. Called at the start of every frame.
    fn logic(&mut self, ctx: &egui::Context) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_millis(8);
        while let Some(event) = self.worker.poll() {
            self.on_event(event);
            if std::time::Instant::now() > deadline {
                ctx.request_repaint();
                break;
            }
        }
        self.thumbs.drain(ctx);
        self.previews.drain(ctx);
        self.originals.drain(ctx);
        let key = (self.filter.clone(), Arc::as_ptr(&self.items) as usize);
        if self.visible_for.as_ref() != Some(&key) {
            self.visible = view::visible(&self.items, &self.places, &self.filter);
            self.visible_for = Some(key);
            self.generation += 1;
        }
        let items_key = Arc::as_ptr(&self.items) as usize;
        if self.facets.as_ref().is_none_or(|f| f.0 != items_key) {
            let all: Vec<usize> = (0..self.items.len()).collect();
            self.facets = Some((items_key, view::facets(&self.items, &all, &self.places)));
        }
    }

    fn on_event(&mut self, event: Event) {
        match event {
            Event::Loaded {
                items,
                places,
                people,
            } => {
                self.items = items;
                self.places = places;
                self.people = people;
                self.loaded = true;
                let present: BTreeSet<i64> = self.items.iter().map(|i| i.id).collect();
                self.selection.ids.retain(|id| present.contains(id));
                self.request_detail();
            }
            Event::Detail {
                request,
                item,
                history,
            } => {
                if request == self.detail_request {
                    self.history = history;
                    self.inspector.load(&item);
                    self.detail = Some(*item);
                }
            }
            Event::Saved { undo_depth, .. } => {
                self.undo_depth = undo_depth;
                self.request_detail();
            }
            Event::ImportStarted { files, bytes } => self.import.started(files, bytes),
            Event::ImportProgress {
                files_done,
                bytes_done,
            } => self.import.progress(files_done, bytes_done),
            Event::ImportDone(report) => self.import.finished(*report),
            Event::DemoDone(result) => {
                self.import.running = false;
                if let Err(e) = result {
                    self.message = Some(e);
                }
            }
            Event::VerifyProgress { done, total } => {
                self.verify.done = done;
                self.verify.total = total;
            }
            Event::VerifyDone(report) => {
                self.verify.running = false;
                self.verify.report = Some(*report);
            }
            Event::Error(e) => self.message = Some(e),
        }
    }

    /// Asks for the inspector's record of the single selected item.
    fn request_detail(&mut self) {
        self.detail_request += 1;
        if self.selection.ids.len() == 1 {
            let id = *self.selection.ids.iter().next().unwrap();
            self.worker.send(Command::Detail {
                id,
                request: self.detail_request,
            });
        } else {
            self.detail = None;
            self.inspector.clear();
        }
    }

    fn index_of(&self, id: i64) -> Option<usize> {
        self.visible.iter().position(|&i| self.items[i].id == id)
    }

    fn apply(&mut self, action: Action) {
        match action {
            Action::Select { index, mode } => {
                let Some(&item) = self.visible.get(index) else {
                    return;
                };
                let id = self.items[item].id;
                match mode {
                    SelectMode::Replace => {
                        self.selection.ids = BTreeSet::from([id]);
                        self.selection.anchor = Some(id);
                    }
                    SelectMode::Toggle => {
                        if !self.selection.ids.remove(&id) {
                            self.selection.ids.insert(id);
                        }
                        self.selection.anchor = Some(id);
                    }
                    SelectMode::Range => {
                        let from = self
                            .selection
                            .anchor
                            .and_then(|a| self.index_of(a))
                            .unwrap_or(index);
                        let (a, b) = (from.min(index), from.max(index));
                        self.selection.ids = self.visible[a..=b]
                            .iter()
                            .map(|&i| self.items[i].id)
                            .collect();
                    }
                }
                self.selection.focus = Some(id);
                self.request_detail();
            }
            Action::SelectAll => {
                self.selection.ids = self.visible.iter().map(|&i| self.items[i].id).collect();
                self.request_detail();
            }
            Action::Move(delta) => {
                let cur = self.selection.focus.and_then(|f| self.index_of(f));
                let next = match cur {
                    Some(c) => {
                        (c as isize + delta).clamp(0, self.visible.len() as isize - 1) as usize
                    }
                    None => 0,
                };
                if !self.visible.is_empty() {
                    self.apply(Action::Select {
                        index: next,
                        mode: SelectMode::Replace,
                    });
                    if self.full.is_some() {
                        self.full = self.selection.focus;
                        self.full_zoom = 1.0;
                        self.full_pan = egui::Vec2::ZERO;
                    }
                    self.chronicle.scroll_to = Some(next);
                }
            }
            Action::OpenFull(index) => {
                self.apply(Action::Select {
                    index,
                    mode: SelectMode::Replace,
                });
                self.full = self.selection.focus;
                self.full_zoom = 1.0;
                self.full_pan = egui::Vec2::ZERO;
            }
            Action::CloseFull => {
                self.full = None;
                self.redacting = false;
            }
            Action::Tag(change) => {
                if !self.selection.ids.is_empty() {
                    self.worker.send(Command::Tag {
                        ids: self.selected_ids(),
                        change,
                    });
                }
            }
            Action::Undo => self.worker.send(Command::Undo),
            Action::Import(paths) => {
                if !paths.is_empty() && !self.import.running {
                    self.import.begin();
                    self.worker
                        .cancel
                        .store(false, std::sync::atomic::Ordering::SeqCst);
                    self.worker.send(Command::Import { paths });
                }
            }
            Action::CancelImport => self
                .worker
                .cancel
                .store(true, std::sync::atomic::Ordering::SeqCst),
            Action::Review {
                status,
                note,
                advance,
            } => {
                if !self.selection.ids.is_empty() {
                    self.worker.send(Command::Review {
                        ids: self.selected_ids(),
                        status,
                        note,
                    });
                    if advance {
                        self.apply(Action::Move(1));
                    }
                }
            }
            Action::DoNotPublish(value) => {
                if !self.selection.ids.is_empty() {
                    self.worker.send(Command::DoNotPublish {
                        ids: self.selected_ids(),
                        value,
                    });
                }
            }
            Action::Redact(rect) => {
                if let Some(id) = self.selection.focus {
                    self.worker.send(Command::Redact { id, rect });
                }
            }
            Action::StartRedacting => {
                if let Some(f) = self.selection.focus {
                    self.full = Some(f);
                    self.full_zoom = 1.0;
                    self.full_pan = egui::Vec2::ZERO;
                    self.redacting = true;
                }
            }
            Action::VerifyOriginals => {
                if !self.verify.running {
                    self.verify = VerifyState {
                        running: true,
                        ..Default::default()
                    };
                    self.worker.send(Command::VerifyOriginals);
                }
            }
            Action::LoadDemo => {
                self.import.running = true;
                self.worker.send(Command::Demo);
            }
        }
    }

    /// One frame: drain background events, then draw. Used by eframe and by tests.
    pub fn frame(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        self.logic(&ctx);
        let s = self.prefs.lang.strings();
        let mut actions = Vec::new();

        // Files dropped on the window are imported.
        let dropped: Vec<PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .collect()
        });
        if !dropped.is_empty() {
            actions.push(Action::Import(dropped));
        }
        self.shortcuts(&ctx, &mut actions);

        egui::Panel::top("top").show(ui, |ui| self.top_bar(ui, s, &mut actions));
        egui::Panel::bottom("status").show(ui, |ui| self.status_bar(ui, s));
        let items = self.items.clone();
        let vctx = ViewCtx {
            items: &items,
            visible: &self.visible,
            places: &self.places,
            people: &self.people,
            s,
            selection: &self.selection,
            library: &self.library,
            generation: self.generation,
        };
        let facets = self.facets.as_ref().map(|f| &f.1);
        egui::Panel::left("facets")
            .resizable(true)
            .default_size(230.0)
            .size_range(160.0..=420.0)
            .show(ui, |ui| {
                if let Some(f) = facets {
                    sidebar::sidebar_ui(ui, vctx.s, f, &mut self.filter);
                }
            });
        egui::Panel::right("inspector")
            .resizable(true)
            .default_size(380.0)
            .size_range(280.0..=640.0)
            .show(ui, |ui| {
                inspector::inspector_ui(
                    ui,
                    &vctx,
                    self.detail.as_ref(),
                    &mut self.inspector,
                    &mut self.previews,
                    &mut actions,
                );
                if !self.selection.ids.is_empty() {
                    let single = self
                        .detail
                        .as_ref()
                        .filter(|_| self.selection.ids.len() == 1);
                    custody::custody_ui(
                        ui,
                        s,
                        single,
                        &self.history,
                        &mut self.custody,
                        &mut actions,
                    );
                }
            });
        egui::CentralPanel::default_margins().show(ui, |ui| {
            if self.loaded && items.is_empty() && !self.import.running {
                import::empty_library_ui(ui, s, &mut actions);
            } else if !self.loaded {
                ui.centered_and_justified(|ui| ui.spinner());
            } else {
                match self.prefs.view {
                    View::Grid => grid::grid_ui(
                        ui,
                        &vctx,
                        &mut self.thumbs,
                        &mut self.prefs.tile,
                        &mut actions,
                    ),
                    View::Timeline => chronicle::chronicle_ui(
                        ui,
                        &vctx,
                        &mut self.chronicle,
                        &mut self.filter,
                        &mut self.thumbs,
                        &mut actions,
                    ),
                    View::Review => review::review_ui(
                        ui,
                        &vctx,
                        &mut self.review,
                        &mut self.thumbs,
                        &mut self.previews,
                        &mut actions,
                    ),
                }
            }
        });
        if let Some(item) = self.full.and_then(|id| items.iter().find(|i| i.id == id)) {
            self.full_view(&ctx, item, s, &mut actions);
        }
        import::import_windows(&ctx, s, &mut self.import, &mut actions);
        self.settings_window(&ctx, s);
        self.verify_window(&ctx, s);
        if let Some(msg) = self.message.clone() {
            let mut open = true;
            egui::Window::new("Kadr")
                .collapsible(false)
                .open(&mut open)
                .show(&ctx, |ui| {
                    ui.label(&msg);
                });
            if !open {
                self.message = None;
            }
        }
        for a in actions {
            self.apply(a);
        }
    }

    fn shortcuts(&mut self, ctx: &egui::Context, actions: &mut Vec<Action>) {
        if ctx.egui_wants_keyboard_input() {
            return; // typing in a field
        }
        ctx.input_mut(|i| {
            use egui::{Key, KeyboardShortcut, Modifiers};
            let cmd = |k| KeyboardShortcut::new(Modifiers::COMMAND, k);
            if i.consume_shortcut(&cmd(Key::A)) {
                actions.push(Action::SelectAll);
            }
            if i.consume_shortcut(&cmd(Key::Z)) {
                actions.push(Action::Undo);
            }
            if i.consume_shortcut(&cmd(Key::I)) {
                self.import.pick = Some(import::Pick::Files);
            }
            if i.consume_key(Modifiers::NONE, Key::ArrowRight)
                || i.consume_key(Modifiers::NONE, Key::ArrowDown)
            {
                actions.push(Action::Move(1));
            }
            if i.consume_key(Modifiers::NONE, Key::ArrowLeft)
                || i.consume_key(Modifiers::NONE, Key::ArrowUp)
            {
                actions.push(Action::Move(-1));
            }
            if i.consume_key(Modifiers::NONE, Key::Enter)
                && let Some(f) = self.selection.focus
            {
                self.full = Some(f);
            }
            if i.consume_key(Modifiers::NONE, Key::Escape) {
                actions.push(Action::CloseFull);
            }
            if i.consume_key(Modifiers::NONE, Key::G) {
                self.prefs.view = View::Grid;
            }
            if i.consume_key(Modifiers::NONE, Key::T) {
                self.prefs.view = View::Timeline;
            }
        });
    }

    fn top_bar(&mut self, ui: &mut egui::Ui, s: &'static Strings, actions: &mut Vec<Action>) {
        ui.horizontal(|ui| {
            ui.heading("Kadr");
            ui.separator();
            ui.menu_button(s.import, |ui| {
                if ui.button(s.import_files).clicked() {
                    self.import.pick = Some(import::Pick::Files);
                    ui.close();
                }
                if ui.button(s.import_folder).clicked() {
                    self.import.pick = Some(import::Pick::Folder);
                    ui.close();
                }
            });
            ui.add_enabled(false, egui::Button::new(s.export))
                .on_disabled_hover_text(s.export_later);
            ui.separator();
            let label = ui.label(s.search);
            ui.add(
                egui::TextEdit::singleline(&mut self.filter.text)
                    .hint_text(s.search_hint)
                    .desired_width(320.0),
            )
            .labelled_by(label.id);
            ui.separator();
            ui.selectable_value(&mut self.prefs.view, View::Grid, s.grid);
            ui.selectable_value(&mut self.prefs.view, View::Timeline, s.timeline);
            ui.selectable_value(&mut self.prefs.view, View::Review, s.review);
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if ui.button(s.settings).clicked() {
                    self.show_settings = !self.show_settings;
                }
                if ui
                    .add_enabled(!self.verify.running, egui::Button::new(s.verify_originals))
                    .clicked()
                {
                    actions.push(Action::VerifyOriginals);
                }
                if ui
                    .add_enabled(self.undo_depth > 0, egui::Button::new(s.undo))
                    .clicked()
                {
                    actions.push(Action::Undo);
                }
            });
        });
    }

    fn status_bar(&mut self, ui: &mut egui::Ui, s: &'static Strings) {
        ui.horizontal(|ui| {
            ui.label(format!(
                "{} / {} {}",
                self.visible.len(),
                self.items.len(),
                s.items
            ));
            ui.separator();
            ui.label(format!("{} {}", self.selection.ids.len(), s.selected));
            if self.import.running {
                ui.separator();
                ui.spinner();
                ui.label(s.importing);
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                ui.label(self.library.root().display().to_string());
            });
        });
    }

    /// Existing redactions over the full view's picture `r`; in redaction mode, dragging adds one.
    fn redactions_ui(
        &mut self,
        ui: &egui::Ui,
        resp: &egui::Response,
        r: egui::Rect,
        id: i64,
        s: &'static Strings,
        actions: &mut Vec<Action>,
    ) {
        let to_screen =
            |x: f64, y: f64| r.min + egui::vec2(x as f32 * r.width(), y as f32 * r.height());
        let stroke = egui::Stroke::new(1.5, egui::Color32::from_rgb(255, 80, 80));
        if let Some(d) = self.detail.as_ref().filter(|d| d.id == id) {
            for red in &d.redactions {
                let rr = egui::Rect::from_min_max(
                    to_screen(red.x, red.y),
                    to_screen(red.x + red.w, red.y + red.h),
                );
                ui.painter().rect_filled(
                    rr,
                    0.0,
                    egui::Color32::from_black_alpha(if self.redacting { 180 } else { 255 }),
                );
                ui.painter()
                    .rect_stroke(rr, 0.0, stroke, egui::StrokeKind::Inside);
            }
        }
        if !self.redacting {
            return;
        }
        ui.painter().text(
            ui.ctx().content_rect().center_top() + egui::vec2(0.0, 20.0),
            egui::Align2::CENTER_TOP,
            s.redact_hint,
            egui::FontId::proportional(16.0),
            egui::Color32::from_rgb(255, 200, 120),
        );
        if resp.drag_started() {
            self.redact_from = resp.interact_pointer_pos();
        }
        if let (Some(from), Some(to)) = (self.redact_from, resp.interact_pointer_pos()) {
            let sel = egui::Rect::from_two_pos(from, to).intersect(r);
            ui.painter()
                .rect_stroke(sel, 0.0, stroke, egui::StrokeKind::Inside);
            if resp.drag_stopped() {
                self.redact_from = None;
                if sel.width() > 3.0 && sel.height() > 3.0 {
                    let f = |p: egui::Pos2| {
                        (
                            ((p.x - r.min.x) / r.width()) as f64,
                            ((p.y - r.min.y) / r.height()) as f64,
                        )
                    };
                    let (x0, y0) = f(sel.min);
                    let (x1, y1) = f(sel.max);
                    actions.push(Action::Redact(Some([x0, y0, x1 - x0, y1 - y0])));
                }
            }
        }
    }

    fn verify_window(&mut self, ctx: &egui::Context, s: &'static Strings) {
        let v = &mut self.verify;
        if !v.running && v.report.is_none() {
            return;
        }
        let mut open = true;
        egui::Window::new(s.verify_originals)
            .open(&mut open)
            .collapsible(false)
            .default_width(520.0)
            .show(ctx, |ui| {
                if v.running {
                    ui.label(s.verifying);
                    let frac = if v.total > 0 {
                        v.done as f32 / v.total as f32
                    } else {
                        0.0
                    };
                    ui.add(
                        egui::ProgressBar::new(frac)
                            .desired_width(420.0)
                            .text(format!("{} / {}", v.done, v.total)),
                    );
                }
                if let Some(r) = &v.report {
                    if r.intact() {
                        ui.colored_label(
                            egui::Color32::from_rgb(90, 190, 110),
                            format!("{} ({})", s.fixity_intact, r.checked),
                        );
                    }
                    for (title, list) in [(s.damaged, &r.damaged), (s.missing, &r.missing)] {
                        if !list.is_empty() {
                            ui.strong(format!("{title}: {}", list.len()));
                            egui::ScrollArea::vertical()
                                .id_salt(title)
                                .max_height(200.0)
                                .show(ui, |ui| {
                                    for p in list {
                                        ui.colored_label(
                                            ui.visuals().error_fg_color,
                                            format!("#{} {}", p.id, p.path),
                                        );
                                    }
                                });
                        }
                    }
                }
            });
        if !open && !v.running {
            v.report = None;
        }
    }

    fn settings_window(&mut self, ctx: &egui::Context, s: &'static Strings) {
        let mut open = self.show_settings;
        egui::Window::new(s.settings)
            .open(&mut open)
            .collapsible(false)
            .show(ctx, |ui| {
                ui.horizontal(|ui| {
                    ui.label(s.language);
                    for lang in Lang::ALL {
                        ui.selectable_value(&mut self.prefs.lang, lang, lang.name());
                    }
                });
                let label = ui.label(s.user_name);
                if ui
                    .text_edit_singleline(&mut self.prefs.user_name)
                    .labelled_by(label.id)
                    .changed()
                {
                    let name = self.prefs.user_name.trim().to_string();
                    if !name.is_empty() {
                        *self.actor.lock().unwrap() = name;
                    }
                }
                ui.horizontal(|ui| {
                    ui.label(s.zoom);
                    ui.add(egui::Slider::new(&mut self.prefs.tile, 64.0..=320.0));
                });
            });
        self.show_settings = open;
    }

    fn full_view(
        &mut self,
        ctx: &egui::Context,
        item: &ItemSummary,
        s: &'static Strings,
        actions: &mut Vec<Action>,
    ) {
        egui::Area::new(egui::Id::unique("full_view"))
            .order(egui::Order::Foreground)
            .fixed_pos(egui::Pos2::ZERO)
            .show(ctx, |ui| {
                let rect = ctx.content_rect();
                ui.painter()
                    .rect_filled(rect, 0.0, egui::Color32::from_black_alpha(240));
                let resp = ui.allocate_rect(rect, egui::Sense::click_and_drag());
                if resp.dragged() && !self.redacting {
                    self.full_pan += resp.drag_delta();
                }
                if resp.double_clicked() {
                    actions.push(Action::CloseFull);
                }
                let scroll = ui.input(|i| i.smooth_scroll_delta.y);
                if resp.hovered() && scroll != 0.0 {
                    self.full_zoom = (self.full_zoom * (1.0 + scroll * 0.002)).clamp(0.2, 12.0);
                }
                let lib = &self.library;
                let size = |tex: &egui::TextureHandle| tex.size_vec2();
                // The original decoded for the screen; the preview meanwhile.
                let original = item
                    .has_preview
                    .then(|| {
                        match self
                            .originals
                            .get(&item.sha256, || lib.root().join(&item.stored_path))
                        {
                            thumbs::Lookup::Ready(t) => Some((t.id(), size(t))),
                            _ => None,
                        }
                    })
                    .flatten();
                let shown = original.or_else(|| {
                    match self
                        .previews
                        .get(&item.sha256, || lib.preview_path(&item.sha256))
                    {
                        thumbs::Lookup::Ready(t) => Some((t.id(), size(t))),
                        _ => None,
                    }
                });
                match shown {
                    Some((tex, size)) => {
                        let fit =
                            ((rect.width() - 40.0) / size.x).min((rect.height() - 80.0) / size.y);
                        let shown = size * fit * self.full_zoom;
                        let r = egui::Rect::from_center_size(rect.center() + self.full_pan, shown);
                        let uv =
                            egui::Rect::from_min_max(egui::pos2(0.0, 0.0), egui::pos2(1.0, 1.0));
                        ui.painter().image(tex, r, uv, egui::Color32::WHITE);
                        self.redactions_ui(ui, &resp, r, item.id, s, actions);
                    }
                    None if item.has_preview => {
                        ui.put(
                            egui::Rect::from_center_size(rect.center(), egui::vec2(40.0, 40.0)),
                            egui::Spinner::new(),
                        );
                    }
                    None => {
                        ui.painter().text(
                            rect.center(),
                            egui::Align2::CENTER_CENTER,
                            format!("{}\n—", item.format.to_uppercase()),
                            egui::FontId::proportional(32.0),
                            egui::Color32::GRAY,
                        );
                    }
                }
                let caption = item
                    .caption
                    .clone()
                    .unwrap_or_else(|| item.original_name.clone());
                ui.painter().text(
                    rect.center_bottom() + egui::vec2(0.0, -24.0),
                    egui::Align2::CENTER_CENTER,
                    format!("{}  ·  {}", view::date_label(item, s), caption),
                    egui::FontId::proportional(16.0),
                    egui::Color32::from_gray(230),
                );
            });
    }
}

impl eframe::App for KadrApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.frame(ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, eframe::APP_KEY, &self.prefs);
    }
}
