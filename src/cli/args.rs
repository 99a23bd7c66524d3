//! The command line's grammar: every command, option and value parser (clap).

use crate::dates::EventDate;
use clap::{Parser, Subcommand};
use std::path::PathBuf;

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
        #[command(flatten)]
        filter: FilterArgs,
    },
    /// Search captions, people, places, keywords, file names, notes, source and credit, in any
    /// script (Мамай = Mamay, Алматы = Almaty); words match by prefix; best matches first.
    Search {
        #[arg(long)]
        json: bool,
        /// The words to look for (every word must match).
        #[arg(required = true, value_name = "QUERY")]
        query: Vec<String>,
        #[command(flatten)]
        filter: FilterArgs,
    },
    /// Rebuild the search index from the catalogue.
    Reindex {
        #[arg(long)]
        json: bool,
    },
    /// Rewrite the catalogue file compactly (each table's pages together, 16 KiB pages), so
    /// that opening a large library with a cold disk cache is faster. Changes no value and no
    /// history; needs the library to itself (close the app first).
    Compact {
        #[arg(long)]
        json: bool,
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
        /// by a part of day (2022-01-04 evening), or a phrase in Russian, Kazakh, Kyrgyz or
        /// English («4 января вечером», «в ночь с 4 на 5 января 2022», «4-қаңтар кешке»,
        /// "Jan 2022"; a missing year comes from the capture time or the neighbours, marked
        /// uncertain: 2022?-01-04); "" clears the date.
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
    /// Settings of the library: its home time zone (where capture times sit on the timeline),
    /// the tolerance for camera clocks (the `date-mismatch` flag) and the offline map tiles.
    Settings {
        /// An IANA time zone such as Asia/Almaty; "" clears it.
        #[arg(long, value_name = "ZONE")]
        home_zone: Option<String>,
        /// How many hours a capture time may lie outside its event date before the item is
        /// flagged `date-mismatch` (default 2; 14 more when the camera's offset is unknown).
        #[arg(long, value_name = "HOURS")]
        clock_tolerance: Option<f64>,
        /// Offline map tiles for the Map view: a raster .pmtiles or .mbtiles file, or a folder
        /// of {z}/{x}/{y}.png|jpg|webp tiles; "" clears it (the built-in basemap alone).
        #[arg(long, value_name = "PATH")]
        tiles: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Near-duplicates of an item (ITEM: id or SHA-256 prefix): the same picture re-saved,
    /// resized, cropped a little or recompressed, nearest first.
    Similar {
        item: String,
        #[arg(long)]
        json: bool,
    },
    /// Compute the perceptual hashes (for `similar`) that items imported before they were
    /// kept lack, from their stored thumbnails.
    RehashSimilar {
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
    /// People: list, rename, merge, add aliases.
    Person {
        #[command(subcommand)]
        action: EntityAction,
    },
    /// Places: list, rename, merge, add aliases, set where they are.
    Place {
        #[command(subcommand)]
        action: PlaceAction,
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
    /// Export items: a BagIt bag, an HTML chronicle, CSV, JSON, XMP sidecars or publication
    /// copies (selection: ITEMs and/or filters).
    Export {
        #[arg(long)]
        json: bool,
        /// bag, html, csv, json, xmp or publish.
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
        /// With --format html: the chronicle's language (en, ru, kk, ky). Russian by default,
        /// as before the app had other languages.
        #[arg(long, default_value = "ru", value_parser = clap::builder::PossibleValuesParser::new(["en", "ru", "kk", "ky"]))]
        lang: String,
        /// Items (id or SHA-256 prefix); none: every item the filters match.
        #[arg(value_name = "ITEM")]
        items: Vec<String>,
        #[command(flatten)]
        filter: FilterArgs,
    },
    /// Load the demo chronicle: placeholder images with real captions, dates, places, people.
    Demo {
        #[arg(long)]
        json: bool,
    },
}

/// The filters `list` and `export` share.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct FilterArgs {
    /// Items showing this person (name or alias, any script).
    #[arg(long)]
    pub person: Option<String>,
    /// Items at this place or any place inside it.
    #[arg(long)]
    pub place: Option<String>,
    /// Items with this keyword.
    #[arg(long = "tag")]
    pub keyword: Option<String>,
    /// Items whose date reaches this date or later (EDTF).
    #[arg(long, value_parser = parse_date)]
    pub from: Option<EventDate>,
    /// Items whose date starts by this date (EDTF).
    #[arg(long, value_parser = parse_date)]
    pub to: Option<EventDate>,
    /// unreviewed, verified, needs-info or rejected.
    #[arg(long, value_parser = clap::builder::PossibleValuesParser::new(crate::catalog::REVIEW_STATUSES))]
    pub status: Option<String>,
    /// Only items with neither an event date nor a capture time.
    #[arg(long)]
    pub undated: bool,
    /// Items within RADIUS_M metres of a point: by the camera's GPS, else by their place's
    /// coordinates (43.2385,76.9455,500).
    #[arg(long, value_name = "LAT,LON,RADIUS_M", allow_hyphen_values = true,
          value_parser = crate::geo::parse_near)]
    pub near: Option<crate::geo::Near>,
    /// Items inside a box, west,south,east,north in degrees (-60,-40,-55,-30); positions as
    /// for --near.
    #[arg(long, value_name = "W,S,E,N", allow_hyphen_values = true,
          value_parser = crate::geo::parse_bbox)]
    pub bbox: Option<crate::geo::BBox>,
}

impl FilterArgs {
    pub fn into_filter(self) -> crate::catalog::Filter {
        crate::catalog::Filter {
            person: self.person,
            place: self.place,
            keyword: self.keyword,
            from: self.from,
            to: self.to,
            status: self.status,
            undated: self.undated,
            near: self.near,
            bbox: self.bbox,
        }
    }
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

/// `tag --date`: "" clears the date, EDTF is taken as it is, anything else is a phrase
/// («4 января вечером»), read once the item is known (its capture time or neighbours give a
/// year the phrase does not name).
#[derive(Debug, Clone)]
pub enum OptionalDate {
    Clear,
    Edtf(EventDate),
    Phrase(String),
}

fn parse_date(s: &str) -> std::result::Result<EventDate, String> {
    EventDate::parse(s)
}

fn parse_optional_date(s: &str) -> std::result::Result<OptionalDate, String> {
    if s.trim().is_empty() {
        return Ok(OptionalDate::Clear);
    }
    if let Ok(d) = EventDate::parse(s) {
        return Ok(OptionalDate::Edtf(d));
    }
    // Words it does not understand are a usage error here; the year comes with the item.
    let any_year = crate::dates::PhraseContext {
        capture: chrono::NaiveDate::from_ymd_opt(2000, 6, 15),
        neighbour: None,
    };
    crate::dates::parse_phrase(s, &any_year).map(|_| OptionalDate::Phrase(s.trim().to_string()))
}

/// What `kadr person` and `kadr place` do.
#[derive(Subcommand, Debug)]
pub enum EntityAction {
    /// Every person or place with its aliases.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Rename; the old name stays as an alias.
    Rename { name: String, new_name: String },
    /// Merge NAME into INTO: its items, aliases (and inner places) move over; NAME is removed.
    Merge { name: String, into: String },
    /// Add an alias (another spelling, script or language).
    Alias { name: String, alias: String },
}

/// What `kadr place` does: what `kadr person` does, and setting where a place is.
#[derive(Subcommand, Debug)]
pub enum PlaceAction {
    #[command(flatten)]
    Entity(EntityAction),
    /// Set a place's coordinates and radius (logged in the history).
    Locate {
        /// The place's name or alias.
        name: String,
        /// LAT,LON in decimal degrees (43.2385,76.9455; south and west negative).
        #[arg(value_name = "LAT,LON", allow_hyphen_values = true,
              value_parser = crate::geo::parse_lat_lon)]
        at: crate::geo::LatLon,
        /// How large the place is, in metres (a square: a few hundred; a city: tens of
        /// thousands). Default 2000.
        #[arg(long, value_name = "M")]
        radius: Option<f64>,
        #[arg(long)]
        json: bool,
    },
}
