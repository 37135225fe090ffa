//! `builtby ingest huggingface` end to end: `--from-dir` over the shared Hub dump (decoded in
//! Rust), then `search`, `person hf:<author>` with downloads and the explained card score, and
//! a re-run that changes nothing; the API against a fake Hub on loopback (`--api-url`), twice
//! (the second all 304s), with `HF_TOKEN` never printed; and the usage errors.

use std::path::Path;

#[path = "../../test-support/fake_github.rs"]
mod fake_github;
#[path = "../../test-support/fake_hub.rs"]
mod fake_hub;
#[path = "../../test-support/shared_data.rs"]
mod shared_data;

#[path = "../../test-support/cli.rs"]
mod cli;
use cli::temp;

/// `builtby --data-dir DATA ARGS…` with a HF_TOKEN that must never be shown.
fn run(data: &Path, args: &[&str]) -> (i32, String, String) {
    cli::output_hiding(
        cli::in_data(data).args(args),
        "HF_TOKEN",
        "hf_test-token-leak",
    )
}

#[test]
fn from_dir_then_search_and_person() {
    let Some(dump) = shared_data::shared_data("huggingface/hub-2022.tar.zst") else {
        return;
    };
    let d = temp("dump");
    let dump = dump.to_str().unwrap();
    let (code, _, err) = run(&d, &["ingest", "huggingface", "--from-dir", dump]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("1760 models read, 1760 kept, 0 skipped; 1760 new contributions"),
        "{err}"
    );
    assert!(err.contains("16 people: 1091 models"), "{err}");
    assert!(err.contains("hf:huggingtweets: 200 models, not a person (bot-generated: bot-generated models (huggingtweets))"), "{err}");
    assert!(
        err.contains("hf:facebook: 197 models, not a person (organisation"),
        "{err}"
    );

    let (code, _, err) = run(&d, &["ingest", "huggingface", "--from-dir", dump]);
    assert_eq!(code, 0);
    assert!(err.contains("already loaded"), "{err}");

    let (code, out, err) = run(&d, &["search", "--json", "--limit", "100"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let results = v["results"].as_array().unwrap();
    assert_eq!(results.len(), 16);
    for r in results {
        let login = r["login"].as_str().unwrap();
        assert!(login.starts_with("hf:"), "{login}");
        assert!(![
            "hf:facebook",
            "hf:flax-community",
            "hf:sentence-transformers",
            "hf:huggingtweets"
        ]
        .contains(&login));
        let e = &r["evidence"][0];
        assert_eq!(e["kind"], "model");
        assert!(e["url"]
            .as_str()
            .unwrap()
            .starts_with(&format!("https://huggingface.co/{}/", &login[3..])));
        assert!(e["measures"]["card_note"].is_string());
    }

    let (code, out, err) = run(&d, &["person", "hf:sgugger", "--limit", "30"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with("hf:sgugger  https://huggingface.co/sgugger"),
        "{out}"
    );
    assert!(
        out.contains("model on Hugging Face huggingface.co/sgugger/bert-fine-tuned-cola"),
        "{out}"
    );
    assert!(out.contains("https://huggingface.co/sgugger/bert-fine-tuned-cola\n      2 downloads (30 days), 0 likes; card score 0.3"), "{out}");
    assert!(out.contains("(card: 4 of 8 sections, evaluation results, no usage example, 68 words; missing: description, intended uses, bias/risks, citation)"), "{out}");
    let (code, out, _) = run(&d, &["person", "hf:huggingtweets"]);
    assert_eq!(code, 0);
    assert!(out.contains("excluded from search"), "{out}");
    let (code, out, _) = run(&d, &["identity", "suggest"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("valhalla (Hugging Face) likely @patil-suraj"),
        "{out}"
    );
    assert!(
        out.contains("the model card links github.com/patil-suraj"),
        "{out}"
    );
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn the_api_against_a_fake_hub_twice() {
    let hub = fake_hub::serve_hub(fake_hub::Hub {
        accounts: fake_hub::standard("ana-ml", 12, "ana-gh", "acme-ai"),
        page_size: 5,
        limited_once: Vec::new(),
        reset_secs: 0,
        die_after: None,
    });
    let d = temp("api");
    let args = [
        "ingest",
        "huggingface",
        "--author",
        "ana-ml",
        "--org",
        "acme-ai",
        "--api-url",
        hub.url(),
        "--backoff",
        "0.001",
    ];
    let (code, _, err) = run(&d, &args);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("hf:ana-ml: page 1, 5 models stored (5 new)"),
        "{err}"
    );
    assert!(
        err.contains("hf:ana-ml: page 3, 2 models stored (2 new)"),
        "{err}"
    );
    assert!(
        err.contains("hf:ana-ml (Ana Lopez): a user; 12 models in 3 pages"),
        "{err}"
    );
    assert!(
        err.contains("hf:acme-ai (Acme AI): an organisation (credits no person)"),
        "{err}"
    );
    assert!(
        err.contains("ingest huggingface: 2 authors, 0 failed; 14 models, 14 new contributions"),
        "{err}"
    );
    let (code, _, err) = run(&d, &args);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("hf:ana-ml: page 1, 5 models unchanged (already stored)"),
        "{err}"
    );
    assert!(err.contains("14 models, 0 new contributions"), "{err}");
    assert!(err.contains("answered 304"), "{err}");
    let (code, out, _) = run(&d, &["search", "--json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let logins: Vec<&str> = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["login"].as_str().unwrap())
        .collect();
    assert_eq!(logins, vec!["hf:ana-ml"]);
    // --linked: nobody is linked yet
    let (code, _, err) = run(
        &d,
        &["ingest", "huggingface", "--linked", "--api-url", hub.url()],
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("no Hugging Face account in the store is linked to a person"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn usage_errors_name_the_flag() {
    let d = temp("usage");
    let (code, _, err) = run(&d, &["ingest", "huggingface"]);
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = run(&d, &["ingest", "huggingface", "--author", "a b"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--author"), "{err}");
    let (code, _, err) = run(
        &d,
        &["ingest", "huggingface", "--from-dir", "x", "--author", "y"],
    );
    assert_eq!(code, 2, "{err}");
    let missing = d.join("nope.tar.zst");
    let (code, _, err) = run(
        &d,
        &[
            "ingest",
            "huggingface",
            "--from-dir",
            missing.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("nope.tar.zst"), "{err}");
    let _ = std::fs::remove_dir_all(&d);
}
