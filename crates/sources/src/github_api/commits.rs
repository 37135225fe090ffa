//! The commits API, store-agnostic: `GET /repos/{o}/{r}/commits?per_page=100[&since=T]` lists
//! the default branch's commits newest first, 100 a request, each with the GitHub account
//! GitHub matched to the commit's author e-mail (`author`, `null` when it matched none). That
//! match is GitHub's own, from verified addresses, so it proves whose a git identity is.
//!
//! The listing is handed to the caller a page at a time ([`list_commits`]), so that each page
//! is stored before the next is fetched. Conditional requests, rate limits and retries are the
//! [`Client`]'s: an unchanged page costs a 304.
//!
//! `since` is compared by GitHub with the commit's *committer* date, so that is the date a
//! caller's cursor should keep ([`ListedCommit::committed_at`]).

use super::{convert, ApiError, Cache, Client, Fetched};
use builtby_model::{time, Actor};
use serde_json::Value;

/// One commit of a list page: what identity resolution needs from it.
#[derive(Debug, Clone, PartialEq)]
pub struct ListedCommit {
    pub sha: String,
    /// `https://github.com/{o}/{r}/commit/{sha}`
    pub url: String,
    /// The account GitHub matched to the author e-mail; `None` when it matched none.
    pub author: Option<Actor>,
    /// The author date (when the work was done).
    pub authored_at: Option<i64>,
    /// The committer date: what `since=` filters on.
    pub committed_at: Option<i64>,
    /// A merge (two or more parents) carries no authorship of its own.
    pub merge: bool,
}

/// A list item (`/repos/{o}/{r}/commits`), `None` when it has no sha.
pub fn listed_commit(repo: &str, v: &Value) -> Option<ListedCommit> {
    let sha = v.get("sha")?.as_str()?.trim().to_string();
    if sha.is_empty() {
        return None;
    }
    let date = |who: &str| {
        v.pointer(&format!("/commit/{who}/date"))
            .and_then(Value::as_str)
            .and_then(super::parse_time)
    };
    let authored_at = date("author");
    Some(ListedCommit {
        url: v
            .get("html_url")
            .and_then(Value::as_str)
            .map(str::to_string)
            .unwrap_or_else(|| format!("https://github.com/{repo}/commit/{sha}")),
        author: v
            .get("author")
            .filter(|a| a.is_object())
            .and_then(convert::actor),
        authored_at,
        committed_at: date("committer").or(authored_at),
        merge: v
            .get("parents")
            .and_then(Value::as_array)
            .is_some_and(|p| p.len() > 1),
        sha,
    })
}

/// The first page's path: the listing of `repo` since `since` (inclusive), or all of it.
pub fn first_page(repo: &str, since: Option<i64>) -> String {
    let since = since
        .map(|t| format!("&since={}", time::iso_string(t)))
        .unwrap_or_default();
    format!("/repos/{repo}/commits?per_page=100{since}")
}

/// What one listing fetched.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ListStats {
    pub pages: u64,
    /// Pages answered 304 from the cache.
    pub cached_pages: u64,
    pub commits: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum ListError {
    #[error(transparent)]
    Api(#[from] ApiError),
    #[error("{0}: repository not found (deleted, renamed or private)")]
    NotFound(String),
    #[error("{repo}: a commits page is not a list: {message}")]
    NotAList { repo: String, message: String },
    #[error("storing {repo}: {message}")]
    Sink { repo: String, message: String },
}

/// Lists `repo`'s commits since `since` (all when `None`), newest first, following
/// `Link: rel="next"`, handing each page to `sink(page, is_last)` before fetching the next.
pub fn list_commits(
    client: &Client,
    cache: &dyn Cache,
    repo: &str,
    since: Option<i64>,
    sink: &mut dyn FnMut(Vec<ListedCommit>, bool) -> Result<(), String>,
) -> Result<ListStats, ListError> {
    let mut stats = ListStats::default();
    let mut next = Some(first_page(repo, since));
    while let Some(path) = next.take() {
        let (json, n, cached) = match client.get(&path, cache)? {
            Fetched::NotFound if stats.pages == 0 => {
                return Err(ListError::NotFound(repo.to_string()))
            }
            // a later page gone (the history was rewritten meanwhile): the listing ends here
            Fetched::NotFound => break,
            Fetched::Found { json, next, cached } => (json, next, cached),
        };
        stats.pages += 1;
        stats.cached_pages += u64::from(cached);
        let Value::Array(items) = json else {
            return Err(ListError::NotAList {
                repo: repo.to_string(),
                message: crate::github_api::short(&json.to_string()),
            });
        };
        let page: Vec<ListedCommit> = items
            .iter()
            .filter_map(|v| listed_commit(repo, v))
            .collect();
        stats.commits += page.len() as u64;
        next = n;
        sink(page, next.is_none()).map_err(|message| ListError::Sink {
            repo: repo.to_string(),
            message,
        })?;
    }
    Ok(stats)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_items_as_the_api_gives_them() {
        let v = serde_json::json!([
            {"sha": "a1", "html_url": "https://github.com/o/r/commit/a1",
             "commit": {"author": {"name": "Ana", "email": "ana@example.com", "date": "2024-05-01T10:00:00Z"},
                        "committer": {"name": "GitHub", "email": "noreply@github.com", "date": "2024-05-02T10:00:00Z"},
                        "message": "Fix"},
             "author": {"login": "ana-gh", "id": 101, "type": "User"},
             "committer": {"login": "web-flow", "id": 19864447, "type": "User"},
             "parents": [{"sha": "p0"}]},
            {"sha": "b2", "commit": {"author": {"name": "X", "date": "2024-05-01T10:00:00Z"}},
             "author": null, "parents": [{"sha": "p0"}, {"sha": "p1"}]},
            {"sha": "c3", "commit": {}, "author": {"login": "app[bot]", "id": 5, "type": "Bot"}},
            {"node_id": "no sha"}
        ]);
        let got: Vec<ListedCommit> = v
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|x| listed_commit("o/r", x))
            .collect();
        assert_eq!(got.len(), 3);
        let a = &got[0];
        assert_eq!(a.author.as_ref().unwrap().login, "ana-gh");
        assert_eq!(a.author.as_ref().unwrap().github_id, Some(101));
        assert_eq!(a.committed_at, time::parse_rfc3339("2024-05-02T10:00:00Z"));
        assert_eq!(a.authored_at, time::parse_rfc3339("2024-05-01T10:00:00Z"));
        assert!(!a.merge);
        assert!(got[1].author.is_none() && got[1].merge);
        assert_eq!(got[1].url, "https://github.com/o/r/commit/b2");
        assert_eq!(got[1].committed_at, got[1].authored_at, "no committer date");
        assert!(got[2].author.as_ref().unwrap().is_bot_type);
    }

    #[test]
    fn first_page_with_and_without_a_cursor() {
        assert_eq!(first_page("o/r", None), "/repos/o/r/commits?per_page=100");
        assert_eq!(
            first_page("o/r", time::parse_rfc3339("2024-05-02T10:00:00Z")),
            "/repos/o/r/commits?per_page=100&since=2024-05-02T10:00:00Z"
        );
    }
}
