//! Architecture invariants that a test can keep: the core knows nothing about egui, the app
//! knows nothing about SQL, and all SQL lives in `src/catalog/`.

use std::path::{Path, PathBuf};

fn sources(dir: &Path) -> Vec<(PathBuf, String)> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "rs"))
        .map(|e| {
            // Code only: comment lines say what a module is not responsible for.
            let text = std::fs::read_to_string(e.path()).unwrap();
            let code: Vec<&str> = text
                .lines()
                .filter(|l| !l.trim_start().starts_with("//"))
                .collect();
            (e.path().to_path_buf(), code.join("\n"))
        })
        .collect()
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src")
}

#[test]
fn the_core_knows_nothing_about_egui() {
    let app = root().join("app");
    for (path, code) in sources(&root()) {
        if path.starts_with(&app) || path.ends_with("lib.rs") {
            continue;
        }
        for word in ["egui", "eframe", "rfd::"] {
            assert!(
                !code.contains(word),
                "{} mentions {word}: the core must not depend on the GUI",
                path.display()
            );
        }
    }
}

#[test]
fn the_app_knows_nothing_about_sql_and_sql_lives_in_the_catalogue() {
    let (catalog, app) = (root().join("catalog"), root().join("app"));
    for (path, code) in sources(&root()) {
        if path.starts_with(&catalog) {
            continue;
        }
        if path.starts_with(&app) {
            assert!(
                !code.contains("rusqlite"),
                "{} uses rusqlite: the app talks to the catalogue through the worker",
                path.display()
            );
        }
        for word in [
            "SELECT ",
            "INSERT INTO",
            "DELETE FROM",
            "UPDATE items",
            "CREATE TABLE",
        ] {
            assert!(
                !code.contains(word),
                "{} contains {word:?}: SQL belongs in src/catalog/",
                path.display()
            );
        }
    }
}
