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
mod tests {
    use super::*;
    use crate::ingest::encode_jpeg;
    use image::Rgb;
    use std::path::PathBuf;

    fn fixture(name: &str) -> Vec<u8> {
        let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/raw")
            .join(name);
        std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
    }

    fn ext(name: &str) -> String {
        name.rsplit('.').next().unwrap().to_ascii_lowercase()
    }

    /// What `preview` chose: its kind and frame size.
    type Chosen = Result<(&'static str, u32, u32), NoPreview>;

    /// The frame size of the preview chosen, or what was wrong.
    fn chosen(bytes: &[u8], ext: &str) -> Chosen {
        preview(bytes, ext).map(|p| match p {
            RawPreview::Jpeg(j) => {
                let (w, h) = jpeg_size(j).unwrap();
                // It decodes.
                let img = image::load_from_memory_with_format(j, image::ImageFormat::Jpeg)
                    .expect("the preview decodes");
                assert_eq!((img.width(), img.height()), (w, h));
                ("jpeg", w, h)
            }
            RawPreview::Rgb(img) => ("rgb", img.width(), img.height()),
        })
    }

    /// An ASCII field of the first block that has it, as kamadak-exif reads it.
    fn ascii(blocks: &[Cow<'_, [u8]>], tag: exif::Tag) -> Option<String> {
        blocks.iter().find_map(|b| {
            let exif = match exif::Reader::new()
                .continue_on_error(true)
                .read_raw(b.to_vec())
            {
                Ok(e) => e,
                Err(exif::Error::PartialResult(p)) => p.into_inner().0,
                Err(e) => panic!("the block does not parse: {e}"),
            };
            let f = exif.get_field(tag, exif::In::PRIMARY)?;
            match &f.value {
                exif::Value::Ascii(v) => Some(
                    String::from_utf8_lossy(v.first()?)
                        .trim_end_matches(['\0', ' '])
                        .to_string(),
                ),
                _ => None,
            }
        })
    }

    // ---- real samples (Image-ExifTool 12.57, t/images; image data stripped by ExifTool) ----

    /// What exiftool 12.57 reports (`-PreviewImage`, `-JpgFromRaw`, `-ThumbnailImage` and the
    /// IFD0 strips): CR2, CR3 and NEF carry only 16- to 29-byte stand-ins such as
    /// "<Dummy preview image data>", which are not JPEGs. The DNG's IFD0 is an 8 x 8 RGB strip
    /// (192 bytes), the IIQ's a 1 x 1 one. The RAF's preview is a 12167-byte JPEG of 8 x 8 whose
    /// EXIF holds a 9362-byte 160 x 120 thumbnail; the RW2's JpgFromRaw a 10785-byte 8 x 8 JPEG.
    #[test]
    fn previews_of_real_samples() {
        let want: [(&str, Chosen); 8] = [
            ("CanonRaw.cr2", Err(NoPreview::None)),
            ("CanonRaw.cr3", Err(NoPreview::None)),
            ("DNG.dng", Ok(("rgb", 8, 8))),
            ("FujiFilm.raf", Ok(("jpeg", 160, 120))),
            ("Nikon.nef", Err(NoPreview::None)),
            ("Panasonic.rw2", Ok(("jpeg", 8, 8))),
            ("PhaseOne.iiq", Ok(("rgb", 1, 1))),
            ("Minolta.mrw", Err(NoPreview::None)),
        ];
        for (name, want) in want {
            assert_eq!(chosen(&fixture(name), &ext(name)), want, "{name}");
        }
        // The RAF's choice is the 9362-byte thumbnail exiftool extracts.
        let raf = fixture("FujiFilm.raf");
        let Ok(RawPreview::Jpeg(j)) = preview(&raf, "raf") else {
            panic!()
        };
        assert_eq!(j.len(), 9362);
    }

    /// DateTimeOriginal, Make and Model as `exiftool -a -G1 -s` 12.57 printed them.
    #[test]
    fn exif_of_real_samples() {
        let want = [
            (
                "CanonRaw.cr2",
                "2005:08:03 18:59:18",
                "Canon",
                "Canon EOS 350D DIGITAL",
            ),
            (
                "CanonRaw.cr3",
                "2018:02:21 12:08:56",
                "Canon",
                "Canon EOS M50",
            ),
            (
                "DNG.dng",
                "2005:08:03 18:59:18",
                "Canon",
                "Canon EOS 350D DIGITAL",
            ),
            (
                "FujiFilm.raf",
                "2007:05:22 13:58:30",
                "FUJIFILM",
                "FinePix S5Pro",
            ),
            (
                "Nikon.nef",
                "2004:06:09 16:02:35",
                "NIKON CORPORATION",
                "NIKON D70",
            ),
            (
                "Panasonic.rw2",
                "2008:08:06 15:21:56",
                "Panasonic",
                "DMC-LX3",
            ),
            ("PhaseOne.iiq", "2013:06:19 15:44:21", "Leaf", "Credo 40"),
            (
                "Minolta.mrw",
                "2004:11:18 23:14:58",
                "Konica Minolta Camera, Inc.",
                "DiMAGE A2",
            ),
        ];
        for (name, date, make, model) in want {
            let bytes = fixture(name);
            let blocks = exif_blocks(&bytes, &ext(name));
            assert!(!blocks.is_empty(), "{name}");
            for b in &blocks {
                assert!(b.starts_with(b"II*\0") || b.starts_with(b"MM\0*"), "{name}");
            }
            let got = (
                ascii(&blocks, exif::Tag::DateTimeOriginal),
                ascii(&blocks, exif::Tag::Make),
                ascii(&blocks, exif::Tag::Model),
            );
            let want = (Some(date.into()), Some(make.into()), Some(model.into()));
            assert_eq!(got, want, "{name}");
        }
        // The CR3's GPS IFD (CMT4) is linked in: exiftool reads GPSVersionID 2 3 0 0.
        let cr3 = fixture("CanonRaw.cr3");
        let blocks = exif_blocks(&cr3, "cr3");
        let exif = exif::Reader::new().read_raw(blocks[0].to_vec()).unwrap();
        let v = exif
            .get_field(exif::Tag::GPSVersionID, exif::In::PRIMARY)
            .unwrap();
        assert!(matches!(&v.value, exif::Value::Byte(b) if b == &[2, 3, 0, 0]));
        // Plain TIFF-based RAW: the file itself, not a copy.
        let nef = fixture("Nikon.nef");
        assert!(matches!(&exif_blocks(&nef, "nef")[0], Cow::Borrowed(b) if b.len() == nef.len()));
    }

    // ---- files built byte by byte ----

    /// A little-endian TIFF-structured file under construction: blobs and IFDs are appended,
    /// children before the IFDs that point at them.
    struct Builder {
        d: Vec<u8>,
    }

    /// An entry: tag, type, count, value bytes (little-endian; placed inline when <= 4).
    type E = (u16, u16, u32, Vec<u8>);

    fn short(tag: u16, v: u16) -> E {
        (tag, 3, 1, v.to_le_bytes().to_vec())
    }
    fn long(tag: u16, v: u32) -> E {
        (tag, 4, 1, v.to_le_bytes().to_vec())
    }
    fn longs(tag: u16, v: &[u32]) -> E {
        (
            tag,
            4,
            v.len() as u32,
            v.iter().flat_map(|x| x.to_le_bytes()).collect(),
        )
    }
    fn text(tag: u16, v: &str) -> E {
        let mut b = v.as_bytes().to_vec();
        b.push(0);
        (tag, 2, b.len() as u32, b)
    }
    fn undefined(tag: u16, v: &[u8]) -> E {
        (tag, 7, v.len() as u32, v.to_vec())
    }

    impl Builder {
        fn new(magic: &[u8; 4]) -> Self {
            let mut d = magic.to_vec();
            d.extend([0, 0, 0, 0]);
            Builder { d }
        }
        fn align(&mut self) {
            if self.d.len() % 2 == 1 {
                self.d.push(0);
            }
        }
        fn blob(&mut self, b: &[u8]) -> u32 {
            self.align();
            let at = self.d.len() as u32;
            self.d.extend_from_slice(b);
            at
        }
        /// Where the next IFD will start.
        fn next_ifd(&mut self) -> u32 {
            self.align();
            self.d.len() as u32
        }
        fn ifd(&mut self, entries: &[E], next: u32) -> u32 {
            let at = self.next_ifd() as usize;
            let mut entries = entries.to_vec();
            entries.sort_by_key(|e| e.0);
            let table = 2 + 12 * entries.len() + 4;
            let mut data = Vec::new();
            let mut out = (entries.len() as u16).to_le_bytes().to_vec();
            for (tag, typ, count, v) in &entries {
                out.extend(tag.to_le_bytes());
                out.extend(typ.to_le_bytes());
                out.extend(count.to_le_bytes());
                if v.len() <= 4 {
                    let mut f = v.clone();
                    f.resize(4, 0);
                    out.extend(f);
                } else {
                    out.extend(((at + table + data.len()) as u32).to_le_bytes());
                    data.extend(v);
                    if data.len() % 2 == 1 {
                        data.push(0);
                    }
                }
            }
            out.extend(next.to_le_bytes());
            out.extend(data);
            self.d.extend(out);
            at as u32
        }
        fn first(mut self, ifd0: u32) -> Vec<u8> {
            self.d[4..8].copy_from_slice(&ifd0.to_le_bytes());
            self.d
        }
    }

    fn jpeg(w: u32, h: u32, colour: [u8; 3]) -> Vec<u8> {
        encode_jpeg(&RgbImage::from_pixel(w, h, Rgb(colour)), 80).unwrap()
    }

    /// A JPEG claiming a lossless (SOF3) frame of 4000 x 3000, as a DNG's raw data does.
    fn lossless_jpeg() -> Vec<u8> {
        let mut j = jpeg(16, 16, [9, 9, 9]);
        let at = j.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
        j[at + 1] = 0xC3;
        j[at + 5..at + 9].copy_from_slice(&[0x0B, 0xB8, 0x0F, 0xA0]);
        j
    }

    /// A JPEG with an EXIF APP1 holding `tiff`.
    fn with_exif(j: &[u8], tiff: &[u8]) -> Vec<u8> {
        let mut seg = b"Exif\0\0".to_vec();
        seg.extend(tiff);
        let len = (seg.len() + 2) as u16;
        [
            &j[..2],
            &[0xFF, 0xE1],
            &len.to_be_bytes()[..],
            &seg,
            &j[2..],
        ]
        .concat()
    }

    /// A small EXIF TIFF: IFD0 with Make and Model, EXIF IFD with DateTimeOriginal.
    fn exif_tiff(make: &str, date: &str) -> Vec<u8> {
        let mut b = Builder::new(b"II*\0");
        let exif = b.ifd(&[text(0x9003, date)], 0);
        let ifd0 = b.ifd(
            &[
                text(0x010F, make),
                text(0x0110, "Model X"),
                long(0x8769, exif),
            ],
            0,
        );
        b.first(ifd0)
    }

    /// A DNG/NEF-shaped TIFF: IFD0 a 32 x 24 JPEG thumbnail (0x0201/0x0202) and an 8 x 6 RGB
    /// strip; SubIFD 1 a 320 x 240 JPEG strip (compression 7, NewSubFileType 1); SubIFD 2 the
    /// lossless raw data claiming 4000 x 3000.
    fn dng_like() -> Vec<u8> {
        let mut b = Builder::new(b"II*\0");
        let small = jpeg(32, 24, [200, 0, 0]);
        let big = jpeg(320, 240, [0, 200, 0]);
        let raw = lossless_jpeg();
        let (small_at, big_at, raw_at) = (b.blob(&small), b.blob(&big), b.blob(&raw));
        let rgb: Vec<u8> = (0..8 * 6).flat_map(|i| [i as u8, 100, 200]).collect();
        let rgb_at = b.blob(&rgb);
        let preview = b.ifd(
            &[
                long(0x00FE, 1),
                long(0x0100, 320),
                long(0x0101, 240),
                short(0x0103, 7),
                long(0x0111, big_at),
                long(0x0117, big.len() as u32),
            ],
            0,
        );
        let raw_ifd = b.ifd(
            &[
                long(0x00FE, 0),
                long(0x0100, 4000),
                long(0x0101, 3000),
                short(0x0103, 7),
                long(0x0111, raw_at),
                long(0x0117, raw.len() as u32),
            ],
            0,
        );
        let ifd0 = b.ifd(
            &[
                long(0x00FE, 1),
                long(0x0100, 8),
                long(0x0101, 6),
                (
                    0x0102,
                    3,
                    3,
                    [8u16, 8, 8].iter().flat_map(|x| x.to_le_bytes()).collect(),
                ),
                short(0x0103, 1),
                short(0x0106, 2),
                long(0x0111, rgb_at),
                short(0x0115, 3),
                long(0x0117, rgb.len() as u32),
                long(0x0201, small_at),
                long(0x0202, small.len() as u32),
                longs(0x014A, &[preview, raw_ifd]),
                text(0x010F, "Maker"),
            ],
            0,
        );
        b.first(ifd0)
    }

    #[test]
    fn the_largest_jpeg_wins_and_lossless_raw_data_is_refused() {
        let dng = dng_like();
        assert_eq!(chosen(&dng, "dng"), Ok(("jpeg", 320, 240)));
        // Without the SubIFDs: the 32 x 24 thumbnail beats the RGB strip.
        let mut no_sub = dng.clone();
        let at = no_sub
            .windows(4)
            .position(|w| w == [0x4A, 0x01, 0x04, 0x00])
            .unwrap();
        no_sub[at..at + 2].copy_from_slice(&[0x4B, 0x01]); // an unknown tag now
        assert_eq!(chosen(&no_sub, "dng"), Ok(("jpeg", 32, 24)));
        // The lossless frame alone is no preview.
        let mut b = Builder::new(b"II*\0");
        let raw = lossless_jpeg();
        let raw_at = b.blob(&raw);
        let ifd0 = b.ifd(
            &[
                short(0x0103, 7),
                long(0x0111, raw_at),
                long(0x0117, raw.len() as u32),
            ],
            0,
        );
        assert_eq!(chosen(&b.first(ifd0), "dng"), Err(NoPreview::None));
    }

    #[test]
    fn an_rgb_thumbnail_is_the_last_resort() {
        let mut b = Builder::new(b"II*\0");
        let rgb: Vec<u8> = (0..8 * 6).flat_map(|i| [i as u8, 100, 200]).collect();
        // Two strips of three rows each.
        let (s1, s2) = (b.blob(&rgb[..72]), b.blob(&rgb[72..]));
        let ifd0 = b.ifd(
            &[
                long(0x0100, 8),
                long(0x0101, 6),
                (
                    0x0102,
                    3,
                    3,
                    [8u16, 8, 8].iter().flat_map(|x| x.to_le_bytes()).collect(),
                ),
                short(0x0103, 1),
                short(0x0106, 2),
                longs(0x0111, &[s1, s2]),
                short(0x0115, 3),
                longs(0x0117, &[72, 72]),
            ],
            0,
        );
        let file = b.first(ifd0);
        let Ok(RawPreview::Rgb(img)) = preview(&file, "dng") else {
            panic!("no RGB thumbnail")
        };
        assert_eq!(img.dimensions(), (8, 6));
        assert_eq!(img.as_raw(), &rgb);
        // A strip shorter than the picture: no preview (the NEF sample's case).
        let mut cut = file.clone();
        let at = cut
            .windows(8)
            .position(|w| w == [72, 0, 0, 0, 72, 0, 0, 0])
            .unwrap();
        cut[at + 4] = 10;
        assert_eq!(chosen(&cut, "dng"), Err(NoPreview::None));
        // A huge claimed size made of one small strip repeated: refused, nothing allocated.
        let mut b = Builder::new(b"II*\0");
        let strip = b.blob(&[0u8; 96]);
        let ifd0 = b.ifd(
            &[
                long(0x0100, 30_000),
                long(0x0101, 30_000),
                short(0x0102, 8),
                short(0x0106, 2),
                longs(0x0111, &vec![strip; 20_000]),
                short(0x0115, 3),
                longs(0x0117, &vec![96; 20_000]),
            ],
            0,
        );
        assert_eq!(chosen(&b.first(ifd0), "dng"), Err(NoPreview::None));
    }

    #[test]
    fn a_preview_past_the_end_is_reported() {
        // IFD0 claims a JPEG of 5000 bytes where the file ends first.
        let mut b = Builder::new(b"II*\0");
        let j = jpeg(32, 24, [1, 2, 3]);
        let at = b.blob(&j);
        let ifd0 = b.ifd(&[long(0x0201, at), long(0x0202, 5000)], 0);
        assert_eq!(chosen(&b.first(ifd0), "arw"), Err(NoPreview::PastEnd));
        // A real file cut short: the RAF's preview no longer fits.
        let raf = fixture("FujiFilm.raf");
        assert_eq!(
            preview(&raf[..10_000], "raf").err(),
            Some(NoPreview::PastEnd)
        );
        // The DNG cut inside the 8 x 8 RGB strip at its end.
        let dng = fixture("DNG.dng");
        assert_eq!(
            preview(&dng[..dng.len() - 10], "dng").err(),
            Some(NoPreview::PastEnd)
        );
        // (A smaller preview that is whole still wins over the report: see the CR3 test.)
    }

    #[test]
    fn ifd_loops_end() {
        let mut b = Builder::new(b"II*\0");
        let j = jpeg(48, 32, [5, 5, 5]);
        let at = b.blob(&j);
        // IFD0 whose next IFD, SubIFD and EXIF IFD are all itself.
        let me = b.next_ifd();
        let ifd0 = b.ifd(
            &[
                long(0x0201, at),
                long(0x0202, j.len() as u32),
                longs(0x014A, &[me, me]),
                long(0x8769, me),
            ],
            me,
        );
        assert_eq!(ifd0, me);
        let file = b.first(ifd0);
        assert_eq!(chosen(&file, "nef"), Ok(("jpeg", 48, 32)));
        assert_eq!(exif_blocks(&file, "nef").len(), 1);
        // Two IFDs pointing at each other.
        let mut b = Builder::new(b"II*\0");
        let a_at = b.next_ifd();
        let b_at = a_at + 2 + 12 + 4;
        let a = b.ifd(&[long(0x014A, b_at)], b_at);
        let c = b.ifd(&[long(0x014A, a_at)], a_at);
        assert_eq!((a, c), (a_at, b_at));
        assert_eq!(chosen(&b.first(a), "cr2"), Err(NoPreview::None));
    }

    fn raf(jpeg: &[u8]) -> Vec<u8> {
        let mut f = b"FUJIFILMCCD-RAW 0201FF383501".to_vec();
        f.resize(160, 0);
        f[84..88].copy_from_slice(&160u32.to_be_bytes());
        f[88..92].copy_from_slice(&(jpeg.len() as u32).to_be_bytes());
        f.extend(jpeg);
        f.extend([0u8; 64]); // the raw data would follow
        f
    }

    #[test]
    fn raf_preview_and_exif() {
        let j = with_exif(
            &jpeg(96, 64, [10, 20, 30]),
            &exif_tiff("FUJIFILM", "2020:01:02 03:04:05"),
        );
        let file = raf(&j);
        assert_eq!(chosen(&file, "raf"), Ok(("jpeg", 96, 64)));
        let blocks = exif_blocks(&file, "raf");
        assert_eq!(ascii(&blocks, exif::Tag::Make).as_deref(), Some("FUJIFILM"));
        assert_eq!(
            ascii(&blocks, exif::Tag::DateTimeOriginal).as_deref(),
            Some("2020:01:02 03:04:05")
        );
        assert_eq!(preview(&file[..200], "raf").err(), Some(NoPreview::PastEnd));
    }

    fn bmff(typ: &[u8; 4], body: &[u8]) -> Vec<u8> {
        [&(8 + body.len() as u32).to_be_bytes()[..], typ, body].concat()
    }

    /// A CR3-shaped file: THMB (160 x 120) and CMT boxes in moov's Canon uuid, a PRVW
    /// (`prvw` x 2/3) box, and (optionally) a first track whose data is a `full` JPEG in mdat.
    /// CMT2 is big-endian, as a check on the rebuilt block's byte order.
    fn cr3(prvw: u32, full: Option<(u32, u32)>) -> Vec<u8> {
        let thmb_j = jpeg(160, 120, [1, 1, 1]);
        let mut thmb = vec![0, 0, 0, 0, 0, 160, 0, 120];
        thmb.extend((thmb_j.len() as u32).to_be_bytes());
        thmb.extend([0, 1, 0, 0]);
        thmb.extend(&thmb_j);
        let mut cmt1 = Builder::new(b"II*\0");
        let ifd = cmt1.ifd(&[text(0x010F, "Canon"), text(0x0110, "Canon EOS R")], 0);
        let cmt1 = cmt1.first(ifd);
        // Big-endian EXIF IFD with DateTimeOriginal and a SHORT (ISO 400).
        let date = b"2021:07:08 09:10:11\0";
        let mut cmt2 = b"MM\0*\0\0\0\x08\0\x02".to_vec();
        cmt2.extend([0x88, 0x27, 0, 3, 0, 0, 0, 1, 0x01, 0x90, 0, 0]);
        cmt2.extend([0x90, 0x03, 0, 2, 0, 0, 0, 20, 0, 0, 0, 38]);
        cmt2.extend([0, 0, 0, 0]);
        cmt2.extend(date);
        let mut cmt4 = Builder::new(b"II*\0");
        let ifd = cmt4.ifd(&[(0x0000, 1, 4, vec![2, 3, 0, 0]), text(0x0001, "N")], 0);
        let cmt4 = cmt4.first(ifd);
        let canon = [
            &[
                0x85, 0xc0, 0xb6, 0x87, 0x82, 0x0f, 0x11, 0xe0, 0x81, 0x11, 0xf4, 0xce, 0x46, 0x2b,
                0x6a, 0x48,
            ][..],
            &bmff(b"CMT1", &cmt1),
            &bmff(b"CMT2", &cmt2),
            &bmff(b"CMT4", &cmt4),
            &bmff(b"THMB", &thmb),
        ]
        .concat();
        let prvw_j = jpeg(prvw, prvw * 2 / 3, [2, 2, 2]);
        let mut p = vec![0, 0, 0, 0, 0, 1];
        p.extend((prvw as u16).to_be_bytes());
        p.extend(((prvw * 2 / 3) as u16).to_be_bytes());
        p.extend([0, 1]);
        p.extend((prvw_j.len() as u32).to_be_bytes());
        p.extend(&prvw_j);
        let preview_uuid = [
            &[
                0xea, 0xf4, 0x2b, 0x5e, 0x1c, 0x98, 0x4b, 0x88, 0xb9, 0xfb, 0xb7, 0xdc, 0x40, 0x6e,
                0x4d, 0x16,
            ][..],
            &[0, 0, 0, 0, 0, 0, 0, 1],
            &bmff(b"PRVW", &p),
        ]
        .concat();
        let ftyp = bmff(b"ftyp", b"crx \0\0\0\x01crx isom");
        let full_j = full.map(|(w, h)| jpeg(w, h, [3, 3, 3]));
        // The track, with the chunk offset filled in once the layout is known.
        let trak = |offset: u64, size: u32| {
            let craw = bmff(b"CRAW", &[&[0u8; 82][..], &bmff(b"JPEG", &[0; 4])].concat());
            let stsd = bmff(b"stsd", &[&[0u8, 0, 0, 0, 0, 0, 0, 1][..], &craw].concat());
            let stsz = bmff(
                b"stsz",
                &[&[0u8; 4][..], &size.to_be_bytes(), &1u32.to_be_bytes()].concat(),
            );
            let co64 = bmff(
                b"co64",
                &[&[0u8, 0, 0, 0, 0, 0, 0, 1][..], &offset.to_be_bytes()].concat(),
            );
            let stbl = bmff(b"stbl", &[stsd, stsz, co64].concat());
            bmff(b"trak", &bmff(b"mdia", &bmff(b"minf", &stbl)))
        };
        let build = |offset: u64| {
            let mut moov = bmff(b"uuid", &canon);
            if let Some(j) = &full_j {
                moov.extend(trak(offset, j.len() as u32));
            }
            let head = [
                ftyp.clone(),
                bmff(b"moov", &moov),
                bmff(b"uuid", &preview_uuid),
            ]
            .concat();
            let mdat = bmff(b"mdat", full_j.as_deref().unwrap_or_default());
            (head, mdat)
        };
        let (head, _) = build(0);
        let (head, mdat) = build(head.len() as u64 + 8);
        [head, mdat].concat()
    }

    #[test]
    fn cr3_previews_the_largest_wins() {
        assert_eq!(
            chosen(&cr3(240, Some((480, 320))), "cr3"),
            Ok(("jpeg", 480, 320))
        );
        assert_eq!(chosen(&cr3(240, None), "cr3"), Ok(("jpeg", 240, 160)));
        // A PRVW smaller than the THMB: the THMB.
        assert_eq!(chosen(&cr3(96, None), "cr3"), Ok(("jpeg", 160, 120)));
        // The full-size JPEG cut off: the PRVW still wins over the report.
        let whole = cr3(240, Some((480, 320)));
        assert_eq!(
            chosen(&whole[..whole.len() - 100], "cr3"),
            Ok(("jpeg", 240, 160))
        );
    }

    #[test]
    fn cr3_exif_is_one_linked_block() {
        let file = cr3(96, None);
        let blocks = exif_blocks(&file, "cr3");
        assert_eq!(blocks.len(), 1);
        assert_eq!(ascii(&blocks, exif::Tag::Make).as_deref(), Some("Canon"));
        assert_eq!(
            ascii(&blocks, exif::Tag::Model).as_deref(),
            Some("Canon EOS R")
        );
        assert_eq!(
            ascii(&blocks, exif::Tag::DateTimeOriginal).as_deref(),
            Some("2021:07:08 09:10:11")
        );
        let exif = exif::Reader::new().read_raw(blocks[0].to_vec()).unwrap();
        let iso = exif
            .get_field(exif::Tag::PhotographicSensitivity, exif::In::PRIMARY)
            .unwrap();
        assert_eq!(
            iso.value.get_uint(0),
            Some(400),
            "big-endian SHORT converted"
        );
        assert_eq!(
            ascii(&blocks, exif::Tag::GPSLatitudeRef).as_deref(),
            Some("N")
        );
    }

    #[test]
    fn rw2_and_orf_headers() {
        // RW2: magic 0x55, JpgFromRaw (0x002E) in IFD0 carrying its own EXIF.
        let j = with_exif(
            &jpeg(64, 48, [7, 7, 7]),
            &exif_tiff("Panasonic", "2019:09:09 09:09:09"),
        );
        let mut b = Builder::new(b"IIU\0");
        let exif = b.ifd(&[text(0x9003, "2019:09:09 09:09:09")], 0);
        let ifd0 = b.ifd(
            &[
                text(0x010F, "Panasonic"),
                undefined(0x002E, &j),
                long(0x8769, exif),
            ],
            0,
        );
        let rw2 = b.first(ifd0);
        assert_eq!(chosen(&rw2, "rw2"), Ok(("jpeg", 64, 48)));
        let blocks = exif_blocks(&rw2, "rw2");
        assert_eq!(blocks.len(), 2);
        assert!(blocks.iter().all(|b| b.starts_with(b"II*\0")));
        // The rebuilt block alone carries IFD0 and the EXIF IFD.
        assert_eq!(
            ascii(&blocks[..1], exif::Tag::Make).as_deref(),
            Some("Panasonic")
        );
        assert_eq!(
            ascii(&blocks[..1], exif::Tag::DateTimeOriginal).as_deref(),
            Some("2019:09:09 09:09:09")
        );
        assert!(blocks[0].len() < 200, "the JPEG is not copied");

        // ORF: magic "RO", the preview in the Olympus maker note's camera settings (0x2020),
        // offsets counted from the note's start.
        let pj = jpeg(80, 60, [8, 8, 8]);
        let mut note = b"OLYMPUS\0II\x03\0".to_vec();
        // Maker note IFD at 12: one entry, 0x2020 of type IFD pointing at 30.
        note.extend([1, 0, 0x20, 0x20, 13, 0, 1, 0, 0, 0, 30, 0, 0, 0, 0, 0, 0, 0]);
        // Camera settings IFD at 30: PreviewImageStart (0x0101), PreviewImageLength (0x0102).
        let start = 30 + 2 + 24 + 4;
        note.extend([2, 0]);
        note.extend([0x01, 0x01, 4, 0, 1, 0, 0, 0]);
        note.extend((start as u32).to_le_bytes());
        note.extend([0x02, 0x01, 4, 0, 1, 0, 0, 0]);
        note.extend((pj.len() as u32).to_le_bytes());
        note.extend([0, 0, 0, 0]);
        note.extend(&pj);
        let mut b = Builder::new(b"IIRO");
        let exif = b.ifd(
            &[
                text(0x9003, "2018:08:08 08:08:08"),
                undefined(0x927C, &note),
            ],
            0,
        );
        let ifd0 = b.ifd(&[text(0x010F, "OLYMPUS"), long(0x8769, exif)], 0);
        let orf = b.first(ifd0);
        assert_eq!(chosen(&orf, "orf"), Ok(("jpeg", 80, 60)));
        let blocks = exif_blocks(&orf, "orf");
        assert_eq!(ascii(&blocks, exif::Tag::Make).as_deref(), Some("OLYMPUS"));
        assert_eq!(
            ascii(&blocks, exif::Tag::DateTimeOriginal).as_deref(),
            Some("2018:08:08 08:08:08")
        );
    }

    #[test]
    fn not_a_raw() {
        for junk in [
            &b""[..],
            b"II*",
            b"II*\0\xff\xff\xff\xff",
            b"\0MRM",
            b"FUJIFILMCCD-RAW",
        ] {
            assert_eq!(preview(junk, "nef").err(), Some(NoPreview::None));
            assert!(
                exif_blocks(junk, "nef")
                    .iter()
                    .all(|b| b.len() == junk.len())
            );
        }
    }

    /// Seeded mutations of every fixture and built file: bit flips, bytes set to 0x00/0xFF,
    /// 32-bit values overwritten (offsets, counts, sizes) and truncations. Every call returns,
    /// with no panic, and every block it gives is a TIFF header.
    #[test]
    fn mutations_never_panic() {
        let mut files: Vec<(String, Vec<u8>)> = [
            "CanonRaw.cr2",
            "CanonRaw.cr3",
            "DNG.dng",
            "FujiFilm.raf",
            "Nikon.nef",
            "Panasonic.rw2",
            "PhaseOne.iiq",
            "Minolta.mrw",
        ]
        .iter()
        .map(|n| (ext(n), fixture(n)))
        .collect();
        files.push(("dng".into(), dng_like()));
        files.push(("cr3".into(), cr3(96, Some((64, 48)))));
        files.push((
            "raf".into(),
            raf(&with_exif(
                &jpeg(16, 16, [0, 0, 0]),
                &exif_tiff("F", "2020:01:01 00:00:00"),
            )),
        ));
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for (ext, file) in &files {
            for round in 0..2500 {
                let mut b = file.clone();
                let n = 1 + next() % 4;
                for _ in 0..n {
                    let at = (next() % b.len() as u64) as usize;
                    match next() % 4 {
                        0 => b[at] ^= 1 << (next() % 8),
                        1 => b[at] = if next() % 2 == 0 { 0 } else { 0xFF },
                        2 => {
                            let v = (next() as u32).to_le_bytes();
                            for (i, byte) in v.iter().enumerate() {
                                if let Some(slot) = b.get_mut(at + i) {
                                    *slot = *byte;
                                }
                            }
                        }
                        _ => b[at] = b[at].wrapping_add(1),
                    }
                }
                if round % 5 == 0 {
                    b.truncate((next() % (b.len() as u64 + 1)) as usize);
                }
                let _ = preview(&b, ext);
                for block in exif_blocks(&b, ext) {
                    assert!(block.starts_with(b"II") || block.starts_with(b"MM"));
                    let _ = exif::Reader::new()
                        .continue_on_error(true)
                        .read_raw(block.to_vec());
                }
            }
        }
    }
}
