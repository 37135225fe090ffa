//! The materialised ranking: every scored account in the order the unscoped search ranks them,
//! with its score, so "everyone" (and everyone in a metro or a country) is a range read of a
//! few rows instead of scoring a million people per request.
//!
//! The store keeps the rows and knows when they are stale; the search crate computes them
//! (the scoring rules live there) with [`Store::ranking_rebuild`]. A ranking is valid for one
//! as-of day and one *fingerprint* (the rules, the catalog, the bot rules it was built with),
//! and only while nothing it was computed from has changed: triggers on the tables a score
//! reads (`rollup`, the people's names, flags and places, the repositories' breadth, measured
//! work) delete the `ranking_meta` row on any write, so no write path can forget to. A
//! trigger on a table that is already empty is a no-op, so ingest pays next to nothing.

use crate::query::{raw_cell, RawCell};
use crate::{Cell, CellQuery, Result, Store};
use rusqlite::{params, OptionalExtension};

pub(crate) const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS ranking(
    -- 1-based, in ranking order over every account scored (bots and hidden people too)
    pos INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL,
    score REAL NOT NULL,
    -- contributions counted (the tie-break after the score)
    n INTEGER NOT NULL,
    -- 2: a person; 1: shown only with bots included (a bot, an import identity, bot-like
    -- behaviour); 0: never shown (opted out)
    shown INTEGER NOT NULL,
    -- what the location filters compare: the profile's text, and its normalised place
    -- (NULL when not normalised)
    metro TEXT,
    country TEXT,
    location TEXT,
    city TEXT,
    region TEXT
);
CREATE INDEX IF NOT EXISTS ranking_person ON ranking(person_id);
CREATE INDEX IF NOT EXISTS ranking_metro ON ranking(metro, pos) WHERE metro IS NOT NULL;
CREATE INDEX IF NOT EXISTS ranking_country ON ranking(country, pos) WHERE country IS NOT NULL;
CREATE TABLE IF NOT EXISTS ranking_meta(
    id INTEGER PRIMARY KEY CHECK (id = 1),
    as_of_day INTEGER NOT NULL,
    fingerprint TEXT NOT NULL,
    built_at INTEGER NOT NULL
);
CREATE TRIGGER IF NOT EXISTS ranking_stale_rollup_insert AFTER INSERT ON rollup
    BEGIN DELETE FROM ranking_meta; END;
CREATE TRIGGER IF NOT EXISTS ranking_stale_rollup_update AFTER UPDATE ON rollup
    BEGIN DELETE FROM ranking_meta; END;
CREATE TRIGGER IF NOT EXISTS ranking_stale_rollup_delete AFTER DELETE ON rollup
    BEGIN DELETE FROM ranking_meta; END;
CREATE TRIGGER IF NOT EXISTS ranking_stale_people_update
    AFTER UPDATE OF login, is_bot_type, not_person, behaviour, optout, member_of,
        loc_version, loc_metro, loc_country ON people
    BEGIN DELETE FROM ranking_meta; END;
CREATE TRIGGER IF NOT EXISTS ranking_stale_people_delete AFTER DELETE ON people
    BEGIN DELETE FROM ranking_meta; END;
CREATE TRIGGER IF NOT EXISTS ranking_stale_repos AFTER UPDATE OF contributors, name ON repos
    BEGIN DELETE FROM ranking_meta; END;
CREATE TRIGGER IF NOT EXISTS ranking_stale_measures AFTER UPDATE OF measures ON contributions
    BEGIN DELETE FROM ranking_meta; END;
"#;

/// Each ranked account's last day with work (up to the ranking's as-of day), so a broad scope
/// bounded by time alone ("since 2024") counts its people with one index range instead of a
/// scan of the rollup. The `DELETE` makes stores built before it rebuild their ranking.
pub(crate) const LAST_DAY: &str = r#"
ALTER TABLE ranking ADD COLUMN last_day INTEGER;
CREATE INDEX IF NOT EXISTS ranking_last_day ON ranking(last_day, shown);
DELETE FROM ranking_meta;
"#;

/// What the role guesses count of each person's titles, kept with the ranking for its as-of
/// day (see [`Store::ranking_topics`]): per person, topic and repository, the contributions
/// whose title (or body) has one of the topic's words. Counting them at search time meant
/// full-text matches over everyone's work for the 20 people of a page, a cost that grew with
/// the store. Titles can change without the rollup changing (hydration), so writes to a
/// contribution's text mark the ranking stale too.
pub(crate) const TOPICS: &str = r#"
CREATE TABLE IF NOT EXISTS ranking_topics(
    person_id INTEGER NOT NULL,
    topic INTEGER NOT NULL,
    repo_id INTEGER NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY(person_id, topic, repo_id)
) WITHOUT ROWID;
ALTER TABLE ranking_meta ADD COLUMN topics_key TEXT;
CREATE TRIGGER IF NOT EXISTS ranking_stale_contributions_insert AFTER INSERT ON contributions
    BEGIN DELETE FROM ranking_meta; END;
CREATE TRIGGER IF NOT EXISTS ranking_stale_contributions_delete AFTER DELETE ON contributions
    BEGIN DELETE FROM ranking_meta; END;
CREATE TRIGGER IF NOT EXISTS ranking_stale_contributions_text
    AFTER UPDATE OF title, body, kind, person_id, repo_id, at ON contributions
    BEGIN DELETE FROM ranking_meta; END;
DELETE FROM ranking_meta;
"#;

/// What a free-text location filter compares, per ranked account (see
/// [`RankEntry::location_lower`]), and an index of the accounts that have either: a location
/// search reads those only. The ranking is marked stale so that the next search fills them.
pub(crate) const LOCATION_MATCH: &str = r#"
ALTER TABLE ranking ADD COLUMN location_lower TEXT;
ALTER TABLE ranking ADD COLUMN place_norm TEXT;
CREATE INDEX IF NOT EXISTS ranking_located ON ranking(pos)
    WHERE location_lower IS NOT NULL OR place_norm IS NOT NULL;
DELETE FROM ranking_meta;
"#;

/// `ranking_located` covering what a location search tests and returns: the search reads
/// every located row (the text it is given can match anywhere in one), and looking each one
/// up in the table was 40% of that read (2,620 located rows on the shared hours: 1.9 → 1.1
/// ms). Located rows only, so the copy is small.
pub(crate) const LOCATED_COVERING: &str = r#"
DROP INDEX IF EXISTS ranking_located;
CREATE INDEX ranking_located ON ranking(pos, shown, location_lower, place_norm, country, metro,
    person_id, score, n)
    WHERE location_lower IS NOT NULL OR place_norm IS NOT NULL;
"#;

/// How many rows "everyone" counts, kept when the ranking is built: people (`shown = 2`), and
/// with bots (`shown >= 1`). Counting them took 54 ms per unscoped search at 1M accounts.
pub(crate) const COUNTS: &str = r#"
ALTER TABLE ranking_meta ADD COLUMN shown_people INTEGER;
ALTER TABLE ranking_meta ADD COLUMN shown_any INTEGER;
DELETE FROM ranking_meta;
"#;

/// Counted words of one topic, as the ranking's build hands them to
/// [`Store::ranking_rebuild`]: (person, topic, repository, count).
pub type TopicCount = (i64, u8, i64, i64);

/// What a rebuild writes: every account in ranking order, and the topic counts of the role
/// guesses with the key of the word lists they were counted with.
#[derive(Debug, Default)]
pub struct RankingBuild {
    pub entries: Vec<RankEntry>,
    pub topics: Vec<TopicCount>,
    pub topics_key: String,
}

/// One account in the ranking, as the searches read it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RankRow {
    pub pos: i64,
    pub person_id: i64,
    pub score: f64,
    pub n: i64,
}

/// An account as the ranking's build needs it: who it is, whether it is shown, where it is.
#[derive(Debug, Clone, PartialEq)]
pub struct RankPerson {
    pub id: i64,
    pub login: String,
    pub is_bot_type: bool,
    pub not_person: Option<String>,
    pub behaviour: Option<String>,
    pub opted_out: bool,
    pub metro: Option<String>,
    /// The metros of the location's other places (see `Place::also_metros`).
    pub also_metros: Vec<String>,
    pub country: Option<String>,
    pub location: Option<String>,
    pub city: Option<String>,
    pub region: Option<String>,
}

/// An account's place in a new ranking, in ranking order.
#[derive(Debug, Clone, PartialEq)]
pub struct RankEntry {
    pub person_id: i64,
    pub score: f64,
    pub n: i64,
    /// See the `shown` column: 2, 1 or 0.
    pub shown: u8,
    pub metro: Option<String>,
    /// The metros of the location's other places: a metro filter matches them too.
    pub also_metros: Vec<String>,
    pub country: Option<String>,
    pub location: Option<String>,
    pub city: Option<String>,
    pub region: Option<String>,
    /// What a free-text location filter compares, worked out when the ranking is built so
    /// that a search tests it in SQL (see [`LocationWanted`]): the profile's text lower-cased,
    /// and the place's normalised city, region and metro joined by `|` (`Some("")` for a
    /// place with a country only; `None` without a place).
    pub location_lower: Option<String>,
    pub place_norm: Option<String>,
}

/// What a free-text location filter looks for (`builtby_search::place::PlaceFilter` works it
/// out once per search): an account matches when its profile text, lower-cased, contains
/// `lower`; or, when it has a place and `norm` is not empty, when its normalised city, region
/// or metro contains `norm`, or its country or metro is the one the gazetteer reads in the
/// filter.
#[derive(Debug, Clone, Copy)]
pub struct LocationWanted<'a> {
    pub lower: &'a str,
    pub norm: &'a str,
    pub country: Option<&'a str>,
    pub metro: Option<&'a str>,
}

/// Which ranked accounts a read looks at.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RankFilter {
    /// Bots and the like too (`shown >= 1`), else people only (`shown = 2`).
    pub include_bots: bool,
    pub metro: Option<String>,
    pub country: Option<String>,
}

impl RankFilter {
    /// The filter as a condition on one `ranking` row: for reads that find their rows another
    /// way (by person, by scope). A metro matches the row's own metro or one of its other
    /// places' (`ranking_also_metro`).
    fn sql(&self, args: &mut Vec<crate::query::Arg>) -> String {
        let mut w = self.sql_without_metro(args);
        if let Some(m) = &self.metro {
            args.push(m.clone().into());
            let n = args.len();
            w.push_str(&format!(
                " AND (metro = ?{n} OR EXISTS (SELECT 1 FROM ranking_also_metro a \
                 WHERE a.metro = ?{n} AND a.pos = ranking.pos))"
            ));
        }
        w
    }

    /// For reads that walk the ranking in order: the rows to read from (named `ranking`) and
    /// the condition on them. With a metro, the rows are the metro's own, read through its
    /// index, merged in ranking order with the (few) rows that name it as another place: no
    /// scan of the whole ranking for a small metro, as `metro = ? OR …` would make.
    fn scan(&self, args: &mut Vec<crate::query::Arg>) -> (String, String) {
        let Some(m) = &self.metro else {
            return ("ranking".to_string(), self.sql_without_metro(args));
        };
        args.push(m.clone().into());
        let n = args.len();
        let from = format!(
            "(SELECT * FROM ranking WHERE metro = ?{n}
              UNION ALL
              SELECT r.* FROM ranking_also_metro a CROSS JOIN ranking r ON r.pos = a.pos
              WHERE a.metro = ?{n} AND r.metro IS NOT ?{n}) AS ranking"
        );
        (from, self.sql_without_metro(args))
    }

    fn sql_without_metro(&self, args: &mut Vec<crate::query::Arg>) -> String {
        let mut w = vec![if self.include_bots {
            "shown >= 1".to_string()
        } else {
            "shown = 2".to_string()
        }];
        if let Some(c) = &self.country {
            args.push(c.clone().into());
            w.push(format!("country = ?{}", args.len()));
        }
        w.join(" AND ")
    }
}

impl Store {
    /// Whether the stored ranking is current for this as-of day and fingerprint.
    pub fn ranking_fresh(&self, as_of_day: i64, fingerprint: &str) -> Result<bool> {
        let meta: Option<(i64, String)> = self
            .conn
            .query_row(
                "SELECT as_of_day, fingerprint FROM ranking_meta WHERE id = 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(|e| self.err(e))?;
        Ok(meta.is_some_and(|(d, f)| d == as_of_day && f == fingerprint))
    }

    /// Rebuilds the ranking in one write transaction, unless another process made it current
    /// meanwhile: `build` reads through this same connection inside the transaction (so
    /// nothing changes under it) and returns every account in ranking order. Returns whether
    /// it built.
    pub fn ranking_rebuild(
        &mut self,
        as_of_day: i64,
        fingerprint: &str,
        build: impl FnOnce(&Store) -> Result<RankingBuild>,
    ) -> Result<bool> {
        self.conn
            .execute_batch("BEGIN IMMEDIATE")
            .map_err(|e| self.err(e))?;
        let result = (|| {
            if self.ranking_fresh(as_of_day, fingerprint)? {
                return Ok(false);
            }
            let RankingBuild {
                entries,
                topics,
                topics_key,
            } = build(self)?;
            let e = |e| self.err(e);
            self.conn.execute("DELETE FROM ranking", []).map_err(e)?;
            self.conn
                .execute("DELETE FROM ranking_topics", [])
                .map_err(e)?;
            let mut ins = self
                .conn
                .prepare_cached(
                    "INSERT INTO ranking_topics(person_id, topic, repo_id, n) VALUES (?1, ?2, ?3, ?4)",
                )
                .map_err(e)?;
            for t in &topics {
                ins.execute(params![t.0, t.1, t.2, t.3]).map_err(e)?;
            }
            drop(ins);
            self.conn
                .execute("DELETE FROM ranking_also_metro", [])
                .map_err(e)?;
            let mut ins = self
                .conn
                .prepare_cached(
                    "INSERT INTO ranking(pos, person_id, score, n, shown, metro, country, location, city, region, also_metros,
                                         location_lower, place_norm)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                )
                .map_err(e)?;
            let mut also = self
                .conn
                .prepare_cached(
                    "INSERT OR IGNORE INTO ranking_also_metro(metro, pos) VALUES (?1, ?2)",
                )
                .map_err(e)?;
            for (i, r) in entries.iter().enumerate() {
                ins.execute(params![
                    i as i64 + 1,
                    r.person_id,
                    r.score,
                    r.n,
                    r.shown,
                    r.metro,
                    r.country,
                    r.location,
                    r.city,
                    r.region,
                    crate::profiles::join_metros(&r.also_metros),
                    r.location_lower,
                    r.place_norm
                ])
                .map_err(e)?;
                for m in &r.also_metros {
                    also.execute(params![m, i as i64 + 1]).map_err(e)?;
                }
            }
            drop(ins);
            drop(also);
            self.conn
                .execute(
                    "UPDATE ranking SET last_day = (SELECT max(day) FROM rollup INDEXED BY rollup_person
                                                    WHERE person_id = ranking.person_id AND day <= ?1)",
                    [as_of_day],
                )
                .map_err(e)?;
            // Written last: the inserts above fire no trigger, and the row says "current".
            self.conn
                .execute(
                    "INSERT OR REPLACE INTO ranking_meta(id, as_of_day, fingerprint, built_at, topics_key,
                                                         shown_people, shown_any)
                     VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6)",
                    params![
                        as_of_day,
                        fingerprint,
                        builtby_model::time::now(),
                        topics_key,
                        entries.iter().filter(|r| r.shown == 2).count() as i64,
                        entries.iter().filter(|r| r.shown >= 1).count() as i64
                    ],
                )
                .map_err(e)?;
            Ok(true)
        })();
        let end = if result.is_ok() { "COMMIT" } else { "ROLLBACK" };
        match self.conn.execute_batch(end) {
            Ok(()) => result,
            Err(e) => {
                let _ = self.conn.execute_batch("ROLLBACK");
                Err(result.err().unwrap_or_else(|| self.err(e)))
            }
        }
    }

    /// The topic counts kept with the ranking for these people, when the ranking is current
    /// for `as_of_day` and was counted with the word lists of `topics_key`: `None` means
    /// count them from the contributions. Nothing is kept for a topic a person has no word
    /// of.
    pub fn ranking_topics(
        &self,
        person_ids: &[i64],
        as_of_day: i64,
        topics_key: &str,
    ) -> Result<Option<Vec<TopicCount>>> {
        let key: Option<(i64, Option<String>)> = self
            .conn
            .query_row(
                "SELECT as_of_day, topics_key FROM ranking_meta WHERE id = 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(|e| self.err(e))?;
        if !key.is_some_and(|(d, k)| d == as_of_day && k.as_deref() == Some(topics_key)) {
            return Ok(None);
        }
        let mut st = self
            .conn
            .prepare_cached(
                "SELECT person_id, topic, repo_id, n FROM ranking_topics WHERE person_id = ?1",
            )
            .map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        for &p in person_ids {
            let rows = st
                .query_map([p], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
                .map_err(|e| self.err(e))?;
            for row in rows {
                out.push(row.map_err(|e| self.err(e))?);
            }
        }
        Ok(Some(out))
    }

    /// Every account with work up to `until_day`, one at a time in id order, with its cells
    /// (the same cells [`Store::cells`] gives for an unscoped query up to that day): the
    /// ranking's build reads the whole rollup this way without holding it in memory.
    pub fn each_person_cells(
        &self,
        until_day: i64,
        mut f: impl FnMut(i64, Vec<Cell>) -> Result<()>,
    ) -> Result<()> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT person_id, repo_id, kind, day, n, w FROM rollup INDEXED BY rollup_person
                 WHERE day <= ?1 ORDER BY person_id",
            )
            .map_err(|e| self.err(e))?;
        let mut rows = stmt.query([until_day]).map_err(|e| self.err(e))?;
        let mut current: Vec<RawCell> = Vec::new();
        while let Some(r) = rows.next().map_err(|e| self.err(e))? {
            let row = raw_cell(r).map_err(|e| self.err(e))?;
            if current.first().is_some_and(|c| c.0 != row.0) {
                let person = current[0].0;
                f(person, self.bucketed(std::mem::take(&mut current))?)?;
            }
            current.push(row);
        }
        if let Some(first) = current.first() {
            let person = first.0;
            f(person, self.bucketed(current)?)?;
        }
        Ok(())
    }

    /// Every account, as the ranking's build needs it, by id.
    pub fn rank_people(&self) -> Result<std::collections::HashMap<i64, RankPerson>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT id, login, is_bot_type, not_person, behaviour, optout IS NOT NULL,
                        CASE WHEN loc_version IS NOT NULL THEN loc_metro END,
                        CASE WHEN loc_version IS NOT NULL THEN loc_country END,
                        location,
                        CASE WHEN loc_version IS NOT NULL THEN loc_city END,
                        CASE WHEN loc_version IS NOT NULL THEN loc_region END,
                        CASE WHEN loc_version IS NOT NULL THEN loc_also_metros END
                 FROM people",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok(RankPerson {
                    id: r.get(0)?,
                    login: r.get(1)?,
                    is_bot_type: r.get(2)?,
                    not_person: r.get(3)?,
                    behaviour: r.get(4)?,
                    opted_out: r.get(5)?,
                    metro: r.get(6)?,
                    country: r.get(7)?,
                    location: r.get(8)?,
                    city: r.get(9)?,
                    region: r.get(10)?,
                    also_metros: crate::profiles::split_metros(r.get(11)?),
                })
            })
            .map_err(|e| self.err(e))?;
        let mut out = std::collections::HashMap::new();
        for r in rows {
            let p = r.map_err(|e| self.err(e))?;
            out.insert(p.id, p);
        }
        Ok(out)
    }

    /// Ranked accounts passing `filter`, in ranking order, after position `after_pos`.
    pub fn ranking_rows(
        &self,
        filter: &RankFilter,
        after_pos: i64,
        limit: u32,
    ) -> Result<Vec<RankRow>> {
        let mut args = Vec::new();
        let (from, w) = filter.scan(&mut args);
        args.push(after_pos.into());
        let sql = format!(
            "SELECT pos, person_id, score, n FROM {from} WHERE {w} AND pos > ?{} ORDER BY pos LIMIT {limit}",
            args.len()
        );
        self.rank_query(&sql, args)
    }

    /// Ranked accounts passing `filter`, in ranking order, before position `before_pos`,
    /// nearest first.
    pub fn ranking_rows_before(
        &self,
        filter: &RankFilter,
        before_pos: i64,
        limit: u32,
    ) -> Result<Vec<RankRow>> {
        let mut args = Vec::new();
        let (from, w) = filter.scan(&mut args);
        args.push(before_pos.into());
        let sql = format!(
            "SELECT pos, person_id, score, n FROM {from} WHERE {w} AND pos < ?{} ORDER BY pos DESC LIMIT {limit}",
            args.len()
        );
        self.rank_query(&sql, args)
    }

    /// How many ranked accounts pass `filter` (before position `before_pos`, if given).
    pub fn ranking_count(&self, filter: &RankFilter, before_pos: Option<i64>) -> Result<u32> {
        if filter.metro.is_none() && filter.country.is_none() && before_pos.is_none() {
            // everyone: counted when the ranking was built (950k rows took 54 ms to count)
            let kept: Option<Option<u32>> = self
                .conn
                .prepare_cached(
                    "SELECT CASE WHEN ?1 THEN shown_any ELSE shown_people END FROM ranking_meta WHERE id = 1",
                )
                .and_then(|mut s| s.query_row([filter.include_bots], |r| r.get(0)).optional())
                .map_err(|e| self.err(e))?;
            if let Some(Some(n)) = kept {
                return Ok(n);
            }
        }
        let mut args = Vec::new();
        let (from, mut w) = filter.scan(&mut args);
        if let Some(p) = before_pos {
            args.push(p.into());
            w.push_str(&format!(" AND pos < ?{}", args.len()));
        }
        let sql = format!("SELECT count(*) FROM {from} WHERE {w}");
        self.conn
            .prepare_cached(&sql)
            .and_then(|mut s| s.query_row(rusqlite::params_from_iter(args), |r| r.get(0)))
            .map_err(|e| self.err(e))
    }

    /// How many ranked accounts passing `filter` have work in `scope` (a scope the rollup
    /// answers: no text, no paths): a pruned search's total.
    pub fn ranking_count_in_scope(&self, filter: &RankFilter, scope: &CellQuery) -> Result<u32> {
        let mut args = Vec::new();
        let f = filter.sql(&mut args);
        if let Some(since_day) = self.bounded_by_time_alone(scope)? {
            // everyone ranked has work up to the as-of day: only the lower bound cuts
            args.push(since_day.into());
            let sql = format!(
                "SELECT count(*) FROM ranking WHERE {f} AND last_day >= ?{}",
                args.len()
            );
            return self
                .conn
                .prepare_cached(&sql)
                .and_then(|mut s| s.query_row(rusqlite::params_from_iter(args), |r| r.get(0)))
                .map_err(|e| self.err(e));
        }
        let w = crate::query::scope_sql(scope, "day", true, &mut args);
        // the scope's people first (a seek per repository when it has some), then each one's
        // ranking row: the cost follows the scope, not the ranking
        let sql = format!(
            "SELECT count(*) FROM (SELECT DISTINCT person_id FROM rollup WHERE {w}) s
               JOIN ranking INDEXED BY ranking_person ON ranking.person_id = s.person_id
             WHERE {f}"
        );
        self.conn
            .prepare_cached(&sql)
            .and_then(|mut s| s.query_row(rusqlite::params_from_iter(args), |r| r.get(0)))
            .map_err(|e| self.err(e))
    }

    /// The first day of `scope` when it is bounded by time alone, with an upper bound at or
    /// after the ranking's as-of day (so `last_day` answers it); `None` otherwise.
    fn bounded_by_time_alone(&self, scope: &CellQuery) -> Result<Option<i64>> {
        let CellQuery {
            repo_ids: None,
            kinds: None,
            text: None,
            person_ids: None,
            paths: None,
            since,
            until,
        } = scope
        else {
            return Ok(None);
        };
        let as_of_day: Option<i64> = self
            .conn
            .query_row("SELECT as_of_day FROM ranking_meta WHERE id = 1", [], |r| {
                r.get(0)
            })
            .optional()
            .map_err(|e| self.err(e))?;
        let day = builtby_model::time::day_of;
        Ok(match (as_of_day, until) {
            (Some(a), Some(u)) if day(*u) >= a => Some(since.map_or(i64::MIN, day)),
            (Some(_), None) => Some(since.map_or(i64::MIN, day)),
            _ => None,
        })
    }

    /// Ranked accounts passing `filter` whose location matches `wanted`, in ranking order.
    /// The test runs in SQL over the columns the ranking's build worked out, and only over
    /// accounts with a location or a place (an index holds those): reading every located
    /// account's text and place into the search to test them there was most of a location
    /// search's time.
    pub fn ranking_located(
        &self,
        filter: &RankFilter,
        wanted: &LocationWanted,
    ) -> Result<Vec<RankRow>> {
        let mut args = Vec::new();
        let (from, w) = filter.scan(&mut args);
        let n = args.len();
        args.push(wanted.lower.to_string().into());
        args.push(wanted.norm.to_string().into());
        args.push(wanted.country.map(str::to_string).into());
        args.push(wanted.metro.map(str::to_string).into());
        let (lower, norm, country, metro) = (n + 1, n + 2, n + 3, n + 4);
        let sql = format!(
            "SELECT pos, person_id, score, n FROM {from}
             WHERE {w} AND (location_lower IS NOT NULL OR place_norm IS NOT NULL)
               AND (instr(location_lower, ?{lower}) > 0
                    OR (?{norm} != '' AND place_norm IS NOT NULL
                        AND (instr(place_norm, ?{norm}) > 0 OR country = ?{country} OR metro = ?{metro})))
             ORDER BY pos"
        );
        let mut stmt = self.conn.prepare_cached(&sql).map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(rusqlite::params_from_iter(args), |r| {
                Ok(RankRow {
                    pos: r.get(0)?,
                    person_id: r.get(1)?,
                    score: r.get(2)?,
                    n: r.get(3)?,
                })
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
            .map_err(|e| self.err(e))
    }

    /// The ranking row of an account, if it is ranked and passes `filter`.
    pub fn ranking_row(&self, filter: &RankFilter, person_id: i64) -> Result<Option<RankRow>> {
        let mut args = Vec::new();
        let w = filter.sql(&mut args);
        args.push(person_id.into());
        let sql = format!(
            "SELECT pos, person_id, score, n FROM ranking WHERE {w} AND person_id = ?{}",
            args.len()
        );
        Ok(self.rank_query(&sql, args)?.into_iter().next())
    }

    /// The accounts currently named `login` (any case), with their logins: how a git
    /// identity's likely login is found among the ranked.
    pub fn people_named(&self, login: &str) -> Result<Vec<(i64, String)>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id, login FROM people WHERE login = ?1 COLLATE NOCASE")
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([login], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(|e| self.err(e))?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
            .map_err(|e| self.err(e))
    }

    /// Every repository's id.
    pub fn repo_ids(&self) -> Result<Vec<i64>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id FROM repos")
            .map_err(|e| self.err(e))?;
        let rows = stmt.query_map([], |r| r.get(0)).map_err(|e| self.err(e))?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
            .map_err(|e| self.err(e))
    }

    /// How long this connection waits for another's write lock (a writer's default is ten
    /// minutes: an ingest's transaction can be long).
    pub fn set_busy_timeout(&self, wait: std::time::Duration) -> Result<()> {
        self.conn.busy_timeout(wait).map_err(|e| self.err(e))
    }

    fn rank_query(&self, sql: &str, args: Vec<crate::query::Arg>) -> Result<Vec<RankRow>> {
        let mut stmt = self.conn.prepare_cached(sql).map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(rusqlite::params_from_iter(args), |r| {
                Ok(RankRow {
                    pos: r.get(0)?,
                    person_id: r.get(1)?,
                    score: r.get(2)?,
                    n: r.get(3)?,
                })
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
            .map_err(|e| self.err(e))
    }
}
