//! Moving an account's work between people: the one operation every link, unlink and split
//! comes down to. An account's contributions are the rows it is credited with as a person
//! (`person_id` = the account, no `account_id`) or as a member (`account_id` = the account);
//! moving them updates the rollup, the changed files per path class (`path_rollup`),
//! `repo_people` and the repositories' breadth with them, so derived tables never drift from the
//! rows.

use crate::batch::counts_for_breadth;
use builtby_model::{time, Kind};
use rusqlite::{params, OptionalExtension, Transaction};
use std::collections::HashMap;

/// Makes `account` a member of `to` (its work counts for `to`), or a person of its own with
/// `None`. Members of `account` follow it when it joins someone (one level: a person's
/// accounts all point at the person). Returns true when anything changed.
pub(crate) fn set_member(
    tx: &Transaction,
    account: i64,
    to: Option<i64>,
) -> rusqlite::Result<bool> {
    let Some(current) = tx
        .prepare_cached("SELECT member_of FROM people WHERE id = ?1")?
        .query_row([account], |r| r.get::<_, Option<i64>>(0))
        .optional()?
    else {
        return Ok(false);
    };
    // The person `to` is, if it is itself a member of someone.
    let target = match to {
        Some(t) if t != account => tx
            .prepare_cached("SELECT coalesce(member_of, id) FROM people WHERE id = ?1")?
            .query_row([t], |r| r.get::<_, i64>(0))
            .optional()?
            .unwrap_or(t),
        _ => account,
    };
    let new_member_of = (target != account).then_some(target);
    let moved = move_rows(tx, account, target)?;
    if current != new_member_of {
        tx.prepare_cached("UPDATE people SET member_of = ?2 WHERE id = ?1")?
            .execute(params![account, new_member_of])?;
        // an account joining an opted-out person is suppressed with them, and a person an
        // opted-out account joins is suppressed (one human, one decision)
        crate::optout::settle_person(tx, target, builtby_model::time::now())?;
        if let Some(old) = current {
            crate::optout::settle_person(tx, old, builtby_model::time::now())?;
        }
    }
    if new_member_of.is_some() {
        let members: Vec<i64> = tx
            .prepare_cached("SELECT id FROM people WHERE member_of = ?1")?
            .query_map([account], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for m in members {
            set_member(tx, m, Some(target))?;
        }
    }
    Ok(moved > 0 || current != new_member_of)
}

/// Credits every contribution of `account` to `target`; returns how many moved.
fn move_rows(tx: &Transaction, account: i64, target: i64) -> rusqlite::Result<usize> {
    // (id, person, repo, kind, at) of the account's rows not yet credited to target
    let mut rows: Vec<(i64, i64, i64, i64, i64)> = Vec::new();
    for sql in [
        "SELECT id, person_id, repo_id, kind, at FROM contributions INDEXED BY contributions_account WHERE account_id = ?1 AND person_id <> ?2",
        "SELECT id, person_id, repo_id, kind, at FROM contributions WHERE person_id = ?1 AND account_id IS NULL AND ?1 <> ?2",
    ] {
        let mut st = tx.prepare_cached(sql)?;
        let found = st.query_map(params![account, target], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })?;
        for row in found {
            rows.push(row?);
        }
    }
    if rows.is_empty() {
        return Ok(0);
    }
    let account_col = (target != account).then_some(account);
    let mut upd = tx
        .prepare_cached("UPDATE contributions SET person_id = ?2, account_id = ?3 WHERE id = ?1")?;
    let mut delta: HashMap<(i64, i64, i64, i64), i64> = HashMap::new();
    let mut paths = crate::path_rollup::Delta::new();
    for &(id, person, repo, kind, at) in &rows {
        upd.execute(params![id, target, account_col])?;
        let day = time::day_of(at);
        *delta.entry((repo, kind, day, person)).or_default() -= 1;
        *delta.entry((repo, kind, day, target)).or_default() += 1;
        crate::path_rollup::moved(tx, id, person, target, &mut paths)?;
    }
    crate::path_rollup::apply(tx, &paths)?;
    let mut ru = tx.prepare_cached(
        "INSERT INTO rollup(repo_id, kind, day, person_id, n) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT DO UPDATE SET n = n + ?5",
    )?;
    let mut drop_empty = tx.prepare_cached(
        "DELETE FROM rollup WHERE repo_id = ?1 AND kind = ?2 AND day = ?3 AND person_id = ?4 AND n <= 0",
    )?;
    for (&(repo, kind, day, person), &n) in &delta {
        if n != 0 {
            ru.execute(params![repo, kind, day, person, n])?;
            if n < 0 {
                drop_empty.execute(params![repo, kind, day, person])?;
            }
        }
    }
    // the weights move with the rows
    crate::batch::weights::refresh_w(tx, delta.keys())?;
    // Breadth: who has work that counts for it in each repository.
    let mut pairs: Vec<(i64, i64, bool)> = delta
        .iter()
        .filter(|((_, kind, _, _), _)| Kind::from_code(*kind).is_some_and(counts_for_breadth))
        .map(|(&(repo, _, _, person), &n)| (repo, person, n > 0))
        .collect();
    pairs.sort_unstable();
    pairs.dedup();
    let breadth_codes: Vec<String> = Kind::ALL
        .iter()
        .filter(|k| counts_for_breadth(**k))
        .map(|k| k.code().to_string())
        .collect();
    let still_there = format!(
        "SELECT 1 FROM rollup WHERE person_id = ?1 AND repo_id = ?2 AND kind IN ({}) LIMIT 1",
        breadth_codes.join(",")
    );
    for (repo, person, gained) in pairs {
        if gained {
            let added = tx
                .prepare_cached(
                    "INSERT OR IGNORE INTO repo_people(repo_id, person_id) VALUES (?1, ?2)",
                )?
                .execute(params![repo, person])?;
            if added == 1 {
                tx.prepare_cached(
                    "UPDATE repos SET contributors = contributors + 1 WHERE id = ?1",
                )?
                .execute([repo])?;
            }
        } else {
            let has = tx
                .prepare_cached(&still_there)?
                .query_row(params![person, repo], |_| Ok(()))
                .optional()?
                .is_some();
            if !has {
                let removed = tx
                    .prepare_cached(
                        "DELETE FROM repo_people WHERE repo_id = ?1 AND person_id = ?2",
                    )?
                    .execute(params![repo, person])?;
                if removed == 1 {
                    tx.prepare_cached(
                        "UPDATE repos SET contributors = contributors - 1 WHERE id = ?1",
                    )?
                    .execute([repo])?;
                }
            }
        }
    }
    Ok(rows.len())
}
