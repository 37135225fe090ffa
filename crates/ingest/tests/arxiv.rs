//! arXiv into the store (`builtby_ingest::arxiv`): files (Atom, JSON lines), the export API
//! against a loopback fake (paging, a killed run resumed, the 3-second spacing seen through a
//! manual clock), and author ↔ person suggestions through a paper's code link.

#[path = "../../test-support/fake_github.rs"]
mod fake_github;
#[path = "../../test-support/shared_data.rs"]
mod shared_data;

use builtby_ingest::arxiv::{crawl, ingest_files, relink, CrawlPlan};
use builtby_ingest::FileOutcome;
use builtby_model::{Actor, Contribution, Kind, Profile, ReadReport, Record, Source};
use builtby_sources::arxiv::client::{Client, Clock, Config, ManualClock, MIN_SPACING};
use builtby_store::{InputFile, Store};
use fake_github::{serve, Reply};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

fn temp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("builtby-arxiv-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn entry(id: &str, day: &str, authors: &[&str], summary: &str) -> String {
    let authors: String = authors
        .iter()
        .map(|a| format!("<author><name>{a}</name></author>"))
        .collect();
    format!(
        r#"<entry>
    <id>http://arxiv.org/abs/{id}v1</id>
    <title>Paper {id}</title>
    <updated>{day}T10:00:00Z</updated>
    <published>{day}T10:00:00Z</published>
    <summary>{summary}</summary>
    <category term="cs.LG" scheme="http://arxiv.org/schemas/atom"/>
    <arxiv:primary_category term="cs.LG"/>
    {authors}
  </entry>"#
    )
}

fn feed(total: usize, start: usize, entries: &[String]) -> String {
    format!(
        r#"<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns="http://www.w3.org/2005/Atom">
  <id>https://arxiv.org/api/x</id>
  <title>arXiv Query</title>
  <updated>2026-01-01T00:00:00Z</updated>
  <opensearch:itemsPerPage>2</opensearch:itemsPerPage>
  <opensearch:totalResults>{total}</opensearch:totalResults>
  <opensearch:startIndex>{start}</opensearch:startIndex>
  {}
</feed>"#,
        entries.join("\n")
    )
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn files_load_once_with_bad_entries_named() {
    let dir = temp("files");
    let mut store = Store::open(&dir.join("data")).unwrap();
    let atom = write(
        &dir,
        "page.atom.xml",
        &feed(
            3,
            0,
            &[
                entry(
                    "2401.00001",
                    "2024-01-01",
                    &["Ana Bell", "Bo Chen"],
                    "We do it.",
                ),
                entry("2401.00002", "2024-01-01", &["Ana Bell"], "Again."),
                entry("2401.00003", "2024-01-01", &[], "No authors."),
            ],
        ),
    );
    let jsonl = write(
        &dir,
        "snapshot.json",
        &[
            r#"{"id":"2401.00004","title":"T4","authors":"Cy Dee","categories":"cs.AI cs.LG","abstract":"x","versions":[{"version":"v1","created":"Tue, 2 Jan 2024 10:00:00 GMT"}]}"#,
            "not json",
            r#"{"id":"2401.00001","title":"Paper 2401.00001","authors_parsed":[["Bell","Ana",""],["Chen","Bo",""]],"categories":"cs.LG","abstract":"We do it.","versions":[{"version":"v1","created":"Mon, 1 Jan 2024 10:00:00 GMT"}]}"#,
        ]
        .join("\n"),
    );
    let files = vec![atom.clone(), jsonl.clone()];
    let r = ingest_files(&mut store, &files, &|_| {}).unwrap();
    let reports: Vec<&ReadReport> = r
        .report
        .files
        .iter()
        .map(|f| match &f.outcome {
            FileOutcome::Loaded { report, .. } => report,
            other => panic!("{}: {other:?}", f.path.display()),
        })
        .collect();
    assert_eq!(reports[0].read, 3);
    assert_eq!(reports[0].by_kind["paper"], 3);
    assert_eq!(
        reports[0].messages,
        ["entry 3 (2401.00003v1): author: no author with a name"]
    );
    assert_eq!(reports[1].read, 3);
    assert_eq!(reports[1].skipped["bad line"], 1);
    assert!(reports[1].messages[0].starts_with("line 2: (line): not JSON"));
    // the snapshot's copy of 2401.00001 is the same two rows
    assert_eq!(store.count_kind(Kind::Paper).unwrap(), 4);
    assert!(r.report.all_complete());

    // a re-run changes nothing
    let again = ingest_files(&mut store, &files, &|_| {}).unwrap();
    assert!(again
        .report
        .files
        .iter()
        .all(|f| f.outcome == FileOutcome::AlreadyLoaded));
    assert_eq!(store.count_kind(Kind::Paper).unwrap(), 4);

    // what is not a feed fails that file alone
    let html = write(&dir, "err.xml", "<html>503</html>");
    let r = ingest_files(&mut store, &[html], &|_| {}).unwrap();
    assert!(
        matches!(&r.report.files[0].outcome, FileOutcome::Failed { error } if error.contains("not an Atom feed"))
    );
}

/// The fake export API: window 2024-01-01 holds three papers (two pages of two), window
/// 2024-01-02 none. While `fail` is set, the second page answers 500.
fn fake_api(fail: Arc<AtomicBool>) -> fake_github::Fake {
    serve(Arc::new(move |path: &str, _n: usize, _: Option<&str>| {
        let param = |k: &str| {
            path.split(['?', '&'])
                .find_map(|kv| kv.strip_prefix(&format!("{k}=")))
                .unwrap_or("")
                .to_string()
        };
        assert!(path.starts_with("/api/query?search_query=cat:cs.LG+AND+submittedDate:["));
        assert_eq!(param("max_results"), "2");
        assert_eq!(param("sortBy"), "submittedDate");
        let start: usize = param("start").parse().unwrap();
        let body = if path.contains("[202401010000+TO+202401012359]") {
            let all = [
                entry("2401.00001", "2024-01-01", &["Ana Bell"], "One."),
                entry("2401.00002", "2024-01-01", &["Bo Chen"], "Two."),
                entry(
                    "2401.00003",
                    "2024-01-01",
                    &["Cy Dee", "Ana Bell"],
                    "Three.",
                ),
            ];
            if start == 2 && fail.load(Ordering::SeqCst) {
                return Reply {
                    status: 500,
                    headers: vec![],
                    body: "down".into(),
                    delay: Duration::ZERO,
                };
            }
            let page: Vec<String> = all.iter().skip(start).take(2).cloned().collect();
            feed(3, start, &page)
        } else {
            feed(0, start, &[])
        };
        Reply {
            status: 200,
            headers: vec![("Content-Type".into(), "application/atom+xml".into())],
            body,
            delay: Duration::ZERO,
        }
    }))
}

fn client(url: &str, clock: Arc<ManualClock>) -> Client {
    Client::new(
        Config {
            api_url: format!("{url}/api/query"),
            page_size: 2,
            timeout: Duration::from_secs(5),
            max_retries: 1,
            backoff: Duration::from_secs(5),
            ..Config::default()
        },
        clock,
    )
    .unwrap()
    .with_progress(|_| {})
}

fn assert_spaced(c: &Client) {
    let sent = c.sent_at();
    for pair in sent.windows(2) {
        assert!(
            pair[1] - pair[0] >= MIN_SPACING,
            "requests {:?} apart: {sent:?}",
            pair[1] - pair[0]
        );
    }
}

#[test]
fn the_export_api_is_paged_spaced_and_resumed() {
    let dir = temp("api");
    let mut store = Store::open(&dir.join("data")).unwrap();
    let fail = Arc::new(AtomicBool::new(true));
    let fake = fake_api(fail.clone());
    let plan = CrawlPlan {
        categories: vec!["cs.LG".into()],
        from: "2024-01-01".parse().unwrap(),
        to: "2024-01-02".parse().unwrap(),
        window_days: 1,
        today: "2024-06-01".parse().unwrap(),
    };
    let first_page = "start=0&max_results=2";

    // Run 1 is cut at the second page (500, retried once, then given up): the first page
    // stays loaded, with its cursor.
    let clock = Arc::new(ManualClock::default());
    let c = client(&fake.url, clock.clone());
    let r = crawl(&mut store, &c, &plan, &|_| {}).unwrap();
    assert!(r.error.as_deref().unwrap().contains("HTTP 500"), "{r:?}");
    assert_eq!((r.pages_loaded, r.papers, r.requests), (1, 2, 3));
    assert_eq!(store.count_kind(Kind::Paper).unwrap(), 2);
    let cur = store
        .arxiv_cursor("cs.LG", "2024-01-01..2024-01-01")
        .unwrap()
        .unwrap();
    assert_eq!((cur.next_start, cur.done), (2, false));
    assert_spaced(&c);
    // the client asked the clock for each wait: the spacing, then the retry's backoff
    assert_eq!(
        clock.sleeps(),
        [MIN_SPACING, Duration::from_secs(5)],
        "3 s before the second request; the retry waits its backoff, already over 3 s"
    );

    // Run 2 resumes at the second page: the first is not asked again.
    fail.store(false, Ordering::SeqCst);
    let before: usize = fake
        .counts
        .lock()
        .unwrap()
        .iter()
        .filter(|(p, _)| p.contains(first_page) && p.contains("202401010000"))
        .map(|(_, n)| *n)
        .sum();
    assert_eq!(before, 1);
    let clock = Arc::new(ManualClock::default());
    let c = client(&fake.url, clock.clone());
    let r = crawl(&mut store, &c, &plan, &|_| {}).unwrap();
    assert_eq!(r.error, None);
    assert_eq!((r.pages_loaded, r.windows_read, r.requests), (1, 2, 2));
    assert_eq!(
        store.count_kind(Kind::Paper).unwrap(),
        4,
        "three papers, four authors"
    );
    let after: usize = fake
        .counts
        .lock()
        .unwrap()
        .iter()
        .filter(|(p, _)| p.contains(first_page) && p.contains("202401010000"))
        .map(|(_, n)| *n)
        .sum();
    assert_eq!(after, 1, "the loaded page is not fetched again");
    assert_spaced(&c);
    assert_eq!(clock.sleeps(), [MIN_SPACING]);
    assert!(clock.now() >= MIN_SPACING);
    for w in ["2024-01-01..2024-01-01", "2024-01-02..2024-01-02"] {
        assert!(store.arxiv_cursor("cs.LG", w).unwrap().unwrap().done, "{w}");
    }

    // Run 3: every window is done, nothing is asked.
    let total = fake.total();
    let c = client(&fake.url, Arc::new(ManualClock::default()));
    let r = crawl(&mut store, &c, &plan, &|_| {}).unwrap();
    assert_eq!((r.windows_already_done, r.requests), (2, 0));
    assert_eq!(fake.total(), total);

    // A recent window is read to its end but not marked done: it may still gain papers.
    let recent = CrawlPlan {
        today: "2024-01-03".parse().unwrap(),
        categories: vec!["cs.LG".into()],
        from: "2024-01-03".parse().unwrap(),
        to: "2024-01-03".parse().unwrap(),
        window_days: 1,
    };
    let c = client(&fake.url, Arc::new(ManualClock::default()));
    crawl(&mut store, &c, &recent, &|_| {}).unwrap();
    let cur = store
        .arxiv_cursor("cs.LG", "2024-01-03..2024-01-03")
        .unwrap()
        .unwrap();
    assert_eq!((cur.next_start, cur.done), (0, false));
}

fn git(hash: &str) -> Actor {
    Actor {
        github_id: None,
        login: format!("git:{hash}"),
        is_bot_type: false,
    }
}

/// o/r's history: Ana Bell (one git identity), Bo Chen (two identities, two people), Cy Dee
/// (a GitHub account with that profile name, a merged PR), Eve Fox (a git identity).
fn load_repo(store: &mut Store) {
    let mut b = store.begin().unwrap();
    let mut add = |key: &str, kind: Kind, a: Actor, name: &str| {
        let mut c = Contribution::new(key.into(), kind, "o/r".into(), a, 1_700_000_000);
        c.title = Some(key.into());
        c.profile = Some(Profile {
            name: Some(name.into()),
            ..Default::default()
        });
        b.add(&Record::Contribution(Box::new(c))).unwrap();
    };
    add("commit/o/r@a1", Kind::Commit, git("aaa"), "Ana Bell");
    add("commit/o/r@b1", Kind::Commit, git("bb1"), "Bo Chen");
    add("commit/o/r@b2", Kind::Commit, git("bb2"), "Bo  chen");
    add("commit/o/r@e1", Kind::Commit, git("eee"), "Eve Fox");
    add(
        "pr_merged/o/r#1",
        Kind::PrMerged,
        Actor {
            github_id: Some(3),
            login: "cy".into(),
            is_bot_type: false,
        },
        "Cy Dée",
    );
    b.commit(
        &InputFile {
            source: Source::Git,
            path: "o/r".into(),
            size: 0,
            checksum: "o/r".into(),
        },
        &ReadReport::new(Source::Git),
    )
    .unwrap();
}

#[test]
fn a_paper_linking_a_repository_suggests_its_people_by_name() {
    let dir = temp("links");
    let mut store = Store::open(&dir.join("data")).unwrap();
    load_repo(&mut store);
    let f = write(
        &dir,
        "p.atom.xml",
        &feed(
            2,
            0,
            &[
                entry(
                    "2401.00009",
                    "2024-01-09",
                    &["Ana Bell", "Bo Chen", "Cy Dee", "Dan Eve"],
                    "We release code at https://github.com/O/R.",
                ),
                // the same name, no link: nothing
                entry("2401.00010", "2024-01-10", &["Eve Fox"], "No code."),
            ],
        ),
    );
    let r = ingest_files(&mut store, &[f], &|_| {}).unwrap();
    assert_eq!(r.suggestions, 4);
    let mut got: Vec<(String, String, f64, String)> = store
        .identity_suggestions(None, 50)
        .unwrap()
        .into_iter()
        .map(|s| {
            (
                s.account,
                s.person,
                (s.confidence * 100.0).round() / 100.0,
                s.method.as_str().to_string(),
            )
        })
        .collect();
    got.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
    assert_eq!(
        got,
        [
            (
                "arxiv:ana-bell".into(),
                "git:aaa".into(),
                0.6,
                "paper_code".into()
            ),
            (
                "arxiv:bo-chen".into(),
                "git:bb1".into(),
                0.15,
                "paper_code".into()
            ),
            (
                "arxiv:bo-chen".into(),
                "git:bb2".into(),
                0.15,
                "paper_code".into()
            ),
            ("arxiv:cy-dee".into(), "cy".into(), 0.6, "paper_code".into()),
        ]
    );
    let s = store.identity_suggestions(None, 50).unwrap();
    let ana = s.iter().find(|s| s.account == "arxiv:ana-bell").unwrap();
    assert_eq!(
        ana.evidence,
        [
            "https://arxiv.org/abs/2401.00009 links https://github.com/O/R",
            "Ana Bell (arXiv) and Ana Bell (git identity git:aaa) in O/R"
        ]
    );
    let bo = s.iter().find(|s| s.account == "arxiv:bo-chen").unwrap();
    assert!(bo.evidence[2].contains("2 people of O/R have this name: not unique"));
    // suggestions only: every arXiv account is still a person of its own
    for a in ["arxiv:ana-bell", "arxiv:bo-chen", "arxiv:cy-dee"] {
        let v = store.identity(a).unwrap().unwrap();
        assert_eq!(v.person, a);
        assert_eq!(v.accounts.len(), 1, "{a}: not linked");
    }
    assert_eq!(
        store.identity("git:aaa").unwrap().unwrap().accounts.len(),
        1
    );

    // a person accepts one: the arXiv account joins git:aaa's person, logged
    store
        .identity_link("arxiv:ana-bell", "git:aaa", "test", "her paper's code")
        .unwrap();
    let v = store.identity("git:aaa").unwrap().unwrap();
    let keys: Vec<&str> = v.accounts.iter().map(|a| a.key.as_str()).collect();
    assert_eq!(keys, ["git:aaa", "arxiv:ana-bell"]);
    let log = store.identity_log(1).unwrap();
    assert_eq!(
        (log[0].action.as_str(), log[0].account.as_str()),
        ("link", "arxiv:ana-bell")
    );
    // and the next ingest leaves the decision as it is
    assert_eq!(relink(&mut store).unwrap(), 0);
    assert_eq!(
        store.identity("git:aaa").unwrap().unwrap().accounts.len(),
        2
    );
}

#[test]
fn papers_loaded_before_their_repository_are_linked_later() {
    let dir = temp("relink");
    let mut store = Store::open(&dir.join("data")).unwrap();
    let f = write(
        &dir,
        "p.atom.xml",
        &feed(
            1,
            0,
            &[entry(
                "2401.00009",
                "2024-01-09",
                &["Ana Bell", "Dan Eve"],
                "Code: https://github.com/o/r",
            )],
        ),
    );
    let r = ingest_files(&mut store, &[f], &|_| {}).unwrap();
    assert_eq!(r.suggestions, 0, "o/r is not in the store yet");
    assert_eq!(relink(&mut store).unwrap(), 0);
    load_repo(&mut store);
    assert_eq!(relink(&mut store).unwrap(), 1);
    let s = store.identity_suggestions(None, 50).unwrap();
    assert_eq!(s.len(), 1);
    assert_eq!(
        (s[0].account.as_str(), s[0].person.as_str()),
        ("arxiv:ana-bell", "git:aaa")
    );
    assert_eq!(
        s[0].evidence[0],
        "https://arxiv.org/abs/2401.00009 links https://github.com/o/r"
    );
    // nothing new: nothing written
    assert_eq!(relink(&mut store).unwrap(), 0);
    // a rejected suggestion is not made again
    store
        .identity_reject("arxiv:ana-bell", "git:aaa", "test", "not her")
        .unwrap();
    assert_eq!(relink(&mut store).unwrap(), 0);
}

#[test]
fn a_snapshot_is_loaded_in_parts_and_a_cut_run_skips_the_loaded_ones() {
    use builtby_ingest::arxiv::LINES_PER_BATCH;
    let dir = temp("parts");
    let mut store = Store::open(&dir.join("data")).unwrap();
    let n = LINES_PER_BATCH + 1;
    let text: String = (0..n)
        .map(|i| {
            format!(
                "{{\"id\":\"2401.{i:05}\",\"title\":\"T{i}\",\"authors\":\"Ana Bell\",\"categories\":\"cs.LG\",\"abstract\":\"x\",\"update_date\":\"2024-01-02\"}}\n"
            )
        })
        .collect();
    let f = write(&dir, "snap.jsonl", &text);
    let r = ingest_files(&mut store, std::slice::from_ref(&f), &|_| {}).unwrap();
    match &r.report.files[0].outcome {
        FileOutcome::Loaded { summary, report } => {
            assert_eq!(report.read, n as u64);
            assert_eq!(report.by_kind["paper"], n as u64);
            assert_eq!(summary.new_contributions, n as u64);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(store.count_kind(Kind::Paper).unwrap(), n as i64);
    // a run killed before its last part: the file is not in the log, its first part is
    drop(store);
    let db = rusqlite::Connection::open(dir.join("data/builtby.sqlite")).unwrap();
    let parts: Vec<String> = db
        .prepare("SELECT checksum FROM files ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(parts.len(), 2);
    assert!(parts[0].ends_with(":part1") && parts[1] == parts[0].trim_end_matches(":part1"));
    db.execute("DELETE FROM files WHERE checksum = ?1", [&parts[1]])
        .unwrap();
    drop(db);
    let mut store = Store::open(&dir.join("data")).unwrap();
    let r = ingest_files(&mut store, std::slice::from_ref(&f), &|_| {}).unwrap();
    match &r.report.files[0].outcome {
        FileOutcome::Loaded { summary, .. } => {
            assert_eq!(
                (summary.new_contributions, summary.duplicates),
                (0, 1),
                "part 1 skipped, the last part loaded again"
            );
        }
        other => panic!("{other:?}"),
    }
    let r = ingest_files(&mut store, &[f], &|_| {}).unwrap();
    assert_eq!(r.report.files[0].outcome, FileOutcome::AlreadyLoaded);
}
