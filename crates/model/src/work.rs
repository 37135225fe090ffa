//! What a piece of work *is*, as a key: the same review, comment, PR outcome or commit gets the
//! same key whichever source, event or file carries it, so the store holds it once by
//! construction (an upsert that completes missing fields), never by after-the-fact matching.

use crate::Kind;

/// The identifying part of a piece of work, beside its kind and repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WorkId<'a> {
    /// One per PR or issue: opened, merged (a PR is merged once), closed unmerged (once per
    /// PR, however often it was reopened and closed), or an issue opened.
    Number(i64),
    /// GitHub's own id of the object: review, review comment, issue comment, release, push.
    Id(i64),
    /// A commit, optionally with the person named in a trailer (co-author, reviewer).
    Sha(&'a str, Option<&'a str>),
    /// Work that is the place itself (a model on the Hub: `model/huggingface.co/<id>`).
    Here,
    /// Work named within its place: a paper's author, a Kaggle category or competition.
    Name(&'a str),
    /// Nothing better is known: the source's own record id (an event id, a hash of the line).
    /// Two sources never agree on this, so use it only where no natural id exists.
    Record(&'a str),
}

/// The natural key of a contribution: `kind/owner/name/<id>`, lower-cased repository.
///
/// `PrCommit` shares `Commit`'s key: it is the same commit, re-labelled once its PR is known.
pub fn work_key(kind: Kind, repo: &str, id: WorkId<'_>) -> String {
    let kind = match kind {
        Kind::PrCommit => Kind::Commit,
        k => k,
    };
    let repo = repo.to_ascii_lowercase();
    match id {
        WorkId::Number(n) => format!("{kind}/{repo}#{n}"),
        WorkId::Id(i) => format!("{kind}/{repo}/{i}"),
        WorkId::Sha(sha, None) => format!("{kind}/{repo}@{sha}"),
        WorkId::Sha(sha, Some(who)) => format!("{kind}/{repo}@{sha}/{}", who.to_ascii_lowercase()),
        WorkId::Here => format!("{kind}/{repo}"),
        WorkId::Name(n) => format!("{kind}/{repo}/{}", n.to_lowercase()),
        WorkId::Record(r) => format!("{kind}/{repo}/record:{r}"),
    }
}

/// The natural identity a kind has when the source knows the PR/issue number and the object's
/// own id: what every source should key by (see [`work_key`]). `None` when the kind needs an
/// id the caller did not have.
///
/// [`keyed`] is the usual way in: this, else the source's own record id.
pub fn natural_id<'a>(
    kind: Kind,
    number: Option<i64>,
    object_id: Option<i64>,
) -> Option<WorkId<'a>> {
    match kind {
        Kind::PrOpened
        | Kind::PrMerged
        | Kind::PrClosedUnmerged
        | Kind::IssueOpened
        | Kind::PrRevised => number.map(WorkId::Number),
        Kind::Review | Kind::ReviewComment | Kind::IssueComment | Kind::Release | Kind::Push => {
            object_id.map(WorkId::Id)
        }
        Kind::MemberAdded
        | Kind::Commit
        | Kind::CoAuthored
        | Kind::CommitReview
        | Kind::PrCommit
        | Kind::Model
        | Kind::Paper
        | Kind::KaggleTier
        | Kind::KaggleMedal
        | Kind::Notebook => None,
    }
}

/// The natural key of work of `kind` in `repo`, else one from the source's record id.
pub fn keyed(
    kind: Kind,
    repo: &str,
    number: Option<i64>,
    object_id: Option<i64>,
    record: &str,
) -> String {
    match natural_id(kind, number, object_id) {
        Some(id) => work_key(kind, repo, id),
        None => work_key(kind, repo, WorkId::Record(record)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_work_same_key() {
        assert_eq!(
            work_key(Kind::Review, "Org/Repo", WorkId::Id(711280855)),
            work_key(Kind::Review, "org/repo", WorkId::Id(711280855))
        );
        assert_eq!(work_key(Kind::Review, "o/r", WorkId::Id(1)), "review/o/r/1");
        assert_ne!(
            work_key(Kind::Review, "o/r", WorkId::Id(1)),
            work_key(Kind::ReviewComment, "o/r", WorkId::Id(1))
        );
        assert_eq!(
            work_key(Kind::PrCommit, "o/r", WorkId::Sha("abc", None)),
            work_key(Kind::Commit, "o/r", WorkId::Sha("abc", None))
        );
        assert_eq!(
            work_key(Kind::PrMerged, "o/r", WorkId::Number(7)),
            "pr_merged/o/r#7"
        );
    }

    #[test]
    fn natural_ids() {
        assert_eq!(
            natural_id(Kind::PrMerged, Some(3), Some(9)),
            Some(WorkId::Number(3))
        );
        assert_eq!(natural_id(Kind::Review, Some(3), None), None);
        assert_eq!(
            natural_id(Kind::IssueComment, Some(3), Some(4)),
            Some(WorkId::Id(4))
        );
    }
}
