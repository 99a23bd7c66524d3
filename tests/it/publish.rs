//! Publication copies: no metadata left (checked with exiftool where it is installed, and always
//! by walking the JPEG's segments ourselves), orientation baked in, redactions filled for good,
//! "do not publish" respected, each copy in the history.

use crate::checks;
use crate::fixtures::{self, Exif, Jpeg};
use crate::util::{Lib, imported};
use std::process::Command;

/// exiftool's reading of a file, or why exiftool could not be run (not installed, or hidden by
/// `KADR_TEST_NO_OUTSIDE_CHECKERS`).
fn exiftool(path: &std::path::Path) -> Result<serde_json::Value, String> {
    let out = checks::run_outside(
        Command::new("exiftool")
            .args(["-json", "-a", "-G1"])
            .arg(path),
    )?;
    assert!(
        out.status.success(),
        "exiftool failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()[0].clone())
}

#[test]
fn publication_copies_carry_pixels_only() {
    let lib = Lib::new();
    let exif = Exif {
        datetime_original: Some("2022:01:04 19:32:10"),
        offset_original: Some("+06:00"),
        gps: Some((43.238, 76.945, 800.0)),
        make: Some("Canon"),
        model: Some("Canon EOS 80D"),
        serial: Some("0123456789"),
        orientation: Some(6),
        ..Default::default()
    };
    let original = lib.write(
        "IMG_0001.JPG",
        &fixtures::jpeg(400, 200, 1, Jpeg::Baseline, Some(&exif)),
    );
    lib.write(
        "secret.jpg",
        &fixtures::jpeg(64, 64, 2, Jpeg::Baseline, None),
    );
    let (run, report) = lib.import(&[&lib.src()]);
    assert_eq!(run.code, 0);
    let sha = imported(&report, "IMG_0001.JPG")["sha256"]
        .as_str()
        .unwrap()
        .to_string();
    let secret = imported(&report, "secret.jpg")["sha256"]
        .as_str()
        .unwrap()
        .to_string();
    // The source file really has the metadata the copy must lose.
    let original_bytes = std::fs::read(&original).unwrap();
    assert!(checks::contains(&original_bytes, b"Exif\0\0"));
    assert!(
        checks::contains(&original_bytes, b"0123456789"),
        "the serial"
    );
    let err = checks::jpeg_pixels_only(&original_bytes).unwrap_err();
    assert!(err.contains("APP1") && err.contains("EXIF"), "{err}");
    match exiftool(&original) {
        Ok(before) => {
            assert!(
                before
                    .as_object()
                    .unwrap()
                    .keys()
                    .any(|k| k.contains("GPSLatitude")),
                "{before:#}"
            );
            assert!(
                before
                    .as_object()
                    .unwrap()
                    .keys()
                    .any(|k| k.contains("SerialNumber")),
                "{before:#}"
            );
        }
        Err(why) => eprintln!(
            "skipped the exiftool check of the source: {why}; found its EXIF segment in its bytes instead"
        ),
    }

    // A face in the top-left corner of the upright picture (200 x 400 after rotation 6).
    assert_eq!(lib.run(&["redact", &sha, "--rect", "0,0,0.5,0.25"]).code, 0);
    assert_eq!(
        lib.run(&["review", &secret, "--do-not-publish", "yes"])
            .code,
        0
    );

    let out = lib.dir.path().join("publish");
    let refused = lib.run(&[
        "export",
        "--format",
        "publish",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(refused.code, 1, "a do-not-publish item is refused");
    assert!(
        refused.stderr.contains("do not publish"),
        "{}",
        refused.stderr
    );
    assert!(!out.exists(), "nothing was written");

    let r = lib.run(&[
        "export",
        "--format",
        "publish",
        "--out",
        out.to_str().unwrap(),
        "--json",
        &sha,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let copy = out.join("0001.jpg");
    // Ours, always: the segments from SOI to EOI hold only JFIF, tables, the frame and the scans,
    // and nothing follows EOI.
    let copy_bytes = std::fs::read(&copy).unwrap();
    let size = checks::jpeg_pixels_only(&copy_bytes)
        .unwrap_or_else(|e| panic!("the publication copy carries more than pixels: {e}"));
    // Orientation baked in: the copy is upright without any tag.
    assert_eq!(size, (200, 400), "(width, height) of the publication copy");
    assert!(!checks::contains(&copy_bytes, b"Exif\0\0"));
    assert!(!checks::contains(&copy_bytes, b"0123456789"), "the serial");
    match exiftool(&copy) {
        Ok(meta) => {
            // "System:" is what the filesystem says about the file (its own dates), not its
            // content.
            let keys: Vec<&String> = meta
                .as_object()
                .unwrap()
                .keys()
                .filter(|k| !k.starts_with("System:"))
                .collect();
            for banned in [
                "GPS",
                "DateTimeOriginal",
                "CreateDate",
                "ModifyDate",
                "SerialNumber",
                "Make",
                "Model",
                "Orientation",
                "XMP",
                "IPTC",
                "MakerNotes",
                "ICC",
            ] {
                assert!(
                    !keys.iter().any(|k| k.contains(banned)),
                    "{banned} survived in the publication copy: {meta:#}"
                );
            }
            assert_eq!(meta["File:ImageWidth"], 200, "{meta:#}");
            assert_eq!(meta["File:ImageHeight"], 400, "{meta:#}");
        }
        Err(why) => {
            eprintln!("skipped the exiftool check: {why}; checked the JPEG's segments instead")
        }
    }
    // The redaction is filled in the pixels, not blurred.
    let img = image::open(&copy).unwrap().to_rgb8();
    for (x, y) in [(5, 5), (95, 95), (50, 50)] {
        let p = img.get_pixel(x, y);
        assert!(
            p[0] < 8 && p[1] < 8 && p[2] < 8,
            "redacted pixel at {x},{y} is {p:?}"
        );
    }
    let outside = img.get_pixel(150, 300);
    assert!(
        outside.0.iter().map(|c| *c as u32).sum::<u32>() > 60,
        "outside the redaction the picture remains"
    );
    // Nothing in the folder names the original.
    let names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    assert_eq!(names, ["0001.jpg"]);

    // The history links the copy to its original, with the copy's own hash.
    let h = lib.run(&["history", "--json", &sha]).json();
    let entry = h
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "publish")
        .expect("a publish entry");
    assert_eq!(
        entry["details"]["copy_sha256"],
        kadr::vault::hash_file(&copy).unwrap().as_str()
    );
    assert_eq!(entry["details"]["redactions"], 1);

    // With the override, the do-not-publish item goes out too.
    let out2 = lib.dir.path().join("publish2");
    let r = lib.run(&[
        "export",
        "--format",
        "publish",
        "--out",
        out2.to_str().unwrap(),
        "--include-do-not-publish",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(std::fs::read_dir(&out2).unwrap().count(), 2);
}
