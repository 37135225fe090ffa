//! GitHub's REST API, used the way GitHub asks integrators to use it.
//!
//! Etiquette, all in [`Client::get`]:
//! - **Token** from `GITHUB_TOKEN` ([`Token::from_env`]), sent as a bearer header, never logged
//!   or stored: its `Debug` prints `Token(***)`.
//! - **Conditional requests**: every 200 answer is kept through the [`Cache`] trait (the store
//!   implements it; the client knows no store) with its `ETag`/`Last-Modified`; the next GET of
//!   the same URL sends `If-None-Match`/`If-Modified-Since`, and a 304 — which does not count
//!   against the primary rate limit — is answered from the cache.
//! - **Primary rate limit**: `X-RateLimit-Remaining`/`X-RateLimit-Reset` are tracked across
//!   threads; at zero, every request waits for the reset, saying so through the progress callback.
//! - **Secondary rate limits**: a 403 or 429 with `Retry-After` (or without rate-limit headers)
//!   backs off for that long (at least a minute when GitHub gives no figure), then retries.
//! - **Retries** with exponential backoff and jitter on 5xx, timeouts, connection errors and
//!   bodies that are not complete JSON (a cut connection); 404/410 are answers, not errors.
//! - **Bounded concurrency**: [`Client::map`] runs at most `concurrency` requests at once.
//! - **Pagination** by the `Link: <…>; rel="next"` header ([`Client::get_all`]).
//! - `api_url` points at api.github.com, a GitHub Enterprise server (`https://host/api/v3`) or a
//!   fake server in tests.
//!
//! What is read: [`crawl`] (closed PRs with files, reviews and review comments), [`commits`]
//! (the commits API: the GitHub account GitHub matched to each commit's author), and single
//! documents (`/repos/{o}/{r}/pulls/{n}`, `/user/{id}`) through [`Client::get`].

pub mod commits;
pub mod convert;
pub mod crawl;

use serde_json::Value;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A GitHub token. Never printed.
#[derive(Clone)]
pub struct Token(String);

impl Token {
    pub fn new(s: impl Into<String>) -> Token {
        Token(s.into())
    }
    /// `GITHUB_TOKEN`, when set and not empty.
    pub fn from_env() -> Option<Token> {
        std::env::var("GITHUB_TOKEN")
            .ok()
            .filter(|t| !t.trim().is_empty())
            .map(|t| Token(t.trim().to_string()))
    }
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token(***)")
    }
}

/// A cached answer for conditional requests.
#[derive(Debug, Clone, PartialEq)]
pub struct Cached {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub body: Vec<u8>,
    pub link: Option<String>,
}

/// Where 200 answers are kept for conditional requests. Implementations must be shareable
/// across the client's worker threads.
pub trait Cache: Sync {
    fn get(&self, url: &str) -> Option<Cached>;
    fn put(&self, url: &str, value: &Cached);
}

/// No cache: every request is unconditional.
pub struct NoCache;
impl Cache for NoCache {
    fn get(&self, _: &str) -> Option<Cached> {
        None
    }
    fn put(&self, _: &str, _: &Cached) {}
}

#[derive(Debug, Clone)]
pub struct Config {
    /// `https://api.github.com`, `https://ghe.example.com/api/v3`, or a test server.
    pub api_url: String,
    pub token: Option<Token>,
    pub timeout: Duration,
    pub max_retries: u32,
    /// First retry delay; doubled each attempt, with up to 50% jitter.
    pub backoff: Duration,
    pub concurrency: usize,
    /// Longest single wait for a rate limit; longer waits fail the request instead.
    pub max_wait: Duration,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            api_url: "https://api.github.com".into(),
            token: None,
            timeout: Duration::from_secs(30),
            max_retries: 5,
            backoff: Duration::from_secs(1),
            concurrency: 4,
            max_wait: Duration::from_secs(3600),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("GET {url}: {message}")]
    Failed { url: String, message: String },
    #[error("GET {url}: HTTP {status}: {message}")]
    Status {
        url: String,
        status: u16,
        message: String,
    },
}

/// A fetched document.
#[derive(Debug, Clone, PartialEq)]
pub enum Fetched {
    Found {
        json: Value,
        /// The `rel="next"` page, if any.
        next: Option<String>,
        /// Answered by a 304 from the cache.
        cached: bool,
    },
    /// 404 or 410: deleted, renamed away, or private.
    NotFound,
}

/// What the client did, for reports and the tests' request budgets.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Stats {
    /// Requests sent (every attempt).
    pub requests: u64,
    pub not_modified: u64,
    pub retries: u64,
    pub rate_limit_waits: u64,
    pub secondary_waits: u64,
}

pub struct Client {
    http: reqwest::blocking::Client,
    cfg: Config,
    /// (remaining, reset epoch seconds) from the last answer.
    rate: Mutex<Option<(i64, i64)>>,
    requests: AtomicU64,
    not_modified: AtomicU64,
    retries: AtomicU64,
    rate_limit_waits: AtomicU64,
    secondary_waits: AtomicU64,
    progress: Box<dyn Fn(&str) + Send + Sync>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client").field("cfg", &self.cfg).finish()
    }
}

fn now_epoch() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// 0..1, different per call: jitter without a random-number crate.
fn jitter() -> f64 {
    static N: AtomicU64 = AtomicU64::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    let t = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos() as u64)
        .unwrap_or(0);
    let h = xxhash_rust::xxh3::xxh3_64(&(t ^ n.rotate_left(32)).to_le_bytes());
    (h % 10_000) as f64 / 10_000.0
}

/// The `rel="next"` URL of a `Link` header.
pub fn next_link(link: &str) -> Option<String> {
    link.split(',').find_map(|part| {
        let (url, rest) = part.split_once(';')?;
        rest.contains("rel=\"next\"").then(|| {
            url.trim()
                .trim_start_matches('<')
                .trim_end_matches('>')
                .to_string()
        })
    })
}

impl Client {
    pub fn new(cfg: Config) -> Result<Client, ApiError> {
        let http = reqwest::blocking::Client::builder()
            .timeout(cfg.timeout)
            .user_agent(concat!("builtby/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ApiError::Failed {
                url: cfg.api_url.clone(),
                message: e.to_string(),
            })?;
        Ok(Client {
            http,
            cfg,
            rate: Mutex::new(None),
            requests: AtomicU64::new(0),
            not_modified: AtomicU64::new(0),
            retries: AtomicU64::new(0),
            rate_limit_waits: AtomicU64::new(0),
            secondary_waits: AtomicU64::new(0),
            progress: Box::new(|m| eprintln!("{m}")),
        })
    }

    /// Where waiting messages go (default: stderr).
    pub fn with_progress(mut self, f: impl Fn(&str) + Send + Sync + 'static) -> Client {
        self.progress = Box::new(f);
        self
    }

    pub fn config(&self) -> &Config {
        &self.cfg
    }

    pub fn stats(&self) -> Stats {
        Stats {
            requests: self.requests.load(Ordering::Relaxed),
            not_modified: self.not_modified.load(Ordering::Relaxed),
            retries: self.retries.load(Ordering::Relaxed),
            rate_limit_waits: self.rate_limit_waits.load(Ordering::Relaxed),
            secondary_waits: self.secondary_waits.load(Ordering::Relaxed),
        }
    }

    /// The full URL of an API path (`/users/x`) or a URL as given (a `Link` target).
    pub fn url(&self, path: &str) -> String {
        if path.starts_with("http://") || path.starts_with("https://") {
            path.to_string()
        } else {
            format!("{}{}", self.cfg.api_url.trim_end_matches('/'), path)
        }
    }

    fn wait(&self, d: Duration, why: &str, url: &str) -> Result<(), ApiError> {
        if d > self.cfg.max_wait {
            return Err(ApiError::Failed {
                url: url.to_string(),
                message: format!(
                    "{why}: would wait {}s, more than the {}s allowed",
                    d.as_secs(),
                    self.cfg.max_wait.as_secs()
                ),
            });
        }
        (self.progress)(&format!("github: {why}; waiting {:.1}s", d.as_secs_f64()));
        std::thread::sleep(d);
        Ok(())
    }

    fn backoff(&self, attempt: u32) -> Duration {
        let base = self.cfg.backoff.as_secs_f64() * 2f64.powi(attempt as i32);
        Duration::from_secs_f64(base * (1.0 + 0.5 * jitter()))
    }

    /// GET one document, with every rule in the module doc.
    pub fn get(&self, path: &str, cache: &dyn Cache) -> Result<Fetched, ApiError> {
        let url = self.url(path);
        let cached = cache.get(&url);
        let mut attempt = 0u32;
        let fail = |message: String| ApiError::Failed {
            url: url.clone(),
            message,
        };
        loop {
            // Primary limit exhausted: wait for the reset before sending anything.
            let exhausted = *self.rate.lock().unwrap();
            if let Some((0, reset)) = exhausted {
                let secs = reset - now_epoch();
                if secs > 0 {
                    self.rate_limit_waits.fetch_add(1, Ordering::Relaxed);
                    self.wait(
                        Duration::from_secs(secs as u64 + 1),
                        "primary rate limit used up until its reset",
                        &url,
                    )?;
                }
                *self.rate.lock().unwrap() = None;
            }
            let mut req = self
                .http
                .get(&url)
                .header("Accept", "application/vnd.github+json")
                .header("X-GitHub-Api-Version", "2022-11-28");
            if let Some(t) = &self.cfg.token {
                req = req.header("Authorization", format!("Bearer {}", t.0));
            }
            if let Some(c) = &cached {
                if let Some(e) = &c.etag {
                    req = req.header("If-None-Match", e);
                } else if let Some(m) = &c.last_modified {
                    req = req.header("If-Modified-Since", m);
                }
            }
            self.requests.fetch_add(1, Ordering::Relaxed);
            let retry = |attempt: &mut u32, why: String| -> Result<(), ApiError> {
                if *attempt >= self.cfg.max_retries {
                    return Err(fail(format!(
                        "{why} (gave up after {} attempts)",
                        *attempt + 1
                    )));
                }
                self.retries.fetch_add(1, Ordering::Relaxed);
                let d = self.backoff(*attempt);
                *attempt += 1;
                (self.progress)(&format!(
                    "github: {why}; retry {} in {:.1}s",
                    *attempt,
                    d.as_secs_f64()
                ));
                std::thread::sleep(d);
                Ok(())
            };
            let resp = match req.send() {
                Ok(r) => r,
                Err(e) => {
                    let mut why = if e.is_timeout() {
                        "timed out".to_string()
                    } else {
                        format!("request failed: {e}")
                    };
                    let mut src = std::error::Error::source(&e);
                    while let Some(s) = src {
                        why.push_str(&format!(": {s}"));
                        src = s.source();
                    }
                    retry(&mut attempt, why)?;
                    continue;
                }
            };
            let status = resp.status().as_u16();
            let h = |name: &str| {
                resp.headers()
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string)
            };
            let remaining = h("x-ratelimit-remaining").and_then(|v| v.parse::<i64>().ok());
            let reset = h("x-ratelimit-reset").and_then(|v| v.parse::<i64>().ok());
            if let (Some(r), Some(t)) = (remaining, reset) {
                *self.rate.lock().unwrap() = Some((r, t));
            }
            let retry_after = h("retry-after").and_then(|v| v.parse::<u64>().ok());
            let link = h("link");
            let etag = h("etag");
            let last_modified = h("last-modified");
            match status {
                304 => {
                    if let Some(c) = &cached {
                        self.not_modified.fetch_add(1, Ordering::Relaxed);
                        let json = serde_json::from_slice(&c.body)
                            .map_err(|e| fail(format!("cached body: {e}")))?;
                        return Ok(Fetched::Found {
                            json,
                            next: c.link.as_deref().and_then(next_link),
                            cached: true,
                        });
                    }
                    retry(&mut attempt, "304 without a cached copy".into())?;
                }
                200..=299 => {
                    let body = match resp.bytes() {
                        Ok(b) => b.to_vec(),
                        Err(e) => {
                            retry(&mut attempt, format!("body cut: {e}"))?;
                            continue;
                        }
                    };
                    match serde_json::from_slice::<Value>(&body) {
                        Ok(mut json) => {
                            // No e-mail address is kept anywhere, the cache included.
                            scrub_email(&mut json);
                            let body = serde_json::to_vec(&json).unwrap_or_default();
                            if etag.is_some() || last_modified.is_some() {
                                cache.put(
                                    &url,
                                    &Cached {
                                        etag,
                                        last_modified,
                                        body,
                                        link: link.clone(),
                                    },
                                );
                            }
                            return Ok(Fetched::Found {
                                json,
                                next: link.as_deref().and_then(next_link),
                                cached: false,
                            });
                        }
                        Err(e) => retry(&mut attempt, format!("incomplete JSON ({e})"))?,
                    }
                }
                404 | 410 => return Ok(Fetched::NotFound),
                403 | 429 => {
                    if let Some(s) = retry_after {
                        self.secondary_waits.fetch_add(1, Ordering::Relaxed);
                        self.wait(
                            Duration::from_secs(s),
                            &format!("secondary rate limit (HTTP {status}, Retry-After {s}s)"),
                            &url,
                        )?;
                    } else if remaining == Some(0) {
                        // The wait happens at the top of the loop.
                        *self.rate.lock().unwrap() = Some((0, reset.unwrap_or_else(now_epoch)));
                    } else if status == 429 || resp_is_secondary(remaining) {
                        self.secondary_waits.fetch_add(1, Ordering::Relaxed);
                        let d = Duration::from_secs(60).max(self.backoff(attempt));
                        self.wait(d, &format!("secondary rate limit (HTTP {status})"), &url)?;
                    } else {
                        let text = resp.text().unwrap_or_default();
                        return Err(ApiError::Status {
                            url: url.clone(),
                            status,
                            message: crate::github_api::short(&text),
                        });
                    }
                    if attempt >= self.cfg.max_retries * 2 {
                        return Err(fail("rate limited too many times".into()));
                    }
                    attempt += 1;
                }
                500..=599 => retry(&mut attempt, format!("HTTP {status}"))?,
                _ => {
                    let text = resp.text().unwrap_or_default();
                    return Err(ApiError::Status {
                        url: url.clone(),
                        status,
                        message: short(&text),
                    });
                }
            }
        }
    }

    /// Every page of a list, following `Link: rel="next"`. `stop` sees each page's items and
    /// returns true to stop early (e.g. past a cursor). `None` when the first page is 404.
    pub fn get_all(
        &self,
        path: &str,
        cache: &dyn Cache,
        mut stop: impl FnMut(&[Value]) -> bool,
    ) -> Result<Option<(Vec<Value>, bool)>, ApiError> {
        let mut out = Vec::new();
        let mut all_cached = true;
        let mut next = Some(path.to_string());
        let mut first = true;
        while let Some(p) = next.take() {
            match self.get(&p, cache)? {
                Fetched::NotFound if first => return Ok(None),
                Fetched::NotFound => break,
                Fetched::Found {
                    json,
                    next: n,
                    cached,
                } => {
                    all_cached &= cached;
                    let items = match json {
                        Value::Array(a) => a,
                        other => vec![other],
                    };
                    let done = stop(&items);
                    out.extend(items);
                    if !done {
                        next = n;
                    }
                }
            }
            first = false;
        }
        Ok(Some((out, all_cached)))
    }

    /// Runs `f` over `items` with at most `concurrency` at once; results in input order.
    pub fn map<T: Sync, R: Send>(&self, items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
        let n = self.cfg.concurrency.clamp(1, 32).min(items.len().max(1));
        let next = std::sync::atomic::AtomicUsize::new(0);
        let results: Vec<Mutex<Option<R>>> = items.iter().map(|_| Mutex::new(None)).collect();
        std::thread::scope(|s| {
            for _ in 0..n {
                s.spawn(|| loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= items.len() {
                        break;
                    }
                    *results[i].lock().unwrap() = Some(f(&items[i]));
                });
            }
        });
        results
            .into_iter()
            .map(|m| m.into_inner().unwrap().expect("every item ran"))
            .collect()
    }
}

/// Removes every `email` field (users' public e-mail, commit authors'), recursively.
pub fn scrub_email(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.remove("email");
            m.values_mut().for_each(scrub_email);
        }
        Value::Array(a) => a.iter_mut().for_each(scrub_email),
        _ => {}
    }
}

/// A 403 without `Retry-After` while requests remain is GitHub's secondary limit.
fn resp_is_secondary(remaining: Option<i64>) -> bool {
    remaining.is_none_or(|r| r > 0)
}

pub(crate) fn short(s: &str) -> String {
    builtby_model::prefix(s.trim(), 200).to_string()
}

/// Seconds since the epoch of an RFC 3339 time as GitHub writes it (`2024-05-21T14:03:07Z`).
pub fn parse_time(s: &str) -> Option<i64> {
    builtby_model::time::parse_rfc3339(s)
}
