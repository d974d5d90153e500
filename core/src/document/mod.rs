//! Printed documents: the protection order PDF and its signed QR code.

pub mod pdf;
pub mod qr;
