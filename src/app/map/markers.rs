//! The map's markers: the items in view as the map draws them (worked out once per change of
//! the items or of the time strip's cursor), clustered per zoom step around the view, and
//! drawn with their hover, click and selection; and the places' radii.

use super::{CAMERA, CELL_PX, MapState, PLACE, TILE};
use crate::app::thumbs::{Lookup, TextureCache, paint_fitted};
use crate::app::{Action, SelectMode, ViewCtx};
use crate::geo::{self, EQUATOR_M, Source};
use egui::{Color32, Pos2, Rect, Sense, Stroke, vec2};

/// Markers clustered at one zoom step. Clustering 100 000 points costs more than a frame, so
/// it is done per half zoom level (the merge distance on screen then lies between `CELL_PX` and
/// `CELL_PX`·√2), over the view and its surroundings, and the last `KEPT_STEPS` clusterings
/// are kept while the points are the same, so zooming in and out again clusters nothing anew.
const KEPT_STEPS: usize = 8;

#[derive(Debug, Clone)]
pub(super) struct Clustered {
    /// Zoom step (half levels), and the `Located::version` of the points clustered.
    pub(super) key: (i64, u64),
    /// The part of the world clustered (west, north, east, south in world coordinates).
    pub(super) region: [f64; 4],
    /// Pixels across the world at that step: cluster positions are in that plane.
    pub(super) scale: f64,
    pub(super) clusters: Vec<geo::Cluster>,
}

/// One visible item with a position.
#[derive(Debug, Clone)]
pub(super) struct Point {
    /// Index into `v.visible`.
    pub(super) index: usize,
    pub(super) world: [f64; 2],
}

/// An item on the map: where, whose claim, and its moment on the time strip.
#[derive(Debug, Clone)]
pub(super) struct OnMap {
    pub(super) point: Point,
    pub(super) source: Source,
    pub(super) moment: Option<f64>,
}

/// What the map draws of the items in view. The projections, the moments and their order
/// are worked out once per change of the view's items (`ViewCtx::generation`), and the split
/// by the time strip's cursor once per move of the cursor, not every frame: at 100 000 items
/// either costs more than a frame.
#[derive(Debug, Clone, Default)]
pub(super) struct Located {
    /// `ViewCtx::generation`, and which list of places (radii come from it).
    pub(super) generation: Option<(u64, usize, usize)>,
    pub(super) cursor: Option<Option<u64>>,
    /// Every located item in view, in view order.
    pub(super) all: Vec<OnMap>,
    /// `strip::stops` of those.
    pub(super) stops: Vec<f64>,
    /// Those the strip's cursor shows, by kind.
    pub(super) camera: Vec<Point>,
    pub(super) place: Vec<Point>,
    /// Where the items whose moment is the cursor's are (they have just appeared).
    pub(super) just_now: Vec<[f64; 2]>,
    /// Each place shown by a place marker, once.
    pub(super) radii: Vec<Radius>,
    /// Counts the rebuilds of `camera` and `place`: clusterings of another version are stale.
    pub(super) version: u64,
}

/// A located place's extent: its radius (2 km when not given) around its coordinates.
#[derive(Debug, Clone)]
pub(super) struct Radius {
    pub(super) world: [f64; 2],
    pub(super) lat: f64,
    pub(super) metres: f64,
}

impl Located {
    pub(super) fn update(&mut self, v: &ViewCtx<'_>, cursor: Option<f64>) {
        let generation = Some((v.generation, v.places.as_ptr() as usize, v.places.len()));
        if self.generation != generation {
            self.all = v
                .visible
                .iter()
                .enumerate()
                .filter_map(|(index, &i)| {
                    let (at, source) = v.items[i].position()?;
                    Some(OnMap {
                        point: Point {
                            index,
                            world: geo::to_world(at),
                        },
                        source,
                        moment: crate::view::strip::moment(&v.items[i]),
                    })
                })
                .collect();
            self.stops = self.all.iter().filter_map(|p| p.moment).collect();
            self.stops.sort_by(f64::total_cmp);
            self.stops.dedup();
            self.generation = generation;
            self.cursor = None;
        }
        let key = Some(cursor.map(f64::to_bits));
        if self.cursor == key {
            return;
        }
        self.cursor = key;
        self.version += 1;
        self.camera.clear();
        self.place.clear();
        self.just_now.clear();
        self.radii.clear();
        let radius: std::collections::HashMap<i64, Option<f64>> =
            v.places.iter().map(|p| (p.id, p.radius_m)).collect();
        let mut seen = std::collections::HashSet::new();
        for p in &self.all {
            // The time strip hides what has not happened yet at its cursor (`strip::shown_at`).
            if let (Some(c), Some(t)) = (cursor, p.moment) {
                if t > c {
                    continue;
                }
                if t == c {
                    self.just_now.push(p.point.world);
                }
            }
            match p.source {
                Source::Camera => self.camera.push(p.point.clone()),
                Source::Place => {
                    self.place.push(p.point.clone());
                    let item = &v.items[v.visible[p.point.index]];
                    if let (Some(id), Some(at)) = (item.place_id, item.place_at)
                        && seen.insert(id)
                    {
                        self.radii.push(Radius {
                            world: p.point.world,
                            lat: at.lat,
                            metres: radius
                                .get(&id)
                                .copied()
                                .flatten()
                                .unwrap_or(geo::DEFAULT_PLACE_RADIUS_M),
                        });
                    }
                }
            }
        }
    }
}

/// A faint circle of each located place's radius, once it is large enough to see: a camera
/// point outside it is what `place-mismatch` means.
pub(super) fn paint_place_radii(
    painter: &egui::Painter,
    rect: Rect,
    state: &MapState,
    radii: &[Radius],
) {
    for r in radii {
        let px = r.metres / (EQUATOR_M * r.lat.to_radians().cos()) * state.scale();
        if (10.0..20_000.0).contains(&px) {
            let c = state.to_screen(rect, r.world);
            // A large circle is an outline only: filled, it would tint the whole map.
            let fill = if px < 300.0 {
                PLACE.gamma_multiply(0.08)
            } else {
                Color32::TRANSPARENT
            };
            painter.circle(
                c,
                px as f32,
                fill,
                Stroke::new(1.0, PLACE.gamma_multiply(0.5)),
            );
        }
    }
}

#[allow(clippy::too_many_arguments)]
pub(super) fn markers(
    ui: &mut egui::Ui,
    painter: &egui::Painter,
    rect: Rect,
    v: &ViewCtx<'_>,
    state: &mut MapState,
    points: &[Point],
    version: u64,
    source: Source,
    selected_color: Color32,
    thumbs: &mut TextureCache,
    actions: &mut Vec<Action>,
) -> Option<Pos2> {
    let mut zoom_to = None;
    let step = (state.zoom * 2.0).floor() as i64;
    let key = (step, version);
    let (lo, hi) = (
        state.to_world(rect, rect.min),
        state.to_world(rect, rect.max),
    );
    let slot = source as usize;
    let kept = &mut state.clusters[slot];
    // Other points: the kept steps are of no use.
    kept.retain(|c| c.key.1 == version);
    let covers = |r: &[f64; 4]| r[0] <= lo[0] && r[1] <= lo[1] && r[2] >= hi[0] && r[3] >= hi[1];
    let cached = kept
        .iter()
        .position(|c| c.key == key && covers(&c.region))
        .map(|at| kept.remove(at));
    let cache = cached.unwrap_or_else(|| {
        // Zoomed in, only the points around the view are clustered: the view and as much
        // again on every side, so panning a little clusters nothing anew.
        let (w, h) = (hi[0] - lo[0], hi[1] - lo[1]);
        let region = [lo[0] - w, lo[1] - h, hi[0] + w, hi[1] + h];
        let inside: Vec<usize> = (0..points.len())
            .filter(|&i| {
                let p = points[i].world;
                (region[0]..=region[2]).contains(&p[0]) && (region[1]..=region[3]).contains(&p[1])
            })
            .collect();
        let scale = TILE * 2f64.powf(step as f64 / 2.0);
        let plane: Vec<[f64; 2]> = inside
            .iter()
            .map(|&i| [points[i].world[0] * scale, points[i].world[1] * scale])
            .collect();
        let mut clusters = geo::cluster(&plane, CELL_PX);
        for c in &mut clusters {
            for m in &mut c.members {
                *m = inside[*m];
            }
        }
        Clustered {
            key,
            region,
            scale,
            clusters,
        }
    });
    let scale = cache.scale;
    let color = match source {
        Source::Camera => CAMERA,
        Source::Place => PLACE,
    };
    for cluster in &cache.clusters {
        let at = state.to_screen(rect, [cluster.at[0] / scale, cluster.at[1] / scale]);
        if !rect.expand(20.0).contains(at) {
            continue;
        }
        let members: Vec<usize> = cluster.members.iter().map(|&m| points[m].index).collect();
        let n = members.len();
        let first = &v.items[v.visible[members[0]]];
        let selected = !v.selection.ids.is_empty()
            && members
                .iter()
                .any(|&m| v.selection.ids.contains(&v.items[v.visible[m]].id));
        let r = if n == 1 {
            6.0
        } else {
            9.0 + 3.0 * (n as f32).log10()
        };
        let label = if n == 1 {
            first
                .caption
                .clone()
                .unwrap_or_else(|| first.original_name.clone())
        } else {
            format!("{n} {}", v.s.map_items)
        };
        let kind = match source {
            Source::Camera => 0u8,
            Source::Place => 1,
        };
        let resp = ui.interact(
            Rect::from_center_size(at, vec2(2.0 * r + 6.0, 2.0 * r + 6.0)),
            ui.make_persistent_id(("map-marker", kind, first.id, n)),
            Sense::click(),
        );
        resp.widget_info(|| egui::WidgetInfo::selected(egui::Role::Button, true, selected, &label));
        let outline = if selected {
            Stroke::new(3.0, selected_color)
        } else if resp.hovered() {
            Stroke::new(2.0, Color32::WHITE)
        } else {
            Stroke::new(1.5, Color32::from_black_alpha(160))
        };
        match source {
            Source::Camera => {
                painter.circle(at, r, color, outline);
            }
            Source::Place => {
                painter.add(diamond(at, r * 1.25, color, outline));
            }
        }
        if n > 1 {
            painter.text(
                at,
                egui::Align2::CENTER_CENTER,
                n.to_string(),
                egui::FontId::proportional(11.0),
                Color32::WHITE,
            );
        }
        let resp = resp.on_hover_ui(|ui| {
            if first.has_preview
                && let Lookup::Ready(tex) =
                    thumbs.get(&first.sha256, || v.library.thumb_path(&first.sha256))
            {
                let (r, _) = ui.allocate_exact_size(vec2(160.0, 120.0), Sense::hover());
                paint_fitted(ui.painter(), tex, r);
            }
            let last = &v.items[v.visible[*members.last().expect("a cluster has members")]];
            let first_date = crate::view::date_label(first, v.s);
            let last_date = crate::view::date_label(last, v.s);
            if n == 1 || first_date == last_date {
                ui.strong(first_date);
            } else {
                ui.strong(format!("{first_date} — {last_date}"));
            }
            ui.label(&label);
            let claim = match source {
                Source::Camera => v.s.map_camera,
                Source::Place => v.s.map_place,
            };
            match (source, &first.place) {
                (Source::Place, Some(place)) => ui.weak(format!("{claim}: {place}")),
                _ => ui.weak(claim),
            };
        });
        if resp.double_clicked() {
            zoom_to = Some(at);
        }
        if resp.clicked() {
            let m = ui.input(|i| i.modifiers);
            if n == 1 {
                let mode = if m.command {
                    SelectMode::Toggle
                } else {
                    SelectMode::Replace
                };
                actions.push(Action::Select {
                    index: members[0],
                    mode,
                });
            } else {
                actions.push(Action::SelectMany {
                    indices: members,
                    add: m.command,
                });
            }
        }
    }
    let kept = &mut state.clusters[slot];
    if kept.len() >= KEPT_STEPS {
        kept.remove(0);
    }
    kept.push(cache);
    zoom_to
}

/// A place's marker (the map's and its legend's): a diamond reaching `d` from its centre.
pub(super) fn diamond(at: Pos2, d: f32, fill: Color32, stroke: Stroke) -> egui::Shape {
    egui::Shape::convex_polygon(
        vec![
            at + vec2(0.0, -d),
            at + vec2(d, 0.0),
            at + vec2(0.0, d),
            at + vec2(-d, 0.0),
        ],
        fill,
        stroke,
    )
}
