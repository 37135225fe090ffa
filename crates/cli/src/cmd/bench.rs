//! `builtby bench`: figures with a baseline measured in the same run on the same machine.
//! Benchmarks print; they never fail on speed.

use super::Env;
use crate::cli::{BenchIngestArgs, BenchSearchArgs};
use anyhow::{Context, Result};
use builtby_ingest::{expand_inputs, Silent};
use builtby_search::Query;
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

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

    let mut gzip_best = f64::MAX;
    for _ in 0..runs {
        let t = Instant::now();
        for f in &gz {
            let st = Command::new("gzip")
                .arg("-dc")
                .arg(f)
                .stdout(Stdio::null())
                .status()
                .context("running gzip -dc (is gzip installed?)")?;
            anyhow::ensure!(
                st.success() || st.code() == Some(2),
                "gzip -dc {} failed",
                f.display()
            );
        }
        gzip_best = gzip_best.min(t.elapsed().as_secs_f64());
    }

    let mut parse_best = f64::MAX;
    for _ in 0..runs {
        let t = Instant::now();
        parse_only(&gz, threads);
        parse_best = parse_best.min(t.elapsed().as_secs_f64());
    }

    let mut ingest_best = f64::MAX;
    let mut events = 0;
    let mut contributions = 0;
    for i in 0..runs {
        let dir = std::env::temp_dir().join(format!("builtby-bench-{}-{i}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let mut store = builtby_store::Store::open(&dir)?;
        let t = Instant::now();
        let report = builtby_ingest::gharchive::ingest_files(&mut store, &gz, threads, &Silent)?;
        ingest_best = ingest_best.min(t.elapsed().as_secs_f64());
        events = report.events();
        contributions = report.new_contributions();
        drop(store);
        let _ = std::fs::remove_dir_all(&dir);
    }

    let mb = |b: u64| b as f64 / 1e6;
    println!("{} files, {:.1} MB gzip, {:.1} MB raw, {events} events, {contributions} contributions; best of {runs} runs, {threads} parser threads", gz.len(), mb(compressed), mb(raw));
    println!(
        "{:<28} {:>8} {:>12} {:>12} {:>12}",
        "", "seconds", "gz MB/s", "raw MB/s", "events/s"
    );
    let line = |name: &str, s: f64| {
        println!(
            "{name:<28} {s:>8.3} {:>12.1} {:>12.1} {:>12.0}",
            mb(compressed) / s,
            mb(raw) / s,
            events as f64 / s
        );
    };
    line("gzip -dc (baseline)", gzip_best);
    line("builtby parse only", parse_best);
    line("builtby ingest (to store)", ingest_best);
    println!(
        "ratio ingest / gzip -dc: {:.2}   (≥ 1.0 means faster than gzip -dc)",
        gzip_best / ingest_best
    );
    println!("ratio parse / gzip -dc:  {:.2}", gzip_best / parse_best);
    if let Some(hwm) = peak_rss_kib() {
        println!("peak memory (VmHWM): {:.1} MB", hwm as f64 / 1024.0);
    }
    Ok(ExitCode::SUCCESS)
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

fn peak_rss_kib() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    s.lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

pub fn search(env: &Env, a: &BenchSearchArgs) -> Result<ExitCode> {
    let store = env.store()?;
    let mut repos: Vec<(String, i64)> = Vec::new();
    store.each_count(
        |_, _, repo, _, n| match repos.iter_mut().find(|r| r.0 == repo) {
            Some(r) => r.1 += n,
            None => repos.push((repo.to_string(), n)),
        },
    )?;
    repos.sort_by_key(|r| std::cmp::Reverse(r.1));
    anyhow::ensure!(
        !repos.is_empty(),
        "the store is empty: ingest something first"
    );
    println!(
        "{:<45} {:>10} {:>9} {:>9} {:>9}",
        "query", "contribs", "p50 ms", "p99 ms", "max ms"
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
    for (name, q) in queries {
        let mut times = Vec::new();
        let mut total = 0;
        for _ in 0..a.runs.max(1) {
            let t = Instant::now();
            total = builtby_search::search(&store, &env.catalog, &env.bots, &q)?.total;
            times.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        times.sort_by(f64::total_cmp);
        let pct = |p: f64| times[((times.len() - 1) as f64 * p).round() as usize];
        println!(
            "{:<45} {:>10} {:>9.2} {:>9.2} {:>9.2}",
            format!("{name} → {total} people"),
            "",
            pct(0.5),
            pct(0.99),
            times[times.len() - 1]
        );
    }
    Ok(ExitCode::SUCCESS)
}
