//! What a file says about its own capture: the camera's (or the recorder's) claims, as read
//! from its metadata. Shared by the import pipeline, which reads them, and the catalogue, which
//! stores them; it knows neither.
//!
//! These are claims, never guesses: a field the file does not state is `None`, and a capture
//! time without a stated offset stays local.

use chrono::{FixedOffset, NaiveDateTime};

/// Where a capture time was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaptureSource {
    /// EXIF DateTimeOriginal (else DateTimeDigitized).
    Exif,
    /// XMP `exif:DateTimeOriginal`, else `xmp:CreateDate`, when EXIF has no capture time.
    Xmp,
    /// A video container's own creation time (or the recorder's metadata in it).
    Container,
}

impl CaptureSource {
    pub fn as_str(self) -> &'static str {
        match self {
            CaptureSource::Exif => "exif",
            CaptureSource::Xmp => "xmp",
            CaptureSource::Container => "container",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ExifFacts {
    pub capture_local: Option<NaiveDateTime>,
    pub capture_offset: Option<FixedOffset>,
    /// Sub-second digits as written (`"123"` is .123 s).
    pub capture_subsec: Option<String>,
    /// Where `capture_local` came from; `None` exactly when it is `None`.
    pub capture_source: Option<CaptureSource>,
    pub gps: Option<(f64, f64)>,
    pub gps_alt: Option<f64>,
    pub make: Option<String>,
    pub model: Option<String>,
    pub serial: Option<String>,
    pub orientation: Option<u16>,
    /// Pixel size the metadata states (used only when the picture itself cannot be decoded).
    pub pixel_size: Option<(u32, u32)>,
}

impl ExifFacts {
    /// Fills every field this one lacks from `other` (a later, lower-priority source). A capture
    /// time is taken whole, with its offset, sub-seconds and source, or not at all.
    pub fn fill_from(&mut self, other: ExifFacts) {
        if self.capture_local.is_none() && other.capture_local.is_some() {
            self.capture_local = other.capture_local;
            self.capture_offset = other.capture_offset;
            self.capture_subsec = other.capture_subsec;
            self.capture_source = other.capture_source;
        }
        if self.gps.is_none() {
            self.gps = other.gps;
            if self.gps_alt.is_none() {
                self.gps_alt = other.gps_alt;
            }
        }
        self.make = self.make.take().or(other.make);
        self.model = self.model.take().or(other.model);
        self.serial = self.serial.take().or(other.serial);
        self.orientation = self.orientation.or(other.orientation);
        self.pixel_size = self.pixel_size.or(other.pixel_size);
    }
}

/// Whether an item is a still picture or a recording.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Media {
    #[default]
    Photo,
    Video,
}

impl Media {
    pub fn as_str(self) -> &'static str {
        match self {
            Media::Photo => "photo",
            Media::Video => "video",
        }
    }
}
