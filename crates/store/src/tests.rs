use super::*;
use builtby_model::{Actor, Contribution, Kind, Pointer, Profile, Record};

fn temp_store(name: &str) -> Store {
    let dir = std::env::temp_dir().join(format!("builtby-store-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    Store::open(&dir).unwrap()
}

fn actor(id: Option<i64>, login: &str) -> Actor {
    Actor {
        github_id: id,
        login: login.into(),
        is_bot_type: false,
    }
}

fn contrib(key: &str, kind: Kind, repo: &str, a: Actor, at: i64) -> Record {
    let mut c = Contribution::new(key.into(), kind, repo.into(), a, at);
    c.number = Some(1);
    c.title = Some(format!("Fix distributed {key}"));
    Record::Contribution(Box::new(c))
}

fn input(name: &str) -> InputFile {
    InputFile {
        source: builtby_model::Source::Github,
        path: name.into(),
        size: 1,
        checksum: format!("sum-{name}"),
    }
}

fn load(store: &mut Store, name: &str, records: &[Record]) -> LoadSummary {
    let inp = input(name);
    let mut l = store.begin().unwrap();
    for r in records {
        l.add(r).unwrap();
    }
    l.commit(
        &inp,
        &builtby_model::ReadReport::new(builtby_model::Source::Github),
    )
    .unwrap()
}

const DAY: i64 = 86_400;

#[test]
fn loads_are_idempotent_and_keyed() {
    let mut s = temp_store("idem");
    let recs = vec![
        contrib(
            "a",
            Kind::PrMerged,
            "pytorch/pytorch",
            actor(Some(1), "ana"),
            100 * DAY,
        ),
        contrib(
            "b",
            Kind::Review,
            "pytorch/pytorch",
            actor(Some(2), "bo"),
            101 * DAY,
        ),
        Record::Pointer(Pointer {
            key: "p".into(),
            repo: "o/r".into(),
            number: Some(3),
            what: "PullRequestEvent/merged".into(),
            actor: None,
            at: 0,
        }),
    ];
    let first = load(&mut s, "f1", &recs);
    assert_eq!(
        (
            first.new_contributions,
            first.duplicates,
            first.new_pointers
        ),
        (2, 0, 1)
    );
    assert!(s.is_loaded("sum-f1").unwrap());
    // The same records from another file count once.
    let second = load(&mut s, "f2", &recs);
    assert_eq!(
        (
            second.new_contributions,
            second.duplicates,
            second.new_pointers
        ),
        (0, 2, 0)
    );
    let st = s.stats().unwrap();
    assert_eq!(
        (st.files, st.contributions, st.people, st.repos, st.pointers),
        (2, 2, 2, 2, 1)
    );
    let repos = s.repos_matching(&["PyTorch/*".into()]).unwrap();
    assert_eq!(repos.len(), 1);
    assert_eq!(
        s.repos(&[repos[0].0]).unwrap()[0].2,
        2,
        "two distinct contributors"
    );
}

#[test]
fn an_uncommitted_load_leaves_nothing() {
    let mut s = temp_store("rollback");
    {
        let _inp = input("f");
        let mut l = s.begin().unwrap();
        l.add(&contrib(
            "a",
            Kind::PrMerged,
            "o/r",
            actor(Some(1), "ana"),
            0,
        ))
        .unwrap();
        // dropped: as if the process died here
    }
    assert_eq!(s.stats().unwrap().contributions, 0);
    assert!(!s.is_loaded("sum-f").unwrap());
}

#[test]
fn people_follow_ids_renames_and_login_only_records() {
    let mut s = temp_store("people");
    let mut timeline = Contribution::new(
        "t".into(),
        Kind::PrOpened,
        "o/r".into(),
        actor(None, "Ana"),
        10 * DAY,
    );
    timeline.profile = Some(Profile {
        location: Some("Zürich".into()),
        ..Default::default()
    });
    load(&mut s, "f1", &[Record::Contribution(Box::new(timeline))]);
    // Later the same login shows up with an id: adopted, not duplicated.
    load(
        &mut s,
        "f2",
        &[contrib(
            "x",
            Kind::Review,
            "o/r",
            actor(Some(5), "ana"),
            20 * DAY,
        )],
    );
    // Then renamed.
    load(
        &mut s,
        "f3",
        &[contrib(
            "y",
            Kind::Review,
            "o/r",
            actor(Some(5), "ana-ml"),
            30 * DAY,
        )],
    );
    assert_eq!(s.stats().unwrap().people, 1);
    let id = s.person_by_login("ana").unwrap().unwrap();
    assert_eq!(s.person_by_login("ANA-ML").unwrap(), Some(id));
    let p = &s.people(&[id]).unwrap()[0];
    assert_eq!(
        (p.login.as_str(), p.github_id, p.location.as_deref()),
        ("ana-ml", Some(5), Some("Zürich"))
    );
    assert!(p
        .previous_logins
        .iter()
        .any(|l| l.eq_ignore_ascii_case("ana")));
}

#[test]
fn cells_evidence_and_text() {
    let mut s = temp_store("cells");
    let mut recs = vec![];
    for i in 0..3 {
        recs.push(contrib(
            &format!("m{i}"),
            Kind::PrMerged,
            "o/r",
            actor(Some(1), "ana"),
            (100 + i) * DAY,
        ));
    }
    recs.push(contrib(
        "c",
        Kind::IssueComment,
        "o/other",
        actor(Some(1), "ana"),
        400 * DAY,
    ));
    if let Record::Contribution(c) = &mut recs[0] {
        c.title = Some("Add FlashAttention kernel".into());
    }
    load(&mut s, "f", &recs);
    let all = s.cells(&CellQuery::default()).unwrap();
    assert_eq!(all.iter().map(|c| c.n).sum::<i64>(), 4);
    let merged = s
        .cells(&CellQuery {
            kinds: Some(vec![Kind::PrMerged]),
            since: Some(101 * DAY),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(merged.iter().map(|c| c.n).sum::<i64>(), 2);
    let text = s
        .cells(&CellQuery {
            text: Some("flashattention!".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(text.iter().map(|c| c.n).sum::<i64>(), 1);
    let none = s
        .cells(&CellQuery {
            text: Some("!!".into()),
            ..Default::default()
        })
        .unwrap();
    assert!(none.is_empty());
    let ev = s
        .evidence(&EvidenceQuery {
            person_id: all[0].person_id,
            scope: CellQuery::default(),
            limit: 10,
            offset: 0,
            kind_order: vec![Kind::PrMerged, Kind::IssueComment],
        })
        .unwrap();
    assert_eq!(ev.len(), 4);
    assert_eq!(ev[0].kind, Kind::PrMerged, "strongest kind first");
    assert_eq!(ev[0].at, 102 * DAY, "newest first within a kind");
    assert_eq!(ev[0].url, "https://github.com/o/r/pull/1");
    let mut n = 0;
    s.each_count(|login, _, repo, kind, c| {
        assert_eq!(login, "ana");
        if repo == "o/r" {
            assert_eq!((kind, c), (Kind::PrMerged, 3));
        }
        n += 1;
    })
    .unwrap();
    assert_eq!(n, 2);
}

#[test]
fn a_store_from_a_newer_builtby_is_refused() {
    let s = temp_store("newer");
    let path = s.path().to_path_buf();
    s.conn
        .execute(
            "INSERT INTO schema_migrations(name, applied_at) VALUES ('9999_future', 0)",
            [],
        )
        .unwrap();
    drop(s);
    let e = Store::open_file(&path).err().unwrap().to_string();
    assert!(
        e.contains("newer builtby") && e.contains("9999_future"),
        "{e}"
    );
}

fn text_hits(s: &Store, words: &str) -> i64 {
    s.cells(&CellQuery {
        text: Some(words.into()),
        ..Default::default()
    })
    .unwrap()
    .iter()
    .map(|c| c.n)
    .sum()
}

/// The same work under the same natural key, from a second event, file or source, is one row:
/// it counts once, and the fuller copy completes the stored one (fields, hydration, full text).
#[test]
fn the_same_work_twice_is_one_row_completed_in_place() {
    let mut s = temp_store("upsert");
    let key = "review/o/r/711280855";
    let mut trimmed = Contribution::new(
        key.into(),
        Kind::Review,
        "o/r".into(),
        actor(Some(1), "ana"),
        10 * DAY,
    );
    trimmed.number = Some(5);
    trimmed.needs_hydration = true;
    let first = load(
        &mut s,
        "gha-1",
        &[Record::Contribution(Box::new(trimmed.clone()))],
    );
    assert_eq!(first.new_contributions, 1);
    // The same review in another event of another file: nothing new.
    let again = load(
        &mut s,
        "gha-2",
        &[Record::Contribution(Box::new(trimmed.clone()))],
    );
    assert_eq!((again.new_contributions, again.duplicates), (0, 1));
    assert_eq!(s.unhydrated(10).unwrap().len(), 1);
    assert_eq!(text_hits(&s, "nccl"), 0);
    // The API's copy: title and state arrive, hydration completes, the text is searchable.
    let mut full = trimmed.clone();
    full.needs_hydration = false;
    full.title = Some("Fix NCCL timeout".into());
    full.review_state = Some("approved".into());
    let api = load(
        &mut s,
        "api",
        &[Record::Contribution(Box::new(full.clone()))],
    );
    assert_eq!((api.new_contributions, api.duplicates), (0, 1));
    assert!(s.unhydrated(10).unwrap().is_empty());
    assert_eq!(text_hits(&s, "nccl"), 1);
    // A later, fuller text replaces the indexed one without corrupting the index.
    full.title = Some("Fix Gloo timeout".into());
    load(&mut s, "api-2", &[Record::Contribution(Box::new(full))]);
    assert_eq!(text_hits(&s, "nccl"), 0);
    assert_eq!(text_hits(&s, "gloo"), 1);
    s.conn
        .execute_batch(
            "INSERT INTO contributions_fts(contributions_fts) VALUES ('integrity-check')",
        )
        .expect("the full-text index matches its content");
    assert_eq!(s.stats().unwrap().contributions, 1);
    let all = s.cells(&CellQuery::default()).unwrap();
    assert_eq!(all.iter().map(|c| c.n).sum::<i64>(), 1, "counted once");
}

/// A repository known only from git still has a breadth of contributors, and git people are
/// in `logins` like everyone else (one resolver).
#[test]
fn git_only_repositories_have_their_people() {
    let mut s = temp_store("gitbreadth");
    let mut recs = Vec::new();
    for (i, who) in ["git:aaaa", "git:bbbb", "ana"].iter().enumerate() {
        let key = builtby_model::work_key(
            Kind::Commit,
            "o/gitonly",
            builtby_model::WorkId::Sha(&format!("{i:040}"), None),
        );
        recs.push(Record::Contribution(Box::new(Contribution::new(
            key,
            Kind::Commit,
            "o/gitonly".into(),
            actor(None, who),
            DAY * (i as i64 + 1),
        ))));
    }
    load(&mut s, "git", &recs);
    let repos = s.repos_matching(&["o/gitonly".into()]).unwrap();
    assert_eq!(
        s.repos(&[repos[0].0]).unwrap()[0].2,
        3,
        "three contributors"
    );
    let people: i64 = s
        .conn
        .query_row("SELECT count(*) FROM repo_people", [], |r| r.get(0))
        .unwrap();
    assert_eq!(people, 3);
}

/// A commit naming a merged PR is that PR's work, whichever arrives first: the commit stops
/// counting as a commit, and the PR gets its paths.
#[test]
fn commits_link_to_their_merged_pr_in_either_order() {
    for pr_first in [true, false] {
        let mut s = temp_store(&format!("link-{pr_first}"));
        let mut pr = Contribution::new(
            "pr_merged/o/r#7".into(),
            Kind::PrMerged,
            "o/r".into(),
            actor(Some(1), "ana"),
            DAY,
        );
        pr.number = Some(7);
        let mut commit = Contribution::new(
            "commit/o/r@abc".into(),
            Kind::Commit,
            "o/r".into(),
            actor(None, "git:aaaa"),
            DAY,
        );
        commit.number = Some(7);
        commit.paths = vec![builtby_model::ChangedPath {
            path: "torch/distributed/x.py".into(),
            added: Some(1),
            deleted: Some(0),
        }];
        let (a, b) = if pr_first { (pr, commit) } else { (commit, pr) };
        load(&mut s, "first", &[Record::Contribution(Box::new(a))]);
        let second = load(&mut s, "second", &[Record::Contribution(Box::new(b))]);
        assert_eq!(second.linked_to_prs, 1, "pr first: {pr_first}");
        let kinds: Vec<Kind> = s
            .cells(&CellQuery::default())
            .unwrap()
            .iter()
            .map(|c| c.kind)
            .collect();
        assert!(
            kinds.contains(&Kind::PrCommit) && !kinds.contains(&Kind::Commit),
            "{kinds:?}"
        );
        let on_path = s
            .cells(&CellQuery {
                kinds: Some(vec![Kind::PrMerged]),
                paths: Some(vec![PathScope {
                    repo_id: None,
                    prefix: "torch/distributed/".into(),
                    anywhere: false,
                }]),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(on_path.len(), 1, "the PR has the commit's path");
        // Both contributions' paths count in `path_rollup`, each for its own person, and a
        // rebuild from `contribution_paths` (migration 0011's Rust step) finds the same.
        let ana = s.person_by_login("ana").unwrap().unwrap();
        let git = s.person_by_login("git:aaaa").unwrap().unwrap();
        let classes = s.path_classes(&[ana, git]).unwrap();
        let mut got: Vec<(i64, builtby_model::PathClass, i64)> = classes
            .iter()
            .map(|c| (c.person_id, c.class, c.n))
            .collect();
        got.sort();
        let mut want = vec![
            (ana, builtby_model::PathClass::Distributed, 1),
            (git, builtby_model::PathClass::Distributed, 1),
        ];
        want.sort();
        assert_eq!(got, want, "pr first: {pr_first}");
        crate::path_rollup::rebuild(&s.conn).unwrap();
        assert_eq!(s.path_classes(&[ana, git]).unwrap(), classes);
    }
}

/// Whether a folder has stored paths, in one repository or any: what tells an area that is a
/// folder of the tree from a typo.
#[test]
fn has_paths_looks_in_the_repositories_with_paths() {
    let mut s = temp_store("haspaths");
    let mut recs = Vec::new();
    for (i, (repo, path)) in [
        ("o/a", "torch/distributed/x.py"),
        ("o/b", "jax/_src/lax.py"),
        ("o/none", ""),
    ]
    .iter()
    .enumerate()
    {
        let mut c = Contribution::new(
            format!("commit/{repo}@{i}"),
            Kind::Commit,
            repo.to_string(),
            actor(None, "git:aaaa"),
            DAY,
        );
        if !path.is_empty() {
            c.paths = vec![builtby_model::ChangedPath {
                path: path.to_string(),
                added: Some(1),
                deleted: Some(0),
            }];
        }
        recs.push(Record::Contribution(Box::new(c)));
    }
    load(&mut s, "git", &recs);
    let id = |n: &str| s.repos_matching(&[n.into()]).unwrap()[0].0;
    let (a, b) = (id("o/a"), id("o/b"));
    let mut with = s.repos_with_paths().unwrap();
    with.sort();
    let mut expected = vec![a, b];
    expected.sort();
    assert_eq!(with, expected, "o/none has no paths");
    let scope = |repo_id, prefix: &str| PathScope {
        repo_id,
        prefix: prefix.into(),
        anywhere: false,
    };
    assert!(s.has_paths(&[scope(None, "torch/")]).unwrap());
    assert!(s.has_paths(&[scope(None, "jax/_src/")]).unwrap());
    assert!(s
        .has_paths(&[scope(Some(a), "torch/distributed/")])
        .unwrap());
    assert!(
        !s.has_paths(&[scope(Some(b), "torch/")]).unwrap(),
        "not in o/b"
    );
    assert!(!s.has_paths(&[scope(None, "FSDP/")]).unwrap());
    assert!(
        !s.has_paths(&[scope(None, "Torch/")]).unwrap(),
        "paths are case-sensitive"
    );
    assert!(s
        .has_paths(&[scope(None, "FSDP/"), scope(Some(b), "jax/")])
        .unwrap());
    assert!(!s.has_paths(&[]).unwrap());
}

/// A stored kind code no kind has is an error, not a push.
#[test]
fn a_corrupt_kind_code_is_an_error() {
    let mut s = temp_store("badkind");
    load(
        &mut s,
        "f",
        &[contrib(
            "k",
            Kind::PrMerged,
            "o/r",
            actor(Some(1), "ana"),
            DAY,
        )],
    );
    s.conn.execute("UPDATE rollup SET kind = 99", []).unwrap();
    let err = s.cells(&CellQuery::default()).unwrap_err().to_string();
    assert!(err.contains("kind code 99"), "{err}");
}

/// Whatever a source lets through in free text, no e-mail address is written.
#[test]
fn no_email_in_titles_or_bodies_is_stored() {
    let mut s = temp_store("scrub");
    let mut c = Contribution::new(
        "issue_comment/o/r/1".into(),
        Kind::IssueComment,
        "o/r".into(),
        actor(Some(1), "ana"),
        DAY,
    );
    c.title = Some("Contact ana@uni.edu".into());
    c.body = Some("Thanks!\n-- Joshua <joshua@99lime.com>".into());
    load(&mut s, "f", &[Record::Contribution(Box::new(c))]);
    let (title, body): (String, String) = s
        .conn
        .query_row("SELECT title, body FROM contributions", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!(
        (title.as_str(), body.as_str()),
        ("Contact", "Thanks!\n-- Joshua")
    );
}

/// Issue 9, defect 13: a data folder that is a file is named as such, by writers and readers.
#[test]
fn a_data_folder_that_is_a_file_says_so() {
    let f = std::env::temp_dir().join(format!("builtby-store-{}-afile", std::process::id()));
    std::fs::write(&f, b"x").unwrap();
    for err in [
        Store::open(&f).err().unwrap().to_string(),
        Store::open_read_only(&f).err().unwrap().to_string(),
    ] {
        assert!(err.contains("is a file, not a folder"), "{err}");
        assert!(err.contains(&f.display().to_string()), "{err}");
    }
    let _ = std::fs::remove_file(&f);
}

/// A store written before `path_rollup` existed gets it filled from its paths when opened
/// (migration 0011 and its Rust step), and a login-only person joining its account brings
/// its changed files along.
#[test]
fn path_rollup_is_filled_for_an_older_store_and_follows_merges() {
    let mut s = temp_store("path-rollup");
    let path = s.path().to_path_buf();
    // The account (id 7) is known as bob; a login-only commit by ana comes next.
    load(
        &mut s,
        "one",
        &[contrib(
            "issue/o/r#1",
            Kind::IssueOpened,
            "o/r",
            actor(Some(7), "bob"),
            DAY,
        )],
    );
    let mut c = Contribution::new(
        "commit/o/r@1".into(),
        Kind::Commit,
        "o/r".into(),
        actor(None, "ana"),
        2 * DAY,
    );
    c.paths = ["csrc/a.cu", "docs/a.md", "nb/a.ipynb"]
        .map(|p| builtby_model::ChangedPath {
            path: p.into(),
            added: Some(1),
            deleted: None,
        })
        .to_vec();
    load(&mut s, "two", &[Record::Contribution(Box::new(c))]);
    let login_only = s.person_by_login("ana").unwrap().unwrap();
    let before = s.path_classes(&[login_only]).unwrap();
    assert_eq!(before.len(), 3, "{before:?}");
    s.conn
        .execute_batch(
            "DROP TABLE path_rollup; DELETE FROM schema_migrations WHERE name = '0012_path_rollup';",
        )
        .unwrap();
    drop(s);
    let mut s = Store::open_file(&path).unwrap();
    assert_eq!(s.path_classes(&[login_only]).unwrap(), before);
    // The account, renamed to ana: the login-only person joins it.
    load(
        &mut s,
        "three",
        &[contrib(
            "issue/o/r#3",
            Kind::IssueOpened,
            "o/r",
            actor(Some(7), "ana"),
            3 * DAY,
        )],
    );
    let account = s.person_by_login("ana").unwrap().unwrap();
    assert_ne!(account, login_only, "merged into the account's row");
    let after = s.path_classes(&[account, login_only]).unwrap();
    assert_eq!(after.len(), 3, "{after:?}");
    assert!(after.iter().all(|c| c.person_id == account && c.n == 1));
}

/// The ranking is current only until anything a score reads changes: new work, a person's
/// flags or place, an opt-out. Its cells are the unscoped query's, bit for bit.
#[test]
fn the_ranking_goes_stale_on_any_write_a_score_reads() {
    let mut s = temp_store("ranking-stale");
    let day = 20_000;
    let build = |s: &Store| -> Result<crate::RankingBuild> {
        let mut out = Vec::new();
        let mut topics = Vec::new();
        s.each_person_cells(i64::MAX / 86400, |pid, cells| {
            let all = s.cells(&crate::CellQuery {
                person_ids: Some(vec![pid]),
                ..Default::default()
            })?;
            assert_eq!(cells, all, "the ranking's cells are the search's");
            out.push(crate::RankEntry {
                person_id: pid,
                score: cells.iter().map(|c| c.w).sum(),
                n: cells.iter().map(|c| c.n).sum(),
                shown: 2,
                metro: None,
                also_metros: Vec::new(),
                country: None,
                location: None,
                city: None,
                region: None,
                location_lower: None,
                place_norm: None,
            });
            topics.push((pid, 0, 7, cells.len() as i64));
            Ok(())
        })?;
        Ok(crate::RankingBuild {
            entries: out,
            topics,
            topics_key: "words".into(),
        })
    };
    let rec = |k: &str, login: &str, id: i64, at: i64| {
        contrib(k, Kind::PrMerged, "o/r", actor(Some(id), login), at)
    };
    load(
        &mut s,
        "a",
        &[
            rec("k1", "ana", 1, 1_700_000_000),
            rec("k2", "bo", 2, 1_700_100_000),
        ],
    );
    assert!(!s.ranking_fresh(day, "fp").unwrap());
    assert!(s.ranking_rebuild(day, "fp", build).unwrap());
    assert!(s.ranking_fresh(day, "fp").unwrap());
    // another day or fingerprint is not this ranking; a second rebuild does nothing
    assert!(!s.ranking_fresh(day + 1, "fp").unwrap());
    assert!(!s.ranking_fresh(day, "other").unwrap());
    assert!(!s.ranking_rebuild(day, "fp", build).unwrap());
    let all = crate::RankFilter::default();
    assert_eq!(s.ranking_count(&all, None).unwrap(), 2);
    let with_bots = crate::RankFilter {
        include_bots: true,
        ..Default::default()
    };
    assert_eq!(s.ranking_count(&with_bots, None).unwrap(), 2);
    assert_eq!(s.ranking_count(&all, Some(2)).unwrap(), 1);
    // the topic counts kept with it: for this day and these words only
    let ana = s.person_by_login("ana").unwrap().unwrap();
    assert_eq!(
        s.ranking_topics(&[ana], day, "words").unwrap(),
        Some(vec![(ana, 0, 7, 1)])
    );
    assert_eq!(s.ranking_topics(&[ana], day, "other").unwrap(), None);
    assert_eq!(s.ranking_topics(&[ana], day + 1, "words").unwrap(), None);
    // a title changed (hydration) without the rollup changing: stale
    s.conn
        .execute("UPDATE contributions SET title = 'CUDA kernels'", [])
        .unwrap();
    assert!(!s.ranking_fresh(day, "fp").unwrap());
    assert_eq!(s.ranking_topics(&[ana], day, "words").unwrap(), None);
    assert!(s.ranking_rebuild(day, "fp", build).unwrap());
    // new work: stale
    load(&mut s, "b", &[rec("k3", "ana", 1, 1_700_200_000)]);
    assert!(!s.ranking_fresh(day, "fp").unwrap());
    assert!(s.ranking_rebuild(day, "fp", build).unwrap());
    // a person's flag: stale
    s.conn
        .execute(
            "UPDATE people SET behaviour = 'bursts' WHERE login = 'bo'",
            [],
        )
        .unwrap();
    assert!(!s.ranking_fresh(day, "fp").unwrap());
    assert!(s.ranking_rebuild(day, "fp", build).unwrap());
    // a place: stale
    s.conn
        .execute(
            "UPDATE people SET loc_version = 1, loc_metro = 'Berlin' WHERE login = 'ana'",
            [],
        )
        .unwrap();
    assert!(!s.ranking_fresh(day, "fp").unwrap());
    // a failed build leaves the old rows and says nothing is current
    let failing = |_: &Store| -> Result<crate::RankingBuild> {
        Err(StoreError::Corrupt {
            path: "x".into(),
            source: builtby_model::state::BadCode {
                what: "test",
                code: 99,
            },
        })
    };
    assert!(s.ranking_rebuild(day, "fp", failing).is_err());
    assert!(!s.ranking_fresh(day, "fp").unwrap());
    assert_eq!(s.ranking_count(&all, None).unwrap(), 2);
}

#[test]
fn evidence_read_per_kind_equals_the_sorted_scan() {
    let mut s = temp_store("evidence-kinds");
    // two people, many kinds, repeated times (ties broken by id), three repositories
    let kinds = [
        Kind::PrMerged,
        Kind::Review,
        Kind::ReviewComment,
        Kind::IssueComment,
        Kind::PrOpened,
        Kind::Push,
    ];
    let mut x: u64 = 7;
    let mut next = |m: u64| {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (x >> 33) % m
    };
    let mut recs = Vec::new();
    for i in 0..400 {
        let who = if next(3) == 0 {
            actor(Some(2), "bo")
        } else {
            actor(Some(1), "ana")
        };
        let kind = kinds[next(kinds.len() as u64) as usize];
        let repo = ["o/a", "o/b", "p/c"][next(3) as usize];
        let at = (100 + next(40) as i64) * DAY;
        let mut r = contrib(&format!("k{i}"), kind, repo, who, at);
        if let Record::Contribution(c) = &mut r {
            c.number = Some(i);
        }
        recs.push(r);
    }
    load(&mut s, "f", &recs);
    // weights on both sides of the focus line, ties included
    s.conn
        .execute(
            "UPDATE contributions SET weight = CASE id % 4 WHEN 0 THEN 0.25 WHEN 1 THEN 0.5 WHEN 2 THEN 1.0 ELSE 0.49 END",
            [],
        )
        .unwrap();
    let people: Vec<i64> = s
        .conn
        .prepare("SELECT DISTINCT person_id FROM contributions")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let repo_b: i64 = s
        .conn
        .query_row("SELECT id FROM repos WHERE name = 'o/b'", [], |r| r.get(0))
        .unwrap();
    let scopes = [
        CellQuery::default(),
        CellQuery {
            kinds: Some(vec![Kind::Review, Kind::PrMerged]),
            ..Default::default()
        },
        CellQuery {
            since: Some(120 * DAY),
            until: Some(130 * DAY),
            ..Default::default()
        },
        CellQuery {
            repo_ids: Some(vec![repo_b]),
            since: Some(110 * DAY),
            ..Default::default()
        },
    ];
    let orders = [
        vec![Kind::PrMerged, Kind::Review, Kind::ReviewComment],
        vec![Kind::Push, Kind::IssueComment],
        vec![],
    ];
    let mut compared = 0;
    for &person_id in &people {
        for scope in &scopes {
            for kind_order in &orders {
                for (limit, offset) in [(5, 0), (1, 0), (20, 3), (7, 40), (500, 0)] {
                    let q = EvidenceQuery {
                        person_id,
                        scope: scope.clone(),
                        limit,
                        offset,
                        kind_order: kind_order.clone(),
                    };
                    let fast = s.evidence_forced(&q, true).unwrap();
                    assert_eq!(fast, s.evidence_forced(&q, false).unwrap(), "{q:?}");
                    assert_eq!(fast, s.evidence(&q).unwrap(), "{q:?}");
                    compared += fast.len();
                }
            }
        }
    }
    assert!(compared > 1000, "{compared} rows compared");
}

/// A metro filter matches a ranked account's own metro or another place its location names,
/// in every read of the ranking, in ranking order.
#[test]
fn a_metro_filter_matches_any_place_a_location_names() {
    let mut s = temp_store("ranking-also-metros");
    let entry = |pid: i64, metro: Option<&str>, also: &[&str]| crate::RankEntry {
        person_id: pid,
        score: 10.0 - pid as f64,
        n: 1,
        shown: 2,
        metro: metro.map(str::to_string),
        also_metros: also.iter().map(|m| m.to_string()).collect(),
        country: None,
        location: Some(format!("somewhere {pid}")),
        city: None,
        region: None,
        location_lower: Some(format!("somewhere {pid}")),
        place_norm: metro.map(str::to_lowercase),
    };
    let entries = vec![
        entry(1, Some("Berlin"), &["New York"]),
        entry(2, Some("New York"), &[]),
        entry(3, Some("Paris"), &[]),
        entry(4, None, &["New York", "Berlin"]),
        entry(5, Some("Berlin"), &[]),
    ];
    assert!(s
        .ranking_rebuild(1, "fp", |_| Ok(crate::RankingBuild {
            entries: entries.clone(),
            ..Default::default()
        }))
        .unwrap());
    let f = |m: &str| crate::RankFilter {
        metro: Some(m.to_string()),
        ..Default::default()
    };
    let people = |rows: Vec<crate::RankRow>| rows.iter().map(|r| r.person_id).collect::<Vec<_>>();
    assert_eq!(
        people(s.ranking_rows(&f("New York"), 0, 10).unwrap()),
        [1, 2, 4]
    );
    assert_eq!(
        people(s.ranking_rows(&f("Berlin"), 0, 10).unwrap()),
        [1, 4, 5]
    );
    assert_eq!(people(s.ranking_rows(&f("Berlin"), 1, 1).unwrap()), [4]);
    assert_eq!(
        people(s.ranking_rows_before(&f("New York"), 4, 10).unwrap()),
        [2, 1]
    );
    assert_eq!(s.ranking_count(&f("New York"), None).unwrap(), 3);
    assert_eq!(s.ranking_count(&f("New York"), Some(4)).unwrap(), 2);
    assert_eq!(s.ranking_count(&f("Paris"), None).unwrap(), 1);
    assert_eq!(s.ranking_count(&f("Tokyo"), None).unwrap(), 0);
    let wanted = |lower, norm, metro| crate::LocationWanted {
        lower,
        norm,
        country: None,
        metro,
    };
    // the text, within a metro filter's accounts
    let located = s.ranking_located(&f("New York"), &wanted("somewhere", "x", None));
    assert_eq!(people(located.unwrap()), [1, 2, 4]);
    let located = s.ranking_located(&Default::default(), &wanted("somewhere 4", "x", None));
    assert_eq!(people(located.unwrap()), [4]);
    // the normalised place, or the metro the filter names; neither without a norm
    let located = s.ranking_located(&Default::default(), &wanted("zz", "pari", None));
    assert_eq!(people(located.unwrap()), [3]);
    let located = s.ranking_located(&Default::default(), &wanted("zz", "x", Some("Berlin")));
    assert_eq!(people(located.unwrap()), [1, 5]);
    let located = s.ranking_located(&Default::default(), &wanted("zz", "", Some("Berlin")));
    assert!(located.unwrap().is_empty());
    assert!(s.ranking_row(&f("New York"), 4).unwrap().is_some());
    assert!(s.ranking_row(&f("Paris"), 4).unwrap().is_none());
    // Without a metro filter, everyone, once.
    assert_eq!(
        people(s.ranking_rows(&Default::default(), 0, 10).unwrap()),
        [1, 2, 3, 4, 5]
    );
}

/// A page's evidence read at once (the scope's text or paths matched once for everyone on
/// it) is each person's evidence read alone: same rows, same order, same share of the scope.
#[test]
fn evidence_for_a_page_equals_each_persons() {
    let mut s = temp_store("evidence-many");
    let kinds = [Kind::PrMerged, Kind::Commit, Kind::Review, Kind::PrOpened];
    let mut x: u64 = 11;
    let mut next = |m: u64| {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (x >> 33) % m
    };
    let mut recs = Vec::new();
    for i in 0..600 {
        // person 1 has more than 256 (read alone, kind by kind, without text or paths)
        let id = if i % 2 == 0 { 1 } else { 1 + next(5) as i64 };
        let who = actor(Some(id), &format!("p{id}"));
        let kind = kinds[next(kinds.len() as u64) as usize];
        let repo = ["o/a", "o/b"][next(2) as usize];
        let at = (100 + next(30) as i64) * DAY;
        let mut c = Contribution::new(format!("k{i}"), kind, repo.into(), who, at);
        c.number = Some(i);
        c.title = Some(
            ["Tune attention heads", "Fix NCCL timeout", "Docs"][next(3) as usize].to_string(),
        );
        let dirs = ["torch/distributed/", "torch/nn/", "docs/"];
        c.paths = (0..1 + next(3))
            .map(|j| builtby_model::ChangedPath {
                path: format!("{}f{j}.py", dirs[next(3) as usize]),
                added: Some(next(50) as i64),
                deleted: Some(next(5) as i64),
            })
            .collect();
        recs.push(Record::Contribution(Box::new(c)));
    }
    load(&mut s, "f", &recs);
    s.conn
        .execute(
            "UPDATE contributions SET weight = CASE id % 3 WHEN 0 THEN 0.25 WHEN 1 THEN 1.0 ELSE 0.5 END",
            [],
        )
        .unwrap();
    let people: Vec<i64> = s
        .conn
        .prepare("SELECT DISTINCT person_id FROM contributions ORDER BY 1")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert!(people.len() >= 4, "{people:?}");
    let repo_a: i64 = s
        .conn
        .query_row("SELECT id FROM repos WHERE name = 'o/a'", [], |r| r.get(0))
        .unwrap();
    let path = |repo_id: Option<i64>, prefix: &str| PathScope {
        repo_id,
        prefix: prefix.into(),
        anywhere: false,
    };
    let scopes = [
        CellQuery {
            text: Some("attention".into()),
            ..Default::default()
        },
        CellQuery {
            paths: Some(vec![path(Some(repo_a), "torch/distributed/")]),
            ..Default::default()
        },
        CellQuery {
            paths: Some(vec![path(None, "torch/"), path(Some(repo_a), "docs/")]),
            kinds: Some(vec![Kind::PrMerged, Kind::Commit]),
            since: Some(110 * DAY),
            ..Default::default()
        },
        CellQuery {
            text: Some("nccl timeout".into()),
            paths: Some(vec![path(None, "torch/distributed/")]),
            ..Default::default()
        },
        CellQuery {
            kinds: Some(vec![Kind::Review, Kind::PrMerged]),
            since: Some(105 * DAY),
            ..Default::default()
        },
        CellQuery::default(),
    ];
    assert!(s.prolific(1).unwrap() && !s.prolific(2).unwrap());
    let (mut compared, mut shared) = (0, 0);
    for scope in &scopes {
        for kind_order in [vec![Kind::PrMerged, Kind::Review], vec![]] {
            for (limit, offset) in [(5, 0), (1, 0), (20, 3), (500, 0)] {
                let q = EvidenceQuery {
                    person_id: 0,
                    scope: scope.clone(),
                    limit,
                    offset,
                    kind_order: kind_order.clone(),
                };
                let many = s.evidence_many(&people, &q).unwrap();
                assert_eq!(many.len(), people.len());
                for &p in &people {
                    let one = s
                        .evidence(&EvidenceQuery {
                            person_id: p,
                            ..q.clone()
                        })
                        .unwrap();
                    assert_eq!(many[&p], one, "person {p}, {q:?}");
                    compared += one.len();
                    shared += one
                        .iter()
                        .filter(|r| r.focus.is_some_and(|f| f < 1.0))
                        .count();
                }
            }
        }
    }
    assert!(
        compared > 500 && shared > 50,
        "{compared} rows compared, {shared} with a share"
    );
}
