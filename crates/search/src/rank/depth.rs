//! Depth: sustained work over months counts more than one drive-by. Points for each distinct
//! 30-day period (per repository) with building work — by default merged PRs, commits,
//! co-authored commits and commits of merged PRs — times the repository weight and recency.
//! Within an `--area` or `--path` search the cells are already that area's, so this is depth
//! in the area. Monotone: more work never removes an active period. What it reports is
//! months, not contributions: a month with fifty commits is one month.

use super::{num, points, Context, Counted, Explain};
use builtby_model::Kind;
use builtby_store::Cell;

/// What a month's work of the counted kinds must weigh to make it active: one ordinary
/// contribution, or several small ones; a month of mechanical edits alone (0.1 each) does
/// not. Monotone: more work only adds weight.
const ACTIVE: f64 = 0.5;

#[derive(Debug, Clone, PartialEq)]
pub struct Depth {
    pub points_per_month: f64,
    /// The kinds that make a month active.
    pub kinds: Vec<Kind>,
}

impl Depth {
    pub fn label(&self) -> String {
        format!(
            "Active months per repo: {} each × repo scrutiny × recency",
            points(self.points_per_month)
        )
    }

    pub fn about(&self) -> String {
        let kinds: Vec<&str> = self.kinds.iter().map(|k| k.label()).collect();
        let kinds = match kinds.split_last() {
            None => "nothing".to_string(),
            Some((last, [])) => last.to_string(),
            Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        };
        format!(
            "Sustained work: {} points per active month (a 30-day period with a {kinds}) in each repository, × repository weight × recency",
            num(self.points_per_month)
        )
    }

    #[inline]
    pub fn score<E: Explain>(&self, cells: &[Cell], ctx: &Context, out: &mut E) -> f64 {
        // (repository, 30-day bucket) with the month's weight, in order: the sum's order is
        // fixed.
        let mut months: Vec<(i64, i64, f64)> = cells
            .iter()
            .filter(|c| c.n > 0 && self.kinds.contains(&c.kind))
            .map(|c| (c.repo_id, c.day.div_euclid(30), c.w))
            .collect();
        months.sort_unstable_by_key(|m| (m.0, m.1));
        let mut active: Vec<(i64, i64)> = Vec::with_capacity(months.len());
        let mut i = 0;
        while i < months.len() {
            let (repo, bucket) = (months[i].0, months[i].1);
            let mut w = 0.0;
            while i < months.len() && (months[i].0, months[i].1) == (repo, bucket) {
                w += months[i].2;
                i += 1;
            }
            if w >= ACTIVE {
                active.push((repo, bucket));
            }
        }
        let mut score = 0.0;
        for (repo, bucket) in active {
            let points =
                self.points_per_month * ctx.repo_weight(repo) * ctx.decay(bucket * 30 + 15);
            score += points;
            out.add(repo, Counted::ActiveMonth, 1, points);
        }
        score
    }
}
