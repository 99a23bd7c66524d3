//! A library: one folder holding the catalogue, the originals and derived files.
//!
//! ```text
//! <library>/catalog.sqlite       the catalogue (WAL)
//! <library>/originals/ab/<sha256>.<ext>   originals, read-only
//! <library>/thumbs/ab/<sha256>.jpg        grid thumbnails (derived, rebuildable)
//! <library>/previews/ab/<sha256>.jpg      inspector previews (derived, rebuildable)
//! <library>/tmp/                          temp files of running imports
//! ```

use crate::catalog::Catalog;
use crate::error::{Error, Result, WithPath};
use crate::vault::Vault;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub struct Library {
    root: PathBuf,
}

impl Library {
    /// Opens (creating if needed) the library at `root`, removing temp files that interrupted
    /// imports left behind.
    pub fn open(root: &Path) -> Result<Library> {
        if root.exists() && !root.is_dir() {
            return Err(Error::file("the library must be a folder", root));
        }
        for sub in ["originals", "thumbs", "previews", "tmp"] {
            let dir = root.join(sub);
            std::fs::create_dir_all(&dir).with_path("cannot create library folder", &dir)?;
        }
        let root = root.canonicalize().with_path("cannot open library", root)?;
        let lib = Library { root };
        lib.vault().clean_strays()?;
        lib.catalog()?; // applies migrations once, up front
        Ok(lib)
    }

    /// The platform's data folder for Kadr (e.g. `~/.local/share/kadr` on Linux).
    pub fn default_root() -> Option<PathBuf> {
        directories::ProjectDirs::from("org", "Kadr", "Kadr").map(|d| d.data_dir().to_path_buf())
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn catalog_path(&self) -> PathBuf {
        self.root.join("catalog.sqlite")
    }

    /// A new connection to the catalogue.
    pub fn catalog(&self) -> Result<Catalog> {
        let path = self.catalog_path();
        Catalog::open(&path).map_err(|e| match e {
            Error::Sql(s) => Error::file(format!("cannot open the catalogue ({s})"), &path),
            other => other,
        })
    }

    pub fn vault(&self) -> Vault {
        Vault::new(&self.root)
    }

    pub fn thumb_path(&self, sha256: &str) -> PathBuf {
        self.root
            .join("thumbs")
            .join(&sha256[..2])
            .join(format!("{sha256}.jpg"))
    }

    pub fn preview_path(&self, sha256: &str) -> PathBuf {
        self.root
            .join("previews")
            .join(&sha256[..2])
            .join(format!("{sha256}.jpg"))
    }
}

/// Writes a derived file (thumbnail, preview) by temp file and rename, so a reader never sees
/// half of one. Derived files are rebuildable, so they are not fsynced.
pub fn write_derived(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().expect("derived files live in a folder");
    std::fs::create_dir_all(dir).with_path("cannot create folder", dir)?;
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    std::fs::write(&tmp, bytes).with_path("cannot write", &tmp)?;
    std::fs::rename(&tmp, path).with_path("cannot write", path)?;
    Ok(())
}
