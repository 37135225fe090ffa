//! `ingest github --commits` end to end: a git repository made here, ingested with `ingest git`,
//! then the commits API of a fake GitHub on loopback (answers built here, shaped as
//! `GET /repos/{o}/{r}/commits` answers: `sha`, `html_url`, `commit.{author,committer}`,
//! `author` as a user object or `null`, `parents`) proves whose each git identity is.

use builtby_store::identity::{Method, State};
use builtby_store::Store;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};

#[path = "../../test-support/fake_github.rs"]
mod fake_github;
#[path = "../../test-support/shared_data.rs"]
mod shared_data;
use fake_github::{ok, serve, status, Handler, Reply};

#[path = "../../test-support/cli.rs"]
mod cli;

/// `builtby --data-dir DATA ARGS…` with a GITHUB_TOKEN that must never be shown.
fn run(data: &Path, args: &[&str]) -> (i32, String, String) {
    cli::output_hiding(
        cli::in_data(data).args(args),
        "GITHUB_TOKEN",
        "test-token-leak",
    )
}

struct TempDir(PathBuf);
impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn temp(name: &str) -> TempDir {
    let d = std::env::temp_dir().join(format!("builtby-gh-commits-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    TempDir(d)
}

fn git(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> String {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .envs(env.iter().copied())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn commit(dir: &Path, author: &str, date: &str, msg: &str) {
    let (name, email) = author.split_once(" <").unwrap();
    let email = email.trim_end_matches('>');
    std::fs::write(dir.join("f.txt"), format!("{msg}\n")).unwrap();
    git(dir, &["add", "-A"], &[]);
    git(
        dir,
        &["commit", "-q", "-m", msg],
        &[
            ("GIT_AUTHOR_NAME", name),
            ("GIT_AUTHOR_EMAIL", email),
            ("GIT_AUTHOR_DATE", date),
            ("GIT_COMMITTER_NAME", "GitHub"),
            ("GIT_COMMITTER_EMAIL", "noreply@github.com"),
            ("GIT_COMMITTER_DATE", date),
        ],
    );
}

/// The repository's history as the commits API lists it, newest first: `author` is what
/// `accounts` maps the author e-mail to (`null` when absent, as GitHub answers for an e-mail
/// it matches to no account).
fn api_items(dir: &Path, repo: &str, accounts: &HashMap<&str, Value>) -> Vec<Value> {
    let log = git(
        dir,
        &["log", "--format=%H%x09%P%x09%an%x09%ae%x09%aI%x09%cI%x09%s"],
        &[],
    );
    log.lines()
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            let (sha, parents, name, email, adate, cdate, subject) =
                (f[0], f[1], f[2], f[3], f[4], f[5], f[6]);
            json!({
                "sha": sha,
                "node_id": format!("C_{sha}"),
                "commit": {
                    "author": {"name": name, "email": email, "date": adate},
                    "committer": {"name": "GitHub", "email": "noreply@github.com", "date": cdate},
                    "message": subject,
                    "comment_count": 0
                },
                "url": format!("https://api.github.com/repos/{repo}/commits/{sha}"),
                "html_url": format!("https://github.com/{repo}/commit/{sha}"),
                "author": accounts.get(email).cloned().unwrap_or(Value::Null),
                "committer": {"login": "web-flow", "id": 19864447, "type": "User"},
                "parents": parents.split(' ').map(|p| json!({"sha": p})).collect::<Vec<_>>()
            })
        })
        .collect()
}

fn user(login: &str, id: i64) -> Value {
    json!({"login": login, "id": id, "node_id": format!("U_{id}"), "type": "User", "site_admin": false})
}

fn etag_of(body: &str) -> String {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    body.hash(&mut h);
    format!("\"{:x}\"", h.finish())
}

fn query_param<'a>(query: &'a str, name: &str) -> Option<&'a str> {
    query.split('&').find_map(|kv| {
        kv.strip_prefix(name)
            .and_then(|rest| rest.strip_prefix('='))
    })
}

/// A fake commits API over `items` (newest first), `per_page` a page (whatever is asked),
/// honouring `since` (committer date, inclusive), with `Link` headers and ETags.
/// Link URLs start with `base`, set once the server has its address.
fn commits_api(
    repo: &'static str,
    items: Arc<Mutex<Vec<Value>>>,
    per_page: usize,
    base: Arc<Mutex<String>>,
) -> Arc<Handler> {
    Arc::new(move |path: &str, _n: usize, inm: Option<&str>| -> Reply {
        let route = format!("/repos/{repo}/commits");
        let (p, query) = path.split_once('?').unwrap_or((path, ""));
        if p != route {
            return status(404, &[]);
        }
        let since = query_param(query, "since")
            .map(|s| builtby_model::time::parse_rfc3339(s).expect("since is a time"));
        let page: usize = query_param(query, "page").map_or(1, |p| p.parse().unwrap());
        let listed: Vec<Value> = items
            .lock()
            .unwrap()
            .iter()
            .filter(|c| {
                let t = builtby_model::time::parse_rfc3339(
                    c["commit"]["committer"]["date"].as_str().unwrap(),
                )
                .unwrap();
                since.is_none_or(|s| t >= s)
            })
            .cloned()
            .collect();
        let body = serde_json::to_string(
            &listed
                .iter()
                .skip((page - 1) * per_page)
                .take(per_page)
                .collect::<Vec<_>>(),
        )
        .unwrap();
        let etag = etag_of(&body);
        let mut r = if inm == Some(etag.as_str()) {
            status(304, &[])
        } else {
            ok(&body, &etag)
        };
        if page * per_page < listed.len() {
            let since = query_param(query, "since")
                .map(|s| format!("&since={s}"))
                .unwrap_or_default();
            let url = format!(
                "{}{route}?per_page=100{since}&page={}",
                base.lock().unwrap(),
                page + 1
            );
            r.headers.push((
                "Link".into(),
                format!("<{url}>; rel=\"next\", <{url}>; rel=\"last\""),
            ));
        }
        r
    })
}

fn search(d: &Path) -> Vec<Value> {
    let (code, out, err) = run(
        d,
        &[
            "search",
            "--repo",
            "o/r",
            "--json",
            "--include-bots",
            "--limit",
            "50",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    v["results"].as_array().unwrap().clone()
}

fn by_name<'a>(results: &'a [Value], name: &str) -> Vec<&'a Value> {
    results.iter().filter(|r| r["name"] == name).collect()
}

/// Rows that any write adds to or changes: the ingest log, links, the audit log, people.
fn snapshot(d: &Path) -> Vec<(String, i64)> {
    let c = rusqlite::Connection::open(d.join(builtby_store::DB_FILE)).unwrap();
    [
        "SELECT count(*) FROM files",
        "SELECT count(*) FROM identity_links",
        "SELECT coalesce(sum(at), 0) FROM identity_links",
        "SELECT count(*) FROM identity_log",
        "SELECT count(*) FROM people",
        "SELECT coalesce(sum(coalesce(member_of, 0)), 0) FROM people",
        "SELECT coalesce(sum(committed_at + read_at), 0) FROM commits_cursors",
    ]
    .iter()
    .map(|q| (q.to_string(), c.query_row(q, [], |r| r.get(0)).unwrap()))
    .collect()
}

#[test]
fn the_commits_api_proves_git_identities() {
    let repo = temp("repo");
    let data = temp("data");
    let (r, d) = (&repo.0, &data.0);
    git(r, &["init", "-q", "-b", "main"], &[]);
    commit(r, "Ana B <ana@corp.example>", "2024-01-01T10:00:00Z", "One");
    commit(r, "Cy <cy@corp.example>", "2024-01-02T10:00:00Z", "Two");
    commit(
        r,
        "Build Bot <ci@corp.example>",
        "2024-01-03T10:00:00Z",
        "Bump",
    );
    commit(
        r,
        "Nobody <nobody@corp.example>",
        "2024-01-04T10:00:00Z",
        "Three",
    );
    commit(
        r,
        "Ana B <ana@corp.example>",
        "2024-01-05T10:00:00Z",
        "Four",
    );
    git(r, &["checkout", "-q", "-b", "feature"], &[]);
    commit(
        r,
        "Ana B <ana@corp.example>",
        "2024-01-06T10:00:00Z",
        "Five",
    );
    git(r, &["checkout", "-q", "main"], &[]);
    git(
        r,
        &[
            "merge",
            "-q",
            "--no-ff",
            "feature",
            "-m",
            "Merge branch 'feature'",
        ],
        &[
            ("GIT_AUTHOR_NAME", "Maintainer"),
            ("GIT_AUTHOR_EMAIL", "m@corp.example"),
            ("GIT_AUTHOR_DATE", "2024-01-07T10:00:00Z"),
            ("GIT_COMMITTER_NAME", "Maintainer"),
            ("GIT_COMMITTER_EMAIL", "m@corp.example"),
            ("GIT_COMMITTER_DATE", "2024-01-07T10:00:00Z"),
        ],
    );
    let accounts: HashMap<&str, Value> = HashMap::from([
        ("ana@corp.example", user("ana-gh", 101)),
        ("cy@corp.example", user("cy-gh", 102)),
        (
            "ci@corp.example",
            json!({"login": "ci-helper[bot]", "id": 900, "type": "Bot"}),
        ),
        ("m@corp.example", user("maintainer", 103)),
        ("dee@corp.example", user("dee-gh", 104)),
    ]);
    let items = Arc::new(Mutex::new(api_items(r, "o/r", &accounts)));
    assert_eq!(items.lock().unwrap().len(), 7);
    // Two commits a page: four pages.
    let base: Arc<Mutex<String>> = Arc::default();
    let fake = serve(commits_api("o/r", items.clone(), 2, base.clone()));
    let fake_url = fake.url.clone();
    *base.lock().unwrap() = fake_url.clone();

    let (code, _, err) = run(d, &["ingest", "git", r.to_str().unwrap(), "--repo", "o/r"]);
    assert_eq!(code, 0, "{err}");
    // After `ingest git`, Ana is a git identity of her own: no GitHub login anywhere.
    let before = search(d);
    let ana = by_name(&before, "Ana B");
    assert_eq!(ana.len(), 1, "{before:?}");
    assert!(ana[0]["login"].as_str().unwrap().starts_with("git:"));
    assert!(before.iter().all(|x| x["login"] != "ana-gh"));

    let args = [
        "ingest",
        "github",
        "--commits",
        "--repo",
        "o/r",
        "--repo",
        "o/no-history",
        "--api-url",
        &fake_url,
        "--backoff",
        "0.05",
    ];
    let (code, _, err) = run(d, &args);
    eprintln!("first run:\n{err}");
    assert_eq!(code, 0, "{err}");
    let first = fake.statuses();
    eprintln!("first run requests: {first:?}");
    assert!(
        err.contains("o/no-history: no git history in the store")
            && err.contains("builtby ingest git PATH --repo o/no-history"),
        "{err}"
    );
    assert!(
        first.iter().all(|(p, _)| !p.contains("no-history")),
        "a repository without git history costs no request"
    );
    // Pagination by Link: four pages of the listing, then the first page since the new cursor.
    let pages: Vec<&str> = first.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        pages,
        vec![
            "/repos/o/r/commits?per_page=100",
            "/repos/o/r/commits?per_page=100&page=2",
            "/repos/o/r/commits?per_page=100&page=3",
            "/repos/o/r/commits?per_page=100&page=4",
            "/repos/o/r/commits?per_page=100&since=2024-01-06T10:00:00Z",
        ]
    );
    assert!(
        err.contains("o/r: 7 commits (1 merges): 4 in the store with a GitHub author, 0 not in the store, 1 without a GitHub author, 1 by bots; 2 identities newly proven"),
        "{err}"
    );
    assert!(
        err.contains("5 requests (0 answered 304), 714.3 per 1,000 commits"),
        "{err}"
    );

    // Ana's git identity is ana-gh's, proven by the commits API, with the commit as evidence.
    let store = Store::open(d).unwrap();
    let view = store
        .identity("ana-gh")
        .unwrap()
        .expect("ana-gh is a person");
    assert_eq!(view.person, "ana-gh");
    let git_account = view
        .accounts
        .iter()
        .find(|a| a.key.starts_with("git:"))
        .unwrap_or_else(|| panic!("the git identity is ana-gh's: {view:?}"));
    assert_eq!(git_account.name.as_deref(), Some("Ana B"));
    assert_eq!(git_account.contributions, 3);
    let link = git_account
        .links
        .iter()
        .find(|l| l.method == Method::CommitsApi)
        .unwrap_or_else(|| panic!("a commits_api link: {git_account:?}"));
    assert_eq!(
        (link.state, link.person.as_str()),
        (State::Proven, "ana-gh")
    );
    assert!(
        link.evidence[0].starts_with("https://github.com/o/r/commit/"),
        "{link:?}"
    );
    assert_eq!(
        view.accounts
            .iter()
            .find(|a| a.key == "ana-gh")
            .and_then(|a| a.github_id),
        Some(101)
    );
    assert!(store.identity("cy-gh").unwrap().is_some());
    // Bots and commits GitHub matched to no account link nothing.
    assert!(store.identity("ci-helper[bot]").unwrap().is_none());
    assert!(
        store.identity("maintainer").unwrap().is_none(),
        "merges link nothing"
    );
    drop(store);

    // The search shows one person with the GitHub login, all of Ana's commits under it.
    let after = search(d);
    assert!(by_name(&after, "Ana B")
        .iter()
        .all(|x| x["login"] == "ana-gh"));
    let ana: Vec<&Value> = after.iter().filter(|x| x["login"] == "ana-gh").collect();
    assert_eq!(ana.len(), 1, "{after:?}");
    assert_eq!(ana[0]["counts"], json!([["commit", 3]]), "{:?}", ana[0]);
    assert!(after.iter().any(|x| x["login"] == "cy-gh"));
    for unlinked in ["Build Bot", "Nobody"] {
        let x = by_name(&after, unlinked);
        assert_eq!(x.len(), 1, "{unlinked}: {after:?}");
        assert!(x[0]["login"].as_str().unwrap().starts_with("git:"), "{x:?}");
    }

    // A second run: only conditional requests, all answered 304, and nothing changes.
    let snap = snapshot(d);
    let (code, _, err) = run(d, &args);
    eprintln!("second run:\n{err}");
    assert_eq!(code, 0, "{err}");
    let second = fake.statuses();
    eprintln!("second run requests: {second:?}");
    assert_eq!(
        second,
        vec![(
            "/repos/o/r/commits?per_page=100&since=2024-01-06T10:00:00Z".to_string(),
            304
        )]
    );
    assert!(
        err.contains("0 identities newly proven, 1 already proven"),
        "{err}"
    );
    assert_eq!(snapshot(d), snap, "a second run changes nothing");

    // GitHub is ahead of the clone: Dee's commit is not in the store, and the run says what to do.
    commit(r, "Dee <dee@corp.example>", "2024-01-08T10:00:00Z", "Six");
    *items.lock().unwrap() = api_items(r, "o/r", &accounts);
    let (code, _, err) = run(d, &args);
    eprintln!("third run:\n{err}");
    assert_eq!(code, 0, "{err}");
    eprintln!("third run requests: {:?}", fake.statuses());
    assert!(err.contains("1 not in the store"), "{err}");
    assert!(
        err.contains("run `builtby ingest git PATH --repo o/r`, then this again"),
        "{err}"
    );
    assert!(Store::open(d)
        .unwrap()
        .identity("dee-gh")
        .unwrap()
        .is_none());
    // Once `ingest git` has it, the next run (from the cursor, which stayed) links it.
    let (code, _, err) = run(d, &["ingest", "git", r.to_str().unwrap(), "--repo", "o/r"]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = run(d, &args);
    eprintln!("fourth run:\n{err}");
    assert_eq!(code, 0, "{err}");
    eprintln!("fourth run requests: {:?}", fake.statuses());
    assert!(err.contains("1 identities newly proven"), "{err}");
    let store = Store::open(d).unwrap();
    let dee = store.identity("dee-gh").unwrap().expect("linked");
    assert!(dee
        .accounts
        .iter()
        .any(|a| a.name.as_deref() == Some("Dee")));
}

/// What the commits API costs: 1,000 commits, 100 a page as GitHub pages them.
#[test]
fn the_commits_api_costs_about_ten_requests_per_1000_commits() {
    let repo = temp("repo-1000");
    let data = temp("data-1000");
    let (r, d) = (&repo.0, &data.0);
    git(r, &["init", "-q", "-b", "main"], &[]);
    // 1,000 commits by 20 identities, written with fast-import.
    let mut stream = String::new();
    for i in 0..1000 {
        let who = i % 20;
        let t = 1_704_067_200 + i * 3600;
        let msg = format!("Change {i}\n");
        let content = format!("{i}\n");
        stream.push_str(&format!(
            "commit refs/heads/main\nmark :{}\nauthor Dev {who} <dev{who}@corp.example> {t} +0000\ncommitter GitHub <noreply@github.com> {t} +0000\ndata {}\n{msg}",
            i + 1,
            msg.len()
        ));
        if i > 0 {
            stream.push_str(&format!("from :{i}\n"));
        }
        stream.push_str(&format!(
            "M 644 inline f{}.txt\ndata {}\n{content}\n",
            i % 7,
            content.len()
        ));
    }
    let mut child = Command::new("git")
        .arg("-C")
        .arg(r)
        .args(["fast-import", "--quiet"])
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write as _;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stream.as_bytes())
        .unwrap();
    assert!(child.wait().unwrap().success());
    let emails: Vec<String> = (0..20).map(|w| format!("dev{w}@corp.example")).collect();
    let accounts: HashMap<&str, Value> = emails
        .iter()
        .enumerate()
        .map(|(w, e)| (e.as_str(), user(&format!("dev{w}-gh"), 2000 + w as i64)))
        .collect();
    let items = Arc::new(Mutex::new(api_items(r, "o/r", &accounts)));
    assert_eq!(items.lock().unwrap().len(), 1000);
    let base: Arc<Mutex<String>> = Arc::default();
    let fake = serve(commits_api("o/r", items, 100, base.clone()));
    let fake_url = fake.url.clone();
    *base.lock().unwrap() = fake_url.clone();

    let (code, _, err) = run(d, &["ingest", "git", r.to_str().unwrap(), "--repo", "o/r"]);
    assert_eq!(code, 0, "{err}");
    let args = [
        "ingest",
        "github",
        "--commits",
        "--repo",
        "o/r",
        "--api-url",
        &fake_url,
    ];
    let (code, _, err) = run(d, &args);
    eprintln!("first run:\n{err}");
    assert_eq!(code, 0, "{err}");
    // Ten pages of 100, and the first page since the new cursor (for the next run's 304).
    assert_eq!(fake.total(), 11, "{:?}", fake.statuses());
    assert!(
        err.contains("1000 commits (0 merges): 1000 in the store with a GitHub author, 0 not in the store, 0 without a GitHub author, 0 by bots; 20 identities newly proven"),
        "{err}"
    );
    assert!(
        err.contains("11 requests (0 answered 304), 11.0 per 1,000 commits"),
        "{err}"
    );
    fake.statuses();
    let (code, _, err) = run(d, &args);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        fake.statuses().iter().map(|s| s.1).collect::<Vec<_>>(),
        vec![304]
    );
    assert!(
        err.contains("0 identities newly proven, 1 already proven"),
        "{err}"
    );
}
