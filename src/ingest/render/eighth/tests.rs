use super::*;
use std::path::Path;

/// Files written by cjpeg, ffmpeg, Pillow and ImageMagick (see the folder's README).
fn fixture(name: &str) -> Vec<u8> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/jpeg")
        .join(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// libjpeg-turbo's picture at 1/8.
fn turbo(bytes: &[u8]) -> (RgbImage, u32, u32) {
    super::super::turbo::decode(bytes, 1).unwrap().unwrap()
}

/// Mean difference per channel, and the share of pixels whose luma differs by more than 2.
fn differences(a: &RgbImage, b: &RgbImage) -> (f64, f64) {
    let luma = |p: &image::Rgb<u8>| 0.299 * p[0] as f64 + 0.587 * p[1] as f64 + 0.114 * p[2] as f64;
    let (mut sum, mut off) = (0u64, 0usize);
    for (p, q) in a.pixels().zip(b.pixels()) {
        sum += (0..3).map(|c| p[c].abs_diff(q[c]) as u64).sum::<u64>();
        off += usize::from((luma(p) - luma(q)).abs() > 2.0);
    }
    let n = a.pixels().len() as f64;
    (sum as f64 / n / 3.0, off as f64 / n)
}

#[test]
fn same_picture_as_libjpeg_where_nothing_is_subsampled() {
    // Greyscale and 4:4:4 from two encoders (optimised Huffman tables, 1x2 blocks per MCU,
    // restart markers, one scan per component, progressive with DC refinement): the block
    // averages are the whole picture at 1/8, so every pixel must equal libjpeg-turbo's.
    for name in [
        "cjpeg-gray-restart2rows.jpg",
        "cjpeg-444-optimized.jpg",
        "cjpeg-444-three-scans.jpg",
        "cjpeg-progressive-444-restart1row.jpg",
        "cjpeg-progressive-gray.jpg",
        "cjpeg-progressive-444-script.jpg",
        "ffmpeg-444.jpg",
    ] {
        let bytes = fixture(name);
        let (img, w, h) = decode(&bytes, 1).unwrap_or_else(|| panic!("{name}: not decoded"));
        let (want, ww, wh) = turbo(&bytes);
        assert_eq!((w, h), (ww, wh), "{name}");
        assert_eq!((w, h), (243, 177), "{name}");
        assert_eq!(img.dimensions(), (31, 23), "{name}: 1/8 rounded up");
        assert!(img == want, "{name}: pixels differ from libjpeg-turbo's");
    }
}

#[test]
fn subsampled_chroma_stays_close_to_libjpeg() {
    // Luma is exact; chroma comes from its block averages (libjpeg-turbo runs a 2x2
    // inverse DCT), so colours differ a little at sharp colour edges of this drawing.
    for name in [
        "cjpeg-420.jpg",
        "cjpeg-422-restart5blocks.jpg",
        "cjpeg-440-restart1row.jpg",
        "cjpeg-q3-16bit-quant.jpg",
        "ffmpeg-420.jpg",
        "ffmpeg-422.jpg",
        "magick-420.jpg",
        "pillow-420-q75.jpg",
        "pillow-422-q90.jpg",
        "cjpeg-progressive.jpg",
        "pillow-progressive-420.jpg",
    ] {
        let bytes = fixture(name);
        let (img, w, h) = decode(&bytes, 1).unwrap_or_else(|| panic!("{name}: not decoded"));
        let (want, ww, wh) = turbo(&bytes);
        assert_eq!(
            (w, h, img.dimensions()),
            (ww, wh, want.dimensions()),
            "{name}"
        );
        let (mean, luma_off) = differences(&img, &want);
        assert!(mean < 2.5, "{name}: mean difference {mean:.2} per channel");
        assert!(
            luma_off < 0.01,
            "{name}: luma off by more than 2 at {:.1}% of pixels",
            luma_off * 100.0
        );
    }
}

#[test]
fn other_variants_are_left_to_libjpeg() {
    for name in ["cjpeg-rgb.jpg", "cjpeg-arithmetic.jpg"] {
        assert!(decode(&fixture(name), 1).is_none(), "{name}");
    }
    // And a scale other than 1/8 is not this path's.
    assert!(decode(&fixture("cjpeg-420.jpg"), 31).is_none());
    assert!(decode(&fixture("cjpeg-420.jpg"), 30).is_some());
}

#[test]
fn data_cut_short_or_out_of_order_is_left_to_libjpeg() {
    let bytes = fixture("cjpeg-422-restart5blocks.jpg");
    let scan = bytes.windows(2).rposition(|w| w == [0xFF, 0xDA]).unwrap();
    // Cut anywhere before the last data byte: never a picture with invented blocks.
    for cut in 0..bytes.len() - 3 {
        assert!(decode(&bytes[..cut], 1).is_none(), "cut at {cut}");
    }
    // Without its end marker, all the data is still there.
    assert!(decode(&bytes[..bytes.len() - 2], 1).is_some());
    // A restart marker out of sequence.
    let rst = scan
        + bytes[scan..]
            .windows(2)
            .position(|w| w == [0xFF, 0xD3])
            .unwrap();
    let mut swapped = bytes.clone();
    swapped[rst + 1] = 0xD5;
    assert!(decode(&swapped, 1).is_none());

    // A progressive file cut short: nothing, or the whole picture.
    let bytes = fixture("cjpeg-progressive-gray.jpg");
    let (whole, _, _) = decode(&bytes, 1).unwrap();
    let mut complete_from = None;
    for cut in 0..bytes.len() {
        match decode(&bytes[..cut], 1) {
            Some((img, _, _)) => {
                assert!(img == whole, "cut at {cut}: a different picture");
                complete_from.get_or_insert(cut);
            }
            None => assert!(
                complete_from.is_none(),
                "cut at {cut}: refused after a longer cut was taken"
            ),
        }
    }
    // Its last AC scans bring the low coefficients to full precision; before they are in,
    // libjpeg-turbo smooths the block averages, so this decoder leaves the file to it.
    assert!(
        complete_from.is_none_or(|c| c >= bytes.len() - 2),
        "{complete_from:?}"
    );
}

#[test]
fn damage_never_panics() {
    // Every byte of the headers and the start of the data changed in turn (three ways),
    // and runs of random changes anywhere.
    for name in [
        "cjpeg-422-restart5blocks.jpg",
        "ffmpeg-420.jpg",
        "cjpeg-gray-restart2rows.jpg",
        "pillow-progressive-420.jpg",
    ] {
        let bytes = fixture(name);
        let scan = bytes.windows(2).position(|w| w == [0xFF, 0xDA]).unwrap();
        for i in 0..(scan + 64).min(bytes.len()) {
            for v in [0x00, 0xFF, bytes[i] ^ 0x10] {
                let mut b = bytes.clone();
                b[i] = v;
                if let Some((img, w, h)) = decode(&b, 1) {
                    assert_eq!(img.dimensions(), (w.div_ceil(8), h.div_ceil(8)));
                }
            }
        }
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        for _ in 0..1000 {
            let mut b = bytes.clone();
            for _ in 0..4 {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let at = (seed >> 33) as usize % b.len();
                b[at] = (seed >> 8) as u8;
            }
            let _ = decode(&b, 1);
        }
    }
}

#[test]
fn a_huge_claimed_size_is_refused_before_decoding() {
    let mut bytes = fixture("cjpeg-420.jpg");
    let sof = bytes.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
    bytes[sof + 5..sof + 9].copy_from_slice(&[0xEA, 0x60, 0xEA, 0x60]); // 60000 x 60000
    assert!(decode(&bytes, 1).is_none());
}

/// libjpeg-turbo's picture, as the caller gets it when this decoder declines.
fn as_the_caller_shows(bytes: &[u8]) -> RgbImage {
    super::super::decode_jpeg_tolerant(bytes, 1).unwrap().0
}

#[test]
fn scans_that_would_change_what_was_read_are_left_to_libjpeg() {
    // libjpeg-turbo reads every scan and applies each: a second DC scan after a progressive
    // file's first (picture B over picture A), a sequential file's luma read twice (B's luma
    // after A's three components). Stopping at the first would show A in the thumbnail and B
    // in the full view.
    for name in ["crafted-prog-two-dc.jpg", "crafted-seq-two-y.jpg"] {
        let bytes = fixture(name);
        assert!(decode(&bytes, 1).is_none(), "{name}");
        assert!(as_the_caller_shows(&bytes) == turbo(&bytes).0, "{name}");
    }
}

#[test]
fn what_libjpeg_smooths_wraps_or_refuses_is_left_to_it() {
    for name in [
        // Progressive with DC scans only: libjpeg-turbo smooths the block averages where the
        // low AC coefficients never come.
        "crafted-g-dconly.jpg",
        // DC coefficients past what its 16 bits and range table hold: libjpeg-turbo wraps.
        "crafted-dcwrap.jpg",
        // A Huffman table whose last code is all ones: libjpeg-turbo refuses it.
        "crafted-allones.jpg",
        // Three 2x2 components, 12 blocks per MCU: libjpeg-turbo refuses more than 10.
        "crafted-all22.jpg",
    ] {
        assert!(decode(&fixture(name), 1).is_none(), "{name}");
    }
}

#[test]
fn halved_chroma_is_upsampled_by_the_triangle_filter() {
    // One row of two chroma blocks, 0 and 64, halved both ways: each output sample takes 3/4 of
    // the nearer block and 1/4 of the further one, per axis.
    let p = Plane {
        w: 2,
        bw: 2,
        bh: 1,
        // Averages 128 + dc * q / 8 with q = 8: 64 and 128.
        dc: vec![-64, 0],
        q: Some(8),
        al: Some(0),
    };
    assert_eq!(
        upsample(&p.samples().unwrap(), 2, 1, 4, 1),
        vec![64, 80, 112, 128]
    );
    assert_eq!(upsample(&p.samples().unwrap(), 1, 1, 2, 1), vec![64, 128]);
    // Vertically halved: a single row repeats.
    assert_eq!(
        upsample(&p.samples().unwrap(), 2, 2, 4, 2),
        vec![64, 80, 112, 128, 64, 80, 112, 128]
    );
}
