//! `builtby ask` as a user runs it, on the shared GH Archive sample: the sentence's search is
//! the equivalent `builtby search` (same JSON results), bad sentences exit 2 with a message.

#[path = "../../test-support/shared_data.rs"]
mod shared_data;

#[path = "../../test-support/cli.rs"]
mod cli;
use cli::{run, temp};

fn json(s: &str) -> serde_json::Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("{e}: {s}"))
}

const AS_OF: &str = "2021-08-01";

#[test]
fn ask_gives_the_results_of_the_equivalent_search_on_real_data() {
    let Some(gharchive) = shared_data::shared_data("gharchive") else {
        return;
    };
    let data = temp("real");
    let (code, _, err) = run(
        &data,
        &[
            "--quiet",
            "ingest",
            "gharchive",
            gharchive.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{err}");
    let mut nonempty = 0;
    for (as_of, sentence, flags) in [
        // the example: nothing in this sample is that recent, and both say so alike
        (
            "2026-06-01",
            "people who reviewed PRs in huggingface repos since 2024 in germany",
            &[
                "--kind",
                "review,review_comment",
                "--ecosystem",
                "huggingface",
                "--since",
                "2024-01-01",
                "--country",
                "DE",
            ][..],
        ),
        (
            AS_OF,
            "people who reviewed PRs since 2014, no bots",
            &[
                "--kind",
                "review,review_comment",
                "--since",
                "2014-01-01",
                "--include-bots=false",
            ][..],
        ),
        (
            AS_OF,
            "scikit-learn contributors",
            &["--ecosystem", "scikit-learn"][..],
        ),
        (
            AS_OF,
            "engineers with merged PRs in 2015",
            &[
                "--kind",
                "pr_merged",
                "--since",
                "2015-01-01",
                "--until",
                "2015-12-31",
            ][..],
        ),
        (
            AS_OF,
            "reviewrs over the past 2 years, including bots",
            &[
                "--kind",
                "review,review_comment",
                "--since",
                "2y",
                "--include-bots",
            ][..],
        ),
    ] {
        let (code, asked, err) = run(&data, &["ask", sentence, "--json", "--as-of", as_of]);
        assert_eq!(code, 0, "{sentence}: {err}");
        let asked = json(&asked);
        let mut args = vec!["search", "--json", "--as-of", as_of];
        args.extend_from_slice(flags);
        let (code, searched, err) = run(&data, &args);
        assert_eq!(code, 0, "{sentence}: {err}");
        let searched = json(&searched);
        assert_eq!(asked["results"], searched, "{sentence}");
        // the command line it shows is that search
        let command = asked["ask"]["command"].as_str().unwrap();
        let shown: Vec<&str> = command.split(' ').collect();
        assert_eq!(shown[..2], ["builtby", "search"], "{command}");
        let mut args = shown[1..].to_vec();
        args.extend(["--json", "--as-of", as_of]);
        let (code, again, err) = run(&data, &args);
        assert_eq!(code, 0, "{command}: {err}");
        assert_eq!(json(&again), searched, "{command}");
        if searched["total"].as_u64().unwrap() > 0 {
            nonempty += 1;
        }
    }
    assert!(
        nonempty >= 3,
        "only {nonempty} sentences found anyone: the comparison is too weak"
    );

    // the table shows the reading first
    let (code, out, _) = run(
        &data,
        &[
            "ask",
            "people who reviewd PRs since 2014 in Narnia",
            "--as-of",
            AS_OF,
            "--limit",
            "2",
        ],
    );
    assert_eq!(code, 0);
    assert!(
        out.contains(
            "kind = review,review_comment  ← \"reviewd PRs\" (read \"reviewd\" as \"reviewed\")"
        ),
        "{out}"
    );
    assert!(out.contains("not understood: \"Narnia\""), "{out}");
    assert!(
        out.contains("same as: builtby search --kind review,review_comment --since 2014-01-01"),
        "{out}"
    );
}

#[test]
fn bad_sentences_exit_2_with_a_message() {
    let data = temp("bad");
    let long = "pytorch ".repeat(1280);
    for (sentence, says) in [
        (long.as_str(), "too long"),
        ("?!?! ... ---", "no words"),
        ("", "no words"),
        ("qwerty asdf", "not understood: qwerty, asdf"),
        ("pytorch since 2024 until 2022", "--since"),
    ] {
        let (code, out, err) = run(&data, &["ask", sentence]);
        assert_eq!(code, 2, "{sentence:.40}: {out}{err}");
        assert!(
            err.starts_with("error: ") && err.contains(says),
            "{sentence:.40}: {err}"
        );
        assert!(!err.contains("panicked"), "{err}");
    }
}
