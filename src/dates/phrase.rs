//! Dates typed as people say them, in Russian, Kazakh, Kyrgyz and English: «4 января вечером»,
//! «в ночь с 4 на 5 января 2022», «к обеду 5 января», «5-январда», «4-қаңтар кешке»,
//! "Jan 2022", "night of 4 to 5 January".
//!
//! A phrase is read into the same `EventDate` EDTF gives: the night of the 4th to the 5th is
//! `2022-01-04 night` (that part of day runs from 22:00 into the next morning). A year the
//! phrase does not name comes from the context (the item's capture time, else its nearest
//! dated neighbour in the chronicle), and then only the year is marked uncertain, as EDTF
//! level 2 writes it: `2022?-01-04`. `describe` says back how a date was understood, in the UI
//! language, before it is saved.
//!
//! This file holds the entry points (`parse_phrase`, `describe`); `phrase/words.rs` the word
//! tables, `phrase/tokens.rs` the tokenizer, `phrase/interpret.rs` the reading of tokens into
//! a date.

use super::{EventDate, PartOfDay, Precision};
use crate::i18n::Lang;
use chrono::{Datelike, Duration, NaiveDate};

mod interpret;
mod tokens;
mod words;

use interpret::*;
use tokens::*;
use words::*;

/// Where a phrase's missing year may come from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PhraseContext {
    /// The item's capture time (its local date): the first choice.
    pub capture: Option<NaiveDate>,
    /// The date of the item's nearest dated neighbour in the chronicle: the second.
    pub neighbour: Option<NaiveDate>,
}

impl PhraseContext {
    /// A context that knows no year: a phrase must name its own.
    pub fn none() -> PhraseContext {
        PhraseContext::default()
    }
}

/// Where the year of a parsed date came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum YearSource {
    /// The text named it (or the date has no year to infer).
    Typed,
    /// The item's capture time.
    Capture,
    /// The nearest dated item in the chronicle.
    Neighbour,
}

/// A date read from what the user typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedDate {
    pub date: EventDate,
    pub year: YearSource,
    /// The text was EDTF (it is its own record); false: it was a phrase, worth keeping as typed.
    pub edtf: bool,
}

/// Reads `text` as EDTF (`2022-01-04 evening`), else as a phrase. A phrase without a year takes
/// it from `context` (the year that puts the date nearest the capture time, else the
/// neighbour's date: «31 декабря» on a photo taken on 1 January 2022 is 2021) and marks only
/// the year uncertain (`2022?-12-31`). The error names what was not understood.
pub fn parse_phrase(text: &str, context: &PhraseContext) -> Result<ParsedDate, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("empty date".into());
    }
    if let Ok(date) = EventDate::parse(text) {
        return Ok(ParsedDate {
            date,
            year: YearSource::Typed,
            edtf: true,
        });
    }
    let tokens = tokenize(text)?;
    interpret(text, &tokens, context)
}

const EXAMPLES: &str = "e.g. «4 января вечером», «в ночь с 4 на 5 января 2022», «4-қаңтар кешке», «5-январда», \"Jan 2022\", 2022-01-04";

/// How a date reads to the user, in `lang`: «4 января 2022 · вечер, 18:00–22:00»,
/// «январь 2022», «4 января 2022? · ночь, 22:00–06:00» (only the year inferred),
/// «4 января 2022 – 6 января 2022», «4 января 2022, 19:30 ~». Shown by the date editor under
/// what was typed, before it is saved.
pub fn describe(date: &EventDate, lang: Lang) -> String {
    if let Some((a, b)) = date.edtf.split_once('/')
        && let (Ok(a), Ok(b)) = (EventDate::parse(a), EventDate::parse(b))
    {
        return format!("{} – {}", describe_one(&a, lang), describe_one(&b, lang));
    }
    describe_one(date, lang)
}

fn describe_one(d: &EventDate, lang: Lang) -> String {
    let s = lang.strings();
    let year = d.start.year().to_string();
    let mut out = match d.precision {
        Precision::Year => s.year(d.start.year()),
        Precision::Month => s.month(d.start.year(), d.start.month0()),
        _ => s.day(d.start.date()),
    };
    let year_only = d.year_only_qualified() && d.precision != Precision::Year;
    if year_only {
        let q = &d.edtf[4..5];
        out = out.replacen(&year, &format!("{year}{q}"), 1);
    }
    match d.precision {
        Precision::PartOfDay => {
            if let Some(p) = d.part_of_day {
                let i = PartOfDay::ALL.iter().position(|x| *x == p).unwrap_or(0);
                let end = d.end + Duration::seconds(1);
                out = format!(
                    "{out} · {}, {}–{}",
                    s.parts[i],
                    d.start.format("%H:%M"),
                    end.format("%H:%M")
                );
            }
        }
        Precision::Minute | Precision::Second => {
            let clock = if d.precision == Precision::Minute {
                d.start.format("%H:%M")
            } else {
                d.start.format("%H:%M:%S")
            };
            out = format!("{out}, {clock}");
            if let Some(o) = d.offset {
                out = format!("{out} ({})", super::format_offset(o));
            }
        }
        _ => {}
    }
    // Qualifiers on the whole date, as the chronicle shows them.
    let whole = |c: char| d.edtf.ends_with(c) || d.edtf.ends_with('%');
    let (approximate, uncertain) = if year_only {
        (whole('~'), whole('?'))
    } else {
        (d.approximate, d.uncertain)
    };
    if approximate {
        out.push_str(" ~");
    }
    if uncertain {
        out.push_str(" ?");
    }
    out
}

#[cfg(test)]
mod tests;
