//! Tests of `ingest::heif`.

use super::*;
use std::path::PathBuf;

fn fixture(name: &str) -> Vec<u8> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/heif")
        .join(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// One of Pillow's AVIF/HEIF test images, where `../shared/realworld/` is present (they are
/// not copied into the project); `None` says the test is skipped, on stderr.
fn pillow(name: &str) -> Option<Vec<u8>> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/realworld/pillow-tests/avif")
        .join(name);
    let bytes = std::fs::read(&p).ok();
    if bytes.is_none() {
        eprintln!("skipped the check on {name}: {} is not here", p.display());
    }
    bytes
}

/// The tests that need libheif report themselves skipped where it is missing, after checking
/// that the reason given is a clear one.
fn have_libheif(test: &str) -> bool {
    match available() {
        Ok(()) => true,
        Err(e) => {
            assert!(
                e.starts_with("libheif (libheif.so.1)"),
                "unclear reason: {e}"
            );
            eprintln!("{test}: skipped, {e}");
            false
        }
    }
}

#[test]
fn a_missing_library_is_reported_plainly() {
    let err = load("libheif-that-does-not-exist.so.1").err().unwrap();
    assert_eq!(
        err,
        "libheif (libheif-that-does-not-exist.so.1) is not installed"
    );
    if let Err(e) = available() {
        assert!(e.starts_with("libheif (libheif.so.1) "), "{e}");
        // With no libheif, decode says so instead of failing in some other way.
        assert_eq!(decode(&fixture("quadrants.heic"), u64::MAX).unwrap_err(), e);
    }
}

/// The mean colour of a w x h block at (x, y).
fn mean(img: &RgbImage, x: u32, y: u32, w: u32, h: u32) -> [u8; 3] {
    let mut sum = [0u64; 3];
    for yy in y..y + h {
        for xx in x..x + w {
            for (s, c) in sum.iter_mut().zip(img.get_pixel(xx, yy).0) {
                *s += c as u64;
            }
        }
    }
    sum.map(|s| (s / (w as u64 * h as u64)) as u8)
}

fn near(got: [u8; 3], want: [u8; 3]) -> bool {
    got.iter().zip(want).all(|(&g, w)| g.abs_diff(w) <= 24)
}

/// quadrants.heic: 64 x 48 made by heif-enc (HEVC) from red, green, blue and white quadrants.
#[test]
fn decodes_a_heic_with_its_colours() {
    if !have_libheif("decodes_a_heic_with_its_colours") {
        return;
    }
    let (img, w, h) = decode(&fixture("quadrants.heic"), 200_000_000).unwrap();
    assert_eq!((w, h), (64, 48));
    assert_eq!(img.dimensions(), (64, 48));
    // Block centres, away from the chroma-subsampled edges between quadrants.
    assert!(
        near(mean(&img, 8, 6, 16, 12), [255, 0, 0]),
        "{:?}",
        mean(&img, 8, 6, 16, 12)
    );
    assert!(near(mean(&img, 40, 6, 16, 12), [0, 255, 0]));
    assert!(near(mean(&img, 8, 30, 16, 12), [0, 0, 255]));
    assert!(near(mean(&img, 40, 30, 16, 12), [255, 255, 255]));
}

/// hopper.heif / hopper.avif: Pillow's 128 x 128 test portrait, HEVC and AV1.
#[test]
fn decodes_real_heic_and_avif_files() {
    if !have_libheif("decodes_real_heic_and_avif_files") {
        return;
    }
    // Our own AV1 encoding of the quadrants decodes like the HEVC one.
    let (img, w, h) = decode(&fixture("quadrants.avif"), 200_000_000).unwrap();
    assert_eq!((w, h, img.width(), img.height()), (64, 48, 64, 48));
    assert!(
        near(mean(&img, 8, 6, 16, 12), [255, 0, 0]),
        "{:?}",
        mean(&img, 8, 6, 16, 12)
    );
    assert!(near(mean(&img, 40, 30, 16, 12), [255, 255, 255]));
    let (Some(heif), Some(avif)) = (pillow("hopper.heif"), pillow("hopper.avif")) else {
        return;
    };
    for (name, bytes) in [("hopper.heif", &heif), ("hopper.avif", &avif)] {
        let (img, w, h) = decode(bytes, 200_000_000).unwrap();
        assert_eq!(
            (w, h, img.width(), img.height()),
            (128, 128, 128, 128),
            "{name}"
        );
        // A photo, not a blank: its pixels spread over a wide range of brightness.
        let luma: Vec<u32> = img
            .pixels()
            .map(|p| p.0.iter().map(|&c| c as u32).sum())
            .collect();
        let (lo, hi) = (luma.iter().min().unwrap(), luma.iter().max().unwrap());
        assert!(hi - lo > 300, "{name}: {lo}..{hi}");
    }
    // The two encodings of the same picture agree.
    let (a, _, _) = decode(&heif, 200_000_000).unwrap();
    let (b, _, _) = decode(&avif, 200_000_000).unwrap();
    assert!(near(mean(&a, 32, 32, 64, 64), mean(&b, 32, 32, 64, 64)));
}

/// quadrants-irot90.heic is quadrants.heic with an `irot` of 90 degrees anticlockwise.
#[test]
fn a_rotated_heic_comes_out_upright() {
    if !have_libheif("a_rotated_heic_comes_out_upright") {
        return;
    }
    let (img, w, h) = decode(&fixture("quadrants-irot90.heic"), 200_000_000).unwrap();
    assert_eq!((w, h), (48, 64));
    assert_eq!(img.dimensions(), (48, 64));
    // Turned a quarter anticlockwise: green top left, white top right, red bottom left,
    // blue bottom right.
    assert!(
        near(mean(&img, 6, 8, 12, 16), [0, 255, 0]),
        "{:?}",
        mean(&img, 6, 8, 12, 16)
    );
    assert!(near(mean(&img, 30, 8, 12, 16), [255, 255, 255]));
    assert!(near(mean(&img, 6, 40, 12, 16), [255, 0, 0]));
    assert!(near(mean(&img, 30, 40, 12, 16), [0, 0, 255]));
    // Pillow's rot1mir0.avif: stored 427 x 640 with irot 1 and imir 0, shown 640 x 427.
    let Some(rot) = pillow("rot1mir0.avif") else {
        return;
    };
    let (img, w, h) = decode(&rot, 200_000_000).unwrap();
    assert_eq!((w, h, img.width(), img.height()), (640, 427, 640, 427));
}

/// transparency.avif: 64 x 64 with an alpha channel; transparent parts come out mid grey.
#[test]
fn transparency_is_flattened_over_grey() {
    if !have_libheif("transparency_is_flattened_over_grey") {
        return;
    }
    let Some(t) = pillow("transparency.avif") else {
        return;
    };
    let (img, w, h) = decode(&t, 200_000_000).unwrap();
    assert_eq!((w, h, img.width(), img.height()), (64, 64, 64, 64));
    assert!(img.pixels().any(|p| near(p.0, [128, 128, 128])));
}

#[test]
fn too_many_pixels_are_refused_before_decoding() {
    if !have_libheif("too_many_pixels_are_refused_before_decoding") {
        return;
    }
    let err = decode(&fixture("quadrants.heic"), 64 * 48 - 1).unwrap_err();
    assert_eq!(
        err,
        "the image claims 64 x 48 pixels, more than the limit of 3071 pixels (a decompression bomb or a damaged header)"
    );
    assert!(decode(&fixture("quadrants.heic"), 64 * 48).is_ok());
}

/// A HEIF box header: size, type, payload; `full` adds version and flags.
fn boxed(kind: &[u8; 4], payload: &[u8]) -> Vec<u8> {
    [&(8 + payload.len() as u32).to_be_bytes()[..], kind, payload].concat()
}
fn full(kind: &[u8; 4], version: u8, payload: &[u8]) -> Vec<u8> {
    boxed(kind, &[&[version, 0, 0, 0][..], payload].concat())
}

#[test]
fn a_heif_without_an_image_holds_no_picture() {
    if !have_libheif("a_heif_without_an_image_holds_no_picture") {
        return;
    }
    let ftyp = boxed(b"ftyp", b"mif1\0\0\0\0mif1heic");
    let hdlr = full(b"hdlr", 0, b"\0\0\0\0pict\0\0\0\0\0\0\0\0\0\0\0\0\0");
    // Only the handler: no primary item, no items (libheif: "No 'pitm' box").
    let bare = [ftyp.clone(), full(b"meta", 0, &hdlr)].concat();
    // A primary item that is not there, next to an Exif item (libheif: "Non-existing item
    // ID referenced: 'pitm' box references a non-existing image").
    let infe = full(b"infe", 2, b"\0\x01\0\0Exif\0");
    let meta = [
        hdlr.clone(),
        full(b"pitm", 0, &[0, 1]),
        full(b"iloc", 0, &[0x44, 0, 0, 0]),
        full(b"iinf", 0, &[&[0u8, 1][..], &infe].concat()),
        boxed(
            b"iprp",
            &[boxed(b"ipco", b""), full(b"ipma", 0, &[0; 4])].concat(),
        ),
    ]
    .concat();
    let exif_only = [ftyp, full(b"meta", 0, &meta)].concat();
    for bytes in [bare, exif_only] {
        assert_eq!(
            decode(&bytes, 200_000_000).unwrap_err(),
            "the file holds no picture"
        );
    }
}

/// ExifTool's QuickTime.heic (623 bytes) does have a 1596 x 1064 HEVC image item, but its
/// data is the 18 bytes "<dummy image data>": a damaged picture, not a missing one.
#[test]
fn a_heic_whose_image_data_is_a_dummy_is_damaged() {
    if !have_libheif("a_heic_whose_image_data_is_a_dummy_is_damaged") {
        return;
    }
    let err = decode(&fixture("QuickTime.heic"), 200_000_000).unwrap_err();
    assert!(err.starts_with("damaged HEIF ("), "{err}");
    // Its size is known before decoding: the pixel limit applies first.
    let err = decode(&fixture("QuickTime.heic"), 1_000_000).unwrap_err();
    assert!(
        err.starts_with("the image claims 1596 x 1064 pixels, more than the 1 megapixel limit"),
        "{err}"
    );
}

#[test]
fn garbage_and_truncated_files_are_errors() {
    if !have_libheif("garbage_and_truncated_files_are_errors") {
        return;
    }
    assert!(decode(&[], 200_000_000).is_err());
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let random: Vec<u8> = (0..4096).map(|_| next() as u8).collect();
    assert!(decode(&random, 200_000_000).is_err());
    let mut fake = random.clone();
    fake[..12].copy_from_slice(b"\0\0\0\x18ftypheic");
    assert!(decode(&fake, 200_000_000).is_err());
    for name in ["quadrants.heic", "quadrants.avif", "quadrants-irot90.heic"] {
        let bytes = fixture(name);
        for cut in (0..bytes.len()).step_by(7) {
            assert!(
                decode(&bytes[..cut], 200_000_000).is_err(),
                "{name} cut at {cut}"
            );
        }
        let kind = if name.ends_with("avif") {
            "AVIF"
        } else {
            "HEIF"
        };
        assert_eq!(
            decode(&bytes[..bytes.len() - 1], 200_000_000).unwrap_err(),
            format!("truncated {kind}: the file ends before the image does")
        );
        // Flipped bits: any outcome but a crash.
        for _ in 0..200 {
            let mut b = bytes.clone();
            let at = (next() as usize) % b.len();
            b[at] ^= 1 << (next() % 8);
            let _ = decode(&b, 200_000_000);
        }
    }
}

#[test]
fn several_threads_decode_at_once() {
    if !have_libheif("several_threads_decode_at_once") {
        return;
    }
    let files = [
        fixture("quadrants.heic"),
        fixture("quadrants.avif"),
        fixture("quadrants-irot90.heic"),
    ];
    std::thread::scope(|s| {
        for t in 0..4 {
            let files = &files;
            s.spawn(move || {
                for i in 0..10 {
                    let f = &files[(t + i) % files.len()];
                    assert!(decode(f, 200_000_000).is_ok());
                }
            });
        }
    });
}
