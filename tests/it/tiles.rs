//! Offline map tiles: an MBTiles file, a PMTiles v3 archive (directories plain and gzipped) and
//! a z/x/y folder, each made here, read tile by tile; the library's setting through
//! `kadr settings --tiles`, logged in the history; and the app's map drawing the tiles.

use crate::app::{harness, wait};
use crate::fixtures::{self, Exif, Jpeg};
use crate::util::Lib;
use kadr::tiles::pmtiles::{self, Compression, Entry, Header};
use kadr::tiles::{Kind, TileSource};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The tiles every fixture holds, XYZ, each a PNG of its own colour.
const TILES: [(u8, u32, u32); 6] = [
    (0, 0, 0),
    (1, 0, 0),
    (1, 1, 0),
    (1, 0, 1),
    (2, 2, 1),
    (2, 3, 3),
];

fn color(z: u8, x: u32, y: u32) -> [u8; 3] {
    [40 + z * 70, 30 + x as u8 * 60, 20 + y as u8 * 70]
}

fn png(z: u8, x: u32, y: u32) -> Vec<u8> {
    let img = image::RgbImage::from_pixel(256, 256, image::Rgb(color(z, x, y)));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// The colour of a tile as read back.
fn decoded(bytes: &[u8]) -> [u8; 3] {
    let img = image::load_from_memory(bytes).unwrap().to_rgb8();
    assert_eq!(img.dimensions(), (256, 256));
    img.get_pixel(100, 100).0
}

fn mbtiles(dir: &Path) -> PathBuf {
    let path = dir.join("almaty.mbtiles");
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(
        "CREATE TABLE metadata (name TEXT, value TEXT);
         CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER,
                             tile_data BLOB);
         CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row);",
    )
    .unwrap();
    for (k, v) in [
        ("name", "Almaty streets"),
        ("format", "png"),
        ("minzoom", "0"),
        ("maxzoom", "2"),
        ("bounds", "76.8,43.1,77.1,43.4"),
        ("attribution", "© OpenStreetMap contributors"),
    ] {
        conn.execute("INSERT INTO metadata VALUES (?1, ?2)", (k, v))
            .unwrap();
    }
    for (z, x, y) in TILES {
        // MBTiles rows count from the south (TMS).
        let row = (1u32 << z) - 1 - y;
        conn.execute(
            "INSERT INTO tiles VALUES (?1, ?2, ?3, ?4)",
            (z, x, row, png(z, x, y)),
        )
        .unwrap();
    }
    path
}

fn gzip(b: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    e.write_all(b).unwrap();
    e.finish().unwrap()
}

/// A PMTiles v3 archive: header, root directory, metadata, tile data (no leaves).
fn pmtiles_file(dir: &Path, internal: Compression) -> PathBuf {
    let pack = |b: Vec<u8>| {
        if internal == Compression::Gzip {
            gzip(&b)
        } else {
            b
        }
    };
    let mut tiles: Vec<(u64, Vec<u8>)> = TILES
        .iter()
        .map(|&(z, x, y)| (pmtiles::tile_id(z, x, y), png(z, x, y)))
        .collect();
    tiles.sort_by_key(|t| t.0);
    let (mut entries, mut data) = (Vec::new(), Vec::new());
    for (id, bytes) in &tiles {
        entries.push(Entry {
            tile_id: *id,
            offset: data.len() as u64,
            length: bytes.len() as u32,
            run_length: 1,
        });
        data.extend_from_slice(bytes);
    }
    let root = pack(pmtiles::write_directory(&entries));
    let meta = pack(br#"{"name":"Almaty PMTiles","attribution":"Test data"}"#.to_vec());
    let root_offset = pmtiles::HEADER_LEN as u64;
    let h = Header {
        root_offset,
        root_length: root.len() as u64,
        metadata_offset: root_offset + root.len() as u64,
        metadata_length: meta.len() as u64,
        leaf_offset: root_offset + (root.len() + meta.len()) as u64,
        leaf_length: 0,
        data_offset: root_offset + (root.len() + meta.len()) as u64,
        data_length: data.len() as u64,
        internal_compression: internal.to_byte(),
        tile_compression: Compression::None.to_byte(),
        tile_type: 2,
        min_zoom: 0,
        max_zoom: 2,
        bounds_e7: [768_000_000, 431_000_000, 771_000_000, 434_000_000],
    };
    let mut out = h.to_bytes();
    out.extend_from_slice(&root);
    out.extend_from_slice(&meta);
    out.extend_from_slice(&data);
    let path = dir.join(format!("almaty-{internal:?}.pmtiles"));
    std::fs::write(&path, out).unwrap();
    path
}

/// A folder of `{z}/{x}/{y}.png` tiles.
fn folder(dir: &Path) -> PathBuf {
    let root = dir.join("tiles");
    for (z, x, y) in TILES {
        let d = root.join(z.to_string()).join(x.to_string());
        std::fs::create_dir_all(&d).unwrap();
        std::fs::write(d.join(format!("{y}.png")), png(z, x, y)).unwrap();
    }
    root
}

fn check(src: &TileSource) {
    assert_eq!(src.zoom_range(), (0, 2));
    for (z, x, y) in TILES {
        let bytes = src
            .get(z, x, y)
            .unwrap()
            .unwrap_or_else(|| panic!("{z}/{x}/{y} missing"));
        assert_eq!(decoded(&bytes), color(z, x, y), "{z}/{x}/{y}");
    }
    // Absent tiles, including the TMS mirror images of present ones, are None.
    for (z, x, y) in [(1, 1, 1), (2, 2, 2), (2, 3, 0), (3, 0, 0)] {
        assert_eq!(src.get(z, x, y).unwrap(), None, "{z}/{x}/{y}");
    }
}

#[test]
fn mbtiles_pmtiles_and_folders_serve_the_right_tiles() {
    let dir = tempfile::tempdir().unwrap();

    let src = TileSource::open(&mbtiles(dir.path())).unwrap();
    assert_eq!(src.info().kind, Kind::MbTiles);
    assert_eq!(src.info().name, "Almaty streets");
    assert_eq!(
        src.info().attribution.as_deref(),
        Some("© OpenStreetMap contributors")
    );
    assert_eq!(src.info().bounds, Some([76.8, 43.1, 77.1, 43.4]));
    check(&src);

    for internal in [Compression::None, Compression::Gzip] {
        let src = TileSource::open(&pmtiles_file(dir.path(), internal)).unwrap();
        assert_eq!(src.info().kind, Kind::PmTiles);
        assert_eq!(src.info().name, "Almaty PMTiles");
        let b = src.info().bounds.unwrap();
        assert!(
            (b[0] - 76.8).abs() < 1e-9 && (b[3] - 43.4).abs() < 1e-9,
            "{b:?}"
        );
        check(&src);
    }

    let src = TileSource::open(&folder(dir.path())).unwrap();
    assert_eq!(src.info().kind, Kind::Folder);
    assert_eq!(src.info().name, "tiles");
    check(&src);
}

#[test]
fn an_mbtiles_file_is_opened_read_only() {
    let dir = tempfile::tempdir().unwrap();
    let path = mbtiles(dir.path());
    let mut perms = std::fs::metadata(&path).unwrap().permissions();
    perms.set_readonly(true);
    std::fs::set_permissions(&path, perms).unwrap();
    let before = std::fs::read(&path).unwrap();
    let src = TileSource::open(&path).unwrap();
    check(&src);
    drop(src);
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "the file was changed"
    );
    let strays: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .filter(|n| {
            n.to_string_lossy().contains("-journal") || n.to_string_lossy().contains("-wal")
        })
        .collect();
    assert!(strays.is_empty(), "{strays:?}");
    // A vector MBTiles file is refused with the reason.
    let vector = dir.path().join("vector.mbtiles");
    let conn = rusqlite::Connection::open(&vector).unwrap();
    conn.execute_batch(
        "CREATE TABLE metadata (name TEXT, value TEXT);
         CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER,
                             tile_data BLOB);
         INSERT INTO metadata VALUES ('format', 'pbf');",
    )
    .unwrap();
    drop(conn);
    let err = TileSource::open(&vector).err().unwrap().to_string();
    assert!(err.contains("vector tiles"), "{err}");
    // A file cut short, or one whose header says SQLite and the rest is noise: an error.
    let whole = std::fs::read(&path).unwrap();
    for (name, bytes) in [
        ("cut.mbtiles", whole[..whole.len() / 3].to_vec()),
        ("noise.mbtiles", {
            let mut b = whole[..100].to_vec();
            b.extend((0..4000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8));
            b
        }),
    ] {
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        if let Ok(src) = TileSource::open(&p) {
            for (z, x, y) in TILES {
                let _ = src.get(z, x, y);
            }
        }
    }
}

#[test]
fn the_tile_source_is_a_library_setting_logged_in_the_history() {
    let lib = Lib::new();
    let dir = tempfile::tempdir().unwrap();
    let tiles = folder(dir.path());
    let r = lib.run(&["settings", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let j = r.json();
    assert!(j["tile_source"].is_null());
    assert!(j["tile_source_error"].is_null());
    // The other settings keep their keys.
    assert!(j.get("home_zone").is_some() && j.get("clock_tolerance_h").is_some());

    let r = lib.run(&["settings", "--tiles", tiles.to_str().unwrap(), "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let j = r.json();
    let stored = std::fs::canonicalize(&tiles).unwrap();
    assert_eq!(j["tile_source"], stored.to_str().unwrap());
    assert_eq!(j["tile_source_info"]["kind"], "folder");
    assert_eq!(j["tile_source_info"]["min_zoom"], 0);
    assert_eq!(j["tile_source_info"]["max_zoom"], 2);
    assert!(j["tile_source_error"].is_null());
    let r = lib.run(&["settings"]);
    assert!(r.stdout.contains("map tiles: "), "{}", r.stdout);
    assert!(r.stdout.contains("zoom 0–2"), "{}", r.stdout);

    // A source that goes away is reported, not fatal.
    std::fs::rename(&tiles, dir.path().join("unplugged")).unwrap();
    let r = lib.run(&["settings", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let j = r.json();
    assert!(j["tile_source_info"].is_null());
    assert!(
        j["tile_source_error"]
            .as_str()
            .unwrap()
            .contains("no such file"),
        "{j}"
    );

    // "" clears it; each change is one history entry.
    let r = lib.run(&["settings", "--tiles", "", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.json()["tile_source"].is_null());
    let history = lib.run(&["history", "--json"]).json();
    let changes: Vec<&serde_json::Value> = history
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["details"].get("tile_source").is_some())
        .collect();
    assert_eq!(changes.len(), 2, "{changes:#?}");
    assert_eq!(changes[0]["action"], "settings");
    assert_eq!(
        changes[0]["details"]["tile_source"]["to"],
        stored.to_str().unwrap()
    );
    assert!(changes[1]["details"]["tile_source"]["to"].is_null());
    assert_eq!(lib.run(&["audit", "verify"]).code, 0);
}

#[test]
fn the_map_draws_the_tiles_of_the_view() {
    let lib = Lib::new();
    let exif = Exif {
        gps: Some((43.2385, 76.9455, 800.0)),
        ..Default::default()
    };
    lib.write(
        "square.jpg",
        &fixtures::jpeg(32, 32, 1, Jpeg::Baseline, Some(&exif)),
    );
    let (run, _) = lib.import(&[&lib.src()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let dir = tempfile::tempdir().unwrap();
    let tiles = pmtiles_file(dir.path(), Compression::Gzip);
    let r = lib.run(&["settings", "--tiles", tiles.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);

    let mut h = harness(&lib);
    wait(&mut h, "the catalogue", |h| {
        h.state().as_ref().is_some_and(|a| a.item_count() == 1)
    });
    assert_eq!(h.state().as_ref().unwrap().map_tiles_loaded(), 0);
    h.key_press(egui::Key::M);
    // The view fits Almaty, far deeper than the archive's level 2: its tile 2/2/1, drawn
    // larger, is read and decoded by the loader and held as a texture.
    wait(&mut h, "the tiles", |h| {
        h.state().as_ref().unwrap().map_tiles_loaded() >= 1
    });
    h.run_steps(5);
    // Only that tile: nothing else of the archive is in view.
    assert_eq!(h.state().as_ref().unwrap().map_tiles_loaded(), 1);
    use egui_kittest::kittest::Queryable;
    h.get_by_label_contains("Map area");
}

#[test]
fn the_tiles_are_chosen_in_settings_and_none_goes_back_to_the_built_in_map() {
    use egui_kittest::kittest::Queryable;
    let lib = Lib::new();
    lib.write(
        "square.jpg",
        &fixtures::jpeg(32, 32, 1, Jpeg::Baseline, None),
    );
    let (run, _) = lib.import(&[&lib.src()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let dir = tempfile::tempdir().unwrap();
    let tiles = folder(dir.path());
    let stored = || lib.run(&["settings", "--json"]).json()["tile_source"].clone();

    let mut h = harness(&lib);
    wait(&mut h, "the catalogue", |h| {
        h.state().as_ref().is_some_and(|a| a.is_loaded())
    });
    h.get_by_label("Settings").click();
    h.run_steps(2);
    h.get_by_label_contains("none: the built-in map only");
    h.get_by_label("Offline map tiles").click();
    h.run_steps(2);
    h.get_by_label("Offline map tiles")
        .type_text(tiles.to_str().unwrap());
    h.run_steps(1);
    h.key_press(egui::Key::Enter);
    // The worker stores it (and logs it); the reload brings it back and the layer opens it.
    wait(&mut h, "the folder to open", |h| {
        h.query_by_label_contains("zoom 0–2").is_some()
    });
    let want = std::fs::canonicalize(&tiles).unwrap();
    assert_eq!(stored(), want.to_str().unwrap());

    // A path that is not there: the reason, and the built-in map.
    std::fs::rename(&tiles, dir.path().join("elsewhere")).unwrap();
    h.get_by_label("Offline map tiles").click();
    h.run_steps(2);
    h.get_by_label("Offline map tiles").type_text("2");
    h.run_steps(1);
    h.key_press(egui::Key::Enter);
    wait(&mut h, "the reason", |h| {
        h.query_by_label_contains("cannot be read").is_some()
    });
    h.query_by_label_contains("no such file").unwrap();

    h.get_by_label("None").click();
    wait(&mut h, "the setting to clear", |h| {
        h.query_by_label_contains("none: the built-in map only")
            .is_some()
    });
    assert!(stored().is_null());
    let history = lib.run(&["history", "--json"]).json();
    let changes = history
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["details"].get("tile_source").is_some())
        .count();
    assert_eq!(changes, 3);
}
