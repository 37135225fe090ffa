//! GitHub's REST API into the store: crawl watched repositories' closed PRs, hydrate what
//! GH Archive's trimmed payloads left out, enrich people with their public profiles.
//!
//! Everything written goes through the store's one write path (a [`Batch`] per page of PRs or
//! per hydration run): contributions are keyed by what the work is, so a PR or review GH
//! Archive already has is completed in place, never doubled. A request that fails is reported
//! in the run's report and the run goes on; only a store error stops it.
//!
//! The binary's `ingest github`, `hydrate` and `enrich people` are flags and printing over
//! [`crawl_repos`], [`hydrate`] and [`enrich_people`]; `ingest github --commits` over
//! [`crate::github_commits::link_commit_authors`].

use crate::IngestError;
use builtby_model::{time, Contribution, Kind, PointerState, ReadReport, Record, Source};
use builtby_sources::github_api::{convert, crawl, Cache, Cached, Client, Fetched};
use builtby_store::{Batch, InputFile, ProfileTarget, Store};
use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

/// The HTTP cache in the store, on its own connection so the client's worker threads can share
/// it. A cache that cannot be read or written only costs a request, so its errors are dropped.
pub struct StoreCache(Mutex<Store>);

impl StoreCache {
    pub fn new(store: Store) -> StoreCache {
        StoreCache(Mutex::new(store))
    }
}

impl Cache for StoreCache {
    fn get(&self, url: &str) -> Option<Cached> {
        let s = self.0.lock().unwrap_or_else(|p| p.into_inner());
        s.cache_get(url).ok().flatten().map(|c| Cached {
            etag: c.etag,
            last_modified: c.last_modified,
            body: c.body,
            link: c.link,
        })
    }
    fn put(&self, url: &str, v: &Cached) {
        let s = self.0.lock().unwrap_or_else(|p| p.into_inner());
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

// ---- enrich ------------------------------------------------------------------------------

/// What an `enrich people` run did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EnrichReport {
    pub updated: u64,
    /// Logins the API answered 404 for (deleted or renamed): marked, not asked again.
    pub not_found: Vec<String>,
    /// Requests that failed, with the reason: asked again next run.
    pub failed: Vec<String>,
    pub locations_normalised: usize,
}

/// Fetches each target's public profile (by id where known: ids survive renames, logins do
/// not), stores it, and normalises the locations that changed.
pub fn enrich_people(
    store: &mut Store,
    client: &Client,
    cache: &dyn Cache,
    targets: &[ProfileTarget],
) -> Result<EnrichReport, IngestError> {
    let results = client.map(targets, |t| {
        let path = match t.github_id {
            Some(id) => format!("/user/{id}"),
            None => format!("/users/{}", t.login),
        };
        client.get(&path, cache)
    });
    let mut report = EnrichReport::default();
    let now = time::now();
    let mut profiles = Vec::new();
    let mut gone = Vec::new();
    for (t, r) in targets.iter().zip(results) {
        match r {
            Ok(Fetched::Found { json, .. }) => match convert::user_profile(&json) {
                Some(p) => profiles.push(p),
                None => report
                    .failed
                    .push(format!("{}: not a user object", t.login)),
            },
            Ok(Fetched::NotFound) => {
                if t.person_id != 0 {
                    gone.push(t.person_id);
                }
                report.not_found.push(t.login.clone());
            }
            Err(e) => report.failed.push(e.to_string()),
        }
    }
    // Profiles go through the one write path: their people resolved like every actor's.
    if !profiles.is_empty() {
        let input = InputFile {
            source: Source::Github,
            path: format!("enrich@{}", time::iso_string(now)).into(),
            size: 0,
            checksum: format!("github:enrich:{now}:{}", std::process::id()),
        };
        let mut read = ReadReport::new(Source::Github);
        read.read = profiles.len() as u64;
        read.by_type.insert("user".into(), profiles.len() as u64);
        let mut load = store.begin()?;
        for p in &profiles {
            load.add_profile(p, now)?;
        }
        load.commit(&input, &read)?;
        report.updated = profiles.len() as u64;
    }
    for id in gone {
        store.mark_profile(id, "not_found", now)?;
    }
    report.locations_normalised =
        crate::locations::normalise_stored(store, crate::locations::Locations::new())?;
    Ok(report)
}

// ---- hydrate -----------------------------------------------------------------------------

/// What a `hydrate` run did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HydrateReport {
    pub pointers: usize,
    pub partial: usize,
    /// Pull requests asked for (one per PR, however many records name it).
    pub requests: usize,
    /// Pointers whose PR was had (closed → its contribution; still open → nothing to credit).
    pub resolved: u64,
    pub new_contributions: u64,
    /// Partial contributions completed in place.
    pub completed: u64,
    /// Pointers and contributions whose PR the API answered 404 for (marked).
    pub not_found: u64,
    /// Requests that failed, with the reason: left pending for the next run.
    pub failed: Vec<String>,
}

/// One PR to fetch.
#[derive(Clone, PartialEq, Eq, Hash)]
struct Pr {
    repo: String,
    number: i64,
}

/// Completes up to `limit` pending records: pointers (GH Archive's trimmed `merged`/`closed`
/// events) and contributions stored with a pointer's worth of fields, from
/// `/repos/{o}/{r}/pulls/{n}`. `progress(done, total)` follows the requests.
pub fn hydrate(
    store: &mut Store,
    client: &Client,
    cache: &dyn Cache,
    limit: usize,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<HydrateReport, IngestError> {
    let pointers = store.pending_pointers(limit)?;
    let partial = store.unhydrated(limit.saturating_sub(pointers.len()))?;
    let mut prs: Vec<Pr> = Vec::new();
    let mut seen = HashSet::new();
    let mut no_number = Vec::new();
    let wanted = pointers
        .iter()
        .map(|p| (p.repo.clone(), p.number, Some(p.key.clone())))
        .chain(partial.iter().map(|c| (c.repo.clone(), c.number, None)));
    for (repo, number, pointer) in wanted {
        match number {
            Some(number) => {
                let pr = Pr { repo, number };
                if seen.insert(pr.clone()) {
                    prs.push(pr);
                }
            }
            None => no_number.extend(pointer),
        }
    }
    let mut report = HydrateReport {
        pointers: pointers.len(),
        partial: partial.len(),
        requests: prs.len(),
        ..Default::default()
    };
    let done = std::sync::atomic::AtomicUsize::new(0);
    let fetched = client.map(&prs, |pr| {
        let r = client.get(&format!("/repos/{}/pulls/{}", pr.repo, pr.number), cache);
        progress(
            done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1,
            prs.len(),
        );
        r
    });
    let mut facts: HashMap<Pr, Option<convert::PullFacts>> = HashMap::new();
    for (pr, r) in prs.iter().zip(fetched) {
        match r {
            Ok(Fetched::Found { json, .. }) => {
                facts.insert(pr.clone(), convert::pull(&json));
            }
            Ok(Fetched::NotFound) => {
                facts.insert(pr.clone(), None);
            }
            Err(e) => report.failed.push(e.to_string()),
        }
    }
    let facts_of = |repo: &str, number: i64| {
        facts.get(&Pr {
            repo: repo.to_string(),
            number,
        })
    };
    // A pointer's PR becomes its contribution (keyed by the PR, so one however many pointers
    // or crawls name it); a partial contribution is completed in place by its own key.
    let mut records = Vec::new();
    let mut states: Vec<(String, PointerState)> = Vec::new();
    for p in &pointers {
        let Some(f) = p.number.and_then(|n| facts_of(&p.repo, n)) else {
            continue;
        };
        let Some(f) = f else {
            states.push((p.key.clone(), PointerState::NotFound));
            report.not_found += 1;
            continue;
        };
        report.resolved += 1;
        match f.outcome(&p.repo) {
            Some(c) => {
                records.push(Record::Contribution(Box::new(c)));
                states.push((p.key.clone(), PointerState::Hydrated));
            }
            // Still open (a `closed` event later reopened): nothing to credit yet.
            None => states.push((p.key.clone(), PointerState::Open)),
        }
    }
    states.extend(no_number.into_iter().map(|k| (k, PointerState::NoNumber)));
    let mut unavailable = Vec::new();
    for stub in &partial {
        match stub.number.and_then(|n| facts_of(&stub.repo, n)) {
            Some(Some(f)) => {
                records.push(Record::Contribution(Box::new(complete_from(stub, f))));
                report.completed += 1;
            }
            Some(None) => {
                unavailable.push(stub.key.clone());
                report.not_found += 1;
            }
            None => {}
        }
    }
    if !records.is_empty() {
        let input = InputFile {
            source: Source::Github,
            path: format!("hydrate@{}", time::iso_string(time::now())).into(),
            size: 0,
            checksum: format!("github:hydrate:{}:{}", time::now(), std::process::id()),
        };
        let mut read = ReadReport::new(Source::Github);
        read.by_type
            .insert("pull request".into(), facts.len() as u64);
        let mut load = store.begin()?;
        for r in &records {
            if let Record::Contribution(c) = r {
                read.read += 1;
                read.kept_kind(c.kind);
            }
            load.add(r)?;
        }
        report.new_contributions = load.commit(&input, &read)?.new_contributions;
    }
    for (k, s) in &states {
        store.set_pointer_state(k, *s)?;
    }
    for k in &unavailable {
        store.mark_unhydratable(k)?;
    }
    Ok(report)
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

// ---- crawl -------------------------------------------------------------------------------

/// What a crawl did for one repository.
#[derive(Debug, Clone, PartialEq)]
pub struct RepoCrawl {
    pub repo: String,
    /// What the API listed; `None` when the crawl stopped on an error (batches stored before
    /// it are kept, and the next run continues from the cursor).
    pub stats: Option<crawl::CrawlStats>,
    pub error: Option<String>,
    pub new_contributions: u64,
    /// Contributions already stored (from GH Archive or an earlier crawl), completed in place.
    pub completed: u64,
    pub paths: u64,
    pub requests: u64,
    pub not_modified: u64,
}

/// Crawls each repository's closed PRs updated since its cursor (or `since`), storing each
/// batch as it comes; `on_batch(repo, prs, cursor)` follows the stored batches.
pub fn crawl_repos(
    store: &mut Store,
    client: &Client,
    cache: &dyn Cache,
    repos: &[String],
    since: Option<i64>,
    batch_size: usize,
    on_batch: &mut dyn FnMut(&str, usize, Option<i64>),
) -> Result<Vec<RepoCrawl>, IngestError> {
    let mut out = Vec::new();
    for repo in repos {
        let cursor = store.crawl_cursor(repo)?;
        let floor = match (cursor, since) {
            (Some(c), Some(s)) => Some(c.max(s)),
            (c, s) => c.or(s),
        };
        let start = client.stats();
        let mut done = RepoCrawl {
            repo: repo.clone(),
            stats: None,
            error: None,
            new_contributions: 0,
            completed: 0,
            paths: 0,
            requests: 0,
            not_modified: 0,
        };
        // A store error inside the sink ends the crawl and the run.
        let mut store_error: Option<IngestError> = None;
        let mut sink = |b: crawl::Batch| -> Result<(), String> {
            match store_batch(store, &b) {
                Ok(s) => {
                    done.new_contributions += s.new_contributions;
                    done.completed += s.duplicates;
                    done.paths += s.paths;
                    on_batch(repo, b.prs.len(), b.cursor);
                    Ok(())
                }
                Err(e) => {
                    let msg = e.to_string();
                    store_error = Some(e);
                    Err(msg)
                }
            }
        };
        let r = crawl::crawl_repo(client, cache, repo, floor, batch_size, &mut sink);
        if let Some(e) = store_error {
            return Err(e);
        }
        match r {
            Ok(st) => done.stats = Some(st),
            Err(e) => done.error = Some(e.to_string()),
        }
        let s = client.stats();
        done.requests = s.requests - start.requests;
        done.not_modified = s.not_modified - start.not_modified;
        out.push(done);
    }
    Ok(out)
}

/// Stores one crawled batch through the one write path, in one transaction: contributions
/// (keyed by what they are, so a PR or review GH Archive already has is completed in place,
/// not doubled), the paths of merged PRs, the pointers they resolve, and the repository's
/// cursor.
fn store_batch(
    store: &mut Store,
    b: &crawl::Batch,
) -> Result<builtby_store::LoadSummary, IngestError> {
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
    let mut add = |load: &mut Batch<'_>, c: Contribution| -> Result<(), IngestError> {
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
    Ok(load.commit(&input, &read)?)
}
