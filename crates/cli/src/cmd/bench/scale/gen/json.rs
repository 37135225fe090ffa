//! GH Archive's Events-API event shape (2015 until the trim of 2025-10-07), written straight
//! into a `String`, keys in GitHub's order (every line starts `{"id":…,"type":…`).
//!
//! Objects carry the fields of real 2021–2024 events that builtby reads and the usual ones
//! around them (`node_id`, `html_url`, `state`, `author_association`, head and base
//! repositories…); the dozens of templated `*_url` links of user and repository objects are
//! left out, so a generated event is about half the bytes of a real one (report bytes/event
//! next to events/s).

use super::rand::sha;
use super::world::{Person, Repo, World};
use crate::demo::sample::rng::ts;
use std::fmt::Write as _;

const API: &str = "https://api.github.com";
const WEB: &str = "https://github.com";

/// A JSON string, quoted and escaped.
pub fn esc(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// GitHub's legacy node id shape (base64-looking, not decoded by anyone).
fn node(out: &mut String, prefix: &str, id: u64) {
    let _ = write!(out, "\"{prefix}{}\"", super::rand::base36(id));
}

/// A user object as payloads carry it.
pub fn user(out: &mut String, w: &World, p: Person) {
    let (id, login) = (w.github_id(p), w.login(p));
    let ty = if w.is_bot(p) { "Bot" } else { "User" };
    let _ = write!(out, "{{\"login\":");
    esc(out, &login);
    let _ = write!(out, ",\"id\":{id},\"node_id\":");
    node(out, "MDQ6VXNlcj", id);
    let _ = write!(
        out,
        ",\"avatar_url\":\"https://avatars.githubusercontent.com/u/{id}?v=4\",\"gravatar_id\":\"\",\"url\":\"{API}/users/{login}\",\"html_url\":\"{WEB}/{login}\",\"type\":\"{ty}\",\"site_admin\":false}}"
    );
}

/// `{"id":…,"type":…,"actor":{…},"repo":{…},"payload":` — the payload follows.
pub fn envelope_start(out: &mut String, id: u64, ty: &str, w: &World, actor: Person, repo: Repo) {
    let (aid, login) = (w.github_id(actor), w.login(actor));
    let display = login.trim_end_matches("[bot]");
    let name = w.repo_name(repo);
    let _ = write!(
        out,
        "{{\"id\":\"{id}\",\"type\":\"{ty}\",\"actor\":{{\"id\":{aid},\"login\":\"{login}\",\"display_login\":\"{display}\",\"gravatar_id\":\"\",\"url\":\"{API}/users/{login}\",\"avatar_url\":\"https://avatars.githubusercontent.com/u/{aid}?\"}},\"repo\":{{\"id\":{},\"name\":\"{name}\",\"url\":\"{API}/repos/{name}\"}},\"payload\":",
        w.repo_id(repo)
    );
}

/// `,"public":true,"created_at":"…"}`, closing the event.
pub fn envelope_end(out: &mut String, t: i64) {
    let _ = write!(out, ",\"public\":true,\"created_at\":\"{}\"}}", ts(t));
}

/// A repository object (PR heads and bases, forks).
pub fn repo_obj(out: &mut String, w: &World, r: Repo, owner: Person, t: i64) {
    let (id, name) = (w.repo_id(r), w.repo_name(r));
    let short = name.rsplit('/').next().unwrap_or("");
    let _ = write!(out, "{{\"id\":{id},\"node_id\":");
    node(out, "MDEwOlJlcG9zaXRvcnk", id);
    let _ = write!(
        out,
        ",\"name\":\"{short}\",\"full_name\":\"{name}\",\"private\":false,\"owner\":"
    );
    user(out, w, owner);
    let _ = write!(
        out,
        ",\"html_url\":\"{WEB}/{name}\",\"description\":null,\"fork\":false,\"url\":\"{API}/repos/{name}\",\"created_at\":\"2019-03-04T10:00:00Z\",\"updated_at\":\"{t}\",\"pushed_at\":\"{t}\",\"language\":\"Python\",\"default_branch\":\"main\"}}",
        t = ts(t)
    );
}

/// What a PR is, whatever event mentions it.
pub struct Pr {
    pub repo: Repo,
    pub number: u64,
    pub id: u64,
    pub author: Person,
    pub title: String,
    pub body: String,
    pub branch: String,
    pub t0: i64,
    pub size: [u64; 3],
    pub commits: u64,
}

/// The PR's state at one event.
pub struct PrAt {
    pub t: i64,
    /// When it was closed, and by whom it was merged (`None`: closed unmerged).
    pub closed: Option<(i64, Option<Person>)>,
    pub comments: u64,
    pub review_comments: u64,
    /// The closing event's full object (merged, mergeable, counts, sizes).
    pub full: bool,
}

pub fn pr_obj(out: &mut String, w: &World, pr: &Pr, at: &PrAt) {
    let name = w.repo_name(pr.repo);
    let n = pr.number;
    let owner = w
        .owner(pr.repo)
        .or_else(|| w.maintainers(pr.repo).first().copied())
        .unwrap_or(pr.author);
    let state = if at.closed.is_some() {
        "closed"
    } else {
        "open"
    };
    let merged_at = at.closed.and_then(|(t, m)| m.map(|_| ts(t)));
    let _ = write!(
        out,
        "{{\"url\":\"{API}/repos/{name}/pulls/{n}\",\"id\":{},\"node_id\":",
        pr.id
    );
    node(out, "MDExOlB1bGxSZXF1ZXN0", pr.id);
    let _ = write!(
        out,
        ",\"html_url\":\"{WEB}/{name}/pull/{n}\",\"number\":{n},\"state\":\"{state}\",\"locked\":false,\"title\":"
    );
    esc(out, &pr.title);
    out.push_str(",\"user\":");
    user(out, w, pr.author);
    out.push_str(",\"body\":");
    esc(out, &pr.body);
    let _ = write!(
        out,
        ",\"created_at\":\"{}\",\"updated_at\":\"{}\",\"closed_at\":{},\"merged_at\":{},\"merge_commit_sha\":{},\"assignee\":null,\"assignees\":[],\"requested_reviewers\":[],\"labels\":[],\"draft\":false",
        ts(pr.t0),
        ts(at.t),
        at.closed
            .map(|(t, _)| format!("\"{}\"", ts(t)))
            .unwrap_or_else(|| "null".into()),
        merged_at
            .map(|t| format!("\"{t}\""))
            .unwrap_or_else(|| "null".into()),
        if at.t > pr.t0 {
            format!("\"{}\"", sha(pr.id ^ 0x99))
        } else {
            "null".into()
        }
    );
    let head_repo = match pr.repo {
        Repo::Own(..) => pr.repo,
        _ => Repo::Own(pr.author, 0),
    };
    let head_owner = w.owner(head_repo).unwrap_or(pr.author);
    let _ = write!(
        out,
        ",\"head\":{{\"label\":\"{}:{}\",\"ref\":",
        w.login(head_owner),
        pr.branch
    );
    esc(out, &pr.branch);
    let _ = write!(out, ",\"sha\":\"{}\",\"user\":", sha(pr.id ^ pr.commits));
    user(out, w, head_owner);
    out.push_str(",\"repo\":");
    repo_obj(out, w, head_repo, head_owner, at.t);
    let _ = write!(
        out,
        "}},\"base\":{{\"label\":\"{}:main\",\"ref\":\"main\",\"sha\":\"{}\",\"user\":",
        name.split('/').next().unwrap_or(""),
        sha(pr.id ^ 0x98)
    );
    user(out, w, owner);
    out.push_str(",\"repo\":");
    repo_obj(out, w, pr.repo, owner, at.t);
    let _ = write!(
        out,
        "}},\"author_association\":\"{}\"",
        association(w, pr.author, pr.repo)
    );
    if at.full {
        let merged_by = at.closed.and_then(|(_, m)| m);
        let _ = write!(
            out,
            ",\"merged\":{},\"mergeable\":null,\"rebaseable\":null,\"mergeable_state\":\"unknown\",\"merged_by\":",
            merged_by.is_some()
        );
        match merged_by {
            Some(m) => user(out, w, m),
            None => out.push_str("null"),
        }
        let _ = write!(
            out,
            ",\"comments\":{},\"review_comments\":{},\"maintainer_can_modify\":false,\"commits\":{},\"additions\":{},\"deletions\":{},\"changed_files\":{}",
            at.comments, at.review_comments, pr.commits, pr.size[0], pr.size[1], pr.size[2]
        );
    }
    out.push('}');
}

/// What an issue (or a PR seen as an issue) is.
pub struct Issue {
    pub repo: Repo,
    pub number: u64,
    pub id: u64,
    pub author: Person,
    pub title: String,
    pub body: String,
    pub t0: i64,
    pub is_pr: bool,
}

pub fn issue_obj(
    out: &mut String,
    w: &World,
    is: &Issue,
    t: i64,
    closed: Option<i64>,
    comments: u64,
) {
    let name = w.repo_name(is.repo);
    let n = is.number;
    let kind = if is.is_pr { "pull" } else { "issues" };
    let _ = write!(
        out,
        "{{\"url\":\"{API}/repos/{name}/issues/{n}\",\"repository_url\":\"{API}/repos/{name}\",\"html_url\":\"{WEB}/{name}/{kind}/{n}\",\"id\":{},\"node_id\":",
        is.id
    );
    node(out, "MDU6SXNzdWU", is.id);
    let _ = write!(out, ",\"number\":{n},\"title\":");
    esc(out, &is.title);
    out.push_str(",\"user\":");
    user(out, w, is.author);
    let _ = write!(
        out,
        ",\"labels\":[],\"state\":\"{}\",\"locked\":false,\"assignee\":null,\"assignees\":[],\"milestone\":null,\"comments\":{comments},\"created_at\":\"{}\",\"updated_at\":\"{}\",\"closed_at\":{},\"author_association\":\"{}\",\"active_lock_reason\":null",
        if closed.is_some() { "closed" } else { "open" },
        ts(is.t0),
        ts(t),
        closed
            .map(|c| format!("\"{}\"", ts(c)))
            .unwrap_or_else(|| "null".into()),
        association(w, is.author, is.repo)
    );
    if is.is_pr {
        let _ = write!(
            out,
            ",\"pull_request\":{{\"url\":\"{API}/repos/{name}/pulls/{n}\",\"html_url\":\"{WEB}/{name}/pull/{n}\",\"diff_url\":\"{WEB}/{name}/pull/{n}.diff\",\"patch_url\":\"{WEB}/{name}/pull/{n}.patch\"}}"
        );
    }
    out.push_str(",\"body\":");
    esc(out, &is.body);
    out.push_str(",\"performed_via_github_app\":null}");
}

/// An issue comment object.
pub fn comment_obj(
    out: &mut String,
    w: &World,
    is: &Issue,
    id: u64,
    who: Person,
    body: &str,
    t: i64,
) {
    let name = w.repo_name(is.repo);
    let kind = if is.is_pr { "pull" } else { "issues" };
    let n = is.number;
    let _ = write!(
        out,
        "{{\"url\":\"{API}/repos/{name}/issues/comments/{id}\",\"html_url\":\"{WEB}/{name}/{kind}/{n}#issuecomment-{id}\",\"issue_url\":\"{API}/repos/{name}/issues/{n}\",\"id\":{id},\"node_id\":"
    );
    node(out, "MDEyOklzc3VlQ29tbWVudA", id);
    out.push_str(",\"user\":");
    user(out, w, who);
    let _ = write!(
        out,
        ",\"created_at\":\"{t}\",\"updated_at\":\"{t}\",\"author_association\":\"{}\",\"body\":",
        association(w, who, is.repo),
        t = ts(t)
    );
    esc(out, body);
    out.push_str(",\"performed_via_github_app\":null}");
}

/// OWNER, MEMBER, CONTRIBUTOR or NONE, as GitHub would say.
pub fn association(w: &World, p: Person, r: Repo) -> &'static str {
    if w.owner(r) == Some(p) {
        "OWNER"
    } else if matches!(r, Repo::Catalog(_) | Repo::Shared(_)) && w.maintainers(r).contains(&p) {
        "MEMBER"
    } else if w.is_ml(p) {
        "CONTRIBUTOR"
    } else {
        "NONE"
    }
}
