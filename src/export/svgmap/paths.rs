//! The basemap as SVG path data for one view: the land's rings clipped to it, the borders cut
//! to it, both simplified to what the view can show (Douglas–Peucker within `TOLERANCE`
//! pixels) and written with coordinates rounded to 0.1 px.

use super::{View, WIDTH, num};
use crate::basemap::{Basemap, LineKind};
use std::fmt::Write as _;

/// How far (pixels) a simplified line may stray from the data.
const TOLERANCE: f64 = 0.4;
/// How far beyond the view's edges (pixels) the land is clipped, so the cut never shows.
const BLEED: f64 = 4.0;

/// The view's box in world coordinates.
fn world_box(view: &View) -> ([f64; 2], [f64; 2]) {
    (
        view.origin,
        [
            view.origin[0] + WIDTH / view.scale,
            view.origin[1] + view.height / view.scale,
        ],
    )
}

/// One path of the land's rings (`basemap::land`), each clipped to the view and closed; filled
/// even-odd it is the land, stroked it is the coastline. A ring unwrapped past the antimeridian
/// is also drawn a world east or west, so both edges of the world show it.
pub(super) fn land(land: &[Vec<[f32; 2]>], view: &View) -> String {
    let (lo, hi) = world_box(view);
    let (clip_lo, clip_hi) = ([-BLEED, -BLEED], [WIDTH + BLEED, view.height + BLEED]);
    let mut d = String::new();
    for ring in land {
        let (min, max) = bounds(ring.iter().map(|p| [p[0] as f64, p[1] as f64]));
        // Islands smaller than a pixel add nothing.
        if (max[0] - min[0]).max(max[1] - min[1]) * view.scale < 1.0 {
            continue;
        }
        for shift in [0.0, -1.0, 1.0] {
            if shift != 0.0 && min[0] >= 0.0 && max[0] <= 1.0 {
                continue;
            }
            if max[0] + shift < lo[0] || min[0] + shift > hi[0] || max[1] < lo[1] || min[1] > hi[1]
            {
                continue;
            }
            let px: Vec<[f64; 2]> = ring
                .iter()
                .map(|p| view.px([p[0] as f64 + shift, p[1] as f64]))
                .collect();
            let kept = simplify(&clip(&px, clip_lo, clip_hi), TOLERANCE);
            if push_points(&mut d, &kept, 3) {
                d.push('z');
            }
        }
    }
    d
}

/// One path of every basemap line of `kind`, cut to the view: each run of segments that
/// touches it becomes a subpath.
pub(super) fn lines(basemap: &Basemap, kind: LineKind, view: &View) -> String {
    let (lo, hi) = world_box(view);
    let mut d = String::new();
    let mut run: Vec<[f64; 2]> = Vec::new();
    let mut flush = |run: &mut Vec<[f64; 2]>| {
        push_points(&mut d, &simplify(run, TOLERANCE), 2);
        run.clear();
    };
    for line in basemap.lines.iter().filter(|l| l.kind == kind) {
        if (line.max[0] as f64) < lo[0]
            || (line.min[0] as f64) > hi[0]
            || (line.max[1] as f64) < lo[1]
            || (line.min[1] as f64) > hi[1]
        {
            continue;
        }
        let pts: Vec<[f64; 2]> = line
            .points
            .iter()
            .map(|p| view.px([p[0] as f64, p[1] as f64]))
            .collect();
        for seg in pts.windows(2) {
            let (a, b) = (seg[0], seg[1]);
            if !view.touches(a, b) {
                flush(&mut run);
                continue;
            }
            if run.is_empty() {
                run.push(a);
            }
            run.push(b);
        }
        flush(&mut run);
    }
    d
}

/// Appends `M x,y x,y …`: each point rounded to 0.1 px, one that rounds to the point before it
/// (or, for a ring, to its first point at the end) left out. Appends nothing, and says so, when
/// fewer than `min` points remain.
fn push_points(d: &mut String, points: &[[f64; 2]], min: usize) -> bool {
    let mut kept: Vec<(i64, i64)> = Vec::with_capacity(points.len());
    for p in points {
        let r = ((p[0] * 10.0).round() as i64, (p[1] * 10.0).round() as i64);
        if kept.last() != Some(&r) {
            kept.push(r);
        }
    }
    if min >= 3 && kept.len() > 1 && kept.first() == kept.last() {
        kept.pop();
    }
    if kept.len() < min {
        return false;
    }
    for (n, (x, y)) in kept.into_iter().enumerate() {
        d.push_str(if n == 0 { "M" } else { " " });
        let _ = write!(d, "{},{}", num(x as f64 / 10.0), num(y as f64 / 10.0));
    }
    true
}

fn bounds(points: impl Iterator<Item = [f64; 2]>) -> ([f64; 2], [f64; 2]) {
    let (mut min, mut max) = ([f64::MAX; 2], [f64::MIN; 2]);
    for p in points {
        for k in 0..2 {
            min[k] = min[k].min(p[k]);
            max[k] = max[k].max(p[k]);
        }
    }
    (min, max)
}

/// A polygon clipped to a rectangle (Sutherland–Hodgman; a concave polygon may keep
/// zero-width edges along the rectangle, which lies outside the view).
pub(super) fn clip(polygon: &[[f64; 2]], lo: [f64; 2], hi: [f64; 2]) -> Vec<[f64; 2]> {
    let mut out = polygon.to_vec();
    for (axis, bound, keep_above) in [
        (0, lo[0], true),
        (0, hi[0], false),
        (1, lo[1], true),
        (1, hi[1], false),
    ] {
        let inside = |p: &[f64; 2]| {
            if keep_above {
                p[axis] >= bound
            } else {
                p[axis] <= bound
            }
        };
        let cut = |a: &[f64; 2], b: &[f64; 2]| {
            let t = (bound - a[axis]) / (b[axis] - a[axis]);
            [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])]
        };
        let input = std::mem::take(&mut out);
        let Some(mut prev) = input.last().copied() else {
            break;
        };
        for cur in input {
            match (inside(&prev), inside(&cur)) {
                (true, true) => out.push(cur),
                (true, false) => out.push(cut(&prev, &cur)),
                (false, true) => {
                    out.push(cut(&prev, &cur));
                    out.push(cur);
                }
                (false, false) => {}
            }
            prev = cur;
        }
    }
    out
}

/// Douglas–Peucker: the fewest of the points that keep the line within `tolerance` of them all
/// (first and last always kept). Iterative, so a ring of ten thousand points is no trouble.
pub(super) fn simplify(points: &[[f64; 2]], tolerance: f64) -> Vec<[f64; 2]> {
    let n = points.len();
    if n <= 2 {
        return points.to_vec();
    }
    let mut keep = vec![false; n];
    keep[0] = true;
    keep[n - 1] = true;
    let mut stack = vec![(0, n - 1)];
    while let Some((a, b)) = stack.pop() {
        let (pa, pb) = (points[a], points[b]);
        let (dx, dy) = (pb[0] - pa[0], pb[1] - pa[1]);
        let len = dx.hypot(dy);
        let mut far = (0.0, a);
        for (i, p) in points.iter().enumerate().take(b).skip(a + 1) {
            let d = if len == 0.0 {
                (p[0] - pa[0]).hypot(p[1] - pa[1])
            } else {
                ((p[0] - pa[0]) * dy - (p[1] - pa[1]) * dx).abs() / len
            };
            if d > far.0 {
                far = (d, i);
            }
        }
        if far.0 > tolerance {
            keep[far.1] = true;
            stack.push((a, far.1));
            stack.push((far.1, b));
        }
    }
    points
        .iter()
        .zip(&keep)
        .filter(|(_, k)| **k)
        .map(|(p, _)| *p)
        .collect()
}
