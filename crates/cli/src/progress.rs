//! The ingest progress bar: bytes, files and events/s on stderr, only on a terminal and never
//! with `--quiet`.

use builtby_ingest::{FileReport, Progress};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicU64, Ordering};

pub struct Bar {
    bar: Option<ProgressBar>,
    files: u64,
    files_done: AtomicU64,
    events: AtomicU64,
    started: std::time::Instant,
}

impl Bar {
    pub fn new(total_bytes: u64, files: u64, quiet: bool) -> Bar {
        let bar = (!quiet && std::io::stderr().is_terminal()).then(|| {
            let b = ProgressBar::with_draw_target(Some(total_bytes), ProgressDrawTarget::stderr());
            b.set_style(
                ProgressStyle::with_template(
                    "{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} ({eta}) {msg}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            b
        });
        Bar {
            bar,
            files,
            files_done: AtomicU64::new(0),
            events: AtomicU64::new(0),
            started: std::time::Instant::now(),
        }
    }

    pub fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}

impl Progress for Bar {
    fn bytes(&self, total_read: u64) {
        if let Some(b) = &self.bar {
            b.set_position(total_read);
        }
    }

    fn file_done(&self, _report: &FileReport, events: u64) {
        let done = self.files_done.fetch_add(1, Ordering::Relaxed) + 1;
        let ev = self.events.fetch_add(events, Ordering::Relaxed) + events;
        if let Some(b) = &self.bar {
            let rate = ev as f64 / self.started.elapsed().as_secs_f64().max(1e-9);
            b.set_message(format!(
                "{done}/{} files, {ev} events, {rate:.0} events/s",
                self.files
            ));
        }
    }
}
