//! Crawling an author's models, store-agnostic: [`overview`] says who the author is, and
//! [`crawl_models`] yields one [`Page`] per page of the model list (with the page's cards),
//! which the caller stores before the next page is fetched.
//!
//! ## Request plan
//!
//! 1. `GET /api/users/{name}/overview`: the full name and the organisations of a user; a 404
//!    means no such user, and `GET /api/organizations/{name}/overview` then says whether it
//!    is an organisation (whose models credit no person).
//! 2. `GET /api/models?author={name}&expand[]=downloads&expand[]=downloadsAllTime&expand[]=likes
//!    &expand[]=createdAt&expand[]=lastModified&expand[]=library_name&expand[]=pipeline_tag
//!    &expand[]=tags&expand[]=cardData`, following `Link: rel="next"`: one request per page.
//! 3. Per model: `GET /{id}/resolve/main/README.md` (the resolvers bucket, whose limits are the
//!    highest), at most `concurrency` at once.
//!
//! Every request is conditional once cached, so a second crawl of an unchanged author is all
//! 304s. A crawl cut at any point (a kill, a failure after the retries) keeps the pages stored
//! before it; the next crawl reads them again from 304s, finds them already in the ingest log
//! (same content, same input key) and goes on. Keys make a re-load idempotent anyway.

use super::accounts::AccountKind;
use super::api::{ApiError, Body, Client, Fetched, Want};
use super::record::{self, Model};
use crate::github_api::Cache;
use builtby_model::{ReadReport, Source};
use serde_json::Value;

/// What `expand[]` asks the list for.
pub const EXPAND: [&str; 9] = [
    "downloads",
    "downloadsAllTime",
    "likes",
    "createdAt",
    "lastModified",
    "library_name",
    "pipeline_tag",
    "tags",
    "cardData",
];

/// `/api/models?author=NAME&expand[]=…` (the first page).
pub fn models_path(author: &str) -> String {
    let mut p = format!("/api/models?author={}", encode(author));
    for e in EXPAND {
        p.push_str("&expand[]=");
        p.push_str(e);
    }
    p
}

/// `/{id}/resolve/main/README.md`: a model's card.
pub fn card_path(id: &str) -> String {
    format!("/{id}/resolve/main/README.md")
}

/// Query-safe: Hub names are letters, digits, `-`, `_` and `.`; anything else is escaped.
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.') {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Who an author is, as the Hub says.
#[derive(Debug, Clone, PartialEq)]
pub struct Overview {
    pub kind: AccountKind,
    pub fullname: Option<String>,
    /// The organisations a user belongs to (their names).
    pub orgs: Vec<String>,
}

/// The author's overview; `None` when the Hub knows no user or organisation by that name.
pub fn overview(
    client: &Client,
    cache: &dyn Cache,
    author: &str,
) -> Result<Option<Overview>, ApiError> {
    let name = encode(author);
    let str_of = |v: &Value, k: &str| {
        v.get(k)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    match client.get(&format!("/api/users/{name}/overview"), Want::Json, cache)? {
        Fetched::Found {
            body: Body::Json(v),
            ..
        } => {
            let kind = match str_of(&v, "type").as_deref() {
                Some("org") | Some("organization") => AccountKind::Organisation,
                _ => AccountKind::Person,
            };
            let orgs = v
                .get("orgs")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|o| {
                            str_of(o, "name").or_else(|| o.as_str().map(str::to_string))
                        })
                        .collect()
                })
                .unwrap_or_default();
            Ok(Some(Overview {
                kind,
                fullname: str_of(&v, "fullname"),
                orgs,
            }))
        }
        Fetched::Found { .. } => Ok(None),
        Fetched::NotFound => {
            match client.get(
                &format!("/api/organizations/{name}/overview"),
                Want::Json,
                cache,
            )? {
                Fetched::Found {
                    body: Body::Json(v),
                    ..
                } => Ok(Some(Overview {
                    kind: AccountKind::Organisation,
                    fullname: str_of(&v, "fullname"),
                    orgs: Vec::new(),
                })),
                _ => Ok(None),
            }
        }
    }
}

/// One page of an author's models, with their cards.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    pub author: String,
    /// 1, 2, …
    pub number: usize,
    pub url: String,
    /// Good records with their cards (`None`: the model has no readable card).
    pub models: Vec<(Model, Option<String>)>,
    /// What the page held: models read, cards, records skipped and why.
    pub report: ReadReport,
    /// Nothing of the page was fetched anew: every answer was a 304 (or a 404 for a model
    /// without a card).
    pub cached: bool,
}

/// What an author's crawl saw.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct CrawlStats {
    pub pages: u64,
    pub models: u64,
    pub cards: u64,
    pub skipped: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum CrawlError {
    #[error(transparent)]
    Api(#[from] ApiError),
    #[error("{0}: no such user or organisation on the Hub")]
    NotFound(String),
    #[error("{url}: not a list of models")]
    NotAList { url: String },
    #[error("storing {author}'s models: {message}")]
    Sink { author: String, message: String },
}

/// Lists `author`'s models page by page, fetching each page's cards, and hands each page to
/// `sink` before fetching the next.
pub fn crawl_models(
    client: &Client,
    cache: &dyn Cache,
    author: &str,
    sink: &mut dyn FnMut(Page) -> Result<(), String>,
) -> Result<CrawlStats, CrawlError> {
    let mut stats = CrawlStats::default();
    let mut next = Some(models_path(author));
    let mut number = 0;
    while let Some(path) = next.take() {
        number += 1;
        let url = client.url(&path);
        let (items, page_next, list_cached) = match client.get(&path, Want::Json, cache)? {
            Fetched::Found {
                body: Body::Json(Value::Array(a)),
                next,
                cached,
            } => (a, next, cached),
            Fetched::Found { .. } => return Err(CrawlError::NotAList { url }),
            Fetched::NotFound if number == 1 => return Err(CrawlError::NotFound(author.into())),
            Fetched::NotFound => break,
        };
        let mut report = ReadReport::new(Source::Huggingface);
        let mut models = Vec::new();
        for (i, v) in items.iter().enumerate() {
            report.read += 1;
            *report.by_type.entry("model".into()).or_default() += 1;
            let place = format!("{url} item {}", i + 1);
            match record::parse(v) {
                Ok(m) if m.private => report.skip("private", format!("{place}: {}: private", m.id)),
                Ok(m) => models.push(m),
                Err(e) => report.skip(e.reason(), format!("{place}: {e}")),
            }
        }
        let cards = client.map(&models, |m| {
            client.get(&card_path(&m.id), Want::Text, cache)
        });
        let mut all_cached = list_cached;
        let mut with_cards = Vec::with_capacity(models.len());
        for (m, r) in models.into_iter().zip(cards) {
            let card = match r? {
                Fetched::Found {
                    body: Body::Text(t),
                    cached,
                    ..
                } => {
                    all_cached &= cached;
                    *report.by_type.entry("model card".into()).or_default() += 1;
                    Some(t)
                }
                Fetched::Found { .. } => {
                    all_cached = false;
                    None
                }
                // nothing new either: a model without a card
                Fetched::NotFound => None,
            };
            with_cards.push((m, card));
        }
        stats.pages += 1;
        stats.models += with_cards.len() as u64;
        stats.cards += with_cards.iter().filter(|(_, c)| c.is_some()).count() as u64;
        stats.skipped += report.skipped_total();
        sink(Page {
            author: author.to_string(),
            number,
            url,
            models: with_cards,
            report,
            cached: all_cached,
        })
        .map_err(|message| CrawlError::Sink {
            author: author.to_string(),
            message,
        })?;
        next = page_next;
    }
    Ok(stats)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_asks_for_every_field_it_reads() {
        assert_eq!(
            models_path("julien-c"),
            "/api/models?author=julien-c&expand[]=downloads&expand[]=downloadsAllTime&expand[]=likes&expand[]=createdAt&expand[]=lastModified&expand[]=library_name&expand[]=pipeline_tag&expand[]=tags&expand[]=cardData"
        );
        assert_eq!(card_path("a/b"), "/a/b/resolve/main/README.md");
        assert_eq!(encode("a b&c"), "a%20b%26c");
    }
}
