//! The HTTP cache behind conditional requests: the last 200 answer of each GET, replayed on
//! 304 (e-mail fields are stripped by the client before anything is cached).

use crate::{Result, Store};
use rusqlite::{params, OptionalExtension};

/// A cached HTTP answer.
#[derive(Debug, Clone, PartialEq)]
pub struct CachedResponse {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub body: Vec<u8>,
    pub link: Option<String>,
}

impl Store {
    pub fn cache_get(&self, url: &str) -> Result<Option<CachedResponse>> {
        self.conn
            .query_row(
                "SELECT etag, last_modified, body, link FROM http_cache WHERE url = ?1",
                [url],
                |r| {
                    Ok(CachedResponse {
                        etag: r.get(0)?,
                        last_modified: r.get(1)?,
                        body: r.get(2)?,
                        link: r.get(3)?,
                    })
                },
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    pub fn cache_put(&self, url: &str, r: &CachedResponse, now: i64) -> Result<()> {
        self.conn
            .execute(
                "INSERT OR REPLACE INTO http_cache(url, etag, last_modified, body, link, fetched_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![url, r.etag, r.last_modified, r.body, r.link, now],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }
}
