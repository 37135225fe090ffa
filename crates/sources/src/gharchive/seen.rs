//! The accounts an event names, for the person resolver: every user object with a GitHub id.
//!
//! An event credits one or two accounts (the actor, a PR's author and merger), but names more:
//! `pull_request.user`, `merged_by`, `head.user` and `head.repo.owner`, assignees, requested
//! reviewers, milestone creators, `auto_merge.enabled_by`, `issue.user`, `comment.user`,
//! `review.user`, `release.author` and its assets' uploaders, `member`, and in events that are
//! not evidence the actor, `forkee.owner`, a followed `target`, `gist.user`. Each is a
//! sighting: this GitHub id had this login at the event's time. That is what joins a
//! Timeline-era (2012–14) login-only actor to its account (their events carry no actor id,
//! but a PR's `user` object names the same login with one), and what makes the current login
//! the one on the latest event even when that event credits nothing (a 2021 branch creation
//! under a new login).
//!
//! Left out, because they add nothing: user objects without an id or login; organisations
//! (`type: "Organization"`, the envelope's `org`, a PR's `base`, which names the repository's
//! owner); an account twice in one event; the accounts the event's own record credits
//! (resolved with it already).

use super::convert::{user, Outcome};
use super::event::{Glance, Loose, RawEvent, User};
use builtby_model::Actor;

/// Accounts an event names besides those its record credits, at the event's time.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Seen {
    /// Seconds since the Unix epoch, UTC.
    pub at: i64,
    /// Each with its GitHub id; no two alike.
    pub accounts: Vec<Actor>,
}

/// The accounts an evidence-shaped event names (every user object the typed view reads).
pub(super) fn in_event(e: &RawEvent) -> Vec<Actor> {
    let mut out = Vec::new();
    push(&mut out, e.actor.obj());
    let Loose::Obj(p) = &e.payload else {
        return out;
    };
    if let Some(pr) = &p.pull_request {
        push(&mut out, pr.user.as_ref());
        push(&mut out, pr.merged_by.as_ref());
        if let Some(h) = pr.head.obj() {
            push(&mut out, h.user.obj());
            push(&mut out, h.repo.obj().and_then(|r| r.owner.obj()));
        }
        push(&mut out, pr.assignee.obj());
        pr.assignees.0.iter().for_each(|u| push(&mut out, Some(u)));
        pr.requested_reviewers
            .0
            .iter()
            .for_each(|u| push(&mut out, Some(u)));
        push(&mut out, pr.milestone.obj().and_then(|m| m.creator.obj()));
        push(
            &mut out,
            pr.auto_merge.obj().and_then(|m| m.enabled_by.obj()),
        );
    }
    if let Some(i) = p.issue.obj() {
        push(&mut out, i.user.obj());
        push(&mut out, i.assignee.obj());
        i.assignees.0.iter().for_each(|u| push(&mut out, Some(u)));
        push(&mut out, i.milestone.obj().and_then(|m| m.creator.obj()));
    }
    if let Some(c) = &p.comment {
        push(&mut out, c.user.obj());
    }
    if let Some(r) = &p.review {
        push(&mut out, r.user.obj());
    }
    if let Some(r) = &p.release {
        push(&mut out, r.author.obj());
        r.assets
            .0
            .iter()
            .for_each(|a| push(&mut out, a.uploader.obj()));
    }
    push(&mut out, p.member.obj());
    out
}

/// The accounts an event that is never evidence names.
pub(super) fn in_glance(g: &Glance) -> Vec<Actor> {
    let mut out = Vec::new();
    push(&mut out, g.actor.obj());
    if let Some(p) = g.payload.obj() {
        push(&mut out, p.forkee.obj().and_then(|f| f.owner.obj()));
        push(&mut out, p.comment.obj().and_then(|c| c.user.obj()));
        push(&mut out, p.target.obj());
        push(&mut out, p.gist.obj().and_then(|c| c.user.obj()));
        push(&mut out, p.user.obj());
    }
    out
}

/// `accounts` without those `outcome`'s record credits (the same id and login).
pub(super) fn besides(mut accounts: Vec<Actor>, outcome: &Outcome) -> Vec<Actor> {
    let same = |a: &Actor, b: &Actor| a.github_id == b.github_id && a.login == b.login;
    match outcome {
        Outcome::Contribution(c) => {
            let c = &c.contribution;
            accounts.retain(|a| {
                !same(a, &c.actor) && !c.merged_by.as_ref().is_some_and(|m| same(a, m))
            });
        }
        Outcome::Pointer { pointer, .. } => {
            accounts.retain(|a| !pointer.actor.as_ref().is_some_and(|p| same(a, p)));
        }
        _ => {}
    }
    accounts
}

fn push(out: &mut Vec<Actor>, u: Option<&User>) {
    let Some(u) = u else { return };
    if u.user_type
        .as_ref()
        .is_some_and(|t| t.as_str() == "Organization")
    {
        return;
    }
    let Some(a) = user(u) else { return };
    if a.github_id.is_none()
        || out
            .iter()
            .any(|o| o.github_id == a.github_id && o.login == a.login)
    {
        return;
    }
    out.push(a);
}

#[cfg(test)]
mod tests {
    use super::super::convert::{convert_line_seen, Converted};
    use super::*;
    use serde_json::{json, Value};

    fn run(v: &Value) -> Converted {
        convert_line_seen(v.to_string().as_bytes(), 1, true).unwrap()
    }

    fn user(login: &str, id: i64) -> Value {
        json!({"login": login, "id": id, "type": "User"})
    }

    /// (login, id) of each account seen.
    fn seen(c: &Converted) -> Vec<(String, i64)> {
        c.seen
            .accounts
            .iter()
            .map(|a| (a.login.clone(), a.github_id.unwrap()))
            .collect()
    }

    fn pairs(v: &[(&str, i64)]) -> Vec<(String, i64)> {
        v.iter().map(|(l, i)| (l.to_string(), *i)).collect()
    }

    /// A Timeline-era (2013) PR opened by a login-only actor: the PR's `user` object gives the
    /// same login an id, which is what joins the login-only person to the account.
    #[test]
    fn a_timeline_pr_names_its_login_only_actor_with_an_id() {
        let e = json!({"type": "PullRequestEvent", "actor": "old-login", "created_at": "2013-02-15T00:57:31-08:00",
            "actor_attributes": {"login": "old-login", "type": "User"},
            "repository": {"id": 77, "name": "r", "owner": "o"},
            "payload": {"action": "opened", "number": 3, "pull_request": {"title": "t", "merged": false,
                "user": {"login": "old-login", "id": 287, "type": "User"},
                "head": {"user": {"login": "old-login", "id": 287}, "repo": {"owner": {"login": "old-login", "id": 287}}},
                "base": {"user": {"login": "o", "id": 9}, "repo": {"owner": {"login": "o", "id": 9}}}}}});
        let c = run(&e);
        let Outcome::Contribution(k) = &c.outcome else {
            panic!("{:?}", c.outcome)
        };
        assert_eq!(k.contribution.actor.github_id, None);
        // Once, though named three times; the base repository's owner is not read.
        assert_eq!(seen(&c), pairs(&[("old-login", 287)]));
        assert_eq!(c.seen.at, 1360918651);
    }

    /// Events that are never evidence still name their actor (a branch created under a new
    /// login) and the payload's accounts; organisations and accounts without an id are left out.
    #[test]
    fn events_that_are_not_evidence_name_their_accounts() {
        let create = json!({"id": "1", "type": "CreateEvent", "actor": user("new-login", 3036), "repo": {"id": 9, "name": "o/r"},
            "org": {"login": "o", "id": 9}, "payload": {"ref": "b", "ref_type": "branch"}, "created_at": "2021-07-21T09:00:02Z"});
        let c = run(&create);
        assert!(matches!(c.outcome, Outcome::NotEvidence { .. }));
        assert_eq!(seen(&c), pairs(&[("new-login", 3036)]));
        let fork = json!({"id": "2", "type": "ForkEvent", "actor": user("ana", 1), "repo": {"id": 9, "name": "o/r"},
            "payload": {"forkee": {"id": 10, "owner": user("ana", 1)}}, "created_at": "2015-01-01T04:39:18Z"});
        assert_eq!(seen(&run(&fork)), pairs(&[("ana", 1)]));
        let org_fork = json!({"id": "3", "type": "ForkEvent", "actor": user("ana", 1), "repo": {"id": 9, "name": "o/r"},
            "payload": {"forkee": {"owner": {"login": "lab", "id": 5, "type": "Organization"}}}, "created_at": "2015-01-01T04:39:18Z"});
        assert_eq!(seen(&run(&org_fork)), pairs(&[("ana", 1)]));
        let follow = json!({"type": "FollowEvent", "actor": {"login": "ana"}, "created_at": "2012-04-01T00:00:00Z",
            "payload": {"target": user("bo", 2)}});
        assert_eq!(seen(&run(&follow)), pairs(&[("bo", 2)]));
        // Timeline: a login-only actor names nothing.
        let watch = json!({"type": "WatchEvent", "actor": "ana", "created_at": "2013-02-15T00:23:08-08:00",
            "repository": {"id": 77, "name": "r", "owner": "o"}, "payload": {"action": "started"}});
        let c = run(&watch);
        assert!(matches!(c.outcome, Outcome::NotEvidence { .. }) && c.seen.accounts.is_empty());
        // Fields of unexpected types: still an event that is not evidence, naming nobody.
        let odd = json!({"type": "WatchEvent", "actor": {"login": 5, "id": 1}, "created_at": "2021-07-21T09:00:02Z", "payload": {}});
        let c = run(&odd);
        assert!(matches!(c.outcome, Outcome::NotEvidence { .. }) && c.seen.accounts.is_empty());
    }

    /// The accounts an event's record credits are resolved with it; the others are sightings.
    #[test]
    fn accounts_credited_by_the_record_are_not_repeated() {
        let pr = json!({"number": 5, "title": "Fix", "user": user("bo", 2), "merged": true, "merged_by": user("cy", 3),
            "head": {"user": user("bo", 2), "repo": {"owner": user("bo", 2)}},
            "base": {"user": user("lab", 8), "repo": {"owner": user("lab", 8)}},
            "assignee": user("di", 4), "assignees": [user("di", 4), user("ed", 5), "junk"],
            "requested_reviewers": [user("fa", 6)], "milestone": {"creator": user("gu", 7)},
            "auto_merge": {"enabled_by": user("ha", 11)}});
        let e = json!({"id": "1", "type": "PullRequestEvent", "actor": user("cy", 3), "repo": {"id": 9, "name": "o/r"},
            "payload": {"action": "closed", "number": 5, "pull_request": pr}, "created_at": "2021-07-21T06:00:00Z"});
        let c = run(&e);
        assert!(matches!(c.outcome, Outcome::Contribution(_)));
        assert_eq!(
            seen(&c),
            pairs(&[("di", 4), ("ed", 5), ("fa", 6), ("gu", 7), ("ha", 11)])
        );
        // A comment on someone else's issue names the issue's author: a renamed account
        // (loladiro → Keno) may appear only there.
        let e = json!({"id": "2", "type": "IssueCommentEvent", "actor": user("vi", 12), "repo": {"id": 9, "name": "o/r"},
            "payload": {"action": "created", "issue": {"number": 1, "title": "t", "user": user("Keno", 1291)},
                        "comment": {"id": 3, "body": "b", "user": user("vi", 12)}},
            "created_at": "2015-01-01T04:32:37Z"});
        assert_eq!(seen(&run(&e)), pairs(&[("Keno", 1291)]));
        // Reviews, releases and their assets, members.
        let e = json!({"id": "3", "type": "ReleaseEvent", "actor": user("ana", 1), "repo": {"id": 9, "name": "o/r"},
            "payload": {"action": "published", "release": {"id": 4, "tag_name": "v1", "author": user("ana", 1),
                        "assets": [{"uploader": user("bot", 99)}]}},
            "created_at": "2021-07-21T06:00:00Z"});
        assert_eq!(seen(&run(&e)), pairs(&[("bot", 99)]));
        let e = json!({"id": "4", "type": "PullRequestReviewEvent", "actor": user("ana", 1), "repo": {"id": 9, "name": "o/r"},
            "payload": {"action": "created", "review": {"id": 7, "state": "approved", "user": user("ana", 1)},
                        "pull_request": {"number": 5, "title": "t", "user": user("bo", 2)}},
            "created_at": "2021-07-21T06:00:00Z"});
        assert_eq!(seen(&run(&e)), pairs(&[("bo", 2)]));
        // A line that is not an event names nobody.
        let c = convert_line_seen(b"{not json", 1, true).unwrap();
        assert!(matches!(c.outcome, Outcome::Skipped { .. }) && c.seen.accounts.is_empty());
    }
}
