//! The words a date phrase is made of, in Russian, Kazakh, Kyrgyz and English: month names and
//! their case endings, parts of day, fillers, the marks of an approximate or uncertain date,
//! number tails, and the normalizing that makes «Қаңтар» and «кантар» one word. Not
//! responsible for splitting a phrase into words or for what the words mean together
//! (`tokens.rs`, `interpret.rs`).

use super::*;

/// Lower case, ё as е, and the Kazakh and Kyrgyz letters as their Russian neighbours, so
/// «Қаңтар» and «кантар» are one word.
pub(super) fn normalize(word: &str) -> String {
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
pub(super) const MONTH_STEMS: [&[&str]; 12] = [
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
pub(super) const MONTH_ENDINGS: &[&str] = &[
    "", "ь", "я", "е", "ю", "ем", "а", "ы", "и", "да", "де", "та", "те", "нда", "нде", "ында",
    "инде", "дын", "дин", "тын", "тин", "нын", "нин", "ынын", "инин", "дун", "ун", "ын", "ин",
    "га", "ге", "ка", "ке", "ына", "ине", "дан", "ден", "тан", "тен", "нан", "нен", "ынан", "инен",
];

/// Month names that are whole words: English, and Russian forms of «май».
pub(super) const MONTH_WORDS: [&[&str]; 12] = [
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

pub(super) fn month(w: &str) -> Option<u32> {
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
pub(super) const PART_WORDS: &[(&str, PartOfDay)] = &[
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
pub(super) const PART_PAIRS: &[(&str, &str, PartOfDay)] = &[
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
pub(super) const FILLERS: &[&str] = &[
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

pub(super) const APPROXIMATE: &[&str] = &[
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

pub(super) const UNCERTAIN: &[&str] = &[
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
pub(super) const NUMBER_TAILS: &[&str] = &[
    "", "st", "nd", "rd", "th", "го", "е", "ое", "ого", "й", "ый", "ши", "чи", "г",
];
