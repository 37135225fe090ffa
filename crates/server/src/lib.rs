//! builtby's web page and HTTP JSON API, for recruiters and the tools they use.
//!
//! - [`app`] builds the whole router: every route is listed once, there, so tests drive it
//!   with `tower::ServiceExt::oneshot` without a socket.
//! - [`serve`] binds it. It refuses an address other than loopback unless a token is given;
//!   with tokens every `/api/` request needs `Authorization: Bearer <token>` (compared in
//!   constant time). Tokens are named ([`tokens`], `--token-file`): the name is who the audit
//!   log records. Endpoints that change state (POST) need a token even on loopback; with no
//!   token configured they answer 403. The page's own HTML, CSS and script hold no data and
//!   load without a token; the page asks for it when the API answers 401.
//! - Every search, person view and export is appended to the store's audit log
//!   ([`AppState::audit`]) by one writer thread ([`privacy::Auditor`]), which commits the rows
//!   of a few milliseconds together; searches still run on the pooled read-only stores and
//!   wait for no write.
//! - Store work runs on the blocking pool ([`AppState::with_store`]): a SQLite connection is
//!   not `Sync`, so a small pool of [`Store`]s is kept and at most [`STORE_PERMITS`] requests
//!   touch the store at once; the others wait their turn instead of piling up threads.
//! - Every answer goes through [`error::ApiError`] or [`api::json`], which removes anything
//!   that looks like an e-mail address from the JSON (titles and bodies are user text).
//! - [`serve_on`] runs its own accept loop ([`conn`]): at most [`Limits::max_connections`]
//!   connections at once (the next one is answered `503` and closed), and a request head must
//!   arrive within [`Limits::header_timeout`] (idle and slowloris connections are closed).
//! - A request that takes longer than [`Limits::request_timeout`] is answered `408`, and its
//!   store work is interrupted ([`AppState::with_store`]): no query outlives its request, nor
//!   a client that went away.
//! - [`bench::bench_search`] measures `/api/search` over a real socket;
//!   [`bench::bench_abuse`] measures it again while hostile clients attack.

pub mod api;
pub mod bench;
pub mod conn;
pub mod error;
pub mod identity;
pub mod openapi;
pub mod privacy;
pub mod scrub;
pub mod tokens;
pub mod watch;
mod web;
pub mod webhook;
pub mod workflow;

pub use bench::{bench_search, BenchReport};
pub use error::ApiError;
pub use privacy::Actor;
pub use tokens::Tokens;

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use builtby_model::BotRules;
use builtby_search::Catalog;
use builtby_store::Store;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::Semaphore;

/// Requests that may use the store at the same time (and connections kept open). Searches
/// are CPU work on memory-mapped pages: more at once than about twice the cores only
/// time-slices them, and every answer waits longer. On 2 cores, `bench serve` (16
/// connections) measured p99 52 ms with 8 permits and 39–43 ms with 4, at the same req/s.
pub const STORE_PERMITS: usize = 4;
/// Largest request body accepted (the API takes none; this bounds what a client can send).
pub const BODY_LIMIT: usize = 16 * 1024;
/// A request that takes longer is answered 408 (and its store work is interrupted).
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(20);
/// Connections open at once; the next is answered 503 and closed.
/// (Each takes a file descriptor: keep it well under `ulimit -n`, often 1,024.)
pub const MAX_CONNECTIONS: usize = 512;
/// A connection must send a whole request head within this time of opening, or of its
/// previous answer (keep-alive), or it is closed.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);

/// How much one client may hold. [`Limits::default`] uses the constants above.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub max_connections: usize,
    pub header_timeout: Duration,
    pub request_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_connections: MAX_CONNECTIONS,
            header_timeout: HEADER_TIMEOUT,
            request_timeout: REQUEST_TIMEOUT,
        }
    }
}

/// What every handler needs. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    data_dir: PathBuf,
    catalog: Catalog,
    bots: BotRules,
    /// `None`: no token configured (GETs are open on loopback; changes are refused).
    tokens: Option<Tokens>,
    limits: Limits,
    idle: Mutex<Vec<Store>>,
    permits: Arc<Semaphore>,
    /// `None`: searches are not audited (only [`AppState::without_audit`], to measure).
    auditor: Option<privacy::Auditor>,
    /// Searches, person pages and their CSV read ClickHouse ([`AppState::with_reader`]);
    /// `None`: the SQLite store.
    clickhouse: Option<builtby_clickhouse::ClickHouse>,
}

impl AppState {
    pub fn new(data_dir: PathBuf, catalog: Catalog, bots: BotRules) -> AppState {
        Self::build(data_dir, catalog, bots, None, Limits::default(), true, None)
    }

    /// The same state, requiring `Authorization: Bearer <token>` on every API request (the
    /// token is named `token` in the audit log). A blank token is no token ([`serve`] and
    /// [`bind`] refuse one).
    pub fn with_token(self, token: Option<String>) -> AppState {
        self.with_tokens(token.map_or_else(Tokens::default, |t| Tokens::single(&t)))
    }

    /// The same state, requiring one of `tokens` on every API request; its name is the actor
    /// the audit log records. No tokens: GETs are open (on loopback), changes answer 403.
    pub fn with_tokens(self, tokens: Tokens) -> AppState {
        let i = &self.inner;
        Self::build(
            i.data_dir.clone(),
            i.catalog.clone(),
            i.bots.clone(),
            (!tokens.is_empty()).then_some(tokens),
            i.limits,
            i.auditor.is_some(),
            i.clickhouse.clone(),
        )
    }

    /// The same state with other connection and time limits.
    pub fn with_limits(self, limits: Limits) -> AppState {
        let i = &self.inner;
        Self::build(
            i.data_dir.clone(),
            i.catalog.clone(),
            i.bots.clone(),
            i.tokens.clone(),
            limits,
            i.auditor.is_some(),
            i.clickhouse.clone(),
        )
    }

    /// The same state without the audit log: searches, person views and exports are not
    /// recorded. Only to measure what auditing costs (`builtby bench serve --no-audit`).
    pub fn without_audit(self) -> AppState {
        let i = &self.inner;
        Self::build(
            i.data_dir.clone(),
            i.catalog.clone(),
            i.bots.clone(),
            i.tokens.clone(),
            i.limits,
            false,
            i.clickhouse.clone(),
        )
    }

    fn build(
        data_dir: PathBuf,
        catalog: Catalog,
        bots: BotRules,
        tokens: Option<Tokens>,
        limits: Limits,
        audit: bool,
        clickhouse: Option<builtby_clickhouse::ClickHouse>,
    ) -> AppState {
        AppState {
            inner: Arc::new(Inner {
                auditor: audit.then(|| privacy::Auditor::spawn(data_dir.clone())),
                data_dir,
                catalog,
                bots,
                tokens,
                limits,
                idle: Mutex::new(Vec::new()),
                permits: Arc::new(Semaphore::new(STORE_PERMITS)),
                clickhouse,
            }),
        }
    }

    /// The same state, reading searches and person pages from ClickHouse (`serve --backend
    /// clickhouse`); workflow state, identity views and the audit log stay in the SQLite store.
    pub fn with_clickhouse(self, clickhouse: Option<builtby_clickhouse::ClickHouse>) -> AppState {
        let i = &self.inner;
        Self::build(
            i.data_dir.clone(),
            i.catalog.clone(),
            i.bots.clone(),
            i.tokens.clone(),
            i.limits,
            i.auditor.is_some(),
            clickhouse,
        )
    }

    /// Runs `f` with the read side searches use (the pooled SQLite store, or ClickHouse
    /// checked against it: [`builtby_clickhouse::Reader`]) and the store itself, as
    /// [`AppState::with_store`]. (A ClickHouse query is not interrupted with its request: it
    /// ends by itself.)
    pub async fn with_reader<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&dyn builtby_store::Read, &Store, &AppState) -> Result<T, ApiError>
            + Send
            + 'static,
    {
        self.with_store(move |store, st| match &st.inner.clickhouse {
            // one read transaction: a search's queries see one state of the store
            None => store
                .snapshot(|| f(store, store, st))
                .map_err(|e| ApiError::internal("reading the store", e))?,
            Some(ch) => f(&builtby_clickhouse::Reader::new(ch, store), store, st),
        })
        .await
    }

    /// Appends to the audit log: `actor` (a token's name, or `loopback`) did `action` asking
    /// `what` (JSON; people named by `Store::person_ref`, never a login, an e-mail address or
    /// a token), and the answer showed `people` people. The row goes to the one audit writer
    /// ([`privacy::Auditor`]), which commits the rows of a few milliseconds together: the
    /// request does not wait for the write. A store the server cannot write is served
    /// unaudited (warned in the log).
    pub async fn audit(
        &self,
        actor: &Actor,
        action: &str,
        what: serde_json::Value,
        people: u64,
    ) -> Result<(), ApiError> {
        match &self.inner.auditor {
            Some(a) => a.append(&actor.0, action, what, people),
            None => Ok(()),
        }
    }

    /// Waits until every audit row appended before is written (`GET /api/audit` reads its
    /// own writes).
    pub async fn flush_audit(&self) -> Result<(), ApiError> {
        match &self.inner.auditor {
            Some(a) => a.flush().await,
            None => Ok(()),
        }
    }

    pub fn limits(&self) -> Limits {
        self.inner.limits
    }

    pub fn data_dir(&self) -> &std::path::Path {
        &self.inner.data_dir
    }

    pub fn catalog(&self) -> &Catalog {
        &self.inner.catalog
    }

    pub fn bots(&self) -> &BotRules {
        &self.inner.bots
    }

    /// The first configured token (what `builtby bench serve` sends).
    pub fn token(&self) -> Option<&str> {
        self.inner.tokens.as_ref().and_then(Tokens::first)
    }

    /// The configured tokens, if any.
    pub fn tokens(&self) -> Option<&Tokens> {
        self.inner.tokens.as_ref()
    }

    /// Runs `f` with a store from the pool on the blocking thread pool.
    ///
    /// If the returned future is dropped before `f` ends (the request timed out, or its client
    /// went away), the statement `f` is running is interrupted, again every few milliseconds
    /// until `f` returns, so an abandoned query stops using the CPU. A store that was
    /// interrupted is not put back in the pool. The store permit is held until the blocking
    /// work has really ended, so abandoned work still counts against [`STORE_PERMITS`].
    pub async fn with_store<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Store, &AppState) -> Result<T, ApiError> + Send + 'static,
    {
        let permit = self
            .inner
            .permits
            .clone()
            .acquire_owned()
            .await
            .map_err(|e| ApiError::internal("store permits closed", e))?;
        let state = self.clone();
        let job = Arc::new(Job::default());
        let guard = CancelOnDrop(Some(job.clone()));
        let out = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            if job.cancelled.load(Ordering::SeqCst) {
                job.finish();
                return Err(ApiError::Cancelled);
            }
            let pooled = state
                .inner
                .idle
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .pop();
            let store = match pooled {
                Some(s) => s,
                None => match Store::open_read_only(&state.inner.data_dir) {
                    Ok(s) => s,
                    Err(e) => {
                        job.finish();
                        return Err(ApiError::internal("opening the store", e));
                    }
                },
            };
            job.start(store.interrupt_handle());
            let out = f(&store, &state);
            // After this no interrupt can reach the connection.
            job.finish();
            if job.cancelled.load(Ordering::SeqCst) {
                return Err(ApiError::Cancelled);
            }
            let mut idle = state.inner.idle.lock().unwrap_or_else(|p| p.into_inner());
            if idle.len() < STORE_PERMITS {
                idle.push(store);
            }
            out
        })
        .await;
        guard.disarm();
        out.map_err(|e| ApiError::internal("store task", e))?
    }
}

/// One piece of store work, shared by the blocking thread and the request's future.
#[derive(Default)]
struct Job {
    cancelled: AtomicBool,
    /// `(finished, handle)`: the handle of the store in use while `f` runs.
    state: Mutex<(bool, Option<builtby_store::InterruptHandle>)>,
}

impl Job {
    fn start(&self, h: builtby_store::InterruptHandle) {
        self.state.lock().unwrap_or_else(|p| p.into_inner()).1 = Some(h);
    }

    /// Ends the job: no interrupt is sent after this returns.
    fn finish(&self) {
        *self.state.lock().unwrap_or_else(|p| p.into_inner()) = (true, None);
    }

    /// Interrupts the running statement, if any. False once the job has finished.
    fn interrupt(&self) -> bool {
        let g = self.state.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(h) = &g.1 {
            h.interrupt();
        }
        !g.0
    }
}

/// Cancels the job when the request's future is dropped before the job ended.
struct CancelOnDrop(Option<Arc<Job>>);

impl CancelOnDrop {
    fn disarm(mut self) {
        self.0 = None;
    }
}

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        let Some(job) = self.0.take() else { return };
        job.cancelled.store(true, Ordering::SeqCst);
        let Ok(rt) = tokio::runtime::Handle::try_current() else {
            job.interrupt();
            return;
        };
        rt.spawn(async move {
            // A statement started between two interrupts is caught by the next one. Bounded:
            // an interrupted statement ends at once, so this loop ends with it.
            for _ in 0..6_000 {
                if !job.interrupt() {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        });
    }
}

/// The whole router: API, OpenAPI document, and the page.
pub fn app(state: AppState) -> Router {
    use tower_http::limit::RequestBodyLimitLayer;
    use tower_http::trace::TraceLayer;
    let api = Router::new()
        .route("/api/search", get(api::search))
        .route("/api/search.csv", get(api::search_csv))
        .route("/api/ask", get(api::ask))
        .route("/api/people/{login}", get(api::person))
        .route("/api/catalog", get(api::catalog))
        .route("/api/stats", get(api::stats))
        .route("/api/identity/{key}", get(identity::show))
        .route("/api/identity-suggestions", get(identity::suggestions))
        .route("/api/identity-log", get(identity::log))
        .route("/api/identity/decide/{verb}", post(identity::decide))
        .route(
            "/api/shortlists",
            get(workflow::list).post(workflow::create),
        )
        .route(
            "/api/shortlists/{name}",
            get(workflow::show).delete(workflow::delete),
        )
        .route("/api/shortlists/{name}/people", post(workflow::add))
        .route(
            "/api/shortlists/{name}/people/{person}",
            axum::routing::delete(workflow::remove),
        )
        .route(
            "/api/shortlists/{name}/people/{person}/status",
            post(workflow::set_status),
        )
        .route(
            "/api/shortlists/{name}/people/{person}/note",
            post(workflow::set_note),
        )
        .route("/api/shortlists/{name}/export", get(workflow::export))
        .route("/api/outreach/{person}", get(workflow::draft))
        .route("/api/ats", get(workflow::ats_list))
        .route("/api/watches", get(watch::list).post(watch::add))
        .route("/api/watches/{name}", axum::routing::delete(watch::remove))
        .route("/api/watches/{name}/run", axum::routing::post(watch::run))
        .route("/api/optouts", get(privacy::optouts))
        .route("/api/optout", axum::routing::post(privacy::optout))
        .route("/api/erase/{person}", axum::routing::post(privacy::erase))
        .route("/api/audit", get(privacy::audit_log))
        .route("/api/openapi.json", get(api::openapi))
        .route("/api/{*rest}", get(api::no_such_endpoint))
        .route_layer(middleware::from_fn_with_state(state.clone(), require_token));
    // The one endpoint whose body is a file: a larger limit of its own, outside the others'.
    let uploads = Router::new()
        .route("/api/ats/import", post(workflow::ats_import))
        .route_layer(middleware::from_fn_with_state(state.clone(), require_token))
        .method_not_allowed_fallback(api::method_not_allowed)
        .layer(axum::extract::DefaultBodyLimit::max(workflow::UPLOAD_LIMIT))
        .layer(RequestBodyLimitLayer::new(workflow::UPLOAD_LIMIT));
    Router::new()
        .route("/", get(web::index))
        .route("/people/{login}", get(web::index))
        .route("/privacy", get(web::privacy))
        .route("/assets/app.css", get(web::css))
        .route("/assets/app.js", get(web::js))
        .route("/assets/workflow.js", get(web::workflow_js))
        .route("/assets/workflow.css", get(web::workflow_css))
        .route("/favicon.svg", get(web::favicon))
        .merge(api)
        .fallback(api::not_found)
        .method_not_allowed_fallback(api::method_not_allowed)
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT))
        .merge(uploads)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            request_timeout,
        ))
        .layer(middleware::from_fn(json_errors))
        .layer(middleware::from_fn(security_headers))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Who is asking: the name of the request's token. With tokens configured every API request
/// needs one (401 without). Without any, GETs are answered (on loopback: [`bind`] refuses
/// other addresses) as `loopback`, and requests that change state are refused with 403.
async fn require_token(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let changes_state = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let actor = match state.tokens() {
        None if changes_state => return ApiError::NeedsToken.into_response(),
        None => privacy::LOOPBACK.to_string(),
        Some(tokens) => {
            // The scheme is case-insensitive (RFC 9110 §11.1).
            let given = req
                .headers()
                .get(header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim_start().split_once(' '))
                .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
                .map(|(_, t)| t);
            match given.and_then(|g| tokens.name_of(g)) {
                Some(name) => name.to_string(),
                None => return ApiError::Unauthorized.into_response(),
            }
        }
    };
    // the shortlist and outreach handlers read the same name
    req.extensions_mut()
        .insert(workflow::RequestActor(actor.clone()));
    req.extensions_mut().insert(Actor(actor));
    next.run(req).await
}

/// Answers 408 when the request takes longer than [`Limits::request_timeout`]. Dropping the
/// handler's future interrupts its store work ([`AppState::with_store`]).
async fn request_timeout(State(state): State<AppState>, req: Request, next: Next) -> Response {
    match tokio::time::timeout(state.limits().request_timeout, next.run(req)).await {
        Ok(res) => res,
        Err(_) => ApiError::Timeout.into_response(),
    }
}

/// Turns an error answer that is not JSON (made by a layer or an extractor below the
/// handlers: a body too large, a path that is not UTF-8) into the one JSON error shape.
async fn json_errors(req: Request, next: Next) -> Response {
    let res = next.run(req).await;
    let status = res.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return res;
    }
    let is_json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if is_json {
        return res;
    }
    let (parts, body) = res.into_parts();
    let text = axum::body::to_bytes(body, 4096)
        .await
        .map(|b| String::from_utf8_lossy(&b).trim().to_string())
        .unwrap_or_default();
    let detail = if text.is_empty() {
        status.canonical_reason().unwrap_or("error").to_lowercase()
    } else {
        text
    };
    let mut out = ApiError::Status(status, detail).into_response();
    for (name, value) in &parts.headers {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            out.headers_mut().insert(name, value.clone());
        }
    }
    out
}

async fn security_headers(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'"),
    );
    res
}

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("refusing to listen on {0} without a token: it is not a loopback address, so anyone who can reach it could search. Give --token-file (or BUILTBY_TOKEN), or listen on 127.0.0.1")]
    NeedsToken(SocketAddr),
    #[error("refusing a blank token: nobody could send it. Give a real token in BUILTBY_TOKEN, or none on loopback")]
    BlankToken,
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("server: {0}")]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    TokenFile(#[from] tokens::TokenFileError),
}

/// Checks the address/token rule and binds. Use with [`serve_on`] when the caller wants the
/// bound address (port 0) before serving.
pub async fn bind(
    addr: SocketAddr,
    token: Option<&str>,
) -> Result<tokio::net::TcpListener, ServeError> {
    if token.is_some_and(|t| t.trim().is_empty()) {
        return Err(ServeError::BlankToken);
    }
    if !addr.ip().is_loopback() && token.is_none() {
        return Err(ServeError::NeedsToken(addr));
    }
    tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| ServeError::Bind { addr, source })
}

/// Serves `state` on `addr` until Ctrl-C (or SIGTERM).
pub async fn serve(
    addr: SocketAddr,
    state: AppState,
    token: Option<String>,
) -> Result<(), ServeError> {
    let listener = bind(addr, token.as_deref()).await?;
    tracing::info!(addr = %listener.local_addr()?, auth = token.is_some(), "serving");
    serve_on(listener, state.with_token(token), shutdown_signal()).await
}

/// Serves on a bound listener until `shutdown` completes. The state's token and limits apply.
pub async fn serve_on(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    let limits = state.limits();
    conn::serve_router(listener, app(state), limits, shutdown).await
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
