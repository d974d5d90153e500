//! Enrolment that an on-path attacker cannot hijack.
//!
//! The duty officer's **enrolment card** (a QR code, or typed by hand) names the station's URL,
//! a one-time code and, on the QR, the fingerprints of the station's TLS root and of its signing
//! key. The code itself never crosses the network: both sides derive a key from it
//! (HMAC-SHA256 under a fixed label), the device sends only an id derived from that key, proves
//! knowledge of the code with an HMAC over its request, and proves possession of its own private
//! key with an Ed25519 signature over the same bytes. The station's answer (certificate, station
//! key, TLS root) carries an HMAC under the same code key, so a station key or certificate
//! swapped on the way is refused even when the card was typed by hand.

use ring::hmac;
use serde::{Deserialize, Serialize};

use super::protocol::DeviceCertificate;
use crate::crypto::hash::Sha256;
use crate::crypto::signing::PublicKey;
use crate::error::{Error, Result};

/// The prefix of an enrolment card's text (what the QR code holds).
pub const CARD_PREFIX: &str = "QORGAU-ENROL:1";
/// Domain label of the request's proof and signature.
const REQUEST_LABEL: &[u8] = b"QORGAU-ENROL-REQUEST-1\n";
/// Domain label of the answer's MAC.
const ANSWER_LABEL: &[u8] = b"QORGAU-ENROL-ANSWER-1\n";

/// What the duty officer hands to the phone: station address, one-time code and, on a printed
/// or shown card, the fingerprints the phone must find at the other end.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrolmentCard {
    /// The station's base URL (`https://…`; `http://` only for loopback).
    pub station_url: String,
    /// The one-time code (16 letters and digits; case and spaces do not matter).
    pub code: String,
    /// SHA-256 (hex) of the DER of the station's TLS root certificate, if the card names it.
    pub ca_fingerprint: Option<String>,
    /// SHA-256 (hex) of the station's Ed25519 public key, if the card names it.
    pub station_key_fingerprint: Option<String>,
}

fn hex64(field: &'static str, v: &str) -> Result<String> {
    let v = v.trim().to_ascii_lowercase().replace([':', ' '], "");
    if v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(v)
    } else {
        Err(Error::invalid(
            field,
            "a SHA-256 fingerprint is 64 hex digits",
        ))
    }
}

impl EnrolmentCard {
    /// The card's text: `QORGAU-ENROL:1;url=…;code=…;ca=…;key=…` (what the QR code holds).
    pub fn to_text(&self) -> String {
        let mut s = format!(
            "{CARD_PREFIX};url={};code={}",
            self.station_url,
            normalise_code(&self.code)
        );
        if let Some(ca) = &self.ca_fingerprint {
            s.push_str(&format!(";ca={ca}"));
        }
        if let Some(k) = &self.station_key_fingerprint {
            s.push_str(&format!(";key={k}"));
        }
        s
    }

    /// Reads a card's text (from a QR code). Unknown versions and malformed fields are refused.
    pub fn parse(text: &str) -> Result<EnrolmentCard> {
        let text = text.trim();
        let mut parts = text.split(';');
        if parts.next() != Some(CARD_PREFIX) {
            return Err(Error::invalid(
                "enrolment card",
                "not a Qorgau enrolment card (or a newer version)",
            ));
        }
        let (mut url, mut code, mut ca, mut key) = (None, None, None, None);
        for p in parts {
            let (k, v) = p
                .split_once('=')
                .ok_or_else(|| Error::invalid("enrolment card", "malformed field"))?;
            let slot = match k {
                "url" => &mut url,
                "code" => &mut code,
                "ca" => &mut ca,
                "key" => &mut key,
                _ => continue, // fields of later versions are ignored
            };
            if slot.replace(v.to_string()).is_some() {
                return Err(Error::invalid("enrolment card", "a field appears twice"));
            }
        }
        let station_url =
            url.ok_or_else(|| Error::invalid("enrolment card", "no station address"))?;
        check_station_url(&station_url)?;
        let code = normalise_code(
            &code.ok_or_else(|| Error::invalid("enrolment card", "no enrolment code"))?,
        );
        check_code(&code)?;
        Ok(EnrolmentCard {
            station_url,
            code,
            ca_fingerprint: ca.map(|v| hex64("enrolment card", &v)).transpose()?,
            station_key_fingerprint: key.map(|v| hex64("enrolment card", &v)).transpose()?,
        })
    }
}

/// A code as typed: upper case, without spaces or dashes.
pub fn normalise_code(code: &str) -> String {
    code.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_uppercase)
        .collect()
}

fn check_code(code: &str) -> Result<()> {
    if code.len() == 16
        && code
            .bytes()
            .all(|b| b.is_ascii_uppercase() || (b'2'..=b'9').contains(&b))
    {
        Ok(())
    } else {
        Err(Error::invalid("enrolment code", "16 letters and digits"))
    }
}

/// True when `host` names this machine (127.0.0.0/8, ::1, localhost): the only places plain
/// HTTP is allowed.
pub fn is_loopback_host(host: &str) -> bool {
    let h = host.trim_start_matches('[').trim_end_matches(']');
    h.eq_ignore_ascii_case("localhost")
        || h.parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Accepts `https://host[:port]` and `http://` only to a loopback host.
pub fn check_station_url(url: &str) -> Result<()> {
    let (scheme, rest) = url.split_once("://").ok_or_else(|| {
        Error::invalid("station", "an address such as https://station.local:8440")
    })?;
    let authority = rest.split('/').next().unwrap_or("");
    if authority.is_empty() || authority.contains('@') || rest.contains(['?', '#']) {
        return Err(Error::invalid(
            "station",
            "an address such as https://station.local:8440",
        ));
    }
    let host = match authority.rsplit_once(':') {
        Some((h, port)) if !h.ends_with(':') && port.bytes().all(|b| b.is_ascii_digit()) => h,
        _ => authority,
    };
    match scheme.to_ascii_lowercase().as_str() {
        "https" => Ok(()),
        "http" if is_loopback_host(host) => Ok(()),
        "http" => Err(Error::invalid(
            "station",
            "plain http is refused off this machine: use the station's https address",
        )),
        _ => Err(Error::invalid(
            "station",
            "the address must start with https://",
        )),
    }
}

/// The key both sides derive from a one-time code.
pub struct CodeKey(hmac::Key, [u8; 32]);

impl CodeKey {
    /// Derives the key from a code as typed or scanned.
    pub fn derive(code: &str) -> CodeKey {
        let label = hmac::Key::new(hmac::HMAC_SHA256, b"qorgau enrolment code v1");
        let tag = hmac::sign(&label, normalise_code(code).as_bytes());
        let raw: [u8; 32] = tag.as_ref().try_into().expect("HMAC-SHA256 is 32 bytes");
        CodeKey(hmac::Key::new(hmac::HMAC_SHA256, &raw), raw)
    }

    /// Rebuilds the key from its raw bytes (as the station keeps it, sealed).
    pub fn from_raw(raw: [u8; 32]) -> CodeKey {
        CodeKey(hmac::Key::new(hmac::HMAC_SHA256, &raw), raw)
    }

    /// The raw key bytes (for the station's sealed store; never logged).
    pub fn raw(&self) -> &[u8; 32] {
        &self.1
    }

    /// The id under which the station finds the code: it reveals nothing about the code.
    pub fn code_id(&self) -> String {
        hex::encode(&hmac::sign(&self.0, b"code id").as_ref()[..16])
    }

    fn mac(&self, label: &[u8], bytes: &[u8]) -> String {
        let mut ctx = hmac::Context::with_key(&self.0);
        ctx.update(label);
        ctx.update(bytes);
        hex::encode(ctx.sign().as_ref())
    }

    fn check(&self, label: &[u8], bytes: &[u8], mac_hex: &str) -> bool {
        let Ok(tag) = hex::decode(mac_hex) else {
            return false;
        };
        let mut msg = label.to_vec();
        msg.extend_from_slice(bytes);
        hmac::verify(&self.0, &msg, &tag).is_ok()
    }
}

/// What a device claims when it enrols (signed by its key, MACed with the code).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrolClaim {
    /// [`CodeKey::code_id`] of the code.
    pub code_id: String,
    pub device_id: String,
    /// Ed25519 public key, hex.
    pub public_key: String,
    pub label: String,
    /// Unix seconds on the device.
    pub ts: i64,
}

/// The enrolment request: the claim, a MAC under the code key and the device key's signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrolRequest {
    pub claim: EnrolClaim,
    /// HMAC-SHA256 (hex) under the code key over the canonical claim.
    pub proof: String,
    /// Ed25519 signature (base64) by the device key over the same bytes: proof of possession.
    pub signature: String,
}

/// The bytes the proof and the signature cover.
pub fn claim_bytes(claim: &EnrolClaim) -> Result<Vec<u8>> {
    let mut b = REQUEST_LABEL.to_vec();
    b.extend_from_slice(&crate::canonical::to_bytes(claim)?);
    Ok(b)
}

impl EnrolRequest {
    /// Builds a request for `claim` with the code key and the device's signing function.
    pub fn new(
        claim: EnrolClaim,
        key: &CodeKey,
        sign: impl FnOnce(&[u8]) -> Result<[u8; 64]>,
    ) -> Result<EnrolRequest> {
        use base64::Engine;
        let bytes = claim_bytes(&claim)?;
        let proof = key.mac(b"", &bytes);
        let signature = base64::engine::general_purpose::STANDARD.encode(sign(&bytes)?);
        Ok(EnrolRequest {
            claim,
            proof,
            signature,
        })
    }

    /// True when the request's MAC was made with `key` (the device knows the code).
    pub fn proof_matches(&self, key: &CodeKey) -> bool {
        claim_bytes(&self.claim).is_ok_and(|b| key.check(b"", &b, &self.proof))
    }

    /// True when the signature verifies under the claimed key (the device holds its private key).
    pub fn possession_proven(&self) -> bool {
        use base64::Engine;
        let (Some(key), Ok(sig), Ok(bytes)) = (
            PublicKey::from_hex(&self.claim.public_key),
            base64::engine::general_purpose::STANDARD.decode(&self.signature),
            claim_bytes(&self.claim),
        ) else {
            return false;
        };
        key.verify(&bytes, &sig)
    }
}

/// What the station answers (all of it under the answer's MAC).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrolAnswer {
    pub certificate: DeviceCertificate,
    /// Station signature over the canonical certificate, base64.
    pub certificate_signature: String,
    /// The station's Ed25519 public key, hex (signs certificates and registries).
    pub station_public_key: String,
    /// The station's TLS root (PEM) that phones trust from now on, if it serves https.
    pub ca_pem: Option<String>,
}

/// The answer with its MAC under the code key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrolResponse {
    pub answer: EnrolAnswer,
    /// HMAC-SHA256 (hex) under the code key over the canonical answer.
    pub mac: String,
}

impl EnrolResponse {
    /// MACs an answer with the code key.
    pub fn seal(answer: EnrolAnswer, key: &CodeKey) -> Result<EnrolResponse> {
        let mac = key.mac(ANSWER_LABEL, &crate::canonical::to_bytes(&answer)?);
        Ok(EnrolResponse { answer, mac })
    }

    /// The answer, if its MAC was made with `key` (by the station that issued the code).
    pub fn open(&self, key: &CodeKey) -> Option<&EnrolAnswer> {
        let bytes = crate::canonical::to_bytes(&self.answer).ok()?;
        key.check(ANSWER_LABEL, &bytes, &self.mac)
            .then_some(&self.answer)
    }
}

/// The y-coordinates (sign bit cleared) of the Ed25519 points of small order, and the
/// non-canonical spellings of 0 and 1 (p and p + 1), as listed by libsodium's blocklist.
const SMALL_ORDER_Y: [[u8; 32]; 7] = {
    let mut t = [[0u8; 32]; 7];
    t[1][0] = 1;
    t[2] = [
        0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89, 0xf2, 0xef, 0x98,
        0xf0, 0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6, 0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53,
        0xfc, 0x05,
    ];
    t[3] = [
        0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b, 0x76, 0x0d, 0x10, 0x67,
        0x0f, 0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39, 0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac,
        0x03, 0x7a,
    ];
    // p - 1, p, p + 1 (p = 2^255 - 19).
    let mut k = 4;
    while k < 7 {
        let mut i = 1;
        while i < 31 {
            t[k][i] = 0xff;
            i += 1;
        }
        t[k][31] = 0x7f;
        t[k][0] = 0xec + (k as u8 - 4);
        k += 1;
    }
    t
};

/// True for a public key no honest device has: a point of small order (the all-zero key among
/// them), for which signatures can be forged without a private key.
pub fn is_weak_public_key(key: &[u8; 32]) -> bool {
    let mut y = *key;
    y[31] &= 0x7f;
    SMALL_ORDER_Y.contains(&y)
}

/// SHA-256 (hex) of a station key: what the card's `key=` names.
pub fn station_key_fingerprint(key: &PublicKey) -> String {
    Sha256::of(&key.0).hex()
}

/// A fingerprint grouped for reading aloud: `AB12 CD34 …`.
pub fn grouped(fingerprint: &str) -> String {
    fingerprint
        .to_ascii_uppercase()
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_card_round_trips_and_refuses_what_it_should() {
        let card = EnrolmentCard {
            station_url: "https://10.0.0.5:8440".into(),
            code: "abcd efgh jkmn pq23".into(),
            ca_fingerprint: Some("ab".repeat(32)),
            station_key_fingerprint: Some("cd".repeat(32)),
        };
        let back = EnrolmentCard::parse(&card.to_text()).unwrap();
        assert_eq!(back.code, "ABCDEFGHJKMNPQ23");
        assert_eq!(
            (
                back.station_url.as_str(),
                back.ca_fingerprint,
                back.station_key_fingerprint
            ),
            (
                "https://10.0.0.5:8440",
                card.ca_fingerprint,
                card.station_key_fingerprint
            )
        );
        for bad in [
            "QORGAU-ENROL:2;url=https://a;code=ABCDEFGHJKMNPQ23",
            "QORGAU-ENROL:1;url=http://10.0.0.5:8440;code=ABCDEFGHJKMNPQ23",
            "QORGAU-ENROL:1;url=https://a;code=SHORT",
            "QORGAU-ENROL:1;url=https://a;code=ABCDEFGHJKMNPQ23;ca=zz",
            "QORGAU-ENROL:1;url=https://a;url=https://b;code=ABCDEFGHJKMNPQ23",
            "QORGAU-ENROL:1;code=ABCDEFGHJKMNPQ23",
        ] {
            assert!(
                matches!(EnrolmentCard::parse(bad), Err(Error::InvalidField { .. })),
                "{bad}"
            );
        }
    }

    #[test]
    fn plain_http_only_to_this_machine() {
        for ok in [
            "https://station.local:8440",
            "http://127.0.0.1:8440",
            "http://localhost:1",
            "http://[::1]:8440",
            "http://127.3.4.5",
        ] {
            check_station_url(ok).unwrap();
        }
        for bad in [
            "http://192.168.1.10:8440",
            "http://station.local",
            "ftp://x",
            "http://127.0.0.1.evil.example",
            "https://",
            "http://user@127.0.0.1",
        ] {
            assert!(check_station_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn small_order_keys_are_weak_and_real_keys_are_not() {
        assert!(is_weak_public_key(&[0u8; 32]));
        let mut one = [0u8; 32];
        one[0] = 1;
        assert!(is_weak_public_key(&one));
        one[31] = 0x80; // the same point with the sign bit set
        assert!(is_weak_public_key(&one));
        for t in SMALL_ORDER_Y {
            assert!(is_weak_public_key(&t));
        }
        let real = crate::crypto::signing::DeviceSigner::from_pkcs8(
            &crate::crypto::signing::generate_pkcs8().unwrap(),
        )
        .unwrap()
        .public_key();
        assert!(!is_weak_public_key(&real.0));
    }

    #[test]
    fn the_answer_mac_catches_a_swapped_station_key() {
        let key = CodeKey::derive("ABCD-EFGH-JKMN-PQ23");
        assert_eq!(key.code_id(), CodeKey::derive("abcdefghjkmnpq23").code_id());
        let answer = EnrolAnswer {
            certificate: DeviceCertificate {
                device_id: "d".into(),
                public_key: "k".into(),
                officer: "o".into(),
                unit: "u".into(),
                enrolled_at: "t".into(),
            },
            certificate_signature: "s".into(),
            station_public_key: "aa".repeat(32),
            ca_pem: None,
        };
        let mut r = EnrolResponse::seal(answer, &key).unwrap();
        assert!(r.open(&key).is_some());
        assert!(r.open(&CodeKey::derive("ABCDEFGHJKMNPQ24")).is_none());
        r.answer.station_public_key = "bb".repeat(32);
        assert!(r.open(&key).is_none());
    }
}
