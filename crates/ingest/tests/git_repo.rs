//! Git ingest on repositories made here with the git CLI: crediting, PR linking, suggestions,
//! incremental runs, and search by path and area.

use builtby_ingest::git::{ingest_repo, GitOutcome};
use builtby_model::{Actor, BotRules, Contribution, Kind, Record};
use builtby_search::{Catalog, Query};
use builtby_store::{InputFile, Store};
use std::path::{Path, PathBuf};
use std::process::Command;

#[path = "../../test-support/stored_text.rs"]
mod stored_text;

struct TempDir(PathBuf);
impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn temp(tag: &str) -> TempDir {
    let d = std::env::temp_dir().join(format!(
        "builtby-ingest-git-{tag}-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    ));
    std::fs::create_dir_all(&d).unwrap();
    TempDir(d)
}

fn git(dir: &Path, args: &[&str], env: &[(&str, &str)]) {
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
}

fn commit(dir: &Path, author: &str, date: &str, msg: &str, files: &[(&str, &str)]) {
    for (p, c) in files {
        let p = dir.join(p);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, c).unwrap();
    }
    git(dir, &["add", "-A"], &[]);
    let (name, email) = author.split_once(" <").unwrap();
    let email = email.trim_end_matches('>');
    git(
        dir,
        &["commit", "-q", "--allow-empty", "-m", msg],
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

fn gh(store: &mut Store, key: &str, kind: Kind, login: &str, number: Option<i64>) {
    let input = InputFile {
        source: builtby_model::Source::Github,
        path: PathBuf::from(key),
        size: 0,
        checksum: key.into(),
    };
    let mut load = store.begin().unwrap();
    // Keyed by what the work is, as every source keys it.
    let mut c = Contribution::new(
        builtby_model::keyed(kind, "o/r", number, None, key),
        kind,
        "o/r".into(),
        Actor {
            github_id: None,
            login: login.into(),
            is_bot_type: false,
        },
        1_717_200_000,
    );
    c.number = number;
    c.title = Some("Fix the thing".into());
    load.add(&Record::Contribution(Box::new(c))).unwrap();
    load.commit(
        &input,
        &builtby_model::ReadReport::new(builtby_model::Source::Github),
    )
    .unwrap();
}

fn search(store: &Store, f: impl FnOnce(&mut Query)) -> builtby_search::SearchResults {
    let mut q = Query {
        as_of: builtby_model::time::parse_date_or_time("2024-12-01").unwrap(),
        ..Default::default()
    };
    f(&mut q);
    builtby_search::search(store, &Catalog::shipped(), &BotRules::default(), &q).unwrap()
}

#[test]
fn commits_are_credited_linked_and_searchable_by_path_and_area() {
    let repo = temp("repo");
    let data = temp("data");
    let r = &repo.0;
    git(r, &["init", "-q", "-b", "main"], &[]);
    commit(
        r,
        "Ana B <7+ana@users.noreply.github.com>",
        "2024-03-01T10:00:00Z",
        "Add sharding (#10)",
        &[
            ("jax/_src/sharding.py", "a\nb\n"),
            ("tests/test_s.py", "x\n"),
        ],
    );
    commit(
        r,
        "Cyrus <cyrus@corp.example>",
        "2024-04-01T10:00:00Z",
        "Document it\n\nSigned-off-by: Cyrus <cyrus@corp.example>",
        &[("docs/sharding.md", "doc\n")],
    );
    commit(
        r,
        "Bo <bo@corp.example>",
        "2024-05-01T10:00:00Z",
        "Fix the thing (#11)\n\nCo-authored-by: Ana B <7+ana@users.noreply.github.com>\nReviewed-by: Dee <dee@corp.example>",
        &[("jax/_src/sharding.py", "a\nb\nc\n")],
    );
    // a feature branch merged with a merge commit
    git(r, &["checkout", "-q", "-b", "feature"], &[]);
    commit(
        r,
        "Eve <5+eve@users.noreply.github.com>",
        "2024-06-01T10:00:00Z",
        "Faster lax",
        &[("jax/_src/lax/lax.py", "fast\n")],
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
            "Merge pull request #12 from eve/feature",
        ],
        &[
            ("GIT_AUTHOR_DATE", "2024-06-02T10:00:00Z"),
            ("GIT_COMMITTER_DATE", "2024-06-02T10:00:00Z"),
            ("GIT_AUTHOR_NAME", "Maintainer"),
            ("GIT_AUTHOR_EMAIL", "m@corp.example"),
            ("GIT_COMMITTER_NAME", "Maintainer"),
            ("GIT_COMMITTER_EMAIL", "m@corp.example"),
        ],
    );

    let mut store = Store::open(&data.0).unwrap();
    // GH Archive knows PR #11 (merged, by bo-gh) and PR #12, and a person called `cyrus`.
    gh(&mut store, "gh-11", Kind::PrMerged, "bo-gh", Some(11));
    gh(&mut store, "gh-12", Kind::PrMerged, "eve", Some(12));
    gh(&mut store, "gh-c", Kind::IssueComment, "cyrus", Some(3));

    let rep = ingest_repo(&mut store, r, Some("o/r"), 2).unwrap();
    let GitOutcome::Loaded {
        commits, summary, ..
    } = &rep.outcome
    else {
        panic!("{rep:?}")
    };
    assert_eq!(*commits, 5, "four commits and a merge");
    assert_eq!(
        summary.linked_to_prs, 2,
        "#10's and #11's squash commits are parts of merged PRs (#10's merged by the history \
         itself: three of its four first-parent commits name a PR)"
    );

    let g = store.git_summary("o/r").unwrap();
    let kinds: std::collections::HashMap<Kind, i64> = g.by_kind.iter().copied().collect();
    assert_eq!(kinds[&Kind::Commit], 2, "cyrus, eve");
    assert_eq!(
        kinds[&Kind::PrCommit],
        2,
        "ana's commit counts with PR #10, bo's with PR #11"
    );
    assert_eq!(
        (g.merged_prs, g.merged_prs_by_git_accounts),
        (3, 1),
        "#10 from git (through ana's git account, hers by its noreply address); GH Archive's \
         #11 and #12 keep their authors"
    );
    assert_eq!(kinds[&Kind::CoAuthored], 1);
    assert_eq!(kinds[&Kind::CommitReview], 1);
    assert_eq!(g.commits_with_pr, 2);
    assert_eq!(
        g.git_identity_authors, 2,
        "Cyrus and Bo: one squash commit of bo-gh's PR is a vote, not a link"
    );
    assert_eq!(g.github_authors, 2, "ana and eve by noreply");
    let sugg = store.identity_suggestions(None, 10).unwrap();
    let cyrus = sugg
        .iter()
        .find(|s| s.name.as_deref() == Some("Cyrus"))
        .expect("Cyrus is suggested");
    assert_eq!(cyrus.person, "cyrus", "{sugg:?}");
    // the address's local part and the name both say `cyrus`: a suggestion either way
    assert!(
        matches!(
            cyrus.method,
            builtby_store::identity::Method::EmailLocalPart
                | builtby_store::identity::Method::NameIsLogin
        ),
        "{sugg:?}"
    );
    let bo = sugg
        .iter()
        .find(|s| s.name.as_deref() == Some("Bo"))
        .expect("Bo is suggested");
    assert_eq!(
        (bo.person.as_str(), bo.method),
        ("bo-gh", builtby_store::identity::Method::SquashPr),
        "{sugg:?}"
    );

    // Nothing anywhere holds an e-mail address: not the file, not its WAL (where these
    // writes still are, the store being open), not any value read through SQL.
    let stored = stored_text::StoredText::read(&data.0);
    assert!(
        stored.contains("jax/_src"),
        "the check sees what was stored"
    );
    for needle in ["corp.example", "noreply.github"] {
        assert!(
            !stored.contains(needle),
            "an e-mail address was stored: {needle}"
        );
    }
    assert_eq!(stored.addresses(), Default::default(), "no address at all");

    // --path: who worked in jax/_src/, with the area on every evidence line
    let res = search(&store, |q| q.paths = vec!["jax/_src/".into()]);
    let logins: Vec<&str> = res.results.iter().map(|r| r.login.as_str()).collect();
    for who in ["ana", "bo-gh", "eve"] {
        assert!(logins.contains(&who), "{who} missing from {logins:?}");
    }
    let names: Vec<&str> = res
        .results
        .iter()
        .filter_map(|r| r.name.as_deref())
        .collect();
    assert!(!names.contains(&"Cyrus"), "Cyrus only wrote docs");
    let dee = res
        .results
        .iter()
        .find(|r| r.name.as_deref() == Some("Dee"))
        .expect("the reviewer");
    assert!(dee.login.starts_with("git:") && dee.counts == vec![(Kind::CommitReview, 1)]);
    let bo = res.results.iter().find(|r| r.login == "bo-gh").unwrap();
    let pr = bo
        .evidence
        .iter()
        .find(|e| e.kind == Kind::PrMerged)
        .expect("the PR, with paths now");
    assert_eq!(pr.area.as_deref(), Some("jax/_src"));
    assert!(
        bo.counts.iter().all(|(k, _)| *k != Kind::Commit),
        "the PR's commit does not count again"
    );
    let ana = res.results.iter().find(|r| r.login == "ana").unwrap();
    assert!(
        ana.evidence.iter().all(|e| e.area.is_some()),
        "{:?}",
        ana.evidence
    );

    // --area: catalog-less repository, automatic areas
    let res = search(&store, |q| q.areas = vec!["docs".into()]);
    assert_eq!(res.results.len(), 1);
    assert_eq!(res.results[0].name.as_deref(), Some("Cyrus"));
    assert!(res.results[0].profile_url.is_none());
    let res = search(&store, |q| q.areas = vec!["jax/_src/lax".into()]);
    let eve = &res.results[0];
    assert!(
        eve.evidence
            .iter()
            .any(|e| e.kind == Kind::PrMerged && e.area.as_deref() == Some("jax/_src")),
        "PR #12 gets the merge's paths: {:?}",
        eve.evidence
    );
    assert_eq!(
        res.results
            .iter()
            .map(|r| r.login.as_str())
            .collect::<Vec<_>>(),
        vec!["eve"]
    );

    // person: areas per repository
    let p = builtby_search::person::person_report(
        &store,
        &Catalog::shipped(),
        &BotRules::default(),
        "ana",
        &Query::default(),
    )
    .unwrap()
    .unwrap();
    assert!(
        p.areas
            .iter()
            .any(|a| a.area == "jax/_src" && a.repo == "o/r"),
        "{:?}",
        p.areas
    );

    // incremental: no-op, then only the new commit
    let again = ingest_repo(&mut store, r, Some("o/r"), 2).unwrap();
    assert!(
        matches!(again.outcome, GitOutcome::UpToDate { .. }),
        "{again:?}"
    );
    commit(
        r,
        "Ana B <7+ana@users.noreply.github.com>",
        "2024-07-01T10:00:00Z",
        "More",
        &[("jax/_src/x.py", "1\n")],
    );
    let third = ingest_repo(&mut store, r, Some("o/r"), 2).unwrap();
    let GitOutcome::Loaded { commits, .. } = third.outcome else {
        panic!("{third:?}")
    };
    assert_eq!(commits, 1);
    // A history reset to a tip read before is read again (a new range), counting nothing twice.
    let before = store.stats().unwrap().contributions;
    git(r, &["reset", "-q", "--hard", "HEAD~1"], &[]);
    let back = ingest_repo(&mut store, r, Some("o/r"), 2).unwrap();
    assert!(
        matches!(back.outcome, GitOutcome::Loaded { .. }),
        "{back:?}"
    );
    assert_eq!(store.stats().unwrap().contributions, before);
}

#[test]
fn not_a_repository_is_reported_not_fatal() {
    let d = temp("none");
    let data = temp("data2");
    let mut store = Store::open(&data.0).unwrap();
    let rep = ingest_repo(&mut store, &d.0, Some("o/r"), 1).unwrap();
    let GitOutcome::Failed { error } = rep.outcome else {
        panic!("{rep:?}")
    };
    assert!(error.contains("not a git repository"), "{error}");
}

fn merge(dir: &Path, branch: &str, date: &str, msg: &str) {
    git(
        dir,
        &["merge", "-q", "--no-ff", branch, "-m", msg],
        &[
            ("GIT_AUTHOR_DATE", date),
            ("GIT_COMMITTER_DATE", date),
            ("GIT_AUTHOR_NAME", "Maintainer"),
            ("GIT_AUTHOR_EMAIL", "m@corp.example"),
            ("GIT_COMMITTER_NAME", "Maintainer"),
            ("GIT_COMMITTER_EMAIL", "m@corp.example"),
        ],
    );
}

/// A merged PR of o/r as stored: (the credited person's login, title, url, paths).
#[derive(Debug, PartialEq)]
struct StoredPr {
    login: String,
    title: String,
    url: String,
    paths: Vec<String>,
}

fn stored_prs(data: &Path) -> std::collections::BTreeMap<i64, StoredPr> {
    let db = rusqlite::Connection::open(data.join("builtby.sqlite")).unwrap();
    let mut st = db
        .prepare(
            "SELECT c.number, p.login, c.title, c.url,
                    (SELECT group_concat(path, ',') FROM (SELECT path FROM contribution_paths
                     WHERE contribution_id = c.id ORDER BY path))
             FROM contributions c JOIN people p ON p.id = c.person_id WHERE c.kind = 1",
        )
        .unwrap();
    let rows = st
        .query_map([], |r| {
            let paths: Option<String> = r.get(4)?;
            Ok((
                r.get::<_, i64>(0)?,
                StoredPr {
                    login: r.get(1)?,
                    title: r.get(2)?,
                    url: r.get(3)?,
                    paths: paths
                        .map(|p| p.split(',').map(str::to_string).collect())
                        .unwrap_or_default(),
                },
            ))
        })
        .unwrap();
    rows.collect::<rusqlite::Result<_>>().unwrap()
}

/// A git account's login by the name git gave it.
fn git_login(store: &Store, data: &Path, name: &str) -> String {
    let _ = store;
    let db = rusqlite::Connection::open(data.join("builtby.sqlite")).unwrap();
    db.query_row(
        "SELECT login FROM people WHERE name = ?1 AND login LIKE 'git:%'",
        [name],
        |r| r.get(0),
    )
    .unwrap()
}

/// The issue's "merged PRs from git histories": squash commits `(#N)` and `Merge pull
/// request #N` merges on the first-parent chain are the merges of PRs, with nothing from GitHub.
#[test]
fn merged_prs_from_the_history_alone_then_credited_to_github_authors() {
    let repo = temp("prs");
    let data = temp("prs-data");
    let r = &repo.0;
    git(r, &["init", "-q", "-b", "main"], &[]);
    commit(
        r,
        "Ana B <7+ana@users.noreply.github.com>",
        "2024-03-01T10:00:00Z",
        "Add sharding (#10)",
        &[("jax/_src/sharding.py", "a\nb\n")],
    );
    commit(
        r,
        "Bo <bo@corp.example>",
        "2024-04-01T10:00:00Z",
        "Fix the thing (#11)",
        &[("jax/_src/sharding.py", "a\nb\nc\n")],
    );
    // a PR branch with a commit of its own that names another PR: a branch commit, not a merge
    git(r, &["checkout", "-q", "-b", "feature"], &[]);
    commit(
        r,
        "Eve <5+eve@users.noreply.github.com>",
        "2024-05-01T10:00:00Z",
        "Port the fix (#11)",
        &[("docs/port.md", "x\n")],
    );
    commit(
        r,
        "Eve <5+eve@users.noreply.github.com>",
        "2024-05-02T10:00:00Z",
        "Faster lax",
        &[("jax/_src/lax/lax.py", "fast\n")],
    );
    git(r, &["checkout", "-q", "main"], &[]);
    merge(
        r,
        "feature",
        "2024-06-02T10:00:00Z",
        "Merge pull request #12 from eve/feature\n\nMake lax faster",
    );
    // #11 again on the main line (a cherry-pick): still one merged PR, merged by Bo's commit
    commit(
        r,
        "Cyrus <cyrus@corp.example>",
        "2024-06-10T10:00:00Z",
        "Fix the thing, again (#11)",
        &[("jax/_src/sharding.py", "a\n")],
    );

    let mut store = Store::open(&data.0).unwrap();
    let rep = ingest_repo(&mut store, r, Some("o/r"), 2).unwrap();
    let GitOutcome::Loaded { prs, summary, .. } = &rep.outcome else {
        panic!("{rep:?}")
    };
    assert_eq!(
        (
            prs.first_parent,
            prs.squash,
            prs.merges,
            prs.prs,
            prs.repeated
        ),
        (4, 3, 1, 3, 1),
        "{prs:?}"
    );
    assert!(prs.through_github);
    let bo = git_login(&store, &data.0, "Bo");
    let prs = stored_prs(&data.0);
    assert_eq!(prs.keys().copied().collect::<Vec<_>>(), vec![10, 11, 12]);
    assert_eq!(
        prs[&10],
        StoredPr {
            login: "ana".into(),
            title: "Add sharding".into(),
            url: "https://github.com/o/r/pull/10".into(),
            paths: vec!["jax/_src/sharding.py".into()],
        },
        "credited to the squash commit's author (ana by her noreply address)"
    );
    assert_eq!(prs[&11].login, bo, "the older commit merged #11");
    assert_eq!(
        prs[&12],
        StoredPr {
            login: "eve".into(),
            title: "Make lax faster".into(),
            url: "https://github.com/o/r/pull/12".into(),
            paths: vec!["docs/port.md".into(), "jax/_src/lax/lax.py".into()],
        },
        "credited to the branch head's author, with the merge's first-parent diff"
    );
    // The commits naming a PR are its commits: ana's, Bo's, Cyrus's cherry-pick and Eve's port
    assert_eq!(summary.linked_to_prs, 4);
    let g = store.git_summary("o/r").unwrap();
    let kinds: std::collections::HashMap<Kind, i64> = g.by_kind.iter().copied().collect();
    assert_eq!((kinds[&Kind::Commit], kinds[&Kind::PrCommit]), (1, 4));
    assert_eq!((g.merged_prs, g.merged_prs_by_git_accounts), (3, 3));

    // merged work counts, and the evidence is the PR's page
    let res = search(&store, |q| q.repos = vec!["o/r".into()]);
    let ana = res.results.iter().find(|r| r.login == "ana").unwrap();
    assert!(
        ana.counts.contains(&(Kind::PrMerged, 1)),
        "{:?}",
        ana.counts
    );
    assert!(ana.counts.iter().all(|(k, _)| *k != Kind::Commit));
    assert_eq!(ana.evidence[0].kind, Kind::PrMerged);
    assert_eq!(ana.evidence[0].url, "https://github.com/o/r/pull/10");
    assert!(
        ana.details.iter().any(|d| d.rule == "merged_work"),
        "{:?}",
        ana.details
    );

    // GH Archive tells who authored #11 on GitHub: the PR is theirs, and Bo's squash commit
    // votes for them
    gh(&mut store, "gh-11", Kind::PrMerged, "bo-gh", Some(11));
    let prs = stored_prs(&data.0);
    assert_eq!(prs[&11].login, "bo-gh");
    let sugg = store.identity_suggestions(None, 10).unwrap();
    assert!(
        sugg.iter().any(|s| s.account == bo
            && s.person == "bo-gh"
            && s.method == builtby_store::identity::Method::SquashPr),
        "{sugg:?}"
    );
    let g = store.git_summary("o/r").unwrap();
    assert_eq!((g.merged_prs, g.merged_prs_by_git_accounts), (3, 2));
}

/// A merge of a PR whose branch head an earlier run read (it was on the main line then): the
/// PR is still credited to that head's author.
#[test]
fn a_merged_branch_read_by_an_earlier_run() {
    let repo = temp("prs-inc");
    let data = temp("prs-inc-data");
    let r = &repo.0;
    git(r, &["init", "-q", "-b", "main"], &[]);
    commit(
        r,
        "Ana B <7+ana@users.noreply.github.com>",
        "2024-03-01T10:00:00Z",
        "Start",
        &[("a.py", "1\n")],
    );
    git(r, &["checkout", "-q", "-b", "feature"], &[]);
    commit(
        r,
        "Eve <5+eve@users.noreply.github.com>",
        "2024-03-02T10:00:00Z",
        "Faster",
        &[("b.py", "1\n")],
    );
    let mut store = Store::open(&data.0).unwrap();
    ingest_repo(&mut store, r, Some("o/r"), 1).unwrap();
    git(r, &["checkout", "-q", "main"], &[]);
    merge(
        r,
        "feature",
        "2024-03-03T10:00:00Z",
        "Merge pull request #3 from eve/feature",
    );
    let rep = ingest_repo(&mut store, r, Some("o/r"), 1).unwrap();
    let GitOutcome::Loaded { commits, .. } = &rep.outcome else {
        panic!("{rep:?}")
    };
    assert_eq!(*commits, 1, "only the merge is new");
    let prs = stored_prs(&data.0);
    assert_eq!(prs[&3].login, "eve");
    assert_eq!(prs[&3].title, "Merge pull request #3 from eve/feature");
    assert_eq!(prs[&3].paths, vec!["b.py".to_string()]);
}

/// Where few commits carry a PR number, `(#N)` is a reference, not a merge; a `Merge pull
/// request` merge is one anyway.
#[test]
fn a_history_that_does_not_merge_through_github() {
    let repo = temp("prs-ref");
    let data = temp("prs-ref-data");
    let r = &repo.0;
    git(r, &["init", "-q", "-b", "main"], &[]);
    for i in 0..6 {
        commit(
            r,
            "Cyrus <cyrus@corp.example>",
            &format!("2024-03-0{}T10:00:00Z", i + 1),
            &format!("Change {i}"),
            &[("a.py", &format!("{i}\n"))],
        );
    }
    commit(
        r,
        "Cyrus <cyrus@corp.example>",
        "2024-03-08T10:00:00Z",
        "Fix the crash reported in (#5)",
        &[("a.py", "x\n")],
    );
    let mut store = Store::open(&data.0).unwrap();
    let rep = ingest_repo(&mut store, r, Some("o/r"), 1).unwrap();
    let GitOutcome::Loaded { prs, .. } = &rep.outcome else {
        panic!("{rep:?}")
    };
    assert!(!prs.through_github, "{prs:?}");
    assert_eq!(prs.prs, 0);
    assert!(stored_prs(&data.0).is_empty());
    let g = store.git_summary("o/r").unwrap();
    let kinds: std::collections::HashMap<Kind, i64> = g.by_kind.iter().copied().collect();
    assert_eq!(kinds[&Kind::Commit], 7);
}
