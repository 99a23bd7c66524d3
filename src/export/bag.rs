//! `--format bag`: a BagIt 1.0 bag (RFC 8493), the evidence package an editor receives.
//!
//! ```text
//! bagit.txt                 version and tag-file encoding
//! bag-info.txt              who, when, what (Payload-Oxum, Bag-Size, ...)
//! data/originals/<sha256>.<ext>   the originals, byte-identical (checked after copying)
//! data/originals/<sha256>.xmp     beside each, its XMP sidecar (as `--format xmp` writes it)
//! data/catalog/items.json   the items as `show --json` prints them; items.csv the same as CSV
//! data/catalog/people.json, places.json, history.json   what those items refer to
//! manifest-sha256.txt, manifest-sha512.txt   every payload file
//! tagmanifest-sha256.txt    bagit.txt, bag-info.txt and both payload manifests
//! ```

use super::{Ctx, Digests, Out, human_size, report, xmp};
use crate::error::{Error, Result};
use crate::vault::hash_file;
use std::path::Path;

pub(crate) fn write(ctx: &Ctx<'_>, out: &mut Out<'_>) -> Result<()> {
    // (path inside the bag, digests), for the manifests.
    let mut payload: Vec<(String, Digests)> = Vec::new();
    let vault = ctx.lib.vault();
    let coords = xmp::place_coordinates(ctx)?;
    for item in ctx.items {
        let src = vault.absolute(&item.stored_path);
        let ext = Path::new(&item.stored_path)
            .extension()
            .map(|e| e.to_string_lossy().to_string())
            .unwrap_or_else(|| item.format.clone());
        let rel = format!("data/originals/{}.{ext}", item.sha256);
        let d = out.copy(&src, &rel)?;
        if d.sha256 != item.sha256 {
            return Err(Error::file(
                "the original no longer matches its SHA-256 (run `kadr verify`); not exported",
                &src,
            ));
        }
        let copy = out.path(&rel);
        let copied = hash_file(&copy).map_err(|e| {
            Error::file(
                format!("cannot re-read the copy: {}", crate::error::io_reason(&e)),
                &copy,
            )
        })?;
        if copied != item.sha256 {
            return Err(Error::file(
                "the copy of an original does not match its SHA-256",
                &copy,
            ));
        }
        payload.push((rel, d));
        let rel = format!("data/originals/{}.xmp", item.sha256);
        let sidecar = xmp::sidecar(item, &coords);
        out.write(&rel, sidecar.as_bytes())?;
        payload.push((rel, Digests::of(sidecar.as_bytes())));
    }

    let catalog_files = [
        ("items.json", report::items_json(ctx.items)),
        ("items.csv", report::items_csv(ctx.items)),
        ("people.json", report::people_json(ctx.cat, ctx.items)?),
        ("places.json", report::places_json(ctx.cat, ctx.items)?),
        ("history.json", history_json(ctx)?),
    ];
    for (name, bytes) in catalog_files {
        let rel = format!("data/catalog/{name}");
        out.write(&rel, &bytes)?;
        payload.push((rel, Digests::of(&bytes)));
    }
    payload.sort_by(|a, b| a.0.cmp(&b.0));

    let bagit = b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n".to_vec();
    let octets: u64 = payload.iter().map(|(_, d)| d.size).sum();
    let info = bag_info(ctx, octets, payload.len());
    let manifest256 = manifest(payload.iter().map(|(p, d)| (p.as_str(), &d.sha256)));
    let manifest512 = manifest(payload.iter().map(|(p, d)| (p.as_str(), &d.sha512)));

    let tag_files = [
        ("bag-info.txt", info.into_bytes()),
        ("bagit.txt", bagit),
        ("manifest-sha256.txt", manifest256.into_bytes()),
        ("manifest-sha512.txt", manifest512.into_bytes()),
    ];
    let mut tag_digests = Vec::new();
    for (name, bytes) in &tag_files {
        out.write(name, bytes)?;
        tag_digests.push((*name, Digests::of(bytes).sha256));
    }
    let tagmanifest = manifest(tag_digests.iter().map(|(p, h)| (*p, h)));
    out.write("tagmanifest-sha256.txt", tagmanifest.as_bytes())
}

/// `bag-info.txt`: one `Label: value` per line, values kept to one line.
fn bag_info(ctx: &Ctx<'_>, octets: u64, files: usize) -> String {
    let organization = std::env::var("KADR_ORGANIZATION")
        .ok()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| "Kadr".into());
    let n = ctx.items.len();
    let fields = [
        ("Source-Organization", organization),
        ("Contact-Name", ctx.actor.to_string()),
        (
            "Bagging-Date",
            chrono::Local::now().format("%Y-%m-%d").to_string(),
        ),
        (
            "External-Description",
            format!(
                "{n} item{} exported from a Kadr library (selection: {})",
                if n == 1 { "" } else { "s" },
                ctx.selection
            ),
        ),
        ("Payload-Oxum", format!("{octets}.{files}")),
        ("Bag-Size", human_size(octets)),
        (
            "Bag-Software-Agent",
            format!("kadr {}", env!("CARGO_PKG_VERSION")),
        ),
    ];
    fields
        .iter()
        .map(|(label, value)| format!("{label}: {}\n", one_line(value)))
        .collect()
}

/// A tag value on one line: line breaks and other control characters become spaces.
fn one_line(s: &str) -> String {
    let s: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    s.trim().to_string()
}

/// Manifest lines `<hex>  <path>`, with CR, LF and `%` in paths percent-encoded (RFC 8493 2.1.3).
fn manifest<'a>(entries: impl Iterator<Item = (&'a str, &'a String)>) -> String {
    entries
        .map(|(path, hex)| {
            let path = path
                .replace('%', "%25")
                .replace('\n', "%0A")
                .replace('\r', "%0D");
            format!("{hex}  {path}\n")
        })
        .collect()
}

/// The history entries of the exported items, oldest first.
fn history_json(ctx: &Ctx<'_>) -> Result<Vec<u8>> {
    let mut entries = Vec::new();
    for item in ctx.items {
        entries.extend(ctx.cat.history(Some(&item.sha256))?);
    }
    entries.sort_by_key(|e| e.seq);
    entries.dedup_by_key(|e| e.seq);
    Ok(report::pretty(&entries))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_paths_are_percent_encoded() {
        let h = "ab".to_string();
        let m = manifest([("data/a%b\nc", &h)].into_iter());
        assert_eq!(m, "ab  data/a%25b%0Ac\n");
    }

    #[test]
    fn tag_values_stay_on_one_line() {
        assert_eq!(one_line(" a\nb\r\tc "), "a b  c");
    }
}
