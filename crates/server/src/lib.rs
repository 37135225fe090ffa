//! builtby's web page and HTTP JSON API, for recruiters and the tools they use.
//!
//! - [`app`] builds the whole router: every route is listed once, there, so tests drive it
//!   with `tower::ServiceExt::oneshot` without a socket.
//! - [`serve`] binds it. It refuses an address other than loopback unless a token is given;
//!   with a token every `/api/` request needs `Authorization: Bearer <token>` (compared in
//!   constant time). The page's own HTML, CSS and script hold no data and load without it; the
//!   page asks for the token when the API answers 401.
//! - Store work runs on the blocking pool ([`AppState::with_store`]): a SQLite connection is
//!   not `Sync`, so a small pool of [`Store`]s is kept and at most [`STORE_PERMITS`] requests
//!   touch the store at once; the others wait their turn instead of piling up threads.
//! - Every answer goes through [`error::ApiError`] or [`api::json`], which removes anything
//!   that looks like an e-mail address from the JSON (titles and bodies are user text).
//! - [`bench::bench_search`] measures `/api/search` over a real socket.

pub mod api;
pub mod bench;
pub mod error;
pub mod openapi;
pub mod scrub;
mod web;

pub use bench::{bench_search, BenchReport};
pub use error::ApiError;

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use builtby_model::BotRules;
use builtby_search::Catalog;
use builtby_store::Store;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::Semaphore;

/// Requests that may use the store at the same time (and connections kept open).
pub const STORE_PERMITS: usize = 8;
/// Largest request body accepted (the API takes none; this bounds what a client can send).
pub const BODY_LIMIT: usize = 16 * 1024;
/// A request that takes longer is answered 408.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(20);

/// What every handler needs. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    data_dir: PathBuf,
    catalog: Catalog,
    bots: BotRules,
    token: Option<String>,
    idle: Mutex<Vec<Store>>,
    permits: Semaphore,
}

impl AppState {
    pub fn new(data_dir: PathBuf, catalog: Catalog, bots: BotRules) -> AppState {
        Self::build(data_dir, catalog, bots, None)
    }

    /// The same state, requiring `Authorization: Bearer <token>` on every API request.
    pub fn with_token(self, token: Option<String>) -> AppState {
        let i = &self.inner;
        Self::build(
            i.data_dir.clone(),
            i.catalog.clone(),
            i.bots.clone(),
            token.filter(|t| !t.is_empty()),
        )
    }

    fn build(
        data_dir: PathBuf,
        catalog: Catalog,
        bots: BotRules,
        token: Option<String>,
    ) -> AppState {
        AppState {
            inner: Arc::new(Inner {
                data_dir,
                catalog,
                bots,
                token,
                idle: Mutex::new(Vec::new()),
                permits: Semaphore::new(STORE_PERMITS),
            }),
        }
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

    pub fn token(&self) -> Option<&str> {
        self.inner.token.as_deref()
    }

    /// Runs `f` with a store from the pool on the blocking thread pool.
    pub async fn with_store<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Store, &AppState) -> Result<T, ApiError> + Send + 'static,
    {
        let _permit = self
            .inner
            .permits
            .acquire()
            .await
            .map_err(|e| ApiError::internal("store permits closed", e))?;
        let state = self.clone();
        tokio::task::spawn_blocking(move || {
            let pooled = state
                .inner
                .idle
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .pop();
            let store = match pooled {
                Some(s) => s,
                None => Store::open_read_only(&state.inner.data_dir)
                    .map_err(|e| ApiError::internal("opening the store", e))?,
            };
            let out = f(&store, &state);
            let mut idle = state.inner.idle.lock().unwrap_or_else(|p| p.into_inner());
            if idle.len() < STORE_PERMITS {
                idle.push(store);
            }
            out
        })
        .await
        .map_err(|e| ApiError::internal("store task", e))?
    }
}

/// The whole router: API, OpenAPI document, and the page.
pub fn app(state: AppState) -> Router {
    use tower_http::limit::RequestBodyLimitLayer;
    use tower_http::timeout::TimeoutLayer;
    use tower_http::trace::TraceLayer;
    let api = Router::new()
        .route("/api/search", get(api::search))
        .route("/api/search.csv", get(api::search_csv))
        .route("/api/people/{login}", get(api::person))
        .route("/api/catalog", get(api::catalog))
        .route("/api/stats", get(api::stats))
        .route("/api/openapi.json", get(api::openapi))
        .route("/api/{*rest}", get(api::no_such_endpoint))
        .route_layer(middleware::from_fn_with_state(state.clone(), require_token));
    Router::new()
        .route("/", get(web::index))
        .route("/people/{login}", get(web::index))
        .route("/assets/app.css", get(web::css))
        .route("/assets/app.js", get(web::js))
        .route("/favicon.svg", get(web::favicon))
        .merge(api)
        .fallback(api::not_found)
        .method_not_allowed_fallback(api::method_not_allowed)
        .layer(middleware::from_fn(security_headers))
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

async fn require_token(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let Some(token) = state.token() else {
        return next.run(req).await;
    };
    let given = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    let ok = given.is_some_and(|g| {
        use subtle::ConstantTimeEq;
        g.trim().as_bytes().ct_eq(token.as_bytes()).into()
    });
    if ok {
        next.run(req).await
    } else {
        ApiError::Unauthorized.into_response()
    }
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
    #[error("refusing to listen on {0} without a token: it is not a loopback address, so anyone who can reach it could search. Give --token (or BUILTBY_TOKEN), or listen on 127.0.0.1")]
    NeedsToken(SocketAddr),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("server: {0}")]
    Io(#[from] std::io::Error),
}

/// Checks the address/token rule and binds. Use with [`serve_on`] when the caller wants the
/// bound address (port 0) before serving.
pub async fn bind(
    addr: SocketAddr,
    token: Option<&str>,
) -> Result<tokio::net::TcpListener, ServeError> {
    if !addr.ip().is_loopback() && token.is_none_or(str::is_empty) {
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

/// Serves on a bound listener until `shutdown` completes. The state's token applies.
pub async fn serve_on(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    axum::serve(listener, app(state))
        .with_graceful_shutdown(shutdown)
        .await?;
    Ok(())
}

async fn shutdown_signal() {
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
