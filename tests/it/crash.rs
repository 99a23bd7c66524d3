//! An import killed midway leaves complete items or nothing, and the next run finishes the job.

use crate::fixtures::{self, Jpeg};
use crate::util::Lib;
use std::time::{Duration, Instant};

#[test]
fn an_import_killed_midway_leaves_complete_items_or_nothing() {
    let lib = Lib::new();
    let total = 120;
    for i in 0..total {
        lib.write(
            &format!("batch/IMG_{i:04}.jpg"),
            &fixtures::jpeg(1200, 900, i, Jpeg::Baseline, None),
        );
    }
    // Create the library first so the child only imports.
    assert_eq!(lib.run(&["list"]).code, 0);

    let mut child = lib.command().arg("import").arg(lib.src()).spawn().unwrap();
    let start = Instant::now();
    loop {
        let n = lib.files("originals").len();
        if n >= 5 || start.elapsed() > Duration::from_secs(60) {
            break;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    child.kill().unwrap(); // SIGKILL: no chance to clean up
    child.wait().unwrap();

    let on_disk_before = lib.files("originals").len();
    let listed = lib.list(&[]); // opening the library cleans stray temp files
    assert!(
        listed.len() < total as usize,
        "the kill came too late to test anything ({} items)",
        listed.len()
    );
    assert!(
        lib.files("tmp").is_empty(),
        "stray temp files survived the next open: {:?}",
        lib.files("tmp")
    );
    // Every catalogued item has its complete original.
    let verify = lib.run(&["verify", "--json"]);
    assert_eq!(verify.code, 0, "{}\n{}", verify.stdout, verify.stderr);
    assert_eq!(verify.json()["ok"].as_u64().unwrap() as usize, listed.len());
    // Nothing in originals/ is a partial file: every name is the hash of its content.
    for rel in lib.files("originals") {
        let path = lib.root().join("originals").join(&rel);
        let sha = kadr::vault::hash_file(&path).unwrap();
        assert!(rel.contains(&sha), "{rel} is not a complete original");
    }
    assert!(on_disk_before >= listed.len());

    // Running the import again completes it; nothing is doubled.
    let (run, report) = lib.import(&[&lib.src()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        report["imported"].as_array().unwrap().len() + listed.len(),
        total as usize
    );
    assert_eq!(lib.list(&[]).len(), total as usize);
    assert_eq!(lib.files("originals").len(), total as usize);
    assert_eq!(lib.run(&["verify"]).code, 0);
}
