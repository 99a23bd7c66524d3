//! The app-owned texture cache for thumbnails and previews.
//!
//! Images are decoded off the UI thread by a small pool of loader threads, newest request first
//! (what was scrolled past is served last or dropped). Each entry is Pending, Loaded or Error,
//! so a failing file is not retried every frame; a decoder that panics fails its own image only,
//! and the loader goes on with the next. Loaded textures are kept within a byte budget, least
//! recently used evicted first. The UI thread only uploads finished pixels.

use egui::{ColorImage, TextureHandle, TextureOptions};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Condvar, Mutex};

enum Entry {
    Pending,
    Loaded {
        texture: TextureHandle,
        bytes: usize,
        used: u64,
    },
    Error,
}

/// Requests waiting for a loader: a stack, so the newest is served first.
#[derive(Default)]
struct Queue {
    stack: Mutex<Vec<(String, PathBuf)>>,
    wake: Condvar,
}

pub struct TextureCache {
    name: &'static str,
    entries: HashMap<String, Entry>,
    queue: Arc<Queue>,
    done: Receiver<(String, Result<ColorImage, String>)>,
    budget: usize,
    used: usize,
    clock: u64,
    max_queue: usize,
}

pub enum Lookup<'a> {
    Ready(&'a TextureHandle),
    Pending,
    Missing,
}

impl TextureCache {
    /// `budget`: bytes of texture memory to keep; `threads`: loader threads.
    pub fn new(
        name: &'static str,
        budget: usize,
        threads: usize,
        ctx: &egui::Context,
        decode: Decode,
    ) -> TextureCache {
        let queue = Arc::new(Queue::default());
        let (tx, done) = channel();
        for _ in 0..threads {
            spawn_loader(queue.clone(), tx.clone(), ctx.clone(), decode);
        }
        TextureCache {
            name,
            entries: HashMap::new(),
            queue,
            done,
            budget,
            used: 0,
            clock: 0,
            max_queue: 512,
        }
    }

    /// The texture for `key` (a SHA-256) from `path`, asking a loader for it if needed.
    pub fn get(&mut self, key: &str, path: impl FnOnce() -> PathBuf) -> Lookup<'_> {
        self.clock += 1;
        let clock = self.clock;
        if !self.entries.contains_key(key) {
            self.entries.insert(key.to_string(), Entry::Pending);
            let mut stack = self.queue.stack.lock().unwrap();
            stack.push((key.to_string(), path()));
            if stack.len() > self.max_queue {
                // Drop the oldest requests: they were scrolled past long ago.
                let excess = stack.len() - self.max_queue;
                let dropped: Vec<_> = stack.drain(..excess).collect();
                for (k, _) in dropped {
                    self.entries.remove(&k);
                }
            }
            self.queue.wake.notify_one();
        }
        match self.entries.get_mut(key) {
            Some(Entry::Loaded { texture, used, .. }) => {
                *used = clock;
                Lookup::Ready(texture)
            }
            Some(Entry::Pending) => Lookup::Pending,
            _ => Lookup::Missing,
        }
    }

    /// Uploads what the loaders finished and evicts over budget. Call once per frame.
    pub fn drain(&mut self, ctx: &egui::Context) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_millis(6);
        while let Ok((key, result)) = self.done.try_recv() {
            if !self.entries.contains_key(&key) {
                continue; // dropped while loading
            }
            let entry = match result {
                Ok(img) => {
                    let bytes = img.width() * img.height() * 4;
                    self.used += bytes;
                    let texture = ctx.load_texture(
                        format!("{}:{key}", self.name),
                        img,
                        TextureOptions::LINEAR,
                    );
                    Entry::Loaded {
                        texture,
                        bytes,
                        used: self.clock,
                    }
                }
                Err(_) => Entry::Error,
            };
            self.entries.insert(key, entry);
            if std::time::Instant::now() > deadline {
                ctx.request_repaint();
                break;
            }
        }
        self.evict();
    }

    fn evict(&mut self) {
        if self.used <= self.budget {
            return;
        }
        let mut loaded: Vec<(u64, String)> = self
            .entries
            .iter()
            .filter_map(|(k, e)| match e {
                Entry::Loaded { used, .. } => Some((*used, k.clone())),
                _ => None,
            })
            .collect();
        loaded.sort();
        for (_, key) in loaded {
            if self.used <= self.budget * 3 / 4 {
                break;
            }
            if let Some(Entry::Loaded { bytes, .. }) = self.entries.remove(&key) {
                self.used -= bytes;
            }
        }
    }

    pub fn is_loading(&self) -> bool {
        self.entries.values().any(|e| matches!(e, Entry::Pending))
    }
}

/// Paints `tex` as large as fits inside `area`, centred, keeping its aspect ratio.
pub fn paint_fitted(painter: &egui::Painter, tex: &TextureHandle, area: egui::Rect) {
    let size = tex.size_vec2();
    let scale = (area.width() / size.x).min(area.height() / size.y);
    let r = egui::Rect::from_center_size(area.center(), size * scale);
    let uv = egui::Rect::from_min_max(egui::pos2(0.0, 0.0), egui::pos2(1.0, 1.0));
    painter.image(tex.id(), r, uv, egui::Color32::WHITE);
}

/// Turns a file into pixels, on a loader thread.
pub type Decode = fn(&std::path::Path) -> Result<ColorImage, String>;

fn spawn_loader(
    queue: Arc<Queue>,
    tx: Sender<(String, Result<ColorImage, String>)>,
    ctx: egui::Context,
    decode: Decode,
) {
    std::thread::Builder::new()
        .name("kadr-thumbs".into())
        .spawn(move || {
            loop {
                let (key, path) = {
                    let mut stack = queue.stack.lock().unwrap();
                    loop {
                        if let Some(job) = stack.pop() {
                            break job;
                        }
                        stack = queue.wake.wait(stack).unwrap();
                    }
                };
                // A panicking decoder (a malformed file) is that image's error, not the loader's
                // end: without this guard every later request would wait forever.
                let result = std::panic::catch_unwind(|| decode(&path))
                    .unwrap_or_else(|panic| Err(panic_message(panic.as_ref())));
                if tx.send((key, result)).is_err() {
                    return;
                }
                ctx.request_repaint();
            }
        })
        .expect("can start a loader thread");
}

/// What a caught panic said, for the image's error.
fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    let what = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown".into());
    format!("the decoder failed: {what}")
}

/// A derived JPEG (thumbnail, preview) as it is.
pub fn decode_derived(path: &std::path::Path) -> Result<ColorImage, String> {
    let img = image::open(path).map_err(|e| e.to_string())?.to_rgb8();
    Ok(ColorImage::from_rgb(
        [img.width() as usize, img.height() as usize],
        img.as_raw(),
    ))
}

/// An original, upright, sized for a full-screen view.
pub fn decode_original(path: &std::path::Path) -> Result<ColorImage, String> {
    let img = crate::ingest::display_image(path, 2048, 4096)?;
    Ok(ColorImage::from_rgb(
        [img.width() as usize, img.height() as usize],
        img.as_raw(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Panics on any file named `bad*`, else returns a 2×2 image.
    fn fragile(path: &std::path::Path) -> Result<ColorImage, String> {
        let name = path.file_name().unwrap().to_string_lossy();
        assert!(!name.starts_with("bad"), "a decoder bug on {name}");
        Ok(ColorImage::from_rgb([2, 2], &[0; 12]))
    }

    /// Asks for `keys` until each is loaded or failed; returns which were loaded.
    fn load(cache: &mut TextureCache, ctx: &egui::Context, keys: &[&str]) -> Vec<bool> {
        let start = std::time::Instant::now();
        loop {
            cache.drain(ctx);
            let got: Vec<Option<bool>> = keys
                .iter()
                .map(|k| match cache.get(k, || PathBuf::from(k)) {
                    Lookup::Ready(_) => Some(true),
                    Lookup::Missing => Some(false),
                    Lookup::Pending => None,
                })
                .collect();
            if got.iter().all(Option::is_some) {
                return got.into_iter().map(Option::unwrap).collect();
            }
            assert!(
                start.elapsed() < std::time::Duration::from_secs(10),
                "still pending: {got:?}"
            );
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
    }

    #[test]
    fn a_panicking_decoder_fails_its_image_and_later_ones_still_load() {
        let ctx = egui::Context::default();
        // One loader thread, as previews and the full view have: the panic must not end it.
        let mut cache = TextureCache::new("test", 1 << 20, 1, &ctx, fragile);
        assert_eq!(load(&mut cache, &ctx, &["bad1"]), [false]);
        assert_eq!(
            load(&mut cache, &ctx, &["good1", "bad2", "good2"]),
            [true, false, true]
        );
        // A failed image is not retried.
        assert!(matches!(
            cache.get("bad1", || PathBuf::from("bad1")),
            Lookup::Missing
        ));
    }
}
