//! One person's page: who they are, totals by repository and kind, a month-by-month
//! timeline, the score the rules give their whole record, and the strongest evidence.

use crate::query::Query;
use crate::rank::{self, ScoreDetail};
use crate::run::{context, Evidence, SearchError};
use crate::Catalog;
use builtby_model::{time, Kind};
use builtby_store::{CellQuery, EvidenceQuery, PersonRow, Store};
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

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PersonReport {
    pub login: String,
    pub previous_logins: Vec<String>,
    pub name: Option<String>,
    pub location: Option<String>,
    pub company: Option<String>,
    pub blog: Option<String>,
    pub profile_url: String,
    pub is_bot: bool,
    pub score: f64,
    pub details: Vec<ScoreDetail>,
    pub totals: Vec<RepoTotal>,
    pub timeline: Vec<Month>,
    pub evidence: Vec<Evidence>,
    /// All evidence lines this person has, for paging.
    pub evidence_total: i64,
}

/// `None` when nobody by that login (current or former) is in the store.
pub fn person_report(
    store: &Store,
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
    let cells = store.cells(&CellQuery {
        person_ids: Some(vec![id]),
        ..Default::default()
    })?;
    let ctx = context(store, catalog, q, cells.iter())?;
    let details: Vec<ScoreDetail> = rank::rules()
        .iter()
        .map(|r| r.score(&cells, &ctx))
        .collect();
    let evidence = store
        .evidence(&EvidenceQuery {
            person_id: id,
            scope: CellQuery::default(),
            limit: q.limit,
            offset: q.offset,
        })?
        .into_iter()
        .map(Evidence::from)
        .collect();
    Ok(Some(PersonReport {
        is_bot: bots.is_bot(&p.login, p.is_bot_type),
        profile_url: format!("https://github.com/{}", p.login),
        login: p.login,
        previous_logins: p.previous_logins,
        name: p.name,
        location: p.location,
        company: p.company,
        blog: p.blog,
        score: details.iter().map(|d| d.score).sum(),
        details,
        totals,
        timeline,
        evidence,
        evidence_total: raw.iter().map(|r| r.3).sum(),
    }))
}
