//! REST objects → the model. Users never yield an e-mail: [`GithubProfile`] has no field for one,
//! and free-text fields that look like an address are dropped.

use builtby_model::{
    looks_like_email, prefix, work_key, Actor, Contribution, GithubProfile, Kind, WorkId,
    BODY_PREFIX_CHARS,
};
use serde_json::Value;

fn s(v: &Value, k: &str) -> Option<String> {
    v.get(k)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(str::to_string)
}

fn clean(v: Option<String>) -> Option<String> {
    v.filter(|x| !looks_like_email(x))
}

/// `/users/{login}` or `/user/{id}`: the public profile, without `email`.
pub fn user_profile(v: &Value) -> Option<GithubProfile> {
    Some(GithubProfile {
        github_id: v.get("id")?.as_i64()?,
        login: s(v, "login")?,
        is_bot_type: v.get("type").and_then(Value::as_str) == Some("Bot"),
        name: clean(s(v, "name")),
        company: clean(s(v, "company")),
        blog: clean(s(v, "blog")),
        location: clean(s(v, "location")),
        bio: clean(s(v, "bio")).map(|b| prefix(&b, BODY_PREFIX_CHARS).to_string()),
        twitter: s(v, "twitter_username"),
        hireable: v.get("hireable").and_then(Value::as_bool),
        followers: v.get("followers").and_then(Value::as_i64),
        created_at: s(v, "created_at").and_then(|t| super::parse_time(&t)),
    })
}

pub fn actor(v: &Value) -> Option<Actor> {
    Some(Actor {
        github_id: v.get("id").and_then(Value::as_i64),
        login: s(v, "login")?,
        // GitHub's own word only; the `[bot]` suffix is one of the bot rules (`BotRules`).
        is_bot_type: v.get("type").and_then(Value::as_str) == Some("Bot"),
    })
}

/// The facts of a pull request (from `/pulls/{n}` or a `/pulls` list item).
#[derive(Debug, Clone, PartialEq)]
pub struct PullFacts {
    pub number: i64,
    pub author: Option<Actor>,
    pub title: Option<String>,
    pub body: Option<String>,
    pub url: Option<String>,
    pub labels: Vec<String>,
    pub created_at: Option<i64>,
    pub updated_at: Option<i64>,
    pub closed_at: Option<i64>,
    pub merged_at: Option<i64>,
    pub merged_by: Option<Actor>,
    pub additions: Option<i64>,
    pub deletions: Option<i64>,
    pub changed_files: Option<i64>,
    pub repo_github_id: Option<i64>,
}

pub fn pull(v: &Value) -> Option<PullFacts> {
    let t = |k: &str| s(v, k).and_then(|x| super::parse_time(&x));
    Some(PullFacts {
        number: v.get("number")?.as_i64()?,
        author: v.get("user").and_then(actor),
        title: s(v, "title"),
        body: s(v, "body").map(|b| prefix(&b, BODY_PREFIX_CHARS).to_string()),
        url: s(v, "html_url"),
        labels: v
            .get("labels")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(|l| s(l, "name")).collect())
            .unwrap_or_default(),
        created_at: t("created_at"),
        updated_at: t("updated_at"),
        closed_at: t("closed_at"),
        merged_at: t("merged_at"),
        merged_by: v.get("merged_by").and_then(actor),
        additions: v.get("additions").and_then(Value::as_i64),
        deletions: v.get("deletions").and_then(Value::as_i64),
        changed_files: v.get("changed_files").and_then(Value::as_i64),
        repo_github_id: v.pointer("/base/repo/id").and_then(Value::as_i64),
    })
}

impl PullFacts {
    /// The contribution this PR's outcome is: merged → `pr_merged` credited to the author (the
    /// merge to `merged_by`), closed unmerged → `pr_closed_unmerged`; open → none.
    pub fn outcome(&self, repo: &str) -> Option<Contribution> {
        let author = self.author.clone()?;
        let (kind, at) = match (self.merged_at, self.closed_at) {
            (Some(m), _) => (Kind::PrMerged, m),
            (None, Some(c)) => (Kind::PrClosedUnmerged, c),
            _ => return None,
        };
        let key = work_key(kind, repo, WorkId::Number(self.number));
        let mut c = Contribution::new(key, kind, repo.to_string(), author, at);
        self.fill(&mut c);
        if kind == Kind::PrMerged {
            c.merged_by = self.merged_by.clone();
        }
        Some(c)
    }

    /// Copies the PR's facts into a contribution about it.
    pub fn fill(&self, c: &mut Contribution) {
        c.number = Some(self.number);
        c.repo_github_id = c.repo_github_id.or(self.repo_github_id);
        c.title = self.title.clone();
        c.body = self.body.clone();
        if c.url.is_none()
            || matches!(
                c.kind,
                Kind::PrMerged | Kind::PrClosedUnmerged | Kind::PrOpened
            )
        {
            c.url = self.url.clone();
        }
        c.labels = self.labels.clone();
        c.additions = self.additions;
        c.deletions = self.deletions;
        c.changed_files = self.changed_files;
        c.needs_hydration = false;
    }
}

/// `/pulls/{n}/reviews` items → `review` contributions (pending reviews are not public work).
pub fn reviews(repo: &str, pr: &PullFacts, items: &[Value]) -> Vec<Contribution> {
    items
        .iter()
        .filter_map(|r| {
            let id = r.get("id")?.as_i64()?;
            let state = s(r, "state")?.to_ascii_lowercase();
            if state == "pending" {
                return None;
            }
            let who = r.get("user").and_then(actor)?;
            let at = s(r, "submitted_at").and_then(|t| super::parse_time(&t))?;
            let mut c = Contribution::new(
                work_key(Kind::Review, repo, WorkId::Id(id)),
                Kind::Review,
                repo.into(),
                who,
                at,
            );
            c.number = Some(pr.number);
            c.title = pr.title.clone();
            c.url = s(r, "html_url");
            c.review_state = Some(state);
            c.body = s(r, "body").map(|b| prefix(&b, BODY_PREFIX_CHARS).to_string());
            Some(c)
        })
        .collect()
}

/// `/pulls/comments` or `/pulls/{n}/comments` items → `review_comment` contributions.
pub fn review_comments(repo: &str, items: &[Value]) -> Vec<Contribution> {
    items
        .iter()
        .filter_map(|r| {
            let id = r.get("id")?.as_i64()?;
            let who = r.get("user").and_then(actor)?;
            let at = s(r, "created_at").and_then(|t| super::parse_time(&t))?;
            let number = s(r, "pull_request_url")
                .and_then(|u| u.rsplit('/').next().and_then(|n| n.parse().ok()));
            let mut c = Contribution::new(
                work_key(Kind::ReviewComment, repo, WorkId::Id(id)),
                Kind::ReviewComment,
                repo.into(),
                who,
                at,
            );
            c.number = number;
            c.url = s(r, "html_url");
            c.set_comment_file(s(r, "path"));
            c.body = s(r, "body").map(|b| prefix(&b, BODY_PREFIX_CHARS).to_string());
            Some(c)
        })
        .collect()
}

/// `/pulls/{n}/files` items → `(path, additions, deletions)`.
pub fn files(items: &[Value]) -> Vec<(String, Option<i64>, Option<i64>)> {
    items
        .iter()
        .filter_map(|f| {
            Some((
                s(f, "filename")?,
                f.get("additions").and_then(Value::as_i64),
                f.get("deletions").and_then(Value::as_i64),
            ))
        })
        .collect()
}

#[cfg(test)]
#[path = "../../../test-support/shared_data.rs"]
mod shared_data;

#[cfg(test)]
mod tests {
    use super::*;

    /// A recorded response; `None` (skip) only when `../shared` is absent.
    fn shared(name: &str) -> Option<Value> {
        let p = super::shared_data::shared_data(&format!("github_rest/{name}"))?;
        let b = std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        Some(serde_json::from_slice(&b).unwrap())
    }

    #[test]
    fn recorded_user_has_no_email() {
        let Some(v) = shared("users_jacquev6.json") else {
            return;
        };
        assert!(
            v.get("email").and_then(Value::as_str).is_some(),
            "the record has one"
        );
        let p = user_profile(&v).expect("a profile from the recorded user");
        assert_eq!(p.login, "jacquev6");
        assert_eq!(p.github_id, 327146);
        assert_eq!(p.location.as_deref(), Some("France"));
        assert_eq!(p.hireable, Some(true));
        assert_eq!(p.followers, Some(98));
        assert!(!format!("{p:?}").contains('@'));
    }

    #[test]
    fn recorded_pull_becomes_a_merge_for_its_author() {
        let Some(v) = shared("repos_PyGithub_PyGithub_pulls_31.json") else {
            return;
        };
        let p = pull(&v).expect("facts from the recorded PR");
        let c = p
            .outcome("PyGithub/PyGithub")
            .expect("the recorded PR is merged: it has an outcome");
        assert_eq!(c.kind, Kind::PrMerged);
        assert_eq!(c.key, "pr_merged/pygithub/pygithub#31");
        assert_eq!(c.actor.login, "jacquev6");
        assert_eq!(Some(&c.actor), p.author.as_ref());
        assert_eq!(c.at, 1_338_114_547, "merged_at 2012-05-27T10:29:07Z");
        assert_eq!(c.number, Some(31));
        assert_eq!(c.title.as_deref(), Some("Title edited by PyGithub"));
        assert_eq!(
            c.url.as_deref(),
            Some("https://github.com/PyGithub/PyGithub/pull/31")
        );
        assert_eq!(c.additions, Some(511));
        assert_eq!(
            c.merged_by.as_ref().map(|a| a.login.as_str()),
            Some("jacquev6")
        );
        assert!(!c.needs_hydration);
        let Some(r) = shared("repos_PyGithub_PyGithub_pulls_538_reviews.json") else {
            return;
        };
        let items = r.as_array().expect("a list of reviews");
        let rs = reviews("PyGithub/PyGithub", &p, items);
        assert_eq!(rs.len(), 5, "every recorded review (none is pending)");
        assert_eq!(rs.len(), items.len());
        let states: Vec<&str> = rs
            .iter()
            .map(|c| c.review_state.as_deref().expect("a review state"))
            .collect();
        assert_eq!(
            states,
            [
                "approved",
                "commented",
                "commented",
                "commented",
                "commented"
            ]
        );
        assert!(rs.iter().all(|c| c.kind == Kind::Review
            && c.number == Some(31)
            && c.key.starts_with("review/pygithub/pygithub/")));
    }
}
