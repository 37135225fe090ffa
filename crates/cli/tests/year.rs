//! `ingest gharchive --from --to` streaming hours from a loopback fake GH Archive serving the
//! shared 2015-01-01 hours 3–5 under their GH Archive names: scopes (catalog, a file, all),
//! resuming after a kill mid-download and mid-load (the store ends exactly as after one
//! clean run), failed hours, and what is left on disk. Every run has a timeout.

#[path = "../../test-support/shared_data.rs"]
mod shared_data;

#[path = "../../test-support/fake_gharchive.rs"]
mod fake_gharchive;

use fake_gharchive::{FakeArchive, Fault};
use std::collections::{BTreeMap, HashSet};
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

#[path = "../../test-support/cli.rs"]
mod cli;
use cli::temp;

const HOURS: [&str; 3] = ["2015-01-01-3", "2015-01-01-4", "2015-01-01-5"];
const FROM: &str = "2015-01-01T03";
const TO: &str = "2015-01-01T05";

fn name(stem: &str) -> String {
    format!("{stem}.json.gz")
}

/// The shared hours: (stem, gz bytes, lines as JSON). `None` only when ../shared is absent.
struct Hours {
    files: Vec<(String, Vec<u8>, Vec<serde_json::Value>)>,
}

fn hours() -> Option<Hours> {
    let mut files = Vec::new();
    for stem in HOURS {
        let p = shared_data::shared_data(&format!("gharchive/{}", name(stem)))?;
        let bytes = std::fs::read(&p).unwrap();
        let mut text = String::new();
        flate2::read::MultiGzDecoder::new(&bytes[..])
            .read_to_string(&mut text)
            .unwrap();
        let lines = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        files.push((stem.to_string(), bytes, lines));
    }
    Some(Hours { files })
}

impl Hours {
    fn serve(&self) -> FakeArchive {
        let a = FakeArchive::start();
        for (stem, bytes, _) in &self.files {
            a.serve(&name(stem), bytes.clone());
        }
        a
    }

    /// Four repositories seen in each of the three hours, those with the most people (distinct
    /// actors, summed over the hours) first.
    fn busy_repos(&self) -> Vec<String> {
        let mut each: Vec<BTreeMap<String, HashSet<String>>> = Vec::new();
        for (_, _, lines) in &self.files {
            let mut m: BTreeMap<String, HashSet<String>> = BTreeMap::new();
            for v in lines {
                if let (Some(r), Some(a)) =
                    (v["repo"]["name"].as_str(), v["actor"]["login"].as_str())
                {
                    m.entry(r.to_string()).or_default().insert(a.to_string());
                }
            }
            each.push(m);
        }
        let mut all: Vec<(usize, String)> = each[0]
            .keys()
            .filter(|r| each.iter().all(|m| m.contains_key(*r)))
            .map(|r| (each.iter().map(|m| m[r].len()).sum(), r.clone()))
            .collect();
        all.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        all.into_iter().take(4).map(|(_, r)| r).collect()
    }

    /// Events per hour whose `repo.name` is in `scope` (lower-cased names), and the logins
    /// of any user object in them.
    fn in_scope(&self, scope: &HashSet<String>) -> (Vec<(usize, usize)>, HashSet<String>) {
        let mut counts = Vec::new();
        let mut logins = HashSet::new();
        for (_, _, lines) in &self.files {
            let kept: Vec<&serde_json::Value> = lines
                .iter()
                .filter(|v| {
                    v["repo"]["name"]
                        .as_str()
                        .is_some_and(|r| scope.contains(&r.to_ascii_lowercase()))
                })
                .collect();
            for v in &kept {
                collect_logins(v, &mut logins);
            }
            counts.push((lines.len(), kept.len()));
        }
        (counts, logins)
    }
}

fn collect_logins(v: &serde_json::Value, out: &mut HashSet<String>) {
    match v {
        serde_json::Value::Object(m) => {
            if let Some(l) = m.get("login").and_then(|l| l.as_str()) {
                out.insert(l.to_ascii_lowercase());
            }
            m.values().for_each(|x| collect_logins(x, out));
        }
        serde_json::Value::Array(a) => a.iter().for_each(|x| collect_logins(x, out)),
        _ => {}
    }
}

/// A catalog of one ecosystem: the three busiest repositories, and the fourth as the old
/// name of a repository renamed since (the catalog's old names are in scope too).
fn test_catalog(dir: &Path, repos: &[String]) -> PathBuf {
    let p = dir.join("catalog.toml");
    std::fs::write(
        &p,
        format!(
            "[[ecosystem]]\nid = \"scopetest\"\nname = \"Scope test\"\nrepos = [\n  {{ name = \"{}\" }},\n  {{ name = \"{}\" }},\n  {{ name = \"{}\" }},\n  {{ name = \"renamed/since\", old_names = [\"{}\"] }},\n]\n",
            repos[0], repos[1], repos[2], repos[3]
        ),
    )
    .unwrap();
    p
}

fn bin(url: &str) -> Command {
    let mut c = cli::bin();
    c.env("BUILTBY_GHARCHIVE_URL", url);
    c
}

/// Runs `builtby --data-dir data ARGS` to its end (a failure after 120 s: a hang).
fn run(url: &str, data: &Path, args: &[&str]) -> (i32, String, String) {
    let mut child = bin(url)
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let out = drain(child.stdout.take().unwrap());
    let err = drain(child.stderr.take().unwrap());
    let started = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if started.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            panic!("`builtby {}` still running after 120 s", args.join(" "));
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    (
        status.code().unwrap_or(-1),
        out.join().unwrap(),
        err.join().unwrap(),
    )
}

fn drain(mut r: impl Read + Send + 'static) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut s = String::new();
        let _ = r.read_to_string(&mut s);
        s
    })
}

fn ingest_args<'a>(catalog: &'a Path, extra: &[&'a str]) -> Vec<&'a str> {
    let mut v = vec![
        "--catalog",
        catalog.to_str().unwrap(),
        "ingest",
        "gharchive",
        "--from",
        FROM,
        "--to",
        TO,
    ];
    v.extend_from_slice(extra);
    v
}

/// What must be equal between a resumed run and a clean one: `export counts` (with bots),
/// and the store's row counts (a double would be a second row or a larger count).
fn fingerprint(url: &str, data: &Path) -> (String, Vec<(String, i64)>) {
    let (code, out, err) = run(url, data, &["export", "counts", "--include-bots"]);
    assert_eq!(code, 0, "{err}");
    let db = rusqlite::Connection::open(data.join("builtby.sqlite")).unwrap();
    let tables = [
        "contributions",
        "people",
        "repos",
        "files",
        "pointers",
        "repo_people",
    ];
    let mut counts: Vec<(String, i64)> = tables
        .iter()
        .map(|t| {
            let n = db
                .query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0))
                .unwrap();
            (t.to_string(), n)
        })
        .collect();
    let rollup: i64 = db
        .query_row("SELECT coalesce(sum(n), 0) FROM rollup", [], |r| r.get(0))
        .unwrap();
    counts.push(("rollup sum".into(), rollup));
    (out, counts)
}

/// The files in a download folder, but its `.lock`.
fn left_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|d| {
            d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .filter(|n| n != ".lock")
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// (a) and (e): `--scope catalog` (the default with --from/--to) keeps the catalog's
/// repositories, old names included, and the people seen there; the rest is counted per hour
/// in `stats`; the files are deleted once loaded; a second run downloads nothing.
#[test]
fn a_range_in_the_catalog_scope_keeps_only_catalog_repositories() {
    let Some(h) = hours() else { return };
    let a = h.serve();
    let dir = temp("catalog");
    let data = dir.join("data");
    let repos = h.busy_repos();
    let catalog = test_catalog(&dir, &repos);
    let (code, _, err) = run(&a.url, &data, &ingest_args(&catalog, &[]));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("keeping catalog: "), "{err}");
    assert!(
        err.contains("hours: 3 asked, 3 loaded, 0 already loaded (skipped), 0 failed"),
        "{err}"
    );

    // Only catalog repositories in the store, the renamed one under its old name too.
    let scope: HashSet<String> = repos.iter().map(|r| r.to_ascii_lowercase()).collect();
    let (code, out, _) = run(&a.url, &data, &["export", "counts", "--include-bots"]);
    assert_eq!(code, 0);
    let exported: HashSet<String> = out
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(1).unwrap().to_ascii_lowercase())
        .collect();
    assert!(!exported.is_empty());
    assert!(exported.is_subset(&scope), "{exported:?} ⊄ {scope:?}");
    assert!(
        exported.contains(&repos[3].to_ascii_lowercase()),
        "the old name: {exported:?}"
    );

    // stats: every event counted, the rest "not kept (out of scope)", per hour
    let (expected, logins) = h.in_scope(&scope);
    let (_, out, _) = run(&a.url, &data, &["stats", "--json"]);
    let stats: serde_json::Value = serde_json::from_str(&out).unwrap();
    let files = stats["files"].as_array().unwrap();
    assert_eq!(files.len(), 3);
    for (f, (total, kept)) in files.iter().zip(&expected) {
        assert_eq!(f["read"]["read"].as_u64(), Some(*total as u64), "{f}");
        assert_eq!(
            f["read"]["skipped"]["out of scope"].as_u64(),
            Some((total - kept) as u64),
            "{f}"
        );
        assert!(f["checksum"].as_str().unwrap().contains(" scope:xxh3-64:"));
    }
    let (_, text, _) = run(&a.url, &data, &["stats"]);
    assert!(
        text.contains(&format!(
            "not kept (out of scope): {}",
            expected[0].0 - expected[0].1
        )),
        "{text}"
    );

    // People: only those seen in scope (a whole hour names thousands)
    let db = rusqlite::Connection::open(data.join("builtby.sqlite")).unwrap();
    let mut stmt = db.prepare("SELECT login FROM people").unwrap();
    let people: Vec<String> = stmt
        .query_map([], |r| r.get::<_, String>(0))
        .unwrap()
        .map(|l| l.unwrap().to_ascii_lowercase())
        .collect();
    assert!(!people.is_empty());
    let strangers: Vec<&String> = people.iter().filter(|p| !logins.contains(*p)).collect();
    assert!(
        strangers.is_empty(),
        "people not seen in scope: {strangers:?}"
    );

    // (e) the default deletes each file once loaded; nothing partial left
    assert_eq!(left_in(&data.join("gharchive")), Vec::<String>::new());

    // A second run: every hour known by name, nothing downloaded, nothing changed
    let before = a.requests().len();
    let fp = fingerprint(&a.url, &data);
    let (code, _, err) = run(&a.url, &data, &ingest_args(&catalog, &[]));
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("3 asked, 0 loaded, 3 already loaded (skipped)"),
        "{err}"
    );
    assert_eq!(a.requests().len(), before, "nothing downloaded again");
    assert_eq!(fingerprint(&a.url, &data), fp);

    // Another scope is another load: --scope all downloads and adds the rest
    let (code, _, err) = run(&a.url, &data, &ingest_args(&catalog, &["--scope", "all"]));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("3 loaded"), "{err}");
    let (_, out, _) = run(&a.url, &data, &["export", "counts", "--include-bots"]);
    assert!(
        out.lines().count() > 10 * exported.len(),
        "{}",
        out.lines().count()
    );
}

/// (e) `--keep` keeps the hour files (whole, nothing partial), and a kept file is not
/// downloaded again by a run in another scope, which deletes it once loaded.
#[test]
fn keep_keeps_the_downloaded_hours() {
    let Some(h) = hours() else { return };
    let a = h.serve();
    let dir = temp("keep");
    let data = dir.join("data");
    let catalog = test_catalog(&dir, &h.busy_repos());
    let (code, _, err) = run(&a.url, &data, &ingest_args(&catalog, &["--keep"]));
    assert_eq!(code, 0, "{err}");
    let names: Vec<String> = HOURS.iter().map(|s| name(s)).collect();
    assert_eq!(left_in(&data.join("gharchive")), names);
    for (stem, bytes, _) in &h.files {
        assert!(std::fs::read(data.join("gharchive").join(name(stem))).unwrap() == *bytes);
    }
    // Another scope, without --keep: the kept files are loaded, not downloaded again, and
    // deleted once loaded.
    let before = a.requests().len();
    let (code, _, err) = run(&a.url, &data, &ingest_args(&catalog, &["--scope", "all"]));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("3 loaded"), "{err}");
    assert_eq!(
        a.requests().len(),
        before,
        "kept files are not downloaded again"
    );
    assert_eq!(left_in(&data.join("gharchive")), Vec::<String>::new());
}

/// (d) A scope file: one owner/name, owner/* or owner a line, # comments; a bad line is a
/// usage error naming the file and the line. It works for files named on the command line too,
/// whose default stays every repository.
#[test]
fn scope_files_and_their_errors() {
    let Some(h) = hours() else { return };
    let a = h.serve();
    let dir = temp("scopefile");
    let data = dir.join("data");
    let bad = dir.join("bad.txt");
    std::fs::write(
        &bad,
        "# my repositories\npytorch/pytorch\n\nhuggingface/*  # all of it\nnot a repo\n",
    )
    .unwrap();
    let (code, _, err) = run(
        &a.url,
        &data,
        &[
            "ingest",
            "gharchive",
            "--from",
            FROM,
            "--to",
            TO,
            "--scope",
            bad.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains(&format!(
            "--scope: scope file {}: line 5: `not a repo` is not a repository or an owner",
            bad.display()
        )),
        "{err}"
    );
    assert!(
        a.requests().is_empty(),
        "nothing downloaded on a usage error"
    );
    let empty = dir.join("empty.txt");
    std::fs::write(&empty, "# nothing\n").unwrap();
    let (code, _, err) = run(
        &a.url,
        &data,
        &[
            "ingest",
            "gharchive",
            "x.json.gz",
            "--scope",
            empty.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("no repository or owner in it"), "{err}");

    // local files: an owner and a repository in scope
    let repos = h.busy_repos();
    let (owner, _) = repos[0].split_once('/').unwrap();
    let good = dir.join("good.txt");
    std::fs::write(&good, format!("{owner}/*\n{}   # and this one\n", repos[1])).unwrap();
    let local = dir.join(name(HOURS[0]));
    std::fs::write(&local, &h.files[0].1).unwrap();
    let (code, _, err) = run(
        &a.url,
        &data,
        &[
            "ingest",
            "gharchive",
            local.to_str().unwrap(),
            "--scope",
            good.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("out of scope; kept: "), "{err}");
    let (_, out, _) = run(&a.url, &data, &["export", "counts", "--include-bots"]);
    for l in out.lines().skip(1) {
        let repo = l.split(',').nth(1).unwrap();
        assert!(
            repo.starts_with(&format!("{owner}/")) || repo == repos[1],
            "{l}"
        );
    }
    // the same file with no --scope: everything (what files always gave), added to the store
    let (code, _, err) = run(
        &a.url,
        &data,
        &["ingest", "gharchive", local.to_str().unwrap()],
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("ingested 1 file(s) (0 already loaded)"),
        "{err}"
    );
    assert!(!err.contains("out of scope"), "{err}");
}

/// A reference store: one clean, uninterrupted run.
fn clean_run(h: &Hours, catalog: &Path, dir: &Path) -> (String, Vec<(String, i64)>) {
    let a = h.serve();
    let data = dir.join("clean");
    let (code, _, err) = run(&a.url, &data, &ingest_args(catalog, &[]));
    assert_eq!(code, 0, "{err}");
    fingerprint(&a.url, &data)
}

/// Spawns an ingest whose stderr lines come through a channel.
fn spawn(
    url: &str,
    data: &Path,
    args: &[&str],
    env: &[(&str, &str)],
) -> (Child, std::sync::mpsc::Receiver<String>) {
    let mut c = bin(url);
    c.arg("--data-dir").arg(data).args(args);
    for (k, v) in env {
        c.env(k, v);
    }
    let mut child = c
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let err = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(err).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    (child, rx)
}

/// (c) Killed mid-download (the server stalls an hour after some bytes; the process is
/// killed once they are in its .part), then run again: the .part resumes with Range, and the
/// store is exactly a clean run's.
#[test]
fn killed_mid_download_then_resumed_equals_a_clean_run() {
    let Some(h) = hours() else { return };
    let dir = temp("kill-download");
    let catalog = test_catalog(&dir, &h.busy_repos());
    let clean = clean_run(&h, &catalog, &dir);
    assert!(
        clean.0.lines().count() > 10 && clean.1[0].1 > 20,
        "a real comparison: {:?} {}",
        clean.1,
        clean.0
    );

    let a = h.serve();
    let data = dir.join("data");
    let stalled = name(HOURS[1]);
    let at = h.files[1].1.len() / 2;
    a.fault(&stalled, Fault::StallAfter(at));
    let (mut child, _err) = spawn(&a.url, &data, &ingest_args(&catalog, &[]), &[]);
    let part = data.join("gharchive").join(format!("{stalled}.part"));
    let started = Instant::now();
    while std::fs::metadata(&part).map(|m| m.len()).unwrap_or(0) < at as u64 {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the stalled download never reached {at} bytes"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    // a second run meanwhile: refused, the first one's download untouched
    let (code, _, err) = run(&a.url, &data, &ingest_args(&catalog, &[]));
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("another `builtby ingest gharchive --from/--to` is downloading into"),
        "{err}"
    );
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert_eq!(std::fs::metadata(&part).unwrap().len(), at as u64);

    let (code, _, err) = run(&a.url, &data, &ingest_args(&catalog, &[]));
    assert_eq!(code, 0, "{err}");
    let reqs = a.requests_for(&stalled);
    assert_eq!(reqs.len(), 2, "{reqs:?}");
    assert_eq!(reqs[1].range.as_deref(), Some(&*format!("bytes={at}-")));
    assert_eq!(reqs[1].status, 206);
    assert_eq!(fingerprint(&a.url, &data), clean);
    assert_eq!(left_in(&data.join("gharchive")), Vec::<String>::new());
}

/// (c) Killed mid-load (a test hook stops the process after the second hour's records are in
/// its open transaction; the process is killed there), then run again: the first hour is
/// neither downloaded nor loaded again, the second loads again from its file, whole, and the
/// store is exactly a clean run's.
#[test]
fn killed_mid_load_then_resumed_equals_a_clean_run() {
    let Some(h) = hours() else { return };
    let dir = temp("kill-load");
    let catalog = test_catalog(&dir, &h.busy_repos());
    let clean = clean_run(&h, &catalog, &dir);

    let a = h.serve();
    let data = dir.join("data");
    let (mut child, err) = spawn(
        &a.url,
        &data,
        &ingest_args(&catalog, &[]),
        &[("BUILTBY_TEST_HALT_MID_LOAD", "2")],
    );
    let mut seen = Vec::new();
    loop {
        let line = err
            .recv_timeout(Duration::from_secs(60))
            .unwrap_or_else(|_| panic!("the hook never halted the load: {seen:?}"));
        let halted = line.starts_with("test hook: halted mid-load of ");
        seen.push(line);
        if halted {
            break;
        }
    }
    assert!(
        seen.last().unwrap().ends_with(&format!(
            "{}.json.gz (BUILTBY_TEST_HALT_MID_LOAD=2)",
            HOURS[1]
        )),
        "{seen:?}"
    );
    child.kill().unwrap();
    child.wait().unwrap();
    // what the kill left: the first hour committed, the second rolled back
    let db = rusqlite::Connection::open(data.join("builtby.sqlite")).unwrap();
    let logged: Vec<String> = db
        .prepare("SELECT path FROM files")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|p| p.unwrap())
        .collect();
    drop(db);
    assert_eq!(logged.len(), 1, "{logged:?}");
    assert!(logged[0].ends_with(&name(HOURS[0])), "{logged:?}");
    let first_requests = a.requests_for(&name(HOURS[0])).len();

    let (code, _, err) = run(&a.url, &data, &ingest_args(&catalog, &[]));
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("3 asked, 2 loaded, 1 already loaded (skipped), 0 failed"),
        "{err}"
    );
    assert_eq!(a.requests_for(&name(HOURS[0])).len(), first_requests);
    assert_eq!(
        a.requests_for(&name(HOURS[1])).len(),
        1,
        "the half-loaded hour's file was still there"
    );
    assert_eq!(fingerprint(&a.url, &data), clean);
    assert_eq!(left_in(&data.join("gharchive")), Vec::<String>::new());
}

/// A missing hour fails (named, exit 1) and the others load; once it is there, a second run
/// loads only it.
#[test]
fn a_failed_hour_is_named_and_retried_by_the_next_run() {
    let Some(h) = hours() else { return };
    let dir = temp("failed");
    let catalog = test_catalog(&dir, &h.busy_repos());
    let clean = clean_run(&h, &catalog, &dir);
    let a = FakeArchive::start();
    for (stem, bytes, _) in [&h.files[0], &h.files[2]] {
        a.serve(&name(stem), bytes.clone());
    }
    let data = dir.join("data");
    let (code, _, err) = run(&a.url, &data, &ingest_args(&catalog, &[]));
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("2 loaded, 0 already loaded (skipped), 1 failed"),
        "{err}"
    );
    assert!(err.contains("error: hour 2015-01-01-4 failed: "), "{err}");
    assert!(err.contains("HTTP 404"), "{err}");
    assert!(
        err.contains("failed hours: 2015-01-01-4; run the same command again"),
        "{err}"
    );
    a.serve(&name(HOURS[1]), h.files[1].1.clone());
    let (code, _, err) = run(&a.url, &data, &ingest_args(&catalog, &[]));
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("1 loaded, 2 already loaded (skipped), 0 failed"),
        "{err}"
    );
    assert_eq!(a.requests_for(&name(HOURS[0])).len(), 1);
    assert_eq!(fingerprint(&a.url, &data).0, clean.0);
}

/// The server unreachable: a few hours are tried, the rest are not, and all are named.
#[test]
fn an_unreachable_archive_gives_up_and_says_which_hours() {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", l.local_addr().unwrap());
    drop(l);
    let dir = temp("unreachable");
    let started = Instant::now();
    let mut c = bin(&url);
    let out = c
        .env("BUILTBY_GHARCHIVE_RETRY_WAIT", "0.05")
        .arg("--data-dir")
        .arg(dir.join("data"))
        .args([
            "ingest",
            "gharchive",
            "--from",
            "2015-01-01T00",
            "--to",
            "2015-01-01T23",
            "--scope",
            "all",
        ])
        .output()
        .unwrap();
    let (code, err) = (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    );
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("0 loaded, 0 already loaded (skipped), 3 failed, 21 not tried"),
        "{err}"
    );
    assert!(
        err.contains("21 hour(s) not tried (2015-01-01-3 to 2015-01-01-23)"),
        "{err}"
    );
    assert_eq!(
        err.matches("trying again in").count(),
        9,
        "3 retries per hour: {err}"
    );
    assert!(started.elapsed() < Duration::from_secs(30));
    let e = bin(&url)
        .env("BUILTBY_GHARCHIVE_RETRY_WAIT", "soon")
        .args(["--data-dir", dir.join("data").to_str().unwrap()])
        .args(["ingest", "gharchive", "--from", FROM, "--to", TO])
        .output()
        .unwrap();
    assert_eq!(e.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&e.stderr).contains("BUILTBY_GHARCHIVE_RETRY_WAIT=soon"));
}
