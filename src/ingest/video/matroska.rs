//! Matroska and WebM: EBML elements walked by their headers (Info, Tracks, the SeekHead).

use super::*;

pub(super) const EBML_HEADER: u32 = 0x1A45_DFA3;
pub(super) const EBML_DOCTYPE: u32 = 0x4282;
pub(super) const SEGMENT: u32 = 0x1853_8067;
pub(super) const SEEK_HEAD: u32 = 0x114D_9B74;
pub(super) const SEEK: u32 = 0x4DBB;
pub(super) const SEEK_ID: u32 = 0x53AB;
pub(super) const SEEK_POSITION: u32 = 0x53AC;
pub(super) const INFO: u32 = 0x1549_A966;
pub(super) const TIMECODE_SCALE: u32 = 0x2A_D7B1;
pub(super) const DURATION: u32 = 0x4489;
pub(super) const DATE_UTC: u32 = 0x4461;
pub(super) const TRACKS: u32 = 0x1654_AE6B;
pub(super) const TRACK_ENTRY: u32 = 0xAE;
pub(super) const TRACK_TYPE: u32 = 0x83;
pub(super) const VIDEO: u32 = 0xE0;
pub(super) const PIXEL_WIDTH: u32 = 0xB0;
pub(super) const PIXEL_HEIGHT: u32 = 0xBA;
pub(super) const DISPLAY_WIDTH: u32 = 0x54B0;
pub(super) const DISPLAY_HEIGHT: u32 = 0x54BA;
pub(super) const DISPLAY_UNIT: u32 = 0x54B2;
pub(super) const PROJECTION: u32 = 0x7670;
pub(super) const PROJECTION_POSE_ROLL: u32 = 0x7675;
pub(super) const CLUSTER: u32 = 0x1F43_B675;

/// An element ID (1 to 4 bytes, marker bit kept) and its length.
pub(super) fn vint_id(b: &[u8]) -> Option<(u32, usize)> {
    let first = *b.first()?;
    let n = first.leading_zeros() as usize + 1;
    if n > 4 {
        return None;
    }
    let bytes = b.get(..n)?;
    Some((bytes.iter().fold(0u32, |v, &c| (v << 8) | c as u32), n))
}

/// An element size (1 to 8 bytes), its length, and whether it is "unknown" (all ones).
pub(super) fn vint_size(b: &[u8]) -> Option<(u64, usize, bool)> {
    let first = *b.first()?;
    let n = first.leading_zeros() as usize + 1;
    if n > 8 {
        return None;
    }
    let bytes = b.get(..n)?;
    let mask = if n == 8 { 0 } else { 0xFFu8 >> n };
    let mut v = (first & mask) as u64;
    for &c in &bytes[1..] {
        v = (v << 8) | c as u64;
    }
    let all_ones = v == (1u64 << (7 * n)) - 1;
    Some((v, n, all_ones))
}

pub(super) struct El {
    id: u32,
    data: u64,
    end: u64,
    claimed_end: u64,
    unknown: bool,
}

pub(super) enum ElHdr {
    El(El),
    End,
    Short,
    Bad(&'static str),
}

pub(super) fn el_header<R: Read + Seek>(src: &mut Src<R>, pos: u64, end: u64) -> io::Result<ElHdr> {
    if pos >= end {
        return Ok(ElHdr::End);
    }
    let h = src.read(pos, end - pos, 12)?;
    // The bytes a vint takes, from its first byte.
    let width = |b: u8| b.leading_zeros() as usize + 1;
    match h.first() {
        None => return Ok(ElHdr::Short),
        Some(&b) if width(b) > 4 => return Ok(ElHdr::Bad("an element ID that cannot be")),
        Some(_) => {}
    }
    let Some((id, idn)) = vint_id(&h) else {
        return Ok(ElHdr::Short);
    };
    match h.get(idn) {
        None => return Ok(ElHdr::Short),
        Some(&b) if width(b) > 8 => return Ok(ElHdr::Bad("an element size that cannot be")),
        Some(_) => {}
    }
    let Some((size, sn, unknown)) = vint_size(&h[idn..]) else {
        return Ok(ElHdr::Short);
    };
    let data = pos + (idn + sn) as u64;
    let claimed_end = if unknown {
        end
    } else {
        data.saturating_add(size)
    };
    Ok(ElHdr::El(El {
        id,
        data,
        end: claimed_end.min(end),
        claimed_end,
        unknown,
    }))
}

/// An element as a warning names it.
pub(super) fn el_name(id: u32) -> String {
    match id {
        SEGMENT => "Segment".into(),
        CLUSTER => "Cluster".into(),
        INFO => "segment Info".into(),
        TRACKS => "Tracks element".into(),
        other => format!("element {other:X}"),
    }
}

#[derive(Default)]
pub(super) struct MkvTrack {
    kind: Option<u64>,
    pixel: (Option<u64>, Option<u64>),
    display: (Option<u64>, Option<u64>),
    display_unit: Option<u64>,
    roll: Option<f64>,
}

pub(super) type ElVisit<S> = fn(&mut S, &El, u32) -> io::Result<bool>;

pub(super) struct Ebml<'a, R> {
    src: Src<'a, R>,
    f: VideoFacts,
    nodes: u32,
    stopped: bool,
    doctype: Option<String>,
    segment_data: Option<u64>,
    seek_info: Option<u64>,
    seek_tracks: Option<u64>,
    seek_id: Option<u32>,
    seek_pos: Option<u64>,
    info: bool,
    tracks_seen: bool,
    timecode_scale: Option<u64>,
    duration: Option<f64>,
    date_utc: Option<i64>,
    tracks: Vec<MkvTrack>,
}

impl<'a, R: Read + Seek> Ebml<'a, R> {
    pub(super) fn new(src: Src<'a, R>, f: VideoFacts) -> Self {
        Ebml {
            src,
            f,
            nodes: 0,
            stopped: false,
            doctype: None,
            segment_data: None,
            seek_info: None,
            seek_tracks: None,
            seek_id: None,
            seek_pos: None,
            info: false,
            tracks_seen: false,
            timecode_scale: None,
            duration: None,
            date_utc: None,
            tracks: Vec::new(),
        }
    }

    pub(super) fn run(mut self) -> Result<VideoFacts, String> {
        let len = self.src.len;
        let first = self
            .src
            .read(0, len, 12)
            .map_err(|e| format!("not a readable video: {e}"))?;
        if !first.starts_with(&[0x1A, 0x45, 0xDF, 0xA3]) {
            return Err("not a readable video: no EBML header".into());
        }
        if let Err(e) = self.children(0, len, 0, Self::visit_top) {
            warn(&mut self.f, format!("reading stopped at an error: {e}"));
        }
        match self.doctype.as_deref() {
            // DocType defaults to "matroska" when the header leaves it out.
            None | Some("matroska") => self.f.container = "mkv",
            Some("webm") => self.f.container = "webm",
            Some(other) => {
                return Err(format!(
                    "not a video: an EBML file of type {}",
                    quoted(other)
                ));
            }
        }
        // Info or Tracks after the clusters: follow the SeekHead to them.
        if let Some(seg) = self.segment_data {
            for (seen, at) in [
                (self.info, self.seek_info),
                (self.tracks_seen, self.seek_tracks),
            ] {
                if let (false, Some(rel)) = (seen, at)
                    && !self.stopped
                {
                    let pos = seg.saturating_add(rel);
                    if let Err(e) = self.children_once(pos, len) {
                        warn(&mut self.f, format!("reading stopped at an error: {e}"));
                    }
                }
            }
        }
        self.finish();
        Ok(self.f)
    }

    /// Reads the one element at `pos` (a target of the SeekHead).
    pub(super) fn children_once(&mut self, pos: u64, end: u64) -> io::Result<()> {
        if let ElHdr::El(e) = el_header(&mut self.src, pos, end)? {
            self.nodes += 1;
            if matches!(e.id, INFO | TRACKS) {
                self.visit_segment(&e, 1)?;
            }
        }
        Ok(())
    }

    pub(super) fn children(
        &mut self,
        start: u64,
        end: u64,
        depth: u32,
        visit: ElVisit<Self>,
    ) -> io::Result<()> {
        if depth > MAX_DEPTH {
            warn(
                &mut self.f,
                "elements nest too deeply; the deepest were skipped",
            );
            return Ok(());
        }
        let mut pos = start;
        while !self.stopped {
            match el_header(&mut self.src, pos, end)? {
                ElHdr::End => break,
                ElHdr::Short => {
                    if end >= self.src.len {
                        self.f.incomplete = true;
                        warn(&mut self.f, "the file ends inside an element header");
                    }
                    break;
                }
                ElHdr::Bad(why) => {
                    warn(
                        &mut self.f,
                        format!("{why} (at byte {pos}); the rest of it was skipped"),
                    );
                    break;
                }
                ElHdr::El(e) => {
                    self.nodes += 1;
                    if self.nodes > MAX_NODES {
                        warn(
                            &mut self.f,
                            "too many elements; the rest of the file was not read",
                        );
                        self.stopped = true;
                        break;
                    }
                    if e.claimed_end > self.src.len {
                        self.f.incomplete = true;
                        warn(
                            &mut self.f,
                            format!(
                                "the {} runs {} bytes past the end of the file",
                                el_name(e.id),
                                e.claimed_end - self.src.len
                            ),
                        );
                    } else if e.claimed_end > end {
                        warn(
                            &mut self.f,
                            format!("the {} runs past the end of its parent", el_name(e.id)),
                        );
                    }
                    if !visit(self, &e, depth)? || e.end <= pos {
                        break;
                    }
                    pos = e.end;
                }
            }
        }
        Ok(())
    }

    pub(super) fn bytes(&mut self, e: &El, cap: u64) -> io::Result<Option<Vec<u8>>> {
        if e.unknown || e.end - e.data > cap {
            return Ok(None);
        }
        Ok(Some(self.src.read(e.data, e.end - e.data, cap)?))
    }

    pub(super) fn uint(&mut self, e: &El) -> io::Result<Option<u64>> {
        Ok(self
            .bytes(e, 8)?
            .map(|b| b.iter().fold(0u64, |v, &c| (v << 8) | c as u64)))
    }

    pub(super) fn float(&mut self, e: &El) -> io::Result<Option<f64>> {
        Ok(self.bytes(e, 8)?.and_then(|b| match b.len() {
            0 => Some(0.0),
            4 => Some(f32::from_be_bytes(b.try_into().ok()?) as f64),
            8 => Some(f64::from_be_bytes(b.try_into().ok()?)),
            _ => None,
        }))
    }

    pub(super) fn visit_top(&mut self, e: &El, depth: u32) -> io::Result<bool> {
        match e.id {
            EBML_HEADER => self.children(e.data, e.end, depth + 1, Self::visit_header)?,
            SEGMENT if self.segment_data.is_none() => {
                self.segment_data = Some(e.data);
                self.children(e.data, e.end, depth + 1, Self::visit_segment)?;
                // One segment is the video; later ones (chained files) are not read.
                return Ok(false);
            }
            _ => {}
        }
        Ok(true)
    }

    pub(super) fn visit_header(&mut self, e: &El, _depth: u32) -> io::Result<bool> {
        if e.id == EBML_DOCTYPE {
            let b = self.bytes(e, 64)?;
            self.doctype = b.map(|b| String::from_utf8_lossy(trim_nul(&b)).into_owned());
        }
        Ok(true)
    }

    pub(super) fn visit_segment(&mut self, e: &El, depth: u32) -> io::Result<bool> {
        match e.id {
            SEEK_HEAD => self.children(e.data, e.end, depth + 1, Self::visit_seekhead)?,
            INFO if !self.info => {
                self.info = true;
                self.children(e.data, e.end, depth + 1, Self::visit_info)?;
            }
            TRACKS if !self.tracks_seen => {
                self.tracks_seen = true;
                self.children(e.data, e.end, depth + 1, Self::visit_tracks)?;
            }
            // The media: stop once what we need is read, or where it cannot be skipped.
            CLUSTER if e.unknown || self.info && self.tracks_seen => return Ok(false),
            _ if e.unknown => return Ok(false),
            _ => {}
        }
        Ok(true)
    }

    pub(super) fn visit_seekhead(&mut self, e: &El, depth: u32) -> io::Result<bool> {
        if e.id == SEEK {
            (self.seek_id, self.seek_pos) = (None, None);
            self.children(e.data, e.end, depth + 1, Self::visit_seek)?;
            match (self.seek_id, self.seek_pos) {
                (Some(INFO), Some(p)) => self.seek_info = self.seek_info.or(Some(p)),
                (Some(TRACKS), Some(p)) => self.seek_tracks = self.seek_tracks.or(Some(p)),
                _ => {}
            }
        }
        Ok(true)
    }

    pub(super) fn visit_seek(&mut self, e: &El, _depth: u32) -> io::Result<bool> {
        match e.id {
            SEEK_ID => {
                self.seek_id = self
                    .bytes(e, 4)?
                    .map(|b| b.iter().fold(0u32, |v, &c| (v << 8) | c as u32));
            }
            SEEK_POSITION => self.seek_pos = self.uint(e)?,
            _ => {}
        }
        Ok(true)
    }

    pub(super) fn visit_info(&mut self, e: &El, _depth: u32) -> io::Result<bool> {
        match e.id {
            TIMECODE_SCALE => self.timecode_scale = self.uint(e)?,
            DURATION => self.duration = self.float(e)?,
            DATE_UTC => self.date_utc = self.uint(e)?.map(|v| v as i64),
            _ => {}
        }
        Ok(true)
    }

    pub(super) fn visit_tracks(&mut self, e: &El, depth: u32) -> io::Result<bool> {
        if e.id == TRACK_ENTRY && self.tracks.len() < MAX_TRACKS {
            self.tracks.push(MkvTrack::default());
            self.children(e.data, e.end, depth + 1, Self::visit_track)?;
        }
        Ok(true)
    }

    pub(super) fn visit_track(&mut self, e: &El, depth: u32) -> io::Result<bool> {
        match e.id {
            TRACK_TYPE => {
                let v = self.uint(e)?;
                if let Some(t) = self.tracks.last_mut() {
                    t.kind = v;
                }
            }
            VIDEO | PROJECTION => self.children(e.data, e.end, depth + 1, Self::visit_track)?,
            PIXEL_WIDTH | PIXEL_HEIGHT | DISPLAY_WIDTH | DISPLAY_HEIGHT | DISPLAY_UNIT => {
                let v = self.uint(e)?;
                if let Some(t) = self.tracks.last_mut() {
                    match e.id {
                        PIXEL_WIDTH => t.pixel.0 = v,
                        PIXEL_HEIGHT => t.pixel.1 = v,
                        DISPLAY_WIDTH => t.display.0 = v,
                        DISPLAY_HEIGHT => t.display.1 = v,
                        _ => t.display_unit = v,
                    }
                }
            }
            PROJECTION_POSE_ROLL => {
                let v = self.float(e)?;
                if let Some(t) = self.tracks.last_mut() {
                    t.roll = v;
                }
            }
            _ => {}
        }
        Ok(true)
    }

    pub(super) fn finish(&mut self) {
        let f = &mut self.f;
        if self.segment_data.is_none() {
            f.incomplete = true;
            warn(f, "the file has no Segment: it holds no video");
        }
        if self.segment_data.is_some() && !self.info {
            warn(f, "the file has no segment information (Info)");
        }
        let scale = self.timecode_scale.unwrap_or(1_000_000);
        match self.duration {
            Some(d) => {
                let s = d * scale as f64 / 1e9;
                if s.is_finite() && s >= 0.0 {
                    f.duration_s = Some(s);
                } else {
                    warn(f, "the stated duration is not a number of seconds");
                }
            }
            None if self.info => warn(
                f,
                "the file does not state its duration (usual for live recordings)",
            ),
            None => {}
        }
        if let Some(ns) = self.date_utc {
            match NaiveDate::from_ymd_opt(2001, 1, 1)
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .and_then(|b| b.checked_add_signed(TimeDelta::nanoseconds(ns)))
            {
                Some(t) => {
                    f.creation_local = Some(t);
                    f.creation_offset = Some(utc());
                }
                None => warn(f, "the DateUTC is out of range"),
            }
        }
        if self.tracks_seen || !self.tracks.is_empty() {
            match self.tracks.iter().find(|t| t.kind == Some(1)) {
                None => warn(f, "no video track was found"),
                Some(t) => {
                    let pixel = match t.pixel {
                        (Some(w), Some(h)) if w > 0 && h > 0 => Some((w, h)),
                        _ => None,
                    };
                    let display = match t.display {
                        (Some(w), Some(h))
                            if w > 0 && h > 0 && t.display_unit.unwrap_or(0) == 0 =>
                        {
                            Some((w, h))
                        }
                        _ => None,
                    };
                    match display.or(pixel) {
                        Some((w, h)) if w <= u32::MAX as u64 && h <= u32::MAX as u64 => {
                            f.width = Some(w as u32);
                            f.height = Some(h as u32);
                        }
                        _ => warn(f, "the video track does not state its size"),
                    }
                    if let Some(r) = t.roll.filter(|r| *r != 0.0) {
                        warn(
                            f,
                            format!(
                                "the video track states a roll of {r} degrees; no rotation applied"
                            ),
                        );
                    }
                }
            }
        } else if self.segment_data.is_some() {
            warn(f, "the file has no track list (Tracks)");
        }
    }
}
