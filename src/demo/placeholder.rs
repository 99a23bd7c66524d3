//! Placeholder images for the demo: a hatched panel that says it is not a photograph, with the
//! item's number, date and the start of its caption, drawn with egui's Ubuntu Light font.

use super::{DemoItem, PLACEHOLDER_HEIGHT, PLACEHOLDER_WIDTH};
use crate::error::{Error, Result};
use crate::ingest;
use image::{Rgb, RgbImage};
use skrifa::MetadataProvider as _;
use skrifa::instance::{LocationRef, Size};
use skrifa::outline::{DrawSettings, OutlinePen};

/// The placeholder JPEG of one item: the same item always gives the same bytes.
pub fn placeholder_jpeg(font: &Font<'_>, item: &DemoItem) -> Result<Vec<u8>> {
    let img = placeholder_image(font, item);
    ingest::encode_jpeg(&img, 85).map_err(Error::invalid)
}

const TEXT: Rgb<u8> = Rgb([244, 242, 236]);
const ACCENT: Rgb<u8> = Rgb([255, 208, 96]);
const PANEL: (u32, u32, u32, u32) = (60, 60, 1140, 740);
const TEXT_LEFT: f32 = 110.0;
const TEXT_WIDTH: f32 = 980.0;

fn placeholder_image(font: &Font<'_>, item: &DemoItem) -> RgbImage {
    let (w, h) = (PLACEHOLDER_WIDTH, PLACEHOLDER_HEIGHT);
    // A muted colour of its own per item: hues a golden angle apart.
    let hue = (item.n as f32 * 137.508) % 360.0;
    let base = hsl(hue, 0.28, 0.46);
    let stripe = hsl(hue, 0.28, 0.36);
    let mut img = RgbImage::from_fn(w, h, |x, y| {
        if ((x + y) / 30) % 2 == 0 {
            base
        } else {
            stripe
        }
    });
    // A dark panel for the text, framed in the accent colour.
    let (x0, y0, x1, y1) = PANEL;
    for y in y0..y1 {
        for x in x0..x1 {
            let p = img.get_pixel_mut(x, y);
            let edge = x < x0 + 4 || x >= x1 - 4 || y < y0 + 4 || y >= y1 - 4;
            *p = if edge {
                ACCENT
            } else {
                Rgb(p.0.map(|c| (c as f32 * 0.32) as u8))
            };
        }
    }

    font.draw(
        &mut img,
        "ЗАГЛУШКА · PLACEHOLDER",
        TEXT_LEFT,
        160.0,
        64.0,
        ACCENT,
    );
    font.draw(
        &mut img,
        &format!("№ {}", item.n),
        TEXT_LEFT,
        320.0,
        130.0,
        TEXT,
    );
    font.draw(&mut img, &item.date_text(), TEXT_LEFT, 400.0, 52.0, TEXT);
    let caption = truncate_words(&item.caption, 80);
    for (i, line) in font
        .wrap(&caption, 40.0, TEXT_WIDTH)
        .iter()
        .take(3)
        .enumerate()
    {
        font.draw(
            &mut img,
            line,
            TEXT_LEFT,
            490.0 + 54.0 * i as f32,
            40.0,
            TEXT,
        );
    }
    font.draw(
        &mut img,
        "Kadr demo · not a photograph",
        TEXT_LEFT,
        700.0,
        28.0,
        ACCENT,
    );
    img
}

/// At most about `max` characters of `text`, cut at a word and marked with an ellipsis.
pub(super) fn truncate_words(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out = String::new();
    for word in text.split_whitespace() {
        if !out.is_empty() && out.chars().count() + 1 + word.chars().count() > max {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    let out = out.trim_end_matches([',', '.', ';', ':', '-', '—']);
    format!("{out}…")
}

fn hsl(h: f32, s: f32, l: f32) -> Rgb<u8> {
    let c = (1.0 - (2.0 * l - 1.0).abs()) * s;
    let hp = h / 60.0;
    let x = c * (1.0 - (hp % 2.0 - 1.0).abs());
    let (r, g, b) = match hp as u32 {
        0 => (c, x, 0.0),
        1 => (x, c, 0.0),
        2 => (0.0, c, x),
        3 => (0.0, x, c),
        4 => (x, 0.0, c),
        _ => (c, 0.0, x),
    };
    let m = l - c / 2.0;
    let to = |v: f32| ((v + m) * 255.0).round().clamp(0.0, 255.0) as u8;
    Rgb([to(r), to(g), to(b)])
}

/// The placeholder font (Ubuntu Light, as shipped with egui) and a minimal text renderer: no
/// shaping or kerning, one line at a time, left to right. Enough for a label.
pub struct Font<'a> {
    font: skrifa::FontRef<'a>,
}

impl Font<'static> {
    pub fn new() -> Result<Font<'static>> {
        let font = skrifa::FontRef::new(epaint_default_fonts::UBUNTU_LIGHT)
            .map_err(|e| Error::invalid(format!("the placeholder font cannot be read ({e})")))?;
        Ok(Font { font })
    }
}

impl Font<'_> {
    /// Whether the font has a glyph for `ch` (anything else would be drawn as a box).
    pub fn covers(&self, ch: char) -> bool {
        self.font.charmap().map(ch).is_some_and(|g| g.to_u32() != 0)
    }

    /// The width of `text` at `px` pixels per em.
    pub fn width(&self, text: &str, px: f32) -> f32 {
        let metrics = self
            .font
            .glyph_metrics(Size::new(px), LocationRef::default());
        let charmap = self.font.charmap();
        text.chars()
            .map(|ch| {
                let gid = charmap.map(ch).unwrap_or_default();
                metrics.advance_width(gid).unwrap_or(0.0)
            })
            .sum()
    }

    /// `text` broken at spaces into lines no wider than `max_width` (a longer word gets a line
    /// of its own).
    pub fn wrap(&self, text: &str, px: f32, max_width: f32) -> Vec<String> {
        let mut lines = Vec::new();
        let mut line = String::new();
        for word in text.split_whitespace() {
            let candidate = if line.is_empty() {
                word.to_string()
            } else {
                format!("{line} {word}")
            };
            if !line.is_empty() && self.width(&candidate, px) > max_width {
                lines.push(std::mem::replace(&mut line, word.to_string()));
            } else {
                line = candidate;
            }
        }
        if !line.is_empty() {
            lines.push(line);
        }
        lines
    }

    /// Draws one line of `text` with its baseline at `baseline`, starting at `x`.
    pub fn draw(
        &self,
        img: &mut RgbImage,
        text: &str,
        x: f32,
        baseline: f32,
        px: f32,
        color: Rgb<u8>,
    ) {
        let size = Size::new(px);
        let metrics = self.font.glyph_metrics(size, LocationRef::default());
        let charmap = self.font.charmap();
        let outlines = self.font.outline_glyphs();
        let mut pen = EdgePen::default();
        let mut pen_x = x;
        for ch in text.chars() {
            let gid = charmap.map(ch).unwrap_or_default();
            if let Some(glyph) = outlines.get(gid) {
                pen.origin = (pen_x, baseline);
                // A glyph that cannot be drawn is left out; the rest of the line still is.
                let _ = glyph.draw(
                    DrawSettings::unhinted(size, LocationRef::default()),
                    &mut pen,
                );
                pen.close();
            }
            pen_x += metrics.advance_width(gid).unwrap_or(0.0);
        }
        fill(img, &pen.edges, color);
    }
}

/// A line segment of an outline in image coordinates (y down).
#[derive(Debug, Clone, Copy)]
struct Edge {
    x0: f32,
    y0: f32,
    x1: f32,
    y1: f32,
}

/// Collects glyph outlines as line segments: curves are flattened, y is flipped, and each
/// contour is closed.
#[derive(Default)]
struct EdgePen {
    edges: Vec<Edge>,
    origin: (f32, f32),
    start: (f32, f32),
    current: (f32, f32),
}

impl EdgePen {
    fn at(&self, x: f32, y: f32) -> (f32, f32) {
        (self.origin.0 + x, self.origin.1 - y)
    }

    fn segment(&mut self, to: (f32, f32)) {
        let from = self.current;
        if from.1 != to.1 {
            self.edges.push(Edge {
                x0: from.0,
                y0: from.1,
                x1: to.0,
                y1: to.1,
            });
        }
        self.current = to;
    }
}

/// How many straight pieces a curve with this control polygon length is drawn as.
fn pieces(len: f32) -> u32 {
    (len / 3.0).ceil().clamp(1.0, 32.0) as u32
}

fn dist(a: (f32, f32), b: (f32, f32)) -> f32 {
    ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt()
}

impl OutlinePen for EdgePen {
    fn move_to(&mut self, x: f32, y: f32) {
        self.close();
        let p = self.at(x, y);
        self.start = p;
        self.current = p;
    }

    fn line_to(&mut self, x: f32, y: f32) {
        let p = self.at(x, y);
        self.segment(p);
    }

    fn quad_to(&mut self, cx0: f32, cy0: f32, x: f32, y: f32) {
        let (p0, c, p1) = (self.current, self.at(cx0, cy0), self.at(x, y));
        let n = pieces(dist(p0, c) + dist(c, p1));
        for i in 1..=n {
            let t = i as f32 / n as f32;
            let u = 1.0 - t;
            let (a, b, d) = (u * u, 2.0 * u * t, t * t);
            self.segment((a * p0.0 + b * c.0 + d * p1.0, a * p0.1 + b * c.1 + d * p1.1));
        }
    }

    fn curve_to(&mut self, cx0: f32, cy0: f32, cx1: f32, cy1: f32, x: f32, y: f32) {
        let (p0, c0, c1, p1) = (
            self.current,
            self.at(cx0, cy0),
            self.at(cx1, cy1),
            self.at(x, y),
        );
        let n = pieces(dist(p0, c0) + dist(c0, c1) + dist(c1, p1));
        for i in 1..=n {
            let t = i as f32 / n as f32;
            let u = 1.0 - t;
            let (a, b, c, d) = (u * u * u, 3.0 * u * u * t, 3.0 * u * t * t, t * t * t);
            self.segment((
                a * p0.0 + b * c0.0 + c * c1.0 + d * p1.0,
                a * p0.1 + b * c0.1 + c * c1.1 + d * p1.1,
            ));
        }
    }

    fn close(&mut self) {
        let start = self.start;
        self.segment(start);
    }
}

/// Vertical samples per pixel row; horizontal coverage is exact.
const SUBROWS: usize = 4;

/// Fills the shapes `edges` outline (non-zero winding) with `color`, anti-aliased.
fn fill(img: &mut RgbImage, edges: &[Edge], color: Rgb<u8>) {
    if edges.is_empty() {
        return;
    }
    let (w, h) = (img.width() as usize, img.height() as usize);
    let top = edges
        .iter()
        .map(|e| e.y0.min(e.y1))
        .fold(f32::MAX, f32::min);
    let bottom = edges
        .iter()
        .map(|e| e.y0.max(e.y1))
        .fold(f32::MIN, f32::max);
    let row0 = top.floor().max(0.0) as usize;
    let row1 = (bottom.ceil().max(0.0) as usize).min(h);
    // Edges by their top, so each sample row only looks at the edges crossing it.
    let mut sorted: Vec<Edge> = edges.to_vec();
    sorted.sort_by(|a, b| a.y0.min(a.y1).total_cmp(&b.y0.min(b.y1)));
    let mut next = 0;
    let mut active: Vec<Edge> = Vec::new();
    let mut crossings: Vec<(f32, i32)> = Vec::new();
    let mut coverage = vec![0f32; w];
    for row in row0..row1 {
        coverage.iter_mut().for_each(|c| *c = 0.0);
        let mut touched = (w, 0);
        for sub in 0..SUBROWS {
            let sy = row as f32 + (sub as f32 + 0.5) / SUBROWS as f32;
            while next < sorted.len() && sorted[next].y0.min(sorted[next].y1) <= sy {
                active.push(sorted[next]);
                next += 1;
            }
            active.retain(|e| e.y0.max(e.y1) > sy);
            crossings.clear();
            for e in &active {
                let (ya, yb) = (e.y0.min(e.y1), e.y0.max(e.y1));
                if sy < ya || sy >= yb {
                    continue;
                }
                let x = e.x0 + (sy - e.y0) * (e.x1 - e.x0) / (e.y1 - e.y0);
                crossings.push((x, if e.y1 > e.y0 { 1 } else { -1 }));
            }
            crossings.sort_by(|a, b| a.0.total_cmp(&b.0));
            let mut winding = 0;
            let mut span_start = 0.0;
            for &(x, dir) in &crossings {
                let was = winding;
                winding += dir;
                if was == 0 && winding != 0 {
                    span_start = x;
                } else if was != 0 && winding == 0 {
                    let (a, b) = add_span(&mut coverage, span_start, x, 1.0 / SUBROWS as f32);
                    touched = (touched.0.min(a), touched.1.max(b));
                }
            }
        }
        for (x, c) in coverage.iter().enumerate().take(touched.1).skip(touched.0) {
            let a = c.min(1.0);
            if a <= 0.0 {
                continue;
            }
            let p = img.get_pixel_mut(x as u32, row as u32);
            for k in 0..3 {
                p.0[k] = (p.0[k] as f32 * (1.0 - a) + color.0[k] as f32 * a).round() as u8;
            }
        }
    }
}

/// Adds `weight` times the part of each pixel that `x0..x1` covers; returns the pixel range
/// touched.
pub(super) fn add_span(coverage: &mut [f32], x0: f32, x1: f32, weight: f32) -> (usize, usize) {
    let w = coverage.len() as f32;
    let (x0, x1) = (x0.clamp(0.0, w), x1.clamp(0.0, w));
    if x1 <= x0 {
        return (coverage.len(), 0);
    }
    let (i0, i1) = (x0.floor() as usize, x1.floor() as usize);
    if i0 == i1 {
        coverage[i0] += (x1 - x0) * weight;
        return (i0, i0 + 1);
    }
    coverage[i0] += (i0 as f32 + 1.0 - x0) * weight;
    for c in &mut coverage[i0 + 1..i1] {
        *c += weight;
    }
    if i1 < coverage.len() {
        coverage[i1] += (x1 - i1 as f32) * weight;
    }
    (i0, (i1 + 1).min(coverage.len()))
}
