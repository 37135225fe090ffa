//! Hours streamed from GH Archive into the store (`ingest gharchive --from --to`): a year is
//! 8,784 files of 60–120 MB, so they are never all on disk.
//!
//! One thread downloads the hours in order, at most [`Plan::ahead`] beyond the one loading
//! (each download takes a slot, which the writer frees once the hour's transaction is over), and
//! pushes each whole file into the same parse-and-load pipeline as files named on the command
//! line ([`super::run`]): parsers read it (keeping only the events in [`Plan::scope`]) while
//! the writer loads the hours before it. Once an hour's transaction has committed, its file is
//! deleted unless [`Plan::keep`].
//!
//! Resuming is by what the store knows: an hour whose file name is in the ingest log, read to
//! its end, in this scope or whole, is neither downloaded nor loaded again, even though its
//! file is gone. A partial download (`.part`) resumes where it stopped ([`Fetcher`]); a
//! half-loaded hour is not in the log (its transaction rolled back), so it is loaded again
//! from its file, whole. An hour that cannot be downloaded after its retries is reported and
//! the others go on; after [`GIVE_UP_AFTER`] hours in a row on which the server could not be
//! reached at all, the rest are not tried.

use super::{run, Jobs, Stages};
use crate::locations::Locations;
use crate::{FileOutcome, FileReport, IngestError, IngestReport, Progress};
use builtby_model::Source;
use builtby_sources::gharchive::download::Fetcher;
use builtby_sources::gharchive::Scope;
use builtby_store::Store;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Condvar, Mutex};
use std::time::Duration;

/// Hours in a row on which the server could not be reached before the rest are not tried.
pub const GIVE_UP_AFTER: usize = 3;

/// What to download and load.
pub struct Plan<'a> {
    /// File stems (`2024-05-21-0`), in the order to load them ([`builtby_sources::gharchive::download::hours`]).
    pub stems: &'a [String],
    /// Where files are downloaded (`<data-dir>/gharchive`).
    pub dir: PathBuf,
    pub fetcher: &'a Fetcher,
    pub scope: &'a Scope,
    /// Keep each file after loading it.
    pub keep: bool,
    pub threads: usize,
    /// Hours downloaded (or downloading) beyond the one loading: at most `ahead + 1` hour
    /// files are on disk at once, besides kept ones.
    pub ahead: usize,
}

/// What happened to one hour, as it happens.
#[derive(Debug, Clone, Copy)]
pub enum HourEvent<'a> {
    /// In the ingest log already (in this scope or whole): nothing to do.
    AlreadyLoaded,
    /// Its download starts (or resumes), or its file is there and goes to the parsers.
    Downloading,
    /// An attempt failed; the next one starts after `wait`.
    Retrying {
        attempt: u32,
        why: &'a str,
        wait: Duration,
    },
    /// Its download failed for good (after its retries).
    DownloadFailed(&'a str),
    /// Its load is over: loaded, or not (see [`FileReport::outcome`]).
    Loaded(&'a FileReport),
    /// Not tried: the server could not be reached for several hours in a row.
    NotTried,
}

/// Progress of a run over hours: the file-level callbacks of [`Progress`], and per hour.
pub trait HoursProgress: Progress {
    fn hour(&self, _stem: &str, _event: HourEvent) {}
}

/// What a run did, hour by hour (each list in hour order).
#[derive(Debug, Default)]
pub struct HoursReport {
    /// Loaded to their end.
    pub loaded: Vec<String>,
    /// In the ingest log already: neither downloaded nor loaded.
    pub already_loaded: Vec<String>,
    /// Not downloaded, or not loaded to their end: (stem, why). Running again retries them.
    pub failed: Vec<(String, String)>,
    /// Not tried after the server could not be reached.
    pub not_tried: Vec<String>,
    /// Every file that went through the load, in order.
    pub ingest: IngestReport,
}

/// Download slots: a download takes one, the writer gives it back when the hour's load is over.
struct Slots {
    state: Mutex<(usize, bool)>,
    freed: Condvar,
    max: usize,
}

impl Slots {
    /// Waits for a free slot; false once the writer has stopped.
    fn take(&self) -> bool {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        while s.0 >= self.max && !s.1 {
            s = self.freed.wait(s).unwrap_or_else(|e| e.into_inner());
        }
        if s.1 {
            return false;
        }
        s.0 += 1;
        true
    }

    fn give(&self) {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        s.0 = s.0.saturating_sub(1);
        self.freed.notify_all();
    }

    fn stop(&self) {
        self.state.lock().unwrap_or_else(|e| e.into_inner()).1 = true;
        self.freed.notify_all();
    }
}

/// Hours whose file is in the ingest log, read to its end, in `scope` or whole.
pub fn loaded_hours(store: &Store, scope: &Scope) -> Result<HashSet<String>, IngestError> {
    Ok(store
        .complete_inputs(Source::Gharchive)?
        .into_iter()
        .filter(|(_, key)| scope.covers(key))
        .filter_map(|(name, _)| name.strip_suffix(".json.gz").map(str::to_string))
        .collect())
}

/// Downloads and loads `plan.stems` (see the module comment). `Err` only for a store error;
/// hours that fail are in [`HoursReport::failed`].
pub fn ingest_hours<P: HoursProgress>(
    store: &mut Store,
    plan: &Plan,
    progress: &P,
    locations: Option<&Locations>,
) -> Result<HoursReport, IngestError> {
    let done = loaded_hours(store, plan.scope)?;
    let slots = Slots {
        state: Mutex::new((0, false)),
        freed: Condvar::new(),
        max: plan.ahead + 1,
    };
    let order: HashMap<&str, usize> = plan
        .stems
        .iter()
        .enumerate()
        .map(|(i, s)| (s.as_str(), i))
        .collect();
    // what the downloader saw: (already loaded, failed, not tried)
    let seen: Mutex<HoursReport> = Mutex::default();
    let mut loads = HoursReport::default();
    let stages = Stages {
        threads: plan.threads,
        progress,
        locations,
        scope: plan.scope,
    };
    let feed = |jobs: Jobs| download(plan, &done, &slots, &seen, progress, jobs);
    let mut after = |f: &FileReport| {
        let stem = stem_of(&f.path);
        match &f.outcome {
            FileOutcome::Loaded { report, .. } => match &report.ended_early {
                None => loads.loaded.push(stem.clone()),
                Some(e) => loads.failed.push((stem.clone(), e.clone())),
            },
            FileOutcome::AlreadyLoaded => loads.already_loaded.push(stem.clone()),
            FileOutcome::AlreadyLoadedIncomplete { error } => loads
                .failed
                .push((stem.clone(), format!("already loaded, incomplete: {error}"))),
            FileOutcome::Failed { error } => loads.failed.push((stem.clone(), error.clone())),
        }
        // The transaction is over (committed or rolled back): the file is no longer needed.
        // A failed hour is downloaded again by the next run.
        if !plan.keep {
            let _ = std::fs::remove_file(&f.path);
        }
        progress.hour(&stem, HourEvent::Loaded(f));
        slots.give();
    };
    let ingest = run(store, &stages, feed, &mut after, &|| slots.stop())?;
    let seen = seen.into_inner().unwrap_or_else(|e| e.into_inner());
    let by_hour = |v: &mut Vec<String>| v.sort_by_key(|s| order.get(s.as_str()).copied());
    let mut report = HoursReport {
        loaded: loads.loaded,
        already_loaded: [loads.already_loaded, seen.already_loaded].concat(),
        failed: [loads.failed, seen.failed].concat(),
        not_tried: seen.not_tried,
        ingest,
    };
    by_hour(&mut report.loaded);
    by_hour(&mut report.already_loaded);
    by_hour(&mut report.not_tried);
    report
        .failed
        .sort_by_key(|(s, _)| order.get(s.as_str()).copied());
    Ok(report)
}

/// The downloader: every hour not loaded yet, in order, into the pipeline.
fn download(
    plan: &Plan,
    done: &HashSet<String>,
    slots: &Slots,
    seen: &Mutex<HoursReport>,
    progress: &dyn HoursProgress,
    jobs: Jobs,
) {
    let note = |f: &mut dyn FnMut(&mut HoursReport)| {
        f(&mut seen.lock().unwrap_or_else(|e| e.into_inner()))
    };
    let mut unreachable_in_a_row = 0;
    for stem in plan.stems {
        if unreachable_in_a_row >= GIVE_UP_AFTER {
            note(&mut |r| r.not_tried.push(stem.clone()));
            progress.hour(stem, HourEvent::NotTried);
            continue;
        }
        if done.contains(stem) {
            note(&mut |r| r.already_loaded.push(stem.clone()));
            progress.hour(stem, HourEvent::AlreadyLoaded);
            continue;
        }
        if !slots.take() {
            return; // the writer stopped (a store error)
        }
        progress.hour(stem, HourEvent::Downloading);
        let got = plan
            .fetcher
            .fetch(stem, &plan.dir, &mut |attempt, why, wait| {
                progress.hour(stem, HourEvent::Retrying { attempt, why, wait })
            });
        match got {
            Ok(path) => {
                unreachable_in_a_row = 0;
                if !jobs.push(path) {
                    return;
                }
            }
            Err(f) => {
                slots.give();
                unreachable_in_a_row = if f.unreachable {
                    unreachable_in_a_row + 1
                } else {
                    0
                };
                let why = f.to_string();
                progress.hour(stem, HourEvent::DownloadFailed(&why));
                note(&mut |r| r.failed.push((stem.clone(), why.clone())));
            }
        }
    }
}

/// `2024-05-21-0` from `<dir>/2024-05-21-0.json.gz`.
fn stem_of(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    match name.strip_suffix(".json.gz") {
        Some(s) => s.to_string(),
        None => name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_of_hour_files() {
        assert_eq!(
            stem_of(Path::new("/d/2024-05-21-0.json.gz")),
            "2024-05-21-0"
        );
    }
}
