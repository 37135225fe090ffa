//! `builtby ingest arxiv`: files (Atom, JSON lines) and the export API by category and date.

use super::{Env, UsageError};
use crate::cli::ArxivArgs;
use anyhow::Result;
use builtby_ingest::arxiv::{crawl, ingest_files, today, CrawlPlan};
use builtby_ingest::FileOutcome;
use builtby_sources::arxiv::client::{valid_category, Client, Config, SystemClock, API_URL};
use chrono::NaiveDate;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Files as named; a folder's `.xml`, `.atom`, `.json`, `.jsonl` and `.gz` files, sorted.
fn expand(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<String>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(p)
                .map(|rd| rd.flatten().map(|e| e.path()).collect())
                .unwrap_or_default();
            found.retain(|f| {
                let n = f
                    .file_name()
                    .map(|n| n.to_string_lossy().to_lowercase())
                    .unwrap_or_default();
                f.is_file()
                    && [".xml", ".atom", ".json", ".jsonl", ".gz"]
                        .iter()
                        .any(|s| n.ends_with(s))
            });
            found.sort();
            if found.is_empty() {
                errors.push(format!("{}: no .xml or .json files in it", p.display()));
            }
            files.extend(found);
        } else if p.is_file() {
            files.push(p.clone());
        } else if p.exists() {
            errors.push(format!("{}: not a regular file; not read", p.display()));
        } else {
            errors.push(format!("{}: no such file or folder", p.display()));
        }
    }
    let mut seen = std::collections::HashSet::new();
    files.retain(|f| seen.insert(f.clone()));
    (files, errors)
}

fn day(flag: &'static str, s: &str) -> Result<NaiveDate, UsageError> {
    let t = super::when(flag, s)?;
    chrono::DateTime::from_timestamp(t, 0)
        .map(|d| d.date_naive())
        .ok_or(UsageError {
            flag,
            message: format!("`{s}` is out of range"),
        })
}

pub fn run(env: &Env, a: &ArxivArgs) -> Result<ExitCode> {
    let usage = |flag: &'static str, message: String| UsageError { flag, message };
    for c in &a.categories {
        if !valid_category(c) {
            return Err(usage(
                "category",
                format!("`{c}` is not an arXiv category (e.g. cs.LG, cs.AI, stat.ML)"),
            )
            .into());
        }
    }
    if !(1..=2000).contains(&a.page_size) {
        return Err(usage(
            "page-size",
            format!("{} is not between 1 and 2000", a.page_size),
        )
        .into());
    }
    if a.window_days == 0 {
        return Err(usage("window-days", "must be at least 1".into()).into());
    }
    if !a.delay.is_finite() || a.delay < 0.0 || (a.delay < 3.0 && a.api_url == API_URL) {
        return Err(usage(
            "delay",
            format!(
                "{}: arXiv asks for at least 3 seconds between requests",
                a.delay
            ),
        )
        .into());
    }
    for (flag, v) in [("timeout", a.timeout), ("backoff", a.backoff)] {
        if !v.is_finite() || v < 0.0 {
            return Err(usage(flag, format!("{v} is not a number of seconds")).into());
        }
    }
    let plan = match &a.from {
        Some(from) => {
            let from = day("from", from)?;
            let to = match &a.to {
                Some(t) => day("to", t)?,
                None => today(),
            };
            if to < from {
                return Err(usage("to", format!("{to} is before --from {from}")).into());
            }
            Some(CrawlPlan {
                categories: a.categories.clone(),
                from,
                to,
                window_days: a.window_days,
                today: today(),
            })
        }
        None => None,
    };

    let started = Instant::now();
    let mut failed = false;
    let (files, errors) = expand(&a.files);
    for e in &errors {
        eprintln!("error: {e}");
        failed = true;
    }
    let mut store = env.store()?;
    let path = store.path().to_path_buf();
    if !files.is_empty() {
        let quiet = env.quiet;
        let r = ingest_files(&mut store, &files, &|f| {
            if quiet {
                return;
            }
            match &f.outcome {
                FileOutcome::Loaded { summary, report } => eprintln!(
                    "arxiv: {}: {} papers, {} new contributions{}",
                    f.path.display(),
                    report.by_type.get("paper").copied().unwrap_or(0),
                    summary.new_contributions,
                    match report.skipped_total() {
                        0 => String::new(),
                        n => format!(", {n} skipped"),
                    }
                ),
                FileOutcome::AlreadyLoaded => {
                    eprintln!("arxiv: {}: already loaded", f.path.display())
                }
                _ => {}
            }
        })?;
        super::ingest::print_problems(&r.report);
        failed |= !r.report.all_complete();
        if !env.quiet {
            let papers: u64 = r
                .report
                .files
                .iter()
                .map(|f| match &f.outcome {
                    FileOutcome::Loaded { report, .. } => {
                        report.by_type.get("paper").copied().unwrap_or(0)
                    }
                    _ => 0,
                })
                .sum();
            let already = r
                .report
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
                "ingested {} file(s) ({already} already loaded): {papers} papers, {} new contributions, {} author ↔ person suggestions (see `builtby identity suggest`) into {}",
                files.len() - already,
                r.report.new_contributions(),
                r.suggestions,
                path.display()
            );
        }
    }
    if let Some(plan) = plan {
        let cfg = Config {
            api_url: a.api_url.clone(),
            spacing: Duration::from_secs_f64(a.delay),
            page_size: a.page_size,
            timeout: Duration::from_secs_f64(a.timeout),
            max_retries: a.retries,
            backoff: Duration::from_secs_f64(a.backoff),
        };
        let quiet = env.quiet;
        let client = Client::new(cfg, Arc::new(SystemClock::default()))?.with_progress(move |m| {
            if !quiet {
                eprintln!("{m}");
            }
        });
        let r = crawl(&mut store, &client, &plan, &|m| {
            if !quiet {
                eprintln!("{m}");
            }
        })?;
        if let Some(e) = &r.error {
            eprintln!("error: {e} (what was loaded is kept; run again to resume)");
            failed = true;
        }
        if !env.quiet {
            eprintln!(
                "arxiv: {} {} to {}: {} windows read ({} done before), {} pages loaded ({} unchanged), {} papers, {} new contributions, {} bad entries, {} author ↔ person suggestions; {} requests ({} retries) in {:.0}s into {}",
                plan.categories.join(", "),
                plan.from,
                plan.to,
                r.windows_read,
                r.windows_already_done,
                r.pages_loaded,
                r.pages_unchanged,
                r.papers,
                r.new_contributions,
                r.bad_entries,
                r.suggestions,
                r.requests,
                r.retries,
                started.elapsed().as_secs_f64(),
                path.display()
            );
        }
    }
    let linked = builtby_ingest::arxiv::relink(&mut store)?;
    if !env.quiet && (linked > 0 || a.relink) {
        eprintln!(
            "arxiv: {linked} new author ↔ person suggestions from stored papers linking repositories now in the store (see `builtby identity suggest`)"
        );
    }
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
