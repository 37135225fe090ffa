//! Opt-out: people who asked builtby to leave them out.
//!
//! **The suppression list** (`optouts`) holds keyed hashes of accounts: HMAC-SHA256 with the
//! store's own random key (`privacy_key`) of the account's canonical form (`ana`, `hf:ana`,
//! `kaggle:ana`, `ghid:123` for a GitHub account id), cut to 128 bits. Never the plain login.
//! An opt-out also lists, with `via` naming it, every other identifier of the same person the
//! store knows: its linked accounts (git identities, Hugging Face, Kaggle…), its former
//! logins and its GitHub id (renames are followed). Nothing deletes the list: not an erasure
//! ([`erase`]), not a re-ingest.
//!
//! **Honoured at ingest**, on the one write path ([`crate::Batch`]): a record whose account is
//! on the list, or whose account belongs to a suppressed person, is not stored (counted in
//! [`crate::LoadSummary::suppressed`]); a merge by such an account is stored without its
//! merger; votes and suggestions naming such a login are dropped; a git identity *proven* to
//! be such an account (its noreply address, GitHub's commits API) joins the list.
//!
//! **Honoured at read**: every account row of a suppressed person carries `people.optout`
//! (kept by [`settle_person`] whenever an opt-out, a removal or an identity change moves
//! accounts), and [`Store::people`] never returns such a person: search results, `also` and
//! `likely` mentions, person pages, exports and identity views all leave them out. Other
//! features filter with [`Store::suppressed_people`] or [`Store::is_suppressed`].

pub mod erase;

use crate::{Result, Store, StoreError};
use builtby_model::{time, Actor};
use ring::hmac;
use rusqlite::{params, Connection, OptionalExtension, Transaction, TransactionBehavior};
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// Who is recorded for changes builtby makes by itself.
pub const AUTO_BY: &str = "builtby";

/// The canonical form of an account a person names: `login` (a GitHub login), `hf:name`,
/// `kaggle:name`, `git:<key>`, `arxiv:<name>`, lower case. Accepts `@login`, profile URLs
/// (`https://github.com/ana`, `https://huggingface.co/ana`, `https://www.kaggle.com/ana`) and
/// `github:`/`huggingface:` prefixes. An e-mail address is refused (builtby keeps none, so it
/// could never find one); the error says what to give instead, without repeating the input.
pub fn canonical_account(given: &str) -> std::result::Result<String, String> {
    let mut s = given.trim();
    for scheme in ["https://", "http://"] {
        if let Some(rest) = s.strip_prefix(scheme) {
            s = rest;
        }
    }
    let s_www = s.strip_prefix("www.").unwrap_or(s);
    let mut from_url: Option<(&str, &str)> = None;
    for (host, prefix) in [
        ("github.com/", ""),
        ("huggingface.co/", "hf:"),
        ("kaggle.com/", "kaggle:"),
    ] {
        if let Some(rest) = s_www.strip_prefix(host) {
            let first = rest.split(['/', '?', '#']).next().unwrap_or("");
            from_url = Some((prefix, first));
        }
    }
    let (prefix, key) = match from_url {
        Some(pk) => pk,
        None => {
            let s = s.trim_start_matches('@');
            if s.contains('@') {
                return Err("that looks like an e-mail address: builtby keeps no e-mail addresses, so it cannot find anyone by one; give the GitHub login, hf:NAME (Hugging Face) or kaggle:NAME".into());
            }
            match s.split_once(':') {
                None => ("", s),
                Some((p, k)) => match p.to_ascii_lowercase().as_str() {
                    "github" | "gh" => ("", k),
                    "hf" | "huggingface" => ("hf:", k),
                    "kaggle" => ("kaggle:", k),
                    "git" => ("git:", k),
                    "arxiv" => ("arxiv:", k),
                    _ => {
                        return Err(
                            "unknown kind of account: give a GitHub login, hf:NAME (Hugging Face) or kaggle:NAME"
                                .into(),
                        )
                    }
                },
            }
        }
    };
    let key = key.trim().trim_start_matches('@');
    if key.is_empty() {
        return Err("no account given: give a GitHub login, hf:NAME or kaggle:NAME".into());
    }
    if key.contains('@') {
        return Err("that looks like an e-mail address: builtby keeps no e-mail addresses; give the account's name".into());
    }
    if key.len() > 100
        || !key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        return Err(
            "not an account name: letters, digits, '-', '_' and '.' only, at most 100".into(),
        );
    }
    Ok(format!("{prefix}{}", key.to_ascii_lowercase()))
}

/// The canonical form of a stored login (`Ana`, `git:ab12`, `hf:Ana`).
pub(crate) fn stored_canonical(login: &str) -> String {
    login.to_lowercase()
}

fn github_id_canonical(id: i64) -> String {
    format!("ghid:{id}")
}

/// The store's key for the list's hashes.
pub(crate) fn key(conn: &Connection) -> rusqlite::Result<hmac::Key> {
    let k: Vec<u8> = conn
        .prepare_cached("SELECT key FROM privacy_key WHERE id = 1")?
        .query_row([], |r| r.get(0))?;
    Ok(hmac::Key::new(hmac::HMAC_SHA256, &k))
}

/// The keyed hash of a canonical account: 32 hex digits.
pub(crate) fn hash(key: &hmac::Key, canonical: &str) -> String {
    let tag = hmac::sign(key, format!("builtby-optout:{canonical}").as_bytes());
    tag.as_ref()[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// True when the list has any entry (every check is skipped on a store without opt-outs).
pub(crate) fn any(conn: &Connection) -> rusqlite::Result<bool> {
    conn.prepare_cached("SELECT EXISTS (SELECT 1 FROM optouts)")?
        .query_row([], |r| r.get(0))
}

/// The opt-out an identifier hash belongs to (its `via`, else itself), if it is listed.
fn root_of(conn: &Connection, h: &str) -> rusqlite::Result<Option<String>> {
    conn.prepare_cached("SELECT coalesce(via, hash) FROM optouts WHERE hash = ?1")?
        .query_row([h], |r| r.get(0))
        .optional()
}

/// True when the canonical account `canonical` is on the list.
pub(crate) fn covered(conn: &Connection, canonical: &str) -> rusqlite::Result<bool> {
    if !any(conn)? {
        return Ok(false);
    }
    let k = key(conn)?;
    Ok(root_of(conn, &hash(&k, canonical))?.is_some())
}

/// The account rows of person `p`: its own and its members', `(id, login, github_id)`.
fn group(conn: &Connection, p: i64) -> rusqlite::Result<Vec<(i64, String, Option<i64>)>> {
    let mut st = conn.prepare_cached(
        "SELECT id, login, github_id FROM people WHERE id = ?1
         UNION ALL SELECT id, login, github_id FROM people INDEXED BY people_member_of WHERE member_of = ?1",
    )?;
    let rows = st.query_map([p], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    rows.collect()
}

/// Every identifier of a group the list may name: its logins (current and former) and its
/// GitHub ids, canonical.
fn identifiers(
    conn: &Connection,
    rows: &[(i64, String, Option<i64>)],
) -> rusqlite::Result<Vec<String>> {
    let mut out = Vec::new();
    let mut former = conn.prepare_cached("SELECT login FROM logins WHERE person_id = ?1")?;
    for (id, login, gid) in rows {
        out.push(stored_canonical(login));
        if let Some(g) = gid {
            out.push(github_id_canonical(*g));
        }
        for l in former.query_map([id], |r| r.get::<_, String>(0))? {
            out.push(stored_canonical(&l?));
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// Makes person `p`'s flags agree with the list: when any identifier of any of its accounts
/// is listed, every account row is flagged and every identifier listed (with the opt-out it
/// came from as `via`); when none is, every flag is cleared. Returns true when suppressed.
/// Called after every change that moves accounts between people (an opt-out and its removal,
/// links, unlinks, merges at ingest).
pub(crate) fn settle_person(tx: &Connection, p: i64, now: i64) -> rusqlite::Result<bool> {
    if !any(tx)? {
        return Ok(false);
    }
    let rows = group(tx, p)?;
    if rows.is_empty() {
        return Ok(false);
    }
    let k = key(tx)?;
    let idents = identifiers(tx, &rows)?;
    let hashes: Vec<String> = idents.iter().map(|i| hash(&k, i)).collect();
    let mut root = None;
    for h in &hashes {
        if let Some(r) = root_of(tx, h)? {
            root = Some(r);
            break;
        }
    }
    let mut flag =
        tx.prepare_cached("UPDATE people SET optout = ?2 WHERE id = ?1 AND optout IS NOT ?2")?;
    match root {
        Some(r) => {
            for (id, _, _) in &rows {
                flag.execute(params![id, 1])?;
            }
            let mut ins = tx.prepare_cached(
                "INSERT OR IGNORE INTO optouts(hash, via, at, by, reason) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            for h in &hashes {
                if *h != r {
                    ins.execute(params![
                        h,
                        r,
                        now,
                        AUTO_BY,
                        "another identifier of an opted-out person"
                    ])?;
                }
            }
            Ok(true)
        }
        None => {
            for (id, _, _) in &rows {
                flag.execute(params![id, Option::<i64>::None])?;
            }
            Ok(false)
        }
    }
}

/// The person (`coalesce(member_of, id)`) of every account row a canonical account names:
/// its current login, or a former one. Opted-out people included.
fn people_named(conn: &Connection, canonical: &str) -> rusqlite::Result<Vec<i64>> {
    let mut out: Vec<i64> = conn
        .prepare_cached(
            "SELECT coalesce(member_of, id) FROM people INDEXED BY people_login WHERE login = ?1 COLLATE NOCASE",
        )?
        .query_map([canonical], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let former: Vec<i64> = conn
        .prepare_cached(
            "SELECT coalesce(p.member_of, p.id) FROM logins l JOIN people p ON p.id = l.person_id WHERE l.login = ?1",
        )?
        .query_map([canonical], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    out.extend(former);
    out.sort_unstable();
    out.dedup();
    Ok(out)
}

/// What `optout add` did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OptOutSummary {
    /// The account's keyed hash: what the list holds, and the person's reference in the
    /// audit log.
    pub hash: String,
    /// It was on the list already.
    pub already: bool,
    /// People in the store it hides (0 when the store has none of their work yet: their
    /// records will not be stored when they come).
    pub people: u64,
    /// Account rows hidden with them (their own and linked accounts).
    pub accounts: u64,
}

/// One opt-out, as `optout list` and `GET /api/optouts` show it: no login.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OptOutRow {
    pub hash: String,
    /// `YYYY-MM-DDTHH:MM:SSZ`
    pub at: String,
    pub by: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// When the person's data was erased, if it was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub erased_at: Option<String>,
    /// Other identifiers suppressed with it (linked accounts, former logins, the GitHub id).
    pub linked: u64,
}

impl Store {
    fn bad_account(&self, why: String) -> StoreError {
        StoreError::BadAccount { why }
    }

    /// The reference of an account in the audit log and on the suppression list: its keyed
    /// hash. Something that is not an account name gets the hash of its trimmed lower-case
    /// text, so that nothing typed is ever written as it is.
    pub fn person_ref(&self, account: &str) -> Result<String> {
        let canonical =
            canonical_account(account).unwrap_or_else(|_| account.trim().to_lowercase());
        let k = key(&self.conn).map_err(|e| self.err(e))?;
        Ok(hash(&k, &canonical))
    }

    /// Puts `account` (a GitHub login, `hf:NAME`, `kaggle:NAME`, a profile URL…) on the
    /// suppression list, with every account of the same person the store knows, and hides
    /// them everywhere; logged in the audit log as `optout.add` by `by`. `reason` is kept
    /// with the entry (e-mail addresses scrubbed). Opting out again changes nothing.
    pub fn optout_add(
        &mut self,
        account: &str,
        reason: Option<&str>,
        by: &str,
    ) -> Result<OptOutSummary> {
        let canonical = canonical_account(account).map_err(|w| self.bad_account(w))?;
        self.privacy_write(|tx, now| {
            let s = add_in(tx, &canonical, reason, by, now)?;
            crate::audit::append(
                tx,
                by,
                "optout.add",
                &serde_json::json!({"person": s.hash, "already": s.already, "accounts": s.accounts}),
                s.people,
            )?;
            Ok(s)
        })
    }

    /// Takes `account`'s opt-out off the list (with the identifiers it suppressed), and shows
    /// its person again if the store still has their work. Allowed, and logged as
    /// `optout.remove`. Returns false when it was not on the list. An account suppressed only
    /// with another one (a linked account) names that opt-out: it is the one removed.
    pub fn optout_remove(&mut self, account: &str, by: &str) -> Result<bool> {
        let canonical = canonical_account(account).map_err(|w| self.bad_account(w))?;
        self.privacy_write(|tx, now| {
            let k = key(tx)?;
            let h = hash(&k, &canonical);
            let Some(root) = root_of(tx, &h)? else {
                return Ok(false);
            };
            let erased: Option<i64> = tx
                .query_row(
                    "SELECT erased_at FROM optouts WHERE hash = ?1",
                    [&root],
                    |r| r.get(0),
                )
                .optional()?
                .flatten();
            tx.execute(
                "DELETE FROM optouts WHERE hash = ?1 OR via = ?1",
                params![root],
            )?;
            // every person still flagged is settled again: those this opt-out hid come back
            let flagged: Vec<i64> = tx
                .prepare("SELECT DISTINCT coalesce(member_of, id) FROM people INDEXED BY people_optout WHERE optout IS NOT NULL")?
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            let mut shown = 0u64;
            for p in flagged {
                if !settle_person_or_clear(tx, p, now)? {
                    shown += 1;
                }
            }
            crate::audit::append(
                tx,
                by,
                "optout.remove",
                &serde_json::json!({"person": root, "erased": erased.is_some()}),
                shown,
            )?;
            Ok(true)
        })
    }

    /// The suppression list: one row per opt-out, newest first, with no login.
    pub fn optouts(&self) -> Result<Vec<OptOutRow>> {
        let mut st = self
            .conn
            .prepare(
                "SELECT o.hash, o.at, o.by, o.reason, o.erased_at,
                        (SELECT count(*) FROM optouts l INDEXED BY optouts_via WHERE l.via = o.hash)
                 FROM optouts o WHERE o.via IS NULL ORDER BY o.at DESC, o.hash",
            )
            .map_err(|e| self.err(e))?;
        let rows = st
            .query_map([], |r| {
                Ok(OptOutRow {
                    hash: r.get(0)?,
                    at: time::iso_string(r.get(1)?),
                    by: r.get(2)?,
                    reason: r.get(3)?,
                    erased_at: r.get::<_, Option<i64>>(4)?.map(time::iso_string),
                    linked: r.get::<_, i64>(5)? as u64,
                })
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(|e| self.err(e))
    }

    /// Of these person ids, the ones that are suppressed (opted out, or erased and
    /// re-created by nothing). Shortlists, saved searches and outreach drafts drop them.
    pub fn suppressed_people(&self, ids: &[i64]) -> Result<HashSet<i64>> {
        let mut out = HashSet::new();
        if ids.is_empty() || !any(&self.conn).map_err(|e| self.err(e))? {
            return Ok(out);
        }
        let mut st = self
            .conn
            .prepare_cached(
                "SELECT 1 FROM people WHERE id = ?1 AND (optout IS NOT NULL
                   OR EXISTS (SELECT 1 FROM people m INDEXED BY people_member_of WHERE m.member_of = people.id AND m.optout IS NOT NULL)
                   OR (member_of IS NOT NULL AND EXISTS (SELECT 1 FROM people q WHERE q.id = people.member_of AND q.optout IS NOT NULL)))",
            )
            .map_err(|e| self.err(e))?;
        for &id in ids {
            if st
                .query_row([id], |_| Ok(()))
                .optional()
                .map_err(|e| self.err(e))?
                .is_some()
            {
                out.insert(id);
            }
        }
        Ok(out)
    }

    /// Those of `logins` that belong to people on the suppression list (never mentioned).
    pub fn suppressed_logins(&self, logins: &[String]) -> Result<HashSet<String>> {
        suppressed_logins(&self.conn, logins).map_err(|e| self.err(e))
    }

    /// True when `account` (a GitHub login, `hf:NAME`, `kaggle:NAME`, a stored key such as
    /// `git:<key>`) is on the suppression list or belongs to a suppressed person. Something
    /// that is not an account name is not suppressed.
    pub fn is_suppressed(&self, account: &str) -> Result<bool> {
        let Ok(canonical) = canonical_account(account) else {
            return Ok(false);
        };
        let e = |e| self.err(e);
        if !any(&self.conn).map_err(e)? {
            return Ok(false);
        }
        if covered(&self.conn, &canonical).map_err(e)? {
            return Ok(true);
        }
        let people = people_named(&self.conn, &canonical).map_err(e)?;
        Ok(!self.suppressed_people(&people)?.is_empty())
    }

    /// Runs `f` in one write transaction (with the time now).
    pub(crate) fn privacy_write<T>(
        &mut self,
        f: impl FnOnce(&Transaction, i64) -> rusqlite::Result<T>,
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
        let out = f(&tx, time::now()).map_err(wrap)?;
        tx.commit().map_err(wrap)?;
        Ok(out)
    }
}

/// [`settle_person`], clearing the flags when the list is empty (it skips that case).
fn settle_person_or_clear(tx: &Transaction, p: i64, now: i64) -> rusqlite::Result<bool> {
    if any(tx)? {
        return settle_person(tx, p, now);
    }
    tx.execute(
        "UPDATE people SET optout = NULL WHERE id = ?1 OR member_of = ?1",
        [p],
    )?;
    Ok(false)
}

/// Lists `canonical` (if it is not listed yet) and settles every person it names.
pub(crate) fn add_in(
    tx: &Transaction,
    canonical: &str,
    reason: Option<&str>,
    by: &str,
    now: i64,
) -> rusqlite::Result<OptOutSummary> {
    let k = key(tx)?;
    let h = hash(&k, canonical);
    let already = root_of(tx, &h)?.is_some();
    if !already {
        let reason = reason
            .map(|r| builtby_model::scrub_emails(r.trim()).into_owned())
            .filter(|r| !r.is_empty());
        tx.execute(
            "INSERT INTO optouts(hash, via, at, by, reason) VALUES (?1, NULL, ?2, ?3, ?4)",
            params![h, now, by, reason],
        )?;
    }
    let mut people = 0;
    let mut accounts = 0;
    for p in people_named(tx, canonical)? {
        if settle_person(tx, p, now)? {
            people += 1;
            accounts += group(tx, p)?.len() as u64;
        }
    }
    Ok(OptOutSummary {
        hash: h,
        already,
        people,
        accounts,
    })
}

/// The suppression list as one load sees it: loaded once at [`crate::Store::begin`] (nothing
/// when the list is empty: then no check costs anything), with per-account answers cached.
#[derive(Default)]
pub(crate) struct BatchPrivacy {
    list: Option<(hmac::Key, HashSet<String>)>,
    /// canonical identifier → suppressed
    cache: HashMap<String, bool>,
    /// Accounts this load found to be a suppressed account (a proven link to one):
    /// (the account's stored login, the suppressed login), listed at commit.
    pub(crate) proven: Vec<(String, String)>,
}

impl BatchPrivacy {
    pub(crate) fn load(conn: &Connection) -> rusqlite::Result<BatchPrivacy> {
        if !any(conn)? {
            return Ok(BatchPrivacy::default());
        }
        let hashes: HashSet<String> = conn
            .prepare("SELECT hash FROM optouts")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(BatchPrivacy {
            list: Some((key(conn)?, hashes)),
            ..Default::default()
        })
    }

    /// True when the list is not empty (the only case any check is made).
    pub(crate) fn on(&self) -> bool {
        self.list.is_some()
    }

    fn listed(&mut self, canonical: String) -> bool {
        let Some((k, hashes)) = &self.list else {
            return false;
        };
        if let Some(&s) = self.cache.get(&canonical) {
            return s;
        }
        let s = hashes.contains(&hash(k, &canonical));
        self.cache.insert(canonical, s);
        s
    }

    /// A stored login (`ana`, `git:ab12`, `hf:ana`) on the list.
    pub(crate) fn login(&mut self, login: &str) -> bool {
        self.on() && self.listed(stored_canonical(login))
    }

    /// An actor on the list, by login or GitHub id.
    pub(crate) fn actor(&mut self, a: &Actor) -> bool {
        self.on()
            && (self.listed(stored_canonical(&a.login))
                || a.github_id
                    .is_some_and(|g| self.listed(github_id_canonical(g))))
    }

    /// `account` is proven to be `login`'s, a suppressed account: suppressed from now on in
    /// this load, listed at commit.
    pub(crate) fn prove(&mut self, account: &str, login: &str) {
        self.cache.insert(stored_canonical(account), true);
        self.proven.push((account.to_string(), login.to_string()));
    }
}

/// At a load's commit: accounts proven in it to be suppressed accounts join the list (under
/// the opt-out of the account they were proven to be), and their people, if stored before,
/// are settled.
pub(crate) fn settle_batch(tx: &Transaction, b: BatchPrivacy) -> rusqlite::Result<()> {
    if b.proven.is_empty() {
        return Ok(());
    }
    let now = time::now();
    let k = key(tx)?;
    for (account, login) in &b.proven {
        let target = hash(&k, &stored_canonical(login));
        let via = root_of(tx, &target)?;
        tx.execute(
            "INSERT OR IGNORE INTO optouts(hash, via, at, by, reason) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                hash(&k, &stored_canonical(account)),
                via,
                now,
                AUTO_BY,
                "proven to be an opted-out account"
            ],
        )?;
        for p in people_named(tx, &stored_canonical(account))? {
            settle_person(tx, p, now)?;
        }
    }
    Ok(())
}

/// The people of these logins (in `identity_links` or `identity_votes`, say) that are
/// suppressed: listed, or a suppressed person's account. For filtering what the read side
/// shows about other accounts (a git identity's "likely @login").
pub(crate) fn suppressed_logins(
    conn: &Connection,
    logins: &[String],
) -> rusqlite::Result<HashSet<String>> {
    let mut out = HashSet::new();
    if logins.is_empty() || !any(conn)? {
        return Ok(out);
    }
    let k = key(conn)?;
    let mut flagged = conn.prepare_cached(
        "SELECT 1 FROM people INDEXED BY people_login WHERE login = ?1 COLLATE NOCASE AND optout IS NOT NULL LIMIT 1",
    )?;
    for l in logins {
        let c = stored_canonical(l);
        if root_of(conn, &hash(&k, &c))?.is_some()
            || flagged.query_row([l], |_| Ok(())).optional()?.is_some()
        {
            out.insert(l.clone());
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
