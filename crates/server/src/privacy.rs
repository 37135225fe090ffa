//! Privacy and accountability over HTTP: the suppression list (`GET /api/optouts`), opting
//! someone out (`POST /api/optout`), erasing them (`POST /api/erase/{person}`), the audit log
//! (`GET /api/audit`), and the one writer that appends to it ([`Auditor`]).
//!
//! Changes are made on a store opened for writing for the one request (as identity decisions
//! are) and logged in the audit log in the same transaction, with the request's token name as
//! the actor.

use crate::api::{json, no_params, params};
use crate::{ApiError, AppState};
use axum::body::Bytes;
use axum::extract::{FromRequestParts, Path, RawQuery, State};
use axum::http::request::Parts;
use axum::response::Response;
use builtby_store::audit::{valid_action, MAX_AUDIT_LIMIT};
use builtby_store::{AuditQuery, Store, StoreError};
use serde::Deserialize;
use serde_json::{json, Value};
use std::path::PathBuf;

/// Who the audit log records for a request on a server without tokens (GETs on loopback).
pub const LOOPBACK: &str = "loopback";

/// Who is asking: the name of the request's token, or [`LOOPBACK`]. Set by the token
/// middleware on every `/api/` request; a handler takes it as an argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor(pub String);

impl<S: Send + Sync> FromRequestParts<S> for Actor {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parts
            .extensions
            .get::<Actor>()
            .cloned()
            .unwrap_or_else(|| Actor(LOOPBACK.into())))
    }
}

/// One row of the audit log.
type Row = (String, String, Value, u64);

/// What the writer is sent.
enum Msg {
    Row(Row),
    /// Write every row sent before this one, then answer.
    Flush(tokio::sync::oneshot::Sender<Result<(), String>>),
}

/// The server's one audit writer: a thread with its own write connection. Requests hand it
/// their row and go on (a search waits for no write); it commits the rows that arrive within
/// [`FLUSH_EVERY`] of each other in one transaction, so a busy server makes a few commits a
/// second, not one per request (each commit would make every pooled reader drop its page
/// cache). Rows are written in the order they were sent. A row is durable within
/// [`FLUSH_EVERY`] of its request, or as soon as another process's write (an ingest's file)
/// lets go of the store; the writer drains its queue when the server stops (a process killed
/// with SIGKILL loses what it had not written). [`Auditor::flush`] waits until every row sent
/// before it is written: `GET /api/audit` reads its own writes.
pub struct Auditor {
    tx: Option<std::sync::mpsc::Sender<Msg>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

/// Rows written in one transaction at most.
const BATCH: usize = 1024;

/// How long the writer gathers rows before it commits them.
pub const FLUSH_EVERY: std::time::Duration = std::time::Duration::from_millis(50);

impl Auditor {
    /// Starts the writer for the store in `data_dir` (opened at the first row). It ends,
    /// after writing what it was sent, when the last state holding it is dropped.
    pub fn spawn(data_dir: PathBuf) -> Auditor {
        let (tx, rx) = std::sync::mpsc::channel::<Msg>();
        let thread = std::thread::Builder::new()
            .name("builtby-audit".into())
            .spawn(move || write_loop(&data_dir, rx))
            .expect("a thread can be started");
        Auditor {
            tx: Some(tx),
            thread: Some(thread),
        }
    }

    fn send(&self, m: Msg) -> Result<(), ApiError> {
        self.tx
            .as_ref()
            .ok_or(ApiError::Internal)?
            .send(m)
            .map_err(|e| ApiError::internal("audit writer gone", e))
    }

    /// Hands one row to the writer (see [`Auditor`]).
    pub fn append(
        &self,
        actor: &str,
        action: &str,
        what: Value,
        people: u64,
    ) -> Result<(), ApiError> {
        debug_assert!(valid_action(action), "{action}");
        self.send(Msg::Row((
            actor.to_string(),
            action.to_string(),
            what,
            people,
        )))
    }

    /// Waits until every row handed over before is written; an error if one could not be.
    pub async fn flush(&self) -> Result<(), ApiError> {
        let (done, written) = tokio::sync::oneshot::channel();
        self.send(Msg::Flush(done))?;
        match written.await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(ApiError::internal("writing the audit log", e)),
            Err(e) => Err(ApiError::internal("audit writer gone", e)),
        }
    }
}

impl Drop for Auditor {
    /// Lets the writer write what it was sent, and waits for it.
    fn drop(&mut self) {
        drop(self.tx.take());
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn write_loop(data_dir: &std::path::Path, rx: std::sync::mpsc::Receiver<Msg>) {
    use std::sync::mpsc::RecvTimeoutError;
    let mut store: Option<Store> = None;
    let mut disabled = false;
    // the last write's error, until a flush reports it
    let mut failed: Option<String> = None;
    let mut open = true;
    while open {
        let Ok(first) = rx.recv() else { break };
        let mut rows: Vec<Row> = Vec::new();
        let mut flushes = Vec::new();
        let deadline = std::time::Instant::now() + FLUSH_EVERY;
        let mut next = Some(first);
        loop {
            match next.take() {
                Some(Msg::Row(r)) => rows.push(r),
                Some(Msg::Flush(f)) => {
                    flushes.push(f);
                    break;
                }
                None => {}
            }
            if rows.len() >= BATCH {
                break;
            }
            match rx.recv_timeout(deadline.saturating_duration_since(std::time::Instant::now())) {
                Ok(m) => next = Some(m),
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => {
                    open = false;
                    break;
                }
            }
        }
        if !rows.is_empty() && !disabled {
            if store.is_none() {
                match Store::open(data_dir) {
                    Ok(s) => store = Some(s),
                    Err(e @ (StoreError::NotWritable { .. } | StoreError::NeedsUpgrade { .. })) => {
                        tracing::warn!(error = %e, "the audit log is off: the server cannot write the store, so searches, person views and exports are not recorded");
                        disabled = true;
                    }
                    Err(e) => failed = Some(e.to_string()),
                }
            }
            if let Some(s) = store.as_mut() {
                if let Err(e) = s.audit_many(&rows) {
                    tracing::error!(error = %e, rows = rows.len(), "audit rows not written");
                    failed = Some(e.to_string());
                    // opened again for the next rows
                    store = None;
                }
            } else if !disabled {
                tracing::error!(
                    rows = rows.len(),
                    "audit rows not written: the store could not be opened"
                );
            }
        }
        for f in flushes {
            let _ = f.send(match failed.take() {
                Some(e) => Err(e),
                None => Ok(()),
            });
        }
    }
}

/// A store error of a change: a malformed account is a 400 naming `param`.
fn change_error(e: StoreError, param: &str) -> ApiError {
    match e {
        StoreError::BadAccount { why } => ApiError::bad(param, why),
        other => ApiError::internal("privacy change", other),
    }
}

/// Runs a change on a store opened for writing for this request.
async fn write<T: Send + 'static>(
    state: &AppState,
    f: impl FnOnce(&mut Store) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    let dir = state.data_dir().to_path_buf();
    tokio::task::spawn_blocking(move || {
        let mut store =
            Store::open(&dir).map_err(|e| ApiError::internal("opening the store to write", e))?;
        f(&mut store)
    })
    .await
    .map_err(|e| ApiError::internal("privacy task", e))?
}

/// `GET /api/optouts`: how many people opted out, and their keyed hashes (never a login).
pub async fn optouts(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    no_params("/api/optouts", raw.as_deref())?;
    let rows = state
        .with_store(|store, _| {
            store
                .optouts()
                .map_err(|e| ApiError::internal("optouts", e))
        })
        .await?;
    let list: Vec<Value> = rows
        .iter()
        .map(|r| json!({"hash": r.hash, "at": r.at, "by": r.by, "erased_at": r.erased_at, "linked": r.linked}))
        .collect();
    json(&json!({"count": rows.len(), "optouts": list}))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct OptoutBody {
    account: Option<String>,
    reason: Option<String>,
}

/// Longest `reason` accepted.
const MAX_REASON: usize = 500;

/// `POST /api/optout` `{"account": "...", "reason": "..."}`: puts the account (and the
/// accounts linked to its person) on the suppression list.
pub async fn optout(
    State(state): State<AppState>,
    actor: Actor,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> Result<Response, ApiError> {
    no_params("/api/optout", raw.as_deref())?;
    let b: OptoutBody = serde_json::from_slice(&body).map_err(|e| {
        ApiError::bad(
            "body",
            format!("expected a JSON object {{\"account\", \"reason\"}}: {e}"),
        )
    })?;
    let account = b.account.filter(|a| !a.trim().is_empty()).ok_or_else(|| {
        ApiError::bad(
            "account",
            "give the account: a GitHub login, hf:NAME or kaggle:NAME",
        )
    })?;
    if b.reason
        .as_ref()
        .is_some_and(|r| r.chars().count() > MAX_REASON)
    {
        return Err(ApiError::bad(
            "reason",
            format!("at most {MAX_REASON} characters"),
        ));
    }
    let s = write(&state, move |store| {
        store
            .optout_add(&account, b.reason.as_deref(), &actor.0)
            .map_err(|e| change_error(e, "account"))
    })
    .await?;
    let mut v = serde_json::to_value(&s).map_err(|e| ApiError::internal("answer", e))?;
    v["ok"] = json!(true);
    json(&v)
}

/// `POST /api/erase/{person}`: deletes what the store holds about the person and opts them
/// out. The body, if any, must be empty or `{}`.
pub async fn erase(
    State(state): State<AppState>,
    actor: Actor,
    person: Result<Path<String>, axum::extract::rejection::PathRejection>,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> Result<Response, ApiError> {
    let Path(person) =
        person.map_err(|_| ApiError::bad("person", "is not valid UTF-8 once percent-decoded"))?;
    no_params("/api/erase", raw.as_deref())?;
    let empty = body.iter().all(u8::is_ascii_whitespace)
        || serde_json::from_slice::<serde_json::Map<String, Value>>(&body)
            .is_ok_and(|m| m.is_empty());
    if !empty {
        return Err(ApiError::bad(
            "body",
            "erase takes no body: the person is in the path",
        ));
    }
    let s = write(&state, move |store| {
        store
            .erase(&person, &actor.0)
            .map_err(|e| change_error(e, "person"))
    })
    .await?;
    let mut v = serde_json::to_value(&s).map_err(|e| ApiError::internal("answer", e))?;
    v["ok"] = json!(true);
    json(&v)
}

/// `GET /api/audit?since=&action=&actor=&person=&limit=`: the audit log, oldest first (the
/// newest `limit` rows).
pub async fn audit_log(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    // every row handed to the writer before this request is in what it reads
    state.flush_audit().await?;
    let mut q = AuditQuery {
        limit: 200,
        ..Default::default()
    };
    let mut person = None;
    let now = builtby_model::time::now();
    for (name, value) in params(raw.as_deref()).pairs() {
        match name.as_str() {
            "since" => q.since = Some(builtby_search::query::parse_time("since", value, now)?),
            "action" => {
                if !valid_action(value) {
                    return Err(ApiError::bad(
                        "action",
                        "an action is lower-case words joined by dots: search, person, export, optout.add, optout.remove, erase, identity.link… (a family such as `identity` matches them all)",
                    ));
                }
                q.action = Some(value.clone());
            }
            "actor" => {
                if value.trim().is_empty() || value.len() > 100 {
                    return Err(ApiError::bad("actor", "give a token's name or an OS user"));
                }
                q.actor = Some(value.clone());
            }
            "person" => {
                person = Some(
                    builtby_store::canonical_account(value)
                        .map_err(|why| ApiError::bad("person", why))?,
                )
            }
            "limit" => {
                q.limit = value
                    .parse()
                    .ok()
                    .filter(|n| (1..=MAX_AUDIT_LIMIT).contains(n))
                    .ok_or_else(|| {
                        ApiError::bad(
                            "limit",
                            format!("must be a whole number from 1 to {MAX_AUDIT_LIMIT}"),
                        )
                    })?
            }
            other => {
                return Err(ApiError::bad(
                    "query",
                    format!("unknown parameter `{other}`; this endpoint takes since, action, actor, person, limit"),
                ))
            }
        }
    }
    let entries = state
        .with_store(move |store, _| {
            if let Some(p) = person {
                q.person = Some(
                    store
                        .person_ref(&p)
                        .map_err(|e| ApiError::internal("audit", e))?,
                );
            }
            store
                .audit_log(&q)
                .map_err(|e| ApiError::internal("audit", e))
        })
        .await?;
    json(&json!({"count": entries.len(), "entries": entries}))
}
