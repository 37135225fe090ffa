use super::*;
use proptest::prelude::*;

fn ctx() -> Context {
    let mut repos = HashMap::new();
    repos.insert(1, ("pytorch/pytorch".to_string(), 3.0));
    repos.insert(2, ("me/tool".to_string(), repo_weight(None, 1)));
    repos.insert(3, ("org/lib".to_string(), repo_weight(None, 16)));
    Context {
        as_of_day: 20_000,
        half_life_days: 365.0,
        repos,
    }
}

fn cell(repo: i64, kind: Kind, day: i64, n: i64) -> Cell {
    Cell {
        person_id: 0,
        repo_id: repo,
        kind,
        day,
        n,
    }
}

fn total(cells: &[Cell]) -> f64 {
    let c = ctx();
    let rules = rules();
    let fast = super::total(&rules, cells, &c);
    let detailed: f64 = rules.iter().map(|r| r.score(cells, &c).score).sum();
    assert_eq!(
        fast.to_bits(),
        detailed.to_bits(),
        "the fast total equals the detailed score exactly"
    );
    fast
}

#[test]
fn scrutiny_and_breadth_weigh_merged_work() {
    let c = ctx();
    let merged = &rules()[0];
    let core = merged.score(&[cell(1, Kind::PrMerged, 20_000, 1)], &c);
    let own = merged.score(&[cell(2, Kind::PrMerged, 20_000, 1)], &c);
    let lib = merged.score(&[cell(3, Kind::PrMerged, 20_000, 1)], &c);
    assert_eq!(core.score, 30.0);
    assert_eq!(own.score, 2.5, "a one-person repository counts a quarter");
    assert_eq!(lib.score, 10.0);
    assert_eq!(core.used[0].repo, "pytorch/pytorch");
    assert_eq!(core.used[0].count, 1);
}

#[test]
fn recency_halves_weight_each_half_life() {
    let c = ctx();
    let r = &rules()[0];
    let now = r.score(&[cell(3, Kind::PrMerged, 20_000, 1)], &c).score;
    let year_ago = r
        .score(&[cell(3, Kind::PrMerged, 20_000 - 365, 1)], &c)
        .score;
    assert!((year_ago - now / 2.0).abs() < 1e-9);
    let rec = rules().pop().unwrap();
    assert_eq!(
        rec.score(
            &[
                cell(3, Kind::Review, 20_000 - 30, 2),
                cell(3, Kind::Review, 19_000, 5)
            ],
            &c
        )
        .score,
        2.0
    );
}

#[test]
fn pushes_count_little() {
    // A push is worth far less than a merged PR. Stars and forks have no kind to score at all;
    // `crates/ingest/tests/stars.rs` ingests real WatchEvents and ForkEvents to prove they
    // give no contribution and no score.
    assert!(Kind::ALL
        .iter()
        .all(|k| !k.as_str().contains("star") && !k.as_str().contains("fork")));
    let push = total(&[cell(1, Kind::Push, 20_000, 1)]);
    let merged = total(&[cell(1, Kind::PrMerged, 20_000, 1)]);
    assert!(push * 10.0 < merged);
}

fn arb_cells() -> impl Strategy<Value = Vec<(i64, usize, i64, i64)>> {
    prop::collection::vec(
        (
            1i64..=3,
            0usize..Kind::ALL.len(),
            18_000i64..20_100,
            0i64..20,
        ),
        0..12,
    )
}

proptest! {
    /// A person whose counts dominate another's never ranks below them.
    #[test]
    fn dominance(base in arb_cells(), extra in arb_cells()) {
        let b: Vec<Cell> = base.iter().map(|&(r, k, d, n)| cell(r, Kind::ALL[k], d, n)).collect();
        let mut a = b.clone();
        a.extend(extra.iter().map(|&(r, k, d, n)| cell(r, Kind::ALL[k], d, n + 1)));
        let (sa, sb) = (total(&a), total(&b));
        let (na, nb): (i64, i64) = (a.iter().map(|c| c.n).sum(), b.iter().map(|c| c.n).sum());
        prop_assert!(sa >= sb - 1e-9 * sa.abs().max(1.0));
        // Whatever the logins, A is ordered first when it has strictly more.
        if na > nb {
            prop_assert_eq!(compare((sa, na, "zzz"), (sb, nb, "aaa")), std::cmp::Ordering::Less);
        }
    }
}
