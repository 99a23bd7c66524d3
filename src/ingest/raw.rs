//! Camera RAW files: their embedded previews and where their EXIF lies.
//!
//! Nothing here decodes sensor data. A RAW file carries one or more JPEG previews the camera
//! made (often one at full size); `preview` finds them through the file's own structure and
//! returns the largest by the size its JPEG header states, without decoding it. `exif_blocks`
//! hands the EXIF reader TIFF-structured blocks for the containers a TIFF reader cannot open.
//!
//! Every offset is checked against the file length, every loop is bounded (IFDs visited once, at
//! most `MAX_IFDS` of them, at most `MAX_ENTRIES` entries each, nesting at most `MAX_DEPTH`), and
//! nothing is allocated beyond what the file itself holds.

use image::RgbImage;
use std::borrow::Cow;
use std::collections::HashSet;

/// The largest embedded preview that is present: full-size JPEG, else smaller JPEG, else an
/// uncompressed RGB thumbnail.
#[derive(Debug)]
pub enum RawPreview<'a> {
    /// A baseline or progressive JPEG (SOF0/1/2, 8-bit), borrowed from the file.
    Jpeg(&'a [u8]),
    /// An uncompressed 8-bit RGB thumbnail (DNG, IIQ and others keep one in IFD0).
    Rgb(RgbImage),
}

/// Why there is no preview.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoPreview {
    /// The file holds no usable preview.
    None,
    /// The file claims a preview that lies past its end (a truncated RAW: the caller marks it
    /// incomplete). Only reported when no other preview is usable.
    PastEnd,
}

/// IFDs read per TIFF structure (a RAW has 2 to 10).
const MAX_IFDS: usize = 64;
/// Entries read per IFD (real ones have fewer than 300).
const MAX_ENTRIES: usize = 1000;
/// Nesting of SubIFDs, EXIF IFD, maker notes and embedded JPEGs.
const MAX_DEPTH: u32 = 4;
/// Values read from one array tag (strip offsets and the like).
const MAX_VALUES: usize = 65_536;
/// Boxes read per ISO BMFF level.
const MAX_BOXES: usize = 1000;
/// JPEG markers read before the frame header.
const MAX_MARKERS: usize = 1000;
/// One value copied into a rebuilt EXIF block (maker notes are tens of KB; a JPEG is not EXIF).
const MAX_VALUE_BYTES: usize = 1 << 20;

/// The largest embedded preview `bytes` (a whole RAW file; `ext` its lower-case extension)
/// holds. The file's magic bytes decide the structure; `ext` is not trusted over them.
pub fn preview<'a>(bytes: &'a [u8], ext: &str) -> Result<RawPreview<'a>, NoPreview> {
    let _ = ext;
    let mut scan = Scan::default();
    match container(bytes) {
        Container::Tiff => {
            if let Some(t) = Tiff::new(bytes) {
                scan.tiff(&t, t.first_ifd, Ctx::Main, 0);
            }
        }
        Container::Raf => scan.raf(bytes),
        Container::Cr3 => scan.cr3(bytes),
        Container::Mrw | Container::Unknown => {}
    }
    scan.finish()
}

/// TIFF-structured blocks ("II*\0"/"MM\0*" headers) holding this RAW's EXIF, for a TIFF/EXIF
/// reader:
/// - TIFF-based RAW (CR2, NEF, ARW, DNG, PEF, ...): the file itself.
/// - CR3: one block rebuilt from the CMT1 (IFD0), CMT2 (EXIF IFD) and CMT4 (GPS IFD) boxes,
///   linked as a TIFF reader expects (IFD0 with EXIF and GPS pointers).
/// - RAF: the EXIF of the embedded JPEG.
/// - RW2 / ORF (TIFF with an odd magic): a rebuilt standard TIFF of IFD0, EXIF and GPS IFDs,
///   then (RW2) the EXIF of the embedded JPEG.
/// - MRW: its TTW block.
///
/// Rebuilt blocks are little-endian, hold only IFD0, EXIF and GPS, and leave out pointers that
/// would dangle (strips, thumbnails, sub-IFDs).
pub fn exif_blocks<'a>(bytes: &'a [u8], ext: &str) -> Vec<Cow<'a, [u8]>> {
    let _ = ext;
    let mut out: Vec<Cow<'a, [u8]>> = Vec::new();
    match container(bytes) {
        Container::Tiff => {
            let standard = bytes.starts_with(b"II*\0") || bytes.starts_with(b"MM\0*");
            if standard {
                out.push(Cow::Borrowed(bytes));
            } else if let Some(t) = Tiff::new(bytes) {
                // RW2 ("IIU\0") and ORF ("IIRO", "IIRS", "MMOR").
                if let Some(block) = rebuild(&t, t.first_ifd, Links::Own) {
                    out.push(Cow::Owned(block));
                }
                // RW2: the JpgFromRaw in IFD0 carries a full EXIF block of its own.
                if let Some((entries, _)) = t.ifd(t.first_ifd)
                    && let Some(jpeg) = entries.iter().find(|e| e.tag == 0x002E)
                    && let Some(tiff) = t.data(jpeg).ok().and_then(jpeg_exif)
                {
                    out.push(Cow::Borrowed(tiff));
                }
            }
        }
        Container::Raf => {
            if let Some(tiff) = raf_jpeg(bytes).ok().flatten().and_then(jpeg_exif) {
                out.push(Cow::Borrowed(tiff));
            }
        }
        Container::Cr3 => out.extend(cr3_exif(bytes)),
        Container::Mrw => out.extend(mrw_ttw(bytes).map(Cow::Borrowed)),
        Container::Unknown => {}
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Containers

#[derive(Debug, PartialEq)]
enum Container {
    /// TIFF-structured, standard magic (42) or RW2's 0x55 or ORF's "RO"/"RS".
    Tiff,
    Raf,
    Cr3,
    Mrw,
    Unknown,
}

fn container(b: &[u8]) -> Container {
    if b.starts_with(b"FUJIFILMCCD-RAW") {
        Container::Raf
    } else if b.get(4..8) == Some(b"ftyp") && b.get(8..12) == Some(b"crx ") {
        Container::Cr3
    } else if b.starts_with(b"\0MRM") {
        Container::Mrw
    } else if Tiff::new(b).is_some() {
        Container::Tiff
    } else {
        Container::Unknown
    }
}

// ---------------------------------------------------------------------------------------------
// TIFF structure

/// A TIFF-structured block: `d` starts at its header (or, for a maker note, at the point its
/// offsets are counted from).
#[derive(Clone, Copy)]
struct Tiff<'a> {
    d: &'a [u8],
    le: bool,
    first_ifd: u32,
}

#[derive(Clone, Copy, Debug)]
struct Entry {
    tag: u16,
    typ: u16,
    count: u32,
    /// Where the entry's 4-byte value/offset field lies in `d`.
    field: usize,
}

/// Bytes per value of a TIFF type; None for types we do not know (BigTIFF's among them).
fn type_size(typ: u16) -> Option<usize> {
    Some(match typ {
        1 | 2 | 6 | 7 => 1,
        3 | 8 => 2,
        4 | 9 | 11 | 13 => 4,
        5 | 10 | 12 => 8,
        _ => return None,
    })
}

/// Where an entry's data would be, and why it is not there.
#[derive(Debug, PartialEq)]
enum Miss {
    /// The entry claims bytes past the end of the block.
    PastEnd,
    /// A type we do not know, or a size that makes no sense.
    Bad,
}

impl<'a> Tiff<'a> {
    /// A TIFF header at the start of `d`: byte order, magic 42 (or 0x55 for RW2, "RO"/"RS" for
    /// ORF), first IFD offset.
    fn new(d: &'a [u8]) -> Option<Self> {
        let le = match d.get(0..2)? {
            b"II" => true,
            b"MM" => false,
            _ => return None,
        };
        let magic = d.get(2..4)?;
        let ok = if le {
            magic == [42, 0] || magic == [0x55, 0] || magic == b"RO" || magic == b"RS"
        } else {
            magic == [0, 42] || magic == b"OR"
        };
        if !ok {
            return None;
        }
        let mut t = Tiff {
            d,
            le,
            first_ifd: 0,
        };
        t.first_ifd = t.u32(4)?;
        Some(t)
    }

    fn u16(&self, at: usize) -> Option<u16> {
        let b: [u8; 2] = self.d.get(at..at.checked_add(2)?)?.try_into().ok()?;
        Some(if self.le {
            u16::from_le_bytes(b)
        } else {
            u16::from_be_bytes(b)
        })
    }

    fn u32(&self, at: usize) -> Option<u32> {
        let b: [u8; 4] = self.d.get(at..at.checked_add(4)?)?.try_into().ok()?;
        Some(if self.le {
            u32::from_le_bytes(b)
        } else {
            u32::from_be_bytes(b)
        })
    }

    /// The entries of the IFD at `off` (sorted as stored, at most `MAX_ENTRIES`) and the next
    /// IFD's offset (0 for none). None when the IFD does not fit in the block.
    fn ifd(&self, off: u32) -> Option<(Vec<Entry>, u32)> {
        let off = off as usize;
        let n = self.u16(off)? as usize;
        if n == 0 || n > MAX_ENTRIES {
            return None;
        }
        let end = off.checked_add(2 + 12 * n)?;
        if end > self.d.len() {
            return None;
        }
        let entries = (0..n)
            .filter_map(|i| {
                let e = off + 2 + 12 * i;
                Some(Entry {
                    tag: self.u16(e)?,
                    typ: self.u16(e + 2)?,
                    count: self.u32(e + 4)?,
                    field: e + 8,
                })
            })
            .collect();
        let next = self.u32(end).unwrap_or(0);
        Some((entries, next))
    }

    /// The bytes of an entry's value (in the block's byte order).
    fn data(&self, e: &Entry) -> Result<&'a [u8], Miss> {
        let size = type_size(e.typ).ok_or(Miss::Bad)?;
        let len = (e.count as usize).checked_mul(size).ok_or(Miss::Bad)?;
        let start = if len <= 4 {
            e.field
        } else {
            self.u32(e.field).ok_or(Miss::Bad)? as usize
        };
        let end = start.checked_add(len).ok_or(Miss::PastEnd)?;
        self.d.get(start..end).ok_or(Miss::PastEnd)
    }

    /// Unsigned integer values (BYTE, SHORT, LONG, IFD), at most `MAX_VALUES`.
    fn uints(&self, e: &Entry) -> Vec<u32> {
        let Ok(data) = self.data(e) else {
            return Vec::new();
        };
        let v = |chunk: &[u8]| -> u32 {
            match (chunk.len(), self.le) {
                (1, _) => chunk[0] as u32,
                (2, true) => u16::from_le_bytes([chunk[0], chunk[1]]) as u32,
                (2, false) => u16::from_be_bytes([chunk[0], chunk[1]]) as u32,
                (4, true) => u32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]),
                (4, false) => u32::from_be_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]),
                _ => 0,
            }
        };
        let size = match e.typ {
            1 => 1,
            3 => 2,
            4 | 13 => 4,
            _ => return Vec::new(),
        };
        data.chunks_exact(size).take(MAX_VALUES).map(v).collect()
    }

    fn uint(&self, e: Option<&Entry>) -> Option<u32> {
        self.uints(e?).first().copied()
    }
}

/// Where an IFD sits, for what it may point to.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Ctx {
    /// IFD0, its chain, SubIFDs, the EXIF IFD of the file.
    Main,
    /// Nikon's maker note (its own TIFF header): 0x0011 is the preview IFD.
    Nikon,
    /// Olympus' maker note: 0x2020 is the camera settings IFD, 0x1036/0x1037 an old preview.
    Olympus,
    /// Olympus camera settings: 0x0101/0x0102 are the preview's start and length.
    OlympusSettings,
}

/// An uncompressed RGB thumbnail found in an IFD, read only if chosen.
struct RgbThumb<'a> {
    t: Tiff<'a>,
    w: u32,
    h: u32,
    offsets: Vec<u32>,
    counts: Vec<u32>,
}

#[derive(Default)]
struct Scan<'a> {
    /// Valid JPEG previews with their frame size.
    jpegs: Vec<(&'a [u8], u32, u32)>,
    rgbs: Vec<RgbThumb<'a>>,
    past_end: bool,
    ifds: usize,
}

impl<'a> Scan<'a> {
    fn finish(self) -> Result<RawPreview<'a>, NoPreview> {
        let best = self
            .jpegs
            .iter()
            .max_by_key(|(j, w, h)| (*w as u64 * *h as u64, j.len()));
        if let Some((j, _, _)) = best {
            return Ok(RawPreview::Jpeg(j));
        }
        let mut rgbs = self.rgbs;
        rgbs.sort_by_key(|r| std::cmp::Reverse(r.w as u64 * r.h as u64));
        let mut past_end = self.past_end;
        for r in &rgbs {
            match r.read() {
                Ok(img) => return Ok(RawPreview::Rgb(img)),
                Err(Miss::PastEnd) => past_end = true,
                Err(Miss::Bad) => {}
            }
        }
        Err(if past_end {
            NoPreview::PastEnd
        } else {
            NoPreview::None
        })
    }

    /// A JPEG claimed at `off`, `len` bytes, in `d`: kept if it is there and is a baseline or
    /// progressive 8-bit JPEG; noted if it lies past the end.
    fn jpeg_at(&mut self, d: &'a [u8], off: u32, len: u32, depth: u32) {
        if off == 0 || len == 0 {
            return;
        }
        let (off, len) = (off as usize, len as usize);
        match off.checked_add(len).and_then(|end| d.get(off..end)) {
            Some(j) => self.jpeg(j, depth),
            None => self.past_end = true,
        }
    }

    fn jpeg(&mut self, j: &'a [u8], depth: u32) {
        if let Some((w, h)) = jpeg_size(j) {
            self.jpegs.push((j, w, h));
        }
        // The embedded JPEG's own EXIF thumbnail: in files stripped of their big preview (or
        // with a tiny one) it can be the largest picture present.
        if depth < MAX_DEPTH
            && let Some(tiff) = jpeg_exif(j).and_then(Tiff::new)
        {
            self.tiff(&tiff, tiff.first_ifd, Ctx::Main, depth + 1);
        }
    }

    /// Walks the IFD at `first` in `t`, its chain and what it points to.
    fn tiff(&mut self, t: &Tiff<'a>, first: u32, ctx: Ctx, depth: u32) {
        let mut seen: HashSet<u32> = HashSet::new();
        let mut queue: Vec<(u32, Ctx, u32)> = vec![(first, ctx, depth)];
        while let Some((off, ctx, depth)) = queue.pop() {
            if off == 0 || self.ifds >= MAX_IFDS * 4 || !seen.insert(off) || seen.len() > MAX_IFDS {
                continue;
            }
            self.ifds += 1;
            let Some((entries, next)) = t.ifd(off) else {
                continue;
            };
            if ctx == Ctx::Main || ctx == Ctx::Nikon {
                queue.push((next, ctx, depth));
            }
            self.ifd(t, &entries, ctx, depth, &mut queue);
        }
    }

    fn ifd(
        &mut self,
        t: &Tiff<'a>,
        entries: &[Entry],
        ctx: Ctx,
        depth: u32,
        queue: &mut Vec<(u32, Ctx, u32)>,
    ) {
        let get = |tag: u16| entries.iter().find(|e| e.tag == tag);
        let child = depth + 1;
        match ctx {
            Ctx::Main => {
                if depth < MAX_DEPTH {
                    for tag in [0x014A, 0x8769] {
                        if let Some(e) = get(tag) {
                            for off in t.uints(e).into_iter().take(MAX_IFDS) {
                                queue.push((off, Ctx::Main, child));
                            }
                        }
                    }
                    if let Some(mn) = get(0x927C).and_then(|e| t.data(e).ok()) {
                        self.maker_note(t, mn, child);
                    }
                }
                // RW2: the JpgFromRaw is the value of tag 0x002E in IFD0.
                if let Some(e) = get(0x002E) {
                    match t.data(e) {
                        Ok(j) => self.jpeg(j, child),
                        Err(Miss::PastEnd) => self.past_end = true,
                        Err(Miss::Bad) => {}
                    }
                }
                if let (Some(off), Some(len)) = (t.uint(get(0x0201)), t.uint(get(0x0202))) {
                    self.jpeg_at(t.d, off, len, child);
                }
                self.image_data(t, entries, child);
            }
            Ctx::Nikon => {
                if let Some(off) = t.uint(get(0x0011))
                    && depth < MAX_DEPTH
                {
                    queue.push((off, Ctx::Main, child));
                }
            }
            Ctx::Olympus => {
                if let (Some(off), Some(len)) = (t.uint(get(0x1036)), t.uint(get(0x1037))) {
                    self.jpeg_at(t.d, off, len, child);
                }
                if let Some(e) = get(0x2020) {
                    // Either a pointer (IFD or LONG) or the IFD itself stored as UNDEFINED.
                    let off = match e.typ {
                        4 | 13 if e.count == 1 => t.uint(Some(e)),
                        7 => t.u32(e.field).filter(|_| e.count > 4),
                        _ => None,
                    };
                    if let Some(off) = off.filter(|_| depth < MAX_DEPTH) {
                        queue.push((off, Ctx::OlympusSettings, child));
                    }
                }
            }
            Ctx::OlympusSettings => {
                if let (Some(off), Some(len)) = (t.uint(get(0x0101)), t.uint(get(0x0102))) {
                    self.jpeg_at(t.d, off, len, child);
                }
            }
        }
    }

    /// Strips or a single tile: a JPEG preview (compression 6 or 7 with a baseline or
    /// progressive frame; a DNG's lossless SOF3 raw data is refused by `jpeg_size`), or an
    /// uncompressed 8-bit RGB thumbnail.
    fn image_data(&mut self, t: &Tiff<'a>, entries: &[Entry], depth: u32) {
        let get = |tag: u16| entries.iter().find(|e| e.tag == tag);
        let (offsets, counts) = match (get(0x0111), get(0x0117), get(0x0144), get(0x0145)) {
            (Some(o), Some(c), _, _) | (None, None, Some(o), Some(c)) => (t.uints(o), t.uints(c)),
            _ => return,
        };
        if offsets.is_empty() || offsets.len() != counts.len() {
            return;
        }
        // TIFF's default compression is 1 (none).
        let compression = t.uint(get(0x0103)).unwrap_or(1);
        match compression {
            6 | 7 if offsets.len() == 1 => self.jpeg_at(t.d, offsets[0], counts[0], depth),
            1 => {
                let photometric = t.uint(get(0x0106));
                let samples = t.uint(get(0x0115)).unwrap_or(1);
                let planar = t.uint(get(0x011C)).unwrap_or(1);
                let bits = get(0x0102).map(|e| t.uints(e)).unwrap_or_default();
                let (Some(w), Some(h)) = (t.uint(get(0x0100)), t.uint(get(0x0101))) else {
                    return;
                };
                if photometric == Some(2)
                    && samples == 3
                    && planar == 1
                    && (bits == [8, 8, 8] || bits == [8])
                    && w > 0
                    && h > 0
                {
                    self.rgbs.push(RgbThumb {
                        t: *t,
                        w,
                        h,
                        offsets,
                        counts,
                    });
                }
            }
            _ => {}
        }
    }

    /// Maker notes that point at previews: Nikon's (a TIFF of its own after "Nikon\0"), and
    /// Olympus' ("OLYMPUS\0" + byte order: offsets from the note's start; "OLYMP\0": offsets
    /// from the file's TIFF header).
    fn maker_note(&mut self, t: &Tiff<'a>, mn: &'a [u8], depth: u32) {
        if mn.starts_with(b"Nikon\0") {
            if let Some(inner) = mn.get(10..).and_then(Tiff::new) {
                self.tiff(&inner, inner.first_ifd, Ctx::Nikon, depth);
            }
        } else if mn.starts_with(b"OLYMPUS\0") {
            let le = match mn.get(8..10) {
                Some(b"II") => true,
                Some(b"MM") => false,
                _ => return,
            };
            let note = Tiff {
                d: mn,
                le,
                first_ifd: 12,
            };
            self.tiff(&note, 12, Ctx::Olympus, depth);
        } else if mn.starts_with(b"OLYMP\0") {
            // The IFD starts 8 bytes into the note; its offsets count from the TIFF header.
            // `mn` is a slice of `t.d` (from `Tiff::data`): its distance from the block start.
            let start = (mn.as_ptr() as usize).checked_sub(t.d.as_ptr() as usize);
            if let Some(first) = start.and_then(|s| u32::try_from(s.checked_add(8)?).ok()) {
                self.tiff(t, first, Ctx::Olympus, depth);
            }
        }
    }

    /// RAF: a JPEG whose offset and length are at bytes 84 and 88 (big-endian).
    fn raf(&mut self, b: &'a [u8]) {
        match raf_jpeg(b) {
            Ok(Some(j)) => self.jpeg(j, 1),
            Ok(None) => {}
            Err(Miss::PastEnd) => self.past_end = true,
            Err(Miss::Bad) => {}
        }
    }

    /// CR3: the PRVW JPEG (about 1620 x 1080) in the uuid eaf42b5e box, the THMB JPEG
    /// (160 x 120) in the moov/uuid 85c0b687 box, and the full-size JPEG that is the data of the
    /// first track whose CRAW sample entry holds a `JPEG` box.
    fn cr3(&mut self, b: &'a [u8]) {
        let top = boxes(b, 0, b.len());
        for bx in &top {
            if bx.typ == *b"uuid" && bx.uuid(b) == Some(&UUID_PREVIEW[..]) {
                // 8 bytes of its own after the uuid, then the PRVW box.
                for inner in boxes(b, bx.body + 16 + 8, bx.end) {
                    if inner.typ == *b"PRVW" {
                        // u32 0, u16 1, u16 width, u16 height, u16 1, u32 JPEG length, JPEG.
                        self.cr3_jpeg(b, inner.body + 12, inner.body + 16);
                    }
                }
            }
        }
        let Some(moov) = top.iter().find(|x| x.typ == *b"moov") else {
            return;
        };
        let moov_boxes = boxes(b, moov.body, moov.end);
        for bx in &moov_boxes {
            if bx.typ == *b"uuid" && bx.uuid(b) == Some(&UUID_CANON[..]) {
                for inner in boxes(b, bx.body + 16, bx.end) {
                    if inner.typ == *b"THMB" {
                        // version and flags, u16 width, u16 height, u32 JPEG length, u16, u16,
                        // JPEG.
                        self.cr3_jpeg(b, inner.body + 8, inner.body + 16);
                    }
                }
            }
        }
        for trak in moov_boxes.iter().filter(|x| x.typ == *b"trak") {
            if let Some(stbl) = path(b, trak, &[*b"mdia", *b"minf", *b"stbl"]) {
                let kids = boxes(b, stbl.body, stbl.end);
                let find = |t: &[u8; 4]| kids.iter().find(|x| x.typ == *t);
                let Some(stsd) = find(b"stsd") else {
                    continue;
                };
                // stsd: version/flags, entry count, then sample entries.
                let entries = boxes(b, stsd.body + 8, stsd.end);
                let Some(craw) = entries.first().filter(|x| x.typ == *b"CRAW") else {
                    continue;
                };
                // CRAW: 82 bytes of fields (a visual sample entry and 4 more), then boxes.
                if !boxes(b, craw.body + 82, craw.end)
                    .iter()
                    .any(|x| x.typ == *b"JPEG")
                {
                    continue;
                }
                let size = find(b"stsz").and_then(|x| {
                    let fixed = be32(b, x.body + 4)?;
                    if fixed != 0 {
                        Some(fixed)
                    } else {
                        be32(b, x.body + 12)
                    }
                });
                let offset = find(b"co64")
                    .and_then(|x| be64(b, x.body + 8))
                    .or_else(|| find(b"stco").and_then(|x| be32(b, x.body + 8).map(u64::from)));
                if let (Some(size), Some(offset)) = (size, offset) {
                    match u32::try_from(offset) {
                        Ok(off) => self.jpeg_at(b, off, size, 1),
                        Err(_) => self.past_end = true,
                    }
                }
                break;
            }
        }
    }

    /// A CR3 JPEG whose length is the big-endian u32 at `len_at` and whose data starts at `at`.
    fn cr3_jpeg(&mut self, b: &'a [u8], len_at: usize, at: usize) {
        if let (Some(len), Ok(at)) = (be32(b, len_at), u32::try_from(at)) {
            self.jpeg_at(b, at, len, 1);
        }
    }
}

impl RgbThumb<'_> {
    /// The thumbnail's pixels, from its strips in order.
    fn read(&self) -> Result<RgbImage, Miss> {
        let need = (self.w as usize)
            .checked_mul(self.h as usize)
            .and_then(|n| n.checked_mul(3))
            .ok_or(Miss::Bad)?;
        // The pixels must be in the file: strips that repeat one region cannot make more.
        if need == 0 || need > self.t.d.len() || self.offsets.len() != self.counts.len() {
            return Err(Miss::Bad);
        }
        let mut px = Vec::new();
        for (&off, &count) in self.offsets.iter().zip(&self.counts) {
            if px.len() >= need {
                break;
            }
            let (off, count) = (off as usize, count as usize);
            let strip = off
                .checked_add(count)
                .and_then(|end| self.t.d.get(off..end))
                .ok_or(Miss::PastEnd)?;
            let take = strip.len().min(need - px.len());
            px.extend_from_slice(&strip[..take]);
        }
        if px.len() < need {
            return Err(Miss::Bad);
        }
        RgbImage::from_raw(self.w, self.h, px).ok_or(Miss::Bad)
    }
}

// ---------------------------------------------------------------------------------------------
// JPEG

/// The frame size of a baseline, extended or progressive 8-bit JPEG (SOF0, SOF1, SOF2), read from
/// its header. None for anything else: not a JPEG, a lossless (SOF3, a DNG's raw data),
/// hierarchical or arithmetic-coded frame, or a header cut short.
fn jpeg_size(j: &[u8]) -> Option<(u32, u32)> {
    if !j.starts_with(&[0xFF, 0xD8]) {
        return None;
    }
    let mut i = 2usize;
    for _ in 0..MAX_MARKERS {
        if *j.get(i)? != 0xFF {
            return None;
        }
        let m = *j.get(i + 1)?;
        match m {
            0xFF => {
                i += 1; // fill byte
                continue;
            }
            0x01 | 0xD0..=0xD7 => {
                i += 2;
                continue;
            }
            0xD9 | 0xDA => return None, // end or scan before any frame header
            _ => {}
        }
        let len = u16::from_be_bytes([*j.get(i + 2)?, *j.get(i + 3)?]) as usize;
        if len < 2 {
            return None;
        }
        match m {
            0xC0..=0xC2 => {
                let p = j.get(i + 4..i + 9)?;
                let (h, w) = (
                    u16::from_be_bytes([p[1], p[2]]) as u32,
                    u16::from_be_bytes([p[3], p[4]]) as u32,
                );
                return (p[0] == 8 && w > 0 && h > 0).then_some((w, h));
            }
            0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF => return None,
            _ => i += 2 + len,
        }
    }
    None
}

/// The TIFF block of a JPEG's EXIF APP1 segment ("Exif\0\0" + TIFF).
fn jpeg_exif(j: &[u8]) -> Option<&[u8]> {
    if !j.starts_with(&[0xFF, 0xD8]) {
        return None;
    }
    let mut i = 2usize;
    for _ in 0..MAX_MARKERS {
        if *j.get(i)? != 0xFF {
            return None;
        }
        let m = *j.get(i + 1)?;
        if m == 0xFF {
            i += 1;
            continue;
        }
        if m == 0xDA || m == 0xD9 {
            return None;
        }
        let len = u16::from_be_bytes([*j.get(i + 2)?, *j.get(i + 3)?]) as usize;
        if len < 2 {
            return None;
        }
        let seg = j.get(i + 4..i + 2 + len)?;
        if m == 0xE1 && seg.starts_with(b"Exif\0\0") {
            let tiff = &seg[6..];
            return Tiff::new(tiff).map(|_| tiff);
        }
        i += 2 + len;
    }
    None
}

// ---------------------------------------------------------------------------------------------
// RAF, CR3 (ISO BMFF), MRW

/// The JPEG of a RAF: Ok(None) when the header gives none, PastEnd when it lies past the end.
fn raf_jpeg(b: &[u8]) -> Result<Option<&[u8]>, Miss> {
    let (Some(off), Some(len)) = (be32(b, 84), be32(b, 88)) else {
        return Err(Miss::Bad);
    };
    if off == 0 || len == 0 {
        return Ok(None);
    }
    let (off, len) = (off as usize, len as usize);
    off.checked_add(len)
        .and_then(|end| b.get(off..end))
        .map(Some)
        .ok_or(Miss::PastEnd)
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

/// uuid eaf42b5e-1c98-4b88-b9fb-b7dc406e4d16: CR3's preview box (PRVW).
const UUID_PREVIEW: [u8; 16] = [
    0xea, 0xf4, 0x2b, 0x5e, 0x1c, 0x98, 0x4b, 0x88, 0xb9, 0xfb, 0xb7, 0xdc, 0x40, 0x6e, 0x4d, 0x16,
];
/// uuid 85c0b687-820f-11e0-8111-f4ce462b6a48: Canon's metadata box in moov (CMT1..4, THMB).
const UUID_CANON: [u8; 16] = [
    0x85, 0xc0, 0xb6, 0x87, 0x82, 0x0f, 0x11, 0xe0, 0x81, 0x11, 0xf4, 0xce, 0x46, 0x2b, 0x6a, 0x48,
];

/// One ISO BMFF box.
#[derive(Debug, Clone, Copy)]
struct Bx {
    typ: [u8; 4],
    /// Where the box's contents start (after size, type and any 64-bit size).
    body: usize,
    /// Where it ends, clamped to its parent.
    end: usize,
}

impl Bx {
    /// A `uuid` box's identifier.
    fn uuid<'b>(&self, b: &'b [u8]) -> Option<&'b [u8]> {
        b.get(self.body..self.body.checked_add(16)?)
    }
}

/// The boxes between `start` and `end` of `b`, at most `MAX_BOXES`.
fn boxes(b: &[u8], start: usize, end: usize) -> Vec<Bx> {
    let end = end.min(b.len());
    let mut out = Vec::new();
    let mut at = start;
    while at.checked_add(8).is_some_and(|h| h <= end) && out.len() < MAX_BOXES {
        let Some(size) = be32(b, at) else { break };
        let typ: [u8; 4] = match b.get(at + 4..at + 8).and_then(|t| t.try_into().ok()) {
            Some(t) => t,
            None => break,
        };
        let (body, claimed) = match size {
            0 => (at + 8, end - at),
            1 => match be64(b, at + 8) {
                Some(large) => (at + 16, usize::try_from(large).unwrap_or(usize::MAX)),
                None => break,
            },
            n => (at + 8, n as usize),
        };
        if claimed < body - at {
            break;
        }
        let box_end = at.saturating_add(claimed);
        out.push(Bx {
            typ,
            body,
            end: box_end.min(end),
        });
        if box_end >= end {
            break;
        }
        at = box_end;
    }
    out
}

/// The box at the end of `names`, from `parent` down.
fn path(b: &[u8], parent: &Bx, names: &[[u8; 4]]) -> Option<Bx> {
    let mut cur = *parent;
    for name in names {
        cur = boxes(b, cur.body, cur.end)
            .into_iter()
            .find(|x| x.typ == *name)?;
    }
    Some(cur)
}

/// CR3's EXIF: the TIFF blocks in CMT1 (IFD0), CMT2 (EXIF IFD) and CMT4 (GPS IFD), rebuilt as
/// one TIFF whose IFD0 points at the other two.
fn cr3_exif(b: &[u8]) -> Vec<Cow<'_, [u8]>> {
    let mut cmt: [Option<&[u8]>; 4] = [None; 4];
    let top = boxes(b, 0, b.len());
    let Some(moov) = top.iter().find(|x| x.typ == *b"moov") else {
        return Vec::new();
    };
    for bx in boxes(b, moov.body, moov.end) {
        if bx.typ == *b"uuid" && bx.uuid(b) == Some(&UUID_CANON[..]) {
            for inner in boxes(b, bx.body + 16, bx.end) {
                let slot = match &inner.typ {
                    b"CMT1" => 0,
                    b"CMT2" => 1,
                    b"CMT3" => 2,
                    b"CMT4" => 3,
                    _ => continue,
                };
                if cmt[slot].is_none() {
                    cmt[slot] = b.get(inner.body..inner.end);
                }
            }
        }
    }
    let tiff = |i: usize| cmt[i].and_then(Tiff::new);
    if let Some(ifd0) = tiff(0) {
        let exif = tiff(1).map(|t| (t, t.first_ifd));
        let gps = tiff(3).map(|t| (t, t.first_ifd));
        if let Some(block) = rebuild(&ifd0, ifd0.first_ifd, Links::Given(exif, gps)) {
            return vec![Cow::Owned(block)];
        }
    }
    Vec::new()
}

/// MRW: the TIFF block in its TTW block (after the "\0MRM" header, blocks of a 4-byte name and a
/// big-endian length).
fn mrw_ttw(b: &[u8]) -> Option<&[u8]> {
    let end = 8usize.checked_add(be32(b, 4)? as usize)?.min(b.len());
    let mut at = 8usize;
    for _ in 0..64 {
        let name = b.get(at..at + 4)?;
        let len = be32(b, at + 4)? as usize;
        let body = at + 8;
        if name == b"\0TTW" {
            let block = b.get(body..body.checked_add(len)?.min(b.len()))?;
            return Tiff::new(block).map(|_| block);
        }
        at = body.checked_add(len)?;
        if at >= end {
            return None;
        }
    }
    None
}

// ---------------------------------------------------------------------------------------------
// Rebuilding a standard TIFF from IFDs

/// One entry to write: its value already in little-endian order.
struct Out {
    tag: u16,
    typ: u16,
    count: u32,
    data: Vec<u8>,
}

/// Tags left out of rebuilt IFDs: pointers that would dangle, and image data.
const DANGLING: &[u16] = &[
    0x002E, // RW2 JpgFromRaw (the JPEG itself)
    0x0111, 0x0117, 0x0144, 0x0145, // strips, tiles
    0x0201, 0x0202, // JPEG thumbnail
    0x014A, // SubIFDs
    0x8769, 0x8825, 0xA005, // EXIF, GPS, interoperability pointers
];

/// The entries of the IFD at `off` in `t`, values converted to little-endian; entries whose
/// value is missing, too large or of an unknown type are left out.
fn entries_le(t: &Tiff, off: u32) -> Vec<Out> {
    let Some((entries, _)) = t.ifd(off) else {
        return Vec::new();
    };
    let mut out: Vec<Out> = Vec::new();
    for e in entries {
        if DANGLING.contains(&e.tag) || out.iter().any(|o| o.tag == e.tag) {
            continue;
        }
        let Ok(raw) = t.data(&e) else { continue };
        if raw.len() > MAX_VALUE_BYTES {
            continue;
        }
        let Some(size) = type_size(e.typ) else {
            continue;
        };
        let mut data = raw.to_vec();
        if !t.le {
            // Swap each number; rationals are two 4-byte numbers.
            let unit = match e.typ {
                5 | 10 => 4,
                _ => size,
            };
            if unit > 1 {
                data.chunks_exact_mut(unit).for_each(|c| c.reverse());
            }
        }
        out.push(Out {
            tag: e.tag,
            typ: e.typ,
            count: e.count,
            data,
        });
    }
    out
}

/// Where a rebuilt block's EXIF and GPS IFDs come from.
enum Links<'a> {
    /// IFD0's own pointers (RW2, ORF).
    Own,
    /// Separate blocks, each with its IFD offset (CR3's CMT2 and CMT4); IFD0's own pointers,
    /// which count from somewhere else, are not followed.
    Given(Option<(Tiff<'a>, u32)>, Option<(Tiff<'a>, u32)>),
}

/// A little-endian TIFF: IFD0 from `t0` (at `off0`), linked to an EXIF IFD and a GPS IFD.
fn rebuild(t0: &Tiff, off0: u32, links: Links) -> Option<Vec<u8>> {
    let (entries0, _) = t0.ifd(off0)?;
    let pointer = |tag: u16| t0.uint(entries0.iter().find(|e| e.tag == tag));
    let (exif, gps) = match links {
        Links::Own => (
            pointer(0x8769).map(|o| (*t0, o)),
            pointer(0x8825).map(|o| (*t0, o)),
        ),
        Links::Given(exif, gps) => (exif, gps),
    };
    let mut ifd0 = entries_le(t0, off0);
    let exif = exif
        .map(|(t, o)| entries_le(&t, o))
        .filter(|e| !e.is_empty());
    let gps = gps
        .map(|(t, o)| entries_le(&t, o))
        .filter(|e| !e.is_empty());
    if ifd0.is_empty() && exif.is_none() && gps.is_none() {
        return None;
    }
    // Placeholders for the pointers, filled in once the layout is known.
    if exif.is_some() {
        ifd0.push(Out {
            tag: 0x8769,
            typ: 4,
            count: 1,
            data: vec![0; 4],
        });
    }
    if gps.is_some() {
        ifd0.push(Out {
            tag: 0x8825,
            typ: 4,
            count: 1,
            data: vec![0; 4],
        });
    }
    let mut ifds: Vec<Vec<Out>> = vec![ifd0];
    ifds.extend(exif);
    ifds.extend(gps);
    let mut buf: Vec<u8> = b"II*\0\x08\0\0\0".to_vec();
    let mut starts = Vec::new();
    for ifd in &mut ifds {
        ifd.sort_by_key(|o| o.tag);
        let start = buf.len();
        starts.push(start);
        let table = 2 + 12 * ifd.len() + 4;
        let mut data_at = start + table;
        let mut data_area: Vec<u8> = Vec::new();
        buf.extend_from_slice(&(ifd.len() as u16).to_le_bytes());
        for o in ifd.iter() {
            buf.extend_from_slice(&o.tag.to_le_bytes());
            buf.extend_from_slice(&o.typ.to_le_bytes());
            buf.extend_from_slice(&o.count.to_le_bytes());
            if o.data.len() <= 4 {
                let mut field = [0u8; 4];
                field[..o.data.len()].copy_from_slice(&o.data);
                buf.extend_from_slice(&field);
            } else {
                buf.extend_from_slice(&u32::try_from(data_at).ok()?.to_le_bytes());
                data_area.extend_from_slice(&o.data);
                if data_area.len() % 2 == 1 {
                    data_area.push(0);
                }
                data_at = start + table + data_area.len();
            }
        }
        buf.extend_from_slice(&0u32.to_le_bytes()); // no next IFD
        buf.extend_from_slice(&data_area);
    }
    // Fill in the pointers in IFD0.
    let mut next = 1;
    for tag in [0x8769u16, 0x8825] {
        let n = u16::from_le_bytes([buf[8], buf[9]]) as usize;
        if let Some(i) = (0..n).find(|i| buf[10 + 12 * i..12 + 12 * i] == tag.to_le_bytes()) {
            let target = u32::try_from(*starts.get(next)?).ok()?;
            buf[18 + 12 * i..22 + 12 * i].copy_from_slice(&target.to_le_bytes());
            next += 1;
        }
    }
    Some(buf)
}

#[cfg(test)]
mod tests;
