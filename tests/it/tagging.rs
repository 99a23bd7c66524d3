//! Tagging through the command line and finding items again by person, place, date, status.

use crate::fixtures::{self, Exif, Jpeg};
use crate::util::{Lib, imported};

fn three_photos(lib: &Lib) -> Vec<String> {
    let times = [
        "2022:01:04 19:30:00",
        "2022:01:05 08:10:00",
        "2022:05:15 12:00:00",
    ];
    for (i, t) in times.iter().enumerate() {
        let exif = Exif {
            datetime_original: Some(t),
            offset_original: Some("+06:00"),
            ..Default::default()
        };
        lib.write(
            &format!("p{i}.jpg"),
            &fixtures::jpeg(48, 32, i as u32, Jpeg::Baseline, Some(&exif)),
        );
    }
    lib.write(
        "undated.jpg",
        &fixtures::jpeg(48, 32, 9, Jpeg::Baseline, None),
    );
    let (run, report) = lib.import(&[&lib.src()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    ["p0.jpg", "p1.jpg", "p2.jpg", "undated.jpg"]
        .iter()
        .map(|n| imported(&report, n)["sha256"].as_str().unwrap().to_string())
        .collect()
}

fn ids(items: &[serde_json::Value]) -> Vec<String> {
    items
        .iter()
        .map(|i| i["original_name"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn tag_then_find_by_person_place_and_date() {
    let lib = Lib::new();
    let shas = three_photos(&lib);
    let r = lib.run(&[
        "tag",
        &shas[0][..10],
        "--date",
        "2022-01-04 evening",
        "--place",
        "Алматы > Площадь Республики",
        "--person",
        "Жанболат Мамай",
        "--caption",
        "4 января. Вечер. Шествие.",
        "--tag",
        "шествие",
        "--tag",
        "protest",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let item = lib.show(&shas[0]);
    assert_eq!(item["event_date"], "2022-01-04 evening");
    assert_eq!(item["event"]["edtf"], "2022-01-04");
    assert_eq!(item["event"]["part_of_day"], "evening");
    assert_eq!(item["event"]["start"], "2022-01-04T18:00:00");
    assert_eq!(item["place"], "Площадь Республики");
    assert_eq!(
        item["place_path"],
        serde_json::json!(["Алматы", "Площадь Республики"])
    );
    assert_eq!(item["people"], serde_json::json!(["Жанболат Мамай"]));
    assert_eq!(item["tags"], serde_json::json!(["protest", "шествие"]));
    assert_eq!(item["caption"], "4 января. Вечер. Шествие.");

    // The same person in Latin script; a place under Алматы.
    let r = lib.run(&[
        "tag",
        &shas[1],
        "--date",
        "2022-01-04/2022-01-05",
        "--person",
        "Zhanbolat Mamay",
        "--place",
        "Алматы",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        lib.show(&shas[1])["people"],
        serde_json::json!(["Жанболат Мамай"]),
        "the Latin spelling is the same person"
    );
    let r = lib.run(&[
        "tag",
        &shas[2],
        "--date",
        "2022-05-15?",
        "--place",
        "Astana",
    ]);
    assert_eq!(r.code, 0);

    assert_eq!(
        ids(&lib.list(&["--person", "МАМАЙ"])),
        ["p1.jpg", "p0.jpg"],
        "timeline order"
    );
    assert_eq!(
        ids(&lib.list(&["--place", "Алматы"])),
        ["p1.jpg", "p0.jpg"],
        "a place includes the places inside it"
    );
    assert_eq!(
        ids(&lib.list(&["--place", "площадь республики"])),
        ["p0.jpg"]
    );
    assert_eq!(
        ids(&lib.list(&["--person", "mamay"])),
        ["p1.jpg", "p0.jpg"],
        "a surname alone, in Latin"
    );
    assert_eq!(ids(&lib.list(&["--from", "2022-05"])), ["p2.jpg"]);
    assert_eq!(
        ids(&lib.list(&["--to", "2022-01-04"])),
        ["p1.jpg", "p0.jpg"],
        "the 4-5 interval starts on the 4th"
    );
    assert_eq!(ids(&lib.list(&["--tag", "Шествие"])), ["p0.jpg"]);
    assert_eq!(ids(&lib.list(&["--status", "unreviewed"])).len(), 4);
    assert_eq!(ids(&lib.list(&["--undated"])), ["undated.jpg"]);
    assert!(lib.list(&["--person", "Nobody Known"]).is_empty());

    // Timeline order: event date, else capture time; undated last.
    assert_eq!(
        ids(&lib.list(&[])),
        ["p1.jpg", "p0.jpg", "p2.jpg", "undated.jpg"]
    );

    // Clearing and removing.
    let r = lib.run(&[
        "tag",
        &shas[0],
        "--date",
        "",
        "--remove-person",
        "mamai",
        "--remove-tag",
        "PROTEST",
        "--place",
        "",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let item = lib.show(&shas[0]);
    assert_eq!(item["event_date"], serde_json::Value::Null);
    assert_eq!(item["people"], serde_json::json!([]));
    assert_eq!(item["tags"], serde_json::json!(["шествие"]));
    assert_eq!(item["place"], serde_json::Value::Null);

    // Every change is in the history, by the acting user.
    let h = lib.run(&["history", "--json", &shas[0]]).json();
    let actions: Vec<&str> = h
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["import", "tag", "tag"]);
    assert_eq!(h[1]["actor"], "tester");
    assert_eq!(h[1]["details"]["event_date"]["to"], "2022-01-04 evening");
}

#[test]
fn bad_tags_are_refused_and_change_nothing() {
    let lib = Lib::new();
    let shas = three_photos(&lib);
    let r = lib.run(&["tag", &shas[0], "--date", "4 Janvember"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("«Janvember»"), "{}", r.stderr);
    assert_eq!(lib.show(&shas[0])["event_date"], serde_json::Value::Null);
    let r = lib.run(&["tag", "ffff0000", "--caption", "x"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("ffff0000"));
}

#[test]
fn removing_a_person_by_full_name_spares_a_namesake() {
    let lib = Lib::new();
    let shas = three_photos(&lib);
    let r = lib.run(&[
        "tag",
        &shas[0],
        "--person",
        "Жанболат Мамай",
        "--person",
        "Айгуль Мамай",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        lib.run(&["tag", &shas[0], "--remove-person", "Zhanbolat Mamay"])
            .code,
        0
    );
    assert_eq!(
        lib.show(&shas[0])["people"],
        serde_json::json!(["Айгуль Мамай"])
    );
}
