//! Import in the app: native file dialogs (on a thread, since they block), a path field when no
//! dialog is available, the progress window with Cancel, and the report at the end.

use super::Action;
use crate::i18n::Strings;
use crate::ingest::ImportReport;
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, channel};
use std::time::Instant;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pick {
    Files,
    Folder,
}

#[derive(Default)]
pub struct ImportState {
    /// A dialog the user asked for, to open this frame.
    pub pick: Option<Pick>,
    dialog: Option<Receiver<Option<Vec<PathBuf>>>>,
    /// Shown when the system has no dialog: the user types a path.
    path_field: Option<String>,
    pub running: bool,
    started: Option<Instant>,
    files: usize,
    bytes: u64,
    files_done: usize,
    bytes_done: u64,
    report: Option<ImportReport>,
}

impl ImportState {
    pub fn begin(&mut self) {
        self.running = true;
        self.started = Some(Instant::now());
        self.files = 0;
        self.bytes = 0;
        self.files_done = 0;
        self.bytes_done = 0;
        self.report = None;
    }

    pub fn started(&mut self, files: usize, bytes: u64) {
        self.files = files;
        self.bytes = bytes;
    }

    pub fn progress(&mut self, files_done: usize, bytes_done: u64) {
        self.files_done = files_done;
        self.bytes_done = bytes_done;
    }

    pub fn finished(&mut self, report: ImportReport) {
        self.running = false;
        self.report = Some(report);
    }

    /// Seconds left, from the byte rate so far.
    fn eta(&self) -> Option<f64> {
        let elapsed = self.started?.elapsed().as_secs_f64();
        if self.bytes_done == 0 || elapsed < 0.5 {
            return None;
        }
        let rate = self.bytes_done as f64 / elapsed;
        Some((self.bytes.saturating_sub(self.bytes_done)) as f64 / rate)
    }
}

/// The welcome of an empty library.
pub fn empty_library_ui(ui: &mut egui::Ui, s: &Strings, actions: &mut Vec<Action>) {
    ui.vertical_centered(|ui| {
        ui.add_space(ui.available_height() * 0.3);
        ui.label(egui::RichText::new(s.empty_library).size(16.0));
        ui.add_space(12.0);
        if ui
            .button(egui::RichText::new(s.load_demo).size(16.0))
            .clicked()
        {
            actions.push(Action::LoadDemo);
        }
    });
}

pub fn import_windows(
    ctx: &egui::Context,
    s: &Strings,
    st: &mut ImportState,
    actions: &mut Vec<Action>,
) {
    if let Some(pick) = st.pick.take()
        && st.dialog.is_none()
        && !st.running
    {
        let (tx, rx) = channel();
        let (photos, all_files) = (s.dialog_photos, s.dialog_all_files);
        std::thread::spawn(move || {
            let dialog = rfd::FileDialog::new();
            let chosen = match pick {
                Pick::Files => dialog
                    .add_filter(
                        photos,
                        &[
                            "jpg", "jpeg", "png", "webp", "tif", "tiff", "gif", "heic", "heif",
                            "dng", "cr2", "cr3", "nef", "arw", "orf", "rw2", "raf",
                        ],
                    )
                    .add_filter(all_files, &["*"])
                    .pick_files(),
                Pick::Folder => dialog.pick_folder().map(|f| vec![f]),
            };
            let _ = tx.send(chosen);
        });
        st.dialog = Some(rx);
        st.path_field = None;
    }
    if let Some(rx) = &st.dialog
        && let Ok(chosen) = rx.try_recv()
    {
        st.dialog = None;
        match chosen {
            Some(paths) => actions.push(Action::Import(paths)),
            // With no portal and no zenity the dialog answers None at once, as if cancelled:
            // offer the path field so the user is never stuck.
            None => st.path_field = Some(String::new()),
        }
    }
    if st.dialog.is_some() {
        ctx.request_repaint_after(std::time::Duration::from_millis(100));
    }
    if let Some(path) = st.path_field.as_mut() {
        let mut open = true;
        let mut submit = false;
        egui::Window::new(s.import)
            .open(&mut open)
            .collapsible(false)
            .show(ctx, |ui| {
                ui.label(s.dialog_unavailable);
                let label = ui.label(s.path_to_import);
                let r = ui
                    .add(egui::TextEdit::singleline(path).desired_width(420.0))
                    .labelled_by(label.id);
                if r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                    submit = true;
                }
                if ui.button(s.import).clicked() {
                    submit = true;
                }
            });
        if submit && !path.trim().is_empty() {
            actions.push(Action::Import(vec![PathBuf::from(path.trim())]));
            open = false;
        }
        if !open {
            st.path_field = None;
        }
    }
    if st.running {
        egui::Window::new(s.importing)
            .collapsible(false)
            .resizable(false)
            .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
            .show(ctx, |ui| {
                let frac = if st.files > 0 {
                    st.files_done as f32 / st.files as f32
                } else {
                    0.0
                };
                ui.add(
                    egui::ProgressBar::new(frac)
                        .desired_width(360.0)
                        .show_percentage(),
                );
                ui.label(format!(
                    "{} / {} · {:.0} / {:.0} MB{}",
                    st.files_done,
                    st.files,
                    st.bytes_done as f64 / 1e6,
                    st.bytes as f64 / 1e6,
                    st.eta()
                        .map(|e| format!(" · ETA {}:{:02}", e as u64 / 60, e as u64 % 60))
                        .unwrap_or_default()
                ));
                if ui.button(s.cancel).clicked() {
                    actions.push(Action::CancelImport);
                }
            });
    }
    let mut close = false;
    if let Some(report) = &st.report {
        egui::Window::new(s.import_report)
            .collapsible(false)
            .default_width(560.0)
            .show(ctx, |ui| {
                ui.label(format!(
                    "{}: {} · {}: {} · {}: {}",
                    s.imported,
                    report.imported.len(),
                    s.duplicates,
                    report.duplicates.len(),
                    s.failed,
                    report.failed.len()
                ));
                egui::ScrollArea::vertical()
                    .max_height(360.0)
                    .show(ui, |ui| {
                        if !report.failed.is_empty() {
                            ui.strong(s.failed);
                            for f in &report.failed {
                                ui.label(
                                    egui::RichText::new(format!("{} — {}", f.error, f.path))
                                        .color(ui.visuals().error_fg_color),
                                );
                            }
                        }
                        if !report.warnings.is_empty() {
                            ui.strong(s.no_preview);
                            for w in &report.warnings {
                                ui.label(format!("{} — {}", w.warning, w.path));
                            }
                        }
                        if !report.conflicts.is_empty() {
                            ui.strong(s.conflicts);
                            for c in &report.conflicts {
                                ui.label(
                                    egui::RichText::new(format!(
                                        "#{} {}: «{}» / «{}»",
                                        c.id, c.field, c.here, c.bag
                                    ))
                                    .color(ui.visuals().warn_fg_color),
                                );
                            }
                        }
                        if !report.merged.is_empty() {
                            ui.label(format!("{}: {}", s.merged, report.merged.len()));
                        }
                        if !report.duplicates.is_empty() {
                            ui.strong(s.duplicates);
                            for d in &report.duplicates {
                                ui.label(&d.path);
                            }
                        }
                    });
                if ui.button(s.close).clicked() {
                    close = true;
                }
            });
    }
    if close {
        st.report = None;
    }
}
