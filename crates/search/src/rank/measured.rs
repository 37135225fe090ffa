//! Rules that weigh what a source measured about work off GitHub: `models` (Hugging Face),
//! `papers` (arXiv) and `kaggle`. Like every rule they are monotone (one more model, paper,
//! medal or a higher tier never lowers a score) and explain every term; they read the work's
//! [`builtby_model::Measures`] from [`Context::measured`], limited to the work in the search's
//! scope (the repositories, or rather places, and days of the person's cells).

use super::{num, points, Context, Counted, Explain};
use builtby_model::{time, Kind};
use builtby_store::{Cell, MeasuredRow};
use std::collections::HashSet;

/// arXiv categories of machine learning: a paper in one of them counts fully.
pub const ML_CATEGORIES: &[&str] = &[
    "cs.LG", "cs.AI", "stat.ML", "cs.CL", "cs.CV", "cs.NE", "cs.IR",
];

#[derive(Debug, Clone, PartialEq)]
pub struct Models {
    pub per_model: f64,
    pub per_tenfold_downloads: f64,
    pub per_tenfold_likes: f64,
    /// A model's points are × (1 + card × card quality 0..1).
    pub card: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Papers {
    pub per_paper: f64,
    /// Added when the paper links its code.
    pub code: f64,
    /// × for a paper outside [`ML_CATEGORIES`].
    pub off_topic: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Kaggle {
    /// Points of the highest tier per category: novice … grandmaster.
    pub tiers: [f64; 5],
    /// Points per medal: gold, silver, bronze (× recency).
    pub medals: [f64; 3],
}

/// The person's measured rows of `kind` in scope: in a place and a 30-day bucket of their
/// cells.
fn in_scope<'a>(
    cells: &[Cell],
    ctx: &'a Context,
    kind: Kind,
) -> impl Iterator<Item = &'a MeasuredRow> {
    let person = cells.first().map(|c| c.person_id);
    let days: HashSet<(i64, i64)> = cells
        .iter()
        .filter(|c| c.kind == kind)
        .map(|c| (c.repo_id, c.day))
        .collect();
    person
        .and_then(|p| ctx.measured.get(&p))
        .into_iter()
        .flatten()
        .filter(move |r| {
            r.kind == kind
                && days.contains(&(r.repo_id, builtby_store::bucket_day(time::day_of(r.at))))
        })
}

fn tenfold(n: Option<i64>) -> f64 {
    (1.0 + n.unwrap_or(0).max(0) as f64).log10()
}

impl Models {
    pub fn label(&self) -> String {
        format!(
            "Hugging Face models: {} + downloads, likes, card × recency",
            points(self.per_model)
        )
    }

    pub fn about(&self) -> String {
        format!(
            "Models on Hugging Face: {} each, + {} per tenfold downloads, + {} per tenfold likes, × (1 + {} × model-card quality), × recency",
            points(self.per_model),
            num(self.per_tenfold_downloads),
            num(self.per_tenfold_likes),
            num(self.card)
        )
    }

    pub fn score<E: Explain>(&self, cells: &[Cell], ctx: &Context, out: &mut E) -> f64 {
        let mut score = 0.0;
        for r in in_scope(cells, ctx, Kind::Model) {
            let m = &r.measures;
            let dl = m.downloads_all_time.or(m.downloads);
            let base = self.per_model
                + self.per_tenfold_downloads * tenfold(dl)
                + self.per_tenfold_likes * tenfold(m.likes);
            let points = base
                * (1.0 + self.card * m.card_score.unwrap_or(0.0).clamp(0.0, 1.0))
                * ctx.decay(time::day_of(r.at));
            score += points;
            out.add(r.repo_id, Counted::Kind(Kind::Model), 1, points);
        }
        score
    }
}

impl Papers {
    pub fn label(&self) -> String {
        format!(
            "arXiv papers: {}, + {} with code, × recency",
            points(self.per_paper),
            num(self.code)
        )
    }

    pub fn about(&self) -> String {
        format!(
            "Papers on arXiv: {} each, + {} when the paper links its code, × {} outside machine-learning categories, × recency",
            points(self.per_paper),
            num(self.code),
            num(self.off_topic)
        )
    }

    pub fn score<E: Explain>(&self, cells: &[Cell], ctx: &Context, out: &mut E) -> f64 {
        let mut score = 0.0;
        for r in in_scope(cells, ctx, Kind::Paper) {
            let m = &r.measures;
            let on_topic = m
                .categories
                .iter()
                .any(|c| ML_CATEGORIES.contains(&c.as_str()));
            let base = self.per_paper + if m.code_url.is_some() { self.code } else { 0.0 };
            let points =
                base * if on_topic { 1.0 } else { self.off_topic } * ctx.decay(time::day_of(r.at));
            score += points;
            out.add(r.repo_id, Counted::Kind(Kind::Paper), 1, points);
        }
        score
    }
}

impl Kaggle {
    pub fn label(&self) -> String {
        let most = |v: &[f64]| num(v.iter().copied().fold(0.0, f64::max));
        format!(
            "Kaggle: best tier per category (up to {}), medals (up to {})",
            most(&self.tiers),
            most(&self.medals)
        )
    }

    pub fn about(&self) -> String {
        format!(
            "Kaggle: the highest tier reached in each category (expert {}, master {}, grandmaster {}), medals gold {}, silver {}, bronze {} × recency",
            num(self.tiers[2]),
            num(self.tiers[3]),
            num(self.tiers[4]),
            num(self.medals[0]),
            num(self.medals[1]),
            num(self.medals[2])
        )
    }

    pub fn score<E: Explain>(&self, cells: &[Cell], ctx: &Context, out: &mut E) -> f64 {
        // the highest tier per category: a tier is a standing, not an event (no decay)
        let mut best: Vec<(String, u8, i64)> = Vec::new();
        for r in in_scope(cells, ctx, Kind::KaggleTier) {
            let (Some(t), cat) = (
                r.measures.tier,
                r.measures.category.clone().unwrap_or_default(),
            ) else {
                continue;
            };
            match best.iter_mut().find(|b| b.0 == cat) {
                Some(b) if b.1 >= t => {}
                Some(b) => {
                    b.1 = t;
                    b.2 = r.repo_id;
                }
                None => best.push((cat, t, r.repo_id)),
            }
        }
        let mut score = 0.0;
        for (_, t, repo) in best {
            let points = self.tiers[(t as usize).min(4)];
            score += points;
            out.add(repo, Counted::Kind(Kind::KaggleTier), 1, points);
        }
        for r in in_scope(cells, ctx, Kind::KaggleMedal) {
            let Some(m) = r.measures.medal.filter(|m| (1..=3).contains(m)) else {
                continue;
            };
            let points = self.medals[m as usize - 1] * ctx.decay(time::day_of(r.at));
            score += points;
            out.add(r.repo_id, Counted::Kind(Kind::KaggleMedal), 1, points);
        }
        score
    }
}
