//! The map linked with time and places, driven like a user would (egui_kittest, headless):
//! "filter to map area" narrows the grid and the selection, the time strip plays the event
//! forward without narrowing the other views, and a place is placed by clicking the map.

use crate::app::{App, harness_sized, wait};
use crate::util::Lib;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use kadr::app::View;
use serde_json::Value;

/// Square and park in Almaty (camera GPS), Buenos Aires (camera GPS), and an old photo
/// tagged with a place that has no coordinates yet. The park photo's event date (the evening
/// before) comes before the square's, although its camera says the morning after.
/// Returns the ids in that order.
fn march(lib: &Lib) -> [i64; 4] {
    crate::map::the_march(lib, &|name| match name {
        "park.jpg" => vec!["--date", "2022-01-04T18:00"],
        "old.jpg" => vec!["--place", "Алматы > Площадь Астана"],
        _ => vec![],
    })
}

fn app<'a>(h: &'a Harness<'static, App>) -> &'a kadr::app::KadrApp {
    h.state()
        .as_ref()
        .expect("the app is built on the first frame")
}

fn open_map(lib: &Lib) -> Harness<'static, App> {
    let mut h = harness_sized(lib, egui::vec2(1600.0, 1000.0));
    wait(&mut h, "the catalogue", |h| {
        h.state().as_ref().is_some_and(|a| a.item_count() == 4)
    });
    h.key_press(egui::Key::M);
    // The basemap decodes on another thread; the markers are there from the first frame.
    wait(&mut h, "the map", |h| {
        h.query_by_label("Buenos Aires").is_some()
    });
    assert_eq!(app(&h).prefs().view, View::Map);
    h
}

fn day(d: &str) -> chrono::NaiveDateTime {
    chrono::NaiveDateTime::parse_from_str(d, "%Y-%m-%d %H:%M").unwrap()
}

/// The 4th and 5th of January: the view fits the two Almaty photos.
fn almaty_days() -> Option<(chrono::NaiveDateTime, chrono::NaiveDateTime)> {
    Some((day("2022-01-04 00:00"), day("2022-01-05 23:59")))
}

fn shown(h: &Harness<'static, App>, label: &str) -> bool {
    h.query_by_label(label).is_some()
}

#[test]
fn the_map_area_narrows_the_grid_and_the_selection_until_cleared() {
    let lib = Lib::new();
    let ids = march(&lib);
    let mut h = open_map(&lib);

    // The range fits the view to Almaty; the area filter then keeps what that view shows.
    h.state_mut().as_mut().unwrap().set_range(almaty_days());
    h.run_steps(3);
    h.get_by_label("Filter to map area").click();
    h.run_steps(2);
    h.state_mut().as_mut().unwrap().set_range(None);
    h.run_steps(3);
    // The sidebar says so.
    h.get_by_label("Only the map area");
    // Buenos Aires is out of the view, and the old photo has no position at all.
    h.key_press(egui::Key::G);
    h.run_steps(3);
    assert_eq!(app(&h).prefs().view, View::Grid);
    assert!(shown(&h, "Square") && shown(&h, "Park"));
    assert!(!shown(&h, "Buenos Aires") && !shown(&h, "Old square"));
    h.get_by_label_contains("2 / 4");
    // Select all takes what the area lets through.
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.run_steps(2);
    let mut almaty = vec![ids[0], ids[1]];
    almaty.sort();
    assert_eq!(app(&h).selected_ids(), almaty);

    // Cleared from the sidebar: everything is back.
    h.get_by_label("Only the map area").click();
    h.run_steps(3);
    assert!(shown(&h, "Buenos Aires") && shown(&h, "Old square"));
    assert!(!shown(&h, "Only the map area"));
    h.get_by_label_contains("4 / 4");
}

#[test]
fn the_time_strip_shows_the_earlier_items_plays_forward_and_filters_nothing_else() {
    let lib = Lib::new();
    march(&lib);
    let mut h = open_map(&lib);
    // At rest every located item is on the map; the two Almaty photos make one cluster.
    assert!(shown(&h, "2 items") && shown(&h, "Buenos Aires"));
    h.get_by_label("shown: 3 / 3");

    // The first moment is the park's event date, though its camera says the next morning.
    h.get_by_label("Next").click();
    h.run_steps(2);
    assert!(shown(&h, "Park"));
    assert!(!shown(&h, "Square") && !shown(&h, "2 items") && !shown(&h, "Buenos Aires"));
    h.get_by_label("shown: 1 / 3");
    h.get_by_label("Next").click();
    h.run_steps(2);
    assert!(shown(&h, "2 items") && !shown(&h, "Buenos Aires"));

    // The cursor dragged three quarters along: each moment is an equal step, so that is
    // between the square's and May's.
    let bar = h.get_by_label("Time strip").rect();
    let inner = bar.width() - 16.0;
    let mid = egui::pos2(bar.left() + 8.0 + 0.75 * inner, bar.center().y);
    h.get_by_label("Reset").click();
    h.run_steps(2);
    h.drag_at(mid);
    h.run_steps(1);
    h.drop_at(mid + egui::vec2(2.0, 0.0));
    h.run_steps(2);
    assert!(shown(&h, "2 items") && !shown(&h, "Buenos Aires"));
    h.get_by_label("shown: 2 / 3");

    // The other views are not narrowed by the cursor.
    h.key_press(egui::Key::G);
    h.run_steps(2);
    for label in ["Square", "Park", "Buenos Aires", "Old square"] {
        assert!(shown(&h, label), "{label} left the grid");
    }
    h.key_press(egui::Key::M);
    h.run_steps(2);

    // Play goes on from the cursor to the last moment, then stops there.
    h.get_by_label("Play").click();
    wait(&mut h, "play to reach Buenos Aires", |h| {
        h.query_by_label("Buenos Aires").is_some()
    });
    wait(&mut h, "play to end", |h| {
        h.query_by_label("Play").is_some()
    });
    h.get_by_label("shown: 3 / 3");
    // Play again starts over from the first moment.
    h.get_by_label("Play").click();
    h.run_steps(2);
    assert!(shown(&h, "Park") && !shown(&h, "Buenos Aires"));
    h.get_by_label("Pause").click();
    h.get_by_label("Reset").click();
    h.run_steps(2);
    assert!(shown(&h, "2 items") && shown(&h, "Buenos Aires"));
}

fn place(lib: &Lib, name: &str) -> Value {
    let r = lib.run(&["place", "list", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.json()
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == name)
        .cloned()
        .unwrap_or_else(|| panic!("no place {name}"))
}

fn history_len(lib: &Lib) -> usize {
    lib.run(&["history", "--json"])
        .json()
        .as_array()
        .unwrap()
        .len()
}

/// Focuses the field labelled `label` and types `text` into it.
fn type_into(h: &mut Harness<'static, App>, label: &str, text: &str) {
    h.get_by_label(label).click();
    h.run_steps(2);
    assert!(h.get_by_label(label).is_focused(), "{label} took no focus");
    h.get_by_label(label).type_text(text);
    h.run_steps(2);
}

#[test]
fn a_place_is_placed_by_clicking_the_map_with_the_typed_radius_and_esc_cancels() {
    let lib = Lib::new();
    let ids = march(&lib);
    let mut h = open_map(&lib);

    // From the inspector: the selected photo's place, put where the park photo is.
    h.key_press(egui::Key::G);
    h.run_steps(2);
    h.get_by_label("Old square").click();
    wait(&mut h, "the inspector", |h| {
        h.state().as_ref().is_some_and(|a| a.detail().is_some())
    });
    h.state_mut().as_mut().unwrap().set_range(almaty_days());
    h.key_press(egui::Key::M);
    h.run_steps(3);
    h.get_by_label("Set on map").click();
    h.run_steps(2);
    h.get_by_label("Click the map to place «Площадь Астана» (Esc to cancel)");
    h.get_by_label("Park").click();
    wait(&mut h, "the place to be located", |_| {
        !place(&lib, "Площадь Астана")["lat"].is_null()
    });
    let p = place(&lib, "Площадь Астана");
    let (lat, lon) = (p["lat"].as_f64().unwrap(), p["lon"].as_f64().unwrap());
    assert!(
        (lat - 43.1886).abs() < 0.002 && (lon - 76.8879).abs() < 0.002,
        "{lat}, {lon}"
    );
    assert!(p["radius_m"].is_null(), "no radius typed: the default");
    // Placing done, a click on a marker selects again (a photo with no place, this time).
    h.get_by_label("Park").click();
    h.run_steps(2);
    assert_eq!(app(&h).selected_ids(), [ids[1]]);

    // From the People & Places window, with the radius typed there.
    h.get_by_label("People & places").click();
    h.run_steps(2);
    h.get_by_label("Places").click();
    h.run_steps(2);
    h.get_by_label_contains("Площадь Астана (").click();
    h.run_steps(2);
    type_into(&mut h, "Radius, metres", "250");
    h.get_by_label("Set on map").click();
    h.run_steps(2);
    // The map, with what to do; the window steps aside.
    assert_eq!(app(&h).prefs().view, View::Map);
    h.get_by_label("Click the map to place «Площадь Астана» (Esc to cancel)");
    assert!(!shown(&h, "Set on map"));

    // Esc cancels: nothing is written and the window is back.
    let before = history_len(&lib);
    h.key_press(egui::Key::Escape);
    h.run_steps(2);
    assert!(!shown(
        &h,
        "Click the map to place «Площадь Астана» (Esc to cancel)"
    ));
    assert!(shown(&h, "Set on map"));

    // Again, and a click on the square's photo puts the place there.
    h.get_by_label("Set on map").click();
    h.run_steps(2);
    h.get_by_label("Square").click();
    wait(&mut h, "the place to be moved", |_| {
        place(&lib, "Площадь Астана")["radius_m"] == 250.0
    });
    let p = place(&lib, "Площадь Астана");
    let (lat, lon) = (p["lat"].as_f64().unwrap(), p["lon"].as_f64().unwrap());
    // Within a few pixels of the photo's position at this zoom.
    assert!(
        (lat - 43.2385).abs() < 0.002 && (lon - 76.9455).abs() < 0.002,
        "{lat}, {lon}"
    );
    assert_eq!(p["radius_m"], 250.0);
    // One undoable step, in the history.
    let history = lib.run(&["history", "--json"]).json();
    let entries = history.as_array().unwrap();
    assert_eq!(entries.len(), before + 1);
    assert_eq!(entries.last().unwrap()["action"], "coordinates");
    assert_eq!(entries.last().unwrap()["details"]["name"], "Площадь Астана");
    // The click selected nothing, and the window is back.
    assert_eq!(app(&h).selected_ids(), [ids[1]]);
    assert!(shown(&h, "Set on map"));
    let audit = lib.run(&["audit", "verify"]);
    assert_eq!(audit.code, 0, "{}{}", audit.stdout, audit.stderr);
}
