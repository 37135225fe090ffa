//! Where a result stands within its search: "top 2% of 505 people in this search".
//!
//! A raw score has no scale (754 in one search, 0.000108 in another, where all the work is
//! old), so each result also says where its score falls among everyone who matched, before
//! paging. People with the same score (up to float noise, as [`crate::rank::same_score`]
//! says) share a standing: the best position of their group.

use serde::Serialize;

/// Below this many people a share reads oddly ("top 50% of 2"): the standing is a position.
pub const FEW: u32 = 20;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Standing {
    /// 1 + the people in this search with a higher score: tied people share it.
    pub position: u32,
    /// People in this search: everyone who matched, before paging (the results' `total`).
    pub of: u32,
    /// Others in this search with the same score.
    pub tied: u32,
    /// `position` as a share of `of`, in percent, rounded up (to a tenth below 1%): the 2 of
    /// "top 2%". 100 for the last person, and for the only one.
    pub top_percent: f64,
    /// A band of `top_percent`: `top_1`, `top_5`, `top_10`, `top_25`, `top_half`,
    /// `lower_half`; `only` when one person matched.
    pub tier: &'static str,
    /// In words, the same everywhere (CLI, CSV, page): "top 2% of 505 people in this search",
    /// "bottom 10% of 505 people in this search", "#2 of 7 people in this search" (fewer than
    /// [`FEW`] people), "the only person in this search".
    pub text: String,
}

/// `part` of `whole` in percent, rounded up: to a whole percent from 1%, to a tenth below.
fn percent_up(part: u32, whole: u32) -> f64 {
    let (part, whole) = (part as u64, whole.max(1) as u64);
    let whole_pct = (100 * part).div_ceil(whole);
    if whole_pct > 1 {
        whole_pct as f64
    } else {
        (1000 * part).div_ceil(whole) as f64 / 10.0
    }
}

fn pct(x: f64) -> String {
    format!("{x}%")
}

impl Standing {
    /// The standing of the person at `position` (1-based, shared by ties) of `of`, with
    /// `tied` others on the same score.
    pub fn new(position: u32, tied: u32, of: u32) -> Standing {
        let of = of.max(1);
        let position = position.clamp(1, of);
        let top_percent = percent_up(position, of);
        let tier = match top_percent {
            _ if of == 1 => "only",
            p if p <= 1.0 => "top_1",
            p if p <= 5.0 => "top_5",
            p if p <= 10.0 => "top_10",
            p if p <= 25.0 => "top_25",
            p if p <= 50.0 => "top_half",
            _ => "lower_half",
        };
        let mut s = Standing {
            position,
            of,
            tied,
            top_percent,
            tier,
            text: String::new(),
        };
        s.text = match of {
            1 => "the only person in this search".to_string(),
            _ => format!("{} of {of} people in this search", s.short_part()),
        };
        s
    }

    /// The part before "of N": `top 2%`, `bottom 10%`, `#2` (with fewer than [`FEW`] people).
    fn short_part(&self) -> String {
        if self.of < FEW {
            format!("#{}", self.position)
        } else if self.top_percent <= 50.0 {
            format!("top {}", pct(self.top_percent))
        } else {
            format!(
                "bottom {}",
                pct(percent_up(self.of - self.position + 1, self.of))
            )
        }
    }

    /// For a narrow column: `top 2%`, `bottom 10%`, `#2 of 7`, `only one`.
    pub fn short(&self) -> String {
        match self.of {
            1 => "only one".to_string(),
            n if n < FEW => format!("#{} of {n}", self.position),
            _ => self.short_part(),
        }
    }
}

/// The standing of each score in `scores`, sorted best first as ranked: the population is
/// all of them. Scores that [`crate::rank::same_score`] calls equal share the position of
/// the first of them.
pub fn standings(scores: &[f64]) -> Vec<Standing> {
    let of = scores.len() as u32;
    positions(scores)
        .into_iter()
        .map(|(position, tied)| Standing::new(position, tied, of))
        .collect()
}

/// (position, others tied) of each score in `scores`, sorted best first: what
/// [`standings`] is made of, cheap enough for every person who matched.
pub fn positions(scores: &[f64]) -> Vec<(u32, u32)> {
    let mut out = Vec::with_capacity(scores.len());
    let mut start = 0;
    while start < scores.len() {
        let mut end = start + 1;
        while end < scores.len() && crate::rank::same_score(scores[end - 1], scores[end]) {
            end += 1;
        }
        let tied = (end - start - 1) as u32;
        for _ in start..end {
            out.push((start as u32 + 1, tied));
        }
        start = end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_round_up_and_name_a_tier() {
        let s = Standing::new(10, 0, 505);
        assert_eq!((s.top_percent, s.tier), (2.0, "top_5"));
        assert_eq!(s.text, "top 2% of 505 people in this search");
        assert_eq!(s.short(), "top 2%");
        // the first of 505 is in the top 0.2%, not "top 1%" like the fifth
        let s = Standing::new(1, 0, 505);
        assert_eq!((s.top_percent, s.tier), (0.2, "top_1"));
        assert_eq!(s.text, "top 0.2% of 505 people in this search");
        assert_eq!(Standing::new(5, 0, 500).top_percent, 1.0);
        assert_eq!(Standing::new(6, 0, 500).top_percent, 2.0);
        assert_eq!(Standing::new(250, 0, 500).tier, "top_half");
        // past the middle the text counts from the bottom; the last person is its bottom 0.2%
        let s = Standing::new(455, 0, 505);
        assert_eq!((s.top_percent, s.tier), (91.0, "lower_half"));
        assert_eq!(s.text, "bottom 11% of 505 people in this search");
        let last = Standing::new(505, 0, 505);
        assert_eq!(
            (last.top_percent, last.short()),
            (100.0, "bottom 0.2%".into())
        );
    }

    #[test]
    fn one_person_and_few_people() {
        let s = Standing::new(1, 0, 1);
        assert_eq!((s.position, s.of, s.tier), (1, 1, "only"));
        assert_eq!(s.text, "the only person in this search");
        assert_eq!(s.short(), "only one");
        assert_eq!(standings(&[3.5]), vec![s]);
        let s = Standing::new(2, 0, 7);
        assert_eq!(s.text, "#2 of 7 people in this search");
        assert_eq!(s.short(), "#2 of 7");
        assert!(standings(&[]).is_empty());
    }

    #[test]
    fn ties_share_the_best_position_of_their_group() {
        let scores = [9.0, 5.0, 5.0 * (1.0 + 1e-12), 5.0, 1.0, 0.0, 0.0];
        let s = standings(&scores);
        let pos: Vec<(u32, u32)> = s.iter().map(|s| (s.position, s.tied)).collect();
        assert_eq!(
            pos,
            [(1, 0), (2, 2), (2, 2), (2, 2), (5, 0), (6, 1), (6, 1)]
        );
        assert!(s.iter().all(|s| s.of == 7));
        assert_eq!(s[1], s[3], "ties get the same standing");
        // everyone tied: all first
        assert!(standings(&[2.0; 30])
            .iter()
            .all(|s| s.position == 1 && s.tied == 29));
    }

    /// A page further on shows the standing over everyone, not over the page: paging picks
    /// rows out of the same list.
    #[test]
    fn standing_is_over_the_whole_search_not_the_page() {
        let scores: Vec<f64> = (0..200).map(|i| 1000.0 - i as f64).collect();
        let all = standings(&scores);
        let (offset, limit) = (100, 20);
        let page = &all[offset..offset + limit];
        assert_eq!(page[0].position, 101);
        assert_eq!(page[0].of, 200);
        assert_eq!(page[0].text, "bottom 50% of 200 people in this search");
        assert_eq!(all[99].text, "top 50% of 200 people in this search");
        assert_eq!(page[19].position, 120);
    }
}
