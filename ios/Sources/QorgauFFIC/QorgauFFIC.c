// Intentionally empty: SwiftPM needs a source file in a C target. The symbols come from the
// Rust library libqorgau_ffi (linked by the QorgauFFI target).
