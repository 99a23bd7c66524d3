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

use super::{EventDate, PartOfDay, Precision};
use crate::i18n::Lang;
use chrono::{Datelike, Duration, NaiveDate};

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

#[derive(Debug, Clone, Copy, PartialEq)]
enum Tok {
    Day(u32),
    Month(u32),
    Year(i32),
    Part(PartOfDay),
    Time(u32, u32),
    Approximate,
    Uncertain,
    /// Russian «на» (before a day: «в ночь на 5 января», the night before the 5th).
    Onto,
    /// Kazakh and Kyrgyz «қараған» (the night facing a day: «5 қаңтарға қараған түні»).
    Facing,
    /// A word that is understood and changes nothing (prepositions, «года», weekdays).
    Skip,
}

/// Lower case, ё as е, and the Kazakh and Kyrgyz letters as their Russian neighbours, so
/// «Қаңтар» and «кантар» are one word.
fn normalize(word: &str) -> String {
    word.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'ё' => 'е',
            'қ' => 'к',
            'ғ' => 'г',
            'ң' => 'н',
            'ө' => 'о',
            'ұ' | 'ү' => 'у',
            'һ' => 'х',
            'і' => 'и',
            'ә' => 'а',
            c => c,
        })
        .collect()
}

/// Month stems (normalized) that take case endings: Russian (январь, января, январе), Kyrgyz
/// (январда, январы, январдын) and Kazakh (қаңтар, қаңтарда, қаңтардың, шілдеде).
const MONTH_STEMS: [&[&str]; 12] = [
    &["январ", "янв", "кантар"],
    &["феврал", "фев", "февр", "акпан"],
    &["март", "мар", "наурыз"],
    &["апрел", "апр", "сауир"],
    &["май", "мамыр"],
    &["июн", "маусым"],
    &["июл", "шилде"],
    &["август", "авг", "тамыз"],
    &["сентябр", "сен", "сент", "кыркуйек"],
    &["октябр", "окт", "казан"],
    &["ноябр", "ноя", "нояб", "караша"],
    &["декабр", "дек", "желтоксан"],
];

/// Case endings a month stem may carry (normalized: -ның is "нын").
const MONTH_ENDINGS: &[&str] = &[
    "", "ь", "я", "е", "ю", "ем", "а", "ы", "и", "да", "де", "та", "те", "нда", "нде", "ында",
    "инде", "дын", "дин", "тын", "тин", "нын", "нин", "ынын", "инин", "дун", "ун", "ын", "ин",
    "га", "ге", "ка", "ке", "ына", "ине", "дан", "ден", "тан", "тен", "нан", "нен", "ынан", "инен",
];

/// Month names that are whole words: English, and Russian forms of «май».
const MONTH_WORDS: [&[&str]; 12] = [
    &["january", "jan"],
    &["february", "feb"],
    &["march"],
    &["april", "apr"],
    &["may", "мая", "мае", "маю", "маем"],
    &["june", "jun"],
    &["july", "jul"],
    &["august", "aug"],
    &["september", "sep", "sept"],
    &["october", "oct"],
    &["november", "nov"],
    &["december", "dec"],
];

fn month(w: &str) -> Option<u32> {
    if w == "mar" {
        return Some(3);
    }
    for (m, words) in MONTH_WORDS.iter().enumerate() {
        if words.contains(&w) {
            return Some(m as u32 + 1);
        }
    }
    for (m, stems) in MONTH_STEMS.iter().enumerate() {
        for stem in *stems {
            if let Some(rest) = w.strip_prefix(stem)
                && MONTH_ENDINGS.contains(&rest)
            {
                return Some(m as u32 + 1);
            }
        }
    }
    None
}

/// Parts of day, one word each (normalized).
const PART_WORDS: &[(&str, PartOfDay)] = &[
    // Russian.
    ("утро", PartOfDay::Morning),
    ("утром", PartOfDay::Morning),
    ("утра", PartOfDay::Morning),
    ("день", PartOfDay::Afternoon),
    ("днем", PartOfDay::Afternoon),
    ("полдень", PartOfDay::Afternoon),
    ("полудня", PartOfDay::Afternoon),
    ("обед", PartOfDay::Afternoon),
    ("вечер", PartOfDay::Evening),
    ("вечером", PartOfDay::Evening),
    ("вечера", PartOfDay::Evening),
    ("ночь", PartOfDay::Night),
    ("ночью", PartOfDay::Night),
    ("ночи", PartOfDay::Night),
    // English.
    ("morning", PartOfDay::Morning),
    ("afternoon", PartOfDay::Afternoon),
    ("noon", PartOfDay::Afternoon),
    ("midday", PartOfDay::Afternoon),
    ("lunchtime", PartOfDay::Afternoon),
    ("evening", PartOfDay::Evening),
    ("night", PartOfDay::Night),
    ("overnight", PartOfDay::Night),
    // Kazakh (таң, таңертең, таңғы; түс, түсте, күндіз; кеш, кешке, кешкі; түн, түнде, түні).
    ("тан", PartOfDay::Morning),
    ("танертен", PartOfDay::Morning),
    ("танертенги", PartOfDay::Morning),
    ("тангы", PartOfDay::Morning),
    ("танда", PartOfDay::Morning),
    ("тус", PartOfDay::Afternoon),
    ("тусте", PartOfDay::Afternoon),
    ("туски", PartOfDay::Afternoon),
    ("кундиз", PartOfDay::Afternoon),
    ("кеш", PartOfDay::Evening),
    ("кешке", PartOfDay::Evening),
    ("кеште", PartOfDay::Evening),
    ("кешки", PartOfDay::Evening),
    ("кешкисин", PartOfDay::Evening),
    ("тун", PartOfDay::Night),
    ("тунде", PartOfDay::Night),
    ("тунги", PartOfDay::Night),
    ("туни", PartOfDay::Night),
    // Kyrgyz (таңкы; түш, түштө, күндүз; кеч, кечинде, кечкурун; түнү, түндө, түнкүсүн).
    ("танкы", PartOfDay::Morning),
    ("туш", PartOfDay::Afternoon),
    ("тушто", PartOfDay::Afternoon),
    ("тушку", PartOfDay::Afternoon),
    ("кундуз", PartOfDay::Afternoon),
    ("кундузу", PartOfDay::Afternoon),
    ("кеч", PartOfDay::Evening),
    ("кечинде", PartOfDay::Evening),
    ("кечке", PartOfDay::Evening),
    ("кечте", PartOfDay::Evening),
    ("кечки", PartOfDay::Evening),
    ("кечкисин", PartOfDay::Evening),
    ("кечкурун", PartOfDay::Evening),
    ("туну", PartOfDay::Night),
    ("тундо", PartOfDay::Night),
    ("тунку", PartOfDay::Night),
    ("тункусун", PartOfDay::Night),
];

/// Two-word parts of day: lunch is the boundary, so «к обеду» (by lunch) is the morning and
/// «после обеда» (after lunch) the afternoon.
const PART_PAIRS: &[(&str, &str, PartOfDay)] = &[
    ("к", "обеду", PartOfDay::Morning),
    ("до", "обеда", PartOfDay::Morning),
    ("после", "обеда", PartOfDay::Afternoon),
    ("в", "обед", PartOfDay::Afternoon),
    ("в", "полдень", PartOfDay::Afternoon),
    ("before", "noon", PartOfDay::Morning),
    ("before", "lunch", PartOfDay::Morning),
    ("by", "noon", PartOfDay::Morning),
    ("by", "lunch", PartOfDay::Morning),
    ("after", "lunch", PartOfDay::Afternoon),
    ("after", "noon", PartOfDay::Afternoon),
    // Kazakh: түске дейін, түстен бұрын; түстен кейін, түс ауа.
    ("туске", "дейин", PartOfDay::Morning),
    ("тустен", "бурын", PartOfDay::Morning),
    ("тустен", "кейин", PartOfDay::Afternoon),
    ("тус", "ауа", PartOfDay::Afternoon),
    // Kyrgyz: эртең менен; түшкө чейин; түштөн кийин.
    ("эртен", "менен", PartOfDay::Morning),
    ("эртен", "мененки", PartOfDay::Morning),
    ("тушко", "чейин", PartOfDay::Morning),
    ("туштон", "кийин", PartOfDay::Afternoon),
];

/// Words that are understood and change nothing.
const FILLERS: &[&str] = &[
    // Russian.
    "в",
    "во",
    "с",
    "со",
    "по",
    "до",
    "к",
    "ко",
    "и",
    "от",
    "числа",
    "число",
    "год",
    "года",
    "году",
    "г",
    "гг",
    "рано",
    "поздно",
    "понедельник",
    "вторник",
    "среда",
    "среду",
    "четверг",
    "пятница",
    "пятницу",
    "суббота",
    "субботу",
    "воскресенье",
    // English.
    "of",
    "the",
    "on",
    "in",
    "at",
    "to",
    "from",
    "and",
    "till",
    "until",
    "through",
    "between",
    "early",
    "late",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    // Kazakh and Kyrgyz: жыл, жылы, жылғы, жылдың; күні, күнү (on the day); weekdays.
    "ж",
    "жыл",
    "жылы",
    "жылгы",
    "жылдын",
    "жылдан",
    "куни",
    "куну",
    "дуйсенби",
    "сейсенби",
    "сарсенби",
    "бейсенби",
    "жума",
    "сенби",
    "жексенби",
    "дуйшомбу",
    "шейшемби",
    "шаршемби",
    "бейшемби",
    "ишемби",
    "жекшемби",
];

const APPROXIMATE: &[&str] = &[
    "около",
    "примерно",
    "приблизительно",
    "ориентировочно",
    "about",
    "around",
    "circa",
    "ca",
    "approximately",
    "approx",
    "шамамен",
    "шамасында",
    "болжол",
    "болжолу",
    "болжолдуу",
    "~",
];

const UNCERTAIN: &[&str] = &[
    "вероятно",
    "возможно",
    "предположительно",
    "наверное",
    "probably",
    "possibly",
    "perhaps",
    "maybe",
    "мумкин",
    "ыктимал",
    "балким",
    "мумкун",
    "?",
];

/// Ordinal and case tails a number may carry: 4th, 4-го, 4-е, 4-ші.
const NUMBER_TAILS: &[&str] = &[
    "", "st", "nd", "rd", "th", "го", "е", "ое", "ого", "й", "ый", "ши", "чи", "г",
];

/// A word of the phrase: its normalized text, as typed (for errors), and whether it hung on the
/// previous one by a hyphen (`5-январда`, `4-го`, `5-іне`).
struct Word {
    norm: String,
    typed: String,
    attached: bool,
}

fn split_words(text: &str) -> Vec<Word> {
    let cleaned: String = text
        .chars()
        .map(|c| {
            if matches!(
                c,
                ',' | ';' | '«' | '»' | '"' | '“' | '”' | '„' | '(' | ')' | '[' | ']' | '!'
            ) {
                ' '
            } else {
                c
            }
        })
        .collect();
    let mut out = Vec::new();
    for chunk in cleaned.split_whitespace() {
        let mut chunk = chunk.trim_end_matches('.');
        // A trailing qualifier is a word of its own: «2022?», «5 мая~».
        let mut tail = None;
        if chunk.len() > 1 && (chunk.ends_with('?') || chunk.ends_with('~')) {
            tail = Some(&chunk[chunk.len() - 1..]);
            chunk = &chunk[..chunk.len() - 1];
        }
        if numeric_date(chunk).is_some() || is_time(chunk) {
            out.push(Word {
                norm: chunk.to_string(),
                typed: chunk.to_string(),
                attached: false,
            });
        } else {
            let mut first = true;
            for piece in chunk.split(['-', '–', '—']) {
                if !piece.is_empty() {
                    out.push(Word {
                        norm: normalize(piece.trim_end_matches('.')),
                        typed: piece.to_string(),
                        attached: !first,
                    });
                }
                first = false;
            }
        }
        if let Some(t) = tail {
            out.push(Word {
                norm: t.to_string(),
                typed: t.to_string(),
                attached: false,
            });
        }
    }
    out
}

/// `04.01.2022`, `4.1.2022`, `04.01`, `2022-01-04`, `2022-01`, `01.2022`: tokens in order.
fn numeric_date(w: &str) -> Option<Vec<Tok>> {
    if !w
        .bytes()
        .all(|b| b.is_ascii_digit() || b == b'.' || b == b'/' || b == b'-')
    {
        return None;
    }
    let groups: Vec<&str> = w.split(['.', '/', '-']).collect();
    if groups.iter().any(|g| g.is_empty() || g.len() > 4) || groups.len() < 2 {
        return None;
    }
    let n = |g: &str| g.parse::<u32>().ok();
    let dotted = w.contains('.') || w.contains('/');
    Some(match groups.as_slice() {
        [y, m, d] if y.len() == 4 && m.len() <= 2 && d.len() <= 2 => {
            vec![Tok::Year(n(y)? as i32), Tok::Month(n(m)?), Tok::Day(n(d)?)]
        }
        [d, m, y] if dotted && y.len() == 4 && m.len() <= 2 && d.len() <= 2 => {
            vec![Tok::Day(n(d)?), Tok::Month(n(m)?), Tok::Year(n(y)? as i32)]
        }
        [y, m] if y.len() == 4 && m.len() <= 2 => vec![Tok::Year(n(y)? as i32), Tok::Month(n(m)?)],
        [m, y] if dotted && y.len() == 4 && m.len() <= 2 => {
            vec![Tok::Month(n(m)?), Tok::Year(n(y)? as i32)]
        }
        [d, m] if dotted && d.len() <= 2 && m.len() <= 2 => {
            vec![Tok::Day(n(d)?), Tok::Month(n(m)?)]
        }
        _ => return None,
    })
    .filter(|toks| {
        toks.iter().all(|t| match t {
            Tok::Month(m) => (1..=12).contains(m),
            Tok::Day(d) => (1..=31).contains(d),
            _ => true,
        })
    })
}

fn is_time(w: &str) -> bool {
    time_of(w).is_some()
}

/// `19:30`, `9:05`.
fn time_of(w: &str) -> Option<(u32, u32)> {
    let (h, m) = w.split_once(':')?;
    if h.is_empty() || h.len() > 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60).then_some((h, m))
}

fn tokenize(text: &str) -> Result<Vec<Tok>, String> {
    let words = split_words(text);
    let mut toks = Vec::new();
    let mut unknown: Vec<String> = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let w = &words[i];
        if let Some(next) = words.get(i + 1)
            && let Some((_, _, p)) = PART_PAIRS
                .iter()
                .find(|(a, b, _)| *a == w.norm && *b == next.norm)
        {
            toks.push(Tok::Part(*p));
            i += 2;
            continue;
        }
        i += 1;
        let n = w.norm.as_str();
        if let Some(date) = numeric_date(n) {
            toks.extend(date);
            continue;
        }
        if let Some((h, m)) = time_of(n) {
            toks.push(Tok::Time(h, m));
            continue;
        }
        if n.starts_with(|c: char| c.is_ascii_digit()) {
            let split = n.find(|c: char| !c.is_ascii_digit()).unwrap_or(n.len());
            let (digits, rest) = n.split_at(split);
            let value: u32 = digits.parse().unwrap_or(u32::MAX);
            let tail_month = month(rest);
            if !NUMBER_TAILS.contains(&rest) && tail_month.is_none() {
                unknown.push(w.typed.clone());
                continue;
            }
            if digits.len() == 4 && (1000..=2999).contains(&value) {
                toks.push(Tok::Year(value as i32));
            } else if rest != "г" && (1..=31).contains(&value) && digits.len() <= 2 {
                toks.push(Tok::Day(value));
            } else {
                return Err(format!(
                    "«{}» is neither a day of the month nor a year ({EXAMPLES})",
                    w.typed
                ));
            }
            if let Some(m) = tail_month {
                toks.push(Tok::Month(m));
            }
            continue;
        }
        if let Some(m) = month(n) {
            toks.push(Tok::Month(m));
        } else if let Some((_, p)) = PART_WORDS.iter().find(|(word, _)| *word == n) {
            toks.push(Tok::Part(*p));
        } else if n == "на" {
            toks.push(Tok::Onto);
        } else if n == "караган" {
            toks.push(Tok::Facing);
        } else if APPROXIMATE.contains(&n) {
            toks.push(Tok::Approximate);
        } else if UNCERTAIN.contains(&n) {
            toks.push(Tok::Uncertain);
        } else if FILLERS.contains(&n) || (w.attached && n.chars().count() <= 5) {
            // A case ending after a hyphen («4-го», «5-іне») says nothing more.
            toks.push(Tok::Skip);
        } else {
            unknown.push(w.typed.clone());
        }
    }
    if !unknown.is_empty() {
        let list: Vec<String> = unknown.iter().map(|u| format!("«{u}»")).collect();
        return Err(format!(
            "not understood: {} in «{}» ({EXAMPLES})",
            list.join(", "),
            text.trim()
        ));
    }
    Ok(toks)
}

/// A date as named: its year (typed or inferred), month, and day if given.
#[derive(Debug, Clone, Copy)]
struct Named {
    year: Option<i32>,
    month: u32,
    day: Option<u32>,
}

fn interpret(text: &str, toks: &[Tok], context: &PhraseContext) -> Result<ParsedDate, String> {
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

fn key(n: &Named) -> (i32, u32, u32) {
    (n.year.unwrap_or(0), n.month, n.day.unwrap_or(0))
}

fn ymd(n: &Named) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(n.year?, n.month, n.day?)
}

/// `2022-01-04`, or `2022?-01-04` when the year was inferred.
fn named_text(n: &Named, inferred: bool) -> String {
    let q = if inferred { "?" } else { "" };
    let y = n.year.unwrap_or(0);
    match n.day {
        Some(d) => format!("{y:04}{q}-{:02}-{d:02}", n.month),
        None => format!("{y:04}{q}-{:02}", n.month),
    }
}

/// The year (the reference's, or the one before or after) that puts `month`/`day` nearest the
/// reference date.
fn nearest_year(reference: NaiveDate, month: u32, day: u32) -> i32 {
    let y = reference.year();
    (y - 1..=y + 1)
        .filter_map(|c| {
            NaiveDate::from_ymd_opt(c, month, day).map(|d| (c, (d - reference).num_days().abs()))
        })
        .min_by_key(|&(c, gap)| (gap, (c - y).abs()))
        .map(|(c, _)| c)
        .unwrap_or(y)
}

fn finish(
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
