//! The identity verbs over HTTP, the same as `builtby identity …`: reads (a person's accounts
//! and links, pending suggestions, the audit log) on the pooled read-only stores, decisions
//! (`POST /api/identity/{verb}` with a JSON body) on a store opened for writing for the one
//! request. An unknown account is a 404, a decision that would change nothing a 409.

use crate::api::{json, params};
use crate::{Actor, ApiError, AppState};
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use builtby_store::{Store, StoreError};
use serde::Deserialize;

/// `limit` (1–500) and `repo`, the only parameters the identity reads take.
fn read_params(raw: Option<&str>, allowed: &[&str]) -> Result<(Option<String>, u32), ApiError> {
    let (mut repo, mut limit) = (None, 50u32);
    for (name, value) in params(raw).pairs() {
        match name.as_str() {
            "repo" if allowed.contains(&"repo") => repo = Some(value.clone()),
            "limit" if allowed.contains(&"limit") => {
                limit = value
                    .parse()
                    .ok()
                    .filter(|n| (1..=500).contains(n))
                    .ok_or_else(|| ApiError::bad("limit", "must be a whole number from 1 to 500"))?
            }
            other => {
                return Err(ApiError::bad(
                    "query",
                    format!(
                        "unknown parameter `{other}`; this endpoint takes {}",
                        allowed.join(", ")
                    ),
                ))
            }
        }
    }
    Ok((repo, limit))
}

fn store_error(e: StoreError) -> ApiError {
    match e {
        StoreError::UnknownAccount { .. } => ApiError::NotFound(e.to_string()),
        StoreError::IdentityRefused { .. } => ApiError::Status(StatusCode::CONFLICT, e.to_string()),
        other => ApiError::internal("identity", other),
    }
}

/// `GET /api/identity/{key}`: a person's accounts, links and suggestions.
pub async fn show(
    State(state): State<AppState>,
    actor: Actor,
    key: Result<Path<String>, axum::extract::rejection::PathRejection>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let Path(key) =
        key.map_err(|_| ApiError::bad("key", "is not valid UTF-8 once percent-decoded"))?;
    read_params(raw.as_deref(), &[])?;
    if key.trim().is_empty() || key.len() > 100 {
        return Err(ApiError::bad(
            "key",
            "give a GitHub login or a git identity (git:<key>)",
        ));
    }
    let k = key.clone();
    let (view, person) = state
        .with_store(move |store, _| {
            Ok((
                store.identity(&k).map_err(store_error)?,
                store.person_ref(&k).map_err(store_error)?,
            ))
        })
        .await?;
    state
        .audit(
            &actor,
            "identity.show",
            serde_json::json!({"person": person}),
            view.is_some() as u64,
        )
        .await?;
    match view {
        Some(v) => json(&v),
        None => Err(ApiError::NotFound(format!(
            "no account or person `{key}` is in the loaded data"
        ))),
    }
}

/// `GET /api/identity-suggestions?repo=&limit=`: pending suggestions, best first.
pub async fn suggestions(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let (repo, limit) = read_params(raw.as_deref(), &["repo", "limit"])?;
    let s = state
        .with_store(move |store, _| {
            store
                .identity_suggestions(repo.as_deref(), limit)
                .map_err(store_error)
        })
        .await?;
    json(&s)
}

/// `GET /api/identity-log?limit=`: the audit log, newest first.
pub async fn log(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let (_, limit) = read_params(raw.as_deref(), &["limit"])?;
    let s = state
        .with_store(move |store, _| store.identity_log(limit).map_err(store_error))
        .await?;
    json(&s)
}

/// The body of a decision. `by` is accepted and ignored: who decides is the request's token.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DecisionBody {
    account: Option<String>,
    person: Option<String>,
    #[serde(default)]
    why: String,
    #[allow(dead_code)]
    by: Option<String>,
}

/// `POST /api/identity/{verb}`: link, unlink, split, lock, unlock, reject. Logged (identity
/// log and audit log) as the token's name.
pub async fn decide(
    State(state): State<AppState>,
    actor: Actor,
    Path(verb): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let b: DecisionBody = serde_json::from_slice(&body).map_err(|e| {
        ApiError::bad(
            "body",
            format!("expected a JSON object {{account, person, why, by}}: {e}"),
        )
    })?;
    let need = |v: &Option<String>, name: &str| {
        v.clone()
            .filter(|s| !s.trim().is_empty())
            .ok_or_else(|| ApiError::bad(name, format!("`{verb}` needs `{name}`")))
    };
    let by = actor.0.clone();
    let why = b.why.clone();
    type Job = Box<dyn FnOnce(&mut Store) -> Result<(), StoreError> + Send>;
    let job: Job = match verb.as_str() {
        "link" => {
            let (a, p) = (need(&b.account, "account")?, need(&b.person, "person")?);
            Box::new(move |s| s.identity_link(&a, &p, &by, &why))
        }
        "reject" => {
            let (a, p) = (need(&b.account, "account")?, need(&b.person, "person")?);
            Box::new(move |s| s.identity_reject(&a, &p, &by, &why))
        }
        "unlink" => {
            let a = need(&b.account, "account")?;
            Box::new(move |s| s.identity_unlink(&a, &by, &why))
        }
        "split" => {
            let p = need(&b.person, "person")?;
            Box::new(move |s| s.identity_split(&p, &by, &why).map(|_| ()))
        }
        "lock" | "unlock" => {
            let p = need(&b.person, "person")?;
            let lock = verb == "lock";
            Box::new(move |s| s.identity_lock(&p, lock, &by, &why))
        }
        other => {
            return Err(ApiError::NotFound(format!(
                "no identity verb `{other}` (link, unlink, split, lock, unlock, reject)"
            )))
        }
    };
    let dir = state.data_dir().to_path_buf();
    tokio::task::spawn_blocking(move || {
        let mut store =
            Store::open(&dir).map_err(|e| ApiError::internal("opening the store to write", e))?;
        job(&mut store).map_err(store_error)
    })
    .await
    .map_err(|e| ApiError::internal("identity task", e))??;
    json(&serde_json::json!({"ok": true, "verb": verb}))
}
