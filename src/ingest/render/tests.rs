//! Tests of `ingest::render`: area-average shrinking, the JPEG end marker of a file cut short,
//! and TIFF variants the `image` decoder refuses (from Pillow's test images, when present).

use super::*;

#[test]
fn shrinking_averages_areas() {
    let (w, h, tw, th) = (500u32, 375u32, 256u32, 192u32);
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x / 2) as u8, (y * 13 % 256) as u8, ((x * y) % 251) as u8])
    });
    let ours = super::shrink(&img, 256);
    assert_eq!(ours.dimensions(), (tw, th));
    // The exact average of the area under each output pixel, in floating point.
    let (sx, sy) = (w as f64 / tw as f64, h as f64 / th as f64);
    let cover = |i: u32, s: f64, j: u32| {
        let (a, b) = (i as f64 * s, (i + 1) as f64 * s);
        (b.min(j as f64 + 1.0) - a.max(j as f64)).max(0.0)
    };
    let mut worst = 0.0f64;
    for oy in 0..th {
        for ox in 0..tw {
            for c in 0..3 {
                let (mut sum, mut area) = (0.0, 0.0);
                for y in (oy as f64 * sy) as u32..(((oy + 1) as f64 * sy).ceil() as u32).min(h) {
                    for x in (ox as f64 * sx) as u32..(((ox + 1) as f64 * sx).ceil() as u32).min(w)
                    {
                        let a = cover(ox, sx, x) * cover(oy, sy, y);
                        sum += a * img.get_pixel(x, y)[c] as f64;
                        area += a;
                    }
                }
                let d = (sum / area - ours.get_pixel(ox, oy)[c] as f64).abs();
                worst = worst.max(d);
            }
        }
    }
    assert!(worst <= 1.0, "differs from the exact average by {worst}");
    let flat = image::RgbImage::from_pixel(1000, 10, image::Rgb([200, 17, 255]));
    let small = super::shrink(&flat, 333);
    assert!(small.pixels().all(|p| p.0 == [200, 17, 255]));
}

#[test]
fn libjpeg_decodes_scaled_and_survives_damage() {
    let img = image::RgbImage::from_fn(800, 600, |x, y| {
        image::Rgb([(x / 4) as u8, (y / 3) as u8, 128])
    });
    let jpeg = super::encode_jpeg(&img, 90).unwrap();
    let (small, w, h) = super::turbo::decode(&jpeg, 100).unwrap().unwrap();
    assert_eq!((w, h, small.dimensions()), (800, 600, (100, 75)));
    let p = small.get_pixel(50, 40);
    assert!(p[0].abs_diff(100) <= 4 && p[1].abs_diff(106) <= 4, "{p:?}");
    // Cut short: what is there decodes, the rest is grey.
    let (cut, _, _) = super::turbo::decode(&jpeg[..jpeg.len() / 2], 100)
        .unwrap()
        .unwrap();
    let bottom = cut.get_pixel(50, 74);
    assert!(bottom.0.iter().all(|&v| v.abs_diff(128) <= 2), "{bottom:?}");
    // Damage libjpeg gives up on comes back as an error, not a crash.
    assert!(super::turbo::decode(&jpeg[..30], 100).is_err());
    assert!(super::turbo::decode(b"\xFF\xD8\xFF\xC0garbage", 100).is_err());
    // A header claiming a bomb of a size is refused before decoding.
    let mut bomb = jpeg.clone();
    let sof = bomb.windows(2).position(|m| m == [0xFF, 0xC0]).unwrap();
    bomb[sof + 5..sof + 9].copy_from_slice(&[0xEA, 0x60, 0xEA, 0x60]);
    assert!(matches!(
        super::turbo::decode(&bomb, 100),
        Err(super::RenderError::Bomb(_))
    ));
}

#[test]
fn jpeg_end_is_found_past_thumbnails_and_before_trailers() {
    // SOI, APP1 holding an embedded thumbnail's EOI, SOS, data, EOI, then an appended video.
    let mut j = vec![0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x06, 0xFF, 0xD9, 0x00, 0x00];
    j.extend([
        0xFF, 0xDA, 0x00, 0x04, 0x01, 0x02, 0x11, 0x22, 0xFF, 0x00, 0x33,
    ]);
    let complete = [
        j.clone(),
        vec![0xFF, 0xD9],
        b"....ftypmp42 video bytes".to_vec(),
    ]
    .concat();
    assert!(has_jpeg_end(&complete));
    assert!(
        !has_jpeg_end(&j),
        "cut inside the scan: the thumbnail's EOI does not count"
    );
}

/// TIFF variants the `image` decoder refuses, from Pillow's test images (when present).
#[test]
fn tiff_variants_image_refuses_still_preview() {
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/realworld/pillow-tests");
    if !dir.is_dir() {
        eprintln!("skipped: {} is not here", dir.display());
        return;
    }
    for (name, size) in [
        ("8bit.s.tif", (128, 128)),
        ("16bit.s.tif", (10, 10)),
        ("hopper_gray_4bpp.tif", (128, 128)),
    ] {
        let bytes = std::fs::read(dir.join(name)).unwrap();
        let (img, w, h) = decode_other(&bytes, Format::Tiff).unwrap();
        assert_eq!((w, h), size, "{name}");
        let (lo, hi) = img
            .pixels()
            .fold((255, 0), |(lo, hi), p| (lo.min(p[0]), hi.max(p[0])));
        assert!(
            hi - lo > 50,
            "{name}: a picture, not a flat field ({lo}..{hi})"
        );
    }
}
