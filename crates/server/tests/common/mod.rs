#![allow(dead_code)]

use axum::body::Body;
use axum::http::{Request, StatusCode};
use builtby_server::{app, AppState};
use http_body_util::BodyExt;
use tower::ServiceExt;

pub struct Answer {
    pub status: StatusCode,
    pub content_type: String,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

pub async fn request(state: &AppState, req: Request<Body>) -> Answer {
    let res = app(state.clone()).oneshot(req).await.unwrap();
    let status = res.status();
    let content_type = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let body = res.into_body().collect().await.unwrap().to_bytes().to_vec();
    Answer {
        status,
        content_type,
        body,
    }
}

pub async fn get(state: &AppState, uri: &str) -> Answer {
    request(state, Request::get(uri).body(Body::empty()).unwrap()).await
}

/// A fresh, empty data folder under the system temp dir.
pub fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("builtby-server-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `v` as a client reads it: printed and parsed again, so floats go through the same
/// (shortest-representation) text both ways.
pub fn as_client_sees<T: serde::Serialize>(v: &T) -> serde_json::Value {
    let mut v = serde_json::to_value(v).unwrap();
    builtby_server::scrub::scrub_value(&mut v);
    serde_json::from_str(&serde_json::to_string(&v).unwrap()).unwrap()
}

/// A GET with `Authorization: Bearer <token>`.
pub async fn get_as(state: &AppState, token: &str, uri: &str) -> Answer {
    request(
        state,
        Request::get(uri)
            .header("authorization", format!("Bearer {token}"))
            .body(Body::empty())
            .unwrap(),
    )
    .await
}

/// A POST of a JSON body, with `Authorization: Bearer <token>` when one is given.
pub async fn post_as(state: &AppState, token: Option<&str>, uri: &str, body: &str) -> Answer {
    let mut r = Request::post(uri).header("content-type", "application/json");
    if let Some(t) = token {
        r = r.header("authorization", format!("Bearer {t}"));
    }
    request(state, r.body(Body::from(body.to_string())).unwrap()).await
}

/// The token of [`with_tester`]'s state, named `tester`.
#[allow(dead_code)]
pub const TESTER: &str = "tester-token-0123456789";

/// `state` taking one named token, `tester:` [`TESTER`]: changes need a token (issue 13).
#[allow(dead_code)]
pub fn with_tester(state: AppState) -> AppState {
    state.with_tokens(
        builtby_server::Tokens::parse(&format!("tester:{TESTER}\n"), "tokens.txt").unwrap(),
    )
}
