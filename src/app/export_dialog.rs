//! Export… in the app: the selection or the current view, to any format `kadr export` writes,
//! into a folder picked with the system dialog or typed. The export runs on the worker side.

use super::Action;
use crate::i18n::Strings;
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, channel};

#[derive(Default)]
pub struct ExportState {
    pub open: bool,
    pub format: usize,
    /// Export the current view rather than the selection.
    pub whole_view: bool,
    pub out: String,
    pub force: bool,
    pub include_do_not_publish: bool,
    dialog: Option<Receiver<Option<PathBuf>>>,
    pub running: bool,
}

/// (format, label) in the order the dialog offers them.
pub fn formats(s: &Strings) -> [(&'static str, &'static str); 6] {
    [
        ("bag", s.export_bag),
        ("html", s.export_html),
        ("csv", "CSV"),
        ("json", "JSON"),
        ("xmp", "XMP"),
        ("publish", s.export_publish),
    ]
}

pub fn export_window(
    ctx: &egui::Context,
    s: &Strings,
    st: &mut ExportState,
    selected: usize,
    visible: usize,
    actions: &mut Vec<Action>,
) {
    if let Some(rx) = &st.dialog
        && let Ok(chosen) = rx.try_recv()
    {
        st.dialog = None;
        if let Some(dir) = chosen {
            st.out = dir.to_string_lossy().to_string();
        }
    }
    if !st.open {
        return;
    }
    let mut open = true;
    egui::Window::new(s.export)
        .open(&mut open)
        .collapsible(false)
        .default_width(460.0)
        .show(ctx, |ui| {
            let formats = formats(s);
            ui.horizontal_wrapped(|ui| {
                for (k, (_, label)) in formats.iter().enumerate() {
                    ui.selectable_value(&mut st.format, k, *label);
                }
            });
            if selected == 0 {
                st.whole_view = true;
            }
            ui.horizontal(|ui| {
                ui.add_enabled_ui(selected > 0, |ui| {
                    ui.radio_value(
                        &mut st.whole_view,
                        false,
                        format!("{} ({selected})", s.selected),
                    );
                });
                ui.radio_value(
                    &mut st.whole_view,
                    true,
                    format!("{} ({visible})", s.current_view),
                );
            });
            ui.horizontal(|ui| {
                let l = ui.label(s.output_folder);
                ui.add(egui::TextEdit::singleline(&mut st.out).desired_width(260.0))
                    .labelled_by(l.id);
                if ui
                    .add_enabled(st.dialog.is_none(), egui::Button::new(s.choose))
                    .clicked()
                {
                    let (tx, rx) = channel();
                    std::thread::spawn(move || {
                        let _ = tx.send(rfd::FileDialog::new().pick_folder());
                    });
                    st.dialog = Some(rx);
                }
            });
            ui.checkbox(&mut st.force, s.replace_folder);
            if formats[st.format].0 == "publish" {
                ui.checkbox(&mut st.include_do_not_publish, s.include_do_not_publish);
            }
            let count = if st.whole_view { visible } else { selected };
            let ready = !st.out.trim().is_empty() && !st.running && count > 0;
            if ui
                .add_enabled(ready, egui::Button::new(s.export_now))
                .clicked()
            {
                actions.push(Action::Export);
                st.running = true;
            }
            if st.running {
                ui.spinner();
            }
        });
    if !open {
        st.open = false;
    }
}
