//! The map's raster tile layer: the offline tiles the library's setting points at
//! (`crate::tiles`), drawn over the built-in basemap and under the markers.
//!
//! One loader thread owns the open source: it opens it (reporting what it holds or why it
//! cannot), then reads and decodes the tiles the view asks for, nearest the centre first.
//! Each frame the map replaces the loader's queue with the tiles it still lacks, so tiles
//! panned past are never read. Decoded tiles become textures kept within a byte budget, least
//! recently drawn evicted first; a tile the source lacks is remembered as missing and not asked
//! for again. Until a tile arrives, and where a sparse set lacks it, its nearest loaded
//! ancestor is drawn in its place, or nothing (the basemap shows through). Past the source's
//! deepest level, that level's tiles are drawn larger (overzoom).

use crate::tiles::{TileInfo, TileSource};
use egui::{Color32, ColorImage, Pos2, Rect, TextureHandle, TextureOptions, pos2};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Condvar, Mutex};

/// Zoom level, column, row (XYZ).
pub type TileKey = (u8, u32, u32);

/// Bytes of texture memory the layer keeps (a 256 px tile takes 256 KiB).
const BUDGET: usize = 96 << 20;
/// More tiles than this in view (zoomed far out of a detailed source): draw none.
const MAX_IN_VIEW: usize = 160;
/// How many levels up a loaded ancestor is looked for while a tile loads.
const ANCESTORS: u8 = 6;
/// A decoded tile larger than this on a side is refused (tiles are 256 or 512 px).
const MAX_SIDE: u32 = 2048;

/// What the layer's source is doing, for the Settings window.
pub enum Status<'a> {
    /// No tiles chosen: the built-in map alone.
    Off,
    Opening,
    Ready(&'a TileInfo),
    /// The source cannot be used; the built-in map is drawn.
    Failed(&'a str),
}

enum Slot {
    Loaded {
        texture: TextureHandle,
        bytes: usize,
        used: u64,
    },
    /// The source has no such tile, or it could not be read or decoded.
    Missing,
}

enum Msg {
    Opened(Result<TileInfo, String>),
    Tile(TileKey, Result<Option<ColorImage>, String>),
}

#[derive(Default)]
struct Queue {
    /// Served from the end: the map puts the tile nearest the centre last.
    wanted: Vec<TileKey>,
    /// The tile being read now (not asked for again meanwhile).
    busy: Option<TileKey>,
    closed: bool,
}

#[derive(Default)]
struct Shared {
    queue: Mutex<Queue>,
    wake: Condvar,
}

struct Loader {
    shared: Arc<Shared>,
    done: Receiver<Msg>,
}

impl Drop for Loader {
    fn drop(&mut self) {
        self.shared.queue.lock().unwrap().closed = true;
        self.shared.wake.notify_all();
    }
}

enum State {
    Off,
    Opening,
    Ready(TileInfo),
    Failed(String),
}

/// The Settings window's row: the path as typed, and a file dialog under way.
#[derive(Default)]
struct Field {
    text: String,
    editing: bool,
    dialog: Option<Receiver<Option<PathBuf>>>,
}

pub struct TileLayer {
    ctx: egui::Context,
    field: Field,
    /// The setting this layer was made for.
    path: Option<String>,
    loader: Option<Loader>,
    state: State,
    slots: HashMap<TileKey, Slot>,
    used: usize,
    clock: u64,
}

impl TileLayer {
    pub fn new(ctx: &egui::Context) -> TileLayer {
        TileLayer {
            ctx: ctx.clone(),
            field: Field::default(),
            path: None,
            loader: None,
            state: State::Off,
            slots: HashMap::new(),
            used: 0,
            clock: 0,
        }
    }

    /// Follows the library's setting: a new path starts a new loader (the old one ends and
    /// its tiles are dropped); the same path changes nothing.
    pub fn set_source(&mut self, path: Option<&str>) {
        let path = path.map(str::trim).filter(|p| !p.is_empty());
        if self.path.as_deref() == path && !matches!(self.state, State::Failed(_)) {
            return;
        }
        self.path = path.map(str::to_string);
        if !self.field.editing {
            self.field.text = self.path.clone().unwrap_or_default();
        }
        self.loader = None;
        self.slots.clear();
        self.used = 0;
        match path {
            None => self.state = State::Off,
            Some(p) => {
                self.state = State::Opening;
                self.loader = Some(spawn(PathBuf::from(p), self.ctx.clone()));
            }
        }
    }

    pub fn status(&self) -> Status<'_> {
        match &self.state {
            State::Off => Status::Off,
            State::Opening => Status::Opening,
            State::Ready(info) => Status::Ready(info),
            State::Failed(why) => Status::Failed(why),
        }
    }

    /// The chosen path, as the setting holds it.
    pub fn path(&self) -> Option<&str> {
        self.path.as_deref()
    }

    /// Uploads what the loader finished and keeps the budget. Call once per frame.
    pub fn drain(&mut self) {
        let Some(loader) = &self.loader else { return };
        let deadline = std::time::Instant::now() + std::time::Duration::from_millis(6);
        while let Ok(msg) = loader.done.try_recv() {
            match msg {
                Msg::Opened(Ok(info)) => self.state = State::Ready(info),
                Msg::Opened(Err(why)) => self.state = State::Failed(why),
                Msg::Tile(key, Ok(Some(img))) => {
                    let bytes = img.width() * img.height() * 4;
                    let texture = self.ctx.load_texture(
                        format!("tile:{}/{}/{}", key.0, key.1, key.2),
                        img,
                        TextureOptions::LINEAR,
                    );
                    self.used += bytes;
                    if let Some(Slot::Loaded { bytes, .. }) = self.slots.insert(
                        key,
                        Slot::Loaded {
                            texture,
                            bytes,
                            used: self.clock,
                        },
                    ) {
                        self.used -= bytes;
                    }
                }
                Msg::Tile(key, _) => {
                    self.slots.insert(key, Slot::Missing);
                }
            }
            if std::time::Instant::now() > deadline {
                self.ctx.request_repaint();
                break;
            }
        }
        self.evict();
    }

    fn evict(&mut self) {
        if self.slots.len() > 50_000 {
            self.slots.retain(|_, s| matches!(s, Slot::Loaded { .. }));
        }
        if self.used <= BUDGET {
            return;
        }
        let mut loaded: Vec<(u64, TileKey)> = self
            .slots
            .iter()
            .filter_map(|(k, s)| match s {
                Slot::Loaded { used, .. } => Some((*used, *k)),
                Slot::Missing => None,
            })
            .collect();
        loaded.sort_unstable();
        for (_, key) in loaded {
            if self.used <= BUDGET * 3 / 4 {
                break;
            }
            if let Some(Slot::Loaded { bytes, .. }) = self.slots.remove(&key) {
                self.used -= bytes;
            }
        }
    }

    /// Whether tile `key` is decoded and held as a texture.
    #[cfg(test)]
    pub fn is_loaded(&self, key: TileKey) -> bool {
        matches!(self.slots.get(&key), Some(Slot::Loaded { .. }))
    }

    /// How many tiles are held as textures.
    pub fn loaded_count(&self) -> usize {
        self.slots
            .values()
            .filter(|s| matches!(s, Slot::Loaded { .. }))
            .count()
    }

    /// Draws the tiles of the view: `center` in world coordinates (0..1, Web Mercator),
    /// `scale` in points across the whole world. Asks the loader for what is missing.
    pub fn paint(&mut self, painter: &egui::Painter, rect: Rect, center: [f64; 2], scale: f64) {
        let State::Ready(info) = &self.state else {
            return;
        };
        let (min_zoom, max_zoom) = (info.min_zoom, info.max_zoom);
        let ppp = f64::from(painter.ctx().pixels_per_point());
        let z = level(scale * ppp, min_zoom, max_zoom);
        let Some(tiles) = visible(rect, center, scale, z) else {
            return; // far too many: the basemap alone
        };
        self.clock += 1;
        let clock = self.clock;
        let to_screen = |w: [f64; 2]| {
            pos2(
                rect.center().x + ((w[0] - center[0]) * scale) as f32,
                rect.center().y + ((w[1] - center[1]) * scale) as f32,
            )
        };
        let tile_rect = |(z, x, y): TileKey| {
            let n = f64::from(1u32 << z);
            Rect::from_min_max(
                to_screen([f64::from(x) / n, f64::from(y) / n]),
                to_screen([f64::from(x + 1) / n, f64::from(y + 1) / n]),
            )
        };
        let mut wanted: Vec<(f32, TileKey)> = Vec::new();
        for &key in &tiles {
            let r = tile_rect(key);
            let distance = r.center().distance_sq(rect.center());
            let missing = match self.slots.get_mut(&key) {
                Some(Slot::Loaded { texture, used, .. }) => {
                    *used = clock;
                    painter.image(texture.id(), r, full_uv(), Color32::WHITE);
                    continue;
                }
                Some(Slot::Missing) => true,
                None => {
                    wanted.push((distance, key));
                    false
                }
            };
            // Meanwhile (or for good, where a sparse set lacks the tile): the part of its
            // nearest loaded ancestor. Under a missing tile the first unknown ancestor is asked
            // for, so a set with only a few deep tiles still covers its area.
            for up in 1..=ANCESTORS.min(key.0.saturating_sub(min_zoom)) {
                let parent = (key.0 - up, key.1 >> up, key.2 >> up);
                match self.slots.get_mut(&parent) {
                    Some(Slot::Loaded { texture, used, .. }) => {
                        *used = clock;
                        let k = (1u32 << up) as f32;
                        let (fx, fy) = (key.1 - (parent.1 << up), key.2 - (parent.2 << up));
                        let uv = Rect::from_min_max(
                            pos2(fx as f32 / k, fy as f32 / k),
                            pos2((fx + 1) as f32 / k, (fy + 1) as f32 / k),
                        );
                        painter.image(texture.id(), r, uv, Color32::WHITE);
                        break;
                    }
                    Some(Slot::Missing) => {}
                    None => {
                        if missing && !wanted.iter().any(|w| w.1 == parent) {
                            wanted.push((distance, parent));
                        }
                        break;
                    }
                }
            }
        }
        if let Some(loader) = &self.loader {
            // The farthest first: the loader serves from the end.
            wanted.sort_by(|a, b| b.0.total_cmp(&a.0));
            let mut q = loader.shared.queue.lock().unwrap();
            let busy = q.busy;
            q.wanted = wanted
                .into_iter()
                .map(|(_, k)| k)
                .filter(|k| Some(*k) != busy)
                .collect();
            if !q.wanted.is_empty() {
                loader.shared.wake.notify_one();
            }
        }
    }

    /// The tileset's name and credit, small in the map's top-left corner (the legend, the scale
    /// and the time strip hold the bottom; Fit and the area filter the top right).
    pub fn paint_credit(
        &self,
        painter: &egui::Painter,
        rect: Rect,
        label: &str,
        visuals: &egui::Visuals,
    ) {
        let State::Ready(info) = &self.state else {
            return;
        };
        let text = match &info.attribution {
            Some(a) => format!("{label}: {} · {}", info.name, strip_tags(a)),
            None => format!("{label}: {}", info.name),
        };
        let font = egui::FontId::proportional(10.5);
        let width = (rect.width() - 280.0).max(120.0);
        let galley = painter.layout(text, font, visuals.text_color(), width);
        let at = rect.min + egui::vec2(10.0, 10.0);
        let bg = Rect::from_min_size(at, galley.size()).expand(3.0);
        painter.rect_filled(bg, 3.0, visuals.panel_fill.gamma_multiply(0.85));
        painter.galley(at, galley, visuals.text_color());
    }
}

/// The Settings window's row for the tiles: the path (typed, or chosen with a file or folder
/// dialog), a "none" button, and what the source holds or why it cannot be used. Returns the
/// new setting when the user changed it (`Some(None)`: none).
pub fn settings_ui(
    ui: &mut egui::Ui,
    s: &crate::i18n::TileStrings,
    layer: &mut TileLayer,
) -> Option<Option<String>> {
    let mut chosen = None;
    let label = ui.label(s.tiles);
    let field = ui
        .add(
            egui::TextEdit::singleline(&mut layer.field.text)
                .hint_text(s.path_hint)
                .desired_width(360.0),
        )
        .labelled_by(label.id);
    layer.field.editing = field.has_focus();
    let typed = Some(layer.field.text.trim().to_string()).filter(|p| !p.is_empty());
    if field.lost_focus() && typed.as_deref() != layer.path() {
        chosen = Some(typed);
    }
    ui.horizontal(|ui| {
        let idle = layer.field.dialog.is_none();
        let file = ui.add_enabled(idle, egui::Button::new(s.choose_file));
        let folder = ui.add_enabled(idle, egui::Button::new(s.choose_folder));
        if file.clicked() || folder.clicked() {
            let (tx, rx) = channel();
            let (filter, pick_file) = (s.dialog_filter, file.clicked());
            // The dialog blocks: it runs on a thread of its own.
            std::thread::spawn(move || {
                let dialog = rfd::FileDialog::new();
                let _ = tx.send(if pick_file {
                    dialog
                        .add_filter(filter, &["pmtiles", "mbtiles"])
                        .pick_file()
                } else {
                    dialog.pick_folder()
                });
            });
            layer.field.dialog = Some(rx);
        }
        if ui
            .add_enabled(layer.path().is_some(), egui::Button::new(s.clear))
            .clicked()
        {
            layer.field.text.clear();
            chosen = Some(None);
        }
    });
    if let Some(rx) = &layer.field.dialog {
        match rx.try_recv() {
            Ok(picked) => {
                layer.field.dialog = None;
                if let Some(p) = picked {
                    layer.field.text = p.to_string_lossy().into_owned();
                    chosen = Some(Some(layer.field.text.clone()));
                }
            }
            Err(std::sync::mpsc::TryRecvError::Empty) => {
                ui.ctx()
                    .request_repaint_after(std::time::Duration::from_millis(100));
            }
            Err(std::sync::mpsc::TryRecvError::Disconnected) => layer.field.dialog = None,
        }
    }
    match layer.status() {
        Status::Off => {
            ui.weak(s.none);
        }
        Status::Opening => {
            ui.weak(s.opening);
        }
        Status::Ready(info) => {
            ui.label(format!(
                "{} · {} {}–{}",
                info.name, s.zoom, info.min_zoom, info.max_zoom
            ));
        }
        Status::Failed(why) => {
            let color = ui.visuals().error_fg_color;
            ui.colored_label(color, format!("{}: {why}", s.unreadable));
        }
    }
    ui.add(egui::Label::new(egui::RichText::new(s.hint).small().weak()).wrap());
    chosen
}

fn full_uv() -> Rect {
    Rect::from_min_max(pos2(0.0, 0.0), pos2(1.0, 1.0))
}

/// The tile level for a view `pixels` across the whole world: the one whose tiles come
/// nearest their own size, clamped to what the source holds.
pub fn level(pixels: f64, min_zoom: u8, max_zoom: u8) -> u8 {
    let z = (pixels / 256.0).log2().round();
    if z.is_nan() {
        return min_zoom;
    }
    (z.max(0.0) as u8).clamp(min_zoom, max_zoom)
}

/// The tiles of level `z` that the view shows, `None` when there are more than
/// `MAX_IN_VIEW` (a view zoomed far out of a detailed source).
pub fn visible(rect: Rect, center: [f64; 2], scale: f64, z: u8) -> Option<Vec<TileKey>> {
    let n = f64::from(1u32 << z);
    let world = |p: Pos2| {
        [
            center[0] + f64::from(p.x - rect.center().x) / scale,
            center[1] + f64::from(p.y - rect.center().y) / scale,
        ]
    };
    let (lo, hi) = (world(rect.min), world(rect.max));
    let last = (1u32 << z) - 1;
    let cell = |v: f64| ((v * n).floor().max(0.0) as u32).min(last);
    if hi[0] <= 0.0 || hi[1] <= 0.0 || lo[0] >= 1.0 || lo[1] >= 1.0 {
        return Some(Vec::new());
    }
    let (x0, x1, y0, y1) = (cell(lo[0]), cell(hi[0]), cell(lo[1]), cell(hi[1]));
    let count = u64::from(x1 - x0 + 1) * u64::from(y1 - y0 + 1);
    (count <= MAX_IN_VIEW as u64).then(|| {
        (x0..=x1)
            .flat_map(|x| (y0..=y1).map(move |y| (z, x, y)))
            .collect()
    })
}

/// An attribution as plain text: tilesets often give it as HTML links.
fn strip_tags(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut inside = false;
    for c in s.chars() {
        match c {
            '<' => inside = true,
            '>' => inside = false,
            c if !inside => out.push(c),
            _ => {}
        }
    }
    out.replace("&copy;", "©").replace("&amp;", "&")
}

fn spawn(path: PathBuf, ctx: egui::Context) -> Loader {
    let shared = Arc::new(Shared::default());
    let (tx, done) = channel();
    let theirs = shared.clone();
    let started = std::thread::Builder::new()
        .name("kadr-tiles".into())
        .spawn(move || serve(&path, &theirs, &tx, &ctx));
    if let Err(e) = started {
        // No thread, no tiles: the basemap alone, with the reason in Settings.
        let (tx, rx) = channel();
        let _ = tx.send(Msg::Opened(Err(e.to_string())));
        return Loader { shared, done: rx };
    }
    Loader { shared, done }
}

/// The loader thread: opens the source, then reads and decodes what the map asks for until
/// the layer is dropped.
fn serve(path: &std::path::Path, shared: &Shared, tx: &Sender<Msg>, ctx: &egui::Context) {
    let source = match TileSource::open(path) {
        Ok(s) => s,
        Err(e) => {
            // Settings shows the path already: the reason alone.
            let why = match e {
                crate::Error::File { message, .. } => message,
                other => other.to_string(),
            };
            let _ = tx.send(Msg::Opened(Err(why)));
            ctx.request_repaint();
            return;
        }
    };
    if tx.send(Msg::Opened(Ok(source.info().clone()))).is_err() {
        return;
    }
    ctx.request_repaint();
    loop {
        let key = {
            let mut q = shared.queue.lock().unwrap();
            q.busy = None;
            loop {
                if q.closed {
                    return;
                }
                if let Some(k) = q.wanted.pop() {
                    q.busy = Some(k);
                    break k;
                }
                q = shared.wake.wait(q).unwrap();
            }
        };
        let (z, x, y) = key;
        // A damaged tile that panics a decoder is that tile's loss, not the layer's.
        let result = match source.get(z, x, y) {
            Ok(Some(bytes)) => std::panic::catch_unwind(|| decode(&bytes))
                .unwrap_or_else(|_| Err("the tile decoder failed".into()))
                .map(Some),
            Ok(None) => Ok(None),
            Err(e) => Err(e.to_string()),
        };
        if tx.send(Msg::Tile(key, result)).is_err() {
            return;
        }
        ctx.request_repaint();
    }
}

/// A tile's bytes (PNG, JPEG or WebP) as pixels.
fn decode(bytes: &[u8]) -> Result<ColorImage, String> {
    let img = image::load_from_memory(bytes).map_err(|e| e.to_string())?;
    if img.width() > MAX_SIDE || img.height() > MAX_SIDE {
        return Err(format!("a tile of {}×{} pixels", img.width(), img.height()));
    }
    let rgba = img.to_rgba8();
    Ok(ColorImage::from_rgba_unmultiplied(
        [rgba.width() as usize, rgba.height() as usize],
        rgba.as_raw(),
    ))
}

#[cfg(test)]
mod tests;
