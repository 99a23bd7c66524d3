//! The built-in basemap: coastlines and country borders (Natural Earth 1:50m, public domain)
//! and larger cities, compiled into the binary so a map is there with nothing downloaded.
//!
//! It decodes the shipped TopoJSON into polylines in Web Mercator world coordinates
//! (`geo::to_world`), and the land into rings for a filled drawing (`land`); it does not draw
//! (see `app::map` and `export::svgmap`) and never touches the network. See
//! `assets/basemap/LICENSE.md` for where the data came from.

use crate::geo::{LatLon, to_world};
use std::sync::OnceLock;

const COUNTRIES: &str = include_str!("../assets/basemap/countries-50m.json");
const CITIES: &str = include_str!("../assets/basemap/cities.tsv");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    /// Land meets sea (an arc of one country only).
    Coast,
    /// Two countries meet (an arc shared by two).
    Border,
}

/// One polyline in world coordinates (0..1, x east, y south) with its bounds for culling.
#[derive(Debug, Clone)]
pub struct Line {
    pub kind: LineKind,
    pub points: Vec<[f32; 2]>,
    pub min: [f32; 2],
    pub max: [f32; 2],
}

#[derive(Debug, Clone)]
pub struct City {
    pub name: String,
    pub at: LatLon,
    pub world: [f64; 2],
}

#[derive(Debug, Default)]
pub struct Basemap {
    pub lines: Vec<Line>,
    pub cities: Vec<City>,
}

/// The basemap, decoded on first use (tens of milliseconds): the app asks
/// through `if_ready`, which decodes it off the UI thread.
pub fn get() -> &'static Basemap {
    static MAP: OnceLock<Basemap> = OnceLock::new();
    MAP.get_or_init(|| Basemap {
        lines: decode_topojson(COUNTRIES, "countries").unwrap_or_default(),
        cities: parse_cities(CITIES),
    })
}

/// The basemap if it is decoded; otherwise starts decoding it on a background thread (once)
/// and returns `None`, so a frame never waits for it.
pub fn if_ready() -> Option<&'static Basemap> {
    static START: std::sync::Once = std::sync::Once::new();
    if let Some(()) = READY.get() {
        return Some(get());
    }
    START.call_once(|| {
        let spawned = std::thread::Builder::new()
            .name("basemap".into())
            .spawn(|| {
                get();
                let _ = READY.set(());
            });
        if spawned.is_err() {
            get();
            let _ = READY.set(());
        }
    });
    None
}

static READY: OnceLock<()> = OnceLock::new();

/// Every arc of the TopoJSON object `object`, as a polyline: an arc used by one geometry is a
/// coast, by two a border.
pub fn decode_topojson(text: &str, object: &str) -> Option<Vec<Line>> {
    let doc: serde_json::Value = serde_json::from_str(text).ok()?;
    let scale = doc["transform"]["scale"].as_array()?;
    let translate = doc["transform"]["translate"].as_array()?;
    let (sx, sy) = (scale[0].as_f64()?, scale[1].as_f64()?);
    let (tx, ty) = (translate[0].as_f64()?, translate[1].as_f64()?);
    let arcs = doc["arcs"].as_array()?;
    let mut uses = vec![0u32; arcs.len()];
    fn count(v: &serde_json::Value, uses: &mut [u32]) {
        match v {
            serde_json::Value::Array(a) => a.iter().for_each(|x| count(x, uses)),
            serde_json::Value::Number(n) => {
                if let Some(i) = n.as_i64() {
                    let i = if i < 0 { !i } else { i } as usize;
                    if let Some(u) = uses.get_mut(i) {
                        *u += 1;
                    }
                }
            }
            _ => {}
        }
    }
    for g in doc["objects"][object]["geometries"].as_array()? {
        count(&g["arcs"], &mut uses);
    }
    let mut out = Vec::with_capacity(arcs.len());
    for (arc, used) in arcs.iter().zip(&uses) {
        let kind = if *used >= 2 {
            LineKind::Border
        } else {
            LineKind::Coast
        };
        let (mut x, mut y) = (0i64, 0i64);
        let mut points: Vec<[f32; 2]> = Vec::new();
        for p in arc.as_array()? {
            x += p[0].as_i64()?;
            y += p[1].as_i64()?;
            let w = to_world(LatLon {
                lat: y as f64 * sy + ty,
                lon: x as f64 * sx + tx,
            });
            let w = [w[0] as f32, w[1] as f32];
            // An arc that crosses the antimeridian is cut there, not drawn across the world.
            if points.last().is_some_and(|l| (l[0] - w[0]).abs() > 0.5) {
                out.extend(line(kind, std::mem::take(&mut points)));
            }
            points.push(w);
        }
        out.extend(line(kind, points));
    }
    Some(out)
}

/// The land as closed rings in world coordinates (Natural Earth's merged `land` object), outer
/// rings and holes (the Caspian Sea) alike, to be filled even-odd. Decoded on first use, for
/// drawings made off the UI thread (the HTML report's map). A ring that crosses the antimeridian
/// is unwrapped to run on past x = 0 or x = 1 instead of jumping across the world.
pub fn land() -> &'static [Vec<[f32; 2]>] {
    static LAND: OnceLock<Vec<Vec<[f32; 2]>>> = OnceLock::new();
    LAND.get_or_init(|| decode_rings(COUNTRIES, "land").unwrap_or_default())
}

/// Every polygon ring of the TopoJSON object `object` (a geometry or a collection of them).
pub fn decode_rings(text: &str, object: &str) -> Option<Vec<Vec<[f32; 2]>>> {
    let doc: serde_json::Value = serde_json::from_str(text).ok()?;
    let scale = doc["transform"]["scale"].as_array()?;
    let translate = doc["transform"]["translate"].as_array()?;
    let (sx, sy) = (scale[0].as_f64()?, scale[1].as_f64()?);
    let (tx, ty) = (translate[0].as_f64()?, translate[1].as_f64()?);
    let mut arcs: Vec<Vec<[f64; 2]>> = Vec::new();
    for arc in doc["arcs"].as_array()? {
        let (mut x, mut y) = (0i64, 0i64);
        let mut points = Vec::new();
        for p in arc.as_array()? {
            x += p[0].as_i64()?;
            y += p[1].as_i64()?;
            points.push(to_world(LatLon {
                lat: y as f64 * sy + ty,
                lon: x as f64 * sx + tx,
            }));
        }
        arcs.push(points);
    }
    let obj = &doc["objects"][object];
    let geometries = match obj["geometries"].as_array() {
        Some(g) => g.iter().collect(),
        None => vec![obj],
    };
    let mut rings = Vec::new();
    for g in geometries {
        let polygons: Vec<&serde_json::Value> = match g["type"].as_str()? {
            "Polygon" => vec![&g["arcs"]],
            "MultiPolygon" => g["arcs"].as_array()?.iter().collect(),
            _ => continue,
        };
        for polygon in polygons {
            for ring in polygon.as_array()? {
                let mut points: Vec<[f32; 2]> = Vec::new();
                let mut shift = 0.0;
                let mut last: Option<f64> = None;
                for index in ring.as_array()? {
                    let i = index.as_i64()?;
                    let arc = arcs.get(if i < 0 { !i } else { i } as usize)?;
                    let ordered: Box<dyn Iterator<Item = &[f64; 2]>> = if i < 0 {
                        Box::new(arc.iter().rev())
                    } else {
                        Box::new(arc.iter())
                    };
                    // Each arc starts where the one before it ended.
                    for (n, w) in ordered.enumerate() {
                        if n == 0 && !points.is_empty() {
                            continue;
                        }
                        if let Some(l) = last {
                            let dx = w[0] + shift - l;
                            if dx > 0.5 {
                                shift -= 1.0;
                            } else if dx < -0.5 {
                                shift += 1.0;
                            }
                        }
                        last = Some(w[0] + shift);
                        points.push([(w[0] + shift) as f32, w[1] as f32]);
                    }
                }
                if points.len() >= 3 {
                    rings.push(points);
                }
            }
        }
    }
    Some(rings)
}

/// A polyline with its bounds; none for fewer than two points.
fn line(kind: LineKind, points: Vec<[f32; 2]>) -> Option<Line> {
    if points.len() < 2 {
        return None;
    }
    let mut min = [f32::MAX; 2];
    let mut max = [f32::MIN; 2];
    for p in &points {
        for k in 0..2 {
            min[k] = min[k].min(p[k]);
            max[k] = max[k].max(p[k]);
        }
    }
    Some(Line {
        kind,
        points,
        min,
        max,
    })
}

fn parse_cities(text: &str) -> Vec<City> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| {
            let mut f = l.split('\t');
            let name = f.next()?.to_string();
            let lat = f.next()?.trim().parse().ok()?;
            let lon = f.next()?.trim().parse().ok()?;
            let at = LatLon { lat, lon };
            Some(City {
                name,
                at,
                world: to_world(at),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_shipped_basemap_decodes_with_coasts_borders_and_cities() {
        let m = super::get();
        let coasts = m
            .lines
            .iter()
            .filter(|l| l.kind == super::LineKind::Coast)
            .count();
        let borders = m.lines.len() - coasts;
        assert!(
            coasts > 500 && borders > 300,
            "{coasts} coasts, {borders} borders"
        );
        assert!(m.cities.iter().any(|c| c.name == "Алматы"));
        // Some line passes near Almaty (the Kazakhstan-Kyrgyzstan border, ~40 km south).
        let almaty = crate::geo::to_world(crate::geo::LatLon {
            lat: 43.24,
            lon: 76.95,
        });
        let near = m.lines.iter().any(|l| {
            l.points.iter().any(|p| {
                (p[0] as f64 - almaty[0]).abs() < 0.002 && (p[1] as f64 - almaty[1]).abs() < 0.002
            })
        });
        assert!(near);
    }

    #[test]
    fn the_land_decodes_as_rings_with_the_caspian_as_a_hole() {
        let land = super::land();
        assert!(land.len() > 1000, "{}", land.len());
        // A ring holds Almaty; the Caspian Sea lies inside Eurasia's ring and inside its own.
        let inside = |p: [f64; 2]| {
            land.iter()
                .filter(|r| {
                    let mut odd = false;
                    for (a, b) in r.iter().zip(r.iter().cycle().skip(1)) {
                        let (a, b) = ([a[0] as f64, a[1] as f64], [b[0] as f64, b[1] as f64]);
                        if (a[1] > p[1]) != (b[1] > p[1])
                            && p[0] < a[0] + (p[1] - a[1]) / (b[1] - a[1]) * (b[0] - a[0])
                        {
                            odd = !odd;
                        }
                    }
                    odd
                })
                .count()
        };
        let at = |lat, lon| crate::geo::to_world(crate::geo::LatLon { lat, lon });
        assert_eq!(inside(at(43.24, 76.95)) % 2, 1, "Almaty is on land");
        assert_eq!(inside(at(42.0, 50.5)) % 2, 0, "the Caspian is water");
        assert_eq!(inside(at(30.0, -40.0)) % 2, 0, "the Atlantic is water");
        // Rings that cross the antimeridian run on continuously.
        for r in land {
            assert!(r.windows(2).all(|w| (w[0][0] - w[1][0]).abs() < 0.5));
        }
    }
}
