//! Erasure: a person's data leaves the store; only the suppression list's hashes stay.
//!
//! `Store::erase` opts the person out first (erasure implies opt-out, so a re-ingest of the
//! same inputs never brings them back), then deletes, for every account of the person (their
//! own and the accounts linked into them):
//! - the account rows (login, name, location, company, blog, bio, places, profile fields)
//!   and the login history;
//! - every contribution credited to them, whole (title, body, links, measures), with its
//!   full-text row, paths, commit-PR links, and the files of their PRs; the rollup,
//!   `repo_people` and repositories' breadth (`repos.contributors`) are kept equal to what the
//!   rows left say;
//! - their pending pointers, and their name as the merger of others' PRs (the merge stays,
//!   without a merger);
//! - identity evidence and decisions about them (votes, links, suggestions, locks, and the
//!   identity log's rows naming them);
//! - cached API answers about them (`/users/<login>` and any answer naming their login).
//!
//! The deletion runs with SQLite's `secure_delete` on, so the deleted content is overwritten
//! in the file instead of lingering on its free pages; the full-text index is merged whole
//! (FTS5 `optimize`: the cost of rewriting the index, on a large store the longest part of an
//! erasure), so none of their words stays in its segments; and the WAL is checkpointed and
//! emptied, so no frame keeps the pages as they were.
//!
//! Not touched: other people's words that mention them (a comment saying `@login`), which
//! are those people's contributions. The audit log keeps its rows: it names people only by
//! their keyed hash.

use super::{add_in, canonical_account, group, people_named, stored_canonical};
use crate::{Result, Store};
use builtby_model::Kind;
use rusqlite::{params, Transaction};
use serde::Serialize;

/// What `erase` did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EraseSummary {
    /// The keyed hash that stays on the suppression list.
    pub hash: String,
    /// People erased (0 when the store had none of their data: they are opted out all the
    /// same).
    pub people: u64,
    /// Account rows deleted (the person's own and linked accounts).
    pub accounts: u64,
    pub contributions: u64,
}

impl Store {
    /// Erases the person `person` names (a GitHub login, current or former; `hf:NAME`,
    /// `kaggle:NAME`, `git:<key>`; a profile URL) and puts them on the suppression list.
    /// Logged as `erase` by `by`.
    pub fn erase(&mut self, person: &str, by: &str) -> Result<EraseSummary> {
        let canonical =
            canonical_account(person).map_err(|why| crate::StoreError::BadAccount { why })?;
        // Deleted content is overwritten, not left on free pages of the file.
        self.conn
            .pragma_update(None, "secure_delete", "ON")
            .map_err(|e| self.err(e))?;
        let out = self.erase_in(&canonical, by);
        // back to what every connection uses (see `schema::prepare`)
        let reset = self.conn.pragma_update(None, "secure_delete", "FAST");
        let out = out?;
        reset.map_err(|e| self.err(e))?;
        // The WAL still holds the pages as they were before: copied into the database file
        // (now overwritten there) and the WAL emptied. Best effort: a reader in the middle of
        // a read keeps its frames, until the next checkpoint.
        let _ = self
            .conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
        Ok(out)
    }

    /// Rewrites the whole database file (SQLite `VACUUM`): nothing deleted stays anywhere in
    /// it, whenever it was written (a store written before builtby zeroed replaced rows keeps
    /// old copies in its pages' free space until then). Takes as long as copying the file,
    /// and as much free disk.
    pub fn vacuum(&mut self) -> Result<()> {
        self.conn.execute_batch("VACUUM").map_err(|e| self.err(e))?;
        let _ = self
            .conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
        Ok(())
    }

    fn erase_in(&mut self, canonical: &str, by: &str) -> Result<EraseSummary> {
        let canonical = canonical.to_string();
        self.privacy_write(|tx, now| {
            let s = add_in(tx, &canonical, Some("erased"), by, now)?;
            tx.execute(
                "UPDATE optouts SET erased_at = coalesce(erased_at, ?2) WHERE hash = (SELECT coalesce(via, hash) FROM optouts WHERE hash = ?1)",
                params![s.hash, now],
            )?;
            let mut out = EraseSummary {
                hash: s.hash.clone(),
                people: 0,
                accounts: 0,
                contributions: 0,
            };
            for p in people_named(tx, &canonical)? {
                let (accounts, contributions) = erase_person(tx, p)?;
                out.people += 1;
                out.accounts += accounts;
                out.contributions += contributions;
            }
            if out.contributions > 0 {
                // FTS5 drops a deleted row's terms from its index segments only when they are
                // merged: all of them are, so that no word of their text stays in the file.
                tx.execute(
                    "INSERT INTO contributions_fts(contributions_fts) VALUES ('optimize')",
                    [],
                )?;
            }
            crate::audit::append(
                tx,
                by,
                "erase",
                &serde_json::json!({"person": out.hash, "accounts": out.accounts, "contributions": out.contributions}),
                out.people,
            )?;
            Ok(out)
        })
    }
}

/// Deletes person `p` and everything theirs (see the module). Returns (accounts, contributions).
fn erase_person(tx: &Transaction, p: i64) -> rusqlite::Result<(u64, u64)> {
    let rows = group(tx, p)?;
    if rows.is_empty() {
        return Ok((0, 0));
    }
    let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
    let id_list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    // Logins, current and former, as identity tables and the HTTP cache name them.
    let mut keys: Vec<String> = rows.iter().map(|r| r.1.clone()).collect();
    let former: Vec<String> = tx
        .prepare(&format!(
            "SELECT login FROM logins WHERE person_id IN ({id_list})"
        ))?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    keys.extend(former);
    keys.sort_by_key(|k| stored_canonical(k));
    keys.dedup_by_key(|k| stored_canonical(k));

    // Their contributions: credited to the person (members' work is credited to it too).
    let mine = format!("SELECT id FROM contributions WHERE person_id IN ({id_list})");
    let contributions: i64 = tx.query_row(
        &format!("SELECT count(*) FROM contributions WHERE person_id IN ({id_list})"),
        [],
        |r| r.get(0),
    )?;
    // breadth: the repositories where they counted
    let breadth_repos: Vec<i64> = tx
        .prepare(&format!(
            "SELECT DISTINCT repo_id FROM repo_people WHERE person_id IN ({id_list})"
        ))?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let pr_kinds = [Kind::PrMerged, Kind::PrOpened, Kind::PrClosedUnmerged]
        .map(|k| k.code().to_string())
        .join(",");
    tx.execute_batch(&format!(
        "INSERT INTO contributions_fts(contributions_fts, rowid, title, body)
             SELECT 'delete', id, title, body FROM contributions
             WHERE person_id IN ({id_list}) AND (title IS NOT NULL OR body IS NOT NULL);
         DELETE FROM contribution_paths WHERE contribution_id IN ({mine});
         DELETE FROM git_commit_prs WHERE contribution_id IN ({mine});
         DELETE FROM pr_files WHERE EXISTS (SELECT 1 FROM contributions c
             WHERE c.person_id IN ({id_list}) AND c.kind IN ({pr_kinds})
               AND c.repo_id = pr_files.repo_id AND c.number = pr_files.number);
         DELETE FROM contributions WHERE person_id IN ({id_list});
         UPDATE contributions SET merged_by = NULL WHERE merged_by IN ({id_list});
         DELETE FROM pointers WHERE actor_id IN ({id_list});
         DELETE FROM rollup WHERE person_id IN ({id_list});
         DELETE FROM repo_people WHERE person_id IN ({id_list});
         DELETE FROM logins WHERE person_id IN ({id_list});
         DELETE FROM people WHERE id IN ({id_list});"
    ))?;
    // The repositories' breadth, recounted where they counted.
    let mut recount =
        tx.prepare_cached("UPDATE repos SET contributors = (SELECT count(*) FROM repo_people WHERE repo_id = ?1) WHERE id = ?1")?;
    for r in breadth_repos {
        recount.execute([r])?;
    }
    // Identity evidence and decisions naming any of their accounts, and cached API answers
    // about them (the users API's, and any answer naming the login).
    for sql in [
        "DELETE FROM identity_votes WHERE account = ?1 COLLATE NOCASE OR login = ?1",
        "DELETE FROM identity_links WHERE account = ?1 COLLATE NOCASE OR person = ?1",
        "DELETE FROM identity_locks WHERE person = ?1",
        "DELETE FROM identity_log WHERE account = ?1 COLLATE NOCASE OR before = ?1 COLLATE NOCASE OR after = ?1 COLLATE NOCASE",
        "DELETE FROM http_cache WHERE lower(url) LIKE '%/users/' || lower(?1) OR lower(url) LIKE '%/users/' || lower(?1) || '/%'
            OR instr(lower(CAST(body AS TEXT)), '\"login\":\"' || lower(?1) || '\"') > 0
            OR instr(lower(CAST(body AS TEXT)), '\"login\": \"' || lower(?1) || '\"') > 0",
    ] {
        let mut st = tx.prepare_cached(sql)?;
        for k in &keys {
            st.execute([k])?;
        }
    }
    Ok((ids.len() as u64, contributions as u64))
}
