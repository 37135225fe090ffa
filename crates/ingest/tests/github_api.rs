//! The GitHub API side as a library (`builtby_ingest::github`), against a fake GitHub on
//! loopback answering with the real recorded REST responses in shared/data/github_rest:
//! hydration of a post-trim GH Archive hour and profile enrichment, their typed reports, and
//! what they leave in the store. (The binary's tests run the same against faults.)

#[path = "../../test-support/fake_github.rs"]
mod fake_github;
#[path = "../../test-support/shared_data.rs"]
mod shared_data;

use builtby_ingest::github::{enrich_people, hydrate, StoreCache};
use builtby_ingest::{gharchive::ingest_files, Silent};
use builtby_model::Kind;
use builtby_sources::github_api::{Client, Config};
use builtby_store::{CellQuery, Store};
use fake_github::{ok, recorded, serve, status, trimmed_hour};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

fn temp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("builtby-ingest-api-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn client(url: &str) -> Client {
    Client::new(Config {
        api_url: url.to_string(),
        token: None,
        timeout: Duration::from_secs(5),
        max_retries: 1,
        backoff: Duration::from_millis(10),
        concurrency: 2,
        max_wait: Duration::from_secs(1),
    })
    .unwrap()
}

fn text_hits(store: &Store, words: &str, kind: Kind) -> i64 {
    store
        .cells(&CellQuery {
            text: Some(words.into()),
            kinds: Some(vec![kind]),
            ..Default::default()
        })
        .unwrap()
        .iter()
        .map(|c| c.n)
        .sum()
}

#[test]
fn hydrate_completes_a_trimmed_hour_through_the_one_write_path() {
    let (Some(pull), Some(user)) = (
        recorded("repos_PyGithub_PyGithub_pulls_31.json"),
        recorded("users_jacquev6.json"),
    ) else {
        return;
    };
    let fake = serve(Arc::new(
        move |path: &str, _n: usize, inm: Option<&str>| match path {
            "/repos/PyGithub/PyGithub/pulls/31" if inm == Some("\"p31\"") => status(304, &[]),
            "/repos/PyGithub/PyGithub/pulls/31" => ok(&pull, "\"p31\""),
            "/user/327146" => ok(&user, "\"u1\""),
            _ => status(404, &[]),
        },
    ));
    let d = temp("hydrate");
    let mut store = Store::open(&d.join("data")).unwrap();
    let hour = trimmed_hour(&d);
    let loaded = ingest_files(&mut store, &[hour], 1, &Silent).unwrap();
    assert!(loaded.all_complete());
    assert_eq!(
        store.count_kind(Kind::PrMerged).unwrap(),
        0,
        "stubs are pointers"
    );
    assert_eq!(text_hits(&store, "edited", Kind::Review), 0);

    let cache = StoreCache::new(Store::open(&d.join("data")).unwrap());
    let c = client(&fake.url);
    let r = hydrate(&mut store, &c, &cache, usize::MAX, &|_, _| {}).unwrap();
    assert_eq!((r.pointers, r.partial, r.requests), (2, 1, 2), "{r:?}");
    assert_eq!(
        (r.resolved, r.new_contributions, r.completed),
        (1, 1, 1),
        "{r:?}"
    );
    assert_eq!(r.not_found, 1, "#99999 is gone: {r:?}");
    assert!(r.failed.is_empty(), "{r:?}");
    // The merge is credited to the PR's author, once, under the PR's natural key.
    assert_eq!(
        store
            .find_contribution("PyGithub/PyGithub", Kind::PrMerged, 31)
            .unwrap()
            .as_deref(),
        Some("pr_merged/pygithub/pygithub#31")
    );
    assert_eq!(store.count_kind(Kind::PrMerged).unwrap(), 1);
    // The trimmed review was completed in place: its PR's title is in the full-text index.
    assert_eq!(text_hits(&store, "edited", Kind::Review), 1);
    assert!(store.unhydrated(10).unwrap().is_empty());
    let mut states = store.pointer_states().unwrap();
    states.sort();
    assert_eq!(
        states,
        vec![("hydrated".to_string(), 1), ("not_found".to_string(), 1)]
    );
    // The run is in the ingest log as a GitHub input with its report.
    let files = store.files().unwrap();
    assert!(files.iter().any(|f| f.source == "github"), "{files:?}");

    // Again: nothing left to do, nothing asked, nothing doubled.
    let before = fake.total();
    let again = hydrate(&mut store, &c, &cache, usize::MAX, &|_, _| {}).unwrap();
    assert_eq!(
        (again.requests, again.new_contributions),
        (0, 0),
        "{again:?}"
    );
    assert_eq!(fake.total(), before);
    assert_eq!(store.count_kind(Kind::PrMerged).unwrap(), 1);

    // Enrich the reviewer by id: the profile and its normalised place are stored.
    let targets = store
        .profile_targets(&["jacquev6".to_string()], None)
        .unwrap();
    assert_eq!(targets.len(), 1);
    let people_before = store.stats().unwrap().people;
    let e = enrich_people(&mut store, &c, &cache, &targets).unwrap();
    assert_eq!(
        (e.updated, e.not_found.len(), e.failed.len()),
        (1, 0, 0),
        "{e:?}"
    );
    // The profile went through the one resolver: the same person, now with their profile.
    assert_eq!(store.stats().unwrap().people, people_before);
    let p = &store.people(&[targets[0].person_id]).unwrap()[0];
    assert_eq!(
        (p.github_id, p.name.as_deref(), p.location.as_deref()),
        (Some(327146), Some("Vincent Jacques"), Some("France"))
    );
    let _ = std::fs::remove_dir_all(&d);
}
