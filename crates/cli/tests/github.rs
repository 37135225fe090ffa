//! `ingest github`, `enrich people`, `hydrate` and `locate` end to end against a fake GitHub on loopback that
//! answers with the real recorded REST responses in shared/data/github_rest, with injected
//! faults: secondary limit with Retry-After, primary limit with reset, 502, truncated JSON, a
//! response slower than the timeout, 404s. A missing recording fails when `../shared` exists;
//! the tests skip with a message only when `../shared` is absent.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[path = "../../test-support/fake_github.rs"]
mod fake_github;
#[path = "../../test-support/shared_data.rs"]
mod shared_data;
#[path = "../../test-support/stored_text.rs"]
mod stored_text;
use fake_github::{ok, recorded, serve, status, trimmed_hour, Handler, Reply};

#[path = "../../test-support/cli.rs"]
mod cli;
use cli::temp;

/// `builtby --data-dir DATA ARGS…` with a GITHUB_TOKEN that must never be shown.
fn run(data: &Path, args: &[&str]) -> (i32, String, String) {
    cli::output_hiding(
        cli::in_data(data).args(args),
        "GITHUB_TOKEN",
        "test-token-leak",
    )
}

#[test]
fn locate_prints_the_normalised_form() {
    let d = temp("locate");
    let (code, out, _) = run(
        &d,
        &[
            "locate",
            "--json",
            "SF Bay Area",
            "Kraków, Polska",
            "Remote - EU",
        ],
    );
    assert_eq!(code, 0);
    let rows: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows[0]["metro"], "San Francisco Bay Area");
    assert_eq!(rows[0]["country"], "US");
    assert_eq!(rows[1]["country"], "PL");
    assert_eq!(rows[1]["city"], "Kraków");
    assert!(rows[2]["country"].is_null() && rows[2]["metro"].is_null());
}

#[test]
fn hydrate_and_enrich_against_a_faulty_fake_github() {
    let (Some(pull), Some(user)) = (
        recorded("repos_PyGithub_PyGithub_pulls_31.json"),
        recorded("users_jacquev6.json"),
    ) else {
        return;
    };
    // The recorded PR, authored by someone other than its merger (jacquev6).
    let mut pull_v: serde_json::Value = serde_json::from_str(&pull).unwrap();
    pull_v["user"] = serde_json::json!({"login": "pr-author", "id": 4242, "type": "User"});
    let pull = serde_json::to_string_pretty(&pull_v).unwrap();
    let (author, author_id) = ("pr-author".to_string(), 4242);
    let author2 = author.clone();
    let handler: Arc<Handler> = Arc::new(move |path: &str, n: usize, inm: Option<&str>| {
        let reset = (std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs()
            + 1)
        .to_string();
        match (path, n) {
            ("/repos/PyGithub/PyGithub/pulls/31", 1) => status(502, &[]),
            ("/repos/PyGithub/PyGithub/pulls/31", 2) => Reply {
                body: pull[..pull.len() / 2].to_string(),
                ..ok("", "\"p31\"")
            },
            ("/repos/PyGithub/PyGithub/pulls/31", 3) => Reply {
                delay: Duration::from_millis(2500),
                ..ok(&pull, "\"p31\"")
            },
            ("/repos/PyGithub/PyGithub/pulls/31", _) if inm == Some("\"p31\"") => status(304, &[]),
            ("/repos/PyGithub/PyGithub/pulls/31", _) => ok(&pull, "\"p31\""),
            ("/user/327146", 1) => status(429, &[("Retry-After", "1".into())]),
            ("/user/327146", 2) => status(
                403,
                &[
                    ("X-RateLimit-Remaining", "0".into()),
                    ("X-RateLimit-Reset", reset),
                ],
            ),
            ("/user/327146", _) if inm == Some("\"u1\"") => status(304, &[]),
            ("/user/327146", _) => ok(&user, "\"u1\""),
            (p, _) if p == format!("/user/{author_id}") && inm == Some("\"a1\"") => {
                status(304, &[])
            }
            (p, _) if p == format!("/user/{author_id}") => ok(
                &format!(
                    r#"{{"login":"{author2}","id":{author_id},"type":"User","name":"The Author","location":"Mountain View, CA / Berlin","email":"secret@example.com","followers":3,"created_at":"2011-01-01T00:00:00Z"}}"#
                ),
                "\"a1\"",
            ),
            _ => status(404, &[]),
        }
    });
    let fake = serve(handler);
    let d = temp("hydrate");
    let hour = trimmed_hour(&d);
    let (code, _, err) = run(&d, &["ingest", "gharchive", hour.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let api = [
        "--api-url",
        &fake.url,
        "--backoff",
        "0.05",
        "--timeout",
        "1",
    ];

    // Hydrate: 502, then a cut body, then slower than the timeout, then the PR.
    let mut args = vec!["hydrate"];
    args.extend(api);
    let (code, _, err) = run(&d, &args);
    eprintln!("{err}");
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("2 pointers"), "{err}");
    assert!(err.contains("1 not found"), "{err}");
    let statuses = fake.statuses();
    eprintln!("hydrate requests: {statuses:?}");
    let (_, out, _) = run(
        &d,
        &["search", "--kind", "pr_merged", "--json", "--include-bots"],
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let results = v["results"].as_array().unwrap();
    assert_eq!(results.len(), 1, "{out}");
    assert_eq!(
        results[0]["login"],
        author.as_str(),
        "merge credited to the author"
    );
    // The review on the trimmed PR was completed with the PR's title, through the one write
    // path: its words are in the full-text index.
    let (_, out, _) = run(
        &d,
        &["search", "--text", "edited", "--kind", "review", "--json"],
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["results"][0]["login"], "jacquev6", "{out}");
    // Rerun: nothing pending, nothing doubled, no request.
    let before = fake.total();
    let (code, _, err) = run(&d, &args);
    assert_eq!(code, 0, "{err}");
    assert_eq!(fake.total(), before, "a second hydrate fetches nothing");
    let (_, out, _) = run(
        &d,
        &["search", "--kind", "pr_merged", "--json", "--include-bots"],
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["results"].as_array().unwrap().len(), 1);

    // Enrich: secondary limit with Retry-After, primary limit with reset, then the profile; a
    // login that does not exist is marked.
    let mut args = vec![
        "enrich",
        "people",
        "--login",
        "jacquev6",
        "--login",
        &author,
        "--login",
        "ghost-user",
    ];
    args.extend(api);
    let (code, _, err) = run(&d, &args);
    eprintln!("{err}");
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("secondary rate limit"), "{err}");
    assert!(err.contains("primary rate limit"), "{err}");
    assert!(err.contains("2 profiles updated, 1 not found"), "{err}");
    // The profile served had an e-mail; the database (file, WAL and every value) has none.
    let stored = stored_text::StoredText::read(&d);
    assert!(stored.contains("Mountain View"), "the profile was stored");
    assert!(!stored.contains("secret@example.com"), "no e-mail stored");
    assert!(!stored.contains("secret@"), "no e-mail stored");
    let (_, out, _) = run(
        &d,
        &["search", "--metro", "bay area", "--json", "--include-bots"],
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let r = v["results"].as_array().unwrap();
    assert_eq!(r.len(), 1, "{out}");
    assert_eq!(r[0]["place"]["metro"], "San Francisco Bay Area");
    // The location names a second place: a metro filter matches it too, and the first place
    // stays the one shown.
    let (_, out, _) = run(
        &d,
        &["search", "--metro", "berlin", "--json", "--include-bots"],
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let r = v["results"].as_array().unwrap();
    assert_eq!(r.len(), 1, "{out}");
    assert_eq!(r[0]["place"]["metro"], "San Francisco Bay Area", "{out}");
    assert_eq!(r[0]["place"]["also_metros"][0], "Berlin", "{out}");
    let (_, out, _) = run(
        &d,
        &["search", "--metro", "paris", "--json", "--include-bots"],
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["results"].as_array().unwrap().len(), 0, "{out}");
    let (_, out, _) = run(
        &d,
        &["search", "--country", "fr", "--json", "--include-bots"],
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["results"][0]["login"], "jacquev6", "{out}");
    let (_, out, _) = run(
        &d,
        &[
            "search",
            "--location",
            "california",
            "--json",
            "--include-bots",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["results"].as_array().unwrap().len(), 1, "{out}");

    // Second enrich: only conditional requests, answered 304.
    fake.statuses();
    let (code, _, err) = run(&d, &args);
    assert_eq!(code, 0, "{err}");
    let s = fake.statuses();
    eprintln!("second enrich: {s:?}");
    assert!(s.iter().all(|(_, st)| *st == 304 || *st == 404), "{s:?}");
}

// ---- ingest github: the crawl of watched repositories ---------------------------------------

/// A closed PR as the `/pulls` list gives it: the recorded PR 31 with another number, author and
/// times, without the fields only `/pulls/{n}` has (sizes, `merged_by`, `merged`, mergeability).
fn list_item(
    base: &serde_json::Value,
    n: i64,
    author: &str,
    day: u32,
    merged: bool,
) -> serde_json::Value {
    let mut v = base.clone();
    let o = v.as_object_mut().unwrap();
    for k in [
        "merged_by",
        "additions",
        "deletions",
        "changed_files",
        "commits",
        "comments",
        "review_comments",
        "merged",
        "mergeable",
        "mergeable_state",
        "rebaseable",
        "maintainer_can_modify",
    ] {
        o.remove(k);
    }
    let t = |h: u32| format!("2025-11-{day:02}T{h:02}:00:00Z");
    o.insert("number".into(), n.into());
    o.insert("id".into(), (900_000 + n).into());
    o.insert("title".into(), format!("PR {n}: fix the widget").into());
    o.insert(
        "html_url".into(),
        format!("https://github.com/PyGithub/PyGithub/pull/{n}").into(),
    );
    o.insert(
        "user".into(),
        serde_json::json!({"login": author, "id": 5000 + n, "type": "User"}),
    );
    o.insert("labels".into(), serde_json::json!([{"name": "bug"}]));
    o.insert("created_at".into(), t(1).into());
    o.insert("closed_at".into(), t(5).into());
    o.insert("updated_at".into(), t(6).into());
    o.insert(
        "merged_at".into(),
        if merged {
            t(5).into()
        } else {
            serde_json::Value::Null
        },
    );
    v
}

fn page(items: &[serde_json::Value]) -> String {
    serde_json::to_string(items).unwrap()
}

fn with_link(mut r: Reply, base: &str, next: &str) -> Reply {
    r.headers.push((
        "Link".into(),
        format!("<{base}{next}>; rel=\"next\", <{base}{next}>; rel=\"last\""),
    ));
    r
}

fn etag_of(body: &str) -> String {
    format!(
        "\"{:x}\"",
        body.len() * 31 + body.bytes().map(|b| b as usize).sum::<usize>()
    )
}

/// 200 with an ETag derived from the body, or 304 when the client already has it.
fn conditional(body: &str, inm: Option<&str>) -> Reply {
    let e = etag_of(body);
    if inm == Some(e.as_str()) {
        status(304, &[("ETag", e)])
    } else {
        ok(body, &e)
    }
}

fn count(store: &builtby_store::Store, k: builtby_model::Kind) -> i64 {
    store.count_kind(k).unwrap()
}

#[test]
fn crawl_repositories_against_a_faulty_fake_github() {
    use builtby_model::Kind;
    let (Some(pull), Some(files), Some(reviews), Some(comments)) = (
        recorded("repos_PyGithub_PyGithub_pulls_31.json"),
        recorded("repos_PyGithub_PyGithub_pulls_31_files.json"),
        recorded("repos_PyGithub_PyGithub_pulls_538_reviews.json"),
        recorded("repos_PyGithub_PyGithub_pulls_31_comments.json"),
    ) else {
        return;
    };
    let pull: serde_json::Value = serde_json::from_str(&pull).unwrap();
    let files: Vec<serde_json::Value> = serde_json::from_str(&files).unwrap();
    let mut reviews: Vec<serde_json::Value> = serde_json::from_str(&reviews).unwrap();
    for r in &mut reviews {
        // The recorded reviews are on #538; here they are on #31.
        let id = r["id"].as_i64().unwrap();
        r["html_url"] =
            format!("https://github.com/PyGithub/PyGithub/pull/31#pullrequestreview-{id}").into();
        r["pull_request_url"] = "https://api.github.com/repos/PyGithub/PyGithub/pulls/31".into();
    }
    let comments: Vec<serde_json::Value> = serde_json::from_str(&comments).unwrap();
    // Five closed PRs, newest update first: 35, 34 (merged), 33 (closed unmerged), 32, 31.
    let prs: Vec<serde_json::Value> = vec![
        list_item(&pull, 35, "author35", 9, true),
        list_item(&pull, 34, "author34", 8, true),
        list_item(&pull, 33, "author33", 7, false),
        list_item(&pull, 32, "author32", 6, true),
        list_item(&pull, 31, "pr-author", 5, true),
    ];
    let files_of = move |n: i64| -> Vec<serde_json::Value> {
        match n {
            31 => files.clone(),
            _ => files[(n as usize % 5)..(n as usize % 5) + 3].to_vec(),
        }
    };
    let base: Arc<Mutex<String>> = Arc::default();
    let b2 = base.clone();
    let (prs2, reviews2, comments2) = (prs.clone(), reviews.clone(), comments.clone());
    let handler: Arc<Handler> = Arc::new(move |path: &str, n: usize, inm: Option<&str>| {
        let base = b2.lock().unwrap().clone();
        let repo = "/repos/PyGithub/PyGithub/pulls";
        let list = format!("{repo}?state=closed&sort=updated&direction=desc&per_page=100");
        let (route, query) = path.split_once('?').unwrap_or((path, ""));
        let page_no: usize = query
            .split('&')
            .find_map(|kv| kv.strip_prefix("page="))
            .and_then(|p| p.parse().ok())
            .unwrap_or(1);
        // The list, two PRs a page; page 2 first answers 502.
        if route == repo && query.starts_with("state=closed") {
            if page_no == 2 && n == 1 {
                return status(502, &[]);
            }
            let items: Vec<_> = prs2
                .iter()
                .skip((page_no - 1) * 2)
                .take(2)
                .cloned()
                .collect();
            let r = conditional(&page(&items), inm);
            return if page_no * 2 < prs2.len() {
                with_link(r, &base, &format!("{list}&page={}", page_no + 1))
            } else {
                r
            };
        }
        // Review comments repo-wide, one a page; a secondary limit with Retry-After first.
        if route == format!("{repo}/comments") {
            if n == 1 {
                return status(403, &[("Retry-After", "1".into())]);
            }
            let items: Vec<_> = comments2
                .iter()
                .skip(page_no - 1)
                .take(1)
                .cloned()
                .collect();
            let r = conditional(&page(&items), inm);
            return if page_no < comments2.len() {
                with_link(r, &base, &format!("{route}?{query}&page={}", page_no + 1))
            } else {
                r
            };
        }
        let rest = route.strip_prefix(&format!("{repo}/")).unwrap_or("");
        let (num, what) = rest.split_once('/').unwrap_or((rest, ""));
        let Ok(num) = num.parse::<i64>() else {
            return status(404, &[]);
        };
        match what {
            "files" => {
                // #34's files: first a body cut in the middle.
                let all = files_of(num);
                if num == 34 && n == 1 {
                    let b = page(&all);
                    return Reply {
                        body: b[..b.len() / 2].to_string(),
                        ..ok("", "\"cut\"")
                    };
                }
                // #31 has 45 files: 30 a page.
                let items: Vec<_> = all
                    .iter()
                    .skip((page_no - 1) * 30)
                    .take(30)
                    .cloned()
                    .collect();
                let r = conditional(&page(&items), inm);
                if page_no * 30 < all.len() {
                    with_link(
                        r,
                        &base,
                        &format!("{route}?per_page=100&page={}", page_no + 1),
                    )
                } else {
                    r
                }
            }
            "reviews" => {
                // #35's reviews fail twice: with --retries 1 the first crawl stops there.
                if num == 35 && n <= 2 {
                    return status(502, &[]);
                }
                let items = if num == 31 { reviews2.clone() } else { vec![] };
                conditional(&page(&items), inm)
            }
            _ => status(404, &[]),
        }
    });
    let fake = serve(handler);
    *base.lock().unwrap() = fake.url.clone();

    // GH Archive first: #32's merge in full (pre-trim), a stub merge of #34 (a pointer), and a
    // review of #31 that the API also lists.
    let d = temp("crawl");
    let hour = d.join("2025-11-06-10.json");
    let lines = [
        r#"{"id":"60000000001","type":"PullRequestEvent","actor":{"id":1,"login":"maintainer"},"repo":{"id":3544490,"name":"PyGithub/PyGithub"},"payload":{"action":"closed","number":32,"pull_request":{"number":32,"title":"PR 32 from the archive","user":{"id":5032,"login":"author32"},"merged":true,"merged_by":{"id":1,"login":"maintainer"},"html_url":"https://github.com/PyGithub/PyGithub/pull/32","merged_at":"2025-11-06T05:00:00Z"}},"public":true,"created_at":"2025-11-06T05:00:00Z"}"#.to_string(),
        r#"{"id":"60000000002","type":"PullRequestEvent","actor":{"id":1,"login":"maintainer"},"repo":{"id":3544490,"name":"PyGithub/PyGithub"},"payload":{"action":"merged","number":34,"pull_request":{"url":"https://api.github.com/repos/PyGithub/PyGithub/pulls/34","id":3400,"number":34,"head":{"ref":"a","sha":"b","repo":{"id":3544490,"url":"x","name":"PyGithub"}},"base":{"ref":"main","sha":"c","repo":{"id":3544490,"url":"x","name":"PyGithub"}}}},"public":true,"created_at":"2025-11-08T05:00:00Z"}"#.to_string(),
        format!(
            r#"{{"id":"60000000003","type":"PullRequestReviewEvent","actor":{{"id":{},"login":"{}"}},"repo":{{"id":3544490,"name":"PyGithub/PyGithub"}},"payload":{{"action":"created","review":{{"id":{},"state":"approved","submitted_at":"{}","html_url":"{}"}},"pull_request":{{"url":"https://api.github.com/repos/PyGithub/PyGithub/pulls/31","id":3100,"number":31}}}},"public":true,"created_at":"{}"}}"#,
            reviews[0]["user"]["id"],
            reviews[0]["user"]["login"].as_str().unwrap(),
            reviews[0]["id"],
            reviews[0]["submitted_at"].as_str().unwrap(),
            reviews[0]["html_url"].as_str().unwrap(),
            reviews[0]["submitted_at"].as_str().unwrap()
        ),
    ];
    std::fs::write(&hour, lines.join("\n") + "\n").unwrap();
    let (code, _, err) = run(&d, &["ingest", "gharchive", hour.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    {
        let s = builtby_store::Store::open(&d).unwrap();
        assert_eq!(count(&s, Kind::PrMerged), 1);
        assert_eq!(count(&s, Kind::Review), 1);
    }

    let crawl_args = |batch: &str| -> Vec<String> {
        [
            "ingest",
            "github",
            "--repo",
            "PyGithub/PyGithub",
            "--since",
            "2025-01-01",
            "--batch",
            batch,
            "--api-url",
            &fake.url,
            "--backoff",
            "0.05",
            "--timeout",
            "5",
            "--retries",
            "1",
            "--concurrency",
            "2",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    };
    let args = crawl_args("2");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();

    // First crawl: a 502 on list page 2, a cut body on #34's files and a secondary limit on the
    // comments are retried; #35's reviews fail past the retries, so the crawl stops after the
    // batches before it (31+32, then 33+34) are stored with their cursor.
    let (code, _, err) = run(&d, &args);
    eprintln!("first crawl:\n{err}");
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("secondary rate limit"), "{err}");
    let first = fake.statuses();
    eprintln!("first crawl requests: {first:?}");
    {
        let s = builtby_store::Store::open(&d).unwrap();
        assert_eq!(
            s.crawl_cursor("PyGithub/PyGithub").unwrap(),
            builtby_model::time::parse_rfc3339("2025-11-08T06:00:00Z")
        );
        assert_eq!(
            count(&s, Kind::PrMerged),
            3,
            "31, 32 (one row with GH Archive's), 34"
        );
        assert_eq!(count(&s, Kind::PrClosedUnmerged), 1);
    }

    // Rerun: continues from the cursor; nothing lost, nothing doubled.
    let (code, _, err) = run(&d, &args);
    eprintln!("second crawl:\n{err}");
    assert_eq!(code, 0, "{err}");
    let second = fake.statuses();
    eprintln!("second crawl requests: {second:?}");
    assert!(
        !second
            .iter()
            .any(|(p, _)| p.contains("/pulls/31/") || p.contains("/pulls/32/")),
        "batches before the cursor are not fetched again: {second:?}"
    );
    {
        let s = builtby_store::Store::open(&d).unwrap();
        assert_eq!(count(&s, Kind::PrMerged), 4);
        assert_eq!(count(&s, Kind::PrClosedUnmerged), 1);
        assert_eq!(count(&s, Kind::PrOpened), 5);
        assert_eq!(
            count(&s, Kind::Review),
            reviews.len() as i64,
            "the archive's review is completed, not doubled"
        );
        assert_eq!(count(&s, Kind::ReviewComment), comments.len() as i64);
        // The same PR via GH Archive and via the API is one contribution, keyed by the PR.
        let k = s
            .find_contribution("PyGithub/PyGithub", Kind::PrMerged, 32)
            .unwrap()
            .unwrap();
        assert_eq!(k, "pr_merged/pygithub/pygithub#32");
        // The stub merge of #34 is resolved by the crawl: no hydration left to do.
        assert_eq!(
            s.pointer_states().unwrap(),
            vec![("hydrated".to_string(), 1)]
        );
        assert!(s.unhydrated(100).unwrap().is_empty());
        // Paths where the git ingest puts them: 45 for #31, 3 each for 32, 34, 35, and the
        // file each review comment is on.
        let commented: std::collections::HashSet<(&str, &str)> = comments
            .iter()
            .filter_map(|c| Some((c["path"].as_str()?, c["html_url"].as_str()?)))
            .collect();
        assert_eq!(
            s.git_summary("PyGithub/PyGithub").unwrap().path_rows,
            45 + 3 * 3 + commented.len() as i64
        );
    }
    let (_, out, _) = run(
        &d,
        &[
            "search",
            "--kind",
            "pr_merged",
            "--path",
            "src/github/",
            "--json",
            "--include-bots",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(!v["results"].as_array().unwrap().is_empty(), "{out}");
    let hydrate_before = fake.total();
    let (code, _, err) = run(&d, &["hydrate", "--api-url", &fake.url]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        fake.total(),
        hydrate_before,
        "hydrate has nothing left: {err}"
    );

    // Third crawl of the unchanged repository: only conditional requests, all answered 304.
    let (code, _, err) = run(&d, &args);
    eprintln!("third crawl:\n{err}");
    assert_eq!(code, 0, "{err}");
    let third = fake.statuses();
    eprintln!("third crawl requests ({}): {third:?}", third.len());
    assert!(!third.is_empty());
    assert!(third.iter().all(|(_, st)| *st == 304), "{third:?}");
    {
        let s = builtby_store::Store::open(&d).unwrap();
        assert_eq!(count(&s, Kind::PrMerged), 4);
        assert_eq!(count(&s, Kind::Review), reviews.len() as i64);
        assert_eq!(count(&s, Kind::ReviewComment), comments.len() as i64);
    }

    // A clean first crawl (no cache, no cursor), for the request count per merged PR.
    let d2 = temp("crawl-clean");
    let a2 = crawl_args("100");
    let a2: Vec<&str> = a2.iter().map(String::as_str).collect();
    let (code, _, err) = run(&d2, &a2);
    eprintln!("clean crawl:\n{err}");
    assert_eq!(code, 0, "{err}");
    let clean = fake.statuses();
    let merged = 4;
    let per_pr: usize = clean
        .iter()
        .filter(|(p, _)| p.contains("/files") || p.contains("/reviews"))
        .count();
    eprintln!(
        "clean crawl: {} requests for {merged} merged PRs ({:.2} per merged PR; files+reviews {per_pr}, the rest list and comment pages of 2 and 1 items)",
        clean.len(),
        clean.len() as f64 / merged as f64
    );
    assert_eq!(
        per_pr,
        merged * 2 + 1,
        "files and reviews, plus #31's second page of files"
    );
}

/// Requests per merged PR with GitHub's real page size: 250 closed PRs (200 merged), 100 a page.
#[test]
fn crawl_costs_about_two_requests_per_merged_pr() {
    let Some(pull) = recorded("repos_PyGithub_PyGithub_pulls_31.json") else {
        return;
    };
    let pull: serde_json::Value = serde_json::from_str(&pull).unwrap();
    let prs: Vec<serde_json::Value> = (0..250)
        .map(|i| {
            let n = 1000 - i as i64;
            let mut v = list_item(
                &pull,
                n,
                &format!("dev{}", i % 17),
                20 - (i / 25) as u32,
                i % 5 != 0,
            );
            v["updated_at"] = format!(
                "2025-10-{:02}T{:02}:{:02}:00Z",
                28 - i / 12,
                23 - (i % 12),
                59 - i % 60
            )
            .into();
            v
        })
        .collect();
    let base: Arc<Mutex<String>> = Arc::default();
    let b2 = base.clone();
    let handler: Arc<Handler> = Arc::new(move |path: &str, _n: usize, inm: Option<&str>| {
        let base = b2.lock().unwrap().clone();
        let (route, query) = path.split_once('?').unwrap_or((path, ""));
        let page_no: usize = query
            .split('&')
            .find_map(|kv| kv.strip_prefix("page="))
            .and_then(|p| p.parse().ok())
            .unwrap_or(1);
        let repo = "/repos/big/repo/pulls";
        if route == repo {
            let items: Vec<_> = prs
                .iter()
                .skip((page_no - 1) * 100)
                .take(100)
                .cloned()
                .collect();
            let r = conditional(&page(&items), inm);
            return if page_no * 100 < prs.len() {
                with_link(
                    r,
                    &base,
                    &format!(
                        "{route}?state=closed&sort=updated&direction=desc&per_page=100&page={}",
                        page_no + 1
                    ),
                )
            } else {
                r
            };
        }
        if route == format!("{repo}/comments") {
            return conditional("[]", inm);
        }
        if route.ends_with("/files") {
            return conditional(
                r#"[{"filename":"src/a.rs","additions":3,"deletions":1,"status":"modified","changes":4}]"#,
                inm,
            );
        }
        if route.ends_with("/reviews") {
            return conditional("[]", inm);
        }
        status(404, &[])
    });
    let fake = serve(handler);
    *base.lock().unwrap() = fake.url.clone();
    let d = temp("crawl-big");
    let args = [
        "ingest",
        "github",
        "--repo",
        "big/repo",
        "--api-url",
        &fake.url,
        "--concurrency",
        "4",
    ];
    let (code, _, err) = run(&d, &args);
    eprintln!("{err}");
    assert_eq!(code, 0, "{err}");
    let first = fake.statuses();
    let per_merged = first.len() as f64 / 200.0;
    eprintln!(
        "first crawl: {} requests for 200 merged PRs: {per_merged:.3} per merged PR",
        first.len()
    );
    assert!(per_merged <= 3.0);
    assert_eq!(first.len(), 3 + 2 + 2 * 200, "3 list pages, 2 comment pages (the window, and the one since the new cursor), files and reviews");
    let (code, _, err) = run(&d, &args);
    assert_eq!(code, 0, "{err}");
    let second = fake.statuses();
    eprintln!("second crawl: {} requests, {:?}", second.len(), second);
    assert!(second.iter().all(|(_, s)| *s == 304), "{second:?}");
    let s = builtby_store::Store::open(&d).unwrap();
    assert_eq!(s.count_kind(builtby_model::Kind::PrMerged).unwrap(), 200);
    assert_eq!(
        s.count_kind(builtby_model::Kind::PrClosedUnmerged).unwrap(),
        50
    );
}
