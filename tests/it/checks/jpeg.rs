//! JPEG: pixels only. The stand-in for exiftool finding no metadata in a publication copy: a
//! walk over the marker segments that names the first thing that is not pixels.

/// What an APPn segment's identifier says it holds, for failure messages.
fn app_kind(body: &[u8]) -> String {
    let id: Vec<u8> = body
        .iter()
        .take(32)
        .copied()
        .take_while(|b| *b != 0)
        .collect();
    let id = String::from_utf8_lossy(&id);
    let what = if id.starts_with("Exif") {
        "EXIF"
    } else if id.starts_with("http://ns.adobe.com/xap") || id.starts_with("http://ns.adobe.com/xmp")
    {
        "XMP"
    } else if id.starts_with("ICC_PROFILE") {
        "ICC profile"
    } else if id.starts_with("MPF") {
        "MPF"
    } else if id.starts_with("Photoshop") {
        "IPTC/Photoshop"
    } else {
        "unknown"
    };
    format!("{what}, identifier {id:?}")
}

/// Walks a JPEG's marker segments from SOI through every scan to EOI and returns its size
/// (width, height) from the frame header. `Err` names the first thing that is not pixels: an APPn
/// other than a thumbnail-less APP0 JFIF (so no APP1 EXIF/XMP, APP2 ICC/MPF, APP13 IPTC), a COM
/// segment, a marker we do not know, or anything but zero padding after EOI (appended data).
pub fn jpeg_pixels_only(bytes: &[u8]) -> Result<(u16, u16), String> {
    if !bytes.starts_with(&[0xFF, 0xD8]) {
        return Err("no SOI: not a JPEG".into());
    }
    let mut i = 2;
    let mut size = None;
    let mut scans = 0;
    loop {
        if i >= bytes.len() {
            return Err("the file ends before EOI".into());
        }
        if bytes[i] != 0xFF {
            return Err(format!(
                "offset {i}: expected a marker, found 0x{:02X}",
                bytes[i]
            ));
        }
        while i < bytes.len() && bytes[i] == 0xFF {
            i += 1; // the marker and any fill bytes before it
        }
        let Some(&marker) = bytes.get(i) else {
            return Err("the file ends inside a marker".into());
        };
        let at = i - 1;
        i += 1;
        match marker {
            0xD9 => break,
            0xD8 => return Err(format!("offset {at}: a second SOI")),
            0x01 => continue, // TEM: no length, no content
            0xD0..=0xD7 | 0x00 => {
                return Err(format!("offset {at}: marker 0x{marker:02X} outside a scan"));
            }
            _ => {}
        }
        if i + 2 > bytes.len() {
            return Err(format!("offset {at}: segment 0x{marker:02X} has no length"));
        }
        let len = u16::from_be_bytes([bytes[i], bytes[i + 1]]) as usize;
        if len < 2 || i + len > bytes.len() {
            return Err(format!(
                "offset {at}: segment 0x{marker:02X} of length {len} runs past the end"
            ));
        }
        let body = &bytes[i + 2..i + len];
        match marker {
            0xE0 => {
                // JFIF: "JFIF\0", version (2), units, X and Y density (2 + 2), then the size of an
                // embedded thumbnail, which would be a second, unredacted picture.
                if !body.starts_with(b"JFIF\0") {
                    return Err(format!(
                        "offset {at}: APP0 that is not JFIF ({})",
                        app_kind(body)
                    ));
                }
                if body.len() < 14 {
                    return Err(format!("offset {at}: APP0 JFIF is cut short"));
                }
                if body[12] != 0 || body[13] != 0 || body.len() != 14 {
                    return Err(format!("offset {at}: APP0 JFIF carries a thumbnail"));
                }
            }
            0xE1..=0xEF => {
                return Err(format!(
                    "offset {at}: APP{} segment ({}, {} bytes)",
                    marker - 0xE0,
                    app_kind(body),
                    len
                ));
            }
            0xFE => {
                return Err(format!(
                    "offset {at}: COM segment {:?}",
                    String::from_utf8_lossy(body)
                ));
            }
            0xDB | 0xC4 | 0xCC | 0xDD => {} // DQT, DHT, DAC, DRI: tables and restart interval
            0xC0..=0xCF => {
                // SOFn (C4, C8 and CC are matched above or are JPG, reserved).
                if marker == 0xC8 {
                    return Err(format!("offset {at}: reserved marker 0xC8"));
                }
                if body.len() < 5 {
                    return Err(format!("offset {at}: SOF is cut short"));
                }
                if size.is_some() {
                    return Err(format!("offset {at}: a second frame header"));
                }
                let h = u16::from_be_bytes([body[1], body[2]]);
                let w = u16::from_be_bytes([body[3], body[4]]);
                size = Some((w, h));
            }
            0xDA => {
                if size.is_none() {
                    return Err(format!("offset {at}: a scan before the frame header"));
                }
                scans += 1;
                i += len;
                // Entropy-coded data: runs until a marker other than a stuffed 0xFF00 or RSTn.
                loop {
                    match bytes.get(i..i + 2) {
                        None => return Err("the file ends inside a scan".into()),
                        Some([0xFF, 0x00]) | Some([0xFF, 0xD0..=0xD7]) => i += 2,
                        Some([0xFF, 0xFF]) => i += 1,
                        Some([0xFF, _]) => break,
                        Some(_) => i += 1,
                    }
                }
                continue;
            }
            _ => {
                return Err(format!(
                    "offset {at}: unexpected marker 0x{marker:02X} ({len} bytes)"
                ));
            }
        }
        i += len;
    }
    if scans == 0 {
        return Err("EOI before any scan".into());
    }
    let rest = &bytes[i..];
    if rest.iter().any(|b| *b != 0) {
        return Err(format!(
            "{} bytes of data after EOI (starting {:02X?})",
            rest.len(),
            &rest[..rest.len().min(16)]
        ));
    }
    size.ok_or_else(|| "no frame header".into())
}
