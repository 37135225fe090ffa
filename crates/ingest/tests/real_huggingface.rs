//! `ingest huggingface --from-dir` over the shared Hub dump (`../shared/data/huggingface/
//! hub-2022.tar.zst`: 1,760 real records with their cards, 16 people, 3 organisations and 200
//! bot-generated `huggingtweets` models), decoded in Rust. Then: a search over everything
//! shows the 16 people, each with `model` evidence linking to https://huggingface.co/<id>; the
//! organisations and huggingtweets are not people; `person hf:<author>` shows downloads and an
//! explained card score; a re-run changes nothing; the same dump as a folder or as JSON lines
//! adds no row; a card linking someone's GitHub profile suggests, never links.

#[path = "../../test-support/shared_data.rs"]
mod shared_data;
#[path = "../../test-support/stored_text.rs"]
mod stored_text;

use builtby_ingest::huggingface::{ingest_dump, linked_authors, DumpReport};
use builtby_ingest::FileOutcome;
use builtby_model::{Actor, BotRules, Contribution, Kind, ReadReport, Record, Source};
use builtby_search::{person::person_report, search, Catalog, Query};
use builtby_store::{InputFile, LoadSummary, Store};
use std::collections::BTreeSet;
use std::io::Read;
use std::path::{Path, PathBuf};

const PEOPLE: [&str; 16] = [
    "Narsil",
    "julien-c",
    "lewtun",
    "lysandre",
    "merve",
    "mrm8488",
    "nateraw",
    "nielsr",
    "osanseviero",
    "patrickvonplaten",
    "philschmid",
    "sgugger",
    "sshleifer",
    "stas",
    "thomwolf",
    "valhalla",
];
const NOT_PEOPLE: [(&str, u64); 4] = [
    ("facebook", 197),
    ("flax-community", 151),
    ("huggingtweets", 200),
    ("sentence-transformers", 121),
];

fn temp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("builtby-hf-real-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn loaded(r: &DumpReport) -> (LoadSummary, ReadReport) {
    match &r.file.outcome {
        FileOutcome::Loaded { summary, report } => (*summary, report.clone()),
        other => panic!("{}: {other:?}", r.file.path.display()),
    }
}

fn everyone(store: &Store, include_bots: bool) -> builtby_search::SearchResults {
    let q = Query {
        limit: 500,
        include_bots,
        ..Default::default()
    };
    search(store, &Catalog::shipped(), &BotRules::default(), &q).unwrap()
}

fn logins(r: &builtby_search::SearchResults) -> BTreeSet<String> {
    r.results.iter().map(|p| p.login.clone()).collect()
}

fn hf(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|n| format!("hf:{n}")).collect()
}

fn contributions(store: &Store) -> usize {
    everyone(store, true)
        .results
        .iter()
        .map(|p| p.counts.iter().map(|c| c.1).sum::<i64>() as usize)
        .sum()
}

/// The archive unpacked into `dir` (by the source's own tar reader over `ruzstd`): the
/// `models/<author>/<name>/{infos.json,README.md}` layout.
fn unpack(archive: &Path, dir: &Path) -> PathBuf {
    let raw = std::fs::read(archive).unwrap();
    let mut input = &raw[..];
    let mut tar = Vec::new();
    while !input.is_empty() {
        let mut frame = ruzstd::decoding::StreamingDecoder::new(&mut input).unwrap();
        frame.read_to_end(&mut tar).unwrap();
    }
    let mut r = builtby_sources::huggingface::tar::Reader::new(&tar[..]);
    let mut files = 0;
    while let Some(e) = r.next_entry().unwrap() {
        let p = dir.join(&e.path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, e.data.unwrap()).unwrap();
        files += 1;
    }
    assert_eq!(files, 3520);
    dir.join("hub-2022")
}

#[test]
fn the_shared_dump_ranks_people_by_their_models_and_no_org_or_bot() {
    let Some(archive) = shared_data::shared_data("huggingface/hub-2022.tar.zst") else {
        return;
    };
    let dir = temp("dump");
    let mut store = Store::open(&dir).unwrap();
    let reads = std::cell::Cell::new(0u64);
    let r = ingest_dump(&mut store, &archive, &[], &|n| reads.set(n)).unwrap();
    let (summary, report) = loaded(&r);
    assert_eq!(reads.get(), 1760);
    assert_eq!(
        (report.read, report.skipped_total()),
        (1760, 0),
        "{:?}",
        report.messages
    );
    assert_eq!(report.ended_early, None);
    assert_eq!(report.by_kind.get("model"), Some(&1760));
    assert_eq!(report.by_type.get("organisation model"), Some(&469));
    assert_eq!(report.by_type.get("bot-generated model"), Some(&200));
    assert_eq!(summary.new_contributions, 1760);
    let people: BTreeSet<String> = r.accounted.people.keys().cloned().collect();
    assert_eq!(people, hf(&PEOPLE));
    assert_eq!(r.accounted.people.values().sum::<u64>(), 1091);
    for (org, n) in NOT_PEOPLE {
        let got = &r.accounted.not_people[&format!("hf:{org}")];
        assert_eq!(got.0, n, "{org}");
    }

    // A search over everything: the 16 people, by their models.
    let res = everyone(&store, false);
    assert_eq!(logins(&res), hf(&PEOPLE));
    for p in &res.results {
        let author = p.login.trim_start_matches("hf:");
        assert_eq!(p.display, format!("{author} (Hugging Face)"));
        assert_eq!(
            p.profile_url.as_deref(),
            Some(&*format!("https://huggingface.co/{author}"))
        );
        assert_eq!(
            p.counts.iter().map(|c| c.0).collect::<Vec<_>>(),
            vec![Kind::Model]
        );
        assert!(!p.evidence.is_empty(), "{}", p.login);
        for e in &p.evidence {
            assert_eq!(e.kind, Kind::Model);
            let id = e.title.as_deref().unwrap();
            assert!(id.starts_with(&format!("{author}/")), "{id}");
            assert_eq!(e.url, format!("https://huggingface.co/{id}"));
            assert_eq!(e.repo, format!("huggingface.co/{id}"));
        }
    }
    // Organisations and huggingtweets are accounts that are not people: shown only with bots.
    let with_bots = everyone(&store, true);
    let not_people: Vec<&str> = NOT_PEOPLE.iter().map(|x| x.0).collect();
    assert_eq!(
        logins(&with_bots),
        hf(&PEOPLE).union(&hf(&not_people)).cloned().collect()
    );

    // `person hf:<author>`: the models, their downloads and an explained card score.
    let q = Query {
        limit: 500,
        ..Default::default()
    };
    let cat = Catalog::shipped();
    let bots = BotRules::default();
    let sgugger = person_report(&store, &cat, &bots, "hf:sgugger", &q)
        .unwrap()
        .expect("hf:sgugger is a person");
    assert!(!sgugger.is_bot);
    assert_eq!(sgugger.evidence_total, 25);
    assert_eq!(sgugger.evidence.len(), 25);
    let cola = sgugger
        .evidence
        .iter()
        .find(|e| e.title.as_deref() == Some("sgugger/bert-fine-tuned-cola"))
        .unwrap();
    let m = cola.measures.as_ref().unwrap();
    assert_eq!(m.downloads, Some(2));
    assert_eq!(m.likes, Some(0));
    assert_eq!(m.categories, vec!["text-classification", "transformers"]);
    // the Trainer's card: metadata and hyperparameters, placeholders for the rest
    assert_eq!(
        m.card_note.as_deref().unwrap().split(';').next().unwrap(),
        "card: 4 of 8 sections, evaluation results, no usage example, 68 words"
    );
    assert!(m.card_score.unwrap() > 0.3 && m.card_score.unwrap() < 0.4);
    for e in &sgugger.evidence {
        let m = e.measures.as_ref().unwrap();
        assert!(m.downloads.is_some());
        let note = m.card_note.as_deref().unwrap();
        assert!(
            note.starts_with("card: ") || note == "no model card",
            "{note}"
        );
    }
    let fb = person_report(&store, &cat, &bots, "hf:facebook", &q)
        .unwrap()
        .unwrap();
    assert!(fb.is_bot, "an organisation is shown as not a person");
    let tweets = person_report(&store, &cat, &bots, "hf:huggingtweets", &q)
        .unwrap()
        .unwrap();
    assert!(tweets.is_bot);

    // A re-run of the same input changes nothing.
    let before = contributions(&store);
    let again = ingest_dump(&mut store, &archive, &[], &|_| {}).unwrap();
    assert_eq!(again.file.outcome, FileOutcome::AlreadyLoaded);
    assert_eq!(contributions(&store), before);
    assert_eq!(before, 1760);

    // Naming an author with --org is a new input: the same rows, now credited to no person.
    let r = ingest_dump(&mut store, &archive, &["stas".into()], &|_| {}).unwrap();
    let (summary, _) = loaded(&r);
    assert_eq!((summary.new_contributions, summary.duplicates), (0, 1760));
    assert!(!logins(&everyone(&store, false)).contains("hf:stas"));

    // No e-mail address from any card is stored.
    drop(store);
    let stored = stored_text::StoredText::read(&dir);
    assert!(stored.contains("sgugger/bert-fine-tuned-cola"));
    assert!(stored.addresses().is_empty(), "{:?}", stored.addresses());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_same_dump_as_a_folder_or_json_lines_adds_no_row() {
    let Some(archive) = shared_data::shared_data("huggingface/hub-2022.tar.zst") else {
        return;
    };
    let dir = temp("forms");
    let folder = unpack(&archive, &dir.join("unpacked"));
    // A fresh store from the folder: the same people.
    let mut a = Store::open(&dir.join("a")).unwrap();
    let r = ingest_dump(&mut a, &folder, &[], &|_| {}).unwrap();
    assert_eq!(loaded(&r).0.new_contributions, 1760);
    assert_eq!(logins(&everyone(&a, false)), hf(&PEOPLE));
    drop(a);
    // The archive, then the folder, then JSON lines with the cards: one row per model.
    let mut b = Store::open(&dir.join("b")).unwrap();
    ingest_dump(&mut b, &archive, &[], &|_| {}).unwrap();
    let r = ingest_dump(&mut b, &folder, &[], &|_| {}).unwrap();
    assert_eq!(loaded(&r).0.new_contributions, 0);
    let mut lines = String::new();
    for author in std::fs::read_dir(folder.join("models")).unwrap() {
        for model in std::fs::read_dir(author.unwrap().path()).unwrap() {
            let m = model.unwrap().path();
            let mut v: serde_json::Value =
                serde_json::from_slice(&std::fs::read(m.join("infos.json")).unwrap()).unwrap();
            v["card"] = std::fs::read_to_string(m.join("README.md")).unwrap().into();
            lines.push_str(&v.to_string());
            lines.push('\n');
        }
    }
    let jsonl = dir.join("models.jsonl");
    std::fs::write(&jsonl, lines).unwrap();
    let r = ingest_dump(&mut b, &jsonl, &[], &|_| {}).unwrap();
    let (summary, report) = loaded(&r);
    assert_eq!(
        (report.read, summary.new_contributions, summary.duplicates),
        (1760, 0, 1760)
    );
    assert_eq!(contributions(&b), 1760);
    drop(b);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_card_linking_a_github_profile_suggests_and_never_links() {
    let Some(archive) = shared_data::shared_data("huggingface/hub-2022.tar.zst") else {
        return;
    };
    let dir = temp("suggest");
    let mut store = Store::open(&dir).unwrap();
    // A GitHub person whose profile valhalla's and mrm8488's cards link.
    let suraj = Actor {
        github_id: Some(27_137_566),
        login: "patil-suraj".into(),
        is_bot_type: false,
    };
    let mut c = Contribution::new(
        "pr_merged/huggingface/transformers#9999".into(),
        Kind::PrMerged,
        "huggingface/transformers".into(),
        suraj,
        builtby_model::time::parse_rfc3339("2021-06-01T00:00:00Z").unwrap(),
    );
    c.number = Some(9999);
    let mut load = store.begin().unwrap();
    load.add(&Record::Contribution(Box::new(c))).unwrap();
    load.commit(
        &InputFile {
            source: Source::Github,
            path: "fixture".into(),
            size: 0,
            checksum: "fixture:patil-suraj".into(),
        },
        &ReadReport::new(Source::Github),
    )
    .unwrap();
    let r = ingest_dump(&mut store, &archive, &[], &|_| {}).unwrap();
    assert!(r
        .accounted
        .suggestions
        .contains(&("hf:valhalla".to_string(), "patil-suraj".to_string())));
    // only people's cards suggest: flax-community's cards link many profiles, and none counts
    assert!(r
        .accounted
        .suggestions
        .iter()
        .all(|(a, _)| a != "hf:flax-community"));
    let suggested = store.identity_suggestions(None, 100).unwrap();
    for account in ["hf:valhalla", "hf:mrm8488"] {
        let s = suggested
            .iter()
            .find(|s| s.account == account && s.person == "patil-suraj")
            .unwrap_or_else(|| panic!("{account}: {suggested:?}"));
        assert_eq!(s.method.as_str(), "profile_link");
        assert!(s.evidence[0].contains("the model card links github.com/patil-suraj"));
    }
    // Suggested, not linked: three people, each their own.
    let id = |store: &Store, l: &str| store.person_by_login(l).unwrap().unwrap();
    let suraj_id = id(&store, "patil-suraj");
    assert_ne!(id(&store, "hf:valhalla"), suraj_id);
    assert_ne!(id(&store, "hf:mrm8488"), suraj_id);
    // In a search each is still their own row, or listed under patil-suraj as "also likely
    // theirs, not linked" (one human, one row: the suggestion is shown, nothing is merged).
    let res = everyone(&store, false);
    let mut all = logins(&res);
    for r in &res.results {
        all.extend(r.also.iter().map(|a| a.login.clone()));
    }
    assert!(
        all.contains("patil-suraj") && all.contains("hf:valhalla") && all.contains("hf:mrm8488")
    );
    assert!(linked_authors(&store).unwrap().is_empty());
    // A person's decision links valhalla: its models count for patil-suraj, and --linked
    // finds the account.
    store
        .identity_link(
            "hf:valhalla",
            "patil-suraj",
            "test",
            "same person: the HF profile says so",
        )
        .unwrap();
    assert_eq!(id(&store, "hf:valhalla"), suraj_id);
    assert_eq!(linked_authors(&store).unwrap(), vec!["valhalla"]);
    let res = everyone(&store, false);
    let suraj_row = res
        .results
        .iter()
        .find(|p| p.login == "patil-suraj")
        .unwrap();
    assert!(
        suraj_row.counts.contains(&(Kind::Model, 39)),
        "{:?}",
        suraj_row.counts
    );
    assert!(!logins(&res).contains("hf:valhalla"));
    drop(store);
    let _ = std::fs::remove_dir_all(&dir);
}
