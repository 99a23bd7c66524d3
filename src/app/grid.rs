//! The thumbnail grid, virtualised: only the rows in view are laid out, so 100 000 items cost
//! what the visible ones cost. Click, Ctrl-click, Shift-click select; double-click opens the
//! full view; Ctrl+scroll zooms the tiles.

use super::thumbs::{Lookup, TextureCache, paint_fitted};
use super::{Action, SelectMode, ViewCtx};
use crate::catalog::ItemSummary;

pub fn grid_ui(
    ui: &mut egui::Ui,
    v: &ViewCtx<'_>,
    thumbs: &mut TextureCache,
    tile: &mut f32,
    actions: &mut Vec<Action>,
) {
    let zoom = ui.input(|i| {
        if i.modifiers.command {
            i.zoom_delta()
        } else {
            1.0
        }
    });
    if zoom != 1.0 {
        *tile = (*tile * zoom).clamp(64.0, 320.0);
    }
    let gap = 6.0;
    let label_h = 18.0;
    let width = ui.available_width();
    let per_row = ((width + gap) / (*tile + gap)).floor().max(1.0) as usize;
    let rows = v.visible.len().div_ceil(per_row);
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show_rows(ui, *tile + label_h + gap, rows, |ui, range| {
            for row in range {
                ui.horizontal(|ui| {
                    ui.spacing_mut().item_spacing.x = gap;
                    for index in row * per_row..((row + 1) * per_row).min(v.visible.len()) {
                        let item = &v.items[v.visible[index]];
                        tile_ui(ui, v, item, index, *tile, label_h, thumbs, actions);
                    }
                });
            }
        });
}

#[allow(clippy::too_many_arguments)]
pub fn tile_ui(
    ui: &mut egui::Ui,
    v: &ViewCtx<'_>,
    item: &ItemSummary,
    index: usize,
    tile: f32,
    label_h: f32,
    thumbs: &mut TextureCache,
    actions: &mut Vec<Action>,
) -> egui::Response {
    let (rect, resp) =
        ui.allocate_exact_size(egui::vec2(tile, tile + label_h), egui::Sense::click());
    let selected = v.selection.ids.contains(&item.id);
    let name = item.caption.as_deref().unwrap_or(&item.original_name);
    resp.widget_info(|| egui::WidgetInfo::selected(egui::Role::Button, true, selected, name));
    if ui.is_rect_visible(rect) {
        let painter = ui.painter();
        let visuals = ui.visuals();
        let image_rect = egui::Rect::from_min_size(rect.min, egui::vec2(tile, tile));
        painter.rect_filled(image_rect, 4.0, visuals.extreme_bg_color);
        let lib = v.library;
        match item
            .has_preview
            .then(|| thumbs.get(&item.sha256, || lib.thumb_path(&item.sha256)))
        {
            Some(Lookup::Ready(tex)) => paint_fitted(painter, tex, image_rect.shrink(2.0)),
            Some(Lookup::Pending) => {}
            _ => {
                painter.text(
                    image_rect.center(),
                    egui::Align2::CENTER_CENTER,
                    format!("{}\n—", item.format.to_uppercase()),
                    egui::FontId::proportional(14.0),
                    visuals.weak_text_color(),
                );
            }
        }
        badges(painter, image_rect, item);
        if selected {
            painter.rect_stroke(
                image_rect,
                4.0,
                egui::Stroke::new(3.0, visuals.selection.bg_fill),
                egui::StrokeKind::Inside,
            );
        } else if resp.hovered() {
            painter.rect_stroke(
                image_rect,
                4.0,
                egui::Stroke::new(1.0, visuals.weak_text_color()),
                egui::StrokeKind::Inside,
            );
        }
        if label_h > 0.0 {
            let mut job = egui::text::LayoutJob::simple_singleline(
                name.to_string(),
                egui::FontId::proportional(12.0),
                visuals.text_color(),
            );
            job.wrap = egui::text::TextWrapping::truncate_at_width(tile);
            let text = ui.fonts_mut(|f| f.layout_job(job));
            let at = egui::pos2(rect.min.x, rect.min.y + tile + 2.0);
            painter.galley(at, text, visuals.text_color());
        }
    }
    let resp = if item.incomplete {
        resp.on_hover_text(v.s.incomplete)
    } else {
        resp
    };
    if resp.double_clicked() {
        actions.push(Action::OpenFull(index));
    } else if resp.clicked() {
        let m = ui.input(|i| i.modifiers);
        let mode = if m.shift {
            SelectMode::Range
        } else if m.command {
            SelectMode::Toggle
        } else {
            SelectMode::Replace
        };
        actions.push(Action::Select { index, mode });
    }
    resp
}

/// Marks on a tile: a video's play triangle and duration (bottom left), and a warning corner for
/// a file that ends before its picture or recording does (top right).
pub fn badges(painter: &egui::Painter, rect: egui::Rect, item: &ItemSummary) {
    let dark = egui::Color32::from_black_alpha(170);
    if item.is_video {
        let text = item
            .duration_s
            .map(crate::view::duration_label)
            .unwrap_or_default();
        let font = egui::FontId::proportional(11.0);
        let galley = painter.layout_no_wrap(text, font, egui::Color32::WHITE);
        let h = 16.0;
        let w = 18.0 + galley.size().x + if galley.size().x > 0.0 { 6.0 } else { 0.0 };
        let pill = egui::Rect::from_min_size(
            egui::pos2(rect.min.x + 4.0, rect.max.y - h - 4.0),
            egui::vec2(w, h),
        );
        painter.rect_filled(pill, 3.0, dark);
        let c = egui::pos2(pill.min.x + 9.0, pill.center().y);
        painter.add(egui::Shape::convex_polygon(
            vec![
                egui::pos2(c.x - 3.5, c.y - 5.0),
                egui::pos2(c.x + 5.0, c.y),
                egui::pos2(c.x - 3.5, c.y + 5.0),
            ],
            egui::Color32::WHITE,
            egui::Stroke::NONE,
        ));
        painter.galley(
            egui::pos2(pill.min.x + 18.0, pill.center().y - galley.size().y / 2.0),
            galley,
            egui::Color32::WHITE,
        );
    }
    if item.incomplete {
        let s = 16.0;
        let corner = rect.right_top();
        painter.add(egui::Shape::convex_polygon(
            vec![
                corner,
                egui::pos2(corner.x, corner.y + s * 1.6),
                egui::pos2(corner.x - s * 1.6, corner.y),
            ],
            egui::Color32::from_rgb(230, 140, 20),
            egui::Stroke::NONE,
        ));
        painter.text(
            egui::pos2(corner.x - 6.0, corner.y + 7.0),
            egui::Align2::CENTER_CENTER,
            "!",
            egui::FontId::proportional(12.0),
            egui::Color32::BLACK,
        );
    }
}
