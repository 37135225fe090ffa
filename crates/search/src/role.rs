//! A person's role, judged from the evidence of their work: a pure function from a summary of
//! their whole record ([`RoleFeatures`]) to guesses, best first, each with a confidence and the
//! reasons behind it.
//!
//! The roles are the four a recruiter of ML people asks for:
//! - `ml_engineer`: builds ML library and model code (models, layers, trainers, pipelines, ops,
//!   their tests), or publishes many trained models;
//! - `ml_infra`: makes ML run fast, at scale or in production: kernels and native code,
//!   compilers and runtimes, distributed training, serving and inference, quantisation,
//!   build, CI and deployment, and the repositories whose purpose that is (vLLM, DeepSpeed…);
//! - `researcher`: arXiv papers, research code, contributions that bring a paper's method;
//! - `data_scientist`: applies ML and shows how: notebooks, examples and tutorials, analysis,
//!   Kaggle tiers, medals and notebooks (and usage documentation: with the data builtby reads,
//!   a documentation writer cannot be told apart from someone who writes tutorials, so docs
//!   count here, weakly).
//!
//! The taxonomy is the one asked for. A finer one (MLOps apart from infrastructure, developer
//! relations apart from data science) was considered and left out: the labelled set
//! (`crates/ingest/tests/roles_labelled.tsv`) has too few such people to measure it.
//!
//! Only ML work is evidence ([`crate::role_features`] reads it): the catalog's repositories,
//! repositories read in depth (git histories, API crawls) and work off GitHub. Someone whose
//! work shows no role gets none, and `--role` leaves them out.
//!
//! Known blind spots, measured on the labelled set: a method's author who maintains it in a
//! library without citing the paper looks like an ML engineer (the files are library code), and
//! a Hub author's demo models look like anyone's models.
//!
//! Evidence is counted in *units*, one unit being about one changed file of a telling kind;
//! a role's share of all units is its strength, and the amount of evidence its certainty: a
//! role from three files is a guess, from three hundred a fact. `confidence = share ×
//! (1 − e^(−units / 12))`. Roles with a share of at least [`MIN_SHARE`] are listed.

use builtby_model::PathClass;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    MlEngineer,
    MlInfra,
    Researcher,
    DataScientist,
}

impl Role {
    pub const ALL: [Role; 4] = [
        Role::MlEngineer,
        Role::MlInfra,
        Role::Researcher,
        Role::DataScientist,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::MlEngineer => "ml_engineer",
            Role::MlInfra => "ml_infra",
            Role::Researcher => "researcher",
            Role::DataScientist => "data_scientist",
        }
    }

    /// How people read it: "ML infrastructure".
    pub fn label(self) -> &'static str {
        match self {
            Role::MlEngineer => "ML engineer",
            Role::MlInfra => "ML infrastructure",
            Role::Researcher => "researcher",
            Role::DataScientist => "data scientist",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An unknown role name; its message names the valid ones.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown role `{0}`; known: ml_engineer, ml_infra, researcher, data_scientist")]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;

    /// Any case; `-` and spaces for `_` (`ML-infra`, `data scientist`).
    fn from_str(s: &str) -> Result<Role, UnknownRole> {
        let norm = s.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == norm)
            .ok_or_else(|| UnknownRole(s.trim().to_string()))
    }
}

/// One role a person's work shows, with how sure the guess is (0 to 1) and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RoleGuess {
    pub role: Role,
    pub confidence: f64,
    /// Short reasons, strongest first: "63% of 1,204 changed files: kernels and native code
    /// 41%, distributed training 22%".
    pub reasons: Vec<String>,
}

/// What a role is judged from: cheap aggregates of one person's whole record (linked accounts
/// included), read for every candidate of a search.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RoleFeatures {
    /// Changed files by path class (paths from git histories and merged PRs).
    pub files: BTreeMap<PathClass, i64>,
    /// Work (weighted by kind, see [`lean_weight`]) in catalogued repositories, by the role
    /// the catalog says each repository leans to, with the repositories most worked in first.
    /// Repositories the catalog says nothing special about count [`DEFAULT_LEAN`] as much.
    pub repo_lean: BTreeMap<Role, (f64, Vec<String>)>,
    /// Commits and merged PRs: what `cites_papers` is a share of.
    pub code_work: i64,
    /// Of those, how many cite an arXiv paper in their title or message.
    pub cites_papers: i64,
    /// Commits, merged PRs and models: what `topics` are shares of.
    pub titled_work: i64,
    /// Of those, how many have a title about a role's subjects ([`TOPIC_WORDS`]): GPUs,
    /// kernels, CI… for `ml_infra`; notebooks, examples, docs… for `data_scientist`.
    pub topics: BTreeMap<Role, i64>,
    /// arXiv papers, and those in machine-learning categories.
    pub papers: i64,
    pub papers_ml: i64,
    /// Models on the Hugging Face Hub, and those of classic or tabular ML (scikit-learn,
    /// tabular pipelines): the work of applying ML to data more than of building models.
    pub models: i64,
    pub classic_models: i64,
    /// Kaggle: the best tier reached in any category (0 Novice … 4 Grandmaster), medals,
    /// public notebooks.
    pub kaggle_tier: Option<u8>,
    pub kaggle_medals: i64,
    pub kaggle_notebooks: i64,
}

/// Roles with a smaller share of the evidence are not listed.
pub const MIN_SHARE: f64 = 0.25;

/// Units of evidence below which no role is guessed at all.
pub const MIN_UNITS: f64 = 1.0;

/// Evidence units at which certainty reaches 1 − 1/e (63%).
const CERTAINTY_UNITS: f64 = 12.0;

/// How many units one changed file of a class gives, and to which role. Tests follow the code
/// they test, whatever it is: they say nothing of a role.
fn file_weight(c: PathClass) -> Option<(Role, f64)> {
    use PathClass::*;
    Some(match c {
        Kernels | Compiler | Distributed | Serving | Deploy => (Role::MlInfra, 1.0),
        Build => (Role::MlInfra, 0.5),
        Modeling => (Role::MlEngineer, 1.0),
        Code => (Role::MlEngineer, 0.6),
        Examples | Notebook | Analysis => (Role::DataScientist, 1.0),
        Docs => (Role::DataScientist, 0.3),
        Research => (Role::Researcher, 1.0),
        Tests | Other => return None,
    })
}

/// Words of titles (a commit's subject, a PR's title, a model's name) that say what the work
/// is about, for the roles whose work the paths alone do not show: enabling a device or fixing
/// CI touches tests and examples, a demo model is a model like any other.
pub const TOPIC_WORDS: &[(Role, &[&str])] = &[
    (
        Role::MlInfra,
        &[
            "xpu",
            "hpu",
            "npu",
            "tpu",
            "tpus",
            "mps",
            "cuda",
            "rocm",
            "gpu",
            "gpus",
            "device",
            "devices",
            "kernel",
            "kernels",
            "triton",
            "pallas",
            "mosaic",
            "fsdp",
            "deepspeed",
            "distributed",
            "sharding",
            "nccl",
            "compile",
            "compilation",
            "compiler",
            "xla",
            "jaxlib",
            "bazel",
            "ci",
            "docker",
            "dockerfile",
            "quantization",
            "fp8",
            "int8",
            "launcher",
            "serving",
            "inference",
            "offload",
            "offloading",
            "profiler",
            "wheel",
            "wheels",
            "benchmark",
            "benchmarks",
            "memory",
            "performance",
            "faster",
            "export",
            "serialization",
            "onnx",
            "tensorrt",
            "lint",
            "linter",
            "linters",
            "ruff",
            "mypy",
            "flake8",
            "mlflow",
            "wandb",
            "tracking",
        ],
    ),
    (
        Role::DataScientist,
        &[
            "notebook",
            "notebooks",
            "colab",
            "example",
            "examples",
            "tutorial",
            "tutorials",
            "demo",
            "demos",
            "guide",
            "guides",
            "cookbook",
            "readme",
            "docs",
            "doc",
            "documentation",
        ],
    ),
];

/// Work in a catalogued repository the catalog says nothing special about counts this much
/// (it is ML library work, most likely, but the paths tell better).
pub const DEFAULT_LEAN: f64 = 0.3;

/// How much one contribution of a kind counts towards its repository's lean: the work itself
/// fully, the conversation around it a little.
pub fn lean_weight(kind: builtby_model::Kind) -> f64 {
    use builtby_model::Kind::*;
    match kind {
        PrMerged | PrOpened | Commit | CoAuthored | Review | Release => 1.0,
        CommitReview | ReviewComment | IssueOpened | IssueComment | PrClosedUnmerged => 0.3,
        MemberAdded | Push => 0.2,
        // counted with its PR (a revised PR too); work off GitHub has its own evidence
        PrCommit | PrRevised | Model | Paper | KaggleTier | KaggleMedal | Notebook => 0.0,
    }
}

/// Units per contribution in a repository leaning to a role.
const LEAN_UNITS: f64 = 1.0;
const PAPER_UNITS: f64 = 10.0;
const MODEL_UNITS: f64 = 1.0;
const KAGGLE_TIER_UNITS: [f64; 5] = [0.0, 2.0, 10.0, 20.0, 30.0];
const KAGGLE_MEDAL_UNITS: f64 = 4.0;
const KAGGLE_NOTEBOOK_UNITS: f64 = 2.0;
/// Work that cites papers counts for research as this multiple of its share of the code work
/// times all other units: half of one's commits citing papers outweighs the files they touched.
const CITES_FACTOR: f64 = 2.0;
/// The same for titles about a role's subjects: more for infrastructure, whose titles say what
/// the paths do not (enabling a device touches tests and examples), less for data science,
/// whose titles mostly repeat the paths (a docs fix touches docs).
fn topic_factor(role: Role) -> f64 {
    match role {
        Role::MlInfra => 1.5,
        Role::DataScientist => 0.5,
        _ => 1.0,
    }
}

/// `1234` → `1,234`.
fn n(x: i64) -> String {
    crate::thousands(x)
}

fn pct(x: f64) -> String {
    format!("{:.0}%", (x * 100.0).round())
}

/// The guesses for one person, best first; empty when there is too little evidence.
pub fn classify(f: &RoleFeatures) -> Vec<RoleGuess> {
    let mut units = Units::new();

    // Changed files, by class.
    let total_files: i64 = f.files.values().sum();
    let mut by_role: BTreeMap<Role, Vec<(PathClass, i64, f64)>> = BTreeMap::new();
    for (&c, &k) in &f.files {
        if let Some((role, w)) = file_weight(c) {
            by_role.entry(role).or_default().push((c, k, w * k as f64));
        }
    }
    for (role, mut classes) in by_role {
        classes.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let files: i64 = classes.iter().map(|c| c.1).sum();
        let u: f64 = classes.iter().map(|c| c.2).sum();
        let parts: Vec<String> = classes
            .iter()
            .filter(|c| c.1 as f64 >= 0.02 * total_files as f64)
            .take(3)
            .map(|c| format!("{} {}", c.0.label(), pct(c.1 as f64 / total_files as f64)))
            .collect();
        let mut why = format!(
            "{} of {} changed files",
            pct(files as f64 / total_files as f64),
            n(total_files)
        );
        if !parts.is_empty() {
            why = format!("{why}: {}", parts.join(", "));
        }
        add(&mut units, role, u, why);
    }

    // Where the work was done: repositories the catalog says lean to a role.
    for (&role, (w, repos)) in &f.repo_lean {
        let shown: Vec<&str> = repos.iter().take(2).map(String::as_str).collect();
        let why = match role {
            Role::MlEngineer => format!("work in ML libraries ({})", shown.join(", ")),
            Role::MlInfra => format!("work in ML infrastructure projects ({})", shown.join(", ")),
            Role::Researcher => format!("work in research code ({})", shown.join(", ")),
            Role::DataScientist => format!("work in data-science projects ({})", shown.join(", ")),
        };
        add(&mut units, role, w * LEAN_UNITS, why);
    }

    // Work off GitHub.
    if f.papers > 0 {
        let why = if f.papers_ml > 0 {
            format!(
                "{} on arXiv ({} in ML)",
                plural(f.papers, "paper"),
                n(f.papers_ml)
            )
        } else {
            format!("{} on arXiv", plural(f.papers, "paper"))
        };
        add(
            &mut units,
            Role::Researcher,
            f.papers as f64 * PAPER_UNITS,
            why,
        );
    }
    let builder_models = f.models - f.classic_models;
    if builder_models > 0 {
        add(
            &mut units,
            Role::MlEngineer,
            builder_models as f64 * MODEL_UNITS,
            format!(
                "{} on the Hugging Face Hub",
                plural(builder_models, "model")
            ),
        );
    }
    if f.classic_models > 0 {
        add(
            &mut units,
            Role::DataScientist,
            f.classic_models as f64 * MODEL_UNITS,
            format!(
                "{} of classic or tabular ML on the Hub",
                plural(f.classic_models, "model")
            ),
        );
    }
    if let Some(t) = f.kaggle_tier {
        const TIERS: [&str; 5] = ["Novice", "Contributor", "Expert", "Master", "Grandmaster"];
        let name = TIERS.get(t as usize).copied().unwrap_or("ranked");
        let u = KAGGLE_TIER_UNITS.get(t as usize).copied().unwrap_or(30.0);
        add(&mut units, Role::DataScientist, u, format!("Kaggle {name}"));
    }
    if f.kaggle_medals > 0 {
        add(
            &mut units,
            Role::DataScientist,
            f.kaggle_medals as f64 * KAGGLE_MEDAL_UNITS,
            format!(
                "{} in Kaggle competitions",
                plural(f.kaggle_medals, "medal")
            ),
        );
    }
    if f.kaggle_notebooks > 0 {
        add(
            &mut units,
            Role::DataScientist,
            f.kaggle_notebooks as f64 * KAGGLE_NOTEBOOK_UNITS,
            format!("{} on Kaggle", plural(f.kaggle_notebooks, "notebook")),
        );
    }

    // What the work says it is about: shares of the work, weighed against all the evidence
    // above (so they matter as much for one commit as for a thousand).
    let others: f64 = units.values().map(|u| u.0).sum::<f64>().max(1.0);
    if f.titled_work > 0 {
        for (&role, &k) in &f.topics {
            let share = (k as f64 / f.titled_work as f64).min(1.0);
            let about = match role {
                Role::MlInfra => "devices, kernels, distributed training, CI or performance",
                Role::DataScientist => "notebooks, examples, tutorials or docs",
                Role::MlEngineer => "models and training",
                Role::Researcher => "research",
            };
            add(
                &mut units,
                role,
                share * topic_factor(role) * others,
                format!("{} of {} titles are about {about}", n(k), n(f.titled_work)),
            );
        }
    }
    if f.cites_papers > 0 && f.code_work > 0 {
        let share = (f.cites_papers as f64 / f.code_work as f64).min(1.0);
        let u = share * CITES_FACTOR * others;
        add(
            &mut units,
            Role::Researcher,
            u,
            format!(
                "{} of {} commits and merged PRs cite arXiv papers",
                n(f.cites_papers),
                n(f.code_work)
            ),
        );
    }

    let total: f64 = units.values().map(|u| u.0).sum();
    if total < MIN_UNITS {
        return Vec::new();
    }
    let certainty = 1.0 - (-total / CERTAINTY_UNITS).exp();
    let mut guesses: Vec<RoleGuess> = units
        .into_iter()
        .filter(|(_, (u, _))| u / total >= MIN_SHARE)
        .map(|(role, (u, mut reasons))| {
            reasons.sort_by(|a, b| b.0.total_cmp(&a.0));
            RoleGuess {
                role,
                confidence: round2(u / total * certainty),
                reasons: reasons.into_iter().map(|r| r.1).collect(),
            }
        })
        .collect();
    guesses.sort_by(|a, b| {
        b.confidence
            .total_cmp(&a.confidence)
            .then(a.role.cmp(&b.role))
    });
    guesses
}

/// Units and reasons (with their units) per role.
type Units = BTreeMap<Role, (f64, Vec<(f64, String)>)>;

fn add(units: &mut Units, role: Role, u: f64, why: String) {
    if u > 0.0 {
        let e = units.entry(role).or_default();
        e.0 += u;
        e.1.push((u, why));
    }
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn plural(k: i64, one: &str) -> String {
    if k == 1 {
        format!("1 {one}")
    } else {
        format!("{} {one}s", n(k))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use PathClass::*;

    fn files(v: &[(PathClass, i64)]) -> RoleFeatures {
        RoleFeatures {
            files: v.iter().copied().collect(),
            ..Default::default()
        }
    }

    fn best(f: &RoleFeatures) -> Option<Role> {
        classify(f).first().map(|g| g.role)
    }

    #[test]
    fn names_parse_in_any_spelling_and_unknown_ones_name_the_valid() {
        assert_eq!("ml_infra".parse(), Ok(Role::MlInfra));
        assert_eq!("ML-Infra".parse(), Ok(Role::MlInfra));
        assert_eq!(" data scientist ".parse(), Ok(Role::DataScientist));
        let e = "kernel hacker".parse::<Role>().unwrap_err().to_string();
        assert!(
            e.contains("kernel hacker") && Role::ALL.iter().all(|r| e.contains(r.as_str())),
            "{e}"
        );
    }

    #[test]
    fn kernels_and_distributed_code_make_infrastructure() {
        let f = files(&[
            (Kernels, 40),
            (Distributed, 20),
            (Modeling, 10),
            (Tests, 30),
        ]);
        let g = classify(&f);
        assert_eq!(g[0].role, Role::MlInfra, "{g:?}");
        assert!(g[0].confidence > 0.6, "{g:?}");
        assert!(
            g[0].reasons[0].starts_with(
                "60% of 100 changed files: kernels and native code 40%, distributed training 20%"
            ),
            "{:?}",
            g[0].reasons
        );
    }

    #[test]
    fn model_code_and_its_tests_make_an_ml_engineer() {
        let f = files(&[
            (Modeling, 50),
            (Tests, 40),
            (Code, 20),
            (Build, 5),
            (Docs, 5),
        ]);
        assert_eq!(best(&f), Some(Role::MlEngineer));
    }

    #[test]
    fn notebooks_examples_and_kaggle_make_a_data_scientist() {
        let f = files(&[(Notebook, 6), (Examples, 4), (Code, 2)]);
        assert_eq!(best(&f), Some(Role::DataScientist));
        let k = RoleFeatures {
            kaggle_tier: Some(3),
            kaggle_medals: 4,
            kaggle_notebooks: 10,
            ..Default::default()
        };
        let g = classify(&k);
        assert_eq!(g.len(), 1);
        assert_eq!(g[0].role, Role::DataScientist);
        assert!(g[0].reasons.iter().any(|r| r == "Kaggle Master"), "{g:?}");
        assert!(g[0].confidence > 0.9);
    }

    #[test]
    fn papers_and_cited_methods_make_a_researcher() {
        let p = RoleFeatures {
            papers: 3,
            papers_ml: 2,
            ..Default::default()
        };
        let g = classify(&p);
        assert_eq!(g[0].role, Role::Researcher);
        assert_eq!(g[0].reasons, ["3 papers on arXiv (2 in ML)"]);
        // Two commits adding methods, both citing their paper: the files they touched are
        // library code, but the work is bringing research in.
        let mut m = files(&[(Modeling, 12), (Tests, 10), (Code, 6), (Examples, 2)]);
        m.code_work = 2;
        m.cites_papers = 2;
        assert_eq!(best(&m), Some(Role::Researcher), "{:?}", classify(&m));
        // One citation among hundreds of commits changes nothing.
        m.code_work = 300;
        m.cites_papers = 1;
        assert_eq!(best(&m), Some(Role::MlEngineer));
    }

    #[test]
    fn repositories_the_catalog_leans_say_something_without_paths() {
        let mut f = RoleFeatures::default();
        f.repo_lean
            .insert(Role::MlInfra, (25.0, vec!["vllm-project/vllm".into()]));
        let g = classify(&f);
        assert_eq!(g[0].role, Role::MlInfra);
        assert_eq!(
            g[0].reasons,
            ["work in ML infrastructure projects (vllm-project/vllm)"]
        );
    }

    #[test]
    fn little_evidence_is_a_weak_guess_and_none_is_no_guess() {
        assert!(classify(&RoleFeatures::default()).is_empty());
        assert!(
            classify(&files(&[(Other, 50)])).is_empty(),
            "config files say nothing"
        );
        let few = classify(&files(&[(Kernels, 2)]));
        assert_eq!(few[0].role, Role::MlInfra);
        assert!(few[0].confidence < 0.2, "{few:?}");
        let many = classify(&files(&[(Kernels, 200)]));
        assert!(many[0].confidence > 0.99, "{many:?}");
    }

    #[test]
    fn mixed_work_lists_both_roles_best_first() {
        let f = files(&[(Modeling, 55), (Distributed, 45)]);
        let g = classify(&f);
        let roles: Vec<Role> = g.iter().map(|x| x.role).collect();
        assert_eq!(roles, [Role::MlEngineer, Role::MlInfra]);
        assert!(g[0].confidence > g[1].confidence);
        // a small share is not listed
        let f = files(&[(Modeling, 90), (Distributed, 10)]);
        assert_eq!(classify(&f).len(), 1);
    }

    #[test]
    fn more_of_a_roles_evidence_never_lowers_its_confidence() {
        let base = files(&[(Modeling, 30), (Kernels, 20), (Notebook, 5)]);
        let conf = |f: &RoleFeatures, r: Role| {
            classify(f)
                .into_iter()
                .find(|g| g.role == r)
                .map_or(0.0, |g| g.confidence)
        };
        for (c, r) in [
            (Kernels, Role::MlInfra),
            (Modeling, Role::MlEngineer),
            (Notebook, Role::DataScientist),
        ] {
            let mut more = base.clone();
            *more.files.entry(c).or_default() += 10;
            assert!(conf(&more, r) >= conf(&base, r), "{c:?}");
        }
    }
}
