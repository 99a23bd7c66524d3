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
