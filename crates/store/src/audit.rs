//! The audit log: who did what with people's data, and when.
//!
//! Every search, person view, export, opt-out, erasure and identity change is appended to
//! `audit_log`: the actor (the OS user for the CLI, the API token's *name* for the server;
//! never a token), the time, what was asked as JSON (the query parameters, the person, the
//! format) and how many people the answer showed. The table is append-only: SQLite triggers
//! abort every UPDATE and DELETE of its rows and an insert that would replace one.
//!
//! People are named in `what` by their *reference* ([`Store::person_ref`]): the keyed hash the
//! opt-out list uses, never the login. An erasure then needs no change to the log (which it
//! could not make), and `builtby audit --person LOGIN` still finds every entry about a login.
//! Strings in `what` are scrubbed of anything that looks like an e-mail address.
//!
//! Other features append with [`Store::audit`] (or [`append`] inside their own transaction).

use crate::{Result, Store};
use builtby_model::time;
use rusqlite::{params_from_iter, Connection};
use serde::Serialize;
use serde_json::Value;

/// One audit row, as `builtby audit --json` and `GET /api/audit` show it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditEntry {
    pub id: i64,
    /// `YYYY-MM-DDTHH:MM:SSZ`
    pub at: String,
    pub actor: String,
    pub action: String,
    pub what: Value,
    /// People the answer showed (or the change touched).
    pub people: u64,
}

/// Which rows [`Store::audit_log`] returns.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AuditQuery {
    /// Unix seconds, inclusive.
    pub since: Option<i64>,
    /// An action (`search`), or a family of them (`identity` matches `identity.link`…).
    pub action: Option<String>,
    pub actor: Option<String>,
    /// A person's reference ([`Store::person_ref`]): rows whose `what` names it.
    pub person: Option<String>,
    /// The newest this many rows (listed oldest first); 0 means 200.
    pub limit: u32,
}

/// Largest `limit` of [`AuditQuery`].
pub const MAX_AUDIT_LIMIT: u32 = 10_000;

/// True when `action` is a well-formed action name: lower-case words of letters, digits, `_`
/// or `-`, joined by dots (`search`, `optout.add`, `shortlist.add`), at most 64 characters.
pub fn valid_action(action: &str) -> bool {
    !action.is_empty()
        && action.len() <= 64
        && action.split('.').all(|w| {
            !w.is_empty()
                && w.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
        })
}

/// Query parameters (`name=value` pairs, a name given twice or more becomes a list) as the
/// JSON object an audit row records them in.
pub fn params_what(pairs: &[(String, String)]) -> Value {
    let mut m = serde_json::Map::new();
    for (name, value) in pairs {
        match m.get_mut(name) {
            None => {
                m.insert(name.clone(), Value::String(value.clone()));
            }
            Some(Value::Array(a)) => a.push(Value::String(value.clone())),
            Some(other) => {
                let first = other.take();
                *other = Value::Array(vec![first, Value::String(value.clone())]);
            }
        }
    }
    Value::Object(m)
}

/// `what` with every string scrubbed of e-mail-like words (keys too).
fn scrubbed(v: &Value) -> Value {
    match v {
        Value::String(s) => Value::String(builtby_model::scrub_emails(s).into_owned()),
        Value::Array(a) => Value::Array(a.iter().map(scrubbed).collect()),
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, x)| (builtby_model::scrub_emails(k).into_owned(), scrubbed(x)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Appends one row on `conn` (a store's connection or a transaction that commits it with the
/// change it records). `actor` and `action` must be non-empty; the actor is trimmed and cut
/// to 100 characters.
pub fn append(
    conn: &Connection,
    actor: &str,
    action: &str,
    what: &Value,
    people: u64,
) -> rusqlite::Result<()> {
    let actor: String = builtby_model::scrub_emails(actor.trim())
        .chars()
        .take(100)
        .collect();
    let actor = if actor.is_empty() {
        "unknown".to_string()
    } else {
        actor
    };
    conn.prepare_cached(
        "INSERT INTO audit_log(at, actor, action, what, people) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(rusqlite::params![
        time::now(),
        actor,
        action,
        scrubbed(what).to_string(),
        people.min(i64::MAX as u64) as i64
    ])?;
    Ok(())
}

impl Store {
    /// Appends one row to the audit log: `actor` did `action` (`search`, `person`, `export`,
    /// `shortlist.add`… see [`valid_action`]), asking `what` (JSON: parameters, the person as
    /// [`Store::person_ref`], the format; never a login, an e-mail address or a token), and
    /// the answer showed `people` people. Needs a store opened for writing.
    pub fn audit(&self, actor: &str, action: &str, what: &Value, people: u64) -> Result<()> {
        debug_assert!(valid_action(action), "{action}");
        append(&self.conn, actor, action, what, people).map_err(|e| self.err(e))
    }

    /// Several rows in one transaction (the server's audit writer batches requests).
    pub fn audit_many(&mut self, rows: &[(String, String, Value, u64)]) -> Result<()> {
        let path = self.path.clone();
        let wrap = |source| crate::StoreError::Sqlite {
            path: path.clone(),
            source,
        };
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(wrap)?;
        for (actor, action, what, people) in rows {
            append(&tx, actor, action, what, *people).map_err(wrap)?;
        }
        tx.commit().map_err(wrap)
    }

    /// Audit rows matching `q`, oldest first (the newest `q.limit` of them).
    pub fn audit_log(&self, q: &AuditQuery) -> Result<Vec<AuditEntry>> {
        let mut clauses = Vec::new();
        let mut args: Vec<rusqlite::types::Value> = Vec::new();
        if let Some(s) = q.since {
            args.push(s.into());
            clauses.push(format!("at >= ?{}", args.len()));
        }
        if let Some(a) = &q.action {
            args.push(a.clone().into());
            let n = args.len();
            args.push(format!("{}.%", like_escape(a)).into());
            clauses.push(format!(
                "(action = ?{n} OR action LIKE ?{} ESCAPE '\\')",
                n + 1
            ));
        }
        if let Some(a) = &q.actor {
            args.push(a.clone().into());
            clauses.push(format!("actor = ?{}", args.len()));
        }
        if let Some(p) = &q.person {
            args.push(format!("%\"{}\"%", like_escape(p)).into());
            clauses.push(format!("what LIKE ?{} ESCAPE '\\'", args.len()));
        }
        let limit = match q.limit {
            0 => 200,
            n => n.min(MAX_AUDIT_LIMIT),
        };
        let sql = format!(
            "SELECT id, at, actor, action, what, people FROM (
               SELECT * FROM audit_log {} ORDER BY id DESC LIMIT {limit}) ORDER BY id",
            if clauses.is_empty() {
                String::new()
            } else {
                format!("WHERE {}", clauses.join(" AND "))
            }
        );
        let mut st = self.conn.prepare(&sql).map_err(|e| self.err(e))?;
        let rows = st
            .query_map(params_from_iter(args), |r| {
                let what: String = r.get(4)?;
                Ok(AuditEntry {
                    id: r.get(0)?,
                    at: time::iso_string(r.get(1)?),
                    actor: r.get(2)?,
                    action: r.get(3)?,
                    what: serde_json::from_str(&what).unwrap_or(Value::String(what)),
                    people: r.get::<_, i64>(5)?.max(0) as u64,
                })
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(|e| self.err(e))
    }
}

fn like_escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}
