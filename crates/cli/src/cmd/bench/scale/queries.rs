//! The fixed query mix, run through `builtby_search::search` (what the CLI and the server
//! call) on a store opened read-only in this process: a few warm-ups, then timed runs.

use anyhow::Result;
use builtby_model::BotRules;
use builtby_search::query::Params;
use builtby_search::Catalog;
use serde::Serialize;
use std::time::{Duration, Instant};

/// One query of the mix: its name, whether it is scoped, and its parameters as the CLI and
/// the API take them (`--repo` is `repo`…).
pub struct Mixed {
    pub name: &'static str,
    pub scoped: bool,
    pub params: &'static [(&'static str, &'static str)],
}

pub const MIX: &[Mixed] = &[
    Mixed {
        name: "repo",
        scoped: true,
        params: &[("repo", "pytorch/pytorch")],
    },
    Mixed {
        name: "ecosystem",
        scoped: true,
        params: &[("ecosystem", "huggingface")],
    },
    Mixed {
        name: "path",
        scoped: true,
        params: &[("repo", "pytorch/pytorch"), ("path", "torch/distributed/")],
    },
    Mixed {
        name: "area",
        scoped: true,
        params: &[("area", "distributed training")],
    },
    Mixed {
        name: "text",
        scoped: true,
        params: &[("text", "attention")],
    },
    Mixed {
        name: "metro",
        scoped: true,
        params: &[("metro", "bay area")],
    },
    Mixed {
        name: "unscoped",
        scoped: false,
        params: &[],
    },
];

pub const WARMUPS: u32 = 5;

#[derive(Debug, Clone, Serialize)]
pub struct Timed {
    pub name: &'static str,
    pub scoped: bool,
    pub p50_ms: f64,
    pub p99_ms: f64,
    /// Timed runs (fewer than asked when the query hit the time budget).
    pub runs: usize,
    /// People who matched (`SearchResults::total`): 0 means the mix measured nothing there.
    pub results: u32,
}

/// Runs every query of [`MIX`]: [`WARMUPS`] untimed, then up to `runs` timed, stopping a
/// query early (after at least 3 timed runs) once it has used `budget`. `each` is called
/// after every run, for progress.
pub fn run(
    store: &builtby_store::Store,
    catalog: &Catalog,
    bots: &BotRules,
    runs: u32,
    budget: Duration,
    each: &dyn Fn(),
) -> Result<Vec<Timed>> {
    let now = builtby_model::time::now();
    let mut out = Vec::new();
    for m in MIX {
        let params: Params = m.params.iter().copied().collect();
        let q = params.build(catalog, now)?;
        let mut results = 0;
        for _ in 0..WARMUPS {
            results = builtby_search::search(store, catalog, bots, &q)?.total;
            each();
        }
        let started = Instant::now();
        let mut times = Vec::new();
        for i in 0..runs.max(1) {
            if i >= 3 && started.elapsed() > budget {
                break;
            }
            let t = Instant::now();
            let r = builtby_search::search(store, catalog, bots, &q)?;
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            std::hint::black_box(&r);
            each();
        }
        times.sort_by(f64::total_cmp);
        out.push(Timed {
            name: m.name,
            scoped: m.scoped,
            p50_ms: percentile(&times, 0.5),
            p99_ms: percentile(&times, 0.99),
            runs: times.len(),
            results,
        });
    }
    Ok(out)
}

/// Nearest rank of sorted `times` (as `bench search` reports them).
pub fn percentile(times: &[f64], p: f64) -> f64 {
    if times.is_empty() {
        return 0.0;
    }
    times[((times.len() - 1) as f64 * p).round() as usize]
}
