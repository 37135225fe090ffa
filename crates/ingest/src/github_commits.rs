//! `ingest github --commits`: GitHub's commits API proves whose a git identity is.
//!
//! For each repository whose git history is in the store (`ingest git`), the default branch's
//! commits are listed, 100 a request, newest first ([`commits::list_commits`]). GitHub names
//! the account it matched to each commit's author e-mail; the git account the store credits
//! with that commit (`commit/<repo>@<sha>`) is then proven to be that account
//! ([`Batch::prove_link`], method `commits_api`), one batch per page through the one write
//! path. Nothing else is written: the commits are git's, already stored.
//!
//! Not linked: merges (no authorship of their own), commits GitHub matched to no account,
//! bots (`type: Bot`, `[bot]`, the bot list), identities a person unlinked from that account
//! (a rejected link), and identities already proven to be someone else (reported).
//!
//! Incremental: each repository keeps a cursor, the newest committer date among the listed
//! commits the store has, written with the listing's last page; the next run asks `since` it.
//! Commits newer than the store's (a clone behind GitHub) are listed again until `ingest git`
//! has them. When the cursor moved, the listing `since` the new cursor is read once more, so
//! that an unchanged repository answers the next run with a 304. Cost: one request per 100
//! commits, plus one per run (the first page `since` the cursor); measured on the fake GitHub
//! with 1,000 commits: 11 requests, then 1 (a 304).
//!
//! GitHub compares `since` with committer dates: a commit committed before the cursor that
//! reaches the default branch later (a branch merged with a merge commit) is not listed again.
//! Its identity is proven by any of its other commits.

use crate::IngestError;
use builtby_model::{time, Actor, BotRules, ReadReport, Source};
use builtby_sources::github_api::commits::{self, ListedCommit};
use builtby_sources::github_api::{Cache, Client};
use builtby_store::identity::{Method, State};
use builtby_store::{ExistingLink, InputFile, Store};
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};

/// What the commits API did for one repository.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RepoCommits {
    pub repo: String,
    /// Why the repository was not read (no git history in the store): no request was made.
    pub skipped: Option<String>,
    /// The listing stopped on this error (pages stored before it are kept).
    pub error: Option<String>,
    /// Distinct commits listed.
    pub listed: u64,
    pub merges: u64,
    /// Commits (not merges) that are in the store with a GitHub author.
    pub matched: u64,
    /// Commits (not merges) the store does not have.
    pub not_in_store: u64,
    /// Commits GitHub matched to no account (`author: null`).
    pub no_author: u64,
    pub bots: u64,
    /// Git identities proven by this run.
    pub newly_proven: u64,
    /// Git identities already proven to be the account GitHub names.
    pub already_proven: u64,
    /// Git identities proven or decided to be someone else, or unlinked from this account by
    /// a person: left as they are.
    pub contradicted: u64,
    /// What was left as it is, and why (the first few).
    pub messages: Vec<String>,
    pub pages: u64,
    pub requests: u64,
    pub not_modified: u64,
    /// The cursor after the run.
    pub cursor: Option<i64>,
}

impl RepoCommits {
    /// Requests per 1,000 commits listed.
    pub fn requests_per_1000(&self) -> Option<f64> {
        (self.listed > 0).then(|| self.requests as f64 * 1000.0 / self.listed as f64)
    }
}

/// What a commit's GitHub author says about the git account that authored it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Proof {
    /// Not known yet: prove it.
    New,
    /// Already proven (or confirmed by a person) to be this account.
    Already,
    /// A person rejected this link: never made again.
    Rejected,
    /// Proven or confirmed to be another account: left as it is.
    Contradicted,
}

/// Decides from the account's links whether GitHub's `login`/`id` is new evidence.
pub fn proof_of(links: &[ExistingLink], login: &str, id: Option<i64>) -> Proof {
    let same = |l: &ExistingLink| {
        l.person.eq_ignore_ascii_case(login) || (id.is_some() && l.github_id == id)
    };
    let firm = |l: &ExistingLink| matches!(l.state, State::Proven | State::Confirmed);
    if links.iter().any(|l| same(l) && firm(l)) {
        Proof::Already
    } else if links.iter().any(|l| same(l) && l.state == State::Rejected) {
        Proof::Rejected
    } else if links.iter().any(|l| !same(l) && firm(l)) {
        Proof::Contradicted
    } else {
        Proof::New
    }
}

const MAX_MESSAGES: usize = 10;

/// Per repository and run.
#[derive(Default)]
struct Run {
    done: RepoCommits,
    seen: HashSet<String>,
    /// account → what was decided (an account is decided once a run)
    decided: HashMap<String, Proof>,
    /// The newest committer date among the listed commits the store has.
    newest_stored: Option<i64>,
    /// The newest committer date among the listed commits that are not merges.
    newest_listed: Option<i64>,
    /// The cursor was moved by this run.
    moved: bool,
}

/// Lists each repository's commits since its cursor (or `since`) and proves the git accounts
/// GitHub names. `on_page(repo, commits listed, identities proven)` follows the pages.
pub fn link_commit_authors(
    store: &mut Store,
    client: &Client,
    cache: &dyn Cache,
    repos: &[String],
    since: Option<i64>,
    bots: &BotRules,
    on_page: &mut dyn FnMut(&str, u64, u64),
) -> Result<Vec<RepoCommits>, IngestError> {
    let mut out = Vec::new();
    for repo in repos {
        if store.git_tip(repo)?.is_none() {
            out.push(RepoCommits {
                repo: repo.clone(),
                skipped: Some(format!(
                    "no git history in the store: run `builtby ingest git PATH --repo {repo}` on a clone first"
                )),
                ..Default::default()
            });
            continue;
        }
        let cursor = store.commits_cursor(repo)?;
        let floor = match (cursor, since) {
            (Some(c), Some(s)) => Some(c.max(s)),
            (c, s) => c.or(s),
        };
        let start = client.stats();
        let mut run = Run {
            done: RepoCommits {
                repo: repo.clone(),
                cursor,
                ..Default::default()
            },
            ..Default::default()
        };
        // The listing from the floor; then, when the cursor moved up to the newest commit
        // listed, once more from the new cursor: the request the next run starts with.
        let mut from = floor;
        for pass in 0..2 {
            let mut store_error: Option<IngestError> = None;
            let mut sink = |page: Vec<ListedCommit>, last: bool| -> Result<(), String> {
                match store_page(store, repo, &page, last, from, bots, &mut run) {
                    Ok(()) => {
                        on_page(repo, run.done.listed, run.done.newly_proven);
                        Ok(())
                    }
                    Err(e) => {
                        let msg = e.to_string();
                        store_error = Some(e);
                        Err(msg)
                    }
                }
            };
            let r = commits::list_commits(client, cache, repo, from, &mut sink);
            if let Some(e) = store_error {
                return Err(e);
            }
            match r {
                Ok(st) => run.done.pages += st.pages,
                Err(e) => {
                    run.done.error = Some(e.to_string());
                    break;
                }
            }
            // Read again only when no commit newer than the cursor is missing from the store
            // (else the next run lists from the cursor anyway, and finds them changed).
            if pass == 1 || !run.moved || run.done.cursor != run.newest_listed {
                break;
            }
            run.moved = false;
            from = run.done.cursor;
        }
        let s = client.stats();
        run.done.requests = s.requests - start.requests;
        run.done.not_modified = s.not_modified - start.not_modified;
        out.push(run.done);
    }
    Ok(out)
}

/// One page: every commit classified, the new proofs stored in one batch (with the cursor on
/// the last page). No batch when there is nothing to write.
fn store_page(
    store: &mut Store,
    repo: &str,
    page: &[ListedCommit],
    last: bool,
    floor: Option<i64>,
    bots: &BotRules,
    run: &mut Run,
) -> Result<(), IngestError> {
    // (account, GitHub account, when, evidence)
    let mut proofs: Vec<(String, Actor, i64, String)> = Vec::new();
    let mut read = ReadReport::new(Source::Github);
    fn skip(read: &mut ReadReport, why: &str) {
        *read.skipped.entry(why.to_string()).or_default() += 1;
    }
    for c in page {
        read.read += 1;
        if !run.seen.insert(c.sha.clone()) {
            continue; // listed again by the second pass
        }
        let d = &mut run.done;
        d.listed += 1;
        if c.merge {
            d.merges += 1;
            skip(&mut read, "merge");
            continue;
        }
        run.newest_listed = run.newest_listed.max(c.committed_at);
        let Some(account) = store.commit_account(repo, &c.sha)? else {
            d.not_in_store += 1;
            skip(&mut read, "not in the store");
            continue;
        };
        run.newest_stored = run.newest_stored.max(c.committed_at);
        let Some(author) = &c.author else {
            d.no_author += 1;
            skip(&mut read, "no GitHub author");
            continue;
        };
        if bots.is_bot(&author.login, author.is_bot_type) {
            d.bots += 1;
            skip(&mut read, "bot");
            continue;
        }
        d.matched += 1;
        if run.decided.contains_key(&account.account) || !account.account.starts_with("git:") {
            continue;
        }
        let proof = proof_of(&account.links, &author.login, author.github_id);
        run.decided.insert(account.account.clone(), proof);
        match proof {
            Proof::New => {
                d.newly_proven += 1;
                let at = c.authored_at.or(c.committed_at).unwrap_or_else(time::now);
                proofs.push((account.account, author.clone(), at, c.url.clone()));
            }
            Proof::Already => d.already_proven += 1,
            Proof::Rejected | Proof::Contradicted => {
                d.contradicted += 1;
                if d.messages.len() < MAX_MESSAGES {
                    let why = if proof == Proof::Rejected {
                        format!("a person unlinked it from @{}", author.login)
                    } else {
                        let other: Vec<&str> = account
                            .links
                            .iter()
                            .filter(|l| matches!(l.state, State::Proven | State::Confirmed))
                            .map(|l| l.person.as_str())
                            .collect();
                        format!(
                            "GitHub names @{} but it is proven or confirmed to be {}",
                            author.login,
                            other.join(", ")
                        )
                    };
                    d.messages.push(format!(
                        "{} ({}): {why}; left as it is",
                        account.account, c.url
                    ));
                }
            }
        }
    }
    // The cursor: the newest commit the store has (newer ones are listed again next run,
    // once `ingest git` has them); never back.
    let cursor = if last {
        run.newest_stored.filter(|n| floor.is_none_or(|f| *n > f))
    } else {
        None
    };
    if proofs.is_empty() && cursor.is_none() {
        return Ok(());
    }
    let now = time::now();
    static SEQ: AtomicU64 = AtomicU64::new(0);
    let input = InputFile {
        source: Source::Github,
        path: format!("commits:{repo}@{}", time::iso_string(now)).into(),
        size: 0,
        checksum: format!(
            "github:commits:{repo}:{now}:{}:{}",
            std::process::id(),
            SEQ.fetch_add(1, Ordering::Relaxed)
        ),
    };
    read.by_type.insert("commit".into(), page.len() as u64);
    let mut load = store.begin()?;
    for (account, github, at, url) in &proofs {
        let git = Actor {
            github_id: None,
            login: account.clone(),
            is_bot_type: false,
        };
        load.prove_link(&git, github, *at, Method::CommitsApi, url)?;
    }
    if let Some(c) = cursor {
        load.set_commits_cursor(repo, c, now)?;
        run.done.cursor = Some(c);
        run.moved = true;
    }
    load.commit(&input, &read)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(person: &str, github_id: Option<i64>, state: State) -> ExistingLink {
        ExistingLink {
            person: person.into(),
            github_id,
            state,
        }
    }

    #[test]
    fn a_proof_is_new_unless_the_links_say_otherwise() {
        assert_eq!(proof_of(&[], "ana", Some(1)), Proof::New);
        // a vote-made (auto) or suggested link to the same account: the proof is still new
        assert_eq!(
            proof_of(&[link("ana", Some(1), State::Auto)], "ana", Some(1)),
            Proof::New
        );
        assert_eq!(
            proof_of(&[link("bo", None, State::Suggested)], "ana", Some(1)),
            Proof::New
        );
        // proven already, under the same login or a former one (same id)
        assert_eq!(
            proof_of(&[link("ANA", None, State::Proven)], "ana", Some(1)),
            Proof::Already
        );
        assert_eq!(
            proof_of(&[link("ana-old", Some(1), State::Proven)], "ana", Some(1)),
            Proof::Already
        );
        assert_eq!(
            proof_of(&[link("ana", None, State::Confirmed)], "ana", None),
            Proof::Already
        );
        // a person's decisions and other proofs win
        assert_eq!(
            proof_of(&[link("ana", Some(1), State::Rejected)], "ana", Some(1)),
            Proof::Rejected
        );
        assert_eq!(
            proof_of(&[link("bo", Some(2), State::Proven)], "ana", Some(1)),
            Proof::Contradicted
        );
        assert_eq!(
            proof_of(&[link("bo", Some(2), State::Confirmed)], "ana", Some(1)),
            Proof::Contradicted
        );
    }
}
