//! Tests of `view`.

use super::*;
use crate::dates::EventDate;
use crate::i18n::{EN, KK, KY, RU};

/// An item with nothing but an id, an event date and a capture time (`strip`'s tests too).
pub(super) fn item(id: i64, date: Option<&str>, capture: Option<&str>) -> ItemSummary {
    ItemSummary {
        id,
        sha256: format!("{id:064}"),
        original_name: format!("{id}.jpg"),
        caption: None,
        format: "jpeg".into(),
        has_preview: true,
        event: date.map(|d| EventDate::parse(d).unwrap()),
        capture: capture.map(|c| NaiveDateTime::parse_from_str(c, "%Y-%m-%dT%H:%M:%S").unwrap()),
        place_id: None,
        place: None,
        people: vec![],
        tags: vec![],
        review_status: "unreviewed".into(),
        stored_path: String::new(),
        is_video: false,
        duration_s: None,
        incomplete: false,
        gps: None,
        place_at: None,
        flags: Vec::new(),
        similar: Vec::new(),
    }
}

#[test]
fn durations_read_like_a_player() {
    assert_eq!(duration_label(7.4), "0:07");
    assert_eq!(duration_label(83.0), "1:23");
    assert_eq!(duration_label(3723.0), "1:02:03");
}

#[test]
fn chronicle_groups_under_day_headers_in_order() {
    let items = vec![
        item(1, Some("2022-01-04 evening"), None),
        item(2, Some("2022-01-04 evening"), None),
        item(3, Some("2022-01-04 night"), None),
        item(4, None, Some("2022-01-05T09:15:00")),
        item(5, Some("2022-02~"), None),
        item(6, None, None),
    ];
    let idx: Vec<usize> = (0..items.len()).collect();
    let rows = chronicle(&items, &idx, &RU);
    let text: Vec<String> = rows
        .iter()
        .map(|r| match r {
            ChronicleRow::Header(h) => format!("# {h}"),
            ChronicleRow::Item(i) => items[*i].id.to_string(),
        })
        .collect();
    assert_eq!(
        text,
        [
            "# 4 января 2022 · вечер",
            "1",
            "2",
            "# 4 января 2022 · ночь",
            "3",
            "# 5 января 2022",
            "4",
            "# февраль 2022 ~",
            "5",
            "# Без даты",
            "6"
        ]
    );
    assert_eq!(date_label(&items[3], &EN), "5 January 2022 09:15");
}

#[test]
fn chronicle_headers_in_kazakh_and_kyrgyz() {
    let items = vec![
        item(1, Some("2022-01-04 evening"), None),
        item(2, Some("2022-01-05 morning"), None),
        item(3, Some("2022-01-05 afternoon"), None),
        item(4, Some("2022-01-05 night"), None),
        item(5, Some("2022-02"), None),
        item(6, Some("2023"), None),
        item(7, None, None),
    ];
    let idx: Vec<usize> = (0..items.len()).collect();
    let headers = |s| {
        chronicle(&items, &idx, s)
            .into_iter()
            .filter_map(|r| match r {
                ChronicleRow::Header(h) => Some(h),
                ChronicleRow::Item(_) => None,
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(
        headers(&KK),
        [
            "2022 жылғы 4 қаңтар · кеш",
            "2022 жылғы 5 қаңтар · таңертең",
            "2022 жылғы 5 қаңтар · күндіз",
            "2022 жылғы 5 қаңтар · түн",
            "2022 жылғы ақпан",
            "2023 жыл",
            "Күні жоқ",
        ]
    );
    assert_eq!(
        headers(&KY),
        [
            "2022-жылдын 4-январы · кечинде",
            "2022-жылдын 5-январы · эртең менен",
            "2022-жылдын 5-январы · күндүз",
            "2022-жылдын 5-январы · түнкүсүн",
            "2022-жылдын февралы",
            "2023-жыл",
            "Датасы жок",
        ]
    );
    assert_eq!(headers(&RU)[5], "2023");
}

#[test]
fn a_fuzzy_date_spreads_over_the_axis() {
    let items = vec![
        item(1, Some("2022-01"), None),
        item(2, Some("2022-01-10T12:00"), None),
    ];
    let start = secs(NaiveDate::from_ymd_opt(2022, 1, 1).unwrap().into());
    let end = secs(NaiveDate::from_ymd_opt(2022, 2, 1).unwrap().into());
    let h = histogram(&items, &[0, 1], start, end, 31);
    let total: f32 = h.iter().sum();
    assert!(
        (total - 2.0).abs() < 1e-3,
        "each item weighs one in all: {total}"
    );
    assert!(
        (h[0] - 1.0 / 31.0).abs() < 1e-3,
        "the month is a plateau: {h:?}"
    );
    assert!(h[9] > 1.0, "the exact time is a spike on the 10th");
}

#[test]
fn axis_ticks_follow_the_zoom() {
    let day = |d| secs(NaiveDate::from_ymd_opt(2022, 1, d).unwrap().into());
    assert_eq!(tick_unit(day(5) - day(1)), TickUnit::Day);
    let t = ticks(day(3), day(6), 10, &RU);
    assert_eq!(
        t.iter().map(|t| t.1.as_str()).collect::<Vec<_>>(),
        ["3 января", "4 января", "5 января", "6 января"]
    );
    let t = ticks(day(4), day(4) + 86_400.0, 8, &EN);
    assert!(t.len() <= 9 && t[0].1 == "00:00", "{t:?}");
    assert_eq!(
        ticks(
            secs(NaiveDate::from_ymd_opt(2010, 1, 1).unwrap().into()),
            day(1),
            20,
            &EN
        )[0]
        .1,
        "2010"
    );
}

#[test]
fn the_map_area_keeps_items_by_camera_position_else_by_place() {
    use crate::geo::{BBox, LatLon};
    let at = |lat, lon| Some(LatLon { lat, lon });
    let mut items = vec![
        item(1, Some("2022-01-04"), None),
        item(2, Some("2022-01-05"), None),
        item(3, Some("2022-01-06"), None),
        item(4, None, None),
    ];
    // The square by its camera; a photo tagged with the square but taken in Buenos Aires;
    // one located by its place only; one with no position at all.
    items[0].gps = at(43.2385, 76.9455);
    items[1].gps = at(-34.6037, -58.3816);
    items[1].place_at = at(43.2385, 76.9455);
    items[2].place_at = at(43.1886, 76.8879);
    let almaty = ViewFilter {
        area: Some(BBox {
            west: 76.8,
            south: 43.1,
            east: 77.0,
            north: 43.3,
        }),
        ..Default::default()
    };
    assert_eq!(visible(&items, &[], &almaty, None), [0, 2]);
    assert!(!almaty.is_empty());
    let with_date = ViewFilter {
        undated: true,
        ..almaty.clone()
    };
    assert!(visible(&items, &[], &with_date, None).is_empty());
}

#[test]
fn filters_combine() {
    let mut items = vec![
        item(1, Some("2022-01-04"), None),
        item(2, Some("2022-05-15"), None),
        item(3, None, None),
    ];
    items[0].people = vec!["Жанболат Мамай".into()];
    items[1].review_status = "verified".into();
    let f = ViewFilter {
        text: "Мамай".into(),
        ..Default::default()
    };
    let found = crate::ids::IdSet::from_iter([items[0].id]);
    assert_eq!(visible(&items, &[], &f, Some(&found)), [0]);
    // Before the index answers, the text narrows nothing; a cleared field drops the answer.
    assert_eq!(visible(&items, &[], &f, None), [0, 1, 2]);
    assert_eq!(
        visible(&items, &[], &ViewFilter::default(), Some(&found)),
        [0, 1, 2]
    );
    let f = ViewFilter {
        status: Some("verified".into()),
        ..Default::default()
    };
    assert_eq!(visible(&items, &[], &f, None), [1]);
    let f = ViewFilter {
        undated: true,
        ..Default::default()
    };
    assert_eq!(visible(&items, &[], &f, None), [2]);
    let day = |d: u32| {
        NaiveDate::from_ymd_opt(2022, 1, d)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap()
    };
    let f = ViewFilter {
        range: Some((day(3), day(5))),
        ..Default::default()
    };
    assert_eq!(visible(&items, &[], &f, None), [0]);
    let counts = facets(&items, &[0, 1, 2], &[]);
    assert_eq!(counts.people, [("Жанболат Мамай".to_string(), 1)]);
    assert_eq!(counts.undated, 1);
    assert_eq!(counts.statuses[1], ("verified", 1));
    // Verification facets.
    items[1].flags = vec![crate::verify::DATE_MISMATCH.into()];
    items[0].similar = vec![(3, 2)];
    items[2].similar = vec![(1, 2)];
    let f = ViewFilter {
        date_mismatch: true,
        ..Default::default()
    };
    assert_eq!(visible(&items, &[], &f, None), [1]);
    let f = ViewFilter {
        near_duplicates: true,
        ..Default::default()
    };
    assert_eq!(visible(&items, &[], &f, None), [0, 2]);
    let counts = facets(&items, &[0, 1, 2], &[]);
    assert_eq!((counts.date_mismatch, counts.near_duplicates), (1, 2));
}

#[test]
fn a_phrase_takes_its_year_from_the_capture_time_then_the_nearest_dated_neighbour() {
    let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
    // Timeline order: dated items by date, then undated ones by id.
    let items = vec![
        item(1, Some("2019-05-01"), None),
        item(4, None, Some("2021-03-01T10:00:00")),
        item(2, Some("2022-01-04"), None),
        item(3, Some("2023-07-01"), None),
        item(6, None, None),
        item(9, None, None),
    ];
    let c = phrase_context(&items, 4);
    assert_eq!((c.capture, c.neighbour), (day(2021, 3, 1), day(2019, 5, 1)));
    // A dated item without a capture time: its nearest neighbour on the timeline.
    let c = phrase_context(&items, 2);
    assert_eq!((c.capture, c.neighbour), (None, day(2021, 3, 1)));
    let c = phrase_context(&items, 1);
    assert_eq!(c.neighbour, day(2021, 3, 1));
    // An undated item: the dated item imported closest to it (by id).
    assert_eq!(phrase_context(&items, 6).neighbour, day(2021, 3, 1));
    assert_eq!(phrase_context(&items, 9).neighbour, day(2021, 3, 1));
    assert_eq!(phrase_context(&items[..1], 1).neighbour, None);
    assert_eq!(phrase_context(&items, 77), Default::default());
}
