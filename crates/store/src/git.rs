//! Loading git histories: one transaction per repository and run, with the paths each
//! contribution touched, the tip read up to (for incremental runs), identities keyed by hashed
//! e-mail, and suggestions for links nothing proves.
//!
//! A commit that names a PR is first stored as a `commit`; when a `pr_merged` for the same
//! repository and number is in the store (now or after a later GH Archive load followed by
//! any git ingest), [`GitLoad::finish`] turns it into a `pr_commit` (which no rule counts)
//! and gives the PR the commit's paths: the work counts once, and the PR gains its areas.

use crate::{Result, Store, StoreError};
use builtby_model::{time, Contribution, Kind};
use rusqlite::{params, OptionalExtension, Transaction, TransactionBehavior};
use std::collections::HashMap;
use std::path::PathBuf;

/// One path of a contribution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathRow {
    pub path: String,
    pub added: Option<i64>,
    pub deleted: Option<i64>,
}

/// A merged PR already in the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergedPr {
    pub contribution_id: i64,
    pub person_id: i64,
    pub login: String,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GitLoadSummary {
    pub new_contributions: u64,
    pub duplicates: u64,
    pub paths: u64,
    /// Commits found to belong to a merged PR in the store (now `pr_commit`).
    pub linked_to_prs: u64,
}

/// A repository's ingest in progress; dropped without [`GitLoad::finish`] it rolls back.
pub struct GitLoad<'a> {
    tx: Transaction<'a>,
    path: PathBuf,
    repo_id: i64,
    file_id: i64,
    people: HashMap<(Option<i64>, String), i64>,
    /// Rollup increments (kind, day, person) and identities (hash → name, person, proof,
    /// commits), summed here and written once at [`GitLoad::finish`].
    rollup: HashMap<(i64, i64, i64), i64>,
    identities: HashMap<String, (String, i64, &'static str, i64)>,
    summary: GitLoadSummary,
}

impl Store {
    /// The tip the last git ingest of `repo` read up to.
    pub fn git_tip(&self, repo: &str) -> Result<Option<String>> {
        self.conn
            .query_row(
                "SELECT g.tip FROM git_repos g JOIN repos r ON r.id = g.repo_id WHERE r.name = ?1",
                [repo],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    /// Starts loading commits of `repo` (`owner/name`). Takes the write lock.
    pub fn begin_git(&mut self, repo: &str) -> Result<GitLoad<'_>> {
        let path = self.path.clone();
        let wrap = |source| StoreError::Sqlite {
            path: path.clone(),
            source,
        };
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(wrap)?;
        let found: Option<i64> = tx
            .query_row("SELECT id FROM repos WHERE name = ?1", [repo], |r| r.get(0))
            .optional()
            .map_err(wrap)?;
        let repo_id = match found {
            Some(id) => id,
            None => {
                tx.execute("INSERT INTO repos(name) VALUES (?1)", [repo])
                    .map_err(wrap)?;
                tx.last_insert_rowid()
            }
        };
        let file_id: i64 = tx
            .query_row("SELECT coalesce(max(id), 0) + 1 FROM files", [], |r| {
                r.get(0)
            })
            .map_err(wrap)?;
        Ok(GitLoad {
            tx,
            path,
            repo_id,
            file_id,
            people: HashMap::new(),
            rollup: HashMap::new(),
            identities: HashMap::new(),
            summary: GitLoadSummary::default(),
        })
    }
}

impl GitLoad<'_> {
    fn err(&self, source: rusqlite::Error) -> StoreError {
        StoreError::Sqlite {
            path: self.path.clone(),
            source,
        }
    }

    /// The merged PR `number` of this repository, if the store has it.
    pub fn merged_pr(&mut self, number: i64) -> Result<Option<MergedPr>> {
        let r = self
            .tx
            .prepare_cached(
                "SELECT c.id, c.person_id, p.login FROM contributions c INDEXED BY contributions_merged_pr
                 JOIN people p ON p.id = c.person_id
                 WHERE c.repo_id = ?1 AND c.number = ?2 AND c.kind = 1 ORDER BY c.id LIMIT 1",
            )
            .and_then(|mut s| {
                s.query_row(params![self.repo_id, number], |r| {
                    Ok(MergedPr {
                        contribution_id: r.get(0)?,
                        person_id: r.get(1)?,
                        login: r.get(2)?,
                    })
                })
                .optional()
            });
        r.map_err(|e| self.err(e))
    }

    /// Adds a contribution of this repository with its paths. Returns the new row's id, or
    /// `None` when its key was already stored.
    pub fn add(&mut self, c: &Contribution, paths: &[PathRow]) -> Result<Option<i64>> {
        self.add_inner(c, paths).map_err(|e| self.err(e))
    }

    fn add_inner(&mut self, c: &Contribution, paths: &[PathRow]) -> rusqlite::Result<Option<i64>> {
        let person = self.person(c)?;
        let n = self
            .tx
            .prepare_cached(
                "INSERT OR IGNORE INTO contributions(key, kind, person_id, repo_id, at, number, title, body, url,
                 additions, deletions, changed_files, commits, file_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
            )?
            .execute(params![
                c.key,
                c.kind.code(),
                person,
                self.repo_id,
                c.at,
                c.number,
                c.title,
                c.body,
                c.url,
                c.additions,
                c.deletions,
                c.changed_files,
                c.commits,
                self.file_id
            ])?;
        if n == 0 {
            self.summary.duplicates += 1;
            return Ok(None);
        }
        let id = self.tx.last_insert_rowid();
        self.summary.new_contributions += 1;
        if c.title.is_some() || c.body.is_some() {
            self.tx
                .prepare_cached(
                    "INSERT INTO contributions_fts(rowid, title, body) VALUES (?1, ?2, ?3)",
                )?
                .execute(params![id, c.title, c.body])?;
        }
        *self
            .rollup
            .entry((c.kind.code(), time::day_of(c.at), person))
            .or_default() += 1;
        self.insert_paths(id, paths)?;
        if let (Kind::Commit, Some(n)) = (c.kind, c.number) {
            self.tx
                .prepare_cached(
                    "INSERT OR IGNORE INTO git_commit_prs(repo_id, number, contribution_id) VALUES (?1, ?2, ?3)",
                )?
                .execute(params![self.repo_id, n, id])?;
        }
        Ok(Some(id))
    }

    fn insert_paths(&mut self, id: i64, paths: &[PathRow]) -> rusqlite::Result<()> {
        let mut st = self.tx.prepare_cached(
            "INSERT OR IGNORE INTO contribution_paths(repo_id, path, contribution_id, added, deleted) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        for p in paths {
            self.summary.paths +=
                st.execute(params![self.repo_id, p.path, id, p.added, p.deleted])? as u64;
        }
        Ok(())
    }

    /// Gives an existing contribution (a merged PR) paths.
    pub fn attach_paths(&mut self, contribution_id: i64, paths: &[PathRow]) -> Result<()> {
        self.insert_paths(contribution_id, paths)
            .map_err(|e| self.err(e))
    }

    /// Records which person a git identity's work is credited to, and how that is known.
    pub fn identity(
        &mut self,
        email_hash: &str,
        name: &str,
        c: &Contribution,
        proof: &'static str,
    ) -> Result<()> {
        let person = self.person(c).map_err(|e| self.err(e))?;
        let e = self
            .identities
            .entry(email_hash.to_string())
            .or_insert_with(|| (name.to_string(), person, proof, 0));
        e.3 += 1;
        if e.2 == "none" && proof != "none" {
            e.1 = person;
            e.2 = proof;
        }
        Ok(())
    }

    /// Keeps an unproven identity → login link with its evidence (never applied here).
    pub fn suggest(&mut self, email_hash: &str, login: &str, evidence: &str) -> Result<()> {
        let r = self
            .tx
            .prepare_cached(
                "INSERT INTO identity_suggestions(email_hash, login, evidence, repo_id) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT DO UPDATE SET seen = seen + 1",
            )
            .and_then(|mut s| s.execute(params![email_hash, login, evidence, self.repo_id]));
        r.map(|_| ()).map_err(|e| self.err(e))
    }

    /// True when a person with this login (current or former) is in the store.
    pub fn login_known(&mut self, login: &str) -> Result<bool> {
        let r = self
            .tx
            .prepare_cached("SELECT 1 FROM people WHERE login = ?1 COLLATE NOCASE LIMIT 1")
            .and_then(|mut s| s.query_row([login], |_| Ok(())).optional());
        r.map(|o| o.is_some()).map_err(|e| self.err(e))
    }

    fn person(&mut self, c: &Contribution) -> rusqlite::Result<i64> {
        let a = &c.actor;
        let key = (a.github_id, a.login.to_ascii_lowercase());
        if let Some(&id) = self.people.get(&key) {
            return Ok(id);
        }
        let mut found: Option<i64> = None;
        if let Some(gid) = a.github_id {
            found = self
                .tx
                .prepare_cached("SELECT id FROM people WHERE github_id = ?1")?
                .query_row([gid], |r| r.get(0))
                .optional()?;
        }
        if found.is_none() {
            found = self
                .tx
                .prepare_cached(
                    "SELECT id FROM people INDEXED BY people_login WHERE login = ?1 COLLATE NOCASE
                     AND (github_id IS NULL OR ?2 IS NULL OR github_id = ?2) ORDER BY last_seen DESC LIMIT 1",
                )?
                .query_row(params![a.login, a.github_id], |r| r.get(0))
                .optional()?;
            if let (Some(id), Some(gid)) = (found, a.github_id) {
                self.tx
                    .prepare_cached(
                        "UPDATE people SET github_id = ?1 WHERE id = ?2 AND github_id IS NULL",
                    )?
                    .execute(params![gid, id])?;
            }
        }
        let name = c.profile.as_ref().and_then(|p| p.name.clone());
        let id = match found {
            Some(id) => id,
            None => {
                self.tx
                    .prepare_cached(
                        "INSERT INTO people(github_id, login, name, is_bot_type, last_seen) VALUES (?1, ?2, ?3, ?4, ?5)",
                    )?
                    .execute(params![a.github_id, a.login, name, a.is_bot_type, c.at])?;
                let id = self.tx.last_insert_rowid();
                self.tx
                    .prepare_cached(
                        "INSERT OR IGNORE INTO logins(login, person_id, first_seen, last_seen) VALUES (?1, ?2, ?3, ?3)",
                    )?
                    .execute(params![a.login, id, c.at])?;
                id
            }
        };
        self.people.insert(key, id);
        Ok(id)
    }

    /// Links commits to merged PRs now in the store, records the tip read up to and the
    /// ingest-log row, and commits.
    pub fn finish(
        mut self,
        local_path: &str,
        tip: &str,
        commits: u64,
        stats_json: &str,
    ) -> Result<GitLoadSummary> {
        self.finish_inner(local_path, tip, commits, stats_json)
            .map_err(|e| self.err(e))?;
        let summary = self.summary;
        let path = self.path.clone();
        self.tx
            .commit()
            .map_err(|source| StoreError::Sqlite { path, source })?;
        Ok(summary)
    }

    fn finish_inner(
        &mut self,
        local_path: &str,
        tip: &str,
        commits: u64,
        stats_json: &str,
    ) -> rusqlite::Result<()> {
        {
            let mut ru = self.tx.prepare_cached(
                "INSERT INTO rollup(repo_id, kind, day, person_id, n) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT DO UPDATE SET n = n + ?5",
            )?;
            for ((kind, day, person), n) in &self.rollup {
                ru.execute(params![self.repo_id, kind, day, person, n])?;
            }
            let mut id = self.tx.prepare_cached(
                "INSERT INTO git_identities(email_hash, name, person_id, proof, commits) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT DO UPDATE SET commits = commits + ?5,
                   person_id = CASE WHEN proof = 'none' AND ?4 != 'none' THEN ?3 ELSE person_id END,
                   proof = CASE WHEN proof = 'none' THEN ?4 ELSE proof END",
            )?;
            for (hash, (name, person, proof, n)) in &self.identities {
                id.execute(params![hash, name, person, proof, n])?;
            }
        }
        let links: Vec<(i64, i64, i64, i64)> = {
            let mut st = self.tx.prepare(
                "SELECT c.id, pr.id, c.person_id, c.at FROM git_commit_prs g
                 JOIN contributions c ON c.id = g.contribution_id
                 JOIN contributions pr INDEXED BY contributions_merged_pr
                   ON pr.repo_id = g.repo_id AND pr.number = g.number AND pr.kind = 1
                 WHERE g.repo_id = ?1 AND c.kind = 10",
            )?;
            let rows = st.query_map([self.repo_id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        for (commit, pr, person, at) in links {
            let day = time::day_of(at);
            self.tx.execute(
                "UPDATE contributions SET kind = ?2 WHERE id = ?1",
                params![commit, Kind::PrCommit.code()],
            )?;
            self.tx.execute(
                "UPDATE rollup SET n = n - 1 WHERE repo_id = ?1 AND kind = ?2 AND day = ?3 AND person_id = ?4",
                params![self.repo_id, Kind::Commit.code(), day, person],
            )?;
            self.tx.execute(
                "DELETE FROM rollup WHERE repo_id = ?1 AND kind = ?2 AND day = ?3 AND person_id = ?4 AND n <= 0",
                params![self.repo_id, Kind::Commit.code(), day, person],
            )?;
            self.tx.execute(
                "INSERT INTO rollup(repo_id, kind, day, person_id, n) VALUES (?1, ?2, ?3, ?4, 1)
                 ON CONFLICT DO UPDATE SET n = n + 1",
                params![self.repo_id, Kind::PrCommit.code(), day, person],
            )?;
            self.tx.execute(
                "INSERT OR IGNORE INTO contribution_paths(repo_id, path, contribution_id, added, deleted)
                 SELECT repo_id, path, ?2, added, deleted FROM contribution_paths WHERE contribution_id = ?1",
                params![commit, pr],
            )?;
            self.summary.linked_to_prs += 1;
        }
        self.tx.execute(
            "INSERT INTO git_repos(repo_id, path, tip, commits, updated_at) VALUES (?1, ?2, ?3, ?4, strftime('%s','now'))
             ON CONFLICT DO UPDATE SET path = ?2, tip = ?3, commits = commits + ?4, updated_at = strftime('%s','now')",
            params![self.repo_id, local_path, tip, commits as i64],
        )?;
        let repo: String = self.tx.query_row(
            "SELECT name FROM repos WHERE id = ?1",
            [self.repo_id],
            |r| r.get(0),
        )?;
        self.tx.execute(
            "INSERT OR IGNORE INTO files(id, source, path, size, checksum, loaded_at, complete, events, contributions, new_contributions, stats)
             VALUES (?1, 'git', ?2, 0, ?3, strftime('%s','now'), 1, ?4, ?5, ?6, ?7)",
            params![
                self.file_id,
                local_path,
                format!("git:{repo}:{tip}"),
                commits as i64,
                (self.summary.new_contributions + self.summary.duplicates) as i64,
                self.summary.new_contributions as i64,
                stats_json
            ],
        )?;
        Ok(())
    }
}

/// One path a person's contribution touched: (repository, contribution id, kind, time, path).
pub type PersonPath = (String, i64, Kind, i64, String);

impl Store {
    /// The paths of one person's contributions (at most `limit` rows, newest first), for their
    /// areas per repository.
    pub fn person_paths(&self, person_id: i64, limit: u32) -> Result<Vec<PersonPath>> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT r.name, c.id, c.kind, c.at, p.path FROM contributions c
                 JOIN contribution_paths p ON p.contribution_id = c.id
                 JOIN repos r ON r.id = c.repo_id
                 WHERE c.person_id = ?1 ORDER BY c.at DESC LIMIT ?2",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(params![person_id, limit], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    Kind::from_code(r.get(2)?).unwrap_or(Kind::Commit),
                    r.get(3)?,
                    r.get(4)?,
                ))
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
            .map_err(|e| self.err(e))
    }
}

/// What the store holds from git for one repository.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct GitRepoSummary {
    pub tip: Option<String>,
    /// (kind, contributions) for commit, co_authored, commit_review and pr_commit.
    pub by_kind: Vec<(Kind, i64)>,
    /// `commit` and `pr_commit` rows that name a PR.
    pub commits_with_pr: i64,
    /// Distinct people credited with commits: (GitHub people, git identities).
    pub github_authors: i64,
    pub git_identity_authors: i64,
    /// Commits credited to GitHub people (noreply- or PR-proven).
    pub commits_by_github_people: i64,
    pub suggestions: i64,
    pub path_rows: i64,
}

impl Store {
    /// A summary of one repository's git data (for `stats` and tests).
    pub fn git_summary(&self, repo: &str) -> Result<GitRepoSummary> {
        let e = |e| self.err(e);
        let repo_id: Option<i64> = self
            .conn
            .query_row("SELECT id FROM repos WHERE name = ?1", [repo], |r| r.get(0))
            .optional()
            .map_err(e)?;
        let Some(repo_id) = repo_id else {
            return Ok(GitRepoSummary::default());
        };
        let one = |sql: &str| {
            self.conn
                .query_row(sql, [repo_id], |r| r.get::<_, i64>(0))
                .map_err(e)
        };
        let mut by_kind = Vec::new();
        for k in [
            Kind::Commit,
            Kind::CoAuthored,
            Kind::CommitReview,
            Kind::PrCommit,
        ] {
            let n: i64 = self
                .conn
                .query_row(
                    "SELECT count(*) FROM contributions WHERE repo_id = ?1 AND kind = ?2",
                    params![repo_id, k.code()],
                    |r| r.get(0),
                )
                .map_err(e)?;
            by_kind.push((k, n));
        }
        Ok(GitRepoSummary {
            tip: self.conn
                .query_row("SELECT tip FROM git_repos WHERE repo_id = ?1", [repo_id], |r| r.get(0))
                .optional()
                .map_err(e)?,
            by_kind,
            commits_with_pr: one("SELECT count(*) FROM contributions WHERE repo_id = ?1 AND kind IN (10, 13) AND number IS NOT NULL")?,
            github_authors: one("SELECT count(DISTINCT c.person_id) FROM contributions c JOIN people p ON p.id = c.person_id
                                 WHERE c.repo_id = ?1 AND c.kind IN (10, 13) AND p.login NOT LIKE 'git:%'")?,
            git_identity_authors: one("SELECT count(DISTINCT c.person_id) FROM contributions c JOIN people p ON p.id = c.person_id
                                       WHERE c.repo_id = ?1 AND c.kind IN (10, 13) AND p.login LIKE 'git:%'")?,
            commits_by_github_people: one("SELECT count(*) FROM contributions c JOIN people p ON p.id = c.person_id
                                           WHERE c.repo_id = ?1 AND c.kind IN (10, 13) AND p.login NOT LIKE 'git:%'")?,
            suggestions: one("SELECT count(*) FROM identity_suggestions WHERE repo_id = ?1")?,
            path_rows: one("SELECT count(*) FROM contribution_paths WHERE repo_id = ?1")?,
        })
    }

    /// Unproven identity links kept as suggestions: (identity's name, suggested login,
    /// evidence, times seen). Never e-mail addresses.
    pub fn identity_suggestions(&self) -> Result<Vec<(String, String, String, i64)>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT coalesce(g.name, ''), s.login, s.evidence, s.seen FROM identity_suggestions s
                 LEFT JOIN git_identities g ON g.email_hash = s.email_hash ORDER BY s.seen DESC, s.login",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .map_err(|e| self.err(e))?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
            .map_err(|e| self.err(e))
    }
}
