//! Where each container keeps its EXIF and XMP: the TIFF block of an APP1, `eXIf` or `EXIF`
//! payload, JPEG marker segments, PNG chunks (ImageMagick's raw profiles too), WebP chunks,
//! HEIF items, and XMP found by its own markers or in TIFF tag 700. Not responsible for reading
//! the fields of a block (`exif.rs`).

use super::*;

/// The TIFF block inside an APP1 / eXIf / EXIF payload: after an optional `Exif\0\0` header
/// (some writers put one in PNG and WebP too, some leave it out in JPEG).
fn tiff_in(payload: &[u8]) -> Option<&[u8]> {
    let p = payload.strip_prefix(b"Exif\0\0").unwrap_or(payload);
    let p = if p.starts_with(b"Exif\0") && !is_tiff(p) {
        &p[5..]
    } else {
        p
    };
    is_tiff(p).then_some(&p[..p.len().min(MAX_BLOCK)])
}

fn is_tiff(p: &[u8]) -> bool {
    p.starts_with(b"II*\0") || p.starts_with(b"MM\0*")
}

pub(super) const XMP_JPEG: &[u8] = b"http://ns.adobe.com/xap/1.0/\0";

/// The marker segments of a JPEG before its first scan, walked by their lengths: `(marker,
/// payload)`. `reached_scan` says afterwards whether the walk ended at SOS or EOI (rather than
/// at broken markers or the end of the bytes).
pub(in crate::ingest) struct Segments<'a> {
    bytes: &'a [u8],
    at: usize,
    pub reached_scan: bool,
}

impl<'a> Segments<'a> {
    pub fn new(bytes: &'a [u8]) -> Segments<'a> {
        Segments {
            bytes,
            at: 2,
            reached_scan: false,
        }
    }
}

impl<'a> Iterator for Segments<'a> {
    type Item = (u8, &'a [u8]);

    fn next(&mut self) -> Option<(u8, &'a [u8])> {
        let bytes = self.bytes;
        while self.at + 4 <= bytes.len() {
            let i = self.at;
            if bytes[i] != 0xFF {
                return None;
            }
            let marker = bytes[i + 1];
            if marker == 0xFF {
                self.at += 1; // fill byte
                continue;
            }
            if marker == 0xDA || marker == 0xD9 {
                self.reached_scan = true;
                return None;
            }
            if (0xD0..=0xD7).contains(&marker) || marker == 0x01 {
                self.at += 2; // markers without a length
                continue;
            }
            let len = u16::from_be_bytes([bytes[i + 2], bytes[i + 3]]) as usize;
            if len < 2 {
                return None;
            }
            let end = (i + 2 + len).min(bytes.len());
            self.at = end;
            return Some((marker, &bytes[i + 4..end]));
        }
        None
    }
}

/// Every EXIF segment and XMP packet of a JPEG, from the segments before the first scan.
/// Walks segments by their lengths; where the markers are broken, falls back to looking for an
/// `Exif\0\0` header in the first 128 KB.
pub(super) fn jpeg_blocks(bytes: &[u8]) -> (Vec<Cow<'_, [u8]>>, Vec<String>) {
    let (mut blocks, mut xmp) = (Vec::new(), Vec::new());
    let mut segments = Segments::new(bytes);
    for (marker, payload) in segments.by_ref() {
        if marker == 0xE1 {
            if let Some(t) = tiff_in(payload) {
                blocks.push(Cow::Borrowed(t));
            } else if let Some(x) = payload.strip_prefix(XMP_JPEG) {
                xmp.push(String::from_utf8_lossy(x).into_owned());
            }
        }
    }
    let clean = segments.reached_scan;
    if blocks.is_empty() && !clean {
        let window = &bytes[..bytes.len().min(128 << 10)];
        if let Some(at) = find(window, b"Exif\0\0")
            && let Some(t) = tiff_in(&bytes[at..])
        {
            blocks.push(Cow::Borrowed(t));
        }
    }
    (blocks, xmp)
}

/// PNG: the `eXIf` chunk, ImageMagick's "Raw profile type exif" / "APP1" text chunks (hex,
/// possibly compressed), and XMP in an `iTXt` chunk.
pub(super) fn png_blocks(bytes: &[u8]) -> (Vec<Cow<'_, [u8]>>, Vec<String>) {
    let (mut blocks, mut xmp) = (Vec::new(), Vec::new());
    let mut i = 8;
    let mut chunks = 0;
    while i + 8 <= bytes.len() && chunks < 100_000 {
        chunks += 1;
        let len = u32::from_be_bytes(bytes[i..i + 4].try_into().unwrap()) as usize;
        let kind = &bytes[i + 4..i + 8];
        let start = i + 8;
        let end = start.saturating_add(len).min(bytes.len());
        let data = &bytes[start..end];
        match kind {
            b"eXIf" => {
                if let Some(t) = tiff_in(data) {
                    blocks.push(Cow::Borrowed(t));
                }
            }
            b"tEXt" | b"zTXt" | b"iTXt" => {
                if let Some((key, text)) = png_text(kind, data) {
                    let key = key.to_ascii_lowercase();
                    if key == "raw profile type exif" || key == "raw profile type app1" {
                        if let Some(raw) = raw_profile(&text)
                            && let Some(t) = tiff_in(&raw)
                        {
                            blocks.push(Cow::Owned(t.to_vec()));
                        }
                    } else if key == "xml:com.adobe.xmp" {
                        xmp.push(String::from_utf8_lossy(&text).into_owned());
                    }
                }
            }
            b"IEND" => break,
            _ => {}
        }
        if end < start.saturating_add(len) {
            break; // the file ends inside this chunk
        }
        i = end + 4; // CRC
    }
    (blocks, xmp)
}

/// A text chunk's keyword and text, inflated where compressed.
fn png_text(kind: &[u8], data: &[u8]) -> Option<(String, Vec<u8>)> {
    let nul = data.iter().position(|&b| b == 0)?;
    let key = String::from_utf8_lossy(&data[..nul]).into_owned();
    let rest = &data[nul + 1..];
    let text = match kind {
        b"tEXt" => rest.to_vec(),
        b"zTXt" => inflate(rest.get(1..)?)?,
        _ => {
            // iTXt: compression flag, method, language\0, translated keyword\0, text.
            let (&flag, rest) = rest.split_first()?;
            let rest = rest.get(1..)?;
            let lang_end = rest.iter().position(|&b| b == 0)?;
            let rest = &rest[lang_end + 1..];
            let tk_end = rest.iter().position(|&b| b == 0)?;
            let text = &rest[tk_end + 1..];
            if flag == 1 {
                inflate(text)?
            } else {
                text.to_vec()
            }
        }
    };
    Some((key, text))
}

fn inflate(data: &[u8]) -> Option<Vec<u8>> {
    miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(data, MAX_BLOCK).ok()
}

/// ImageMagick's raw profile: `\n<name>\n<decimal length>\n<hex digits, wrapped>`.
pub(super) fn raw_profile(text: &[u8]) -> Option<Vec<u8>> {
    let s = std::str::from_utf8(text).ok()?;
    let mut lines = s.trim_start_matches('\n').splitn(3, '\n');
    let _name = lines.next()?;
    let len: usize = lines.next()?.trim().parse().ok()?;
    let hex = lines.next()?;
    let len = len.min(MAX_BLOCK);
    let mut out = Vec::with_capacity(len);
    let mut digits = hex.bytes().filter(|b| !b.is_ascii_whitespace());
    while out.len() < len {
        let (Some(a), Some(b)) = (digits.next(), digits.next()) else {
            break;
        };
        let v = |c: u8| (c as char).to_digit(16);
        out.push((v(a)? * 16 + v(b)?) as u8);
    }
    Some(out)
}

/// WebP: the `EXIF` and `XMP ` chunks of the RIFF container.
pub(super) fn webp_blocks(bytes: &[u8]) -> (Vec<Cow<'_, [u8]>>, Vec<String>) {
    let (mut blocks, mut xmp) = (Vec::new(), Vec::new());
    let mut i = 12;
    let mut chunks = 0;
    while i + 8 <= bytes.len() && chunks < 100_000 {
        chunks += 1;
        let kind = &bytes[i..i + 4];
        let len = u32::from_le_bytes(bytes[i + 4..i + 8].try_into().unwrap()) as usize;
        let start = i + 8;
        let end = start.saturating_add(len).min(bytes.len());
        let data = &bytes[start..end];
        match kind {
            b"EXIF" => {
                if let Some(t) = tiff_in(data) {
                    blocks.push(Cow::Borrowed(t));
                }
            }
            b"XMP " => xmp.push(String::from_utf8_lossy(data).into_owned()),
            _ => {}
        }
        i = end + (len & 1);
    }
    (blocks, xmp)
}

/// HEIF/AVIF: kamadak-exif finds the Exif item through the box structure.
pub(super) fn heif_blocks(bytes: &[u8]) -> Vec<Cow<'_, [u8]>> {
    // read_from_container parses; we need the TIFF block to parse tolerantly ourselves, so let
    // it find the block and hand the raw buffer back.
    match exif::Reader::new()
        .continue_on_error(true)
        .read_from_container(&mut std::io::Cursor::new(bytes))
    {
        Ok(exif) => vec![Cow::Owned(exif.buf().to_vec())],
        Err(exif::Error::PartialResult(p)) => vec![Cow::Owned(p.into_inner().0.buf().to_vec())],
        Err(_) => Vec::new(),
    }
}

/// An XMP packet stored as a whole inside a container we do not walk (a HEIF `mime` item):
/// found by its own markers in the first megabytes.
pub(super) fn embedded_xmp(bytes: &[u8]) -> Vec<String> {
    let window = &bytes[..bytes.len().min(4 << 20)];
    let Some(start) = find(window, b"<x:xmpmeta") else {
        return Vec::new();
    };
    let rest = &window[start..];
    let end = find(rest, b"</x:xmpmeta>").map_or(rest.len(), |e| e + 12);
    vec![String::from_utf8_lossy(&rest[..end]).into_owned()]
}

/// XMP stored in a TIFF (tag 700, XMLPacket), as RAW and TIFF files often do.
pub(super) fn tiff_xmp_packet(exif: &Exif) -> Option<String> {
    let f = exif.get_field(Tag(Context::Tiff, 700), In::PRIMARY)?;
    match &f.value {
        Value::Byte(b) | Value::Undefined(b, _) => Some(String::from_utf8_lossy(b).into_owned()),
        Value::Ascii(v) => Some(v.iter().map(|s| String::from_utf8_lossy(s)).collect()),
        _ => None,
    }
}

pub(super) fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(hay, needle)
}
