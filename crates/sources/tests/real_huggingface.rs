//! The shared Hub dump (`../shared/data/huggingface/hub-2022.tar.zst`, 1,760 real records with
//! their cards), read as `--from-dir` reads it: the archive decoded in Rust, every record
//! parsed, every card scored. And the three real cards of `model_cards/`.

#[path = "../../test-support/shared_data.rs"]
mod shared_data;

use builtby_sources::huggingface::{card, dump, AccountKind, Accounts};
use std::collections::BTreeMap;

#[test]
fn the_shared_dump_reads_whole() {
    let Some(p) = shared_data::shared_data("huggingface/hub-2022.tar.zst") else {
        return;
    };
    let mut items = Vec::new();
    let report = dump::read(&p, &mut |i| items.push(i)).unwrap();
    assert_eq!(report.ended_early, None);
    assert_eq!(report.read, 1760, "{:?}", report.messages);
    assert_eq!(items.len(), 1760, "{:?}", report.messages);
    // 620 `README.md`s of the dump are its scraper's "does not exist" error: no card
    assert_eq!(report.by_type.get("model card"), Some(&1140));
    let mut by_author: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for i in &items {
        let s = card::score(i.card.as_deref(), None, &i.model.tags);
        by_author
            .entry(i.model.author.clone())
            .or_default()
            .push(s.score);
    }
    if std::env::var("SHOW").is_ok() {
        for (a, v) in &by_author {
            let mean = v.iter().sum::<f64>() / v.len() as f64;
            eprintln!("{a}: {} models, mean card score {mean:.2}", v.len());
        }
        for i in items
            .iter()
            .filter(|i| {
                [
                    "sgugger",
                    "nateraw",
                    "flax-community",
                    "huggingtweets",
                    "sentence-transformers",
                    "patrickvonplaten",
                ]
                .contains(&i.model.author.as_str())
            })
            .step_by(7)
        {
            let s = card::score(i.card.as_deref(), None, &i.model.tags);
            eprintln!("{} {:.2} {}", i.model.id, s.score, s.note());
        }
    }
    assert_eq!(by_author.len(), 20);
    let accounts = Accounts::shipped();
    let people: Vec<&String> = by_author
        .keys()
        .filter(|a| accounts.classify(a).0 == AccountKind::Person)
        .collect();
    assert_eq!(people.len(), 16, "{people:?}");
}

#[test]
fn the_shared_model_cards_score_as_they_read() {
    use card::Section::*;
    let cases = [
        // a paper's abstract under a title heading, a usage example, a licence: little else
        (
            "google__electra-base-discriminator",
            vec![Description, License],
            true,
        ),
        // the 2020 template filled in, code left to the docs
        (
            "google__tapas-base-finetuned-wtq",
            vec![
                Description,
                IntendedUses,
                TrainingProcedure,
                License,
                Citation,
            ],
            false,
        ),
        // a blank line before the front matter, `license: Apache 2.0`, an eval table
        (
            "facebook__wmt19-en-de",
            vec![
                Description,
                IntendedUses,
                TrainingData,
                Evaluation,
                BiasRisks,
                License,
            ],
            true,
        ),
    ];
    for (name, sections, usage) in cases {
        let Some(p) =
            shared_data::shared_data(&format!("huggingface/model_cards/{name}.README.md"))
        else {
            return;
        };
        let text = std::fs::read_to_string(&p).unwrap();
        let s = card::score(Some(&text), None, &[]);
        assert_eq!(s.sections, sections, "{name}: {}", s.note());
        assert_eq!(s.usage_example, usage, "{name}: {}", s.note());
        assert!(s
            .note()
            .starts_with(&format!("card: {} of 8 sections", sections.len())));
        // they link repositories (fairseq, transformers), never a person's profile
        assert!(card::github_profiles(&text).is_empty(), "{name}");
    }
}
