//! A temporary library and a way to run the real `kadr` binary against it.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub struct Lib {
    pub dir: tempfile::TempDir,
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}\nstderr: {}", self.stdout, self.stderr))
    }
}

impl Lib {
    pub fn new() -> Lib {
        Lib {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn root(&self) -> PathBuf {
        self.dir.path().join("library")
    }

    /// A folder for source photos, outside the library.
    pub fn src(&self) -> PathBuf {
        let p = self.dir.path().join("photos");
        std::fs::create_dir_all(&p).unwrap();
        p
    }

    pub fn write(&self, rel: &str, bytes: &[u8]) -> PathBuf {
        let p = self.src().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, bytes).unwrap();
        p
    }

    pub fn command(&self) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_kadr"));
        c.arg("--library")
            .arg(self.root())
            .env("KADR_USER", "tester")
            .env_remove("KADR_LIBRARY");
        c
    }

    pub fn run(&self, args: &[&str]) -> Run {
        let out: Output = self.command().args(args).output().unwrap();
        let run = Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into(),
            stderr: String::from_utf8_lossy(&out.stderr).into(),
        };
        if std::env::var_os("KADR_TEST_VERBOSE").is_some() {
            eprintln!("$ kadr {}\n{}{}", args.join(" "), run.stdout, run.stderr);
        }
        run
    }

    pub fn import(&self, paths: &[&Path]) -> (Run, Value) {
        let mut args = vec!["import".to_string(), "--json".to_string()];
        args.extend(paths.iter().map(|p| p.to_string_lossy().to_string()));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let run = self.run(&args);
        let json = run.json();
        (run, json)
    }

    pub fn show(&self, item: &str) -> Value {
        let run = self.run(&["show", "--json", item]);
        assert_eq!(run.code, 0, "show {item}: {}", run.stderr);
        run.json()
    }

    pub fn list(&self, args: &[&str]) -> Vec<Value> {
        let mut all = vec!["list", "--json"];
        all.extend(args);
        let run = self.run(&all);
        assert_eq!(run.code, 0, "list {args:?}: {}", run.stderr);
        run.json().as_array().unwrap().clone()
    }

    /// Files under `sub` of the library, relative, sorted: what was on disk, for failure messages.
    pub fn files(&self, sub: &str) -> Vec<String> {
        let base = self.root().join(sub);
        let mut v: Vec<String> = walkdir::WalkDir::new(&base)
            .into_iter()
            .flatten()
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                e.path()
                    .strip_prefix(&base)
                    .unwrap()
                    .to_string_lossy()
                    .to_string()
            })
            .collect();
        v.sort();
        v
    }
}

/// The imported entry for a source file name, from an `import --json` report.
pub fn imported<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["imported"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["original_name"] == name)
        .unwrap_or_else(|| panic!("{name} not imported: {report:#}"))
}

pub fn failure<'a>(report: &'a Value, name: &str) -> &'a str {
    report["failed"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"].as_str().unwrap().ends_with(name))
        .unwrap_or_else(|| panic!("{name} not in failed: {report:#}"))["error"]
        .as_str()
        .unwrap()
}
