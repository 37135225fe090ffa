//! A rule that weighs chosen kinds of contribution: points = count × kind weight × repository
//! weight × recency decay. `merged_work`, `reviews`, `conversation`, `maintenance` and
//! `commits` are this rule with different kinds; their weights are the catalog's `[rank]`.

use super::{num, Context, Counted, Explain};
use builtby_model::Kind;
use builtby_store::Cell;

#[derive(Debug, Clone, PartialEq)]
pub struct Weighted {
    pub name: &'static str,
    /// Why the rule exists, in words; the label adds the weights.
    pub about: &'static str,
    /// Kind → points for one contribution in a weight-1 repository today. Each kind once.
    pub weights: Vec<(Kind, f64)>,
}

impl Weighted {
    pub fn label(&self) -> String {
        if self.weights.is_empty() {
            return format!("{}: no kind weighted", self.about);
        }
        let list: Vec<String> = self
            .weights
            .iter()
            .map(|(k, w)| format!("{} {}", k.label(), num(*w)))
            .collect();
        format!(
            "{}: {} points each, × repository weight × recency",
            self.about,
            list.join(", ")
        )
    }

    #[inline]
    pub fn score<E: Explain>(&self, cells: &[Cell], ctx: &Context, out: &mut E) -> f64 {
        let mut score = 0.0;
        for c in cells {
            let Some(&(_, w)) = self.weights.iter().find(|(k, _)| *k == c.kind) else {
                continue;
            };
            let points = c.w * w * ctx.repo_weight(c.repo_id) * ctx.decay(c.day);
            score += points;
            out.add(c.repo_id, Counted::Kind(c.kind), c.n, points);
        }
        score
    }
}
