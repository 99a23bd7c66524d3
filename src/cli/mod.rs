//! The command line: parses arguments, runs one command against a library, prints the result.
//!
//! Output formats are a contract (README.md documents every JSON field). Exit status: 0
//! success, 1 the command ran but something failed, 2 usage error. Errors are one line each on
//! stderr, path last.

mod args;
mod output;
mod stream;

pub use args::{AuditCommand, Cli, Command, EntityAction, OptionalDate, PlaceAction};

use crate::catalog::TagChange;
use crate::error::{Error, Result};
use crate::ingest::{self, ImportEvent, ImportOptions};
use crate::library::Library;
use output::{list_line, show_text};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

/// Runs one command; returns the exit status. Without a command the binary opens the window
/// (`main.rs`); this module does not depend on the desktop app.
pub fn run(cli: Cli) -> i32 {
    let actor = actor(cli.actor);
    let Some(command) = cli.command else {
        eprintln!("kadr: no command given (see kadr --help)");
        return 2;
    };
    let result = library(cli.library).and_then(|lib| dispatch(&lib, &actor, command));
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("kadr: {e}");
            1
        }
    }
}

/// The acting user: `--as`, else KADR_USER (both via clap), else the OS user.
pub fn actor(given: Option<String>) -> String {
    given
        .filter(|s| !s.trim().is_empty())
        .or_else(|| std::env::var("USER").ok())
        .or_else(|| std::env::var("USERNAME").ok())
        .unwrap_or_else(|| "unknown".into())
}

pub fn library(given: Option<PathBuf>) -> Result<Library> {
    let root = given.or_else(Library::default_root).ok_or_else(|| {
        Error::invalid("no library folder: pass --library DIR or set KADR_LIBRARY")
    })?;
    Library::open(&root)
}

fn dispatch(lib: &Library, actor: &str, command: Command) -> Result<i32> {
    match command {
        Command::Import { json, paths } => import(lib, actor, &paths, json),
        Command::List { json, filter } => {
            let filter = filter.into_filter();
            let cat = lib.catalog()?;
            if json {
                let ids = cat.list_ids(&filter)?;
                let mut out = std::io::BufWriter::with_capacity(1 << 20, std::io::stdout().lock());
                stream::write_items(&cat, &ids, &mut out)?;
                std::io::Write::flush(&mut out)
                    .map_err(|e| Error::invalid(format!("cannot write the output: {e}")))?;
            } else {
                let items = cat.list(&filter)?;
                for item in &items {
                    println!("{}", list_line(item));
                }
            }
            Ok(0)
        }
        Command::Search {
            json,
            query,
            filter,
        } => {
            let query = query.join(" ");
            if crate::catalog::fts_query(&query).is_none() {
                eprintln!("kadr: search needs a word to look for (kadr list shows every item)");
                return Ok(2);
            }
            let items = lib.catalog()?.search(&query, &filter.into_filter())?;
            if json {
                print_json(&items);
            } else {
                for item in &items {
                    println!("{}", list_line(item));
                }
            }
            Ok(0)
        }
        Command::Reindex { json } => {
            let n = lib.catalog()?.reindex()?;
            if json {
                print_json(&serde_json::json!({ "indexed": n }));
            } else {
                println!("search index rebuilt: {n} items");
            }
            Ok(0)
        }
        Command::Show { json, item } => {
            let cat = lib.catalog()?;
            let row = cat.item(cat.resolve(&item)?)?;
            if json {
                // Where each described value came from: field → embedded, sidecar, typed, bag.
                let mut v =
                    serde_json::to_value(&row).map_err(|e| Error::invalid(e.to_string()))?;
                v["provenance"] = serde_json::json!(cat.provenance(row.id)?);
                print_json(&v);
            } else {
                print_item(&row, false);
            }
            Ok(0)
        }
        Command::Tag {
            item,
            date,
            place,
            person,
            remove_person,
            caption,
            tags,
            remove_tag,
            source,
            credit,
            json,
        } => {
            let blank = |s: String| (!s.trim().is_empty()).then_some(s);
            let mut cat = lib.catalog()?;
            let id = cat.resolve(&item)?;
            let (date, date_typed) = match date {
                None => (None, None),
                Some(OptionalDate::Clear) => (Some(None), None),
                Some(OptionalDate::Edtf(d)) => (Some(Some(d)), None),
                Some(OptionalDate::Phrase(text)) => match phrase_for_item(&cat, id, &text)? {
                    Ok(p) => {
                        if !json {
                            eprintln!("kadr: read «{text}» as {}", p.date.to_text());
                        }
                        (Some(Some(p.date)), Some(text))
                    }
                    Err(e) => {
                        eprintln!("kadr: --date: {e}");
                        return Ok(2);
                    }
                },
            };
            let change = TagChange {
                date,
                date_typed,
                place: place.map(blank),
                caption: caption.map(blank),
                source: source.map(blank),
                credit: credit.map(blank),
                add_people: person,
                remove_people: remove_person,
                add_tags: tags,
                remove_tags: remove_tag,
                ..Default::default()
            };
            cat.write(actor, |tx| tx.tag(id, &change))?;
            let row = cat.item(id)?;
            print_item(&row, json);
            Ok(0)
        }
        Command::Settings {
            home_zone,
            clock_tolerance,
            tiles,
            json,
        } => {
            let mut cat = lib.catalog()?;
            // Stored absolute, so the app finds it whatever its working folder.
            let tiles = tiles.map(|p| {
                if p.trim().is_empty() {
                    String::new()
                } else {
                    crate::tiles::absolute(std::path::Path::new(&p))
                        .to_string_lossy()
                        .into_owned()
                }
            });
            if home_zone.is_some() || clock_tolerance.is_some() || tiles.is_some() {
                cat.write(actor, |tx| {
                    if let Some(zone) = &home_zone {
                        tx.set_home_zone(Some(zone.trim()).filter(|z| !z.is_empty()))?;
                    }
                    if let Some(hours) = clock_tolerance {
                        tx.set_clock_tolerance_h(hours)?;
                    }
                    if let Some(path) = &tiles {
                        tx.set_tile_source(Some(path.as_str()))?;
                    }
                    Ok(())
                })?;
            }
            let zone = cat.home_zone()?;
            let tolerance = cat.clock_tolerance_h()?;
            let tile_source = cat.tile_source()?;
            let opened = tile_source
                .as_deref()
                .map(|p| crate::tiles::TileSource::open(std::path::Path::new(p)));
            let heif = crate::ingest::heif_previews();
            if json {
                print_json(&serde_json::json!({
                    "home_zone": zone,
                    "heif_previews": heif.is_ok(),
                    "clock_tolerance_h": tolerance,
                    "tile_source": tile_source,
                    "tile_source_info": match &opened {
                        Some(Ok(src)) => serde_json::to_value(src.info()).unwrap_or_default(),
                        _ => serde_json::Value::Null,
                    },
                    "tile_source_error": match &opened {
                        Some(Err(e)) => Some(e.to_string()),
                        _ => None,
                    },
                }));
            } else {
                println!("home time zone: {}", zone.as_deref().unwrap_or("not set"));
                println!(
                    "camera clock tolerance: {tolerance} h ({} h when the offset is unknown)",
                    tolerance + crate::verify::UNKNOWN_OFFSET_WIDENING_H as f64
                );
                match (&tile_source, &opened) {
                    (Some(path), Some(Ok(src))) => {
                        let i = src.info();
                        println!(
                            "map tiles: {path} ({}, zoom {}–{})",
                            i.name, i.min_zoom, i.max_zoom
                        );
                    }
                    (Some(path), Some(Err(e))) => {
                        println!(
                            "map tiles: {path} (cannot be read: {e}; the built-in map is used)"
                        )
                    }
                    _ => println!("map tiles: none (the built-in map)"),
                }
                match heif {
                    Ok(()) => println!("HEIC/AVIF previews: available"),
                    Err(why) => println!("HEIC/AVIF previews: not available ({why})"),
                }
            }
            Ok(0)
        }
        Command::Similar { item, json } => {
            let cat = lib.catalog()?;
            let id = cat.resolve(&item)?;
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
        Command::RehashSimilar { json } => {
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
        Command::Verify { json } => {
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
        Command::Review {
            item,
            status,
            note,
            do_not_publish,
            json,
        } => {
            if status.is_none() && note.is_none() && do_not_publish.is_none() {
                eprintln!("kadr: review needs --status, --note or --do-not-publish");
                return Ok(2);
            }
            let mut cat = lib.catalog()?;
            let id = cat.resolve(&item)?;
            cat.write(actor, |tx| {
                tx.review(id, status.as_deref(), note.as_deref())?;
                if let Some(v) = do_not_publish {
                    tx.set_do_not_publish(id, v)?;
                }
                Ok(())
            })?;
            let row = cat.item(id)?;
            print_item(&row, json);
            Ok(0)
        }
        Command::Redact { item, rects, clear } => {
            let mut cat = lib.catalog()?;
            let id = cat.resolve(&item)?;
            cat.write(actor, |tx| {
                if clear {
                    tx.clear_redactions(id)?;
                }
                for [x, y, w, h] in &rects {
                    tx.add_redaction(id, *x, *y, *w, *h)?;
                }
                Ok(())
            })?;
            println!("item {id}: {} redaction(s)", cat.redactions(id)?.len());
            Ok(0)
        }
        Command::Audit {
            what: AuditCommand::Verify { json },
        } => {
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
        Command::Person { action } => {
            entity(lib, actor, crate::catalog::EntityKind::Person, action)
        }
        Command::Place {
            action: PlaceAction::Entity(action),
        } => entity(lib, actor, crate::catalog::EntityKind::Place, action),
        Command::Place {
            action:
                PlaceAction::Locate {
                    name,
                    at,
                    radius,
                    json,
                },
        } => locate(lib, actor, &name, at, radius, json),
        Command::History { json, item } => {
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
        Command::Export {
            json,
            format,
            out,
            force,
            include_do_not_publish,
            lang,
            items,
            filter,
        } => {
            let filter = filter.into_filter();
            let options = crate::export::Options {
                format,
                out,
                force,
                include_do_not_publish,
                items,
                filter,
                lang: crate::i18n::Lang::from_code(&lang).unwrap_or(crate::i18n::Lang::Ru),
            };
            let cancel = cancel_on_ctrl_c();
            let summary = crate::export::export(lib, actor, &options, &cancel)?;
            if json {
                print_json(&summary);
            } else {
                println!("{}", summary.line());
            }
            Ok(0)
        }
        Command::Demo { json } => {
            let report = crate::demo::load_demo(lib, actor)?;
            if json {
                print_json(&report);
            } else {
                println!(
                    "demo chronicle: {} items ({} new)",
                    report.items, report.imported
                );
            }
            Ok(0)
        }
    }
}

/// Reads a date phrase typed for item `id`: a year it names is used as typed; otherwise the
/// item's capture time, else its nearest dated neighbour in the chronicle, gives it.
fn phrase_for_item(
    cat: &crate::catalog::Catalog,
    id: i64,
    text: &str,
) -> Result<std::result::Result<crate::dates::ParsedDate, String>> {
    use crate::dates::{PhraseContext, parse_phrase};
    if let Ok(p) = parse_phrase(text, &PhraseContext::none()) {
        return Ok(Ok(p));
    }
    let one = cat.summary(id)?;
    let context = if one.capture.is_some() {
        crate::view::phrase_context(std::slice::from_ref(&one), id)
    } else {
        crate::view::phrase_context(&cat.summaries()?, id)
    };
    Ok(parse_phrase(text, &context))
}

fn entity(
    lib: &Library,
    actor: &str,
    kind: crate::catalog::EntityKind,
    action: EntityAction,
) -> Result<i32> {
    let mut cat = lib.catalog()?;
    let find = |cat: &crate::catalog::Catalog, name: &str| {
        cat.find_entity(kind, name)?
            .ok_or_else(|| Error::invalid(format!("no {} is called {name:?}", kind.as_str())))
    };
    match action {
        EntityAction::List { json } => {
            let rows: Vec<serde_json::Value> = match kind {
                crate::catalog::EntityKind::Person => cat
                    .people()?
                    .into_iter()
                    .map(|(id, name, aliases)| serde_json::json!({"id": id, "name": name, "aliases": aliases}))
                    .collect(),
                crate::catalog::EntityKind::Place => cat
                    .places()?
                    .into_iter()
                    .map(|p| serde_json::json!({"id": p.id, "name": p.name, "path": p.path, "aliases": p.aliases, "lat": p.lat, "lon": p.lon, "radius_m": p.radius_m}))
                    .collect(),
            };
            if json {
                print_json(&rows);
            } else {
                for r in &rows {
                    let name = r.get("path").and_then(|p| p.as_array()).map(|p| {
                        p.iter()
                            .filter_map(|x| x.as_str())
                            .collect::<Vec<_>>()
                            .join(" > ")
                    });
                    let aliases: Vec<&str> = r["aliases"]
                        .as_array()
                        .map(|a| a.iter().filter_map(|x| x.as_str()).collect())
                        .unwrap_or_default();
                    println!(
                        "{:>5}  {}  ({})",
                        r["id"],
                        name.unwrap_or_else(|| r["name"].as_str().unwrap_or("").to_string()),
                        aliases.join(", ")
                    );
                }
            }
        }
        EntityAction::Rename { name, new_name } => {
            let id = find(&cat, &name)?;
            cat.write(actor, |tx| tx.rename_entity(kind, id, &new_name))?;
            println!("{} {name:?} is now {new_name:?}", kind.as_str());
        }
        EntityAction::Merge { name, into } => {
            let (from, to) = (find(&cat, &name)?, find(&cat, &into)?);
            let n = cat.write(actor, |tx| tx.merge_entity(kind, from, to))?;
            println!(
                "merged {} {name:?} into {into:?}: {n} items changed",
                kind.as_str()
            );
        }
        EntityAction::Alias { name, alias } => {
            let id = find(&cat, &name)?;
            cat.write(actor, |tx| tx.add_alias(kind, id, &alias))?;
            println!("{} {name:?} is also {alias:?}", kind.as_str());
        }
    }
    Ok(0)
}

/// `kadr place locate`: sets a place's coordinates and radius, and prints the place.
fn locate(
    lib: &Library,
    actor: &str,
    name: &str,
    at: crate::geo::LatLon,
    radius: Option<f64>,
    json: bool,
) -> Result<i32> {
    let kind = crate::catalog::EntityKind::Place;
    let mut cat = lib.catalog()?;
    let id = cat
        .find_entity(kind, name)?
        .ok_or_else(|| Error::invalid(format!("no place is called {name:?}")))?;
    cat.write(actor, |tx| tx.locate_place(id, at, radius))?;
    let place = cat
        .places()?
        .into_iter()
        .find(|p| p.id == id)
        .ok_or_else(|| Error::invalid(format!("no place is called {name:?}")))?;
    let radius = place.radius_m.unwrap_or(crate::geo::DEFAULT_PLACE_RADIUS_M);
    if json {
        print_json(&serde_json::json!({
            "id": place.id, "name": place.name, "path": place.path,
            "lat": place.lat, "lon": place.lon, "radius_m": radius,
        }));
    } else {
        println!(
            "place {:?} is at {:.6}, {:.6}, radius {radius} m",
            place.path.join(" > "),
            at.lat,
            at.lon
        );
    }
    Ok(0)
}

/// A flag that Ctrl-C sets, so a long command (import, verify, export) stops between files and
/// cleans up; a second Ctrl-C exits at once.
fn cancel_on_ctrl_c() -> Arc<AtomicBool> {
    let cancel = Arc::new(AtomicBool::new(false));
    let flag = cancel.clone();
    let _ = ctrlc::set_handler(move || {
        if flag.swap(true, std::sync::atomic::Ordering::SeqCst) {
            std::process::exit(130);
        }
    });
    cancel
}

/// Prints a JSON document the way every `--json` output is printed: pretty, then a line end,
/// serialised straight into a buffer on standard output (a 100 000-item list is some 150 MB,
/// never built as one string first).
fn print_json(value: &impl serde::Serialize) {
    use std::io::Write as _;
    let mut out = std::io::BufWriter::with_capacity(1 << 20, std::io::stdout().lock());
    serde_json::to_writer_pretty(&mut out, value)
        .map_err(std::io::Error::from)
        .and_then(|()| out.write_all(b"\n"))
        .and_then(|()| out.flush())
        .unwrap_or_else(|e| panic!("failed printing to stdout: {e}"));
}

/// Prints one item: its JSON, or the human form.
fn print_item(row: &crate::catalog::ItemRow, json: bool) {
    if json {
        print_json(row);
    } else {
        print!("{}", show_text(row));
    }
}

fn progress_bar(hidden: bool) -> indicatif::ProgressBar {
    if hidden {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} files  {msg}  ETA {eta}")
            .expect("valid template"),
    );
    bar
}

fn import(lib: &Library, actor: &str, paths: &[PathBuf], json: bool) -> Result<i32> {
    let cancel = cancel_on_ctrl_c();
    let bar = progress_bar(json);
    let mut total_bytes = 0u64;
    let options = ImportOptions {
        actor: actor.to_string(),
        threads: 0,
    };
    let report = ingest::import_all(lib, paths, &options, &cancel, |event| match event {
        ImportEvent::Planned { files, bytes } => {
            total_bytes = bytes;
            bar.set_length(files as u64);
        }
        ImportEvent::Progress {
            files_done,
            bytes_done,
            ..
        } => {
            bar.set_position(files_done as u64);
            bar.set_message(format!(
                "{:.0} / {:.0} MB",
                bytes_done as f64 / 1e6,
                total_bytes as f64 / 1e6
            ));
        }
    })?;
    bar.finish_and_clear();
    if json {
        print_json(&report);
    } else {
        println!(
            "imported {}, duplicates {}, failed {}, warnings {}",
            report.imported.len(),
            report.duplicates.len(),
            report.failed.len(),
            report.warnings.len()
        );
        if !report.skipped.is_empty() {
            println!(
                "skipped {} files that are not photos or videos",
                report.skipped.len()
            );
        }
        if !report.merged.is_empty() || !report.conflicts.is_empty() {
            println!(
                "merged the catalogue data of {} items from bags, {} conflicts kept side by side",
                report.merged.len(),
                report.conflicts.len()
            );
        }
    }
    for w in &report.warnings {
        eprintln!("kadr: warning: {}: {}", w.warning, w.path);
    }
    for s in &report.skipped {
        eprintln!("kadr: skipped, {}: {}", s.reason, s.path);
    }
    for c in &report.conflicts {
        eprintln!(
            "kadr: warning: merge conflict on {} of item {}: kept «{}», the bag's «{}» is in a note",
            c.field, c.id, c.here, c.bag
        );
    }
    for f in &report.failed {
        eprintln!("kadr: cannot import, {}: {}", f.error, f.path);
    }
    if report.cancelled {
        eprintln!("kadr: {}", Error::Cancelled);
    }
    Ok(if report.failed.is_empty() && !report.cancelled {
        0
    } else {
        1
    })
}
