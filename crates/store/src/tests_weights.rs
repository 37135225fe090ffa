//! Weights through the write path, on hand-built conversations: bursts and thread caps that
//! volume cannot beat, review rounds, behaviour flags, and a rollup that always equals its rows.

use crate::{CellQuery, InputFile, Store};
use builtby_model::{Actor, Contribution, Kind, ReadReport, Record, Source};

fn temp_store(name: &str) -> Store {
    let dir = std::env::temp_dir().join(format!("builtby-weights-{}-{name}", std::process::id()));
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

const T0: i64 = 1_700_000_000 / 3600 * 3600;

fn c(
    key: &str,
    kind: Kind,
    who: &Actor,
    at: i64,
    number: Option<i64>,
    body: Option<&str>,
) -> Record {
    let repo = key.split('/').skip(1).take(2).collect::<Vec<_>>().join("/");
    let repo = repo.split(['#', '@']).next().unwrap().to_string();
    let mut x = Contribution::new(key.into(), kind, repo, who.clone(), at);
    x.number = number;
    x.title = Some(format!("title of {key}"));
    x.body = body.map(str::to_string);
    Record::Contribution(Box::new(x))
}

fn load(s: &mut Store, name: &str, records: &[Record]) {
    let mut b = s.begin().unwrap();
    for r in records {
        b.add(r).unwrap();
    }
    b.commit(
        &InputFile {
            source: Source::Gharchive,
            path: name.into(),
            size: 0,
            checksum: name.into(),
        },
        &ReadReport::new(Source::Gharchive),
    )
    .unwrap();
}

/// The sum of a person's weights over kinds, from the rollup.
fn weight_of(s: &Store, login: &str, kinds: &[Kind]) -> f64 {
    let id: i64 = s
        .conn
        .query_row("SELECT id FROM people WHERE login = ?1", [login], |r| {
            r.get(0)
        })
        .unwrap();
    s.cells(&CellQuery {
        person_ids: Some(vec![id]),
        kinds: Some(kinds.to_vec()),
        ..Default::default()
    })
    .unwrap()
    .iter()
    .map(|c| c.w)
    .sum()
}

fn why(s: &Store, key: &str) -> (f64, Option<String>) {
    s.conn
        .query_row(
            "SELECT weight, why FROM contributions WHERE key = ?1",
            [key],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap()
}

fn assert_rollup_matches_rows(s: &Store) {
    let q = |sql: &str| -> Vec<(i64, i64, i64, i64, i64, i64)> {
        let mut st = s.conn.prepare(sql).unwrap();
        let rows = st
            .query_map([], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            })
            .unwrap();
        rows.collect::<rusqlite::Result<_>>().unwrap()
    };
    assert_eq!(
        q("SELECT repo_id, kind, day, person_id, n, CAST(round(w * 1e6) AS INTEGER) FROM rollup ORDER BY 1, 2, 3, 4"),
        q("SELECT repo_id, kind, at / 86400, person_id, count(*), CAST(round(total(weight) * 1e6) AS INTEGER) FROM contributions GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4"),
    );
}

/// A bulk import of 300 comments in one hour is worth at most `CAP_PER_HOUR` comments, and
/// says so on every row; a person with ten comments spread over ten hours keeps all ten.
/// Loaded in two files, the cap covers the hour across both.
#[test]
fn a_burst_is_capped_whoever_loads_it() {
    let mut s = temp_store("burst");
    let bulk = gh(1, "bulk");
    let steady = gh(2, "steady");
    let mut first = Vec::new();
    let mut second = Vec::new();
    for i in 0..300 {
        let r = c(
            &format!("issue_comment/o/r/{i}"),
            Kind::IssueComment,
            &bulk,
            T0 + i * 10,
            Some(i),
            Some("Imported from the old tracker"),
        );
        if i < 150 {
            first.push(r);
        } else {
            second.push(r);
        }
    }
    for i in 0..10 {
        first.push(c(
            &format!("issue_comment/o/r/{}", 1000 + i),
            Kind::IssueComment,
            &steady,
            T0 + i * 3600,
            Some(1000 + i),
            Some("I can reproduce this on main."),
        ));
    }
    load(&mut s, "a", &first);
    assert!((weight_of(&s, "bulk", &[Kind::IssueComment]) - 10.0).abs() < 1e-9);
    load(&mut s, "b", &second);
    let bulk_w = weight_of(&s, "bulk", &[Kind::IssueComment]);
    assert!((bulk_w - 10.0).abs() < 1e-9, "{bulk_w}");
    assert!((weight_of(&s, "steady", &[Kind::IssueComment]) - 10.0).abs() < 1e-9);
    let (w, reason) = why(&s, "issue_comment/o/r/7");
    assert!((w - 10.0 / 300.0).abs() < 1e-9);
    assert_eq!(
        reason.as_deref(),
        Some("burst: 300 in one hour, counted as 10")
    );
    assert_rollup_matches_rows(&s);
}

/// Fifty "+1"s on one PR do not beat one substantive review comment plus a few ordinary ones.
#[test]
fn volume_gaming_on_one_thread_does_not_win() {
    let mut s = temp_store("gaming");
    let gamer = gh(1, "gamer");
    let reviewer = gh(2, "reviewer");
    let mut recs = Vec::new();
    for i in 0..50 {
        recs.push(c(
            &format!("review_comment/o/r/{i}"),
            Kind::ReviewComment,
            &gamer,
            // spread over days, so only the thread cap applies
            T0 + i * 86_400,
            Some(7),
            Some(if i % 2 == 0 { "+1" } else { "LGTM" }),
        ));
    }
    recs.push(c(
        "review_comment/o/r/900",
        Kind::ReviewComment,
        &reviewer,
        T0,
        Some(8),
        Some("```suggestion\nout = torch.empty_like(x)\n```"),
    ));
    recs.push(c(
        "review_comment/o/r/901",
        Kind::ReviewComment,
        &reviewer,
        T0 + 60,
        Some(9),
        Some("This copies the whole KV cache on every step; the memory cost grows with the batch."),
    ));
    recs.push(c(
        "review_comment/o/r/902",
        Kind::ReviewComment,
        &reviewer,
        T0 + 120,
        Some(9),
        Some("Please rename this variable."),
    ));
    load(&mut s, "a", &recs);
    let gamer_w = weight_of(&s, "gamer", &[Kind::ReviewComment]);
    let reviewer_w = weight_of(&s, "reviewer", &[Kind::ReviewComment]);
    // 50 acknowledgements × 0.25 = 12.5, capped at 5 for the thread
    assert!((gamer_w - 5.0).abs() < 1e-9, "{gamer_w}");
    // 2 + 2 + 1
    assert!((reviewer_w - 5.0).abs() < 1e-9, "{reviewer_w}");
    let (_, reason) = why(&s, "review_comment/o/r/3");
    assert_eq!(
        reason.as_deref(),
        Some("an acknowledgement; 50 worth 12.5 on one thread, counted as 5")
    );
    assert_eq!(
        why(&s, "review_comment/o/r/900").1.as_deref(),
        Some("substantive: proposes code")
    );
    assert_rollup_matches_rows(&s);
}

/// A merged PR, reviewed twice by others and answered by its author, becomes one
/// `pr_revised` row weighted by its rounds whichever order the conversation arrives in;
/// a PR nobody reviewed, or whose author never answered, does not.
#[test]
fn revised_prs_from_the_conversation_in_any_order() {
    for order in [false, true] {
        let mut s = temp_store(&format!("revised-{order}"));
        let ana = gh(1, "ana");
        let rev = gh(2, "rev");
        let merged = vec![
            c(
                "pr_merged/o/r#5",
                Kind::PrMerged,
                &ana,
                T0 + 9000,
                Some(5),
                None,
            ),
            c(
                "pr_merged/o/r#6",
                Kind::PrMerged,
                &ana,
                T0 + 9000,
                Some(6),
                None,
            ),
            c(
                "pr_merged/o/r#7",
                Kind::PrMerged,
                &ana,
                T0 + 9000,
                Some(7),
                None,
            ),
        ];
        let talk = vec![
            c(
                "review/o/r/1",
                Kind::Review,
                &rev,
                T0,
                Some(5),
                Some("Needs a test."),
            ),
            c(
                "review/o/r/2",
                Kind::Review,
                &rev,
                T0 + 4000,
                Some(5),
                Some("Better."),
            ),
            c(
                "review_comment/o/r/3",
                Kind::ReviewComment,
                &rev,
                T0 + 10,
                Some(5),
                Some("Why not reuse the scheduler's step here, so both paths agree?"),
            ),
            c(
                "review_comment/o/r/4",
                Kind::ReviewComment,
                &ana,
                T0 + 3000,
                Some(5),
                Some("Good point: moved it into the scheduler and added a test for both paths."),
            ),
            // PR 6: reviewed, never answered
            c(
                "review/o/r/5",
                Kind::Review,
                &rev,
                T0,
                Some(6),
                Some("Please add docs."),
            ),
            // PR 7: only the author talks
            c(
                "review_comment/o/r/6",
                Kind::ReviewComment,
                &ana,
                T0,
                Some(7),
                Some("Note to self"),
            ),
        ];
        if order {
            load(&mut s, "talk", &talk);
            load(&mut s, "merged", &merged);
        } else {
            load(&mut s, "merged", &merged);
            load(&mut s, "talk", &talk);
        }
        let (w, reason) = why(&s, "pr_revised/o/r#5");
        assert_eq!(w, 2.0);
        let reason = reason.unwrap();
        assert!(
            reason.starts_with(
                "2 review rounds by others, then merged; the author answered: “Good point"
            ),
            "{reason}"
        );
        let n: i64 = s
            .conn
            .query_row(
                "SELECT count(*) FROM contributions WHERE kind = ?1",
                [Kind::PrRevised.code()],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(n, 1, "only PR 5 was revised after review");
        assert!((weight_of(&s, "ana", &[Kind::PrRevised]) - 2.0).abs() < 1e-9);
        assert_rollup_matches_rows(&s);
    }
}

/// Pushes by the hundred in one hour, or nothing but badge PRs into other people's
/// repositories, flag an account with the reason; ordinary activity does not.
#[test]
fn behaviour_flags_with_reasons() {
    let mut s = temp_store("behaviour");
    let mirror = gh(1, "mirror-sync");
    let chef = gh(2, "badge-chef");
    let ana = gh(3, "ana");
    let mut recs = Vec::new();
    for i in 0..70 {
        recs.push(c(
            &format!("push/m/x/{i}"),
            Kind::Push,
            &mirror,
            T0 + i * 30,
            None,
            None,
        ));
    }
    for i in 0..3 {
        let mut r = Contribution::new(
            format!("pr_opened/other{i}/lib#1"),
            Kind::PrOpened,
            format!("other{i}/lib"),
            chef.clone(),
            T0 + i,
        );
        r.number = Some(1);
        r.title = Some("Add a Bitdeli Badge to README".into());
        recs.push(Record::Contribution(Box::new(r)));
    }
    for i in 0..5 {
        recs.push(c(
            &format!("push/ana/lib/{i}"),
            Kind::Push,
            &ana,
            T0 + i * 600,
            None,
            None,
        ));
    }
    let mut own = Contribution::new(
        "pr_opened/ana/lib#2".into(),
        Kind::PrOpened,
        "ana/lib".into(),
        ana.clone(),
        T0,
    );
    own.title = Some("Add a coverage badge".into());
    recs.push(Record::Contribution(Box::new(own)));
    load(&mut s, "a", &recs);
    let flag_in = |s: &Store, login: &str| -> Option<String> {
        s.conn
            .query_row(
                "SELECT behaviour FROM people WHERE login = ?1",
                [login],
                |r| r.get(0),
            )
            .unwrap()
    };
    let flag = |login: &str| flag_in(&s, login);
    assert!(flag("mirror-sync")
        .unwrap()
        .starts_with("70 pushes in one hour"));
    assert_eq!(
        flag("badge-chef").as_deref(),
        Some("opens only badge-adding PRs in other people's repositories (3)")
    );
    assert_eq!(flag("ana"), None);

    // Later files: a burst split over two files is found by the second (only the days a file
    // adds pushes on are read for an account not flagged); code work clears the badge flag.
    let relay = gh(4, "relay");
    let half = |from: i64, file: &str| -> Vec<Record> {
        (from..from + 35)
            .map(|i| {
                c(
                    &format!("push/relay/y/{file}{i}"),
                    Kind::Push,
                    &relay,
                    T0 + 86_400 + i * 30,
                    None,
                    None,
                )
            })
            .collect()
    };
    load(&mut s, "b", &half(0, "b"));
    assert_eq!(flag_in(&s, "relay"), None, "35 in the hour so far");
    let mut more = half(35, "c");
    more.push(c(
        "commit/badge-chef/other0/lib/1",
        Kind::Commit,
        &chef,
        T0 + 5,
        None,
        None,
    ));
    load(&mut s, "c", &more);
    assert!(
        flag_in(&s, "relay").is_some_and(|f| f.starts_with("70 pushes in one hour")),
        "{:?}",
        flag_in(&s, "relay")
    );
    assert_eq!(flag_in(&s, "badge-chef"), None, "has code work now");
    assert!(flag_in(&s, "mirror-sync").is_some());
}

/// Mechanical and huge changes weigh less, with the reason; the batch path and the whole-store
/// regrade (migration `0011_weights`) agree.
#[test]
fn code_changes_are_graded_and_the_regrade_agrees() {
    let mut s = temp_store("code");
    let ana = gh(1, "ana");
    let mut recs = Vec::new();
    let mut add = |key: &str, title: &str, files: usize| {
        let mut x = Contribution::new(key.into(), Kind::Commit, "o/r".into(), ana.clone(), T0);
        x.title = Some(title.into());
        x.paths = (0..files)
            .map(|i| builtby_model::ChangedPath {
                path: format!("src/m{i}.py"),
                added: Some(5),
                deleted: Some(2),
            })
            .collect();
        recs.push(Record::Contribution(Box::new(x)));
    };
    add("commit/o/r@a", "Add flash attention for ROCm", 3);
    add("commit/o/r@b", "CHORE Upgrade ruff", 3);
    add("commit/o/r@c", "Modular pipelines", 160);
    load(&mut s, "a", &recs);
    assert_eq!(why(&s, "commit/o/r@a"), (1.0, None));
    assert_eq!(
        why(&s, "commit/o/r@b"),
        (0.1, Some("mechanical: a chore".into()))
    );
    assert_eq!(
        why(&s, "commit/o/r@c"),
        (0.25, Some("large change: 160 files".into()))
    );
    let before: Vec<(f64, Option<String>)> = ["a", "b", "c"]
        .iter()
        .map(|k| why(&s, &format!("commit/o/r@{k}")))
        .collect();
    s.conn
        .execute("UPDATE contributions SET weight = 1, why = NULL", [])
        .unwrap();
    let tx = s.conn.transaction().unwrap();
    crate::batch::weights::regrade_all(&tx).unwrap();
    tx.commit().unwrap();
    let after: Vec<(f64, Option<String>)> = ["a", "b", "c"]
        .iter()
        .map(|k| why(&s, &format!("commit/o/r@{k}")))
        .collect();
    assert_eq!(before, after);
    assert_rollup_matches_rows(&s);
}
