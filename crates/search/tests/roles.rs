//! Roles in a search, against a real store: `role` filters every candidate before ranking and
//! paging, every result says its roles with reasons, and a linked account's work counts for
//! its person.

use builtby_model::{
    time::DAY, Actor, BotRules, ChangedPath, Contribution, Kind, Measures, Record,
};
use builtby_search::query::Params;
use builtby_search::{search, Catalog, Role};
use builtby_store::{InputFile, Store};

fn gh(id: i64, login: &str) -> Actor {
    Actor {
        github_id: Some(id),
        login: login.into(),
        is_bot_type: false,
    }
}

fn git(key: &str) -> Actor {
    Actor {
        github_id: None,
        login: format!("git:{key}"),
        is_bot_type: false,
    }
}

/// `n` commits by `who` in `repo`, each touching `paths`.
fn commits(who: &Actor, repo: &str, n: i64, paths: &[&str]) -> Vec<Record> {
    (0..n)
        .map(|i| {
            let mut c = Contribution::new(
                format!("commit/{repo}@{}{i}", who.login),
                Kind::Commit,
                repo.into(),
                who.clone(),
                (19_900 + i) * DAY,
            );
            c.title = Some(format!("change {i}"));
            c.paths = paths
                .iter()
                .map(|p| ChangedPath {
                    path: p.to_string(),
                    added: Some(3),
                    deleted: Some(1),
                })
                .collect();
            Record::Contribution(Box::new(c))
        })
        .collect()
}

/// Loads `records` as a git history of `o/lib` (a repository read in depth: its work is ML
/// work, as work in the catalog's repositories is).
fn load(store: &mut Store, name: &str, records: &[Record]) {
    let mut b = store.begin().unwrap();
    for r in records {
        b.add(r).unwrap();
    }
    b.set_git_tip("o/lib", "/src/lib", "abc123", 120).unwrap();
    b.commit(
        &InputFile {
            source: builtby_model::Source::Git,
            path: name.into(),
            size: 1,
            checksum: format!("sum-{name}"),
        },
        &builtby_model::ReadReport::new(builtby_model::Source::Git),
    )
    .unwrap();
}

/// kira writes kernels, mo model code, nora notebooks; ri has papers; web pushes to a web
/// app seen in GH Archive (no ML evidence at all: not the catalog's, not read in depth);
/// `git:k2` is a git identity with more kernel work; gamer writes CUDA for a game engine.
fn store(name: &str) -> Store {
    let dir = std::env::temp_dir().join(format!("builtby-roles-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut s = Store::open(&dir).unwrap();
    let mut r = Vec::new();
    r.extend(commits(
        &gh(1, "kira"),
        "o/lib",
        30,
        &["csrc/attn.cu", "csrc/attn.h"],
    ));
    r.extend(commits(
        &gh(2, "mo"),
        "o/lib",
        30,
        &["lib/models/bert.py", "tests/test_bert.py"],
    ));
    r.extend(commits(
        &gh(3, "nora"),
        "o/lib",
        20,
        &["examples/intro.ipynb"],
    ));
    r.extend(commits(
        &git("k2"),
        "o/lib",
        40,
        &["csrc/gemm.cu", "csrc/gemm.cuh"],
    ));
    // CUDA in a game engine nobody asked builtby to read: not ML work
    r.extend(commits(
        &gh(6, "gamer"),
        "games/engine",
        30,
        &["src/render.cu"],
    ));
    let mut push = Contribution::new(
        "push/web".into(),
        Kind::Push,
        "web/shop".into(),
        gh(5, "web"),
        19_950 * DAY,
    );
    push.commits = Some(3);
    r.push(Record::Contribution(Box::new(push)));
    for i in 0..3 {
        let mut p = Contribution::new(
            format!("paper/arxiv.org/abs/2401.0000{i}/ri"),
            Kind::Paper,
            "arxiv.org/abs/2401".into(),
            Actor {
                github_id: None,
                login: "arxiv:ri".into(),
                is_bot_type: false,
            },
            (19_700 + i) * DAY,
        );
        p.title = Some(format!("A method {i}"));
        p.measures = Some(Measures {
            categories: vec!["cs.LG".into()],
            ..Default::default()
        });
        r.push(Record::Contribution(Box::new(p)));
    }
    // a Kaggle Master with medals and notebooks, and a Hub author of scikit-learn models
    let kg = Actor {
        github_id: None,
        login: "kaggle:kat".into(),
        is_bot_type: false,
    };
    let mut off = vec![
        (
            Kind::KaggleTier,
            "tier/competitions".to_string(),
            Measures {
                tier: Some(3),
                category: Some("competitions".into()),
                ..Default::default()
            },
        ),
        (
            Kind::KaggleMedal,
            "medal/1".to_string(),
            Measures {
                medal: Some(1),
                ..Default::default()
            },
        ),
        (
            Kind::KaggleMedal,
            "medal/2".to_string(),
            Measures {
                medal: Some(2),
                ..Default::default()
            },
        ),
    ];
    for i in 0..5 {
        off.push((Kind::Notebook, format!("nb/{i}"), Measures::default()));
    }
    for (kind, key, m) in off {
        let mut c = Contribution::new(
            format!("{kind}/kaggle/{key}"),
            kind,
            "kaggle.com/kat".into(),
            kg.clone(),
            19_800 * DAY,
        );
        c.measures = Some(m);
        r.push(Record::Contribution(Box::new(c)));
    }
    for i in 0..6 {
        let mut c = Contribution::new(
            format!("model/huggingface.co/sk/iris-{i}"),
            Kind::Model,
            format!("huggingface.co/sk/iris-{i}"),
            Actor {
                github_id: None,
                login: "hf:sk".into(),
                is_bot_type: false,
            },
            19_800 * DAY,
        );
        c.title = Some(format!("sk/iris-{i}"));
        c.measures = Some(Measures {
            categories: vec!["tabular-classification".into(), "sklearn".into()],
            ..Default::default()
        });
        r.push(Record::Contribution(Box::new(c)));
    }
    load(&mut s, name, &r);
    s
}

fn run(s: &Store, pairs: &[(&str, &str)]) -> builtby_search::SearchResults {
    let p: Params = pairs.iter().copied().collect();
    let q = p.build(&Catalog::shipped(), 20_000 * DAY).unwrap();
    search(s, &Catalog::shipped(), &BotRules::default(), &q).unwrap()
}

fn logins(r: &builtby_search::SearchResults) -> Vec<String> {
    let mut v: Vec<String> = r.results.iter().map(|x| x.login.clone()).collect();
    v.sort();
    v
}

#[test]
fn the_role_filter_keeps_people_whose_work_shows_it_before_paging() {
    let s = store("filter");
    let all = run(&s, &[]);
    assert_eq!(all.total, 9);
    let role_of = |login: &str| {
        all.results
            .iter()
            .find(|r| r.login == login)
            .unwrap()
            .roles
            .clone()
    };
    assert_eq!(role_of("kira")[0].role, Role::MlInfra);
    assert!(
        role_of("kira")[0].reasons[0].contains("kernels and native code 100%"),
        "{:?}",
        role_of("kira")
    );
    assert_eq!(role_of("mo")[0].role, Role::MlEngineer);
    assert_eq!(role_of("nora")[0].role, Role::DataScientist);
    assert_eq!(role_of("arxiv:ri")[0].role, Role::Researcher);
    let kat = role_of("kaggle:kat");
    assert_eq!(kat[0].role, Role::DataScientist);
    assert!(
        kat[0].reasons.contains(&"Kaggle Master".to_string())
            && kat[0]
                .reasons
                .contains(&"2 medals in Kaggle competitions".to_string())
            && kat[0]
                .reasons
                .contains(&"5 notebooks on Kaggle".to_string()),
        "{kat:?}"
    );
    assert_eq!(role_of("hf:sk")[0].role, Role::DataScientist);
    assert!(
        role_of("web").is_empty(),
        "a web app's pushes show no ML role"
    );
    assert!(
        role_of("gamer").is_empty(),
        "kernels outside ML work say nothing"
    );

    let infra = run(&s, &[("role", "ml_infra")]);
    assert_eq!(logins(&infra), ["git:k2", "kira"]);
    assert_eq!(infra.total, 2);
    // before paging: the second page holds the other one
    let page2 = run(&s, &[("role", "ml_infra"), ("limit", "1"), ("offset", "1")]);
    assert_eq!((page2.total, page2.results.len()), (2, 1));
    assert_eq!(page2.results[0].rank, 2);
    let two = run(&s, &[("role", "researcher,data_scientist")]);
    assert_eq!(logins(&two), ["arxiv:ri", "hf:sk", "kaggle:kat", "nora"]);
    // a role filter with another filter: the scope first, then the role
    let scoped = run(&s, &[("role", "ml_engineer"), ("kind", "commit")]);
    assert_eq!(logins(&scoped), ["mo"]);
}

#[test]
fn a_linked_accounts_work_counts_for_its_person() {
    let mut s = store("linked");
    let before = run(&s, &[("role", "ml_infra")]);
    assert!(!logins(&before).contains(&"mo".to_string()));
    // mo's git identity wrote the kernels: once linked, mo's record is mostly kernels.
    s.identity_link("git:k2", "mo", "test", "the same person")
        .unwrap();
    let after = run(&s, &[("role", "ml_infra")]);
    assert_eq!(logins(&after), ["kira", "mo"]);
    let mo = after.results.iter().find(|r| r.login == "mo").unwrap();
    assert_eq!(mo.roles[0].role, Role::MlInfra, "{:?}", mo.roles);
    assert!(
        mo.roles.iter().any(|g| g.role == Role::MlEngineer),
        "the model code is still there: {:?}",
        mo.roles
    );
}
