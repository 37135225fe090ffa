//! Downloading GH Archive hours: `https://data.gharchive.org/YYYY-MM-DD-H.json.gz` (hour not
//! zero-padded; another server with [`BASE_URL_ENV`]).
//!
//! An hour is streamed to `<name>.part` and renamed to its name only when the server's length
//! says it is whole (and after an fsync), so a partial download is never mistaken for a whole
//! hour. An interrupted download (a cut connection, a killed process) resumes from the
//! `.part`'s length with an HTTP `Range` request; a server that ignores `Range` (200 instead
//! of 206) is downloaded again from the start. Network failures are retried with backoff
//! ([`Retry`]); a 404 (an hour GH Archive lacks, or not published yet) is not.

use chrono::{Duration, NaiveDate, NaiveDateTime, Timelike};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// Where hours are downloaded from unless [`BASE_URL_ENV`] says otherwise.
pub const DEFAULT_BASE_URL: &str = "https://data.gharchive.org";
/// The environment variable naming another server (a mirror, a test server).
pub const BASE_URL_ENV: &str = "BUILTBY_GHARCHIVE_URL";

/// The base URL: [`BASE_URL_ENV`] when set and not blank, else [`DEFAULT_BASE_URL`].
pub fn base_url() -> String {
    std::env::var(BASE_URL_ENV)
        .ok()
        .map(|u| u.trim().trim_end_matches('/').to_string())
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| DEFAULT_BASE_URL.to_string())
}

/// A range of hours that cannot be downloaded as asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct HoursError(pub String);

/// An hour's file name: `2024-05-21-0.json.gz`.
pub fn file_name(stem: &str) -> String {
    format!("{stem}.json.gz")
}

/// Parses a range of hours into file stems (`2024-05-21-0`), inclusive. Each end is an hour
/// (`2024-05-21T00`, `2024-05-21T00:00`, `2024-05-21 00`) or a date: a date `from` starts at
/// its hour 0, a date `to` ends with its hour 23. Hours after the current one are refused
/// (GH Archive publishes an hour shortly after it ends).
pub fn hours(from: &str, to: &str) -> Result<Vec<String>, HoursError> {
    let now = chrono::Utc::now().naive_utc();
    hours_until(from, to, now).map_err(HoursError)
}

fn hours_until(from: &str, to: &str, now: NaiveDateTime) -> Result<Vec<String>, String> {
    let parse = |s: &str, end: bool| {
        let s = s.trim().replace(' ', "T");
        if let Ok(d) = NaiveDate::parse_from_str(&s, "%Y-%m-%d") {
            return Ok(d
                .and_hms_opt(if end { 23 } else { 0 }, 0, 0)
                .expect("valid hour"));
        }
        let full = match s.len() {
            13 => format!("{s}:00:00"),
            16 => format!("{s}:00"),
            _ => s.clone(),
        };
        NaiveDateTime::parse_from_str(full.trim_end_matches('Z'), "%Y-%m-%dT%H:%M:%S").map_err(
            |_| format!("`{s}` is not a date like 2024-05-21 or an hour like 2024-05-21T00 (UTC)"),
        )
    };
    let (a, b) = (parse(from, false)?, parse(to, true)?);
    if a > b {
        return Err(format!("--from {from} is after --to {to}"));
    }
    let current = now.with_minute(0).unwrap().with_second(0).unwrap();
    if b > current {
        return Err(format!(
            "--to {to} is after the current hour ({}): GH Archive publishes each hour shortly after it ends",
            current.format("%Y-%m-%dT%H")
        ));
    }
    let mut out = Vec::new();
    let mut t = a.with_minute(0).unwrap().with_second(0).unwrap();
    while t <= b {
        out.push(format!("{}-{}", t.format("%Y-%m-%d"), t.hour()));
        t += Duration::hours(1);
    }
    Ok(out)
}

/// How hard to try one hour.
#[derive(Debug, Clone, Copy)]
pub struct Retry {
    /// Attempts per hour (1: no retry).
    pub attempts: u32,
    /// Wait before the second attempt; doubled before each next one.
    pub first_wait: std::time::Duration,
    /// A connection that sends nothing for this long is given up (and resumed next attempt).
    pub read_timeout: std::time::Duration,
}

impl Default for Retry {
    /// 4 attempts, waiting 2, 4 and 8 s between them; 60 s without a byte is a failure.
    fn default() -> Retry {
        Retry {
            attempts: 4,
            first_wait: std::time::Duration::from_secs(2),
            read_timeout: std::time::Duration::from_secs(60),
        }
    }
}

/// An hour that could not be downloaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{url}: {message}")]
pub struct HourFailure {
    pub url: String,
    pub message: String,
    /// The server could not be reached at all (connection refused, DNS…) on the last attempt:
    /// after a few such hours in a row the rest are not tried ([`fetch_hours`], `ingest`).
    pub unreachable: bool,
}

/// One hour that could not be had, and why ([`fetch_hours`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DownloadError {
    #[error("{dir}: cannot create: {message}")]
    Folder { dir: PathBuf, message: String },
    #[error("cannot start an HTTP client: {0}")]
    Client(String),
    #[error("{url}: {message}")]
    Hour { url: String, message: String },
    /// The first network failure: the remaining hours are not tried.
    #[error("{url}: network: {message}; cannot reach GH Archive (offline?), not trying the remaining hours")]
    Offline { url: String, message: String },
}

/// Downloads hours from one server, resuming and retrying.
pub struct Fetcher {
    client: reqwest::blocking::Client,
    base: String,
    retry: Retry,
}

enum Failure {
    /// Worth another attempt (the `.part` is kept, so it resumes).
    Transient { message: String, unreachable: bool },
    /// Not: the server says there is no such hour, or the disk refuses.
    Permanent(String),
}

impl Fetcher {
    /// A fetcher for `base` (e.g. [`base_url`]).
    pub fn new(base: &str, retry: Retry) -> Result<Fetcher, DownloadError> {
        let client = reqwest::blocking::Client::builder()
            .connect_timeout(std::time::Duration::from_secs(10))
            // per read and write (the blocking client's timeout): a stalled body fails
            .timeout(retry.read_timeout)
            .user_agent(concat!("builtby/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| DownloadError::Client(e.to_string()))?;
        Ok(Fetcher {
            client,
            base: base.trim_end_matches('/').to_string(),
            retry,
        })
    }

    /// The URL of an hour.
    pub fn url(&self, stem: &str) -> String {
        format!("{}/{}", self.base, file_name(stem))
    }

    /// Downloads hour `stem` into `dir` unless its file is there already, resuming a `.part`;
    /// retries per [`Retry`], calling `retrying(attempt, why, wait)` before each wait. Returns
    /// the whole file's path.
    pub fn fetch(
        &self,
        stem: &str,
        dir: &Path,
        retrying: &mut dyn FnMut(u32, &str, std::time::Duration),
    ) -> Result<PathBuf, HourFailure> {
        let url = self.url(stem);
        let path = dir.join(file_name(stem));
        if path.is_file() {
            return Ok(path);
        }
        let fail = |message: String, unreachable: bool| HourFailure {
            url: url.clone(),
            message,
            unreachable,
        };
        std::fs::create_dir_all(dir)
            .map_err(|e| fail(format!("{}: cannot create: {e}", dir.display()), false))?;
        let mut wait = self.retry.first_wait;
        let attempts = self.retry.attempts.max(1);
        for attempt in 1..=attempts {
            match self.attempt(&url, &path) {
                Ok(()) => return Ok(path),
                Err(Failure::Permanent(m)) => return Err(fail(m, false)),
                Err(Failure::Transient {
                    message,
                    unreachable,
                }) => {
                    if attempt == attempts {
                        let m = if attempts > 1 {
                            format!("{message} (after {attempts} attempts)")
                        } else {
                            message
                        };
                        return Err(fail(m, unreachable));
                    }
                    retrying(attempt, &message, wait);
                    std::thread::sleep(wait);
                    wait *= 2;
                }
            }
        }
        unreachable!("the last attempt returns")
    }

    fn attempt(&self, url: &str, path: &Path) -> Result<(), Failure> {
        let part = part_path(path);
        let disk = |e: std::io::Error| Failure::Permanent(format!("{}: {e}", part.display()));
        let have = std::fs::metadata(&part).map(|m| m.len()).unwrap_or(0);
        let mut req = self.client.get(url);
        if have > 0 {
            req = req.header(reqwest::header::RANGE, format!("bytes={have}-"));
        }
        let mut resp = req.send().map_err(|e| Failure::Transient {
            message: format!("network: {e}"),
            unreachable: e.is_connect(),
        })?;
        let status = resp.status().as_u16();
        let (mut file, total) = match status {
            206 => {
                let range = resp
                    .headers()
                    .get(reqwest::header::CONTENT_RANGE)
                    .and_then(|v| v.to_str().ok())
                    .and_then(content_range);
                match range {
                    Some((start, total)) if start == have => {
                        let f = std::fs::OpenOptions::new()
                            .append(true)
                            .open(&part)
                            .map_err(disk)?;
                        (f, total)
                    }
                    _ => {
                        // not the range asked for: start again from the first byte
                        let _ = std::fs::remove_file(&part);
                        return Err(Failure::Transient {
                            message: "the server answered another range than asked: downloading again from the start".into(),
                            unreachable: false,
                        });
                    }
                }
            }
            200 => {
                // a whole answer (the server ignores Range, or nothing was there): from the start
                let total = resp.content_length();
                (std::fs::File::create(&part).map_err(disk)?, total)
            }
            416 => {
                let total = resp
                    .headers()
                    .get(reqwest::header::CONTENT_RANGE)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.strip_prefix("bytes */"))
                    .and_then(|t| t.trim().parse::<u64>().ok());
                if total == Some(have) {
                    // the whole hour was there, only the rename was missing
                    return finish(&part, path);
                }
                let _ = std::fs::remove_file(&part);
                return Err(Failure::Transient {
                    message: format!("{have} bytes were already there, more than the server's file: downloading again from the start"),
                    unreachable: false,
                });
            }
            404 => {
                return Err(Failure::Permanent(
                    "HTTP 404: GH Archive has no such hour (some hours are missing from the archive; a recent one may not be published yet)".into(),
                ))
            }
            s if s == 429 || s >= 500 => {
                return Err(Failure::Transient {
                    message: format!("HTTP {}", resp.status()),
                    unreachable: false,
                })
            }
            _ => return Err(Failure::Permanent(format!("HTTP {}", resp.status()))),
        };
        let mut buf = vec![0u8; 1 << 16];
        loop {
            match resp.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => file.write_all(&buf[..n]).map_err(disk)?,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => {
                    let got = file.metadata().map(|m| m.len()).unwrap_or(0);
                    return Err(Failure::Transient {
                        message: format!("download cut short at {got} bytes: {e}"),
                        unreachable: false,
                    });
                }
            }
        }
        let got = file.metadata().map_err(disk)?.len();
        file.sync_all().map_err(disk)?;
        drop(file);
        if let Some(t) = total {
            if got < t {
                return Err(Failure::Transient {
                    message: format!("download cut short at {got} of {t} bytes"),
                    unreachable: false,
                });
            }
            if got > t {
                let _ = std::fs::remove_file(&part);
                return Err(Failure::Transient {
                    message: format!(
                        "{got} bytes, more than the server's {t}: downloading again from the start"
                    ),
                    unreachable: false,
                });
            }
        }
        finish(&part, path)
    }
}

/// `<name>.part`, where an hour is downloaded before it is whole.
pub fn part_path(path: &Path) -> PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push(".part");
    PathBuf::from(p)
}

fn finish(part: &Path, path: &Path) -> Result<(), Failure> {
    std::fs::rename(part, path)
        .map_err(|e| Failure::Permanent(format!("{}: cannot rename: {e}", part.display())))?;
    // the rename itself made durable: the folder's entry
    if let Some(dir) = path.parent() {
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
    }
    Ok(())
}

/// `bytes 100-199/1000` → (100, Some(1000)); `bytes 100-199/*` → (100, None).
fn content_range(v: &str) -> Option<(u64, Option<u64>)> {
    let rest = v.trim().strip_prefix("bytes ")?;
    let (range, total) = rest.split_once('/')?;
    let start = range.split_once('-')?.0.trim().parse().ok()?;
    let total = match total.trim() {
        "*" => None,
        t => Some(t.parse().ok()?),
    };
    Some((start, total))
}

/// Downloads the hours not already in `dir` (one attempt each, from [`base_url`]), calling
/// `starting(url)` before each download. Returns the files present and the errors; stops
/// trying after the first network failure (offline) rather than failing once per hour. The
/// demo's quick fetch; `ingest gharchive --from --to` streams with retries instead.
pub fn fetch_hours(
    stems: &[String],
    dir: &Path,
    starting: &mut dyn FnMut(&str),
) -> (Vec<PathBuf>, Vec<DownloadError>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    if let Err(e) = std::fs::create_dir_all(dir) {
        let e = DownloadError::Folder {
            dir: dir.to_path_buf(),
            message: e.to_string(),
        };
        return (files, vec![e]);
    }
    let retry = Retry {
        attempts: 1,
        read_timeout: std::time::Duration::from_secs(600),
        ..Retry::default()
    };
    let fetcher = match Fetcher::new(&base_url(), retry) {
        Ok(f) => f,
        Err(e) => return (files, vec![e]),
    };
    for stem in stems {
        let path = dir.join(file_name(stem));
        if path.is_file() {
            files.push(path);
            continue;
        }
        starting(&fetcher.url(stem));
        match fetcher.fetch(stem, dir, &mut |_, _, _| {}) {
            Ok(p) => files.push(p),
            Err(f) if f.unreachable || f.message.starts_with("network:") => {
                errors.push(DownloadError::Offline {
                    url: f.url,
                    message: f.message.trim_start_matches("network: ").to_string(),
                });
                break;
            }
            Err(f) => errors.push(DownloadError::Hour {
                url: f.url,
                message: f.message,
            }),
        }
    }
    (files, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S").unwrap()
    }

    #[test]
    fn hour_ranges() {
        let now = at("2026-12-02T07:04:00");
        assert_eq!(
            hours_until("2024-05-21T22", "2024-05-22T01", now).unwrap(),
            vec![
                "2024-05-21-22",
                "2024-05-21-23",
                "2024-05-22-0",
                "2024-05-22-1"
            ]
        );
        assert!(hours_until("2024-05-22T00", "2024-05-21T00", now)
            .unwrap_err()
            .contains("after"));
        assert!(hours_until("yesterday", "2024-05-21T00", now)
            .unwrap_err()
            .contains("yesterday"));
        // dates: from hour 0 of the first through hour 23 of the last; a leap year
        let year = hours_until("2024-01-01", "2024-12-31", now).unwrap();
        assert_eq!(year.len(), 8784);
        assert_eq!(year[0], "2024-01-01-0");
        assert_eq!(year[8783], "2024-12-31-23");
        assert_eq!(
            hours_until("2024-05-21", "2024-05-21T01", now).unwrap(),
            vec!["2024-05-21-0", "2024-05-21-1"]
        );
        assert_eq!(
            hours_until("2026-12-02T07", "2026-12-02T07", now).unwrap(),
            vec!["2026-12-02-7"]
        );
        let e = hours_until("2026-12-01", "2026-12-02", now).unwrap_err();
        assert!(e.contains("after the current hour (2026-12-02T07)"), "{e}");
    }

    #[test]
    fn content_ranges() {
        assert_eq!(content_range("bytes 100-199/1000"), Some((100, Some(1000))));
        assert_eq!(content_range("bytes 5-9/*"), Some((5, None)));
        assert_eq!(content_range("bytes */1000"), None);
        assert_eq!(content_range("items 1-2/3"), None);
    }
}
