//! Seeded mutations of every fixture and built file, which the readers must survive. Not
//! what they find in whole files (`tests.rs`, `tiff_shaped.rs`, `containers.rs`).

use super::containers::{cr3, raf};
use super::*;

/// Seeded mutations of every fixture and built file: bit flips, bytes set to 0x00/0xFF,
/// 32-bit values overwritten (offsets, counts, sizes) and truncations. Every call returns,
/// with no panic, and every block it gives is a TIFF header.
#[test]
fn mutations_never_panic() {
    let mut files: Vec<(String, Vec<u8>)> = [
        "CanonRaw.cr2",
        "CanonRaw.cr3",
        "DNG.dng",
        "FujiFilm.raf",
        "Nikon.nef",
        "Panasonic.rw2",
        "PhaseOne.iiq",
        "Minolta.mrw",
    ]
    .iter()
    .map(|n| (ext(n), fixture(n)))
    .collect();
    files.push(("dng".into(), dng_like()));
    files.push(("cr3".into(), cr3(96, Some((64, 48)))));
    files.push((
        "raf".into(),
        raf(&with_exif(
            &jpeg(16, 16, [0, 0, 0]),
            &exif_tiff("F", "2020:01:01 00:00:00"),
        )),
    ));
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    for (ext, file) in &files {
        for round in 0..2500 {
            let mut b = file.clone();
            let n = 1 + next() % 4;
            for _ in 0..n {
                let at = (next() % b.len() as u64) as usize;
                match next() % 4 {
                    0 => b[at] ^= 1 << (next() % 8),
                    1 => b[at] = if next() % 2 == 0 { 0 } else { 0xFF },
                    2 => {
                        let v = (next() as u32).to_le_bytes();
                        for (i, byte) in v.iter().enumerate() {
                            if let Some(slot) = b.get_mut(at + i) {
                                *slot = *byte;
                            }
                        }
                    }
                    _ => b[at] = b[at].wrapping_add(1),
                }
            }
            if round % 5 == 0 {
                b.truncate((next() % (b.len() as u64 + 1)) as usize);
            }
            let _ = preview(&b, ext);
            for block in exif_blocks(&b, ext) {
                assert!(block.starts_with(b"II") || block.starts_with(b"MM"));
                let _ = exif::Reader::new()
                    .continue_on_error(true)
                    .read_raw(block.to_vec());
            }
        }
    }
}
