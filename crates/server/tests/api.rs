//! Router tests over a small store built in code: every route, every bad parameter, 404s,
//! the token, and that no e-mail address gets out.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use builtby_model::{Actor, BotRules, Contribution, Kind, Profile, Record};
use builtby_search::{query::Query, Catalog};
use builtby_server::AppState;
use builtby_store::{InputFile, Store};
use common::{get, request, temp_dir};

const DAY: i64 = 86_400;
/// 2024-06-01: a fixed "now" so scores do not drift between the API call and the check.
const AS_OF: &str = "2024-06-01";

fn actor(id: i64, login: &str) -> Actor {
    Actor {
        github_id: Some(id),
        login: login.into(),
        is_bot_type: false,
    }
}

fn contrib(key: &str, kind: Kind, repo: &str, a: Actor, day: i64, title: &str) -> Record {
    let mut c = Contribution::new(key.into(), kind, repo.into(), a, day * DAY);
    c.number = Some(day);
    c.title = Some(title.into());
    Record::Contribution(Box::new(c))
}

/// ana: merged work in pytorch, in Berlin. bo: reviews, and a title with an address in it.
/// dependabot[bot]: a bot.
fn fixture(name: &str) -> AppState {
    let dir = temp_dir(name);
    let mut store = Store::open(&dir).unwrap();
    let ana = actor(1, "ana");
    let bo = actor(2, "bo");
    let mut with_profile = Contribution::new(
        "p1".into(),
        Kind::PrMerged,
        "pytorch/pytorch".into(),
        ana.clone(),
        19_700 * DAY,
    );
    with_profile.number = Some(1);
    with_profile.title = Some("Speed up distributed all-reduce".into());
    with_profile.profile = Some(Profile {
        name: Some("Ana Lima".into()),
        location: Some("Berlin, Germany".into()),
        company: None,
        blog: None,
    });
    let records = vec![
        Record::Contribution(Box::new(with_profile)),
        contrib(
            "p2",
            Kind::PrMerged,
            "pytorch/pytorch",
            ana.clone(),
            19_650,
            "Fix CUDA graph capture",
        ),
        contrib(
            "p3",
            Kind::Review,
            "huggingface/transformers",
            ana.clone(),
            19_600,
            "Add Llama tokenizer",
        ),
        contrib(
            "b1",
            Kind::Review,
            "pytorch/pytorch",
            bo.clone(),
            19_690,
            "Speed up distributed all-reduce",
        ),
        contrib(
            "b2",
            Kind::IssueComment,
            "pytorch/pytorch",
            bo.clone(),
            19_691,
            "Broken build, write to bo@example.com",
        ),
        contrib("b3", Kind::PrOpened, "me/tool", bo, 19_500, "First commit"),
        contrib(
            "d1",
            Kind::PrOpened,
            "pytorch/pytorch",
            Actor {
                github_id: Some(3),
                login: "dependabot[bot]".into(),
                is_bot_type: true,
            },
            19_700,
            "Bump numpy",
        ),
    ];
    let input = InputFile {
        source: builtby_model::Source::Github,
        path: "fixture.json".into(),
        size: 1,
        checksum: "sum-fixture".into(),
    };
    let mut load = store.begin().unwrap();
    for r in &records {
        load.add(r).unwrap();
    }
    load.commit(
        &input,
        &builtby_model::ReadReport::new(builtby_model::Source::Github),
    )
    .unwrap();
    AppState::new(dir, Catalog::shipped(), BotRules::default())
}

fn direct_search(state: &AppState, q: &Query) -> serde_json::Value {
    let store = Store::open(state.data_dir()).unwrap();
    common::as_client_sees(
        &builtby_search::search(&store, state.catalog(), state.bots(), q).unwrap(),
    )
}

fn as_of() -> i64 {
    builtby_model::time::parse_date_or_time(AS_OF).unwrap()
}

#[tokio::test]
async fn search_answers_what_the_library_answers() {
    let state = fixture("search");
    for (qs, q) in [
        (
            "",
            Query {
                as_of: as_of(),
                ..Default::default()
            },
        ),
        (
            "repo=pytorch/pytorch&kind=pr_merged&kind=review",
            Query {
                repos: vec!["pytorch/pytorch".into()],
                kinds: vec![Kind::PrMerged, Kind::Review],
                as_of: as_of(),
                ..Default::default()
            },
        ),
        (
            "ecosystem=pytorch&limit=1&offset=1",
            Query {
                ecosystems: vec!["pytorch".into()],
                limit: 1,
                offset: 1,
                as_of: as_of(),
                ..Default::default()
            },
        ),
        (
            "text=distributed&location=berlin",
            Query {
                text: Some("distributed".into()),
                location: Some("berlin".into()),
                as_of: as_of(),
                ..Default::default()
            },
        ),
        (
            "include_bots=true&half_life=6",
            Query {
                include_bots: true,
                half_life_months: 6.0,
                as_of: as_of(),
                ..Default::default()
            },
        ),
    ] {
        let a = get(&state, &format!("/api/search?{qs}&as_of={AS_OF}")).await;
        assert_eq!(a.status, StatusCode::OK, "{qs}: {}", a.text());
        assert!(a.content_type.starts_with("application/json"));
        assert_eq!(a.json(), direct_search(&state, &q), "{qs}");
    }
    let v = get(&state, &format!("/api/search?as_of={AS_OF}"))
        .await
        .json();
    let logins: Vec<&str> = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["login"].as_str().unwrap())
        .collect();
    assert_eq!(logins, ["ana", "bo"], "bots are left out by default");
    assert_eq!(v["results"][0]["name"], "Ana Lima");
    let v = get(&state, "/api/search?include_bots=1").await.json();
    assert_eq!(v["total"], 3);
}

#[tokio::test]
async fn every_bad_parameter_is_a_400_that_names_it() {
    let state = fixture("bad");
    for (qs, param) in [
        ("kind=stars", "kind"),
        ("since=someday", "since"),
        ("until=13/45/2020", "until"),
        ("since=2024-01-02&until=2024-01-01", "since"),
        ("limit=0", "limit"),
        ("limit=100000", "limit"),
        ("limit=ten", "limit"),
        ("offset=-3", "offset"),
        ("repo=pytorch", "repo"),
        ("repo=a/b/c", "repo"),
        ("ecosystem=cobol", "ecosystem"),
        ("include_bots=perhaps", "include_bots"),
        ("half_life=-1", "half_life"),
        ("as_of=whenever", "as_of"),
        ("since=1d&since=2d", "since"),
        ("role=wizard", "role"),
        ("role=ml_infra,wizard", "role"),
        ("colour=red", "query"),
    ] {
        for path in ["/api/search", "/api/search.csv"] {
            let a = get(&state, &format!("{path}?{qs}")).await;
            assert_eq!(
                a.status,
                StatusCode::BAD_REQUEST,
                "{path}?{qs}: {}",
                a.text()
            );
            let v = a.json();
            assert_eq!(v["error"], "bad_parameter", "{qs}");
            assert_eq!(v["param"], param, "{qs}: {v}");
            let detail = v["detail"].as_str().unwrap();
            assert!(detail.starts_with(&format!("{param}:")), "{qs}: {detail}");
        }
    }
    let v = get(&state, "/api/search?colour=red").await.json();
    assert!(v["detail"].as_str().unwrap().contains("colour"), "{v}");
    // an unknown role names the valid ones
    let v = get(&state, "/api/search?role=wizard").await.json();
    let detail = v["detail"].as_str().unwrap();
    for valid in ["ml_engineer", "ml_infra", "researcher", "data_scientist"] {
        assert!(detail.contains(valid), "{detail}");
    }
    // a valid one is understood, and every result carries its roles
    let a = get(&state, "/api/search?role=ML-Infra").await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    assert_eq!(a.json()["query"]["roles"], serde_json::json!(["ml_infra"]));
    let all = get(&state, "/api/search").await.json();
    assert!(all["results"][0]["roles"].is_array(), "{all}");
    for (qs, param) in [
        ("limit=0", "limit"),
        ("offset=x", "offset"),
        ("kind=review", "query"),
    ] {
        let a = get(&state, &format!("/api/people/ana?{qs}")).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{qs}");
        assert_eq!(a.json()["param"], param, "{qs}");
    }
}

#[tokio::test]
async fn people_are_found_by_login_and_strangers_are_404() {
    let state = fixture("people");
    let a = get(&state, &format!("/api/people/ANA?as_of={AS_OF}&limit=2")).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    let v = a.json();
    assert_eq!(v["login"], "ana");
    assert_eq!(v["location"], "Berlin, Germany");
    assert_eq!(v["evidence"].as_array().unwrap().len(), 2);
    assert_eq!(v["evidence_total"], 3);
    assert!(!v["timeline"].as_array().unwrap().is_empty());
    let store = Store::open(state.data_dir()).unwrap();
    let q = Query {
        limit: 2,
        as_of: as_of(),
        ..Default::default()
    };
    let direct =
        builtby_search::person::person_report(&store, state.catalog(), state.bots(), "ana", &q)
            .unwrap()
            .unwrap();
    assert_eq!(v, common::as_client_sees(&direct));
    let page2 = get(&state, "/api/people/ana?limit=2&offset=2").await.json();
    assert_eq!(page2["evidence"].as_array().unwrap().len(), 1);

    for login in ["nobody-here", "%20", "x".repeat(300).as_str()] {
        let a = get(&state, &format!("/api/people/{login}")).await;
        assert_eq!(a.status, StatusCode::NOT_FOUND, "{login}");
        assert_eq!(a.json()["error"], "not_found");
    }
}

#[tokio::test]
async fn catalog_stats_csv_and_openapi() {
    let state = fixture("misc");
    let cat = get(&state, "/api/catalog").await.json();
    assert!(cat["ecosystems"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["id"] == "pytorch"));
    let st = get(&state, "/api/stats").await.json();
    assert_eq!(st["stats"]["contributions"], 7);
    assert_eq!(st["files"][0]["path"], "fixture.json");
    let csv = get(&state, &format!("/api/search.csv?as_of={AS_OF}")).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.content_type.starts_with("text/csv"));
    let text = csv.text();
    assert!(text.starts_with("rank,login,name,location"), "{text}");
    assert!(
        text.lines().nth(1).unwrap().starts_with("1,ana,Ana Lima,"),
        "{text}"
    );

    let doc = get(&state, "/api/openapi.json").await.json();
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().unwrap();
    assert!(paths.len() >= 6);
    let search_params: Vec<&str> = doc["paths"]["/api/search"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    for (name, _, _) in builtby_search::query::SEARCH_PARAMS {
        assert!(
            search_params.contains(name),
            "{name} is accepted but not documented"
        );
    }
    // a shortlist with ana on it, for the workflow's paths (`tests/workflow.rs`)
    // (changes need a named token: the same data folder, served with one)
    let writer = common::with_tester(state.clone());
    let t = Some(common::TESTER);
    let made = common::post_as(&writer, t, "/api/shortlists", r#"{"name": "s"}"#).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
    let added = common::post_as(
        &writer,
        t,
        "/api/shortlists/s/people",
        r#"{"people": ["ana"]}"#,
    )
    .await;
    assert_eq!(added.status, StatusCode::OK, "{}", added.text());
    for (path, item) in paths {
        if item.get("get").is_none() {
            continue; // decisions are POSTed: `identity_decisions_over_http`
        }
        let a = get(
            &state,
            &path
                .replace("{login}", "ana")
                .replace("{key}", "ana")
                .replace("{name}", "s")
                .replace("{person}", "ana")
                // the one endpoint with a required parameter: the sentence
                .replace("/api/ask", "/api/ask?q=pytorch"),
        )
        .await;
        assert_eq!(
            a.status,
            StatusCode::OK,
            "documented path {path} is not routed: {}",
            a.text()
        );
    }
}

#[tokio::test]
async fn no_email_address_ever_leaves() {
    let state = fixture("email");
    for uri in [
        "/api/search?include_bots=true",
        "/api/people/bo",
        "/api/search.csv",
        "/api/search?text=broken",
    ] {
        let a = get(&state, uri).await;
        assert_eq!(a.status, StatusCode::OK, "{uri}");
        let text = a.text();
        assert!(!text.contains("bo@example.com"), "{uri}: {text}");
    }
    let v = get(&state, "/api/people/bo").await.json();
    let titles: Vec<&str> = v["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["title"].as_str())
        .collect();
    // The store never wrote the address (it is scrubbed on the one write path).
    assert!(titles.contains(&"Broken build, write to"), "{titles:?}");
}

#[tokio::test]
async fn a_configured_token_is_required_for_the_api() {
    let state = fixture("token").with_token(Some("s3cret-token".into()));
    let bare = get(&state, "/api/search").await;
    assert_eq!(bare.status, StatusCode::UNAUTHORIZED);
    assert_eq!(bare.json()["error"], "unauthorized");
    for auth in [
        "Bearer wrong",
        "Bearer s3cret-toke",
        "Bearer s3cret-token-and-more",
        "s3cret-token",
        "Basic s3cret-token",
    ] {
        let a = request(
            &state,
            Request::get("/api/people/ana")
                .header("authorization", auth)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED, "{auth}");
    }
    for uri in [
        "/api/search",
        "/api/people/ana",
        "/api/catalog",
        "/api/stats",
        "/api/search.csv",
        "/api/openapi.json",
    ] {
        let a = request(
            &state,
            Request::get(uri)
                .header("authorization", "Bearer s3cret-token")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(a.status, StatusCode::OK, "{uri}");
        assert_eq!(
            get(&state, uri).await.status,
            StatusCode::UNAUTHORIZED,
            "{uri}"
        );
    }
    // Unknown API paths do not reveal whether they exist.
    assert_eq!(
        get(&state, "/api/nope").await.status,
        StatusCode::UNAUTHORIZED
    );
    // The page shell holds no data; it loads and asks for the token.
    assert_eq!(get(&state, "/").await.status, StatusCode::OK);
}

#[tokio::test]
async fn the_page_is_served_and_unknown_routes_are_json_errors() {
    let state = fixture("page");
    for (uri, ct) in [
        ("/", "text/html"),
        ("/people/ana", "text/html"),
        ("/assets/app.js", "text/javascript"),
        ("/assets/app.css", "text/css"),
        ("/favicon.svg", "image/svg+xml"),
    ] {
        let a = get(&state, uri).await;
        assert_eq!(a.status, StatusCode::OK, "{uri}");
        assert!(a.content_type.starts_with(ct), "{uri}: {}", a.content_type);
    }
    assert!(get(&state, "/").await.text().contains("/assets/app.js"));
    let js = get(&state, "/assets/app.js").await.text();
    for k in Kind::ALL {
        assert!(
            js.contains(&format!("[\"{k}\", ")),
            "the page has no label for kind {k}"
        );
    }
    for uri in ["/api/nope", "/nothing/here"] {
        let a = get(&state, uri).await;
        assert_eq!(a.status, StatusCode::NOT_FOUND, "{uri}");
        assert_eq!(a.json()["error"], "not_found");
    }
    let a = request(
        &state,
        Request::post("/api/search").body(Body::from("{}")).unwrap(),
    )
    .await;
    assert_eq!(a.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(a.json()["error"], "method_not_allowed");
    let big = request(
        &state,
        Request::post("/api/search")
            .body(Body::from(vec![b'x'; 100_000]))
            .unwrap(),
    )
    .await;
    assert!(big.status.is_client_error(), "{}", big.status);
}

#[tokio::test]
async fn non_loopback_addresses_need_a_token() {
    let err = builtby_server::bind("0.0.0.0:0".parse().unwrap(), None)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("token"), "{err}");
    assert!(builtby_server::bind("0.0.0.0:0".parse().unwrap(), Some(""))
        .await
        .is_err());
    assert!(
        builtby_server::bind("0.0.0.0:0".parse().unwrap(), Some("t"))
            .await
            .is_ok()
    );
    assert!(builtby_server::bind("127.0.0.1:0".parse().unwrap(), None)
        .await
        .is_ok());
    assert!(
        builtby_server::bind("[::1]:0".parse().unwrap(), None)
            .await
            .is_ok()
            || std::net::TcpListener::bind("[::1]:0").is_err()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_benchmark_counts_requests_over_a_socket() {
    // A fixed number of requests, not a time window: the count does not depend on how busy
    // the machine is.
    let state = fixture("bench");
    let r = builtby_server::bench::bench_search_requests(state.clone(), 12, 2)
        .await
        .unwrap();
    assert_eq!(r.requests, 24, "{r}");
    assert_eq!(r.concurrency, 2, "{r}");
    assert_eq!(r.errors, 0, "{r}");
    assert!(
        r.p50_ms > 0.0 && r.p99_ms >= r.p50_ms && r.max_ms >= r.p99_ms,
        "{r}"
    );
    assert!(r.seconds > 0.0 && r.rps > 0.0, "{r}");
    // With a token configured the benchmark sends it, so no request fails.
    let r = builtby_server::bench::bench_search_requests(
        state.with_token(Some("bench-token".into())),
        3,
        1,
    )
    .await
    .unwrap();
    assert_eq!((r.requests, r.errors), (3, 0), "{r}");
}

#[tokio::test]
async fn blank_tokens_are_refused_and_the_scheme_is_case_insensitive() {
    // A blank token could never be sent: refused, on loopback as off it.
    for blank in ["", " ", "\t \n"] {
        for addr in ["0.0.0.0:0", "127.0.0.1:0"] {
            let err = builtby_server::bind(addr.parse().unwrap(), Some(blank))
                .await
                .unwrap_err();
            assert!(
                err.to_string().contains("blank token"),
                "{addr} {blank:?}: {err}"
            );
        }
    }
    let state = fixture("bearer").with_token(Some("s3cret-token".into()));
    for auth in [
        "Bearer s3cret-token",
        "bearer s3cret-token",
        "BEARER s3cret-token",
        "bEaReR s3cret-token",
    ] {
        let a = request(
            &state,
            Request::get("/api/stats")
                .header("authorization", auth)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(a.status, StatusCode::OK, "{auth}");
    }
    for auth in [
        "Bearers s3cret-token",
        "Bearer",
        "bearer  ",
        "Basic s3cret-token",
    ] {
        let a = request(
            &state,
            Request::get("/api/stats")
                .header("authorization", auth)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED, "{auth}");
    }
    // A whitespace-only token configured in code is no token, never a lock nobody can open.
    let open = fixture("bearer-blank").with_token(Some("  ".into()));
    assert_eq!(open.token(), None);
}

#[tokio::test]
async fn every_error_has_the_one_json_shape() {
    let state = fixture("shape");
    let shape = |a: &common::Answer, error: &str| {
        let v = a.json();
        assert_eq!(v["error"], error, "{}", a.text());
        assert!(v["detail"].is_string(), "{}", a.text());
        assert!(v.as_object().unwrap().contains_key("param"), "{}", a.text());
        v
    };
    let a = get(&state, "/api/people/%FF").await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert_eq!(shape(&a, "bad_parameter")["param"], "login");
    let a = request(
        &state,
        Request::get("/api/search")
            .header("content-length", "10000000")
            .body(Body::from(vec![b'x'; 10_000_000]))
            .unwrap(),
    )
    .await;
    assert_eq!(a.status, StatusCode::PAYLOAD_TOO_LARGE);
    shape(&a, "payload_too_large");
    let a = get(&state, "/nothing").await;
    assert_eq!(shape(&a, "not_found")["param"], serde_json::Value::Null);
    let a = get(&state, "/api/search?limit=abc").await;
    assert_eq!(shape(&a, "bad_parameter")["param"], "limit");
}

/// Issue 9, defects 2, 3, 13, 14 and 15: hostile or odd input is a 400 naming the parameter,
/// answered at once.
#[tokio::test]
async fn hostile_parameters_are_a_quick_400_naming_them() {
    let state = fixture("hostile");
    let words = vec!["the"; 15_000].join("+");
    let areas: String = (0..600).map(|i| format!("&area=a{i}")).collect();
    let paths: String = (0..500).map(|i| format!("&path=p{i}/")).collect();
    let repos: String = (0..500).map(|i| format!("&repo=o/r{i}")).collect();
    for (qs, param) in [
        (format!("text={words}"), "text"),
        (format!("text={}", vec!["word"; 40].join("+")), "text"),
        (
            format!(
                "text={}",
                (0..15)
                    .map(|i| format!("w{i}"))
                    .collect::<Vec<_>>()
                    .join("+")
            ),
            "text",
        ),
        (format!("text={}", "x".repeat(80)), "text"),
        (areas, "area"),
        (paths, "path"),
        (repos, "repo"),
        ("text=*".to_string(), "text"),
        ("text=-".to_string(), "text"),
        ("text=%3A".to_string(), "text"),
        ("text=%22".to_string(), "text"),
        ("half_life=1e308".to_string(), "half_life"),
        ("half_life=1e-308".to_string(), "half_life"),
        ("half_life=5e-324".to_string(), "half_life"),
        ("half_life=NaN".to_string(), "half_life"),
        ("half_life=inf".to_string(), "half_life"),
    ] {
        let started = std::time::Instant::now();
        let a = get(&state, &format!("/api/search?{qs}")).await;
        let took = started.elapsed();
        let short = &qs[..qs.len().min(60)];
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{short}: {}", a.text());
        assert_eq!(a.json()["param"], param, "{short}");
        assert!(
            took < std::time::Duration::from_millis(100),
            "{short}: {took:?}"
        );
    }
    // The words the index cannot search are said so; a bad limit is not "out of range".
    let v = get(&state, "/api/search?text=*").await.json();
    assert!(
        v["detail"]
            .as_str()
            .unwrap()
            .contains("no searchable words"),
        "{v}"
    );
    let v = get(&state, "/api/search?limit=abc").await.json();
    let detail = v["detail"].as_str().unwrap();
    assert!(
        !detail.contains("out of range") && detail.contains("1 to 500"),
        "{v}"
    );
    // Below the bounds all is well: a repeated word is one term, lists of 100 are served.
    let ok = get(
        &state,
        "/api/search?text=distributed+distributed+Distributed",
    )
    .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text());
    assert_eq!(ok.json()["total"], 2);
    // (areas must be names or folders with stored paths: the automatic ones, repeated)
    let areas: String = (0..100)
        .map(|i| format!("&area={}", builtby_search::areas::AUTOMATIC[i % 4]))
        .collect();
    let paths: String = (0..100).map(|i| format!("&path=p{i}/")).collect();
    let a = get(&state, &format!("/api/search?repo=pytorch/*{areas}{paths}")).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    // since= empty is unset, as on the command line.
    let a = get(&state, "/api/search?since=&include_bots=1").await;
    assert_eq!(a.json()["total"], 3);
    // Endpoints that take no parameters say so, as /api/search does for a name it does not know.
    for path in ["/api/stats", "/api/catalog"] {
        let a = get(&state, &format!("{path}?colour=red")).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{path}: {}", a.text());
        let v = a.json();
        assert_eq!(v["param"], "query", "{path}");
        assert!(v["detail"].as_str().unwrap().contains("colour"), "{v}");
        assert_eq!(get(&state, path).await.status, StatusCode::OK, "{path}");
    }
}

/// Issue 9, defect 5: as_of is the world as it was then. ana's merged work is from 2023-10 and
/// 2023-12; as of 2023-11-15 only the first counts, and as of 1970 nothing does.
#[tokio::test]
async fn as_of_ignores_later_work() {
    let state = fixture("as-of");
    let v = get(&state, "/api/search?as_of=2023-12-01&kind=pr_merged")
        .await
        .json();
    assert_eq!(v["total"], 1, "{v}");
    let ana = &v["results"][0];
    assert_eq!(ana["counts"], serde_json::json!([["pr_merged", 1]]), "{v}");
    assert_eq!(ana["evidence"].as_array().unwrap().len(), 1, "{v}");
    let v = get(&state, "/api/search?as_of=1970-01-01").await.json();
    assert_eq!(v["total"], 0, "{v}");
    // The person page scores as of then too.
    let then = get(&state, "/api/people/ana?as_of=2023-12-01").await.json();
    let now = get(&state, "/api/people/ana?as_of=2024-06-01").await.json();
    let evidence = then["evidence"].as_array().unwrap();
    assert!(
        evidence
            .iter()
            .all(|e| e["at"].as_str().unwrap() < "2023-12-02"),
        "{then}"
    );
    assert!(then["score"].as_f64().unwrap() > 0.0);
    assert_eq!(then["details"][0]["used"][0]["count"], 1, "{then}");
    assert_eq!(now["details"][0]["used"][0]["count"], 2, "{now}");
}

async fn post(state: &AppState, uri: &str, body: &str) -> common::Answer {
    common::request(
        state,
        axum::http::Request::post(uri)
            .header("content-type", "application/json")
            .body(axum::body::Body::from(body.to_string()))
            .unwrap(),
    )
    .await
}

/// Issue 10: the identity verbs over HTTP answer as the CLI does, and decisions are logged.
#[tokio::test]
async fn identity_decisions_over_http() {
    // Decisions change the store: they need a token, even on loopback; its name is who
    // decides (a `by` in the body is ignored).
    let open = fixture("identity-open");
    let a = post(
        &open,
        "/api/identity/decide/link",
        r#"{"account": "bo", "person": "ana"}"#,
    )
    .await;
    assert_eq!(a.status, StatusCode::FORBIDDEN, "{}", a.text());
    assert!(a.json()["detail"]
        .as_str()
        .unwrap()
        .contains("--token-file"));
    const T: &str = "rita-token-0123456789";
    let state = fixture("identity")
        .with_tokens(builtby_server::Tokens::parse(&format!("rita:{T}\n"), "tokens").unwrap());
    let get = |state: &AppState, uri: &str| {
        let (state, uri) = (state.clone(), uri.to_string());
        async move { common::get_as(&state, T, &uri).await }
    };
    let post = |state: &AppState, uri: &str, body: &str| {
        let (state, uri, body) = (state.clone(), uri.to_string(), body.to_string());
        async move { common::post_as(&state, Some(T), &uri, &body).await }
    };
    let a = get(&state, "/api/identity/ana").await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    assert_eq!(a.json()["accounts"].as_array().unwrap().len(), 1);
    let a = post(
        &state,
        "/api/identity/decide/link",
        r#"{"account": "bo", "person": "ana", "why": "one human", "by": "someone else"}"#,
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    let v = get(&state, "/api/identity/ana").await.json();
    let keys: Vec<&str> = v["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["ana", "bo"], "{v}");
    assert_eq!(v["accounts"][1]["links"][0]["state"], "confirmed");
    let s = get(&state, "/api/search").await.json();
    assert_eq!(
        s["results"].as_array().unwrap().len(),
        1,
        "one person now: {s}"
    );
    let log = get(&state, "/api/identity-log?limit=5").await.json();
    assert_eq!(log[0]["action"], "link");
    assert_eq!(log[0]["by"], "rita");
    let audit = get(&state, "/api/audit?action=identity.link").await.json();
    assert_eq!(audit["entries"][0]["actor"], "rita", "{audit}");
    // errors name what is wrong
    let a = post(
        &state,
        "/api/identity/decide/link",
        r#"{"account": "nobody", "person": "ana"}"#,
    )
    .await;
    assert_eq!(a.status, StatusCode::NOT_FOUND, "{}", a.text());
    let a = post(&state, "/api/identity/decide/link", r#"{"account": "bo"}"#).await;
    assert_eq!(
        (a.status, a.json()["param"].as_str()),
        (StatusCode::BAD_REQUEST, Some("person"))
    );
    let a = post(&state, "/api/identity/decide/link", "not json").await;
    assert_eq!(
        (a.status, a.json()["param"].as_str()),
        (StatusCode::BAD_REQUEST, Some("body"))
    );
    let a = post(&state, "/api/identity/decide/merge", r#"{"account": "bo"}"#).await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    let a = post(
        &state,
        "/api/identity/decide/unlink",
        r#"{"account": "bo"}"#,
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    let a = post(
        &state,
        "/api/identity/decide/unlink",
        r#"{"account": "bo"}"#,
    )
    .await;
    assert_eq!(a.status, StatusCode::CONFLICT, "{}", a.text());
    let a = get(&state, "/api/identity-suggestions?limit=0").await;
    assert_eq!(
        (a.status, a.json()["param"].as_str()),
        (StatusCode::BAD_REQUEST, Some("limit"))
    );
    let a = get(&state, "/api/identity-suggestions?who=x").await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        get(&state, "/api/identity/nobody").await.status,
        StatusCode::NOT_FOUND
    );
}

/// Each result says where its score stands among everyone who matched, before paging, in the
/// JSON and in the CSV; the OpenAPI document describes it.
#[tokio::test]
async fn results_say_where_they_stand() {
    let state = fixture("standing");
    let v = get(&state, &format!("/api/search?as_of={AS_OF}"))
        .await
        .json();
    assert_eq!(v["total"], 2, "{v}");
    let first = &v["results"][0]["standing"];
    assert_eq!(first["position"], 1, "{v}");
    assert_eq!(first["of"], 2);
    assert_eq!(first["tied"], 0);
    assert_eq!(first["text"], "#1 of 2 people in this search");
    assert!(
        first["top_percent"].is_number() && first["tier"].is_string(),
        "{first}"
    );
    // The second page's person stands second of two, not first of one.
    let v = get(
        &state,
        &format!("/api/search?as_of={AS_OF}&offset=1&limit=1"),
    )
    .await
    .json();
    assert_eq!(v["results"][0]["rank"], 2);
    assert_eq!(v["results"][0]["standing"]["position"], 2, "{v}");
    assert_eq!(v["results"][0]["standing"]["of"], 2);
    // One person: the only one.
    let v = get(&state, &format!("/api/search?as_of={AS_OF}&kind=pr_merged"))
        .await
        .json();
    assert_eq!(
        v["results"][0]["standing"]["text"], "the only person in this search",
        "{v}"
    );
    let csv = get(&state, &format!("/api/search.csv?as_of={AS_OF}"))
        .await
        .text();
    let mut lines = csv.lines();
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("rank,login,name,location,company,score,standing,top_percent,"),
        "{csv}"
    );
    assert!(
        lines
            .next()
            .unwrap()
            .contains(",#1 of 2 people in this search,50,"),
        "{csv}"
    );
    // Labels are short, and the long explanation is there too.
    let v = get(&state, &format!("/api/search?as_of={AS_OF}"))
        .await
        .json();
    // once for the answer: each rule a result's details name, in the same order
    let rules = v["rules"].as_array().unwrap();
    let named: Vec<&str> = rules.iter().map(|t| t["rule"].as_str().unwrap()).collect();
    let used: Vec<&str> = v["results"][0]["details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap())
        .collect();
    assert_eq!(named, used);
    for t in rules {
        let label = t["label"].as_str().unwrap();
        assert!(label.split_whitespace().count() <= 14, "{label}");
        assert!(t["about"].as_str().unwrap().len() > label.len(), "{t}");
    }
    assert!(
        v["results"][0]["details"][0].get("about").is_none(),
        "{}",
        v["results"][0]["details"][0]
    );
    let doc = get(&state, "/api/openapi.json").await.json();
    let standing = &doc["components"]["schemas"]["Standing"];
    for field in ["position", "of", "tied", "top_percent", "tier", "text"] {
        assert!(
            standing["properties"][field].is_object(),
            "{field}: {standing}"
        );
    }
    let results = doc["paths"]["/api/search"]["get"]["responses"]["200"]["content"]
        ["application/json"]["schema"]["properties"]["results"]
        .to_string();
    assert!(results.contains("standing"), "{results}");
    let rules = doc["paths"]["/api/search"]["get"]["responses"]["200"]["content"]
        ["application/json"]["schema"]["properties"]["rules"]
        .to_string();
    assert!(rules.contains("about"), "{rules}");
}

/// An unknown area is a 400 naming `area`, with the valid names for the repositories searched
/// (all the catalog's without a repository filter) and a suggestion when one is close; a
/// folder with stored paths is an area.
#[tokio::test]
async fn unknown_areas_are_a_400_listing_the_known_ones() {
    let dir = temp_dir("areas");
    let mut store = Store::open(&dir).unwrap();
    let mut c = Contribution::new(
        "commit/pytorch/pytorch@1".into(),
        Kind::Commit,
        "pytorch/pytorch".into(),
        actor(1, "ana"),
        19_700 * DAY,
    );
    c.paths = vec![builtby_model::ChangedPath {
        path: "torch/distributed/fsdp/api.py".into(),
        added: Some(3),
        deleted: Some(1),
    }];
    let input = InputFile {
        source: builtby_model::Source::Git,
        path: "git".into(),
        size: 1,
        checksum: "sum-areas".into(),
    };
    let mut load = store.begin().unwrap();
    load.add(&Record::Contribution(Box::new(c))).unwrap();
    load.commit(
        &input,
        &builtby_model::ReadReport::new(builtby_model::Source::Git),
    )
    .unwrap();
    drop(store);
    let state = AppState::new(dir, Catalog::shipped(), BotRules::default());
    let bad = |qs: &'static str| {
        let state = state.clone();
        async move {
            let a = get(&state, &format!("/api/search?as_of={AS_OF}&{qs}")).await;
            assert_eq!(a.status, StatusCode::BAD_REQUEST, "{qs}: {}", a.text());
            let v = a.json();
            assert_eq!(v["param"], "area", "{qs}: {v}");
            v["detail"].as_str().unwrap().to_string()
        }
    };
    let d = bad("repo=pytorch/pytorch&area=FSDP").await;
    assert!(
        d.contains("unknown area `FSDP`")
            && d.contains("in pytorch/pytorch: distributed training")
            && d.contains("tests, docs, vendor, ci"),
        "{d}"
    );
    assert!(!d.contains("model: <folder>"), "only pytorch's names: {d}");
    let d = bad("area=pallas").await;
    assert!(d.contains("did you mean `Pallas kernels`?"), "{d}");
    assert!(
        d.contains("in the catalog") && d.contains("model: <folder>"),
        "{d}"
    );
    // LoRA is an area of vLLM's, not of PyTorch's
    let d = bad("repo=pytorch/pytorch&area=LoRA").await;
    assert!(
        d.contains("unknown area `LoRA`") && d.contains("ONNX export"),
        "{d}"
    );
    let d = bad("area=single+file").await;
    assert!(d.contains("unknown area `single file`"), "{d}");
    let d = bad("repo=pytorch/pytorch&area=distributed+trainng").await;
    assert!(d.contains("did you mean `distributed training`?"), "{d}");
    // Names and folders with stored paths are areas.
    for qs in [
        "area=distributed+training",
        "area=LoRA",
        "repo=pytorch/pytorch&area=Distributed+Training",
        "area=torch",
        "repo=pytorch/pytorch&area=torch/distributed",
        "area=tests",
        "repo=huggingface/transformers&area=model:+bert",
    ] {
        let a = get(&state, &format!("/api/search?as_of={AS_OF}&{qs}")).await;
        assert_eq!(a.status, StatusCode::OK, "{qs}: {}", a.text());
    }
    let v = get(&state, &format!("/api/search?as_of={AS_OF}&area=torch"))
        .await
        .json();
    assert_eq!(v["total"], 1, "{v}");
}

/// `/api/ask` reads the sentence into the parameters `/api/search` takes and answers the same
/// results; bad sentences are 400s naming `q`, never a panic.
#[tokio::test]
async fn ask_answers_what_search_answers_for_the_same_filters() {
    let state = fixture("ask");
    for (sentence, same) in [
        (
            "people with merged PRs in pytorch",
            "kind=pr_merged&ecosystem=pytorch",
        ),
        (
            "reviewers of pytorch/pytorch in Berlin",
            "kind=review,review_comment&repo=pytorch/pytorch&metro=Berlin",
        ),
        (
            "pytroch people since 2023, no bots",
            "ecosystem=pytorch&since=2023-01-01&include_bots=false",
        ),
    ] {
        let q: String = form_urlencoded::byte_serialize(sentence.as_bytes()).collect();
        let a = get(&state, &format!("/api/ask?q={q}&as_of={AS_OF}")).await;
        assert_eq!(a.status, StatusCode::OK, "{sentence}: {}", a.text());
        let a = a.json();
        let s = get(&state, &format!("/api/search?{same}&as_of={AS_OF}"))
            .await
            .json();
        assert_eq!(a["results"], s, "{sentence}");
        let params: Vec<String> = a["ask"]["params"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| format!("{}={}", p[0].as_str().unwrap(), p[1].as_str().unwrap()))
            .collect();
        let mut want: Vec<&str> = same.split('&').collect();
        want.sort();
        let mut got: Vec<&str> = params.iter().map(String::as_str).collect();
        got.sort();
        assert_eq!(got, want, "{sentence}");
    }
    let a = get(
        &state,
        &format!("/api/ask?q=merged+PRs+in+pytorch&as_of={AS_OF}"),
    )
    .await
    .json();
    assert_eq!(a["results"]["total"], 1, "ana's merged work");
    // read only: the query, no results
    let a = get(&state, "/api/ask?q=reviewers+in+germnay&run=false")
        .await
        .json();
    assert!(a.get("results").is_none());
    assert_eq!(a["query"]["country"], "DE");
    assert_eq!(a["ask"]["chips"][1]["how"]["typo"]["typed"], "germnay");
    // unknown words come back
    let a = get(&state, "/api/ask?q=pytorch+wizards+from+Narnia&run=false")
        .await
        .json();
    let unknown: Vec<&str> = a["ask"]["unknown"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["words"].as_str().unwrap())
        .collect();
    assert_eq!(unknown, ["wizards", "Narnia"]);
    let long = "a".repeat(10 * 1024);
    for (qs, param, says) in [
        (format!("q={long}"), "q", "too long"),
        ("q=%21%21%3F%3F...".to_string(), "q", "no words"),
        ("q=".to_string(), "q", "missing"),
        ("q=qwerty+asdf".to_string(), "q", "qwerty, asdf"),
        (
            "q=pytorch+since+2024+until+2022".to_string(),
            "since",
            "after until",
        ),
        ("q=pytorch&q=jax".to_string(), "q", "more than once"),
        (
            "q=pytorch&kind=review".to_string(),
            "query",
            "unknown parameter `kind`",
        ),
        ("q=pytorch&run=maybe".to_string(), "run", "true or false"),
    ] {
        let a = get(&state, &format!("/api/ask?{qs}")).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{}", a.text());
        let v = a.json();
        assert_eq!(v["error"], "bad_parameter");
        assert_eq!(v["param"], param, "{v}");
        assert!(v["detail"].as_str().unwrap().contains(says), "{v}");
    }
}
