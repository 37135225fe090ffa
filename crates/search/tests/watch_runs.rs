//! Saved searches against a real store: who is new and who dropped out run after run, the
//! minimum score, renames, and runs whose webhook failed (not saved, reported again).

use builtby_model::{time::DAY, Actor, BotRules, Contribution, Kind, Record};
use builtby_search::query::Params;
use builtby_search::watch::{self as w, Delivery, NewWatch, WatchError};
use builtby_search::Catalog;
use builtby_store::{InputFile, Store};
use std::cell::Cell;

/// 2024-06-01: runs score as of a fixed day.
const NOW: i64 = 19_875 * DAY;

fn temp(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("builtby-watch-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn actor(id: i64, login: &str) -> Actor {
    Actor {
        github_id: Some(id),
        login: login.into(),
        is_bot_type: false,
    }
}

/// One input: `n` merged PRs in o/r by each `(id, login, n)`, numbered from `first`.
fn load(store: &mut Store, name: &str, first: i64, people: &[(i64, &str, i64)]) {
    let mut load = store.begin().unwrap();
    let mut number = first;
    for &(id, login, n) in people {
        for _ in 0..n {
            let mut c = Contribution::new(
                format!("pr/o/r#{number}"),
                Kind::PrMerged,
                "o/r".into(),
                actor(id, login),
                (19_800 + number) * DAY,
            );
            c.number = Some(number);
            c.title = Some(format!("Speed up the kernel {number}"));
            load.add(&Record::Contribution(Box::new(c))).unwrap();
            number += 1;
        }
    }
    let input = InputFile {
        source: builtby_model::Source::Github,
        path: format!("{name}.json").into(),
        size: 1,
        checksum: format!("sum-{name}"),
    };
    load.commit(
        &input,
        &builtby_model::ReadReport::new(builtby_model::Source::Github),
    )
    .unwrap();
}

fn params(v: &[(&str, &str)]) -> Params {
    v.iter().copied().collect()
}

fn logins<T>(v: &[T], f: impl Fn(&T) -> &str) -> Vec<String> {
    let mut l: Vec<String> = v.iter().map(|x| f(x).to_string()).collect();
    l.sort();
    l
}

#[test]
fn runs_say_who_is_new_and_who_dropped_out() {
    let (c, bots) = (Catalog::shipped(), BotRules::default());
    let mut store = Store::open(&temp("runs")).unwrap();
    load(&mut store, "h1", 1, &[(1, "ana", 3), (2, "bo", 1)]);
    let top2 = NewWatch {
        name: "top2".into(),
        params: params(&[("repo", "o/r"), ("limit", "2")]),
        min_score: None,
        webhook: None,
    };
    w::add(&store, &c, &bots, "t", &top2, NOW).unwrap();
    assert!(matches!(
        w::add(&store, &c, &bots, "t", &top2, NOW),
        Err(WatchError::Exists(_))
    ));
    let bad = NewWatch {
        name: "bad".into(),
        params: params(&[("kind", "stars")]),
        ..top2.clone()
    };
    match w::add(&store, &c, &bots, "t", &bad, NOW) {
        Err(WatchError::Search(builtby_search::SearchError::Query(q))) => {
            assert_eq!(q.param, "kind")
        }
        other => panic!("{other:?}"),
    }

    let mailto = NewWatch {
        name: "mail".into(),
        params: params(&[("text", "kernel ana@example.com")]),
        ..top2.clone()
    };
    match w::add(&store, &c, &bots, "t", &mailto, NOW) {
        Err(WatchError::Bad { param, message }) => {
            assert_eq!(param, "text");
            assert!(message.contains("e-mail address"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(store.watches().unwrap().len(), 1, "nothing else was saved");

    let r = w::run(&mut store, &c, &bots, "t", "TOP2", NOW, None).unwrap();
    assert!(r.first_run && r.saved);
    assert_eq!(r.inputs_since_last_run, None);
    assert_eq!(logins(&r.new, |n| &n.login), ["ana", "bo"]);
    assert_eq!(r.qualifies, "in the top 2 results");
    let ana = r.new.iter().find(|n| n.login == "ana").unwrap();
    assert_eq!(ana.rank, 1);
    assert!(ana.top_evidence.as_ref().unwrap().url.contains("/pull/"));

    // cy outranks bo
    load(&mut store, "h2", 10, &[(3, "cy", 5)]);
    let peek = w::check(&store, &c, &bots, "t", "top2", NOW).unwrap();
    assert!(!peek.saved);
    assert_eq!(logins(&peek.new, |n| &n.login), ["cy"]);
    let r = w::run(&mut store, &c, &bots, "t", "top2", NOW, None).unwrap();
    assert_eq!(r, {
        let mut p = peek.clone();
        p.saved = true;
        p
    });
    assert_eq!(r.inputs_since_last_run, Some(1));
    assert_eq!(logins(&r.new, |n| &n.login), ["cy"]);
    assert_eq!(logins(&r.dropped, |d| &d.login), ["bo"]);
    let bo = &r.dropped[0];
    assert_eq!((bo.previous_rank, bo.rank), (2, None));
    assert!(
        bo.why.contains("no longer in the top 2 results"),
        "{}",
        bo.why
    );
    assert_eq!(bo.profile_url.as_deref(), Some("https://github.com/bo"));

    // ana renames herself: the same person, neither new nor dropped
    load(&mut store, "h3", 20, &[(1, "ana-renamed", 1)]);
    let r = w::run(&mut store, &c, &bots, "t", "top2", NOW, None).unwrap();
    assert!(r.new.is_empty() && r.dropped.is_empty(), "{r:?}");
    assert_eq!(
        logins(&store.watch_people("top2").unwrap(), |p| &p.login),
        ["ana-renamed", "cy"]
    );
    assert_eq!(store.watch("top2").unwrap().unwrap().runs, 3);
    assert_eq!(
        logins(&w::qualified(&store, "top2").unwrap(), |p| &p.login),
        ["ana-renamed", "cy"]
    );

    w::remove(&mut store, "t", "top2").unwrap();
    assert!(matches!(
        w::run(&mut store, &c, &bots, "t", "top2", NOW, None),
        Err(WatchError::NotFound(_))
    ));
}

#[test]
fn a_minimum_score_and_a_failed_webhook() {
    let (c, bots) = (Catalog::shipped(), BotRules::default());
    let mut store = Store::open(&temp("min")).unwrap();
    load(&mut store, "h1", 1, &[(1, "ana", 4), (2, "bo", 1)]);
    let probe = builtby_search::search(
        &store,
        &c,
        &bots,
        &params(&[("repo", "o/r")]).build(&c, NOW).unwrap(),
    )
    .unwrap();
    let (ana, bo) = (probe.results[0].score, probe.results[1].score);
    assert!(ana > bo);
    let min = (ana + bo) / 2.0;
    let watch = NewWatch {
        name: "strong".into(),
        params: params(&[("repo", "o/r")]),
        min_score: Some(min),
        webhook: Some("http://127.0.0.1:9/hook".into()),
    };
    w::add(&store, &c, &bots, "t", &watch, NOW).unwrap();
    let sent = Cell::new(0);
    let fails = |url: &str, alert: &w::Alert| {
        sent.set(sent.get() + 1);
        assert_eq!(url, "http://127.0.0.1:9/hook");
        assert_eq!(alert.new.len(), 1);
        Delivery {
            to: "http://127.0.0.1:9".into(),
            delivered: false,
            attempts: 4,
            error: Some("gave up".into()),
        }
    };
    let r = w::run(&mut store, &c, &bots, "t", "strong", NOW, Some(&fails)).unwrap();
    assert_eq!(sent.get(), 1);
    assert!(!r.saved, "a failed delivery leaves the run unsaved");
    assert_eq!(
        logins(&r.new, |n| &n.login),
        ["ana"],
        "bo is under the minimum"
    );
    assert_eq!(r.qualifying, 1);
    let works = |_: &str, alert: &w::Alert| {
        let v = serde_json::to_value(alert).unwrap();
        assert_eq!(v["new"][0]["login"], "ana");
        assert!(v["new"][0].get("location").is_none());
        Delivery {
            to: "x".into(),
            delivered: true,
            attempts: 1,
            error: None,
        }
    };
    let r = w::run(&mut store, &c, &bots, "t", "strong", NOW, Some(&works)).unwrap();
    assert!(r.saved && r.first_run, "reported again, then saved");
    assert_eq!(logins(&r.new, |n| &n.login), ["ana"]);

    // bo catches up past the minimum
    load(&mut store, "h2", 10, &[(2, "bo", 8)]);
    let r = w::run(&mut store, &c, &bots, "t", "strong", NOW, None).unwrap();
    assert_eq!(logins(&r.new, |n| &n.login), ["bo"]);
    // no webhook call without changes
    let never = |_: &str, _: &w::Alert| -> Delivery { panic!("nothing changed") };
    let r = w::run(&mut store, &c, &bots, "t", "strong", NOW, Some(&never)).unwrap();
    assert!(!r.has_changes() && r.saved && r.webhook.is_none());
}
