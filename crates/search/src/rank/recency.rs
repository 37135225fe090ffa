//! "Active now": contributions in the last `window_days` before the as-of date count a fixed
//! number of points each (pushes less, commits of a merged PR nothing: they count with the
//! PR), whatever the repository and without decay. Someone who shipped last month beats
//! someone equally strong who stopped three years ago.

use super::{num, points, Context, Counted, Explain};
use builtby_model::Kind;
use builtby_store::Cell;

#[derive(Debug, Clone, PartialEq)]
pub struct Recency {
    pub window_days: i64,
    /// Points for a contribution of a kind not in `weights`.
    pub default: f64,
    /// Kinds that count otherwise. Each kind once.
    pub weights: Vec<(Kind, f64)>,
}

impl Recency {
    /// `6 months` when the window is close to whole months, else `45 days`.
    fn window(&self) -> String {
        match self.months() {
            Some(m) => format!("{m} month{}", if m == 1 { "" } else { "s" }),
            None => format!("{} days", self.window_days),
        }
    }

    fn months(&self) -> Option<i64> {
        let months = self.window_days as f64 / 30.44;
        (months >= 0.9 && (months - months.round()).abs() < 0.1).then(|| months.round() as i64)
    }

    pub fn label(&self) -> String {
        let max = self
            .weights
            .iter()
            .map(|w| w.1)
            .fold(self.default, f64::max);
        let each = if self.weights.iter().all(|w| w.1 == self.default) {
            points(self.default)
        } else {
            format!("up to {}", points(max))
        };
        format!(
            "Recent work (last {}): {each} each, no decay",
            self.window()
        )
    }

    pub fn about(&self) -> String {
        let about = match self.months() {
            Some(_) => format!(" (about {})", self.window()),
            None => String::new(),
        };
        let mut s = format!(
            "Contributions in the last {} days{about}, any repository: {} point{} each",
            self.window_days,
            num(self.default),
            if self.default == 1.0 { "" } else { "s" }
        );
        for (k, w) in &self.weights {
            s.push_str(&format!(", {} {}", k.label(), num(*w)));
        }
        s.push_str("; no recency decay, whatever the repository");
        s
    }

    fn weight(&self, kind: Kind) -> f64 {
        self.weights
            .iter()
            .find(|(k, _)| *k == kind)
            .map_or(self.default, |&(_, w)| w)
    }

    #[inline]
    pub fn score<E: Explain>(&self, cells: &[Cell], ctx: &Context, out: &mut E) -> f64 {
        let mut score = 0.0;
        // Cells are 30-day buckets labelled by their middle day: a bucket counts when its
        // middle is inside the window.
        for c in cells
            .iter()
            .filter(|c| c.day >= ctx.as_of_day - self.window_days)
        {
            let points = c.w * self.weight(c.kind);
            score += points;
            out.add(c.repo_id, Counted::Kind(c.kind), c.n, points);
        }
        score
    }
}
