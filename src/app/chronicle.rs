//! The chronicle: items in event-date order under day headers, as a photo chronicle reads,
//! with a zoomable time axis above it. The axis shows a density histogram (fuzzy dates spread
//! over their span); the wheel zooms around the pointer, dragging marks a range that filters
//! the view, a click clears it. The selected items' date spans are drawn as bars.

use super::grid::tile_ui;
use super::thumbs::TextureCache;
use super::{Action, ViewCtx};
use crate::view::{self, ChronicleRow, ViewFilter};

const HEADER_H: f32 = 34.0;
const THUMB: f32 = 112.0;
const ROW_H: f32 = THUMB + 26.0;
const AXIS_H: f32 = 96.0;

#[derive(Default)]
pub struct ChronicleState {
    /// The visible window of the axis, in seconds; `None` fits everything.
    window: Option<(f64, f64)>,
    drag_from: Option<f64>,
    /// Scroll so that this visible index is in view.
    pub scroll_to: Option<usize>,
    layout: Option<Layout>,
    axis: Option<AxisCache>,
}

/// The chronicle's rows and their offsets, rebuilt only when the items, the filter or the
/// language change, never per frame.
struct Layout {
    key: (u64, usize),
    rows: Vec<ChronicleRow>,
    tops: Vec<f32>,
    /// Item index -> position in `visible`.
    index_of: std::collections::HashMap<usize, usize>,
}

/// The axis extent and histograms, recomputed only when the items, the filter, the zoom or the
/// width change.
struct AxisCache {
    generation: u64,
    full: Option<(f64, f64)>,
    hist_key: (u64, u64, usize),
    all: Vec<f32>,
    visible: Vec<f32>,
}

fn layout<'a>(st: &'a mut Option<Layout>, v: &ViewCtx<'_>) -> &'a Layout {
    let key = (v.generation, v.s as *const _ as usize);
    if st.as_ref().is_none_or(|l| l.key != key) {
        let rows = view::chronicle(v.items, v.visible, v.s);
        let mut tops = Vec::with_capacity(rows.len() + 1);
        let mut y = 0.0;
        for r in &rows {
            tops.push(y);
            y += match r {
                ChronicleRow::Header(_) => HEADER_H,
                ChronicleRow::Item(_) => ROW_H,
            };
        }
        tops.push(y);
        let index_of = v.visible.iter().enumerate().map(|(k, &i)| (i, k)).collect();
        *st = Some(Layout {
            key,
            rows,
            tops,
            index_of,
        });
    }
    st.as_ref().expect("just built")
}

pub fn chronicle_ui(
    ui: &mut egui::Ui,
    v: &ViewCtx<'_>,
    st: &mut ChronicleState,
    filter: &mut ViewFilter,
    thumbs: &mut TextureCache,
    actions: &mut Vec<Action>,
) {
    axis_ui(ui, v, st, filter);
    ui.add_space(6.0);
    let scroll_to = st.scroll_to.take();
    let Layout {
        rows,
        tops,
        index_of,
        ..
    } = layout(&mut st.layout, v);
    let y = *tops.last().unwrap();
    let mut area = egui::ScrollArea::vertical()
        .id_salt("chronicle")
        .auto_shrink([false, false]);
    if let Some(target) = scroll_to {
        let item = v.visible.get(target).copied();
        if let Some(row) = rows
            .iter()
            .position(|r| matches!(r, ChronicleRow::Item(i) if Some(*i) == item))
        {
            area = area.vertical_scroll_offset((tops[row] - 2.0 * ROW_H).max(0.0));
        }
    }
    area.show_viewport(ui, |ui, viewport| {
        ui.set_height(y);
        let first = tops
            .partition_point(|t| *t + ROW_H < viewport.min.y)
            .saturating_sub(1);
        let origin = ui.max_rect().min;
        for (r, row) in rows.iter().enumerate().skip(first) {
            if tops[r] > viewport.max.y {
                break;
            }
            let top = origin.y + tops[r];
            let rect = egui::Rect::from_min_size(
                egui::pos2(origin.x, top),
                egui::vec2(ui.available_width(), tops[r + 1] - tops[r]),
            );
            let mut child = ui.new_child(
                egui::UiBuilder::new()
                    .max_rect(rect)
                    .layout(egui::Layout::left_to_right(egui::Align::Min)),
            );
            match row {
                ChronicleRow::Header(h) => {
                    child.add_space(2.0);
                    child.vertical(|ui| {
                        ui.add_space(8.0);
                        ui.label(egui::RichText::new(h).size(18.0).strong());
                    });
                }
                ChronicleRow::Item(i) => {
                    let item = &v.items[*i];
                    let index = index_of[i];
                    tile_ui(&mut child, v, item, index, THUMB, 0.0, thumbs, actions);
                    child.add_space(10.0);
                    child.vertical(|ui| {
                        ui.set_max_width((rect.width() - THUMB - 24.0).max(100.0));
                        if let Some(t) = view::time_label(item) {
                            ui.label(egui::RichText::new(t).small().weak());
                        }
                        let text = item.caption.as_deref().unwrap_or(&item.original_name);
                        ui.label(egui::RichText::new(text).size(14.0));
                        let mut meta = Vec::new();
                        if let Some(p) = &item.place {
                            meta.push(format!("{}: {p}", v.s.place));
                        }
                        if !item.people.is_empty() {
                            meta.push(format!("{}: {}", v.s.people, item.people.join(", ")));
                        }
                        if !meta.is_empty() {
                            ui.label(egui::RichText::new(meta.join("   ")).small());
                        }
                    });
                }
            }
        }
    });
}

fn axis_ui(ui: &mut egui::Ui, v: &ViewCtx<'_>, st: &mut ChronicleState, filter: &mut ViewFilter) {
    let (rect, resp) = ui.allocate_exact_size(
        egui::vec2(ui.available_width(), AXIS_H),
        egui::Sense::click_and_drag(),
    );
    let painter = ui.painter_at(rect);
    let visuals = ui.visuals().clone();
    painter.rect_filled(rect, 4.0, visuals.extreme_bg_color);
    // The axis spans every item, not only the filtered ones, so a range stays in context.
    if st
        .axis
        .as_ref()
        .is_none_or(|c| c.generation != v.generation)
    {
        let all: Vec<usize> = (0..v.items.len()).collect();
        st.axis = Some(AxisCache {
            generation: v.generation,
            full: view::extent(v.items, &all),
            hist_key: (0, 0, 0),
            all: Vec::new(),
            visible: Vec::new(),
        });
    }
    let cache = st.axis.as_mut().unwrap();
    let Some(full) = cache.full else {
        painter.text(
            rect.center(),
            egui::Align2::CENTER_CENTER,
            v.s.undated,
            egui::FontId::proportional(14.0),
            visuals.weak_text_color(),
        );
        return;
    };
    let (mut a, mut b) = st.window.unwrap_or(full);

    // Zoom around the pointer; horizontal scroll pans.
    if let Some(pos) = resp.hover_pos() {
        let (scroll, zoom) = ui.input(|i| (i.smooth_scroll_delta, i.zoom_delta()));
        let factor = (1.0 - scroll.y as f64 * 0.003) / zoom as f64;
        if factor != 1.0 || scroll.x != 0.0 {
            let t = a + ((pos.x - rect.left()) / rect.width()) as f64 * (b - a);
            let span = ((b - a) * factor).clamp(3600.0, (full.1 - full.0) * 4.0);
            let f = (t - a) / (b - a);
            let pan = -scroll.x as f64 / rect.width() as f64 * span;
            a = t - f * span + pan;
            b = a + span;
            st.window = Some((a, b));
        }
    }
    let to_x = |t: f64| rect.left() + ((t - a) / (b - a)) as f32 * rect.width();
    let hist_rect = egui::Rect::from_min_max(
        rect.min + egui::vec2(0.0, 4.0),
        egui::pos2(rect.max.x, rect.max.y - 34.0),
    );
    let buckets = (rect.width() / 4.0).max(1.0) as usize;
    let hist_key = (a.to_bits(), b.to_bits(), buckets);
    if cache.hist_key != hist_key {
        let all: Vec<usize> = (0..v.items.len()).collect();
        cache.all = view::histogram(v.items, &all, a, b, buckets);
        cache.visible = view::histogram(v.items, v.visible, a, b, buckets);
        cache.hist_key = hist_key;
    }
    let (all_h, vis_h) = (&cache.all, &cache.visible);
    let max = all_h.iter().cloned().fold(0.0f32, f32::max).max(1e-6);
    let bw = rect.width() / buckets as f32;
    for (k, (h_all, h_vis)) in all_h.iter().zip(vis_h).enumerate() {
        let x = rect.left() + k as f32 * bw;
        for (h, color) in [
            (h_all, visuals.weak_text_color().gamma_multiply(0.35)),
            (h_vis, visuals.selection.bg_fill),
        ] {
            if *h > 0.0 {
                let height = (h / max).sqrt() * hist_rect.height();
                painter.rect_filled(
                    egui::Rect::from_min_max(
                        egui::pos2(x, hist_rect.bottom() - height),
                        egui::pos2(x + bw - 1.0, hist_rect.bottom()),
                    ),
                    0.0,
                    color,
                );
            }
        }
    }
    // The selected items' dates as spans: a fuzzy date is a bar, an exact one a tick.
    let spans_y = hist_rect.bottom() + 6.0;
    for item in v
        .items
        .iter()
        .filter(|i| v.selection.ids.contains(&i.id))
        .take(200)
    {
        if let Some((s, e)) = item.span() {
            let x0 = to_x(view::secs(s)).max(rect.left());
            let x1 = to_x(view::secs(e) + 1.0).min(rect.right()).max(x0 + 2.0);
            painter.rect_filled(
                egui::Rect::from_min_max(egui::pos2(x0, spans_y), egui::pos2(x1, spans_y + 5.0)),
                2.0,
                visuals.warn_fg_color,
            );
        }
    }
    for (t, label) in view::ticks(a, b, (rect.width() / 110.0) as usize, v.s) {
        let x = to_x(t);
        painter.line_segment(
            [
                egui::pos2(x, rect.bottom() - 22.0),
                egui::pos2(x, rect.bottom() - 16.0),
            ],
            egui::Stroke::new(1.0, visuals.text_color()),
        );
        painter.text(
            egui::pos2(x + 2.0, rect.bottom() - 14.0),
            egui::Align2::LEFT_TOP,
            label,
            egui::FontId::proportional(11.0),
            visuals.text_color(),
        );
    }
    // The range filter.
    if let Some((ra, rb)) = filter.range {
        let x0 = to_x(view::secs(ra));
        let x1 = to_x(view::secs(rb));
        painter.rect_filled(
            egui::Rect::from_min_max(egui::pos2(x0, rect.top()), egui::pos2(x1, rect.bottom())),
            0.0,
            visuals.selection.bg_fill.gamma_multiply(0.25),
        );
    }
    let to_t = |x: f32| a + ((x - rect.left()) / rect.width()) as f64 * (b - a);
    if resp.drag_started()
        && let Some(p) = resp.interact_pointer_pos()
    {
        st.drag_from = Some(to_t(p.x));
    }
    if let (Some(from), Some(p)) = (st.drag_from, resp.interact_pointer_pos()) {
        let to = to_t(p.x);
        let (lo, hi) = (from.min(to), from.max(to));
        let x0 = to_x(lo);
        let x1 = to_x(hi);
        painter.rect_stroke(
            egui::Rect::from_min_max(egui::pos2(x0, rect.top()), egui::pos2(x1, rect.bottom())),
            0.0,
            egui::Stroke::new(1.0, visuals.selection.stroke.color),
            egui::StrokeKind::Inside,
        );
        if resp.drag_stopped() {
            st.drag_from = None;
            if (x1 - x0).abs() > 4.0 {
                filter.range = Some((view::from_secs(lo), view::from_secs(hi)));
            }
        }
    }
    if resp.clicked() {
        filter.range = None;
    }
    if resp.double_clicked() {
        st.window = None;
    }
    resp.on_hover_text(format!("{} · {}", v.s.range, v.s.clear_range));
}
