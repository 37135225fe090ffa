use super::*;
use crate::Catalog;
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
        measured: HashMap::new(),
    }
}

fn cell(repo: i64, kind: Kind, day: i64, n: i64) -> Cell {
    Cell {
        person_id: 0,
        repo_id: repo,
        kind,
        day,
        n,
        w: n as f64,
    }
}

/// The shipped rules (the catalog's `[rank]` defaults).
fn rules() -> Rules {
    Catalog::shipped().rules().clone()
}

fn rule(name: &str) -> Rule {
    rules().get(name).unwrap().clone()
}

/// The ranked total, checked against the page's details: the same code adds the same terms
/// in the same order, so they agree to the bit.
fn total(cells: &[Cell]) -> f64 {
    let c = ctx();
    let rules = rules();
    let ranked = rules.total(cells, &c);
    let recorded: f64 = rules.explain(cells, &c).iter().map(|d| d.score).sum();
    assert_eq!(ranked.to_bits(), recorded.to_bits());
    ranked
}

#[test]
fn scrutiny_and_breadth_weigh_merged_work() {
    let c = ctx();
    let merged = rule("merged_work");
    let core = merged.explain(&[cell(1, Kind::PrMerged, 20_000, 1)], &c);
    let own = merged.explain(&[cell(2, Kind::PrMerged, 20_000, 1)], &c);
    let lib = merged.explain(&[cell(3, Kind::PrMerged, 20_000, 1)], &c);
    assert_eq!(core.score, 30.0);
    assert_eq!(own.score, 2.5, "a one-person repository counts a quarter");
    assert_eq!(lib.score, 10.0);
    assert_eq!(core.used[0].repo, "pytorch/pytorch");
    assert_eq!(core.used[0].count, 1);
}

#[test]
fn recency_halves_weight_each_half_life() {
    let c = ctx();
    let r = rule("merged_work");
    let now = r.score(&[cell(3, Kind::PrMerged, 20_000, 1)], &c, &mut Quiet);
    let year_ago = r.score(&[cell(3, Kind::PrMerged, 20_000 - 365, 1)], &c, &mut Quiet);
    assert!((year_ago - now / 2.0).abs() < 1e-9);
    let rec = rule("recency");
    let cells = [
        cell(3, Kind::Review, 20_000 - 30, 2),
        cell(3, Kind::Review, 19_000, 5),
    ];
    assert_eq!(rec.score(&cells, &c, &mut Quiet), 2.0);
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

/// Bits of each person's total and rule scores under the shipped `[rank]`, computed by the
/// code before the rules were written once (through an explain sink) and their weights moved
/// to the catalog.
const GOLDEN: [(u64, [(&str, u64); 11]); 2] = [
    (
        0x4056a7215641ded2,
        [
            ("merged_work", 4633641066610819072),
            ("reviews", 4618441417868443648),
            ("feedback", 0),
            ("models", 0),
            ("papers", 0),
            ("kaggle", 0),
            ("conversation", 0),
            ("maintenance", 4598175219545276416),
            ("commits", 4618067313723204682),
            ("depth", 4624461425063412839),
            ("recency", 4616189618054758400),
        ],
    ),
    (
        0x405d4aa25a70f5a4,
        [
            ("merged_work", 4607221306352076844),
            ("reviews", 4632032274976541684),
            ("feedback", 0),
            ("models", 0),
            ("papers", 0),
            ("kaggle", 0),
            ("conversation", 4617845533907931528),
            ("maintenance", 4612756984209238914),
            ("commits", 4628725850969487292),
            ("depth", 4620752145790126382),
            ("recency", 4627167142146473984),
        ],
    ),
];

/// Two people, every kind and every rule, score to the bit what they scored before: moving
/// the weights to the catalog must not move a score.
#[test]
fn shipped_weights_score_as_before() {
    let people = [
        vec![
            cell(1, Kind::PrMerged, 20_000, 2),
            cell(3, Kind::Review, 20_000 - 365, 3),
            cell(2, Kind::Push, 20_000, 5),
            cell(3, Kind::Commit, 20_000 - 30, 1),
            cell(3, Kind::PrCommit, 20_000, 4),
        ],
        vec![
            cell(2, Kind::PrOpened, 19_500, 7),
            cell(1, Kind::ReviewComment, 19_990, 11),
            cell(3, Kind::IssueComment, 18_000, 2),
            cell(1, Kind::MemberAdded, 19_000, 1),
            cell(2, Kind::Release, 19_850, 3),
            cell(1, Kind::CoAuthored, 19_700, 2),
            cell(2, Kind::CommitReview, 19_820, 1),
            cell(1, Kind::PrClosedUnmerged, 19_900, 1),
            cell(3, Kind::IssueOpened, 19_818, 4),
            cell(1, Kind::PrMerged, 17_000, 9),
            cell(1, Kind::PrMerged, 17_010, 1),
            cell(9, Kind::Commit, 20_050, 3),
        ],
    ];
    let c = ctx();
    for (cells, (want_total, want_rules)) in people.iter().zip(GOLDEN) {
        assert_eq!(total(cells).to_bits(), want_total);
        let got: Vec<(&str, u64)> = rules()
            .explain(cells, &c)
            .iter()
            .map(|d| (d.rule, d.score.to_bits()))
            .collect();
        assert_eq!(got, want_rules);
    }
    // The first person by hand: 2 merged PRs today in a scrutiny-3 repository; 3 reviews a
    // half-life ago; 5 pushes to a one-person repository; depth counts one month in
    // pytorch/pytorch and two in org/lib (pr_commit is building work); recency sees 2 merged
    // PRs, 5 pushes at 0.2, 1 commit and 4 pr_commits at 0 (the reviews are out of window).
    let d = rules().explain(&people[0], &c);
    let by = |r: &str| d.iter().find(|x| x.rule == r).unwrap().score;
    assert_eq!(by("merged_work"), 60.0);
    assert_eq!(by("reviews"), 6.0);
    assert_eq!(by("maintenance"), 0.25);
    assert!((by("commits") - 6.0 * 0.5f64.powf(30.0 / 365.0)).abs() < 1e-12);
    let depth = 9.0 * 0.5f64.powf(5.0 / 365.0)
        + 3.0 * 0.5f64.powf(35.0 / 365.0)
        + 3.0 * 0.5f64.powf(5.0 / 365.0);
    assert!((by("depth") - depth).abs() < 1e-12);
    assert_eq!(by("recency"), 2.0 + 1.0 + 1.0);
}

#[test]
fn depth_reports_active_months_and_labels_say_their_numbers() {
    let c = ctx();
    let d = rule("depth").explain(
        &[
            cell(3, Kind::Commit, 19_995, 50),
            cell(3, Kind::PrMerged, 19_990, 2),
            cell(3, Kind::Commit, 19_965, 1),
        ],
        &c,
    );
    assert_eq!(d.used.len(), 1);
    assert_eq!(d.used[0].kind, Counted::ActiveMonth);
    assert_eq!(
        d.used[0].count, 2,
        "two 30-day periods, however many commits"
    );
    let json = serde_json::to_value(&d.used[0]).unwrap();
    assert_eq!(json["kind"], "active_month");
    let depth = rule("depth");
    assert!(depth.label().contains("3 points each"), "{}", depth.label());
    assert!(
        depth.about().contains("3 points per active month"),
        "{}",
        depth.about()
    );

    let recency = rule("recency");
    assert_eq!(
        recency.label(),
        "Recent work (last 6 months): up to 1 point each, no decay"
    );
    assert!(
        recency.about().contains("last 182 days (about 6 months)")
            && recency.about().contains("push 0.2"),
        "{}",
        recency.about()
    );
    let r = Recency {
        window_days: 30,
        default: 1.0,
        weights: vec![],
    };
    assert_eq!(
        r.label(),
        "Recent work (last 1 month): 1 point each, no decay"
    );
    assert!(
        r.about().contains("last 30 days (about 1 month)"),
        "{}",
        r.about()
    );
    let r = Recency {
        window_days: 45,
        default: 2.0,
        weights: vec![(Kind::Push, 0.5)],
    };
    assert_eq!(
        r.label(),
        "Recent work (last 45 days): up to 2 points each, no decay"
    );
    let reviews = rule("reviews");
    assert_eq!(
        reviews.label(),
        "Reviews: 4 to 1.5 points each × repo scrutiny × recency"
    );
    assert!(
        reviews.about().contains("review 4") && reviews.about().contains("review comment 1.5"),
        "{}",
        reviews.about()
    );
    assert_eq!(
        rule("merged_work").label(),
        "Merged PRs: 10 points each × repo scrutiny × recency"
    );
    // A weighted rule's rows are contributions of their kind.
    let m = rule("merged_work").explain(&[cell(1, Kind::PrMerged, 20_000, 3)], &c);
    assert_eq!(
        serde_json::to_value(&m.used[0]).unwrap()["kind"],
        "pr_merged"
    );
}

/// Labels are short (a dozen words; `×` is not a word) and the long explanation is kept in
/// `about`, which says at least as much: every number in a label is in the rule's table.
#[test]
fn labels_are_short_and_about_keeps_the_explanation() {
    let words = |s: &str| {
        s.split_whitespace()
            .filter(|w| w.chars().any(char::is_alphanumeric))
            .count()
    };
    let texts = rules().texts();
    assert_eq!(texts.len(), rules().iter().count());
    for (r, t) in rules().iter().zip(&texts) {
        let (label, about) = (r.label(), r.about());
        assert!(words(&label) <= 12, "{}: {label}", r.name());
        assert!(words(&about) > words(&label), "{}: {about}", r.name());
        assert_eq!((t.rule, &t.label, &t.about), (r.name(), &label, &about));
        assert_eq!(crate::rank::text_of(&texts, r.name()), Some(t));
    }
    // The commits rule's label was 40 words; what it said is in `about`.
    let commits = rule("commits");
    assert_eq!(
        commits.label(),
        "Commits: 6 to 2 points each × repo scrutiny × recency"
    );
    assert!(
        commits.about().contains("count with the PR, not again")
            && commits.about().contains("co-authored commit 3"),
        "{}",
        commits.about()
    );
}

/// Labels follow the `[rank]` table: change a number there and the label says the new one.
#[test]
fn labels_are_written_from_the_rank_table() {
    let dir = std::env::temp_dir().join(format!("builtby-labels-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join("rank.toml");
    std::fs::write(
        &p,
        "[rank.merged_work]\npr_merged = 7.5\n[rank.depth]\npoints_per_month = 1\n[rank.recency]\nwindow_days = 91\n[rank.papers]\nper_paper = 2\n[rank.kaggle]\ngrandmaster = 30\n",
    )
    .unwrap();
    let c = Catalog::with_user_file(Some(&p)).unwrap();
    let label = |n: &str| c.rules().get(n).unwrap().label();
    assert_eq!(
        label("merged_work"),
        "Merged PRs: 7.5 points each × repo scrutiny × recency"
    );
    assert_eq!(
        label("depth"),
        "Active months per repo: 1 point each × repo scrutiny × recency"
    );
    assert!(
        label("recency").contains("last 3 months"),
        "{}",
        label("recency")
    );
    assert!(
        label("papers").starts_with("arXiv papers: 2 points"),
        "{}",
        label("papers")
    );
    assert!(label("kaggle").contains("up to 30"), "{}", label("kaggle"));
    let _ = std::fs::remove_dir_all(&dir);
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

/// Issue 11: models, papers and Kaggle are weighed by what their sources measured, explained,
/// and add to GitHub work: a Grandmaster with merged PRs to ML infrastructure ranks above
/// either signal alone.
#[test]
fn measured_work_is_weighed_explained_and_adds_to_github_work() {
    use builtby_model::Measures;
    use builtby_store::MeasuredRow;
    let day = 19_995; // a bucket's middle day, as cells carry
    let mut c = ctx();
    c.repos
        .insert(10, ("huggingface.co/ana/bert-tiny".into(), 1.0));
    c.repos.insert(11, ("kaggle.com/ana".into(), 1.0));
    c.repos.insert(12, ("arxiv.org/abs/2101.00001".into(), 1.0));
    let row = |repo: i64, kind: Kind, measures: Measures| MeasuredRow {
        person_id: 0,
        repo_id: repo,
        kind,
        at: day * 86_400,
        url: None,
        title: None,
        measures,
    };
    let grandmaster = row(
        11,
        Kind::KaggleTier,
        Measures {
            category: Some("competitions".into()),
            tier: Some(4),
            ..Default::default()
        },
    );
    let gm_cells = vec![cell(11, Kind::KaggleTier, day, 1)];
    let pr_cells = vec![cell(1, Kind::PrMerged, day, 3)];
    let both_cells: Vec<Cell> = gm_cells.iter().chain(&pr_cells).cloned().collect();
    let rules = rules();
    c.measured.insert(0, vec![grandmaster.clone()]);
    let (gm, both) = (rules.total(&gm_cells, &c), rules.total(&both_cells, &c));
    let pr = rules.total(&pr_cells, &ctx());
    assert!(gm > 0.0 && pr > 0.0, "{gm} {pr}");
    assert!(
        both > gm && both > pr,
        "both {both}, grandmaster {gm}, PRs {pr}"
    );
    let d = rule("kaggle").explain(&gm_cells, &c);
    assert_eq!(
        (d.used.len(), d.used[0].repo.as_str()),
        (1, "kaggle.com/ana")
    );

    // models: more downloads, and a better card, never lower a score
    let model = |downloads, card| {
        row(
            10,
            Kind::Model,
            Measures {
                downloads: Some(downloads),
                card_score: Some(card),
                ..Default::default()
            },
        )
    };
    let cells = vec![cell(10, Kind::Model, day, 1)];
    let score = |m: MeasuredRow| {
        let mut c = ctx();
        c.repos
            .insert(10, ("huggingface.co/ana/bert-tiny".into(), 1.0));
        c.measured.insert(0, vec![m]);
        rule("models").score(&cells, &c, &mut Quiet)
    };
    assert!(score(model(10_000, 0.0)) > score(model(10, 0.0)));
    assert!(score(model(10, 1.0)) > score(model(10, 0.0)));
    // papers: code and topic count
    let paper = |code: bool, cat: &str| {
        row(
            12,
            Kind::Paper,
            Measures {
                categories: vec![cat.into()],
                code_url: code.then(|| "https://github.com/o/r".into()),
                ..Default::default()
            },
        )
    };
    let cells = vec![cell(12, Kind::Paper, day, 1)];
    let score = |m: MeasuredRow| {
        let mut c = ctx();
        c.repos.insert(12, ("arxiv.org/abs/2101.00001".into(), 1.0));
        c.measured.insert(0, vec![m]);
        rule("papers").score(&cells, &c, &mut Quiet)
    };
    assert!(score(paper(true, "cs.LG")) > score(paper(false, "cs.LG")));
    assert!(score(paper(false, "cs.LG")) > score(paper(false, "math.CO")));
    // work outside the search's scope (no cell for it) counts for nothing
    let mut c = ctx();
    c.measured.insert(0, vec![grandmaster]);
    assert_eq!(rule("kaggle").score(&pr_cells, &c, &mut Quiet), 0.0);
}
