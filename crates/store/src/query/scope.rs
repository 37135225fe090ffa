//! A search's scope as SQL: repositories, kinds, people, days, words (FTS5) and code paths
//! with each contribution's share of them; rows by id, bound as one array.

use super::*;

/// Kinds in the order evidence is shown: the strongest signal first.
/// Codes: 0 pr_opened, 1 pr_merged, 2 pr_closed_unmerged, 3 review, 4 review_comment,
/// 5 issue_opened, 6 issue_comment, 7 push, 8 release, 9 member_added, 10 commit,
/// 11 co_authored, 12 commit_review, 13 pr_commit.
/// `CASE kind WHEN <code> THEN <rank> … END` for the caller's kind order (codes are integers
/// from the model, so nothing user-typed reaches the SQL text).
pub(crate) fn kind_order_sql(order: &[Kind]) -> String {
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

/// A bound parameter of a statement built from a scope: a value, or ids for `IN rarray(?N)`.
/// Ids bound as one array keep the statement's text the same whatever they are, so it is
/// prepared once: a list written into the SQL made every page's statement new (parsed,
/// planned, and pushing reusable ones out of the cache).
#[derive(Debug, Clone)]
pub(crate) enum Arg {
    Value(rusqlite::types::Value),
    Ids(std::rc::Rc<Vec<rusqlite::types::Value>>),
}

impl<T: Into<rusqlite::types::Value>> From<T> for Arg {
    fn from(v: T) -> Self {
        Arg::Value(v.into())
    }
}

impl rusqlite::ToSql for Arg {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        match self {
            Arg::Value(v) => v.to_sql(),
            Arg::Ids(ids) => ids.to_sql(),
        }
    }
}

/// Ids bound as one parameter for `IN rarray(?N)`: one statement text whatever the ids.
pub(crate) fn id_array(ids: &[i64]) -> std::rc::Rc<Vec<rusqlite::types::Value>> {
    std::rc::Rc::new(ids.iter().map(|&i| i.into()).collect())
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
pub(crate) fn path_cond(q: &CellQuery, args: &mut Vec<Arg>) -> Option<String> {
    let scopes = q.paths.as_ref()?;
    Some(paths_where(scopes, args).unwrap_or_else(|| "0".to_string()))
}

/// The condition on `contribution_paths` rows for `scopes`; `None` when there is no scope.
///
/// Scopes with the same prefix are one condition with an `IN` list of their repositories (a
/// seek per repository on the primary key (repo_id, path, …)), and the conditions are joined
/// by a balanced tree of `OR`s: however many scopes, the expression stays shallow (SQLite
/// refuses trees deeper than 1,000).
pub(crate) fn paths_where(scopes: &[PathScope], args: &mut Vec<Arg>) -> Option<String> {
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
pub(crate) fn share_join(q: &CellQuery, args: &mut Vec<Arg>) -> Option<String> {
    let cond = path_cond(q, args)?;
    Some(format!(
        " JOIN {} ON s.contribution_id = c.id",
        shares(&cond)
    ))
}

/// `(…) s`: each contribution touching the paths `cond` selects, with its share of them.
pub(crate) fn shares(cond: &str) -> String {
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
pub(crate) fn balanced_or(terms: &[String]) -> String {
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
pub(crate) fn prefix_upper(p: &str) -> Option<String> {
    let last = *p.as_bytes().last()?;
    (last < 0x7e).then(|| format!("{}{}", &p[..p.len() - 1], (last + 1) as char))
}

/// WHERE clauses for a scope over a table with `repo_id`, `kind`, `person_id` and a time column.
pub(crate) fn scope_sql(
    q: &CellQuery,
    day_col: &str,
    time_is_day: bool,
    args: &mut Vec<Arg>,
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
        args.push(Arg::Ids(id_array(p)));
        w.push(format!("person_id IN rarray(?{})", args.len()));
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

/// `WHERE person_id IN rarray(?N)` for a few people (the ids pushed on `args`); for many, no
/// condition and a filter to apply to the rows read (as [`by_ids`]).
pub(crate) fn person_filter(
    ids: &[i64],
    args: &mut Vec<Arg>,
) -> (String, Box<dyn Fn(i64) -> bool>) {
    const SCAN_ABOVE: usize = 2000;
    if ids.len() > SCAN_ABOVE {
        let set: std::collections::HashSet<i64> = ids.iter().copied().collect();
        (String::new(), Box::new(move |id| set.contains(&id)))
    } else {
        args.push(Arg::Ids(id_array(ids)));
        (
            format!("WHERE person_id IN rarray(?{})", args.len()),
            Box::new(|_| true),
        )
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
        ByIds {
            sql: format!("{select} WHERE id IN rarray(?1)"),
            ids: Some(id_array(ids)),
            keep: Box::new(|_| true),
        }
    }
}

/// Ids looked up one by one at most; above, the table is scanned.
pub(crate) const LOOKUP_AT_MOST: usize = 20_000;

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

pub(crate) fn like_escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}
