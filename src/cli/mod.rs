//! The command line: parses arguments, runs one command against a library, prints the result.
//!
//! Output formats are a contract (README.md documents every JSON field). Exit status: 0
//! success, 1 the command ran but something failed, 2 usage error. Errors are one line each on
//! stderr, path last.
//!
//! This file dispatches every command and runs the ones about items (import, list, search,
//! show, tag, review, redact, export); `checks.rs` holds verify, audit, history and the
//! near-duplicate commands, `settings.rs` the settings, `entities.rs` people and places.

mod args;
mod checks;
mod entities;
mod output;
mod settings;
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
        Command::Compact { json } => {
            let done = lib.catalog()?.compact()?;
            if json {
                print_json(&done);
            } else {
                println!(
                    "catalogue compacted: {:.1} MB in {} KiB pages, was {:.1} MB in {} KiB pages",
                    done.bytes_after as f64 / 1e6,
                    done.page_size_after / 1024,
                    done.bytes_before as f64 / 1e6,
                    done.page_size_before / 1024
                );
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
        } => settings::settings(lib, actor, home_zone, clock_tolerance, tiles, json),
        Command::Similar { item, json } => checks::similar(lib, &item, json),
        Command::RehashSimilar { json } => checks::rehash_similar(lib, actor, json),
        Command::Verify { json } => checks::verify(lib, json),
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
        } => checks::audit(lib, json),
        Command::Person { action } => {
            entities::entity(lib, actor, crate::catalog::EntityKind::Person, action)
        }
        Command::Place {
            action: PlaceAction::Entity(action),
        } => entities::entity(lib, actor, crate::catalog::EntityKind::Place, action),
        Command::Place {
            action:
                PlaceAction::Locate {
                    name,
                    at,
                    radius,
                    json,
                },
        } => entities::locate(lib, actor, &name, at, radius, json),
        Command::History { json, item } => checks::history(lib, item, json),
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
