//! Which commits of a history are the merges of PRs.
//!
//! A commit on the **first-parent chain** of the default branch (`git log --first-parent`) is
//! what the branch did; a commit reached only through a merge's second parent is a branch
//! commit, not a merge. On that chain:
//! - a merge `Merge pull request #N from LOGIN:branch` is GitHub's merge of PR N, whatever the
//!   rest of the history looks like (the message is GitHub's own);
//! - a commit whose subject ends `(#N)` is GitHub's squash merge of PR N **when the repository
//!   merges through GitHub**: at least [`THROUGH_GITHUB_SHARE`] of its first-parent commits
//!   carry a PR number that way (elsewhere `(#N)` may be a mere reference).
//!
//! A number below those the same chain merged [`RENUMBERED_AFTER_DAYS`] earlier belongs to
//! another repository's numbering (imported history) and is nobody's PR here. A PR number on
//! two chain commits (a PR merged twice, once by GitHub and once by an import) is merged by
//! the older one; the newer is an ordinary commit naming the PR.
//!
//! Measured on the six shared histories (`../shared/data/git`, replayed; first-parent
//! commits, squash `(#N)` commits, `Merge pull request` merges, share carrying a number):
//!
//! | repository | first-parent | `(#N)` | merges | share |
//! |---|---:|---:|---:|---:|
//! | huggingface/accelerate | 1,986 | 1,768 | 2 | 0.891 |
//! | huggingface/diffusers | 6,449 | 5,885 | 24 | 0.916 |
//! | huggingface/peft | 1,557 | 1,444 | 107 | 0.996 |
//! | huggingface/trl | 3,160 | 3,044 | 14 | 0.968 |
//! | jax-ml/jax | 26,038 | 1,337 | 9,003 | 0.397 |
//! | keras-team/keras | 9,438 | 4,245 | 518 | 0.505 |
//!
//! All six merge through GitHub (the `(#N)` commits of the four Hugging Face repositories are
//! all but one committed by GitHub itself, `noreply@github.com`; JAX's are its 2019–2020
//! squash merges, 1,281 of 1,337 committed by GitHub). The lowest share is JAX's 0.397, whose
//! other first-parent commits are direct imports (Copybara); the threshold sits below it with
//! room. None of the six is a repository that does *not* merge through GitHub, so the
//! threshold's other side is a judgment, not a measurement: there `(#N)` is an occasional
//! reference and its share is a few percent.
//!
//! The renumbering guard, measured: keras-team/keras's chain holds keras-core's history
//! (April–September 2023), whose `(#1)`…`(#9xx)` are keras-core's PRs, while Keras's chain
//! had merged #14,300 two years before: 595 commits below the floor, 66 of their numbers also
//! Keras PRs merged in 2015. With a window of 365 days the guard also rejected 9 genuine
//! long-lived PRs (accelerate 1, peft 1, JAX 7); with 730 days, none in the five other
//! repositories. Numbers on two chain commits once the guard has run: JAX 3 (the same `Merge
//! pull request #N` twice), Keras 3, the others none.

use builtby_sources::git::{link, MainlineCommit};
use std::collections::{HashMap, HashSet};

/// The share of first-parent commits carrying a PR number (`(#N)` or `Merge pull request #N`)
/// from which `(#N)` subjects are squash merges (see the module's measurements).
pub const THROUGH_GITHUB_SHARE: f64 = 0.25;

/// How long before a merge a larger PR number must have merged for the merge's number to be
/// another repository's (see the module's measurements).
pub const RENUMBERED_AFTER_DAYS: i64 = 730;

/// What the first-parent chain says about PR merges.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MainlineStats {
    /// Commits on the first-parent chain.
    pub first_parent: u64,
    /// Of them: non-merge commits whose subject ends `(#N)`.
    pub squash: u64,
    /// Of them: merges `Merge pull request #N`.
    pub merges: u64,
    /// `(squash + merges) / first_parent`.
    pub share: f64,
    /// `share` reaches [`THROUGH_GITHUB_SHARE`]: `(#N)` subjects are squash merges.
    pub through_github: bool,
    /// PRs this history merged (one per number).
    pub prs: u64,
    /// Chain commits naming a PR an older chain commit merged already.
    pub repeated: u64,
    /// Chain commits whose number is another repository's (below the renumbering floor).
    pub foreign: u64,
}

/// The merges of PRs in one history.
#[derive(Debug, Default)]
pub struct PrMerges {
    /// Commit → the PR it merged.
    pub merged: HashMap<String, i64>,
    /// Chain commits whose `(#N)` or `#N` is another repository's numbering: not PR N here.
    pub foreign: HashSet<String>,
    /// The second parents of the merges in `merged`: the branch heads whose authors the PRs
    /// are credited to.
    pub branch_heads: HashSet<String>,
    pub stats: MainlineStats,
}

impl PrMerges {
    /// The PR `commit` names as this repository's: its own number, unless it is foreign.
    pub fn pr_of(&self, commit: &str, named: Option<i64>) -> Option<i64> {
        named.filter(|_| !self.foreign.contains(commit))
    }
}

/// Decides, from the first-parent chain (newest first, as `git log` gives it), which commits
/// merged which PRs.
pub fn decide(chain: &[MainlineCommit]) -> PrMerges {
    let mut out = PrMerges::default();
    let candidates: Vec<(&MainlineCommit, i64)> = chain
        .iter()
        .rev()
        .filter_map(|c| link::mainline_pr(&c.subject, c.is_merge).map(|n| (c, n)))
        .collect();
    let s = &mut out.stats;
    s.first_parent = chain.len() as u64;
    s.merges = candidates.iter().filter(|(c, _)| c.is_merge).count() as u64;
    s.squash = candidates.len() as u64 - s.merges;
    s.share = if chain.is_empty() {
        0.0
    } else {
        (s.squash + s.merges) as f64 / s.first_parent as f64
    };
    s.through_github = s.share >= THROUGH_GITHUB_SHARE;
    // (time, largest number merged up to then), oldest first; times kept non-decreasing
    let mut merged_by: Vec<(i64, i64)> = Vec::new();
    let mut seen: HashSet<i64> = HashSet::new();
    let window = RENUMBERED_AFTER_DAYS * 86_400;
    for (c, n) in candidates {
        let cut = c.committed_at - window;
        let below = merged_by.partition_point(|(t, _)| *t <= cut);
        let floor = below.checked_sub(1).map_or(0, |i| merged_by[i].1);
        if n < floor {
            out.foreign.insert(c.id.clone());
            out.stats.foreign += 1;
            continue;
        }
        if !c.is_merge && !out.stats.through_github {
            continue; // a reference, as far as this history tells
        }
        if !seen.insert(n) {
            out.stats.repeated += 1;
            continue;
        }
        out.merged.insert(c.id.clone(), n);
        out.branch_heads.extend(c.second_parent.clone());
        let (last_t, last_max) = merged_by.last().copied().unwrap_or((i64::MIN, 0));
        merged_by.push((c.committed_at.max(last_t), n.max(last_max)));
    }
    out.stats.prs = out.merged.len() as u64;
    out
}

/// A merge's title: the first line of its message's body (GitHub writes the PR's title
/// there), unless that is a trailer (`PiperOrigin-RevId: …`); else `None`.
pub fn merge_title(body: &str) -> Option<&str> {
    let first = body.lines().map(str::trim).find(|l| !l.is_empty())?;
    let trailer = first.split_once(": ").is_some_and(|(k, _)| {
        k.contains('-') && k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    });
    (!trailer).then_some(first)
}

/// A squash commit's subject without its ` (#N)`: the PR's title.
pub fn squash_title(subject: &str) -> &str {
    let s = subject.trim_end();
    match s.rfind(" (#") {
        Some(i)
            if s.ends_with(')') && s[i + 3..s.len() - 1].bytes().all(|b| b.is_ascii_digit()) =>
        {
            s[..i].trim_end()
        }
        _ => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 86_400;

    fn c(id: &str, at_days: i64, subject: &str, merge: bool) -> MainlineCommit {
        MainlineCommit {
            id: id.into(),
            second_parent: merge.then(|| format!("{id}-head")),
            is_merge: merge,
            committed_at: at_days * DAY,
            subject: subject.into(),
        }
    }

    /// Newest first, as `git log` lists them.
    fn chain(mut oldest_first: Vec<MainlineCommit>) -> Vec<MainlineCommit> {
        oldest_first.reverse();
        oldest_first
    }

    #[test]
    fn squash_and_merge_commits_on_a_github_history() {
        let ch = chain(vec![
            c("a", 1, "Add x (#10)", false),
            c("b", 2, "Direct push", false),
            c("m", 3, "Merge pull request #12 from eve/feature", true),
            c("d", 4, "Fix y (#11)", false),
            c("r", 5, "Revert \"Fix y (#11)\" (#13)", false),
            c("e", 6, "Cherry-pick: Fix y (#11)", false),
        ]);
        let p = decide(&ch);
        assert_eq!(p.stats.first_parent, 6);
        assert_eq!((p.stats.squash, p.stats.merges), (4, 1));
        assert!(p.stats.through_github);
        assert_eq!(p.merged.get("a"), Some(&10));
        assert_eq!(p.merged.get("m"), Some(&12));
        assert_eq!(p.merged.get("d"), Some(&11), "the older commit merged #11");
        assert_eq!(p.merged.get("r"), Some(&13), "a revert is its own PR");
        assert_eq!(p.merged.get("e"), None, "#11 again is not a second merge");
        assert_eq!((p.stats.prs, p.stats.repeated, p.stats.foreign), (4, 1, 0));
        assert_eq!(p.pr_of("e", Some(11)), Some(11), "it still names #11");
    }

    #[test]
    fn few_numbers_are_references_but_merges_are_merges() {
        let mut v: Vec<MainlineCommit> = (0..10)
            .map(|i| c(&format!("c{i}"), i, "Plain commit", false))
            .collect();
        v.push(c("ref", 20, "Fix the bug of issue (#5)", false));
        v.push(c("m", 21, "Merge pull request #6 from bo:x", true));
        let p = decide(&chain(v));
        assert!(!p.stats.through_github, "share {}", p.stats.share);
        assert_eq!(p.merged.len(), 1);
        assert_eq!(p.merged.get("m"), Some(&6));
    }

    #[test]
    fn another_repositorys_numbers_are_not_prs_here() {
        let v = vec![
            c("old", 0, "Merge pull request #935 from lior/patch-1", true),
            c("big", 100, "Big change (#16000)", false),
            // a genuine long-lived PR: opened before #16000, merged within the window
            c("slow", 700, "Finally (#15000)", false),
            // an imported history, numbered from 1, more than two years after #16000
            c("imp1", 1000, "Add numpy ops (#1)", false),
            c("imp2", 1001, "Some dtype fixes (#935)", false),
            c("new", 1002, "Back home (#18000)", false),
        ];
        let p = decide(&chain(v));
        assert_eq!(p.merged.get("old"), Some(&935));
        assert!(p.foreign.contains("imp1") && p.foreign.contains("imp2"));
        assert_eq!(p.pr_of("imp2", Some(935)), None);
        assert_eq!(p.merged.get("slow"), Some(&15000));
        assert_eq!(p.merged.get("new"), Some(&18000));
        assert_eq!(p.stats.foreign, 2);
    }

    #[test]
    fn titles() {
        assert_eq!(squash_title("Fix x (#12)"), "Fix x");
        assert_eq!(squash_title("Fix x  (#12)"), "Fix x");
        assert_eq!(squash_title("Fix (#x)"), "Fix (#x)");
        assert_eq!(
            merge_title("\nAdd batch_dot\n\nmore"),
            Some("Add batch_dot")
        );
        assert_eq!(merge_title("PiperOrigin-RevId: 1"), None);
        assert_eq!(merge_title("docs: fix typo"), Some("docs: fix typo"));
        assert_eq!(merge_title(""), None);
    }
}
