//! Progress of long work: a bar on a terminal, JSON lines on stderr with --json, else nothing.

use std::io::IsTerminal;
use std::sync::Mutex;

use indicatif::{ProgressBar, ProgressStyle};
use qorgau_core::Progress;

pub enum Bar {
    Terminal(ProgressBar),
    JsonLines(Mutex<u64>),
    Silent,
}

impl Bar {
    pub fn new(json: bool) -> Bar {
        if json {
            Bar::JsonLines(Mutex::new(0))
        } else if std::io::stderr().is_terminal() {
            let b = ProgressBar::new(0);
            b.set_style(
                ProgressStyle::with_template("{spinner} hashing + encrypting {bytes}/{total_bytes} {bar:30} {bytes_per_sec} eta {eta}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            Bar::Terminal(b)
        } else {
            Bar::Silent
        }
    }

    pub fn finish(&self) {
        if let Bar::Terminal(b) = self {
            b.finish_and_clear();
        }
    }
}

impl Progress for Bar {
    fn on_progress(&self, done: u64, total: u64) {
        match self {
            Bar::Terminal(b) => {
                b.set_length(total);
                b.set_position(done);
            }
            Bar::JsonLines(last) => {
                let mut last = last.lock().unwrap_or_else(|p| p.into_inner());
                if done != *last {
                    *last = done;
                    eprintln!(
                        "{}",
                        serde_json::json!({ "progress": { "done": done, "total": total } })
                    );
                }
            }
            Bar::Silent => {}
        }
    }
}
