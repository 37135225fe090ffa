//! One person's page: who they are, totals by repository and kind, a month-by-month
//! timeline, the score the rules give their whole record, and the strongest evidence.

use crate::query::Query;
use crate::rank::ScoreDetail;
use crate::results::Evidence;
use crate::run::{context, SearchError};
use crate::Catalog;
use builtby_model::{time, Identity, Kind};
use builtby_store::{CellQuery, EvidenceQuery, PersonRow, Read};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RepoTotal {
    pub repo: String,
    pub kind: Kind,
    pub count: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Month {
    /// `YYYY-MM`
    pub month: String,
    pub total: i64,
    pub by_kind: BTreeMap<Kind, i64>,
}

/// Work in one code area of one repository.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RepoArea {
    pub repo: String,
    pub area: String,
    /// Contributions that touched the area.
    pub contributions: i64,
    /// Distinct months with such contributions.
    pub months: i64,
    /// `YYYY-MM`
    pub first: String,
    pub last: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PersonReport {
    pub login: String,
    /// The login, or `Name (git)` for a git identity.
    pub display: String,
    pub previous_logins: Vec<String>,
    pub name: Option<String>,
    pub location: Option<String>,
    pub company: Option<String>,
    pub blog: Option<String>,
    /// The account's public page; `None` for a git identity.
    pub profile_url: Option<String>,
    pub is_bot: bool,
    /// The roles the whole record shows, best first (see [`crate::role`]).
    pub roles: Vec<crate::RoleGuess>,
    pub score: f64,
    pub details: Vec<ScoreDetail>,
    /// What each rule in `details` counts, in words.
    pub rules: Vec<crate::rank::RuleText>,
    pub totals: Vec<RepoTotal>,
    pub timeline: Vec<Month>,
    /// Code areas per repository, most contributions first (from git paths and review
    /// comments' files).
    pub areas: Vec<RepoArea>,
    pub evidence: Vec<Evidence>,
    /// All evidence lines this person has, for paging.
    pub evidence_total: i64,
}

/// `None` when nobody by that login (current or former) is in the store.
pub fn person_report(
    store: &dyn Read,
    catalog: &Catalog,
    bots: &builtby_model::BotRules,
    login: &str,
    q: &Query,
) -> Result<Option<PersonReport>, SearchError> {
    let Some(id) = store.person_by_login(login.trim().trim_start_matches('@'))? else {
        return Ok(None);
    };
    let Some(p): Option<PersonRow> = store.people(&[id])?.into_iter().next() else {
        return Ok(None);
    };
    let raw = store.person_cells(id)?;
    let mut totals: BTreeMap<(String, Kind), i64> = BTreeMap::new();
    let mut months: BTreeMap<String, BTreeMap<Kind, i64>> = BTreeMap::new();
    for (repo, kind, day, n) in &raw {
        *totals.entry((repo.clone(), *kind)).or_default() += n;
        *months
            .entry(time::month_string(day * time::DAY))
            .or_default()
            .entry(*kind)
            .or_default() += n;
    }
    let mut totals: Vec<RepoTotal> = totals
        .into_iter()
        .map(|((repo, kind), count)| RepoTotal { repo, kind, count })
        .collect();
    totals.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then_with(|| a.repo.cmp(&b.repo))
            .then(a.kind.cmp(&b.kind))
    });
    let timeline = months
        .into_iter()
        .map(|(month, by_kind)| Month {
            month,
            total: by_kind.values().sum(),
            by_kind,
        })
        .collect();
    // Scored as the world was at as_of: nothing later counts, in the score or the evidence.
    let cells = store.cells(&CellQuery {
        person_ids: Some(vec![id]),
        until: Some(q.as_of),
        ..Default::default()
    })?;
    let ctx = context(store, catalog, q, cells.iter())?;
    let details = catalog.rules().explain(&cells, &ctx);
    let evidence = store
        .evidence(&EvidenceQuery {
            person_id: id,
            scope: CellQuery {
                until: Some(q.as_of),
                ..Default::default()
            },
            limit: q.limit,
            offset: q.offset,
            kind_order: crate::EVIDENCE_ORDER.to_vec(),
        })?
        .into_iter()
        .map(|r| Evidence::with_area(r, catalog, &[]))
        .collect();
    let areas = person_areas(store, catalog, id)?;
    let roles = crate::role_features::roles_of(store, catalog, &[id], q.as_of)?
        .remove(&id)
        .unwrap_or_default();
    Ok(Some(PersonReport {
        roles,
        is_bot: bots.is_bot_by(&p.login, p.is_bot_type, p.behaviour.as_deref())
            || p.not_person.is_some(),
        profile_url: Identity::parse(&p.login).profile_url(),
        display: crate::results::display_name(&p.login, p.name.as_deref()),
        login: p.login,
        previous_logins: p.previous_logins,
        name: p.name,
        location: p.location,
        company: p.company,
        blog: p.blog,
        score: details.iter().map(|d| d.score).sum(),
        details,
        rules: catalog.rules().texts(),
        totals,
        timeline,
        areas,
        evidence,
        evidence_total: raw.iter().map(|r| r.3).sum(),
    }))
}

/// A person's areas per repository, from the paths of their contributions (the newest 50,000
/// path rows). `pr_commit`s are left out: their paths are on the PR.
fn person_areas(
    store: &dyn Read,
    catalog: &Catalog,
    person_id: i64,
) -> Result<Vec<RepoArea>, SearchError> {
    use std::collections::{BTreeSet, HashMap, HashSet};
    let rows = store.person_paths(person_id, 50_000)?;
    let mut seen: HashSet<(String, String, i64)> = HashSet::new();
    let mut acc: HashMap<(String, String), (i64, BTreeSet<String>)> = HashMap::new();
    for (repo, cid, kind, at, path) in rows {
        if kind == Kind::PrCommit {
            continue;
        }
        let area = crate::areas::area_of(catalog, &repo, &path);
        if !seen.insert((repo.clone(), area.clone(), cid)) {
            continue;
        }
        let e = acc.entry((repo, area)).or_default();
        e.0 += 1;
        e.1.insert(time::month_string(at));
    }
    let mut out: Vec<RepoArea> = acc
        .into_iter()
        .map(|((repo, area), (n, months))| RepoArea {
            repo,
            area,
            contributions: n,
            months: months.len() as i64,
            first: months.iter().next().cloned().unwrap_or_default(),
            last: months.iter().next_back().cloned().unwrap_or_default(),
        })
        .collect();
    out.sort_by(|a, b| {
        b.contributions
            .cmp(&a.contributions)
            .then_with(|| a.repo.cmp(&b.repo))
            .then_with(|| a.area.cmp(&b.area))
    });
    Ok(out)
}
