//! Tests of `app::inspector`.

use super::date::DateKind;
use super::*;

#[test]
fn the_date_editor_round_trips_every_kind() {
    for text in [
        "2022-01-04",
        "2022-01-04 evening",
        "2022-01-04 night",
        "2022-01~",
        "2022?",
        "2022-01-04/2022-01-05",
        "2022-01-04T19:30",
        "2022-01-04T19:30:05",
        "2022-05-15%",
        "2022?-01-04",
        "2022?-01-04 night",
        "2022~-01",
        "2022?-01-04T19:30",
        "2022?-01-04/2022?-01-05",
    ] {
        let date = EventDate::parse(text).unwrap();
        let editor = DateEditor::from_date(Some(&date));
        let back = editor.to_date().unwrap().unwrap();
        assert_eq!(back.to_text(), date.to_text(), "{text}");
    }
    assert_eq!(DateEditor::default().to_date().unwrap(), None);
    let bad = DateEditor {
        kind: DateKind::Day,
        day: "4 января".into(),
        ..Default::default()
    };
    assert!(bad.to_date().is_err());
}
