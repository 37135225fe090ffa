//! How good the automatic links are, measured on a labelled set the data gives for free:
//! git identities with a GitHub noreply address, whose account is known for certain. Their
//! noreply proof is hidden, their votes alone decide (as they would for an identity with a
//! company address), and the verdict is compared with the truth. `builtby bench identity`
//! prints it for a grid of thresholds; [`super::RULES`] was chosen from it.

use super::resolve::{decide, votes_of, Rules, Verdict};
use super::Method;
use crate::{Result, Store};
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvalRow {
    pub rules: RulesView,
    /// Only votes of this method (all methods when `None`).
    pub method: Option<Method>,
    /// Identities whose account is known (noreply).
    pub labelled: u64,
    /// ... with at least one vote.
    pub with_votes: u64,
    /// ... linked automatically with the proof hidden.
    pub linked: u64,
    pub correct: u64,
    /// (identity's name, true login, predicted login), a few.
    pub wrong: Vec<(String, String, String)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RulesView {
    pub min_votes: u32,
    pub min_share: f64,
}

/// Git identities and what they are linked by.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct IdentityStats {
    pub git_accounts: i64,
    /// (method, accounts linked by it: proven, auto or confirmed)
    pub linked_by: Vec<(String, i64)>,
    /// Standalone git accounts with a pending suggestion.
    pub suggested: i64,
    /// Standalone git accounts with nothing.
    pub alone: i64,
    /// (reason, accounts) of accounts that are not people.
    pub not_people: Vec<(String, i64)>,
}

fn same_person(conn: &Connection, a: &str, b: &str) -> rusqlite::Result<bool> {
    if a.eq_ignore_ascii_case(b) {
        return Ok(true);
    }
    let person = |l: &str| -> rusqlite::Result<Option<i64>> {
        conn.prepare_cached(
            "SELECT coalesce(member_of, id) FROM people WHERE login = ?1 COLLATE NOCASE
             UNION ALL SELECT person_id FROM logins WHERE login = ?1 LIMIT 1",
        )?
        .query_row([l], |r| r.get(0))
        .optional()
    };
    Ok(matches!((person(a)?, person(b)?), (Some(x), Some(y)) if x == y))
}

impl Store {
    /// The labelled-set evaluation for each of `grid` (and each method alone).
    pub fn identity_eval(&self, grid: &[Rules]) -> Result<Vec<EvalRow>> {
        let e = |e| self.err(e);
        let labelled: Vec<(String, String, String)> = self
            .conn
            .prepare(
                "SELECT l.account, l.person, coalesce(p.name, '') FROM identity_links l JOIN people p ON p.login = l.account
                 WHERE l.method = 'noreply' AND l.state = 'proven' AND l.person NOT LIKE '%[bot]'",
            )
            .map_err(e)?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .map_err(e)?
            .collect::<rusqlite::Result<_>>()
            .map_err(e)?;
        let mut votes = Vec::with_capacity(labelled.len());
        for (account, _, _) in &labelled {
            votes.push(votes_of(&self.conn, account, &grid[0]).map_err(e)?);
        }
        let mut out = Vec::new();
        for rules in grid {
            for method in [
                None,
                Some(Method::MergeBranch),
                Some(Method::SquashPr),
                Some(Method::SignedOff),
            ] {
                let mut row = EvalRow {
                    rules: RulesView {
                        min_votes: rules.min_votes,
                        min_share: rules.min_share,
                    },
                    method,
                    labelled: labelled.len() as u64,
                    with_votes: 0,
                    linked: 0,
                    correct: 0,
                    wrong: Vec::new(),
                };
                for ((_, truth, name), v) in labelled.iter().zip(&votes) {
                    let pairs: Vec<(String, u32)> = v
                        .iter()
                        .filter(|x| method.is_none_or(|m| x.2 == m))
                        .map(|x| (x.0.clone(), x.1))
                        .collect();
                    if pairs.is_empty() {
                        continue;
                    }
                    row.with_votes += 1;
                    if let Verdict::Link { login, .. } = decide(&pairs, rules) {
                        row.linked += 1;
                        if same_person(&self.conn, &login, truth).map_err(e)? {
                            row.correct += 1;
                        } else if row.wrong.len() < 10 {
                            row.wrong.push((name.clone(), truth.clone(), login));
                        }
                    }
                }
                out.push(row);
            }
        }
        Ok(out)
    }

    /// Git identities and how they are linked: for `stats` and `bench identity`.
    pub fn identity_stats(&self) -> Result<IdentityStats> {
        let e = |e| self.err(e);
        let one = |sql: &str| {
            self.conn
                .query_row(sql, [], |r| r.get::<_, i64>(0))
                .map_err(e)
        };
        let pairs = |sql: &str| -> Result<Vec<(String, i64)>> {
            let mut st = self.conn.prepare(sql).map_err(e)?;
            let rows = st
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
                .map_err(e)?;
            rows.collect::<rusqlite::Result<_>>().map_err(e)
        };
        Ok(IdentityStats {
            git_accounts: one("SELECT count(*) FROM people WHERE login LIKE 'git:%'")?,
            linked_by: pairs(
                "SELECT l.method, count(DISTINCT p.id) FROM people p JOIN identity_links l ON l.account = p.login
                 JOIN people q ON q.id = p.member_of AND lower(q.login) = lower(l.person)
                 WHERE p.login LIKE 'git:%' AND p.member_of IS NOT NULL AND l.state IN ('proven', 'auto', 'confirmed')
                 GROUP BY l.method ORDER BY 2 DESC",
            )?,
            suggested: one(
                "SELECT count(*) FROM people p WHERE p.login LIKE 'git:%' AND p.member_of IS NULL AND p.not_person IS NULL
                 AND EXISTS (SELECT 1 FROM identity_links l WHERE l.account = p.login AND l.state = 'suggested')",
            )?,
            alone: one(
                "SELECT count(*) FROM people p WHERE p.login LIKE 'git:%' AND p.member_of IS NULL AND p.not_person IS NULL
                 AND NOT EXISTS (SELECT 1 FROM identity_links l WHERE l.account = p.login AND l.state = 'suggested')",
            )?,
            not_people: pairs(
                "SELECT not_person, count(*) FROM people WHERE not_person IS NOT NULL GROUP BY 1 ORDER BY 2 DESC",
            )?,
        })
    }
}
