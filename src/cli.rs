//! The command line: parses arguments, runs one command against a library, prints the result.
//!
//! Output formats are a contract (README.md documents every JSON field). Exit status: 0
//! success, 1 the command ran but something failed, 2 usage error. Errors are one line each on
//! stderr, path last.

use crate::catalog::{Filter, ItemRow, TagChange};
use crate::dates::EventDate;
use crate::error::{Error, Result};
use crate::ingest::{self, ImportEvent, ImportOptions};
use crate::library::Library;
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

#[derive(Parser, Debug)]
#[command(
    name = "kadr",
    version,
    about = "An offline catalogue of photo evidence. With no command, opens the desktop app."
)]
pub struct Cli {
    /// The library folder (default: KADR_LIBRARY, else the platform data folder).
    #[arg(long, global = true, env = "KADR_LIBRARY", value_name = "DIR")]
    pub library: Option<PathBuf>,
    /// Who the history records as making changes (default: KADR_USER, else the OS user).
    #[arg(long = "as", global = true, env = "KADR_USER", value_name = "NAME")]
    pub actor: Option<String>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Import photos: files and folders (recursive).
    Import {
        #[arg(long)]
        json: bool,
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
    },
    /// List items in timeline order (event date, else capture time; undated last).
    List {
        #[arg(long)]
        json: bool,
        /// Items showing this person (name or alias, any script).
        #[arg(long)]
        person: Option<String>,
        /// Items at this place or any place inside it.
        #[arg(long)]
        place: Option<String>,
        /// Items with this keyword.
        #[arg(long = "tag")]
        keyword: Option<String>,
        /// Items whose date reaches this date or later (EDTF).
        #[arg(long, value_parser = parse_date)]
        from: Option<EventDate>,
        /// Items whose date starts by this date (EDTF).
        #[arg(long, value_parser = parse_date)]
        to: Option<EventDate>,
        /// unreviewed, verified, needs-info or rejected.
        #[arg(long, value_parser = clap::builder::PossibleValuesParser::new(crate::catalog::REVIEW_STATUSES))]
        status: Option<String>,
        /// Only items with neither an event date nor a capture time.
        #[arg(long)]
        undated: bool,
    },
    /// Show one item (ITEM: id or SHA-256 prefix).
    Show {
        #[arg(long)]
        json: bool,
        item: String,
    },
    /// Tag an item: event date, place, people, caption, keywords, source, credit.
    Tag {
        item: String,
        /// EDTF (2022-01-04, 2022-01~, 2022-01-04/2022-01-05, 2022-05-15?) optionally followed
        /// by a part of day (2022-01-04 evening); "" clears the date.
        #[arg(long, value_parser = parse_optional_date)]
        date: Option<OptionalDate>,
        /// A place name or alias; "Алматы > Площадь Республики" creates it under its parent; "" clears.
        #[arg(long)]
        place: Option<String>,
        /// Add a person (repeatable).
        #[arg(long)]
        person: Vec<String>,
        /// Remove a person (repeatable).
        #[arg(long)]
        remove_person: Vec<String>,
        /// Set the caption ("" clears).
        #[arg(long)]
        caption: Option<String>,
        /// Add a keyword (repeatable).
        #[arg(long = "tag")]
        tags: Vec<String>,
        /// Remove a keyword (repeatable).
        #[arg(long)]
        remove_tag: Vec<String>,
        /// Set the source ("" clears).
        #[arg(long)]
        source: Option<String>,
        /// Set the credit line ("" clears).
        #[arg(long)]
        credit: Option<String>,
        /// Print the item afterwards as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Fixity: re-hash every original and name each damaged or missing one.
    Verify {
        #[arg(long)]
        json: bool,
    },
    /// Review an item: set its status and/or add a note (by the acting user).
    Review {
        item: String,
        /// unreviewed, verified, needs-info or rejected.
        #[arg(long, value_parser = clap::builder::PossibleValuesParser::new(crate::catalog::REVIEW_STATUSES))]
        status: Option<String>,
        #[arg(long)]
        note: Option<String>,
        /// Mark the item "do not publish" (yes) or lift the mark (no).
        #[arg(long, value_parser = parse_yes_no, value_name = "yes|no")]
        do_not_publish: Option<bool>,
        #[arg(long)]
        json: bool,
    },
    /// Mark areas to fill in publication copies (faces, name tags), as fractions of the picture.
    Redact {
        item: String,
        /// X,Y,W,H as fractions of the displayed picture (0.25,0.1,0.2,0.3); repeatable.
        #[arg(long = "rect", value_parser = parse_rect)]
        rects: Vec<[f64; 4]>,
        /// Remove the item's redactions first.
        #[arg(long)]
        clear: bool,
    },
    /// Check the history: `kadr audit verify`.
    Audit {
        #[command(subcommand)]
        what: AuditCommand,
    },
    /// Show the change history, of one item or of the whole library.
    History {
        #[arg(long)]
        json: bool,
        item: Option<String>,
    },
    /// Export items: a BagIt bag, an HTML chronicle, CSV or JSON (selection: ITEMs and/or filters).
    Export {
        #[arg(long)]
        json: bool,
        /// bag, html, csv, json or publish.
        #[arg(long, value_parser = clap::builder::PossibleValuesParser::new(crate::export::FORMATS))]
        format: String,
        /// The output folder (created if missing; must be empty unless --force).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Replace a non-empty output folder (removed once the new export is complete).
        #[arg(long)]
        force: bool,
        /// With --format publish: publish items marked "do not publish" too.
        #[arg(long)]
        include_do_not_publish: bool,
        /// Items (id or SHA-256 prefix); none: every item the filters match.
        #[arg(value_name = "ITEM")]
        items: Vec<String>,
        /// Only items showing this person (as in `list`).
        #[arg(long)]
        person: Option<String>,
        /// Only items at this place or inside it.
        #[arg(long)]
        place: Option<String>,
        /// Only items with this keyword.
        #[arg(long = "tag")]
        keyword: Option<String>,
        /// Only items whose date reaches this date or later (EDTF).
        #[arg(long, value_parser = parse_date)]
        from: Option<EventDate>,
        /// Only items whose date starts by this date (EDTF).
        #[arg(long, value_parser = parse_date)]
        to: Option<EventDate>,
        /// Only items with this review status.
        #[arg(long, value_parser = clap::builder::PossibleValuesParser::new(crate::catalog::REVIEW_STATUSES))]
        status: Option<String>,
        /// Only undated items.
        #[arg(long)]
        undated: bool,
    },
    /// Load the demo chronicle: placeholder images with real captions, dates, places, people.
    Demo {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum AuditCommand {
    /// Re-compute the hash chain of the history; exit 1 naming the first bad entry.
    Verify {
        #[arg(long)]
        json: bool,
    },
}

fn parse_yes_no(s: &str) -> std::result::Result<bool, String> {
    match s {
        "yes" | "true" | "1" => Ok(true),
        "no" | "false" | "0" => Ok(false),
        _ => Err(format!("expected yes or no, not {s:?}")),
    }
}

fn parse_rect(s: &str) -> std::result::Result<[f64; 4], String> {
    let v: Vec<f64> = s
        .split(',')
        .map(|p| p.trim().parse::<f64>())
        .collect::<std::result::Result<_, _>>()
        .map_err(|_| format!("expected X,Y,W,H fractions, not {s:?}"))?;
    match v.as_slice() {
        [x, y, w, h] if v.iter().all(|f| (0.0..=1.0).contains(f)) && *w > 0.0 && *h > 0.0 => {
            Ok([*x, *y, *w, *h])
        }
        _ => Err(format!(
            "expected X,Y,W,H as fractions between 0 and 1, not {s:?}"
        )),
    }
}

#[derive(Debug, Clone)]
pub struct OptionalDate(pub Option<EventDate>);

fn parse_date(s: &str) -> std::result::Result<EventDate, String> {
    EventDate::parse(s)
}

fn parse_optional_date(s: &str) -> std::result::Result<OptionalDate, String> {
    if s.trim().is_empty() {
        return Ok(OptionalDate(None));
    }
    EventDate::parse(s).map(|d| OptionalDate(Some(d)))
}

/// Runs the command line; returns the exit status.
pub fn run(cli: Cli) -> i32 {
    let actor = actor(cli.actor);
    let Some(command) = cli.command else {
        // No command: the desktop app.
        return match library(cli.library) {
            Ok(lib) => match crate::app::run(lib, actor) {
                Ok(()) => 0,
                Err(e) => {
                    eprintln!("kadr: cannot open the window: {e}");
                    1
                }
            },
            Err(e) => {
                eprintln!("kadr: {e}");
                1
            }
        };
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
        Command::List {
            json,
            person,
            place,
            keyword,
            from,
            to,
            status,
            undated,
        } => {
            let filter = Filter {
                person,
                place,
                keyword,
                from,
                to,
                status,
                undated,
            };
            let items = lib.catalog()?.list(&filter)?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&items).expect("items serialise")
                );
            } else {
                for item in &items {
                    println!("{}", list_line(item));
                }
            }
            Ok(0)
        }
        Command::Show { json, item } => {
            let cat = lib.catalog()?;
            let row = cat.item(cat.resolve(&item)?)?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&row).expect("item serialises")
                );
            } else {
                print!("{}", show_text(&row));
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
            let change = TagChange {
                date: date.map(|d| d.0),
                place: place.map(blank),
                caption: caption.map(blank),
                source: source.map(blank),
                credit: credit.map(blank),
                add_people: person,
                remove_people: remove_person,
                add_tags: tags,
                remove_tags: remove_tag,
            };
            let mut cat = lib.catalog()?;
            let id = cat.resolve(&item)?;
            cat.write(actor, |tx| tx.tag(id, &change))?;
            let row = cat.item(id)?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&row).expect("item serialises")
                );
            } else {
                print!("{}", show_text(&row));
            }
            Ok(0)
        }
        Command::Verify { json } => {
            let bar = progress_bar(json);
            let report = crate::fixity::verify(lib, |done, total| {
                bar.set_length(total as u64);
                bar.set_position(done as u64);
            })?;
            bar.finish_and_clear();
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&report).expect("report serialises")
                );
            } else {
                println!(
                    "checked {} originals: {} intact, {} damaged, {} missing",
                    report.checked,
                    report.ok,
                    report.damaged.len(),
                    report.missing.len()
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
            Ok(if report.intact() { 0 } else { 1 })
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
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&row).expect("item serialises")
                );
            } else {
                print!("{}", show_text(&row));
            }
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
                println!(
                    "{}",
                    serde_json::to_string_pretty(&out).expect("report serialises")
                );
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
        Command::History { json, item } => {
            let cat = lib.catalog()?;
            let sha = item
                .map(|i| cat.resolve(&i).and_then(|id| cat.item(id)))
                .transpose()?
                .map(|r| r.sha256);
            let entries = cat.history(sha.as_deref())?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&entries).expect("history serialises")
                );
            } else {
                for e in &entries {
                    let item = e.item.as_deref().map(|s| &s[..12]).unwrap_or("-");
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
            items,
            person,
            place,
            keyword,
            from,
            to,
            status,
            undated,
        } => {
            let filter = Filter {
                person,
                place,
                keyword,
                from,
                to,
                status,
                undated,
            };
            let options = crate::export::Options {
                format,
                out,
                force,
                include_do_not_publish,
                items,
                filter,
            };
            let cancel = crate::export::cancel_on_ctrl_c();
            let summary = crate::export::export(lib, actor, &options, &cancel)?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&summary).expect("summary serialises")
                );
            } else {
                println!("{}", summary.line());
            }
            Ok(0)
        }
        Command::Demo { json } => {
            let report = crate::demo::load_demo(lib, actor)?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&report).expect("report serialises")
                );
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
    let cancel = Arc::new(AtomicBool::new(false));
    {
        let cancel = cancel.clone();
        // Ctrl-C stops between files; a second Ctrl-C is the default (immediate) behaviour.
        let _ = ctrlc::set_handler(move || {
            if cancel.swap(true, std::sync::atomic::Ordering::SeqCst) {
                std::process::exit(130);
            }
        });
    }
    let bar = progress_bar(json);
    let mut total_bytes = 0u64;
    let options = ImportOptions {
        actor: actor.to_string(),
        threads: 0,
    };
    let report = ingest::import(lib, paths, &options, &cancel, |event| match event {
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
        println!(
            "{}",
            serde_json::to_string_pretty(&report).expect("report serialises")
        );
    } else {
        println!(
            "imported {}, duplicates {}, failed {}, warnings {}",
            report.imported.len(),
            report.duplicates.len(),
            report.failed.len(),
            report.warnings.len()
        );
    }
    for w in &report.warnings {
        eprintln!("kadr: warning: {}: {}", w.warning, w.path);
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

fn list_line(item: &ItemRow) -> String {
    let when = item
        .event_date
        .clone()
        .or_else(|| item.capture_time.clone())
        .unwrap_or_else(|| "undated".into());
    let what = item.caption.as_deref().unwrap_or(&item.original_name);
    let mut line = format!("{:>5}  {}  {:<25}", item.id, &item.sha256[..12], when);
    if let Some(p) = &item.place {
        line.push_str(&format!("  @{p}"));
    }
    if !item.people.is_empty() {
        line.push_str(&format!("  [{}]", item.people.join(", ")));
    }
    line.push_str("  ");
    line.push_str(what);
    line
}

fn show_text(i: &ItemRow) -> String {
    let mut s = String::new();
    let mut line = |k: &str, v: String| s.push_str(&format!("{k:<14}{v}\n"));
    let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
    line("id", i.id.to_string());
    line("sha256", i.sha256.clone());
    line("name", i.original_name.clone());
    for p in &i.paths {
        line("imported from", p.clone());
    }
    line("size", format!("{} bytes", i.size));
    line("format", i.format.clone());
    line(
        "pixels",
        match (i.width, i.height) {
            (Some(w), Some(h)) => format!("{w} x {h}"),
            _ => "-".into(),
        },
    );
    let capture = match &i.capture_time {
        Some(t) if i.capture_offset_known => t.clone(),
        Some(t) => format!("{t} (offset unknown)"),
        None => "-".into(),
    };
    line("captured", capture);
    line(
        "gps",
        i.gps
            .as_ref()
            .map(|g| format!("{:.6}, {:.6}", g.lat, g.lon))
            .unwrap_or_else(|| "-".into()),
    );
    line(
        "camera",
        i.camera
            .as_ref()
            .map(|c| {
                [c.make.clone(), c.model.clone()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .unwrap_or_else(|| "-".into()),
    );
    line("event date", opt(&i.event_date));
    line(
        "place",
        if i.place_path.is_empty() {
            "-".into()
        } else {
            i.place_path.join(" > ")
        },
    );
    line(
        "people",
        if i.people.is_empty() {
            "-".into()
        } else {
            i.people.join(", ")
        },
    );
    line("caption", opt(&i.caption));
    line(
        "keywords",
        if i.tags.is_empty() {
            "-".into()
        } else {
            i.tags.join(", ")
        },
    );
    line("source", opt(&i.source));
    line("credit", opt(&i.credit));
    line("review", i.review_status.clone());
    s
}
