//! The recruiter's own state: shortlists (people a recruiter is reaching out to, with a
//! status and a note each) and the people already in the company's applicant-tracking system
//! (ATS), as imported from its export.
//!
//! Everything here is keyed by natural keys — a shortlist by its name, a person by their
//! GitHub login or account key (`git:<hash>`, `hf:<name>`…), never by a `people` row id — so
//! it survives re-ingesting every input. A person renamed since they were added is still
//! found: entries are matched through the person's current and former logins.
//!
//! Each change is one function and one transaction, the place where the audit log is written
//! (`// audit:` marks them). Free text (notes, the search a list is for) goes through
//! [`builtby_model::scrub_emails`] before it is stored: no e-mail address is ever kept.

use crate::{Result as StoreResult, Store, StoreError};
use builtby_model::{scrub_emails, time};
use rusqlite::{params, OptionalExtension, TransactionBehavior};
use serde::{Deserialize, Serialize};

/// Where a person on a shortlist stands in the recruiter's process.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    New,
    Contacted,
    Replied,
    Interviewing,
    Declined,
    Hired,
}

impl Status {
    pub const ALL: [Status; 6] = [
        Status::New,
        Status::Contacted,
        Status::Replied,
        Status::Interviewing,
        Status::Declined,
        Status::Hired,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::New => "new",
            Status::Contacted => "contacted",
            Status::Replied => "replied",
            Status::Interviewing => "interviewing",
            Status::Declined => "declined",
            Status::Hired => "hired",
        }
    }

    /// A status by name, any case.
    pub fn parse(s: &str) -> Option<Status> {
        let l = s.trim().to_ascii_lowercase();
        Status::ALL.into_iter().find(|x| x.as_str() == l)
    }

    /// `new, contacted, …`: for error messages.
    pub fn names() -> String {
        Status::ALL.map(Status::as_str).join(", ")
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Longest shortlist name, note and stored search, in characters.
pub const MAX_NAME: usize = 100;
pub const MAX_NOTE: usize = 2000;
pub const MAX_SEARCH: usize = 4000;
/// Most people one `add` takes.
pub const MAX_ADD: usize = 500;

/// Why a shortlist or ATS change was refused. `param` names what is at fault, as the CLI's
/// arguments and the API's fields name it (`name`, `person`, `status`, `note`, `search`).
#[derive(Debug, thiserror::Error)]
pub enum ShortlistError {
    #[error("{param}: {message}")]
    Bad {
        param: &'static str,
        message: String,
    },
    #[error("no shortlist named `{0}` (see `builtby shortlist list`)")]
    NoList(String),
    #[error("a shortlist named `{0}` exists already")]
    Exists(String),
    #[error("nobody with the login or account `{0}` is in the loaded data")]
    UnknownPerson(String),
    #[error("{person} is not on the shortlist `{list}`")]
    NotOnList { list: String, person: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

pub type Result<T> = std::result::Result<T, ShortlistError>;

fn bad(param: &'static str, message: impl Into<String>) -> ShortlistError {
    ShortlistError::Bad {
        param,
        message: message.into(),
    }
}

/// A shortlist name: 1 to [`MAX_NAME`] characters, no `/` (it is part of the API's paths), no
/// control characters; surrounding spaces are dropped. Names are compared in any case.
pub fn check_name(name: &str) -> Result<String> {
    let n = name.trim();
    if n.is_empty() {
        return Err(bad("name", "give the shortlist a name"));
    }
    if n.chars().count() > MAX_NAME {
        return Err(bad(
            "name",
            format!("at most {MAX_NAME} characters, please"),
        ));
    }
    if n.contains('/') || n.chars().any(char::is_control) {
        return Err(bad(
            "name",
            format!("`{n}` has a `/` or a control character; use letters, digits, spaces, - or _"),
        ));
    }
    Ok(n.to_string())
}

fn check_text(param: &'static str, s: &str, max: usize) -> Result<String> {
    let s = s.trim();
    if s.chars().count() > max {
        return Err(bad(param, format!("at most {max} characters, please")));
    }
    // No e-mail address is ever stored, whoever typed it.
    Ok(scrub_emails(s).into_owned())
}

/// One shortlist, as listed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ShortlistSummary {
    pub name: String,
    /// The search this list is for (a query string, as the API takes it), if one was given.
    pub search: Option<String>,
    /// `YYYY-MM-DDTHH:MM:SSZ`
    pub created_at: String,
    pub created_by: String,
    pub people: i64,
    /// People per status, in [`Status::ALL`] order, statuses with nobody left out.
    pub by_status: Vec<(Status, i64)>,
}

/// One person on a shortlist, as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ShortlistEntry {
    /// The person's key when added: a GitHub login, or an account key (`git:<hash>`).
    pub person: String,
    pub status: Status,
    pub note: String,
    /// The search they were added from (a query string), if any.
    pub search: Option<String>,
    pub added_at: String,
    pub added_by: String,
    pub updated_at: String,
    pub updated_by: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Shortlist {
    pub name: String,
    pub search: Option<String>,
    pub created_at: String,
    pub created_by: String,
    /// In the order they were added.
    pub people: Vec<ShortlistEntry>,
}

/// What [`Store::shortlist_add`] did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct AddSummary {
    /// The keys added, as stored (current logins).
    pub added: Vec<String>,
    /// Already on the list (their note is replaced when a note was given).
    pub already: Vec<String>,
}

/// A person the company's ATS already has.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AtsPerson {
    /// The GitHub login the ATS row named (by URL or login column).
    pub login: String,
    /// Where it came from: `file.csv:12`.
    pub source: String,
    pub imported_at: String,
    pub imported_by: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct AtsImportSummary {
    /// Logins stored by this import (new or seen again).
    pub stored: usize,
    /// Logins removed first (`replace`).
    pub removed: usize,
}

impl Store {
    /// One write transaction: `f` gets it, the time, and the one mapping of SQLite's errors
    /// (naming the store's file).
    fn write<T>(
        &mut self,
        f: impl FnOnce(
            &rusqlite::Transaction,
            i64,
            &dyn Fn(rusqlite::Error) -> ShortlistError,
        ) -> Result<T>,
    ) -> Result<T> {
        let path = self.path.clone();
        let wrap = |source| {
            ShortlistError::Store(StoreError::Sqlite {
                path: path.clone(),
                source,
            })
        };
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(wrap)?;
        let out = f(&tx, time::now(), &wrap)?;
        tx.commit().map_err(wrap)?;
        Ok(out)
    }

    fn sql<T>(&self, r: rusqlite::Result<T>) -> Result<T> {
        r.map_err(|e| ShortlistError::Store(self.err(e)))
    }

    /// The current key of a person (their GitHub login, or account key), from any of their
    /// logins, current or former.
    pub fn person_key(&self, person: &str) -> StoreResult<Option<String>> {
        let p = person.trim().trim_start_matches('@');
        let Some(id) = self.person_by_login(p)? else {
            return Ok(None);
        };
        Ok(self.people(&[id])?.into_iter().next().map(|r| r.login))
    }

    /// Every key a stored entry for `person` may have been written under: what was given,
    /// the person's current login and their former ones.
    fn aliases(&self, person: &str) -> StoreResult<Vec<String>> {
        let p = person.trim().trim_start_matches('@').to_string();
        let mut out = vec![p.clone()];
        if let Some(id) = self.person_by_login(&p)? {
            for r in self.people(&[id])? {
                out.push(r.login);
                out.extend(r.previous_logins);
            }
        }
        out.dedup();
        Ok(out)
    }

    fn list_exists(tx: &rusqlite::Connection, name: &str) -> rusqlite::Result<Option<String>> {
        tx.query_row("SELECT name FROM shortlists WHERE name = ?1", [name], |r| {
            r.get(0)
        })
        .optional()
    }

    /// `builtby shortlist create NAME`. `search`: the query string of the search the list is
    /// for (drafts for its people cite work in that scope).
    pub fn shortlist_create(&mut self, name: &str, search: Option<&str>, by: &str) -> Result<()> {
        let name = check_name(name)?;
        let search = search
            .map(|s| check_text("search", s, MAX_SEARCH))
            .transpose()?
            .filter(|s| !s.is_empty());
        self.write(|tx, now, sql| {
            if let Some(existing) = Self::list_exists(tx, &name).map_err(sql)? {
                return Err(ShortlistError::Exists(existing));
            }
            tx.execute(
                "INSERT INTO shortlists(name, search, created_at, created_by) VALUES (?1, ?2, ?3, ?4)",
                params![name, search, now, by],
            )
            .map_err(sql)?;
            // audit: shortlist created (who: `by`, what: name; people: 0)
            crate::audit::append(tx, by, "shortlist.create", &serde_json::json!({"list": name}), 0)
                .map_err(sql)?;
            Ok(())
        })
    }

    /// `builtby shortlist delete NAME`: the list and its entries.
    pub fn shortlist_delete(&mut self, name: &str, by: &str) -> Result<usize> {
        let name = check_name(name)?;
        self.write(|tx, _now, sql| {
            let Some(stored) = Self::list_exists(tx, &name).map_err(sql)? else {
                return Err(ShortlistError::NoList(name.clone()));
            };
            let n = tx
                .execute(
                    "DELETE FROM shortlist_people WHERE shortlist = ?1",
                    [&stored],
                )
                .map_err(sql)?;
            tx.execute("DELETE FROM shortlists WHERE name = ?1", [&stored])
                .map_err(sql)?;
            // audit: shortlist deleted (who: `by`, what: name; people: n)
            crate::audit::append(
                tx,
                by,
                "shortlist.delete",
                &serde_json::json!({"list": stored}),
                n as u64,
            )
            .map_err(sql)?;
            Ok(n)
        })
    }

    /// `builtby shortlist add NAME PERSON… [--note]`: every person must be in the store
    /// (all unknown ones are named, and nothing is added). People already on the list stay
    /// as they are, but for their note when one is given. `search`: the query string of the
    /// search they were added from.
    pub fn shortlist_add(
        &mut self,
        name: &str,
        people: &[String],
        note: Option<&str>,
        search: Option<&str>,
        by: &str,
    ) -> Result<AddSummary> {
        let name = check_name(name)?;
        if people.is_empty() {
            return Err(bad("person", "name at least one person to add"));
        }
        if people.len() > MAX_ADD {
            return Err(bad(
                "person",
                format!(
                    "{} people is too many at once; add at most {MAX_ADD}",
                    people.len()
                ),
            ));
        }
        let note = note.map(|n| check_text("note", n, MAX_NOTE)).transpose()?;
        let search = search
            .map(|s| check_text("search", s, MAX_SEARCH))
            .transpose()?
            .filter(|s| !s.is_empty());
        // Resolved before the write: current keys, and every alias to find an entry by.
        let mut keys: Vec<(String, Vec<String>)> = Vec::new();
        let mut unknown = Vec::new();
        for p in people {
            let p = p.trim().trim_start_matches('@');
            if p.is_empty() {
                continue;
            }
            match self.person_key(p)? {
                Some(k) => {
                    if !keys.iter().any(|(x, _)| x.eq_ignore_ascii_case(&k)) {
                        let aliases = self.aliases(&k)?;
                        keys.push((k, aliases));
                    }
                }
                None => unknown.push(p.to_string()),
            }
        }
        if !unknown.is_empty() {
            return Err(ShortlistError::UnknownPerson(unknown.join(", ")));
        }
        // opt-out: an opted-out person may be on no shortlist; refused as unknown, so the
        // answer does not tell that they were ever stored.
        for p in people {
            if self
                .is_suppressed(p.trim())
                .map_err(ShortlistError::Store)?
            {
                return Err(ShortlistError::UnknownPerson(p.trim().to_string()));
            }
        }
        self.write(|tx, now, sql| {
            let Some(list) = Self::list_exists(tx, &name).map_err(sql)? else {
                return Err(ShortlistError::NoList(name.clone()));
            };
            let mut out = AddSummary::default();
            for (key, aliases) in &keys {
                match entry_key(tx, &list, aliases).map_err(sql)? {
                    Some(existing) => {
                        if let Some(n) = &note {
                            tx.execute(
                                "UPDATE shortlist_people SET note = ?3, updated_at = ?4, updated_by = ?5
                                 WHERE shortlist = ?1 AND person = ?2",
                                params![list, existing, n, now, by],
                            )
                            .map_err(sql)?;
                        }
                        out.already.push(existing);
                    }
                    None => {
                        tx.execute(
                            "INSERT INTO shortlist_people(shortlist, person, status, note, search, added_at, added_by, updated_at, updated_by)
                             VALUES (?1, ?2, 'new', ?3, ?4, ?5, ?6, ?5, ?6)",
                            params![list, key, note.clone().unwrap_or_default(), search, now, by],
                        )
                        .map_err(sql)?;
                        out.added.push(key.clone());
                    }
                }
            }
            // audit: people added to a shortlist (who: `by`, what: list, note given; people:
            // out.added.len())
            crate::audit::append(
                tx,
                by,
                "shortlist.add",
                &serde_json::json!({"list": list, "note": note.is_some()}),
                out.added.len() as u64,
            )
            .map_err(sql)?;
            Ok(out)
        })
    }

    /// `builtby shortlist remove NAME PERSON`.
    pub fn shortlist_remove(&mut self, name: &str, person: &str, by: &str) -> Result<String> {
        let name = check_name(name)?;
        let aliases = self.aliases(person)?;
        self.write(|tx, _now, sql| {
            let list = Self::list_exists(tx, &name)
                .map_err(sql)?
                .ok_or_else(|| ShortlistError::NoList(name.clone()))?;
            let key = entry_key(tx, &list, &aliases)
                .map_err(sql)?
                .ok_or_else(|| ShortlistError::NotOnList {
                    list: list.clone(),
                    person: person.trim().to_string(),
                })?;
            tx.execute(
                "DELETE FROM shortlist_people WHERE shortlist = ?1 AND person = ?2",
                params![list, key],
            )
            .map_err(sql)?;
            // audit: person removed from a shortlist (who: `by`, what: list; people: 1)
            crate::audit::append(
                tx,
                by,
                "shortlist.remove",
                &serde_json::json!({"list": list}),
                1,
            )
            .map_err(sql)?;
            Ok(key)
        })
    }

    /// `builtby shortlist status NAME PERSON STATUS`.
    pub fn shortlist_set_status(
        &mut self,
        name: &str,
        person: &str,
        status: Status,
        by: &str,
    ) -> Result<String> {
        // audit: a person's status on a shortlist (who: `by`, what: list, person, status;
        // people: 1)
        self.update_entry(name, person, by, "status", status.as_str())
    }

    /// `builtby shortlist note NAME PERSON TEXT`: replaces the note (empty clears it).
    pub fn shortlist_set_note(
        &mut self,
        name: &str,
        person: &str,
        note: &str,
        by: &str,
    ) -> Result<String> {
        let note = check_text("note", note, MAX_NOTE)?;
        // audit: a person's note on a shortlist (who: `by`, what: list, person; people: 1;
        // never the note's text)
        self.update_entry(name, person, by, "note", &note)
    }

    fn update_entry(
        &mut self,
        name: &str,
        person: &str,
        by: &str,
        column: &'static str,
        value: &str,
    ) -> Result<String> {
        let name = check_name(name)?;
        let aliases = self.aliases(person)?;
        self.write(|tx, now, sql| {
            let list = Self::list_exists(tx, &name)
                .map_err(sql)?
                .ok_or_else(|| ShortlistError::NoList(name.clone()))?;
            let key = entry_key(tx, &list, &aliases)
                .map_err(sql)?
                .ok_or_else(|| ShortlistError::NotOnList {
                    list: list.clone(),
                    person: person.trim().to_string(),
                })?;
            // `column` is one of two names written in this file, never user input.
            tx.execute(
                &format!(
                    "UPDATE shortlist_people SET {column} = ?3, updated_at = ?4, updated_by = ?5
                     WHERE shortlist = ?1 AND person = ?2"
                ),
                params![list, key, value, now, by],
            )
            .map_err(sql)?;
            // audit: status or note (never the note's text); people: 1
            let mut what = serde_json::json!({"list": list});
            if column == "status" {
                what["status"] = value.into();
            }
            crate::audit::append(tx, by, &format!("shortlist.{column}"), &what, 1).map_err(sql)?;
            Ok(key)
        })
    }

    /// `builtby shortlist list`: every list, by name.
    pub fn shortlists(&self) -> Result<Vec<ShortlistSummary>> {
        let mut st = self.sql(self.conn.prepare(
            "SELECT s.name, s.search, s.created_at, s.created_by,
                    (SELECT group_concat(status, ',') FROM shortlist_people p WHERE p.shortlist = s.name)
             FROM shortlists s ORDER BY s.name COLLATE NOCASE",
        ))?;
        let rows = self.sql(
            st.query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, Option<String>>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, Option<String>>(4)?,
                ))
            })
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>()),
        )?;
        Ok(rows
            .into_iter()
            .map(|(name, search, at, by, statuses)| {
                let statuses: Vec<Status> = statuses
                    .unwrap_or_default()
                    .split(',')
                    .filter_map(Status::parse)
                    .collect();
                let by_status = Status::ALL
                    .into_iter()
                    .map(|s| (s, statuses.iter().filter(|x| **x == s).count() as i64))
                    .filter(|(_, n)| *n > 0)
                    .collect();
                ShortlistSummary {
                    name,
                    search,
                    created_at: time::iso_string(at),
                    created_by: by,
                    people: statuses.len() as i64,
                    by_status,
                }
            })
            .collect())
    }

    /// One list with its entries, in the order they were added; `None` when there is none
    /// by that name.
    pub fn shortlist(&self, name: &str) -> Result<Option<Shortlist>> {
        let name = check_name(name)?;
        let head = self.sql(
            self.conn
                .query_row(
                    "SELECT name, search, created_at, created_by FROM shortlists WHERE name = ?1",
                    [&name],
                    |r| {
                        Ok((
                            r.get::<_, String>(0)?,
                            r.get::<_, Option<String>>(1)?,
                            r.get::<_, i64>(2)?,
                            r.get::<_, String>(3)?,
                        ))
                    },
                )
                .optional(),
        )?;
        let Some((name, search, at, by)) = head else {
            return Ok(None);
        };
        let mut st = self.sql(self.conn.prepare(
            "SELECT person, status, note, search, added_at, added_by, updated_at, updated_by
             FROM shortlist_people WHERE shortlist = ?1 ORDER BY added_at, person",
        ))?;
        let people = self.sql(
            st.query_map([&name], |r| {
                Ok(ShortlistEntry {
                    person: r.get(0)?,
                    status: Status::parse(&r.get::<_, String>(1)?).unwrap_or(Status::New),
                    note: r.get(2)?,
                    search: r.get(3)?,
                    added_at: time::iso_string(r.get(4)?),
                    added_by: r.get(5)?,
                    updated_at: time::iso_string(r.get(6)?),
                    updated_by: r.get(7)?,
                })
            })
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>()),
        )?;
        Ok(Some(Shortlist {
            name,
            search,
            created_at: time::iso_string(at),
            created_by: by,
            people,
        }))
    }

    /// `builtby ats import`: stores the logins of people already in the company's pipeline,
    /// each with where it was read (`file.csv:12`), nothing else from the file. With
    /// `replace`, the logins stored before are removed first (the file is the whole
    /// pipeline).
    pub fn ats_import(
        &mut self,
        logins: &[(String, String)],
        replace: bool,
        by: &str,
    ) -> Result<AtsImportSummary> {
        self.write(|tx, now, sql| {
            let removed = if replace {
                tx.execute("DELETE FROM ats_people", []).map_err(sql)?
            } else {
                0
            };
            let mut stored = 0;
            // opt-out: the ATS's own list is the company's; an opted-out login is still never
            // shown (searches leave them out before `in_ats` is looked at).
            for (login, source) in logins {
                let login = login.trim().trim_start_matches('@');
                if login.is_empty() {
                    continue;
                }
                tx.execute(
                    "INSERT INTO ats_people(login, source, imported_at, imported_by) VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT DO UPDATE SET source = ?2, imported_at = ?3, imported_by = ?4",
                    params![login, scrub_emails(source), now, by],
                )
                .map_err(sql)?;
                stored += 1;
            }
            // audit: ATS import (who: `by`; people: stored)
            crate::audit::append(tx, by, "ats.import", &serde_json::json!({"removed": removed}), stored as u64)
                .map_err(sql)?;
            Ok(AtsImportSummary { stored, removed })
        })
    }

    /// The people the company's ATS has, as imported.
    pub fn ats_people(&self) -> Result<Vec<AtsPerson>> {
        let mut st = self.sql(self.conn.prepare(
            "SELECT login, source, imported_at, imported_by FROM ats_people ORDER BY login COLLATE NOCASE",
        ))?;
        self.sql(
            st.query_map([], |r| {
                Ok(AtsPerson {
                    login: r.get(0)?,
                    source: r.get(1)?,
                    imported_at: time::iso_string(r.get(2)?),
                    imported_by: r.get(3)?,
                })
            })
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>()),
        )
    }

    /// The ATS's logins, lower-cased: searches mark (`in_ats`) or leave out (`not_in_ats`)
    /// people with one of them as their current or a former login.
    pub fn ats_logins(&self) -> StoreResult<std::collections::HashSet<String>> {
        let mut st = self
            .conn
            .prepare_cached("SELECT lower(login) FROM ats_people")
            .map_err(|e| self.err(e))?;
        let rows = st
            .query_map([], |r| r.get::<_, String>(0))
            .map_err(|e| self.err(e))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(|e| self.err(e))
    }
}

/// The key an entry of `list` is stored under, found by any of the person's aliases.
fn entry_key(
    tx: &rusqlite::Connection,
    list: &str,
    aliases: &[String],
) -> rusqlite::Result<Option<String>> {
    let mut st = tx.prepare_cached(
        "SELECT person FROM shortlist_people WHERE shortlist = ?1 AND person = ?2",
    )?;
    for a in aliases {
        if let Some(k) = st
            .query_row(params![list, a], |r| r.get::<_, String>(0))
            .optional()?
        {
            return Ok(Some(k));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use builtby_model::{Actor, Contribution, Kind, Record};

    fn store(name: &str) -> Store {
        let dir =
            std::env::temp_dir().join(format!("builtby-shortlists-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let mut s = Store::open(&dir).unwrap();
        let people = [(1, "ana"), (2, "bo")];
        let mut l = s.begin().unwrap();
        for (id, login) in people {
            let c = Contribution::new(
                format!("pr_merged/o/r#{id}"),
                Kind::PrMerged,
                "o/r".into(),
                Actor {
                    github_id: Some(id),
                    login: login.into(),
                    is_bot_type: false,
                },
                1_700_000_000,
            );
            l.add(&Record::Contribution(Box::new(c))).unwrap();
        }
        l.commit(
            &crate::InputFile {
                source: builtby_model::Source::Github,
                path: "x".into(),
                size: 1,
                checksum: "sum".into(),
            },
            &builtby_model::ReadReport::new(builtby_model::Source::Github),
        )
        .unwrap();
        s
    }

    #[test]
    fn lists_people_statuses_and_notes() {
        let mut s = store("basic");
        s.shortlist_create("ML infra", Some("repo=o/r"), "rita")
            .unwrap();
        assert!(matches!(
            s.shortlist_create("ml INFRA", None, "rita"),
            Err(ShortlistError::Exists(n)) if n == "ML infra"
        ));
        let e = s
            .shortlist_add(
                "ml infra",
                &["ana".into(), "nobody".into()],
                None,
                None,
                "rita",
            )
            .unwrap_err();
        assert!(e.to_string().contains("nobody"), "{e}");
        let added = s
            .shortlist_add(
                "ml infra",
                &["@Ana".into(), "bo".into(), "ana".into()],
                Some("met at a conference, write to ana@example.com"),
                Some("repo=o/r&kind=pr_merged"),
                "rita",
            )
            .unwrap();
        assert_eq!(added.added, ["ana", "bo"]);
        let again = s
            .shortlist_add("ML infra", &["ana".into()], None, None, "rita")
            .unwrap();
        assert_eq!((again.added.len(), again.already.len()), (0, 1));
        s.shortlist_set_status("ML infra", "ana", Status::Contacted, "sam")
            .unwrap();
        s.shortlist_set_note("ML infra", "bo", "prefers async", "sam")
            .unwrap();
        let l = s.shortlist("ml infra").unwrap().unwrap();
        assert_eq!(l.name, "ML infra");
        assert_eq!(l.people.len(), 2);
        let ana = &l.people[0];
        assert_eq!(
            (ana.person.as_str(), ana.status),
            ("ana", Status::Contacted)
        );
        assert!(!ana.note.contains('@'), "no e-mail is stored: {}", ana.note);
        assert_eq!(ana.updated_by, "sam");
        assert_eq!(l.people[1].note, "prefers async");
        let all = s.shortlists().unwrap();
        assert_eq!(all[0].people, 2);
        assert_eq!(
            all[0].by_status,
            vec![(Status::New, 1), (Status::Contacted, 1)]
        );
        assert!(matches!(
            s.shortlist_set_status("ML infra", "nobody", Status::Hired, "x"),
            Err(ShortlistError::NotOnList { .. })
        ));
        assert!(matches!(
            s.shortlist_set_note("other", "ana", "x", "x"),
            Err(ShortlistError::NoList(_))
        ));
        assert_eq!(s.shortlist_remove("ML infra", "bo", "x").unwrap(), "bo");
        assert_eq!(s.shortlist_delete("ML infra", "x").unwrap(), 1);
        assert!(s.shortlist("ML infra").unwrap().is_none());
        for bad in ["", "a/b", &"x".repeat(MAX_NAME + 1)] {
            assert!(matches!(
                s.shortlist_create(bad, None, "x"),
                Err(ShortlistError::Bad { param: "name", .. })
            ));
        }
        assert_eq!(Status::parse("Interviewing"), Some(Status::Interviewing));
        assert_eq!(Status::parse("maybe"), None);
    }

    #[test]
    fn ats_logins_are_stored_alone() {
        let mut s = store("ats");
        let r = s
            .ats_import(
                &[
                    ("Ana".into(), "p.csv:2".into()),
                    ("zed".into(), "p.csv:3".into()),
                ],
                false,
                "rita",
            )
            .unwrap();
        assert_eq!(r.stored, 2);
        let set = s.ats_logins().unwrap();
        assert!(set.contains("ana") && set.contains("zed"));
        let r = s
            .ats_import(&[("bo".into(), "q.csv:2".into())], true, "rita")
            .unwrap();
        assert_eq!((r.stored, r.removed), (1, 2));
        let people = s.ats_people().unwrap();
        assert_eq!(people.len(), 1);
        assert_eq!(people[0].source, "q.csv:2");
    }
}
