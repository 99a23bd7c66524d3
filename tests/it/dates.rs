//! Dates typed as people say them: `kadr tag --date` reads phrases in Russian, Kazakh, Kyrgyz
//! and English, stores EDTF plus a part of day, keeps the phrase in the history, and takes a
//! missing year from the capture time or the neighbours (marked uncertain: `2022?-01-04`).

use crate::fixtures::{self, Exif, Jpeg};
use crate::util::{Lib, imported};
use serde_json::{Value, json};

/// Imports one photo per `(name, capture time)` (`None`: no EXIF at all); their SHA-256s.
fn photos(lib: &Lib, list: &[(&str, Option<&'static str>)]) -> Vec<String> {
    for (i, (name, time)) in list.iter().enumerate() {
        let exif = time.map(|t| Exif {
            datetime_original: Some(t),
            offset_original: Some("+06:00"),
            ..Default::default()
        });
        lib.write(
            name,
            &fixtures::jpeg(48, 32, 40 + i as u32, Jpeg::Baseline, exif.as_ref()),
        );
    }
    let (run, report) = lib.import(&[&lib.src()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    list.iter()
        .map(|(n, _)| imported(&report, n)["sha256"].as_str().unwrap().to_string())
        .collect()
}

fn names(items: &[Value]) -> Vec<String> {
    items
        .iter()
        .map(|i| i["original_name"].as_str().unwrap().to_string())
        .collect()
}

/// The details of the item's last history entry.
fn last_entry(lib: &Lib, sha: &str) -> Value {
    let h = lib.run(&["history", "--json", sha]).json();
    h.as_array().unwrap().last().unwrap()["details"].clone()
}

#[test]
fn a_night_typed_in_russian_is_stored_as_the_night_of_the_4th() {
    let lib = Lib::new();
    let shas = photos(&lib, &[("night.jpg", Some("2022:01:04 23:30:00"))]);
    let phrase = "в ночь с 4 на 5 января 2022";
    let r = lib.run(&["tag", &shas[0], "--date", phrase]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("2022-01-04 night"), "{}", r.stderr);
    let item = lib.show(&shas[0]);
    assert_eq!(item["event_date"], "2022-01-04 night");
    assert_eq!(item["event"]["edtf"], "2022-01-04");
    assert_eq!(item["event"]["part_of_day"], "night");
    assert_eq!(item["event"]["start"], "2022-01-04T22:00:00");
    assert_eq!(item["event"]["end"], "2022-01-05T05:59:59");
    assert_eq!(item["event"]["uncertain"], false);
    // The phrase as typed is kept beside what it was read as.
    assert_eq!(
        last_entry(&lib, &shas[0])["event_date"],
        json!({"from": null, "to": "2022-01-04 night", "typed": phrase})
    );
    // EDTF is its own record: no phrase is kept for it.
    let r = lib.run(&["tag", &shas[0], "--date", "2022-01-04 evening"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        last_entry(&lib, &shas[0])["event_date"],
        json!({"from": "2022-01-04 night", "to": "2022-01-04 evening"})
    );
}

#[test]
fn a_missing_year_comes_from_the_capture_time_and_is_marked_uncertain() {
    let lib = Lib::new();
    let shas = photos(
        &lib,
        &[
            ("may.jpg", Some("2022:05:15 19:40:00")),
            ("jan.jpg", Some("2022:01:05 11:00:00")),
        ],
    );
    let r = lib.run(&["tag", &shas[0], "--date", "15 мая вечером", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let item = r.json();
    assert_eq!(item["event_date"], "2022?-05-15 evening");
    assert_eq!(item["event"]["edtf"], "2022?-05-15");
    assert_eq!(item["event"]["start"], "2022-05-15T18:00:00");
    assert_eq!(item["event"]["uncertain"], true);
    assert_eq!(item["event"]["approximate"], false);
    assert_eq!(
        last_entry(&lib, &shas[0])["event_date"]["typed"],
        "15 мая вечером"
    );

    // Kyrgyz, Kazakh and English on the January photo, each read the same way.
    for (phrase, stored) in [
        ("к обеду 5 января", "2022?-01-05 morning"),
        ("5-январда", "2022?-01-05"),
        ("4-қаңтар кешке", "2022?-01-04 evening"),
        ("night of 4 to 5 January", "2022?-01-04 night"),
        ("Jan 2022", "2022-01"),
    ] {
        let r = lib.run(&["tag", &shas[1], "--date", phrase]);
        assert_eq!(r.code, 0, "{phrase}: {}", r.stderr);
        assert_eq!(lib.show(&shas[1])["event_date"], stored, "{phrase}");
    }

    // The dates filter like their certain twins.
    let r = lib.run(&["tag", &shas[1], "--date", "в ночь с 4 на 5 января"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(lib.show(&shas[1])["event_date"], "2022?-01-04 night");
    assert_eq!(names(&lib.list(&[])), ["jan.jpg", "may.jpg"]);
    assert_eq!(names(&lib.list(&["--from", "2022-05-15"])), ["may.jpg"]);
    assert!(lib.list(&["--from", "2022-05-16"]).is_empty());
    assert_eq!(names(&lib.list(&["--to", "2022-05-14"])), ["jan.jpg"]);
    assert_eq!(
        names(&lib.list(&["--from", "2022-01-05", "--to", "2022-01-05"])),
        ["jan.jpg"],
        "the night of the 4th reaches into the 5th"
    );
    assert!(
        lib.list(&["--from", "2022-01-06", "--to", "2022-05-14"])
            .is_empty()
    );
    assert_eq!(
        names(&lib.list(&["--from", "2022?-05", "--to", "2022?-05"])),
        ["may.jpg"],
        "an EDTF level 2 date is a filter too"
    );
}

#[test]
fn without_a_capture_time_the_year_comes_from_the_nearest_dated_neighbour() {
    let lib = Lib::new();
    let shas = photos(
        &lib,
        &[
            ("a.jpg", Some("2021:03:10 12:00:00")),
            ("b-no-exif.jpg", None),
        ],
    );
    assert_eq!(lib.show(&shas[1])["capture_time"], Value::Null);
    let r = lib.run(&["tag", &shas[1], "--date", "4-январь кечинде"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(lib.show(&shas[1])["event_date"], "2021?-01-04 evening");
    // A year the phrase names is used as typed.
    let r = lib.run(&["tag", &shas[1], "--date", "evening of 4 January 2022"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(lib.show(&shas[1])["event_date"], "2022-01-04 evening");
}

#[test]
fn phrases_that_cannot_be_read_are_refused_and_change_nothing() {
    let lib = Lib::new();
    let shas = photos(&lib, &[("alone.jpg", None)]);
    // Nothing to take a year from: the only item has no capture time and no neighbour.
    let r = lib.run(&["tag", &shas[0], "--date", "4 января вечером"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("names no year"), "{}", r.stderr);
    // Words it does not know are named.
    let r = lib.run(&["tag", &shas[0], "--date", "вчера вечером"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("«вчера»"), "{}", r.stderr);
    let r = lib.run(&["tag", &shas[0], "--date", "в ночь с 4 на 7 января 2022"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("a night runs"), "{}", r.stderr);
    assert_eq!(lib.show(&shas[0])["event_date"], Value::Null);
    let h = lib.run(&["history", "--json", &shas[0]]).json();
    assert_eq!(h.as_array().unwrap().len(), 1, "only the import: {h:#}");
}
