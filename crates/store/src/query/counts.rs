//! Counts over people's whole records: contributions per repository and kind, titles with
//! given words, and the measured work of their PRs.

use super::*;

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
        let mut args: Vec<Arg> = vec![builtby_model::time::day_of(until).into()];
        let (filter, keep) = person_filter(person_ids, &mut args);
        let filter = if filter.is_empty() {
            "WHERE day <= ?1".to_string()
        } else {
            format!("{filter} AND day <= ?1")
        };
        let sql = format!(
            "SELECT person_id, repo_id, kind, sum(n) FROM rollup INDEXED BY rollup_person {filter}
             GROUP BY person_id, repo_id, kind"
        );
        let mut st = self.conn.prepare_cached(&sql).map_err(|e| self.err(e))?;
        let mut rows = st.query(params_from_iter(args)).map_err(|e| self.err(e))?;
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

    pub(crate) fn count_words(
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
        let mut args: Vec<Arg> = vec![m.into(), until.into()];
        let (filter, keep) = match person_ids {
            Some(ids) => person_filter(ids, &mut args),
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
        let mut st = self.conn.prepare_cached(&sql).map_err(|e| self.err(e))?;
        let rows = st
            .query_map(params_from_iter(args), |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
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
