//! The JSON API handlers. Each turns its query string into `builtby_search::query::Params` and
//! builds its query with them, as the CLI does from its flags (so the same parameters mean the
//! same, and a bad value is a 400 naming the parameter as the CLI names it), does its store
//! work on the blocking pool, and answers the same value the CLI prints with `--json`, passed
//! through [`crate::scrub`]. Searches, person views and CSV exports are appended to the audit
//! log ([`AppState::audit`]) before they are answered.

use crate::{openapi, scrub, Actor, ApiError, AppState};
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderValue, Method, Uri};
use axum::response::{IntoResponse, Response};
use builtby_search::query::{Params, Query, QueryError};
use builtby_search::Catalog;
use serde::Serialize;

/// Parameters the person endpoint takes (a subset of the search ones).
pub use builtby_search::query::PERSON_PARAMS;

/// A JSON answer with every e-mail-like word removed.
pub fn json<T: Serialize>(value: &T) -> Result<Response, ApiError> {
    let body = scrub::to_json(value).map_err(|e| ApiError::internal("serializing an answer", e))?;
    Ok((
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response())
}

/// The `name=value` pairs of a raw query string, percent-decoded (`+` is a space).
pub fn params(raw: Option<&str>) -> Params {
    form_urlencoded::parse(raw.unwrap_or("").as_bytes()).collect()
}

/// The search query of a request's query string, checked against the catalog; relative
/// times count back from `as_of`, else from `now`.
pub fn search_query(catalog: &Catalog, raw: Option<&str>, now: i64) -> Result<Query, QueryError> {
    params(raw).build(catalog, now)
}

/// The query of a person request: [`PERSON_PARAMS`] only.
pub fn person_query(catalog: &Catalog, raw: Option<&str>, now: i64) -> Result<Query, QueryError> {
    params(raw).build_only(PERSON_PARAMS, catalog, now)
}

/// What the audit log records of a search: its parameters as given, the format, the total.
fn search_what(raw: Option<&str>, format: &str, total: u32) -> serde_json::Value {
    serde_json::json!({
        "params": builtby_store::audit::params_what(params(raw).pairs()),
        "format": format,
        "total": total,
    })
}

pub async fn search(
    State(state): State<AppState>,
    actor: Actor,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let q = search_query(state.catalog(), raw.as_deref(), builtby_model::time::now())?;
    let results = state
        .with_reader(move |read, _, st| {
            Ok(builtby_search::search(read, st.catalog(), st.bots(), &q)?)
        })
        .await?;
    state
        .audit(
            &actor,
            "search",
            search_what(raw.as_deref(), "json", results.total),
            results.results.len() as u64,
        )
        .await?;
    json(&results)
}

/// Parameters `/api/ask` takes besides the sentence `q` (and `run`).
pub const ASK_PARAMS: &[&str] = &["limit", "offset", "as_of"];

/// `/api/ask`'s request: the sentence, whether to run the search, and the paging.
fn ask_request(
    catalog: &Catalog,
    raw: Option<&str>,
    now: i64,
) -> Result<(builtby_search::ask::Asked, Query, bool), ApiError> {
    let mut sentence: Option<String> = None;
    let mut run = true;
    let mut extra = Params::new();
    for (name, value) in params(raw).pairs() {
        match name.as_str() {
            "q" if sentence.is_some() => return Err(ApiError::bad("q", "given more than once")),
            "q" => sentence = Some(value.clone()),
            "run" => {
                run = builtby_search::query::parse_bool("run", value).map_err(ApiError::from)?
            }
            n if ASK_PARAMS.contains(&n) => {
                extra.push(n, value.as_str());
            }
            n => {
                return Err(ApiError::bad(
                    "query",
                    format!(
                        "unknown parameter `{n}`; /api/ask takes q, run, {}",
                        ASK_PARAMS.join(", ")
                    ),
                ))
            }
        }
    }
    let sentence = sentence.filter(|s| !s.trim().is_empty()).ok_or_else(|| {
        ApiError::bad(
            "q",
            "missing; give what you look for in words, e.g. q=pytorch reviewers in Berlin",
        )
    })?;
    let (asked, q) =
        builtby_search::ask::ask(&sentence, &extra, catalog, now).map_err(|e| match e {
            builtby_search::ask::AskError::Query(q) => ApiError::from(q),
            other => ApiError::bad("q", other.to_string()),
        })?;
    Ok((asked, q, run))
}

/// `/api/ask?q=…`: the sentence read into search filters and, unless `run=false`, the search
/// with them (the same results as `/api/search` with `ask.params`).
pub async fn ask(
    State(state): State<AppState>,
    actor: Actor,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let now = builtby_model::time::now();
    let (asked, q, run) = ask_request(state.catalog(), raw.as_deref(), now)?;
    if !run {
        return json(&serde_json::json!({ "ask": asked, "query": q }));
    }
    let results = state
        .with_reader(move |read, _, st| {
            Ok(builtby_search::search(read, st.catalog(), st.bots(), &q)?)
        })
        .await?;
    let mut pairs = asked.params.clone();
    pairs.extend(
        params(raw.as_deref())
            .pairs()
            .iter()
            .filter(|(n, _)| ASK_PARAMS.contains(&n.as_str()))
            .cloned(),
    );
    state
        .audit(
            &actor,
            "search",
            serde_json::json!({
                "params": builtby_store::audit::params_what(&pairs),
                "format": "json",
                "total": results.total,
                "via": "ask",
            }),
            results.results.len() as u64,
        )
        .await?;
    json(&serde_json::json!({ "ask": asked, "results": results }))
}

pub async fn search_csv(
    State(state): State<AppState>,
    actor: Actor,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let q = search_query(state.catalog(), raw.as_deref(), builtby_model::time::now())?;
    let results = state
        .with_reader(move |read, _, st| {
            Ok(builtby_search::search(read, st.catalog(), st.bots(), &q)?)
        })
        .await?;
    state
        .audit(
            &actor,
            "export",
            search_what(raw.as_deref(), "csv", results.total),
            results.results.len() as u64,
        )
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
    actor: Actor,
    login: Result<Path<String>, axum::extract::rejection::PathRejection>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let Path(login) =
        login.map_err(|_| ApiError::bad("login", "is not valid UTF-8 once percent-decoded"))?;
    let q = person_query(state.catalog(), raw.as_deref(), builtby_model::time::now())?;
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
    let (report, person) = state
        .with_reader(move |read, store, st| {
            let person = store
                .person_ref(&l)
                .map_err(|e| ApiError::internal("person", e))?;
            Ok((
                builtby_search::person::person_report(read, st.catalog(), st.bots(), &l, &q)?,
                person,
            ))
        })
        .await?;
    // a person who opted out is answered as nobody: the same 404, the same audit row
    state
        .audit(
            &actor,
            "person",
            serde_json::json!({
                "person": person,
                "params": builtby_store::audit::params_what(params(raw.as_deref()).pairs()),
                "format": "json",
            }),
            report.is_some() as u64,
        )
        .await?;
    match report {
        Some(r) => json(&r),
        None => Err(not_found()),
    }
}

/// For endpoints that take no parameters: any is a 400 naming it, as `/api/search` answers
/// a name it does not know.
pub fn no_params(endpoint: &str, raw: Option<&str>) -> Result<(), ApiError> {
    match params(raw).pairs().first() {
        Some((name, _)) => Err(ApiError::bad(
            "query",
            format!("unknown parameter `{name}`; {endpoint} takes none"),
        )),
        None => Ok(()),
    }
}

pub async fn catalog(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    no_params("/api/catalog", raw.as_deref())?;
    json(state.catalog())
}

/// What `/api/stats` answers: the store's description and its ingest log. Input paths are
/// cut to their file names: where the server keeps its files is nobody else's business.
#[derive(Serialize)]
pub struct Stats {
    pub stats: builtby_store::StoreStats,
    pub files: Vec<builtby_store::FileRow>,
}

pub async fn stats(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    no_params("/api/stats", raw.as_deref())?;
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
        "{method} is not allowed on {}: the Allow header says which methods are (every endpoint's are in /api/openapi.json)",
        uri.path()
    ))
}
