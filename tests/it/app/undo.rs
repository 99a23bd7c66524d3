//! Undo and redo from the app: one action at a time, in the order they were made, each written
//! to the history naming the entry it reverts.

use super::selection::{select_all_three, tagged_photos};
use super::{app, harness, history_len, photos, settle, type_into, wait};
use crate::util::Lib;
use egui_kittest::kittest::Queryable;
use std::time::{Duration, Instant};

#[test]
fn undo_after_a_review_undoes_the_review_not_an_older_tag_edit() {
    let lib = Lib::new();
    photos(&lib);
    lib.import(&[&lib.src()]);
    let mut h = harness(&lib);
    wait(&mut h, "the catalogue", |h| app(h).item_count() == 3);
    h.get_by_label("evening.jpg").click();
    wait(&mut h, "the inspector", |h| {
        h.query_by_label("Add keyword").is_some()
    });
    type_into(&mut h, "Add keyword", "protest");
    h.key_press(egui::Key::Enter);
    let start = Instant::now();
    while lib.list(&["--tag", "protest"]).len() != 1 {
        h.step();
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "{:#?}",
            lib.list(&[])[0]
        );
    }
    // Review mode starts on the first item in timeline order (evening): 2 = verified.
    h.get_by_label("Review").click();
    h.run_steps(3);
    h.key_press(egui::Key::Num2);
    wait(&mut h, "the review", |_| {
        lib.list(&[])[0]["review_status"] == "verified"
    });
    h.get_by_label("Undo: review").click();
    wait(&mut h, "the review to be undone", |_| {
        lib.list(&[])[0]["review_status"] == "unreviewed"
    });
    settle(&mut h, 300);
    drop(h);
    assert_eq!(
        lib.list(&["--tag", "protest"]).len(),
        1,
        "the older keyword stays"
    );
}

/// The history entries after the first `from`.
fn history_since(lib: &Lib, from: usize) -> Vec<serde_json::Value> {
    let all = lib.run(&["history", "--json"]).json();
    all.as_array().unwrap()[from..].to_vec()
}

fn seq_of(entries: &[serde_json::Value], action: &str, item: &str) -> i64 {
    entries
        .iter()
        .rev()
        .find(|e| e["action"] == action && e["item"] == item)
        .unwrap_or_else(|| panic!("no {action} of {item} in {entries:#?}"))["seq"]
        .as_i64()
        .unwrap()
}

#[test]
fn undo_walks_back_one_action_at_a_time_and_redo_walks_forward() {
    let lib = Lib::new();
    photos(&lib);
    lib.import(&[&lib.src()]);
    let start = history_len(&lib);
    let mut h = harness(&lib);
    wait(&mut h, "the catalogue", |h| app(h).item_count() == 3);
    h.get_by_label("evening.jpg").click();
    type_into(&mut h, "Add keyword", "protest");
    h.key_press(egui::Key::Enter);
    wait(&mut h, "the keyword", |_| {
        lib.list(&["--tag", "protest"]).len() == 1
    });
    // Review mode starts on the first item in timeline order (evening): 2 = verified.
    h.get_by_label("Review").click();
    h.run_steps(3);
    h.key_press(egui::Key::Num2);
    wait(&mut h, "the review", |h| {
        h.query_by_label("Undo: review").is_some()
    });
    let evening = lib.list(&[])[0].clone();
    let sha = evening["sha256"].as_str().unwrap().to_string();
    assert_eq!(evening["review_status"], "verified");

    // Ctrl+Z takes back the review only.
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    wait(&mut h, "the review to be undone", |h| {
        h.query_by_label("Undo: keywords").is_some()
    });
    let item = lib.show(&sha);
    assert_eq!(item["review_status"], "unreviewed");
    assert_eq!(
        item["tags"],
        serde_json::json!(["protest"]),
        "the older edit stays"
    );
    h.get_by_label("Redo: review");

    // The next undo reaches the older keyword edit.
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    wait(&mut h, "the keyword to be undone", |h| {
        h.query_by_label("Redo: keywords").is_some()
    });
    assert_eq!(lib.show(&sha)["tags"], serde_json::json!([]));
    assert!(
        h.query_by_label_contains("Undo:").is_none(),
        "nothing left to undo"
    );

    // Redo walks forward again: the button, then Ctrl+Shift+Z.
    h.get_by_label("Redo: keywords").click();
    wait(&mut h, "the keyword to be redone", |h| {
        h.query_by_label("Redo: review").is_some()
    });
    assert_eq!(lib.show(&sha)["tags"], serde_json::json!(["protest"]));
    h.key_press_modifiers(
        egui::Modifiers::COMMAND | egui::Modifiers::SHIFT,
        egui::Key::Z,
    );
    wait(&mut h, "the review to be redone", |h| {
        h.query_by_label("Undo: review").is_some() && h.query_by_label_contains("Redo:").is_none()
    });
    let item = lib.show(&sha);
    assert_eq!(item["review_status"], "verified");
    assert_eq!(item["tags"], serde_json::json!(["protest"]));
    drop(h);

    // Each undo and redo is in the history, naming the entry it reverts.
    let new = history_since(&lib, start);
    let actions: Vec<&str> = new.iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(
        actions,
        ["tag", "review", "undo", "undo", "redo", "redo"],
        "{new:#?}"
    );
    let (tag, review) = (seq_of(&new, "tag", &sha), seq_of(&new, "review", &sha));
    assert_eq!(new[2]["details"]["undoes"], review);
    assert_eq!(
        new[2]["details"]["status"],
        serde_json::json!({"from": "verified", "to": "unreviewed"})
    );
    assert_eq!(new[3]["details"]["undoes"], tag);
    assert_eq!(
        new[3]["details"]["keywords"],
        serde_json::json!({"from": ["protest"], "to": []})
    );
    assert_eq!(new[4]["details"]["redoes"], tag);
    assert_eq!(new[5]["details"]["redoes"], review);
    assert!(new.iter().all(|e| e["actor"] == "tester"));
    let audit = lib.run(&["audit", "verify"]);
    assert_eq!(audit.code, 0, "{}", audit.stderr);
}

#[test]
fn a_caption_typed_for_a_multi_selection_is_undone_in_one_step() {
    let lib = Lib::new();
    tagged_photos(&lib);
    let before = lib.list(&[]);
    let start = history_len(&lib);
    let mut h = harness(&lib);
    wait(&mut h, "the catalogue", |h| app(h).item_count() == 3);
    select_all_three(&mut h);
    type_into(&mut h, "Caption", "Площадь, 5 января");
    h.key_press(egui::Key::Tab);
    wait(&mut h, "the caption on all three", |_| {
        lib.list(&[])
            .iter()
            .all(|i| i["caption"] == "Площадь, 5 января")
    });
    wait(&mut h, "the undo label", |h| {
        h.query_by_label("Undo: caption").is_some()
    });
    h.get_by_label("Undo: caption").click();
    wait(&mut h, "all three captions back", |_| {
        lib.list(&[]) == before
    });
    assert!(h.query_by_label_contains("Undo:").is_none(), "one step");
    h.get_by_label("Redo: caption");
    settle(&mut h, 300);
    drop(h);
    assert_eq!(lib.list(&[]), before);

    // Three caption entries, then three undo entries: one per item, each naming its own.
    let new = history_since(&lib, start);
    assert_eq!(new.len(), 6, "{new:#?}");
    for e in &new[3..] {
        let sha = e["item"].as_str().unwrap();
        assert_eq!(e["action"], "undo");
        assert_eq!(e["details"]["undoes"], seq_of(&new[..3], "tag", sha));
        assert_eq!(e["details"]["caption"]["from"], "Площадь, 5 января");
    }
    let audit = lib.run(&["audit", "verify"]);
    assert_eq!(audit.code, 0, "{}", audit.stderr);
}

#[test]
fn a_place_removed_then_restored_is_the_same_place() {
    let lib = Lib::new();
    photos(&lib);
    let (_, report) = lib.import(&[&lib.src()]);
    let sha = crate::util::imported(&report, "evening.jpg")["sha256"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(lib.run(&["tag", &sha, "--place", "Алматы"]).code, 0);
    let place_id = |path: &serde_json::Value| -> i64 {
        let places = lib.run(&["place", "list", "--json"]).json();
        let found: Vec<&serde_json::Value> = places
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| &p["path"] == path)
            .collect();
        assert_eq!(found.len(), 1, "{path} in {places:#}");
        found[0]["id"].as_i64().unwrap()
    };
    let original = place_id(&serde_json::json!(["Алматы"]));

    let mut h = harness(&lib);
    wait(&mut h, "the catalogue", |h| app(h).item_count() == 3);
    h.get_by_label("evening.jpg").click();
    type_into(&mut h, "Place", "");
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.key_press(egui::Key::Backspace);
    h.run_steps(1);
    h.get_by_label("Search").click(); // focus leaves: the place is cleared
    wait(&mut h, "the place to be removed", |_| {
        lib.show(&sha)["place"].is_null()
    });
    // Meanwhile another place by the same name appears (under another parent).
    let other = lib.list(&[])[1]["sha256"].as_str().unwrap().to_string();
    assert_eq!(
        lib.run(&["tag", &other, "--place", "Казахстан > Алматы"])
            .code,
        0
    );
    wait(&mut h, "the undo label", |h| {
        h.query_by_label("Undo: place").is_some()
    });
    h.get_by_label("Undo: place").click();
    wait(&mut h, "the place to come back", |_| {
        !lib.show(&sha)["place"].is_null()
    });
    drop(h);
    let item = lib.show(&sha);
    assert_eq!(item["place"], "Алматы");
    assert_eq!(place_id(&item["place_path"]), original, "the same place");
    let history = lib.run(&["history", "--json", &sha]).json();
    let undo = history.as_array().unwrap().last().unwrap().clone();
    assert_eq!(undo["action"], "undo");
    assert_eq!(undo["details"]["place_id"]["to"], original);
    let audit = lib.run(&["audit", "verify"]);
    assert_eq!(audit.code, 0, "{}", audit.stderr);
}
