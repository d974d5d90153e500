//! Crash points for tests: with `QORGAU_FAULT=<name>` in its environment the station stops dead
//! at that point (abort, as a SIGKILL would leave it), so a test can crash it inside a window
//! that random kills would rarely hit. Without the variable it does nothing.

/// Aborts the process when `QORGAU_FAULT` names this point.
pub fn point(name: &str) {
    if std::env::var_os("QORGAU_FAULT").is_some_and(|v| v == name) {
        std::process::abort();
    }
}
