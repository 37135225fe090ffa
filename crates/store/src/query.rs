//! The read side: rollup cells for ranking, evidence for the people shown, and descriptions
//! of what is loaded. All reads are plain SELECTs, safe while another process loads.

use crate::{Result, Store, StoreError};
use builtby_model::Kind;
use rusqlite::{params, params_from_iter, OptionalExtension, Row};
use serde::Serialize;

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

/// Kinds in the order evidence is shown: the strongest signal first.
/// Codes: 0 pr_opened, 1 pr_merged, 2 pr_closed_unmerged, 3 review, 4 review_comment,
/// 5 issue_opened, 6 issue_comment, 7 push, 8 release, 9 member_added, 10 commit,
/// 11 co_authored, 12 commit_review, 13 pr_commit.
/// `CASE kind WHEN <code> THEN <rank> … END` for the caller's kind order (codes are integers
/// from the model, so nothing user-typed reaches the SQL text).
fn kind_order_sql(order: &[Kind]) -> String {
    if order.is_empty() {
        // `CASE kind ELSE 0 END` is a syntax error
        return "0".to_string();
    }
    let mut s = String::from("CASE kind");
    for (i, k) in order.iter().enumerate() {
        s.push_str(&format!(" WHEN {} THEN {i}", k.code()));
    }
    s.push_str(&format!(" ELSE {} END", order.len()));
    s
}

/// The words of free text as the full-text index splits them (letters and digits; any other
/// character separates), in order, repeats kept.
pub fn text_words(text: &str) -> Vec<&str> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect()
}

/// The distinct terms of free text (the index ignores case), in first-seen order: each is one
/// posting list the index reads, so a word typed twice is looked up once.
pub fn fts_terms(text: &str) -> Vec<String> {
    let mut terms: Vec<String> = Vec::new();
    for w in text_words(text) {
        let w = w.to_lowercase();
        if !terms.contains(&w) {
            terms.push(w);
        }
    }
    terms
}

/// Turns free words into an FTS5 query that matches all of them, whatever punctuation the user
/// typed: each distinct word becomes a quoted term.
pub fn fts_query(text: &str) -> Option<String> {
    let terms: Vec<String> = fts_terms(text)
        .into_iter()
        .map(|w| format!("\"{w}\""))
        .collect();
    (!terms.is_empty()).then(|| terms.join(" "))
}

/// `1,2,3`: ids for an SQL `IN (…)` list (integers only, so nothing user-typed reaches SQL).
pub(crate) fn id_list(ids: &[i64]) -> String {
    let mut s = String::with_capacity(ids.len() * 8);
    for (i, id) in ids.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        s.push_str(&id.to_string());
    }
    s
}

/// The condition on `contribution_paths` rows for a query's path scope (`0` for an empty
/// one); `None` without a path filter.
fn path_cond(q: &CellQuery, args: &mut Vec<rusqlite::types::Value>) -> Option<String> {
    let scopes = q.paths.as_ref()?;
    Some(paths_where(scopes, args).unwrap_or_else(|| "0".to_string()))
}

/// The condition on `contribution_paths` rows for `scopes`; `None` when there is no scope.
///
/// Scopes with the same prefix are one condition with an `IN` list of their repositories (a
/// seek per repository on the primary key (repo_id, path, …)), and the conditions are joined
/// by a balanced tree of `OR`s: however many scopes, the expression stays shallow (SQLite
/// refuses trees deeper than 1,000).
fn paths_where(scopes: &[PathScope], args: &mut Vec<rusqlite::types::Value>) -> Option<String> {
    // (prefix, anywhere) → repository ids, None for any repository; in first-seen order.
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
    for ((prefix, anywhere), ids) in groups {
        let mut conds = Vec::new();
        match ids {
            Some(mut ids) => {
                ids.sort_unstable();
                ids.dedup();
                conds.push(format!("repo_id IN ({})", id_list(&ids)));
            }
            // a seek per repository on the primary key (repo_id, path, …)
            None => conds.push("repo_id IN (SELECT id FROM repos)".to_string()),
        }
        if anywhere {
            args.push(format!("%/{}%", like_escape(prefix)).into());
            conds.push(format!("('/' || path) LIKE ?{} ESCAPE '\\'", args.len()));
        } else {
            args.push(prefix.to_string().into());
            conds.push(format!("path >= ?{}", args.len()));
            match prefix_upper(prefix) {
                Some(u) => {
                    args.push(u.into());
                    conds.push(format!("path < ?{}", args.len()));
                }
                None => conds.push(format!(
                    "substr(path, 1, length(?{n})) = ?{n}",
                    n = args.len()
                )),
            }
        }
        ors.push(format!("({})", conds.join(" AND ")));
    }
    if ors.is_empty() {
        return None;
    }
    Some(balanced_or(&ors))
}

/// A join giving each contribution in a path scope its `share`: the mean of the share of its
/// files and the share of its lines (when known) that fall in scope. A 325-file sweep with two
/// files in the area counts 0.006 of a contribution there.
fn share_join(q: &CellQuery, args: &mut Vec<rusqlite::types::Value>) -> Option<String> {
    let cond = path_cond(q, args)?;
    Some(format!(
        " JOIN {} ON s.contribution_id = c.id",
        shares(&cond)
    ))
}

/// `(…) s`: each contribution touching the paths `cond` selects, with its share of them.
fn shares(cond: &str) -> String {
    let files = format!("sum(CASE WHEN {cond} THEN 1.0 ELSE 0.0 END) / count(*)");
    let lines = format!(
        "total(CASE WHEN {cond} THEN coalesce(added, 0) + coalesce(deleted, 0) END)
           / nullif(total(coalesce(added, 0) + coalesce(deleted, 0)), 0)"
    );
    format!(
        "(SELECT contribution_id, 0.5 * ({files}) + 0.5 * coalesce({lines}, {files}) AS share
          FROM contribution_paths INDEXED BY contribution_paths_contribution
          WHERE contribution_id IN (SELECT contribution_id FROM contribution_paths WHERE {cond})
          GROUP BY contribution_id) s"
    )
}

/// `a OR b OR …` as a balanced tree of parenthesised halves: depth grows with the logarithm
/// of the count, not the count.
fn balanced_or(terms: &[String]) -> String {
    match terms {
        [] => "0".to_string(),
        [one] => one.clone(),
        _ => {
            let (a, b) = terms.split_at(terms.len() / 2);
            format!("({} OR {})", balanced_or(a), balanced_or(b))
        }
    }
}

/// The smallest string greater than every string starting with `p`, when its last character
/// is ASCII.
fn prefix_upper(p: &str) -> Option<String> {
    let last = *p.as_bytes().last()?;
    (last < 0x7e).then(|| format!("{}{}", &p[..p.len() - 1], (last + 1) as char))
}

/// WHERE clauses for a scope over a table with `repo_id`, `kind`, `person_id` and a time column.
pub(crate) fn scope_sql(
    q: &CellQuery,
    day_col: &str,
    time_is_day: bool,
    args: &mut Vec<rusqlite::types::Value>,
) -> String {
    let mut w = vec!["1".to_string()];
    if let Some(ids) = &q.repo_ids {
        w.push(format!("repo_id IN ({})", id_list(ids)));
    }
    if let Some(kinds) = &q.kinds {
        w.push(format!(
            "kind IN ({})",
            id_list(&kinds.iter().map(|k| k.code()).collect::<Vec<_>>())
        ));
    }
    if let Some(p) = &q.person_ids {
        w.push(format!("person_id IN ({})", id_list(p)));
    }
    let conv = |t: i64| {
        if time_is_day {
            builtby_model::time::day_of(t)
        } else {
            t
        }
    };
    if let Some(s) = q.since {
        args.push(conv(s).into());
        w.push(format!("{day_col} >= ?{}", args.len()));
    }
    if let Some(u) = q.until {
        args.push(conv(u).into());
        w.push(format!("{day_col} <= ?{}", args.len()));
    }
    w.join(" AND ")
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

    /// The strongest contributions of one person within a scope, in the query's kind order,
    /// newest first within a kind.
    pub fn evidence(&self, q: &EvidenceQuery) -> Result<Vec<EvidenceRow>> {
        self.evidence_with(q, None)
    }

    /// [`Store::evidence`] read kind by kind (`true`) or by sorting the person's whole scope
    /// (`false`) whoever the person is: a test holds the two to each other.
    #[cfg(test)]
    pub(crate) fn evidence_forced(
        &self,
        q: &EvidenceQuery,
        by_kind: bool,
    ) -> Result<Vec<EvidenceRow>> {
        self.evidence_with(q, Some(by_kind))
    }

    fn evidence_with(&self, q: &EvidenceQuery, by_kind: Option<bool>) -> Result<Vec<EvidenceRow>> {
        let mut args: Vec<rusqlite::types::Value> = vec![q.person_id.into()];
        let mut scope = q.scope.clone();
        scope.person_ids = None;
        let text = scope.text.as_deref().and_then(fts_query);
        let text_sql = match &text {
            Some(m) => {
                args.push(m.clone().into());
                format!("AND c.id IN (SELECT rowid FROM contributions_fts WHERE contributions_fts MATCH ?{})", args.len())
            }
            None => String::new(),
        };
        let join = share_join(&scope, &mut args);
        let w = scope_sql(&scope, "c.at", false, &mut args);
        let by_kind = match by_kind {
            Some(b) => b,
            None => self.prolific(q.person_id)?,
        };
        if by_kind && text.is_none() && join.is_none() {
            return self.evidence_by_kind(q, &scope, &w, args);
        }
        let share = if join.is_some() { "s.share" } else { "NULL" };
        // Strongest first: focused, whole work (weight × focus ≥ 0.5) before sweeps and
        // passing mentions, then by kind (merged before the rest), then newest.
        // The page's rows are chosen first, from narrow columns; their paths, text and repository
        // are read for those rows only (a prolific person has tens of thousands of rows in
        // scope, and a per-row subquery before the sort cost them all).
        let sql = format!(
            "SELECT c.kind, r.name, c.url, c.at, c.title, c.number, c.review_state, c.path, c.additions, c.deletions,
                    c.needs_hydration, c.on_pr,
                    (SELECT group_concat(path, char(10)) FROM (SELECT path FROM contribution_paths
                       WHERE contribution_id = c.id ORDER BY coalesce(added, 0) + coalesce(deleted, 0) DESC, path LIMIT 20)),
                    c.measures, c.weight, c.why, picked.share,
                    CASE WHEN c.kind IN (3, 4, 6) THEN substr(c.body, 1, 600) END
             FROM (SELECT c.id AS id, {share} AS share, c.weight * coalesce({share}, 1) >= 0.5 AS focused,
                          {} AS kord, c.at AS at
                   FROM contributions c{}
                   WHERE c.person_id = ?1 {text_sql} AND {w}
                   ORDER BY focused DESC, kord, c.at DESC, c.id DESC LIMIT {} OFFSET {}) picked
             JOIN contributions c ON c.id = picked.id JOIN repos r ON r.id = c.repo_id
             ORDER BY picked.focused DESC, picked.kord, picked.at DESC, picked.id DESC",
            kind_order_sql(&q.kind_order),
            join.unwrap_or_default(),
            q.limit,
            q.offset
        );
        let mut stmt = self.conn.prepare_cached(&sql).map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(params_from_iter(args), evidence_row)
            .map_err(|e| self.err(e))?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
            .map_err(|e| self.err(e))
    }

    /// [`Store::evidence`] for each of `person_ids` (`q.person_id` is ignored): the same rows.
    /// A scope with text or paths is matched once for all of them — the full-text match and
    /// the share of each contribution's paths in scope were worked out again for every person
    /// of a page, a cost that grew with the store, not with the page — and each person's page
    /// is picked here in the same order the per-person read sorts by.
    pub fn evidence_many(
        &self,
        person_ids: &[i64],
        q: &EvidenceQuery,
    ) -> Result<std::collections::HashMap<i64, Vec<EvidenceRow>>> {
        let mut out = std::collections::HashMap::new();
        let matched_once =
            q.scope.text.as_deref().and_then(fts_query).is_some() || q.scope.paths.is_some();
        if !matched_once || person_ids.len() < 2 {
            for &p in person_ids {
                let one = EvidenceQuery {
                    person_id: p,
                    ..q.clone()
                };
                out.insert(p, self.evidence(&one)?);
            }
            return Ok(out);
        }
        // ?1 is the people; the scope's parameters follow, as in `evidence_with`
        let mut args: Vec<rusqlite::types::Value> = vec![rusqlite::types::Value::Null];
        let mut scope = q.scope.clone();
        scope.person_ids = None;
        let text_sql = match scope.text.as_deref().and_then(fts_query) {
            Some(m) => {
                args.push(m.into());
                format!("AND c.id IN (SELECT rowid FROM contributions_fts WHERE contributions_fts MATCH ?{})", args.len())
            }
            None => String::new(),
        };
        // the scope's paths first, then their contributions by id: not the page's people's
        // whole histories
        let from = match path_cond(&scope, &mut args) {
            Some(cond) => format!(
                "{} CROSS JOIN contributions c ON c.id = s.contribution_id",
                shares(&cond)
            ),
            None => "contributions c".to_string(),
        };
        let w = scope_sql(&scope, "c.at", false, &mut args);
        let share = if scope.paths.is_some() {
            "s.share"
        } else {
            "NULL"
        };
        let sql = format!(
            "SELECT c.person_id, c.id, {share}, c.weight * coalesce({share}, 1) >= 0.5, c.kind, c.at
             FROM {from}
             WHERE c.person_id IN rarray(?1) {text_sql} AND {w}"
        );
        let people: Vec<rusqlite::types::Value> = person_ids.iter().map(|&i| i.into()).collect();
        let people = std::rc::Rc::new(people);
        let mut bound: Vec<&dyn rusqlite::ToSql> = vec![&people];
        bound.extend(args[1..].iter().map(|a| a as &dyn rusqlite::ToSql));
        let kord = |k: Kind| {
            q.kind_order
                .iter()
                .position(|o| *o == k)
                .unwrap_or(q.kind_order.len())
        };
        let mut rows: std::collections::HashMap<i64, Vec<Picked>> =
            std::collections::HashMap::new();
        let mut stmt = self.conn.prepare_cached(&sql).map_err(|e| self.err(e))?;
        let mut it = stmt
            .query(rusqlite::params_from_iter(bound))
            .map_err(|e| self.err(e))?;
        while let Some(r) = it.next().map_err(|e| self.err(e))? {
            let e = |e| self.err(e);
            let person: i64 = r.get(0).map_err(e)?;
            let focused: bool = r.get(3).map_err(e)?;
            let kind = crate::kind_at(r, 4).map_err(e)?;
            rows.entry(person).or_default().push((
                !focused,
                kord(kind),
                -r.get::<_, i64>(5).map_err(e)?,
                -r.get::<_, i64>(1).map_err(e)?,
                r.get(2).map_err(e)?,
            ));
        }
        drop(it);
        let mut pages: Vec<(i64, Vec<Picked>)> = Vec::new();
        let mut ids: Vec<rusqlite::types::Value> = Vec::new();
        for &p in person_ids {
            let mut mine = rows.remove(&p).unwrap_or_default();
            mine.sort_unstable_by_key(|a| (a.0, a.1, a.2, a.3));
            let page: Vec<Picked> = mine
                .into_iter()
                .skip(q.offset as usize)
                .take(q.limit as usize)
                .collect();
            ids.extend(page.iter().map(|r| rusqlite::types::Value::from(-r.3)));
            pages.push((p, page));
        }
        let mut by_id = self.evidence_rows(ids)?;
        for (p, page) in pages {
            let list = page
                .into_iter()
                .filter_map(|(_, _, _, id, share)| {
                    by_id.remove(&-id).map(|mut r| {
                        r.focus = share;
                        r
                    })
                })
                .collect();
            out.insert(p, list);
        }
        Ok(out)
    }

    /// The evidence rows of these contributions, by id (their share of a scope not set).
    fn evidence_rows(
        &self,
        ids: Vec<rusqlite::types::Value>,
    ) -> Result<std::collections::HashMap<i64, EvidenceRow>> {
        if ids.is_empty() {
            return Ok(Default::default());
        }
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT c.kind, r.name, c.url, c.at, c.title, c.number, c.review_state, c.path, c.additions, c.deletions,
                    c.needs_hydration, c.on_pr,
                    (SELECT group_concat(path, char(10)) FROM (SELECT path FROM contribution_paths
                       WHERE contribution_id = c.id ORDER BY coalesce(added, 0) + coalesce(deleted, 0) DESC, path LIMIT 20)),
                    c.measures, c.weight, c.why, NULL,
                    CASE WHEN c.kind IN (3, 4, 6) THEN substr(c.body, 1, 600) END, c.id
             FROM contributions c JOIN repos r ON r.id = c.repo_id WHERE c.id IN rarray(?1)",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([std::rc::Rc::new(ids)], |r| {
                Ok((r.get::<_, i64>(18)?, evidence_row(r)?))
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(|e| self.err(e))
    }

    /// Whether `person_id` has more contributions than sorting them all costs less than
    /// reading them kind by kind (counted up to that many, through an index).
    fn prolific(&self, person_id: i64) -> Result<bool> {
        const SORT_UP_TO: i64 = 256;
        let n: i64 = self
            .conn
            .prepare_cached(
                "SELECT count(*) FROM (SELECT 1 FROM contributions INDEXED BY contributions_person
                 WHERE person_id = ?1 LIMIT ?2)",
            )
            .and_then(|mut st| st.query_row(params![person_id, SORT_UP_TO + 1], |r| r.get(0)))
            .map_err(|e| self.err(e))?;
        Ok(n > SORT_UP_TO)
    }

    /// [`Store::evidence`] without text or paths. The page's order is: focused before not,
    /// then by the kind's place in `kind_order` (kinds not listed share the last place), then
    /// newest. So the rows are read group by group in that order — each kind's newest from the
    /// `contributions_person_kind` index, at most `offset + limit` of them — and the reading
    /// stops once the page is full: usually after one seek (a prolific person's focused merged
    /// PRs), instead of sorting their whole history (20 people took ~25 ms at 200k
    /// contributions). A test holds it to the sorted scan.
    fn evidence_by_kind(
        &self,
        q: &EvidenceQuery,
        scope: &CellQuery,
        w: &str,
        args: Vec<rusqlite::types::Value>,
    ) -> Result<Vec<EvidenceRow>> {
        let kinds: Vec<Kind> = match &scope.kinds {
            Some(k) => k.clone(),
            None => Kind::ALL.to_vec(),
        };
        // kinds in the page's order, the unlisted ones together in one last class
        let mut classes: Vec<Vec<Kind>> = Vec::new();
        for k in &q.kind_order {
            if kinds.contains(k) && !classes.iter().any(|c| c.contains(k)) {
                classes.push(vec![*k]);
            }
        }
        let rest: Vec<Kind> = kinds
            .iter()
            .copied()
            .filter(|k| !q.kind_order.contains(k))
            .collect();
        if !rest.is_empty() {
            classes.push(rest);
        }
        let want = q.offset as usize + q.limit as usize;
        let mut ids: Vec<i64> = Vec::new();
        'groups: for focused in [1, 0] {
            for class in &classes {
                let mut rows: Vec<(i64, i64)> = Vec::new(); // (at, id)
                                                            // one statement per focus (the kind is a parameter), so the statement cache
                                                            // holds them
                let sql = format!(
                    "SELECT c.at, c.id FROM contributions c INDEXED BY contributions_person_kind
                     WHERE c.person_id = ?1 AND c.kind = ?{} AND (c.weight >= 0.5) = {focused} AND {w}
                     ORDER BY c.at DESC, c.id DESC LIMIT {want}",
                    args.len() + 1
                );
                let mut stmt = self.conn.prepare_cached(&sql).map_err(|e| self.err(e))?;
                for k in class {
                    let mut bound = args.clone();
                    bound.push(k.code().into());
                    let got = stmt
                        .query_map(params_from_iter(bound.iter()), |r| {
                            Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?))
                        })
                        .map_err(|e| self.err(e))?;
                    for g in got {
                        rows.push(g.map_err(|e| self.err(e))?);
                    }
                }
                rows.sort_unstable_by(|a, b| b.cmp(a));
                for (_, id) in rows {
                    ids.push(id);
                    if ids.len() == want {
                        break 'groups;
                    }
                }
            }
        }
        let page: Vec<i64> = ids.into_iter().skip(q.offset as usize).collect();
        if page.is_empty() {
            return Ok(Vec::new());
        }
        let mut by_id = self.evidence_rows(page.iter().map(|&id| id.into()).collect())?;
        Ok(page.iter().filter_map(|id| by_id.remove(id)).collect())
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
            let sql = if unnamed.len() > 2000 {
                "SELECT member_of, name FROM people INDEXED BY people_member_of
                 WHERE member_of IS NOT NULL AND name IS NOT NULL ORDER BY member_of, id"
                    .to_string()
            } else {
                format!(
                    "SELECT member_of, name FROM people INDEXED BY people_member_of
                     WHERE member_of IN ({}) AND name IS NOT NULL ORDER BY member_of, id",
                    id_list(&unnamed)
                )
            };
            let mut st = self.conn.prepare(&sql).map_err(|e| self.err(e))?;
            let mut names: std::collections::HashMap<i64, String> =
                std::collections::HashMap::new();
            let rows = st
                .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))
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
        let sql = if ids.len() > 2000 {
            // the table holds only renamed people: read it whole rather than parse a huge list
            "SELECT person_id, login FROM logins ORDER BY last_seen DESC".to_string()
        } else {
            format!(
                "SELECT person_id, login FROM logins WHERE person_id IN ({}) ORDER BY last_seen DESC",
                id_list(ids)
            )
        };
        let mut lg = self.conn.prepare(&sql).map_err(|e| self.err(e))?;
        let mut others: std::collections::HashMap<i64, Vec<String>> =
            std::collections::HashMap::new();
        let rows = lg
            .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))
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

/// `WHERE person_id IN (…)` for a few people; for many, no condition and a filter to apply to
/// the rows read (as [`by_ids`]).
pub(crate) fn person_filter(ids: &[i64]) -> (String, Box<dyn Fn(i64) -> bool>) {
    const SCAN_ABOVE: usize = 2000;
    if ids.len() > SCAN_ABOVE {
        let set: std::collections::HashSet<i64> = ids.iter().copied().collect();
        (String::new(), Box::new(move |id| set.contains(&id)))
    } else {
        (
            format!("WHERE person_id IN ({})", id_list(ids)),
            Box::new(|_| true),
        )
    }
}

impl Store {
    /// Contributions per repository and kind of these people, everything up to `until` (their
    /// whole record, whatever a search's scope): (person, repository, kind, count).
    pub fn kind_totals(
        &self,
        person_ids: &[i64],
        until: i64,
    ) -> Result<Vec<(i64, i64, Kind, i64)>> {
        if person_ids.is_empty() {
            return Ok(Vec::new());
        }
        let (filter, keep) = person_filter(person_ids);
        let day = builtby_model::time::day_of(until);
        let filter = if filter.is_empty() {
            format!("WHERE day <= {day}")
        } else {
            format!("{filter} AND day <= {day}")
        };
        let sql = format!(
            "SELECT person_id, repo_id, kind, sum(n) FROM rollup INDEXED BY rollup_person {filter}
             GROUP BY person_id, repo_id, kind"
        );
        let mut st = self.conn.prepare(&sql).map_err(|e| self.err(e))?;
        let mut rows = st.query([]).map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        while let Some(r) = rows.next().map_err(|e| self.err(e))? {
            let person: i64 = r.get(0).map_err(|e| self.err(e))?;
            if !keep(person) {
                continue;
            }
            let kind = crate::kind_at(r, 2).map_err(|e| self.err(e))?;
            out.push((
                person,
                r.get(1).map_err(|e| self.err(e))?,
                kind,
                r.get(3).map_err(|e| self.err(e))?,
            ));
        }
        Ok(out)
    }

    /// How many of each person's contributions of `kinds` up to `until` have one of `words`
    /// (whole words, any case) in their title, or with `with_body` in their title or body (the
    /// full-text index): commits that cite an arXiv paper, commits about GPUs. Per person and
    /// repository: (person, repository, count).
    pub fn count_with_any_word(
        &self,
        person_ids: &[i64],
        words: &[&str],
        with_body: bool,
        kinds: &[Kind],
        until: i64,
    ) -> Result<Vec<(i64, i64, i64)>> {
        if person_ids.is_empty() {
            return Ok(Vec::new());
        }
        self.count_words(Some(person_ids), words, with_body, kinds, until)
    }

    /// [`Store::count_with_any_word`] for everyone with work: what the ranking's build keeps
    /// per person ([`Store::ranking_topics`]).
    pub fn count_with_any_word_everyone(
        &self,
        words: &[&str],
        with_body: bool,
        kinds: &[Kind],
        until: i64,
    ) -> Result<Vec<(i64, i64, i64)>> {
        self.count_words(None, words, with_body, kinds, until)
    }

    fn count_words(
        &self,
        person_ids: Option<&[i64]>,
        words: &[&str],
        with_body: bool,
        kinds: &[Kind],
        until: i64,
    ) -> Result<Vec<(i64, i64, i64)>> {
        let mut out = Vec::new();
        // each word one quoted term: nothing in them is FTS syntax
        let terms: Vec<String> = words
            .iter()
            .flat_map(|w| fts_terms(w))
            .map(|t| format!("\"{t}\""))
            .collect();
        if terms.is_empty() || kinds.is_empty() {
            return Ok(out);
        }
        let m = if with_body {
            terms.join(" OR ")
        } else {
            format!("title : ({})", terms.join(" OR "))
        };
        let (filter, keep) = match person_ids {
            Some(ids) => person_filter(ids),
            None => (
                String::new(),
                Box::new(|_| true) as Box<dyn Fn(i64) -> bool>,
            ),
        };
        let filter = filter.replace("WHERE", "AND");
        let codes: Vec<i64> = kinds.iter().map(|k| k.code()).collect();
        let sql = format!(
            "SELECT person_id, repo_id, count(*) FROM contributions
             WHERE id IN (SELECT rowid FROM contributions_fts WHERE contributions_fts MATCH ?1)
               AND at <= ?2 AND kind IN ({}) {filter} GROUP BY person_id, repo_id",
            id_list(&codes)
        );
        let mut st = self.conn.prepare(&sql).map_err(|e| self.err(e))?;
        let rows = st
            .query_map(params![m, until], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .map_err(|e| self.err(e))?;
        for row in rows {
            let row: (i64, i64, i64) = row.map_err(|e| self.err(e))?;
            if keep(row.0) {
                out.push(row);
            }
        }
        Ok(out)
    }

    /// Repositories read in depth because someone asked for them: a git history ingested, or
    /// crawled through the GitHub API (as opposed to seen in GH Archive's stream of everything).
    pub fn studied_repos(&self) -> Result<std::collections::HashSet<i64>> {
        let mut st = self
            .conn
            .prepare(
                "SELECT repo_id FROM git_repos
                 UNION SELECT r.id FROM crawl_cursors c JOIN repos r ON r.name = c.repo",
            )
            .map_err(|e| self.err(e))?;
        let rows = st
            .query_map([], |r| r.get::<_, i64>(0))
            .map_err(|e| self.err(e))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(|e| self.err(e))
    }
}

/// `SELECT … WHERE id IN rarray(?1)` for up to [`LOOKUP_AT_MOST`] ids, bound as one array
/// (one statement text whatever the ids, so it is prepared once; each id one search of the
/// primary key); for more, a scan of the table filtered here (a search per id costs more
/// than reading the table when the ids are most of it). Run it with [`ByIds::params`].
pub(crate) fn by_ids(select: &str, ids: &[i64]) -> ByIds {
    if ids.len() > LOOKUP_AT_MOST {
        let set: std::collections::HashSet<i64> = ids.iter().copied().collect();
        ByIds {
            sql: select.to_string(),
            ids: None,
            keep: Box::new(move |id| set.contains(&id)),
        }
    } else {
        let list: Vec<rusqlite::types::Value> = ids.iter().map(|&i| i.into()).collect();
        ByIds {
            sql: format!("{select} WHERE id IN rarray(?1)"),
            ids: Some(std::rc::Rc::new(list)),
            keep: Box::new(|_| true),
        }
    }
}

/// Ids looked up one by one at most; above, the table is scanned.
const LOOKUP_AT_MOST: usize = 20_000;

/// A read of rows by id: its SQL, the parameter it takes, and which rows it returns to keep.
pub(crate) struct ByIds {
    pub sql: String,
    ids: Option<std::rc::Rc<Vec<rusqlite::types::Value>>>,
    pub keep: Box<dyn Fn(i64) -> bool>,
}

impl ByIds {
    pub fn params(&self) -> impl rusqlite::Params + '_ {
        rusqlite::params_from_iter(self.ids.iter())
    }
}

/// A contribution in a person's evidence, as [`Store::evidence_many`] sorts them: (not
/// focused, the kind's place in the page's order, −at, −id, its share of the scope);
/// ascending is the page's order.
type Picked = (bool, usize, i64, i64, Option<f64>);

fn like_escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

fn evidence_row(r: &Row) -> rusqlite::Result<EvidenceRow> {
    let kind = crate::kind_at(r, 0)?;
    let repo: String = r.get(1)?;
    let url: Option<String> = r.get(2)?;
    let number: Option<i64> = r.get(5)?;
    let on_pr: bool = r.get(11)?;
    // Rebuild the link the same way the model does when the source had none.
    let mut c = builtby_model::Contribution::new(
        String::new(),
        kind,
        repo.clone(),
        builtby_model::Actor {
            github_id: None,
            login: String::new(),
            is_bot_type: false,
        },
        0,
    );
    c.url = url;
    c.number = number;
    c.on_pr = on_pr;
    Ok(EvidenceRow {
        kind,
        repo,
        url: c.link(),
        at: r.get(3)?,
        title: r.get(4)?,
        number,
        review_state: r.get(6)?,
        path: r.get(7)?,
        additions: r.get(8)?,
        deletions: r.get(9)?,
        needs_hydration: r.get(10)?,
        paths: r
            .get::<_, Option<String>>(12)?
            .map(|s| s.split('\n').map(str::to_string).collect())
            .unwrap_or_default(),
        measures: r
            .get::<_, Option<String>>(13)?
            .and_then(|m| serde_json::from_str(&m).ok()),
        weight: r.get(14)?,
        why: r.get(15)?,
        focus: r.get(16)?,
        quote: r
            .get::<_, Option<String>>(17)?
            .map(|b| crate::batch::weights::excerpt(&b, 200))
            .filter(|q| !q.is_empty()),
    })
}

/// One measured piece of work of a person (a model, a paper, a Kaggle tier), for the rules
/// that weigh what sources measured.
#[derive(Debug, Clone, PartialEq)]
pub struct MeasuredRow {
    pub person_id: i64,
    pub repo_id: i64,
    pub kind: Kind,
    pub at: i64,
    pub url: Option<String>,
    pub title: Option<String>,
    pub measures: builtby_model::Measures,
}

impl Store {
    /// The measured work of these people (kinds off GitHub: models, papers, Kaggle), up to
    /// `until`, newest first.
    pub fn measured(&self, person_ids: &[i64], until: i64) -> Result<Vec<MeasuredRow>> {
        let mut out = Vec::new();
        let mut st = self
            .conn
            .prepare_cached(
                "SELECT kind, at, url, title, measures, repo_id FROM contributions INDEXED BY contributions_person
                 WHERE person_id = ?1 AND at <= ?2 AND measures IS NOT NULL ORDER BY at DESC",
            )
            .map_err(|e| self.err(e))?;
        for &p in person_ids {
            let rows = st
                .query_map(rusqlite::params![p, until], |r| {
                    Ok((
                        crate::kind_at(r, 0)?,
                        r.get::<_, i64>(1)?,
                        r.get::<_, Option<String>>(2)?,
                        r.get::<_, Option<String>>(3)?,
                        r.get::<_, String>(4)?,
                        r.get::<_, i64>(5)?,
                    ))
                })
                .map_err(|e| self.err(e))?;
            for row in rows {
                let (kind, at, url, title, m, repo_id) = row.map_err(|e| self.err(e))?;
                if let Ok(measures) = serde_json::from_str(&m) {
                    out.push(MeasuredRow {
                        person_id: p,
                        repo_id,
                        kind,
                        at,
                        url,
                        title,
                        measures,
                    });
                }
            }
        }
        Ok(out)
    }
}
