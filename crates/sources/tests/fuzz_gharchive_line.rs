//! Fuzzing the GH Archive line parser on stable Rust: a proptest-driven corpus runner.
//!
//! cargo-fuzz (libFuzzer) needs a nightly toolchain (`-Z sanitizer`); the project builds on
//! stable only (`rust-version` in the workspace, no nightly in CI), so this harness mutates the
//! seeds — event shapes of every era built here in code, a few hostile lines in
//! `fuzz/corpus/gharchive_line/`, and, when `../shared` is present, the first line of each event
//! type of every shared GH Archive hour, read at run time (real data is never copied into the
//! repository) — with proptest: byte flips, inserts, deletes, truncation, splices of two
//! seeds, and JSON-aware swaps of values for other types. Every input goes through
//! [`convert_line`] as a complete and as a truncated last line. A panic is a crash; proptest
//! shrinks it and prints the input.
//!
//! `BUILTBY_FUZZ_EXECS` sets the number of generated inputs (default 2,000, quick enough for
//! every `cargo test`); `BUILTBY_FUZZ_SECS` stops early after that many seconds. Each input is
//! two executions of the parser; the count run is printed.

use builtby_sources::gharchive::{convert_line, Outcome};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Event shapes of every era (2011 `payload.repo` strings, Timeline `repository` objects and
/// `actor_attributes`, the Events API, post-2025 trimmed stubs), built here: fictional people.
const SHAPES: &[&str] = &[
    r#"{"id":"1","type":"PullRequestEvent","actor":{"id":1,"login":"ana"},"repo":{"id":9,"name":"o/r"},"payload":{"action":"closed","number":5,"pull_request":{"number":5,"title":"Fix","body":"b","user":{"id":2,"login":"bo"},"merged":true,"merged_by":{"id":1,"login":"ana"},"html_url":"https://github.com/o/r/pull/5","additions":1,"deletions":2,"changed_files":1,"labels":[{"name":"bug"}]}},"public":true,"created_at":"2021-07-21T06:00:00Z"}"#,
    r#"{"id":"2","type":"PullRequestReviewEvent","actor":{"id":1,"login":"ana"},"repo":{"id":9,"name":"o/r"},"payload":{"action":"created","review":{"id":7,"state":"approved","body":"lgtm","html_url":"https://github.com/o/r/pull/5#pullrequestreview-7"},"pull_request":{"number":5,"title":"Fix"}},"public":true,"created_at":"2021-07-21T06:00:00Z"}"#,
    r#"{"id":"3","type":"PullRequestReviewCommentEvent","actor":{"id":1,"login":"ana"},"repo":{"id":9,"name":"o/r"},"payload":{"action":"created","comment":{"id":8,"path":"a/b.py","body":"why?","html_url":"https://github.com/o/r/pull/5#discussion_r8"},"pull_request":{"number":5}},"public":true,"created_at":"2021-07-21T06:00:00Z"}"#,
    r#"{"id":"4","type":"IssueCommentEvent","actor":{"id":1,"login":"ana"},"repo":{"id":9,"name":"o/r"},"payload":{"action":"created","issue":{"number":3,"title":"Crash","pull_request":{"html_url":"https://github.com/o/r/pull/3"}},"comment":{"id":9,"body":"+1"}},"public":true,"created_at":"2021-07-21T06:00:00Z"}"#,
    r#"{"id":"5","type":"PushEvent","actor":{"id":1,"login":"ana"},"repo":{"id":9,"name":"o/r"},"payload":{"push_id":11,"size":2,"distinct_size":2,"head":"abcdef0","before":"0000000","commits":[{"sha":"a"},{"sha":"b"}]},"public":true,"created_at":"2021-07-21T06:00:00Z"}"#,
    r#"{"id":"6","type":"ReleaseEvent","actor":{"id":1,"login":"ana"},"repo":{"id":9,"name":"o/r"},"payload":{"action":"published","release":{"id":12,"tag_name":"v1","name":"One","body":"notes","html_url":"https://github.com/o/r/releases/v1"}},"public":true,"created_at":"2021-07-21T06:00:00Z"}"#,
    r#"{"id":"7","type":"MemberEvent","actor":{"id":1,"login":"ana"},"repo":{"id":9,"name":"o/r"},"payload":{"action":"added","member":{"id":3,"login":"cy"}},"public":true,"created_at":"2021-07-21T06:00:00Z"}"#,
    r#"{"id":"8","type":"IssuesEvent","actor":{"id":1,"login":"ana"},"repo":{"id":9,"name":"o/r"},"payload":{"action":"opened","issue":{"number":4,"title":"Slow","body":"b","labels":[]}},"public":true,"created_at":"2021-07-21T06:00:00Z"}"#,
    r#"{"id":"9","type":"WatchEvent","actor":{"id":1,"login":"ana"},"repo":{"id":9,"name":"o/r"},"payload":{"action":"started"},"public":true,"created_at":"2021-07-21T06:00:00Z"}"#,
    r#"{"id":"10","type":"PullRequestEvent","actor":{"id":1,"login":"ana"},"repo":{"id":9,"name":"o/r"},"payload":{"action":"merged","number":6,"pull_request":{"url":"https://api.github.com/repos/o/r/pulls/6","id":600,"number":6,"head":{"ref":"a","sha":"b"},"base":{"ref":"main","sha":"c"}}},"public":true,"created_at":"2025-11-02T10:00:00Z"}"#,
    r#"{"type":"PullRequestEvent","actor":"ana","created_at":"2013-02-15T00:00:39-08:00","actor_attributes":{"login":"ana","type":"User","name":"Ana","location":"Kraków"},"repository":{"id":77,"name":"keras","owner":"fchollet"},"url":"https://github.com/fchollet/keras/pull/3","payload":{"action":"opened","number":3,"pull_request":{"title":"t","user":{"login":"ana","id":1},"merged":false}}}"#,
    r#"{"type":"IssueCommentEvent","actor":"ana","created_at":"2012-04-01T10:00:00-07:00","repository":{"id":77,"name":"keras","owner":"fchollet"},"payload":{"comment_id":5,"issue_id":6}}"#,
    r#"{"created_at":"2011-02-15T00:00:00Z","type":"PushEvent","actor":"ana","repo":{"id":1,"url":"https://api.github.dev/repos/o/r","name":"/"},"payload":{"repo":"o/r","ref":"refs/heads/master","head":"abc","size":1,"shas":[["abc","x","msg","Ana"]]}}"#,
];

/// The shapes above, the hostile lines in `fuzz/corpus/gharchive_line/`, and the first line of
/// each event type of every shared hour when `../shared` is there (read, never copied).
fn corpus() -> Vec<Vec<u8>> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus/gharchive_line");
    let mut seeds: Vec<(PathBuf, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|e| (e.path(), std::fs::read(e.path()).unwrap()))
        .collect();
    seeds.sort();
    let mut out: Vec<Vec<u8>> = SHAPES.iter().map(|s| s.as_bytes().to_vec()).collect();
    out.extend(seeds.into_iter().map(|(_, b)| b));
    out.extend(shared_seeds());
    assert!(out.len() >= 15, "the corpus is in {}", dir.display());
    out
}

fn shared_seeds() -> Vec<Vec<u8>> {
    use std::io::{BufRead, BufReader};
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/gharchive");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    files.sort();
    let mut out = Vec::new();
    for f in files
        .iter()
        .filter(|f| f.to_string_lossy().ends_with(".json.gz"))
    {
        let Ok(file) = std::fs::File::open(f) else {
            continue;
        };
        let mut seen = std::collections::HashSet::new();
        for line in BufReader::new(flate2::read::MultiGzDecoder::new(file))
            .split(b'\n')
            .map_while(Result::ok)
        {
            let t = builtby_sources::gharchive::event::sniff_type(&line).map(str::to_string);
            if seen.insert(t) {
                out.push(line);
            }
        }
    }
    out
}

#[derive(Debug, Clone)]
enum Op {
    Flip(usize, u8),
    Insert(usize, Vec<u8>),
    Delete(usize, usize),
    Truncate(usize),
    Splice(usize, usize, usize),
    /// Replace the `n`th JSON value-ish token (after a `:`) with another JSON value.
    Swap(usize, &'static str),
}

const VALUES: &[&str] = &[
    "null",
    "true",
    "0",
    "-1",
    "1e308",
    "-9223372036854775809",
    "18446744073709551616",
    "\"\"",
    "\"\\u0000\"",
    "\"\\ud800\"",
    "[]",
    "{}",
    "[[[[[[]]]]]]",
    "\"9999-99-99T99:99:99Z\"",
    "\"2015-01-01T00:00:00+25:00\"",
    "\"a/b/c\"",
    "\"/\"",
    "{\"login\":null}",
    "1.5",
    "\"x\"",
];

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Op::Flip(i, b)),
        (
            any::<usize>(),
            prop_oneof![
                proptest::collection::vec(any::<u8>(), 1..8),
                proptest::sample::select(vec![
                    b"\"".to_vec(),
                    b"{".to_vec(),
                    b"}".to_vec(),
                    b"[".to_vec(),
                    b"\\".to_vec(),
                    b"\n".to_vec(),
                    "é".as_bytes().to_vec(),
                    vec![0xff, 0xfe],
                ]),
            ]
        )
            .prop_map(|(i, b)| Op::Insert(i, b)),
        (any::<usize>(), 1usize..64).prop_map(|(i, n)| Op::Delete(i, n)),
        any::<usize>().prop_map(Op::Truncate),
        (any::<usize>(), any::<usize>(), any::<usize>()).prop_map(|(s, a, b)| Op::Splice(s, a, b)),
        (any::<usize>(), proptest::sample::select(VALUES)).prop_map(|(n, v)| Op::Swap(n, v)),
    ]
}

fn apply(mut b: Vec<u8>, ops: &[Op], seeds: &[Vec<u8>]) -> Vec<u8> {
    for o in ops {
        let len = b.len().max(1);
        match o {
            Op::Flip(i, x) => {
                if !b.is_empty() {
                    let i = i % b.len();
                    b[i] ^= x | 1;
                }
            }
            Op::Insert(i, bytes) => {
                let i = i % (b.len() + 1);
                b.splice(i..i, bytes.iter().copied());
            }
            Op::Delete(i, n) => {
                let i = i % len;
                let end = (i + n).min(b.len());
                if i < end {
                    b.drain(i..end);
                }
            }
            Op::Truncate(i) => b.truncate(i % len),
            Op::Splice(s, a, c) => {
                let other = &seeds[s % seeds.len()];
                let a = a % (b.len() + 1);
                let c = c % (other.len() + 1);
                b.truncate(a);
                b.extend_from_slice(&other[c..]);
            }
            Op::Swap(n, v) => {
                let colons: Vec<usize> = b
                    .iter()
                    .enumerate()
                    .filter(|(_, &x)| x == b':')
                    .map(|(i, _)| i)
                    .collect();
                if colons.is_empty() {
                    continue;
                }
                let start = colons[n % colons.len()] + 1;
                // the value runs to the next , or } at this level (roughly: good enough)
                let mut end = start;
                let mut depth = 0i32;
                let mut in_str = false;
                while end < b.len() {
                    let x = b[end];
                    if in_str {
                        if x == b'\\' {
                            end += 1;
                        } else if x == b'"' {
                            in_str = false;
                        }
                    } else if x == b'"' {
                        in_str = true;
                    } else if x == b'{' || x == b'[' {
                        depth += 1;
                    } else if x == b'}' || x == b']' {
                        if depth == 0 {
                            break;
                        }
                        depth -= 1;
                    } else if x == b',' && depth == 0 {
                        break;
                    }
                    end += 1;
                }
                let end = end.min(b.len());
                b.splice(start..end, v.bytes());
            }
        }
    }
    b
}

/// What must hold for any input: no panic (the harness's crash), and a skip always says why.
fn check(input: &[u8]) {
    for complete in [true, false] {
        if let Some(Outcome::Skipped { line, reason }) = convert_line(input, 7, complete) {
            assert_eq!(line, 7);
            assert!(!reason.is_empty());
        }
    }
}

#[test]
fn the_seeds_parse_without_panic() {
    for s in corpus() {
        check(&s);
    }
}

#[test]
fn fuzz_gharchive_line_parser() {
    let seeds = corpus();
    let execs: u64 = std::env::var("BUILTBY_FUZZ_EXECS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2_000);
    let deadline = std::env::var("BUILTBY_FUZZ_SECS")
        .ok()
        .and_then(|v| v.parse().ok())
        .map(|s| Instant::now() + Duration::from_secs(s));
    let strategy = (0..seeds.len(), proptest::collection::vec(op(), 1..6));
    let ran = AtomicU64::new(0);
    let started = Instant::now();
    // Rounds of at most 10,000 inputs, each from its own fixed seed (a crash is reproducible
    // from the round number printed with it), until the count or the time is reached.
    let mut round = 0u64;
    let mut result = Ok(());
    while ran.load(Ordering::Relaxed) < execs && deadline.is_none_or(|d| Instant::now() < d) {
        let left = execs - ran.load(Ordering::Relaxed);
        let config = Config {
            cases: left.min(10_000) as u32,
            failure_persistence: None,
            max_shrink_iters: 2_000,
            ..Config::default()
        };
        let mut seed = [0u8; 32];
        seed[..8].copy_from_slice(&round.to_le_bytes());
        let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &seed);
        let mut runner = TestRunner::new_with_rng(config, rng);
        result = runner.run(&strategy, |(seed, ops)| {
            let input = apply(seeds[seed].clone(), &ops, &seeds);
            check(&input);
            ran.fetch_add(1, Ordering::Relaxed);
            Ok(())
        });
        if result.is_err() {
            break;
        }
        round += 1;
    }
    let n = ran.load(Ordering::Relaxed);
    eprintln!(
        "fuzz gharchive_line: {n} inputs, {} parser executions in {:.1}s ({round} rounds), result: {}",
        n * 2,
        started.elapsed().as_secs_f64(),
        match &result {
            Ok(()) => "no crash".to_string(),
            Err(e) => format!("CRASH in round {round}: {e}"),
        }
    );
    result.unwrap();
}
