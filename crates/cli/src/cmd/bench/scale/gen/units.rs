//! Units of work: a PR's life (opened, reviewed with inline comments, discussed, merged or
//! closed), an issue's (opened, discussed, maybe closed), a push; and stars and forks that
//! count for nothing. A unit starts in one hour and its later events land in later hours.
//!
//! The mix is set so the generated kinds match what `builtby stats` measures on the shared
//! 2021 hours (pushes ~76% of contributions, issue comments ~6%, opened PRs ~4.5%, merged ~3%,
//! reviews ~3%, issues ~2%, review comments ~1.5%, closed unmerged ~1.5%), with catalog
//! repositories heavier in PRs and reviews than the long tail, and ~15% of contributions in
//! catalog repositories.

use super::json::{self, Issue, Pr, PrAt};
use super::rand::{sha, Rng};
use super::text;
use super::world::{Person, Repo, World};
use std::fmt::Write as _;

/// One line of an hourly file: its time and a key that orders ties.
pub struct Ev {
    pub t: i64,
    pub key: u64,
    pub line: String,
}

/// A merged PR in a repository with a generated git history.
pub struct MergedPr {
    pub git: usize,
    pub t: i64,
    pub number: u64,
    pub title: String,
    pub author: Person,
    pub merger: Person,
    pub paths: Vec<String>,
}

const PR_ID: u64 = 1_000_000_000;
const ISSUE_ID: u64 = 2_000_000_000;
const EVENT_ID: u64 = 30_000_000_000;
const OBJECT_ID: u64 = 5_000_000_000;
const PUSH_ID: u64 = 20_000_000_000;
/// Event ids of stars and forks: `NOISE_ID + uid`.
pub const NOISE_ID: u64 = 90_000_000_000;

/// The events of units, cut at a budget of contributions (a cut unit is a PR or issue still
/// open at the end of the span, or cut short).
pub struct Units<'a> {
    pub w: &'a World,
    pub end: i64,
    pub evs: Vec<Ev>,
    pub merged: Vec<MergedPr>,
    pub contributions: u64,
    // per unit
    uid: u64,
    step: u64,
    last_t: i64,
    budget: u64,
}

impl<'a> Units<'a> {
    pub fn new(w: &'a World, end: i64) -> Units<'a> {
        Units {
            w,
            end,
            evs: Vec::new(),
            merged: Vec::new(),
            contributions: 0,
            uid: 0,
            step: 0,
            last_t: 0,
            budget: 0,
        }
    }

    /// One unit initiated by `p` at `t0`, with at most `budget` (≥ 1) contributions; returns
    /// how many it made (at least 1). A `debut` unit's first contribution is `p`'s own (a
    /// catalog push is otherwise a maintainer's).
    pub fn unit(
        &mut self,
        uid: u64,
        p: Person,
        t0: i64,
        budget: u64,
        debut: bool,
        r: &mut Rng,
    ) -> u64 {
        let before = self.contributions;
        (self.uid, self.step, self.last_t, self.budget) = (uid, 0, t0, budget);
        let w = self.w;
        if w.is_bot(p) {
            let repo = Repo::Shared(w.shared_weight.sample(r) as u32);
            if r.pct(25) {
                self.pr(p, repo, t0, r);
            } else {
                self.push(p, repo, t0, r);
            }
        } else if w.is_ml(p) && r.pct(32) && !w.catalog.is_empty() {
            let i = if r.pct(70) {
                w.home(p)
            } else {
                w.cat_weight.sample(r) as u32
            };
            let repo = Repo::Catalog(i);
            match r.below(100) {
                0..35 => self.pr(p, repo, t0, r),
                35..60 => self.issue(p, repo, t0, r),
                _ => {
                    let maint = w.maintainers(repo);
                    let who = if debut || maint.contains(&p) || maint.is_empty() {
                        p
                    } else {
                        *r.pick(&maint)
                    };
                    self.push(who, repo, t0, r);
                }
            }
        } else {
            let repo = if r.pct(55) {
                Repo::Own(p, r.below(w.own_repos(p) as u64) as u8)
            } else {
                Repo::Shared(w.shared_weight.sample(r) as u32)
            };
            match r.below(1000) {
                0..30 => self.pr(p, repo, t0, r),
                30..40 => self.issue(p, repo, t0, r),
                _ => self.push(p, repo, t0, r),
            }
        }
        self.contributions - before
    }

    /// Emits one event unless the unit's budget is spent (a contribution) or it was cut.
    fn emit(
        &mut self,
        t: i64,
        contributes: bool,
        ty: &str,
        actor: Person,
        repo: Repo,
        payload: impl FnOnce(&mut String),
    ) -> bool {
        if self.budget == 0 {
            return false;
        }
        if contributes {
            self.budget -= 1;
            self.contributions += 1;
        }
        let t = t.clamp(self.last_t, self.end - 1);
        self.last_t = t;
        let id = EVENT_ID + self.uid * 64 + self.step;
        self.step += 1;
        let mut line = String::with_capacity(2048);
        json::envelope_start(&mut line, id, ty, self.w, actor, repo);
        payload(&mut line);
        json::envelope_end(&mut line, t);
        self.evs.push(Ev { t, key: id, line });
        true
    }

    fn object_id(&self) -> u64 {
        OBJECT_ID + self.uid * 64 + self.step
    }

    fn push(&mut self, p: Person, repo: Repo, t: i64, r: &mut Rng) {
        let w = self.w;
        let size = match r.below(100) {
            0..60 => 1,
            60..85 => 2 + r.below(2),
            85..97 => 4 + r.below(7),
            _ => 11 + r.below(30),
        };
        let ml = w.is_ml_repo(repo);
        let (name, pid, uid) = (w.repo_name(repo), PUSH_ID + self.uid * 64, self.uid);
        let author = w.name(p);
        let messages: Vec<String> = (0..size.min(20))
            .map(|_| text::commit_message(r, ml))
            .collect();
        self.emit(t, true, "PushEvent", p, repo, |o| {
            let head = sha(uid ^ 0x5eed ^ size);
            let _ = write!(
                o,
                "{{\"repository_id\":{},\"push_id\":{pid},\"size\":{size},\"distinct_size\":{size},\"ref\":\"refs/heads/main\",\"head\":\"{head}\",\"before\":\"{}\",\"commits\":[",
                w.repo_id(repo),
                sha(uid ^ 0xbef0)
            );
            for (k, m) in messages.iter().enumerate() {
                let c = if k + 1 == messages.len() {
                    head.clone()
                } else {
                    sha(uid ^ ((k as u64) << 8))
                };
                if k > 0 {
                    o.push(',');
                }
                let _ = write!(
                    o,
                    "{{\"sha\":\"{c}\",\"author\":{{\"email\":\"{:016x}@example.com\",\"name\":",
                    super::rand::mix(p ^ 0xe)
                );
                json::esc(o, &author);
                o.push_str("},\"message\":");
                json::esc(o, m);
                let _ = write!(
                    o,
                    ",\"distinct\":true,\"url\":\"https://api.github.com/repos/{name}/commits/{c}\"}}"
                );
            }
            o.push_str("]}");
        });
    }

    fn pr(&mut self, a: Person, repo: Repo, t0: i64, r: &mut Rng) {
        let w = self.w;
        let maint: Vec<Person> = w
            .maintainers(repo)
            .into_iter()
            .filter(|&m| m != a)
            .collect();
        let path0 = w.path(repo, r);
        let (title, body, branch) = if w.is_bot(a) {
            let v = r.below(30);
            let dep = r.pick(&["numpy", "requests", "urllib3", "pydantic", "protobuf"]);
            (
                format!("Bump {dep} from 1.{v}.0 to 1.{v}.1"),
                format!("Bumps {dep} from 1.{v}.0 to 1.{v}.1."),
                format!("deps/{dep}-1.{v}.1"),
            )
        } else {
            let (t, b) = text::title_body(r, w.is_ml_repo(repo), false, &path0);
            let branch = format!("{}-{}", slug(&t), self.uid % 1000);
            (t, b, branch)
        };
        let pr = Pr {
            repo,
            number: 1 + self.uid,
            id: PR_ID + self.uid,
            author: a,
            title,
            body,
            branch,
            t0,
            size: [1 + r.below(400), r.below(150), 1 + r.below(8)],
            commits: 1 + r.below(5),
        };
        let n = pr.number;
        let (mut comments, mut review_comments) = (0u64, 0u64);
        let opened = PrAt {
            t: t0,
            closed: None,
            comments: 0,
            review_comments: 0,
            full: true,
        };
        self.emit(t0, true, "PullRequestEvent", a, repo, |o| {
            let _ = write!(
                o,
                "{{\"action\":\"opened\",\"number\":{n},\"pull_request\":"
            );
            json::pr_obj(o, w, &pr, &opened);
            o.push('}');
        });
        let merged = r.pct(67);
        let rounds = if maint.is_empty() {
            0
        } else {
            match r.below(100) {
                0..40 => 0,
                40..80 => 1,
                _ => 2,
            }
        };
        let mut t = t0;
        let mut paths = vec![path0];
        let mut last_reviewer = None;
        for round in 0..rounds {
            t += r.delay(600, 2 * 86_400);
            let reviewer = *r.pick(&maint);
            last_reviewer = Some(reviewer);
            let last = round + 1 == rounds;
            let state = match (last, merged) {
                (true, true) => "approved",
                (true, false) => "commented",
                _ => *r.pick(&["changes_requested", "commented"]),
            };
            let body = *r.pick(text::REVIEW_BODIES);
            let rid = self.object_id();
            let at = PrAt {
                t,
                closed: None,
                comments,
                review_comments,
                full: false,
            };
            self.emit(t, true, "PullRequestReviewEvent", reviewer, repo, |o| {
                let name = w.repo_name(repo);
                let _ = write!(o, "{{\"action\":\"created\",\"review\":{{\"id\":{rid},\"user\":");
                json::user(o, w, reviewer);
                o.push_str(",\"body\":");
                if body.is_empty() {
                    o.push_str("null");
                } else {
                    json::esc(o, body);
                }
                let _ = write!(
                    o,
                    ",\"commit_id\":\"{}\",\"submitted_at\":\"{}\",\"state\":\"{state}\",\"html_url\":\"https://github.com/{name}/pull/{n}#pullrequestreview-{rid}\",\"pull_request_url\":\"https://api.github.com/repos/{name}/pulls/{n}\",\"author_association\":\"{}\"}},\"pull_request\":",
                    sha(pr.id ^ pr.commits),
                    crate::demo::sample::rng::ts(t),
                    json::association(w, reviewer, repo)
                );
                json::pr_obj(o, w, &pr, &at);
                o.push('}');
            });
            let notes = match r.below(10) {
                0..6 => 0,
                6..9 => 1,
                _ => 2,
            };
            for _ in 0..notes {
                t += r.delay(5, 120);
                let path = w.path(repo, r);
                let note = *r.pick(text::REVIEW_NOTES);
                let cid = self.object_id();
                review_comments += 1;
                let at = PrAt {
                    t,
                    closed: None,
                    comments,
                    review_comments,
                    full: false,
                };
                self.emit(
                    t,
                    true,
                    "PullRequestReviewCommentEvent",
                    reviewer,
                    repo,
                    |o| {
                        review_comment(o, w, &pr, rid, cid, reviewer, &path, note, t);
                        o.push_str(",\"pull_request\":");
                        json::pr_obj(o, w, &pr, &at);
                        o.push('}');
                    },
                );
                paths.push(path);
            }
            if !last && r.pct(50) {
                t += r.delay(600, 86_400);
                comments += 1;
                self.comment(&pr, a, t, comments, r);
            }
        }
        let crowd = match r.below(10) {
            0..7 => 0,
            7..9 => 1,
            _ => 2,
        };
        for _ in 0..crowd {
            t += r.delay(300, 86_400);
            comments += 1;
            let who = w.activity.sample(r) as Person;
            self.comment(&pr, who, t, comments, r);
        }
        t += r.delay(300, 3 * 86_400);
        let merger = if merged {
            Some(
                last_reviewer
                    .or_else(|| maint.first().copied())
                    .unwrap_or(a),
            )
        } else {
            None
        };
        let closer = merger.unwrap_or(if maint.is_empty() || r.pct(50) {
            a
        } else {
            maint[0]
        });
        let at = PrAt {
            t,
            closed: Some((t, merger)),
            comments,
            review_comments,
            full: true,
        };
        let closed = self.emit(t, true, "PullRequestEvent", closer, repo, |o| {
            let _ = write!(
                o,
                "{{\"action\":\"closed\",\"number\":{n},\"pull_request\":"
            );
            json::pr_obj(o, w, &pr, &at);
            o.push('}');
        });
        if let (true, Some(m), Repo::Catalog(i)) = (closed, merger, repo) {
            if let Some(g) = w.catalog[i as usize].git {
                for _ in 0..r.below(3) {
                    paths.push(w.path(repo, r));
                }
                paths.sort();
                paths.dedup();
                self.merged.push(MergedPr {
                    git: g,
                    t: self.last_t,
                    number: n,
                    title: pr.title.clone(),
                    author: a,
                    merger: m,
                    paths,
                });
            }
        }
    }

    /// An IssueCommentEvent on the PR `pr` by `who`.
    fn comment(&mut self, pr: &Pr, who: Person, t: i64, count: u64, r: &mut Rng) {
        let is = Issue {
            repo: pr.repo,
            number: pr.number,
            id: ISSUE_ID + self.uid,
            author: pr.author,
            title: pr.title.clone(),
            body: pr.body.clone(),
            t0: pr.t0,
            is_pr: true,
        };
        self.issue_comment(&is, who, t, count, None, r);
    }

    fn issue_comment(
        &mut self,
        is: &Issue,
        who: Person,
        t: i64,
        count: u64,
        closed: Option<i64>,
        r: &mut Rng,
    ) {
        let w = self.w;
        let body = *r.pick(text::COMMENTS);
        let cid = self.object_id();
        self.emit(t, true, "IssueCommentEvent", who, is.repo, |o| {
            o.push_str("{\"action\":\"created\",\"issue\":");
            json::issue_obj(o, w, is, t, closed, count);
            o.push_str(",\"comment\":");
            json::comment_obj(o, w, is, cid, who, body, t);
            o.push('}');
        });
    }

    fn issue(&mut self, a: Person, repo: Repo, t0: i64, r: &mut Rng) {
        let w = self.w;
        let path = w.path(repo, r);
        let (title, body) = text::title_body(r, w.is_ml_repo(repo), true, &path);
        let is = Issue {
            repo,
            number: 1 + self.uid,
            id: ISSUE_ID + self.uid,
            author: a,
            title,
            body,
            t0,
            is_pr: false,
        };
        self.emit(t0, true, "IssuesEvent", a, repo, |o| {
            o.push_str("{\"action\":\"opened\",\"issue\":");
            json::issue_obj(o, w, &is, t0, None, 0);
            o.push('}');
        });
        let maint = w.maintainers(repo);
        let n = match r.below(100) {
            0..25 => 0,
            25..55 => 1,
            55..75 => 2,
            75..90 => 3,
            _ => 4 + r.below(3),
        };
        let mut t = t0;
        for k in 0..n {
            t += r.delay(300, 2 * 86_400);
            let who = match k {
                0 if !maint.is_empty() => *r.pick(&maint),
                1 => a,
                _ => w.activity.sample(r) as Person,
            };
            self.issue_comment(&is, who, t, k + 1, None, r);
        }
        if r.pct(40) {
            t += r.delay(600, 5 * 86_400);
            let closer = maint.first().copied().unwrap_or(a);
            self.emit(t, false, "IssuesEvent", closer, repo, |o| {
                o.push_str("{\"action\":\"closed\",\"issue\":");
                json::issue_obj(o, w, &is, t, Some(t), n);
                o.push('}');
            });
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn review_comment(
    o: &mut String,
    w: &World,
    pr: &Pr,
    rid: u64,
    cid: u64,
    who: Person,
    path: &str,
    body: &str,
    t: i64,
) {
    let name = w.repo_name(pr.repo);
    let n = pr.number;
    let line = 10 + cid % 400;
    let _ = write!(
        o,
        "{{\"action\":\"created\",\"comment\":{{\"url\":\"https://api.github.com/repos/{name}/pulls/comments/{cid}\",\"pull_request_review_id\":{rid},\"id\":{cid},\"diff_hunk\":\"@@ -{line},6 +{line},7 @@ def forward(self, x):\",\"path\":"
    );
    json::esc(o, path);
    let _ = write!(
        o,
        ",\"position\":4,\"original_position\":4,\"commit_id\":\"{c}\",\"original_commit_id\":\"{c}\",\"user\":",
        c = sha(pr.id ^ pr.commits)
    );
    json::user(o, w, who);
    o.push_str(",\"body\":");
    json::esc(o, body);
    let _ = write!(
        o,
        ",\"created_at\":\"{ts}\",\"updated_at\":\"{ts}\",\"html_url\":\"https://github.com/{name}/pull/{n}#discussion_r{cid}\",\"pull_request_url\":\"https://api.github.com/repos/{name}/pulls/{n}\",\"author_association\":\"{}\",\"line\":{line},\"side\":\"RIGHT\"}}",
        json::association(w, who, pr.repo),
        ts = crate::demo::sample::rng::ts(t)
    );
}

/// A star (WatchEvent) or, one time in four, a fork: events that are never evidence.
pub fn noise(w: &World, id: u64, t: i64, r: &mut Rng) -> Ev {
    let p = w.activity.sample(r) as Person;
    let repo = if r.pct(30) && !w.catalog.is_empty() {
        Repo::Catalog(w.cat_weight.sample(r) as u32)
    } else {
        Repo::Shared(w.shared_weight.sample(r) as u32)
    };
    let mut line = String::with_capacity(1024);
    if r.pct(25) {
        json::envelope_start(&mut line, id, "ForkEvent", w, p, repo);
        let name = w.repo_name(repo);
        let short = name.rsplit('/').next().unwrap_or("");
        let login = w.login(p);
        let fid = 6_000_000_000 + id % 1_000_000_000;
        let _ = write!(
            line,
            "{{\"forkee\":{{\"id\":{fid},\"name\":\"{short}\",\"full_name\":\"{login}/{short}\",\"private\":false,\"owner\":"
        );
        json::user(&mut line, w, p);
        let _ = write!(
            line,
            ",\"html_url\":\"https://github.com/{login}/{short}\",\"description\":null,\"fork\":true,\"url\":\"https://api.github.com/repos/{login}/{short}\",\"created_at\":\"{ts}\",\"updated_at\":\"{ts}\",\"pushed_at\":\"{ts}\",\"stargazers_count\":0,\"watchers_count\":0,\"forks_count\":0,\"default_branch\":\"main\",\"public\":true}}}}",
            ts = crate::demo::sample::rng::ts(t)
        );
    } else {
        json::envelope_start(&mut line, id, "WatchEvent", w, p, repo);
        line.push_str("{\"action\":\"started\"}");
    }
    json::envelope_end(&mut line, t);
    Ev { t, key: id, line }
}

/// A branch name from a title.
fn slug(s: &str) -> String {
    let words: Vec<String> = s
        .to_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|x| !x.is_empty())
        .take(4)
        .map(String::from)
        .collect();
    words.join("-")
}
