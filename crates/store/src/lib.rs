//! The one place that persists.
//!
//! builtby's store does four things, and its interface is only these:
//! 1. **load one input atomically, whatever its source** ([`Store::begin`] → [`Batch::add`] →
//!    [`Batch::commit`]): every record of the input and the ingest-log row land in one
//!    transaction, so a process killed at any point leaves the store as it was before the
//!    input, and the next run loads it again. Re-loading a loaded input (same key) is a
//!    no-op, and every contribution is keyed by what the work is, so overlapping inputs and
//!    the same work from two sources never count twice;
//! 2. **aggregate rollups** ([`Store::cells`]): person × repository × kind × day counts,
//!    maintained at load time, so a search aggregates a small table instead of every event;
//! 3. **fetch evidence** ([`Store::evidence`]) for the few people a search shows;
//! 4. **describe** what is loaded ([`Store::stats`], [`Store::files`]).
//!
//! The embedded backend is SQLite in WAL mode: zero set-up, one writer and many readers
//! across processes (a `serve` keeps answering while an `ingest` writes), FTS5 for words in
//! titles and bodies. A distributed backend (ClickHouse) implements the same methods.
//!
//! E-mail addresses have no column here; the model has no field for one.

mod batch;
mod crawl;
mod git;
mod http_cache;
mod pointers;
mod profiles;
mod query;
mod schema;

pub use batch::{Batch, InputFile, LoadSummary};
pub use git::{GitRepoSummary, MergedPr, PersonPath, Proof};
pub use http_cache::CachedResponse;
pub use profiles::{Place, ProfileTarget};
pub use query::{
    fts_terms, text_words, Cell, CellQuery, EvidenceQuery, EvidenceRow, FileRow, PathScope,
    PersonRow, StoreStats,
};

use builtby_model::{BadCode, Kind};
/// Stops the statement running on a store's connection from another thread
/// ([`Store::interrupt_handle`]).
pub use rusqlite::InterruptHandle;
use rusqlite::{types::Type, Connection, Row};
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("store {path}: {source}")]
    Sqlite {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error("store {path}: cannot create its folder: {source}")]
    Create {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("store {path}: {source}")]
    Corrupt { path: PathBuf, source: BadCode },
    #[error("store {path} was written by a newer builtby (it has schema changes {unknown:?}); upgrade builtby")]
    TooNew { path: PathBuf, unknown: Vec<String> },
}

impl StoreError {
    /// True when the statement was stopped through an [`InterruptHandle`].
    pub fn is_interrupted(&self) -> bool {
        matches!(self, StoreError::Sqlite { source: rusqlite::Error::SqliteFailure(e, _), .. }
            if e.code == rusqlite::ErrorCode::OperationInterrupted)
    }
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// The embedded store: one SQLite file in the data directory.
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

/// The database file name inside the data directory.
pub const DB_FILE: &str = "builtby.sqlite";

impl Store {
    /// Opens (creating if needed) the store in `data_dir`.
    pub fn open(data_dir: &Path) -> Result<Store> {
        std::fs::create_dir_all(data_dir).map_err(|source| StoreError::Create {
            path: data_dir.to_path_buf(),
            source,
        })?;
        Self::open_file(&data_dir.join(DB_FILE))
    }

    pub fn open_file(path: &Path) -> Result<Store> {
        let conn = Connection::open(path).map_err(|source| StoreError::Sqlite {
            path: path.to_path_buf(),
            source,
        })?;
        conn.set_prepared_statement_cache_capacity(64);
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
        };
        schema::prepare(&mut store.conn).map_err(|e| store.err(e))?;
        let unknown = schema::unknown_migrations(&store.conn).map_err(|e| store.err(e))?;
        if !unknown.is_empty() {
            return Err(StoreError::TooNew {
                path: path.to_path_buf(),
                unknown,
            });
        }
        Ok(store)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A handle that, from any thread, makes the statement running on this store's connection
    /// fail with "interrupted" (a server cancels the query of a request that timed out).
    pub fn interrupt_handle(&self) -> InterruptHandle {
        self.conn.get_interrupt_handle()
    }

    fn err(&self, source: rusqlite::Error) -> StoreError {
        StoreError::Sqlite {
            path: self.path.clone(),
            source,
        }
    }
}

/// The kind in column `i`; a code no kind has is an error (corrupt data), never a guess.
pub(crate) fn kind_at(r: &Row, i: usize) -> rusqlite::Result<Kind> {
    let code: i64 = r.get(i)?;
    kind_of(code)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(i, Type::Integer, Box::new(e)))
}

pub(crate) fn kind_of(code: i64) -> std::result::Result<Kind, BadCode> {
    Kind::from_code(code).ok_or(BadCode { what: "kind", code })
}

#[cfg(test)]
mod tests;
