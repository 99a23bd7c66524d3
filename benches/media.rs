//! HEIC, RAW and video imports, per file, against reference tools on the same files in the
//! same run.
//!
//!     cargo bench --bench media
//!     KADR_BENCH_RAW=/path/to/raw/files cargo bench --bench media   # real RAW files as well
//!
//! The material is made at run time in a temp folder, from tools when they are installed:
//! photo-like JPEGs from `../shared/bench/make_corpus.py` (else generated here), HEIC from them
//! with `heif-enc`; H.264 clips (MP4 and MOV, 1080p, 3 to 10 s, with AAC sound, a creation time
//! and a GPS location) with `ffmpeg`; DNG-like RAW files written here (`media/dng.rs`): a
//! full-size JPEG preview and an uncompressed sensor strip, at two strip sizes, so that what
//! the strip's size costs shows. `KADR_BENCH_RAW=DIR` adds a row for the RAW files in DIR.
//!
//! Each round imports every set into a fresh library through the library API (as
//! `benches/import.rs` does: one worker per core), then runs the set's references with as many
//! processes at once as Kadr has workers. Figures are wall time over the set divided by its
//! files, median of `KADR_BENCH_RUNS` (default 3) rounds. A reference not installed is a row
//! that says so. A second table splits each import's time: the same import again (every file a
//! duplicate: read and hashed whole, nothing written), writing and fsyncing the same bytes, and
//! the rest. `KADR_BENCH_FILES` sets the number of files per set (default 12; 20 clips).
//! `KADR_BENCH_MEDIA_DIR=DIR` keeps the material in DIR and reuses it on the next run.

#[path = "media/dng.rs"]
mod dng;
#[path = "media/material.rs"]
mod material;

use material::*;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Instant;

fn main() {
    let runs = env_usize("KADR_BENCH_RUNS").unwrap_or(3).max(1);
    let files = env_usize("KADR_BENCH_FILES");
    let procs = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2);
    let temp = tempfile::tempdir().unwrap();
    let material = match std::env::var_os("KADR_BENCH_MEDIA_DIR") {
        Some(d) => PathBuf::from(d),
        None => temp.path().join("material"),
    };
    std::fs::create_dir_all(&material).unwrap();
    let work = temp.path().join("work");
    std::fs::create_dir_all(&work).unwrap();
    println!("{procs} Kadr workers / reference processes; median of {runs} rounds");

    let mut sets: Vec<Set> = Vec::new();
    let photos = source_jpegs(&material, files.unwrap_or(12) + 4);
    sets.push(heic_set(&material, &photos, files.unwrap_or(12)));
    for strip_mb in [20, 80] {
        sets.push(raw_set(&material, &photos, files.unwrap_or(12), strip_mb));
    }
    if let Some(dir) = std::env::var_os("KADR_BENCH_RAW") {
        sets.push(real_raw_set(Path::new(&dir)));
    }
    sets.push(video_set(&material, files.unwrap_or(20)));

    let mut results: Vec<Measured> = sets.iter().map(|_| Measured::default()).collect();
    for round in 0..runs {
        for (set, m) in sets.iter().zip(&mut results) {
            if set.files.is_empty() {
                continue;
            }
            measure_round(set, m, &work, procs, round == 0);
        }
        eprintln!("round {} of {runs} done", round + 1);
    }
    print_table(&sets, &results);
    print_costs(&sets, &results);
}

/// One set of files of a format, and the references to run on it.
struct Set {
    format: String,
    dir: PathBuf,
    files: Vec<PathBuf>,
    /// Why there are no files (a tool to make them is missing).
    missing: Option<String>,
    /// Made by this bench: every file must import.
    made: bool,
    references: Vec<Reference>,
}

struct Reference {
    name: String,
    /// None: not installed (the row says so).
    run: Option<RefRun>,
}

#[derive(Clone, Copy)]
enum RefRun {
    /// `heif-convert IN OUT.jpg`, one process per file.
    HeifConvert,
    /// `exiftool -b -PreviewImage IN > OUT`, one process per file.
    ExiftoolEach,
    /// `exiftool -b -PreviewImage -w OUT/%f.jpg FILES...`, one process per worker.
    ExiftoolBatch,
    /// `ffmpeg -ss 1 -i IN -frames:v 1 -vf scale=256:-1 OUT.jpg`, one process per file.
    Ffmpeg,
    /// ffmpeg as Kadr runs it for a poster frame: the first frame, at most 1024 px, as PPM.
    FfmpegAsKadr,
}

#[derive(Default)]
struct Measured {
    /// Seconds per round for the whole set.
    kadr: Vec<f64>,
    /// The same import again: every file a duplicate, read and hashed whole, nothing written.
    reimport: Vec<f64>,
    /// Writing each file's bytes to a new file and fsyncing it, as an import stores originals.
    store: Vec<f64>,
    refs: Vec<Vec<f64>>,
    ref_rss_kb: Vec<Option<u64>>,
    ref_failed: Vec<usize>,
    kadr_rss_kb: u64,
    /// (with preview, with capture time, with GPS) after the first round.
    checked: (usize, usize, usize),
}

fn measure_round(set: &Set, m: &mut Measured, work: &Path, procs: usize, first: bool) {
    let n = set.files.len();
    if m.refs.is_empty() {
        m.refs = vec![Vec::new(); set.references.len()];
        m.ref_rss_kb = vec![None; set.references.len()];
        m.ref_failed = vec![0; set.references.len()];
    }
    for f in &set.files {
        let _ = std::fs::read(f); // warm the page cache for Kadr and the references alike
    }
    let lib_dir = work.join("lib");
    let _ = std::fs::remove_dir_all(&lib_dir);
    let lib = kadr::Library::open(&lib_dir).unwrap();
    reset_hwm();
    let (secs, counts) = import(&lib, &set.dir);
    m.kadr_rss_kb = m.kadr_rss_kb.max(vm_hwm_kb().unwrap_or(0));
    if set.made {
        assert_eq!(counts, (n, 0, 0), "{}: every file imported", set.format);
    }
    m.kadr.push(secs);
    if first {
        let items = lib.catalog().unwrap().summaries().unwrap();
        m.checked = (
            items.iter().filter(|i| i.has_preview).count(),
            items.iter().filter(|i| i.capture.is_some()).count(),
            items.iter().filter(|i| i.gps.is_some()).count(),
        );
    }
    let (again, counts) = import(&lib, &set.dir);
    assert_eq!(counts.0, 0, "a second import finds only duplicates");
    m.reimport.push(again);
    m.store.push(time_store(&set.files, procs, work));
    drop(lib);
    let _ = std::fs::remove_dir_all(&lib_dir);
    for (i, r) in set.references.iter().enumerate() {
        let Some(run) = r.run else { continue };
        let out = work.join("ref");
        let _ = std::fs::remove_dir_all(&out);
        std::fs::create_dir_all(&out).unwrap();
        let (secs, failed) = time_reference(run, &set.files, procs, &out);
        m.refs[i].push(secs);
        m.ref_failed[i] = m.ref_failed[i].max(failed);
        if first {
            let _ = std::fs::remove_dir_all(&out);
            std::fs::create_dir_all(&out).unwrap();
            m.ref_rss_kb[i] = reference_rss(run, &set.files, procs, &out);
        }
        let _ = std::fs::remove_dir_all(&out);
    }
}

/// Seconds, and (imported, duplicates, failed).
fn import(lib: &kadr::Library, dir: &Path) -> (f64, (usize, usize, usize)) {
    let options = kadr::ingest::ImportOptions {
        actor: "bench".into(),
        threads: 0,
    };
    let start = Instant::now();
    let report = kadr::ingest::import(
        lib,
        &[dir.to_path_buf()],
        &options,
        &AtomicBool::new(false),
        |_| {},
    )
    .unwrap();
    let secs = start.elapsed().as_secs_f64();
    for f in &report.failed {
        eprintln!("failed: {}: {}", f.path, f.error);
    }
    (
        secs,
        (
            report.imported.len(),
            report.duplicates.len(),
            report.failed.len(),
        ),
    )
}

/// Wall time of writing every file's bytes (already in memory) to a new file and fsyncing it,
/// `procs` files at once: what storing the originals costs by itself.
fn time_store(files: &[PathBuf], procs: usize, work: &Path) -> f64 {
    let dir = work.join("store");
    std::fs::create_dir_all(&dir).unwrap();
    let next = AtomicUsize::new(0);
    let busy = Mutex::new(0.0f64);
    std::thread::scope(|s| {
        for _ in 0..procs {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(f) = files.get(i) else { break };
                    let bytes = std::fs::read(f).unwrap();
                    let out = dir.join(i.to_string());
                    let start = Instant::now();
                    let mut file = std::fs::File::create(&out).unwrap();
                    std::io::Write::write_all(&mut file, &bytes).unwrap();
                    file.sync_all().unwrap();
                    *busy.lock().unwrap() += start.elapsed().as_secs_f64();
                    let _ = std::fs::remove_file(&out);
                }
            });
        }
    });
    let _ = std::fs::remove_dir_all(&dir);
    busy.into_inner().unwrap() / procs as f64
}

/// Runs the reference on every file, `procs` processes at once. Returns the wall time and how
/// many processes failed.
fn time_reference(run: RefRun, files: &[PathBuf], procs: usize, out: &Path) -> (f64, usize) {
    let jobs = Mutex::new(commands(run, files, procs, out, None).into_iter());
    let failed = AtomicUsize::new(0);
    let start = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..procs {
            s.spawn(|| {
                loop {
                    let Some(mut cmd) = jobs.lock().unwrap().next() else {
                        break;
                    };
                    let ok = cmd
                        .stdin(Stdio::null())
                        .stderr(Stdio::null())
                        .status()
                        .is_ok_and(|s| s.success());
                    if !ok {
                        failed.fetch_add(1, Ordering::Relaxed);
                    }
                }
            });
        }
    });
    (start.elapsed().as_secs_f64(), failed.into_inner())
}

/// The largest peak resident size (KB) of the reference's processes, run one at a time under
/// GNU time on the first three files (a batch reference: on its first chunk), untimed. None
/// without `/usr/bin/time`.
fn reference_rss(run: RefRun, files: &[PathBuf], procs: usize, out: &Path) -> Option<u64> {
    if !Path::new("/usr/bin/time").is_file() {
        return None;
    }
    let jobs = commands(run, &files[..files.len().min(3)], procs, out, Some(out));
    let mut most = None;
    for (i, mut cmd) in jobs.into_iter().enumerate() {
        let _ = cmd.stdin(Stdio::null()).stderr(Stdio::null()).status();
        let kb = std::fs::read_to_string(out.join(format!("{i}.rss")))
            .ok()
            .and_then(|t| t.trim().lines().last()?.trim().parse::<u64>().ok());
        most = most.max(kb);
    }
    most
}

/// The reference's processes over `files`: one per file, or (a batch reference) one per
/// worker over its chunk. With `rss`, each runs under GNU time writing its peak resident size
/// to `rss/<job>.rss`.
fn commands(
    run: RefRun,
    files: &[PathBuf],
    procs: usize,
    out: &Path,
    rss: Option<&Path>,
) -> Vec<Command> {
    let tool = |i: usize, program: &str| match rss {
        Some(dir) => {
            let mut c = Command::new("/usr/bin/time");
            c.args(["-f", "%M", "-o"])
                .arg(dir.join(format!("{i}.rss")))
                .arg(program);
            c
        }
        None => Command::new(program),
    };
    if let RefRun::ExiftoolBatch = run {
        let chunk = files.len().div_ceil(procs).max(1);
        return files
            .chunks(chunk)
            .enumerate()
            .map(|(i, chunk)| {
                let sub = out.join(i.to_string());
                std::fs::create_dir_all(&sub).unwrap();
                let mut c = tool(i, "exiftool");
                c.args(["-q", "-b", "-PreviewImage", "-w"])
                    .arg(format!("{}/%f_%c.jpg", sub.display()))
                    .args(chunk)
                    .stdout(Stdio::null());
                c
            })
            .collect();
    }
    let each = |(i, input): (usize, &PathBuf)| {
        let output = out.join(format!("{i}.jpg"));
        match run {
            RefRun::HeifConvert => {
                let mut c = tool(i, "heif-convert");
                c.arg(input).arg(output).stdout(Stdio::null());
                c
            }
            RefRun::ExiftoolEach => {
                let mut c = tool(i, "exiftool");
                c.args(["-b", "-PreviewImage"]).arg(input);
                c.stdout(std::fs::File::create(output).unwrap());
                c
            }
            RefRun::FfmpegAsKadr => {
                let mut c = tool(i, "ffmpeg");
                c.args(["-nostdin", "-loglevel", "error", "-i"])
                    .arg(input)
                    .args([
                        "-map",
                        "0:v:0",
                        "-an",
                        "-sn",
                        "-dn",
                        "-frames:v",
                        "1",
                        "-vf",
                    ])
                    .arg(
                        "scale=w=iw*sar:h=ih,setsar=1,scale=w=min(iw\\,1024):\
                         h=min(ih\\,1024):force_original_aspect_ratio=decrease",
                    )
                    .args(["-pix_fmt", "rgb24", "-f", "image2pipe", "-vcodec", "ppm"])
                    .arg(output.with_extension("ppm"))
                    .stdout(Stdio::null());
                c
            }
            _ => {
                let mut c = tool(i, "ffmpeg");
                c.args(["-nostdin", "-loglevel", "error", "-ss", "1", "-i"])
                    .arg(input)
                    .args(["-frames:v", "1", "-vf", "scale=256:-1"])
                    .arg(output)
                    .stdout(Stdio::null());
                c
            }
        }
    };
    files.iter().enumerate().map(each).collect()
}

// ---------------------------------------------------------------------------------------------
// Output

fn print_table(sets: &[Set], results: &[Measured]) {
    println!();
    println!(
        "| format | files | Kadr ms/file | previews, capture times, GPS | Kadr peak RSS | reference | ms/file | ratio | reference peak RSS |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    for (set, m) in sets.iter().zip(results) {
        if set.files.is_empty() {
            let why = set.missing.as_deref().unwrap_or("no files");
            println!("| {} | 0 | {why} | | | | | | |", set.format);
            continue;
        }
        let n = set.files.len() as f64;
        let kadr = median(&m.kadr) * 1000.0 / n;
        let (p, c, g) = m.checked;
        let left = format!(
            "| {} | {} | {kadr:.0} | {p}, {c}, {g} | {:.0} MB",
            set.format,
            set.files.len(),
            m.kadr_rss_kb as f64 / 1024.0
        );
        for (i, r) in set.references.iter().enumerate() {
            if r.run.is_none() {
                println!("{left} | {}: not installed | - | - | - |", r.name);
                continue;
            }
            let ms = median(&m.refs[i]) * 1000.0 / n;
            let failed = match m.ref_failed[i] {
                0 => String::new(),
                f => format!(" ({f} processes failed)"),
            };
            let rss = match m.ref_rss_kb[i] {
                Some(kb) => format!("{:.0} MB", kb as f64 / 1024.0),
                None => "-".into(),
            };
            println!(
                "{left} | {}{failed} | {ms:.0} | {:.2} | {rss} |",
                r.name,
                kadr / ms
            );
        }
    }
    println!();
    println!(
        "ms/file: wall time over the set / files, all workers or processes busy at once. Ratio: Kadr over the reference (below 1 is faster). Kadr's peak RSS is the bench process during its import (the ffmpeg it runs for poster frames not counted); the reference's is its largest single process (GNU time, on the first 3 files)."
    );
}

/// What each import's time is made of: reading and hashing (the re-import), storing the
/// original (write + fsync), and the rest (metadata, preview, thumbnails, rows).
fn print_costs(sets: &[Set], results: &[Measured]) {
    let rows: Vec<_> = sets
        .iter()
        .zip(results)
        .filter(|(s, m)| !s.files.is_empty() && !m.reimport.is_empty())
        .collect();
    if rows.is_empty() {
        return;
    }
    println!();
    println!(
        "| set | MB/file | import ms/file | re-import (read + SHA-256) | write + fsync of the same bytes | the rest |"
    );
    println!("|---|---|---|---|---|---|");
    for (set, m) in rows {
        let n = set.files.len() as f64;
        let mb = set
            .files
            .iter()
            .map(|f| f.metadata().map(|m| m.len()).unwrap_or(0))
            .sum::<u64>() as f64
            / n
            / 1e6;
        let (k, r, s) = (
            median(&m.kadr) * 1000.0 / n,
            median(&m.reimport) * 1000.0 / n,
            median(&m.store) * 1000.0 / n,
        );
        println!(
            "| {} | {mb:.1} | {k:.0} | {r:.0} | {s:.0} | {:.0} |",
            set.format,
            k - r - s
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Small things

fn env_usize(name: &str) -> Option<usize> {
    std::env::var(name).ok().and_then(|s| s.parse().ok())
}

fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|p| std::env::split_paths(&p).any(|d| d.join(program).is_file()))
}

fn ext(p: &Path) -> String {
    p.extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default()
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect()
}

fn median(v: &[f64]) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(|a, b| a.total_cmp(b));
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

/// Returns freed memory to the system (glibc keeps some) and resets this process's peak
/// resident size (Linux: `clear_refs` 5), so that the next reading is the peak since now.
fn reset_hwm() {
    #[cfg(target_env = "gnu")]
    // SAFETY: malloc_trim only releases free heap memory.
    unsafe {
        libc::malloc_trim(0);
    }
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn vm_hwm_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
