//! Where things happened: `place locate`, `list --near` / `--bbox`, the `place-mismatch` flag,
//! and no HTTP or TLS client linked at all.

use crate::fixtures::{self, Exif, Jpeg};
use crate::util::{Lib, imported};
use serde_json::Value;

/// Four photos: two with camera GPS (Republic Square in Almaty; Buenos Aires), one tagged with
/// a place only, one with neither.
pub(crate) fn located(lib: &Lib) -> [String; 4] {
    let gps = |lat, lon| Exif {
        gps: Some((lat, lon, 800.0)),
        ..Default::default()
    };
    lib.write(
        "square.jpg",
        &fixtures::jpeg(32, 32, 1, Jpeg::Baseline, Some(&gps(43.2385, 76.9455))),
    );
    lib.write(
        "baires.jpg",
        &fixtures::jpeg(32, 32, 2, Jpeg::Baseline, Some(&gps(-34.6037, -58.3816))),
    );
    lib.write("park.jpg", &fixtures::jpeg(32, 32, 3, Jpeg::Baseline, None));
    lib.write(
        "nowhere.jpg",
        &fixtures::jpeg(32, 32, 4, Jpeg::Baseline, None),
    );
    let (run, report) = lib.import(&[&lib.src()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let sha = |name| {
        imported(&report, name)["sha256"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let shas = [
        sha("square.jpg"),
        sha("baires.jpg"),
        sha("park.jpg"),
        sha("nowhere.jpg"),
    ];
    for (item, place) in [
        (&shas[0], "Алматы > Площадь Республики"),
        (&shas[2], "Алматы > Парк Первого Президента"),
    ] {
        let r = lib.run(&["tag", item, "--place", place]);
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    shas
}

fn names(items: &[Value]) -> Vec<&str> {
    let mut v: Vec<&str> = items
        .iter()
        .map(|i| i["original_name"].as_str().unwrap())
        .collect();
    v.sort();
    v
}

fn locate(lib: &Lib, args: &[&str]) -> Value {
    let mut all = vec!["place", "locate"];
    all.extend(args);
    all.push("--json");
    let r = lib.run(&all);
    assert_eq!(r.code, 0, "place locate {args:?}: {}", r.stderr);
    r.json()
}

#[test]
fn place_locate_sets_coordinates_and_radius_and_logs_it() {
    let lib = Lib::new();
    located(&lib);
    let before = lib
        .run(&["history", "--json"])
        .json()
        .as_array()
        .unwrap()
        .len();
    let p = locate(
        &lib,
        &["Площадь Республики", "43.2385,76.9455", "--radius", "300"],
    );
    assert_eq!(p["lat"], 43.2385);
    assert_eq!(p["lon"], 76.9455);
    assert_eq!(p["radius_m"], 300.0);
    // No radius given: 2 km. Found by alias-insensitive name, in another case.
    let park = locate(&lib, &["парк первого президента", "43.1886,76.8879"]);
    assert_eq!(park["radius_m"], 2000.0);
    // Negative coordinates are values, not options.
    let far = lib.run(&["place", "locate", "Алматы", "-34.6,-58.38"]);
    assert_eq!(far.code, 0, "{}", far.stderr);

    let history = lib.run(&["history", "--json"]).json();
    let entries = history.as_array().unwrap();
    let new: Vec<&Value> = entries[before..].iter().collect();
    assert_eq!(new.len(), 3, "{new:#?}");
    assert!(new.iter().all(|e| e["action"] == "coordinates"));
    assert_eq!(new[0]["details"]["to"]["radius_m"], 300.0);
    assert_eq!(new[0]["details"]["name"], "Площадь Республики");
    assert!(new[1]["details"]["to"]["radius_m"].is_null());
    // The same position again changes nothing and logs nothing.
    locate(
        &lib,
        &["Площадь Республики", "43.2385,76.9455", "--radius", "300"],
    );
    let after = lib
        .run(&["history", "--json"])
        .json()
        .as_array()
        .unwrap()
        .len();
    assert_eq!(after, before + 3);
    assert_eq!(lib.run(&["audit", "verify"]).code, 0);

    let places = lib.run(&["place", "list", "--json"]).json();
    let square = places
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "Площадь Республики")
        .unwrap();
    assert_eq!(square["radius_m"], 300.0);

    // Bad input is refused with a usage error and changes nothing.
    for bad in [
        vec!["place", "locate", "Алматы", "95,10"],
        vec!["place", "locate", "Алматы", "43.2"],
        vec!["place", "locate", "Алматы", "43.2,76.9", "--radius", "-5"],
    ] {
        let r = lib.run(&bad);
        assert_ne!(r.code, 0, "{bad:?} was accepted");
    }
    let r = lib.run(&["place", "locate", "Нигде", "43.2,76.9"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("no place is called"), "{}", r.stderr);
    assert_eq!(
        lib.run(&["history", "--json"])
            .json()
            .as_array()
            .unwrap()
            .len(),
        after
    );
}

#[test]
fn near_and_bbox_match_by_camera_else_by_place_with_every_other_filter() {
    let lib = Lib::new();
    let shas = located(&lib);
    locate(
        &lib,
        &["Площадь Республики", "43.2385,76.9455", "--radius", "300"],
    );
    locate(
        &lib,
        &[
            "Парк Первого Президента",
            "43.1886,76.8879",
            "--radius",
            "700",
        ],
    );

    // 10 km around the square: the square's photo by its GPS, the park's by its place.
    assert_eq!(
        names(&lib.list(&["--near", "43.2385,76.9455,10000"])),
        ["park.jpg", "square.jpg"]
    );
    // 1 km: the square only.
    assert_eq!(
        names(&lib.list(&["--near", "43.2385,76.9455,1000"])),
        ["square.jpg"]
    );
    // Negative values after the option, as the next argument or with `=`.
    assert_eq!(
        names(&lib.list(&["--bbox", "-60,-40,-55,-30"])),
        ["baires.jpg"]
    );
    assert_eq!(
        names(&lib.list(&["--bbox=-60,-40,-55,-30"])),
        ["baires.jpg"]
    );
    assert_eq!(
        names(&lib.list(&["--near", "-34.6,-58.4,5000"])),
        ["baires.jpg"]
    );
    // A box around Almaty, with another filter.
    let almaty = ["--bbox", "76.8,43.1,77.0,43.3"];
    assert_eq!(names(&lib.list(&almaty)), ["park.jpg", "square.jpg"]);
    let mut with_place = almaty.to_vec();
    with_place.extend(["--place", "Парк Первого Президента"]);
    assert_eq!(names(&lib.list(&with_place)), ["park.jpg"]);
    let mut with_status = almaty.to_vec();
    with_status.extend(["--status", "verified"]);
    assert!(lib.list(&with_status).is_empty());
    // Both areas at once must both hold.
    assert!(
        lib.list(&[
            "--bbox",
            "76.8,43.1,77.0,43.3",
            "--near",
            "-34.6,-58.4,5000"
        ])
        .is_empty()
    );
    // The item with no position is never in an area; without one, everything is listed.
    assert_eq!(lib.list(&[]).len(), 4);
    assert!(
        !lib.list(&["--bbox", "-180,-90,180,90"])
            .iter()
            .any(|i| i["sha256"] == shas[3].as_str())
    );
    // Malformed areas are usage errors.
    for bad in [
        ["--near", "43.2,76.9"],
        ["--near", "43.2,76.9,0"],
        ["--bbox", "1,2,3"],
        ["--bbox", "0,10,1,5"],
    ] {
        let r = lib.run(&["list", bad[0], bad[1]]);
        assert_eq!(r.code, 2, "{bad:?}: {}", r.stderr);
    }
    // Search and export take the same filters.
    let r = lib.run(&["search", "--json", "Парк", "--near", "43.1886,76.8879,100"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(names(r.json().as_array().unwrap()), ["park.jpg"]);
}

#[test]
fn a_camera_position_outside_its_place_is_flagged_place_mismatch() {
    let lib = Lib::new();
    let shas = located(&lib);
    let flags = |sha: &str| lib.show(sha)["flags"].clone();
    // No coordinates on the place: nothing to compare.
    assert_eq!(flags(&shas[0]), serde_json::json!([]));
    locate(
        &lib,
        &["Площадь Республики", "43.2385,76.9455", "--radius", "300"],
    );
    assert_eq!(flags(&shas[0]), serde_json::json!([]));
    // The photo from Buenos Aires tagged as taken on the square.
    let r = lib.run(&["tag", &shas[1], "--place", "Площадь Республики"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(flags(&shas[1]), serde_json::json!(["place-mismatch"]));
    // The square moved 1 km away (a typo): beyond 300 m, flagged; with a 2 km radius, not.
    locate(
        &lib,
        &["Площадь Республики", "43.2475,76.9455", "--radius", "300"],
    );
    assert_eq!(flags(&shas[0]), serde_json::json!(["place-mismatch"]));
    locate(&lib, &["Площадь Республики", "43.2475,76.9455"]);
    assert_eq!(flags(&shas[0]), serde_json::json!([]));
    // The flag is in `list --json` too, and a photo with no GPS never has it.
    let listed = lib.list(&[]);
    let by_sha = |sha: &str| listed.iter().find(|i| i["sha256"] == sha).unwrap().clone();
    assert_eq!(
        by_sha(&shas[1])["flags"],
        serde_json::json!(["place-mismatch"])
    );
    assert_eq!(by_sha(&shas[2])["flags"], serde_json::json!([]));
}

#[test]
fn no_http_or_tls_client_is_linked() {
    let lock = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.lock")).unwrap();
    let forbidden = [
        "reqwest",
        "hyper",
        "hyper-util",
        "h2",
        "ureq",
        "isahc",
        "surf",
        "attohttpc",
        "curl",
        "curl-sys",
        "rustls",
        "native-tls",
        "openssl",
        "openssl-sys",
        "tokio-rustls",
        "tokio-native-tls",
        "webpki-roots",
        "rustls-native-certs",
        "http-body",
        "ehttp",
        "tungstenite",
        "quinn",
        "boring-sys",
    ];
    let linked: Vec<&str> = lock
        .lines()
        .filter_map(|l| l.strip_prefix("name = \""))
        .filter_map(|l| l.strip_suffix('"'))
        .filter(|name| forbidden.contains(name))
        .collect();
    assert!(
        linked.is_empty(),
        "Kadr must never reach the network, but Cargo.lock links {linked:?}; find the crate that \
         pulls it in (`cargo tree -i {}`) and drop it",
        linked.first().unwrap_or(&"")
    );
}

use crate::app::{App, app, harness};

/// Steps until `done` holds (the catalogue and the basemap load on other threads).
fn wait(
    h: &mut egui_kittest::Harness<'static, App>,
    what: &str,
    done: impl Fn(&egui_kittest::Harness<'static, App>) -> bool,
) {
    let start = std::time::Instant::now();
    while !done(h) {
        h.step();
        std::thread::sleep(std::time::Duration::from_millis(10));
        assert!(
            start.elapsed().as_secs() < 60,
            "timed out waiting for {what}"
        );
    }
    h.run_steps(2);
}

/// Four photos: Almaty's square and park by camera GPS, Buenos Aires by camera GPS, and an
/// item with no GPS (tagged by `extra` with a place, say). Each is captioned and tagged with
/// what `extra` gives for its file name. Returns their ids in that order.
pub(crate) fn the_march(lib: &Lib, extra: &dyn Fn(&str) -> Vec<&'static str>) -> [i64; 4] {
    let shots = [
        (
            "square.jpg",
            "2022:01:04 19:32:10",
            Some((43.2385, 76.9455)),
            "Square",
        ),
        (
            "park.jpg",
            "2022:01:05 08:05:00",
            Some((43.1886, 76.8879)),
            "Park",
        ),
        (
            "baires.jpg",
            "2022:05:15 12:00:00",
            Some((-34.6037, -58.3816)),
            "Buenos Aires",
        ),
        ("old.jpg", "2022:01:06 12:00:00", None, "Old square"),
    ];
    for (k, (name, t, gps, _)) in shots.iter().enumerate() {
        let exif = Exif {
            datetime_original: Some(t),
            offset_original: Some("+06:00"),
            gps: gps.map(|(lat, lon)| (lat, lon, 800.0)),
            ..Default::default()
        };
        lib.write(
            name,
            &fixtures::jpeg(64, 48, k as u32, Jpeg::Baseline, Some(&exif)),
        );
    }
    let (run, report) = lib.import(&[&lib.src()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mut ids = [0; 4];
    for (k, (name, _, _, caption)) in shots.iter().enumerate() {
        let sha = imported(&report, name)["sha256"]
            .as_str()
            .unwrap()
            .to_string();
        let mut args = vec!["tag", sha.as_str(), "--caption", caption];
        args.extend(extra(name));
        let r = lib.run(&args);
        assert_eq!(r.code, 0, "{}", r.stderr);
        ids[k] = lib.show(&sha)["id"].as_i64().unwrap();
    }
    ids
}

#[test]
fn the_map_shows_points_and_places_selects_by_click_and_box_and_follows_the_range() {
    use egui_kittest::kittest::Queryable;
    let lib = Lib::new();
    let ids = the_march(&lib, &|name| match name {
        "old.jpg" => vec!["--place", "Алматы > Площадь Астана"],
        _ => vec![],
    });
    locate(
        &lib,
        &["Площадь Астана", "43.2555,76.9465", "--radius", "250"],
    );

    let mut h = harness(&lib);
    wait(&mut h, "the catalogue", |h| app(h).item_count() == 4);
    h.key_press(egui::Key::M);
    h.run_steps(3);
    assert_eq!(app(&h).prefs().view, kadr::app::View::Map);
    h.get_by_label_contains("Map area");

    // The whole world is in view: Almaty's two camera points merge into one cluster; the
    // place-only item is a marker of its own kind beside it; Buenos Aires stands alone.
    h.get_by_label("2 items");
    h.get_by_label("Old square");
    h.get_by_label("Buenos Aires").click();
    h.run_steps(2);
    assert_eq!(app(&h).selected_ids(), [ids[2]]);
    // A cluster selects what it holds.
    h.get_by_label("2 items").click();
    h.run_steps(2);
    let mut both = vec![ids[0], ids[1]];
    both.sort();
    assert_eq!(app(&h).selected_ids(), both);

    // A box dragged (right button) around Buenos Aires selects it alone.
    let r = h.get_by_label("Buenos Aires").rect();
    let (from, to) = (
        r.min - egui::vec2(25.0, 25.0),
        r.max + egui::vec2(25.0, 25.0),
    );
    let button = |pos, pressed| egui::Event::PointerButton {
        pos,
        button: egui::PointerButton::Secondary,
        pressed,
        modifiers: egui::Modifiers::NONE,
    };
    h.event(egui::Event::PointerMoved(from));
    h.run_steps(1);
    h.event(button(from, true));
    h.run_steps(1);
    for t in [0.3, 0.7, 1.0] {
        h.event(egui::Event::PointerMoved(from + (to - from) * t));
        h.run_steps(1);
    }
    h.event(button(to, false));
    h.run_steps(2);
    assert_eq!(app(&h).selected_ids(), [ids[2]]);

    // The timeline's range applies: 4-5 January leaves the two Almaty photos, and the view
    // fits them, close enough for the cluster to split into its points.
    let day = |d: &str| chrono::NaiveDateTime::parse_from_str(d, "%Y-%m-%d %H:%M").unwrap();
    h.state_mut()
        .as_mut()
        .unwrap()
        .set_range(Some((day("2022-01-04 00:00"), day("2022-01-05 23:59"))));
    h.run_steps(3);
    assert!(h.query_by_label("Buenos Aires").is_none());
    assert!(h.query_by_label("Old square").is_none());
    h.get_by_label("Park").click();
    h.run_steps(2);
    assert_eq!(app(&h).selected_ids(), [ids[1]]);
    h.get_by_label("Square");
}
