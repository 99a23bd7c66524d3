//! The RAW containers that are not TIFF: RAF, CR3 (ISO BMFF) and MRW.

use super::*;

/// The JPEG of a RAF: Ok(None) when the header gives none, PastEnd when it lies past the end.
pub(super) fn raf_jpeg(b: &[u8]) -> Result<Option<&[u8]>, Miss> {
    let (Some(off), Some(len)) = (be32(b, 84), be32(b, 88)) else {
        return Err(Miss::Bad);
    };
    if off == 0 || len == 0 {
        return Ok(None);
    }
    let (off, len) = (off as usize, len as usize);
    off.checked_add(len)
        .and_then(|end| b.get(off..end))
        .map(Some)
        .ok_or(Miss::PastEnd)
}

pub(super) fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(
        b.get(at..at.checked_add(4)?)?.try_into().ok()?,
    ))
}

pub(super) fn be64(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_be_bytes(
        b.get(at..at.checked_add(8)?)?.try_into().ok()?,
    ))
}

/// uuid eaf42b5e-1c98-4b88-b9fb-b7dc406e4d16: CR3's preview box (PRVW).
pub(super) const UUID_PREVIEW: [u8; 16] = [
    0xea, 0xf4, 0x2b, 0x5e, 0x1c, 0x98, 0x4b, 0x88, 0xb9, 0xfb, 0xb7, 0xdc, 0x40, 0x6e, 0x4d, 0x16,
];
/// uuid 85c0b687-820f-11e0-8111-f4ce462b6a48: Canon's metadata box in moov (CMT1..4, THMB).
pub(super) const UUID_CANON: [u8; 16] = [
    0x85, 0xc0, 0xb6, 0x87, 0x82, 0x0f, 0x11, 0xe0, 0x81, 0x11, 0xf4, 0xce, 0x46, 0x2b, 0x6a, 0x48,
];

/// One ISO BMFF box.
#[derive(Debug, Clone, Copy)]
pub(super) struct Bx {
    pub(super) typ: [u8; 4],
    /// Where the box's contents start (after size, type and any 64-bit size).
    pub(super) body: usize,
    /// Where it ends, clamped to its parent.
    pub(super) end: usize,
}

impl Bx {
    /// A `uuid` box's identifier.
    pub(super) fn uuid<'b>(&self, b: &'b [u8]) -> Option<&'b [u8]> {
        b.get(self.body..self.body.checked_add(16)?)
    }
}

/// The boxes between `start` and `end` of `b`, at most `MAX_BOXES`.
pub(super) fn boxes(b: &[u8], start: usize, end: usize) -> Vec<Bx> {
    let end = end.min(b.len());
    let mut out = Vec::new();
    let mut at = start;
    while at.checked_add(8).is_some_and(|h| h <= end) && out.len() < MAX_BOXES {
        let Some(size) = be32(b, at) else { break };
        let typ: [u8; 4] = match b.get(at + 4..at + 8).and_then(|t| t.try_into().ok()) {
            Some(t) => t,
            None => break,
        };
        let (body, claimed) = match size {
            0 => (at + 8, end - at),
            1 => match be64(b, at + 8) {
                Some(large) => (at + 16, usize::try_from(large).unwrap_or(usize::MAX)),
                None => break,
            },
            n => (at + 8, n as usize),
        };
        if claimed < body - at {
            break;
        }
        let box_end = at.saturating_add(claimed);
        out.push(Bx {
            typ,
            body,
            end: box_end.min(end),
        });
        if box_end >= end {
            break;
        }
        at = box_end;
    }
    out
}

/// The box at the end of `names`, from `parent` down.
pub(super) fn path(b: &[u8], parent: &Bx, names: &[[u8; 4]]) -> Option<Bx> {
    let mut cur = *parent;
    for name in names {
        cur = boxes(b, cur.body, cur.end)
            .into_iter()
            .find(|x| x.typ == *name)?;
    }
    Some(cur)
}

/// CR3's EXIF: the TIFF blocks in CMT1 (IFD0), CMT2 (EXIF IFD) and CMT4 (GPS IFD), rebuilt as
/// one TIFF whose IFD0 points at the other two.
pub(super) fn cr3_exif(b: &[u8]) -> Vec<Cow<'_, [u8]>> {
    let mut cmt: [Option<&[u8]>; 4] = [None; 4];
    let top = boxes(b, 0, b.len());
    let Some(moov) = top.iter().find(|x| x.typ == *b"moov") else {
        return Vec::new();
    };
    for bx in boxes(b, moov.body, moov.end) {
        if bx.typ == *b"uuid" && bx.uuid(b) == Some(&UUID_CANON[..]) {
            for inner in boxes(b, bx.body + 16, bx.end) {
                let slot = match &inner.typ {
                    b"CMT1" => 0,
                    b"CMT2" => 1,
                    b"CMT3" => 2,
                    b"CMT4" => 3,
                    _ => continue,
                };
                if cmt[slot].is_none() {
                    cmt[slot] = b.get(inner.body..inner.end);
                }
            }
        }
    }
    let tiff = |i: usize| cmt[i].and_then(Tiff::new);
    if let Some(ifd0) = tiff(0) {
        let exif = tiff(1).map(|t| (t, t.first_ifd));
        let gps = tiff(3).map(|t| (t, t.first_ifd));
        if let Some(block) = rebuild(&ifd0, ifd0.first_ifd, Links::Given(exif, gps)) {
            return vec![Cow::Owned(block)];
        }
    }
    Vec::new()
}

/// MRW: the TIFF block in its TTW block (after the "\0MRM" header, blocks of a 4-byte name and a
/// big-endian length).
pub(super) fn mrw_ttw(b: &[u8]) -> Option<&[u8]> {
    let end = 8usize.checked_add(be32(b, 4)? as usize)?.min(b.len());
    let mut at = 8usize;
    for _ in 0..64 {
        let name = b.get(at..at + 4)?;
        let len = be32(b, at + 4)? as usize;
        let body = at + 8;
        if name == b"\0TTW" {
            let block = b.get(body..body.checked_add(len)?.min(b.len()))?;
            return Tiff::new(block).map(|_| block);
        }
        at = body.checked_add(len)?;
        if at >= end {
            return None;
        }
    }
    None
}
