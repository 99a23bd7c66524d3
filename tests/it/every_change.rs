//! History by construction: every operation the command line offers, run one after another,
//! leaves `audit verify` green, and every item whose row changed has a new history entry of its
//! own (`kadr history ITEM` tells the whole story of an item).

use crate::fixtures::{self, Jpeg};
use crate::util::{Lib, imported};
use serde_json::Value;
use std::collections::HashMap;

/// What `list --json` says of each item, and how many history entries each item has.
struct Snapshot {
    items: HashMap<String, Value>,
    entries: HashMap<String, usize>,
    total: usize,
}

fn snapshot(lib: &Lib) -> Snapshot {
    let items = lib
        .list(&[])
        .into_iter()
        .map(|i| (i["sha256"].as_str().unwrap().to_string(), i))
        .collect();
    let h = lib.run(&["history", "--json"]);
    assert_eq!(h.code, 0, "{}", h.stderr);
    let h = h.json();
    let mut entries = HashMap::new();
    for e in h.as_array().unwrap() {
        if let Some(sha) = e["item"].as_str() {
            *entries.entry(sha.to_string()).or_insert(0) += 1;
        }
    }
    Snapshot {
        items,
        entries,
        total: h.as_array().unwrap().len(),
    }
}

/// Runs one command; checks it succeeded, wrote at least one history entry, left the chain
/// intact, and gave every item it changed an entry of that item's own.
fn step(lib: &Lib, args: &[&str]) -> Value {
    let before = snapshot(lib);
    let r = lib.run(args);
    assert_eq!(r.code, 0, "kadr {args:?}: {}", r.stderr);
    let after = snapshot(lib);
    assert!(
        after.total > before.total,
        "kadr {args:?} wrote no history entry"
    );
    let audit = lib.run(&["audit", "verify"]);
    assert_eq!(audit.code, 0, "after kadr {args:?}: {}", audit.stderr);
    for (sha, item) in &after.items {
        if before.items.get(sha) != Some(item) {
            let (was, now) = (
                before.entries.get(sha).copied().unwrap_or(0),
                after.entries.get(sha).copied().unwrap_or(0),
            );
            assert!(
                now > was,
                "kadr {args:?} changed item {sha} without an entry in its history:\nbefore {:#}\nafter {item:#}",
                before.items.get(sha).unwrap_or(&Value::Null)
            );
        }
    }
    serde_json::from_str(&r.stdout).unwrap_or(Value::Null)
}

#[test]
fn every_command_that_changes_an_item_records_it_in_the_items_history() {
    let a = Lib::new();
    for i in 0..3 {
        a.write(
            &format!("{i}.jpg"),
            &fixtures::jpeg(64, 48, 40 + i, Jpeg::Baseline, None),
        );
    }
    let report = step(&a, &["import", "--json", a.src().to_str().unwrap()]);
    let sha = |name: &str| {
        imported(&report, name)["sha256"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let (s0, s1, s2) = (sha("0.jpg"), sha("1.jpg"), sha("2.jpg"));

    // The same bytes found at another path.
    let twin = a.dir.path().join("elsewhere");
    std::fs::create_dir_all(&twin).unwrap();
    std::fs::copy(a.src().join("0.jpg"), twin.join("copy.jpg")).unwrap();
    step(&a, &["import", twin.to_str().unwrap()]);

    step(
        &a,
        &[
            "tag",
            &s0,
            "--caption",
            "Площадь",
            "--date",
            "2022-01-04 night",
            "--place",
            "Алматы > Площадь Республики",
            "--person",
            "Жанболат Мамай",
            "--tag",
            "шествие",
            "--source",
            "сам",
            "--credit",
            "Kadr",
        ],
    );
    step(
        &a,
        &[
            "tag",
            &s1,
            "--person",
            "Zh. Mamay",
            "--place",
            "Южная столица",
        ],
    );
    step(&a, &["tag", &s2, "--place", "Алматы"]);
    step(
        &a,
        &[
            "tag",
            &s0,
            "--remove-tag",
            "шествие",
            "--remove-person",
            "Мамай",
        ],
    );
    step(&a, &["tag", &s0, "--person", "Жанболат Мамай"]);
    step(
        &a,
        &[
            "review",
            &s0,
            "--status",
            "verified",
            "--note",
            "сам снимал",
            "--do-not-publish",
            "yes",
        ],
    );
    step(&a, &["redact", &s0, "--rect", "0.1,0.1,0.2,0.2"]);
    step(&a, &["redact", &s0, "--clear", "--rect", "0.5,0.5,0.1,0.1"]);
    step(
        &a,
        &["person", "rename", "Жанболат Мамай", "Zhanbolat Mamay"],
    );
    step(&a, &["person", "merge", "Zh. Mamay", "Zhanbolat Mamay"]);
    step(
        &a,
        &["person", "alias", "Zhanbolat Mamay", "Мамай Жанболат"],
    );
    step(&a, &["place", "rename", "Алматы", "Almaty city"]);
    step(
        &a,
        &["place", "rename", "Площадь Республики", "Республика алаңы"],
    );
    step(&a, &["place", "merge", "Южная столица", "Almaty city"]);
    step(&a, &["place", "alias", "Almaty city", "Алма-Ата"]);
    step(&a, &["demo"]);
    // The demo's places and people, their aliases and coordinates, are in the history too.
    // (Before the demo, nothing here wrote `created` or `coordinates`.)
    let h = a.run(&["history", "--json"]).json();
    for action in ["created", "coordinates"] {
        assert!(
            h.as_array().unwrap().iter().any(|e| e["action"] == action),
            "the demo wrote no {action} entry"
        );
    }
    step(&a, &["settings", "--home-zone", "Asia/Almaty"]);
    let bag = a.dir.path().join("bag");
    step(
        &a,
        &["export", "--format", "bag", "--out", bag.to_str().unwrap()],
    );

    // Library B holds one of the photos with its own caption, then takes A's bag.
    let b = Lib::new();
    b.write("IMG_1.jpg", &std::fs::read(a.src().join("1.jpg")).unwrap());
    step(&b, &["import", b.src().to_str().unwrap()]);
    step(
        &b,
        &["tag", &s1, "--caption", "Марш", "--date", "2022-01-05"],
    );
    step(&b, &["import", bag.to_str().unwrap()]);
    assert_eq!(b.show(&s0)["do_not_publish"], true);
}
