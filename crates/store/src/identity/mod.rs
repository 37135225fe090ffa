//! One person per human: accounts, the links that join them, and people's decisions.
//!
//! A `people` row is an *account* (a GitHub account, a git identity; later Hugging Face,
//! Kaggle and arXiv profiles). An account joins a person by a *link* with its method,
//! evidence, confidence and state; the account then becomes a *member* of that person and its
//! work counts for them (moved by [`apply::set_member`], the one operation behind every link,
//! unlink and split). Search, evidence and exports see persons only.
//!
//! Link methods, most precise first:
//! - `noreply`: a GitHub noreply address names the account (proven, at ingest);
//! - `commits_api`: GitHub's commits API names the author of a commit (proven);
//! - `merge_branch`: the second parent of `Merge pull request #N from LOGIN:branch` was
//!   authored by the identity (a vote for LOGIN);
//! - `squash_pr`: a squash commit `(#N)` of a PR whose author is known (a vote);
//!   votes become an `auto` link only above [`resolve::RULES`], and never for an
//!   organisation's branches;
//! - suggestions only, never applied: `email_local_part`, `name_is_login`, `same_name`.
//!
//! Decisions (`confirmed`, `rejected`, locks) are a person's and always win; every change is
//! appended to `identity_log`. All of it is keyed by natural keys (`git:<hash>`, logins), so
//! decisions survive a re-ingest of everything.

pub(crate) mod apply;
pub mod resolve;
mod verbs;

pub use resolve::{decide, Rules, Verdict, RULES};
pub use verbs::{AccountView, IdentityView, LinkView, LogEntry, ResolveSummary, SuggestionView};

use crate::{Batch, Result};
use builtby_model::Actor;
use rusqlite::{params, Transaction};
use std::collections::BTreeSet;

/// Who automatic changes are logged as.
pub const AUTO_BY: &str = "builtby";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    Noreply,
    CommitsApi,
    MergeBranch,
    SquashPr,
    EmailLocalPart,
    NameIsLogin,
    SameName,
    Manual,
}

impl Method {
    pub const ALL: [Method; 8] = [
        Method::Noreply,
        Method::CommitsApi,
        Method::MergeBranch,
        Method::SquashPr,
        Method::EmailLocalPart,
        Method::NameIsLogin,
        Method::SameName,
        Method::Manual,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Method::Noreply => "noreply",
            Method::CommitsApi => "commits_api",
            Method::MergeBranch => "merge_branch",
            Method::SquashPr => "squash_pr",
            Method::EmailLocalPart => "email_local_part",
            Method::NameIsLogin => "name_is_login",
            Method::SameName => "same_name",
            Method::Manual => "manual",
        }
    }

    pub fn parse(s: &str) -> Option<Method> {
        Method::ALL.into_iter().find(|m| m.as_str() == s)
    }

    /// How a recruiter reads it.
    pub fn describe(self) -> &'static str {
        match self {
            Method::Noreply => "commits with the account's GitHub noreply address",
            Method::CommitsApi => "GitHub's commits API names the account as the author",
            Method::MergeBranch => "authored the branches merged from this account",
            Method::SquashPr => "authored the squash commits of this account's PRs",
            Method::EmailLocalPart => "the e-mail's local part is this login",
            Method::NameIsLogin => "the name written without spaces is this login",
            Method::SameName => "the same name as this account's profile or git identity",
            Method::Manual => "linked by a person",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    Proven,
    Auto,
    Suggested,
    Confirmed,
    Rejected,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::Proven => "proven",
            State::Auto => "auto",
            State::Suggested => "suggested",
            State::Confirmed => "confirmed",
            State::Rejected => "rejected",
        }
    }

    pub fn parse(s: &str) -> Option<State> {
        [
            State::Proven,
            State::Auto,
            State::Suggested,
            State::Confirmed,
            State::Rejected,
        ]
        .into_iter()
        .find(|m| m.as_str() == s)
    }
}

/// Appends one change to the audit log.
#[allow(clippy::too_many_arguments)]
pub(crate) fn log_change(
    tx: &Transaction,
    now: i64,
    by: &str,
    action: &str,
    account: &str,
    before: Option<&str>,
    after: Option<&str>,
    why: &str,
) -> rusqlite::Result<()> {
    tx.prepare_cached(
        "INSERT INTO identity_log(at, by, action, account, before, after, why) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![now, by, action, account, before, after, why])?;
    Ok(())
}

pub(crate) fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// Identity evidence gathered during a batch, settled at its commit (after the people and
/// contributions it names are written).
#[derive(Debug, Default)]
pub(crate) struct IdentityBatch {
    /// (account key, person id, method, evidence)
    proven: Vec<(String, i64, Method, String)>,
    /// (account key, login, method, evidence)
    votes: Vec<(String, String, Method, String)>,
    /// (account key, login, evidence): suggestions the source saw (an e-mail's local part)
    hints: Vec<(String, String, String)>,
    touched: BTreeSet<String>,
}

impl Batch<'_> {
    /// A proven link: `account` (a git identity) is `target`'s (a noreply address, the
    /// commits API). Applied at commit unless a person decided otherwise.
    pub fn prove_link(
        &mut self,
        account: &Actor,
        target: &Actor,
        at: i64,
        method: Method,
        evidence: &str,
    ) -> Result<()> {
        self.person_id(account, at, None)?;
        let person = self.person_id(target, at, None)?;
        self.identity
            .proven
            .push((account.login.clone(), person, method, evidence.to_string()));
        Ok(())
    }

    /// One vote: `account` authored work GitHub credits to `login` (`evidence` names it, and
    /// is what makes the same vote from two runs one vote).
    pub fn vote(&mut self, account: &str, login: &str, method: Method, evidence: &str) {
        self.identity.touched.insert(account.to_string());
        self.identity.votes.push((
            account.to_string(),
            login.to_string(),
            method,
            evidence.to_string(),
        ));
    }

    /// A suggestion the source saw (the e-mail's local part is a known login): never applied.
    pub fn hint(&mut self, account: &str, login: &str, evidence: &str) {
        self.identity
            .hints
            .push((account.to_string(), login.to_string(), evidence.to_string()));
    }

    /// Git identities new in this batch are resolved at its commit (names may suggest links).
    pub(crate) fn touch(&mut self, account: &str) {
        self.identity.touched.insert(account.to_string());
    }
}

/// Writes a batch's identity evidence and re-decides the accounts it touched.
pub(crate) fn settle(tx: &Transaction, b: IdentityBatch) -> rusqlite::Result<()> {
    let now = now();
    {
        let mut ins = tx.prepare_cached(
            "INSERT OR IGNORE INTO identity_votes(account, login, method, evidence) VALUES (?1, ?2, ?3, ?4)",
        )?;
        for (account, login, method, evidence) in &b.votes {
            ins.execute(params![account, login, method.as_str(), evidence])?;
        }
    }
    for (account, login, evidence) in &b.hints {
        resolve::write_link(
            tx,
            account,
            login,
            Method::EmailLocalPart,
            &serde_json::to_string(&[evidence]).expect("serialises"),
            0.3,
            State::Suggested,
            now,
        )?;
    }
    let mut proven = b.proven;
    proven.sort_by(|a, b| a.0.cmp(&b.0));
    proven.dedup_by(|a, b| a.0 == b.0 && a.1 == b.1);
    let mut touched = b.touched;
    for (account, person, method, evidence) in proven {
        let key = resolve::person_key(tx, person)?;
        resolve::write_link(
            tx,
            &account,
            &key,
            method,
            &serde_json::to_string(&[&evidence]).expect("serialises"),
            1.0,
            State::Proven,
            now,
        )?;
        touched.insert(account);
    }
    for account in touched {
        resolve::resolve_account(tx, &account, &RULES, now)?;
    }
    Ok(())
}
