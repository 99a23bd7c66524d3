//! Test photos made by code: JPEGs (baseline, progressive, grayscale, CMYK) with an EXIF
//! segment we assemble byte by byte, PNG, WebP, TIFF, GIF, and bad files of every kind.

use image::{ImageEncoder, RgbImage};

/// The EXIF values a fixture carries. `None` leaves the tag out.
#[derive(Clone, Default)]
pub struct Exif {
    pub datetime_original: Option<&'static str>,
    pub offset_original: Option<&'static str>,
    pub offset: Option<&'static str>,
    pub subsec_original: Option<&'static str>,
    /// Signed decimal degrees: latitude, longitude; altitude in metres (negative: below sea level).
    pub gps: Option<(f64, f64, f64)>,
    pub make: Option<&'static str>,
    pub model: Option<&'static str>,
    pub serial: Option<&'static str>,
    pub orientation: Option<u16>,
    /// Big-endian ("MM") TIFF instead of little-endian.
    pub big_endian: bool,
}

struct Entry {
    tag: u16,
    typ: u16,
    count: u32,
    data: Vec<u8>,
}

const ASCII: u16 = 2;
const SHORT: u16 = 3;
const LONG: u16 = 4;
const RATIONAL: u16 = 5;
const BYTE: u16 = 1;

impl Exif {
    /// The APP1 payload: `Exif\0\0` and a TIFF structure with IFD0, the Exif IFD and the GPS IFD.
    pub fn app1(&self) -> Vec<u8> {
        let be = self.big_endian;
        let u16b = |v: u16| {
            if be {
                v.to_be_bytes().to_vec()
            } else {
                v.to_le_bytes().to_vec()
            }
        };
        let u32b = |v: u32| {
            if be {
                v.to_be_bytes().to_vec()
            } else {
                v.to_le_bytes().to_vec()
            }
        };
        let ascii = |tag: u16, s: &str| {
            let mut d = s.as_bytes().to_vec();
            d.push(0);
            Entry {
                tag,
                typ: ASCII,
                count: d.len() as u32,
                data: d,
            }
        };
        let rationals = |tag: u16, vals: &[(u32, u32)]| {
            let mut d = Vec::new();
            for (n, den) in vals {
                d.extend(u32b(*n));
                d.extend(u32b(*den));
            }
            Entry {
                tag,
                typ: RATIONAL,
                count: vals.len() as u32,
                data: d,
            }
        };
        let mut ifd0 = Vec::new();
        if let Some(m) = self.make {
            ifd0.push(ascii(0x010F, m));
        }
        if let Some(m) = self.model {
            ifd0.push(ascii(0x0110, m));
        }
        if let Some(o) = self.orientation {
            ifd0.push(Entry {
                tag: 0x0112,
                typ: SHORT,
                count: 1,
                data: u16b(o),
            });
        }
        let mut exif = Vec::new();
        if let Some(d) = self.datetime_original {
            exif.push(ascii(0x9003, d));
        }
        if let Some(o) = self.offset {
            exif.push(ascii(0x9010, o));
        }
        if let Some(o) = self.offset_original {
            exif.push(ascii(0x9011, o));
        }
        if let Some(s) = self.subsec_original {
            exif.push(ascii(0x9291, s));
        }
        if let Some(s) = self.serial {
            exif.push(ascii(0xA431, s));
        }
        let mut gps = Vec::new();
        if let Some((lat, lon, alt)) = self.gps {
            let dms = |v: f64| {
                let v = v.abs();
                let d = v.trunc();
                let m = ((v - d) * 60.0).trunc();
                let s = ((v - d) * 60.0 - m) * 60.0;
                [
                    (d as u32, 1),
                    (m as u32, 1),
                    ((s * 10000.0).round() as u32, 10000),
                ]
            };
            gps.push(Entry {
                tag: 0x0000,
                typ: BYTE,
                count: 4,
                data: vec![2, 3, 0, 0],
            });
            gps.push(ascii(0x0001, if lat < 0.0 { "S" } else { "N" }));
            gps.push(rationals(0x0002, &dms(lat)));
            gps.push(ascii(0x0003, if lon < 0.0 { "W" } else { "E" }));
            gps.push(rationals(0x0004, &dms(lon)));
            gps.push(Entry {
                tag: 0x0005,
                typ: BYTE,
                count: 1,
                data: vec![u8::from(alt < 0.0)],
            });
            gps.push(rationals(
                0x0006,
                &[((alt.abs() * 100.0).round() as u32, 100)],
            ));
        }
        // Pointers are LONGs; their values are fixed once sizes are known.
        ifd0.push(Entry {
            tag: 0x8769,
            typ: LONG,
            count: 1,
            data: u32b(0),
        });
        if !gps.is_empty() {
            ifd0.push(Entry {
                tag: 0x8825,
                typ: LONG,
                count: 1,
                data: u32b(0),
            });
        }
        let size = |entries: &[Entry]| -> u32 {
            2 + 12 * entries.len() as u32
                + 4
                + entries
                    .iter()
                    .map(|e| {
                        if e.data.len() > 4 {
                            (e.data.len() as u32 + 1) & !1
                        } else {
                            0
                        }
                    })
                    .sum::<u32>()
        };
        let exif_at = 8 + size(&ifd0);
        let gps_at = exif_at + size(&exif);
        for e in &mut ifd0 {
            if e.tag == 0x8769 {
                e.data = u32b(exif_at);
            }
            if e.tag == 0x8825 {
                e.data = u32b(gps_at);
            }
        }
        let mut tiff = if be {
            b"MM\0\x2A".to_vec()
        } else {
            b"II\x2A\0".to_vec()
        };
        tiff.extend(u32b(8));
        for (entries, at) in [(&mut ifd0, 8u32), (&mut exif, exif_at), (&mut gps, gps_at)] {
            if entries.is_empty() && at == gps_at {
                continue;
            }
            entries.sort_by_key(|e| e.tag);
            assert_eq!(tiff.len() as u32, at);
            let data_base = at + 2 + 12 * entries.len() as u32 + 4;
            let mut data: Vec<u8> = Vec::new();
            tiff.extend(u16b(entries.len() as u16));
            for e in entries.iter() {
                tiff.extend(u16b(e.tag));
                tiff.extend(u16b(e.typ));
                tiff.extend(u32b(e.count));
                if e.data.len() <= 4 {
                    let mut v = e.data.clone();
                    v.resize(4, 0);
                    tiff.extend(v);
                } else {
                    tiff.extend(u32b(data_base + data.len() as u32));
                    data.extend(&e.data);
                    if e.data.len() % 2 == 1 {
                        data.push(0);
                    }
                }
            }
            tiff.extend(u32b(0));
            tiff.extend(data);
        }
        let mut out = b"Exif\0\0".to_vec();
        out.extend(tiff);
        out
    }
}

/// A photo-like picture: a sky gradient on top, darker ground below, and some texture.
pub fn picture(w: u32, h: u32, seed: u32) -> RgbImage {
    RgbImage::from_fn(w, h, |x, y| {
        let n = (x.wrapping_mul(7919) ^ y.wrapping_mul(104_729) ^ seed.wrapping_mul(2_654_435_761))
            % 23;
        if y < h / 2 {
            image::Rgb([60 + (n as u8), 120 + (y * 60 / h.max(1)) as u8, 230])
        } else {
            image::Rgb([90 + (x * 60 / w.max(1)) as u8 + n as u8, 70, 40])
        }
    })
}

#[derive(Clone, Copy, PartialEq)]
pub enum Jpeg {
    Baseline,
    Progressive,
    Gray,
    Cmyk,
}

pub fn jpeg(w: u32, h: u32, seed: u32, kind: Jpeg, exif: Option<&Exif>) -> Vec<u8> {
    let img = picture(w, h, seed);
    let mut out = Vec::new();
    let mut enc = jpeg_encoder::Encoder::new(&mut out, 88);
    enc.set_progressive(kind == Jpeg::Progressive);
    if let Some(e) = exif {
        enc.add_app_segment(1, e.app1()).unwrap();
    }
    match kind {
        Jpeg::Gray => {
            let luma: Vec<u8> = img
                .pixels()
                .map(|p| ((p[0] as u32 + p[1] as u32 + p[2] as u32) / 3) as u8)
                .collect();
            enc.encode(&luma, w as u16, h as u16, jpeg_encoder::ColorType::Luma)
                .unwrap();
        }
        Jpeg::Cmyk => {
            let cmyk: Vec<u8> = img
                .pixels()
                .flat_map(|p| [255 - p[0], 255 - p[1], 255 - p[2], 0])
                .collect();
            enc.encode(&cmyk, w as u16, h as u16, jpeg_encoder::ColorType::Cmyk)
                .unwrap();
        }
        _ => enc
            .encode(
                img.as_raw(),
                w as u16,
                h as u16,
                jpeg_encoder::ColorType::Rgb,
            )
            .unwrap(),
    }
    out
}

pub fn encode(w: u32, h: u32, seed: u32, format: image::ImageFormat) -> Vec<u8> {
    let img = picture(w, h, seed);
    let mut out = std::io::Cursor::new(Vec::new());
    match format {
        image::ImageFormat::WebP => image::codecs::webp::WebPEncoder::new_lossless(&mut out)
            .write_image(img.as_raw(), w, h, image::ExtendedColorType::Rgb8)
            .unwrap(),
        f => img.write_to(&mut out, f).unwrap(),
    }
    out.into_inner()
}

/// A PNG with an eXIf chunk before IDAT.
pub fn png_with_exif(w: u32, h: u32, seed: u32, exif: &Exif) -> Vec<u8> {
    let png = encode(w, h, seed, image::ImageFormat::Png);
    let tiff = &exif.app1()[6..];
    let mut chunk = (tiff.len() as u32).to_be_bytes().to_vec();
    let mut body = b"eXIf".to_vec();
    body.extend(tiff);
    chunk.extend(&body);
    chunk.extend(crc32(&body).to_be_bytes());
    let ihdr_end = 8 + 25; // signature + IHDR chunk
    let mut out = png[..ihdr_end].to_vec();
    out.extend(chunk);
    out.extend(&png[ihdr_end..]);
    out
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in data {
        crc ^= b as u32;
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A 74-byte JPEG whose header claims 60000 x 60000 pixels.
pub fn jpeg_bomb() -> Vec<u8> {
    let mut b = vec![0xFF, 0xD8];
    // SOF0: length 17, precision 8, height, width, 3 components.
    b.extend([0xFF, 0xC0, 0x00, 0x11, 0x08]);
    b.extend(60000u16.to_be_bytes());
    b.extend(60000u16.to_be_bytes());
    b.extend([0x03, 0x01, 0x11, 0x00, 0x02, 0x11, 0x00, 0x03, 0x11, 0x00]);
    while b.len() < 72 {
        b.push(0);
    }
    b.extend([0xFF, 0xD9]);
    b
}

/// A PNG whose IHDR claims 60000 x 60000 pixels, with a tiny IDAT.
pub fn png_bomb() -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut body = b"IHDR".to_vec();
    body.extend(60000u32.to_be_bytes());
    body.extend(60000u32.to_be_bytes());
    body.extend([8, 2, 0, 0, 0]);
    out.extend(13u32.to_be_bytes());
    out.extend(&body);
    out.extend(crc32(&body).to_be_bytes());
    let idat = b"IDAT\x78\x9c\x03\x00\x00\x00\x00\x01";
    out.extend(8u32.to_be_bytes());
    out.extend(idat);
    out.extend(crc32(idat).to_be_bytes());
    out.extend(0u32.to_be_bytes());
    out.extend(b"IEND");
    out.extend(crc32(b"IEND").to_be_bytes());
    out
}

/// The start of a HEIC file: an `ftyp` box naming the heic brand, then an empty `meta` box.
pub fn heic_stub() -> Vec<u8> {
    let mut out = Vec::new();
    out.extend(24u32.to_be_bytes());
    out.extend(b"ftypheic");
    out.extend(0u32.to_be_bytes());
    out.extend(b"mif1heic");
    out.extend(12u32.to_be_bytes());
    out.extend(b"meta");
    out.extend(0u32.to_be_bytes());
    out
}

/// Deterministic noise.
pub fn random_bytes(n: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}
