//! API crawl state: per-repository cursors, written with each batch of PRs.

use crate::{Batch, Result, Store};
use builtby_model::{work_key, Kind, WorkId};
use rusqlite::{params, OptionalExtension};

impl Store {
    pub fn crawl_cursor(&self, repo: &str) -> Result<Option<i64>> {
        self.conn
            .query_row(
                "SELECT updated_at FROM crawl_cursors WHERE repo = ?1",
                [repo],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    /// The key of the stored contribution of this kind on PR or issue `number`, from any
    /// source: it is the work's natural key, so at most one.
    pub fn find_contribution(&self, repo: &str, kind: Kind, number: i64) -> Result<Option<String>> {
        let key = work_key(kind, repo, WorkId::Number(number));
        self.conn
            .query_row(
                "SELECT key FROM contributions WHERE key = ?1",
                [&key],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    /// How many contributions of a kind are stored, for tests and reports.
    pub fn count_kind(&self, kind: Kind) -> Result<i64> {
        self.conn
            .query_row(
                "SELECT count(*) FROM contributions WHERE kind = ?1",
                [kind.code()],
                |r| r.get(0),
            )
            .map_err(|e| self.err(e))
    }
}

impl Batch<'_> {
    /// Writes `repo`'s crawl cursor with this load's records.
    pub fn set_crawl_cursor(&mut self, repo: &str, updated_at: i64, now: i64) -> Result<()> {
        self.tx()
            .prepare_cached(
                "INSERT INTO crawl_cursors(repo, updated_at, crawled_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT DO UPDATE SET updated_at = max(updated_at, ?2), crawled_at = ?3",
            )
            .and_then(|mut s| s.execute(params![repo, updated_at, now]))
            .map(|_| ())
            .map_err(|e| self.err(e))
    }
}
