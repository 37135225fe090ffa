//! A rule that weighs chosen kinds of contribution: points = count × kind weight × repository
//! weight × recency decay. `merged_work`, `reviews`, `conversation` and `maintenance` are
//! this rule with different kinds.

use super::{used_rows, Context, Rule, ScoreDetail};
use builtby_model::Kind;
use builtby_store::Cell;
use std::collections::HashMap;

pub struct Weighted {
    pub name: &'static str,
    pub label: &'static str,
    pub weights: &'static [(Kind, f64)],
}

impl Rule for Weighted {
    fn name(&self) -> &'static str {
        self.name
    }
    fn label(&self) -> &'static str {
        self.label
    }
    fn total(&self, cells: &[Cell], ctx: &Context) -> f64 {
        let mut score = 0.0;
        for c in cells {
            if let Some(&(_, w)) = self.weights.iter().find(|(k, _)| *k == c.kind) {
                score += c.n as f64 * w * ctx.repo_weight(c.repo_id) * ctx.decay(c.day);
            }
        }
        score
    }

    fn score(&self, cells: &[Cell], ctx: &Context) -> ScoreDetail {
        let mut acc: HashMap<(i64, Kind), (i64, f64)> = HashMap::new();
        let mut score = 0.0;
        for c in cells {
            let Some(&(_, w)) = self.weights.iter().find(|(k, _)| *k == c.kind) else {
                continue;
            };
            let points = c.n as f64 * w * ctx.repo_weight(c.repo_id) * ctx.decay(c.day);
            score += points;
            let e = acc.entry((c.repo_id, c.kind)).or_default();
            e.0 += c.n;
            e.1 += points;
        }
        ScoreDetail {
            rule: self.name,
            label: self.label,
            score,
            used: used_rows(acc, ctx),
        }
    }
}
