//! Running a search: scope → cells → rules → page → evidence.

use crate::query::{Query, QueryError};
use crate::rank::{self, Context, ScoreDetail};
use crate::{Catalog, EVIDENCE_ORDER};
use builtby_model::{time, BotRules, Identity, Kind};
use builtby_store::{Cell, CellQuery, EvidenceQuery, EvidenceRow, PersonRow, Read, StoreError};
use serde::Serialize;
use std::collections::HashMap;

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error(transparent)]
    Query(#[from] QueryError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// One evidence line: what, where, when, and the link to it on github.com.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evidence {
    pub kind: Kind,
    pub repo: String,
    pub url: String,
    /// `YYYY-MM-DDTHH:MM:SSZ`
    pub at: String,
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub review_state: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub needs_hydration: bool,
    /// The code area the contribution's paths fall in (paths from git histories; a review
    /// comment's file).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub area: Option<String>,
    /// What the source measured about work off GitHub (downloads, card quality, tier…).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub measures: Option<builtby_model::Measures>,
    /// The same, in words: "1,204 downloads, card: 6 of 8 sections, usage example".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub measured: Option<String>,
    /// What it weighs in the ranking: 1 for ordinary work (see `builtby_model::grade`).
    pub weight: f64,
    /// Why the weight is not 1 ("mechanical: a chore", "burst: 548 in one hour, counted as
    /// 20", "substantive: proposes code").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub why: Option<String>,
    /// Within a path or area search: the share of its files and lines there (0–1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub focus: Option<f64>,
    /// A review's or comment's words, at most 200 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quote: Option<String>,
}

/// Measures in words, the one formatter for evidence lines (the CLI's and the page's):
/// `846,249 downloads (30 days), 1,178 likes; card score 0.62 (card: 5 of 8 sections, …)`,
/// `Grandmaster in competitions`, `gold medal`, `cs.LG, cs.AI; code: https://github.com/o/r`.
/// Empty when nothing was measured.
pub fn measures_text(m: &builtby_model::Measures) -> String {
    const TIERS: [&str; 5] = ["Novice", "Contributor", "Expert", "Master", "Grandmaster"];
    let mut parts = Vec::new();
    if let Some(d) = m.downloads {
        parts.push(format!("{} downloads (30 days)", thousands(d)));
    }
    if let Some(d) = m.downloads_all_time {
        parts.push(format!("{} all time", thousands(d)));
    }
    if let Some(l) = m.likes {
        parts.push(format!("{} likes", thousands(l)));
    }
    if let Some(t) = m.tier {
        let name = TIERS.get(t as usize).copied().unwrap_or("tier");
        parts.push(match &m.category {
            Some(c) => format!("{name} in {c}"),
            None => name.to_string(),
        });
    }
    if let Some(md) = m.medal {
        let metal = ["", "gold", "silver", "bronze"].get(md as usize).copied();
        parts.push(format!("{} medal", metal.unwrap_or("a")));
    }
    if m.tier.is_none() && m.downloads.is_none() && !m.categories.is_empty() {
        let cats: Vec<&str> = m.categories.iter().take(3).map(String::as_str).collect();
        parts.push(cats.join(", "));
    }
    let mut s = parts.join(", ");
    let mut more = |t: String| {
        if !s.is_empty() {
            s.push_str("; ");
        }
        s.push_str(&t);
    };
    if let Some(c) = m.card_score {
        more(match &m.card_note {
            Some(n) => format!("card score {c:.2} ({n})"),
            None => format!("card score {c:.2}"),
        });
    }
    if let Some(u) = &m.code_url {
        more(format!("code: {u}"));
    }
    s
}

/// `1234567` → `1,234,567`.
pub fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

impl Evidence {
    /// Converts a store row, naming its area from its paths (those under `focus` first).
    pub fn with_area(r: EvidenceRow, catalog: &Catalog, focus: &[String]) -> Evidence {
        let area = match (&r.paths[..], &r.path) {
            ([], Some(file)) => Some(crate::areas::area_of(catalog, &r.repo, file)),
            (paths, _) => crate::areas::dominant_area(catalog, &r.repo, paths, focus),
        };
        let mut e = Evidence::from(r);
        e.area = area;
        e
    }
}

impl From<EvidenceRow> for Evidence {
    fn from(r: EvidenceRow) -> Self {
        Evidence {
            kind: r.kind,
            repo: r.repo,
            url: r.url,
            at: time::iso_string(r.at),
            title: r.title,
            number: r.number,
            review_state: r.review_state,
            path: r.path,
            needs_hydration: r.needs_hydration,
            area: None,
            measured: r
                .measures
                .as_ref()
                .map(measures_text)
                .filter(|t| !t.is_empty()),
            measures: r.measures,
            weight: r.weight,
            why: r.why,
            focus: r.focus,
            quote: r.quote,
        }
    }
}

impl Evidence {
    /// What the ranking made of it, in words, when that is not "one ordinary contribution":
    /// `12% of its files in scope; mechanical: a chore`. `None` for ordinary, focused work.
    pub fn weighing(&self) -> Option<String> {
        let mut parts = Vec::new();
        if let Some(f) = self.focus.filter(|f| *f < 0.995) {
            parts.push(format!("{:.0}% of it in scope", f * 100.0));
        }
        if let Some(w) = &self.why {
            parts.push(w.clone());
        }
        (!parts.is_empty()).then(|| parts.join("; "))
    }
}

/// A git identity's most likely GitHub account: a suggestion, not a link.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Likely {
    pub login: String,
    pub why: String,
}

/// A git identity shown under the person it is likely to be.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlsoLikely {
    /// The identity's stable id (`git:<key>`).
    pub login: String,
    pub display: String,
    /// Its own score in this search (not added to the person's).
    pub score: f64,
    pub why: String,
}

/// One human, one row: the order rows are shown in, with git identities whose likely GitHub
/// login is a person also in this search folded under that person (at the better of the two
/// positions) instead of shown twice. Nothing is merged: scores stay apart and the store keeps
/// the suggestion for a person to confirm. Likely logins are looked up only for the rows
/// reached, so the cost follows the page, not the number of matches.
pub(crate) struct Fold {
    /// Indices into the scored list, in the order shown.
    pub order: Vec<usize>,
    /// Shown index → the identities folded into it, with why.
    pub also: HashMap<usize, Vec<(usize, String)>>,
    /// Person id → (likely login, why) for git identities whose account did not match.
    pub likely: HashMap<i64, (String, String)>,
    /// How many rows of the scored list the fold read.
    pub walked: usize,
}

pub(crate) fn fold_likely(
    store: &dyn Read,
    scored: &[(PersonRow, f64, i64)],
    by_login: &HashMap<String, usize>,
    q: &Query,
) -> Result<Fold, SearchError> {
    let want = q.offset as usize + q.limit as usize;
    let mut order = Vec::new();
    let mut placed = vec![false; scored.len()];
    let mut also: HashMap<usize, Vec<(usize, String)>> = HashMap::new();
    let mut likely = HashMap::new();
    let mut walked = 0;
    for i in 0..scored.len() {
        if order.len() >= want {
            break;
        }
        walked = i + 1;
        if placed[i] {
            continue;
        }
        let p = &scored[i].0;
        if !Identity::parse(&p.login).is_github() {
            if let Some((login, why)) = store.likely_logins(&[p.id])?.remove(&p.id) {
                if let Some(&j) = by_login.get(&login.to_lowercase()) {
                    also.entry(j).or_default().push((i, why));
                    placed[i] = true;
                    if !placed[j] {
                        placed[j] = true;
                        order.push(j);
                    }
                    continue;
                }
                likely.insert(p.id, (login, why));
            }
        }
        placed[i] = true;
        order.push(i);
    }
    Ok(Fold {
        order,
        also,
        likely,
        walked,
    })
}

/// How a person is shown: their GitHub login, or `Name (git)` for a git identity (whose
/// stable id is `login`, `git:<key>`: a hash, never shown as the name), `Name (Hugging Face)`,
/// `Name (Kaggle)`, `Name (arXiv)` for accounts of other sources.
pub fn display_name(login: &str, name: Option<&str>) -> String {
    let id = Identity::parse(login);
    if id.is_github() {
        return login.to_string();
    }
    let label = id.namespace.label();
    match name.map(str::trim).filter(|n| !n.is_empty()) {
        Some(n) => format!("{n} ({label})"),
        // a Hugging Face or Kaggle user name is public and readable; a git key is a hash
        None if id.namespace != builtby_model::Namespace::Git => format!("{} ({label})", id.key),
        None => format!("(no name) ({label})"),
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchResult {
    pub rank: u32,
    /// The person's stable id: their current GitHub login, or `git:<key>` for a person known
    /// only by a git identity.
    pub login: String,
    /// What to show: the login, or `Name (git)`.
    pub display: String,
    /// For a git identity: the GitHub account it most likely is, and why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub likely: Option<Likely>,
    /// Git identities in this search that are likely this person (a suggestion: not linked,
    /// their work not counted here), shown with this row instead of as rows of their own.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub also: Vec<AlsoLikely>,
    pub name: Option<String>,
    pub location: Option<String>,
    /// The normalised location, when the profile has one.
    pub place: Option<crate::place::Place>,
    pub company: Option<String>,
    /// The account's public page; `None` for a git identity (a hashed e-mail, no account).
    pub profile_url: Option<String>,
    /// Why this account is not counted as a person (shown only with `include_bots`): the
    /// bot rules, an import identity, or behaviour ("401 pushes in one hour: automation").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_a_person: Option<String>,
    pub score: f64,
    /// Where `score` stands among everyone who matched (before paging): "top 2% of 505
    /// people in this search". Ties share it.
    pub standing: crate::Standing,
    /// The company's applicant-tracking system already has this person (by their current or
    /// a former login: `builtby ats import`).
    pub in_ats: bool,
    /// Contributions in scope by kind.
    pub counts: Vec<(Kind, i64)>,
    /// The roles this person's whole record shows, best first, each with a confidence (0 to
    /// 1) and reasons; empty when there is too little evidence.
    pub roles: Vec<crate::RoleGuess>,
    pub details: Vec<ScoreDetail>,
    pub evidence: Vec<Evidence>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchResults {
    pub query: Query,
    /// Repositories the repo/ecosystem filters matched in the store.
    pub repos_matched: Vec<String>,
    /// People who matched before paging.
    pub total: u32,
    pub results: Vec<SearchResult>,
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
