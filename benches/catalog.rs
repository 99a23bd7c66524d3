//! Scaling of a large catalogue: issue 11, targets 4 and 5, at 1 000, 10 000 and 100 000 items.
//!
//!     cargo bench --bench catalog                          # 1 000, 10 000 and 100 000 items
//!     KADR_BENCH_SIZES=1000,10000 cargo bench --bench catalog
//!
//! `generate` builds a synthetic library through the catalogue's public write API only
//! (`Catalog::write`, `Tx::insert_item`, `Tx::tag`, `Tx::place`, `Tx::person`, aliases, place
//! coordinates): seven years of events (2019–2025), each a burst of photos over a few hours; 3 000
//! people (Russian and Kazakh names, a Latin alias for every fifth), 2 100 places (30 cities of
//! Kazakhstan and Kyrgyzstan, 70 sites in each, with coordinates); three items in four tagged
//! with a caption of 6 to 14 Russian and Kazakh words, a place, one to three people and a
//! keyword; two in five with camera GPS near their place; one in four with a typed event date;
//! every item with a perceptual hash, one in ten a near-duplicate of its burst's scene.
//! Every item has a real 64 px JPEG thumbnail in `thumbs/` (256 distinct pictures made with
//! `kadr::ingest::encode_jpeg`). Built libraries are kept in `target/kadr-bench-catalog/` and
//! reused while `GENERATOR` (in `catalog/generate.rs`) is unchanged (delete the folder to rebuild).
//!
//! Each size is measured in a child process of its own (so resident memory is that size's):
//! opening the app to its first frame with the catalogue loaded (and until the near-duplicates,
//! which the app finds next, are in); frames (the egui pass plus
//! tessellation, as `frame` measures) of the grid and the timeline while scrolling and the map
//! while zooming, thumbnails loading; search as you type (`Catalog::search_set` then
//! `view::visible` per keystroke); a timeline range filter (`view::visible` with a range, then
//! `view::chronicle` and `view::histogram`); the real binary's `list --json` and `export --format
//! json`; resident memory after scrolling the whole grid once. One table is printed at the end,
//! each figure beside its target.

#[path = "catalog/generate.rs"]
mod generate;

use generate::library_for;
use kadr::app::{KadrApp, Prefs, View};
use std::process::Command;
use std::time::{Duration, Instant};

/// What one size measured (ms unless named otherwise).
#[derive(Default, Debug, serde::Serialize, serde::Deserialize)]
struct Figures {
    n: usize,
    first_frame_loaded: f64,
    /// Until the near-duplicates are in too (they follow the items: `Event::Paired`).
    paired: f64,
    grid: (f64, f64),
    timeline: (f64, f64),
    map: (f64, f64),
    search: (f64, f64),
    /// The slowest keystroke: what was typed, ms in `search_set`, ms in `view::visible`.
    search_worst: (String, f64, f64),
    range: f64,
    /// Items inside the range.
    range_items: usize,
    list_json: f64,
    export_json: f64,
    rss_mb: f64,
    hwm_mb: f64,
}

fn main() {
    if let Some(n) = std::env::var("KADR_BENCH_ONE")
        .ok()
        .and_then(|s| s.parse().ok())
    {
        let f = measure(n);
        println!("FIGURES {}", serde_json::to_string(&f).unwrap());
        return;
    }
    let sizes: Vec<usize> = std::env::var("KADR_BENCH_SIZES")
        .unwrap_or_else(|_| "1000,10000,100000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let mut all = Vec::new();
    for &n in &sizes {
        // Generate in this process, measure in a child.
        library_for(n);
        let out = Command::new(std::env::current_exe().unwrap())
            .env("KADR_BENCH_ONE", n.to_string())
            .stderr(std::process::Stdio::inherit())
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        match text.lines().find_map(|l| l.strip_prefix("FIGURES ")) {
            Some(json) => all.push(serde_json::from_str::<Figures>(json).unwrap()),
            None => eprintln!("size {n} failed: {text}"),
        }
    }
    print_table(&all);
    for f in &all {
        println!(
            "{} items: slowest keystroke {:?}: search_set {:.2} ms, view::visible {:.2} ms; \
             {} items in the range",
            f.n, f.search_worst.0, f.search_worst.1, f.search_worst.2, f.range_items
        );
    }
}

fn print_table(all: &[Figures]) {
    let mut head = "| figure | target |".to_string();
    let mut rule = "|---|---|".to_string();
    for f in all {
        head += &format!(" {} items |", f.n);
        rule += "---|";
    }
    println!("{head} met at largest |\n{rule}---|");
    type Get = fn(&Figures) -> f64;
    let rows: Vec<(&str, &str, f64, Get, &str)> = vec![
        (
            "open to first loaded frame",
            "< 1 s",
            1000.0,
            |f| f.first_frame_loaded,
            "ms",
        ),
        (
            "… and its near-duplicates paired",
            "(follows)",
            f64::INFINITY,
            |f| f.paired,
            "ms",
        ),
        ("grid frame, median", "< 8 ms", 8.0, |f| f.grid.0, "ms"),
        ("grid frame, p99", "< 16 ms", 16.0, |f| f.grid.1, "ms"),
        (
            "timeline frame, median",
            "< 8 ms",
            8.0,
            |f| f.timeline.0,
            "ms",
        ),
        (
            "timeline frame, p99",
            "< 16 ms",
            16.0,
            |f| f.timeline.1,
            "ms",
        ),
        (
            "map frame (zooming), median",
            "< 8 ms",
            8.0,
            |f| f.map.0,
            "ms",
        ),
        (
            "map frame (zooming), p99",
            "< 16 ms",
            16.0,
            |f| f.map.1,
            "ms",
        ),
        (
            "search as you type, median keystroke",
            "< 20 ms",
            20.0,
            |f| f.search.0,
            "ms",
        ),
        (
            "search as you type, worst keystroke",
            "< 20 ms",
            20.0,
            |f| f.search.1,
            "ms",
        ),
        ("timeline range filter", "< 50 ms", 50.0, |f| f.range, "ms"),
        ("`kadr list --json`", "< 2 s", 2000.0, |f| f.list_json, "ms"),
        (
            "`kadr export --format json`",
            "< 2 s",
            2000.0,
            |f| f.export_json,
            "ms",
        ),
        (
            "resident memory after scrolling the grid",
            "< 500 MB",
            500.0,
            |f| f.rss_mb,
            "MB",
        ),
        (
            "peak resident memory",
            "< 500 MB",
            500.0,
            |f| f.hwm_mb,
            "MB",
        ),
    ];
    for (name, target, limit, get, unit) in rows {
        let mut line = format!("| {name} | {target} |");
        for f in all {
            let v = get(f);
            line += &if v >= 100.0 {
                format!(" {v:.0} {unit} |")
            } else {
                format!(" {v:.2} {unit} |")
            };
        }
        let met = all.last().map(|f| get(f) < limit).unwrap_or(false);
        line += if limit.is_infinite() {
            " — |"
        } else if met {
            " yes |"
        } else {
            " **no** |"
        };
        println!("{line}");
    }
}

fn measure(n: usize) -> Figures {
    let root = library_for(n);
    let mut f = Figures {
        n,
        ..Default::default()
    };
    let input = |events: Vec<egui::Event>| egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(
            egui::Pos2::ZERO,
            egui::vec2(1600.0, 1000.0),
        )),
        events,
        ..Default::default()
    };

    // Opening: the library, the app, frames until the catalogue is loaded and drawn.
    let t = Instant::now();
    let lib = kadr::Library::open(&root).unwrap();
    let ctx = egui::Context::default();
    let mut app = KadrApp::new(&ctx, lib, "bench".into(), Prefs::default());
    loop {
        let out = ctx.run_ui(input(Vec::new()), |ui| app.frame(ui));
        let _ = ctx.tessellate(out.shapes, out.pixels_per_point);
        if app.is_loaded() && app.item_count() == n {
            break;
        }
        std::thread::sleep(Duration::from_millis(1));
        assert!(t.elapsed() < Duration::from_secs(300), "did not load");
    }
    f.first_frame_loaded = t.elapsed().as_secs_f64() * 1000.0;
    while !app.is_paired() {
        let out = ctx.run_ui(input(Vec::new()), |ui| app.frame(ui));
        let _ = ctx.tessellate(out.shapes, out.pixels_per_point);
        std::thread::sleep(Duration::from_millis(1));
        assert!(t.elapsed() < Duration::from_secs(300), "never paired");
    }
    f.paired = t.elapsed().as_secs_f64() * 1000.0;

    let wheel = |dy: f32, at: egui::Pos2| {
        vec![
            egui::Event::PointerMoved(at),
            egui::Event::MouseWheel {
                unit: egui::MouseWheelUnit::Point,
                delta: egui::vec2(0.0, dy),
                modifiers: egui::Modifiers::NONE,
                phase: egui::TouchPhase::Move,
                source: egui::MouseWheelSource::Wheel,
            },
        ]
    };
    let frames =
        |app: &mut KadrApp, view: View, count: usize, ev: &dyn Fn(usize) -> Vec<egui::Event>| {
            app.set_view(view);
            let mut times = Vec::new();
            for i in 0..count {
                let t = Instant::now();
                let out = ctx.run_ui(input(ev(i)), |ui| app.frame(ui));
                let _ = ctx.tessellate(out.shapes, out.pixels_per_point);
                if i >= 10 {
                    times.push(t.elapsed().as_secs_f64() * 1000.0);
                }
                // About 60 frames a second of wall time, so thumbnail loaders keep pace as they
                // would on screen.
                std::thread::sleep(Duration::from_millis(2));
            }
            times.sort_by(|a, b| a.partial_cmp(b).unwrap());
            (times[times.len() / 2], times[times.len() * 99 / 100])
        };
    let centre = egui::pos2(700.0, 500.0);
    f.grid = frames(&mut app, View::Grid, 310, &|_| wheel(-400.0, centre));
    f.timeline = frames(&mut app, View::Timeline, 310, &|_| wheel(-400.0, centre));
    // Zoom in for 40 frames, out for 40, over the map's middle.
    f.map = frames(&mut app, View::Map, 330, &|i| {
        wheel(if (i / 40) % 2 == 0 { 120.0 } else { -120.0 }, centre)
    });

    if std::env::var_os("KADR_BENCH_FRAMES_ONLY").is_some() {
        // For profiling the views alone (`perf record`): stop after the frames.
        return f;
    }
    // The whole grid once (from the top), fast, then resident memory.
    app.set_view(View::Grid);
    for _ in 0..100 {
        let _ = ctx.run_ui(input(wheel(1e6, centre)), |ui| app.frame(ui));
    }
    for _ in 0..(n / 100 + 100) {
        let out = ctx.run_ui(input(wheel(-4000.0, centre)), |ui| app.frame(ui));
        let _ = ctx.tessellate(out.shapes, out.pixels_per_point);
        std::thread::sleep(Duration::from_millis(1));
    }
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb = |key: &str| {
        status
            .lines()
            .find(|l| l.starts_with(key))
            .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
            .unwrap_or(0.0)
            / 1024.0
    };
    f.rss_mb = kb("VmRSS:");
    f.hwm_mb = kb("VmHWM:");
    drop(app);

    // Search as you type: every prefix of each query, as the app's field sends them.
    let lib = kadr::Library::open(&root).unwrap();
    let cat = lib.catalog().unwrap();
    let items = cat.summaries().unwrap();
    let places = cat.places().unwrap();
    let mut keys = Vec::new();
    for q in [
        "митинг",
        "Алматы",
        "кантар",
        "Айгерим Сапаров",
        "Almaty",
        "IMG_04",
    ] {
        let chars: Vec<char> = q.chars().collect();
        for k in 1..=chars.len() {
            let typed: String = chars[..k].iter().collect();
            let filter = kadr::view::ViewFilter {
                text: typed.clone(),
                ..Default::default()
            };
            let t = Instant::now();
            let set = cat.search_set(&typed).unwrap();
            let in_set = t.elapsed().as_secs_f64() * 1000.0;
            let shown = kadr::view::visible(&items, &places, &filter, Some(&set));
            std::hint::black_box(shown);
            let ms = t.elapsed().as_secs_f64() * 1000.0;
            if ms > f.search_worst.1 + f.search_worst.2 {
                f.search_worst = (typed.clone(), in_set, ms - in_set);
            }
            keys.push(ms);
        }
    }
    keys.sort_by(|a, b| a.partial_cmp(b).unwrap());
    f.search = (keys[keys.len() / 2], *keys.last().unwrap());

    // A range of three months dragged on the timeline: the filter, the rows and the histogram.
    let a = chrono::NaiveDate::from_ymd_opt(2022, 1, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    let filter = kadr::view::ViewFilter {
        range: Some((a, a + chrono::Duration::days(90))),
        ..Default::default()
    };
    let s = kadr::i18n::Lang::Ru.strings();
    let mut runs: Vec<f64> = (0..11)
        .map(|_| {
            let t = Instant::now();
            let shown = kadr::view::visible(&items, &places, &filter, None);
            f.range_items = shown.len();
            let rows = kadr::view::chronicle(&items, &shown, s);
            let (lo, hi) = (kadr::view::secs(a), kadr::view::secs(a) + 90.0 * 86_400.0);
            let h = kadr::view::histogram(&items, &shown, lo, hi, 400);
            std::hint::black_box((rows.len(), h));
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    runs.sort_by(|a, b| a.partial_cmp(b).unwrap());
    f.range = runs[runs.len() / 2];
    drop(cat);

    // The real binary, median of 3 runs each.
    let bin = env!("CARGO_BIN_EXE_kadr");
    let out_dir = root.parent().unwrap().join("export-json");
    let run = |args: &[&str]| {
        let mut v: Vec<f64> = (0..3)
            .map(|_| {
                let t = Instant::now();
                let st = Command::new(bin)
                    .arg("--library")
                    .arg(&root)
                    .args(args)
                    .stdout(std::process::Stdio::null())
                    .status()
                    .unwrap();
                assert!(st.success(), "kadr {args:?} failed");
                t.elapsed().as_secs_f64() * 1000.0
            })
            .collect();
        v.sort_by(|a, b| a.partial_cmp(b).unwrap());
        v[1]
    };
    f.list_json = run(&["list", "--json"]);
    let out = out_dir.to_str().unwrap().to_string();
    f.export_json = run(&["export", "--format", "json", "--force", "--out", &out]);
    eprintln!("{n} items: {f:?}");
    f
}
