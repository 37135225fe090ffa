//! `builtby ingest gharchive`: files, folders, globs, or hours downloaded from GH Archive.

use super::Env;
use crate::cli::GharchiveArgs;
use crate::progress::Bar;
use anyhow::Result;
use builtby_ingest::{expand_inputs, FileOutcome, IngestReport};
use std::process::ExitCode;

pub fn run(env: &Env, a: &GharchiveArgs) -> Result<ExitCode> {
    let mut files = Vec::new();
    let mut input_errors = Vec::new();
    if let (Some(from), Some(to)) = (&a.from, &a.to) {
        let hours =
            crate::demo::download::hours(from, to).map_err(|message| super::UsageError {
                flag: "from",
                message,
            })?;
        let dir = env.data_dir.join("gharchive");
        let (got, errs) = crate::demo::download::fetch_hours(&hours, &dir, env.quiet);
        files.extend(got);
        input_errors.extend(errs);
    }
    if !a.paths.is_empty() {
        let (got, errs) = expand_inputs(&a.paths);
        files.extend(got);
        input_errors.extend(errs.into_iter().map(|e| e.to_string()));
    }
    for e in &input_errors {
        eprintln!("error: {e}");
    }
    let report = ingest(env, &files, a.threads)?;
    // Timeline-era profile locations feed the same normaliser as the users API.
    super::github::normalise_locations(&mut env.store()?)?;
    Ok(if input_errors.is_empty() && report.all_complete() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Ingests `files`, with a progress bar on a terminal, and prints a per-file account of
/// problems plus a summary on stderr.
pub fn ingest(
    env: &Env,
    files: &[std::path::PathBuf],
    threads: Option<usize>,
) -> Result<IngestReport> {
    let mut store = env.store()?;
    let total: u64 = files
        .iter()
        .filter_map(|f| std::fs::metadata(f).ok())
        .map(|m| m.len())
        .sum();
    let bar = Bar::new(total, files.len() as u64, env.quiet);
    let started = std::time::Instant::now();
    let report = builtby_ingest::gharchive::ingest_files(
        &mut store,
        files,
        threads.unwrap_or_else(super::default_threads),
        &bar,
    )?;
    bar.finish();
    print_problems(&report);
    if !env.quiet {
        let secs = started.elapsed().as_secs_f64();
        let loaded = report
            .files
            .iter()
            .filter(|f| matches!(f.outcome, FileOutcome::Loaded { .. }))
            .count();
        let skipped = report
            .files
            .iter()
            .filter(|f| matches!(f.outcome, FileOutcome::AlreadyLoaded))
            .count();
        eprintln!(
            "ingested {loaded} file(s) ({skipped} already loaded): {} events, {} new contributions in {:.1}s ({:.0} events/s) into {}",
            report.events(),
            report.new_contributions(),
            secs,
            report.events() as f64 / secs.max(1e-9),
            store.path().display()
        );
    }
    Ok(report)
}

fn print_problems(report: &IngestReport) {
    for f in &report.files {
        match &f.outcome {
            FileOutcome::Failed { error } => eprintln!("error: {error}"),
            FileOutcome::Loaded { stats, .. } => {
                if let Some(e) = &stats.ended_early {
                    eprintln!("error: {e}");
                }
                for m in &stats.skip_messages {
                    eprintln!("warning: {}: {m}", f.path.display());
                }
                let shown = stats.skip_messages.len() as u64;
                if stats.skipped_lines > shown {
                    eprintln!(
                        "warning: {}: {} more skipped lines (see `builtby stats`)",
                        f.path.display(),
                        stats.skipped_lines - shown
                    );
                }
            }
            FileOutcome::AlreadyLoaded => {}
        }
    }
}
