//! The Hugging Face Hub's HTTP API, used the way the Hub asks (its "Rate limits" page), with
//! the GitHub client's design ([`crate::github_api`]): the same [`Cache`] trait (the store's
//! HTTP cache), the same retries, the same bounded concurrency, `api_url` pointing at the Hub or
//! at a fake in tests.
//!
//! Etiquette, all in [`Client::get`]:
//! - **Token** from `HF_TOKEN` ([`Token::from_env`]), optional (anonymous requests get lower
//!   limits), sent as a bearer header to the configured Hub only (never to another host a
//!   `Link` names), never logged or stored: its `Debug` prints `Token(***)`.
//! - **Conditional requests**: every 200 answer with an `ETag` (or `Last-Modified`) is kept in
//!   the cache; the next GET of the same URL sends `If-None-Match`, and a 304 is answered from
//!   the cache. E-mail fields (JSON) and e-mail addresses (cards) are removed before anything
//!   is cached.
//! - **Rate limits**: the Hub counts requests per bucket (`api` for `/api/…`, `resolvers` for
//!   `…/resolve/…`) over **5-minute fixed windows** and says where a client stands in the
//!   `RateLimit` header (`"api";r=<remaining>;t=<seconds to the window's reset>`). The client
//!   tracks it per bucket across threads: at `r=0` every request of that bucket waits for the
//!   reset. A **429** waits for the reset the `RateLimit` header gives (else `Retry-After`, else
//!   a minute), then retries.
//! - **Retries** with exponential backoff and jitter on 5xx, timeouts, connection errors and
//!   cut bodies; 404/410 are answers (no such user, model or card), and so are 401/403 for a
//!   card (a gated or private model: no card to read).
//! - **Pagination** by the `Link: <…>; rel="next"` header ([`Client::get`] returns it).

use crate::github_api::{next_link, scrub_email, Cache, Cached};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// A Hugging Face token. Never printed.
#[derive(Clone)]
pub struct Token(String);

impl Token {
    pub fn new(s: impl Into<String>) -> Token {
        Token(s.into())
    }
    /// `HF_TOKEN`, when set and not empty.
    pub fn from_env() -> Option<Token> {
        std::env::var("HF_TOKEN")
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

#[derive(Debug, Clone)]
pub struct Config {
    /// `https://huggingface.co`, a mirror, or a test server.
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
            api_url: "https://huggingface.co".into(),
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

/// What a GET is for: JSON (the API) or text (a model card).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Want {
    Json,
    Text,
}

/// An answer's body.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    Json(Value),
    Text(String),
}

/// A fetched document.
#[derive(Debug, Clone, PartialEq)]
pub enum Fetched {
    Found {
        body: Body,
        /// The `rel="next"` page, if any.
        next: Option<String>,
        /// Answered by a 304 from the cache.
        cached: bool,
    },
    /// 404 or 410 (or 401/403 for a card): no such user, organisation, model or card.
    NotFound,
}

/// What the client did, for reports and the tests' request budgets.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Stats {
    /// Requests sent (every attempt).
    pub requests: u64,
    pub not_modified: u64,
    pub retries: u64,
    /// Waits for a bucket's window to reset (after `r=0`, or a 429).
    pub rate_limit_waits: u64,
    /// 429 answers received.
    pub too_many: u64,
}

/// The rate-limit bucket of a URL, as the Hub counts requests.
pub fn bucket(url: &str) -> &'static str {
    if url.contains("/resolve/") {
        "resolvers"
    } else {
        "api"
    }
}

/// `"api";r=489;t=189` → (remaining, seconds to the reset). Parameters may come in any order.
pub fn parse_ratelimit(h: &str) -> Option<(i64, u64)> {
    let mut r = None;
    let mut t = None;
    for part in h.split(';') {
        let part = part.trim();
        if let Some(v) = part.strip_prefix("r=") {
            r = v.trim().parse::<i64>().ok();
        } else if let Some(v) = part.strip_prefix("t=") {
            t = v.trim().parse::<u64>().ok();
        }
    }
    Some((r?, t?))
}

type Sleep = Box<dyn Fn(Duration) + Send + Sync>;

pub struct Client {
    http: reqwest::blocking::Client,
    cfg: Config,
    /// bucket → (remaining, when its window resets), from the last answer of that bucket.
    limits: Mutex<HashMap<&'static str, (i64, Instant)>>,
    requests: AtomicU64,
    not_modified: AtomicU64,
    retries: AtomicU64,
    rate_limit_waits: AtomicU64,
    too_many: AtomicU64,
    progress: Box<dyn Fn(&str) + Send + Sync>,
    sleep: Sleep,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client").field("cfg", &self.cfg).finish()
    }
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

fn short(s: &str) -> String {
    builtby_model::prefix(s.trim(), 200).to_string()
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
            limits: Mutex::new(HashMap::new()),
            requests: AtomicU64::new(0),
            not_modified: AtomicU64::new(0),
            retries: AtomicU64::new(0),
            rate_limit_waits: AtomicU64::new(0),
            too_many: AtomicU64::new(0),
            progress: Box::new(|m| eprintln!("{m}")),
            sleep: Box::new(std::thread::sleep),
        })
    }

    /// Where waiting messages go (default: stderr).
    pub fn with_progress(mut self, f: impl Fn(&str) + Send + Sync + 'static) -> Client {
        self.progress = Box::new(f);
        self
    }

    /// How the client waits (default: `std::thread::sleep`); tests record the waits instead.
    pub fn with_sleep(mut self, f: impl Fn(Duration) + Send + Sync + 'static) -> Client {
        self.sleep = Box::new(f);
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
            too_many: self.too_many.load(Ordering::Relaxed),
        }
    }

    /// The full URL of a path (`/api/models?…`) or a URL as given (a `Link` target).
    pub fn url(&self, path: &str) -> String {
        if path.starts_with("http://") || path.starts_with("https://") {
            path.to_string()
        } else {
            format!("{}{}", self.cfg.api_url.trim_end_matches('/'), path)
        }
    }

    /// True when `url` is on the configured Hub: the token goes nowhere else (a `Link` may
    /// name another host).
    fn same_origin(&self, url: &str) -> bool {
        let origin = |u: &str| -> String {
            let rest = u.split_once("://").map_or(u, |(_, r)| r);
            let host = rest.split(['/', '?', '#']).next().unwrap_or("");
            let scheme = u.split_once("://").map_or("", |(s, _)| s);
            format!(
                "{}://{}",
                scheme.to_ascii_lowercase(),
                host.to_ascii_lowercase()
            )
        };
        origin(url) == origin(&self.cfg.api_url)
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
        (self.progress)(&format!(
            "huggingface: {why}; waiting {:.1}s",
            d.as_secs_f64()
        ));
        (self.sleep)(d);
        Ok(())
    }

    fn backoff(&self, attempt: u32) -> Duration {
        let base = self.cfg.backoff.as_secs_f64() * 2f64.powi(attempt as i32);
        Duration::from_secs_f64(base * (1.0 + 0.5 * jitter()))
    }

    /// GET one document, with every rule in the module doc.
    pub fn get(&self, path: &str, want: Want, cache: &dyn Cache) -> Result<Fetched, ApiError> {
        let url = self.url(path);
        let bucket = bucket(&url);
        let cached = cache.get(&url);
        let mut attempt = 0u32;
        let mut limited = 0u32;
        let fail = |message: String| ApiError::Failed {
            url: url.clone(),
            message,
        };
        loop {
            // The bucket's window is used up: wait for its reset before sending anything.
            let used_up = self.limits.lock().unwrap().get(bucket).copied();
            if let Some((r, reset)) = used_up {
                if r <= 0 {
                    let left = reset.saturating_duration_since(Instant::now());
                    if !left.is_zero() {
                        self.rate_limit_waits.fetch_add(1, Ordering::Relaxed);
                        self.wait(
                            left + Duration::from_secs(1),
                            &format!("the {bucket} rate limit is used up until its 5-minute window resets"),
                            &url,
                        )?;
                    }
                    self.limits.lock().unwrap().remove(bucket);
                }
            }
            let mut req = self.http.get(&url);
            if want == Want::Json {
                req = req.header("Accept", "application/json");
            }
            if let Some(t) = self.cfg.token.as_ref().filter(|_| self.same_origin(&url)) {
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
                    "huggingface: {why}; retry {} in {:.1}s",
                    *attempt,
                    d.as_secs_f64()
                ));
                (self.sleep)(d);
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
            let limit = h("ratelimit").as_deref().and_then(parse_ratelimit);
            if let Some((r, t)) = limit {
                self.limits
                    .lock()
                    .unwrap()
                    .insert(bucket, (r, Instant::now() + Duration::from_secs(t)));
            }
            let retry_after = h("retry-after").and_then(|v| v.trim().parse::<u64>().ok());
            let link = h("link");
            let etag = h("etag");
            let last_modified = h("last-modified");
            match status {
                304 => {
                    if let Some(c) = &cached {
                        self.not_modified.fetch_add(1, Ordering::Relaxed);
                        let body = match want {
                            Want::Json => Body::Json(
                                serde_json::from_slice(&c.body)
                                    .map_err(|e| fail(format!("cached body: {e}")))?,
                            ),
                            Want::Text => Body::Text(String::from_utf8_lossy(&c.body).into_owned()),
                        };
                        return Ok(Fetched::Found {
                            body,
                            next: c.link.as_deref().and_then(next_link),
                            cached: true,
                        });
                    }
                    retry(&mut attempt, "304 without a cached copy".into())?;
                }
                200..=299 => {
                    let bytes = match resp.bytes() {
                        Ok(b) => b.to_vec(),
                        Err(e) => {
                            retry(&mut attempt, format!("body cut: {e}"))?;
                            continue;
                        }
                    };
                    let (body, kept) = match want {
                        Want::Json => match serde_json::from_slice::<Value>(&bytes) {
                            Ok(mut json) => {
                                // No e-mail address is kept anywhere, the cache included.
                                scrub_email(&mut json);
                                let kept = serde_json::to_vec(&json).unwrap_or_default();
                                (Body::Json(json), kept)
                            }
                            Err(e) => {
                                retry(&mut attempt, format!("incomplete JSON ({e})"))?;
                                continue;
                            }
                        },
                        Want::Text => {
                            let text = String::from_utf8_lossy(&bytes);
                            let text = builtby_model::scrub_emails(&text).into_owned();
                            let kept = text.clone().into_bytes();
                            (Body::Text(text), kept)
                        }
                    };
                    if etag.is_some() || last_modified.is_some() {
                        cache.put(
                            &url,
                            &Cached {
                                etag,
                                last_modified,
                                body: kept,
                                link: link.clone(),
                            },
                        );
                    }
                    return Ok(Fetched::Found {
                        body,
                        next: link.as_deref().and_then(next_link),
                        cached: false,
                    });
                }
                404 | 410 => return Ok(Fetched::NotFound),
                401 | 403 if want == Want::Text => return Ok(Fetched::NotFound),
                429 => {
                    self.too_many.fetch_add(1, Ordering::Relaxed);
                    self.rate_limit_waits.fetch_add(1, Ordering::Relaxed);
                    if limited >= self.cfg.max_retries.max(1) * 2 {
                        return Err(fail("rate limited too many times".into()));
                    }
                    limited += 1;
                    let (d, said) = match (limit, retry_after) {
                        (Some((_, t)), _) => (
                            Duration::from_secs(t + 1),
                            format!("RateLimit: reset in {t}s"),
                        ),
                        (None, Some(s)) => (Duration::from_secs(s), format!("Retry-After {s}s")),
                        (None, None) => (
                            Duration::from_secs(60).max(self.backoff(attempt)),
                            "no reset given".to_string(),
                        ),
                    };
                    self.wait(
                        d,
                        &format!("rate limited (HTTP 429, {bucket} bucket, {said})"),
                        &url,
                    )?;
                    // the wait covered the window: nothing is used up any more
                    self.limits.lock().unwrap().remove(bucket);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratelimit_headers_and_buckets() {
        assert_eq!(parse_ratelimit("\"api\";r=489;t=189"), Some((489, 189)));
        assert_eq!(parse_ratelimit("\"resolvers\"; t=3; r=0"), Some((0, 3)));
        assert_eq!(parse_ratelimit("\"api\""), None);
        assert_eq!(bucket("https://huggingface.co/api/models?author=x"), "api");
        assert_eq!(
            bucket("https://huggingface.co/a/b/resolve/main/README.md"),
            "resolvers"
        );
        assert_eq!(format!("{:?}", Token::new("hf_secret")), "Token(***)");
    }

    #[test]
    fn the_token_goes_to_the_configured_hub_only() {
        let c = Client::new(Config {
            api_url: "https://huggingface.co".into(),
            token: Some(Token::new("hf_secret")),
            ..Default::default()
        })
        .unwrap();
        assert!(c.same_origin("https://huggingface.co/api/models?author=a&cursor=x"));
        assert!(c.same_origin("https://HuggingFace.co/a/b/resolve/main/README.md"));
        assert!(!c.same_origin("https://huggingface.co.evil.example/api/models"));
        assert!(!c.same_origin("http://huggingface.co/api/models"));
        assert!(!format!("{c:?}").contains("hf_secret"));
    }
}
