//! `verify` re-hashes every original and names each damaged or missing one.

use crate::fixtures::{self, Jpeg};
use crate::util::{Lib, imported};
use std::os::unix::fs::PermissionsExt;

#[test]
fn verify_catches_a_flipped_byte_and_a_deleted_original() {
    let lib = Lib::new();
    for i in 0..4 {
        lib.write(
            &format!("{i}.jpg"),
            &fixtures::jpeg(64, 64, i, Jpeg::Baseline, None),
        );
    }
    let (_, report) = lib.import(&[&lib.src()]);
    let r = lib.run(&["verify", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json()["ok"], 4);

    let damaged = lib.show(imported(&report, "1.jpg")["sha256"].as_str().unwrap());
    let damaged_path = lib.root().join(damaged["stored_path"].as_str().unwrap());
    std::fs::set_permissions(&damaged_path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let mut bytes = std::fs::read(&damaged_path).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x01;
    std::fs::write(&damaged_path, bytes).unwrap();

    let deleted = lib.show(imported(&report, "3.jpg")["sha256"].as_str().unwrap());
    let deleted_path = lib.root().join(deleted["stored_path"].as_str().unwrap());
    std::fs::remove_file(&deleted_path).unwrap();

    let r = lib.run(&["verify", "--json"]);
    assert_eq!(r.code, 1);
    let v = r.json();
    assert_eq!(v["checked"], 4);
    assert_eq!(v["ok"], 2);
    assert_eq!(v["damaged"][0]["id"], damaged["id"]);
    assert_eq!(v["damaged"][0]["path"], damaged_path.to_str().unwrap());
    assert_eq!(v["missing"][0]["id"], deleted["id"]);
    assert!(
        r.stderr
            .lines()
            .any(|l| l.contains("damaged") && l.ends_with(damaged_path.to_str().unwrap())),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .lines()
            .any(|l| l.contains("missing") && l.ends_with(deleted_path.to_str().unwrap())),
        "{}",
        r.stderr
    );

    let human = lib.run(&["verify"]);
    assert_eq!(human.code, 1);
    assert!(
        human.stdout.contains("2 intact, 1 damaged, 1 missing"),
        "{}",
        human.stdout
    );
}

#[test]
fn verify_tells_an_unreadable_original_from_a_missing_one() {
    let lib = Lib::new();
    for i in 0..3 {
        lib.write(
            &format!("{i}.jpg"),
            &fixtures::jpeg(64, 64, i, Jpeg::Baseline, None),
        );
    }
    let (_, report) = lib.import(&[&lib.src()]);
    let unreadable = lib.show(imported(&report, "0.jpg")["sha256"].as_str().unwrap());
    let unreadable_path = lib.root().join(unreadable["stored_path"].as_str().unwrap());
    let missing = lib.show(imported(&report, "2.jpg")["sha256"].as_str().unwrap());
    let missing_path = lib.root().join(missing["stored_path"].as_str().unwrap());

    // Something is at the original's path but reading it fails. Tests run as root, so
    // `chmod 000` would not stop a read; a folder in the file's place does: `File::open` of a
    // folder succeeds on Linux and the first `read` fails with EISDIR, the same path through
    // the code as a permission or disk error.
    std::fs::remove_file(&unreadable_path).unwrap();
    std::fs::create_dir(&unreadable_path).unwrap();
    std::fs::remove_file(&missing_path).unwrap();

    let r = lib.run(&["verify", "--json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let v = r.json();
    assert_eq!(v["ok"], 1);
    assert_eq!(v["damaged"].as_array().unwrap().len(), 0);
    assert_eq!(v["missing"].as_array().unwrap().len(), 1, "{v}");
    assert_eq!(v["missing"][0]["id"], missing["id"]);
    assert!(v["missing"][0].get("error").is_none(), "{v}");
    let u = &v["unreadable"];
    assert_eq!(u.as_array().unwrap().len(), 1, "{v}");
    assert_eq!(u[0]["id"], unreadable["id"]);
    assert_eq!(u[0]["sha256"], unreadable["sha256"]);
    assert_eq!(u[0]["path"], unreadable_path.to_str().unwrap());
    assert!(u[0]["error"].as_str().unwrap().contains("directory"), "{v}");
    assert!(
        r.stderr
            .lines()
            .any(|l| l.contains("unreadable") && l.ends_with(unreadable_path.to_str().unwrap())),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .lines()
            .any(|l| l.contains("missing") && l.ends_with(missing_path.to_str().unwrap())),
        "{}",
        r.stderr
    );

    let human = lib.run(&["verify"]);
    assert_eq!(human.code, 1);
    assert!(
        human
            .stdout
            .contains("1 intact, 0 damaged, 1 missing, 1 unreadable"),
        "{}",
        human.stdout
    );
}
