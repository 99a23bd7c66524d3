//! `kadr import BAG`: a bag is verified first, then merged into another library without
//! overwriting anything.

use crate::fixtures::{self, Jpeg};
use crate::util::{Lib, imported};

/// Library A with two tagged, reviewed items exported as a bag; returns (A, bag path, shas).
fn bag_from_a() -> (Lib, std::path::PathBuf, Vec<String>) {
    let a = Lib::new();
    a.write(
        "Площадь_001.jpg",
        &fixtures::jpeg(64, 48, 1, Jpeg::Baseline, None),
    );
    a.write(
        "march.jpg",
        &fixtures::jpeg(64, 48, 2, Jpeg::Baseline, None),
    );
    let (_, report) = a.import(&[&a.src()]);
    let s1 = imported(&report, "Площадь_001.jpg")["sha256"]
        .as_str()
        .unwrap()
        .to_string();
    let s2 = imported(&report, "march.jpg")["sha256"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        a.run(&[
            "tag",
            &s1,
            "--caption",
            "Площадь в ночь с 4 на 5 января",
            "--date",
            "2022-01-04 night",
            "--place",
            "Алматы > Площадь Республики",
            "--person",
            "Жанболат Мамай",
            "--tag",
            "шествие"
        ])
        .code,
        0
    );
    assert_eq!(
        a.run(&[
            "--as",
            "Reporter",
            "review",
            &s1,
            "--status",
            "verified",
            "--note",
            "сам снимал"
        ])
        .code,
        0
    );
    assert_eq!(
        a.run(&["tag", &s2, "--caption", "Шествие по улице Абая"])
            .code,
        0
    );
    let bag = a.dir.path().join("bag");
    let r = a.run(&["export", "--format", "bag", "--out", bag.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    (a, bag, vec![s1, s2])
}

#[test]
fn a_bag_merges_into_another_library_keeping_conflicts_visible() {
    let (_a, bag, shas) = bag_from_a();
    // Library B already holds the second photo, captioned differently by its own editor.
    let b = Lib::new();
    b.write(
        "IMG_0002.jpg",
        &fixtures::jpeg(64, 48, 2, Jpeg::Baseline, None),
    );
    let (_, report) = b.import(&[&b.src()]);
    assert_eq!(
        imported(&report, "IMG_0002.jpg")["sha256"],
        shas[1].as_str()
    );
    assert_eq!(
        b.run(&["tag", &shas[1], "--caption", "Марш на Абая, вечер"])
            .code,
        0
    );

    let (run, report) = b.import(&[&bag]);
    assert_eq!(run.code, 0, "{}\n{report:#}", run.stderr);
    assert_eq!(
        report["imported"].as_array().unwrap().len(),
        1,
        "{report:#}"
    );
    assert_eq!(report["duplicates"].as_array().unwrap().len(), 1);
    assert_eq!(report["merged"].as_array().unwrap().len(), 2);

    // The new item arrives with everything A knew: name, tags, place, people, review, notes.
    let one = b.show(&shas[0]);
    assert_eq!(one["original_name"], "Площадь_001.jpg");
    assert_eq!(one["caption"], "Площадь в ночь с 4 на 5 января");
    assert_eq!(one["event_date"], "2022-01-04 night");
    assert_eq!(
        one["place_path"],
        serde_json::json!(["Алматы", "Площадь Республики"])
    );
    assert_eq!(one["people"], serde_json::json!(["Жанболат Мамай"]));
    assert_eq!(one["review_status"], "verified");
    assert_eq!(one["review_by"], "Reporter");
    assert_eq!(one["notes"][0]["text"], "сам снимал");
    assert_eq!(one["notes"][0]["author"], "Reporter");
    let h = b.run(&["history", "--json", &shas[0]]).json();
    let merge = h
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "merge")
        .expect("a merge entry");
    assert!(
        !merge["details"]["bag_history"]
            .as_array()
            .unwrap()
            .is_empty(),
        "A's history of the item is kept"
    );

    // Both captions of the second item stay visible; the conflict is listed.
    let conflicts = report["conflicts"].as_array().unwrap();
    assert_eq!(conflicts.len(), 1, "{report:#}");
    assert_eq!(conflicts[0]["field"], "caption");
    assert_eq!(conflicts[0]["here"], "Марш на Абая, вечер");
    assert_eq!(conflicts[0]["bag"], "Шествие по улице Абая");
    let two = b.show(&shas[1]);
    assert_eq!(
        two["caption"], "Марш на Абая, вечер",
        "never silently overwritten"
    );
    assert!(two["notes"].as_array().unwrap().iter().any(|n| {
        n["text"]
            .as_str()
            .unwrap()
            .contains("Шествие по улице Абая")
    }));
    assert!(
        two["tags"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t == "merge-conflict")
    );
    // The marker is Kadr's, not a person's word: the keywords are not marked typed by it.
    assert_ne!(
        two["provenance"]["keywords"], "typed",
        "{}",
        two["provenance"]
    );
    assert!(
        run.stderr.contains("merge conflict on caption"),
        "{}",
        run.stderr
    );
    assert_eq!(b.run(&["audit", "verify"]).code, 0);

    // Importing the same bag again changes nothing and lists the conflict again.
    let (run, again) = b.import(&[&bag]);
    assert_eq!(run.code, 0);
    assert_eq!(again["imported"].as_array().unwrap().len(), 0);
    assert_eq!(b.show(&shas[1])["caption"], "Марш на Абая, вечер");
}

#[test]
fn a_damaged_bag_is_refused_naming_the_file() {
    let (_a, bag, shas) = bag_from_a();
    let original = std::fs::read_dir(bag.join("data/originals"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e != "xmp"))
        .unwrap();
    let mut bytes = std::fs::read(&original).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x20;
    std::fs::write(&original, bytes).unwrap();

    let b = Lib::new();
    let (run, report) = b.import(&[&bag]);
    assert_eq!(run.code, 1);
    let failed = report["failed"].as_array().unwrap();
    assert_eq!(failed.len(), 1, "{report:#}");
    assert_eq!(failed[0]["path"], original.to_str().unwrap());
    assert!(
        failed[0]["error"].as_str().unwrap().contains("manifest"),
        "{report:#}"
    );
    assert!(
        run.stderr.trim_end().ends_with(original.to_str().unwrap()),
        "{}",
        run.stderr
    );
    assert!(
        b.list(&[]).is_empty(),
        "nothing is taken from a damaged bag"
    );
    let _ = shas;
}

#[test]
fn a_file_slipped_into_a_bag_is_refused() {
    let (_a, bag, _) = bag_from_a();
    std::fs::write(
        bag.join("data/originals/extra.jpg"),
        fixtures::jpeg(16, 16, 9, Jpeg::Baseline, None),
    )
    .unwrap();
    let b = Lib::new();
    let (run, report) = b.import(&[&bag]);
    assert_eq!(run.code, 1);
    assert!(
        report["failed"][0]["error"]
            .as_str()
            .unwrap()
            .contains("not in its manifest"),
        "{report:#}"
    );
    assert!(b.list(&[]).is_empty());
}
