//! Decoding a photo into its display size, a grid thumbnail and an inspector preview.
//!
//! JPEG is decoded with DCT scaling (shrink-on-load): only as many pixels as the preview needs
//! are ever produced, so a 12 MP photo costs a 1 MP decode. Other formats go through `image`
//! with limits. Every decode first checks the size the header claims, so a small file that
//! claims 60000 x 60000 pixels is refused before anything is allocated.
//!
//! `render/samples.rs` reads the TIFFs the `image` decoder refuses from their raw samples.

use super::sniff::Format;
use image::{DynamicImage, RgbImage};
use std::io::Cursor;

mod eighth;
mod samples;
mod turbo;

use samples::tiff_samples;

/// Long edge of grid thumbnails.
pub const THUMB_EDGE: u32 = 256;
/// Long edge of inspector previews.
pub const PREVIEW_EDGE: u32 = 1024;
/// JPEG DCT scaling stops at the largest 1/n whose long edge is at least this: a 12 MP photo
/// decodes at 1/8 (500 px), enough for the inspector; the full view decodes the original.
const PREVIEW_MIN_DECODE: u32 = 480;
/// The most pixels a photo may claim (200 MP; medium-format cameras reach 150).
pub const MAX_PIXELS: u64 = 200_000_000;
/// The most memory one decode may ask for.
const MAX_ALLOC: u64 = 1 << 30;

pub struct Rendered {
    /// Pixel size as displayed (orientation applied).
    pub width: u32,
    pub height: u32,
    pub thumb_jpeg: Vec<u8>,
    /// The thumbnail's perceptual hash (`verify::perceptual_hash`), for near-duplicates.
    pub thumb_hash: u64,
    pub preview_jpeg: Vec<u8>,
    /// The file ends before the picture does: what decoded is shown, the rest is grey.
    pub incomplete: bool,
}

/// Why a photo has no preview.
#[derive(Debug, Clone, PartialEq)]
pub enum RenderError {
    /// The header claims an impossible or enormous size: refused before any allocation.
    Bomb(String),
    /// The bytes do not decode as the picture they claim to be, not even its header.
    Unreadable(String),
    /// The header is sound (the photo's size is known) but its pixels do not decode: damaged,
    /// or cut short (`incomplete`).
    Damaged {
        why: String,
        width: u32,
        height: u32,
        incomplete: bool,
    },
    /// A real photo whose encoding no decoder here reads (CCITT fax TIFF, a RAW without an
    /// embedded preview, HEIF without libheif). `incomplete`: a preview the file points to lies
    /// past its end.
    Unsupported { why: String, incomplete: bool },
}

impl RenderError {
    pub fn message(&self) -> &str {
        match self {
            RenderError::Bomb(m) | RenderError::Unreadable(m) => m,
            RenderError::Unsupported { why, .. } | RenderError::Damaged { why, .. } => why,
        }
    }
}

impl From<String> for RenderError {
    fn from(m: String) -> Self {
        RenderError::Unreadable(m)
    }
}

/// Decodes `bytes` (of `format`, EXIF orientation `orientation`) and makes the derived images.
pub fn render(
    bytes: &[u8],
    format: Format,
    orientation: Option<u16>,
) -> Result<Rendered, RenderError> {
    let d = decode_upright(bytes, format, orientation, PREVIEW_MIN_DECODE)?;
    let mut img = d.pixels;
    if img.width().max(img.height()) > PREVIEW_EDGE {
        img = shrink(&img, PREVIEW_EDGE);
    }
    let thumb = shrink(&img, THUMB_EDGE);
    Ok(Rendered {
        width: d.width,
        height: d.height,
        thumb_jpeg: encode_jpeg(&thumb, 82).map_err(RenderError::Unreadable)?,
        thumb_hash: crate::verify::perceptual_hash(&thumb),
        preview_jpeg: encode_jpeg(&img, 85).map_err(RenderError::Unreadable)?,
        incomplete: d.incomplete,
    })
}

/// The photo upright, at least `min_edge` pixels on its long side where the original has them
/// (JPEG decodes at the smallest DCT scale that gives that), and at most `max_edge`.
pub fn display(
    bytes: &[u8],
    format: Format,
    orientation: Option<u16>,
    min_edge: u32,
    max_edge: u32,
) -> Result<RgbImage, String> {
    let d = decode_upright(bytes, format, orientation, min_edge)
        .map_err(|e| e.message().to_string())?;
    Ok(shrink(&d.pixels, max_edge))
}

struct Decoded {
    pixels: RgbImage,
    /// The full displayed size.
    width: u32,
    height: u32,
    incomplete: bool,
}

/// Decodes and applies the orientation. HEIF carries its turn in the container (`irot`,
/// `imir`), which libheif applies; an EXIF Orientation inside a HEIF describes the same turn and
/// is not applied again. A RAW's embedded preview is stored as the sensor saw it, so the RAW's
/// orientation applies to it.
fn decode_upright(
    bytes: &[u8],
    format: Format,
    orientation: Option<u16>,
    min_edge: u32,
) -> Result<Decoded, RenderError> {
    let mut incomplete = false;
    let (rgb, full_w, full_h, orientation) = match format {
        Format::Jpeg => {
            let (rgb, w, h, cut) = decode_jpeg_tolerant(bytes, min_edge)?;
            incomplete = cut;
            (rgb, w, h, orientation)
        }
        Format::Heif | Format::Avif => {
            // The container's brand says HEIF: whatever libheif cannot draw is still a photo
            // kept as evidence, without a preview.
            let (rgb, w, h) = super::heif::decode(bytes, MAX_PIXELS).map_err(|why| {
                if why.contains("more than the") {
                    RenderError::Bomb(why)
                } else {
                    RenderError::Unsupported {
                        incomplete: why.starts_with("truncated "),
                        why,
                    }
                }
            })?;
            (rgb, w, h, None)
        }
        Format::Raw(ext) => {
            match super::raw::preview(bytes, ext) {
                Ok(super::raw::RawPreview::Jpeg(jpeg)) => {
                    let (rgb, w, h, cut) = decode_jpeg_tolerant(jpeg, min_edge)?;
                    incomplete = cut;
                    (rgb, w, h, orientation)
                }
                Ok(super::raw::RawPreview::Rgb(rgb)) => {
                    let (w, h) = rgb.dimensions();
                    (rgb, w, h, orientation)
                }
                Err(super::raw::NoPreview::None) => {
                    return Err(RenderError::Unsupported {
                    why: "the RAW file holds no embedded preview, and its sensor data is not decoded".into(),
                    incomplete: false,
                });
                }
                Err(super::raw::NoPreview::PastEnd) => {
                    return Err(RenderError::Unsupported {
                        why: "the RAW file's embedded preview lies past the end of the file".into(),
                        incomplete: true,
                    });
                }
            }
        }
        _ => {
            let (rgb, w, h) = decode_other(bytes, format)?;
            (rgb, w, h, orientation)
        }
    };
    let img = DynamicImage::ImageRgb8(rgb);
    let o = orientation.and_then(|o| image::metadata::Orientation::from_exif(o as u8));
    let (img, swap) = match o {
        Some(o) => {
            let swap = matches!(
                o,
                image::metadata::Orientation::Rotate90
                    | image::metadata::Orientation::Rotate270
                    | image::metadata::Orientation::Rotate90FlipH
                    | image::metadata::Orientation::Rotate270FlipH
            );
            let mut img = img;
            img.apply_orientation(o);
            (img, swap)
        }
        None => (img, false),
    };
    let (width, height) = if swap {
        (full_h, full_w)
    } else {
        (full_w, full_h)
    };
    Ok(Decoded {
        pixels: img.into_rgb8(),
        width,
        height,
        incomplete,
    })
}

/// A JPEG with the scaling decoder, else the full one. A file cut short decodes as far as its
/// data goes (`true`: incomplete); the part past the cut is grey.
fn decode_jpeg_tolerant(
    bytes: &[u8],
    min_edge: u32,
) -> Result<(RgbImage, u32, u32, bool), RenderError> {
    let complete = has_jpeg_end(bytes);
    // At 1/8 scale, the common baseline JPEG from its block averages alone (the bulk of an
    // import's work); then libjpeg-turbo (the fastest entropy decoder here); anything it does not take
    // (CMYK, 12-bit, an error of any kind) goes down the pure-Rust path as before.
    if let Some((rgb, w, h)) = eighth::decode(bytes, min_edge) {
        return Ok((rgb, w, h, !complete));
    }
    if let Ok(Some((rgb, w, h))) = turbo::decode(bytes, min_edge) {
        return Ok((rgb, w, h, !complete));
    }
    match decode_jpeg(bytes, min_edge) {
        Ok((rgb, w, h)) => Ok((rgb, w, h, !complete)),
        Err(e @ RenderError::Bomb(_)) => Err(e),
        // A JPEG variant the scaling decoder does not know, or data it gives up on: try the
        // full decoder before calling the file bad (size limits still apply).
        Err(e) => match decode_other(bytes, Format::Jpeg) {
            Ok((rgb, w, h)) => Ok((rgb, w, h, !complete)),
            Err(RenderError::Bomb(b)) => Err(RenderError::Bomb(b)),
            Err(_) => Err(e),
        },
    }
}

pub(crate) fn shrink(img: &RgbImage, edge: u32) -> RgbImage {
    let (w, h) = img.dimensions();
    if w.max(h) <= edge {
        return img.clone();
    }
    let (tw, th) = if w >= h {
        (
            edge,
            ((h as u64 * edge as u64 + w as u64 / 2) / w as u64).max(1) as u32,
        )
    } else {
        (
            ((w as u64 * edge as u64 + h as u64 / 2) / h as u64).max(1) as u32,
            edge,
        )
    };
    area_average(img, tw, th)
}

/// Downscales by averaging the source area under each output pixel (exact fractional
/// coverage, 16-bit fixed-point weights), rows then columns. What `imageops::thumbnail`
/// computes, in integers.
fn area_average(img: &RgbImage, tw: u32, th: u32) -> RgbImage {
    let (w, h) = img.dimensions();
    let xs = area_weights(w, tw);
    let ys = area_weights(h, th);
    let src = img.as_raw();
    // Rows: each source row to `tw` pixels, kept with 8 fractional bits.
    let mut rows = vec![0u16; tw as usize * 3 * h as usize];
    for (y, out) in rows.chunks_exact_mut(tw as usize * 3).enumerate() {
        let row = &src[y * w as usize * 3..(y + 1) * w as usize * 3];
        for (o, (first, ws)) in out.chunks_exact_mut(3).zip(&xs) {
            let mut acc = [0u32; 3];
            for (k, &wt) in ws.iter().enumerate() {
                let p = &row[(first + k) * 3..(first + k) * 3 + 3];
                for c in 0..3 {
                    acc[c] += wt * p[c] as u32;
                }
            }
            for c in 0..3 {
                o[c] = ((acc[c] + 128) >> 8) as u16;
            }
        }
    }
    // Columns.
    let stride = tw as usize * 3;
    let mut out = vec![0u8; stride * th as usize];
    for (orow, (first, ws)) in out.chunks_exact_mut(stride).zip(&ys) {
        let mut acc = vec![0u64; stride];
        for (k, &wt) in ws.iter().enumerate() {
            let row = &rows[(first + k) * stride..(first + k + 1) * stride];
            for (a, &v) in acc.iter_mut().zip(row) {
                *a += wt as u64 * v as u64;
            }
        }
        for (o, a) in orow.iter_mut().zip(acc) {
            *o = ((a + (1 << 23)) >> 24).min(255) as u8;
        }
    }
    RgbImage::from_raw(tw, th, out).expect("sized to fit")
}

/// For each of `dst` outputs over `src` inputs (`dst <= src`): the first input it covers and
/// the weights of the inputs from there, in 1/65536, summing to 65536.
fn area_weights(src: u32, dst: u32) -> Vec<(usize, Vec<u32>)> {
    let scale = src as f64 / dst as f64;
    (0..dst)
        .map(|i| {
            let (a, b) = (i as f64 * scale, (i + 1) as f64 * scale);
            let first = (a.floor() as usize).min(src as usize - 1);
            let last = (b.ceil() as usize).clamp(first + 1, src as usize);
            let cover: Vec<f64> = (first..last)
                .map(|j| (b.min(j as f64 + 1.0) - a.max(j as f64)).max(0.0))
                .collect();
            let sum: f64 = cover.iter().sum::<f64>().max(f64::MIN_POSITIVE);
            let mut ws: Vec<u32> = cover
                .iter()
                .map(|c| (c / sum * 65536.0).round() as u32)
                .collect();
            let total: u32 = ws.iter().sum();
            let big = (0..ws.len()).max_by_key(|&k| ws[k]).unwrap_or(0);
            ws[big] = (ws[big] + 65536).saturating_sub(total);
            (first, ws)
        })
        .collect()
}

fn check_size(w: u32, h: u32) -> Result<(), RenderError> {
    if w == 0 || h == 0 {
        return Err(RenderError::Bomb(format!(
            "the image claims an empty size ({w} x {h} pixels)"
        )));
    }
    if w as u64 * h as u64 > MAX_PIXELS {
        return Err(RenderError::Bomb(format!(
            "the image claims {w} x {h} pixels, more than the {} megapixel limit (a decompression bomb or a damaged header)",
            MAX_PIXELS / 1_000_000
        )));
    }
    Ok(())
}

fn decode_jpeg(bytes: &[u8], min_edge: u32) -> Result<(RgbImage, u32, u32), RenderError> {
    let mut dec = jpeg_decoder::Decoder::new(Cursor::new(bytes));
    dec.read_info()
        .map_err(|e| format!("not a readable JPEG ({e})"))?;
    let info = dec
        .info()
        .ok_or_else(|| RenderError::Unreadable("not a readable JPEG (no header)".into()))?;
    let (w, h) = (info.width as u32, info.height as u32);
    check_size(w, h)?;
    dec.set_max_decoding_buffer_size(MAX_ALLOC as usize);
    let long = w.max(h);
    let denom = [8u32, 4, 2, 1]
        .into_iter()
        .find(|d| long / d >= min_edge)
        .unwrap_or(1);
    let (sw, sh) = dec
        .scale(w.div_ceil(denom) as u16, h.div_ceil(denom) as u16)
        .map_err(|e| format!("not a readable JPEG ({e})"))?;
    let pixels = dec.decode().map_err(|e| RenderError::Damaged {
        why: format!("damaged JPEG ({e})"),
        width: w,
        height: h,
        incomplete: !has_jpeg_end(bytes),
    })?;
    let (sw, sh) = (sw as u32, sh as u32);
    let n = (sw * sh) as usize;
    let rgb: Vec<u8> = match info.pixel_format {
        jpeg_decoder::PixelFormat::RGB24 => pixels,
        jpeg_decoder::PixelFormat::L8 => pixels.iter().flat_map(|&l| [l, l, l]).collect(),
        jpeg_decoder::PixelFormat::L16 => pixels
            .chunks_exact(2)
            .flat_map(|p| [p[0], p[0], p[0]])
            .collect(),
        jpeg_decoder::PixelFormat::CMYK32 => pixels
            .chunks_exact(4)
            .flat_map(|p| {
                let k = 255 - p[3] as u16;
                let f = |c: u8| (((255 - c as u16) * k) / 255) as u8;
                [f(p[0]), f(p[1]), f(p[2])]
            })
            .collect(),
    };
    if rgb.len() < n * 3 {
        return Err(RenderError::Unreadable(
            "damaged JPEG (too few pixels)".into(),
        ));
    }
    let img = RgbImage::from_raw(sw, sh, rgb)
        .ok_or_else(|| RenderError::Unreadable("damaged JPEG (pixel buffer)".into()))?;
    Ok((img, w, h))
}

/// Whether the main image's compressed data reaches its end marker (EOI, FF D9). The header
/// segments are skipped by their lengths (an EXIF thumbnail has an EOI of its own), then EOI is
/// looked for after the first scan: entropy-coded data never holds FF D9, and whatever a camera
/// appends after the image (a motion photo's video, a trailer) comes after it.
pub(crate) fn has_jpeg_end(bytes: &[u8]) -> bool {
    let mut i = 2; // after SOI
    while i + 4 <= bytes.len() {
        if bytes[i] != 0xFF {
            return false;
        }
        let marker = bytes[i + 1];
        if marker == 0xFF {
            i += 1; // fill byte
            continue;
        }
        let len = u16::from_be_bytes([bytes[i + 2], bytes[i + 3]]) as usize;
        if marker == 0xDA {
            let scan = &bytes[(i + 2 + len).min(bytes.len())..];
            // Most files end right at their EOI; else look for it (a trailer after it).
            return scan.ends_with(&[0xFF, 0xD9])
                || memchr::memmem::find(scan, &[0xFF, 0xD9]).is_some();
        }
        i += 2 + len;
    }
    false
}

fn decode_other(bytes: &[u8], format: Format) -> Result<(RgbImage, u32, u32), RenderError> {
    let fmt = match format {
        Format::Png => image::ImageFormat::Png,
        Format::Gif => image::ImageFormat::Gif,
        Format::Webp => image::ImageFormat::WebP,
        Format::Tiff => image::ImageFormat::Tiff,
        Format::Bmp => image::ImageFormat::Bmp,
        Format::Jpeg => image::ImageFormat::Jpeg,
        other => {
            return Err(RenderError::Unsupported {
                why: format!("{} cannot be decoded here", other.name().to_uppercase()),
                incomplete: false,
            });
        }
    };
    let name = format.name().to_uppercase();
    let reader = || {
        let mut r = image::ImageReader::with_format(Cursor::new(bytes), fmt);
        let mut limits = image::Limits::default();
        limits.max_alloc = Some(MAX_ALLOC);
        r.limits(limits);
        r
    };
    let classify = |e: image::ImageError, what: &str| match e {
        image::ImageError::Unsupported(_) => RenderError::Unsupported {
            why: format!("{name} in an encoding not decoded here ({})", short(&e)),
            incomplete: false,
        },
        image::ImageError::Limits(_) => RenderError::Bomb(format!(
            "the {name} needs more memory to decode than allowed ({})",
            short(&e)
        )),
        e => RenderError::Unreadable(format!("{what} {name} ({})", short(&e))),
    };
    let (w, h) = match reader().into_dimensions() {
        Ok(d) => d,
        Err(e) => {
            if format == Format::Tiff
                && let Ok(rgb) = tiff_samples(bytes)
            {
                let (w, h) = rgb.dimensions();
                return Ok((rgb, w, h));
            }
            return Err(classify(e, "not a readable"));
        }
    };
    check_size(w, h)?;
    let decoded = reader().decode();
    // TIFF variants `image` refuses (palette, signed or odd sample depths): read the samples
    // with the TIFF decoder itself and scale them to 8 bits.
    if format == Format::Tiff
        && let Err(image::ImageError::Unsupported(_) | image::ImageError::Decoding(_)) = &decoded
        && let Ok(rgb) = tiff_samples(bytes)
    {
        return Ok((rgb, w, h));
    }
    let img = reader()
        .decode()
        .map_err(|e| match classify(e, "damaged") {
            RenderError::Unreadable(why) => {
                let lower = why.to_lowercase();
                RenderError::Damaged {
                    incomplete: lower.contains("eof") || lower.contains("end of"),
                    why,
                    width: w,
                    height: h,
                }
            }
            other => other,
        })?;
    let rgb = match img {
        DynamicImage::ImageRgb8(rgb) => rgb,
        other if other.color().has_alpha() => flatten(&other.to_rgba8()),
        other => other.to_rgb8(),
    };
    Ok((rgb, w, h))
}

/// Transparent pixels over mid grey, so a transparent screenshot does not turn black.
fn flatten(rgba: &image::RgbaImage) -> RgbImage {
    let (w, h) = rgba.dimensions();
    let mut out = RgbImage::new(w, h);
    for (o, p) in out.pixels_mut().zip(rgba.pixels()) {
        let a = p[3] as u16;
        for c in 0..3 {
            o[c] = ((p[c] as u16 * a + 128 * (255 - a)) / 255) as u8;
        }
    }
    out
}

fn short(e: &image::ImageError) -> String {
    let s = e.to_string();
    s.chars().take(160).collect()
}

pub fn encode_jpeg(img: &RgbImage, quality: u8) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity((img.width() * img.height() / 4) as usize);
    let enc = jpeg_encoder::Encoder::new(&mut out, quality);
    enc.encode(
        img.as_raw(),
        img.width() as u16,
        img.height() as u16,
        jpeg_encoder::ColorType::Rgb,
    )
    .map_err(|e| format!("cannot encode a thumbnail ({e})"))?;
    Ok(out)
}

#[cfg(test)]
mod tests;
