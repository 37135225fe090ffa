//! Issue 9's store and ingest defects, as a user meets them: the same file twice in one run,
//! concurrent ingests, stores that are not builtby stores, FIFOs among the inputs, truncated
//! files, ingest order, read-only stores. Every run has a timeout: a hang is a failure.

use flate2::write::GzEncoder;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

#[allow(dead_code)]
#[path = "../../test-support/shared_data.rs"]
mod shared_data;

#[path = "../../test-support/cli.rs"]
mod cli;
use cli::{bin, temp};

/// Runs the binary with `--data-dir data`; kills it and fails the test after `secs` seconds.
/// Output is read while it runs (a full pipe must not look like a hang).
fn run_for(secs: u64, data: &Path, args: &[&str]) -> (i32, String, String) {
    let child = bin()
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id() as i32;
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    let out = match rx.recv_timeout(Duration::from_secs(secs)) {
        Ok(out) => out.unwrap(),
        Err(_) => {
            // SAFETY: kill(2) on the child's pid, which is not reaped until the thread's wait.
            unsafe { libc::kill(pid, libc::SIGKILL) };
            panic!(
                "`builtby {}` still running after {secs}s: a hang",
                args.join(" ")
            );
        }
    };
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn run(data: &Path, args: &[&str]) -> (i32, String, String) {
    run_for(60, data, args)
}

fn event(i: u64) -> String {
    format!(
        r#"{{"id":"{i}","type":"PullRequestEvent","actor":{{"id":7,"login":"ana"}},"repo":{{"id":9,"name":"pytorch/pytorch"}},"payload":{{"action":"closed","number":{i},"pull_request":{{"number":{i},"title":"Fix NCCL timeout {i}","user":{{"id":7,"login":"ana"}},"merged":true,"merged_by":{{"id":8,"login":"bo"}},"html_url":"https://github.com/pytorch/pytorch/pull/{i}"}}}},"public":true,"created_at":"2021-07-21T06:00:00Z"}}"#
    )
}

fn gz_bytes(text: &str) -> Vec<u8> {
    let mut e = GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(text.as_bytes()).unwrap();
    e.finish().unwrap()
}

fn events(n: u64) -> String {
    (1..=n).map(|i| event(i) + "\n").collect()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Defect 1: the same bytes under two path strings in one run (the same path twice spelled
/// differently, a copy, a symlink) used to hang forever.
#[test]
fn same_bytes_under_two_names_in_one_run_finish() {
    let dir = temp("twonames");
    let data = dir.join("data");
    let f = dir.join("2021-07-21-6.json.gz");
    // Many records, so the second copy's parser has more than a channel's worth to send.
    std::fs::write(&f, gz_bytes(&events(20_000))).unwrap();
    let copy = dir.join("2021-07-21-6 (1).json.gz");
    std::fs::copy(&f, &copy).unwrap();
    let link = dir.join("link.json.gz");
    std::os::unix::fs::symlink(&f, &link).unwrap();
    // The same file by a relative path (from the working directory the binary inherits).
    let cwd = std::env::current_dir().unwrap();
    let relative = format!(
        "{}{}",
        "../".repeat(cwd.components().count() - 1),
        f.display().to_string().trim_start_matches('/')
    );
    assert!(Path::new(&relative).exists(), "{relative}");
    for threads in ["1", "4"] {
        let data = data.join(threads);
        let (code, _, err) = run_for(
            60,
            &data,
            &[
                "ingest",
                "gharchive",
                "--threads",
                threads,
                s(&f),
                &relative,
                s(&copy),
                s(&link),
            ],
        );
        assert_eq!(code, 0, "{err}");
        assert!(
            err.contains("ingested 1 file(s) (3 already loaded)"),
            "{err}"
        );
    }
}

/// `count` small distinct GH Archive files in `dir`.
fn many_files(dir: &Path, count: u64) -> Vec<String> {
    std::fs::create_dir_all(dir).unwrap();
    (0..count)
        .map(|k| {
            let f = dir.join(format!("2021-07-21-{k:02}.json.gz"));
            let text: String = (1..=300).map(|i| event(k * 1000 + i) + "\n").collect();
            std::fs::write(&f, gz_bytes(&text)).unwrap();
            f.to_str().unwrap().to_string()
        })
        .collect()
}

/// Defect 9: two ingests of the same files at once. One used to abort with
/// `UNIQUE constraint failed: files.checksum` (exit 1) and drop its remaining files; now the
/// second waits for the write lock and skips what the first loaded.
#[test]
fn concurrent_ingests_of_the_same_files_both_succeed() {
    let dir = temp("concurrent");
    let data = dir.join("data");
    let files = many_files(&dir.join("in"), 24);
    // The store exists before the race (both runs creating it is another matter).
    let (code, _, err) = run(&data, &["stats"]);
    assert_eq!(code, 0, "{err}");
    for round in 0..3 {
        let _ = std::fs::remove_file(data.join("builtby.sqlite"));
        let _ = std::fs::remove_file(data.join("builtby.sqlite-wal"));
        let _ = std::fs::remove_file(data.join("builtby.sqlite-shm"));
        let (code, _, err) = run(&data, &["stats"]);
        assert_eq!(code, 0, "{err}");
        let mut args = vec!["ingest", "gharchive", "--threads", "1"];
        args.extend(files.iter().map(String::as_str));
        let spawn = || {
            bin()
                .arg("--data-dir")
                .arg(&data)
                .args(&args)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        };
        let (a, b) = (spawn(), spawn());
        let mut loaded = 0;
        for child in [a, b] {
            let out = child.wait_with_output().unwrap();
            let err = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(0), "round {round}: {err}");
            assert!(!err.contains("UNIQUE"), "round {round}: {err}");
            let n: usize = err
                .split("ingested ")
                .nth(1)
                .and_then(|t| t.split(' ').next())
                .and_then(|t| t.parse().ok())
                .unwrap_or_else(|| panic!("no summary: {err}"));
            loaded += n;
        }
        assert_eq!(loaded, files.len(), "each file loaded by exactly one run");
        let (_, out, _) = run(&data, &["stats"]);
        assert!(out.contains("24 files") || out.contains("24 file"), "{out}");
    }
}

/// Defect 16: a store file that is not a builtby store (zero bytes, another program's SQLite
/// database, garbage) is an error naming the file, for readers and writers, and is left as it
/// was; a missing store is still created.
#[test]
fn a_file_that_is_not_a_builtby_store_is_an_error_naming_it() {
    let dir = temp("notastore");
    let f = dir.join("2021-07-21-6.json.gz");
    std::fs::write(&f, gz_bytes(&events(3))).unwrap();
    let foreign = {
        let p = dir.join("foreign.sqlite");
        let c = rusqlite::Connection::open(&p).unwrap();
        c.execute_batch("CREATE TABLE notes(x TEXT); INSERT INTO notes VALUES ('mine');")
            .unwrap();
        drop(c);
        std::fs::read(&p).unwrap()
    };
    let mut corrupt = b"SQLite format 3\0".to_vec();
    corrupt.extend(vec![0xA5u8; 8192]);
    let cases: [(&str, Vec<u8>, &str); 4] = [
        ("empty", Vec::new(), "empty file"),
        ("foreign", foreign, "something else"),
        (
            "text",
            b"hello, this is not a database\n".to_vec(),
            "not an SQLite",
        ),
        ("corrupt", corrupt, "not a builtby store"),
    ];
    for (name, bytes, why) in cases {
        let data = dir.join(name);
        std::fs::create_dir_all(&data).unwrap();
        let db = data.join("builtby.sqlite");
        std::fs::write(&db, &bytes).unwrap();
        for args in [
            vec!["stats"],
            vec!["export", "counts"],
            vec!["ingest", "gharchive", s(&f)],
        ] {
            let (code, out, err) = run(&data, &args);
            assert_ne!(code, 0, "{name} {args:?}: {out}{err}");
            assert!(err.contains(&db.display().to_string()), "{name}: {err}");
            assert!(err.contains("not a builtby store"), "{name}: {err}");
            assert!(err.contains(why), "{name}: {err}");
            assert!(!out.contains("0 files"), "{name}: {out}");
            assert_eq!(std::fs::read(&db).unwrap(), bytes, "{name}: left as it was");
        }
    }
    // A missing store is created, and is a store.
    let data = dir.join("new");
    let (code, out, err) = run(&data, &["stats"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("0 files"), "{out}");
    let (code, _, err) = run(&data, &["ingest", "gharchive", s(&f)]);
    assert_eq!(code, 0, "{err}");
    let leftovers: Vec<_> = std::fs::read_dir(&data)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".new-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// Defect 17: a FIFO among the inputs used to block ingest forever (opening it waits for a
/// writer). Only regular files are inputs: in a folder it is skipped with a message; named
/// on the command line it is an error; neither blocks.
#[test]
fn a_fifo_among_the_inputs_is_skipped_not_waited_on() {
    let dir = temp("fifo");
    let data = dir.join("data");
    let input = dir.join("in");
    std::fs::create_dir_all(&input).unwrap();
    std::fs::write(input.join("2021-07-21-6.json.gz"), gz_bytes(&events(3))).unwrap();
    let fifo = input.join("2021-07-21-7.json.gz");
    let st = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(st.success());
    let (code, _, err) = run_for(30, &data, &["ingest", "gharchive", s(&input)]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains(&format!(
            "warning: {}: not a regular file (a FIFO); skipped",
            fifo.display()
        )),
        "{err}"
    );
    assert!(err.contains("ingested 1 file(s)"), "{err}");
    let pattern = format!("{}/*.json.gz", input.display());
    let (code, _, err) = run_for(30, &data, &["ingest", "gharchive", &pattern]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("(a FIFO); skipped"), "{err}");
    let (code, _, err) = run_for(30, &data, &["ingest", "gharchive", s(&fifo)]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("not a regular file (a FIFO); not read"),
        "{err}"
    );
}

/// Events read, from `stats`' totals line ("N files, M events read, …").
fn totals(data: &Path) -> (u64, u64, String) {
    let (code, out, err) = run(data, &["stats"]);
    assert_eq!(code, 0, "{err}");
    let line = out.lines().nth(1).unwrap_or_default().to_string();
    let num = |i: usize| -> u64 {
        line.split(' ')
            .nth(i)
            .and_then(|t| t.parse().ok())
            .unwrap_or_else(|| panic!("{out}"))
    };
    (num(0), num(2), out)
}

/// Defect 10: a truncated file keeps its status. A rerun on the same unchanged bytes is still
/// incomplete (exit 1, says so); the whole file under the same path loads the rest, and
/// `stats` counts the input once, showing the truncated load as superseded.
#[test]
fn a_truncated_file_stays_incomplete_until_the_whole_file_replaces_it() {
    let dir = temp("truncated");
    let data = dir.join("data");
    let f = dir.join("2021-07-21-6.json.gz");
    let whole = gz_bytes(&events(4000));
    std::fs::write(&f, &whole[..whole.len() / 2]).unwrap();
    let (code, _, err) = run(&data, &["ingest", "gharchive", s(&f)]);
    assert_eq!(code, 1, "{err}");
    let (_, _, out) = totals(&data);
    assert!(out.contains("(ENDED EARLY)"), "{out}");
    // The same unchanged bytes again: still incomplete.
    let (code, _, err) = run(&data, &["ingest", "gharchive", s(&f)]);
    assert_eq!(code, 1, "a rerun must not hide the damage: {err}");
    assert!(
        err.contains("already loaded, and still incomplete"),
        "{err}"
    );
    // The whole file at the same path: the rest loads, the input counts once.
    std::fs::write(&f, &whole).unwrap();
    let (code, _, err) = run(&data, &["ingest", "gharchive", s(&f)]);
    assert_eq!(code, 0, "{err}");
    let (files, events, out) = totals(&data);
    assert_eq!((files, events), (1, 4000), "{out}");
    assert!(out.contains("SUPERSEDED by"), "{out}");
    let (code, out, _) = run(&data, &["export", "counts"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("pr_merged,4000") || out.contains(",4000"),
        "{out}"
    );
    // The truncated bytes again, now that the whole file is in: nothing is missing.
    std::fs::write(&f, &whole[..whole.len() / 2]).unwrap();
    let (code, _, err) = run(&data, &["ingest", "gharchive", s(&f)]);
    assert_eq!(code, 0, "{err}");
}

/// Every regular file under `dir`, sorted.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(files_under(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}

/// Defect 8: the same inputs in any order give byte-identical exports: a person's login is
/// the latest by event time, and tied rows have a total order. Loading 2014/2015/2021 before
/// 2011–2013 used to credit a push by account 43930 to its former login CodeBlock.
#[test]
fn exports_are_identical_whatever_the_ingest_order() {
    let Some(dir) = shared_data::shared_data("gharchive") else {
        return;
    };
    let files = files_under(&dir);
    assert_eq!(files.len(), 13, "{files:?}");
    let name = |p: &PathBuf| p.file_name().unwrap().to_string_lossy().into_owned();
    let later_first: Vec<PathBuf> = files
        .iter()
        .filter(|f| name(f).as_str() >= "2014" && !name(f).starts_with("push"))
        .chain(files.iter().filter(|f| name(f).as_str() < "2014"))
        .chain(files.iter().filter(|f| name(f).starts_with("push")))
        .cloned()
        .collect();
    assert_eq!(later_first.len(), 13);
    let reversed: Vec<PathBuf> = files.iter().rev().cloned().collect();
    let root = temp("order");
    let mut exports = Vec::new();
    for (tag, order) in [
        ("sorted", &files),
        ("later-first", &later_first),
        ("reversed", &reversed),
    ] {
        let data = root.join(tag);
        let mut args = vec!["ingest", "gharchive"];
        args.extend(order.iter().map(|f| s(f)));
        let (code, _, err) = run_for(600, &data, &args);
        assert_eq!(code, 0, "{tag}: {err}");
        let (code, out, err) = run(&data, &["export", "counts", "--include-bots"]);
        assert_eq!(code, 0, "{tag}: {err}");
        exports.push((tag, out));
    }
    let (_, first) = &exports[0];
    assert!(first.lines().count() > 1000, "a real export");
    for (tag, out) in &exports[1..] {
        if out != first {
            let a: Vec<&str> = first.lines().collect();
            let b: Vec<&str> = out.lines().collect();
            let (sa, sb): (
                std::collections::HashSet<&str>,
                std::collections::HashSet<&str>,
            ) = (a.iter().copied().collect(), b.iter().copied().collect());
            let diff: Vec<String> = a
                .iter()
                .filter(|l| !sb.contains(*l))
                .take(10)
                .map(|l| format!("- {l}"))
                .chain(
                    b.iter()
                        .filter(|l| !sa.contains(*l))
                        .take(10)
                        .map(|l| format!("+ {l}")),
                )
                .collect();
            panic!(
                "`export counts` differs between sorted and {tag} ingest ({} vs {} lines):\n{}",
                a.len(),
                b.len(),
                diff.join("\n")
            );
        }
    }
    // The issue's case: account 43930's 2012 push is credited to its latest login.
    assert!(!first.contains("CodeBlock,"), "former login in the export");
}

/// Runs the binary as a user who cannot write `data` (as root: the `nobody` user; otherwise
/// the folder and file are made read-only first).
fn run_as_reader(data: &Path, args: &[&str]) -> (i32, String, String) {
    use std::os::unix::process::CommandExt;
    let mut c = bin();
    c.arg("--data-dir")
        .arg(data)
        .args(args)
        .stdin(Stdio::null());
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } == 0 {
        c.uid(65534).gid(65534);
    }
    let out = c.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Defect 7: readers work on a store they cannot write (they used to fail with
/// `SQLITE_READONLY_DIRECTORY`); a writer without write access is told so clearly.
#[test]
fn readers_work_on_a_store_they_cannot_write() {
    use std::os::unix::fs::PermissionsExt;
    let dir = temp("readonly");
    let data = dir.join("data");
    let f = dir.join("2021-07-21-6.json.gz");
    std::fs::write(&f, gz_bytes(&events(5))).unwrap();
    let (code, _, err) = run(&data, &["ingest", "gharchive", s(&f)]);
    assert_eq!(code, 0, "{err}");
    let (_, before, _) = run(&data, &["export", "counts"]);
    let db = data.join("builtby.sqlite");
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o555)).unwrap();
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o444)).unwrap();
    std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o644)).unwrap();
    let (code, out, err) = run_as_reader(&data, &["stats"]);
    assert_eq!(code, 0, "stats: {err}");
    assert!(out.contains("1 files, 5 events read"), "{out}");
    let (code, out, err) = run_as_reader(&data, &["export", "counts"]);
    assert_eq!(code, 0, "export: {err}");
    assert_eq!(out, before);
    let (code, out, err) = run_as_reader(&data, &["search", "--repo", "pytorch/pytorch"]);
    assert_eq!(code, 0, "search: {err}");
    assert!(out.contains("ana"), "{out}");
    let (code, out, err) = run_as_reader(&data, &["person", "ana"]);
    assert_eq!(code, 0, "person: {err}");
    assert!(out.contains("ana"), "{out}");
    // A writer is told it lacks write access, naming the store.
    let g = dir.join("2021-07-21-7.json.gz");
    std::fs::write(&g, gz_bytes(&events(7))).unwrap();
    std::fs::set_permissions(&g, std::fs::Permissions::from_mode(0o644)).unwrap();
    let (code, _, err) = run_as_reader(&data, &["ingest", "gharchive", s(&g)]);
    assert_ne!(code, 0, "{err}");
    assert!(err.contains("cannot write it"), "{err}");
    assert!(err.contains(&db.display().to_string()), "{err}");
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).unwrap();
}
