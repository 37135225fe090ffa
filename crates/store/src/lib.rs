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
//!
//! People who opted out ([`optout`]) are not stored again and are never returned; an erasure
//! deletes what was stored about them. Every search, view, export and change of people's
//! data is appended to an append-only audit log ([`audit`]).

mod accounts;
mod arxiv;
pub mod audit;
mod batch;
mod commits_api;
mod crawl;
mod git;
mod http_cache;
pub mod identity;
pub mod mirror;
pub mod optout;
mod path_rollup;
mod pointers;
mod profiles;
mod query;
mod ranking;
mod read;
mod schema;
pub mod shortlists;
mod watches;

pub use accounts::GithubAccount;
pub use arxiv::{ArxivCursor, PaperWithCode, RepoPerson};
pub use audit::{AuditEntry, AuditQuery};
pub use batch::{Batch, InputFile, LoadSummary, Loaded};
pub use commits_api::{CommitAccount, ExistingLink};
pub use git::{GitRepoSummary, MergedPr, PersonPath};
pub use http_cache::CachedResponse;
pub use optout::erase::EraseSummary;
pub use optout::{canonical_account, OptOutRow, OptOutSummary};
pub use path_rollup::PathClassCount;
pub use profiles::{Place, ProfileTarget};
pub use query::{
    bucket_day, fts_terms, text_words, Cell, CellQuery, EvidenceQuery, EvidenceRow, FileRow,
    MeasuredRow, PathScope, PersonRow, StoreStats,
};
pub use ranking::{
    LocationWanted, RankEntry, RankFilter, RankPerson, RankRow, RankingBuild, TopicCount,
};
pub use read::Read;
pub use shortlists::{ShortlistError, Status};
pub use watches::{valid_watch_name, Watch, WatchedPerson, MAX_WATCH_NAME};

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
    /// The data folder named is a file.
    #[error("data folder {path} is a file, not a folder: give --data-dir a folder (the store is <folder>/builtby.sqlite)")]
    NotAFolder { path: PathBuf },
    /// A writer (ingest, crawl, …) on a store it may not write.
    #[error("store {path}: cannot write it ({why}): ingest and the other writers need write access to the file and its folder; stats, search, export, person and serve only read")]
    NotWritable { path: PathBuf, why: String },
    /// A reader on a store an older builtby wrote, whose upgrade needs write access.
    #[error("store {path} needs schema changes {missing:?} from this builtby, and cannot be written to make them: run one ingest with write access")]
    NeedsUpgrade { path: PathBuf, missing: Vec<String> },
    #[error("store {path}: cannot create it: {source}")]
    CreateFile {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The file exists but is not a builtby store (empty, another program's SQLite database,
    /// or not SQLite at all): never treated as an empty store, never written to.
    #[error("{path} is not a builtby store: {why}; move it away or use another --data-dir")]
    NotAStore { path: PathBuf, why: String },
    /// An identity verb named an account or person the store does not have.
    #[error("no account or person `{key}` in the store (give a GitHub login, or a git identity as `git:<key>` from `builtby identity show` or `suggest`)")]
    UnknownAccount { key: String },
    /// Not an account a person can be opted out or erased by (`why` says what to give).
    #[error("{why}")]
    BadAccount { why: String },
    /// An identity verb that would change nothing or contradict itself.
    #[error("{why}")]
    IdentityRefused { why: String },
    /// A backend other than SQLite failed (the ClickHouse mirror: unreachable, an HTTP error
    /// with the server's message, a version too old); the message says which and where.
    #[error("{message}")]
    Backend { message: String },
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
    /// Opened as an immutable snapshot (see [`Store::open_read_only`]).
    immutable: bool,
}

/// The database file name inside the data directory.
pub const DB_FILE: &str = "builtby.sqlite";

impl Store {
    /// Opens (creating if needed) the store in `data_dir`.
    pub fn open(data_dir: &Path) -> Result<Store> {
        not_a_file(data_dir)?;
        std::fs::create_dir_all(data_dir).map_err(|source| StoreError::Create {
            path: data_dir.to_path_buf(),
            source,
        })?;
        Self::open_file(&data_dir.join(DB_FILE))
    }

    /// Opens the store file `path`, creating it when it does not exist. An existing file must
    /// be a builtby store: an empty file, a foreign or corrupt database is
    /// [`StoreError::NotAStore`], and is left as it is.
    pub fn open_file(path: &Path) -> Result<Store> {
        match std::fs::metadata(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => create_file(path)?,
            _ => check_file(path)?,
        }
        let conn = Connection::open(path).map_err(|source| StoreError::Sqlite {
            path: path.to_path_buf(),
            source,
        })?;
        check_tables(&conn, path)?;
        conn.set_prepared_statement_cache_capacity(64);
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
            immutable: false,
        };
        let not_writable = |why: String| StoreError::NotWritable {
            path: path.to_path_buf(),
            why,
        };
        schema::prepare(&mut store.conn).map_err(|e| match e {
            rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::ReadOnly => {
                not_writable(e.to_string())
            }
            e => store.err(e),
        })?;
        // A second writer waits for the first's input to commit (then finds it loaded, and
        // skips it): one GH Archive hour's transaction can outlast the 30 s readers use.
        store
            .conn
            .busy_timeout(std::time::Duration::from_secs(600))
            .map_err(|e| store.err(e))?;
        // SQLite quietly opens a file it may not write read-only: a writer finds out here,
        // not at its first insert.
        if store
            .conn
            .is_readonly(rusqlite::MAIN_DB)
            .map_err(|e| store.err(e))?
        {
            return Err(not_writable("no write permission".into()));
        }
        let unknown = schema::unknown_migrations(&store.conn).map_err(|e| store.err(e))?;
        if !unknown.is_empty() {
            return Err(StoreError::TooNew {
                path: path.to_path_buf(),
                unknown,
            });
        }
        Ok(store)
    }

    /// Opens the store in `data_dir` for reading only: `stats`, `search`, `export`, `person` and
    /// `serve` work on a store they cannot write. Nothing is created or migrated, except that
    /// a missing store is created as by [`Store::open`] (there is nothing to read yet), and an
    /// older store is upgraded when it can be written.
    ///
    /// SQLite's WAL readers need the `-shm` file: when it is missing and the folder cannot be
    /// written, the store is read as an immutable snapshot of the database file
    /// ([`Store::is_immutable`]); a clean ingest leaves everything in that file.
    pub fn open_read_only(data_dir: &Path) -> Result<Store> {
        not_a_file(data_dir)?;
        Self::open_file_read_only(&data_dir.join(DB_FILE))
    }

    pub fn open_file_read_only(path: &Path) -> Result<Store> {
        match std::fs::metadata(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if let Some(dir) = path.parent() {
                    std::fs::create_dir_all(dir).map_err(|source| StoreError::Create {
                        path: dir.to_path_buf(),
                        source,
                    })?;
                }
                return Self::open_file(path);
            }
            _ => check_file(path)?,
        }
        let store = match Self::connect_read_only(path, false) {
            Ok(s) => s,
            Err(StoreError::Sqlite { .. }) => Self::connect_read_only(path, true)?,
            Err(e) => return Err(e),
        };
        let unknown = schema::unknown_migrations(&store.conn).map_err(|e| store.err(e))?;
        if !unknown.is_empty() {
            return Err(StoreError::TooNew {
                path: path.to_path_buf(),
                unknown,
            });
        }
        let missing = schema::missing_migrations(&store.conn).map_err(|e| store.err(e))?;
        if !missing.is_empty() {
            drop(store);
            return match Self::open_file(path) {
                Ok(s) => Ok(s),
                Err(StoreError::NotWritable { .. }) => Err(StoreError::NeedsUpgrade {
                    path: path.to_path_buf(),
                    missing,
                }),
                Err(e) => Err(e),
            };
        }
        Ok(store)
    }

    /// A read-only connection, checked by reading the schema (which is where a WAL reader
    /// without a `-shm` it can create fails).
    fn connect_read_only(path: &Path, immutable: bool) -> Result<Store> {
        use rusqlite::OpenFlags;
        let sqlite = |source| StoreError::Sqlite {
            path: path.to_path_buf(),
            source,
        };
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = if immutable {
            Connection::open_with_flags(format!("{}?immutable=1", file_uri(path)), flags)
        } else {
            Connection::open_with_flags(path, flags)
        }
        .map_err(sqlite)?;
        conn.busy_timeout(std::time::Duration::from_secs(30))
            .map_err(sqlite)?;
        check_tables(&conn, path)?;
        schema::prepare_reader(&conn).map_err(sqlite)?;
        conn.set_prepared_statement_cache_capacity(64);
        Ok(Store {
            conn,
            path: path.to_path_buf(),
            immutable,
        })
    }

    /// Runs `f` inside one read transaction: every query it makes sees the same state of the
    /// store (a write committed meanwhile by another process is seen by all of them or by
    /// none), and SQLite starts one read transaction for all of them instead of one per
    /// statement. Inside a transaction already, `f` just runs.
    pub fn snapshot<T>(&self, f: impl FnOnce() -> T) -> Result<T> {
        if !self.conn.is_autocommit() {
            return Ok(f());
        }
        self.conn.execute_batch("BEGIN").map_err(|e| self.err(e))?;
        let out = f();
        if let Err(e) = self.conn.execute_batch("COMMIT") {
            let _ = self.conn.execute_batch("ROLLBACK");
            return Err(self.err(e));
        }
        Ok(out)
    }

    /// Read as an immutable snapshot: the folder cannot be written, so SQLite cannot make the
    /// `-shm` file WAL readers share; what a concurrent ingest writes is not seen.
    pub fn is_immutable(&self) -> bool {
        self.immutable
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

/// `file:` URI of a path, with the characters URIs reserve escaped.
fn file_uri(path: &Path) -> String {
    let mut out = String::from("file:");
    for b in path.to_string_lossy().bytes() {
        match b {
            b'?' | b'#' | b'%' | 0x80.. => out.push_str(&format!("%{b:02X}")),
            _ => out.push(b as char),
        }
    }
    out
}

fn not_a_store(path: &Path, why: impl Into<String>) -> StoreError {
    StoreError::NotAStore {
        path: path.to_path_buf(),
        why: why.into(),
    }
}

/// An existing store file must at least be an SQLite database. A zero-byte file is not: SQLite
/// would take it for a new empty database (and `stats` would say "0 files"). Whether its bytes
/// are SQLite's is left to SQLite ([`check_tables`]).
///
/// Only `stat`, never `open`: closing any descriptor of a file drops every POSIX lock this
/// process holds on it, including those of SQLite connections already open on the store (the
/// server's audit writer while a request opens its own). Another process could then take the
/// file for unused, checkpoint and delete the WAL under them: a corrupt store (seen in the
/// end-to-end test: a `watch run` after a re-ingest).
fn check_file(path: &Path) -> Result<()> {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        // Unreadable: SQLite's own error says why, naming the file.
        Err(_) => return Ok(()),
    };
    if meta.is_dir() {
        return Err(not_a_store(path, "it is a folder"));
    }
    if meta.len() == 0 {
        return Err(not_a_store(path, "it is an empty file (0 bytes)"));
    }
    Ok(())
}

/// An SQLite database with tables but no `schema_migrations` is another program's; one whose
/// schema cannot be read is corrupt.
fn check_tables(conn: &Connection, path: &Path) -> Result<()> {
    let counts = conn.query_row(
        "SELECT count(*), count(*) FILTER (WHERE type = 'table' AND name = 'schema_migrations')
         FROM sqlite_master",
        [],
        |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)),
    );
    match counts {
        Ok((objects, ours)) if objects > 0 && ours == 0 => Err(not_a_store(
            path,
            "it is an SQLite database of something else (no schema_migrations table)",
        )),
        Ok(_) => Ok(()),
        Err(rusqlite::Error::SqliteFailure(e, _))
            if e.code == rusqlite::ErrorCode::NotADatabase =>
        {
            Err(not_a_store(path, "it is not an SQLite database"))
        }
        Err(rusqlite::Error::SqliteFailure(e, msg))
            if e.code == rusqlite::ErrorCode::DatabaseCorrupt =>
        {
            Err(not_a_store(
                path,
                format!("it is corrupt ({})", msg.unwrap_or_else(|| e.to_string())),
            ))
        }
        Err(source) => Err(StoreError::Sqlite {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// Creates a new store at `path` whole: built under a temporary name in the same folder and
/// linked into place only when its schema is in, so no process ever sees a half-made (e.g.
/// zero-byte) store. Two processes creating it at once: the first link wins, the other's
/// copy is removed.
fn create_file(path: &Path) -> Result<()> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| DB_FILE.to_string());
    let tmp = path.with_file_name(format!(".{name}.new-{}", std::process::id()));
    let sqlite = |source| StoreError::Sqlite {
        path: path.to_path_buf(),
        source,
    };
    let cleanup = |tmp: &Path| {
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let mut p = tmp.as_os_str().to_owned();
            p.push(suffix);
            let _ = std::fs::remove_file(PathBuf::from(p));
        }
    };
    cleanup(&tmp);
    let made = (|| {
        let mut conn = Connection::open(&tmp)?;
        schema::prepare(&mut conn)?;
        conn.close().map_err(|(_, e)| e)
    })();
    if let Err(e) = made {
        cleanup(&tmp);
        return Err(sqlite(e));
    }
    let linked = match std::fs::hard_link(&tmp, path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        // A file system without hard links: a rename (the last creator wins, both stores
        // were empty).
        Err(_) => std::fs::rename(&tmp, path),
    };
    cleanup(&tmp);
    linked.map_err(|source| StoreError::CreateFile {
        path: path.to_path_buf(),
        source,
    })
}

/// A data folder that exists as a file is named as such, not reported as SQLite's "unable to
/// open database file" or "File exists".
fn not_a_file(data_dir: &Path) -> Result<()> {
    match std::fs::metadata(data_dir) {
        Ok(m) if !m.is_dir() => Err(StoreError::NotAFolder {
            path: data_dir.to_path_buf(),
        }),
        _ => Ok(()),
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
#[cfg(test)]
mod tests_renames;
#[cfg(test)]
mod tests_weights;
