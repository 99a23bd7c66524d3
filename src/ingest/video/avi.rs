//! AVI: the RIFF chunks of the main header and the IDIT date.

use super::*;

pub(super) struct Avi<'a, R> {
    src: Src<'a, R>,
    f: VideoFacts,
    nodes: u32,
    stopped: bool,
    /// avih: microseconds per frame, total frames, width, height.
    avih: Option<(u32, u32, u32, u32)>,
    /// The stream type of the strl being read.
    stream: Option<[u8; 4]>,
    /// The first video stream's strh: scale, rate, length; and its strf size.
    vids: Option<(u32, u32, u32)>,
    vids_size: Option<(u32, u32)>,
    dmlh_frames: Option<u32>,
    idit: Option<String>,
}

impl<'a, R: Read + Seek> Avi<'a, R> {
    pub(super) fn new(src: Src<'a, R>, f: VideoFacts) -> Self {
        Avi {
            src,
            f,
            nodes: 0,
            stopped: false,
            avih: None,
            stream: None,
            vids: None,
            vids_size: None,
            dmlh_frames: None,
            idit: None,
        }
    }

    pub(super) fn run(mut self) -> Result<VideoFacts, String> {
        let len = self.src.len;
        let h = self
            .src
            .read(0, 12, 12)
            .map_err(|e| format!("not a readable video: {e}"))?;
        if h.get(0..4) != Some(b"RIFF") || h.get(8..12) != Some(b"AVI ") {
            return Err("not a readable video: no RIFF AVI header".into());
        }
        let size = le32(&h, 4).unwrap_or(0) as u64;
        let mut riff_end = 8 + size;
        if size == 0 {
            self.f.incomplete = true;
            warn(
                &mut self.f,
                "the RIFF header gives no size: the recording was probably not finished",
            );
            riff_end = len;
        } else if riff_end > len {
            self.f.incomplete = true;
            warn(
                &mut self.f,
                format!(
                    "the RIFF AVI chunk runs {} bytes past the end of the file",
                    riff_end - len
                ),
            );
            riff_end = len;
        }
        if let Err(e) = self.chunks(12, riff_end, 0) {
            warn(&mut self.f, format!("reading stopped at an error: {e}"));
        }
        // OpenDML: further RIFF AVIX chunks, each checked for its end only.
        let mut pos = riff_end + (riff_end & 1);
        while pos + 8 <= len && !self.stopped {
            self.nodes += 1;
            if self.nodes > MAX_NODES {
                warn(
                    &mut self.f,
                    "too many chunks; the rest of the file was not read",
                );
                break;
            }
            let Ok(h) = self.src.read(pos, 8, 8) else {
                break;
            };
            let (Some(id), Some(size)) = (h.get(0..4), le32(&h, 4)) else {
                break;
            };
            if id != b"RIFF" && id != b"JUNK" {
                break;
            }
            let end = pos + 8 + size as u64;
            if end > len {
                self.f.incomplete = true;
                warn(
                    &mut self.f,
                    format!(
                        "an AVIX chunk runs {} bytes past the end of the file",
                        end - len
                    ),
                );
                break;
            }
            pos = end + (end & 1);
        }
        self.finish();
        Ok(self.f)
    }

    pub(super) fn chunks(&mut self, start: u64, end: u64, depth: u32) -> io::Result<()> {
        if depth > 4 {
            return Ok(());
        }
        let mut pos = start;
        while pos < end && !self.stopped {
            if end - pos < 8 {
                if end >= self.src.len {
                    self.f.incomplete = true;
                    warn(&mut self.f, "the file ends inside a chunk header");
                }
                break;
            }
            self.nodes += 1;
            if self.nodes > MAX_NODES {
                warn(
                    &mut self.f,
                    "too many chunks; the rest of the file was not read",
                );
                self.stopped = true;
                break;
            }
            let h = self.src.read(pos, 12, 12)?;
            let (Some(id), Some(size)) = (h.get(0..4), le32(&h, 4)) else {
                self.f.incomplete = true;
                warn(&mut self.f, "the file ends inside a chunk header");
                break;
            };
            let id: [u8; 4] = id.try_into().unwrap_or_default();
            let body = pos + 8;
            let claimed_end = body + size as u64;
            if claimed_end > self.src.len {
                self.f.incomplete = true;
                warn(
                    &mut self.f,
                    format!(
                        "the '{}' chunk runs {} bytes past the end of the file",
                        fourcc(id),
                        claimed_end - self.src.len
                    ),
                );
            }
            let cend = claimed_end.min(end);
            match &id {
                b"LIST" => {
                    let kind = h.get(8..12);
                    if matches!(kind, Some(b"hdrl" | b"strl" | b"odml")) {
                        if kind == Some(b"strl") {
                            self.stream = None;
                        }
                        self.chunks(body + 4, cend, depth + 1)?;
                    }
                }
                b"avih" => {
                    let b = self.src.read(body, size as u64, 64)?;
                    if let (Some(us), Some(frames), Some(w), Some(h)) =
                        (le32(&b, 0), le32(&b, 16), le32(&b, 32), le32(&b, 36))
                    {
                        self.avih = self.avih.or(Some((us, frames, w, h)));
                    } else {
                        warn(
                            &mut self.f,
                            "the AVI main header (avih) is too short to read",
                        );
                    }
                }
                b"strh" => {
                    let b = self.src.read(body, size as u64, 64)?;
                    self.stream = b.get(0..4).and_then(|t| t.try_into().ok());
                    if self.stream == Some(*b"vids")
                        && self.vids.is_none()
                        && let (Some(scale), Some(rate), Some(length)) =
                            (le32(&b, 20), le32(&b, 24), le32(&b, 32))
                    {
                        self.vids = Some((scale, rate, length));
                    }
                }
                b"strf" if self.stream == Some(*b"vids") && self.vids_size.is_none() => {
                    let b = self.src.read(body, size as u64, 64)?;
                    if let (Some(w), Some(h)) = (le32(&b, 4), le32(&b, 8)) {
                        // A negative height means rows stored top-down.
                        let (w, h) = (w as i32, (h as i32).unsigned_abs());
                        if w > 0 && h > 0 {
                            self.vids_size = Some((w as u32, h));
                        }
                    }
                }
                b"dmlh" => {
                    let b = self.src.read(body, size as u64, 16)?;
                    self.dmlh_frames = le32(&b, 0);
                }
                b"IDIT" if self.idit.is_none() => {
                    let b = self.src.read(body, size as u64, 128)?;
                    self.idit = Some(String::from_utf8_lossy(trim_nul(&b)).into_owned());
                }
                _ => {}
            }
            pos = cend + (cend & 1);
        }
        Ok(())
    }

    pub(super) fn finish(&mut self) {
        let f = &mut self.f;
        if let Some(s) = &self.idit {
            match parse_avi_date(s) {
                Some((t, whole)) => {
                    f.creation_local = Some(t);
                    f.creation_offset = None;
                    if !whole {
                        warn(f, format!("the AVI date {} gives no seconds", quoted(s)));
                    }
                }
                None => warn(f, format!("the AVI date {} could not be read", quoted(s))),
            }
        }
        let Some((us, frames, w, h)) = self.avih else {
            warn(f, "the file has no AVI main header (avih)");
            return;
        };
        let frames = self.dmlh_frames.filter(|&n| n > 0).unwrap_or(frames);
        f.duration_s = if us > 0 && frames > 0 {
            Some(us as f64 * frames as f64 / 1e6)
        } else {
            self.vids
                .filter(|v| v.0 > 0 && v.2 > 0)
                .and_then(|(scale, rate, length)| {
                    seconds(length as u64 * scale as u64, rate as u64)
                })
        };
        if f.duration_s.is_none() {
            warn(f, "the file does not state its duration");
        }
        let size = Some((w, h))
            .filter(|&(w, h)| w > 0 && h > 0)
            .or(self.vids_size);
        match size {
            Some((w, h)) => (f.width, f.height) = (Some(w), Some(h)),
            None => warn(f, "the file does not state its picture size"),
        }
    }
}

/// An AVI IDIT date: "Mon Mar 10 15:04:43 2003" (the standard form), or numeric forms cameras
/// write ("2009/10/27 12:14:34", "2002-12-16  15:35:01", "2001/ 1/27  1:42PM"). Returns the time
/// and whether it had seconds (a time without them is read as hh:mm:00).
pub(crate) fn parse_avi_date(s: &str) -> Option<(NaiveDateTime, bool)> {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let s = s.trim_matches(|c: char| c == '\0' || c.is_whitespace());
    let parts: Vec<&str> = s.split_whitespace().take(8).collect();
    if parts.len() == 5
        && let Some(m) = MONTHS.iter().position(|m| {
            parts[1]
                .as_bytes()
                .get(..3)
                .is_some_and(|p| p.eq_ignore_ascii_case(m.as_bytes()))
        })
    {
        let day: u32 = parts[2].parse().ok()?;
        let year: i32 = parts[4].parse().ok()?;
        let t: Vec<u32> = parts[3]
            .split(':')
            .map(|p| p.parse().ok())
            .collect::<Option<_>>()?;
        let [h, mi, sec] = t[..] else { return None };
        let d = NaiveDate::from_ymd_opt(year, m as u32 + 1, day)?.and_hms_opt(h, mi, sec)?;
        return Some((d, true));
    }
    // Numeric: the first number has four digits (the year); then month, day, hours, minutes
    // and perhaps seconds; perhaps AM/PM.
    let upper = s.to_ascii_uppercase();
    let pm = upper.trim_end().ends_with("PM");
    let am = upper.trim_end().ends_with("AM");
    let nums: Vec<&str> = s
        .split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty())
        .take(7)
        .collect();
    if nums.len() < 5 || nums.len() > 6 || nums[0].len() != 4 || nums.iter().any(|n| n.len() > 4) {
        return None;
    }
    let n: Vec<u32> = nums.iter().map(|p| p.parse().ok()).collect::<Option<_>>()?;
    let mut hour = n[3];
    if pm || am {
        if !(1..=12).contains(&hour) {
            return None;
        }
        hour = match (pm, hour) {
            (true, 12) => 12,
            (true, h) => h + 12,
            (false, 12) => 0,
            (false, h) => h,
        };
    }
    let sec = n.get(5).copied();
    let d = NaiveDate::from_ymd_opt(n[0] as i32, n[1], n[2])?.and_hms_opt(
        hour,
        n[4],
        sec.unwrap_or(0),
    )?;
    Some((d, sec.is_some()))
}
