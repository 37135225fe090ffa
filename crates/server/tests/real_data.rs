//! The API over the shared GH Archive sample: for several queries it answers exactly what
//! `builtby_search::search` (what the CLI prints with `--json`) answers — same people, same
//! order, same scores — and the person endpoint agrees with `person_report`. Fails when
//! `../shared` exists without the files; skips with a message only when `../shared` is absent.

mod common;
#[path = "../../test-support/shared_data.rs"]
mod shared_data;

use axum::http::StatusCode;
use builtby_model::BotRules;
use builtby_search::query::Params;
use builtby_search::Catalog;
use builtby_server::AppState;
use builtby_store::Store;
use common::{get, temp_dir};

const AS_OF: &str = "2025-01-01";

fn load() -> Option<AppState> {
    let shared = shared_data::shared_data("gharchive")?;
    let (files, errors) = builtby_ingest::expand_inputs(&[shared]);
    assert!(errors.is_empty(), "{errors:?}");
    assert!(!files.is_empty());
    let dir = temp_dir("real");
    let mut store = Store::open(&dir).unwrap();
    let report =
        builtby_ingest::gharchive::ingest_files(&mut store, &files, 2, &builtby_ingest::Silent)
            .unwrap();
    assert!(
        report.new_contributions() > 1000,
        "{} contributions",
        report.new_contributions()
    );
    Some(AppState::new(dir, Catalog::shipped(), BotRules::default()))
}

fn pairs(qs: &str) -> Params {
    form_urlencoded::parse(qs.as_bytes()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_agrees_with_the_library_on_real_data() {
    let Some(state) = load() else { return };
    let store = Store::open(state.data_dir()).unwrap();
    let now = builtby_model::time::now();
    let mut nonempty = 0;
    let mut top_logins = Vec::new();
    for qs in [
        "kind=pr_merged",
        "kind=review&kind=review_comment&limit=50",
        "repo=rails/rails",
        "repo=tensorflow/*&repo=torvalds/linux",
        "ecosystem=tensorflow&ecosystem=pytorch&ecosystem=scikit-learn",
        "text=fix&limit=30",
        "since=2015-01-01&until=2015-01-02",
        // Searches over everyone cost a scan of every person; two are enough.
        "location=san%20francisco&include_bots=true",
        "limit=20&offset=20&half_life=3",
    ] {
        let qs = format!("{qs}&as_of={AS_OF}");
        let a = get(&state, &format!("/api/search?{qs}")).await;
        assert_eq!(a.status, StatusCode::OK, "{qs}: {}", a.text());
        let api = a.json();

        let q = pairs(&qs).build(state.catalog(), now).unwrap();
        let direct = builtby_search::search(&store, state.catalog(), state.bots(), &q).unwrap();
        let expected = common::as_client_sees(&direct);
        let people = |v: &serde_json::Value| -> Vec<(String, f64)> {
            v["results"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| {
                    (
                        r["login"].as_str().unwrap().to_string(),
                        r["score"].as_f64().unwrap(),
                    )
                })
                .collect()
        };
        assert_eq!(
            people(&api),
            people(&expected),
            "{qs}: same people, order and scores"
        );
        assert_eq!(api, expected, "{qs}: the whole answer");
        if !direct.results.is_empty() {
            nonempty += 1;
        }
        if top_logins.is_empty() && direct.results.len() >= 3 {
            top_logins = direct
                .results
                .iter()
                .take(3)
                .map(|r| r.login.clone())
                .collect();
        }
        assert!(!a.text().contains("@users.noreply.github.com"), "{qs}");
    }
    assert!(
        nonempty >= 6,
        "only {nonempty} queries found anyone: is the data loaded?"
    );
    assert_eq!(top_logins.len(), 3);

    for login in &top_logins {
        let a = get(
            &state,
            &format!("/api/people/{login}?as_of={AS_OF}&limit=25"),
        )
        .await;
        assert_eq!(a.status, StatusCode::OK, "{login}");
        let q = pairs(&format!("as_of={AS_OF}&limit=25"))
            .build_only(builtby_search::query::PERSON_PARAMS, state.catalog(), now)
            .unwrap();
        let direct =
            builtby_search::person::person_report(&store, state.catalog(), state.bots(), login, &q)
                .unwrap()
                .unwrap();
        assert_eq!(a.json(), common::as_client_sees(&direct), "{login}");
    }
    let csv = get(&state, &format!("/api/search.csv?as_of={AS_OF}&limit=5")).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert_eq!(csv.text().lines().count(), 6);
    let st = get(&state, "/api/stats").await.json();
    assert!(st["stats"]["contributions"].as_i64().unwrap() > 1000);
    assert_eq!(
        get(&state, "/api/people/surely-nobody-has-this-login-0")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}
