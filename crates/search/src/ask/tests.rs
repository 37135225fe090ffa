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
fn a_filler_word_is_no_country_code_without_a_place_word() {
    // "ML" is Mali's code, "IN" India's: only after "in", "from"…
    assert_eq!(
        params("ML people with merged PRs"),
        p(&[("kind", "pr_merged")])
    );
    assert_eq!(params("ML people from ML"), p(&[("country", "ML")]));
}

#[test]
fn unknown_words_and_refusals_are_listed_never_dropped() {
    let a = read("pytorch wizards, not pytorch", &Catalog::shipped(), now()).unwrap();
    let words: Vec<&str> = a.unknown.iter().map(|u| u.words.as_str()).collect();
    assert_eq!(words, ["wizards", "not pytorch"]);
    assert!(a.unknown[1]
        .why
        .as_deref()
        .unwrap()
        .contains("cannot exclude"));
    // a negation left hanging is said too
    let a = read("pytorch people, excluding", &Catalog::shipped(), now()).unwrap();
    assert_eq!(a.unknown[0].words, "excluding");
}

#[test]
fn bad_sentences_are_errors_not_panics() {
    let c = Catalog::shipped();
    let long = "pytorch ".repeat(1300);
    assert!(matches!(
        read(&long, &c, now()),
        Err(AskError::TooLong { .. })
    ));
    assert_eq!(read("?!?! ... ---", &c, now()), Err(AskError::NoWords));
    assert!(matches!(
        ask("qwerty asdf", &Params::new(), &c, now()),
        Err(AskError::NothingUnderstood { .. })
    ));
    assert!(matches!(
        ask("pytorch since 2024 until 2022", &Params::new(), &c, now()),
        Err(AskError::Query(QueryError { param: "since", .. }))
    ));
    // odd input of every sort: never a panic
    for s in [
        "\"",
        "'s",
        "/ / /",
        "in in in",
        "since",
        "from 2024 to",
        "between 2020 and",
        "last",
        "10k+",
        "cs.",
        "a/b/c",
        "München/",
        "“”",
        "in the last 0 years",
        "2024-13-45",
        "since 9999",
        "ünïcödé ✓ 東京 в москве",
    ] {
        let _ = ask(s, &Params::new(), &c, now());
    }
}

#[test]
fn chips_point_at_the_words_they_came_from() {
    let s = "Kaggle grandmasters in München who reviewed PRs, not in our ATS";
    let a = read(s, &Catalog::shipped(), now()).unwrap();
    for c in &a.chips {
        assert_eq!(&s[c.start..c.end], c.words);
    }
    let words: Vec<(&str, &str)> = a
        .chips
        .iter()
        .map(|c| (c.param.as_str(), c.words.as_str()))
        .collect();
    assert_eq!(
        words,
        [
            ("kaggle_tier", "Kaggle grandmasters"),
            ("metro", "München"),
            ("kind", "reviewed PRs"),
            ("not_in_ats", "in our ATS"),
        ]
    );
    assert_eq!(a.chips[3].how, How::Negated);
}

#[test]
fn a_users_catalog_adds_words() {
    let dir = std::env::temp_dir().join(format!("builtby-ask-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let f = dir.join("team.toml");
    std::fs::write(
        &f,
        "[ask]\nfiller = [\"rockstars\"]\n[[ask.phrase]]\nwords = [\"our infra folks\", \"torch\"]\nset = { role = \"ml_infra\" }\n",
    )
    .unwrap();
    let c = Catalog::with_user_file(Some(&f)).unwrap();
    let a = read("our infra folks and torch rockstars", &c, now()).unwrap();
    // the user's "torch" wins over the shipped one (pytorch), which becomes an alternative
    assert_eq!(a.params, p(&[("role", "ml_infra")]));
    assert!(a.unknown.is_empty());
    assert_eq!(a.chips[1].alternatives, p(&[("ecosystem", "pytorch")]));
    std::fs::write(
        &f,
        "[[ask.phrase]]\nwords = [\"x\"]\nsett = { role = \"ml_infra\" }\n",
    )
    .unwrap();
    let e = Catalog::with_user_file(Some(&f)).unwrap_err().to_string();
    assert!(e.contains("sett"), "{e}");
    std::fs::write(
        &f,
        "[[ask.phrase]]\nwords = [\"x\"]\nset = { rol = \"ml_infra\" }\n",
    )
    .unwrap();
    let e = Catalog::with_user_file(Some(&f)).unwrap_err().to_string();
    assert!(e.contains("team.toml") && e.contains("`rol`"), "{e}");
}
