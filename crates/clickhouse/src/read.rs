//! [`Reader`]: [`builtby_store::Read`] over the tables [`crate::ship`] keeps in ClickHouse.
//!
//! Each method returns what the SQLite store's method of the same name returns, row for row:
//! - ClickHouse selects (every table read `FINAL`, tombstones left out) and sums integers;
//! - Rust does what must be bit-for-bit the same: float sums in SQLite's order (rollup rows by
//!   day within a cell, contributions by id), a path scope's share of each contribution (the
//!   same arithmetic as the store's SQL), orderings (SQLite's `NOCASE` is ASCII-only, as
//!   ClickHouse's `lower`), and the evidence order;
//! - words are matched against the terms SQLite's full-text tokenizer gave each title and body
//!   at ship time, the searched words tokenised the same way ([`builtby_store::mirror`]);
//! - the SQLite store answers the workflow state (the ATS list) and has the last word on who
//!   may be shown: a person not in it any more (erased) or opted out is never returned, even if
//!   ClickHouse has not been shipped to since.

use crate::rowbinary::Reader as Rows;
use crate::{quote, ClickHouse, Error};
use builtby_model::{Kind, PathClass};
use builtby_store::{
    bucket_day, fts_terms, mirror, Cell, CellQuery, EvidenceQuery, EvidenceRow, MeasuredRow,
    PathClassCount, PathScope, PersonPath, PersonRow, Place, Read, Result, Store, StoreError,
};
use std::collections::{HashMap, HashSet};

/// Reads from ClickHouse, with the SQLite store for workflow state and suppression.
pub struct Reader<'a> {
    ch: &'a ClickHouse,
    local: &'a Store,
}

impl<'a> Reader<'a> {
    pub fn new(ch: &'a ClickHouse, local: &'a Store) -> Reader<'a> {
        Reader { ch, local }
    }

    fn select(&self, sql: &str) -> Result<Vec<u8>> {
        Ok(self.ch.select(sql)?)
    }
}

fn proto(e: Error) -> StoreError {
    e.into()
}

fn kind(code: i64) -> Result<Kind> {
    Kind::from_code(code).ok_or_else(|| StoreError::Backend {
        message: format!("ClickHouse holds a contribution kind {code} this builtby does not know"),
    })
}

/// `1,2,3`
fn ids(ids: &[i64]) -> String {
    let mut s = String::with_capacity(ids.len() * 8);
    for (i, id) in ids.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        s.push_str(&id.to_string());
    }
    s
}

/// `t FINAL WHERE _deleted = 0`
fn from(t: &str) -> String {
    format!("{t} FINAL WHERE _deleted = 0")
}

/// A scope's conditions on a table with `repo_id`, `kind`, `person_id` and `at` (Unix
/// seconds), or `day` (days) when `days`: as the store's `scope_sql`.
fn scope_sql(q: &CellQuery, days: bool) -> String {
    let mut w = Vec::new();
    if let Some(r) = &q.repo_ids {
        w.push(in_list("repo_id", r));
    }
    if let Some(k) = &q.kinds {
        let codes: Vec<i64> = k.iter().map(|k| k.code()).collect();
        w.push(in_list("kind", &codes));
    }
    if let Some(p) = &q.person_ids {
        w.push(in_list("person_id", p));
    }
    let (col, conv): (&str, fn(i64) -> i64) = if days {
        ("day", builtby_model::time::day_of)
    } else {
        ("at", |t| t)
    };
    if let Some(s) = q.since {
        w.push(format!("{col} >= {}", conv(s)));
    }
    if let Some(u) = q.until {
        w.push(format!("{col} <= {}", conv(u)));
    }
    if w.is_empty() {
        "1".into()
    } else {
        w.join(" AND ")
    }
}

/// `col IN (…)`, `0` for an empty list (SQLite's `IN ()` matches nothing).
fn in_list(col: &str, v: &[i64]) -> String {
    if v.is_empty() {
        "0".into()
    } else {
        format!("{col} IN ({})", ids(v))
    }
}

/// Does a phrase (terms that follow each other) occur in the term list `col`?
fn phrase_sql(col: &str, phrase: &[String]) -> Option<String> {
    match phrase {
        [] => None,
        [one] => Some(format!("has({col}, {})", quote(one))),
        [first, rest @ ..] => {
            let mut c = format!("x = {}", quote(first));
            for (i, t) in rest.iter().enumerate() {
                c.push_str(&format!(" AND {col}[i + {}] = {}", i + 1, quote(t)));
            }
            Some(format!(
                "arrayExists((x, i) -> {c}, {col}, arrayEnumerate({col}))"
            ))
        }
    }
}

/// The condition "every word of `text` is in the title or the body", as the store's FTS5
/// query of quoted words; `None` when the text has no word (the store then matches nothing).
fn text_sql(text: &str) -> Result<Option<String>> {
    let terms = fts_terms(text);
    if terms.is_empty() {
        return Ok(None);
    }
    let phrases = mirror::fts_phrases(&terms)?;
    // an empty phrase (a word the tokenizer keeps nothing of) is ignored by FTS5 beside
    // others, and matches nothing alone
    let conds: Vec<String> = phrases
        .iter()
        .filter(|p| !p.is_empty())
        .map(|p| {
            format!(
                "({} OR {})",
                phrase_sql("title_terms", p).expect("not empty"),
                phrase_sql("body_terms", p).expect("not empty")
            )
        })
        .collect();
    Ok(Some(if conds.is_empty() {
        "0".into()
    } else {
        conds.join(" AND ")
    }))
}

/// The condition on `contribution_paths` rows for `scopes` (as the store's `paths_where`):
/// `None` when there is no scope.
fn paths_sql(scopes: &[PathScope]) -> Option<String> {
    type Group<'a> = ((&'a str, bool), Option<Vec<i64>>);
    let mut groups: Vec<Group> = Vec::new();
    for p in scopes {
        let key = (p.prefix.as_str(), p.anywhere);
        let i = match groups.iter().position(|g| g.0 == key) {
            Some(i) => i,
            None => {
                groups.push((key, Some(Vec::new())));
                groups.len() - 1
            }
        };
        match (p.repo_id, &mut groups[i].1) {
            (Some(r), Some(ids)) => ids.push(r),
            (None, g) => *g = None,
            (Some(_), None) => {}
        }
    }
    let mut ors = Vec::new();
    for ((prefix, anywhere), repos) in groups {
        let mut conds = Vec::new();
        if let Some(mut r) = repos {
            r.sort_unstable();
            r.dedup();
            conds.push(in_list("repo_id", &r));
        }
        if anywhere {
            // SQLite's LIKE: ASCII letters in any case, as positionCaseInsensitive
            conds.push(format!(
                "positionCaseInsensitive(concat('/', path), {}) > 0",
                quote(&format!("/{prefix}"))
            ));
        } else {
            conds.push(format!("startsWith(path, {})", quote(prefix)));
        }
        ors.push(format!("({})", conds.join(" AND ")));
    }
    (!ors.is_empty()).then(|| ors.join(" OR "))
}

/// Per contribution with a path in scope: (files, files in scope, lines, lines in scope).
type PathCounts = HashMap<i64, (i64, i64, i64, i64)>;

/// A contribution's share of a path scope: the store's `share_join`, in the same arithmetic.
fn share(c: (i64, i64, i64, i64)) -> f64 {
    let (files, files_in, lines, lines_in) = c;
    let f = files_in as f64 / files as f64;
    let l = if lines == 0 {
        f
    } else {
        lines_in as f64 / lines as f64
    };
    0.5 * f + 0.5 * l
}

impl Reader<'_> {
    /// Path counts of the contributions (among those `contributions_where` selects) with a
    /// path in `cond`.
    fn path_counts(&self, cond: &str, contributions_where: &str) -> Result<PathCounts> {
        let lines = "(ifNull(added, 0) + ifNull(deleted, 0))";
        let sql = format!(
            "SELECT contribution_id, toInt64(count()), toInt64(countIf({cond})), toInt64(sum({lines})),
                    toInt64(sumIf({lines}, {cond}))
             FROM {}
               AND contribution_id IN (SELECT contribution_id FROM {} AND ({cond}))
               AND contribution_id IN (SELECT id FROM {} AND {contributions_where})
             GROUP BY contribution_id",
            from("contribution_paths"),
            from("contribution_paths"),
            from("contributions"),
        );
        let b = self.select(&sql)?;
        let mut r = Rows::new(&b);
        let mut out = HashMap::new();
        while !r.is_empty() {
            let id = r.i64().map_err(proto)?;
            let files = r.i64().map_err(proto)?;
            let files_in = r.i64().map_err(proto)?;
            let lines = r.i64().map_err(proto)?;
            let lines_in = r.i64().map_err(proto)?;
            out.insert(id, (files, files_in, lines, lines_in));
        }
        Ok(out)
    }

    /// The conditions on contributions for a scope (its text included) and the path counts
    /// when it has a path filter; `None` when nothing can match.
    #[allow(clippy::type_complexity)]
    fn contribution_scope(&self, q: &CellQuery) -> Result<Option<(String, Option<PathCounts>)>> {
        let mut w = scope_sql(q, false);
        if let Some(t) = &q.text {
            match text_sql(t)? {
                Some(c) => w = format!("{w} AND ({c})"),
                None => return Ok(None),
            }
        }
        let counts = match &q.paths {
            None => None,
            Some(scopes) => match paths_sql(scopes) {
                None => return Ok(None),
                Some(cond) => Some(self.path_counts(&cond, &w)?),
            },
        };
        Ok(Some((w, counts)))
    }

    fn repo_names(&self, repo_ids: &[i64]) -> Result<HashMap<i64, String>> {
        Ok(Read::repos(self, repo_ids)?
            .into_iter()
            .map(|(id, name, _)| (id, name))
            .collect())
    }
}

impl Read for Reader<'_> {
    fn cells(&self, q: &CellQuery) -> Result<Vec<Cell>> {
        // (person, repo, kind, day, n, w, order): summed per cell in `order`
        let mut raw: Vec<(i64, i64, i64, i64, i64, f64, i64)> = Vec::new();
        if q.text.is_none() && q.paths.is_none() {
            let sql = format!(
                "SELECT person_id, repo_id, kind, day, n, w FROM {} AND {}",
                from("rollup"),
                scope_sql(q, true)
            );
            let b = self.select(&sql)?;
            let mut r = Rows::new(&b);
            while !r.is_empty() {
                let p = r.i64().map_err(proto)?;
                let repo = r.i64().map_err(proto)?;
                let k = r.i64().map_err(proto)?;
                let day = r.i64().map_err(proto)?;
                let n = r.i64().map_err(proto)?;
                let w = r.f64().map_err(proto)?;
                // SQLite reads the rollup in key order: a cell's days ascending
                raw.push((p, repo, k, day, n, w, day));
            }
        } else {
            let Some((w, counts)) = self.contribution_scope(q)? else {
                return Ok(Vec::new());
            };
            let sql = format!(
                "SELECT id, person_id, repo_id, kind, at, weight FROM {} AND {w}",
                from("contributions")
            );
            let b = self.select(&sql)?;
            let mut r = Rows::new(&b);
            while !r.is_empty() {
                let id = r.i64().map_err(proto)?;
                let p = r.i64().map_err(proto)?;
                let repo = r.i64().map_err(proto)?;
                let k = r.i64().map_err(proto)?;
                let at = r.i64().map_err(proto)?;
                let weight = r.f64().map_err(proto)?;
                let w = match &counts {
                    None => weight,
                    Some(c) => match c.get(&id) {
                        Some(&c) => weight * share(c),
                        None => continue,
                    },
                };
                // SQLite's `at / 86400` (truncating); contributions in id order
                raw.push((p, repo, k, at / 86400, 1, w, id));
            }
        }
        raw.sort_unstable_by_key(|r| (r.0, r.1, r.2, bucket_day(r.3), r.6));
        let mut cells: Vec<Cell> = Vec::new();
        for (p, repo, k, day, n, w, _) in raw {
            let day = bucket_day(day);
            match cells.last_mut() {
                Some(c) if (c.person_id, c.repo_id, c.kind.code(), c.day) == (p, repo, k, day) => {
                    c.n += n;
                    c.w += w;
                }
                _ => cells.push(Cell {
                    person_id: p,
                    repo_id: repo,
                    kind: kind(k)?,
                    day,
                    n,
                    // SQLite's map starts each sum at 0.0
                    w: 0.0 + w,
                }),
            }
        }
        cells.sort_unstable_by_key(|c| (c.person_id, c.repo_id, c.kind, c.day));
        Ok(cells)
    }

    fn evidence(&self, q: &EvidenceQuery) -> Result<Vec<EvidenceRow>> {
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

    fn people(&self, ids_: &[i64]) -> Result<Vec<PersonRow>> {
        if ids_.is_empty() {
            return Ok(Vec::new());
        }
        let visible = self.local.visible_people(ids_)?;
        let list = ids(ids_);
        let sql = format!(
            "SELECT id, github_id, login, name, location, company, blog, is_bot_type, not_person, behaviour
             FROM {} AND id IN ({list}) AND optout IS NULL",
            from("people")
        );
        let b = self.select(&sql)?;
        let mut r = Rows::new(&b);
        let mut out = Vec::new();
        while !r.is_empty() {
            let p = PersonRow {
                id: r.i64().map_err(proto)?,
                github_id: r.opt_i64().map_err(proto)?,
                login: r.string().map_err(proto)?,
                name: r.opt_string().map_err(proto)?,
                location: r.opt_string().map_err(proto)?,
                company: r.opt_string().map_err(proto)?,
                blog: r.opt_string().map_err(proto)?,
                is_bot_type: r.i64().map_err(proto)? != 0,
                not_person: r.opt_string().map_err(proto)?,
                behaviour: r.opt_string().map_err(proto)?,
                previous_logins: Vec::new(),
            };
            if visible.contains(&p.id) {
                out.push(p);
            }
        }
        out.sort_unstable_by_key(|p| p.id);
        // a person with no name of their own shows a linked account's (the first by id)
        if out.iter().any(|p| p.name.is_none()) {
            let sql = format!(
                "SELECT assumeNotNull(member_of), assumeNotNull(argMin(name, id)) FROM {}
                   AND member_of IN ({list}) AND name IS NOT NULL GROUP BY member_of",
                from("people")
            );
            let b = self.select(&sql)?;
            let mut r = Rows::new(&b);
            let mut names: HashMap<i64, String> = HashMap::new();
            while !r.is_empty() {
                let m = r.i64().map_err(proto)?;
                names.insert(m, r.string().map_err(proto)?);
            }
            for p in &mut out {
                if p.name.is_none() {
                    p.name = names.remove(&p.id);
                }
            }
        }
        let sql = format!(
            "SELECT person_id, login, last_seen FROM {} AND person_id IN ({list})",
            from("logins")
        );
        let b = self.select(&sql)?;
        let mut r = Rows::new(&b);
        let mut others: HashMap<i64, Vec<(i64, String)>> = HashMap::new();
        while !r.is_empty() {
            let id = r.i64().map_err(proto)?;
            let login = r.string().map_err(proto)?;
            let seen = r.i64().map_err(proto)?;
            others.entry(id).or_default().push((seen, login));
        }
        for p in &mut out {
            if let Some(mut l) = others.remove(&p.id) {
                // the store's `ORDER BY last_seen DESC` over its (login NOCASE) key order
                l.sort_by(|a, b| {
                    b.0.cmp(&a.0)
                        .then_with(|| a.1.to_ascii_lowercase().cmp(&b.1.to_ascii_lowercase()))
                });
                p.previous_logins = l
                    .into_iter()
                    .map(|l| l.1)
                    .filter(|l| !l.eq_ignore_ascii_case(&p.login))
                    .collect();
            }
        }
        Ok(out)
    }

    fn places(&self, ids_: &[i64]) -> Result<HashMap<i64, Place>> {
        let mut out = HashMap::new();
        if ids_.is_empty() {
            return Ok(out);
        }
        let sql = format!(
            "SELECT id, loc_city, loc_region, loc_country, loc_metro, ifNull(loc_confidence, 0)
             FROM {} AND loc_version IS NOT NULL AND id IN ({})",
            from("people"),
            ids(ids_)
        );
        let b = self.select(&sql)?;
        let mut r = Rows::new(&b);
        while !r.is_empty() {
            let id = r.i64().map_err(proto)?;
            out.insert(
                id,
                Place {
                    city: r.opt_string().map_err(proto)?,
                    region: r.opt_string().map_err(proto)?,
                    country: r.opt_string().map_err(proto)?,
                    metro: r.opt_string().map_err(proto)?,
                    confidence: r.f64().map_err(proto)?,
                    // The mirror keeps the primary place only: under ClickHouse a metro
                    // filter matches the first place a location names.
                    also_metros: Vec::new(),
                },
            );
        }
        Ok(out)
    }

    fn measured(&self, person_ids: &[i64], until: i64) -> Result<Vec<MeasuredRow>> {
        if person_ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT person_id, id, kind, at, url, title, assumeNotNull(measures), repo_id FROM {}
               AND person_id IN ({}) AND at <= {until} AND measures IS NOT NULL",
            from("contributions"),
            ids(person_ids)
        );
        let b = self.select(&sql)?;
        let mut r = Rows::new(&b);
        let mut by: HashMap<i64, Vec<(i64, i64, MeasuredRow)>> = HashMap::new();
        while !r.is_empty() {
            let p = r.i64().map_err(proto)?;
            let id = r.i64().map_err(proto)?;
            let k = kind(r.i64().map_err(proto)?)?;
            let at = r.i64().map_err(proto)?;
            let url = r.opt_string().map_err(proto)?;
            let title = r.opt_string().map_err(proto)?;
            let m = r.string().map_err(proto)?;
            let repo_id = r.i64().map_err(proto)?;
            if let Ok(measures) = serde_json::from_str(&m) {
                by.entry(p).or_default().push((
                    at,
                    id,
                    MeasuredRow {
                        person_id: p,
                        repo_id,
                        kind: k,
                        at,
                        url,
                        title,
                        measures,
                    },
                ));
            }
        }
        // per person in the order asked, newest first (the store reads its (person, at)
        // index backwards: ties newest row first)
        let mut out = Vec::new();
        for p in person_ids {
            if let Some(rows) = by.get(p) {
                let mut rows = rows.clone();
                rows.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)));
                out.extend(rows.into_iter().map(|r| r.2));
            }
        }
        Ok(out)
    }

    fn repos(&self, ids_: &[i64]) -> Result<Vec<(i64, String, i64)>> {
        if ids_.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT id, name, contributors FROM {} AND id IN ({}) ORDER BY id",
            from("repos"),
            ids(ids_)
        );
        let b = self.select(&sql)?;
        let mut r = Rows::new(&b);
        let mut out = Vec::new();
        while !r.is_empty() {
            out.push((
                r.i64().map_err(proto)?,
                r.string().map_err(proto)?,
                r.i64().map_err(proto)?,
            ));
        }
        Ok(out)
    }

    fn repos_matching(&self, patterns: &[String]) -> Result<Vec<(i64, String)>> {
        if patterns.is_empty() {
            return Ok(Vec::new());
        }
        // `name` is COLLATE NOCASE in SQLite, and LIKE ignores ASCII case: `lower` both sides
        let conds: Vec<String> = patterns
            .iter()
            .map(|p| match p.strip_suffix("/*") {
                Some(owner) => format!(
                    "startsWith(lower(name), lower({}))",
                    quote(&format!("{owner}/"))
                ),
                None => format!("lower(name) = lower({})", quote(p)),
            })
            .collect();
        let sql = format!(
            "SELECT id, name FROM {} AND ({})",
            from("repos"),
            conds.join(" OR ")
        );
        let b = self.select(&sql)?;
        let mut r = Rows::new(&b);
        let mut out = Vec::new();
        while !r.is_empty() {
            out.push((r.i64().map_err(proto)?, r.string().map_err(proto)?));
        }
        out.sort();
        out.dedup();
        Ok(out)
    }

    fn has_paths(&self, scopes: &[PathScope]) -> Result<bool> {
        let Some(cond) = paths_sql(scopes) else {
            return Ok(false);
        };
        let sql = format!(
            "SELECT toInt64(count()) FROM (SELECT 1 FROM {} AND ({cond}) LIMIT 1)",
            from("contribution_paths")
        );
        let b = self.select(&sql)?;
        Ok(Rows::new(&b).i64().map_err(proto)? > 0)
    }

    fn person_by_login(&self, login: &str) -> Result<Option<i64>> {
        let sql = format!(
            "SELECT id, member_of, last_seen FROM {} AND lower(login) = lower({})",
            from("people"),
            quote(login)
        );
        let b = self.select(&sql)?;
        let mut r = Rows::new(&b);
        let mut best: Option<(bool, i64, i64, i64)> = None;
        while !r.is_empty() {
            let id = r.i64().map_err(proto)?;
            let member_of = r.opt_i64().map_err(proto)?;
            let seen = r.i64().map_err(proto)?;
            // ORDER BY member_of IS NOT NULL, last_seen DESC
            let key = (member_of.is_some(), -seen, id, member_of.unwrap_or(id));
            if best.is_none_or(|b| (key.0, key.1, key.2) < (b.0, b.1, b.2)) {
                best = Some(key);
            }
        }
        if let Some(b) = best {
            return Ok(Some(b.3));
        }
        let sql = format!(
            "SELECT l.person_id, l.last_seen, p.id, p.member_of FROM (SELECT person_id, last_seen FROM {}
               AND login_key = lower({})) AS l
             ALL INNER JOIN (SELECT id, member_of FROM {}) AS p ON l.person_id = p.id",
            from("logins"),
            quote(login),
            from("people")
        );
        let b = self.select(&sql)?;
        let mut r = Rows::new(&b);
        let mut best: Option<(i64, i64, i64)> = None;
        while !r.is_empty() {
            let person = r.i64().map_err(proto)?;
            let seen = r.i64().map_err(proto)?;
            let _ = r.i64().map_err(proto)?;
            let member_of = r.opt_i64().map_err(proto)?;
            let key = (-seen, person, member_of.unwrap_or(person));
            if best.is_none_or(|b| (key.0, key.1) < (b.0, b.1)) {
                best = Some(key);
            }
        }
        Ok(best.map(|b| b.2))
    }

    fn likely_logins(&self, ids_: &[i64]) -> Result<HashMap<i64, (String, String)>> {
        let mut out = HashMap::new();
        if ids_.is_empty() {
            return Ok(out);
        }
        let sql = format!(
            "SELECT p.id, l.person, l.method, l.confidence FROM (SELECT id, login FROM {}
               AND id IN ({}) AND position(login, ':') > 0) AS p
             ALL INNER JOIN (SELECT account AS login, person_key, person, method, confidence FROM {}
               AND state IN ('suggested', 'proven')) AS l USING login",
            from("people"),
            ids(ids_),
            from("identity_links")
        );
        let b = self.select(&sql)?;
        let mut r = Rows::new(&b);
        // per account: the most confident link (ties: the store's key order, person NOCASE)
        let mut best: HashMap<i64, (f64, String, String)> = HashMap::new();
        while !r.is_empty() {
            let id = r.i64().map_err(proto)?;
            let person = r.string().map_err(proto)?;
            let method = r.string().map_err(proto)?;
            let confidence = r.f64().map_err(proto)?;
            let better = match best.get(&id) {
                None => true,
                Some((c, p, _)) => {
                    confidence > *c
                        || (confidence == *c
                            && person.to_ascii_lowercase() < p.to_ascii_lowercase())
                }
            };
            if better {
                best.insert(id, (confidence, person, method));
            }
        }
        for (id, (_, login, method)) in best {
            // never a mention of someone who opted out
            if !self
                .local
                .suppressed_logins(std::slice::from_ref(&login))?
                .is_empty()
            {
                continue;
            }
            let why = builtby_store::identity::Method::parse(&method)
                .map_or("suggested", |m| m.describe());
            out.insert(id, (login, why.to_string()));
        }
        Ok(out)
    }

    fn ats_logins(&self) -> Result<HashSet<String>> {
        self.local.ats_logins()
    }

    fn kind_totals(&self, person_ids: &[i64], until: i64) -> Result<Vec<(i64, i64, Kind, i64)>> {
        if person_ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT person_id, repo_id, kind, toInt64(sum(n)) FROM {} AND person_id IN ({}) AND day <= {}
             GROUP BY person_id, repo_id, kind ORDER BY person_id, repo_id, kind",
            from("rollup"),
            ids(person_ids),
            builtby_model::time::day_of(until)
        );
        let b = self.select(&sql)?;
        let mut r = Rows::new(&b);
        let mut out = Vec::new();
        while !r.is_empty() {
            let p = r.i64().map_err(proto)?;
            let repo = r.i64().map_err(proto)?;
            let k = kind(r.i64().map_err(proto)?)?;
            out.push((p, repo, k, r.i64().map_err(proto)?));
        }
        Ok(out)
    }

    fn count_with_any_word(
        &self,
        person_ids: &[i64],
        words: &[&str],
        with_body: bool,
        kinds: &[Kind],
        until: i64,
    ) -> Result<Vec<(i64, i64, i64)>> {
        let terms: Vec<String> = words.iter().flat_map(|w| fts_terms(w)).collect();
        if terms.is_empty() || person_ids.is_empty() || kinds.is_empty() {
            return Ok(Vec::new());
        }
        let phrases = mirror::fts_phrases(&terms)?;
        let mut conds = Vec::new();
        for p in &phrases {
            conds.extend(phrase_sql("title_terms", p));
            if with_body {
                conds.extend(phrase_sql("body_terms", p));
            }
        }
        if conds.is_empty() {
            return Ok(Vec::new());
        }
        let codes: Vec<i64> = kinds.iter().map(|k| k.code()).collect();
        let sql = format!(
            "SELECT person_id, repo_id, toInt64(count()) FROM {} AND ({}) AND at <= {until}
               AND kind IN ({}) AND person_id IN ({})
             GROUP BY person_id, repo_id ORDER BY person_id, repo_id",
            from("contributions"),
            conds.join(" OR "),
            ids(&codes),
            ids(person_ids)
        );
        let b = self.select(&sql)?;
        let mut r = Rows::new(&b);
        let mut out = Vec::new();
        while !r.is_empty() {
            out.push((
                r.i64().map_err(proto)?,
                r.i64().map_err(proto)?,
                r.i64().map_err(proto)?,
            ));
        }
        Ok(out)
    }

    fn studied_repos(&self) -> Result<HashSet<i64>> {
        let b = self.select(&format!("SELECT repo_id FROM {}", from("studied_repos")))?;
        let mut r = Rows::new(&b);
        let mut out = HashSet::new();
        while !r.is_empty() {
            out.insert(r.i64().map_err(proto)?);
        }
        Ok(out)
    }

    fn path_classes(&self, person_ids: &[i64]) -> Result<Vec<PathClassCount>> {
        if person_ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT person_id, repo_id, class, n FROM {} AND person_id IN ({})
             ORDER BY person_id, repo_id, class",
            from("path_rollup"),
            ids(person_ids)
        );
        let b = self.select(&sql)?;
        let mut r = Rows::new(&b);
        let mut out = Vec::new();
        while !r.is_empty() {
            let person_id = r.i64().map_err(proto)?;
            let repo_id = r.i64().map_err(proto)?;
            let class = r.i64().map_err(proto)?;
            let n = r.i64().map_err(proto)?;
            if let Some(class) = PathClass::from_code(class) {
                out.push(PathClassCount {
                    person_id,
                    repo_id,
                    class,
                    n,
                });
            }
        }
        Ok(out)
    }

    fn person_cells(&self, person_id: i64) -> Result<Vec<(String, Kind, i64, i64)>> {
        let sql = format!(
            "SELECT repo_id, kind, day, n FROM {} AND person_id = {person_id}
             ORDER BY day, repo_id, kind",
            from("rollup")
        );
        let b = self.select(&sql)?;
        let mut r = Rows::new(&b);
        let mut raw = Vec::new();
        while !r.is_empty() {
            let repo = r.i64().map_err(proto)?;
            let k = kind(r.i64().map_err(proto)?)?;
            let day = r.i64().map_err(proto)?;
            raw.push((repo, k, day, r.i64().map_err(proto)?));
        }
        let mut repo_ids: Vec<i64> = raw.iter().map(|x| x.0).collect();
        repo_ids.sort_unstable();
        repo_ids.dedup();
        let names = self.repo_names(&repo_ids)?;
        Ok(raw
            .into_iter()
            .filter_map(|(repo, k, day, n)| names.get(&repo).map(|name| (name.clone(), k, day, n)))
            .collect())
    }

    fn person_paths(&self, person_id: i64, limit: u32) -> Result<Vec<PersonPath>> {
        let sql = format!(
            "SELECT c.id, c.kind, c.at, c.repo_id, p.path FROM (SELECT id, kind, at, repo_id FROM {}
               AND person_id = {person_id}) AS c
             ALL INNER JOIN (SELECT contribution_id AS id, path FROM {}) AS p USING id",
            from("contributions"),
            from("contribution_paths")
        );
        let b = self.select(&sql)?;
        let mut r = Rows::new(&b);
        let mut raw = Vec::new();
        while !r.is_empty() {
            let id = r.i64().map_err(proto)?;
            let k = kind(r.i64().map_err(proto)?)?;
            let at = r.i64().map_err(proto)?;
            let repo = r.i64().map_err(proto)?;
            raw.push((at, id, k, repo, r.string().map_err(proto)?));
        }
        raw.sort_by(|a, b| {
            b.0.cmp(&a.0)
                .then(b.1.cmp(&a.1))
                .then_with(|| a.4.cmp(&b.4))
        });
        raw.truncate(limit as usize);
        let mut repo_ids: Vec<i64> = raw.iter().map(|x| x.3).collect();
        repo_ids.sort_unstable();
        repo_ids.dedup();
        let names = self.repo_names(&repo_ids)?;
        Ok(raw
            .into_iter()
            .filter_map(|(at, id, k, repo, path)| {
                names.get(&repo).map(|name| (name.clone(), id, k, at, path))
            })
            .collect())
    }

    fn each_count(&self, f: &mut dyn FnMut(&str, bool, &str, Kind, i64)) -> Result<()> {
        let b = self.select(&format!(
            "SELECT id, login, github_id, toInt64(is_bot_type != 0 OR not_person IS NOT NULL OR behaviour IS NOT NULL)
             FROM {} AND optout IS NULL",
            from("people")
        ))?;
        let mut r = Rows::new(&b);
        let mut people: HashMap<i64, (String, Option<i64>, bool)> = HashMap::new();
        while !r.is_empty() {
            let id = r.i64().map_err(proto)?;
            let login = r.string().map_err(proto)?;
            let gh = r.opt_i64().map_err(proto)?;
            people.insert(id, (login, gh, r.i64().map_err(proto)? != 0));
        }
        let all: Vec<i64> = people.keys().copied().collect();
        let visible = self.local.visible_people(&all)?;
        people.retain(|id, _| visible.contains(id));
        let b = self.select(&format!("SELECT id, name FROM {}", from("repos")))?;
        let mut r = Rows::new(&b);
        let mut repos: HashMap<i64, String> = HashMap::new();
        while !r.is_empty() {
            let id = r.i64().map_err(proto)?;
            repos.insert(id, r.string().map_err(proto)?);
        }
        let b = self.select(&format!(
            "SELECT person_id, repo_id, kind, toInt64(sum(n)) FROM {} GROUP BY person_id, repo_id, kind",
            from("rollup")
        ))?;
        let mut r = Rows::new(&b);
        let mut rows = Vec::new();
        while !r.is_empty() {
            let p = r.i64().map_err(proto)?;
            let repo = r.i64().map_err(proto)?;
            let k = kind(r.i64().map_err(proto)?)?;
            let n = r.i64().map_err(proto)?;
            if let (Some(person), Some(name)) = (people.get(&p), repos.get(&repo)) {
                rows.push((person, p, name, k, n));
            }
        }
        // ORDER BY p.login COLLATE NOCASE, p.login, p.github_id, p.id, r.name (NOCASE), x.kind
        rows.sort_by(|a, b| {
            a.0 .0
                .to_ascii_lowercase()
                .cmp(&b.0 .0.to_ascii_lowercase())
                .then_with(|| a.0 .0.cmp(&b.0 .0))
                .then(a.0 .1.cmp(&b.0 .1))
                .then(a.1.cmp(&b.1))
                .then_with(|| a.2.to_ascii_lowercase().cmp(&b.2.to_ascii_lowercase()))
                .then(a.3.cmp(&b.3))
        });
        for (person, _, repo, k, n) in rows {
            f(&person.0, person.2, repo, k, n);
        }
        Ok(())
    }
}
