//! Depth: sustained work over months counts more than one drive-by. One point per distinct
//! 30-day period (per repository) with building work — merged PRs, commits, co-authored
//! commits — times the repository weight and recency. Within an `--area` or `--path` search
//! the cells are already that area's, so this is depth in the area. Monotone: more work never
//! removes an active period.

use super::{used_rows, Context, Rule, ScoreDetail};
use builtby_model::Kind;
use builtby_store::Cell;
use std::collections::{HashMap, HashSet};

pub struct Depth {
    pub points_per_month: f64,
}

const BUILDING: &[Kind] = &[
    Kind::PrMerged,
    Kind::Commit,
    Kind::CoAuthored,
    Kind::PrCommit,
];

impl Rule for Depth {
    fn name(&self) -> &'static str {
        "depth"
    }
    fn label(&self) -> &'static str {
        "Sustained work: months with merged PRs or commits, per repository"
    }
    fn score(&self, cells: &[Cell], ctx: &Context) -> ScoreDetail {
        let mut months: HashSet<(i64, i64)> = HashSet::new();
        for c in cells
            .iter()
            .filter(|c| c.n > 0 && BUILDING.contains(&c.kind))
        {
            months.insert((c.repo_id, c.day.div_euclid(30)));
        }
        let mut months: Vec<(i64, i64)> = months.into_iter().collect();
        months.sort_unstable();
        let mut acc: HashMap<(i64, Kind), (i64, f64)> = HashMap::new();
        let mut score = 0.0;
        for (repo, bucket) in months {
            let points =
                self.points_per_month * ctx.repo_weight(repo) * ctx.decay(bucket * 30 + 15);
            score += points;
            // reported under `commit`: the rows count active months
            let e = acc.entry((repo, Kind::Commit)).or_default();
            e.0 += 1;
            e.1 += points;
        }
        ScoreDetail {
            rule: self.name(),
            label: self.label(),
            score,
            used: used_rows(acc, ctx),
        }
    }
}
