//! Positions on the Earth: where an item is (the camera's GPS, else its tagged place), the
//! `--near` and `--bbox` areas, the `place-mismatch` rule, Web Mercator, point clustering, and
//! the round length of a map's scale bar.
//!
//! Pure functions on numbers: it reads no catalogue and draws nothing (the map view in
//! `app::map` and the filters in `catalog::items` call it).

/// A place's radius when none was given: 2 km.
pub const DEFAULT_PLACE_RADIUS_M: f64 = 2_000.0;

/// Mean Earth radius (IUGG), metres.
const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// The latitude Web Mercator stops at (the square world).
pub const MAX_MERCATOR_LAT: f64 = 85.051_128_78;

/// The Earth's circumference at the equator, metres (Web Mercator's sphere).
pub const EQUATOR_M: f64 = 40_075_016.686;

/// A point in decimal degrees.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct LatLon {
    pub lat: f64,
    pub lon: f64,
}

/// Whose claim a position is: the camera's GPS, or the place the journalist tagged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Camera,
    Place,
}

/// An item's position: its camera GPS when it has one, else its place's coordinates.
pub fn position(camera: Option<LatLon>, place: Option<LatLon>) -> Option<(LatLon, Source)> {
    match (camera, place) {
        (Some(c), _) => Some((c, Source::Camera)),
        (None, Some(p)) => Some((p, Source::Place)),
        (None, None) => None,
    }
}

/// Great-circle distance in metres (haversine).
pub fn distance_m(a: LatLon, b: LatLon) -> f64 {
    let (p1, p2) = (a.lat.to_radians(), b.lat.to_radians());
    let dp = p2 - p1;
    let dl = (b.lon - a.lon).to_radians();
    let h = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * h.sqrt().min(1.0).asin()
}

/// Whether a camera position lies outside the tagged place's radius (`None`: 2 km).
pub fn place_mismatch(camera: LatLon, place: LatLon, radius_m: Option<f64>) -> bool {
    distance_m(camera, place) > radius_m.unwrap_or(DEFAULT_PLACE_RADIUS_M)
}

/// `--near LAT,LON,RADIUS_M`: within a distance of a point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Near {
    pub center: LatLon,
    pub radius_m: f64,
}

impl Near {
    pub fn contains(&self, p: LatLon) -> bool {
        distance_m(self.center, p) <= self.radius_m
    }
}

/// `--bbox W,S,E,N`: a box in degrees. West greater than east crosses the antimeridian.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BBox {
    pub west: f64,
    pub south: f64,
    pub east: f64,
    pub north: f64,
}

impl BBox {
    pub fn contains(&self, p: LatLon) -> bool {
        let lon_in = if self.west <= self.east {
            (self.west..=self.east).contains(&p.lon)
        } else {
            p.lon >= self.west || p.lon <= self.east
        };
        lon_in && (self.south..=self.north).contains(&p.lat)
    }
}

fn numbers(s: &str, n: usize, what: &str) -> Result<Vec<f64>, String> {
    let v: Vec<f64> = s
        .split(',')
        .map(|p| p.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .map_err(|_| format!("expected {what}, not {s:?}"))?;
    if v.len() != n || v.iter().any(|x| !x.is_finite()) {
        return Err(format!("expected {what}, not {s:?}"));
    }
    Ok(v)
}

fn check_lat_lon(lat: f64, lon: f64, s: &str) -> Result<(), String> {
    if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
        return Err(format!(
            "latitude must lie within -90..90 and longitude within -180..180, not {s:?}"
        ));
    }
    Ok(())
}

/// Parses `LAT,LON` (decimal degrees).
pub fn parse_lat_lon(s: &str) -> Result<LatLon, String> {
    let v = numbers(s, 2, "LAT,LON in decimal degrees (43.2385,76.9455)")?;
    check_lat_lon(v[0], v[1], s)?;
    Ok(LatLon {
        lat: v[0],
        lon: v[1],
    })
}

/// Parses `LAT,LON,RADIUS_M`.
pub fn parse_near(s: &str) -> Result<Near, String> {
    let v = numbers(s, 3, "LAT,LON,RADIUS_M (43.2385,76.9455,500)")?;
    check_lat_lon(v[0], v[1], s)?;
    if v[2] <= 0.0 {
        return Err(format!("the radius must be more than 0 metres, not {s:?}"));
    }
    Ok(Near {
        center: LatLon {
            lat: v[0],
            lon: v[1],
        },
        radius_m: v[2],
    })
}

/// Parses `W,S,E,N` (decimal degrees).
pub fn parse_bbox(s: &str) -> Result<BBox, String> {
    let v = numbers(s, 4, "W,S,E,N in decimal degrees (-60,-40,-55,-30)")?;
    check_lat_lon(v[1], v[0], s)?;
    check_lat_lon(v[3], v[2], s)?;
    if v[1] > v[3] {
        return Err(format!("south must not lie north of north, in {s:?}"));
    }
    Ok(BBox {
        west: v[0],
        south: v[1],
        east: v[2],
        north: v[3],
    })
}

/// Web Mercator: a position as a fraction of the square world, x east and y south, 0..1.
pub fn to_world(p: LatLon) -> [f64; 2] {
    let lat = p
        .lat
        .clamp(-MAX_MERCATOR_LAT, MAX_MERCATOR_LAT)
        .to_radians();
    let x = (p.lon + 180.0) / 360.0;
    let y = (1.0 - (lat.tan() + 1.0 / lat.cos()).ln() / std::f64::consts::PI) / 2.0;
    [x, y]
}

/// The inverse of `to_world`.
pub fn from_world(w: [f64; 2]) -> LatLon {
    let lon = w[0] * 360.0 - 180.0;
    let n = std::f64::consts::PI * (1.0 - 2.0 * w[1]);
    LatLon {
        lat: n.sinh().atan().to_degrees(),
        lon,
    }
}

/// A map's scale bar at latitude `lat` on a view of `scale` pixels per world unit
/// (`to_world`): a round length (1, 2 or 5 times a power of ten metres) of at most about 120
/// pixels, as its length in pixels and its label ("500 m", "2 km").
pub fn scale_bar(lat: f64, scale: f64) -> (f64, String) {
    let m_per_px = EQUATOR_M * lat.to_radians().cos() / scale;
    let target = m_per_px * 120.0;
    let pow = 10f64.powf(target.log10().floor());
    let nice = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|k| k * pow)
        .rfind(|&x| x <= target)
        .unwrap_or(pow);
    let text = if nice >= 1000.0 {
        format!("{} km", nice / 1000.0)
    } else {
        format!("{nice} m")
    };
    (nice / m_per_px, text)
}

/// The box of the Earth a map view shows, from the world coordinates (`to_world`) of its
/// top-left and bottom-right corners. The map draws the world once, without copies east or
/// west, so what lies beyond its edges is cut off; a view reaching past the top or bottom of
/// the square world takes in the poles.
pub fn view_box(top_left: [f64; 2], bottom_right: [f64; 2]) -> BBox {
    let x = |v: f64| v.clamp(0.0, 1.0);
    let (west, east) = (
        from_world([x(top_left[0]), 0.5]).lon,
        from_world([x(bottom_right[0]), 0.5]).lon,
    );
    let north = if top_left[1] <= 0.0 {
        90.0
    } else {
        from_world([0.5, top_left[1].min(1.0)]).lat
    };
    let south = if bottom_right[1] >= 1.0 {
        -90.0
    } else {
        from_world([0.5, bottom_right[1].max(0.0)]).lat
    };
    BBox {
        west,
        south,
        east,
        north,
    }
}

/// A group of points drawn as one marker: where it sits (the mean of its points, in the
/// plane the caller gave) and which points it holds (indices into the caller's list).
#[derive(Debug, Clone, PartialEq)]
pub struct Cluster {
    pub at: [f64; 2],
    pub members: Vec<usize>,
}

/// Groups points into clusters: a point joins the nearest cluster whose first point (its seed)
/// lies within `cell` of it (screen pixels, say), else it seeds a new one; so two markers are
/// never drawn closer than `cell`. A grid of `cell`-sized buckets keeps this linear.
/// Deterministic: clusters come in the order of their seeds. Zooming in makes `cell` smaller
/// in world terms, so clusters split.
pub fn cluster(points: &[[f64; 2]], cell: f64) -> Vec<Cluster> {
    let mut seeds: std::collections::HashMap<(i64, i64), Vec<usize>, CellHash> =
        std::collections::HashMap::default();
    let mut out: Vec<Cluster> = Vec::new();
    let mut sums: Vec<[f64; 2]> = Vec::new();
    let key = |p: &[f64; 2]| ((p[0] / cell).floor() as i64, (p[1] / cell).floor() as i64);
    for (i, p) in points.iter().enumerate() {
        let (kx, ky) = key(p);
        let mut best: Option<(f64, usize)> = None;
        for dx in -1..=1 {
            for dy in -1..=1 {
                for &c in seeds.get(&(kx + dx, ky + dy)).into_iter().flatten() {
                    let seed = out[c].at;
                    // Squared distances: the same order and ties as distances, without a root.
                    let (dx, dy) = (seed[0] - p[0], seed[1] - p[1]);
                    let d = dx * dx + dy * dy;
                    if d <= cell * cell && best.is_none_or(|(bd, bc)| d < bd || (d == bd && c < bc))
                    {
                        best = Some((d, c));
                    }
                }
            }
        }
        let c = match best {
            Some((_, c)) => c,
            None => {
                out.push(Cluster {
                    at: *p,
                    members: Vec::new(),
                });
                sums.push([0.0, 0.0]);
                seeds.entry((kx, ky)).or_default().push(out.len() - 1);
                out.len() - 1
            }
        };
        out[c].members.push(i);
        sums[c][0] += p[0];
        sums[c][1] += p[1];
    }
    // Each marker sits at the mean of what it holds.
    for (c, s) in out.iter_mut().zip(&sums) {
        let n = c.members.len() as f64;
        c.at = [s[0] / n, s[1] / n];
    }
    out
}

/// The hasher of `cluster`'s grid: a cell key is two small integers the caller made, not
/// input an adversary chooses, so a multiply-and-rotate hash does; SipHash cost more than the
/// clustering itself at 100 000 points.
#[derive(Default, Clone, Copy)]
struct CellHash;

impl std::hash::BuildHasher for CellHash {
    type Hasher = CellHasher;
    fn build_hasher(&self) -> CellHasher {
        CellHasher(0)
    }
}

struct CellHasher(u64);

impl std::hash::Hasher for CellHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(b as u64);
        }
    }
    fn write_i64(&mut self, n: i64) {
        self.write_u64(n as u64);
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ll(lat: f64, lon: f64) -> LatLon {
        LatLon { lat, lon }
    }

    #[test]
    fn distances_in_almaty() {
        // Republic Square to the First President's Park: about 7.6 km.
        let d = distance_m(ll(43.2385, 76.9455), ll(43.1886, 76.8879));
        assert!((7_000.0..8_200.0).contains(&d), "{d}");
        assert_eq!(distance_m(ll(1.0, 2.0), ll(1.0, 2.0)), 0.0);
        assert!(!place_mismatch(
            ll(43.2385, 76.9455),
            ll(43.2382, 76.9457),
            None
        ));
        assert!(place_mismatch(
            ll(43.1886, 76.8879),
            ll(43.2385, 76.9455),
            None
        ));
        assert!(!place_mismatch(
            ll(43.1886, 76.8879),
            ll(43.2385, 76.9455),
            Some(15_000.0)
        ));
    }

    #[test]
    fn areas_parse_and_contain() {
        let b = parse_bbox("-60,-40,-55,-30").unwrap();
        assert!(b.contains(ll(-35.0, -58.0)));
        assert!(!b.contains(ll(-35.0, -50.0)));
        let across = parse_bbox("170,-10,-170,10").unwrap();
        assert!(across.contains(ll(0.0, 179.0)) && across.contains(ll(0.0, -179.0)));
        assert!(!across.contains(ll(0.0, 0.0)));
        let n = parse_near("43.2385,76.9455,500").unwrap();
        assert!(n.contains(ll(43.2382, 76.9457)));
        assert!(!n.contains(ll(43.1886, 76.8879)));
        for bad in ["1,2", "a,b,c", "91,0,5", "1,2,0", "1,2,-5", "1,2,3,4"] {
            assert!(parse_near(bad).is_err(), "{bad}");
        }
        assert!(parse_bbox("0,10,1,5").is_err());
        assert_eq!(parse_lat_lon(" -33.9 , 18.4 ").unwrap(), ll(-33.9, 18.4));
    }

    #[test]
    fn mercator_round_trips() {
        for p in [
            ll(0.0, 0.0),
            ll(43.2385, 76.9455),
            ll(-33.9, -70.6),
            ll(60.0, -179.0),
        ] {
            let back = from_world(to_world(p));
            assert!((back.lat - p.lat).abs() < 1e-9 && (back.lon - p.lon).abs() < 1e-9);
        }
        assert_eq!(to_world(ll(0.0, 0.0)), [0.5, 0.5]);
    }

    #[test]
    fn clusters_split_as_cells_shrink() {
        let pts = [[0.0, 0.0], [3.0, 3.0], [100.0, 100.0], [104.0, 101.0]];
        let big = cluster(&pts, 50.0);
        assert_eq!(big.len(), 2);
        assert_eq!(big[0].members, [0, 1]);
        assert_eq!(big[0].at, [1.5, 1.5]);
        let small = cluster(&pts, 2.0);
        assert_eq!(small.len(), 4);
        // Close points on either side of a bucket's edge still merge.
        assert_eq!(cluster(&[[49.0, 0.0], [51.0, 0.0]], 10.0).len(), 1);
        assert_eq!(
            cluster(&[[0.0, 0.0], [9.0, 0.0], [18.0, 0.0]], 10.0).len(),
            2
        );
    }

    #[test]
    fn a_view_box_holds_what_the_view_shows_and_is_cut_at_the_world_edges() {
        let almaty = ll(43.2385, 76.9455);
        let w = to_world(almaty);
        let b = view_box([w[0] - 0.001, w[1] - 0.001], [w[0] + 0.001, w[1] + 0.001]);
        assert!(b.contains(almaty));
        assert!(!b.contains(ll(43.2385, 77.5)));
        assert!(!b.contains(ll(42.0, 76.9455)));
        assert!(b.west < b.east && b.south < b.north);
        // Zoomed out past every edge: the whole Earth, poles included.
        let all = view_box([-0.4, -0.3], [1.4, 1.3]);
        assert_eq!((all.west, all.east), (-180.0, 180.0));
        assert_eq!((all.south, all.north), (-90.0, 90.0));
        assert!(all.contains(ll(-34.6, -58.4)) && all.contains(ll(89.0, 179.9)));
        // Past the west edge only: nothing wraps in from the far east.
        let west = view_box([-0.2, 0.3], [0.3, 0.6]);
        assert_eq!(west.west, -180.0);
        assert!(!west.contains(ll(20.0, 170.0)));
    }
}
