//! Import throughput and memory, against vipsthumbnail on the same photos in the same run.
//!
//!     python3 ../shared/bench/make_corpus.py --out /tmp/corpus     # 200 photos, 827 MB
//!     KADR_BENCH_CORPUS=/tmp/corpus cargo bench --bench import
//!
//! Prints medians over `KADR_BENCH_RUNS` (default 3) runs: photos/s and MB/s for a full Kadr
//! import (read once, SHA-256, EXIF, 256 px thumbnail + 1024 px preview, fsync, SQLite row)
//! into a fresh library, for `vipsthumbnail --size 256` over the same files on as many
//! processes as Kadr has workers (when it is installed), their ratio, and the peak resident
//! memory of this process.

use std::path::{Path, PathBuf};
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
        .unwrap_or(3);
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
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2);
    println!(
        "corpus: {} files, {:.0} MB, {threads} cores, {runs} runs each",
        files.len(),
        bytes as f64 / 1e6
    );

    // Warm the page cache so both sides read from memory.
    for f in &files {
        let _ = std::fs::read(f);
    }
    let mut kadr = Vec::new();
    let mut vips = Vec::new();
    for run in 0..runs {
        kadr.push(time_kadr(&corpus, files.len()));
        if let Some(t) = time_vips(&files, threads) {
            vips.push(t);
        }
        println!(
            "run {}: kadr {:.2} s{}",
            run + 1,
            kadr[run],
            vips.get(run)
                .map(|v| format!(", vipsthumbnail {v:.2} s"))
                .unwrap_or_default()
        );
    }
    let n = files.len() as f64;
    let k = median(&mut kadr);
    println!(
        "kadr import:            median {:.2} s = {:.1} photos/s, {:.0} MB/s",
        k,
        n / k,
        bytes as f64 / 1e6 / k
    );
    if !vips.is_empty() {
        let v = median(&mut vips);
        println!(
            "vipsthumbnail --size 256: median {:.2} s = {:.1} photos/s",
            v,
            n / v
        );
        println!("ratio kadr/vips (photos/s): {:.2}", v / k);
    } else {
        println!("vipsthumbnail not found: install libvips-tools for the reference run");
    }
    if let Some(rss) = peak_rss_mb() {
        println!("peak resident memory of the import process: {rss:.0} MB");
    }
}

fn time_kadr(corpus: &Path, expected: usize) -> f64 {
    let dir = tempfile::tempdir().unwrap();
    let lib = kadr::Library::open(&dir.path().join("lib")).unwrap();
    // KADR_BENCH_THREADS: worker threads (default: the importer's own choice).
    let threads = std::env::var("KADR_BENCH_THREADS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let options = kadr::ingest::ImportOptions {
        actor: "bench".into(),
        threads,
    };
    let start = Instant::now();
    let report = kadr::ingest::import(
        &lib,
        &[corpus.to_path_buf()],
        &options,
        &AtomicBool::new(false),
        |_| {},
    )
    .unwrap();
    let t = start.elapsed().as_secs_f64();
    assert_eq!(
        report.imported.len() + report.duplicates.len() + report.failed.len(),
        expected
    );
    t
}

fn time_vips(files: &[PathBuf], procs: usize) -> Option<f64> {
    std::process::Command::new("vipsthumbnail")
        .arg("--vips-version")
        .output()
        .ok()?;
    let out = tempfile::tempdir().unwrap();
    let start = Instant::now();
    let chunks: Vec<&[PathBuf]> = files.chunks(files.len().div_ceil(procs)).collect();
    std::thread::scope(|s| {
        for (i, chunk) in chunks.iter().enumerate() {
            let out = out.path().join(i.to_string());
            std::fs::create_dir_all(&out).unwrap();
            s.spawn(move || {
                // One process per worker, all its files at once: no per-file start-up cost.
                let target = format!("{}/%s.jpg", out.display());
                let _ = std::process::Command::new("vipsthumbnail")
                    .args(chunk.iter())
                    .args(["--size", "256", "-o", &target])
                    .output();
            });
        }
    });
    Some(start.elapsed().as_secs_f64())
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}
