//! Connection limits and cancellation over a real loopback socket (issue 9, defects 2, 4, 12):
//! idle and slowloris connections are closed after the header timeout while others are
//! served; connections over the cap get a JSON 503; a request that times out gets a JSON 408
//! and its store work stops; hyper's own parse-error answers are JSON. Counts are modest and
//! every loop is bounded, so the file runs in a few seconds.

mod common;

use builtby_model::BotRules;
use builtby_search::Catalog;
use builtby_server::{AppState, Limits};
use builtby_store::Store;
use common::temp_dir;
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

fn state(name: &str, limits: Limits) -> AppState {
    let dir = temp_dir(name);
    Store::open(&dir).unwrap();
    AppState::new(dir, Catalog::shipped(), BotRules::default()).with_limits(limits)
}

/// Serves `state` on an ephemeral loopback port; the server stops when the sender drops.
async fn start(state: AppState) -> (SocketAddr, tokio::sync::oneshot::Sender<()>) {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
        .await
        .unwrap();
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(builtby_server::serve_on(listener, state, async {
        let _ = rx.await;
    }));
    (addr, tx)
}

/// Sends `head` (a whole request) on a new connection and reads the answer to its end:
/// (status, body). Five seconds at most.
async fn raw(addr: SocketAddr, head: &[u8]) -> (u16, String) {
    tokio::time::timeout(Duration::from_secs(5), async {
        let mut s = TcpStream::connect(addr).await.unwrap();
        s.write_all(head).await.unwrap();
        let mut buf = Vec::new();
        let _ = s.read_to_end(&mut buf).await;
        let text = String::from_utf8_lossy(&buf).into_owned();
        let status = text
            .get(9..12)
            .and_then(|c| c.parse().ok())
            .unwrap_or_else(|| panic!("no status line in {text:?}"));
        let body = text
            .split_once("\r\n\r\n")
            .map(|(_, b)| b.to_string())
            .unwrap_or_default();
        (status, body)
    })
    .await
    .expect("no answer within 5 s")
}

fn get(path: &str) -> Vec<u8> {
    format!("GET {path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n").into_bytes()
}

/// The one JSON error shape: `error`, `detail` and `param`.
fn assert_error_shape(body: &str, error: &str) -> serde_json::Value {
    let v: serde_json::Value =
        serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {body:?}"));
    assert_eq!(v["error"], error, "{body}");
    assert!(
        v["detail"].as_str().is_some_and(|d| !d.is_empty()),
        "{body}"
    );
    assert!(v.get("param").is_some(), "{body}");
    v
}

/// True when the peer closed `s` within `within` (a read returns 0 or fails).
async fn closed_within(s: &mut TcpStream, within: Duration) -> bool {
    let mut b = [0u8; 256];
    matches!(
        tokio::time::timeout(within, async {
            loop {
                match s.read(&mut b).await {
                    Ok(0) | Err(_) => return,
                    Ok(_) => {}
                }
            }
        })
        .await,
        Ok(())
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_and_slowloris_connections_are_closed_while_others_are_served() {
    let limits = Limits {
        max_connections: 200,
        header_timeout: Duration::from_secs(1),
        ..Limits::default()
    };
    let (addr, _stop) = start(state("slowloris", limits)).await;
    let mut idle = Vec::new();
    for _ in 0..40 {
        idle.push(TcpStream::connect(addr).await.unwrap());
    }
    // Slowloris: a request head trickled one byte at a time, never finished (3 s at most).
    let mut slow = Vec::new();
    for _ in 0..20 {
        slow.push(tokio::spawn(async move {
            let mut s = TcpStream::connect(addr).await.unwrap();
            let started = Instant::now();
            if s.write_all(b"GET /api/stats HTTP/1.1\r\nhost: x\r\n")
                .await
                .is_err()
            {
                return started.elapsed();
            }
            while started.elapsed() < Duration::from_secs(3) {
                if s.write_all(b"x").await.is_err() {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            started.elapsed()
        }));
    }
    // Legitimate clients are served at once during both attacks.
    for _ in 0..5 {
        let t0 = Instant::now();
        let (status, _) = raw(addr, &get("/api/stats")).await;
        assert_eq!(status, 200);
        assert!(t0.elapsed() < Duration::from_secs(1), "{:?}", t0.elapsed());
    }
    // Idle connections are closed after the header timeout (1 s), not kept for ever.
    let t0 = Instant::now();
    for s in &mut idle {
        assert!(
            closed_within(s, Duration::from_secs(3)).await,
            "an idle connection is still open {:?} after the attack began",
            t0.elapsed()
        );
    }
    // Slowloris connections too: the timeout is on the whole head, not per byte.
    for h in slow {
        let held = h.await.unwrap();
        assert!(held < Duration::from_millis(2500), "held {held:?}");
    }
    let (status, _) = raw(addr, &get("/api/stats")).await;
    assert_eq!(status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_over_the_cap_get_a_json_503_and_slots_come_back() {
    let limits = Limits {
        max_connections: 8,
        header_timeout: Duration::from_secs(30),
        ..Limits::default()
    };
    let (addr, _stop) = start(state("cap", limits)).await;
    // Eight keep-alive clients that have each been answered: none may be evicted.
    let mut kept = Vec::new();
    for _ in 0..8 {
        let mut s = TcpStream::connect(addr).await.unwrap();
        s.write_all(b"GET /api/stats HTTP/1.1\r\nhost: x\r\n\r\n")
            .await
            .unwrap();
        let mut b = [0u8; 4096];
        let n = tokio::time::timeout(Duration::from_secs(5), s.read(&mut b))
            .await
            .unwrap()
            .unwrap();
        assert!(b[..n].starts_with(b"HTTP/1.1 200"));
        kept.push(s);
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let t0 = Instant::now();
    let (status, body) = raw(addr, &get("/api/stats")).await;
    assert_eq!(status, 503, "{body}");
    assert_error_shape(&body, "unavailable");
    assert!(t0.elapsed() < Duration::from_secs(1));
    // Closing them frees their slots.
    drop(kept);
    let deadline = Instant::now() + Duration::from_secs(3);
    loop {
        let (status, _) = raw(addr, &get("/api/stats")).await;
        if status == 200 {
            break;
        }
        assert!(Instant::now() < deadline, "slots never came back");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_attacker_holding_every_slot_with_idle_sockets_does_not_lock_others_out() {
    let limits = Limits {
        max_connections: 16,
        header_timeout: Duration::from_secs(30),
        ..Limits::default()
    };
    let (addr, _stop) = start(state("evict", limits)).await;
    let mut idle = Vec::new();
    for _ in 0..16 {
        idle.push(TcpStream::connect(addr).await.unwrap());
    }
    tokio::time::sleep(builtby_server::conn::EVICT_AFTER + Duration::from_millis(100)).await;
    // Every slot is held by a socket that never sent a request; new clients are still served,
    // each in the place of the oldest idle one.
    for _ in 0..5 {
        let t0 = Instant::now();
        let (status, body) = raw(addr, &get("/api/stats")).await;
        assert_eq!(status, 200, "{body}");
        assert!(t0.elapsed() < Duration::from_secs(1), "{:?}", t0.elapsed());
    }
    let mut closed = 0;
    for s in &mut idle {
        if closed_within(s, Duration::from_millis(200)).await {
            closed += 1;
        }
    }
    // At least one was closed to make room (a client that has left frees its slot for the
    // next), and never more than one per client.
    assert!((1..=5).contains(&closed), "{closed} idle sockets closed");
}

/// Store work that runs statements back to back for up to `cap`, like a long query: returns
/// how long it ran and whether a statement was interrupted.
fn long_store_work(
    cap: Duration,
    ended: std::sync::mpsc::Sender<(Duration, bool)>,
) -> impl FnOnce(&Store, &AppState) -> Result<(), builtby_server::ApiError> + Send + 'static {
    move |store, _| {
        let t0 = Instant::now();
        let mut interrupted = false;
        while t0.elapsed() < cap {
            if store.stats().is_err() {
                interrupted = true;
                break;
            }
        }
        let _ = ended.send((t0.elapsed(), interrupted));
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn abandoned_store_work_is_interrupted() {
    let state = state("cancel", Limits::default());
    let (tx, rx) = std::sync::mpsc::channel();
    let cap = Duration::from_secs(8);
    let r = tokio::time::timeout(
        Duration::from_millis(300),
        state.with_store(long_store_work(cap, tx)),
    )
    .await;
    assert!(r.is_err(), "the work should have outlived the timeout");
    let (ran, interrupted) = tokio::task::spawn_blocking(move || rx.recv().unwrap())
        .await
        .unwrap();
    assert!(interrupted, "ran {ran:?} and was never interrupted");
    assert!(
        ran < Duration::from_secs(2),
        "ran {ran:?} after being abandoned"
    );
    // The pool still works afterwards.
    let n = state
        .with_store(|s, _| Ok(s.stats().is_ok()))
        .await
        .unwrap();
    assert!(n);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_over_time_gets_a_json_408_and_its_work_stops() {
    let limits = Limits {
        request_timeout: Duration::from_millis(300),
        ..Limits::default()
    };
    let state = state("timeout", limits);
    let (addr, _stop) = start(state.clone()).await;
    // Long store work holds every store permit, so the request waits past its timeout.
    let (tx, rx) = std::sync::mpsc::channel();
    let mut busy = Vec::new();
    for _ in 0..builtby_server::STORE_PERMITS {
        let st = state.clone();
        let w = long_store_work(Duration::from_secs(8), tx.clone());
        busy.push(tokio::spawn(async move { st.with_store(w).await }));
    }
    drop(tx);
    tokio::time::sleep(Duration::from_millis(100)).await;
    let t0 = Instant::now();
    let (status, body) = raw(addr, &get("/api/search?text=fix")).await;
    assert_eq!(status, 408, "{body}");
    assert_error_shape(&body, "timeout");
    assert!(t0.elapsed() < Duration::from_secs(2), "{:?}", t0.elapsed());
    // Abandoning the busy work (as a timed-out request does) stops it.
    for b in &busy {
        b.abort();
    }
    let ended = tokio::task::spawn_blocking(move || rx.iter().collect::<Vec<_>>())
        .await
        .unwrap();
    assert_eq!(ended.len(), builtby_server::STORE_PERMITS);
    for (ran, interrupted) in ended {
        assert!(interrupted && ran < Duration::from_secs(3), "{ran:?}");
    }
    let (status, _) = raw(addr, &get("/api/search?text=fix")).await;
    assert_eq!(status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_made_below_the_handlers_are_json() {
    let (addr, _stop) = start(state("json-errors", Limits::default())).await;
    // A URI over hyper's 64 KB limit: hyper answers 414 itself.
    let long = format!("/api/search?text={}", "the+".repeat(20_000));
    let (status, body) = raw(addr, &get(&long)).await;
    assert_eq!(status, 414, "{body}");
    assert_error_shape(&body, "uri_too_long");
    // Too many header bytes: 431.
    let mut head = b"GET /api/stats HTTP/1.1\r\nhost: x\r\n".to_vec();
    for i in 0..2_000 {
        head.extend_from_slice(format!("x-h{i}: {}\r\n", "v".repeat(200)).as_bytes());
    }
    head.extend_from_slice(b"\r\n");
    let (status, body) = raw(addr, &head).await;
    assert_eq!(status, 431, "{body}");
    assert_error_shape(&body, "headers_too_large");
    // A request line that is not HTTP.
    let (status, body) = raw(addr, b"GET /a b c\r\n\r\n").await;
    assert_eq!(status, 400, "{body}");
    assert_error_shape(&body, "bad_request");
    // A path that is not UTF-8 once decoded.
    let (status, body) = raw(addr, &get("/api/people/%FF")).await;
    assert_eq!(status, 400, "{body}");
    let v = assert_error_shape(&body, "bad_parameter");
    assert_eq!(v["param"], "login");
    // A body over the limit.
    let big = format!(
        "POST /api/search HTTP/1.1\r\nhost: x\r\nconnection: close\r\ncontent-length: {}\r\n\r\n{}",
        100_000,
        "x".repeat(100_000)
    );
    let (status, body) = raw(addr, big.as_bytes()).await;
    assert!(status == 413 || status == 405, "{status} {body}");
    assert_error_shape(
        &body,
        if status == 413 {
            "payload_too_large"
        } else {
            "method_not_allowed"
        },
    );
    // Service answers are untouched.
    let (status, body) = raw(addr, &get("/api/search?limit=abc")).await;
    assert_eq!(status, 400);
    assert_eq!(assert_error_shape(&body, "bad_parameter")["param"], "limit");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_abuse_bench_measures_both_runs_and_the_attack_is_answered() {
    let limits = Limits {
        request_timeout: Duration::from_secs(2),
        ..Limits::default()
    };
    let attack = builtby_server::bench::Attack {
        idle: 10,
        slowloris: 5,
        hostile: 1,
    };
    let r = builtby_server::bench::bench_abuse(
        state("abuse", limits),
        Duration::from_millis(800),
        2,
        attack,
    )
    .await
    .unwrap();
    assert!(
        r.baseline.requests > 0 && r.under_attack.requests > 0,
        "{r}"
    );
    assert_eq!((r.baseline.errors, r.under_attack.errors), (0, 0), "{r}");
    assert!(r.attack_connections >= 15, "{r}");
    assert!(!r.hostile_statuses.is_empty(), "{r}");
    assert!(r.p99_ratio > 0.0, "{r}");
    assert!(r.to_string().contains("goal < 2x"), "{r}");
}
