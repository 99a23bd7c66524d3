//! Tests of `i18n`.

use super::*;
use crate::dates::PartOfDay;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

#[test]
fn russian_months_are_declined() {
    let d = date(2022, 1, 4);
    assert_eq!(RU.day(d), "4 января 2022");
    assert_eq!(EN.day(d), "4 January 2022");
    assert_eq!(RU.month(2022, 4), "май 2022");
    assert_eq!(RU.day(date(2022, 5, 15)), "15 мая 2022");
    assert_eq!(RU.year(2022), "2022");
    assert_eq!(EN.month(2022, 0), "January 2022");
}

#[test]
fn kazakh_dates_put_the_year_first() {
    let days: Vec<String> = (1..=12).map(|m| KK.day(date(2022, m, 4))).collect();
    assert_eq!(
        days,
        [
            "2022 жылғы 4 қаңтар",
            "2022 жылғы 4 ақпан",
            "2022 жылғы 4 наурыз",
            "2022 жылғы 4 сәуір",
            "2022 жылғы 4 мамыр",
            "2022 жылғы 4 маусым",
            "2022 жылғы 4 шілде",
            "2022 жылғы 4 тамыз",
            "2022 жылғы 4 қыркүйек",
            "2022 жылғы 4 қазан",
            "2022 жылғы 4 қараша",
            "2022 жылғы 4 желтоқсан",
        ]
    );
    assert_eq!(KK.month(2022, 0), "2022 жылғы қаңтар");
    assert_eq!(KK.month(2021, 11), "2021 жылғы желтоқсан");
    assert_eq!(KK.year(2022), "2022 жыл");
    assert_eq!(KK.day_month(date(2022, 9, 1)), "1 қыркүйек");
}

#[test]
fn kyrgyz_months_take_the_possessive_by_vowel_harmony() {
    let days = [
        (1, 4, "2022-жылдын 4-январы"),
        (2, 5, "2022-жылдын 5-февралы"),
        (3, 8, "2022-жылдын 8-марты"),
        (4, 1, "2022-жылдын 1-апрели"),
        (5, 9, "2022-жылдын 9-майы"),
        (6, 12, "2022-жылдын 12-июну"),
        (7, 6, "2022-жылдын 6-июлу"),
        (8, 30, "2022-жылдын 30-августу"),
        (9, 1, "2022-жылдын 1-сентябры"),
        (10, 31, "2022-жылдын 31-октябры"),
        (11, 7, "2022-жылдын 7-ноябры"),
        (12, 31, "2022-жылдын 31-декабры"),
    ];
    for (m, d, want) in days {
        assert_eq!(KY.day(date(2022, m, d)), want);
    }
    assert_eq!(KY.month(2022, 0), "2022-жылдын январы");
    assert_eq!(KY.month(2022, 3), "2022-жылдын апрели");
    assert_eq!(KY.month(2022, 5), "2022-жылдын июну");
    assert_eq!(KY.year(2022), "2022-жыл");
    assert_eq!(KY.day_month(date(2022, 1, 4)), "4-январы");
}

#[test]
fn parts_of_day_in_every_language() {
    let expect = [
        (&EN, ["morning", "afternoon", "evening", "night"]),
        (&RU, ["утро", "день", "вечер", "ночь"]),
        (&KK, ["таңертең", "күндіз", "кеш", "түн"]),
        (&KY, ["эртең менен", "күндүз", "кечинде", "түнкүсүн"]),
    ];
    for (s, parts) in expect {
        for (p, want) in [
            PartOfDay::Morning,
            PartOfDay::Afternoon,
            PartOfDay::Evening,
            PartOfDay::Night,
        ]
        .into_iter()
        .zip(parts)
        {
            assert_eq!(s.parts[p as usize], want);
        }
    }
}

#[test]
fn photo_counts() {
    let ru: Vec<_> = [1, 2, 5, 11, 12, 21, 22, 25, 111]
        .iter()
        .map(|&n| RU.photos(n))
        .collect();
    assert_eq!(
        ru,
        [
            "снимок",
            "снимка",
            "снимков",
            "снимков",
            "снимков",
            "снимок",
            "снимка",
            "снимков",
            "снимков"
        ]
    );
    assert_eq!([EN.photos(1), EN.photos(2)], ["photo", "photos"]);
    assert_eq!([KK.photos(1), KK.photos(5)], ["сурет", "сурет"]);
    assert_eq!([KY.photos(1), KY.photos(5)], ["сүрөт", "сүрөт"]);
}

#[test]
fn the_language_comes_from_the_locale() {
    let env = |pairs: &'static [(&'static str, &'static str)]| {
        move |k: &str| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    };
    assert_eq!(Lang::from_locale(env(&[("LANG", "kk_KZ.UTF-8")])), Lang::Kk);
    assert_eq!(Lang::from_locale(env(&[("LANG", "ky_KG")])), Lang::Ky);
    assert_eq!(Lang::from_locale(env(&[("LANG", "ru_RU.UTF-8")])), Lang::Ru);
    assert_eq!(Lang::from_locale(env(&[("LANG", "C.UTF-8")])), Lang::En);
    assert_eq!(Lang::from_locale(env(&[("LANG", "de_DE")])), Lang::En);
    assert_eq!(Lang::from_locale(env(&[])), Lang::En);
    // LC_ALL over LC_MESSAGES over LANG; an empty one does not count.
    assert_eq!(
        Lang::from_locale(env(&[("LANG", "ru_RU"), ("LC_MESSAGES", "ky_KG")])),
        Lang::Ky
    );
    assert_eq!(
        Lang::from_locale(env(&[
            ("LANG", "ru_RU"),
            ("LC_MESSAGES", "ky_KG"),
            ("LC_ALL", "kk_KZ")
        ])),
        Lang::Kk
    );
    assert_eq!(
        Lang::from_locale(env(&[("LANG", "ru_RU"), ("LC_ALL", "")])),
        Lang::Ru
    );
    assert_eq!(Lang::from_code("KK"), Some(Lang::Kk));
    assert_eq!(Lang::from_code("ky-KG"), Some(Lang::Ky));
    assert_eq!(Lang::from_code("fr"), None);
    for l in Lang::ALL {
        assert_eq!(Lang::from_code(l.code()), Some(l));
        assert_eq!(l.strings().lang, l);
    }
}

/// Every string of a language as (field path, text), arrays by index.
fn leaves(s: &Strings) -> Vec<(String, String)> {
    fn walk(v: &serde_json::Value, path: String, out: &mut Vec<(String, String)>) {
        match v {
            serde_json::Value::String(t) => out.push((path, t.clone())),
            serde_json::Value::Array(a) => {
                for (i, v) in a.iter().enumerate() {
                    walk(v, format!("{path}[{i}]"), out);
                }
            }
            serde_json::Value::Object(o) => {
                for (k, v) in o {
                    walk(v, format!("{path}.{k}"), out);
                }
            }
            other => panic!("{path}: not a string: {other}"),
        }
    }
    let mut out = Vec::new();
    walk(&serde_json::to_value(s).unwrap(), String::new(), &mut out);
    out.retain(|(path, _)| path != ".lang");
    out
}

/// Texts that are the same in every language on purpose: names, formats, units.
const SAME_IN_EVERY_LANGUAGE: &[&str] = &["GPS", "SHA-256", "EDTF", "BagIt", "XMP", "HTML"];

#[test]
fn every_string_is_translated() {
    let en = leaves(&EN);
    assert!(en.len() > 150, "the walk sees every field: {}", en.len());
    let mut bad = Vec::new();
    for lang in Lang::ALL {
        let s = leaves(lang.strings());
        let paths = |l: &[(String, String)]| l.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>();
        assert_eq!(paths(&s), paths(&en), "{lang:?} has the same fields");
        for ((path, text), (_, english)) in s.iter().zip(&en) {
            let path = format!("{lang:?}{path}");
            if text.trim().is_empty() {
                bad.push(format!("{path}: empty"));
            } else if lang != Lang::En
                && text == english
                && !SAME_IN_EVERY_LANGUAGE.contains(&text.as_str())
            {
                bad.push(format!("{path}: still English ({text:?})"));
            } else if english.contains("{}") != text.contains("{}") {
                bad.push(format!("{path}: the {{}} placeholder ({text:?})"));
            }
            // Kazakh and Kyrgyz are written in Cyrillic here: no Latin word is left over
            // but the names of formats and standards.
            if matches!(lang, Lang::Kk | Lang::Ky) {
                let latin: Vec<&str> = text
                    .split(|c: char| !c.is_ascii_alphabetic())
                    .filter(|w| w.len() > 1)
                    .filter(|w| {
                        ![
                            "GPS", "SHA", "XMP", "HTML", "BagIt", "EXIF", "Kadr", "Natural",
                            "Earth", "Shift", "Esc", "m",
                            // A time zone's name in the tz database is an identifier.
                            "Asia", "Almaty",
                        ]
                        .contains(w)
                    })
                    .collect();
                if !latin.is_empty() {
                    bad.push(format!("{path}: Latin words {latin:?} in {text:?}"));
                }
            }
        }
    }
    assert!(bad.is_empty(), "\n{}", bad.join("\n"));
}

#[test]
fn kazakh_and_kyrgyz_use_their_own_letters() {
    // A Kazakh string with Kyrgyz-only ө/ү in a Kazakh word list would be a slip the other
    // way round too; check the letters each alphabet has and the other lacks.
    let all = |s: &Strings| leaves(s).into_iter().map(|(_, t)| t).collect::<String>();
    let (kk, ky) = (all(&KK), all(&KY));
    for c in ['ә', 'ғ', 'қ', 'ұ', 'һ', 'і'] {
        assert!(!ky.contains(c), "Kazakh letter {c} in Kyrgyz");
    }
    assert!(kk.contains('қ') && kk.contains('і'));
    assert!(ky.contains('ө') && ky.contains('ү'));
}
