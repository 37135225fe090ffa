//! Broad scopes, pruned: the materialised ranking's scores are upper bounds on any scope's.
//!
//! Every rule is monotone (one more contribution never lowers a score), and a scope only
//! removes cells or lowers their weights (a path's share of a change is at most all of it).
//! So a person's score in any scope, at the ranking's as-of day and half-life, is at most
//! their score over everything: their row in the ranking. A search over a broad scope ("merged
//! PRs", "since 2024") walks the ranking best first, scores each person in the scope exactly,
//! and stops when the next person's bound falls below the page's last exact score: nobody
//! further down can reach the page, tie with it, or stand above anyone on it (the threshold
//! algorithm of Fagin et al.; WAND in search engines). The total is one count over the
//! scope's rollup rows.
//!
//! Used when the ranking is current and the scope has more than [`SCORE_ALL_BELOW`] people
//! (below that, scoring them all is as cheap) and no filter the ranking cannot count (text,
//! paths, free-text location, roles, measured work, the ATS); the answer is the one scoring
//! everyone gives, which a test holds it to.

use crate::rank::{self, Context};
use crate::run::{Gathered, SearchError};
use crate::{Catalog, Query};
use builtby_model::{time, BotRules, Identity};
use builtby_store::{Cell, CellQuery, PersonRow, RankFilter, RankRow, Store};
use std::collections::HashMap;

/// Scopes with at most this many people are scored whole. Scoring a person whole costs their
/// row, place and cells (~20 µs on the shared hours), so 2,000 was too many: "merged PRs"
/// (487 people there) took 2× the time of walking the ranking to its page.
pub const SCORE_ALL_BELOW: u32 = 200;

/// People scored per read of the ranking, at most: a walk reads what the page asks for first
/// (scoring 256 people for a page of 20 made the walk most of a broad search's time), then
/// twice as many at each read.
const CHUNK_AT_MOST: u32 = 4096;

/// Whether pruning can answer `q` exactly.
fn prunable(q: &Query, scope: &CellQuery) -> bool {
    scope.text.is_none()
        && scope.paths.is_none()
        && scope.person_ids.is_none()
        && scope
            .until
            .is_some_and(|u| time::day_of(u) == time::day_of(q.as_of))
        && q.half_life_months == Query::default().half_life_months
        && q.location.is_none()
        && q.roles.is_empty()
        && q.kaggle_tier.is_none()
        && q.min_downloads.is_none()
        && q.papers.is_none()
        && !q.not_in_ats
}

/// The pruned answer to `q`, or `None` to score everyone in scope.
pub(crate) fn gather(
    store: &Store,
    catalog: &Catalog,
    bots: &BotRules,
    q: &Query,
    scope: &CellQuery,
    keep: &dyn Fn(&PersonRow, Option<&crate::place::Place>) -> bool,
) -> Result<Option<Gathered>, SearchError> {
    if !prunable(q, scope) || !crate::ranking::current(store, catalog, bots, q)? {
        return Ok(None);
    }
    let filter = RankFilter {
        include_bots: q.include_bots,
        metro: q.metro.clone(),
        country: q.country.clone(),
    };
    let matched = store.ranking_count_in_scope(&filter, scope)?;
    if matched <= SCORE_ALL_BELOW {
        return Ok(None);
    }
    let want = q.offset as usize + q.limit as usize;
    let mut walk = Walk::new(store, catalog, q, scope, &filter);
    // Exact down to the page (and room for folded identities), then further while the fold
    // needs rows below what is exact.
    let mut k = want + want / 2 + 16;
    loop {
        walk.exact_top(k)?;
        let mut g = walk.gathered(keep)?;
        let trusted = g.position.len();
        let fold = crate::fold::fold_likely(store, &g.scored, &g.by_login, q)?;
        let partners_below = walk.partners_below(&g)?;
        if walk.exhausted
            || (fold.order.len() >= want && fold.walked <= trusted && partners_below.is_none())
        {
            g.scored_count = matched;
            return Ok(Some(g));
        }
        match partners_below {
            // every one of them must be scored, and everyone above them
            Some(floor) if fold.order.len() >= want && fold.walked <= trusted => {
                walk.exact_down_to(floor)?
            }
            _ => k *= 2,
        }
    }
}

/// The ranking walked best first, each person scored exactly in the scope.
struct Walk<'a> {
    store: &'a Store,
    catalog: &'a Catalog,
    q: &'a Query,
    scope: &'a CellQuery,
    filter: &'a RankFilter,
    /// (ranking row, exact score, contributions) of everyone walked with work in scope.
    scored: Vec<(RankRow, f64, i64)>,
    cells: HashMap<i64, Vec<Cell>>,
    ctx: Context,
    after: i64,
    /// The next unwalked row's bound (`None`: none left).
    next_bound: Option<f64>,
    exhausted: bool,
    /// Scores at or above this are exact in standing: nobody unwalked can reach them.
    trusted_down_to: f64,
    /// Rows the last read of the ranking asked for.
    last_read: u32,
}

impl<'a> Walk<'a> {
    fn new(
        store: &'a Store,
        catalog: &'a Catalog,
        q: &'a Query,
        scope: &'a CellQuery,
        filter: &'a RankFilter,
    ) -> Self {
        Walk {
            store,
            catalog,
            q,
            scope,
            filter,
            scored: Vec::new(),
            cells: HashMap::new(),
            ctx: Context {
                as_of_day: time::day_of(q.as_of),
                half_life_days: q.half_life_months * 30.44,
                repos: HashMap::new(),
                measured: HashMap::new(),
            },
            after: 0,
            next_bound: Some(f64::INFINITY),
            exhausted: false,
            trusted_down_to: f64::INFINITY,
            last_read: 0,
        }
    }

    /// Is every unwalked person's bound below `score` (by more than float noise)?
    fn below(&self, score: f64) -> bool {
        self.next_bound
            .is_none_or(|b| b < score && !rank::same_score(b, score))
    }

    /// Walks until the `k` best exact scores can no longer be reached from below.
    fn exact_top(&mut self, k: usize) -> Result<(), SearchError> {
        loop {
            let kth = self.kth(k);
            if let Some(t) = kth {
                if self.below(t) {
                    self.trusted_down_to = self.trusted_down_to.min(t);
                    return Ok(());
                }
            }
            if !self.step(k)? {
                self.trusted_down_to = f64::NEG_INFINITY;
                return Ok(());
            }
        }
    }

    /// Walks until nobody unwalked can reach `floor`.
    fn exact_down_to(&mut self, floor: f64) -> Result<(), SearchError> {
        while !self.below(floor) {
            if !self.step(0)? {
                self.trusted_down_to = f64::NEG_INFINITY;
                return Ok(());
            }
        }
        self.trusted_down_to = self.trusted_down_to.min(floor);
        Ok(())
    }

    fn kth(&self, k: usize) -> Option<f64> {
        if self.scored.len() < k {
            return None;
        }
        let mut s: Vec<f64> = self.scored.iter().map(|x| x.1).collect();
        let (_, kth, _) = s.select_nth_unstable_by(k - 1, |a, b| b.total_cmp(a));
        Some(*kth)
    }

    /// Scores the next rows of the ranking (at least `k`, and twice the last read); `false`
    /// when none is left.
    fn step(&mut self, k: usize) -> Result<bool, SearchError> {
        if self.exhausted {
            return Ok(false);
        }
        let n = (self.last_read * 2).max(k as u32).clamp(16, CHUNK_AT_MOST);
        self.last_read = n;
        // one row more than is scored: its score bounds everyone unwalked
        let mut rows = self.store.ranking_rows(self.filter, self.after, n + 1)?;
        let next = (rows.len() as u32 > n).then(|| rows.pop()).flatten();
        let Some(last) = rows.last() else {
            self.next_bound = None;
            self.exhausted = true;
            return Ok(false);
        };
        self.after = last.pos;
        let mut s = self.scope.clone();
        s.person_ids = Some(rows.iter().map(|r| r.person_id).collect());
        let mut mine: HashMap<i64, Vec<Cell>> = HashMap::new();
        for c in self.store.cells(&s)? {
            mine.entry(c.person_id).or_default().push(c);
        }
        let more = crate::run::context(self.store, self.catalog, self.q, mine.values().flatten())?;
        self.ctx.repos.extend(more.repos);
        self.ctx.measured.extend(more.measured);
        let rules = self.catalog.rules();
        for r in rows {
            if let Some(cells) = mine.remove(&r.person_id) {
                let score = rules.total(&cells, &self.ctx);
                let n = cells.iter().map(|c| c.n).sum();
                self.scored.push((r, score, n));
                self.cells.insert(r.person_id, cells);
            }
        }
        self.next_bound = next.map(|r| r.score);
        if self.next_bound.is_none() {
            self.exhausted = true;
        }
        Ok(true)
    }

    /// Everyone walked, in ranking order, with standings for the exact part.
    fn gathered(
        &self,
        keep: &dyn Fn(&PersonRow, Option<&crate::place::Place>) -> bool,
    ) -> Result<Gathered, SearchError> {
        let mut ids: Vec<i64> = self.scored.iter().map(|s| s.0.person_id).collect();
        ids.sort_unstable();
        let mut people: HashMap<i64, PersonRow> = self
            .store
            .people(&ids)?
            .into_iter()
            .map(|p| (p.id, p))
            .collect();
        let places = self.store.places(&ids)?;
        let mut by_id: Vec<&(RankRow, f64, i64)> = self.scored.iter().collect();
        by_id.sort_by_key(|s| s.0.person_id);
        let mut scored: Vec<(PersonRow, f64, i64)> = Vec::with_capacity(by_id.len());
        for s in by_id {
            let Some(p) = people.remove(&s.0.person_id) else {
                continue;
            };
            if keep(&p, places.get(&p.id)) {
                scored.push((p, s.1, s.2));
            }
        }
        scored.sort_by(|a, b| rank::compare((a.1, a.2, &a.0.login), (b.1, b.2, &b.0.login)));
        // Standings only where they are exact: down to the last score nobody unwalked can
        // reach (`position` is shorter than `scored`: the fold must not read past it).
        let exact = scored
            .iter()
            .take_while(|s| {
                s.1 >= self.trusted_down_to || rank::same_score(s.1, self.trusted_down_to)
            })
            .count();
        let scores: Vec<f64> = scored[..exact].iter().map(|s| s.1).collect();
        let mut by_login = HashMap::new();
        for (i, s) in scored.iter().enumerate() {
            if Identity::parse(&s.0.login).is_github() {
                by_login.insert(s.0.login.to_lowercase(), i);
            }
        }
        Ok(Gathered {
            position: crate::standing::positions(&scores),
            scored_count: 0,
            by_login,
            places,
            scored,
            cells: Some((self.cells.clone(), clone_ctx(&self.ctx))),
            roles: HashMap::new(),
        })
    }

    /// The lowest score among GitHub accounts that git identities on the exact part fold into
    /// but that are not on it yet (walked below it, or not walked: scored now); `None` when
    /// there are none.
    fn partners_below(&mut self, g: &Gathered) -> Result<Option<f64>, SearchError> {
        let exact = g.position.len();
        let git: Vec<i64> = g.scored[..exact]
            .iter()
            .filter(|s| !Identity::parse(&s.0.login).is_github())
            .map(|s| s.0.id)
            .collect();
        let mut floor: Option<f64> = None;
        let mut lower = |score: f64| floor = Some(floor.map_or(score, |f: f64| f.min(score)));
        for (_, (login, _)) in self.store.likely_logins(&git)? {
            if let Some(&j) = g.by_login.get(&login.to_lowercase()) {
                if j >= exact {
                    lower(g.scored[j].1);
                }
                continue;
            }
            for (id, name) in self.store.people_named(&login)? {
                if !Identity::parse(&name).is_github()
                    || self.cells.contains_key(&id)
                    || self.store.ranking_row(self.filter, id)?.is_none()
                {
                    continue;
                }
                let mut s = self.scope.clone();
                s.person_ids = Some(vec![id]);
                let cells = self.store.cells(&s)?;
                if cells.is_empty() {
                    continue;
                }
                let more = crate::run::context(self.store, self.catalog, self.q, cells.iter())?;
                let mut ctx = clone_ctx(&self.ctx);
                ctx.repos.extend(more.repos);
                ctx.measured.extend(more.measured);
                lower(self.catalog.rules().total(&cells, &ctx));
            }
        }
        Ok(floor)
    }
}

fn clone_ctx(c: &Context) -> Context {
    Context {
        as_of_day: c.as_of_day,
        half_life_days: c.half_life_days,
        repos: c.repos.clone(),
        measured: c.measured.clone(),
    }
}
