//! The recruiter workflow over HTTP (issue 13, parts 1, 2 and 6): shortlists, their status and
//! notes, exports in builtby's and the ATSes' columns, outreach drafts that cite the person's
//! own work in the searched scope, the ATS import with `in_ats` / `not_in_ats`, every bad
//! parameter a 400 naming it, the actor of each change, and the OpenAPI document.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use builtby_model::{Actor, BotRules, Contribution, Kind, Profile, Record};
use builtby_search::Catalog;
use builtby_server::workflow::RequestActor;
use builtby_server::AppState;
use builtby_store::{InputFile, Store};
use common::{request, temp_dir, Answer};

const DAY: i64 = 86_400;

fn actor(id: i64, login: &str) -> Actor {
    Actor {
        github_id: Some(id),
        login: login.into(),
        is_bot_type: false,
    }
}

fn work(kind: Kind, repo: &str, a: &Actor, day: i64, number: i64, title: &str) -> Contribution {
    let key = format!("{}/{repo}#{number}/{}", kind.as_str(), a.login);
    let mut c = Contribution::new(key, kind, repo.into(), a.clone(), day * DAY);
    c.number = Some(number);
    c.title = Some(title.into());
    c
}

/// ana: two merged PRs in pytorch/pytorch (the newer one the most recent), a substantive
/// review in jax-ml/jax; bo: a review in pytorch/pytorch and a comment giving an address.
fn fixture(name: &str) -> AppState {
    let dir = temp_dir(&format!("workflow-{name}"));
    let mut store = Store::open(&dir).unwrap();
    let ana = actor(1, "ana");
    let bo = actor(2, "bo");
    let mut old = work(
        Kind::PrMerged,
        "pytorch/pytorch",
        &ana,
        19_600,
        101,
        "Fix CUDA graph capture",
    );
    old.profile = Some(Profile {
        name: Some("Ana Lima".into()),
        location: Some("Berlin, Germany".into()),
        company: None,
        blog: None,
    });
    let new = work(
        Kind::PrMerged,
        "pytorch/pytorch",
        &ana,
        19_700,
        102,
        "Add async checkpointing for DCP",
    );
    let mut review = work(
        Kind::Review,
        "jax-ml/jax",
        &ana,
        19_710,
        7,
        "Shard the mesh lazily",
    );
    review.body = Some(
        "This breaks sharding when the mesh has a size-one axis; check it before lowering.".into(),
    );
    let bo_review = work(
        Kind::Review,
        "pytorch/pytorch",
        &bo,
        19_690,
        102,
        "Add async checkpointing for DCP",
    );
    let mut bo_comment = work(
        Kind::IssueComment,
        "pytorch/pytorch",
        &bo,
        19_691,
        55,
        "Broken build",
    );
    bo_comment.body = Some("write to bo@example.com".into());
    let records: Vec<Record> = [old, new, review, bo_review, bo_comment]
        .into_iter()
        .map(|c| Record::Contribution(Box::new(c)))
        .collect();
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

async fn send(state: &AppState, method: &str, uri: &str, body: &str) -> Answer {
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

fn bad(a: &Answer, param: &str) {
    assert_eq!(a.status, StatusCode::BAD_REQUEST, "{}", a.text());
    assert_eq!(a.json()["param"], param, "{}", a.text());
}

#[tokio::test]
async fn shortlists_over_http_with_statuses_notes_and_who_changed_them() {
    let state = fixture("crud");
    let a = send(
        &state,
        "POST",
        "/api/shortlists",
        r#"{"name": "ML infra", "search": "repo=pytorch/pytorch"}"#,
    )
    .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text());
    let a = send(&state, "POST", "/api/shortlists", r#"{"name": "ml INFRA"}"#).await;
    assert_eq!(a.status, StatusCode::CONFLICT, "{}", a.text());
    assert_eq!(a.json()["error"], "conflict");
    bad(
        &send(&state, "POST", "/api/shortlists", r#"{"name": "a/b"}"#).await,
        "name",
    );
    bad(
        &send(&state, "POST", "/api/shortlists", r#"{}"#).await,
        "name",
    );
    bad(
        &send(&state, "POST", "/api/shortlists", "name=x").await,
        "body",
    );
    bad(
        &send(
            &state,
            "POST",
            "/api/shortlists",
            r#"{"name": "x", "colour": 1}"#,
        )
        .await,
        "body",
    );
    bad(
        &send(
            &state,
            "POST",
            "/api/shortlists",
            r#"{"name": "x", "search": "since=someday"}"#,
        )
        .await,
        "search",
    );

    // A change carries the name of whoever made it (the token middleware's RequestActor).
    let mut req = Request::post("/api/shortlists/ml%20infra/people")
        .header("content-type", "application/json")
        .header("authorization", format!("Bearer {}", common::TESTER))
        .body(Body::from(
            r#"{"people": ["@ANA", "bo"], "note": "call ana@example.com"}"#,
        ))
        .unwrap();
    req.extensions_mut().insert(RequestActor("rita".into()));
    let a = request(&state, req).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    assert_eq!(a.json()["added"], serde_json::json!(["ana", "bo"]));
    bad(
        &send(
            &state,
            "POST",
            "/api/shortlists/ML%20infra/people",
            r#"{"people": ["ana", "nobody-here"]}"#,
        )
        .await,
        "people",
    );
    bad(
        &send(
            &state,
            "POST",
            "/api/shortlists/ML%20infra/people",
            r#"{"people": []}"#,
        )
        .await,
        "people",
    );
    let a = send(
        &state,
        "POST",
        "/api/shortlists/nope/people",
        r#"{"people": ["ana"]}"#,
    )
    .await;
    assert_eq!(a.status, StatusCode::NOT_FOUND, "{}", a.text());

    let a = send(
        &state,
        "POST",
        "/api/shortlists/ML%20infra/people/ana/status",
        r#"{"status": "contacted"}"#,
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    bad(
        &send(
            &state,
            "POST",
            "/api/shortlists/ML%20infra/people/ana/status",
            r#"{"status": "maybe"}"#,
        )
        .await,
        "status",
    );
    bad(
        &send(
            &state,
            "POST",
            "/api/shortlists/ML%20infra/people/ana/status",
            r#"{}"#,
        )
        .await,
        "status",
    );
    let a = send(
        &state,
        "POST",
        "/api/shortlists/ML%20infra/people/zed/status",
        r#"{"status": "new"}"#,
    )
    .await;
    assert_eq!(a.status, StatusCode::NOT_FOUND, "{}", a.text());
    let a = send(
        &state,
        "POST",
        "/api/shortlists/ML%20infra/people/bo/note",
        r#"{"note": "prefers async"}"#,
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    bad(
        &send(
            &state,
            "POST",
            "/api/shortlists/ML%20infra/people/bo/note",
            &format!(r#"{{"note": "{}"}}"#, "x".repeat(2001)),
        )
        .await,
        "note",
    );

    let v = get(&state, "/api/shortlists/ML%20infra").await.json();
    assert_eq!(v["name"], "ML infra");
    let people = v["people"].as_array().unwrap();
    assert_eq!(people.len(), 2);
    assert_eq!(people[0]["person"], "ana");
    assert_eq!(people[0]["name"], "Ana Lima");
    assert_eq!(people[0]["status"], "contacted");
    // the token's name is the actor, whatever else the request carries
    assert_eq!(people[0]["added_by"], "tester");
    assert_eq!(people[0]["updated_by"], "tester");
    assert!(
        !v.to_string().contains("example.com"),
        "no address is stored: {v}"
    );
    assert_eq!(people[1]["note"], "prefers async");
    let lists = get(&state, "/api/shortlists").await.json();
    assert_eq!(lists[0]["people"], 2);
    bad(&get(&state, "/api/shortlists?x=1").await, "query");

    let a = send(&state, "DELETE", "/api/shortlists/ML%20infra/people/bo", "").await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    let a = send(&state, "DELETE", "/api/shortlists/ML%20infra/people/bo", "").await;
    assert_eq!(a.status, StatusCode::NOT_FOUND, "{}", a.text());
    let a = send(&state, "DELETE", "/api/shortlists/ML%20infra", "").await;
    assert_eq!(
        (a.status, a.json()["people_removed"].as_i64()),
        (StatusCode::OK, Some(1))
    );
    assert_eq!(
        get(&state, "/api/shortlists/ML%20infra").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_first_line_cites_the_persons_own_work_in_the_searched_scope() {
    let state = fixture("outreach");
    let a = get(
        &state,
        "/api/outreach/ana?repo=pytorch/pytorch&problem=Our+checkpoints+stall+at+4k+GPUs.",
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    let d = a.json();
    let fl = &d["first_line"];
    assert_eq!(fl["variant"], "merged_pr");
    assert_eq!(
        fl["link"], "https://github.com/pytorch/pytorch/pull/102",
        "the newest merged PR: {d}"
    );
    assert_eq!(
        fl["line"],
        "I saw your PR to PyTorch (#102, 'Add async checkpointing for DCP', merged December 2023)."
    );
    let text = d["text"].as_str().unwrap();
    let (problem, cited) = (
        text.find("Our checkpoints stall").unwrap(),
        text.find("I saw your PR").unwrap(),
    );
    assert!(
        text.starts_with("Hi Ana,") && problem < cited,
        "problem first: {text}"
    );
    assert!(
        text.contains("https://github.com/pytorch/pytorch/pull/102"),
        "{text}"
    );
    assert!(d["note"].as_str().unwrap().contains("never sends"), "{d}");

    // Another scope, another citation: a substantive review, quoted.
    let d = get(&state, "/api/outreach/ana?repo=jax-ml/jax")
        .await
        .json();
    assert_eq!(d["first_line"]["variant"], "review", "{d}");
    let line = d["first_line"]["line"].as_str().unwrap();
    assert!(
        line.starts_with("I saw your review of PR #7 in JAX"),
        "{line}"
    );
    assert!(line.contains("“This breaks sharding"), "{line}");

    // Scope with nothing of theirs, unknown people, bad parameters.
    let a = get(&state, "/api/outreach/ana?repo=me/tool").await;
    assert_eq!(a.status, StatusCode::NOT_FOUND, "{}", a.text());
    assert!(
        a.json()["detail"].as_str().unwrap().contains("no work"),
        "{}",
        a.text()
    );
    assert_eq!(
        get(&state, "/api/outreach/nobody-here").await.status,
        StatusCode::NOT_FOUND
    );
    bad(&get(&state, "/api/outreach/ana?kind=stars").await, "kind");
    bad(&get(&state, "/api/outreach/ana?colour=red").await, "query");
    bad(
        &get(
            &state,
            &format!("/api/outreach/ana?problem={}", "x".repeat(1001)),
        )
        .await,
        "problem",
    );
    bad(
        &get(&state, "/api/outreach/ana?problem=a&problem=b").await,
        "problem",
    );
    bad(
        &get(&state, "/api/outreach/ana?shortlist=s&repo=jax-ml/jax").await,
        "shortlist",
    );

    // From a shortlist: the scope of the search the person was added from.
    send(&state, "POST", "/api/shortlists", r#"{"name": "s"}"#).await;
    send(
        &state,
        "POST",
        "/api/shortlists/s/people",
        r#"{"people": ["ana"], "search": "repo=jax-ml/jax"}"#,
    )
    .await;
    let d = get(&state, "/api/outreach/ana?shortlist=s").await.json();
    assert_eq!(d["first_line"]["variant"], "review", "{d}");
    assert_eq!(
        get(&state, "/api/outreach/bo?shortlist=s").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn exports_use_the_ats_columns_and_carry_the_first_line() {
    let state = fixture("export");
    send(
        &state,
        "POST",
        "/api/shortlists",
        r#"{"name": "Infra 2026", "search": "repo=pytorch/pytorch"}"#,
    )
    .await;
    send(
        &state,
        "POST",
        "/api/shortlists/Infra%202026/people",
        r#"{"people": ["ana", "bo"], "note": "met @ NeurIPS, ana@example.com"}"#,
    )
    .await;
    send(
        &state,
        "POST",
        "/api/shortlists/Infra%202026/people/ana/status",
        r#"{"status": "replied"}"#,
    )
    .await;

    let a = get(
        &state,
        "/api/shortlists/Infra%202026/export?format=greenhouse",
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    assert!(a.content_type.starts_with("text/csv"), "{}", a.content_type);
    let text = a.text();
    let mut rows = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = rows.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        header,
        builtby_search::shortlist::GREENHOUSE_HEADER.map(String::from)
    );
    let recs: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
    assert_eq!(recs.len(), 2);
    assert_eq!((&recs[0][0], &recs[0][1]), ("Ana", "Lima"));
    assert_eq!(&recs[0][3], "Berlin, Germany");
    assert_eq!(&recs[0][4], "https://github.com/ana");
    assert_eq!(&recs[0][5], "builtby");
    assert_eq!(&recs[0][6], "builtby,Infra 2026,builtby-replied");
    assert!(
        recs[0][7].contains("https://github.com/pytorch/pytorch/pull/102"),
        "{text}"
    );
    assert!(recs[0][7].contains("met @ NeurIPS"), "{text}");
    assert!(
        !text.contains("example.com") && !text.to_lowercase().contains("email"),
        "{text}"
    );

    let a = get(&state, "/api/shortlists/Infra%202026/export?format=lever").await;
    let text = a.text();
    let mut rows = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = rows.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        header,
        builtby_search::shortlist::LEVER_HEADER.map(String::from)
    );
    let r: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
    assert_eq!(&r[0][0], "Ana Lima");
    assert_eq!(
        &r[0][2],
        "https://github.com/ana, https://github.com/pytorch/pytorch/pull/102"
    );
    assert_eq!(
        (&r[0][4], &r[0][5], &r[0][6]),
        ("builtby", "Sourced", "New Lead")
    );

    let a = get(&state, "/api/shortlists/Infra%202026/export").await;
    assert!(
        a.text().starts_with("shortlist,login,name,status"),
        "csv by default: {}",
        a.text()
    );
    let j = get(&state, "/api/shortlists/Infra%202026/export?format=json")
        .await
        .json();
    assert_eq!(
        j["people"][0]["first_line"]["link"],
        "https://github.com/pytorch/pytorch/pull/102"
    );
    bad(
        &get(&state, "/api/shortlists/Infra%202026/export?format=xlsx").await,
        "format",
    );
    bad(
        &get(&state, "/api/shortlists/Infra%202026/export?fmt=csv").await,
        "query",
    );
    assert_eq!(
        get(&state, "/api/shortlists/nope/export").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_ats_import_marks_people_or_leaves_them_out() {
    let state = fixture("ats");
    let csv = "First Name,Last Name,Email,Social Media\n\
               Ana,Lima,ana@example.com,https://github.com/ana\n\
               Cy,Dee,cy@example.com,https://linkedin.com/in/cy\n\
               Zed,Zee,,https://github.com/zed-not-loaded\n";
    let a = request(
        &state,
        Request::post("/api/ats/import?file=pipeline.csv")
            .header("content-type", "text/csv")
            .header("authorization", format!("Bearer {}", common::TESTER))
            .body(Body::from(csv))
            .unwrap(),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    let r = a.json();
    assert_eq!(r["rows"], 3);
    assert_eq!(
        r["matched"][0],
        serde_json::json!({"line": 2, "login": "ana"})
    );
    assert_eq!(
        r["no_github"],
        serde_json::json!([3]),
        "line 3 matched nothing"
    );
    assert_eq!(r["not_loaded"][0]["line"], 4);
    let ats = get(&state, "/api/ats").await.json();
    assert_eq!(ats[0]["source"], "pipeline.csv:2");
    assert!(
        !ats.to_string().contains("example.com"),
        "only logins are kept: {ats}"
    );

    let s = get(&state, "/api/search").await.json();
    let marks: Vec<(String, bool)> = s["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["login"].as_str().unwrap().to_string(),
                r["in_ats"].as_bool().unwrap(),
            )
        })
        .collect();
    assert!(
        marks.contains(&("ana".into(), true)) && marks.contains(&("bo".into(), false)),
        "{marks:?}"
    );
    let s = get(&state, "/api/search?not_in_ats=true").await.json();
    let logins: Vec<&str> = s["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["login"].as_str().unwrap())
        .collect();
    assert_eq!(logins, ["bo"]);
    bad(
        &get(&state, "/api/search?not_in_ats=maybe").await,
        "not_in_ats",
    );

    // replace: the file is the whole pipeline
    let a = request(
        &state,
        Request::post("/api/ats/import?replace=true")
            .header("authorization", format!("Bearer {}", common::TESTER))
            .body(Body::from("GitHub\nbo\n"))
            .unwrap(),
    )
    .await;
    assert_eq!(
        (a.status, a.json()["removed"].as_i64()),
        (StatusCode::OK, Some(2))
    );
    let s = get(&state, "/api/search?not_in_ats=true").await.json();
    assert_eq!(s["results"][0]["login"], "ana");
    // Bad input names what is wrong; a file larger than the rest of the API takes is fine.
    let post = |uri: &'static str, body: Vec<u8>| {
        request(
            &state,
            Request::post(uri)
                .header("authorization", format!("Bearer {}", common::TESTER))
                .body(Body::from(body))
                .unwrap(),
        )
    };
    bad(&post("/api/ats/import", Vec::new()).await, "body");
    bad(
        &post("/api/ats/import?replace=maybe", b"GitHub\nbo\n".to_vec()).await,
        "replace",
    );
    bad(
        &post("/api/ats/import?x=1", b"GitHub\nbo\n".to_vec()).await,
        "query",
    );
    bad(
        &post("/api/ats/import", b"GitHub\n\xff\xfe\n".to_vec()).await,
        "body",
    );
    let mut big = b"Name,GitHub\n".to_vec();
    for i in 0..5_000 {
        big.extend(format!("Person {i},person-{i}\n").as_bytes());
    }
    assert!(big.len() > builtby_server::BODY_LIMIT);
    let a = post("/api/ats/import", big).await;
    assert_eq!(
        (a.status, a.json()["stored"].as_i64()),
        (StatusCode::OK, Some(5_000))
    );
    let a = post(
        "/api/ats/import",
        vec![b'x'; builtby_server::workflow::UPLOAD_LIMIT + 1],
    )
    .await;
    assert_eq!(a.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", a.text());
    // The rest of the API keeps its own limit.
    let a = send(&state, "POST", "/api/shortlists", &"x".repeat(100_000)).await;
    assert_eq!(a.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", a.text());
}

#[tokio::test]
async fn changes_need_the_token_and_every_endpoint_is_documented() {
    let state = fixture("docs");
    let doc = get(&state, "/api/openapi.json").await.json();
    for e in builtby_server::workflow::ENDPOINTS {
        let op = &doc["paths"][e.path][e.method];
        assert!(op.is_object(), "{} {} is not documented", e.method, e.path);
        if e.method != "get" {
            // routed: a bad body or an unknown name, never "no such route" or "method"
            let uri = e.path.replace("{name}", "nope").replace("{person}", "ana");
            let a = send(&state, &e.method.to_uppercase(), &uri, "not json").await;
            assert!(
                matches!(a.status, StatusCode::BAD_REQUEST | StatusCode::NOT_FOUND),
                "{} {uri}: {} {}",
                e.method,
                a.status,
                a.text()
            );
            assert_ne!(a.json()["error"], "method_not_allowed");
        }
    }
    let params: Vec<&str> = doc["paths"]["/api/outreach/{person}"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    for (name, _, _) in builtby_search::query::SEARCH_PARAMS {
        assert!(params.contains(name), "outreach does not document {name}");
    }
    assert!(
        params.contains(&"problem") && params.contains(&"shortlist") && params.contains(&"person")
    );
    assert!(doc["paths"]["/api/shortlists"]["post"]["requestBody"].is_object());
    let ids: Vec<&str> = doc["paths"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|item| item.as_object().unwrap().values())
        .map(|op| op["operationId"].as_str().unwrap())
        .collect();
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), ids.len(), "operation ids are unique: {ids:?}");

    let locked = state.with_token(Some("s3cret".into()));
    for (method, uri) in [
        ("POST", "/api/shortlists"),
        ("DELETE", "/api/shortlists/x"),
        ("POST", "/api/ats/import"),
        ("GET", "/api/outreach/ana"),
    ] {
        let a = send(&locked, method, uri, r#"{"name": "x"}"#).await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED, "{method} {uri}");
    }
    let a = request(
        &locked,
        Request::post("/api/shortlists")
            .header("authorization", "Bearer s3cret")
            .body(Body::from(r#"{"name": "x"}"#))
            .unwrap(),
    )
    .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text());
}

#[tokio::test]
async fn the_page_has_the_workflow() {
    let state = fixture("page");
    let html = get(&state, "/").await.text();
    for needle in [
        "/assets/workflow.js",
        "/assets/workflow.css",
        "shortlist-panel",
        "f-not_in_ats",
    ] {
        assert!(html.contains(needle), "{needle}");
    }
    let a = get(&state, "/assets/workflow.js").await;
    assert!(a.content_type.starts_with("text/javascript"));
    assert!(a.text().contains("/api/outreach/"));
    assert!(get(&state, "/assets/workflow.css")
        .await
        .content_type
        .starts_with("text/css"));
}

/// A GET with the tester's token.
async fn get(state: &AppState, uri: &str) -> common::Answer {
    common::get_as(state, common::TESTER, uri).await
}
