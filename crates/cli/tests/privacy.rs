//! Privacy on real data, through the binary as an operator runs it (issue 13):
//! - an opted-out person is in no search result, `also`/`likely` mention, person page,
//!   export, identity view or API answer, after an opt-out of stored data, after re-ingesting
//!   the same GH Archive hour, and in a fresh store given the list before the ingest; an
//!   erasure deletes them; every step is in the audit log with its actor;
//! - no e-mail address is in any output, nor anywhere in the store's files (database, WAL and
//!   SHM, with the store open and after it is closed), after ingesting every shared GH Archive
//!   hour and a git history whose authors have addresses.
//!
//! The real files are in `../shared/data`: a missing one fails when `../shared` exists; the
//! tests skip with a message when it is absent.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[path = "../../test-support/shared_data.rs"]
mod shared_data;
#[path = "../../test-support/stored_text.rs"]
mod stored_text;

#[path = "../../test-support/cli.rs"]
mod cli;
use cli::temp;

/// The binary as the user [`USER`].
fn bin() -> Command {
    let mut c = cli::bin();
    c.env("USER", USER);
    c
}

/// `builtby --data-dir DATA ARGS…` as the user [`USER`].
fn run(data: &Path, args: &[&str]) -> (i32, String, String) {
    cli::output(bin().arg("--data-dir").arg(data).args(args))
}

const USER: &str = "privacy-tester";

fn ok(data: &Path, args: &[&str]) -> String {
    let (code, out, err) = run(data, args);
    assert_eq!(code, 0, "{args:?}: {err}");
    out
}

fn json(data: &Path, args: &[&str]) -> serde_json::Value {
    let out = ok(data, args);
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{args:?}: {e}: {out}"))
}

/// (login, repo, kind) → count, from `export counts`.
fn counts(data: &Path) -> BTreeMap<(String, String, String), u64> {
    let v = json(data, &["export", "counts", "--format", "json"]);
    v.as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                (
                    r["login"].as_str().unwrap().to_string(),
                    r["repo"].as_str().unwrap().to_string(),
                    r["kind"].as_str().unwrap().to_string(),
                ),
                r["count"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// Every login a search answer names: results, `also` and `likely`.
fn named(search: &serde_json::Value) -> Vec<String> {
    let mut out = Vec::new();
    for r in search["results"].as_array().unwrap() {
        out.push(r["login"].as_str().unwrap().to_lowercase());
        if let Some(l) = r["likely"]["login"].as_str() {
            out.push(l.to_lowercase());
        }
        for a in r["also"].as_array().into_iter().flatten() {
            out.push(a["login"].as_str().unwrap().to_lowercase());
        }
    }
    out
}

/// `who` appears in none of the CLI's answers about the store in `data`.
fn assert_gone(data: &Path, who: &str, when: &str) {
    let who_l = who.to_lowercase();
    for args in [
        &["search", "--json", "--limit", "500"][..],
        &["search", "--json", "--limit", "500", "--include-bots"],
        &["search", "--json", "--limit", "500", "--kind", "pr_merged"],
    ] {
        let s = json(data, args);
        assert!(!named(&s).contains(&who_l), "{when}: {args:?} names {who}");
    }
    let csv = ok(data, &["search", "--csv", "--limit", "500"]);
    assert!(
        csv.lines()
            .all(|l| l.split(',').nth(1).map(str::to_lowercase) != Some(who_l.clone())),
        "{when}: the CSV has {who}"
    );
    let (code, out, err) = run(data, &["person", who]);
    assert_eq!(code, 1, "{when}: person {who}: {out}");
    assert!(err.contains("nobody with the login"), "{when}: {err}");
    let (code, _, _) = run(data, &["identity", "show", who]);
    assert_eq!(code, 1, "{when}: identity show {who}");
    assert!(
        counts(data).keys().all(|k| k.0.to_lowercase() != who_l),
        "{when}: export counts has {who}"
    );
    let csv = ok(data, &["export", "counts"]);
    assert!(
        csv.lines()
            .all(|l| l.split(',').next().map(str::to_lowercase) != Some(who_l.clone())),
        "{when}: the counts CSV has {who}"
    );
}

/// The most active GitHub logins of a search over everything, best first.
fn top_logins(data: &Path) -> Vec<String> {
    let s = json(data, &["search", "--json", "--limit", "50"]);
    s["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["login"].as_str().unwrap().to_string())
        .filter(|l| !l.contains(':'))
        .collect()
}

/// A `builtby serve` on a free loopback port, killed when dropped.
struct Server {
    child: std::process::Child,
    addr: String,
}

impl Drop for Server {
    /// Stops it as an operator does (SIGTERM): it writes its queued audit rows and exits.
    fn drop(&mut self) {
        // SAFETY: kill(2) on our own child's pid, with a valid signal.
        unsafe {
            libc::kill(self.child.id() as libc::pid_t, libc::SIGTERM);
        }
        let t0 = Instant::now();
        while t0.elapsed() < Duration::from_secs(20) {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(data: &Path, token_file: &Path) -> Server {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr = format!("127.0.0.1:{port}");
    let child = bin()
        .arg("--data-dir")
        .arg(data)
        .args(["serve", "--addr", &addr, "--token-file"])
        .arg(token_file)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let s = Server { child, addr };
    let t0 = Instant::now();
    while std::net::TcpStream::connect(&s.addr).is_err() {
        assert!(
            t0.elapsed() < Duration::from_secs(30),
            "serve did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    s
}

/// (status, body) of one request.
fn http(s: &Server, method: &str, path: &str, token: &str, body: &str) -> (u16, String) {
    let mut c = std::net::TcpStream::connect(&s.addr).unwrap();
    write!(
        c,
        "{method} {path} HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        s.addr,
        body.len()
    )
    .unwrap();
    let mut raw = Vec::new();
    c.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    (status, body.to_string())
}

#[test]
fn opted_out_people_stay_out_of_every_answer_and_every_re_ingest() {
    let Some(hour) = shared_data::shared_data("gharchive/2015-01-01-3.json.gz") else {
        return;
    };
    let hour = hour.to_str().unwrap();
    let dir = temp("optout");
    let a = dir.join("a");
    ok(&a, &["ingest", "gharchive", hour]);
    let before = counts(&a);
    let top = top_logins(&a);
    let who = top[0].clone();
    let other = top[1].clone();
    assert!(before.keys().any(|k| k.0 == who));
    assert_eq!(run(&a, &["person", &who]).0, 0);

    // An opt-out of stored data hides them at once.
    let out = ok(&a, &["optout", "add", &who, "--reason", "asked by mail"]);
    assert!(out.contains("1 person hidden"), "{out}");
    assert_gone(&a, &who, "after the opt-out");
    assert!(run(&a, &["person", &other]).0 == 0, "others stay");
    // Everyone else is counted as before.
    let after = counts(&a);
    let want: BTreeMap<_, _> = before
        .iter()
        .filter(|(k, _)| k.0 != who)
        .map(|(k, v)| (k.clone(), *v))
        .collect();
    assert_eq!(after, want);
    // The list holds no login.
    let list = ok(&a, &["optout", "list"]);
    assert!(!list.to_lowercase().contains(&who.to_lowercase()), "{list}");

    // Re-ingesting the same file: it is in the ingest log, skipped; still gone.
    let (code, _, err) = run(&a, &["ingest", "gharchive", hour]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("1 already loaded"), "{err}");
    assert_gone(&a, &who, "after re-ingesting");

    // A fresh store given the list first stores nothing of theirs.
    let b = dir.join("b");
    ok(&b, &["optout", "add", &format!("https://github.com/{who}")]);
    let (code, _, err) = run(&b, &["ingest", "gharchive", hour]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("records of opted-out people not stored"),
        "{err}"
    );
    assert_gone(&b, &who, "in a fresh store");
    {
        let db = rusqlite::Connection::open(b.join("builtby.sqlite")).unwrap();
        let n: i64 = db
            .query_row(
                "SELECT (SELECT count(*) FROM people WHERE login = ?1 COLLATE NOCASE)
                      + (SELECT count(*) FROM logins WHERE login = ?1)",
                [&who],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(n, 0, "no row names {who}");
    }
    // Both stores count everyone else the same, but for PRs revised after a review: a
    // review never stored revises nothing.
    let strip = |m: BTreeMap<(String, String, String), u64>| -> BTreeMap<_, _> {
        m.into_iter().filter(|(k, _)| k.2 != "pr_revised").collect()
    };
    assert_eq!(strip(counts(&b)), strip(counts(&a)));

    // The API answers the same: nothing of theirs, and changes need a named token.
    let tokens = dir.join("tokens.txt");
    std::fs::write(&tokens, "# the team\nrita:rita-token-0123456789abcdef\n").unwrap();
    {
        let s = serve(&a, &tokens);
        let t = "rita-token-0123456789abcdef";
        let (status, body) = http(&s, "GET", "/api/search?limit=500", t, "");
        assert_eq!(status, 200, "{body}");
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert!(!named(&v).contains(&who.to_lowercase()));
        let (status, _) = http(&s, "GET", &format!("/api/people/{who}"), t, "");
        assert_eq!(status, 404);
        let (status, body) = http(&s, "GET", "/api/search.csv?limit=500", t, "");
        assert_eq!(status, 200);
        assert!(body
            .lines()
            .all(|l| l.split(',').nth(1).map(str::to_lowercase) != Some(who.to_lowercase())));
        let (status, body) = http(&s, "GET", "/api/optouts", t, "");
        assert_eq!(status, 200);
        assert!(body.contains("\"count\":1"), "{body}");
        assert!(!body.to_lowercase().contains(&who.to_lowercase()), "{body}");
        let (status, _) = http(&s, "GET", "/api/search", "wrong-token-0000000000", "");
        assert_eq!(status, 401);
    }

    // Erasure: their rows go; the rest is as it was.
    let out = ok(&a, &["erase", &who, "--vacuum"]);
    assert!(out.starts_with("erased: "), "{out}");
    assert_gone(&a, &who, "after the erasure");
    assert_eq!(counts(&a), after);
    {
        let db = rusqlite::Connection::open(a.join("builtby.sqlite")).unwrap();
        let n: i64 = db
            .query_row(
                "SELECT count(*) FROM people WHERE login = ?1 COLLATE NOCASE",
                [&who],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(n, 0, "{who}'s row is deleted");
    }

    // The audit log has each step, with its actor, and never the login.
    let log = json(&a, &["audit", "--json", "--limit", "10000"]);
    let text = log.to_string().to_lowercase();
    assert!(
        !text.contains(&format!("\"{}\"", who.to_lowercase())),
        "{text}"
    );
    assert!(!text.contains("rita-token"), "no token is stored");
    let steps: Vec<(String, String)> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["actor"].as_str().unwrap().to_string(),
                e["action"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    for (actor, action) in [
        (USER, "search"),
        (USER, "person"),
        (USER, "export"),
        (USER, "identity.show"),
        (USER, "optout.add"),
        (USER, "erase"),
        ("rita", "search"),
        ("rita", "person"),
        ("rita", "export"),
    ] {
        assert!(
            steps.contains(&(actor.to_string(), action.to_string())),
            "({actor}, {action}) not in the audit log"
        );
    }
    let about = json(&a, &["audit", "--json", "--person", &who]);
    let actions: Vec<&str> = about
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    for want in ["person", "optout.add", "erase"] {
        assert!(actions.contains(&want), "{want} not in {actions:?}");
    }
    let (code, _, err) = run(&a, &["audit", "--action", "Not An Action"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--action"), "{err}");
    let (code, _, err) = run(&a, &["audit", "--since", "someday"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--since"), "{err}");
    let (code, _, err) = run(&a, &["optout", "add", "someone@example.com"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("ACCOUNT: ") && !err.contains("example.com"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A malformed token file is refused before anything is served, naming the line and never
/// the token.
#[test]
fn a_bad_token_file_names_its_line() {
    let dir = temp("tokenfile");
    let f = dir.join("tokens.txt");
    std::fs::write(
        &f,
        "# ok\nrita:rita-token-0123456789abcdef\nbo:tooshort-secret\n",
    )
    .unwrap();
    let out = bin()
        .arg("--data-dir")
        .arg(dir.join("data"))
        .args(["serve", "--addr", "127.0.0.1:0", "--token-file"])
        .arg(&f)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("line 3") && err.contains("too short"), "{err}");
    assert!(
        !err.contains("tooshort-secret") && !err.contains("serving"),
        "{err}"
    );
}

/// A git history whose authors have addresses (one a GitHub noreply address), and whose
/// messages carry more (a sign-off, a body).
fn git_history(repo: &Path) {
    std::fs::create_dir_all(repo).unwrap();
    let git = |args: &[&str], env: &[(&str, &str)]| {
        let out = Command::new("git")
            .arg("-C")
            .arg(repo)
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
    };
    git(&["init", "-q", "-b", "main"], &[]);
    for (i, (who, email)) in [
        ("Ana B", "ana.b@corp.example"),
        ("Cy", "cy@uni.example.org"),
        ("Dee", "123456+dee@users.noreply.github.com"),
        ("Ana B", "ana.b@corp.example"),
    ]
    .iter()
    .enumerate()
    {
        std::fs::write(repo.join(format!("f{i}.py")), format!("x = {i}\n")).unwrap();
        git(&["add", "-A"], &[]);
        let date = format!("2024-0{}-01T00:00:00Z", i + 1);
        let env = [
            ("GIT_AUTHOR_NAME", *who),
            ("GIT_AUTHOR_EMAIL", *email),
            ("GIT_AUTHOR_DATE", date.as_str()),
            ("GIT_COMMITTER_NAME", *who),
            ("GIT_COMMITTER_EMAIL", *email),
            ("GIT_COMMITTER_DATE", date.as_str()),
        ];
        let msg = format!(
            "Add f{i} (#{})\n\nQuestions to {email} or ops@corp.example.\n\nSigned-off-by: {who} <{email}>",
            i + 1
        );
        git(&["commit", "-q", "-m", &msg], &env);
    }
}

/// Every stored text value that starts with `@` (a company written `@org`, a comment that
/// starts with a mention), lower case.
fn values_starting_with_at(db: &rusqlite::Connection) -> Vec<String> {
    let tables: Vec<String> = db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut out = Vec::new();
    for t in tables {
        let mut st = db.prepare(&format!("SELECT * FROM \"{t}\"")).unwrap();
        let n = st.column_count();
        let mut rows = st.query([]).unwrap();
        while let Some(r) = rows.next().unwrap() {
            for i in 0..n {
                if let rusqlite::types::ValueRef::Text(b) = r.get_ref(i).unwrap() {
                    if b.first() == Some(&b'@') {
                        out.push(String::from_utf8_lossy(b).to_lowercase());
                    }
                }
            }
        }
    }
    out
}

/// True when `address`, found in the raw bytes of the database, is two stored values side by
/// side and no address at all: SQLite writes a row's columns one after the other, so a
/// location `San Francisco` followed by a company `@acme` and a blog `blog.acme.io` reads
/// `francisco@acmeblog.acme.io`. Its `@` is then the first character of a stored value that
/// is not itself an address (no value holds one: the SQL values are checked separately).
fn across_values(address: &str, starts_with_at: &[String]) -> bool {
    let Some((_, domain)) = address.split_once('@') else {
        return false;
    };
    let at = format!("@{domain}");
    starts_with_at
        .iter()
        .any(|v| v.len() > 1 && at.starts_with(v.as_str()) && !v[1..].contains('.'))
}

#[test]
fn no_email_address_in_any_output_or_in_the_store() {
    let Some(gha) = shared_data::shared_data("gharchive") else {
        return;
    };
    let dir = temp("emails");
    let data = dir.join("data");
    let (code, _, err) = run(&data, &["ingest", "gharchive", gha.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let repo = dir.join("repo");
    git_history(&repo);
    let (code, _, err) = run(
        &data,
        &[
            "ingest",
            "git",
            repo.to_str().unwrap(),
            "--repo",
            "corp/tool",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let addresses = |bytes: Vec<u8>| stored_text::StoredText { bytes }.addresses();

    // Every output: tables, JSON, CSV, the person pages, exports, identities, audit.
    let top = top_logins(&data);
    let git_person = json(&data, &["search", "--json", "--repo", "corp/tool"]);
    let git_login = git_person["results"][0]["login"]
        .as_str()
        .unwrap()
        .to_string();
    let mut outputs: Vec<u8> = Vec::new();
    let commands: Vec<Vec<&str>> = vec![
        vec!["stats"],
        vec!["stats", "--json"],
        vec!["search", "--limit", "500", "--explain"],
        vec!["search", "--json", "--limit", "500"],
        vec!["search", "--csv", "--limit", "500"],
        vec!["search", "--json", "--text", "email"],
        vec!["search", "--json", "--repo", "corp/tool"],
        vec!["person", top[0].as_str(), "--json"],
        vec!["person", top[1].as_str()],
        vec!["person", git_login.as_str(), "--json"],
        vec!["export", "counts"],
        vec!["export", "counts", "--format", "json"],
        vec!["identity", "suggest", "--json"],
        vec!["identity", "show", git_login.as_str(), "--json"],
        vec!["identity", "log"],
        vec!["optout", "add", top[2].as_str()],
        vec!["optout", "list", "--json"],
        vec!["audit", "--json", "--limit", "10000"],
    ];
    for args in &commands {
        let (code, out, err) = run(&data, args);
        assert_eq!(code, 0, "{args:?}: {err}");
        outputs.extend(out.into_bytes());
        outputs.extend(err.into_bytes());
    }
    assert!(
        String::from_utf8_lossy(&outputs).contains("corp/tool"),
        "the outputs include the git history's"
    );
    let found = addresses(outputs);
    assert!(found.is_empty(), "e-mail addresses in outputs: {found:?}");

    // The store's files while it is open (a reader holds it, so the WAL and SHM stay, with
    // the latest writes in the WAL), then once it is closed.
    let db = data.join("builtby.sqlite");
    let reader = rusqlite::Connection::open(&db).unwrap();
    let _: i64 = reader
        .query_row("SELECT count(*) FROM people", [], |r| r.get(0))
        .unwrap();
    ok(&data, &["optout", "add", top[3].as_str()]);
    ok(&data, &["search", "--json", "--text", "mail"]);
    let wal = data.join("builtby.sqlite-wal");
    let shm = data.join("builtby.sqlite-shm");
    assert!(
        std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0) > 0,
        "the WAL holds the latest writes"
    );
    assert!(shm.exists());
    let open = stored_text::StoredText::read(&data);
    assert!(open.contains("corp/tool"), "the check sees what was stored");
    let starts_with_at = values_starting_with_at(&reader);
    let leaked = |found: std::collections::HashSet<String>| -> Vec<String> {
        found
            .into_iter()
            .filter(|a| !across_values(a, &starts_with_at))
            .collect()
    };
    let found = leaked(open.addresses());
    assert!(
        found.is_empty(),
        "e-mail addresses in the open store: {found:?}"
    );
    drop(reader);
    let mut raw = std::fs::read(&db).unwrap();
    for f in [&wal, &shm] {
        if let Ok(b) = std::fs::read(f) {
            raw.extend(b);
        }
    }
    assert!(raw.len() > 1 << 20, "the database file was read");
    let found = leaked(addresses(raw));
    assert!(
        found.is_empty(),
        "e-mail addresses in the closed store: {found:?}"
    );
    for needle in ["corp.example", "uni.example", "users.noreply"] {
        assert!(
            !stored_text::StoredText::read(&data).contains(needle),
            "{needle} is stored"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
