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

#[derive(Default)]
struct Track {
    handler: Option<[u8; 4]>,
    /// tkhd width and height, 16.16 fixed point read as f64.
    size: Option<(f64, f64)>,
    /// The rotation, or why the matrix is not a plain rotation.
    rotation: Option<Result<u16, String>>,
    /// The visual sample entry's coded size (a fallback for a zero tkhd size).
    coded: Option<(u32, u32)>,
    /// mdhd duration in seconds.
    media_duration: Option<f64>,
}

struct Mvhd {
    creation: u64,
    timescale: u32,
    duration: u64,
    unknown_duration: bool,
}

/// Values found in the metadata, first one of each kind kept.
#[derive(Default)]
struct Cands {
    apple_date: Option<String>,
    apple_loc: Option<String>,
    apple_make: Option<String>,
    apple_model: Option<String>,
    udta_day: Option<String>,
    udta_xyz: Option<String>,
    udta_make: Option<String>,
    udta_model: Option<String>,
    ilst_day: Option<String>,
    ilst_xyz: Option<String>,
    ilst_make: Option<String>,
    ilst_model: Option<String>,
    loci: Option<(f64, f64, f64)>,
}

/// The `meta` box being read: its handler, its keys and its items (by type or key index).
#[derive(Default)]
struct MetaBox {
    handler: Option<[u8; 4]>,
    keys: Vec<String>,
    items: Vec<([u8; 4], Result<String, String>)>,
    item: Option<[u8; 4]>,
}

type Visit<S> = fn(&mut S, &BoxHdr, u32) -> io::Result<()>;

struct Bmff<'a, R> {
    src: Src<'a, R>,
    f: VideoFacts,
    nodes: u32,
    stopped: bool,
    major: Option<[u8; 4]>,
    moov: bool,
    mdat: bool,
    mvhd: Option<Mvhd>,
    mehd: Option<u64>,
    tracks: Vec<Track>,
    /// The `trak` being read, an index into `tracks`.
    track: Option<usize>,
    meta: Option<MetaBox>,
    cands: Cands,
}

impl<'a, R: Read + Seek> Bmff<'a, R> {
    fn new(src: Src<'a, R>, f: VideoFacts) -> Self {
        Bmff {
            src,
            f,
            nodes: 0,
            stopped: false,
            major: None,
            moov: false,
            mdat: false,
            mvhd: None,
            mehd: None,
            tracks: Vec::new(),
            track: None,
            meta: None,
            cands: Cands::default(),
        }
    }

    fn run(mut self) -> Result<VideoFacts, String> {
        let len = self.src.len;
        if len < 8 {
            return Err("not a readable video: too short for an ISO media file".into());
        }
        if let Err(e) = self.children(0, len, 0, Self::visit_top) {
            if self.nodes == 0 {
                return Err(format!("not a readable video: {e}"));
            }
            warn(&mut self.f, format!("reading stopped at an error: {e}"));
        }
        if self.nodes == 0 {
            return Err("not a readable video: no ISO media box at the start".into());
        }
        if let Some(b) = self.major {
            match brand_kind(&b, "") {
                Brand::Photo => {
                    return Err(format!(
                        "not a video: an image file (brand {})",
                        quoted(&fourcc(b))
                    ));
                }
                Brand::Audio => {
                    return Err(format!(
                        "not a video: an audio file (brand {})",
                        quoted(&fourcc(b))
                    ));
                }
                _ => {}
            }
        }
        if self.major.is_none() && !self.moov && !self.mdat {
            return Err("not a readable video: no ftyp, moov or mdat box".into());
        }
        self.finish();
        Ok(self.f)
    }

    /// Walks the boxes in `start..end`, calling `visit` for each.
    fn children(&mut self, start: u64, end: u64, depth: u32, visit: Visit<Self>) -> io::Result<()> {
        if depth > MAX_DEPTH {
            warn(
                &mut self.f,
                "boxes nest too deeply; the deepest were skipped",
            );
            return Ok(());
        }
        let top = depth == 0;
        let mut pos = start;
        while !self.stopped {
            match box_header(&mut self.src, pos, end)? {
                Hdr::End => break,
                Hdr::Short { left, cut } => {
                    // Inside a box a few bytes are padding (QuickTime ends udta with 4 zeros);
                    // at the top, unless they are zeros, a box header cut off.
                    let padding =
                        !cut && (!top || self.src.read(pos, left, 16)?.iter().all(|&c| c == 0));
                    if !padding {
                        self.f.incomplete = true;
                        warn(&mut self.f, "the file ends inside a box header");
                    }
                    break;
                }
                Hdr::Bad(why) => {
                    if !(top && self.nodes == 0) {
                        warn(
                            &mut self.f,
                            format!("{why} (at byte {pos}); the rest of it was skipped"),
                        );
                    }
                    break;
                }
                Hdr::Box(b) => {
                    self.nodes += 1;
                    if self.nodes > MAX_NODES {
                        warn(
                            &mut self.f,
                            "too many boxes; the rest of the file was not read",
                        );
                        self.stopped = true;
                        break;
                    }
                    if b.claimed_end > self.src.len {
                        self.f.incomplete = true;
                        warn(
                            &mut self.f,
                            format!(
                                "the '{}' box runs {} bytes past the end of the file",
                                fourcc(b.typ),
                                b.claimed_end - self.src.len
                            ),
                        );
                    } else if b.claimed_end > end {
                        warn(
                            &mut self.f,
                            format!(
                                "the '{}' box runs past the end of its parent",
                                fourcc(b.typ)
                            ),
                        );
                    }
                    visit(self, &b, depth)?;
                    pos = b.end;
                }
            }
        }
        Ok(())
    }

    fn leaf(&mut self, b: &BoxHdr, cap: u64) -> io::Result<Vec<u8>> {
        self.src.read(b.body, b.end - b.body, cap)
    }

    fn visit_top(&mut self, b: &BoxHdr, depth: u32) -> io::Result<()> {
        match &b.typ {
            b"ftyp" if self.major.is_none() => {
                let body = self.leaf(b, 64)?;
                self.major = body.get(0..4).and_then(|s| s.try_into().ok());
            }
            b"moov" if self.moov => warn(&mut self.f, "a second 'moov' box was ignored"),
            b"moov" => {
                self.moov = true;
                self.children(b.body, b.end, depth + 1, Self::visit_moov)?;
            }
            b"mdat" => self.mdat = true,
            b"meta" => self.meta_box(b, depth)?,
            _ => {}
        }
        Ok(())
    }

    fn visit_moov(&mut self, b: &BoxHdr, depth: u32) -> io::Result<()> {
        match &b.typ {
            b"mvhd" if self.mvhd.is_none() => {
                let body = self.leaf(b, LEAF_CAP)?;
                self.mvhd = parse_mvhd(&body);
                if self.mvhd.is_none() {
                    warn(&mut self.f, "the movie header (mvhd) is too short to read");
                }
            }
            b"trak" if self.tracks.len() < MAX_TRACKS => {
                self.tracks.push(Track::default());
                self.track = Some(self.tracks.len() - 1);
                self.children(b.body, b.end, depth + 1, Self::visit_trak)?;
                self.track = None;
            }
            b"udta" => self.children(b.body, b.end, depth + 1, Self::visit_udta)?,
            b"meta" => self.meta_box(b, depth)?,
            b"mvex" => self.children(b.body, b.end, depth + 1, Self::visit_mvex)?,
            _ => {}
        }
        Ok(())
    }

    fn visit_mvex(&mut self, b: &BoxHdr, _depth: u32) -> io::Result<()> {
        if &b.typ == b"mehd" {
            let body = self.leaf(b, 64)?;
            self.mehd = match body.first() {
                Some(1) => be64(&body, 4),
                Some(_) => be32(&body, 4).map(u64::from),
                None => None,
            };
        }
        Ok(())
    }

    fn current_track(&mut self) -> Option<&mut Track> {
        self.track.and_then(|i| self.tracks.get_mut(i))
    }

    fn visit_trak(&mut self, b: &BoxHdr, depth: u32) -> io::Result<()> {
        match &b.typ {
            b"tkhd" => {
                let body = self.leaf(b, LEAF_CAP)?;
                match parse_tkhd(&body) {
                    Some((size, rotation)) => {
                        if let Some(t) = self.current_track() {
                            t.size = Some(size);
                            t.rotation = Some(rotation);
                        }
                    }
                    None => warn(&mut self.f, "a track header (tkhd) is too short to read"),
                }
            }
            b"mdia" => self.children(b.body, b.end, depth + 1, Self::visit_mdia)?,
            _ => {}
        }
        Ok(())
    }

    fn visit_mdia(&mut self, b: &BoxHdr, depth: u32) -> io::Result<()> {
        match &b.typ {
            b"mdhd" => {
                let body = self.leaf(b, LEAF_CAP)?;
                let d = parse_mdhd(&body);
                if let Some(t) = self.current_track() {
                    t.media_duration = d;
                }
            }
            b"hdlr" => {
                let body = self.leaf(b, 64)?;
                let h = body.get(8..12).and_then(|s| s.try_into().ok());
                if let Some(t) = self.current_track()
                    && t.handler.is_none()
                {
                    t.handler = h;
                }
            }
            b"minf" | b"stbl" => self.children(b.body, b.end, depth + 1, Self::visit_mdia)?,
            b"stsd" => {
                let body = self.leaf(b, 256)?;
                // Full box, entry count, then the first sample entry: size, format, 6 reserved,
                // data reference index, then a VisualSampleEntry's 16 bytes before its size.
                let coded = match (be16(&body, 40), be16(&body, 42)) {
                    (Some(w), Some(h)) if w > 0 && h > 0 => Some((w as u32, h as u32)),
                    _ => None,
                };
                if let Some(t) = self.current_track() {
                    t.coded = coded;
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn visit_udta(&mut self, b: &BoxHdr, depth: u32) -> io::Result<()> {
        let slot = match &b.typ {
            b"\xA9xyz" => 0,
            b"\xA9mak" => 1,
            b"\xA9mod" => 2,
            b"\xA9day" => 3,
            b"loci" => {
                let body = self.leaf(b, LEAF_CAP)?;
                if self.cands.loci.is_none() {
                    self.cands.loci = parse_loci(&body);
                    if self.cands.loci.is_none() {
                        warn(&mut self.f, "the 3GPP location (loci) could not be read");
                    }
                }
                return Ok(());
            }
            b"meta" => return self.meta_box(b, depth),
            _ => return Ok(()),
        };
        let body = self.leaf(b, LEAF_CAP)?;
        let Some(text) = udta_text(&body) else {
            return Ok(());
        };
        let c = &mut self.cands;
        let place = [
            &mut c.udta_xyz,
            &mut c.udta_make,
            &mut c.udta_model,
            &mut c.udta_day,
        ];
        if let Some(p) = place.into_iter().nth(slot)
            && p.is_none()
        {
            *p = Some(text);
        }
        Ok(())
    }

    /// A `meta` box: QuickTime's (children straight away) or ISO's (a full box: 4 bytes of
    /// version and flags first). Its items are resolved through its own handler and keys.
    fn meta_box(&mut self, b: &BoxHdr, depth: u32) -> io::Result<()> {
        if self.meta.is_some() {
            return Ok(());
        }
        let first = self.src.read(b.body, b.end - b.body, 4)?;
        let start = if be32(&first, 0) == Some(0) {
            b.body + 4
        } else {
            b.body
        };
        self.meta = Some(MetaBox::default());
        let walked = self.children(start, b.end, depth + 1, Self::visit_meta);
        let meta = self.meta.take().unwrap_or_default();
        walked?;
        self.resolve_meta(meta);
        Ok(())
    }

    fn visit_meta(&mut self, b: &BoxHdr, depth: u32) -> io::Result<()> {
        match &b.typ {
            b"hdlr" => {
                let body = self.leaf(b, 64)?;
                let h = body.get(8..12).and_then(|s| s.try_into().ok());
                if let Some(m) = &mut self.meta {
                    m.handler = m.handler.or(h);
                }
            }
            b"keys" => {
                if b.end - b.body > META_CAP {
                    warn(
                        &mut self.f,
                        "the metadata keys box is too large; it was skipped",
                    );
                    return Ok(());
                }
                let body = self.leaf(b, META_CAP)?;
                if let Some(m) = &mut self.meta {
                    m.keys = parse_keys(&body);
                }
            }
            b"ilst" => self.children(b.body, b.end, depth + 1, Self::visit_ilst)?,
            _ => {}
        }
        Ok(())
    }

    fn visit_ilst(&mut self, b: &BoxHdr, depth: u32) -> io::Result<()> {
        if self
            .meta
            .as_ref()
            .is_some_and(|m| m.items.len() < MAX_ITEMS)
        {
            if let Some(m) = &mut self.meta {
                m.item = Some(b.typ);
            }
            self.children(b.body, b.end, depth + 1, Self::visit_item)?;
            if let Some(m) = &mut self.meta {
                m.item = None;
            }
        }
        Ok(())
    }

    fn visit_item(&mut self, b: &BoxHdr, _depth: u32) -> io::Result<()> {
        if &b.typ != b"data" {
            return Ok(());
        }
        let Some(item) = self.meta.as_ref().and_then(|m| m.item) else {
            return Ok(());
        };
        let value = if b.end - b.body > LEAF_CAP {
            Err("too long".to_string())
        } else {
            let body = self.leaf(b, LEAF_CAP)?;
            data_text(&body)
        };
        if let Some(m) = &mut self.meta {
            m.items.push((item, value));
            m.item = None; // the first data box of an item is its value
        }
        Ok(())
    }

    fn resolve_meta(&mut self, meta: MetaBox) {
        let mdta = meta.handler == Some(*b"mdta");
        for (typ, value) in meta.items {
            let c = &mut self.cands;
            let (slot, name) = if mdta {
                let idx = u32::from_be_bytes(typ) as usize;
                let Some(key) = idx.checked_sub(1).and_then(|i| meta.keys.get(i)) else {
                    continue;
                };
                match key.as_str() {
                    "com.apple.quicktime.creationdate" => {
                        (&mut c.apple_date, "Apple creation date")
                    }
                    "com.apple.quicktime.location.ISO6709" => (&mut c.apple_loc, "Apple location"),
                    "com.apple.quicktime.make" => (&mut c.apple_make, "Apple make"),
                    "com.apple.quicktime.model" => (&mut c.apple_model, "Apple model"),
                    _ => continue,
                }
            } else {
                match &typ {
                    b"\xA9day" => (&mut c.ilst_day, "©day"),
                    b"\xA9xyz" => (&mut c.ilst_xyz, "©xyz"),
                    b"\xA9mak" => (&mut c.ilst_make, "©mak"),
                    b"\xA9mod" => (&mut c.ilst_model, "©mod"),
                    _ => continue,
                }
            };
            if slot.is_some() {
                continue;
            }
            match value {
                Ok(text) => *slot = clean_text(&text),
                Err(why) => warn(&mut self.f, format!("the {name} could not be read ({why})")),
            }
        }
    }

    /// From what was found to the facts.
    fn finish(&mut self) {
        let f = &mut self.f;
        if !self.moov {
            f.incomplete = true;
            if self.mdat {
                warn(
                    f,
                    "the file has media data but no movie header (moov): the recording was probably cut off",
                );
            } else {
                warn(f, "the file has no movie header (moov)");
            }
        }

        // The video track: the first with a 'vide' handler; failing that, the first with a
        // size and no handler at all.
        let video = self
            .tracks
            .iter()
            .find(|t| t.handler == Some(*b"vide"))
            .or_else(|| {
                self.tracks.iter().find(|t| {
                    t.handler.is_none() && t.size.is_some_and(|(w, h)| w >= 1.0 && h >= 1.0)
                })
            });
        if self.moov && video.is_none() {
            warn(f, "no video track was found");
        }
        if let Some(t) = video {
            match &t.rotation {
                Some(Ok(r)) => f.rotation = *r,
                Some(Err(why)) => warn(f, why.clone()),
                None => {}
            }
            let size = t
                .size
                .map(|(w, h)| (w.round(), h.round()))
                .filter(|&(w, h)| w >= 1.0 && h >= 1.0 && w <= 1e6 && h <= 1e6)
                .map(|(w, h)| (w as u32, h as u32))
                .or(t.coded);
            if let Some((w, h)) = size {
                let (w, h) = if f.rotation % 180 == 90 {
                    (h, w)
                } else {
                    (w, h)
                };
                f.width = Some(w);
                f.height = Some(h);
            } else {
                warn(f, "the video track does not state its size");
            }
        }

        // Duration: the movie header's, the fragment header's, or the video track's.
        let movie = self.mvhd.as_ref().and_then(|m| {
            let d = (!m.unknown_duration && m.duration > 0)
                .then(|| seconds(m.duration, m.timescale as u64))
                .flatten()
                .or_else(|| {
                    self.mehd
                        .filter(|&d| d > 0)
                        .and_then(|d| seconds(d, m.timescale as u64))
                });
            if m.timescale == 0 {
                warn(f, "the movie header's timescale is zero");
            }
            d
        });
        f.duration_s = movie.or_else(|| video.and_then(|t| t.media_duration));
        if f.duration_s.is_none() && self.moov {
            warn(f, "the file does not state its duration");
        }

        // Creation time: Apple's local time with offset, then a ©day with an offset, then the
        // movie header's UTC, then a ©day with no offset.
        let c = &self.cands;
        let mut stated = None;
        if let Some(s) = &c.apple_date {
            match parse_iso_datetime(s) {
                Some(d) => stated = Some(d),
                None => warn(
                    f,
                    format!("the Apple creation date {} could not be read", quoted(s)),
                ),
            }
        }
        let day = c.udta_day.as_ref().or(c.ilst_day.as_ref());
        let day_parsed = day.and_then(|s| {
            let p = parse_iso_datetime(s);
            // iTunes-style ©day is often just a year: not a date and time, and not an error.
            if p.is_none() && !(s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit())) {
                warn(f, format!("the ©day date {} could not be read", quoted(s)));
            }
            p
        });
        if stated.is_none() {
            stated = day_parsed.filter(|d| d.1.is_some());
        }
        if stated.is_none()
            && let Some(m) = &self.mvhd
            && m.creation != 0
        {
            match from_epoch_secs(1904, m.creation) {
                Some(t) => {
                    if t.and_utc().timestamp() < 0 {
                        warn(
                            f,
                            "the movie header's creation time is before 1970; the writer may have counted from another epoch",
                        );
                    }
                    stated = Some((t, Some(utc())));
                }
                None => warn(f, "the movie header's creation time is out of range"),
            }
        }
        if stated.is_none() {
            stated = day_parsed;
        }
        if let Some((t, off)) = stated {
            f.creation_local = Some(t);
            f.creation_offset = off;
        }

        // Location: Apple's, then udta ©xyz, then ilst ©xyz, then 3GPP loci.
        let mut located = false;
        for (s, name) in [
            (&c.apple_loc, "Apple location"),
            (&c.udta_xyz, "©xyz location"),
            (&c.ilst_xyz, "©xyz location"),
        ] {
            let Some(s) = s else { continue };
            match parse_iso6709(s) {
                Some((lat, lon, alt)) => {
                    f.gps = Some((lat, lon));
                    f.gps_alt = alt;
                    located = true;
                    break;
                }
                None => warn(f, format!("the {name} {} could not be read", quoted(s))),
            }
        }
        if !located && let Some((lat, lon, alt)) = c.loci {
            f.gps = Some((lat, lon));
            f.gps_alt = Some(alt);
        }
        if f.gps == Some((0.0, 0.0)) {
            warn(
                f,
                "the location is 0, 0, which devices often write when they had no fix",
            );
        }

        f.make = c
            .apple_make
            .clone()
            .or_else(|| c.udta_make.clone())
            .or_else(|| c.ilst_make.clone());
        f.model = c
            .apple_model
            .clone()
            .or_else(|| c.udta_model.clone())
            .or_else(|| c.ilst_model.clone());
    }
}

fn parse_mvhd(b: &[u8]) -> Option<Mvhd> {
    if *b.first()? == 1 {
        let duration = be64(b, 24)?;
        Some(Mvhd {
            creation: be64(b, 4)?,
            timescale: be32(b, 20)?,
            duration,
            unknown_duration: duration == u64::MAX,
        })
    } else {
        let duration = be32(b, 16)?;
        Some(Mvhd {
            creation: be32(b, 4)? as u64,
            timescale: be32(b, 12)?,
            duration: duration as u64,
            unknown_duration: duration == u32::MAX,
        })
    }
}

/// The media duration in seconds from an mdhd body.
fn parse_mdhd(b: &[u8]) -> Option<f64> {
    let (scale, dur) = if *b.first()? == 1 {
        (be32(b, 20)?, be64(b, 24)?)
    } else {
        let d = be32(b, 16)?;
        (
            be32(b, 12)?,
            if d == u32::MAX { u64::MAX } else { d as u64 },
        )
    };
    if dur == u64::MAX || dur == 0 {
        return None;
    }
    seconds(dur, scale as u64)
}

/// The size (16.16 fixed point) and the rotation of a tkhd body.
type TkhdFacts = ((f64, f64), Result<u16, String>);

fn parse_tkhd(b: &[u8]) -> Option<TkhdFacts> {
    let m = if *b.first()? == 1 { 52 } else { 40 };
    let w = be32(b, m + 36)? as f64 / 65536.0;
    let h = be32(b, m + 40)? as f64 / 65536.0;
    let at = |i: usize| be32(b, m + 4 * i).map(|v| v as i32);
    let (a, bb, c, d) = (at(0)?, at(1)?, at(3)?, at(4)?);
    Some(((w, h), matrix_rotation(a, bb, c, d)))
}

/// Degrees clockwise of the display matrix [a b; c d] (as ExifTool reads it), or why it is not
/// a plain rotation.
fn matrix_rotation(a: i32, b: i32, c: i32, d: i32) -> Result<u16, String> {
    let sign = |v: i32| v.signum();
    match (sign(a), sign(b), sign(c), sign(d)) {
        (1, 0, 0, 1) => Ok(0),
        (0, 1, -1, 0) => Ok(90),
        (-1, 0, 0, -1) => Ok(180),
        (0, -1, 1, 0) => Ok(270),
        _ => Err(format!(
            "the video track's matrix ({a} {b} {c} {d}) is not a plain rotation; no rotation applied"
        )),
    }
}

/// A 3GPP `loci` body: latitude, longitude, altitude.
fn parse_loci(b: &[u8]) -> Option<(f64, f64, f64)> {
    // Full box (4), language (2), a NUL-terminated name, role (1), then longitude, latitude
    // and altitude, each 16.16 fixed point.
    let name_end = 6 + b.get(6..)?.iter().position(|&c| c == 0)?;
    let at = name_end + 2;
    let fixed = |i: usize| be32(b, at + 4 * i).map(|v| v as i32 as f64 / 65536.0);
    let (lon, lat, alt) = (fixed(0)?, fixed(1)?, fixed(2)?);
    ((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon)).then_some((lat, lon, alt))
}

/// A `keys` body: the key names, in order.
fn parse_keys(b: &[u8]) -> Vec<String> {
    let mut keys = Vec::new();
    let count = be32(b, 4).unwrap_or(0) as usize;
    let mut pos = 8usize;
    for _ in 0..count.min(MAX_KEYS) {
        let Some(size) = be32(b, pos).map(|n| n as usize) else {
            break;
        };
        let Some(name) = size
            .checked_sub(8)
            .and_then(|n| b.get(pos + 8..pos + 8 + n))
        else {
            break;
        };
        keys.push(String::from_utf8_lossy(name).into_owned());
        pos += size;
    }
    keys
}

/// The text of a `data` box body (type, locale, value).
fn data_text(b: &[u8]) -> Result<String, String> {
    let typ = be32(b, 0).ok_or("a data box too short")? & 0x00FF_FFFF;
    let value = b.get(8..).ok_or("a data box too short")?;
    match typ {
        // UTF-8 (1, 4), or implicit (0) where it is UTF-8.
        0 | 1 | 4 => String::from_utf8(value.to_vec()).map_err(|_| "not UTF-8 text".into()),
        2 | 5 => utf16be(value).ok_or_else(|| "not UTF-16 text".into()),
        other => Err(format!("not text but data of type {other}")),
    }
}

fn utf16be(b: &[u8]) -> Option<String> {
    let units: Vec<u16> = b
        .chunks_exact(2)
        .map(|p| u16::from_be_bytes([p[0], p[1]]))
        .collect();
    String::from_utf16(&units).ok()
}

/// A QuickTime user-data text atom (16-bit length, 16-bit language, text), or one holding an
/// iTunes-style `data` box.
fn udta_text(b: &[u8]) -> Option<String> {
    if b.get(4..8) == Some(b"data") {
        let end = (be32(b, 0)? as usize).min(b.len());
        return data_text(b.get(8..end)?).ok().and_then(|s| clean_text(&s));
    }
    let n = be16(b, 0)? as usize;
    let text = b.get(4..)?;
    let text = &text[..n.min(text.len())];
    clean_text(&String::from_utf8_lossy(text))
}

fn from_epoch_secs(year: i32, secs: u64) -> Option<NaiveDateTime> {
    let base = NaiveDate::from_ymd_opt(year, 1, 1)?.and_hms_opt(0, 0, 0)?;
    base.checked_add_signed(TimeDelta::try_seconds(i64::try_from(secs).ok()?)?)
}

/// "2022-01-04T19:32:10+0600" and its kin: a date, a time (with optional fraction) and an
/// optional offset (Z, ±HH:MM, ±HHMM, ±HH). Also "2022:01:04 19:32:10".
pub(crate) fn parse_iso_datetime(s: &str) -> Option<(NaiveDateTime, Option<FixedOffset>)> {
    let s = s.trim_matches(|c: char| c == '\0' || c.is_whitespace());
    let b = s.as_bytes();
    if b.len() < 19 || !s.is_ascii() {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let p = b.get(r)?;
        p.iter()
            .all(u8::is_ascii_digit)
            .then(|| p.iter().fold(0u32, |n, &c| n * 10 + (c - b'0') as u32))
    };
    let sep_ok = matches!((b[4], b[7]), (b'-', b'-') | (b':', b':'))
        && matches!(b[10], b'T' | b't' | b' ')
        && b[13] == b':'
        && b[16] == b':';
    if !sep_ok {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(num(0..4)? as i32, num(5..7)?, num(8..10)?)?;
    let mut rest = &s[19..];
    let mut nanos = 0u32;
    if let Some(frac) = rest.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        let kept = &frac[..digits.min(9)];
        nanos = kept.parse::<u32>().ok()? * 10u32.pow(9 - kept.len() as u32);
        rest = &frac[digits..];
    }
    let time = date.and_hms_nano_opt(num(11..13)?, num(14..16)?, num(17..19)?, nanos)?;
    let offset = match rest {
        "" => None,
        "Z" | "z" => Some(utc()),
        _ => {
            let sign = match rest.as_bytes()[0] {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let digits: String = rest[1..].chars().filter(|&c| c != ':').collect();
            if !digits.bytes().all(|c| c.is_ascii_digit()) || rest[1..].matches(':').count() > 1 {
                return None;
            }
            let (h, m) = match digits.len() {
                2 => (digits.parse::<i32>().ok()?, 0),
                4 => (
                    digits[..2].parse::<i32>().ok()?,
                    digits[2..].parse::<i32>().ok()?,
                ),
                _ => return None,
            };
            if m >= 60 {
                return None;
            }
            Some(FixedOffset::east_opt(sign * (h * 3600 + m * 60))?)
        }
    };
    Some((time, offset))
}

/// ISO 6709 as QuickTime and Android write it: "+43.2380+076.9450+0850.000/" (latitude,
/// longitude, optional altitude in metres). Degrees may also be given as DDMM.mmm or DDMMSS.ss
/// (DDDMM.mmm, DDDMMSS.ss for longitude). Out-of-range values are rejected.
pub(crate) fn parse_iso6709(s: &str) -> Option<(f64, f64, Option<f64>)> {
    let s = s.trim_matches(|c: char| c == '\0' || c.is_whitespace());
    let s = s.strip_suffix('/').unwrap_or(s);
    let s = s.find("CRS").map_or(s, |i| &s[..i]);
    if !s.is_ascii() {
        return None;
    }
    let b = s.as_bytes();
    let mut parts: Vec<&str> = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if parts.len() == 3 || !matches!(b[i], b'+' | b'-') {
            return None;
        }
        let mut j = i + 1;
        while j < b.len() && (b[j].is_ascii_digit() || b[j] == b'.') {
            j += 1;
        }
        parts.push(&s[i..j]);
        i = j;
    }
    if parts.len() < 2 {
        return None;
    }
    let lat = angle(parts[0], 2)?;
    let lon = angle(parts[1], 3)?;
    if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
        return None;
    }
    let alt = match parts.get(2) {
        Some(p) => Some(signed_decimal(p)?),
        None => None,
    };
    Some((lat, lon, alt))
}

/// "+12.5" → 12.5, "-003" → -3.0; digits only, one optional point.
fn signed_decimal(p: &str) -> Option<f64> {
    let (sign, body) = match p.as_bytes().first()? {
        b'+' => (1.0, &p[1..]),
        b'-' => (-1.0, &p[1..]),
        _ => return None,
    };
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    if int.is_empty() || !int.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    if !frac.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let v: f64 = body.trim_end_matches('.').parse().ok()?;
    v.is_finite().then_some(sign * v)
}

/// One ISO 6709 angle whose whole degrees take `deg` digits (2 for latitude, 3 for longitude).
fn angle(p: &str, deg: usize) -> Option<f64> {
    let v = signed_decimal(p)?;
    let sign = v.signum();
    let body = &p[1..];
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    let n = int.len();
    let frac_of = |whole: &str| -> Option<f64> {
        if frac.is_empty() {
            whole.parse().ok()
        } else {
            format!("{whole}.{frac}").parse().ok()
        }
    };
    let value = if n <= 3 {
        v.abs()
    } else if n == deg + 2 {
        let d: f64 = int[..deg].parse().ok()?;
        let m = frac_of(&int[deg..])?;
        if m >= 60.0 {
            return None;
        }
        d + m / 60.0
    } else if n == deg + 4 {
        let d: f64 = int[..deg].parse().ok()?;
        let m: f64 = int[deg..deg + 2].parse().ok()?;
        let sec = frac_of(&int[deg + 2..])?;
        if m >= 60.0 || sec >= 60.0 {
            return None;
        }
        d + m / 60.0 + sec / 3600.0
    } else {
        return None;
    };
    let value = if sign < 0.0 { -value } else { value };
    // -0 stays a plain 0.
    Some(value + 0.0)
}

// ---------------------------------------------------------------------------------------------
// Matroska and WebM

const EBML_HEADER: u32 = 0x1A45_DFA3;
const EBML_DOCTYPE: u32 = 0x4282;
const SEGMENT: u32 = 0x1853_8067;
const SEEK_HEAD: u32 = 0x114D_9B74;
const SEEK: u32 = 0x4DBB;
const SEEK_ID: u32 = 0x53AB;
const SEEK_POSITION: u32 = 0x53AC;
const INFO: u32 = 0x1549_A966;
const TIMECODE_SCALE: u32 = 0x2A_D7B1;
const DURATION: u32 = 0x4489;
const DATE_UTC: u32 = 0x4461;
const TRACKS: u32 = 0x1654_AE6B;
const TRACK_ENTRY: u32 = 0xAE;
const TRACK_TYPE: u32 = 0x83;
const VIDEO: u32 = 0xE0;
const PIXEL_WIDTH: u32 = 0xB0;
const PIXEL_HEIGHT: u32 = 0xBA;
const DISPLAY_WIDTH: u32 = 0x54B0;
const DISPLAY_HEIGHT: u32 = 0x54BA;
const DISPLAY_UNIT: u32 = 0x54B2;
const PROJECTION: u32 = 0x7670;
const PROJECTION_POSE_ROLL: u32 = 0x7675;
const CLUSTER: u32 = 0x1F43_B675;

/// An element ID (1 to 4 bytes, marker bit kept) and its length.
fn vint_id(b: &[u8]) -> Option<(u32, usize)> {
    let first = *b.first()?;
    let n = first.leading_zeros() as usize + 1;
    if n > 4 {
        return None;
    }
    let bytes = b.get(..n)?;
    Some((bytes.iter().fold(0u32, |v, &c| (v << 8) | c as u32), n))
}

/// An element size (1 to 8 bytes), its length, and whether it is "unknown" (all ones).
fn vint_size(b: &[u8]) -> Option<(u64, usize, bool)> {
    let first = *b.first()?;
    let n = first.leading_zeros() as usize + 1;
    if n > 8 {
        return None;
    }
    let bytes = b.get(..n)?;
    let mask = if n == 8 { 0 } else { 0xFFu8 >> n };
    let mut v = (first & mask) as u64;
    for &c in &bytes[1..] {
        v = (v << 8) | c as u64;
    }
    let all_ones = v == (1u64 << (7 * n)) - 1;
    Some((v, n, all_ones))
}

struct El {
    id: u32,
    data: u64,
    end: u64,
    claimed_end: u64,
    unknown: bool,
}

enum ElHdr {
    El(El),
    End,
    Short,
    Bad(&'static str),
}

fn el_header<R: Read + Seek>(src: &mut Src<R>, pos: u64, end: u64) -> io::Result<ElHdr> {
    if pos >= end {
        return Ok(ElHdr::End);
    }
    let h = src.read(pos, end - pos, 12)?;
    // The bytes a vint takes, from its first byte.
    let width = |b: u8| b.leading_zeros() as usize + 1;
    match h.first() {
        None => return Ok(ElHdr::Short),
        Some(&b) if width(b) > 4 => return Ok(ElHdr::Bad("an element ID that cannot be")),
        Some(_) => {}
    }
    let Some((id, idn)) = vint_id(&h) else {
        return Ok(ElHdr::Short);
    };
    match h.get(idn) {
        None => return Ok(ElHdr::Short),
        Some(&b) if width(b) > 8 => return Ok(ElHdr::Bad("an element size that cannot be")),
        Some(_) => {}
    }
    let Some((size, sn, unknown)) = vint_size(&h[idn..]) else {
        return Ok(ElHdr::Short);
    };
    let data = pos + (idn + sn) as u64;
    let claimed_end = if unknown {
        end
    } else {
        data.saturating_add(size)
    };
    Ok(ElHdr::El(El {
        id,
        data,
        end: claimed_end.min(end),
        claimed_end,
        unknown,
    }))
}

/// An element as a warning names it.
fn el_name(id: u32) -> String {
    match id {
        SEGMENT => "Segment".into(),
        CLUSTER => "Cluster".into(),
        INFO => "segment Info".into(),
        TRACKS => "Tracks element".into(),
        other => format!("element {other:X}"),
    }
}

#[derive(Default)]
struct MkvTrack {
    kind: Option<u64>,
    pixel: (Option<u64>, Option<u64>),
    display: (Option<u64>, Option<u64>),
    display_unit: Option<u64>,
    roll: Option<f64>,
}

type ElVisit<S> = fn(&mut S, &El, u32) -> io::Result<bool>;

struct Ebml<'a, R> {
    src: Src<'a, R>,
    f: VideoFacts,
    nodes: u32,
    stopped: bool,
    doctype: Option<String>,
    segment_data: Option<u64>,
    seek_info: Option<u64>,
    seek_tracks: Option<u64>,
    seek_id: Option<u32>,
    seek_pos: Option<u64>,
    info: bool,
    tracks_seen: bool,
    timecode_scale: Option<u64>,
    duration: Option<f64>,
    date_utc: Option<i64>,
    tracks: Vec<MkvTrack>,
}

impl<'a, R: Read + Seek> Ebml<'a, R> {
    fn new(src: Src<'a, R>, f: VideoFacts) -> Self {
        Ebml {
            src,
            f,
            nodes: 0,
            stopped: false,
            doctype: None,
            segment_data: None,
            seek_info: None,
            seek_tracks: None,
            seek_id: None,
            seek_pos: None,
            info: false,
            tracks_seen: false,
            timecode_scale: None,
            duration: None,
            date_utc: None,
            tracks: Vec::new(),
        }
    }

    fn run(mut self) -> Result<VideoFacts, String> {
        let len = self.src.len;
        let first = self
            .src
            .read(0, len, 12)
            .map_err(|e| format!("not a readable video: {e}"))?;
        if !first.starts_with(&[0x1A, 0x45, 0xDF, 0xA3]) {
            return Err("not a readable video: no EBML header".into());
        }
        if let Err(e) = self.children(0, len, 0, Self::visit_top) {
            warn(&mut self.f, format!("reading stopped at an error: {e}"));
        }
        match self.doctype.as_deref() {
            // DocType defaults to "matroska" when the header leaves it out.
            None | Some("matroska") => self.f.container = "mkv",
            Some("webm") => self.f.container = "webm",
            Some(other) => {
                return Err(format!(
                    "not a video: an EBML file of type {}",
                    quoted(other)
                ));
            }
        }
        // Info or Tracks after the clusters: follow the SeekHead to them.
        if let Some(seg) = self.segment_data {
            for (seen, at) in [
                (self.info, self.seek_info),
                (self.tracks_seen, self.seek_tracks),
            ] {
                if let (false, Some(rel)) = (seen, at)
                    && !self.stopped
                {
                    let pos = seg.saturating_add(rel);
                    if let Err(e) = self.children_once(pos, len) {
                        warn(&mut self.f, format!("reading stopped at an error: {e}"));
                    }
                }
            }
        }
        self.finish();
        Ok(self.f)
    }

    /// Reads the one element at `pos` (a target of the SeekHead).
    fn children_once(&mut self, pos: u64, end: u64) -> io::Result<()> {
        if let ElHdr::El(e) = el_header(&mut self.src, pos, end)? {
            self.nodes += 1;
            if matches!(e.id, INFO | TRACKS) {
                self.visit_segment(&e, 1)?;
            }
        }
        Ok(())
    }

    fn children(
        &mut self,
        start: u64,
        end: u64,
        depth: u32,
        visit: ElVisit<Self>,
    ) -> io::Result<()> {
        if depth > MAX_DEPTH {
            warn(
                &mut self.f,
                "elements nest too deeply; the deepest were skipped",
            );
            return Ok(());
        }
        let mut pos = start;
        while !self.stopped {
            match el_header(&mut self.src, pos, end)? {
                ElHdr::End => break,
                ElHdr::Short => {
                    if end >= self.src.len {
                        self.f.incomplete = true;
                        warn(&mut self.f, "the file ends inside an element header");
                    }
                    break;
                }
                ElHdr::Bad(why) => {
                    warn(
                        &mut self.f,
                        format!("{why} (at byte {pos}); the rest of it was skipped"),
                    );
                    break;
                }
                ElHdr::El(e) => {
                    self.nodes += 1;
                    if self.nodes > MAX_NODES {
                        warn(
                            &mut self.f,
                            "too many elements; the rest of the file was not read",
                        );
                        self.stopped = true;
                        break;
                    }
                    if e.claimed_end > self.src.len {
                        self.f.incomplete = true;
                        warn(
                            &mut self.f,
                            format!(
                                "the {} runs {} bytes past the end of the file",
                                el_name(e.id),
                                e.claimed_end - self.src.len
                            ),
                        );
                    } else if e.claimed_end > end {
                        warn(
                            &mut self.f,
                            format!("the {} runs past the end of its parent", el_name(e.id)),
                        );
                    }
                    if !visit(self, &e, depth)? || e.end <= pos {
                        break;
                    }
                    pos = e.end;
                }
            }
        }
        Ok(())
    }

    fn bytes(&mut self, e: &El, cap: u64) -> io::Result<Option<Vec<u8>>> {
        if e.unknown || e.end - e.data > cap {
            return Ok(None);
        }
        Ok(Some(self.src.read(e.data, e.end - e.data, cap)?))
    }

    fn uint(&mut self, e: &El) -> io::Result<Option<u64>> {
        Ok(self
            .bytes(e, 8)?
            .map(|b| b.iter().fold(0u64, |v, &c| (v << 8) | c as u64)))
    }

    fn float(&mut self, e: &El) -> io::Result<Option<f64>> {
        Ok(self.bytes(e, 8)?.and_then(|b| match b.len() {
            0 => Some(0.0),
            4 => Some(f32::from_be_bytes(b.try_into().ok()?) as f64),
            8 => Some(f64::from_be_bytes(b.try_into().ok()?)),
            _ => None,
        }))
    }

    fn visit_top(&mut self, e: &El, depth: u32) -> io::Result<bool> {
        match e.id {
            EBML_HEADER => self.children(e.data, e.end, depth + 1, Self::visit_header)?,
            SEGMENT if self.segment_data.is_none() => {
                self.segment_data = Some(e.data);
                self.children(e.data, e.end, depth + 1, Self::visit_segment)?;
                // One segment is the video; later ones (chained files) are not read.
                return Ok(false);
            }
            _ => {}
        }
        Ok(true)
    }

    fn visit_header(&mut self, e: &El, _depth: u32) -> io::Result<bool> {
        if e.id == EBML_DOCTYPE {
            let b = self.bytes(e, 64)?;
            self.doctype = b.map(|b| String::from_utf8_lossy(trim_nul(&b)).into_owned());
        }
        Ok(true)
    }

    fn visit_segment(&mut self, e: &El, depth: u32) -> io::Result<bool> {
        match e.id {
            SEEK_HEAD => self.children(e.data, e.end, depth + 1, Self::visit_seekhead)?,
            INFO if !self.info => {
                self.info = true;
                self.children(e.data, e.end, depth + 1, Self::visit_info)?;
            }
            TRACKS if !self.tracks_seen => {
                self.tracks_seen = true;
                self.children(e.data, e.end, depth + 1, Self::visit_tracks)?;
            }
            // The media: stop once what we need is read, or where it cannot be skipped.
            CLUSTER if e.unknown || self.info && self.tracks_seen => return Ok(false),
            _ if e.unknown => return Ok(false),
            _ => {}
        }
        Ok(true)
    }

    fn visit_seekhead(&mut self, e: &El, depth: u32) -> io::Result<bool> {
        if e.id == SEEK {
            (self.seek_id, self.seek_pos) = (None, None);
            self.children(e.data, e.end, depth + 1, Self::visit_seek)?;
            match (self.seek_id, self.seek_pos) {
                (Some(INFO), Some(p)) => self.seek_info = self.seek_info.or(Some(p)),
                (Some(TRACKS), Some(p)) => self.seek_tracks = self.seek_tracks.or(Some(p)),
                _ => {}
            }
        }
        Ok(true)
    }

    fn visit_seek(&mut self, e: &El, _depth: u32) -> io::Result<bool> {
        match e.id {
            SEEK_ID => {
                self.seek_id = self
                    .bytes(e, 4)?
                    .map(|b| b.iter().fold(0u32, |v, &c| (v << 8) | c as u32));
            }
            SEEK_POSITION => self.seek_pos = self.uint(e)?,
            _ => {}
        }
        Ok(true)
    }

    fn visit_info(&mut self, e: &El, _depth: u32) -> io::Result<bool> {
        match e.id {
            TIMECODE_SCALE => self.timecode_scale = self.uint(e)?,
            DURATION => self.duration = self.float(e)?,
            DATE_UTC => self.date_utc = self.uint(e)?.map(|v| v as i64),
            _ => {}
        }
        Ok(true)
    }

    fn visit_tracks(&mut self, e: &El, depth: u32) -> io::Result<bool> {
        if e.id == TRACK_ENTRY && self.tracks.len() < MAX_TRACKS {
            self.tracks.push(MkvTrack::default());
            self.children(e.data, e.end, depth + 1, Self::visit_track)?;
        }
        Ok(true)
    }

    fn visit_track(&mut self, e: &El, depth: u32) -> io::Result<bool> {
        match e.id {
            TRACK_TYPE => {
                let v = self.uint(e)?;
                if let Some(t) = self.tracks.last_mut() {
                    t.kind = v;
                }
            }
            VIDEO | PROJECTION => self.children(e.data, e.end, depth + 1, Self::visit_track)?,
            PIXEL_WIDTH | PIXEL_HEIGHT | DISPLAY_WIDTH | DISPLAY_HEIGHT | DISPLAY_UNIT => {
                let v = self.uint(e)?;
                if let Some(t) = self.tracks.last_mut() {
                    match e.id {
                        PIXEL_WIDTH => t.pixel.0 = v,
                        PIXEL_HEIGHT => t.pixel.1 = v,
                        DISPLAY_WIDTH => t.display.0 = v,
                        DISPLAY_HEIGHT => t.display.1 = v,
                        _ => t.display_unit = v,
                    }
                }
            }
            PROJECTION_POSE_ROLL => {
                let v = self.float(e)?;
                if let Some(t) = self.tracks.last_mut() {
                    t.roll = v;
                }
            }
            _ => {}
        }
        Ok(true)
    }

    fn finish(&mut self) {
        let f = &mut self.f;
        if self.segment_data.is_none() {
            f.incomplete = true;
            warn(f, "the file has no Segment: it holds no video");
        }
        if self.segment_data.is_some() && !self.info {
            warn(f, "the file has no segment information (Info)");
        }
        let scale = self.timecode_scale.unwrap_or(1_000_000);
        match self.duration {
            Some(d) => {
                let s = d * scale as f64 / 1e9;
                if s.is_finite() && s >= 0.0 {
                    f.duration_s = Some(s);
                } else {
                    warn(f, "the stated duration is not a number of seconds");
                }
            }
            None if self.info => warn(
                f,
                "the file does not state its duration (usual for live recordings)",
            ),
            None => {}
        }
        if let Some(ns) = self.date_utc {
            match NaiveDate::from_ymd_opt(2001, 1, 1)
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .and_then(|b| b.checked_add_signed(TimeDelta::nanoseconds(ns)))
            {
                Some(t) => {
                    f.creation_local = Some(t);
                    f.creation_offset = Some(utc());
                }
                None => warn(f, "the DateUTC is out of range"),
            }
        }
        if self.tracks_seen || !self.tracks.is_empty() {
            match self.tracks.iter().find(|t| t.kind == Some(1)) {
                None => warn(f, "no video track was found"),
                Some(t) => {
                    let pixel = match t.pixel {
                        (Some(w), Some(h)) if w > 0 && h > 0 => Some((w, h)),
                        _ => None,
                    };
                    let display = match t.display {
                        (Some(w), Some(h))
                            if w > 0 && h > 0 && t.display_unit.unwrap_or(0) == 0 =>
                        {
                            Some((w, h))
                        }
                        _ => None,
                    };
                    match display.or(pixel) {
                        Some((w, h)) if w <= u32::MAX as u64 && h <= u32::MAX as u64 => {
                            f.width = Some(w as u32);
                            f.height = Some(h as u32);
                        }
                        _ => warn(f, "the video track does not state its size"),
                    }
                    if let Some(r) = t.roll.filter(|r| *r != 0.0) {
                        warn(
                            f,
                            format!(
                                "the video track states a roll of {r} degrees; no rotation applied"
                            ),
                        );
                    }
                }
            }
        } else if self.segment_data.is_some() {
            warn(f, "the file has no track list (Tracks)");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// AVI

struct Avi<'a, R> {
    src: Src<'a, R>,
    f: VideoFacts,
    nodes: u32,
    stopped: bool,
    /// avih: microseconds per frame, total frames, width, height.
    avih: Option<(u32, u32, u32, u32)>,
    /// The stream type of the strl being read.
    stream: Option<[u8; 4]>,
    /// The first video stream's strh: scale, rate, length; and its strf size.
    vids: Option<(u32, u32, u32)>,
    vids_size: Option<(u32, u32)>,
    dmlh_frames: Option<u32>,
    idit: Option<String>,
}

impl<'a, R: Read + Seek> Avi<'a, R> {
    fn new(src: Src<'a, R>, f: VideoFacts) -> Self {
        Avi {
            src,
            f,
            nodes: 0,
            stopped: false,
            avih: None,
            stream: None,
            vids: None,
            vids_size: None,
            dmlh_frames: None,
            idit: None,
        }
    }

    fn run(mut self) -> Result<VideoFacts, String> {
        let len = self.src.len;
        let h = self
            .src
            .read(0, 12, 12)
            .map_err(|e| format!("not a readable video: {e}"))?;
        if h.get(0..4) != Some(b"RIFF") || h.get(8..12) != Some(b"AVI ") {
            return Err("not a readable video: no RIFF AVI header".into());
        }
        let size = le32(&h, 4).unwrap_or(0) as u64;
        let mut riff_end = 8 + size;
        if size == 0 {
            self.f.incomplete = true;
            warn(
                &mut self.f,
                "the RIFF header gives no size: the recording was probably not finished",
            );
            riff_end = len;
        } else if riff_end > len {
            self.f.incomplete = true;
            warn(
                &mut self.f,
                format!(
                    "the RIFF AVI chunk runs {} bytes past the end of the file",
                    riff_end - len
                ),
            );
            riff_end = len;
        }
        if let Err(e) = self.chunks(12, riff_end, 0) {
            warn(&mut self.f, format!("reading stopped at an error: {e}"));
        }
        // OpenDML: further RIFF AVIX chunks, each checked for its end only.
        let mut pos = riff_end + (riff_end & 1);
        while pos + 8 <= len && !self.stopped {
            self.nodes += 1;
            if self.nodes > MAX_NODES {
                warn(
                    &mut self.f,
                    "too many chunks; the rest of the file was not read",
                );
                break;
            }
            let Ok(h) = self.src.read(pos, 8, 8) else {
                break;
            };
            let (Some(id), Some(size)) = (h.get(0..4), le32(&h, 4)) else {
                break;
            };
            if id != b"RIFF" && id != b"JUNK" {
                break;
            }
            let end = pos + 8 + size as u64;
            if end > len {
                self.f.incomplete = true;
                warn(
                    &mut self.f,
                    format!(
                        "an AVIX chunk runs {} bytes past the end of the file",
                        end - len
                    ),
                );
                break;
            }
            pos = end + (end & 1);
        }
        self.finish();
        Ok(self.f)
    }

    fn chunks(&mut self, start: u64, end: u64, depth: u32) -> io::Result<()> {
        if depth > 4 {
            return Ok(());
        }
        let mut pos = start;
        while pos < end && !self.stopped {
            if end - pos < 8 {
                if end >= self.src.len {
                    self.f.incomplete = true;
                    warn(&mut self.f, "the file ends inside a chunk header");
                }
                break;
            }
            self.nodes += 1;
            if self.nodes > MAX_NODES {
                warn(
                    &mut self.f,
                    "too many chunks; the rest of the file was not read",
                );
                self.stopped = true;
                break;
            }
            let h = self.src.read(pos, 12, 12)?;
            let (Some(id), Some(size)) = (h.get(0..4), le32(&h, 4)) else {
                self.f.incomplete = true;
                warn(&mut self.f, "the file ends inside a chunk header");
                break;
            };
            let id: [u8; 4] = id.try_into().unwrap_or_default();
            let body = pos + 8;
            let claimed_end = body + size as u64;
            if claimed_end > self.src.len {
                self.f.incomplete = true;
                warn(
                    &mut self.f,
                    format!(
                        "the '{}' chunk runs {} bytes past the end of the file",
                        fourcc(id),
                        claimed_end - self.src.len
                    ),
                );
            }
            let cend = claimed_end.min(end);
            match &id {
                b"LIST" => {
                    let kind = h.get(8..12);
                    if matches!(kind, Some(b"hdrl" | b"strl" | b"odml")) {
                        if kind == Some(b"strl") {
                            self.stream = None;
                        }
                        self.chunks(body + 4, cend, depth + 1)?;
                    }
                }
                b"avih" => {
                    let b = self.src.read(body, size as u64, 64)?;
                    if let (Some(us), Some(frames), Some(w), Some(h)) =
                        (le32(&b, 0), le32(&b, 16), le32(&b, 32), le32(&b, 36))
                    {
                        self.avih = self.avih.or(Some((us, frames, w, h)));
                    } else {
                        warn(
                            &mut self.f,
                            "the AVI main header (avih) is too short to read",
                        );
                    }
                }
                b"strh" => {
                    let b = self.src.read(body, size as u64, 64)?;
                    self.stream = b.get(0..4).and_then(|t| t.try_into().ok());
                    if self.stream == Some(*b"vids")
                        && self.vids.is_none()
                        && let (Some(scale), Some(rate), Some(length)) =
                            (le32(&b, 20), le32(&b, 24), le32(&b, 32))
                    {
                        self.vids = Some((scale, rate, length));
                    }
                }
                b"strf" if self.stream == Some(*b"vids") && self.vids_size.is_none() => {
                    let b = self.src.read(body, size as u64, 64)?;
                    if let (Some(w), Some(h)) = (le32(&b, 4), le32(&b, 8)) {
                        // A negative height means rows stored top-down.
                        let (w, h) = (w as i32, (h as i32).unsigned_abs());
                        if w > 0 && h > 0 {
                            self.vids_size = Some((w as u32, h));
                        }
                    }
                }
                b"dmlh" => {
                    let b = self.src.read(body, size as u64, 16)?;
                    self.dmlh_frames = le32(&b, 0);
                }
                b"IDIT" if self.idit.is_none() => {
                    let b = self.src.read(body, size as u64, 128)?;
                    self.idit = Some(String::from_utf8_lossy(trim_nul(&b)).into_owned());
                }
                _ => {}
            }
            pos = cend + (cend & 1);
        }
        Ok(())
    }

    fn finish(&mut self) {
        let f = &mut self.f;
        if let Some(s) = &self.idit {
            match parse_avi_date(s) {
                Some((t, whole)) => {
                    f.creation_local = Some(t);
                    f.creation_offset = None;
                    if !whole {
                        warn(f, format!("the AVI date {} gives no seconds", quoted(s)));
                    }
                }
                None => warn(f, format!("the AVI date {} could not be read", quoted(s))),
            }
        }
        let Some((us, frames, w, h)) = self.avih else {
            warn(f, "the file has no AVI main header (avih)");
            return;
        };
        let frames = self.dmlh_frames.filter(|&n| n > 0).unwrap_or(frames);
        f.duration_s = if us > 0 && frames > 0 {
            Some(us as f64 * frames as f64 / 1e6)
        } else {
            self.vids
                .filter(|v| v.0 > 0 && v.2 > 0)
                .and_then(|(scale, rate, length)| {
                    seconds(length as u64 * scale as u64, rate as u64)
                })
        };
        if f.duration_s.is_none() {
            warn(f, "the file does not state its duration");
        }
        let size = Some((w, h))
            .filter(|&(w, h)| w > 0 && h > 0)
            .or(self.vids_size);
        match size {
            Some((w, h)) => (f.width, f.height) = (Some(w), Some(h)),
            None => warn(f, "the file does not state its picture size"),
        }
    }
}

/// An AVI IDIT date: "Mon Mar 10 15:04:43 2003" (the standard form), or numeric forms cameras
/// write ("2009/10/27 12:14:34", "2002-12-16  15:35:01", "2001/ 1/27  1:42PM"). Returns the time
/// and whether it had seconds (a time without them is read as hh:mm:00).
pub(crate) fn parse_avi_date(s: &str) -> Option<(NaiveDateTime, bool)> {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let s = s.trim_matches(|c: char| c == '\0' || c.is_whitespace());
    let parts: Vec<&str> = s.split_whitespace().take(8).collect();
    if parts.len() == 5
        && let Some(m) = MONTHS.iter().position(|m| {
            parts[1]
                .as_bytes()
                .get(..3)
                .is_some_and(|p| p.eq_ignore_ascii_case(m.as_bytes()))
        })
    {
        let day: u32 = parts[2].parse().ok()?;
        let year: i32 = parts[4].parse().ok()?;
        let t: Vec<u32> = parts[3]
            .split(':')
            .map(|p| p.parse().ok())
            .collect::<Option<_>>()?;
        let [h, mi, sec] = t[..] else { return None };
        let d = NaiveDate::from_ymd_opt(year, m as u32 + 1, day)?.and_hms_opt(h, mi, sec)?;
        return Some((d, true));
    }
    // Numeric: the first number has four digits (the year); then month, day, hours, minutes
    // and perhaps seconds; perhaps AM/PM.
    let upper = s.to_ascii_uppercase();
    let pm = upper.trim_end().ends_with("PM");
    let am = upper.trim_end().ends_with("AM");
    let nums: Vec<&str> = s
        .split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty())
        .take(7)
        .collect();
    if nums.len() < 5 || nums.len() > 6 || nums[0].len() != 4 || nums.iter().any(|n| n.len() > 4) {
        return None;
    }
    let n: Vec<u32> = nums.iter().map(|p| p.parse().ok()).collect::<Option<_>>()?;
    let mut hour = n[3];
    if pm || am {
        if !(1..=12).contains(&hour) {
            return None;
        }
        hour = match (pm, hour) {
            (true, 12) => 12,
            (true, h) => h + 12,
            (false, 12) => 0,
            (false, h) => h,
        };
    }
    let sec = n.get(5).copied();
    let d = NaiveDate::from_ymd_opt(n[0] as i32, n[1], n[2])?.and_hms_opt(
        hour,
        n[4],
        sec.unwrap_or(0),
    )?;
    Some((d, sec.is_some()))
}

// ---------------------------------------------------------------------------------------------
// Poster frame

/// How long ffmpeg may take for one frame.
const FFMPEG_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(20);
/// The longest edge a poster may ask for.
const MAX_POSTER_EDGE: u32 = 4096;

/// A poster frame via `ffmpeg` on the PATH (absent: Err saying so), the first video frame,
/// upright (ffmpeg applies the rotation itself), with square pixels, and no larger than
/// `max_edge` on its long edge (never enlarged). ffmpeg runs with a 20 s limit and is killed
/// past it; its output is capped in bytes; it may read only local files.
pub fn poster_frame(path: &Path, max_edge: u32) -> Result<RgbImage, String> {
    use std::process::{Command, Stdio};
    if max_edge == 0 {
        return Err("a poster frame needs a size of at least 1 pixel".into());
    }
    let edge = max_edge.min(MAX_POSTER_EDGE);
    // "file:" so that a name with a colon or a leading dash is never read as anything else.
    let mut input = std::ffi::OsString::from("file:");
    input.push(path.as_os_str());
    let filter = format!(
        "scale=w=iw*sar:h=ih,setsar=1,\
         scale=w=min(iw\\,{edge}):h=min(ih\\,{edge}):force_original_aspect_ratio=decrease"
    );
    let spawned = Command::new("ffmpeg")
        .args(["-nostdin", "-hide_banner", "-loglevel", "error"])
        .args(["-protocol_whitelist", "file", "-i"])
        .arg(&input)
        .args([
            "-map",
            "0:v:0",
            "-an",
            "-sn",
            "-dn",
            "-frames:v",
            "1",
            "-vf",
        ])
        .arg(&filter)
        .args([
            "-pix_fmt",
            "rgb24",
            "-f",
            "image2pipe",
            "-vcodec",
            "ppm",
            "pipe:1",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match spawned {
        Ok(c) => c,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err("ffmpeg is not installed (not found on the PATH)".into());
        }
        Err(e) => return Err(format!("ffmpeg could not be started: {e}")),
    };
    let cap = 3 * edge as u64 * edge as u64 + 1024;
    let stdout = child.stdout.take();
    let stderr = child.stderr.take();
    // Readers on their own threads, so that a full pipe never blocks ffmpeg; past the cap the
    // pipe is dropped and ffmpeg stops on a broken pipe.
    let out_reader = std::thread::spawn(move || {
        let mut v = Vec::new();
        if let Some(s) = stdout {
            let _ = s.take(cap + 1).read_to_end(&mut v);
        }
        v
    });
    let err_reader = std::thread::spawn(move || {
        let mut v = Vec::new();
        if let Some(s) = stderr {
            let _ = s.take(16 * 1024).read_to_end(&mut v);
        }
        v
    });
    let started = std::time::Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() > FFMPEG_TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                let _ = out_reader.join();
                let _ = err_reader.join();
                return Err(format!(
                    "ffmpeg took longer than {} s and was stopped",
                    FFMPEG_TIMEOUT.as_secs()
                ));
            }
            Ok(None) => std::thread::sleep(std::time::Duration::from_millis(20)),
            Err(e) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("ffmpeg could not be waited for: {e}"));
            }
        }
    };
    let out = out_reader.join().unwrap_or_default();
    let err = err_reader.join().unwrap_or_default();
    if out.len() as u64 > cap {
        return Err("ffmpeg's output was larger than the frame asked for".into());
    }
    if !status.success() || out.is_empty() {
        let text = String::from_utf8_lossy(&err);
        let last = text
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("");
        let last: String = last.trim().chars().take(160).collect();
        return Err(if last.is_empty() {
            "ffmpeg could not decode a frame".to_string()
        } else {
            format!("ffmpeg could not decode a frame: {last}")
        });
    }
    let img = decode_ppm(&out).ok_or("ffmpeg's frame could not be read")?;
    if img.width().max(img.height()) > edge {
        let (w, h) = fit(img.width(), img.height(), edge);
        return Ok(image::imageops::resize(
            &img,
            w,
            h,
            image::imageops::FilterType::Triangle,
        ));
    }
    Ok(img)
}

/// `w` x `h` scaled to fit within `edge` x `edge`, at least 1 x 1.
fn fit(w: u32, h: u32, edge: u32) -> (u32, u32) {
    let long = w.max(h).max(1) as u64;
    let s = |v: u32| ((v as u64 * edge as u64 + long / 2) / long).clamp(1, edge as u64) as u32;
    (s(w), s(h))
}

/// A binary PPM (P6, maxval 255) as ffmpeg writes it.
fn decode_ppm(b: &[u8]) -> Option<RgbImage> {
    let mut pos = 0usize;
    let mut token = || -> Option<&[u8]> {
        loop {
            while b.get(pos)?.is_ascii_whitespace() {
                pos += 1;
            }
            if *b.get(pos)? == b'#' {
                while *b.get(pos)? != b'\n' {
                    pos += 1;
                }
                continue;
            }
            break;
        }
        let start = pos;
        while !b.get(pos)?.is_ascii_whitespace() {
            pos += 1;
        }
        b.get(start..pos)
    };
    if token()? != b"P6" {
        return None;
    }
    let mut num = || -> Option<u32> { std::str::from_utf8(token()?).ok()?.parse().ok() };
    let (w, h, max) = (num()?, num()?, num()?);
    if max != 255 || w == 0 || h == 0 {
        return None;
    }
    let data = b.get(pos + 1..)?;
    let n = (w as usize).checked_mul(h as usize)?.checked_mul(3)?;
    RgbImage::from_raw(w, h, data.get(..n)?.to_vec())
}

#[cfg(test)]
mod tests;
