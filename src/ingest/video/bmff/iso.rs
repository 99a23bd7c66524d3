//! The text forms of ISO media metadata: ISO 8601 date-times (with or without an offset) and
//! ISO 6709 positions, as phones and cameras write them. Not responsible for where in the file
//! the text was found (`bmff.rs`).

use super::*;

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
pub(in crate::ingest::video) fn signed_decimal(p: &str) -> Option<f64> {
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
pub(in crate::ingest::video) fn angle(p: &str, deg: usize) -> Option<f64> {
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
