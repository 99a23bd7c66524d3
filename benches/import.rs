//! Import speed against reference tools on the same photos, in the same run.
//!
//!     python3 ../shared/bench/make_corpus.py --out /tmp/corpus     # 200 photos, 827 MB
//!     KADR_BENCH_CORPUS=/tmp/corpus cargo bench --bench import
//!
//! Each round runs, one after the other: a full Kadr import into a fresh library (read once,
//! SHA-256, EXIF, 256 px thumbnail + inspector preview, copy + fsync, SQLite rows);
//! `vipsthumbnail --size 256`; the Python pipeline `../shared/bench/pillow_pipeline.py`
//! (SHA-256 + EXIF + Pillow draft thumbnail + SQLite row); the same Kadr import again (every
//! file a duplicate: read and hashed whole, nothing written); `openssl dgst -sha256`. Every
//! reference runs on as many processes as Kadr has workers (one per core); a reference that is
//! not installed is left out. Prints the median of `KADR_BENCH_RUNS` (default 5) rounds as one
//! table: figure, Kadr, reference, ratio (Kadr's time over the reference's: below 1 is faster).
//! `KADR_BENCH_THREADS` sets Kadr's worker count (default: one per core).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

fn main() {
    let Some(corpus) = std::env::var_os("KADR_BENCH_CORPUS").map(PathBuf::from) else {
        eprintln!("set KADR_BENCH_CORPUS to a folder of photos (see ../shared/bench/README.md)");
        return;
    };
    let runs: usize = std::env::var("KADR_BENCH_RUNS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(5)
        .max(1);
    let threads: usize = std::env::var("KADR_BENCH_THREADS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let procs = match threads {
        0 => std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2),
        n => n,
    };
    let files: Vec<PathBuf> = walkdir::WalkDir::new(&corpus)
        .sort_by_file_name()
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect();
    let bytes: u64 = files
        .iter()
        .map(|f| f.metadata().map(|m| m.len()).unwrap_or(0))
        .sum();
    println!(
        "corpus: {} files, {:.0} MB; {procs} processes/workers; median of {runs} alternating rounds",
        files.len(),
        bytes as f64 / 1e6
    );
    // Warm the page cache so every tool reads from memory.
    for f in &files {
        let _ = std::fs::read(f);
    }
    let work = tempfile::tempdir().unwrap();
    let list = work.path().join("files.txt");
    let names: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
    std::fs::write(&list, names.join("\n")).unwrap();
    let pillow_script =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/bench/pillow_pipeline.py");
    let have_vips = installed("vipsthumbnail", &["--vips-version"]);
    let have_openssl = installed("openssl", &["version"]);
    let have_pillow = pillow_script.is_file() && installed("python3", &["-c", "import PIL"]);

    let mut t = Times::default();
    for round in 0..runs {
        let lib_dir = work.path().join(format!("lib{round}"));
        let lib = kadr::Library::open(&lib_dir).unwrap();
        let (fresh, imported) = time_kadr(&lib, &corpus, threads);
        assert_eq!(imported.0 + imported.1 + imported.2, files.len());
        t.kadr.push(fresh);
        if have_vips {
            t.vips.push(time_vips(&files, procs, work.path()));
        }
        if have_pillow {
            t.pillow.push(time_pillow(&pillow_script, &list, procs));
        }
        let (again, counts) = time_kadr(&lib, &corpus, threads);
        assert_eq!(counts.0, 0, "a second import finds only duplicates");
        t.reimport.push(again);
        if have_openssl {
            t.openssl.push(time_openssl(&files, procs));
        }
        drop(lib);
        let _ = std::fs::remove_dir_all(&lib_dir);
        eprintln!(
            "round {}: import {:.2} s, vips {}, pillow {}, re-import {:.3} s, openssl {}",
            round + 1,
            fresh,
            last(&t.vips),
            last(&t.pillow),
            again,
            last(&t.openssl)
        );
    }

    let n = files.len() as f64;
    let k = median(&t.kadr);
    let r = median(&t.reimport);
    println!();
    println!("| figure | Kadr | reference | ratio |");
    println!("|---|---|---|---|");
    let row = |figure: &str, kadr: f64, reference: Option<(String, f64)>| match reference {
        Some((name, v)) => println!(
            "| {figure} | {kadr:.2} s ({:.1} files/s) | {name}: {v:.2} s ({:.1} files/s) | {:.2} |",
            n / kadr,
            n / v,
            kadr / v
        ),
        None => println!(
            "| {figure} | {kadr:.2} s ({:.1} files/s) | not installed | - |",
            n / kadr
        ),
    };
    let vips = (!t.vips.is_empty()).then(|| (vips_name(procs), median(&t.vips)));
    row("fresh import", k, vips);
    let pillow = (!t.pillow.is_empty()).then(|| (pillow_name(procs), median(&t.pillow)));
    row("fresh import", k, pillow);
    let openssl = (!t.openssl.is_empty()).then(|| (openssl_name(procs), median(&t.openssl)));
    row("re-import (all duplicates)", r, openssl);
    println!();
    println!(
        "targets: fresh import <= 0.80 x vipsthumbnail and <= 1.00 x the Pillow pipeline; re-import <= 1.10 x openssl"
    );
    if let Some(rss) = peak_rss_mb() {
        println!("peak resident memory of this process: {rss:.0} MB");
    }
}

#[derive(Default)]
struct Times {
    kadr: Vec<f64>,
    vips: Vec<f64>,
    pillow: Vec<f64>,
    reimport: Vec<f64>,
    openssl: Vec<f64>,
}

fn vips_name(procs: usize) -> String {
    format!("vipsthumbnail --size 256, {procs} processes")
}

fn pillow_name(procs: usize) -> String {
    format!("pillow_pipeline.py, {procs} processes")
}

fn openssl_name(procs: usize) -> String {
    format!("openssl dgst -sha256, {procs} processes")
}

fn last(v: &[f64]) -> String {
    v.last()
        .map(|s| format!("{s:.3} s"))
        .unwrap_or_else(|| "-".into())
}

fn installed(program: &str, args: &[&str]) -> bool {
    Command::new(program)
        .args(args)
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Seconds, and (imported, duplicates, failed).
fn time_kadr(lib: &kadr::Library, corpus: &Path, threads: usize) -> (f64, (usize, usize, usize)) {
    let options = kadr::ingest::ImportOptions {
        actor: "bench".into(),
        threads,
    };
    let start = Instant::now();
    let report = kadr::ingest::import(
        lib,
        &[corpus.to_path_buf()],
        &options,
        &AtomicBool::new(false),
        |_| {},
    )
    .unwrap();
    let t = start.elapsed().as_secs_f64();
    (
        t,
        (
            report.imported.len(),
            report.duplicates.len(),
            report.failed.len(),
        ),
    )
}

/// Runs one process per chunk of `files` (each given its whole chunk: no per-file start-up
/// cost), all at once; returns the wall time until the last one ends.
fn time_chunks(
    files: &[PathBuf],
    procs: usize,
    command: impl Fn(usize, &[PathBuf]) -> Command + Sync,
) -> f64 {
    let chunks: Vec<&[PathBuf]> = files.chunks(files.len().div_ceil(procs).max(1)).collect();
    let start = Instant::now();
    std::thread::scope(|s| {
        for (i, chunk) in chunks.iter().enumerate() {
            let command = &command;
            s.spawn(move || {
                let out = command(i, chunk).output().expect("the reference runs");
                assert!(
                    out.status.success(),
                    "{}",
                    String::from_utf8_lossy(&out.stderr)
                );
            });
        }
    });
    start.elapsed().as_secs_f64()
}

fn time_vips(files: &[PathBuf], procs: usize, work: &Path) -> f64 {
    let out = work.join("vips");
    let _ = std::fs::remove_dir_all(&out);
    for i in 0..procs {
        std::fs::create_dir_all(out.join(i.to_string())).unwrap();
    }
    time_chunks(files, procs, |i, chunk| {
        let mut c = Command::new("vipsthumbnail");
        c.args(chunk).args([
            "--size",
            "256",
            "-o",
            &format!("{}/{i}/%s.jpg", out.display()),
        ]);
        c
    })
}

fn time_openssl(files: &[PathBuf], procs: usize) -> f64 {
    time_chunks(files, procs, |_, chunk| {
        let mut c = Command::new("openssl");
        c.args(["dgst", "-sha256"]).args(chunk);
        c
    })
}

fn time_pillow(script: &Path, list: &Path, procs: usize) -> f64 {
    let start = Instant::now();
    let out = Command::new("python3")
        .arg(script)
        .arg(list)
        .arg(procs.to_string())
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    start.elapsed().as_secs_f64()
}

fn median(v: &[f64]) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}
