//! Recognising media and making previews, under limits that refuse decompression bombs before
//! any pixel memory is allocated.
//!
//! The original is never changed: this module only reads it. JPEGs (most phone photos) are
//! decoded at reduced scale (IDCT scaling, 1/2 to 1/8) straight to about the thumbnail size;
//! other formats the `image` crate knows are decoded whole under an allocation limit. Photos in
//! formats we cannot decode (HEIC/HEIF from iPhones, AVIF, camera RAW) are still evidence: they
//! are accepted with a platform-made thumbnail or none.

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
    let Some(t) = infer::get(head) else {
        return Err(Error::NotMedia { detected: "unrecognised data".into() });
    };
    let kind = match t.matcher_type() {
        infer::MatcherType::Image => MediaKind::Photo,
        infer::MatcherType::Video => MediaKind::Video,
        infer::MatcherType::Audio => MediaKind::Audio,
        _ => return Err(Error::NotMedia { detected: t.mime_type().to_string() }),
    };
    Ok(Sniffed { kind, mime: t.mime_type().to_string(), extension: t.extension().to_string() })
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
}

/// Validates a photo and makes its thumbnail. `platform_thumb` is used only for formats the
/// core cannot decode.
pub fn analyse_photo(bytes: &[u8], sniffed: &Sniffed, platform_thumb: Option<&[u8]>) -> Result<PhotoInfo> {
    let (exif_datetime_original, exif_orientation) = read_exif(bytes);
    let format = ImageFormat::from_mime_type(&sniffed.mime).filter(|f| decodable(*f));
    let Some(format) = format else {
        // Real media we cannot decode: accept it, with the platform's preview if any.
        let thumb = platform_thumb.map(platform_thumbnail).transpose()?;
        return Ok(PhotoInfo {
            width: None,
            height: None,
            preview: if thumb.is_some() { PreviewSource::Platform } else { PreviewSource::None },
            thumbnail_jpeg: thumb,
            exif_datetime_original,
            exif_orientation,
        });
    };
    let orientation = exif_orientation.and_then(|o| image::metadata::Orientation::from_exif(o as u8));
    let (w, h, img) = if format == ImageFormat::Jpeg {
        decode_jpeg_scaled(bytes)?
    } else {
        decode_whole(bytes, format)?
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
    })
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
        return Err(Error::invalid("platform_thumbnail", "larger than 4096×4096"));
    }
    let (_, _, img) = decode_whole(bytes, format)?;
    encode_jpeg(&shrink(img))
}

fn decodable(f: ImageFormat) -> bool {
    matches!(
        f,
        ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::Gif | ImageFormat::WebP | ImageFormat::Tiff | ImageFormat::Bmp
    )
}

fn corrupt(format: ImageFormat, e: impl std::fmt::Display) -> Error {
    Error::CorruptImage { format: format!("{format:?}").to_lowercase(), reason: e.to_string() }
}

fn check_pixels(w: u32, h: u32) -> Result<()> {
    if w == 0 || h == 0 {
        return Err(Error::CorruptImage { format: "image".into(), reason: "zero width or height".into() });
    }
    if u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err(Error::ImageTooLarge { width: w, height: h, max_pixels: MAX_PIXELS });
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
    let req = |side: u32| ((u64::from(side) * u64::from(THUMB_EDGE)).div_ceil(u64::from(long))).max(1) as u16;
    let (sw, sh) = dec.scale(req(w), req(h)).map_err(|e| corrupt(fmt, e))?;
    let pixels = dec.decode().map_err(|e| corrupt(fmt, e))?;
    let info = dec.info().ok_or_else(|| corrupt(fmt, "no frame header"))?;
    let (sw, sh) = (u32::from(sw), u32::from(sh));
    let img = match info.pixel_format {
        jpeg_decoder::PixelFormat::RGB24 => image::RgbImage::from_raw(sw, sh, pixels).map(DynamicImage::ImageRgb8),
        jpeg_decoder::PixelFormat::L8 => image::GrayImage::from_raw(sw, sh, pixels).map(DynamicImage::ImageLuma8),
        jpeg_decoder::PixelFormat::L16 => {
            let px: Vec<u16> = pixels.chunks_exact(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect();
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
    let (w, h) = ImageReader::with_format(Cursor::new(bytes), format).into_dimensions().map_err(|e| corrupt(format, e))?;
    check_pixels(w, h)?;
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(w);
    limits.max_image_height = Some(h);
    limits.max_alloc = Some(MAX_DECODE_ALLOC);
    reader.limits(limits);
    let img = reader.decode().map_err(|e| match e {
        image::ImageError::Limits(_) => Error::ImageTooLarge { width: w, height: h, max_pixels: MAX_PIXELS },
        e => corrupt(format, e),
    })?;
    Ok((w, h, img))
}

fn shrink(img: DynamicImage) -> DynamicImage {
    if img.width().max(img.height()) <= THUMB_EDGE {
        return img;
    }
    img.resize(THUMB_EDGE, THUMB_EDGE, image::imageops::FilterType::Triangle)
}

fn encode_jpeg(img: &DynamicImage) -> Result<Vec<u8>> {
    let rgb = img.to_rgb8();
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80)
        .encode_image(&rgb)
        .map_err(|e| Error::CorruptImage { format: "thumbnail".into(), reason: e.to_string() })?;
    Ok(out)
}

/// Reads DateTimeOriginal and Orientation from EXIF, when the container has EXIF. A broken
/// EXIF block is ignored: it does not make the photo less of a piece of evidence.
fn read_exif(bytes: &[u8]) -> (Option<String>, Option<u16>) {
    let Ok(exif) = exif::Reader::new().read_from_container(&mut Cursor::new(bytes)) else {
        return (None, None);
    };
    let dt = exif.get_field(exif::Tag::DateTimeOriginal, exif::In::PRIMARY).and_then(|f| match &f.value {
        exif::Value::Ascii(v) => v.first().map(|s| String::from_utf8_lossy(s).trim().to_string()),
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
        let img = image::RgbImage::from_fn(w, h, |x, y| image::Rgb([(x % 256) as u8, (y % 256) as u8, 128]));
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85).encode_image(&img).unwrap();
        out
    }

    #[test]
    fn sniffs_kinds_and_refuses_non_media() {
        assert_eq!(sniff(&jpeg(8, 8)).unwrap().kind, MediaKind::Photo);
        assert!(matches!(sniff(b""), Err(Error::EmptyFile)));
        assert!(matches!(sniff(b"%PDF-1.7\n..."), Err(Error::NotMedia { .. })));
        assert!(matches!(sniff(b"just some text"), Err(Error::NotMedia { .. })));
        assert_eq!(sniff(&crate::fixtures::isobmff(b"mp42", 100)).unwrap().kind, MediaKind::Video);
        let s = sniff(&crate::fixtures::isobmff(b"heic", 100)).unwrap();
        assert_eq!((s.kind, s.mime.as_str()), (MediaKind::Photo, "image/heif"));
    }

    #[test]
    fn jpeg_thumbnail_is_scaled_to_320_on_the_long_edge() {
        let bytes = jpeg(1600, 900);
        let info = analyse_photo(&bytes, &sniff(&bytes).unwrap(), None).unwrap();
        assert_eq!((info.width, info.height), (Some(1600), Some(900)));
        let t = image::load_from_memory(&info.thumbnail_jpeg.unwrap()).unwrap();
        assert_eq!((t.width(), t.height()), (320, 180));
    }

    #[test]
    fn truncated_jpeg_is_refused() {
        let bytes = jpeg(640, 480);
        for cut in [bytes.len() / 2, bytes.len() - 2, 200] {
            let r = analyse_photo(&bytes[..cut], &sniff(&bytes).unwrap(), None);
            assert!(matches!(r, Err(Error::CorruptImage { .. })), "cut at {cut}: {r:?}");
        }
    }

    #[test]
    fn undecodable_photo_format_is_accepted_without_or_with_platform_preview() {
        let heic = crate::fixtures::isobmff(b"heic", 100);
        let s = sniff(&heic).unwrap();
        let none = analyse_photo(&heic, &s, None).unwrap();
        assert_eq!(none.preview, PreviewSource::None);
        let with = analyse_photo(&heic, &s, Some(&jpeg(1000, 500))).unwrap();
        assert_eq!(with.preview, PreviewSource::Platform);
        let t = image::load_from_memory(&with.thumbnail_jpeg.unwrap()).unwrap();
        assert_eq!((t.width(), t.height()), (320, 160));
        assert!(analyse_photo(&heic, &s, Some(b"not an image")).is_err());
    }
}
