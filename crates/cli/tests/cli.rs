//! The binary as a user runs it: bad inputs, exit codes, re-ingest, kill-and-resume, demo.

use flate2::write::GzEncoder;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

#[path = "../../test-support/shared_data.rs"]
mod shared_data;

#[path = "../../test-support/cli.rs"]
mod cli;
use cli::{bin, run, temp};

fn event(i: u64) -> String {
    format!(
        r#"{{"id":"{i}","type":"PullRequestEvent","actor":{{"id":7,"login":"ana"}},"repo":{{"id":9,"name":"pytorch/pytorch"}},"payload":{{"action":"closed","number":{i},"pull_request":{{"number":{i},"title":"Fix NCCL timeout {i}","user":{{"id":7,"login":"ana"}},"merged":true,"merged_by":{{"id":8,"login":"bo"}},"html_url":"https://github.com/pytorch/pytorch/pull/{i}"}}}},"public":true,"created_at":"2021-07-21T06:00:00Z"}}"#
    )
}

fn gz(path: &Path, text: &str) {
    let mut e = GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(text.as_bytes()).unwrap();
    std::fs::write(path, e.finish().unwrap()).unwrap();
}

/// A git repository at `repo` with one commit per `(author name, e-mail)`, each adding a file
/// (`f0.py`, `f1.py`…) a month apart from 2024-01-01.
fn git_repo_with_commits(repo: &Path, authors: &[(&str, &str)]) {
    std::fs::create_dir_all(repo).unwrap();
    let git = |args: &[&str], env: &[(&str, &str)]| {
        let out = Command::new("git")
            .arg("-C")
            .arg(repo)
            .args(args)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .envs(env.iter().copied())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    git(&["init", "-q", "-b", "main"], &[]);
    for (i, (who, email)) in authors.iter().enumerate() {
        std::fs::write(repo.join(format!("f{i}.py")), format!("x = {i}\n")).unwrap();
        git(&["add", "-A"], &[]);
        let date = format!("2024-0{}-01T00:00:00Z", i + 1);
        let env = [
            ("GIT_AUTHOR_NAME", *who),
            ("GIT_AUTHOR_EMAIL", *email),
            ("GIT_AUTHOR_DATE", date.as_str()),
            ("GIT_COMMITTER_NAME", *who),
            ("GIT_COMMITTER_EMAIL", *email),
            ("GIT_COMMITTER_DATE", date.as_str()),
        ];
        git(&["commit", "-q", "-m", &format!("Add f{i}")], &env);
    }
}

#[test]
fn bad_lines_are_reported_and_good_records_kept() {
    let dir = temp("badlines");
    let data = dir.join("data");
    let f = dir.join("2021-07-21-6.json.gz");
    let text = format!(
        "{}\nnot json\n[1,2]\n{}\n{{\"id\":\"9\",\"type\":\"PushEvent\"",
        event(1),
        event(2)
    );
    gz(&f, &text);
    let empty = dir.join("2021-07-21-7.json.gz");
    std::fs::write(&empty, b"").unwrap();
    let (code, _, err) = run(
        &data,
        &[
            "ingest",
            "gharchive",
            f.to_str().unwrap(),
            empty.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "skipped lines are reported, not fatal: {err}");
    assert!(
        err.contains("2021-07-21-6.json.gz: line 2: not JSON"),
        "{err}"
    );
    assert!(err.contains("line 3: not an event"), "{err}");
    assert!(err.contains("line 5: truncated last line"), "{err}");
    assert!(err.contains("2021-07-21-7.json.gz: empty file"), "{err}");
    let (_, out, _) = run(&data, &["export", "counts"]);
    assert_eq!(
        out,
        "login,repo,kind,count\nana,pytorch/pytorch,pr_merged,2\n"
    );
    // Re-ingest changes nothing.
    let (code, _, err) = run(&data, &["ingest", "gharchive", f.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert!(err.contains("1 already loaded"), "{err}");
    let (_, again, _) = run(&data, &["export", "counts", "--format", "json"]);
    assert!(
        again.contains(r#""count":2"#) && again.contains(r#""login":"ana""#),
        "{again}"
    );
}

#[test]
fn broken_files_exit_1_after_loading_what_was_good() {
    let dir = temp("broken");
    let data = dir.join("data");
    let cut = dir.join("cut.json.gz");
    let text: String = (0..3000).map(|i| event(i) + "\n").collect();
    gz(&cut, &text);
    let bytes = std::fs::read(&cut).unwrap();
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let not_gz = dir.join("x.json.gz");
    std::fs::write(&not_gz, b"hello, world").unwrap();
    let missing = dir.join("missing.json.gz");
    let (code, _, err) = run(
        &data,
        &[
            "ingest",
            "gharchive",
            cut.to_str().unwrap(),
            not_gz.to_str().unwrap(),
            missing.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("cut.json.gz: ended early after line"), "{err}");
    assert!(err.contains("x.json.gz: not a gzip file"), "{err}");
    assert!(err.contains("missing.json.gz: no such file"), "{err}");
    let (_, out, _) = run(&data, &["export", "counts"]);
    let n: u64 = out
        .lines()
        .nth(1)
        .and_then(|l| l.rsplit(',').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    assert!(n > 500, "records before the cut are kept: {out}");
    let (_, stats, _) = run(&data, &["stats"]);
    assert!(stats.contains("ENDED EARLY"), "{stats}");
}

#[test]
fn usage_errors_exit_2_and_name_the_parameter() {
    let data = temp("usage").join("data");
    let (code, _, err) = run(&data, &["search", "--since", "last tuesday"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("since") && err.contains("last tuesday"),
        "{err}"
    );
    let (code, _, err) = run(&data, &["search", "--kind", "stars"]);
    assert_eq!(code, 2);
    assert!(err.contains("kind") && err.contains("pr_merged"), "{err}");
    let (code, _, err) = run(&data, &["search", "--repo", "not-a-repo"]);
    assert_eq!(code, 2, "{err}");
    // Named as the flag is spelled, though the builder calls it `as_of` as the API does.
    let (code, _, err) = run(&data, &["search", "--as-of", "soon"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("error: --as-of: `soon`"), "{err}");
    let (code, _, err) = run(&data, &["search", "--ecosystem", "cobol"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("--ecosystem: unknown ecosystem `cobol`"),
        "{err}"
    );
    let (code, _, err) = run(&data, &["person", "ana", "--limit", "0"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--limit:"), "{err}");
    let (code, _, err) = run(&data, &["search", "--role", "ml_infra,wizard"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("--role: unknown role `wizard`; known: ml_engineer, ml_infra, researcher, data_scientist"),
        "{err}"
    );
    // Flags of other commands have their own usage errors, also exit 2.
    let (code, _, err) = run(&data, &["ingest", "git", ".", "--repo", "owner/*"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("--repo: `owner/*` is not a repository"),
        "{err}"
    );
    let (code, _, _) = run(&data, &["frobnicate"]);
    assert_eq!(code, 2);
    let (code, _, err) = run(&data, &["person", "nobody-here"]);
    assert_eq!(code, 1);
    assert!(err.contains("nobody-here"), "{err}");
}

#[test]
fn search_person_and_json_agree() {
    let dir = temp("search");
    let data = dir.join("data");
    let f = dir.join("2021-07-21-6.json.gz");
    gz(&f, &(1..=3).map(|i| event(i) + "\n").collect::<String>());
    assert_eq!(
        run(&data, &["ingest", "gharchive", f.to_str().unwrap()]).0,
        0
    );
    let (code, out, _) = run(&data, &["search", "--ecosystem", "pytorch", "--json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let r = &v["results"][0];
    assert_eq!(r["login"], "ana");
    assert!(r["score"].as_f64().unwrap() > 0.0);
    assert_eq!(r["details"][0]["rule"], "merged_work");
    assert_eq!(
        r["evidence"][0]["url"],
        "https://github.com/pytorch/pytorch/pull/3"
    );
    assert_eq!(r["evidence"][0]["kind"], "pr_merged");
    let (_, table, _) = run(&data, &["search", "--repo", "pytorch/*", "--explain"]);
    assert!(
        table.contains("merged_work") && table.contains("https://github.com/pytorch/pytorch/pull/"),
        "{table}"
    );
    // The table has a role column: the best role and its confidence, or `-` without one.
    assert!(
        table
            .lines()
            .any(|l| l.contains("role") && l.contains("location")),
        "{table}"
    );
    let roles = r["roles"].as_array().unwrap();
    let shown = match roles.first() {
        Some(g) => format!(
            "{} {:.2}",
            g["role"].as_str().unwrap(),
            g["confidence"].as_f64().unwrap()
        ),
        None => "-".to_string(),
    };
    assert!(
        table
            .lines()
            .any(|l| l.contains(" ana") && l.contains(&shown)),
        "{shown}: {table}"
    );
    let (code, _, err) = run(&data, &["search", "--role", "researcher"]);
    assert_eq!(code, 0, "{err}");
    let (_, csv, _) = run(&data, &["search", "--csv"]);
    assert!(csv.starts_with("rank,login,name,location,company,score,standing,top_percent,merged_prs,reviews,profile_url,top_evidence,likely_login,role,role_confidence\n1,ana,"), "{csv}");
    assert!(
        csv.contains(",the only person in this search,100,"),
        "{csv}"
    );
    let (code, person, _) = run(&data, &["person", "ANA"]);
    assert_eq!(code, 0);
    assert!(
        person.contains("2021-07") && person.contains("pr_merged"),
        "{person}"
    );
    // The merger is a person too, with no merged work of their own.
    let (_, bo, _) = run(&data, &["search", "--kind", "pr_merged", "--json"]);
    assert!(!bo.contains("\"login\": \"bo\""), "{bo}");
}

#[test]
fn killed_ingest_resumes_to_the_same_counts() {
    let Some(shared) = shared_data::shared_data("gharchive") else {
        return;
    };
    let dir = temp("kill");
    let clean = dir.join("clean");
    assert_eq!(
        run(
            &clean,
            &["--quiet", "ingest", "gharchive", shared.to_str().unwrap()]
        )
        .0,
        0
    );
    let (_, want, _) = run(&clean, &["export", "counts", "--include-bots"]);
    assert!(want.lines().count() > 1000);
    for (i, ms) in [30u64, 120, 300, 600].into_iter().enumerate() {
        let data = dir.join(format!("k{i}"));
        let mut child = bin()
            .arg("--data-dir")
            .arg(&data)
            .args(["--quiet", "ingest", "gharchive"])
            .arg(&shared)
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(ms));
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        let (code, _, err) = run(
            &data,
            &["--quiet", "ingest", "gharchive", shared.to_str().unwrap()],
        );
        assert_eq!(code, 0, "{err}");
        let (_, got, _) = run(&data, &["export", "counts", "--include-bots"]);
        assert!(got == want, "after a kill at {ms} ms the counts differ");
        let (_, stats, _) = run(&data, &["stats", "--json"]);
        let v: serde_json::Value = serde_json::from_str(&stats).unwrap();
        assert_eq!(v["totals"]["files"], 13);
    }
}

#[test]
fn demo_runs_offline_end_to_end() {
    let data = temp("demo").join("data");
    let (code, out, err) = run(&data, &["demo", "--offline"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("Top engineers") && out.contains("https://github.com/"),
        "{out}"
    );
    assert!(out.contains("merged_work"), "{out}");
    assert!(
        !out.contains("[bot]") && !out.contains("pytorchbot"),
        "bots are not people: {out}"
    );
}

#[test]
fn a_closed_pipe_ends_output_quietly() {
    let data = temp("pipe").join("data");
    let mut child = bin()
        .arg("--data-dir")
        .arg(&data)
        .args(["demo", "--offline"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Read one line, then close the pipe, as `| head -1` does.
    let mut out = child.stdout.take().unwrap();
    let mut buf = [0u8; 64];
    let _ = std::io::Read::read(&mut out, &mut buf).unwrap();
    drop(out);
    let result = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&result.stderr);
    assert!(!err.contains("panicked"), "{err}");
}

/// `stats` reads every source's report the same way: a git history shows its commits and
/// contributions, never zeros; and a git identity's person page links nowhere on github.com.
#[test]
fn stats_show_git_inputs_and_git_people_link_nowhere() {
    let d = temp("stats-git");
    let repo = d.join("repo");
    git_repo_with_commits(
        &repo,
        &[("Ana B", "ana@uni.example"), ("Bo C", "bo@corp.example")],
    );
    let data = d.join("data");
    let (code, _, err) = run(
        &data,
        &[
            "ingest",
            "git",
            repo.to_str().unwrap(),
            "--repo",
            "o/gitonly",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let (code, stats, _) = run(&data, &["stats"]);
    assert_eq!(code, 0);
    assert!(stats.contains("[git]"), "{stats}");
    assert!(
        stats.contains("2 commits, 2 contributions (2 new)"),
        "{stats}"
    );
    assert!(stats.contains("by kind: commit 2"), "{stats}");
    let (_, out, _) = run(&data, &["search", "--repo", "o/gitonly", "--json"]);
    assert!(!out.contains("github.com/git:"), "{out}");
    assert!(
        !out.contains("@uni.example") && !out.contains("@corp.example"),
        "{out}"
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let results = v["results"].as_array().unwrap();
    assert_eq!(results.len(), 2, "{out}");
    assert!(results.iter().all(|r| r["profile_url"].is_null()), "{out}");
    let login = results[0]["login"].as_str().unwrap();
    let (code, page, _) = run(&data, &["person", login]);
    assert_eq!(code, 0);
    assert!(!page.contains("github.com/git:"), "{page}");
}

/// Issue 9, defects 2, 3, 13, 14, 15: hostile or odd search input is exit 2 naming the flag,
/// with the real bounds in the message.
#[test]
fn hostile_search_input_exits_2_naming_the_flag() {
    let data = temp("hostile").join("data");
    let words = vec!["the"; 15_000].join(" ");
    let mut areas: Vec<String> = vec!["search".into()];
    for i in 0..600 {
        areas.push(format!("--area=a{i}"));
    }
    let areas: Vec<&str> = areas.iter().map(String::as_str).collect();
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["search", "--text", &words], "--text:"),
        (areas, "--area: 600 values is too many"),
        (
            vec!["search", "--text", "*"],
            "--text: `*` has no searchable words",
        ),
        (vec!["search", "--text=-"], "--text:"),
        (vec!["search", "--text", ":"], "--text:"),
        (vec!["search", "--text", "\""], "--text:"),
        (
            vec!["search", "--limit=-1"],
            "--limit: `-1` is out of range; use a whole number from 1 to 500",
        ),
        (
            vec!["search", "--limit=abc"],
            "--limit: `abc` is not a whole number",
        ),
        (vec!["search", "--half-life", "1e308"], "--half-life:"),
        (vec!["search", "--half-life", "1e-308"], "--half-life:"),
        (vec!["search", "--half-life", "5e-324"], "--half-life:"),
    ];
    for (args, want) in cases {
        let (code, _, err) = run(&data, &args);
        let shown = format!("{:?}", &args[..args.len().min(3)]);
        assert_eq!(code, 2, "{shown}: {err}");
        assert!(err.contains(want), "{shown}: {err}");
        assert!(!err.contains("Expression tree"), "{shown}: {err}");
    }
}

/// Issue 9, defects 5 and 13: as_of before the work finds nobody; an offset past the end says
/// so rather than "Nobody matched".
#[test]
fn as_of_and_offset_past_the_end() {
    let dir = temp("asof");
    let data = dir.join("data");
    let f = dir.join("2021-07-21-6.json.gz");
    gz(&f, &(1..=3).map(|i| event(i) + "\n").collect::<String>());
    assert_eq!(
        run(&data, &["ingest", "gharchive", f.to_str().unwrap()]).0,
        0
    );
    let (code, out, _) = run(&data, &["search", "--as-of", "2014-01-01", "--json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["total"], 0, "a 2021 PR does not count as of 2014: {out}");
    let (code, out, _) = run(&data, &["search", "--as-of", "2021-07-22", "--json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["results"][0]["login"], "ana", "{out}");
    let (code, out, err) = run(&data, &["search", "--offset", "5"]);
    assert_eq!(code, 0, "{err}");
    assert!(!out.contains("Nobody matched"), "{out}");
    assert!(out.contains("past the end"), "{out}");
}

/// Issue 10: the identity verbs from the command line, on a git-only store.
#[test]
fn identity_verbs_link_show_log_and_refuse_clearly() {
    let d = temp("identity-verbs");
    let repo = d.join("repo");
    git_repo_with_commits(
        &repo,
        &[
            ("Ana B", "ana@uni.example"),
            ("Claude Opus 4.8", "noreply@anthropic.com"),
        ],
    );
    let data = d.join("data");
    let (code, _, err) = run(
        &data,
        &["ingest", "git", repo.to_str().unwrap(), "--repo", "o/r"],
    );
    assert_eq!(code, 0, "{err}");
    let search = |args: &[&str]| -> serde_json::Value {
        let mut a = vec!["search", "--repo", "o/r", "--json"];
        a.extend_from_slice(args);
        let (code, out, err) = run(&data, &a);
        assert_eq!(code, 0, "{err}");
        serde_json::from_str(&out).unwrap()
    };
    let v = search(&[]);
    let rows = v["results"].as_array().unwrap();
    assert_eq!(rows.len(), 1, "the AI co-author is not a person: {v}");
    assert_eq!(rows[0]["display"], "Ana B (git)");
    let key = rows[0]["login"].as_str().unwrap().to_string();
    assert!(key.starts_with("git:"));
    assert_eq!(
        search(&["--include-bots"])["results"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let (_, stats, _) = run(&data, &["stats"]);
    assert!(stats.contains("AI co-author"), "{stats}");

    let (code, _, err) = run(
        &data,
        &[
            "identity",
            "link",
            &key,
            "ana",
            "--why",
            "her profile says so",
            "--by",
            "rita",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let v = search(&[]);
    assert_eq!(v["results"][0]["login"], "ana", "{v}");
    assert_eq!(v["results"][0]["profile_url"], "https://github.com/ana");
    let (code, show, _) = run(&data, &["identity", "show", "ana"]);
    assert_eq!(code, 0);
    assert!(
        show.contains("Ana B (git)") && show.contains("confirmed") && show.contains("manual"),
        "{show}"
    );
    assert!(!show.contains("uni.example"), "{show}");
    let (_, log, _) = run(&data, &["identity", "log"]);
    assert!(
        log.contains("rita") && log.contains("link") && log.contains("her profile says so"),
        "{log}"
    );

    // clear refusals, exit non-zero
    let (code, _, err) = run(&data, &["identity", "link", "git:nobody", "ana"]);
    assert_ne!(code, 0);
    assert!(err.contains("no account or person `git:nobody`"), "{err}");
    let (code, _, err) = run(&data, &["identity", "split", "ana"]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = run(&data, &["identity", "unlink", &key]);
    assert_ne!(code, 0);
    assert!(err.contains("not linked"), "{err}");
    let (code, _, err) = run(&data, &["identity", "split", "ana"]);
    assert_ne!(code, 0);
    assert!(err.contains("nothing to split"), "{err}");
    assert_eq!(search(&[])["results"][0]["display"], "Ana B (git)");
}

/// A merged PR by `login` (GitHub id `id`) in pytorch/pytorch, number `n`.
fn merged_pr(n: u64, login: &str, id: u64) -> String {
    format!(
        r#"{{"id":"{n}","type":"PullRequestEvent","actor":{{"id":{id},"login":"{login}"}},"repo":{{"id":9,"name":"pytorch/pytorch"}},"payload":{{"action":"closed","number":{n},"pull_request":{{"number":{n},"title":"Work {n}","user":{{"id":{id},"login":"{login}"}},"merged":true,"merged_by":{{"id":{id},"login":"{login}"}},"html_url":"https://github.com/pytorch/pytorch/pull/{n}"}}}},"public":true,"created_at":"2021-07-21T06:00:00Z"}}"#
    )
}

/// 25 people: p24 alone at the top with 13 merged PRs, then pairs tied (p22 and p23 with 12,
/// p20 and p21 with 11, …).
fn standing_store(name: &str) -> PathBuf {
    let dir = temp(name);
    let data = dir.join("data");
    let f = dir.join("2021-07-21-6.json.gz");
    let mut lines = String::new();
    for k in 0..25u64 {
        for j in 0..=k / 2 {
            lines.push_str(&merged_pr(1000 * k + j + 1, &format!("p{k}"), 100 + k));
            lines.push('\n');
        }
    }
    gz(&f, &lines);
    let (code, _, err) = run(&data, &["ingest", "gharchive", f.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    data
}

/// Understandable scores: each result says where it stands among everyone who matched (ties
/// alike, pages counted over the whole search), rule labels are short and the long
/// explanation is printed once under --explain.
#[test]
fn search_shows_standing_and_short_labels() {
    let data = standing_store("standing");
    let q = ["search", "--kind", "pr_merged", "--as-of", "2021-08-01"];
    let json = |extra: &[&str]| {
        let args: Vec<&str> = q.iter().chain(extra).copied().collect();
        let (code, out, err) = run(&data, &args);
        assert_eq!(code, 0, "{err}");
        serde_json::from_str::<serde_json::Value>(&out).unwrap()
    };
    let v = json(&["--json"]);
    assert_eq!(v["total"], 25, "{v}");
    let s = |r: &serde_json::Value| {
        (
            r["login"].as_str().unwrap().to_string(),
            r["standing"]["position"].as_u64().unwrap(),
            r["standing"]["tied"].as_u64().unwrap(),
            r["standing"]["of"].as_u64().unwrap(),
        )
    };
    let results = v["results"].as_array().unwrap();
    assert_eq!(s(&results[0]), ("p24".into(), 1, 0, 25));
    assert_eq!(
        results[0]["standing"]["text"],
        "top 4% of 25 people in this search"
    );
    assert_eq!(results[0]["standing"]["tier"], "top_5");
    // p22 and p23 tie: the same standing, whatever their order.
    assert_eq!((s(&results[1]).1, s(&results[2]).1), (2, 2));
    assert_eq!(results[1]["standing"], results[2]["standing"]);
    assert_eq!(results[1]["standing"]["tied"], 1);
    // A later page stands among all 25, not among the page.
    let page = json(&["--offset", "3", "--limit", "1", "--json"]);
    let r = &page["results"][0];
    assert_eq!(
        (r["rank"].as_u64(), s(r).1, s(r).3),
        (Some(4), 4, 25),
        "{page}"
    );
    assert_eq!(r["standing"]["text"], "top 16% of 25 people in this search");

    let (code, table, _) = run(
        &data,
        &q.iter().chain(&["--explain"]).copied().collect::<Vec<_>>(),
    );
    assert_eq!(code, 0);
    assert!(table.contains("standing is among all 25 scored"), "{table}");
    let first = table.lines().find(|l| l.contains("p24")).unwrap();
    assert!(first.contains("top 4%"), "{first}");
    // The short label beside the rule's score; the long one once, under the rows.
    assert!(
        table.contains("Merged PRs: 10 points each × repo scrutiny × recency"),
        "{table}"
    );
    let legend = table.split("how the rules count").nth(1).expect("a legend");
    assert!(
        legend.contains("commits")
            && legend.contains("count with the PR, not again")
            && legend.contains("merged PR 10 points each"),
        "{legend}"
    );
    let rows = table.split("how the rules count").next().unwrap();
    for l in rows
        .lines()
        .filter(|l| l.trim_start().starts_with("merged_work"))
    {
        assert!(l.split_whitespace().count() <= 16, "a short label: {l}");
    }
    let (_, csv, _) = run(
        &data,
        &q.iter().chain(&["--csv"]).copied().collect::<Vec<_>>(),
    );
    let row = csv.lines().nth(1).unwrap();
    assert!(
        row.contains(",top 4% of 25 people in this search,4,"),
        "{row}"
    );
}

/// An unknown --area exits 2 and lists the valid names for the repositories searched (all the
/// catalog's without --repo), suggesting a close one, as --metro lists the metros.
#[test]
fn unknown_area_exits_2_with_the_valid_names() {
    let data = standing_store("areas");
    for (args, want) in [
        (
            vec!["search", "--area", "pallas"],
            vec![
                "error: --area: unknown area `pallas`; did you mean `Pallas kernels`?",
                "named in the catalog:",
                "distributed training",
            ],
        ),
        (
            vec!["search", "--repo", "pytorch/pytorch", "--area", "LoRA"],
            vec!["unknown area `LoRA`", "named in pytorch/pytorch:"],
        ),
        (
            vec!["search", "--repo", "pytorch/pytorch", "--area", "FSDP"],
            vec![
                "unknown area `FSDP`.",
                "named in pytorch/pytorch: distributed training, compiler (Inductor)",
                "anywhere: tests, docs, vendor, ci, or a folder",
            ],
        ),
        (
            vec!["search", "--area", "single file"],
            vec!["unknown area `single file`"],
        ),
        (
            vec!["search", "--area", "distributed trainng"],
            vec!["did you mean `distributed training`?"],
        ),
    ] {
        let (code, out, err) = run(&data, &args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(out.is_empty(), "{out}");
        for w in want {
            assert!(err.contains(w), "{args:?} should say {w:?}: {err}");
        }
    }
    // Names are areas whether or not any stored path falls in them.
    for area in ["distributed training", "tests", "Docs", "LoRA"] {
        let (code, _, err) = run(&data, &["search", "--area", area]);
        assert_eq!(code, 0, "{area}: {err}");
    }
}

/// `search --help` lists every kind there is, from the Kind list, and every platform.
#[test]
fn search_help_lists_every_kind() {
    let data = temp("help").join("data");
    for flag in ["--help", "-h"] {
        let (code, out, _) = run(&data, &["search", flag]);
        assert_eq!(code, 0);
        for k in builtby_model::Kind::ALL {
            assert!(
                out.contains(k.as_str()),
                "{flag}: {} missing:\n{out}",
                k.as_str()
            );
        }
        for p in builtby_model::Kind::PLATFORMS {
            assert!(
                out.contains(&format!("{p}:")),
                "{flag}: {p} missing:\n{out}"
            );
        }
    }
}
