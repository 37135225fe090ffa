//! A person's evidence read from ClickHouse: the page of their contributions in scope, in the
//! SQLite store's order, with what each row shows.

use super::{from, ids, kind, proto, scope::share, Reader};
use crate::rowbinary::Reader as Rows;
use builtby_store::{fts_terms, EvidenceQuery, EvidenceRow, Result};
use std::collections::HashMap;

impl Reader<'_> {
    /// [`Read::evidence`]: a person's contributions in scope, strongest and latest first, with
    /// their repository, link and most-changed paths.
    pub(super) fn evidence_page(&self, q: &EvidenceQuery) -> Result<Vec<EvidenceRow>> {
        let mut scope = q.scope.clone();
        scope.person_ids = None;
        // as the store's evidence: text without a word is no filter (its cells have none)
        if scope
            .text
            .as_deref()
            .is_some_and(|t| fts_terms(t).is_empty())
        {
            scope.text = None;
        }
        let Some((w, counts)) = self.contribution_scope(&scope)? else {
            return Ok(Vec::new());
        };
        let sql = format!(
            "SELECT id, kind, at, weight FROM {} AND person_id = {} AND {w}",
            from("contributions"),
            q.person_id
        );
        let b = self.select(&sql)?;
        let mut r = Rows::new(&b);
        // (strong, kind rank, at, id, share)
        let mut rows: Vec<(bool, usize, i64, i64, Option<f64>)> = Vec::new();
        while !r.is_empty() {
            let id = r.i64().map_err(proto)?;
            let k = kind(r.i64().map_err(proto)?)?;
            let at = r.i64().map_err(proto)?;
            let weight = r.f64().map_err(proto)?;
            let share = match &counts {
                None => None,
                Some(c) => match c.get(&id) {
                    Some(&c) => Some(share(c)),
                    None => continue,
                },
            };
            let rank = q
                .kind_order
                .iter()
                .position(|o| *o == k)
                .unwrap_or(q.kind_order.len());
            rows.push((weight * share.unwrap_or(1.0) >= 0.5, rank, at, id, share));
        }
        rows.sort_unstable_by(|a, b| {
            b.0.cmp(&a.0)
                .then(a.1.cmp(&b.1))
                .then(b.2.cmp(&a.2))
                .then(b.3.cmp(&a.3))
        });
        let page: Vec<(i64, Option<f64>)> = rows
            .into_iter()
            .skip(q.offset as usize)
            .take(q.limit as usize)
            .map(|r| (r.3, r.4))
            .collect();
        if page.is_empty() {
            return Ok(Vec::new());
        }
        let page_ids: Vec<i64> = page.iter().map(|p| p.0).collect();
        let sql = format!(
            "SELECT id, kind, repo_id, url, at, title, number, review_state, path, additions, deletions,
                    needs_hydration, on_pr, measures, weight, why, quote
             FROM {} AND id IN ({})",
            from("contributions"),
            ids(&page_ids)
        );
        let b = self.select(&sql)?;
        let mut r = Rows::new(&b);
        let mut full: HashMap<i64, (EvidenceRow, i64, bool, Option<String>)> = HashMap::new();
        while !r.is_empty() {
            let id = r.i64().map_err(proto)?;
            let k = kind(r.i64().map_err(proto)?)?;
            let repo_id = r.i64().map_err(proto)?;
            let url = r.opt_string().map_err(proto)?;
            let row = EvidenceRow {
                kind: k,
                repo: String::new(),
                url: String::new(),
                at: r.i64().map_err(proto)?,
                title: r.opt_string().map_err(proto)?,
                number: r.opt_i64().map_err(proto)?,
                review_state: r.opt_string().map_err(proto)?,
                path: r.opt_string().map_err(proto)?,
                additions: r.opt_i64().map_err(proto)?,
                deletions: r.opt_i64().map_err(proto)?,
                needs_hydration: r.i64().map_err(proto)? != 0,
                paths: Vec::new(),
                weight: 0.0,
                why: None,
                focus: None,
                quote: None,
                measures: None,
            };
            let on_pr = r.i64().map_err(proto)? != 0;
            let measures = r.opt_string().map_err(proto)?;
            let mut row = row;
            row.measures = measures.and_then(|m| serde_json::from_str(&m).ok());
            row.weight = r.f64().map_err(proto)?;
            row.why = r.opt_string().map_err(proto)?;
            row.quote = r.opt_string().map_err(proto)?;
            full.insert(id, (row, repo_id, on_pr, url));
        }
        let repo_ids: Vec<i64> = {
            let mut v: Vec<i64> = full.values().map(|f| f.1).collect();
            v.sort_unstable();
            v.dedup();
            v
        };
        let names = self.repo_names(&repo_ids)?;
        // each contribution's paths, most changed first, at most 20
        let sql = format!(
            "SELECT contribution_id, path, ifNull(added, 0) + ifNull(deleted, 0) FROM {} AND contribution_id IN ({})",
            from("contribution_paths"),
            ids(&page_ids)
        );
        let b = self.select(&sql)?;
        let mut r = Rows::new(&b);
        let mut paths: HashMap<i64, Vec<(i64, String)>> = HashMap::new();
        while !r.is_empty() {
            let id = r.i64().map_err(proto)?;
            let path = r.string().map_err(proto)?;
            let lines = r.i64().map_err(proto)?;
            paths.entry(id).or_default().push((lines, path));
        }
        let mut out = Vec::with_capacity(page.len());
        for (id, share) in page {
            let Some((mut row, repo_id, on_pr, url)) = full.remove(&id) else {
                continue;
            };
            // a contribution's repository is always stored (the store's inner join)
            let Some(repo) = names.get(&repo_id) else {
                continue;
            };
            let mut c = builtby_model::Contribution::new(
                String::new(),
                row.kind,
                repo.clone(),
                builtby_model::Actor {
                    github_id: None,
                    login: String::new(),
                    is_bot_type: false,
                },
                0,
            );
            c.url = url;
            c.number = row.number;
            c.on_pr = on_pr;
            row.url = c.link();
            row.repo = repo.clone();
            row.focus = share;
            if let Some(mut p) = paths.remove(&id) {
                p.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
                row.paths = p.into_iter().take(20).map(|p| p.1).collect();
            }
            out.push(row);
        }
        Ok(out)
    }
}
