//! What `ingest github --commits` reads and writes besides links: the git account that
//! authored a stored commit (with the links it already has), and each repository's cursor
//! (the newest committer date read), written in the batch that completes a listing.

use crate::identity::State;
use crate::{Batch, Result, Store};
use builtby_model::{work_key, Kind, WorkId};
use rusqlite::{params, OptionalExtension};

/// A link an account already has (for deciding whether a proof is new).
#[derive(Debug, Clone, PartialEq)]
pub struct ExistingLink {
    /// The person's key the link names (a login, or another account's key).
    pub person: String,
    /// The GitHub id of the account with that login, when the store knows it.
    pub github_id: Option<i64>,
    pub state: State,
}

/// The account a stored commit is credited to, as written by `ingest git`.
#[derive(Debug, Clone, PartialEq)]
pub struct CommitAccount {
    /// `git:<hash>` for a git identity.
    pub account: String,
    /// Its links: proven, automatic, suggested, and people's decisions.
    pub links: Vec<ExistingLink>,
}

impl Store {
    /// The account that authored commit `sha` of `repo` (`commit/<repo>@<sha>`), `None` when
    /// the store does not have the commit (its history not ingested, or not up to it).
    pub fn commit_account(&self, repo: &str, sha: &str) -> Result<Option<CommitAccount>> {
        let e = |e| self.err(e);
        let key = work_key(Kind::Commit, repo, WorkId::Sha(sha, None));
        let account: Option<String> = self
            .conn
            .prepare_cached(
                "SELECT a.login FROM contributions c
                 JOIN people a ON a.id = coalesce(c.account_id, c.person_id)
                 WHERE c.key = ?1",
            )
            .and_then(|mut s| s.query_row([&key], |r| r.get(0)).optional())
            .map_err(e)?;
        let Some(account) = account else {
            return Ok(None);
        };
        let mut st = self
            .conn
            .prepare_cached(
                "SELECT l.person, l.state,
                        (SELECT github_id FROM people INDEXED BY people_login
                          WHERE login = l.person COLLATE NOCASE AND github_id IS NOT NULL LIMIT 1)
                 FROM identity_links l WHERE l.account = ?1",
            )
            .map_err(e)?;
        let links = st
            .query_map([&account], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Option<i64>>(2)?,
                ))
            })
            .map_err(e)?
            .filter_map(|row| match row {
                Ok((person, state, github_id)) => State::parse(&state).map(|state| {
                    Ok(ExistingLink {
                        person,
                        github_id,
                        state,
                    })
                }),
                Err(err) => Some(Err(err)),
            })
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(e)?;
        Ok(Some(CommitAccount { account, links }))
    }

    /// The newest committer date `ingest github --commits` has read up to in `repo`.
    pub fn commits_cursor(&self, repo: &str) -> Result<Option<i64>> {
        self.conn
            .query_row(
                "SELECT committed_at FROM commits_cursors WHERE repo = ?1",
                [repo],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.err(e))
    }
}

impl Batch<'_> {
    /// Moves `repo`'s commits cursor forward (never back) with this batch.
    pub fn set_commits_cursor(&mut self, repo: &str, committed_at: i64, now: i64) -> Result<()> {
        self.tx()
            .prepare_cached(
                "INSERT INTO commits_cursors(repo, committed_at, read_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT DO UPDATE SET committed_at = max(committed_at, ?2), read_at = ?3",
            )
            .and_then(|mut s| s.execute(params![repo, committed_at, now]))
            .map(|_| ())
            .map_err(|e| self.err(e))
    }
}
