//! Verification aids through the real binary: the `date-mismatch` flag and its clock
//! tolerance setting, near-duplicates (`kadr similar`, `kadr rehash-similar`).

use crate::fixtures::{self, Exif, Jpeg};
use crate::util::{Lib, imported};
use image::RgbImage;
use serde_json::Value;

fn flags(item: &Value) -> Vec<String> {
    item["flags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap().to_string())
        .collect()
}

fn tag_date(lib: &Lib, sha: &str, date: &str) {
    let run = lib.run(&["tag", sha, "--date", date]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

fn sha(report: &Value, name: &str) -> String {
    imported(report, name)["sha256"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn date_mismatch_is_flagged_within_the_libraries_clock_tolerance() {
    let lib = Lib::new();
    let photo = |name: &str, when: &'static str, offset: Option<&'static str>, seed| {
        let exif = Exif {
            datetime_original: Some(when),
            offset_original: offset,
            ..Default::default()
        };
        lib.write(
            name,
            &fixtures::jpeg(64, 48, seed, Jpeg::Baseline, Some(&exif)),
        );
    };
    // Claimed 5 January 2022; the camera says 2019.
    photo("old.jpg", "2019:06:01 10:00:00", Some("+06:00"), 1);
    // Three hours after the 5th ends, offset known.
    photo("late.jpg", "2022:01:06 03:00:00", Some("+06:00"), 2);
    // Ten hours after the 5th ends, offset unknown: within 2 + 14 hours.
    photo("nooffset.jpg", "2022:01:06 10:00:00", None, 3);
    // On the day.
    photo("ok.jpg", "2022:01:05 12:00:00", Some("+06:00"), 4);
    let (run, report) = lib.import(&[&lib.src()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for name in ["old.jpg", "late.jpg", "nooffset.jpg", "ok.jpg"] {
        let sha = sha(&report, name);
        // Undated items are never flagged.
        assert!(flags(&lib.show(&sha)).is_empty(), "{name}");
        tag_date(&lib, &sha, "2022-01-05");
    }
    let flagged = |lib: &Lib| -> Vec<String> {
        let mut v: Vec<String> = lib
            .list(&[])
            .iter()
            .filter(|i| flags(i).contains(&"date-mismatch".to_string()))
            .map(|i| i["original_name"].as_str().unwrap().to_string())
            .collect();
        v.sort();
        v
    };
    assert_eq!(flagged(&lib), ["late.jpg", "old.jpg"]);
    assert_eq!(
        flags(&lib.show(&sha(&report, "old.jpg"))),
        ["date-mismatch"]
    );

    // The default setting, then a wider one: late.jpg is within 4 hours.
    let run = lib.run(&["settings", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.json()["clock_tolerance_h"], 2.0);
    let run = lib.run(&["settings", "--clock-tolerance", "4", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let j = run.json();
    assert_eq!(j["clock_tolerance_h"], 4.0);
    assert!(j.get("home_zone").is_some() && j.get("heif_previews").is_some());
    assert_eq!(flagged(&lib), ["old.jpg"]);
    // The change is in the history.
    let run = lib.run(&["history", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("clock_tolerance_h"),
        "no history entry: {}",
        run.stdout
    );
    // A tighter one: three hours is the edge for late.jpg (exactly at the tolerance: no flag).
    assert_eq!(lib.run(&["settings", "--clock-tolerance", "3"]).code, 0);
    assert_eq!(flagged(&lib), ["old.jpg"]);
    assert_eq!(lib.run(&["settings", "--clock-tolerance", "2.5"]).code, 0);
    assert_eq!(flagged(&lib), ["late.jpg", "old.jpg"]);
    // Bad values: not a number is a usage error; out of range is refused.
    assert_eq!(lib.run(&["settings", "--clock-tolerance", "soon"]).code, 2);
    let run = lib.run(&["settings", "--clock-tolerance", "100000"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(run.stderr.contains("clock tolerance"), "{}", run.stderr);
    let run = lib.run(&["settings", "--json"]);
    assert_eq!(run.json()["clock_tolerance_h"], 2.5);
}

/// A photo-like scene: a lit gradient, a horizon, shapes of random colours and grain;
/// different seeds make different pictures.
fn scene(w: u32, h: u32, seed: u64) -> RgbImage {
    let mut s = seed
        .wrapping_mul(6_364_136_223_846_793_005)
        .wrapping_add(1_442_695_040_888_963_407);
    let mut rnd = move || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        (s >> 11) as f64 / (1u64 << 53) as f64
    };
    let (gx, gy) = (rnd() * 2.0 - 1.0, rnd() * 2.0 - 1.0);
    let horizon = 0.3 + rnd() * 0.4;
    let shapes: Vec<(f64, f64, f64, f64, [f64; 3])> = (0..7)
        .map(|_| {
            (
                rnd(),
                rnd(),
                0.05 + rnd() * 0.2,
                0.05 + rnd() * 0.2,
                [rnd() * 255.0, rnd() * 255.0, rnd() * 255.0],
            )
        })
        .collect();
    let base = [rnd() * 200.0, rnd() * 200.0, rnd() * 200.0];
    RgbImage::from_fn(w, h, |x, y| {
        let (u, v) = (x as f64 / w as f64, y as f64 / h as f64);
        let light = 60.0 * (gx * u + gy * v);
        let mut c = base.map(|b| b + light + if v > horizon { -50.0 } else { 30.0 });
        for &(cx, cy, rx, ry, col) in &shapes {
            if ((u - cx) / rx).powi(2) + ((v - cy) / ry).powi(2) < 1.0 {
                c = col;
            }
        }
        let grain = ((x.wrapping_mul(7919) ^ y.wrapping_mul(104_729)) % 17) as f64 - 8.0;
        image::Rgb(c.map(|v| (v + grain).clamp(0.0, 255.0) as u8))
    })
}

fn encode(img: &RgbImage, quality: u8, exif: Option<&Exif>) -> Vec<u8> {
    let mut out = Vec::new();
    let mut enc = jpeg_encoder::Encoder::new(&mut out, quality);
    if let Some(e) = exif {
        enc.add_app_segment(1, e.app1()).unwrap();
    }
    enc.encode(
        img.as_raw(),
        img.width() as u16,
        img.height() as u16,
        jpeg_encoder::ColorType::Rgb,
    )
    .unwrap();
    out
}

fn similar(lib: &Lib, item: &str) -> Vec<(String, u64)> {
    let run = lib.run(&["similar", "--json", item]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.json()
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            assert!(i["sha256"].is_string() && i["flags"].is_array(), "{i}");
            (
                i["original_name"].as_str().unwrap().to_string(),
                i["distance"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// The app draws the items first and pairs the near-duplicates after (`Event::Paired`): the
/// sidebar's "Has near-duplicates" then counts the camera's photo and its messenger copy, not
/// the unrelated one, and filters the grid to them.
#[test]
fn the_app_pairs_near_duplicates_after_drawing_the_items() {
    use crate::app::{harness, wait};
    use egui_kittest::kittest::Queryable;
    let lib = Lib::new();
    let upright = scene(1600, 1200, 7);
    lib.write("camera.jpg", &encode(&upright, 92, None));
    let small = image::imageops::resize(&upright, 1280, 960, image::imageops::FilterType::Triangle);
    lib.write("telegram.jpg", &encode(&small, 60, None));
    lib.write("other.jpg", &encode(&scene(1600, 1200, 8), 90, None));
    let (run, _) = lib.import(&[&lib.src()]);
    assert_eq!(run.code, 0, "{}", run.stderr);

    let mut h = harness(&lib);
    let app = |h: &egui_kittest::Harness<'static, crate::app::App>| {
        h.state()
            .as_ref()
            .map(|a| (a.is_loaded(), a.is_paired(), a.item_count()))
    };
    wait(&mut h, "the items and their pairs", |h| {
        app(h) == Some((true, true, 3))
    });
    h.get_by_label_contains("3 / 3");
    h.get_by_label("Has near-duplicates  (2)").click();
    h.run_steps(3);
    h.get_by_label_contains("2 / 3");
}

#[test]
fn similar_finds_the_messenger_copy_and_not_an_unrelated_photo() {
    let lib = Lib::new();
    let upright = scene(1600, 1200, 7);
    // The camera's original lies on its side, upright by its EXIF orientation (6: rotate 90°
    // clockwise to display).
    let sideways = image::imageops::rotate270(&upright);
    let exif = Exif {
        orientation: Some(6),
        ..Default::default()
    };
    lib.write("camera.jpg", &encode(&sideways, 92, Some(&exif)));
    // What a messenger sends on: the rotation baked in, 3 % cropped off each side, resized to
    // 1280 px, recompressed at quality 60, no metadata.
    let (cw, ch) = (upright.width() * 3 / 100, upright.height() * 3 / 100);
    let cropped = image::imageops::crop_imm(
        &upright,
        cw,
        ch,
        upright.width() - 2 * cw,
        upright.height() - 2 * ch,
    )
    .to_image();
    let small = image::imageops::resize(
        &cropped,
        1280,
        1280 * cropped.height() / cropped.width(),
        image::imageops::FilterType::Triangle,
    );
    lib.write("telegram.jpg", &encode(&small, 60, None));
    lib.write("other.jpg", &encode(&scene(1600, 1200, 8), 90, None));
    let (run, report) = lib.import(&[&lib.src()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let camera = sha(&report, "camera.jpg");
    let found = similar(&lib, &camera);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "telegram.jpg");
    assert!(found[0].1 <= 10, "{found:?}");
    // Both ways; the unrelated photo has none.
    assert_eq!(
        similar(&lib, &sha(&report, "telegram.jpg"))[0].0,
        "camera.jpg"
    );
    assert!(similar(&lib, &sha(&report, "other.jpg")).is_empty());
    // Human output: distance, then the item's line.
    let run = lib.run(&["similar", &camera]);
    assert_eq!(run.code, 0);
    assert!(run.stdout.contains("telegram.jpg"), "{}", run.stdout);
    // Exit codes: no such item.
    assert_eq!(lib.run(&["similar", "999999"]).code, 1);
    assert_eq!(lib.run(&["similar"]).code, 2);

    // Items imported before hashes were kept have none: `similar` says so, and
    // `rehash-similar` computes them from the stored thumbnails (with a history entry).
    let conn = rusqlite::Connection::open(lib.root().join("catalog.sqlite")).unwrap();
    conn.execute("UPDATE items SET phash = NULL", []).unwrap();
    drop(conn);
    let run = lib.run(&["similar", &camera]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("rehash-similar"), "{}", run.stderr);
    let run = lib.run(&["rehash-similar", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.json()["hashed"], 3);
    let found = similar(&lib, &camera);
    assert_eq!(
        found.iter().map(|f| f.0.as_str()).collect::<Vec<_>>(),
        ["telegram.jpg"]
    );
    let run = lib.run(&["rehash-similar", "--json"]);
    assert_eq!(run.json()["hashed"], 0);
    assert_eq!(lib.run(&["audit", "verify"]).code, 0);
}
