//! The exact-count contract on the real GH Archive files in `../shared/data/gharchive`:
//! per-file event counts by type, and per-kind contribution counts, computed here from the raw
//! lines with a generic JSON parser, must equal what builtby read; and per (person, repository,
//! kind), what the store holds must equal an independent count that keys each piece of work by
//! what it is (a review by its id, a comment by its id, a PR by its number), so the same work
//! in two events counts once.
//! A missing file fails when `../shared` exists; skips with a message only when it is absent.

use builtby_ingest::{expand_inputs, gharchive::ingest_files, FileOutcome, Silent};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

#[path = "../../test-support/shared_data.rs"]
mod shared_data;
#[path = "../../test-support/stored_text.rs"]
mod stored_text;

/// Lines the parser could not use (records not kept for want of a repository or an actor are
/// counted apart).
fn lines_skipped(r: &builtby_model::ReadReport) -> u64 {
    r.skipped
        .iter()
        .filter(|(why, _)| *why != "no repository" && *why != "no actor")
        .map(|(_, n)| n)
        .sum()
}

#[derive(Default, Debug, PartialEq)]
struct Expected {
    events_by_type: BTreeMap<String, u64>,
    kinds: BTreeMap<String, u64>,
    skipped: u64,
    /// Every contribution in file order: (work key, person, repo lower-cased, kind).
    work: Vec<(String, Person, String, &'static str)>,
    /// Every account an event names with an id (see [`sightings`]), in file order.
    seen: Vec<Person>,
    /// every `email` value in the raw events (pre-2015 files carry authors' and actors' ones)
    emails: BTreeSet<String>,
    /// every address written in any other text of the raw events (bodies, messages…)
    text_addresses: BTreeSet<String>,
}

/// A person as the independent count knows them: GitHub id where the record has one, else the
/// lower-cased login; with the login and time (Unix seconds), to name them by their latest
/// login.
#[derive(Debug, Clone, PartialEq)]
struct Person {
    id: Option<i64>,
    login: String,
    at: i64,
}

fn time_of(e: &Value) -> i64 {
    builtby_model::time::parse_rfc3339(e["created_at"].as_str().unwrap_or_default()).unwrap()
}

/// Every user object of an event with a login and an id, found by walking the whole event:
/// the accounts it names. Not the repository's owner (the envelope's `org`, a PR's `base`,
/// the Timeline `repository`) and no organisation.
fn sightings(e: &Value, out: &mut Vec<Person>) {
    fn walk(v: &Value, at: i64, out: &mut Vec<Person>) {
        match v {
            Value::Object(o) => {
                if let (Some(login), Some(id)) = (
                    o.get("login")
                        .and_then(Value::as_str)
                        .filter(|l| !l.is_empty()),
                    o.get("id").and_then(id_of),
                ) {
                    if o.get("type").and_then(Value::as_str) != Some("Organization") {
                        out.push(Person {
                            id: Some(id),
                            login: login.to_string(),
                            at,
                        });
                    }
                }
                for (k, v) in o {
                    if k != "base" {
                        walk(v, at, out);
                    }
                }
            }
            Value::Array(a) => a.iter().for_each(|v| walk(v, at, out)),
            _ => {}
        }
    }
    let at = time_of(e);
    for (k, v) in e.as_object().into_iter().flatten() {
        if k != "org" && k != "repository" {
            walk(v, at, out);
        }
    }
}

fn id_of(v: &Value) -> Option<i64> {
    v.as_i64()
        .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
}

/// Who the crediting table credits, with what identifies the work.
fn credited(e: &Value, kind: &str, line: &str) -> (String, Person) {
    let p = &e["payload"];
    let who = match kind {
        "pr_merged" | "pr_closed_unmerged" => &p["pull_request"]["user"],
        "member_added" => &p["member"],
        _ => &e["actor"],
    };
    let person = Person {
        id: id_of(&who["id"]),
        login: login_of(who).unwrap().to_string(),
        at: time_of(e),
    };
    let number = id_of(&p["number"])
        .or_else(|| id_of(&p["pull_request"]["number"]))
        .or_else(|| id_of(&p["issue"]["number"]));
    let object = match kind {
        "review" => id_of(&p["review"]["id"]),
        "review_comment" | "issue_comment" => id_of(&p["comment"]["id"]),
        "push" => id_of(&p["push_id"]),
        "release" => id_of(&p["release"]["id"]),
        _ => None,
    };
    let what = match (kind, number, object) {
        ("pr_opened" | "pr_merged" | "pr_closed_unmerged" | "issue_opened", Some(n), _) => {
            format!("#{n}")
        }
        ("review" | "review_comment" | "issue_comment" | "push" | "release", _, Some(i)) => {
            format!("/{i}")
        }
        _ => format!(
            "event {}",
            e["id"]
                .as_str()
                .map(str::to_string)
                .unwrap_or_else(|| line.to_string())
        ),
    };
    (format!("{kind} {what}"), person)
}

fn login_of(v: &Value) -> Option<&str> {
    match v {
        Value::String(s) if !s.is_empty() => Some(s),
        Value::Object(o) => o
            .get("login")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty()),
        _ => None,
    }
}

fn has_repo(e: &Value) -> bool {
    let valid = |s: &str| {
        let parts: Vec<&str> = s.split('/').collect();
        parts.len() == 2 && !parts[0].is_empty() && !parts[1].is_empty()
    };
    if e["repo"]["name"].as_str().is_some_and(valid) {
        return true;
    }
    if let (Some(o), Some(n)) = (
        login_of(&e["repository"]["owner"]),
        e["repository"]["name"].as_str(),
    ) {
        if valid(&format!("{o}/{n}")) {
            return true;
        }
    }
    e["payload"]["repo"].as_str().is_some_and(valid)
}

fn repo_of(e: &Value) -> String {
    if let Some(n) = e["repo"]["name"]
        .as_str()
        .filter(|n| n.contains('/') && !n.starts_with('/'))
    {
        return n.to_string();
    }
    if let (Some(o), Some(n)) = (
        login_of(&e["repository"]["owner"]),
        e["repository"]["name"].as_str(),
    ) {
        return format!("{o}/{n}");
    }
    e["payload"]["repo"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// Per (person's latest login, repo, kind): each piece of work counted once, credited to whoever
/// the first record of it credits; people are one by GitHub id, login-only records joining the
/// person whose id was seen with that login, credited or named in any event (as the store's
/// resolver does), and an id's login is the one on its latest event.
fn independent_counts(
    work: &[(String, Person, String, &'static str)],
    seen: &[Person],
) -> BTreeMap<(String, String, String), u64> {
    let mut keys = std::collections::HashSet::new();
    let mut firsts: Vec<&(String, Person, String, &'static str)> = Vec::new();
    for w in work {
        if keys.insert(w.0.clone()) {
            firsts.push(w);
        }
    }
    // Every login an id was seen under, and its latest.
    let mut latest: BTreeMap<i64, (i64, String)> = BTreeMap::new();
    let mut id_of_login: BTreeMap<String, i64> = BTreeMap::new();
    for p in work.iter().map(|w| &w.1).chain(seen) {
        if let Some(id) = p.id {
            let l = latest.entry(id).or_insert_with(|| (p.at, p.login.clone()));
            if p.at >= l.0 {
                *l = (p.at, p.login.clone());
            }
            id_of_login
                .entry(p.login.to_ascii_lowercase())
                .or_insert(id);
        }
    }
    let mut out = BTreeMap::new();
    for (_, p, repo, kind) in firsts {
        let id =
            p.id.or_else(|| id_of_login.get(&p.login.to_ascii_lowercase()).copied());
        let login = match id {
            Some(id) => latest[&id].1.clone(),
            None => p.login.clone(),
        };
        *out.entry((login.to_ascii_lowercase(), repo.clone(), kind.to_string()))
            .or_default() += 1;
    }
    out
}

/// The crediting table of the issue, applied to one parsed event.
fn kind_of(e: &Value) -> Option<&'static str> {
    let t = e["type"].as_str()?;
    let p = &e["payload"];
    if !p.is_object() || !has_repo(e) {
        return None;
    }
    let action = p["action"].as_str();
    let actor = login_of(&e["actor"]).is_some();
    let created = action.is_none() || action == Some("created");
    match t {
        "PullRequestEvent" if action == Some("opened") && actor => Some("pr_opened"),
        "PullRequestEvent" if action == Some("closed") => {
            let pr = &p["pull_request"];
            let merged = pr["merged"]
                .as_bool()
                .or(pr["merged_at"].as_str().map(|_| true))?;
            login_of(&pr["user"])?;
            Some(if merged {
                "pr_merged"
            } else {
                "pr_closed_unmerged"
            })
        }
        "PullRequestReviewEvent" if actor => Some("review"),
        "PullRequestReviewCommentEvent" if created && actor => Some("review_comment"),
        "IssuesEvent" if action == Some("opened") && actor => Some("issue_opened"),
        "IssueCommentEvent" if created && actor => Some("issue_comment"),
        "PushEvent" if actor => Some("push"),
        "ReleaseEvent" if actor => Some("release"),
        "MemberEvent" => login_of(&p["member"]).map(|_| "member_added"),
        _ => None,
    }
}

/// Every string under a key named `email` that holds an address (lower case) into `x.emails`;
/// addresses written in any other string into `x.text_addresses`.
fn emails(v: &Value, x: &mut Expected) {
    match v {
        Value::Object(o) => {
            for (k, v) in o {
                match v.as_str() {
                    Some(s) if k == "email" => {
                        if s.contains('@') {
                            x.emails.insert(s.trim().to_ascii_lowercase());
                        }
                    }
                    _ => emails(v, x),
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|v| emails(v, x)),
        Value::String(s) if s.contains('@') => {
            let found = stored_text::StoredText {
                bytes: s.as_bytes().to_vec(),
            }
            .addresses();
            x.text_addresses.extend(found);
        }
        _ => {}
    }
}

fn expected(path: &Path) -> Expected {
    let raw = std::fs::read(path).unwrap();
    let text: Vec<u8> = if raw.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        flate2::read::MultiGzDecoder::new(&raw[..])
            .read_to_end(&mut out)
            .unwrap();
        out
    } else {
        raw
    };
    let mut x = Expected::default();
    let values: Vec<(Result<Value, ()>, String)> = if text.starts_with(b"{\n") {
        serde_json::Deserializer::from_slice(&text)
            .into_iter::<Value>()
            .enumerate()
            .map(|(i, r)| (r.map_err(|_| ()), format!("{}:{i}", path.display())))
            .collect()
    } else {
        BufReader::new(&text[..])
            .lines()
            .map(|l| l.unwrap())
            .filter(|l| !l.trim().is_empty())
            .map(|l| (serde_json::from_str(&l).map_err(|_| ()), l))
            .collect()
    };
    for (v, line) in values {
        match v {
            Ok(e) if e["type"].is_string() && e["created_at"].is_string() => {
                emails(&e, &mut x);
                sightings(&e, &mut x.seen);
                *x.events_by_type
                    .entry(e["type"].as_str().unwrap().to_string())
                    .or_default() += 1;
                if let Some(k) = kind_of(&e) {
                    *x.kinds.entry(k.to_string()).or_default() += 1;
                    let (what, person) = credited(&e, k, &line);
                    let repo = repo_of(&e).to_ascii_lowercase();
                    x.work.push((format!("{repo} {what}"), person, repo, k));
                }
            }
            _ => x.skipped += 1,
        }
    }
    x
}

/// Every shared file ingested into a fresh store (its data folder, the store, the report), or
/// `None` when `../shared` is absent.
fn ingest_shared(
    tag: &str,
) -> Option<(
    std::path::PathBuf,
    builtby_store::Store,
    builtby_ingest::IngestReport,
)> {
    let dir = shared_data::shared_data("gharchive")?;
    let (files, errors) = expand_inputs(&[dir]);
    assert!(errors.is_empty(), "{errors:?}");
    assert!(
        files.len() >= 11,
        "expected the shared files, found {}",
        files.len()
    );
    let data = std::env::temp_dir().join(format!("builtby-real-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data);
    let mut store = builtby_store::Store::open(&data).unwrap();
    let report = ingest_files(&mut store, &files, 2, &Silent).unwrap();
    assert!(report.all_complete());
    Some((data, store, report))
}

/// Addresses in the raw events that no stored one may match: (those of `email` fields,
/// those written in other text).
fn raw_addresses(report: &builtby_ingest::IngestReport) -> (BTreeSet<String>, BTreeSet<String>) {
    let (mut fields, mut text) = (BTreeSet::new(), BTreeSet::new());
    for f in &report.files {
        let mut x = expected(&f.path);
        fields.append(&mut x.emails);
        text.append(&mut x.text_addresses);
    }
    (fields, text)
}

#[test]
fn exact_counts_on_every_shared_file() {
    let Some((data, mut store, report)) = ingest_shared("counts") else {
        return;
    };
    let files: Vec<std::path::PathBuf> = report.files.iter().map(|f| f.path.clone()).collect();
    let mut total_kinds: BTreeMap<String, u64> = BTreeMap::new();
    let mut total_events = 0;
    let mut all_work = Vec::new();
    let mut all_seen = Vec::new();
    for f in &report.files {
        let mut want = expected(&f.path);
        all_work.append(&mut want.work);
        all_seen.append(&mut want.seen);
        let FileOutcome::Loaded {
            report: stats,
            summary,
        } = &f.outcome
        else {
            panic!("{}: {:?}", f.path.display(), f.outcome)
        };
        assert_eq!(
            stats.by_type,
            want.events_by_type,
            "{}: events by type",
            f.path.display()
        );
        assert_eq!(
            stats.by_kind,
            want.kinds,
            "{}: contributions by kind",
            f.path.display()
        );
        assert_eq!(
            lines_skipped(stats),
            want.skipped,
            "{}: skipped lines",
            f.path.display()
        );
        assert_eq!(
            summary.new_contributions + summary.duplicates,
            want.kinds.values().sum::<u64>(),
            "{}: every contribution stored, or found stored",
            f.path.display()
        );
        for (k, n) in want.kinds {
            *total_kinds.entry(k).or_default() += n;
        }
        total_events += stats.read;
    }
    eprintln!(
        "checked {} files, {total_events} events: {total_kinds:?}",
        report.files.len()
    );
    // What the store holds (all people, bots included), per person, repository and kind, is
    // exactly the independent count of distinct work.
    let want = independent_counts(&all_work, &all_seen);
    let mut stored: BTreeMap<(String, String, String), u64> = BTreeMap::new();
    store
        .each_count(|login, _, repo, kind, n| {
            // derived from the conversation by the store, not read from a file (its own
            // tests: store/src/tests_weights.rs)
            if kind == builtby_model::Kind::PrRevised {
                return;
            }
            *stored
                .entry((
                    login.to_ascii_lowercase(),
                    repo.to_ascii_lowercase(),
                    kind.to_string(),
                ))
                .or_default() += n as u64
        })
        .unwrap();
    let differ: Vec<_> = want
        .iter()
        .filter(|(k, n)| stored.get(*k) != Some(n))
        .map(|(k, n)| (k.clone(), *n, stored.get(k).copied()))
        .chain(
            stored
                .iter()
                .filter(|(k, _)| !want.contains_key(*k))
                .map(|(k, n)| (k.clone(), 0, Some(*n))),
        )
        .take(20)
        .collect();
    assert!(
        differ.is_empty(),
        "(login, repo, kind), want, stored: {differ:?}"
    );
    let distinct: u64 = want.values().sum();
    let duplicates: u64 = report
        .files
        .iter()
        .map(|f| match &f.outcome {
            FileOutcome::Loaded { summary, .. } => summary.duplicates,
            _ => 0,
        })
        .sum();
    assert_eq!(distinct + duplicates, total_kinds.values().sum::<u64>());
    eprintln!("{distinct} distinct pieces of work, {duplicates} seen twice");
    // Known figures from SOURCES.md hold.
    let y2011 = report
        .files
        .iter()
        .find(|f| f.path.ends_with("2011-02-15-0.json.gz"))
        .unwrap();
    if let FileOutcome::Loaded { report: stats, .. } = &y2011.outcome {
        assert_eq!(
            (
                stats.read,
                stats.by_type["PushEvent"],
                stats.by_type["PullRequestEvent"]
            ),
            (1639, 889, 40)
        );
    }
    // Re-ingesting changes nothing.
    let again = ingest_files(&mut store, &files, 2, &Silent).unwrap();
    assert!(again
        .files
        .iter()
        .all(|f| f.outcome == FileOutcome::AlreadyLoaded));
    // plus the rows the store derives from conversations (PRs revised after review)
    let stats = store.stats().unwrap();
    let derived: i64 = stats
        .contributions_by_kind
        .iter()
        .filter(|(k, _)| k == "pr_revised")
        .map(|(_, n)| n)
        .sum();
    assert_eq!(stats.contributions as u64, distinct + derived as u64);
    // No e-mail address anywhere in what was stored for people.
    let people = store
        .people(&(1..=store.stats().unwrap().people).collect::<Vec<_>>())
        .unwrap();
    for p in people {
        for v in [&p.name, &p.location, &p.company, &p.blog]
            .into_iter()
            .flatten()
        {
            assert!(
                !builtby_model::looks_like_email(v),
                "e-mail stored for {}: {v}",
                p.login
            );
        }
    }
    // No address read from an `email` field of the raw events is anywhere in the database:
    // its file, its WAL or any value read through SQL. (Addresses also written in a body are
    // the next test's.)
    let (fields, text) = raw_addresses(&report);
    let field_only: BTreeSet<&String> = fields.difference(&text).collect();
    assert!(
        field_only.len() > 100,
        "the pre-2015 files carry e-mail addresses: {}",
        field_only.len()
    );
    let stored = stored_text::StoredText::read(&data);
    assert!(
        stored.contains("rails/rails"),
        "the check sees what was stored"
    );
    let leaked: Vec<String> = stored
        .addresses()
        .into_iter()
        .filter(|a| field_only.contains(a))
        .collect();
    assert!(leaked.is_empty(), "e-mail addresses stored: {leaked:?}");
    drop(store);
    let _ = std::fs::remove_dir_all(&data);
}

/// DESIGN.md: "never store or show e-mails". Addresses written in PR, issue and comment bodies
/// (signatures, `Signed-off-by:` lines) are scrubbed on the store's one write path.
#[test]
fn no_address_written_in_the_raw_events_is_stored() {
    let Some((data, store, report)) = ingest_shared("text") else {
        return;
    };
    let (fields, text) = raw_addresses(&report);
    let stored = stored_text::StoredText::read(&data);
    let leaked: Vec<String> = stored
        .addresses()
        .into_iter()
        .filter(|a| fields.contains(a) || text.contains(a))
        .collect();
    drop(store);
    let _ = std::fs::remove_dir_all(&data);
    assert!(leaked.is_empty(), "e-mail addresses stored: {leaked:?}");
}

/// The materialised ranking answers "everyone" exactly as scoring everyone does: the same
/// people, order, scores, details, evidence, standings and totals, for pages deep and
/// shallow, with bots, and within a metro or a country (the shared hours of 2012–2014 carry
/// profile locations).
#[test]
fn the_ranking_answers_as_scoring_everyone_does() {
    use builtby_search::{Catalog, Query};
    let Some((_data, mut store, _)) = ingest_shared("ranking") else {
        return;
    };
    builtby_ingest::locations::normalise_stored(
        &mut store,
        builtby_ingest::locations::Locations::new(),
    )
    .unwrap();
    let (catalog, bots) = (Catalog::shipped(), builtby_model::BotRules::default());
    let as_of = Query::default().as_of;
    assert!(builtby_search::ranking::refresh(&mut store, &catalog, &bots, as_of).unwrap());
    // current now: a second refresh builds nothing
    assert!(!builtby_search::ranking::refresh(&mut store, &catalog, &bots, as_of).unwrap());
    let base = Query {
        as_of,
        ..Default::default()
    };
    let mut queries = vec![
        base.clone(),
        Query {
            limit: 200,
            ..base.clone()
        },
        Query {
            offset: 1000,
            limit: 30,
            ..base.clone()
        },
        Query {
            include_bots: true,
            limit: 50,
            ..base.clone()
        },
    ];
    // the most common metros and countries among the people stored
    let mut places: BTreeMap<(bool, String), usize> = BTreeMap::new();
    let ids: Vec<i64> = (1..=200_000).collect();
    for p in store.places(&ids).unwrap().into_values() {
        if let Some(m) = p.metro {
            *places.entry((true, m)).or_default() += 1;
        }
        if let Some(c) = p.country {
            *places.entry((false, c)).or_default() += 1;
        }
    }
    let mut common: Vec<_> = places.into_iter().collect();
    common.sort_by_key(|c| std::cmp::Reverse(c.1));
    assert!(common.len() >= 4, "{common:?}");
    for ((is_metro, name), _) in common.into_iter().take(6) {
        let mut q = Query {
            limit: 40,
            ..base.clone()
        };
        if is_metro {
            q.metro = Some(name);
        } else {
            q.country = Some(name);
        }
        queries.push(q);
    }
    // broad scopes (more people than are scored whole): the ranking bounds them
    let since = |d: &str| builtby_search::query::parse_time("since", d, as_of).unwrap();
    for (kinds, from, limit, offset) in [
        (vec![], Some("2014-01-01"), 50, 0),
        (vec![], Some("2013-01-01"), 20, 300),
        (vec![builtby_model::Kind::Push], None, 20, 0),
        (vec![builtby_model::Kind::PrMerged], None, 20, 0),
        (vec![builtby_model::Kind::PrMerged], None, 10, 40),
        (vec![builtby_model::Kind::Push], Some("2015-01-01"), 100, 0),
        (
            vec![
                builtby_model::Kind::IssueComment,
                builtby_model::Kind::IssueOpened,
            ],
            None,
            20,
            0,
        ),
    ] {
        queries.push(Query {
            kinds,
            since: from.map(since),
            limit,
            offset,
            ..base.clone()
        });
    }
    queries.push(Query {
        since: Some(since("2012-01-01")),
        include_bots: true,
        ..base.clone()
    });
    for l in [
        "san francisco",
        "berlin",
        "germany",
        "SF",
        "london, uk",
        "münchen",
        "São Paulo",
        "bay area",
    ] {
        queries.push(Query {
            location: Some(l.into()),
            ..base.clone()
        });
    }
    for q in &queries {
        let fast = builtby_search::search(&store, &catalog, &bots, q).unwrap();
        let slow = builtby_search::search_scoring_everyone(&store, &catalog, &bots, q).unwrap();
        assert!(!slow.results.is_empty(), "{q:?}");
        assert_eq!(
            serde_json::to_value(&fast).unwrap(),
            serde_json::to_value(&slow).unwrap(),
            "{q:?}"
        );
    }
}
