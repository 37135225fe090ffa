//! `builtby bench locate`: what the location gazetteer costs a process that normalises
//! locations (ingest, `enrich`, `locate`): its load time and memory, against issue 16's limits
//! (under 50 ms and 30 MB), and how fast it reads strings once loaded.

use crate::cli::BenchLocateArgs;
use anyhow::{Context, Result};
use builtby_locate::Gazetteer;
use serde::Serialize;
use std::process::ExitCode;
use std::time::Instant;

/// The limits issue 16 sets on the loaded gazetteer.
const LOAD_MS_LIMIT: f64 = 50.0;
const MEMORY_MB_LIMIT: f64 = 30.0;

#[derive(Serialize)]
struct Report {
    first_load_ms: f64,
    best_load_ms: f64,
    median_load_ms: f64,
    runs: u32,
    /// Resident memory the first load added to this process (VmRSS after minus before, each
    /// read after the allocator returned its freed pages).
    rss_added_mb: Option<f64>,
    /// Peak resident memory of the process after the first load (VmHWM), decompression
    /// buffers included.
    peak_rss_mb: Option<f64>,
    /// The gazetteer's own heap, counted from its containers.
    heap_mb: f64,
    size: builtby_locate::GazetteerSize,
    texts: usize,
    locate_per_s: Option<f64>,
    load_ms_limit: f64,
    memory_mb_limit: f64,
}

fn status_kib(key: &str) -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    s.lines()
        .find(|l| l.starts_with(key))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// mimalloc's `mi_option_purge_delay` (mimalloc.h: the option after `eager_commit_delay`, 14,
/// and before `use_numa_nodes`, 16; the Rust bindings do not name it).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Sets how long mimalloc (the binary's allocator) waits before it returns freed pages to the
/// system, and returns the old delay. The first load runs with none, so that the resident
/// memory measured is what the gazetteer keeps, not what its load freed (a hash map's old
/// tables while it grew; with the default delay the figure read ~39 MB for a gazetteer holding
/// ~20). Purging at once slows allocation, so the delay is set back before the timed fresh
/// loads, and the first load's time is not the one held to the limit.
fn purge_delay(ms: i64) -> i64 {
    // SAFETY: neither call takes a pointer; they read and set one of mimalloc's options.
    unsafe {
        let old = libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY);
        libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, ms as _);
        old as i64
    }
}

/// Returns the pages mimalloc holds freed.
fn collect_freed() {
    // SAFETY: takes no pointer; walks mimalloc's own heaps.
    unsafe { libmimalloc_sys::mi_collect(true) }
}

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}

pub fn run(a: &BenchLocateArgs) -> Result<ExitCode> {
    let texts: Vec<String> = match &a.texts {
        Some(p) => std::fs::read_to_string(p)
            .with_context(|| format!("read {}", p.display()))?
            .lines()
            .filter(|l| !l.starts_with("# ") && !l.trim().is_empty())
            .map(|l| l.split('\t').next().unwrap_or(l).to_string())
            .collect(),
        None => Vec::new(),
    };
    let delay = purge_delay(0);
    collect_freed();
    let rss0 = status_kib("VmRSS:");
    let t = Instant::now();
    let g = builtby_locate::gazetteer();
    let first_load_ms = ms(t);
    collect_freed();
    let rss1 = status_kib("VmRSS:");
    let peak = status_kib("VmHWM:");
    purge_delay(delay);
    let mut loads: Vec<f64> = (0..a.runs.max(1))
        .map(|_| {
            let t = Instant::now();
            let fresh = Gazetteer::load_fresh();
            let took = ms(t);
            drop(std::hint::black_box(fresh));
            took
        })
        .collect();
    loads.sort_by(f64::total_cmp);
    let locate_per_s = (!texts.is_empty()).then(|| {
        let t = Instant::now();
        let mut rounds = 0u32;
        while rounds == 0 || t.elapsed().as_secs_f64() < 1.0 {
            for s in &texts {
                std::hint::black_box(g.locate(s));
            }
            rounds += 1;
        }
        (texts.len() as f64 * rounds as f64) / t.elapsed().as_secs_f64()
    });
    let size = g.size();
    let r = Report {
        first_load_ms,
        best_load_ms: loads[0],
        median_load_ms: loads[loads.len() / 2],
        runs: a.runs.max(1),
        rss_added_mb: rss0
            .zip(rss1)
            .map(|(a, b)| b.saturating_sub(a) as f64 / 1024.0),
        peak_rss_mb: peak.map(|p| p as f64 / 1024.0),
        heap_mb: size.heap_bytes as f64 / 1_048_576.0,
        size,
        texts: texts.len(),
        locate_per_s,
        load_ms_limit: LOAD_MS_LIMIT,
        memory_mb_limit: MEMORY_MB_LIMIT,
    };
    if a.json {
        println!("{}", serde_json::to_string(&r)?);
        return Ok(ExitCode::SUCCESS);
    }
    let under = |v: f64, limit: f64| if v < limit { "under" } else { "OVER" };
    println!(
        "gazetteer: {} cities, {} city names, {} regions, {} metros, {} institutions, {} country names",
        r.size.cities,
        r.size.names,
        r.size.regions,
        r.size.metros,
        r.size.institutions,
        r.size.country_names
    );
    println!(
        "load: first {:.1} ms; {} fresh loads: best {:.1} ms, median {:.1} ms ({} the {LOAD_MS_LIMIT} ms limit)",
        r.first_load_ms,
        r.runs,
        r.best_load_ms,
        r.median_load_ms,
        under(r.median_load_ms, LOAD_MS_LIMIT)
    );
    let rss = r
        .rss_added_mb
        .map_or("n/a".into(), |m| format!("{m:.1} MB"));
    let peak = r.peak_rss_mb.map_or("n/a".into(), |m| format!("{m:.1} MB"));
    println!(
        "memory: {rss} resident added by the first load, heap {:.1} MB ({} the {MEMORY_MB_LIMIT} MB limit); process peak {peak}",
        r.heap_mb,
        under(r.rss_added_mb.unwrap_or(r.heap_mb).max(r.heap_mb), MEMORY_MB_LIMIT)
    );
    if let Some(n) = r.locate_per_s {
        println!("locate: {n:.0} strings/s over {} strings", r.texts);
    }
    Ok(ExitCode::SUCCESS)
}
