//! Tests of `tiles_layer`: the level and tiles a view needs, and the layer loading a real
//! folder of tiles off the UI thread, falling back while it loads and remembering gaps.

use super::*;

/// A folder of 256 px PNG tiles: every tile of levels 0 and 1, and level 2's 1/1 only (and
/// 2/1/0, which is not a picture).
fn folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("2/1")).unwrap();
    std::fs::write(dir.path().join("2/1/0.png"), b"not a picture").unwrap();
    let mut keys = vec![(0u8, 0u32, 0u32), (2, 1, 1)];
    keys.extend((0..2).flat_map(|x| (0..2).map(move |y| (1, x, y))));
    for (z, x, y) in keys {
        let d = dir.path().join(format!("{z}/{x}"));
        std::fs::create_dir_all(&d).unwrap();
        let color = image::Rgb([z * 80, x as u8 * 120, y as u8 * 120]);
        image::RgbImage::from_pixel(256, 256, color)
            .save(d.join(format!("{y}.png")))
            .unwrap();
    }
    dir
}

/// One frame: drain, then paint the view of the whole world `px` points across.
fn frame(ctx: &egui::Context, layer: &mut TileLayer, px: f64) {
    let input = egui::RawInput {
        screen_rect: Some(Rect::from_min_size(Pos2::ZERO, egui::vec2(800.0, 600.0))),
        ..Default::default()
    };
    let mut out = ctx.run_ui(input, |ui| {
        layer.drain();
        let rect = Rect::from_min_size(Pos2::ZERO, egui::vec2(800.0, 600.0));
        layer.paint(ui.painter(), rect, [0.5, 0.5], px);
    });
    // No renderer here: the uploads are not applied anywhere.
    out.textures_delta.clear();
}

fn until(ctx: &egui::Context, layer: &mut TileLayer, px: f64, done: impl Fn(&TileLayer) -> bool) {
    let start = std::time::Instant::now();
    while !done(layer) {
        frame(ctx, layer, px);
        assert!(start.elapsed().as_secs() < 20, "the tiles never came");
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}

#[test]
fn the_level_follows_the_scale_within_the_sources_range() {
    assert_eq!(level(256.0, 0, 18), 0);
    assert_eq!(level(1024.0, 0, 18), 2);
    assert_eq!(level(1400.0, 0, 18), 2);
    assert_eq!(level(1500.0, 0, 18), 3);
    // Past the deepest level: that level, drawn larger.
    assert_eq!(level(256.0 * 2f64.powi(12), 0, 6), 6);
    // Shallower than the source: its first level.
    assert_eq!(level(256.0, 3, 6), 3);
    assert_eq!(level(f64::NAN, 3, 6), 3);
}

#[test]
fn the_view_asks_for_the_tiles_it_covers_and_no_more() {
    let rect = Rect::from_min_size(Pos2::ZERO, egui::vec2(800.0, 600.0));
    // The world 512 points across in an 800×600 view: all four tiles of level 1.
    let mut t = visible(rect, [0.5, 0.5], 512.0, 1).unwrap();
    t.sort();
    assert_eq!(t, [(1, 0, 0), (1, 0, 1), (1, 1, 0), (1, 1, 1)]);
    // Zoomed in on the north-west quarter's centre at level 4: a 4×3 block or so, inside it.
    let t = visible(rect, [0.25, 0.25], 256.0 * 16.0, 4).unwrap();
    assert!(!t.is_empty() && t.len() <= 20, "{t:?}");
    assert!(t.iter().all(|&(z, x, y)| z == 4 && x < 8 && y < 8), "{t:?}");
    // Far too many (level 12 tiles on a world-wide view): none.
    assert!(visible(rect, [0.5, 0.5], 512.0, 12).is_none());
    // Looking beyond the world's edge: nothing.
    assert_eq!(visible(rect, [3.0, 0.5], 512.0, 1), Some(Vec::new()));
}

#[test]
fn the_layer_loads_the_views_tiles_off_the_ui_thread_and_remembers_gaps() {
    let dir = folder();
    let ctx = egui::Context::default();
    let mut layer = TileLayer::new(&ctx);
    assert!(matches!(layer.status(), Status::Off));
    layer.set_source(Some(dir.path().to_str().unwrap()));
    until(&ctx, &mut layer, 512.0, |l| {
        !matches!(l.status(), Status::Opening)
    });
    let Status::Ready(info) = layer.status() else {
        panic!("the folder did not open");
    };
    assert_eq!((info.min_zoom, info.max_zoom), (0, 2));
    // A view of the world 512 points across wants level 1: its four tiles arrive.
    until(&ctx, &mut layer, 512.0, |l| {
        [(1, 0, 0), (1, 0, 1), (1, 1, 0), (1, 1, 1)]
            .iter()
            .all(|&k| l.is_loaded(k))
    });
    let tex = ctx
        .tex_manager()
        .read()
        .allocated()
        .filter(|(_, m)| m.name.starts_with("tile:1/"))
        .map(|(_, m)| m.size)
        .collect::<Vec<_>>();
    assert_eq!(tex, [[256, 256]; 4]);
    // Level 2 has only 1/1: the rest are remembered as missing, and asked for no more.
    until(&ctx, &mut layer, 1024.0, |l| l.is_loaded((2, 1, 1)));
    until(&ctx, &mut layer, 1024.0, |l| {
        matches!(l.slots.get(&(2, 0, 0)), Some(Slot::Missing))
    });
    // A tile that does not decode is a gap too, and the layer goes on.
    until(&ctx, &mut layer, 1024.0, |l| {
        matches!(l.slots.get(&(2, 1, 0)), Some(Slot::Missing))
    });
    frame(&ctx, &mut layer, 1024.0);
    let queue = layer.loader.as_ref().unwrap().shared.queue.lock().unwrap();
    assert!(
        !queue.wanted.contains(&(2, 0, 0)),
        "a missing tile is asked for again"
    );
    drop(queue);
    assert_eq!(layer.loaded_count(), 5);

    // Choosing none ends the loader and drops the tiles; a path that is not there says why.
    layer.set_source(None);
    assert!(matches!(layer.status(), Status::Off));
    assert_eq!(layer.loaded_count(), 0);
    let gone = dir.path().join("nowhere.pmtiles");
    layer.set_source(Some(gone.to_str().unwrap()));
    until(&ctx, &mut layer, 512.0, |l| {
        !matches!(l.status(), Status::Opening)
    });
    match layer.status() {
        Status::Failed(why) => assert!(why.contains("no such file"), "{why}"),
        _ => panic!("a missing source opened"),
    }
}

#[test]
fn where_a_sparse_set_lacks_a_tile_its_nearest_ancestor_is_asked_for() {
    // Level 0 and one tile of level 3 only.
    let dir = tempfile::tempdir().unwrap();
    for (z, x, y) in [(0u8, 0u32, 0u32), (3, 4, 4)] {
        let d = dir.path().join(format!("{z}/{x}"));
        std::fs::create_dir_all(&d).unwrap();
        image::RgbImage::from_pixel(256, 256, image::Rgb([200, 100, 50]))
            .save(d.join(format!("{y}.png")))
            .unwrap();
    }
    let ctx = egui::Context::default();
    let mut layer = TileLayer::new(&ctx);
    layer.set_source(Some(dir.path().to_str().unwrap()));
    // A view at level 3 (the world 2048 points across): the level-3 tile arrives, and the
    // missing ones around it fall back, through missing levels 2 and 1, to level 0.
    until(&ctx, &mut layer, 2048.0, |l| {
        l.is_loaded((3, 4, 4)) && l.is_loaded((0, 0, 0))
    });
    assert!(matches!(layer.slots.get(&(1, 0, 0)), Some(Slot::Missing)));
    assert_eq!(layer.loaded_count(), 2);
}

#[test]
fn attributions_given_as_html_read_as_text() {
    assert_eq!(
        strip_tags("<a href=\"https://openstreetmap.org\">&copy; OpenStreetMap</a> contributors"),
        "© OpenStreetMap contributors"
    );
}
