//! The desktop app (egui/eframe): import, tag, and read the event as a chronicle.
//!
//! Architecture Invariant: nothing under `app` runs SQL or blocking file I/O on the UI thread.
//! The catalogue lives on the worker thread (`worker`), images are decoded by the texture
//! cache's loaders (`thumbs`), and what to draw is computed by pure functions (`crate::view`). Panels
//! are functions over their own state that push `Action`s; `KadrApp::apply` carries them out.

mod actions;
mod chrome;
mod chronicle;
mod custody;
mod editing;
mod entities;
mod export_dialog;
mod grid;
mod import;
mod inspector;
mod map;
mod map_links;
mod review;
mod sidebar;
mod thumbs;
mod tiles_layer;
mod worker;

pub use crate::{i18n, view};

use crate::catalog::{ItemRow, ItemSummary, PlaceNode, TagChange};
use crate::library::Library;
use i18n::{Lang, Strings};
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use thumbs::TextureCache;
use view::ViewFilter;
use worker::{Command, Event, JobId, Worker};
pub use worker::{EntityCounts, PersonNode};

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
                // First start: the language of the system's locale.
                .unwrap_or_else(|| Prefs {
                    lang: Lang::from_system(),
                    ..Prefs::default()
                });
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
    Map,
}

#[derive(Default)]
struct VerifyState {
    running: bool,
    done: usize,
    total: usize,
    report: Option<crate::fixity::FixityReport>,
}

/// The background jobs whose state the UI shows, by id: an event of another job (an old one, or
/// a failed catalogue command) never changes theirs.
#[derive(Debug, Default)]
struct Jobs {
    import: Option<JobId>,
    demo: Option<JobId>,
    export: Option<JobId>,
    verify: Option<JobId>,
}

/// The search field's text as last sent to the search index, and its answer. Only the answer
/// to the newest `Search` job is kept: an older one arriving late is dropped.
#[derive(Debug, Default)]
struct SearchState {
    sent: String,
    job: Option<JobId>,
    found: Option<Arc<crate::ids::IdSet>>,
    /// The catalogue changed: ask again for the same text.
    again: bool,
}

impl SearchState {
    /// Sends the text when it changed (or the catalogue did); an empty field drops the answer.
    fn follow(&mut self, text: &str, worker: &Worker) {
        let text = text.trim();
        if text == self.sent && !self.again {
            return;
        }
        self.again = false;
        self.sent = text.to_string();
        if text.is_empty() {
            self.job = None;
            self.found = None;
        } else {
            self.job = Some(worker.send(Command::Search {
                text: text.to_string(),
            }));
        }
    }

    /// Keeps the answer of the newest search only.
    fn answered(&mut self, job: JobId, ids: Arc<crate::ids::IdSet>) {
        if self.job == Some(job) {
            self.found = Some(ids);
        }
    }
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
    /// Select these items (indices into `visible`: a map cluster, a dragged box); `add` keeps
    /// the current selection.
    SelectMany {
        indices: Vec<usize>,
        add: bool,
    },
    Move(isize),
    OpenFull(usize),
    CloseFull,
    Tag(Box<TagChange>),
    /// Apply a change to these items (the inspector's edits name the items they were made on,
    /// so a selection that changed meanwhile gets nothing).
    TagItems {
        ids: Vec<i64>,
        change: Box<TagChange>,
    },
    /// Take back the last action (one step, however many items it touched).
    Undo,
    /// Do again what the last undo took back.
    Redo,
    Import(Vec<PathBuf>),
    CancelImport,
    LoadDemo,
    /// Set a review status and/or add a note on the selection; `advance` moves to the next item.
    /// With `advance` (review mode) it applies to the current item only.
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
    /// Run the export the Export… window describes.
    Export,
    /// A change to a person or place from the People & Places window (one undoable step).
    Entity(entities::EntityEdit),
    /// Open an original (a video, say) in the program the system uses for it. The original is
    /// read-only; the program only reads it.
    OpenExternally(PathBuf),
    /// Narrow every view to the map's view rectangle (true), or lift that (false).
    FilterToMapArea(bool),
    /// Go to the map and wait for a click there to set a place's position.
    PickOnMap(map_links::Pick),
    /// The map was clicked while placing a place.
    PickedOnMap {
        pick: map_links::Pick,
        at: crate::geo::LatLon,
    },
    /// Placing a place on the map was given up (Esc, or the banner's Cancel).
    PickCancelled(map_links::Pick),
}

/// The home time zone as the catalogue holds it, and as typed in Settings.
#[derive(Debug, Default)]
pub(crate) struct HomeZoneField {
    pub stored: Option<String>,
    pub text: String,
    pub editing: bool,
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
    /// Every person with their aliases (the inspector's suggestions match them).
    pub people: &'a [PersonNode],
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
    people: Vec<PersonNode>,
    /// Items per person and per place, for the People & Places window.
    counts: EntityCounts,
    /// The People & Places window.
    entities: entities::EntitiesState,
    loaded: bool,
    /// The items' near-duplicates have arrived (they follow the items: `Event::Paired`).
    paired: bool,
    filter: ViewFilter,
    visible: Vec<usize>,
    visible_for: Option<(ViewFilter, usize, usize)>,
    search: SearchState,
    generation: u64,
    facets: Option<(usize, view::Facets)>,
    selection: Selection,
    detail: Option<ItemRow>,
    detail_request: u64,
    inspector: inspector::InspectorState,
    chronicle: chronicle::ChronicleState,
    review: review::ReviewState,
    map: map::MapState,
    /// The offline tiles the library's setting points at, drawn on the map.
    tiles: tiles_layer::TileLayer,
    custody: custody::CustodyState,
    export: export_dialog::ExportState,
    thumbs: TextureCache,
    previews: TextureCache,
    /// Full-view images decoded from the originals (large, so a small budget).
    originals: TextureCache,
    import: import::ImportState,
    full: Option<i64>,
    full_zoom: f32,
    full_pan: egui::Vec2,
    /// What Undo and Redo would take back now (from the worker's undo stack).
    undo: Option<worker::UndoWhat>,
    redo: Option<worker::UndoWhat>,
    history: Vec<crate::catalog::HistoryEntry>,
    verify: VerifyState,
    jobs: Jobs,
    /// Drawing redaction rectangles in the full view.
    redacting: bool,
    redact_from: Option<egui::Pos2>,
    message: Option<String>,
    show_settings: bool,
    /// The Settings window's home time zone field.
    home_zone: HomeZoneField,
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
            counts: EntityCounts::default(),
            entities: entities::EntitiesState::default(),
            loaded: false,
            paired: false,
            filter: ViewFilter::default(),
            visible: Vec::new(),
            visible_for: None,
            search: SearchState::default(),
            generation: 0,
            facets: None,
            selection: Selection::default(),
            detail: None,
            detail_request: 0,
            inspector: inspector::InspectorState::default(),
            chronicle: chronicle::ChronicleState::default(),
            review: review::ReviewState::default(),
            map: map::MapState::default(),
            tiles: tiles_layer::TileLayer::new(ctx),
            custody: custody::CustodyState::default(),
            export: export_dialog::ExportState::default(),
            thumbs: TextureCache::new("thumb", 192 << 20, 2, ctx, thumbs::decode_derived),
            previews: TextureCache::new("preview", 96 << 20, 1, ctx, thumbs::decode_derived),
            originals: TextureCache::new("original", 160 << 20, 1, ctx, thumbs::decode_original),
            import: import::ImportState::default(),
            full: None,
            full_zoom: 1.0,
            full_pan: egui::Vec2::ZERO,
            undo: None,
            redo: None,
            history: Vec::new(),
            verify: VerifyState::default(),
            jobs: Jobs::default(),
            redacting: false,
            redact_from: None,
            message: None,
            show_settings: false,
            home_zone: HomeZoneField::default(),
        }
    }

    pub fn prefs(&self) -> &Prefs {
        &self.prefs
    }

    pub fn set_view(&mut self, view: View) {
        self.prefs.view = view;
    }

    pub fn set_lang(&mut self, lang: Lang) {
        self.prefs.lang = lang;
    }

    /// Narrows every view to a time range, as dragging on the timeline's axis does.
    pub fn set_range(&mut self, range: Option<(chrono::NaiveDateTime, chrono::NaiveDateTime)>) {
        self.filter.range = range;
    }

    pub fn item_count(&self) -> usize {
        self.items.len()
    }

    pub fn is_loaded(&self) -> bool {
        self.loaded
    }

    /// Whether the items' near-duplicates are in (a moment after `is_loaded`).
    pub fn is_paired(&self) -> bool {
        self.paired
    }

    /// Whether background work is still under way (for tests that wait for it).
    pub fn is_busy(&self) -> bool {
        self.import.running || self.thumbs.is_loading()
    }

    pub fn selected_ids(&self) -> Vec<i64> {
        self.selection.ids.iter().copied().collect()
    }

    /// How many offline map tiles are decoded and held for the map (for tests).
    pub fn map_tiles_loaded(&self) -> usize {
        self.tiles.loaded_count()
    }

    pub fn detail(&self) -> Option<&ItemRow> {
        self.detail.as_ref()
    }

    /// Drains background events (within a small time budget) and brings derived state up to
    /// date. eframe calls it through `App::logic` before every frame and also while the window
    /// is hidden, whenever a worker wakes it, so background work never waits on a visible window.
    pub fn logic(&mut self, ctx: &egui::Context) {
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
        self.tiles.drain();
        self.search.follow(&self.filter.text, &self.worker);
        let found = self.search.found.clone();
        let key = (
            self.filter.clone(),
            Arc::as_ptr(&self.items) as usize,
            found.as_ref().map_or(0, |f| Arc::as_ptr(f) as usize),
        );
        if self.visible_for.as_ref() != Some(&key) {
            self.visible = view::visible(&self.items, &self.places, &self.filter, found.as_deref());
            self.visible_for = Some(key);
            self.generation += 1;
        }
        let items_key = Arc::as_ptr(&self.items) as usize;
        if self.facets.as_ref().is_none_or(|f| f.0 != items_key) {
            let all: Vec<usize> = (0..self.items.len()).collect();
            self.facets = Some((items_key, view::facets(&self.items, &all, &self.places)));
        }
    }

    /// One frame as tests drive it: drain background events, then draw.
    pub fn frame(&mut self, ui: &mut egui::Ui) {
        self.logic(&ui.ctx().clone());
        self.draw(ui);
    }

    /// Draws the app and carries out what the panels asked for.
    fn draw(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
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
        self.map.area_on = self.filter.area.is_some();
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
                    View::Map => map::map_ui(
                        ui,
                        &vctx,
                        &mut self.map,
                        &mut self.thumbs,
                        &mut self.tiles,
                        &mut actions,
                    ),
                }
            }
        });
        // While it filters, the area follows the map as the user pans and zooms.
        if self.prefs.view == View::Map && self.filter.area.is_some() {
            self.filter.area = self.map.view_box().or(self.filter.area);
        }
        if let Some(item) = self.full.and_then(|id| items.iter().find(|i| i.id == id)) {
            self.full_view(&ctx, item, s, &mut actions);
        }
        import::import_windows(&ctx, s, &mut self.import, &mut actions);
        self.settings_window(&ctx, s);
        entities::entities_window(
            &ctx,
            s,
            &self.places,
            &self.people,
            &self.counts,
            &mut self.entities,
            &mut actions,
        );
        self.verify_window(&ctx, s);
        let (selected, visible) = (self.selection.ids.len(), self.visible.len());
        export_dialog::export_window(&ctx, s, &mut self.export, selected, visible, &mut actions);
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
}

impl eframe::App for KadrApp {
    /// Called before every frame, and while the window is hidden once a worker asks for a
    /// repaint: the events are drained here, never only in `ui`.
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        KadrApp::logic(self, ctx);
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.draw(ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, eframe::APP_KEY, &self.prefs);
    }
}

/// Hands a file to the system's opener, off the UI thread; an opener that is missing or fails
/// costs nothing but the attempt.
fn open_externally(path: PathBuf) {
    std::thread::spawn(move || {
        let mut cmd = if cfg!(target_os = "macos") {
            std::process::Command::new("open")
        } else if cfg!(windows) {
            let mut c = std::process::Command::new("explorer");
            c.arg("/open,");
            c
        } else {
            std::process::Command::new("xdg-open")
        };
        if let Ok(mut child) = cmd
            .arg(&path)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
        {
            let _ = child.wait();
        }
    });
}

#[cfg(test)]
mod tests;
