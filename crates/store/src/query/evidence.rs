//! The evidence shown beside a person: their contributions in the search's scope, strongest
//! and latest first, with links and the paths each one changed.

use super::*;

/// Up to this many contributions, a person's evidence is read by sorting them all; above,
/// kind by kind ([`Store::prolific`]).
const SORT_UP_TO: i64 = 256;

impl Store {
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

    pub(crate) fn evidence_with(
        &self,
        q: &EvidenceQuery,
        by_kind: Option<bool>,
    ) -> Result<Vec<EvidenceRow>> {
        let mut args: Vec<Arg> = vec![q.person_id.into()];
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
    /// The page's people are read together — their contributions in scope from narrow
    /// columns in one statement, each person's page picked here in the order the per-person
    /// read sorts by, then those rows' text in one more — instead of two or three statements
    /// per person. A scope with text or paths is matched once for all of them (the full-text
    /// match and the share of each contribution's paths in scope were worked out again for
    /// every person, a cost that grew with the store, not with the page). Without text or
    /// paths, prolific people are read alone, kind by kind (see [`Store::evidence`]).
    pub fn evidence_many(
        &self,
        person_ids: &[i64],
        q: &EvidenceQuery,
    ) -> Result<std::collections::HashMap<i64, Vec<EvidenceRow>>> {
        let mut out = std::collections::HashMap::new();
        let matched_once =
            q.scope.text.as_deref().and_then(fts_query).is_some() || q.scope.paths.is_some();
        let together: Vec<i64> = if matched_once {
            person_ids.to_vec()
        } else {
            let prolific = self.prolific_of(person_ids)?;
            for &p in person_ids.iter().filter(|p| prolific.contains(p)) {
                let one = EvidenceQuery {
                    person_id: p,
                    ..q.clone()
                };
                out.insert(p, self.evidence_with(&one, Some(true))?);
            }
            person_ids
                .iter()
                .copied()
                .filter(|p| !prolific.contains(p))
                .collect()
        };
        if together.is_empty() {
            return Ok(out);
        }
        let person_ids = &together[..];
        // ?1 is the people; the scope's parameters follow, as in `evidence_with`
        let mut args: Vec<Arg> = vec![Arg::Ids(id_array(person_ids))];
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
            .query(rusqlite::params_from_iter(args))
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
    pub(crate) fn evidence_rows(
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

    /// Which of `person_ids` have more contributions than sorting them all costs less than
    /// reading them kind by kind: each counted up to that many through an index, in one
    /// statement.
    ///
    /// The limit is written into the statement, not bound: SQLite reads a bound LIMIT when it
    /// plans, so it plans the statement again every time its parameters are bound (that was 5%
    /// of the server's CPU).
    fn prolific_of(&self, person_ids: &[i64]) -> Result<std::collections::HashSet<i64>> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!(
                "SELECT value FROM rarray(?1)
                 WHERE (SELECT count(*) FROM (SELECT 1 FROM contributions INDEXED BY contributions_person
                        WHERE person_id = value LIMIT {})) > {SORT_UP_TO}",
                SORT_UP_TO + 1
            ))
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([id_array(person_ids)], |r| r.get::<_, i64>(0))
            .map_err(|e| self.err(e))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(|e| self.err(e))
    }

    /// Whether `person_id` is prolific (see [`Store::prolific_of`]).
    pub(crate) fn prolific(&self, person_id: i64) -> Result<bool> {
        Ok(self.prolific_of(&[person_id])?.contains(&person_id))
    }

    /// [`Store::evidence`] without text or paths. The page's order is: focused before not,
    /// then by the kind's place in `kind_order` (kinds not listed share the last place), then
    /// newest. So the rows are read group by group in that order — each kind's newest from the
    /// `contributions_person_kind` index, at most `offset + limit` of them — and the reading
    /// stops once the page is full: usually after one seek (a prolific person's focused merged
    /// PRs), instead of sorting their whole history (20 people took ~25 ms at 200k
    /// contributions). A test holds it to the sorted scan.
    pub(crate) fn evidence_by_kind(
        &self,
        q: &EvidenceQuery,
        scope: &CellQuery,
        w: &str,
        args: Vec<Arg>,
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
}

/// A contribution in a person's evidence, as [`Store::evidence_many`] sorts them: (not
/// focused, the kind's place in the page's order, −at, −id, its share of the scope);
/// ascending is the page's order.
pub(crate) type Picked = (bool, usize, i64, i64, Option<f64>);

pub(crate) fn evidence_row(r: &Row) -> rusqlite::Result<EvidenceRow> {
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
