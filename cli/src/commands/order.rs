//! The `order` commands: issue, serve, extend, revoke, violations, the PDF and the QR code.

use qorgau_core::document::pdf::OrderCopy;
use qorgau_core::model::{Language, NewOrder};
use qorgau_core::store::ServeOrder;
use qorgau_core::{Error, Store};

use super::{id, print};
use crate::args::OrderCmd;
use crate::output::Out;
use crate::{parse_id, read_file};

pub fn order(store: &Store, cmd: &OrderCmd, out: &Out) -> Result<(), Error> {
    match cmd {
        OrderCmd::Issue {
            case,
            restricted,
            protected,
            prohibitions,
            number,
            from,
            until,
            opinion,
        } => {
            let new = NewOrder {
                restricted_person: parse_id("restricted", restricted)?,
                protected_persons: protected
                    .iter()
                    .map(|p| parse_id("protect", p))
                    .collect::<Result<_, _>>()?,
                prohibitions: prohibitions.clone(),
                valid_from: *from,
                valid_until: *until,
                number: number.clone(),
                survivor_opinion: opinion.clone(),
            };
            let o = store.issue_order(parse_id("case", case)?, new)?;
            let text = format!(
                "order {} issued: {} (valid {} to {}, custody entry {})",
                o.record.id,
                o.record.number,
                o.record.valid_from.format("%Y-%m-%d %H:%M UTC"),
                o.record.valid_until.format("%Y-%m-%d %H:%M UTC"),
                o.seq
            );
            id(out, &text, o.record.id, &o)
        }
        OrderCmd::Serve {
            order,
            signature,
            refused,
            witnesses,
        } => {
            let how = match (signature, refused) {
                (Some(p), false) => ServeOrder::Signed {
                    signature_image: read_file(p, "signature image")?,
                },
                (None, true) => ServeOrder::RefusedToSign {
                    witnesses: witnesses.clone(),
                },
                _ => {
                    return Err(Error::invalid(
                        "serve",
                        "give --signature FILE or --refused with --witness",
                    ))
                }
            };
            let e = store.serve_order(parse_id("order", order)?, how)?;
            id(
                out,
                &format!("order served (custody entry {})", e.seq),
                e.record.id,
                &e,
            )
        }
        OrderCmd::Extend {
            order,
            until,
            reason,
        } => {
            let e = store.extend_order(parse_id("order", order)?, *until, reason)?;
            id(
                out,
                &format!(
                    "order extended to {} (custody entry {})",
                    until.format("%Y-%m-%d %H:%M UTC"),
                    e.seq
                ),
                e.record.id,
                &e,
            )
        }
        OrderCmd::Revoke { order, reason } => {
            let e = store.revoke_order(parse_id("order", order)?, reason)?;
            id(
                out,
                &format!("order revoked (custody entry {})", e.seq),
                e.record.id,
                &e,
            )
        }
        OrderCmd::Violation {
            order,
            description,
            at,
        } => {
            let at = at.unwrap_or_else(chrono::Utc::now);
            let e = store.record_violation(parse_id("order", order)?, description, at)?;
            id(
                out,
                &format!(
                    "violation recorded (custody entry {}); the person is now a repeat offender",
                    e.seq
                ),
                e.record.id,
                &e,
            )
        }
        OrderCmd::Show { order } => {
            let s = store.order_status(parse_id("order", order)?)?;
            let text = format!(
                "order {} {}: valid until {}, served: {}, revoked: {}, violations: {}",
                s.order.id,
                s.order.number,
                s.valid_until.format("%Y-%m-%d %H:%M UTC"),
                s.served_at.is_some(),
                s.revoked,
                s.violations
            );
            print(out, &text, &s)
        }
        OrderCmd::Pdf {
            order,
            copy,
            lang,
            out: path,
        } => {
            let copy = match copy.as_str() {
                "served" => OrderCopy::Served,
                "file" => OrderCopy::PoliceFile,
                _ => return Err(Error::invalid("copy", "served or file")),
            };
            let langs = lang
                .split(',')
                .map(Language::parse)
                .collect::<Result<Vec<_>, _>>()?;
            let pdf = store.order_pdf(parse_id("order", order)?, copy, &langs)?;
            std::fs::write(path, &pdf).map_err(|e| Error::io("write PDF", e))?;
            out.message(
                &format!("wrote {} ({} bytes)", path.display(), pdf.len()),
                &serde_json::json!({ "bytes": pdf.len() }),
            )
        }
        OrderCmd::Qr { order, png } => {
            let text = store.order_qr_text(parse_id("order", order)?)?;
            if let Some(p) = png {
                std::fs::write(p, qorgau_core::document::qr::png(&text, 6)?)
                    .map_err(|e| Error::io("write PNG", e))?;
            }
            if out.json() {
                print(out, "", &serde_json::json!({ "qr": text }))
            } else {
                println!("{text}");
                Ok(())
            }
        }
        OrderCmd::VerifyQr { text } => {
            let p = store.verify_order_qr(text)?;
            let until = chrono::DateTime::from_timestamp(p.u, 0)
                .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
                .unwrap_or_default();
            print(
                out,
                &format!(
                    "VALID order {} until {}; prohibitions: {}",
                    p.n,
                    until,
                    p.x.join(", ")
                ),
                &p,
            )
        }
    }
}
