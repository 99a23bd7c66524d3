//! Text folding for search: a person or place is found whichever script was typed.
//!
//! `fold` maps Russian, Kazakh and Kyrgyz Cyrillic and Latin transliterations onto one
//! lowercase Latin skeleton, so «Мамай», «Мамай», "Mamay" and "MAMAI" compare equal.
//! It is a search key only; it is never shown and never stored as the name.
//!
//! `skeleton` goes further, for full-text search only (never for telling entities apart): it
//! collapses the spellings romanisations disagree on (zh/j, kh/h, q/k, y/i, the й or y of
//! "Tokayev" after a vowel, doubled letters), so «Жанболат», "Zhanbolat" and "Janbolat", or
//! «Токаев», "Tokayev" and "Toqaev", become the same words. The search index stores skeletons
//! and queries are skeletonised the same way, so whatever the rules merge, both sides merge
//! alike. `fold` stays as it is: its keys are stored with every alias and keyword.

/// The search key of a name: lowercase, script-folded, punctuation collapsed to single spaces.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars().flat_map(char::to_lowercase) {
        match translit(ch) {
            Some(t) => out.push_str(t),
            None if ch.is_alphanumeric() => out.push(ch),
            None => out.push(' '),
        }
    }
    // Fold spellings that transliterations disagree on.
    let mut s = out
        .replace("yy", "i")
        .replace("iy", "i")
        .replace("ij", "i")
        .replace(['y', 'j'], "i")
        .replace("kh", "h")
        .replace("ck", "k")
        .replace('q', "k")
        .replace('w', "v")
        .replace('x', "ks")
        .replace('c', "k");
    // Collapse whitespace.
    let words: Vec<&str> = s.split_whitespace().collect();
    s = words.join(" ");
    s
}

fn translit(ch: char) -> Option<&'static str> {
    Some(match ch {
        'а' | 'ә' => "a",
        'б' => "b",
        'в' => "v",
        'г' | 'ғ' => "g",
        'д' => "d",
        'е' | 'ё' | 'э' => "e",
        'ж' => "zh",
        'з' => "z",
        'и' | 'і' | 'й' => "i",
        'к' | 'қ' => "k",
        'л' => "l",
        'м' => "m",
        'н' | 'ң' => "n",
        'о' | 'ө' => "o",
        'п' => "p",
        'р' => "r",
        'с' => "s",
        'т' => "t",
        'у' | 'ұ' | 'ү' | 'ў' => "u",
        'ф' => "f",
        'х' | 'һ' => "h",
        'ц' => "ts",
        'ч' => "ch",
        'ш' => "sh",
        'щ' => "sch",
        'ъ' | 'ь' => "",
        'ы' => "i",
        'ю' => "iu",
        'я' => "ia",
        'ä' | 'á' | 'à' => "a",
        'ö' | 'ó' => "o",
        'ü' | 'ú' | 'ū' => "u",
        'ı' | 'í' | 'ì' => "i",
        'ş' => "sh",
        'ç' => "ch",
        'ğ' => "g",
        'ñ' => "n",
        'é' | 'è' => "e",
        _ => return None,
    })
}

/// Bump when `skeleton` changes: a catalogue whose index was built by another version
/// rebuilds it on open.
pub const SKELETON_VERSION: u32 = 1;

/// The search key of any text: lowercase Latin words separated by single spaces.
///
/// Rules, in order (each word on its own):
/// 1. Lowercase; Cyrillic (Russian, Kazakh, Kyrgyz) transliterated, Kazakh and Kyrgyz letters
///    as their Russian neighbours (қ k, ғ g, ң n, ө o, ұ ү u, һ h, і i, ә a), ё as е; Latin
///    letters with diacritics as their base letter; ъ, ь, apostrophes and combining marks
///    vanish; anything else that is not a letter or digit separates words.
/// 2. Digraphs: shch sch → sh, dzh zh dj → j, kh → h, gh → g, ck → k, ph → f.
/// 3. Letters: q → k, w → v, x → ks, y → i, c → k (but ch stays).
/// 4. An i after a vowel vanishes (Мамай mamai → mama, Tokayev → tokaev, Respublikiy →
///    respubliki), as does an i that opens a word before e (Yeltsin = Ельцин).
/// 5. A doubled letter counts once (Kassym = Касым); digits are kept as they are.
///
/// Each rule maps a prefix of a word onto a prefix of its skeleton except while a digraph is
/// half typed ("Z" of "Zhanbolat"), so prefix search works as the user types.
pub fn skeleton(s: &str) -> String {
    let mut latin = String::with_capacity(s.len() + 8);
    for ch in s.chars().flat_map(char::to_lowercase) {
        if matches!(ch, '\'' | '’' | 'ʼ' | '`' | '´' | 'ʻ' | '‘')
            || ('\u{300}'..='\u{36f}').contains(&ch)
        {
            continue;
        }
        match skeleton_letter(ch).or_else(|| translit(ch)) {
            Some(t) => latin.push_str(t),
            None if ch.is_alphanumeric() => latin.push(ch),
            None => latin.push(' '),
        }
    }
    let mut out = String::with_capacity(latin.len());
    for word in latin.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        skeleton_word(word, &mut out);
    }
    out
}

/// Latin letters with diacritics that `translit` leaves alone (it keeps `fold` stable).
fn skeleton_letter(ch: char) -> Option<&'static str> {
    Some(match ch {
        'â' | 'ã' | 'å' | 'ā' | 'ą' | 'ă' => "a",
        'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' => "e",
        'î' | 'ï' | 'ī' | 'į' => "i",
        'ô' | 'õ' | 'ō' | 'ø' | 'ő' | 'ò' => "o",
        'û' | 'ù' | 'ů' | 'ű' | 'ų' => "u",
        'ý' | 'ÿ' => "y",
        'ń' | 'ň' | 'ņ' => "n",
        'š' | 'ś' => "sh",
        'ž' => "zh",
        'ź' | 'ż' => "z",
        'č' | 'ć' => "ch",
        'ł' => "l",
        'ķ' => "k",
        'ģ' => "g",
        'ř' => "r",
        'ť' => "t",
        'ď' => "d",
        'ß' => "ss",
        _ => return None,
    })
}

/// Rules 2 to 5 on one word of `skeleton`'s first pass.
fn skeleton_word(word: &str, out: &mut String) {
    const DIGRAPHS: &[(&str, &str)] = &[
        ("shch", "sh"),
        ("sch", "sh"),
        ("dzh", "j"),
        ("zh", "j"),
        ("dj", "j"),
        ("kh", "h"),
        ("gh", "g"),
        ("ck", "k"),
        ("ph", "f"),
    ];
    let mut w = word.to_string();
    for (from, to) in DIGRAPHS {
        if w.contains(from) {
            w = w.replace(from, to);
        }
    }
    let chars: Vec<char> = w.chars().collect();
    let mut letters: Vec<char> = Vec::with_capacity(chars.len() + 2);
    for (i, &c) in chars.iter().enumerate() {
        match c {
            'q' => letters.push('k'),
            'w' => letters.push('v'),
            'x' => letters.extend(['k', 's']),
            'y' => letters.push('i'),
            'c' if chars.get(i + 1) != Some(&'h') => letters.push('k'),
            c => letters.push(c),
        }
    }
    let vowel = |c: char| matches!(c, 'a' | 'e' | 'i' | 'o' | 'u');
    let mut kept: Vec<char> = Vec::with_capacity(letters.len());
    for (i, &c) in letters.iter().enumerate() {
        if c == 'i' {
            match kept.last() {
                Some(&p) if vowel(p) => continue,
                None if letters.get(i + 1) == Some(&'e') => continue,
                _ => {}
            }
        }
        if kept.last() == Some(&c) && !c.is_numeric() {
            continue;
        }
        kept.push(c);
    }
    out.extend(kept);
}

#[cfg(test)]
mod tests {
    use super::{fold, skeleton};

    fn same(a: &str, b: &str) {
        assert_eq!(fold(a), fold(b), "{a:?} and {b:?} should fold alike");
    }

    #[test]
    fn scripts_meet() {
        same("Мамай", "Mamay");
        same("Мамай", "MAMAI");
        same("Жанболат Мамай", "Zhanbolat  Mamay");
        same("Площадь Республики", "площадь республики");
        same("ҚАНТАР", "қантар");
        same("Қантар", "Kantar");
        same("Республика аянты", "Respublika ayanty");
        same("Алматы", "Almaty");
        same("Тоқаев", "Токаев");
        assert_ne!(fold("Алматы"), fold("Астана"));
    }

    /// Every spelling in a row must skeletonise alike.
    const SAME: &[&[&str]] = &[
        &["Мамай", "Mamai", "Mamay", "MAMAY", "мамай"],
        &["Токаев", "Тоқаев", "Tokayev", "Tokaev", "Toqaev", "TOKAYEV"],
        &["Республики", "Respubliki", "республики", "Respublikiy"],
        &["Алматы", "Almaty", "ALMATY", "Алмати"],
        &["Жанболат", "Zhanbolat", "Janbolat", "Dzhanbolat"],
        &[
            "Касым-Жомарт",
            "Kassym-Jomart",
            "Kasym-Zhomart",
            "Qasym-Jomart",
            "Қасым Жомарт",
        ],
        &["Площадь", "Ploshchad'", "Ploschad", "ПЛОЩАДЬ", "Ploshchad’"],
        &["Ёлка", "Елка", "ЁЛКА", "Elka"],
        &["Ельцин", "Yeltsin", "Eltsin"],
        &["Хабар", "Khabar", "Habar", "Һабар"],
        &["Жамбыл", "Zhambyl", "Jambyl", "Жамбил"],
        &["Джамбул", "Dzhambul", "Djambul", "Jambul"],
        &["Рысқұлов", "Рыскулов", "Ryskulov", "Ryskulow"],
        &["Тұңғыш", "Тунгыш", "Tungysh", "Tūñğış"],
        &["Әкімдігі", "Акимдиги", "Akimdigi", "Äkimdigi"],
        &["Көшесі", "Кошеси", "Kóshesi", "Köshesi"],
        &["Алаңы", "alańy", "alany", "АЛАҢЫ"],
        &["Ақорда", "Акорда", "Akorda", "Aqorda"],
        &["Үкімет", "Укимет", "Ükimet", "Ukimet"],
        &["Шымкент", "Shymkent", "Şımkent", "Šymkent"],
        &["Чуй", "Chui", "Chuy", "ЧҮЙ"],
        &["Щучинск", "Shchuchinsk", "Schuchinsk"],
        &["Россия", "Rossiya", "Rossia", "Rosiya"],
        &["Выступление", "vystuplenie", "vistuplenie", "Vystupleniye"],
    ];

    /// Spellings that must stay apart.
    const APART: &[(&str, &str)] = &[
        ("Алматы", "Астана"),
        ("Токаев", "Токарев"),
        ("Жанболат", "Шанболат"),
        ("Janbolat", "Yanbolat"),
        ("Хан", "Кан"),
        ("Шар", "Сар"),
        ("Чай", "Цай"),
        ("мел", "мил"),
        ("Мамай", "Мамыр"),
        ("Кант", "Канат"),
        ("Абая", "Абдиева"),
        ("Тараз", "Тарас"),
        ("2022", "2021"),
    ];

    #[test]
    fn skeleton_merges_every_spelling() {
        for row in SAME {
            let want = skeleton(row[0]);
            for s in &row[1..] {
                assert_eq!(
                    skeleton(s),
                    want,
                    "{s:?} should skeletonise as {:?}",
                    row[0]
                );
            }
        }
    }

    #[test]
    fn skeleton_keeps_different_words_apart() {
        for (a, b) in APART {
            assert_ne!(skeleton(a), skeleton(b), "{a:?} and {b:?} must not match");
        }
    }

    #[test]
    fn skeleton_of_a_prefix_is_a_prefix() {
        // What a user has typed so far finds the word (prefix search), in either script.
        for (typed, word) in [
            ("выступ", "Выступление"),
            ("Вы", "Выступление"),
            ("Tokay", "Токаев"),
            ("Тока", "Tokayev"),
            ("Alma", "Алматы"),
            ("Zhanb", "Жанболат"),
            ("Janb", "Жанболат"),
            ("Respub", "Республики"),
            ("Mama", "Мамаем"),
            ("Kass", "Касым"),
            ("площ", "Площадь"),
        ] {
            let (t, w) = (skeleton(typed), skeleton(word));
            assert!(
                w.starts_with(&t),
                "{typed:?} ({t:?}) should be a prefix of {word:?} ({w:?})"
            );
        }
    }

    #[test]
    fn skeleton_words() {
        assert_eq!(
            skeleton("  Площадь   Республики, 4-5 января! "),
            "ploshad respubliki 4 5 ianvaria"
        );
        assert_eq!(skeleton("IMG_0001.JPG"), "img 0001 jpg");
        assert_eq!(skeleton("Мамай"), "mama");
        assert_eq!(skeleton("й"), "i");
        // Decomposed й and ё (a letter and a combining mark) read as the composed letters.
        assert_eq!(skeleton("Мама\u{438}\u{306}"), skeleton("Мамай"));
        assert_eq!(skeleton("е\u{308}лка"), skeleton("ёлка"));
        assert_eq!(skeleton("..."), "");
    }
}
