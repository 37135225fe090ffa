//! Ranking: a short ordered list of rules, each scoring one kind of signal and saying which
//! counts it used. A person's score is the sum of the rules' scores.
//!
//! Every rule is monotone: one more contribution never lowers a score. So a person whose
//! counts dominate another's (at least as many of every kind, in every repository and month,
//! and more of one) never ranks below them; a property test holds the rules to it.
//!
//! Shared by the rules:
//! - **repository weight**: the catalog's scrutiny (how hard it is to land work there; 1.0 for
//!   uncatalogued repositories) times, outside the catalog, a breadth factor that grows with
//!   the number of distinct people merging or reviewing there (a one-person repository counts
//!   a quarter). Stars and forks are never looked at.
//! - **recency**: a contribution loses half its weight every `half_life_months`.

mod depth;
mod recency;
mod weighted;

pub use depth::Depth;
pub use recency::Recency;
pub use weighted::Weighted;

use builtby_model::Kind;
use builtby_store::Cell;
use serde::Serialize;
use std::collections::HashMap;

/// What every rule needs besides a person's cells.
pub struct Context {
    pub as_of_day: i64,
    pub half_life_days: f64,
    /// repo id → (name, weight)
    pub repos: HashMap<i64, (String, f64)>,
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

/// Counts a rule used: `count` contributions of `kind` in `repo`, adding `points`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Used {
    pub repo: String,
    pub kind: Kind,
    pub count: i64,
    pub points: f64,
}

/// One rule's contribution to a score, with what it used.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScoreDetail {
    pub rule: &'static str,
    pub label: &'static str,
    pub score: f64,
    pub used: Vec<Used>,
}

pub trait Rule: Send + Sync {
    fn name(&self) -> &'static str;
    fn label(&self) -> &'static str;
    fn score(&self, cells: &[Cell], ctx: &Context) -> ScoreDetail;
    /// The score alone, without gathering what was used: ranks everyone cheaply, and must
    /// equal `score(..).score` to the bit (same terms, same order).
    fn total(&self, cells: &[Cell], ctx: &Context) -> f64 {
        self.score(cells, ctx).score
    }
}

/// A person's total over the rules, in rule order (the order the page's details sum in).
pub fn total(rules: &[Box<dyn Rule>], cells: &[Cell], ctx: &Context) -> f64 {
    rules.iter().map(|r| r.total(cells, ctx)).sum()
}

/// The rules, in order of importance.
pub fn rules() -> Vec<Box<dyn Rule>> {
    vec![
        Box::new(Weighted {
            name: "merged_work",
            label: "Merged pull requests, weighted by the repository's review scrutiny",
            weights: &[(Kind::PrMerged, 10.0)],
        }),
        Box::new(Weighted {
            name: "reviews",
            label: "Reviews and review comments given to others",
            weights: &[(Kind::Review, 4.0), (Kind::ReviewComment, 1.5)],
        }),
        Box::new(Weighted {
            name: "conversation",
            label: "Pull requests opened, issues and discussion",
            weights: &[
                (Kind::PrOpened, 2.0),
                (Kind::IssueComment, 1.0),
                (Kind::IssueOpened, 1.0),
                (Kind::PrClosedUnmerged, 0.5),
            ],
        }),
        Box::new(Weighted {
            name: "maintenance",
            label: "Write access granted, releases published, pushes",
            weights: &[
                (Kind::MemberAdded, 3.0),
                (Kind::Release, 2.0),
                (Kind::Push, 0.2),
            ],
        }),
        Box::new(Weighted {
            name: "commits",
            label: "Commits on the default branch (git histories), co-authored and reviewed commits; commits of a merged PR in the store count with the PR, not again",
            weights: &[
                (Kind::Commit, 6.0),
                (Kind::CoAuthored, 3.0),
                (Kind::CommitReview, 2.0),
            ],
        }),
        Box::new(Depth {
            points_per_month: 3.0,
        }),
        Box::new(Recency { window_days: 182 }),
    ]
}

/// Sums `(repo, kind)` into [`Used`] rows, largest first.
pub(crate) fn used_rows(acc: HashMap<(i64, Kind), (i64, f64)>, ctx: &Context) -> Vec<Used> {
    let mut used: Vec<Used> = acc
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

/// Orders two scored people: higher score first; near-equal scores (float noise) by more
/// contributions; then by login for a stable order.
pub fn compare(a: (f64, i64, &str), b: (f64, i64, &str)) -> std::cmp::Ordering {
    let tol = 1e-9 * a.0.abs().max(b.0.abs()).max(1e-300);
    if (a.0 - b.0).abs() > tol {
        return b.0.total_cmp(&a.0);
    }
    b.1.cmp(&a.1).then_with(|| a.2.cmp(b.2))
}

#[cfg(test)]
mod tests;
