//! Poster frames through `ffmpeg`, when installed: a child process with a time limit and a
//! cap on its output.

use super::*;

/// How long ffmpeg may take for one frame.
pub(super) const FFMPEG_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(20);
/// The longest edge a poster may ask for.
pub(super) const MAX_POSTER_EDGE: u32 = 4096;

/// A poster frame via `ffmpeg` on the PATH (absent: Err saying so), the first video frame,
/// upright (ffmpeg applies the rotation itself), with square pixels, and no larger than
/// `max_edge` on its long edge (never enlarged). ffmpeg runs with a 20 s limit and is killed
/// past it; its output is capped in bytes; it may read only local files.
pub fn poster_frame(path: &Path, max_edge: u32) -> Result<RgbImage, String> {
    use std::process::{Command, Stdio};
    if max_edge == 0 {
        return Err("a poster frame needs a size of at least 1 pixel".into());
    }
    let edge = max_edge.min(MAX_POSTER_EDGE);
    // "file:" so that a name with a colon or a leading dash is never read as anything else.
    let mut input = std::ffi::OsString::from("file:");
    input.push(path.as_os_str());
    let filter = format!(
        "scale=w=iw*sar:h=ih,setsar=1,\
         scale=w=min(iw\\,{edge}):h=min(ih\\,{edge}):force_original_aspect_ratio=decrease"
    );
    let spawned = Command::new("ffmpeg")
        .args(["-nostdin", "-hide_banner", "-loglevel", "error"])
        .args(["-protocol_whitelist", "file", "-i"])
        .arg(&input)
        .args([
            "-map",
            "0:v:0",
            "-an",
            "-sn",
            "-dn",
            "-frames:v",
            "1",
            "-vf",
        ])
        .arg(&filter)
        .args([
            "-pix_fmt",
            "rgb24",
            "-f",
            "image2pipe",
            "-vcodec",
            "ppm",
            "pipe:1",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match spawned {
        Ok(c) => c,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err("ffmpeg is not installed (not found on the PATH)".into());
        }
        Err(e) => return Err(format!("ffmpeg could not be started: {e}")),
    };
    let cap = 3 * edge as u64 * edge as u64 + 1024;
    let stdout = child.stdout.take();
    let stderr = child.stderr.take();
    // Readers on their own threads, so that a full pipe never blocks ffmpeg; past the cap the
    // pipe is dropped and ffmpeg stops on a broken pipe.
    let out_reader = std::thread::spawn(move || {
        let mut v = Vec::new();
        if let Some(s) = stdout {
            let _ = s.take(cap + 1).read_to_end(&mut v);
        }
        v
    });
    let err_reader = std::thread::spawn(move || {
        let mut v = Vec::new();
        if let Some(s) = stderr {
            let _ = s.take(16 * 1024).read_to_end(&mut v);
        }
        v
    });
    let started = std::time::Instant::now();
    // Polled at 1, 2, 4 … ms, then every 20 ms: a frame takes ffmpeg a tenth of a second or
    // two, and a fixed 20 ms wait added up to that much to each clip.
    let mut nap = 1;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() > FFMPEG_TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                let _ = out_reader.join();
                let _ = err_reader.join();
                return Err(format!(
                    "ffmpeg took longer than {} s and was stopped",
                    FFMPEG_TIMEOUT.as_secs()
                ));
            }
            Ok(None) => {
                std::thread::sleep(std::time::Duration::from_millis(nap));
                nap = (nap * 2).min(20);
            }
            Err(e) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("ffmpeg could not be waited for: {e}"));
            }
        }
    };
    let out = out_reader.join().unwrap_or_default();
    let err = err_reader.join().unwrap_or_default();
    if out.len() as u64 > cap {
        return Err("ffmpeg's output was larger than the frame asked for".into());
    }
    if !status.success() || out.is_empty() {
        let text = String::from_utf8_lossy(&err);
        let last = text
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("");
        let last: String = last.trim().chars().take(160).collect();
        return Err(if last.is_empty() {
            "ffmpeg could not decode a frame".to_string()
        } else {
            format!("ffmpeg could not decode a frame: {last}")
        });
    }
    let img = decode_ppm(&out).ok_or("ffmpeg's frame could not be read")?;
    if img.width().max(img.height()) > edge {
        let (w, h) = fit(img.width(), img.height(), edge);
        return Ok(image::imageops::resize(
            &img,
            w,
            h,
            image::imageops::FilterType::Triangle,
        ));
    }
    Ok(img)
}

/// `w` x `h` scaled to fit within `edge` x `edge`, at least 1 x 1.
pub(super) fn fit(w: u32, h: u32, edge: u32) -> (u32, u32) {
    let long = w.max(h).max(1) as u64;
    let s = |v: u32| ((v as u64 * edge as u64 + long / 2) / long).clamp(1, edge as u64) as u32;
    (s(w), s(h))
}

/// A binary PPM (P6, maxval 255) as ffmpeg writes it.
pub(super) fn decode_ppm(b: &[u8]) -> Option<RgbImage> {
    let mut pos = 0usize;
    let mut token = || -> Option<&[u8]> {
        loop {
            while b.get(pos)?.is_ascii_whitespace() {
                pos += 1;
            }
            if *b.get(pos)? == b'#' {
                while *b.get(pos)? != b'\n' {
                    pos += 1;
                }
                continue;
            }
            break;
        }
        let start = pos;
        while !b.get(pos)?.is_ascii_whitespace() {
            pos += 1;
        }
        b.get(start..pos)
    };
    if token()? != b"P6" {
        return None;
    }
    let mut num = || -> Option<u32> { std::str::from_utf8(token()?).ok()?.parse().ok() };
    let (w, h, max) = (num()?, num()?, num()?);
    if max != 255 || w == 0 || h == 0 {
        return None;
    }
    let data = b.get(pos + 1..)?;
    let n = (w as usize).checked_mul(h as usize)?.checked_mul(3)?;
    RgbImage::from_raw(w, h, data.get(..n)?.to_vec())
}
