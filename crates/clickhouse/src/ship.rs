//! Ships the store's mirrored tables to ClickHouse: only rows new or changed since the last
//! ship, and tombstones for rows gone.
//!
//! Rows change in place in the store (a merged PR's credit moves, weights are regraded, an
//! identity link moves work, a profile is fetched, an erasure deletes), and the store has no
//! "updated at" column, so what changed is found by content: each row's raw values are hashed
//! (xxh3) and compared with the hash of what was last shipped for its key, kept in a small
//! SQLite file beside the store ([`STATE_FILE`]). That costs one read of every mirrored row
//! per ship, and ships exactly the rows that differ, whatever changed them (an ingest, an
//! identity verb, an opt-out or erasure, another process).
//!
//! Every ship has a `_version` above the last; rows go in batches, and the state file records
//! a batch only once ClickHouse accepted it, so a ship that fails half way sends the rest next
//! time and nothing twice (and twice would do no harm: same key, same row). The database
//! records which state file ships into it (a `generation` in `builtby_meta`): a database that
//! another store shipped into, or that was emptied, or an older layout, is shipped again whole
//! (its tables dropped and made again) rather than mixed.

use crate::rowbinary::{put_tagged, put_value};
use crate::{ClickHouse, Error, LAYOUT};
use builtby_store::mirror::{self, MirrorTable, MirrorType, Value, MIRRORED};
use builtby_store::Store;
use rusqlite::{params, Connection, OptionalExtension};
use std::collections::HashMap;
use std::path::Path;
use std::time::Instant;

/// The ship state's file name in the data directory.
pub const STATE_FILE: &str = "clickhouse-ship.sqlite";

/// Rows per insert (bounded by bytes too): few, large inserts are what ClickHouse wants.
const BATCH_ROWS: usize = 100_000;
const BATCH_BYTES: usize = 32 << 20;

/// What one ship did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ShipReport {
    /// The database was (re)made and everything shipped.
    pub full: bool,
    /// Per table: (name, rows read, rows shipped, tombstones).
    pub tables: Vec<(String, u64, u64, u64)>,
    pub bytes: u64,
    pub secs: f64,
}

impl ShipReport {
    pub fn rows_read(&self) -> u64 {
        self.tables.iter().map(|t| t.1).sum()
    }
    pub fn rows_shipped(&self) -> u64 {
        self.tables.iter().map(|t| t.2 + t.3).sum()
    }
}

struct State {
    conn: Connection,
    path: String,
}

impl State {
    fn open(path: &Path) -> Result<State, Error> {
        let p = path.display().to_string();
        let err = |source| Error::State {
            path: p.clone(),
            source,
        };
        let conn = Connection::open(path).map_err(err)?;
        conn.execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;
             CREATE TABLE IF NOT EXISTS target(id INTEGER PRIMARY KEY CHECK (id = 1),
                 url TEXT NOT NULL, database TEXT NOT NULL, generation TEXT NOT NULL,
                 version INTEGER NOT NULL);
             CREATE TABLE IF NOT EXISTS shipped(tbl TEXT NOT NULL, k BLOB NOT NULL, h INTEGER NOT NULL,
                 PRIMARY KEY(tbl, k)) WITHOUT ROWID;",
        )
        .map_err(err)?;
        Ok(State { conn, path: p })
    }

    fn err(&self, source: rusqlite::Error) -> Error {
        Error::State {
            path: self.path.clone(),
            source,
        }
    }
}

/// A new generation name: when and by which process, so two stores never share one.
fn new_generation() -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    format!(
        "{:x}-{:x}-{:x}",
        now.as_secs(),
        now.subsec_nanos(),
        std::process::id()
    )
}

/// Ships what changed in `store` since the last ship to `ch` (everything the first time),
/// with the state kept in `state_path` ([`STATE_FILE`] in the data directory).
pub fn ship(store: &Store, ch: &ClickHouse, state_path: &Path) -> Result<ShipReport, Error> {
    let started = Instant::now();
    ch.check()?;
    let mut state = State::open(state_path)?;
    ch.create_tables()?;
    let remote = meta(ch)?;
    let local: Option<(String, String, String, i64)> = state
        .conn
        .query_row(
            "SELECT url, database, generation, version FROM target WHERE id = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()
        .map_err(|e| state.err(e))?;
    let same = match (&local, &remote) {
        (Some((_, db, generation, _)), Some((g, layout))) => {
            db == ch.database() && g == generation && layout == LAYOUT
        }
        _ => false,
    };
    let now_version = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .as_micros() as i64;
    let (generation, version) = if same {
        let (_, _, g, v) = local.expect("same: present");
        (g, now_version.max(v + 1))
    } else {
        // a database another store shipped into, emptied, or new: everything is shipped, and
        // whatever it holds that the store does not gets a tombstone (no table is dropped: a
        // cluster's tables stay as made, and readers never see an empty database)
        let tx = state.conn.transaction().map_err(|e| Error::State {
            path: state_path.display().to_string(),
            source: e,
        })?;
        tx.execute("DELETE FROM shipped", [])
            .and_then(|_| tx.execute("DELETE FROM target", []))
            .and_then(|_| tx.commit())
            .map_err(|e| Error::State {
                path: state_path.display().to_string(),
                source: e,
            })?;
        let v = local.map_or(0, |l| l.3);
        (new_generation(), now_version.max(v + 1))
    };
    let mut report = ShipReport {
        full: !same,
        ..Default::default()
    };
    store.mirror_snapshot(|snap| -> Result<(), Error> {
        for t in MIRRORED {
            let r = ship_table(
                ch,
                &mut state,
                snap,
                t,
                version as u64,
                report.full,
                &mut report.bytes,
            )?;
            report.tables.push((t.name.to_string(), r.0, r.1, r.2));
        }
        Ok(())
    })?;
    let mut b = Vec::new();
    for (k, v) in [("generation", generation.as_str()), ("layout", LAYOUT)] {
        crate::rowbinary::put_str(&mut b, k);
        crate::rowbinary::put_str(&mut b, v);
        b.extend_from_slice(&(version as u64).to_le_bytes());
    }
    ch.insert("builtby_meta", &["k", "v", "_version"], b)?;
    state
        .conn
        .execute(
            "INSERT INTO target(id, url, database, generation, version) VALUES (1, ?1, ?2, ?3, ?4)
             ON CONFLICT(id) DO UPDATE SET url = ?1, database = ?2, generation = ?3, version = ?4",
            params![ch.url(), ch.database(), generation, version],
        )
        .map_err(|e| state.err(e))?;
    report.secs = started.elapsed().as_secs_f64();
    Ok(report)
}

/// The database's (generation, layout), if builtby shipped into it.
fn meta(ch: &ClickHouse) -> Result<Option<(String, String)>, Error> {
    let b = ch.select(
        "SELECT argMax(v, _version) AS v FROM builtby_meta WHERE k IN ('generation', 'layout')
         GROUP BY k ORDER BY k",
    )?;
    let mut r = crate::rowbinary::Reader::new(&b);
    let mut vals = Vec::new();
    while !r.is_empty() {
        vals.push(r.string()?);
    }
    Ok(match vals.as_slice() {
        [generation, layout] => Some((generation.clone(), layout.clone())),
        _ => None,
    })
}

/// Ships one table: (rows read, rows shipped, tombstones).
fn ship_table(
    ch: &ClickHouse,
    state: &mut State,
    snap: &builtby_store::mirror::Snapshot,
    t: &MirrorTable,
    version: u64,
    full: bool,
    bytes: &mut u64,
) -> Result<(u64, u64, u64), Error> {
    // key → (hash shipped, seen in this snapshot); a key ClickHouse holds from before the
    // ship state (a full ship) has no hash: shipped again, or a tombstone
    let mut known: HashMap<Vec<u8>, (Option<i64>, bool)> = HashMap::new();
    if full {
        for k in remote_keys(ch, t)? {
            known.insert(k, (None, false));
        }
    } else {
        let mut st = state
            .conn
            .prepare("SELECT k, h FROM shipped WHERE tbl = ?1")
            .map_err(|e| state.err(e))?;
        let rows = st
            .query_map([t.name], |r| {
                Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, i64>(1)?))
            })
            .map_err(|e| state.err(e))?;
        for r in rows {
            let (k, h) = r.map_err(|e| state.err(e))?;
            known.insert(k, (Some(h), false));
        }
    }
    let keys = t.key_positions();
    let columns: Vec<&str> = t
        .columns
        .iter()
        .map(|c| c.0)
        .chain(["_version", "_deleted"])
        .collect();
    let (mut read, mut shipped) = (0u64, 0u64);
    let mut pending: Vec<Vec<Value>> = Vec::new();
    let mut pending_keys: Vec<(Vec<u8>, i64)> = Vec::new();
    let mut pending_bytes = 0usize;
    let mut flush = |pending: &mut Vec<Vec<Value>>,
                     pending_keys: &mut Vec<(Vec<u8>, i64)>,
                     state: &mut State|
     -> Result<(), Error> {
        if pending.is_empty() {
            return Ok(());
        }
        let rows = mirror::shipped(t, std::mem::take(pending))?;
        let mut b = Vec::new();
        for r in &rows {
            for ((_, ty), v) in t.columns.iter().zip(r) {
                put_value(&mut b, *ty, v);
            }
            b.extend_from_slice(&version.to_le_bytes());
            b.push(0);
        }
        *bytes += b.len() as u64;
        ch.insert(t.name, &columns, b)?;
        record(state, t.name, pending_keys)?;
        pending_keys.clear();
        Ok(())
    };
    let mut buf = Vec::new();
    snap.rows(t, &mut |raw: Vec<Value>| -> Result<(), Error> {
        read += 1;
        buf.clear();
        for &i in &keys {
            put_tagged(&mut buf, &raw[i]);
        }
        let k = buf.clone();
        for v in &raw {
            put_tagged(&mut buf, v);
        }
        let h = xxhash_rust::xxh3::xxh3_64(&buf) as i64;
        match known.get_mut(&k) {
            Some((old, seen)) if *old == Some(h) => {
                *seen = true;
                return Ok(());
            }
            Some((_, seen)) => *seen = true,
            None => {}
        }
        pending_bytes += buf.len();
        pending.push(raw);
        pending_keys.push((k, h));
        shipped += 1;
        if pending.len() >= BATCH_ROWS || pending_bytes >= BATCH_BYTES {
            flush(&mut pending, &mut pending_keys, state)?;
            pending_bytes = 0;
        }
        Ok(())
    })?;
    flush(&mut pending, &mut pending_keys, state)?;
    // rows gone from the store: tombstones
    let gone: Vec<Vec<u8>> = known
        .into_iter()
        .filter(|(_, (_, seen))| !seen)
        .map(|(k, _)| k)
        .collect();
    let tombstones = gone.len() as u64;
    for chunk in gone.chunks(BATCH_ROWS) {
        let mut b = Vec::new();
        for k in chunk {
            let key_values = untag(k, keys.len())?;
            for (i, (_, ty)) in t.columns.iter().enumerate() {
                let v = keys
                    .iter()
                    .position(|&p| p == i)
                    .map_or(&Value::Null, |j| &key_values[j]);
                put_value(&mut b, *ty, v);
            }
            b.extend_from_slice(&version.to_le_bytes());
            b.push(1);
        }
        *bytes += b.len() as u64;
        ch.insert(t.name, &columns, b)?;
        let path = state.path.clone();
        let err = |source| Error::State {
            path: path.clone(),
            source,
        };
        let tx = state.conn.transaction().map_err(err)?;
        {
            let mut del = tx
                .prepare_cached("DELETE FROM shipped WHERE tbl = ?1 AND k = ?2")
                .map_err(err)?;
            for k in chunk {
                del.execute(params![t.name, k]).map_err(err)?;
            }
        }
        tx.commit().map_err(err)?;
    }
    Ok((read, shipped, tombstones))
}

/// The keys of the rows `t` holds in ClickHouse (tombstones left out), encoded as the ship
/// state encodes keys.
fn remote_keys(ch: &ClickHouse, t: &MirrorTable) -> Result<Vec<Vec<u8>>, Error> {
    let b = ch.select(&format!(
        "SELECT {} FROM {} FINAL WHERE _deleted = 0",
        t.key.join(", "),
        t.name
    ))?;
    let types: Vec<MirrorType> = t
        .key_positions()
        .into_iter()
        .map(|i| t.columns[i].1)
        .collect();
    let mut r = crate::rowbinary::Reader::new(&b);
    let mut out = Vec::new();
    while !r.is_empty() {
        let mut k = Vec::new();
        for ty in &types {
            let v = match ty {
                MirrorType::Int => Value::Int(r.i64()?),
                MirrorType::Text => Value::Text(r.string()?),
                other => {
                    return Err(Error::Protocol(format!(
                        "{}: a key column of type {other:?}",
                        t.name
                    )))
                }
            };
            put_tagged(&mut k, &v);
        }
        out.push(k);
    }
    Ok(out)
}

/// Records shipped (key, hash) pairs, in one transaction.
fn record(state: &mut State, table: &str, keys: &[(Vec<u8>, i64)]) -> Result<(), Error> {
    let path = state.path.clone();
    let err = |source| Error::State {
        path: path.clone(),
        source,
    };
    let tx = state.conn.transaction().map_err(err)?;
    {
        let mut up = tx
            .prepare_cached(
                "INSERT INTO shipped(tbl, k, h) VALUES (?1, ?2, ?3)
                 ON CONFLICT(tbl, k) DO UPDATE SET h = ?3",
            )
            .map_err(err)?;
        for (k, h) in keys {
            up.execute(params![table, k, h]).map_err(err)?;
        }
    }
    tx.commit().map_err(err)
}

/// The key values back from their tagged encoding ([`put_tagged`]).
fn untag(b: &[u8], n: usize) -> Result<Vec<Value>, Error> {
    let mut out = Vec::with_capacity(n);
    let mut at = 0usize;
    let bad = || Error::Protocol("a ship-state key that does not decode".into());
    for _ in 0..n {
        let tag = *b.get(at).ok_or_else(bad)?;
        at += 1;
        match tag {
            0 => out.push(Value::Null),
            1 => {
                let x = b.get(at..at + 8).ok_or_else(bad)?;
                out.push(Value::Int(i64::from_le_bytes(
                    x.try_into().map_err(|_| bad())?,
                )));
                at += 8;
            }
            2 => {
                let x = b.get(at..at + 8).ok_or_else(bad)?;
                out.push(Value::Real(f64::from_bits(u64::from_le_bytes(
                    x.try_into().map_err(|_| bad())?,
                ))));
                at += 8;
            }
            3 => {
                let mut len = 0u64;
                let mut shift = 0;
                loop {
                    let c = *b.get(at).ok_or_else(bad)?;
                    at += 1;
                    len |= u64::from(c & 0x7f) << shift;
                    if c & 0x80 == 0 {
                        break;
                    }
                    shift += 7;
                }
                let s = b.get(at..at + len as usize).ok_or_else(bad)?;
                out.push(Value::Text(String::from_utf8_lossy(s).into_owned()));
                at += len as usize;
            }
            _ => return Err(bad()),
        }
    }
    Ok(out)
}
