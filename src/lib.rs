//! Kadr: an offline catalogue of photo evidence.
//!
//! The core (everything but `app`) knows nothing about egui; the desktop shell in `app`
//! knows nothing about SQL. See ARCHITECTURE.md.

pub mod app;
pub mod basemap;
pub mod catalog;
pub mod cli;
pub mod dates;
pub mod demo;
pub mod error;
pub mod export;
pub mod facts;
pub mod fixity;
pub mod geo;
pub mod i18n;
pub mod ids;
pub mod ingest;
pub mod library;
pub mod text;
pub mod tiles;
pub mod vault;
pub mod verify;
pub mod view;

pub use error::{Error, Result};
pub use library::Library;
