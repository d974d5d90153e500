//! `qorgau`: the desktop command line over the Qorgau core, for demos, scripting and tests.
//!
//! Exit codes: 0 success; 2 bad input (usage, validation, unknown ids, refused media);
//! 3 verification failed, wrong key or tampered data; 4 permission refused (role) or profile
//! locked; 1 internal failure (I/O, database).

mod args;
mod commands;
mod output;
mod progress;
mod synth;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use qorgau_core::model::{CaptureInfo, Consent, GeoPoint, Language, NewStatement};
use qorgau_core::{Error, FileKeyStore, Store, StoreOptions};
use uuid::Uuid;

use args::{CaseCmd, Cli, Command, EvidenceCmd, PersonCmd, StatementCmd, SynthCmd};
use output::Out;

/// Exit code for bad input.
const EXIT_BAD_INPUT: u8 = 2;
/// Exit code for failed verification, a wrong key or tampered data.
const EXIT_INTEGRITY: u8 = 3;
/// Exit code for a permission refused by the core (role) or a locked profile.
const EXIT_DENIED: u8 = 4;
/// Exit code for internal failures.
const EXIT_INTERNAL: u8 = 1;

fn main() -> ExitCode {
    // Like any Unix tool, end quietly when the reader of our output goes away (`| head`),
    // instead of panicking on the closed pipe.
    #[cfg(unix)]
    // SAFETY: restoring the default disposition of SIGPIPE before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = Cli::parse();
    let out = Out::new(cli.json, cli.quiet);
    match run(&cli, &out) {
        Ok(code) => code,
        Err(e) => {
            out.error(&e);
            ExitCode::from(exit_code(&e))
        }
    }
}

fn exit_code(e: &Error) -> u8 {
    if e.is_bad_input() {
        EXIT_BAD_INPUT
    } else if matches!(
        e,
        Error::WrongKey | Error::Integrity { .. } | Error::NotADatabase(_)
    ) {
        EXIT_INTEGRITY
    } else if matches!(
        e,
        Error::PermissionDenied { .. } | Error::ProfileLocked { .. }
    ) {
        EXIT_DENIED
    } else {
        EXIT_INTERNAL
    }
}

fn home(cli: &Cli) -> PathBuf {
    cli.home.clone().unwrap_or_else(|| {
        std::env::var_os("HOME")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("."))
            .join(".local/share/qorgau")
    })
}

fn keystore(cli: &Cli) -> Result<FileKeyStore, Error> {
    let path = cli
        .keystore
        .clone()
        .unwrap_or_else(|| home(cli).join("keystore.key"));
    FileKeyStore::open_or_create(&path)
}

fn open(cli: &Cli) -> Result<Store, Error> {
    let store = Store::open(
        &home(cli).join("store"),
        &keystore(cli)?,
        StoreOptions::default(),
    )?;
    if let Some(badge) = &cli.as_badge {
        let profile = store
            .profiles()?
            .into_iter()
            .find(|p| &p.badge == badge)
            .ok_or_else(|| Error::NotFound {
                kind: "profile with badge",
                id: badge.clone(),
            })?;
        let pin = cli
            .pin
            .as_deref()
            .ok_or_else(|| Error::invalid("pin", "give --pin or QORGAU_PIN to act as a profile"))?;
        store.unlock_profile(profile.id, pin)?;
    }
    Ok(store)
}

pub(crate) fn parse_id(kind: &'static str, s: &str) -> Result<Uuid, Error> {
    Uuid::parse_str(s).map_err(|_| Error::invalid(kind, "not a UUID"))
}

fn gps(
    lat: Option<f64>,
    lon: Option<f64>,
    accuracy: Option<f64>,
) -> Result<Option<GeoPoint>, Error> {
    match (lat, lon) {
        (Some(lat), Some(lon)) => Ok(Some(GeoPoint {
            lat,
            lon,
            accuracy_m: accuracy.unwrap_or(0.0),
        })),
        (None, None) => Ok(None),
        _ => Err(Error::invalid("gps", "give both --lat and --lon")),
    }
}

pub(crate) fn read_file(path: &std::path::Path, what: &str) -> Result<Vec<u8>, Error> {
    std::fs::read(path).map_err(|e| Error::io(format!("read {what}"), e))
}

fn run(cli: &Cli, out: &Out) -> Result<ExitCode, Error> {
    match &cli.command {
        Command::Init(a) => {
            let ks = keystore(cli)?;
            let store = Store::init(
                &home(cli).join("store"),
                &ks,
                a.profile(),
                StoreOptions::default(),
            )?;
            out.device(store.device(), &home(cli));
        }
        Command::Case(CaseCmd::Open(a)) => {
            let store = open(cli)?;
            let case = store.open_case(a.new_case()?)?;
            out.recorded("case opened", &case.record.id, &case)?;
        }
        Command::Case(CaseCmd::List) => out.cases(&open(cli)?.list_cases()?)?,
        Command::Case(CaseCmd::Show { case }) => {
            out.case_file(&open(cli)?.case_file(parse_id("case", case)?)?)?
        }
        Command::Person(PersonCmd::Add(a)) => {
            let store = open(cli)?;
            let p = store.add_person(parse_id("case", &a.case)?, a.new_person()?)?;
            out.recorded("person added", &p.record.id, &p)?;
        }
        Command::Evidence(EvidenceCmd::Add(a)) => {
            let store = open(cli)?;
            let capture = CaptureInfo {
                gps: gps(a.lat, a.lon, a.accuracy)?,
                note: a.note.clone(),
                platform_thumbnail: a
                    .thumbnail
                    .as_deref()
                    .map(|p| read_file(p, "thumbnail"))
                    .transpose()?,
                keep_damaged: a.keep_damaged,
            };
            let bar = progress::Bar::new(cli.json);
            let ev =
                store.add_evidence_file(parse_id("case", &a.case)?, &a.file, a.kind, capture, &bar);
            bar.finish();
            let ev = ev?;
            out.evidence_added(&ev)?;
        }
        Command::Evidence(EvidenceCmd::Extract {
            evidence,
            out: path,
            purpose,
        }) => {
            let store = open(cli)?;
            let mut f =
                std::fs::File::create(path).map_err(|e| Error::io("create output file", e))?;
            let n = store.view_original(parse_id("evidence", evidence)?, purpose, &mut f)?;
            out.message(
                &format!("wrote {n} bytes to {}", path.display()),
                &serde_json::json!({ "bytes": n }),
            )?;
        }
        Command::Statement(cmd) => {
            let store = open(cli)?;
            let st = match cmd {
                StatementCmd::Add(a) | StatementCmd::Correct { statement: a, .. } => {
                    let text = match (&a.text, &a.text_file) {
                        (Some(t), None) => t.clone(),
                        (None, Some(p)) => String::from_utf8(read_file(p, "statement text")?)
                            .map_err(|_| Error::invalid("text", "the file is not UTF-8 text"))?,
                        _ => {
                            return Err(Error::invalid(
                                "text",
                                "give exactly one of --text or --text-file",
                            ))
                        }
                    };
                    let new = NewStatement {
                        person_id: parse_id("person", &a.person)?,
                        language: Language::parse(&a.lang)?,
                        text,
                        taken_by: a
                            .taken_by
                            .clone()
                            .unwrap_or_else(|| store.device().profile.officer.badge.clone()),
                        consent: Consent {
                            share_with_crisis_centre: a.consent_crisis_centre,
                            share_with_court: a.consent_court,
                        },
                        signature_png: a
                            .signature
                            .as_deref()
                            .map(|p| read_file(p, "signature image"))
                            .transpose()?,
                    };
                    match cmd {
                        StatementCmd::Correct { replaces, .. } => {
                            store.correct_statement(parse_id("statement", replaces)?, new)?
                        }
                        _ => store.record_statement(parse_id("case", &a.case)?, new)?,
                    }
                }
                StatementCmd::Refuse {
                    case,
                    person,
                    lang,
                    reason,
                    taken_by,
                } => store.record_refusal(
                    parse_id("case", case)?,
                    parse_id("person", person)?,
                    Language::parse(lang)?,
                    reason.as_deref().unwrap_or(""),
                    taken_by
                        .as_deref()
                        .unwrap_or(&store.device().profile.officer.badge),
                )?,
            };
            out.recorded("statement recorded", &st.record.id, &st)?;
        }
        Command::Verify { case } => {
            let report = open(cli)?.verify(parse_id("case", case)?)?;
            out.verify(&report)?;
            if !report.ok {
                return Ok(ExitCode::from(EXIT_INTEGRITY));
            }
        }
        Command::Export { case, out: dir } => {
            std::fs::create_dir_all(dir).map_err(|e| Error::io("create export directory", e))?;
            let summary = open(cli)?.export_case(parse_id("case", case)?, dir)?;
            out.export(&summary)?;
        }
        Command::Order(cmd) => commands::order::order(&open(cli)?, cmd, out)?,
        Command::Registry(cmd) => commands::registry::registry(&open(cli)?, cmd, out)?,
        Command::Intervention(cmd) => commands::intervention::intervention(&open(cli)?, cmd, out)?,
        Command::Referral(cmd) => commands::referral::referral(&open(cli)?, cmd, out)?,
        Command::Profile(cmd) => commands::profile::profile(&open(cli)?, cmd, out)?,
        Command::Assessment(cmd) => commands::assessment::assessment(&open(cli)?, cmd, out)?,
        Command::Enrol {
            card,
            station,
            code,
            ca,
        } => {
            use qorgau_core::sync::client::SyncClient;
            use qorgau_core::sync::enrolment::{self, EnrolmentCard};
            let store = open(cli)?;
            let (r, url) = match (card, station, code) {
                (Some(text), _, _) => {
                    let card = EnrolmentCard::parse(text)?;
                    (
                        SyncClient::enrol_with_card(&store, &card)?,
                        card.station_url,
                    )
                }
                (None, Some(station), Some(code)) => {
                    let client = match ca {
                        Some(p) => SyncClient::with_station_certificate(
                            station,
                            &read_file(p, "CA certificate")?,
                        )?,
                        None => SyncClient::new(station)?,
                    };
                    (client.enrol(&store, code)?, station.clone())
                }
                _ => {
                    return Err(Error::invalid(
                        "enrol",
                        "give --card, or --station and --code",
                    ))
                }
            };
            let key = qorgau_core::crypto::signing::PublicKey::from_hex(&r.station_public_key)
                .map(|k| enrolment::station_key_fingerprint(&k))
                .unwrap_or_default();
            out.message(
                &format!(
                    "enrolled with {url} as {} ({}); station key {} trusted{}",
                    r.certificate.officer,
                    r.certificate.unit,
                    enrolment::grouped(&key),
                    if r.ca_pem.is_some() || url.starts_with("https") {
                        "; TLS root pinned"
                    } else {
                        ""
                    }
                ),
                &serde_json::to_value(&r)?,
            )?;
        }
        Command::Sync { status } => {
            let store = open(cli)?;
            if !*status {
                let url = store.station()?.ok_or_else(|| {
                    Error::invalid("station", "enrol the device first (qorgau enrol)")
                })?;
                let bar = progress::Bar::new(cli.json);
                let r =
                    qorgau_core::sync::client::SyncClient::for_store(&store)?.sync(&store, &bar);
                bar.finish();
                let r = r?;
                let mut text = format!(
                    "synced with {url}: {} entries acknowledged, {} bytes of originals uploaded, {} refused{}",
                    r.acked,
                    r.uploaded_bytes,
                    r.rejected.len(),
                    r.registry.as_ref().map(|g| format!("; registry #{} ({} rows, {} device keys)", g.sequence, g.rows, g.devices)).unwrap_or_default()
                );
                for x in &r.rejected {
                    text.push_str(&format!(
                        "\n  refused: case {} entry {}: {}",
                        x.case, x.seq, x.reason
                    ));
                }
                out.message(&text, &serde_json::to_value(&r)?)?;
                if !r.rejected.is_empty() {
                    // Entries the station refused are not delivered: a script must see that.
                    let s = store.sync_status()?;
                    out.message(
                        &format!(
                            "waiting: {} entries; {}",
                            s.pending_records,
                            s.last_error.as_deref().unwrap_or("")
                        ),
                        &serde_json::to_value(&s)?,
                    )?;
                    return Ok(ExitCode::from(EXIT_INTEGRITY));
                }
            }
            let s = store.sync_status()?;
            out.message(
                &format!(
                    "waiting: {} entries, {} bytes; last success {}; last error {}",
                    s.pending_records,
                    s.pending_bytes,
                    s.last_success_at.as_deref().unwrap_or("never"),
                    s.last_error.as_deref().unwrap_or("none")
                ),
                &serde_json::to_value(&s)?,
            )?;
        }
        Command::Synth(cmd) => match cmd {
            SynthCmd::Registry {
                station_key,
                out: path,
                sequence,
                rows,
                prior,
            } => {
                let key = synth::registry(station_key, path, *sequence, *rows, prior)?;
                if cli.quiet {
                    println!("{key}");
                }
                out.message(
                    &format!("wrote {}; station public key {key}", path.display()),
                    &serde_json::json!({ "station_public_key": key }),
                )?;
            }
            SynthCmd::Photo {
                out: path,
                width,
                height,
                seed,
            } => synth::photo(path, *width, *height, *seed)?,
            SynthCmd::Video { out: path, mib } => synth::video(path, *mib)?,
            SynthCmd::Audio { out: path, seconds } => synth::audio(path, *seconds)?,
        },
    }
    Ok(ExitCode::SUCCESS)
}
