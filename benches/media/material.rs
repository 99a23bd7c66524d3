//! The benchmark's material, made at run time: photo-like JPEGs, HEIC from them, DNG-like RAW
//! files and H.264 clips. A marker file beside each set records what it was made for, so
//! that a kept material folder (`KADR_BENCH_MEDIA_DIR`) is remade only when that changes.

use super::*;

/// Whether the set `name` must be (re)made for `key`; the caller then calls `made`.
fn stale(material: &Path, name: &str, key: &str) -> bool {
    std::fs::read_to_string(material.join(format!("{name}.done")))
        .ok()
        .as_deref()
        != Some(key)
}

fn made(material: &Path, name: &str, key: &str) {
    std::fs::write(material.join(format!("{name}.done")), key).unwrap();
}

// Material

/// Distinct photo-like JPEGs of at least 2 MB: from make_corpus.py when Python with Pillow and
/// numpy is there, else generated here.
pub(super) fn source_jpegs(material: &Path, count: usize) -> Vec<PathBuf> {
    let dir = material.join("jpeg");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/bench/make_corpus.py");
    let key = count.to_string();
    if stale(material, "jpeg", &key) {
        let _ = std::fs::remove_dir_all(&dir);
        let ran = script.is_file()
            && Command::new("python3")
                .arg(&script)
                .arg("--out")
                .arg(&dir)
                .args(["--count", &count.to_string()])
                .stdout(Stdio::null())
                .status()
                .is_ok_and(|s| s.success());
        if !ran {
            eprintln!("make_corpus.py did not run: generating plain JPEGs instead");
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
            for i in 0..count {
                let jpeg = synthetic_jpeg(i as u32);
                std::fs::write(dir.join(format!("photo_{i:03}.jpg")), jpeg).unwrap();
            }
        }
        made(material, "jpeg", &key);
    }
    let mut seen = std::collections::HashSet::new();
    walk(&dir)
        .into_iter()
        .filter(|p| {
            let ext = ext(p);
            (ext == "jpg" || ext == "jpeg")
                && p.metadata().is_ok_and(|m| m.len() >= 2_000_000)
                && seen.insert(std::fs::read(p).unwrap())
        })
        .collect()
}

/// A 4000 x 3000 JPEG of gradients and noise (when make_corpus.py cannot run).
pub(super) fn synthetic_jpeg(seed: u32) -> Vec<u8> {
    let mut x = seed.wrapping_mul(2_654_435_761) | 1;
    let img = image::RgbImage::from_fn(4000, 3000, |px, py| {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        let n = x % 48;
        image::Rgb([
            ((px / 16 + n + seed * 40) % 256) as u8,
            ((py / 12 + n) % 256) as u8,
            (((px + py) / 28 + n) % 256) as u8,
        ])
    });
    kadr::ingest::encode_jpeg(&img, 90).unwrap()
}

pub(super) fn heic_set(material: &Path, photos: &[PathBuf], count: usize) -> Set {
    let dir = material.join("heic");
    let mut set = Set {
        format: "HEIC (heif-enc -q 50 from the photos)".into(),
        dir: dir.clone(),
        files: Vec::new(),
        missing: None,
        made: true,
        references: vec![reference(
            "heif-convert IN OUT.jpg",
            "heif-convert",
            RefRun::HeifConvert,
        )],
    };
    if !on_path("heif-enc") {
        set.missing = Some("heif-enc not installed".into());
        return set;
    }
    let key = format!("{count} {}", photos.len());
    if stale(material, "heic", &key) {
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let jobs: Vec<(PathBuf, PathBuf)> = photos
            .iter()
            .take(count)
            .enumerate()
            .map(|(i, p)| (p.clone(), dir.join(format!("IMG_{:04}.HEIC", 1001 + i))))
            .collect();
        eprintln!("encoding {} HEIC files with heif-enc ...", jobs.len());
        let next = AtomicUsize::new(0);
        std::thread::scope(|s| {
            for _ in 0..2 {
                s.spawn(|| {
                    while let Some((input, output)) = jobs.get(next.fetch_add(1, Ordering::Relaxed))
                    {
                        let ok = Command::new("heif-enc")
                            .args(["-q", "50", "-p", "preset=ultrafast", "-o"])
                            .arg(output)
                            .arg(input)
                            .stdout(Stdio::null())
                            .status()
                            .is_ok_and(|s| s.success());
                        assert!(ok, "heif-enc failed on {}", input.display());
                    }
                });
            }
        });
        made(material, "heic", &key);
    }
    set.files = walk(&dir);
    set
}

pub(super) fn raw_set(material: &Path, photos: &[PathBuf], count: usize, strip_mb: u32) -> Set {
    let dir = material.join(format!("raw{strip_mb}"));
    // 4:3 sensors of about `strip_mb` MB at 2 bytes a pixel.
    let (w, h) = match strip_mb {
        20 => (3648, 2736),
        _ => (7296, 5472),
    };
    let (name, key) = (
        format!("raw{strip_mb}"),
        format!("{count} {}", photos.len()),
    );
    if stale(material, &name, &key) && !photos.is_empty() {
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        for i in 0..count {
            let preview = std::fs::read(&photos[i % photos.len()]).unwrap();
            let preview_size = dng::jpeg_size(&preview).expect("a baseline JPEG");
            let spec = dng::Spec {
                sensor: (w, h),
                preview: &preview,
                preview_size,
                taken: format!("2022:01:05 {:02}:{:02}:{:02}", 10 + i / 60, i % 60, i % 53),
                gps: (43.2380 + i as f64 * 0.0007, 76.9450 - i as f64 * 0.0005),
                seed: (strip_mb as u64) << 32 | i as u64,
            };
            dng::write(&dir.join(format!("IMG_{:04}.DNG", 2001 + i)), &spec).unwrap();
        }
        made(material, &name, &key);
    }
    let mut set = Set {
        format: format!("RAW: DNG-like, {strip_mb} MB sensor strip"),
        dir: dir.clone(),
        files: walk(&dir),
        missing: photos.is_empty().then(|| "no JPEG to embed".to_string()),
        made: true,
        references: raw_references(),
    };
    if !set.files.is_empty() {
        let bytes: u64 = set
            .files
            .iter()
            .filter_map(|f| f.metadata().ok())
            .map(|m| m.len())
            .sum();
        let mb = bytes as f64 / set.files.len() as f64 / 1e6;
        set.format = format!("RAW: DNG-like, {mb:.0} MB a file ({strip_mb} MB sensor strip)");
    }
    set
}

pub(super) fn real_raw_set(dir: &Path) -> Set {
    Set {
        format: format!("RAW: {}", dir.display()),
        dir: dir.to_path_buf(),
        files: walk(dir),
        missing: None,
        made: false,
        references: raw_references(),
    }
}

pub(super) fn raw_references() -> Vec<Reference> {
    vec![
        reference(
            "exiftool -b -PreviewImage IN > OUT",
            "exiftool",
            RefRun::ExiftoolEach,
        ),
        reference(
            "exiftool -b -PreviewImage -w, one process per worker over its files",
            "exiftool",
            RefRun::ExiftoolBatch,
        ),
    ]
}

pub(super) fn video_set(material: &Path, count: usize) -> Set {
    let dir = material.join("video");
    let mut set = Set {
        format: "video: H.264 1080p, 3-10 s, MP4 and MOV".into(),
        dir: dir.clone(),
        files: Vec::new(),
        missing: None,
        made: true,
        references: vec![
            reference(
                "ffmpeg -ss 1 -i IN -frames:v 1 -vf scale=256:-1 OUT.jpg",
                "ffmpeg",
                RefRun::Ffmpeg,
            ),
            reference(
                "ffmpeg as Kadr runs it: first frame, 1024 px, PPM",
                "ffmpeg",
                RefRun::FfmpegAsKadr,
            ),
        ],
    };
    if !on_path("ffmpeg") {
        set.missing = Some("ffmpeg not installed".into());
        return set;
    }
    let key = count.to_string();
    if stale(material, "video", &key) {
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        eprintln!("encoding {count} clips with ffmpeg ...");
        for i in 0..count {
            let seconds = 3 + (i * 5) % 8;
            let ext = if i % 2 == 0 { "mp4" } else { "mov" };
            let out = dir.join(format!("VID_{:04}.{ext}", 3001 + i));
            let ok = Command::new("ffmpeg")
                .args(["-nostdin", "-loglevel", "error", "-y", "-f", "lavfi", "-i"])
                .arg(format!(
                    "testsrc2=size=1920x1080:rate=30:duration={seconds}"
                ))
                .args(["-f", "lavfi", "-i"])
                .arg(format!("sine=frequency={}:sample_rate=48000", 220 + 20 * i))
                .args([
                    "-vf",
                    "noise=alls=12:allf=t",
                    "-c:v",
                    "libx264",
                    "-preset",
                    "ultrafast",
                ])
                .args([
                    "-g", "30", "-b:v", "12M", "-pix_fmt", "yuv420p", "-c:a", "aac",
                ])
                .args(["-shortest", "-metadata"])
                .arg(format!(
                    "creation_time=2022-01-05T{:02}:{:02}:00Z",
                    4 + i / 60,
                    i % 60
                ))
                .arg("-metadata")
                .arg(format!(
                    "location={:+.4}{:+09.4}/",
                    43.2380 + i as f64 * 0.0007,
                    76.9450 - i as f64 * 0.0005
                ))
                .arg(&out)
                .status()
                .is_ok_and(|s| s.success());
            assert!(ok, "ffmpeg could not make {}", out.display());
        }
        made(material, "video", &key);
    }
    set.files = walk(&dir);
    set
}

pub(super) fn reference(name: &str, program: &str, run: RefRun) -> Reference {
    Reference {
        name: name.into(),
        run: on_path(program).then_some(run),
    }
}
