//! Decoding a photo into its display size, a grid thumbnail and an inspector preview.
//!
//! JPEG is decoded with DCT scaling (shrink-on-load): only as many pixels as the preview needs
//! are ever produced, so a 12 MP photo costs a 1 MP decode. Other formats go through `image`
//! with limits. Every decode first checks the size the header claims, so a small file that
//! claims 60000 x 60000 pixels is refused before anything is allocated.

use super::sniff::Format;
use image::{DynamicImage, RgbImage};
use std::io::Cursor;

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
    pub preview_jpeg: Vec<u8>,
}

/// Decodes `bytes` (of `format`, EXIF orientation `orientation`) and makes the derived images.
pub fn render(bytes: &[u8], format: Format, orientation: Option<u16>) -> Result<Rendered, String> {
    let (img, width, height) = decode_upright(bytes, format, orientation, PREVIEW_MIN_DECODE)?;
    let mut img = DynamicImage::ImageRgb8(img);
    if img.width().max(img.height()) > PREVIEW_EDGE {
        img = DynamicImage::ImageRgb8(shrink(&img.to_rgb8(), PREVIEW_EDGE));
    }
    let preview = img.to_rgb8();
    let thumb = shrink(&preview, THUMB_EDGE);
    Ok(Rendered {
        width,
        height,
        thumb_jpeg: encode_jpeg(&thumb, 82)?,
        preview_jpeg: encode_jpeg(&preview, 85)?,
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
    let (img, _, _) = decode_upright(bytes, format, orientation, min_edge)?;
    Ok(shrink(&img, max_edge))
}

/// Decodes and applies the EXIF orientation. Returns the pixels and the full displayed size.
fn decode_upright(
    bytes: &[u8],
    format: Format,
    orientation: Option<u16>,
    min_edge: u32,
) -> Result<(RgbImage, u32, u32), String> {
    let (rgb, full_w, full_h) = match format {
        Format::Jpeg => match decode_jpeg(bytes, min_edge) {
            Ok(decoded) => decoded,
            // A JPEG variant the scaling decoder does not know: try the full decoder before
            // calling the file bad (size limits and truncation still apply).
            Err(e) if e.starts_with("not a readable") || e.starts_with("damaged JPEG (") => {
                if !has_jpeg_end(bytes) {
                    return Err("truncated JPEG: the file ends before the image does".into());
                }
                decode_other(bytes, Format::Jpeg).map_err(|_| e)?
            }
            Err(e) => return Err(e),
        },
        _ => decode_other(bytes, format)?,
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
    Ok((img.into_rgb8(), width, height))
}

fn shrink(img: &RgbImage, edge: u32) -> RgbImage {
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
    image::imageops::thumbnail(img, tw, th)
}

fn check_size(w: u32, h: u32) -> Result<(), String> {
    if w == 0 || h == 0 {
        return Err(format!("the image claims an empty size ({w} x {h} pixels)"));
    }
    if w as u64 * h as u64 > MAX_PIXELS {
        return Err(format!(
            "the image claims {w} x {h} pixels, more than the {} megapixel limit (a decompression bomb or a damaged header)",
            MAX_PIXELS / 1_000_000
        ));
    }
    Ok(())
}

fn decode_jpeg(bytes: &[u8], min_edge: u32) -> Result<(RgbImage, u32, u32), String> {
    let mut dec = jpeg_decoder::Decoder::new(Cursor::new(bytes));
    dec.read_info()
        .map_err(|e| format!("not a readable JPEG ({e})"))?;
    let info = dec.info().ok_or("not a readable JPEG (no header)")?;
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
    let pixels = dec.decode().map_err(|e| format!("damaged JPEG ({e})"))?;
    if !has_jpeg_end(bytes) {
        return Err("truncated JPEG: the file ends before the image does".into());
    }
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
        return Err("damaged JPEG (too few pixels)".into());
    }
    let img = RgbImage::from_raw(sw, sh, rgb).ok_or("damaged JPEG (pixel buffer)")?;
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
            let scan = (i + 2 + len).min(bytes.len());
            return bytes[scan..].windows(2).any(|w| w == [0xFF, 0xD9]);
        }
        i += 2 + len;
    }
    false
}

fn decode_other(bytes: &[u8], format: Format) -> Result<(RgbImage, u32, u32), String> {
    let fmt = match format {
        Format::Png => image::ImageFormat::Png,
        Format::Gif => image::ImageFormat::Gif,
        Format::Webp => image::ImageFormat::WebP,
        Format::Tiff => image::ImageFormat::Tiff,
        Format::Bmp => image::ImageFormat::Bmp,
        Format::Jpeg => image::ImageFormat::Jpeg,
        other => return Err(format!("{} cannot be decoded yet", other.name())),
    };
    let name = format.name().to_uppercase();
    let reader = || {
        let mut r = image::ImageReader::with_format(Cursor::new(bytes), fmt);
        let mut limits = image::Limits::default();
        limits.max_alloc = Some(MAX_ALLOC);
        r.limits(limits);
        r
    };
    let (w, h) = reader()
        .into_dimensions()
        .map_err(|e| format!("not a readable {name} ({})", short(&e)))?;
    check_size(w, h)?;
    let img = reader()
        .decode()
        .map_err(|e| format!("damaged {name} ({})", short(&e)))?;
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
mod tests {
    use super::has_jpeg_end;

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
}
