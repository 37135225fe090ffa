//! What the store keeps about people beyond their work: public profiles fetched from the
//! GitHub users API (never an e-mail: there is no column for one) and normalised places.

use crate::{Batch, Result, Store};
use builtby_model::{Actor, GithubProfile, Profile};
use rusqlite::{params, Transaction};

/// A normalised location, as stored and as a search result shows it.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Place {
    pub city: Option<String>,
    pub region: Option<String>,
    /// ISO 3166-1 alpha-2.
    pub country: Option<String>,
    pub metro: Option<String>,
    pub confidence: f64,
    /// The metros of the other places the location names ("Berlin / New York": New York), so
    /// that a metro filter matches any of them. Stored '|'-joined in `loc_also_metros`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub also_metros: Vec<String>,
}

/// `loc_also_metros` as stored: the metros '|'-joined, NULL for none.
pub(crate) fn join_metros(metros: &[String]) -> Option<String> {
    (!metros.is_empty()).then(|| metros.join("|"))
}

/// `loc_also_metros` read back.
pub(crate) fn split_metros(s: Option<String>) -> Vec<String> {
    s.map(|s| {
        s.split('|')
            .filter(|m| !m.is_empty())
            .map(str::to_string)
            .collect()
    })
    .unwrap_or_default()
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
                "SELECT id, location FROM people WHERE location IS NOT NULL AND location != '' AND optout IS NULL
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
                     loc_confidence = ?6, loc_input = ?7, loc_version = ?8, loc_also_metros = ?9
                     WHERE id = ?1",
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
                    version,
                    join_metros(&p.also_metros)
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
        let q = crate::query::by_ids(
            "SELECT id, loc_city, loc_region, loc_country, loc_metro, coalesce(loc_confidence, 0),
                    loc_also_metros
             FROM (SELECT * FROM people WHERE loc_version IS NOT NULL)",
            ids,
        );
        let keep = &q.keep;
        let mut stmt = self.conn.prepare_cached(&q.sql).map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(q.params(), |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    Place {
                        city: r.get(1)?,
                        region: r.get(2)?,
                        country: r.get(3)?,
                        metro: r.get(4)?,
                        confidence: r.get(5)?,
                        also_metros: split_metros(r.get(6)?),
                    },
                ))
            })
            .map_err(|e| self.err(e))?;
        for r in rows {
            let (id, p) = r.map_err(|e| self.err(e))?;
            if keep(id) {
                out.insert(id, p);
            }
        }
        Ok(out)
    }

    /// People to fetch profiles for: the given logins, else everyone active since `since`
    /// (not bots by type) with work in the store (an account only seen, e.g. starring a
    /// repository or named as an assignee, is not fetched), oldest fetch first.
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
                    "SELECT id, github_id, login FROM people WHERE is_bot_type = 0 AND last_seen >= ?1 AND optout IS NULL
                     AND id IN (SELECT person_id FROM contributions
                                UNION SELECT merged_by FROM contributions WHERE merged_by IS NOT NULL
                                UNION SELECT actor_id FROM pointers WHERE actor_id IS NOT NULL)
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
                if self.is_suppressed(l)? {
                    continue;
                }
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
}

/// Profiles fetched in a batch, written at its commit once their people are.
#[derive(Debug, Default)]
pub(crate) struct ProfileBatch {
    fetched: Vec<(i64, GithubProfile, i64)>,
}

impl ProfileBatch {
    /// The users API's fields replace the stored ones, absent ones included (a location the
    /// person removed is removed here too).
    pub(crate) fn write(&self, tx: &Transaction) -> rusqlite::Result<()> {
        let mut st = tx.prepare_cached(
            "UPDATE people SET name = ?2, company = ?3, blog = ?4, location = ?5, bio = ?6,
             twitter = ?7, hireable = ?8, followers = ?9, gh_created_at = ?10,
             is_bot_type = is_bot_type OR ?11, profile_fetched_at = ?12, profile_status = 'ok'
             WHERE id = ?1",
        )?;
        for (id, p, now) in &self.fetched {
            st.execute(params![
                id,
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
            ])?;
        }
        Ok(())
    }
}

impl Batch<'_> {
    /// A public profile from the users API. Its person is resolved like every other actor (by
    /// GitHub id, following renames; a login-only person with that login is adopted), so a
    /// profile of someone new is a new person, and a rename is in the login history. Returns
    /// the person id; 0 for the profile of a person who opted out, which is not stored.
    pub fn add_profile(&mut self, p: &GithubProfile, now: i64) -> Result<i64> {
        let actor = Actor {
            github_id: Some(p.github_id),
            login: p.login.clone(),
            is_bot_type: p.is_bot_type,
        };
        if self.suppressed(&actor) {
            return Ok(0);
        }
        let basic = Profile {
            name: p.name.clone(),
            location: p.location.clone(),
            company: p.company.clone(),
            blog: p.blog.clone(),
        };
        let id = self.person_id(&actor, now, Some(&basic))?;
        if self.suppressed(&actor) {
            return Ok(0);
        }
        self.profiles.fetched.push((id, p.clone(), now));
        Ok(id)
    }
}
