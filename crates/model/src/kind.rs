//! Contribution kinds: what a person did, named as users see them on the command line.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The stored code of each kind is its explicit discriminant: never renumber one (a test pins
/// them), append new kinds with new codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[repr(u8)]
pub enum Kind {
    PrOpened = 0,
    PrMerged = 1,
    PrClosedUnmerged = 2,
    Review = 3,
    ReviewComment = 4,
    IssueOpened = 5,
    IssueComment = 6,
    Push = 7,
    Release = 8,
    MemberAdded = 9,
    /// A commit on the default branch of a git history, credited to its author.
    Commit = 10,
    /// Named in a commit's `Co-authored-by:` trailer.
    CoAuthored = 11,
    /// Named in a commit's `Reviewed-by:` / `Approved by:` trailer.
    CommitReview = 12,
    /// A commit that is part of a merged PR already in the store: it gives the PR its paths,
    /// and does not count again.
    PrCommit = 13,
    /// A model published on the Hugging Face Hub (with its downloads, likes and card quality).
    Model = 14,
    /// An arXiv paper authored (cs.LG, cs.AI…).
    Paper = 15,
    /// A Kaggle tier reached in one category (competitions, datasets, notebooks, discussion).
    KaggleTier = 16,
    /// A Kaggle competition medal.
    KaggleMedal = 17,
    /// A public Kaggle notebook.
    Notebook = 18,
    /// One's own merged PR that went through others' review and was revised in answer:
    /// derived by the store from the PR's conversation (`pr_revised/<repo>#<n>`), weighted
    /// by the review rounds it survived.
    PrRevised = 19,
}

impl Kind {
    pub const ALL: [Kind; 20] = [
        Kind::PrOpened,
        Kind::PrMerged,
        Kind::PrClosedUnmerged,
        Kind::Review,
        Kind::ReviewComment,
        Kind::IssueOpened,
        Kind::IssueComment,
        Kind::Push,
        Kind::Release,
        Kind::MemberAdded,
        Kind::Commit,
        Kind::CoAuthored,
        Kind::CommitReview,
        Kind::PrCommit,
        Kind::Model,
        Kind::Paper,
        Kind::KaggleTier,
        Kind::KaggleMedal,
        Kind::Notebook,
        Kind::PrRevised,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::PrOpened => "pr_opened",
            Kind::PrMerged => "pr_merged",
            Kind::PrClosedUnmerged => "pr_closed_unmerged",
            Kind::Review => "review",
            Kind::ReviewComment => "review_comment",
            Kind::IssueOpened => "issue_opened",
            Kind::IssueComment => "issue_comment",
            Kind::Push => "push",
            Kind::Release => "release",
            Kind::MemberAdded => "member_added",
            Kind::Commit => "commit",
            Kind::CoAuthored => "co_authored",
            Kind::CommitReview => "commit_review",
            Kind::PrCommit => "pr_commit",
            Kind::Model => "model",
            Kind::Paper => "paper",
            Kind::KaggleTier => "kaggle_tier",
            Kind::KaggleMedal => "kaggle_medal",
            Kind::Notebook => "notebook",
            Kind::PrRevised => "pr_revised",
        }
    }

    /// The stored code: the explicit discriminant, independent of [`Kind::ALL`]'s order.
    pub fn code(self) -> i64 {
        self as u8 as i64
    }

    /// The kind a stored code names; `None` for a code no kind has (corrupt data, or a store
    /// written by a newer builtby): callers turn that into an error, never a guess.
    pub fn from_code(code: i64) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// Where this kind of work is done, as the `--source` filter names it: `github` (GH Archive
    /// and the API), `git` (local histories), `huggingface`, `arxiv`, `kaggle`.
    pub fn platform(self) -> &'static str {
        match self as u8 {
            0..=9 => "github",
            10..=13 => "git",
            14 => "huggingface",
            15 => "arxiv",
            16..=18 => "kaggle",
            _ => "github",
        }
    }

    /// The platforms `--source` accepts.
    pub const PLATFORMS: [&'static str; 5] = ["github", "git", "huggingface", "arxiv", "kaggle"];

    pub fn is_pull_request(self) -> bool {
        matches!(
            self,
            Kind::PrOpened
                | Kind::PrMerged
                | Kind::PrClosedUnmerged
                | Kind::Review
                | Kind::ReviewComment
                | Kind::PrRevised
        )
    }

    /// Words for people: "merged PR", "review".
    pub fn label(self) -> &'static str {
        match self {
            Kind::PrOpened => "opened PR",
            Kind::PrMerged => "merged PR",
            Kind::PrClosedUnmerged => "closed PR (not merged)",
            Kind::Review => "review",
            Kind::ReviewComment => "review comment",
            Kind::IssueOpened => "opened issue",
            Kind::IssueComment => "comment",
            Kind::Push => "push",
            Kind::Release => "release",
            Kind::MemberAdded => "granted write access",
            Kind::Commit => "commit",
            Kind::CoAuthored => "co-authored commit",
            Kind::CommitReview => "reviewed commit",
            Kind::PrCommit => "commit in merged PR",
            Kind::Model => "model on Hugging Face",
            Kind::Paper => "paper on arXiv",
            Kind::KaggleTier => "Kaggle tier",
            Kind::KaggleMedal => "Kaggle medal",
            Kind::Notebook => "Kaggle notebook",
            Kind::PrRevised => "PR revised after review",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, thiserror::Error)]
#[error("unknown kind `{0}`; expected one of: {list}", list = Kind::ALL.map(|k| k.as_str()).join(", "))]
pub struct UnknownKind(pub String);

impl FromStr for Kind {
    type Err = UnknownKind;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Kind::ALL
            .iter()
            .copied()
            .find(|k| k.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| UnknownKind(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Stored rows hold these codes: changing one relabels every stored contribution (and the
    /// store's partial index on merged PRs names `kind = 1`).
    #[test]
    fn codes_are_pinned() {
        let pinned: Vec<(&str, i64)> = Kind::ALL.iter().map(|k| (k.as_str(), k.code())).collect();
        assert_eq!(
            pinned,
            [
                ("pr_opened", 0),
                ("pr_merged", 1),
                ("pr_closed_unmerged", 2),
                ("review", 3),
                ("review_comment", 4),
                ("issue_opened", 5),
                ("issue_comment", 6),
                ("push", 7),
                ("release", 8),
                ("member_added", 9),
                ("commit", 10),
                ("co_authored", 11),
                ("commit_review", 12),
                ("pr_commit", 13),
                ("model", 14),
                ("paper", 15),
                ("kaggle_tier", 16),
                ("kaggle_medal", 17),
                ("notebook", 18),
                ("pr_revised", 19),
            ]
        );
    }

    #[test]
    fn round_trips() {
        for k in Kind::ALL {
            assert_eq!(k.as_str().parse::<Kind>().unwrap(), k);
            assert_eq!(Kind::from_code(k.code()), Some(k));
        }
        assert_eq!(Kind::from_code(20), None);
        assert_eq!(Kind::from_code(-1), None);
        let err = "stars".parse::<Kind>().unwrap_err().to_string();
        assert!(
            err.contains("unknown kind `stars`") && err.contains("pr_merged"),
            "{err}"
        );
    }
}
