//! Tests of `catalog::items`.

use super::*;

/// An in-memory catalogue of `n` bare items (the undo tests' too).
pub(in crate::catalog) fn catalog(n: usize) -> (Catalog, Vec<i64>) {
    let mut cat = Catalog::open_in_memory().unwrap();
    let ids = cat
        .write("t", |tx| {
            (0..n)
                .map(|i| {
                    tx.insert_item(&NewItem {
                        sha256: format!("{i:064x}"),
                        original_name: format!("{i}.jpg"),
                        source_path: format!("/src/{i}.jpg"),
                        stored_path: format!("originals/{i}.jpg"),
                        size: 1,
                        format: "jpeg".into(),
                        ..Default::default()
                    })
                })
                .collect()
        })
        .unwrap();
    (cat, ids)
}

/// The plan SQLite chooses for `sql`, one line per step.
fn plan(cat: &Catalog, sql: &str, params: impl rusqlite::Params) -> Vec<String> {
    let mut stmt = cat
        .conn()
        .prepare(&["EXPLAIN QUERY PLAN ", sql].concat())
        .unwrap();
    stmt.query_map(params, |r| r.get::<_, String>("detail"))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

#[test]
fn timeline_order_and_item_history_come_off_indexes() {
    let (cat, _) = catalog(3);
    let none: [Option<String>; 6] = Default::default();
    for half in [LIST_DATED, LIST_UNDATED] {
        let steps = plan(&cat, &list_sql(half), rusqlite::params_from_iter(&none));
        assert!(
            steps
                .iter()
                .any(|s| s.contains("items USING INDEX items_sort")),
            "{steps:#?}"
        );
        assert!(
            !steps
                .iter()
                .any(|s| s == "SCAN items" || s.contains("TEMP B-TREE")),
            "the timeline is sorted rather than read in order: {steps:#?}"
        );
    }
    let steps = plan(&cat, super::super::history::HISTORY_OF_ITEM, ["ab"]);
    assert!(
        steps.iter().any(|s| s.contains("INDEX history_item")),
        "{steps:#?}"
    );
    assert!(
        !steps.iter().any(|s| s.contains("TEMP B-TREE")),
        "{steps:#?}"
    );
}

#[test]
fn items_are_read_in_batches_in_the_order_asked_with_everything_they_hold() {
    let n = ITEM_BATCH + 7;
    let (mut cat, ids) = catalog(n);
    cat.write("t", |tx| {
        for (k, id) in ids.iter().enumerate().filter(|(k, _)| k % 100 == 3) {
            let change = TagChange {
                date: Some(Some(
                    EventDate::parse(&format!("2022-01-{:02}", 1 + k % 28)).unwrap(),
                )),
                place: Some(Some("Алматы > Площадь".into())),
                add_people: vec!["Б".into(), "А".into()],
                add_tags: vec!["z".into(), "a".into()],
                ..Default::default()
            };
            tx.tag(*id, &change)?;
            tx.review(*id, None, Some("одна"))?;
            tx.review(*id, None, Some("две"))?;
            tx.add_redaction(*id, 0.1, 0.1, 0.2, 0.2)?;
            tx.add_path(*id, "/elsewhere/a.jpg")?;
        }
        Ok(())
    })
    .unwrap();
    let mut asked: Vec<i64> = ids.clone();
    asked.reverse();
    let rows = cat.items(&asked).unwrap();
    assert_eq!(rows.iter().map(|r| r.id).collect::<Vec<_>>(), asked);
    let tagged = rows.iter().find(|r| r.id == ids[1003]).unwrap();
    assert_eq!(tagged.people, ["А", "Б"]);
    assert_eq!(tagged.tags, ["a", "z"]);
    assert_eq!(tagged.place_path, ["Алматы", "Площадь"]);
    assert_eq!(tagged.place.as_deref(), Some("Площадь"));
    let mut paths = tagged.paths.clone();
    paths.sort();
    assert_eq!(paths, ["/elsewhere/a.jpg", "/src/1003.jpg"]);
    assert_eq!(
        tagged
            .notes
            .iter()
            .map(|n| n.text.as_str())
            .collect::<Vec<_>>(),
        ["одна", "две"]
    );
    assert_eq!(tagged.redactions.len(), 1);
    let plain = rows.iter().find(|r| r.id == ids[5]).unwrap();
    assert!(plain.people.is_empty() && plain.notes.is_empty() && plain.place.is_none());
    // `list`: dated items first by date, then undated by id.
    let listed = cat.list(&Filter::default()).unwrap();
    assert_eq!(listed.len(), n);
    // Items 3 and 703 share the earliest date (2022-01-04): by id.
    assert_eq!((listed[0].id, listed[1].id), (ids[3], ids[703]));
    assert_eq!(listed[11].id, ids[0]);
    assert_eq!(listed[n - 1].id, ids[n - 1]);
    assert!(matches!(
        cat.items(&[ids[0], 999_999]),
        Err(Error::NoSuchItem(_))
    ));
}

#[test]
fn rows_for_output_are_the_rows_without_their_provenance() {
    let (mut cat, ids) = catalog(ITEM_BATCH + 2);
    let last = ids[ITEM_BATCH + 1];
    cat.write("t", |tx| {
        tx.tag(
            last,
            &TagChange {
                caption: Some(Some("Площадь".into())),
                add_people: vec!["Айгүл".into()],
                ..Default::default()
            },
        )
    })
    .unwrap();
    let asked = [last, ids[0], ids[1]];
    let full = cat.items(&asked).unwrap();
    assert_eq!(
        full[0].provenance.get("caption").map(String::as_str),
        Some("typed")
    );
    assert_eq!(
        full[0].provenance.get("people").map(String::as_str),
        Some("typed")
    );
    let printed = cat.items_for_output(&asked).unwrap();
    assert!(printed.iter().all(|r| r.provenance.is_empty()));
    // What is printed of them is the same.
    assert_eq!(
        serde_json::to_string(&printed).unwrap(),
        serde_json::to_string(&full).unwrap()
    );
    // In batches: every batch in order, none held back.
    let all: Vec<i64> = ids.iter().rev().copied().collect();
    let mut seen = Vec::new();
    let mut batches = 0;
    cat.for_each_output_batch(&all, |rows| {
        batches += 1;
        seen.extend(rows.iter().map(|r| r.id));
        Ok(())
    })
    .unwrap();
    assert_eq!((seen, batches), (all, 2));
}

#[test]
fn a_batch_is_read_from_its_id_list_into_each_tables_item_index() {
    let (cat, _) = catalog(3);
    let list = "[3,1,2]";
    for (sql, index) in [
        (
            super::rows::ROWS_OF_ITEMS.as_str(),
            "i USING INTEGER PRIMARY KEY",
        ),
        (super::rows::PATHS_OF_ITEMS, "item_paths"),
        (super::rows::PEOPLE_OF_ITEMS, "item_people"),
        (super::rows::KEYWORDS_OF_ITEMS, "item_keywords"),
        (super::super::provenance::OF_ITEMS, "item_provenance"),
        (super::super::review::NOTES_OF_ITEMS, "notes_item"),
        (super::super::review::REDACTIONS_OF_ITEMS, "redactions_item"),
    ] {
        let steps = plan(&cat, sql, [list]);
        assert!(steps[0].starts_with("SCAN j VIRTUAL TABLE"), "{steps:#?}");
        assert!(
            steps
                .iter()
                .any(|s| s.starts_with("SEARCH") && s.contains(index)),
            "{steps:#?}"
        );
        // Nothing but a batch's notes and redactions (few) is sorted.
        assert!(
            !steps.iter().any(|s| s.contains("TEMP B-TREE")) || sql.contains("ORDER BY"),
            "{steps:#?}"
        );
    }
}
