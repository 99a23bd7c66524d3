//! Editing a multi-selection in the inspector: an editor left alone changes nothing, a field
//! typed once lands on every selected item and nothing else is written.

use super::{App, app, harness, history_len, photos, settle, type_into, wait};
use crate::util::Lib;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

/// Three photos imported, tagged from the command line so that every field differs across them
/// or is shared: what the inspector's editors must leave alone.
pub(super) fn tagged_photos(lib: &Lib) -> Vec<String> {
    photos(lib);
    let (_, report) = lib.import(&[&lib.src()]);
    let shas: Vec<String> = ["evening.jpg", "morning.jpg", "may.jpg"]
        .iter()
        .map(|n| {
            crate::util::imported(&report, n)["sha256"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    let tags: [&[&str]; 3] = [
        &[
            "--caption",
            "Вечер",
            "--source",
            "AP",
            "--credit",
            "Айдар",
            "--place",
            "Алматы",
        ],
        &[
            "--caption",
            "Утро",
            "--source",
            "AP",
            "--date",
            "2022-01-05",
        ],
        &["--source", "AP", "--credit", "Мира", "--date", "2022-05"],
    ];
    for (sha, args) in shas.iter().zip(tags) {
        let mut all = vec!["tag", sha.as_str()];
        all.extend(args);
        assert_eq!(lib.run(&all).code, 0);
    }
    shas
}

/// Selects the three photos of `tagged_photos` with a click and a shift-click (the grid shows
/// a caption where there is one, else the file name).
pub(super) fn select_all_three(h: &mut Harness<'static, App>) {
    h.get_by_label("Вечер").click();
    h.run_steps(2);
    h.get_by_label("may.jpg")
        .click_modifiers(egui::Modifiers::SHIFT);
    h.run_steps(2);
    assert_eq!(app(h).selected_ids().len(), 3);
    wait(h, "the inspector's editors", |h| {
        h.query_by_label("Caption").is_some()
    });
}

#[test]
fn tabbing_through_every_editor_of_a_multi_selection_changes_nothing() {
    let lib = Lib::new();
    tagged_photos(&lib);
    let before = lib.list(&[]);
    let entries = history_len(&lib);
    let mut h = harness(&lib);
    wait(&mut h, "the catalogue", |h| app(h).item_count() == 3);
    select_all_three(&mut h);
    // The caption differs across the three: the editor says so rather than showing one.
    let hinted = h.query_by_label_contains("3 different").is_some();

    h.get_by_label("Caption").click();
    h.run_steps(2);
    assert!(h.get_by_label("Caption").is_focused());
    for _ in 0..30 {
        h.key_press(egui::Key::Tab);
        h.run_steps(2);
    }
    h.get_by_label("Search").click();
    settle(&mut h, 1500);
    drop(h);
    assert_eq!(lib.list(&[]), before, "the catalogue changed");
    assert_eq!(history_len(&lib), entries, "new history entries");
    assert!(hinted, "the caption editor shows that the values differ");
}

#[test]
fn a_caption_typed_for_a_multi_selection_stays_on_every_item() {
    let lib = Lib::new();
    tagged_photos(&lib);
    let entries = history_len(&lib);
    let mut h = harness(&lib);
    wait(&mut h, "the catalogue", |h| app(h).item_count() == 3);
    select_all_three(&mut h);
    type_into(&mut h, "Caption", "Площадь, 5 января");
    h.key_press(egui::Key::Tab); // on to the next field: the caption is saved
    wait(&mut h, "the caption on all three", |_| {
        lib.list(&[])
            .iter()
            .all(|i| i["caption"] == "Площадь, 5 января")
    });
    // Move on through the other fields and let reloads come and go.
    for _ in 0..12 {
        h.key_press(egui::Key::Tab);
        h.run_steps(2);
    }
    h.get_by_label("Search").click();
    settle(&mut h, 1500);
    drop(h);
    let items = lib.list(&[]);
    for i in &items {
        assert_eq!(i["caption"], "Площадь, 5 января", "{}", i["original_name"]);
    }
    // Exactly one entry per item, the caption's: nothing else was written.
    let history = lib.run(&["history", "--json"]).json();
    let new: Vec<&serde_json::Value> = history.as_array().unwrap()[entries..].iter().collect();
    assert_eq!(new.len(), 3, "{new:#?}");
    for e in new {
        let details = e["details"].as_object().unwrap();
        assert_eq!(details.keys().collect::<Vec<_>>(), ["caption"], "{e:#}");
        assert_eq!(details["caption"]["to"], "Площадь, 5 января");
    }
    // The other fields are as they were: the credit still differs, the source is still shared.
    assert_eq!(items.iter().filter(|i| i["credit"] == "Айдар").count(), 1);
    assert!(items.iter().all(|i| i["source"] == "AP"));
}
