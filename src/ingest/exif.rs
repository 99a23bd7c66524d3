//! EXIF facts: what the camera claims about a photo.
//!
//! Capture time keeps its offset only when the file states one (OffsetTimeOriginal, else
//! OffsetTime); otherwise it stays local and is never shifted to a guessed zone. Garbage values
//! (`0000:00:00 00:00:00`, blanks, GPS with zero denominators) mean "unknown", not an error.

use chrono::{FixedOffset, NaiveDate, NaiveDateTime, NaiveTime};
use exif::{Exif, In, Tag, Value};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ExifFacts {
    pub capture_local: Option<NaiveDateTime>,
    pub capture_offset: Option<FixedOffset>,
    /// Sub-second digits as written (`"123"` is .123 s).
    pub capture_subsec: Option<String>,
    pub gps: Option<(f64, f64)>,
    pub gps_alt: Option<f64>,
    pub make: Option<String>,
    pub model: Option<String>,
    pub serial: Option<String>,
    pub orientation: Option<u16>,
    /// Pixel size the EXIF states (used only when the image itself cannot be decoded).
    pub pixel_size: Option<(u32, u32)>,
}

/// Reads EXIF from any container kamadak-exif knows (JPEG, TIFF, HEIF, PNG, WebP).
/// `Ok(None)`: the file has no EXIF. `Err`: it has EXIF we could not read.
pub fn read<R: std::io::BufRead + std::io::Seek>(
    reader: &mut R,
) -> Result<Option<ExifFacts>, String> {
    match exif::Reader::new().read_from_container(reader) {
        Ok(exif) => Ok(Some(facts(&exif))),
        Err(exif::Error::NotFound(_)) => Ok(None),
        Err(exif::Error::BlankValue(_)) => Ok(None),
        Err(e) => Err(format!("unreadable EXIF ({e})")),
    }
}

fn facts(exif: &Exif) -> ExifFacts {
    let field = |tag: Tag| exif.get_field(tag, In::PRIMARY);
    let ascii = |tag: Tag| -> Option<String> {
        match &field(tag)?.value {
            Value::Ascii(v) => {
                let bytes = v.first()?;
                let s = String::from_utf8_lossy(bytes);
                let s = s.trim_matches(|c: char| c == '\0' || c.is_whitespace());
                (!s.is_empty()).then(|| s.to_string())
            }
            _ => None,
        }
    };
    let (mut capture_local, mut capture_offset, mut capture_subsec) = (None, None, None);
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
        if let Some(local) = ascii(dt_tag).and_then(|s| parse_exif_datetime(&s)) {
            capture_local = Some(local);
            capture_offset = ascii(off_tag)
                .or_else(|| ascii(Tag::OffsetTime))
                .and_then(|s| crate::dates::parse_offset(&s));
            capture_subsec = ascii(sub_tag).filter(|s| s.bytes().all(|b| b.is_ascii_digit()));
            break;
        }
    }
    let gps = gps_coord(exif, Tag::GPSLatitude, Tag::GPSLatitudeRef, 90.0).zip(gps_coord(
        exif,
        Tag::GPSLongitude,
        Tag::GPSLongitudeRef,
        180.0,
    ));
    let gps_alt = match field(Tag::GPSAltitude).map(|f| &f.value) {
        Some(Value::Rational(r)) if r.first().is_some_and(|r| r.denom != 0) => {
            let below = matches!(field(Tag::GPSAltitudeRef).map(|f| &f.value), Some(Value::Byte(b)) if b.first() == Some(&1));
            let v = r[0].to_f64();
            Some(if below { -v } else { v })
        }
        _ => None,
    };
    let orientation = field(Tag::Orientation)
        .and_then(|f| f.value.get_uint(0))
        .and_then(|v| u16::try_from(v).ok())
        .filter(|v| (1..=8).contains(v));
    let pixel_size = field(Tag::PixelXDimension)
        .and_then(|f| f.value.get_uint(0))
        .zip(field(Tag::PixelYDimension).and_then(|f| f.value.get_uint(0)))
        .filter(|(w, h)| *w > 0 && *h > 0);
    ExifFacts {
        capture_local,
        capture_offset,
        capture_subsec,
        gps,
        gps_alt,
        make: ascii(Tag::Make),
        model: ascii(Tag::Model),
        serial: ascii(Tag::BodySerialNumber),
        orientation,
        pixel_size,
    }
}

/// `2022:01:04 19:32:10` (also with `-` separators); anything impossible is `None`.
pub fn parse_exif_datetime(s: &str) -> Option<NaiveDateTime> {
    let b = s.trim().as_bytes();
    if b.len() < 19 {
        return None;
    }
    let n = |r: std::ops::Range<usize>| -> Option<u32> {
        let part = std::str::from_utf8(&b[r]).ok()?;
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    let date = NaiveDate::from_ymd_opt(n(0..4)? as i32, n(5..7)?, n(8..10)?)?;
    if date.year_ce().1 < 1800 {
        return None;
    }
    let time = NaiveTime::from_hms_opt(n(11..13)?, n(14..16)?, n(17..19)?)?;
    Some(date.and_time(time))
}

use chrono::Datelike;

fn gps_coord(exif: &Exif, tag: Tag, ref_tag: Tag, max: f64) -> Option<f64> {
    let f = exif.get_field(tag, In::PRIMARY)?;
    let Value::Rational(parts) = &f.value else {
        return None;
    };
    if parts.len() < 3 || parts.iter().take(3).any(|r| r.denom == 0) {
        return None;
    }
    let v = parts[0].to_f64() + parts[1].to_f64() / 60.0 + parts[2].to_f64() / 3600.0;
    let sign = match exif.get_field(ref_tag, In::PRIMARY).map(|f| &f.value) {
        Some(Value::Ascii(r)) => match r.first().and_then(|s| s.first()) {
            Some(b'S') | Some(b's') | Some(b'W') | Some(b'w') => -1.0,
            _ => 1.0,
        },
        _ => 1.0,
    };
    (v.is_finite() && v <= max).then_some(sign * v)
}

#[cfg(test)]
mod tests {
    use super::parse_exif_datetime;

    #[test]
    fn garbage_dates_are_unknown() {
        assert!(parse_exif_datetime("0000:00:00 00:00:00").is_none());
        assert!(parse_exif_datetime("    :  :     :  :  ").is_none());
        assert!(parse_exif_datetime("2022:02:30 10:00:00").is_none());
        assert!(parse_exif_datetime("2022:01:04 25:00:00").is_none());
        assert_eq!(
            parse_exif_datetime("2022:01:04 19:32:10")
                .unwrap()
                .to_string(),
            "2022-01-04 19:32:10"
        );
    }
}
