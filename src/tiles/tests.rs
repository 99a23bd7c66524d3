//! Tests of `tiles`: the PMTiles reader against archives built here (root only, with leaf
//! directories, gzip), and damaged input of every kind giving errors, never panics.

use super::pmtiles::{self, Compression, Entry, Header, tile_id};
use super::*;
use std::io::Write;

fn gzip(b: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(b).unwrap();
    e.finish().unwrap()
}

/// A PMTiles archive of `tiles` (bytes per z/x/y). With `leaf`, the root holds one entry
/// pointing to a leaf directory that holds the tiles.
/// Tiles by z/x/y with their bytes.
type Tiles = [((u8, u32, u32), Vec<u8>)];

fn archive(tiles: &Tiles, internal: Compression, leaf: bool) -> Vec<u8> {
    let pack = |b: Vec<u8>| match internal {
        Compression::Gzip => gzip(&b),
        _ => b,
    };
    let mut sorted: Vec<(u64, &Vec<u8>)> = tiles
        .iter()
        .map(|((z, x, y), b)| (tile_id(*z, *x, *y), b))
        .collect();
    sorted.sort_by_key(|t| t.0);
    let mut data = Vec::new();
    let mut entries = Vec::new();
    for (id, b) in sorted {
        entries.push(Entry {
            tile_id: id,
            offset: data.len() as u64,
            length: b.len() as u32,
            run_length: 1,
        });
        data.extend_from_slice(b);
    }
    let (root, leaves) = if leaf {
        let leaves = pack(pmtiles::write_directory(&entries));
        let root = pmtiles::write_directory(&[Entry {
            tile_id: entries[0].tile_id,
            offset: 0,
            length: leaves.len() as u32,
            run_length: 0,
        }]);
        (pack(root), leaves)
    } else {
        (pack(pmtiles::write_directory(&entries)), Vec::new())
    };
    let metadata = pack(br#"{"name":"Test tiles","attribution":"(c) Test"}"#.to_vec());
    let zooms = tiles.iter().map(|t| t.0.0);
    let mut h = Header {
        internal_compression: internal.to_byte(),
        tile_compression: Compression::None.to_byte(),
        tile_type: 2,
        min_zoom: zooms.clone().min().unwrap(),
        max_zoom: zooms.max().unwrap(),
        bounds_e7: [-1_800_000_000, -850_000_000, 1_800_000_000, 850_000_000],
        ..Default::default()
    };
    h.root_offset = pmtiles::HEADER_LEN as u64;
    h.root_length = root.len() as u64;
    h.metadata_offset = h.root_offset + h.root_length;
    h.metadata_length = metadata.len() as u64;
    h.leaf_offset = h.metadata_offset + h.metadata_length;
    h.leaf_length = leaves.len() as u64;
    h.data_offset = h.leaf_offset + h.leaf_length;
    h.data_length = data.len() as u64;
    let mut out = h.to_bytes();
    for part in [root, metadata, leaves, data] {
        out.extend_from_slice(&part);
    }
    out
}

fn sample() -> Vec<((u8, u32, u32), Vec<u8>)> {
    vec![
        ((0, 0, 0), b"zero".to_vec()),
        ((1, 0, 0), b"one-nw".to_vec()),
        ((1, 1, 1), b"one-se".to_vec()),
        ((2, 1, 3), b"two".to_vec()),
        ((5, 22, 11), b"five".to_vec()),
    ]
}

fn write(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let p = dir.path().join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

#[test]
fn tile_ids_follow_the_hilbert_curve_of_each_zoom_level() {
    // Values of the PMTiles reference implementations.
    assert_eq!(tile_id(0, 0, 0), 0);
    assert_eq!(tile_id(1, 0, 0), 1);
    assert_eq!(tile_id(1, 0, 1), 2);
    assert_eq!(tile_id(1, 1, 1), 3);
    assert_eq!(tile_id(1, 1, 0), 4);
    assert_eq!(tile_id(2, 0, 0), 5);
    assert_eq!(tile_id(2, 1, 3), 11);
    assert_eq!(tile_id(3, 3, 0), 26);
    assert_eq!(tile_id(12, 3423, 1763), 19_078_479);
    // Every tile of a level has its own id, and the level's ids follow the last level's.
    let mut ids: Vec<u64> = (0..8)
        .flat_map(|x| (0..8).map(move |y| tile_id(3, x, y)))
        .collect();
    ids.sort();
    assert_eq!(ids, (21..85).collect::<Vec<u64>>());
}

#[test]
fn directories_round_trip_with_consecutive_offsets_left_out() {
    let entries = vec![
        Entry {
            tile_id: 1,
            offset: 0,
            length: 10,
            run_length: 1,
        },
        Entry {
            tile_id: 2,
            offset: 10,
            length: 300,
            run_length: 2,
        },
        // Deduplicated: points back to the first tile's bytes.
        Entry {
            tile_id: 7,
            offset: 0,
            length: 10,
            run_length: 1,
        },
        Entry {
            tile_id: 1 << 40,
            offset: 1 << 33,
            length: 5,
            run_length: 0,
        },
    ];
    let bytes = pmtiles::write_directory(&entries);
    assert_eq!(pmtiles::parse_directory(&bytes).unwrap(), entries);
}

#[test]
fn a_pmtiles_archive_serves_its_tiles_with_and_without_leaves_and_gzip() {
    let dir = tempfile::tempdir().unwrap();
    for internal in [Compression::None, Compression::Gzip] {
        for leaf in [false, true] {
            let path = write(
                &dir,
                &format!("t-{internal:?}-{leaf}.pmtiles"),
                &archive(&sample(), internal, leaf),
            );
            let src = TileSource::open(&path).unwrap();
            assert_eq!(src.info().kind, Kind::PmTiles);
            assert_eq!(src.info().name, "Test tiles");
            assert_eq!(src.info().attribution.as_deref(), Some("(c) Test"));
            assert_eq!(src.zoom_range(), (0, 5));
            for ((z, x, y), want) in sample() {
                assert_eq!(src.get(z, x, y).unwrap(), Some(want), "{z}/{x}/{y}");
            }
            assert_eq!(src.get(1, 1, 0).unwrap(), None);
            assert_eq!(src.get(5, 22, 12).unwrap(), None);
            assert_eq!(src.get(9, 0, 0).unwrap(), None);
            // Outside the level: absent, not an error.
            assert_eq!(src.get(1, 2, 0).unwrap(), None);
        }
    }
}

#[test]
fn a_run_of_equal_tiles_serves_every_id_it_covers() {
    let dir = tempfile::tempdir().unwrap();
    let sea = b"sea".to_vec();
    let mut tiles = sample();
    tiles.retain(|t| t.0.0 != 2);
    // All of zoom 2 is one tile repeated: ids 5..=20.
    let mut bytes = archive(&tiles, Compression::None, false);
    let h = Header::parse(&bytes).unwrap();
    let mut entries =
        pmtiles::parse_directory(&bytes[h.root_offset as usize..][..h.root_length as usize])
            .unwrap();
    entries.push(Entry {
        tile_id: 5,
        offset: h.data_length,
        length: 3,
        run_length: 16,
    });
    entries.sort_by_key(|e| e.tile_id);
    let root = pmtiles::write_directory(&entries);
    // Rebuild around the new root: header, root, then the rest as it was, the run's bytes last.
    let rest = bytes.split_off((h.root_offset + h.root_length) as usize);
    let grow = root.len() as u64 - h.root_length;
    let mut h2 = h.clone();
    h2.root_length = root.len() as u64;
    h2.metadata_offset += grow;
    h2.leaf_offset += grow;
    h2.data_offset += grow;
    h2.data_length += 3;
    let mut out = h2.to_bytes();
    out.extend_from_slice(&root);
    out.extend_from_slice(&rest);
    out.extend_from_slice(&sea);
    let src = TileSource::open(&write(&dir, "run.pmtiles", &out)).unwrap();
    for x in 0..4 {
        for y in 0..4 {
            assert_eq!(src.get(2, x, y).unwrap(), Some(sea.clone()));
        }
    }
    assert_eq!(src.get(5, 22, 11).unwrap(), Some(b"five".to_vec()));
}

#[test]
fn damaged_pmtiles_archives_give_errors_never_panics() {
    let dir = tempfile::tempdir().unwrap();
    for internal in [Compression::None, Compression::Gzip] {
        for leaf in [false, true] {
            let good = archive(&sample(), internal, leaf);
            // Cut short at every length.
            for n in 0..good.len() {
                let path = write(&dir, "cut.pmtiles", &good[..n]);
                if let Ok(src) = TileSource::open(&path) {
                    for ((z, x, y), _) in sample() {
                        let _ = src.get(z, x, y);
                    }
                }
            }
            // Every byte before the tile data garbled in turn, two ways.
            let data_at = Header::parse(&good).unwrap().data_offset as usize;
            for i in 0..data_at {
                for flip in [0x01u8, 0xff] {
                    let mut bad = good.clone();
                    bad[i] ^= flip;
                    let path = write(&dir, "bad.pmtiles", &bad);
                    if let Ok(src) = TileSource::open(&path) {
                        for ((z, x, y), _) in sample() {
                            let _ = src.get(z, x, y);
                        }
                    }
                }
            }
        }
    }
    // Offsets beyond the file are named as such.
    let mut h = Header::parse(&archive(&sample(), Compression::None, false)).unwrap();
    h.data_length = 1 << 40;
    let mut bytes = archive(&sample(), Compression::None, false);
    bytes[..pmtiles::HEADER_LEN].copy_from_slice(&h.to_bytes());
    let err = TileSource::open(&write(&dir, "far.pmtiles", &bytes))
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("beyond the end of the file"), "{err}");
    // Wrong magic and wrong version.
    let err = TileSource::open(&write(&dir, "x.pmtiles", b"PMTilez\x03 and more"))
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("not a PMTiles"), "{err}");
    let mut v2 = archive(&sample(), Compression::None, false);
    v2[7] = 2;
    let err = TileSource::open(&write(&dir, "v2.pmtiles", &v2))
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("version 2"), "{err}");
    // Random-looking garbage in a directory.
    for seed in 0..200u32 {
        let mut x = seed.wrapping_mul(2_654_435_761).wrapping_add(1);
        let bytes: Vec<u8> = (0..(seed % 40))
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                x as u8
            })
            .collect();
        let _ = pmtiles::parse_directory(&bytes);
    }
}

#[test]
fn vector_archives_and_strangers_are_refused_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let mut mvt = archive(&sample(), Compression::None, false);
    mvt[99] = 1;
    let err = TileSource::open(&write(&dir, "v.pmtiles", &mvt))
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("vector tiles"), "{err}");
    let err = TileSource::open(&write(&dir, "notes.txt", b"hello"))
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("not a tile source"), "{err}");
    let err = TileSource::open(&write(&dir, "empty.mbtiles", b""))
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("not an MBTiles file"), "{err}");
    let err = TileSource::open(&dir.path().join("gone.pmtiles"))
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("no such file"), "{err}");
    // An empty folder has no zoom levels.
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let err = TileSource::open(&empty).err().unwrap().to_string();
    assert!(err.contains("no tiles here"), "{err}");
}

#[test]
fn bounds_are_read_only_when_sensible() {
    assert_eq!(
        parse_bounds("76.8, 43.1,77.1,43.4"),
        Some([76.8, 43.1, 77.1, 43.4])
    );
    assert_eq!(parse_bounds("1,2,3"), None);
    assert_eq!(parse_bounds("0,95,1,96"), None);
    assert_eq!(parse_bounds("a,b,c,d"), None);
}
