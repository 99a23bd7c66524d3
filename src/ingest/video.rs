//! Video containers as evidence: what MP4/MOV/3GP, Matroska/WebM and AVI files say about
//! themselves (duration, displayed size, creation time, location, device).
//!
//! Nothing here decodes video: the containers are walked by their box, element and chunk
//! headers with seeks, and only small metadata boxes are read into memory (at most
//! `META_CAP` bytes each; media data never). Every loop is bounded by the bytes it walks and by
//! `MAX_NODES` headers per file; nesting by `MAX_DEPTH`. A value the file does not state is
//! `None`, never a default; what could not be read becomes a warning.
//!
//! The poster frame is the one thing left to `ffmpeg` (when it is installed), run as a child
//! process with a time limit and a cap on its output.

use chrono::{FixedOffset, NaiveDate, NaiveDateTime, Offset, TimeDelta};
use image::RgbImage;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;

/// What a video container says about itself.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct VideoFacts {
    /// "mp4", "mov", "m4v", "3gp", "mkv", "webm" or "avi". For Matroska the DocType read from
    /// the file decides between "mkv" and "webm"; otherwise the container `probe` was given.
    pub container: &'static str,
    pub duration_s: Option<f64>,
    /// The size as displayed: the video track's rotation applied (90/270 swap the two), and
    /// for Matroska the DisplayWidth/DisplayHeight where the file gives them in pixels.
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// 0, 90, 180 or 270 degrees clockwise, from the video track's matrix (MP4/MOV only).
    pub rotation: u16,
    pub creation_local: Option<NaiveDateTime>,
    /// Some(+00:00) for the containers' UTC times; the stated offset for Apple's creation date;
    /// None where the file gives a local time with no offset (AVI's IDIT).
    pub creation_offset: Option<FixedOffset>,
    /// Latitude, longitude in decimal degrees (WGS 84 as the phones write it).
    pub gps: Option<(f64, f64)>,
    /// Metres above sea level, where the location states it.
    pub gps_alt: Option<f64>,
    pub make: Option<String>,
    pub model: Option<String>,
    /// The file ends early: an MP4 with media data but no `moov` (a recording cut off), or a
    /// box, element or chunk claiming to run past the end of the file.
    pub incomplete: bool,
    /// What could not be read, one short sentence each.
    pub warnings: Vec<String>,
}

/// The most a metadata box may take in memory (keys, one ilst value, ...).
const META_CAP: u64 = 1 << 20;
/// The most read of a small fixed box (mvhd, tkhd, a text atom, ...).
const LEAF_CAP: u64 = 4096;
/// How deep boxes or elements are followed.
const MAX_DEPTH: u32 = 12;
/// How many box, element or chunk headers are read per file at most.
const MAX_NODES: u32 = 100_000;
/// Tracks, keys and metadata items kept per file at most.
const MAX_TRACKS: usize = 64;
const MAX_KEYS: usize = 1024;
const MAX_ITEMS: usize = 1024;
const MAX_WARNINGS: usize = 40;

// ---------------------------------------------------------------------------------------------
// Sniffing

/// Major or compatible brands of HEIF/AVIF still images and Canon CR3: photos, never videos.
const PHOTO_BRANDS: &[&[u8; 4]] = &[
    b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs", b"mif1", b"mif2",
    b"msf1", b"avif", b"avis", b"avci", b"crx ", b"MiHA", b"MiHB", b"MiHE", b"jpeg",
];
/// Audio-only MP4 brands.
const AUDIO_BRANDS: &[&[u8; 4]] = &[b"M4A ", b"M4B ", b"M4P ", b"F4A ", b"F4B "];
/// Generic ISO media brands: the extension says which container name the file goes by.
const GENERIC_BRANDS: &[&[u8; 4]] = &[
    b"isom", b"iso2", b"iso3", b"iso4", b"iso5", b"iso6", b"iso7", b"iso8", b"iso9", b"mp41",
    b"mp42", b"mp71", b"avc1", b"dash", b"msdh", b"msix", b"mmp4", b"MSNV", b"NDAS", b"NDSC",
    b"NDSH", b"NDSM", b"NDSP", b"NDSS", b"NDXC", b"NDXH", b"NDXM", b"NDXP", b"NDXS", b"XAVC",
    b"f4v ", b"f4p ", b"CAEP", b"cmfc", b"cmfv", b"piff", b"isml", b"KDDI", b"mqt ", b"ROSS",
];

enum Brand {
    Photo,
    Audio,
    Video(&'static str),
    Unknown,
}

fn brand_kind(brand: &[u8], ext: &str) -> Brand {
    let is = |list: &[&[u8; 4]]| list.iter().any(|b| b.as_slice() == brand);
    if is(PHOTO_BRANDS) {
        Brand::Photo
    } else if is(AUDIO_BRANDS) {
        Brand::Audio
    } else if brand == b"qt  " {
        Brand::Video("mov")
    } else if brand.starts_with(b"M4V") {
        Brand::Video("m4v")
    } else if brand.starts_with(b"3g") {
        Brand::Video("3gp")
    } else if is(GENERIC_BRANDS) {
        Brand::Video(by_extension(ext))
    } else {
        Brand::Unknown
    }
}

/// The container name for a generic ISO media brand.
fn by_extension(ext: &str) -> &'static str {
    match ext {
        "m4v" => "m4v",
        "3gp" | "3g2" | "3gpp" | "3gp2" => "3gp",
        "mov" | "qt" => "mov",
        _ => "mp4",
    }
}

/// The container name if `head` (the first 64 bytes; 12 suffice for MP4 and AVI, Matroska's
/// DocType sits within the first 40 or so) and the extension say this is a video.
/// HEIF/AVIF/CR3 brands are photos and M4A/M4B audio: None for them.
pub fn sniff(head: &[u8], ext: &str) -> Option<&'static str> {
    let ext = ext.to_ascii_lowercase();
    let ext = ext.as_str();
    if head.get(4..8) == Some(b"ftyp") {
        let major = head.get(8..12)?;
        match brand_kind(major, ext) {
            Brand::Photo | Brand::Audio => return None,
            Brand::Video(c) => return Some(c),
            Brand::Unknown => {}
        }
        // An unknown major brand (a camera maker's own): the compatible brands decide.
        let ftyp_len = be32(head, 0).map_or(0, |n| n as usize).min(head.len());
        let mut video = None;
        for b in head.get(16..ftyp_len).unwrap_or_default().chunks_exact(4) {
            match brand_kind(b, ext) {
                Brand::Photo | Brand::Audio => return None,
                Brand::Video(c) => video = video.or(Some(c)),
                Brand::Unknown => {}
            }
        }
        return video.or(match ext {
            "mp4" | "mov" | "qt" | "m4v" | "3gp" | "3g2" => Some(by_extension(ext)),
            _ => None,
        });
    }
    // Old QuickTime files start straight with a movie, media or padding atom.
    if matches!(ext, "mov" | "qt")
        && matches!(
            head.get(4..8),
            Some(b"moov" | b"mdat" | b"wide" | b"free" | b"skip" | b"pnot")
        )
        && be32(head, 0).is_some_and(|n| n == 0 || n == 1 || n >= 8)
    {
        return Some("mov");
    }
    if head.starts_with(&[0x1A, 0x45, 0xDF, 0xA3]) {
        return match head_doctype(head).as_deref() {
            Some(b"webm") => Some("webm"),
            // Audio-only or subtitle Matroska by its extension.
            Some(b"matroska") if matches!(ext, "mka" | "mks") => None,
            Some(b"matroska") => Some("mkv"),
            Some(_) => None,
            // The EBML header is longer than the head: the extension decides, probe checks.
            None => match ext {
                "webm" => Some("webm"),
                "mka" | "mks" => None,
                _ => Some("mkv"),
            },
        };
    }
    if head.starts_with(b"RIFF") && head.get(8..12) == Some(b"AVI ") {
        return Some("avi");
    }
    None
}

/// The DocType from the EBML header, if it lies within `head`.
fn head_doctype(head: &[u8]) -> Option<Vec<u8>> {
    let (size, n, _) = vint_size(head.get(4..)?)?;
    let end = (4 + n as u64).saturating_add(size).min(head.len() as u64) as usize;
    let mut pos = 4 + n;
    for _ in 0..32 {
        let (id, idn) = vint_id(head.get(pos..end)?)?;
        let (size, sn, unknown) = vint_size(head.get(pos + idn..end)?)?;
        if unknown {
            return None;
        }
        let data = pos + idn + sn;
        let next = (data as u64).checked_add(size)? as usize;
        if id == 0x4282 {
            let v = head.get(data..next)?;
            return Some(trim_nul(v).to_vec());
        }
        pos = next;
    }
    None
}

// ---------------------------------------------------------------------------------------------
// Probing

/// Reads the facts; Err only when this is not a readable video at all (one short reason).
/// `len` is the file's length; `container` what `sniff` said.
pub fn probe<R: Read + Seek>(
    r: &mut R,
    len: u64,
    container: &'static str,
) -> Result<VideoFacts, String> {
    let src = Src { r, len };
    let mut f = VideoFacts {
        container,
        ..VideoFacts::default()
    };
    match container {
        "mp4" | "mov" | "m4v" | "3gp" => Bmff::new(src, f).run(),
        "mkv" | "webm" => Ebml::new(src, f).run(),
        "avi" => Avi::new(src, f).run(),
        other => {
            f.container = "";
            Err(format!("not a video container this reads ({other:?})"))
        }
    }
}

/// The file being read, with its length.
struct Src<'a, R> {
    r: &'a mut R,
    len: u64,
}

impl<R: Read + Seek> Src<'_, R> {
    /// Up to `n` bytes at `off` (never more than `cap`, never past `len`); fewer where the
    /// stream is shorter than it claimed.
    fn read(&mut self, off: u64, n: u64, cap: u64) -> io::Result<Vec<u8>> {
        let n = n.min(cap).min(self.len.saturating_sub(off));
        if n == 0 {
            return Ok(Vec::new());
        }
        self.r.seek(SeekFrom::Start(off))?;
        let mut v = Vec::with_capacity(n as usize);
        Read::by_ref(&mut self.r).take(n).read_to_end(&mut v)?;
        Ok(v)
    }
}

fn warn(f: &mut VideoFacts, msg: impl Into<String>) {
    let msg = msg.into();
    if f.warnings.len() < MAX_WARNINGS && !f.warnings.contains(&msg) {
        f.warnings.push(msg);
    }
}

/// A string from the file as a warning quotes it: short and escaped.
fn quoted(s: &str) -> String {
    let short: String = s.chars().take(60).collect();
    format!("\"{}\"", short.escape_debug())
}

fn fourcc(t: [u8; 4]) -> String {
    t.iter()
        .map(|&c| {
            if c == 0xA9 {
                '©'
            } else if c.is_ascii_graphic() || c == b' ' {
                c as char
            } else {
                '?'
            }
        })
        .collect()
}

fn be16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(
        b.get(at..at.checked_add(2)?)?.try_into().ok()?,
    ))
}
fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(
        b.get(at..at.checked_add(4)?)?.try_into().ok()?,
    ))
}
fn be64(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_be_bytes(
        b.get(at..at.checked_add(8)?)?.try_into().ok()?,
    ))
}
fn le32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(
        b.get(at..at.checked_add(4)?)?.try_into().ok()?,
    ))
}

fn trim_nul(b: &[u8]) -> &[u8] {
    let end = b.iter().rposition(|&c| c != 0).map_or(0, |i| i + 1);
    &b[..end]
}

/// Text as the file holds it, trimmed of NULs and spaces; None when empty.
fn clean_text(s: &str) -> Option<String> {
    let t = s.trim_matches(|c: char| c == '\0' || c.is_whitespace());
    (!t.is_empty()).then(|| t.to_string())
}

/// Seconds from a count of `ticks` at `per_second`; None for an unknown or impossible value.
fn seconds(ticks: u64, per_second: u64) -> Option<f64> {
    if per_second == 0 {
        return None;
    }
    let s = ticks as f64 / per_second as f64;
    (s.is_finite() && s >= 0.0).then_some(s)
}

fn utc() -> FixedOffset {
    chrono::Utc.fix()
}

// ---------------------------------------------------------------------------------------------
// ISO base media (MP4, MOV, M4V, 3GP)

/// One box header: where its body starts, where it ends (clamped to its parent) and where it
/// claims to end.
struct BoxHdr {
    typ: [u8; 4],
    body: u64,
    end: u64,
    claimed_end: u64,
}

enum Hdr {
    Box(BoxHdr),
    /// The parent is done.
    End,
    /// Fewer bytes left than a header takes; `cut` when the stream itself ended early.
    Short {
        left: u64,
        cut: bool,
    },
    /// A header that cannot be.
    Bad(&'static str),
}

fn box_header<R: Read + Seek>(src: &mut Src<R>, pos: u64, end: u64) -> io::Result<Hdr> {
    if pos >= end {
        return Ok(Hdr::End);
    }
    let left = end - pos;
    if left < 8 {
        return Ok(Hdr::Short { left, cut: false });
    }
    let h = src.read(pos, left.min(16), 16)?;
    let short = Hdr::Short {
        left,
        cut: (h.len() as u64) < left.min(16),
    };
    let (Some(size32), Some(typ)) = (be32(&h, 0), h.get(4..8)) else {
        return Ok(short);
    };
    let typ: [u8; 4] = typ.try_into().unwrap_or_default();
    let (size, hlen) = match size32 {
        0 => (end - pos, 8),
        1 => match be64(&h, 8) {
            Some(n) => (n, 16),
            None => return Ok(short),
        },
        n => (n as u64, 8),
    };
    if size < hlen {
        return Ok(Hdr::Bad("a box is smaller than its own header"));
    }
    let claimed_end = pos.saturating_add(size);
    Ok(Hdr::Box(BoxHdr {
        typ,
        body: pos + hlen,
        end: claimed_end.min(end),
        claimed_end,
    }))
}

mod avi;
mod bmff;
mod matroska;
mod poster;

use avi::*;
use bmff::*;
use matroska::*;
pub use poster::poster_frame;
#[cfg(test)]
use poster::{decode_ppm, fit};

#[cfg(test)]
mod tests;
