//! Meta Kaggle tables (built here to the documented schema) through the real ingest path: the
//! store gets tiers, medals and notebooks for Kaggle accounts, a re-run changes nothing, and a
//! Kaggle account meets a GitHub person only as a suggestion, only when both the user name and
//! the display name match.

use builtby_ingest::kaggle::ingest_dir;
use builtby_ingest::FileOutcome;
use builtby_model::{Actor, BotRules, Contribution, Kind, Profile, ReadReport, Record, Source};
use builtby_search::{search, Catalog, Query};
use builtby_sources::kaggle::Options;
use builtby_store::{InputFile, Store};
use std::path::{Path, PathBuf};

#[path = "../../test-support/shared_data.rs"]
mod shared_data;

struct TempDir(PathBuf);
impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn temp(tag: &str) -> TempDir {
    let d = std::env::temp_dir().join(format!("builtby-kaggle-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    TempDir(d)
}

fn tables(dir: &Path) {
    let w = |name: &str, text: &str| std::fs::write(dir.join(name), text).unwrap();
    w(
        "Users.csv",
        "\"Id\",\"UserName\",\"DisplayName\",\"RegisterDate\",\"PerformanceTier\",\"Country\"
\"368\",\"anagm\",\"Ana López\",\"06/21/2011\",\"4\",\"Spain\"
\"901\",\"bochen\",\"Bo Chen\",\"03/04/2015\",\"3\",\"\"
\"902\",\"cyw\",\"Cy Wu\",\"03/04/2015\",\"2\",\"\"
\"903\",\"novice\",\"Nobody Yet\",\"03/04/2015\",\"0\",\"\"
",
    );
    w(
        "UserAchievements.csv",
        "\"Id\",\"UserId\",\"AchievementType\",\"Tier\",\"TierAchievementDate\",\"Points\",\"CurrentRanking\",\"HighestRanking\",\"TotalGold\",\"TotalSilver\",\"TotalBronze\"
\"1\",\"368\",\"Competitions\",\"4\",\"03/05/2019\",\"123456\",\"12\",\"3\",\"10\",\"5\",\"3\"
\"2\",\"901\",\"Competitions\",\"3\",\"03/05/2020\",\"5000\",\"400\",\"300\",\"1\",\"2\",\"3\"
\"3\",\"902\",\"Scripts\",\"2\",\"03/05/2021\",\"0\",\"\",\"\",\"0\",\"0\",\"5\"
\"4\",\"903\",\"Competitions\",\"0\",\"\",\"0\",\"\",\"\",\"0\",\"0\",\"0\"
",
    );
    w(
        "Kernels.csv",
        "\"Id\",\"AuthorUserId\",\"CurrentKernelVersionId\",\"CreationDate\",\"MadePublicDate\",\"CurrentUrlSlug\",\"Medal\",\"MedalAwardDate\",\"TotalViews\",\"TotalComments\",\"TotalVotes\"
\"5001\",\"368\",\"7001\",\"02/01/2018\",\"02/02/2018\",\"eda-for-hiv\",\"1\",\"03/01/2018\",\"56789\",\"12\",\"1234\"
",
    );
}

fn seed_github(store: &mut Store, people: &[(i64, &str, &str)]) {
    let mut load = store.begin().unwrap();
    for (id, login, name) in people {
        let actor = Actor {
            github_id: Some(*id),
            login: login.to_string(),
            is_bot_type: false,
        };
        let key = format!("pr_merged/pytorch/pytorch#{id}");
        let mut c = Contribution::new(
            key,
            Kind::PrMerged,
            "pytorch/pytorch".into(),
            actor,
            1_700_000_000,
        );
        c.number = Some(*id);
        c.title = Some("Fix NCCL timeout".into());
        c.profile = Some(Profile {
            name: Some(name.to_string()),
            ..Default::default()
        });
        load.add(&Record::Contribution(Box::new(c))).unwrap();
    }
    let input = InputFile {
        source: Source::Github,
        path: PathBuf::from("seed"),
        size: 0,
        checksum: "seed".into(),
    };
    load.commit(&input, &ReadReport::new(Source::Github))
        .unwrap();
}

#[test]
fn tables_load_once_and_a_rerun_changes_nothing() {
    let dir = temp("rerun");
    tables(&dir.0);
    let mut store = Store::open(&dir.0.join("data")).unwrap();
    let run = ingest_dir(&mut store, &dir.0, &Options::default(), None, &mut |_| {}).unwrap();
    let (summary, report) = run.report().expect("loaded");
    assert_eq!(run.accounts, 3, "{report:?}");
    assert_eq!(run.kept(Kind::KaggleTier), 3);
    assert_eq!(run.kept(Kind::Notebook), 1);
    assert_eq!(summary.new_contributions, 4);
    assert_eq!(report.read, 4 + 4 + 1);
    let before = store.stats().unwrap();
    assert_eq!(before.contributions, 4);

    let again = ingest_dir(&mut store, &dir.0, &Options::default(), None, &mut |_| {}).unwrap();
    assert_eq!(again.outcome, FileOutcome::AlreadyLoaded);
    assert_eq!(store.stats().unwrap(), before, "a re-run changes nothing");
    let files = store.files().unwrap();
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].source, "kaggle");
    assert!(
        files[0].checksum.starts_with("kaggle:xxh3-128:"),
        "{files:?}"
    );

    // Other options are another input; the rows they share are the same rows.
    let novices = Options { min_tier: 0 };
    let run = ingest_dir(&mut store, &dir.0, &novices, None, &mut |_| {}).unwrap();
    let (summary, _) = run.report().expect("loaded");
    assert_eq!(summary.new_contributions, 1, "only the novice is new");
    assert_eq!(summary.duplicates, 4);
}

#[test]
fn the_grandmaster_is_found_with_evidence_linking_to_kaggle() {
    let dir = temp("search");
    tables(&dir.0);
    let mut store = Store::open(&dir.0.join("data")).unwrap();
    ingest_dir(&mut store, &dir.0, &Options::default(), None, &mut |_| {}).unwrap();
    let q = Query {
        kinds: vec![Kind::KaggleTier],
        as_of: 1_735_689_600,
        ..Default::default()
    };
    let r = search(&store, &Catalog::shipped(), &BotRules::default(), &q).unwrap();
    let ana = r
        .results
        .iter()
        .find(|p| p.login == "kaggle:anagm")
        .unwrap_or_else(|| panic!("{:#?}", r.results));
    assert_eq!(ana.display, "Ana López (Kaggle)");
    assert_eq!(
        ana.profile_url.as_deref(),
        Some("https://www.kaggle.com/anagm")
    );
    let ev = ana
        .evidence
        .iter()
        .find(|e| e.kind == Kind::KaggleTier)
        .expect("tier evidence");
    assert_eq!(ev.url, "https://www.kaggle.com/anagm");
    assert_eq!(ev.title.as_deref(), Some("Kaggle Competitions Grandmaster"));
}

#[test]
fn suggestions_need_both_user_name_and_display_name_and_never_link() {
    let dir = temp("suggest");
    tables(&dir.0);
    let mut store = Store::open(&dir.0.join("data")).unwrap();
    seed_github(
        &mut store,
        &[
            // the same login and the same name: a suggestion
            (1, "AnaGM", "ana  lópez"),
            // the same login, another name: someone else's login on GitHub
            (2, "bochen", "Bo Chen-Smith"),
            // the same name, another login: a name alone says nothing
            (3, "cywu", "Cy Wu"),
        ],
    );
    let run = ingest_dir(&mut store, &dir.0, &Options::default(), None, &mut |_| {}).unwrap();
    assert_eq!(run.suggestions, 1);
    let s = store.identity_suggestions(None, 50).unwrap();
    let kaggle: Vec<(&str, &str)> = s
        .iter()
        .filter(|s| s.account.starts_with("kaggle:"))
        .map(|s| (s.account.as_str(), s.person.as_str()))
        .collect();
    assert_eq!(kaggle, [("kaggle:anagm", "AnaGM")], "{s:#?}");
    let why = &s
        .iter()
        .find(|s| s.account == "kaggle:anagm")
        .unwrap()
        .evidence;
    assert!(
        why.iter()
            .any(|e| e.contains("https://www.kaggle.com/anagm") && e.contains("Ana López")),
        "{why:?}"
    );
    // Not linked: the Kaggle account is its own person, its work not the GitHub account's.
    let view = store.identity("kaggle:anagm").unwrap().expect("an account");
    assert_eq!(view.person, "kaggle:anagm");
    let gh = store.identity("AnaGM").unwrap().expect("a person");
    assert_eq!(gh.accounts.len(), 1, "{gh:#?}");
}

/// The real shared tables (competitions and organisations, no people): read whole, no person
/// made of an organisation.
#[test]
fn real_competitions_and_organizations_load_and_make_no_people() {
    let Some(kaggle) = shared_data::shared_data("kaggle") else {
        return;
    };
    let dir = temp("real");
    let mut store = Store::open(&dir.0.join("data")).unwrap();
    let run = ingest_dir(&mut store, &kaggle, &Options::default(), None, &mut |_| {}).unwrap();
    let (summary, report) = run.report().expect("loaded");
    assert_eq!(report.read, 5212 + 645);
    assert!(report.skipped.is_empty(), "{report:?}");
    assert_eq!(report.ended_early, None);
    assert_eq!(summary.new_contributions, 0);
    assert_eq!(store.stats().unwrap().people, 0);
    let again = ingest_dir(&mut store, &kaggle, &Options::default(), None, &mut |_| {}).unwrap();
    assert_eq!(again.outcome, FileOutcome::AlreadyLoaded);
}
