//! `locate`, `enrich people`, `hydrate`, `ingest github`: the GitHub API side and normalised
//! locations.

use super::Env;
use crate::cli::{ApiArgs, EnrichPeopleArgs, GithubArgs, HydrateArgs, LocateArgs};
use anyhow::{Context as _, Result};
use builtby_model::{time, Contribution, Kind, PointerState, ReadReport, Record, Source};
use builtby_sources::github_api::{convert, crawl, Cache, Cached, Client, Config, Fetched, Token};
use builtby_store::{Batch, InputFile, Store};
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
        .map(|s| super::when("active-since", s))
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
    for c in &partial {
        let Some(number) = c.number else { continue };
        let pr = Pr {
            repo: c.repo.clone(),
            number,
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
    // Everything goes through the one write path, as one ingest-log entry for this run: a
    // pointer's PR becomes its contribution (keyed by the PR, so one however many pointers or
    // crawls name it), a partial contribution is completed in place by its own key.
    let input = InputFile {
        source: Source::Github,
        path: format!("hydrate@{}", time::iso_string(time::now())).into(),
        size: 0,
        checksum: format!("github:hydrate:{}:{}", time::now(), std::process::id()),
    };
    let mut read = ReadReport::new(Source::Github);
    let mut records = Vec::new();
    let mut states: Vec<(String, PointerState)> = Vec::new();
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
            states.push((p.key.clone(), PointerState::NotFound));
            gone += 1;
            continue;
        };
        match f.outcome(&p.repo) {
            Some(c) => {
                records.push(Record::Contribution(Box::new(c)));
                states.push((p.key.clone(), PointerState::Hydrated));
                hydrated += 1;
            }
            None => {
                // Still open (a `closed` event later reopened): nothing to credit yet.
                states.push((p.key.clone(), PointerState::Open));
                hydrated += 1;
            }
        }
    }
    for k in no_number {
        states.push((k, PointerState::NoNumber));
    }
    let mut completed = 0;
    let mut unavailable = Vec::new();
    for stub in &partial {
        let Some(number) = stub.number else { continue };
        match facts.get(&Pr {
            repo: stub.repo.clone(),
            number,
        }) {
            Some(Some(f)) => {
                records.push(Record::Contribution(Box::new(complete_from(stub, f))));
                completed += 1;
            }
            Some(None) => {
                unavailable.push(stub.key.clone());
                gone += 1;
            }
            None => {}
        }
    }
    let new = if records.is_empty() {
        0
    } else {
        let mut load = store.begin()?;
        for r in &records {
            if let Record::Contribution(c) = r {
                read.read += 1;
                read.kept_kind(c.kind);
            }
            load.add(r)?;
        }
        *read.by_type.entry("pull request".into()).or_default() += facts.len() as u64;
        load.commit(&input, &read)?.new_contributions
    };
    for (k, s) in &states {
        store.set_pointer_state(k, *s)?;
    }
    for k in &unavailable {
        store.mark_unhydratable(k)?;
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

/// A partial contribution (from a trimmed payload) completed with its PR's facts, under its own
/// key and person: PR records take the PR's fields; a review or comment takes the PR's title.
fn complete_from(stub: &Contribution, f: &convert::PullFacts) -> Contribution {
    let mut c = stub.clone();
    if matches!(
        c.kind,
        Kind::PrOpened | Kind::PrMerged | Kind::PrClosedUnmerged
    ) {
        f.fill(&mut c);
    } else {
        c.title = f.title.clone();
    }
    c.needs_hydration = false;
    c
}

/// Stores one crawled batch through the one write path, in one transaction: contributions
/// (keyed by what they are, so a PR or review GH Archive already has is completed in place,
/// not doubled), the paths of merged PRs, the pointers they resolve, and the repository's
/// cursor.
fn store_batch(store: &mut Store, b: &crawl::Batch, totals: &mut CrawlTotals) -> Result<()> {
    let now = time::now();
    let input = InputFile {
        source: Source::Github,
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
    let mut load = store.begin()?;
    let mut read = ReadReport::new(Source::Github);
    let mut add = |load: &mut Batch<'_>, c: Contribution| -> Result<()> {
        read.read += 1;
        read.kept_kind(c.kind);
        load.add(&Record::Contribution(Box::new(c)))?;
        Ok(())
    };
    for pr in &b.prs {
        for c in pr.contributions(&b.repo) {
            let (key, kind) = (c.key.clone(), c.kind);
            add(&mut load, c)?;
            if matches!(kind, Kind::PrMerged | Kind::PrClosedUnmerged) {
                load.resolve_pointers(&key)?;
            }
        }
        for c in &pr.reviews {
            add(&mut load, c.clone())?;
        }
    }
    for c in &b.comments {
        add(&mut load, c.clone())?;
    }
    read.by_type
        .insert("pull request".into(), b.prs.len() as u64);
    read.by_type
        .insert("review comment".into(), b.comments.len() as u64);
    if let Some(cursor) = b.cursor {
        load.set_crawl_cursor(&b.repo, cursor, now)?;
    }
    let summary = load.commit(&input, &read)?;
    totals.new += summary.new_contributions;
    totals.completed += summary.duplicates;
    totals.paths += summary.paths;
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
        .map(|s| super::when("since", s))
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
