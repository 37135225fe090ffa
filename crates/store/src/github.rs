//! What the GitHub API side keeps: normalised locations and fetched profiles on `people`, the
//! HTTP cache behind conditional requests, per-repository crawl cursors, the files each PR
//! touched, and the state of the pointer queue. E-mail addresses have no column here either.

use crate::{Batch, Result, Store};
use builtby_model::{Actor, Contribution, GithubProfile, Hydration, Kind, Pointer, PointerState};
use rusqlite::{params, OptionalExtension};

pub(crate) const SCHEMA_0002: &str = r#"
ALTER TABLE people ADD COLUMN loc_city TEXT;
ALTER TABLE people ADD COLUMN loc_region TEXT;
ALTER TABLE people ADD COLUMN loc_country TEXT;
ALTER TABLE people ADD COLUMN loc_metro TEXT;
ALTER TABLE people ADD COLUMN loc_confidence REAL;
-- the `location` text and normaliser version the loc_ columns were computed from
ALTER TABLE people ADD COLUMN loc_input TEXT;
ALTER TABLE people ADD COLUMN loc_version INTEGER;
CREATE INDEX IF NOT EXISTS people_loc_country ON people(loc_country);
CREATE INDEX IF NOT EXISTS people_loc_metro ON people(loc_metro);
ALTER TABLE people ADD COLUMN bio TEXT;
ALTER TABLE people ADD COLUMN twitter TEXT;
ALTER TABLE people ADD COLUMN hireable INTEGER;
ALTER TABLE people ADD COLUMN followers INTEGER;
ALTER TABLE people ADD COLUMN gh_created_at INTEGER;
-- when the profile was last fetched from the API, and how that went (ok, not_found)
ALTER TABLE people ADD COLUMN profile_fetched_at INTEGER;
ALTER TABLE people ADD COLUMN profile_status TEXT;
-- Conditional requests: the last 200 answer of each GET, replayed on 304.
CREATE TABLE IF NOT EXISTS http_cache(
    url TEXT PRIMARY KEY,
    etag TEXT,
    last_modified TEXT,
    body BLOB NOT NULL,
    link TEXT,
    fetched_at INTEGER NOT NULL
);
-- Per-repository crawl cursor: PRs updated up to `updated_at` are in.
CREATE TABLE IF NOT EXISTS crawl_cursors(
    repo TEXT PRIMARY KEY COLLATE NOCASE,
    updated_at INTEGER NOT NULL,
    crawled_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS pr_files(
    repo_id INTEGER NOT NULL, number INTEGER NOT NULL, path TEXT NOT NULL,
    additions INTEGER, deletions INTEGER,
    PRIMARY KEY(repo_id, number, path)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS contributions_pr ON contributions(repo_id, kind, number);
CREATE INDEX IF NOT EXISTS pointers_state ON pointers(state);
"#;

/// A normalised location as stored.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Place {
    pub city: Option<String>,
    pub region: Option<String>,
    pub country: Option<String>,
    pub metro: Option<String>,
    pub confidence: f64,
}

/// A cached HTTP answer.
#[derive(Debug, Clone, PartialEq)]
pub struct CachedResponse {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub body: Vec<u8>,
    pub link: Option<String>,
}

/// Someone to fetch a profile for.
#[derive(Debug, Clone, PartialEq)]
pub struct ProfileTarget {
    pub person_id: i64,
    pub github_id: Option<i64>,
    pub login: String,
}

impl Store {
    /// People whose `location` has no normalisation by normaliser `version` yet.
    pub fn locations_to_normalise(&self, version: i64) -> Result<Vec<(i64, String)>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT id, location FROM people WHERE location IS NOT NULL AND location != ''
                 AND (loc_version IS NULL OR loc_version != ?1 OR loc_input IS NOT location)",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([version], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(|e| self.err(e))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(|e| self.err(e))
    }

    /// Stores normalised locations: `(person, the location text it was computed from, place)`.
    pub fn set_places(&mut self, version: i64, places: &[(i64, String, Place)]) -> Result<()> {
        let tx = self
            .conn
            .transaction()
            .map_err(|e| crate::StoreError::Sqlite {
                path: self.path.clone(),
                source: e,
            })?;
        {
            let mut st = tx
                .prepare_cached(
                    "UPDATE people SET loc_city = ?2, loc_region = ?3, loc_country = ?4, loc_metro = ?5,
                     loc_confidence = ?6, loc_input = ?7, loc_version = ?8 WHERE id = ?1",
                )
                .map_err(|e| crate::StoreError::Sqlite {
                    path: self.path.clone(),
                    source: e,
                })?;
            for (id, input, p) in places {
                st.execute(params![
                    id,
                    p.city,
                    p.region,
                    p.country,
                    p.metro,
                    p.confidence,
                    input,
                    version
                ])
                .map_err(|e| crate::StoreError::Sqlite {
                    path: self.path.clone(),
                    source: e,
                })?;
            }
        }
        tx.commit().map_err(|e| self.err(e))
    }

    /// Normalised locations of these people (those that have one).
    pub fn places(&self, ids: &[i64]) -> Result<std::collections::HashMap<i64, Place>> {
        let mut out = std::collections::HashMap::new();
        if ids.is_empty() {
            return Ok(out);
        }
        let list: Vec<String> = ids.iter().map(|i| i.to_string()).collect();
        let sql = format!(
            "SELECT id, loc_city, loc_region, loc_country, loc_metro, coalesce(loc_confidence, 0)
             FROM people WHERE loc_version IS NOT NULL AND id IN ({})",
            list.join(",")
        );
        let mut stmt = self.conn.prepare(&sql).map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    Place {
                        city: r.get(1)?,
                        region: r.get(2)?,
                        country: r.get(3)?,
                        metro: r.get(4)?,
                        confidence: r.get(5)?,
                    },
                ))
            })
            .map_err(|e| self.err(e))?;
        for r in rows {
            let (id, p) = r.map_err(|e| self.err(e))?;
            out.insert(id, p);
        }
        Ok(out)
    }

    /// People to fetch profiles for: the given logins, else everyone active since `since`
    /// (not bots by type), oldest fetch first.
    pub fn profile_targets(
        &self,
        logins: &[String],
        since: Option<i64>,
    ) -> Result<Vec<ProfileTarget>> {
        let map = |r: &rusqlite::Row| {
            Ok(ProfileTarget {
                person_id: r.get(0)?,
                github_id: r.get(1)?,
                login: r.get(2)?,
            })
        };
        let mut out = Vec::new();
        if logins.is_empty() {
            let mut stmt = self
                .conn
                .prepare(
                    "SELECT id, github_id, login FROM people WHERE is_bot_type = 0 AND last_seen >= ?1
                     ORDER BY coalesce(profile_fetched_at, 0), id",
                )
                .map_err(|e| self.err(e))?;
            let rows = stmt
                .query_map([since.unwrap_or(0)], map)
                .map_err(|e| self.err(e))?;
            for r in rows {
                out.push(r.map_err(|e| self.err(e))?);
            }
        } else {
            for l in logins {
                let id = self.person_by_login(l)?;
                match id {
                    Some(id) => out.push(
                        self.conn
                            .query_row(
                                "SELECT id, github_id, login FROM people WHERE id = ?1",
                                [id],
                                map,
                            )
                            .map_err(|e| self.err(e))?,
                    ),
                    None => out.push(ProfileTarget {
                        person_id: 0,
                        github_id: None,
                        login: l.clone(),
                    }),
                }
            }
        }
        Ok(out)
    }

    /// Stores a fetched profile (creating the person if new, following a rename by id).
    pub fn set_profile(&mut self, person_id: i64, p: &GithubProfile, now: i64) -> Result<i64> {
        let tx = self
            .conn
            .transaction()
            .map_err(|e| crate::StoreError::Sqlite {
                path: self.path.clone(),
                source: e,
            })?;
        let id = (|| -> rusqlite::Result<i64> {
            let by_gid: Option<i64> = tx
                .query_row(
                    "SELECT id FROM people WHERE github_id = ?1",
                    [p.github_id],
                    |r| r.get(0),
                )
                .optional()?;
            let id = match (by_gid, person_id) {
                (Some(id), _) => id,
                (None, 0) => {
                    tx.execute(
                        "INSERT INTO people(github_id, login, is_bot_type) VALUES (?1, ?2, ?3)",
                        params![p.github_id, p.login, p.is_bot_type],
                    )?;
                    tx.last_insert_rowid()
                }
                (None, id) => {
                    tx.execute(
                        "UPDATE people SET github_id = ?1 WHERE id = ?2 AND github_id IS NULL",
                        params![p.github_id, id],
                    )?;
                    id
                }
            };
            tx.execute(
                "UPDATE people SET login = ?2, name = ?3, company = ?4, blog = ?5, location = ?6, bio = ?7,
                 twitter = ?8, hireable = ?9, followers = ?10, gh_created_at = ?11, is_bot_type = is_bot_type OR ?12,
                 profile_fetched_at = ?13, profile_status = 'ok' WHERE id = ?1",
                params![
                    id,
                    p.login,
                    p.name,
                    p.company,
                    p.blog,
                    p.location,
                    p.bio,
                    p.twitter,
                    p.hireable,
                    p.followers,
                    p.created_at,
                    p.is_bot_type,
                    now
                ],
            )?;
            tx.execute(
                "INSERT INTO logins(login, person_id, first_seen, last_seen) VALUES (?1, ?2, ?3, ?3)
                 ON CONFLICT DO UPDATE SET last_seen = max(last_seen, ?3)",
                params![p.login, id, now],
            )?;
            Ok(id)
        })()
        .map_err(|e| crate::StoreError::Sqlite {
            path: self.path.clone(),
            source: e,
        })?;
        tx.commit().map_err(|e| self.err(e))?;
        Ok(id)
    }

    /// Marks a profile fetch that found nothing (404: deleted or renamed away); kept, not dropped.
    pub fn mark_profile(&mut self, person_id: i64, status: &str, now: i64) -> Result<()> {
        self.conn
            .execute(
                "UPDATE people SET profile_status = ?2, profile_fetched_at = ?3 WHERE id = ?1",
                params![person_id, status, now],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    pub fn profile_status(&self, login: &str) -> Result<Option<(Option<String>, Option<String>)>> {
        self.conn
            .query_row(
                "SELECT profile_status, location FROM people WHERE login = ?1 COLLATE NOCASE",
                [login],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    // ---- HTTP cache --------------------------------------------------------------------

    pub fn cache_get(&self, url: &str) -> Result<Option<CachedResponse>> {
        self.conn
            .query_row(
                "SELECT etag, last_modified, body, link FROM http_cache WHERE url = ?1",
                [url],
                |r| {
                    Ok(CachedResponse {
                        etag: r.get(0)?,
                        last_modified: r.get(1)?,
                        body: r.get(2)?,
                        link: r.get(3)?,
                    })
                },
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    pub fn cache_put(&self, url: &str, r: &CachedResponse, now: i64) -> Result<()> {
        self.conn
            .execute(
                "INSERT OR REPLACE INTO http_cache(url, etag, last_modified, body, link, fetched_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![url, r.etag, r.last_modified, r.body, r.link, now],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    // ---- crawl cursors, PR files -------------------------------------------------------

    pub fn crawl_cursor(&self, repo: &str) -> Result<Option<i64>> {
        self.conn
            .query_row(
                "SELECT updated_at FROM crawl_cursors WHERE repo = ?1",
                [repo],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    pub fn set_crawl_cursor(&self, repo: &str, updated_at: i64, now: i64) -> Result<()> {
        self.conn
            .execute(
                "INSERT INTO crawl_cursors(repo, updated_at, crawled_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT DO UPDATE SET updated_at = max(updated_at, ?2), crawled_at = ?3",
                params![repo, updated_at, now],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    /// Records the files a PR touched (paths, for code areas).
    pub fn set_pr_files(
        &self,
        repo: &str,
        number: i64,
        files: &[(String, Option<i64>, Option<i64>)],
    ) -> Result<()> {
        let repo_id: Option<i64> = self
            .conn
            .query_row("SELECT id FROM repos WHERE name = ?1", [repo], |r| r.get(0))
            .optional()
            .map_err(|e| self.err(e))?;
        let Some(repo_id) = repo_id else {
            return Ok(());
        };
        for (path, a, d) in files {
            self.conn
                .execute(
                    "INSERT OR REPLACE INTO pr_files(repo_id, number, path, additions, deletions) VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![repo_id, number, path, a, d],
                )
                .map_err(|e| self.err(e))?;
        }
        Ok(())
    }

    pub fn pr_files(&self, repo: &str, number: i64) -> Result<Vec<String>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT f.path FROM pr_files f JOIN repos r ON r.id = f.repo_id WHERE r.name = ?1 AND f.number = ?2 ORDER BY f.path",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(params![repo, number], |r| r.get(0))
            .map_err(|e| self.err(e))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(|e| self.err(e))
    }

    /// The key of a stored contribution of this kind on this PR or issue, from any source: the
    /// same PR seen via GH Archive (`gha:<event id>`) and via the API is one contribution.
    pub fn find_contribution(&self, repo: &str, kind: Kind, number: i64) -> Result<Option<String>> {
        self.conn
            .query_row(FIND_CONTRIBUTION, params![repo, kind.code(), number], |r| {
                r.get(0)
            })
            .optional()
            .map_err(|e| self.err(e))
    }

    /// Contributions of this kind on this PR, with their hydration flag: `(key, needs_hydration)`.
    pub fn contributions_on(
        &self,
        repo: &str,
        kind: Kind,
        number: i64,
    ) -> Result<Vec<(String, bool)>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT c.key, c.needs_hydration FROM contributions c JOIN repos r ON r.id = c.repo_id
                 WHERE r.name = ?1 AND c.kind = ?2 AND c.number = ?3",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(params![repo, kind.code(), number], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(|e| self.err(e))
    }

    // ---- the pointer queue -------------------------------------------------------------

    /// Pending pointers, oldest first.
    pub fn pending_pointers(&self, limit: usize) -> Result<Vec<Pointer>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT p.key, r.name, p.number, p.what, p.at, pe.github_id, pe.login, pe.is_bot_type
                 FROM pointers p JOIN repos r ON r.id = p.repo_id LEFT JOIN people pe ON pe.id = p.actor_id
                 WHERE p.state = 'pending' ORDER BY p.at, p.key LIMIT ?1",
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
                 WHERE c.needs_hydration = ?2 AND c.number IS NOT NULL ORDER BY c.at, c.id LIMIT ?1",
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

    /// Time of a loaded row, for tests and reports: count of contributions of a kind.
    pub fn count_kind(&self, kind: Kind) -> Result<i64> {
        self.conn
            .query_row(
                "SELECT count(*) FROM contributions WHERE kind = ?1",
                [kind.code()],
                |r| r.get(0),
            )
            .map_err(|e| self.err(e))
    }
}

/// One contribution of a kind on a PR or issue, from any source (oldest first).
const FIND_CONTRIBUTION: &str = "SELECT c.key FROM contributions c JOIN repos r ON r.id = c.repo_id
     WHERE r.name = ?1 AND c.kind = ?2 AND c.number = ?3 ORDER BY c.id LIMIT 1";

/// The API crawl's writes beside its contributions, inside the [`Batch`]'s transaction so that
/// a page of PRs, the pointers they resolve and the repository's crawl cursor commit together.
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

    /// Writes `repo`'s crawl cursor with this load's records.
    pub fn set_crawl_cursor(&mut self, repo: &str, updated_at: i64, now: i64) -> Result<()> {
        self.tx()
            .prepare_cached(
                "INSERT INTO crawl_cursors(repo, updated_at, crawled_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT DO UPDATE SET updated_at = max(updated_at, ?2), crawled_at = ?3",
            )
            .and_then(|mut s| s.execute(params![repo, updated_at, now]))
            .map(|_| ())
            .map_err(|e| self.err(e))
    }
}
