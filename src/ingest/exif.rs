//! EXIF and XMP facts: what the camera claims about a photo, read from wherever the file keeps
//! them.
//!
//! Tolerant by design: EXIF is read entry by entry (kamadak-exif with `continue_on_error`), so a
//! bad value, a pointer out of range, a loop or a truncated count costs what it touches and
//! never the whole block. Values are read in the types cameras and tools actually write (GPS as
//! rationals, signed rationals, doubles or text; dates with `:` or `-`, with or without seconds).
//! EXIF is looked for in JPEG APP1 (every Exif segment), TIFF, PNG `eXIf` and ImageMagick's
//! "Raw profile type exif/APP1" text chunks, WebP, HEIF/AVIF and the RAW containers (through
//! `raw::exif_blocks`). When EXIF has no capture time, XMP `exif:DateTimeOriginal`, then
//! `xmp:CreateDate`, is used and the source says so.
//!
//! Deliberately not here: IPTC DateCreated and `photoshop:DateCreated` describe the content, not
//! the capture, and are never read as a capture time. Nothing is guessed: a capture time
//! without an offset stays local, and no file time stands in for a missing one.
//!
//! This file reads the fields of a block; `exif/blocks.rs` finds the blocks in each container.

mod blocks;

pub(super) use blocks::Segments;

use super::sniff::Format;
pub use crate::facts::{CaptureSource, ExifFacts};
use blocks::*;
use chrono::{FixedOffset, NaiveDate, NaiveDateTime, NaiveTime};
use exif::{Context, Exif, In, Tag, Value};
use std::borrow::Cow;

/// The most bytes of EXIF or XMP taken from one file (a real EXIF block is at most 64 KB in a
/// JPEG; RAW files keep theirs near the start).
const MAX_BLOCK: usize = 16 << 20;

/// What the metadata of one file says, and what could not be read.
#[derive(Debug, Default)]
pub struct Read {
    pub facts: ExifFacts,
    /// One sentence each, naming what was lost.
    pub warnings: Vec<String>,
}

/// Reads every metadata block `bytes` (a whole file of `format`) holds.
pub fn read(bytes: &[u8], format: Format) -> Read {
    let (blocks, xmp) = match format {
        Format::Jpeg => jpeg_blocks(bytes),
        Format::Tiff => (vec![Cow::Borrowed(bytes)], Vec::new()),
        Format::Png => png_blocks(bytes),
        Format::Webp => webp_blocks(bytes),
        Format::Heif | Format::Avif => (heif_blocks(bytes), embedded_xmp(bytes)),
        Format::Raw(ext) => (super::raw::exif_blocks(bytes, ext), Vec::new()),
        Format::Gif | Format::Bmp => (Vec::new(), Vec::new()),
    };
    let mut out = Read::default();
    let mut tiff_xmp = Vec::new();
    for block in blocks {
        let (exif, problems) = parse_block(block.into_owned());
        if let Some(exif) = &exif {
            out.facts.fill_from(facts(exif));
            if let Some(packet) = tiff_xmp_packet(exif) {
                tiff_xmp.push(packet);
            }
        }
        if let Some(p) = problems {
            out.warnings.push(p);
        }
    }
    for packet in xmp.iter().chain(tiff_xmp.iter()) {
        out.facts.fill_from(xmp_facts(packet));
    }
    out
}

/// Every XMP packet of a file: the container's own (JPEG APP1, PNG iTXt, WebP `XMP `), else
/// one found by its markers (TIFF tag 700, RAW, HEIF), for the content fields (`xmp_in`).
pub(super) fn xmp_packets(bytes: &[u8], format: Format) -> Vec<String> {
    let packets = match format {
        Format::Jpeg => jpeg_blocks(bytes).1,
        Format::Png => png_blocks(bytes).1,
        Format::Webp => webp_blocks(bytes).1,
        _ => Vec::new(),
    };
    if packets.is_empty() {
        embedded_xmp(bytes)
    } else {
        packets
    }
}

/// Parses one TIFF-structured EXIF block. Returns what could be read, and a warning when
/// something was lost.
fn parse_block(block: Vec<u8>) -> (Option<Exif>, Option<String>) {
    // Some writers store the sub-IFD pointers with the type IFD (13), SLONG or SHORT instead of
    // LONG; the reader calls those invalid and loses the whole sub-IFD. Read them as LONG.
    let block = patch_pointer_types(block);
    match exif::Reader::new().continue_on_error(true).read_raw(block) {
        Ok(exif) => (Some(exif), None),
        Err(exif::Error::PartialResult(partial)) => {
            let (exif, errors) = partial.into_inner();
            // Some irregularities cost nothing: a child IFD with a next-IFD pointer (written by
            // common libraries), an IFD already read (a loop), more than 8 IFDs (thumbnails).
            let lost: Vec<String> = errors
                .iter()
                .map(|e| e.to_string())
                .filter(|e| {
                    !(e.contains("Unexpected next IFD")
                        || e.contains("Already visited IFD")
                        || e.contains("Limit the IFD count")
                        || e.contains("Truncated next IFD offset"))
                })
                .collect();
            let warning = (!lost.is_empty()).then(|| {
                let mut uniq = lost.clone();
                uniq.dedup();
                format!(
                    "part of the EXIF is damaged ({}): the entries there are lost, the rest was read",
                    uniq.join("; ").to_lowercase()
                )
            });
            (Some(exif), warning)
        }
        Err(e) => (
            None,
            Some(format!(
                "unreadable EXIF ({}): its capture time, GPS, orientation and camera are unknown",
                e.to_string().to_lowercase()
            )),
        ),
    }
}

/// Rewrites, in IFD0 and the Exif IFD, the type of the Exif, GPS and Interop pointers to LONG
/// where a writer used IFD (13), SLONG (9) or SHORT (3): the value is the same offset.
fn patch_pointer_types(mut b: Vec<u8>) -> Vec<u8> {
    let le = b.starts_with(b"II");
    let u16_at = |b: &[u8], i: usize| -> Option<u16> {
        let v: [u8; 2] = b.get(i..i + 2)?.try_into().ok()?;
        Some(if le {
            u16::from_le_bytes(v)
        } else {
            u16::from_be_bytes(v)
        })
    };
    let u32_at = |b: &[u8], i: usize| -> Option<u32> {
        let v: [u8; 4] = b.get(i..i + 4)?.try_into().ok()?;
        Some(if le {
            u32::from_le_bytes(v)
        } else {
            u32::from_be_bytes(v)
        })
    };
    let Some(ifd0) = u32_at(&b, 4) else { return b };
    let mut queue = vec![ifd0 as usize];
    let mut seen = 0;
    while let Some(at) = queue.pop() {
        seen += 1;
        if seen > 4 {
            break;
        }
        let Some(count) = u16_at(&b, at) else {
            continue;
        };
        for n in 0..count.min(512) as usize {
            let e = at + 2 + n * 12;
            let (Some(tag), Some(typ), Some(cnt)) =
                (u16_at(&b, e), u16_at(&b, e + 2), u32_at(&b, e + 4))
            else {
                break;
            };
            if !matches!(tag, 0x8769 | 0x8825 | 0xA005) || cnt != 1 {
                continue;
            }
            let offset = match typ {
                13 | 9 => u32_at(&b, e + 8),
                3 => u16_at(&b, e + 8).map(u32::from),
                _ => None,
            };
            if let Some(offset) = offset {
                let (t, v) = if le {
                    (4u16.to_le_bytes(), offset.to_le_bytes())
                } else {
                    (4u16.to_be_bytes(), offset.to_be_bytes())
                };
                b[e + 2..e + 4].copy_from_slice(&t);
                b[e + 8..e + 12].copy_from_slice(&v);
            }
            let target = u32_at(&b, e + 8).unwrap_or(0) as usize;
            if tag == 0x8769 && target != at {
                queue.push(target);
            }
        }
    }
    b
}

/// The text of an EXIF field that should be ASCII, as writers actually store it (ASCII,
/// UNDEFINED or BYTE), trimmed of NULs and blanks; `None` when empty.
fn text(exif: &Exif, tag: Tag) -> Option<String> {
    let f = exif.get_field(tag, In::PRIMARY)?;
    let raw: Cow<[u8]> = match &f.value {
        Value::Ascii(v) => Cow::Owned(
            v.iter()
                .find(|s| s.iter().any(|&b| b != 0 && b != b' '))?
                .clone(),
        ),
        Value::Undefined(b, _) | Value::Byte(b) => Cow::Borrowed(b.as_slice()),
        _ => return None,
    };
    let s = String::from_utf8_lossy(&raw);
    let s = s.trim_matches(|c: char| c == '\0' || c.is_whitespace());
    (!s.is_empty()).then(|| s.to_string())
}

/// `text`, also where a writer put an Exif-IFD tag into IFD0 (as some cameras and tools do).
fn text_anywhere(exif: &Exif, tag: Tag) -> Option<String> {
    text(exif, tag).or_else(|| text(exif, Tag(Context::Tiff, tag.1)))
}

fn facts(exif: &Exif) -> ExifFacts {
    let mut out = ExifFacts::default();
    let text = text_anywhere;
    for (dt_tag, off_tag, sub_tag) in [
        (
            Tag::DateTimeOriginal,
            Tag::OffsetTimeOriginal,
            Tag::SubSecTimeOriginal,
        ),
        (
            Tag::DateTimeDigitized,
            Tag::OffsetTimeDigitized,
            Tag::SubSecTimeDigitized,
        ),
    ] {
        if let Some(stamp) = text(exif, dt_tag).and_then(|s| parse_stamp(&s)) {
            out.capture_local = Some(stamp.local);
            out.capture_offset = stamp.offset.or_else(|| {
                text(exif, off_tag)
                    .or_else(|| text(exif, Tag::OffsetTime))
                    .and_then(|s| crate::dates::parse_offset(&s))
            });
            out.capture_subsec = stamp
                .subsec
                .or_else(|| text(exif, sub_tag).filter(|s| s.bytes().all(|b| b.is_ascii_digit())));
            out.capture_source = Some(CaptureSource::Exif);
            break;
        }
    }
    let lat = gps_coord(exif, Tag::GPSLatitude, Tag::GPSLatitudeRef, 90.0);
    let lon = gps_coord(exif, Tag::GPSLongitude, Tag::GPSLongitudeRef, 180.0);
    out.gps = lat.zip(lon);
    if out.gps.is_some() {
        out.gps_alt = number(exif, Tag::GPSAltitude).map(|v| {
            let below = exif
                .get_field(Tag::GPSAltitudeRef, In::PRIMARY)
                .and_then(|f| f.value.get_uint(0))
                .is_some_and(|r| r == 1);
            if below && v > 0.0 { -v } else { v }
        });
    }
    out.orientation = number(exif, Tag::Orientation)
        .filter(|v| v.fract() == 0.0 && (1.0..=8.0).contains(v))
        .map(|v| v as u16);
    let dim = |tag: Tag| {
        exif.get_field(tag, In::PRIMARY)
            .and_then(|f| f.value.get_uint(0))
    };
    out.pixel_size = dim(Tag::PixelXDimension)
        .zip(dim(Tag::PixelYDimension))
        .filter(|(w, h)| *w > 0 && *h > 0);
    out.make = text(exif, Tag::Make);
    out.model = text(exif, Tag::Model);
    out.serial =
        text(exif, Tag::BodySerialNumber).or_else(|| text(exif, Tag(Context::Tiff, 0xC62F)));
    out
}

/// A number written as a (signed) rational, float, integer or text.
fn number(exif: &Exif, tag: Tag) -> Option<f64> {
    let f = exif.get_field(tag, In::PRIMARY)?;
    let v = match &f.value {
        Value::Rational(r) => r.first().filter(|r| r.denom != 0)?.to_f64(),
        Value::SRational(r) => r.first().filter(|r| r.denom != 0)?.to_f64(),
        Value::Double(d) => *d.first()?,
        Value::Float(d) => *d.first()? as f64,
        Value::Ascii(_) | Value::Undefined(..) => text(exif, tag)?.trim().parse().ok()?,
        Value::SLong(v) => *v.first()? as f64,
        Value::SShort(v) => *v.first()? as f64,
        Value::SByte(v) => *v.first()? as f64,
        other => other.get_uint(0)? as f64,
    };
    v.is_finite().then_some(v)
}

/// A GPS coordinate in decimal degrees, signed by its reference (S and W negative). Written as
/// degrees/minutes/seconds rationals (the standard), fewer parts, signed rationals, doubles, or
/// text (`"43.238"`, `"43,14.28"`, `"43 14 17.28"`, `"43°14'17.28\"N"`).
fn gps_coord(exif: &Exif, tag: Tag, ref_tag: Tag, max: f64) -> Option<f64> {
    let f = exif.get_field(tag, In::PRIMARY)?;
    let parts: Vec<f64> = match &f.value {
        Value::Rational(r) => r
            .iter()
            .take(3)
            .map(|r| (r.denom != 0).then(|| r.to_f64()))
            .collect::<Option<_>>()?,
        Value::SRational(r) => r
            .iter()
            .take(3)
            .map(|r| (r.denom != 0).then(|| r.to_f64()))
            .collect::<Option<_>>()?,
        Value::Double(d) => d.iter().take(3).copied().collect(),
        Value::Float(d) => d.iter().take(3).map(|&v| v as f64).collect(),
        Value::Ascii(_) | Value::Undefined(..) | Value::Byte(_) => {
            let s = text(exif, tag)?;
            let (parts, hemisphere) = parse_coord_text(&s)?;
            if hemisphere {
                let v = -dms(&parts)?.abs();
                return (v.abs() <= max).then_some(v);
            }
            parts
        }
        _ => return None,
    };
    let v = dms(&parts)?;
    let negative_ref = text(exif, ref_tag)
        .and_then(|r| r.chars().next())
        .is_some_and(|c| matches!(c, 'S' | 's' | 'W' | 'w'));
    let v = if negative_ref { -v.abs() } else { v };
    (v.abs() <= max).then_some(v)
}

fn dms(parts: &[f64]) -> Option<f64> {
    if parts.is_empty() || parts.iter().any(|p| !p.is_finite()) {
        return None;
    }
    let sign = if parts[0] < 0.0 { -1.0 } else { 1.0 };
    let v = parts[0].abs()
        + parts.get(1).map_or(0.0, |m| m.abs() / 60.0)
        + parts.get(2).map_or(0.0, |s| s.abs() / 3600.0);
    Some(sign * v)
}

/// Numbers in a textual coordinate, and whether it names a southern or western hemisphere.
fn parse_coord_text(s: &str) -> Option<(Vec<f64>, bool)> {
    let hemisphere = s.chars().any(|c| matches!(c, 'S' | 's' | 'W' | 'w'));
    let mut parts = Vec::new();
    let mut cur = String::new();
    for c in s.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_digit() || c == '.' || (c == '-' && cur.is_empty() && parts.is_empty()) {
            cur.push(c);
        } else if !cur.is_empty() {
            parts.push(cur.parse::<f64>().ok()?);
            cur.clear();
            if parts.len() > 3 {
                return None;
            }
        }
    }
    (!parts.is_empty()).then_some((parts, hemisphere))
}

/// A capture time as written in EXIF or XMP.
#[derive(Debug, PartialEq)]
pub struct Stamp {
    pub local: NaiveDateTime,
    pub offset: Option<FixedOffset>,
    pub subsec: Option<String>,
}

/// `2022:01:04 19:32:10` and the forms writers produce besides it: `-` or `/` in the date, `T`
/// before the time, no seconds, trailing sub-seconds, an offset or `Z`. Anything impossible
/// (`0000:00:00`, blanks, 30 February, 25 o'clock, before 1800) is `None`.
pub fn parse_stamp(s: &str) -> Option<Stamp> {
    let s = s.trim().trim_matches('\0');
    let b = s.as_bytes();
    if b.len() < 16 {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let part = std::str::from_utf8(b.get(r)?).ok()?;
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    let sep_ok = |i: usize, set: &[u8]| b.get(i).is_some_and(|c| set.contains(c));
    if !(sep_ok(4, b":-/") && sep_ok(7, b":-/") && sep_ok(10, b" T") && sep_ok(13, b":")) {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(num(0..4)? as i32, num(5..7)?, num(8..10)?)?;
    if chrono::Datelike::year(&date) < 1800 {
        return None;
    }
    let (hour, minute) = (num(11..13)?, num(14..16)?);
    let mut rest = &s[16..];
    let mut second = 0;
    if let Some(r) = rest.strip_prefix(':') {
        second = r.get(..2).and_then(|d| {
            d.bytes()
                .all(|c| c.is_ascii_digit())
                .then(|| d.parse().ok())?
        })?;
        rest = &r[2..];
    }
    let time = NaiveTime::from_hms_opt(hour, minute, second)?;
    let mut subsec = None;
    if let Some(r) = rest.strip_prefix('.') {
        let digits: String = r.chars().take_while(|c| c.is_ascii_digit()).collect();
        rest = &r[digits.len()..];
        subsec = (!digits.is_empty()).then_some(digits);
    }
    let rest = rest.trim();
    let offset = if rest.is_empty() {
        None
    } else if rest == "Z" {
        FixedOffset::east_opt(0)
    } else {
        Some(crate::dates::parse_offset(rest)?)
    };
    Some(Stamp {
        local: date.and_time(time),
        offset,
        subsec,
    })
}

/// `2022:01:04 19:32:10` (also with `-` separators); anything impossible is `None`.
pub fn parse_exif_datetime(s: &str) -> Option<NaiveDateTime> {
    parse_stamp(s).map(|s| s.local)
}

/// The capture time an XMP packet states: `exif:DateTimeOriginal`, else `xmp:CreateDate`, as
/// an attribute or an element. Only values with a time of day count (a date alone is not a
/// capture time). `photoshop:DateCreated` is the content's date and is not read here.
fn xmp_facts(packet: &str) -> ExifFacts {
    let mut out = ExifFacts::default();
    for name in ["exif:DateTimeOriginal", "xmp:CreateDate"] {
        if let Some(stamp) = xmp_value(packet, name).and_then(|v| parse_stamp(&v)) {
            out.capture_local = Some(stamp.local);
            out.capture_offset = stamp.offset;
            out.capture_subsec = stamp.subsec;
            out.capture_source = Some(CaptureSource::Xmp);
            break;
        }
    }
    out.orientation = xmp_value(packet, "tiff:Orientation")
        .and_then(|v| v.parse().ok())
        .filter(|v| (1..=8).contains(v));
    out.make = xmp_value(packet, "tiff:Make").filter(|s| !s.is_empty());
    out.model = xmp_value(packet, "tiff:Model").filter(|s| !s.is_empty());
    let coord = |name: &str, max: f64| {
        // XMP writes "43,14.28N" (degrees, decimal minutes, hemisphere).
        let v = xmp_value(packet, name)?;
        let (parts, negative) = parse_coord_text(&v)?;
        let d = dms(&parts)?;
        let d = if negative { -d } else { d };
        (d.abs() <= max).then_some(d)
    };
    out.gps = coord("exif:GPSLatitude", 90.0).zip(coord("exif:GPSLongitude", 180.0));
    out
}

/// The value of a simple XMP property: `name="value"` or `<name>value</name>`.
pub(super) fn xmp_value(packet: &str, name: &str) -> Option<String> {
    let mut from = 0;
    while let Some(at) = packet[from..].find(name) {
        let start = from + at;
        let after = &packet[start + name.len()..];
        from = start + name.len();
        // Not a longer name that starts the same way, nor a closing tag.
        if packet[..start].ends_with("</") {
            continue;
        }
        let trimmed = after.trim_start();
        if let Some(r) = trimmed.strip_prefix('=') {
            let r = r.trim_start();
            let quote = r.chars().next()?;
            if quote != '"' && quote != '\'' {
                continue;
            }
            let end = r[1..].find(quote)?;
            return Some(r[1..1 + end].trim().to_string());
        }
        if let Some(r) = after.strip_prefix('>') {
            let end = r.find('<')?;
            return Some(r[..end].trim().to_string());
        }
    }
    None
}

#[cfg(test)]
mod tests;
