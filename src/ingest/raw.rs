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

mod containers;
mod rebuild;
mod tiff;

use containers::*;
use rebuild::*;
use tiff::*;

#[cfg(test)]
mod tests;
