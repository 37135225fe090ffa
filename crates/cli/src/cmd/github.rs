//! `locate`, `enrich people`, `hydrate`, `ingest github`: the GitHub API side and normalised
//! locations.

use super::Env;
use crate::cli::{ApiArgs, EnrichPeopleArgs, GithubArgs, HydrateArgs, LocateArgs};
use anyhow::{Context as _, Result};
use builtby_ingest::github::{self as api, StoreCache};
use builtby_ingest::github_commits;
use builtby_model::time;
use builtby_sources::github_api::{Client, Config, Token};
use std::process::ExitCode;
use std::time::Duration;

/// `builtby locate TEXT…`
pub fn locate(a: &LocateArgs) -> Result<ExitCode> {
    for t in &a.texts {
        let l = builtby_locate::locate(t);
        if a.json {
            println!("{}", serde_json::to_string(&l)?);
        } else {
            let shown = |city: &Option<String>,
                         region: &Option<String>,
                         country: &Option<String>,
                         metro: &Option<String>| {
                [
                    city.clone(),
                    region.clone(),
                    country.clone(),
                    metro.as_ref().map(|m| format!("metro: {m}")),
                ]
                .into_iter()
                .flatten()
                .collect::<Vec<String>>()
                .join(", ")
            };
            let mut places = vec![shown(&l.city, &l.region, &l.country, &l.metro)];
            places.extend(
                l.also
                    .iter()
                    .map(|p| shown(&p.city, &p.region, &p.country, &p.metro)),
            );
            places.retain(|p| !p.is_empty());
            let shown = if places.is_empty() {
                "(unknown)".to_string()
            } else {
                places.join(" | ")
            };
            println!("{t}\t→ {shown}  [{:.2}]", l.confidence);
            if a.explain {
                println!("  rule: {}", l.rule.as_str());
                for w in &l.why {
                    println!("  - {w}");
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn client(env: &Env, a: &ApiArgs) -> Result<(Client, StoreCache)> {
    let cfg = Config {
        api_url: a.api_url.clone(),
        token: Token::from_env(),
        timeout: Duration::from_secs_f64(a.timeout),
        max_retries: a.retries,
        backoff: Duration::from_secs_f64(a.backoff),
        concurrency: a.concurrency,
        max_wait: Duration::from_secs(a.max_wait),
    };
    let quiet = env.quiet;
    let c = Client::new(cfg)?.with_progress(move |m| {
        if !quiet {
            eprintln!("{m}")
        }
    });
    Ok((c, StoreCache::new(env.store()?)))
}

fn report(env: &Env, what: &str, c: &Client) {
    if !env.quiet {
        let s = c.stats();
        eprintln!(
            "{what}: {} requests ({} answered 304 from the cache), {} retries, {} rate-limit waits, {} secondary-limit waits",
            s.requests, s.not_modified, s.retries, s.rate_limit_waits, s.secondary_waits
        );
    }
}

fn exit(failed: usize) -> ExitCode {
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// `builtby enrich people`
pub fn enrich_people(env: &Env, a: &EnrichPeopleArgs) -> Result<ExitCode> {
    let mut store = env.store()?;
    let since = a
        .active_since
        .as_deref()
        .map(|s| super::when("active-since", s))
        .transpose()?;
    let mut targets = store.profile_targets(&a.logins, since)?;
    if let Some(n) = a.limit {
        targets.truncate(n);
    }
    let (client, cache) = client(env, &a.api)?;
    let r = api::enrich_people(&mut store, &client, &cache, &targets)?;
    for e in &r.failed {
        eprintln!("error: {e}");
    }
    if !env.quiet {
        for l in &r.not_found {
            eprintln!("{l}: not found (deleted or renamed); marked");
        }
        eprintln!(
            "enrich: {} profiles updated, {} not found, {} failed; {} locations normalised",
            r.updated,
            r.not_found.len(),
            r.failed.len(),
            r.locations_normalised
        );
    }
    report(env, "github", &client);
    Ok(exit(r.failed.len()))
}

/// `builtby hydrate`: completes trimmed GH Archive records from `/repos/{o}/{r}/pulls/{n}`.
pub fn hydrate(env: &Env, a: &HydrateArgs) -> Result<ExitCode> {
    let mut store = env.store()?;
    let (client, cache) = client(env, &a.api)?;
    let quiet = env.quiet;
    let progress = move |n: usize, total: usize| {
        if !quiet && (n.is_multiple_of(50) || n == total) {
            eprintln!("hydrate: {n}/{total} pull requests fetched");
        }
    };
    let limit = a.limit.unwrap_or(usize::MAX);
    let r = api::hydrate(&mut store, &client, &cache, limit, &progress)?;
    for e in &r.failed {
        eprintln!("error: {e}");
    }
    if !env.quiet {
        let states = store.pointer_states()?;
        let states: Vec<String> = states.iter().map(|(s, n)| format!("{s} {n}")).collect();
        eprintln!(
            "hydrate: {} pointers and {} partial contributions, {} pull requests fetched; {} pointers resolved ({} new contributions), {} partial contributions completed, {} not found (marked), {} failed (still pending); queue: {}",
            r.pointers,
            r.partial,
            r.requests,
            r.resolved,
            r.new_contributions,
            r.completed,
            r.not_found,
            r.failed.len(),
            states.join(", ")
        );
    }
    report(env, "github", &client);
    Ok(exit(r.failed.len()))
}

/// `builtby ingest github`
pub fn ingest(env: &Env, a: &GithubArgs) -> Result<ExitCode> {
    let mut repos: Vec<String> = Vec::new();
    for r in &a.repos {
        if !builtby_search::catalog::valid_repo_name(r) {
            anyhow::bail!("--repo {r}: expected owner/name");
        }
        repos.push(r.clone());
    }
    for e in &a.ecosystems {
        let eco = env
            .catalog
            .ecosystem(e)
            .with_context(|| format!("--ecosystem {e}: not in the catalog"))?;
        repos.extend(eco.repos.iter().map(|r| r.name.clone()));
    }
    let mut seen = std::collections::HashSet::new();
    repos.retain(|r| seen.insert(r.to_ascii_lowercase()));
    let since = a
        .since
        .as_deref()
        .map(|s| super::when("since", s))
        .transpose()?;
    let mut store = env.store()?;
    let (client, cache) = client(env, &a.api)?;
    if a.commits {
        return commits(env, &mut store, &client, &cache, &repos, since);
    }
    let before = client.stats();
    let quiet = env.quiet;
    let mut on_batch = |repo: &str, prs: usize, cursor: Option<i64>| {
        if !quiet && prs > 0 {
            eprintln!(
                "{repo}: {prs} PRs stored up to {}",
                cursor.map(time::iso_string).unwrap_or_default()
            );
        }
    };
    let crawled = api::crawl_repos(
        &mut store,
        &client,
        &cache,
        &repos,
        since,
        a.batch,
        &mut on_batch,
    )?;
    let mut failed = 0;
    let mut all_merged = 0;
    for c in &crawled {
        if let Some(e) = &c.error {
            eprintln!(
                "error: {}: {e} (stored batches kept; rerun to continue)",
                c.repo
            );
            failed += 1;
        }
        let Some(st) = c.stats else { continue };
        all_merged += st.merged;
        if !env.quiet {
            let per = if st.merged > 0 {
                format!("{:.2}", c.requests as f64 / st.merged as f64)
            } else {
                "-".into()
            };
            eprintln!(
                "{}: {} closed PRs ({} merged, {} closed unmerged), {} reviews, {} review comments; {} new contributions, {} already stored (completed in place), {} paths; {} requests ({} answered 304), {per} per merged PR",
                c.repo, st.listed, st.merged, st.closed_unmerged, st.reviews, st.comments,
                c.new_contributions, c.completed, c.paths, c.requests, c.not_modified
            );
        }
    }
    if !env.quiet {
        let requests = client.stats().requests - before.requests;
        eprintln!(
            "ingest github: {} repositories, {failed} failed; {all_merged} merged PRs, {requests} requests",
            repos.len()
        );
    }
    report(env, "github", &client);
    Ok(exit(failed))
}

/// `builtby ingest github --commits`: GitHub's commits API proves whose each git identity is.
fn commits(
    env: &Env,
    store: &mut builtby_store::Store,
    client: &Client,
    cache: &StoreCache,
    repos: &[String],
    since: Option<i64>,
) -> Result<ExitCode> {
    let before = client.stats();
    let quiet = env.quiet;
    let mut last_shown = 0u64;
    let mut on_page = |repo: &str, listed: u64, proven: u64| {
        if !quiet && listed >= last_shown + 1000 {
            last_shown = listed;
            eprintln!("{repo}: {listed} commits read, {proven} identities proven");
        }
    };
    let runs = github_commits::link_commit_authors(
        store,
        client,
        cache,
        repos,
        since,
        &env.bots,
        &mut on_page,
    )?;
    let mut failed = 0;
    let mut total = github_commits::RepoCommits::default();
    let mut skipped = 0;
    for r in &runs {
        if let Some(why) = &r.skipped {
            skipped += 1;
            if !quiet {
                eprintln!("{}: {why} (skipped)", r.repo);
            }
            continue;
        }
        if let Some(e) = &r.error {
            eprintln!(
                "error: {}: {e} (stored pages kept; rerun to continue)",
                r.repo
            );
            failed += 1;
        }
        for m in &r.messages {
            if !quiet {
                eprintln!("{}: {m}", r.repo);
            }
        }
        if !quiet {
            eprintln!(
                "{}: {} commits ({} merges): {} in the store with a GitHub author, {} not in the store, {} without a GitHub author, {} by bots; {} identities newly proven, {} already proven, {} left as they are; {} requests ({} answered 304), {} per 1,000 commits",
                r.repo, r.listed, r.merges, r.matched, r.not_in_store, r.no_author, r.bots,
                r.newly_proven, r.already_proven, r.contradicted, r.requests, r.not_modified,
                per_1000(r)
            );
            if r.not_in_store > 0 {
                eprintln!(
                    "{}: {} commits on GitHub are not in the store (your clone is behind, or they are on another branch): `git pull`, run `builtby ingest git PATH --repo {}`, then this again",
                    r.repo, r.not_in_store, r.repo
                );
            }
        }
        total.listed += r.listed;
        total.merges += r.merges;
        total.matched += r.matched;
        total.not_in_store += r.not_in_store;
        total.no_author += r.no_author;
        total.bots += r.bots;
        total.newly_proven += r.newly_proven;
        total.already_proven += r.already_proven;
        total.contradicted += r.contradicted;
    }
    let s = client.stats();
    total.requests = s.requests - before.requests;
    total.not_modified = s.not_modified - before.not_modified;
    if !quiet {
        eprintln!(
            "ingest github --commits: {} repositories ({skipped} skipped: no git history, {failed} failed); {} commits: {} matched, {} not in the store, {} without a GitHub author, {} by bots, {} merges; {} identities newly proven; {} requests ({} answered 304), {} per 1,000 commits",
            repos.len(), total.listed, total.matched, total.not_in_store, total.no_author, total.bots,
            total.merges, total.newly_proven, total.requests, total.not_modified, per_1000(&total)
        );
    }
    report(env, "github", client);
    Ok(exit(failed))
}

fn per_1000(r: &github_commits::RepoCommits) -> String {
    r.requests_per_1000()
        .map_or_else(|| "-".to_string(), |x| format!("{x:.1}"))
}
