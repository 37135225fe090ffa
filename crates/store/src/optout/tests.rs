use super::*;
use crate::identity::tests::assert_consistent;
use crate::identity::Method;
use crate::{AuditQuery, InputFile, LoadSummary};
use builtby_model::{Contribution, Kind, Pointer, Profile, ReadReport, Record, Source};

fn temp_store(name: &str) -> Store {
    let dir = std::env::temp_dir().join(format!("builtby-optout-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    Store::open(&dir).unwrap()
}

fn gh(id: i64, login: &str) -> Actor {
    Actor {
        github_id: Some(id),
        login: login.into(),
        is_bot_type: false,
    }
}

fn git(hash: &str) -> Actor {
    Actor {
        github_id: None,
        login: format!("git:{hash}"),
        is_bot_type: false,
    }
}

const DAY: i64 = 86_400;

fn work(key: &str, kind: Kind, a: &Actor, at: i64) -> Contribution {
    let mut c = Contribution::new(key.into(), kind, "o/r".into(), a.clone(), at);
    c.title = Some(format!("work {key}"));
    c.body = Some(format!("body of {key}"));
    c.number = Some(at / DAY);
    c
}

fn rec(c: Contribution) -> Record {
    Record::Contribution(Box::new(c))
}

fn load(s: &mut Store, name: &str, f: impl FnOnce(&mut crate::Batch)) -> LoadSummary {
    let mut b = s.begin().unwrap();
    f(&mut b);
    b.commit(
        &InputFile {
            source: Source::Git,
            path: name.into(),
            size: 0,
            checksum: format!("sum-{name}"),
        },
        &ReadReport::new(Source::Git),
    )
    .unwrap()
}

/// zqana (a GitHub account with a profile, a merged PR merged by zqbo, a review, a pointer)
/// and her git identity (two merged branches: linked automatically, with three commits);
/// zqbo (a merged PR that zqana merged, a review).
fn records() -> Vec<Record> {
    let ana = gh(101, "zqana");
    let bo = gh(102, "zqbo");
    let mut pr = work("pr_merged/o/r#10", Kind::PrMerged, &ana, 10 * DAY);
    pr.merged_by = Some(bo.clone());
    pr.profile = Some(Profile {
        name: Some("Zq Ana Name".into()),
        location: Some("Zqtown".into()),
        company: Some("ZqCorp".into()),
        blog: Some("https://zqana.example/blog".into()),
    });
    let mut bo_pr = work("pr_merged/o/r#11", Kind::PrMerged, &bo, 11 * DAY);
    bo_pr.merged_by = Some(ana.clone());
    let mut out = vec![
        rec(pr),
        rec(work("review/o/r/1", Kind::Review, &ana, 12 * DAY)),
        rec(bo_pr),
        rec(work("review/o/r/2", Kind::Review, &bo, 13 * DAY)),
        Record::Pointer(Pointer {
            key: "pointer/o/r#30".into(),
            repo: "o/r".into(),
            number: Some(30),
            what: "pr".into(),
            actor: Some(ana.clone()),
            at: 14 * DAY,
        }),
    ];
    for i in 0..3 {
        let mut c = work(
            &format!("commit/o/r@a{i}"),
            Kind::Commit,
            &git("aaaa1111"),
            (20 + i) * DAY,
        );
        c.profile = Some(Profile {
            name: Some("Zq Ana Git".into()),
            ..Default::default()
        });
        out.push(rec(c));
    }
    out
}

fn load_all(s: &mut Store, name: &str) -> LoadSummary {
    let recs = records();
    load(s, name, |b| {
        for r in &recs {
            b.add(r).unwrap();
        }
        for n in [1, 2] {
            b.vote(
                "git:aaaa1111",
                "zqana",
                Method::MergeBranch,
                &format!("https://github.com/o/r/pull/{n}"),
            );
        }
    })
}

fn id_of(s: &Store, login: &str) -> Option<i64> {
    s.conn
        .query_row(
            "SELECT id FROM people WHERE login = ?1 COLLATE NOCASE",
            [login],
            |r| r.get(0),
        )
        .optional()
        .unwrap()
}

fn logins_counted(s: &Store) -> Vec<String> {
    let mut out = Vec::new();
    s.each_count(|login, _, _, _, _| out.push(login.to_string()))
        .unwrap();
    out.dedup();
    out
}

/// Every text value of every table, and the raw file with its WAL.
fn everything(s: &Store) -> String {
    let mut out = String::new();
    let tables: Vec<String> = s
        .conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    for t in tables {
        let mut st = s.conn.prepare(&format!("SELECT * FROM \"{t}\"")).unwrap();
        let n = st.column_count();
        let mut rows = st.query([]).unwrap();
        while let Some(r) = rows.next().unwrap() {
            for i in 0..n {
                use rusqlite::types::ValueRef;
                if let ValueRef::Text(b) | ValueRef::Blob(b) = r.get_ref(i).unwrap() {
                    out.push_str(&String::from_utf8_lossy(b));
                    out.push('\n');
                }
            }
        }
    }
    out.to_ascii_lowercase()
}

#[test]
fn accounts_are_named_the_ways_people_name_them() {
    for (given, want) in [
        ("Ana", "ana"),
        ("@Ana", "ana"),
        ("https://github.com/Ana/", "ana"),
        ("github.com/ana?tab=repositories", "ana"),
        ("hf:Julien-C", "hf:julien-c"),
        ("https://huggingface.co/julien-c", "hf:julien-c"),
        ("kaggle:Someone", "kaggle:someone"),
        ("https://www.kaggle.com/someone", "kaggle:someone"),
        ("git:ab12", "git:ab12"),
    ] {
        assert_eq!(canonical_account(given).as_deref(), Ok(want), "{given}");
    }
    for bad in ["", "ana@example.com", "x:y", "a b", "hf:"] {
        let e = canonical_account(bad).unwrap_err();
        assert!(
            !e.contains("example.com"),
            "the address is not repeated: {e}"
        );
    }
}

#[test]
fn an_opt_out_hides_the_person_and_their_linked_accounts_everywhere() {
    let mut s = temp_store("hide");
    load_all(&mut s, "one");
    let ana = id_of(&s, "zqana").unwrap();
    let git_row = id_of(&s, "git:aaaa1111").unwrap();
    // linked by the two votes: the git identity is a member of zqana
    assert_eq!(s.person_by_login("git:aaaa1111").unwrap(), Some(ana));
    assert!(logins_counted(&s).contains(&"zqana".to_string()));

    let sum = s
        .optout_add(
            "https://github.com/ZqAna",
            Some("asked on 2026-01-02"),
            "alice",
        )
        .unwrap();
    assert!(!sum.already);
    assert_eq!((sum.people, sum.accounts), (1, 2));
    assert_eq!(
        s.suppressed_people(&[ana, git_row, id_of(&s, "zqbo").unwrap()])
            .unwrap(),
        HashSet::from([ana, git_row])
    );
    assert!(s.is_suppressed("zqana").unwrap());
    assert!(s.is_suppressed("git:aaaa1111").unwrap());
    assert!(!s.is_suppressed("zqbo").unwrap());
    assert!(
        s.people(&[ana, git_row]).unwrap().is_empty(),
        "never returned"
    );
    assert_eq!(logins_counted(&s), vec!["zqbo".to_string()], "not exported");
    assert!(s.identity("zqana").unwrap().is_none());
    assert!(s.identity("git:aaaa1111").unwrap().is_none());
    assert!(
        s.identity_log(100).unwrap().is_empty(),
        "its link is not shown"
    );
    // The list has hashes only: the login, the git key, the GitHub id.
    let list = s.optouts().unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].hash, sum.hash);
    assert_eq!(list[0].linked, 2, "{list:?}");
    let optouts: String = s
        .conn
        .prepare("SELECT hash || coalesce(via, '') || by || coalesce(reason, '') FROM optouts")
        .unwrap()
        .query_map([], |r| r.get::<_, String>(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    assert!(!optouts.to_lowercase().contains("zqana"), "{optouts}");
    assert!(!optouts.contains("aaaa1111"), "{optouts}");
    // Again: nothing changes.
    assert!(s.optout_add("zqana", None, "alice").unwrap().already);

    // The same records again (another input), a rename, and new work of the linked account:
    // nothing of theirs is stored; zqbo's PR keeps no merger.
    let before: i64 = s
        .conn
        .query_row("SELECT count(*) FROM contributions", [], |r| r.get(0))
        .unwrap();
    let again = load_all(&mut s, "two");
    assert_eq!(again.suppressed, 6, "{again:?}");
    let renamed = load(&mut s, "three", |b| {
        b.add(&rec(work(
            "review/o/r/9",
            Kind::Review,
            &gh(101, "zqana-new"),
            30 * DAY,
        )))
        .unwrap();
        b.add(&rec(work(
            "commit/o/r@a9",
            Kind::Commit,
            &git("aaaa1111"),
            31 * DAY,
        )))
        .unwrap();
        b.add(&Record::Seen {
            account: gh(101, "zqana-new"),
            at: 32 * DAY,
        })
        .unwrap();
    });
    assert_eq!(renamed.suppressed, 2);
    let after: i64 = s
        .conn
        .query_row("SELECT count(*) FROM contributions", [], |r| r.get(0))
        .unwrap();
    assert_eq!(after, before);
    assert!(
        !everything(&s).contains("zqana-new"),
        "the new login is not stored"
    );
    assert_consistent(&s);

    // The audit log names the person by hash only.
    let log = s
        .audit_log(&AuditQuery {
            action: Some("optout".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(log.len(), 2);
    assert_eq!(log[0].what["person"], sum.hash);
    assert_eq!((log[0].actor.as_str(), log[0].people), ("alice", 1));
    assert!(!log[0].what.to_string().contains("zqana"));
}

#[test]
fn a_fresh_store_with_the_list_stores_nothing_of_them() {
    let mut s = temp_store("fresh");
    let sum = s.optout_add("zqana", None, "alice").unwrap();
    assert_eq!((sum.people, sum.accounts), (0, 0));
    let first = load_all(&mut s, "one");
    // zqana's PR, review and pointer: her git identity is not known to be hers (votes for
    // an opted-out login are dropped)
    assert_eq!(first.suppressed, 3, "{first:?}");
    // a git identity proven to be hers (a noreply address) is suppressed with her
    let proven = load(&mut s, "two", |b| {
        b.prove_link(
            &git("cccc3333"),
            &gh(101, "zqana"),
            40 * DAY,
            Method::Noreply,
            "a noreply address",
        )
        .unwrap();
        b.add(&rec(work(
            "commit/o/r@c0",
            Kind::Commit,
            &git("cccc3333"),
            41 * DAY,
        )))
        .unwrap();
        b.hint("git:bbbb2222", "zqana", "the e-mail's local part");
    });
    assert_eq!(proven.suppressed, 1);
    assert!(s.is_suppressed("git:cccc3333").unwrap());
    assert!(
        id_of(&s, "zqana").is_none(),
        "no row for the opted-out login"
    );
    assert!(id_of(&s, "git:cccc3333").is_none());
    let bo_pr: Option<i64> = s
        .conn
        .query_row(
            "SELECT merged_by FROM contributions WHERE key = 'pr_merged/o/r#11'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(bo_pr, None, "zqbo's PR is stored without its merger");
    let all = everything(&s);
    assert!(!all.contains("zqana"), "nothing names the login");
    assert!(!all.contains("zq ana name"), "nor her profile");
    assert!(!all.contains("cccc3333"), "nor the proven identity");
    // the unproven git identity stays someone of its own, with no mention of her
    let git_row = id_of(&s, "git:aaaa1111").unwrap();
    assert!(s.likely_logins(&[git_row]).unwrap().is_empty());
    assert_consistent(&s);
}

#[test]
fn removing_an_opt_out_shows_them_again_and_is_logged() {
    let mut s = temp_store("remove");
    load_all(&mut s, "one");
    let ana = id_of(&s, "zqana").unwrap();
    s.optout_add("zqana", None, "alice").unwrap();
    // a linked account's opt-out is the person's
    assert!(s.optout_remove("git:aaaa1111", "bob").unwrap());
    assert!(
        !s.optout_remove("zqana", "bob").unwrap(),
        "not listed any more"
    );
    assert!(s.suppressed_people(&[ana]).unwrap().is_empty());
    assert_eq!(s.people(&[ana]).unwrap().len(), 1);
    assert!(s.optouts().unwrap().is_empty());
    let log = s
        .audit_log(&AuditQuery {
            action: Some("optout.remove".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(
        (log.len(), log[0].actor.as_str(), log[0].people),
        (1, "bob", 1)
    );
    assert_consistent(&s);
}

#[test]
fn erasure_deletes_their_data_and_keeps_every_derived_table_consistent() {
    let mut s = temp_store("erase");
    load_all(&mut s, "one");
    s.conn
        .execute(
            "INSERT INTO http_cache(url, body, fetched_at) VALUES ('https://api.github.com/users/zqana', CAST('{\"login\":\"zqana\"}' AS BLOB), 0),
             ('https://api.github.com/repos/o/r/pulls', CAST('[{\"user\":{\"login\":\"zqbo\"}}]' AS BLOB), 0)",
            [],
        )
        .unwrap();
    let bo = id_of(&s, "zqbo").unwrap();
    let contributors = |s: &Store| -> i64 {
        s.conn
            .query_row(
                "SELECT contributors FROM repos WHERE name = 'o/r'",
                [],
                |r| r.get(0),
            )
            .unwrap()
    };
    assert_eq!(contributors(&s), 2);
    let sum = s.erase("zqana", "alice").unwrap();
    assert_eq!(
        (sum.people, sum.accounts, sum.contributions),
        (1, 2, 5),
        "{sum:?}"
    );
    assert_consistent(&s);
    assert_eq!(contributors(&s), 1, "breadth recounted");
    let all = everything(&s);
    for gone in [
        "zqana",
        "zq ana",
        "zqtown",
        "zqcorp",
        "aaaa1111",
        "work pr_merged/o/r#10",
    ] {
        assert!(!all.contains(gone), "{gone} is still stored");
    }
    assert!(all.contains("zqbo"), "others stay");
    let fts: i64 = s
        .conn
        .query_row(
            "SELECT count(*) FROM contributions_fts WHERE contributions_fts MATCH 'body'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(fts, 2, "only zqbo's two rows are in the full-text index");
    let merged_by: Option<i64> = s
        .conn
        .query_row(
            "SELECT merged_by FROM contributions WHERE key = 'pr_merged/o/r#11'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(merged_by, None);
    assert_eq!(s.people(&[bo]).unwrap().len(), 1);
    let list = s.optouts().unwrap();
    assert_eq!((list.len(), list[0].erased_at.is_some()), (1, true));
    // Re-ingesting the same records (another input): they stay gone.
    let again = load_all(&mut s, "two");
    assert_eq!(again.suppressed, 6, "{again:?}");
    assert!(!everything(&s).contains("zqana"));
    assert_consistent(&s);
    let log = s
        .audit_log(&AuditQuery {
            action: Some("erase".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(log[0].what["contributions"], 5);
    // Erasing someone the store never had opts them out all the same.
    let none = s.erase("kaggle:nobody", "alice").unwrap();
    assert_eq!(none.people, 0);
    assert!(s.is_suppressed("kaggle:nobody").unwrap());
}

#[test]
fn the_audit_log_is_append_only() {
    let s = temp_store("audit");
    for (actor, action) in [
        ("alice", "search"),
        ("bob", "person"),
        ("alice", "identity.link"),
    ] {
        s.audit(
            actor,
            action,
            &serde_json::json!({"params": {"text": "mail me at ana@example.com"}}),
            3,
        )
        .unwrap();
    }
    for sql in [
        "UPDATE audit_log SET actor = 'mallory'",
        "DELETE FROM audit_log WHERE id = 1",
        "INSERT OR REPLACE INTO audit_log(id, at, actor, action, what, people) VALUES (1, 0, 'mallory', 'search', '{}', 0)",
        "INSERT INTO audit_log(id, at, actor, action, what, people) VALUES (2, 0, 'mallory', 'search', '{}', 0) ON CONFLICT(id) DO UPDATE SET actor = 'mallory'",
    ] {
        let e = s.conn.execute(sql, []).unwrap_err().to_string();
        assert!(e.contains("append-only"), "{sql}: {e}");
    }
    let all = s.audit_log(&AuditQuery::default()).unwrap();
    assert_eq!(all.len(), 3);
    assert!(all.iter().all(|e| e.actor != "mallory"));
    assert!(
        !all[0].what.to_string().contains("example.com"),
        "{:?}",
        all[0]
    );
    let q = |q: AuditQuery| s.audit_log(&q).unwrap().len();
    assert_eq!(
        q(AuditQuery {
            action: Some("identity".into()),
            ..Default::default()
        }),
        1
    );
    assert_eq!(
        q(AuditQuery {
            actor: Some("alice".into()),
            ..Default::default()
        }),
        2
    );
    assert_eq!(
        q(AuditQuery {
            since: Some(builtby_model::time::now() + 100),
            ..Default::default()
        }),
        0
    );
    assert_eq!(
        q(AuditQuery {
            limit: 1,
            ..Default::default()
        }),
        1
    );
    assert!(crate::audit::valid_action("shortlist.add"));
    assert!(!crate::audit::valid_action("Search"));
    assert!(!crate::audit::valid_action("a..b"));
}

/// Opening a current store for writing takes no lock: an audit row can be appended (after
/// the ingest's commit) by a process that opened the store while the ingest was writing.
#[test]
fn opening_a_current_store_does_not_wait_for_a_writer() {
    let dir = std::env::temp_dir().join(format!("builtby-optout-{}-busy", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut s = Store::open(&dir).unwrap();
    let b = s.begin().unwrap(); // holds the write lock, as an ingest does
    let t0 = std::time::Instant::now();
    let other = std::thread::spawn({
        let dir = dir.clone();
        move || Store::open(&dir).map(|_| ())
    });
    other.join().unwrap().unwrap();
    assert!(
        t0.elapsed() < std::time::Duration::from_secs(5),
        "opened in {:?}",
        t0.elapsed()
    );
    drop(b);
}

/// What an erasure deletes leaves the files too: not on free pages (`secure_delete`), not in
/// the full-text index's segments, not in the WAL, while the store is open and once closed.
#[test]
fn erased_text_leaves_the_files() {
    let dir = std::env::temp_dir().join(format!("builtby-optout-{}-files", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut s = Store::open(&dir).unwrap();
    let ana = gh(201, "zqfileana");
    let bo = gh(202, "zqfilebo");
    load(&mut s, "one", |b| {
        for i in 0..300 {
            let who = if i % 3 == 0 { &ana } else { &bo };
            let mut c = work(
                &format!("pr_merged/o/r#{i}"),
                Kind::PrMerged,
                who,
                (10 + i) * DAY,
            );
            c.body = Some(if i % 3 == 0 {
                format!("Zqsecretword number {i}: the Zqprivatephrase of a long body")
            } else {
                format!("An ordinary body {i} about distributed training")
            });
            c.profile = (i == 0).then(|| Profile {
                name: Some("Zqfullname Person".into()),
                ..Default::default()
            });
            b.add(&rec(c)).unwrap();
        }
    });
    s.erase("zqfileana", "alice").unwrap();
    let raw = |dir: &std::path::Path| -> String {
        let mut bytes = Vec::new();
        for f in ["builtby.sqlite", "builtby.sqlite-wal", "builtby.sqlite-shm"] {
            if let Ok(b) = std::fs::read(dir.join(f)) {
                bytes.extend(b);
            }
        }
        String::from_utf8_lossy(&bytes).to_lowercase()
    };
    for (when, text) in [
        ("open", raw(&dir)),
        ("closed", {
            drop(s);
            raw(&dir)
        }),
    ] {
        for gone in ["zqsecretword", "zqprivatephrase", "zqfileana", "zqfullname"] {
            assert!(!text.contains(gone), "{when}: {gone} is still in the files");
        }
        assert!(
            text.contains("zqfilebo"),
            "{when}: the check reads the files"
        );
    }
}
