//! What git histories add to the store, written through the one [`Batch`]: where each
//! repository's ingest stopped (for incremental runs), identities keyed by hashed e-mail (never
//! the address), and suggestions for links nothing proves. Commits themselves are ordinary
//! contributions (`commit/<repo>@<sha>`), with their paths; a commit that names a merged PR in
//! the store becomes a `pr_commit` at commit time, whichever of the two arrived first.

use crate::{Batch, Result, Store};
use builtby_model::{Actor, Kind};
use rusqlite::{params, OptionalExtension};
use std::collections::HashMap;

/// A merged PR already in the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergedPr {
    pub contribution_id: i64,
    pub person_id: i64,
    pub login: String,
}

/// How a git identity's work is known to be a person's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Proof {
    /// A GitHub noreply address names the account.
    Noreply,
    /// The commit's merged PR is this person's.
    Pr,
    /// Nothing: credited to a git-identity person shown by name.
    None,
}

impl Proof {
    fn as_str(self) -> &'static str {
        match self {
            Proof::Noreply => "noreply",
            Proof::Pr => "pr",
            Proof::None => "none",
        }
    }
}

/// Git state gathered during a batch and written at its commit.
#[derive(Debug, Default)]
pub(crate) struct GitBatch {
    /// hash → (name, person, proof, commits)
    identities: HashMap<String, (String, i64, Proof, i64)>,
    suggestions: Vec<(String, String, String, i64)>,
    /// (repo, local path, tip, commits read)
    tip: Option<(i64, String, String, u64)>,
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
}

impl Batch<'_> {
    /// The merged PR `number` of `repo`, if the store has it.
    pub fn merged_pr(&mut self, repo: &str, number: i64) -> Result<Option<MergedPr>> {
        let repo_id = self.repo_id(repo)?;
        let r = self
            .tx()
            .prepare_cached(
                "SELECT c.id, c.person_id, p.login FROM contributions c INDEXED BY contributions_merged_pr
                 JOIN people p ON p.id = c.person_id
                 WHERE c.repo_id = ?1 AND c.number = ?2 AND c.kind = 1 ORDER BY c.id LIMIT 1",
            )
            .and_then(|mut s| {
                s.query_row(params![repo_id, number], |r| {
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

    /// Records which person a git identity's work is credited to, and how that is known.
    pub fn git_identity(
        &mut self,
        email_hash: &str,
        name: &str,
        actor: &Actor,
        at: i64,
        proof: Proof,
    ) -> Result<()> {
        let person = self.person_id(actor, at, None)?;
        let e = self
            .git
            .identities
            .entry(email_hash.to_string())
            .or_insert_with(|| (name.to_string(), person, proof, 0));
        e.3 += 1;
        if e.2 == Proof::None && proof != Proof::None {
            e.1 = person;
            e.2 = proof;
        }
        Ok(())
    }

    /// Keeps an unproven identity → login link with its evidence (never applied here).
    pub fn suggest_identity(
        &mut self,
        repo: &str,
        email_hash: &str,
        login: &str,
        evidence: &str,
    ) -> Result<()> {
        let repo_id = self.repo_id(repo)?;
        self.git.suggestions.push((
            email_hash.to_string(),
            login.to_string(),
            evidence.to_string(),
            repo_id,
        ));
        Ok(())
    }

    /// True when a person with this login (current or former) is in the store.
    pub fn login_known(&mut self, login: &str) -> Result<bool> {
        let r = self
            .tx()
            .prepare_cached("SELECT 1 FROM people WHERE login = ?1 COLLATE NOCASE LIMIT 1")
            .and_then(|mut s| s.query_row([login], |_| Ok(())).optional());
        r.map(|o| o.is_some()).map_err(|e| self.err(e))
    }

    /// The tip this run read `repo` up to, written with the batch.
    pub fn set_git_tip(
        &mut self,
        repo: &str,
        local_path: &str,
        tip: &str,
        commits: u64,
    ) -> Result<()> {
        let repo_id = self.repo_id(repo)?;
        self.git.tip = Some((repo_id, local_path.to_string(), tip.to_string(), commits));
        Ok(())
    }

    pub(crate) fn write_git(&mut self) -> rusqlite::Result<()> {
        let git = std::mem::take(&mut self.git);
        let tx = self.tx();
        let mut id = tx.prepare_cached(
            "INSERT INTO git_identities(email_hash, name, person_id, proof, commits) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT DO UPDATE SET commits = commits + ?5,
               person_id = CASE WHEN proof = 'none' AND ?4 != 'none' THEN ?3 ELSE person_id END,
               proof = CASE WHEN proof = 'none' THEN ?4 ELSE proof END",
        )?;
        for (hash, (name, person, proof, n)) in &git.identities {
            id.execute(params![hash, name, person, proof.as_str(), n])?;
        }
        let mut sg = tx.prepare_cached(
            "INSERT INTO identity_suggestions(email_hash, login, evidence, repo_id) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT DO UPDATE SET seen = seen + 1",
        )?;
        for (hash, login, evidence, repo) in &git.suggestions {
            sg.execute(params![hash, login, evidence, repo])?;
        }
        if let Some((repo, path, tip, commits)) = &git.tip {
            tx.execute(
                "INSERT INTO git_repos(repo_id, path, tip, commits, updated_at) VALUES (?1, ?2, ?3, ?4, strftime('%s','now'))
                 ON CONFLICT DO UPDATE SET path = ?2, tip = ?3, commits = commits + ?4, updated_at = strftime('%s','now')",
                params![repo, path, tip, *commits as i64],
            )?;
        }
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
                    crate::kind_at(r, 2)?,
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
