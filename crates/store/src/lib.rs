//! The one place that persists.
//!
//! builtby's store does four things, and its interface is only these:
//! 1. **load one input file atomically** ([`Store::begin_file`] → [`FileLoad::add`] →
//!    [`FileLoad::commit`]): every record of the file and the ingest-log row land in one
//!    transaction, so a process killed at any point leaves the store as it was before the
//!    file, and the next run loads it again. Re-loading a loaded file (same checksum) is a
//!    no-op, and every record is keyed by its natural key, so overlapping inputs never count
//!    twice;
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

mod git;
mod github;
mod load;
mod query;
mod schema;

pub use git::{GitLoad, GitLoadSummary, GitRepoSummary, MergedPr, PathRow, PersonPath};
pub use github::{CachedResponse, Place, ProfileTarget};
pub use load::{FileLoad, InputFile, LoadSummary};
pub use query::{
    Cell, CellQuery, EvidenceQuery, EvidenceRow, FileRow, PathScope, PersonRow, StoreStats,
};

use rusqlite::Connection;
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
    #[error("store {path} was written by a newer builtby (it has schema changes {unknown:?}); upgrade builtby")]
    TooNew { path: PathBuf, unknown: Vec<String> },
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

    fn err(&self, source: rusqlite::Error) -> StoreError {
        StoreError::Sqlite {
            path: self.path.clone(),
            source,
        }
    }
}

#[cfg(test)]
mod tests;
