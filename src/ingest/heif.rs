//! HEIF/HEIC and AVIF decoding through the system's libheif, loaded at run time.
//!
//! libheif is opened by its soname `libheif.so.1` (Debian ships no `libheif.so` link and no
//! pkg-config file, so nothing is linked at build time). The library is loaded once per process;
//! each decode uses a context of its own, so several threads may decode at once.
//!
//! The picture comes out upright: libheif applies the file's `irot`/`imir`/`clap` properties
//! itself (the decoding options are left at their defaults). An EXIF Orientation inside a HEIF
//! describes the same turn and must not be applied again.
//!
//! The C declarations below follow libheif 1.15's `heif.h`: `struct heif_error` is returned by
//! value, the enums are plain C `int`s.

use image::RgbImage;
use std::ffi::{CStr, c_char, c_int, c_void};
use std::sync::OnceLock;

/// The soname Debian 12 (libheif 1.15) and later ship.
const LIBHEIF: &str = "libheif.so.1";

// Enum values from heif.h (libheif 1.15; unchanged since 1.0).
const HEIF_COLORSPACE_RGB: c_int = 1;
const HEIF_CHROMA_INTERLEAVED_RGB: c_int = 10;
const HEIF_CHROMA_INTERLEAVED_RGBA: c_int = 11;
const HEIF_CHANNEL_INTERLEAVED: c_int = 10;
/// `heif_error_Ok`.
const HEIF_OK: c_int = 0;
/// `heif_error_Memory_allocation_error`.
const HEIF_ERROR_MEMORY: c_int = 6;
/// `heif_suberror_No_pitm_box`, `No_iinf_box`, `No_or_invalid_primary_item`, `No_item_data`:
/// a HEIF container with no picture in it.
const NO_PICTURE_SUBCODES: [c_int; 4] = [107, 111, 124, 117];
/// `heif_suberror_Nonexisting_item_referenced`: a picture only when the `pitm` box is the one
/// pointing at nothing.
const HEIF_SUBERROR_NONEXISTING_ITEM: c_int = 2000;
/// `heif_error_Invalid_input` / `heif_suberror_End_of_data`: an item's data lies past the end.
const HEIF_ERROR_INVALID_INPUT: c_int = 2;
const HEIF_SUBERROR_END_OF_DATA: c_int = 100;
/// `heif_suberror_Security_limit_exceeded`.
const HEIF_SUBERROR_SECURITY_LIMIT: c_int = 1000;

/// `struct heif_error`, returned by value.
#[repr(C)]
#[derive(Clone, Copy)]
struct HeifError {
    code: c_int,
    subcode: c_int,
    /// Always set by libheif (a static string), but checked for NULL anyway.
    message: *const c_char,
}

/// Opaque `struct heif_context`, `struct heif_image_handle`, `struct heif_image`.
enum Context {}
enum Handle {}
enum Image {}

type InitFn = unsafe extern "C" fn(*mut c_void) -> HeifError;
type ContextAllocFn = unsafe extern "C" fn() -> *mut Context;
type ContextFreeFn = unsafe extern "C" fn(*mut Context);
type ReadFromMemoryFn =
    unsafe extern "C" fn(*mut Context, *const c_void, usize, *const c_void) -> HeifError;
type TopLevelCountFn = unsafe extern "C" fn(*mut Context) -> c_int;
type PrimaryHandleFn = unsafe extern "C" fn(*mut Context, *mut *mut Handle) -> HeifError;
type HandleIntFn = unsafe extern "C" fn(*const Handle) -> c_int;
type HandleReleaseFn = unsafe extern "C" fn(*const Handle);
type DecodeFn =
    unsafe extern "C" fn(*const Handle, *mut *mut Image, c_int, c_int, *const c_void) -> HeifError;
type ImageChannelIntFn = unsafe extern "C" fn(*const Image, c_int) -> c_int;
type PlaneReadonlyFn = unsafe extern "C" fn(*const Image, c_int, *mut c_int) -> *const u8;
type ImageReleaseFn = unsafe extern "C" fn(*const Image);
type SetLimitFn = unsafe extern "C" fn(*mut Context, c_int);

/// The functions we call, resolved once. The `Library` is kept next to them so the pointers
/// stay valid for the life of the process (the value lives in a static and is never dropped).
struct Api {
    _lib: libloading::Library,
    context_alloc: ContextAllocFn,
    context_free: ContextFreeFn,
    read_from_memory_without_copy: ReadFromMemoryFn,
    number_of_top_level_images: TopLevelCountFn,
    primary_image_handle: PrimaryHandleFn,
    handle_width: HandleIntFn,
    handle_height: HandleIntFn,
    handle_has_alpha: HandleIntFn,
    handle_release: HandleReleaseFn,
    decode_image: DecodeFn,
    image_width: ImageChannelIntFn,
    image_height: ImageChannelIntFn,
    image_bits_per_pixel: ImageChannelIntFn,
    plane_readonly: PlaneReadonlyFn,
    image_release: ImageReleaseFn,
    set_maximum_image_size_limit: Option<SetLimitFn>,
}

static API: OnceLock<Result<Api, String>> = OnceLock::new();

/// Ok if libheif could be loaded; Err("libheif (libheif.so.1) is not installed" or the loader's
/// reason) otherwise.
pub fn available() -> Result<(), String> {
    api().map(|_| ())
}

fn api() -> Result<&'static Api, String> {
    API.get_or_init(|| load(LIBHEIF))
        .as_ref()
        .map_err(Clone::clone)
}

/// Opens `name` and resolves every function `decode` needs.
fn load(name: &str) -> Result<Api, String> {
    // SAFETY: loading a shared library runs its initialisers. libheif's are its C++ static
    // constructors (plugin tables), which have no preconditions on us.
    let lib = unsafe { libloading::Library::new(name) }.map_err(|e| {
        let reason = e.to_string();
        if reason.contains("No such file") || reason.contains("cannot open shared object") {
            format!("libheif ({name}) is not installed")
        } else {
            format!(
                "libheif ({name}) could not be loaded: {}",
                reason.chars().take(160).collect::<String>()
            )
        }
    })?;
    /// Copies out one function pointer of type `T`.
    ///
    /// SAFETY (for callers): `T` must be the function's exact C signature from heif.h.
    unsafe fn sym<T: Copy>(lib: &libloading::Library, symbol: &str) -> Result<T, String> {
        // SAFETY: the caller vouches for the type; the pointer stays valid as long as `lib`,
        // which `Api` keeps for the life of the process.
        unsafe { lib.get::<T>(symbol.as_bytes()) }
            .map(|s| *s)
            .map_err(|_| {
                format!("libheif ({LIBHEIF}) lacks {symbol}: the installed version is too old")
            })
    }
    // SAFETY: each type alias above was written from libheif 1.15's heif.h declaration of the
    // function of the same name.
    let api = unsafe {
        Api {
            context_alloc: sym(&lib, "heif_context_alloc")?,
            context_free: sym(&lib, "heif_context_free")?,
            read_from_memory_without_copy: sym(&lib, "heif_context_read_from_memory_without_copy")?,
            number_of_top_level_images: sym(&lib, "heif_context_get_number_of_top_level_images")?,
            primary_image_handle: sym(&lib, "heif_context_get_primary_image_handle")?,
            handle_width: sym(&lib, "heif_image_handle_get_width")?,
            handle_height: sym(&lib, "heif_image_handle_get_height")?,
            handle_has_alpha: sym(&lib, "heif_image_handle_has_alpha_channel")?,
            handle_release: sym(&lib, "heif_image_handle_release")?,
            decode_image: sym(&lib, "heif_decode_image")?,
            image_width: sym(&lib, "heif_image_get_width")?,
            image_height: sym(&lib, "heif_image_get_height")?,
            image_bits_per_pixel: sym(&lib, "heif_image_get_bits_per_pixel")?,
            plane_readonly: sym(&lib, "heif_image_get_plane_readonly")?,
            image_release: sym(&lib, "heif_image_release")?,
            set_maximum_image_size_limit: sym(&lib, "heif_context_set_maximum_image_size_limit")
                .ok(),
            _lib: lib,
        }
    };
    // heif_init (libheif >= 1.13) registers the decoder plugins; older versions do that on
    // their own. It is called once here and heif_deinit never, so it is never undone while
    // another thread decodes.
    // SAFETY: `heif_init(struct heif_init_params*)`; NULL asks for the defaults.
    if let Ok(init) = unsafe { sym::<InitFn>(&api._lib, "heif_init") } {
        // SAFETY: see above; the returned struct is read only if not Ok.
        let err = unsafe { init(std::ptr::null_mut()) };
        if err.code != HEIF_OK {
            return Err(format!(
                "libheif ({LIBHEIF}) failed to start: {}",
                message(&err)
            ));
        }
    }
    Ok(api)
}

/// The message of a libheif error, short and printable.
fn message(err: &HeifError) -> String {
    if err.message.is_null() {
        return format!("error {}.{}", err.code, err.subcode);
    }
    // SAFETY: libheif's messages are NUL-terminated strings that live at least until the next
    // call on the same context (most are static); it is copied at once.
    let text = unsafe { CStr::from_ptr(err.message) }.to_string_lossy();
    let text: String = text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(160)
        .collect();
    text.trim_end_matches(['.', ' ']).to_string()
}

/// Frees the context on every path out of `decode`.
struct ContextGuard<'a>(&'a Api, *mut Context);
impl Drop for ContextGuard<'_> {
    fn drop(&mut self) {
        // SAFETY: a non-null pointer from heif_context_alloc, freed exactly once here.
        unsafe { (self.0.context_free)(self.1) }
    }
}

struct HandleGuard<'a>(&'a Api, *mut Handle);
impl Drop for HandleGuard<'_> {
    fn drop(&mut self) {
        // SAFETY: a non-null handle from heif_context_get_primary_image_handle, released once.
        unsafe { (self.0.handle_release)(self.1) }
    }
}

struct ImageGuard<'a>(&'a Api, *mut Image);
impl Drop for ImageGuard<'_> {
    fn drop(&mut self) {
        // SAFETY: a non-null image from heif_decode_image, released once.
        unsafe { (self.0.image_release)(self.1) }
    }
}

/// Decodes the primary image upright (HEIF irot/imir applied by libheif; an EXIF Orientation
/// inside a HEIF describes the same turn and must NOT be applied again by the caller). Returns
/// the pixels and the full displayed size.
/// Refuses before decoding when the handle's size exceeds `max_pixels` ("the image claims W x H
/// pixels, more than ..."). A HEIF with no image at all: Err("the file holds no picture").
pub fn decode(bytes: &[u8], max_pixels: u64) -> Result<(RgbImage, u32, u32), String> {
    let api = api()?;
    let kind = match bytes.get(8..12) {
        Some(b"avif") | Some(b"avis") => "AVIF",
        _ => "HEIF",
    };
    if bytes.len() < 12 || bytes.get(4..8) != Some(b"ftyp") {
        return Err(format!("not a readable {kind} (no ftyp box at the start)"));
    }
    // SAFETY: no arguments; NULL is checked.
    let ctx = unsafe { (api.context_alloc)() };
    if ctx.is_null() {
        return Err("libheif could not allocate a context".into());
    }
    let ctx = ContextGuard(api, ctx);
    if let Some(set_limit) = api.set_maximum_image_size_limit {
        // libheif 1.15 refuses, while reading, any image item (grid tiles too) with an edge
        // above this (measured: 20000 x 100 passes 20000 and fails 15000); later versions read
        // it as edge² pixels. 32768 is 1.15's own default: panoramas stay readable, and this
        // never raises the limit of a newer libheif. `max_pixels` is checked below either way.
        let edge = max_pixels.clamp(1, 32_768) as c_int;
        // SAFETY: a live context; the limit is a plain int.
        unsafe { set_limit(ctx.1, edge) };
    }
    // SAFETY: `bytes` outlives the context (the guard is dropped before this function returns)
    // and is never written; NULL reading options are the documented default.
    let err = unsafe {
        (api.read_from_memory_without_copy)(
            ctx.1,
            bytes.as_ptr().cast(),
            bytes.len(),
            std::ptr::null(),
        )
    };
    if err.code != HEIF_OK {
        return Err(read_error(&err, kind));
    }
    // SAFETY: a live context that has read the file.
    let count = unsafe { (api.number_of_top_level_images)(ctx.1) };
    if count <= 0 {
        return Err("the file holds no picture".into());
    }
    let mut handle: *mut Handle = std::ptr::null_mut();
    // SAFETY: a live context and a valid out-pointer; the handle is checked for NULL.
    let err = unsafe { (api.primary_image_handle)(ctx.1, &mut handle) };
    if err.code != HEIF_OK || handle.is_null() {
        if !handle.is_null() {
            // SAFETY: a handle libheif gave us despite the error; released once.
            drop(HandleGuard(api, handle));
        }
        return Err(read_error(&err, kind));
    }
    let handle = HandleGuard(api, handle);
    // SAFETY: a live handle.
    let (w, h, alpha) = unsafe {
        (
            (api.handle_width)(handle.1),
            (api.handle_height)(handle.1),
            (api.handle_has_alpha)(handle.1) != 0,
        )
    };
    check_size(w, h, max_pixels)?;

    let (chroma, bpp) = if alpha {
        (HEIF_CHROMA_INTERLEAVED_RGBA, 4usize)
    } else {
        (HEIF_CHROMA_INTERLEAVED_RGB, 3usize)
    };
    let mut img: *mut Image = std::ptr::null_mut();
    // SAFETY: a live handle and a valid out-pointer; NULL options = defaults (transformations
    // applied); the image is checked for NULL.
    let err = unsafe {
        (api.decode_image)(
            handle.1,
            &mut img,
            HEIF_COLORSPACE_RGB,
            chroma,
            std::ptr::null(),
        )
    };
    if err.code != HEIF_OK || img.is_null() {
        if !img.is_null() {
            // SAFETY: an image libheif gave us despite the error; released once.
            drop(ImageGuard(api, img));
        }
        return Err(format!("damaged {kind} ({})", message(&err)));
    }
    let img = ImageGuard(api, img);
    // SAFETY: a live image; these return -1 for a channel that does not exist.
    let (iw, ih, bits) = unsafe {
        (
            (api.image_width)(img.1, HEIF_CHANNEL_INTERLEAVED),
            (api.image_height)(img.1, HEIF_CHANNEL_INTERLEAVED),
            (api.image_bits_per_pixel)(img.1, HEIF_CHANNEL_INTERLEAVED),
        )
    };
    check_size(iw, ih, max_pixels)?;
    if bits != (bpp * 8) as c_int {
        return Err(format!(
            "damaged {kind} (libheif gave {bits} bits per pixel, not {})",
            bpp * 8
        ));
    }
    let mut stride: c_int = 0;
    // SAFETY: a live image, an existing channel, a valid out-pointer; NULL is checked.
    let plane = unsafe { (api.plane_readonly)(img.1, HEIF_CHANNEL_INTERLEAVED, &mut stride) };
    let (iw, ih) = (iw as u32, ih as u32);
    let row_bytes = iw as usize * bpp;
    if plane.is_null() || stride < 0 || (stride as usize) < row_bytes {
        return Err(format!("damaged {kind} (libheif gave no pixel plane)"));
    }
    let stride = stride as usize;
    let mut out: Vec<u8> = Vec::new();
    out.try_reserve_exact(iw as usize * ih as usize * 3)
        .map_err(|_| format!("not enough memory to decode a {iw} x {ih} {kind}"))?;
    for y in 0..ih as usize {
        // SAFETY: libheif's plane holds `ih` rows of `stride` bytes each, and a row's pixels
        // take `row_bytes` <= `stride` of them; the image stays alive (its guard) meanwhile.
        let row = unsafe { std::slice::from_raw_parts(plane.add(y * stride), row_bytes) };
        if bpp == 3 {
            out.extend_from_slice(row);
        } else {
            // Transparent pixels over mid grey, as render.rs does for other formats.
            for p in row.chunks_exact(4) {
                let a = p[3] as u16;
                for &c in &p[..3] {
                    out.push(((c as u16 * a + 128 * (255 - a)) / 255) as u8);
                }
            }
        }
    }
    drop(img);
    drop(handle);
    drop(ctx);
    let rgb = RgbImage::from_raw(iw, ih, out).ok_or(format!("damaged {kind} (pixel buffer)"))?;
    Ok((rgb, iw, ih))
}

fn read_error(err: &HeifError, kind: &str) -> String {
    if NO_PICTURE_SUBCODES.contains(&err.subcode)
        || (err.subcode == HEIF_SUBERROR_NONEXISTING_ITEM && message(err).contains("'pitm'"))
    {
        return "the file holds no picture".into();
    }
    if err.code == HEIF_ERROR_INVALID_INPUT && err.subcode == HEIF_SUBERROR_END_OF_DATA {
        return format!("truncated {kind}: the file ends before the image does");
    }
    if err.code == HEIF_ERROR_MEMORY && err.subcode == HEIF_SUBERROR_SECURITY_LIMIT {
        return format!("the image is larger than libheif allows ({})", message(err));
    }
    format!("not a readable {kind} ({})", message(err))
}

fn check_size(w: c_int, h: c_int, max_pixels: u64) -> Result<(), String> {
    if w <= 0 || h <= 0 {
        return Err(format!("the image claims an empty size ({w} x {h} pixels)"));
    }
    if w as u64 * h as u64 > max_pixels {
        let limit = if max_pixels >= 1_000_000 {
            format!("the {} megapixel limit", max_pixels / 1_000_000)
        } else {
            format!("the limit of {max_pixels} pixels")
        };
        return Err(format!(
            "the image claims {w} x {h} pixels, more than {limit} (a decompression bomb or a damaged header)"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
