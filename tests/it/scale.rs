//! `list --json` over a large catalogue: prints how long it takes (no timed assertion: machines
//! differ) and checks the output is whole. Ignored by default:
//!
//!     cargo test --test it scale -- --ignored --nocapture
//!     KADR_BENCH_ITEMS=10000 KADR_BENCH_KEEP=/tmp/lib10k cargo test --test it scale -- --ignored --nocapture
//!
//! The items are made through the catalogue API (no photos): every third dated, every fifth
//! with a place and two people, every seventh with notes and a redaction; some undated.

use kadr::catalog::{NewItem, TagChange};
use kadr::dates::EventDate;
use std::time::Instant;

#[test]
#[ignore]
fn list_json_over_a_large_catalogue() {
    let n: usize = std::env::var("KADR_BENCH_ITEMS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10_000);
    let dir = tempfile::tempdir().unwrap();
    let root = std::env::var_os("KADR_BENCH_KEEP")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| dir.path().join("library"));
    let lib = kadr::Library::open(&root).unwrap();
    let start = Instant::now();
    let mut cat = lib.catalog().unwrap();
    cat.write("bench", |tx| {
        for i in 0..n {
            let id = tx.insert_item(&NewItem {
                sha256: format!("{i:064x}"),
                original_name: format!("IMG_{i:05}.jpg"),
                source_path: format!("/photos/IMG_{i:05}.jpg"),
                stored_path: format!("originals/{i}.jpg"),
                size: 1000 + i as u64,
                format: "jpeg".into(),
                ..Default::default()
            })?;
            let mut change = TagChange {
                caption: Some(Some(format!("Снимок {i}"))),
                add_tags: vec![format!("k{}", i % 13)],
                ..Default::default()
            };
            if i % 3 == 0 {
                let day = 1 + i % 28;
                change.date = Some(Some(
                    EventDate::parse(&format!("2022-01-{day:02}")).unwrap(),
                ));
            }
            if i % 5 == 0 {
                change.place = Some(Some(format!("Алматы > Место {}", i % 17)));
                change.add_people = vec![format!("Человек {}", i % 31), "Жанболат Мамай".into()];
            }
            tx.tag(id, &change)?;
            if i % 7 == 0 {
                tx.review(id, Some("needs-info"), Some("проверить"))?;
                tx.add_redaction(id, 0.1, 0.1, 0.2, 0.2)?;
            }
        }
        Ok(())
    })
    .unwrap();
    println!(
        "{n} items written in {:.1} s",
        start.elapsed().as_secs_f64()
    );

    let mut times = Vec::new();
    let mut bytes = 0;
    for _ in 0..3 {
        let start = Instant::now();
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_kadr"))
            .arg("--library")
            .arg(&root)
            .args(["list", "--json"])
            .output()
            .unwrap();
        times.push(start.elapsed().as_secs_f64());
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v.as_array().unwrap().len(), n);
        bytes = out.stdout.len();
    }
    times.sort_by(f64::total_cmp);
    println!(
        "kadr list --json over {n} items: median {:.3} s (runs {times:.3?}), {:.1} MB of JSON",
        times[1],
        bytes as f64 / 1e6
    );
}
