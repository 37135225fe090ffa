//! Search filters, parsed from strings the way a user types them (CLI flags and HTTP query
//! parameters share this code), with errors that name the parameter at fault.

use crate::catalog::valid_repo_name;
use builtby_model::{time, Kind};
use serde::Serialize;

/// Largest page of results a search returns.
pub const MAX_LIMIT: u32 = 500;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Query {
    /// `owner/name` or `owner/*`.
    pub repos: Vec<String>,
    pub ecosystems: Vec<String>,
    pub kinds: Vec<Kind>,
    /// Inclusive bounds, Unix seconds.
    pub since: Option<i64>,
    pub until: Option<i64>,
    pub text: Option<String>,
    pub location: Option<String>,
    pub limit: u32,
    pub offset: u32,
    pub include_bots: bool,
    /// "Now" for recency: contributions lose half their weight every `half_life_months`.
    pub as_of: i64,
    pub half_life_months: f64,
    /// Evidence lines per result.
    pub evidence: u32,
}

impl Default for Query {
    fn default() -> Self {
        Query {
            repos: Vec::new(),
            ecosystems: Vec::new(),
            kinds: Vec::new(),
            since: None,
            until: None,
            text: None,
            location: None,
            limit: 20,
            offset: 0,
            include_bots: false,
            as_of: time::now(),
            half_life_months: 12.0,
            evidence: 5,
        }
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{param}: {message}")]
pub struct QueryError {
    /// The parameter at fault, as named on the command line and in the API (`since`, `repo`…).
    pub param: &'static str,
    pub message: String,
}

fn bad(param: &'static str, message: impl Into<String>) -> QueryError {
    QueryError { param, message: message.into() }
}

/// `owner/name` or `owner/*`.
pub fn parse_repo_pattern(s: &str) -> Result<String, QueryError> {
    let s = s.trim().trim_start_matches("https://github.com/").trim_end_matches('/');
    let ok = match s.strip_suffix("/*") {
        Some(owner) => valid_repo_name(&format!("{owner}/x")),
        None => valid_repo_name(s),
    };
    if ok {
        Ok(s.to_string())
    } else {
        Err(bad("repo", format!("`{s}` is not a repository pattern; use owner/name (pytorch/pytorch) or owner/* (huggingface/*)")))
    }
}

pub fn parse_kind(s: &str) -> Result<Kind, QueryError> {
    s.parse::<Kind>().map_err(|e| bad("kind", e.to_string()))
}

/// A date (`2024-01-31`), a timestamp (RFC 3339) or a duration back from `now`: `30d`, `8w`,
/// `12m`, `2y`.
pub fn parse_time(param: &'static str, s: &str, now: i64) -> Result<i64, QueryError> {
    let s = s.trim();
    if let Some(t) = time::parse_date_or_time(s) {
        return Ok(t);
    }
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let days = match (num.parse::<i64>(), unit) {
        (Ok(n), "d") => Some(n),
        (Ok(n), "w") => Some(n * 7),
        (Ok(n), "m") => Some((n as f64 * 30.44).round() as i64),
        (Ok(n), "y") => Some((n as f64 * 365.25).round() as i64),
        _ => None,
    };
    match days {
        Some(d) if d <= 365 * 100 => Ok(now - d * time::DAY),
        _ => Err(bad(param, format!("`{s}` is not a date (2024-01-31) or a duration back from today (30d, 8w, 12m, 2y)"))),
    }
}

pub fn parse_limit(s: &str) -> Result<u32, QueryError> {
    match s.trim().parse::<u32>() {
        Ok(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
        _ => Err(bad("limit", format!("`{s}` is out of range; use a whole number from 1 to {MAX_LIMIT}"))),
    }
}

pub fn parse_offset(s: &str) -> Result<u32, QueryError> {
    s.trim().parse::<u32>().map_err(|_| bad("offset", format!("`{s}` is not a whole number ≥ 0")))
}

impl Query {
    /// Checks combinations no single parser can see.
    pub fn validate(&self, catalog: &crate::Catalog) -> Result<(), QueryError> {
        if let (Some(s), Some(u)) = (self.since, self.until) {
            if s > u {
                return Err(bad("since", format!("{} is after until ({})", time::date_string(s), time::date_string(u))));
            }
        }
        for e in &self.ecosystems {
            if catalog.ecosystem(e).is_none() {
                let known: Vec<&str> = catalog.ecosystems.iter().map(|e| e.id.as_str()).collect();
                return Err(bad("ecosystem", format!("unknown ecosystem `{e}`; known: {}", known.join(", "))));
            }
        }
        if !(self.half_life_months > 0.0 && self.half_life_months.is_finite()) {
            return Err(bad("half-life", "must be a positive number of months"));
        }
        if self.limit == 0 || self.limit > MAX_LIMIT {
            return Err(bad("limit", format!("{} is out of range; use 1 to {MAX_LIMIT}", self.limit)));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_accept_dates_and_durations() {
        let now = 1_000 * time::DAY;
        assert_eq!(parse_time("since", "1970-01-11", now), Ok(10 * time::DAY));
        assert_eq!(parse_time("since", "30d", now), Ok(970 * time::DAY));
        assert_eq!(parse_time("since", "2w", now), Ok(986 * time::DAY));
        assert_eq!(parse_time("since", "12m", now), Ok(now - 365 * time::DAY));
        let e = parse_time("until", "last tuesday", now).unwrap_err();
        assert_eq!(e.param, "until");
        assert!(e.to_string().contains("last tuesday"));
    }

    #[test]
    fn repo_patterns_and_limits() {
        assert_eq!(parse_repo_pattern("pytorch/pytorch").unwrap(), "pytorch/pytorch");
        assert_eq!(parse_repo_pattern("https://github.com/huggingface/*").unwrap(), "huggingface/*");
        for bad in ["pytorch", "*/x", "a/b/c", "a b/c", "/x"] {
            assert_eq!(parse_repo_pattern(bad).unwrap_err().param, "repo", "{bad}");
        }
        assert_eq!(parse_limit("20"), Ok(20));
        assert_eq!(parse_limit("0").unwrap_err().param, "limit");
        assert_eq!(parse_limit("100000").unwrap_err().param, "limit");
        assert_eq!(parse_kind("stars").unwrap_err().param, "kind");
    }

    #[test]
    fn validation_names_the_parameter() {
        let c = crate::Catalog::shipped();
        let q = Query { since: Some(10), until: Some(5), ..Default::default() };
        assert_eq!(q.validate(&c).unwrap_err().param, "since");
        let q = Query { ecosystems: vec!["cobol".into()], ..Default::default() };
        assert_eq!(q.validate(&c).unwrap_err().param, "ecosystem");
        assert!(Query::default().validate(&c).is_ok());
    }
}
