//! Stars and forks count for nothing: GH Archive `WatchEvent`s (a star) and `ForkEvent`s, read
//! through the real ingest path next to a merged PR, give no contribution, no person, no repo
//! weight and no score, and a repository known only from a star is not searchable.

use builtby_ingest::{gharchive::ingest_files, FileOutcome, Silent};
use builtby_model::{BotRules, Kind};
use builtby_search::{person::person_report, search, Catalog, Query};
use builtby_store::Store;
use flate2::write::GzEncoder;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Lines the parser could not use (records not kept for want of a repository or an actor are
/// counted apart).
fn lines_skipped(r: &builtby_model::ReadReport) -> u64 {
    r.skipped
        .iter()
        .filter(|(why, _)| *why != "no repository" && *why != "no actor")
        .map(|(_, n)| n)
        .sum()
}

struct TempDir(PathBuf);
impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn temp(tag: &str) -> TempDir {
    let d = std::env::temp_dir().join(format!("builtby-stars-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    TempDir(d)
}

fn user(login: &str, id: i64) -> String {
    format!(
        r#"{{"id":{id},"login":"{login}","gravatar_id":"","url":"https://api.github.com/users/{login}","avatar_url":"https://avatars.githubusercontent.com/u/{id}?"}}"#
    )
}

fn repo(name: &str, id: i64) -> String {
    format!(r#"{{"id":{id},"name":"{name}","url":"https://api.github.com/repos/{name}"}}"#)
}

/// A merged PR by `ana` in org/lib, in the Events API shape GH Archive has stored since 2015.
fn merged_pr() -> String {
    format!(
        r#"{{"id":"2489000001","type":"PullRequestEvent","actor":{cy},"repo":{lib},"payload":{{"action":"closed","number":7,"pull_request":{{"url":"https://api.github.com/repos/org/lib/pulls/7","id":26700001,"html_url":"https://github.com/org/lib/pull/7","number":7,"state":"closed","title":"Speed up the tokenizer","user":{ana},"body":"Faster.","created_at":"2014-12-30T10:00:00Z","updated_at":"2015-01-01T03:00:00Z","closed_at":"2015-01-01T03:00:00Z","merged_at":"2015-01-01T03:00:00Z","merged":true,"merged_by":{cy},"comments":0,"commits":1,"additions":10,"deletions":2,"changed_files":1,"base":{{"repo":{{"id":9001,"name":"lib","full_name":"org/lib"}}}}}}}},"public":true,"created_at":"2015-01-01T03:00:00Z","org":{{"id":5,"login":"org"}}}}"#,
        ana = user("ana", 1),
        cy = user("cy", 3),
        lib = repo("org/lib", 9001),
    )
}

/// A star: `WatchEvent` with `action: started`.
fn star(who: &str, id: i64, name: &str, repo_id: i64, event: u64) -> String {
    format!(
        r#"{{"id":"{event}","type":"WatchEvent","actor":{actor},"repo":{repo},"payload":{{"action":"started"}},"public":true,"created_at":"2015-01-01T03:10:00Z"}}"#,
        actor = user(who, id),
        repo = repo(name, repo_id),
    )
}

/// A fork, with its `forkee` (the new repository, owned by the forker).
fn fork(who: &str, id: i64, name: &str, repo_id: i64, event: u64) -> String {
    let short = name.split('/').nth(1).unwrap();
    format!(
        r#"{{"id":"{event}","type":"ForkEvent","actor":{actor},"repo":{repo},"payload":{{"forkee":{{"id":28679531,"name":"{short}","full_name":"{who}/{short}","owner":{actor},"private":false,"html_url":"https://github.com/{who}/{short}","description":"","fork":true,"created_at":"2015-01-01T03:20:00Z","updated_at":"2015-01-01T03:20:00Z","pushed_at":"2015-01-01T03:00:00Z","stargazers_count":0,"watchers_count":0,"forks_count":0,"public":true}}}},"public":true,"created_at":"2015-01-01T03:20:00Z"}}"#,
        actor = user(who, id),
        repo = repo(name, repo_id),
    )
}

fn write_hour(dir: &Path, lines: &[String]) -> PathBuf {
    let p = dir.join("2015-01-01-3.json.gz");
    let mut gz = GzEncoder::new(std::fs::File::create(&p).unwrap(), Default::default());
    for l in lines {
        writeln!(gz, "{l}").unwrap();
    }
    gz.finish().unwrap();
    p
}

/// Ingests `lines` as one GH Archive hour into a fresh store.
fn load(dir: &Path, lines: &[String]) -> (Store, FileOutcome) {
    let file = write_hour(dir, lines);
    let mut store = Store::open(&dir.join("data")).unwrap();
    let report = ingest_files(&mut store, &[file], 1, &Silent).unwrap();
    assert!(report.all_complete());
    let outcome = report.files.into_iter().next().unwrap().outcome;
    (store, outcome)
}

fn query() -> Query {
    Query {
        as_of: builtby_model::time::parse_date_or_time("2015-06-01").unwrap(),
        include_bots: true,
        ..Default::default()
    }
}

#[test]
fn stars_and_forks_count_for_nothing() {
    let with = temp("with");
    let without = temp("without");
    let (store, outcome) = load(
        &with.0,
        &[
            merged_pr(),
            star("stargazer", 77, "org/lib", 9001, 2489000002),
            fork("stargazer", 77, "org/lib", 9001, 2489000003),
            // ana stars her own repository: still nothing
            star("ana", 1, "org/lib", 9001, 2489000004),
            // a repository known only from a star and a fork
            star("stargazer", 77, "other/tool", 9002, 2489000005),
            fork("stargazer", 77, "other/tool", 9002, 2489000006),
        ],
    );
    let (baseline, _) = load(&without.0, &[merged_pr()]);

    // Read, counted by type, and not one contribution.
    let FileOutcome::Loaded {
        report: stats,
        summary,
    } = &outcome
    else {
        panic!("{outcome:?}")
    };
    assert_eq!(stats.read, 6);
    assert_eq!(stats.by_type["WatchEvent"], 3);
    assert_eq!(stats.by_type["ForkEvent"], 2);
    assert_eq!(lines_skipped(stats), 0);
    assert_eq!(
        stats.by_kind,
        [("pr_merged".to_string(), 1)].into_iter().collect(),
        "only the merged PR is a contribution"
    );
    assert_eq!(summary.new_contributions, 1);

    // What is stored: the PR, credited to its author, and nothing else.
    let mut counts = Vec::new();
    store
        .each_count(|login, _, repo, kind, n| {
            counts.push((login.to_string(), repo.to_string(), kind, n))
        })
        .unwrap();
    assert_eq!(
        counts,
        [("ana".to_string(), "org/lib".to_string(), Kind::PrMerged, 1)]
    );
    assert_eq!(store.stats().unwrap().contributions, 1);

    // The stargazer, who starred and forked twice, has no score and no evidence.
    let (catalog, bots) = (Catalog::shipped(), BotRules::default());
    if let Some(p) = person_report(&store, &catalog, &bots, "stargazer", &query()).unwrap() {
        assert_eq!(p.score, 0.0, "{p:?}");
        assert!(p.evidence.is_empty() && p.totals.is_empty(), "{p:?}");
    }
    // Searching everyone finds ana alone, with exactly the score she has without the stars:
    // neither her own star nor the stargazer's star and fork weigh her work or her repository.
    let all = search(&store, &catalog, &bots, &query()).unwrap();
    let base = search(&baseline, &catalog, &bots, &query()).unwrap();
    /// (login, score bits, counts) per result
    type Row = (String, u64, Vec<(Kind, i64)>);
    let people = |r: &builtby_search::SearchResults| -> Vec<Row> {
        r.results
            .iter()
            .map(|x| (x.login.clone(), x.score.to_bits(), x.counts.clone()))
            .collect()
    };
    assert_eq!(all.results.len(), 1, "{:?}", people(&all));
    assert_eq!(all.results[0].login, "ana");
    assert!(all.results[0].score > 0.0);
    assert_eq!(people(&all), people(&base), "stars change no score");
    // The repository known only from stars and forks has no one.
    let starred = search(
        &store,
        &catalog,
        &bots,
        &Query {
            repos: vec!["other/tool".into()],
            ..query()
        },
    )
    .unwrap();
    assert_eq!(starred.total, 0, "{:?}", people(&starred));
    for repo in ["other/tool", "stargazer/tool", "stargazer/lib"] {
        let r = search(
            &store,
            &catalog,
            &bots,
            &Query {
                repos: vec![repo.into()],
                ..query()
            },
        )
        .unwrap();
        assert!(r.results.is_empty(), "{repo}: {:?}", people(&r));
    }
}
