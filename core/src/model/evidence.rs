//! Evidence: photos, video and audio, hashed at capture and stored byte for byte.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::case::GeoPoint;
use super::time::DeviceTime;

/// Kind of media evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MediaKind {
    Photo,
    Video,
    Audio,
}

impl MediaKind {
    /// Lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            MediaKind::Photo => "photo",
            MediaKind::Video => "video",
            MediaKind::Audio => "audio",
        }
    }
}

/// Where the preview (thumbnail) of a piece of evidence came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PreviewSource {
    /// Made by the core from the original (≤ 320 px on the long edge, EXIF orientation applied).
    Generated,
    /// Passed in by the app (e.g. the platform decoded a HEIC photo or a video frame).
    Platform,
    /// No preview: the core cannot decode this format and the app passed none.
    None,
}

/// Metadata the app supplies at capture.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CaptureInfo {
    /// The device's GPS fix at capture, if any.
    pub gps: Option<GeoPoint>,
    /// An officer's note about the item (personal data possible; stored encrypted).
    pub note: Option<String>,
    /// A thumbnail the platform produced (JPEG or PNG), for formats the core cannot decode.
    #[serde(skip)]
    pub platform_thumbnail: Option<Vec<u8>>,
    /// The officer confirmed keeping a photo that is damaged or cut short (otherwise it is
    /// refused with a plain message): it is kept byte for byte and marked damaged.
    #[serde(default)]
    pub keep_damaged: bool,
}

/// A piece of evidence as stored. The SHA-256 is of the exact original bytes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    pub id: Uuid,
    pub case_id: Uuid,
    pub kind: MediaKind,
    /// MIME type sniffed from the content (not from a file name).
    pub media_type: String,
    /// SHA-256 of the original bytes, hex.
    pub sha256: String,
    pub size_bytes: u64,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub preview: PreviewSource,
    /// SHA-256 of the stored thumbnail JPEG, hex.
    pub thumbnail_sha256: Option<String>,
    /// Device time when the core received the capture.
    pub captured_at: DeviceTime,
    /// EXIF DateTimeOriginal as written by the camera (local time, no zone), if present.
    pub exif_datetime_original: Option<String>,
    /// EXIF orientation tag (1–8), if present.
    pub exif_orientation: Option<u16>,
    pub gps: Option<GeoPoint>,
    /// Badge number of the officer who captured it.
    pub captured_by: String,
    pub device_id: Uuid,
    pub note: Option<String>,
    /// Why there is no preview, when the original is sound but the core cannot draw it (an
    /// unusual TIFF, an arithmetic-coded JPEG, a decoder failure).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preview_note: Option<String>,
    /// What is wrong with a photo the officer chose to keep although it is damaged or cut short.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub damaged: Option<String>,
}
