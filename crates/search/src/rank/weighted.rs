//! A rule that weighs chosen kinds of contribution: points = the contributions' weights
//! (`Cell::w`: 1 each for ordinary work) × kind weight × repository weight × recency decay. `merged_work`, `reviews`, `conversation`, `maintenance` and
//! `commits` are this rule with different kinds; their weights are the catalog's `[rank]`.

use super::{num, points, Context, Counted, Explain};
use builtby_model::Kind;
use builtby_store::Cell;

#[derive(Debug, Clone, PartialEq)]
pub struct Weighted {
    pub name: &'static str,
    /// What the rule counts, in a few words ("Merged PRs"): the start of its label.
    pub title: &'static str,
    /// Why the rule exists, in words; [`Weighted::about`] adds every weight.
    pub about: &'static str,
    /// Kind → points for one contribution in a weight-1 repository today. Each kind once.
    pub weights: Vec<(Kind, f64)>,
}

impl Weighted {
    /// Short: the title and the range of points, e.g. "Reviews: 4 to 1.5 points each × repo
    /// scrutiny × recency". Every weight is in [`Weighted::about`].
    pub fn label(&self) -> String {
        let (Some(max), Some(min)) = (
            self.weights.iter().map(|w| w.1).reduce(f64::max),
            self.weights.iter().map(|w| w.1).reduce(f64::min),
        ) else {
            return format!("{}: no kind weighted", self.title);
        };
        let each = if max == min {
            points(max)
        } else {
            format!("{} to {} points", num(max), num(min))
        };
        format!("{}: {each} each × repo scrutiny × recency", self.title)
    }

    /// The long explanation, with every kind's weight.
    pub fn about(&self) -> String {
        if self.weights.is_empty() {
            return format!("{}: no kind weighted", self.about);
        }
        let list: Vec<String> = self
            .weights
            .iter()
            .map(|(k, w)| format!("{} {}", k.label(), num(*w)))
            .collect();
        format!(
            "{}: {} points each, × what the contribution weighs (mechanical edits and bursts less, substantive reviews more) × repository weight × recency",
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
