//! What an export takes and where it goes: only the selected items; a new folder, an empty one,
//! or one replaced with `--force`, never the library itself; and after a failure nothing that
//! looks complete, a previous export left as it was.

use super::{bag_info, bagit_validate, export, library, out_dir, read_json};
use std::os::unix::fs::PermissionsExt;

#[test]
fn a_selection_exports_only_those_items() {
    let (lib, shas) = library();
    let out = out_dir(&lib, "mamay");
    let r = export(
        &lib,
        &[
            "--format",
            "bag",
            "--out",
            out.to_str().unwrap(),
            "--person",
            "мамай",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.starts_with("exported 2 items as a BagIt bag"),
        "{}",
        r.stdout
    );
    let mut originals: Vec<String> = std::fs::read_dir(out.join("data/originals"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    originals.sort();
    let mut want = vec![
        format!("{}.jpg", shas[0]),
        format!("{}.xmp", shas[0]),
        format!("{}.jpg", shas[2]),
        format!("{}.xmp", shas[2]),
    ];
    want.sort();
    assert_eq!(originals, want);
    let desc = bag_info(&out)
        .into_iter()
        .find(|(k, _)| k == "External-Description")
        .unwrap()
        .1;
    assert!(desc.contains("person «мамай»"), "{desc}");
    let (ok, text) = bagit_validate(&out);
    assert!(ok, "{text}");

    let out = out_dir(&lib, "one");
    let r = export(
        &lib,
        &[
            "--json",
            "--format",
            "json",
            "--out",
            out.to_str().unwrap(),
            &shas[1][..8],
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let items = read_json(&out.join("items.json"));
    assert_eq!(items.as_array().unwrap().len(), 1);
    assert_eq!(items[0]["sha256"], shas[1].as_str());
    assert_eq!(read_json(&out.join("people.json")), serde_json::json!([]));
    assert_eq!(
        read_json(&out.join("places.json"))
            .as_array()
            .unwrap()
            .len(),
        2
    );

    let r = export(
        &lib,
        &[
            "--format",
            "json",
            "--out",
            out_dir(&lib, "none").to_str().unwrap(),
            "--tag",
            "nothing-has-this",
        ],
    );
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("nothing to export"), "{}", r.stderr);
    assert!(!out_dir(&lib, "none").exists());
}

#[test]
fn the_output_folder_is_created_refused_or_replaced() {
    let (lib, _) = library();
    let nested = out_dir(&lib, "a/b/c/report");
    let r = export(
        &lib,
        &["--format", "csv", "--out", nested.to_str().unwrap()],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(nested.join("items.csv").is_file());

    let busy = out_dir(&lib, "busy");
    std::fs::create_dir_all(&busy).unwrap();
    std::fs::write(busy.join("notes.txt"), "keep me").unwrap();
    let r = export(&lib, &["--format", "json", "--out", busy.to_str().unwrap()]);
    assert_eq!(r.code, 1);
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("is not empty (use --force to replace it)")
            && r.stderr.trim_end().ends_with(busy.to_str().unwrap()),
        "{}",
        r.stderr
    );
    assert_eq!(
        std::fs::read_to_string(busy.join("notes.txt")).unwrap(),
        "keep me"
    );

    let r = export(
        &lib,
        &[
            "--format",
            "json",
            "--force",
            "--out",
            busy.to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!busy.join("notes.txt").exists());
    assert!(busy.join("items.json").is_file());
    // Nothing left beside it: no temp or old folder.
    let mut left: Vec<String> = std::fs::read_dir(lib.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    left.sort();
    assert_eq!(left, ["a", "busy", "library", "photos"]);

    // An empty existing folder is fine without --force; the library itself never is.
    let empty = out_dir(&lib, "empty");
    std::fs::create_dir(&empty).unwrap();
    let r = export(&lib, &["--format", "csv", "--out", empty.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let inside = lib.root().join("export");
    let r = export(
        &lib,
        &[
            "--format",
            "csv",
            "--force",
            "--out",
            inside.to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("inside the library"), "{}", r.stderr);
    let r = export(
        &lib,
        &[
            "--format",
            "csv",
            "--force",
            "--out",
            lib.dir.path().to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(lib.root().join("catalog.sqlite").is_file());
}

#[test]
fn a_failed_export_leaves_nothing_that_looks_complete() {
    let (lib, shas) = library();
    let item = lib.show(&shas[2]);
    let stored = lib.root().join(item["stored_path"].as_str().unwrap());
    std::fs::set_permissions(&stored, std::fs::Permissions::from_mode(0o644)).unwrap();
    let mut bytes = std::fs::read(&stored).unwrap();
    bytes[100] ^= 0xff;
    std::fs::write(&stored, bytes).unwrap();

    let out = out_dir(&lib, "bag");
    let r = export(&lib, &["--format", "bag", "--out", out.to_str().unwrap()]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("no longer matches its SHA-256")
            && r.stderr.trim_end().ends_with(stored.to_str().unwrap()),
        "{}",
        r.stderr
    );
    assert!(!out.exists());
    let left: Vec<String> = std::fs::read_dir(lib.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.contains("partial"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
    let h = lib.run(&["history", "--json"]).json();
    assert_ne!(h.as_array().unwrap().last().unwrap()["action"], "export");

    // A previous export survives a failed --force replacement.
    let good = out_dir(&lib, "good");
    let r = export(&lib, &["--format", "csv", "--out", good.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = export(
        &lib,
        &[
            "--format",
            "bag",
            "--force",
            "--out",
            good.to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, 1);
    assert!(good.join("items.csv").is_file());
    assert!(!good.join("bagit.txt").exists());
}
