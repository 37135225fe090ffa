//! `ask` on the labelled sentences (`tests/ask/labelled.toml`, tuned on) and the held-back
//! ones (`tests/ask/held_back.toml`, written after tuning and never tuned on): exact-match
//! accuracy per filter type, printed, with floors asserted.
//!
//! Run with `--nocapture` to see the tables:
//! `cargo test -p builtby-search --test ask_labelled -- --nocapture`

use builtby_search::ask;
use builtby_search::Catalog;
use std::collections::BTreeMap;

#[derive(serde::Deserialize)]
struct File {
    case: Vec<toml::Table>,
}

/// (sentence, expected parameters)
fn cases(name: &str) -> Vec<(String, BTreeMap<String, String>)> {
    let path = format!("{}/tests/ask/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let f: File = toml::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    f.case
        .into_iter()
        .map(|mut t| {
            let say = t
                .remove("say")
                .and_then(|v| v.as_str().map(String::from))
                .expect("say");
            let want = t
                .into_iter()
                .map(|(k, v)| (k, v.as_str().expect("string values").to_string()))
                .collect();
            (say, want)
        })
        .collect()
}

/// A value compared as a set: order and case do not matter.
fn norm(v: &str) -> Vec<String> {
    let mut s: Vec<String> = v.split(',').map(|x| x.trim().to_lowercase()).collect();
    s.sort();
    s
}

struct Scores {
    /// filter → (right, sentences where it was expected or produced)
    per: BTreeMap<String, (usize, usize)>,
    exact: usize,
    n: usize,
    misses: Vec<String>,
}

fn score(name: &str) -> Scores {
    let catalog = Catalog::shipped();
    let now = builtby_model::time::parse_date_or_time("2026-06-15").unwrap();
    let mut s = Scores {
        per: BTreeMap::new(),
        exact: 0,
        n: 0,
        misses: Vec::new(),
    };
    for (say, want) in cases(name) {
        s.n += 1;
        let got: BTreeMap<String, String> = match ask::read(&say, &catalog, now) {
            Ok(a) => {
                // what was read must be a valid search, as `search` builds it
                if !a.params.is_empty() {
                    a.to_params()
                        .build(&catalog, now)
                        .unwrap_or_else(|e| panic!("{say}: {e}"));
                }
                a.params.into_iter().collect()
            }
            Err(e) => panic!("{say}: {e}"),
        };
        let mut all = true;
        let keys: std::collections::BTreeSet<&String> = want.keys().chain(got.keys()).collect();
        for k in keys {
            let e = s.per.entry(k.clone()).or_default();
            e.1 += 1;
            let ok = match (want.get(k), got.get(k)) {
                (Some(w), Some(g)) => norm(w) == norm(g),
                _ => false,
            };
            if ok {
                e.0 += 1;
            } else {
                all = false;
                s.misses.push(format!(
                    "{say:?}: {k}: want {:?}, got {:?}",
                    want.get(k),
                    got.get(k)
                ));
            }
        }
        if all {
            s.exact += 1;
        }
    }
    s
}

fn print(title: &str, s: &Scores) -> f64 {
    println!("\n{title}: {} sentences", s.n);
    println!(
        "{:<14} {:>6} {:>6} {:>9}",
        "filter", "right", "of", "accuracy"
    );
    for (k, (r, t)) in &s.per {
        println!(
            "{k:<14} {r:>6} {t:>6} {:>8.1}%",
            100.0 * *r as f64 / *t as f64
        );
    }
    let whole = s.exact as f64 / s.n as f64;
    println!(
        "{:<14} {:>6} {:>6} {:>8.1}%",
        "whole sentence",
        s.exact,
        s.n,
        100.0 * whole
    );
    for m in &s.misses {
        println!("  miss {m}");
    }
    whole
}

#[test]
fn labelled_sentences_read_as_labelled() {
    let s = score("labelled.toml");
    assert!(s.n >= 100, "{} sentences", s.n);
    let whole = print("labelled (tuned on)", &s);
    // tuned on: nearly all must read exactly as labelled
    assert!(whole >= 0.95, "whole-sentence accuracy {whole:.3}");
}

#[test]
fn held_back_sentences_accuracy() {
    let s = score("held_back.toml");
    assert!(s.n >= 20, "{} sentences", s.n);
    let whole = print("held back (never tuned on)", &s);
    // the floor measured when they were first run (see the README); a change that reads
    // them worse fails here
    assert!(
        whole >= HELD_BACK_FLOOR,
        "whole-sentence accuracy {whole:.3}"
    );
}

/// Measured on the first run after tuning: 16 of 20 sentences exact.
const HELD_BACK_FLOOR: f64 = 0.80;
