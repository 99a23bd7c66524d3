//! The schema, as an append-only list of migrations applied at open.
//!
//! Architecture Invariant: a migration that has shipped is never edited; a change to the
//! schema is a new entry at the end. `user_version` holds how many have been applied. The test
//! `shipped_migrations_are_unchanged` pins the text of each shipped migration by its SHA-256.

pub const MIGRATIONS: &[&str] = &[
    // 1: the whole data model of the catalogue.
    r#"
CREATE TABLE places (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    parent_id   INTEGER REFERENCES places(id) ON DELETE SET NULL,
    lat         REAL,
    lon         REAL,
    created_at  TEXT NOT NULL
) STRICT;

CREATE TABLE place_aliases (
    place_id    INTEGER NOT NULL REFERENCES places(id) ON DELETE CASCADE,
    alias       TEXT NOT NULL,
    fold        TEXT NOT NULL,
    PRIMARY KEY (place_id, alias)
) STRICT;
CREATE INDEX place_aliases_fold ON place_aliases(fold);

CREATE TABLE people (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    created_at  TEXT NOT NULL
) STRICT;

CREATE TABLE person_aliases (
    person_id   INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    alias       TEXT NOT NULL,
    fold        TEXT NOT NULL,
    PRIMARY KEY (person_id, alias)
) STRICT;
CREATE INDEX person_aliases_fold ON person_aliases(fold);

CREATE TABLE items (
    id                  INTEGER PRIMARY KEY,
    sha256              TEXT NOT NULL UNIQUE CHECK (length(sha256) = 64),
    original_name       TEXT NOT NULL,
    stored_path         TEXT NOT NULL,
    size                INTEGER NOT NULL,
    format              TEXT NOT NULL,
    width               INTEGER,
    height              INTEGER,
    has_preview         INTEGER NOT NULL DEFAULT 0,
    -- EXIF facts: the camera's claims, kept apart from what the journalist assigns.
    capture_local       TEXT,
    capture_offset      TEXT,
    capture_subsec      TEXT,
    gps_lat             REAL,
    gps_lon             REAL,
    gps_alt             REAL,
    camera_make         TEXT,
    camera_model        TEXT,
    camera_serial       TEXT,
    orientation         INTEGER,
    -- What the journalist assigns.
    caption             TEXT,
    event_text          TEXT,
    event_start         TEXT,
    event_end           TEXT,
    event_sort          TEXT,
    event_precision     TEXT CHECK (event_precision IN ('year','month','day','part_of_day','minute','second')),
    event_part_of_day   TEXT CHECK (event_part_of_day IN ('morning','afternoon','evening','night')),
    event_approximate   INTEGER NOT NULL DEFAULT 0,
    event_uncertain     INTEGER NOT NULL DEFAULT 0,
    place_id            INTEGER REFERENCES places(id) ON DELETE SET NULL,
    source              TEXT,
    credit              TEXT,
    do_not_publish      INTEGER NOT NULL DEFAULT 0,
    -- Review.
    review_status       TEXT NOT NULL DEFAULT 'unreviewed'
                        CHECK (review_status IN ('unreviewed','verified','needs-info','rejected')),
    review_by           TEXT,
    review_at           TEXT,
    imported_at         TEXT NOT NULL,
    -- Timeline order: the event date, else the capture time; undated last.
    sort_key            TEXT GENERATED ALWAYS AS (coalesce(event_sort, capture_local)) VIRTUAL
) STRICT;
CREATE INDEX items_sort ON items(sort_key);
CREATE INDEX items_place ON items(place_id);

CREATE TABLE item_paths (
    item_id     INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    path        TEXT NOT NULL,
    seen_at     TEXT NOT NULL,
    PRIMARY KEY (item_id, path)
) STRICT;

CREATE TABLE item_people (
    item_id     INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    person_id   INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    PRIMARY KEY (item_id, person_id)
) STRICT;
CREATE INDEX item_people_person ON item_people(person_id);

CREATE TABLE keywords (
    id          INTEGER PRIMARY KEY,
    word        TEXT NOT NULL UNIQUE,
    fold        TEXT NOT NULL
) STRICT;

CREATE TABLE item_keywords (
    item_id     INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    keyword_id  INTEGER NOT NULL REFERENCES keywords(id) ON DELETE CASCADE,
    PRIMARY KEY (item_id, keyword_id)
) STRICT;
CREATE INDEX item_keywords_keyword ON item_keywords(keyword_id);

CREATE TABLE notes (
    id          INTEGER PRIMARY KEY,
    item_id     INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    author      TEXT NOT NULL,
    at          TEXT NOT NULL,
    body        TEXT NOT NULL
) STRICT;
CREATE INDEX notes_item ON notes(item_id);

-- Append-only, hash-chained log of every change.
CREATE TABLE history (
    seq         INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    item_sha256 TEXT,
    details     TEXT NOT NULL,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL UNIQUE
) STRICT;
CREATE INDEX history_item ON history(item_sha256);
CREATE TRIGGER history_no_update BEFORE UPDATE ON history
BEGIN SELECT RAISE(ABORT, 'history is append-only'); END;
CREATE TRIGGER history_no_delete BEFORE DELETE ON history
BEGIN SELECT RAISE(ABORT, 'history is append-only'); END;
"#,
    // 2: redaction rectangles for publication copies.
    r#"
CREATE TABLE redactions (
    id          INTEGER PRIMARY KEY,
    item_id     INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    -- Fractions of the displayed (orientation-applied) picture, 0..1.
    x           REAL NOT NULL CHECK (x >= 0 AND x <= 1),
    y           REAL NOT NULL CHECK (y >= 0 AND y <= 1),
    w           REAL NOT NULL CHECK (w > 0 AND x + w <= 1.000001),
    h           REAL NOT NULL CHECK (h > 0 AND y + h <= 1.000001),
    author      TEXT NOT NULL,
    at          TEXT NOT NULL
) STRICT;
CREATE INDEX redactions_item ON redactions(item_id);
"#,
    // 3: real material: videos, damaged files, where a capture time came from, and the
    // capture time as wall-clock time in the library's home time zone (for the timeline).
    r#"
ALTER TABLE items ADD COLUMN media TEXT NOT NULL DEFAULT 'photo' CHECK (media IN ('photo','video'));
ALTER TABLE items ADD COLUMN duration_s REAL;
ALTER TABLE items ADD COLUMN incomplete INTEGER NOT NULL DEFAULT 0;
ALTER TABLE items ADD COLUMN capture_source TEXT CHECK (capture_source IN ('exif','xmp','container'));
UPDATE items SET capture_source = 'exif' WHERE capture_local IS NOT NULL;
-- The capture time as wall-clock time in the home zone, when its offset is known and a home
-- zone is set; the timeline orders by it, else by the time as stated.
ALTER TABLE items ADD COLUMN capture_home TEXT;
DROP INDEX items_sort;
ALTER TABLE items DROP COLUMN sort_key;
ALTER TABLE items ADD COLUMN sort_key TEXT
    GENERATED ALWAYS AS (coalesce(event_sort, capture_home, capture_local)) VIRTUAL;
CREATE INDEX items_sort ON items(sort_key);
CREATE TABLE settings (
    key         TEXT PRIMARY KEY,
    value       TEXT NOT NULL
) STRICT;
"#,
    // 4: full-text search over each item's text folded to Latin skeletons (`text::skeleton`),
    // one row per item (rowid = item id), written by the same transactions that change items
    // (see `catalog::search`). Derived data: `kadr reindex` drops and rebuilds it, and it is
    // filled on first open, when `search_state` does not name the current skeleton version.
    r#"
CREATE VIRTUAL TABLE search_index USING fts5(
    caption, people, places, keywords, files, notes, sources,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '1 2 3'
);
CREATE TABLE search_state (
    key         TEXT PRIMARY KEY,
    value       TEXT NOT NULL
) STRICT;
"#,
    // 5: a place's size: its radius in metres (NULL: 2 km), for the map and `place-mismatch`.
    r#"
ALTER TABLE places ADD COLUMN radius_m REAL CHECK (radius_m IS NULL OR radius_m > 0);
"#,
    // 6: verification aids: each item's perceptual hash (`verify::perceptual_hash` of its
    // upright thumbnail; the 64 bits stored as a signed integer) for near-duplicates. NULL:
    // not computed (imported before this migration, or nothing decoded); `kadr rehash-similar`
    // computes the missing ones from the stored thumbnails.
    r#"
ALTER TABLE items ADD COLUMN phash INTEGER;
"#,
    // 7: where each described value came from (`catalog::provenance`): `embedded` (the file's
    // IPTC or XMP), `sidecar` (a `.xmp` beside it), `typed` (a person), `bag` (an evidence bag).
    r#"
CREATE TABLE item_provenance (
    item_id     INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    field       TEXT NOT NULL,
    source      TEXT NOT NULL CHECK (source IN ('embedded','sidecar','typed','bag')),
    PRIMARY KEY (item_id, field)
) STRICT;
"#,
    // 8: who made the photo and its copyright notice, as files say them (IPTC By-line and
    // CopyrightNotice, XMP dc:creator and dc:rights); their sources are in `item_provenance`.
    r#"
ALTER TABLE items ADD COLUMN creator TEXT;
ALTER TABLE items ADD COLUMN copyright TEXT;
"#,
];

#[cfg(test)]
mod tests {
    use super::MIGRATIONS;
    use sha2::{Digest, Sha256};

    /// SHA-256 of each shipped migration. Append a line when a migration ships; never edit one.
    const SHIPPED: &[&str] = &[
        "56426847985e2ec97984fa14f4f4b417db169271bce30e2f43e28bd7390375fe",
        "76787a581b5df253fa6f96f8c9a4fb88e945ee1e1bbab8b72875b646161fe366",
        "f75ab8b8cc297b8fd3fe31f2421b87cb0c3a0f12a83db600f9123c4b0b34288a",
        "55dbc668583df2366c3c17c5b2fd2f8bcc34a77dd4419b24cbdff0b36e70234b",
        "ec1fab2b305ab594124e9529a8106bc29ffb8335ffb9bc5e8349ef7b4efb39ec",
        "90fd6882b95196d2babc4c101d15be9b1d96739d1e2af22568df738733345c69",
        "ccb8b474027fddecfbad1979a0285bfede1d9f22c4f64e688f309909000daa22",
        "fd42849cf12badb39382a3c9a80bb36c793faca0c108c93b871ecb20854d6653",
    ];

    #[test]
    fn shipped_migrations_are_unchanged() {
        for (i, (sql, want)) in MIGRATIONS.iter().zip(SHIPPED).enumerate() {
            let got = hex(&Sha256::digest(sql.as_bytes()));
            assert_eq!(
                &got,
                want,
                "migration {} changed after it shipped; add a new one instead",
                i + 1
            );
        }
        assert!(
            SHIPPED.len() >= MIGRATIONS.len() - 1,
            "pin every migration but the newest in SHIPPED"
        );
    }

    fn hex(b: &[u8]) -> String {
        b.iter().map(|x| format!("{x:02x}")).collect()
    }
}
