//! The generated world: people (Zipf activity, ~5% bots, a quarter ML people, ~30% with a
//! profile location), repositories (the catalog's, weighted like real ML projects, and a long
//! tail of made-up ones) and who maintains what. Nothing per person is stored: every
//! attribute is a hash of the seed and the person's rank, so memory is a few vectors of
//! weights whatever `--people` is.

use super::rand::{base36, h, Perm, Rng, Weighted};
use super::text;
use builtby_search::Catalog;

/// Person ranks are activity ranks (0 is the busiest); ids and logins are scrambled.
pub type Person = u64;

/// Repositories with a generated git history (`ingest git`), when the catalog has them.
pub const GIT_REPOS: &[&str] = &["pytorch/pytorch", "huggingface/transformers", "jax-ml/jax"];

/// How much busier than its review bar says a catalog repository is: the few with the most
/// PRs a month (PyTorch, vLLM, Transformers) get more of the catalog's work.
fn busier(name: &str) -> f64 {
    match name {
        "pytorch/pytorch" => 3.0,
        "vllm-project/vllm" | "huggingface/transformers" => 2.0,
        _ => 1.0,
    }
}

/// A repository: a catalog one, a shared long-tail one (an organisation's), or one of a
/// person's own (`k` < 3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Repo {
    Catalog(u32),
    Shared(u32),
    Own(Person, u8),
}

pub struct CatRepo {
    pub name: String,
    pub paths: Vec<String>,
    pub maintainers: Vec<Person>,
    /// Index into [`GIT_REPOS`] when this repository gets a git history.
    pub git: Option<usize>,
}

pub struct World {
    pub seed: u64,
    pub people: u64,
    /// Activity per person: Zipf–Mandelbrot over ranks (s = 1, q = people / 5000 within
    /// 1..20: the top 1% of people draw 35–55% of the units, from 2,000 to 1,000,000 people;
    /// the busiest one under 1% at 100,000 people).
    pub activity: Weighted,
    pub catalog: Vec<CatRepo>,
    pub cat_weight: Weighted,
    /// The two busiest ML people work mostly on the first repository with a git history, the
    /// next two on the second…: the core contributors of the busiest projects are among the
    /// busiest people (and a small world still has merged PRs with paths there).
    homes: Vec<(Person, u32)>,
    /// The long tail's shared repositories (`people / 20` of them), Zipf-weighted.
    pub shared_weight: Weighted,
    ids: Perm,
}

impl World {
    pub fn new(seed: u64, people: u64, catalog: &Catalog) -> World {
        let q = (people as f64 / 5000.0).clamp(1.0, 20.0);
        let activity = Weighted::zipf(people, 1.0, q);
        let probe = World {
            seed,
            people,
            activity: Weighted::new([]),
            catalog: Vec::new(),
            cat_weight: Weighted::new([]),
            homes: Vec::new(),
            shared_weight: Weighted::new([]),
            ids: Perm::new(people, seed),
        };
        // Catalog maintainers are ML people, the busier more likely.
        let ml: Vec<Person> = (0..people).filter(|&p| probe.is_ml(p)).collect();
        let ml_activity = Weighted::new(ml.iter().map(|&p| 1.0 / (p as f64 + 1.0 + q)));
        let mut names = Vec::new();
        let mut weights = Vec::new();
        for e in &catalog.ecosystems {
            for (i, r) in e.repos.iter().enumerate() {
                names.push(r.name.clone());
                weights.push(r.scrutiny.powi(3) / (i as f64 + 1.0) * busier(&r.name));
            }
        }
        let catalog_repos = names
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let rules = catalog.area_rules(name);
                let scrutiny = catalog.scrutiny(name).unwrap_or(1.0);
                let n = 3 + (2.0 * scrutiny * scrutiny).round() as u64;
                let mut maintainers = Vec::new();
                if !ml.is_empty() {
                    for k in 0..n * 2 {
                        let m = ml[ml_activity.sample(&mut Rng::new(seed, &[11, i as u64, k]))];
                        if !maintainers.contains(&m) && (maintainers.len() as u64) < n {
                            maintainers.push(m);
                        }
                    }
                }
                CatRepo {
                    name: name.clone(),
                    paths: text::catalog_paths(rules),
                    maintainers,
                    git: GIT_REPOS.iter().position(|g| g == name),
                }
            })
            .collect();
        let git_repos: Vec<u32> = GIT_REPOS
            .iter()
            .filter_map(|g| names.iter().position(|n| n == g))
            .map(|i| i as u32)
            .collect();
        let homes = ml
            .iter()
            .take(git_repos.len() * 2)
            .enumerate()
            .map(|(k, &p)| (p, git_repos[k / 2]))
            .collect();
        let shared = (people / 20).clamp(20, u32::MAX as u64);
        World {
            activity,
            catalog: catalog_repos,
            cat_weight: Weighted::new(weights),
            homes,
            shared_weight: Weighted::zipf(shared, 1.0, 2.0),
            ..probe
        }
    }

    fn hash(&self, parts: &[u64]) -> u64 {
        h(self.seed, parts)
    }

    pub fn is_bot(&self, p: Person) -> bool {
        self.hash(&[1, p]) % 100 < 5
    }
    pub fn is_ml(&self, p: Person) -> bool {
        !self.is_bot(p) && self.hash(&[2, p]) % 100 < 25
    }
    /// The profile location of about 30% of the people (no bots).
    pub fn location(&self, p: Person) -> Option<&'static str> {
        if self.is_bot(p) || self.hash(&[3, p]) % 100 >= 30 {
            return None;
        }
        let total: u32 = text::LOCATIONS.iter().map(|l| l.1).sum();
        let mut x = (self.hash(&[4, p]) % total as u64) as u32;
        for (name, w) in text::LOCATIONS {
            if x < *w {
                return Some(name);
            }
            x -= w;
        }
        None
    }
    pub fn github_id(&self, p: Person) -> u64 {
        900_000_000 + self.ids.at(p)
    }
    pub fn login(&self, p: Person) -> String {
        let suffix = base36(self.ids.at(p));
        let x = self.hash(&[5, p]);
        if self.is_bot(p) {
            let name = text::BOT_NAMES[(x % text::BOT_NAMES.len() as u64) as usize];
            format!("{name}-{suffix}[bot]")
        } else {
            let first = text::FIRST[(x % text::FIRST.len() as u64) as usize].to_lowercase();
            let topic = text::TOPICS[((x >> 20) % text::TOPICS.len() as u64) as usize];
            format!("{first}-{topic}-{suffix}")
        }
    }
    /// A display name, "First Last".
    pub fn name(&self, p: Person) -> String {
        let x = self.hash(&[5, p]);
        let first = text::FIRST[(x % text::FIRST.len() as u64) as usize];
        let last = text::LAST[((x >> 30) % text::LAST.len() as u64) as usize];
        format!("{first} {last}")
    }
    /// The e-mail of this person's git commits: GitHub's noreply address for 60% (proof of
    /// the account), another address for the rest.
    pub fn git_email(&self, p: Person) -> String {
        if self.hash(&[6, p]) % 100 < 60 {
            format!(
                "{}+{}@users.noreply.github.com",
                self.github_id(p),
                self.login(p)
            )
        } else {
            format!("{}@example.com", self.login(p).to_lowercase())
        }
    }
    /// The catalog repository an ML person mostly works on.
    pub fn home(&self, p: Person) -> u32 {
        if let Some(&(_, i)) = self.homes.iter().find(|h| h.0 == p) {
            return i;
        }
        self.cat_weight.sample(&mut Rng::new(self.seed, &[7, p])) as u32
    }
    pub fn own_repos(&self, p: Person) -> u8 {
        1 + (self.hash(&[8, p]) % 3) as u8
    }

    pub fn repo_name(&self, r: Repo) -> String {
        match r {
            Repo::Catalog(i) => self.catalog[i as usize].name.clone(),
            Repo::Shared(j) => {
                let n = text::ORGS.len() as u32;
                let org = text::ORGS[(j % n) as usize];
                let proj = text::PROJECTS
                    [(self.hash(&[9, j as u64]) % text::PROJECTS.len() as u64) as usize];
                if j < n {
                    format!("{org}/{proj}")
                } else {
                    format!("{org}-{}/{proj}", j / n)
                }
            }
            Repo::Own(p, k) => {
                let base = self.hash(&[10, p]) as usize;
                let proj = text::PROJECTS[(base + k as usize) % text::PROJECTS.len()];
                format!("{}/{proj}", self.login(p))
            }
        }
    }
    /// Unique per repository name (a reused id would read as a rename).
    pub fn repo_id(&self, r: Repo) -> u64 {
        match r {
            Repo::Catalog(i) => 3_000_000_000 + i as u64,
            Repo::Shared(j) => 3_100_000_000 + j as u64,
            Repo::Own(p, k) => 4_000_000_000 + self.ids.at(p) * 4 + k as u64,
        }
    }
    pub fn owner(&self, r: Repo) -> Option<Person> {
        match r {
            Repo::Own(p, _) => Some(p),
            _ => None,
        }
    }
    /// Who reviews and merges there.
    pub fn maintainers(&self, r: Repo) -> Vec<Person> {
        match r {
            Repo::Catalog(i) => self.catalog[i as usize].maintainers.clone(),
            Repo::Shared(j) => {
                let n = 1 + self.hash(&[12, j as u64]) % 3;
                let mut out = Vec::new();
                for k in 0..n {
                    let m = self
                        .activity
                        .sample(&mut Rng::new(self.seed, &[13, j as u64, k]))
                        as Person;
                    if !out.contains(&m) && !self.is_bot(m) {
                        out.push(m);
                    }
                }
                out
            }
            Repo::Own(p, _) => vec![p],
        }
    }
    /// Work there is about ML (catalog repositories, ML people's own repositories).
    pub fn is_ml_repo(&self, r: Repo) -> bool {
        match r {
            Repo::Catalog(_) => true,
            Repo::Shared(j) => self.hash(&[14, j as u64]) % 100 < 15,
            Repo::Own(p, _) => self.is_ml(p),
        }
    }
    /// A file in the repository.
    pub fn path(&self, r: Repo, rng: &mut Rng) -> String {
        if let Repo::Catalog(i) = r {
            let paths = &self.catalog[i as usize].paths;
            if !paths.is_empty() {
                return rng.pick(paths).clone();
            }
        }
        let name = self.repo_name(r);
        let pkg = name
            .rsplit('/')
            .next()
            .unwrap_or("app")
            .replace(['-', '.'], "_")
            .to_lowercase();
        text::plain_path(rng, &pkg)
    }
}
