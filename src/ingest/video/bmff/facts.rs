//! What an ISO media file's boxes come to: the video track chosen, the duration, the displayed
//! size and rotation, the creation time, the location and the device, each from the first
//! source that gives it. Not responsible for walking boxes or reading their bodies (`bmff.rs`,
//! `bodies.rs`).

use super::*;

impl<R: Read + Seek> Bmff<'_, R> {
    /// From what was found to the facts.
    pub(super) fn finish(&mut self) {
        let f = &mut self.f;
        if !self.moov {
            f.incomplete = true;
            if self.mdat {
                warn(
                    f,
                    "the file has media data but no movie header (moov): the recording was probably cut off",
                );
            } else {
                warn(f, "the file has no movie header (moov)");
            }
        }

        // The video track: the first with a 'vide' handler; failing that, the first with a
        // size and no handler at all.
        let video = self
            .tracks
            .iter()
            .find(|t| t.handler == Some(*b"vide"))
            .or_else(|| {
                self.tracks.iter().find(|t| {
                    t.handler.is_none() && t.size.is_some_and(|(w, h)| w >= 1.0 && h >= 1.0)
                })
            });
        if self.moov && video.is_none() {
            warn(f, "no video track was found");
        }
        if let Some(t) = video {
            match &t.rotation {
                Some(Ok(r)) => f.rotation = *r,
                Some(Err(why)) => warn(f, why.clone()),
                None => {}
            }
            let size = t
                .size
                .map(|(w, h)| (w.round(), h.round()))
                .filter(|&(w, h)| w >= 1.0 && h >= 1.0 && w <= 1e6 && h <= 1e6)
                .map(|(w, h)| (w as u32, h as u32))
                .or(t.coded);
            if let Some((w, h)) = size {
                let (w, h) = if f.rotation % 180 == 90 {
                    (h, w)
                } else {
                    (w, h)
                };
                f.width = Some(w);
                f.height = Some(h);
            } else {
                warn(f, "the video track does not state its size");
            }
        }

        // Duration: the movie header's, the fragment header's, or the video track's.
        let movie = self.mvhd.as_ref().and_then(|m| {
            let d = (!m.unknown_duration && m.duration > 0)
                .then(|| seconds(m.duration, m.timescale as u64))
                .flatten()
                .or_else(|| {
                    self.mehd
                        .filter(|&d| d > 0)
                        .and_then(|d| seconds(d, m.timescale as u64))
                });
            if m.timescale == 0 {
                warn(f, "the movie header's timescale is zero");
            }
            d
        });
        f.duration_s = movie.or_else(|| video.and_then(|t| t.media_duration));
        if f.duration_s.is_none() && self.moov {
            warn(f, "the file does not state its duration");
        }

        // Creation time: Apple's local time with offset, then a ©day with an offset, then the
        // movie header's UTC, then a ©day with no offset.
        let c = &self.cands;
        let mut stated = None;
        if let Some(s) = &c.apple_date {
            match parse_iso_datetime(s) {
                Some(d) => stated = Some(d),
                None => warn(
                    f,
                    format!("the Apple creation date {} could not be read", quoted(s)),
                ),
            }
        }
        let day = c.udta_day.as_ref().or(c.ilst_day.as_ref());
        let day_parsed = day.and_then(|s| {
            let p = parse_iso_datetime(s);
            // iTunes-style ©day is often just a year: not a date and time, and not an error.
            if p.is_none() && !(s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit())) {
                warn(f, format!("the ©day date {} could not be read", quoted(s)));
            }
            p
        });
        if stated.is_none() {
            stated = day_parsed.filter(|d| d.1.is_some());
        }
        if stated.is_none()
            && let Some(m) = &self.mvhd
            && m.creation != 0
        {
            match from_epoch_secs(1904, m.creation) {
                Some(t) => {
                    if t.and_utc().timestamp() < 0 {
                        warn(
                            f,
                            "the movie header's creation time is before 1970; the writer may have counted from another epoch",
                        );
                    }
                    stated = Some((t, Some(utc())));
                }
                None => warn(f, "the movie header's creation time is out of range"),
            }
        }
        if stated.is_none() {
            stated = day_parsed;
        }
        if let Some((t, off)) = stated {
            f.creation_local = Some(t);
            f.creation_offset = off;
        }

        // Location: Apple's, then udta ©xyz, then ilst ©xyz, then 3GPP loci.
        let mut located = false;
        for (s, name) in [
            (&c.apple_loc, "Apple location"),
            (&c.udta_xyz, "©xyz location"),
            (&c.ilst_xyz, "©xyz location"),
        ] {
            let Some(s) = s else { continue };
            match parse_iso6709(s) {
                Some((lat, lon, alt)) => {
                    f.gps = Some((lat, lon));
                    f.gps_alt = alt;
                    located = true;
                    break;
                }
                None => warn(f, format!("the {name} {} could not be read", quoted(s))),
            }
        }
        if !located && let Some((lat, lon, alt)) = c.loci {
            f.gps = Some((lat, lon));
            f.gps_alt = Some(alt);
        }
        if f.gps == Some((0.0, 0.0)) {
            warn(
                f,
                "the location is 0, 0, which devices often write when they had no fix",
            );
        }

        f.make = c
            .apple_make
            .clone()
            .or_else(|| c.udta_make.clone())
            .or_else(|| c.ilst_make.clone());
        f.model = c
            .apple_model
            .clone()
            .or_else(|| c.udta_model.clone())
            .or_else(|| c.ilst_model.clone());
    }
}
