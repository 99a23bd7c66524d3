//! Offline raster map tiles the user brings (on a USB stick, say): a PMTiles v3 archive, an
//! MBTiles file, or a folder of `{z}/{x}/{y}.png|jpg|jpeg|webp` tiles. Tiles are addressed as
//! the web does (XYZ: `y` grows southwards from 0 at the top); each reader returns the encoded
//! bytes of a tile and leaves decoding to the caller.
//!
//! Nothing here reaches the network: every source is a local file or folder. This module is
//! not responsible for drawing (the app's map does that, on a loader thread) nor for storing
//! which source is chosen (a library setting, `catalog::settings`). MBTiles files are SQLite
//! databases, read by `catalog::mbtiles`, since SQL lives in the catalogue module.

mod folder;
pub mod pmtiles;

use crate::catalog::mbtiles::MbTiles;
use crate::error::{Error, Result};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// The deepest zoom level a source may claim (z/x/y still fit in `u32` and tile ids in `u64`).
pub const MAX_ZOOM: u8 = 24;

/// What kind of source a path holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Folder,
    MbTiles,
    PmTiles,
}

/// What a source says about itself: shown in Settings and as the map's attribution.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TileInfo {
    pub kind: Kind,
    /// The tileset's name (its metadata's `name`, else the file or folder name).
    pub name: String,
    /// Credit for the map data, as the tileset states it (shown small on the map).
    pub attribution: Option<String>,
    pub min_zoom: u8,
    pub max_zoom: u8,
    /// West, south, east, north in degrees, when the source states them.
    pub bounds: Option<[f64; 4]>,
}

enum Reader {
    Folder(folder::Folder),
    MbTiles(MbTiles),
    PmTiles(pmtiles::PmTiles),
}

/// An open tile source. Reads go to the disk: use it off the UI thread.
pub struct TileSource {
    info: TileInfo,
    reader: Reader,
}

impl TileSource {
    /// Opens `path`, telling the kind from what it is: a folder; a file starting with the
    /// PMTiles magic; a file starting with SQLite's header (MBTiles). The extension only
    /// decides which error to give when the content is neither.
    pub fn open(path: &Path) -> Result<TileSource> {
        let meta =
            std::fs::metadata(path).map_err(|e| Error::file(crate::error::io_reason(&e), path))?;
        if meta.is_dir() {
            let (reader, info) = folder::Folder::open(path)?;
            return Ok(TileSource {
                info,
                reader: Reader::Folder(reader),
            });
        }
        let mut head = [0u8; 16];
        let n = read_prefix(path, &mut head)?;
        let head = &head[..n];
        if head.starts_with(pmtiles::MAGIC) {
            let (reader, info) = pmtiles::PmTiles::open(path)?;
            return Ok(TileSource {
                info,
                reader: Reader::PmTiles(reader),
            });
        }
        if head.starts_with(b"SQLite format 3\0") {
            let reader = MbTiles::open(path)?;
            let info = mbtiles_info(&reader, path)?;
            return Ok(TileSource {
                info,
                reader: Reader::MbTiles(reader),
            });
        }
        let ext = extension(path);
        Err(Error::file(
            match ext.as_str() {
                "pmtiles" => "not a PMTiles v3 archive (it does not start with \"PMTiles\")",
                "mbtiles" => "not an MBTiles file (it is not an SQLite database)",
                _ => {
                    "not a tile source: choose a .pmtiles or .mbtiles file or a folder of \
                     z/x/y tiles"
                }
            },
            path,
        ))
    }

    pub fn info(&self) -> &TileInfo {
        &self.info
    }

    /// The zoom levels the source holds, shallowest and deepest.
    pub fn zoom_range(&self) -> (u8, u8) {
        (self.info.min_zoom, self.info.max_zoom)
    }

    /// The encoded bytes (PNG, JPEG or WebP) of tile `z/x/y` in XYZ order, `None` when the
    /// source has no such tile. Coordinates outside the zoom level are simply absent.
    pub fn get(&self, z: u8, x: u32, y: u32) -> Result<Option<Vec<u8>>> {
        if z > MAX_ZOOM || u64::from(x) >= 1u64 << z || u64::from(y) >= 1u64 << z {
            return Ok(None);
        }
        match &self.reader {
            Reader::Folder(f) => f.get(z, x, y),
            // MBTiles rows are TMS: counted from the bottom.
            Reader::MbTiles(m) => m.tile(z, x, (1u32 << z) - 1 - y),
            Reader::PmTiles(p) => p.get(z, x, y),
        }
    }
}

fn read_prefix(path: &Path, buf: &mut [u8]) -> Result<usize> {
    use std::io::Read;
    let mut f =
        std::fs::File::open(path).map_err(|e| Error::file(crate::error::io_reason(&e), path))?;
    let mut n = 0;
    while n < buf.len() {
        match f.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(Error::file(crate::error::io_reason(&e), path)),
        }
    }
    Ok(n)
}

fn extension(path: &Path) -> String {
    path.extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default()
}

/// The name a source goes by when its metadata gives none: its file or folder name.
fn file_name(path: &Path) -> String {
    path.file_stem()
        .or(path.file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// Parses `W,S,E,N` (the MBTiles `bounds` field), keeping only sensible values.
fn parse_bounds(text: &str) -> Option<[f64; 4]> {
    let v: Vec<f64> = text
        .split(',')
        .map(|p| p.trim().parse::<f64>())
        .collect::<std::result::Result<_, _>>()
        .ok()?;
    let b: [f64; 4] = v.try_into().ok()?;
    valid_bounds(b).then_some(b)
}

fn valid_bounds(b: [f64; 4]) -> bool {
    b.iter().all(|v| v.is_finite())
        && (-180.0..=180.0).contains(&b[0])
        && (-180.0..=180.0).contains(&b[2])
        && (-90.0..=90.0).contains(&b[1])
        && (-90.0..=90.0).contains(&b[3])
        && b[1] <= b[3]
}

fn mbtiles_info(m: &MbTiles, path: &Path) -> Result<TileInfo> {
    let meta = m.metadata()?;
    let get = |k: &str| {
        meta.iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(k))
            .map(|(_, v)| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    if let Some(format) = get("format")
        && matches!(format.to_lowercase().as_str(), "pbf" | "mvt")
    {
        return Err(Error::file(
            "this MBTiles file holds vector tiles; only raster tiles (PNG, JPEG, WebP) can be shown",
            path,
        ));
    }
    let stated = |k: &str| {
        get(k)
            .and_then(|v| v.parse::<u8>().ok())
            .filter(|z| *z <= MAX_ZOOM)
    };
    let (min_zoom, max_zoom) = match (stated("minzoom"), stated("maxzoom")) {
        (Some(a), Some(b)) if a <= b => (a, b),
        _ => match m.zoom_range()? {
            Some((a, b)) if a <= b => (a.min(MAX_ZOOM), b.min(MAX_ZOOM)),
            _ => return Err(Error::file("this MBTiles file holds no tiles", path)),
        },
    };
    Ok(TileInfo {
        kind: Kind::MbTiles,
        name: get("name").unwrap_or_else(|| file_name(path)),
        attribution: get("attribution"),
        min_zoom,
        max_zoom,
        bounds: get("bounds").and_then(|b| parse_bounds(&b)),
    })
}

/// A path as the setting stores it: absolute, so it means the same from anywhere.
pub fn absolute(path: &Path) -> PathBuf {
    std::fs::canonicalize(path)
        .or_else(|_| std::path::absolute(path))
        .unwrap_or_else(|_| path.to_path_buf())
}

#[cfg(test)]
mod tests;
