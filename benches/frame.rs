//! Frame cost of the desktop app with a large catalogue, measured without a window.
//!
//!     cargo bench --bench frame                 # 100 000 items
//!     KADR_BENCH_ITEMS=20000 cargo bench --bench frame
//!
//! Builds a library of synthetic items (capture times over 2022, every 20th tagged with a
//! date, place and person), opens the app on it, waits for the catalogue to load, then scrolls
//! the grid and the timeline frame by frame. Prints how long loading took and the median and
//! 95th percentile of one frame (the egui pass plus tessellation, i.e. all CPU work but the
//! GPU upload), the first frame of each view (which builds its cached layout), and the
//! process's peak resident memory.

use kadr::app::{KadrApp, Prefs, View};
use kadr::catalog::{NewItem, TagChange};
use kadr::dates::EventDate;
use std::time::{Duration, Instant};

fn main() {
    let n: usize = std::env::var("KADR_BENCH_ITEMS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir().unwrap();
    let lib = kadr::Library::open(&dir.path().join("lib")).unwrap();
    let start = Instant::now();
    fill(&lib, n);
    println!(
        "catalogue of {n} items written in {:.1} s",
        start.elapsed().as_secs_f64()
    );

    let ctx = egui::Context::default();
    let mut app = KadrApp::new(&ctx, lib, "bench".into(), Prefs::default());
    let input = |events: Vec<egui::Event>| egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(
            egui::Pos2::ZERO,
            egui::vec2(1600.0, 1000.0),
        )),
        events,
        ..Default::default()
    };
    let start = Instant::now();
    while !(app.is_loaded() && app.item_count() == n) {
        let _ = ctx.run_ui(input(Vec::new()), |ui| app.frame(ui));
        std::thread::sleep(Duration::from_millis(5));
        assert!(
            start.elapsed() < Duration::from_secs(300),
            "the catalogue did not load"
        );
    }
    println!(
        "app loaded {n} summaries in {:.2} s",
        start.elapsed().as_secs_f64()
    );

    for (name, view) in [("grid", View::Grid), ("timeline", View::Timeline)] {
        app.set_view(view);
        let mut times = Vec::new();
        for frame in 0..150 {
            // Scroll down over the centre, fast, as someone looking for a day would.
            let events = vec![
                egui::Event::PointerMoved(egui::pos2(700.0, 500.0)),
                egui::Event::MouseWheel {
                    unit: egui::MouseWheelUnit::Point,
                    delta: egui::vec2(0.0, -400.0),
                    modifiers: egui::Modifiers::NONE,
                    phase: egui::TouchPhase::Move,
                    source: egui::MouseWheelSource::Wheel,
                },
            ];
            let t = Instant::now();
            let out = ctx.run_ui(input(events), |ui| app.frame(ui));
            let _ = ctx.tessellate(out.shapes, out.pixels_per_point);
            let ms = t.elapsed().as_secs_f64() * 1000.0;
            if frame == 0 {
                // The first frame of a view builds its cached rows (day headers, offsets).
                println!("{name:>8}: first frame {ms:.1} ms");
            } else if frame >= 10 {
                times.push(ms);
            }
        }
        times.sort_by(|a, b| a.partial_cmp(b).unwrap());
        println!(
            "{name:>8}: frame median {:.2} ms, p95 {:.2} ms over {} scrolling frames",
            times[times.len() / 2],
            times[times.len() * 95 / 100],
            times.len()
        );
    }
    if let Some(kb) = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
    {
        println!("peak resident memory: {:.0} MB", kb / 1024.0);
    }
}

/// `n` items without files (the app draws a format placeholder for them), in one transaction.
fn fill(lib: &kadr::Library, n: usize) {
    let mut cat = lib.catalog().unwrap();
    let base = chrono::NaiveDate::from_ymd_opt(2022, 1, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    cat.write("bench", |tx| {
        for i in 0..n {
            let sha = format!("{:064x}", i as u128 * 0x9E37_79B9_7F4A_7C15 + 1);
            let mut item = NewItem {
                stored_path: format!("originals/{}/{sha}.jpg", &sha[..2]),
                sha256: sha.clone(),
                original_name: format!("IMG_{i:06}.JPG"),
                source_path: format!("/photos/IMG_{i:06}.JPG"),
                size: 4_000_000,
                format: "jpeg".into(),
                width: Some(4000),
                height: Some(3000),
                has_preview: false,
                ..Default::default()
            };
            item.exif.capture_local =
                Some(base + chrono::Duration::seconds((i as i64 * 7919) % (365 * 86_400)));
            let id = tx.insert_item(&item)?;
            if i % 20 == 0 {
                let day = 1 + (i / 20) % 28;
                tx.tag(
                    id,
                    &TagChange {
                        date: Some(EventDate::parse(&format!("2022-01-{day:02} evening")).ok()),
                        place: Some(Some("Алматы > Площадь Республики".into())),
                        add_people: vec![format!("Person {}", i % 500)],
                        add_tags: vec![format!("tag{}", i % 50)],
                        caption: Some(Some(format!("Caption of item {i}"))),
                        ..Default::default()
                    },
                )?;
            }
        }
        Ok(())
    })
    .unwrap();
}
