//! Event dates: fuzzy intervals with a precision, read and written as EDTF.
//!
//! A date a journalist assigns is an interval (`start` ..= `end`, local wall-clock time, with a
//! UTC offset when one is known) plus the precision it was given at and the EDTF qualifiers
//! approximate (`~`) and uncertain (`?`; `%` is both). EDTF cannot name a part of day, so
//! "evening of 4 January" is kept as the day `2022-01-04` with part of day `evening` on top; its
//! text form is `2022-01-04 evening`. This module knows nothing about storage or display.

use chrono::{Datelike, Duration, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use serde::Serialize;

mod phrase;

pub use phrase::{ParsedDate, PhraseContext, YearSource, describe, parse_phrase};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Precision {
    Year,
    Month,
    Day,
    PartOfDay,
    Minute,
    Second,
}

impl Precision {
    pub fn as_str(self) -> &'static str {
        match self {
            Precision::Year => "year",
            Precision::Month => "month",
            Precision::Day => "day",
            Precision::PartOfDay => "part_of_day",
            Precision::Minute => "minute",
            Precision::Second => "second",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PartOfDay {
    Morning,
    Afternoon,
    Evening,
    Night,
}

impl PartOfDay {
    pub const ALL: [PartOfDay; 4] = [
        PartOfDay::Morning,
        PartOfDay::Afternoon,
        PartOfDay::Evening,
        PartOfDay::Night,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PartOfDay::Morning => "morning",
            PartOfDay::Afternoon => "afternoon",
            PartOfDay::Evening => "evening",
            PartOfDay::Night => "night",
        }
    }

    /// English, Russian and Kazakh names are accepted.
    pub fn parse(s: &str) -> Option<PartOfDay> {
        Some(match s.to_lowercase().as_str() {
            "morning" | "утро" | "утром" | "таң" | "таңертең" => {
                PartOfDay::Morning
            }
            "afternoon" | "день" | "днём" | "днем" | "түс" => PartOfDay::Afternoon,
            "evening" | "вечер" | "вечером" | "кеш" | "кешке" => {
                PartOfDay::Evening
            }
            "night" | "ночь" | "ночью" | "түн" | "түнде" => PartOfDay::Night,
            _ => return None,
        })
    }

    /// The span of this part of `day`: morning 06-12, afternoon 12-18, evening 18-22, and
    /// night from 22:00 on `day` to 06:00 the next day ("the night of 4 to 5 January").
    pub fn span(self, day: NaiveDate) -> (NaiveDateTime, NaiveDateTime) {
        let at = |d: NaiveDate, h: u32| d.and_time(NaiveTime::from_hms_opt(h, 0, 0).unwrap());
        let (s, e) = match self {
            PartOfDay::Morning => (at(day, 6), at(day, 12)),
            PartOfDay::Afternoon => (at(day, 12), at(day, 18)),
            PartOfDay::Evening => (at(day, 18), at(day, 22)),
            PartOfDay::Night => (at(day, 22), at(day + Duration::days(1), 6)),
        };
        (s, e - Duration::seconds(1))
    }
}

/// A date as the journalist gave it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventDate {
    /// First instant covered, local wall-clock time.
    pub start: NaiveDateTime,
    /// Last instant covered (inclusive), local wall-clock time.
    pub end: NaiveDateTime,
    /// The UTC offset of `start`/`end`, when the date was given with one.
    pub offset: Option<FixedOffset>,
    pub precision: Precision,
    pub part_of_day: Option<PartOfDay>,
    pub approximate: bool,
    pub uncertain: bool,
    /// The EDTF part of the text form (without the part of day).
    pub edtf: String,
}

/// The stable JSON shape of an event date's interval.
#[derive(Debug, Clone, Serialize)]
pub struct EventDateJson {
    pub edtf: String,
    pub start: String,
    pub end: String,
    pub precision: Precision,
    pub part_of_day: Option<PartOfDay>,
    pub approximate: bool,
    pub uncertain: bool,
}

impl EventDate {
    /// Parses `EDTF [PART]`: `2022-01-04`, `2022-01~`, `2022-05-15?`, `2022-01-04/2022-01-05`,
    /// `2022-01-04T19:30`, `2022-01-04T19:30:05+06:00`, `2022-01-04 evening`.
    pub fn parse(text: &str) -> Result<EventDate, String> {
        let text = text.trim();
        if text.is_empty() {
            return Err("empty date".into());
        }
        let (edtf_part, pod) = match text.rsplit_once(char::is_whitespace) {
            Some((d, p)) => match PartOfDay::parse(p.trim()) {
                Some(pod) => (d.trim(), Some(pod)),
                None => {
                    return Err(format!(
                        "unknown part of day {p:?} (morning, afternoon, evening, night)"
                    ));
                }
            },
            None => (text, None),
        };
        let mut date = parse_edtf(edtf_part)?;
        if let Some(pod) = pod {
            if date.precision != Precision::Day || date.start.date() != date.end.date() {
                return Err(format!(
                    "a part of day needs a single day, not {edtf_part:?}"
                ));
            }
            let (s, e) = pod.span(date.start.date());
            date.start = s;
            date.end = e;
            date.precision = Precision::PartOfDay;
            date.part_of_day = Some(pod);
        }
        Ok(date)
    }

    /// Whether the qualifiers apply to the year alone (`2022?-01-04`, EDTF level 2: the year
    /// was inferred, the day and month were given), rather than to the whole date.
    pub fn year_only_qualified(&self) -> bool {
        let first = self.edtf.split('/').next().unwrap_or("");
        matches!(first.as_bytes().get(4), Some(b'?' | b'~' | b'%'))
    }

    /// The text form: EDTF, then the part of day if any. `parse(to_text())` gives the same date.
    pub fn to_text(&self) -> String {
        match self.part_of_day {
            Some(p) => format!("{} {}", self.edtf, p.as_str()),
            None => self.edtf.clone(),
        }
    }

    /// An event date that is a capture time: second precision, with its offset if known.
    pub fn from_capture(local: NaiveDateTime, offset: Option<FixedOffset>) -> EventDate {
        let local = local.with_nanosecond(0).unwrap_or(local);
        let mut edtf = local.format("%Y-%m-%dT%H:%M:%S").to_string();
        if let Some(o) = offset {
            edtf.push_str(&format_offset(o));
        }
        EventDate {
            start: local,
            end: local,
            offset,
            precision: Precision::Second,
            part_of_day: None,
            approximate: false,
            uncertain: false,
            edtf,
        }
    }

    pub fn start_text(&self) -> String {
        stamp(self.start, self.offset)
    }

    pub fn end_text(&self) -> String {
        stamp(self.end, self.offset)
    }

    /// The key the timeline sorts by: local wall-clock start.
    pub fn sort_key(&self) -> String {
        self.start.format("%Y-%m-%dT%H:%M:%S").to_string()
    }

    pub fn to_json(&self) -> EventDateJson {
        EventDateJson {
            edtf: self.edtf.clone(),
            start: self.start_text(),
            end: self.end_text(),
            precision: self.precision,
            part_of_day: self.part_of_day,
            approximate: self.approximate,
            uncertain: self.uncertain,
        }
    }
}

/// `2022-01-04T19:32:10` or `2022-01-04T19:32:10+06:00`.
pub fn stamp(t: NaiveDateTime, offset: Option<FixedOffset>) -> String {
    let mut s = t.format("%Y-%m-%dT%H:%M:%S").to_string();
    if let Some(o) = offset {
        s.push_str(&format_offset(o));
    }
    s
}

pub fn format_offset(o: FixedOffset) -> String {
    let secs = o.local_minus_utc();
    let sign = if secs < 0 { '-' } else { '+' };
    let m = secs.abs() / 60;
    format!("{sign}{:02}:{:02}", m / 60, m % 60)
}

/// Parses `+06:00`, `-0330`, `Z`.
pub fn parse_offset(s: &str) -> Option<FixedOffset> {
    let s = s.trim();
    if s == "Z" {
        return FixedOffset::east_opt(0);
    }
    let (sign, rest) = match s.as_bytes().first()? {
        b'+' => (1, &s[1..]),
        b'-' => (-1, &s[1..]),
        _ => return None,
    };
    let digits: String = rest.chars().filter(|c| *c != ':').collect();
    if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let h: i32 = digits[..2].parse().ok()?;
    let m: i32 = digits[2..].parse().ok()?;
    if h > 14 || m > 59 {
        return None;
    }
    FixedOffset::east_opt(sign * (h * 3600 + m * 60))
}

fn parse_edtf(text: &str) -> Result<EventDate, String> {
    if let Some((a, b)) = text.split_once('/') {
        let a = parse_single(a)?;
        let b = parse_single(b)?;
        if b.end < a.start {
            return Err(format!("the interval {text:?} ends before it starts"));
        }
        return Ok(EventDate {
            start: a.start,
            end: b.end,
            offset: a.offset.or(b.offset),
            precision: a.precision.min(b.precision),
            part_of_day: None,
            approximate: a.approximate || b.approximate,
            uncertain: a.uncertain || b.uncertain,
            edtf: format!("{}/{}", a.edtf, b.edtf),
        });
    }
    parse_single(text)
}

fn parse_single(text: &str) -> Result<EventDate, String> {
    let bad = || {
        format!(
            "not an EDTF date: {text:?} (e.g. 2022-01-04, 2022-01~, 2022-01-04/2022-01-05, 2022-01-04 evening)"
        )
    };
    let mut body = text.trim();
    let (mut approximate, mut uncertain) = (false, false);
    match body.chars().last() {
        Some('~') => approximate = true,
        Some('?') => uncertain = true,
        Some('%') => (approximate, uncertain) = (true, true),
        _ => {}
    }
    if approximate || uncertain {
        body = &body[..body.len() - 1];
    }
    let (date_s, time_s) = match body.split_once('T') {
        Some((d, t)) => (d, Some(t)),
        None => (body, None),
    };
    // EDTF level 2 qualifies one component: a qualifier right after the year or the month
    // (`2022?-01-04`: the year is a guess, the day and month are not) applies to that component
    // and those left of it. The flags say the date holds such a guess; the text says where.
    let mut parts: Vec<&str> = date_s.split('-').collect();
    let components = parts.len();
    for (i, part) in parts.iter_mut().enumerate().take(2) {
        if i + 1 == components {
            break;
        }
        match part.chars().last() {
            Some('~') => approximate = true,
            Some('?') => uncertain = true,
            Some('%') => (approximate, uncertain) = (true, true),
            _ => continue,
        }
        *part = &part[..part.len() - 1];
    }
    let num = |s: &str, len: usize| -> Option<u32> {
        (s.len() == len && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok())?
    };
    let year = num(parts.first().ok_or_else(bad)?, 4).ok_or_else(bad)? as i32;
    let month = parts
        .get(1)
        .map(|m| num(m, 2).ok_or_else(bad))
        .transpose()?;
    let day = parts
        .get(2)
        .map(|d| num(d, 2).ok_or_else(bad))
        .transpose()?;
    if parts.len() > 3 || (time_s.is_some() && day.is_none()) {
        return Err(bad());
    }
    let midnight = NaiveTime::MIN;
    let last = NaiveTime::from_hms_opt(23, 59, 59).unwrap();
    let (start, end, precision, offset) = match (month, day, time_s) {
        (None, _, _) => {
            let s = NaiveDate::from_ymd_opt(year, 1, 1).ok_or_else(bad)?;
            let e = NaiveDate::from_ymd_opt(year, 12, 31).ok_or_else(bad)?;
            (
                s.and_time(midnight),
                e.and_time(last),
                Precision::Year,
                None,
            )
        }
        (Some(m), None, _) => {
            let s = NaiveDate::from_ymd_opt(year, m, 1).ok_or_else(bad)?;
            let next = if m == 12 {
                NaiveDate::from_ymd_opt(year + 1, 1, 1)
            } else {
                NaiveDate::from_ymd_opt(year, m + 1, 1)
            }
            .ok_or_else(bad)?;
            let e = next.pred_opt().ok_or_else(bad)?;
            (
                s.and_time(midnight),
                e.and_time(last),
                Precision::Month,
                None,
            )
        }
        (Some(m), Some(d), None) => {
            let day = NaiveDate::from_ymd_opt(year, m, d).ok_or_else(bad)?;
            (
                day.and_time(midnight),
                day.and_time(last),
                Precision::Day,
                None,
            )
        }
        (Some(m), Some(d), Some(t)) => {
            let day = NaiveDate::from_ymd_opt(year, m, d).ok_or_else(bad)?;
            let split = t.find(['Z', '+', '-']).unwrap_or(t.len());
            let (clock, off) = t.split_at(split);
            let offset = if off.is_empty() {
                None
            } else {
                Some(parse_offset(off).ok_or_else(bad)?)
            };
            let fields: Vec<&str> = clock.split(':').collect();
            let h = num(fields.first().ok_or_else(bad)?, 2).ok_or_else(bad)?;
            let mi = num(fields.get(1).ok_or_else(bad)?, 2).ok_or_else(bad)?;
            let (sec, precision) = match fields.get(2) {
                Some(s) => (num(s, 2).ok_or_else(bad)?, Precision::Second),
                None => (0, Precision::Minute),
            };
            if fields.len() > 3 {
                return Err(bad());
            }
            let time = NaiveTime::from_hms_opt(h, mi, sec).ok_or_else(bad)?;
            let start = day.and_time(time);
            let end = if precision == Precision::Minute {
                start + Duration::seconds(59)
            } else {
                start
            };
            (start, end, precision, offset)
        }
    };
    let _ = start.year();
    Ok(EventDate {
        start,
        end,
        offset,
        precision,
        part_of_day: None,
        approximate,
        uncertain,
        edtf: text.trim().to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Parses `input` and checks `precision start..end flags` and the text round trip.
    fn check(input: &str, expect: &str) {
        let d = EventDate::parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
        let mut got = format!(
            "{} {}..{}",
            d.precision.as_str(),
            d.start_text(),
            d.end_text()
        );
        if d.approximate {
            got.push_str(" ~");
        }
        if d.uncertain {
            got.push_str(" ?");
        }
        assert_eq!(got, expect, "for {input:?}");
        let again = EventDate::parse(&d.to_text()).unwrap();
        assert_eq!(again, d, "text round trip of {input:?}");
    }

    #[test]
    fn edtf_forms() {
        check("2022", "year 2022-01-01T00:00:00..2022-12-31T23:59:59");
        check(
            "2022-01~",
            "month 2022-01-01T00:00:00..2022-01-31T23:59:59 ~",
        );
        check("2024-02", "month 2024-02-01T00:00:00..2024-02-29T23:59:59");
        check("2022-12", "month 2022-12-01T00:00:00..2022-12-31T23:59:59");
        check(
            "2022-05-15?",
            "day 2022-05-15T00:00:00..2022-05-15T23:59:59 ?",
        );
        check(
            "2022-05-15%",
            "day 2022-05-15T00:00:00..2022-05-15T23:59:59 ~ ?",
        );
        check(
            "2022-01-04/2022-01-05",
            "day 2022-01-04T00:00:00..2022-01-05T23:59:59",
        );
        check(
            "2022-01-04T19:32",
            "minute 2022-01-04T19:32:00..2022-01-04T19:32:59",
        );
        check(
            "2022-01-04T19:32:10+06:00",
            "second 2022-01-04T19:32:10+06:00..2022-01-04T19:32:10+06:00",
        );
        check(
            "2022-01-04T19:32:10Z",
            "second 2022-01-04T19:32:10+00:00..2022-01-04T19:32:10+00:00",
        );
    }

    #[test]
    fn parts_of_day() {
        check(
            "2022-01-04 evening",
            "part_of_day 2022-01-04T18:00:00..2022-01-04T21:59:59",
        );
        check(
            "2022-01-04 night",
            "part_of_day 2022-01-04T22:00:00..2022-01-05T05:59:59",
        );
        check(
            "2022-01-05 утро",
            "part_of_day 2022-01-05T06:00:00..2022-01-05T11:59:59",
        );
        check(
            "2022-01-05~ afternoon",
            "part_of_day 2022-01-05T12:00:00..2022-01-05T17:59:59 ~",
        );
        assert_eq!(
            EventDate::parse("2022-01-04 вечер").unwrap().to_text(),
            "2022-01-04 evening"
        );
    }

    #[test]
    fn rejects_nonsense() {
        for bad in [
            "",
            "yesterday",
            "2022-13",
            "2022-02-30",
            "22-01-04",
            "2022-01-05/2022-01-04",
            "2022-01 evening",
            "2022-01-04 teatime",
            "2022-01-04T25:00",
        ] {
            assert!(EventDate::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn offsets() {
        assert_eq!(parse_offset("+06:00").unwrap().local_minus_utc(), 6 * 3600);
        assert_eq!(
            parse_offset("-0330").unwrap().local_minus_utc(),
            -(3 * 3600 + 1800)
        );
        assert!(parse_offset("+6").is_none());
        assert_eq!(
            format_offset(FixedOffset::east_opt(-12600).unwrap()),
            "-03:30"
        );
    }
}

/// An IANA time zone name (`Asia/Almaty`), from the tz database built into Kadr (with its
/// history: Almaty was UTC+6 until 1 March 2024 and UTC+5 since).
pub fn parse_zone(name: &str) -> Result<chrono_tz::Tz, String> {
    name.trim().parse::<chrono_tz::Tz>().map_err(|_| {
        format!("not a time zone of the tz database (e.g. Asia/Almaty, Asia/Bishkek, UTC): {name}")
    })
}

/// `local` (`YYYY-MM-DDTHH:MM:SS`) at `offset` (`+06:00`), as wall-clock time in `zone` at that
/// instant, in the same form. `None` if either does not parse.
pub fn home_wall_time(zone: chrono_tz::Tz, local: &str, offset: &str) -> Option<String> {
    let local = NaiveDateTime::parse_from_str(local.get(..19)?, "%Y-%m-%dT%H:%M:%S").ok()?;
    let offset = parse_offset(offset)?;
    let instant = local.and_local_timezone(offset).single()?;
    Some(
        instant
            .with_timezone(&zone)
            .naive_local()
            .format("%Y-%m-%dT%H:%M:%S")
            .to_string(),
    )
}

#[cfg(test)]
mod zone_tests {
    use super::*;

    #[test]
    fn almaty_moved_from_utc6_to_utc5_in_2024() {
        let z = parse_zone("Asia/Almaty").unwrap();
        assert_eq!(
            home_wall_time(z, "2022-01-04T13:32:10", "+00:00").as_deref(),
            Some("2022-01-04T19:32:10")
        );
        assert_eq!(
            home_wall_time(z, "2024-06-01T13:00:00", "+00:00").as_deref(),
            Some("2024-06-01T18:00:00")
        );
        assert_eq!(
            home_wall_time(z, "2022-01-04T19:32:10", "+06:00").as_deref(),
            Some("2022-01-04T19:32:10")
        );
        assert!(parse_zone("Mars/Olympus").is_err());
    }
}
