//! The JSON API handlers. Each parses its parameters with `builtby_search::query` (so a bad
//! value is a 400 naming the parameter), does its store work on the blocking pool, and answers
//! the same value the CLI prints with `--json`, passed through [`crate::scrub`].

use crate::{openapi, scrub, ApiError, AppState};
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderValue, Method, Uri};
use axum::response::{IntoResponse, Response};
use builtby_search::query::{query_from_params, Query};
use serde::Serialize;

/// Parameters the person endpoint takes (a subset of the search ones).
pub const PERSON_PARAMS: &[&str] = &["limit", "offset", "as_of", "half_life"];

/// A JSON answer with every e-mail-like word removed.
pub fn json<T: Serialize>(value: &T) -> Result<Response, ApiError> {
    let mut v =
        serde_json::to_value(value).map_err(|e| ApiError::internal("serializing an answer", e))?;
    scrub::scrub_value(&mut v);
    Ok(axum::Json(v).into_response())
}

/// `name=value` pairs of a raw query string, percent-decoded.
pub fn pairs(raw: Option<&str>) -> Vec<(String, String)> {
    form_urlencoded::parse(raw.unwrap_or("").as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// The search query of a request, checked against the catalog.
pub fn search_query(state: &AppState, raw: Option<&str>) -> Result<Query, ApiError> {
    let q = query_from_params(&pairs(raw), builtby_model::time::now())?;
    q.validate(state.catalog())?;
    Ok(q)
}

pub async fn search(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let q = search_query(&state, raw.as_deref())?;
    let results = state
        .with_store(move |store, st| {
            Ok(builtby_search::search(store, st.catalog(), st.bots(), &q)?)
        })
        .await?;
    json(&results)
}

pub async fn search_csv(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let q = search_query(&state, raw.as_deref())?;
    let results = state
        .with_store(move |store, st| {
            Ok(builtby_search::search(store, st.catalog(), st.bots(), &q)?)
        })
        .await?;
    let mut buf = Vec::new();
    builtby_search::export::results_csv(&results, &mut buf)
        .map_err(|e| ApiError::internal("writing CSV", e))?;
    let text = String::from_utf8_lossy(&buf);
    let body = scrub::scrub_str(&text).into_owned();
    let mut res = body.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"builtby-search.csv\""),
    );
    Ok(res)
}

pub async fn person(
    State(state): State<AppState>,
    Path(login): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let pairs = pairs(raw.as_deref());
    if let Some((name, _)) = pairs
        .iter()
        .find(|(n, _)| !PERSON_PARAMS.contains(&n.as_str()))
    {
        return Err(ApiError::bad(
            "query",
            format!(
                "unknown parameter `{name}`; known: {}",
                PERSON_PARAMS.join(", ")
            ),
        ));
    }
    let q = query_from_params(&pairs, builtby_model::time::now())?;
    let login = login.trim().trim_start_matches('@').to_string();
    let not_found = || {
        ApiError::NotFound(format!(
            "nobody with the login `{login}` is in the loaded data"
        ))
    };
    if login.is_empty() || login.len() > 100 {
        return Err(not_found());
    }
    let l = login.clone();
    let report = state
        .with_store(move |store, st| {
            Ok(builtby_search::person::person_report(
                store,
                st.catalog(),
                st.bots(),
                &l,
                &q,
            )?)
        })
        .await?;
    match report {
        Some(r) => json(&r),
        None => Err(not_found()),
    }
}

pub async fn catalog(State(state): State<AppState>) -> Result<Response, ApiError> {
    json(state.catalog())
}

/// What `/api/stats` answers: the store's description and its ingest log. Input paths are
/// cut to their file names: where the server keeps its files is nobody else's business.
#[derive(Serialize)]
pub struct Stats {
    pub stats: builtby_store::StoreStats,
    pub files: Vec<builtby_store::FileRow>,
}

pub async fn stats(State(state): State<AppState>) -> Result<Response, ApiError> {
    let s = state
        .with_store(|store, _| {
            let stats = store.stats().map_err(|e| ApiError::internal("stats", e))?;
            let mut files = store.files().map_err(|e| ApiError::internal("files", e))?;
            for f in &mut files {
                if let Some(name) = std::path::Path::new(&f.path).file_name() {
                    f.path = name.to_string_lossy().into_owned();
                }
            }
            Ok(Stats { stats, files })
        })
        .await?;
    json(&s)
}

pub async fn openapi() -> Result<Response, ApiError> {
    json(&openapi::document())
}

pub async fn no_such_endpoint(uri: Uri) -> ApiError {
    ApiError::NotFound(format!(
        "no API endpoint {}; see /api/openapi.json",
        uri.path()
    ))
}

pub async fn not_found(uri: Uri) -> ApiError {
    ApiError::NotFound(format!("nothing at {}", uri.path()))
}

pub async fn method_not_allowed(method: Method, uri: Uri) -> ApiError {
    ApiError::MethodNotAllowed(format!(
        "{method} is not allowed on {}; use GET",
        uri.path()
    ))
}
