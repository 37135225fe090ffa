//! `ingest huggingface` through the API, as a library, against a fake Hub on loopback
//! (`test-support/fake_hub.rs`: the real record and overview shapes): `Link` pagination, a 429
//! with its `RateLimit` reset and then success (the wait measured by a recording sleeper, not
//! slept), ETag 304s on a second run that changes nothing, organisations and bot families that
//! credit no person, and a crawl killed midway (the fake closes every connection after N
//! requests) then resumed with no duplicate row.

#[path = "../../test-support/fake_github.rs"]
mod fake_github;
#[path = "../../test-support/fake_hub.rs"]
mod fake_hub;
#[path = "../../test-support/shared_data.rs"]
mod shared_data;

use builtby_ingest::github::StoreCache;
use builtby_ingest::huggingface::{crawl_authors, AuthorCrawl, PageDone};
use builtby_model::{BotRules, Kind};
use builtby_search::{search, Catalog, Query};
use builtby_sources::huggingface::api::{Client, Config};
use builtby_sources::huggingface::AccountKind;
use builtby_store::Store;
use fake_hub::{list_path, serve_hub, standard, Hub};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

fn temp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("builtby-hf-api-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// A client whose waits are recorded instead of slept.
fn client(url: &str, retries: u32) -> (Client, Arc<Mutex<Vec<Duration>>>) {
    let waits: Arc<Mutex<Vec<Duration>>> = Arc::default();
    let w = waits.clone();
    let c = Client::new(Config {
        api_url: url.to_string(),
        token: None,
        timeout: Duration::from_secs(5),
        max_retries: retries,
        backoff: Duration::from_millis(1),
        concurrency: 3,
        max_wait: Duration::from_secs(400),
    })
    .unwrap()
    .with_progress(|_| {})
    .with_sleep(move |d| w.lock().unwrap().push(d));
    (c, waits)
}

fn crawl(
    dir: &std::path::Path,
    client: &Client,
    authors: &[&str],
) -> (Vec<AuthorCrawl>, Vec<(String, PageDone)>) {
    let mut store = Store::open(dir).unwrap();
    let cache = StoreCache::new(Store::open(dir).unwrap());
    let authors: Vec<String> = authors.iter().map(|a| a.to_string()).collect();
    let mut pages = Vec::new();
    let r = crawl_authors(&mut store, client, &cache, &authors, &[], &mut |a, p| {
        pages.push((a.to_string(), p.clone()))
    })
    .unwrap();
    (r, pages)
}

/// Model rows in the store, by account (bots and organisations included).
fn models_by_account(dir: &std::path::Path) -> Vec<(String, i64)> {
    let store = Store::open(dir).unwrap();
    let q = Query {
        limit: 500,
        include_bots: true,
        ..Default::default()
    };
    let res = search(&store, &Catalog::shipped(), &BotRules::default(), &q).unwrap();
    let mut out: Vec<(String, i64)> = res
        .results
        .iter()
        .map(|p| {
            let n = p
                .counts
                .iter()
                .filter(|c| c.0 == Kind::Model)
                .map(|c| c.1)
                .sum();
            (p.login.clone(), n)
        })
        .collect();
    out.sort();
    out
}

#[test]
fn pages_a_429_with_its_reset_and_304s_on_a_second_run() {
    let hub = serve_hub(Hub {
        accounts: standard("ana-ml", 25, "ana-gh", "acme-ai"),
        page_size: 10,
        // the second page is rate limited once, with 7 s to the window's reset
        limited_once: vec![list_path("ana-ml", Some(1))],
        reset_secs: 7,
        die_after: None,
    });
    let dir = temp("pages");
    let (c, waits) = client(hub.url(), 2);
    let (runs, pages) = crawl(&dir, &c, &["ana-ml", "acme-ai", "huggingtweets"]);
    let ana = &runs[0];
    assert_eq!(ana.error, None);
    assert_eq!(ana.kind, Some(AccountKind::Person));
    assert_eq!(ana.fullname.as_deref(), Some("Ana Lopez"));
    let sizes: Vec<usize> = ana.pages.iter().map(|p| p.models).collect();
    assert_eq!(sizes, vec![10, 10, 5], "three pages by Link");
    assert_eq!(ana.new_contributions, 25);
    // overview + 3 pages + the 429 + 25 cards
    assert_eq!(ana.requests, 1 + 3 + 1 + 25);
    // the 429 waited for the reset its RateLimit header gave (7 s, plus a second), once
    assert_eq!(*waits.lock().unwrap(), vec![Duration::from_secs(8)]);
    assert_eq!(c.stats().too_many, 1);
    // the organisation (the Hub says so: its user overview is a 404) and the bot family
    assert_eq!(runs[1].kind, Some(AccountKind::Organisation));
    assert_eq!(runs[2].kind, Some(AccountKind::Bot));
    assert!(runs.iter().all(|r| r.error.is_none()));
    assert_eq!(pages.len(), 5);
    assert!(ana
        .accounted
        .suggestions
        .contains(&("hf:ana-ml".to_string(), "ana-gh".to_string())));

    // A search: only Ana is a person, with her 25 models measured and linked.
    let store = Store::open(&dir).unwrap();
    let q = Query {
        limit: 50,
        evidence: 30,
        ..Default::default()
    };
    let res = search(&store, &Catalog::shipped(), &BotRules::default(), &q).unwrap();
    assert_eq!(res.results.len(), 1);
    let p = &res.results[0];
    assert_eq!(
        (p.login.as_str(), p.display.as_str()),
        ("hf:ana-ml", "Ana Lopez (Hugging Face)")
    );
    assert_eq!(p.counts, vec![(Kind::Model, 25)]);
    let e = p
        .evidence
        .iter()
        .find(|e| e.title.as_deref() == Some("ana-ml/bert-sentiment-00"))
        .unwrap();
    assert_eq!(e.url, "https://huggingface.co/ana-ml/bert-sentiment-00");
    let m = e.measures.as_ref().unwrap();
    assert_eq!(
        (m.downloads, m.downloads_all_time, m.likes),
        (Some(1000), Some(10000), Some(0))
    );
    assert!(m
        .card_note
        .as_deref()
        .unwrap()
        .starts_with("card: 4 of 8 sections, usage example"));
    let no_card = p
        .evidence
        .iter()
        .find(|e| e.title.as_deref() == Some("ana-ml/bert-sentiment-04"))
        .unwrap();
    assert_eq!(
        no_card.measures.as_ref().unwrap().card_note.as_deref(),
        Some("no model card")
    );
    drop(store);
    let before = models_by_account(&dir);
    assert_eq!(
        before,
        vec![
            ("hf:acme-ai".to_string(), 2),
            ("hf:ana-ml".to_string(), 25),
            ("hf:huggingtweets".to_string(), 2)
        ]
    );

    // A second run: every request conditional, every answer a 304, nothing stored again.
    let (c2, waits2) = client(hub.url(), 2);
    let (runs, pages) = crawl(&dir, &c2, &["ana-ml", "acme-ai", "huggingtweets"]);
    let s = c2.stats();
    // 404s: the 5 models without a card, and the user overviews of the two organisations;
    // everything else is a 304
    assert_eq!(s.requests, s.not_modified + 5 + 2, "{s:?}");
    assert!(pages.iter().all(|(_, p)| !p.stored && p.cached));
    assert!(runs
        .iter()
        .all(|r| r.new_contributions == 0 && r.error.is_none()));
    assert!(waits2.lock().unwrap().is_empty());
    assert_eq!(models_by_account(&dir), before);
    let statuses = hub.fake.statuses();
    let second = &statuses[statuses.len() - s.requests as usize..];
    assert!(second.iter().all(|(p, st)| *st == 304
        || (*st == 404
            && (p.ends_with("/resolve/main/README.md") || p.starts_with("/api/users/")))));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_crawl_killed_midway_resumes_without_doubles() {
    // The hub dies after the overview, the first page and its ten cards, and the second page:
    // the second page's cards never come.
    let hub = serve_hub(Hub {
        accounts: standard("ana-ml", 25, "ana-gh", "acme-ai"),
        page_size: 10,
        limited_once: Vec::new(),
        reset_secs: 0,
        die_after: Some(1 + 1 + 10 + 1),
    });
    let dir = temp("killed");
    let (c, _) = client(hub.url(), 1);
    let (runs, pages) = crawl(&dir, &c, &["ana-ml"]);
    let err = runs[0].error.as_deref().expect("the crawl stopped");
    assert!(err.contains("gave up after 2 attempts"), "{err}");
    assert_eq!(
        pages.len(),
        1,
        "the first page was stored before the hub died"
    );
    assert_eq!(models_by_account(&dir), vec![("hf:ana-ml".to_string(), 10)]);

    // The hub is back: the crawl resumes. The stored page is read again from 304s, found in
    // the ingest log and left alone; the rest is stored once.
    hub.heal();
    let (c2, _) = client(hub.url(), 1);
    let (runs, pages) = crawl(&dir, &c2, &["ana-ml"]);
    assert_eq!(runs[0].error, None);
    let done: Vec<(usize, bool, u64)> = pages
        .iter()
        .map(|(_, p)| (p.models, p.stored, p.new_contributions))
        .collect();
    assert_eq!(done, vec![(10, false, 0), (10, true, 10), (5, true, 5)]);
    assert!(pages[0].1.cached, "the first page and its cards were 304s");
    assert_eq!(models_by_account(&dir), vec![("hf:ana-ml".to_string(), 25)]);

    // And once more: nothing changes.
    let (c3, _) = client(hub.url(), 1);
    let (runs, _) = crawl(&dir, &c3, &["ana-ml"]);
    assert_eq!(runs[0].new_contributions, 0);
    assert_eq!(models_by_account(&dir), vec![("hf:ana-ml".to_string(), 25)]);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_unknown_author_is_an_error_that_names_it() {
    let hub = serve_hub(Hub {
        accounts: standard("ana-ml", 1, "ana-gh", "acme-ai"),
        page_size: 10,
        limited_once: Vec::new(),
        reset_secs: 0,
        die_after: None,
    });
    let dir = temp("unknown");
    let (c, _) = client(hub.url(), 1);
    let (runs, _) = crawl(&dir, &c, &["nobody-here", "ana-ml"]);
    assert_eq!(
        runs[0].error.as_deref(),
        Some("nobody-here: no such user or organisation on the Hub")
    );
    assert_eq!(runs[1].new_contributions, 1, "the next author goes on");
    let _ = std::fs::remove_dir_all(&dir);
}
