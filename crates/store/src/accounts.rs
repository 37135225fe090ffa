//! Look-ups a source of accounts off GitHub (Kaggle, Hugging Face, arXiv) makes while it loads,
//! to *suggest* links: never to make one (links are [`crate::identity`]'s).

use crate::{Batch, Result};
use rusqlite::OptionalExtension;

/// A GitHub account in the store, as a suggestion compares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GithubAccount {
    /// Its current login.
    pub login: String,
    /// Its profile name, when known (users API, Timeline-era events).
    pub name: Option<String>,
}

impl Batch<'_> {
    /// The GitHub account whose current login is `login` (any case), with its profile name.
    /// Git identities and accounts of other namespaces (their logins carry a `prefix:`) are
    /// never returned; an account that is a member of another person is not either.
    pub fn github_account(&mut self, login: &str) -> Result<Option<GithubAccount>> {
        if login.is_empty() || login.contains(':') || self.privacy.login(login) {
            return Ok(None);
        }
        let r = self
            .tx()
            .prepare_cached(
                "SELECT login, name FROM people INDEXED BY people_login
                 WHERE login = ?1 COLLATE NOCASE AND member_of IS NULL AND instr(login, ':') = 0 AND optout IS NULL
                 ORDER BY github_id IS NULL, last_seen DESC LIMIT 1",
            )
            .and_then(|mut s| {
                s.query_row([login], |r| {
                    Ok(GithubAccount {
                        login: r.get(0)?,
                        name: r.get(1)?,
                    })
                })
                .optional()
            });
        r.map_err(|e| self.err(e))
    }
}
