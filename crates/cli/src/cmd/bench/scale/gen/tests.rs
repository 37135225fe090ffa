use super::*;
use builtby_sources::gharchive::{read_file, Outcome};
use std::collections::{BTreeMap, HashMap};

fn spec(people: u64, contributions: u64, seed: u64) -> Spec {
    Spec {
        people,
        contributions,
        seed,
        // 2026-01-01T00Z: fixed, so the bytes do not depend on the day the test runs
        end: 1_767_225_600,
        days: 60,
    }
}

fn temp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("builtby-scale-gen-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

fn gen(name: &str, s: &Spec) -> (PathBuf, Generated) {
    let dir = temp(name);
    let g = generate(&dir, s, &builtby_search::Catalog::shipped(), &|_| {}).unwrap();
    (dir, g)
}

/// Every file's name and bytes, and each git history's tip.
fn fingerprint(dir: &Path, g: &Generated) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = g
        .files
        .iter()
        .map(|f| {
            let name = f.strip_prefix(dir).unwrap().display().to_string();
            (name, std::fs::read(f).unwrap())
        })
        .collect();
    for (repo, name, _) in &g.git {
        let tip = std::process::Command::new("git")
            .arg("-C")
            .arg(repo)
            .args(["rev-parse", "main"])
            .output()
            .unwrap();
        out.push((name.clone(), tip.stdout));
    }
    out.sort();
    out
}

#[test]
fn same_seed_same_bytes_other_seed_other_bytes() {
    let s = spec(300, 3000, 7);
    let (d1, g1) = gen("det1", &s);
    let (d2, g2) = gen("det2", &s);
    let (d3, g3) = gen("det3", &spec(300, 3000, 8));
    let (f1, f2, f3) = (
        fingerprint(&d1, &g1),
        fingerprint(&d2, &g2),
        fingerprint(&d3, &g3),
    );
    assert!(!f1.is_empty());
    assert_eq!(f1, f2, "same seed, different bytes");
    assert_ne!(f1, f3, "another seed should change the data");
    for d in [d1, d2, d3] {
        let _ = std::fs::remove_dir_all(d);
    }
}

/// The real parser reads every line (no skipped line), finds exactly the contributions asked
/// for by exactly the people asked for, the busiest 1% of people hold a large share, about
/// 15% of the work is in the catalog, and stars and forks count for nothing.
#[test]
fn the_real_parser_reads_every_line_with_the_promised_shape() {
    let s = spec(2000, 30_000, 3);
    let (dir, g) = gen("parse", &s);
    let catalog = builtby_search::Catalog::shipped();
    let mut per_person: HashMap<String, u64> = HashMap::new();
    let mut kinds: BTreeMap<String, u64> = BTreeMap::new();
    let (mut events, mut skipped, mut in_catalog, mut total) = (0, 0, 0u64, 0u64);
    let mut by_type: BTreeMap<String, u64> = BTreeMap::new();
    for f in &g.files {
        let stats = read_file(f, |c| {
            if let Outcome::Contribution(c) = c.outcome {
                let k = &c.contribution;
                *per_person.entry(k.actor.login.clone()).or_default() += 1;
                total += 1;
                if catalog.canonical(&k.repo).is_some() {
                    in_catalog += 1;
                }
            }
        })
        .unwrap();
        events += stats.events;
        skipped += stats.skipped_lines;
        assert!(stats.skip_messages.is_empty(), "{:?}", stats.skip_messages);
        for (k, n) in stats.contributions_by_kind {
            *kinds.entry(k).or_default() += n;
        }
        for (k, n) in stats.events_by_type {
            *by_type.entry(k).or_default() += n;
        }
    }
    assert_eq!(skipped, 0);
    assert_eq!(events, g.events);
    assert_eq!(total, s.contributions, "kinds: {kinds:?}");
    assert_eq!(g.contributions, s.contributions);
    assert_eq!(
        per_person.len() as u64,
        s.people,
        "every person contributes"
    );
    assert!(g.located > 0 && g.located < s.people / 2, "{}", g.located);
    let mut counts: Vec<u64> = per_person.values().copied().collect();
    counts.sort_unstable_by(|a, b| b.cmp(a));
    let top: u64 = counts[..(s.people as usize / 100)].iter().sum();
    let share = top as f64 / total as f64;
    assert!(share > 0.2, "top 1% hold {share:.2}");
    let cat = in_catalog as f64 / total as f64;
    assert!((0.08..0.25).contains(&cat), "catalog share {cat:.3}");
    let pct = |k: &str| *kinds.get(k).unwrap_or(&0) as f64 / total as f64;
    assert!((0.6..0.9).contains(&pct("push")), "{kinds:?}");
    for k in [
        "pr_opened",
        "pr_merged",
        "pr_closed_unmerged",
        "review",
        "review_comment",
        "issue_opened",
        "issue_comment",
    ] {
        assert!((0.005..0.12).contains(&pct(k)), "{k}: {kinds:?}");
    }
    assert!(
        by_type["WatchEvent"] > 0 && by_type["ForkEvent"] > 0,
        "{by_type:?}"
    );
    // stars and forks and issue closings are events, not contributions
    assert!(events > total);
    eprintln!("kinds {kinds:?}\ntypes {by_type:?}\ntop 1% {share:.3}, catalog {cat:.3}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn too_few_contributions_for_the_people_is_an_error() {
    let dir = temp("few");
    let e = generate(
        &dir,
        &spec(1000, 500, 1),
        &builtby_search::Catalog::shipped(),
        &|_| {},
    )
    .unwrap_err();
    assert!(e.to_string().contains("--contributions"), "{e}");
    let _ = std::fs::remove_dir_all(dir);
}
