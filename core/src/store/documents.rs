//! The printed order and its QR code, built from the store so that what a copy may show is
//! decided by the core, not by the caller.

use uuid::Uuid;

use super::Store;
use crate::crypto::signing::PublicKey;
use crate::document::pdf::{self, OrderCopy, OrderView, ProtectedLine};
use crate::document::qr::{self, KeyLookup, OrderPayload};
use crate::error::Result;
use crate::model::{Language, Service};

impl Store {
    /// The signed QR text of an order, with its current validity.
    pub fn order_qr_text(&self, order_id: Uuid) -> Result<String> {
        let status = self.order_status(order_id)?;
        let o = &status.order;
        let restricted = self.person(o.restricted_person)?;
        let r = match &restricted.iin {
            Some(iin) => iin.as_str().to_string(),
            None => format!(
                "{} {}",
                qr::initials(&restricted.full_name),
                restricted
                    .date_of_birth
                    .map(|d| d.format("%Y").to_string())
                    .unwrap_or_default()
            )
            .trim()
            .to_string(),
        };
        let mut p = Vec::new();
        for id in &o.protected_persons {
            p.push(qr::initials(&self.person(*id)?.full_name));
        }
        let payload = OrderPayload {
            v: 1,
            n: o.number.clone(),
            f: o.valid_from.timestamp(),
            u: status.valid_until.timestamp(),
            i: o.issued_at.utc.timestamp(),
            r,
            p,
            x: o.prohibitions.clone(),
            d: o.device_id.simple().to_string(),
        };
        qr::sign(&payload, &self.signer)
    }

    /// Verifies an order's QR text offline against this device's key and the device keys the
    /// station pushed down; refuses a tampered, foreign-signed, revoked-signer or expired code.
    pub fn verify_order_qr(&self, text: &str) -> Result<OrderPayload> {
        qr::verify(text, self, self.clock().now().utc)
    }

    /// Renders the printable order. The served copy never shows a protected person's address;
    /// no copy shows an address marked confidential.
    pub fn order_pdf(
        &self,
        order_id: Uuid,
        copy: OrderCopy,
        languages: &[Language],
    ) -> Result<Vec<u8>> {
        let status = self.order_status(order_id)?;
        let o = &status.order;
        let restricted = self.person(o.restricted_person)?;
        let mut protected = Vec::new();
        for id in &o.protected_persons {
            let p = self.person(*id)?;
            protected.push(ProtectedLine {
                name: p.full_name,
                // Decided here, once: the served copy gets no protected address at all.
                address: match copy {
                    OrderCopy::Served => None,
                    OrderCopy::PoliceFile if p.address_confidential => None,
                    OrderCopy::PoliceFile => p.address,
                },
                address_confidential: p.address_confidential,
            });
        }
        // The officer who issued it: the profile with that badge, or the device's officer.
        let officer_name = self
            .profiles()?
            .into_iter()
            .find(|p| p.badge == o.issued_by)
            .map(|p| p.name)
            .or_else(|| {
                (self.device().profile.officer.badge == o.issued_by)
                    .then(|| self.device().profile.officer.name.clone())
            });
        let served = status.served_at.map(|t| {
            let when = (t.utc + chrono::Duration::minutes(i64::from(t.utc_offset_min)))
                .format("%Y-%m-%d %H:%M")
                .to_string();
            match &status.service {
                Some(Service::RefusedToSign { witnesses }) => format!(
                    "{when}; refused to sign / қол қоюдан бас тартты / от подписи отказался: {}",
                    witnesses.join(", ")
                ),
                _ => when,
            }
        });
        let view = OrderView {
            copy,
            number: o.number.clone(),
            issued_at: o.issued_at.utc,
            utc_offset_min: o.issued_at.utc_offset_min,
            valid_from: o.valid_from,
            valid_until: status.valid_until,
            restricted_name: restricted.full_name,
            restricted_birth: restricted.date_of_birth.map(|d| d.to_string()),
            restricted_address: restricted.address,
            protected,
            prohibitions: o.prohibitions.clone(),
            officer: match officer_name {
                Some(n) => format!("{n} ({})", o.issued_by),
                None => o.issued_by.clone(),
            },
            served,
            qr_text: self.order_qr_text(order_id)?,
        };
        pdf::render(&view, self.order_rules(), languages)
    }

    /// A device's public key as this device knows it, and whether it is revoked.
    pub fn trusted_device_key(&self, device_id: &str) -> Option<(PublicKey, bool)> {
        if device_id == self.device().device_id.simple().to_string() {
            return Some((self.device().public_key, false));
        }
        // A key whose row was edited (a revocation lifted, a key swapped) is not trusted.
        let row = super::integrity::trusted_key(&self.conn(), self.keys(), device_id)
            .ok()
            .flatten();
        row.and_then(|(k, revoked)| Some((PublicKey(k.try_into().ok()?), revoked)))
    }
}

impl KeyLookup for Store {
    fn device_key(&self, device_id: &str) -> Option<(PublicKey, bool)> {
        self.trusted_device_key(device_id)
    }
}
