//! The error type of the core: one enum, each variant a sentence a user can read.
//!
//! Errors that concern a file carry its path and print it last. This module is not
//! responsible for reporting: callers decide whether an error is fatal or collected.

use std::path::{Path, PathBuf};

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{message}: {}", path.display())]
    File { message: String, path: PathBuf },
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("catalogue error: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("{0}")]
    Invalid(String),
    #[error("no item matches {0:?}")]
    NoSuchItem(String),
    #[error("{0:?} matches more than one item; give more of the SHA-256")]
    AmbiguousItem(String),
    #[error("the import was cancelled")]
    Cancelled,
}

impl Error {
    pub fn file(message: impl Into<String>, path: impl AsRef<Path>) -> Self {
        Error::File {
            message: message.into(),
            path: path.as_ref().to_path_buf(),
        }
    }

    pub fn invalid(message: impl Into<String>) -> Self {
        Error::Invalid(message.into())
    }
}

/// Adds the path to an I/O error so the message names the file.
pub trait WithPath<T> {
    fn with_path(self, what: &str, path: &Path) -> Result<T>;
}

impl<T> WithPath<T> for std::io::Result<T> {
    fn with_path(self, what: &str, path: &Path) -> Result<T> {
        self.map_err(|e| Error::file(format!("{what}: {}", io_reason(&e)), path))
    }
}

/// A short reason for an I/O error, without the "(os error 2)" noise.
pub fn io_reason(e: &std::io::Error) -> String {
    use std::io::ErrorKind::*;
    match e.kind() {
        NotFound => "no such file or directory".into(),
        PermissionDenied => "permission denied".into(),
        UnexpectedEof => "the file ends early".into(),
        _ => {
            let s = e.to_string();
            match s.find(" (os error") {
                Some(i) => s[..i].to_string(),
                None => s,
            }
        }
    }
}
