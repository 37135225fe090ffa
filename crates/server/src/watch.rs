//! Saved searches over HTTP, the same as `builtby watch …` (see `builtby_search::watch` for
//! what "qualifies" means):
//!
//! - `GET /api/watches`: every saved search, each with how many people are new (and how many
//!   dropped out) since its last run: the page's badge. Nothing is saved.
//! - `POST /api/watches` with a JSON body `{"name", "query", "min_score"}`: saves the search
//!   whose query string is `query` (the same parameters as `/api/search`, checked the same
//!   way: a bad one is a 400 naming it).
//! - `POST /api/watches/{name}/run`: runs it and saves the run; sends its webhook, if it has
//!   one and something changed (a failed delivery leaves the run unsaved).
//! - `DELETE /api/watches/{name}`.
//!
//! Webhook URLs are set only from the command line (`builtby watch add --webhook`), by whoever
//! runs the server: an API client cannot make the server send requests where it likes. They
//! are shown by their origin only (their path often holds a secret).
//!
//! Reads run on the pooled read-only stores; changes on a store opened for writing for the
//! one request, on the blocking pool.

use crate::api::{json, no_params};
use crate::openapi::Endpoint;
use crate::{webhook, ApiError, AppState};
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use builtby_model::time;
use builtby_search::query::Params;
use builtby_search::watch::{self as w, WatchError};
use builtby_search::SearchError;
use builtby_store::{Store, StoreError};
use serde::Serialize;
use serde_json::{json, Value};

fn store_error(e: StoreError) -> ApiError {
    match e {
        e if e.is_interrupted() => ApiError::Cancelled,
        e @ StoreError::NotWritable { .. } => ApiError::Status(
            StatusCode::FORBIDDEN,
            format!("saved searches need a store this server can write: {e}"),
        ),
        e => ApiError::internal("watch", e),
    }
}

fn watch_error(e: WatchError) -> ApiError {
    match e {
        WatchError::Search(SearchError::Store(s)) => store_error(s),
        WatchError::Search(s) => s.into(),
        WatchError::Bad { param, message } => ApiError::bad(param, message),
        WatchError::NotFound(name) => ApiError::NotFound(format!("no saved search named `{name}`")),
        e @ (WatchError::Exists(_) | WatchError::Concurrent(_)) => {
            ApiError::Status(StatusCode::CONFLICT, e.to_string())
        }
    }
}

/// The query string of a watch's parameters.
fn query_string(pairs: &[(String, String)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

/// One saved search in `GET /api/watches`.
#[derive(Serialize)]
struct Listed {
    name: String,
    query: String,
    min_score: Option<f64>,
    qualifies: Option<String>,
    /// The webhook's origin, when there is one.
    webhook: Option<String>,
    created_at: String,
    runs: i64,
    last_run_at: Option<String>,
    inputs_since_last_run: Option<i64>,
    /// People who would be new, and would drop out, if it ran now.
    new: Option<usize>,
    dropped: Option<usize>,
    qualifying: Option<u32>,
    /// Why it could not be checked (the catalog changed, an area is gone…).
    error: Option<String>,
}

/// `GET /api/watches`.
pub async fn list(
    State(state): State<AppState>,
    actor: crate::privacy::Actor,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    no_params("/api/watches", raw.as_deref())?;
    let now = time::now();
    let who = actor.0.clone();
    let listed = state
        .with_store(move |store, st| {
            let mut out = Vec::new();
            for watch in store.watches().map_err(store_error)? {
                let checked = w::check(store, st.catalog(), st.bots(), &who, &watch.name, now);
                let (run, error) = match checked {
                    Ok(r) => (Some(r), None),
                    Err(WatchError::Search(SearchError::Store(e))) => return Err(store_error(e)),
                    Err(e) => (None, Some(e.to_string())),
                };
                out.push(Listed {
                    query: query_string(&watch.params),
                    min_score: watch.min_score,
                    qualifies: run.as_ref().map(|r| r.qualifies.clone()),
                    webhook: watch.webhook.as_deref().map(webhook::origin),
                    created_at: time::iso_string(watch.created_at),
                    runs: watch.runs,
                    last_run_at: watch.last_run_at.map(time::iso_string),
                    inputs_since_last_run: run.as_ref().and_then(|r| r.inputs_since_last_run),
                    new: run.as_ref().map(|r| r.new.len()),
                    dropped: run.as_ref().map(|r| r.dropped.len()),
                    qualifying: run.as_ref().map(|r| r.qualifying),
                    error,
                    name: watch.name,
                });
            }
            Ok(out)
        })
        .await?;
    json(&json!({ "watches": listed }))
}

/// Runs `f` on a store opened for writing, on the blocking pool.
async fn with_writer<T: Send + 'static>(
    state: &AppState,
    f: impl FnOnce(&mut Store, &AppState) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    let st = state.clone();
    tokio::task::spawn_blocking(move || {
        let mut store = Store::open(st.data_dir()).map_err(store_error)?;
        f(&mut store, &st)
    })
    .await
    .map_err(|e| ApiError::internal("watch task", e))?
}

/// `POST /api/watches`: `{"name": "pytorch-dist", "query": "ecosystem=pytorch&kind=pr_merged",
/// "min_score": 2}`.
pub async fn add(
    State(state): State<AppState>,
    actor: crate::privacy::Actor,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> Result<Response, ApiError> {
    no_params("/api/watches", raw.as_deref())?;
    let shape = "expected a JSON object {\"name\", \"query\", \"min_score\"}";
    let v: Value = serde_json::from_slice(&body)
        .map_err(|e| ApiError::bad("body", format!("{shape}: {e}")))?;
    let Some(obj) = v.as_object() else {
        return Err(ApiError::bad("body", shape));
    };
    for key in obj.keys() {
        match key.as_str() {
            "name" | "query" | "min_score" => {}
            "webhook" => {
                return Err(ApiError::bad(
                    "webhook",
                    "webhooks are set from the command line (`builtby watch add NAME --webhook URL -- …`) by whoever runs the server, not over the API",
                ))
            }
            other => {
                return Err(ApiError::bad(
                    "body",
                    format!("unknown field `{other}`; {shape}"),
                ))
            }
        }
    }
    let name = match obj.get("name") {
        Some(Value::String(s)) => s.trim().to_string(),
        Some(_) => return Err(ApiError::bad("name", "must be a string")),
        None => return Err(ApiError::bad("name", "a saved search needs a name")),
    };
    w::check_name(&name).map_err(watch_error)?;
    let query = match obj.get("query") {
        Some(Value::String(s)) => s.trim().trim_start_matches('?').to_string(),
        Some(Value::Null) | None => String::new(),
        Some(_) => return Err(ApiError::bad(
            "query",
            "must be a string: the search's query string, e.g. ecosystem=pytorch&kind=pr_merged",
        )),
    };
    let min_score = match obj.get("min_score") {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) => Some(w::parse_min_score(&n.to_string()).map_err(watch_error)?),
        Some(Value::String(s)) if !s.trim().is_empty() => {
            Some(w::parse_min_score(s).map_err(watch_error)?)
        }
        Some(Value::String(_)) => None,
        Some(_) => return Err(ApiError::bad("min_score", "must be a number ≥ 0")),
    };
    let params: Params = crate::api::params(Some(&query));
    // Checked here too, so a bad one is a 400 before the store is opened for writing.
    params.build(state.catalog(), time::now())?;
    let new = w::NewWatch {
        name,
        params,
        min_score,
        webhook: None,
    };
    let who = actor.0.clone();
    let watch = with_writer(&state, move |store, st| {
        w::add(store, st.catalog(), st.bots(), &who, &new, time::now()).map_err(watch_error)
    })
    .await?;
    json(&json!({
        "ok": true,
        "watch": {
            "name": watch.name,
            "query": query_string(&watch.params),
            "min_score": watch.min_score,
        },
    }))
}

fn path_name(
    name: Result<Path<String>, axum::extract::rejection::PathRejection>,
) -> Result<String, ApiError> {
    let Path(name) =
        name.map_err(|_| ApiError::bad("name", "is not valid UTF-8 once percent-decoded"))?;
    w::check_name(&name).map_err(watch_error)?;
    Ok(name)
}

/// `POST /api/watches/{name}/run`.
pub async fn run(
    State(state): State<AppState>,
    actor: crate::privacy::Actor,
    name: Result<Path<String>, axum::extract::rejection::PathRejection>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let name = path_name(name)?;
    no_params("/api/watches/{name}/run", raw.as_deref())?;
    let who = actor.0.clone();
    let run = with_writer(&state, move |store, st| {
        let deliver = |url: &str, alert: &w::Alert| deliver(url, alert);
        w::run(
            store,
            st.catalog(),
            st.bots(),
            &who,
            &name,
            time::now(),
            Some(&deliver),
        )
        .map_err(watch_error)
    })
    .await?;
    json(&run)
}

/// Sends a run's alert with the default [`webhook::Policy`]: what `watch run` and the API do.
pub fn deliver(url: &str, alert: &w::Alert) -> w::Delivery {
    deliver_with(url, alert, &webhook::Policy::default(), &|m| {
        tracing::warn!("{m}")
    })
}

/// [`deliver`] with a policy and a place for retry messages.
pub fn deliver_with(
    url: &str,
    alert: &w::Alert,
    policy: &webhook::Policy,
    progress: &dyn Fn(&str),
) -> w::Delivery {
    let to = webhook::origin(url);
    let body = match serde_json::to_value(alert) {
        Ok(mut v) => {
            // names are free text: nothing that looks like an address leaves
            crate::scrub::scrub_value(&mut v);
            v.to_string().into_bytes()
        }
        Err(e) => {
            return w::Delivery {
                to,
                delivered: false,
                attempts: 0,
                error: Some(format!("cannot write the summary: {e}")),
            }
        }
    };
    match webhook::post_json(url, &body, policy, progress) {
        Ok(attempts) => w::Delivery {
            to,
            delivered: true,
            attempts,
            error: None,
        },
        Err(e) => {
            let attempts = match &e {
                webhook::WebhookError::Failed { attempts, .. } => *attempts,
                webhook::WebhookError::BadUrl(_) => 0,
            };
            w::Delivery {
                to,
                delivered: false,
                attempts,
                error: Some(e.to_string()),
            }
        }
    }
}

/// `DELETE /api/watches/{name}`.
pub async fn remove(
    State(state): State<AppState>,
    actor: crate::privacy::Actor,
    name: Result<Path<String>, axum::extract::rejection::PathRejection>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let name = path_name(name)?;
    no_params("/api/watches/{name}", raw.as_deref())?;
    let n = name.clone();
    let who = actor.0.clone();
    with_writer(&state, move |store, _| {
        w::remove(store, &who, &n).map_err(watch_error)
    })
    .await?;
    json(&json!({"ok": true, "removed": name}))
}

/// The endpoints above, for the OpenAPI document ([`crate::openapi`]).
pub const ENDPOINTS: &[Endpoint] = &[
    Endpoint {
        path: "/api/watches",
        method: "get",
        summary: "Saved searches, with how many people are new since their last run",
        description: "Every saved search (`builtby watch list`). For each, `new` and `dropped` say how many people would be new and would drop out if it ran now (nothing is saved): a person qualifies when they are among the results the search shows (its top `limit`, 20 by default) and, with `min_score`, score at least that. `qualifies` says the rule in words.",
        params: &[],
        content_type: "application/json",
        fields: &[("watches", "array", "{name, query (the search's query string), min_score, qualifies, webhook (its origin, or null), created_at, runs, last_run_at, inputs_since_last_run (inputs loaded since), new, dropped, qualifying, error (why it could not be checked, or null)}.")],
    },
    Endpoint {
        path: "/api/watches",
        method: "post",
        summary: "Save a search",
        description: "The body is JSON {\"name\", \"query\", \"min_score\"}: `name` is 1 to 64 letters, digits, `-`, `_` or `.`; `query` is a query string of `/api/search` (e.g. `ecosystem=pytorch&kind=pr_merged&limit=50`), checked as that endpoint checks it; `min_score` (optional) is the score a person needs besides being in the results shown. A bad parameter is a 400 naming it (`name`, `min_score`, or the search's own). Webhooks are set from the command line only (`builtby watch add --webhook`). 409 when a saved search has that name.",
        params: &[],
        content_type: "application/json",
        fields: &[("ok", "boolean", "true"), ("watch", "object", "{name, query, min_score}.")],
    },
    Endpoint {
        path: "/api/watches/{name}/run",
        method: "post",
        summary: "Run a saved search",
        description: "As `builtby watch run NAME --json`: runs the search, lists who newly qualifies since its last run (score, standing, the strongest evidence line) and who dropped out, and saves the run. When something changed and the saved search has a webhook, a JSON summary (logins, names, links and scores only) is POSTed to it with retries; if it cannot be delivered the run is not saved (`saved: false`, `webhook.error` says why) and the next run reports the same changes. Delivery takes at most about 17 s; a run that outlasts the request time (408) still ends, saved or not as its delivery went (`GET /api/watches` shows its runs). 404 for an unknown name; 409 when another run of it was saved meanwhile.",
        params: &[],
        content_type: "application/json",
        fields: &[
            ("watch", "string", "Its name."),
            ("qualifies", "string", "The rule a person meets to qualify, in words."),
            ("first_run", "boolean", "The first run lists everyone who qualifies as new."),
            ("inputs_since_last_run", "integer", "Inputs loaded since the last run (null before the first)."),
            ("matched", "integer", "People who matched the search."),
            ("qualifying", "integer", "People who qualify now."),
            ("new", "array", "{rank, login, display, name, profile_url, score, standing, top_evidence}."),
            ("dropped", "array", "{login, display, name, profile_url, previous_rank, previous_score, rank, score, why}."),
            ("saved", "boolean", "Whether the run was saved."),
            ("webhook", "object", "{to (origin), delivered, attempts, error}, when one was sent."),
        ],
    },
    Endpoint {
        path: "/api/watches/{name}",
        method: "delete",
        summary: "Remove a saved search",
        description: "Removes the saved search and what its last run found. 404 for an unknown name.",
        params: &[],
        content_type: "application/json",
        fields: &[("ok", "boolean", "true"), ("removed", "string", "Its name.")],
    },
];

/// The answers of [`ENDPOINTS`] besides 200 and the ones every endpoint has, and their
/// request bodies.
pub fn openapi_extras(e: &Endpoint) -> Option<(Value, Option<Value>)> {
    let err = |d: &str| json!({"description": d, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}});
    let bad = err("A parameter is unknown or malformed (the name, min_score, the body, or one of the search's parameters); `param` names it.");
    let missing = err("No saved search has that name.");
    match (e.path, e.method) {
        ("/api/watches", "get") => Some((json!({"400": bad}), None)),
        ("/api/watches", "post") => Some((
            json!({"400": bad, "403": err("The server's store cannot be written."), "404": null, "409": err("A saved search has that name.")}),
            Some(json!({
                "required": true,
                "content": {"application/json": {"schema": {
                    "type": "object",
                    "required": ["name"],
                    "properties": {
                        "name": {"type": "string", "pattern": "^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}$"},
                        "query": {"type": "string", "description": "A query string of /api/search."},
                        "min_score": {"type": "number", "minimum": 0},
                    },
                }}},
            })),
        )),
        ("/api/watches/{name}/run", "post") => Some((
            json!({"400": bad, "403": err("The server's store cannot be written."), "404": missing, "409": err("Another run of this saved search was saved meanwhile: nothing was saved.")}),
            None,
        )),
        ("/api/watches/{name}", "delete") => Some((
            json!({"400": bad, "403": err("The server's store cannot be written."), "404": missing}),
            None,
        )),
        _ => None,
    }
}
