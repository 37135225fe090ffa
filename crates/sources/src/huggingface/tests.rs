//! Fixtures built here, in the shapes of the real records (`infos.json` of the 2022 dump, the
//! 2025 `/api/models` answer) and of real cards (the Trainer's template, a full card).

use super::card::{self, Section};
use super::*;
use serde_json::json;

fn rec_2022() -> serde_json::Value {
    json!({"modelId": "sgugger/bert-fine-tuned-cola", "sha": "6cc73c7161211f475a5389d50ac1a98865c01326",
        "lastModified": "2021-11-01T19:28:04.000Z",
        "tags": ["pytorch", "tensorboard", "bert", "text-classification", "dataset:glue", "transformers",
                 "license:apache-2.0", "generated_from_trainer", "model-index", "infinity_compatible"],
        "pipeline_tag": "text-classification",
        "siblings": [{"rfilename": ".gitattributes"}, {"rfilename": "README.md"}],
        "config": {"architectures": ["BertForSequenceClassification"], "model_type": "bert"},
        "private": false, "downloads": 2, "library_name": "transformers", "likes": 0})
}

fn rec_2025() -> serde_json::Value {
    json!({"_id": "68f8dfe68cb208be9702aa87", "id": "MiniMaxAI/MiniMax-M2", "author": "MiniMaxAI",
        "likes": 1178, "trendingScore": 319, "private": false, "downloads": 846249,
        "downloadsAllTime": 2_500_000,
        "tags": ["transformers", "safetensors", "minimax_m2", "text-generation", "license:mit"],
        "pipeline_tag": "text-generation", "library_name": "transformers",
        "createdAt": "2025-10-22T13:45:10.000Z", "lastModified": "2025-11-01T08:00:00.000Z",
        "cardData": {"license": "mit", "library_name": "transformers"},
        "modelId": "MiniMaxAI/MiniMax-M2"})
}

/// The Trainer's generated card: metadata, then placeholders where a person should write.
const TRAINER_CARD: &str = r#"---
license: apache-2.0
tags:
- generated_from_trainer
datasets:
- glue
metrics:
- matthews_correlation
model-index:
- name: bert-fine-tuned-cola
  results:
  - task:
      name: Text Classification
      type: text-classification
---

<!-- This model card has been generated automatically according to the information the Trainer had access to. You
should probably proofread and complete it, then remove this comment. -->

# bert-fine-tuned-cola

This model is a fine-tuned version of [bert-base-cased](https://huggingface.co/bert-base-cased) on the glue dataset.
It achieves the following results on the evaluation set:
- Loss: 0.8068

## Model description

More information needed

## Intended uses & limitations

More information needed

## Training and evaluation data

More information needed

## Training procedure

### Training hyperparameters

The following hyperparameters were used during training:
- learning_rate: 2e-05
- num_epochs: 3

### Framework versions

- Transformers 4.13.0.dev0
"#;

fn full_card() -> String {
    let prose =
        "This model detects toxic comments in forum threads and was trained with care. ".repeat(12);
    format!(
        r#"
---
license: mit
---

# Toxicity classifier

{prose}

## Intended uses & limitations

Use it to triage comments for human moderators; not for automated bans.

## Training data

Two million comments from the Civil Comments corpus, deduplicated.

## Training procedure

AdamW, learning rate 3e-5, 3 epochs on one A100.

## Evaluation results

| metric | value |
|---|---|
| F1 | 0.91 |

## Bias, risks, and limitations

It over-flags dialects under-represented in the data; see the audit.

## How to use

```python
from transformers import pipeline
clf = pipeline("text-classification", model="ana/toxicity")
```

## Citation

```bibtex
@inproceedings{{ana2024toxicity, title={{Toxicity}}, author={{Ana}}}}
```

Questions: see https://github.com/ana-ml or mail ana@example.org.
"#
    )
}

#[test]
fn both_record_shapes_parse() {
    let m = record::parse(&rec_2022()).unwrap();
    assert_eq!(
        (m.author.as_str(), m.name.as_str()),
        ("sgugger", "bert-fine-tuned-cola")
    );
    assert_eq!(m.created_at, None);
    assert_eq!(
        m.at(),
        builtby_model::time::parse_rfc3339("2021-11-01T19:28:04Z")
    );
    assert_eq!(
        (m.downloads, m.likes, m.downloads_all_time),
        (Some(2), Some(0), None)
    );
    let n = record::parse(&rec_2025()).unwrap();
    assert_eq!(n.author, "MiniMaxAI");
    assert_eq!(
        n.at(),
        builtby_model::time::parse_rfc3339("2025-10-22T13:45:10Z")
    );
    assert_eq!(n.downloads_all_time, Some(2_500_000));
    assert_eq!(n.card_data.as_ref().unwrap()["license"], "mit");
    assert_eq!(n.url(), "https://huggingface.co/MiniMaxAI/MiniMax-M2");
}

#[test]
fn bad_records_name_the_field() {
    let mut v = rec_2022();
    v["downloads"] = json!("many");
    let e = record::parse(&v).unwrap_err();
    assert_eq!(
        e.to_string(),
        "field `downloads`: expected a count (an integer ≥ 0), got \"many\""
    );
    let mut v = rec_2022();
    v["lastModified"] = json!("yesterday");
    assert!(record::parse(&v)
        .unwrap_err()
        .to_string()
        .contains("`lastModified`: not an RFC 3339 time"));
    let mut v = rec_2022();
    v["modelId"] = json!("gpt2");
    assert_eq!(record::parse(&v).unwrap_err().reason(), "no author");
    let mut v = rec_2022();
    v["modelId"] = json!("a/b/c");
    assert!(record::parse(&v)
        .unwrap_err()
        .to_string()
        .starts_with("field `modelId`: not a model id"));
    let mut v = rec_2025();
    v["author"] = json!("someone-else");
    assert!(record::parse(&v)
        .unwrap_err()
        .to_string()
        .starts_with("field `author`"));
    assert_eq!(record::parse(&json!([1])), Err(RecordError::NotAnObject));
    let mut v = rec_2022();
    v.as_object_mut().unwrap().remove("lastModified");
    assert_eq!(
        record::parse(&v).unwrap_err().to_string(),
        "field `createdAt or lastModified`: missing"
    );
    let mut v = rec_2022();
    v["tags"] = json!("pytorch");
    assert!(record::parse(&v)
        .unwrap_err()
        .to_string()
        .starts_with("field `tags`"));
}

#[test]
fn the_trainers_placeholders_do_not_count() {
    let tags: Vec<String> = rec_2022()["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap().to_string())
        .collect();
    let s = card::score(Some(TRAINER_CARD), None, &tags);
    assert_eq!(
        s.sections,
        vec![
            Section::TrainingData,
            Section::TrainingProcedure,
            Section::Evaluation,
            Section::License
        ],
        "description, intended uses and data are placeholders; data, evaluation and licence come from the metadata"
    );
    assert!(!s.usage_example);
    assert_eq!(
        s.note(),
        format!(
            "card: 4 of 8 sections, evaluation results, no usage example, {} words; missing: description, intended uses, bias/risks, citation",
            s.words
        )
    );
    assert!(s.score > 0.3 && s.score < 0.4, "{}", s.score);
}

#[test]
fn a_full_card_scores_high_and_says_why() {
    let text = full_card();
    let s = card::score(Some(&text), None, &[]);
    assert_eq!(s.sections, Section::ALL.to_vec(), "{}", s.note());
    assert!(s.usage_example);
    assert!(s.words > 150 && s.words < 400, "{}", s.words);
    assert!(s
        .note()
        .starts_with("card: 8 of 8 sections, evaluation results, usage example, "));
    assert!(!s.note().contains("missing"));
    let expected = 0.6 + 0.2 + 0.2 * s.words as f64 / 800.0;
    assert!((s.score - (expected * 100.0).round() / 100.0).abs() < 1e-9);
    // Nothing at all, and an empty file.
    for none in [None, Some(""), Some("  \n")] {
        let n = card::score(none, None, &[]);
        assert_eq!((n.score, n.note().as_str()), (0.0, "no model card"));
    }
}

#[test]
fn headings_inside_code_and_sections_from_metadata() {
    // `# comments` in code are not headings; cardData stands for the front matter.
    let text = "Short intro.\n\n```python\n# Evaluation results\nimport torch\n```\n";
    let s = card::score(
        Some(text),
        Some(&json!({"license": "mit", "datasets": ["wiki"]})),
        &[],
    );
    assert_eq!(s.sections, vec![Section::TrainingData, Section::License]);
    assert!(s.usage_example);
    // A bibtex entry anywhere is a citation; "Limitations and bias" is bias/risks; a blank line
    // before the front matter is allowed (facebook/wmt19-en-de's quirk).
    let text = "\n---\nlicense: Apache 2.0\n---\n## Limitations and bias\nIt truncates repeated phrases.\n\n@misc{x, title={y}}\n";
    let s = card::score(Some(text), None, &[]);
    assert_eq!(
        s.sections,
        vec![Section::BiasRisks, Section::License, Section::Citation]
    );
    // Output and bibtex blocks are not usage examples.
    let s = card::score(
        Some("```\nLoss: 0.3\n```\n```bibtex\n@article{a}\n```\n"),
        None,
        &[],
    );
    assert!(!s.usage_example);
}

#[test]
fn github_profiles_are_profiles_not_repositories() {
    let text = "Made by [Suraj](https://github.com/patil-suraj) and [me](https://github.com/ana-ml/).\n\
        Code: https://github.com/huggingface/transformers, https://github.com/facebookresearch/fairseq/blob/main/x.md\n\
        See github.com/nateraw?tab=repositories and https://gist.github.com/someone and https://github.com/features.\n\
        Again https://github.com/Patil-Suraj. Pages: https://ana-ml.github.io/";
    assert_eq!(
        card::github_profiles(text),
        vec!["patil-suraj", "ana-ml", "nateraw"]
    );
    assert!(card::github_profiles("https://github.com/").is_empty());
    assert_eq!(card::github_profiles("see github.com/ana."), vec!["ana"]);
}

#[test]
fn a_model_becomes_one_measured_contribution() {
    let m = record::parse(&rec_2025()).unwrap();
    let text = full_card();
    let c = contribution(&m, Some(&text), Some("MiniMax"));
    let k = &c.contribution;
    assert_eq!(k.key, "model/huggingface.co/minimaxai/minimax-m2");
    assert_eq!(k.kind, builtby_model::Kind::Model);
    assert_eq!(k.repo, "huggingface.co/MiniMaxAI/MiniMax-M2");
    assert_eq!(k.actor.login, "hf:MiniMaxAI");
    assert_eq!(k.actor.github_id, None);
    assert_eq!(k.title.as_deref(), Some("MiniMaxAI/MiniMax-M2"));
    assert_eq!(k.link(), "https://huggingface.co/MiniMaxAI/MiniMax-M2");
    assert_eq!(k.profile.as_ref().unwrap().name.as_deref(), Some("MiniMax"));
    assert!(k
        .body
        .as_ref()
        .unwrap()
        .starts_with("This model detects toxic comments"));
    let ms = k.measures.as_ref().unwrap();
    assert_eq!(
        (ms.downloads, ms.downloads_all_time, ms.likes),
        (Some(846249), Some(2_500_000), Some(1178))
    );
    assert_eq!(ms.categories, vec!["text-generation", "transformers"]);
    assert_eq!(ms.card_score, Some(c.card.score));
    assert!(ms
        .card_note
        .as_ref()
        .unwrap()
        .starts_with("card: 8 of 8 sections"));
    assert_eq!(c.github_profiles, vec!["ana-ml"]);
    // no e-mail address goes anywhere: the summary stops before it, and the store scrubs too
    assert!(!k.body.as_ref().unwrap().contains("ana@example.org"));
}

#[test]
fn json_lines_and_arrays_report_bad_records_and_keep_good_ones() {
    let dir = std::env::temp_dir().join(format!("builtby-hf-dump-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut with_card = rec_2022();
    with_card["card"] = json!(TRAINER_CARD);
    let mut bad = rec_2022();
    bad["modelId"] = json!("sgugger/other");
    bad["likes"] = json!(-3);
    let lines = [
        with_card.to_string(),
        String::new(),
        "{not json".to_string(),
        bad.to_string(),
        rec_2025().to_string(),
    ];
    let p = dir.join("models.jsonl");
    std::fs::write(&p, lines.join("\n")).unwrap();
    let mut got = Vec::new();
    let report = dump::read(&p, &mut |i| got.push(i)).unwrap();
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].place, "line 1");
    assert!(got[0]
        .card
        .as_deref()
        .unwrap()
        .contains("bert-fine-tuned-cola"));
    assert_eq!(got[1].model.id, "MiniMaxAI/MiniMax-M2");
    assert_eq!(report.read, 4);
    assert_eq!(report.skipped.get("not JSON"), Some(&1));
    assert_eq!(report.skipped.get("bad field"), Some(&1));
    assert!(report.messages[0].starts_with("line 3: not JSON"));
    assert_eq!(
        report.messages[1],
        "line 4: field `likes`: expected a count (an integer ≥ 0), got -3"
    );
    assert!(report.ended_early.is_none());
    // An array, as `/api/models` answers.
    let a = dir.join("models.json");
    std::fs::write(&a, json!([rec_2025(), {"id": 3}]).to_string()).unwrap();
    let mut n = 0;
    let report = dump::read(&a, &mut |_| n += 1).unwrap();
    assert_eq!((n, report.read), (1, 2));
    assert_eq!(
        report.messages,
        vec!["item 2: field `id`: expected a string, got 3"]
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn folders_and_tar_archives_pair_records_with_their_cards() {
    let dir = std::env::temp_dir().join(format!("builtby-hf-folder-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let m = dir.join("hub/models/sgugger/bert-fine-tuned-cola");
    std::fs::create_dir_all(&m).unwrap();
    std::fs::write(m.join("infos.json"), rec_2022().to_string()).unwrap();
    std::fs::write(m.join("README.md"), TRAINER_CARD).unwrap();
    let o = dir.join("hub/models/sgugger/orphan");
    std::fs::create_dir_all(&o).unwrap();
    std::fs::write(o.join("README.md"), "# orphan").unwrap();
    let bad = dir.join("hub/models/x/y");
    std::fs::create_dir_all(&bad).unwrap();
    std::fs::write(bad.join("infos.json"), "{\"modelId\": 7}").unwrap();
    let mut got = Vec::new();
    let report = dump::read(&dir, &mut |i| got.push(i)).unwrap();
    assert_eq!(got.len(), 1);
    assert_eq!(
        got[0].place,
        "hub/models/sgugger/bert-fine-tuned-cola/infos.json"
    );
    assert!(got[0].card.is_some());
    assert_eq!(report.skipped.get("card without a record"), Some(&1));
    assert_eq!(
        report.messages,
        vec![
            "hub/models/x/y/infos.json: field `modelId`: expected a string, got 7",
            "hub/models/sgugger/orphan/README.md: no infos.json beside it"
        ]
    );
    let (size, sum) = dump::checksum(&dir).unwrap();
    assert!(size > 0 && sum.starts_with("xxh3-128:"));
    assert_eq!(dump::checksum(&dir).unwrap().1, sum, "stable");

    // The same as a tar (README first, as archives may list it), then cut short.
    let mut t = Vec::new();
    super::tar::tests::file(
        &mut t,
        "hub/models/sgugger/bert-fine-tuned-cola/README.md",
        TRAINER_CARD.as_bytes(),
        b'0',
    );
    super::tar::tests::file(
        &mut t,
        "hub/models/sgugger/bert-fine-tuned-cola/infos.json",
        rec_2022().to_string().as_bytes(),
        b'0',
    );
    super::tar::tests::file(
        &mut t,
        "hub/models/a/b/infos.json",
        rec_2025().to_string().as_bytes(),
        b'0',
    );
    let whole = dir.join("hub.tar");
    let mut full = t.clone();
    full.extend(std::iter::repeat_n(0u8, 1024));
    std::fs::write(&whole, &full).unwrap();
    let mut got = Vec::new();
    let report = dump::read(&whole, &mut |i| got.push(i)).unwrap();
    assert_eq!(got.len(), 2);
    assert!(got[0].card.is_some() && got[1].card.is_none());
    assert!(report.ended_early.is_none());
    let cut = dir.join("cut.tar");
    std::fs::write(&cut, &t[..t.len() - 300]).unwrap();
    let mut got = Vec::new();
    let report = dump::read(&cut, &mut |i| got.push(i)).unwrap();
    assert_eq!(got.len(), 1, "the record before the damage is kept");
    assert!(report
        .ended_early
        .as_deref()
        .unwrap()
        .contains("ends inside a file"));
    let _ = std::fs::remove_dir_all(&dir);
}
