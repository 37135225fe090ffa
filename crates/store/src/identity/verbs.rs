//! The verbs a person uses on identities (SortingHat's set): show, suggest, link, unlink,
//! split, lock, reject, log, and resolve (re-decide every account from its evidence). Every
//! change is one transaction and one or more audit rows; decisions are keyed by accounts'
//! natural keys so that they hold after a re-ingest.

use super::resolve::{self, person_for_login, person_key, RULES};
use super::{apply, log_change, now, Method, State};
use crate::{Result, Store, StoreError};
use builtby_model::time;
use rusqlite::{params, Connection, OptionalExtension, Transaction, TransactionBehavior};
use serde::Serialize;
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LinkView {
    pub account: String,
    pub person: String,
    pub method: Method,
    /// The method in words.
    pub why: &'static str,
    pub evidence: Vec<String>,
    pub confidence: f64,
    pub state: State,
    pub at: String,
    pub by: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AccountView {
    /// `git:<hash>` for a git identity, the login for a GitHub account.
    pub key: String,
    pub name: Option<String>,
    pub github_id: Option<i64>,
    pub not_person: Option<String>,
    pub contributions: i64,
    pub links: Vec<LinkView>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IdentityView {
    /// The person's key: their GitHub login, else their git identity's key.
    pub person: String,
    pub name: Option<String>,
    pub locked: bool,
    /// The person's own account first, then its members.
    pub accounts: Vec<AccountView>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SuggestionView {
    pub account: String,
    pub name: Option<String>,
    /// The login suggested.
    pub person: String,
    pub method: Method,
    pub why: &'static str,
    pub evidence: Vec<String>,
    pub confidence: f64,
    /// Contributions credited to the account.
    pub contributions: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LogEntry {
    pub at: String,
    pub by: String,
    pub action: String,
    pub account: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub why: String,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ResolveSummary {
    pub accounts: u64,
    pub changed: u64,
}

/// An account row by key: `git:<hash>`, a login (current, else former), `@login`. An
/// account of a person who opted out is not found.
fn find(conn: &Connection, key: &str) -> rusqlite::Result<Option<(i64, String, Option<i64>)>> {
    let key = key.trim().trim_start_matches('@');
    let hit = conn
        .prepare_cached(
            "SELECT id, login, member_of FROM people INDEXED BY people_login WHERE login = ?1 COLLATE NOCASE AND optout IS NULL
             ORDER BY member_of IS NOT NULL, github_id IS NULL, last_seen DESC LIMIT 1",
        )?
        .query_row([key], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    if hit.is_some() {
        return Ok(hit);
    }
    conn.prepare_cached(
        "SELECT p.id, p.login, p.member_of FROM logins l JOIN people p ON p.id = l.person_id
         WHERE l.login = ?1 AND p.optout IS NULL ORDER BY l.last_seen DESC LIMIT 1",
    )?
    .query_row([key], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
    .optional()
}

fn links_of(conn: &Connection, account: &str) -> rusqlite::Result<Vec<LinkView>> {
    let mut st = conn.prepare_cached(
        "SELECT account, person, method, evidence, confidence, state, at, by FROM identity_links
         WHERE account = ?1 ORDER BY confidence DESC, person",
    )?;
    let rows = st.query_map([account], link_row)?;
    rows.collect()
}

fn link_row(r: &rusqlite::Row) -> rusqlite::Result<LinkView> {
    let method = Method::parse(&r.get::<_, String>(2)?).unwrap_or(Method::Manual);
    Ok(LinkView {
        account: r.get(0)?,
        person: r.get(1)?,
        method,
        why: method.describe(),
        evidence: serde_json::from_str(&r.get::<_, String>(3)?).unwrap_or_default(),
        confidence: r.get(4)?,
        state: State::parse(&r.get::<_, String>(5)?).unwrap_or(State::Suggested),
        at: time::iso_string(r.get(6)?),
        by: r.get(7)?,
    })
}

fn contributions_of(conn: &Connection, id: i64) -> rusqlite::Result<i64> {
    conn.prepare_cached(
        "SELECT (SELECT count(*) FROM contributions INDEXED BY contributions_account WHERE account_id = ?1)
              + (SELECT count(*) FROM contributions WHERE person_id = ?1 AND account_id IS NULL)",
    )?
    .query_row([id], |r| r.get(0))
}

impl Store {
    fn unknown(&self, key: &str) -> StoreError {
        StoreError::UnknownAccount {
            key: key.to_string(),
        }
    }

    /// A person with every account, link and suggestion: for `identity show`.
    pub fn identity(&self, key: &str) -> Result<Option<IdentityView>> {
        let e = |e| self.err(e);
        let Some((id, _, member_of)) = find(&self.conn, key).map_err(e)? else {
            return Ok(None);
        };
        let person = member_of.unwrap_or(id);
        let mut st = self
            .conn
            .prepare(
                "SELECT id, login, name, github_id, not_person FROM people WHERE id = ?1
                 UNION ALL SELECT id, login, name, github_id, not_person FROM people INDEXED BY people_member_of WHERE member_of = ?1",
            )
            .map_err(e)?;
        type Row = (i64, String, Option<String>, Option<i64>, Option<String>);
        let rows: Vec<Row> = st
            .query_map([person], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })
            .map_err(e)?
            .collect::<rusqlite::Result<_>>()
            .map_err(e)?;
        let mut accounts = Vec::new();
        for (aid, login, name, github_id, not_person) in rows {
            let mut links = links_of(&self.conn, &login).map_err(e)?;
            // no link names someone who opted out
            let named: Vec<String> = links.iter().map(|l| l.person.clone()).collect();
            let hidden = crate::optout::suppressed_logins(&self.conn, &named).map_err(e)?;
            links.retain(|l| !hidden.contains(&l.person));
            accounts.push(AccountView {
                links,
                contributions: contributions_of(&self.conn, aid).map_err(e)?,
                key: login,
                name,
                github_id,
                not_person,
            });
        }
        let key = accounts[0].key.clone();
        let locked = self
            .conn
            .query_row(
                "SELECT 1 FROM identity_locks WHERE person = ?1",
                [&key],
                |_| Ok(()),
            )
            .optional()
            .map_err(e)?
            .is_some();
        Ok(Some(IdentityView {
            name: accounts.iter().find_map(|a| a.name.clone()),
            person: key,
            locked,
            accounts,
        }))
    }

    /// Pending suggestions, best first (optionally for accounts with work in `repo`).
    pub fn identity_suggestions(
        &self,
        repo: Option<&str>,
        limit: u32,
    ) -> Result<Vec<SuggestionView>> {
        let e = |e| self.err(e);
        let repo_id: Option<i64> = match repo {
            Some(r) => Some(
                self.conn
                    .query_row("SELECT id FROM repos WHERE name = ?1", [r], |r| r.get(0))
                    .optional()
                    .map_err(e)?
                    .ok_or_else(|| self.unknown(r))?,
            ),
            None => None,
        };
        let mut st = self
            .conn
            .prepare(
                "SELECT l.account, l.person, l.method, l.evidence, l.confidence, l.state, l.at, l.by, p.name, p.id
                 FROM identity_links l JOIN people p ON p.login = l.account
                 WHERE l.state = 'suggested' AND p.member_of IS NULL AND p.optout IS NULL
                   AND (?1 IS NULL OR EXISTS (SELECT 1 FROM rollup INDEXED BY rollup_person WHERE person_id = p.id AND repo_id = ?1))
                 ORDER BY l.confidence DESC, l.account LIMIT ?2",
            )
            .map_err(e)?;
        let rows: Vec<(LinkView, Option<String>, i64)> = st
            .query_map(params![repo_id, limit], |r| {
                Ok((link_row(r)?, r.get(8)?, r.get(9)?))
            })
            .map_err(e)?
            .collect::<rusqlite::Result<_>>()
            .map_err(e)?;
        let targets: Vec<String> = rows.iter().map(|r| r.0.person.clone()).collect();
        let hidden = crate::optout::suppressed_logins(&self.conn, &targets).map_err(e)?;
        let mut out = Vec::new();
        for (l, name, id) in rows {
            if hidden.contains(&l.person) {
                continue;
            }
            out.push(SuggestionView {
                contributions: contributions_of(&self.conn, id).map_err(e)?,
                account: l.account,
                name,
                person: l.person,
                method: l.method,
                why: l.why,
                evidence: l.evidence,
                confidence: l.confidence,
            });
        }
        Ok(out)
    }

    /// The best pending suggestion of each of these accounts: `id → (login, why)`, for
    /// showing a git identity as "Name (git), likely @login".
    pub fn likely_logins(&self, ids: &[i64]) -> Result<HashMap<i64, (String, String)>> {
        let e = |e| self.err(e);
        let mut st = self
            .conn
            .prepare_cached(
                "SELECT l.person, l.method, l.confidence FROM people p JOIN identity_links l ON l.account = p.login
                 WHERE p.id = ?1 AND p.login LIKE '%:%' AND l.state IN ('suggested', 'proven')
                 ORDER BY l.confidence DESC LIMIT 1",
            )
            .map_err(e)?;
        let mut out = HashMap::new();
        for &id in ids {
            let hit: Option<(String, String)> = st
                .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()
                .map_err(e)?;
            if let Some((login, method)) = hit {
                // never a mention of someone who opted out
                if !crate::optout::suppressed_logins(&self.conn, std::slice::from_ref(&login))
                    .map_err(e)?
                    .is_empty()
                {
                    continue;
                }
                let why = Method::parse(&method).map_or("suggested", |m| m.describe());
                out.insert(id, (login, why.to_string()));
            }
        }
        Ok(out)
    }

    /// The audit log, newest first.
    pub fn identity_log(&self, limit: u32) -> Result<Vec<LogEntry>> {
        let e = |e| self.err(e);
        let mut st = self
            .conn
            .prepare("SELECT at, by, action, account, before, after, why FROM identity_log ORDER BY id DESC LIMIT ?1")
            .map_err(e)?;
        let rows = st
            .query_map([limit], |r| {
                Ok(LogEntry {
                    at: time::iso_string(r.get(0)?),
                    by: r.get(1)?,
                    action: r.get(2)?,
                    account: r.get(3)?,
                    before: r.get(4)?,
                    after: r.get(5)?,
                    why: r.get(6)?,
                })
            })
            .map_err(e)?;
        let rows: Vec<LogEntry> = rows.collect::<rusqlite::Result<_>>().map_err(e)?;
        // changes about people who opted out are not shown
        let named: Vec<String> = rows
            .iter()
            .flat_map(|r| [Some(&r.account), r.before.as_ref(), r.after.as_ref()])
            .flatten()
            .cloned()
            .collect();
        let hidden = crate::optout::suppressed_logins(&self.conn, &named).map_err(e)?;
        Ok(rows
            .into_iter()
            .filter(|r| {
                ![Some(&r.account), r.before.as_ref(), r.after.as_ref()]
                    .into_iter()
                    .flatten()
                    .any(|k| hidden.contains(k))
            })
            .collect())
    }

    fn identity_write<T>(
        &mut self,
        f: impl FnOnce(&Transaction, i64) -> std::result::Result<T, Refused>,
    ) -> Result<T> {
        let path = self.path.clone();
        let wrap = |source| StoreError::Sqlite {
            path: path.clone(),
            source,
        };
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(wrap)?;
        let out = match f(&tx, now()) {
            Ok(v) => v,
            Err(Refused::Sql(e)) => return Err(wrap(e)),
            Err(Refused::Unknown(key)) => return Err(StoreError::UnknownAccount { key }),
            Err(Refused::Why(why)) => return Err(StoreError::IdentityRefused { why }),
        };
        tx.commit().map_err(wrap)?;
        Ok(out)
    }

    /// Links `account` to `person` (a login, or another account's key): confirmed, applied
    /// now and after every re-ingest.
    pub fn identity_link(
        &mut self,
        account: &str,
        person: &str,
        by: &str,
        why: &str,
    ) -> Result<()> {
        self.identity_write(|tx, now| {
            let (id, key, member_of) = find(tx, account)?.ok_or_else(|| Refused::Unknown(account.into()))?;
            if !crate::optout::suppressed_logins(tx, &[person.trim_start_matches('@').to_string()])?.is_empty() {
                return Err(Refused::Unknown(person.into()));
            }
            let target = match find(tx, person)? {
                Some((pid, _, pm)) => pm.unwrap_or(pid),
                None if !person.contains(':') => person_for_login(tx, person.trim_start_matches('@'), 0)?
                    .ok_or_else(|| Refused::Unknown(person.into()))?,
                None => return Err(Refused::Unknown(person.into())),
            };
            if target == id {
                return Err(Refused::Why(format!("{key} is {person} already")));
            }
            let tkey = person_key(tx, target)?;
            let before = member_of.map(|m| person_key(tx, m)).transpose()?;
            tx.execute("DELETE FROM identity_links WHERE account = ?1 AND state = 'confirmed'", [&key])?;
            tx.execute(
                "INSERT INTO identity_links(account, person, method, evidence, confidence, state, at, by)
                 VALUES (?1, ?2, 'manual', ?3, 1.0, 'confirmed', ?4, ?5)
                 ON CONFLICT DO UPDATE SET method = 'manual', evidence = ?3, confidence = 1.0, state = 'confirmed', at = ?4, by = ?5",
                params![key, tkey, serde_json::to_string(&[why]).expect("serialises"), now, by],
            )?;
            apply::set_member(tx, id, Some(target))?;
            log_change(tx, now, by, "link", &key, before.as_deref(), Some(&tkey), why)?;
            Ok(())
        })
    }

    /// Takes `account` out of its person: it stands alone, and builtby never links it there
    /// again (the link is rejected).
    pub fn identity_unlink(&mut self, account: &str, by: &str, why: &str) -> Result<()> {
        self.identity_write(|tx, now| {
            let (id, key, member_of) =
                find(tx, account)?.ok_or_else(|| Refused::Unknown(account.into()))?;
            let Some(m) = member_of else {
                return Err(Refused::Why(format!(
                    "{key} is not linked to anyone (it is a person of its own)"
                )));
            };
            unlink(tx, id, &key, m, by, why, now, "unlink")?;
            Ok(())
        })
    }

    /// Every account of `person` stands alone again; none is linked back automatically.
    pub fn identity_split(&mut self, person: &str, by: &str, why: &str) -> Result<u64> {
        self.identity_write(|tx, now| {
            let (id, _, member_of) =
                find(tx, person)?.ok_or_else(|| Refused::Unknown(person.into()))?;
            let p = member_of.unwrap_or(id);
            let members: Vec<(i64, String)> = tx
                .prepare(
                    "SELECT id, login FROM people INDEXED BY people_member_of WHERE member_of = ?1",
                )?
                .query_map([p], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?;
            if members.is_empty() {
                return Err(Refused::Why(format!(
                    "{person} has one account: nothing to split"
                )));
            }
            for (mid, key) in &members {
                unlink(tx, *mid, key, p, by, why, now, "split")?;
            }
            Ok(members.len() as u64)
        })
    }

    /// Locks (or unlocks) a person: builtby never changes a locked person's accounts.
    pub fn identity_lock(&mut self, person: &str, lock: bool, by: &str, why: &str) -> Result<()> {
        self.identity_write(|tx, now| {
            let (id, _, member_of) =
                find(tx, person)?.ok_or_else(|| Refused::Unknown(person.into()))?;
            let key = person_key(tx, member_of.unwrap_or(id))?;
            if lock {
                tx.execute(
                    "INSERT INTO identity_locks(person, at, by, why) VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT DO UPDATE SET at = ?2, by = ?3, why = ?4",
                    params![key, now, by, why],
                )?;
            } else {
                tx.execute("DELETE FROM identity_locks WHERE person = ?1", [&key])?;
            }
            log_change(
                tx,
                now,
                by,
                if lock { "lock" } else { "unlock" },
                &key,
                None,
                None,
                why,
            )?;
            Ok(())
        })
    }

    /// Rejects the link of `account` to `person`: never suggested or applied again (and
    /// undone if it is applied now).
    pub fn identity_reject(
        &mut self,
        account: &str,
        person: &str,
        by: &str,
        why: &str,
    ) -> Result<()> {
        self.identity_write(|tx, now| {
            let (id, key, member_of) =
                find(tx, account)?.ok_or_else(|| Refused::Unknown(account.into()))?;
            let person = person.trim_start_matches('@');
            let current = member_of.map(|m| person_key(tx, m)).transpose()?;
            if let (Some(m), Some(c)) = (member_of, &current) {
                if c.eq_ignore_ascii_case(person) {
                    unlink(tx, id, &key, m, by, why, now, "reject")?;
                    return Ok(());
                }
            }
            reject_row(tx, &key, person, by, why, now)?;
            log_change(
                tx,
                now,
                by,
                "reject",
                &key,
                current.as_deref(),
                current.as_deref(),
                &format!("not {person}: {why}"),
            )?;
            Ok(())
        })
    }

    /// Re-decides every git identity from its evidence and the decisions about it.
    pub fn identity_resolve(&mut self) -> Result<ResolveSummary> {
        self.identity_write(|tx, now| {
            let keys: Vec<String> = tx
                .prepare("SELECT login FROM people WHERE login LIKE 'git:%'")?
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            let mut s = ResolveSummary::default();
            for k in keys {
                s.accounts += 1;
                s.changed += resolve::resolve_account(tx, &k, &RULES, now)? as u64;
            }
            Ok(s)
        })
    }
}

#[allow(clippy::too_many_arguments)]
fn unlink(
    tx: &Transaction,
    id: i64,
    key: &str,
    member_of: i64,
    by: &str,
    why: &str,
    now: i64,
    action: &str,
) -> rusqlite::Result<()> {
    let pkey = person_key(tx, member_of)?;
    reject_row(tx, key, &pkey, by, why, now)?;
    apply::set_member(tx, id, None)?;
    log_change(tx, now, by, action, key, Some(&pkey), None, why)
}

fn reject_row(
    tx: &Transaction,
    account: &str,
    person: &str,
    by: &str,
    why: &str,
    now: i64,
) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO identity_links(account, person, method, evidence, confidence, state, at, by)
         VALUES (?1, ?2, 'manual', ?3, 0.0, 'rejected', ?4, ?5)
         ON CONFLICT DO UPDATE SET state = 'rejected', evidence = ?3, at = ?4, by = ?5",
        params![
            account,
            person,
            serde_json::to_string(&[why]).expect("serialises"),
            now,
            by
        ],
    )?;
    Ok(())
}

/// Why an identity verb did nothing.
enum Refused {
    Sql(rusqlite::Error),
    Unknown(String),
    Why(String),
}

impl From<rusqlite::Error> for Refused {
    fn from(e: rusqlite::Error) -> Self {
        Refused::Sql(e)
    }
}

impl Store {
    /// Accounts of a namespace (their stored logins start with `prefix`, e.g. `hf:`) that are
    /// linked to a person: what `ingest huggingface --linked` refreshes.
    pub fn linked_accounts(&self, prefix: &str) -> Result<Vec<String>> {
        let e = |e| self.err(e);
        let pattern = format!(
            "{}%",
            prefix
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        );
        let mut st = self
            .conn
            .prepare(
                "SELECT login FROM people WHERE login LIKE ?1 ESCAPE '\\' AND member_of IS NOT NULL AND optout IS NULL ORDER BY login",
            )
            .map_err(e)?;
        let rows = st
            .query_map([pattern], |r| r.get::<_, String>(0))
            .map_err(e)?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(e)?;
        Ok(rows)
    }
}
