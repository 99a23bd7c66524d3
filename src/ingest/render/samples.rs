//! A TIFF's first image read from its raw samples, for the variants the `image` decoder
//! refuses: palette images, grey and RGB of any integer or float depth, packed sub-byte
//! samples. Not responsible for choosing when to use it, or for other formats (`render.rs`).

use super::*;

/// A TIFF's first image from its raw samples: palette images through their colour map, grey,
/// RGB and their alpha variants of any integer or float depth, scaled to 8 bits (signed
/// samples shifted, floats and wide integers stretched over their range).
pub(super) fn tiff_samples(bytes: &[u8]) -> Result<RgbImage, String> {
    use tiff::ColorType;
    use tiff::decoder::{Decoder, DecodingResult};
    let err = |e: tiff::TiffError| e.to_string();
    let mut dec = Decoder::new(Cursor::new(bytes)).map_err(err)?;
    let (w, h) = dec.dimensions().map_err(err)?;
    check_size(w, h).map_err(|e| e.message().to_string())?;
    let color = dec.colortype().map_err(err)?;
    let map = match color {
        ColorType::Palette(_) => Some(
            dec.get_tag_u16_vec(tiff::tags::Tag::ColorMap)
                .map_err(err)?,
        ),
        _ => None,
    };
    let samples: Vec<f64> = match dec.read_image().map_err(err)? {
        DecodingResult::U8(v) => v.into_iter().map(f64::from).collect(),
        DecodingResult::U16(v) => v.into_iter().map(f64::from).collect(),
        DecodingResult::U32(v) => v.into_iter().map(f64::from).collect(),
        DecodingResult::U64(v) => v.into_iter().map(|x| x as f64).collect(),
        DecodingResult::I8(v) => v.into_iter().map(|x| x as f64 + 128.0).collect(),
        DecodingResult::I16(v) => v.into_iter().map(|x| x as f64 + 32768.0).collect(),
        DecodingResult::I32(v) => v.into_iter().map(f64::from).collect(),
        DecodingResult::I64(v) => v.into_iter().map(|x| x as f64).collect(),
        DecodingResult::F16(v) => v.into_iter().map(f64::from).collect(),
        DecodingResult::F32(v) => v.into_iter().map(f64::from).collect(),
        DecodingResult::F64(v) => v,
    };
    let (channels, bits) = match color {
        ColorType::Gray(b) | ColorType::Palette(b) => (1, b),
        ColorType::GrayA(b) => (2, b),
        ColorType::RGB(b) => (3, b),
        ColorType::RGBA(b) => (4, b),
        other => return Err(format!("colour type {other:?}")),
    };
    let n = (w as usize) * (h as usize);
    // Samples narrower than a byte come packed, each row padded to a whole byte.
    let values: Vec<f64> = if bits < 8 && channels == 1 {
        let per_byte = 8 / bits as usize;
        let row_bytes = (w as usize).div_ceil(per_byte);
        let mask = (1u16 << bits) - 1;
        (0..n)
            .map(|i| {
                let (y, x) = (i / w as usize, i % w as usize);
                let byte = samples
                    .get(y * row_bytes + x / per_byte)
                    .copied()
                    .unwrap_or(0.0) as u16;
                let shift = 8 - bits as usize * (x % per_byte + 1);
                ((byte >> shift) & mask) as f64
            })
            .collect()
    } else {
        samples
    };
    if values.len() < n * channels {
        return Err("too few samples".into());
    }
    let (lo, hi) = match (&map, bits) {
        (Some(_), _) | (None, 1..=8) => (0.0, ((1u64 << bits.min(8)) - 1) as f64),
        _ => values.iter().fold((f64::MAX, f64::MIN), |(a, b), &v| {
            if v.is_finite() {
                (a.min(v), b.max(v))
            } else {
                (a, b)
            }
        }),
    };
    let scale = |v: f64| {
        if hi > lo {
            (((v - lo) / (hi - lo)) * 255.0).clamp(0.0, 255.0) as u8
        } else {
            0
        }
    };
    let mut out = RgbImage::new(w, h);
    for (i, p) in out.pixels_mut().enumerate() {
        let s = &values[i * channels..i * channels + channels];
        *p = match (&map, channels) {
            (Some(map), _) => {
                let k = s[0] as usize;
                let size = map.len() / 3;
                let c = |plane: usize| map.get(plane * size + k).map_or(0, |v| (v >> 8) as u8);
                image::Rgb([c(0), c(1), c(2)])
            }
            (None, 1 | 2) => {
                let g = scale(s[0]);
                image::Rgb([g, g, g])
            }
            _ => image::Rgb([scale(s[0]), scale(s[1]), scale(s[2])]),
        };
    }
    Ok(out)
}
