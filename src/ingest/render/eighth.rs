//! A JPEG at 1/8 of its size, from the DC coefficients alone.
//!
//! At 1/8 scale each 8 x 8 block becomes one pixel, the block's average: its DC coefficient.
//! libjpeg-turbo computes the same luma (its 1 x 1 inverse DCT is that average, rounded the same
//! way), but it still decodes the chroma blocks' AC coefficients (it scales chroma up by a 2 x 2
//! inverse DCT), treats every AC code symbol by symbol, and decodes every scan of a progressive
//! file. Here the AC codes of a baseline file are only stepped over, up to two codes and their
//! magnitude bits per table lookup (`entropy`); a progressive file's AC scans are not decoded
//! at all, only its DC scans; chroma is upsampled from its block averages, which is the
//! resolution the preview and the thumbnail keep anyway (they are encoded 4:2:0). Entropy
//! decoding is most of the CPU of an import; on 12 MP phone photos this takes about 37 % off it
//! (perf samples of `kadr import`, 2 950 against 1 850).
//!
//! Taken: 8-bit Huffman JPEG, baseline or extended (SOF0, SOF1) or progressive (SOF2), scans
//! interleaved or not, greyscale or YCbCr, sampling factors of 1 or 2 with chroma at most
//! halved. Anything else, and anything irregular (a bad Huffman code, a run past the block, a
//! marker or the end of the data before the last block, a restart marker out of sequence, a
//! missing table) gives `None`, and the caller decodes with libjpeg-turbo, which knows every
//! variant and how to show damage. Nothing here can panic on any input: every read is checked.

mod entropy;
#[cfg(test)]
mod tests;

use entropy::{Bits, Huff};
use image::RgbImage;

/// Decodes `bytes` at 1/8 scale when that leaves at least `min_edge` pixels on the long side:
/// the RGB pixels (each side rounded up, as libjpeg-turbo scales) and the photo's full size.
/// `None`: not a case taken here, or irregular.
pub(super) fn decode(bytes: &[u8], min_edge: u32) -> Option<(RgbImage, u32, u32)> {
    if bytes.get(..2)? != [0xFF, 0xD8] {
        return None;
    }
    let mut h = Header {
        min_edge,
        ..Default::default()
    };
    let mut next = h.next_scan(bytes, 2)?;
    let frame = h.frame.clone()?;
    let mut planes: Vec<Plane> = frame.comps.iter().map(|c| Plane::new(&frame, c)).collect();
    // Which AC coefficients 1..=9 of each component a progressive file brings to full precision:
    // where some are missing, libjpeg-turbo smooths the block averages (block smoothing), a
    // picture this decoder does not make.
    let mut ac_whole = vec![[false; 10]; frame.comps.len()];
    // Every scan to the end of the file: libjpeg-turbo applies each one, so a scan that would
    // change a block average already read (a second DC scan, a component read twice) sends
    // the file to it.
    while let Next::Scan(at) = next {
        let scan = h.scan.take()?;
        let end = if scan.ss > 0 {
            // A progressive AC scan: nothing in it changes a block's average.
            if !frame.progressive {
                return None;
            }
            for &(c, _, _) in &scan.comps {
                for k in scan.ss.max(1)..=scan.se.min(9) {
                    ac_whole[c][k as usize] |= scan.al == 0;
                }
            }
            next_marker(bytes, at)?
        } else if planes.iter().all(|p| p.done(frame.progressive)) {
            return None;
        } else {
            decode_scan(&h, &frame, &scan, &mut planes, bytes, at)?
        };
        next = h.next_scan(bytes, end)?;
    }
    if !planes.iter().all(|p| p.done(frame.progressive))
        || (frame.progressive && ac_whole.iter().any(|k| k[1..].contains(&false)))
    {
        return None;
    }
    let samples: Vec<Samples> = planes.iter().map(Plane::samples).collect::<Option<_>>()?;
    let img = to_rgb(&frame, &samples)?;
    Some((img, frame.width, frame.height))
}

/// What follows a header: a scan's data (where it starts), or the end of the image.
enum Next {
    Scan(usize),
    End,
}

#[derive(Default)]
struct Header {
    /// The long side at 1/8 must be at least this.
    min_edge: u32,
    /// The first (DC) value of each quantisation table.
    quant_dc: [Option<u16>; 4],
    /// Huffman tables as defined (code counts per length, symbols), built when a scan uses
    /// them: a file may define thousands that nothing uses.
    dc: [Option<([u8; 16], Vec<u8>)>; 4],
    ac: [Option<([u8; 16], Vec<u8>)>; 4],
    frame: Option<Frame>,
    restart: u32,
    scan: Option<ScanHeader>,
}

#[derive(Clone)]
struct Frame {
    width: u32,
    height: u32,
    progressive: bool,
    comps: Vec<Comp>,
    hmax: usize,
    vmax: usize,
}

#[derive(Clone, Copy)]
struct Comp {
    id: u8,
    h: usize,
    v: usize,
    tq: usize,
}

struct ScanHeader {
    /// Indexes into the frame's components, with their DC and AC table ids.
    comps: Vec<(usize, usize, usize)>,
    ss: u8,
    se: u8,
    ah: u8,
    al: u8,
}

fn be16(b: &[u8], at: usize) -> Option<usize> {
    Some(u16::from_be_bytes([*b.get(at)?, *b.get(at + 1)?]) as usize)
}

impl Header {
    /// Reads the segments from `i` up to the next scan header (where that scan's entropy-coded
    /// data starts), or to the end of the image (EOI, or the file ending between segments).
    fn next_scan(&mut self, b: &[u8], mut i: usize) -> Option<Next> {
        let mut adobe_rgb = false;
        loop {
            if i == b.len() && self.frame.is_some() {
                return Some(Next::End);
            }
            if *b.get(i)? != 0xFF {
                return None;
            }
            let m = *b.get(i + 1)?;
            if m == 0xFF {
                i += 1;
                continue;
            }
            if m == 0xD9 {
                return self.frame.is_some().then_some(Next::End);
            }
            let len = be16(b, i + 2)?;
            if len < 2 {
                return None;
            }
            let seg = b.get(i + 4..i + 2 + len)?;
            match m {
                0xDB => self.quant(seg)?,
                0xC4 => self.huffman(seg)?,
                0xC0..=0xC2 if self.frame.is_none() => {
                    let f = frame(seg, m == 0xC2)?;
                    // Only when 1/8 is the scale wanted, and never for a size the caller would
                    // refuse.
                    if f.width.max(f.height) / 8 < self.min_edge
                        || f.width as u64 * f.height as u64 > super::MAX_PIXELS
                    {
                        return None;
                    }
                    self.frame = Some(f);
                }
                0xDD => self.restart = be16(seg, 0)? as u32,
                // Adobe: transform 0 means the three components are RGB, not YCbCr.
                0xEE if seg.starts_with(b"Adobe") && seg.get(11) == Some(&0) => adobe_rgb = true,
                // Application data and comments.
                0xE0..=0xEF | 0xFE => {}
                0xDA => {
                    let frame = self.frame.as_ref()?;
                    if adobe_rgb && frame.comps.len() == 3 {
                        return None;
                    }
                    self.scan = Some(scan_header(seg, frame)?);
                    return Some(Next::Scan(i + 2 + len));
                }
                // A second frame; lossless, hierarchical, arithmetic; DNL, restarts out of
                // place, reserved markers (which libjpeg-turbo refuses): not this path.
                _ => return None,
            }
            i += 2 + len;
        }
    }

    fn quant(&mut self, mut s: &[u8]) -> Option<()> {
        while let Some(&pq_tq) = s.first() {
            let (pq, tq) = ((pq_tq >> 4) as usize, (pq_tq & 15) as usize);
            let size = if pq == 0 { 64 } else { 128 };
            if pq > 1 || tq > 3 || s.len() < 1 + size {
                return None;
            }
            let q0 = if pq == 0 {
                s[1] as u16
            } else {
                be16(s, 1)? as u16
            };
            self.quant_dc[tq] = Some(q0);
            s = &s[1 + size..];
        }
        Some(())
    }

    fn huffman(&mut self, mut s: &[u8]) -> Option<()> {
        while let Some(&tc_th) = s.first() {
            let (tc, th) = ((tc_th >> 4) as usize, (tc_th & 15) as usize);
            let counts: [u8; 16] = s.get(1..17)?.try_into().ok()?;
            let n: usize = counts.iter().map(|&c| c as usize).sum();
            let values = s.get(17..17 + n)?;
            if tc > 1 || th > 3 || n > 256 {
                return None;
            }
            let table = Some((counts, values.to_vec()));
            if tc == 0 {
                self.dc[th] = table;
            } else {
                self.ac[th] = table;
            }
            s = &s[17 + n..];
        }
        Some(())
    }
}

fn frame(s: &[u8], progressive: bool) -> Option<Frame> {
    let (precision, height, width, n) = (*s.first()?, be16(s, 1)?, be16(s, 3)?, *s.get(5)?);
    // A height of 0 (given later by DNL) and more than three components are not this path.
    if precision != 8
        || height == 0
        || width == 0
        || !(n == 1 || n == 3)
        || s.len() != 6 + 3 * n as usize
    {
        return None;
    }
    let mut comps = Vec::new();
    for c in 0..n as usize {
        let p = s.get(6 + 3 * c..9 + 3 * c)?;
        let (h, v, tq) = ((p[1] >> 4) as usize, (p[1] & 15) as usize, p[2] as usize);
        if !(1..=2).contains(&h) || !(1..=2).contains(&v) || tq > 3 {
            return None;
        }
        comps.push(Comp { id: p[0], h, v, tq });
    }
    if n == 1 {
        // A single component is one block per MCU whatever its factors say.
        comps[0].h = 1;
        comps[0].v = 1;
    }
    let hmax = comps.iter().map(|c| c.h).max()?;
    let vmax = comps.iter().map(|c| c.v).max()?;
    // Luma carries the full resolution; chroma at most halved (upsampled below).
    if comps[0].h != hmax || comps[0].v != vmax {
        return None;
    }
    if n == 3 && [comps[0].id, comps[1].id, comps[2].id] == *b"RGB" {
        return None;
    }
    Some(Frame {
        width: width as u32,
        height: height as u32,
        progressive,
        comps,
        hmax,
        vmax,
    })
}

fn scan_header(s: &[u8], frame: &Frame) -> Option<ScanHeader> {
    let n = *s.first()? as usize;
    if n == 0 || n > frame.comps.len() || s.len() != 4 + 2 * n {
        return None;
    }
    let mut comps: Vec<(usize, usize, usize)> = Vec::with_capacity(n);
    for k in 0..n {
        let p = s.get(1 + 2 * k..3 + 2 * k)?;
        let c = frame.comps.iter().position(|c| c.id == p[0])?;
        if comps.iter().any(|&(o, _, _)| o == c) {
            return None;
        }
        let (td, ta) = ((p[1] >> 4) as usize, (p[1] & 15) as usize);
        if td > 3 || ta > 3 {
            return None;
        }
        comps.push((c, td, ta));
    }
    // An interleaved scan's MCU holds at most 10 blocks (libjpeg-turbo refuses more).
    let blocks: usize = comps
        .iter()
        .map(|&(c, _, _)| frame.comps[c].h * frame.comps[c].v)
        .sum();
    if n > 1 && blocks > 10 {
        return None;
    }
    let p = s.get(1 + 2 * n..4 + 2 * n)?;
    let (ss, se, ah, al) = (p[0], p[1], p[2] >> 4, p[2] & 15);
    let fits = if frame.progressive {
        // DC scans hold only the DC coefficient; AC scans one component.
        al < 14 && ah < 14 && ((ss == 0 && se == 0) || (ss > 0 && ss <= se && se <= 63 && n == 1))
    } else {
        // Sequential: the whole spectrum, no successive approximation.
        (ss, se, ah, al) == (0, 63, 0, 0)
    };
    fits.then_some(ScanHeader {
        comps,
        ss,
        se,
        ah,
        al,
    })
}

/// Where the next marker starts at or after `i` (the end of a scan's data): stuffed 0xFF 0x00
/// and restart markers are data.
fn next_marker(b: &[u8], mut i: usize) -> Option<usize> {
    loop {
        let j = i + memchr::memchr(0xFF, b.get(i..)?)?;
        match *b.get(j + 1)? {
            0x00 | 0xD0..=0xD7 => i = j + 2,
            _ => return Some(j),
        }
    }
}

/// One component's DC coefficients, one per block, over whole MCUs.
struct Plane {
    /// Blocks per row, padded to whole MCUs.
    w: usize,
    /// Blocks that cover the picture (what a scan of this component alone holds).
    bw: usize,
    bh: usize,
    dc: Vec<i32>,
    /// The first DC quantisation value, once a scan has read this component.
    q: Option<i32>,
    /// The lowest bit known so far (progressive), once a scan has read this component.
    al: Option<u8>,
}

impl Plane {
    fn new(f: &Frame, c: &Comp) -> Plane {
        let (mcus_x, mcus_y) = (
            (f.width as usize).div_ceil(8 * f.hmax),
            (f.height as usize).div_ceil(8 * f.vmax),
        );
        let (w, h) = (mcus_x * c.h, mcus_y * c.v);
        Plane {
            w,
            bw: (f.width as usize * c.h).div_ceil(f.hmax).div_ceil(8),
            bh: (f.height as usize * c.v).div_ceil(f.vmax).div_ceil(8),
            dc: vec![0; w * h],
            q: None,
            al: None,
        }
    }

    fn done(&self, progressive: bool) -> bool {
        match self.al {
            Some(al) => !progressive || al == 0,
            None => false,
        }
    }

    /// The blocks that show, as libjpeg-turbo's 1 x 1 inverse DCT gives them: the average,
    /// clamped. `None` when a coefficient does not fit its 16 bits or an average lies more
    /// than 512 from mid grey: past that (damaged or crafted data) libjpeg-turbo wraps around,
    /// and the file is left to it.
    fn samples(&self) -> Option<Samples> {
        let q = self.q.unwrap_or(0) as i64;
        let mut px = Vec::with_capacity(self.bw * self.bh);
        for row in self.dc.chunks(self.w).take(self.bh) {
            for &dc in &row[..self.bw] {
                let avg = (dc as i64 * q + 4) >> 3;
                if i16::try_from(dc).is_err() || !(-512..512).contains(&avg) {
                    return None;
                }
                px.push((avg + 128).clamp(0, 255) as u8);
            }
        }
        Some(Samples {
            w: self.bw,
            h: self.bh,
            px,
        })
    }
}

/// One component's picture at 1/8 (a sample per block that shows).
struct Samples {
    w: usize,
    h: usize,
    px: Vec<u8>,
}

impl Samples {
    /// The sample at (x, y); past an edge, the last one.
    fn at(&self, x: isize, y: isize) -> u8 {
        let x = x.clamp(0, self.w as isize - 1) as usize;
        let y = y.clamp(0, self.h as isize - 1) as usize;
        self.px[y * self.w + x]
    }
}

/// What a scan does to each block.
#[derive(Clone, Copy, PartialEq)]
enum Pass {
    /// Baseline: the DC difference, the AC coefficients stepped over.
    Sequential,
    /// Progressive, first DC scan: the difference, shifted left by `al`.
    First(u8),
    /// Progressive, DC refinement: one more bit, at `al`.
    Refine(u8),
}

/// Decodes one scan with DC coefficients into `planes`; returns where the marker after its data
/// starts.
fn decode_scan(
    h: &Header,
    f: &Frame,
    scan: &ScanHeader,
    planes: &mut [Plane],
    bytes: &[u8],
    at: usize,
) -> Option<usize> {
    let pass = match (f.progressive, scan.ah) {
        (false, _) => Pass::Sequential,
        (true, 0) => Pass::First(scan.al),
        (true, ah) if ah == scan.al + 1 => Pass::Refine(scan.al),
        _ => return None,
    };
    struct Unit {
        c: usize,
        h: usize,
        v: usize,
        /// Indexes into `tables`.
        dc: Option<usize>,
        ac: Option<usize>,
        pred: i32,
    }
    // The Huffman tables this scan uses, built now.
    let mut tables: Vec<Huff> = Vec::new();
    let mut build = |raw: &Option<([u8; 16], Vec<u8>)>, ac: bool| -> Option<usize> {
        let (counts, values) = raw.as_ref()?;
        tables.push(Huff::new(counts, values, ac)?);
        Some(tables.len() - 1)
    };
    let mut units = Vec::with_capacity(scan.comps.len());
    for &(c, td, ta) in &scan.comps {
        let p = &mut planes[c];
        // Each component's progressive DC scans come in order: the first, then refinements
        // one bit at a time; a sequential file reads each component once.
        let fits = match pass {
            Pass::Sequential | Pass::First(_) => p.al.is_none(),
            Pass::Refine(al) => p.al == Some(al + 1),
        };
        if !fits {
            return None;
        }
        p.al = Some(scan.al);
        if p.q.is_none() {
            p.q = Some(*h.quant_dc[f.comps[c].tq].as_ref()? as i32);
        }
        let (dc, ac) = match pass {
            Pass::Sequential => (
                Some(build(&h.dc[td], false)?),
                Some(build(&h.ac[ta], true)?),
            ),
            Pass::First(_) => (Some(build(&h.dc[td], false)?), None),
            Pass::Refine(_) => (None, None),
        };
        let single = scan.comps.len() == 1;
        units.push(Unit {
            c,
            h: if single { 1 } else { f.comps[c].h },
            v: if single { 1 } else { f.comps[c].v },
            dc,
            ac,
            pred: 0,
        });
    }
    // A scan of one component is not interleaved: its blocks in rows over the picture alone.
    let (mcus_x, mcus_y) = if units.len() == 1 {
        (planes[units[0].c].bw, planes[units[0].c].bh)
    } else {
        (
            (f.width as usize).div_ceil(8 * f.hmax),
            (f.height as usize).div_ceil(8 * f.vmax),
        )
    };
    let mut bits = Bits::new(bytes, at);
    let mut rst = 0u8;
    for m in 0..mcus_x * mcus_y {
        if h.restart > 0 && m > 0 && m % h.restart as usize == 0 {
            bits.restart(rst)?;
            rst = (rst + 1) & 7;
            for u in &mut units {
                u.pred = 0;
            }
        }
        let (mx, my) = (m % mcus_x, m / mcus_x);
        // Data run out (zero bits are supplied past it): stop within a row, not at the end.
        if mx == 0 && !bits.sound() {
            return None;
        }
        for u in &mut units {
            let plane = &mut planes[u.c];
            for by in 0..u.v {
                for bx in 0..u.h {
                    let at = (my * u.v + by) * plane.w + mx * u.h + bx;
                    let slot = plane.dc.get_mut(at)?;
                    match pass {
                        Pass::Sequential => {
                            let (dc, ac) = (&tables[u.dc?], &tables[u.ac?]);
                            u.pred = u.pred.wrapping_add(entropy::dc_diff(&mut bits, dc)?);
                            entropy::skip_ac(&mut bits, ac)?;
                            *slot = u.pred;
                        }
                        Pass::First(al) => {
                            let dc = &tables[u.dc?];
                            u.pred = u.pred.wrapping_add(entropy::dc_diff(&mut bits, dc)?);
                            *slot = u.pred.wrapping_shl(al as u32);
                        }
                        Pass::Refine(al) => {
                            if entropy::bit(&mut bits) {
                                *slot |= 1 << al;
                            }
                        }
                    }
                }
            }
        }
    }
    if !bits.sound() {
        return None;
    }
    // Past the data's padding, a marker or the end of the file (a file cut just after its
    // data: the caller says it is incomplete).
    let at_marker = bytes.get(bits.pos) == Some(&0xFF)
        && bytes
            .get(bits.pos + 1)
            .is_some_and(|&m| !matches!(m, 0x00 | 0xD0..=0xD7));
    (bits.pos == bytes.len() || at_marker).then_some(bits.pos)
}

/// The planes as RGB at 1/8 of the picture: chroma upsampled by a triangle filter where it is
/// halved (as libjpeg's "fancy" upsampling), then JFIF YCbCr to RGB.
fn to_rgb(frame: &Frame, planes: &[Samples]) -> Option<RgbImage> {
    let (w, h) = (
        frame.width.div_ceil(8) as usize,
        frame.height.div_ceil(8) as usize,
    );
    let y = planes.first()?;
    if y.w < w || y.h < h {
        return None;
    }
    let mut out = vec![0u8; w * h * 3];
    if planes.len() == 1 {
        for row in 0..h {
            for col in 0..w {
                let v = y.px[row * y.w + col];
                out[(row * w + col) * 3..][..3].copy_from_slice(&[v, v, v]);
            }
        }
        return RgbImage::from_raw(w as u32, h as u32, out);
    }
    let chroma = |i: usize| {
        let c = &frame.comps[i];
        upsample(&planes[i], frame.hmax / c.h, frame.vmax / c.v, w, h)
    };
    let (cb, cr) = (chroma(1), chroma(2));
    for row in 0..h {
        for col in 0..w {
            let i = row * w + col;
            let yy = (y.px[row * y.w + col] as i32) << 16;
            let (b, r) = (cb[i] as i32 - 128, cr[i] as i32 - 128);
            // 1.402, 0.344136, 0.714136 and 1.772 in 16-bit fixed point, as libjpeg has them.
            let rr = (yy + 91881 * r + 32768) >> 16;
            let gg = (yy - 22554 * b - 46802 * r + 32768) >> 16;
            let bb = (yy + 116130 * b + 32768) >> 16;
            out[i * 3] = rr.clamp(0, 255) as u8;
            out[i * 3 + 1] = gg.clamp(0, 255) as u8;
            out[i * 3 + 2] = bb.clamp(0, 255) as u8;
        }
    }
    RgbImage::from_raw(w as u32, h as u32, out)
}

/// `p` brought to `w` x `h` from `fx` x `fy` times fewer samples (1 or 2 each way): a halved
/// axis takes 3/4 of the nearer sample and 1/4 of the further one. Past its edges a plane
/// repeats its last block.
fn upsample(p: &Samples, fx: usize, fy: usize, w: usize, h: usize) -> Vec<u8> {
    let at = |x: isize, y: isize| p.at(x, y) as u32;
    // For output index i on an axis: the nearer sample and the further one.
    let pair = |i: usize, f: usize| -> (isize, isize) {
        if f == 1 {
            (i as isize, i as isize)
        } else {
            let s = (i / 2) as isize;
            (s, if i.is_multiple_of(2) { s - 1 } else { s + 1 })
        }
    };
    let mut out = vec![0u8; w * h];
    for row in 0..h {
        let (y0, y1) = pair(row, fy);
        for col in 0..w {
            let (x0, x1) = pair(col, fx);
            let v = 9 * at(x0, y0) + 3 * at(x1, y0) + 3 * at(x0, y1) + at(x1, y1);
            out[row * w + col] = ((v + 8) >> 4) as u8;
        }
    }
    out
}
