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

mod evidence;
mod people;
mod scope;
use scope::{paths_sql, phrase_sql, scope_sql, share};

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

impl Reader<'_> {
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
        self.evidence_page(q)
    }

    fn people(&self, ids_: &[i64]) -> Result<Vec<PersonRow>> {
        self.people_rows(ids_)
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
