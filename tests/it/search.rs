//! `kadr search` and `kadr reindex`: any script and spelling finds the demo chronicle's items,
//! through their places' hierarchy, by prefix, with the filters of `list`; the index follows
//! every change and can be rebuilt. `kadr compact` rewrites the catalogue and changes none of
//! it.

use crate::util::Lib;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// A library with the demo chronicle loaded, copied for each test (loading it takes seconds).
fn demo_lib() -> Lib {
    static TEMPLATE: OnceLock<PathBuf> = OnceLock::new();
    let template = TEMPLATE.get_or_init(|| {
        let lib = Lib::new();
        let run = lib.run(&["demo"]);
        assert_eq!(run.code, 0, "demo: {}", run.stderr);
        // Kept under the target folder (a static's temp dir would never be removed).
        let keep = Path::new(env!("CARGO_TARGET_TMPDIR")).join("search-demo-library");
        let _ = std::fs::remove_dir_all(&keep);
        copy_dir(&lib.root(), &keep);
        keep
    });
    let lib = Lib::new();
    copy_dir(template, &lib.root());
    lib
}

fn copy_dir(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from).into_iter().flatten() {
        let dest = to.join(e.path().strip_prefix(from).unwrap());
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(e.path(), &dest).unwrap();
        }
    }
}

fn search(lib: &Lib, args: &[&str]) -> Vec<Value> {
    let mut all = vec!["search", "--json"];
    all.extend(args);
    let run = lib.run(&all);
    assert_eq!(run.code, 0, "search {args:?}: {}", run.stderr);
    run.json().as_array().unwrap().clone()
}

fn ids(items: &[Value]) -> Vec<i64> {
    items.iter().map(|i| i["id"].as_i64().unwrap()).collect()
}

fn id_set(lib: &Lib, args: &[&str]) -> BTreeSet<i64> {
    ids(&search(lib, args)).into_iter().collect()
}

/// The ids of the demo items `pick` chooses, from `list --json`.
fn listed(lib: &Lib, pick: impl Fn(&Value) -> bool) -> BTreeSet<i64> {
    lib.list(&[])
        .iter()
        .filter(|i| pick(i))
        .map(|i| i["id"].as_i64().unwrap())
        .collect()
}

fn by_caption(lib: &Lib, start: &str) -> String {
    let found = listed(lib, |i| {
        i["caption"].as_str().unwrap_or("").starts_with(start)
    });
    assert_eq!(found.len(), 1, "one demo item starts with {start:?}");
    found.first().unwrap().to_string()
}

fn shows(person: &'static str) -> impl Fn(&Value) -> bool {
    move |i: &Value| i["people"].as_array().unwrap().iter().any(|p| p == person)
}

fn inside(place: &'static str) -> impl Fn(&Value) -> bool {
    move |i: &Value| {
        i["place_path"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p == place)
    }
}

/// Spellings of one name, and what every item they find must show.
type SpellingGroup<'a> = (&'a [&'a str], Box<dyn Fn(&Value) -> bool>);

#[test]
fn every_spelling_finds_the_same_demo_items() {
    let lib = demo_lib();
    let groups: &[SpellingGroup] = &[
        (
            &[
                "Мамай",
                "Mamai",
                "Mamay",
                "MAMAY",
                "мамай",
                "Zhanbolat",
                "Janbolat",
                "Жанболат",
            ],
            Box::new(shows("Жанболат Мамай")),
        ),
        (
            &["Токаев", "Тоқаев", "Tokayev", "Tokaev", "Toqaev", "tokayev"],
            Box::new(shows("Касым-Жомарт Токаев")),
        ),
        (
            &["Республики", "Respubliki", "республики", "RESPUBLIKI"],
            Box::new(inside("Площадь Республики")),
        ),
        (
            &["Алматы", "Almaty", "almaty", "АЛМАТЫ"],
            Box::new(inside("Алматы")),
        ),
    ];
    for (spellings, pick) in groups {
        let want = listed(&lib, pick);
        assert!(!want.is_empty());
        let first = id_set(&lib, &[spellings[0]]);
        assert!(
            first.is_superset(&want),
            "{:?} finds {first:?}, not every item of {want:?}",
            spellings[0]
        );
        for s in &spellings[1..] {
            assert_eq!(
                id_set(&lib, &[s]),
                first,
                "{s:?} finds what {:?} finds",
                spellings[0]
            );
        }
    }
    // Kazakh and Kyrgyz letters meet their Russian neighbours: «Қантар» is in a caption.
    let kantar = id_set(&lib, &["Қантаре"]);
    assert!(!kantar.is_empty());
    assert_eq!(id_set(&lib, &["Кантаре"]), kantar);
    assert_eq!(id_set(&lib, &["Qantare"]), kantar);
    // Two words must both match; the person ranks the item first.
    let both = search(&lib, &["Mamay", "суд"]);
    assert_eq!(both.len(), 1);
    assert!(
        both[0]["caption"]
            .as_str()
            .unwrap()
            .starts_with("Суд над политиком")
    );
}

#[test]
fn places_are_found_by_the_places_they_lie_in() {
    let lib = demo_lib();
    // «Площадь Республики в ночь с 4 на 5 января» names no city; it lies in Алматы.
    let night = by_caption(&lib, "Площадь Республики в ночь");
    let item: i64 = night.parse().unwrap();
    for q in [
        "Алматы",
        "Almaty",
        "Алма-Ата",
        "Republic Square",
        "Республика аянты",
    ] {
        assert!(
            id_set(&lib, &[q]).contains(&item),
            "{q:?} finds item {item}"
        );
    }
    // Two levels down: the city hall lies on the square, which lies in Almaty.
    let other = by_caption(&lib, "13 февраля");
    let run = lib.run(&["tag", &other, "--place", "Акимат города Алматы"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let other: i64 = other.parse().unwrap();
    for q in ["Republic Square", "Респуб", "Almaty", "akimat"] {
        assert!(
            id_set(&lib, &[q]).contains(&other),
            "{q:?} finds item {other}"
        );
    }
    // A place is not found by the places inside it.
    assert!(!id_set(&lib, &["akimat"]).contains(&item));
}

#[test]
fn words_match_by_prefix() {
    let lib = demo_lib();
    let item = by_caption(&lib, "Шествие протестующих по улице Абая");
    let run = lib.run(&[
        "tag",
        &item,
        "--caption",
        "Выступление активистов на улице Абая",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let item: i64 = item.parse().unwrap();
    for q in ["выступ", "Выступление", "vystup", "вы ак", "Abai"] {
        assert!(
            id_set(&lib, &[q]).contains(&item),
            "{q:?} finds item {item}"
        );
    }
    assert!(id_set(&lib, &["Tokay"]).len() == id_set(&lib, &["Tokayev"]).len());
    // The caption changed: the old one is no longer found.
    assert!(!id_set(&lib, &["Шествие протестующих по улице"]).contains(&item));
}

#[test]
fn filters_combine_with_the_query() {
    let lib = demo_lib();
    let all = id_set(&lib, &["Almaty"]);
    let verified = by_caption(&lib, "10 января");
    let run = lib.run(&["review", &verified, "--status", "verified"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let verified: i64 = verified.parse().unwrap();
    assert_eq!(
        ids(&search(&lib, &["Almaty", "--status", "verified"])),
        [verified]
    );
    // The place filter and a date range, each as `list` reads them.
    let at_square = id_set(&lib, &["протест", "--place", "Площадь Республики"]);
    assert!(!at_square.is_empty());
    assert_eq!(
        at_square,
        id_set(&lib, &["протест"])
            .intersection(&listed(&lib, inside("Площадь Республики")))
            .copied()
            .collect()
    );
    let january = id_set(
        &lib,
        &["Almaty", "--from", "2022-01-05", "--to", "2022-01-31"],
    );
    let list_january: BTreeSet<i64> = lib
        .list(&["--from", "2022-01-05", "--to", "2022-01-31"])
        .iter()
        .map(|i| i["id"].as_i64().unwrap())
        .collect();
    assert!(!january.is_empty());
    assert_eq!(january, all.intersection(&list_january).copied().collect());
    assert_eq!(
        ids(&search(&lib, &["суд", "--person", "Mamai"])).len(),
        1,
        "a person filter in another script"
    );
    // Items print as `list --json` prints them.
    let listed = lib.list(&["--status", "verified"]);
    assert_eq!(search(&lib, &["Almaty", "--status", "verified"]), listed);
}

#[test]
fn the_index_follows_tags_notes_renames_aliases_and_merges() {
    let lib = demo_lib();
    let ok = |args: &[&str]| {
        let run = lib.run(args);
        assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
    };
    let item = by_caption(&lib, "15 мая");
    let id: i64 = item.parse().unwrap();
    assert!(id_set(&lib, &["Ерлан"]).is_empty());
    ok(&["tag", &item, "--person", "Ерлан Калиев", "--tag", "адвокат"]);
    assert_eq!(id_set(&lib, &["Erlan Kaliev"]), BTreeSet::from([id]));
    assert_eq!(id_set(&lib, &["advokat"]), BTreeSet::from([id]));
    ok(&["tag", &item, "--remove-person", "Ерлан Калиев"]);
    assert!(id_set(&lib, &["Erlan"]).is_empty());

    ok(&["review", &item, "--note", "Свидетель: Айгерим Тажи"]);
    assert_eq!(id_set(&lib, &["Aigerim"]), BTreeSet::from([id]));

    // Renaming a person: the new name finds the items, the old one (now an alias) still does.
    let mamai = id_set(&lib, &["Mamai"]);
    ok(&[
        "person",
        "rename",
        "Жанболат Мамай",
        "Жанболат Сапарбекулы Мамай",
    ]);
    assert_eq!(
        id_set(&lib, &["Сапарбекулы"]),
        listed(&lib, shows("Жанболат Сапарбекулы Мамай"))
    );
    assert_eq!(id_set(&lib, &["Mamai"]), mamai);
    // An alias of a place reaches every item in it and inside it.
    ok(&["place", "alias", "Алматы", "Южная столица"]);
    assert_eq!(id_set(&lib, &["южная"]), listed(&lib, inside("Алматы")));

    // Merging: the items of the person merged away are found by the survivor's names.
    ok(&["tag", &item, "--person", "J. Mamay"]);
    ok(&["person", "merge", "J. Mamay", "Mamai"]);
    assert!(id_set(&lib, &["Zhanbolat"]).contains(&id));
    // and by the merged name, now an alias, on every item of the survivor.
    assert_eq!(id_set(&lib, &["J", "Mamay"]), id_set(&lib, &["Zhanbolat"]));
}

fn sqlite(lib: &Lib, sql: &str) {
    let conn = rusqlite::Connection::open(lib.root().join("catalog.sqlite")).unwrap();
    conn.execute_batch(sql).unwrap();
}

#[test]
fn reindex_after_damage_gives_the_same_answers() {
    let lib = demo_lib();
    let queries: &[&[&str]] = &[
        &["Mamai"],
        &["Almaty"],
        &["выступ"],
        &["шеств"],
        &["Toqaev"],
        &["протест", "--status", "unreviewed"],
    ];
    let before: Vec<Vec<i64>> = queries.iter().map(|q| ids(&search(&lib, q))).collect();
    // Rows rewritten and removed behind Kadr's back: answers go wrong.
    sqlite(
        &lib,
        "UPDATE search_index SET caption = 'garbage', places = '' WHERE rowid % 2 = 0;
         DELETE FROM search_index WHERE rowid % 3 = 0;",
    );
    assert_ne!(ids(&search(&lib, &["Almaty"])), before[1]);
    let run = lib.run(&["reindex", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.json()["indexed"], 24);
    let after: Vec<Vec<i64>> = queries.iter().map(|q| ids(&search(&lib, q))).collect();
    assert_eq!(after, before);

    // The index's own storage damaged: search fails, reindex repairs it.
    sqlite(&lib, "DELETE FROM search_index_data WHERE id > 1;");
    let run = lib.run(&["search", "Almaty"]);
    assert_eq!(run.code, 1, "a damaged index is an error: {}", run.stdout);
    assert!(run.stderr.starts_with("kadr: "), "{}", run.stderr);
    let run = lib.run(&["reindex"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("24 items"), "{}", run.stdout);
    let after: Vec<Vec<i64>> = queries.iter().map(|q| ids(&search(&lib, q))).collect();
    assert_eq!(after, before);
}

#[test]
fn compact_rewrites_an_old_catalogue_and_changes_nothing_it_holds() {
    let lib = demo_lib();
    // Make the demo's catalogue as libraries were before 16 KiB pages: 4 KiB, scattered.
    {
        let conn = rusqlite::Connection::open(lib.root().join("catalog.sqlite")).unwrap();
        conn.pragma_update(None, "journal_mode", "DELETE").unwrap();
        conn.pragma_update(None, "page_size", 4096).unwrap();
        conn.execute_batch("VACUUM").unwrap();
        conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    }
    let items = lib.list(&[]);
    let history = lib.run(&["history", "--json"]).json();
    let found = id_set(&lib, &["Almaty"]);
    assert!(!found.is_empty());

    let run = lib.run(&["compact", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let done = run.json();
    assert_eq!(done["page_size_before"], 4096);
    assert_eq!(done["page_size_after"], 16384);
    assert!(done["bytes_after"].as_i64().unwrap() > 0);

    assert_eq!(lib.list(&[]), items, "an item changed");
    assert_eq!(
        lib.run(&["history", "--json"]).json(),
        history,
        "the history changed"
    );
    assert_eq!(id_set(&lib, &["Almaty"]), found);
    let audit = lib.run(&["audit", "verify"]);
    assert_eq!(audit.code, 0, "{}{}", audit.stdout, audit.stderr);
    // Still a working library: a change goes in and is recorded.
    let first = items[0]["sha256"].as_str().unwrap();
    let tag = lib.run(&["tag", first, "--tag", "compacted"]);
    assert_eq!(tag.code, 0, "{}", tag.stderr);
    assert_eq!(lib.list(&["--tag", "compacted"]).len(), 1);

    // Plain output; a second run finds it already in large pages.
    let run = lib.run(&["compact"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("in 16 KiB pages, was"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_library_from_before_search_gets_its_index_on_open() {
    let lib = demo_lib();
    let before = id_set(&lib, &["Almaty"]);
    // As migration 4 leaves a library that had items before it: an empty index, built by no
    // version of the rules yet.
    sqlite(&lib, "DELETE FROM search_index; DELETE FROM search_state;");
    assert_eq!(id_set(&lib, &["Almaty"]), before);
    let conn = rusqlite::Connection::open(lib.root().join("catalog.sqlite")).unwrap();
    let rows: i64 = conn
        .query_row("SELECT count(*) FROM search_index", [], |r| r.get(0))
        .unwrap();
    assert_eq!(rows, 24);
}

#[test]
fn no_match_is_an_empty_answer() {
    let lib = demo_lib();
    let run = lib.run(&["search", "--json", "Бишкек"]);
    assert_eq!((run.code, run.stdout.trim()), (0, "[]"), "{}", run.stderr);
    let run = lib.run(&["search", "Bishkek"]);
    assert_eq!((run.code, run.stdout.as_str()), (0, ""), "{}", run.stderr);
    // A match that the filters exclude is no match either.
    let run = lib.run(&["search", "--json", "Mamai", "--status", "rejected"]);
    assert_eq!((run.code, run.stdout.trim()), (0, "[]"), "{}", run.stderr);
    // Nothing to look for is a usage error, not every item.
    let run = lib.run(&["search", "--json", "«»"]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    // Астана is not Алматы.
    let night: i64 = by_caption(&lib, "Площадь Республики в ночь")
        .parse()
        .unwrap();
    assert!(!id_set(&lib, &["Астана"]).contains(&night));
    assert!(id_set(&lib, &["Алматы"]).contains(&night));
    // An empty library answers too.
    let empty = Lib::new();
    let run = empty.run(&["search", "--json", "Mamai"]);
    assert_eq!((run.code, run.stdout.trim()), (0, "[]"), "{}", run.stderr);
}
