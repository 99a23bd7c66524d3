//! The map's links with time and places: under the map, the time strip that plays the event
//! forward; over it, the "filter to map area" toggle and the banner shown while a place is
//! being placed by a click.
//!
//! The strip spans the dates of the items on the map (`crate::view::strip`: an item's moment
//! is its event date's start, else its capture time; an item with neither is always shown).
//! Its cursor is the map's own view state: it hides markers whose moment has not come, and
//! narrows nothing else. Play moves the cursor from one item's moment to the next.

use super::map::MapState;
use super::{Action, ViewCtx};
use crate::geo::{self, LatLon};
use crate::view::strip;
use egui::{Color32, Rect, Sense, Stroke, pos2, vec2};

/// The strip's height under the map.
pub const HEIGHT: f32 = 40.0;
/// Seconds between two steps of play.
const STEP_S: f64 = 0.8;
/// The bar's ends lie this far inside its rectangle, so the handle fits at either end.
const INSET: f32 = 8.0;

/// Where the strip's cursor is and whether it is playing.
#[derive(Debug, Clone, Default)]
pub struct StripState {
    /// Axis seconds (`view::secs`); `None`: at rest, every item shown.
    pub cursor: Option<f64>,
    pub playing: bool,
    /// The egui time of the next step while playing.
    next_at: f64,
}

/// A place being placed on the map: the next click on the map sets its position.
#[derive(Debug, Clone, PartialEq)]
pub struct Pick {
    pub id: i64,
    pub name: String,
    /// From the People & Places window's radius field (`None`: the default, 2 km).
    pub radius_m: Option<f64>,
    /// Open the People & Places window again once placed or cancelled.
    pub reopen: bool,
}

/// Placing the place an item is tagged with (from the inspector: its radius stays as it is).
pub fn pick_for_item(v: &ViewCtx<'_>, item: i64) -> Option<Pick> {
    let place_id = v.items.iter().find(|i| i.id == item)?.place_id?;
    let place = v.places.iter().find(|p| p.id == place_id)?;
    Some(Pick {
        id: place.id,
        name: place.name.clone(),
        radius_m: place.radius_m,
        reopen: false,
    })
}

/// A clicked position, rounded to a millionth of a degree (about 10 cm): a click is no more
/// precise than that, and the history reads better.
pub fn rounded(at: LatLon) -> LatLon {
    let r = |x: f64| (x * 1e6).round() / 1e6;
    LatLon {
        lat: r(at.lat),
        lon: r(at.lon),
    }
}

/// What the strip shows of the items on the map, worked out by the map once per change of
/// its items or of the cursor (not every frame: at 100 000 items that costs more than a frame).
pub struct StripCounts<'a> {
    /// `strip::stops` of the located items.
    pub stops: &'a [f64],
    /// How many items are on the map, and how many of them the cursor shows.
    pub located: usize,
    pub shown: usize,
}

/// The strip in `rect`: play/pause, next, reset, the bar with a tick per moment and the
/// cursor, and what the cursor shows.
pub fn strip_ui(
    ui: &mut egui::Ui,
    rect: Rect,
    v: &ViewCtx<'_>,
    counts: &StripCounts<'_>,
    st: &mut StripState,
) {
    let t = v.s.map_links;
    let stops = counts.stops;
    let now = ui.input(|i| i.time);
    if st.playing {
        if now >= st.next_at {
            match strip::next_stop(stops, st.cursor) {
                Some(next) => {
                    st.cursor = Some(next);
                    st.next_at = now + STEP_S;
                }
                None => st.playing = false,
            }
        }
        if st.playing {
            ui.ctx()
                .request_repaint_after(std::time::Duration::from_secs_f64(
                    (st.next_at - now).max(0.0),
                ));
        }
    }
    let layout = egui::Layout::left_to_right(egui::Align::Center);
    ui.scope_builder(egui::UiBuilder::new().max_rect(rect).layout(layout), |ui| {
        ui.add_space(6.0);
        let enabled = !stops.is_empty();
        let label = if st.playing { t.pause } else { t.play };
        if ui.add_enabled(enabled, egui::Button::new(label)).clicked() {
            if st.playing {
                st.playing = false;
            } else {
                // From rest, or from the end, play starts again at the first moment.
                if strip::next_stop(stops, st.cursor).is_none() || st.cursor.is_none() {
                    st.cursor = stops.first().copied();
                }
                st.playing = true;
                st.next_at = now + STEP_S;
                ui.ctx()
                    .request_repaint_after(std::time::Duration::from_secs_f64(STEP_S));
            }
        }
        let has_next = strip::next_stop(stops, st.cursor).is_some();
        if ui
            .add_enabled(enabled && has_next, egui::Button::new(t.step))
            .clicked()
        {
            st.cursor = strip::next_stop(stops, st.cursor);
            st.playing = false;
        }
        if ui
            .add_enabled(st.cursor.is_some(), egui::Button::new(t.reset))
            .clicked()
        {
            st.cursor = None;
            st.playing = false;
        }
        ui.add_space(8.0);
        let shown = counts.shown;
        let caption = match (st.cursor, stops.first(), stops.last()) {
            (Some(c), _, _) => moment_label(v, c),
            (None, Some(&a), Some(&b)) if a != b => {
                format!("{} — {}", moment_label(v, a), moment_label(v, b))
            }
            (None, Some(&a), _) => moment_label(v, a),
            _ => t.strip_none.to_string(),
        };
        let count = t
            .shown
            .replace("{}", &format!("{shown} / {}", counts.located));
        // The captions take a fixed width on the right; the bar takes the rest.
        let right = 250.0;
        let width = (ui.available_width() - right).max(80.0);
        let (bar, resp) = ui.allocate_exact_size(vec2(width, 26.0), Sense::click_and_drag());
        resp.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Slider, enabled, t.strip));
        let resp = resp.on_hover_text(t.strip_hint);
        if enabled
            && (resp.clicked() || resp.dragged())
            && let Some(p) = resp.interact_pointer_pos()
        {
            let f = ((p.x - bar.left() - INSET) / (bar.width() - 2.0 * INSET)) as f64;
            st.cursor = strip::at_fraction(stops, f);
            st.playing = false;
        }
        paint_bar(ui, bar, stops, st.cursor);
        ui.add_space(8.0);
        ui.vertical(|ui| {
            ui.label(egui::RichText::new(caption).strong().size(12.0));
            ui.label(egui::RichText::new(count).weak().size(11.0));
        });
    });
}

/// A moment as the chronicle writes it: the day, and the time when it is not midnight.
fn moment_label(v: &ViewCtx<'_>, t: f64) -> String {
    let at = crate::view::from_secs(t);
    let day = v.s.day(at.date());
    if at.time() == chrono::NaiveTime::MIN {
        day
    } else {
        format!("{day} {}", at.format("%H:%M"))
    }
}

fn paint_bar(ui: &egui::Ui, bar: Rect, stops: &[f64], cursor: Option<f64>) {
    let painter = ui.painter_at(bar.expand(8.0));
    let visuals = ui.visuals();
    let y = bar.center().y;
    let (x0, x1) = (bar.left() + INSET, bar.right() - INSET);
    let x_of = |t: f64| {
        let f = strip::fraction(stops, t).unwrap_or(0.0) as f32;
        x0 + (x1 - x0) * f
    };
    painter.line_segment(
        [pos2(x0, y), pos2(x1, y)],
        Stroke::new(3.0, visuals.widgets.inactive.bg_fill),
    );
    let accent = visuals.selection.bg_fill;
    let passed = cursor.map_or(x1, x_of);
    if !stops.is_empty() {
        painter.line_segment([pos2(x0, y), pos2(passed, y)], Stroke::new(3.0, accent));
    }
    // One tick per pixel column: a year's archive has far more stops than the strip has pixels.
    let mut drawn: Option<(i32, bool)> = None;
    // Each stop is one equal step of the bar (`strip::fraction` of the k-th stop is k/last).
    let last = stops.len().saturating_sub(1).max(1) as f32;
    for (k, &t) in stops.iter().enumerate() {
        let x = if stops.len() == 1 {
            x1
        } else {
            x0 + (x1 - x0) * (k as f32 / last)
        };
        let on = cursor.is_none_or(|c| t <= c);
        let column = (x.round() as i32, on);
        if drawn == Some(column) {
            continue;
        }
        drawn = Some(column);
        let color = if on {
            accent
        } else {
            visuals.weak_text_color()
        };
        painter.line_segment(
            [pos2(x, y - 6.0), pos2(x, y + 6.0)],
            Stroke::new(1.5, color),
        );
    }
    if !stops.is_empty() {
        let handle = pos2(passed, y);
        let fill = if cursor.is_some() {
            accent
        } else {
            Color32::from_gray(150)
        };
        painter.circle(
            handle,
            7.0,
            fill,
            Stroke::new(1.5, visuals.widgets.active.fg_stroke.color),
        );
    }
}

/// The banner over the map while a place is being placed: what to do, and a way out.
/// Returns true when the user cancelled.
pub fn pick_banner(ui: &mut egui::Ui, map: Rect, v: &ViewCtx<'_>, pick: &Pick) -> bool {
    let t = v.s.map_links;
    let text = t.pick_banner.replace("{}", &pick.name);
    let area = Rect::from_center_size(
        pos2(map.center().x, map.top() + 60.0),
        vec2((map.width() - 260.0).clamp(200.0, 640.0), 34.0),
    );
    let mut cancelled = false;
    ui.scope_builder(
        egui::UiBuilder::new()
            .max_rect(area)
            .layout(egui::Layout::right_to_left(egui::Align::Center)),
        |ui| {
            ui.painter().rect(
                area,
                6.0,
                ui.visuals().panel_fill.gamma_multiply(0.95),
                Stroke::new(1.5, ui.visuals().selection.bg_fill),
                egui::StrokeKind::Inside,
            );
            ui.add_space(6.0);
            if ui.button(t.pick_cancel).clicked() {
                cancelled = true;
            }
            ui.add_space(6.0);
            ui.with_layout(egui::Layout::left_to_right(egui::Align::Center), |ui| {
                ui.add_space(10.0);
                ui.add(egui::Label::new(egui::RichText::new(text).strong()).truncate());
            });
        },
    );
    cancelled
}

/// The map's links with the rest of the app: the area toggle, placing a place by a click (its
/// banner; markers select nothing meanwhile), the time strip under the map, and the box the
/// map shows, for the area filter.
#[allow(clippy::too_many_arguments)]
pub(super) fn links_ui(
    ui: &mut egui::Ui,
    rect: Rect,
    strip_rect: Rect,
    v: &ViewCtx<'_>,
    state: &mut MapState,
    canvas: &egui::Response,
    counts: &StripCounts<'_>,
    map_actions: Vec<Action>,
    actions: &mut Vec<Action>,
) {
    let t = v.s.map_links;
    let area = Rect::from_min_size(rect.right_top() + vec2(-300.0, 8.0), vec2(180.0, 24.0));
    let toggle = ui
        .put(
            area,
            egui::Button::new(t.area_filter).selected(state.area_on),
        )
        .on_hover_text(t.area_filter_hint);
    if toggle.clicked() {
        actions.push(Action::FilterToMapArea(!state.area_on));
    }
    match state.picking.clone() {
        Some(pick) => {
            if canvas.hovered() {
                ui.ctx().set_cursor_icon(egui::CursorIcon::Crosshair);
            }
            // A click on a marker places the place there too (and selects nothing).
            let on_marker = !map_actions.is_empty() && ui.input(|i| i.pointer.primary_clicked());
            let click = if canvas.clicked_by(egui::PointerButton::Primary) || on_marker {
                canvas
                    .interact_pointer_pos()
                    .or_else(|| ui.input(|i| i.pointer.interact_pos()))
            } else {
                None
            };
            if pick_banner(ui, rect, v, &pick) {
                state.picking = None;
                actions.push(Action::PickCancelled(pick));
            } else if let Some(p) = click.filter(|p| rect.contains(*p)) {
                let at = rounded(geo::from_world(state.to_world(rect, p)));
                state.picking = None;
                actions.push(Action::PickedOnMap { pick, at });
            }
        }
        None => actions.extend(map_actions),
    }
    strip_ui(ui, strip_rect, v, counts, &mut state.strip);
    state.view_box = Some(geo::view_box(
        state.to_world(rect, rect.min),
        state.to_world(rect, rect.max),
    ));
}
