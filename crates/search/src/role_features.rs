//! Each person's [`RoleFeatures`], read from the store in a handful of queries whatever the
//! number of people: their contributions per repository and kind (the rollup), their changed
//! files per path class (`path_rollup`, kept by the store's write path), their measured work
//! off GitHub (papers, models, Kaggle) and how much of their work cites arXiv. Work of linked
//! accounts is the person's already (the store credits it to them).

use crate::role::{
    classify, lean_weight, Role, RoleFeatures, RoleGuess, DEFAULT_LEAN, TOPIC_WORDS,
};
use crate::Catalog;
use builtby_model::{time, Kind};
use builtby_store::{Read, StoreError, TopicCount};
use std::collections::{BTreeMap, HashMap};

/// Hub models whose library or pipeline says classic or tabular ML.
fn is_classic_model(categories: &[String]) -> bool {
    categories.iter().any(|c| {
        let c = c.to_ascii_lowercase();
        c == "sklearn" || c == "scikit-learn" || c.starts_with("tabular")
    })
}

/// The arXiv categories of machine learning (as the `papers` rule counts them).
const ML_CATEGORIES: &[&str] = &[
    "cs.LG", "cs.AI", "stat.ML", "cs.CL", "cs.CV", "cs.NE", "cs.IR",
];

/// The features of each of `person_ids`, from their whole record up to `as_of` (changed files
/// per class are counted over everything stored: paths carry no date there).
///
/// Only ML work counts: work in the catalog's repositories, in repositories read in depth
/// because someone asked (a git history, an API crawl: [`Read::studied_repos`](builtby_store::Read::studied_repos)), and work off
/// GitHub (papers, models, Kaggle). A web shop's pull requests seen in GH Archive say nothing
/// of an ML role, however many files they changed.
///
/// What the role guesses count of titles comes from the ranking when it is current for
/// `as_of`'s day (kept for everyone by its build), else from the contributions.
pub fn role_features(
    store: &dyn Read,
    catalog: &Catalog,
    person_ids: &[i64],
    as_of: i64,
) -> Result<HashMap<i64, RoleFeatures>, StoreError> {
    features(store, catalog, person_ids, as_of, true, None)
}

/// [`role_features`] counting titles from the contributions whatever the ranking keeps: the
/// reference the kept counts are tested against.
#[doc(hidden)]
pub fn role_features_counted(
    store: &dyn Read,
    catalog: &Catalog,
    person_ids: &[i64],
    as_of: i64,
) -> Result<HashMap<i64, RoleFeatures>, StoreError> {
    features(store, catalog, person_ids, as_of, false, None)
}

/// What a search has already read about the people on its page, so that their roles do not
/// read it again: the names of the repositories it looked up (a search's scoring context), and,
/// when its scope was each person's whole record up to the as-of day, their cells (whose counts
/// summed per repository and kind are the kind totals).
pub struct Known<'a> {
    /// repository id → (name, weight), as [`crate::rank::Context::repos`] holds them.
    pub repos: &'a HashMap<i64, (String, f64)>,
    /// Every cell of each person up to the as-of day, or `None` when the search's scope was
    /// narrower (then the totals are read).
    pub whole_record: Option<&'a HashMap<i64, Vec<builtby_store::Cell>>>,
}

/// [`roles_of`] for the people on a search's page, from what the search [`Known`]s.
pub fn roles_of_page(
    store: &dyn Read,
    catalog: &Catalog,
    person_ids: &[i64],
    as_of: i64,
    known: &Known,
) -> Result<HashMap<i64, Vec<RoleGuess>>, StoreError> {
    Ok(
        features(store, catalog, person_ids, as_of, true, Some(known))?
            .into_iter()
            .map(|(p, f)| (p, classify(&f)))
            .filter(|(_, g)| !g.is_empty())
            .collect(),
    )
}

/// [`role_features`] from what a search [`Known`]s: equal to it (tested on the shared data).
#[doc(hidden)]
pub fn role_features_known(
    store: &dyn Read,
    catalog: &Catalog,
    person_ids: &[i64],
    as_of: i64,
    known: &Known,
) -> Result<HashMap<i64, RoleFeatures>, StoreError> {
    features(store, catalog, person_ids, as_of, true, Some(known))
}

/// Kind totals summed from whole-record cells, in the order the store gives them (person,
/// repository, kind), so that every float summed from them adds in the same order.
fn totals_of(
    person_ids: &[i64],
    cells: &HashMap<i64, Vec<builtby_store::Cell>>,
) -> Vec<(i64, i64, Kind, i64)> {
    let mut sums: BTreeMap<(i64, i64, i64), (Kind, i64)> = BTreeMap::new();
    for p in person_ids {
        for c in cells.get(p).into_iter().flatten() {
            sums.entry((c.person_id, c.repo_id, c.kind.code()))
                .or_insert((c.kind, 0))
                .1 += c.n;
        }
    }
    sums.into_iter()
        .map(|((p, r, _), (k, n))| (p, r, k, n))
        .collect()
}

fn features(
    store: &dyn Read,
    catalog: &Catalog,
    person_ids: &[i64],
    as_of: i64,
    use_kept: bool,
    known: Option<&Known>,
) -> Result<HashMap<i64, RoleFeatures>, StoreError> {
    let mut out: HashMap<i64, RoleFeatures> = HashMap::new();
    if person_ids.is_empty() {
        return Ok(out);
    }
    let mut ids: Vec<i64> = person_ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    let totals = match known.and_then(|k| k.whole_record) {
        Some(cells) => totals_of(&ids, cells),
        None => store.kind_totals(person_ids, as_of)?,
    };
    let mut repo_ids: Vec<i64> = totals.iter().map(|t| t.1).collect();
    repo_ids.sort_unstable();
    repo_ids.dedup();
    // Names the search looked up already are not looked up again.
    let mut names: Vec<(i64, String)> = Vec::new();
    if let Some(k) = known {
        repo_ids.retain(|id| match k.repos.get(id) {
            Some((name, _)) => {
                names.push((*id, name.clone()));
                false
            }
            None => true,
        });
    }
    if !repo_ids.is_empty() {
        names.extend(
            store
                .repos(&repo_ids)?
                .into_iter()
                .map(|(id, n, _)| (id, n)),
        );
    }
    let leans: HashMap<i64, (Role, f64, String)> = names
        .into_iter()
        .filter_map(|(id, name)| {
            catalog.repo_role(&name).map(|(role, stated)| {
                let w = if stated { 1.0 } else { DEFAULT_LEAN };
                let name = catalog.canonical(&name).unwrap_or(&name).to_string();
                (id, (role, w, name))
            })
        })
        .collect();
    let studied = store.studied_repos()?;
    let ml_repo = |repo: i64| leans.contains_key(&repo) || studied.contains(&repo);
    // work off GitHub is ML work wherever it is (a model's "repository" is the model)
    let ml_work = |repo: i64, kind: Kind| {
        matches!(
            kind,
            Kind::Model | Kind::Paper | Kind::KaggleTier | Kind::KaggleMedal | Kind::Notebook
        ) || ml_repo(repo)
    };
    // per person: role → repository → weighted work
    let mut lean: HashMap<i64, BTreeMap<Role, BTreeMap<String, f64>>> = HashMap::new();
    let mut off_github = Vec::new();
    let mut coders = Vec::new();
    for &(person, repo, kind, n) in &totals {
        if !ml_work(repo, kind) {
            continue;
        }
        let f = out.entry(person).or_default();
        match kind {
            Kind::Commit | Kind::PrMerged => {
                f.code_work += n;
                f.titled_work += n;
                coders.push(person);
            }
            Kind::Model => f.titled_work += n,
            Kind::Notebook => f.kaggle_notebooks += n,
            _ => {}
        }
        if matches!(
            kind,
            Kind::Model | Kind::Paper | Kind::KaggleTier | Kind::KaggleMedal
        ) {
            off_github.push(person);
        }
        if let Some((role, stated, name)) = leans.get(&repo) {
            let w = lean_weight(kind) * stated * n as f64;
            if w > 0.0 {
                *lean
                    .entry(person)
                    .or_default()
                    .entry(*role)
                    .or_default()
                    .entry(name.clone())
                    .or_default() += w;
            }
        }
    }
    for (person, roles) in lean {
        let f = out.entry(person).or_default();
        for (role, repos) in roles {
            let total: f64 = repos.values().sum();
            let mut names: Vec<(String, f64)> = repos.into_iter().collect();
            names.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            f.repo_lean
                .insert(role, (total, names.into_iter().map(|n| n.0).collect()));
        }
    }
    for c in store.path_classes(person_ids)? {
        if ml_repo(c.repo_id) {
            *out.entry(c.person_id)
                .or_default()
                .files
                .entry(c.class)
                .or_default() += c.n;
        }
    }
    off_github.sort_unstable();
    off_github.dedup();
    for r in store.measured(&off_github, as_of)? {
        let f = out.entry(r.person_id).or_default();
        match r.kind {
            Kind::Paper => {
                f.papers += 1;
                if r.measures
                    .categories
                    .iter()
                    .any(|c| ML_CATEGORIES.contains(&c.as_str()))
                {
                    f.papers_ml += 1;
                }
            }
            Kind::Model => {
                f.models += 1;
                if is_classic_model(&r.measures.categories) {
                    f.classic_models += 1;
                }
            }
            Kind::KaggleTier => {
                f.kaggle_tier = f.kaggle_tier.max(r.measures.tier);
            }
            Kind::KaggleMedal => f.kaggle_medals += 1,
            _ => {}
        }
    }
    coders.sort_unstable();
    coders.dedup();
    let kept = match store.sqlite().filter(|_| use_kept) {
        Some(s) => s.ranking_topics(person_ids, time::day_of(as_of), topics_key())?,
        None => None,
    };
    let counts = match kept {
        // kept for everyone: only what counting for these people would have found
        Some(rows) => rows
            .into_iter()
            .filter(|&(person, topic, _, _)| {
                let among = if topic != ARXIV && topic % 2 == 1 {
                    &off_github
                } else {
                    &coders
                };
                among.binary_search(&person).is_ok()
            })
            .collect(),
        None => count_topics(store, Some((&coders, &off_github)), as_of)?,
    };
    for (person, topic, repo, n) in counts {
        if topic == ARXIV {
            if ml_repo(repo) {
                out.entry(person).or_default().cites_papers += n;
            }
            continue;
        }
        // code only in ML repositories; models wherever they are
        let code = topic % 2 == 0;
        if code && !ml_repo(repo) {
            continue;
        }
        let role = TOPIC_WORDS[topic as usize / 2].0;
        *out.entry(person)
            .or_default()
            .topics
            .entry(role)
            .or_default() += n;
    }
    Ok(out)
}

/// The topic of contributions that cite arXiv (in their title or body); the role of
/// `TOPIC_WORDS[i]` is topic `2i` for code (commits and merged PRs) and `2i + 1` for models,
/// by their titles.
const ARXIV: u8 = u8::MAX;

/// The kinds whose titles say what code was about.
const CODE_KINDS: [Kind; 2] = [Kind::Commit, Kind::PrMerged];

/// What the kept topic counts were counted with: counts under another key are not used.
pub fn topics_key() -> &'static str {
    static KEY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    KEY.get_or_init(|| {
        let words = format!("{TOPIC_WORDS:?} arxiv {CODE_KINDS:?}");
        format!("{:016x}", crate::ranking::fnv(words.as_bytes()))
    })
}

/// Every topic's counts up to the end of `as_of`'s day (the day, as the rollup counts: the
/// same counts whenever in the day a search runs, so the ranking can keep them): for
/// `people` = (those with code work, those with models), or for everyone with work.
pub(crate) fn count_topics(
    store: &dyn Read,
    people: Option<(&[i64], &[i64])>,
    as_of: i64,
) -> Result<Vec<TopicCount>, StoreError> {
    let until = (time::day_of(as_of) + 1) * 86_400 - 1;
    let count = |ids: &[i64], words: &[&str], with_body: bool, kinds: &[Kind]| match people {
        Some(_) => store.count_with_any_word(ids, words, with_body, kinds, until),
        None => match store.sqlite() {
            Some(s) => s.count_with_any_word_everyone(words, with_body, kinds, until),
            None => Ok(Vec::new()),
        },
    };
    let (coders, off_github) = people.unwrap_or((&[], &[]));
    let mut out = Vec::new();
    for (i, (_, words)) in TOPIC_WORDS.iter().enumerate() {
        let topic = 2 * i as u8;
        for (p, repo, n) in count(coders, words, false, &CODE_KINDS)? {
            out.push((p, topic, repo, n));
        }
        for (p, repo, n) in count(off_github, words, false, &[Kind::Model])? {
            out.push((p, topic + 1, repo, n));
        }
    }
    for (p, repo, n) in count(coders, &["arxiv"], true, &CODE_KINDS)? {
        out.push((p, ARXIV, repo, n));
    }
    Ok(out)
}

/// The role guesses of each of `person_ids` (best first; no entry for someone with too little
/// evidence).
pub fn roles_of(
    store: &dyn Read,
    catalog: &Catalog,
    person_ids: &[i64],
    as_of: i64,
) -> Result<HashMap<i64, Vec<RoleGuess>>, StoreError> {
    Ok(role_features(store, catalog, person_ids, as_of)?
        .into_iter()
        .map(|(p, f)| (p, classify(&f)))
        .filter(|(_, g)| !g.is_empty())
        .collect())
}
