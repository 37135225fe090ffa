//! The sample's world: the cast, their repositories, and the GitHub objects (users, repositories,
//! refs, pushes) built from them.

use super::*;

// ---------------------------------------------------------------- the world

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Maint,
    Contrib,
    Drive,
    Star,
    Push,
    Bot,
    Org,
}
pub(super) struct Acc {
    pub(super) id: u64,
    pub(super) login: String,
    pub(super) name: String,
    pub(super) kind: Kind,
    /// GitHub App id of a `[bot]` account (its avatar lives under `/in/`), else 0.
    pub(super) app: u64,
    pub(super) own: Vec<usize>,
}
pub(super) struct Repo {
    pub(super) id: u64,
    pub(super) name: String,
    pub(super) owner: usize,
    pub(super) spec: Option<usize>,
    pub(super) lang: &'static str,
    pub(super) license: &'static str,
    pub(super) branch: &'static str,
    pub(super) desc: &'static str,
    pub(super) fork: bool,
    /// 0 = created when first seen (a stargazer's fork).
    pub(super) created: i64,
}
pub(super) struct Spec {
    pub(super) code: &'static str,
    pub(super) base: u64,
    pub(super) rate: u64,
    pub(super) pkg: &'static str,
    pub(super) tags: Vec<&'static str>,
    pub(super) comps: Vec<&'static str>,
    pub(super) bugs: Vec<&'static str>,
    pub(super) conds: Vec<&'static str>,
    pub(super) feats: Vec<&'static str>,
    pub(super) ops: Vec<&'static str>,
    pub(super) paths: Vec<&'static str>,
    pub(super) labels: Vec<&'static str>,
}
/// Repositories `0..specs.len()` are the ML repositories, in `SPECS` order.
pub(super) struct World {
    pub(super) acc: Vec<Acc>,
    pub(super) repos: Vec<Repo>,
    pub(super) specs: Vec<Spec>,
    /// Per ML repository: maintainers, contributors, drive-by users.
    pub(super) team: Vec<[Vec<usize>; 3]>,
    pub(super) forks: HashMap<(usize, usize), usize>,
    pub(super) dependabot: usize,
    pub(super) actions: usize,
    pub(super) pytorchbot: usize,
}

impl World {
    pub(super) fn new() -> World {
        let mut w = World {
            acc: vec![],
            repos: vec![],
            specs: vec![],
            team: vec![],
            forks: HashMap::new(),
            dependabot: 0,
            actions: 0,
            pytorchbot: 0,
        };
        for (i, line) in SPECS.split('#').enumerate() {
            let f: Vec<&'static str> = line.split('|').collect();
            let (org, name) = f[1].split_once('/').unwrap();
            let owner = w
                .acc
                .iter()
                .position(|a| a.login == org)
                .unwrap_or_else(|| w.account(org, Kind::Org, 950_000_000 + i as u64 * 7_919, 0));
            let r = w.repo(name, owner, f[2], f[3], f[4], f[8], false);
            (w.repos[r].spec, w.repos[r].created) = (
                Some(i),
                1_440_000_000 + (h(&[r as u64]) % 120_000_000) as i64,
            );
            let labels = list(f[16]).into_iter().filter(|l| !l.is_empty()).collect();
            let (tags, comps, bugs, conds, feats, ops, paths) = (
                list(f[9]),
                list(f[10]),
                list(f[11]),
                list(f[12]),
                list(f[13]),
                list(f[14]),
                list(f[15]),
            );
            let (base, rate) = (f[5].parse().unwrap(), f[6].parse().unwrap());
            w.specs.push(Spec {
                code: f[0],
                base,
                rate,
                pkg: f[7],
                tags,
                comps,
                bugs,
                conds,
                feats,
                ops,
                paths,
                labels,
            });
            w.team.push(Default::default());
        }
        let personal: Vec<(&'static str, &'static str)> = PERSONAL
            .split(';')
            .map(|p| p.split_once('=').unwrap())
            .collect();
        let surnames = list(SURNAMES);
        for (i, line) in CAST.split(';').enumerate() {
            let f: Vec<&'static str> = line.split(':').collect();
            let kind = match f[1] {
                "M" => Kind::Maint,
                "C" => Kind::Contrib,
                "D" => Kind::Drive,
                "S" => Kind::Star,
                _ => Kind::Push,
            };
            let p = w.account(f[0], kind, 900_000_000 + i as u64 * 104_729, 0);
            let first = f[0].rsplit('-').next().unwrap();
            w.acc[p].name = format!(
                "{}{} {}",
                first[..1].to_uppercase(),
                &first[1..],
                surnames[i % surnames.len()]
            );
            for code in f[2].split(',').filter(|c| !c.is_empty()) {
                let ri = w.specs.iter().position(|s| s.code == code).unwrap();
                w.team[ri][kind as usize].push(p);
                if kind != Kind::Maint {
                    w.fork(p, ri);
                }
            }
            for k in 0..match kind {
                Kind::Push => 3,
                Kind::Star => 0,
                _ => 1,
            } {
                let (name, desc) = personal[(i * 5 + k * 3) % personal.len()];
                let lang = if name == "dotfiles" {
                    "Shell"
                } else {
                    ["Python", "Jupyter Notebook", "Python", "Cuda"][(i + k) % 4]
                };
                let r = w.repo(name, p, lang, "mit", "main", desc, false);
                w.acc[p].own.push(r);
            }
            for ri in (0..w.specs.len()).filter(|_| kind == Kind::Star) {
                let fork = w.fork(p, ri);
                w.repos[fork].created = 0; // forked in the sample, see singles()
            }
        }
        w.dependabot = w.account("dependabot[bot]", Kind::Bot, 49_699_333, 29_110);
        w.actions = w.account("github-actions[bot]", Kind::Bot, 41_898_282, 15_368);
        w.pytorchbot = w.account("pytorchbot", Kind::Bot, 900_000_000 + 99 * 104_729, 0);
        w
    }
    pub(super) fn account(&mut self, login: &str, kind: Kind, id: u64, app: u64) -> usize {
        let name = login.to_string();
        self.acc.push(Acc {
            id,
            login: login.into(),
            name,
            kind,
            app,
            own: vec![],
        });
        self.acc.len() - 1
    }
    #[allow(clippy::too_many_arguments)]
    pub(super) fn repo(
        &mut self,
        name: &str,
        owner: usize,
        lang: &'static str,
        license: &'static str,
        branch: &'static str,
        desc: &'static str,
        fork: bool,
    ) -> usize {
        let n = self.repos.len() as u64;
        let (id, created) = (
            2_900_000_000 + n * 7_919,
            1_580_000_000 + (h(&[n]) % 150_000_000) as i64,
        );
        self.repos.push(Repo {
            id,
            name: name.into(),
            owner,
            spec: None,
            lang,
            license,
            branch,
            desc,
            fork,
            created,
        });
        self.repos.len() - 1
    }
    pub(super) fn fork(&mut self, owner: usize, upstream: usize) -> usize {
        let u = &self.repos[upstream];
        let (name, lang, license, branch, desc) =
            (u.name.clone(), u.lang, u.license, u.branch, u.desc);
        let fork = self.repo(&name, owner, lang, license, branch, desc, true);
        self.forks.insert((owner, upstream), fork);
        fork
    }
    pub(super) fn full(&self, ri: usize) -> String {
        format!(
            "{}/{}",
            self.acc[self.repos[ri].owner].login, self.repos[ri].name
        )
    }
    pub(super) fn api(&self, ri: usize) -> String {
        format!("{API}/repos/{}", self.full(ri))
    }
    pub(super) fn ty(&self, a: usize) -> &'static str {
        match (self.acc[a].kind, self.acc[a].app) {
            (Kind::Org, _) => "Organization",
            (Kind::Bot, 1..) => "Bot",
            _ => "User",
        }
    }
    pub(super) fn assoc(&self, a: usize, ri: usize) -> &'static str {
        let in_team = |k: usize| {
            self.repos[ri]
                .spec
                .is_some_and(|s| self.team[s][k].contains(&a))
        };
        if self.repos[ri].owner == a {
            "OWNER"
        } else if in_team(0) {
            "MEMBER"
        } else if in_team(1) || self.acc[a].kind == Kind::Bot {
            "CONTRIBUTOR"
        } else {
            "NONE"
        }
    }
}

// ---------------------------------------------------------------- GitHub objects

pub(super) fn user(w: &World, a: usize) -> J {
    let acc = &w.acc[a];
    let url = format!(
        "{API}/users/{}",
        acc.login.replace('[', "%5B").replace(']', "%5D")
    );
    let (avatar, html) = match acc.app {
        0 => (
            format!("https://avatars.githubusercontent.com/u/{}?v=4", acc.id),
            format!("{WEB}/{}", acc.login),
        ),
        app => (
            format!("https://avatars.githubusercontent.com/in/{app}?v=4"),
            format!("{WEB}/apps/{}", acc.login.trim_end_matches("[bot]")),
        ),
    };
    o! {"login": &acc.login, "id": acc.id, "node_id": node(w.ty(a), acc.id), "avatar_url": avatar, "gravatar_id": "",
        "url": &url, "html_url": html}
    .cat(urls(&url, USER_URLS))
    .cat(o! {"type": w.ty(a), "site_admin": false})
}
pub(super) fn actor(w: &World, a: usize) -> J {
    let acc = &w.acc[a];
    o! {"id": acc.id, "login": &acc.login, "display_login": acc.login.trim_end_matches("[bot]"), "gravatar_id": "",
    "url": format!("{API}/users/{}", acc.login), "avatar_url": format!("https://avatars.githubusercontent.com/u/{}?", acc.id)}
}
pub(super) fn repo_full(w: &World, ri: usize, t: i64) -> J {
    let (r, full, api) = (&w.repos[ri], w.full(ri), w.api(ri));
    let x = h(&[r.id]);
    let (stars, forks, issues) = match r.spec {
        Some(s) => (
            w.specs[s].base / 2 + x % 9_000,
            w.specs[s].base / 8 + x % 900,
            800 + x % 4_000,
        ),
        None => (x % 40, x % 7, x % 5),
    };
    let created = if r.created == 0 { t } else { r.created };
    let (lic_name, spdx, lic_id) = match r.license {
        "mit" => ("MIT License", "MIT", 13),
        "apache-2.0" => ("Apache License 2.0", "Apache-2.0", 2),
        _ => (
            "BSD 3-Clause \"New\" or \"Revised\" License",
            "BSD-3-Clause",
            5,
        ),
    };
    o! {"id": r.id, "node_id": node("Repository", r.id), "name": &r.name, "full_name": &full, "private": false,
        "owner": user(w, r.owner), "html_url": format!("{WEB}/{full}"), "description": r.desc, "fork": r.fork, "url": &api}
    .cat(urls(&api, REPO_URLS))
    .cat(o! {"created_at": ts(created), "updated_at": ts(created.max(t - 3000)), "pushed_at": ts(created.max(t - 60)),
        "git_url": format!("git://github.com/{full}.git"), "clone_url": format!("{WEB}/{full}.git"), "svn_url": format!("{WEB}/{full}"),
        "homepage": J::Null, "size": 900 + x % 400_000, "stargazers_count": stars, "watchers_count": stars, "language": r.lang,
        "has_issues": !r.fork, "has_projects": true, "has_downloads": true, "has_wiki": false, "has_pages": false,
        "forks_count": forks, "mirror_url": J::Null, "archived": false, "disabled": false, "open_issues_count": issues,
        "license": o! {"key": r.license, "name": lic_name, "spdx_id": spdx, "url": format!("{API}/licenses/{}", r.license),
            "node_id": node("License", lic_id)},
        "forks": forks, "open_issues": issues, "watchers": stars, "default_branch": r.branch})
}
pub(super) fn side(w: &World, ri: usize, branch: &str, sha: &str, t: i64) -> J {
    let owner = w.repos[ri].owner;
    o! {"label": format!("{}:{branch}", w.acc[owner].login), "ref": branch, "sha": sha, "user": user(w, owner), "repo": repo_full(w, ri, t)}
}
pub(super) fn push(
    w: &World,
    ri: usize,
    push_id: u64,
    git_ref: &str,
    before: String,
    commits: Vec<(String, usize, String)>,
) -> J {
    let api = w.api(ri);
    let (n, head) = (commits.len() as u64, commits.last().map(|c| c.0.clone()));
    let email = |a: usize| format!("{}@example.com", hex40(h(&[w.acc[a].id, 0xe3a1])));
    let commits: Vec<J> = commits.into_iter().map(|(sha, a, message)| o! {"sha": &sha,
        "author": o! {"email": email(a), "name": &w.acc[a].name}, "message": message, "distinct": true, "url": format!("{api}/commits/{sha}")}).collect();
    o! {"repository_id": w.repos[ri].id, "push_id": push_id, "size": n, "distinct_size": n, "ref": git_ref, "head": head,
    "before": before, "commits": commits}
}
pub(super) fn git_ref(w: &World, ri: usize, name: &str, ref_type: &str, create: bool) -> J {
    let r = &w.repos[ri];
    let j = o! {"ref": name, "ref_type": ref_type};
    let extra = if create {
        o! {"master_branch": r.branch, "description": r.desc, "pusher_type": "user"}
    } else {
        o! {"pusher_type": "user"}
    };
    j.cat(extra)
}
pub(super) fn hunk(path: &str, line: u64) -> String {
    let (ctx, old, new) = if path.ends_with(".py") || path.ends_with(".rst") {
        (
            "def forward(self, inputs):\n         if inputs is None:\n             return None",
            "        out = self._run(inputs)",
            "        out = self._run(inputs, sync=False)",
        )
    } else {
        (
            "{\n   if (inputs.empty()) {\n     return {};",
            "  auto out = run(inputs);",
            "  auto out = run(inputs, /*sync=*/false);",
        )
    };
    format!("@@ -{a},5 +{a},5 @@ {ctx}\n-{old}\n+{new}", a = line - 3)
}
