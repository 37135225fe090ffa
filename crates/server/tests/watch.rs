//! Saved searches over HTTP (`/api/watches…`), their OpenAPI entries, and webhooks against a
//! local axum listener: retries with backoff, a clear error after the last attempt, and a
//! summary holding logins, names, links and scores only.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use builtby_model::{Actor, BotRules, Contribution, Kind, Profile, Record};
use builtby_search::Catalog;
use builtby_server::webhook::{self, Policy, WebhookError};
use builtby_server::AppState;
use builtby_store::{InputFile, Store};
use common::{request, temp_dir};
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const DAY: i64 = 86_400;

fn actor(id: i64, login: &str) -> Actor {
    Actor {
        github_id: Some(id),
        login: login.into(),
        is_bot_type: false,
    }
}

/// ana (Ana Lima, Berlin): two merged PRs in pytorch; bo: a review there.
fn fixture(name: &str) -> AppState {
    let dir = temp_dir(&format!("watch-{name}"));
    let mut store = Store::open(&dir).unwrap();
    let mut records = Vec::new();
    for (i, (key, kind, who)) in [
        ("p1", Kind::PrMerged, actor(1, "ana")),
        ("p2", Kind::PrMerged, actor(1, "ana")),
        ("b1", Kind::Review, actor(2, "bo")),
    ]
    .into_iter()
    .enumerate()
    {
        let mut c = Contribution::new(
            key.into(),
            kind,
            "pytorch/pytorch".into(),
            who,
            (19_700 + i as i64) * DAY,
        );
        c.number = Some(i as i64 + 1);
        c.title = Some(format!(
            "Speed up all-reduce {i}, mail me at ana@example.com"
        ));
        if key == "p1" {
            c.profile = Some(Profile {
                name: Some("Ana Lima".into()),
                location: Some("Berlin, Germany".into()),
                company: None,
                blog: None,
            });
        }
        records.push(Record::Contribution(Box::new(c)));
    }
    let mut load = store.begin().unwrap();
    for r in &records {
        load.add(r).unwrap();
    }
    load.commit(
        &InputFile {
            source: builtby_model::Source::Github,
            path: "fixture.json".into(),
            size: 1,
            checksum: format!("sum-{name}"),
        },
        &builtby_model::ReadReport::new(builtby_model::Source::Github),
    )
    .unwrap();
    common::with_tester(AppState::new(dir, Catalog::shipped(), BotRules::default()))
}

async fn send(state: &AppState, method: &str, uri: &str, body: &str) -> common::Answer {
    request(
        state,
        Request::builder()
            .method(method)
            .uri(uri)
            .header("content-type", "application/json")
            .header("authorization", format!("Bearer {}", common::TESTER))
            .body(Body::from(body.to_string()))
            .unwrap(),
    )
    .await
}

#[tokio::test]
async fn saved_searches_over_http() {
    let state = fixture("http");
    assert_eq!(
        get(&state, "/api/watches").await.json(),
        json!({"watches": []})
    );
    for (body, param) in [
        ("not json", "body"),
        ("[1]", "body"),
        (r#"{"query": "kind=pr_merged"}"#, "name"),
        (r#"{"name": "a b"}"#, "name"),
        (r#"{"name": 7}"#, "name"),
        (r#"{"name": "x", "query": "kind=stars"}"#, "kind"),
        (r#"{"name": "x", "query": "since=someday"}"#, "since"),
        (r#"{"name": "x", "query": "colour=red"}"#, "query"),
        (r#"{"name": "x", "query": "area=FSDP"}"#, "area"),
        (
            r#"{"name": "x", "query": "text=ana%40example.com"}"#,
            "text",
        ),
        (r#"{"name": "x", "query": 3}"#, "query"),
        (r#"{"name": "x", "min_score": -1}"#, "min_score"),
        (r#"{"name": "x", "min_score": "lots"}"#, "min_score"),
        (
            r#"{"name": "x", "webhook": "http://127.0.0.1:1/"}"#,
            "webhook",
        ),
        (r#"{"name": "x", "colour": "red"}"#, "body"),
    ] {
        let a = send(&state, "POST", "/api/watches", body).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{body}: {}", a.text());
        assert_eq!(a.json()["param"], param, "{body}: {}", a.text());
    }
    assert_eq!(
        get(&state, "/api/watches").await.json()["watches"],
        json!([])
    );

    let body = r#"{"name": "pt", "query": "?repo=pytorch/pytorch&as_of=2024-06-01&limit=5"}"#;
    let a = send(&state, "POST", "/api/watches", body).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    assert_eq!(
        a.json()["watch"],
        json!({"name": "pt", "query": "repo=pytorch%2Fpytorch&as_of=2024-06-01&limit=5", "min_score": null})
    );
    let a = send(&state, "POST", "/api/watches", body).await;
    assert_eq!(a.status, StatusCode::CONFLICT, "{}", a.text());

    // the badge: two people would be new
    let l = get(&state, "/api/watches").await.json();
    let pt = &l["watches"][0];
    assert_eq!(pt["name"], "pt");
    assert_eq!(
        (pt["new"].clone(), pt["dropped"].clone()),
        (json!(2), json!(0))
    );
    assert_eq!(pt["runs"], 0);
    assert_eq!(pt["qualifies"], "in the top 5 results");
    assert_eq!(pt["webhook"], Value::Null);

    let a = send(&state, "POST", "/api/watches/PT/run", "").await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    let r = a.json();
    assert_eq!(r["first_run"], true);
    assert_eq!(r["saved"], true);
    let new: BTreeSet<&str> = r["new"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["login"].as_str().unwrap())
        .collect();
    assert_eq!(new, BTreeSet::from(["ana", "bo"]));
    assert!(!a.text().contains("ana@example.com"), "{}", a.text());
    let l = get(&state, "/api/watches").await.json();
    assert_eq!(l["watches"][0]["new"], 0);
    assert_eq!(l["watches"][0]["runs"], 1);
    assert_eq!(l["watches"][0]["inputs_since_last_run"], 0);

    for (method, uri, status, param) in [
        ("POST", "/api/watches/nope/run", StatusCode::NOT_FOUND, None),
        ("DELETE", "/api/watches/nope", StatusCode::NOT_FOUND, None),
        (
            "POST",
            "/api/watches/a%20b/run",
            StatusCode::BAD_REQUEST,
            Some("name"),
        ),
        (
            "DELETE",
            "/api/watches/a%2Fb",
            StatusCode::BAD_REQUEST,
            Some("name"),
        ),
        (
            "POST",
            "/api/watches/pt/run?force=1",
            StatusCode::BAD_REQUEST,
            Some("query"),
        ),
        (
            "GET",
            "/api/watches?x=1",
            StatusCode::BAD_REQUEST,
            Some("query"),
        ),
    ] {
        let a = send(&state, method, uri, "").await;
        assert_eq!(a.status, status, "{method} {uri}: {}", a.text());
        if let Some(p) = param {
            assert_eq!(a.json()["param"], p, "{method} {uri}");
        }
    }
    let a = send(&state, "DELETE", "/api/watches/pt", "").await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    assert_eq!(
        get(&state, "/api/watches").await.json()["watches"],
        json!([])
    );
}

/// Every documented (path, method) is routed, and every operation has its own id.
#[tokio::test]
async fn the_openapi_document_lists_the_watch_endpoints_as_routed() {
    let state = fixture("openapi");
    let doc = get(&state, "/api/openapi.json").await.json();
    let paths = doc["paths"].as_object().unwrap();
    for (path, method) in [
        ("/api/watches", "get"),
        ("/api/watches", "post"),
        ("/api/watches/{name}/run", "post"),
        ("/api/watches/{name}", "delete"),
    ] {
        assert!(
            paths[path][method].is_object(),
            "{method} {path} documented"
        );
    }
    assert!(paths["/api/watches"]["post"]["requestBody"].is_object());
    assert!(paths["/api/watches"]["post"]["responses"]["409"].is_object());
    assert!(paths["/api/watches"]["post"]["responses"]
        .get("404")
        .is_none());
    let mut ids = BTreeSet::new();
    for (path, item) in paths {
        for (method, op) in item.as_object().unwrap() {
            assert!(
                ids.insert(op["operationId"].as_str().unwrap().to_string()),
                "{method} {path}: operationId used twice"
            );
            let uri = path
                .replace("{login}", "ana")
                .replace("{key}", "ana")
                .replace("{verb}", "link")
                .replace("{name}", "nope");
            let a = send(&state, &method.to_uppercase(), &uri, "{}").await;
            assert_ne!(a.status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
            let v: Value = serde_json::from_slice(&a.body).unwrap_or_default();
            let detail = v["detail"].as_str().unwrap_or("").to_string();
            assert!(
                !detail.contains("no API endpoint") && !detail.contains("nothing at"),
                "{method} {path} is documented but not routed: {detail}"
            );
        }
    }
}

/// What a webhook receiver got, and when.
type Seen = Arc<Mutex<Vec<(Instant, String)>>>;
/// The answers it has left to give: (status, Retry-After).
type Answers = Arc<Mutex<std::vec::IntoIter<(u16, Option<u64>)>>>;

/// A webhook receiver on a free loopback port, on its own thread: answers each POST with the
/// next of `answers` (status, Retry-After), then 200, and records when and what it got.
fn hook_server(answers: Vec<(u16, Option<u64>)>) -> (String, Seen) {
    use axum::extract::State;
    use axum::http::HeaderMap;
    let seen: Seen = Arc::default();
    let answers = Arc::new(Mutex::new(answers.into_iter()));
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let url = format!(
        "http://{}/hook/T0/s3cret?token=s3cret",
        listener.local_addr().unwrap()
    );
    let log = seen.clone();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let app = axum::Router::new()
                .route(
                    "/hook/T0/s3cret",
                    axum::routing::post(
                        |State((log, answers)): State<(Seen, Answers)>,
                         headers: HeaderMap,
                         body: String| async move {
                            assert_eq!(headers["content-type"], "application/json");
                            log.lock().unwrap().push((Instant::now(), body));
                            let (status, after) =
                                answers.lock().unwrap().next().unwrap_or((200, None));
                            let mut h = HeaderMap::new();
                            if let Some(s) = after {
                                h.insert("retry-after", s.to_string().parse().unwrap());
                            }
                            (StatusCode::from_u16(status).unwrap(), h, "answer")
                        },
                    ),
                )
                .with_state((log, answers));
            let l = tokio::net::TcpListener::from_std(listener).unwrap();
            axum::serve(l, app).await.unwrap();
        });
    });
    (url, seen)
}

fn quick() -> Policy {
    Policy {
        attempts: 3,
        backoff: Duration::from_millis(20),
        timeout: Duration::from_secs(5),
        max_retry_after: Duration::from_secs(2),
    }
}

#[test]
fn webhooks_retry_with_backoff_then_say_why_they_gave_up() {
    // a first-attempt failure, then success
    let (url, seen) = hook_server(vec![(500, None)]);
    let said = Mutex::new(Vec::<String>::new());
    let n = webhook::post_json(&url, br#"{"a":1}"#, &quick(), &|m| {
        said.lock().unwrap().push(m.to_string())
    })
    .unwrap();
    assert_eq!(n, 2);
    let got = seen.lock().unwrap().clone();
    assert_eq!(got.len(), 2);
    assert!(got.iter().all(|(_, b)| b == r#"{"a":1}"#));
    let said = said.into_inner().unwrap();
    assert_eq!(said.len(), 1, "{said:?}");
    assert!(
        said[0].contains("HTTP 500") && said[0].contains("retry 1 of 2"),
        "{said:?}"
    );
    assert!(!said[0].contains("s3cret"), "{said:?}");

    // failing every time: bounded attempts, growing waits, a clear error
    let (url, seen) = hook_server(vec![(503, None); 5]);
    let e = webhook::post_json(&url, b"{}", &quick(), &|_| {}).unwrap_err();
    let got = seen.lock().unwrap().clone();
    assert_eq!(got.len(), 3, "bounded attempts");
    let (d1, d2) = (got[1].0 - got[0].0, got[2].0 - got[1].0);
    assert!(
        d1 >= Duration::from_millis(20) && d2 >= Duration::from_millis(40),
        "{d1:?} {d2:?}"
    );
    match &e {
        WebhookError::Failed { to, attempts, last } => {
            assert!(to.starts_with("http://127.0.0.1:"), "{to}");
            assert_eq!(*attempts, 3);
            assert!(last.contains("HTTP 503"), "{last}");
        }
        other => panic!("{other:?}"),
    }
    let msg = e.to_string();
    assert!(msg.contains("gave up after 3 attempts: HTTP 503"), "{msg}");
    assert!(!msg.contains("s3cret"), "{msg}");

    // a 404 will not heal: one attempt
    let (url, seen) = hook_server(vec![(404, None)]);
    let e = webhook::post_json(&url, b"{}", &quick(), &|_| {}).unwrap_err();
    assert_eq!(seen.lock().unwrap().len(), 1);
    assert!(e.to_string().contains("after 1 attempt: HTTP 404"), "{e}");

    // 429 with Retry-After: waited for; too long a wait ends it
    let (url, seen) = hook_server(vec![(429, Some(1))]);
    assert_eq!(
        webhook::post_json(&url, b"{}", &quick(), &|_| {}).unwrap(),
        2
    );
    let got = seen.lock().unwrap().clone();
    assert!(got[1].0 - got[0].0 >= Duration::from_secs(1));
    let (url, seen) = hook_server(vec![(429, Some(3600))]);
    let e = webhook::post_json(&url, b"{}", &quick(), &|_| {}).unwrap_err();
    assert_eq!(seen.lock().unwrap().len(), 1);
    assert!(e.to_string().contains("asked to wait 3600s"), "{e}");

    // nobody listening
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let e = webhook::post_json(
        &format!("http://127.0.0.1:{port}/x"),
        b"{}",
        &quick(),
        &|_| {},
    )
    .unwrap_err();
    assert!(
        e.to_string()
            .contains("after 3 attempts: could not connect"),
        "{e}"
    );
}

/// A run over the API sends the watch's webhook (set from the command line): the first
/// attempt fails, the second is taken, and the summary holds logins, names, links and scores.
#[tokio::test]
async fn a_run_over_the_api_sends_the_webhook() {
    let state = fixture("hook");
    let (url, seen) = hook_server(vec![(502, None)]);
    {
        let store = Store::open(state.data_dir()).unwrap();
        let w = builtby_search::watch::NewWatch {
            name: "pt".into(),
            params: [("repo", "pytorch/pytorch"), ("as_of", "2024-06-01")]
                .into_iter()
                .collect(),
            min_score: None,
            webhook: Some(url.clone()),
        };
        builtby_search::watch::add(
            &store,
            state.catalog(),
            state.bots(),
            "test",
            &w,
            19_875 * DAY,
        )
        .unwrap();
    }
    let l = get(&state, "/api/watches").await;
    assert!(!l.text().contains("s3cret"), "{}", l.text());
    assert!(l.json()["watches"][0]["webhook"]
        .as_str()
        .unwrap()
        .starts_with("http://127.0.0.1:"));
    let a = send(&state, "POST", "/api/watches/pt/run", "").await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    let r = a.json();
    assert_eq!(r["webhook"]["delivered"], true, "{r}");
    assert_eq!(r["webhook"]["attempts"], 2);
    assert!(!a.text().contains("s3cret"));
    let got = seen.lock().unwrap().clone();
    assert_eq!(got.len(), 2);
    let alert: Value = serde_json::from_str(&got[1].1).unwrap();
    let keys: BTreeSet<&str> = alert
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, BTreeSet::from(["watch", "ran_at", "new", "dropped"]));
    for p in alert["new"].as_array().unwrap() {
        let keys: BTreeSet<&str> = p.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            BTreeSet::from(["login", "name", "profile_url", "evidence_url", "score"])
        );
    }
    let ana = alert["new"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["login"] == "ana")
        .unwrap();
    assert_eq!(ana["name"], "Ana Lima");
    assert_eq!(ana["profile_url"], "https://github.com/ana");
    let body = &got[1].1;
    assert!(
        !body.contains("Berlin") && !body.contains("Germany"),
        "no location: {body}"
    );
    assert!(!body.contains('@'), "no e-mail address: {body}");
    assert!(!body.contains("Speed up"), "no evidence text: {body}");
}

/// A method a route does not take is a 405 that says where to look, not "use GET".
#[tokio::test]
async fn other_methods_are_refused_saying_which_are_taken() {
    let state = fixture("405");
    let res = tower::ServiceExt::oneshot(
        builtby_server::app(state.clone()),
        Request::get("/api/watches/pt").body(Body::empty()).unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(res.headers()["allow"], "DELETE");
    let a = get(&state, "/api/watches/pt").await;
    let detail = a.json()["detail"].as_str().unwrap().to_string();
    assert!(
        !detail.contains("use GET") && detail.contains("Allow"),
        "{detail}"
    );
}

/// A GET with the tester's token.
async fn get(state: &AppState, uri: &str) -> common::Answer {
    common::get_as(state, common::TESTER, uri).await
}
