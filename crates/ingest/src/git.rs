//! Git repositories into the store: commits credited to people, with their paths.
//!
//! Per repository and run: `git rev-parse HEAD`; if the store already read up to it, nothing
//! else happens. Otherwise the commits after the stored tip are read by parallel `git log`
//! processes and loaded by this thread in one transaction (a killed run leaves the store as it
//! was, and the next run reads the same commits again).
//!
//! Crediting, per non-merge commit: the author, each `Co-authored-by:` (`co_authored`) and
//! `Reviewed-by:` (`commit_review`) identity is a git account (`git:<hash>`, shown by name,
//! never the address). What is known about whose it is goes to identity resolution in the
//! store, which credits the work to the person:
//! - a GitHub noreply address proves the account (`noreply`);
//! - the second parent of `Merge pull request #N from LOGIN:branch` votes for LOGIN
//!   (`merge_branch`; never for the repository's owner);
//! - a squash commit `(#N)` votes for PR N's author once both are in the store (`squash_pr`,
//!   found by the store whichever arrives first);
//! - a `Signed-off-by:` with a noreply address under the author's own name votes for that
//!   login (`signed_off`);
//! - an address whose local part is a login the store knows is a suggestion only;
//! - names and addresses of import identities and AI co-authors mark them as not people.
//!
//! Merged PRs, from the history itself ([`prs`]): on the default branch's first-parent chain
//! (read whole by one `git log --first-parent`, also on an incremental run), a `Merge pull
//! request #N` merge and, in a repository that merges through GitHub, a commit whose subject
//! ends `(#N)` are the merges of PR N. Each becomes a `pr_merged` keyed like GitHub's
//! (`pr_merged/<repo>#N`, so one row whichever source tells of it), linked to `/pull/N`, at
//! the commit time, with the commit's diff (a merge's: against its first parent, read again
//! with it) as the PR's paths; credited to the squash commit's author, or to the author of
//! the merged branch's head (the merge's second parent). The commits naming PR N then become
//! its `pr_commit`s in the store, so the work counts once. A GitHub source later bringing the
//! same PR moves the credit to the PR's GitHub author (see `Batch::add`).
//!
//! Other merges carry no authorship (the PR's own commits do); a `Merge pull request #N` that
//! is not PR N's merge here (off the chain, or a second one) gives PR N its paths when the
//! store has it.

pub mod prs;

pub use prs::MainlineStats;

use crate::IngestError;
use builtby_model::{
    work_key, Actor, ChangedPath, Contribution, Identity, Kind, Profile, ReadReport, Record,
    Source, WorkId,
};
use builtby_sources::git::{self, Commit, Ident, ReadStats};
use builtby_store::identity::Method;
use builtby_store::{Batch, InputFile, LoadSummary, Store};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(Debug, Clone, PartialEq)]
pub enum GitOutcome {
    /// The store had read up to this tip already.
    UpToDate {
        tip: String,
    },
    Loaded {
        tip: String,
        commits: u64,
        summary: LoadSummary,
        stats: ReadStats,
        /// What the first-parent chain says about PR merges (see [`prs`]).
        prs: MainlineStats,
        secs: f64,
    },
    Failed {
        error: String,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct GitReport {
    pub path: PathBuf,
    pub repo: Option<String>,
    pub outcome: GitOutcome,
}

/// Ingests the repository at `path` as `repo` (`owner/name`; guessed from the `origin` remote
/// or an `owner__name` folder when `None`).
pub fn ingest_repo(
    store: &mut Store,
    path: &Path,
    repo: Option<&str>,
    threads: usize,
) -> Result<GitReport, IngestError> {
    let report = |repo: Option<String>, outcome| GitReport {
        path: path.to_path_buf(),
        repo,
        outcome,
    };
    let failed = |repo: Option<String>, error: String| report(repo, GitOutcome::Failed { error });
    let tip = match git::head(path) {
        Ok(Some(t)) => t,
        Ok(None) => return Ok(failed(None, format!("{}: no commits", path.display()))),
        Err(e) => return Ok(failed(None, e.to_string())),
    };
    let Some(repo) = repo
        .map(str::to_string)
        .or_else(|| git::guess_repo_name(path))
    else {
        return Ok(failed(
            None,
            format!(
                "{}: cannot tell which GitHub repository this is; pass --repo owner/name",
                path.display()
            ),
        ));
    };
    let old = store.git_tip(&repo)?;
    if old.as_deref() == Some(tip.as_str()) {
        return Ok(report(Some(repo), GitOutcome::UpToDate { tip }));
    }
    let started = Instant::now();
    let mut exclude = Vec::new();
    // The input's key is the range read: a history that goes back to a tip read before
    // (rewritten, then restored) is a new range, not an input already in the log.
    let range = format!("{}..{tip}", old.as_deref().unwrap_or("root"));
    if let Some(o) = old {
        // A rewritten history reads everything again; keys make that idempotent.
        if git::is_ancestor(path, &o, &tip).unwrap_or(false) {
            exclude.push(o);
        }
    }
    let ids = match git::rev_list(path, &tip, &exclude) {
        Ok(ids) => ids,
        Err(e) => return Ok(failed(Some(repo), e.to_string())),
    };
    // The whole chain, also on an incremental run: whether the repository merges through
    // GitHub, and which number is whose, are properties of the history, not of the range.
    let merges = match git::first_parent(path, &tip) {
        Ok(chain) => prs::decide(&chain),
        Err(e) => return Ok(failed(Some(repo), e.to_string())),
    };
    let mut load = store.begin()?;
    let mut err: Option<builtby_store::StoreError> = None;
    // Merges are read without their diffs; the merges of PRs (and the few merges whose PR is
    // in the store) are read again with them, to give the PR its paths.
    let mut reread = Reread::default();
    let mut kept = ReadReport::new(Source::Git);
    let mut branches = Branches::default();
    // the authors of the branch heads the merges of PRs are credited to
    let mut heads: HashMap<String, Ident> = HashMap::new();
    let read = git::read_commits_with(path, &ids, threads, false, |c| {
        if err.is_none() {
            branches.see(&repo, &c);
            if merges.branch_heads.contains(&c.id) {
                heads.insert(c.id.clone(), c.author.clone());
            }
            if let Err(e) = load_commit(&mut load, &repo, &c, &merges, &mut reread, &mut kept) {
                err = Some(e);
            }
        }
    });
    if let Some(e) = err {
        return Err(e.into());
    }
    let stats = match read {
        Ok(s) => s,
        Err(e) => return Ok(failed(Some(repo), e.to_string())),
    };
    // A branch head an earlier run read (rare: merged after the tip that run stopped at).
    let missing: Vec<String> = reread
        .heads
        .iter()
        .filter(|h| !heads.contains_key(*h))
        .cloned()
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    // One git cannot read (a shallow clone's boundary) leaves its PR uncredited, reported.
    let unread_heads = git::read_commits_with(path, &missing, threads, false, |c| {
        heads.insert(c.id.clone(), c.author);
    })
    .err();
    if !reread.merges.is_empty() {
        let read = git::read_commits_with(path, &reread.merges, threads, true, |c| {
            if err.is_none() {
                let r = match merges.merged.get(&c.id) {
                    Some(&n) => add_merge_pr(&mut load, &repo, &c, n, &heads, &mut kept),
                    None => attach_merge_paths(&mut load, &repo, &c),
                };
                if let Err(e) = r {
                    err = Some(e);
                }
            }
        });
        if let Some(e) = err {
            return Err(e.into());
        }
        if let Err(e) = read {
            return Ok(failed(Some(repo), e.to_string()));
        }
    }
    branches.vote(&mut load, &repo)?;
    let local = path.display().to_string();
    load.set_git_tip(&repo, &local, &tip, stats.commits)?;
    let mut report_of_read = read_report(&stats, kept);
    if let Some(e) = unread_heads {
        report_of_read.messages.push(format!(
            "merged branches' heads not read, their PRs not credited: {e}"
        ));
    }
    let input = InputFile {
        source: Source::Git,
        path: path.to_path_buf(),
        size: 0,
        checksum: format!("git:{repo}:{range}"),
    };
    let summary = load.commit(&input, &report_of_read)?;
    Ok(report(
        Some(repo),
        GitOutcome::Loaded {
            tip,
            commits: stats.commits,
            summary,
            stats,
            prs: merges.stats,
            secs: started.elapsed().as_secs_f64(),
        },
    ))
}

/// The git account of an identity, with what the commit proves or suggests about it.
fn account(
    load: &mut Batch<'_>,
    id: &Ident,
    at: i64,
    evidence: &str,
) -> Result<(Actor, Option<Profile>), builtby_store::StoreError> {
    let (actor, profile) = git_account(id);
    if let Some(g) = &id.github {
        let github = Actor {
            github_id: g.id,
            login: g.login.clone(),
            // the `[bot]` suffix is one of the bot rules (`BotRules`), applied at search
            is_bot_type: false,
        };
        load.prove_link(&actor, &github, at, Method::Noreply, evidence)?;
    } else if let Some(why) = id.not_person {
        load.not_a_person(&actor, at, why)?;
    } else if let Some(hint) = &id.login_hint {
        if load.login_known(hint)? {
            load.hint(&actor.login, hint, "the e-mail's local part");
        }
    }
    Ok((actor, Some(profile)))
}

/// The git account of an identity and its profile (its name), with no side effect.
fn git_account(id: &Ident) -> (Actor, Profile) {
    let actor = Actor {
        github_id: None,
        login: Identity::git(&id.email_hash).to_string(),
        is_bot_type: false,
    };
    let profile = Profile {
        name: Some(if id.name.is_empty() {
            "(no name)".into()
        } else {
            id.name.clone()
        }),
        ..Default::default()
    };
    (actor, profile)
}

/// Merges to read again with their diffs (against the first parent).
#[derive(Default)]
struct Reread {
    merges: Vec<String>,
    /// The second parents of the merges of PRs among them.
    heads: Vec<String>,
}

/// Merges of PR branches, and who authored each commit this run read: after the run, the
/// author of each merge's second parent votes for the branch's owner.
#[derive(Default)]
struct Branches {
    /// sha → the author's account key (every commit of the run: a few dozen bytes each)
    authors: HashMap<String, String>,
    /// (second parent, branch owner, PR number)
    merges: Vec<(String, String, i64)>,
}

impl Branches {
    fn see(&mut self, repo: &str, c: &Commit) {
        self.authors.insert(
            c.id.clone(),
            Identity::git(&c.author.email_hash).to_string(),
        );
        if let (Some(login), Some(n), Some(second)) = (&c.merge_from, c.pr, c.parents.get(1)) {
            // The repository owner's branches are pushed by anyone with write access.
            let owner = repo.split('/').next().unwrap_or("");
            if !login.eq_ignore_ascii_case(owner) {
                self.merges.push((second.clone(), login.clone(), n));
            }
        }
    }

    fn vote(self, load: &mut Batch<'_>, repo: &str) -> Result<(), builtby_store::StoreError> {
        for (second, login, n) in self.merges {
            // A second parent read by an earlier run is not in the map: its vote was not
            // counted then either (the merge is newer than the run that read its parent only
            // when history was rewritten), so it is skipped.
            if let Some(account) = self.authors.get(&second) {
                let evidence = format!("https://github.com/{repo}/pull/{n}");
                load.vote(account, &login, Method::MergeBranch, &evidence);
            }
        }
        // Not done, measured: "the commit `(#N)` of PR N, whose owner a merge names" was
        // wrong for 4 of 4 labelled identities (`bench identity`), and in JAX it credits the
        // Googler who imported a PR through Copybara, not its author.
        Ok(())
    }
}

/// The source contract's report for one run: commits read, contributions kept by kind, and
/// records git could not parse.
fn read_report(stats: &ReadStats, mut kept: ReadReport) -> ReadReport {
    kept.read = stats.commits;
    kept.by_type.insert("commit".into(), stats.commits);
    if stats.skipped > 0 {
        kept.skipped
            .insert("unparsable record".into(), stats.skipped);
    }
    kept.messages = stats.skip_messages.clone();
    kept
}

fn path_rows(c: &Commit) -> Vec<ChangedPath> {
    c.paths
        .iter()
        .map(|p| ChangedPath {
            path: p.path.clone(),
            added: p.added.map(i64::from),
            deleted: p.deleted.map(i64::from),
        })
        .collect()
}

/// A `Merge pull request #N` merge read with its first-parent diff: the PR gets its paths.
fn attach_merge_paths(
    load: &mut Batch<'_>,
    repo: &str,
    c: &Commit,
) -> Result<(), builtby_store::StoreError> {
    if let Some(n) = c.pr {
        load.add(&Record::Paths {
            key: work_key(Kind::PrMerged, repo, WorkId::Number(n)),
            paths: path_rows(c),
        })?;
    }
    Ok(())
}

/// Lines added and deleted by a commit (its diff against its first parent).
fn line_counts(c: &Commit) -> (i64, i64) {
    let sum = |f: fn(&git::PathChange) -> Option<u32>| -> i64 {
        c.paths.iter().filter_map(f).map(i64::from).sum()
    };
    (sum(|p| p.added), sum(|p| p.deleted))
}

/// PR `n`, merged by `c` (its squash commit, or its merge with the first-parent diff), credited
/// to `actor`: the `pr_merged` GitHub would show, with the commit's diff as its paths.
fn merged_pr(
    repo: &str,
    n: i64,
    c: &Commit,
    actor: Actor,
    profile: Option<Profile>,
    title: &str,
) -> Contribution {
    let key = work_key(Kind::PrMerged, repo, WorkId::Number(n));
    // committed: when it reached the default branch, i.e. when the PR merged
    let mut x = Contribution::new(key, Kind::PrMerged, repo.to_string(), actor, c.committer_at);
    let (additions, deletions) = line_counts(c);
    x.profile = profile;
    x.number = Some(n);
    x.title = Some(title.to_string());
    x.url = Some(format!("https://github.com/{repo}/pull/{n}"));
    x.additions = Some(additions);
    x.deletions = Some(deletions);
    x.changed_files = Some(c.paths.len() as i64);
    x.paths = path_rows(c);
    x
}

/// The merge `c` of PR `n`, read with its first-parent diff: the PR, credited to the author
/// of the branch head it merged.
fn add_merge_pr(
    load: &mut Batch<'_>,
    repo: &str,
    c: &Commit,
    n: i64,
    heads: &HashMap<String, Ident>,
    kept: &mut ReadReport,
) -> Result<(), builtby_store::StoreError> {
    let Some(head) = c.parents.get(1).and_then(|p| heads.get(p)) else {
        return Ok(()); // a head git could not read (reported): nobody to credit
    };
    let (actor, profile) = git_account(head);
    let title = prs::merge_title(&c.body).unwrap_or(&c.subject);
    kept.kept_kind(Kind::PrMerged);
    load.add(&Record::Contribution(Box::new(merged_pr(
        repo,
        n,
        c,
        actor,
        Some(profile),
        title,
    ))))
}

fn load_commit(
    load: &mut Batch<'_>,
    repo: &str,
    c: &Commit,
    merges: &prs::PrMerges,
    reread: &mut Reread,
    kept: &mut ReadReport,
) -> Result<(), builtby_store::StoreError> {
    // the PR this commit names, unless the number is another repository's
    let named = merges.pr_of(&c.id, c.pr);
    if c.is_merge() {
        if merges.merged.contains_key(&c.id) {
            // the merge of a PR: read again with its diff, credited to its branch's head
            reread.merges.push(c.id.clone());
            reread.heads.extend(c.parents.get(1).cloned());
        } else if let Some(n) = named {
            if load.merged_pr(repo, n)?.is_some() {
                if c.paths.is_empty() {
                    reread.merges.push(c.id.clone()); // read again with its diff
                } else {
                    load.add(&Record::Paths {
                        key: work_key(Kind::PrMerged, repo, WorkId::Number(n)),
                        paths: path_rows(c),
                    })?;
                }
            }
        }
        return Ok(());
    }
    let paths = path_rows(c);
    let url = format!("https://github.com/{repo}/commit/{}", c.id);
    let (additions, deletions) = line_counts(c);
    let make = |kind: Kind, who: Option<&str>, actor: Actor, profile: Option<Profile>| {
        let key = work_key(kind, repo, WorkId::Sha(&c.id, who));
        let mut x = Contribution::new(key, kind, repo.to_string(), actor, c.author_at);
        x.profile = profile;
        x.number = named;
        x.title = Some(c.subject.clone());
        x.body = (!c.body.is_empty() && kind == Kind::Commit).then(|| c.body.clone());
        x.url = Some(url.clone());
        x.additions = Some(additions);
        x.deletions = Some(deletions);
        x.changed_files = Some(c.paths.len() as i64);
        x.commits = Some(1);
        x.paths = paths.clone();
        x
    };
    let mut add = |load: &mut Batch<'_>, x: Contribution| {
        kept.kept_kind(x.kind);
        load.add(&Record::Contribution(Box::new(x)))
    };

    let (actor, profile) = account(load, &c.author, c.author_at, &url)?;
    // Signing off one's own commit with one's noreply address says who one is. (Recorded
    // for noreply authors too, whose proof wins: `bench identity` measures the method on them.)
    for s in &c.signers {
        if let Some(g) = &s.github {
            let own_name = !s.name.is_empty() && s.name.eq_ignore_ascii_case(&c.author.name);
            if own_name && s.email_hash != c.author.email_hash {
                load.vote(&actor.login, &g.login, Method::SignedOff, &url);
            }
        }
    }
    if let Some(&n) = merges.merged.get(&c.id) {
        // GitHub's squash merge of PR n: the PR, credited to the commit's author; the commit
        // names it, so it becomes the PR's `pr_commit` and the work counts once
        let title = prs::squash_title(&c.subject);
        add(load, merged_pr(repo, n, c, actor.clone(), None, title))?;
    }
    add(load, make(Kind::Commit, None, actor, profile))?;
    for co in &c.co_authors {
        if co.email_hash == c.author.email_hash {
            continue;
        }
        let (a, p) = account(load, co, c.author_at, &url)?;
        add(load, make(Kind::CoAuthored, Some(&co.email_hash), a, p))?;
    }
    for r in &c.reviewers {
        let (a, p) = account(load, r, c.author_at, &url)?;
        add(load, make(Kind::CommitReview, Some(&r.email_hash), a, p))?;
    }
    for login in &c.approvers {
        let a = Actor {
            github_id: None,
            login: login.clone(),
            is_bot_type: false,
        };
        let who = format!("approved:{}", login.to_ascii_lowercase());
        add(load, make(Kind::CommitReview, Some(&who), a, None))?;
    }
    Ok(())
}
