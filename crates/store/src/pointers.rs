//! The pointer queue: records that only point at work (post-2025 trimmed payloads), waiting for
//! the API; and contributions whose source had only a pointer's worth of fields.

use crate::{Batch, Result, Store};
use builtby_model::{Actor, Contribution, Hydration, Kind, Pointer, PointerState};
use rusqlite::params;

impl Store {
    /// Pending pointers, oldest first.
    pub fn pending_pointers(&self, limit: usize) -> Result<Vec<Pointer>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT p.key, r.name, p.number, p.what, p.at, pe.github_id, pe.login, pe.is_bot_type
                 FROM pointers p JOIN repos r ON r.id = p.repo_id LEFT JOIN people pe ON pe.id = p.actor_id
                 WHERE p.state = 'pending' AND pe.optout IS NULL ORDER BY p.at, p.key LIMIT ?1",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([limit as i64], |r| {
                let login: Option<String> = r.get(6)?;
                Ok(Pointer {
                    key: r.get(0)?,
                    repo: r.get(1)?,
                    number: r.get(2)?,
                    what: r.get(3)?,
                    at: r.get(4)?,
                    actor: login.map(|login| Actor {
                        github_id: r.get(5).ok().flatten(),
                        login,
                        is_bot_type: r.get(7).unwrap_or(false),
                    }),
                })
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(|e| self.err(e))
    }

    /// Counts of pointers by state.
    pub fn pointer_states(&self) -> Result<Vec<(String, i64)>> {
        let mut stmt = self
            .conn
            .prepare("SELECT state, count(*) FROM pointers GROUP BY state ORDER BY state")
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(|e| self.err(e))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(|e| self.err(e))
    }

    pub fn set_pointer_state(&self, key: &str, state: PointerState) -> Result<()> {
        self.conn
            .execute(
                "UPDATE pointers SET state = ?2 WHERE key = ?1",
                params![key, state.as_str()],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    /// Contributions waiting for the API ([`Hydration::Pending`]) that name a PR, as stubs with
    /// their key, kind, repository, number, time and credited person: completing one is adding
    /// it again with more fields (the batch's upsert).
    pub fn unhydrated(&self, limit: usize) -> Result<Vec<Contribution>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT c.key, r.name, c.kind, c.number, c.at, p.github_id, p.login, p.is_bot_type
                 FROM contributions c JOIN repos r ON r.id = c.repo_id JOIN people p ON p.id = c.person_id
                 WHERE c.needs_hydration = ?2 AND c.number IS NOT NULL AND p.optout IS NULL ORDER BY c.at, c.id LIMIT ?1",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(params![limit as i64, Hydration::Pending.code()], |r| {
                let actor = Actor {
                    github_id: r.get(5)?,
                    login: r.get(6)?,
                    is_bot_type: r.get(7)?,
                };
                let mut c = Contribution::new(
                    r.get(0)?,
                    crate::kind_at(r, 2)?,
                    r.get(1)?,
                    actor,
                    r.get(4)?,
                );
                c.number = r.get(3)?;
                c.needs_hydration = true;
                Ok(c)
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(|e| self.err(e))
    }

    /// Marks a contribution whose PR could not be had (404): kept, counted as it was.
    pub fn mark_unhydratable(&mut self, key: &str) -> Result<()> {
        self.conn
            .execute(
                "UPDATE contributions SET needs_hydration = ?2 WHERE key = ?1",
                params![key, Hydration::Unavailable.code()],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }
}

/// Pointers are resolved with the batch that brings their work.
impl Batch<'_> {
    /// Resolves GH Archive's pending `merged`/`closed` pointers on the PR of contribution
    /// `key` (a `pr_merged` or `pr_closed_unmerged`): a merge pointer's actor is who merged
    /// it, kept as `merged_by` when unknown; the pointers are marked `hydrated`.
    pub fn resolve_pointers(&mut self, key: &str) -> Result<()> {
        let r = (|| -> rusqlite::Result<()> {
            let tx = self.tx();
            tx.prepare_cached(
                "UPDATE contributions SET merged_by = (SELECT p.actor_id FROM pointers p
                   WHERE p.repo_id = contributions.repo_id AND p.number = contributions.number
                     AND p.what = 'PullRequestEvent/merged' AND p.actor_id IS NOT NULL ORDER BY p.at LIMIT 1)
                 WHERE key = ?1 AND kind = ?2 AND merged_by IS NULL",
            )?
            .execute(params![key, Kind::PrMerged.code()])?;
            tx.prepare_cached(
                "UPDATE pointers SET state = 'hydrated' WHERE state = 'pending'
                   AND what IN ('PullRequestEvent/merged', 'PullRequestEvent/closed')
                   AND (repo_id, number) = (SELECT repo_id, number FROM contributions WHERE key = ?1)",
            )?
            .execute([key])?;
            Ok(())
        })();
        r.map_err(|e| self.err(e))
    }
}
