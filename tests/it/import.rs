//! Importing good photos: formats, EXIF facts, thumbnails, duplicates, order.

use crate::fixtures::{self, Exif, Jpeg};
use crate::util::{Lib, imported};
use image::ImageFormat;

fn almaty() -> Exif {
    Exif {
        datetime_original: Some("2022:01:04 19:32:10"),
        offset_original: Some("+06:00"),
        subsec_original: Some("123"),
        gps: Some((43.238_05, 76.945_5, 812.5)),
        make: Some("Apple"),
        model: Some("iPhone 13 Pro"),
        orientation: Some(1),
        ..Default::default()
    }
}

#[test]
fn exif_facts_come_through() {
    let lib = Lib::new();
    let with_offset = lib.write(
        "a/with_offset.jpg",
        &fixtures::jpeg(64, 48, 1, Jpeg::Baseline, Some(&almaty())),
    );
    let no_offset = Exif {
        datetime_original: Some("2022:01:05 09:15:00"),
        gps: Some((-33.856_8, -70.651_2, -12.0)), // south and west, below sea level
        make: Some("SAMSUNG"),
        model: Some("SM-A525F"),
        big_endian: true,
        ..Default::default()
    };
    let no_offset = lib.write(
        "a/no_offset.jpg",
        &fixtures::jpeg(64, 48, 2, Jpeg::Baseline, Some(&no_offset)),
    );
    let only_offset_time = Exif {
        datetime_original: Some("2022:01:05 23:59:59"),
        offset: Some("-03:30"),
        ..Default::default()
    };
    let oft = lib.write(
        "a/offset_time.jpg",
        &fixtures::jpeg(64, 48, 3, Jpeg::Baseline, Some(&only_offset_time)),
    );
    let garbage = Exif {
        datetime_original: Some("0000:00:00 00:00:00"),
        ..Default::default()
    };
    let garbage = lib.write(
        "a/garbage_date.jpg",
        &fixtures::jpeg(64, 48, 4, Jpeg::Baseline, Some(&garbage)),
    );

    let (run, report) = lib.import(&[&lib.src()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        report["imported"].as_array().unwrap().len(),
        4,
        "{report:#}"
    );

    let item = lib.show(
        imported(&report, "with_offset.jpg")["sha256"]
            .as_str()
            .unwrap(),
    );
    assert_eq!(item["capture_time"], "2022-01-04T19:32:10+06:00");
    assert_eq!(item["capture_subsec"], "123");
    assert_eq!(item["capture_offset_known"], true);
    assert!(
        (item["gps"]["lat"].as_f64().unwrap() - 43.238_05).abs() < 1e-5,
        "{item:#}"
    );
    assert!((item["gps"]["lon"].as_f64().unwrap() - 76.945_5).abs() < 1e-5);
    assert!((item["gps"]["alt"].as_f64().unwrap() - 812.5).abs() < 1e-6);
    assert_eq!(item["camera"]["make"], "Apple");
    assert_eq!(item["camera"]["model"], "iPhone 13 Pro");
    assert_eq!(
        (item["width"].as_u64(), item["height"].as_u64()),
        (Some(64), Some(48))
    );
    assert_eq!(item["format"], "jpeg");
    assert_eq!(
        item["size"].as_u64().unwrap(),
        std::fs::metadata(&with_offset).unwrap().len()
    );
    assert_eq!(item["review_status"], "unreviewed");
    assert_eq!(item["event_date"], serde_json::Value::Null);

    let item = lib.show(
        imported(&report, "no_offset.jpg")["sha256"]
            .as_str()
            .unwrap(),
    );
    assert_eq!(
        item["capture_time"], "2022-01-05T09:15:00",
        "no offset: printed local, never shifted"
    );
    assert_eq!(item["capture_offset_known"], false);
    assert!(
        item["gps"]["lat"].as_f64().unwrap() < -33.0,
        "south is negative: {item:#}"
    );
    assert!(
        item["gps"]["lon"].as_f64().unwrap() < -70.0,
        "west is negative"
    );
    assert!(
        (item["gps"]["alt"].as_f64().unwrap() + 12.0).abs() < 1e-6,
        "below sea level"
    );
    assert_eq!(item["camera"]["make"], "SAMSUNG");

    let item = lib.show(
        imported(&report, "offset_time.jpg")["sha256"]
            .as_str()
            .unwrap(),
    );
    assert_eq!(
        item["capture_time"], "2022-01-05T23:59:59-03:30",
        "falls back to OffsetTime"
    );

    let item = lib.show(
        imported(&report, "garbage_date.jpg")["sha256"]
            .as_str()
            .unwrap(),
    );
    assert_eq!(
        item["capture_time"],
        serde_json::Value::Null,
        "0000:00:00 is unknown, not an error"
    );
    let _ = (no_offset, oft, garbage);
}

#[test]
fn orientation_gives_the_displayed_size_and_an_upright_thumbnail() {
    let lib = Lib::new();
    for (name, o) in [("rot6.jpg", 6u16), ("rot8.jpg", 8), ("rot1.jpg", 1)] {
        let exif = Exif {
            orientation: Some(o),
            ..Default::default()
        };
        lib.write(
            name,
            &fixtures::jpeg(80, 40, 5, Jpeg::Baseline, Some(&exif)),
        );
    }
    let (run, report) = lib.import(&[&lib.src()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for (name, w, h) in [
        ("rot6.jpg", 40, 80),
        ("rot8.jpg", 40, 80),
        ("rot1.jpg", 80, 40),
    ] {
        let sha = imported(&report, name)["sha256"]
            .as_str()
            .unwrap()
            .to_string();
        let item = lib.show(&sha);
        assert_eq!(
            (
                item["width"].as_u64().unwrap(),
                item["height"].as_u64().unwrap()
            ),
            (w, h),
            "{name}"
        );
        let thumb = image::open(
            lib.root()
                .join("thumbs")
                .join(&sha[..2])
                .join(format!("{sha}.jpg")),
        )
        .unwrap();
        assert_eq!(
            (thumb.width() as u64, thumb.height() as u64),
            (w, h),
            "{name}: the thumbnail is drawn upright"
        );
    }
    // Orientation 6 turns the picture clockwise: the sky (blue, stored at the top) ends up on the right.
    let sha = imported(&report, "rot6.jpg")["sha256"]
        .as_str()
        .unwrap()
        .to_string();
    let thumb = image::open(
        lib.root()
            .join("thumbs")
            .join(&sha[..2])
            .join(format!("{sha}.jpg")),
    )
    .unwrap()
    .to_rgb8();
    let right = thumb.get_pixel(35, 40);
    let left = thumb.get_pixel(4, 40);
    assert!(
        right[2] > 180 && left[2] < 100,
        "sky on the right after rotation 6: left {left:?} right {right:?}"
    );
}

#[test]
fn every_supported_format_decodes() {
    let lib = Lib::new();
    lib.write(
        "baseline.jpg",
        &fixtures::jpeg(300, 200, 1, Jpeg::Baseline, None),
    );
    lib.write(
        "progressive.jpg",
        &fixtures::jpeg(300, 200, 2, Jpeg::Progressive, Some(&almaty())),
    );
    lib.write("gray.jpg", &fixtures::jpeg(300, 200, 3, Jpeg::Gray, None));
    lib.write("cmyk.jpg", &fixtures::jpeg(300, 200, 4, Jpeg::Cmyk, None));
    lib.write(
        "photo.png",
        &fixtures::encode(300, 200, 5, ImageFormat::Png),
    );
    lib.write("exif.png", &fixtures::png_with_exif(300, 200, 6, &almaty()));
    lib.write(
        "photo.webp",
        &fixtures::encode(300, 200, 7, ImageFormat::WebP),
    );
    lib.write(
        "photo.tif",
        &fixtures::encode(300, 200, 8, ImageFormat::Tiff),
    );
    lib.write(
        "photo.gif",
        &fixtures::encode(300, 200, 9, ImageFormat::Gif),
    );
    let big = fixtures::jpeg(2400, 1600, 10, Jpeg::Baseline, None);
    lib.write("big.jpg", &big);

    let (run, report) = lib.import(&[&lib.src()]);
    assert_eq!(run.code, 0, "{}\n{report:#}", run.stderr);
    let formats = [
        ("baseline.jpg", "jpeg"),
        ("progressive.jpg", "jpeg"),
        ("gray.jpg", "jpeg"),
        ("cmyk.jpg", "jpeg"),
        ("photo.png", "png"),
        ("exif.png", "png"),
        ("photo.webp", "webp"),
        ("photo.tif", "tiff"),
        ("photo.gif", "gif"),
    ];
    for (name, format) in formats {
        let entry = imported(&report, name);
        assert_eq!(entry["format"], format, "{name}");
        assert_eq!(entry["has_preview"], true, "{name}");
        let sha = entry["sha256"].as_str().unwrap();
        let thumb = image::open(
            lib.root()
                .join("thumbs")
                .join(&sha[..2])
                .join(format!("{sha}.jpg")),
        )
        .unwrap()
        .to_rgb8();
        assert_eq!(
            (thumb.width(), thumb.height()),
            (256, 171),
            "{name}: a 256 px thumbnail"
        );
        // The top is sky in every fixture: CMYK and grayscale must not come out inverted or black.
        let top = thumb.get_pixel(128, 10);
        let bottom = thumb.get_pixel(128, 160);
        let lum = |p: &image::Rgb<u8>| p[0] as u32 + p[1] as u32 + p[2] as u32;
        assert!(
            lum(top) > lum(bottom),
            "{name}: sky brighter than ground ({top:?} vs {bottom:?})"
        );
    }
    assert_eq!(
        lib.show(imported(&report, "exif.png")["sha256"].as_str().unwrap())["capture_time"],
        "2022-01-04T19:32:10+06:00",
        "PNG eXIf"
    );
    assert_eq!(
        lib.show(
            imported(&report, "progressive.jpg")["sha256"]
                .as_str()
                .unwrap()
        )["camera"]["model"],
        "iPhone 13 Pro"
    );

    let sha = imported(&report, "big.jpg")["sha256"]
        .as_str()
        .unwrap()
        .to_string();
    let item = lib.show(&sha);
    assert_eq!(
        (
            item["width"].as_u64().unwrap(),
            item["height"].as_u64().unwrap()
        ),
        (2400, 1600)
    );
    let preview = image::open(
        lib.root()
            .join("previews")
            .join(&sha[..2])
            .join(format!("{sha}.jpg")),
    )
    .unwrap();
    let edge = preview.width().max(preview.height());
    assert!(
        (480..=1024).contains(&edge),
        "preview long edge {edge}: shrink-on-load, at least 480 px"
    );
    // The original is byte-identical, named by its hash, read-only.
    let stored = lib.root().join(item["stored_path"].as_str().unwrap());
    assert_eq!(std::fs::read(&stored).unwrap(), big);
    assert!(
        stored
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with(&sha)
    );
    assert!(std::fs::metadata(&stored).unwrap().permissions().readonly());
}

#[test]
fn undecodable_photos_are_kept_as_evidence_with_a_warning() {
    let lib = Lib::new();
    lib.write("IMG_0001.HEIC", &fixtures::heic_stub());
    let mut nef = b"II*\0\x08\0\0\0".to_vec();
    nef.extend(vec![0u8; 200]);
    lib.write("DSC_0001.NEF", &nef);
    let (run, report) = lib.import(&[&lib.src()]);
    assert_eq!(
        run.code, 0,
        "warnings do not fail an import: {}",
        run.stderr
    );
    assert_eq!(imported(&report, "IMG_0001.HEIC")["format"], "heic");
    assert_eq!(imported(&report, "IMG_0001.HEIC")["has_preview"], false);
    assert_eq!(imported(&report, "DSC_0001.NEF")["format"], "nef");
    let warnings = report["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 2, "{report:#}");
    assert!(
        warnings
            .iter()
            .any(|w| w["path"].as_str().unwrap().ends_with("IMG_0001.HEIC")
                && w["warning"].as_str().unwrap().contains("no preview"))
    );
    assert!(run.stderr.contains("no preview"), "{}", run.stderr);
}

#[test]
fn duplicates_are_recorded_not_imported_twice() {
    let lib = Lib::new();
    let bytes = fixtures::jpeg(64, 48, 1, Jpeg::Baseline, Some(&almaty()));
    lib.write("DCIM/IMG_1.jpg", &bytes);
    lib.write("Backup/Копия IMG_1 (1).jpg", &bytes);
    lib.write(
        "DCIM/IMG_2.jpg",
        &fixtures::jpeg(64, 48, 2, Jpeg::Baseline, None),
    );

    let (run, report) = lib.import(&[&lib.src()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        report["imported"].as_array().unwrap().len(),
        2,
        "{report:#}"
    );
    assert_eq!(
        report["duplicates"].as_array().unwrap().len(),
        1,
        "{report:#}"
    );
    let dup = &report["duplicates"][0];
    let item = lib.show(dup["sha256"].as_str().unwrap());
    assert_eq!(
        item["paths"].as_array().unwrap().len(),
        2,
        "both source paths are recorded: {item:#}"
    );
    assert_eq!(
        lib.files("originals").len(),
        2,
        "one original per distinct content"
    );

    // Importing the same folder again adds nothing.
    let (run, again) = lib.import(&[&lib.src()]);
    assert_eq!(run.code, 0);
    assert_eq!(again["imported"].as_array().unwrap().len(), 0, "{again:#}");
    assert_eq!(again["duplicates"].as_array().unwrap().len(), 3);
    assert_eq!(lib.list(&[]).len(), 2);
    assert_eq!(lib.files("originals").len(), 2);
    assert!(
        lib.files("tmp").is_empty(),
        "no temp files left: {:?}",
        lib.files("tmp")
    );
}

#[test]
fn folders_are_walked_in_a_stable_order_skipping_hidden_files() {
    let lib = Lib::new();
    for (i, name) in [
        "b/2.jpg",
        "b/1.jpg",
        "a/3.jpg",
        "Алматы/Площадь_Республики_005.jpg",
    ]
    .iter()
    .enumerate()
    {
        lib.write(
            name,
            &fixtures::jpeg(32, 32, i as u32, Jpeg::Baseline, None),
        );
    }
    lib.write(
        ".hidden/x.jpg",
        &fixtures::jpeg(32, 32, 99, Jpeg::Baseline, None),
    );
    lib.write(
        "a/.secret.jpg",
        &fixtures::jpeg(32, 32, 98, Jpeg::Baseline, None),
    );
    #[cfg(unix)]
    std::os::unix::fs::symlink(lib.src(), lib.src().join("b/loop")).unwrap();

    let (run, report) = lib.import(&[&lib.src()]);
    assert_eq!(run.code, 0, "{}\n{report:#}", run.stderr);
    let names: Vec<&str> = report["imported"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["path"].as_str().unwrap())
        .collect();
    let rel: Vec<String> = names
        .iter()
        .map(|p| {
            p.strip_prefix(lib.src().to_str().unwrap())
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(
        rel,
        [
            "/a/3.jpg",
            "/b/1.jpg",
            "/b/2.jpg",
            "/Алматы/Площадь_Республики_005.jpg"
        ]
    );
    #[cfg(unix)]
    assert!(
        report["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w["warning"].as_str().unwrap().contains("loops")),
        "{report:#}"
    );
}
