//! Roles on real accounts: the shared data (GH Archive hours, the six git histories, the Hub
//! dump, the arXiv answers) ingested into a fresh store as `builtby ingest` does, each labelled
//! account of `roles_labelled.tsv` given its roles by `builtby_search::role_features`, and the
//! best role compared with the label: accuracy, precision and recall per role and the
//! confusion matrix, printed for the tuning rows and for the held-out rows apart (see the
//! file's header for how it was made). Run with `--nocapture` to see the figures.
//! A missing input fails when `../shared` exists; skips with a message only when it is absent.

use builtby_ingest::{expand_inputs, Silent};
use builtby_search::role::{Role, RoleGuess};
use builtby_search::Catalog;
use builtby_store::Store;
use std::path::PathBuf;

#[path = "../../test-support/git_replay.rs"]
mod git_replay;
#[path = "../../test-support/shared_data.rs"]
mod shared_data;

const REPOS: [&str; 6] = [
    "huggingface/peft",
    "huggingface/accelerate",
    "huggingface/trl",
    "huggingface/diffusers",
    "keras-team/keras",
    "jax-ml/jax",
];

struct Label {
    account: String,
    role: Role,
    heldout: bool,
    targeted: bool,
}

fn labels() -> Vec<Label> {
    let text = include_str!("roles_labelled.tsv");
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            assert_eq!(f.len(), 5, "{l}");
            assert!(matches!(f[2], "tune" | "heldout"), "{l}");
            Label {
                account: f[0].to_string(),
                role: f[1].parse().unwrap_or_else(|e| panic!("{l}: {e}")),
                heldout: f[2] == "heldout",
                targeted: f[3] == "targeted",
            }
        })
        .collect()
}

/// The store `builtby ingest` makes of the shared data, in the order the labels were read from.
fn ingest_all() -> Option<(Store, PathBuf)> {
    let gharchive = shared_data::shared_data("gharchive")?;
    let hub = shared_data::shared_data("huggingface/hub-2022.tar.zst")?;
    let arxiv = shared_data::shared_data("arxiv")?;
    let dir = std::env::temp_dir().join(format!("builtby-real-roles-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut store = Store::open(&dir).unwrap();
    let (files, bad) = expand_inputs(&[gharchive]);
    assert!(bad.is_empty(), "{bad:?}");
    builtby_ingest::gharchive::ingest_files(&mut store, &files, 2, &Silent).unwrap();
    for repo in REPOS {
        let name = repo.replace('/', "__");
        let data = git_replay::export(&name)?;
        let path = git_replay::replay(&name, &data);
        let r = builtby_ingest::git::ingest_repo(&mut store, &path, Some(repo), 2).unwrap();
        assert!(
            !matches!(r.outcome, builtby_ingest::git::GitOutcome::Failed { .. }),
            "{repo}: {:?}",
            r.outcome
        );
    }
    builtby_ingest::huggingface::ingest_dump(&mut store, &hub, &[], &|_| {}).unwrap();
    let mut atoms: Vec<PathBuf> = std::fs::read_dir(&arxiv)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    atoms.sort();
    builtby_ingest::arxiv::ingest_files(&mut store, &atoms, &|_| {}).unwrap();
    Some((store, dir))
}

#[derive(Default)]
struct Tally {
    /// (label, predicted or None) per row
    rows: Vec<(Role, Option<Role>)>,
}

impl Tally {
    fn report(&self, title: &str) -> (usize, usize) {
        let n = self.rows.len();
        let right = self.rows.iter().filter(|(l, p)| Some(*l) == *p).count();
        println!(
            "\n{title}: {right}/{n} right ({:.0}%)",
            100.0 * right as f64 / n.max(1) as f64
        );
        println!(
            "  {:<15} {:>9} {:>9} {:>9} {:>9}",
            "role", "labelled", "predicted", "precision", "recall"
        );
        for r in Role::ALL {
            let labelled = self.rows.iter().filter(|(l, _)| *l == r).count();
            let predicted = self.rows.iter().filter(|(_, p)| *p == Some(r)).count();
            let hit = self
                .rows
                .iter()
                .filter(|(l, p)| *l == r && *p == Some(r))
                .count();
            let ratio = |a: usize, b: usize| {
                if b == 0 {
                    "-".to_string()
                } else {
                    format!("{a}/{b} {:.0}%", 100.0 * a as f64 / b as f64)
                }
            };
            println!(
                "  {:<15} {:>9} {:>9} {:>9} {:>9}",
                r.as_str(),
                labelled,
                predicted,
                ratio(hit, predicted),
                ratio(hit, labelled)
            );
        }
        let none = self.rows.iter().filter(|(_, p)| p.is_none()).count();
        if none > 0 {
            println!("  no role guessed: {none}");
        }
        print!("  confusion (rows: label; columns: predicted ml_eng, ml_infra, research, data_sci, none):");
        for r in Role::ALL {
            print!("\n    {:<15}", r.as_str());
            for p in Role::ALL.map(Some).into_iter().chain([None]) {
                let k = self.rows.iter().filter(|(l, q)| *l == r && *q == p).count();
                print!(" {k:>4}");
            }
        }
        println!();
        (right, n)
    }
}

fn short(g: &[RoleGuess]) -> String {
    g.iter()
        .map(|g| format!("{} {:.2} [{}]", g.role, g.confidence, g.reasons.join("; ")))
        .collect::<Vec<_>>()
        .join(" | ")
}

#[test]
fn roles_of_labelled_real_accounts() {
    let Some((store, dir)) = ingest_all() else {
        return;
    };
    let catalog = Catalog::shipped();
    let labels = labels();
    assert!(labels.len() >= 60, "{} labelled accounts", labels.len());
    let mut ids = Vec::new();
    for l in &labels {
        let id = store
            .person_by_login(&l.account)
            .unwrap()
            .unwrap_or_else(|| panic!("{} is not in the store", l.account));
        ids.push(id);
    }
    let as_of = builtby_model::time::now();
    let started = std::time::Instant::now();
    let roles = builtby_search::role_features::roles_of(&store, &catalog, &ids, as_of).unwrap();
    println!(
        "roles of {} labelled accounts computed in {:.0} ms",
        ids.len(),
        started.elapsed().as_secs_f64() * 1000.0
    );
    let (mut tune, mut heldout) = (Tally::default(), Tally::default());
    let (mut tune_untargeted, mut heldout_untargeted) = (Tally::default(), Tally::default());
    let (mut misses, mut heldout_misses) = (Vec::new(), Vec::new());
    for (l, id) in labels.iter().zip(&ids) {
        let g = roles.get(id).cloned().unwrap_or_default();
        let best = g.first().map(|g| g.role);
        let (all, untargeted) = if l.heldout {
            (&mut heldout, &mut heldout_untargeted)
        } else {
            (&mut tune, &mut tune_untargeted)
        };
        all.rows.push((l.role, best));
        if !l.targeted {
            untargeted.rows.push((l.role, best));
        }
        if best != Some(l.role) {
            let line = format!("  {} (label {}): {}", l.account, l.role, short(&g));
            if l.heldout {
                heldout_misses.push(line);
            } else {
                misses.push(line);
            }
        }
    }
    let (right, n) = tune.report("tuning rows");
    tune_untargeted.report("tuning rows, without the targeted picks");
    println!("tuning misses:\n{}", misses.join("\n"));
    heldout.report("held-out rows");
    heldout_untargeted.report("held-out rows, without the targeted picks");
    println!("held-out misses:\n{}", heldout_misses.join("\n"));
    // The ranking keeps everyone's topic counts; read from there, the features are the ones
    // counted from the contributions (every person with work, not only the labelled ones).
    let mut store = store;
    let bots = builtby_model::BotRules::default();
    assert!(builtby_search::ranking::refresh(&mut store, &catalog, &bots, as_of).unwrap());
    let mut everyone: Vec<i64> = store.rank_people().unwrap().into_keys().collect();
    everyone.sort_unstable();
    let day = builtby_model::time::day_of(as_of);
    let kept = store
        .ranking_topics(&everyone, day, builtby_search::role_features::topics_key())
        .unwrap()
        .expect("the ranking was just built");
    assert!(kept.len() > 1000, "{} topic counts kept", kept.len());
    let started = std::time::Instant::now();
    let from_ranking =
        builtby_search::role_features::role_features(&store, &catalog, &everyone, as_of).unwrap();
    let t_kept = started.elapsed();
    let started = std::time::Instant::now();
    let counted =
        builtby_search::role_features::role_features_counted(&store, &catalog, &everyone, as_of)
            .unwrap();
    let t_counted = started.elapsed();
    println!(
        "features of {} people: {:.0} ms with the kept topics, {:.0} ms counted",
        everyone.len(),
        t_kept.as_secs_f64() * 1000.0,
        t_counted.as_secs_f64() * 1000.0
    );
    let with_topics = counted.values().filter(|f| !f.topics.is_empty()).count();
    let citing = counted.values().filter(|f| f.cites_papers > 0).count();
    assert!(
        with_topics > 100 && citing > 0,
        "{with_topics} with topics, {citing} citing arXiv"
    );
    assert_eq!(from_ranking.len(), counted.len());
    for (id, f) in &counted {
        assert_eq!(from_ranking.get(id), Some(f), "person {id}");
    }
    // A search's page reuses its whole-record cells and the repositories it looked up (here
    // every other one, so the rest are looked up): the same features.
    let cells = store
        .cells(&builtby_store::CellQuery {
            until: Some(as_of),
            person_ids: Some(everyone.clone()),
            ..Default::default()
        })
        .unwrap();
    let mut by_person: std::collections::HashMap<i64, Vec<builtby_store::Cell>> =
        Default::default();
    for c in cells {
        by_person.entry(c.person_id).or_default().push(c);
    }
    let mut repo_ids: Vec<i64> = by_person.values().flatten().map(|c| c.repo_id).collect();
    repo_ids.sort_unstable();
    repo_ids.dedup();
    let half: Vec<i64> = repo_ids.iter().copied().step_by(2).collect();
    let repos = store
        .repos(&half)
        .unwrap()
        .into_iter()
        .map(|(id, name, _)| (id, (name, 0.0)))
        .collect();
    let known = builtby_search::role_features::Known {
        repos: &repos,
        whole_record: Some(&by_person),
    };
    let from_page = builtby_search::role_features::role_features_known(
        &store, &catalog, &everyone, as_of, &known,
    )
    .unwrap();
    assert_eq!(from_page.len(), from_ranking.len());
    for (id, f) in &from_ranking {
        assert_eq!(
            from_page.get(id),
            Some(f),
            "person {id}, from the page's reads"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
    // A floor under the figure measured when the weights were set (48/56), against regressions.
    assert!(
        right * 100 >= n * 80,
        "tuning rows: {right}/{n} right, below the 80% floor"
    );
}
