//! The vocabulary every other builtby crate speaks, with no I/O.
//!
//! A source (GH Archive, the GitHub API, git) turns its raw input into [`Contribution`]s:
//! one piece of public work, credited to one [`Actor`], in one repository, at one time, with
//! the link a recruiter can click. The store persists them; search ranks people by them.
//!
//! Two rules live here because every layer must apply them the same way:
//! - bots are not people ([`bots::BotRules`]);
//! - e-mail addresses are never part of the vocabulary: no type here has a field for one.

pub mod bots;
pub mod grade;
pub mod identity;
pub mod kind;
pub mod path_class;
pub mod pseudo;
pub mod report;
pub mod state;
pub mod time;
pub mod work;

pub use bots::BotRules;
pub use identity::{Identity, Namespace};
pub use kind::Kind;
pub use path_class::PathClass;
pub use pseudo::pseudo_identity;
pub use report::{ReadReport, Source};
pub use state::{BadCode, Hydration, PointerState};
pub use work::{keyed, work_key, WorkId};

use serde::{Deserialize, Serialize};

/// Someone credited with a contribution. Keyed by GitHub's numeric id where the source has
/// one (logins change on rename), by login where it does not (Timeline-era events).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Actor {
    pub github_id: Option<i64>,
    pub login: String,
    /// GitHub said `type: "Bot"` for this account.
    pub is_bot_type: bool,
}

/// Public profile fields a source carried along (Timeline-era `actor_attributes`, later the
/// users API). Never an e-mail address.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    pub name: Option<String>,
    pub location: Option<String>,
    pub company: Option<String>,
    pub blog: Option<String>,
}

impl Profile {
    pub fn is_empty(&self) -> bool {
        self.name.is_none()
            && self.location.is_none()
            && self.company.is_none()
            && self.blog.is_none()
    }
}

/// A public profile from GitHub's users API (`/users/{login}`, `/user/{id}`). Never an e-mail:
/// there is no field for one.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GithubProfile {
    pub github_id: i64,
    pub login: String,
    pub is_bot_type: bool,
    pub name: Option<String>,
    pub company: Option<String>,
    pub blog: Option<String>,
    pub location: Option<String>,
    pub bio: Option<String>,
    pub twitter: Option<String>,
    pub hireable: Option<bool>,
    pub followers: Option<i64>,
    /// Account creation, Unix seconds.
    pub created_at: Option<i64>,
}

/// How much of a body we keep: enough to search and to quote, not a copy of GitHub.
pub const BODY_PREFIX_CHARS: usize = 1000;

/// One path a contribution touched, with git's line counts where known.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangedPath {
    pub path: String,
    pub added: Option<i64>,
    pub deleted: Option<i64>,
}

/// One piece of public work. `key` is its natural key ([`work_key`]): what the work is (kind,
/// repository, PR/issue number, review/comment id, commit sha), so the same work from two
/// sources, events or files is one stored row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Contribution {
    pub key: String,
    pub kind: Kind,
    /// `owner/name`.
    pub repo: String,
    pub repo_github_id: Option<i64>,
    pub actor: Actor,
    /// Profile fields seen with this record, if any.
    pub profile: Option<Profile>,
    /// Seconds since the Unix epoch, UTC.
    pub at: i64,
    /// PR or issue number.
    pub number: Option<i64>,
    pub title: Option<String>,
    /// A bounded prefix ([`BODY_PREFIX_CHARS`]).
    pub body: Option<String>,
    /// A github.com link to the PR, issue, review, comment or commit.
    pub url: Option<String>,
    pub labels: Vec<String>,
    pub additions: Option<i64>,
    pub deletions: Option<i64>,
    pub changed_files: Option<i64>,
    /// Commits in a push, when the source says.
    pub commits: Option<i64>,
    /// Review state, lower case: approved, commented, changes_requested, dismissed.
    pub review_state: Option<String>,
    /// File path a review comment is on.
    pub path: Option<String>,
    /// Paths the work touched (a commit's diff, a PR's files); stored for code areas.
    pub paths: Vec<ChangedPath>,
    /// Issue comment made on a pull request.
    pub on_pr: bool,
    /// Who merged, for `pr_merged`.
    pub merged_by: Option<Actor>,
    /// The source only had a pointer (post-2025 trimmed payload): fields must be fetched from
    /// the API before this counts fully.
    pub needs_hydration: bool,
    /// What a source measured about work off GitHub (a model's downloads and card, a Kaggle
    /// tier, a paper's categories): the rules that weigh such work read it.
    pub measures: Option<Measures>,
}

/// Numbers and facts a source measured about one piece of work, for the rules that weigh it.
/// Every field is optional: a source sets what it knows. Stored as JSON with the contribution.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Measures {
    /// Hugging Face: downloads over the last 30 days, and all time when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub downloads: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub downloads_all_time: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub likes: Option<i64>,
    /// Model-card quality from 0 to 1, and why ("card: 6 of 8 sections, evaluation results,
    /// usage example").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card_score: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card_note: Option<String>,
    /// Kaggle: the category (competitions, datasets, notebooks, discussion) and the tier
    /// reached in it: 0 Novice, 1 Contributor, 2 Expert, 3 Master, 4 Grandmaster.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier: Option<u8>,
    /// Kaggle medal: 1 gold, 2 silver, 3 bronze.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub medal: Option<u8>,
    /// arXiv categories of a paper (primary first), a model's tags.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub categories: Vec<String>,
    /// The code a paper or model links to (a GitHub repository URL).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code_url: Option<String>,
}

impl Contribution {
    /// A contribution with only the required fields set.
    pub fn new(key: String, kind: Kind, repo: String, actor: Actor, at: i64) -> Self {
        Contribution {
            key,
            kind,
            repo,
            repo_github_id: None,
            actor,
            profile: None,
            at,
            number: None,
            title: None,
            body: None,
            url: None,
            labels: Vec::new(),
            additions: None,
            deletions: None,
            changed_files: None,
            commits: None,
            review_state: None,
            path: None,
            paths: Vec::new(),
            on_pr: false,
            merged_by: None,
            needs_hydration: false,
            measures: None,
        }
    }

    /// A review comment's file: its `path`, and one of the paths the work touched (so code
    /// areas and `--path` find the reviewer).
    pub fn set_comment_file(&mut self, path: Option<String>) {
        self.paths = path
            .iter()
            .map(|p| ChangedPath {
                path: p.clone(),
                added: None,
                deleted: None,
            })
            .collect();
        self.path = path;
    }

    /// The github.com link for this contribution: the source's own html link when it has one,
    /// else one built from the repository and number. (Every current source is a GitHub
    /// repository; a source of other work sets `url` itself.)
    pub fn link(&self) -> String {
        if let Some(u) = &self.url {
            return u.clone();
        }
        let base = format!("https://github.com/{}", self.repo);
        match (self.kind, self.number) {
            (k, Some(n)) if k.is_pull_request() => format!("{base}/pull/{n}"),
            (Kind::IssueComment, Some(n)) if self.on_pr => format!("{base}/pull/{n}"),
            (_, Some(n)) => format!("{base}/issues/{n}"),
            _ => base,
        }
    }
}

/// A record that only points at work (GH Archive after the 2025-10-07 trim): who acted and
/// where, but not whose work it was. Kept so the API can complete it later; never dropped.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pointer {
    pub key: String,
    pub repo: String,
    pub number: Option<i64>,
    /// GH Archive event type and action, e.g. `PullRequestEvent/merged`.
    pub what: String,
    pub actor: Option<Actor>,
    pub at: i64,
}

/// What a source hands to the store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Record {
    Contribution(Box<Contribution>),
    Pointer(Pointer),
    /// More paths for work already stored under `key` (a merge commit's diff for its PR).
    Paths {
        key: String,
        paths: Vec<ChangedPath>,
    },
    /// A GitHub account seen under a login at a time, crediting no work: a payload user object
    /// (`pull_request.user`, `issue.user`, `forkee.owner`…) or the actor of an event that is
    /// not evidence. It tells the person resolver which login the account had when, so a
    /// login-only person with that login joins the account and the current login is the one
    /// on the latest event. `account.github_id` is always set (a sighting without one says
    /// nothing about identity).
    Seen {
        account: Actor,
        at: i64,
    },
}

/// Cut `s` to at most `max` characters on a char boundary.
pub fn prefix(s: &str, max: usize) -> &str {
    match s.char_indices().nth(max) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// `s` with every word that looks like an e-mail address removed (sign-offs, signatures,
/// pasted logs). The store applies it to every title and body it writes, whatever the source.
pub fn scrub_emails(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.contains('@') {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    for (i, line) in s.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        if !line.contains('@') {
            out.push_str(line);
            continue;
        }
        let kept: Vec<&str> = line.split(' ').filter(|w| !looks_like_email(w)).collect();
        out.push_str(kept.join(" ").trim_end());
    }
    std::borrow::Cow::Owned(out)
}

/// True when `s` looks like an e-mail address; used to scrub free-text profile fields.
pub fn looks_like_email(s: &str) -> bool {
    s.split_whitespace().any(|w| {
        let w = w.trim_matches(|c: char| !c.is_alphanumeric());
        match w.split_once('@') {
            Some((l, d)) => !l.is_empty() && d.contains('.') && !d.starts_with('.'),
            None => false,
        }
    })
}

/// `1234567` → `1,234,567`: counts as people read them, in reports and evidence lines.
pub fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor() -> Actor {
        Actor {
            github_id: Some(1),
            login: "ana".into(),
            is_bot_type: false,
        }
    }

    #[test]
    fn links_are_built_from_repo_and_number() {
        let mut c = Contribution::new("k".into(), Kind::PrMerged, "o/r".into(), actor(), 0);
        c.number = Some(7);
        assert_eq!(c.link(), "https://github.com/o/r/pull/7");
        c.kind = Kind::IssueOpened;
        assert_eq!(c.link(), "https://github.com/o/r/issues/7");
        c.kind = Kind::IssueComment;
        c.on_pr = true;
        assert_eq!(c.link(), "https://github.com/o/r/pull/7");
        c.url = Some("https://github.com/o/r/pull/7#discussion_r1".into());
        assert_eq!(c.link(), "https://github.com/o/r/pull/7#discussion_r1");
    }

    #[test]
    fn prefix_respects_char_boundaries() {
        assert_eq!(prefix("東京都", 2), "東京");
        assert_eq!(prefix("ab", 5), "ab");
    }

    #[test]
    fn emails_are_scrubbed_from_text() {
        assert_eq!(
            scrub_emails("Fix it\n\nSigned-off-by: Ana <ana@uni.edu>\n-- joshua@99lime.com"),
            "Fix it\n\nSigned-off-by: Ana\n--"
        );
        assert!(matches!(
            scrub_emails("no at sign"),
            std::borrow::Cow::Borrowed(_)
        ));
        assert_eq!(scrub_emails("ping @ana please"), "ping @ana please");
    }

    #[test]
    fn emails_are_recognised() {
        assert!(looks_like_email("ana@example.com"));
        assert!(looks_like_email("mail me: <ana.b@uni.edu>"));
        assert!(!looks_like_email("@ana on twitter"));
        assert!(!looks_like_email("Zürich"));
    }
}
