//! The read side: rollup cells for ranking, evidence for the people shown, and descriptions
//! of what is loaded. All reads are plain SELECTs, safe while another process loads.

use crate::{Result, Store, StoreError};
use builtby_model::Kind;
use rusqlite::{params, params_from_iter, OptionalExtension, Row};
use serde::Serialize;

mod counts;
mod evidence;
mod scope;
pub use counts::MeasuredRow;
pub(crate) use scope::{
    by_ids, id_array, id_list, kind_order_sql, like_escape, path_cond, paths_where, person_filter,
    scope_sql, share_join, shares, Arg,
};
pub use scope::{fts_query, fts_terms, text_words};

/// Which work a search looks at. `None` means "no filter".
#[derive(Debug, Clone, Default)]
pub struct CellQuery {
    pub repo_ids: Option<Vec<i64>>,
    pub kinds: Option<Vec<Kind>>,
    /// Inclusive bounds, Unix seconds.
    pub since: Option<i64>,
    pub until: Option<i64>,
    /// Words that must all appear in a contribution's title or body.
    pub text: Option<String>,
    pub person_ids: Option<Vec<i64>>,
    /// Only contributions that touched a path in one of these scopes (paths come from git
    /// histories: commits, and merged PRs their commits or merges belong to).
    pub paths: Option<Vec<PathScope>>,
}

/// Paths starting with `prefix` (in one repository, or any), or with `prefix` as a whole
/// folder anywhere in the tree when `anywhere` (`tests/` finds `a/tests/x.py`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathScope {
    pub repo_id: Option<i64>,
    pub prefix: String,
    pub anywhere: bool,
}

/// The middle day of the 30-day bucket a day falls in: what [`Cell::day`] holds.
pub fn bucket_day(day: i64) -> i64 {
    day.div_euclid(30) * 30 + 15
}

/// One row a cell is summed from: (person, repository, kind code, day, n, w).
pub(crate) type RawCell = (i64, i64, i64, i64, i64, f64);

/// A [`RawCell`] from a row selecting those six columns in that order.
pub(crate) fn raw_cell(r: &Row) -> rusqlite::Result<RawCell> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
    ))
}

/// A count of one person's contributions of one kind in one repository within one 30-day
/// bucket (`day` is the bucket's middle day, days since the epoch), and what they weigh.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cell {
    pub person_id: i64,
    pub repo_id: i64,
    pub kind: Kind,
    pub day: i64,
    pub n: i64,
    /// The sum of the contributions' weights (`builtby_model::grade`: 1 each for ordinary
    /// work; less for mechanical edits, acknowledgements and capped bursts; more for
    /// substantive reviews), times, within a path or area search, the share of each
    /// contribution's files and lines that fall in it.
    pub w: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PersonRow {
    pub id: i64,
    pub github_id: Option<i64>,
    pub login: String,
    pub name: Option<String>,
    pub location: Option<String>,
    pub company: Option<String>,
    pub blog: Option<String>,
    pub is_bot_type: bool,
    /// Why this account is not a person (an import identity, an AI co-author), if it is not.
    pub not_person: Option<String>,
    /// Why this account's activity is not a person's (bursts of pushes, badge PRs), if so;
    /// the bot file's `!login` overrides it.
    pub behaviour: Option<String>,
    /// Other logins this person was seen under.
    pub previous_logins: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct EvidenceQuery {
    pub person_id: i64,
    pub scope: CellQuery,
    pub limit: u32,
    pub offset: u32,
    /// Kinds strongest first: the order evidence is listed in (search decides it; kinds not
    /// listed come last). Newest first within a kind.
    pub kind_order: Vec<Kind>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvidenceRow {
    pub kind: Kind,
    pub repo: String,
    pub url: String,
    pub at: i64,
    pub title: Option<String>,
    pub number: Option<i64>,
    pub review_state: Option<String>,
    pub path: Option<String>,
    pub additions: Option<i64>,
    pub deletions: Option<i64>,
    pub needs_hydration: bool,
    /// The paths the contribution touched, most-changed first (at most 20).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub paths: Vec<String>,
    /// What the contribution weighs (1 for ordinary work; see [`Cell::w`]).
    pub weight: f64,
    /// Why the weight is not 1: "mechanical: a chore", "burst: 548 in one hour, counted as 10",
    /// "substantive: proposes code".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub why: Option<String>,
    /// Within a path or area search: the share of its files and lines in scope (0–1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub focus: Option<f64>,
    /// For reviews and comments: what was said, at most 200 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quote: Option<String>,
    /// What a source measured about work off GitHub (downloads, card quality, tier…).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub measures: Option<builtby_model::Measures>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct StoreStats {
    pub files: i64,
    pub events: i64,
    pub contributions: i64,
    pub people: i64,
    pub repos: i64,
    pub pointers: i64,
    pub first_at: Option<i64>,
    pub last_at: Option<i64>,
    pub contributions_by_kind: Vec<(String, i64)>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FileRow {
    pub source: String,
    pub path: String,
    pub size: i64,
    pub checksum: String,
    pub loaded_at: i64,
    pub complete: bool,
    pub events: i64,
    pub contributions: i64,
    pub new_contributions: i64,
    /// The source's own account of the file, as JSON.
    pub stats: String,
    /// The path of a later, whole load of the same file that replaced this incomplete one
    /// (not counted in the totals).
    pub superseded_by: Option<String>,
}

impl Store {
    /// Rollup cells in scope, in 30-day buckets. With `text`, counted from the contributions
    /// whose title or body has every word instead of from the rollup.
    pub fn cells(&self, q: &CellQuery) -> Result<Vec<Cell>> {
        let mut args = Vec::new();
        let sql = match q.text.as_deref().and_then(fts_query) {
            None if q.text.is_none() && q.paths.is_some() => {
                let join = share_join(q, &mut args).unwrap_or_default();
                let w = scope_sql(q, "c.at", false, &mut args);
                format!(
                    "SELECT person_id, repo_id, kind, at / 86400, 1, c.weight * s.share FROM contributions c{join} WHERE {w}"
                )
            }
            Some(m) => {
                args.push(m.into());
                let join = share_join(q, &mut args);
                let w = scope_sql(q, "c.at", false, &mut args);
                let weight = if join.is_some() {
                    "c.weight * s.share"
                } else {
                    "c.weight"
                };
                format!(
                    "SELECT person_id, repo_id, kind, at / 86400, 1, {weight} FROM contributions c{}
                     WHERE c.id IN (SELECT rowid FROM contributions_fts WHERE contributions_fts MATCH ?1) AND {w}",
                    join.unwrap_or_default()
                )
            }
            None if q.text.is_some() => return Ok(Vec::new()),
            None => {
                let w = scope_sql(q, "day", true, &mut args);
                format!("SELECT person_id, repo_id, kind, day, n, w FROM rollup WHERE {w}")
            }
        };
        let mut stmt = self.conn.prepare_cached(&sql).map_err(|e| self.err(e))?;
        let mut rows = stmt
            .query(params_from_iter(args))
            .map_err(|e| self.err(e))?;
        let mut raw: Vec<RawCell> = Vec::new();
        while let Some(r) = rows.next().map_err(|e| self.err(e))? {
            raw.push(raw_cell(r).map_err(|e| self.err(e))?);
        }
        self.bucketed(raw)
    }

    /// Rows of (person, repository, kind, day, n, w) summed into 30-day cells, in
    /// (person, repository, kind, day) order. The rows are put in one canonical order before
    /// summing, so the float sums (and every score made of them) are the same however the
    /// rows were read: a search's scan and the ranking's person-by-person pass
    /// (`ranking.rs`) give the same cells bit for bit. A sort rather than SQL's GROUP BY: it
    /// beats SQLite's sorter on big scopes.
    pub(crate) fn bucketed(&self, mut raw: Vec<RawCell>) -> Result<Vec<Cell>> {
        raw.sort_unstable_by(|a, b| {
            (a.0, a.1, a.2, a.3)
                .cmp(&(b.0, b.1, b.2, b.3))
                .then(a.5.total_cmp(&b.5))
                .then(a.4.cmp(&b.4))
        });
        let mut cells: Vec<Cell> = Vec::new();
        for (p, repo, kind, day, n, w) in raw {
            let day = bucket_day(day);
            match cells.last_mut() {
                Some(c)
                    if (c.person_id, c.repo_id, c.kind.code(), c.day) == (p, repo, kind, day) =>
                {
                    c.n += n;
                    c.w += w;
                }
                _ => {
                    let kind = crate::kind_of(kind).map_err(|e| StoreError::Corrupt {
                        path: self.path.clone(),
                        source: e,
                    })?;
                    cells.push(Cell {
                        person_id: p,
                        repo_id: repo,
                        kind,
                        day,
                        n,
                        w,
                    });
                }
            }
        }
        Ok(cells)
    }

    /// The people with these ids, in no particular order. People who opted out are never
    /// returned (see [`crate::optout`]): every view built on this leaves them out.
    pub fn people(&self, ids: &[i64]) -> Result<Vec<PersonRow>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let q = by_ids(
            "SELECT id, github_id, login, name,
               location, company, blog, is_bot_type, not_person, behaviour, optout IS NOT NULL FROM people",
            ids,
        );
        let keep = &q.keep;
        let mut stmt = self.conn.prepare_cached(&q.sql).map_err(|e| self.err(e))?;
        let mut out = stmt
            .query_map(q.params(), |r| {
                let p = PersonRow {
                    id: r.get(0)?,
                    github_id: r.get(1)?,
                    login: r.get(2)?,
                    name: r.get(3)?,
                    location: r.get(4)?,
                    company: r.get(5)?,
                    blog: r.get(6)?,
                    is_bot_type: r.get(7)?,
                    not_person: r.get(8)?,
                    behaviour: r.get(9)?,
                    previous_logins: Vec::new(),
                };
                Ok((p, r.get::<_, bool>(10)?))
            })
            .map_err(|e| self.err(e))?
            .filter(|r| r.as_ref().map_or(true, |(p, hidden)| keep(p.id) && !hidden))
            .map(|r| r.map(|(p, _)| p))
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(|e| self.err(e))?;
        // A person with no name of their own shows a linked account's (a git identity's): one
        // query for all of them, not one per row.
        let unnamed: Vec<i64> = out
            .iter()
            .filter(|p| p.name.is_none())
            .map(|p| p.id)
            .collect();
        if !unnamed.is_empty() {
            // The ids are bound as one array, so the statement is prepared once: a list
            // written into the SQL made every page's statement new (parsed, planned, and
            // pushing reusable statements out of the cache).
            let (sql, list) = if unnamed.len() > 2000 {
                (
                    "SELECT member_of, name FROM people INDEXED BY people_member_of
                     WHERE member_of IS NOT NULL AND name IS NOT NULL ORDER BY member_of, id",
                    None,
                )
            } else {
                (
                    "SELECT member_of, name FROM people INDEXED BY people_member_of
                     WHERE member_of IN rarray(?1) AND name IS NOT NULL ORDER BY member_of, id",
                    Some(id_array(&unnamed)),
                )
            };
            let mut st = self.conn.prepare_cached(sql).map_err(|e| self.err(e))?;
            let mut names: std::collections::HashMap<i64, String> =
                std::collections::HashMap::new();
            let rows = st
                .query_map(params_from_iter(list.iter()), |r| {
                    Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
                })
                .map_err(|e| self.err(e))?;
            for r in rows {
                let (member_of, name) = r.map_err(|e| self.err(e))?;
                names.entry(member_of).or_insert(name);
            }
            for p in out.iter_mut().filter(|p| p.name.is_none()) {
                p.name = names.remove(&p.id);
            }
        }
        // One query for everyone's other logins (the table holds only renamed people).
        let wanted: std::collections::HashSet<i64> = out.iter().map(|p| p.id).collect();
        let (sql, list) = if ids.len() > 2000 {
            // the table holds only renamed people: read it whole rather than bind a huge list
            (
                "SELECT person_id, login FROM logins ORDER BY last_seen DESC",
                None,
            )
        } else {
            (
                "SELECT person_id, login FROM logins WHERE person_id IN rarray(?1) ORDER BY last_seen DESC",
                Some(id_array(ids)),
            )
        };
        let mut lg = self.conn.prepare_cached(sql).map_err(|e| self.err(e))?;
        let mut others: std::collections::HashMap<i64, Vec<String>> =
            std::collections::HashMap::new();
        let rows = lg
            .query_map(params_from_iter(list.iter()), |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
            })
            .map_err(|e| self.err(e))?;
        for r in rows {
            let (id, login) = r.map_err(|e| self.err(e))?;
            if wanted.contains(&id) {
                others.entry(id).or_default().push(login);
            }
        }
        for p in &mut out {
            if let Some(l) = others.remove(&p.id) {
                p.previous_logins = l
                    .into_iter()
                    .filter(|l| !l.eq_ignore_ascii_case(&p.login))
                    .collect();
            }
        }
        Ok(out)
    }

    /// Which of these people a reader may show: those stored here and not opted out. A mirror
    /// of the store (`builtby_clickhouse`) filters what it reads by this, so a person who opted
    /// out or was erased is never shown, even before the mirror hears of it.
    pub fn visible_people(&self, ids: &[i64]) -> Result<std::collections::HashSet<i64>> {
        if ids.is_empty() {
            return Ok(Default::default());
        }
        let q = by_ids("SELECT id, optout IS NULL FROM people", ids);
        let keep = &q.keep;
        let mut stmt = self.conn.prepare_cached(&q.sql).map_err(|e| self.err(e))?;
        let mut rows = stmt.query(q.params()).map_err(|e| self.err(e))?;
        let mut out = std::collections::HashSet::new();
        while let Some(r) = rows.next().map_err(|e| self.err(e))? {
            let id: i64 = r.get(0).map_err(|e| self.err(e))?;
            if keep(id) && r.get::<_, bool>(1).map_err(|e| self.err(e))? {
                out.insert(id);
            }
        }
        Ok(out)
    }

    /// The person currently or formerly known by `login` (the most recently seen one).
    pub fn person_by_login(&self, login: &str) -> Result<Option<i64>> {
        let current = self
            .conn
            .query_row("SELECT coalesce(member_of, id) FROM people WHERE login = ?1 COLLATE NOCASE ORDER BY member_of IS NOT NULL, last_seen DESC LIMIT 1", [login], |r| r.get(0))
            .optional()
            .map_err(|e| self.err(e))?;
        if current.is_some() {
            return Ok(current);
        }
        self.conn
            .query_row(
                "SELECT coalesce(p.member_of, p.id) FROM logins l JOIN people p ON p.id = l.person_id WHERE l.login = ?1 ORDER BY l.last_seen DESC LIMIT 1",
                [login],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    /// Repositories whose name matches any pattern: `owner/name` exactly (any case) or
    /// `owner/*`. Returns (id, name).
    pub fn repos_matching(&self, patterns: &[String]) -> Result<Vec<(i64, String)>> {
        let mut out = Vec::new();
        for p in patterns {
            let (sql, arg) = match p.strip_suffix("/*") {
                Some(owner) => (
                    "SELECT id, name FROM repos WHERE name LIKE ?1 ESCAPE '\\'",
                    format!("{}/%", like_escape(owner)),
                ),
                None => ("SELECT id, name FROM repos WHERE name = ?1", p.clone()),
            };
            let mut stmt = self.conn.prepare_cached(sql).map_err(|e| self.err(e))?;
            let rows = stmt
                .query_map([arg], |r| Ok((r.get(0)?, r.get(1)?)))
                .map_err(|e| self.err(e))?;
            for r in rows {
                out.push(r.map_err(|e| self.err(e))?);
            }
        }
        out.sort();
        out.dedup();
        Ok(out)
    }

    /// Does any stored path (from git histories) fall in one of `scopes`? A scope of any
    /// repository is looked up in each repository that has paths: a seek or two each, where
    /// a scan of every path would read them all.
    pub fn has_paths(&self, scopes: &[PathScope]) -> Result<bool> {
        let mut expanded = Vec::new();
        let mut any_repo: Option<Vec<i64>> = None;
        for s in scopes {
            match s.repo_id {
                Some(_) => expanded.push(s.clone()),
                None => {
                    if any_repo.is_none() {
                        any_repo = Some(self.repos_with_paths()?);
                    }
                    for &id in any_repo.as_deref().unwrap_or_default() {
                        expanded.push(PathScope {
                            repo_id: Some(id),
                            ..s.clone()
                        });
                    }
                }
            }
        }
        let mut args = Vec::new();
        let Some(w) = paths_where(&expanded, &mut args) else {
            return Ok(false);
        };
        let sql = format!("SELECT EXISTS(SELECT 1 FROM contribution_paths WHERE {w})");
        self.conn
            .query_row(&sql, params_from_iter(args), |r| r.get(0))
            .map_err(|e| self.err(e))
    }

    /// The repositories with stored paths, one seek on the primary key (repo_id, path, …)
    /// each.
    pub fn repos_with_paths(&self) -> Result<Vec<i64>> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT repo_id FROM contribution_paths WHERE repo_id > ?1 ORDER BY repo_id LIMIT 1",
            )
            .map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        let mut last = i64::MIN;
        while let Some(id) = stmt
            .query_row([last], |r| r.get::<_, i64>(0))
            .optional()
            .map_err(|e| self.err(e))?
        {
            out.push(id);
            last = id;
        }
        Ok(out)
    }

    /// (name, distinct contributors) for repository ids.
    pub fn repos(&self, ids: &[i64]) -> Result<Vec<(i64, String, i64)>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let q = by_ids("SELECT id, name, contributors FROM repos", ids);
        let keep = &q.keep;
        let mut stmt = self.conn.prepare_cached(&q.sql).map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(q.params(), |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .map_err(|e| self.err(e))?
            .filter(|r: &rusqlite::Result<(i64, String, i64)>| {
                r.as_ref().map_or(true, |x| keep(x.0))
            });
        rows.collect::<rusqlite::Result<Vec<_>>>()
            .map_err(|e| self.err(e))
    }

    pub fn stats(&self) -> Result<StoreStats> {
        let e = |e| self.err(e);
        let one = |sql: &str| {
            self.conn
                .query_row(sql, [], |r| r.get::<_, i64>(0))
                .map_err(e)
        };
        let (first_at, last_at) = self
            .conn
            .query_row("SELECT min(at), max(at) FROM contributions", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .map_err(e)?;
        let mut stmt = self
            .conn
            .prepare("SELECT kind, sum(n) FROM rollup GROUP BY kind ORDER BY kind")
            .map_err(e)?;
        let by_kind = stmt
            .query_map([], |r| Ok((crate::kind_at(r, 0)?.to_string(), r.get(1)?)))
            .map_err(e)?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(e)?;
        Ok(StoreStats {
            // an input replaced by its whole version counts once
            files: one("SELECT count(*) FROM files WHERE superseded_by IS NULL")?,
            events: one("SELECT coalesce(sum(events), 0) FROM files WHERE superseded_by IS NULL")?,
            contributions: one("SELECT count(*) FROM contributions")?,
            // people with work: not the accounts only seen, nor accounts linked to a person
            people: one("SELECT count(*) FROM (SELECT DISTINCT person_id FROM rollup INDEXED BY rollup_person)")?,
            repos: one("SELECT count(*) FROM repos")?,
            pointers: one("SELECT count(*) FROM pointers")?,
            first_at,
            last_at,
            contributions_by_kind: by_kind,
        })
    }

    pub fn files(&self) -> Result<Vec<FileRow>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT f.source, f.path, f.size, f.checksum, f.loaded_at, f.complete, f.events, f.contributions,
                        f.new_contributions, f.stats, s.path
                 FROM files f LEFT JOIN files s ON s.id = f.superseded_by ORDER BY f.id",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok(FileRow {
                    source: r.get(0)?,
                    path: r.get(1)?,
                    size: r.get(2)?,
                    checksum: r.get(3)?,
                    loaded_at: r.get(4)?,
                    complete: r.get(5)?,
                    events: r.get(6)?,
                    contributions: r.get(7)?,
                    new_contributions: r.get(8)?,
                    stats: r.get(9)?,
                    superseded_by: r.get(10)?,
                })
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
            .map_err(|e| self.err(e))
    }

    /// Every (person, repository, kind) count in the store, in login order, streamed to `f`
    /// with the person's login and GitHub bot flag. People who opted out are left out.
    pub fn each_count(&self, mut f: impl FnMut(&str, bool, &str, Kind, i64)) -> Result<()> {
        let mut stmt = self
            .conn
            .prepare(
                // not a person (an import identity, an AI co-author) counts as a bot here
                "SELECT p.login, p.is_bot_type OR p.not_person IS NOT NULL OR p.behaviour IS NOT NULL, r.name, x.kind, x.n FROM
                   (SELECT person_id, repo_id, kind, sum(n) AS n FROM rollup GROUP BY person_id, repo_id, kind) x
                 JOIN people p ON p.id = x.person_id JOIN repos r ON r.id = x.repo_id
                 WHERE p.optout IS NULL
                 ORDER BY p.login COLLATE NOCASE, p.login, p.github_id, p.id, r.name, x.kind",
            )
            .map_err(|e| self.err(e))?;
        let mut rows = stmt.query([]).map_err(|e| self.err(e))?;
        while let Some(r) = rows.next().map_err(|e| self.err(e))? {
            let login: String = r.get(0).map_err(|e| self.err(e))?;
            let bot: bool = r.get(1).map_err(|e| self.err(e))?;
            let repo: String = r.get(2).map_err(|e| self.err(e))?;
            let kind = crate::kind_at(r, 3).map_err(|e| self.err(e))?;
            let n: i64 = r.get(4).map_err(|e| self.err(e))?;
            f(&login, bot, &repo, kind, n);
        }
        Ok(())
    }

    /// One person's rollup: (repo name, kind, day, n).
    pub fn person_cells(&self, person_id: i64) -> Result<Vec<(String, Kind, i64, i64)>> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT r.name, x.kind, x.day, x.n FROM rollup x JOIN repos r ON r.id = x.repo_id
                 WHERE x.person_id = ?1 ORDER BY x.day",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(params![person_id], |r| {
                Ok((r.get(0)?, crate::kind_at(r, 1)?, r.get(2)?, r.get(3)?))
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
            .map_err(|e| self.err(e))
    }
}
