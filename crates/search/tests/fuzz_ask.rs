//! `ask` on generated sentences: words from its own vocabulary, time phrases with odd dates,
//! numbers, punctuation, quotes and non-Latin letters, in any order. Whatever the input: no
//! panic; either an error or a reading whose every chip points at the words it came from and
//! whose parameters `search` either builds or refuses with an error (never a panic).
//! `BUILTBY_FUZZ_CASES` sets the number of cases (default 2,000).

use builtby_search::ask;
use builtby_search::Catalog;
use proptest::prelude::*;
use std::sync::OnceLock;

fn catalog() -> &'static Catalog {
    static C: OnceLock<Catalog> = OnceLock::new();
    C.get_or_init(Catalog::shipped)
}

fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "people",
            "who",
            "reviewed",
            "PRs",
            "merged",
            "in",
            "from",
            "based in",
            "since",
            "before",
            "after",
            "until",
            "between",
            "and",
            "or",
            "to",
            "the",
            "last",
            "past",
            "this year",
            "months",
            "years",
            "weeks",
            "a few",
            "couple of",
            "ago",
            "onwards",
            "not",
            "no",
            "excluding",
            "bots",
            "in our ATS",
            "huggingface",
            "pytorch",
            "HF",
            "hugging face",
            "kaggle grandmasters",
            "papers",
            "cs.LG",
            "stat.",
            "downloads",
            "10k+",
            "1m",
            "1,000",
            "10,00",
            "Berlin",
            "München",
            "Kraków",
            "SF",
            "NYC",
            "DE",
            "ML",
            "IN",
            "us",
            "Bay Area",
            "Germnay",
            "pytroch",
            "reviewrs",
            "huggingface/*",
            "a/b/c",
            "owner/",
            "/",
            ",",
            ";",
            "!",
            "?",
            "'s",
            "’s",
            "\"",
            "“",
            "”",
            "東京",
            "москва",
            "ünïcödé",
            "-",
            "--",
            "(",
            ")",
            "serving",
            "kernels",
            "FSDP",
            "recently",
        ])
        .prop_map(String::from),
        "(19|20|99|00)[0-9]{2}(-[0-9]{2}){0,2}",
        "[0-9]{1,14}[kmdwy+]?",
        "[a-zA-Z]{1,12}",
        "[\\PC]{1,6}",
    ]
}

fn sentence() -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 0..40).prop_map(|v| v.join(" "))
}

fn cases() -> u32 {
    std::env::var("BUILTBY_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2_000)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn any_sentence_is_read_or_refused_never_a_panic(s in sentence()) {
        let now = builtby_model::time::parse_date_or_time("2026-06-15").unwrap();
        match ask::read(&s, catalog(), now) {
            Ok(a) => {
                for c in &a.chips {
                    prop_assert_eq!(&s[c.start..c.end], c.words.as_str());
                }
                for u in &a.unknown {
                    prop_assert!(s.is_char_boundary(u.start) && s.is_char_boundary(u.end));
                }
                // the parameters are built as `search` builds them: a value or an error
                let _ = a.to_params().build(catalog(), now);
            }
            Err(e) => prop_assert!(!e.to_string().is_empty()),
        }
    }
}
