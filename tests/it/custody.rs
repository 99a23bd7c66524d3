//! Review and the tamper-evident history: `review`, `history`, `audit verify`.

use crate::fixtures::{self, Jpeg};
use crate::util::{Lib, imported};

fn two_items(lib: &Lib) -> (String, String) {
    lib.write("a.jpg", &fixtures::jpeg(48, 32, 1, Jpeg::Baseline, None));
    lib.write("b.jpg", &fixtures::jpeg(48, 32, 2, Jpeg::Baseline, None));
    let (run, report) = lib.import(&[&lib.src()]);
    assert_eq!(run.code, 0);
    let a = imported(&report, "a.jpg")["sha256"]
        .as_str()
        .unwrap()
        .to_string();
    let b = imported(&report, "b.jpg")["sha256"]
        .as_str()
        .unwrap()
        .to_string();
    (a, b)
}

#[test]
fn review_records_status_notes_and_who() {
    let lib = Lib::new();
    let (a, b) = two_items(&lib);
    let r = lib.run(&[
        "--as",
        "Editor Айгуль",
        "review",
        &a,
        "--status",
        "verified",
        "--note",
        "Сверено с источником",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = lib.run(&[
        "review",
        &b,
        "--status",
        "needs-info",
        "--do-not-publish",
        "yes",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let item = lib.show(&a);
    assert_eq!(item["review_status"], "verified");
    assert_eq!(item["review_by"], "Editor Айгуль");
    assert!(item["review_at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(item["notes"][0]["author"], "Editor Айгуль");
    assert_eq!(item["notes"][0]["text"], "Сверено с источником");
    assert_eq!(lib.show(&b)["do_not_publish"], true);
    let verified: Vec<_> = lib.list(&["--status", "verified"]);
    assert_eq!(verified.len(), 1);
    assert_eq!(verified[0]["sha256"], a.as_str());

    let h = lib.run(&["history", "--json", &a]).json();
    let review = h
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "review")
        .unwrap();
    assert_eq!(review["actor"], "Editor Айгуль");
    assert_eq!(review["details"]["status"]["to"], "verified");

    assert_eq!(lib.run(&["review", &a, "--status", "approved"]).code, 2);
    assert_eq!(
        lib.run(&["review", &a]).code,
        2,
        "nothing to do is a usage error"
    );
}

fn sqlite(lib: &Lib, sql: &str) {
    let conn = rusqlite::Connection::open(lib.root().join("catalog.sqlite")).unwrap();
    conn.execute_batch(sql).unwrap();
}

/// A library with a few history entries: 2 imports, 2 tags, 1 review.
fn history(lib: &Lib) {
    let (a, b) = two_items(lib);
    assert_eq!(lib.run(&["tag", &a, "--caption", "one"]).code, 0);
    assert_eq!(lib.run(&["tag", &b, "--caption", "two"]).code, 0);
    assert_eq!(lib.run(&["review", &a, "--status", "verified"]).code, 0);
    let r = lib.run(&["audit", "verify", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json()["entries"], 5);
}

fn audit_fails_at(lib: &Lib, seq: i64) -> String {
    let r = lib.run(&["audit", "verify"]);
    assert_eq!(r.code, 1, "tampering went unnoticed: {}", r.stdout);
    assert!(
        r.stderr.starts_with(&format!("kadr: history entry {seq} ")),
        "{}",
        r.stderr
    );
    assert_eq!(r.stderr.lines().count(), 1);
    r.stderr
}

#[test]
fn audit_catches_an_edited_entry() {
    let lib = Lib::new();
    history(&lib);
    // The append-only guards stop a plain UPDATE...
    let conn = rusqlite::Connection::open(lib.root().join("catalog.sqlite")).unwrap();
    assert!(
        conn.execute("UPDATE history SET actor = 'someone' WHERE seq = 3", [])
            .is_err()
    );
    drop(conn);
    // ...so someone drops them first, and edits an entry.
    sqlite(
        &lib,
        "DROP TRIGGER history_no_update; UPDATE history SET details = '{\"caption\":{\"from\":null,\"to\":\"forged\"}}' WHERE seq = 3;",
    );
    let err = audit_fails_at(&lib, 3);
    assert!(err.contains("changed"), "{err}");
    let json = lib.run(&["audit", "verify", "--json"]).json();
    let problems = json["problems"].as_array().unwrap();
    assert!(
        problems
            .iter()
            .any(|p| p["problem"].as_str().unwrap().contains("guards")),
        "the removed trigger is reported too: {json:#}"
    );
}

#[test]
fn audit_catches_a_deleted_entry() {
    let lib = Lib::new();
    history(&lib);
    sqlite(
        &lib,
        "DROP TRIGGER history_no_delete; DELETE FROM history WHERE seq = 2; CREATE TRIGGER history_no_delete BEFORE DELETE ON history BEGIN SELECT RAISE(ABORT, 'history is append-only'); END;",
    );
    audit_fails_at(&lib, 3);
}

#[test]
fn audit_catches_an_inserted_entry() {
    let lib = Lib::new();
    history(&lib);
    // A forged entry squeezed in: renumber the tail and insert, with plausible hashes.
    sqlite(
        &lib,
        "DROP TRIGGER history_no_update;
         UPDATE history SET seq = seq + 100 WHERE seq >= 3;
         UPDATE history SET seq = seq - 99 WHERE seq >= 103;
         INSERT INTO history (seq, at, actor, action, item_sha256, details, prev_hash, hash)
           SELECT 3, at, 'forger', 'tag', item_sha256, '{}', hash, lower(hex(randomblob(32))) FROM history WHERE seq = 2;
         CREATE TRIGGER history_no_update BEFORE UPDATE ON history BEGIN SELECT RAISE(ABORT, 'history is append-only'); END;",
    );
    audit_fails_at(&lib, 3);
}

#[test]
fn audit_catches_the_end_of_the_log_cut_off() {
    let lib = Lib::new();
    history(&lib);
    sqlite(
        &lib,
        "DROP TRIGGER history_no_delete; DELETE FROM history WHERE seq = 5; CREATE TRIGGER history_no_delete BEFORE DELETE ON history BEGIN SELECT RAISE(ABORT, 'history is append-only'); END;",
    );
    let err = audit_fails_at(&lib, 5);
    assert!(err.contains("cut short"), "{err}");
}
