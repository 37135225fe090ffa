//! Searches against a real store: what the SQL built from a query does (issue 9).

use builtby_model::{time::DAY, Actor, BotRules, Contribution, Kind, Record};
use builtby_search::query::{Params, Query};
use builtby_search::{search, Catalog};
use builtby_store::{InputFile, Store};

fn temp(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("builtby-search-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// 300 repositories `o/r0`… with one merged PR each by `ana` (day 19_000 + i), and one
/// merged PR by `bo` in 2021 in `o/r0`.
fn store(name: &str) -> Store {
    let mut store = Store::open(&temp(name)).unwrap();
    let ana = Actor {
        github_id: Some(1),
        login: "ana".into(),
        is_bot_type: false,
    };
    let bo = Actor {
        github_id: Some(2),
        login: "bo".into(),
        is_bot_type: false,
    };
    let mut records = Vec::new();
    for i in 0..300i64 {
        let mut c = Contribution::new(
            format!("k{i}"),
            Kind::PrMerged,
            format!("o/r{i}"),
            ana.clone(),
            (19_000 + i) * DAY,
        );
        c.number = Some(i + 1);
        c.title = Some(format!("Fix the kernel {i}"));
        records.push(Record::Contribution(Box::new(c)));
    }
    let mut later = Contribution::new(
        "late".into(),
        Kind::PrMerged,
        "o/r0".into(),
        bo,
        18_830 * DAY, // 2021-07-22
    );
    later.number = Some(999);
    later.title = Some("The kernel again".into());
    records.push(Record::Contribution(Box::new(later)));
    let mut load = store.begin().unwrap();
    for r in &records {
        load.add(r).unwrap();
    }
    let input = InputFile {
        source: builtby_model::Source::Github,
        path: "fixture.json".into(),
        size: 1,
        checksum: format!("sum-{name}"),
    };
    load.commit(
        &input,
        &builtby_model::ReadReport::new(builtby_model::Source::Github),
    )
    .unwrap();
    store
}

/// A commit by `cy` in `repo` touching `paths`: folders with stored paths are areas.
fn add_commit_with_paths(store: &mut Store, repo: &str, paths: &[String]) {
    let mut c = Contribution::new(
        format!("commit/{repo}@1"),
        Kind::Commit,
        repo.into(),
        Actor {
            github_id: Some(3),
            login: "cy".into(),
            is_bot_type: false,
        },
        19_100 * DAY,
    );
    c.paths = paths
        .iter()
        .map(|p| builtby_model::ChangedPath {
            path: p.clone(),
            added: Some(1),
            deleted: Some(0),
        })
        .collect();
    let mut load = store.begin().unwrap();
    load.add(&Record::Contribution(Box::new(c))).unwrap();
    let input = InputFile {
        source: builtby_model::Source::Git,
        path: "git".into(),
        size: 1,
        checksum: format!("sum-git-{repo}"),
    };
    load.commit(
        &input,
        &builtby_model::ReadReport::new(builtby_model::Source::Git),
    )
    .unwrap();
}

fn query(pairs: &[(&str, String)]) -> Query {
    let p: Params = pairs.iter().map(|(n, v)| (*n, v.clone())).collect();
    p.build(&Catalog::shipped(), 20_000 * DAY).unwrap()
}

/// Defect 3: the most paths and areas a query may name, in a few hundred repositories, make
/// SQL SQLite accepts (each path in each repository was once an `OR` term: 30,000 of them).
#[test]
fn the_largest_allowed_lists_make_sql_sqlite_accepts() {
    let mut store = store("lists");
    // The areas are folders with stored paths (an unknown area is refused before any SQL).
    let folders: Vec<String> = (0..100).map(|i| format!("a{i}/x.py")).collect();
    add_commit_with_paths(&mut store, "o/r0", &folders);
    let c = Catalog::shipped();
    let mut pairs: Vec<(&str, String)> = vec![("repo", "o/*".into())];
    pairs.extend((0..100).map(|i| ("path", format!("p{i}/"))));
    pairs.extend((0..100).map(|i| ("area", format!("a{i}"))));
    let q = query(&pairs);
    let r = search(&store, &c, &BotRules::default(), &q).unwrap();
    assert_eq!(r.repos_matched.len(), 300);
    assert_eq!(r.total, 1, "only the commit has paths");
    assert_eq!(r.results[0].login, "cy");
    // And with text too (the other SQL shape).
    pairs.push(("text", "kernel".into()));
    let q = query(&pairs);
    search(&store, &c, &BotRules::default(), &q).unwrap();
}

/// Defect 5: as_of is the world as it was then: later work is not counted, scored, or shown.
#[test]
fn as_of_ignores_later_work() {
    let store = store("as-of");
    let c = Catalog::shipped();
    let bots = BotRules::default();
    // as of 2021-01-01 (day 18_628): ana's work (2022-01 on) and bo's (2021-07) are later.
    let r = search(&store, &c, &bots, &query(&[("as_of", "2021-01-01".into())])).unwrap();
    assert_eq!(r.total, 0, "{:?}", r.results.first().map(|p| &p.login));
    let r = search(&store, &c, &bots, &query(&[("as_of", "1970-01-01".into())])).unwrap();
    assert_eq!(r.total, 0);
    // as of 2021-08-01: bo only (his PR is from 2021-07-22); ana's 2022 work is later.
    let q = query(&[("as_of", "2021-08-01".into()), ("text", "kernel".into())]);
    let r = search(&store, &c, &bots, &q).unwrap();
    assert_eq!(r.total, 1);
    assert_eq!(r.results[0].login, "bo");
    assert!(r.results[0]
        .evidence
        .iter()
        .all(|e| e.at.as_str() < "2021-08-02"));
    let q = query(&[("as_of", "2021-08-01".into())]);
    let r = search(&store, &c, &bots, &q).unwrap();
    assert_eq!(r.total, 1, "without text too");
    // An until after as_of is as_of.
    let q = query(&[
        ("as_of", "2021-08-01".into()),
        ("until", "2030-01-01".into()),
    ]);
    assert_eq!(search(&store, &c, &bots, &q).unwrap().total, 1);
}

/// Defect 2: a word typed many times is one term for the index.
#[test]
fn repeated_words_are_one_term() {
    let store = store("repeat");
    let c = Catalog::shipped();
    let q = query(&[("text", "kernel KERNEL kernel again".into())]);
    let r = search(&store, &c, &BotRules::default(), &q).unwrap();
    assert_eq!(r.total, 1);
    assert_eq!(
        builtby_store::fts_terms("kernel KERNEL kernel again"),
        ["kernel", "again"]
    );
}

/// Issue 11: work off GitHub is ranked by what its source measured, filtered by platform,
/// tier, downloads and papers, and explained in evidence.
#[test]
fn models_kaggle_and_papers_rank_filter_and_explain() {
    use builtby_model::{Identity, Measures, Namespace};
    let mut store = Store::open(&temp("measured")).unwrap();
    let gh = |id: i64, login: &str| Actor {
        github_id: Some(id),
        login: login.into(),
        is_bot_type: false,
    };
    let other = |ns: Namespace, key: &str| Actor {
        github_id: None,
        login: Identity {
            namespace: ns,
            key: key.into(),
        }
        .to_string(),
        is_bot_type: false,
    };
    let day = 20_000 * DAY;
    let work = |key: &str, kind: Kind, place: &str, who: Actor, m: Option<Measures>| {
        let mut c = Contribution::new(key.into(), kind, place.into(), who, day);
        c.title = Some(key.into());
        c.url = Some(format!("https://{place}"));
        c.number = (kind == Kind::PrMerged).then_some(1);
        c.measures = m;
        Record::Contribution(Box::new(c))
    };
    let gm = Measures {
        category: Some("competitions".into()),
        tier: Some(4),
        ..Default::default()
    };
    let records = vec![
        // a Kaggle grandmaster alone, a PR author alone, and both (one person: a GitHub account)
        work(
            "t-ana",
            Kind::KaggleTier,
            "kaggle.com/ana",
            other(Namespace::Kaggle, "ana"),
            Some(gm.clone()),
        ),
        work(
            "pr-bo",
            Kind::PrMerged,
            "pytorch/pytorch",
            gh(2, "bo"),
            None,
        ),
        work(
            "pr-cy",
            Kind::PrMerged,
            "pytorch/pytorch",
            gh(3, "cy"),
            None,
        ),
        work(
            "t-cy",
            Kind::KaggleTier,
            "kaggle.com/cy",
            gh(3, "cy"),
            Some(gm),
        ),
        work(
            "m-di",
            Kind::Model,
            "huggingface.co/di/tiny-bert",
            other(Namespace::HuggingFace, "di"),
            Some(Measures {
                downloads: Some(25_000),
                likes: Some(3),
                card_score: Some(0.75),
                card_note: Some("card: 6 of 8 sections, usage example".into()),
                ..Default::default()
            }),
        ),
        work(
            "p-ed",
            Kind::Paper,
            "arxiv.org/abs/2101.00001",
            other(Namespace::Arxiv, "ed nguyen"),
            Some(Measures {
                categories: vec!["cs.LG".into()],
                code_url: Some("https://github.com/o/r".into()),
                ..Default::default()
            }),
        ),
    ];
    let mut load = store.begin().unwrap();
    for r in &records {
        load.add(r).unwrap();
    }
    load.commit(
        &InputFile {
            source: builtby_model::Source::Github,
            path: "m".into(),
            size: 1,
            checksum: "m".into(),
        },
        &builtby_model::ReadReport::new(builtby_model::Source::Github),
    )
    .unwrap();
    let run = |pairs: &[(&str, &str)]| -> Vec<String> {
        let mut p: Params = pairs
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        p.push("as_of", "2024-12-01");
        let q = p
            .build(&Catalog::shipped(), builtby_model::time::now())
            .unwrap();
        search(&store, &Catalog::shipped(), &BotRules::default(), &q)
            .unwrap()
            .results
            .into_iter()
            .map(|r| r.display)
            .collect()
    };
    let all = run(&[]);
    assert_eq!(all[0], "cy", "grandmaster with merged PRs first: {all:?}");
    let pos = |who: &str| all.iter().position(|x| x == who).unwrap();
    assert!(
        pos("cy") < pos("ana (Kaggle)") && pos("cy") < pos("bo"),
        "{all:?}"
    );
    assert_eq!(run(&[("source", "kaggle")]), ["cy", "ana (Kaggle)"]);
    assert_eq!(run(&[("source", "huggingface")]), ["di (Hugging Face)"]);
    assert_eq!(run(&[("kaggle_tier", "master")]).len(), 2);
    assert_eq!(
        run(&[("kaggle_tier", "master"), ("source", "github")]),
        ["cy"],
        "GitHub work of masters"
    );
    assert_eq!(run(&[("min_downloads", "10000")]), ["di (Hugging Face)"]);
    assert!(run(&[("min_downloads", "100000")]).is_empty());
    assert_eq!(run(&[("papers", "cs.LG")]), ["ed nguyen (arXiv)"]);
    assert!(run(&[("papers", "cs.CV")]).is_empty());
    assert!(run(&[("source", "kaggle"), ("kind", "review")]).is_empty());
    // evidence says what was measured
    let q = Params::from_iter([("source", "huggingface"), ("as_of", "2024-12-01")])
        .build(&Catalog::shipped(), builtby_model::time::now())
        .unwrap();
    let r = search(&store, &Catalog::shipped(), &BotRules::default(), &q).unwrap();
    let ev = &r.results[0].evidence[0];
    assert_eq!(ev.url, "https://huggingface.co/di/tiny-bert");
    let m = ev.measured.as_deref().unwrap();
    assert!(
        m.contains("25,000 downloads") && m.contains("6 of 8 sections"),
        "{m}"
    );
    let models = r.results[0]
        .details
        .iter()
        .find(|d| d.rule == "models")
        .unwrap();
    assert!(models.score > 0.0 && models.used[0].repo == "huggingface.co/di/tiny-bert");
    // bad values name the parameter
    for (p, v) in [
        ("source", "myspace"),
        ("kaggle_tier", "wizard"),
        ("min_downloads", "-3"),
        ("papers", "x y"),
    ] {
        let e = Params::from_iter([(p, v)])
            .build(&Catalog::shipped(), 0)
            .unwrap_err();
        assert_eq!(e.param, p, "{e:?}");
    }
}

/// An area that is neither a name in the repositories searched nor a folder with stored paths
/// is an error naming `area`, whatever else the query says.
#[test]
fn unknown_areas_are_refused() {
    let mut store = store("unknown-areas");
    add_commit_with_paths(&mut store, "o/r1", &["src/lora/layer.py".to_string()]);
    let c = Catalog::shipped();
    let bots = BotRules::default();
    let err = |pairs: &[(&str, String)]| match search(&store, &c, &bots, &query(pairs)) {
        Err(builtby_search::SearchError::Query(q)) => q,
        other => panic!("{pairs:?}: {:?}", other.map(|r| r.total)),
    };
    let e = err(&[("area", "FSDP".into())]);
    assert_eq!(e.param, "area");
    assert!(e.message.contains("Areas named in the catalog"), "{e}");
    let e = err(&[("repo", "o/r1".into()), ("area", "src/LoRA".into())]);
    assert!(e.message.contains("No areas are named in o/r1"), "{e}");
    // among several areas, the unknown one is named
    let e = err(&[("area", "tests".into()), ("area", "single file".into())]);
    assert!(e.message.contains("unknown area `single file`"), "{e}");
    for area in ["src/lora", "src", "tests"] {
        let q = query(&[("repo", "o/r1".into()), ("area", area.into())]);
        assert!(search(&store, &c, &bots, &q).is_ok(), "{area}");
    }
    // a repository filter that matched nothing says so (no results), not "unknown area"
    let q = query(&[("repo", "nobody/here".into()), ("area", "FSDP".into())]);
    let r = search(&store, &c, &bots, &q).unwrap();
    assert!(r.repos_matched.is_empty() && r.total == 0);
}
