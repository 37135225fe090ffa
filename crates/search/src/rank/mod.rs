//! Ranking: a short ordered list of rules, each scoring one kind of signal and saying which
//! counts it used. A person's score is the sum of the rules' scores.
//!
//! Every rule is monotone: one more contribution never lowers a score. So a person whose
//! counts dominate another's (at least as many of every kind, in every repository and month,
//! and more of one) never ranks below them; a property test holds the rules to it. That is
//! also why every weight must be zero or more.
//!
//! Shared by the rules:
//! - **repository weight**: the catalog's scrutiny (how hard it is to land work there; 1.0 for
//!   uncatalogued repositories) times, outside the catalog, a breadth factor that grows with
//!   the number of distinct people merging or reviewing there (a one-person repository counts
//!   a quarter). Stars and forks are never looked at.
//! - **recency**: a contribution loses half its weight every `half_life_months`.
//!
//! **One shape.** Each rule's arithmetic is written once, as
//! [`Rule::score`], generic over an [`Explain`] sink that hears every term it adds. Ranking
//! everyone passes [`Quiet`], which does nothing and is compiled away (no allocation, no
//! dispatch); the page passes a [`Record`], which gathers the [`Used`] rows. Both paths run
//! the same terms in the same order, so the page's total is the ranked total by construction.
//!
//! **One table.** The rules' names, order and reasons are code; their numbers (kind weights,
//! points per active month, the recency window) are the `[rank]` section of the catalog
//! (`catalog/default.toml`), which a user's catalog file overrides key by key. Labels are
//! written from those numbers, so they cannot disagree with what is computed.
//!
//! **Two texts.** A rule's [`Rule::label`] is short (a dozen words: "Merged PRs: 10 points
//! each × repo scrutiny × recency"), for a line next to a score; its [`Rule::about`] is the
//! whole explanation with every number (each kind's weight, what counts once). Both are
//! written from the same numbers.

mod depth;
pub mod measured;
mod recency;
mod table;
mod weighted;

pub use depth::Depth;
pub use recency::Recency;
pub use table::RankError;
pub(crate) use table::RankTable;
pub use weighted::Weighted;

use builtby_model::Kind;
use builtby_store::Cell;
use serde::{Serialize, Serializer};
use std::collections::HashMap;
use std::fmt;

/// What every rule needs besides a person's cells.
pub struct Context {
    pub as_of_day: i64,
    pub half_life_days: f64,
    /// repo id → (name, weight)
    pub repos: HashMap<i64, (String, f64)>,
    /// person id → their measured work off GitHub (models, papers, Kaggle), for the rules
    /// that weigh it; empty for people with none.
    pub measured: HashMap<i64, Vec<builtby_store::MeasuredRow>>,
}

impl Context {
    pub fn decay(&self, day: i64) -> f64 {
        let age = (self.as_of_day - day).max(0) as f64;
        0.5f64.powf(age / self.half_life_days)
    }

    pub fn repo_weight(&self, repo_id: i64) -> f64 {
        self.repos.get(&repo_id).map(|r| r.1).unwrap_or(1.0)
    }

    pub fn repo_name(&self, repo_id: i64) -> &str {
        self.repos
            .get(&repo_id)
            .map(|r| r.0.as_str())
            .unwrap_or("?")
    }
}

/// The weight of a repository: catalog scrutiny, or breadth of review outside the catalog.
pub fn repo_weight(catalog_scrutiny: Option<f64>, contributors: i64) -> f64 {
    match catalog_scrutiny {
        Some(s) => s,
        None => (0.25 + 0.25 * (contributors.max(1) as f64).log2()).min(1.0),
    }
}

/// What a [`Used`] row counts: contributions of a kind, or (for `depth`) active months, so
/// a reader never sees "7 × commit" for seven months of work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Counted {
    Kind(Kind),
    /// 30-day periods with building work, per repository.
    ActiveMonth,
}

impl Counted {
    /// The kind's code (`pr_merged`), or `active_month`: the JSON `kind` field of a row.
    pub fn as_str(self) -> &'static str {
        match self {
            Counted::Kind(k) => k.as_str(),
            Counted::ActiveMonth => "active_month",
        }
    }
}

impl fmt::Display for Counted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Serialised as its code, like a [`Kind`], so the API's `used[].kind` stays a string.
impl Serialize for Counted {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// Counts a rule used: `count` contributions of `kind` (or active months) in `repo`, adding
/// `points`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Used {
    pub repo: String,
    pub kind: Counted,
    pub count: i64,
    pub points: f64,
}

/// One rule's contribution to a score, with what it used. The rule's texts are not here but
/// once per answer ([`RuleText`]): a page of 20 people repeated them 20 times (four fifths of
/// its bytes, and a quarter of the server's work writing them).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScoreDetail {
    pub rule: &'static str,
    pub score: f64,
    pub used: Vec<Used>,
}

/// Hears every term a rule adds to a score. Rules are generic over it, so the quiet sink
/// costs nothing.
pub trait Explain {
    /// `count` of `what` in repository `repo_id` added `points`.
    fn add(&mut self, repo_id: i64, what: Counted, count: i64, points: f64);
}

/// Ranking everyone: records nothing.
pub struct Quiet;

impl Explain for Quiet {
    #[inline(always)]
    fn add(&mut self, _: i64, _: Counted, _: i64, _: f64) {}
}

/// The page: sums counts and points per (repository, what was counted).
#[derive(Default)]
pub struct Record {
    acc: HashMap<(i64, Counted), (i64, f64)>,
}

impl Explain for Record {
    fn add(&mut self, repo_id: i64, what: Counted, count: i64, points: f64) {
        let e = self.acc.entry((repo_id, what)).or_default();
        e.0 += count;
        e.1 += points;
    }
}

impl Record {
    /// The rows, largest first (then by repository and kind, for a stable order).
    pub fn into_used(self, ctx: &Context) -> Vec<Used> {
        let mut used: Vec<Used> = self
            .acc
            .into_iter()
            .map(|((repo, kind), (count, points))| Used {
                repo: ctx.repo_name(repo).to_string(),
                kind,
                count,
                points,
            })
            .collect();
        used.sort_by(|a, b| {
            b.points
                .total_cmp(&a.points)
                .then_with(|| a.repo.cmp(&b.repo))
                .then(a.kind.cmp(&b.kind))
        });
        used
    }
}

/// One ranking rule. An enum rather than a trait object so that [`Rule::score`] can be
/// generic over its sink and still be called on a list of rules.
#[derive(Debug, Clone, PartialEq)]
pub enum Rule {
    Weighted(Weighted),
    Depth(Depth),
    Recency(Recency),
    Models(measured::Models),
    Papers(measured::Papers),
    Kaggle(measured::Kaggle),
}

impl Rule {
    pub fn name(&self) -> &'static str {
        match self {
            Rule::Weighted(r) => r.name,
            Rule::Depth(_) => "depth",
            Rule::Recency(_) => "recency",
            Rule::Models(_) => "models",
            Rule::Papers(_) => "papers",
            Rule::Kaggle(_) => "kaggle",
        }
    }

    /// What the rule counts, in a dozen words at most, with its actual numbers.
    pub fn label(&self) -> String {
        match self {
            Rule::Weighted(r) => r.label(),
            Rule::Depth(r) => r.label(),
            Rule::Recency(r) => r.label(),
            Rule::Models(r) => r.label(),
            Rule::Papers(r) => r.label(),
            Rule::Kaggle(r) => r.label(),
        }
    }

    /// What the rule counts and how, in full, with every number.
    pub fn about(&self) -> String {
        match self {
            Rule::Weighted(r) => r.about(),
            Rule::Depth(r) => r.about(),
            Rule::Recency(r) => r.about(),
            Rule::Models(r) => r.about(),
            Rule::Papers(r) => r.about(),
            Rule::Kaggle(r) => r.about(),
        }
    }

    /// The rule's score for one person's cells, telling `out` every term it adds.
    #[inline]
    pub fn score<E: Explain>(&self, cells: &[Cell], ctx: &Context, out: &mut E) -> f64 {
        match self {
            Rule::Weighted(r) => r.score(cells, ctx, out),
            Rule::Depth(r) => r.score(cells, ctx, out),
            Rule::Recency(r) => r.score(cells, ctx, out),
            Rule::Models(r) => r.score(cells, ctx, out),
            Rule::Papers(r) => r.score(cells, ctx, out),
            Rule::Kaggle(r) => r.score(cells, ctx, out),
        }
    }

    /// The score with what it used, for the page.
    pub fn explain(&self, cells: &[Cell], ctx: &Context) -> ScoreDetail {
        let mut record = Record::default();
        let score = self.score(cells, ctx, &mut record);
        ScoreDetail {
            rule: self.name(),
            score,
            used: record.into_used(ctx),
        }
    }
}

/// What a rule counts, in words: an answer's `rules`, once for everyone on it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleText {
    pub rule: &'static str,
    /// A dozen words at most, written from the rule's parameters (see [`Rule::label`]).
    pub label: String,
    /// The whole explanation, with every number (see [`Rule::about`]).
    pub about: String,
}

/// The text of `rule` among `texts` (an answer's `rules`).
pub fn text_of<'a>(texts: &'a [RuleText], rule: &str) -> Option<&'a RuleText> {
    texts.iter().find(|t| t.rule == rule)
}

/// The rules, in order of importance (the order the page lists and sums them in), with the
/// catalog's `[rank]` numbers.
#[derive(Clone, Default)]
pub struct Rules {
    rules: Vec<Rule>,
    /// Each rule's label and about, written once: every answer carries them, and they do
    /// not change.
    texts: std::sync::OnceLock<Vec<RuleText>>,
}

impl PartialEq for Rules {
    fn eq(&self, other: &Self) -> bool {
        self.rules == other.rules
    }
}

/// As the rules alone (`Rules([…])`): the catalog's digest is this text, and must not
/// change with what was cached.
impl std::fmt::Debug for Rules {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Rules").field(&self.rules).finish()
    }
}

impl Rules {
    pub fn new(rules: Vec<Rule>) -> Self {
        Rules {
            rules,
            texts: std::sync::OnceLock::new(),
        }
    }

    /// A person's total over the rules, recording nothing: ranks everyone.
    pub fn total(&self, cells: &[Cell], ctx: &Context) -> f64 {
        self.rules
            .iter()
            .map(|r| r.score(cells, ctx, &mut Quiet))
            .sum()
    }

    /// Every rule's score with what it used. Their scores sum, in this order, to
    /// [`Rules::total`] exactly.
    pub fn explain(&self, cells: &[Cell], ctx: &Context) -> Vec<ScoreDetail> {
        self.rules.iter().map(|r| r.explain(cells, ctx)).collect()
    }

    /// Every rule's texts, in order.
    pub fn texts(&self) -> Vec<RuleText> {
        self.texts
            .get_or_init(|| {
                self.rules
                    .iter()
                    .map(|r| RuleText {
                        rule: r.name(),
                        label: r.label(),
                        about: r.about(),
                    })
                    .collect()
            })
            .clone()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Rule> {
        self.rules.iter()
    }

    pub fn get(&self, name: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.name() == name)
    }
}

/// A weight for a label: `10`, `1.5`, `0.2`.
pub(crate) fn num(x: f64) -> String {
    format!("{x}")
}

/// `1 point`, `10 points`, `0.5 points`.
pub(crate) fn points(x: f64) -> String {
    format!("{} point{}", num(x), if x == 1.0 { "" } else { "s" })
}

/// Orders two scored people: higher score first; near-equal scores (float noise) by more
/// contributions; then by login for a stable order.
pub fn compare(a: (f64, i64, &str), b: (f64, i64, &str)) -> std::cmp::Ordering {
    if !same_score(a.0, b.0) {
        return b.0.total_cmp(&a.0);
    }
    b.1.cmp(&a.1).then_with(|| a.2.cmp(b.2))
}

/// Two scores equal but for float noise: a tie, in ranking and in a result's standing.
pub fn same_score(a: f64, b: f64) -> bool {
    let tol = 1e-9 * a.abs().max(b.abs()).max(1e-300);
    (a - b).abs() <= tol
}

#[cfg(test)]
mod tests;
