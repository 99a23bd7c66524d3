//! Tests on TIFF-shaped RAW files built byte by byte (DNG and NEF alike): the largest JPEG
//! preview chosen, lossless raw data refused, an RGB thumbnail as the last resort, a preview
//! past the end reported, IFD loops ended. Not the other containers (`containers.rs`).

use super::*;

#[test]
fn the_largest_jpeg_wins_and_lossless_raw_data_is_refused() {
    let dng = dng_like();
    assert_eq!(chosen(&dng, "dng"), Ok(("jpeg", 320, 240)));
    // Without the SubIFDs: the 32 x 24 thumbnail beats the RGB strip.
    let mut no_sub = dng.clone();
    let at = no_sub
        .windows(4)
        .position(|w| w == [0x4A, 0x01, 0x04, 0x00])
        .unwrap();
    no_sub[at..at + 2].copy_from_slice(&[0x4B, 0x01]); // an unknown tag now
    assert_eq!(chosen(&no_sub, "dng"), Ok(("jpeg", 32, 24)));
    // The lossless frame alone is no preview.
    let mut b = Builder::new(b"II*\0");
    let raw = lossless_jpeg();
    let raw_at = b.blob(&raw);
    let ifd0 = b.ifd(
        &[
            short(0x0103, 7),
            long(0x0111, raw_at),
            long(0x0117, raw.len() as u32),
        ],
        0,
    );
    assert_eq!(chosen(&b.first(ifd0), "dng"), Err(NoPreview::None));
}

#[test]
fn an_rgb_thumbnail_is_the_last_resort() {
    let mut b = Builder::new(b"II*\0");
    let rgb: Vec<u8> = (0..8 * 6).flat_map(|i| [i as u8, 100, 200]).collect();
    // Two strips of three rows each.
    let (s1, s2) = (b.blob(&rgb[..72]), b.blob(&rgb[72..]));
    let ifd0 = b.ifd(
        &[
            long(0x0100, 8),
            long(0x0101, 6),
            (
                0x0102,
                3,
                3,
                [8u16, 8, 8].iter().flat_map(|x| x.to_le_bytes()).collect(),
            ),
            short(0x0103, 1),
            short(0x0106, 2),
            longs(0x0111, &[s1, s2]),
            short(0x0115, 3),
            longs(0x0117, &[72, 72]),
        ],
        0,
    );
    let file = b.first(ifd0);
    let Ok(RawPreview::Rgb(img)) = preview(&file, "dng") else {
        panic!("no RGB thumbnail")
    };
    assert_eq!(img.dimensions(), (8, 6));
    assert_eq!(img.as_raw(), &rgb);
    // A strip shorter than the picture: no preview (the NEF sample's case).
    let mut cut = file.clone();
    let at = cut
        .windows(8)
        .position(|w| w == [72, 0, 0, 0, 72, 0, 0, 0])
        .unwrap();
    cut[at + 4] = 10;
    assert_eq!(chosen(&cut, "dng"), Err(NoPreview::None));
    // A huge claimed size made of one small strip repeated: refused, nothing allocated.
    let mut b = Builder::new(b"II*\0");
    let strip = b.blob(&[0u8; 96]);
    let ifd0 = b.ifd(
        &[
            long(0x0100, 30_000),
            long(0x0101, 30_000),
            short(0x0102, 8),
            short(0x0106, 2),
            longs(0x0111, &vec![strip; 20_000]),
            short(0x0115, 3),
            longs(0x0117, &vec![96; 20_000]),
        ],
        0,
    );
    assert_eq!(chosen(&b.first(ifd0), "dng"), Err(NoPreview::None));
}

#[test]
fn a_preview_past_the_end_is_reported() {
    // IFD0 claims a JPEG of 5000 bytes where the file ends first.
    let mut b = Builder::new(b"II*\0");
    let j = jpeg(32, 24, [1, 2, 3]);
    let at = b.blob(&j);
    let ifd0 = b.ifd(&[long(0x0201, at), long(0x0202, 5000)], 0);
    assert_eq!(chosen(&b.first(ifd0), "arw"), Err(NoPreview::PastEnd));
    // A real file cut short: the RAF's preview no longer fits.
    let raf = fixture("FujiFilm.raf");
    assert_eq!(
        preview(&raf[..10_000], "raf").err(),
        Some(NoPreview::PastEnd)
    );
    // The DNG cut inside the 8 x 8 RGB strip at its end.
    let dng = fixture("DNG.dng");
    assert_eq!(
        preview(&dng[..dng.len() - 10], "dng").err(),
        Some(NoPreview::PastEnd)
    );
    // (A smaller preview that is whole still wins over the report: see the CR3 test.)
}

#[test]
fn ifd_loops_end() {
    let mut b = Builder::new(b"II*\0");
    let j = jpeg(48, 32, [5, 5, 5]);
    let at = b.blob(&j);
    // IFD0 whose next IFD, SubIFD and EXIF IFD are all itself.
    let me = b.next_ifd();
    let ifd0 = b.ifd(
        &[
            long(0x0201, at),
            long(0x0202, j.len() as u32),
            longs(0x014A, &[me, me]),
            long(0x8769, me),
        ],
        me,
    );
    assert_eq!(ifd0, me);
    let file = b.first(ifd0);
    assert_eq!(chosen(&file, "nef"), Ok(("jpeg", 48, 32)));
    assert_eq!(exif_blocks(&file, "nef").len(), 1);
    // Two IFDs pointing at each other.
    let mut b = Builder::new(b"II*\0");
    let a_at = b.next_ifd();
    let b_at = a_at + 2 + 12 + 4;
    let a = b.ifd(&[long(0x014A, b_at)], b_at);
    let c = b.ifd(&[long(0x014A, a_at)], a_at);
    assert_eq!((a, c), (a_at, b_at));
    assert_eq!(chosen(&b.first(a), "cr2"), Err(NoPreview::None));
}
