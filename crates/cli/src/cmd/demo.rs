//! `builtby demo`: the main job end to end in one command. Ingests a few real GH Archive hours
//! (downloaded; offline, a generated sample of the same shape) into a separate demo store,
//! then prints a ranked search over the ML catalog with evidence links.

use super::Env;
use crate::cli::DemoArgs;
use anyhow::Result;
use builtby_search::Query;
use builtby_sources::gharchive::download;
use std::process::ExitCode;

/// A few Hugging Face model records with their cards (fictional authors, the Hub's record
/// shape), written as JSON lines for `ingest huggingface --from-dir`: the demo shows a person
/// ranked by a model.
fn models_sample(dir: &std::path::Path) -> Result<std::path::PathBuf> {
    let card_full = "---\nlicense: apache-2.0\nlibrary_name: transformers\n---\n# tiny-llama-lora\n\nA LoRA adapter for instruction following.\n\n## Intended uses & limitations\nResearch on small instruction-tuned models; not for medical advice.\n\n## Training data\nAn open instruction dataset, deduplicated.\n\n## Training procedure\nLoRA r=16, learning rate 2e-4, 3 epochs.\n\n## Evaluation results\nMMLU 41.2.\n\n## Bias, risks and limitations\nInherits the base model's biases.\n\n## How to use\n```python\nfrom peft import PeftModel\n```\n\n## Citation\n@misc{demo}\n";
    let card_thin = "# bert-ner\n\nFine-tuned BERT for NER.\n";
    let records = [
        serde_json::json!({"modelId": "maya-okafor/tiny-llama-lora", "author": "maya-okafor", "downloads": 48_210, "likes": 132,
            "pipeline_tag": "text-generation", "library_name": "peft", "tags": ["peft", "lora"], "lastModified": "2024-05-02T10:00:00.000Z", "card": card_full}),
        serde_json::json!({"modelId": "maya-okafor/whisper-small-yo", "author": "maya-okafor", "downloads": 3_904, "likes": 21,
            "pipeline_tag": "automatic-speech-recognition", "library_name": "transformers", "lastModified": "2024-03-11T10:00:00.000Z", "card": card_thin}),
        serde_json::json!({"modelId": "tomas-lind/bert-ner-sv", "author": "tomas-lind", "downloads": 610, "likes": 4,
            "pipeline_tag": "token-classification", "library_name": "transformers", "lastModified": "2023-11-20T10:00:00.000Z", "card": card_thin}),
    ];
    std::fs::create_dir_all(dir)?;
    let path = dir.join("models-sample.jsonl");
    let text: String = records.iter().map(|r| format!("{r}\n")).collect();
    std::fs::write(&path, text)?;
    Ok(path)
}

/// Real pre-trim hours (full payloads), small enough to fetch quickly.
const HOURS: (&str, &str) = ("2024-05-21T14", "2024-05-21T15");

pub fn run(env: &Env, a: &DemoArgs) -> Result<ExitCode> {
    let demo_env = Env {
        data_dir: env.data_dir.join("demo"),
        quiet: env.quiet,
        catalog: env.catalog.clone(),
        bots: env.bots.clone(),
        // the demo is the zero-setup path: its own SQLite store
        clickhouse: None,
    };
    let mut files = Vec::new();
    if !a.offline {
        let hours = download::hours(HOURS.0, HOURS.1).expect("valid demo hours");
        let quiet = env.quiet;
        let (got, errors) =
            download::fetch_hours(&hours, &env.data_dir.join("gharchive"), &mut |url| {
                if !quiet {
                    eprintln!("downloading {url}");
                }
            });
        if !errors.is_empty() && !env.quiet {
            for e in &errors {
                eprintln!("note: {e}");
            }
        }
        if got.len() == hours.len() {
            files = got;
        }
    }
    let sample = files.is_empty();
    if sample {
        if !env.quiet {
            eprintln!("offline: using a sample generated from realistic GH Archive event shapes (fictional people, real repository names)");
        }
        let dir = demo_env.data_dir.join("sample");
        let end = (builtby_model::time::now() / 3600 - 1) * 3600;
        if dir.exists() {
            std::fs::remove_dir_all(&dir)?;
            // A fresh sample needs a fresh demo store: the old sample's events differ.
            let _ = std::fs::remove_file(demo_env.data_dir.join(builtby_store::DB_FILE));
        }
        files = crate::demo::sample::write_sample(&dir, end, 6)?;
    }
    super::ingest::ingest(
        &demo_env,
        &files,
        None,
        false,
        &builtby_sources::gharchive::Scope::all(),
    )?;
    let models = models_sample(&demo_env.data_dir)?;
    {
        let mut store = demo_env.store()?;
        builtby_ingest::huggingface::ingest_dump(&mut store, &models, &[], &|_| {})?;
    }
    let q = Query {
        ecosystems: env
            .catalog
            .ecosystems
            .iter()
            .map(|e| e.id.clone())
            .collect(),
        limit: 10,
        ..Default::default()
    };
    let store = demo_env.store()?;
    let results = builtby_search::search(&store, &env.catalog, &env.bots, &q)?;
    println!(
        "Top engineers by work in the ML catalog's {} repositories{}:\n",
        env.catalog.repo_count(),
        if sample { " (generated sample)" } else { "" }
    );
    crate::output::results_table(&mut std::io::stdout().lock(), &results, true)?;
    // Work off GitHub ranks too: models weighed by downloads, likes and their cards.
    let q = Query {
        sources: vec!["huggingface".into()],
        limit: 3,
        evidence: 2,
        ..Default::default()
    };
    let models = builtby_search::search(&store, &env.catalog, &env.bots, &q)?;
    println!("\nModels on Hugging Face (a generated sample: fictional authors), ranked by downloads, likes and model-card quality:\n");
    crate::output::results_table(&mut std::io::stdout().lock(), &models, true)?;
    if let Some(top) = results.results.first() {
        println!(
            "\nNext: builtby --data-dir {} person {}",
            demo_env.data_dir.display(),
            top.login
        );
    }
    println!(
        "      builtby --data-dir {} search --ecosystem pytorch --explain",
        demo_env.data_dir.display()
    );
    Ok(ExitCode::SUCCESS)
}
