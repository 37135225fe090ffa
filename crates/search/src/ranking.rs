//! "Everyone", fast: the unscoped search reads the store's materialised ranking (see the
//! store's `ranking.rs`) instead of scoring every account per request.
//!
//! **What it is.** Every account with work, scored by the same rules and sorted by the same
//! comparison as [`crate::search`] does for a query without a scope, at one as-of day, kept
//! in the store with its place and whether it is shown. A search with no repository,
//! ecosystem, kind, source, time, text, path or area filter, at the default half-life, whose
//! person filters are only `--metro`, `--country`, `--location` and `--include-bots`, reads
//! the first rows passing its filters in that order, counts the rest (with an index; a
//! free-text location is tested on each located account), and scores only the people on its
//! page (for their details and evidence). A broad scope is pruned with the ranking's scores
//! as bounds (`pruned.rs`); any other search scores its scope: a scope is what makes it
//! small.
//!
//! **Same answer.** The page, the total and every standing are the ones scoring everyone
//! gives: the cells are summed in one canonical order (so scores agree bit for bit), the
//! order is the same stable sort from the same id order, and a standing is counted from the
//! rows above it. A test compares both ways over real data.
//!
//! **Kept current.** Any write to what a score reads marks the ranking stale (store
//! triggers). The ingest commands rebuild it when they finish ([`refresh`]); a search for
//! today that finds it stale rebuilds it through a short-lived writer, and falls back to
//! scoring everyone when the store cannot be written or a writer holds it.

use crate::rank::{self, Context};
use crate::run::{Gathered, SearchError};
use crate::{Catalog, Query};
use builtby_model::{time, BotRules, Identity};
use builtby_store::{
    Cell, CellQuery, PersonRow, RankEntry, RankFilter, RankRow, RankingBuild, Store,
};
use std::collections::HashMap;

/// Bumped when what the ranking stores or how it is computed changes: older rankings are
/// rebuilt.
const VERSION: &str = "3";

/// How long a search waits for the write lock to rebuild a stale ranking before it scores
/// everyone instead.
const REBUILD_WAIT: std::time::Duration = std::time::Duration::from_millis(200);

/// What a ranking was computed with: the rules and their numbers, the catalog (repository
/// scrutiny), the bot rules and the half-life. A ranking built with anything else is stale.
pub fn fingerprint(catalog: &Catalog, bots: &BotRules, half_life_months: f64) -> String {
    let mut h = Fnv::default();
    h.write(VERSION.as_bytes());
    h.write(&catalog.digest_hash().to_le_bytes());
    h.write(bots.canonical().as_bytes());
    h.write(&half_life_months.to_le_bytes());
    format!("{:016x}", h.0)
}

/// `bytes` hashed with [`Fnv`].
pub(crate) fn fnv(bytes: &[u8]) -> u64 {
    let mut h = Fnv::default();
    h.write(bytes);
    h.0
}

/// FNV-1a, 64 bits: a fingerprint that is the same in every process (std's hasher is keyed
/// per process).
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= b as u64;
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
        // a separator, so ("ab", "c") and ("a", "bc") differ
        self.0 ^= 0xff;
        self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
    }
}

/// Whether the ranking can answer `q`: no scope, the default half-life, and no person filter
/// but metro, country and bots.
pub(crate) fn answers(q: &Query, scope: &CellQuery) -> bool {
    let default = Query::default();
    scope.repo_ids.is_none()
        && scope.kinds.is_none()
        && scope.since.is_none()
        && scope.text.is_none()
        && scope.paths.is_none()
        && scope.person_ids.is_none()
        && scope
            .until
            .is_some_and(|u| time::day_of(u) == time::day_of(q.as_of))
        && q.half_life_months == default.half_life_months
        && q.roles.is_empty()
        && q.kaggle_tier.is_none()
        && q.min_downloads.is_none()
        && q.papers.is_none()
        && !q.not_in_ats
}

/// Makes the stored ranking current for `as_of` (builds it when stale). Returns whether it
/// built. Needs a writable store; the ingest commands call it when they finish.
pub fn refresh(
    store: &mut Store,
    catalog: &Catalog,
    bots: &BotRules,
    as_of: i64,
) -> Result<bool, SearchError> {
    let day = time::day_of(as_of);
    let fp = fingerprint(catalog, bots, Query::default().half_life_months);
    if store.ranking_fresh(day, &fp)? {
        return Ok(false);
    }
    Ok(store.ranking_rebuild(day, &fp, |s| build(s, catalog, bots, as_of))?)
}

/// Every account with work up to `as_of`, scored and in ranking order, and the topic counts
/// of the role guesses (see [`crate::role_features`]).
fn build(
    store: &Store,
    catalog: &Catalog,
    bots: &BotRules,
    as_of: i64,
) -> builtby_store::Result<RankingBuild> {
    let topics = crate::role_features::count_topics(store, None, as_of)?;
    let people = store.rank_people()?;
    let ids = store.repo_ids()?;
    let repos = store
        .repos(&ids)?
        .into_iter()
        .map(|(id, name, contributors)| {
            let w = rank::repo_weight(catalog.scrutiny(&name), contributors);
            (id, (name, w))
        })
        .collect();
    let mut ctx = Context {
        as_of_day: time::day_of(as_of),
        half_life_days: Query::default().half_life_months * 30.44,
        repos,
        measured: HashMap::new(),
    };
    let rules = catalog.rules();
    // (entry, login), in id order: the order scoring everyone starts from.
    let mut all: Vec<(RankEntry, &str)> = Vec::new();
    store.each_person_cells(time::day_of(as_of), |pid, cells| {
        let Some(p) = people.get(&pid) else {
            return Ok(());
        };
        let measured = cells
            .iter()
            .any(|c| c.kind.platform() != "github" && c.kind.platform() != "git");
        if measured {
            ctx.measured
                .insert(pid, store.measured(&[pid], as_of)?.into_iter().collect());
        }
        let score = rules.total(&cells, &ctx);
        ctx.measured.remove(&pid);
        let shown = if p.opted_out {
            0
        } else if bots.is_bot_by(&p.login, p.is_bot_type, p.behaviour.as_deref())
            || p.not_person.is_some()
        {
            1
        } else {
            2
        };
        all.push((
            RankEntry {
                person_id: pid,
                score,
                n: cells.iter().map(|c| c.n).sum(),
                shown,
                metro: p.metro.clone(),
                also_metros: p.also_metros.clone(),
                country: p.country.clone(),
                location: p.location.clone(),
                city: p.city.clone(),
                region: p.region.clone(),
                location_lower: crate::place::location_lower(p.location.as_deref()),
                place_norm: crate::place::place_norm(
                    p.city.as_deref(),
                    p.region.as_deref(),
                    p.metro.as_deref(),
                    p.country.as_deref(),
                ),
            },
            p.login.as_str(),
        ));
        Ok(())
    })?;
    all.sort_by_key(|e| e.0.person_id);
    all.sort_by(|a, b| rank::compare((a.0.score, a.0.n, a.1), (b.0.score, b.0.n, b.1)));
    Ok(RankingBuild {
        entries: all.into_iter().map(|e| e.0).collect(),
        topics,
        topics_key: crate::role_features::topics_key().to_string(),
    })
}

/// The ranking's answer to `q`, when it can give one: the people the page needs (every row
/// down to the page's last tie, and any GitHub account a git identity there folds into),
/// their standings, and how many matched. `None`: score everyone.
pub(crate) fn gather(
    store: &Store,
    catalog: &Catalog,
    bots: &BotRules,
    q: &Query,
    scope: &CellQuery,
    keep: &dyn Fn(&PersonRow, Option<&crate::place::Place>) -> bool,
) -> Result<Option<Gathered>, SearchError> {
    if !answers(q, scope) || !current(store, catalog, bots, q)? {
        return Ok(None);
    }
    let filter = RankFilter {
        include_bots: q.include_bots,
        metro: q.metro.clone(),
        country: q.country.clone(),
    };
    let source = match &q.location {
        None => Source::Store(store, filter),
        // a free-text location: tested in SQL on every located account, in ranking order
        Some(_) => {
            let places = crate::place::PlaceFilter::new(q);
            let wanted = places.wanted().expect("a location filter");
            Source::Matched(store.ranking_located(&filter, &wanted)?)
        }
    };
    let matched = source.count(None)?;
    let want = q.offset as usize + q.limit as usize;
    // Rows to read: the page, plus room for git identities folding into accounts above them;
    // doubled until the fold fills the page or the rows run out.
    let mut read = want + want / 2 + 16;
    loop {
        let g = read_rows(store, &source, keep, read)?;
        let exhausted = g.rows_read < read;
        let fold = crate::fold::fold_likely(store, &g.scored, &g.by_login, q)?;
        if exhausted || (fold.order.len() >= want && fold.walked <= g.prefix) {
            let mut g = g;
            g.scored_count = matched;
            return Ok(Some(g.finish()));
        }
        read *= 2;
    }
}

/// Whether the ranking is current for `q`, rebuilding it when it is stale and `q` asks about
/// today (a past as-of day is answered by scoring everyone: one ranking is kept, today's).
pub(crate) fn current(
    store: &Store,
    catalog: &Catalog,
    bots: &BotRules,
    q: &Query,
) -> Result<bool, SearchError> {
    let day = time::day_of(q.as_of);
    let fp = fingerprint(catalog, bots, q.half_life_months);
    if store.ranking_fresh(day, &fp)? {
        return Ok(true);
    }
    if day != time::day_of(time::now()) || store.is_immutable() {
        return Ok(false);
    }
    // A writer of our own, waiting briefly: a long ingest holding the store is not waited
    // for (its end rebuilds the ranking).
    let Ok(mut writer) = Store::open_file(store.path()) else {
        return Ok(false);
    };
    if writer.set_busy_timeout(REBUILD_WAIT).is_err() {
        return Ok(false);
    }
    match refresh(&mut writer, catalog, bots, q.as_of) {
        Ok(_) => Ok(store.ranking_fresh(day, &fp)?),
        // busy (a writer holds the store) or failing: answered by scoring everyone
        Err(_) => Ok(false),
    }
}

/// Where a search's ranked rows come from: the store, read through its indexes (people,
/// bots, metro, country), or the rows a free-text location matched, in ranking order.
enum Source<'a> {
    Store(&'a Store, RankFilter),
    Matched(Vec<RankRow>),
}

impl Source<'_> {
    /// Rows after position `pos`, in order, at most `limit`.
    fn after(&self, pos: i64, limit: usize) -> Result<Vec<RankRow>, SearchError> {
        Ok(match self {
            Source::Store(s, f) => s.ranking_rows(f, pos, limit as u32)?,
            Source::Matched(rows) => {
                let i = rows.partition_point(|r| r.pos <= pos);
                rows[i..].iter().take(limit).copied().collect()
            }
        })
    }

    /// Rows before position `pos`, nearest first, at most `limit`.
    fn before(&self, pos: i64, limit: usize) -> Result<Vec<RankRow>, SearchError> {
        Ok(match self {
            Source::Store(s, f) => s.ranking_rows_before(f, pos, limit as u32)?,
            Source::Matched(rows) => {
                let i = rows.partition_point(|r| r.pos < pos);
                rows[..i].iter().rev().take(limit).copied().collect()
            }
        })
    }

    /// How many rows (before position `before`, if given).
    fn count(&self, before: Option<i64>) -> Result<u32, SearchError> {
        Ok(match self {
            Source::Store(s, f) => s.ranking_count(f, before)?,
            Source::Matched(rows) => match before {
                None => rows.len() as u32,
                Some(p) => rows.partition_point(|r| r.pos < p) as u32,
            },
        })
    }

    /// The row of an account, if it is among them.
    fn row(&self, person_id: i64) -> Result<Option<RankRow>, SearchError> {
        Ok(match self {
            Source::Store(s, f) => s.ranking_row(f, person_id)?,
            Source::Matched(rows) => rows.iter().find(|r| r.person_id == person_id).copied(),
        })
    }
}

/// The first rows passing the filters, as a search's scored list.
struct Prefix {
    scored: Vec<(PersonRow, f64, i64)>,
    places: HashMap<i64, crate::place::Place>,
    by_login: HashMap<String, usize>,
    /// How many of `scored` are the leading rows (the rest are accounts folded into from
    /// below).
    prefix: usize,
    rows_read: usize,
    scored_count: u32,
    position: Vec<(u32, u32)>,
}

fn read_rows(
    store: &Store,
    source: &Source,
    keep: &dyn Fn(&PersonRow, Option<&crate::place::Place>) -> bool,
    want_rows: usize,
) -> Result<Prefix, SearchError> {
    let mut rows: Vec<RankRow> = Vec::new();
    let mut after = 0;
    // the rows asked for, then the rest of the last one's tie
    loop {
        let chunk = if rows.len() < want_rows {
            (want_rows - rows.len()).max(64)
        } else {
            64
        };
        let got = source.after(after, chunk)?;
        let done = got.len() < chunk;
        for r in got {
            let tied_with_last = rows
                .last()
                .is_some_and(|l: &RankRow| rank::same_score(l.score, r.score));
            if rows.len() >= want_rows && !tied_with_last {
                return prefix_of(store, source, keep, rows);
            }
            after = r.pos;
            rows.push(r);
        }
        if done {
            return prefix_of(store, source, keep, rows);
        }
    }
}

fn prefix_of(
    store: &Store,
    source: &Source,
    keep: &dyn Fn(&PersonRow, Option<&crate::place::Place>) -> bool,
    rows: Vec<RankRow>,
) -> Result<Prefix, SearchError> {
    let rows_read = rows.len();
    let ids: Vec<i64> = rows.iter().map(|r| r.person_id).collect();
    let mut people: HashMap<i64, PersonRow> =
        store.people(&ids)?.into_iter().map(|p| (p.id, p)).collect();
    let mut places = store.places(&ids)?;
    let mut scored = Vec::with_capacity(rows.len());
    for r in &rows {
        let Some(p) = people.remove(&r.person_id) else {
            continue;
        };
        if !keep(&p, places.get(&p.id)) {
            continue;
        }
        scored.push((p, r.score, r.n));
    }
    let scores: Vec<f64> = scored.iter().map(|s| s.1).collect();
    let mut position = crate::standing::positions(&scores);
    let prefix = scored.len();
    let mut by_login: HashMap<String, usize> = HashMap::new();
    for (i, s) in scored.iter().enumerate() {
        if Identity::parse(&s.0.login).is_github() {
            by_login.insert(s.0.login.to_lowercase(), i);
        }
    }
    // Git identities here fold into their likely GitHub account wherever it ranks: those
    // ranked below the rows read join the list (in ranking order), with their standing
    // counted from the rows above them.
    let git: Vec<i64> = scored
        .iter()
        .filter(|s| !Identity::parse(&s.0.login).is_github())
        .map(|s| s.0.id)
        .collect();
    let mut below: Vec<(RankRow, PersonRow)> = Vec::new();
    for (_, (login, _)) in store.likely_logins(&git)? {
        if by_login.contains_key(&login.to_lowercase())
            || below.iter().any(|b| b.1.login.eq_ignore_ascii_case(&login))
        {
            continue;
        }
        // the lowest-ranked of the same login wins, as a map filled in ranking order does
        let mut best: Option<(RankRow, PersonRow)> = None;
        for (id, name) in store.people_named(&login)? {
            if !Identity::parse(&name).is_github() {
                continue;
            }
            let Some(row) = source.row(id)? else {
                continue;
            };
            let Some(p) = store.people(&[id])?.pop() else {
                continue;
            };
            let place = store.places(&[id])?;
            if !keep(&p, place.get(&id)) {
                continue;
            }
            if best.as_ref().is_none_or(|b| b.0.pos < row.pos) {
                places.extend(place);
                best = Some((row, p));
            }
        }
        if let Some(b) = best {
            below.push(b);
        }
    }
    below.sort_by_key(|b| b.0.pos);
    for (row, p) in below {
        position.push(standing_of(source, &row)?);
        by_login.insert(p.login.to_lowercase(), scored.len());
        scored.push((p, row.score, row.n));
    }
    Ok(Prefix {
        scored,
        places,
        by_login,
        prefix,
        rows_read,
        scored_count: 0,
        position,
    })
}

/// (position, others tied) of a ranked row among the rows passing `filter`: its tie group is
/// found by walking the neighbours while scores are the same, as [`crate::standing::positions`]
/// groups them.
fn standing_of(source: &Source, row: &RankRow) -> Result<(u32, u32), SearchError> {
    let mut first = *row;
    'up: loop {
        let up = source.before(first.pos, 64)?;
        for r in &up {
            if !rank::same_score(r.score, first.score) {
                break 'up;
            }
            first = *r;
        }
        if up.len() < 64 {
            break;
        }
    }
    let mut last = *row;
    loop {
        let down = source.after(last.pos, 64)?;
        let n = down.len();
        let mut stopped = false;
        for r in down {
            if rank::same_score(last.score, r.score) {
                last = r;
            } else {
                stopped = true;
                break;
            }
        }
        if stopped || n < 64 {
            break;
        }
    }
    let above = source.count(Some(first.pos))?;
    let group = source.count(Some(last.pos + 1))? - above;
    Ok((above + 1, group - 1))
}

impl Prefix {
    fn finish(self) -> Gathered {
        Gathered {
            scored: self.scored,
            places: self.places,
            by_login: self.by_login,
            scored_count: self.scored_count,
            position: self.position,
            cells: None,
            roles: HashMap::new(),
        }
    }
}

/// The cells and the scoring context of the people a page shows, for their details: the
/// same cells the ranking scored them with.
pub(crate) fn page_cells(
    store: &dyn builtby_store::Read,
    catalog: &Catalog,
    q: &Query,
    scope: &CellQuery,
    ids: &[i64],
) -> Result<(HashMap<i64, Vec<Cell>>, Context), SearchError> {
    let mut by_person: HashMap<i64, Vec<Cell>> = HashMap::new();
    if !ids.is_empty() {
        let mut s = scope.clone();
        s.person_ids = Some(ids.to_vec());
        for c in store.cells(&s)? {
            by_person.entry(c.person_id).or_default().push(c);
        }
    }
    let ctx = crate::run::context(store, catalog, q, by_person.values().flatten())?;
    Ok((by_person, ctx))
}
