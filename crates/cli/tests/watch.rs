//! `builtby watch` as a user runs it: saved searches checked by the search's own parser, runs
//! that list exactly who newly qualifies after new ingests (on real GH Archive hours split in
//! two, against an independent computation from `builtby search`), and webhooks that get
//! logins, names, links and scores only, with retries.

use flate2::write::GzEncoder;
use serde_json::Value;
use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

#[path = "../../test-support/shared_data.rs"]
mod shared_data;

#[path = "../../test-support/cli.rs"]
mod cli;
use cli::temp;

/// `builtby --data-dir DATA ARGS…` as the user "watch-tester".
fn run(data: &Path, args: &[&str]) -> (i32, String, String) {
    cli::output(cli::in_data(data).env("USER", "watch-tester").args(args))
}

fn ok(data: &Path, args: &[&str]) -> String {
    let (code, out, err) = run(data, args);
    assert_eq!(code, 0, "{args:?}: {err}");
    out
}

fn json(data: &Path, args: &[&str]) -> Value {
    let out = ok(data, args);
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}): {out}"))
}

fn logins(v: &Value) -> BTreeSet<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|p| p["login"].as_str().unwrap().to_string())
        .collect()
}

/// Who qualifies for `search` (with `min_score`) on the store as it is, from `builtby
/// search --json`: the results shown, with at least that score.
fn qualifying(data: &Path, search: &[&str], min_score: Option<f64>) -> Vec<Value> {
    let mut args = vec!["search", "--json"];
    args.extend_from_slice(search);
    let v = json(data, &args);
    v["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| min_score.is_none_or(|m| r["score"].as_f64().unwrap() >= m))
        .cloned()
        .collect()
}

fn login_set(rs: &[Value]) -> BTreeSet<String> {
    rs.iter()
        .map(|r| r["login"].as_str().unwrap().to_string())
        .collect()
}

/// The acceptance test of issue 13 part 3: real hours loaded one at a time; after each,
/// `watch run` lists exactly the people who newly qualify (and who dropped out), as computed
/// independently from the search on the store as it is then.
#[test]
fn split_real_hours_list_exactly_who_newly_qualifies() {
    let hours: Vec<PathBuf> = [
        "2015-01-01-3.json.gz",
        "2015-01-01-4.json.gz",
        "2015-01-01-5.json.gz",
    ]
    .iter()
    .filter_map(|h| shared_data::shared_data(&format!("gharchive/{h}")))
    .collect();
    if hours.len() < 3 {
        return; // ../shared absent (a missing file with ../shared present panics)
    }
    let data = temp("split");
    // Two watches: the top 50 of merged PRs and reviews, and the top 100 of all work with a
    // score of at least 5. A fixed as_of: scores do not drift between the runs.
    let top: &[&str] = &[
        "--as-of",
        "2015-01-02",
        "--kind",
        "pr_merged,review",
        "--limit",
        "50",
    ];
    let scored: &[&str] = &["--as-of", "2015-01-02", "--limit", "100"];
    let min = 5.0;

    let h1 = hours[0].to_str().unwrap();
    ok(&data, &["-q", "ingest", "gharchive", h1]);
    let mut add = vec!["watch", "add", "top", "--"];
    add.extend_from_slice(top);
    ok(&data, &add);
    let mut add = vec!["watch", "add", "scored", "--min-score", "5", "--"];
    add.extend_from_slice(scored);
    ok(&data, &add);

    let mut before_top = qualifying(&data, top, None);
    let mut before_scored = qualifying(&data, scored, Some(min));
    let first = json(&data, &["watch", "run", "top", "--json"]);
    assert_eq!(first["first_run"], true);
    assert_eq!(first["saved"], true);
    assert_eq!(first["qualifies"], "in the top 50 results");
    assert_eq!(
        logins(&first["new"]),
        login_set(&before_top),
        "first run: all new"
    );
    assert_eq!(first["qualifying"], before_top.len());
    assert!(first["dropped"].as_array().unwrap().is_empty());
    let first_scored = json(&data, &["watch", "run", "scored", "--json"]);
    assert_eq!(logins(&first_scored["new"]), login_set(&before_scored));
    assert!(!before_scored.is_empty() && before_scored.len() < 100);
    eprintln!(
        "after hour 1 ({h1}): {} qualify for `top`, {} for `scored` (score ≥ {min})",
        before_top.len(),
        before_scored.len()
    );
    // Nothing loaded since: a second run changes nothing.
    let again = json(&data, &["watch", "run", "top", "--json"]);
    assert_eq!(again["inputs_since_last_run"], 0);
    assert!(again["new"].as_array().unwrap().is_empty());
    assert!(again["dropped"].as_array().unwrap().is_empty());

    for (i, hour) in hours[1..].iter().enumerate() {
        let h = hour.to_str().unwrap();
        ok(&data, &["-q", "ingest", "gharchive", h]);
        for (name, search, min_score, before) in [
            ("top", top, None, &mut before_top),
            ("scored", scored, Some(min), &mut before_scored),
        ] {
            // independently: the search on the store as it is now, against the last run's set
            let now = qualifying(&data, search, min_score);
            let (was, is) = (login_set(before), login_set(&now));
            let expected_new: BTreeSet<String> = is.difference(&was).cloned().collect();
            let expected_dropped: BTreeSet<String> = was.difference(&is).cloned().collect();
            let r = json(&data, &["watch", "run", name, "--json"]);
            assert_eq!(r["first_run"], false);
            assert_eq!(r["inputs_since_last_run"], 1, "{name}");
            assert_eq!(logins(&r["new"]), expected_new, "{name} after {h}");
            assert_eq!(logins(&r["dropped"]), expected_dropped, "{name} after {h}");
            assert_eq!(r["qualifying"], now.len());
            // each newcomer is shown as the search shows them: score, standing, top evidence
            for n in r["new"].as_array().unwrap() {
                let s = now.iter().find(|x| x["login"] == n["login"]).unwrap();
                assert_eq!(n["score"], s["score"], "{n}");
                assert_eq!(n["rank"], s["rank"]);
                assert_eq!(n["standing"]["text"], s["standing"]["text"]);
                assert_eq!(n["top_evidence"]["url"], s["evidence"][0]["url"]);
                assert!(n["top_evidence"]["url"]
                    .as_str()
                    .unwrap()
                    .starts_with("https://github.com/"));
            }
            for d in r["dropped"].as_array().unwrap() {
                let prev = before.iter().find(|x| x["login"] == d["login"]).unwrap();
                assert_eq!(d["previous_score"], prev["score"]);
                assert!(!d["why"].as_str().unwrap().is_empty());
            }
            eprintln!(
                "after hour {} ({h}): `{name}`: {} new, {} dropped out, {} qualify",
                i + 2,
                expected_new.len(),
                expected_dropped.len(),
                now.len()
            );
            if name == "top" && i == 0 {
                assert!(!expected_new.is_empty(), "a new hour brings new people");
            }
            *before = now;
        }
    }
    // The text output says the same, with the evidence line.
    let list = ok(&data, &["watch", "list"]);
    assert!(
        list.contains("top  --kind pr_merged,review --limit 50 --as-of 2015-01-02"),
        "{list}"
    );
    assert!(list.contains("0 new, 0 dropped out if run now"), "{list}");
    let show = json(&data, &["watch", "show", "top", "--json"]);
    assert_eq!(show["runs"], 4);
    assert_eq!(logins(&show["qualified"]), login_set(&before_top));
    assert_eq!(show["created_by"], "watch-tester");
    let _ = std::fs::remove_dir_all(&data);
}

fn gz(path: &Path, text: &str) {
    let mut e = GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(text.as_bytes()).unwrap();
    std::fs::write(path, e.finish().unwrap()).unwrap();
}

/// A merged PR by `login` (id `id`) in pytorch/pytorch, at 2021-07-21 06:00.
fn merged_pr(n: u64, id: u64, login: &str) -> String {
    format!(
        r#"{{"id":"{n}","type":"PullRequestEvent","actor":{{"id":{id},"login":"{login}"}},"repo":{{"id":9,"name":"pytorch/pytorch"}},"payload":{{"action":"closed","number":{n},"pull_request":{{"number":{n},"title":"Fix NCCL timeout {n}, ask me at {login}@example.com","user":{{"id":{id},"login":"{login}"}},"merged":true,"merged_by":{{"id":8,"login":"bo"}},"html_url":"https://github.com/pytorch/pytorch/pull/{n}"}}}},"public":true,"created_at":"2021-07-21T06:00:00Z"}}"#
    )
}

/// One request as the test server saw it.
#[derive(Debug, Clone)]
struct Seen {
    path: String,
    content_type: String,
    body: String,
}

/// A minimal HTTP/1.1 server on a free loopback port: answers each request with the next
/// status of `statuses` (then 200), and records it.
fn hook_server(statuses: Vec<u16>) -> (String, Arc<Mutex<Vec<Seen>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!(
        "http://{}/hooks/s3cret-path?token=s3cret",
        listener.local_addr().unwrap()
    );
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    std::thread::spawn(move || {
        let mut statuses = statuses.into_iter();
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            let path = line.split_whitespace().nth(1).unwrap_or("").to_string();
            let (mut len, mut content_type) = (0usize, String::new());
            loop {
                let mut h = String::new();
                reader.read_line(&mut h).unwrap();
                let h = h.trim_end();
                if h.is_empty() {
                    break;
                }
                let (k, v) = h.split_once(':').unwrap();
                match k.to_ascii_lowercase().as_str() {
                    "content-length" => len = v.trim().parse().unwrap(),
                    "content-type" => content_type = v.trim().to_string(),
                    _ => {}
                }
            }
            let mut body = vec![0; len];
            reader.read_exact(&mut body).unwrap();
            log.lock().unwrap().push(Seen {
                path,
                content_type,
                body: String::from_utf8(body).unwrap(),
            });
            let status = statuses.next().unwrap_or(200);
            let _ = write!(
                stream,
                "HTTP/1.1 {status} X\r\ncontent-length: 4\r\nconnection: close\r\n\r\nnope"
            );
        }
    });
    (url, seen)
}

#[test]
fn bad_arguments_are_refused_at_add_with_the_searchs_own_error() {
    let data = temp("refused");
    for (args, says) in [
        (
            vec!["--kind", "stars"],
            "error: --kind: unknown kind `stars`",
        ),
        (vec!["--since", "someday"], "error: --since:"),
        (vec!["--limit", "0"], "error: --limit:"),
        (vec!["--colour", "red"], "unexpected argument '--colour'"),
        (
            vec!["--ecosystem", "cobol"],
            "error: --ecosystem: unknown ecosystem",
        ),
        (vec!["--area", "FSDP"], "error: --area: unknown area `FSDP`"),
        (vec!["--json"], "error: --json:"),
        (
            vec!["--text", "ana@example.com"],
            "error: --text: holds an e-mail address",
        ),
    ] {
        let mut a = vec!["watch", "add", "w", "--"];
        a.extend_from_slice(&args);
        let (code, _, err) = run(&data, &a);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains(says), "{args:?}: {err}");
        // the search says the same
        if args[0] != "--json" && args[0] != "--text" {
            let mut s = vec!["search"];
            s.extend_from_slice(&args);
            let (scode, _, serr) = run(&data, &s);
            assert_eq!(
                (scode, serr.lines().next()),
                (2, err.lines().next()),
                "{args:?}"
            );
        }
    }
    for (args, says) in [
        (vec!["watch", "add", "a b", "--"], "error: NAME:"),
        (
            vec!["watch", "add", "w", "--min-score=-1", "--"],
            "error: --min-score:",
        ),
        (
            vec!["watch", "add", "w", "--webhook", "file:///etc/passwd", "--"],
            "error: --webhook:",
        ),
    ] {
        let (code, _, err) = run(&data, &args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains(says), "{args:?}: {err}");
    }
    let (_, out, _) = run(&data, &["watch", "list"]);
    assert!(
        out.contains("No saved searches"),
        "nothing was saved: {out}"
    );
    let (code, _, err) = run(&data, &["watch", "run", "nope"]);
    assert_eq!(code, 1);
    assert!(err.contains("no saved search named `nope`"), "{err}");
    let (code, _, err) = run(&data, &["watch", "remove", "nope"]);
    assert_eq!(code, 1, "{err}");
    let _ = std::fs::remove_dir_all(&data);
}

#[test]
fn a_webhook_gets_only_logins_names_links_and_scores_with_retries() {
    let data = temp("hook");
    let inputs = data.join("in");
    std::fs::create_dir_all(&inputs).unwrap();
    gz(
        &inputs.join("a.json.gz"),
        &[merged_pr(1, 7, "ana"), merged_pr(2, 7, "ana")].join("\n"),
    );
    ok(
        &data,
        &[
            "-q",
            "ingest",
            "gharchive",
            inputs.join("a.json.gz").to_str().unwrap(),
        ],
    );
    // the first attempt fails, the second is taken
    let (url, seen) = hook_server(vec![500]);
    ok(
        &data,
        &[
            "watch",
            "add",
            "pt",
            "--webhook",
            &url,
            "--",
            "--repo",
            "pytorch/pytorch",
            "--as-of",
            "2021-08-01",
        ],
    );
    let (code, out, err) = run(&data, &["watch", "run", "pt"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("pt: 1 new, 0 dropped out"), "{out}");
    assert!(out.contains("webhook http://127.0.0.1:"), "{out}");
    assert!(out.contains("delivered (2 attempts)"), "{out}");
    assert!(
        err.contains("HTTP 500") && err.contains("retry 1 of 3"),
        "{err}"
    );
    assert!(
        !out.contains("s3cret") && !err.contains("s3cret"),
        "the URL's secret is never shown"
    );
    let got = seen.lock().unwrap().clone();
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(got[0].body, got[1].body, "the same summary again");
    assert_eq!(got[1].path, "/hooks/s3cret-path?token=s3cret");
    assert_eq!(got[1].content_type, "application/json");
    let alert: Value = serde_json::from_str(&got[1].body).unwrap();
    assert_eq!(alert["watch"], "pt");
    let keys: BTreeSet<&str> = alert
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, BTreeSet::from(["watch", "ran_at", "new", "dropped"]));
    let ana = &alert["new"][0];
    let keys: BTreeSet<&str> = ana
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        BTreeSet::from(["login", "name", "profile_url", "evidence_url", "score"])
    );
    assert_eq!(ana["login"], "ana");
    assert_eq!(ana["profile_url"], "https://github.com/ana");
    assert!(ana["evidence_url"]
        .as_str()
        .unwrap()
        .starts_with("https://github.com/pytorch/pytorch/pull/"));
    assert!(ana["score"].as_f64().unwrap() > 0.0);
    assert!(
        !got[1].body.contains('@'),
        "no e-mail address: {}",
        got[1].body
    );
    assert!(
        !got[1].body.contains("NCCL"),
        "no evidence text: {}",
        got[1].body
    );

    // Nothing changed: nothing is sent.
    ok(&data, &["watch", "run", "pt"]);
    assert_eq!(seen.lock().unwrap().len(), 2);

    // A change, and a webhook that keeps failing: a clear error after the last attempt, the
    // run is not saved, and the next run reports the same change again.
    gz(&inputs.join("b.json.gz"), &merged_pr(3, 11, "cy"));
    ok(
        &data,
        &[
            "-q",
            "ingest",
            "gharchive",
            inputs.join("b.json.gz").to_str().unwrap(),
        ],
    );
    let (url2, seen2) = hook_server(vec![503, 503, 503, 503, 503]);
    let store = data.join("builtby.sqlite");
    // point the watch at the failing server (the CLI sets a webhook only at add)
    ok(&data, &["watch", "remove", "pt"]);
    ok(
        &data,
        &[
            "watch",
            "add",
            "pt",
            "--webhook",
            &url2,
            "--",
            "--repo",
            "pytorch/pytorch",
            "--as-of",
            "2021-08-01",
        ],
    );
    assert!(store.exists());
    ok(&data, &["watch", "run", "pt", "--no-webhook"]);
    gz(&inputs.join("c.json.gz"), &merged_pr(4, 12, "dee"));
    ok(
        &data,
        &[
            "-q",
            "ingest",
            "gharchive",
            inputs.join("c.json.gz").to_str().unwrap(),
        ],
    );
    let (code, out, err) = run(&data, &["watch", "run", "pt"]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        err.contains("webhook http://127.0.0.1:")
            && err.contains("gave up after 4 attempts: HTTP 503")
            && err.contains("was not saved"),
        "{err}"
    );
    assert!(
        out.contains("NOT delivered") && out.contains("(not saved)"),
        "{out}"
    );
    assert_eq!(seen2.lock().unwrap().len(), 4, "bounded attempts");
    let r = json(&data, &["watch", "run", "pt", "--json", "--no-webhook"]);
    assert_eq!(
        logins(&r["new"]),
        BTreeSet::from(["dee".to_string()]),
        "reported again"
    );
    assert_eq!(r["saved"], true);
    assert!(r.get("webhook").is_none());
    let _ = std::fs::remove_dir_all(&data);
}
