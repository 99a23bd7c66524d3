//! The bodies of the small ISO media boxes: mvhd, mdhd, tkhd (and its display matrix), 3GPP
//! loci, Apple's keys, `data` and QuickTime user-data text. Not responsible for finding the
//! boxes (`bmff.rs`) or for choosing among the values they give (`facts.rs`).

use super::*;

pub(in crate::ingest::video) fn parse_mvhd(b: &[u8]) -> Option<Mvhd> {
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
pub(in crate::ingest::video) fn parse_mdhd(b: &[u8]) -> Option<f64> {
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
pub(in crate::ingest::video) type TkhdFacts = ((f64, f64), Result<u16, String>);

pub(in crate::ingest::video) fn parse_tkhd(b: &[u8]) -> Option<TkhdFacts> {
    let m = if *b.first()? == 1 { 52 } else { 40 };
    let w = be32(b, m + 36)? as f64 / 65536.0;
    let h = be32(b, m + 40)? as f64 / 65536.0;
    let at = |i: usize| be32(b, m + 4 * i).map(|v| v as i32);
    let (a, bb, c, d) = (at(0)?, at(1)?, at(3)?, at(4)?);
    Some(((w, h), matrix_rotation(a, bb, c, d)))
}

/// Degrees clockwise of the display matrix [a b; c d] (as ExifTool reads it), or why it is not
/// a plain rotation.
pub(in crate::ingest::video) fn matrix_rotation(
    a: i32,
    b: i32,
    c: i32,
    d: i32,
) -> Result<u16, String> {
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
pub(in crate::ingest::video) fn parse_loci(b: &[u8]) -> Option<(f64, f64, f64)> {
    // Full box (4), language (2), a NUL-terminated name, role (1), then longitude, latitude
    // and altitude, each 16.16 fixed point.
    let name_end = 6 + b.get(6..)?.iter().position(|&c| c == 0)?;
    let at = name_end + 2;
    let fixed = |i: usize| be32(b, at + 4 * i).map(|v| v as i32 as f64 / 65536.0);
    let (lon, lat, alt) = (fixed(0)?, fixed(1)?, fixed(2)?);
    ((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon)).then_some((lat, lon, alt))
}

/// A `keys` body: the key names, in order.
pub(in crate::ingest::video) fn parse_keys(b: &[u8]) -> Vec<String> {
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
pub(in crate::ingest::video) fn data_text(b: &[u8]) -> Result<String, String> {
    let typ = be32(b, 0).ok_or("a data box too short")? & 0x00FF_FFFF;
    let value = b.get(8..).ok_or("a data box too short")?;
    match typ {
        // UTF-8 (1, 4), or implicit (0) where it is UTF-8.
        0 | 1 | 4 => String::from_utf8(value.to_vec()).map_err(|_| "not UTF-8 text".into()),
        2 | 5 => utf16be(value).ok_or_else(|| "not UTF-16 text".into()),
        other => Err(format!("not text but data of type {other}")),
    }
}

pub(in crate::ingest::video) fn utf16be(b: &[u8]) -> Option<String> {
    let units: Vec<u16> = b
        .chunks_exact(2)
        .map(|p| u16::from_be_bytes([p[0], p[1]]))
        .collect();
    String::from_utf16(&units).ok()
}

/// A QuickTime user-data text atom (16-bit length, 16-bit language, text), or one holding an
/// iTunes-style `data` box.
pub(in crate::ingest::video) fn udta_text(b: &[u8]) -> Option<String> {
    if b.get(4..8) == Some(b"data") {
        let end = (be32(b, 0)? as usize).min(b.len());
        return data_text(b.get(8..end)?).ok().and_then(|s| clean_text(&s));
    }
    let n = be16(b, 0)? as usize;
    let text = b.get(4..)?;
    let text = &text[..n.min(text.len())];
    clean_text(&String::from_utf8_lossy(text))
}

pub(in crate::ingest::video) fn from_epoch_secs(year: i32, secs: u64) -> Option<NaiveDateTime> {
    let base = NaiveDate::from_ymd_opt(year, 1, 1)?.and_hms_opt(0, 0, 0)?;
    base.checked_add_signed(TimeDelta::try_seconds(i64::try_from(secs).ok()?)?)
}
