//! Running a search: scope → cells → rules → page → evidence.

use crate::fold::{fold_likely, Fold};
use crate::query::{Query, QueryError};
use crate::rank::{self, Context};
use crate::results::{display_name, AlsoLikely, Evidence, Likely, SearchResult, SearchResults};
use crate::{Catalog, EVIDENCE_ORDER};
use builtby_model::{time, BotRules, Identity, Kind};
use builtby_store::{Cell, CellQuery, EvidenceQuery, PersonRow, Read, StoreError};
use std::collections::HashMap;

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error(transparent)]
    Query(#[from] QueryError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Runs `q` against the store. A search without a scope reads the materialised ranking
/// ([`crate::ranking`]) when it is current; any other scores its scope.
pub fn search(
    store: &dyn Read,
    catalog: &Catalog,
    bots: &BotRules,
    q: &Query,
) -> Result<SearchResults, SearchError> {
    search_with(store, catalog, bots, q, true)
}

/// [`search`] scoring every account in scope, never reading the materialised ranking: the
/// reference the ranking's answers are held to (they must be equal).
pub fn search_scoring_everyone(
    store: &dyn Read,
    catalog: &Catalog,
    bots: &BotRules,
    q: &Query,
) -> Result<SearchResults, SearchError> {
    search_with(store, catalog, bots, q, false)
}

fn search_with(
    store: &dyn Read,
    catalog: &Catalog,
    bots: &BotRules,
    q: &Query,
    use_ranking: bool,
) -> Result<SearchResults, SearchError> {
    q.validate(catalog)?;
    let (scope, repos_matched) = scope(store, catalog, q)?;
    let empty = |repos_matched| SearchResults {
        query: q.clone(),
        repos_matched,
        total: 0,
        results: Vec::new(),
        rules: catalog.rules().texts(),
    };
    if scope.repo_ids.as_ref().is_some_and(|r| r.is_empty())
        || scope.kinds.as_ref().is_some_and(|k| k.is_empty())
    {
        return Ok(empty(repos_matched));
    }
    let ats = store.ats_logins()?;
    let places_wanted = crate::place::PlaceFilter::new(q);
    let keep = |p: &PersonRow, place: Option<&crate::place::Place>| {
        (q.include_bots
            || !(bots.is_bot_by(&p.login, p.is_bot_type, p.behaviour.as_deref())
                || p.not_person.is_some()))
            && places_wanted.matches(p.location.as_deref(), place)
            && !(q.not_in_ats && in_ats(&ats, p))
    };
    // The materialised ranking lives in the SQLite store: another backend scores the scope.
    let ranked = match store.sqlite().filter(|_| use_ranking) {
        None => None,
        Some(sqlite) => match crate::ranking::gather(sqlite, catalog, bots, q, &scope, &keep)? {
            Some(g) => Some(g),
            None => crate::pruned::gather(sqlite, catalog, bots, q, &scope, &keep)?,
        },
    };
    let gathered = match ranked {
        Some(g) => g,
        None => score_everyone(store, catalog, q, &scope, &keep)?,
    };
    let Gathered {
        scored,
        mut places,
        by_login,
        scored_count,
        position,
        cells,
        mut roles,
    } = gathered;
    let Fold {
        order,
        mut also,
        mut likely,
        ..
    } = fold_likely(store, &scored, &by_login, q)?;
    let total = scored_count - also.values().map(Vec::len).sum::<usize>() as u32;
    let page: Vec<(usize, usize)> = order
        .into_iter()
        .enumerate()
        .skip(q.offset as usize)
        .take(q.limit as usize)
        .collect();
    let ids: Vec<i64> = page.iter().map(|&(_, idx)| scored[idx].0.id).collect();
    let (by_person, ctx) = match cells {
        Some(c) => c,
        None => crate::ranking::page_cells(store, catalog, q, &scope, &ids)?,
    };
    if q.roles.is_empty() {
        // The page's cells and repositories are read: its roles reuse them.
        let known = crate::role_features::Known {
            repos: &ctx.repos,
            whole_record: whole_record(&scope, q).then_some(&by_person),
        };
        roles = crate::role_features::roles_of_page(store, catalog, &ids, q.as_of, &known)?;
    }
    let rules = catalog.rules();
    // the page's evidence in one read: a scope's text or paths are matched once
    let mut evidence = store.evidence_many(
        &ids,
        &EvidenceQuery {
            person_id: 0,
            scope: scope.clone(),
            limit: q.evidence,
            offset: 0,
            kind_order: EVIDENCE_ORDER.to_vec(),
        },
    )?;
    let mut scored: Vec<Option<_>> = scored.into_iter().map(Some).collect();
    let mut results = Vec::new();
    for (i, idx) in page {
        let (p, score, _) = scored[idx].take().expect("each row is shown once");
        let also: Vec<AlsoLikely> = also
            .remove(&idx)
            .unwrap_or_default()
            .into_iter()
            .map(|(j, why)| {
                let (g, gs, _) = scored[j].take().expect("folded once");
                AlsoLikely {
                    display: display_name(&g.login, g.name.as_deref()),
                    login: g.login,
                    score: gs,
                    why,
                }
            })
            .collect();
        // Recorded by the same arithmetic that ranked: they sum to `score`.
        let details = rules.explain(&by_person[&p.id], &ctx);
        let evidence = evidence
            .remove(&p.id)
            .unwrap_or_default()
            .into_iter()
            .map(|r| Evidence::with_area(r, catalog, &q.paths))
            .collect();
        let mut counts: HashMap<Kind, i64> = HashMap::new();
        for c in &by_person[&p.id] {
            *counts.entry(c.kind).or_default() += c.n;
        }
        let mut counts: Vec<(Kind, i64)> = counts.into_iter().collect();
        counts.sort();
        let not_a_person = if bots.is_bot(&p.login, p.is_bot_type) {
            Some("a bot (GitHub's type, a [bot] login or the bot list)".to_string())
        } else if let Some(why) = &p.not_person {
            Some(why.clone())
        } else if bots.is_bot_by(&p.login, false, p.behaviour.as_deref()) {
            p.behaviour.clone()
        } else {
            None
        };
        results.push(SearchResult {
            in_ats: in_ats(&ats, &p),
            not_a_person,
            rank: i as u32 + 1,
            profile_url: Identity::parse(&p.login).profile_url(),
            display: display_name(&p.login, p.name.as_deref()),
            likely: likely
                .remove(&p.id)
                .map(|(login, why)| Likely { login, why }),
            also,
            login: p.login,
            name: p.name,
            location: p.location,
            place: places.remove(&p.id),
            company: p.company,
            score,
            standing: {
                let (at, tied) = position[idx];
                crate::Standing::new(at, tied, scored_count)
            },
            counts,
            roles: roles.remove(&p.id).unwrap_or_default(),
            details,
            evidence,
        });
    }
    Ok(SearchResults {
        query: q.clone(),
        repos_matched,
        total,
        results,
        rules: catalog.rules().texts(),
    })
}

/// Who a search scored, in ranking order, and what its page needs from them.
pub(crate) struct Gathered {
    pub scored: Vec<(PersonRow, f64, i64)>,
    pub places: HashMap<i64, crate::place::Place>,
    /// The GitHub accounts among `scored` by lower-cased login: where git identities fold.
    pub by_login: HashMap<String, usize>,
    /// Everyone who matched: `scored.len()` when everyone was scored, more when the
    /// ranking gave the top only.
    pub scored_count: u32,
    /// (position, others tied) of each of `scored`, among everyone who matched: folded
    /// identities count, so a standing does not move with the page size.
    pub position: Vec<(u32, u32)>,
    /// Everyone's cells and the scoring context, when everyone was scored.
    pub cells: Option<(HashMap<i64, Vec<Cell>>, Context)>,
    /// Roles, when a role filter needed them for everyone.
    pub roles: HashMap<i64, Vec<crate::RoleGuess>>,
}

/// Scores everyone in the scope: reads its cells, keeps the people passing the filters,
/// sorts them.
fn score_everyone(
    store: &dyn Read,
    catalog: &Catalog,
    q: &Query,
    scope: &CellQuery,
    keep: &dyn Fn(&PersonRow, Option<&crate::place::Place>) -> bool,
) -> Result<Gathered, SearchError> {
    let cells = store.cells(scope)?;
    let mut by_person: HashMap<i64, Vec<Cell>> = HashMap::new();
    for c in cells {
        by_person.entry(c.person_id).or_default().push(c);
    }
    let person_ids: Vec<i64> = by_person.keys().copied().collect();
    let people = store.people(&person_ids)?;
    let places: HashMap<i64, crate::place::Place> = store.places(&person_ids)?;
    let people: Vec<_> = people
        .into_iter()
        .filter(|p| keep(p, places.get(&p.id)))
        .collect();
    // Filters on measured work look at all of a person's measured work, whatever the scope
    // (`--source github --kaggle-tier master`: GitHub work of Kaggle masters).
    let people = if q.kaggle_tier.is_some() || q.min_downloads.is_some() || q.papers.is_some() {
        let ids: Vec<i64> = people.iter().map(|p| p.id).collect();
        let mut rows: HashMap<i64, Vec<builtby_store::MeasuredRow>> = HashMap::new();
        for r in store.measured(&ids, q.as_of)? {
            rows.entry(r.person_id).or_default().push(r);
        }
        people
            .into_iter()
            .filter(|p| passes_measured(q, rows.get(&p.id).map_or(&[][..], |v| &v[..])))
            .collect()
    } else {
        people
    };
    // Roles are judged from each person's whole record, for every candidate when a role is
    // asked for (before ranking and paging), else for the people shown only.
    let mut roles: HashMap<i64, Vec<crate::RoleGuess>> = HashMap::new();
    let people = if q.roles.is_empty() {
        people
    } else {
        let ids: Vec<i64> = people.iter().map(|p| p.id).collect();
        roles = crate::role_features::roles_of(store, catalog, &ids, q.as_of)?;
        people
            .into_iter()
            .filter(|p| {
                roles
                    .get(&p.id)
                    .is_some_and(|g| g.iter().any(|g| q.roles.contains(&g.role)))
            })
            .collect()
    };
    let ctx = context(store, catalog, q, by_person.values().flatten())?;
    let rules = catalog.rules();
    let mut scored: Vec<_> = people
        .into_iter()
        .map(|p| {
            let cells = &by_person[&p.id];
            let score = rules.total(cells, &ctx);
            let n = cells.iter().map(|c| c.n).sum::<i64>();
            (p, score, n)
        })
        .collect();
    scored.sort_by(|a, b| rank::compare((a.1, a.2, &a.0.login), (b.1, b.2, &b.0.login)));
    let by_login: HashMap<String, usize> = scored
        .iter()
        .enumerate()
        .filter(|(_, s)| Identity::parse(&s.0.login).is_github())
        .map(|(i, s)| (s.0.login.to_lowercase(), i))
        .collect();
    // Standings are over every account scored, folded ones included: `total` subtracts only
    // the identities folded within the rows a page reached, so it moves with the page size,
    // and a person's standing must not.
    let all_scores: Vec<f64> = scored.iter().map(|s| s.1).collect();
    Ok(Gathered {
        position: crate::standing::positions(&all_scores),
        scored_count: scored.len() as u32,
        by_login,
        places,
        scored,
        cells: Some((by_person, ctx)),
        roles,
    })
}

/// Is the person in the company's ATS (`ats`: lower-cased logins), by their current or a
/// former login?
fn in_ats(ats: &std::collections::HashSet<String>, p: &builtby_store::PersonRow) -> bool {
    !ats.is_empty()
        && std::iter::once(&p.login)
            .chain(&p.previous_logins)
            .any(|l| ats.contains(&l.to_lowercase()))
}

/// The store scope of a query, and the repository names its filters matched.
pub(crate) fn scope(
    store: &dyn Read,
    catalog: &Catalog,
    q: &Query,
) -> Result<(CellQuery, Vec<String>), SearchError> {
    let mut patterns: Vec<String> = Vec::new();
    for r in &q.repos {
        if r.ends_with("/*") {
            patterns.push(r.clone());
        } else {
            patterns.extend(catalog.all_names(r));
        }
    }
    for e in &q.ecosystems {
        patterns.extend(catalog.ecosystem_repo_names(e).unwrap_or_default());
    }
    let (repo_ids, names) = if patterns.is_empty() {
        (None, Vec::new())
    } else {
        let found = store.repos_matching(&patterns)?;
        (
            Some(found.iter().map(|r| r.0).collect::<Vec<i64>>()),
            found.into_iter().map(|r| r.1).collect(),
        )
    };
    let mut paths: Vec<builtby_store::PathScope> = Vec::new();
    let in_repos: Vec<(Option<i64>, String)> = match &repo_ids {
        Some(ids) => ids
            .iter()
            .copied()
            .map(Some)
            .zip(names.iter().cloned())
            .collect(),
        None => Vec::new(),
    };
    for p in &q.paths {
        match &repo_ids {
            Some(ids) => paths.extend(ids.iter().map(|&id| builtby_store::PathScope {
                repo_id: Some(id),
                prefix: p.clone(),
                anywhere: false,
            })),
            None => paths.push(builtby_store::PathScope {
                repo_id: None,
                prefix: p.clone(),
                anywhere: false,
            }),
        }
    }
    if !q.areas.is_empty() {
        // An area is a name in the searched repositories (every catalogued one without a
        // repository filter) or a folder with stored paths; anything else is refused, naming
        // the valid ones. A repository filter that matched nothing is said as such instead.
        let searched: Option<Vec<String>> = repo_ids.as_ref().map(|_| names.clone());
        let named_in: Vec<String> = match &searched {
            Some(n) => n.clone(),
            None => catalog
                .repos_with_areas()
                .map(|(n, _)| n.to_string())
                .collect(),
        };
        let check = repo_ids.as_ref().is_none_or(|r| !r.is_empty());
        let repos = if repo_ids.is_some() {
            in_repos
        } else {
            // every repository with area rules, and automatic areas anywhere
            let named: Vec<String> = catalog
                .repos_with_areas()
                .flat_map(|(n, _)| catalog.all_names(n))
                .collect();
            let mut v: Vec<(Option<i64>, String)> = store
                .repos_matching(&named)?
                .into_iter()
                .map(|(id, n)| (Some(id), n))
                .collect();
            v.push((None, String::new()));
            v
        };
        for a in &q.areas {
            let scopes = crate::areas::resolve_area(catalog, a, &repos);
            if check
                && !crate::areas::is_named(catalog, a, &named_in)
                && !store.has_paths(&scopes)?
            {
                return Err(crate::areas::unknown_area(catalog, a, searched.as_deref()).into());
            }
            paths.extend(scopes);
        }
    }
    let has_path_filter = !q.paths.is_empty() || !q.areas.is_empty();
    let scope = CellQuery {
        paths: has_path_filter.then_some(paths),
        repo_ids,
        kinds: scope_kinds(q),
        since: q.since,
        // The world as it was at as_of: nothing later counts.
        until: Some(q.until.map_or(q.as_of, |u| u.min(q.as_of))),
        text: q.text.clone().filter(|t| !t.trim().is_empty()),
        person_ids: None,
    };
    Ok((scope, names))
}

/// Whether a scope is each person's whole record up to the query's as-of day (no repository,
/// kind, path, text or `since` filter): then the cells of a person are all their rollup rows
/// up to that day, as their roles count them.
fn whole_record(scope: &CellQuery, q: &Query) -> bool {
    scope.repo_ids.is_none()
        && scope.kinds.is_none()
        && scope.paths.is_none()
        && scope.text.is_none()
        && scope.since.is_none()
        && scope.until.map(time::day_of) == Some(time::day_of(q.as_of))
}

pub(crate) fn context<'a>(
    store: &dyn Read,
    catalog: &Catalog,
    q: &Query,
    cells: impl Iterator<Item = &'a Cell>,
) -> Result<Context, SearchError> {
    let mut ids = Vec::new();
    // people with work off GitHub: their measures are read once, for the rules that weigh them
    let mut measured_people = Vec::new();
    for c in cells {
        ids.push(c.repo_id);
        if c.kind.platform() != "github" && c.kind.platform() != "git" {
            measured_people.push(c.person_id);
        }
    }
    ids.sort_unstable();
    ids.dedup();
    measured_people.sort_unstable();
    measured_people.dedup();
    let mut measured: HashMap<i64, Vec<builtby_store::MeasuredRow>> = HashMap::new();
    for r in store.measured(&measured_people, q.as_of)? {
        measured.entry(r.person_id).or_default().push(r);
    }
    let repos = store
        .repos(&ids)?
        .into_iter()
        .map(|(id, name, contributors)| {
            let w = rank::repo_weight(catalog.scrutiny(&name), contributors);
            (id, (name, w))
        })
        .collect();
    Ok(Context {
        as_of_day: time::day_of(q.as_of),
        half_life_days: q.half_life_months * 30.44,
        repos,
        measured,
    })
}

/// The kinds a query's `kind` and `source` filters leave (`None`: every kind). An empty list
/// means nothing can match (`--source kaggle --kind review`).
pub(crate) fn scope_kinds(q: &Query) -> Option<Vec<Kind>> {
    if q.sources.is_empty() {
        return (!q.kinds.is_empty()).then(|| q.kinds.clone());
    }
    let from_sources = Kind::ALL
        .into_iter()
        .filter(|k| q.sources.iter().any(|s| s == k.platform()));
    Some(
        from_sources
            .filter(|k| q.kinds.is_empty() || q.kinds.contains(k))
            .collect(),
    )
}

/// The filters on measured work (`kaggle_tier`, `min_downloads`, `papers`): does this
/// person's measured work pass them?
pub(crate) fn passes_measured(q: &Query, rows: &[builtby_store::MeasuredRow]) -> bool {
    if let Some(t) = q.kaggle_tier {
        let best = rows
            .iter()
            .filter(|r| r.kind == Kind::KaggleTier)
            .filter_map(|r| r.measures.tier)
            .max();
        if best.is_none_or(|b| b < t) {
            return false;
        }
    }
    if let Some(n) = q.min_downloads {
        let total: i64 = rows
            .iter()
            .filter(|r| r.kind == Kind::Model)
            .map(|r| {
                r.measures
                    .downloads_all_time
                    .or(r.measures.downloads)
                    .unwrap_or(0)
            })
            .sum();
        if total < n {
            return false;
        }
    }
    if let Some(cat) = &q.papers {
        let has = rows.iter().any(|r| {
            r.kind == Kind::Paper
                && (cat.is_empty()
                    || r.measures
                        .categories
                        .iter()
                        .any(|c| c.eq_ignore_ascii_case(cat)))
        });
        if !has {
            return false;
        }
    }
    true
}
