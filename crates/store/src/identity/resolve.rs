//! From evidence to links: votes become an automatic link only above thresholds measured on
//! the shared histories (`builtby bench identity`), everything weaker is a suggestion, and a
//! person's decision (confirmed, rejected, locked) always wins over builtby's.

use super::{apply, log_change, Method, State, AUTO_BY};
use rusqlite::{params, OptionalExtension, Transaction};

/// The thresholds of automatic links, chosen from `builtby bench identity` on the six shared
/// git histories and the shared GH Archive hours. On the labelled set (1,564 identities with a
/// noreply address, bots left out, proof hidden; 161 of them with votes), one vote links 161
/// with 1 wrong (99.4 %: a branch pushed from an employer's fork); two votes and 80 % link 35,
/// all right; three votes link 18, all right. Two votes keep precision at 100 % with about
/// twice the recall of three; an identity with one vote is shown with its "likely @login"
/// suggestion.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rules {
    /// Votes for one login an identity needs before it is linked automatically.
    pub min_votes: u32,
    /// The share of the identity's votes that login must have.
    pub min_share: f64,
    /// A login voted for by this many distinct identities is an organisation's (branches
    /// pushed to `google:` by hundreds of people): its votes say nothing about who.
    pub org_accounts: u32,
    /// An identity whose votes spread over this many logins, none with half of them, is an
    /// import or merge identity, not a person.
    pub pseudo_logins: usize,
}

pub const RULES: Rules = Rules {
    min_votes: 2,
    min_share: 0.8,
    org_accounts: 10,
    pseudo_logins: 10,
};

/// What an identity's votes say.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    Link { login: String, votes: u32, of: u32 },
    Suggest { login: String, votes: u32, of: u32 },
    NotPerson { logins: usize },
    Nothing,
}

/// Decides from `(login, votes)` pairs (organisations' and rejected logins already out).
pub fn decide(votes: &[(String, u32)], rules: &Rules) -> Verdict {
    let of: u32 = votes.iter().map(|v| v.1).sum();
    let Some((login, n)) = votes
        .iter()
        .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(&a.0)))
        .cloned()
    else {
        return Verdict::Nothing;
    };
    let share = n as f64 / of as f64;
    if votes.len() >= rules.pseudo_logins && share < 0.5 {
        return Verdict::NotPerson {
            logins: votes.len(),
        };
    }
    if n >= rules.min_votes && share >= rules.min_share {
        Verdict::Link {
            login,
            votes: n,
            of,
        }
    } else {
        Verdict::Suggest {
            login,
            votes: n,
            of,
        }
    }
}

/// One login's votes: (login, votes, method of the first, up to ten pieces of evidence).
pub(crate) type LoginVotes = (String, u32, Method, Vec<String>);

/// The votes of one account, by login, without organisations' logins and rejected ones, with
/// the methods and a few pieces of evidence for each.
pub(crate) fn votes_of(
    tx: &rusqlite::Connection,
    account: &str,
    rules: &Rules,
) -> rusqlite::Result<Vec<LoginVotes>> {
    let rejected: Vec<String> = tx
        .prepare_cached(
            "SELECT person FROM identity_links WHERE account = ?1 AND state = 'rejected'",
        )?
        .query_map([account], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut st = tx.prepare_cached(
        "SELECT login, method, evidence FROM identity_votes WHERE account = ?1 ORDER BY login, evidence",
    )?;
    let rows = st.query_map([account], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
        ))
    })?;
    let mut out: Vec<LoginVotes> = Vec::new();
    for row in rows {
        let (login, method, evidence) = row?;
        if rejected.iter().any(|r| r.eq_ignore_ascii_case(&login)) {
            continue;
        }
        let method = Method::parse(&method).unwrap_or(Method::MergeBranch);
        match out.last_mut() {
            Some(last) if last.0.eq_ignore_ascii_case(&login) => {
                last.1 += 1;
                if last.3.len() < 10 {
                    last.3.push(evidence);
                }
            }
            _ => out.push((login, 1, method, vec![evidence])),
        }
    }
    let mut org = tx.prepare_cached(
        "SELECT count(DISTINCT account) FROM identity_votes INDEXED BY identity_votes_login WHERE login = ?1",
    )?;
    let mut kept = Vec::with_capacity(out.len());
    for v in out {
        let accounts: u32 = org.query_row([&v.0], |r| r.get(0))?;
        if accounts < rules.org_accounts {
            kept.push(v);
        }
    }
    Ok(kept)
}

/// The person row a GitHub login names (current login first, then a former one), created as
/// a login-only account when the store has never seen it (a branch owner in a merge message).
/// `None` for a login on the suppression list the store does not have: nothing is linked to
/// an opted-out login, and no row is made for one.
pub(crate) fn person_for_login(
    tx: &Transaction,
    login: &str,
    at: i64,
) -> rusqlite::Result<Option<i64>> {
    let found: Option<i64> = tx
        .prepare_cached(
            "SELECT coalesce(member_of, id) FROM people INDEXED BY people_login WHERE login = ?1 COLLATE NOCASE
             ORDER BY github_id IS NULL, last_seen DESC LIMIT 1",
        )?
        .query_row([login], |r| r.get(0))
        .optional()?;
    if let Some(id) = found {
        return Ok(Some(id));
    }
    let former: Option<i64> = tx
        .prepare_cached(
            "SELECT coalesce(p.member_of, p.id) FROM logins l JOIN people p ON p.id = l.person_id
             WHERE l.login = ?1 ORDER BY l.last_seen DESC LIMIT 1",
        )?
        .query_row([login], |r| r.get(0))
        .optional()?;
    if let Some(id) = former {
        return Ok(Some(id));
    }
    if crate::optout::covered(tx, &crate::optout::stored_canonical(login))? {
        return Ok(None);
    }
    tx.prepare_cached("INSERT INTO people(id, login, last_seen) VALUES ((SELECT coalesce(max(id), 0) + 1 FROM people), ?1, ?2)")?
        .execute(params![login, at])?;
    Ok(Some(tx.last_insert_rowid()))
}

/// The key a person is named by in links and locks: its GitHub login, else its account key.
pub(crate) fn person_key(tx: &Transaction, person: i64) -> rusqlite::Result<String> {
    tx.prepare_cached("SELECT login FROM people WHERE id = ?1")?
        .query_row([person], |r| r.get(0))
}

pub(crate) fn locked(tx: &Transaction, key: &str) -> rusqlite::Result<bool> {
    Ok(tx
        .prepare_cached("SELECT 1 FROM identity_locks WHERE person = ?1")?
        .query_row([key], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Re-decides one account from its evidence and the decisions about it. Returns true when
/// its person changed.
pub(crate) fn resolve_account(
    tx: &Transaction,
    account: &str,
    rules: &Rules,
    now: i64,
) -> rusqlite::Result<bool> {
    let Some((id, member_of, name, last_seen, not_person)) = tx
        .prepare_cached(
            "SELECT id, member_of, name, last_seen, not_person FROM people INDEXED BY people_login WHERE login = ?1 COLLATE NOCASE",
        )?
        .query_row([account], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Option<i64>>(1)?, r.get::<_, Option<String>>(2)?, r.get::<_, i64>(3)?, r.get::<_, Option<String>>(4)?)))
        .optional()?
    else {
        return Ok(false);
    };
    let links: Vec<(String, State)> = tx
        .prepare_cached("SELECT person, state FROM identity_links WHERE account = ?1")?
        .query_map([account], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?
        .filter_map(|r| r.map(|(p, s)| State::parse(&s).map(|s| (p, s))).transpose())
        .collect::<rusqlite::Result<_>>()?;
    let current_key = match member_of {
        Some(p) => Some(person_key(tx, p)?),
        None => None,
    };
    // A person's decision first: a confirmed link is applied whatever the evidence.
    if let Some((p, _)) = links.iter().find(|l| l.1 == State::Confirmed) {
        let Some(target) = person_for_login(tx, p, last_seen)? else {
            return Ok(false);
        };
        let changed = apply::set_member(tx, id, Some(target))?;
        if changed {
            log_change(
                tx,
                now,
                AUTO_BY,
                "apply-decision",
                account,
                current_key.as_deref(),
                Some(p),
                "a confirmed link, applied again to re-ingested work",
            )?;
        }
        return Ok(changed);
    }
    // A locked person keeps its accounts, and a locked account stays where it is.
    if locked(tx, account)?
        || current_key
            .as_deref()
            .map(|k| locked(tx, k))
            .transpose()?
            .unwrap_or(false)
    {
        return Ok(false);
    }
    let rejected = |login: &str| {
        links
            .iter()
            .any(|(p, s)| *s == State::Rejected && p.eq_ignore_ascii_case(login))
    };
    if let Some((p, _)) = links
        .iter()
        .find(|(p, s)| *s == State::Proven && !rejected(p))
    {
        let Some(target) = person_for_login(tx, p, last_seen)? else {
            return Ok(false);
        };
        if locked(tx, &person_key(tx, target)?)? {
            return Ok(false);
        }
        let changed = apply::set_member(tx, id, Some(target))?;
        if changed {
            log_change(
                tx,
                now,
                AUTO_BY,
                "proven-link",
                account,
                current_key.as_deref(),
                Some(p),
                "proven (see the link's evidence)",
            )?;
        }
        return Ok(changed);
    }
    if not_person.is_some() {
        // an import identity or an AI co-author is nobody's account
        return Ok(false);
    }
    let votes = votes_of(tx, account, rules)?;
    let pairs: Vec<(String, u32)> = votes.iter().map(|v| (v.0.clone(), v.1)).collect();
    let verdict = decide(&pairs, rules);
    tx.prepare_cached(
        "DELETE FROM identity_links WHERE account = ?1 AND state IN ('auto', 'suggested') AND method IN ('merge_branch', 'squash_pr', 'signed_off', 'same_name', 'name_is_login')",
    )?
    .execute([account])?;
    let evidence_of = |login: &str| {
        let v = votes.iter().find(|v| v.0 == login).expect("a voted login");
        (v.2, serde_json::to_string(&v.3).expect("strings serialise"))
    };
    let was_auto = current_key.is_some();
    let mut changed = false;
    match &verdict {
        Verdict::Link {
            login,
            votes: n,
            of,
        } => {
            let Some(target) = person_for_login(tx, login, last_seen)? else {
                return Ok(false);
            };
            let (method, evidence) = evidence_of(login);
            let share = *n as f64 / *of as f64;
            let state = if locked(tx, &person_key(tx, target)?)? {
                State::Suggested
            } else {
                State::Auto
            };
            write_link(tx, account, login, method, &evidence, share, state, now)?;
            if state == State::Auto && apply::set_member(tx, id, Some(target))? {
                log_change(
                    tx,
                    now,
                    AUTO_BY,
                    "auto-link",
                    account,
                    current_key.as_deref(),
                    Some(login),
                    &format!("{n} of {of} votes ({})", method.as_str()),
                )?;
                changed = true;
            }
        }
        Verdict::Suggest {
            login,
            votes: n,
            of,
        } => {
            let (method, evidence) = evidence_of(login);
            let conf =
                0.9 * (*n as f64 / *of as f64) * (*n as f64 / rules.min_votes as f64).min(1.0);
            write_link(
                tx,
                account,
                login,
                method,
                &evidence,
                conf,
                State::Suggested,
                now,
            )?;
        }
        Verdict::NotPerson { logins } => {
            tx.prepare_cached("UPDATE people SET not_person = ?2 WHERE id = ?1 AND not_person IS NULL")?
                .execute(params![
                    id,
                    format!("authors the work of {logins} different GitHub accounts (an import or merge identity)")
                ])?;
        }
        Verdict::Nothing => {}
    }
    if was_auto && !matches!(verdict, Verdict::Link { .. }) && apply::set_member(tx, id, None)? {
        log_change(
            tx,
            now,
            AUTO_BY,
            "auto-unlink",
            account,
            current_key.as_deref(),
            None,
            "the evidence no longer holds",
        )?;
        changed = true;
    }
    if !matches!(verdict, Verdict::Link { .. }) {
        if let Some(name) = name {
            name_suggestions(tx, id, account, &name, &links, now)?;
        }
    }
    Ok(changed)
}

/// Suggestions from names: never applied (a name alone never joins two people).
fn name_suggestions(
    tx: &Transaction,
    id: i64,
    account: &str,
    name: &str,
    links: &[(String, State)],
    now: i64,
) -> rusqlite::Result<()> {
    let name = name.trim();
    if name.chars().count() < 4 {
        return Ok(());
    }
    let rejected = |login: &str| {
        links
            .iter()
            .any(|(p, s)| *s == State::Rejected && p.eq_ignore_ascii_case(login))
    };
    let squashed: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    if squashed.len() >= 4 {
        let hit: Option<String> = tx
            .prepare_cached(
                "SELECT login FROM people INDEXED BY people_login WHERE login = ?1 COLLATE NOCASE AND member_of IS NULL LIMIT 1",
            )?
            .query_row([&squashed], |r| r.get(0))
            .optional()?;
        if let Some(login) = hit.filter(|l| !rejected(l)) {
            write_link(
                tx,
                account,
                &login,
                Method::NameIsLogin,
                &serde_json::to_string(&[name]).expect("serialises"),
                0.5,
                State::Suggested,
                now,
            )?;
        }
    }
    // The same name on another account whose person has a GitHub login (a profile, or a git
    // identity proven to be that login). Never a person known only by an account of another
    // namespace (`arxiv:`, `hf:`, `kaggle:`): an arXiv author is a name, and a name alone
    // suggests nothing about them.
    let mut st = tx.prepare_cached(
        "SELECT DISTINCT q.login FROM people p INDEXED BY people_name JOIN people q ON q.id = coalesce(p.member_of, p.id)
         WHERE p.name = ?1 COLLATE NOCASE AND p.id <> ?2 AND q.login NOT LIKE '%:%' AND q.id <> ?2 LIMIT 3",
    )?;
    let logins: Vec<String> = st
        .query_map(params![name, id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for login in logins.iter().filter(|l| !rejected(l)) {
        write_link(
            tx,
            account,
            login,
            Method::SameName,
            &serde_json::to_string(&[name]).expect("serialises"),
            0.4,
            State::Suggested,
            now,
        )?;
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn write_link(
    tx: &Transaction,
    account: &str,
    person: &str,
    method: Method,
    evidence: &str,
    confidence: f64,
    state: State,
    now: i64,
) -> rusqlite::Result<()> {
    tx.prepare_cached(
        "INSERT INTO identity_links(account, person, method, evidence, confidence, state, at, by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT DO UPDATE SET method = ?3, evidence = ?4, confidence = ?5, state = ?6, at = ?7, by = ?8
         WHERE identity_links.state NOT IN ('confirmed', 'rejected')",
    )?
    .execute(params![account, person, method.as_str(), evidence, confidence, state.as_str(), now, AUTO_BY])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(x: &[(&str, u32)]) -> Vec<(String, u32)> {
        x.iter().map(|(l, n)| (l.to_string(), *n)).collect()
    }

    #[test]
    fn links_need_enough_votes_and_a_clear_majority() {
        assert_eq!(
            decide(&v(&[("jakevdp", 40), ("someone", 2)]), &RULES),
            Verdict::Link {
                login: "jakevdp".into(),
                votes: 40,
                of: 42
            }
        );
        assert_eq!(
            decide(&v(&[("ana", 1)]), &RULES),
            Verdict::Suggest {
                login: "ana".into(),
                votes: 1,
                of: 1
            }
        );
        assert_eq!(
            decide(&v(&[("ana", 2)]), &RULES),
            Verdict::Link {
                login: "ana".into(),
                votes: 2,
                of: 2
            }
        );
        assert_eq!(
            decide(&v(&[("ana", 3), ("bo", 2)]), &RULES),
            Verdict::Suggest {
                login: "ana".into(),
                votes: 3,
                of: 5
            }
        );
        assert_eq!(decide(&[], &RULES), Verdict::Nothing);
    }

    #[test]
    fn an_identity_voting_for_many_accounts_is_not_a_person() {
        let many: Vec<(String, u32)> = (0..12).map(|i| (format!("u{i}"), 2)).collect();
        assert_eq!(decide(&many, &RULES), Verdict::NotPerson { logins: 12 });
    }
}
