//! `builtby bench serve`: requests/s and latency of `/api/search` over a real loopback socket.
//!
//! The server runs in this process on an ephemeral port; `concurrency` client tasks, each with
//! one keep-alive connection (hyper's client), send searches back to back until the deadline,
//! cycling through [`DEFAULT_QUERIES`]. Each task stops at the deadline or after
//! [`MAX_REQUESTS_PER_TASK`], whichever comes first, so the loop and the latency buffer are
//! bounded.

use crate::AppState;
use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde::Serialize;
use std::time::{Duration, Instant};

/// A mix of the searches a recruiter runs: everyone, by kind, by ecosystem, by words.
pub const DEFAULT_QUERIES: &[&str] = &[
    "",
    "kind=pr_merged",
    "kind=review&kind=review_comment",
    "repo=rails/rails",
    "ecosystem=pytorch&ecosystem=tensorflow",
    "text=fix&limit=10",
    "since=2014-01-01&limit=50",
    "location=san%20francisco",
];

pub const MAX_REQUESTS_PER_TASK: usize = 2_000_000;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BenchReport {
    pub requests: u64,
    pub errors: u64,
    pub seconds: f64,
    pub concurrency: usize,
    pub rps: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

impl std::fmt::Display for BenchReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "/api/search: {} requests in {:.1}s with {} connections: {:.0} req/s, p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms, {} errors",
            self.requests, self.seconds, self.concurrency, self.rps, self.p50_ms, self.p99_ms, self.max_ms, self.errors
        )
    }
}

/// Benchmarks `/api/search` with [`DEFAULT_QUERIES`].
pub async fn bench_search(
    state: AppState,
    duration: Duration,
    concurrency: usize,
) -> Result<BenchReport, crate::ServeError> {
    let queries: Vec<String> = DEFAULT_QUERIES.iter().map(|q| q.to_string()).collect();
    bench_search_with(state, duration, concurrency, &queries).await
}

/// Benchmarks `/api/search` cycling through `queries` (query strings without `?`).
pub async fn bench_search_with(
    state: AppState,
    duration: Duration,
    concurrency: usize,
    queries: &[String],
) -> Result<BenchReport, crate::ServeError> {
    run(
        state,
        Some(duration),
        MAX_REQUESTS_PER_TASK,
        concurrency,
        queries,
    )
    .await
}

/// Sends exactly `requests_per_task` searches on each of `concurrency` connections (cycling
/// through [`DEFAULT_QUERIES`]), however long they take: a fixed amount of work, for tests.
pub async fn bench_search_requests(
    state: AppState,
    requests_per_task: usize,
    concurrency: usize,
) -> Result<BenchReport, crate::ServeError> {
    let queries: Vec<String> = DEFAULT_QUERIES.iter().map(|q| q.to_string()).collect();
    run(state, None, requests_per_task, concurrency, &queries).await
}

/// Each task stops at the deadline, if any, or after `per_task` requests.
async fn run(
    state: AppState,
    duration: Option<Duration>,
    per_task: usize,
    concurrency: usize,
    queries: &[String],
) -> Result<BenchReport, crate::ServeError> {
    let concurrency = concurrency.max(1);
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
    let addr = listener.local_addr()?;
    let token = state.token().map(|t| format!("Bearer {t}"));
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(crate::serve_on(listener, state, async {
        let _ = stop_rx.await;
    }));
    let client: Client<_, Empty<Bytes>> = Client::builder(TokioExecutor::new())
        .pool_max_idle_per_host(concurrency)
        .build_http();
    let queries: Vec<String> = if queries.is_empty() {
        vec![String::new()]
    } else {
        queries.to_vec()
    };
    let started = Instant::now();
    let deadline = duration.map(|d| started + d);
    let mut tasks = Vec::new();
    for t in 0..concurrency {
        let client = client.clone();
        let queries = queries.clone();
        let token = token.clone();
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            let mut errors = 0u64;
            let mut i = t;
            while deadline.is_none_or(|d| Instant::now() < d) && lat.len() < per_task {
                let uri = format!("http://{addr}/api/search?{}", queries[i % queries.len()]);
                i += 1;
                let mut req = hyper::Request::get(uri);
                if let Some(tk) = &token {
                    req = req.header(hyper::header::AUTHORIZATION, tk.as_str());
                }
                let Ok(req) = req.body(Empty::<Bytes>::new()) else {
                    errors += 1;
                    continue;
                };
                let t0 = Instant::now();
                let ok = match client.request(req).await {
                    Ok(res) => {
                        let status = res.status();
                        res.into_body().collect().await.is_ok() && status.is_success()
                    }
                    Err(_) => false,
                };
                lat.push(t0.elapsed().as_secs_f64() * 1000.0);
                if !ok {
                    errors += 1;
                }
            }
            (lat, errors)
        }));
    }
    let mut all = Vec::new();
    let mut errors = 0;
    for t in tasks {
        if let Ok((lat, e)) = t.await {
            all.extend(lat);
            errors += e;
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    drop(client);
    let _ = stop_tx.send(());
    let _ = server.await;
    all.sort_by(f64::total_cmp);
    let pct = |p: f64| {
        if all.is_empty() {
            0.0
        } else {
            all[((all.len() - 1) as f64 * p).round() as usize]
        }
    };
    Ok(BenchReport {
        requests: all.len() as u64,
        errors,
        seconds,
        concurrency,
        rps: all.len() as f64 / seconds.max(1e-9),
        p50_ms: pct(0.50),
        p99_ms: pct(0.99),
        max_ms: all.last().copied().unwrap_or(0.0),
    })
}
