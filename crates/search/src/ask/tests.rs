use super::*;

fn now() -> i64 {
    builtby_model::time::parse_date_or_time("2026-06-15").unwrap()
}

fn params(s: &str) -> Vec<(String, String)> {
    read(s, &Catalog::shipped(), now()).unwrap().params
}

fn p(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[test]
fn the_issue_example_reads_as_its_flags() {
    assert_eq!(
        params("people who reviewed PRs in huggingface repos since 2024 in germany"),
        p(&[
            ("ecosystem", "huggingface"),
            ("kind", "review,review_comment"),
            ("since", "2024-01-01"),
            ("country", "DE"),
        ])
    );
}

#[test]
fn osa_counts_a_swap_as_one() {
    assert_eq!(osa_distance("germnay", "germany"), 1);
    assert_eq!(osa_distance("pytroch", "pytorch"), 1);
    assert_eq!(osa_distance("abc", "abc"), 0);
    assert_eq!(osa_distance("", "abc"), 3);
}

#[test]
#[ignore]
fn show() {
    let s = std::env::var("ASK").unwrap();
    let a = read(&s, &Catalog::shipped(), now()).unwrap();
    println!("{}", serde_json::to_string_pretty(&a).unwrap());
}
