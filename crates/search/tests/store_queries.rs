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

fn query(pairs: &[(&str, String)]) -> Query {
    let p: Params = pairs.iter().map(|(n, v)| (*n, v.clone())).collect();
    p.build(&Catalog::shipped(), 20_000 * DAY).unwrap()
}

/// Defect 3: the most paths and areas a query may name, in a few hundred repositories, make
/// SQL SQLite accepts (each path in each repository was once an `OR` term: 30,000 of them).
#[test]
fn the_largest_allowed_lists_make_sql_sqlite_accepts() {
    let store = store("lists");
    let c = Catalog::shipped();
    let mut pairs: Vec<(&str, String)> = vec![("repo", "o/*".into())];
    pairs.extend((0..100).map(|i| ("path", format!("p{i}/"))));
    pairs.extend((0..100).map(|i| ("area", format!("a{i}"))));
    let q = query(&pairs);
    let r = search(&store, &c, &BotRules::default(), &q).unwrap();
    assert_eq!(r.repos_matched.len(), 300);
    assert_eq!(r.total, 0, "no contribution has paths");
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
