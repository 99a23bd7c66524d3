//! `kadr demo`: the demo chronicle on placeholder images, found again by date, person and place.

use crate::util::Lib;
use serde_json::Value;
use std::collections::HashSet;

fn chronicle() -> Value {
    serde_json::from_str(include_str!("../../assets/demo/chronicle.json")).unwrap()
}

fn load(lib: &Lib) -> Value {
    let run = lib.run(&["demo", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.json()
}

fn captions(items: &[Value]) -> Vec<&str> {
    items
        .iter()
        .map(|i| i["caption"].as_str().unwrap())
        .collect()
}

/// Captions of the chronicle's items at `place` or any place inside it (by name).
fn captions_at<'a>(chronicle: &'a Value, places: &[&str]) -> Vec<&'a str> {
    chronicle["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| places.iter().any(|p| i["place"] == *p))
        .map(|i| i["caption"].as_str().unwrap())
        .collect()
}

#[test]
fn demo_loads_every_item_in_timeline_order() {
    let lib = Lib::new();
    let chronicle = chronicle();
    let expected = chronicle["items"].as_array().unwrap();
    let report = load(&lib);
    assert_eq!(report["items"], expected.len());
    assert_eq!(report["imported"], expected.len());
    assert_eq!(report["already_present"], 0);

    let items = lib.list(&[]);
    assert_eq!(
        captions(&items),
        expected
            .iter()
            .map(|i| i["caption"].as_str().unwrap())
            .collect::<Vec<_>>(),
        "one item per chronicle item, in timeline order"
    );

    let evening = items
        .iter()
        .find(|i| {
            i["caption"]
                .as_str()
                .unwrap()
                .starts_with("4 января. Вечер.")
        })
        .unwrap();
    assert_eq!(evening["event_date"], "2022-01-04 evening");
    assert_eq!(evening["event"]["precision"], "part_of_day");
    assert_eq!(
        evening["place_path"],
        serde_json::json!(["Алматы", "Парк Первого Президента"])
    );
    let tags: Vec<&str> = evening["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    assert!(
        tags.contains(&"demo") && tags.contains(&"I - Январь"),
        "{tags:?}"
    );
    assert_eq!(evening["source"], chronicle["title"]);
    assert!(evening["credit"].as_str().unwrap().contains("Placeholder"));
    assert_eq!(
        evening["camera"],
        Value::Null,
        "a placeholder has no camera"
    );
    assert_eq!(evening["capture_time"], Value::Null);

    let night = lib.show(evening["sha256"].as_str().unwrap());
    assert_eq!(night["format"], "jpeg");
    assert_eq!(
        (night["width"].as_u64(), night["height"].as_u64()),
        (Some(1200), Some(800))
    );

    // Each placeholder is its own picture, with its thumbnail and preview.
    let shas: HashSet<&str> = items
        .iter()
        .map(|i| i["sha256"].as_str().unwrap())
        .collect();
    assert_eq!(shas.len(), expected.len(), "placeholders are distinct");
    for sha in &shas {
        for sub in ["thumbs", "previews"] {
            let path = lib
                .root()
                .join(sub)
                .join(&sha[..2])
                .join(format!("{sha}.jpg"));
            assert!(path.is_file(), "missing {}", path.display());
        }
    }
}

#[test]
fn demo_items_are_found_by_person_and_place_in_any_script() {
    let lib = Lib::new();
    let chronicle = chronicle();
    load(&lib);

    let mamay = lib.list(&["--person", "Mamay"]);
    let expected: Vec<&str> = chronicle["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| {
            i["people"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p == "Жанболат Мамай")
        })
        .map(|i| i["caption"].as_str().unwrap())
        .collect();
    assert_eq!(expected.len(), 2);
    assert_eq!(captions(&mamay), expected);
    assert!(
        mamay
            .iter()
            .all(|i| i["people"] == serde_json::json!(["Жанболат Мамай"]))
    );

    // The city includes the square (and everything else in it).
    let almaty = lib.list(&["--place", "Алматы"]);
    let square = captions_at(&chronicle, &["Площадь Республики"]);
    assert!(square.len() > 5);
    for caption in &square {
        assert!(captions(&almaty).contains(caption), "{caption}");
    }
    assert!(
        almaty.iter().all(|i| i["place_path"][0] == "Алматы"),
        "only items in Almaty"
    );

    // A Kyrgyz alias of the square, and its Latin transliteration.
    for alias in ["Республика аянты", "Respublika ayanty"] {
        let found = lib.list(&["--place", alias]);
        assert_eq!(captions(&found), square, "{alias}");
    }

    let astana = lib.list(&["--place", "Nur-Sultan"]);
    assert_eq!(
        captions(&astana),
        captions_at(&chronicle, &["Астана", "Администрация президента"])
    );
}

#[test]
fn demo_twice_adds_nothing() {
    let lib = Lib::new();
    let first = lib.run(&["demo"]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let n = chronicle()["items"].as_array().unwrap().len();
    assert_eq!(
        first.stdout.trim(),
        format!("demo chronicle: {n} items ({n} new)")
    );
    let history = lib.run(&["history", "--json"]).json();

    let again = load(&lib);
    assert_eq!(again["imported"], 0);
    assert_eq!(again["already_present"], n);
    assert_eq!(lib.list(&[]).len(), n);
    assert_eq!(
        lib.run(&["history", "--json"]).json(),
        history,
        "loading the demo again changes nothing"
    );
}
