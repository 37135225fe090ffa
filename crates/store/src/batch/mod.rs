//! The one write path: every source's records enter the store through a [`Batch`].
//!
//! A batch is one input (a GH Archive file, a git history run, a page of API answers): begun
//! with its source and input key, fed records, committed atomically with its ingest-log row, so
//! a process killed at any point leaves the store as it was before the input.
//!
//! This is the only place that resolves people, allocates repositories, and maintains the
//! derived tables (rollup, full-text index, `repo_people`, logins), so no source can drift.
//! A contribution is keyed by what the work is ([`builtby_model::work_key`]): a second copy
//! (the same review in two events, a PR from GH Archive and from the API) is an upsert that
//! completes missing fields and counts nothing twice. Who is credited never changes, with one
//! exception, a merged PR git told of first (see [`Batch::add`]).
//!
//! People and repositories are resolved through small per-batch caches; profile updates and
//! login history are gathered per batch and written once at commit, so the per-record cost is
//! one insert into `contributions` plus, for a new record with text, a full-text row; rollup
//! increments are summed in memory and written once per batch.

use crate::{Result, Store, StoreError};
use builtby_model::{
    time, ChangedPath, Contribution, Hydration, Identity, Kind, Namespace, PathClass, Pointer,
    ReadReport, Record, Source,
};
use rusqlite::{params, OptionalExtension, Transaction, TransactionBehavior};
use std::collections::HashMap;
use std::path::PathBuf;

mod people;
pub(crate) mod weights;
use people::{merge_login_only, write_people, Person};

/// An input as the ingest log records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputFile {
    pub source: Source,
    pub path: PathBuf,
    pub size: u64,
    /// The input's identity: a checksum of a file's bytes, a repository and tip for git, a
    /// request batch for the API. An input key already in the log is not loaded again.
    pub checksum: String,
}

/// What loading one input changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LoadSummary {
    pub new_contributions: u64,
    /// Records already in the store under the same key (overlapping inputs, the same work
    /// from another source): completed, not counted again.
    pub duplicates: u64,
    pub new_pointers: u64,
    /// Paths newly recorded for contributions.
    pub paths: u64,
    /// Commits found to belong to a merged PR in the store (now `pr_commit`).
    pub linked_to_prs: u64,
    /// Records not stored because their account opted out ([`crate::optout`]).
    pub suppressed: u64,
}

/// Kinds whose authors make up a repository's breadth of scrutiny (`repos.contributors`):
/// people whose work passed review or reached the default branch, and their reviewers.
pub(crate) fn counts_for_breadth(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::PrMerged | Kind::Review | Kind::Commit | Kind::CommitReview
    )
}

/// One input's load in progress. Dropping it without [`Batch::commit`] rolls everything back.
pub struct Batch<'a> {
    tx: Transaction<'a>,
    path: PathBuf,
    file_id: i64,
    people: Vec<Person>,
    by_github_id: HashMap<i64, usize>,
    by_login: HashMap<String, usize>,
    next_person: i64,
    repos: HashMap<String, i64>,
    new_repos: Vec<(i64, String, Option<i64>)>,
    next_repo: i64,
    new_repo_people: HashMap<i64, i64>,
    /// Rollup increments, summed in memory and written once at commit.
    rollup: HashMap<(i64, i64, i64, i64), i64>,
    /// Changed files per (person, repository, path class), written once at commit.
    path_rollup: crate::path_rollup::Delta,
    /// New commits naming a PR and new merged PRs, linked at commit (see [`Batch::commit`]).
    new_commit_prs: Vec<(i64, i64, i64)>,
    new_merged_prs: Vec<(i64, i64, i64)>,
    /// Contributions added, completed or given paths: graded at commit (see [`weights`]).
    touched: Vec<i64>,
    /// (repo, person) that lost a row counting for breadth in this batch (a commit become a
    /// `pr_commit`, a PR whose credit moved): out of `repo_people` at commit unless another
    /// such row is left.
    lost_breadth: Vec<(i64, i64)>,
    pub(crate) git: crate::git::GitBatch,
    pub(crate) profiles: crate::profiles::ProfileBatch,
    pub(crate) identity: crate::identity::IdentityBatch,
    /// The suppression list, as this load checks records against it.
    pub(crate) privacy: crate::optout::BatchPrivacy,
    summary: LoadSummary,
}

/// An input in the ingest log, as a rerun of it needs to know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loaded {
    /// Read to its end when it was loaded.
    pub complete: bool,
    /// Why it ended early, when it did.
    pub ended_early: Option<String>,
    /// A later load of the same file name (new bytes) that replaced this incomplete one.
    pub superseded_by: Option<PathBuf>,
}

fn loaded(conn: &rusqlite::Connection, checksum: &str) -> rusqlite::Result<Option<Loaded>> {
    conn.prepare_cached(
        "SELECT f.complete, f.stats, s.path FROM files f LEFT JOIN files s ON s.id = f.superseded_by
         WHERE f.checksum = ?1",
    )?
    .query_row([checksum], |r| {
        let stats: String = r.get(1)?;
        let ended_early = serde_json::from_str::<ReadReport>(&stats)
            .ok()
            .and_then(|s| s.ended_early);
        Ok(Loaded {
            complete: r.get(0)?,
            ended_early,
            superseded_by: r.get::<_, Option<String>>(2)?.map(PathBuf::from),
        })
    })
    .optional()
}

impl Store {
    /// The ingest log's row for this input key, if it was loaded.
    pub fn loaded(&self, checksum: &str) -> Result<Option<Loaded>> {
        loaded(&self.conn, checksum).map_err(|e| self.err(e))
    }

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

    /// The inputs of `source` read to their end: (file name, input key) per ingest-log row. What
    /// a download that deletes its files after loading them consults to skip an input it no
    /// longer has (`ingest gharchive --from --to`: hours are named alike everywhere).
    pub fn complete_inputs(&self, source: Source) -> Result<Vec<(String, String)>> {
        let mut stmt = self
            .conn
            .prepare("SELECT path, checksum FROM files WHERE source = ?1 AND complete = 1")
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([source.as_str()], |r| {
                let path: String = r.get(0)?;
                let name = std::path::Path::new(&path)
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or(path);
                Ok((name, r.get(1)?))
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(|e| self.err(e))
    }

    /// Starts loading an input. Takes the write lock now (waiting for another writer if needed).
    pub fn begin(&mut self) -> Result<Batch<'_>> {
        let path = self.path.clone();
        let wrap = |source| StoreError::Sqlite {
            path: path.clone(),
            source,
        };
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(wrap)?;
        let next = |table: &str| -> rusqlite::Result<i64> {
            tx.query_row(
                &format!("SELECT coalesce(max(id), 0) + 1 FROM {table}"),
                [],
                |r| r.get(0),
            )
        };
        let (file_id, next_person, next_repo) = (
            next("files").map_err(wrap)?,
            next("people").map_err(wrap)?,
            next("repos").map_err(wrap)?,
        );
        let privacy = crate::optout::BatchPrivacy::load(&tx).map_err(wrap)?;
        Ok(Batch {
            tx,
            path,
            file_id,
            people: Vec::new(),
            by_github_id: HashMap::new(),
            by_login: HashMap::new(),
            next_person,
            repos: HashMap::new(),
            new_repos: Vec::new(),
            next_repo,
            new_repo_people: HashMap::new(),
            rollup: HashMap::new(),
            path_rollup: HashMap::new(),
            new_commit_prs: Vec::new(),
            new_merged_prs: Vec::new(),
            touched: Vec::new(),
            lost_breadth: Vec::new(),
            git: Default::default(),
            profiles: Default::default(),
            identity: Default::default(),
            privacy,
            summary: LoadSummary::default(),
        })
    }
}

impl<'a> Batch<'a> {
    /// The load's transaction, for other modules' writes that must commit with it.
    pub(crate) fn tx(&self) -> &Transaction<'a> {
        &self.tx
    }

    pub(crate) fn err(&self, source: rusqlite::Error) -> StoreError {
        StoreError::Sqlite {
            path: self.path.clone(),
            source,
        }
    }

    /// The ingest log's row for this input key, as seen inside this load's write transaction:
    /// another process may have loaded it since this one last looked, and no other writer can
    /// load it before this batch ends. A loaded input's batch is dropped (rolled back), never
    /// committed.
    pub fn loaded(&self, checksum: &str) -> Result<Option<Loaded>> {
        loaded(&self.tx, checksum).map_err(|e| self.err(e))
    }

    /// Adds one record. A contribution whose key is stored already completes that row (fields
    /// it lacks, its hydration, its text in the full-text index) and counts nothing again. A
    /// sighting ([`Record::Seen`]) only resolves its account: the login it had then, and the
    /// login-only person with that login, join the account's person.
    ///
    /// Who is credited never changes, except for a merged PR told first by git: a
    /// `pr_merged` stored under a git account (`git:…`, the author of its squash commit or of
    /// its merged branch's head) moves to the GitHub account a GitHub source (GH Archive, the
    /// API) credits the same PR to, its author as GitHub records it: the row, the rollup and
    /// `repo_people` move, and the PR's commits vote for that account (`squash_pr`). Never the
    /// other way: a git copy of a PR stored under a GitHub account only fills the fields the
    /// row lacks.
    ///
    /// A record of an account that opted out (on the suppression list, or an account of a
    /// suppressed person) is not stored: it is counted in [`LoadSummary::suppressed`]. A
    /// merge by such an account is stored without its merger; a sighting of one is nothing.
    pub fn add(&mut self, record: &Record) -> Result<()> {
        let r = match record {
            Record::Contribution(c) => self.add_contribution(c).map(|_| ()),
            Record::Pointer(p) => self.add_pointer(p),
            Record::Paths { key, paths } => self.add_paths_to(key, paths),
            Record::Seen { account, at } => {
                if self.suppressed(account) {
                    Ok(())
                } else {
                    self.person(account, *at, None).map(|_| ())
                }
            }
        };
        r.map_err(|e| self.err(e))
    }

    /// True when `a` is on the suppression list, or is an account of a suppressed person
    /// the store has (found without resolving a new person). Free when the list is empty.
    pub(crate) fn suppressed(&mut self, a: &builtby_model::Actor) -> bool {
        if !self.privacy.on() {
            return false;
        }
        if self.privacy.actor(a) {
            return true;
        }
        match self.index_of(a) {
            Some(i) => self.people[i].suppressed,
            None => false,
        }
    }

    fn add_contribution(&mut self, c: &Contribution) -> rusqlite::Result<(i64, bool)> {
        if self.suppressed(&c.actor) {
            self.summary.suppressed += 1;
            return Ok((0, false));
        }
        // No e-mail address is ever stored, whatever a source let through in free text.
        let scrubbed;
        let c = if [&c.title, &c.body]
            .into_iter()
            .flatten()
            .any(|t| t.contains('@'))
        {
            let mut x = c.clone();
            x.title = x
                .title
                .map(|t| builtby_model::scrub_emails(&t).into_owned());
            x.body = x.body.map(|t| builtby_model::scrub_emails(&t).into_owned());
            scrubbed = x;
            &scrubbed
        } else {
            c
        };
        let (person, account) = self.credit(&c.actor, c.at, c.profile.as_ref())?;
        if self.privacy.on() && self.suppressed(&c.actor) {
            // a stored account of a suppressed person (a rename, a linked account)
            self.summary.suppressed += 1;
            return Ok((0, false));
        }
        let repo = self.repo(&c.repo, c.repo_github_id)?;
        let merged_by = match &c.merged_by {
            Some(m) if self.suppressed(m) => None,
            Some(m) => {
                let id = self.person(m, c.at, None)?;
                (!self.suppressed(m)).then_some(id)
            }
            None => None,
        };
        let labels = (!c.labels.is_empty()).then(|| c.labels.join(","));
        let measures = c
            .measures
            .as_ref()
            .map(|m| serde_json::to_string(m).expect("measures serialise"));
        let hydration = if c.needs_hydration {
            Hydration::Pending
        } else {
            Hydration::Complete
        };
        let inserted = self
            .tx
            .prepare_cached(
                "INSERT OR IGNORE INTO contributions(key, kind, person_id, repo_id, at, number, title, body, url, labels,
                 additions, deletions, changed_files, commits, review_state, path, on_pr, merged_by, needs_hydration, file_id, account_id, measures)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22)",
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
                hydration.code(),
                self.file_id,
                account,
                measures
            ])?;
        if inserted == 0 {
            self.summary.duplicates += 1;
            let (id, stored_person) = self.complete(
                c,
                labels.as_deref(),
                merged_by,
                measures.as_deref(),
                (person, account),
            )?;
            self.insert_paths(repo, id, stored_person, &c.paths)?;
            self.touched.push(id);
            return Ok((id, false));
        }
        self.summary.new_contributions += 1;
        let rowid = self.tx.last_insert_rowid();
        self.touched.push(rowid);
        if c.title.is_some() || c.body.is_some() {
            self.tx
                .prepare_cached(
                    "INSERT INTO contributions_fts(rowid, title, body) VALUES (?1, ?2, ?3)",
                )?
                .execute(params![rowid, c.title, c.body])?;
        }
        *self
            .rollup
            .entry((repo, c.kind.code(), time::day_of(c.at), person))
            .or_default() += 1;
        if counts_for_breadth(c.kind) {
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
        match (c.kind, c.number) {
            (Kind::Commit, Some(n)) => {
                self.tx
                    .prepare_cached(
                        "INSERT OR IGNORE INTO git_commit_prs(repo_id, number, contribution_id) VALUES (?1, ?2, ?3)",
                    )?
                    .execute(params![repo, n, rowid])?;
                self.new_commit_prs.push((repo, n, rowid));
            }
            (Kind::PrMerged, Some(n)) => self.new_merged_prs.push((repo, n, rowid)),
            _ => {}
        }
        self.insert_paths(repo, rowid, person, &c.paths)?;
        Ok((rowid, true))
    }

    /// Completes the stored row with `c`'s key: where `c` has a field it wins (a later, fuller
    /// source), where it has none the stored one stays; who is credited and when never change
    /// (but for a merged PR git told of first: [`Batch::add`]). `credit` is `c`'s (person,
    /// account). The full-text row follows the text. Returns the row id and the person it is
    /// credited to.
    fn complete(
        &mut self,
        c: &Contribution,
        labels: Option<&str>,
        merged_by: Option<i64>,
        measures: Option<&str>,
        credit: (i64, Option<i64>),
    ) -> rusqlite::Result<(i64, i64)> {
        let (id, mut person, title, body): (i64, i64, Option<String>, Option<String>) = self
            .tx
            .prepare_cached("SELECT id, person_id, title, body FROM contributions WHERE key = ?1")?
            .query_row([&c.key], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })?;
        // A merged PR: git's copy and GitHub's meet here.
        let mut fill_only = false;
        if c.kind == Kind::PrMerged {
            let incoming = Identity::parse(&c.actor.login);
            let stored_by_git = self.stored_by_git(id)?;
            if stored_by_git && incoming.is_github() {
                self.move_pr_credit(id, credit)?;
                person = credit.0;
            }
            fill_only = !stored_by_git && incoming.namespace == Namespace::Git;
        }
        // A git copy of GitHub's PR keeps GitHub's fields and hydration state.
        let hydrated = (!c.needs_hydration && !fill_only).then_some(Hydration::Complete.code());
        let set = |col: &str, param: &str| {
            if fill_only {
                format!("{col} = coalesce({col}, {param})")
            } else {
                format!("{col} = coalesce({param}, {col})")
            }
        };
        let sql = format!(
            "UPDATE contributions SET {}, {}, {}, {}, {}, {}, {}, {}, {}, {},
             merged_by = coalesce(merged_by, ?12), on_pr = on_pr OR ?13,
             needs_hydration = coalesce(?14, needs_hydration), {} WHERE id = ?1",
            set("title", "?2"),
            set("body", "?3"),
            set("url", "?4"),
            set("labels", "?5"),
            set("additions", "?6"),
            set("deletions", "?7"),
            set("changed_files", "?8"),
            set("commits", "?9"),
            set("review_state", "?10"),
            set("path", "?11"),
            set("measures", "?15"),
        );
        self.tx.prepare_cached(&sql)?.execute(params![
            id,
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
            merged_by,
            c.on_pr,
            hydrated,
            measures
        ])?;
        let (new_title, new_body) = if fill_only {
            (
                title.clone().or(c.title.clone()),
                body.clone().or(c.body.clone()),
            )
        } else {
            (
                c.title.clone().or_else(|| title.clone()),
                c.body.clone().or_else(|| body.clone()),
            )
        };
        if (&new_title, &new_body) != (&title, &body) {
            // External-content FTS5: a row is deleted with exactly the values it was indexed
            // with, which are the stored ones (every write of text goes through here).
            if title.is_some() || body.is_some() {
                self.tx
                    .prepare_cached(
                        "INSERT INTO contributions_fts(contributions_fts, rowid, title, body) VALUES ('delete', ?1, ?2, ?3)",
                    )?
                    .execute(params![id, title, body])?;
            }
            self.tx
                .prepare_cached(
                    "INSERT INTO contributions_fts(rowid, title, body) VALUES (?1, ?2, ?3)",
                )?
                .execute(params![id, new_title, new_body])?;
        }
        Ok((id, person))
    }

    /// True when row `id` is credited to a git account (`git:…`), as a person of its own or
    /// as a member of one.
    fn stored_by_git(&self, id: i64) -> rusqlite::Result<bool> {
        let (account, login): (i64, Option<String>) = self
            .tx
            .prepare_cached(
                "SELECT coalesce(c.account_id, c.person_id), a.login FROM contributions c
                 LEFT JOIN people a ON a.id = coalesce(c.account_id, c.person_id) WHERE c.id = ?1",
            )?
            .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        // an account first seen in this load is written at its commit
        let login = login.as_deref().or_else(|| self.cached_login(account));
        Ok(login.is_some_and(|l| Identity::parse(l).namespace == Namespace::Git))
    }

    /// Moves merged PR `id` to `credit` (person, account), the GitHub account a GitHub source
    /// credits it to: the row, the rollup and `repo_people`; the commits naming the PR vote
    /// for its author (`squash_pr`, settled at commit).
    fn move_pr_credit(&mut self, id: i64, credit: (i64, Option<i64>)) -> rusqlite::Result<()> {
        let (person, account) = credit;
        let (old, repo, kind, at, number): (i64, i64, i64, i64, Option<i64>) = self
            .tx
            .prepare_cached(
                "SELECT person_id, repo_id, kind, at, number FROM contributions WHERE id = ?1",
            )?
            .query_row([id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })?;
        self.tx
            .prepare_cached(
                "UPDATE contributions SET person_id = ?2, account_id = ?3 WHERE id = ?1",
            )?
            .execute(params![id, person, account])?;
        if old != person {
            let day = time::day_of(at);
            *self.rollup.entry((repo, kind, day, old)).or_default() -= 1;
            *self.rollup.entry((repo, kind, day, person)).or_default() += 1;
            // the PR's files move with it
            let paths: Vec<String> = self
                .tx
                .prepare_cached("SELECT path FROM contribution_paths WHERE contribution_id = ?1")?
                .query_map([id], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            for p in paths {
                let class = PathClass::of(&p).code();
                *self.path_rollup.entry((old, repo, class)).or_default() -= 1;
                *self.path_rollup.entry((person, repo, class)).or_default() += 1;
            }
            if Kind::from_code(kind).is_some_and(counts_for_breadth) {
                let added = self
                    .tx
                    .prepare_cached(
                        "INSERT OR IGNORE INTO repo_people(repo_id, person_id) VALUES (?1, ?2)",
                    )?
                    .execute(params![repo, person])?;
                if added == 1 {
                    *self.new_repo_people.entry(repo).or_default() += 1;
                }
                self.lost_breadth.push((repo, old));
            }
        }
        if let Some(n) = number {
            let commits = self
                .tx
                .prepare_cached(
                    "SELECT contribution_id FROM git_commit_prs WHERE repo_id = ?1 AND number = ?2",
                )?
                .query_map(params![repo, n], |r| r.get::<_, i64>(0))?
                .collect::<rusqlite::Result<Vec<i64>>>()?;
            self.identity
                .squash
                .extend(commits.into_iter().map(|commit| (commit, id)));
        }
        Ok(())
    }

    /// Paths of a contribution credited to `person`; each new one counts in `path_rollup`.
    fn insert_paths(
        &mut self,
        repo: i64,
        contribution: i64,
        person: i64,
        paths: &[ChangedPath],
    ) -> rusqlite::Result<()> {
        if paths.is_empty() {
            return Ok(());
        }
        let mut st = self.tx.prepare_cached(
            "INSERT OR IGNORE INTO contribution_paths(repo_id, path, contribution_id, added, deleted) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        for p in paths {
            if st.execute(params![repo, p.path, contribution, p.added, p.deleted])? == 1 {
                self.summary.paths += 1;
                *self
                    .path_rollup
                    .entry((person, repo, PathClass::of(&p.path).code()))
                    .or_default() += 1;
            }
        }
        Ok(())
    }

    /// Paths for work stored under `key` (nothing when no such work is stored).
    fn add_paths_to(&mut self, key: &str, paths: &[ChangedPath]) -> rusqlite::Result<()> {
        let found: Option<(i64, i64, i64)> = self
            .tx
            .prepare_cached("SELECT id, repo_id, person_id FROM contributions WHERE key = ?1")?
            .query_row([key], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?;
        if let Some((id, repo, person)) = found {
            self.insert_paths(repo, id, person, paths)?;
            self.touched.push(id);
        }
        Ok(())
    }

    fn add_pointer(&mut self, p: &Pointer) -> rusqlite::Result<()> {
        if let Some(a) = &p.actor {
            if self.suppressed(a) {
                self.summary.suppressed += 1;
                return Ok(());
            }
        }
        let actor = match &p.actor {
            Some(a) => Some(self.person(a, p.at, None)?),
            None => None,
        };
        if let Some(a) = &p.actor {
            if self.suppressed(a) {
                self.summary.suppressed += 1;
                return Ok(());
            }
        }
        let repo = self.repo(&p.repo, None)?;
        let n = self
            .tx
            .prepare_cached(
                "INSERT OR IGNORE INTO pointers(key, repo_id, number, what, actor_id, at, file_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![p.key, repo, p.number, p.what, actor, p.at, self.file_id])?;
        self.summary.new_pointers += n as u64;
        Ok(())
    }

    /// The repository id for `owner/name` (resolving or allocating it).
    pub fn repo_id(&mut self, name: &str) -> Result<i64> {
        self.repo(name, None).map_err(|e| self.err(e))
    }

    fn repo(&mut self, name: &str, github_id: Option<i64>) -> rusqlite::Result<i64> {
        let key = name.to_ascii_lowercase();
        if let Some(&id) = self.repos.get(&key) {
            return Ok(id);
        }
        let found: Option<(i64, Option<i64>)> = self
            .tx
            .prepare_cached("SELECT id, github_id FROM repos WHERE name = ?1")?
            .query_row([name], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        let id = match found {
            Some((id, stored_gid)) => {
                if stored_gid.is_none() && github_id.is_some() {
                    self.tx
                        .prepare_cached("UPDATE repos SET github_id = ?1 WHERE id = ?2")?
                        .execute(params![github_id, id])?;
                }
                id
            }
            None => {
                self.next_repo += 1;
                self.new_repos
                    .push((self.next_repo - 1, name.to_string(), github_id));
                self.next_repo - 1
            }
        };
        self.repos.insert(key, id);
        Ok(id)
    }

    /// Links commits and merged PRs, writes the derived tables and the ingest-log row with the
    /// source's report, and commits: all of it or none.
    pub fn commit(mut self, input: &InputFile, report: &ReadReport) -> Result<LoadSummary> {
        self.link_commits_to_prs().map_err(|e| self.err(e))?;
        self.write_git().map_err(|e| self.err(e))?;
        let (weighted, touched) = self.settle_weights().map_err(|e| self.err(e))?;
        let path = self.path.clone();
        let wrap = |source| StoreError::Sqlite {
            path: path.clone(),
            source,
        };
        let Batch {
            tx,
            file_id,
            people,
            new_repos,
            new_repo_people,
            rollup,
            path_rollup,
            summary,
            profiles,
            identity,
            privacy,
            mut lost_breadth,
            ..
        } = self;
        {
            let mut ru = tx
                .prepare_cached(
                    "INSERT INTO rollup(repo_id, kind, day, person_id, n) VALUES (?1, ?2, ?3, ?4, ?5)
                     ON CONFLICT DO UPDATE SET n = n + ?5",
                )
                .map_err(wrap)?;
            let mut drop_empty = tx
                .prepare_cached(
                    "DELETE FROM rollup WHERE repo_id = ?1 AND kind = ?2 AND day = ?3 AND person_id = ?4 AND n <= 0",
                )
                .map_err(wrap)?;
            for ((repo, kind, day, person), n) in &rollup {
                if *n == 0 {
                    continue;
                }
                ru.execute(params![repo, kind, day, person, n])
                    .map_err(wrap)?;
                if *n < 0 {
                    // a commit re-labelled `pr_commit` leaves its `commit` cell
                    drop_empty
                        .execute(params![repo, kind, day, person])
                        .map_err(wrap)?;
                }
            }
            // sums of weights, from the rows, for every cell whose rows changed
            weights::refresh_w(&tx, rollup.keys().chain(weighted.iter())).map_err(wrap)?;
            crate::path_rollup::apply(&tx, &path_rollup).map_err(wrap)?;
            let mut nr = tx
                .prepare_cached("INSERT INTO repos(id, name, github_id) VALUES (?1, ?2, ?3)")
                .map_err(wrap)?;
            for (id, name, gid) in &new_repos {
                nr.execute(params![id, name, gid]).map_err(wrap)?;
            }
            write_people(&tx, &people).map_err(wrap)?;
            merge_login_only(&tx, &people).map_err(wrap)?;
            profiles.write(&tx).map_err(wrap)?;
            // after the batch's people and repositories are written: the flags read them
            let (touched_people, push_days) =
                weights::people_and_push_days(&tx, &touched).map_err(wrap)?;
            weights::flag_behaviour(&tx, &touched_people, Some(&push_days)).map_err(wrap)?;
            let mut rc = tx
                .prepare_cached("UPDATE repos SET contributors = contributors + ?2 WHERE id = ?1")
                .map_err(wrap)?;
            for (repo, n) in &new_repo_people {
                rc.execute(params![repo, n]).map_err(wrap)?;
            }
            lost_breadth.sort_unstable();
            lost_breadth.dedup();
            drop_lost_breadth(&tx, &lost_breadth).map_err(wrap)?;
            let stats_json = serde_json::to_string(report).expect("a report serialises");
            tx.execute(
                "INSERT INTO files(id, source, path, size, checksum, loaded_at, complete, events, contributions, new_contributions, stats)
                 VALUES (?1, ?2, ?3, ?4, ?5, strftime('%s','now'), ?6, ?7, ?8, ?9, ?10)",
                params![
                    file_id,
                    input.source.as_str(),
                    input.path.to_string_lossy(),
                    input.size as i64,
                    input.checksum,
                    report.ended_early.is_none(),
                    report.read as i64,
                    (summary.new_contributions + summary.duplicates) as i64,
                    summary.new_contributions as i64,
                    stats_json
                ],
            )
            .map_err(wrap)?;
            supersede(&tx, file_id, input).map_err(wrap)?;
            crate::identity::settle(&tx, identity).map_err(wrap)?;
            crate::optout::settle_batch(&tx, privacy).map_err(wrap)?;
        }
        tx.commit().map_err(wrap)?;
        Ok(summary)
    }

    /// Revised PRs, grades and caps, and behaviour flags for what this batch touched (see
    /// [`weights`]); returns the rollup cells whose rows changed weight, and the rows touched.
    #[allow(clippy::type_complexity)]
    fn settle_weights(
        &mut self,
    ) -> rusqlite::Result<(std::collections::HashSet<weights::Key>, Vec<i64>)> {
        let mut touched = std::mem::take(&mut self.touched);
        touched.sort_unstable();
        touched.dedup();
        let names: HashMap<i64, String> = self
            .repos
            .iter()
            .map(|(name, id)| (*id, name.clone()))
            .collect();
        let tx = &self.tx;
        let name_of = |id: i64| -> Option<String> {
            names.get(&id).cloned().or_else(|| {
                tx.query_row("SELECT name FROM repos WHERE id = ?1", [id], |r| r.get(0))
                    .optional()
                    .ok()
                    .flatten()
            })
        };
        let revised = weights::derive_revised(tx, &touched, &name_of, &mut self.rollup)?;
        touched.extend(revised);
        let changed = weights::regrade(tx, &touched)?;
        Ok((changed, touched))
    }

    /// A commit that names a merged PR in the store is part of that PR's work: it becomes a
    /// `pr_commit` (which no rule counts, so the work counts once) and gives the PR its paths.
    /// Checked for the commits and merged PRs new in this batch, whichever arrived first.
    fn link_commits_to_prs(&mut self) -> rusqlite::Result<()> {
        let mut links: Vec<(i64, i64)> = Vec::new();
        {
            // `kind = 1` is `pr_merged`, written out: the partial index is used only for a
            // literal (a test pins the code).
            let mut pr_of = self.tx.prepare_cached(
                "SELECT id FROM contributions INDEXED BY contributions_merged_pr
                 WHERE repo_id = ?1 AND number = ?2 AND kind = 1 ORDER BY id LIMIT 1",
            )?;
            for &(repo, n, commit) in &self.new_commit_prs {
                if let Some(pr) = pr_of.query_row(params![repo, n], |r| r.get(0)).optional()? {
                    links.push((commit, pr));
                }
            }
            let mut commits_of = self.tx.prepare_cached(
                "SELECT contribution_id FROM git_commit_prs WHERE repo_id = ?1 AND number = ?2",
            )?;
            for &(repo, n, pr) in &self.new_merged_prs {
                let rows = commits_of.query_map(params![repo, n], |r| r.get::<_, i64>(0))?;
                for commit in rows {
                    links.push((commit?, pr));
                }
            }
        }
        links.sort_unstable();
        links.dedup_by_key(|l| l.0);
        // a squash commit of a PR whose author is known is a vote about who wrote it
        self.identity.squash.extend(links.iter().copied());
        for (commit, pr) in links {
            let Some((repo, person, at)) = self
                .tx
                .prepare_cached(
                    "UPDATE contributions SET kind = ?2 WHERE id = ?1 AND kind = ?3
                     RETURNING repo_id, person_id, at",
                )?
                .query_row(
                    params![commit, Kind::PrCommit.code(), Kind::Commit.code()],
                    |r| {
                        Ok((
                            r.get::<_, i64>(0)?,
                            r.get::<_, i64>(1)?,
                            r.get::<_, i64>(2)?,
                        ))
                    },
                )
                .optional()?
            else {
                continue;
            };
            let day = time::day_of(at);
            *self
                .rollup
                .entry((repo, Kind::Commit.code(), day, person))
                .or_default() -= 1;
            self.lost_breadth.push((repo, person));
            *self
                .rollup
                .entry((repo, Kind::PrCommit.code(), day, person))
                .or_default() += 1;
            // The PR gets the commit's paths, counted for the PR's author.
            let (pr_person, paths) = {
                let pr_person: i64 = self
                    .tx
                    .prepare_cached("SELECT person_id FROM contributions WHERE id = ?1")?
                    .query_row([pr], |r| r.get(0))?;
                let mut st = self.tx.prepare_cached(
                    "SELECT path, added, deleted FROM contribution_paths WHERE contribution_id = ?1",
                )?;
                let paths = st
                    .query_map([commit], |r| {
                        Ok(ChangedPath {
                            path: r.get(0)?,
                            added: r.get(1)?,
                            deleted: r.get(2)?,
                        })
                    })?
                    .collect::<rusqlite::Result<Vec<_>>>()?;
                (pr_person, paths)
            };
            let before = self.summary.paths;
            self.insert_paths(repo, pr, pr_person, &paths)?;
            // (these are not new paths of the input: the summary counts what it brought)
            self.summary.paths = before;
            self.touched.push(pr);
            self.summary.linked_to_prs += 1;
        }
        Ok(())
    }
}

/// People who lost rows counting for breadth in a repository (the rollup already written) and
/// have none left there leave its `repo_people` and its count of contributors.
fn drop_lost_breadth(tx: &Transaction, lost: &[(i64, i64)]) -> rusqlite::Result<()> {
    if lost.is_empty() {
        return Ok(());
    }
    let codes: Vec<String> = Kind::ALL
        .iter()
        .filter(|k| counts_for_breadth(**k))
        .map(|k| k.code().to_string())
        .collect();
    let mut still_there = tx.prepare_cached(&format!(
        "SELECT 1 FROM rollup WHERE person_id = ?1 AND repo_id = ?2 AND kind IN ({}) AND n > 0 LIMIT 1",
        codes.join(",")
    ))?;
    let mut remove =
        tx.prepare_cached("DELETE FROM repo_people WHERE repo_id = ?1 AND person_id = ?2")?;
    let mut uncount =
        tx.prepare_cached("UPDATE repos SET contributors = contributors - 1 WHERE id = ?1")?;
    for &(repo, person) in lost {
        if still_there
            .query_row(params![person, repo], |_| Ok(()))
            .optional()?
            .is_none()
            && remove.execute(params![repo, person])? == 1
        {
            uncount.execute([repo])?;
        }
    }
    Ok(())
}

/// Earlier loads of the same source and file name that ended early are superseded by this
/// one (the file replaced by its whole version): `stats` shows and counts the input once. Its
/// records need nothing: the same work has the same key, so nothing counted twice.
fn supersede(tx: &Transaction, file_id: i64, input: &InputFile) -> rusqlite::Result<()> {
    let Some(name) = input.path.file_name() else {
        return Ok(());
    };
    let mut older = tx.prepare_cached(
        "SELECT id, path FROM files WHERE source = ?1 AND complete = 0 AND superseded_by IS NULL AND id <> ?2",
    )?;
    let ids = older
        .query_map(params![input.source.as_str(), file_id], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
        })?
        .filter_map(|row| match row {
            Ok((id, path)) => {
                (std::path::Path::new(&path).file_name() == Some(name)).then_some(Ok(id))
            }
            Err(e) => Some(Err(e)),
        })
        .collect::<rusqlite::Result<Vec<i64>>>()?;
    let mut mark = tx.prepare_cached("UPDATE files SET superseded_by = ?2 WHERE id = ?1")?;
    for id in ids {
        mark.execute(params![id, file_id])?;
    }
    Ok(())
}
