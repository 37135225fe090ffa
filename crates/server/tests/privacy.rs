//! Opt-out, erasure, named tokens and the audit log over HTTP: an opted-out person is in no
//! answer, changes need a named token even on loopback, every bad parameter is a 400 naming
//! it, and no token is ever logged or stored.

mod common;

use axum::http::StatusCode;
use builtby_model::{Actor, Contribution, Kind, Profile, ReadReport, Record, Source};
use builtby_server::{AppState, Tokens};
use builtby_store::{InputFile, Store};
use common::{get, get_as, post_as, temp_dir};

const DAY: i64 = 86_400;
const RITA: &str = "rita-token-0123456789abcdef";
const OPS: &str = "ops-token-fedcba9876543210";

fn gh(id: i64, login: &str) -> Actor {
    Actor {
        github_id: Some(id),
        login: login.into(),
        is_bot_type: false,
    }
}

/// zqana: merged PRs and a review, a profile; zqbo: a review of her PR, and a PR she merged;
/// git:abc12: a commit, with one merged branch of zqana's (so: "likely @zqana").
fn records() -> Vec<Record> {
    let ana = gh(1, "zqana");
    let bo = gh(2, "zqbo");
    let mut out = Vec::new();
    for (i, (key, kind, who)) in [
        ("pr_merged/pytorch/pytorch#1", Kind::PrMerged, &ana),
        ("pr_merged/pytorch/pytorch#2", Kind::PrMerged, &ana),
        ("review/pytorch/pytorch/3", Kind::Review, &ana),
        ("review/pytorch/pytorch/4", Kind::Review, &bo),
        ("pr_merged/pytorch/pytorch#5", Kind::PrMerged, &bo),
    ]
    .into_iter()
    .enumerate()
    {
        let mut c = Contribution::new(
            key.into(),
            kind,
            "pytorch/pytorch".into(),
            who.clone(),
            (19_600 + i as i64) * DAY,
        );
        c.number = Some(i as i64 + 1);
        c.title = Some(format!("Speed up distributed all-reduce, part {i}"));
        if key.ends_with("#5") {
            c.merged_by = Some(ana.clone());
        }
        if i == 0 {
            c.profile = Some(Profile {
                name: Some("Zq Ana Lima".into()),
                location: Some("Berlin, Germany".into()),
                company: None,
                blog: None,
            });
        }
        out.push(Record::Contribution(Box::new(c)));
    }
    let mut commit = Contribution::new(
        "commit/pytorch/pytorch@abc".into(),
        Kind::Commit,
        "pytorch/pytorch".into(),
        Actor {
            github_id: None,
            login: "git:abc12".into(),
            is_bot_type: false,
        },
        19_610 * DAY,
    );
    commit.title = Some("Speed up distributed all-reduce, part 9".into());
    commit.profile = Some(Profile {
        name: Some("Zq Git".into()),
        ..Default::default()
    });
    out.push(Record::Contribution(Box::new(commit)));
    out
}

fn load(dir: &std::path::Path, name: &str) -> builtby_store::LoadSummary {
    let mut store = Store::open(dir).unwrap();
    let mut b = store.begin().unwrap();
    for r in records() {
        b.add(&r).unwrap();
    }
    b.vote(
        "git:abc12",
        "zqana",
        builtby_store::identity::Method::MergeBranch,
        "https://github.com/pytorch/pytorch/pull/1",
    );
    b.commit(
        &InputFile {
            source: Source::Gharchive,
            path: name.into(),
            size: 1,
            checksum: format!("sum-{name}"),
        },
        &ReadReport::new(Source::Gharchive),
    )
    .unwrap()
}

fn fixture(name: &str) -> (std::path::PathBuf, AppState) {
    let dir = temp_dir(name);
    load(&dir, "first.json");
    let state = AppState::new(
        dir.clone(),
        builtby_search::Catalog::shipped(),
        builtby_model::BotRules::default(),
    );
    (dir, state)
}

fn named_tokens() -> Tokens {
    Tokens::parse(
        &format!("# the team\nrita:{RITA}\nops: {OPS}\n"),
        "tokens.txt",
    )
    .unwrap()
}

const SEARCH: &str = "/api/search?as_of=2024-06-01";

/// The test's subject: an opted-out person is in no answer, before and after a re-ingest, and
/// every step is in the audit log under the token's name.
#[tokio::test]
async fn an_opted_out_person_is_in_no_answer() {
    let (dir, state) = fixture("privacy-gone");
    let state = state.with_tokens(named_tokens());
    let g = |uri: &str| {
        let (state, uri) = (state.clone(), uri.to_string());
        async move { get_as(&state, RITA, &uri).await }
    };
    // Before: zqana leads the search, has a page, is in the CSV; the git identity is "likely
    // @zqana".
    let s = g(SEARCH).await;
    assert!(s.text().contains("\"zqana\""), "{}", s.text());
    assert_eq!(g("/api/people/zqana").await.status, StatusCode::OK);
    assert!(g("/api/search.csv?as_of=2024-06-01")
        .await
        .text()
        .contains("zqana"));
    assert_eq!(g("/api/identity/zqana").await.status, StatusCode::OK);

    let a = post_as(
        &state,
        Some(OPS),
        "/api/optout",
        r#"{"account": "https://github.com/ZqAna", "reason": "asked on 2026-03-02"}"#,
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    let hash = a.json()["hash"].as_str().unwrap().to_string();
    assert_eq!(a.json()["people"], 1);

    let check_gone = |when: &'static str| {
        async move {
            for uri in [
                SEARCH,
                "/api/search?as_of=2024-06-01&text=distributed",
                "/api/search?as_of=2024-06-01&include_bots=true",
                "/api/search.csv?as_of=2024-06-01",
                "/api/identity-suggestions",
                "/api/identity-log",
                "/api/optouts",
            ] {
                let a = g(uri).await;
                assert_eq!(a.status, StatusCode::OK, "{when} {uri}: {}", a.text());
                let t = a.text().to_lowercase();
                assert!(
                    !t.contains("zqana") && !t.contains("zq ana"),
                    "{when} {uri}: {t}"
                );
            }
            // as a stranger: the same 404, the same words
            let p = g("/api/people/zqana").await;
            let stranger = g("/api/people/zqnobody").await;
            assert_eq!(p.status, StatusCode::NOT_FOUND, "{when}");
            assert_eq!(
                p.json()["detail"].as_str().unwrap().replace("zqana", "X"),
                stranger.json()["detail"]
                    .as_str()
                    .unwrap()
                    .replace("zqnobody", "X"),
            );
            for uri in ["/api/identity/zqana", "/api/identity/git:abc12"] {
                let a = g(uri).await;
                // git:abc12 is not linked to her (one vote): it stays, without the mention
                if uri.ends_with("abc12") {
                    assert!(!a.text().contains("zqana"), "{when}: {}", a.text());
                } else {
                    assert_eq!(a.status, StatusCode::NOT_FOUND, "{when} {uri}");
                }
            }
            let s = g(SEARCH).await.json();
            let logins: Vec<&str> = s["results"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["login"].as_str().unwrap())
                .collect();
            assert_eq!(logins.len(), 2, "{when}: {logins:?}");
        }
    };
    check_gone("after the opt-out").await;
    // The same records again (another input) and the same input again: still gone.
    let again = load(&dir, "second.json");
    assert_eq!(again.suppressed, 3, "{again:?}");
    check_gone("after re-ingesting").await;

    let list = g("/api/optouts").await.json();
    assert_eq!(list["count"], 1);
    assert_eq!(list["optouts"][0]["hash"], hash.as_str());

    // Each step is in the audit log, under the token's name, the person by hash only.
    let log = g("/api/audit").await;
    let text = log.text();
    assert!(
        !text.contains(RITA) && !text.contains(OPS),
        "no token: {text}"
    );
    assert!(!text.to_lowercase().contains("zqana"), "no login: {text}");
    let entries = log.json()["entries"].as_array().unwrap().clone();
    let actions: Vec<(&str, &str)> = entries
        .iter()
        .map(|e| (e["actor"].as_str().unwrap(), e["action"].as_str().unwrap()))
        .collect();
    for want in [
        ("rita", "search"),
        ("rita", "person"),
        ("rita", "export"),
        ("rita", "identity.show"),
        ("ops", "optout.add"),
    ] {
        assert!(actions.contains(&want), "{want:?} not in {actions:?}");
    }
    let person_views: Vec<&serde_json::Value> = entries
        .iter()
        .filter(|e| e["action"] == "person" && e["what"]["person"] == hash.as_str())
        .collect();
    assert_eq!(person_views.len(), 3, "{entries:?}");
    assert_eq!(person_views[0]["people"], 1, "shown before the opt-out");
    assert_eq!(person_views[1]["people"], 0, "not shown after it");
    let found = g("/api/audit?person=zqana&action=person").await.json();
    assert_eq!(found["count"], 3, "{found}\n{entries:#?}");
    let first_search = entries.iter().find(|e| e["action"] == "search").unwrap();
    assert_eq!(first_search["what"]["params"]["as_of"], "2024-06-01");
    // zqana (with git:abc12 folded under her as "also likely") and zqbo
    assert_eq!(first_search["people"], 2);
}

/// Erasure over HTTP deletes the person's work and keeps them out.
#[tokio::test]
async fn erasure_over_http() {
    let (dir, state) = fixture("privacy-erase");
    let state = state.with_tokens(named_tokens());
    let before = get_as(&state, RITA, "/api/stats").await.json()["stats"]["contributions"]
        .as_i64()
        .unwrap();
    let a = post_as(&state, Some(RITA), "/api/erase/zqana", "").await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    let v = a.json();
    assert_eq!(
        (v["people"].as_i64(), v["contributions"].as_i64()),
        (Some(1), Some(3))
    );
    let after = get_as(&state, RITA, "/api/stats").await.json()["stats"]["contributions"]
        .as_i64()
        .unwrap();
    assert_eq!(after, before - 3);
    assert_eq!(
        get_as(&state, RITA, "/api/people/zqana").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(load(&dir, "again.json").suppressed, 3);
    let s = get_as(&state, RITA, SEARCH).await;
    assert!(!s.text().contains("zqana"));
    let list = get_as(&state, RITA, "/api/optouts").await.json();
    assert!(list["optouts"][0]["erased_at"].is_string(), "{list}");
    // someone the store never had: opted out all the same
    let a = post_as(&state, Some(RITA), "/api/erase/kaggle:nobody", "{}").await;
    assert_eq!(
        (a.status, a.json()["people"].as_i64()),
        (StatusCode::OK, Some(0))
    );
}

/// Every bad parameter of the new endpoints is a 400 naming it (and an e-mail address is
/// never repeated back).
#[tokio::test]
async fn bad_parameters_are_400s_naming_them() {
    let (_, state) = fixture("privacy-bad");
    let state = state.with_tokens(named_tokens());
    for (uri, param) in [
        ("/api/audit?since=someday", "since"),
        ("/api/audit?action=Search!", "action"),
        ("/api/audit?limit=0", "limit"),
        ("/api/audit?limit=many", "limit"),
        ("/api/audit?person=ana%40example.com", "person"),
        ("/api/audit?actor=", "actor"),
        ("/api/audit?who=me", "query"),
        ("/api/optouts?x=1", "query"),
    ] {
        let a = get_as(&state, RITA, uri).await;
        assert_eq!(
            (a.status, a.json()["param"].as_str()),
            (StatusCode::BAD_REQUEST, Some(param)),
            "{uri}: {}",
            a.text()
        );
        assert!(!a.text().contains("example.com"), "{}", a.text());
    }
    let long = "x".repeat(501);
    for (uri, body, param) in [
        ("/api/optout", "not json", "body"),
        ("/api/optout", r#"{"account": "zqana", "extra": 1}"#, "body"),
        ("/api/optout", "{}", "account"),
        ("/api/optout", r#"{"account": "  "}"#, "account"),
        (
            "/api/optout",
            r#"{"account": "ana@example.com"}"#,
            "account",
        ),
        ("/api/optout", r#"{"account": "no such: kind"}"#, "account"),
        (
            "/api/optout",
            &format!(r#"{{"account": "zqana", "reason": "{long}"}}"#),
            "reason",
        ),
        ("/api/optout?now=1", r#"{"account": "zqana"}"#, "query"),
        ("/api/erase/a%20b", "", "person"),
        ("/api/erase/ana%40example.com", "", "person"),
        ("/api/erase/zqana", r#"{"why": "x"}"#, "body"),
    ] {
        let a = post_as(&state, Some(RITA), uri, body).await;
        assert_eq!(
            (a.status, a.json()["param"].as_str()),
            (StatusCode::BAD_REQUEST, Some(param)),
            "{uri} {body}: {}",
            a.text()
        );
        assert!(!a.text().contains("example.com"), "{}", a.text());
    }
    // nothing was changed by any of them
    let list = get_as(&state, RITA, "/api/optouts").await.json();
    assert_eq!(list["count"], 0, "{list}");
}

/// The new endpoints are documented and routed; the page links the privacy statement.
#[tokio::test]
async fn documented_routed_and_linked() {
    let (_, state) = fixture("privacy-doc");
    let doc = get(&state, "/api/openapi.json").await.json();
    for (path, method) in [
        ("/api/optouts", "get"),
        ("/api/optout", "post"),
        ("/api/erase/{person}", "post"),
        ("/api/audit", "get"),
    ] {
        let op = &doc["paths"][path][method];
        assert!(op.is_object(), "{path} {method} is not documented");
        if method == "post" {
            assert!(op["responses"]["403"].is_object(), "{path}: 403 documented");
            // routed: without a token the answer is the 403 the document promises
            let a = post_as(&state, None, &path.replace("{person}", "zqana"), "{}").await;
            assert_eq!(a.status, StatusCode::FORBIDDEN, "{path}");
        }
    }
    let names: Vec<&str> = doc["paths"]["/api/audit"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["since", "action", "actor", "person", "limit"]);
    let page = get(&state, "/").await.text();
    assert!(
        page.contains("href=\"/privacy\""),
        "the page links the statement"
    );
    let p = get(&state, "/privacy").await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(p.content_type.starts_with("text/html"));
    let t = p.text();
    for says in [
        "No e-mail addresses",
        "builtby optout add",
        "builtby erase",
        "never sends messages",
        "GH Archive",
    ] {
        assert!(t.contains(says), "the statement says {says:?}");
    }
}

/// While another process writes the store (an ingest holding its write lock), searches are
/// answered all the same, without waiting for the write: their audit rows wait in the
/// writer's queue and are written once the lock is free.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn searches_do_not_wait_for_an_ingest_and_are_logged_after_it() {
    let (dir, state) = fixture("privacy-busy");
    // the audit writer is open before the ingest starts
    assert_eq!(get(&state, SEARCH).await.status, StatusCode::OK);
    let (hold, release) = std::sync::mpsc::channel::<()>();
    let (held, is_held) = std::sync::mpsc::channel::<()>();
    let writer = std::thread::spawn(move || {
        let mut store = Store::open(&dir).unwrap();
        let b = store.begin().unwrap();
        held.send(()).unwrap();
        release.recv().unwrap();
        drop(b);
    });
    is_held.recv().unwrap();
    let t0 = std::time::Instant::now();
    for _ in 0..3 {
        assert_eq!(get(&state, SEARCH).await.status, StatusCode::OK);
    }
    let took = t0.elapsed();
    assert!(
        took < std::time::Duration::from_secs(10),
        "three searches took {took:?} while the store was locked"
    );
    hold.send(()).unwrap();
    writer.join().unwrap();
    // the queued rows are written once the lock is free
    let t0 = std::time::Instant::now();
    loop {
        let log = get(&state, "/api/audit?action=search").await.json();
        if log["count"] == 4 {
            break;
        }
        assert!(
            t0.elapsed() < std::time::Duration::from_secs(20),
            "the queued rows were not written: {log}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}
