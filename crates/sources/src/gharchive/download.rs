//! Downloading GH Archive hours: `https://data.gharchive.org/YYYY-MM-DD-H.json.gz` (hour not
//! zero-padded), streamed to a `.part` file and renamed when complete, so an interrupted
//! download is never mistaken for a whole hour.

use chrono::{Duration, NaiveDateTime, Timelike};
use std::io::Write;
use std::path::{Path, PathBuf};

/// At most this many hours in one request (a month).
pub const MAX_HOURS: usize = 24 * 31;

/// A range of hours that cannot be downloaded as asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct HoursError(pub String);

/// One hour that could not be had, and why.
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

/// Parses `2024-05-21T00` (or `2024-05-21T00:00`, `2024-05-21 00`) → file stems, inclusive.
pub fn hours(from: &str, to: &str) -> Result<Vec<String>, HoursError> {
    hours_inner(from, to).map_err(HoursError)
}

fn hours_inner(from: &str, to: &str) -> Result<Vec<String>, String> {
    let parse = |s: &str| {
        let s = s.trim().replace(' ', "T");
        let full = match s.len() {
            13 => format!("{s}:00:00"),
            16 => format!("{s}:00"),
            _ => s.clone(),
        };
        NaiveDateTime::parse_from_str(full.trim_end_matches('Z'), "%Y-%m-%dT%H:%M:%S")
            .map_err(|_| format!("`{s}` is not an hour like 2024-05-21T00 (UTC)"))
    };
    let (a, b) = (parse(from)?, parse(to)?);
    if a > b {
        return Err(format!("--from {from} is after --to {to}"));
    }
    let mut out = Vec::new();
    let mut t = a.with_minute(0).unwrap().with_second(0).unwrap();
    while t <= b {
        out.push(format!("{}-{}", t.format("%Y-%m-%d"), t.hour()));
        if out.len() > MAX_HOURS {
            return Err(format!(
                "more than {MAX_HOURS} hours asked for; download in smaller ranges"
            ));
        }
        t += Duration::hours(1);
    }
    Ok(out)
}

/// Downloads the hours not already in `dir`, calling `starting(url)` before each download.
/// Returns the files present and the errors; stops trying after the first network failure
/// (offline) rather than failing once per hour.
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
    let client = match reqwest::blocking::Client::builder()
        .connect_timeout(std::time::Duration::from_secs(10))
        .timeout(std::time::Duration::from_secs(600))
        .user_agent(concat!("builtby/", env!("CARGO_PKG_VERSION")))
        .build()
    {
        Ok(c) => c,
        Err(e) => return (files, vec![DownloadError::Client(e.to_string())]),
    };
    for stem in stems {
        let path = dir.join(format!("{stem}.json.gz"));
        if path.exists() {
            files.push(path);
            continue;
        }
        let url = format!("https://data.gharchive.org/{stem}.json.gz");
        starting(&url);
        match download(&client, &url, &path) {
            Ok(()) => files.push(path),
            Err(Failure::Network(message)) => {
                errors.push(DownloadError::Offline { url, message });
                break;
            }
            Err(Failure::Other(message)) => errors.push(DownloadError::Hour { url, message }),
        }
    }
    (files, errors)
}

enum Failure {
    Network(String),
    Other(String),
}

fn download(client: &reqwest::blocking::Client, url: &str, path: &Path) -> Result<(), Failure> {
    let mut resp = client
        .get(url)
        .send()
        .map_err(|e| Failure::Network(e.to_string()))?;
    if !resp.status().is_success() {
        return Err(Failure::Other(format!(
            "HTTP {} (GH Archive may not have this hour yet)",
            resp.status()
        )));
    }
    let part = path.with_extension("gz.part");
    let other = |m: String| Failure::Other(m);
    let mut f =
        std::fs::File::create(&part).map_err(|e| other(format!("{}: {e}", part.display())))?;
    resp.copy_to(&mut f)
        .map_err(|e| other(format!("download cut short: {e}")))?;
    f.flush().map_err(|e| other(e.to_string()))?;
    std::fs::rename(&part, path).map_err(|e| other(format!("{}: {e}", path.display())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hour_ranges() {
        assert_eq!(
            hours("2024-05-21T22", "2024-05-22T01").unwrap(),
            vec![
                "2024-05-21-22",
                "2024-05-21-23",
                "2024-05-22-0",
                "2024-05-22-1"
            ]
        );
        assert!(hours("2024-05-22T00", "2024-05-21T00")
            .unwrap_err()
            .0
            .contains("after"));
        assert!(hours("yesterday", "2024-05-21T00")
            .unwrap_err()
            .0
            .contains("yesterday"));
        assert!(hours("2024-01-01T00", "2024-12-31T00")
            .unwrap_err()
            .0
            .contains("smaller"));
    }
}
