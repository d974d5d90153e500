//! The `registry` commands: import, check a person, trust the station key.

use qorgau_core::crypto::signing::PublicKey;
use qorgau_core::store::PersonQuery;
use qorgau_core::{Error, Store};

use super::print;
use crate::args::RegistryCmd;
use crate::output::Out;
use crate::parse_id;

pub fn registry(store: &Store, cmd: &RegistryCmd, out: &Out) -> Result<(), Error> {
    match cmd {
        RegistryCmd::TrustStation { public_key } => {
            let key = PublicKey::from_hex(public_key)
                .ok_or_else(|| Error::invalid("public_key", "64 hex digits"))?;
            store.trust_station_key(key)?;
            out.message(
                &format!("station key trusted (fingerprint {})", key.fingerprint()),
                &serde_json::json!({ "fingerprint": key.fingerprint() }),
            )
        }
        RegistryCmd::Import { file } => {
            let f = std::fs::File::open(file).map_err(|e| Error::io("open registry file", e))?;
            let r = store.import_registry(std::io::BufReader::new(f))?;
            print(
                out,
                &format!(
                    "registry {:?} #{} imported: {} rows, {} device keys",
                    r.kind, r.sequence, r.rows, r.devices
                ),
                &r,
            )
        }
        RegistryCmd::Check {
            iin,
            name,
            dob,
            case,
        } => {
            let q = PersonQuery {
                iin: iin.clone(),
                name: name.clone(),
                date_of_birth: *dob,
                current_case: case.as_deref().map(|c| parse_id("case", c)).transpose()?,
            };
            let c = store.check_person(&q)?;
            let mut text = format!(
                "match: {:?}{}; active orders: {}; past violations: {}; earlier cases: {}; REPEAT OFFENDER: {}",
                c.match_kind,
                if c.match_kind == qorgau_core::store::MatchKind::NameAndBirthDate { " (confirm identity)" } else { "" },
                c.active_orders.len(),
                c.past_violations,
                c.earlier_cases,
                if c.repeat_offender { "yes" } else { "no" }
            );
            for o in &c.active_orders {
                text.push_str(&format!(
                    "\n  order {} until {} ({:?}): {}",
                    o.number,
                    o.valid_until.format("%Y-%m-%d"),
                    o.source,
                    o.prohibitions.join(", ")
                ));
            }
            print(out, &text, &c)
        }
    }
}
