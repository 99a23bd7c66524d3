//! The map view: the items in view (every sidebar filter and the timeline's range already
//! applied to `v.visible`) on the built-in basemap, in Web Mercator, drawn on egui's painter.
//!
//! Items with a camera GPS position are round points; items located only by their tagged
//! place are diamonds, because "the camera said" and "the journalist said" are different
//! claims. Nearby markers of one kind merge into a cluster with a count that splits as you
//! zoom. Click a marker to select (Ctrl toggles), Shift+drag or right-drag a box to select
//! what is inside it; drag to pan, scroll to zoom. No network: the basemap is compiled in
//! (`crate::basemap`); offline tiles the user chose are drawn over it (`tiles_layer`).

mod markers;

use super::map_links::{self, Pick, StripState};
use super::thumbs::TextureCache;
use super::tiles_layer::TileLayer;
use super::{Action, ViewCtx};
use crate::basemap::{self, LineKind};
use crate::geo::{self, Source};
use egui::{Color32, Pos2, Rect, Sense, Stroke, pos2, vec2};
use markers::{Clustered, Located, Point, markers, paint_place_radii};

/// Pixels across the whole world at zoom 0.
const TILE: f64 = 256.0;
/// Markers closer than this (pixels) merge into a cluster.
const CELL_PX: f64 = 34.0;
const MIN_ZOOM: f64 = 0.0;
const MAX_ZOOM: f64 = 18.0;

const CAMERA: Color32 = Color32::from_rgb(30, 120, 230);
const PLACE: Color32 = Color32::from_rgb(225, 120, 20);

/// Where the map looks and what the user is doing with it.
#[derive(Debug, Clone)]
pub struct MapState {
    /// The centre of the view in world coordinates (0..1, `geo::to_world`).
    center: [f64; 2],
    zoom: f64,
    /// The user panned or zoomed: stop fitting the view to the items when filters change.
    moved: bool,
    /// The `ViewCtx::generation` the view was last fitted to.
    fitted: Option<u64>,
    /// A box selection being dragged, from this screen position.
    boxing: Option<Pos2>,
    /// The time strip under the map.
    pub(super) strip: StripState,
    /// "Filter to map area" is on (the app keeps it in step with its filter).
    pub(super) area_on: bool,
    /// A place waiting for a click on the map to set its position.
    pub(super) picking: Option<Pick>,
    /// What the map showed when last drawn.
    pub(super) view_box: Option<geo::BBox>,
    /// The items in view as the map draws them.
    located: Located,
    /// The recent clusterings of each kind of marker (camera, place), latest last.
    clusters: [Vec<Clustered>; 2],
}

impl Default for MapState {
    fn default() -> Self {
        MapState {
            center: [0.5, 0.5],
            zoom: 1.0,
            moved: false,
            fitted: None,
            boxing: None,
            strip: StripState::default(),
            area_on: false,
            picking: None,
            view_box: None,
            located: Located::default(),
            clusters: [Vec::new(), Vec::new()],
        }
    }
}

impl MapState {
    /// The box of the Earth the map showed when last drawn.
    pub(super) fn view_box(&self) -> Option<geo::BBox> {
        self.view_box
    }

    /// Keeps the view where it is when the filters change (no fitting to the items).
    pub(super) fn hold_view(&mut self) {
        self.moved = true;
    }

    fn scale(&self) -> f64 {
        TILE * 2f64.powf(self.zoom)
    }

    fn to_screen(&self, rect: Rect, w: [f64; 2]) -> Pos2 {
        let s = self.scale();
        pos2(
            rect.center().x + ((w[0] - self.center[0]) * s) as f32,
            rect.center().y + ((w[1] - self.center[1]) * s) as f32,
        )
    }

    pub(super) fn to_world(&self, rect: Rect, p: Pos2) -> [f64; 2] {
        let s = self.scale();
        [
            self.center[0] + (p.x - rect.center().x) as f64 / s,
            self.center[1] + (p.y - rect.center().y) as f64 / s,
        ]
    }

    /// Shows every point, or the whole world when there are none.
    fn fit(&mut self, rect: Rect, points: &[[f64; 2]]) {
        let Some(first) = points.first() else {
            self.center = [0.5, 0.5];
            self.zoom = (rect.width().min(rect.height()) as f64 / TILE)
                .log2()
                .max(MIN_ZOOM);
            return;
        };
        let (mut min, mut max) = (*first, *first);
        for p in points {
            for k in 0..2 {
                min[k] = min[k].min(p[k]);
                max[k] = max[k].max(p[k]);
            }
        }
        self.center = [(min[0] + max[0]) / 2.0, (min[1] + max[1]) / 2.0];
        let span = (max[0] - min[0]).max(max[1] - min[1]).max(1e-9);
        let room = (rect.width().min(rect.height()) as f64 - 120.0).max(50.0);
        self.zoom = (room / (span * TILE)).log2().clamp(MIN_ZOOM, 15.0);
    }

    /// Zooms by `steps` (powers of two) keeping the world point under `at` where it is.
    fn zoom_at(&mut self, rect: Rect, at: Pos2, steps: f64) {
        let before = self.to_world(rect, at);
        self.zoom = (self.zoom + steps).clamp(MIN_ZOOM, MAX_ZOOM);
        let s = self.scale();
        self.center = [
            before[0] - (at.x - rect.center().x) as f64 / s,
            before[1] - (at.y - rect.center().y) as f64 / s,
        ];
        self.clamp();
    }

    fn clamp(&mut self) {
        self.center[0] = self.center[0].clamp(0.0, 1.0);
        self.center[1] = self.center[1].clamp(0.0, 1.0);
    }
}

pub fn map_ui(
    ui: &mut egui::Ui,
    v: &ViewCtx<'_>,
    state: &mut MapState,
    thumbs: &mut TextureCache,
    tiles: &mut TileLayer,
    actions: &mut Vec<Action>,
) {
    let size = ui.available_size() - vec2(0.0, map_links::HEIGHT);
    let (rect, canvas) = ui.allocate_exact_size(size, Sense::click_and_drag());
    canvas.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Canvas, true, v.s.map_area));
    let strip_rect = Rect::from_min_size(rect.left_bottom(), vec2(rect.width(), map_links::HEIGHT));
    let mut located = std::mem::take(&mut state.located);
    located.update(v, state.strip.cursor);
    let Located {
        all,
        camera,
        place,
        stops,
        ..
    } = &located;
    // With the map area filtering the views, the view moves only when the user moves it:
    // fitting it to what the area let through would narrow the area again.
    let refit = state.fitted.is_none() || (!state.area_on && state.fitted != Some(v.generation));
    if !state.moved && refit {
        let worlds: Vec<[f64; 2]> = all.iter().map(|p| p.point.world).collect();
        state.fit(rect, &worlds);
        state.fitted = Some(v.generation);
    }
    let mut map_actions = Vec::new();
    interact(ui, rect, &canvas, state, camera, place, &mut map_actions);

    let painter = ui.painter_at(rect);
    let dark = ui.visuals().dark_mode;
    let sea = if dark {
        Color32::from_rgb(22, 30, 40)
    } else {
        Color32::from_rgb(226, 236, 244)
    };
    painter.rect_filled(rect, 0.0, sea);
    paint_basemap(&painter, rect, state, dark);
    // The offline tiles, where loaded, over the basemap (`tiles_layer`).
    tiles.paint(&painter, rect, state.center, state.scale());
    paint_place_radii(&painter, rect, state, &located.radii);

    let selected_color = ui.visuals().selection.bg_fill;
    let mut zoom_to = None;
    for (points, source) in [(place, Source::Place), (camera, Source::Camera)] {
        zoom_to = zoom_to.or(markers(
            ui,
            &painter,
            rect,
            v,
            state,
            points,
            located.version,
            source,
            selected_color,
            thumbs,
            &mut map_actions,
        ));
    }
    // What the time strip's cursor has just reached is ringed.
    for p in &located.just_now {
        let at = state.to_screen(rect, *p);
        painter.circle_stroke(at, 13.0, Stroke::new(2.5, Color32::from_rgb(250, 200, 40)));
    }
    if let Some(at) = zoom_to {
        // A double-click on a marker zooms in on it.
        state.zoom_at(rect, at, 2.0);
        state.moved = true;
    }
    if let (Some(from), Some(to)) = (state.boxing, canvas.hover_pos()) {
        let r = Rect::from_two_pos(from, to);
        painter.rect_filled(r, 0.0, selected_color.gamma_multiply(0.15));
        painter.rect_stroke(
            r,
            0.0,
            Stroke::new(1.0, selected_color),
            egui::StrokeKind::Inside,
        );
    }
    paint_scale_bar(&painter, rect, state, ui.visuals().text_color());
    tiles.paint_credit(&painter, rect, v.s.tiles.on_map, ui.visuals());
    paint_legend(&painter, rect, v, ui.visuals());
    if camera.is_empty() && place.is_empty() {
        painter.text(
            rect.center(),
            egui::Align2::CENTER_CENTER,
            v.s.map_nothing_located,
            egui::FontId::proportional(15.0),
            ui.visuals().text_color(),
        );
    }
    let fit = Rect::from_min_size(rect.right_top() + vec2(-110.0, 8.0), vec2(100.0, 24.0));
    if ui.put(fit, egui::Button::new(v.s.map_fit)).clicked() {
        state.moved = false;
        state.fitted = None;
    }
    map_links::links_ui(
        ui,
        rect,
        strip_rect,
        v,
        state,
        &canvas,
        &map_links::StripCounts {
            stops,
            located: all.len(),
            shown: camera.len() + place.len(),
        },
        map_actions,
        actions,
    );
    state.located = located;
}

/// Pan, zoom and box selection on the empty map.
fn interact(
    ui: &egui::Ui,
    rect: Rect,
    canvas: &egui::Response,
    state: &mut MapState,
    camera: &[Point],
    place: &[Point],
    actions: &mut Vec<Action>,
) {
    let (shift, command, press) = ui.input(|i| {
        (
            i.modifiers.shift,
            i.modifiers.command,
            i.pointer.press_origin(),
        )
    });
    if canvas.drag_started() && (shift || canvas.dragged_by(egui::PointerButton::Secondary)) {
        state.boxing = press.or(canvas.interact_pointer_pos());
    }
    if let Some(from) = state.boxing {
        if canvas.drag_stopped() || !canvas.dragged() {
            let to = canvas
                .interact_pointer_pos()
                .or(canvas.hover_pos())
                .unwrap_or(from);
            let r = Rect::from_two_pos(from, to);
            let indices: Vec<usize> = camera
                .iter()
                .chain(place)
                .filter(|p| r.contains(state.to_screen(rect, p.world)))
                .map(|p| p.index)
                .collect();
            actions.push(Action::SelectMany {
                indices,
                add: command,
            });
            state.boxing = None;
        }
    } else if canvas.dragged_by(egui::PointerButton::Primary) {
        let d = canvas.drag_delta();
        if d != egui::Vec2::ZERO {
            let s = state.scale();
            state.center[0] -= d.x as f64 / s;
            state.center[1] -= d.y as f64 / s;
            state.clamp();
            state.moved = true;
        }
    }
    if let Some(at) = canvas.hover_pos() {
        let (scroll, pinch) = ui.input(|i| (i.smooth_scroll_delta.y, i.zoom_delta()));
        let steps = scroll as f64 / 240.0 + (pinch as f64).log2();
        if steps != 0.0 {
            state.zoom_at(rect, at, steps);
            state.moved = true;
        }
    }
    if canvas.double_clicked()
        && let Some(at) = canvas.interact_pointer_pos()
    {
        state.zoom_at(rect, at, 1.0);
        state.moved = true;
    }
}

fn paint_basemap(painter: &egui::Painter, rect: Rect, state: &MapState, dark: bool) {
    let Some(map) = basemap::if_ready() else {
        painter
            .ctx()
            .request_repaint_after(std::time::Duration::from_millis(50));
        return;
    };
    let (lo, hi) = (
        state.to_world(rect, rect.min),
        state.to_world(rect, rect.max),
    );
    let coast = Stroke::new(
        1.2,
        if dark {
            Color32::from_rgb(150, 165, 150)
        } else {
            Color32::from_rgb(90, 110, 90)
        },
    );
    let border = Stroke::new(
        0.8,
        if dark {
            Color32::from_rgb(120, 110, 140)
        } else {
            Color32::from_rgb(150, 130, 160)
        },
    );
    for line in &map.lines {
        if (line.max[0] as f64) < lo[0]
            || (line.min[0] as f64) > hi[0]
            || (line.max[1] as f64) < lo[1]
            || (line.min[1] as f64) > hi[1]
        {
            continue;
        }
        let stroke = match line.kind {
            LineKind::Coast => coast,
            LineKind::Border => border,
        };
        // Only the stretches that cross the view are drawn (zoomed in, a coastline is mostly
        // off screen, and the tessellator would still stroke all of it), and points closer
        // than a pixel to the last one add nothing but cost.
        let view = rect.expand(4.0);
        let mut run: Vec<Pos2> = Vec::new();
        let mut last: Option<Pos2> = None;
        for p in &line.points {
            let s = state.to_screen(rect, [p[0] as f64, p[1] as f64]);
            let Some(prev) = last else {
                last = Some(s);
                continue;
            };
            if Rect::from_two_pos(prev, s).intersects(view) {
                if run.is_empty() {
                    run.push(prev);
                }
                if run.last().is_none_or(|l: &Pos2| l.distance_sq(s) >= 1.0) {
                    run.push(s);
                }
                last = Some(s);
            } else {
                if run.len() >= 2 {
                    painter.add(egui::Shape::line(std::mem::take(&mut run), stroke));
                }
                run.clear();
                last = Some(s);
            }
        }
        if run.len() >= 2 {
            painter.add(egui::Shape::line(run, stroke));
        }
    }
    if state.zoom >= 2.5 {
        let color = if dark {
            Color32::from_gray(190)
        } else {
            Color32::from_gray(60)
        };
        for city in &map.cities {
            let p = state.to_screen(rect, city.world);
            if !rect.contains(p) {
                continue;
            }
            painter.circle_filled(p, 2.5, color);
            if state.zoom >= 4.0 {
                painter.text(
                    p + vec2(5.0, -2.0),
                    egui::Align2::LEFT_BOTTOM,
                    &city.name,
                    egui::FontId::proportional(11.0),
                    color,
                );
            }
        }
    }
}

fn paint_scale_bar(painter: &egui::Painter, rect: Rect, state: &MapState, color: Color32) {
    let (px, text) = geo::scale_bar(geo::from_world(state.center).lat, state.scale());
    let px = px as f32;
    let y = rect.max.y - 14.0;
    let x1 = rect.max.x - 16.0;
    let x0 = x1 - px;
    let stroke = Stroke::new(2.0, color);
    painter.line_segment([pos2(x0, y), pos2(x1, y)], stroke);
    painter.line_segment([pos2(x0, y - 5.0), pos2(x0, y)], stroke);
    painter.line_segment([pos2(x1, y - 5.0), pos2(x1, y)], stroke);
    painter.text(
        pos2((x0 + x1) / 2.0, y - 4.0),
        egui::Align2::CENTER_BOTTOM,
        text,
        egui::FontId::proportional(11.0),
        color,
    );
}

fn paint_legend(painter: &egui::Painter, rect: Rect, v: &ViewCtx<'_>, visuals: &egui::Visuals) {
    let font = egui::FontId::proportional(12.0);
    let text = visuals.text_color();
    let x = rect.min.x + 12.0;
    let mut y = rect.max.y - 58.0;
    let bg = Rect::from_min_max(
        pos2(rect.min.x + 4.0, y - 12.0),
        pos2(x + 470.0, rect.max.y - 4.0),
    );
    painter.rect_filled(bg, 4.0, visuals.panel_fill.gamma_multiply(0.85));
    painter.circle(
        pos2(x + 6.0, y),
        6.0,
        CAMERA,
        Stroke::new(1.5, Color32::from_black_alpha(160)),
    );
    painter.text(
        pos2(x + 18.0, y),
        egui::Align2::LEFT_CENTER,
        v.s.map_camera,
        font.clone(),
        text,
    );
    y += 18.0;
    painter.add(markers::diamond(
        pos2(x + 6.0, y),
        7.5,
        PLACE,
        Stroke::new(1.5, Color32::from_black_alpha(160)),
    ));
    painter.text(
        pos2(x + 18.0, y),
        egui::Align2::LEFT_CENTER,
        v.s.map_place,
        font,
        text,
    );
    y += 18.0;
    painter.text(
        pos2(x, y),
        egui::Align2::LEFT_CENTER,
        v.s.map_basemap_note,
        egui::FontId::proportional(10.5),
        visuals.weak_text_color(),
    );
}
