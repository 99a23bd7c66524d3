//! Huffman decoding for the 1/8 decoder: DC differences read, AC coefficients stepped over.

/// Bits looked up at once.
const FAST: u32 = 12;

/// A Huffman table: the canonical code, and a lookup of the next `FAST` bits. For a DC table an
/// entry is the code's length and its symbol; for an AC table it is what stepping over one or
/// two codes and their magnitude bits takes: bits in all, coefficients advanced, end of block.
pub(super) struct Huff {
    fast: Box<[u16; 1 << FAST]>,
    /// The largest code of each length (index 1..=16), -1 when none.
    maxcode: [i32; 17],
    /// Added to a code of each length to give its index in `values`.
    offset: [i32; 17],
    values: [u8; 256],
}

/// In an AC entry: bits used in bits 0..4 (0: not in the table, take the slow way),
/// coefficients advanced in bits 4..10, end of block in bit 10.
const EOB: u16 = 1 << 10;

impl Huff {
    pub(super) fn new(counts: &[u8; 16], symbols: &[u8], ac: bool) -> Option<Huff> {
        let mut values = [0u8; 256];
        values[..symbols.len()].copy_from_slice(symbols);
        let mut maxcode = [-1i32; 17];
        let mut offset = [0i32; 17];
        // Each window of `FAST` bits that starts with a whole code: its length and symbol.
        let mut first = vec![0u16; 1 << FAST];
        let (mut code, mut k) = (0i32, 0usize);
        for len in 1..=16usize {
            let count = counts[len - 1] as usize;
            if count > 0 {
                offset[len] = k as i32 - code;
                for _ in 0..count {
                    if len as u32 <= FAST {
                        let spare = FAST - len as u32;
                        let base = (code as usize) << spare;
                        let entry = len as u16 | (values[k] as u16) << 8;
                        first.get_mut(base..base + (1 << spare))?.fill(entry);
                    }
                    code += 1;
                    k += 1;
                }
                maxcode[len] = code - 1;
                // The codes of a length must fit in it and not be all ones (as libjpeg checks).
                if code >= 1 << len {
                    return None;
                }
            }
            code <<= 1;
        }
        let mut fast: Box<[u16; 1 << FAST]> =
            vec![0u16; 1 << FAST].into_boxed_slice().try_into().ok()?;
        for (p, slot) in fast.iter_mut().enumerate() {
            *slot = if ac {
                ac_steps(&first, p as u32)
            } else {
                first[p]
            };
        }
        Some(Huff {
            fast,
            maxcode,
            offset,
            values,
        })
    }

    /// The symbol the next code stands for, and its length; `None` for no such code.
    #[inline]
    fn slow(&self, peek16: u32) -> Option<(u8, u32)> {
        for len in 1..=16usize {
            let code = (peek16 >> (16 - len)) as i32;
            if code <= self.maxcode[len] {
                let at = (code + self.offset[len]) as usize;
                return Some((*self.values.get(at)?, len as u32));
            }
        }
        None
    }
}

/// The AC entry for the window `p`: the first step (a code and its magnitude bits) and,
/// when it fits too and the first is not the end of the block, the second.
fn ac_steps(first: &[u16], p: u32) -> u16 {
    let Some((used, adv, eob)) = ac_step(first, p, FAST) else {
        return 0;
    };
    let mut entry = (used, adv, eob);
    if !eob && used < FAST {
        let rest = (p << used) & ((1 << FAST) - 1);
        if let Some((u2, a2, e2)) = ac_step(first, rest, FAST - used) {
            entry = (used + u2, adv + a2, e2);
        }
    }
    let (used, adv, eob) = entry;
    used as u16 | (adv as u16) << 4 | if eob { EOB } else { 0 }
}

/// One AC step at the start of window `p` whose first `room` bits are known: bits used,
/// coefficients advanced, end of block. `None`: it does not fit, or is not a baseline symbol.
fn ac_step(first: &[u16], p: u32, room: u32) -> Option<(u32, u32, bool)> {
    let e = first[p as usize];
    let (len, sym) = ((e & 0xFF) as u32, (e >> 8) as u8);
    if len == 0 || len > room {
        return None;
    }
    let (run, size) = ((sym >> 4) as u32, (sym & 15) as u32);
    match (run, size) {
        (0, 0) => Some((len, 0, true)),
        (15, 0) => Some((len, 16, false)),
        (_, 0) => None,
        _ if size > 10 || len + size > room => None,
        _ => Some((len + size, run + 1, false)),
    }
}

/// The entropy-coded data, read MSB first with the 0xFF 0x00 stuffing removed. At a marker (or
/// the end) reading stops and zero bits are supplied instead, counted in `fake`: a decoder that
/// consumes any of them has run off its data.
pub(super) struct Bits<'a> {
    data: &'a [u8],
    pub(super) pos: usize,
    acc: u64,
    n: u32,
    fake: u32,
    stopped: bool,
}

impl<'a> Bits<'a> {
    pub(super) fn new(data: &'a [u8], pos: usize) -> Self {
        Bits {
            data,
            pos,
            acc: 0,
            n: 0,
            fake: 0,
            stopped: false,
        }
    }

    /// At least 57 bits in `acc`.
    #[inline]
    fn refill(&mut self) {
        if !self.stopped
            && let Some(chunk) = self.data.get(self.pos..self.pos + 8)
        {
            let v = u64::from_be_bytes(chunk.try_into().unwrap_or([0xFF; 8]));
            let x = !v;
            let has_ff = x.wrapping_sub(0x0101_0101_0101_0101) & !x & 0x8080_8080_8080_8080;
            let take = (63 - self.n.min(63)) / 8;
            if has_ff == 0 && take > 0 {
                self.acc |= (v >> (64 - 8 * take)) << (64 - self.n - 8 * take);
                self.n += 8 * take;
                self.pos += take as usize;
                return;
            }
        }
        while self.n <= 56 {
            let next = if self.stopped {
                None
            } else {
                match self.data.get(self.pos) {
                    // A stuffed 0xFF: a data byte.
                    Some(&0xFF) if self.data.get(self.pos + 1) == Some(&0) => {
                        self.pos += 2;
                        Some(0xFF)
                    }
                    // A marker, or the end: no more data.
                    Some(&0xFF) | None => None,
                    Some(&b) => {
                        self.pos += 1;
                        Some(b)
                    }
                }
            };
            let byte = next.unwrap_or_else(|| {
                self.stopped = true;
                self.fake += 8;
                0
            });
            self.acc |= (byte as u64) << (56 - self.n);
            self.n += 8;
        }
    }

    #[inline]
    fn peek(&self, bits: u32) -> u32 {
        (self.acc >> (64 - bits)) as u32
    }

    #[inline]
    fn skip(&mut self, bits: u32) {
        self.acc <<= bits;
        self.n -= bits;
    }

    /// Whether every bit consumed so far was real data.
    pub(super) fn sound(&self) -> bool {
        self.n >= self.fake
    }

    /// At the end of a restart interval: past the padding, the restart marker `rst` must come.
    pub(super) fn restart(&mut self, rst: u8) -> Option<()> {
        if !self.sound() || self.n - self.fake >= 8 {
            return None;
        }
        while self.data.get(self.pos) == Some(&0xFF) && self.data.get(self.pos + 1) == Some(&0xFF) {
            self.pos += 1;
        }
        if self.data.get(self.pos..self.pos + 2)? != [0xFF, 0xD0 + rst] {
            return None;
        }
        *self = Bits::new(self.data, self.pos + 2);
        Some(())
    }
}

/// The next DC difference (a code and its magnitude bits).
#[inline]
pub(super) fn dc_diff(bits: &mut Bits, dc: &Huff) -> Option<i32> {
    if bits.n < 32 {
        bits.refill();
    }
    let e = dc.fast[bits.peek(FAST) as usize];
    let (size, len) = if e != 0 {
        ((e >> 8) as u32, (e & 0xFF) as u32)
    } else {
        let (sym, len) = dc.slow(bits.peek(16))?;
        (sym as u32, len)
    };
    bits.skip(len);
    if size > 11 {
        return None;
    }
    if size == 0 {
        return Some(0);
    }
    let v = bits.peek(size) as i32;
    bits.skip(size);
    Some(if v < 1 << (size - 1) {
        v - (1 << size) + 1
    } else {
        v
    })
}

/// One bit (a progressive DC refinement).
#[inline]
pub(super) fn bit(bits: &mut Bits) -> bool {
    if bits.n < 32 {
        bits.refill();
    }
    let b = bits.peek(1) == 1;
    bits.skip(1);
    b
}

/// Steps over a block's AC coefficients. `None`: a code that is none of the table's, or a run
/// past the end of the block.
#[inline]
pub(super) fn skip_ac(bits: &mut Bits, ac: &Huff) -> Option<()> {
    let mut k = 1u32;
    while k < 64 {
        if bits.n < 32 {
            bits.refill();
        }
        let e = ac.fast[bits.peek(FAST) as usize];
        let adv = ((e >> 4) & 63) as u32;
        // Two steps may not cross into the next block (one that ends without an end code).
        if e != 0 && k + adv < 64 {
            bits.skip((e & 15) as u32);
            if e & EOB != 0 {
                break;
            }
            k += adv;
        } else {
            let (sym, len) = ac.slow(bits.peek(16))?;
            bits.skip(len);
            let (run, size) = ((sym >> 4) as u32, (sym & 15) as u32);
            if size == 0 {
                match run {
                    0 => break,
                    15 => k += 16,
                    _ => return None,
                }
            } else {
                if size > 10 {
                    return None;
                }
                bits.skip(size);
                k += run + 1;
            }
        }
    }
    (k <= 64).then_some(())
}
