//! Integration tests: the real `kadr` binary against temporary libraries and generated photos.

mod app;
mod bad_input;
mod bag_import;
mod boundaries;
mod checks;
mod crash;
mod custody;
mod dates;
mod demo;
mod entities;
mod entities_app;
mod every_change;
mod export;
mod fixity;
mod fixtures;
mod i18n;
mod import;
mod map;
mod metadata_in;
mod publish;
mod realworld;
mod search;
mod tagging;
mod util;
mod verify_aids;
mod xmp;
