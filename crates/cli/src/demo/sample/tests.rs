use super::*;
use serde_json::Value;
use std::collections::HashSet;
use std::io::Read;

const END: i64 = 1_795_000_000 / 3600 * 3600; // 2026-11-18T11:00Z

fn temp_dir(tag: &str) -> PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    std::env::temp_dir().join(format!(
        "builtby-sample-{tag}-{}-{nanos}",
        std::process::id()
    ))
}
fn gunzip(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap();
    assert_eq!(&bytes[..2], &[0x1f, 0x8b], "{} is not gzip", path.display());
    let (mut one, mut all) = (String::new(), String::new());
    flate2::read::GzDecoder::new(&bytes[..])
        .read_to_string(&mut one)
        .unwrap();
    flate2::read::MultiGzDecoder::new(&bytes[..])
        .read_to_string(&mut all)
        .unwrap();
    assert_eq!(one, all, "more than one gzip member");
    all
}
/// Calls `f(key, string)` for every string value, with the key it sits under.
fn strings<'a>(v: &'a Value, key: &'a str, f: &mut impl FnMut(&'a str, &'a str)) {
    match v {
        Value::String(s) => f(key, s),
        Value::Array(xs) => xs.iter().for_each(|x| strings(x, key, f)),
        Value::Object(m) => m.iter().for_each(|(k, x)| strings(x, k, f)),
        _ => {}
    }
}

#[test]
fn sample_has_gh_archive_shape_and_enough_evidence() {
    let dir = temp_dir("shape");
    let paths = write_sample(&dir, END, 2).unwrap();
    let names: Vec<_> = paths
        .iter()
        .map(|p| p.file_name().unwrap().to_str().unwrap().to_string())
        .collect();
    assert_eq!(names, ["2026-11-18-10.json.gz", "2026-11-18-11.json.gz"]);
    let (mut ids, mut last_id, mut seen) = (HashSet::new(), 0u64, HashSet::new());
    let (mut opened_at, mut closed_later) = (HashMap::new(), 0);
    let (mut threads, mut objects) = (HashMap::new(), HashSet::new());
    for (i, path) in paths.iter().enumerate() {
        let text = gunzip(path);
        assert!(text.ends_with('\n') && !text.contains("\n\n"));
        let lines: Vec<&str> = text.lines().collect();
        assert!(
            (1_500..=3_000).contains(&lines.len()),
            "{} events in {}",
            lines.len(),
            names[i]
        );
        let hour = ts(END - 3600 * (1 - i as i64))[..13].to_string();
        for line in lines {
            let e: Value = serde_json::from_str(line).unwrap();
            let (ty, p) = (e["type"].as_str().unwrap(), &e["payload"]);
            assert!(
                line.starts_with(r#"{"id":""#)
                    && line[..100].contains(&format!(r#""type":"{ty}""#))
            );
            assert!(
                e["actor"]["login"].is_string()
                    && e["repo"]["name"].as_str().unwrap().contains('/')
            );
            assert_eq!(e["public"], true);
            assert!(
                e["created_at"].as_str().unwrap().starts_with(&hour),
                "{line}"
            );
            let id: u64 = e["id"].as_str().unwrap().parse().unwrap();
            assert!(ids.insert(id) && id > last_id);
            last_id = id;
            let pr = &p["pull_request"];
            let kind = match (ty, p["action"].as_str()) {
                ("PullRequestEvent", Some("closed")) if pr["merged"] == true => {
                    assert!(
                        pr["merged_by"]["login"].is_string()
                            && pr["merged_at"].is_string()
                            && pr["additions"].is_u64()
                    );
                    "merged"
                }
                ("IssueCommentEvent", _) if p["issue"]["pull_request"].is_object() => "pr comment",
                _ => ty,
            };
            seen.insert(kind.to_string());
            let key = (
                e["repo"]["name"].as_str().unwrap().to_string(),
                pr["number"].as_u64().unwrap_or(0),
            );
            match (ty, p["action"].as_str()) {
                ("PullRequestEvent", Some("opened")) => _ = opened_at.insert(key, i),
                ("PullRequestEvent", Some("closed"))
                    if opened_at.get(&key).is_some_and(|&o| o < i) =>
                {
                    closed_later += 1
                }
                _ => {}
            }
            // A PR or issue looks the same in every event; review, comment and push ids are unique.
            for thread in [pr, &p["issue"]].into_iter().filter(|x| x.is_object()) {
                let name = e["repo"]["name"].as_str().unwrap().to_string();
                let seen = (
                    thread["title"].clone(),
                    thread["user"]["login"].clone(),
                    thread["created_at"].clone(),
                );
                let first = threads
                    .entry((name, thread["number"].as_u64().unwrap()))
                    .or_insert(seen.clone());
                assert_eq!(*first, seen, "{line}");
            }
            for object in [&p["review"]["id"], &p["comment"]["id"], &p["push_id"]]
                .into_iter()
                .filter(|x| x.is_u64())
            {
                assert!(
                    objects.insert((ty.to_string(), object.as_u64().unwrap())),
                    "duplicate id in {line}"
                );
            }
            strings(&e, "", &mut |k, s| {
                if !s.contains('@') {
                    return;
                }
                let hashed = s.len() == 52
                    && s.ends_with("@example.com")
                    && s[..40].bytes().all(|b| b.is_ascii_hexdigit());
                let hunk =
                    k == "diff_hunk" && s.starts_with("@@ -") && !s.replace("@@", "").contains('@');
                assert!(
                    k == "email" && hashed || hunk,
                    "unexpected @ under {k}: {s}"
                );
            });
        }
    }
    for kind in [
        "merged",
        "PullRequestReviewEvent",
        "PullRequestReviewCommentEvent",
        "pr comment",
        "IssuesEvent",
        "WatchEvent",
    ] {
        assert!(seen.contains(kind), "no {kind}");
    }
    assert!(
        closed_later > 0,
        "no PR opened in one hour and closed in a later one"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn overlapping_windows_write_identical_hours() {
    let (a, b) = (temp_dir("a"), temp_dir("b"));
    let pa = write_sample(&a, END - 3600, 2).unwrap();
    let pb = write_sample(&b, END, 2).unwrap();
    assert_eq!(pa[1].file_name(), pb[0].file_name());
    assert_eq!(
        std::fs::read(&pa[1]).unwrap(),
        std::fs::read(&pb[0]).unwrap()
    );
    assert!(write_sample(&a, END + 1, 1).is_err());
    assert!(write_sample(&a, END, 0).unwrap().is_empty());
    std::fs::remove_dir_all(&a).unwrap();
    std::fs::remove_dir_all(&b).unwrap();
}

#[test]
fn threads_stay_inside_the_hours_write_sample_scans() {
    let w = World::new();
    for src in END / 3600 - 50..END / 3600 {
        for th in threads(&w, src) {
            for (t, _, _) in &th.steps {
                assert!(
                    (src - 1) * 3600 <= *t && *t < (src + LAG + 1) * 3600,
                    "{} #{}",
                    th.title,
                    th.num
                );
            }
            assert!(th.steps.len() < 32 && (th.close == i64::MAX || th.close > th.t0));
        }
    }
}

#[test]
fn cast_and_text_are_consistent() {
    let w = World::new();
    let ids: HashSet<u64> = w.acc.iter().map(|a| a.id).collect();
    assert_eq!(ids.len(), w.acc.len());
    assert!(w.acc.iter().filter(|a| a.kind != Kind::Org).count() >= 60);
    for team in &w.team {
        assert!(
            !team[0].is_empty() && team[1].len() > 1,
            "every repository needs maintainers and contributors"
        );
    }
    assert!(w
        .specs
        .iter()
        .all(|s| s.paths.len() > 2 && s.comps.len() > 2 && s.feats.len() > 2 && s.ops.len() > 2));
    for text in [
        NOTES,
        REPLIES,
        CHANGES,
        COMMENTED,
        ADDRESSED,
        CLOSE_PR,
        TRIAGE,
        AUTHOR_REPLY,
        ME_TOO,
        CLOSE_ISSUE,
        COMMITS,
        FIXUPS,
    ] {
        assert!(
            list(text).iter().all(|s| !s.is_empty() && s.trim() == *s),
            "{text}"
        );
    }
    assert_eq!(node("User", 20798510), "MDQ6VXNlcjIwNzk4NTEw");
    assert_eq!(
        node("PullRequest", 691208930),
        "MDExOlB1bGxSZXF1ZXN0NjkxMjA4OTMw"
    );
    assert_eq!(ts(1_626_847_201), "2021-07-21T06:00:01Z");
}

#[test]
fn stargazers_only_star_and_fork() {
    let w = World::new();
    let mut em = Em {
        lo: END,
        evs: vec![],
    };
    for src in END / 3600 - LAG..=END / 3600 + 1 {
        threads(&w, src)
            .iter()
            .for_each(|th| emit_thread(&w, th, &mut em));
    }
    singles(&w, END / 3600, &mut em);
    for ev in &em.evs {
        assert!(
            w.acc[ev.actor].kind != Kind::Star || matches!(ev.ty, "WatchEvent" | "ForkEvent"),
            "{}",
            ev.ty
        );
    }
}
