//! Fuzz target for the query parser (`query::Params::build`), on stable Rust: proptest
//! generates the inputs and shrinks failures; `fuzz/corpus/query/` is replayed first. See
//! `fuzz/README.md`. `BUILTBY_FUZZ_CASES` sets the number of generated cases (default 2,000).

use builtby_model::time::DAY;
use builtby_search::query::{
    Params, QueryError, MAX_HALF_LIFE, MAX_LIMIT, MAX_LIST, MAX_TEXT_TERMS, MIN_HALF_LIFE,
    SEARCH_PARAMS,
};
use builtby_search::Catalog;
use builtby_store::{CellQuery, Store};
use proptest::prelude::*;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

const NOW: i64 = 20_000 * DAY;

fn catalog() -> &'static Catalog {
    static C: OnceLock<Catalog> = OnceLock::new();
    C.get_or_init(Catalog::shipped)
}

/// A small store with full-text rows, for checking that accepted `text` is a valid MATCH.
fn store() -> &'static std::sync::Mutex<Store> {
    static S: OnceLock<std::sync::Mutex<Store>> = OnceLock::new();
    S.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("builtby-fuzz-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let mut store = Store::open(&dir).unwrap();
        let mut c = builtby_model::Contribution::new(
            "k".into(),
            builtby_model::Kind::PrMerged,
            "o/r".into(),
            builtby_model::Actor {
                github_id: Some(1),
                login: "ana".into(),
                is_bot_type: false,
            },
            19_000 * DAY,
        );
        c.title = Some("Fix the NCCL timeout in the kernel".into());
        let mut load = store.begin().unwrap();
        load.add(&builtby_model::Record::Contribution(Box::new(c)))
            .unwrap();
        load.commit(
            &builtby_store::InputFile {
                source: builtby_model::Source::Github,
                path: "f".into(),
                size: 1,
                checksum: "fuzz".into(),
            },
            &builtby_model::ReadReport::new(builtby_model::Source::Github),
        )
        .unwrap();
        std::sync::Mutex::new(store)
    })
}

/// Everything one input must satisfy.
fn check(pairs: &[(String, String)]) -> Result<(), TestCaseError> {
    let c = catalog();
    let p: Params = pairs.iter().cloned().collect();
    let built = p.build(c, NOW);
    // The order of the pairs does not matter for whether, or where, a query is refused.
    let reversed: Params = pairs.iter().rev().cloned().collect();
    let again = reversed.build(c, NOW);
    prop_assert_eq!(
        built.as_ref().map(|_| ()).map_err(|e| e.param),
        again.as_ref().map(|_| ()).map_err(|e| e.param)
    );
    match built {
        Err(QueryError { param, message }) => {
            prop_assert!(
                param == "query" || SEARCH_PARAMS.iter().any(|p| p.0 == param),
                "unnamed parameter {param}"
            );
            prop_assert!(!message.is_empty());
        }
        Ok(q) => {
            prop_assert!(q.validate(c).is_ok(), "{:?}", q.validate(c));
            prop_assert!((1..=MAX_LIMIT).contains(&q.limit));
            prop_assert!((MIN_HALF_LIFE..=MAX_HALF_LIFE).contains(&q.half_life_months));
            prop_assert!(q.repos.len() <= MAX_LIST && q.areas.len() <= MAX_LIST);
            prop_assert!(q.paths.len() <= MAX_LIST);
            if let (Some(s), Some(u)) = (q.since, q.until) {
                prop_assert!(s <= u);
            }
            if let Some(s) = q.since {
                prop_assert!(s <= q.as_of);
            }
            if let Some(t) = &q.text {
                let terms = builtby_store::fts_terms(t);
                prop_assert!(!terms.is_empty() && terms.len() <= MAX_TEXT_TERMS);
                // Accepted text is a valid full-text query.
                let store = store().lock().unwrap();
                let r = store.cells(&CellQuery {
                    text: Some(t.clone()),
                    ..Default::default()
                });
                prop_assert!(r.is_ok(), "{t:?}: {r:?}");
            }
        }
    }
    Ok(())
}

fn name() -> impl Strategy<Value = String> {
    let known: Vec<String> = SEARCH_PARAMS.iter().map(|p| p.0.to_string()).collect();
    prop_oneof![
        8 => proptest::sample::select(known),
        1 => "[a-z_]{0,12}",
        1 => any::<String>(),
    ]
}

fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        // Plausible values of every parameter.
        3 => proptest::sample::select(vec![
            "pytorch/pytorch", "huggingface/*", "PyTorch", "review", "pr_merged,review",
            "2024-01-31", "30d", "12m", "2y", "9999999d", "2024-06-01T12:00:00Z", "nccl timeout",
            "distributed training", "tests", "./torch/distributed/", "../etc", "Berlin",
            "bay area", "de", "20", "0", "500", "501", "-1", "abc", "true", "maybe", "3.5",
            "1e308", "1e-308", "5e-324", "NaN", "inf", "", " ", ",", ",,,", "*", "\"", "-", ":",
        ]).prop_map(str::to_string),
        // Full-text syntax and punctuation.
        2 => "[a-zA-Z0-9 \"*:^(){}+\\-_,.]{0,40}",
        // Numbers.
        1 => any::<f64>().prop_map(|f| f.to_string()),
        1 => any::<i64>().prop_map(|i| i.to_string()),
        1 => (any::<i64>(), "[dwmy]?").prop_map(|(i, u)| format!("{i}{u}")),
        // Repeated words and long lists.
        1 => ("[a-z]{1,6}", 0usize..200).prop_map(|(w, n)| vec![w; n].join(" ")),
        1 => ("[a-z/]{1,6}", 0usize..200).prop_map(|(w, n)| vec![w; n].join(",")),
        // Anything at all.
        2 => any::<String>(),
    ]
}

fn pairs() -> impl Strategy<Value = Vec<(String, String)>> {
    proptest::collection::vec((name(), value()), 0..8)
}

#[test]
fn corpus_replays() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus/query");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let pairs: Vec<(String, String)> = text
            .lines()
            .map(|l| match l.split_once('=') {
                Some((n, v)) => (n.to_string(), v.to_string()),
                None => (l.to_string(), String::new()),
            })
            .collect();
        check(&pairs).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        n += 1;
    }
    assert!(n >= 5, "corpus at {}", dir.display());
}

#[test]
fn the_query_parser_holds_for_any_input() {
    let env = |name: &str| std::env::var(name).ok().and_then(|s| s.parse::<u64>().ok());
    let cases = env("BUILTBY_FUZZ_CASES").unwrap_or(2_000) as u32;
    // With BUILTBY_FUZZ_SECONDS, batches of `cases` (each with a fresh seed) until then.
    let seconds = env("BUILTBY_FUZZ_SECONDS").unwrap_or(0);
    let started = std::time::Instant::now();
    let runs = AtomicU64::new(0);
    loop {
        let config = ProptestConfig {
            cases,
            failure_persistence: None,
            ..ProptestConfig::default()
        };
        proptest::test_runner::TestRunner::new(config)
            .run(&pairs(), |p| {
                runs.fetch_add(1, Ordering::Relaxed);
                check(&p)
            })
            .unwrap();
        if started.elapsed().as_secs() >= seconds {
            break;
        }
    }
    eprintln!(
        "fuzz_query: {} executions in {:.1?}, no failure",
        runs.load(Ordering::Relaxed),
        started.elapsed()
    );
}
