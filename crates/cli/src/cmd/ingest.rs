//! `builtby ingest gharchive`: files, folders, globs, or hours downloaded from GH Archive.

use super::Env;
use crate::cli::GharchiveArgs;
use crate::progress::Bar;
use anyhow::Result;
use builtby_ingest::locations::Locations;
use builtby_ingest::{expand_inputs, FileOutcome, IngestReport};
use builtby_sources::gharchive::download;
use std::process::ExitCode;
use std::time::Instant;

pub fn run(env: &Env, a: &GharchiveArgs) -> Result<ExitCode> {
    let mut files = Vec::new();
    let mut input_errors = Vec::new();
    if let (Some(from), Some(to)) = (&a.from, &a.to) {
        let hours = download::hours(from, to).map_err(|e| super::UsageError {
            flag: "from",
            message: e.0,
        })?;
        let dir = env.data_dir.join("gharchive");
        let quiet = env.quiet;
        let (got, errs) = download::fetch_hours(&hours, &dir, &mut |url| {
            if !quiet {
                eprintln!("downloading {url}");
            }
        });
        files.extend(got);
        input_errors.extend(errs.into_iter().map(|e| e.to_string()));
    }
    if !a.paths.is_empty() {
        let (got, errs) = expand_inputs(&a.paths);
        files.extend(got);
        for e in errs {
            if e.is_skip() {
                // A FIFO, socket or device in a folder: only regular files are inputs.
                eprintln!("warning: {e}");
            } else {
                input_errors.push(e.to_string());
            }
        }
    }
    for e in &input_errors {
        eprintln!("error: {e}");
    }
    let report = ingest(env, &files, a.threads, a.timings)?;
    Ok(if input_errors.is_empty() && report.all_complete() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Ingests `files` into the store, the whole way: open the store, parse and load the files
/// (profile locations are normalised on a background thread meanwhile), store the places,
/// then close, which checkpoints the WAL into the database file. A progress bar on a
/// terminal; a per-file account of problems and a summary on stderr; with `timings`, one
/// `timings key=value…` line on stderr (what `bench ingest` reads).
pub fn ingest(
    env: &Env,
    files: &[std::path::PathBuf],
    threads: Option<usize>,
    timings: bool,
) -> Result<IngestReport> {
    let started = Instant::now();
    let mut store = env.store()?;
    let open = started.elapsed().as_secs_f64();
    let path = store.path().to_path_buf();

    let t = Instant::now();
    let total: u64 = files
        .iter()
        .filter_map(|f| std::fs::metadata(f).ok())
        .map(|m| m.len())
        .sum();
    let bar = Bar::new(total, files.len() as u64, env.quiet);
    let noted = Locations::new();
    let report = builtby_ingest::gharchive::ingest_files_noting(
        &mut store,
        files,
        threads.unwrap_or_else(super::default_threads),
        &bar,
        &noted,
    )?;
    bar.finish();
    let load = t.elapsed().as_secs_f64();

    // Timeline-era profile locations feed the same normaliser as the users API.
    let t = Instant::now();
    let located = builtby_ingest::locations::normalise_stored(&mut store, noted)?;
    let locations = t.elapsed().as_secs_f64();

    let t = Instant::now();
    drop(store);
    let close = t.elapsed().as_secs_f64();
    let secs = started.elapsed().as_secs_f64();

    print_problems(&report);
    if !env.quiet {
        let loaded = report
            .files
            .iter()
            .filter(|f| matches!(f.outcome, FileOutcome::Loaded { .. }))
            .count();
        let skipped = report
            .files
            .iter()
            .filter(|f| {
                matches!(
                    f.outcome,
                    FileOutcome::AlreadyLoaded | FileOutcome::AlreadyLoadedIncomplete { .. }
                )
            })
            .count();
        eprintln!(
            "ingested {loaded} file(s) ({skipped} already loaded): {} events, {} new contributions, {located} locations normalised in {:.1}s ({:.0} events/s) into {}",
            report.events(),
            report.new_contributions(),
            secs,
            report.events() as f64 / secs.max(1e-9),
            path.display()
        );
        if report.suppressed() > 0 {
            eprintln!(
                "{} records of opted-out people not stored (`builtby optout list`)",
                report.suppressed()
            );
        }
    }
    if timings {
        let peak = super::bench::peak_rss_kib()
            .map(|k| format!(" peak_kib={k}"))
            .unwrap_or_default();
        eprintln!(
            "timings open={:.4} load={:.4} locations={:.4} close={:.4} total={:.4} events={} contributions={} located={located}{peak}",
            open,
            load,
            locations,
            close,
            secs,
            report.events(),
            report.new_contributions(),
        );
    }
    Ok(report)
}

pub(crate) fn print_problems(report: &IngestReport) {
    for f in &report.files {
        match &f.outcome {
            FileOutcome::Failed { error } => eprintln!("error: {error}"),
            FileOutcome::Loaded { report, .. } => {
                if let Some(e) = &report.ended_early {
                    eprintln!("error: {e}");
                }
                for m in &report.messages {
                    eprintln!("warning: {}: {m}", f.path.display());
                }
                let shown = report.messages.len() as u64;
                let lines = report.skipped_total()
                    - report.skipped.get("no repository").copied().unwrap_or(0)
                    - report.skipped.get("no actor").copied().unwrap_or(0);
                if lines > shown {
                    eprintln!(
                        "warning: {}: {} more skipped lines (see `builtby stats`)",
                        f.path.display(),
                        lines - shown
                    );
                }
            }
            FileOutcome::AlreadyLoaded => {}
            FileOutcome::AlreadyLoadedIncomplete { error } => eprintln!(
                "error: {}: already loaded, and still incomplete: {error} (load the whole file under the same name to complete it)",
                f.path.display()
            ),
        }
    }
}
