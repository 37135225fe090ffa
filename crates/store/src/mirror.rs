//! What a mirror of the store (the ClickHouse backend, `builtby_clickhouse`) receives: the
//! tables the read side ([`crate::Read`]) needs, row by row from one snapshot, and the few
//! values the read side derives from text SQLite keeps (full-text terms, review quotes), so a
//! mirror never re-implements identity resolution, weights or rollups: it copies what the one
//! write path computed.
//!
//! - [`MIRRORED`]: each table's name, columns (as shipped), key (one row per key value: the
//!   table's primary key in SQLite) and the SQL that reads it.
//! - [`Store::mirror_snapshot`]: reads them in one read transaction, so the tables agree.
//! - [`shipped`]: a raw row as the mirror stores it. Contributions lose their body and gain the
//!   terms the full-text index has for their title and body (tokenised by SQLite's own FTS5
//!   tokenizer, so a mirror matches words exactly as [`crate::Store::cells`] does) and the
//!   quote evidence shows.
//! - [`fts_phrases`]: the terms of a search's words, tokenised the same way.

use crate::{Result, Store, StoreError};
use rusqlite::types::ValueRef;
use rusqlite::Connection;

/// A column's type as the mirror stores it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MirrorType {
    Int,
    Real,
    Text,
    NullInt,
    NullReal,
    NullText,
    /// A list of words.
    Texts,
}

/// One value of a mirrored row.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    Texts(Vec<String>),
}

impl Value {
    pub fn int(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            _ => None,
        }
    }
    pub fn text(&self) -> Option<&str> {
        match self {
            Value::Text(s) => Some(s),
            _ => None,
        }
    }
}

/// One mirrored table.
#[derive(Debug)]
pub struct MirrorTable {
    pub name: &'static str,
    /// The columns as shipped ([`shipped`]), in order.
    pub columns: &'static [(&'static str, MirrorType)],
    /// The columns that identify a row (its primary key in SQLite; case-insensitive text keys
    /// as a lower-cased column).
    pub key: &'static [&'static str],
    /// Reads the raw rows ([`shipped`] turns them into `columns`).
    select: &'static str,
}

use MirrorType::*;

/// Contributions: what search and evidence read. The raw row has `body` where the shipped one
/// has `quote`, `title_terms` and `body_terms`.
pub const CONTRIBUTIONS: MirrorTable = MirrorTable {
    name: "contributions",
    columns: &[
        ("id", Int),
        ("key", Text),
        ("kind", Int),
        ("person_id", Int),
        ("repo_id", Int),
        ("at", Int),
        ("number", NullInt),
        ("title", NullText),
        ("url", NullText),
        ("review_state", NullText),
        ("path", NullText),
        ("additions", NullInt),
        ("deletions", NullInt),
        ("on_pr", Int),
        ("needs_hydration", Int),
        ("measures", NullText),
        ("weight", Real),
        ("why", NullText),
        ("quote", NullText),
        ("title_terms", Texts),
        ("body_terms", Texts),
    ],
    key: &["id"],
    select: "SELECT id, key, kind, person_id, repo_id, at, number, title, url, review_state, path,
                    additions, deletions, on_pr, needs_hydration, measures, weight, why, body
             FROM contributions ORDER BY id",
};

/// Every mirrored table, contributions first.
pub const MIRRORED: &[MirrorTable] = &[
    CONTRIBUTIONS,
    MirrorTable {
        name: "rollup",
        columns: &[
            ("person_id", Int),
            ("repo_id", Int),
            ("kind", Int),
            ("day", Int),
            ("n", Int),
            ("w", Real),
        ],
        key: &["person_id", "repo_id", "kind", "day"],
        select: "SELECT person_id, repo_id, kind, day, n, w FROM rollup",
    },
    MirrorTable {
        name: "people",
        columns: &[
            ("id", Int),
            ("github_id", NullInt),
            ("login", Text),
            ("name", NullText),
            ("location", NullText),
            ("company", NullText),
            ("blog", NullText),
            ("is_bot_type", Int),
            ("not_person", NullText),
            ("behaviour", NullText),
            ("optout", NullInt),
            ("member_of", NullInt),
            ("last_seen", Int),
            ("loc_city", NullText),
            ("loc_region", NullText),
            ("loc_country", NullText),
            ("loc_metro", NullText),
            ("loc_confidence", NullReal),
            ("loc_version", NullInt),
        ],
        key: &["id"],
        select:
            "SELECT id, github_id, login, name, location, company, blog, is_bot_type, not_person,
                        behaviour, optout, member_of, last_seen, loc_city, loc_region, loc_country,
                        loc_metro, loc_confidence, loc_version FROM people",
    },
    MirrorTable {
        name: "logins",
        columns: &[
            ("login_key", Text),
            ("person_id", Int),
            ("login", Text),
            ("first_seen", Int),
            ("last_seen", Int),
        ],
        // `login` is COLLATE NOCASE in SQLite (ASCII letters only, as `lower`)
        key: &["login_key", "person_id"],
        select: "SELECT lower(login), person_id, login, first_seen, last_seen FROM logins",
    },
    MirrorTable {
        name: "repos",
        columns: &[("id", Int), ("name", Text), ("contributors", Int)],
        key: &["id"],
        select: "SELECT id, name, contributors FROM repos",
    },
    MirrorTable {
        name: "contribution_paths",
        columns: &[
            ("repo_id", Int),
            ("path", Text),
            ("contribution_id", Int),
            ("added", NullInt),
            ("deleted", NullInt),
        ],
        key: &["repo_id", "path", "contribution_id"],
        select: "SELECT repo_id, path, contribution_id, added, deleted FROM contribution_paths",
    },
    MirrorTable {
        name: "path_rollup",
        columns: &[
            ("person_id", Int),
            ("repo_id", Int),
            ("class", Int),
            ("n", Int),
        ],
        key: &["person_id", "repo_id", "class"],
        select: "SELECT person_id, repo_id, class, n FROM path_rollup",
    },
    MirrorTable {
        name: "identity_links",
        columns: &[
            ("account", Text),
            ("person_key", Text),
            ("person", Text),
            ("method", Text),
            ("confidence", Real),
            ("state", Text),
        ],
        key: &["account", "person_key"],
        select:
            "SELECT account, lower(person), person, method, confidence, state FROM identity_links",
    },
    MirrorTable {
        name: "studied_repos",
        columns: &[("repo_id", Int)],
        key: &["repo_id"],
        select: "SELECT repo_id FROM git_repos
                 UNION SELECT r.id FROM crawl_cursors c JOIN repos r ON r.name = c.repo",
    },
    // the ingest log
    MirrorTable {
        name: "files",
        columns: &[
            ("id", Int),
            ("source", Text),
            ("path", Text),
            ("size", Int),
            ("checksum", Text),
            ("loaded_at", Int),
            ("complete", Int),
            ("events", Int),
            ("contributions", Int),
            ("new_contributions", Int),
            ("stats", Text),
            ("superseded_by", NullInt),
        ],
        key: &["id"],
        select:
            "SELECT id, source, path, size, checksum, loaded_at, complete, events, contributions,
                        new_contributions, stats, superseded_by FROM files",
    },
];

impl MirrorTable {
    /// The positions of the key columns in a shipped row.
    pub fn key_positions(&self) -> Vec<usize> {
        self.key
            .iter()
            .map(|k| {
                self.columns
                    .iter()
                    .position(|c| c.0 == *k)
                    .expect("a key is a column")
            })
            .collect()
    }
}

/// The store as of one read transaction ([`Store::mirror_snapshot`]).
pub struct Snapshot<'a> {
    store: &'a Store,
}

impl Store {
    /// Runs `f` over one consistent snapshot of the mirrored tables (one read transaction:
    /// an ingest committing meanwhile is not seen).
    pub fn mirror_snapshot<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce(&Snapshot) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
        let tx = self.conn.unchecked_transaction().map_err(|e| self.err(e))?;
        let out = f(&Snapshot { store: self });
        drop(tx);
        out
    }
}

impl Snapshot<'_> {
    /// Every raw row of `t` (for contributions, in id order), to `f`.
    pub fn rows<E: From<StoreError>>(
        &self,
        t: &MirrorTable,
        f: &mut dyn FnMut(Vec<Value>) -> std::result::Result<(), E>,
    ) -> std::result::Result<(), E> {
        let s = self.store;
        let mut st = s.conn.prepare(t.select).map_err(|e| s.err(e))?;
        let n = st.column_count();
        let mut rows = st.query([]).map_err(|e| s.err(e))?;
        while let Some(r) = rows.next().map_err(|e| s.err(e))? {
            let mut v = Vec::with_capacity(n);
            for i in 0..n {
                v.push(match r.get_ref(i).map_err(|e| s.err(e))? {
                    ValueRef::Null => Value::Null,
                    ValueRef::Integer(i) => Value::Int(i),
                    ValueRef::Real(x) => Value::Real(x),
                    ValueRef::Text(t) | ValueRef::Blob(t) => {
                        Value::Text(String::from_utf8_lossy(t).into_owned())
                    }
                });
            }
            f(v)?;
        }
        Ok(())
    }
}

/// Raw rows of `t` as the mirror stores them (see the module docs). Contributions are
/// tokenised together, in one in-memory FTS5 index.
pub fn shipped(t: &MirrorTable, raw: Vec<Vec<Value>>) -> Result<Vec<Vec<Value>>> {
    if t.name != CONTRIBUTIONS.name {
        return Ok(raw);
    }
    let texts: Vec<[Option<&str>; 2]> = raw.iter().map(|r| [r[7].text(), r[18].text()]).collect();
    let terms = tokenize(&texts)?;
    let mut out = Vec::with_capacity(raw.len());
    for (mut r, [title, body]) in raw.into_iter().zip(terms) {
        let body_text = r.pop().expect("body is the last raw column");
        let kind = r[2].int().unwrap_or(-1);
        // as `Store::evidence`: the start of a review's or comment's words
        let quote = match (kind, body_text) {
            (3 | 4 | 6, Value::Text(b)) => {
                let start: String = b.chars().take(600).collect();
                let q = crate::batch::weights::excerpt(&start, 200);
                if q.is_empty() {
                    Value::Null
                } else {
                    Value::Text(q)
                }
            }
            _ => Value::Null,
        };
        r.push(quote);
        r.push(Value::Texts(title));
        r.push(Value::Texts(body));
        out.push(r);
    }
    Ok(out)
}

/// The terms of each text as the store's full-text index has them (`unicode61 remove_diacritics
/// 2`: its schema), in order, repeats kept: `[title, body]` per row.
fn tokenize(texts: &[[Option<&str>; 2]]) -> Result<Vec<[Vec<String>; 2]>> {
    let conn = fts_connection()?;
    let err = |e| StoreError::Sqlite {
        path: ":memory:".into(),
        source: e,
    };
    let mut out: Vec<[Vec<String>; 2]> = vec![[Vec::new(), Vec::new()]; texts.len()];
    {
        let mut ins = conn
            .prepare("INSERT INTO t(rowid, a, b) VALUES (?1, ?2, ?3)")
            .map_err(err)?;
        for (i, [a, b]) in texts.iter().enumerate() {
            if a.is_some() || b.is_some() {
                ins.execute(rusqlite::params![i as i64, a, b])
                    .map_err(err)?;
            }
        }
    }
    let mut st = conn
        .prepare("SELECT doc, col, offset, term FROM v ORDER BY doc, col, offset")
        .map_err(err)?;
    let mut rows = st.query([]).map_err(err)?;
    while let Some(r) = rows.next().map_err(err)? {
        let doc: i64 = r.get(0).map_err(err)?;
        let col: String = r.get(1).map_err(err)?;
        let term: String = r.get(3).map_err(err)?;
        out[doc as usize][usize::from(col == "b")].push(term);
    }
    Ok(out)
}

/// An in-memory FTS5 table `t(a, b)` with the store's tokenizer and its `instance` vocabulary
/// `v` (every term of every row, with its column and offset).
fn fts_connection() -> Result<Connection> {
    let err = |e| StoreError::Sqlite {
        path: ":memory:".into(),
        source: e,
    };
    let conn = Connection::open_in_memory().map_err(err)?;
    conn.execute_batch(
        "CREATE VIRTUAL TABLE t USING fts5(a, b, tokenize='unicode61 remove_diacritics 2');
         CREATE VIRTUAL TABLE v USING fts5vocab(t, instance);",
    )
    .map_err(err)?;
    Ok(conn)
}

/// The phrases a search for `words` looks for, as the full-text index reads the query
/// [`crate::Store::cells`] makes of them: each distinct word ([`crate::fts_terms`]) is a quoted
/// phrase of the index's terms (usually one term; a word the tokenizer splits is a phrase of
/// several, which must follow each other in one column).
pub fn fts_phrases(words: &[String]) -> Result<Vec<Vec<String>>> {
    let texts: Vec<[Option<&str>; 2]> = words.iter().map(|w| [Some(w.as_str()), None]).collect();
    Ok(tokenize(&texts)?.into_iter().map(|[a, _]| a).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_are_the_indexes() {
        let t = tokenize(&[
            [Some("Flash-Attention für GPUs"), Some("naïve CAFÉ x2")],
            [None, None],
            [None, Some("a b a")],
        ])
        .unwrap();
        assert_eq!(t[0][0], ["flash", "attention", "fur", "gpus"]);
        assert_eq!(t[0][1], ["naive", "cafe", "x2"]);
        assert!(t[1][0].is_empty() && t[1][1].is_empty());
        assert_eq!(t[2][1], ["a", "b", "a"]);
        assert_eq!(
            fts_phrases(&["Für".into(), "x".into()]).unwrap(),
            [vec!["fur".to_string()], vec!["x".to_string()]]
        );
    }
}
