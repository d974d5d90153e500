//! Synthetic fixtures for tests, benchmarks and the scripted field scenario. Every person here
//! is invented; IINs are generated with valid check digits for invented birth dates.

use chrono::NaiveDate;

use crate::iin::{self, Sex};
use crate::model::{
    CaseCategory, CaseLocation, GeoPoint, NewCase, NewPerson, PersonRole, TeamMember, TeamRole,
    Trigger,
};
use crate::store::DeviceProfile;

/// A synthetic officer's device profile.
pub fn officer_profile() -> DeviceProfile {
    DeviceProfile {
        label: "Demo unit phone 1".into(),
        unit: "Astana, Almaty district, DV response team 3 (synthetic)".into(),
        officer: TeamMember {
            role: TeamRole::Officer,
            name: "Aibek Demoulin".into(),
            badge: "KZ-DEMO-0417".into(),
        },
    }
}

/// A case opened from a neighbour's report, with a synthetic Astana location.
pub fn neighbour_report_case() -> NewCase {
    NewCase {
        location: CaseLocation {
            point: Some(GeoPoint {
                lat: 51.1282,
                lon: 71.4304,
                accuracy_m: 12.0,
            }),
            address: Some("Synthetic street 1, flat 1, Astana".into()),
        },
        trigger: Trigger::WitnessReport,
        categories: vec![CaseCategory::Physical, CaseCategory::ChildInvolved],
        team: vec![
            TeamMember {
                role: TeamRole::Officer,
                name: "Aibek Demoulin".into(),
                badge: "KZ-DEMO-0417".into(),
            },
            TeamMember {
                role: TeamRole::Psychologist,
                name: "Saule Examplova".into(),
                badge: "KZ-DEMO-PSY-02".into(),
            },
        ],
        summary: Some("Neighbour reported shouting and a child crying (synthetic).".into()),
    }
}

fn person(role: PersonRole, name: &str, iin: Option<String>, relation: Option<&str>) -> NewPerson {
    NewPerson {
        role,
        full_name: name.into(),
        date_of_birth: None,
        relation_to_survivor: relation.map(str::to_string),
        phone: Some("+7 700 000 00 00".into()),
        address: Some("Synthetic street 1, flat 1, Astana".into()),
        iin,
        identity_protected: false,
        address_confidential: false,
    }
}

/// A valid synthetic IIN.
pub fn iin(year: i32, month: u32, day: u32, sex: Sex, serial: u32) -> String {
    (serial..serial + 100)
        .find_map(|s| iin::synthesize(NaiveDate::from_ymd_opt(year, month, day)?, sex, s))
        .expect("a serial with a check digit exists")
        .as_str()
        .to_string()
}

/// The survivor of the demo case.
pub fn survivor() -> NewPerson {
    person(
        PersonRole::Survivor,
        "Aigerim Testova",
        Some(iin(1994, 3, 12, Sex::Female, 2101)),
        None,
    )
}

/// The alleged aggressor of the demo case.
pub fn aggressor() -> NewPerson {
    person(
        PersonRole::AllegedAggressor,
        "Nurlan Sampleuly",
        Some(iin(1990, 11, 2, Sex::Male, 3307)),
        Some("spouse"),
    )
}

/// A neighbour who reported, identity protected.
pub fn neighbour() -> NewPerson {
    NewPerson {
        identity_protected: true,
        ..person(
            PersonRole::Witness,
            "Gulnara Fictiva",
            None,
            Some("neighbour"),
        )
    }
}

/// A child of the household.
pub fn child() -> NewPerson {
    person(
        PersonRole::Child,
        "Dana Testova",
        Some(iin(2017, 6, 1, Sex::Female, 4410)),
        Some("daughter"),
    )
}

/// A synthetic photo as JPEG: a smooth pattern with noise (so it compresses like a real photo),
/// with an EXIF block holding DateTimeOriginal and the orientation tag.
pub fn photo_jpeg(width: u32, height: u32, seed: u32, orientation: u16) -> Vec<u8> {
    let mut state = seed.wrapping_mul(2_654_435_761).wrapping_add(1);
    let img = image::RgbImage::from_fn(width, height, |x, y| {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        let n = (state & 0x1f) as u8;
        let r = ((x * 255) / width.max(1)) as u8;
        let g = ((y * 255) / height.max(1)) as u8;
        image::Rgb([
            r.wrapping_add(n),
            g.wrapping_add(n / 2),
            (128u8).wrapping_add(n),
        ])
    });
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 90)
        .encode_image(&img)
        .expect("encode");
    with_exif(&jpeg, "2026:11:20 23:41:07", orientation)
}

/// Inserts an APP1 EXIF segment (little-endian TIFF) after the SOI marker.
pub fn with_exif(jpeg: &[u8], datetime_original: &str, orientation: u16) -> Vec<u8> {
    let mut t = Vec::new();
    t.extend_from_slice(b"II*\0");
    t.extend_from_slice(&8u32.to_le_bytes()); // IFD0 at 8
                                              // IFD0: 2 entries (Orientation, ExifIFDPointer).
    t.extend_from_slice(&2u16.to_le_bytes());
    t.extend_from_slice(&0x0112u16.to_le_bytes());
    t.extend_from_slice(&3u16.to_le_bytes());
    t.extend_from_slice(&1u32.to_le_bytes());
    t.extend_from_slice(&u32::from(orientation).to_le_bytes());
    let exif_ifd_offset: u32 = 8 + 2 + 2 * 12 + 4;
    t.extend_from_slice(&0x8769u16.to_le_bytes());
    t.extend_from_slice(&4u16.to_le_bytes());
    t.extend_from_slice(&1u32.to_le_bytes());
    t.extend_from_slice(&exif_ifd_offset.to_le_bytes());
    t.extend_from_slice(&0u32.to_le_bytes()); // no next IFD
                                              // Exif IFD: DateTimeOriginal (ASCII, 20 bytes incl. NUL) stored after the IFD.
    let value_offset = exif_ifd_offset + 2 + 12 + 4;
    t.extend_from_slice(&1u16.to_le_bytes());
    t.extend_from_slice(&0x9003u16.to_le_bytes());
    t.extend_from_slice(&2u16.to_le_bytes());
    t.extend_from_slice(&20u32.to_le_bytes());
    t.extend_from_slice(&value_offset.to_le_bytes());
    t.extend_from_slice(&0u32.to_le_bytes());
    let mut dt = datetime_original.as_bytes()[..19.min(datetime_original.len())].to_vec();
    dt.resize(20, 0);
    t.extend_from_slice(&dt);
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend_from_slice(&t);
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&((app1.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(&app1);
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// A JPEG whose frame header claims `width`×`height` (a decompression bomb's header).
pub fn jpeg_claiming(width: u16, height: u16) -> Vec<u8> {
    let mut j = photo_jpeg(16, 16, 1, 1);
    let sof = j
        .windows(2)
        .position(|w| w == [0xFF, 0xC0])
        .expect("baseline JPEG has SOF0");
    // SOF0: FF C0, length (2), precision (1), height (2), width (2)
    j[sof + 5..sof + 7].copy_from_slice(&height.to_be_bytes());
    j[sof + 7..sof + 9].copy_from_slice(&width.to_be_bytes());
    j
}

/// The first bytes of an ISO-BMFF file of the given major brand (HEIC photo, MP4 video...),
/// followed by `len` bytes of synthetic payload.
pub fn isobmff(brand: &[u8; 4], len: usize) -> Vec<u8> {
    let mut v = vec![0, 0, 0, 0x18, b'f', b't', b'y', b'p'];
    v.extend_from_slice(brand);
    v.extend_from_slice(&[0, 0, 0, 0]);
    v.extend_from_slice(brand);
    v.extend_from_slice(if brand == b"heic" { b"mif1" } else { b"isom" });
    v.extend((0..len).map(|i| (i * 7 % 251) as u8));
    v
}

/// The IIN of synthetic registry person number `i` (distinct for distinct `i` below 20 000 × 2 × 10 000).
pub fn registry_iin(i: u64) -> Option<String> {
    let birth = NaiveDate::from_ymd_opt(1950, 1, 1)? + chrono::Duration::days((i % 20_000) as i64);
    let sex = if (i / 20_000).is_multiple_of(2) {
        Sex::Male
    } else {
        Sex::Female
    };
    iin::synthesize(birth, sex, ((i / 40_000) % 10_000) as u32).map(|x| x.as_str().to_string())
}

/// Writes a signed synthetic registry snapshot: `rows` people with earlier cases (synthetic
/// IINs), plus each IIN in `prior` with a prior record and an active order from another unit.
/// Returns the IINs of the synthetic rows written first, for lookups in benchmarks.
pub fn write_registry<W: std::io::Write>(
    out: W,
    station: &crate::crypto::signing::DeviceSigner,
    sequence: u64,
    rows: u64,
    prior: &[String],
    now: chrono::DateTime<chrono::Utc>,
) -> crate::Result<W> {
    use crate::registry::*;
    let header = RegistryHeader {
        format: FORMAT.into(),
        kind: RegistryKind::Snapshot,
        sequence,
        base_sequence: None,
        generated_at: now,
        rows: rows + prior.len() as u64,
    };
    let mut w = RegistryWriter::new(out, &header)?;
    let mut written = 0;
    let mut i = 0u64;
    while written < rows {
        if let Some(iin) = registry_iin(i) {
            if !prior.contains(&iin) {
                w.row(&RegistryLine::Put {
                    subject: Subject::Iin { iin },
                    record: RegistryRecord {
                        display_name: format!("Synthetic Person {i}"),
                        birth_date: None,
                        active_orders: vec![],
                        past_violations: i.is_multiple_of(7) as u32,
                        earlier_cases: 1 + (i % 3) as u32,
                    },
                })?;
                written += 1;
            }
        }
        i += 1;
    }
    for (k, iin) in prior.iter().enumerate() {
        w.row(&RegistryLine::Put {
            subject: Subject::Iin { iin: iin.clone() },
            record: RegistryRecord {
                display_name: "Synthetic prior record".into(),
                birth_date: None,
                active_orders: vec![RegistryOrder {
                    number: format!("PO-OTHERUNIT-{}-{:05}", chrono::Datelike::year(&now), k + 1),
                    valid_from: now - chrono::Duration::days(5),
                    valid_until: now + chrono::Duration::days(25),
                    prohibitions: vec!["contact".into(), "visit".into()],
                    unit: "Astana, Esil district DV team (synthetic)".into(),
                }],
                past_violations: 1,
                earlier_cases: 2,
            },
        })?;
    }
    w.finish(station)
}
