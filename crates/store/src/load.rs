//! Loading one input file in one transaction.
//!
//! People and repositories are resolved through small per-file caches; profile updates and
//! login history are gathered per file and written once at commit, so the per-record cost is
//! one insert into `contributions` plus, for a new record, the rollup and full-text rows.

use crate::{Result, Store, StoreError};
use builtby_model::{Actor, Contribution, Kind, Pointer, Profile, Record};
use rusqlite::{params, OptionalExtension, Transaction, TransactionBehavior};
use std::collections::HashMap;
use std::path::PathBuf;

/// An input file as the ingest log records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputFile {
    /// `gharchive`, `git`, `github` …
    pub source: String,
    pub path: PathBuf,
    pub size: u64,
    /// A checksum of the file's bytes: the identity used to skip re-loading it.
    pub checksum: String,
}

/// What loading one file changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LoadSummary {
    pub new_contributions: u64,
    /// Records already in the store under the same key (overlapping inputs).
    pub duplicates: u64,
    pub new_pointers: u64,
}

#[derive(Default)]
struct Seen {
    login: String,
    last_at: i64,
    is_bot_type: bool,
    profile: Option<(i64, Profile)>,
}

/// One file's load in progress. Dropping it without [`FileLoad::commit`] rolls everything back.
pub struct FileLoad<'a> {
    tx: Transaction<'a>,
    path: PathBuf,
    file_id: i64,
    people: HashMap<(Option<i64>, String), i64>,
    repos: HashMap<String, i64>,
    seen: HashMap<i64, Seen>,
    logins: HashMap<(String, i64), (i64, i64)>,
    new_repo_people: HashMap<i64, i64>,
    summary: LoadSummary,
}

impl Store {
    /// True when a file with this checksum was loaded before.
    pub fn is_loaded(&self, checksum: &str) -> Result<bool> {
        self.conn
            .query_row(
                "SELECT 1 FROM files WHERE checksum = ?1",
                [checksum],
                |_| Ok(()),
            )
            .optional()
            .map(|o| o.is_some())
            .map_err(|e| self.err(e))
    }

    /// Checksums of every file in the ingest log.
    pub fn loaded_checksums(&self) -> Result<std::collections::HashSet<String>> {
        let mut stmt = self
            .conn
            .prepare("SELECT checksum FROM files")
            .map_err(|e| self.err(e))?;
        let rows = stmt.query_map([], |r| r.get(0)).map_err(|e| self.err(e))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(|e| self.err(e))
    }

    /// Starts loading `input`. Takes the write lock now (waiting for another writer if needed).
    pub fn begin_file(&mut self, _input: &InputFile) -> Result<FileLoad<'_>> {
        let path = self.path.clone();
        let wrap = |source| StoreError::Sqlite {
            path: path.clone(),
            source,
        };
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(wrap)?;
        let file_id: i64 = tx
            .query_row("SELECT coalesce(max(id), 0) + 1 FROM files", [], |r| {
                r.get(0)
            })
            .map_err(wrap)?;
        Ok(FileLoad {
            tx,
            path,
            file_id,
            people: HashMap::new(),
            repos: HashMap::new(),
            seen: HashMap::new(),
            logins: HashMap::new(),
            new_repo_people: HashMap::new(),
            summary: LoadSummary::default(),
        })
    }
}

impl FileLoad<'_> {
    fn err(&self, source: rusqlite::Error) -> StoreError {
        StoreError::Sqlite {
            path: self.path.clone(),
            source,
        }
    }

    pub fn add(&mut self, record: &Record) -> Result<()> {
        let r = match record {
            Record::Contribution(c) => self.add_contribution(c),
            Record::Pointer(p) => self.add_pointer(p),
        };
        r.map_err(|e| self.err(e))
    }

    fn add_contribution(&mut self, c: &Contribution) -> rusqlite::Result<()> {
        let person = self.person(&c.actor, c.at, c.profile.as_ref())?;
        let repo = self.repo(&c.repo, c.repo_github_id)?;
        let merged_by = match &c.merged_by {
            Some(m) => Some(self.person(m, c.at, None)?),
            None => None,
        };
        let labels = (!c.labels.is_empty()).then(|| c.labels.join(","));
        let inserted = self
            .tx
            .prepare_cached(
                "INSERT OR IGNORE INTO contributions(key, kind, person_id, repo_id, at, number, title, body, url, labels,
                 additions, deletions, changed_files, commits, review_state, path, on_pr, merged_by, needs_hydration, file_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)",
            )?
            .execute(params![
                c.key,
                c.kind.code(),
                person,
                repo,
                c.at,
                c.number,
                c.title,
                c.body,
                c.url,
                labels,
                c.additions,
                c.deletions,
                c.changed_files,
                c.commits,
                c.review_state,
                c.path,
                c.on_pr,
                merged_by,
                c.needs_hydration,
                self.file_id
            ])?;
        if inserted == 0 {
            self.summary.duplicates += 1;
            return Ok(());
        }
        self.summary.new_contributions += 1;
        let rowid = self.tx.last_insert_rowid();
        if c.title.is_some() || c.body.is_some() {
            self.tx
                .prepare_cached(
                    "INSERT INTO contributions_fts(rowid, title, body) VALUES (?1, ?2, ?3)",
                )?
                .execute(params![rowid, c.title, c.body])?;
        }
        self.tx
            .prepare_cached(
                "INSERT INTO rollup(repo_id, kind, day, person_id, n) VALUES (?1, ?2, ?3, ?4, 1)
                 ON CONFLICT DO UPDATE SET n = n + 1",
            )?
            .execute(params![
                repo,
                c.kind.code(),
                builtby_model::time::day_of(c.at),
                person
            ])?;
        if matches!(c.kind, Kind::PrMerged | Kind::Review) {
            let added = self
                .tx
                .prepare_cached(
                    "INSERT OR IGNORE INTO repo_people(repo_id, person_id) VALUES (?1, ?2)",
                )?
                .execute(params![repo, person])?;
            if added == 1 {
                *self.new_repo_people.entry(repo).or_default() += 1;
            }
        }
        Ok(())
    }

    fn add_pointer(&mut self, p: &Pointer) -> rusqlite::Result<()> {
        let repo = self.repo(&p.repo, None)?;
        let actor = match &p.actor {
            Some(a) => Some(self.person(a, p.at, None)?),
            None => None,
        };
        let n = self
            .tx
            .prepare_cached(
                "INSERT OR IGNORE INTO pointers(key, repo_id, number, what, actor_id, at, file_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![p.key, repo, p.number, p.what, actor, p.at, self.file_id])?;
        self.summary.new_pointers += n as u64;
        Ok(())
    }

    /// The person id for an actor: by GitHub id where known (following renames), else by login;
    /// a login-only person is adopted when the same login later shows up with an id.
    fn person(&mut self, a: &Actor, at: i64, profile: Option<&Profile>) -> rusqlite::Result<i64> {
        let cache_key = (a.github_id, a.login.to_ascii_lowercase());
        let id = match self.people.get(&cache_key) {
            Some(&id) => id,
            None => {
                let id = self.find_or_create_person(a)?;
                self.people.insert(cache_key, id);
                id
            }
        };
        let seen = self.seen.entry(id).or_default();
        if at >= seen.last_at || seen.login.is_empty() {
            seen.last_at = seen.last_at.max(at);
            seen.login = a.login.clone();
        }
        seen.is_bot_type |= a.is_bot_type;
        if let Some(p) = profile {
            if seen.profile.as_ref().is_none_or(|(t, _)| at >= *t) {
                seen.profile = Some((at, p.clone()));
            }
        }
        let span = self.logins.entry((a.login.clone(), id)).or_insert((at, at));
        span.0 = span.0.min(at);
        span.1 = span.1.max(at);
        Ok(id)
    }

    fn find_or_create_person(&mut self, a: &Actor) -> rusqlite::Result<i64> {
        // By login through its index; filtering on `github_id IS NULL` in SQL would let
        // SQLite pick the github_id index and scan every login-only person.
        let by_login = |tx: &Transaction, only_without_id: bool| -> rusqlite::Result<Option<i64>> {
            let mut stmt = tx.prepare_cached(
                "SELECT id, github_id FROM people INDEXED BY people_login WHERE login = ?1 COLLATE NOCASE ORDER BY last_seen DESC",
            )?;
            let mut rows = stmt.query([&a.login])?;
            while let Some(r) = rows.next()? {
                let gid: Option<i64> = r.get(1)?;
                if !only_without_id || gid.is_none() {
                    return r.get(0).map(Some);
                }
            }
            Ok(None)
        };
        if let Some(gid) = a.github_id {
            if let Some(id) = self
                .tx
                .prepare_cached("SELECT id FROM people WHERE github_id = ?1")?
                .query_row([gid], |r| r.get(0))
                .optional()?
            {
                return Ok(id);
            }
            if let Some(id) = by_login(&self.tx, true)? {
                self.tx
                    .prepare_cached("UPDATE people SET github_id = ?1 WHERE id = ?2")?
                    .execute(params![gid, id])?;
                return Ok(id);
            }
        } else if let Some(id) = by_login(&self.tx, false)? {
            return Ok(id);
        }
        self.tx
            .prepare_cached(
                "INSERT INTO people(github_id, login, is_bot_type) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![a.github_id, a.login, a.is_bot_type])?;
        Ok(self.tx.last_insert_rowid())
    }

    fn repo(&mut self, name: &str, github_id: Option<i64>) -> rusqlite::Result<i64> {
        if let Some(&id) = self.repos.get(name) {
            return Ok(id);
        }
        let found: Option<i64> = self
            .tx
            .prepare_cached("SELECT id FROM repos WHERE name = ?1")?
            .query_row([name], |r| r.get(0))
            .optional()?;
        let id = match found {
            Some(id) => {
                if github_id.is_some() {
                    self.tx
                        .prepare_cached(
                            "UPDATE repos SET github_id = ?1 WHERE id = ?2 AND github_id IS NULL",
                        )?
                        .execute(params![github_id, id])?;
                }
                id
            }
            None => {
                self.tx
                    .prepare_cached("INSERT INTO repos(name, github_id) VALUES (?1, ?2)")?
                    .execute(params![name, github_id])?;
                self.tx.last_insert_rowid()
            }
        };
        self.repos.insert(name.to_string(), id);
        Ok(id)
    }

    /// Writes the gathered profile and login updates and the ingest-log row, then commits.
    /// `complete` says the input was read to its end; `stats_json` is the source's own account
    /// of what it read, kept word for word in the ingest log.
    pub fn commit(
        self,
        input: &InputFile,
        events: u64,
        complete: bool,
        stats_json: &str,
    ) -> Result<LoadSummary> {
        let path = self.path.clone();
        let wrap = |source| StoreError::Sqlite {
            path: path.clone(),
            source,
        };
        let FileLoad {
            tx,
            file_id,
            seen,
            logins,
            new_repo_people,
            summary,
            ..
        } = self;
        {
            let mut upd = tx
                .prepare_cached(
                    "UPDATE people SET
                        login = CASE WHEN ?2 >= last_seen THEN ?3 ELSE login END,
                        last_seen = max(last_seen, ?2),
                        is_bot_type = is_bot_type OR ?4
                     WHERE id = ?1",
                )
                .map_err(wrap)?;
            let mut prof = tx
                .prepare_cached(
                    "UPDATE people SET name = coalesce(?2, name), location = coalesce(?3, location),
                     company = coalesce(?4, company), blog = coalesce(?5, blog) WHERE id = ?1",
                )
                .map_err(wrap)?;
            for (id, s) in &seen {
                upd.execute(params![id, s.last_at, s.login, s.is_bot_type])
                    .map_err(wrap)?;
                if let Some((_, p)) = &s.profile {
                    prof.execute(params![id, p.name, p.location, p.company, p.blog])
                        .map_err(wrap)?;
                }
            }
            let mut lg = tx
                .prepare_cached(
                    "INSERT INTO logins(login, person_id, first_seen, last_seen) VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT DO UPDATE SET first_seen = min(first_seen, ?3), last_seen = max(last_seen, ?4)",
                )
                .map_err(wrap)?;
            for ((login, id), (first, last)) in &logins {
                lg.execute(params![login, id, first, last]).map_err(wrap)?;
            }
            let mut rc = tx
                .prepare_cached("UPDATE repos SET contributors = contributors + ?2 WHERE id = ?1")
                .map_err(wrap)?;
            for (repo, n) in &new_repo_people {
                rc.execute(params![repo, n]).map_err(wrap)?;
            }
            tx.execute(
                "INSERT INTO files(id, source, path, size, checksum, loaded_at, complete, events, contributions, new_contributions, stats)
                 VALUES (?1, ?2, ?3, ?4, ?5, strftime('%s','now'), ?6, ?7, ?8, ?9, ?10)",
                params![
                    file_id,
                    input.source,
                    input.path.to_string_lossy(),
                    input.size as i64,
                    input.checksum,
                    complete,
                    events as i64,
                    (summary.new_contributions + summary.duplicates) as i64,
                    summary.new_contributions as i64,
                    stats_json
                ],
            )
            .map_err(wrap)?;
        }
        tx.commit().map_err(wrap)?;
        Ok(summary)
    }
}
