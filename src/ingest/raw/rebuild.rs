//! Rebuilding a standard TIFF from a RAW's IFDs, for an EXIF reader.

use super::*;

/// One entry to write: its value already in little-endian order.
pub(super) struct Out {
    pub(super) tag: u16,
    pub(super) typ: u16,
    pub(super) count: u32,
    pub(super) data: Vec<u8>,
}

/// Tags left out of rebuilt IFDs: pointers that would dangle, and image data.
pub(super) const DANGLING: &[u16] = &[
    0x002E, // RW2 JpgFromRaw (the JPEG itself)
    0x0111, 0x0117, 0x0144, 0x0145, // strips, tiles
    0x0201, 0x0202, // JPEG thumbnail
    0x014A, // SubIFDs
    0x8769, 0x8825, 0xA005, // EXIF, GPS, interoperability pointers
];

/// The entries of the IFD at `off` in `t`, values converted to little-endian; entries whose
/// value is missing, too large or of an unknown type are left out.
pub(super) fn entries_le(t: &Tiff, off: u32) -> Vec<Out> {
    let Some((entries, _)) = t.ifd(off) else {
        return Vec::new();
    };
    let mut out: Vec<Out> = Vec::new();
    for e in entries {
        if DANGLING.contains(&e.tag) || out.iter().any(|o| o.tag == e.tag) {
            continue;
        }
        let Ok(raw) = t.data(&e) else { continue };
        if raw.len() > MAX_VALUE_BYTES {
            continue;
        }
        let Some(size) = type_size(e.typ) else {
            continue;
        };
        let mut data = raw.to_vec();
        if !t.le {
            // Swap each number; rationals are two 4-byte numbers.
            let unit = match e.typ {
                5 | 10 => 4,
                _ => size,
            };
            if unit > 1 {
                data.chunks_exact_mut(unit).for_each(|c| c.reverse());
            }
        }
        out.push(Out {
            tag: e.tag,
            typ: e.typ,
            count: e.count,
            data,
        });
    }
    out
}

/// Where a rebuilt block's EXIF and GPS IFDs come from.
pub(super) enum Links<'a> {
    /// IFD0's own pointers (RW2, ORF).
    Own,
    /// Separate blocks, each with its IFD offset (CR3's CMT2 and CMT4); IFD0's own pointers,
    /// which count from somewhere else, are not followed.
    Given(Option<(Tiff<'a>, u32)>, Option<(Tiff<'a>, u32)>),
}

/// A little-endian TIFF: IFD0 from `t0` (at `off0`), linked to an EXIF IFD and a GPS IFD.
pub(super) fn rebuild(t0: &Tiff, off0: u32, links: Links) -> Option<Vec<u8>> {
    let (entries0, _) = t0.ifd(off0)?;
    let pointer = |tag: u16| t0.uint(entries0.iter().find(|e| e.tag == tag));
    let (exif, gps) = match links {
        Links::Own => (
            pointer(0x8769).map(|o| (*t0, o)),
            pointer(0x8825).map(|o| (*t0, o)),
        ),
        Links::Given(exif, gps) => (exif, gps),
    };
    let mut ifd0 = entries_le(t0, off0);
    let exif = exif
        .map(|(t, o)| entries_le(&t, o))
        .filter(|e| !e.is_empty());
    let gps = gps
        .map(|(t, o)| entries_le(&t, o))
        .filter(|e| !e.is_empty());
    if ifd0.is_empty() && exif.is_none() && gps.is_none() {
        return None;
    }
    // Placeholders for the pointers, filled in once the layout is known.
    if exif.is_some() {
        ifd0.push(Out {
            tag: 0x8769,
            typ: 4,
            count: 1,
            data: vec![0; 4],
        });
    }
    if gps.is_some() {
        ifd0.push(Out {
            tag: 0x8825,
            typ: 4,
            count: 1,
            data: vec![0; 4],
        });
    }
    let mut ifds: Vec<Vec<Out>> = vec![ifd0];
    ifds.extend(exif);
    ifds.extend(gps);
    let mut buf: Vec<u8> = b"II*\0\x08\0\0\0".to_vec();
    let mut starts = Vec::new();
    for ifd in &mut ifds {
        ifd.sort_by_key(|o| o.tag);
        let start = buf.len();
        starts.push(start);
        let table = 2 + 12 * ifd.len() + 4;
        let mut data_at = start + table;
        let mut data_area: Vec<u8> = Vec::new();
        buf.extend_from_slice(&(ifd.len() as u16).to_le_bytes());
        for o in ifd.iter() {
            buf.extend_from_slice(&o.tag.to_le_bytes());
            buf.extend_from_slice(&o.typ.to_le_bytes());
            buf.extend_from_slice(&o.count.to_le_bytes());
            if o.data.len() <= 4 {
                let mut field = [0u8; 4];
                field[..o.data.len()].copy_from_slice(&o.data);
                buf.extend_from_slice(&field);
            } else {
                buf.extend_from_slice(&u32::try_from(data_at).ok()?.to_le_bytes());
                data_area.extend_from_slice(&o.data);
                if data_area.len() % 2 == 1 {
                    data_area.push(0);
                }
                data_at = start + table + data_area.len();
            }
        }
        buf.extend_from_slice(&0u32.to_le_bytes()); // no next IFD
        buf.extend_from_slice(&data_area);
    }
    // Fill in the pointers in IFD0.
    let mut next = 1;
    for tag in [0x8769u16, 0x8825] {
        let n = u16::from_le_bytes([buf[8], buf[9]]) as usize;
        if let Some(i) = (0..n).find(|i| buf[10 + 12 * i..12 + 12 * i] == tag.to_le_bytes()) {
            let target = u32::try_from(*starts.get(next)?).ok()?;
            buf[18 + 12 * i..22 + 12 * i].copy_from_slice(&target.to_le_bytes());
            next += 1;
        }
    }
    Some(buf)
}
