//! A store query's scope as ClickHouse conditions (repositories, kinds, people, days, words,
//! paths), each the same filter as the SQLite store's SQL, and a contribution's share of a path
//! scope in the same arithmetic.

use super::{from, ids, proto, Reader};
use crate::quote;
use crate::rowbinary::Reader as Rows;
use builtby_store::{fts_terms, mirror, CellQuery, PathScope, Result};
use std::collections::HashMap;

/// A scope's conditions on a table with `repo_id`, `kind`, `person_id` and `at` (Unix
/// seconds), or `day` (days) when `days`: as the store's `scope_sql`.
pub(super) fn scope_sql(q: &CellQuery, days: bool) -> String {
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
pub(super) fn in_list(col: &str, v: &[i64]) -> String {
    if v.is_empty() {
        "0".into()
    } else {
        format!("{col} IN ({})", ids(v))
    }
}

/// Does a phrase (terms that follow each other) occur in the term list `col`?
pub(super) fn phrase_sql(col: &str, phrase: &[String]) -> Option<String> {
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
pub(super) fn text_sql(text: &str) -> Result<Option<String>> {
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
pub(super) fn paths_sql(scopes: &[PathScope]) -> Option<String> {
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
pub(super) type PathCounts = HashMap<i64, (i64, i64, i64, i64)>;

/// A contribution's share of a path scope: the store's `share_join`, in the same arithmetic.
pub(super) fn share(c: (i64, i64, i64, i64)) -> f64 {
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
    pub(super) fn path_counts(&self, cond: &str, contributions_where: &str) -> Result<PathCounts> {
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
    pub(super) fn contribution_scope(
        &self,
        q: &CellQuery,
    ) -> Result<Option<(String, Option<PathCounts>)>> {
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
}
