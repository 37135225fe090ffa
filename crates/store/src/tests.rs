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
        source: "test".into(),
        path: name.into(),
        size: 1,
        checksum: format!("sum-{name}"),
    }
}

fn load(store: &mut Store, name: &str, records: &[Record]) -> LoadSummary {
    let inp = input(name);
    let mut l = store.begin_file(&inp).unwrap();
    for r in records {
        l.add(r).unwrap();
    }
    l.commit(&inp, records.len() as u64, true, "{}").unwrap()
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
        let inp = input("f");
        let mut l = s.begin_file(&inp).unwrap();
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
