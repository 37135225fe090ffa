//! What a year of GH Archive costs, measured on hours at real volume (ignored: minutes of
//! work, run by hand in release):
//!
//! ```sh
//! YEAR_HOURS=8 cargo test --release -p builtby --test year_volume -- --ignored --nocapture
//! ```
//!
//! Real 2024 hours cannot be downloaded here, so full-volume hours are built from real ones:
//! every event line of the shared 2015+ hours (the Events API shape GH Archive still has),
//! resampled to `YEAR_EVENTS` (200,000) events an hour, each made a distinct event (its id,
//! PR/issue number, comment, review, release and push ids renumbered; its actor one of a few
//! variants of the real one; its time in the hour), and `YEAR_CATALOG_SHARE` (0.25 %) of them
//! moved into the shipped catalog's repositories (rank-weighted: the first ones busiest). The
//! shared 2021 samples have 3 catalog events in 1,800 (0.17 %). Top-level keys keep GH
//! Archive's order (`id, type, actor, repo, payload, …`), which the scope's fast path relies on.
//!
//! The hours are served by the fake GH Archive on loopback (so the network costs nothing
//! here), and `builtby ingest gharchive --from --to` loads them with `--scope catalog` and
//! with `--scope all`, each into a fresh store: wall time per hour, events/s, store size per
//! hour, peak memory. Beside them, one hour's lines in this process: gzip alone, the scope's
//! test alone, and a full parse, per event.

#[path = "../../test-support/shared_data.rs"]
mod shared_data;

#[path = "../../test-support/cli.rs"]
mod cli;
#[path = "../../test-support/fake_gharchive.rs"]
mod fake_gharchive;

use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

fn env_or<T: std::str::FromStr>(k: &str, d: T) -> T {
    std::env::var(k)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(d)
}

/// A small deterministic generator (xorshift*).
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }
}

/// Every 2015+ event line of the shared hours, parsed.
fn real_lines() -> Option<Vec<serde_json::Map<String, Value>>> {
    let dir = shared_data::shared_data("gharchive")?;
    let mut out = Vec::new();
    let mut names: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".json.gz"))
        .collect();
    names.sort();
    for p in names {
        let f = std::fs::File::open(&p).unwrap();
        let r = BufReader::new(flate2::read::MultiGzDecoder::new(f));
        for line in r.lines() {
            let Ok(Value::Object(o)) = serde_json::from_str::<Value>(&line.unwrap()) else {
                continue;
            };
            let modern = o
                .get("repo")
                .and_then(|r| r.get("name"))
                .and_then(|n| n.as_str())
                .is_some_and(|n| n.split('/').filter(|p| !p.is_empty()).count() == 2)
                && o.get("actor").is_some_and(|a| a.is_object());
            if modern {
                out.push(o);
            }
        }
    }
    Some(out)
}

const ORDER: [&str; 8] = [
    "id",
    "type",
    "actor",
    "repo",
    "payload",
    "public",
    "created_at",
    "org",
];

/// One line, top-level keys in GH Archive's order.
fn line(o: &serde_json::Map<String, Value>) -> String {
    let mut s = String::from("{");
    let mut first = true;
    let mut put = |k: &str, v: &Value, s: &mut String| {
        if !first {
            s.push(',');
        }
        first = false;
        s.push_str(&serde_json::to_string(k).unwrap());
        s.push(':');
        s.push_str(&serde_json::to_string(v).unwrap());
    };
    for k in ORDER {
        if let Some(v) = o.get(k) {
            put(k, v, &mut s);
        }
    }
    for (k, v) in o {
        if !ORDER.contains(&k.as_str()) {
            put(k, v, &mut s);
        }
    }
    s.push('}');
    s
}

fn set_num(o: &mut Value, key: &str, n: u64) {
    if let Some(m) = o.as_object_mut() {
        if m.contains_key(key) {
            m.insert(key.into(), Value::from(n));
        }
    }
}

/// Hour `h` (from 2024-01-01T00) at full volume, gzipped, as `dir/<stem>.json.gz`.
fn build_hour(
    lines: &[serde_json::Map<String, Value>],
    catalog: &[String],
    h: u64,
    events: u64,
    share: f64,
    dir: &Path,
) -> PathBuf {
    let t0 = chrono::NaiveDate::from_ymd_opt(2024, 1, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap()
        + chrono::Duration::hours(h as i64);
    let stem = format!("{}-{}", t0.format("%Y-%m-%d"), chrono::Timelike::hour(&t0));
    let path = dir.join(format!("{stem}.json.gz"));
    if path.exists() {
        return path;
    }
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ (h + 1).wrapping_mul(0x1234_5678_9abc));
    // rank-weighted catalog repositories: weight 1/rank
    let weights: Vec<f64> = (1..=catalog.len()).map(|r| 1.0 / r as f64).collect();
    let total: f64 = weights.iter().sum();
    let tmp = dir.join(format!("{stem}.json.gz.tmp"));
    let mut gz = flate2::write::GzEncoder::new(
        std::io::BufWriter::new(std::fs::File::create(&tmp).unwrap()),
        flate2::Compression::default(),
    );
    for i in 0..events {
        let n = 40_000_000_000 + h * 1_000_000 + i;
        let mut o = lines[rng.below(lines.len() as u64) as usize].clone();
        o.insert("id".into(), Value::String(n.to_string()));
        let at = t0 + chrono::Duration::seconds(rng.below(3600) as i64);
        o.insert(
            "created_at".into(),
            Value::String(at.format("%Y-%m-%dT%H:%M:%SZ").to_string()),
        );
        // one of a few variants of the real actor (more people than the shared hours have)
        let k = rng.below(4);
        let mut old_login = None;
        if let Some(a) = o.get_mut("actor").and_then(|a| a.as_object_mut()) {
            if let Some(l) = a.get("login").and_then(|l| l.as_str()).map(str::to_string) {
                a.insert("login".into(), Value::String(format!("{l}-{k}")));
                old_login = Some(l);
            }
            if let Some(id) = a.get("id").and_then(|i| i.as_u64()) {
                a.insert("id".into(), Value::from(id * 4 + k));
            }
        }
        if rng.chance(share) {
            let mut x = rng.next() as f64 / u64::MAX as f64 * total;
            let mut pick = 0;
            for (j, w) in weights.iter().enumerate() {
                if x < *w {
                    pick = j;
                    break;
                }
                x -= w;
            }
            let name = &catalog[pick];
            let id = 900_000_000 + (xxhash(name) % 100_000_000);
            o.insert(
                "repo".into(),
                serde_json::json!({"id": id, "name": name, "url": format!("https://api.github.com/repos/{name}")}),
            );
        }
        if let Some(p) = o.get_mut("payload") {
            set_num(p, "number", n);
            set_num(p, "push_id", n);
            for obj in ["pull_request", "issue", "comment", "review", "release"] {
                if let Some(x) = p.get_mut(obj) {
                    set_num(x, "number", n);
                    set_num(x, "id", n);
                    if let (Some(old), Some(u)) = (
                        &old_login,
                        x.get_mut("user").and_then(|u| u.as_object_mut()),
                    ) {
                        if u.get("login").and_then(|l| l.as_str()) == Some(old) {
                            u.insert("login".into(), Value::String(format!("{old}-{k}")));
                        }
                    }
                }
            }
        }
        gz.write_all(line(&o).as_bytes()).unwrap();
        gz.write_all(b"\n").unwrap();
    }
    gz.finish().unwrap().flush().unwrap();
    std::fs::rename(&tmp, &path).unwrap();
    path
}

fn xxhash(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ b as u64).wrapping_mul(0x100_0000_01b3)
    })
}

fn dir_bytes(d: &Path) -> u64 {
    std::fs::read_dir(d)
        .map(|r| {
            r.filter_map(|e| e.ok())
                .filter_map(|e| e.metadata().ok())
                .filter(|m| m.is_file())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}

struct Run {
    secs: f64,
    /// user + system CPU seconds of the process
    cpu: f64,
    peak_kib: u64,
    summary: String,
}

/// `builtby ingest gharchive --from 2024-01-01T00 --to TO --scope SCOPE`, to its end.
// The child is reaped by wait4 (for its CPU time), not by `Child::wait`.
#[allow(clippy::zombie_processes)]
fn ingest(url: &str, data: &Path, scope: &str, to: &str) -> Run {
    let started = Instant::now();
    let mut child = cli::bin()
        .env("BUILTBY_GHARCHIVE_URL", url)
        .arg("--data-dir")
        .arg(data)
        .args([
            "ingest",
            "gharchive",
            "--from",
            "2024-01-01T00",
            "--to",
            to,
            "--scope",
            scope,
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id() as i32;
    let err = child.stderr.take().unwrap();
    let lines = std::thread::spawn(move || {
        let mut all = String::new();
        for l in BufReader::new(err).lines() {
            let Ok(l) = l else { break };
            eprintln!("  | {l}");
            all.push_str(&l);
            all.push('\n');
        }
        all
    });
    // peak memory: the child's own VmHWM (wait4's ru_maxrss counts this process's memory,
    // which the child had before its exec)
    let hwm = std::thread::spawn(move || {
        let mut peak = 0;
        while let Ok(s) = std::fs::read_to_string(format!("/proc/{pid}/status")) {
            let Some(kib) = s
                .lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse::<u64>().ok())
            else {
                break; // exited (a zombie has no memory)
            };
            peak = kib;
            std::thread::sleep(Duration::from_millis(20));
        }
        peak
    });
    // wait4: the exit status with the child's CPU time
    let mut status = 0;
    // SAFETY: a zeroed rusage is valid; wait4 on our own child's pid, reaped only here.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut ru) };
    assert_eq!(r, pid);
    let secs = started.elapsed().as_secs_f64();
    let summary = lines.join().unwrap();
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "{summary}"
    );
    let tv = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    Run {
        secs,
        cpu: tv(ru.ru_utime) + tv(ru.ru_stime),
        peak_kib: hwm.join().unwrap(),
        summary,
    }
}

/// CPU seconds of this thread.
fn thread_cpu() -> f64 {
    // SAFETY: clock_gettime writes the timespec it is given.
    let mut t: libc::timespec = unsafe { std::mem::zeroed() };
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) };
    t.tv_sec as f64 + t.tv_nsec as f64 / 1e9
}

/// `2024-01-01T05` for the hour file `2024-01-01-5.json.gz`.
fn hour_arg(f: &Path) -> String {
    let stem = f
        .file_name()
        .unwrap()
        .to_string_lossy()
        .trim_end_matches(".json.gz")
        .to_string();
    let (date, hour) = stem.rsplit_once('-').unwrap();
    format!("{date}T{hour:0>2}")
}

#[test]
#[ignore = "minutes of work: run by hand with --release --ignored --nocapture"]
fn a_year_at_real_volume() {
    let Some(lines) = real_lines() else { return };
    let n_hours: u64 = env_or("YEAR_HOURS", 8);
    let events: u64 = env_or("YEAR_EVENTS", 200_000);
    let share: f64 = env_or("YEAR_CATALOG_SHARE", 0.0025);
    let catalog: Vec<String> = builtby_search::Catalog::shipped()
        .ecosystems
        .iter()
        .flat_map(|e| e.repos.iter().map(|r| r.name.clone()))
        .collect();
    let root = std::env::temp_dir().join(format!("builtby-year-volume-{events}-{share}"));
    let hours_dir = root.join("hours");
    std::fs::create_dir_all(&hours_dir).unwrap();
    eprintln!(
        "{} real event lines; building {n_hours} hours of {events} events ({:.2}% in {} catalog repositories) in {}",
        lines.len(),
        share * 100.0,
        catalog.len(),
        hours_dir.display()
    );
    let t = Instant::now();
    let next = std::sync::atomic::AtomicU64::new(0);
    let mut files: Vec<PathBuf> = std::thread::scope(|s| {
        let hs: Vec<_> = (0..2)
            .map(|_| {
                s.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let h = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                        if h >= n_hours {
                            break mine;
                        }
                        mine.push(build_hour(&lines, &catalog, h, events, share, &hours_dir));
                    }
                })
            })
            .collect();
        hs.into_iter().flat_map(|h| h.join().unwrap()).collect()
    });
    files.sort();
    let gz: u64 = files
        .iter()
        .map(|f| std::fs::metadata(f).unwrap().len())
        .sum();
    eprintln!(
        "built in {:.0}s: {:.1} MB gzip an hour",
        t.elapsed().as_secs_f64(),
        gz as f64 / n_hours as f64 / 1e6
    );

    // one hour in this process: gzip alone, the scope test alone, a full parse
    let mut text = Vec::new();
    let t = thread_cpu();
    flate2::read::MultiGzDecoder::new(std::fs::File::open(&files[0]).unwrap())
        .read_to_end(&mut text)
        .unwrap();
    let gunzip = thread_cpu() - t;
    let scope = builtby_sources::gharchive::Scope::of(
        "catalog",
        catalog
            .iter()
            .map(|n| builtby_sources::gharchive::Pattern::parse(n).unwrap()),
    );
    let t = thread_cpu();
    let mut kept = 0u64;
    let mut n = 0u64;
    for l in text.split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
        n += 1;
        if builtby_sources::gharchive::line_repository(l).is_some_and(|r| scope.contains(&r)) {
            kept += 1;
        }
    }
    let test = thread_cpu() - t;
    let t = thread_cpu();
    let mut parsed = 0u64;
    for (i, l) in text
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .enumerate()
    {
        if builtby_sources::gharchive::convert_line_seen(l, i as u64 + 1, true).is_some() {
            parsed += 1;
        }
    }
    let parse = thread_cpu() - t;
    assert_eq!(parsed, n);
    eprintln!(
        "one hour in-process, CPU time ({n} events, {:.0} MB of JSON, {kept} in the catalog): gunzip {:.2}s ({:.2} µs/event), scope test {:.3}s ({:.2} µs/event), full parse {:.2}s ({:.2} µs/event)",
        text.len() as f64 / 1e6,
        gunzip,
        gunzip * 1e6 / n as f64,
        test,
        test * 1e6 / n as f64,
        parse,
        parse * 1e6 / n as f64
    );
    drop(text);

    let archive = fake_gharchive::FakeArchive::start();
    for f in &files {
        archive.serve_file(f);
    }
    let half = hour_arg(&files[files.len() / 2 - 1]);
    let to = hour_arg(files.last().unwrap());
    let (first, rest) = (files.len() / 2, files.len() - files.len() / 2);
    let load = String::from_utf8_lossy(&std::fs::read("/proc/loadavg").unwrap_or_default())
        .trim()
        .to_string();
    eprintln!("load average before the runs: {load}");
    for scope in ["catalog", "all"] {
        // Two runs on one store: the first half of the hours, then all of them (the first half
        // skipped by name): growth per hour is the second run's, without the empty store's size.
        let data = root.join(format!("store-{scope}"));
        let _ = std::fs::remove_dir_all(&data);
        let a = ingest(&archive.url, &data, scope, &half);
        let size_a = dir_bytes(&data);
        let b = ingest(&archive.url, &data, scope, &to);
        let size_b = dir_bytes(&data);
        assert!(
            a.summary.contains(&format!("{first} loaded")),
            "{}",
            a.summary
        );
        assert!(
            b.summary
                .contains(&format!("{rest} loaded, {first} already loaded")),
            "{}",
            b.summary
        );
        let secs = a.secs + b.secs;
        let cpu = a.cpu + b.cpu;
        let per_hour = secs / n_hours as f64;
        let growth = (size_b - size_a) as f64 / rest as f64;
        eprintln!(
            "--scope {scope}: {n_hours} hours in {secs:.1}s wall, {cpu:.1}s CPU: {per_hour:.1}s an hour ({:.0} hours per hour of wall time; {:.0} events/s wall, {:.0} per CPU second), store {:.1} MB after {first} hours, {:.1} MB after {n_hours}: {:.2} MB an hour; peak memory {} MB",
            3600.0 / per_hour,
            (n_hours * events) as f64 / secs,
            (n_hours * events) as f64 / cpu,
            size_a as f64 / 1e6,
            size_b as f64 / 1e6,
            growth / 1e6,
            a.peak_kib.max(b.peak_kib) / 1024
        );
        eprintln!(
            "  a year (8,784 hours) at this rate: {:.1} h wall ({:.1} h of CPU), a store of {:.1} GB",
            8784.0 * per_hour / 3600.0,
            8784.0 * cpu / n_hours as f64 / 3600.0,
            (size_a as f64 + growth * (8784 - first) as f64) / 1e9
        );
    }
}
