//! Contribution kinds: what a person did, named as users see them on the command line.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    PrOpened,
    PrMerged,
    PrClosedUnmerged,
    Review,
    ReviewComment,
    IssueOpened,
    IssueComment,
    Push,
    Release,
    MemberAdded,
    /// A commit on the default branch of a git history, credited to its author.
    Commit,
    /// Named in a commit's `Co-authored-by:` trailer.
    CoAuthored,
    /// Named in a commit's `Reviewed-by:` / `Approved by:` trailer.
    CommitReview,
    /// A commit that is part of a merged PR already in the store: it gives the PR its paths,
    /// and does not count again.
    PrCommit,
}

impl Kind {
    pub const ALL: [Kind; 14] = [
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
        }
    }

    /// A small stable integer for compact storage.
    pub fn code(self) -> i64 {
        Kind::ALL.iter().position(|k| *k == self).unwrap() as i64
    }

    pub fn from_code(code: i64) -> Option<Kind> {
        usize::try_from(code)
            .ok()
            .and_then(|i| Kind::ALL.get(i).copied())
    }

    pub fn is_pull_request(self) -> bool {
        matches!(
            self,
            Kind::PrOpened
                | Kind::PrMerged
                | Kind::PrClosedUnmerged
                | Kind::Review
                | Kind::ReviewComment
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

    #[test]
    fn round_trips() {
        for k in Kind::ALL {
            assert_eq!(k.as_str().parse::<Kind>().unwrap(), k);
            assert_eq!(Kind::from_code(k.code()), Some(k));
        }
        let err = "stars".parse::<Kind>().unwrap_err().to_string();
        assert!(
            err.contains("unknown kind `stars`") && err.contains("pr_merged"),
            "{err}"
        );
    }
}
