//! ISO base media (MP4, MOV, M4V, 3GP): boxes walked by their headers; mvhd, tkhd, mdhd,
//! Apple's keys and ilst, udta, 3GPP loci; ISO 8601 dates and ISO 6709 positions.

use super::*;

#[derive(Default)]
pub(super) struct Track {
    handler: Option<[u8; 4]>,
    /// tkhd width and height, 16.16 fixed point read as f64.
    size: Option<(f64, f64)>,
    /// The rotation, or why the matrix is not a plain rotation.
    rotation: Option<Result<u16, String>>,
    /// The visual sample entry's coded size (a fallback for a zero tkhd size).
    coded: Option<(u32, u32)>,
    /// mdhd duration in seconds.
    media_duration: Option<f64>,
}

pub(super) struct Mvhd {
    creation: u64,
    timescale: u32,
    duration: u64,
    unknown_duration: bool,
}

/// Values found in the metadata, first one of each kind kept.
#[derive(Default)]
pub(super) struct Cands {
    apple_date: Option<String>,
    apple_loc: Option<String>,
    apple_make: Option<String>,
    apple_model: Option<String>,
    udta_day: Option<String>,
    udta_xyz: Option<String>,
    udta_make: Option<String>,
    udta_model: Option<String>,
    ilst_day: Option<String>,
    ilst_xyz: Option<String>,
    ilst_make: Option<String>,
    ilst_model: Option<String>,
    loci: Option<(f64, f64, f64)>,
}

/// The `meta` box being read: its handler, its keys and its items (by type or key index).
#[derive(Default)]
pub(super) struct MetaBox {
    handler: Option<[u8; 4]>,
    keys: Vec<String>,
    items: Vec<([u8; 4], Result<String, String>)>,
    item: Option<[u8; 4]>,
}

pub(super) type Visit<S> = fn(&mut S, &BoxHdr, u32) -> io::Result<()>;

pub(super) struct Bmff<'a, R> {
    src: Src<'a, R>,
    f: VideoFacts,
    nodes: u32,
    stopped: bool,
    major: Option<[u8; 4]>,
    moov: bool,
    mdat: bool,
    mvhd: Option<Mvhd>,
    mehd: Option<u64>,
    tracks: Vec<Track>,
    /// The `trak` being read, an index into `tracks`.
    track: Option<usize>,
    meta: Option<MetaBox>,
    cands: Cands,
}

impl<'a, R: Read + Seek> Bmff<'a, R> {
    pub(super) fn new(src: Src<'a, R>, f: VideoFacts) -> Self {
        Bmff {
            src,
            f,
            nodes: 0,
            stopped: false,
            major: None,
            moov: false,
            mdat: false,
            mvhd: None,
            mehd: None,
            tracks: Vec::new(),
            track: None,
            meta: None,
            cands: Cands::default(),
        }
    }

    pub(super) fn run(mut self) -> Result<VideoFacts, String> {
        let len = self.src.len;
        if len < 8 {
            return Err("not a readable video: too short for an ISO media file".into());
        }
        if let Err(e) = self.children(0, len, 0, Self::visit_top) {
            if self.nodes == 0 {
                return Err(format!("not a readable video: {e}"));
            }
            warn(&mut self.f, format!("reading stopped at an error: {e}"));
        }
        if self.nodes == 0 {
            return Err("not a readable video: no ISO media box at the start".into());
        }
        if let Some(b) = self.major {
            match brand_kind(&b, "") {
                Brand::Photo => {
                    return Err(format!(
                        "not a video: an image file (brand {})",
                        quoted(&fourcc(b))
                    ));
                }
                Brand::Audio => {
                    return Err(format!(
                        "not a video: an audio file (brand {})",
                        quoted(&fourcc(b))
                    ));
                }
                _ => {}
            }
        }
        if self.major.is_none() && !self.moov && !self.mdat {
            return Err("not a readable video: no ftyp, moov or mdat box".into());
        }
        self.finish();
        Ok(self.f)
    }

    /// Walks the boxes in `start..end`, calling `visit` for each.
    pub(super) fn children(
        &mut self,
        start: u64,
        end: u64,
        depth: u32,
        visit: Visit<Self>,
    ) -> io::Result<()> {
        if depth > MAX_DEPTH {
            warn(
                &mut self.f,
                "boxes nest too deeply; the deepest were skipped",
            );
            return Ok(());
        }
        let top = depth == 0;
        let mut pos = start;
        while !self.stopped {
            match box_header(&mut self.src, pos, end)? {
                Hdr::End => break,
                Hdr::Short { left, cut } => {
                    // Inside a box a few bytes are padding (QuickTime ends udta with 4 zeros);
                    // at the top, unless they are zeros, a box header cut off.
                    let padding =
                        !cut && (!top || self.src.read(pos, left, 16)?.iter().all(|&c| c == 0));
                    if !padding {
                        self.f.incomplete = true;
                        warn(&mut self.f, "the file ends inside a box header");
                    }
                    break;
                }
                Hdr::Bad(why) => {
                    if !(top && self.nodes == 0) {
                        warn(
                            &mut self.f,
                            format!("{why} (at byte {pos}); the rest of it was skipped"),
                        );
                    }
                    break;
                }
                Hdr::Box(b) => {
                    self.nodes += 1;
                    if self.nodes > MAX_NODES {
                        warn(
                            &mut self.f,
                            "too many boxes; the rest of the file was not read",
                        );
                        self.stopped = true;
                        break;
                    }
                    if b.claimed_end > self.src.len {
                        self.f.incomplete = true;
                        warn(
                            &mut self.f,
                            format!(
                                "the '{}' box runs {} bytes past the end of the file",
                                fourcc(b.typ),
                                b.claimed_end - self.src.len
                            ),
                        );
                    } else if b.claimed_end > end {
                        warn(
                            &mut self.f,
                            format!(
                                "the '{}' box runs past the end of its parent",
                                fourcc(b.typ)
                            ),
                        );
                    }
                    visit(self, &b, depth)?;
                    pos = b.end;
                }
            }
        }
        Ok(())
    }

    pub(super) fn leaf(&mut self, b: &BoxHdr, cap: u64) -> io::Result<Vec<u8>> {
        self.src.read(b.body, b.end - b.body, cap)
    }

    pub(super) fn visit_top(&mut self, b: &BoxHdr, depth: u32) -> io::Result<()> {
        match &b.typ {
            b"ftyp" if self.major.is_none() => {
                let body = self.leaf(b, 64)?;
                self.major = body.get(0..4).and_then(|s| s.try_into().ok());
            }
            b"moov" if self.moov => warn(&mut self.f, "a second 'moov' box was ignored"),
            b"moov" => {
                self.moov = true;
                self.children(b.body, b.end, depth + 1, Self::visit_moov)?;
            }
            b"mdat" => self.mdat = true,
            b"meta" => self.meta_box(b, depth)?,
            _ => {}
        }
        Ok(())
    }

    pub(super) fn visit_moov(&mut self, b: &BoxHdr, depth: u32) -> io::Result<()> {
        match &b.typ {
            b"mvhd" if self.mvhd.is_none() => {
                let body = self.leaf(b, LEAF_CAP)?;
                self.mvhd = parse_mvhd(&body);
                if self.mvhd.is_none() {
                    warn(&mut self.f, "the movie header (mvhd) is too short to read");
                }
            }
            b"trak" if self.tracks.len() < MAX_TRACKS => {
                self.tracks.push(Track::default());
                self.track = Some(self.tracks.len() - 1);
                self.children(b.body, b.end, depth + 1, Self::visit_trak)?;
                self.track = None;
            }
            b"udta" => self.children(b.body, b.end, depth + 1, Self::visit_udta)?,
            b"meta" => self.meta_box(b, depth)?,
            b"mvex" => self.children(b.body, b.end, depth + 1, Self::visit_mvex)?,
            _ => {}
        }
        Ok(())
    }

    pub(super) fn visit_mvex(&mut self, b: &BoxHdr, _depth: u32) -> io::Result<()> {
        if &b.typ == b"mehd" {
            let body = self.leaf(b, 64)?;
            self.mehd = match body.first() {
                Some(1) => be64(&body, 4),
                Some(_) => be32(&body, 4).map(u64::from),
                None => None,
            };
        }
        Ok(())
    }

    pub(super) fn current_track(&mut self) -> Option<&mut Track> {
        self.track.and_then(|i| self.tracks.get_mut(i))
    }

    pub(super) fn visit_trak(&mut self, b: &BoxHdr, depth: u32) -> io::Result<()> {
        match &b.typ {
            b"tkhd" => {
                let body = self.leaf(b, LEAF_CAP)?;
                match parse_tkhd(&body) {
                    Some((size, rotation)) => {
                        if let Some(t) = self.current_track() {
                            t.size = Some(size);
                            t.rotation = Some(rotation);
                        }
                    }
                    None => warn(&mut self.f, "a track header (tkhd) is too short to read"),
                }
            }
            b"mdia" => self.children(b.body, b.end, depth + 1, Self::visit_mdia)?,
            _ => {}
        }
        Ok(())
    }

    pub(super) fn visit_mdia(&mut self, b: &BoxHdr, depth: u32) -> io::Result<()> {
        match &b.typ {
            b"mdhd" => {
                let body = self.leaf(b, LEAF_CAP)?;
                let d = parse_mdhd(&body);
                if let Some(t) = self.current_track() {
                    t.media_duration = d;
                }
            }
            b"hdlr" => {
                let body = self.leaf(b, 64)?;
                let h = body.get(8..12).and_then(|s| s.try_into().ok());
                if let Some(t) = self.current_track()
                    && t.handler.is_none()
                {
                    t.handler = h;
                }
            }
            b"minf" | b"stbl" => self.children(b.body, b.end, depth + 1, Self::visit_mdia)?,
            b"stsd" => {
                let body = self.leaf(b, 256)?;
                // Full box, entry count, then the first sample entry: size, format, 6 reserved,
                // data reference index, then a VisualSampleEntry's 16 bytes before its size.
                let coded = match (be16(&body, 40), be16(&body, 42)) {
                    (Some(w), Some(h)) if w > 0 && h > 0 => Some((w as u32, h as u32)),
                    _ => None,
                };
                if let Some(t) = self.current_track() {
                    t.coded = coded;
                }
            }
            _ => {}
        }
        Ok(())
    }

    pub(super) fn visit_udta(&mut self, b: &BoxHdr, depth: u32) -> io::Result<()> {
        let slot = match &b.typ {
            b"\xA9xyz" => 0,
            b"\xA9mak" => 1,
            b"\xA9mod" => 2,
            b"\xA9day" => 3,
            b"loci" => {
                let body = self.leaf(b, LEAF_CAP)?;
                if self.cands.loci.is_none() {
                    self.cands.loci = parse_loci(&body);
                    if self.cands.loci.is_none() {
                        warn(&mut self.f, "the 3GPP location (loci) could not be read");
                    }
                }
                return Ok(());
            }
            b"meta" => return self.meta_box(b, depth),
            _ => return Ok(()),
        };
        let body = self.leaf(b, LEAF_CAP)?;
        let Some(text) = udta_text(&body) else {
            return Ok(());
        };
        let c = &mut self.cands;
        let place = [
            &mut c.udta_xyz,
            &mut c.udta_make,
            &mut c.udta_model,
            &mut c.udta_day,
        ];
        if let Some(p) = place.into_iter().nth(slot)
            && p.is_none()
        {
            *p = Some(text);
        }
        Ok(())
    }

    /// A `meta` box: QuickTime's (children straight away) or ISO's (a full box: 4 bytes of
    /// version and flags first). Its items are resolved through its own handler and keys.
    pub(super) fn meta_box(&mut self, b: &BoxHdr, depth: u32) -> io::Result<()> {
        if self.meta.is_some() {
            return Ok(());
        }
        let first = self.src.read(b.body, b.end - b.body, 4)?;
        let start = if be32(&first, 0) == Some(0) {
            b.body + 4
        } else {
            b.body
        };
        self.meta = Some(MetaBox::default());
        let walked = self.children(start, b.end, depth + 1, Self::visit_meta);
        let meta = self.meta.take().unwrap_or_default();
        walked?;
        self.resolve_meta(meta);
        Ok(())
    }

    pub(super) fn visit_meta(&mut self, b: &BoxHdr, depth: u32) -> io::Result<()> {
        match &b.typ {
            b"hdlr" => {
                let body = self.leaf(b, 64)?;
                let h = body.get(8..12).and_then(|s| s.try_into().ok());
                if let Some(m) = &mut self.meta {
                    m.handler = m.handler.or(h);
                }
            }
            b"keys" => {
                if b.end - b.body > META_CAP {
                    warn(
                        &mut self.f,
                        "the metadata keys box is too large; it was skipped",
                    );
                    return Ok(());
                }
                let body = self.leaf(b, META_CAP)?;
                if let Some(m) = &mut self.meta {
                    m.keys = parse_keys(&body);
                }
            }
            b"ilst" => self.children(b.body, b.end, depth + 1, Self::visit_ilst)?,
            _ => {}
        }
        Ok(())
    }

    pub(super) fn visit_ilst(&mut self, b: &BoxHdr, depth: u32) -> io::Result<()> {
        if self
            .meta
            .as_ref()
            .is_some_and(|m| m.items.len() < MAX_ITEMS)
        {
            if let Some(m) = &mut self.meta {
                m.item = Some(b.typ);
            }
            self.children(b.body, b.end, depth + 1, Self::visit_item)?;
            if let Some(m) = &mut self.meta {
                m.item = None;
            }
        }
        Ok(())
    }

    pub(super) fn visit_item(&mut self, b: &BoxHdr, _depth: u32) -> io::Result<()> {
        if &b.typ != b"data" {
            return Ok(());
        }
        let Some(item) = self.meta.as_ref().and_then(|m| m.item) else {
            return Ok(());
        };
        let value = if b.end - b.body > LEAF_CAP {
            Err("too long".to_string())
        } else {
            let body = self.leaf(b, LEAF_CAP)?;
            data_text(&body)
        };
        if let Some(m) = &mut self.meta {
            m.items.push((item, value));
            m.item = None; // the first data box of an item is its value
        }
        Ok(())
    }

    pub(super) fn resolve_meta(&mut self, meta: MetaBox) {
        let mdta = meta.handler == Some(*b"mdta");
        for (typ, value) in meta.items {
            let c = &mut self.cands;
            let (slot, name) = if mdta {
                let idx = u32::from_be_bytes(typ) as usize;
                let Some(key) = idx.checked_sub(1).and_then(|i| meta.keys.get(i)) else {
                    continue;
                };
                match key.as_str() {
                    "com.apple.quicktime.creationdate" => {
                        (&mut c.apple_date, "Apple creation date")
                    }
                    "com.apple.quicktime.location.ISO6709" => (&mut c.apple_loc, "Apple location"),
                    "com.apple.quicktime.make" => (&mut c.apple_make, "Apple make"),
                    "com.apple.quicktime.model" => (&mut c.apple_model, "Apple model"),
                    _ => continue,
                }
            } else {
                match &typ {
                    b"\xA9day" => (&mut c.ilst_day, "©day"),
                    b"\xA9xyz" => (&mut c.ilst_xyz, "©xyz"),
                    b"\xA9mak" => (&mut c.ilst_make, "©mak"),
                    b"\xA9mod" => (&mut c.ilst_model, "©mod"),
                    _ => continue,
                }
            };
            if slot.is_some() {
                continue;
            }
            match value {
                Ok(text) => *slot = clean_text(&text),
                Err(why) => warn(&mut self.f, format!("the {name} could not be read ({why})")),
            }
        }
    }

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

pub(super) fn parse_mvhd(b: &[u8]) -> Option<Mvhd> {
    if *b.first()? == 1 {
        let duration = be64(b, 24)?;
        Some(Mvhd {
            creation: be64(b, 4)?,
            timescale: be32(b, 20)?,
            duration,
            unknown_duration: duration == u64::MAX,
        })
    } else {
        let duration = be32(b, 16)?;
        Some(Mvhd {
            creation: be32(b, 4)? as u64,
            timescale: be32(b, 12)?,
            duration: duration as u64,
            unknown_duration: duration == u32::MAX,
        })
    }
}

/// The media duration in seconds from an mdhd body.
pub(super) fn parse_mdhd(b: &[u8]) -> Option<f64> {
    let (scale, dur) = if *b.first()? == 1 {
        (be32(b, 20)?, be64(b, 24)?)
    } else {
        let d = be32(b, 16)?;
        (
            be32(b, 12)?,
            if d == u32::MAX { u64::MAX } else { d as u64 },
        )
    };
    if dur == u64::MAX || dur == 0 {
        return None;
    }
    seconds(dur, scale as u64)
}

/// The size (16.16 fixed point) and the rotation of a tkhd body.
pub(super) type TkhdFacts = ((f64, f64), Result<u16, String>);

pub(super) fn parse_tkhd(b: &[u8]) -> Option<TkhdFacts> {
    let m = if *b.first()? == 1 { 52 } else { 40 };
    let w = be32(b, m + 36)? as f64 / 65536.0;
    let h = be32(b, m + 40)? as f64 / 65536.0;
    let at = |i: usize| be32(b, m + 4 * i).map(|v| v as i32);
    let (a, bb, c, d) = (at(0)?, at(1)?, at(3)?, at(4)?);
    Some(((w, h), matrix_rotation(a, bb, c, d)))
}

/// Degrees clockwise of the display matrix [a b; c d] (as ExifTool reads it), or why it is not
/// a plain rotation.
pub(super) fn matrix_rotation(a: i32, b: i32, c: i32, d: i32) -> Result<u16, String> {
    let sign = |v: i32| v.signum();
    match (sign(a), sign(b), sign(c), sign(d)) {
        (1, 0, 0, 1) => Ok(0),
        (0, 1, -1, 0) => Ok(90),
        (-1, 0, 0, -1) => Ok(180),
        (0, -1, 1, 0) => Ok(270),
        _ => Err(format!(
            "the video track's matrix ({a} {b} {c} {d}) is not a plain rotation; no rotation applied"
        )),
    }
}

/// A 3GPP `loci` body: latitude, longitude, altitude.
pub(super) fn parse_loci(b: &[u8]) -> Option<(f64, f64, f64)> {
    // Full box (4), language (2), a NUL-terminated name, role (1), then longitude, latitude
    // and altitude, each 16.16 fixed point.
    let name_end = 6 + b.get(6..)?.iter().position(|&c| c == 0)?;
    let at = name_end + 2;
    let fixed = |i: usize| be32(b, at + 4 * i).map(|v| v as i32 as f64 / 65536.0);
    let (lon, lat, alt) = (fixed(0)?, fixed(1)?, fixed(2)?);
    ((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon)).then_some((lat, lon, alt))
}

/// A `keys` body: the key names, in order.
pub(super) fn parse_keys(b: &[u8]) -> Vec<String> {
    let mut keys = Vec::new();
    let count = be32(b, 4).unwrap_or(0) as usize;
    let mut pos = 8usize;
    for _ in 0..count.min(MAX_KEYS) {
        let Some(size) = be32(b, pos).map(|n| n as usize) else {
            break;
        };
        let Some(name) = size
            .checked_sub(8)
            .and_then(|n| b.get(pos + 8..pos + 8 + n))
        else {
            break;
        };
        keys.push(String::from_utf8_lossy(name).into_owned());
        pos += size;
    }
    keys
}

/// The text of a `data` box body (type, locale, value).
pub(super) fn data_text(b: &[u8]) -> Result<String, String> {
    let typ = be32(b, 0).ok_or("a data box too short")? & 0x00FF_FFFF;
    let value = b.get(8..).ok_or("a data box too short")?;
    match typ {
        // UTF-8 (1, 4), or implicit (0) where it is UTF-8.
        0 | 1 | 4 => String::from_utf8(value.to_vec()).map_err(|_| "not UTF-8 text".into()),
        2 | 5 => utf16be(value).ok_or_else(|| "not UTF-16 text".into()),
        other => Err(format!("not text but data of type {other}")),
    }
}

pub(super) fn utf16be(b: &[u8]) -> Option<String> {
    let units: Vec<u16> = b
        .chunks_exact(2)
        .map(|p| u16::from_be_bytes([p[0], p[1]]))
        .collect();
    String::from_utf16(&units).ok()
}

/// A QuickTime user-data text atom (16-bit length, 16-bit language, text), or one holding an
/// iTunes-style `data` box.
pub(super) fn udta_text(b: &[u8]) -> Option<String> {
    if b.get(4..8) == Some(b"data") {
        let end = (be32(b, 0)? as usize).min(b.len());
        return data_text(b.get(8..end)?).ok().and_then(|s| clean_text(&s));
    }
    let n = be16(b, 0)? as usize;
    let text = b.get(4..)?;
    let text = &text[..n.min(text.len())];
    clean_text(&String::from_utf8_lossy(text))
}

pub(super) fn from_epoch_secs(year: i32, secs: u64) -> Option<NaiveDateTime> {
    let base = NaiveDate::from_ymd_opt(year, 1, 1)?.and_hms_opt(0, 0, 0)?;
    base.checked_add_signed(TimeDelta::try_seconds(i64::try_from(secs).ok()?)?)
}

/// "2022-01-04T19:32:10+0600" and its kin: a date, a time (with optional fraction) and an
/// optional offset (Z, ±HH:MM, ±HHMM, ±HH). Also "2022:01:04 19:32:10".
pub(crate) fn parse_iso_datetime(s: &str) -> Option<(NaiveDateTime, Option<FixedOffset>)> {
    let s = s.trim_matches(|c: char| c == '\0' || c.is_whitespace());
    let b = s.as_bytes();
    if b.len() < 19 || !s.is_ascii() {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let p = b.get(r)?;
        p.iter()
            .all(u8::is_ascii_digit)
            .then(|| p.iter().fold(0u32, |n, &c| n * 10 + (c - b'0') as u32))
    };
    let sep_ok = matches!((b[4], b[7]), (b'-', b'-') | (b':', b':'))
        && matches!(b[10], b'T' | b't' | b' ')
        && b[13] == b':'
        && b[16] == b':';
    if !sep_ok {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(num(0..4)? as i32, num(5..7)?, num(8..10)?)?;
    let mut rest = &s[19..];
    let mut nanos = 0u32;
    if let Some(frac) = rest.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        let kept = &frac[..digits.min(9)];
        nanos = kept.parse::<u32>().ok()? * 10u32.pow(9 - kept.len() as u32);
        rest = &frac[digits..];
    }
    let time = date.and_hms_nano_opt(num(11..13)?, num(14..16)?, num(17..19)?, nanos)?;
    let offset = match rest {
        "" => None,
        "Z" | "z" => Some(utc()),
        _ => {
            let sign = match rest.as_bytes()[0] {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let digits: String = rest[1..].chars().filter(|&c| c != ':').collect();
            if !digits.bytes().all(|c| c.is_ascii_digit()) || rest[1..].matches(':').count() > 1 {
                return None;
            }
            let (h, m) = match digits.len() {
                2 => (digits.parse::<i32>().ok()?, 0),
                4 => (
                    digits[..2].parse::<i32>().ok()?,
                    digits[2..].parse::<i32>().ok()?,
                ),
                _ => return None,
            };
            if m >= 60 {
                return None;
            }
            Some(FixedOffset::east_opt(sign * (h * 3600 + m * 60))?)
        }
    };
    Some((time, offset))
}

/// ISO 6709 as QuickTime and Android write it: "+43.2380+076.9450+0850.000/" (latitude,
/// longitude, optional altitude in metres). Degrees may also be given as DDMM.mmm or DDMMSS.ss
/// (DDDMM.mmm, DDDMMSS.ss for longitude). Out-of-range values are rejected.
pub(crate) fn parse_iso6709(s: &str) -> Option<(f64, f64, Option<f64>)> {
    let s = s.trim_matches(|c: char| c == '\0' || c.is_whitespace());
    let s = s.strip_suffix('/').unwrap_or(s);
    let s = s.find("CRS").map_or(s, |i| &s[..i]);
    if !s.is_ascii() {
        return None;
    }
    let b = s.as_bytes();
    let mut parts: Vec<&str> = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if parts.len() == 3 || !matches!(b[i], b'+' | b'-') {
            return None;
        }
        let mut j = i + 1;
        while j < b.len() && (b[j].is_ascii_digit() || b[j] == b'.') {
            j += 1;
        }
        parts.push(&s[i..j]);
        i = j;
    }
    if parts.len() < 2 {
        return None;
    }
    let lat = angle(parts[0], 2)?;
    let lon = angle(parts[1], 3)?;
    if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
        return None;
    }
    let alt = match parts.get(2) {
        Some(p) => Some(signed_decimal(p)?),
        None => None,
    };
    Some((lat, lon, alt))
}

/// "+12.5" → 12.5, "-003" → -3.0; digits only, one optional point.
pub(super) fn signed_decimal(p: &str) -> Option<f64> {
    let (sign, body) = match p.as_bytes().first()? {
        b'+' => (1.0, &p[1..]),
        b'-' => (-1.0, &p[1..]),
        _ => return None,
    };
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    if int.is_empty() || !int.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    if !frac.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let v: f64 = body.trim_end_matches('.').parse().ok()?;
    v.is_finite().then_some(sign * v)
}

/// One ISO 6709 angle whose whole degrees take `deg` digits (2 for latitude, 3 for longitude).
pub(super) fn angle(p: &str, deg: usize) -> Option<f64> {
    let v = signed_decimal(p)?;
    let sign = v.signum();
    let body = &p[1..];
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    let n = int.len();
    let frac_of = |whole: &str| -> Option<f64> {
        if frac.is_empty() {
            whole.parse().ok()
        } else {
            format!("{whole}.{frac}").parse().ok()
        }
    };
    let value = if n <= 3 {
        v.abs()
    } else if n == deg + 2 {
        let d: f64 = int[..deg].parse().ok()?;
        let m = frac_of(&int[deg..])?;
        if m >= 60.0 {
            return None;
        }
        d + m / 60.0
    } else if n == deg + 4 {
        let d: f64 = int[..deg].parse().ok()?;
        let m: f64 = int[deg..deg + 2].parse().ok()?;
        let sec = frac_of(&int[deg + 2..])?;
        if m >= 60.0 || sec >= 60.0 {
            return None;
        }
        d + m / 60.0 + sec / 3600.0
    } else {
        return None;
    };
    let value = if sign < 0.0 { -value } else { value };
    // -0 stays a plain 0.
    Some(value + 0.0)
}
