//! `builtby ingest arxiv` as a user runs it: the shared Atom answers, papers per author with
//! their arXiv links, a re-run that changes nothing, usage errors, and a crawl of a fake
//! export API.

#[path = "../../test-support/fake_github.rs"]
mod fake_github;
#[path = "../../test-support/shared_data.rs"]
mod shared_data;

use std::sync::Arc;
use std::time::Duration;

#[path = "../../test-support/cli.rs"]
mod cli;
use cli::{run, temp};

#[test]
fn the_shared_atom_answers_list_papers_per_author() {
    let Some(dir) = shared_data::shared_data("arxiv") else {
        return;
    };
    let data = temp("real").join("data");
    let dir = dir.to_str().unwrap();
    let (code, _, err) = run(&data, &["ingest", "arxiv", "--file", dir]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("ingested 5 file(s) (0 already loaded): 113 papers, 425 new contributions"),
        "{err}"
    );

    // Adrian Del Maestro's six papers under his full name, each linked to arXiv
    let (code, out, err) = run(&data, &["person", "arxiv:adrian-del-maestro"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with("arxiv:adrian-del-maestro — Adrian Del Maestro"),
        "{out}"
    );
    assert!(out.contains("known by name only"), "{out}");
    for id in [
        "1201.4869",
        "1005.5383",
        "0807.2873",
        "cond-mat/0702661",
        "cond-mat/0603029",
        "cond-mat/0412498",
    ] {
        assert!(
            out.contains(&format!("https://arxiv.org/abs/{id}")),
            "{id}: {out}"
        );
    }
    assert_eq!(out.matches("https://arxiv.org/abs/").count(), 6, "{out}");
    // ... and four more as "A. Del Maestro": a name is all arXiv gives
    let (_, out, _) = run(&data, &["person", "arxiv:a-del-maestro", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["evidence"].as_array().unwrap().len(), 4, "{out}");
    // a co-author of one of them
    let (_, out, _) = run(&data, &["person", "arxiv:subir-sachdev"]);
    assert!(
        out.contains("https://arxiv.org/abs/cond-mat/0412498"),
        "{out}"
    );

    // a re-run changes nothing
    let (code, _, err) = run(&data, &["ingest", "arxiv", "--file", dir]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("ingested 0 file(s) (5 already loaded): 0 papers, 0 new contributions"),
        "{err}"
    );
    let (_, stats, _) = run(&data, &["stats", "--json"]);
    assert!(stats.contains("arxiv"), "{stats}");
}

#[test]
fn usage_errors_name_the_flag() {
    let data = temp("usage").join("data");
    for (args, want) in [
        (vec!["ingest", "arxiv"], "--file"),
        (vec!["ingest", "arxiv", "--category", "cs.LG"], "--from"),
        (
            vec![
                "ingest",
                "arxiv",
                "--category",
                "cs LG",
                "--from",
                "2024-01-01",
            ],
            "--category",
        ),
        (
            vec![
                "ingest",
                "arxiv",
                "--category",
                "cs.LG",
                "--from",
                "2024-01-01",
                "--delay",
                "1",
            ],
            "--delay",
        ),
        (
            vec![
                "ingest",
                "arxiv",
                "--category",
                "cs.LG",
                "--from",
                "2024-02-01",
                "--to",
                "2024-01-01",
            ],
            "--to",
        ),
        (
            vec![
                "ingest",
                "arxiv",
                "--category",
                "cs.LG",
                "--from",
                "2024-01-01",
                "--page-size",
                "0",
            ],
            "--page-size",
        ),
    ] {
        let (code, _, err) = run(&data, &args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains(want), "{args:?}: {err}");
    }
    let (code, _, err) = run(&data, &["ingest", "arxiv", "--file", "/nonexistent.xml"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("no such file"), "{err}");
}

#[test]
fn a_crawl_of_a_fake_export_api() {
    let fake = fake_github::serve(Arc::new(|path: &str, _n: usize, _: Option<&str>| {
        let body = if path.contains("[202401010000+TO+202401012359]") {
            r#"<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" xmlns:arxiv="http://arxiv.org/schemas/atom">
<opensearch:totalResults>1</opensearch:totalResults><opensearch:startIndex>0</opensearch:startIndex>
<entry><id>http://arxiv.org/abs/2401.00001v1</id><title>Fast attention</title>
<published>2024-01-01T10:00:00Z</published><updated>2024-01-01T10:00:00Z</updated>
<summary>Code: https://github.com/o/r</summary>
<arxiv:primary_category term="cs.LG"/><category term="cs.LG"/>
<author><name>Ana Bell</name></author></entry></feed>"#.to_string()
        } else {
            r#"<feed xmlns="http://www.w3.org/2005/Atom"><opensearch:totalResults xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">0</opensearch:totalResults></feed>"#.to_string()
        };
        fake_github::Reply {
            status: 200,
            headers: vec![],
            body,
            delay: Duration::ZERO,
        }
    }));
    let data = temp("crawl").join("data");
    let url = format!("{}/api/query", fake.url);
    let args = [
        "ingest",
        "arxiv",
        "--category",
        "cs.LG",
        "--from",
        "2024-01-01",
        "--to",
        "2024-01-02",
        "--window-days",
        "1",
        "--delay",
        "0",
        "--api-url",
        &url,
    ];
    let (code, _, err) = run(&data, &args);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("2 windows read (0 done before), 1 pages loaded (0 unchanged), 1 papers, 1 new contributions"),
        "{err}"
    );
    assert_eq!(fake.total(), 2);
    let (_, out, _) = run(&data, &["person", "arxiv:ana-bell"]);
    assert!(out.contains("https://arxiv.org/abs/2401.00001"), "{out}");
    // done windows are not asked again
    let (code, _, err) = run(&data, &args);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("0 windows read (2 done before)"), "{err}");
    assert_eq!(fake.total(), 2);
}
