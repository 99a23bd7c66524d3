//! Fuzzing: real and built files with bytes flipped, cut and boxes resized must never panic
//! or hang the reader. Not what the readers find (`tests.rs`, `real.rs`).

use super::*;
use std::time::{Duration, Instant};

/// A xorshift64 generator: reproducible noise without a crate.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Files from the builder, with Apple keys, udta atoms, a largesize and a size-0 box.
fn built_files() -> Vec<Vec<u8>> {
    let t = mac_time("2022-01-04 13:32:10") as u32;
    let mut big = 1u32.to_be_bytes().to_vec();
    big.extend_from_slice(b"mdat");
    big.extend_from_slice(&(16u64 + 8).to_be_bytes());
    big.extend_from_slice(&[7u8; 8]);
    let mut last = 0u32.to_be_bytes().to_vec();
    last.extend_from_slice(b"free");
    last.extend_from_slice(&[0u8; 12]);
    vec![cat(&[
        ftyp(b"qt  "),
        big,
        bx(
            b"moov",
            &cat(&[
                mvhd_v1(t as u64, 600, 600),
                video_trak(ROT90, 1920, 1080),
                sound_trak(),
                apple_meta(&[
                    ("com.apple.quicktime.make", "Apple"),
                    (
                        "com.apple.quicktime.creationdate",
                        "2022-01-04T19:32:10+0600",
                    ),
                    (
                        "com.apple.quicktime.location.ISO6709",
                        "+43.2380+076.9450+0850.000/",
                    ),
                ]),
                bx(
                    b"udta",
                    &cat(&[
                        text_atom(b"\xA9xyz", "+10.0000+010.0000/"),
                        text_atom(b"\xA9day", "2022-01-04T19:32:10+0600"),
                        bx(
                            b"loci",
                            b"\0\0\0\0\x15\xC7\0\0\0\x01\0\0\0\x02\0\0\0\x03\0\0",
                        ),
                    ]),
                ),
            ]),
        ),
        last,
    ])]
}

/// Offsets that look like ISO box headers (a four-letter type after the size).
fn box_offsets(b: &[u8]) -> Vec<usize> {
    (0..b.len().saturating_sub(8))
        .filter(|&i| {
            b[i + 4..i + 8]
                .iter()
                .all(|c| c.is_ascii_alphanumeric() || *c == 0xA9)
        })
        .collect()
}

#[test]
fn fuzzed_files_never_panic_or_hang() {
    let names = [
        "rot90.mp4",
        "apple.mov",
        "xyz.mov",
        "loci.mp4",
        "clip.3gp",
        "clip.mkv",
        "clip.webm",
        "clip.avi",
        "QuickTime.mov",
        "Matroska.mkv",
        "RIFF.avi",
        "Pentax.avi",
    ];
    let mut files: Vec<(Vec<u8>, &str, Vec<usize>)> = names
        .iter()
        .map(|n| (fixture(n), n.rsplit('.').next().unwrap()))
        .collect::<Vec<_>>()
        .into_iter()
        .chain(built_files().into_iter().map(|b| (b, "mov")))
        .map(|(b, ext)| {
            let offs = box_offsets(&b);
            (b, ext, offs)
        })
        .collect();
    files.retain(|f| !f.0.is_empty());
    // VIDEO_FUZZ_SEED and VIDEO_FUZZ_CASES run it longer or differently by hand.
    let env = |k: &str| std::env::var(k).ok().and_then(|v| v.parse::<u64>().ok());
    let mut rng = Rng(env("VIDEO_FUZZ_SEED").unwrap_or(0x2545_F491_4F6C_DD1D) | 1);
    let cases = env("VIDEO_FUZZ_CASES").unwrap_or(4000) as usize;
    let budget = Duration::from_secs(120);
    let started = Instant::now();
    let mut runs = 0;
    for i in 0..cases {
        if started.elapsed() > budget {
            break;
        }
        let (orig, ext, offs) = &files[i % files.len()];
        let mut b = orig.clone();
        for _ in 0..1 + rng.below(4) {
            match rng.below(6) {
                0 => {
                    let at = rng.below(b.len());
                    b[at] ^= 1 << rng.below(8);
                }
                1 => {
                    let cut = rng.below(b.len() + 1);
                    b.truncate(cut);
                }
                2 if !offs.is_empty() => {
                    // A random 32-bit size into a box header.
                    let at = offs[rng.below(offs.len())];
                    let size = match rng.below(4) {
                        0 => 0,
                        1 => 1,
                        2 => rng.below(64) as u32,
                        _ => rng.next() as u32,
                    };
                    if at + 4 <= b.len() {
                        b[at..at + 4].copy_from_slice(&size.to_be_bytes());
                    }
                }
                3 if !offs.is_empty() => {
                    // A 64-bit largesize.
                    let at = offs[rng.below(offs.len())];
                    if at + 16 <= b.len() {
                        b[at..at + 4].copy_from_slice(&1u32.to_be_bytes());
                        b[at + 8..at + 16].copy_from_slice(&rng.next().to_be_bytes());
                    }
                }
                4 => {
                    // EBML-ish noise: unknown sizes, long vints, zero bytes.
                    let at = rng.below(b.len());
                    b[at] = [0x01, 0xFF, 0x00, 0x80, 0x1F][rng.below(5)];
                }
                _ => {
                    // A random run of bytes.
                    let at = rng.below(b.len());
                    for k in 0..rng.below(16) {
                        if let Some(c) = b.get_mut(at + k) {
                            *c = rng.next() as u8;
                        }
                    }
                }
            }
            if b.is_empty() {
                break;
            }
        }
        let t = Instant::now();
        let head = &b[..b.len().min(64)];
        let sniffed = sniff(head, ext);
        let container = sniffed.unwrap_or(match *ext {
            "mkv" | "webm" => "mkv",
            "avi" => "avi",
            "mov" => "mov",
            _ => "mp4",
        });
        let r = probe_bytes(&b, container);
        if let Ok(f) = &r {
            assert!(f.warnings.len() <= MAX_WARNINGS);
            if let Some((lat, lon)) = f.gps {
                assert!(lat.abs() <= 90.0 && lon.abs() <= 180.0);
            }
            assert!(f.duration_s.is_none_or(|d| d.is_finite() && d >= 0.0));
        }
        // Also lying about the length: longer than the bytes there are.
        let _ = probe(&mut Cursor::new(&b), b.len() as u64 + 1_000_000, container);
        assert!(
            t.elapsed() < Duration::from_secs(5),
            "case {i} took {:?}",
            t.elapsed()
        );
        runs += 1;
    }
    assert!(
        runs >= cases.min(500),
        "only {runs} cases in the time budget"
    );
    // Pure noise too.
    for n in 0..300 {
        let b: Vec<u8> = (0..rng.below(2000)).map(|_| rng.next() as u8).collect();
        for c in ["mp4", "mov", "mkv", "webm", "avi"] {
            let _ = probe_bytes(&b, c);
        }
        let _ = sniff(
            &b[..b.len().min(64)],
            ["mp4", "mov", "mkv", "avi", ""][n % 5],
        );
    }
}
