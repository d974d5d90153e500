//! Recognising media and making previews, under limits that refuse decompression bombs before
//! any pixel memory is allocated.
//!
//! The original is never changed: this module only reads it. JPEGs (most phone photos) are
//! decoded at reduced scale (IDCT scaling, 1/2 to 1/8) straight to about the thumbnail size;
//! other formats the `image` crate knows are decoded whole under an allocation limit. Photos in
//! formats we cannot decode (HEIC/HEIF from iPhones, AVIF, camera RAW, TIFF variants the decoder
//! does not know) are still evidence: they are accepted with a platform-made thumbnail or none,
//! and the reason. "Damaged" is said only of data whose structure is broken (a JPEG without its
//! end, a TIFF whose strips point past the end of the file, a PNG that fails its checks); such a
//! photo is refused unless the officer chooses to keep it, and is then marked damaged. A panic
//! inside a decoder is caught and kept quiet: the photo is kept without a preview.

use std::io::Cursor;

use image::{DynamicImage, ImageFormat, ImageReader, Limits};

use crate::error::{Error, Result};
use crate::model::{MediaKind, PreviewSource};

/// Long edge of generated thumbnails, in pixels.
pub const THUMB_EDGE: u32 = 320;
/// The most pixels a photo may have (about 120 megapixels; today's largest phone sensors
/// produce 108 MP images at full resolution, and a 60000×60000 header is refused).
pub const MAX_PIXELS: u64 = 120_000_000;
/// The most bytes of a photo file decoded in memory.
pub const MAX_PHOTO_BYTES: u64 = 256 * 1024 * 1024;
/// Memory the `image` crate may allocate when decoding a non-JPEG photo whole.
const MAX_DECODE_ALLOC: u64 = 512 * 1024 * 1024;
/// The most pixels a platform-supplied thumbnail may have.
const MAX_PLATFORM_THUMB_PIXELS: u64 = 4096 * 4096;

/// What the first bytes of a file say it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sniffed {
    /// Photo, video or audio.
    pub kind: MediaKind,
    /// MIME type from the content.
    pub mime: String,
    /// Usual file extension for the type.
    pub extension: String,
}

/// Recognises media from its first bytes (at least 8 KiB where the file has them). Empty input
/// is [`Error::EmptyFile`]; anything not photo, video or audio is [`Error::NotMedia`].
pub fn sniff(head: &[u8]) -> Result<Sniffed> {
    if head.is_empty() {
        return Err(Error::EmptyFile);
    }
    if let Some(s) = sniff_isobmff(head).or_else(|| sniff_ebml(head)) {
        return Ok(s);
    }
    let Some(t) = infer::get(head) else {
        return Err(Error::NotMedia {
            detected: "unrecognised data".into(),
        });
    };
    let kind = match t.matcher_type() {
        infer::MatcherType::Image => MediaKind::Photo,
        infer::MatcherType::Video => MediaKind::Video,
        infer::MatcherType::Audio => MediaKind::Audio,
        _ => {
            return Err(Error::NotMedia {
                detected: t.mime_type().to_string(),
            })
        }
    };
    Ok(Sniffed {
        kind,
        mime: t.mime_type().to_string(),
        extension: t.extension().to_string(),
    })
}

fn sniffed(kind: MediaKind, mime: &str, extension: &str) -> Sniffed {
    Sniffed {
        kind,
        mime: mime.into(),
        extension: extension.into(),
    }
}

/// ISO base media files (MP4, MOV, 3GP, HEIF, AVIF, M4A) by the major brand of their `ftyp` box:
/// budget phones still record 3GP (`3gp4`, `3gp5`, `3g2a`), which general matchers miss.
fn sniff_isobmff(head: &[u8]) -> Option<Sniffed> {
    if head.len() < 12 || &head[4..8] != b"ftyp" {
        return None;
    }
    let brand = &head[8..12];
    Some(match brand {
        b if b.starts_with(b"3gp") || b.starts_with(b"3gs") => {
            sniffed(MediaKind::Video, "video/3gpp", "3gp")
        }
        b if b.starts_with(b"3g2") => sniffed(MediaKind::Video, "video/3gpp2", "3g2"),
        b"heic" | b"heix" | b"heim" | b"heis" | b"hevc" | b"hevx" | b"mif1" | b"msf1" => {
            sniffed(MediaKind::Photo, "image/heif", "heif")
        }
        b"avif" | b"avis" => sniffed(MediaKind::Photo, "image/avif", "avif"),
        b"M4A " | b"M4B " | b"F4A " => sniffed(MediaKind::Audio, "audio/mp4", "m4a"),
        b"qt  " => sniffed(MediaKind::Video, "video/quicktime", "mov"),
        b"isom" | b"iso2" | b"iso4" | b"iso5" | b"iso6" | b"mp41" | b"mp42" | b"avc1" | b"dash"
        | b"M4V " | b"mmp4" | b"MSNV" | b"f4v " => sniffed(MediaKind::Video, "video/mp4", "mp4"),
        _ => return None,
    })
}

/// Matroska and WebM share the EBML container; the DocType element says which.
fn sniff_ebml(head: &[u8]) -> Option<Sniffed> {
    if !head.starts_with(&[0x1A, 0x45, 0xDF, 0xA3]) {
        return None;
    }
    let window = &head[..head.len().min(64)];
    let at = window.windows(2).position(|w| w == [0x42, 0x82])? + 2;
    let size = usize::from(*window.get(at)? & 0x7F);
    let doc = window.get(at + 1..at + 1 + size)?;
    match doc {
        b"webm" => Some(sniffed(MediaKind::Video, "video/webm", "webm")),
        b"matroska" => Some(sniffed(MediaKind::Video, "video/x-matroska", "mkv")),
        _ => None,
    }
}

/// Why a photo could not be previewed: a sound file the decoder cannot draw, or damage.
enum NoPreview {
    Unsupported(String),
    Damaged(String),
}

/// Runs a decoder, turning a panic inside it into "no preview" without printing anything.
fn quietly<T>(f: impl FnOnce() -> Result<T>) -> std::result::Result<Result<T>, NoPreview> {
    use std::cell::Cell;
    use std::sync::Once;
    thread_local!(static QUIET: Cell<bool> = const { Cell::new(false) });
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.with(Cell::get) {
                previous(info);
            }
        }));
    });
    QUIET.with(|q| q.set(true));
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    QUIET.with(|q| q.set(false));
    r.map_err(|_| NoPreview::Unsupported("the decoder failed on this file".into()))
}

/// Checks a TIFF's structure: header, first directory, and that every strip or tile lies inside
/// the file. A TIFF that passes is sound even when the decoder cannot draw it.
fn tiff_intact(b: &[u8]) -> std::result::Result<(), String> {
    let le = match b.get(..4) {
        Some([b'I', b'I', 42, 0]) => true,
        Some([b'M', b'M', 0, 42]) => false,
        Some([b'I', b'I', 43, 0]) | Some([b'M', b'M', 0, 43]) => return Ok(()), // BigTIFF: header sound
        _ => return Err("not a TIFF header".into()),
    };
    let u16_at = |o: usize| {
        b.get(o..o + 2).map(|x| {
            if le {
                u16::from_le_bytes([x[0], x[1]])
            } else {
                u16::from_be_bytes([x[0], x[1]])
            }
        })
    };
    let u32_at = |o: usize| {
        b.get(o..o + 4).map(|x| {
            if le {
                u32::from_le_bytes([x[0], x[1], x[2], x[3]])
            } else {
                u32::from_be_bytes([x[0], x[1], x[2], x[3]])
            }
        })
    };
    let cut = || "the file is cut short (its directory points past the end)".to_string();
    let ifd = u32_at(4).ok_or_else(cut)? as usize;
    let n = usize::from(u16_at(ifd).ok_or_else(cut)?);
    if n == 0 || ifd + 2 + 12 * n + 4 > b.len() {
        return Err(cut());
    }
    let values = |tag: u16| -> Option<Vec<u64>> {
        (0..n)
            .map(|i| ifd + 2 + 12 * i)
            .find(|&e| u16_at(e) == Some(tag))
            .and_then(|e| {
                let (typ, count) = (u16_at(e + 2)?, u32_at(e + 4)? as usize);
                let size = match typ {
                    3 => 2,
                    4 => 4,
                    _ => return None,
                };
                let base = if size * count <= 4 {
                    e + 8
                } else {
                    u32_at(e + 8)? as usize
                };
                (0..count)
                    .map(|k| {
                        if size == 2 {
                            u16_at(base + 2 * k).map(u64::from)
                        } else {
                            u32_at(base + 4 * k).map(u64::from)
                        }
                    })
                    .collect()
            })
    };
    let (offsets, counts) = match (values(273), values(279)) {
        (Some(o), Some(c)) => (o, c),
        _ => (
            values(324).ok_or_else(|| "no image data in the directory".to_string())?,
            values(325).ok_or_else(|| "no image data in the directory".to_string())?,
        ),
    };
    if offsets.len() != counts.len()
        || offsets
            .iter()
            .zip(&counts)
            .any(|(o, c)| o + c > b.len() as u64)
    {
        return Err("the file is cut short (image data past the end)".into());
    }
    Ok(())
}

/// What was learnt from a photo.
#[derive(Debug, Clone, PartialEq)]
pub struct PhotoInfo {
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub preview: PreviewSource,
    /// The thumbnail as JPEG, ≤ [`THUMB_EDGE`] on the long edge, orientation applied.
    pub thumbnail_jpeg: Option<Vec<u8>>,
    pub exif_datetime_original: Option<String>,
    pub exif_orientation: Option<u16>,
    /// Why there is no generated preview of a sound photo, if there is none.
    pub preview_note: Option<String>,
    /// What is damaged, for a damaged photo the officer chose to keep.
    pub damaged: Option<String>,
}

/// Validates a photo and makes its thumbnail. `platform_thumb` is used only for formats the
/// core cannot decode. A photo that is sound but cannot be drawn is kept without a preview
/// (and its reason); a damaged one is refused with [`Error::CorruptImage`] unless
/// `keep_damaged` (the officer confirmed), and then kept and marked.
pub fn analyse_photo(
    bytes: &[u8],
    sniffed: &Sniffed,
    platform_thumb: Option<&[u8]>,
    keep_damaged: bool,
) -> Result<PhotoInfo> {
    let (exif_datetime_original, exif_orientation) = read_exif(bytes);
    let without_preview = |note: Option<String>, damaged: Option<String>| -> Result<PhotoInfo> {
        let thumb = platform_thumb.map(platform_thumbnail).transpose()?;
        Ok(PhotoInfo {
            width: None,
            height: None,
            preview: if thumb.is_some() {
                PreviewSource::Platform
            } else {
                PreviewSource::None
            },
            thumbnail_jpeg: thumb,
            exif_datetime_original: exif_datetime_original.clone(),
            exif_orientation,
            preview_note: note,
            damaged,
        })
    };
    let format = ImageFormat::from_mime_type(&sniffed.mime).filter(|f| decodable(*f));
    let Some(format) = format else {
        // Real media we cannot decode: accept it, with the platform's preview if any.
        return without_preview(
            Some(format!("no decoder for {} on this device", sniffed.mime)),
            None,
        );
    };
    let orientation =
        exif_orientation.and_then(|o| image::metadata::Orientation::from_exif(o as u8));
    let decoded = quietly(|| {
        if format == ImageFormat::Jpeg {
            decode_jpeg_scaled(bytes)
        } else {
            decode_whole(bytes, format)
        }
    });
    let outcome = match decoded {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e @ Error::ImageTooLarge { .. })) => return Err(e),
        Ok(Err(Error::CorruptImage { reason, .. })) => Err(classify(bytes, format, reason)),
        Ok(Err(e)) => return Err(e),
        Err(no) => Err(no),
    };
    let (w, h, img) = match outcome {
        Ok(v) => v,
        Err(NoPreview::Unsupported(why)) => return without_preview(Some(why), None),
        Err(NoPreview::Damaged(why)) if keep_damaged => return without_preview(None, Some(why)),
        Err(NoPreview::Damaged(why)) => {
            return Err(Error::DamagedImage {
                format: format!("{format:?}").to_lowercase(),
                reason: why,
            })
        }
    };
    let mut thumb = shrink(img);
    if let Some(o) = orientation {
        thumb.apply_orientation(o);
    }
    Ok(PhotoInfo {
        width: Some(w),
        height: Some(h),
        preview: PreviewSource::Generated,
        thumbnail_jpeg: Some(encode_jpeg(&thumb)?),
        exif_datetime_original,
        exif_orientation,
        preview_note: None,
        damaged: None,
    })
}

/// Tells damage from a decoder that does not know a sound file's variant.
fn classify(bytes: &[u8], format: ImageFormat, reason: String) -> NoPreview {
    match format {
        // A JPEG's structure was checked (markers through to the end): what fails after that is
        // a coding the decoder lacks (arithmetic, lossless, 12-bit), unless it says truncated.
        ImageFormat::Jpeg if jpeg_complete(bytes).is_ok() && !reason.contains("truncat") => {
            NoPreview::Unsupported(format!("this JPEG's coding cannot be previewed ({reason})"))
        }
        ImageFormat::Tiff => match tiff_intact(bytes) {
            Ok(()) => {
                NoPreview::Unsupported(format!("this TIFF variant cannot be previewed ({reason})"))
            }
            Err(why) => NoPreview::Damaged(why),
        },
        _ if reason.to_lowercase().contains("unsupported") => {
            NoPreview::Unsupported(format!("cannot be previewed ({reason})"))
        }
        _ => NoPreview::Damaged(format!("damaged: {reason}")),
    }
}

/// Validates an image the platform made (a HEIC photo's or a video's preview) and normalises
/// it to a ≤ 320 px JPEG.
pub fn platform_thumbnail(bytes: &[u8]) -> Result<Vec<u8>> {
    let format = image::guess_format(bytes)
        .ok()
        .filter(|f| decodable(*f))
        .ok_or_else(|| Error::invalid("platform_thumbnail", "must be a JPEG or PNG image"))?;
    let reader = ImageReader::with_format(Cursor::new(bytes), format);
    let (w, h) = reader.into_dimensions().map_err(|e| corrupt(format, e))?;
    if u64::from(w) * u64::from(h) > MAX_PLATFORM_THUMB_PIXELS {
        return Err(Error::invalid(
            "platform_thumbnail",
            "larger than 4096×4096",
        ));
    }
    let (_, _, img) = decode_whole(bytes, format)?;
    encode_jpeg(&shrink(img))
}

fn decodable(f: ImageFormat) -> bool {
    matches!(
        f,
        ImageFormat::Jpeg
            | ImageFormat::Png
            | ImageFormat::Gif
            | ImageFormat::WebP
            | ImageFormat::Tiff
            | ImageFormat::Bmp
    )
}

fn corrupt(format: ImageFormat, e: impl std::fmt::Display) -> Error {
    Error::CorruptImage {
        format: format!("{format:?}").to_lowercase(),
        reason: e.to_string(),
    }
}

fn check_pixels(w: u32, h: u32) -> Result<()> {
    if w == 0 || h == 0 {
        return Err(Error::CorruptImage {
            format: "image".into(),
            reason: "zero width or height".into(),
        });
    }
    if u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err(Error::ImageTooLarge {
            width: w,
            height: h,
            max_pixels: MAX_PIXELS,
        });
    }
    Ok(())
}

/// Decodes a JPEG at the smallest IDCT scale (1/1, 1/2, 1/4 or 1/8) that still gives at least
/// the thumbnail size, after checking the header's dimensions and that the file is complete.
fn decode_jpeg_scaled(bytes: &[u8]) -> Result<(u32, u32, DynamicImage)> {
    let fmt = ImageFormat::Jpeg;
    let mut dec = jpeg_decoder::Decoder::new(Cursor::new(bytes));
    dec.read_info().map_err(|e| corrupt(fmt, e))?;
    let info = dec.info().ok_or_else(|| corrupt(fmt, "no frame header"))?;
    let (w, h) = (u32::from(info.width), u32::from(info.height));
    check_pixels(w, h)?;
    jpeg_complete(bytes).map_err(|r| corrupt(fmt, r))?;
    let long = w.max(h);
    let req = |side: u32| {
        ((u64::from(side) * u64::from(THUMB_EDGE)).div_ceil(u64::from(long))).max(1) as u16
    };
    let (sw, sh) = dec.scale(req(w), req(h)).map_err(|e| corrupt(fmt, e))?;
    let pixels = dec.decode().map_err(|e| corrupt(fmt, e))?;
    let info = dec.info().ok_or_else(|| corrupt(fmt, "no frame header"))?;
    let (sw, sh) = (u32::from(sw), u32::from(sh));
    let img = match info.pixel_format {
        jpeg_decoder::PixelFormat::RGB24 => {
            image::RgbImage::from_raw(sw, sh, pixels).map(DynamicImage::ImageRgb8)
        }
        jpeg_decoder::PixelFormat::L8 => {
            image::GrayImage::from_raw(sw, sh, pixels).map(DynamicImage::ImageLuma8)
        }
        jpeg_decoder::PixelFormat::L16 => {
            let px: Vec<u16> = pixels
                .chunks_exact(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect();
            image::ImageBuffer::from_raw(sw, sh, px).map(DynamicImage::ImageLuma16)
        }
        jpeg_decoder::PixelFormat::CMYK32 => {
            // Adobe CMYK JPEGs store inverted values; a preview needs only an approximation.
            let rgb: Vec<u8> = pixels
                .chunks_exact(4)
                .flat_map(|p| {
                    let k = u16::from(p[3]);
                    [p[0], p[1], p[2]].map(|c| ((u16::from(c) * k) / 255) as u8)
                })
                .collect();
            image::RgbImage::from_raw(sw, sh, rgb).map(DynamicImage::ImageRgb8)
        }
    }
    .ok_or_else(|| corrupt(fmt, "decoded buffer has the wrong size"))?;
    Ok((w, h, img))
}

/// Walks the JPEG marker structure and checks that the entropy-coded data ends with an EOI
/// marker: a photo cut off by a dying battery or a broken transfer is refused, not previewed
/// with grey rows.
fn jpeg_complete(b: &[u8]) -> std::result::Result<(), &'static str> {
    if b.len() < 4 || b[0] != 0xFF || b[1] != 0xD8 {
        return Err("missing start-of-image marker");
    }
    let mut i = 2;
    loop {
        // Find the next marker.
        while i < b.len() && b[i] != 0xFF {
            i += 1;
        }
        while i < b.len() && b[i] == 0xFF {
            i += 1;
        }
        if i >= b.len() {
            return Err("file is truncated (no end-of-image marker)");
        }
        let m = b[i];
        i += 1;
        match m {
            0xD9 => return Ok(()),
            0x01 | 0xD0..=0xD7 => continue, // no length
            _ => {
                if i + 2 > b.len() {
                    return Err("file is truncated inside a segment header");
                }
                let len = usize::from(u16::from_be_bytes([b[i], b[i + 1]]));
                if len < 2 || i + len > b.len() {
                    return Err("file is truncated inside a segment");
                }
                i += len;
                if m == 0xDA {
                    // Skip entropy-coded data: stop at a marker that is not a stuffed 0xFF00 or RSTn.
                    while i + 1 < b.len() {
                        if b[i] == 0xFF && b[i + 1] != 0x00 && !(0xD0..=0xD7).contains(&b[i + 1]) {
                            break;
                        }
                        i += 1;
                    }
                }
            }
        }
    }
}

fn decode_whole(bytes: &[u8], format: ImageFormat) -> Result<(u32, u32, DynamicImage)> {
    let (w, h) = ImageReader::with_format(Cursor::new(bytes), format)
        .into_dimensions()
        .map_err(|e| corrupt(format, e))?;
    check_pixels(w, h)?;
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(w);
    limits.max_image_height = Some(h);
    limits.max_alloc = Some(MAX_DECODE_ALLOC);
    reader.limits(limits);
    let img = reader.decode().map_err(|e| match e {
        image::ImageError::Limits(_) => Error::ImageTooLarge {
            width: w,
            height: h,
            max_pixels: MAX_PIXELS,
        },
        e => corrupt(format, e),
    })?;
    Ok((w, h, img))
}

fn shrink(img: DynamicImage) -> DynamicImage {
    if img.width().max(img.height()) <= THUMB_EDGE {
        return img;
    }
    img.resize(
        THUMB_EDGE,
        THUMB_EDGE,
        image::imageops::FilterType::Triangle,
    )
}

fn encode_jpeg(img: &DynamicImage) -> Result<Vec<u8>> {
    let rgb = img.to_rgb8();
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80)
        .encode_image(&rgb)
        .map_err(|e| Error::CorruptImage {
            format: "thumbnail".into(),
            reason: e.to_string(),
        })?;
    Ok(out)
}

/// Reads DateTimeOriginal and Orientation from EXIF, when the container has EXIF. A broken
/// EXIF block is ignored: it does not make the photo less of a piece of evidence.
fn read_exif(bytes: &[u8]) -> (Option<String>, Option<u16>) {
    let Ok(exif) = exif::Reader::new().read_from_container(&mut Cursor::new(bytes)) else {
        return (None, None);
    };
    let dt = exif
        .get_field(exif::Tag::DateTimeOriginal, exif::In::PRIMARY)
        .and_then(|f| match &f.value {
            exif::Value::Ascii(v) => v
                .first()
                .map(|s| String::from_utf8_lossy(s).trim().to_string()),
            _ => None,
        });
    let orientation = exif
        .get_field(exif::Tag::Orientation, exif::In::PRIMARY)
        .and_then(|f| f.value.get_uint(0))
        .and_then(|v| u16::try_from(v).ok())
        .filter(|v| (1..=8).contains(v));
    (dt, orientation)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jpeg(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbImage::from_fn(w, h, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, 128])
        });
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85)
            .encode_image(&img)
            .unwrap();
        out
    }

    #[test]
    fn sniffs_kinds_and_refuses_non_media() {
        assert_eq!(sniff(&jpeg(8, 8)).unwrap().kind, MediaKind::Photo);
        assert!(matches!(sniff(b""), Err(Error::EmptyFile)));
        assert!(matches!(
            sniff(b"%PDF-1.7\n..."),
            Err(Error::NotMedia { .. })
        ));
        assert!(matches!(
            sniff(b"just some text"),
            Err(Error::NotMedia { .. })
        ));
        assert_eq!(
            sniff(&crate::fixtures::isobmff(b"mp42", 100)).unwrap().kind,
            MediaKind::Video
        );
        let s = sniff(&crate::fixtures::isobmff(b"heic", 100)).unwrap();
        assert_eq!((s.kind, s.mime.as_str()), (MediaKind::Photo, "image/heif"));
    }

    #[test]
    fn three_gp_is_video_and_matroska_is_not_called_webm() {
        for brand in [b"3gp4", b"3gp5", b"3g2a"] {
            let s = sniff(&crate::fixtures::isobmff(brand, 100)).unwrap();
            assert_eq!(
                s.kind,
                MediaKind::Video,
                "{}",
                String::from_utf8_lossy(brand)
            );
            assert!(s.mime.starts_with("video/3gpp"), "{}", s.mime);
        }
        let ebml = |doc: &[u8]| {
            let mut v = vec![
                0x1A,
                0x45,
                0xDF,
                0xA3,
                0x9F,
                0x42,
                0x86,
                0x81,
                0x01,
                0x42,
                0x82,
                0x80 | doc.len() as u8,
            ];
            v.extend_from_slice(doc);
            v.extend_from_slice(&[0x42, 0x87, 0x81, 0x04, 0x18, 0x53, 0x80, 0x67]);
            v.resize(256, 0);
            v
        };
        assert_eq!(sniff(&ebml(b"matroska")).unwrap().mime, "video/x-matroska");
        assert_eq!(sniff(&ebml(b"webm")).unwrap().mime, "video/webm");
        assert_eq!(
            sniff(&crate::fixtures::isobmff(b"M4A ", 100)).unwrap().kind,
            MediaKind::Audio
        );
    }

    #[test]
    fn a_decoder_panic_is_caught_quietly_and_is_no_reason_to_refuse() {
        let r: std::result::Result<Result<()>, NoPreview> = quietly(|| panic!("a decoder bug"));
        assert!(matches!(r, Err(NoPreview::Unsupported(_))));
    }

    #[test]
    fn jpeg_thumbnail_is_scaled_to_320_on_the_long_edge() {
        let bytes = jpeg(1600, 900);
        let info = analyse_photo(&bytes, &sniff(&bytes).unwrap(), None, false).unwrap();
        assert_eq!((info.width, info.height), (Some(1600), Some(900)));
        let t = image::load_from_memory(&info.thumbnail_jpeg.unwrap()).unwrap();
        assert_eq!((t.width(), t.height()), (320, 180));
    }

    #[test]
    fn truncated_jpeg_is_refused() {
        let bytes = jpeg(640, 480);
        for cut in [bytes.len() / 2, bytes.len() - 2, 200] {
            let r = analyse_photo(&bytes[..cut], &sniff(&bytes).unwrap(), None, false);
            assert!(
                matches!(r, Err(Error::DamagedImage { .. })),
                "cut at {cut}: {r:?}"
            );
        }
    }

    #[test]
    fn undecodable_photo_format_is_accepted_without_or_with_platform_preview() {
        let heic = crate::fixtures::isobmff(b"heic", 100);
        let s = sniff(&heic).unwrap();
        let none = analyse_photo(&heic, &s, None, false).unwrap();
        assert_eq!(none.preview, PreviewSource::None);
        let with = analyse_photo(&heic, &s, Some(&jpeg(1000, 500)), false).unwrap();
        assert_eq!(with.preview, PreviewSource::Platform);
        let t = image::load_from_memory(&with.thumbnail_jpeg.unwrap()).unwrap();
        assert_eq!((t.width(), t.height()), (320, 160));
        assert!(matches!(
            analyse_photo(&heic, &s, Some(b"not an image"), false),
            Err(Error::InvalidField {
                field: "platform_thumbnail",
                ..
            })
        ));
    }
}
