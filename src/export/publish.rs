//! Publication copies: re-encoded pictures that carry nothing but pixels.
//!
//! Each copy is decoded from the original, turned upright (the orientation baked in), its
//! redaction rectangles filled with solid black in the pixels themselves (irreversible, not a
//! blur), and encoded afresh as a JPEG with no EXIF, XMP, IPTC, GPS, maker notes or ICC profile:
//! the encoder writes only the picture. Items marked "do not publish" are refused unless the
//! command says otherwise. The folder names no original and no original hash (a hash would let
//! anyone holding the original, a seized phone say, match it to the publication); the link from
//! each copy to its original is recorded in the library's history instead.

use super::{Ctx, Out};
use crate::catalog::ItemRow;
use crate::error::{Error, Result};
use image::{Rgb, RgbImage};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// What one copy is, for the history.
#[derive(Debug, Clone, Serialize)]
pub struct Published {
    pub original_sha256: String,
    pub file: String,
    pub sha256: String,
    pub redactions: usize,
}

/// Refuses videos (a copy is a still picture, and a clip's metadata lives in its streams), and
/// the items marked "do not publish", naming them, unless `include` is set.
pub fn check_publishable(items: &[ItemRow], include: bool) -> Result<()> {
    let videos: Vec<String> = items
        .iter()
        .filter(|i| i.media == "video")
        .map(|i| i.id.to_string())
        .collect();
    if !videos.is_empty() {
        return Err(Error::invalid(format!(
            "item {} {} a video: publication copies are made of photos only; leave {} out of the selection",
            videos.join(", "),
            if videos.len() == 1 { "is" } else { "are" },
            if videos.len() == 1 { "it" } else { "them" },
        )));
    }
    let refused: Vec<String> = items
        .iter()
        .filter(|i| i.do_not_publish)
        .map(|i| i.id.to_string())
        .collect();
    if refused.is_empty() || include {
        return Ok(());
    }
    Err(Error::invalid(format!(
        "item {} {} marked \"do not publish\"; leave {} out of the selection or pass --include-do-not-publish",
        refused.join(", "),
        if refused.len() == 1 { "is" } else { "are" },
        if refused.len() == 1 { "it" } else { "them" },
    )))
}

pub fn write(ctx: &Ctx<'_>, out: &mut Out<'_>) -> Result<Vec<Published>> {
    let mut done = Vec::with_capacity(ctx.items.len());
    for (n, item) in ctx.items.iter().enumerate() {
        out.check_cancel()?;
        let src = ctx.lib.root().join(&item.stored_path);
        let mut img = crate::ingest::display_image(&src, u32::MAX, u32::MAX).map_err(|e| {
            Error::file(
                format!("cannot make a publication copy of item {} ({e})", item.id),
                &src,
            )
        })?;
        fill(&mut img, item);
        let bytes = crate::ingest::encode_jpeg(&img, 90).map_err(Error::invalid)?;
        let file = format!("{:04}.jpg", n + 1);
        out.write(&file, &bytes)?;
        done.push(Published {
            original_sha256: item.sha256.clone(),
            file,
            sha256: crate::vault::hex(&Sha256::digest(&bytes)),
            redactions: item.redactions.len(),
        });
    }
    Ok(done)
}

/// Paints every redaction rectangle solid black (rounded outwards, so nothing peeks through).
fn fill(img: &mut RgbImage, item: &ItemRow) {
    let (w, h) = (img.width() as f64, img.height() as f64);
    for r in &item.redactions {
        let x0 = (r.x * w).floor().max(0.0) as u32;
        let y0 = (r.y * h).floor().max(0.0) as u32;
        let x1 = ((r.x + r.w) * w).ceil().min(w) as u32;
        let y1 = ((r.y + r.h) * h).ceil().min(h) as u32;
        for y in y0..y1 {
            for x in x0..x1 {
                img.put_pixel(x, y, Rgb([0, 0, 0]));
            }
        }
    }
}
