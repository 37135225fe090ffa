//! `builtby ingest gharchive`: files, folders, globs, or hours streamed from GH Archive, each
//! keeping the events of a scope of repositories.

use super::Env;
use crate::cli::GharchiveArgs;
use crate::progress::{Bar, HoursBar};
use anyhow::Result;
use builtby_ingest::gharchive::hours::{self, Plan};
use builtby_ingest::locations::Locations;
use builtby_ingest::{expand_inputs, FileOutcome, IngestReport};
use builtby_search::Catalog;
use builtby_sources::gharchive::{download, Pattern, Scope, OUT_OF_SCOPE};
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

pub fn run(env: &Env, a: &GharchiveArgs) -> Result<ExitCode> {
    let mut failed = false;
    if let (Some(from), Some(to)) = (&a.from, &a.to) {
        let hours = download::hours(from, to).map_err(|e| super::UsageError {
            flag: "from",
            message: e.0,
        })?;
        let scope = scope(env, a.scope.as_deref(), true)?;
        let report = ingest_hours(env, &hours, &scope, a)?;
        failed |= !report.failed.is_empty() || !report.not_tried.is_empty();
    }
    if !a.paths.is_empty() {
        let scope = scope(env, a.scope.as_deref(), false)?;
        let mut files = Vec::new();
        let mut input_errors = Vec::new();
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
        for e in &input_errors {
            eprintln!("error: {e}");
        }
        let report = ingest(env, &files, a.threads, a.timings, &scope)?;
        failed |= !input_errors.is_empty() || !report.all_complete();
    }
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// `--scope`: `catalog`, `all` or a file (a usage error names its bad line); without it,
/// `catalog` for downloads and `all` for files named on the command line.
fn scope(env: &Env, arg: Option<&str>, downloading: bool) -> Result<Scope> {
    Ok(match arg {
        Some("all") => Scope::all(),
        Some("catalog") => catalog_scope(&env.catalog),
        None if downloading => catalog_scope(&env.catalog),
        None => Scope::all(),
        Some(file) => Scope::read_file(Path::new(file)).map_err(|e| super::UsageError {
            flag: "scope",
            message: e.to_string(),
        })?,
    })
}

/// Every repository of the catalog, under its current and old names.
pub fn catalog_scope(catalog: &Catalog) -> Scope {
    let names = catalog
        .ecosystems
        .iter()
        .flat_map(|e| &e.repos)
        .flat_map(|r| std::iter::once(&r.name).chain(&r.old_names));
    // the catalog checked every name (owner/name)
    Scope::of("catalog", names.filter_map(|n| Pattern::parse(n).ok()))
}

/// `--from/--to`: hours streamed from GH Archive into the store, with a bar over hours and a
/// summary; the failed hours are named.
fn ingest_hours(
    env: &Env,
    hours: &[String],
    scope: &Scope,
    a: &GharchiveArgs,
) -> Result<builtby_ingest::gharchive::hours::HoursReport> {
    let started = Instant::now();
    let mut retry = download::Retry::default();
    if let Ok(v) = std::env::var(RETRY_WAIT_ENV) {
        let secs: f64 = v
            .trim()
            .parse()
            .ok()
            .filter(|s: &f64| s.is_finite() && *s >= 0.0 && *s <= 3600.0)
            .ok_or_else(|| super::UsageError {
                flag: "from",
                message: format!("{RETRY_WAIT_ENV}={v}: not a number of seconds (0 to 3600)"),
            })?;
        retry.first_wait = std::time::Duration::from_secs_f64(secs);
    }
    let fetcher = download::Fetcher::new(&download::base_url(), retry)?;
    let dir = env.data_dir.join("gharchive");
    let _lock = lock_downloads(&dir)?;
    let mut store = env.store()?;
    let path = store.path().to_path_buf();
    let plan = Plan {
        stems: hours,
        dir,
        fetcher: &fetcher,
        scope,
        keep: a.keep,
        threads: a.threads.unwrap_or_else(super::default_threads),
        ahead: AHEAD,
    };
    if !env.quiet {
        eprintln!(
            "{} hour(s) from {} ({} to {}), keeping {}{}",
            hours.len(),
            download::base_url(),
            hours.first().map(String::as_str).unwrap_or(""),
            hours.last().map(String::as_str).unwrap_or(""),
            scope.describe(),
            if a.keep {
                format!("; files kept in {}", plan.dir.display())
            } else {
                String::new()
            }
        );
    }
    let bar = HoursBar::new(hours.len() as u64, env.quiet);
    let noted = Locations::new();
    let report = hours::ingest_hours(&mut store, &plan, &bar, Some(&noted))?;
    bar.finish();
    let located = builtby_ingest::locations::normalise_stored(&mut store, noted)?;
    drop(store);
    print_problems(&report.ingest);
    let secs = started.elapsed().as_secs_f64();
    if !env.quiet {
        let read = report.ingest.events();
        let out = out_of_scope(&report.ingest);
        eprintln!(
            "hours: {} asked, {} loaded, {} already loaded (skipped), {} failed{}",
            hours.len(),
            report.loaded.len(),
            report.already_loaded.len(),
            report.failed.len(),
            if report.not_tried.is_empty() {
                String::new()
            } else {
                format!(", {} not tried", report.not_tried.len())
            }
        );
        eprintln!(
            "events: {read} read, {} in scope ({}), {out} out of scope; {} new contributions, {located} locations normalised in {} ({:.1} hours/h, {:.0} events/s) into {}",
            read - out,
            scope.describe(),
            report.ingest.new_contributions(),
            duration(secs),
            report.loaded.len() as f64 * 3600.0 / secs.max(1e-9),
            read as f64 / secs.max(1e-9),
            path.display()
        );
    }
    for (stem, why) in &report.failed {
        eprintln!("error: hour {stem} failed: {why}");
    }
    if !report.not_tried.is_empty() {
        eprintln!(
            "error: {} hour(s) not tried ({} to {}): GH Archive could not be reached",
            report.not_tried.len(),
            report.not_tried[0],
            report.not_tried[report.not_tried.len() - 1]
        );
    }
    if !report.failed.is_empty() || !report.not_tried.is_empty() {
        let names: Vec<&str> = report.failed.iter().map(|(s, _)| s.as_str()).collect();
        eprintln!(
            "failed hours: {}{}; run the same command again to retry them (loaded hours are skipped)",
            names.join(" "),
            if report.not_tried.is_empty() {
                String::new()
            } else {
                format!(" and the {} not tried", report.not_tried.len())
            }
        );
    }
    Ok(report)
}

/// One downloading run per download folder: two would write the same `.part` files. The lock
/// (an advisory `flock` on `<dir>/.lock`) is held while the returned file is open, and is
/// released by the system however the process ends.
fn lock_downloads(dir: &Path) -> Result<std::fs::File> {
    std::fs::create_dir_all(dir)
        .map_err(|e| anyhow::anyhow!("{}: cannot create: {e}", dir.display()))?;
    let p = dir.join(".lock");
    let f = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&p)
        .map_err(|e| anyhow::anyhow!("{}: {e}", p.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::io::AsRawFd;
        // SAFETY: flock on a descriptor this function owns.
        if unsafe { libc::flock(f.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } != 0 {
            anyhow::bail!(
                "another `builtby ingest gharchive --from/--to` is downloading into {}: let it finish (what it loads is skipped by the next run)",
                dir.display()
            );
        }
    }
    Ok(f)
}

/// Hours downloaded (or downloading) beyond the one loading.
const AHEAD: usize = 2;

/// Seconds before a failed download's second attempt (doubled before each next one).
const RETRY_WAIT_ENV: &str = "BUILTBY_GHARCHIVE_RETRY_WAIT";

/// Events left out by the scope, over every loaded file.
fn out_of_scope(report: &IngestReport) -> u64 {
    report
        .files
        .iter()
        .map(|f| match &f.outcome {
            FileOutcome::Loaded { report, .. } => {
                report.skipped.get(OUT_OF_SCOPE).copied().unwrap_or(0)
            }
            _ => 0,
        })
        .sum()
}

/// `3.2s`, `4m05s`, `2h07m`.
pub(crate) fn duration(secs: f64) -> String {
    let s = secs.round() as u64;
    if secs < 60.0 {
        format!("{secs:.1}s")
    } else if s < 3600 {
        format!("{}m{:02}s", s / 60, s % 60)
    } else {
        format!("{}h{:02}m", s / 3600, (s % 3600) / 60)
    }
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
    scope: &Scope,
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
    let report = builtby_ingest::gharchive::ingest_files_in(
        &mut store,
        files,
        threads.unwrap_or_else(super::default_threads),
        &bar,
        Some(&noted),
        scope,
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
        let scoped = if scope.is_all() {
            String::new()
        } else {
            format!(
                " ({} out of scope; kept: {})",
                out_of_scope(&report),
                scope.describe()
            )
        };
        eprintln!(
            "ingested {loaded} file(s) ({skipped} already loaded): {} events{scoped}, {} new contributions, {located} locations normalised in {:.1}s ({:.0} events/s) into {}",
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
                    - report.skipped.get("no actor").copied().unwrap_or(0)
                    - report.skipped.get(OUT_OF_SCOPE).copied().unwrap_or(0);
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
