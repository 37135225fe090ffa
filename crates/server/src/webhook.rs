//! Webhooks: a saved search's run with changes POSTs a JSON summary
//! (`builtby_search::watch::Alert`: logins, names, links and scores only) to the URL its owner
//! gave at `builtby watch add --webhook`. Used by `builtby watch run` and by
//! `POST /api/watches/{name}/run`.
//!
//! Delivered the way the GitHub API client retries (`builtby_sources::github_api`): a bounded
//! number of attempts ([`Policy::attempts`]), exponential backoff with jitter between them,
//! on connection errors, timeouts, 5xx, 408 and 429 (waiting `Retry-After` when it is short);
//! any other answer but a 2xx is final (a 404 will not heal by retrying). Redirects are not
//! followed: a webhook is given by its final URL. After the last attempt the error says how
//! many were made and what the last answer was. The URL's path and query often hold a secret
//! (Slack, Teams…): messages and reports name only its scheme, host and port ([`origin`]).
//!
//! Blocking: call it from a thread that may block (the CLI, or `spawn_blocking`).

use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Policy {
    /// Attempts in all, the first included.
    pub attempts: u32,
    /// Wait before the first retry; doubled for each next one, plus up to 50% jitter.
    pub backoff: Duration,
    /// Per attempt, connecting and answering.
    pub timeout: Duration,
    /// Longest `Retry-After` honoured; a longer one ends the delivery.
    pub max_retry_after: Duration,
}

impl Default for Policy {
    /// 4 attempts, 0.5 s then 1 s then 2 s apart (plus up to 50%), 3 s each: at most about
    /// 17 s in all (more only when the receiver asks to wait, 5 s at most each time), within
    /// the server's default request time (20 s) for a run over the API.
    fn default() -> Self {
        Policy {
            attempts: 4,
            backoff: Duration::from_millis(500),
            timeout: Duration::from_secs(3),
            max_retry_after: Duration::from_secs(5),
        }
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum WebhookError {
    #[error("webhook: `{0}` is not a URL to POST to: give an http:// or https:// URL with a host")]
    BadUrl(String),
    #[error("webhook {to}: gave up after {attempts} attempt{}: {last}", if *.attempts == 1 { "" } else { "s" })]
    Failed {
        /// [`origin`] of the URL.
        to: String,
        attempts: u32,
        /// The last answer or failure, in words.
        last: String,
    },
}

/// Checks a webhook URL: http or https, a host, no credentials, no spaces. Returns it trimmed.
pub fn check_url(s: &str) -> Result<String, WebhookError> {
    let t = s.trim();
    let bad = || WebhookError::BadUrl(origin(t));
    let url = reqwest::Url::parse(t).map_err(|_| bad())?;
    if !matches!(url.scheme(), "http" | "https")
        || url.host_str().is_none_or(str::is_empty)
        || !url.username().is_empty()
        || url.password().is_some()
    {
        return Err(bad());
    }
    Ok(t.to_string())
}

/// The URL's scheme, host and port: what may be shown of it.
pub fn origin(url: &str) -> String {
    match reqwest::Url::parse(url.trim()) {
        Ok(u) if u.host_str().is_some() => {
            let host = u.host_str().unwrap_or_default();
            match u.port() {
                Some(p) => format!("{}://{host}:{p}", u.scheme()),
                None => format!("{}://{host}", u.scheme()),
            }
        }
        _ => "(not a URL)".into(),
    }
}

/// 0..1, different per call: jitter without a random-number crate (as the GitHub client).
fn jitter() -> f64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos() as u64)
        .unwrap_or(0);
    let mut x = t ^ n.rotate_left(32) ^ 0x9e37_79b9_7f4a_7c15;
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    (x % 10_000) as f64 / 10_000.0
}

/// POSTs `body` (JSON) to `url` under `policy`. `progress` hears of each retry. The number of
/// attempts made when it was delivered.
pub fn post_json(
    url: &str,
    body: &[u8],
    policy: &Policy,
    progress: &dyn Fn(&str),
) -> Result<u32, WebhookError> {
    let url = check_url(url)?;
    let to = origin(&url);
    let failed = |attempts: u32, last: String| WebhookError::Failed {
        to: to.clone(),
        attempts,
        last,
    };
    let http = reqwest::blocking::Client::builder()
        .timeout(policy.timeout)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("builtby/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| failed(0, format!("cannot make an HTTP client: {e}")))?;
    let attempts = policy.attempts.max(1);
    let mut attempt = 0u32;
    loop {
        attempt += 1;
        let sent = http
            .post(&url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body.to_vec())
            .send();
        // (why, retry?, wait at least)
        let (why, retry, wait): (String, bool, Option<Duration>) = match sent {
            Ok(resp) => {
                let status = resp.status();
                if status.is_success() {
                    return Ok(attempt);
                }
                let retry_after = resp
                    .headers()
                    .get(reqwest::header::RETRY_AFTER)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.trim().parse::<u64>().ok())
                    .map(Duration::from_secs);
                let text = resp.text().unwrap_or_default();
                let text = builtby_model::prefix(text.trim(), 200).replace(['\n', '\r'], " ");
                let why = if text.is_empty() {
                    format!("HTTP {status}")
                } else {
                    format!("HTTP {status}: {text}")
                };
                let code = status.as_u16();
                if status.is_redirection() {
                    (
                        format!("{why} (a redirect: give the URL it points to)"),
                        false,
                        None,
                    )
                } else if code == 429 || code == 408 || status.is_server_error() {
                    match retry_after {
                        Some(d) if d > policy.max_retry_after => (
                            format!(
                                "{why} (asked to wait {}s, more than the {}s allowed)",
                                d.as_secs(),
                                policy.max_retry_after.as_secs()
                            ),
                            false,
                            None,
                        ),
                        d => (why, true, d),
                    }
                } else {
                    (why, false, None)
                }
            }
            Err(e) => {
                let mut why = if e.is_timeout() {
                    format!("timed out after {:.0}s", policy.timeout.as_secs_f64())
                } else if e.is_connect() {
                    "could not connect".to_string()
                } else {
                    "request failed".to_string()
                };
                // the causes, without the URL reqwest puts in its own message
                let mut src = std::error::Error::source(&e);
                while let Some(s) = src {
                    let s_text = s.to_string();
                    if !s_text.contains(&url) {
                        why.push_str(&format!(": {s_text}"));
                    }
                    src = s.source();
                }
                (why, true, None)
            }
        };
        if !retry || attempt >= attempts {
            return Err(failed(attempt, why));
        }
        let base = policy.backoff.as_secs_f64() * 2f64.powi(attempt as i32 - 1);
        let d = Duration::from_secs_f64(base * (1.0 + 0.5 * jitter()));
        let d = wait.map_or(d, |w| w.max(d));
        progress(&format!(
            "webhook {to}: {why}; retry {attempt} of {} in {:.1}s",
            attempts - 1,
            d.as_secs_f64()
        ));
        std::thread::sleep(d);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_checked_and_shown_without_their_secret() {
        assert_eq!(
            check_url(" https://hooks.example.com/services/T0/B0/XyZ ").unwrap(),
            "https://hooks.example.com/services/T0/B0/XyZ"
        );
        assert_eq!(
            origin("https://hooks.example.com/services/T0/B0/XyZ?token=s3cret"),
            "https://hooks.example.com"
        );
        assert_eq!(origin("http://127.0.0.1:8080/x"), "http://127.0.0.1:8080");
        for bad in [
            "",
            "hooks.example.com/x",
            "ftp://example.com/x",
            "file:///etc/passwd",
            "https://user:pw@example.com/x",
            "mailto:ana@example.com",
        ] {
            assert!(check_url(bad).is_err(), "{bad}");
        }
        let e = check_url("https://user:pw@example.com/x").unwrap_err();
        assert!(!e.to_string().contains("pw"), "{e}");
    }
}
