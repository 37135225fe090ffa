//! Saved searches ("watches"): a search's parameters as the user gave them, and what its last
//! run found, so the next run can say who is new and who dropped out.
//!
//! - `watches`: one row per saved search: its name, its parameters (`name=value` pairs as
//!   typed, rebuilt into a query at each run so `since=12m` counts back from that run's day),
//!   the minimum score a person needs to qualify (none: every result qualifies), an optional
//!   webhook URL, and where the last run was: when, how many runs, and the ingest-log position
//!   (the largest `files.id` then), so a run can say how many inputs were loaded since.
//! - `watch_people`: the people who qualified at the last run, by their stable id (the
//!   login, or `git:<key>`), with their score and rank then. Nothing else about them: no name,
//!   no location, no evidence (those are read from the store when a run shows them).
//!
//! A run is saved with [`Store::watch_save_run`] only if no other run of the same watch was
//! saved in between (`runs` is compared), so two runs at once cannot both report the same
//! people as new and then overwrite each other.

use crate::{Result, Store};
use rusqlite::{params, OptionalExtension};

/// A saved search as stored.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Watch {
    pub name: String,
    /// The search parameters, `(name, value)` as given (see `builtby_search::query::Params`).
    pub params: Vec<(String, String)>,
    /// A person qualifies only with at least this score (besides being in the results shown).
    pub min_score: Option<f64>,
    /// Where a run with changes POSTs its summary. Never shown in full (it may hold a secret).
    #[serde(skip)]
    pub webhook: Option<String>,
    pub created_at: i64,
    pub created_by: String,
    /// Runs saved so far.
    pub runs: i64,
    pub last_run_at: Option<i64>,
    /// The ingest-log position (largest `files.id`) at the last run.
    pub last_position: Option<i64>,
}

/// One person who qualified at a run.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct WatchedPerson {
    /// The person's stable id: their login, or `git:<key>`, `hf:<name>`…
    pub login: String,
    pub score: f64,
    pub rank: u32,
}

/// Longest watch name.
pub const MAX_WATCH_NAME: usize = 64;

/// A watch name: 1 to [`MAX_WATCH_NAME`] letters, digits, `-`, `_` or `.`, not starting with
/// `.` (it is a path segment in the API: `/api/watches/{name}`). Names are case-insensitive.
pub fn valid_watch_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= MAX_WATCH_NAME
        && !name.starts_with('.')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

fn sqlite(path: &std::path::Path, source: rusqlite::Error) -> crate::StoreError {
    crate::StoreError::Sqlite {
        path: path.to_path_buf(),
        source,
    }
}

const WATCH_COLUMNS: &str =
    "name, params, min_score, webhook, created_at, created_by, runs, last_run_at, last_position";

fn watch_row(r: &rusqlite::Row) -> rusqlite::Result<Watch> {
    let params: String = r.get(1)?;
    let params: Vec<(String, String)> = serde_json::from_str(&params).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(1, rusqlite::types::Type::Text, Box::new(e))
    })?;
    Ok(Watch {
        name: r.get(0)?,
        params,
        min_score: r.get(2)?,
        webhook: r.get(3)?,
        created_at: r.get(4)?,
        created_by: r.get(5)?,
        runs: r.get(6)?,
        last_run_at: r.get(7)?,
        last_position: r.get(8)?,
    })
}

impl Store {
    /// Saves a new watch. `false` when one by that name (any case) exists: nothing changes.
    pub fn watch_add(&self, w: &Watch) -> Result<bool> {
        let params = serde_json::to_string(&w.params).expect("pairs of strings serialize");
        let n = self
            .conn
            .execute(
                "INSERT INTO watches(name, params, min_score, webhook, created_at, created_by, runs)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0) ON CONFLICT(name) DO NOTHING",
                params![
                    w.name,
                    params,
                    w.min_score,
                    w.webhook,
                    w.created_at,
                    w.created_by
                ],
            )
            .map_err(|e| self.err(e))?;
        Ok(n == 1)
    }

    /// Every watch, by name.
    pub fn watches(&self) -> Result<Vec<Watch>> {
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT {WATCH_COLUMNS} FROM watches ORDER BY name COLLATE NOCASE"
            ))
            .map_err(|e| self.err(e))?;
        let rows = stmt.query_map([], watch_row).map_err(|e| self.err(e))?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
            .map_err(|e| self.err(e))
    }

    /// The watch by that name (any case).
    pub fn watch(&self, name: &str) -> Result<Option<Watch>> {
        self.conn
            .query_row(
                &format!("SELECT {WATCH_COLUMNS} FROM watches WHERE name = ?1"),
                [name],
                watch_row,
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    /// The people who qualified at the watch's last run, best first.
    pub fn watch_people(&self, name: &str) -> Result<Vec<WatchedPerson>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT login, score, rank FROM watch_people WHERE watch = ?1 ORDER BY rank, login",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([name], |r| {
                Ok(WatchedPerson {
                    login: r.get(0)?,
                    score: r.get(1)?,
                    rank: r.get::<_, i64>(2)?.clamp(0, u32::MAX as i64) as u32,
                })
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
            .map_err(|e| self.err(e))
    }

    /// Removes a watch and what its last run found. `false` when there is none by that name.
    pub fn watch_remove(&mut self, name: &str) -> Result<bool> {
        let path = self.path.clone();
        let tx = self.conn.transaction().map_err(|e| sqlite(&path, e))?;
        let n = (|| {
            tx.execute("DELETE FROM watch_people WHERE watch = ?1", [name])?;
            let n = tx.execute("DELETE FROM watches WHERE name = ?1", [name])?;
            tx.commit()?;
            Ok(n)
        })()
        .map_err(|e| sqlite(&path, e))?;
        Ok(n == 1)
    }

    /// Saves a run of `name`: who qualified, when, and the ingest-log position it saw.
    /// `false` (nothing saved) when the watch is gone or another run was saved since the
    /// watch was read with `runs_before` runs.
    pub fn watch_save_run(
        &mut self,
        name: &str,
        runs_before: i64,
        at: i64,
        position: i64,
        people: &[WatchedPerson],
    ) -> Result<bool> {
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(|e| sqlite(&path, e))?;
        let saved = (|| {
            let n = tx.execute(
                "UPDATE watches SET runs = runs + 1, last_run_at = ?3, last_position = ?4
                 WHERE name = ?1 AND runs = ?2",
                params![name, runs_before, at, position],
            )?;
            if n != 1 {
                return Ok(false);
            }
            // the row's own spelling of the name, whatever case the caller used
            let stored: String =
                tx.query_row("SELECT name FROM watches WHERE name = ?1", [name], |r| {
                    r.get(0)
                })?;
            tx.execute("DELETE FROM watch_people WHERE watch = ?1", [&stored])?;
            {
                let mut ins = tx.prepare_cached(
                    "INSERT OR REPLACE INTO watch_people(watch, login, score, rank) VALUES (?1, ?2, ?3, ?4)",
                )?;
                for p in people {
                    ins.execute(params![stored, p.login, p.score, p.rank])?;
                }
            }
            tx.commit()?;
            Ok(true)
        })()
        .map_err(|e| sqlite(&path, e))?;
        Ok(saved)
    }

    /// Removes `login` from every watch's last result set (for an erasure: a watch keeps no
    /// trace of a person who asked to be forgotten). The number of sets it was in.
    pub fn watch_forget(&self, login: &str) -> Result<usize> {
        self.conn
            .execute(
                "DELETE FROM watch_people WHERE login = ?1 COLLATE NOCASE",
                [login],
            )
            .map_err(|e| self.err(e))
    }

    /// The ingest-log position: the id of the last input loaded (0 for an empty store).
    pub fn ingest_position(&self) -> Result<i64> {
        self.conn
            .query_row("SELECT coalesce(max(id), 0) FROM files", [], |r| r.get(0))
            .map_err(|e| self.err(e))
    }

    /// Inputs loaded after the ingest-log position `position`.
    pub fn inputs_since(&self, position: i64) -> Result<i64> {
        self.conn
            .query_row(
                "SELECT count(*) FROM files WHERE id > ?1",
                [position],
                |r| r.get(0),
            )
            .map_err(|e| self.err(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(name: &str) -> std::path::PathBuf {
        let d =
            std::env::temp_dir().join(format!("builtby-store-watch-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        d
    }

    fn watch(name: &str) -> Watch {
        Watch {
            name: name.into(),
            params: vec![
                ("repo".into(), "pytorch/pytorch".into()),
                ("kind".into(), "pr_merged".into()),
            ],
            min_score: Some(1.5),
            webhook: Some("http://127.0.0.1:9/hook".into()),
            created_at: 100,
            created_by: "tester".into(),
            runs: 0,
            last_run_at: None,
            last_position: None,
        }
    }

    fn person(login: &str, score: f64, rank: u32) -> WatchedPerson {
        WatchedPerson {
            login: login.into(),
            score,
            rank,
        }
    }

    #[test]
    fn watches_are_added_listed_run_and_removed() {
        let dir = temp("crud");
        let mut s = Store::open(&dir).unwrap();
        assert!(s.watches().unwrap().is_empty());
        assert!(s.watch_add(&watch("pt-merged")).unwrap());
        assert!(
            !s.watch_add(&watch("PT-Merged")).unwrap(),
            "names ignore case"
        );
        assert!(s.watch_add(&watch("b")).unwrap());
        let all = s.watches().unwrap();
        assert_eq!(
            all.iter().map(|w| w.name.as_str()).collect::<Vec<_>>(),
            ["b", "pt-merged"]
        );
        let w = s.watch("PT-MERGED").unwrap().unwrap();
        assert_eq!(w, watch("pt-merged"));
        assert_eq!(s.ingest_position().unwrap(), 0);
        assert_eq!(s.inputs_since(0).unwrap(), 0);

        let first = [person("ana", 3.0, 1), person("bo", 2.0, 2)];
        assert!(s.watch_save_run("pt-merged", 0, 200, 0, &first).unwrap());
        // a run started from the same state, saved second, is refused
        assert!(!s
            .watch_save_run("pt-merged", 0, 201, 0, &[person("cy", 1.0, 1)])
            .unwrap());
        assert_eq!(s.watch_people("pt-merged").unwrap(), first);
        let w = s.watch("pt-merged").unwrap().unwrap();
        assert_eq!(
            (w.runs, w.last_run_at, w.last_position),
            (1, Some(200), Some(0))
        );
        assert!(s
            .watch_save_run("PT-merged", 1, 300, 0, &[person("cy", 1.0, 1)])
            .unwrap());
        assert_eq!(s.watch_people("pt-merged").unwrap(), [person("cy", 1.0, 1)]);
        assert_eq!(s.watch_forget("CY").unwrap(), 1);
        assert!(s.watch_people("pt-merged").unwrap().is_empty());

        assert!(s.watch_remove("pt-merged").unwrap());
        assert!(!s.watch_remove("pt-merged").unwrap());
        assert!(s.watch("pt-merged").unwrap().is_none());
        assert!(!s.watch_save_run("pt-merged", 2, 400, 0, &[]).unwrap());
        drop(s);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn names_are_path_segments() {
        for ok in ["a", "pytorch-dist", "ml_jobs.2026", &"x".repeat(64)] {
            assert!(valid_watch_name(ok), "{ok}");
        }
        for bad in ["", ".", "..", "a/b", "a b", "naïve", "%2e", &"x".repeat(65)] {
            assert!(!valid_watch_name(bad), "{bad}");
        }
    }
}
