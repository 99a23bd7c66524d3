//! A folder of tiles as `{z}/{x}/{y}.png` (or `.jpg`, `.jpeg`, `.webp`), XYZ rows, as tile
//! download tools and `gdal2tiles --xyz` write them. The zoom range is the numbered
//! subfolders that exist; the name is the folder's.

use super::{Kind, MAX_ZOOM, TileInfo};
use crate::error::{Error, Result};
use std::path::{Path, PathBuf};

const EXTENSIONS: [&str; 4] = ["png", "jpg", "jpeg", "webp"];

/// A tile larger than this is refused rather than read (no real 256/512 px tile comes near).
pub(super) const MAX_TILE_BYTES: u64 = 16 << 20;

pub(super) struct Folder {
    root: PathBuf,
}

impl Folder {
    pub(super) fn open(root: &Path) -> Result<(Folder, TileInfo)> {
        let entries =
            std::fs::read_dir(root).map_err(|e| Error::file(crate::error::io_reason(&e), root))?;
        let mut zooms: Vec<u8> = entries
            .flatten()
            .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
            .filter_map(|e| e.file_name().to_str()?.parse::<u8>().ok())
            .filter(|z| *z <= MAX_ZOOM)
            .collect();
        zooms.sort_unstable();
        let (Some(&min_zoom), Some(&max_zoom)) = (zooms.first(), zooms.last()) else {
            return Err(Error::file(
                "no tiles here: a tile folder holds numbered zoom folders ({z}/{x}/{y}.png)",
                root,
            ));
        };
        let info = TileInfo {
            kind: Kind::Folder,
            name: super::file_name(root),
            attribution: None,
            min_zoom,
            max_zoom,
            bounds: None,
        };
        Ok((
            Folder {
                root: root.to_path_buf(),
            },
            info,
        ))
    }

    pub(super) fn get(&self, z: u8, x: u32, y: u32) -> Result<Option<Vec<u8>>> {
        let dir = self.root.join(z.to_string()).join(x.to_string());
        for ext in EXTENSIONS {
            let path = dir.join(format!("{y}.{ext}"));
            match std::fs::metadata(&path) {
                Ok(m) if m.is_file() => {
                    if m.len() > MAX_TILE_BYTES {
                        return Err(Error::file("the tile is too large to be a map tile", &path));
                    }
                    return std::fs::read(&path)
                        .map(Some)
                        .map_err(|e| Error::file(crate::error::io_reason(&e), &path));
                }
                Ok(_) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(Error::file(crate::error::io_reason(&e), &path)),
            }
        }
        Ok(None)
    }
}
