//! builtby's ClickHouse backend.
//!
//! **One write path stays.** The SQLite store is where every ingest writes: identity
//! resolution, weights, rollups and the ingest log are computed there, by the store's one batch
//! writer. [`ship::ship`] then copies what changed to ClickHouse, table by table
//! ([`builtby_store::mirror::MIRRORED`]), in `RowBinary` inserts over HTTP into
//! `ReplacingMergeTree(_version)` tables ordered by each table's key: sending a row twice
//! leaves one row, a changed row replaces the old one (a higher `_version`), a deleted one is
//! a tombstone (`_deleted = 1`). Reads use `FINAL` and leave tombstones out, so duplicates
//! never show.
//!
//! **Reads** ([`Reader`]) implement [`builtby_store::Read`] with the same rows, in the same
//! order, as the SQLite store: ClickHouse filters and aggregates (integers only), Rust orders and
//! sums floats in the order SQLite does. Workflow state (shortlists, watches, the audit log,
//! opt-outs, the ATS list) stays in SQLite; a [`Reader`] also checks every person it returns
//! against the SQLite store's suppression list, so someone who opted out or was erased is not
//! shown even before the next ship.
//!
//! The client is plain HTTP (`reqwest`, already in the workspace) and a few hundred lines of
//! `RowBinary` ([`rowbinary`]); tested with Debian's ClickHouse 18.16 (the oldest accepted:
//! [`MIN_VERSION`]), which has no window functions, so nothing here needs them.

pub mod read;
pub mod rowbinary;
pub mod server;
pub mod ship;

pub use read::Reader;
pub use ship::{ship, ShipReport};

use builtby_store::mirror::{MirrorTable, MirrorType, MIRRORED};
use std::time::Duration;

/// The oldest ClickHouse this backend accepts: the one it is tested with.
pub const MIN_VERSION: (u32, u32) = (18, 16);

/// Bumped when what is shipped changes: a database holding another layout is shipped again
/// whole. (A change of columns also needs the tables made again: drop them first.)
pub const LAYOUT: &str = "1";

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("ClickHouse at {url} is unreachable: {why}")]
    Unreachable { url: String, why: String },
    #[error("ClickHouse at {url} answered HTTP {status}: {message}")]
    Http {
        url: String,
        status: u16,
        message: String,
    },
    #[error("ClickHouse at {url} is version {version}; builtby needs {}.{} or newer", MIN_VERSION.0, MIN_VERSION.1)]
    TooOld { url: String, version: String },
    #[error("--clickhouse-url {0}: give the server's HTTP address, e.g. http://127.0.0.1:8123")]
    BadUrl(String),
    #[error(
        "--database {0}: a database name is letters, digits and _ (not starting with a digit)"
    )]
    BadDatabase(String),
    #[error("ClickHouse answer: {0}")]
    Protocol(String),
    #[error(transparent)]
    Store(#[from] builtby_store::StoreError),
    #[error("ship state {path}: {source}")]
    State {
        path: String,
        source: rusqlite::Error,
    },
}

impl From<Error> for builtby_store::StoreError {
    fn from(e: Error) -> Self {
        match e {
            Error::Store(s) => s,
            e => builtby_store::StoreError::Backend {
                message: e.to_string(),
            },
        }
    }
}

/// A ClickHouse server and the database builtby's tables are in.
#[derive(Clone)]
pub struct ClickHouse {
    url: String,
    database: String,
    http: reqwest::blocking::Client,
}

/// The database used when none is given.
pub const DEFAULT_DATABASE: &str = "builtby";

impl ClickHouse {
    /// A client for the HTTP interface at `url` (`http://host:8123`), database `database`.
    /// Nothing is sent yet: [`ClickHouse::check`] says whether the server is there.
    pub fn new(url: &str, database: &str) -> Result<ClickHouse, Error> {
        let url = url.trim().trim_end_matches('/').to_string();
        let parsed = reqwest::Url::parse(&url).map_err(|_| Error::BadUrl(url.clone()))?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
            return Err(Error::BadUrl(url));
        }
        let ok = !database.is_empty()
            && !database.starts_with(|c: char| c.is_ascii_digit())
            && database
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !ok {
            return Err(Error::BadDatabase(database.to_string()));
        }
        let http = reqwest::blocking::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(600))
            .user_agent(concat!("builtby/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| Error::Unreachable {
                url: url.clone(),
                why: format!("cannot make an HTTP client: {e}"),
            })?;
        Ok(ClickHouse {
            url,
            database: database.to_string(),
            http,
        })
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn database(&self) -> &str {
        &self.database
    }

    /// The server's version, refused when older than [`MIN_VERSION`].
    pub fn check(&self) -> Result<String, Error> {
        let body = self.post(None, "SELECT version()".into(), false)?;
        let version = String::from_utf8_lossy(&body).trim().to_string();
        let mut parts = version.split('.').map(|p| p.parse::<u32>().unwrap_or(0));
        let (major, minor) = (parts.next().unwrap_or(0), parts.next().unwrap_or(0));
        if (major, minor) < MIN_VERSION {
            return Err(Error::TooOld {
                url: self.url.clone(),
                version,
            });
        }
        Ok(version)
    }

    /// Runs `sql` (in the database unless `in_database` is false) and returns the answer's
    /// bytes.
    fn post(
        &self,
        query: Option<&str>,
        body: Vec<u8>,
        in_database: bool,
    ) -> Result<Vec<u8>, Error> {
        let mut params = form_urlencoded::Serializer::new(String::new());
        if in_database {
            params.append_pair("database", &self.database);
        }
        // long IN lists of ids; filters stay after FINAL
        params.append_pair("max_query_size", "67108864");
        params.append_pair("optimize_move_to_prewhere", "0");
        if let Some(q) = query {
            params.append_pair("query", q);
        }
        let url = format!("{}/?{}", self.url, params.finish());
        let resp = self
            .http
            .post(&url)
            .body(body)
            .send()
            .map_err(|e| Error::Unreachable {
                url: self.url.clone(),
                why: error_chain(&e),
            })?;
        let status = resp.status();
        let bytes = resp.bytes().map_err(|e| Error::Unreachable {
            url: self.url.clone(),
            why: error_chain(&e),
        })?;
        if !status.is_success() {
            let text = String::from_utf8_lossy(&bytes);
            let message = text.trim();
            let message: String = message.chars().take(2000).collect();
            return Err(Error::Http {
                url: self.url.clone(),
                status: status.as_u16(),
                message,
            });
        }
        Ok(bytes.to_vec())
    }

    /// Runs a statement that answers nothing (DDL).
    pub fn execute(&self, sql: &str) -> Result<(), Error> {
        self.post(None, sql.as_bytes().to_vec(), true).map(|_| ())
    }

    /// Runs a statement outside the database (`CREATE DATABASE`).
    pub fn execute_server(&self, sql: &str) -> Result<(), Error> {
        self.post(None, sql.as_bytes().to_vec(), false).map(|_| ())
    }

    /// Runs a SELECT and returns its `RowBinary` answer.
    pub fn select(&self, sql: &str) -> Result<Vec<u8>, Error> {
        self.post(None, format!("{sql} FORMAT RowBinary").into_bytes(), true)
    }

    /// Inserts `rows` (`RowBinary`, columns in `columns` order) into `table`.
    pub fn insert(&self, table: &str, columns: &[&str], rows: Vec<u8>) -> Result<(), Error> {
        let q = format!(
            "INSERT INTO {table} ({}) FORMAT RowBinary",
            columns.join(", ")
        );
        self.post(Some(&q), rows, true).map(|_| ())
    }

    /// Creates the database and every table if missing.
    pub fn create_tables(&self) -> Result<(), Error> {
        self.execute_server(&format!("CREATE DATABASE IF NOT EXISTS {}", self.database))?;
        for t in MIRRORED {
            self.execute(&create_table(t))?;
        }
        self.execute(
            "CREATE TABLE IF NOT EXISTS builtby_meta (k String, v String, _version UInt64)
             ENGINE = ReplacingMergeTree(_version) ORDER BY k",
        )
    }
}

/// The table's DDL on a single server: `ReplacingMergeTree(_version)` ordered by its key.
/// (A cluster's is in the README: the same columns, `ReplicatedReplacingMergeTree` and a
/// `Distributed` table over it.)
pub fn create_table(t: &MirrorTable) -> String {
    format!(
        "CREATE TABLE IF NOT EXISTS {} ({}) ENGINE = ReplacingMergeTree(_version) ORDER BY ({})",
        t.name,
        columns_sql(t),
        t.key.join(", ")
    )
}

/// `name Type, …, _version UInt64, _deleted UInt8`.
pub fn columns_sql(t: &MirrorTable) -> String {
    let mut cols: Vec<String> = t
        .columns
        .iter()
        .map(|(n, ty)| format!("{n} {}", type_sql(*ty)))
        .collect();
    cols.push("_version UInt64".into());
    cols.push("_deleted UInt8".into());
    cols.join(", ")
}

fn type_sql(t: MirrorType) -> &'static str {
    match t {
        MirrorType::Int => "Int64",
        MirrorType::Real => "Float64",
        MirrorType::Text => "String",
        MirrorType::NullInt => "Nullable(Int64)",
        MirrorType::NullReal => "Nullable(Float64)",
        MirrorType::NullText => "Nullable(String)",
        MirrorType::Texts => "Array(String)",
    }
}

/// A string literal: `'…'` with `\` and `'` escaped.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut src = e.source();
    while let Some(c) = src {
        let t = c.to_string();
        if !s.contains(&t) {
            s.push_str(": ");
            s.push_str(&t);
        }
        src = c.source();
    }
    s
}
