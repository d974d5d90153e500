//! `qorgau-station`: the station server and the duty officer's commands.

use std::path::PathBuf;
use std::sync::Arc;

use clap::{Parser, Subcommand};
use qorgau_station::{http, Station};

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
    /// Serve HTTP on the address (loopback by default).
    Serve {
        #[arg(long, default_value = "127.0.0.1:8440")]
        listen: String,
        /// TLS certificate chain (PEM); with --tls-key, the station serves https.
        #[arg(long, requires = "tls_key")]
        tls_cert: Option<PathBuf>,
        /// TLS private key (PEM).
        #[arg(long, requires = "tls_cert")]
        tls_key: Option<PathBuf>,
    },
    /// Print the station's public key (hex) and its fingerprint.
    PublicKey,
    /// Create a one-time enrolment code for an officer's device (valid 24 hours).
    EnrolmentCode {
        #[arg(long)]
        officer: String,
        #[arg(long)]
        unit: String,
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

fn day(s: &str) -> String {
    if s.len() == 10 { format!("{s}T00:00:00.000Z") } else { s.to_string() }
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
        Cmd::Serve { listen, tls_cert: Some(cert), tls_key: Some(key) } => {
            let listener = std::net::TcpListener::bind(&listen)?;
            listener.set_nonblocking(true)?;
            let addr = listener.local_addr()?;
            let tls = http::tls_config(&cert, &key).await?;
            println!("qorgau-station listening on https://{addr} (data {})", cli.data.display());
            println!("station public key {}", station.public_key().hex());
            axum_server::from_tcp_rustls(listener, tls).serve(http::router(station).into_make_service()).await?;
        }
        Cmd::Serve { listen, .. } => {
            let listener = tokio::net::TcpListener::bind(&listen).await?;
            println!("qorgau-station listening on http://{} (data {})", listener.local_addr()?, cli.data.display());
            println!("station public key {}", station.public_key().hex());
            axum::serve(listener, http::router(station))
                .with_graceful_shutdown(async {
                    let _ = tokio::signal::ctrl_c().await;
                })
                .await?;
        }
        Cmd::PublicKey => println!("{}", station.public_key().hex()),
        Cmd::EnrolmentCode { officer, unit } => println!("{}", station.create_enrolment_code(&officer, &unit)?),
        Cmd::AddInstrument { file } => {
            let json = std::fs::read_to_string(&file)?;
            let inst = station.add_instrument(&json)?;
            println!("instrument {} {} signed; it goes to the phones with the next registry", inst.id, inst.version);
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
                    d.revoked_at.map(|r| format!("  REVOKED {r}")).unwrap_or_default()
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
        Cmd::Failures => {
            for (case, seq, device, reason, at) in station.storage().quarantined()? {
                println!("{at}  case {case} entry {seq}  device {device}: {reason}");
            }
        }
        Cmd::Figures { from, to, json } => {
            let f = station.figures(&day(&from), &day(&to))?;
            if json {
                println!("{}", serde_json::to_string_pretty(&f).map_err(|e| qorgau_station::StationError::Internal(e.to_string()))?);
            } else {
                println!("figures for {} to {} (device time):", f.from, f.to);
                println!("  cases                          {}", f.cases);
                println!("  protection orders issued       {}", f.protection_orders_issued);
                println!("  shelter placements: women      {}", f.shelter_placements_women);
                println!("  shelter placements: children   {}", f.shelter_placements_children);
                println!("  preventive interventions       {}", f.preventive_interventions);
                println!("  order violations               {}", f.order_violations);
                println!("  cases with a repeat offence    {}", f.repeat_offence_cases);
            }
        }
    }
    Ok(())
}
