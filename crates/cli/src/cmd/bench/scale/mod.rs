//! `builtby bench scale`: how ingest, store size, memory and search latency grow from M/10 to
//! M contributions, measured in the same run on the same machine.
//!
//! For each size (a tenth of `--people` and `--contributions`, then all of them): generate
//! GH Archive hours and git histories ([`gen`]); run `builtby ingest gharchive` and `builtby
//! ingest git` as child processes into a fresh store, timing each whole command and reading
//! its peak memory from the kernel; size the store folder; delete the generated inputs (unless
//! `--keep`); then open the store read-only in this process and time the fixed query mix
//! ([`queries::MIX`]) through `builtby_search::search`. Benchmarks print; they never fail on
//! speed.

mod backend;
mod child;
pub mod gen;
pub mod queries;
mod report;

use super::super::Env;
use crate::cli::BenchScaleArgs;
use anyhow::{Context, Result};
use backend::Backend;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// The figures of one size.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Size {
    pub people: u64,
    pub contributions: u64,
    /// Lines in the generated hourly files (stars, forks and closings included).
    pub events: u64,
    pub files: usize,
    pub input_bytes: u64,
    pub input_raw_bytes: u64,
    pub located: u64,
    pub generate_seconds: f64,
    /// The whole `ingest gharchive` command, spawn to exit.
    pub ingest_seconds: f64,
    pub ingest_events_per_s: f64,
    pub ingest_peak_rss_bytes: Option<u64>,
    pub git_commits: u64,
    pub git_seconds: f64,
    pub git_peak_rss_bytes: Option<u64>,
    pub store_bytes: u64,
    /// The larger of the two ingest commands' peaks.
    pub peak_rss_bytes: Option<u64>,
    /// Timed again by each run (`--requery`): not read back.
    #[serde(skip_deserializing)]
    pub queries: Vec<queries::Timed>,
}

pub fn run(env: &Env, a: &BenchScaleArgs) -> Result<ExitCode> {
    anyhow::ensure!(
        a.people >= 10 && a.contributions >= 10,
        "--people and --contributions: at least 10 (the baseline run has a tenth)"
    );
    let backend = Backend::Sqlite;
    let exe = std::env::current_exe().context("finding this binary")?;
    let threads = a.threads.unwrap_or_else(super::super::default_threads);
    let end = match &a.end {
        Some(d) => {
            builtby_model::time::parse_date_or_time(d).ok_or_else(|| super::super::UsageError {
                flag: "end",
                message: format!("`{d}` is not a date (YYYY-MM-DD)"),
            })?
        }
        None => builtby_model::time::now(),
    };
    let end = end.div_euclid(86_400) * 86_400;
    anyhow::ensure!(a.days > 0, "--days: at least 1");
    let scratch = a
        .scratch
        .clone()
        .unwrap_or_else(std::env::temp_dir)
        .join(format!("builtby-bench-scale-{}", std::process::id()));
    let show = !env.quiet && std::io::stderr().is_terminal();
    let say = |s: String| {
        if !env.quiet {
            eprintln!("{s}");
        }
    };
    if a.generate_only {
        let keep = a.keep.as_ref().ok_or_else(|| super::super::UsageError {
            flag: "generate-only",
            message: "needs --keep DIR, where the inputs go".into(),
        })?;
        let spec = gen::Spec {
            people: a.people,
            contributions: a.contributions,
            seed: a.seed,
            end,
            days: a.days,
        };
        let inputs = keep.join("full");
        let _ = std::fs::remove_dir_all(&inputs);
        let (g, secs) = generate(env, &spec, &inputs, show, &say)?;
        println!(
            "{}: {} contributions by {} people, {} events in {} files, {} bytes gzip ({} raw), {} git commits; generated in {secs:.1}s ({:.0} events/s)",
            inputs.display(),
            g.contributions,
            spec.people,
            g.events,
            g.files.len(),
            g.bytes,
            g.raw_bytes,
            g.git.iter().map(|x| x.2).sum::<u64>(),
            g.events as f64 / secs.max(1e-9)
        );
        return Ok(ExitCode::SUCCESS);
    }
    let mut sizes = Vec::new();
    if let Some(dir) = &a.requery {
        for label in ["baseline", "full"] {
            sizes.push(requery(env, a, backend, &dir.join(label), show, &say)?);
        }
    }
    for (label, div) in [("baseline", 10), ("full", 1)] {
        if a.requery.is_some() {
            break;
        }
        let spec = gen::Spec {
            people: a.people / div,
            contributions: a.contributions / div,
            seed: a.seed,
            end,
            days: a.days,
        };
        let (inputs, store_dir) = match &a.keep {
            Some(k) => (k.join(label), k.join(label).join("store")),
            None => (scratch.join(label), backend.data_dir(&scratch.join(label))),
        };
        let _ = std::fs::remove_dir_all(&inputs);
        let _ = std::fs::remove_dir_all(&store_dir);
        let size = one_size(
            env, a, backend, &exe, threads, &spec, &inputs, &store_dir, show, &say,
        );
        if a.keep.is_none() {
            let _ = std::fs::remove_dir_all(scratch.join(label));
        }
        sizes.push(size?);
    }
    if a.keep.is_none() {
        let _ = std::fs::remove_dir_all(&scratch);
    }
    let (base, full) = (&sizes[0], &sizes[1]);
    let mut out = std::io::stdout().lock();
    if a.json {
        report::json(&mut out, a, backend, end, base, full)?;
    } else {
        report::table(&mut out, a, backend, end, threads, base, full)?;
    }
    Ok(ExitCode::SUCCESS)
}

#[allow(clippy::too_many_arguments)]
fn one_size(
    env: &Env,
    a: &BenchScaleArgs,
    backend: Backend,
    exe: &Path,
    threads: usize,
    spec: &gen::Spec,
    inputs: &Path,
    store_dir: &Path,
    show: bool,
    say: &dyn Fn(String),
) -> Result<Size> {
    let (g, generate_seconds) = generate(env, spec, inputs, show, say)?;

    // ingest gharchive: the whole command
    let files_dir = inputs.join("gharchive");
    let spin = spinner(show, format!("ingest gharchive ({} files)", g.files.len()));
    let ingest = child::run(backend.ingest_gharchive(exe, store_dir, &files_dir, threads))?;
    finish(spin);
    anyhow::ensure!(
        ingest.success,
        "builtby ingest gharchive failed: {}",
        ingest.stderr.trim()
    );
    let timings = ingest
        .stderr
        .lines()
        .find_map(super::Timings::parse)
        .with_context(|| format!("no timings line from ingest gharchive: {}", ingest.stderr))?;
    let ingest_events_per_s = timings.events as f64 / ingest.secs.max(1e-9);
    say(format!(
        "ingest gharchive: {} events in {:.1}s ({ingest_events_per_s:.0} events/s), peak {:.0} MB",
        timings.events,
        ingest.secs,
        ingest.peak_kib.unwrap_or(0) as f64 / 1024.0
    ));

    // ingest git
    let (mut git_seconds, mut git_commits, mut git_peak) = (0.0, 0, None::<u64>);
    for (repo, name, commits) in &g.git {
        let spin = spinner(show, format!("ingest git {name} ({commits} commits)"));
        let r = child::run(backend.ingest_git(exe, store_dir, repo, name))?;
        finish(spin);
        anyhow::ensure!(
            r.success,
            "builtby ingest git {name} failed: {}",
            r.stderr.trim()
        );
        git_seconds += r.secs;
        git_commits += commits;
        git_peak = git_peak.max(r.peak_kib);
    }
    if !g.git.is_empty() {
        say(format!(
            "ingest git: {git_commits} commits in {} repositories in {git_seconds:.1}s",
            g.git.len()
        ));
    }
    if a.keep.is_none() {
        let _ = std::fs::remove_dir_all(inputs.join("gharchive"));
        let _ = std::fs::remove_dir_all(inputs.join("git"));
    }
    let store_bytes = backend.size(store_dir);

    let timed = time_queries(env, a, backend, store_dir, show)?;
    let kib = |k: Option<u64>| k.map(|k| k * 1024);
    let size = Size {
        people: spec.people,
        contributions: g.contributions,
        events: timings.events,
        files: g.files.len(),
        input_bytes: g.bytes,
        input_raw_bytes: g.raw_bytes,
        located: g.located,
        generate_seconds,
        ingest_seconds: ingest.secs,
        ingest_events_per_s,
        ingest_peak_rss_bytes: kib(ingest.peak_kib),
        git_commits,
        git_seconds,
        git_peak_rss_bytes: kib(git_peak),
        store_bytes,
        peak_rss_bytes: kib(ingest.peak_kib.max(git_peak)),
        queries: timed,
    };
    if a.keep.is_some() {
        // for a later --requery: the figures of what is kept
        let path = inputs.join(SIZE_FILE);
        std::fs::write(&path, serde_json::to_vec_pretty(&size)?)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(size)
}

/// Where a kept size's figures go, beside its store.
const SIZE_FILE: &str = "size.json";

/// The figures of a size kept by an earlier run (`dir` = DIR/baseline or DIR/full), with the
/// query mix timed again by this binary. Opening the store for writing applies this binary's
/// migrations; the ranking is then rebuilt if they made it stale (timed and said apart: it is
/// part of an ingest's time, not a search's).
fn requery(
    env: &Env,
    a: &BenchScaleArgs,
    backend: Backend,
    dir: &Path,
    show: bool,
    say: &dyn Fn(String),
) -> Result<Size> {
    let path = dir.join(SIZE_FILE);
    let text = std::fs::read(&path).with_context(|| {
        format!(
            "reading {} (written by `bench scale --keep`; --requery needs both sizes)",
            path.display()
        )
    })?;
    let mut size: Size = serde_json::from_slice(&text)
        .with_context(|| format!("{} is not a size's figures", path.display()))?;
    let store_dir = backend.data_dir(dir);
    let t = Instant::now();
    let mut store = builtby_store::Store::open(&store_dir)?;
    let migrated = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let built = builtby_search::ranking::refresh(
        &mut store,
        &env.catalog,
        &env.bots,
        builtby_model::time::now(),
    )?;
    drop(store);
    say(format!(
        "{}: opened (migrations) in {migrated:.1}s; ranking {} in {:.1}s",
        store_dir.display(),
        if built { "rebuilt" } else { "current" },
        t.elapsed().as_secs_f64()
    ));
    size.store_bytes = backend.size(&store_dir);
    size.queries = time_queries(env, a, backend, &store_dir, show)?;
    Ok(size)
}

/// The query mix on the store in `store_dir`, opened read-only as `search` and `serve` do.
fn time_queries(
    env: &Env,
    a: &BenchScaleArgs,
    backend: Backend,
    store_dir: &Path,
    show: bool,
) -> Result<Vec<queries::Timed>> {
    let store = backend.reader(store_dir)?;
    let per = u64::from(a.runs.max(1) + queries::WARMUPS);
    let progress = bar(show, per * queries::MIX.len() as u64, "queries");
    let timed = queries::run(
        &store,
        &env.catalog,
        &env.bots,
        a.runs,
        Duration::from_secs(a.query_seconds),
        &|| {
            if let Some(b) = &progress {
                b.inc(1);
            }
        },
    )?;
    finish(progress);
    Ok(timed)
}

/// Generates `spec` into `inputs` with a progress bar; returns what was written and the
/// seconds it took.
fn generate(
    env: &Env,
    spec: &gen::Spec,
    inputs: &Path,
    show: bool,
    say: &dyn Fn(String),
) -> Result<(gen::Generated, f64)> {
    let mb = |b: u64| b as f64 / 1e6;
    let progress = bar(show, spec.contributions, "generating");
    let t = Instant::now();
    let g = gen::generate(inputs, spec, &env.catalog, &|n| {
        if let Some(b) = &progress {
            b.set_position(n);
        }
    })?;
    let secs = t.elapsed().as_secs_f64();
    finish(progress);
    say(format!(
        "generated {} contributions by {} people: {} events in {} files, {:.1} MB gzip ({:.1} MB raw), {} git commits, in {secs:.1}s",
        g.contributions,
        spec.people,
        g.events,
        g.files.len(),
        mb(g.bytes),
        mb(g.raw_bytes),
        g.git.iter().map(|x| x.2).sum::<u64>()
    ));
    Ok((g, secs))
}

fn bar(show: bool, len: u64, msg: &'static str) -> Option<ProgressBar> {
    show.then(|| {
        let b = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
        b.set_style(
            ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {msg} {wide_bar} {pos}/{len} ({eta})",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        b.set_message(msg);
        b
    })
}

fn spinner(show: bool, msg: String) -> Option<ProgressBar> {
    show.then(|| {
        let b = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        b.set_style(
            ProgressStyle::with_template("{spinner} [{elapsed_precise}] {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        b.set_message(msg);
        b.enable_steady_tick(Duration::from_millis(200));
        b
    })
}

fn finish(b: Option<ProgressBar>) {
    if let Some(b) = b {
        b.finish_and_clear();
    }
}
