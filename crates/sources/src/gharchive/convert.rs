//! The crediting rules: one GH Archive line in, one [`Outcome`] out.
//!
//! | kind | from | credited to |
//! |---|---|---|
//! | `pr_opened` | PullRequestEvent `opened` | actor |
//! | `pr_merged` | PullRequestEvent `closed`, `pull_request.merged` true | `pull_request.user`; the actor merged it (`merged_by`) |
//! | `pr_closed_unmerged` | PullRequestEvent `closed`, `merged` false | `pull_request.user` |
//! | `review` | PullRequestReviewEvent | actor (state kept) |
//! | `review_comment` | PullRequestReviewCommentEvent, `created` or no action | actor (path kept) |
//! | `issue_opened` | IssuesEvent `opened` | actor |
//! | `issue_comment` | IssueCommentEvent, `created` or no action | actor (on a PR or not) |
//! | `push` | PushEvent, one per event | actor (commit count when known) |
//! | `release` | ReleaseEvent | actor |
//! | `member_added` | MemberEvent | the member who was given write access |
//!
//! A `closed` PullRequestEvent whose payload cannot say whose PR it was (the 2011 stub, the
//! post-2025 trimmed stub) and the post-2025 `merged` action are [`Outcome::Pointer`]s: kept,
//! counted, and left for the API to complete — never guessed. Everything else (stars, forks,
//! branch creation…) is [`Outcome::NotEvidence`], counted in stats only.
//!
//! Beside its outcome, a line yields the accounts it names ([`Seen`], see [`super::seen`]):
//! [`convert_line_seen`].

use super::event::{Glance, Label, Loose, RawEvent, Repo, Repository, Str, User};
use super::seen::{self, Seen};
use super::Credited;
use builtby_model::{
    keyed, looks_like_email, prefix, time, Actor, Contribution, Kind, Pointer, Profile,
    BODY_PREFIX_CHARS,
};
use serde::de::IgnoredAny;

/// What one line became.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Contribution(Box<Credited>),
    Pointer {
        event_type: String,
        pointer: Pointer,
    },
    /// A real event that is not evidence of skill (stars, forks, branch creation…).
    NotEvidence {
        event_type: String,
    },
    /// An event whose repository could not be recovered.
    NoRepository {
        event_type: String,
    },
    /// An event that credits its actor, but has none (deleted account).
    NoActor {
        event_type: String,
    },
    /// A line that is not a usable event.
    Skipped {
        line: u64,
        reason: String,
    },
}

/// Event types that are never evidence; their lines are validated but not parsed into fields.
const NOT_EVIDENCE: &[&str] = &[
    "WatchEvent",
    "ForkEvent",
    "CreateEvent",
    "DeleteEvent",
    "GollumEvent",
    "PublicEvent",
    "GistEvent",
    "FollowEvent",
    "DownloadEvent",
    "ForkApplyEvent",
    "CommitCommentEvent",
    "SponsorshipEvent",
    "TeamAddEvent",
    "DiscussionEvent",
];

/// One line converted: its outcome, and the accounts it names besides those its record
/// credits.
#[derive(Debug, Clone, PartialEq)]
pub struct Converted {
    pub outcome: Outcome,
    pub seen: Seen,
}

/// Converts one line. `complete` is false for a last line without a newline, so a parse
/// failure there is reported as truncation. Blank lines yield `None`.
pub fn convert_line(text: &[u8], line: u64, complete: bool) -> Option<Outcome> {
    convert_line_seen(text, line, complete).map(|c| c.outcome)
}

/// [`convert_line`], with the accounts the line names ([`super::seen`]).
pub fn convert_line_seen(text: &[u8], line: u64, complete: bool) -> Option<Converted> {
    if text.iter().all(|b| b.is_ascii_whitespace()) {
        return None;
    }
    let only = |outcome: Outcome| {
        Some(Converted {
            outcome,
            seen: Seen::default(),
        })
    };
    let skip = |what: String| {
        let reason = if complete {
            what
        } else {
            format!("truncated last line: {what}")
        };
        only(Outcome::Skipped { line, reason })
    };
    // Fast path: types that are never evidence are read only for their time and the accounts
    // they name; a line whose fields have unexpected types only needs to be valid JSON.
    if let Some(t) = super::event::sniff_type(text) {
        if NOT_EVIDENCE.contains(&t) {
            let not_evidence = Outcome::NotEvidence {
                event_type: t.to_string(),
            };
            return match serde_json::from_slice::<Glance>(text) {
                Ok(g) => {
                    let accounts = seen::in_glance(&g);
                    let at = g.created_at.str().and_then(time::parse_rfc3339);
                    match at {
                        Some(at) if !accounts.is_empty() => Some(Converted {
                            outcome: not_evidence,
                            seen: Seen { at, accounts },
                        }),
                        _ => only(not_evidence),
                    }
                }
                Err(e) if e.is_data() => match serde_json::from_slice::<IgnoredAny>(text) {
                    Ok(_) => only(not_evidence),
                    Err(e) => skip(format!("not JSON: {e}")),
                },
                Err(e) => skip(format!("not JSON: {e}")),
            };
        }
    }
    // An event is a JSON object: say so for a line that is valid JSON of another kind, rather
    // than what the object's first field expected.
    if text.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return match serde_json::from_slice::<IgnoredAny>(text) {
            Ok(_) => skip("not an event: a JSON value that is not an object".to_string()),
            Err(e) => skip(format!("not JSON: {e}")),
        };
    }
    let event: RawEvent = match serde_json::from_slice(text) {
        Ok(e) => e,
        Err(e) if e.is_data() => return skip(format!("unknown event shape: {e}")),
        Err(e) => return skip(format!("not JSON: {e}")),
    };
    let outcome = convert_event(&event, text, line);
    let at = match &outcome {
        Outcome::Skipped { .. } => return only(outcome),
        Outcome::Contribution(c) => Some(c.contribution.at),
        Outcome::Pointer { pointer, .. } => Some(pointer.at),
        _ => event
            .created_at
            .as_ref()
            .and_then(|t| time::parse_rfc3339(t.as_str())),
    };
    let accounts = seen::besides(seen::in_event(&event), &outcome);
    match at {
        Some(at) if !accounts.is_empty() => Some(Converted {
            outcome,
            seen: Seen { at, accounts },
        }),
        _ => only(outcome),
    }
}

fn convert_event(e: &RawEvent, raw: &[u8], line: u64) -> Outcome {
    let Some(event_type) = e.event_type.as_ref().map(|t| t.as_str().to_string()) else {
        return Outcome::Skipped {
            line,
            reason: "unknown event shape: no `type` field".into(),
        };
    };
    let Some(at) = e
        .created_at
        .as_ref()
        .and_then(|t| time::parse_rfc3339(t.as_str()))
    else {
        return Outcome::Skipped {
            line,
            reason: format!("unknown event shape: {event_type} without a valid `created_at`"),
        };
    };
    let Loose::Obj(payload) = &e.payload else {
        if NOT_EVIDENCE.contains(&event_type.as_str()) {
            return Outcome::NotEvidence { event_type };
        }
        return Outcome::Skipped {
            line,
            reason: format!("unknown event shape: {event_type} without a `payload` object"),
        };
    };
    let Some((repo, repo_github_id)) = repository(e, payload.repo.str()) else {
        return Outcome::NoRepository { event_type };
    };
    let key = match &e.id {
        Loose::Str(s) => format!("gha:{s}"),
        Loose::Int(i) => format!("gha:{i}"),
        _ => format!("gha-line:{:032x}", xxhash_rust::xxh3::xxh3_128(raw)),
    };
    let actor = actor(e);
    let action = payload.action.as_ref().map(|a| a.as_str());
    let number = payload.number.int();

    let c = |kind: Kind, who: Actor| {
        let mut c = Contribution::new(key.clone(), kind, repo.clone(), who, at);
        c.repo_github_id = repo_github_id;
        c.number = number;
        c
    };
    let pointer = |what: &str| Outcome::Pointer {
        event_type: event_type.clone(),
        pointer: Pointer {
            key: key.clone(),
            repo: repo.clone(),
            number,
            what: what.to_string(),
            actor: actor.clone(),
            at,
        },
    };
    let credited = |mut c: Contribution| {
        if actor.as_ref().is_some_and(|a| a.login == c.actor.login) {
            c.profile = profile(e);
        }
        if c.url
            .as_deref()
            .is_none_or(|u| !u.starts_with("https://github.com/"))
        {
            c.url = timeline_url(e);
        }
        Outcome::Contribution(Box::new(Credited {
            event_type: event_type.clone(),
            contribution: c,
        }))
    };
    let no_actor = || Outcome::NoActor {
        event_type: event_type.clone(),
    };

    match event_type.as_str() {
        "PullRequestEvent" => {
            let pr = payload.pull_request.as_ref();
            let trimmed = pr.is_none_or(|p| p.is_trimmed());
            let fill = |c: &mut Contribution| {
                if let Some(pr) = pr {
                    c.number = c.number.or(pr.number.int());
                    c.title = text(&pr.title);
                    c.body = body(&pr.body);
                    c.url = github_url(&pr.html_url);
                    c.labels = labels(&pr.labels);
                    c.additions = pr.additions;
                    c.deletions = pr.deletions;
                    c.changed_files = pr.changed_files;
                }
                c.needs_hydration = trimmed;
            };
            match action {
                Some("opened") => {
                    let Some(a) = actor.clone() else {
                        return no_actor();
                    };
                    let mut k = c(Kind::PrOpened, a);
                    fill(&mut k);
                    credited(keyed_by(k, None))
                }
                Some("closed") => {
                    let Some(pr) = pr else {
                        return pointer("PullRequestEvent/closed");
                    };
                    let merged = pr.merged.or_else(|| pr.merged_at.as_ref().map(|_| true));
                    let (Some(merged), Some(author)) = (merged, pr.user.as_ref().and_then(user))
                    else {
                        return pointer("PullRequestEvent/closed");
                    };
                    let kind = if merged {
                        Kind::PrMerged
                    } else {
                        Kind::PrClosedUnmerged
                    };
                    let mut k = c(kind, author);
                    fill(&mut k);
                    let mut k = keyed_by(k, None);
                    if merged {
                        k.merged_by = pr
                            .merged_by
                            .as_ref()
                            .and_then(user)
                            .or_else(|| actor.clone());
                    }
                    credited(k)
                }
                Some("merged") => pointer("PullRequestEvent/merged"),
                _ => Outcome::NotEvidence { event_type },
            }
        }
        "PullRequestReviewEvent" => {
            let Some(a) = actor.clone() else {
                return no_actor();
            };
            let mut k = c(Kind::Review, a);
            let pr = payload.pull_request.as_ref();
            if let Some(pr) = pr {
                k.number = k.number.or(pr.number.int());
                k.title = text(&pr.title);
            }
            if let Some(r) = &payload.review {
                k.review_state = r.state.as_ref().map(|s| s.as_str().to_ascii_lowercase());
                k.body = body(&r.body);
                k.url = github_url(&r.html_url);
            }
            k.needs_hydration = pr.is_none_or(|p| p.is_trimmed());
            let id = payload.review.as_ref().and_then(|r| r.id.int());
            credited(keyed_by(k, id))
        }
        "PullRequestReviewCommentEvent" if matches!(action, None | Some("created")) => {
            let Some(a) = actor.clone() else {
                return no_actor();
            };
            let mut k = c(Kind::ReviewComment, a);
            if let Some(pr) = &payload.pull_request {
                k.number = k.number.or(pr.number.int());
                k.title = text(&pr.title);
                k.needs_hydration = pr.is_trimmed();
            }
            if let Some(cm) = &payload.comment {
                k.set_comment_file(text(&cm.path));
                k.body = body(&cm.body);
                k.url = github_url(&cm.html_url);
            }
            let id = payload.comment.as_ref().and_then(|c| c.id.int());
            credited(keyed_by(k, id))
        }
        "IssuesEvent" if action == Some("opened") => {
            let Some(a) = actor.clone() else {
                return no_actor();
            };
            let mut k = c(Kind::IssueOpened, a);
            if let Some(i) = payload.issue.obj() {
                k.number = k.number.or(i.number.int());
                k.title = text(&i.title);
                k.body = body(&i.body);
                k.url = github_url(&i.html_url);
                k.labels = labels(&i.labels);
            }
            credited(keyed_by(k, None))
        }
        "IssueCommentEvent" if matches!(action, None | Some("created")) => {
            let Some(a) = actor.clone() else {
                return no_actor();
            };
            let mut k = c(Kind::IssueComment, a);
            if let Some(i) = payload.issue.obj() {
                k.number = k.number.or(i.number.int());
                k.title = text(&i.title);
                k.on_pr = i
                    .pull_request
                    .as_ref()
                    .is_some_and(|p| p.html_url.is_some());
            }
            if let Some(cm) = &payload.comment {
                k.body = body(&cm.body);
                k.url = github_url(&cm.html_url);
            }
            let id = payload.comment.as_ref().and_then(|c| c.id.int());
            credited(keyed_by(k, id))
        }
        "PushEvent" => {
            let Some(a) = actor.clone() else {
                return no_actor();
            };
            let mut k = c(Kind::Push, a);
            k.number = None;
            k.commits = payload
                .size
                .or(payload.distinct_size)
                .or(payload.commits)
                .or(payload.shas);
            k.url = payload
                .head
                .str()
                .filter(|h| h.len() >= 7)
                .map(|h| format!("https://github.com/{repo}/commit/{h}"));
            k.needs_hydration = k.commits.is_none();
            let id = payload.push_id.int();
            credited(keyed_by(k, id))
        }
        "ReleaseEvent" => {
            let Some(a) = actor.clone() else {
                return no_actor();
            };
            let mut k = c(Kind::Release, a);
            if let Some(r) = &payload.release {
                k.title = text(&r.name)
                    .filter(|s| !s.is_empty())
                    .or_else(|| text(&r.tag_name));
                k.body = body(&r.body);
                k.url = github_url(&r.html_url);
            }
            let id = payload.release.as_ref().and_then(|r| r.id.int());
            credited(keyed_by(k, id))
        }
        "MemberEvent" => {
            let member = match &payload.member {
                Loose::Obj(u) => user(u),
                Loose::Str(login) if !login.is_empty() => Some(Actor {
                    github_id: None,
                    login: login.to_string(),
                    is_bot_type: false,
                }),
                _ => None,
            };
            let Some(m) = member else { return no_actor() };
            let mut k = c(Kind::MemberAdded, m);
            k.number = None;
            k.url = Some(format!("https://github.com/{repo}"));
            credited(keyed_by(k, None))
        }
        _ => Outcome::NotEvidence { event_type },
    }
}

/// Re-keys a contribution built with the event's key by what the work is: the PR or issue
/// number, or GitHub's id of the review, comment, push or release (`object_id`); the event's
/// key stays where neither is known.
fn keyed_by(mut c: Contribution, object_id: Option<i64>) -> Contribution {
    c.key = keyed(c.kind, &c.repo, c.number, object_id, &c.key);
    c
}

/// `owner/name`: from `repo.name` (Events API), else from the Timeline `repository` object,
/// else from the 2011 `payload.repo` string. `None` when nothing usable is there.
fn repository(e: &RawEvent, payload_repo: Option<&str>) -> Option<(String, Option<i64>)> {
    repository_of(&e.repo, e.repository.as_ref(), payload_repo)
        .map(|(name, id)| (name.into_owned(), id))
}

/// [`repository`] from the parts that name it (shared with the scope test, which reads only
/// them: [`super::event::Where`]).
pub(super) fn repository_of<'a>(
    repo: &'a Loose<'a, Repo<'a>>,
    repository: Option<&'a Repository<'a>>,
    payload_repo: Option<&'a str>,
) -> Option<(std::borrow::Cow<'a, str>, Option<i64>)> {
    use std::borrow::Cow;
    let valid = |s: &str| {
        let mut parts = s.split('/');
        matches!((parts.next(), parts.next(), parts.next()), (Some(o), Some(n), None) if !o.is_empty() && !n.is_empty())
    };
    if let Loose::Obj(r) = repo {
        if let Some(name) = r.name.as_ref().map(|n| n.as_str()).filter(|n| valid(n)) {
            return Some((Cow::Borrowed(name), r.id.int()));
        }
    }
    if let Some(r) = repository {
        let owner = match &r.owner {
            Loose::Str(s) => Some(s.to_string()),
            Loose::Obj(u) => u.login.as_ref().map(|l| l.as_str().to_string()),
            _ => None,
        };
        if let (Some(o), Some(n)) = (owner, r.name.as_ref()) {
            let full = format!("{o}/{}", n.as_str());
            if valid(&full) {
                return Some((Cow::Owned(full), r.id.int()));
            }
        }
    }
    let from_payload = payload_repo.filter(|s| valid(s))?;
    let id = match repo {
        Loose::Obj(r) => r.id.int(),
        _ => None,
    };
    Some((Cow::Borrowed(from_payload), id))
}

/// The repository a line names, by the conversion's rules: the top-level `repo.name` found
/// by [`super::scope::sniff_repo`] without parsing, else from a parse of the fields that name
/// a repository. `None` when the line names none (or is not a JSON object).
pub fn line_repository(text: &[u8]) -> Option<std::borrow::Cow<'_, str>> {
    if let Some(name) = super::scope::sniff_repo(text) {
        return Some(std::borrow::Cow::Borrowed(name));
    }
    let w: super::event::Where = serde_json::from_slice(text).ok()?;
    repository_of(
        &w.repo,
        w.repository.as_ref(),
        w.payload.obj().and_then(|p| p.repo.str()),
    )
    .map(|(name, _)| std::borrow::Cow::Owned(name.into_owned()))
}

fn actor(e: &RawEvent) -> Option<Actor> {
    match &e.actor {
        Loose::Obj(u) => user(u),
        Loose::Str(login) if !login.is_empty() => {
            let bot = e
                .actor_attributes
                .as_ref()
                .and_then(|a| a.user_type.as_ref())
                .is_some_and(|t| t.as_str() == "Bot");
            Some(Actor {
                github_id: None,
                login: login.to_string(),
                is_bot_type: bot,
            })
        }
        _ => None,
    }
}

pub(super) fn user(u: &User) -> Option<Actor> {
    let login = u.login.as_ref()?.as_str();
    if login.is_empty() {
        return None;
    }
    Some(Actor {
        github_id: u.id.int(),
        login: login.to_string(),
        is_bot_type: u.user_type.as_ref().is_some_and(|t| t.as_str() == "Bot"),
    })
}

/// Timeline-era `actor_attributes`, minus anything that looks like an e-mail address.
fn profile(e: &RawEvent) -> Option<Profile> {
    let a = e.actor_attributes.as_ref()?;
    let clean = |s: &Option<Str>| text(s).filter(|v| !v.trim().is_empty() && !looks_like_email(v));
    let p = Profile {
        name: clean(&a.name),
        location: clean(&a.location),
        company: clean(&a.company),
        blog: clean(&a.blog),
    };
    (!p.is_empty()).then_some(p)
}

fn timeline_url(e: &RawEvent) -> Option<String> {
    github_url(&e.url)
}

fn github_url(s: &Option<Str>) -> Option<String> {
    s.as_ref()
        .map(|s| s.as_str())
        .filter(|u| u.starts_with("https://github.com/"))
        .map(str::to_string)
}

fn text(s: &Option<Str>) -> Option<String> {
    s.as_ref().map(|s| s.as_str().to_string())
}

fn body(s: &Option<Str>) -> Option<String> {
    s.as_ref()
        .map(|s| prefix(s.as_str(), BODY_PREFIX_CHARS).to_string())
        .filter(|b| !b.is_empty())
}

fn labels(l: &Option<Vec<Label>>) -> Vec<String> {
    l.iter()
        .flatten()
        .filter_map(|l| l.name.as_ref().map(|n| n.as_str().to_string()))
        .collect()
}

#[cfg(test)]
mod tests;
