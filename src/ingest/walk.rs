//! Turning the paths a user named into the list of files to import, in a stable order.
//!
//! Folders are walked recursively in name order; hidden files and folders are skipped;
//! symbolic links are followed, and a link that loops back is reported, not followed forever.

use std::path::{Path, PathBuf};

pub struct Plan {
    /// Absolute path and size of each file, in import order, each path once.
    pub files: Vec<(PathBuf, u64)>,
    pub failed: Vec<(PathBuf, String)>,
    pub warnings: Vec<(PathBuf, String)>,
}

pub fn plan(paths: &[PathBuf], library_root: &Path) -> Plan {
    let mut plan = Plan {
        files: Vec::new(),
        failed: Vec::new(),
        warnings: Vec::new(),
    };
    let mut seen = std::collections::HashSet::new();
    for given in paths {
        let path = std::path::absolute(given).unwrap_or_else(|_| given.clone());
        let meta = match std::fs::metadata(&path) {
            Ok(m) => m,
            Err(e) => {
                plan.failed
                    .push((given.clone(), crate::error::io_reason(&e)));
                continue;
            }
        };
        if meta.is_file() {
            if seen.insert(path.clone()) {
                plan.files.push((path, meta.len()));
            }
            continue;
        }
        let walker = walkdir::WalkDir::new(&path)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !is_hidden(e.file_name()));
        for entry in walker {
            match entry {
                Ok(e) if e.file_type().is_file() => {
                    if e.path().starts_with(library_root) {
                        continue; // never re-import the library into itself
                    }
                    let size = e.metadata().map(|m| m.len()).unwrap_or(0);
                    if seen.insert(e.path().to_path_buf()) {
                        plan.files.push((e.path().to_path_buf(), size));
                    }
                }
                Ok(_) => {}
                Err(err) => {
                    let at = err
                        .path()
                        .map(Path::to_path_buf)
                        .unwrap_or_else(|| path.clone());
                    if err.loop_ancestor().is_some() {
                        plan.warnings.push((
                            at,
                            "skipped a symbolic link that loops back to a folder above it".into(),
                        ));
                    } else {
                        let reason = err
                            .io_error()
                            .map(crate::error::io_reason)
                            .unwrap_or_else(|| err.to_string());
                        plan.failed.push((at, format!("cannot read ({reason})")));
                    }
                }
            }
        }
    }
    plan
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_string_lossy().starts_with('.')
}
