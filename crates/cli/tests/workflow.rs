//! The recruiter workflow as a user runs it (issue 13): shortlists, outreach drafts and the
//! ATS import, with their exit codes, and lists that survive re-ingesting.

use flate2::write::GzEncoder;
use std::io::Write;
use std::path::Path;

#[path = "../../test-support/cli.rs"]
mod cli;
use cli::temp;

/// `builtby --data-dir DATA ARGS…` as the user "rita".
fn run(data: &Path, args: &[&str]) -> (i32, String, String) {
    cli::output(cli::in_data(data).env("USER", "rita").args(args))
}

fn pr(i: u64, id: u64, login: &str, repo: &str, title: &str, at: &str) -> String {
    format!(
        r#"{{"id":"{i}","type":"PullRequestEvent","actor":{{"id":{id},"login":"{login}"}},"repo":{{"id":9,"name":"{repo}"}},"payload":{{"action":"closed","number":{i},"pull_request":{{"number":{i},"title":"{title}","user":{{"id":{id},"login":"{login}"}},"merged":true,"merged_by":{{"id":99,"login":"maintainer"}},"html_url":"https://github.com/{repo}/pull/{i}"}}}},"public":true,"created_at":"{at}"}}"#
    )
}

fn gz(path: &Path, lines: &[String]) {
    let mut e = GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(lines.join("\n").as_bytes()).unwrap();
    std::fs::write(path, e.finish().unwrap()).unwrap();
}

fn ingest(data: &Path, file: &Path) {
    let (code, _, err) = run(data, &["ingest", "gharchive", file.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn shortlist_outreach_and_ats_from_the_command_line() {
    let d = temp("flow");
    let data = d.join("data");
    let hour = d.join("2024-03-01-10.json.gz");
    gz(
        &hour,
        &[
            pr(
                1,
                7,
                "ana",
                "pytorch/pytorch",
                "Fix NCCL timeout",
                "2024-01-10T10:00:00Z",
            ),
            pr(
                2,
                7,
                "ana",
                "pytorch/pytorch",
                "Add async checkpointing for DCP",
                "2024-03-01T10:00:00Z",
            ),
            pr(
                3,
                7,
                "ana",
                "me/tool",
                "Tidy the README",
                "2024-03-02T10:00:00Z",
            ),
            pr(
                4,
                8,
                "bo",
                "jax-ml/jax",
                "Shard the mesh lazily",
                "2024-02-01T10:00:00Z",
            ),
        ],
    );
    ingest(&data, &hour);

    // --help says what builtby never does.
    for cmd in ["outreach", "shortlist"] {
        let (code, out, _) = run(&data, &[cmd, "--help"]);
        assert_eq!(code, 0);
        assert!(
            out.contains("never finds or stores an e-mail address and never sends anything"),
            "{cmd} --help: {out}"
        );
    }

    // A first line in the searched scope: the newest merged PR in pytorch/pytorch.
    let (code, out, err) = run(
        &data,
        &[
            "outreach",
            "ana",
            "--problem",
            "Our checkpoints stall at 4k GPUs.",
            "--json",
            "--search",
            "--repo",
            "pytorch/pytorch",
            "--since",
            "2023-01-01",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        v["first_line"]["link"],
        "https://github.com/pytorch/pytorch/pull/2"
    );
    assert_eq!(
        v["first_line"]["line"],
        "I saw your PR to PyTorch (#2, 'Add async checkpointing for DCP', merged March 2024)."
    );
    assert!(v["text"]
        .as_str()
        .unwrap()
        .contains("Our checkpoints stall"));
    // The same as one query string; outside pytorch/pytorch, another PR.
    let (_, out, _) = run(
        &data,
        &["outreach", "ana", "--json", "--search", "repo=me/tool"],
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["first_line"]["link"], "https://github.com/me/tool/pull/3");
    // Errors: no work in scope (1), a bad search flag or template (2, naming it).
    let (code, _, err) = run(
        &data,
        &["outreach", "bo", "--search", "--repo", "pytorch/pytorch"],
    );
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("no work"), "{err}");
    let (code, _, err) = run(
        &data,
        &["outreach", "ana", "--search", "--since", "someday"],
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--since"), "{err}");
    let (code, _, err) = run(&data, &["outreach", "ana", "--search", "--colour", "red"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--search"), "{err}");
    let t = d.join("voice.txt");
    std::fs::write(&t, "Hi {first_name},\n{first_line}\n{sign_off}\n").unwrap();
    let (code, _, err) = run(
        &data,
        &["outreach", "ana", "--template", t.to_str().unwrap()],
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("--template") && err.contains("{sign_off} (line 3)"),
        "{err}"
    );
    std::fs::write(&t, "{first_name}: {cite} — {link}\n").unwrap();
    let (code, out, err) = run(
        &data,
        &["outreach", "bo", "--template", t.to_str().unwrap()],
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("bo: your PR to JAX (#4, 'Shard the mesh lazily', merged February 2024) — https://github.com/jax-ml/jax/pull/4"),
        "{out}"
    );

    // Shortlists.
    let (code, _, err) = run(
        &data,
        &[
            "shortlist",
            "create",
            "ML infra",
            "--search",
            "--repo",
            "pytorch/pytorch",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = run(&data, &["shortlist", "create", "ml infra"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("exists"), "{err}");
    let (code, _, err) = run(
        &data,
        &["shortlist", "add", "ML infra", "ana", "nobody-here"],
    );
    assert_eq!(code, 1);
    assert!(err.contains("nobody-here"), "{err}");
    let (code, _, err) = run(
        &data,
        &[
            "shortlist",
            "add",
            "ML infra",
            "ana",
            "bo",
            "--note",
            "met at NeurIPS",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = run(
        &data,
        &["shortlist", "status", "ML infra", "ana", "interviewing"],
    );
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = run(&data, &["shortlist", "status", "ML infra", "ana", "maybe"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("new, contacted, replied, interviewing, declined, hired"),
        "{err}"
    );
    let (code, _, err) = run(
        &data,
        &[
            "shortlist",
            "note",
            "ML infra",
            "bo",
            "ask in March, bo@example.com",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = run(&data, &["shortlist", "note", "ML infra", "zed", "x"]);
    assert_eq!(code, 1, "{err}");
    let (_, out, _) = run(&data, &["shortlist", "show", "ML infra"]);
    assert!(
        out.contains("interviewing") && out.contains("ask in March"),
        "{out}"
    );
    assert!(!out.contains("example.com"), "{out}");
    let (_, out, _) = run(&data, &["shortlist", "show", "ML infra", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["people"][0]["added_by"], "rita", "the OS user: {v}");
    let (_, out, _) = run(&data, &["shortlist", "list"]);
    assert!(
        out.contains("ML infra") && out.contains("1 new, 1 interviewing"),
        "{out}"
    );

    // From the list, the first line cites work in the list's search.
    let (_, out, _) = run(
        &data,
        &["outreach", "ana", "--shortlist", "ML infra", "--json"],
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        v["first_line"]["link"],
        "https://github.com/pytorch/pytorch/pull/2"
    );

    let (code, out, err) = run(
        &data,
        &["shortlist", "export", "ML infra", "--format", "greenhouse"],
    );
    assert_eq!(code, 0, "{err}");
    let mut lines = out.lines();
    assert_eq!(
        lines.next(),
        Some("First Name,Last Name,Company,Address,Social Media,Source,Tags,Notes")
    );
    let ana = lines.next().unwrap();
    assert!(
        ana.starts_with("ana,(@ana),,,https://github.com/ana,builtby,"),
        "{ana}"
    );
    assert!(
        ana.contains("https://github.com/pytorch/pytorch/pull/2"),
        "{ana}"
    );
    let (code, _, err) = run(
        &data,
        &["shortlist", "export", "ML infra", "--format", "xlsx"],
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("--format") && err.contains("greenhouse"),
        "{err}"
    );
    let file = d.join("lever.csv");
    let (code, _, err) = run(
        &data,
        &[
            "shortlist",
            "export",
            "ML infra",
            "--format",
            "lever",
            "-o",
            file.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(std::fs::read_to_string(&file)
        .unwrap()
        .starts_with("Full name,Location,Links,Tags,Sources,Origin,Stage,Note\n"));

    // Re-ingesting the same hour and a new one leaves the lists as they were.
    ingest(&data, &hour);
    let more = d.join("2024-03-01-11.json.gz");
    gz(
        &more,
        &[pr(
            5,
            7,
            "ana",
            "pytorch/pytorch",
            "Overlap checkpoint writes",
            "2024-03-05T10:00:00Z",
        )],
    );
    ingest(&data, &more);
    let (_, out, _) = run(&data, &["shortlist", "show", "ML infra", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["people"].as_array().unwrap().len(), 2, "{v}");
    assert_eq!(v["people"][0]["status"], "interviewing");
    let (_, out, _) = run(
        &data,
        &["outreach", "ana", "--shortlist", "ML infra", "--json"],
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        v["first_line"]["link"], "https://github.com/pytorch/pytorch/pull/5",
        "newest now"
    );

    // The ATS: rows matched by login column or profile link, the others reported by line.
    let ats = d.join("pipeline.csv");
    std::fs::write(
        &ats,
        "Name,Email,GitHub\nAna,ana@example.com,https://github.com/ana\nCy,cy@example.com,\nZed,,zed-unknown\n",
    )
    .unwrap();
    let (code, out, err) = run(&data, &["ats", "import", ats.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("1 row matched nothing, no GitHub URL or login: line 3"),
        "{out}"
    );
    assert!(out.contains("line 4 (@zed-unknown)"), "{out}");
    let (_, out, _) = run(&data, &["ats", "list"]);
    assert!(
        out.contains("pipeline.csv:2") && !out.contains("example.com"),
        "{out}"
    );
    let (_, out, _) = run(&data, &["search", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let ana = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["login"] == "ana")
        .unwrap();
    assert_eq!(ana["in_ats"], true);
    let (_, out, _) = run(&data, &["search", "--not-in-ats", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(
        v["results"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["login"] != "ana"),
        "{v}"
    );
    let (code, _, err) = run(
        &data,
        &["ats", "import", d.join("missing.csv").to_str().unwrap()],
    );
    assert_eq!(code, 1, "{err}");

    // Remove and delete.
    let (code, _, err) = run(&data, &["shortlist", "remove", "ML infra", "bo"]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = run(&data, &["shortlist", "delete", "ML infra"]);
    assert_eq!(code, 0, "{err}");
    let (code, _, _) = run(&data, &["shortlist", "show", "ML infra"]);
    assert_eq!(code, 1);
}

/// Issue 13's promise, end to end from the command line: once ana opts out she is on no
/// shortlist view or export and in no watch run (neither new nor "dropped"), also after the
/// same file is ingested again into a fresh store; the audit log names each step's actor.
#[test]
fn an_opted_out_person_leaves_shortlists_exports_and_watch_runs() {
    let d = temp("optout");
    let data = d.join("data");
    let hour = d.join("2024-03-01-10.json.gz");
    gz(
        &hour,
        &[
            pr(
                1,
                7,
                "ana",
                "pytorch/pytorch",
                "Add async checkpointing for DCP",
                "2024-03-01T10:00:00Z",
            ),
            pr(
                2,
                8,
                "bo",
                "pytorch/pytorch",
                "Fix NCCL timeout",
                "2024-03-01T10:05:00Z",
            ),
        ],
    );
    ingest(&data, &hour);
    let ok = |args: &[&str]| {
        let (code, out, err) = run(&data, args);
        assert_eq!(code, 0, "{args:?}: {err}");
        out
    };
    ok(&["shortlist", "create", "dist"]);
    ok(&["shortlist", "add", "dist", "ana", "bo"]);
    ok(&[
        "watch",
        "add",
        "top",
        "--",
        "--kind",
        "pr_merged",
        "--as-of",
        "2024-03-02",
    ]);
    let first = ok(&["watch", "run", "top", "--json"]);
    assert!(first.contains("\"ana\""), "{first}");

    ok(&["optout", "add", "ana", "--reason", "asked by e-mail"]);
    let gone = |data: &Path, when: &str| {
        let show = run(data, &["shortlist", "show", "dist", "--json"]).1;
        assert!(
            !show.contains("\"ana\"") && show.contains("\"bo\""),
            "{when}: {show}"
        );
        let csv = run(
            data,
            &["shortlist", "export", "dist", "--format", "greenhouse"],
        )
        .1;
        assert!(
            !csv.contains("github.com/ana") && csv.contains("github.com/bo"),
            "{when}: {csv}"
        );
        let search = run(
            data,
            &[
                "search",
                "--kind",
                "pr_merged",
                "--as-of",
                "2024-03-02",
                "--json",
            ],
        )
        .1;
        assert!(!search.contains("\"ana\""), "{when}: {search}");
    };
    gone(&data, "after the opt-out");
    let second = ok(&["watch", "run", "top", "--json"]);
    assert!(
        !second.contains("\"ana\""),
        "neither new nor dropped: {second}"
    );
    // the same file again: already loaded, nothing comes back
    ingest(&data, &hour);
    gone(&data, "after re-ingesting");
    let log = ok(&["audit", "--json"]);
    for action in [
        "shortlist.create",
        "shortlist.add",
        "watch.add",
        "watch.run",
        "optout",
    ] {
        assert!(log.contains(action), "{action} is in the audit log: {log}");
    }
    assert!(log.contains("\"rita\""), "the OS user is the actor: {log}");
    assert!(
        !log.contains("\"ana\""),
        "the log names people by keyed hash only: {log}"
    );
}
