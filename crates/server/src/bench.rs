//! `builtby bench serve`: requests/s and latency of `/api/search` over a real loopback socket.
//! `builtby bench abuse` ([`bench_abuse`]): the same, alone and then while hostile clients
//! attack (idle and slowloris connections, long `text`, huge lists), and the ratio of the p99s.
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
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
    let addr = listener.local_addr()?;
    let token = state.token().map(|t| format!("Bearer {t}"));
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(crate::serve_on(listener, state, async {
        let _ = stop_rx.await;
    }));
    let report = load(addr, token, duration, per_task, concurrency, queries).await;
    let _ = stop_tx.send(());
    let _ = server.await;
    Ok(report)
}

/// Sends searches to the server at `addr` from `concurrency` keep-alive connections.
async fn load(
    addr: std::net::SocketAddr,
    token: Option<String>,
    duration: Option<Duration>,
    per_task: usize,
    concurrency: usize,
    queries: &[String],
) -> BenchReport {
    let concurrency = concurrency.max(1);
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
    all.sort_by(f64::total_cmp);
    let pct = |p: f64| {
        if all.is_empty() {
            0.0
        } else {
            all[((all.len() - 1) as f64 * p).round() as usize]
        }
    };
    BenchReport {
        requests: all.len() as u64,
        errors,
        seconds,
        concurrency,
        rps: all.len() as f64 / seconds.max(1e-9),
        p50_ms: pct(0.50),
        p99_ms: pct(0.99),
        max_ms: all.last().copied().unwrap_or(0.0),
    }
}

/// What [`bench_abuse`] sends at the server besides the legitimate searches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Attack {
    /// Connections opened and left idle (re-opened when the server closes them).
    pub idle: usize,
    /// Connections trickling a request head a byte at a time, never finishing it.
    pub slowloris: usize,
    /// Clients sending hostile searches back to back: a long `text`, a huge `area` list, a
    /// huge `path` list, in turn.
    pub hostile: usize,
}

impl Default for Attack {
    fn default() -> Self {
        Attack {
            idle: 200,
            slowloris: 50,
            hostile: 2,
        }
    }
}

/// The legitimate search mix measured alone, then again under [`Attack`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AbuseReport {
    pub attack: Attack,
    pub baseline: BenchReport,
    pub under_attack: BenchReport,
    /// `under_attack.p99_ms / baseline.p99_ms`; the goal is under 2.
    pub p99_ratio: f64,
    /// Hostile requests answered, by status.
    pub hostile_statuses: Vec<(u16, u64)>,
    /// Hostile requests with no answer (connection refused or reset, or over 30 s).
    pub hostile_failed: u64,
    /// Idle and slowloris connections opened in all (the server closes them; they reconnect).
    pub attack_connections: u64,
}

impl std::fmt::Display for AbuseReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "without attack: {}", self.baseline)?;
        writeln!(f, "under attack:   {}", self.under_attack)?;
        writeln!(
            f,
            "attack: {} idle, {} slowloris ({} connections opened in all), {} hostile clients; hostile answers {:?}, {} without answer",
            self.attack.idle,
            self.attack.slowloris,
            self.attack_connections,
            self.attack.hostile,
            self.hostile_statuses,
            self.hostile_failed
        )?;
        write!(
            f,
            "legitimate p99 under attack / without: {:.2}x (goal < 2x): {}",
            self.p99_ratio,
            if self.p99_ratio < 2.0 {
                "ok"
            } else {
                "NOT MET"
            }
        )
    }
}

/// Hostile query strings: a long `text` (2,000 words), 600 `area` values, 600 `path` values.
pub fn hostile_queries() -> Vec<String> {
    vec![
        format!("text={}", vec!["the"; 2000].join("+")),
        (0..600)
            .map(|i| format!("area=a{i}"))
            .collect::<Vec<_>>()
            .join("&"),
        (0..600)
            .map(|i| format!("path=src/p{i}"))
            .collect::<Vec<_>>()
            .join("&"),
    ]
}

/// Runs the default search mix for `duration` with `concurrency` connections, then again as
/// long while `attack` runs, on one server on loopback. Bounded: every attacker stops with the
/// second run, and the connection counts are fixed.
pub async fn bench_abuse(
    state: AppState,
    duration: Duration,
    concurrency: usize,
    attack: Attack,
) -> Result<AbuseReport, crate::ServeError> {
    use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
    use std::sync::Arc;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
    let addr = listener.local_addr()?;
    let token = state.token().map(|t| format!("Bearer {t}"));
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(crate::serve_on(listener, state, async {
        let _ = stop_rx.await;
    }));
    let queries: Vec<String> = DEFAULT_QUERIES.iter().map(|q| q.to_string()).collect();
    let baseline = load(
        addr,
        token.clone(),
        Some(duration),
        MAX_REQUESTS_PER_TASK,
        concurrency,
        &queries,
    )
    .await;

    let stop = Arc::new(AtomicBool::new(false));
    let opened = Arc::new(AtomicU64::new(0));
    let mut attackers = Vec::new();
    // Idle connections: open, send nothing, reopen when closed.
    for _ in 0..attack.idle {
        let (stop, opened) = (stop.clone(), opened.clone());
        attackers.push(tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                let Ok(mut s) = tokio::net::TcpStream::connect(addr).await else {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                };
                opened.fetch_add(1, Ordering::Relaxed);
                let mut b = [0u8; 512];
                while !stop.load(Ordering::Relaxed) {
                    match tokio::time::timeout(Duration::from_millis(200), s.read(&mut b)).await {
                        Ok(Ok(0)) | Ok(Err(_)) => break,
                        _ => {}
                    }
                }
            }
        }));
    }
    // Slowloris: a request head, one byte every 100 ms, never finished.
    for _ in 0..attack.slowloris {
        let (stop, opened) = (stop.clone(), opened.clone());
        attackers.push(tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                let Ok(mut s) = tokio::net::TcpStream::connect(addr).await else {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                };
                opened.fetch_add(1, Ordering::Relaxed);
                if s.write_all(b"GET /api/search HTTP/1.1\r\nhost: x\r\n")
                    .await
                    .is_err()
                {
                    continue;
                }
                while !stop.load(Ordering::Relaxed) {
                    if s.write_all(b"x").await.is_err() {
                        break;
                    }
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
        }));
    }
    // Hostile searches, back to back, each on a fresh connection.
    let statuses = Arc::new(std::sync::Mutex::new(
        std::collections::BTreeMap::<u16, u64>::new(),
    ));
    let failed = Arc::new(AtomicU64::new(0));
    let hostile = hostile_queries();
    for h in 0..attack.hostile {
        let (stop, statuses, failed) = (stop.clone(), statuses.clone(), failed.clone());
        let hostile = hostile.clone();
        let token = token.clone();
        attackers.push(tokio::spawn(async move {
            let mut i = h;
            while !stop.load(Ordering::Relaxed) {
                let q = &hostile[i % hostile.len()];
                i += 1;
                let auth = token
                    .as_deref()
                    .map(|t| format!("authorization: {t}\r\n"))
                    .unwrap_or_default();
                let req = format!(
                    "GET /api/search?{q} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n{auth}\r\n"
                );
                let answer = tokio::time::timeout(Duration::from_secs(30), async {
                    let mut s = tokio::net::TcpStream::connect(addr).await?;
                    s.write_all(req.as_bytes()).await?;
                    let mut buf = Vec::new();
                    s.read_to_end(&mut buf).await?;
                    Ok::<_, std::io::Error>(buf)
                })
                .await;
                let status = match answer {
                    Ok(Ok(buf)) => std::str::from_utf8(buf.get(9..12).unwrap_or(b""))
                        .ok()
                        .and_then(|c| c.parse::<u16>().ok()),
                    _ => None,
                };
                match status {
                    Some(c) => {
                        *statuses
                            .lock()
                            .unwrap_or_else(|p| p.into_inner())
                            .entry(c)
                            .or_default() += 1
                    }
                    None => {
                        failed.fetch_add(1, Ordering::Relaxed);
                        tokio::time::sleep(Duration::from_millis(20)).await;
                    }
                }
            }
        }));
    }
    // Let the attack take hold before measuring.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let under_attack = load(
        addr,
        token,
        Some(duration),
        MAX_REQUESTS_PER_TASK,
        concurrency,
        &queries,
    )
    .await;
    stop.store(true, Ordering::Relaxed);
    for a in &attackers {
        a.abort();
    }
    for a in attackers {
        let _ = a.await;
    }
    let _ = stop_tx.send(());
    let _ = server.await;
    let hostile_statuses = statuses
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .iter()
        .map(|(k, v)| (*k, *v))
        .collect();
    Ok(AbuseReport {
        attack,
        p99_ratio: under_attack.p99_ms / baseline.p99_ms.max(1e-9),
        baseline,
        under_attack,
        hostile_statuses,
        hostile_failed: failed.load(Ordering::Relaxed),
        attack_connections: opened.load(Ordering::Relaxed),
    })
}
