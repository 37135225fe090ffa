//! The catalog: ML ecosystems → repositories (with their old names and review scrutiny).
//!
//! The shipped catalog (`catalog/default.toml`) is compiled in; a user file in the same
//! format adds ecosystems, or replaces one by reusing its `id`.
//!
//! The catalog also holds the ranking rules' numbers (its `[rank]` section, see
//! [`crate::rank`]): the weight of work depends on where it was done, so how much a merged PR
//! is worth belongs next to how hard each repository is to merge into, in the one file a
//! user already knows how to override.

use crate::rank::{RankError, Rules};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::Path;

const SHIPPED: &str = include_str!("../catalog/default.toml");

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CatalogRepo {
    pub name: String,
    #[serde(default = "one")]
    pub scrutiny: f64,
    #[serde(default)]
    pub old_names: Vec<String>,
    /// The role work here speaks for (`ml_infra` for a serving engine inside a library
    /// ecosystem), when it differs from the ecosystem's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// Named code areas: path prefixes (a `*` stands for one folder name, `{1}` in the name
    /// for what it matched), most specific first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub areas: Vec<AreaRule>,
}

/// `{ prefix = "torch/distributed/", name = "distributed training" }`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AreaRule {
    pub prefix: String,
    pub name: String,
}

fn one() -> f64 {
    1.0
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Ecosystem {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub topics: Vec<String>,
    /// The role work in these repositories speaks for (see [`crate::role`]): `ml_infra` for
    /// serving engines, compilers, kernels and distributed training; `researcher` for research
    /// code; by default `ml_engineer`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    pub repos: Vec<CatalogRepo>,
}

#[derive(Debug, Deserialize)]
struct File {
    #[serde(default)]
    ecosystem: Vec<Ecosystem>,
    #[serde(default)]
    areas: Vec<RepoAreas>,
    /// The rules' numbers; checked key by key in [`crate::rank`].
    #[serde(default)]
    rank: Option<toml::Table>,
    /// The words `builtby ask` reads ([`crate::ask::words`]).
    #[serde(default)]
    ask: Option<crate::ask::words::AskWords>,
}

/// A top-level `[[areas]]` table: area rules for one repository (catalogued or not), so long
/// lists need not fit on a repository entry's line. A later file's rules come first.
#[derive(Debug, Clone, Deserialize)]
struct RepoAreas {
    repo: String,
    rules: Vec<AreaRule>,
}

#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error("catalog {path}: cannot read: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("catalog {path}: {source}")]
    Parse {
        path: String,
        source: Box<toml::de::Error>,
    },
    /// A bad `[rank]` key or value. Not a `source`: the message already says it all, and
    /// printers that append the error chain would say it twice.
    #[error("catalog {path}: {error}")]
    Rank { path: String, error: RankError },
    #[error("catalog {path}: repository `{name}` in ecosystem `{ecosystem}` is not of the form owner/name")]
    BadRepo {
        path: String,
        ecosystem: String,
        name: String,
    },
    /// An `[ask]` phrase setting a parameter `search` does not take.
    #[error("catalog {path}: [ask]: {error}")]
    BadAsk { path: String, error: String },
    #[error("catalog {path}: ecosystem `{ecosystem}`: {error}")]
    BadRole {
        path: String,
        ecosystem: String,
        error: crate::role::UnknownRole,
    },
}

#[derive(Debug, Clone, Serialize)]
pub struct Catalog {
    pub ecosystems: Vec<Ecosystem>,
    /// lower-cased name or old name → (canonical name, scrutiny)
    #[serde(skip)]
    index: HashMap<String, (String, f64)>,
    /// lower-cased name or old name → the role work there speaks for, and whether the catalog
    /// says so (else it is the default, `ml_engineer`)
    #[serde(skip)]
    roles: HashMap<String, (crate::role::Role, bool)>,
    /// lower-cased canonical name → area rules
    #[serde(skip)]
    areas: HashMap<String, Vec<AreaRule>>,
    /// The ranking rules with the merged `[rank]` numbers.
    #[serde(skip)]
    rules: Rules,
    /// The words `builtby ask` reads: the shipped `[ask]` table, a user file's first.
    #[serde(skip)]
    pub ask: crate::ask::words::AskWords,
    /// What [`Catalog::digest`] computed, once.
    #[serde(skip)]
    digest: std::sync::OnceLock<String>,
    /// [`Catalog::digest`] hashed, once: every search for "everyone" checks the ranking's
    /// fingerprint, and hashing the whole catalog per request showed in the server's profile.
    #[serde(skip)]
    digest_hash: std::sync::OnceLock<u64>,
}

impl Catalog {
    /// The shipped catalog.
    pub fn shipped() -> Catalog {
        Self::from_parts(vec![("built-in catalog", SHIPPED)]).expect("the shipped catalog parses")
    }

    /// The shipped catalog extended by a user file.
    pub fn with_user_file(path: Option<&Path>) -> Result<Catalog, CatalogError> {
        match path {
            None => Ok(Self::shipped()),
            Some(p) => {
                let text = std::fs::read_to_string(p).map_err(|source| CatalogError::Read {
                    path: p.display().to_string(),
                    source,
                })?;
                Self::from_parts(vec![
                    ("built-in catalog", SHIPPED),
                    (&p.display().to_string(), &text),
                ])
            }
        }
    }

    fn from_parts(parts: Vec<(&str, &str)>) -> Result<Catalog, CatalogError> {
        let mut ecosystems: Vec<Ecosystem> = Vec::new();
        let mut extra_areas: Vec<RepoAreas> = Vec::new();
        let mut rank = crate::rank::RankTable::default();
        let mut ask = crate::ask::words::AskWords::default();
        let first_path = parts.first().map_or("", |p| p.0).to_string();
        for (path, text) in parts {
            let f: File = toml::from_str(text).map_err(|e| CatalogError::Parse {
                path: path.to_string(),
                source: Box::new(e),
            })?;
            if let Some(r) = f.rank {
                rank.merge(r).map_err(|error| CatalogError::Rank {
                    path: path.to_string(),
                    error,
                })?;
            }
            if let Some(words) = f.ask {
                if let Some(error) = words.check() {
                    return Err(CatalogError::BadAsk {
                        path: path.into(),
                        error,
                    });
                }
                ask.extend_front(words);
            }
            for a in f.areas {
                if !valid_repo_name(&a.repo) {
                    return Err(CatalogError::BadRepo {
                        path: path.into(),
                        ecosystem: "areas".into(),
                        name: a.repo,
                    });
                }
                extra_areas.insert(0, a);
            }
            for e in f.ecosystem {
                let bad_role = |error| CatalogError::BadRole {
                    path: path.into(),
                    ecosystem: e.id.clone(),
                    error,
                };
                if let Some(r) = &e.role {
                    r.parse::<crate::role::Role>().map_err(bad_role)?;
                }
                for r in e.repos.iter().filter_map(|r| r.role.as_ref()) {
                    r.parse::<crate::role::Role>().map_err(bad_role)?;
                }
                for r in &e.repos {
                    for n in std::iter::once(&r.name).chain(&r.old_names) {
                        if !valid_repo_name(n) {
                            return Err(CatalogError::BadRepo {
                                path: path.into(),
                                ecosystem: e.id.clone(),
                                name: n.clone(),
                            });
                        }
                    }
                }
                match ecosystems
                    .iter_mut()
                    .find(|x| x.id.eq_ignore_ascii_case(&e.id))
                {
                    Some(existing) => *existing = e,
                    None => ecosystems.push(e),
                }
            }
        }
        let mut index = HashMap::new();
        let mut roles = HashMap::new();
        for e in &ecosystems {
            for r in &e.repos {
                // checked above
                let role = match r.role.as_ref().or(e.role.as_ref()) {
                    Some(x) => (x.parse().unwrap_or(crate::role::Role::MlEngineer), true),
                    None => (crate::role::Role::MlEngineer, false),
                };
                for n in std::iter::once(&r.name).chain(&r.old_names) {
                    index.insert(n.to_ascii_lowercase(), (r.name.clone(), r.scrutiny));
                    roles.insert(n.to_ascii_lowercase(), role);
                }
            }
        }
        let mut areas: HashMap<String, Vec<AreaRule>> = HashMap::new();
        for a in extra_areas {
            let name = index
                .get(&a.repo.to_ascii_lowercase())
                .map(|(c, _)| c.clone())
                .unwrap_or(a.repo);
            areas
                .entry(name.to_ascii_lowercase())
                .or_default()
                .extend(a.rules);
        }
        for r in ecosystems.iter().flat_map(|e| &e.repos) {
            if !r.areas.is_empty() {
                areas
                    .entry(r.name.to_ascii_lowercase())
                    .or_default()
                    .splice(0..0, r.areas.iter().cloned());
            }
        }
        // Only the shipped file can lack a value (a later file can add, never remove).
        let rules = rank.rules().map_err(|error| CatalogError::Rank {
            path: first_path,
            error,
        })?;
        Ok(Catalog {
            ecosystems,
            index,
            roles,
            areas,
            rules,
            ask,
            digest: std::sync::OnceLock::new(),
            digest_hash: std::sync::OnceLock::new(),
        })
    }

    pub fn ecosystem(&self, id: &str) -> Option<&Ecosystem> {
        self.ecosystems
            .iter()
            .find(|e| e.id.eq_ignore_ascii_case(id))
    }

    /// Every name (current and old) of the ecosystem's repositories.
    pub fn ecosystem_repo_names(&self, id: &str) -> Option<Vec<String>> {
        self.ecosystem(id).map(|e| {
            e.repos
                .iter()
                .flat_map(|r| std::iter::once(r.name.clone()).chain(r.old_names.clone()))
                .collect()
        })
    }

    /// A repository name and its other names from the catalog (itself only when unknown).
    pub fn all_names(&self, name: &str) -> Vec<String> {
        match self.index.get(&name.to_ascii_lowercase()) {
            Some((canonical, _)) => {
                let mut v = vec![canonical.clone()];
                for e in &self.ecosystems {
                    for r in e.repos.iter().filter(|r| &r.name == canonical) {
                        v.extend(r.old_names.iter().cloned());
                    }
                }
                v
            }
            None => vec![name.to_string()],
        }
    }

    /// Review scrutiny of a catalogued repository (any of its names).
    pub fn scrutiny(&self, name: &str) -> Option<f64> {
        self.index.get(&name.to_ascii_lowercase()).map(|(_, s)| *s)
    }

    /// The role work in a catalogued repository (any of its names) speaks for: its own, its
    /// ecosystem's (`true`: the catalog says so), else `ml_engineer` (`false`). `None` outside
    /// the catalog.
    pub fn repo_role(&self, name: &str) -> Option<(crate::role::Role, bool)> {
        self.roles.get(&name.to_ascii_lowercase()).copied()
    }

    /// The current name of a catalogued repository, if `name` is an old one.
    pub fn canonical(&self, name: &str) -> Option<&str> {
        self.index
            .get(&name.to_ascii_lowercase())
            .map(|(c, _)| c.as_str())
    }

    /// The area rules of a catalogued repository (any of its names); empty when it has none.
    pub fn area_rules(&self, name: &str) -> &[AreaRule] {
        let canonical = self.canonical(name).unwrap_or(name);
        self.areas
            .get(&canonical.to_ascii_lowercase())
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// Every repository with area rules: (lower-cased name, rules).
    pub fn repos_with_areas(&self) -> impl Iterator<Item = (&str, &[AreaRule])> {
        self.areas.iter().map(|(n, r)| (n.as_str(), r.as_slice()))
    }

    /// The ranking rules, with this catalog's `[rank]` weights.
    pub fn rules(&self) -> &Rules {
        &self.rules
    }

    /// The catalog's ecosystems, repositories and rules as one text: equal texts, equal
    /// rankings (what a stored ranking remembers it was built with). Computed once, on first
    /// use.
    pub fn digest(&self) -> &str {
        self.digest.get_or_init(|| {
            format!(
                "{}\n{:?}",
                serde_json::to_string(&self.ecosystems).unwrap_or_default(),
                self.rules
            )
        })
    }

    /// [`Catalog::digest`] as a 64-bit FNV-1a hash (the same in every process).
    pub fn digest_hash(&self) -> u64 {
        *self
            .digest_hash
            .get_or_init(|| crate::ranking::fnv(self.digest().as_bytes()))
    }

    pub fn repo_count(&self) -> usize {
        self.ecosystems.iter().map(|e| e.repos.len()).sum()
    }
}

pub fn valid_repo_name(n: &str) -> bool {
    let ok = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    };
    matches!(n.split_once('/'), Some((o, r)) if ok(o) && ok(r))
}

#[cfg(test)]
mod tests {
    use super::*;
    use builtby_model::Kind;

    #[test]
    fn shipped_catalog_is_big_enough_and_consistent() {
        let c = Catalog::shipped();
        assert!(
            c.ecosystems.len() >= 15,
            "{} ecosystems",
            c.ecosystems.len()
        );
        assert!(c.repo_count() >= 80, "{} repos", c.repo_count());
        for id in [
            "pytorch",
            "tensorflow",
            "jax",
            "huggingface",
            "langchain",
            "llamaindex",
            "scikit-learn",
            "vllm",
            "deepspeed",
            "ray",
            "keras",
            "onnx",
            "mlflow",
            "lightning",
            "triton",
        ] {
            assert!(c.ecosystem(id).is_some(), "missing ecosystem {id}");
        }
        assert_eq!(c.canonical("google/jax"), Some("jax-ml/jax"));
        assert!(c
            .all_names("jax-ml/jax")
            .contains(&"google/jax".to_string()));
        assert!(c.scrutiny("PyTorch/PyTorch").unwrap() >= 2.0);
        assert_eq!(c.all_names("me/tool"), vec!["me/tool".to_string()]);
    }

    #[test]
    fn user_files_extend_and_replace() {
        let dir = std::env::temp_dir().join(format!("builtby-catalog-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("mine.toml");
        std::fs::write(&p, "[[ecosystem]]\nid = \"mine\"\nname = \"Mine\"\nrepos = [{ name = \"me/tool\", scrutiny = 2.5 }]\n").unwrap();
        let c = Catalog::with_user_file(Some(&p)).unwrap();
        assert_eq!(c.scrutiny("me/tool"), Some(2.5));
        assert!(c.ecosystem("pytorch").is_some());
        std::fs::write(
            &p,
            "[[ecosystem]]\nid = \"x\"\nname = \"X\"\nrepos = [{ name = \"no-slash\" }]\n",
        )
        .unwrap();
        let e = Catalog::with_user_file(Some(&p)).unwrap_err().to_string();
        assert!(e.contains("no-slash") && e.contains("owner/name"), "{e}");
        std::fs::write(&p, "[[ecosystem]\n").unwrap();
        assert!(Catalog::with_user_file(Some(&p))
            .unwrap_err()
            .to_string()
            .contains("mine.toml"));
    }

    #[test]
    fn repositories_lean_to_roles() {
        use crate::Role;
        let c = Catalog::shipped();
        assert_eq!(
            c.repo_role("vllm-project/vllm"),
            Some((Role::MlInfra, true))
        );
        // a repository's own role wins over its ecosystem's, under any of its names
        assert_eq!(
            c.repo_role("HuggingFace/Accelerate"),
            Some((Role::MlInfra, true))
        );
        assert_eq!(c.repo_role("pytorch-labs/ao"), Some((Role::MlInfra, true)));
        assert_eq!(
            c.repo_role("huggingface/transformers"),
            Some((Role::MlEngineer, false))
        );
        assert_eq!(c.repo_role("me/tool"), None);
        let e = user_file(
            "bad-role.toml",
            "[[ecosystem]]\nid = \"x\"\nname = \"X\"\nrole = \"wizard\"\nrepos = [{ name = \"me/tool\" }]\n",
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("bad-role.toml") && e.contains("wizard") && e.contains("ml_infra"),
            "{e}"
        );
        let c = user_file(
            "roles.toml",
            "[[ecosystem]]\nid = \"x\"\nname = \"X\"\nrole = \"researcher\"\nrepos = [{ name = \"me/lab\" }, { name = \"me/serve\", role = \"ml_infra\" }]\n",
        )
        .unwrap();
        assert_eq!(c.repo_role("me/lab"), Some((Role::Researcher, true)));
        assert_eq!(c.repo_role("me/serve"), Some((Role::MlInfra, true)));
    }

    fn user_file(name: &str, text: &str) -> Result<Catalog, CatalogError> {
        let dir = std::env::temp_dir().join(format!("builtby-rank-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        Catalog::with_user_file(Some(&p))
    }

    fn weighted(c: &Catalog, rule: &str) -> Vec<(Kind, f64)> {
        match c.rules().get(rule) {
            Some(crate::rank::Rule::Weighted(w)) => w.weights.clone(),
            other => panic!("{rule}: {other:?}"),
        }
    }

    #[test]
    fn a_user_file_overrides_rank_weights_key_by_key() {
        let shipped = Catalog::shipped();
        assert_eq!(
            weighted(&shipped, "reviews"),
            vec![(Kind::Review, 4.0), (Kind::ReviewComment, 1.5)]
        );
        let c = user_file(
            "weights.toml",
            "[rank.reviews]\nreview = 6\n[rank.recency]\nwindow_days = 91\n",
        )
        .unwrap();
        assert_eq!(
            weighted(&c, "reviews"),
            vec![(Kind::Review, 6.0), (Kind::ReviewComment, 1.5)],
            "named keys replaced, others kept"
        );
        assert_eq!(
            weighted(&c, "merged_work"),
            weighted(&shipped, "merged_work")
        );
        let recency = c.rules().get("recency").unwrap().about();
        assert!(
            recency.contains("last 91 days (about 3 months)"),
            "{recency}"
        );
        assert!(
            c.ecosystem("pytorch").is_some(),
            "ecosystems are still there"
        );
    }

    #[test]
    fn unknown_or_bad_rank_keys_are_errors_that_name_them() {
        for (text, says) in [
            ("[rank.reviews]\nrevew = 4.0\n", "rank.reviews.revew"),
            ("[rank.popularity]\nstars = 1.0\n", "rank.popularity"),
            ("[rank]\nhalf_life = 6\n", "rank.half_life"),
            (
                "[rank.depth]\npoints_per_day = 1.0\n",
                "rank.depth.points_per_day",
            ),
            (
                "[rank.depth]\nkinds = [\"star\"]\n",
                "rank.depth.kinds`: unknown kind `star`",
            ),
            ("[rank.recency]\nwindow = 30\n", "rank.recency.window"),
            ("[rank.reviews]\nreview = -1.0\n", "rank.reviews.review"),
            (
                "[rank.recency]\nwindow_days = 30.5\n",
                "rank.recency.window_days",
            ),
            (
                "[rank.merged_work]\npr_merged = \"ten\"\n",
                "rank.merged_work.pr_merged",
            ),
        ] {
            let e = user_file("bad-rank.toml", text).unwrap_err().to_string();
            assert!(
                e.contains(says) && e.contains("bad-rank.toml"),
                "{text}: {e}"
            );
        }
    }
}
