//! The ingest progress bars: bytes, files and events/s on stderr, only on a terminal and never
//! with `--quiet`; over hours with ETA for `ingest gharchive --from --to` ([`HoursBar`]).

use builtby_ingest::gharchive::hours::{HourEvent, HoursProgress};
use builtby_ingest::{FileOutcome, FileReport, Progress};
use builtby_sources::gharchive::OUT_OF_SCOPE;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

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

/// The bar of `ingest gharchive --from --to`: hours done of the hours to do (those already
/// loaded are taken off), with ETA, on a terminal. Elsewhere (a log file, a test), one line per
/// hour loaded or failed instead. Nothing with `--quiet` but errors.
pub struct HoursBar {
    bar: Option<ProgressBar>,
    lines: bool,
    tally: Mutex<Tally>,
    /// Test hook: `BUILTBY_TEST_HALT_MID_LOAD=N` stops the process (it sleeps until killed) in
    /// the middle of the Nth hour load that has records, after they are added and before its
    /// transaction commits, having said so on stderr; what a kill at that moment leaves is
    /// what the resume tests check.
    halt_at: Option<u64>,
}

#[derive(Default)]
struct Tally {
    loaded: u64,
    skipped: u64,
    failed: u64,
    events: u64,
    out_of_scope: u64,
    loading: Option<std::path::PathBuf>,
    loads_with_records: u64,
    started: Option<std::time::Instant>,
}

impl HoursBar {
    pub fn new(hours: u64, quiet: bool) -> HoursBar {
        let terminal = std::io::stderr().is_terminal();
        let bar = (!quiet && terminal).then(|| {
            let b = ProgressBar::with_draw_target(Some(hours), ProgressDrawTarget::stderr());
            b.set_style(
                ProgressStyle::with_template(
                    "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} hours (ETA {eta}) {msg}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            b.enable_steady_tick(std::time::Duration::from_millis(250));
            b
        });
        HoursBar {
            bar,
            lines: !quiet && !terminal,
            tally: Mutex::new(Tally {
                started: Some(std::time::Instant::now()),
                ..Tally::default()
            }),
            halt_at: std::env::var("BUILTBY_TEST_HALT_MID_LOAD")
                .ok()
                .and_then(|v| v.parse().ok()),
        }
    }

    pub fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }

    fn say(&self, line: String) {
        match &self.bar {
            Some(b) => b.println(line),
            None => eprintln!("{line}"),
        }
    }

    fn message(&self, t: &Tally, now: &str) {
        if let Some(b) = &self.bar {
            let secs = t
                .started
                .map(|s| s.elapsed().as_secs_f64())
                .unwrap_or(0.0)
                .max(1e-9);
            b.set_message(format!(
                "{now} · {} loaded, {} skipped, {} failed · {} events ({:.0}/s), {} in scope",
                t.loaded,
                t.skipped,
                t.failed,
                t.events,
                t.events as f64 / secs,
                t.events - t.out_of_scope
            ));
        }
    }
}

impl Progress for HoursBar {
    fn loading(&self, path: &std::path::Path, _records: u64) {
        let Some(n) = self.halt_at else { return };
        let mut t = self.tally.lock().unwrap_or_else(|e| e.into_inner());
        if t.loading.as_deref() != Some(path) {
            t.loading = Some(path.to_path_buf());
            t.loads_with_records += 1;
            if t.loads_with_records == n {
                eprintln!(
                    "test hook: halted mid-load of {} (BUILTBY_TEST_HALT_MID_LOAD={n})",
                    path.display()
                );
                loop {
                    std::thread::sleep(std::time::Duration::from_secs(3600));
                }
            }
        }
    }
}

impl HoursProgress for HoursBar {
    fn hour(&self, stem: &str, event: HourEvent) {
        let mut t = self.tally.lock().unwrap_or_else(|e| e.into_inner());
        match event {
            HourEvent::AlreadyLoaded => {
                t.skipped += 1;
                if let Some(b) = &self.bar {
                    b.dec_length(1);
                }
            }
            HourEvent::NotTried => {
                if let Some(b) = &self.bar {
                    b.dec_length(1);
                }
            }
            HourEvent::Downloading => self.message(&t, &format!("downloading {stem}")),
            HourEvent::Retrying { attempt, why, wait } => {
                if self.bar.is_some() || self.lines {
                    self.say(format!(
                        "hour {stem}: attempt {attempt} failed ({why}); trying again in {}s",
                        wait.as_secs()
                    ));
                }
            }
            HourEvent::DownloadFailed(why) => {
                t.failed += 1;
                if let Some(b) = &self.bar {
                    b.inc(1);
                }
                self.say(format!("error: hour {stem}: {why}"));
            }
            HourEvent::Loaded(f) => {
                if let Some(b) = &self.bar {
                    b.inc(1);
                }
                match &f.outcome {
                    FileOutcome::Loaded { summary, report } => {
                        let out = report.skipped.get(OUT_OF_SCOPE).copied().unwrap_or(0);
                        t.events += report.read;
                        t.out_of_scope += out;
                        if report.ended_early.is_some() {
                            t.failed += 1;
                        } else {
                            t.loaded += 1;
                        }
                        if self.lines {
                            eprintln!(
                                "hour {stem}: {} events, {} in scope, {} new contributions{}",
                                report.read,
                                report.read - out,
                                summary.new_contributions,
                                if report.ended_early.is_some() {
                                    " (ENDED EARLY)"
                                } else {
                                    ""
                                }
                            );
                        }
                    }
                    FileOutcome::AlreadyLoaded => t.skipped += 1,
                    FileOutcome::AlreadyLoadedIncomplete { .. } | FileOutcome::Failed { .. } => {
                        t.failed += 1
                    }
                }
                self.message(&t, &format!("loaded {stem}"));
            }
        }
    }
}
