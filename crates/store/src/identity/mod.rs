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
//! - `signed_off`: the author signs off with a noreply address under their own name (a vote);
//!   votes become an `auto` link only above [`resolve::RULES`], and never for an
//!   organisation's branches;
//! - suggestions only, never applied: `email_local_part`, `name_is_login`, `same_name`,
//!   `profile_link` (a Hugging Face model card links `github.com/<login>`: the card may name
//!   a collaborator, so it is never more than a suggestion), and `paper_code` (an arXiv author
//!   named like one of the people of the repository the paper links; not automatic: its
//!   precision has not been measured on labelled data).
//!
//! Decisions (`confirmed`, `rejected`, locks) are a person's and always win; every change is
//! appended to `identity_log`. All of it is keyed by natural keys (`git:<hash>`, logins), so
//! decisions survive a re-ingest of everything.

pub(crate) mod apply;
mod eval;
pub mod resolve;
mod verbs;

pub use eval::{EvalRow, IdentityStats, RulesView};
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
    SignedOff,
    EmailLocalPart,
    NameIsLogin,
    SameName,
    ProfileLink,
    Manual,
    PaperCode,
}

impl Method {
    pub const ALL: [Method; 11] = [
        Method::Noreply,
        Method::CommitsApi,
        Method::MergeBranch,
        Method::SquashPr,
        Method::SignedOff,
        Method::EmailLocalPart,
        Method::NameIsLogin,
        Method::SameName,
        Method::ProfileLink,
        Method::Manual,
        Method::PaperCode,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Method::Noreply => "noreply",
            Method::CommitsApi => "commits_api",
            Method::MergeBranch => "merge_branch",
            Method::SquashPr => "squash_pr",
            Method::SignedOff => "signed_off",
            Method::EmailLocalPart => "email_local_part",
            Method::NameIsLogin => "name_is_login",
            Method::SameName => "same_name",
            Method::ProfileLink => "profile_link",
            Method::Manual => "manual",
            Method::PaperCode => "paper_code",
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
            Method::SignedOff => "signed off its own commits with this account's noreply address",
            Method::EmailLocalPart => "the e-mail's local part is this login",
            Method::NameIsLogin => "the name written without spaces is this login",
            Method::SameName => "the same name as this account's profile or git identity",
            Method::ProfileLink => {
                "the account's own page (a model card) links this GitHub profile"
            }
            Method::Manual => "linked by a person",
            Method::PaperCode => {
                "an author of a paper that links a repository, named like one of its people"
            }
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

/// Appends one change to the identity log, and to the audit log (`identity.<action>`, the
/// accounts named by their keyed hash, see [`crate::audit`]).
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
    let k = crate::optout::key(tx)?;
    let r = |a: &str| crate::optout::hash(&k, &crate::optout::stored_canonical(a));
    crate::audit::append(
        tx,
        by,
        &format!("identity.{action}"),
        &serde_json::json!({
            "account": r(account),
            "before": before.map(r),
            "after": after.map(r),
            "why": why,
        }),
        1,
    )
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
    /// (account key, login, method, confidence, evidence): suggestions the source saw (an
    /// e-mail's local part, a paper's author named like a person of its repository)
    hints: Vec<(String, String, Method, f64, Vec<String>)>,
    /// (commit, merged PR) rows linked in this batch: the commit's git identity votes for
    /// the PR's author (looked up at settle, once the batch's people are written)
    pub(crate) squash: Vec<(i64, i64)>,
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
        if self.suppressed(target) {
            // the account is an opted-out person's: suppressed with them, never linked
            self.privacy.prove(&account.login, &target.login);
            return Ok(());
        }
        self.person_id(account, at, None)?;
        let person = self.person_id(target, at, None)?;
        if self.suppressed(target) {
            self.privacy.prove(&account.login, &target.login);
            return Ok(());
        }
        self.identity
            .proven
            .push((account.login.clone(), person, method, evidence.to_string()));
        Ok(())
    }

    /// One vote: `account` authored work GitHub credits to `login` (`evidence` names it, and
    /// is what makes the same vote from two runs one vote).
    pub fn vote(&mut self, account: &str, login: &str, method: Method, evidence: &str) {
        if self.privacy.login(login) {
            // nothing is kept that names an opted-out login
            return;
        }
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
        self.suggest(
            account,
            login,
            Method::EmailLocalPart,
            0.3,
            &[evidence.to_string()],
        );
    }

    /// A suggestion by another method (`profile_link`: a model card links the GitHub
    /// profile): never applied, whatever the method.
    pub fn hint_with(&mut self, account: &str, login: &str, method: Method, evidence: &str) {
        self.suggest(account, login, method, 0.3, &[evidence.to_string()]);
    }

    /// A suggestion by `method` with its confidence (0..1) and evidence: never applied, shown
    /// with `identity suggest` for a person to accept or reject. A suggestion already stored
    /// for the same pair is kept as it is.
    pub fn suggest(
        &mut self,
        account: &str,
        login: &str,
        method: Method,
        confidence: f64,
        evidence: &[String],
    ) {
        if self.privacy.login(login) || self.privacy.login(account) {
            return;
        }
        self.identity.hints.push((
            account.to_string(),
            login.to_string(),
            method,
            confidence.clamp(0.0, 1.0),
            evidence.to_vec(),
        ));
    }

    /// Git identities new in this batch are resolved at its commit (names may suggest links).
    pub(crate) fn touch(&mut self, account: &str) {
        self.identity.touched.insert(account.to_string());
    }
}

/// A squash commit `(#N)` of a PR whose author is known: the commit's git identity votes for
/// the PR's author (one vote per PR, whatever the number of its commits). A PR credited to a
/// git account (git told of it first) names no author: no vote, not even for the person that
/// account is a member of (that would be the account voting for its own link).
fn squash_vote(
    tx: &Transaction,
    commit: i64,
    pr: i64,
) -> rusqlite::Result<Option<(String, String, String)>> {
    use rusqlite::OptionalExtension;
    // the PR's own account (not only its person) is a GitHub account
    let found: Option<(String, String, Option<String>, Option<i64>)> = tx
        .prepare_cached(
            "SELECT a.login, q.login, p.url, p.number FROM contributions c
             JOIN people a ON a.id = coalesce(c.account_id, c.person_id)
             JOIN contributions p ON p.id = ?2 JOIN people q ON q.id = p.person_id
             JOIN people pa ON pa.id = coalesce(p.account_id, p.person_id)
             WHERE c.id = ?1 AND instr(pa.login, ':') = 0",
        )?
        .query_row(params![commit, pr], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .optional()?;
    Ok(found.and_then(|(account, login, url, number)| {
        (account.starts_with("git:") && !login.contains(':')).then(|| {
            let evidence = url.unwrap_or_else(|| format!("#{}", number.unwrap_or(0)));
            (account, login, evidence)
        })
    }))
}

/// Writes a batch's identity evidence and re-decides the accounts it touched.
pub(crate) fn settle(tx: &Transaction, mut b: IdentityBatch) -> rusqlite::Result<()> {
    let now = now();
    for (commit, pr) in std::mem::take(&mut b.squash) {
        if let Some((account, login, evidence)) = squash_vote(tx, commit, pr)? {
            b.touched.insert(account.clone());
            b.votes.push((account, login, Method::SquashPr, evidence));
        }
    }
    {
        let mut ins = tx.prepare_cached(
            "INSERT OR IGNORE INTO identity_votes(account, login, method, evidence) VALUES (?1, ?2, ?3, ?4)",
        )?;
        for (account, login, method, evidence) in &b.votes {
            ins.execute(params![account, login, method.as_str(), evidence])?;
        }
    }
    {
        // a hint never replaces what is known about the same pair (an automatic link)
        let mut hint = tx.prepare_cached(
            "INSERT OR IGNORE INTO identity_links(account, person, method, evidence, confidence, state, at, by)
             VALUES (?1, ?2, ?3, ?4, ?5, 'suggested', ?6, ?7)",
        )?;
        for (account, login, method, confidence, evidence) in &b.hints {
            hint.execute(params![
                account,
                login,
                method.as_str(),
                serde_json::to_string(evidence).expect("serialises"),
                confidence,
                now,
                AUTO_BY
            ])?;
        }
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
    // Twice: links depend only on each account's own evidence, but suggestions from names
    // look at other accounts, which the first pass may have linked.
    for _ in 0..2 {
        for account in &touched {
            resolve::resolve_account(tx, account, &RULES, now)?;
        }
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests;
