//! Real material: damaged photos, folders as people keep them, and files other tools made.
//!
//! The sweep over `../shared/realworld/` (Pillow's own test images) runs where that folder
//! exists, and compares what Kadr reads with exiftool where exiftool is installed; each says on
//! stderr when it was skipped.

use crate::fixtures::{self, Exif, Jpeg};
use crate::util::{Lib, imported};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn camera_exif() -> Exif {
    Exif {
        datetime_original: Some("2022:01:04 19:32:10"),
        offset_original: Some("+06:00"),
        gps: Some((43.238, 76.945, 850.0)),
        make: Some("Apple"),
        model: Some("iPhone 13 Pro"),
        orientation: Some(6),
        ..Default::default()
    }
}

#[test]
fn a_photo_cut_short_is_catalogued_as_incomplete_with_its_metadata() {
    let lib = Lib::new();
    let whole = fixtures::jpeg(640, 480, 5, Jpeg::Baseline, Some(&camera_exif()));
    let cut = &whole[..whole.len() * 2 / 3];
    lib.write("DCIM/IMG_0001.JPG", cut);
    let (run, report) = lib.import(&[&lib.src()]);
    assert_eq!(run.code, 0, "catalogued with a warning: {}", run.stderr);
    let item = imported(&report, "IMG_0001.JPG");
    assert_eq!(item["has_preview"], true, "the part that decodes is shown");
    let w = &report["warnings"][0];
    assert_eq!(
        w["warning"],
        "incomplete: the file ends before the picture does"
    );
    let shown = lib.show(item["sha256"].as_str().unwrap());
    assert_eq!(shown["incomplete"], true);
    assert_eq!(shown["capture_time"], "2022-01-04T19:32:10+06:00");
    assert_eq!(shown["capture_source"], "exif");
    assert_eq!(
        (shown["width"].as_u64(), shown["height"].as_u64()),
        (Some(480), Some(640))
    );
    assert_eq!(shown["media"], "photo");
    // The bytes are what survived: kept as they are.
    assert_eq!(lib.run(&["verify"]).code, 0);
    // A whole copy of the same photo is a different item, and complete.
    lib.write("backup/IMG_0001.JPG", &whole);
    let (run, report) = lib.import(&[&lib.src().join("backup")]);
    assert_eq!(run.code, 0);
    let whole_item = lib.show(
        imported(&report, "IMG_0001.JPG")["sha256"]
            .as_str()
            .unwrap(),
    );
    assert_eq!(whole_item["incomplete"], false);
}

#[test]
fn a_photo_cut_inside_its_header_keeps_its_metadata_without_a_preview() {
    let lib = Lib::new();
    let whole = fixtures::jpeg(320, 240, 5, Jpeg::Baseline, Some(&camera_exif()));
    // Cut right after the EXIF segment: no frame header, nothing to decode.
    let exif_at = whole.windows(6).position(|w| w == b"Exif\0\0").unwrap();
    let app1_len = u16::from_be_bytes([whole[exif_at - 2], whole[exif_at - 1]]) as usize;
    lib.write("cut.jpg", &whole[..exif_at - 2 + app1_len + 10]);
    let (run, report) = lib.import(&[&lib.src()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let item = imported(&report, "cut.jpg");
    assert_eq!(item["has_preview"], false);
    let shown = lib.show(item["sha256"].as_str().unwrap());
    assert_eq!(shown["incomplete"], true);
    assert_eq!(shown["capture_time"], "2022-01-04T19:32:10+06:00");
    assert_eq!(
        shown["gps"]["lat"].as_f64().map(|v| (v * 1000.0).round()),
        Some(43238.0)
    );
}

#[test]
fn documents_next_to_photos_are_skipped_not_failed() {
    let lib = Lib::new();
    lib.write(
        "event/IMG_1.jpg",
        &fixtures::jpeg(64, 48, 1, Jpeg::Baseline, None),
    );
    lib.write("event/notes.txt", "Заметки".as_bytes());
    lib.write("event/meta.json", b"{}");
    lib.write("event/IMG_1.xmp", b"<x:xmpmeta/>");
    lib.write("event/Thumbs.db", &fixtures::random_bytes(512, 3));
    // A photo misnamed as text is still a photo.
    lib.write(
        "event/misnamed.txt",
        &fixtures::jpeg(64, 48, 2, Jpeg::Baseline, None),
    );
    // A file that claims to be a photo and is not one still fails.
    lib.write("event/fake.jpg", b"not a picture at all");
    let (run, report) = lib.import(&[&lib.src()]);
    assert_eq!(run.code, 1, "fake.jpg failed: {}", run.stderr);
    let skipped: Vec<&str> = report["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            Path::new(s["path"].as_str().unwrap())
                .file_name()
                .unwrap()
                .to_str()
                .unwrap()
        })
        .collect();
    assert_eq!(
        skipped,
        ["IMG_1.xmp", "Thumbs.db", "meta.json", "notes.txt"],
        "{report:#}"
    );
    assert!(
        report["skipped"][0]["reason"]
            .as_str()
            .unwrap()
            .starts_with("not media")
    );
    imported(&report, "misnamed.txt");
    assert_eq!(report["failed"].as_array().unwrap().len(), 1, "{report:#}");
    assert!(
        run.stderr
            .contains("kadr: skipped, not media: a text file: "),
        "{}",
        run.stderr
    );

    let lib = Lib::new();
    lib.write(
        "a/IMG_1.jpg",
        &fixtures::jpeg(64, 48, 1, Jpeg::Baseline, None),
    );
    lib.write("a/notes.txt", b"only notes");
    let (run, _) = lib.import(&[&lib.src()]);
    assert_eq!(run.code, 0, "skipped files do not make the exit status 1");
}

/// Pillow's test images: every file is imported, skipped or refused with a one-line reason;
/// no decoder crash; every decodable photo gets a preview; and where exiftool is installed,
/// capture time, GPS, orientation and make agree with it.
#[test]
fn pillow_test_images() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/realworld/pillow-tests");
    if !dir.is_dir() {
        eprintln!("skipped: {} is not here", dir.display());
        return;
    }
    let lib = Lib::new();
    let (run, report) = lib.import(&[&dir]);
    assert!(run.code == 0 || run.code == 1, "{}", run.stderr);
    let failed = report["failed"].as_array().unwrap();
    for f in failed {
        let e = f["error"].as_str().unwrap();
        assert!(!e.contains("crashed"), "a decoder crashed: {f}");
        assert!(!e.contains('\n'), "one line: {e}");
    }
    let files = walkdir::WalkDir::new(&dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file() && !e.file_name().to_string_lossy().starts_with('.'))
        .count();
    let accounted = report["imported"].as_array().unwrap().len()
        + report["duplicates"].as_array().unwrap().len()
        + report["skipped"].as_array().unwrap().len()
        + failed.len();
    assert_eq!(accounted, files, "every file is accounted for");
    eprintln!(
        "pillow-tests: {} files: {} imported, {} duplicates, {} skipped, {} failed",
        files,
        report["imported"].as_array().unwrap().len(),
        report["duplicates"].as_array().unwrap().len(),
        report["skipped"].as_array().unwrap().len(),
        failed.len()
    );
    for f in failed {
        eprintln!("  failed: {}: {}", f["error"], f["path"]);
    }
    let items = lib.list(&[]);
    let mut by_path: BTreeMap<PathBuf, &Value> = BTreeMap::new();
    for it in &items {
        for p in it["paths"].as_array().unwrap() {
            by_path.insert(PathBuf::from(p.as_str().unwrap()), it);
        }
    }
    let no_preview: Vec<String> = items
        .iter()
        .filter(|i| i["has_preview"] == false)
        .map(|i| i["original_name"].as_str().unwrap().to_string())
        .collect();
    eprintln!("  without a preview: {no_preview:?}");

    let Some(truth) = exiftool_json(&dir) else {
        eprintln!("skipped the comparison with exiftool: it is not installed");
        return;
    };
    let (agree, total, misses) = compare(&truth, &by_path);
    eprintln!(
        "agreement with exiftool over pillow-tests: {agree}/{total} fields ({:.2} %)",
        100.0 * agree as f64 / total.max(1) as f64
    );
    // Where Kadr reads differently on purpose. Every other difference fails the test.
    const KNOWN: &[(&str, &str)] = &[
        // IFD0 is cut short: exiftool drops the whole directory; Kadr keeps the entries that
        // are whole (here Orientation 1), as a truncated count should cost only what it cuts.
        (
            "hopper_bad_exif.jpg: orientation",
            "a cut IFD keeps its whole entries",
        ),
        // The Make holds the byte 0xFF, not text: exiftool prints "?", Kadr U+FFFD.
        ("pport_g4.tif: make", "not text; replaced differently"),
        // BigTIFF (64-bit offsets): Kadr's EXIF reader reads classic TIFF only.
        (
            "hopper_bigtiff.tif: orientation",
            "BigTIFF IFDs are not read",
        ),
    ];
    for m in &misses {
        eprintln!("  {m}");
        assert!(
            KNOWN.iter().any(|(k, _)| m.starts_with(k)),
            "a difference from exiftool that is not known and explained: {m}"
        );
    }
}

fn exiftool_json(dir: &Path) -> Option<Vec<Value>> {
    let out = Command::new("exiftool")
        .args([
            "-n",
            "-j",
            "-r",
            "-q",
            "-q",
            "-EXIF:DateTimeOriginal",
            "-Composite:GPSLatitude",
            "-Composite:GPSLongitude",
            "-EXIF:Orientation",
            "-XMP-tiff:Orientation",
            "-EXIF:Make",
        ])
        .arg(dir)
        .output()
        .ok()?;
    serde_json::from_slice(&out.stdout).ok()
}

/// Field-by-field agreement between exiftool's reading and the catalogue's items.
fn compare(truth: &[Value], items: &BTreeMap<PathBuf, &Value>) -> (usize, usize, Vec<String>) {
    let (mut agree, mut total, mut misses) = (0, 0, Vec::new());
    for t in truth {
        let path = PathBuf::from(t["SourceFile"].as_str().unwrap());
        let path = std::path::absolute(&path).unwrap();
        let Some(item) = items.get(&path) else {
            continue;
        };
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let mut check = |field: &str, ours: Option<String>, theirs: Option<String>| {
            if theirs.is_none() && ours.is_none() {
                return;
            }
            total += 1;
            if ours == theirs {
                agree += 1;
            } else {
                misses.push(format!(
                    "{name}: {field}: kadr {ours:?}, exiftool {theirs:?}"
                ));
            }
        };
        // exiftool's DateTimeOriginal, as Kadr writes it (ISO 8601, no offset).
        let dto = t["DateTimeOriginal"]
            .as_str()
            .and_then(kadr::ingest::parse_exif_datetime)
            .map(|d| d.format("%Y-%m-%dT%H:%M:%S").to_string());
        let ours_time = item["capture_time"]
            .as_str()
            .map(|s| s.chars().take(19).collect::<String>());
        if item["capture_source"] != "xmp" {
            check("capture time", ours_time, dto);
        }
        let round = |v: Option<f64>| v.map(|v| format!("{v:.5}"));
        check(
            "GPS latitude",
            round(item["gps"]["lat"].as_f64()),
            round(t["GPSLatitude"].as_f64()),
        );
        check(
            "GPS longitude",
            round(item["gps"]["lon"].as_f64()),
            round(t["GPSLongitude"].as_f64()),
        );
        let their_orientation = t["Orientation"].as_u64().filter(|o| (1..=8).contains(o));
        check(
            "orientation",
            item["orientation"].as_u64().map(|v| v.to_string()),
            their_orientation.map(|v| v.to_string()),
        );
        check(
            "make",
            item["camera"]["make"]
                .as_str()
                .map(|s| s.trim().to_string()),
            t["Make"]
                .as_str()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty()),
        );
    }
    (agree, total, misses)
}

fn video_fixture(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/video")
            .join(name),
    )
    .unwrap()
}

#[test]
fn videos_are_catalogued_as_evidence() {
    let lib = Lib::new();
    for name in [
        "apple.mov",
        "xyz.mov",
        "rot90.mp4",
        "clip.mkv",
        "clip.webm",
        "clip.avi",
        "clip.3gp",
    ] {
        lib.write(&format!("DCIM/{name}"), &video_fixture(name));
    }
    // A recording cut off before its index was written.
    let whole = video_fixture("apple.mov");
    lib.write("DCIM/seized.mov", &whole[..whole.len() / 2]);
    let (run, report) = lib.import(&[&lib.src()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        report["imported"].as_array().unwrap().len(),
        8,
        "{report:#}"
    );
    let show = |name: &str| lib.show(imported(&report, name)["sha256"].as_str().unwrap());

    let apple = show("apple.mov");
    assert_eq!(apple["media"], "video");
    assert_eq!(apple["format"], "mov");
    assert_eq!(apple["duration_s"].as_f64().map(f64::round), Some(1.0));
    // Apple's creation date carries the local offset and wins over the container's UTC time.
    assert_eq!(apple["capture_time"], "2022-01-04T19:32:10+06:00");
    assert_eq!(apple["capture_source"], "container");
    assert_eq!(apple["gps"]["alt"], 850.0);
    assert_eq!(apple["camera"]["make"], "Apple");
    assert_eq!(apple["incomplete"], false);

    // The container's own time is UTC, and kept as such.
    let xyz = show("xyz.mov");
    assert_eq!(xyz["capture_time"], "2022-01-04T13:32:10+00:00");
    assert_eq!(xyz["capture_offset_known"], true);
    assert_eq!(xyz["camera"]["model"], "Redmi Note 8");
    assert!((xyz["gps"]["lat"].as_f64().unwrap() - 43.238).abs() < 1e-6);

    // The track's rotation gives the displayed size.
    let rot = show("rot90.mp4");
    assert_eq!(
        (rot["width"].as_u64(), rot["height"].as_u64()),
        (Some(120), Some(160))
    );
    assert_eq!(
        rot["capture_time"],
        Value::Null,
        "a zero container date means unknown"
    );

    assert_eq!(show("clip.webm")["format"], "webm");
    assert_eq!(show("clip.mkv")["format"], "mkv");
    assert_eq!(show("clip.avi")["format"], "avi");
    assert_eq!(show("seized.mov")["incomplete"], true);

    let has_ffmpeg = Command::new("ffmpeg").arg("-version").output().is_ok();
    if has_ffmpeg {
        assert_eq!(
            imported(&report, "clip.mkv")["has_preview"],
            true,
            "a poster frame"
        );
    } else {
        eprintln!("skipped the poster-frame check: ffmpeg is not installed");
        assert!(run.stderr.contains("no poster frame"), "{}", run.stderr);
    }

    // Bags and reports carry videos; publication copies refuse them.
    let out = lib.dir.path().join("pub");
    let sha = apple["sha256"].as_str().unwrap();
    let r = lib.run(&[
        "export",
        "--format",
        "publish",
        "--out",
        out.to_str().unwrap(),
        sha,
    ]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("is a video"), "{}", r.stderr);
    let csv_out = lib.dir.path().join("csv");
    let r = lib.run(&[
        "export",
        "--format",
        "csv",
        "--out",
        csv_out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let csv = std::fs::read_to_string(csv_out.join("items.csv")).unwrap();
    assert!(
        csv.lines()
            .any(|l| l.contains("apple.mov") && l.contains(",mov,video,1.000,false")),
        "{csv}"
    );
}

#[test]
fn a_home_time_zone_places_utc_times_beside_local_ones() {
    let lib = Lib::new();
    let photo = |time: &'static str| Exif {
        datetime_original: Some(time),
        offset_original: Some("+06:00"),
        ..Default::default()
    };
    lib.write(
        "a_before.jpg",
        &fixtures::jpeg(
            64,
            48,
            1,
            Jpeg::Baseline,
            Some(&photo("2022:01:04 19:31:00")),
        ),
    );
    lib.write(
        "b_after.jpg",
        &fixtures::jpeg(
            64,
            48,
            2,
            Jpeg::Baseline,
            Some(&photo("2022:01:04 19:33:00")),
        ),
    );
    lib.write("c_clip.mov", &video_fixture("xyz.mov")); // 13:32:10 UTC
    let (run, _) = lib.import(&[&lib.src()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let order = |lib: &Lib| -> Vec<String> {
        lib.list(&[])
            .iter()
            .map(|i| i["original_name"].as_str().unwrap().to_string())
            .collect()
    };
    // Without a home zone each time sits at its wall-clock time as stated: 13:32 comes first.
    assert_eq!(order(&lib), ["c_clip.mov", "a_before.jpg", "b_after.jpg"]);
    let r = lib.run(&["settings", "--home-zone", "Asia/Almaty", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json()["home_zone"], "Asia/Almaty");
    assert_eq!(order(&lib), ["a_before.jpg", "c_clip.mov", "b_after.jpg"]);
    // JSON keeps the time as stated.
    let clip = &lib.list(&["--from", "2022-01-04T19:32", "--to", "2022-01-04T19:32"])[0];
    assert_eq!(clip["capture_time"], "2022-01-04T13:32:10+00:00");
    // Items imported later are placed the same way; the change is in the history.
    let h = lib.run(&["history", "--json"]).json();
    assert!(
        h.as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "settings")
    );
    assert_eq!(lib.run(&["audit", "verify"]).code, 0);
    let r = lib.run(&["settings", "--home-zone", "Mars/Olympus"]);
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("Mars/Olympus"), "{}", r.stderr);
}

fn fixture(dir: &str, name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(dir)
            .join(name),
    )
    .unwrap()
}

/// HEIC and AVIF get previews, upright, where the system's libheif is installed; without it
/// they are catalogued with "no preview" and the reason.
#[test]
fn heic_and_avif_preview_upright_where_libheif_is_installed() {
    let lib = Lib::new();
    lib.write("IMG_0001.HEIC", &fixture("heif", "quadrants.heic"));
    lib.write("IMG_0002.HEIC", &fixture("heif", "quadrants-irot90.heic"));
    lib.write("IMG_0003.avif", &fixture("heif", "quadrants.avif"));
    let (run, report) = lib.import(&[&lib.src()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let settings = lib.run(&["settings", "--json"]).json();
    let heif = settings["heif_previews"] == true;
    let show = |name: &str| lib.show(imported(&report, name)["sha256"].as_str().unwrap());
    if !heif {
        eprintln!("skipped the HEIF preview checks: libheif is not installed");
        assert!(run.stderr.contains("no preview: libheif"), "{}", run.stderr);
        assert_eq!(show("IMG_0001.HEIC")["has_preview"], false);
        return;
    }
    let plain = show("IMG_0001.HEIC");
    assert_eq!(plain["format"], "heic");
    assert_eq!(plain["has_preview"], true);
    assert_eq!(
        (plain["width"].as_u64(), plain["height"].as_u64()),
        (Some(64), Some(48))
    );
    let turned = show("IMG_0002.HEIC");
    assert_eq!(
        (turned["width"].as_u64(), turned["height"].as_u64()),
        (Some(48), Some(64))
    );
    // The thumbnail is upright: green (the top right of the stored picture) is now top left.
    let thumb = image::open(
        lib.root()
            .join("thumbs")
            .join(&turned["sha256"].as_str().unwrap()[..2])
            .join(format!("{}.jpg", turned["sha256"].as_str().unwrap())),
    )
    .unwrap()
    .to_rgb8();
    assert_eq!(thumb.dimensions(), (48, 64));
    let p = thumb.get_pixel(6, 8);
    assert!(
        p[1] > 200 && p[0] < 60 && p[2] < 60,
        "top left is green: {p:?}"
    );
    assert_eq!(show("IMG_0003.avif")["format"], "avif");
    assert_eq!(show("IMG_0003.avif")["has_preview"], true);
}

/// RAW files from cameras (ExifTool's samples, image data stripped): metadata as exiftool
/// reads it, and the embedded preview where one is present.
#[test]
fn raw_files_give_their_metadata_and_embedded_previews() {
    let lib = Lib::new();
    for name in [
        "CanonRaw.cr2",
        "CanonRaw.cr3",
        "DNG.dng",
        "FujiFilm.raf",
        "Nikon.nef",
        "Panasonic.rw2",
        "Minolta.mrw",
    ] {
        lib.write(name, &fixture("raw", name));
    }
    let (run, report) = lib.import(&[&lib.src()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let show = |name: &str| lib.show(imported(&report, name)["sha256"].as_str().unwrap());
    // What `exiftool -n -DateTimeOriginal -Make -Model` prints for each.
    for (name, format, time, make, model) in [
        (
            "CanonRaw.cr2",
            "cr2",
            "2005-08-03T18:59:18",
            "Canon",
            "Canon EOS 350D DIGITAL",
        ),
        (
            "CanonRaw.cr3",
            "cr3",
            "2018-02-21T12:08:56",
            "Canon",
            "Canon EOS M50",
        ),
        (
            "DNG.dng",
            "dng",
            "2005-08-03T18:59:18",
            "Canon",
            "Canon EOS 350D DIGITAL",
        ),
        (
            "FujiFilm.raf",
            "raf",
            "2007-05-22T13:58:30",
            "FUJIFILM",
            "FinePix S5Pro",
        ),
        (
            "Nikon.nef",
            "nef",
            "2004-06-09T16:02:35",
            "NIKON CORPORATION",
            "NIKON D70",
        ),
        (
            "Panasonic.rw2",
            "rw2",
            "2008-08-06T15:21:56",
            "Panasonic",
            "DMC-LX3",
        ),
        // Not TIFF-structured: known by its own magic bytes, its EXIF in the TTW block.
        (
            "Minolta.mrw",
            "mrw",
            "2004-11-18T23:14:58",
            "Konica Minolta Camera, Inc.",
            "DiMAGE A2",
        ),
    ] {
        let item = show(name);
        assert_eq!(item["format"], format, "{name}");
        assert_eq!(
            item["capture_time"].as_str().map(|t| &t[..19]),
            Some(time),
            "{name}"
        );
        assert_eq!(item["camera"]["make"], make, "{name}");
        assert_eq!(item["camera"]["model"], model, "{name}");
    }
    // Previews where the sample keeps one: the RAF's JPEG thumbnail, the RW2's JpgFromRaw,
    // the DNG's RGB thumbnail; the others' image data was stripped, so they say why.
    for name in ["FujiFilm.raf", "Panasonic.rw2", "DNG.dng"] {
        assert_eq!(imported(&report, name)["has_preview"], true, "{name}");
    }
    assert_eq!(imported(&report, "Nikon.nef")["has_preview"], false);
    assert_eq!(imported(&report, "Minolta.mrw")["has_preview"], false);
    assert!(
        run.stderr.contains("holds no embedded preview"),
        "{}",
        run.stderr
    );
}
