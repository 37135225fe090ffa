use super::*;
use crate::{InputFile, Store};
use builtby_model::{Actor, Contribution, Kind, Profile, ReadReport, Record, Source};

fn temp_store(name: &str) -> Store {
    let dir = std::env::temp_dir().join(format!("builtby-identity-{}-{name}", std::process::id()));
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

fn work(key: &str, kind: Kind, a: &Actor, name: Option<&str>, at: i64) -> Record {
    let mut c = Contribution::new(key.into(), kind, "o/r".into(), a.clone(), at);
    c.title = Some(key.into());
    c.profile = name.map(|n| Profile {
        name: Some(n.into()),
        ..Default::default()
    });
    if kind == Kind::Commit {
        // two paths of different classes, so `path_rollup` has work to move
        c.paths = ["csrc/k.cu", "tests/test_k.py"]
            .map(|p| builtby_model::ChangedPath {
                path: p.to_string(),
                added: Some(1),
                deleted: None,
            })
            .to_vec();
    }
    Record::Contribution(Box::new(c))
}

/// GH Archive knows ana (a merged PR); git has two identities: `aaa` ("Ana B", 3 commits,
/// with two merged branches from ana) and `bbb` ("Ana B", 1 commit, nothing but the name),
/// and `ccc` ("Cy", 1 commit, one merged branch from cy).
fn load_all(s: &mut Store, n: u32) {
    let mut b = s.begin().unwrap();
    b.add(&work(
        "pr_merged/o/r#1",
        Kind::PrMerged,
        &gh(1, "ana"),
        None,
        10 * DAY,
    ))
    .unwrap();
    for i in 0..3 {
        b.add(&work(
            &format!("commit/o/r@a{i}"),
            Kind::Commit,
            &git("aaa"),
            Some("Ana B"),
            (11 + i) * DAY,
        ))
        .unwrap();
    }
    b.add(&work(
        "commit/o/r@b0",
        Kind::Commit,
        &git("bbb"),
        Some("Ana B"),
        20 * DAY,
    ))
    .unwrap();
    b.add(&work(
        "commit/o/r@c0",
        Kind::Commit,
        &git("ccc"),
        Some("Cy"),
        21 * DAY,
    ))
    .unwrap();
    b.vote(
        "git:aaa",
        "ana",
        Method::MergeBranch,
        "https://github.com/o/r/pull/1",
    );
    b.vote(
        "git:aaa",
        "ana",
        Method::MergeBranch,
        "https://github.com/o/r/pull/2",
    );
    b.vote(
        "git:ccc",
        "cy",
        Method::MergeBranch,
        "https://github.com/o/r/pull/3",
    );
    b.commit(
        &InputFile {
            source: Source::Git,
            path: "o/r".into(),
            size: 0,
            checksum: format!("load-{n}"),
        },
        &ReadReport::new(Source::Git),
    )
    .unwrap();
}

/// Every derived table equals what the rows say.
pub(crate) fn assert_consistent(s: &Store) {
    let q = |sql: &str| -> Vec<(i64, i64, i64, i64, i64)> {
        let mut st = s.conn.prepare(sql).unwrap();
        let rows = st
            .query_map([], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })
            .unwrap();
        rows.collect::<rusqlite::Result<_>>().unwrap()
    };
    assert_eq!(
        q("SELECT repo_id, kind, day, person_id, n FROM rollup ORDER BY 1, 2, 3, 4"),
        q("SELECT repo_id, kind, at / 86400, person_id, count(*) FROM contributions GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4"),
        "rollup"
    );
    assert_eq!(
        q("SELECT repo_id, kind, day, person_id, CAST(round(w * 1e6) AS INTEGER) FROM rollup ORDER BY 1, 2, 3, 4"),
        q("SELECT repo_id, kind, at / 86400, person_id, CAST(round(total(weight) * 1e6) AS INTEGER) FROM contributions GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4"),
        "rollup weights"
    );
    assert_eq!(
        q("SELECT repo_id, person_id, 0, 0, 0 FROM repo_people ORDER BY 1, 2"),
        q("SELECT DISTINCT repo_id, person_id, 0, 0, 0 FROM contributions WHERE kind IN (1, 3, 10, 12) ORDER BY 1, 2"),
        "repo_people"
    );
    assert_eq!(
        q("SELECT id, contributors, 0, 0, 0 FROM repos ORDER BY 1"),
        q("SELECT r.id, (SELECT count(*) FROM repo_people p WHERE p.repo_id = r.id), 0, 0, 0 FROM repos r ORDER BY 1"),
        "contributors"
    );
    let mut from_paths: std::collections::BTreeMap<(i64, i64, i64), i64> = Default::default();
    let mut st = s
        .conn
        .prepare("SELECT c.person_id, p.repo_id, p.path FROM contribution_paths p JOIN contributions c ON c.id = p.contribution_id")
        .unwrap();
    let rows = st
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get::<_, String>(2)?)))
        .unwrap();
    for row in rows {
        let (person, repo, path) = row.unwrap();
        *from_paths
            .entry((person, repo, builtby_model::PathClass::of(&path).code()))
            .or_default() += 1;
    }
    let stored: std::collections::BTreeMap<(i64, i64, i64), i64> =
        q("SELECT person_id, repo_id, class, n, 0 FROM path_rollup")
            .into_iter()
            .map(|(p, r, c, n, _)| ((p, r, c), n))
            .collect();
    assert_eq!(stored, from_paths, "path_rollup");
}

fn person_of(s: &Store, account: &str) -> String {
    s.identity(account).unwrap().unwrap().person
}

fn work_of(s: &Store, person: &str) -> i64 {
    s.identity(person)
        .unwrap()
        .unwrap()
        .accounts
        .iter()
        .map(|a| a.contributions)
        .sum()
}

#[test]
fn votes_link_an_identity_and_its_work_moves_with_every_derived_table() {
    let mut s = temp_store("votes");
    load_all(&mut s, 1);
    assert_eq!(person_of(&s, "git:aaa"), "ana", "two votes, all for ana");
    assert_eq!(work_of(&s, "ana"), 4, "ana's PR and aaa's three commits");
    assert_eq!(
        person_of(&s, "git:ccc"),
        "git:ccc",
        "one vote only suggests"
    );
    assert_eq!(person_of(&s, "git:bbb"), "git:bbb", "a name never links");
    let sugg = s.identity_suggestions(None, 10).unwrap();
    let bbb = sugg
        .iter()
        .find(|x| x.account == "git:bbb")
        .expect("bbb is suggested");
    assert_eq!((bbb.person.as_str(), bbb.method), ("ana", Method::SameName));
    let ccc = sugg
        .iter()
        .find(|x| x.account == "git:ccc")
        .expect("ccc is suggested");
    assert_eq!(
        (ccc.person.as_str(), ccc.method),
        ("cy", Method::MergeBranch)
    );
    assert_consistent(&s);
    let log = s.identity_log(10).unwrap();
    assert!(log
        .iter()
        .any(|e| e.action == "auto-link" && e.account == "git:aaa" && e.by == AUTO_BY));
}

#[test]
fn link_unlink_split_lock_and_reject_hold_and_are_logged() {
    let mut s = temp_store("verbs");
    load_all(&mut s, 1);
    s.identity_link("git:bbb", "ana", "rita", "same person, checked")
        .unwrap();
    assert_eq!(person_of(&s, "git:bbb"), "ana");
    assert_eq!(work_of(&s, "ana"), 5);
    assert_consistent(&s);
    s.identity_unlink("git:aaa", "rita", "a shared lab address")
        .unwrap();
    assert_eq!(person_of(&s, "git:aaa"), "git:aaa");
    assert_consistent(&s);
    // re-resolution does not undo a person's decision
    s.identity_resolve().unwrap();
    assert_eq!(
        person_of(&s, "git:aaa"),
        "git:aaa",
        "unlinked stays unlinked"
    );
    assert_eq!(person_of(&s, "git:bbb"), "ana", "confirmed stays linked");
    let n = s.identity_split("ana", "rita", "two people").unwrap();
    assert_eq!(n, 1);
    assert_eq!(person_of(&s, "git:bbb"), "git:bbb");
    s.identity_reject("git:ccc", "cy", "rita", "not them")
        .unwrap();
    assert!(s
        .identity_suggestions(None, 10)
        .unwrap()
        .iter()
        .all(|x| !(x.account == "git:ccc" && x.person == "cy")));
    s.identity_lock("ana", true, "rita", "checked by hand")
        .unwrap();
    assert!(s.identity("ana").unwrap().unwrap().locked);
    assert_consistent(&s);
    let actions: Vec<String> = s
        .identity_log(20)
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    for a in ["link", "unlink", "split", "reject", "lock"] {
        assert!(
            actions.iter().any(|x| x == a),
            "{a} missing from {actions:?}"
        );
    }
    assert!(matches!(
        s.identity_link("git:nobody", "ana", "rita", ""),
        Err(crate::StoreError::UnknownAccount { .. })
    ));
    assert!(matches!(
        s.identity_unlink("git:ccc", "rita", ""),
        Err(crate::StoreError::IdentityRefused { .. })
    ));
}

/// Empties everything but the identity decisions, as a full re-ingest from scratch would.
fn forget_work(s: &Store) {
    s.conn
        .execute_batch(
            "DELETE FROM contributions; INSERT INTO contributions_fts(contributions_fts) VALUES ('delete-all');
             DELETE FROM rollup; DELETE FROM repo_people; DELETE FROM repos; DELETE FROM people;
             DELETE FROM contribution_paths; DELETE FROM path_rollup;
             DELETE FROM logins; DELETE FROM files; DELETE FROM identity_votes;
             DELETE FROM identity_links WHERE state NOT IN ('confirmed', 'rejected');",
        )
        .unwrap();
}

#[test]
fn decisions_survive_a_full_re_ingest() {
    let mut s = temp_store("reingest");
    load_all(&mut s, 1);
    s.identity_link("git:bbb", "ana", "rita", "same person")
        .unwrap();
    s.identity_unlink("git:aaa", "rita", "a shared lab address")
        .unwrap();
    s.identity_reject("git:ccc", "cy", "rita", "not them")
        .unwrap();
    s.identity_lock("git:ccc", true, "rita", "leave it")
        .unwrap();
    forget_work(&s);
    load_all(&mut s, 2);
    assert_eq!(
        person_of(&s, "git:bbb"),
        "ana",
        "the manual link is applied again"
    );
    assert_eq!(
        person_of(&s, "git:aaa"),
        "git:aaa",
        "the unlink holds against two votes"
    );
    assert_eq!(person_of(&s, "git:ccc"), "git:ccc");
    assert!(
        s.identity_suggestions(None, 10)
            .unwrap()
            .iter()
            .all(|x| !(x.account == "git:ccc" && x.person == "cy")),
        "a rejected suggestion is never offered again"
    );
    assert!(
        s.identity("git:ccc").unwrap().unwrap().locked,
        "the lock holds"
    );
    assert_eq!(work_of(&s, "ana"), 2, "ana's PR and bbb's commit");
    assert_consistent(&s);
}

#[test]
fn a_locked_person_gains_no_accounts_automatically() {
    let mut s = temp_store("lock");
    let mut b = s.begin().unwrap();
    b.add(&work(
        "pr_merged/o/r#1",
        Kind::PrMerged,
        &gh(1, "ana"),
        None,
        10 * DAY,
    ))
    .unwrap();
    b.commit(
        &InputFile {
            source: Source::Github,
            path: "x".into(),
            size: 0,
            checksum: "x".into(),
        },
        &ReadReport::new(Source::Github),
    )
    .unwrap();
    s.identity_lock("ana", true, "rita", "done by hand")
        .unwrap();
    load_all(&mut s, 1);
    assert_eq!(person_of(&s, "git:aaa"), "git:aaa");
    let sugg = s.identity_suggestions(None, 10).unwrap();
    assert!(
        sugg.iter()
            .any(|x| x.account == "git:aaa" && x.person == "ana"),
        "{sugg:?}"
    );
}

#[test]
fn proven_links_apply_at_ingest_and_an_organisations_branches_say_nothing() {
    let mut s = temp_store("proven");
    let mut b = s.begin().unwrap();
    b.prove_link(
        &git("nnn"),
        &gh(7, "eve"),
        5 * DAY,
        Method::Noreply,
        "https://github.com/o/r/commit/1",
    )
    .unwrap();
    b.add(&work(
        "commit/o/r@n0",
        Kind::Commit,
        &git("nnn"),
        Some("Eve"),
        5 * DAY,
    ))
    .unwrap();
    // eleven identities pushed branches from `corp`: an organisation, not a person
    for i in 0..11 {
        let acc = format!("git:o{i}");
        b.add(&work(
            &format!("commit/o/r@o{i}"),
            Kind::Commit,
            &git(&format!("o{i}")),
            Some(&format!("Person {i}")),
            6 * DAY,
        ))
        .unwrap();
        for pr in 0..3 {
            b.vote(&acc, "corp", Method::MergeBranch, &format!("#{i}-{pr}"));
        }
    }
    b.commit(
        &InputFile {
            source: Source::Git,
            path: "o/r".into(),
            size: 0,
            checksum: "g".into(),
        },
        &ReadReport::new(Source::Git),
    )
    .unwrap();
    let eve = s.identity("eve").unwrap().unwrap();
    assert_eq!(eve.accounts.len(), 2);
    let link = &eve.accounts[1].links[0];
    assert_eq!((link.state, link.method), (State::Proven, Method::Noreply));
    assert_eq!(person_of(&s, "git:o3"), "git:o3", "nobody joins `corp`");
    assert_consistent(&s);
}

/// One batch of records from `source`.
fn load_batch(s: &mut Store, source: Source, name: &str, records: &[Record]) {
    let mut b = s.begin().unwrap();
    for r in records {
        b.add(r).unwrap();
    }
    b.commit(
        &InputFile {
            source,
            path: name.into(),
            size: 0,
            checksum: name.into(),
        },
        &ReadReport::new(source),
    )
    .unwrap();
}

/// What git tells of PR #7 of o/r: the squash commit `(#7)` by `git:aaa` and the PR it
/// merged, credited to the same account (`ingest::git`).
fn pr7_from_git() -> Vec<Record> {
    let mut commit = Contribution::new(
        "commit/o/r@s7".into(),
        Kind::Commit,
        "o/r".into(),
        git("aaa"),
        10 * DAY,
    );
    commit.number = Some(7);
    commit.title = Some("Speed up the loader (#7)".into());
    commit.profile = Some(Profile {
        name: Some("Ana B".into()),
        ..Default::default()
    });
    let mut pr = Contribution::new(
        "pr_merged/o/r#7".into(),
        Kind::PrMerged,
        "o/r".into(),
        git("aaa"),
        10 * DAY,
    );
    pr.number = Some(7);
    pr.title = Some("Speed up the loader".into());
    pr.url = Some("https://github.com/o/r/pull/7".into());
    pr.additions = Some(5);
    vec![
        Record::Contribution(Box::new(commit)),
        Record::Contribution(Box::new(pr)),
    ]
}

/// What GitHub tells of PR #7: merged, by ana.
fn pr7_from_github() -> Record {
    let mut pr = Contribution::new(
        "pr_merged/o/r#7".into(),
        Kind::PrMerged,
        "o/r".into(),
        gh(1, "ana"),
        10 * DAY + 60,
    );
    pr.number = Some(7);
    pr.title = Some("Speed up the loader, by ana".into());
    pr.url = Some("https://github.com/o/r/pull/7".into());
    Record::Contribution(Box::new(pr))
}

/// (person's login, account's login or "", title, additions) of PR #7.
fn pr7(s: &Store) -> (String, String, String, Option<i64>) {
    s.conn
        .query_row(
            "SELECT p.login, coalesce(a.login, ''), c.title, c.additions FROM contributions c
             JOIN people p ON p.id = c.person_id LEFT JOIN people a ON a.id = c.account_id
             WHERE c.key = 'pr_merged/o/r#7'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap()
}

fn kind_of(s: &Store, key: &str) -> Kind {
    let code: i64 = s
        .conn
        .query_row(
            "SELECT kind FROM contributions WHERE key = ?1",
            [key],
            |r| r.get(0),
        )
        .unwrap();
    Kind::from_code(code).unwrap()
}

fn squash_votes(s: &Store) -> Vec<(String, String, String)> {
    let mut st = s
        .conn
        .prepare("SELECT account, login, evidence FROM identity_votes WHERE method = 'squash_pr' ORDER BY 1, 2")
        .unwrap();
    let rows = st
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap();
    rows.collect::<rusqlite::Result<_>>().unwrap()
}

fn in_repo_people(s: &Store, login: &str) -> bool {
    s.conn
        .query_row(
            "SELECT count(*) FROM repo_people rp JOIN people p ON p.id = rp.person_id WHERE p.login = ?1",
            [login],
            |r| r.get::<_, i64>(0),
        )
        .unwrap()
        > 0
}

#[test]
fn a_pr_git_told_of_first_moves_to_its_github_author() {
    let mut s = temp_store("pr-git-first");
    load_batch(&mut s, Source::Git, "git", &pr7_from_git());
    assert_eq!(
        pr7(&s),
        (
            "git:aaa".into(),
            String::new(),
            "Speed up the loader".into(),
            Some(5)
        )
    );
    assert_eq!(
        kind_of(&s, "commit/o/r@s7"),
        Kind::PrCommit,
        "the squash commit is the PR's: the work counts once"
    );
    assert!(
        squash_votes(&s).is_empty(),
        "a PR credited to the commit's own account names nobody"
    );
    assert!(in_repo_people(&s, "git:aaa"));
    assert_consistent(&s);

    load_batch(&mut s, Source::Github, "gharchive", &[pr7_from_github()]);
    assert_eq!(
        pr7(&s),
        (
            "ana".into(),
            String::new(),
            "Speed up the loader, by ana".into(),
            Some(5)
        ),
        "credited to GitHub's author; GitHub's fields win, git's fill the rest"
    );
    assert_eq!(
        squash_votes(&s),
        vec![(
            "git:aaa".into(),
            "ana".into(),
            "https://github.com/o/r/pull/7".into()
        )],
        "the squash commit's account votes for the PR's author"
    );
    assert!(in_repo_people(&s, "ana"));
    assert!(
        !in_repo_people(&s, "git:aaa"),
        "aaa's only work left is the PR's commit, which counts for no breadth"
    );
    assert_consistent(&s);
    assert_eq!(
        person_of(&s, "git:aaa"),
        "git:aaa",
        "one vote suggests, it does not link"
    );
    let sugg = s.identity_suggestions(None, 10).unwrap();
    assert!(
        sugg.iter()
            .any(|x| x.account == "git:aaa" && x.person == "ana" && x.method == Method::SquashPr),
        "{sugg:?}"
    );

    // the same history again: nothing moves back
    load_batch(&mut s, Source::Git, "git again", &pr7_from_git());
    assert_eq!(pr7(&s).0, "ana");
    assert_consistent(&s);
}

#[test]
fn a_pr_github_told_of_first_keeps_its_author() {
    let mut s = temp_store("pr-github-first");
    load_batch(&mut s, Source::Github, "gharchive", &[pr7_from_github()]);
    load_batch(&mut s, Source::Git, "git", &pr7_from_git());
    assert_eq!(
        pr7(&s),
        (
            "ana".into(),
            String::new(),
            "Speed up the loader, by ana".into(),
            Some(5)
        ),
        "GitHub's credit and title stay; git only fills what was missing"
    );
    assert_eq!(kind_of(&s, "commit/o/r@s7"), Kind::PrCommit);
    assert_eq!(
        squash_votes(&s),
        vec![(
            "git:aaa".into(),
            "ana".into(),
            "https://github.com/o/r/pull/7".into()
        )]
    );
    assert!(!in_repo_people(&s, "git:aaa"));
    assert_consistent(&s);
}

#[test]
fn a_pr_credited_to_a_linked_git_account_moves_to_the_account_github_names() {
    let mut s = temp_store("pr-linked");
    // aaa is ana's by a noreply address: its PR counts for ana through the account
    let mut b = s.begin().unwrap();
    b.prove_link(&git("aaa"), &gh(1, "ana"), DAY, Method::Noreply, "noreply")
        .unwrap();
    for r in pr7_from_git() {
        b.add(&r).unwrap();
    }
    b.commit(
        &InputFile {
            source: Source::Git,
            path: "git".into(),
            size: 0,
            checksum: "git".into(),
        },
        &ReadReport::new(Source::Git),
    )
    .unwrap();
    assert_eq!(pr7(&s).0, "ana");
    assert_eq!(pr7(&s).1, "git:aaa");
    assert!(
        squash_votes(&s).is_empty(),
        "no vote of aaa for the person it is a member of"
    );
    assert_consistent(&s);
    // GH Archive credits the same PR to bo: the PR is bo's
    let mut pr = pr7_from_github();
    if let Record::Contribution(c) = &mut pr {
        c.actor = gh(2, "bo");
    }
    load_batch(&mut s, Source::Github, "gharchive", &[pr]);
    assert_eq!((pr7(&s).0.as_str(), pr7(&s).1.as_str()), ("bo", ""));
    assert!(in_repo_people(&s, "bo"));
    assert!(
        !in_repo_people(&s, "ana"),
        "ana's only work left here is the PR's commit"
    );
    assert_consistent(&s);
}
