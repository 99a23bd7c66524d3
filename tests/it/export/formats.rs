//! The CSV and HTML formats: the CSV parsed back by Python's csv module (or our own RFC 4180
//! parser where Python is not installed), the HTML read as the chronicle, escaped and offline.

use super::{TRICKY_CAPTION, export, library, out_dir};
use crate::checks;
use std::process::Command;

#[test]
fn csv_parses_back_with_pythons_csv_module() {
    let (lib, shas) = library();
    let out = out_dir(&lib, "csv");
    let r = export(&lib, &["--format", "csv", "--out", out.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let raw = std::fs::read(out.join("items.csv")).unwrap();
    assert!(!raw.starts_with(&[0xef, 0xbb, 0xbf]), "no BOM");
    let ours = checks::parse_csv(std::str::from_utf8(&raw).expect("the CSV is UTF-8"))
        .unwrap_or_else(|e| panic!("the CSV is not RFC 4180: {e}"));
    let py = checks::run_outside(
        Command::new("python3")
            .args([
                "-c",
                "import csv, json, sys\n\
                 with open(sys.argv[1], newline='', encoding='utf-8') as f:\n\
                 \x20   print(json.dumps(list(csv.reader(f))))",
            ])
            .arg(out.join("items.csv")),
    );
    let rows: Vec<Vec<String>> = match py {
        Ok(py) => {
            assert!(
                py.status.success(),
                "{}",
                String::from_utf8_lossy(&py.stderr)
            );
            let rows: Vec<Vec<String>> = serde_json::from_slice(&py.stdout).unwrap();
            assert_eq!(
                ours, rows,
                "our CSV parser and Python's csv module disagree"
            );
            rows
        }
        Err(why) => {
            eprintln!(
                "skipped the check with Python's csv module: {why}; parsed the CSV with our own RFC 4180 parser instead"
            );
            ours
        }
    };
    assert_eq!(
        rows[0],
        [
            "id",
            "sha256",
            "original_name",
            "capture_time",
            "event_date",
            "place",
            "people",
            "caption",
            "tags",
            "review_status",
            "gps_lat",
            "gps_lon",
            "camera",
            "size",
            "format",
            "media",
            "duration_s",
            "incomplete"
        ]
    );
    assert_eq!(rows.len(), 5);
    assert!(rows.iter().all(|r| r.len() == 18), "{rows:?}");
    let by_sha = |sha: &str| rows.iter().find(|r| r[1] == sha).unwrap();
    let tricky = by_sha(&shas[1]);
    assert_eq!(tricky[7], TRICKY_CAPTION);
    assert_eq!(tricky[5], "Алматы > Площадь Республики");
    let first = by_sha(&shas[0]);
    assert_eq!(first[2], "шествие.jpg");
    assert_eq!(first[3], "2022-01-04T19:32:10+06:00");
    assert_eq!(first[4], "2022-01-04 evening");
    assert_eq!(first[6], "Жанболат Мамай");
    assert_eq!(first[9], "unreviewed");
    assert_eq!(first[14], "jpeg");
}

#[test]
fn html_reads_like_the_chronicle_and_stays_offline() {
    let (lib, shas) = library();
    // Something that must be escaped.
    let r = lib.run(&[
        "tag",
        &shas[3],
        "--caption",
        "<script>alert(1)</script> & co",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let out = out_dir(&lib, "html");
    let r = export(&lib, &["--format", "html", "--out", out.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(html.contains("<html lang=\"ru\">"), "{html}");
    assert!(html.contains("<meta charset=\"utf-8\">"));
    assert!(html.contains("4 января 2022 · вечер"), "{html}");
    assert!(html.contains("15 мая 2022"), "{html}");
    assert!(html.contains("Шествие в Алматы"));
    assert!(html.contains("Алматы › парк Первого Президента"));
    assert!(html.contains("Жанболат Мамай"));
    assert!(html.contains("не проверено"));
    for sha in &shas {
        assert!(html.contains(sha.as_str()), "{sha}");
        assert!(
            out.join(format!("thumbs/{sha}.jpg")).is_file(),
            "thumb of {sha}"
        );
    }
    assert!(html.contains("&quot;стреляют&quot;"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; co"));
    assert!(!html.contains("<script"));
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "{html}"
    );
    assert!(!html.contains("<link"));
    // Timeline order: January before May before the undated item.
    let pos = |s: &str| html.find(s).unwrap_or_else(|| panic!("{s}"));
    assert!(pos(&shas[0]) < pos(&shas[1]));
    assert!(pos(&shas[1]) < pos(&shas[2]));
    assert!(pos(&shas[2]) < pos(&shas[3]));
}
