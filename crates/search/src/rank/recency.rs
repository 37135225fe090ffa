//! "Active now": contributions in the last `window_days` before the as-of date count one point
//! each (pushes a fifth), whatever the repository. Someone who shipped last month beats
//! someone equally strong who stopped three years ago.

use super::{used_rows, Context, Rule, ScoreDetail};
use builtby_model::Kind;
use builtby_store::Cell;
use std::collections::HashMap;

pub struct Recency {
    pub window_days: i64,
}

impl Rule for Recency {
    fn name(&self) -> &'static str {
        "recency"
    }
    fn label(&self) -> &'static str {
        "Contributions in the last six months"
    }
    fn total(&self, cells: &[Cell], ctx: &Context) -> f64 {
        let mut score = 0.0;
        for c in cells
            .iter()
            .filter(|c| c.day >= ctx.as_of_day - self.window_days)
        {
            score += c.n as f64
                * match c.kind {
                    Kind::Push => 0.2,
                    Kind::PrCommit => 0.0, // counted with its PR
                    _ => 1.0,
                };
        }
        score
    }

    fn score(&self, cells: &[Cell], ctx: &Context) -> ScoreDetail {
        let mut acc: HashMap<(i64, Kind), (i64, f64)> = HashMap::new();
        let mut score = 0.0;
        // Cells are 30-day buckets labelled by their middle day: a bucket counts when its
        // middle is inside the window.
        for c in cells
            .iter()
            .filter(|c| c.day >= ctx.as_of_day - self.window_days)
        {
            let points = c.n as f64
                * match c.kind {
                    Kind::Push => 0.2,
                    Kind::PrCommit => 0.0, // counted with its PR
                    _ => 1.0,
                };
            score += points;
            let e = acc.entry((c.repo_id, c.kind)).or_default();
            e.0 += c.n;
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
