//! Tokens to a date: the days, months, years, parts of day and times of a phrase put together
//! into one `EventDate` (a day, a night, or a range), a missing year taken from the
//! `PhraseContext`. Not responsible for reading the words (`tokens.rs`).

use super::*;

/// A date as named: its year (typed or inferred), month, and day if given.
#[derive(Debug, Clone, Copy)]
pub(super) struct Named {
    year: Option<i32>,
    month: u32,
    day: Option<u32>,
}

pub(super) fn interpret(
    text: &str,
    toks: &[Tok],
    context: &PhraseContext,
) -> Result<ParsedDate, String> {
    let mut days: Vec<(u32, usize, bool)> = Vec::new();
    let mut months: Vec<(u32, usize)> = Vec::new();
    let mut years: Vec<(i32, usize)> = Vec::new();
    let mut parts: Vec<PartOfDay> = Vec::new();
    let mut time = None;
    let (mut approximate, mut uncertain, mut facing) = (false, false, false);
    for (i, t) in toks.iter().enumerate() {
        match *t {
            Tok::Day(d) => days.push((d, i, i > 0 && toks[i - 1] == Tok::Onto)),
            Tok::Month(m) => months.push((m, i)),
            Tok::Year(y) => years.push((y, i)),
            Tok::Part(p) => {
                if !parts.contains(&p) {
                    parts.push(p);
                }
            }
            Tok::Time(h, m) => {
                if time.replace((h, m)).is_some() {
                    return Err(format!("two times of day in «{text}»"));
                }
            }
            // «около полудня» is the part of day itself, not an approximate date.
            Tok::Approximate => {
                approximate |= !matches!(toks.get(i + 1), Some(Tok::Part(_)));
            }
            Tok::Uncertain => uncertain = true,
            Tok::Facing => facing = true,
            Tok::Onto | Tok::Skip => {}
        }
    }
    if parts.len() > 1 {
        let names: Vec<&str> = parts.iter().map(|p| p.as_str()).collect();
        return Err(format!(
            "more than one part of day ({}) in «{text}»",
            names.join(", ")
        ));
    }
    let part = parts.first().copied();
    if days.len() > 2 || months.len() > 2 || years.len() > 2 {
        return Err(format!(
            "«{text}» names more than two dates; a date is one day, a night, or a range from one to another ({EXAMPLES})"
        ));
    }
    if !days.is_empty() && months.is_empty() {
        return Err(format!("«{text}»: which month? ({EXAMPLES})"));
    }
    if days.len() == 1 && months.len() == 2 {
        return Err(format!("«{text}»: two months but one day ({EXAMPLES})"));
    }
    if days.is_empty() && months.is_empty() {
        if part.is_some() || time.is_some() {
            return Err(format!("«{text}»: which day? ({EXAMPLES})"));
        }
        // Only years: «2022 год», «в 2021–2022 годах» is not understood («годах»), «2021-2022» is.
        let edtf = match years.as_slice() {
            [(y, _)] => format!("{y:04}"),
            [(a, _), (b, _)] => format!("{a:04}/{b:04}"),
            _ => return Err(format!("no date in «{text}» ({EXAMPLES})")),
        };
        return finish(&edtf, approximate, uncertain, None, YearSource::Typed, None);
    }
    if (part.is_some() || time.is_some()) && days.is_empty() {
        return Err(format!(
            "«{text}»: a part of day or a time needs a day ({EXAMPLES})"
        ));
    }

    // The one or two dates named, in the order typed.
    let mut named: Vec<(Named, usize)> = Vec::new();
    match (days.len(), months.len()) {
        (0, n) => {
            for &(m, at) in &months[..n] {
                named.push((
                    Named {
                        year: None,
                        month: m,
                        day: None,
                    },
                    at,
                ));
            }
        }
        (1, 1) => named.push((
            Named {
                year: None,
                month: months[0].0,
                day: Some(days[0].0),
            },
            days[0].1.min(months[0].1),
        )),
        (2, 1) => {
            for &(d, at, _) in &days {
                named.push((
                    Named {
                        year: None,
                        month: months[0].0,
                        day: Some(d),
                    },
                    at,
                ));
            }
        }
        (2, 2) => {
            for k in 0..2 {
                named.push((
                    Named {
                        year: None,
                        month: months[k].0,
                        day: Some(days[k].0),
                    },
                    days[k].1.min(months[k].1),
                ));
            }
        }
        _ => unreachable!("checked above"),
    }

    // Years: as typed, else from the context.
    let mut source = YearSource::Typed;
    match years.as_slice() {
        [] => {
            let (reference, from) = match (context.capture, context.neighbour) {
                (Some(c), _) => (c, YearSource::Capture),
                (None, Some(n)) => (n, YearSource::Neighbour),
                (None, None) => {
                    return Err(format!(
                        "«{text}» names no year, and there is no capture time or dated neighbour to take it from: add the year (…2022)"
                    ));
                }
            };
            source = from;
            let first = named[0].0;
            let y = nearest_year(reference, first.month, first.day.unwrap_or(15));
            for (n, _) in named.iter_mut() {
                n.year = Some(y);
            }
        }
        [(y, _)] if named.len() == 1 => named[0].0.year = Some(*y),
        [(y, at)] => {
            // One year for a range: it belongs where it was typed; the other end is the
            // year before or after when the range crosses New Year («30 декабря – 2 января 2022»).
            for (n, _) in named.iter_mut() {
                n.year = Some(*y);
            }
            let second_at = named[1].1;
            if key(&named[1].0) < key(&named[0].0) {
                if *at > second_at {
                    named[0].0.year = Some(y - 1);
                } else {
                    named[1].0.year = Some(y + 1);
                }
            }
        }
        [(a, _), (b, _)] if named.len() == 2 => {
            named[0].0.year = Some(*a);
            named[1].0.year = Some(*b);
        }
        _ => return Err(format!("«{text}»: two years but one date ({EXAMPLES})")),
    }
    if source != YearSource::Typed && named.len() == 2 && key(&named[1].0) < key(&named[0].0) {
        named[1].0.year = named[1].0.year.map(|y| y + 1);
    }
    let mut dates: Vec<Named> = named.into_iter().map(|(n, _)| n).collect();
    for d in &dates {
        if let Some(day) = d.day
            && NaiveDate::from_ymd_opt(d.year.unwrap_or(2000), d.month, day).is_none()
        {
            return Err(format!(
                "there is no day {day} in month {:02} of {} («{text}»)",
                d.month,
                d.year.unwrap_or(0)
            ));
        }
    }
    let inferred = source != YearSource::Typed;

    // A night: «в ночь с 4 на 5» is the night of the 4th; «в ночь на 5» too.
    if part == Some(PartOfDay::Night) {
        if dates.len() == 2 {
            let (a, b) = (ymd(&dates[0]), ymd(&dates[1]));
            if a.zip(b).is_none_or(|(a, b)| b != a + Duration::days(1)) {
                return Err(format!(
                    "«{text}»: a night runs from one day into the next («в ночь с 4 на 5 января», \"night of 4 to 5 January\")"
                ));
            }
            dates.pop();
        } else if days.len() == 1 && (days[0].2 || facing) {
            let day = ymd(&dates[0]).expect("checked above") - Duration::days(1);
            dates[0] = Named {
                year: Some(day.year()),
                month: day.month(),
                day: Some(day.day()),
            };
        }
    }
    if dates.len() == 2 && (part.is_some() || time.is_some()) {
        return Err(format!(
            "«{text}»: a part of day or a time needs a single day, not a range"
        ));
    }
    let edtf: Vec<String> = dates.iter().map(|d| named_text(d, inferred)).collect();
    let edtf = edtf.join("/");
    finish(&edtf, approximate, uncertain, part, source, time)
}

pub(super) fn key(n: &Named) -> (i32, u32, u32) {
    (n.year.unwrap_or(0), n.month, n.day.unwrap_or(0))
}

pub(super) fn ymd(n: &Named) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(n.year?, n.month, n.day?)
}

/// `2022-01-04`, or `2022?-01-04` when the year was inferred.
pub(super) fn named_text(n: &Named, inferred: bool) -> String {
    let q = if inferred { "?" } else { "" };
    let y = n.year.unwrap_or(0);
    match n.day {
        Some(d) => format!("{y:04}{q}-{:02}-{d:02}", n.month),
        None => format!("{y:04}{q}-{:02}", n.month),
    }
}

/// The year (the reference's, or the one before or after) that puts `month`/`day` nearest the
/// reference date.
pub(super) fn nearest_year(reference: NaiveDate, month: u32, day: u32) -> i32 {
    let y = reference.year();
    (y - 1..=y + 1)
        .filter_map(|c| {
            NaiveDate::from_ymd_opt(c, month, day).map(|d| (c, (d - reference).num_days().abs()))
        })
        .min_by_key(|&(c, gap)| (gap, (c - y).abs()))
        .map(|(c, _)| c)
        .unwrap_or(y)
}

pub(super) fn finish(
    edtf: &str,
    approximate: bool,
    uncertain: bool,
    part: Option<PartOfDay>,
    year: YearSource,
    time: Option<(u32, u32)>,
) -> Result<ParsedDate, String> {
    let q = match (approximate, uncertain) {
        (true, true) => "%",
        (true, false) => "~",
        (false, true) => "?",
        (false, false) => "",
    };
    let mut text: String = edtf
        .split('/')
        .map(|side| format!("{side}{q}"))
        .collect::<Vec<_>>()
        .join("/");
    if let Some((mut h, m)) = time {
        // «7:30 вечера» is 19:30.
        if matches!(part, Some(PartOfDay::Evening | PartOfDay::Afternoon)) && h < 12 {
            h += 12;
        }
        text = format!("{edtf}T{h:02}:{m:02}{q}");
    } else if let Some(p) = part {
        text = format!("{text} {}", p.as_str());
    }
    let date = EventDate::parse(&text).map_err(|e| format!("{e} (read as {text})"))?;
    Ok(ParsedDate {
        date,
        year,
        edtf: false,
    })
}
