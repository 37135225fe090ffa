//! `builtby bench scale` end to end at a tiny size: the JSON's keys, every query of the mix
//! matching someone, and the generated hours read by `ingest gharchive` with no line skipped.
//! No timing is asserted.

#[path = "../../test-support/cli.rs"]
mod cli;
use cli::{run, temp};

#[test]
fn bench_scale_json_has_every_figure_and_every_query_finds_people() {
    let dir = temp("json");
    let keep = dir.join("keep");
    let (code, out, err) = run(
        &dir.join("data"),
        &[
            "bench",
            "scale",
            "--people",
            "200",
            "--contributions",
            "2000",
            "--end",
            "2026-01-01",
            "--runs",
            "3",
            "--json",
            "--keep",
            keep.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    assert_eq!(v["contributions"], 2000);
    assert_eq!(v["people"], 200);
    for key in [
        "ingest_events_per_s",
        "store_bytes",
        "peak_rss_bytes",
        "events",
        "ingest_seconds",
        "generate_seconds",
    ] {
        assert!(v[key].as_f64().is_some_and(|x| x > 0.0), "{key}: {v}");
    }
    assert_eq!(v["baseline"]["contributions"], 200);
    assert_eq!(v["baseline"]["people"], 20);
    assert!(v["git_commits"].as_u64().unwrap() > 0, "{v}");
    let queries = v["queries"].as_array().unwrap();
    let names: Vec<&str> = queries
        .iter()
        .map(|q| q["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "repo",
            "ecosystem",
            "path",
            "area",
            "text",
            "metro",
            "unscoped"
        ]
    );
    for q in queries {
        for key in ["p50_ms", "p99_ms", "growth"] {
            assert!(q[key].as_f64().is_some(), "{key}: {q}");
        }
        assert_eq!(q["scoped"], q["name"] != "unscoped", "{q}");
        assert!(
            q["results"].as_u64().unwrap() > 0,
            "the {} query matched nobody: {q}",
            q["name"]
        );
    }
    let everyone = queries[6]["results"].as_u64().unwrap();
    assert!(everyone > 150 && everyone <= 200, "{everyone}");

    // --requery: the kept stores' query mix timed again, the ingest figures as they were
    let (code, out, err) = run(
        &dir.join("data"),
        &[
            "bench",
            "scale",
            "--people",
            "200",
            "--contributions",
            "2000",
            "--runs",
            "3",
            "--json",
            "--requery",
            keep.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{err}");
    let again: serde_json::Value = serde_json::from_str(&out).unwrap();
    for key in [
        "ingest_events_per_s",
        "ingest_seconds",
        "events",
        "contributions",
    ] {
        assert_eq!(again[key], v[key], "{key}");
    }
    assert_eq!(again["baseline"]["events"], v["baseline"]["events"]);
    let matched = |v: &serde_json::Value| -> Vec<u64> {
        v["queries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|q| q["results"].as_u64().unwrap())
            .collect()
    };
    assert_eq!(matched(&again), matched(&v));
    // without kept figures: says which file it needs
    let (code, _, err) = run(
        &dir.join("data"),
        &[
            "bench",
            "scale",
            "--people",
            "200",
            "--contributions",
            "2000",
            "--requery",
            dir.join("nothing").to_str().unwrap(),
        ],
    );
    assert_ne!(code, 0);
    assert!(err.contains("size.json"), "{err}");

    // The kept hours, ingested again and counted by `stats`: every line read, none skipped.
    let data = dir.join("again");
    let hours = keep.join("full").join("gharchive");
    let (code, _, err) = run(
        &data,
        &["-q", "ingest", "gharchive", hours.to_str().unwrap()],
    );
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = run(&data, &["stats", "--json"]);
    assert_eq!(code, 0, "{err}");
    let stats: serde_json::Value = serde_json::from_str(&out).unwrap();
    let files = stats["files"].as_array().unwrap();
    let read: u64 = files
        .iter()
        .map(|f| f["contributions"].as_u64().unwrap())
        .sum();
    assert_eq!(read, 2000);
    for f in files {
        let skipped = &f["read"]["skipped"];
        assert!(
            skipped.as_object().is_none_or(|m| m.is_empty()),
            "{}: {skipped}",
            f["path"]
        );
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn bench_scale_rejects_too_few_contributions_naming_the_flag() {
    let dir = temp("few");
    let (code, _, err) = run(
        &dir.join("data"),
        &[
            "bench",
            "scale",
            "--people",
            "1000",
            "--contributions",
            "500",
            "--scratch",
            dir.to_str().unwrap(),
        ],
    );
    assert_ne!(code, 0);
    assert!(err.contains("--contributions"), "{err}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn bench_scale_generate_only_writes_the_inputs_and_stops() {
    let dir = temp("gen");
    let keep = dir.join("keep");
    let (code, out, err) = run(
        &dir.join("data"),
        &[
            "bench",
            "scale",
            "--people",
            "50",
            "--contributions",
            "600",
            "--generate-only",
            "--keep",
            keep.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("600 contributions by 50 people"), "{out}");
    let hours = std::fs::read_dir(keep.join("full").join("gharchive"))
        .unwrap()
        .count();
    assert!(hours > 0);
    assert!(!keep.join("baseline").exists() && !dir.join("data").exists());
    let _ = std::fs::remove_dir_all(dir);
}
