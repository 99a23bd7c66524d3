//! Architecture invariants that a test can keep: the core knows nothing about egui or the app,
//! the app knows nothing about SQL, and all SQL lives in `src/catalog/`.
//!
//! Every file under `src/` is read (not only `.rs` ones); comment lines are left out, since
//! module docs say what a module is *not* responsible for.

use std::path::{Path, PathBuf};

/// Every file under `dir` with its code: comment lines dropped.
fn sources(dir: &Path) -> Vec<(PathBuf, String)> {
    let files: Vec<(PathBuf, String)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let text = std::fs::read_to_string(e.path())
                .unwrap_or_else(|err| panic!("{}: {err}", e.path().display()));
            let code: Vec<&str> = text
                .lines()
                .filter(|l| !l.trim_start().starts_with("//"))
                .collect();
            (e.path().to_path_buf(), code.join("\n"))
        })
        .collect();
    assert!(files.len() > 40, "only {} files under src/", files.len());
    files
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// The code of `lib.rs` and `main.rs` may name the app module (to declare it, to open the
/// window); nothing else outside `src/app/` may.
fn may_name_the_app(path: &Path) -> bool {
    path == root().join("lib.rs") || path == root().join("main.rs")
}

#[test]
fn the_core_knows_nothing_about_egui_or_the_app() {
    let app = root().join("app");
    for (path, code) in sources(&root()) {
        if path.starts_with(&app) {
            continue;
        }
        let lower = code.to_lowercase();
        for word in ["egui", "eframe", "rfd::", "winit", "accesskit"] {
            assert!(
                !lower.contains(word),
                "{} mentions {word}: the core must not depend on the GUI",
                path.display()
            );
        }
        if !may_name_the_app(&path) {
            for word in ["crate::app", "kadr::app", "super::app"] {
                assert!(
                    !code.contains(word),
                    "{} uses {word}: only main.rs opens the window",
                    path.display()
                );
            }
        }
    }
}

/// The SQL statements found in `code`, matched on words case-insensitively: `select … from`,
/// `insert [or …] into`, `delete from`, `update … set`, `create`/`drop` of a table, index,
/// trigger or view, `alter table`, `pragma`, `begin`/`commit` of a transaction.
fn sql_in(code: &str) -> Vec<String> {
    let lower = code.to_lowercase();
    // Words as SQL writes them: apart, maybe in parentheses or at a string's edge. A method
    // call such as `.insert(*into)` stays one token and is not taken for `INSERT INTO`.
    let words: Vec<&str> = lower
        .split(|c: char| c.is_whitespace() || c == '"')
        .map(|w| w.trim_matches(|c: char| !(c.is_alphanumeric() || c == '_')))
        .filter(|w| !w.is_empty())
        .collect();
    let near = |i: usize, n: usize, want: &[&str]| {
        words[i + 1..(i + 1 + n).min(words.len())]
            .iter()
            .any(|w| want.contains(w))
    };
    let objects = ["table", "index", "trigger", "view", "virtual"];
    let mut found = Vec::new();
    for (i, w) in words.iter().enumerate() {
        let next = words.get(i + 1).copied().unwrap_or("");
        let hit = match *w {
            "select" => {
                next == "count"
                    || next == "exists"
                    || next == "distinct"
                    || (near(i, 12, &["from"]) && near(i, 20, &["where", "order", "join", "limit"]))
            }
            "insert" | "replace" => next == "into" || (next == "or" && near(i, 3, &["into"])),
            "delete" => next == "from",
            "update" => near(i, 2, &["set"]),
            "create" => objects.contains(&next) || (next == "unique" && near(i, 2, &["index"])),
            "drop" | "alter" => objects.contains(&next),
            "pragma" => true,
            "begin" => ["immediate", "exclusive", "deferred", "transaction"].contains(&next),
            _ => false,
        };
        if hit {
            let end = (i + 4).min(words.len());
            found.push(words[i..end].join(" "));
        }
    }
    found
}

#[test]
fn the_sql_detector_finds_sql_in_any_case_and_spares_prose() {
    for sql in [
        "SELECT id FROM items WHERE x = 1",
        "select id from items where x = 1",
        "Select Count(*) From items",
        "insert or ignore into t (a) values (?1)",
        "INSERT INTO t VALUES (1)",
        "delete From notes where id = ?1",
        "update items set caption = ?2",
        "Update Items\n SET caption = ?2",
        "create table t (a)",
        "CREATE INDEX i ON t(a)",
        "drop trigger history_no_update",
        "alter table items add column x",
        "pragma user_version",
        "begin immediate",
        "conn.execute(\"INSERT INTO t (a) VALUES (?1)\", [1])",
        "prepare(\"SELECT id FROM items WHERE id IN (SELECT value FROM json_each(?1))\")",
        "r#\"CREATE TABLE t (a)\"#",
    ] {
        assert!(!sql_in(sql).is_empty(), "missed {sql:?}");
    }
    for prose in [
        "Select the photos to import",
        "Update available",
        "Delete the selection? It cannot be undone",
        "Insert a caption",
        "Choose where to export, then select from the list",
        "people.insert(*into); map.insert(k, v).into_iter()",
    ] {
        assert!(sql_in(prose).is_empty(), "took {prose:?} for SQL");
    }
}

#[test]
fn the_app_knows_nothing_about_sql_and_sql_lives_in_the_catalogue() {
    let (catalog, app) = (root().join("catalog"), root().join("app"));
    let mut in_catalog = 0;
    for (path, code) in sources(&root()) {
        if path.starts_with(&catalog) {
            in_catalog += sql_in(&code).len();
            continue;
        }
        if path.starts_with(&app) {
            assert!(
                !code.to_lowercase().contains("rusqlite") && !code.contains("sqlite"),
                "{} uses SQLite: the app talks to the catalogue through the worker",
                path.display()
            );
        }
        let found = sql_in(&code);
        assert!(
            found.is_empty(),
            "{} contains SQL ({found:?}): SQL belongs in src/catalog/",
            path.display()
        );
    }
    // The detector sees the catalogue's own statements, so its silence elsewhere means something.
    assert!(
        in_catalog > 50,
        "only {in_catalog} SQL statements found in src/catalog/"
    );
}
