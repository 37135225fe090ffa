//! The one person resolver. An actor is a person by GitHub id where the source has one
//! (following renames), else by login; a login-only person is adopted when the account shows
//! up, and merged into it when it shows up later. People are resolved through the batch's
//! cache, their ids allocated here (the batch holds the write lock), and written once at
//! commit with the latest login, time and profile.

use super::Batch;
use crate::Result;
use builtby_model::{Actor, Profile};
use rusqlite::{params, OptionalExtension, Row, Transaction};

/// A person as this load knows them: ids are allocated here (the load holds the write lock),
/// and the row is written once at commit with the latest login, time and profile.
pub(super) struct Person {
    pub(super) id: i64,
    github_id: Option<i64>,
    /// `None` for a person first seen in this load.
    stored: Option<Stored>,
    /// Logins seen in this load, latest last.
    logins: Vec<String>,
    first_at: i64,
    last_at: i64,
    is_bot_type: bool,
    profile: Option<(i64, Profile)>,
    adopt_github_id: bool,
    /// The person this account is a member of (its work counts for them), as stored.
    pub(super) member_of: Option<i64>,
    /// Why this account is not a person, newly found in this load.
    pub(super) not_person: Option<&'static str>,
    /// The stored account belongs to a person who opted out: nothing of it is written.
    pub(super) suppressed: bool,
}

struct Stored {
    login: String,
    last_seen: i64,
    is_bot_type: bool,
    member_of: Option<i64>,
    optout: bool,
}

/// Re-writing `last_seen` for every person on every file would cost a statement per person;
/// it moves only when it is this much out of date (or with a login or profile change).
const LAST_SEEN_SLACK: i64 = 30 * 86_400;

impl Batch<'_> {
    /// The person id for an actor (resolving or allocating it, as [`Batch::add`] does).
    pub fn person_id(&mut self, a: &Actor, at: i64, profile: Option<&Profile>) -> Result<i64> {
        self.person(a, at, profile).map_err(|e| self.err(e))
    }

    /// Who an actor's work counts for: `(person, account)`, where `account` is the actor's own
    /// row when it is a member of another person (a git identity linked to a GitHub account).
    pub(super) fn credit(
        &mut self,
        a: &Actor,
        at: i64,
        profile: Option<&Profile>,
    ) -> rusqlite::Result<(i64, Option<i64>)> {
        let account = self.person(a, at, profile)?;
        let idx = self.index_of(a).expect("resolved above");
        if self.people[idx].stored.is_none() && a.github_id.is_none() && a.login.starts_with("git:")
        {
            // a new git identity: its name may suggest who it is
            self.touch(&a.login);
        }
        Ok(match self.people[idx].member_of {
            Some(p) => (p, Some(account)),
            None => (account, None),
        })
    }

    /// The latest login of a person this load resolved, if it did (a person new in this load
    /// is not in the `people` table before the commit).
    pub(super) fn cached_login(&self, id: i64) -> Option<&str> {
        let p = self.people.iter().rev().find(|p| p.id == id)?;
        p.logins
            .last()
            .or(p.stored.as_ref().map(|s| &s.login))
            .map(String::as_str)
    }

    /// Marks an account as not a person, with the reason (written at commit).
    pub fn not_a_person(&mut self, a: &Actor, at: i64, why: &'static str) -> Result<()> {
        if self.suppressed(a) {
            return Ok(());
        }
        self.person(a, at, None).map_err(|e| self.err(e))?;
        let idx = self.index_of(a).expect("resolved above");
        self.people[idx].not_person = Some(why);
        Ok(())
    }

    pub(super) fn index_of(&self, a: &Actor) -> Option<usize> {
        match a.github_id {
            Some(g) => self.by_github_id.get(&g).copied(),
            None => self.by_login.get(&a.login.to_ascii_lowercase()).copied(),
        }
    }

    /// The person id for an actor: by GitHub id where known (following renames), else by login;
    /// a login-only person is adopted when the same login later shows up with an id.
    pub(super) fn person(
        &mut self,
        a: &Actor,
        at: i64,
        profile: Option<&Profile>,
    ) -> rusqlite::Result<i64> {
        let idx = match self.cached(a) {
            Some(i) => i,
            None => self.lookup(a)?,
        };
        let p = &mut self.people[idx];
        if let (None, Some(gid)) = (p.github_id, a.github_id) {
            p.github_id = Some(gid);
            p.adopt_github_id = p.stored.is_some();
            self.by_github_id.insert(gid, idx);
        }
        if at >= p.last_at {
            p.last_at = at;
            if p.logins.last() != Some(&a.login) {
                p.logins.retain(|l| l != &a.login);
                p.logins.push(a.login.clone());
            }
        } else if !p.logins.contains(&a.login) {
            p.logins.insert(0, a.login.clone());
        }
        p.first_at = p.first_at.min(at);
        p.is_bot_type |= a.is_bot_type;
        if let Some(pr) = profile {
            if p.profile.as_ref().is_none_or(|(t, _)| at >= *t) {
                p.profile = Some((at, pr.clone()));
            }
        }
        self.by_login
            .entry(a.login.to_ascii_lowercase())
            .or_insert(idx);
        Ok(p.id)
    }

    fn cached(&self, a: &Actor) -> Option<usize> {
        match a.github_id {
            Some(gid) => self.by_github_id.get(&gid).copied(),
            None => self.by_login.get(&a.login.to_ascii_lowercase()).copied(),
        }
    }

    /// Finds the person in the store (one query), or allocates a new one.
    fn lookup(&mut self, a: &Actor) -> rusqlite::Result<usize> {
        // By id, else (for adoption, or for a login-only actor) by login through its index.
        let row = {
            let mut by_id = self.tx.prepare_cached("SELECT id, github_id, login, last_seen, is_bot_type, member_of, optout IS NOT NULL FROM people WHERE github_id = ?1")?;
            let found = match a.github_id {
                Some(gid) => by_id.query_row([gid], row_to_stored).optional()?,
                None => None,
            };
            // An account the store does not know adopts a login-only person of this load with
            // the same login. (One it knows keeps its person; that login-only person is merged
            // into it at commit, by `merge_login_only`.)
            if found.is_none() && a.github_id.is_some() {
                if let Some(&i) = self.by_login.get(&a.login.to_ascii_lowercase()) {
                    if self.people[i].github_id.is_none() {
                        return Ok(i);
                    }
                }
            }
            match found {
                Some(f) => Some(f),
                None => {
                    let mut by_login = self.tx.prepare_cached(
                        "SELECT id, github_id, login, last_seen, is_bot_type, member_of, optout IS NOT NULL FROM people INDEXED BY people_login
                         WHERE login = ?1 COLLATE NOCASE ORDER BY last_seen DESC",
                    )?;
                    let mut rows = by_login.query([&a.login])?;
                    let mut hit = None;
                    while let Some(r) = rows.next()? {
                        let f = row_to_stored(r)?;
                        if a.github_id.is_none() || f.1.is_none() {
                            hit = Some(f);
                            break;
                        }
                    }
                    drop(rows);
                    if hit.is_none() && a.github_id.is_none() {
                        // A login-only actor (timeline era) under a login its account has
                        // since left: the account that had it, whichever order the files
                        // come in (a later file may have renamed it already).
                        hit = self
                            .tx
                            .prepare_cached(
                                "SELECT p.id, p.github_id, p.login, p.last_seen, p.is_bot_type, p.member_of, p.optout IS NOT NULL
                                 FROM logins l JOIN people p ON p.id = l.person_id
                                 WHERE l.login = ?1 ORDER BY l.last_seen DESC, p.github_id LIMIT 1",
                            )?
                            .query_row([&a.login], row_to_stored)
                            .optional()?;
                    }
                    hit
                }
            }
        };
        let person = match row {
            Some((id, github_id, stored)) => Person {
                id,
                github_id,
                member_of: stored.member_of,
                not_person: None,
                suppressed: stored.optout,
                stored: Some(stored),
                logins: Vec::new(),
                first_at: i64::MAX,
                last_at: i64::MIN,
                is_bot_type: false,
                profile: None,
                adopt_github_id: false,
            },
            None => {
                self.next_person += 1;
                Person {
                    id: self.next_person - 1,
                    github_id: a.github_id,
                    member_of: None,
                    not_person: None,
                    suppressed: false,
                    stored: None,
                    logins: Vec::new(),
                    first_at: i64::MAX,
                    last_at: i64::MIN,
                    is_bot_type: false,
                    profile: None,
                    adopt_github_id: false,
                }
            }
        };
        let idx = self.people.len();
        if let Some(gid) = person.github_id {
            self.by_github_id.insert(gid, idx);
        }
        self.people.push(person);
        Ok(idx)
    }
}

/// A login-only person (timeline-era events carry no account id) made before the account's
/// events with that login arrived: when the account, found by its id, shows up under that
/// login, the login-only person is merged into it. Loaded the other way round, the login-only
/// events would have gone to the account directly, so the store ends the same whatever the
/// order of the files. (A person new in this load adopted such a person under its first
/// login, in `lookup`; the logins it had after that in this load are checked here.)
pub(super) fn merge_login_only(tx: &Transaction, people: &[Person]) -> rusqlite::Result<()> {
    // By the login index: left to itself, SQLite scans every login-only person through the
    // `github_id IS NULL` range of the id index.
    let mut find = tx.prepare_cached(
        "SELECT id FROM people INDEXED BY people_login
         WHERE login = ?1 COLLATE NOCASE AND github_id IS NULL AND id <> ?2",
    )?;
    let mut merges: Vec<(i64, i64)> = Vec::new();
    for p in people {
        if p.suppressed || p.github_id.is_none() || (p.stored.is_none() && p.logins.len() < 2) {
            continue;
        }
        for l in &p.logins {
            let ids = find
                .query_map(params![l, p.id], |r| r.get::<_, i64>(0))?
                .collect::<rusqlite::Result<Vec<i64>>>()?;
            merges.extend(ids.into_iter().map(|x| (x, p.id)));
        }
    }
    merges.sort_unstable();
    merges.dedup_by_key(|m| m.0);
    for (x, y) in merges {
        tx.execute_batch(&format!(
            "UPDATE contributions SET person_id = {y} WHERE person_id = {x};
             UPDATE contributions SET merged_by = {y} WHERE merged_by = {x};
             UPDATE pointers SET actor_id = {y} WHERE actor_id = {x};
             INSERT INTO rollup(repo_id, kind, day, person_id, n)
                 SELECT repo_id, kind, day, {y}, n FROM rollup WHERE person_id = {x}
                 ON CONFLICT DO UPDATE SET n = n + excluded.n;
             DELETE FROM rollup WHERE person_id = {x};
             INSERT INTO path_rollup(person_id, repo_id, class, n)
                 SELECT {y}, repo_id, class, n FROM path_rollup WHERE person_id = {x}
                 ON CONFLICT DO UPDATE SET n = n + excluded.n;
             DELETE FROM path_rollup WHERE person_id = {x};
             UPDATE repos SET contributors = contributors - 1 WHERE id IN
                 (SELECT repo_id FROM repo_people WHERE person_id = {x}
                  INTERSECT SELECT repo_id FROM repo_people WHERE person_id = {y});
             INSERT OR IGNORE INTO repo_people(repo_id, person_id)
                 SELECT repo_id, {y} FROM repo_people WHERE person_id = {x};
             DELETE FROM repo_people WHERE person_id = {x};
             INSERT INTO logins(login, person_id, first_seen, last_seen)
                 SELECT login, {y}, first_seen, last_seen FROM logins WHERE person_id = {x}
                 UNION ALL SELECT login, {y}, last_seen, last_seen FROM people WHERE id = {x}
                 ON CONFLICT DO UPDATE SET first_seen = min(first_seen, excluded.first_seen),
                                           last_seen = max(last_seen, excluded.last_seen);
             DELETE FROM logins WHERE person_id = {x};
             UPDATE contributions SET account_id = {y} WHERE account_id = {x};
             UPDATE people SET member_of = {y} WHERE member_of = {x};
             UPDATE people SET
                 login = CASE WHEN (SELECT last_seen FROM people WHERE id = {x}) > last_seen
                              THEN (SELECT login FROM people WHERE id = {x}) ELSE login END,
                 last_seen = max(last_seen, (SELECT last_seen FROM people WHERE id = {x})),
                 is_bot_type = is_bot_type OR (SELECT is_bot_type FROM people WHERE id = {x}),
                 name = coalesce(name, (SELECT name FROM people WHERE id = {x})),
                 location = coalesce(location, (SELECT location FROM people WHERE id = {x})),
                 company = coalesce(company, (SELECT company FROM people WHERE id = {x})),
                 blog = coalesce(blog, (SELECT blog FROM people WHERE id = {x})),
                 optout = coalesce(optout, (SELECT optout FROM people WHERE id = {x}))
                 WHERE id = {y};
             DELETE FROM people WHERE id = {x};"
        ))?;
    }
    Ok(())
}

fn row_to_stored(r: &Row) -> rusqlite::Result<(i64, Option<i64>, Stored)> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        Stored {
            login: r.get(2)?,
            last_seen: r.get(3)?,
            is_bot_type: r.get(4)?,
            member_of: r.get(5)?,
            optout: r.get(6)?,
        },
    ))
}

/// New people are inserted whole; known people are updated only when something changed (a
/// rename, a profile, an adopted id, or `last_seen` out of date by more than the slack).
/// Logins go to the history table only when a person has had more than one.
pub(super) fn write_people(tx: &Transaction, people: &[Person]) -> rusqlite::Result<()> {
    let mut ins = tx.prepare_cached(
        "INSERT INTO people(id, github_id, login, name, location, company, blog, is_bot_type, last_seen, not_person)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?;
    let mut upd = tx.prepare_cached(
        // `last_seen` may lag by up to LAST_SEEN_SLACK: the person's latest contribution time
        // (this load's included, none later than ?2) makes the rule exact, so the login is the
        // latest by event time whatever order the files come in.
        "UPDATE people SET login = CASE WHEN ?2 >= max(last_seen, coalesce((SELECT max(at) FROM contributions WHERE person_id = ?1), 0))
                                   THEN ?3 ELSE login END,
         last_seen = max(last_seen, ?2),
         is_bot_type = is_bot_type OR ?4, github_id = coalesce(github_id, ?5),
         name = coalesce(?6, name), location = coalesce(?7, location), company = coalesce(?8, company), blog = coalesce(?9, blog)
         WHERE id = ?1",
    )?;
    let mut not_person = tx.prepare_cached("UPDATE people SET not_person = ?2 WHERE id = ?1")?;
    let mut lg = tx.prepare_cached(
        "INSERT INTO logins(login, person_id, first_seen, last_seen) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT DO UPDATE SET first_seen = min(first_seen, ?3), last_seen = max(last_seen, ?4)",
    )?;
    for p in people {
        // an opted-out person's stored rows are left as they are: no new login, profile or time
        if p.suppressed {
            continue;
        }
        let Some(login) = p.logins.last() else {
            continue;
        };
        let prof = p.profile.as_ref().map(|(_, pr)| pr);
        let (name, location, company, blog) = (
            prof.and_then(|x| x.name.as_ref()),
            prof.and_then(|x| x.location.as_ref()),
            prof.and_then(|x| x.company.as_ref()),
            prof.and_then(|x| x.blog.as_ref()),
        );
        match &p.stored {
            None => {
                ins.execute(params![
                    p.id,
                    p.github_id,
                    login,
                    name,
                    location,
                    company,
                    blog,
                    p.is_bot_type,
                    p.last_at,
                    p.not_person
                ])?;
                if p.logins.len() > 1 {
                    for l in &p.logins {
                        lg.execute(params![l, p.id, p.first_at, p.last_at])?;
                    }
                }
            }
            Some(s) => {
                if let Some(why) = p.not_person {
                    not_person.execute(params![p.id, why])?;
                }
                let renamed = p.logins.iter().any(|l| l != &s.login);
                let changed = renamed
                    || p.profile.is_some()
                    || p.adopt_github_id
                    || (p.is_bot_type && !s.is_bot_type)
                    || p.last_at > s.last_seen + LAST_SEEN_SLACK;
                if changed {
                    upd.execute(params![
                        p.id,
                        p.last_at,
                        login,
                        p.is_bot_type,
                        p.github_id,
                        name,
                        location,
                        company,
                        blog
                    ])?;
                }
                if renamed {
                    lg.execute(params![s.login, p.id, s.last_seen, s.last_seen])?;
                    for l in &p.logins {
                        lg.execute(params![l, p.id, p.first_at, p.last_at])?;
                    }
                }
            }
        }
    }
    Ok(())
}
