//! The TIFF structure of TIFF-based RAW files: IFDs, SubIFDs, maker-note previews, strips.

use super::*;

/// A TIFF-structured block: `d` starts at its header (or, for a maker note, at the point its
/// offsets are counted from).
#[derive(Clone, Copy)]
pub(super) struct Tiff<'a> {
    pub(super) d: &'a [u8],
    pub(super) le: bool,
    pub(super) first_ifd: u32,
}

#[derive(Clone, Copy, Debug)]
pub(super) struct Entry {
    pub(super) tag: u16,
    pub(super) typ: u16,
    pub(super) count: u32,
    /// Where the entry's 4-byte value/offset field lies in `d`.
    pub(super) field: usize,
}

/// Bytes per value of a TIFF type; None for types we do not know (BigTIFF's among them).
pub(super) fn type_size(typ: u16) -> Option<usize> {
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
pub(super) enum Miss {
    /// The entry claims bytes past the end of the block.
    PastEnd,
    /// A type we do not know, or a size that makes no sense.
    Bad,
}

impl<'a> Tiff<'a> {
    /// A TIFF header at the start of `d`: byte order, magic 42 (or 0x55 for RW2, "RO"/"RS" for
    /// ORF), first IFD offset.
    pub(super) fn new(d: &'a [u8]) -> Option<Self> {
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

    pub(super) fn u16(&self, at: usize) -> Option<u16> {
        let b: [u8; 2] = self.d.get(at..at.checked_add(2)?)?.try_into().ok()?;
        Some(if self.le {
            u16::from_le_bytes(b)
        } else {
            u16::from_be_bytes(b)
        })
    }

    pub(super) fn u32(&self, at: usize) -> Option<u32> {
        let b: [u8; 4] = self.d.get(at..at.checked_add(4)?)?.try_into().ok()?;
        Some(if self.le {
            u32::from_le_bytes(b)
        } else {
            u32::from_be_bytes(b)
        })
    }

    /// The entries of the IFD at `off` (sorted as stored, at most `MAX_ENTRIES`) and the next
    /// IFD's offset (0 for none). None when the IFD does not fit in the block.
    pub(super) fn ifd(&self, off: u32) -> Option<(Vec<Entry>, u32)> {
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
    pub(super) fn data(&self, e: &Entry) -> Result<&'a [u8], Miss> {
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
    pub(super) fn uints(&self, e: &Entry) -> Vec<u32> {
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

    pub(super) fn uint(&self, e: Option<&Entry>) -> Option<u32> {
        self.uints(e?).first().copied()
    }
}

/// Where an IFD sits, for what it may point to.
#[derive(Clone, Copy, PartialEq, Debug)]
pub(super) enum Ctx {
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
pub(super) struct RgbThumb<'a> {
    pub(super) t: Tiff<'a>,
    pub(super) w: u32,
    pub(super) h: u32,
    pub(super) offsets: Vec<u32>,
    pub(super) counts: Vec<u32>,
}

#[derive(Default)]
pub(super) struct Scan<'a> {
    /// Valid JPEG previews with their frame size.
    pub(super) jpegs: Vec<(&'a [u8], u32, u32)>,
    pub(super) rgbs: Vec<RgbThumb<'a>>,
    pub(super) past_end: bool,
    pub(super) ifds: usize,
}

impl<'a> Scan<'a> {
    pub(super) fn finish(self) -> Result<RawPreview<'a>, NoPreview> {
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
    pub(super) fn jpeg_at(&mut self, d: &'a [u8], off: u32, len: u32, depth: u32) {
        if off == 0 || len == 0 {
            return;
        }
        let (off, len) = (off as usize, len as usize);
        match off.checked_add(len).and_then(|end| d.get(off..end)) {
            Some(j) => self.jpeg(j, depth),
            None => self.past_end = true,
        }
    }

    pub(super) fn jpeg(&mut self, j: &'a [u8], depth: u32) {
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
    pub(super) fn tiff(&mut self, t: &Tiff<'a>, first: u32, ctx: Ctx, depth: u32) {
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

    pub(super) fn ifd(
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
    pub(super) fn image_data(&mut self, t: &Tiff<'a>, entries: &[Entry], depth: u32) {
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
    pub(super) fn maker_note(&mut self, t: &Tiff<'a>, mn: &'a [u8], depth: u32) {
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
    pub(super) fn raf(&mut self, b: &'a [u8]) {
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
    pub(super) fn cr3(&mut self, b: &'a [u8]) {
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
    pub(super) fn cr3_jpeg(&mut self, b: &'a [u8], len_at: usize, at: usize) {
        if let (Some(len), Ok(at)) = (be32(b, len_at), u32::try_from(at)) {
            self.jpeg_at(b, at, len, 1);
        }
    }
}

impl RgbThumb<'_> {
    /// The thumbnail's pixels, from its strips in order.
    pub(super) fn read(&self) -> Result<RgbImage, Miss> {
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
