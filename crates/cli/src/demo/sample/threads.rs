//! Threads: the life of each PR and issue across the hours (opened, reviewed, answered,
//! merged or closed), so the same PR is consistent in every event that mentions it.

use super::*;

// ---------------------------------------------------------------- threads: PRs and issues

pub(super) enum Step {
    /// Create (true) or delete a branch or tag.
    Ref(bool, String, &'static str),
    Push(u64),
    Open,
    Close,
    Review(u64, &'static str, &'static str),
    /// Review comment: review id, comment id, reply-to, index into the repo's paths, body.
    Note(u64, u64, Option<u64>, usize, &'static str),
    Comment(u64, String),
    /// The merger's push of the squashed commit to the base branch.
    Squash,
}
pub(super) struct Thread {
    pub(super) uid: u64,
    pub(super) repo: usize,
    pub(super) head: usize,
    pub(super) pr: bool,
    pub(super) num: u64,
    pub(super) id: u64,
    pub(super) iid: u64,
    pub(super) author: usize,
    pub(super) title: String,
    pub(super) body: String,
    pub(super) labels: Vec<&'static str>,
    pub(super) branch: String,
    pub(super) t0: i64,
    pub(super) close: i64,
    pub(super) merged_by: Option<usize>,
    pub(super) size: [u64; 3],
    pub(super) steps: Vec<(i64, usize, Step)>,
}
impl Thread {
    pub(super) fn new(src: i64, k: u64, repo: usize, author: usize, t0: i64) -> Thread {
        let uid = oid(0, src, k, 0);
        let (id, iid, close, head) = (PR_ID + uid, ISSUE_ID + uid, i64::MAX, repo);
        let (title, body, branch) = (String::new(), String::new(), String::new());
        let (pr, num, labels, merged_by, size, steps) = (true, 0, vec![], None, [0; 3], vec![]);
        Thread {
            uid,
            repo,
            head,
            pr,
            num,
            id,
            iid,
            author,
            title,
            body,
            labels,
            branch,
            t0,
            close,
            merged_by,
            size,
            steps,
        }
    }
    pub(super) fn add(&mut self, t: i64, who: usize, step: Step) {
        self.steps.push((t, who, step));
    }
    /// Ids of objects made by a step: unique because the step's index is part of them.
    pub(super) fn next_id(&self, base: u64) -> u64 {
        base + self.uid + self.steps.len() as u64
    }
    pub(super) fn review(
        &mut self,
        t: i64,
        who: usize,
        state: &'static str,
        body: &'static str,
    ) -> u64 {
        let id = self.next_id(REVIEW_ID);
        self.add(t, who, Step::Review(id, state, body));
        id
    }
    pub(super) fn note(
        &mut self,
        t: i64,
        who: usize,
        review: u64,
        reply: Option<u64>,
        path: usize,
        body: &'static str,
    ) -> u64 {
        let id = self.next_id(NOTE_ID);
        self.add(t, who, Step::Note(review, id, reply, path, body));
        id
    }
    pub(super) fn comment(&mut self, t: i64, who: usize, body: String) {
        let id = self.next_id(COMMENT_ID);
        self.add(t, who, Step::Comment(id, body));
    }
    pub(super) fn pushes(&self, t: i64) -> u64 {
        self.steps
            .iter()
            .filter(|s| s.0 <= t && matches!(s.2, Step::Push(_)))
            .count() as u64
    }
    pub(super) fn sha(&self, k: u64) -> String {
        hex40(h(&[self.id, k]))
    }
    pub(super) fn count(&self, t: i64, f: fn(&Step) -> u64) -> u64 {
        self.steps
            .iter()
            .filter(|s| s.0 <= t)
            .map(|s| f(&s.2))
            .sum()
    }
}
/// One draw of the words titles and bodies are made of: in a template `{c}` is the component,
/// `{C}` the same with a capital letter; likewise t(ag), b(ug), w(hen), f(eature), o(p), p(ath),
/// k (package), n (an earlier issue number), x (a percentage).
pub(super) struct Pick {
    pub(super) n: u64,
    pub(super) words: Vec<(char, String)>,
}
impl Pick {
    pub(super) fn new(g: &mut Rng, s: &Spec, num: u64) -> Pick {
        let lists = [
            ('t', &s.tags),
            ('c', &s.comps),
            ('b', &s.bugs),
            ('w', &s.conds),
            ('f', &s.feats),
            ('o', &s.ops),
            ('p', &s.paths),
        ];
        let mut words: Vec<(char, String)> = lists
            .iter()
            .map(|(k, l)| (*k, g.pick(l).to_string()))
            .collect();
        let n = num.saturating_sub(1 + g.below(900));
        words.extend([
            ('k', s.pkg.to_string()),
            ('n', n.to_string()),
            ('x', (5 + g.below(35)).to_string()),
        ]);
        Pick { n, words }
    }
    pub(super) fn fill(&self, template: &str) -> String {
        self.words.iter().fold(template.to_string(), |s, (k, v)| {
            // Identifiers such as `fp8` or `torch.compile` keep their case.
            let plain = v
                .split(' ')
                .next()
                .unwrap()
                .bytes()
                .all(|b| b.is_ascii_lowercase());
            let cap = if plain {
                v[..1].to_uppercase() + &v[1..]
            } else {
                v.clone()
            };
            s.replace(&format!("{{{k}}}"), v)
                .replace(&format!("{{{}}}", k.to_ascii_uppercase()), &cap)
        })
    }
}
pub(super) fn slug(s: &str) -> String {
    let words: Vec<String> = s
        .to_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|x| !x.is_empty())
        .take(5)
        .map(String::from)
        .collect();
    words.join("-")
}

/// Every thread that starts in hour `src`, with all its future steps.
pub(super) fn threads(w: &World, src: i64) -> Vec<Thread> {
    let mut g = Rng(h(&[src as u64, 1]));
    let mut out = vec![];
    for ri in 0..w.specs.len() {
        for j in 0..g.around(w.specs[ri].rate) {
            out.push(pr_thread(w, &mut g, src, ri, j));
        }
        for j in 24..24 + g.around(w.specs[ri].rate / 4 + 1) {
            out.push(issue_thread(w, &mut g, src, ri, j));
        }
    }
    let mut k = 384;
    for (owner, acc) in w
        .acc
        .iter()
        .enumerate()
        .filter(|(_, a)| a.kind == Kind::Push)
    {
        for &ri in &acc.own {
            k += 1;
            if (src + ri as i64).rem_euclid(6) == 0 && g.pct(50) {
                out.push(bump_thread(w, &mut g, src, ri, owner, k));
            }
        }
    }
    for k in 430..430 + g.around(14) {
        out.push(stale_thread(w, &mut g, src, k));
    }
    out
}

pub(super) fn pr_thread(w: &World, g: &mut Rng, src: i64, ri: usize, j: u64) -> Thread {
    let (sp, [maints, contribs, drives]) = (&w.specs[ri], &w.team[ri]);
    let roll = g.below(100);
    let author = match roll {
        0..5 => w.dependabot,
        5..9 if sp.code == "pt" => w.pytorchbot,
        5..24 => g.pick(maints),
        24..86 => g.pick(contribs),
        _ => g.pick(if drives.is_empty() { contribs } else { drives }),
    };
    let kind = w.acc[author].kind;
    let mut th = Thread::new(
        src,
        ri as u64 * 32 + j,
        ri,
        author,
        src * 3600 + g.secs(0, 3600),
    );
    th.num = sp.base + rel(src) * 32 + j;
    let pick = Pick::new(g, sp, th.num);
    let (v, lib) = (g.below(20), g.pick(&["vision", "audio", "xla"]));
    (th.title, th.body, th.branch) = if author == w.dependabot {
        let dep = g.pick(&list(DEPS));
        let body = format!(
            "Bumps {dep} from 3.{v}.0 to 3.{v}.1.\n\n---\n\nDependabot will resolve any conflicts with this PR as long as you don't alter it yourself."
        );
        (
            format!("Bump {dep} from 3.{v}.0 to 3.{v}.1 in /docs"),
            body,
            format!("dependabot/pip/docs/{dep}-3.{v}.1"),
        )
    } else if author == w.pytorchbot {
        let body = format!(
            "This PR is auto-generated nightly by [this action](https://github.com/pytorch/pytorch/blob/main/.github/workflows/nightly.yml).\nUpdate the pinned {lib} hash."
        );
        (
            format!("[{lib} hash update] update the pinned {lib} hash"),
            body,
            format!("update-{lib}-commit-hash/{}", &th.sha(50)[..10]),
        )
    } else {
        let (title, body) = g.pick(if kind == Kind::Drive {
            &DRIVE_TEXT[..]
        } else {
            &PR_TEXT[..]
        });
        let title = pick.fill(title);
        let branch = match kind {
            Kind::Maint => format!("{}/{}-{}", w.acc[author].login, slug(&title), th.num % 1000),
            Kind::Drive => format!("patch-{}", 1 + th.num % 97),
            _ => format!("{}-{}", slug(&title), th.num % 1000),
        };
        (title, pick.fill(body), branch)
    };
    if matches!(kind, Kind::Contrib | Kind::Drive) {
        th.head = w.forks[&(author, ri)];
    }
    th.size = if kind == Kind::Drive {
        [1 + g.below(6), g.below(4), 1]
    } else {
        [5 + g.below(400), g.below(200), 1 + g.below(12)]
    };
    if g.pct(60) && !sp.labels.is_empty() {
        th.labels.push(g.pick(&sp.labels));
    }
    let (t0, pt) = (th.t0, sp.code == "pt");
    th.add(
        t0 - g.secs(90, 900),
        author,
        Step::Ref(true, th.branch.clone(), "branch"),
    );
    th.add(t0 - g.secs(20, 80), author, Step::Push(1 + g.below(3)));
    th.add(t0, author, Step::Open);
    let tag = format!("ciflow/trunk/{}", th.num);
    if pt {
        th.add(
            t0 + g.secs(30, 600),
            w.pytorchbot,
            Step::Ref(true, tag.clone(), "tag"),
        );
    }
    if sp.code == "vllm" {
        th.comment(t0 + g.secs(5, 60), w.actions, VLLM_HI.into());
    }
    let mut pool: Vec<usize> = maints.iter().copied().filter(|&m| m != author).collect();
    if pool.is_empty() {
        pool = contribs.iter().copied().filter(|&c| c != author).collect();
    }
    let approver = g.pick(&pool);
    let merger = if w.acc[approver].kind == Kind::Maint {
        approver
    } else {
        author
    };
    let merged = g.pct(match kind {
        Kind::Drive => 50,
        Kind::Bot => 80,
        _ => 90,
    });
    let rounds = if matches!(kind, Kind::Drive | Kind::Bot) {
        1
    } else {
        1 + u64::from(g.pct(60))
    };
    let mut t = t0 + g.secs(600, 4 * 3600);
    for round in 1..=rounds {
        let last = round == rounds;
        let (state, bodies) = match (last, merged) {
            (false, _) => g.pick(&[("changes_requested", CHANGES), ("commented", COMMENTED)]),
            (true, true) => ("approved", APPROVED),
            (true, false) => ("commented", COMMENTED),
        };
        let review = th.review(t, approver, state, g.pick(&list(bodies)));
        let mut asked = vec![];
        for _ in 0..if last { g.below(2) } else { 1 + g.below(3) } {
            let path = g.below(sp.paths.len() as u64) as usize;
            asked.push((
                th.note(t, approver, review, None, path, g.pick(&list(NOTES))),
                path,
            ));
        }
        let peer = g.pick(contribs);
        if round == 1 && g.pct(30) && peer != author && peer != approver {
            let tp = t + g.secs(300, 3600);
            let r = th.review(tp, peer, "commented", "");
            th.note(
                tp,
                peer,
                r,
                None,
                g.below(sp.paths.len() as u64) as usize,
                g.pick(&list(NOTES)),
            );
        }
        if !last {
            let mut tr = t + g.secs(600, 7200);
            for (parent, path) in asked {
                if g.pct(60) {
                    let r = th.review(tr, author, "commented", "");
                    th.note(tr, author, r, Some(parent), path, g.pick(&list(REPLIES)));
                    tr += g.secs(20, 240);
                }
            }
            if g.pct(70) {
                th.comment(tr, author, g.pick(&list(ADDRESSED)).into());
            }
            if g.pct(90) {
                th.add(tr + g.secs(30, 300), author, Step::Push(1 + g.below(2)));
            }
            t = tr + g.secs(1200, 3 * 3600);
        }
    }
    let tc = t + g.secs(300, 5400);
    if merged {
        if pt {
            th.comment(tc - g.secs(60, 240), w.pytorchbot, MERGE_STARTED.into());
        }
        th.merged_by = Some(merger);
        th.add(tc, merger, Step::Close);
        th.add(tc, merger, Step::Squash);
        if kind != Kind::Bot {
            th.add(
                tc + g.secs(5, 600),
                author,
                Step::Ref(false, th.branch.clone(), "branch"),
            );
        }
    } else {
        let closer = if kind == Kind::Drive || g.pct(50) {
            merger
        } else {
            author
        };
        th.comment(tc - 20, closer, pick.fill(g.pick(&list(CLOSE_PR))));
        th.add(tc, closer, Step::Close);
    }
    th.close = tc;
    if pt {
        th.add(
            tc + g.secs(30, 300),
            w.pytorchbot,
            Step::Ref(false, tag, "tag"),
        );
    }
    th
}

pub(super) fn issue_thread(w: &World, g: &mut Rng, src: i64, ri: usize, j: u64) -> Thread {
    let (sp, [maints, contribs, drives]) = (&w.specs[ri], &w.team[ri]);
    let roll = g.below(100);
    let author = if roll < 60 && !drives.is_empty() {
        g.pick(drives)
    } else if roll < 88 {
        g.pick(contribs)
    } else {
        g.pick(maints)
    };
    let mut th = Thread::new(
        src,
        ri as u64 * 32 + j,
        ri,
        author,
        src * 3600 + g.secs(0, 3600),
    );
    th.pr = false;
    th.num = sp.base + rel(src) * 32 + j;
    let pick = Pick::new(g, sp, th.num);
    let (title, body) = g.pick(&ISSUE_TEXT);
    (th.title, th.body) = (pick.fill(title), pick.fill(body));
    if g.pct(30) && !sp.labels.is_empty() {
        th.labels.push(g.pick(&sp.labels));
    }
    let mut t = th.t0;
    th.add(t, author, Step::Open);
    let crowd = if drives.is_empty() { contribs } else { drives };
    for c in 0..g.below(5) {
        t += g.secs(300, 3 * 3600);
        let (who, text) = match c {
            0 => (g.pick(maints), TRIAGE),
            1 => (author, AUTHOR_REPLY),
            _ => (g.pick(crowd), ME_TOO),
        };
        th.comment(t, who, pick.fill(g.pick(&list(text))));
    }
    if g.pct(35) {
        let closer = g.pick(maints);
        t += g.secs(600, 3 * 3600);
        th.comment(t, closer, pick.fill(g.pick(&list(CLOSE_ISSUE))));
        th.close = t + 5;
        th.add(t + 5, closer, Step::Close);
    }
    th
}

/// Dependabot on a push-heavy person's repository; the owner merges most of them.
pub(super) fn bump_thread(
    w: &World,
    g: &mut Rng,
    src: i64,
    ri: usize,
    owner: usize,
    k: u64,
) -> Thread {
    let mut th = Thread::new(src, k, ri, w.dependabot, src * 3600 + g.secs(0, 3600));
    let (dep, v, t0) = (g.pick(&list(DEPS)), g.below(20), th.t0);
    th.num = 1 + rel(src) / 6;
    th.title = format!("Bump {dep} from 2.{v}.0 to 2.{v}.1");
    th.body = format!(
        "Bumps {dep} from 2.{v}.0 to 2.{v}.1.\n\n---\n\nDependabot will resolve any conflicts with this PR as long as you don't alter it yourself."
    );
    th.branch = format!("dependabot/pip/{dep}-2.{v}.1");
    th.size = [1, 1, 1];
    th.add(
        t0 - 4,
        w.dependabot,
        Step::Ref(true, th.branch.clone(), "branch"),
    );
    th.add(t0 - 2, w.dependabot, Step::Push(1));
    th.add(t0, w.dependabot, Step::Open);
    th.close = t0 + g.secs(600, 4 * 3600);
    if g.pct(80) {
        th.merged_by = Some(owner);
        th.add(th.close, owner, Step::Squash);
    }
    th.add(th.close, owner, Step::Close);
    th
}

/// `github-actions[bot]` marking an old issue stale; the issue is a function of its number.
pub(super) fn stale_thread(w: &World, g: &mut Rng, src: i64, k: u64) -> Thread {
    let ri = g.below(w.specs.len() as u64) as usize;
    let (sp, [_, contribs, drives]) = (&w.specs[ri], &w.team[ri]);
    let num = sp.base - 1 - g.below(sp.base / 2);
    let t = src * 3600 + g.secs(0, 3600);
    let mut old = Rng(h(&[ri as u64, num]));
    let author = old.pick(if drives.is_empty() { contribs } else { drives });
    let created = (t / 7_776_000 - 1) * 7_776_000 - old.secs(0, 2_592_000);
    let mut th = Thread::new(src, k, ri, author, created);
    let pick = Pick::new(&mut old, sp, num);
    let (title, body) = old.pick(&ISSUE_TEXT);
    (th.pr, th.num, th.iid, th.title, th.body) = (
        false,
        num,
        ISSUE_ID - 100_000_000 + ri as u64 * 1_000_000 + num % 1_000_000,
        pick.fill(title),
        pick.fill(body),
    );
    th.comment(t, w.actions, STALE.into());
    th
}
