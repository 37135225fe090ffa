//! `locate`, `enrich people`, `hydrate`, `ingest github`: the GitHub API side and normalised
//! locations.

use super::Env;
use crate::cli::{ApiArgs, EnrichPeopleArgs, GithubArgs, HydrateArgs, LocateArgs};
use anyhow::{Context as _, Result};
use builtby_model::{time, Contribution, Kind, Record};
use builtby_sources::github_api::{convert, crawl, Cache, Cached, Client, Config, Fetched, Token};
use builtby_store::{InputFile, PathRow, Store};
use std::collections::HashMap;
use std::process::ExitCode;
use std::sync::Mutex;
use std::time::Duration;

/// `builtby locate TEXT…`
pub fn locate(a: &LocateArgs) -> Result<ExitCode> {
    for t in &a.texts {
        let l = builtby_locate::locate(t);
        if a.json {
            println!("{}", serde_json::to_string(&l)?);
        } else {
            let parts: Vec<String> = [
                l.city.clone(),
                l.region.clone(),
                l.country.clone(),
                l.metro.as_ref().map(|m| format!("metro: {m}")),
            ]
            .into_iter()
            .flatten()
            .collect();
            let shown = if parts.is_empty() {
                "(unknown)".to_string()
            } else {
                parts.join(", ")
            };
            println!("{t}\t→ {shown}  [{:.2}]", l.confidence);
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Normalises every stored profile location not yet normalised by this normaliser version.
/// Called after each ingest and enrich, so search filters compare stored columns.
pub fn normalise_locations(store: &mut Store) -> Result<usize> {
    let none_noted = builtby_ingest::locations::Locations::new();
    Ok(builtby_ingest::locations::normalise_stored(
        store, none_noted,
    )?)
}

/// The HTTP cache in the store, on its own connection so worker threads can share it.
struct StoreCache(Mutex<Store>);

impl Cache for StoreCache {
    fn get(&self, url: &str) -> Option<Cached> {
        let s = self.0.lock().unwrap();
        s.cache_get(url).ok().flatten().map(|c| Cached {
            etag: c.etag,
            last_modified: c.last_modified,
            body: c.body,
            link: c.link,
        })
    }
    fn put(&self, url: &str, v: &Cached) {
        let s = self.0.lock().unwrap();
        let _ = s.cache_put(
            url,
            &builtby_store::CachedResponse {
                etag: v.etag.clone(),
                last_modified: v.last_modified.clone(),
                body: v.body.clone(),
                link: v.link.clone(),
            },
            time::now(),
        );
    }
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
    Ok((c, StoreCache(Mutex::new(env.store()?))))
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

/// `builtby enrich people`
pub fn enrich_people(env: &Env, a: &EnrichPeopleArgs) -> Result<ExitCode> {
    let mut store = env.store()?;
    let since = a
        .active_since
        .as_deref()
        .map(|s| builtby_search::query::parse_time("active-since", s, time::now()))
        .transpose()?;
    let mut targets = store.profile_targets(&a.logins, since)?;
    if let Some(n) = a.limit {
        targets.truncate(n);
    }
    let (client, cache) = client(env, &a.api)?;
    let results = client.map(&targets, |t| {
        // By id where known: the id survives renames, the login does not.
        let path = match t.github_id {
            Some(id) => format!("/user/{id}"),
            None => format!("/users/{}", t.login),
        };
        client.get(&path, &cache)
    });
    let (mut ok, mut missing, mut failed) = (0, 0, 0);
    let now = time::now();
    for (t, r) in targets.iter().zip(results) {
        match r {
            Ok(Fetched::Found { json, .. }) => match convert::user_profile(&json) {
                Some(p) => {
                    store.set_profile(t.person_id, &p, now)?;
                    ok += 1;
                }
                None => {
                    eprintln!("error: {}: not a user object", t.login);
                    failed += 1;
                }
            },
            Ok(Fetched::NotFound) => {
                if t.person_id != 0 {
                    store.mark_profile(t.person_id, "not_found", now)?;
                }
                if !env.quiet {
                    eprintln!("{}: not found (deleted or renamed); marked", t.login);
                }
                missing += 1;
            }
            Err(e) => {
                eprintln!("error: {e}");
                failed += 1;
            }
        }
    }
    let located = normalise_locations(&mut store)?;
    if !env.quiet {
        eprintln!("enrich: {ok} profiles updated, {missing} not found, {failed} failed; {located} locations normalised");
    }
    report(env, "github", &client);
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// One PR to fetch for hydration.
#[derive(Clone, PartialEq, Eq, Hash)]
struct Pr {
    repo: String,
    number: i64,
}

/// `builtby hydrate`: completes trimmed GH Archive records from `/repos/{o}/{r}/pulls/{n}`.
pub fn hydrate(env: &Env, a: &HydrateArgs) -> Result<ExitCode> {
    let mut store = env.store()?;
    let limit = a.limit.unwrap_or(usize::MAX);
    let pointers = store.pending_pointers(limit)?;
    let partial = store.unhydrated(limit.saturating_sub(pointers.len()))?;
    let mut prs: Vec<Pr> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut no_number = Vec::new();
    for p in &pointers {
        match p.number {
            Some(n) => {
                let pr = Pr {
                    repo: p.repo.clone(),
                    number: n,
                };
                if seen.insert(pr.clone()) {
                    prs.push(pr);
                }
            }
            None => no_number.push(p.key.clone()),
        }
    }
    for (_, repo, _, n) in &partial {
        let pr = Pr {
            repo: repo.clone(),
            number: *n,
        };
        if seen.insert(pr.clone()) {
            prs.push(pr);
        }
    }
    if !env.quiet {
        eprintln!(
            "hydrate: {} pointers and {} partial contributions, {} pull requests to fetch",
            pointers.len(),
            partial.len(),
            prs.len()
        );
    }
    let (client, cache) = client(env, &a.api)?;
    let done = std::sync::atomic::AtomicUsize::new(0);
    let total = prs.len();
    let quiet = env.quiet;
    let fetched = client.map(&prs, |pr| {
        let r = client.get(&format!("/repos/{}/pulls/{}", pr.repo, pr.number), &cache);
        let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        if !quiet && (n.is_multiple_of(50) || n == total) {
            eprintln!("hydrate: {n}/{total} pull requests fetched");
        }
        r
    });
    let mut facts: HashMap<Pr, Option<convert::PullFacts>> = HashMap::new();
    let mut failed = 0;
    for (pr, r) in prs.iter().zip(fetched) {
        match r {
            Ok(Fetched::Found { json, .. }) => {
                facts.insert(pr.clone(), convert::pull(&json));
            }
            Ok(Fetched::NotFound) => {
                facts.insert(pr.clone(), None);
            }
            Err(e) => {
                // Left pending: the next run tries again.
                eprintln!("error: {e}");
                failed += 1;
            }
        }
    }
    // New contributions go through the normal loader (people, rollups, full text), as one
    // ingest-log entry for this run.
    let input = InputFile {
        source: "github".into(),
        path: format!("hydrate@{}", time::iso_string(time::now())).into(),
        size: 0,
        checksum: format!("github:hydrate:{}:{}", time::now(), std::process::id()),
    };
    let mut records = Vec::new();
    let mut states: Vec<(String, &str)> = Vec::new();
    let (mut hydrated, mut gone) = (0, 0);
    for p in &pointers {
        let Some(n) = p.number else { continue };
        let Some(f) = facts.get(&Pr {
            repo: p.repo.clone(),
            number: n,
        }) else {
            continue;
        };
        let Some(f) = f else {
            states.push((p.key.clone(), "not_found"));
            gone += 1;
            continue;
        };
        match f.outcome(&p.repo, p.key.clone()) {
            Some(c) => {
                // One PR, one contribution: the API crawl or another pointer may have it.
                if store.find_contribution(&p.repo, c.kind, n)?.is_none()
                    && !records.iter().any(|r: &Record| matches!(r, Record::Contribution(x) if x.kind == c.kind && x.repo == c.repo && x.number == c.number))
                {
                    records.push(Record::Contribution(Box::new(c)));
                }
                states.push((p.key.clone(), "hydrated"));
                hydrated += 1;
            }
            None => {
                // Still open (a `closed` event later reopened): nothing to credit yet.
                states.push((p.key.clone(), "open"));
                hydrated += 1;
            }
        }
    }
    for k in no_number {
        states.push((k, "no_number"));
    }
    let new = if records.is_empty() {
        0
    } else {
        let mut load = store.begin_file(&input)?;
        for r in &records {
            load.add(r)?;
        }
        load.commit(
            &input,
            records.len() as u64,
            true,
            "{\"source\":\"github hydrate\"}",
        )?
        .new_contributions
    };
    for (k, s) in &states {
        store.set_pointer_state(k, s)?;
    }
    let mut completed = 0;
    for (key, repo, kind, n) in &partial {
        match facts.get(&Pr {
            repo: repo.clone(),
            number: *n,
        }) {
            Some(Some(f)) => {
                let mut c = builtby_model::Contribution::new(
                    key.clone(),
                    *kind,
                    repo.clone(),
                    f.author.clone().context("PR without author")?,
                    0,
                );
                f.fill(&mut c);
                c.url = None;
                store.hydrate_contribution(key, &c)?;
                completed += 1;
            }
            Some(None) => {
                store.mark_unhydratable(key)?;
                gone += 1;
            }
            None => {}
        }
    }
    if !env.quiet {
        let states = store.pointer_states()?;
        let states: Vec<String> = states.iter().map(|(s, n)| format!("{s} {n}")).collect();
        eprintln!(
            "hydrate: {hydrated} pointers resolved ({new} new contributions), {completed} partial contributions completed, {gone} not found (marked), {failed} failed (still pending); queue: {}",
            states.join(", ")
        );
    }
    report(env, "github", &client);
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// What `ingest github` stored for one repository.
#[derive(Default)]
struct CrawlTotals {
    new: u64,
    completed: u64,
    paths: u64,
}

/// Stores one crawled batch in one transaction: new contributions through the normal loader
/// (people, rollups, full text), contributions GH Archive already has completed in place (one
/// PR, one contribution), paths on the merged PRs, and the repository's cursor.
fn store_batch(store: &mut Store, b: &crawl::Batch, totals: &mut CrawlTotals) -> Result<()> {
    let now = time::now();
    let input = InputFile {
        source: "github".into(),
        path: format!("crawl:{}@{}", b.repo, time::iso_string(now)).into(),
        size: 0,
        checksum: format!(
            "github:crawl:{}:{}:{}:{}",
            b.repo,
            b.cursor.unwrap_or(0),
            now,
            std::process::id()
        ),
    };
    let mut load = store.begin_file(&input)?;
    let mut events = 0u64;
    let mut completed = 0u64;
    let mut paths = 0u64;
    let mut put = |load: &mut builtby_store::FileLoad<'_>,
                   c: &Contribution,
                   existing: Option<String>|
     -> Result<String> {
        events += 1;
        Ok(match existing {
            Some(k) => {
                load.complete_contribution(&k, c)?;
                completed += 1;
                k
            }
            None => {
                load.add(&Record::Contribution(Box::new(c.clone())))?;
                c.key.clone()
            }
        })
    };
    for pr in &b.prs {
        for c in pr.contributions(&b.repo) {
            let existing = load.find_contribution(&b.repo, c.kind, pr.pull.number)?;
            let key = put(&mut load, &c, existing)?;
            if matches!(c.kind, Kind::PrMerged | Kind::PrClosedUnmerged) {
                load.resolve_pointers(&key)?;
            }
            if let (Kind::PrMerged, Some(files)) = (c.kind, &pr.files) {
                let rows: Vec<PathRow> = files
                    .iter()
                    .map(|(p, a, d)| PathRow {
                        path: p.clone(),
                        added: *a,
                        deleted: *d,
                    })
                    .collect();
                paths += load.attach_paths_to(&key, &rows)?;
            }
        }
        for c in &pr.reviews {
            let existing = load.find_on_pr(
                &b.repo,
                c.kind,
                pr.pull.number,
                c.url.as_deref(),
                &c.actor.login,
                c.at,
            )?;
            put(&mut load, c, existing)?;
        }
    }
    for c in &b.comments {
        let existing = match c.number {
            Some(n) => {
                load.find_on_pr(&b.repo, c.kind, n, c.url.as_deref(), &c.actor.login, c.at)?
            }
            None => None,
        };
        put(&mut load, c, existing)?;
    }
    if let Some(cursor) = b.cursor {
        load.set_crawl_cursor(&b.repo, cursor, now)?;
    }
    let summary = load.commit(&input, events, true, "{\"source\":\"github crawl\"}")?;
    totals.new += summary.new_contributions;
    totals.completed += completed;
    totals.paths += paths;
    Ok(())
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
        .map(|s| builtby_search::query::parse_time("since", s, time::now()))
        .transpose()?;
    let mut store = env.store()?;
    let (client, cache) = client(env, &a.api)?;
    let mut failed = 0;
    let (mut all_merged, before) = (0u64, client.stats());
    for repo in &repos {
        let cursor = store.crawl_cursor(repo)?;
        let floor = match (cursor, since) {
            (Some(c), Some(s)) => Some(c.max(s)),
            (c, s) => c.or(s),
        };
        let start = client.stats();
        let mut totals = CrawlTotals::default();
        let mut sink = |b: crawl::Batch| -> std::result::Result<(), String> {
            store_batch(&mut store, &b, &mut totals).map_err(|e| format!("{e:#}"))?;
            if !env.quiet && !b.prs.is_empty() {
                eprintln!(
                    "{repo}: {} PRs stored up to {}",
                    b.prs.len(),
                    b.cursor.map(time::iso_string).unwrap_or_default()
                );
            }
            Ok(())
        };
        let r = crawl::crawl_repo(&client, &cache, repo, floor, a.batch, &mut sink);
        let s = client.stats();
        let requests = s.requests - start.requests;
        match r {
            Ok(st) => {
                all_merged += st.merged;
                if !env.quiet {
                    let per = if st.merged > 0 {
                        format!("{:.2}", requests as f64 / st.merged as f64)
                    } else {
                        "-".into()
                    };
                    eprintln!(
                        "{repo}: {} closed PRs ({} merged, {} closed unmerged), {} reviews, {} review comments; {} new contributions, {} already stored (completed in place), {} paths; {requests} requests ({} answered 304), {per} per merged PR",
                        st.listed, st.merged, st.closed_unmerged, st.reviews, st.comments,
                        totals.new, totals.completed, totals.paths, s.not_modified - start.not_modified
                    );
                }
            }
            Err(e) => {
                eprintln!("error: {repo}: {e} (stored batches kept; rerun to continue)");
                failed += 1;
            }
        }
    }
    if !env.quiet {
        let s = client.stats();
        let requests = s.requests - before.requests;
        eprintln!(
            "ingest github: {} repositories, {failed} failed; {all_merged} merged PRs, {requests} requests",
            repos.len()
        );
    }
    report(env, "github", &client);
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
