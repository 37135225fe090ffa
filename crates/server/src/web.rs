//! The page: one HTML file, one stylesheet, one script, embedded with `include_str!` — no
//! build step, no framework, nothing fetched from elsewhere. The script is a small router:
//! `/` is the search (its filters live in the URL, so a search can be shared) and
//! `/people/{login}` is a person; both are this same HTML, which reads the URL and calls
//! the API.

use axum::http::header;
use axum::response::IntoResponse;

const INDEX: &str = include_str!("../assets/index.html");
const PRIVACY: &str = include_str!("../assets/privacy.html");
const CSS: &str = include_str!("../assets/app.css");
const JS: &str = include_str!("../assets/app.js");
const WORKFLOW_JS: &str = include_str!("../assets/workflow.js");
const WORKFLOW_CSS: &str = include_str!("../assets/workflow.css");
const FAVICON: &str = include_str!("../assets/favicon.svg");

const NO_CACHE: (header::HeaderName, &str) = (header::CACHE_CONTROL, "no-cache");

pub async fn index() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8"), NO_CACHE],
        INDEX,
    )
}

/// `/privacy`: what builtby stores, where it comes from, and how to be left out.
pub async fn privacy() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8"), NO_CACHE],
        PRIVACY,
    )
}

pub async fn css() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8"), NO_CACHE],
        CSS,
    )
}

pub async fn js() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            NO_CACHE,
        ],
        JS,
    )
}

pub async fn favicon() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "image/svg+xml"), NO_CACHE], FAVICON)
}

/// The recruiter workflow's part of the page: the shortlist panel, "draft first line" and
/// "add to shortlist" on each result (`crate::workflow`'s endpoints).
pub async fn workflow_js() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            NO_CACHE,
        ],
        WORKFLOW_JS,
    )
}

pub async fn workflow_css() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8"), NO_CACHE],
        WORKFLOW_CSS,
    )
}
