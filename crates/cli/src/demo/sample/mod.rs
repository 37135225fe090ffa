//! A deterministic, offline sample of GH Archive hours for `builtby demo`.
//!
//! `builtby demo` has to show a newcomer a ranked search with evidence without the network, so
//! this module writes hourly files that look exactly like GH Archive's Events-API era (2015 until
//! the payload trim of 2025-10-07): `YYYY-MM-DD-H.json.gz`, one gzip member, one compact JSON
//! event per line, keys in GitHub's own order (the ingest may peek at a line's first bytes for
//! `"type"`), and full `pull_request` / `issue` / `review` / `comment` objects. The real parser
//! reads them like any other hour; nothing downstream knows they are a sample.
//!
//! The cast: about 60 fictional people (`topic-name` logins, ids from 900,000,000, a range GitHub
//! has not reached) plus `dependabot[bot]`, `github-actions[bot]` and `pytorchbot`, working on
//! twelve real ML repositories, their forks and their own repositories. Profiles differ so the
//! ranking has something to show: maintainers review, approve and merge (`merged_by`);
//! contributors open PRs, answer review comments, push fixes and get merged; drive-by users file
//! issues, comment and send the odd docs PR; stargazers only star and fork (they must never
//! rank); push-heavy people push to personal repositories all day; bots are loud. A PR lives
//! across hours: branch and push, opened, reviewed with inline comments, answered, approved,
//! then merged (with the merger's squash push) or closed.
//!
//! Determinism: no clock and no `rand`. Every value comes from splitmix64 over a constant seed
//! and the *absolute* hour a thread starts in, so each file is a pure function of its hour: two
//! overlapping windows write identical bytes for the hours they share, and threads that started
//! before the window finish inside it, as in a real archive.
//!
//! Deliberate differences from a real hour: commit e-mails are `<40 hex>@example.com` (the
//! crawler's hashed form, on a reserved domain); repository objects leave out `ssh_url`
//! (`git@github.com:…` reads like an e-mail address); ids of repositories (2.9e9+), issues and
//! comments sit in unused ranges; object shapes follow our 2021 samples (the newest full ones we
//! hold), with pushes as in 2023–24 (`repository_id`, commit author as `email, name`). The only `@`
//! outside those e-mails is the `@@` hunk header of `diff_hunk`, as in every real review comment.
//! Hours are whatever the caller asks for, but payloads are always the full pre-trim shape, so an
//! ingest must tell trimmed from full events by the record (as DESIGN.md asks), not by the date.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use flate2::{write::GzEncoder, Compression};

#[macro_use]
mod json;
pub(crate) mod rng;
mod text;
mod threads;
mod world;

use json::*;
use rng::*;
use text::*;
use threads::*;
use world::*;

const SEED: u64 = 0x6275_696c_7462_7921;
/// A thread may still act this many hours after the hour it started in (asserted in tests).
const LAG: i64 = 18;
/// 2026-01-01T00Z in hours: origin of the per-hour slots behind ids and PR/issue numbers.
const REF_HOUR: i64 = 490_896;
const API: &str = "https://api.github.com";
const WEB: &str = "https://github.com";

/// Writes `hours` hourly files named like GH Archive's (`2026-11-01-9.json.gz`, hour not
/// zero-padded, one gzip member, one compact JSON object per line, `\n` after each) into `dir`,
/// the last one holding the hour that starts at `end_hour_unix` (seconds since epoch, a
/// multiple of 3600), and returns their paths in time order.
pub fn write_sample(dir: &Path, end_hour_unix: i64, hours: u32) -> anyhow::Result<Vec<PathBuf>> {
    anyhow::ensure!(
        end_hour_unix.rem_euclid(3600) == 0 && end_hour_unix >= 0,
        "end_hour_unix must be a non-negative multiple of 3600, got {end_hour_unix}"
    );
    std::fs::create_dir_all(dir)?;
    let w = World::new();
    let end = end_hour_unix / 3600;
    let mut paths = Vec::new();
    for hour in end + 1 - i64::from(hours)..=end {
        let mut em = Em {
            lo: hour * 3600,
            evs: Vec::new(),
        };
        for src in hour - LAG..=hour + 1 {
            for th in threads(&w, src) {
                emit_thread(&w, &th, &mut em);
            }
        }
        singles(&w, hour, &mut em);
        em.evs.sort_by_key(|e| e.t); // stable: ties keep generation order
        anyhow::ensure!(em.evs.len() < 100_000, "too many events in one hour");
        let path = dir.join(format!("{}-{}.json.gz", &ts(hour * 3600)[..10], hour % 24));
        let file = std::io::BufWriter::new(std::fs::File::create(&path)?);
        let mut gz = GzEncoder::new(file, Compression::default());
        let mut line = String::new();
        for (i, ev) in em.evs.into_iter().enumerate() {
            line.clear();
            envelope(&w, 10_000_000_000 + hour as u64 * 100_000 + i as u64, ev).write(&mut line);
            line.push('\n');
            gz.write_all(line.as_bytes())?;
        }
        gz.finish()?.flush()?;
        paths.push(path);
    }
    Ok(paths)
}

// ---------------------------------------------------------------- emitting events

struct Ev {
    t: i64,
    ty: &'static str,
    actor: usize,
    repo: usize,
    payload: J,
}
/// Collects the events of one hour; payloads are only built for events inside it.
struct Em {
    lo: i64,
    evs: Vec<Ev>,
}
impl Em {
    fn at(
        &mut self,
        t: i64,
        ty: &'static str,
        actor: usize,
        repo: usize,
        payload: impl FnOnce() -> J,
    ) {
        if (self.lo..self.lo + 3600).contains(&t) {
            self.evs.push(Ev {
                t,
                ty,
                actor,
                repo,
                payload: payload(),
            });
        }
    }
}
fn envelope(w: &World, id: u64, ev: Ev) -> J {
    let owner = w.repos[ev.repo].owner;
    let j = o! {"id": id.to_string(), "type": ev.ty, "actor": actor(w, ev.actor),
    "repo": o! {"id": w.repos[ev.repo].id, "name": w.full(ev.repo), "url": w.api(ev.repo)},
    "payload": ev.payload, "public": true, "created_at": ts(ev.t)};
    if w.acc[owner].kind != Kind::Org {
        return j;
    }
    let login = &w.acc[owner].login;
    j.cat(o! {"org": o! {"id": w.acc[owner].id, "login": login, "gravatar_id": "", "url": format!("{API}/orgs/{login}"),
        "avatar_url": format!("https://avatars.githubusercontent.com/u/{}?", w.acc[owner].id)}})
}

fn labels(w: &World, th: &Thread) -> J {
    let api = w.api(th.repo);
    J::A(th.labels.iter().map(|&name| {
        let id = 1_000_000_000 + name.bytes().fold(th.repo as u64, |a, b| mix(a ^ u64::from(b))) % 6_000_000_000;
        o! {"id": id, "node_id": node("Label", id), "url": format!("{api}/labels/{}", name.replace(' ', "%20")), "name": name,
            "color": format!("{:06x}", id & 0xff_ffff), "default": false, "description": J::Null}
    }).collect())
}
fn pr_obj(w: &World, th: &Thread, t: i64, full: bool) -> J {
    let (api, web, n) = (
        w.api(th.repo),
        format!("{WEB}/{}/pull/{}", w.full(th.repo), th.num),
        th.num,
    );
    let (closed, head) = (t >= th.close, th.sha(th.pushes(t)));
    let merged = closed && th.merged_by.is_some();
    let j = o! {"url": format!("{api}/pulls/{n}"), "id": th.id, "node_id": node("PullRequest", th.id), "html_url": &web,
    "diff_url": format!("{web}.diff"), "patch_url": format!("{web}.patch"), "issue_url": format!("{api}/issues/{n}"),
    "number": n, "state": if closed { "closed" } else { "open" }, "locked": false, "title": &th.title, "user": user(w, th.author),
    "body": &th.body, "created_at": ts(th.t0), "updated_at": ts(t), "closed_at": closed.then(|| ts(th.close)),
    "merged_at": merged.then(|| ts(th.close)), "merge_commit_sha": (t > th.t0).then(|| th.sha(99)), "assignee": J::Null,
    "assignees": J::A(vec![]), "requested_reviewers": J::A(vec![]), "requested_teams": J::A(vec![]), "labels": labels(w, th),
    "milestone": J::Null, "draft": false, "commits_url": format!("{api}/pulls/{n}/commits"),
    "review_comments_url": format!("{api}/pulls/{n}/comments"), "review_comment_url": format!("{api}/pulls/comments{{/number}}"),
    "comments_url": format!("{api}/issues/{n}/comments"), "statuses_url": format!("{api}/statuses/{head}"),
    "head": side(w, th.head, &th.branch, &head, t), "base": side(w, th.repo, w.repos[th.repo].branch, &th.sha(98), t),
    "_links": o! {"self": href(format!("{api}/pulls/{n}")), "html": href(web.clone()), "issue": href(format!("{api}/issues/{n}")),
        "comments": href(format!("{api}/issues/{n}/comments")), "review_comments": href(format!("{api}/pulls/{n}/comments")),
        "review_comment": href(format!("{api}/pulls/comments{{/number}}")), "commits": href(format!("{api}/pulls/{n}/commits")),
        "statuses": href(format!("{api}/statuses/{head}"))},
    "author_association": w.assoc(th.author, th.repo), "auto_merge": J::Null, "active_lock_reason": J::Null};
    if !full {
        return j;
    }
    let clean = closed && !merged;
    j.cat(o! {"merged": merged, "mergeable": clean.then_some(true), "rebaseable": clean.then_some(true),
        "mergeable_state": if clean { "clean" } else { "unknown" }, "merged_by": th.merged_by.filter(|_| merged).map(|m| user(w, m)),
        "comments": th.count(t, |s| u64::from(matches!(s, Step::Comment(..)))), "review_comments": th.count(t, |s| u64::from(matches!(s, Step::Note(..)))),
        "maintainer_can_modify": th.head != th.repo, "commits": th.count(t, |s| if let Step::Push(n) = s { *n } else { 0 }),
        "additions": th.size[0], "deletions": th.size[1], "changed_files": th.size[2]})
}
fn issue_obj(w: &World, th: &Thread, t: i64) -> J {
    let (api, n, closed) = (w.api(th.repo), th.num, t >= th.close);
    let web = format!(
        "{WEB}/{}/{}/{n}",
        w.full(th.repo),
        if th.pr { "pull" } else { "issues" }
    );
    let j = o! {"url": format!("{api}/issues/{n}"), "repository_url": &api, "labels_url": format!("{api}/issues/{n}/labels{{/name}}"),
    "comments_url": format!("{api}/issues/{n}/comments"), "events_url": format!("{api}/issues/{n}/events"), "html_url": &web,
    "id": th.iid, "node_id": if th.pr { node("PullRequest", th.id) } else { node("Issue", th.iid) }, "number": n, "title": &th.title,
    "user": user(w, th.author), "labels": labels(w, th), "state": if closed { "closed" } else { "open" }, "locked": false,
    "assignee": J::Null, "assignees": J::A(vec![]), "milestone": J::Null, "comments": th.count(t, |s| u64::from(matches!(s, Step::Comment(..)))),
    "created_at": ts(th.t0), "updated_at": ts(t), "closed_at": closed.then(|| ts(th.close)),
    "author_association": w.assoc(th.author, th.repo), "active_lock_reason": J::Null};
    let j = if th.pr {
        j.cat(o! {"pull_request": o! {"url": format!("{api}/pulls/{n}"), "html_url": &web, "diff_url": format!("{web}.diff"), "patch_url": format!("{web}.patch")}})
    } else {
        j
    };
    j.cat(o! {"body": &th.body, "performed_via_github_app": J::Null})
}

fn emit_thread(w: &World, th: &Thread, em: &mut Em) {
    let (api, n) = (w.api(th.repo), th.num);
    let web = format!(
        "{WEB}/{}/{}/{n}",
        w.full(th.repo),
        if th.pr { "pull" } else { "issues" }
    );
    for (i, (t, who, step)) in th.steps.iter().enumerate() {
        let (t, who) = (*t, *who);
        let assoc = w.assoc(who, th.repo);
        match step {
            Step::Ref(create, name, kind) => {
                let ri = if *kind == "tag" { th.repo } else { th.head };
                em.at(t, if *create { "CreateEvent" } else { "DeleteEvent" }, who, ri, || git_ref(w, ri, name, kind, *create));
            }
            Step::Push(c) => em.at(t, "PushEvent", who, th.head, || {
                let k = th.pushes(t);
                let before = if k == 1 { "0".repeat(40) } else { th.sha(k - 1) };
                let fixups = list(FIXUPS);
                let commits = (0..*c).map(|c2| {
                    let sha = if c2 + 1 == *c { th.sha(k) } else { hex40(h(&[th.id, k, c2])) };
                    let msg = if k == 1 && c2 == 0 { th.title.clone() } else { fixups[((k + c2) % 5) as usize].to_string() };
                    (sha, th.author, msg)
                });
                push(w, th.head, PUSH_ID + th.uid + i as u64, &format!("refs/heads/{}", th.branch), before, commits.collect())
            }),
            Step::Squash => em.at(t, "PushEvent", who, th.repo, || {
                let commit = (th.sha(99), th.author, format!("{} (#{n})", th.title));
                let base = w.repos[th.repo].branch;
                push(w, th.repo, PUSH_ID + th.uid + i as u64, &format!("refs/heads/{base}"), th.sha(98), vec![commit])
            }),
            Step::Open | Step::Close => {
                let action = if matches!(step, Step::Open) { "opened" } else { "closed" };
                if th.pr {
                    em.at(t, "PullRequestEvent", who, th.repo, || o! {"action": action, "number": n, "pull_request": pr_obj(w, th, t, true)});
                } else {
                    em.at(t, "IssuesEvent", who, th.repo, || o! {"action": action, "issue": issue_obj(w, th, t)});
                }
            }
            Step::Review(id, state, body) => em.at(t, "PullRequestReviewEvent", who, th.repo, || {
                let review = o! {"id": *id, "node_id": node("PullRequestReview", *id), "user": user(w, who),
                    "body": (!body.is_empty()).then_some(*body), "commit_id": th.sha(th.pushes(t)), "submitted_at": ts(t), "state": *state,
                    "html_url": format!("{web}#pullrequestreview-{id}"), "pull_request_url": format!("{api}/pulls/{n}"), "author_association": assoc,
                    "_links": o! {"html": href(format!("{web}#pullrequestreview-{id}")), "pull_request": href(format!("{api}/pulls/{n}"))}};
                o! {"action": "created", "review": review, "pull_request": pr_obj(w, th, t, false)}
            }),
            Step::Note(review, id, reply, path, body) => em.at(t, "PullRequestReviewCommentEvent", who, th.repo, || {
                let (path, sha) = (w.specs[w.repos[th.repo].spec.unwrap()].paths[*path], th.sha(th.pushes(t)));
                let (line, position) = (20 + reply.unwrap_or(*id) % 400, 4 + reply.unwrap_or(*id) % 3);
                let comment = o! {"url": format!("{api}/pulls/comments/{id}"), "pull_request_review_id": *review, "id": *id,
                    "node_id": node("PullRequestReviewComment", *id), "diff_hunk": hunk(path, line), "path": path, "position": position,
                    "original_position": position, "commit_id": &sha, "original_commit_id": &sha, "user": user(w, who), "body": *body,
                    "created_at": ts(t), "updated_at": ts(t), "html_url": format!("{web}#discussion_r{id}"), "pull_request_url": format!("{api}/pulls/{n}"),
                    "author_association": assoc, "_links": o! {"self": href(format!("{api}/pulls/comments/{id}")),
                        "html": href(format!("{web}#discussion_r{id}")), "pull_request": href(format!("{api}/pulls/{n}"))},
                    "start_line": J::Null, "original_start_line": J::Null, "start_side": J::Null, "line": line, "original_line": line, "side": "RIGHT"};
                let comment = match reply { Some(p) => comment.cat(o! {"in_reply_to_id": *p}), None => comment };
                o! {"action": "created", "comment": comment, "pull_request": pr_obj(w, th, t, false)}
            }),
            Step::Comment(id, body) => em.at(t, "IssueCommentEvent", who, th.repo, || {
                let comment = o! {"url": format!("{api}/issues/comments/{id}"), "html_url": format!("{web}#issuecomment-{id}"),
                    "issue_url": format!("{api}/issues/{n}"), "id": *id, "node_id": node("IssueComment", *id), "user": user(w, who),
                    "created_at": ts(t), "updated_at": ts(t), "author_association": assoc, "body": body, "performed_via_github_app": J::Null};
                o! {"action": "created", "issue": issue_obj(w, th, t), "comment": comment}
            }),
        }
    }
}

/// Events with no past or future: personal pushes, bot pushes, releases, stars, forks.
fn singles(w: &World, src: i64, em: &mut Em) {
    let mut g = Rng(h(&[src as u64, 2]));
    let (hour, msgs) = (src * 3600, list(COMMITS));
    let pid = |k: usize, j: u64| PUSH_ID + 1_000_000_000 + (rel(src) * 512 + k as u64) * 128 + j;
    for (a, acc) in w.acc.iter().enumerate() {
        let rate = match acc.kind {
            Kind::Push => 55,
            Kind::Contrib => 4,
            Kind::Maint | Kind::Drive => 2,
            _ => 0,
        };
        for j in 0..if acc.own.is_empty() {
            0
        } else {
            g.around(rate).min(127)
        } {
            let (t, ri, n) = (hour + g.secs(30, 3600), g.pick(&acc.own), 1 + g.below(4));
            let branch = if g.pct(15) {
                slug(g.pick(&msgs))
            } else {
                "main".to_string()
            };
            if branch != "main" && g.pct(30) {
                em.at(t - 30, "CreateEvent", a, ri, || {
                    git_ref(w, ri, &branch, "branch", true)
                });
            }
            let commits = (0..n)
                .map(|_| (hex40(g.below(u64::MAX)), a, g.pick(&msgs).to_string()))
                .collect();
            let before = hex40(g.below(u64::MAX));
            em.at(t, "PushEvent", a, ri, || {
                push(
                    w,
                    ri,
                    pid(a, j),
                    &format!("refs/heads/{branch}"),
                    before,
                    commits,
                )
            });
        }
    }
    let pt_people = [&w.team[0][0][..], &w.team[0][1][..]].concat();
    for j in 0..g.around(4) {
        let (t, n, pick) = (
            hour + g.secs(0, 3600),
            1 + g.below(5),
            Pick::new(&mut g, &w.specs[0], w.specs[0].base + rel(src) * 32),
        );
        let commits = (0..n)
            .map(|c| {
                (
                    hex40(g.below(u64::MAX)),
                    g.pick(&pt_people),
                    format!("{} (#{})", pick.fill(PR_TEXT[c as usize % 4].0), pick.n + c),
                )
            })
            .collect();
        let (before, branch) = (
            hex40(g.below(u64::MAX)),
            g.pick(&["viable/strict", "nightly"]),
        );
        em.at(t, "PushEvent", w.pytorchbot, 0, || {
            push(
                w,
                0,
                pid(450, j),
                &format!("refs/heads/{branch}"),
                before,
                commits,
            )
        });
    }
    let sites: Vec<usize> = w
        .acc
        .iter()
        .filter(|a| a.kind == Kind::Push)
        .flat_map(|a| a.own.clone())
        .chain([11])
        .collect();
    for j in 0..g.around(30) {
        let (t, ri, sha) = (
            hour + g.secs(0, 3600),
            g.pick(&sites),
            hex40(g.below(u64::MAX)),
        );
        let commits = vec![(sha.clone(), w.actions, format!("deploy: {}", &sha[..7]))];
        let before = hex40(g.below(u64::MAX));
        em.at(t, "PushEvent", w.actions, ri, || {
            push(w, ri, pid(451, j), "refs/heads/gh-pages", before, commits)
        });
    }
    let releases = (0..w.specs.len())
        .filter(|&ri| (src + ri as i64 * 5).rem_euclid(30) == 0)
        .map(|ri| (ri, w.team[ri][0][0], 1 + ri as u64 % 3));
    let personal = w
        .acc
        .iter()
        .enumerate()
        .filter(|(a, acc)| acc.kind == Kind::Push && (src + *a as i64).rem_euclid(10) == 0);
    for (k, (ri, who, major)) in releases
        .chain(personal.map(|(a, acc)| (acc.own[0], a, 0)))
        .enumerate()
    {
        let (t, c) = (hour + g.secs(60, 3600), rel(src) / 30);
        let (tag, id) = (
            format!("v{major}.{}.{}", c / 10 % 20, c % 10),
            oid(150_000_000, src, k as u64, 0),
        );
        let body = match w.repos[ri].spec {
            Some(s) => Pick::new(&mut g, &w.specs[s], 0).fill("## Highlights\n\n- {F}\n- [{t}] {o}\n\n## Bug fixes\n\n- Fixed {b} in {c} when {w}"),
            None => "Bug fixes and a new example notebook.".to_string(),
        };
        em.at(t - 30, "CreateEvent", who, ri, || {
            git_ref(w, ri, &tag, "tag", true)
        });
        em.at(t, "ReleaseEvent", who, ri, || {
            let (api, full, branch) = (w.api(ri), w.full(ri), w.repos[ri].branch);
            o! {"action": "published", "release": o! {"url": format!("{api}/releases/{id}"), "assets_url": format!("{api}/releases/{id}/assets"),
                "upload_url": format!("https://uploads.github.com/repos/{full}/releases/{id}/assets{{?name,label}}"),
                "html_url": format!("{WEB}/{full}/releases/tag/{tag}"), "id": id, "author": user(w, who), "node_id": node("Release", id),
                "tag_name": &tag, "target_commitish": branch, "name": &tag, "draft": false, "prerelease": false, "created_at": ts(t - 40),
                "published_at": ts(t), "assets": J::A(vec![]), "tarball_url": format!("{api}/tarball/{tag}"), "zipball_url": format!("{api}/zipball/{tag}"),
                "body": body, "short_description_html": J::Null, "is_short_description_html_truncated": false}}
        });
    }
    // Stars fall on a fixed hour of a per-person cycle, so nobody stars the same repo twice in a cycle.
    for (a, acc) in w.acc.iter().enumerate() {
        let (cycle, p) = match acc.kind {
            Kind::Star => (48, 100),
            Kind::Drive | Kind::Push => (240, 25),
            Kind::Contrib => (240, 12),
            Kind::Maint => (480, 4),
            _ => continue,
        };
        for (ri, _) in w
            .repos
            .iter()
            .enumerate()
            .filter(|(_, r)| !r.fork && r.owner != a)
        {
            let x = h(&[a as u64, ri as u64, 7]);
            if x % cycle == src.rem_euclid(cycle as i64) as u64 && (x >> 40) % 100 < p {
                em.at(
                    hour + ((x >> 20) % 3600) as i64,
                    "WatchEvent",
                    a,
                    ri,
                    || o! {"action": "started"},
                );
            }
        }
        for ri in (0..w.specs.len()).filter(|_| acc.kind == Kind::Star) {
            let x = h(&[a as u64, ri as u64, 8]);
            if x % 48 == src.rem_euclid(48) as u64 && (x >> 40) & 1 == 0 {
                let (t, fork) = (hour + ((x >> 20) % 3600) as i64, w.forks[&(a, ri)]);
                em.at(
                    t,
                    "ForkEvent",
                    a,
                    ri,
                    || o! {"forkee": repo_full(w, fork, t).cat(o! {"public": true})},
                );
            }
        }
    }
}

#[cfg(test)]
mod tests;
