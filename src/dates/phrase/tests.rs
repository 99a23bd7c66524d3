//! Tests of `dates::phrase`.

use super::*;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// Every phrase, read with a capture time of 1 March 2022, and the text stored for it.
const TABLE: &[(&str, &str)] = &[
    // The phrases of the issue.
    ("4 января вечер", "2022?-01-04 evening"),
    ("в ночь с 4 на 5 января 2022", "2022-01-04 night"),
    ("15 мая", "2022?-05-15"),
    ("к обеду 5 января", "2022?-01-05 morning"),
    ("январь 2022", "2022-01"),
    ("5-январда", "2022?-01-05"),
    ("4-қаңтар кешке", "2022?-01-04 evening"),
    ("Jan 2022", "2022-01"),
    ("night of 4 to 5 January", "2022?-01-04 night"),
    // Russian.
    ("4 января 2022 вечером", "2022-01-04 evening"),
    ("4 января утром", "2022?-01-04 morning"),
    ("5 января днём", "2022?-01-05 afternoon"),
    ("4 января ночью", "2022?-01-04 night"),
    ("ночью 5 января 2022", "2022-01-05 night"),
    ("в ночь на 5 января 2022", "2022-01-04 night"),
    ("в ночь с 31 декабря на 1 января 2022", "2021-12-31 night"),
    ("в полдень 5 января 2022", "2022-01-05 afternoon"),
    ("после обеда 5 января 2022", "2022-01-05 afternoon"),
    ("до обеда 4 января 2022", "2022-01-04 morning"),
    ("4 января в обед", "2022?-01-04 afternoon"),
    ("около полудня 4 января 2022", "2022-01-04 afternoon"),
    ("Январь 2022 г.", "2022-01"),
    ("в марте 2022 года", "2022-03"),
    ("в мае", "2022?-05"),
    ("в 2022 году", "2022"),
    ("4 янв. 2022", "2022-01-04"),
    ("4-го января 2022", "2022-01-04"),
    ("вторник, 4 января 2022", "2022-01-04"),
    ("с 4 по 6 января 2022", "2022-01-04/2022-01-06"),
    ("4–5 января 2022", "2022-01-04/2022-01-05"),
    ("30 декабря 2021 – 2 января 2022", "2021-12-30/2022-01-02"),
    ("30 декабря – 2 января 2022", "2021-12-30/2022-01-02"),
    ("январь–февраль 2022", "2022-01/2022-02"),
    ("около 15 мая 2022", "2022-05-15~"),
    ("вероятно 15 мая 2022", "2022-05-15?"),
    ("04.01.2022 вечером", "2022-01-04 evening"),
    ("4.01 вечером", "2022?-01-04 evening"),
    ("4 января 2022 в 19:30", "2022-01-04T19:30"),
    ("4 января 2022 в 7:30 вечера", "2022-01-04T19:30"),
    // English.
    ("evening of 4 January 2022", "2022-01-04 evening"),
    ("4 Jan", "2022?-01-04"),
    ("January 4, 2022", "2022-01-04"),
    ("Jan 4 2022 morning", "2022-01-04 morning"),
    ("4th of January 2022, in the evening", "2022-01-04 evening"),
    (
        "the night of 31 December to 1 January 2022",
        "2021-12-31 night",
    ),
    ("around 5 Jan 2022", "2022-01-05~"),
    ("May 2022", "2022-05"),
    // Kazakh.
    ("4 қаңтарда", "2022?-01-04"),
    ("қаңтардың 4-і", "2022?-01-04"),
    ("2022 жылғы 4 қаңтар кешке", "2022-01-04 evening"),
    ("5 ақпанда таңертең", "2022?-02-05 morning"),
    ("12 желтоқсанда түнде", "2021?-12-12 night"),
    ("шілденің 10-ы", "2022?-07-10"),
    ("4 Қаңтар түстен кейін", "2022?-01-04 afternoon"),
    ("5 қаңтарға қараған түні", "2022?-01-04 night"),
    ("2022 ж. 4 қаңтар", "2022-01-04"),
    ("наурыз 2022", "2022-03"),
    ("сәуірде", "2022?-04"),
    // Kyrgyz.
    ("4-январь", "2022?-01-04"),
    ("4-январда кечинде", "2022?-01-04 evening"),
    ("5-январь эртең менен", "2022?-01-05 morning"),
    ("4-январь түнкүсүн", "2022?-01-04 night"),
    ("2022-жылдын 4-январы", "2022-01-04"),
    ("5-январда түштөн кийин", "2022?-01-05 afternoon"),
    ("4-январь кечкурун", "2022?-01-04 evening"),
    // The README's examples.
    ("4 января вечером", "2022?-01-04 evening"),
    ("в ночь на 5 января 2022", "2022-01-04 night"),
    ("ночью 4 января", "2022?-01-04 night"),
    ("5 января до обеда", "2022?-01-05 morning"),
    ("5 января с утра", "2022?-01-05 morning"),
    ("5 қаңтар таңертең", "2022?-01-05 morning"),
    ("morning of 5 Jan 2022", "2022-01-05 morning"),
    ("5 января днём", "2022?-01-05 afternoon"),
    ("5 Jan 2022 at noon", "2022-01-05 afternoon"),
    ("04.01.2022", "2022-01-04"),
    ("в январе 2022 года", "2022-01"),
    ("5-январда түштөн кийин", "2022?-01-05 afternoon"),
    ("в полдень 5 января", "2022?-01-05 afternoon"),
    ("after lunch on 5 January 2022", "2022-01-05 afternoon"),
    ("4-январда", "2022?-01-04"),
    ("4 декабря кечинде", "2021?-12-04 evening"),
    // EDTF with a part of day in another language.
    ("2022-01-04 кечинде", "2022-01-04 evening"),
    ("2022-01-04 вечер", "2022-01-04 evening"),
];

#[test]
fn phrases_read_as_stored_text() {
    let context = PhraseContext {
        capture: Some(day(2022, 3, 1)),
        neighbour: None,
    };
    let mut wrong = Vec::new();
    for (phrase, expect) in TABLE {
        match parse_phrase(phrase, &context) {
            Ok(p) => {
                let text = p.date.to_text();
                if text != *expect {
                    wrong.push(format!("{phrase:?}: got {text:?}, expected {expect:?}"));
                }
                // What is stored reads back as the same date.
                assert_eq!(EventDate::parse(&text).unwrap(), p.date, "{phrase}");
                let inferred = expect.contains("?-");
                assert_eq!(
                    p.year == YearSource::Capture,
                    inferred,
                    "{phrase}: year source {:?}",
                    p.year
                );
            }
            Err(e) => wrong.push(format!("{phrase:?}: {e}")),
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert!(TABLE.len() >= 60);
}

#[test]
fn garbage_names_what_was_not_understood() {
    let context = PhraseContext {
        capture: Some(day(2022, 3, 1)),
        neighbour: None,
    };
    for (phrase, says) in [
        ("вчера вечером", "«вчера»"),
        ("asdf 4 января zzz", "«asdf», «zzz»"),
        ("4 вечером", "which month"),
        ("вечером", "which day"),
        ("31 февраля 2022", "no day 31"),
        ("в ночь с 4 на 7 января 2022", "a night runs"),
        ("45 января", "«45» is neither"),
        ("утром и вечером 4 января 2022", "more than one part of day"),
        ("4, 5 и 6 января", "more than two"),
        ("эртең", "«эртең»"),
        ("", "empty"),
    ] {
        let e = parse_phrase(phrase, &context).unwrap_err();
        assert!(e.contains(says), "{phrase:?}: {e}");
    }
    let e = parse_phrase("4 января", &PhraseContext::none()).unwrap_err();
    assert!(e.contains("names no year"), "{e}");
    // A phrase that names its year needs no context.
    assert!(parse_phrase("4 января 2022", &PhraseContext::none()).is_ok());
}

#[test]
fn a_missing_year_comes_from_the_capture_time_then_the_neighbours() {
    let both = PhraseContext {
        capture: Some(day(2022, 6, 1)),
        neighbour: Some(day(2019, 6, 1)),
    };
    let p = parse_phrase("4 января вечером", &both).unwrap();
    assert_eq!(p.date.to_text(), "2022?-01-04 evening");
    assert_eq!(p.year, YearSource::Capture);
    assert!(p.date.uncertain && !p.date.approximate);
    assert!(p.date.year_only_qualified());

    let neighbour = PhraseContext {
        capture: None,
        neighbour: Some(day(2019, 6, 1)),
    };
    let p = parse_phrase("4 января", &neighbour).unwrap();
    assert_eq!(p.date.to_text(), "2019?-01-04");
    assert_eq!(p.year, YearSource::Neighbour);

    // The year that puts the date nearest: New Year's Eve photographed just after midnight.
    let new_year = PhraseContext {
        capture: Some(day(2022, 1, 1)),
        neighbour: None,
    };
    assert_eq!(
        parse_phrase("31 декабря вечером", &new_year)
            .unwrap()
            .date
            .to_text(),
        "2021?-12-31 evening"
    );
    assert_eq!(
        parse_phrase("30 декабря – 2 января", &new_year)
            .unwrap()
            .date
            .to_text(),
        "2021?-12-30/2022?-01-02"
    );
    // A typed year is never overridden, and EDTF is read as it is.
    let p = parse_phrase("4 января 2020", &both).unwrap();
    assert_eq!(
        (p.date.to_text().as_str(), p.year),
        ("2020-01-04", YearSource::Typed)
    );
    let p = parse_phrase("2022-01-04 night", &both).unwrap();
    assert!(p.edtf && p.year == YearSource::Typed);
}

#[test]
fn an_inferred_year_sorts_and_spans_like_a_known_one() {
    let known = EventDate::parse("2022-01-04").unwrap();
    for text in ["2022?-01-04", "2022~-01-04", "2022%-01-04"] {
        let guess = EventDate::parse(text).unwrap();
        assert_eq!((guess.start, guess.end), (known.start, known.end), "{text}");
        assert_eq!(guess.sort_key(), known.sort_key());
        assert_eq!(guess.precision, Precision::Day);
        assert_eq!(guess.to_text(), text);
        assert!(guess.year_only_qualified());
    }
    let d = EventDate::parse("2022?-01-04 night").unwrap();
    assert_eq!(d.start_text(), "2022-01-04T22:00:00");
    assert_eq!(d.end_text(), "2022-01-05T05:59:59");
    assert!(d.uncertain && d.year_only_qualified());
    assert_eq!(EventDate::parse(&d.to_text()).unwrap(), d);
    let d = EventDate::parse("2022?-01").unwrap();
    assert_eq!(d.precision, Precision::Month);
    assert_eq!(d.end_text(), "2022-01-31T23:59:59");
    let d = EventDate::parse("2022?-01-04/2022?-01-05").unwrap();
    assert_eq!(d.end_text(), "2022-01-05T23:59:59");
    assert!(EventDate::parse("2022-01-04?").is_ok_and(|d| !d.year_only_qualified()));
    for bad in ["2022??-01-04", "?2022-01-04", "2022-01-04?-", "2022?-13-04"] {
        assert!(EventDate::parse(bad).is_err(), "{bad}");
    }
}

#[test]
fn describe_says_how_a_date_was_understood() {
    let d = |t: &str| EventDate::parse(t).unwrap();
    assert_eq!(
        describe(&d("2022-01-04 evening"), Lang::Ru),
        "4 января 2022 · вечер, 18:00–22:00"
    );
    assert_eq!(
        describe(&d("2022-01-04 evening"), Lang::En),
        "4 January 2022 · evening, 18:00–22:00"
    );
    assert_eq!(
        describe(&d("2022?-01-04 night"), Lang::Ru),
        "4 января 2022? · ночь, 22:00–06:00"
    );
    assert_eq!(describe(&d("2022-01"), Lang::Ru), "январь 2022");
    assert_eq!(describe(&d("2022?-05"), Lang::Ru), "май 2022?");
    assert_eq!(describe(&d("2022"), Lang::En), "2022");
    assert_eq!(
        describe(&d("2022?-01-04 evening"), Lang::Kk),
        format!(
            "2022? жылғы 4 қаңтар · {}, 18:00–22:00",
            Lang::Kk.strings().parts[2]
        )
    );
    assert_eq!(
        describe(&d("2022-01-04 evening"), Lang::Ky),
        format!(
            "2022-жылдын 4-январы · {}, 18:00–22:00",
            Lang::Ky.strings().parts[2]
        )
    );
    assert_eq!(
        describe(&d("2022-01-04/2022-01-05"), Lang::Ru),
        "4 января 2022 – 5 января 2022"
    );
    assert_eq!(describe(&d("2022-05-15~"), Lang::Ru), "15 мая 2022 ~");
    assert_eq!(describe(&d("2022?-05-15~"), Lang::Ru), "15 мая 2022? ~");
    assert_eq!(
        describe(&d("2022-01-04T19:30"), Lang::Ru),
        "4 января 2022, 19:30"
    );
    assert_eq!(
        describe(&d("2022-01-04T19:30:05+06:00"), Lang::En),
        "4 January 2022, 19:30:05 (+06:00)"
    );
}
