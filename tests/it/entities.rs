//! People and places are entities: renaming or merging one changes every item that refers to it.

use crate::fixtures::{self, Jpeg};
use crate::util::{Lib, imported};

#[test]
fn merge_and_rename_people_and_places() {
    let lib = Lib::new();
    lib.write("a.jpg", &fixtures::jpeg(32, 32, 1, Jpeg::Baseline, None));
    lib.write("b.jpg", &fixtures::jpeg(32, 32, 2, Jpeg::Baseline, None));
    let (_, report) = lib.import(&[&lib.src()]);
    let a = imported(&report, "a.jpg")["sha256"]
        .as_str()
        .unwrap()
        .to_string();
    let b = imported(&report, "b.jpg")["sha256"]
        .as_str()
        .unwrap()
        .to_string();
    // The same man typed twice, differently; the same square under two names.
    assert_eq!(
        lib.run(&[
            "tag",
            &a,
            "--person",
            "Жанболат Мамай",
            "--place",
            "Алматы > Площадь Республики"
        ])
        .code,
        0
    );
    assert_eq!(
        lib.run(&[
            "tag",
            &b,
            "--person",
            "Janbolat Mamai",
            "--place",
            "Алматы > Республика алаңы"
        ])
        .code,
        0
    );
    assert_eq!(
        lib.run(&["person", "list", "--json"])
            .json()
            .as_array()
            .unwrap()
            .len(),
        2
    );

    let r = lib.run(&["person", "merge", "Janbolat Mamai", "Жанболат Мамай"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        lib.show(&b)["people"],
        serde_json::json!(["Жанболат Мамай"])
    );
    let people = lib.run(&["person", "list", "--json"]).json();
    assert_eq!(people.as_array().unwrap().len(), 1);
    assert!(
        people[0]["aliases"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x == "Janbolat Mamai"),
        "{people:#}"
    );

    assert_eq!(
        lib.run(&["place", "merge", "Республика алаңы", "Площадь Республики"])
            .code,
        0
    );
    assert_eq!(
        lib.list(&["--place", "Республика алаңы"]).len(),
        2,
        "the merged name is an alias now"
    );
    assert_eq!(
        lib.run(&[
            "place",
            "rename",
            "Площадь Республики",
            "Республика алаңы / Площадь Республики"
        ])
        .code,
        0
    );
    assert_eq!(
        lib.show(&a)["place"],
        "Республика алаңы / Площадь Республики"
    );
    assert_eq!(
        lib.list(&["--place", "Площадь Республики"]).len(),
        2,
        "the old name still finds it"
    );
    // A place cannot be merged into a place inside it.
    let r = lib.run(&["place", "merge", "Алматы", "Площадь Республики"]);
    assert_eq!(r.code, 1);
    assert_eq!(
        lib.run(&["person", "alias", "Жанболат Мамай", "Жанболата Мамая"])
            .code,
        0
    );
    assert_eq!(lib.list(&["--person", "Жанболата Мамая"]).len(), 2);

    let h = lib.run(&["history", "--json"]).json();
    let actions: Vec<&str> = h
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert!(
        actions.contains(&"merge") && actions.contains(&"rename") && actions.contains(&"alias"),
        "{actions:?}"
    );
    assert_eq!(lib.run(&["audit", "verify"]).code, 0);
}

/// A person merged away keeps its id to itself: the next person created gets a new one, so an
/// undo of the merge can bring the first back as it was, and no old history entry names a
/// stranger.
#[test]
fn ids_of_merged_entities_are_never_given_again() {
    let lib = Lib::new();
    lib.write("a.jpg", &fixtures::jpeg(32, 32, 1, Jpeg::Baseline, None));
    let (_, report) = lib.import(&[&lib.src()]);
    let a = imported(&report, "a.jpg")["sha256"]
        .as_str()
        .unwrap()
        .to_string();
    for name in ["Первый", "Второй"] {
        assert_eq!(lib.run(&["tag", &a, "--person", name]).code, 0);
    }
    let ids = |lib: &Lib| -> Vec<(String, i64)> {
        lib.run(&["person", "list", "--json"])
            .json()
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                (
                    p["name"].as_str().unwrap().to_string(),
                    p["id"].as_i64().unwrap(),
                )
            })
            .collect()
    };
    let second = ids(&lib).iter().find(|p| p.0 == "Второй").unwrap().1;
    assert_eq!(lib.run(&["person", "merge", "Второй", "Первый"]).code, 0);
    assert_eq!(lib.run(&["tag", &a, "--person", "Третий"]).code, 0);
    let third = ids(&lib).iter().find(|p| p.0 == "Третий").unwrap().1;
    assert!(third > second, "Третий got id {third}, Второй had {second}");
    assert_eq!(lib.run(&["audit", "verify"]).code, 0);
}
