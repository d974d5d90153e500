//! `qorgau-station`: the station server and the duty officer's commands.

use std::path::PathBuf;
use std::sync::Arc;

use clap::{Parser, Subcommand};
use qorgau_core::sync::enrolment;
use qorgau_station::{http, serve, tls, Station};

/// Qorgau station: sync endpoint, verification, registry, figures.
#[derive(Parser, Debug)]
#[command(name = "qorgau-station", version, about)]
struct Cli {
    /// Data directory (SQLite database, uploads, station keys).
    #[arg(long, env = "QORGAU_STATION_DATA", default_value = "station-data")]
    data: PathBuf,
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand, Debug)]
enum Cmd {
    /// Serve the sync endpoint: https under the station's own root by default (made on first
    /// start under <data>/tls/), or under an operator's certificate; plain http only on a
    /// loopback address, and only when asked.
    Serve {
        #[arg(long, default_value = "127.0.0.1:8440")]
        listen: String,
        /// A name or address phones use to reach the station (repeat for each); it goes into
        /// the server certificate, e.g. --name 10.20.0.5 --name qorgau.police.local.
        #[arg(long = "name")]
        names: Vec<String>,
        /// The address phones use (printed on enrolment cards); default https://<listen>.
        #[arg(long)]
        public_url: Option<String>,
        /// An operator's TLS certificate chain (PEM) instead of the station's own root.
        #[arg(long, requires = "tls_key")]
        tls_cert: Option<PathBuf>,
        /// The operator's TLS private key (PEM).
        #[arg(long, requires = "tls_cert")]
        tls_key: Option<PathBuf>,
        /// The root that signed the operator's certificate (PEM), named on enrolment cards.
        #[arg(long, requires = "tls_cert")]
        tls_ca: Option<PathBuf>,
        /// Plain HTTP (tests, the demo): refused unless --listen is a loopback address.
        #[arg(long, conflicts_with_all = ["tls_cert", "names"])]
        plain_http: bool,
        /// Connections served at once.
        #[arg(long, default_value_t = 512)]
        max_connections: usize,
        /// Seconds a client has for a request's headers (and for the next request on a kept-alive connection).
        #[arg(long, default_value_t = 15)]
        header_timeout: u64,
    },
    /// Print the station's public key (hex) and its fingerprint.
    PublicKey,
    /// Create a one-time enrolment code for an officer's device (valid 24 hours) and its
    /// enrolment card: a QR code (on the terminal, and as PNG with --png) carrying the station's
    /// address, the code and the fingerprints of the station's TLS root and signing key.
    EnrolmentCode {
        #[arg(long)]
        officer: String,
        #[arg(long)]
        unit: String,
        /// The station's address on the card (default: the one `serve` last announced).
        #[arg(long)]
        url: Option<String>,
        /// Also write the card's QR code to this PNG file.
        #[arg(long)]
        png: Option<PathBuf>,
        /// What to print: the whole card for a person (text), only the code, or only the card's text.
        #[arg(long, value_enum, default_value_t = Print::Text)]
        print: Print,
    },
    /// Sign a risk instrument definition (JSON) and send it to the phones with the registry.
    AddInstrument { file: PathBuf },
    /// List enrolled devices.
    Devices,
    /// Revoke a lost device.
    Revoke { device: String },
    /// Cases received, with entries and the last receive time.
    Cases,
    /// Entries refused by verification (quarantined), with the reason.
    Failures,
    /// Checks the chain the station holds for a case against the head its device signed (exit 3
    /// when it does not hold).
    VerifyCase { case: String },
    /// The department's figures for a period (device time, RFC 3339 or YYYY-MM-DD).
    Figures {
        #[arg(long)]
        from: String,
        #[arg(long)]
        to: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum Print {
    Text,
    Code,
    Card,
}

fn day(s: &str) -> String {
    if s.len() == 10 {
        format!("{s}T00:00:00.000Z")
    } else {
        s.to_string()
    }
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    match run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("qorgau-station: error: {e}");
            std::process::ExitCode::from(if e.status().is_client_error() { 2 } else { 1 })
        }
    }
}

async fn run(cli: Cli) -> qorgau_station::Result<()> {
    let station = Arc::new(Station::open(&cli.data)?);
    match cli.command {
        Cmd::Serve {
            listen,
            names,
            public_url,
            tls_cert,
            tls_key,
            tls_ca,
            plain_http,
            max_connections,
            header_timeout,
        } => {
            let addr: std::net::SocketAddr = listen.parse().map_err(|_| {
                qorgau_station::StationError::BadRequest(format!(
                    "--listen {listen}: an address and port"
                ))
            })?;
            if plain_http && !addr.ip().is_loopback() {
                return Err(qorgau_station::StationError::BadRequest(
                    "plain http is only for a loopback address (tests, the demo); phones on a network get https".into(),
                ));
            }
            let tls = match (plain_http, tls_cert, tls_key) {
                (true, _, _) => None,
                (false, Some(cert), Some(key)) => {
                    Some(tls::from_files(&cert, &key, tls_ca.as_deref())?)
                }
                (false, _, _) => {
                    let mut names = names;
                    if !addr.ip().is_unspecified() {
                        names.push(addr.ip().to_string());
                    }
                    Some(tls::own(&cli.data, &names)?)
                }
            };
            station.set_tls_root(tls.as_ref().map(|t| t.ca_pem.clone()));
            let listener = tokio::net::TcpListener::bind(addr).await?;
            let local = listener.local_addr()?;
            let scheme = if tls.is_some() { "https" } else { "http" };
            let url = public_url.unwrap_or_else(|| format!("{scheme}://{local}"));
            tls::write_private(&cli.data.join("station.url"), url.as_bytes())?;
            println!(
                "qorgau-station listening on {scheme}://{local} (data {})",
                cli.data.display()
            );
            println!(
                "station key fingerprint {}",
                enrolment::grouped(&enrolment::station_key_fingerprint(&station.public_key()))
            );
            if let Some(t) = &tls {
                println!(
                    "TLS root fingerprint    {}",
                    enrolment::grouped(&t.ca_fingerprint)
                );
            }
            let limits = serve::Limits {
                max_connections,
                headers: std::time::Duration::from_secs(header_timeout.max(1)),
                ..Default::default()
            };
            serve::serve(
                listener,
                http::router(station.clone()),
                tls.map(|t| t.config),
                limits,
                async {
                    let _ = tokio::signal::ctrl_c().await;
                },
            )
            .await?;
        }
        Cmd::PublicKey => println!("{}", station.public_key().hex()),
        Cmd::EnrolmentCode {
            officer,
            unit,
            url,
            png,
            print,
        } => {
            let url = match url {
                Some(u) => u,
                None => std::fs::read_to_string(cli.data.join("station.url")).map_err(|_| {
                    qorgau_station::StationError::BadRequest(
                        "no station address known yet: start `serve` once, or give --url".into(),
                    )
                })?,
            };
            // A card for an address phones would refuse is refused here first.
            qorgau_core::sync::enrolment::check_station_url(&url)?;
            let code = station.create_enrolment_code(&officer, &unit)?;
            let card = station.enrolment_card(&code, &url);
            let text = card.to_text();
            if let Some(p) = &png {
                std::fs::write(p, qorgau_core::document::qr::png(&text, 6)?)?;
            }
            match print {
                Print::Code => println!("{code}"),
                Print::Card => println!("{text}"),
                Print::Text => {
                    println!("Enrolment card for {officer} ({unit}), valid 24 hours");
                    println!("{}", terminal_qr(&text)?);
                    println!("station   {}", card.station_url);
                    println!(
                        "code      {}",
                        code.as_bytes()
                            .chunks(4)
                            .map(|c| String::from_utf8_lossy(c).into_owned())
                            .collect::<Vec<_>>()
                            .join("-")
                    );
                    if let Some(fp) = &card.ca_fingerprint {
                        println!("TLS root  {}", enrolment::grouped(fp));
                    }
                    if let Some(fp) = &card.station_key_fingerprint {
                        println!("key       {}", enrolment::grouped(fp));
                    }
                    println!("card      {text}");
                }
            }
        }
        Cmd::AddInstrument { file } => {
            let json = std::fs::read_to_string(&file)?;
            let inst = station.add_instrument(&json)?;
            println!(
                "instrument {} {} signed; it goes to the phones with the next registry",
                inst.id, inst.version
            );
        }
        Cmd::Devices => {
            for d in station.storage().devices()? {
                println!(
                    "{}  {}  {}  {}  enrolled {}{}",
                    d.device_id,
                    d.officer,
                    d.unit,
                    d.label,
                    d.enrolled_at,
                    d.revoked_at
                        .map(|r| format!("  REVOKED {r}"))
                        .unwrap_or_default()
                );
            }
        }
        Cmd::Revoke { device } => {
            if station.revoke(&device)? {
                println!("device {device} revoked; the revocation goes out with the next registry");
            } else {
                println!("device {device} was not enrolled or is already revoked");
            }
        }
        Cmd::Cases => {
            for (case, n, last) in station.storage().case_count()? {
                println!("{case}  {n} entries  last received {last}");
            }
        }
        Cmd::VerifyCase { case } => {
            let c = station.verify_case(&case)?;
            let head = c
                .head
                .map(|h| format!(", device's signed head at entry {h}"))
                .unwrap_or_default();
            match &c.problem {
                None => println!("VERIFIED: case {} ({} entries{head})", c.case, c.entries),
                Some(p) => {
                    println!(
                        "NOT VERIFIED: case {} ({} entries{head}): {p}",
                        c.case, c.entries
                    );
                    std::process::exit(3);
                }
            }
        }
        Cmd::Failures => {
            for (case, seq, device, reason, at) in station.storage().quarantined()? {
                println!("{at}  case {case} entry {seq}  device {device}: {reason}");
            }
        }
        Cmd::Figures { from, to, json } => {
            let f = station.figures(&day(&from), &day(&to))?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&f)
                        .map_err(|e| qorgau_station::StationError::Internal(e.to_string()))?
                );
            } else {
                println!("figures for {} to {} (device time):", f.from, f.to);
                println!("  cases                          {}", f.cases);
                println!(
                    "  protection orders issued       {}",
                    f.protection_orders_issued
                );
                println!(
                    "  shelter placements: women      {}",
                    f.shelter_placements_women
                );
                println!(
                    "  shelter placements: children   {}",
                    f.shelter_placements_children
                );
                println!(
                    "  preventive interventions       {}",
                    f.preventive_interventions
                );
                println!("  order violations               {}", f.order_violations);
                println!(
                    "  cases with a repeat offence    {}",
                    f.repeat_offence_cases
                );
            }
        }
    }
    Ok(())
}

/// The card's QR code drawn with half-block characters (two rows of modules per line).
fn terminal_qr(text: &str) -> qorgau_station::Result<String> {
    let (width, dark) = qorgau_core::document::qr::modules(text)?;
    let quiet = 2;
    let at = |x: isize, y: isize| {
        x >= 0
            && y >= 0
            && (x as usize) < width
            && (y as usize) < width
            && dark[y as usize * width + x as usize]
    };
    let mut out = String::new();
    let (lo, hi) = (-(quiet as isize), (width + quiet) as isize);
    let mut y = lo;
    while y < hi {
        for x in lo..hi {
            // Light on dark terminals and dark on light ones alike: draw the light modules.
            out.push(match (!at(x, y), !at(x, y + 1)) {
                (true, true) => '█',
                (true, false) => '▀',
                (false, true) => '▄',
                (false, false) => ' ',
            });
        }
        out.push('\n');
        y += 2;
    }
    Ok(out)
}
