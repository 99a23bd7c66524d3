//! A typed phrase as tokens: words split (a hyphen kept as a tie to the word before), numeric
//! dates and times recognised, each word looked up in the word tables. Not responsible for the
//! tables themselves (`words.rs`) or for what the tokens mean together (`interpret.rs`).

use super::*;

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Tok {
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

/// A word of the phrase: its normalized text, as typed (for errors), and whether it hung on the
/// previous one by a hyphen (`5-январда`, `4-го`, `5-іне`).
pub(super) struct Word {
    norm: String,
    typed: String,
    attached: bool,
}

pub(super) fn split_words(text: &str) -> Vec<Word> {
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
pub(super) fn numeric_date(w: &str) -> Option<Vec<Tok>> {
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

pub(super) fn is_time(w: &str) -> bool {
    time_of(w).is_some()
}

/// `19:30`, `9:05`.
pub(super) fn time_of(w: &str) -> Option<(u32, u32)> {
    let (h, m) = w.split_once(':')?;
    if h.is_empty() || h.len() > 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60).then_some((h, m))
}

pub(super) fn tokenize(text: &str) -> Result<Vec<Tok>, String> {
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
