//! The People & Places window and the inspector's cross-script suggestions, driven like a user
//! would (egui_kittest, headless) on the demo chronicle, checked with the real `kadr` binary.

use crate::app::{App, harness_sized, wait};
use crate::util::Lib;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use serde_json::Value;
use std::time::{Duration, Instant};

fn demo() -> Lib {
    let lib = Lib::new();
    let run = lib.run(&["demo"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    lib
}

fn harness(lib: &Lib) -> Harness<'static, App> {
    harness_sized(lib, egui::vec2(1600.0, 1000.0))
}

/// Focuses the field labelled `label`, selects what it holds and types `text` over it.
fn type_over(h: &mut Harness<'static, App>, label: &str, text: &str) {
    // Generous: on a loaded machine the selection's records can take seconds to arrive.
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(60) {
        if h.query_by_label(label).is_none() {
            h.step();
            std::thread::sleep(Duration::from_millis(50));
            continue;
        }
        h.get_by_label(label).scroll_to_me();
        h.run_steps(2);
        h.get_by_label(label).click();
        h.run_steps(2);
        if h.get_by_label(label).is_focused() {
            h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
            h.run_steps(1);
            h.get_by_label(label).type_text(text);
            h.run_steps(2);
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("the field {label:?} never took the focus");
}

fn people(lib: &Lib) -> Vec<Value> {
    let r = lib.run(&["person", "list", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.json().as_array().unwrap().clone()
}

fn places(lib: &Lib) -> Vec<Value> {
    let r = lib.run(&["place", "list", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.json().as_array().unwrap().clone()
}

/// The original names of the items at `place`, sorted.
fn items_at(lib: &Lib, place: &str) -> Vec<String> {
    let mut v: Vec<String> = lib
        .list(&[])
        .into_iter()
        .filter(|i| i["place"] == place)
        .map(|i| i["original_name"].as_str().unwrap().to_string())
        .collect();
    v.sort();
    v
}

fn person<'a>(all: &'a [Value], name: &str) -> Option<&'a Value> {
    all.iter().find(|p| p["name"] == name)
}

fn aliases(p: &Value) -> Vec<&str> {
    p["aliases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect()
}

#[test]
fn people_and_places_are_renamed_aliased_merged_and_undone_in_their_window() {
    let lib = demo();
    let abaya = items_at(&lib, "Улица Абая");
    let timiryazeva = items_at(&lib, "Улица Тимирязева");
    assert!(!abaya.is_empty() && !timiryazeva.is_empty());

    let mut h = harness(&lib);
    wait(&mut h, "the demo", |h| {
        h.state()
            .as_ref()
            .is_some_and(|a| a.is_loaded() && a.item_count() > 0)
    });
    h.get_by_label("People & places").click();
    h.run_steps(2);

    // Rename a person: the old name stays as an alias.
    h.get_by_label_contains("Жанболат Мамай (").click();
    h.run_steps(2);
    type_over(&mut h, "Name", "Мамай Жанболат");
    h.get_by_label("Rename").click();
    wait(&mut h, "the rename", |_| {
        person(&people(&lib), "Мамай Жанболат").is_some()
    });
    let all = people(&lib);
    let renamed = person(&all, "Мамай Жанболат").unwrap();
    assert!(aliases(renamed).contains(&"Жанболат Мамай"), "{renamed}");
    assert!(person(&all, "Жанболат Мамай").is_none());

    // An alias in Kazakh.
    type_over(&mut h, "Add alias", "Жанболат Мамайұлы");
    h.get_by_label("Add").click();
    wait(&mut h, "the alias", |_| {
        person(&people(&lib), "Мамай Жанболат")
            .is_some_and(|p| aliases(p).contains(&"Жанболат Мамайұлы"))
    });
    // The window lists it with the others.
    wait(&mut h, "the alias in the window", |h| {
        h.query_by_label("Жанболат Мамайұлы").is_some()
    });

    // Merge two places: every item of the one moves to the other.
    h.get_by_label("Places").click();
    h.run_steps(2);
    h.get_by_label_contains("Улица Тимирязева (").click();
    h.run_steps(2);
    type_over(&mut h, "Merge into", "Абая");
    h.get_by_label("Алматы > Улица Абая").click();
    h.run_steps(2);
    h.get_by_label("Merge").click();
    wait(&mut h, "the merge", |_| {
        items_at(&lib, "Улица Тимирязева").is_empty()
    });
    let mut both = [abaya.clone(), timiryazeva.clone()].concat();
    both.sort();
    assert_eq!(items_at(&lib, "Улица Абая"), both);
    assert!(!places(&lib).iter().any(|p| p["name"] == "Улица Тимирязева"));
    let history = lib.run(&["history", "--json"]);
    assert!(
        history.stdout.contains("\"merge\""),
        "the merge is in the history"
    );

    // Undo brings both back, each with its own items.
    wait(&mut h, "Undo to name the merge", |h| {
        h.query_by_label("Undo: merge").is_some()
    });
    h.get_by_label("Undo: merge").click();
    wait(&mut h, "the undo", |_| {
        items_at(&lib, "Улица Тимирязева") == timiryazeva
    });
    assert_eq!(items_at(&lib, "Улица Абая"), abaya);
    let back = places(&lib);
    assert!(back.iter().any(|p| p["name"] == "Улица Тимирязева"));
    assert!(back.iter().any(|p| p["name"] == "Улица Абая"));

    let audit = lib.run(&["audit", "verify"]);
    assert_eq!(audit.code, 0, "{}{}", audit.stdout, audit.stderr);
}

#[test]
fn the_inspector_suggests_places_and_people_by_an_alias_in_another_script() {
    let lib = demo();
    let mut h = harness(&lib);
    wait(&mut h, "the demo", |h| {
        h.state()
            .as_ref()
            .is_some_and(|a| a.is_loaded() && a.item_count() > 0)
    });
    // The first item, from the keyboard.
    h.key_press(egui::Key::ArrowRight);
    wait(&mut h, "the inspector", |h| {
        h.state().as_ref().is_some_and(|a| a.detail().is_some())
    });
    type_over(&mut h, "Place", "Almaty");
    h.get_by_label("Алматы — matched Almaty");
    type_over(&mut h, "Add person", "Tokaev");
    h.get_by_label_contains("— matched Tokaev");
    // Without an alias in Latin letters, the name is found through the skeleton.
    type_over(&mut h, "Add person", "Mamaem");
    h.get_by_label("Жанболат Мамай — matched Мамаем");
}
