//! Bad files: each is reported with a one-line reason, the rest is imported, exit status 1.
//! Damaged photos and videos are evidence, not bad files: they are catalogued as incomplete.

use crate::fixtures::{self, Jpeg};
use crate::util::{Lib, failure};

#[test]
fn bad_files_are_reported_and_the_import_goes_on() {
    let lib = Lib::new();
    let good = fixtures::jpeg(120, 80, 1, Jpeg::Baseline, None);
    lib.write("01_good.jpg", &good);
    lib.write("02_empty.jpg", b"");
    lib.write("03_notes.txt", "Заметки: встреча у акимата\n".as_bytes());
    lib.write("04_random.jpg", &fixtures::random_bytes(4096, 7));
    lib.write("05_truncated.jpg", &good[..good.len() / 2]);
    lib.write("06_bomb.jpg", &fixtures::jpeg_bomb());
    lib.write("07_bomb.png", &fixtures::png_bomb());
    let png = fixtures::encode(120, 80, 3, image::ImageFormat::Png);
    lib.write("08_truncated.png", &png[..png.len() / 2]);
    lib.write("09_video.mp4", b"\0\0\0\x18ftypisom\0\0\x02\0isomiso2");
    lib.write("10_also_good.png", &png);
    assert_eq!(fixtures::jpeg_bomb().len(), 74);

    let missing = lib.src().join("no_such_file.jpg");
    let (run, report) = lib.import(&[&lib.src(), &missing]);
    assert_eq!(run.code, 1, "a failed file makes the exit status 1");
    let names: Vec<&str> = report["imported"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["original_name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "01_good.jpg",
            "05_truncated.jpg",
            "08_truncated.png",
            "09_video.mp4",
            "10_also_good.png"
        ],
        "{report:#}"
    );
    assert_eq!(report["failed"].as_array().unwrap().len(), 5, "{report:#}");
    assert_eq!(report["skipped"][0]["reason"], "not media: a text file");

    assert!(failure(&report, "02_empty.jpg").contains("empty"));
    assert!(failure(&report, "04_random.jpg").contains("not a photo"));
    for cut in ["05_truncated.jpg", "08_truncated.png", "09_video.mp4"] {
        let sha = crate::util::imported(&report, cut)["sha256"]
            .as_str()
            .unwrap();
        assert_eq!(lib.show(sha)["incomplete"], true, "{cut}");
    }
    assert!(
        failure(&report, "06_bomb.jpg").contains("60000 x 60000"),
        "{}",
        failure(&report, "06_bomb.jpg")
    );
    assert!(
        failure(&report, "07_bomb.png").contains("60000 x 60000"),
        "{}",
        failure(&report, "07_bomb.png")
    );
    assert!(failure(&report, "no_such_file.jpg").contains("no such file"));

    // One line per problem on stderr, path last.
    for f in report["failed"].as_array().unwrap() {
        let path = f["path"].as_str().unwrap();
        let line = run
            .stderr
            .lines()
            .find(|l| l.ends_with(path))
            .unwrap_or_else(|| panic!("no line for {path}:\n{}", run.stderr));
        assert!(line.starts_with("kadr: "), "{line}");
    }
    // Nothing of the bad files reached the library.
    assert_eq!(lib.files("originals").len(), 5);
    assert!(lib.files("tmp").is_empty());
}

#[test]
fn a_bad_file_never_harms_what_is_catalogued() {
    let lib = Lib::new();
    lib.write(
        "first/a.jpg",
        &fixtures::jpeg(64, 64, 1, Jpeg::Baseline, None),
    );
    let (run, _) = lib.import(&[&lib.src().join("first")]);
    assert_eq!(run.code, 0);
    lib.write("second/bad.jpg", &fixtures::random_bytes(100, 3));
    let (run, report) = lib.import(&[&lib.src().join("second")]);
    assert_eq!(run.code, 1);
    assert_eq!(report["failed"].as_array().unwrap().len(), 1);
    assert_eq!(lib.list(&[]).len(), 1, "the earlier item is still there");
    assert_eq!(lib.run(&["verify"]).code, 0);
}

#[test]
fn usage_errors_exit_2() {
    let lib = Lib::new();
    assert_eq!(lib.run(&["import"]).code, 2, "import needs a path");
    assert_eq!(lib.run(&["frobnicate"]).code, 2);
    assert_eq!(lib.run(&["list", "--status", "maybe"]).code, 2);
    let r = lib.run(&["list", "--from", "yesterday"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("yesterday"), "{}", r.stderr);
    assert_eq!(
        r.stderr.lines().count(),
        1,
        "usage errors are one line too: {}",
        r.stderr
    );
    assert!(r.stderr.starts_with("kadr: "), "{}", r.stderr);
    let r = lib.run(&["show", "deadbeef"]);
    assert_eq!(r.code, 1, "an unknown item is a failure, not a usage error");
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
}

#[test]
fn a_library_path_that_is_a_file_is_refused_clearly() {
    let lib = Lib::new();
    std::fs::write(lib.root(), b"not a folder").unwrap();
    let r = lib.run(&["list"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.trim_end().ends_with(lib.root().to_str().unwrap()),
        "{}",
        r.stderr
    );
}
