//! The window's chrome around the panels: top bar, status bar, shortcuts, the full view with
//! its redaction drawing, and the small windows (settings, fixity check).

use super::worker::{Command, UndoWhat};
use super::{Action, KadrApp, View, import, thumbs, view};
use crate::catalog::{Field, ItemSummary};
use crate::i18n::{Lang, Strings};

impl KadrApp {
    pub(super) fn shortcuts(&mut self, ctx: &egui::Context, actions: &mut Vec<Action>) {
        if ctx.egui_wants_keyboard_input() {
            return; // typing in a field
        }
        ctx.input_mut(|i| {
            use egui::{Key, KeyboardShortcut, Modifiers};
            let cmd = |k| KeyboardShortcut::new(Modifiers::COMMAND, k);
            if i.consume_shortcut(&cmd(Key::A)) {
                actions.push(Action::SelectAll);
            }
            // Ctrl+Z also matches with Shift held: ask for redo first.
            if i.consume_shortcut(&KeyboardShortcut::new(
                Modifiers::COMMAND | Modifiers::SHIFT,
                Key::Z,
            )) || i.consume_shortcut(&cmd(Key::Y))
            {
                actions.push(Action::Redo);
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
                self.open_full(f);
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
            if i.consume_key(Modifiers::NONE, Key::M) {
                self.prefs.view = View::Map;
            }
        });
    }

    pub(super) fn top_bar(
        &mut self,
        ui: &mut egui::Ui,
        s: &'static Strings,
        actions: &mut Vec<Action>,
    ) {
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
            if ui.button(s.export).on_hover_text(s.export_later).clicked() {
                self.export.open = true;
            }
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
            ui.selectable_value(&mut self.prefs.view, View::Map, s.map)
                .on_hover_text("M");
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if ui.button(s.settings).clicked() {
                    self.show_settings = !self.show_settings;
                }
                if ui.button(s.entities.title).clicked() {
                    self.entities.open = !self.entities.open;
                }
                if ui
                    .add_enabled(!self.verify.running, egui::Button::new(s.verify_originals))
                    .clicked()
                {
                    actions.push(Action::VerifyOriginals);
                }
                // Right to left: Redo sits right of Undo.
                if ui
                    .add_enabled(
                        self.redo.is_some(),
                        egui::Button::new(step_label(s.redo, self.redo, s)),
                    )
                    .on_hover_text("Ctrl+Shift+Z")
                    .clicked()
                {
                    actions.push(Action::Redo);
                }
                if ui
                    .add_enabled(
                        self.undo.is_some(),
                        egui::Button::new(step_label(s.undo, self.undo, s)),
                    )
                    .on_hover_text("Ctrl+Z")
                    .clicked()
                {
                    actions.push(Action::Undo);
                }
            });
        });
    }

    pub(super) fn status_bar(&mut self, ui: &mut egui::Ui, s: &'static Strings) {
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
    pub(super) fn redactions_ui(
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

    pub(super) fn verify_window(&mut self, ctx: &egui::Context, s: &'static Strings) {
        let cancel = self.worker.verify_cancel.clone();
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
                    if ui.button(s.cancel).clicked() {
                        cancel.store(true, std::sync::atomic::Ordering::SeqCst);
                    }
                }
                if let Some(r) = &v.report {
                    if r.cancelled {
                        ui.label(format!("{} ({} / {})", s.cancel, r.done(), r.checked));
                    } else if r.intact() {
                        ui.colored_label(
                            egui::Color32::from_rgb(90, 190, 110),
                            format!("{} ({})", s.fixity_intact, r.checked),
                        );
                    }
                    for (title, list) in [
                        (s.damaged, &r.damaged),
                        (s.missing, &r.missing),
                        (s.unreadable, &r.unreadable),
                    ] {
                        if !list.is_empty() {
                            ui.strong(format!("{title}: {}", list.len()));
                            egui::ScrollArea::vertical()
                                .id_salt(title)
                                .max_height(200.0)
                                .show(ui, |ui| {
                                    for p in list {
                                        let why = p
                                            .error
                                            .as_deref()
                                            .map(|e| format!(" ({e})"))
                                            .unwrap_or_default();
                                        ui.colored_label(
                                            ui.visuals().error_fg_color,
                                            format!("#{} {}{why}", p.id, p.path),
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

    pub(super) fn settings_window(&mut self, ctx: &egui::Context, s: &'static Strings) {
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
                // A setting of the library, not of the app: saved in the catalogue (and its
                // history) when the field is left with a changed value.
                let label = ui.label(s.home_zone);
                let field = ui
                    .add(
                        egui::TextEdit::singleline(&mut self.home_zone.text)
                            .hint_text(s.home_zone_hint),
                    )
                    .labelled_by(label.id);
                self.home_zone.editing = field.has_focus();
                let typed = Some(self.home_zone.text.trim().to_string()).filter(|z| !z.is_empty());
                if field.lost_focus() && typed != self.home_zone.stored {
                    self.worker.send(Command::SetHomeZone { zone: typed });
                }
                ui.separator();
                // Also a setting of the library (the map draws it: `tiles_layer`).
                if let Some(path) = super::tiles_layer::settings_ui(ui, s.tiles, &mut self.tiles) {
                    self.worker.send(Command::SetTileSource { path });
                }
            });
        self.show_settings = open;
    }

    /// Opens the full view on `id`, fitted: no zoom or pan left over from the last item.
    pub(super) fn open_full(&mut self, id: i64) {
        self.full = Some(id);
        self.full_zoom = 1.0;
        self.full_pan = egui::Vec2::ZERO;
    }

    /// The item in the full view, with its zoom and pan (1 and zero when fitted).
    pub fn full_view_state(&self) -> Option<(i64, f32, egui::Vec2)> {
        self.full.map(|id| (id, self.full_zoom, self.full_pan))
    }

    pub(super) fn full_view(
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

/// "Undo: caption", or "Undo" alone when there is nothing to take back.
pub(super) fn step_label(verb: &str, what: Option<UndoWhat>, s: &Strings) -> String {
    let e = &s.edits;
    let name = match what {
        None => return verb.to_string(),
        Some(UndoWhat::Field(f)) => match f {
            Field::Caption => e.caption,
            Field::EventDate => e.event_date,
            Field::Place => e.place,
            Field::People => e.people,
            Field::Keywords => e.keywords,
            Field::Source => e.source,
            Field::Credit => e.credit,
            Field::Review => e.review,
            Field::Notes => e.notes,
            Field::DoNotPublish => e.do_not_publish,
            Field::Redactions => e.redactions,
        },
        Some(UndoWhat::Edit) => e.several,
        Some(UndoWhat::Rename) => e.rename,
        Some(UndoWhat::Merge) => e.merge,
        Some(UndoWhat::Create) => s.entities.edit_create,
        Some(UndoWhat::Alias) => s.entities.edit_alias,
        Some(UndoWhat::Parent) => s.entities.edit_parent,
        Some(UndoWhat::Coordinates) => s.entities.edit_position,
    };
    format!("{verb}: {name}")
}
