//! What git histories add to the store, written through the one [`Batch`]: where each
//! repository's ingest stopped (for incremental runs). Git identities are accounts (`git:<hash>`,
//! never the address) resolved by [`crate::identity`]. Commits themselves are ordinary
//! contributions (`commit/<repo>@<sha>`), with their paths; a commit that names a merged PR in
//! the store becomes a `pr_commit` at commit time, whichever of the two arrived first. The
//! merged PRs a history itself shows (squash commits and merges on its first-parent chain) are
//! `pr_merged` rows credited to git accounts until a GitHub source credits them to the PR's
//! author (see [`Batch::add`]).

use crate::{Batch, Result, Store};
use builtby_model::Kind;
use rusqlite::{params, OptionalExtension};

/// A merged PR already in the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergedPr {
    pub contribution_id: i64,
    pub person_id: i64,
    pub login: String,
}

/// Git state gathered during a batch and written at its commit.
#[derive(Debug, Default)]
pub(crate) struct GitBatch {
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

    /// True when a person with this login (current or former) is in the store.
    pub fn login_known(&mut self, login: &str) -> Result<bool> {
        if self.privacy.login(login) {
            return Ok(false);
        }
        let r = self
            .tx()
            .prepare_cached(
                "SELECT 1 FROM people WHERE login = ?1 COLLATE NOCASE AND optout IS NULL LIMIT 1",
            )
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
    /// `pr_merged` rows (from git or GitHub), and those credited to git accounts (no GitHub
    /// source has told of them yet).
    pub merged_prs: i64,
    pub merged_prs_by_git_accounts: i64,
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
            merged_prs: one("SELECT count(*) FROM contributions WHERE repo_id = ?1 AND kind = 1")?,
            merged_prs_by_git_accounts: one("SELECT count(*) FROM contributions c JOIN people p ON p.id = coalesce(c.account_id, c.person_id)
                                             WHERE c.repo_id = ?1 AND c.kind = 1 AND p.login LIKE 'git:%'")?,
            github_authors: one("SELECT count(DISTINCT c.person_id) FROM contributions c JOIN people p ON p.id = c.person_id
                                 WHERE c.repo_id = ?1 AND c.kind IN (10, 13) AND p.login NOT LIKE 'git:%'")?,
            git_identity_authors: one("SELECT count(DISTINCT c.person_id) FROM contributions c JOIN people p ON p.id = c.person_id
                                       WHERE c.repo_id = ?1 AND c.kind IN (10, 13) AND p.login LIKE 'git:%'")?,
            commits_by_github_people: one("SELECT count(*) FROM contributions c JOIN people p ON p.id = c.person_id
                                           WHERE c.repo_id = ?1 AND c.kind IN (10, 13) AND p.login NOT LIKE 'git:%'")?,
            suggestions: one("SELECT count(*) FROM identity_links l JOIN people p ON p.login = l.account
                              WHERE l.state = 'suggested' AND p.member_of IS NULL
                                AND EXISTS (SELECT 1 FROM rollup WHERE person_id = p.id AND repo_id = ?1)")?,
            path_rows: one("SELECT count(*) FROM contribution_paths WHERE repo_id = ?1")?,
        })
    }
}
