//! Integration tests: the real `kadr` binary against temporary libraries and generated photos.

mod app;
mod bad_input;
mod crash;
mod demo;
mod fixity;
mod fixtures;
mod import;
mod tagging;
mod util;
