//! The export API (`http://export.arxiv.org/api/query`), used the way arXiv asks: one request
//! every 3 seconds, on one connection, in pages, with the query cut into submission-date
//! windows so that a long crawl is many short, resumable queries.
//!
//! - **Spacing**: before each request (retries included) the client waits until
//!   [`Config::spacing`] has passed since the previous one started. Time comes from a
//!   [`Clock`], so tests check the spacing the client asked for with a [`ManualClock`],
//!   without sleeping.
//! - **One connection**: requests are sequential and the HTTP client keeps one idle
//!   connection to the host.
//! - **Pages**: `search_query=cat:<category> AND submittedDate:[<from> TO <to>]`, sorted by
//!   submission date, `start`/`max_results` ([`Client::page`]).
//! - **Retries** with exponential backoff (through the clock) on 5xx, 429 (honouring
//!   `Retry-After`), connection errors, cut or unreadable bodies, and the API's known glitch
//!   of an empty page before the end of the results. The API's own error answer (a bad query)
//!   is not retried.
//! - `api_url` points at arXiv, a mirror, or a fake server in tests.

use super::atom::{parse_feed, Feed, FeedError};
use chrono::{Duration as Days, NaiveDate};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const API_URL: &str = "http://export.arxiv.org/api/query";

/// arXiv's terms of use: no more than one request every three seconds.
pub const MIN_SPACING: Duration = Duration::from_secs(3);

/// Where the client's time comes from.
pub trait Clock: Send + Sync {
    /// Time since an arbitrary origin; never goes back.
    fn now(&self) -> Duration;
    fn sleep(&self, d: Duration);
}

/// The machine's monotonic clock, and real sleeps.
pub struct SystemClock(Instant);

impl Default for SystemClock {
    fn default() -> Self {
        SystemClock(Instant::now())
    }
}

impl Clock for SystemClock {
    fn now(&self) -> Duration {
        self.0.elapsed()
    }
    fn sleep(&self, d: Duration) {
        std::thread::sleep(d)
    }
}

/// A clock that moves only when slept on (or [`ManualClock::advance`]d): what a test uses to
/// see the waits the client asked for, without waiting.
#[derive(Default)]
pub struct ManualClock {
    now: Mutex<Duration>,
    sleeps: Mutex<Vec<Duration>>,
}

impl ManualClock {
    pub fn advance(&self, d: Duration) {
        *self.now.lock().unwrap() += d;
    }
    /// Every sleep asked for, in order.
    pub fn sleeps(&self) -> Vec<Duration> {
        self.sleeps.lock().unwrap().clone()
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Duration {
        *self.now.lock().unwrap()
    }
    fn sleep(&self, d: Duration) {
        self.sleeps.lock().unwrap().push(d);
        *self.now.lock().unwrap() += d;
    }
}

#[derive(Debug, Clone)]
pub struct Config {
    /// `http://export.arxiv.org/api/query`, or a fake server's URL.
    pub api_url: String,
    /// Least time between the starts of two requests.
    pub spacing: Duration,
    /// `max_results` per page.
    pub page_size: u32,
    pub timeout: Duration,
    pub max_retries: u32,
    /// First retry delay; doubled each attempt.
    pub backoff: Duration,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            api_url: API_URL.into(),
            spacing: MIN_SPACING,
            page_size: 200,
            timeout: Duration::from_secs(60),
            max_retries: 4,
            backoff: Duration::from_secs(5),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("GET {url}: {message}")]
    Failed { url: String, message: String },
    #[error(transparent)]
    Feed(#[from] FeedError),
}

/// Whole days of submissions, `from` to `to` inclusive (UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Window {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Window {
    /// `2024-01-01..2024-01-07`: the cursor's name for the window.
    pub fn label(&self) -> String {
        format!("{}..{}", self.from, self.to)
    }

    /// `[202401010000+TO+202401072359]`, as `submittedDate` takes it.
    pub fn query_range(&self) -> String {
        format!(
            "[{}0000+TO+{}2359]",
            self.from.format("%Y%m%d"),
            self.to.format("%Y%m%d")
        )
    }
}

/// `from`..=`to` cut into windows of `days` days (the last may be shorter).
pub fn windows(from: NaiveDate, to: NaiveDate, days: u32) -> Vec<Window> {
    let days = days.max(1) as i64;
    let mut out = Vec::new();
    let mut start = from;
    while start <= to {
        let end = (start + Days::days(days - 1)).min(to);
        out.push(Window {
            from: start,
            to: end,
        });
        start = end + Days::days(1);
    }
    out
}

/// An arXiv category as the API takes it: `cs.LG`, `stat.ML`, `cond-mat.mes-hall`, `hep-th`.
pub fn valid_category(s: &str) -> bool {
    let part = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphabetic() || b == b'-');
    match s.split_once('.') {
        Some((a, b)) => part(a) && part(b),
        None => part(s),
    }
}

/// What the client did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Stats {
    /// Requests sent (every attempt).
    pub requests: u64,
    pub retries: u64,
}

pub struct Client {
    http: reqwest::blocking::Client,
    cfg: Config,
    clock: Arc<dyn Clock>,
    /// When each request started, by the clock.
    sent: Mutex<Vec<Duration>>,
    requests: AtomicU64,
    retries: AtomicU64,
    progress: Box<dyn Fn(&str) + Send + Sync>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client").field("cfg", &self.cfg).finish()
    }
}

impl Client {
    pub fn new(cfg: Config, clock: Arc<dyn Clock>) -> Result<Client, ApiError> {
        let http = reqwest::blocking::Client::builder()
            .timeout(cfg.timeout)
            .pool_max_idle_per_host(1)
            .user_agent(concat!(
                "builtby/",
                env!("CARGO_PKG_VERSION"),
                " (arXiv export API, one request per 3 s)"
            ))
            .build()
            .map_err(|e| ApiError::Failed {
                url: cfg.api_url.clone(),
                message: e.to_string(),
            })?;
        Ok(Client {
            http,
            cfg,
            clock,
            sent: Mutex::new(Vec::new()),
            requests: AtomicU64::new(0),
            retries: AtomicU64::new(0),
            progress: Box::new(|m| eprintln!("{m}")),
        })
    }

    /// Where waiting and retry messages go (default: stderr).
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
            retries: self.retries.load(Ordering::Relaxed),
        }
    }

    /// When each request started, by the client's clock.
    pub fn sent_at(&self) -> Vec<Duration> {
        self.sent.lock().unwrap().clone()
    }

    /// The URL of one page of a category's submissions in a window.
    pub fn query_url(&self, category: &str, window: &Window, start: u64) -> String {
        format!(
            "{}?search_query=cat:{category}+AND+submittedDate:{}&start={start}&max_results={}&sortBy=submittedDate&sortOrder=ascending",
            self.cfg.api_url.trim_end_matches('/'),
            window.query_range(),
            self.cfg.page_size
        )
    }

    /// One page: the papers of `category` submitted in `window`, from `start`.
    pub fn page(&self, category: &str, window: &Window, start: u64) -> Result<Feed, ApiError> {
        let url = self.query_url(category, window, start);
        self.get(&url, start)
    }

    /// Waits until the spacing has passed since the previous request, then notes this one.
    fn space(&self) {
        let mut sent = self.sent.lock().unwrap();
        if let Some(&last) = sent.last() {
            let since = self.clock.now().saturating_sub(last);
            if since < self.cfg.spacing {
                self.clock.sleep(self.cfg.spacing - since);
            }
        }
        sent.push(self.clock.now());
    }

    /// GET a feed (page `start` of its query), with every rule in the module doc.
    pub fn get(&self, url: &str, start: u64) -> Result<Feed, ApiError> {
        let mut attempt = 0u32;
        let fail = |message: String| ApiError::Failed {
            url: url.to_string(),
            message,
        };
        loop {
            self.space();
            self.requests.fetch_add(1, Ordering::Relaxed);
            let mut wait: Option<Duration> = None;
            let why = match self.http.get(url).send() {
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
                    why
                }
                Ok(resp) => {
                    let status = resp.status().as_u16();
                    wait = resp
                        .headers()
                        .get("retry-after")
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| v.trim().parse::<u64>().ok())
                        .map(Duration::from_secs);
                    match status {
                        200 => match resp.bytes() {
                            Err(e) => format!("body cut: {e}"),
                            Ok(body) => match parse_feed(&body, url) {
                                Ok(feed) => {
                                    let short = feed.entries.is_empty()
                                        && feed.total_results.is_some_and(|t| start < t);
                                    if !short {
                                        return Ok(feed);
                                    }
                                    format!(
                                        "no entries at start {start} of {} results (arXiv's empty-page glitch)",
                                        feed.total_results.unwrap_or(0)
                                    )
                                }
                                Err(e @ FeedError::Api { .. }) => return Err(e.into()),
                                Err(e) => format!("unreadable answer: {e}"),
                            },
                        },
                        429 | 500..=599 => format!("HTTP {status}"),
                        _ => {
                            let text = resp.text().unwrap_or_default();
                            return Err(fail(format!(
                                "HTTP {status}: {}",
                                builtby_model::prefix(text.trim(), 200)
                            )));
                        }
                    }
                }
            };
            if attempt >= self.cfg.max_retries {
                return Err(fail(format!(
                    "{why} (gave up after {} attempts)",
                    attempt + 1
                )));
            }
            let backoff = self.cfg.backoff * 2u32.saturating_pow(attempt);
            let d = wait.map_or(backoff, |w| w.max(backoff));
            attempt += 1;
            self.retries.fetch_add(1, Ordering::Relaxed);
            (self.progress)(&format!(
                "arxiv: {why}; retry {attempt} in {:.0}s",
                d.as_secs_f64()
            ));
            self.clock.sleep(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn windows_cover_the_range_without_overlap() {
        let w = windows(d("2024-01-01"), d("2024-01-10"), 4);
        let labels: Vec<String> = w.iter().map(Window::label).collect();
        assert_eq!(
            labels,
            [
                "2024-01-01..2024-01-04",
                "2024-01-05..2024-01-08",
                "2024-01-09..2024-01-10"
            ]
        );
        assert_eq!(w[0].query_range(), "[202401010000+TO+202401042359]");
        assert_eq!(windows(d("2024-01-02"), d("2024-01-01"), 7), vec![]);
        assert_eq!(windows(d("2024-01-01"), d("2024-01-01"), 0).len(), 1);
    }

    #[test]
    fn categories() {
        for ok in ["cs.LG", "cs.AI", "stat.ML", "cond-mat.mes-hall", "hep-th"] {
            assert!(valid_category(ok), "{ok}");
        }
        for bad in ["", "cs.", "cs LG", "cs.LG+OR+x", "cs.LG]", "a.b.c"] {
            assert!(!valid_category(bad), "{bad}");
        }
    }

    #[test]
    fn the_manual_clock_moves_only_when_slept_on() {
        let c = ManualClock::default();
        assert_eq!(c.now(), Duration::ZERO);
        c.sleep(Duration::from_secs(3));
        c.advance(Duration::from_secs(1));
        assert_eq!(c.now(), Duration::from_secs(4));
        assert_eq!(c.sleeps(), [Duration::from_secs(3)]);
    }

    #[test]
    fn query_urls_page_by_submission_date() {
        let c = Client::new(
            Config {
                api_url: "http://x/api/query".into(),
                page_size: 50,
                ..Config::default()
            },
            Arc::new(ManualClock::default()),
        )
        .unwrap();
        let w = windows(d("2024-01-01"), d("2024-01-07"), 7)[0];
        assert_eq!(
            c.query_url("cs.LG", &w, 100),
            "http://x/api/query?search_query=cat:cs.LG+AND+submittedDate:[202401010000+TO+202401072359]&start=100&max_results=50&sortBy=submittedDate&sortOrder=ascending"
        );
    }
}
