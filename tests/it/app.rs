//! The desktop app driven like a user would, by accessibility label (egui_kittest, headless).
//! Missing glyphs fail these tests, so Cyrillic and Kazakh letters are checked to render.

use crate::fixtures::{self, Exif, Jpeg};
use crate::util::Lib;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use kadr::app::{KadrApp, Prefs};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

mod selection;
mod undo;

/// The app as the harness holds it (created on the first frame).
pub(crate) type App = Option<KadrApp>;

pub(crate) fn harness(lib: &Lib) -> Harness<'static, App> {
    harness_sized(lib, egui::vec2(1400.0, 900.0))
}

/// The real app on `lib`'s library, headless, in a window of `size`.
pub(crate) fn harness_sized(lib: &Lib, size: egui::Vec2) -> Harness<'static, App> {
    let library = kadr::Library::open(&lib.root()).unwrap();
    Harness::builder().with_size(size).build_ui_state(
        move |ui, app: &mut App| {
            let app = app.get_or_insert_with(|| {
                KadrApp::new(ui.ctx(), library.clone(), "tester".into(), Prefs::default())
            });
            app.frame(ui);
        },
        None,
    )
}

/// Steps the app until `done` holds (background work finishes on other threads).
pub(crate) fn wait(
    h: &mut Harness<'static, App>,
    what: &str,
    mut done: impl FnMut(&Harness<'static, App>) -> bool,
) {
    let start = Instant::now();
    loop {
        h.step();
        if done(h) {
            h.run_steps(2);
            return;
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Focuses the field labelled `label` (checking that it took) and types `text` into it. The
/// inspector's editors appear once the selection's records have arrived: wait for them.
fn type_into(h: &mut Harness<'static, App>, label: &str, text: &str) {
    // Generous: on a loaded machine the selection's records can take seconds to arrive.
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(60) {
        if h.query_by_label(label).is_none() {
            h.step();
            std::thread::sleep(Duration::from_millis(50));
            continue;
        }
        // Once the preview has loaded, the inspector's lower fields can lie below its fold.
        h.get_by_label(label).scroll_to_me();
        h.run_steps(2);
        h.get_by_label(label).click();
        h.run_steps(2);
        if h.get_by_label(label).is_focused() {
            h.get_by_label(label).type_text(text);
            h.run_steps(1);
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("the field {label:?} never took the focus");
}

pub(crate) fn app<'h>(h: &'h Harness<'static, App>) -> &'h KadrApp {
    h.state().as_ref().unwrap()
}

#[derive(Debug)]
struct Dropped(PathBuf);

impl egui::DroppedFile for Dropped {
    fn path(&self) -> &Path {
        &self.0
    }
    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

fn photos(lib: &Lib) {
    let shots = [
        ("evening.jpg", "2022:01:04 19:32:10"),
        ("morning.jpg", "2022:01:05 08:05:00"),
        ("may.jpg", "2022:05:15 12:00:00"),
    ];
    for (i, (name, t)) in shots.iter().enumerate() {
        let exif = Exif {
            datetime_original: Some(t),
            offset_original: Some("+06:00"),
            ..Default::default()
        };
        lib.write(
            name,
            &fixtures::jpeg(400, 300, i as u32, Jpeg::Baseline, Some(&exif)),
        );
    }
}

#[test]
fn drop_a_folder_then_tag_in_the_inspector_and_find_it_from_the_command_line() {
    let lib = Lib::new();
    photos(&lib);
    let mut h = harness(&lib);
    wait(&mut h, "the empty library", |h| app(h).is_loaded());
    h.get_by_label("Load the demo chronicle"); // the empty library offers the demo

    h.input_mut()
        .dropped_files
        .push(std::sync::Arc::new(Dropped(lib.src())));
    wait(&mut h, "the import", |h| {
        app(h).item_count() == 3 && !app(h).is_busy()
    });
    h.get_by_label("Import report");
    h.get_by_label("Close").click();
    h.run_steps(2);
    // The grid shows every photo, by file name.
    for name in ["evening.jpg", "morning.jpg", "may.jpg"] {
        h.get_by_label(name);
    }

    h.get_by_label("evening.jpg").click();
    wait(&mut h, "the inspector", |h| {
        app(h)
            .detail()
            .is_some_and(|d| d.original_name == "evening.jpg")
    });
    h.get_by_label_contains("2022-01-04T19:32:10+06:00"); // capture time with its offset

    // A person, typed in Cyrillic with Kazakh letters, and a place under its parent.
    type_into(&mut h, "Add person", "Жанболат Мамай");
    h.key_press(egui::Key::Enter);
    wait(&mut h, "the person to be saved", |h| {
        app(h).detail().is_some_and(|d| !d.people.is_empty())
    });
    type_into(&mut h, "Place", "Алматы > Республика алаңы");
    h.key_press(egui::Key::Enter);
    wait(&mut h, "the place to be saved", |h| {
        app(h).detail().is_some_and(|d| d.place.is_some())
    });
    type_into(
        &mut h,
        "Caption",
        "Қантар оқиғалары: әңгіме, ұран, үміт, һ, і, ғ, ң, ө",
    );
    h.get_by_label("Search").click(); // focus leaves the caption: it is saved
    wait(&mut h, "the caption to be saved", |h| {
        app(h).detail().is_some_and(|d| d.caption.is_some())
    });

    drop(h);
    let found = lib.list(&["--person", "Mamay"]);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0]["original_name"], "evening.jpg");
    assert_eq!(
        found[0]["place_path"],
        serde_json::json!(["Алматы", "Республика алаңы"])
    );
    assert_eq!(
        found[0]["caption"],
        "Қантар оқиғалары: әңгіме, ұран, үміт, һ, і, ғ, ң, ө"
    );
    assert_eq!(lib.list(&["--place", "Алматы"]).len(), 1);
    let history = lib
        .run(&["history", "--json", found[0]["sha256"].as_str().unwrap()])
        .json();
    assert!(
        history
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["action"] == "tag")
            .all(|e| e["actor"] == "tester")
    );
}

#[test]
fn the_timeline_reads_as_a_chronicle_under_day_headers() {
    let lib = Lib::new();
    photos(&lib);
    let (run, report) = lib.import(&[&lib.src()]);
    assert_eq!(run.code, 0);
    let evening = crate::util::imported(&report, "evening.jpg")["sha256"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        lib.run(&["tag", &evening, "--date", "2022-01-04 evening"])
            .code,
        0
    );
    let mut h = harness(&lib);
    wait(&mut h, "the catalogue", |h| app(h).item_count() == 3);
    h.get_by_label("Timeline").click();
    h.run_steps(3);
    let headers = ["4 January 2022 · evening", "5 January 2022", "15 May 2022"];
    let ys: Vec<f32> = headers
        .iter()
        .map(|t| h.get_by_label(t).rect().min.y)
        .collect();
    assert!(
        ys.windows(2).all(|w| w[0] < w[1]),
        "headers in date order: {ys:?}"
    );

    // In Russian, months are declined.
    h.state_mut()
        .as_mut()
        .unwrap()
        .set_lang(kadr::app::i18n::Lang::Ru);
    h.run_steps(3);
    h.get_by_label("4 января 2022 · вечер");
    h.get_by_label("15 мая 2022");
}

#[test]
fn an_empty_library_loads_the_demo_chronicle() {
    let lib = Lib::new();
    let mut h = harness(&lib);
    wait(&mut h, "the empty library", |h| app(h).is_loaded());
    h.get_by_label("Load the demo chronicle").click();
    wait(&mut h, "the demo", |h| {
        app(h).item_count() >= 20 && !app(h).is_busy()
    });
    h.get_by_label("Timeline").click();
    h.run_steps(3);
    h.get_by_label_contains("4 January 2022 · evening");
}

#[test]
fn selection_with_shift_and_ctrl_then_editing_all_at_once() {
    let lib = Lib::new();
    photos(&lib);
    lib.import(&[&lib.src()]);
    let mut h = harness(&lib);
    wait(&mut h, "the catalogue", |h| app(h).item_count() == 3);
    h.get_by_label("evening.jpg").click();
    h.run_steps(2);
    h.get_by_label("may.jpg")
        .click_modifiers(egui::Modifiers::SHIFT);
    h.run_steps(2);
    assert_eq!(
        app(&h).selected_ids().len(),
        3,
        "shift-click selects the range"
    );
    h.get_by_label("morning.jpg")
        .click_modifiers(egui::Modifiers::COMMAND);
    h.run_steps(2);
    assert_eq!(app(&h).selected_ids().len(), 2, "ctrl-click toggles one");
    type_into(&mut h, "Add keyword", "protest");
    h.key_press(egui::Key::Enter);
    h.run_steps(2);
    wait(&mut h, "the keyword to be saved to both items", |_| {
        lib.list(&["--tag", "protest"]).len() == 2
    });
    // Undo takes it off both again, in one step.
    h.get_by_label("Undo: keywords").click();
    wait(&mut h, "undo to take the keyword off both", |_| {
        lib.list(&["--tag", "protest"]).is_empty()
    });
}

#[test]
fn review_mode_sets_status_by_key_and_moves_on() {
    let lib = Lib::new();
    photos(&lib);
    lib.import(&[&lib.src()]);
    let mut h = harness(&lib);
    wait(&mut h, "the catalogue", |h| app(h).item_count() == 3);
    h.get_by_label("Review").click();
    h.run_steps(3);
    // The first item in timeline order is current; 2 = verified, then the next one.
    h.key_press(egui::Key::Num2);
    h.run_steps(2);
    h.key_press(egui::Key::Num3);
    h.run_steps(2);
    h.key_press(egui::Key::N);
    h.run_steps(2);
    // N focused the review's note field (the inspector has one too).
    let field = h
        .get_all_by_label("Add note")
        .find(|n| n.is_focused())
        .expect("N focuses the note field");
    field.type_text("Нужен второй источник");
    h.key_press(egui::Key::Enter);
    let start = Instant::now();
    loop {
        h.step();
        let items = lib.list(&[]);
        if items[2]["notes"].as_array().is_some_and(|n| !n.is_empty()) {
            // evening: 2 = verified; morning: 3 = needs info; then the note lands on the third.
            assert_eq!(items[0]["review_status"], "verified");
            assert_eq!(items[1]["review_status"], "needs-info");
            assert_eq!(items[1]["review_by"], "tester");
            assert_eq!(items[2]["original_name"], "may.jpg");
            assert_eq!(items[2]["review_status"], "unreviewed");
            assert_eq!(items[2]["notes"][0]["text"], "Нужен второй источник");
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "review keys did not reach the catalogue: {:?}",
            lib.list(&[])
                .iter()
                .map(|i| (
                    i["original_name"].clone(),
                    i["review_status"].clone(),
                    i["notes"].clone()
                ))
                .collect::<Vec<_>>()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn verify_originals_from_the_app() {
    let lib = Lib::new();
    photos(&lib);
    lib.import(&[&lib.src()]);
    let mut h = harness(&lib);
    wait(&mut h, "the catalogue", |h| app(h).item_count() == 3);
    h.get_by_label("Verify originals").click();
    wait(&mut h, "the fixity check", |h| {
        h.query_by_label_contains("All originals are intact")
            .is_some()
    });
}

#[test]
fn export_the_selection_as_a_bag_from_the_app() {
    let lib = Lib::new();
    photos(&lib);
    lib.import(&[&lib.src()]);
    let mut h = harness(&lib);
    wait(&mut h, "the catalogue", |h| app(h).item_count() == 3);
    h.get_by_label("evening.jpg").click();
    h.run_steps(2);
    h.get_by_label("Export…").click();
    h.run_steps(2);
    let out = lib.dir.path().join("handoff");
    type_into(&mut h, "Output folder", out.to_str().unwrap());
    h.get_by_label("Export").click();
    wait(&mut h, "the bag", |h| {
        h.query_by_label_contains("exported 1 item as a BagIt bag")
            .is_some()
    });
    assert!(out.join("bagit.txt").is_file());
    assert_eq!(
        std::fs::read_dir(out.join("data/originals"))
            .unwrap()
            .filter(|e| e
                .as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x != "xmp"))
            .count(),
        1,
        "only the selection (the original, beside its XMP sidecar)"
    );
}

fn history_len(lib: &Lib) -> usize {
    lib.run(&["history", "--json"])
        .json()
        .as_array()
        .unwrap()
        .len()
}

/// Steps the app for `ms` milliseconds of wall time (reloads and saves arrive meanwhile).
fn settle(h: &mut Harness<'static, App>, ms: u64) {
    let start = Instant::now();
    while start.elapsed() < Duration::from_millis(ms) {
        h.step();
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn a_caption_being_typed_survives_a_reload_during_an_import() {
    let lib = Lib::new();
    photos(&lib);
    lib.import(&[&lib.src()]);
    let mut h = harness(&lib);
    wait(&mut h, "the catalogue", |h| app(h).item_count() == 3);
    h.get_by_label("evening.jpg").click();
    wait(&mut h, "the inspector", |h| {
        app(h)
            .detail()
            .is_some_and(|d| d.original_name == "evening.jpg")
    });
    type_into(&mut h, "Caption", "Начало, ");

    // An import reloads the catalogue (and so the inspector's item) while the caption is open.
    let more = lib.dir.path().join("more");
    std::fs::create_dir_all(&more).unwrap();
    std::fs::write(
        more.join("late.jpg"),
        fixtures::jpeg(400, 300, 9, Jpeg::Baseline, None),
    )
    .unwrap();
    h.input_mut()
        .dropped_files
        .push(std::sync::Arc::new(Dropped(more)));
    wait(&mut h, "the import", |h| {
        app(h).item_count() == 4 && !app(h).is_busy()
    });
    settle(&mut h, 500);

    assert!(
        h.get_by_label("Caption").is_focused(),
        "the caption kept the focus"
    );
    h.get_by_label("Caption").type_text("конец");
    h.run_steps(1);
    h.get_by_label("Search").click(); // focus leaves: the caption is saved
    wait(&mut h, "the caption to be saved", |_| {
        lib.list(&[]).iter().any(|i| i["caption"].is_string())
    });
    settle(&mut h, 300);
    drop(h);
    let items = lib.list(&[]);
    let evening = items
        .iter()
        .find(|i| i["original_name"] == "evening.jpg")
        .unwrap();
    assert_eq!(evening["caption"], "Начало, конец");
}

#[test]
fn an_import_goes_on_while_the_window_is_hidden() {
    let lib = Lib::new();
    photos(&lib);
    let mut h = harness(&lib);
    wait(&mut h, "the empty library", |h| app(h).is_loaded());
    h.input_mut()
        .dropped_files
        .push(std::sync::Arc::new(Dropped(lib.src())));
    h.step(); // the drop starts the import
    assert!(app(&h).is_busy());

    // Hidden: eframe runs no frame, only `App::logic` whenever a worker asks for a repaint.
    let ctx = h.ctx.clone();
    let mut frame = eframe::Frame::_new_kittest();
    let start = Instant::now();
    loop {
        let kadr = h.state_mut().as_mut().unwrap();
        eframe::App::logic(kadr, &ctx, &mut frame);
        if kadr.item_count() == 3 && !kadr.is_busy() {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the import stalled while no frame ran"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn enter_opens_the_full_view_fitted_not_at_the_last_zoom() {
    let lib = Lib::new();
    photos(&lib);
    lib.import(&[&lib.src()]);
    let mut h = harness(&lib);
    wait(&mut h, "the catalogue", |h| app(h).item_count() == 3);
    h.get_by_label("evening.jpg").click();
    wait(&mut h, "the selection", |h| app(h).detail().is_some());
    h.key_press(egui::Key::Enter);
    h.run_steps(2);
    let (id, zoom, pan) = app(&h)
        .full_view_state()
        .expect("Enter opens the full view");
    assert_eq!((zoom, pan), (1.0, egui::Vec2::ZERO));

    // Zoom in with the wheel over the picture, then close.
    let centre = egui::pos2(700.0, 450.0);
    h.event(egui::Event::PointerMoved(centre));
    for _ in 0..5 {
        h.event(egui::Event::MouseWheel {
            unit: egui::MouseWheelUnit::Point,
            delta: egui::vec2(0.0, 120.0),
            phase: egui::TouchPhase::Move,
            source: egui::MouseWheelSource::Unknown,
            modifiers: egui::Modifiers::NONE,
        });
        h.run_steps(3);
    }
    let (_, zoomed, _) = app(&h).full_view_state().unwrap();
    assert!(zoomed > 1.0, "the wheel did not zoom ({zoomed})");
    h.key_press(egui::Key::Escape);
    h.run_steps(2);
    assert!(app(&h).full_view_state().is_none());

    // Enter again: the same item, fitted.
    h.key_press(egui::Key::Enter);
    h.run_steps(2);
    assert_eq!(
        app(&h).full_view_state(),
        Some((id, 1.0, egui::Vec2::ZERO)),
        "Enter kept the previous zoom and pan"
    );
}

/// The home time zone is a setting of the library: set in Settings, kept in the catalogue
/// (with a history entry), and read back by the command line.
#[test]
fn the_home_time_zone_is_set_from_settings() {
    let lib = Lib::new();
    photos(&lib);
    let mut h = harness(&lib);
    wait(&mut h, "the catalogue", |h| app(h).is_loaded());
    h.get_by_label("Settings").click();
    h.run_steps(2);
    type_into(&mut h, "Home time zone", "Asia/Almaty");
    h.key_press(egui::Key::Enter);
    let zone = || lib.run(&["settings", "--json"]).json()["home_zone"].clone();
    let start = Instant::now();
    while zone() != "Asia/Almaty" {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the zone never reached the catalogue"
        );
        settle(&mut h, 200);
    }
    let h2 = lib.run(&["history", "--json"]).json();
    assert!(
        h2.as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "settings")
    );
    assert_eq!(lib.run(&["audit", "verify"]).code, 0);
}
