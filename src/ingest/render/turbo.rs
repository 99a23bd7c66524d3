//! JPEG decoding with libjpeg-turbo (compiled from source by `mozjpeg-sys`, no SIMD), at the
//! DCT scale the preview needs. libjpeg reports fatal errors through `error_exit`, which must
//! not return: here it unwinds (the C is built with `-fexceptions`, the `unwinding` feature)
//! back to `decode`, which catches it and frees the decoder. Warnings (corrupt data, a file
//! cut short: the rest decodes grey) are counted, never printed.

use super::{MAX_ALLOC, RenderError, check_size};
use image::RgbImage;
use mozjpeg_sys::*;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};

/// A libjpeg fatal error, carried by the unwind.
struct Fatal(String);

unsafe extern "C-unwind" fn error_exit(cinfo: &mut jpeg_common_struct) {
    let buf = [0u8; 80];
    // SAFETY: `err` points at the error manager set up in `decode`, which outlives it.
    unsafe {
        if let Some(format) = (*cinfo.err).format_message {
            format(cinfo, &buf);
        }
    }
    let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    resume_unwind(Box::new(Fatal(
        String::from_utf8_lossy(&buf[..end]).into_owned(),
    )));
}

unsafe extern "C-unwind" fn emit_message(cinfo: &mut jpeg_common_struct, level: i32) {
    if level < 0 {
        // SAFETY: as above.
        unsafe { (*cinfo.err).num_warnings += 1 };
    }
}

unsafe extern "C-unwind" fn output_message(_: &mut jpeg_common_struct) {}

/// The decoder and its error manager, boxed so the pointers between them stay put;
/// destroyed (all libjpeg memory freed) on drop, after an error too.
struct Decompress {
    cinfo: Box<jpeg_decompress_struct>,
    _err: Box<jpeg_error_mgr>,
}

impl Drop for Decompress {
    fn drop(&mut self) {
        // SAFETY: created by jpeg_create_decompress; destroy is valid in any state.
        unsafe { jpeg_destroy_decompress(&mut self.cinfo) };
    }
}

/// `Ok(None)`: a JPEG this path leaves to the other decoders (CMYK, YCCK).
pub(super) fn decode(
    bytes: &[u8],
    min_edge: u32,
) -> Result<Option<(RgbImage, u32, u32)>, RenderError> {
    // SAFETY: zeroed structs are what libjpeg expects before jpeg_std_error/create.
    let mut err: Box<jpeg_error_mgr> = Box::new(unsafe { std::mem::zeroed() });
    let mut cinfo: Box<jpeg_decompress_struct> = Box::new(unsafe { std::mem::zeroed() });
    let mut dec = unsafe {
        cinfo.common.err = jpeg_std_error(&mut err);
        err.error_exit = Some(error_exit);
        err.emit_message = Some(emit_message);
        err.output_message = Some(output_message);
        let created = catch_unwind(AssertUnwindSafe(|| jpeg_create_decompress(&mut *cinfo)));
        if created.is_err() {
            return Err(RenderError::Unreadable("not a readable JPEG".into()));
        }
        Decompress { cinfo, _err: err }
    };
    let result = catch_unwind(AssertUnwindSafe(|| unsafe {
        run(&mut dec, bytes, min_edge)
    }));
    match result {
        Ok(r) => r,
        Err(payload) => match payload.downcast::<Fatal>() {
            Ok(fatal) => Err(RenderError::Unreadable(format!(
                "not a readable JPEG ({})",
                fatal.0
            ))),
            Err(_) => Err(RenderError::Unreadable(
                "not a readable JPEG (the decoder crashed)".into(),
            )),
        },
    }
}

/// SAFETY: `dec` is freshly created; `bytes` outlives the call (libjpeg reads it in place).
unsafe fn run(
    dec: &mut Decompress,
    bytes: &[u8],
    min_edge: u32,
) -> Result<Option<(RgbImage, u32, u32)>, RenderError> {
    let cinfo = &mut *dec.cinfo;
    unsafe {
        // Whole-image buffers (progressive coefficients) past this are refused.
        (*cinfo.common.mem).max_memory_to_use = MAX_ALLOC as _;
        jpeg_mem_src(cinfo, bytes.as_ptr(), bytes.len() as _);
        jpeg_read_header(cinfo, 1);
    }
    let (w, h) = (cinfo.image_width, cinfo.image_height);
    check_size(w, h)?;
    let out_space = match cinfo.jpeg_color_space {
        J_COLOR_SPACE::JCS_GRAYSCALE | J_COLOR_SPACE::JCS_YCbCr | J_COLOR_SPACE::JCS_RGB => {
            J_COLOR_SPACE::JCS_RGB
        }
        _ => return Ok(None),
    };
    let long = w.max(h);
    let denom = [8u32, 4, 2, 1]
        .into_iter()
        .find(|d| long / d >= min_edge)
        .unwrap_or(1);
    cinfo.out_color_space = out_space;
    cinfo.scale_num = 1;
    cinfo.scale_denom = denom;
    unsafe { jpeg_start_decompress(cinfo) };
    let (sw, sh) = (cinfo.output_width, cinfo.output_height);
    if cinfo.output_components != 3 || sw == 0 || sh == 0 {
        return Ok(None);
    }
    let stride = sw as usize * 3;
    let mut pixels = vec![0u8; stride * sh as usize];
    let mut rows: Vec<*mut u8> = pixels
        .chunks_exact_mut(stride)
        .map(|r| r.as_mut_ptr())
        .collect();
    while cinfo.output_scanline < sh {
        let at = cinfo.output_scanline as usize;
        let read = unsafe {
            jpeg_read_scanlines(cinfo, rows[at..].as_mut_ptr(), sh - cinfo.output_scanline)
        };
        if read == 0 {
            break;
        }
    }
    // The trailing markers are not read: whatever follows the image is not ours to parse.
    let img = RgbImage::from_raw(sw, sh, pixels)
        .ok_or_else(|| RenderError::Unreadable("damaged JPEG (pixel buffer)".into()))?;
    Ok(Some((img, w, h)))
}
