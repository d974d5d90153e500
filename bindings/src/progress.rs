//! Progress and cancellation of long work, implemented by the apps.

use std::sync::Arc;

/// Told how far a long operation (ingest of a big video; sync later) has got. UniFFI has no
/// cancellation of its own: return true from `is_cancelled` to stop; the operation then fails
/// with `Cancelled` and stores nothing.
#[uniffi::export(with_foreign)]
pub trait ProgressObserver: Send + Sync {
    /// `done` of `total` bytes processed.
    fn on_progress(&self, done: u64, total: u64);
    /// Polled between pieces of work.
    fn is_cancelled(&self) -> bool;
}

pub(crate) struct Adapter(pub Option<Arc<dyn ProgressObserver>>);

impl qorgau_core::Progress for Adapter {
    fn on_progress(&self, done: u64, total: u64) {
        if let Some(o) = &self.0 {
            o.on_progress(done, total);
        }
    }
    fn is_cancelled(&self) -> bool {
        self.0.as_ref().is_some_and(|o| o.is_cancelled())
    }
}
