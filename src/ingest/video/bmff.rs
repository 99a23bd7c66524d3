//! ISO base media (MP4, MOV, M4V, 3GP): boxes walked by their headers; mvhd, tkhd, mdhd,
//! Apple's keys and ilst, udta, 3GPP loci; ISO 8601 dates and ISO 6709 positions.
//!
//! This file walks the boxes and keeps what they hold; `bmff/bodies.rs` reads the small box
//! bodies, `bmff/iso.rs` the ISO 8601 and ISO 6709 text, and `bmff/facts.rs` turns what was
//! found into the `VideoFacts`.

use super::*;

mod bodies;
mod facts;
mod iso;

pub(super) use bodies::*;
pub(super) use iso::*;

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
}
