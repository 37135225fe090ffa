//! `builtby identity …` (show, suggest, link, unlink, split, lock, unlock, reject, log,
//! resolve) and `builtby bench identity`.

use super::Env;
use crate::cli::{BenchIdentityArgs, Decision, IdentityVerb};
use anyhow::Result;
use builtby_model::time;
use builtby_search::{display_name, Query};
use builtby_store::identity::{Rules, RULES};
use std::collections::HashSet;
use std::io::Write;
use std::process::ExitCode;

fn by(d: &Decision) -> String {
    d.by.clone()
        .or_else(|| std::env::var("USER").ok())
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| "someone".into())
}

fn shown(key: &str, name: Option<&str>) -> String {
    if key.starts_with("git:") {
        format!("{} [{key}]", display_name(key, name))
    } else {
        key.to_string()
    }
}

pub fn run(env: &Env, v: IdentityVerb) -> Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    match v {
        IdentityVerb::Show(a) => {
            let store = env.reader()?;
            let found = store.identity(&a.person)?;
            env.audit(
                "identity.show",
                serde_json::json!({"person": store.person_ref(&a.person)?}),
                found.is_some() as u64,
            )?;
            let Some(p) = found else {
                eprintln!(
                    "error: no account or person `{}` in the store (a GitHub login, or `git:<key>` from `builtby identity suggest` or the search's JSON)",
                    a.person
                );
                return Ok(ExitCode::from(1));
            };
            if a.json {
                serde_json::to_writer_pretty(&mut out, &p)?;
                writeln!(out)?;
                return Ok(ExitCode::SUCCESS);
            }
            writeln!(
                out,
                "{}{}{}",
                shown(&p.person, p.name.as_deref()),
                p.name
                    .as_deref()
                    .filter(|_| !p.person.starts_with("git:"))
                    .map(|n| format!(" ({n})"))
                    .unwrap_or_default(),
                if p.locked { "  [locked]" } else { "" }
            )?;
            for acc in &p.accounts {
                writeln!(
                    out,
                    "  account {}: {} contributions{}",
                    shown(&acc.key, acc.name.as_deref()),
                    acc.contributions,
                    acc.not_person
                        .as_deref()
                        .map(|w| format!(", not a person: {w}"))
                        .unwrap_or_default()
                )?;
                for l in &acc.links {
                    writeln!(
                        out,
                        "    {:<9} → {}  {} ({}), confidence {:.2}, {} by {}{}",
                        l.state.as_str(),
                        l.person,
                        l.method.as_str(),
                        l.why,
                        l.confidence,
                        &l.at[..10.min(l.at.len())],
                        l.by,
                        if l.evidence.is_empty() {
                            String::new()
                        } else {
                            format!(
                                "\n              evidence: {}",
                                l.evidence
                                    .iter()
                                    .take(5)
                                    .cloned()
                                    .collect::<Vec<_>>()
                                    .join(" ")
                            )
                        }
                    )?;
                }
            }
        }
        IdentityVerb::Suggest(a) => {
            let store = env.reader()?;
            let s = store.identity_suggestions(a.repo.as_deref(), a.limit)?;
            if a.json {
                serde_json::to_writer_pretty(&mut out, &s)?;
                writeln!(out)?;
                return Ok(ExitCode::SUCCESS);
            }
            if s.is_empty() {
                writeln!(out, "no pending suggestions")?;
            }
            for x in &s {
                writeln!(
                    out,
                    "{:.2}  {} likely @{}  ({}; {} contributions)\n      {}\n      accept: builtby identity link {} {}   refuse: builtby identity reject {} {}",
                    x.confidence,
                    display_name(&x.account, x.name.as_deref()),
                    x.person,
                    x.why,
                    x.contributions,
                    x.evidence.iter().take(3).cloned().collect::<Vec<_>>().join(" "),
                    x.account,
                    x.person,
                    x.account,
                    x.person
                )?;
            }
        }
        IdentityVerb::Link(a) => {
            let mut store = env.store()?;
            store.identity_link(&a.account, &a.person, &by(&a.decision), &a.decision.why)?;
            say(env, &format!("linked {} to {}", a.account, a.person));
        }
        IdentityVerb::Unlink(a) => {
            let mut store = env.store()?;
            store.identity_unlink(&a.account, &by(&a.decision), &a.decision.why)?;
            say(
                env,
                &format!(
                    "{} stands alone now (never linked back automatically)",
                    a.account
                ),
            );
        }
        IdentityVerb::Split(a) => {
            let mut store = env.store()?;
            let n = store.identity_split(&a.person, &by(&a.decision), &a.decision.why)?;
            say(
                env,
                &format!("split {}: {n} accounts stand alone now", a.person),
            );
        }
        IdentityVerb::Lock(a) => {
            let mut store = env.store()?;
            store.identity_lock(&a.person, true, &by(&a.decision), &a.decision.why)?;
            say(env, &format!("locked {}", a.person));
        }
        IdentityVerb::Unlock(a) => {
            let mut store = env.store()?;
            store.identity_lock(&a.person, false, &by(&a.decision), &a.decision.why)?;
            say(env, &format!("unlocked {}", a.person));
        }
        IdentityVerb::Reject(a) => {
            let mut store = env.store()?;
            store.identity_reject(&a.account, &a.person, &by(&a.decision), &a.decision.why)?;
            say(
                env,
                &format!("{} is not {}: never suggested again", a.account, a.person),
            );
        }
        IdentityVerb::Log(a) => {
            let store = env.reader()?;
            let log = store.identity_log(a.limit)?;
            if a.json {
                serde_json::to_writer_pretty(&mut out, &log)?;
                writeln!(out)?;
                return Ok(ExitCode::SUCCESS);
            }
            for e in &log {
                writeln!(
                    out,
                    "{}  {:<10} {:<14} {}  {} → {}  {}",
                    e.at,
                    e.by,
                    e.action,
                    e.account,
                    e.before.as_deref().unwrap_or("-"),
                    e.after.as_deref().unwrap_or("-"),
                    e.why
                )?;
            }
        }
        IdentityVerb::Resolve(a) => {
            let mut store = env.store()?;
            let s = store.identity_resolve()?;
            if a.json {
                serde_json::to_writer_pretty(&mut out, &s)?;
                writeln!(out)?;
            } else {
                writeln!(
                    out,
                    "{} git identities re-decided, {} changed",
                    s.accounts, s.changed
                )?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn say(env: &Env, m: &str) {
    if !env.quiet {
        eprintln!("{m}");
    }
}

/// `builtby bench identity`: what identity resolution achieves on the current store.
pub fn bench(env: &Env, a: &BenchIdentityArgs) -> Result<ExitCode> {
    let store = env.reader()?;
    let stats = store.identity_stats()?;
    let mut grid = Vec::new();
    for min_votes in [1, 2, 3, 5] {
        for min_share in [0.5, 0.8, 0.95] {
            grid.push(Rules {
                min_votes,
                min_share,
                ..RULES
            });
        }
    }
    let eval = store.identity_eval(&grid)?;
    // Distinct humans in the top 50 of one search: rows, rows with a GitHub login, git rows
    // with a likely login, and the accounts behind them (what "before" showed: one row each).
    let q = Query {
        repos: vec![a.repo.clone()],
        paths: vec![a.path.clone()],
        since: Some(super::when("since", &a.since)?),
        limit: 50,
        evidence: 0,
        as_of: time::now(),
        ..Default::default()
    };
    let res = builtby_search::search(&store, &env.catalog, &env.bots, &q)?;
    let github =
        |r: &&builtby_search::SearchResult| builtby_model::Identity::parse(&r.login).is_github();
    let rows = res.results.len();
    let with_login = res.results.iter().filter(github).count();
    let with_likely = res
        .results
        .iter()
        .filter(|r| !github(r) && r.likely.is_some())
        .count();
    let mut names = HashSet::new();
    let dup_names = res
        .results
        .iter()
        .filter_map(|r| r.name.as_deref())
        .filter(|n| !names.insert(n.to_lowercase()))
        .count();
    let mut accounts = 0usize;
    for r in &res.results {
        accounts += store.identity(&r.login)?.map_or(1, |p| p.accounts.len());
    }
    let top10_ok = res
        .results
        .iter()
        .take(10)
        .filter(|r| github(r) || r.likely.is_some())
        .count();
    if a.json {
        let j = serde_json::json!({
            "identities": stats,
            "eval": eval,
            "search": {"repo": a.repo, "path": a.path, "since": a.since, "rows": rows,
                       "with_login": with_login, "git_with_likely_login": with_likely,
                       "top10_actionable": top10_ok, "duplicate_names": dup_names,
                       "accounts_behind_rows": accounts}
        });
        println!("{}", serde_json::to_string_pretty(&j)?);
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = std::io::stdout().lock();
    let linked: i64 = stats.linked_by.iter().map(|x| x.1).sum();
    let pct = |n: i64| 100.0 * n as f64 / stats.git_accounts.max(1) as f64;
    writeln!(out, "git identities: {}", stats.git_accounts)?;
    writeln!(
        out,
        "  linked to a GitHub account: {linked} ({:.1}%)",
        pct(linked)
    )?;
    for (m, n) in &stats.linked_by {
        writeln!(out, "    by {m:<16} {n:>6} ({:.1}%)", pct(*n))?;
    }
    writeln!(
        out,
        "  alone, with a suggestion:   {} ({:.1}%)",
        stats.suggested,
        pct(stats.suggested)
    )?;
    writeln!(
        out,
        "  alone, nothing known:       {} ({:.1}%)",
        stats.alone,
        pct(stats.alone)
    )?;
    for (why, n) in &stats.not_people {
        writeln!(out, "  not a person ({why}): {n}")?;
    }
    writeln!(
        out,
        "\nlabelled set: git identities with a noreply address (their account is certain), proof hidden, votes alone decide"
    )?;
    writeln!(
        out,
        "{:>5} {:>6}  {:<12} {:>8} {:>6} {:>6} {:>8} {:>10} {:>8}",
        "votes", "share", "method", "labelled", "voted", "linked", "correct", "precision", "recall"
    )?;
    for r in &eval {
        let prec = if r.linked == 0 {
            f64::NAN
        } else {
            100.0 * r.correct as f64 / r.linked as f64
        };
        let rec = 100.0 * r.correct as f64 / r.with_votes.max(1) as f64;
        let current = r.rules.min_votes == RULES.min_votes && r.rules.min_share == RULES.min_share;
        writeln!(
            out,
            "{:>5} {:>6.2}  {:<12} {:>8} {:>6} {:>6} {:>8} {:>9.1}% {:>7.1}%{}",
            r.rules.min_votes,
            r.rules.min_share,
            r.method.map_or("all", |m| m.as_str()),
            r.labelled,
            r.with_votes,
            r.linked,
            r.correct,
            prec,
            rec,
            if current && r.method.is_none() {
                "  ← builtby's rules"
            } else {
                ""
            }
        )?;
        for (name, truth, got) in &r.wrong {
            if current {
                writeln!(out, "        wrong: {name}: is @{truth}, linked to @{got}")?;
            }
        }
    }
    writeln!(out, "  (recall is over identities with at least one vote)")?;
    writeln!(
        out,
        "\nsearch --repo {} --path {} --since {}: top {rows}",
        a.repo, a.path, a.since
    )?;
    writeln!(out, "  rows with a GitHub login:          {with_login}")?;
    writeln!(out, "  git rows with a likely login:      {with_likely}")?;
    writeln!(out, "  top 10 with a login or likely one: {top10_ok}")?;
    writeln!(out, "  duplicate names among the rows:    {dup_names}")?;
    writeln!(
        out,
        "  accounts behind the rows:          {accounts} (one row each before identity resolution)"
    )?;
    Ok(ExitCode::SUCCESS)
}
