//! `builtby bench`: figures with a baseline measured in the same run on the same machine.
//! Benchmarks print; they never fail on speed.

pub mod locate;
pub mod scale;

use super::Env;
use crate::cli::{BenchIngestArgs, BenchSearchArgs};
use anyhow::{Context, Result};
use builtby_ingest::expand_inputs;
use builtby_search::Query;
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

/// The whole `builtby ingest gharchive` as a user waits for it, from process start until the
/// store is durable (WAL checkpointed) and closed: this binary run on the files into a fresh
/// data folder, next to `gzip -dc` of the same files, alternating, in the same run.
pub fn ingest(_env: &Env, a: &BenchIngestArgs) -> Result<ExitCode> {
    let (files, errors) = expand_inputs(&a.paths);
    if let Some(e) = errors.first() {
        anyhow::bail!("{e}");
    }
    let gz: Vec<_> = files
        .iter()
        .filter(|f| f.extension().is_some_and(|e| e == "gz"))
        .cloned()
        .collect();
    anyhow::ensure!(!gz.is_empty(), "no .json.gz files among the inputs");
    let compressed: u64 = gz
        .iter()
        .map(|f| std::fs::metadata(f).map(|m| m.len()).unwrap_or(0))
        .sum();
    let raw = raw_size(&gz)?;
    let threads = a.threads.unwrap_or_else(super::default_threads);
    let runs = a.runs.max(1);
    let exe = std::env::current_exe().context("finding this binary")?;
    let scratch = std::env::temp_dir().join(format!("builtby-bench-{}", std::process::id()));

    let mut measured: Vec<(f64, f64, Timings)> = Vec::new();
    for i in 0..runs {
        let t = Instant::now();
        let st = Command::new("gzip")
            .arg("-dc")
            .args(&gz)
            .stdout(Stdio::null())
            .status()
            .context("running gzip -dc (is gzip installed?)")?;
        anyhow::ensure!(st.success() || st.code() == Some(2), "gzip -dc failed");
        let gzip = t.elapsed().as_secs_f64();

        let dir = scratch.join(i.to_string());
        let _ = std::fs::remove_dir_all(&dir);
        let t = Instant::now();
        let out = Command::new(&exe)
            .arg("--data-dir")
            .arg(&dir)
            .args(["-q", "ingest", "gharchive", "--timings", "--threads"])
            .arg(threads.to_string())
            .args(&gz)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .output()
            .context("running builtby ingest gharchive")?;
        let whole = t.elapsed().as_secs_f64();
        let _ = std::fs::remove_dir_all(&dir);
        let stderr = String::from_utf8_lossy(&out.stderr);
        let timings = stderr
            .lines()
            .find_map(Timings::parse)
            .with_context(|| format!("builtby ingest gharchive ({}): {stderr}", out.status))?;
        measured.push((gzip, whole, timings));
    }
    let _ = std::fs::remove_dir_all(&scratch);

    let mut parse_best = f64::MAX;
    for _ in 0..runs {
        let t = Instant::now();
        parse_only(&gz, threads);
        parse_best = parse_best.min(t.elapsed().as_secs_f64());
    }

    let gzip_best = measured.iter().map(|m| m.0).fold(f64::MAX, f64::min);
    let (_, whole_best, best) = measured
        .iter()
        .min_by(|x, y| x.1.total_cmp(&y.1))
        .cloned()
        .expect("at least one run");
    let peak_max = measured.iter().filter_map(|m| m.2.peak_kib).max();
    let events = best.events;
    let mb = |b: u64| b as f64 / 1e6;
    println!(
        "{} files, {:.1} MB gzip, {:.1} MB raw, {events} events, {} contributions, {} locations; best of {runs} runs, {threads} parser threads",
        gz.len(),
        mb(compressed),
        mb(raw),
        best.contributions,
        best.located
    );
    println!(
        "{:<44} {:>8} {:>10} {:>10} {:>10}",
        "", "seconds", "gz MB/s", "raw MB/s", "events/s"
    );
    let line = |name: &str, s: f64| {
        println!(
            "{name:<44} {s:>8.3} {:>10.1} {:>10.1} {:>10.0}",
            mb(compressed) / s,
            mb(raw) / s,
            events as f64 / s
        );
    };
    let phase = |name: &str, s: f64| {
        println!(
            "{name:<44} {s:>8.3} {:>9.0}% of the whole",
            100.0 * s / whole_best
        );
    };
    line("gzip -dc FILES (baseline)", gzip_best);
    line("builtby ingest gharchive: whole command", whole_best);
    phase("  open store", best.open);
    phase("  parse + load (the old figure)", best.load);
    phase("  locations (wait for them, store)", best.locations);
    phase("  WAL checkpoint + close", best.close);
    phase(
        "  process start and exit",
        (whole_best - best.total).max(0.0),
    );
    line("decompress + parse only (no store, in process)", parse_best);
    let per_run: Vec<String> = measured
        .iter()
        .map(|(g, w, _)| format!("{:.2}", g / w))
        .collect();
    println!(
        "ratio whole command / gzip -dc: {:.2}   (≥ 1.0 means as fast as gzip -dc; per run: {})",
        gzip_best / whole_best,
        per_run.join(" ")
    );
    println!(
        "ratio parse only / gzip -dc:    {:.2}",
        gzip_best / parse_best
    );
    if let Some(hwm) = peak_max {
        println!(
            "peak memory (VmHWM) of the whole command: {:.1} MB",
            hwm as f64 / 1024.0
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// The `timings key=value…` line `ingest gharchive --timings` prints.
#[derive(Debug, Clone, Default, PartialEq)]
struct Timings {
    open: f64,
    load: f64,
    locations: f64,
    close: f64,
    total: f64,
    events: u64,
    contributions: u64,
    located: u64,
    peak_kib: Option<u64>,
}

impl Timings {
    fn parse(line: &str) -> Option<Timings> {
        let rest = line.strip_prefix("timings ")?;
        let mut t = Timings::default();
        for kv in rest.split_whitespace() {
            let (k, v) = kv.split_once('=')?;
            match k {
                "open" => t.open = v.parse().ok()?,
                "load" => t.load = v.parse().ok()?,
                "locations" => t.locations = v.parse().ok()?,
                "close" => t.close = v.parse().ok()?,
                "total" => t.total = v.parse().ok()?,
                "events" => t.events = v.parse().ok()?,
                "contributions" => t.contributions = v.parse().ok()?,
                "located" => t.located = v.parse().ok()?,
                "peak_kib" => t.peak_kib = v.parse().ok(),
                _ => {}
            }
        }
        Some(t)
    }
}

fn raw_size(files: &[std::path::PathBuf]) -> Result<u64> {
    let mut total = 0;
    for f in files {
        let mut d =
            flate2::read::MultiGzDecoder::new(std::io::BufReader::new(std::fs::File::open(f)?));
        total += std::io::copy(&mut d, &mut std::io::sink()).unwrap_or(0);
    }
    Ok(total)
}

/// Decompress + parse + convert on `threads` threads, discarding the records.
fn parse_only(files: &[std::path::PathBuf], threads: usize) {
    let next = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let Some(f) = files.get(i) else { break };
                let mut n = 0u64;
                let _ = builtby_sources::gharchive::read_file(f, |_| n += 1);
                std::hint::black_box(n);
            });
        }
    });
}

/// This process's peak resident memory (VmHWM), Linux only.
pub fn peak_rss_kib() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    s.lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// Search latency over the chosen backend's read side (`--backend clickhouse`: ClickHouse).
pub fn search(env: &Env, a: &BenchSearchArgs) -> Result<ExitCode> {
    // the store is opened for writing first, as before: an older store is upgraded
    drop(env.store()?);
    env.with_reader(|read, _| search_with(env, a, read))
}

fn search_with(env: &Env, a: &BenchSearchArgs, read: &dyn builtby_store::Read) -> Result<ExitCode> {
    let mut by_repo: std::collections::HashMap<String, i64> = std::collections::HashMap::new();
    read.each_count(&mut |_, _, repo: &str, _, n| match by_repo.get_mut(repo) {
        Some(c) => *c += n,
        None => {
            by_repo.insert(repo.to_string(), n);
        }
    })?;
    let mut repos: Vec<(String, i64)> = by_repo.into_iter().collect();
    repos.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    anyhow::ensure!(
        !repos.is_empty(),
        "the store is empty: ingest something first"
    );
    // The baseline, measured in the same run: the same search scoring every account in its
    // scope (what every search did before the materialised ranking).
    println!(
        "{:<52} {:>8} {:>8} {:>8} {:>14} {:>7}",
        "query → people", "p50 ms", "p99 ms", "max ms", "all-scored p50", "ratio"
    );
    let mut queries: Vec<(String, Query)> = repos
        .iter()
        .take(5)
        .map(|(r, n)| {
            (
                format!("--repo {r} ({n})"),
                Query {
                    repos: vec![r.clone()],
                    ..Default::default()
                },
            )
        })
        .collect();
    queries.push((
        "--ecosystem (all ML catalog)".into(),
        Query {
            ecosystems: env
                .catalog
                .ecosystems
                .iter()
                .map(|e| e.id.clone())
                .collect(),
            ..Default::default()
        },
    ));
    queries.push(("(everything)".into(), Query::default()));
    queries.push((
        "--text fix".into(),
        Query {
            text: Some("fix".into()),
            ..Default::default()
        },
    ));
    if !a.queries.is_empty() {
        let now = builtby_model::time::now();
        queries = Vec::new();
        for raw in &a.queries {
            let params: builtby_search::query::Params =
                form_urlencoded::parse(raw.as_bytes()).collect();
            let q = params
                .build(&env.catalog, now)
                .map_err(|e| super::UsageError {
                    flag: "query",
                    message: format!("{raw}: {e}"),
                })?;
            queries.push((raw.clone(), q));
        }
    }
    for (name, q) in queries {
        let (mut times, mut everyone) = (Vec::new(), Vec::new());
        let mut total = 0;
        for _ in 0..a.runs.max(1) {
            let t = Instant::now();
            total = builtby_search::search(read, &env.catalog, &env.bots, &q)?.total;
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            let t = Instant::now();
            builtby_search::search_scoring_everyone(read, &env.catalog, &env.bots, &q)?;
            everyone.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        times.sort_by(f64::total_cmp);
        everyone.sort_by(f64::total_cmp);
        let pct = |t: &[f64], p: f64| t[((t.len() - 1) as f64 * p).round() as usize];
        println!(
            "{:<52} {:>8.2} {:>8.2} {:>8.2} {:>14.2} {:>6.1}×",
            format!("{name} → {total}"),
            pct(&times, 0.5),
            pct(&times, 0.99),
            times[times.len() - 1],
            pct(&everyone, 0.5),
            pct(&everyone, 0.5) / pct(&times, 0.5).max(1e-9)
        );
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::Timings;

    #[test]
    fn timings_line_parses() {
        let t = Timings::parse("timings open=0.0010 load=0.5000 locations=0.0200 close=0.0300 total=0.5510 events=10 contributions=7 located=2 peak_kib=2048").unwrap();
        assert_eq!(
            (t.open, t.load, t.locations, t.close, t.total),
            (0.001, 0.5, 0.02, 0.03, 0.551)
        );
        assert_eq!(
            (t.events, t.contributions, t.located, t.peak_kib),
            (10, 7, 2, Some(2048))
        );
        assert!(Timings::parse("ingested 3 file(s)").is_none());
    }
}
