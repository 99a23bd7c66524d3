//! `kadr settings`: the library's home time zone, camera clock tolerance and map tiles set and
//! shown, with whether HEIC/AVIF previews are available on this machine. Not responsible for
//! where the settings are stored (`catalog/settings.rs`).

use super::*;

/// `kadr settings`: sets what was given, then prints every setting.
pub(super) fn settings(
    lib: &Library,
    actor: &str,
    home_zone: Option<String>,
    clock_tolerance: Option<f64>,
    tiles: Option<String>,
    json: bool,
) -> Result<i32> {
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
                println!("map tiles: {path} (cannot be read: {e}; the built-in map is used)")
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
