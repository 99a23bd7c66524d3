//! The commands that check a library or help check its items: `verify` (the originals
//! re-hashed), `audit verify` (the history's hash chain), `history`, `similar` and
//! `rehash-similar` (near-duplicates by perceptual hash). Not responsible for the checks
//! themselves (`fixity`, `catalog::history`, `verify`), only for running and printing them.

use super::*;

/// `kadr similar`: the items whose pictures look like this one's, nearest first.
pub(super) fn similar(lib: &Library, item: &str, json: bool) -> Result<i32> {
    let cat = lib.catalog()?;
    let id = cat.resolve(item)?;
    let Some(found) = cat.similar(id)? else {
        return Err(Error::invalid(format!(
            "item {id} has no perceptual hash (nothing of its picture decoded, or it was \
             imported before hashes were kept: run kadr rehash-similar)"
        )));
    };
    let ids: Vec<i64> = found.iter().map(|f| f.0).collect();
    let rows = cat.items(&ids)?;
    if json {
        let out: Vec<serde_json::Value> = rows
            .iter()
            .zip(&found)
            .map(|(row, (_, d))| {
                let mut v = serde_json::to_value(row).expect("item serialises");
                v["distance"] = (*d).into();
                v
            })
            .collect();
        print_json(&out);
    } else {
        for (row, (_, d)) in rows.iter().zip(&found) {
            println!("{d:>2}  {}", list_line(row));
        }
    }
    Ok(0)
}

/// `kadr rehash-similar`: perceptual hashes for the items imported before they were kept.
pub(super) fn rehash_similar(lib: &Library, actor: &str, json: bool) -> Result<i32> {
    let mut cat = lib.catalog()?;
    let missing = cat.missing_perceptual_hashes()?;
    let mut hashes = Vec::new();
    let mut failed = Vec::new();
    for (id, sha) in &missing {
        let path = lib.thumb_path(sha);
        match image::open(&path) {
            Ok(img) => hashes.push((*id, crate::verify::perceptual_hash(&img.to_rgb8()))),
            Err(e) => failed.push((*id, format!("{e}: {}", path.display()))),
        }
    }
    let n = cat.write(actor, |tx| tx.set_perceptual_hashes(&hashes))?;
    if json {
        print_json(&serde_json::json!({
            "hashed": n,
            "failed": failed.iter().map(|(id, why)| serde_json::json!({"id": id, "error": why})).collect::<Vec<_>>(),
        }));
    } else {
        println!("perceptual hashes computed: {n}");
        for (id, why) in &failed {
            eprintln!("kadr: item {id}: thumbnail unreadable ({why})");
        }
    }
    Ok(if failed.is_empty() { 0 } else { 1 })
}

/// `kadr verify`: every original re-hashed against its SHA-256.
pub(super) fn verify(lib: &Library, json: bool) -> Result<i32> {
    let bar = progress_bar(json);
    let cancel = cancel_on_ctrl_c();
    let report = crate::fixity::verify(lib, &cancel, |done, total| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    })?;
    bar.finish_and_clear();
    if json {
        print_json(&report);
    } else {
        println!(
            "checked {} originals: {} intact, {} damaged, {} missing, {} unreadable",
            report.checked,
            report.ok,
            report.damaged.len(),
            report.missing.len(),
            report.unreadable.len()
        );
    }
    for p in &report.damaged {
        eprintln!(
            "kadr: damaged original of item {} (content no longer matches its SHA-256): {}",
            p.id, p.path
        );
    }
    for p in &report.missing {
        eprintln!("kadr: missing original of item {}: {}", p.id, p.path);
    }
    for p in &report.unreadable {
        let why = p.error.as_deref().unwrap_or("cannot be read");
        eprintln!(
            "kadr: unreadable original of item {} ({why}): {}",
            p.id, p.path
        );
    }
    if report.cancelled {
        eprintln!("kadr: the check was cancelled before every original was re-hashed");
    }
    Ok(if report.intact() && !report.cancelled {
        0
    } else {
        1
    })
}

/// `kadr audit verify`: the history's hash chain checked link by link.
pub(super) fn audit(lib: &Library, json: bool) -> Result<i32> {
    let cat = lib.catalog()?;
    let problems = cat.audit()?;
    let entries = cat.history_head()?.map(|h| h.0).unwrap_or(0);
    if json {
        let out = serde_json::json!({"entries": entries, "intact": problems.is_empty(), "problems": problems});
        print_json(&out);
    } else if problems.is_empty() {
        println!("history intact: {entries} entries, every hash links to the one before");
    }
    if let Some(first) = problems.first() {
        eprintln!(
            "kadr: history entry {} {}: {}",
            first.seq,
            first.problem,
            lib.catalog_path().display()
        );
        return Ok(1);
    }
    Ok(0)
}

/// `kadr history`: the history entries, all or one item's.
pub(super) fn history(lib: &Library, item: Option<String>, json: bool) -> Result<i32> {
    let cat = lib.catalog()?;
    let sha = item
        .map(|i| cat.resolve(&i).and_then(|id| cat.item(id)))
        .transpose()?
        .map(|r| r.sha256);
    let entries = cat.history(sha.as_deref())?;
    if json {
        print_json(&entries);
    } else {
        for e in &entries {
            let item = e
                .item
                .as_deref()
                .map(|s| s.get(..12).unwrap_or(s))
                .unwrap_or("-");
            println!(
                "{:>5}  {}  {:<12} {:<10} {}  {}",
                e.seq, e.at, e.actor, e.action, item, e.details
            );
        }
    }
    Ok(0)
}
