//! The two sizes side by side: a table, or one JSON object (the figures at M, the baseline's
//! at M/10 under `baseline`, and each query's growth: its p50 at M ÷ its p50 at M/10).

use super::backend::Backend;
use super::Size;
use crate::cli::BenchScaleArgs;
use builtby_search::thousands;
use std::io::Write;

fn mb(b: u64) -> f64 {
    b as f64 / 1e6
}

fn ratio(a: f64, b: f64) -> f64 {
    if b > 0.0 {
        a / b
    } else {
        0.0
    }
}

fn peak(b: Option<u64>) -> String {
    b.map(|b| format!("{:.0}", mb(b)))
        .unwrap_or_else(|| "-".into())
}

pub fn table(
    out: &mut impl Write,
    a: &BenchScaleArgs,
    backend: Backend,
    end: i64,
    threads: usize,
    base: &Size,
    full: &Size,
) -> std::io::Result<()> {
    writeln!(
        out,
        "bench scale ({}): seed {}, {} days ending {}, {threads} ingest threads; each query {} warm-ups then up to {} timed runs (at most {} s)",
        backend.name(),
        a.seed,
        a.days,
        builtby_model::time::date_string(end),
        super::queries::WARMUPS,
        a.runs,
        a.query_seconds
    )?;
    writeln!(out, "{:<22} {:>14} {:>14} {:>8}", "", "M/10", "M", "growth")?;
    let row = |out: &mut dyn Write, name: &str, x: String, y: String, g: String| {
        writeln!(out, "{name:<22} {x:>14} {y:>14} {g:>8}")
    };
    let g = |x: f64, y: f64| format!("{:.2}", ratio(y, x));
    let n = |v: u64| thousands(v as i64);
    row(
        out,
        "contributions",
        n(base.contributions),
        n(full.contributions),
        g(base.contributions as f64, full.contributions as f64),
    )?;
    row(
        out,
        "people",
        n(base.people),
        n(full.people),
        g(base.people as f64, full.people as f64),
    )?;
    row(
        out,
        "events (lines)",
        n(base.events),
        n(full.events),
        g(base.events as f64, full.events as f64),
    )?;
    row(
        out,
        "hourly files",
        n(base.files as u64),
        n(full.files as u64),
        g(base.files as f64, full.files as f64),
    )?;
    row(
        out,
        "input MB gzip (raw)",
        format!(
            "{:.0} ({:.0})",
            mb(base.input_bytes),
            mb(base.input_raw_bytes)
        ),
        format!(
            "{:.0} ({:.0})",
            mb(full.input_bytes),
            mb(full.input_raw_bytes)
        ),
        g(base.input_raw_bytes as f64, full.input_raw_bytes as f64),
    )?;
    row(
        out,
        "generate s",
        format!("{:.1}", base.generate_seconds),
        format!("{:.1}", full.generate_seconds),
        g(base.generate_seconds, full.generate_seconds),
    )?;
    row(
        out,
        "ingest gharchive s",
        format!("{:.1}", base.ingest_seconds),
        format!("{:.1}", full.ingest_seconds),
        g(base.ingest_seconds, full.ingest_seconds),
    )?;
    row(
        out,
        "ingest events/s",
        format!("{:.0}", base.ingest_events_per_s),
        format!("{:.0}", full.ingest_events_per_s),
        g(base.ingest_events_per_s, full.ingest_events_per_s),
    )?;
    row(
        out,
        "ingest git commits (s)",
        format!("{} ({:.1})", n(base.git_commits), base.git_seconds),
        format!("{} ({:.1})", n(full.git_commits), full.git_seconds),
        g(base.git_seconds, full.git_seconds),
    )?;
    row(
        out,
        "store MB",
        format!("{:.0}", mb(base.store_bytes)),
        format!("{:.0}", mb(full.store_bytes)),
        g(base.store_bytes as f64, full.store_bytes as f64),
    )?;
    row(
        out,
        "peak RSS MB (ingest)",
        peak(base.peak_rss_bytes),
        peak(full.peak_rss_bytes),
        g(
            base.peak_rss_bytes.unwrap_or(0) as f64,
            full.peak_rss_bytes.unwrap_or(0) as f64,
        ),
    )?;
    writeln!(out)?;
    writeln!(
        out,
        "{:<10} {:>6} | {:>9} {:>9} {:>9} | {:>9} {:>9} {:>9} | {:>7}",
        "query", "scoped", "M/10 p50", "p99", "people", "M p50", "p99", "people", "growth"
    )?;
    for (x, y) in base.queries.iter().zip(&full.queries) {
        writeln!(
            out,
            "{:<10} {:>6} | {:>9.2} {:>9.2} {:>9} | {:>9.2} {:>9.2} {:>9} | {:>7.2}",
            y.name,
            if y.scoped { "yes" } else { "no" },
            x.p50_ms,
            x.p99_ms,
            thousands(x.results as i64),
            y.p50_ms,
            y.p99_ms,
            thousands(y.results as i64),
            ratio(y.p50_ms, x.p50_ms)
        )?;
    }
    let short: Vec<String> = full
        .queries
        .iter()
        .filter(|q| q.runs < a.runs as usize)
        .map(|q| format!("{} ({} runs)", q.name, q.runs))
        .collect();
    if !short.is_empty() {
        writeln!(out, "stopped at the time budget at M: {}", short.join(", "))?;
    }
    writeln!(
        out,
        "ms per search through builtby_search::search on the store opened read-only; growth = p50 at M ÷ p50 at M/10; people = who matched"
    )
}

fn size_json(s: &Size, growth: Option<&Size>) -> serde_json::Value {
    let queries: Vec<serde_json::Value> = s
        .queries
        .iter()
        .map(|q| {
            let mut v = serde_json::json!({
                "name": q.name, "scoped": q.scoped, "p50_ms": q.p50_ms, "p99_ms": q.p99_ms,
                "runs": q.runs, "results": q.results,
            });
            if let Some(base) = growth {
                let b = base.queries.iter().find(|b| b.name == q.name);
                v["growth"] = serde_json::json!(b.map(|b| ratio(q.p50_ms, b.p50_ms)));
            }
            v
        })
        .collect();
    serde_json::json!({
        "contributions": s.contributions,
        "people": s.people,
        "events": s.events,
        "files": s.files,
        "input_bytes": s.input_bytes,
        "input_raw_bytes": s.input_raw_bytes,
        "located": s.located,
        "generate_seconds": s.generate_seconds,
        "ingest_seconds": s.ingest_seconds,
        "ingest_events_per_s": s.ingest_events_per_s,
        "ingest_peak_rss_bytes": s.ingest_peak_rss_bytes,
        "git_commits": s.git_commits,
        "git_seconds": s.git_seconds,
        "git_peak_rss_bytes": s.git_peak_rss_bytes,
        "store_bytes": s.store_bytes,
        "peak_rss_bytes": s.peak_rss_bytes,
        "queries": queries,
    })
}

pub fn json(
    out: &mut impl Write,
    a: &BenchScaleArgs,
    backend: Backend,
    end: i64,
    base: &Size,
    full: &Size,
) -> std::io::Result<()> {
    let mut v = size_json(full, Some(base));
    v["baseline"] = size_json(base, None);
    v["backend"] = backend.name().into();
    v["seed"] = a.seed.into();
    v["days"] = a.days.into();
    v["end"] = builtby_model::time::date_string(end).into();
    serde_json::to_writer_pretty(&mut *out, &v)?;
    writeln!(out)
}
