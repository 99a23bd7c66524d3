//! PMTiles v3 archives (protomaps' single-file tile format), raster tiles only.
//!
//! The layout, as the v3 specification gives it: a 127-byte little-endian header (magic
//! `PMTiles`, version 3, then offsets and lengths of the root directory, the JSON metadata,
//! the leaf directories and the tile data); directories are varint-encoded, columnar lists of
//! entries (tile id deltas, run lengths, lengths, then offsets where 0 means "right after the
//! previous entry" and any other value is offset + 1), compressed as the header's internal
//! compression says. A tile id counts tiles along the Hilbert curve of each zoom level, all
//! shallower levels first. An entry with run length 0 points to a leaf directory (offset
//! relative to the leaf section); any other points to tile data (relative to the data section)
//! covering `run_length` consecutive ids.
//!
//! Every length and offset read from the file is checked against the file before use:
//! a damaged archive gives an error naming what is wrong, never a panic.

use super::{Kind, MAX_ZOOM, TileInfo};
use crate::error::{Error, Result};
use std::collections::HashMap;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

pub const MAGIC: &[u8] = b"PMTiles";
pub const HEADER_LEN: usize = 127;

/// Directories deeper than this (root, leaf, leaf of leaf…) are refused as a loop.
const MAX_DEPTH: usize = 4;
/// A directory or metadata block larger than this, compressed or not, is refused.
const MAX_BLOCK: u64 = 64 << 20;
/// Leaf directories kept decoded.
const LEAF_CACHE: usize = 64;

/// Compression of directories, metadata or tiles (the header's enums).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    Unknown,
    None,
    Gzip,
    Brotli,
    Zstd,
}

impl Compression {
    fn from_byte(b: u8) -> Result<Compression> {
        Ok(match b {
            0 => Compression::Unknown,
            1 => Compression::None,
            2 => Compression::Gzip,
            3 => Compression::Brotli,
            4 => Compression::Zstd,
            _ => return Err(Error::invalid(format!("unknown compression {b}"))),
        })
    }

    pub fn to_byte(self) -> u8 {
        match self {
            Compression::Unknown => 0,
            Compression::None => 1,
            Compression::Gzip => 2,
            Compression::Brotli => 3,
            Compression::Zstd => 4,
        }
    }
}

/// The fixed header.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Header {
    pub root_offset: u64,
    pub root_length: u64,
    pub metadata_offset: u64,
    pub metadata_length: u64,
    pub leaf_offset: u64,
    pub leaf_length: u64,
    pub data_offset: u64,
    pub data_length: u64,
    pub internal_compression: u8,
    pub tile_compression: u8,
    pub tile_type: u8,
    pub min_zoom: u8,
    pub max_zoom: u8,
    /// West, south, east, north, in degrees × 10⁷.
    pub bounds_e7: [i32; 4],
}

impl Header {
    /// Reads the 127 bytes of a header.
    pub fn parse(b: &[u8]) -> Result<Header> {
        if b.len() < 8 || &b[..7] != MAGIC {
            return Err(Error::invalid(
                "not a PMTiles archive (no \"PMTiles\" magic)",
            ));
        }
        if b[7] != 3 {
            return Err(Error::invalid(format!(
                "PMTiles version {} is not supported (only version 3)",
                b[7]
            )));
        }
        if b.len() < HEADER_LEN {
            return Err(Error::invalid("the PMTiles header is cut short"));
        }
        let u64_at = |i: usize| u64::from_le_bytes(b[i..i + 8].try_into().expect("8 bytes"));
        let i32_at = |i: usize| i32::from_le_bytes(b[i..i + 4].try_into().expect("4 bytes"));
        Ok(Header {
            root_offset: u64_at(8),
            root_length: u64_at(16),
            metadata_offset: u64_at(24),
            metadata_length: u64_at(32),
            leaf_offset: u64_at(40),
            leaf_length: u64_at(48),
            data_offset: u64_at(56),
            data_length: u64_at(64),
            internal_compression: b[97],
            tile_compression: b[98],
            tile_type: b[99],
            min_zoom: b[100],
            max_zoom: b[101],
            bounds_e7: [i32_at(102), i32_at(106), i32_at(110), i32_at(114)],
        })
    }

    /// The 127 bytes of this header (counts of tiles left 0, "unknown"; not clustered; the
    /// centre at zoom 0 of 0,0).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut b = Vec::with_capacity(HEADER_LEN);
        b.extend_from_slice(MAGIC);
        b.push(3);
        for v in [
            self.root_offset,
            self.root_length,
            self.metadata_offset,
            self.metadata_length,
            self.leaf_offset,
            self.leaf_length,
            self.data_offset,
            self.data_length,
            0,
            0,
            0,
        ] {
            b.extend_from_slice(&v.to_le_bytes());
        }
        b.push(0);
        b.push(self.internal_compression);
        b.push(self.tile_compression);
        b.push(self.tile_type);
        b.push(self.min_zoom);
        b.push(self.max_zoom);
        for v in self.bounds_e7 {
            b.extend_from_slice(&v.to_le_bytes());
        }
        b.push(0);
        b.extend_from_slice(&0i32.to_le_bytes());
        b.extend_from_slice(&0i32.to_le_bytes());
        debug_assert_eq!(b.len(), HEADER_LEN);
        b
    }
}

/// One directory entry, decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    pub tile_id: u64,
    pub offset: u64,
    pub length: u32,
    pub run_length: u32,
}

/// The tile id of `z/x/y`: the tiles of every shallower level, then the position along
/// level `z`'s Hilbert curve. `z` is at most `MAX_ZOOM`; `x` and `y` are taken modulo `2^z`.
pub fn tile_id(z: u8, x: u32, y: u32) -> u64 {
    let z = z.min(MAX_ZOOM);
    let base = ((1u64 << (2 * u32::from(z))) - 1) / 3;
    let n = 1u64 << z;
    let (mut x, mut y) = (u64::from(x) & (n - 1), u64::from(y) & (n - 1));
    let mut d = 0u64;
    let mut s = n >> 1;
    while s > 0 {
        let rx = u64::from(x & s > 0);
        let ry = u64::from(y & s > 0);
        d += s * s * ((3 * rx) ^ ry);
        // Rotate the quadrant so the curve's next level runs the right way.
        if ry == 0 {
            if rx == 1 {
                x = n - 1 - x;
                y = n - 1 - y;
            }
            std::mem::swap(&mut x, &mut y);
        }
        s >>= 1;
    }
    base + d
}

fn read_varint(b: &[u8], pos: &mut usize) -> Result<u64> {
    let mut value = 0u64;
    for shift in (0..64).step_by(7) {
        let Some(&byte) = b.get(*pos) else {
            return Err(Error::invalid("a PMTiles directory ends in mid-number"));
        };
        *pos += 1;
        value |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Ok(value);
        }
    }
    Err(Error::invalid(
        "a PMTiles directory holds an overlong number",
    ))
}

pub fn write_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8 & 0x7f) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Decodes a directory (already decompressed).
pub fn parse_directory(b: &[u8]) -> Result<Vec<Entry>> {
    let mut pos = 0;
    let n = read_varint(b, &mut pos)?;
    // Every entry takes at least one byte in each of its four columns.
    if n == 0 || n > (b.len() as u64) / 4 {
        return Err(Error::invalid(format!(
            "a PMTiles directory claims {n} entries in {} bytes",
            b.len()
        )));
    }
    let n = n as usize;
    let mut entries = vec![
        Entry {
            tile_id: 0,
            offset: 0,
            length: 0,
            run_length: 0,
        };
        n
    ];
    let mut last = 0u64;
    for e in entries.iter_mut() {
        last = last
            .checked_add(read_varint(b, &mut pos)?)
            .ok_or_else(|| Error::invalid("a PMTiles tile id overflows"))?;
        e.tile_id = last;
    }
    let small = |v: u64, what: &str| {
        u32::try_from(v).map_err(|_| Error::invalid(format!("a PMTiles {what} is too large")))
    };
    for e in entries.iter_mut() {
        e.run_length = small(read_varint(b, &mut pos)?, "run length")?;
    }
    for e in entries.iter_mut() {
        e.length = small(read_varint(b, &mut pos)?, "length")?;
        if e.length == 0 {
            return Err(Error::invalid("a PMTiles entry has length 0"));
        }
    }
    for i in 0..n {
        let v = read_varint(b, &mut pos)?;
        entries[i].offset = if v == 0 && i > 0 {
            let prev = entries[i - 1];
            prev.offset
                .checked_add(u64::from(prev.length))
                .ok_or_else(|| Error::invalid("a PMTiles offset overflows"))?
        } else if v == 0 {
            return Err(Error::invalid("the first PMTiles entry has no offset"));
        } else {
            v - 1
        };
    }
    Ok(entries)
}

/// Encodes a directory (before compression): the inverse of `parse_directory`.
pub fn write_directory(entries: &[Entry]) -> Vec<u8> {
    let mut out = Vec::new();
    write_varint(&mut out, entries.len() as u64);
    let mut last = 0;
    for e in entries {
        write_varint(&mut out, e.tile_id - last);
        last = e.tile_id;
    }
    for e in entries {
        write_varint(&mut out, u64::from(e.run_length));
    }
    for e in entries {
        write_varint(&mut out, u64::from(e.length));
    }
    for (i, e) in entries.iter().enumerate() {
        let follows = i > 0 && {
            let p = entries[i - 1];
            e.offset == p.offset + u64::from(p.length)
        };
        write_varint(&mut out, if follows { 0 } else { e.offset + 1 });
    }
    out
}

/// The entry that covers `id`: the last one at or before it, if its run reaches `id` or it
/// points to a leaf directory.
fn find(entries: &[Entry], id: u64) -> Option<Entry> {
    let i = entries
        .partition_point(|e| e.tile_id <= id)
        .checked_sub(1)?;
    let e = entries[i];
    (e.run_length == 0 || id - e.tile_id < u64::from(e.run_length)).then_some(e)
}

/// Decompresses `data` as `c` says, refusing output beyond `limit` bytes.
fn decompress(data: Vec<u8>, c: Compression, limit: u64) -> Result<Vec<u8>> {
    match c {
        Compression::None | Compression::Unknown => Ok(data),
        Compression::Gzip => {
            let mut out = Vec::new();
            flate2::read::MultiGzDecoder::new(&data[..])
                .take(limit + 1)
                .read_to_end(&mut out)
                .map_err(|e| {
                    Error::invalid(format!("damaged gzip data in a PMTiles archive: {e}"))
                })?;
            if out.len() as u64 > limit {
                return Err(Error::invalid("a PMTiles block decompresses to too much"));
            }
            Ok(out)
        }
        Compression::Brotli | Compression::Zstd => Err(Error::invalid(format!(
            "{c:?} compression in PMTiles archives is not supported (only none and gzip)"
        ))),
    }
}

/// A decoded directory, shared between lookups.
type Directory = std::sync::Arc<Vec<Entry>>;

pub struct PmTiles {
    path: PathBuf,
    file: Mutex<std::fs::File>,
    len: u64,
    header: Header,
    root: Directory,
    /// Leaf directories read so far, by offset and length.
    leaves: Mutex<HashMap<(u64, u64), Directory>>,
}

impl PmTiles {
    pub(super) fn open(path: &Path) -> Result<(PmTiles, TileInfo)> {
        let io = |e: std::io::Error| Error::file(crate::error::io_reason(&e), path);
        let bad = |e: Error| Error::file(e.to_string(), path);
        let file = std::fs::File::open(path).map_err(io)?;
        let len = file.metadata().map_err(io)?.len();
        let mut p = PmTiles {
            path: path.to_path_buf(),
            file: Mutex::new(file),
            len,
            header: Header::default(),
            root: std::sync::Arc::new(Vec::new()),
            leaves: Mutex::new(HashMap::new()),
        };
        let head = p.read_at(0, len.min(HEADER_LEN as u64))?;
        p.header = Header::parse(&head).map_err(bad)?;
        let h = p.header.clone();
        let internal = Compression::from_byte(h.internal_compression).map_err(bad)?;
        let tiles = Compression::from_byte(h.tile_compression).map_err(bad)?;
        if !matches!(
            tiles,
            Compression::None | Compression::Unknown | Compression::Gzip
        ) {
            return Err(bad(Error::invalid(format!(
                "its tiles are {tiles:?}-compressed, which is not supported"
            ))));
        }
        match h.tile_type {
            2..=4 => {}
            1 => {
                return Err(bad(Error::invalid(
                    "this archive holds vector tiles; only raster tiles (PNG, JPEG, WebP) can be shown",
                )));
            }
            0 => {} // unknown: the decoder will tell
            t => {
                return Err(bad(Error::invalid(format!(
                    "its tiles are of type {t}, which cannot be shown (PNG, JPEG or WebP can)"
                ))));
            }
        }
        for (what, off, n) in [
            ("root directory", h.root_offset, h.root_length),
            ("metadata", h.metadata_offset, h.metadata_length),
            ("leaf directories", h.leaf_offset, h.leaf_length),
            ("tile data", h.data_offset, h.data_length),
        ] {
            if off.checked_add(n).is_none_or(|end| end > len) {
                return Err(bad(Error::invalid(format!(
                    "its {what} lies beyond the end of the file (the file is cut short?)"
                ))));
            }
        }
        if h.root_length == 0 || h.root_length > MAX_BLOCK {
            return Err(bad(Error::invalid(
                "its root directory is empty or too large",
            )));
        }
        let raw = p.read_at(h.root_offset, h.root_length)?;
        p.root = std::sync::Arc::new(
            parse_directory(&decompress(raw, internal, MAX_BLOCK).map_err(bad)?).map_err(bad)?,
        );
        let (mut name, mut attribution) = (None, None);
        if h.metadata_length > 0 && h.metadata_length <= MAX_BLOCK {
            let raw = p.read_at(h.metadata_offset, h.metadata_length)?;
            // Metadata is a courtesy: a damaged block costs the name, not the map.
            if let Ok(json) = decompress(raw, internal, MAX_BLOCK)
                && let Ok(serde_json::Value::Object(m)) =
                    serde_json::from_slice::<serde_json::Value>(&json)
            {
                let text = |k: &str| {
                    m.get(k)
                        .and_then(|v| v.as_str())
                        .map(|s| s.trim().to_string())
                        .filter(|s| !s.is_empty())
                };
                name = text("name");
                attribution = text("attribution");
            }
        }
        let (min_zoom, max_zoom) = if h.min_zoom <= h.max_zoom && h.max_zoom <= MAX_ZOOM {
            (h.min_zoom, h.max_zoom)
        } else {
            return Err(bad(Error::invalid(format!(
                "its zoom range {}–{} is not valid",
                h.min_zoom, h.max_zoom
            ))));
        };
        let b = h.bounds_e7.map(|v| f64::from(v) / 1e7);
        let info = TileInfo {
            kind: Kind::PmTiles,
            name: name.unwrap_or_else(|| super::file_name(path)),
            attribution,
            min_zoom,
            max_zoom,
            bounds: (super::valid_bounds(b) && b != [0.0; 4]).then_some(b),
        };
        Ok((p, info))
    }

    fn read_at(&self, offset: u64, n: u64) -> Result<Vec<u8>> {
        if offset.checked_add(n).is_none_or(|end| end > self.len) || n > MAX_BLOCK {
            return Err(Error::file(
                "a PMTiles offset points beyond the end of the file",
                &self.path,
            ));
        }
        let mut buf = vec![0u8; n as usize];
        let mut f = self.file.lock().unwrap_or_else(|p| p.into_inner());
        f.seek(SeekFrom::Start(offset))
            .and_then(|_| f.read_exact(&mut buf))
            .map_err(|e| Error::file(crate::error::io_reason(&e), &self.path))?;
        Ok(buf)
    }

    fn leaf(&self, offset: u64, length: u64) -> Result<Directory> {
        let key = (offset, length);
        if let Some(d) = self
            .leaves
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&key)
        {
            return Ok(d.clone());
        }
        let h = &self.header;
        if offset
            .checked_add(length)
            .is_none_or(|end| end > h.leaf_length)
        {
            return Err(Error::file(
                "a PMTiles leaf directory lies outside the leaf section",
                &self.path,
            ));
        }
        let raw = self.read_at(h.leaf_offset + offset, length)?;
        let internal = Compression::from_byte(h.internal_compression)?;
        let dir = decompress(raw, internal, MAX_BLOCK)
            .and_then(|d| parse_directory(&d))
            .map_err(|e| Error::file(e.to_string(), &self.path))?;
        let dir = std::sync::Arc::new(dir);
        let mut cache = self.leaves.lock().unwrap_or_else(|p| p.into_inner());
        if cache.len() >= LEAF_CACHE {
            cache.clear();
        }
        cache.insert(key, dir.clone());
        Ok(dir)
    }

    pub(super) fn get(&self, z: u8, x: u32, y: u32) -> Result<Option<Vec<u8>>> {
        if z > MAX_ZOOM {
            return Ok(None);
        }
        let id = tile_id(z, x, y);
        let mut dir = self.root.clone();
        for _ in 0..MAX_DEPTH {
            let Some(e) = find(&dir, id) else {
                return Ok(None);
            };
            if e.run_length == 0 {
                dir = self.leaf(e.offset, u64::from(e.length))?;
                continue;
            }
            let h = &self.header;
            if e.offset
                .checked_add(u64::from(e.length))
                .is_none_or(|end| end > h.data_length)
            {
                return Err(Error::file(
                    "a PMTiles tile lies outside the tile data section",
                    &self.path,
                ));
            }
            if u64::from(e.length) > super::folder::MAX_TILE_BYTES {
                return Err(Error::file("a PMTiles tile is too large", &self.path));
            }
            let raw = self.read_at(h.data_offset + e.offset, u64::from(e.length))?;
            let tiles = Compression::from_byte(h.tile_compression)?;
            return decompress(raw, tiles, super::folder::MAX_TILE_BYTES)
                .map(Some)
                .map_err(|e| Error::file(e.to_string(), &self.path));
        }
        Err(Error::file(
            "the PMTiles directories nest too deep (a loop?)",
            &self.path,
        ))
    }
}
