//! Weights: what each stored contribution says about expertise, kept current by the write path.
//!
//! At the end of every batch (and once for a whole store when migration `0011_weights`
//! arrives), for the contributions the batch added, completed or gave paths to:
//!
//! 1. **Revised PRs.** For each PR thread the batch touched: when the PR is merged, others
//!    reviewed it, and its author answered in the thread after the first review, the store
//!    holds one `pr_revised/<repo>#<n>` row credited to the author, weighted by the review
//!    rounds it survived ([`grade::rounds`]), its reason quoting the author's answer.
//! 2. **Grades and caps.** Each row's grade ([`grade::code_change`], [`grade::comment`]),
//!    then the group caps over all of the person's rows in the same clock hour and the same
//!    thread ([`grade::share_of_cap`]): a group's total is capped, so a score never falls
//!    when work is added. Rows whose weight or reason changed are written.
//! 3. **Behaviour.** Accounts whose activity is not a person's are flagged with the reason
//!    (`people.behaviour`): impossible bursts of pushes, or only badge-adding PRs into other
//!    people's repositories. Search leaves them out unless the bot file says `!login`.
//!
//! The rollup's `w` (sum of weights) is then recomputed for every rollup cell whose rows
//! changed, from the rows: it cannot drift from them.

use builtby_model::grade::{self, FileChange, Grade, CAP_PER_HOUR, CAP_PER_THREAD};
use builtby_model::{time, Kind};
use rusqlite::{params, Connection, OptionalExtension};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// A rollup cell: (repo, kind code, day, person).
pub(crate) type Key = (i64, i64, i64, i64);

/// Kinds of conversation capped per clock hour: what an account can produce on its own.
/// Merged PRs are not: each passed someone else's review (a maintainer merging a stack of
/// thirteen PRs in an hour is not a burst of the author's).
const HOURLY: [Kind; 6] = [
    Kind::PrOpened,
    Kind::PrClosedUnmerged,
    Kind::Review,
    Kind::ReviewComment,
    Kind::IssueOpened,
    Kind::IssueComment,
];
/// Kinds capped per thread (one PR's or issue's comments by one person).
const THREAD: [Kind; 2] = [Kind::ReviewComment, Kind::IssueComment];
/// Pushes in one clock hour past which an account is automation: measured on the shared
/// GH Archive hours, the busiest people push at most 39 times in an hour; mirror and sync
/// accounts push 42 to 401 times, hour after hour.
pub const PUSH_BURST: i64 = 60;

fn codes(kinds: &[Kind]) -> String {
    kinds
        .iter()
        .map(|k| k.code().to_string())
        .collect::<Vec<_>>()
        .join(",")
}

fn is_code(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::PrMerged | Kind::Commit | Kind::CoAuthored | Kind::PrCommit
    )
}

/// At most `n` characters of `text`, on one line, with an ellipsis when cut.
pub(crate) fn excerpt(text: &str, n: usize) -> String {
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= n {
        return one_line;
    }
    let cut: String = one_line.chars().take(n.saturating_sub(1)).collect();
    format!("{}…", cut.trim_end())
}

/// Step 1: `pr_revised` rows for the merged PRs among the threads of `touched`. Returns the
/// ids of rows it inserted or changed, and counts new rows into `rollup`.
pub(crate) fn derive_revised(
    tx: &Connection,
    touched: &[i64],
    repo_name: &dyn Fn(i64) -> Option<String>,
    rollup: &mut HashMap<Key, i64>,
) -> rusqlite::Result<Vec<i64>> {
    let mut threads: BTreeSet<(i64, i64)> = BTreeSet::new();
    let thread_kinds = codes(&[
        Kind::PrMerged,
        Kind::Review,
        Kind::ReviewComment,
        Kind::IssueComment,
    ]);
    for chunk in touched.chunks(500) {
        let ids = crate::query::id_list(chunk);
        let mut st = tx.prepare(&format!(
            "SELECT DISTINCT repo_id, number FROM contributions
             WHERE id IN ({ids}) AND number IS NOT NULL AND kind IN ({thread_kinds})"
        ))?;
        let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        for t in rows {
            threads.insert(t?);
        }
    }
    let mut changed = Vec::new();
    for (repo, number) in threads {
        let Some((author, merged_at, title)) = tx
            .prepare_cached(
                "SELECT person_id, at, title FROM contributions INDEXED BY contributions_merged_pr
                 WHERE repo_id = ?1 AND number = ?2 AND kind = 1 ORDER BY id LIMIT 1",
            )?
            .query_row(params![repo, number], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, Option<String>>(2)?,
                ))
            })
            .optional()?
        else {
            continue;
        };
        let mut st = tx.prepare_cached(&format!(
            "SELECT id, kind, person_id, at, body, url FROM contributions INDEXED BY contributions_thread
             WHERE repo_id = ?1 AND number = ?2 AND kind IN ({}) ORDER BY at, id",
            codes(&[Kind::Review, Kind::ReviewComment, Kind::IssueComment])
        ))?;
        type Row = (i64, i64, i64, i64, Option<String>, Option<String>);
        let rows: Vec<Row> = st
            .query_map(params![repo, number], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let review = Kind::Review.code();
        let review_comment = Kind::ReviewComment.code();
        let Some(first) = rows
            .iter()
            .find(|r| r.2 != author && (r.1 == review || r.1 == review_comment))
        else {
            continue;
        };
        let reviews = rows
            .iter()
            .filter(|r| r.2 != author && r.1 == review)
            .count() as i64;
        let Some(reply) = rows.iter().find(|r| {
            r.2 == author
                && r.1 != review
                && r.3 >= first.3
                && r.4.as_deref().is_some_and(|b| !b.trim().is_empty())
        }) else {
            continue;
        };
        let Some(name) = repo_name(repo) else {
            continue;
        };
        let g = grade::rounds(reviews.max(1));
        let why = format!(
            "{}; the author answered: “{}”",
            g.why.unwrap_or_default(),
            excerpt(reply.4.as_deref().unwrap_or(""), 200)
        );
        let key = builtby_model::work_key(
            Kind::PrRevised,
            &name,
            builtby_model::WorkId::Number(number),
        );
        let url = reply
            .5
            .clone()
            .unwrap_or_else(|| format!("https://github.com/{name}/pull/{number}"));
        let existing: Option<(i64, f64, Option<String>)> = tx
            .prepare_cached("SELECT id, weight, why FROM contributions WHERE key = ?1")?
            .query_row([&key], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?;
        match existing {
            Some((id, w, old_why)) => {
                if w != g.weight || old_why.as_deref() != Some(why.as_str()) {
                    tx.prepare_cached(
                        "UPDATE contributions SET weight = ?2, why = ?3, url = ?4 WHERE id = ?1",
                    )?
                    .execute(params![id, g.weight, why, url])?;
                    changed.push(id);
                }
            }
            None => {
                tx.prepare_cached(
                    "INSERT INTO contributions(key, kind, person_id, repo_id, at, number, title, url, weight, why)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                )?
                .execute(params![
                    key,
                    Kind::PrRevised.code(),
                    author,
                    repo,
                    merged_at,
                    number,
                    title,
                    url,
                    g.weight,
                    why
                ])?;
                let id = tx.last_insert_rowid();
                if title.is_some() {
                    tx.prepare_cached(
                        "INSERT INTO contributions_fts(rowid, title, body) VALUES (?1, ?2, NULL)",
                    )?
                    .execute(params![id, title])?;
                }
                *rollup
                    .entry((
                        repo,
                        Kind::PrRevised.code(),
                        time::day_of(merged_at),
                        author,
                    ))
                    .or_default() += 1;
                changed.push(id);
            }
        }
    }
    Ok(changed)
}

struct Graded {
    id: i64,
    person: i64,
    repo: i64,
    kind: Kind,
    at: i64,
    number: Option<i64>,
    grade: Grade,
    stored: (f64, Option<String>),
}

/// Step 2: grades and caps for `touched` and the hour and thread groups they fall in. Returns
/// the rollup cells whose rows changed weight.
pub(crate) fn regrade(tx: &Connection, touched: &[i64]) -> rusqlite::Result<HashSet<Key>> {
    let hourly = codes(&HOURLY);
    let thread = codes(&THREAD);
    let mut hours: BTreeSet<(i64, i64)> = BTreeSet::new();
    let mut threads: BTreeSet<(i64, i64, i64)> = BTreeSet::new();
    let mut ids: BTreeSet<i64> = touched.iter().copied().collect();
    for chunk in touched.chunks(500) {
        let list = crate::query::id_list(chunk);
        let mut st = tx.prepare(&format!(
            "SELECT person_id, repo_id, kind, at, number FROM contributions WHERE id IN ({list})"
        ))?;
        let rows = st.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, Option<i64>>(4)?,
            ))
        })?;
        for row in rows {
            let (person, repo, kind, at, number) = row?;
            let Some(kind) = Kind::from_code(kind) else {
                continue;
            };
            if HOURLY.contains(&kind) {
                hours.insert((person, at.div_euclid(3600)));
            }
            if let (true, Some(n)) = (THREAD.contains(&kind), number) {
                threads.insert((person, repo, n));
            }
        }
    }
    {
        let mut st = tx.prepare_cached(&format!(
            "SELECT id FROM contributions WHERE person_id = ?1 AND at >= ?2 AND at < ?3 AND kind IN ({hourly})"
        ))?;
        for &(person, hour) in &hours {
            let rows = st.query_map(params![person, hour * 3600, hour * 3600 + 3600], |r| {
                r.get::<_, i64>(0)
            })?;
            for id in rows {
                ids.insert(id?);
            }
        }
        let mut st = tx.prepare_cached(&format!(
            "SELECT id FROM contributions INDEXED BY contributions_thread
             WHERE repo_id = ?1 AND number = ?2 AND person_id = ?3 AND kind IN ({thread})"
        ))?;
        for &(person, repo, n) in &threads {
            let rows = st.query_map(params![repo, n, person], |r| r.get::<_, i64>(0))?;
            for id in rows {
                ids.insert(id?);
            }
        }
    }
    // Grades of every row in play.
    let mut graded: Vec<Graded> = Vec::with_capacity(ids.len());
    {
        let mut row_st = tx.prepare_cached(
            "SELECT person_id, repo_id, kind, at, number, title, body, additions, deletions, weight, why
             FROM contributions WHERE id = ?1",
        )?;
        let mut paths_st = tx.prepare_cached(
            "SELECT path, added, deleted FROM contribution_paths INDEXED BY contribution_paths_contribution
             WHERE contribution_id = ?1",
        )?;
        for &id in &ids {
            type Row = (
                i64,
                i64,
                i64,
                i64,
                Option<i64>,
                Option<String>,
                Option<String>,
                Option<i64>,
                Option<i64>,
                f64,
                Option<String>,
            );
            let r: Row = row_st.query_row([id], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                    r.get(8)?,
                    r.get(9)?,
                    r.get(10)?,
                ))
            })?;
            let (person, repo, kind, at, number, title, body, add, del, weight, why) = r;
            let Some(kind) = Kind::from_code(kind) else {
                continue;
            };
            if kind == Kind::PrRevised {
                continue; // weighted by `derive_revised`
            }
            let grade = if is_code(kind) {
                let paths: Vec<(String, Option<i64>)> = paths_st
                    .query_map([id], |r| {
                        let (a, d): (Option<i64>, Option<i64>) = (r.get(1)?, r.get(2)?);
                        let lines = match (a, d) {
                            (None, None) => None,
                            (a, d) => Some(a.unwrap_or(0) + d.unwrap_or(0)),
                        };
                        Ok((r.get::<_, String>(0)?, lines))
                    })?
                    .collect::<rusqlite::Result<_>>()?;
                let files: Vec<FileChange> = paths
                    .iter()
                    .map(|(p, l)| FileChange { path: p, lines: *l })
                    .collect();
                let lines = match (add, del) {
                    (None, None) => None,
                    (a, d) => Some(a.unwrap_or(0) + d.unwrap_or(0)),
                };
                grade::code_change(title.as_deref().unwrap_or(""), &files, lines)
            } else if matches!(
                kind,
                Kind::Review | Kind::ReviewComment | Kind::IssueComment
            ) {
                grade::comment(kind, body.as_deref())
            } else {
                Grade::ONE
            };
            graded.push(Graded {
                id,
                person,
                repo,
                kind,
                at,
                number,
                grade,
                stored: (weight, why),
            });
        }
    }
    // Group totals over grades, then each row's capped weight.
    let mut hour_sum: HashMap<(i64, i64), (f64, i64)> = HashMap::new();
    let mut thread_sum: HashMap<(i64, i64, i64), (f64, i64)> = HashMap::new();
    for g in &graded {
        if HOURLY.contains(&g.kind) {
            let e = hour_sum
                .entry((g.person, g.at.div_euclid(3600)))
                .or_default();
            e.0 += g.grade.weight;
            e.1 += 1;
        }
        if let (true, Some(n)) = (THREAD.contains(&g.kind), g.number) {
            let e = thread_sum.entry((g.person, g.repo, n)).or_default();
            e.0 += g.grade.weight;
            e.1 += 1;
        }
    }
    let mut changed: HashSet<Key> = HashSet::new();
    let mut upd =
        tx.prepare_cached("UPDATE contributions SET weight = ?2, why = ?3 WHERE id = ?1")?;
    for g in graded {
        let mut w = g.grade.clone();
        if let (true, Some(n)) = (THREAD.contains(&g.kind), g.number) {
            let (sum, count) = thread_sum[&(g.person, g.repo, n)];
            w = w.capped(grade::share_of_cap(sum, CAP_PER_THREAD), || {
                format!(
                    "{} on one thread, counted as {CAP_PER_THREAD}",
                    worth(count, sum)
                )
            });
        }
        if HOURLY.contains(&g.kind) {
            let (sum, count) = hour_sum[&(g.person, g.at.div_euclid(3600))];
            w = w.capped(grade::share_of_cap(sum, CAP_PER_HOUR), || {
                format!(
                    "burst: {} in one hour, counted as {CAP_PER_HOUR}",
                    worth(count, sum)
                )
            });
        }
        if (w.weight - g.stored.0).abs() > 1e-12 || w.why != g.stored.1 {
            upd.execute(params![g.id, w.weight, w.why])?;
            changed.insert((g.repo, g.kind.code(), time::day_of(g.at), g.person));
        }
    }
    Ok(changed)
}

/// "12", or "8 worth 16" when the rows' grades sum to more or less than their count.
fn worth(count: i64, sum: f64) -> String {
    if (sum - count as f64).abs() < 1e-9 {
        count.to_string()
    } else {
        format!("{count} worth {}", (sum * 100.0).round() / 100.0)
    }
}

/// Recomputes the rollup's `w` for `keys` from the rows.
pub(crate) fn refresh_w<'k>(
    tx: &Connection,
    keys: impl IntoIterator<Item = &'k Key>,
) -> rusqlite::Result<()> {
    let mut st = tx.prepare_cached(
        "UPDATE rollup SET w = (SELECT total(weight) FROM contributions
            WHERE person_id = ?4 AND at >= ?3 * 86400 AND at < ?3 * 86400 + 86400 AND repo_id = ?1 AND kind = ?2)
         WHERE repo_id = ?1 AND kind = ?2 AND day = ?3 AND person_id = ?4",
    )?;
    for &(repo, kind, day, person) in keys {
        st.execute(params![repo, kind, day, person])?;
    }
    Ok(())
}

/// Step 3: flags accounts among `people` whose activity is not a person's, and clears the flag
/// when it no longer holds.
///
/// `new_push_days`: the days a batch added pushes on, per person. An account not flagged had
/// no busy enough hour before the batch, so only those days can hold one now: they are all
/// that is read for it (every day with enough pushes was read, per touched account and per
/// file, and a prolific account is touched by every file: at 10M contributions this step was
/// half of an hour's load, growing with the store). `None`: every day (work moved between
/// people, a flag to re-check).
pub(crate) fn flag_behaviour(
    tx: &Connection,
    people: &BTreeSet<i64>,
    new_push_days: Option<&PushDays>,
) -> rusqlite::Result<()> {
    // From the rollup (the person's cells, an index read): the days with enough pushes for a
    // burst. Only those days' pushes, and only an account without code work, are read row by
    // row.
    let mut push_days = tx.prepare_cached(&format!(
        "SELECT day FROM rollup INDEXED BY rollup_person WHERE person_id = ?1 AND kind = 7
         GROUP BY day HAVING sum(n) >= {PUSH_BURST} ORDER BY day"
    ))?;
    let mut pushes = tx.prepare_cached(
        "SELECT at / 3600, count(*) FROM contributions WHERE person_id = ?1 AND kind = 7
           AND at >= ?2 * 86400 AND at < ?2 * 86400 + 86400
         GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1",
    )?;
    // whether the account opened PRs and has code work: seeks in `contributions_person_kind`
    // that stop at the first row, not a sum over its history (not named: migration
    // `0011_weights` runs this before `0020` makes that index)
    let has = |kinds: &str| {
        tx.prepare_cached(&format!(
            "SELECT EXISTS (SELECT 1 FROM contributions WHERE person_id = ?1 AND kind IN ({kinds}))"
        ))
    };
    let mut opened = has("0")?;
    let mut code = has("3, 4, 10, 11, 12")?;
    let mut prs = tx.prepare_cached(
        "SELECT count(*), coalesce(sum(lower(c.title) LIKE '%badge%'), 0),
                coalesce(sum(lower(r.name) NOT LIKE lower(p.login) || '/%'), 0)
         FROM contributions c JOIN repos r ON r.id = c.repo_id JOIN people p ON p.id = c.person_id
         WHERE c.person_id = ?1 AND c.kind = 0",
    )?;
    let mut get = tx.prepare_cached("SELECT login, behaviour FROM people WHERE id = ?1")?;
    let mut set = tx.prepare_cached("UPDATE people SET behaviour = ?2 WHERE id = ?1")?;
    let mut flags: BTreeMap<i64, Option<String>> = BTreeMap::new();
    for &p in people {
        let Some((login, old)) = get
            .query_row([p], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?))
            })
            .optional()?
        else {
            continue;
        };
        if login.contains(':') {
            continue; // git, Hugging Face, Kaggle, arXiv accounts: other rules
        }
        let mut why: Option<String> = None;
        // the busiest hour (the earliest of equals) among the days that could hold a burst
        let mut busiest: Option<(i64, i64)> = None;
        let days: Vec<i64> = match new_push_days {
            Some(new) if old.is_none() => new
                .get(&p)
                .map(|d| d.iter().copied().collect())
                .unwrap_or_default(),
            _ => push_days
                .query_map([p], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?,
        };
        for day in days {
            if let Some((hour, n)) = pushes
                .query_row(params![p, day], |r| {
                    Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?))
                })
                .optional()?
            {
                if busiest.is_none_or(|b| n > b.1) {
                    busiest = Some((hour, n));
                }
            }
        }
        if let Some((hour, n)) = busiest {
            if n >= PUSH_BURST {
                why = Some(format!(
                    "{n} pushes in one hour (from {}): automation",
                    time::iso_string(hour * 3600)
                ));
            }
        }
        if why.is_none()
            && !code.query_row([p], |r| r.get::<_, bool>(0))?
            && opened.query_row([p], |r| r.get::<_, bool>(0))?
        {
            let (n, badges, others): (i64, i64, i64) =
                prs.query_row([p], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
            if n > 0 && badges == n && others == n {
                why = Some(format!(
                    "opens only badge-adding PRs in other people's repositories ({n})"
                ));
            }
        }
        if why != old {
            flags.insert(p, why);
        }
    }
    for (p, why) in flags {
        set.execute(params![p, why])?;
    }
    Ok(())
}

/// The people credited with `ids`.
pub(crate) fn people_of(tx: &Connection, ids: &[i64]) -> rusqlite::Result<BTreeSet<i64>> {
    let mut out = BTreeSet::new();
    for chunk in ids.chunks(500) {
        let list = crate::query::id_list(chunk);
        let mut st = tx.prepare(&format!(
            "SELECT DISTINCT person_id FROM contributions WHERE id IN ({list})"
        ))?;
        for p in st.query_map([], |r| r.get::<_, i64>(0))? {
            out.insert(p?);
        }
    }
    Ok(out)
}

/// Per person, the days with pushes.
pub(crate) type PushDays = BTreeMap<i64, BTreeSet<i64>>;

/// [`people_of`], and the days each of them has pushes on among `ids` (as they are credited
/// now, after the batch's merges): what [`flag_behaviour`] reads of an unflagged account.
pub(crate) fn people_and_push_days(
    tx: &Connection,
    ids: &[i64],
) -> rusqlite::Result<(BTreeSet<i64>, PushDays)> {
    let mut people = BTreeSet::new();
    let mut days: BTreeMap<i64, BTreeSet<i64>> = BTreeMap::new();
    for chunk in ids.chunks(500) {
        let list = crate::query::id_list(chunk);
        let mut st = tx.prepare(&format!(
            "SELECT person_id, CASE WHEN kind = 7 THEN at / 86400 END FROM contributions WHERE id IN ({list})"
        ))?;
        for row in st.query_map([], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, Option<i64>>(1)?))
        })? {
            let (p, day) = row?;
            people.insert(p);
            if let Some(d) = day {
                days.entry(p).or_default().insert(d);
            }
        }
    }
    Ok((people, days))
}

/// Every step for a whole store: run once by migration `0011_weights` (stores written before
/// weights existed), and by tests that check the batch path keeps what this computes.
pub(crate) fn regrade_all(tx: &Connection) -> rusqlite::Result<()> {
    let ids: Vec<i64> = tx
        .prepare("SELECT id FROM contributions ORDER BY id")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let names: HashMap<i64, String> = tx
        .prepare("SELECT id, name FROM repos")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut rollup: HashMap<Key, i64> = HashMap::new();
    let mut touched = ids.clone();
    touched.extend(derive_revised(
        tx,
        &ids,
        &|r| names.get(&r).cloned(),
        &mut rollup,
    )?);
    let mut keys = regrade(tx, &touched)?;
    {
        let mut ru = tx.prepare_cached(
            "INSERT INTO rollup(repo_id, kind, day, person_id, n) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT DO UPDATE SET n = n + ?5",
        )?;
        for (k, n) in &rollup {
            ru.execute(params![k.0, k.1, k.2, k.3, n])?;
            keys.insert(*k);
        }
    }
    refresh_w(tx, &keys)?;
    flag_behaviour(tx, &people_of(tx, &touched)?, None)?;
    Ok(())
}
