//! DNG-like camera RAW files for the media benchmark, written byte by byte: a little-endian
//! TIFF whose IFD0 is a 160 x 120 uncompressed RGB thumbnail with the camera's tags (Make,
//! Model, DNGVersion, an EXIF IFD with the capture time and pixel size, a GPS IFD) and two
//! SubIFDs, as a camera's DNG has them: the sensor data (one uncompressed 16-bit CFA strip) and
//! a full-size JPEG preview (compression 7, YCbCr).
//!
//! The layout puts the sensor strip between the thumbnail and the preview, so a reader that
//! walks the file from the start must step over it.

use std::io::Write;
use std::path::Path;

/// Where each IFD starts (each with room for its out-of-line values up to the next).
const IFD0: usize = 8;
const EXIF_IFD: usize = 4096;
const GPS_IFD: usize = 8192;
const RAW_IFD: usize = 12288;
const PREVIEW_IFD: usize = 16384;
/// The thumbnail's pixels start here; the sensor strip follows them.
const THUMB_AT: usize = 65536;
const THUMB_W: u32 = 160;
const THUMB_H: u32 = 120;

/// What one file holds besides its preview.
pub struct Spec<'a> {
    /// The sensor's size in pixels (2 bytes each in the strip).
    pub sensor: (u32, u32),
    /// A baseline JPEG, stored whole as the preview.
    pub preview: &'a [u8],
    pub preview_size: (u32, u32),
    /// "YYYY:MM:DD HH:MM:SS".
    pub taken: String,
    /// Degrees north and east.
    pub gps: (f64, f64),
    /// Seeds the sensor data, so that every file is different.
    pub seed: u64,
}

/// One IFD entry: tag, TIFF type, count and the value's bytes (little-endian).
type Entry = (u16, u16, u32, Vec<u8>);

fn short(tag: u16, v: &[u16]) -> Entry {
    let bytes = v.iter().flat_map(|x| x.to_le_bytes()).collect();
    (tag, 3, v.len() as u32, bytes)
}

fn long(tag: u16, v: &[u32]) -> Entry {
    let bytes = v.iter().flat_map(|x| x.to_le_bytes()).collect();
    (tag, 4, v.len() as u32, bytes)
}

fn byte(tag: u16, v: &[u8]) -> Entry {
    (tag, 1, v.len() as u32, v.to_vec())
}

fn ascii(tag: u16, s: &str) -> Entry {
    let mut bytes = s.as_bytes().to_vec();
    bytes.push(0);
    (tag, 2, bytes.len() as u32, bytes)
}

fn rational(tag: u16, v: &[(u32, u32)]) -> Entry {
    let bytes = v
        .iter()
        .flat_map(|(n, d)| n.to_le_bytes().into_iter().chain(d.to_le_bytes()))
        .collect();
    (tag, 5, v.len() as u32, bytes)
}

/// Degrees as three rationals (degrees, minutes, seconds in 1/1000).
fn dms(deg: f64) -> [(u32, u32); 3] {
    let d = deg.abs();
    let whole = d.floor();
    let minutes = (d - whole) * 60.0;
    let m = minutes.floor();
    let s = ((minutes - m) * 60.0 * 1000.0).round();
    [(whole as u32, 1), (m as u32, 1), (s as u32, 1000)]
}

/// Writes an IFD at `at` in `buf` (entries sorted by tag), its longer values right after it.
fn ifd(buf: &mut [u8], at: usize, mut entries: Vec<Entry>) {
    entries.sort_by_key(|e| e.0);
    let n = entries.len();
    buf[at..at + 2].copy_from_slice(&(n as u16).to_le_bytes());
    let mut extra = at + 2 + 12 * n + 4;
    for (i, (tag, typ, count, value)) in entries.into_iter().enumerate() {
        let e = at + 2 + 12 * i;
        buf[e..e + 2].copy_from_slice(&tag.to_le_bytes());
        buf[e + 2..e + 4].copy_from_slice(&typ.to_le_bytes());
        buf[e + 4..e + 8].copy_from_slice(&count.to_le_bytes());
        if value.len() <= 4 {
            buf[e + 8..e + 8 + value.len()].copy_from_slice(&value);
        } else {
            extra += extra % 2;
            buf[e + 8..e + 12].copy_from_slice(&(extra as u32).to_le_bytes());
            buf[extra..extra + value.len()].copy_from_slice(&value);
            extra += value.len();
        }
    }
    // The next-IFD pointer stays 0.
}

/// Writes one DNG-like file to `path`; returns its size in bytes.
pub fn write(path: &Path, spec: &Spec) -> std::io::Result<u64> {
    let (w, h) = spec.sensor;
    let strip_len = w as usize * h as usize * 2;
    let thumb_len = (THUMB_W * THUMB_H * 3) as usize;
    let strip_at = THUMB_AT + thumb_len;
    let preview_at = strip_at + strip_len;
    let (pw, ph) = spec.preview_size;

    let mut head = vec![0u8; THUMB_AT];
    head[0..4].copy_from_slice(b"II*\0");
    head[4..8].copy_from_slice(&(IFD0 as u32).to_le_bytes());
    ifd(
        &mut head,
        IFD0,
        vec![
            long(0x00FE, &[1]),
            long(0x0100, &[THUMB_W]),
            long(0x0101, &[THUMB_H]),
            short(0x0102, &[8, 8, 8]),
            short(0x0103, &[1]),
            short(0x0106, &[2]),
            ascii(0x010F, "Canon"),
            ascii(0x0110, "Canon EOS 5D Mark IV"),
            long(0x0111, &[THUMB_AT as u32]),
            short(0x0112, &[1]),
            short(0x0115, &[3]),
            long(0x0116, &[THUMB_H]),
            long(0x0117, &[thumb_len as u32]),
            ascii(0x0132, &spec.taken),
            long(0x014A, &[RAW_IFD as u32, PREVIEW_IFD as u32]),
            long(0x8769, &[EXIF_IFD as u32]),
            long(0x8825, &[GPS_IFD as u32]),
            byte(0xC612, &[1, 4, 0, 0]),
            ascii(0xC614, "Canon EOS 5D Mark IV"),
        ],
    );
    ifd(
        &mut head,
        EXIF_IFD,
        vec![
            ascii(0x9003, &spec.taken),
            ascii(0x9011, "+06:00"),
            long(0xA002, &[w]),
            long(0xA003, &[h]),
        ],
    );
    let (lat, lon) = spec.gps;
    ifd(
        &mut head,
        GPS_IFD,
        vec![
            byte(0x0000, &[2, 3, 0, 0]),
            ascii(0x0001, if lat >= 0.0 { "N" } else { "S" }),
            rational(0x0002, &dms(lat)),
            ascii(0x0003, if lon >= 0.0 { "E" } else { "W" }),
            rational(0x0004, &dms(lon)),
        ],
    );
    ifd(
        &mut head,
        RAW_IFD,
        vec![
            long(0x00FE, &[0]),
            long(0x0100, &[w]),
            long(0x0101, &[h]),
            short(0x0102, &[16]),
            short(0x0103, &[1]),
            short(0x0106, &[32803]),
            long(0x0111, &[strip_at as u32]),
            short(0x0115, &[1]),
            long(0x0116, &[h]),
            long(0x0117, &[strip_len as u32]),
            short(0x828D, &[2, 2]),
            byte(0x828E, &[0, 1, 1, 2]),
        ],
    );
    ifd(
        &mut head,
        PREVIEW_IFD,
        vec![
            long(0x00FE, &[1]),
            long(0x0100, &[pw]),
            long(0x0101, &[ph]),
            short(0x0102, &[8, 8, 8]),
            short(0x0103, &[7]),
            short(0x0106, &[6]),
            long(0x0111, &[preview_at as u32]),
            short(0x0115, &[3]),
            long(0x0116, &[ph]),
            long(0x0117, &[spec.preview.len() as u32]),
        ],
    );

    let mut out = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(path)?);
    out.write_all(&head)?;
    // The thumbnail: a grey ramp.
    let thumb: Vec<u8> = (0..thumb_len).map(|i| (i / 3 % 256) as u8).collect();
    out.write_all(&thumb)?;
    // The sensor data: 12-bit noise in 16-bit words, a megabyte at a time.
    let mut x = spec.seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut block = vec![0u8; 1 << 20];
    let mut left = strip_len;
    while left > 0 {
        let n = left.min(block.len());
        for pair in block[..n].chunks_exact_mut(2) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            pair.copy_from_slice(&((x >> 20) as u16 & 0x0FFF).to_le_bytes());
        }
        out.write_all(&block[..n])?;
        left -= n;
    }
    out.write_all(spec.preview)?;
    out.flush()?;
    Ok((preview_at + spec.preview.len()) as u64)
}

/// The frame size a baseline or progressive JPEG states (SOF0/1/2), if it is one.
pub fn jpeg_size(j: &[u8]) -> Option<(u32, u32)> {
    if !j.starts_with(&[0xFF, 0xD8]) {
        return None;
    }
    let mut i = 2usize;
    while i + 4 <= j.len() {
        if j[i] != 0xFF {
            return None;
        }
        let m = j[i + 1];
        if m == 0xFF {
            i += 1;
            continue;
        }
        let len = u16::from_be_bytes([j[i + 2], j[i + 3]]) as usize;
        if (0xC0..=0xC2).contains(&m) {
            let p = j.get(i + 5..i + 9)?;
            let h = u16::from_be_bytes([p[0], p[1]]) as u32;
            let w = u16::from_be_bytes([p[2], p[3]]) as u32;
            return Some((w, h));
        }
        if m == 0xDA || m == 0xD9 {
            return None;
        }
        i += 2 + len;
    }
    None
}
