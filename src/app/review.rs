//! Review mode, built for speed: the queue on the left (whatever the filters leave, e.g.
//! "unreviewed"), a large preview of the current item, keys 1-4 set its status and move on,
//! N writes a note, arrows move.

use super::thumbs::{Lookup, TextureCache, paint_fitted};
use super::{Action, SelectMode, ViewCtx, view};
use crate::catalog::REVIEW_STATUSES;

#[derive(Default)]
pub struct ReviewState {
    pub note: String,
    focus_note: bool,
}

pub fn review_ui(
    ui: &mut egui::Ui,
    v: &ViewCtx<'_>,
    st: &mut ReviewState,
    thumbs: &mut TextureCache,
    previews: &mut TextureCache,
    actions: &mut Vec<Action>,
) {
    let s = v.s;
    let current = v
        .selection
        .focus
        .and_then(|id| v.visible.iter().position(|&i| v.items[i].id == id));
    if current.is_none() && !v.visible.is_empty() {
        actions.push(Action::Select {
            index: 0,
            mode: SelectMode::Replace,
        });
    }
    let typing = ui.ctx().egui_wants_keyboard_input();
    if !typing {
        ui.input_mut(|i| {
            for (k, key) in [
                egui::Key::Num1,
                egui::Key::Num2,
                egui::Key::Num3,
                egui::Key::Num4,
            ]
            .into_iter()
            .enumerate()
            {
                if i.consume_key(egui::Modifiers::NONE, key) {
                    actions.push(Action::Review {
                        status: Some(REVIEW_STATUSES[k].to_string()),
                        note: None,
                        advance: true,
                    });
                }
            }
            if i.consume_key(egui::Modifiers::NONE, egui::Key::N) {
                st.focus_note = true;
            }
        });
    }
    ui.weak(s.review_hint);
    ui.add_space(4.0);
    let lib = v.library;
    egui::Panel::left("review_queue")
        .resizable(true)
        .default_size(300.0)
        .show(ui, |ui| {
            let row_h = 56.0;
            egui::ScrollArea::vertical()
                .auto_shrink([false, false])
                .show_rows(ui, row_h, v.visible.len(), |ui, range| {
                    for index in range {
                        let item = &v.items[v.visible[index]];
                        let selected = Some(index) == current;
                        let (rect, resp) = ui.allocate_exact_size(
                            egui::vec2(ui.available_width(), row_h),
                            egui::Sense::click(),
                        );
                        let name = item.caption.as_deref().unwrap_or(&item.original_name);
                        resp.widget_info(|| {
                            egui::WidgetInfo::selected(egui::Role::Button, true, selected, name)
                        });
                        if selected {
                            ui.painter().rect_filled(
                                rect,
                                4.0,
                                ui.visuals().selection.bg_fill.gamma_multiply(0.5),
                            );
                        }
                        let thumb_rect = egui::Rect::from_min_size(
                            rect.min + egui::vec2(2.0, 4.0),
                            egui::vec2(48.0, 48.0),
                        );
                        if item.has_preview
                            && let Lookup::Ready(tex) =
                                thumbs.get(&item.sha256, || lib.thumb_path(&item.sha256))
                        {
                            paint_fitted(ui.painter(), tex, thumb_rect);
                        }
                        let text_pos = rect.min + egui::vec2(58.0, 6.0);
                        let mut job = egui::text::LayoutJob::simple_singleline(
                            name.to_string(),
                            egui::FontId::proportional(13.0),
                            ui.visuals().text_color(),
                        );
                        job.wrap = egui::text::TextWrapping::truncate_at_width(rect.width() - 64.0);
                        let galley = ui.fonts_mut(|f| f.layout_job(job));
                        ui.painter()
                            .galley(text_pos, galley, ui.visuals().text_color());
                        ui.painter().text(
                            text_pos + egui::vec2(0.0, 22.0),
                            egui::Align2::LEFT_TOP,
                            format!(
                                "{} · {}",
                                s.status(&item.review_status),
                                view::date_label(item, s)
                            ),
                            egui::FontId::proportional(11.0),
                            status_color(ui, &item.review_status),
                        );
                        if resp.clicked() {
                            actions.push(Action::Select {
                                index,
                                mode: SelectMode::Replace,
                            });
                        }
                    }
                });
        });
    let Some(index) = current else {
        ui.centered_and_justified(|ui| ui.weak(s.no_selection));
        return;
    };
    let item = &v.items[v.visible[index]];
    ui.vertical(|ui| {
        let h = (ui.available_height() - 190.0).max(200.0);
        let (rect, _) =
            ui.allocate_exact_size(egui::vec2(ui.available_width(), h), egui::Sense::hover());
        ui.painter()
            .rect_filled(rect, 4.0, ui.visuals().extreme_bg_color);
        if item.has_preview
            && let Lookup::Ready(tex) =
                previews.get(&item.sha256, || lib.preview_path(&item.sha256))
        {
            paint_fitted(ui.painter(), tex, rect);
        }
        ui.add_space(6.0);
        ui.label(
            egui::RichText::new(item.caption.as_deref().unwrap_or(&item.original_name)).size(15.0),
        );
        let mut meta = vec![view::date_label(item, s)];
        if let Some(p) = &item.place {
            meta.push(p.clone());
        }
        if !item.people.is_empty() {
            meta.push(item.people.join(", "));
        }
        ui.weak(meta.join(" · "));
        ui.add_space(6.0);
        ui.horizontal(|ui| {
            for (k, status) in REVIEW_STATUSES.iter().enumerate() {
                let on = item.review_status == *status;
                let label = format!("{} {}", k + 1, s.status(status));
                if ui
                    .selectable_label(
                        on,
                        egui::RichText::new(label).color(status_color(ui, status)),
                    )
                    .clicked()
                {
                    actions.push(Action::Review {
                        status: Some(status.to_string()),
                        note: None,
                        advance: true,
                    });
                }
            }
        });
        ui.horizontal(|ui| {
            let l = ui.label(s.add_note);
            let r = ui
                .add(
                    egui::TextEdit::singleline(&mut st.note)
                        .desired_width(ui.available_width() - 8.0),
                )
                .labelled_by(l.id);
            if st.focus_note {
                r.request_focus();
                st.focus_note = false;
            }
            if r.lost_focus()
                && ui.input(|i| i.key_pressed(egui::Key::Enter))
                && !st.note.trim().is_empty()
            {
                actions.push(Action::Review {
                    status: None,
                    note: Some(st.note.trim().to_string()),
                    advance: false,
                });
                st.note.clear();
            }
        });
    });
}

pub fn status_color(ui: &egui::Ui, status: &str) -> egui::Color32 {
    match status {
        "verified" => egui::Color32::from_rgb(90, 190, 110),
        "needs-info" => ui.visuals().warn_fg_color,
        "rejected" => ui.visuals().error_fg_color,
        _ => ui.visuals().weak_text_color(),
    }
}
