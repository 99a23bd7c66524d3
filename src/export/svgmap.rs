//! The HTML report's static map: an inline SVG of the report's located items on the built-in
//! basemap (`basemap`), fitted to their extent, one marker per item linking to its entry.
//!
//! It references nothing outside itself: no namespace URL, no image, no font file (text uses
//! the reader's own sans-serif). The land (filled; its outline is the coastline) and the
//! borders are cut to the fitted view, simplified to what it can show and written to 0.1 px
//! (`paths`), so a map of one city stays a few kilobytes. Markers look as in the app's map
//! view: a blue circle for the camera's GPS, an orange diamond for the tagged place's
//! coordinates. Markers closer than one marker's size are fanned out around their spot, each
//! with a thin leader line to where it really is, so every item keeps its own marker and
//! number.

use super::report::esc;
use crate::basemap::{Basemap, LineKind};
use crate::geo::{self, LatLon, Source};
use std::fmt::Write as _;

/// The map's width in SVG user units (pixels at 100 %).
const WIDTH: f64 = 960.0;
/// Its height stays between these, following the items' extent.
const MIN_HEIGHT: f64 = 320.0;
const MAX_HEIGHT: f64 = 640.0;
/// Room kept around the items' extent, in pixels.
const MARGIN: f64 = 56.0;
/// The smallest extent shown, in world units (about 16 km at the equator, 12 km at Almaty's
/// latitude): one item, or items a few metres apart, still show their surroundings.
const MIN_SPAN: f64 = 0.0004;
/// A marker's radius in pixels.
const R: f64 = 8.0;
/// Markers closer than this (pixels) are fanned out.
const CELL: f64 = 2.0 * R + 2.0;
/// Spacing of the fan (Vogel's sunflower: the k-th marker `FAN * sqrt(k + 0.5)` from the
/// centre, turned by the golden angle from the one before).
const FAN: f64 = 11.0;
/// Pixels per world unit from which cities are drawn as dots, and from which they are named
/// (the app's map shows them from the same zoom levels).
const CITY_DOTS: f64 = 1448.0;
const CITY_NAMES: f64 = 4096.0;

/// One located item.
#[derive(Debug, Clone)]
pub(crate) struct Marker {
    pub at: LatLon,
    pub source: Source,
    /// The id of the report element the marker links to (`item-<sha256>`).
    pub anchor: String,
    /// The number shown in the marker and beside the item's entry.
    pub number: usize,
    /// The marker's tooltip: the caption, else the file name.
    pub title: String,
}

/// The fitted view: world coordinates to SVG pixels.
#[derive(Debug, Clone, Copy)]
struct View {
    /// The world point at pixel (0, 0).
    origin: [f64; 2],
    /// Pixels per world unit.
    scale: f64,
    height: f64,
}

impl View {
    /// Fits the points (world coordinates) with `MARGIN` around them.
    fn fit(points: &[[f64; 2]]) -> View {
        let (mut min, mut max) = ([f64::MAX; 2], [f64::MIN; 2]);
        for p in points {
            for k in 0..2 {
                min[k] = min[k].min(p[k]);
                max[k] = max[k].max(p[k]);
            }
        }
        let span = [
            (max[0] - min[0]).max(MIN_SPAN),
            (max[1] - min[1]).max(MIN_SPAN),
        ];
        let inner = WIDTH - 2.0 * MARGIN;
        let height = (inner * span[1] / span[0] + 2.0 * MARGIN).clamp(MIN_HEIGHT, MAX_HEIGHT);
        let scale = (inner / span[0]).min((height - 2.0 * MARGIN) / span[1]);
        let center = [(min[0] + max[0]) / 2.0, (min[1] + max[1]) / 2.0];
        View {
            origin: [
                center[0] - WIDTH / 2.0 / scale,
                center[1] - height / 2.0 / scale,
            ],
            scale,
            height,
        }
    }

    fn px(&self, w: [f64; 2]) -> [f64; 2] {
        [
            (w[0] - self.origin[0]) * self.scale,
            (w[1] - self.origin[1]) * self.scale,
        ]
    }

    /// Whether a segment's bounding box touches the view (with a pixel to spare).
    fn touches(&self, a: [f64; 2], b: [f64; 2]) -> bool {
        a[0].max(b[0]) >= -1.0
            && a[0].min(b[0]) <= WIDTH + 1.0
            && a[1].max(b[1]) >= -1.0
            && a[1].min(b[1]) <= self.height + 1.0
    }
}

/// The `<svg>` element of the items on the basemap (`land`: `basemap::land`), named `name`
/// for assistive technology; `None` when there is none to show. What the two marker shapes
/// mean is for the page around it to say, so no legend ever hides a marker.
pub(crate) fn svg(
    markers: &[Marker],
    basemap: &Basemap,
    land: &[Vec<[f32; 2]>],
    name: &str,
) -> Option<String> {
    if markers.is_empty() {
        return None;
    }
    let world: Vec<[f64; 2]> = markers.iter().map(|m| geo::to_world(m.at)).collect();
    let view = View::fit(&world);
    let mut s = String::with_capacity(16 * 1024);
    let _ = writeln!(
        s,
        "<svg class=\"kadr-map\" viewBox=\"0 0 {} {}\" width=\"{}\" height=\"{}\" \
         aria-label=\"{}\" font-family=\"system-ui, sans-serif\">",
        num(WIDTH),
        num(view.height),
        num(WIDTH),
        num(view.height),
        esc(name)
    );
    s.push_str(STYLE);
    let _ = writeln!(
        s,
        "<rect class=\"sea\" width=\"{}\" height=\"{}\"/>",
        num(WIDTH),
        num(view.height)
    );
    // The land filled and stroked: its outline is the coastline.
    let d = paths::land(land, &view);
    if !d.is_empty() {
        let _ = writeln!(s, "<path class=\"land\" d=\"{d}\"/>");
    }
    let d = paths::lines(basemap, LineKind::Border, &view);
    if !d.is_empty() {
        let _ = writeln!(s, "<path class=\"border\" d=\"{d}\"/>");
    }
    let laid = layout(&world, &view);
    let drawn: Vec<[f64; 2]> = laid.iter().map(|&(_, at)| at).collect();
    cities(&mut s, basemap, &view, &drawn);
    scale_bar(&mut s, &view);
    markers_svg(&mut s, markers, &laid);
    s.push_str("</svg>");
    Some(s)
}

const STYLE: &str = "<style>\
.kadr-map .sea{fill:#d5e3ee}\
.kadr-map .land{fill:#f4f1e8;fill-rule:evenodd;\
stroke:#5a6e5a;stroke-width:1.2;stroke-linejoin:round}\
.kadr-map .border{fill:none;stroke:#9682a0;stroke-width:0.8;stroke-dasharray:4 2}\
.kadr-map .city{fill:#3c3c3c;font-size:11px}\
.kadr-map text.city{stroke:#f4f1e8;stroke-width:3;stroke-linejoin:round;paint-order:stroke}\
.kadr-map .leader{stroke:#333;stroke-width:0.8;opacity:.7}\
.kadr-map .spot{fill:#333}\
.kadr-map .camera{fill:#1e78e6}\
.kadr-map .place{fill:#e17814}\
.kadr-map .camera,.kadr-map .place{stroke:rgba(0,0,0,.63);stroke-width:1.5}\
.kadr-map .n{fill:#fff;font-weight:700;text-anchor:middle;pointer-events:none}\
.kadr-map a:hover .camera,.kadr-map a:hover .place,\
.kadr-map a:focus .camera,.kadr-map a:focus .place{stroke:#000;stroke-width:2.5}\
.kadr-map .label{fill:#1d1d1f;font-size:12px}\
.kadr-map .bar{stroke:#1d1d1f;stroke-width:2;fill:none}\
</style>\n";

/// The basemap's cities in view: dots once the view is a country or smaller, names once it is
/// a region. A name goes right of its dot, else left of it where the edge, a marker
/// (`markers`, pixels) or another name is in the way, else is left out.
fn cities(s: &mut String, basemap: &Basemap, view: &View, markers: &[[f64; 2]]) {
    if view.scale < CITY_DOTS {
        return;
    }
    // Boxes already taken by names: x0, y0, x1, y1.
    let mut taken: Vec<[f64; 4]> = Vec::new();
    for city in &basemap.cities {
        let p = view.px(city.world);
        if !(0.0..=WIDTH).contains(&p[0]) || !(0.0..=view.height).contains(&p[1]) {
            continue;
        }
        let _ = writeln!(
            s,
            "<circle class=\"city\" cx=\"{}\" cy=\"{}\" r=\"2.5\"/>",
            num(p[0]),
            num(p[1])
        );
        if view.scale < CITY_NAMES {
            continue;
        }
        let width = city.name.chars().count() as f64 * 6.5;
        let (y0, y1) = (p[1] - 14.0, p[1]);
        let free = |x0: f64| {
            x0 >= 0.0
                && x0 + width <= WIDTH
                && !markers.iter().any(|m| {
                    m[0] + R >= x0 && m[0] - R <= x0 + width && m[1] + R >= y0 && m[1] - R <= y1
                })
                && !taken
                    .iter()
                    .any(|t| t[0] <= x0 + width && t[2] >= x0 && t[1] <= y1 && t[3] >= y0)
        };
        // Right of the dot, else left of it, else not at all.
        let placed = if free(p[0] + 5.0) {
            Some((p[0] + 5.0, ""))
        } else if free(p[0] - 5.0 - width) {
            Some((p[0] - 5.0, " text-anchor=\"end\""))
        } else {
            None
        };
        if let Some((x, anchor)) = placed {
            let x0 = if anchor.is_empty() { x } else { x - width };
            taken.push([x0, y0, x0 + width, y1]);
            let _ = writeln!(
                s,
                "<text class=\"city\" x=\"{}\" y=\"{}\"{anchor}>{}</text>",
                num(x),
                num(p[1] - 3.0),
                esc(&city.name)
            );
        }
    }
}

/// Where each marker is drawn (pixels): at its own position, or fanned out around its group's
/// centre when other markers lie closer than `CELL`.
fn layout(world: &[[f64; 2]], view: &View) -> Vec<([f64; 2], [f64; 2])> {
    let px: Vec<[f64; 2]> = world.iter().map(|&w| view.px(w)).collect();
    let mut out: Vec<([f64; 2], [f64; 2])> = px.iter().map(|&p| (p, p)).collect();
    for cluster in geo::cluster(&px, CELL) {
        if cluster.members.len() < 2 {
            continue;
        }
        for (k, &m) in cluster.members.iter().enumerate() {
            // Vogel's sunflower: even spacing however many there are.
            let r = FAN * (k as f64 + 0.5).sqrt();
            let a = k as f64 * 2.399_963_229_728_653;
            let at = [
                (cluster.at[0] + r * a.cos()).clamp(R + 2.0, WIDTH - R - 2.0),
                (cluster.at[1] + r * a.sin()).clamp(R + 2.0, view.height - R - 2.0),
            ];
            out[m].1 = at;
        }
    }
    out
}

/// The markers where `layout` put them (`laid`: the true and the drawn position of each).
fn markers_svg(s: &mut String, markers: &[Marker], laid: &[([f64; 2], [f64; 2])]) {
    for &(true_at, drawn) in laid {
        if true_at != drawn {
            let _ = writeln!(
                s,
                "<line class=\"leader\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>",
                num(true_at[0]),
                num(true_at[1]),
                num(drawn[0]),
                num(drawn[1])
            );
        }
    }
    for &(true_at, drawn) in laid {
        if true_at != drawn {
            let _ = writeln!(
                s,
                "<circle class=\"spot\" cx=\"{}\" cy=\"{}\" r=\"2\"/>",
                num(true_at[0]),
                num(true_at[1])
            );
        }
    }
    // Places under cameras, as in the app.
    for source in [Source::Place, Source::Camera] {
        for (m, &(_, at)) in markers.iter().zip(laid) {
            if m.source != source {
                continue;
            }
            let _ = write!(
                s,
                "<a href=\"#{}\"><title>{} · {}</title>",
                esc(&m.anchor),
                m.number,
                esc(&m.title)
            );
            s.push_str(&shape(source, at, R));
            let digits = m.number.to_string();
            let size = match digits.len() {
                1 | 2 => 9.0,
                3 => 7.0,
                _ => 5.5,
            };
            let _ = writeln!(
                s,
                "<text class=\"n\" x=\"{}\" y=\"{}\" font-size=\"{}\">{digits}</text></a>",
                num(at[0]),
                num(at[1] + size * 0.36),
                num(size)
            );
        }
    }
}

/// A camera's circle or a place's diamond of radius `r` at `at`.
fn shape(source: Source, at: [f64; 2], r: f64) -> String {
    match source {
        Source::Camera => format!(
            "<circle class=\"camera\" cx=\"{}\" cy=\"{}\" r=\"{}\"/>",
            num(at[0]),
            num(at[1]),
            num(r)
        ),
        Source::Place => {
            let d = r * 1.25;
            format!(
                "<path class=\"place\" d=\"M{},{} l{},{} {},{} {},{}z\"/>",
                num(at[0]),
                num(at[1] - d),
                num(d),
                num(d),
                num(-d),
                num(d),
                num(-d),
                num(-d)
            )
        }
    }
}

/// A scale bar of a round length, bottom right (true at the view's centre latitude).
fn scale_bar(s: &mut String, view: &View) {
    let center = [
        view.origin[0] + WIDTH / 2.0 / view.scale,
        view.origin[1] + view.height / 2.0 / view.scale,
    ];
    let (px, text) = geo::scale_bar(geo::from_world(center).lat, view.scale);
    let (x1, y) = (WIDTH - 16.0, view.height - 14.0);
    let x0 = x1 - px;
    let _ = writeln!(
        s,
        "<path class=\"bar\" d=\"M{},{} {},{} {},{} {},{}\"/>",
        num(x0),
        num(y - 5.0),
        num(x0),
        num(y),
        num(x1),
        num(y),
        num(x1),
        num(y - 5.0)
    );
    let _ = writeln!(
        s,
        "<text class=\"label\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{text}</text>",
        num(x1),
        num(y - 8.0)
    );
}

/// A coordinate rounded to 0.1, without a trailing ".0" or a negative zero.
fn num(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r == 0.0 {
        "0".to_string()
    } else {
        format!("{r}")
    }
}

mod paths;

#[cfg(test)]
mod tests;
