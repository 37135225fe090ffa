//! `builtby ingest kaggle DIR` as a user runs it, on user, achievement and kernel tables built
//! here to the documented Meta Kaggle schema (`../shared/data/SOURCES.md`), with the quoting,
//! embedded newlines and date formats of the real files.

use std::path::{Path, PathBuf};

#[path = "../../test-support/cli.rs"]
mod cli;
use cli::run;

struct Temp(PathBuf);
impl Drop for Temp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn temp(name: &str) -> Temp {
    let d = std::env::temp_dir().join(format!("builtby-cli-kaggle-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    Temp(d)
}

fn tables(dir: &Path) {
    let w = |name: &str, text: &str| std::fs::write(dir.join(name), text).unwrap();
    w(
        "Users.csv",
        "\"Id\",\"UserName\",\"DisplayName\",\"RegisterDate\",\"PerformanceTier\",\"Country\"
\"1\",\"kagglenovice\",\"Just, Registered\",\"01/02/2020\",\"0\",\"\"
\"368\",\"anagm\",\"Ana \"\"GM\"\" López\",\"06/21/2011\",\"4\",\"Spain\"
\"901\",\"bo\",\"Bo
Two Lines\",\"03/04/2015\",\"3\",\"\"
\"oops\",\"broken\",\"Broken Row\",\"03/04/2015\",\"3\",\"\"
",
    );
    w(
        "UserAchievements.csv",
        "\"Id\",\"UserId\",\"AchievementType\",\"Tier\",\"TierAchievementDate\",\"Points\",\"CurrentRanking\",\"HighestRanking\",\"TotalGold\",\"TotalSilver\",\"TotalBronze\"
\"1\",\"1\",\"Competitions\",\"0\",\"\",\"0\",\"\",\"\",\"0\",\"0\",\"0\"
\"2\",\"368\",\"Competitions\",\"4\",\"03/05/2019\",\"123456\",\"12.0\",\"3.0\",\"10\",\"5\",\"3\"
\"3\",\"368\",\"Scripts\",\"2\",\"07/15/2016\",\"0\",\"\",\"\",\"0\",\"1\",\"6\"
\"4\",\"901\",\"Discussion\",\"3\",\"11/30/2018\",\"0\",\"\",\"\",\"0\",\"0\",\"0\"
",
    );
    w(
        "Kernels.csv",
        "\"Id\",\"AuthorUserId\",\"CurrentKernelVersionId\",\"ForkParentKernelVersionId\",\"ForumTopicId\",\"FirstKernelVersionId\",\"CreationDate\",\"EvaluationDate\",\"MadePublicDate\",\"IsProjectLanguageTemplate\",\"CurrentUrlSlug\",\"Medal\",\"MedalAwardDate\",\"TotalViews\",\"TotalComments\",\"TotalVotes\"
\"5001\",\"368\",\"7001\",\"\",\"\",\"7001\",\"02/01/2018\",\"02/01/2018\",\"02/02/2018\",\"False\",\"eda-for-hiv\",\"1\",\"03/01/2018\",\"56789\",\"12\",\"1234\"
\"5002\",\"901\",\"7002\",\"\",\"\",\"7002\",\"02/01/2018\",\"02/01/2018\",\"02/02/2018\",\"False\",\"scratch\",\"\",\"\",\"10\",\"0\",\"0\"
",
    );
}

#[test]
fn ingest_then_search_shows_the_grandmaster_with_kaggle_evidence() {
    let t = temp("search");
    let dir = t.0.join("meta-kaggle");
    std::fs::create_dir_all(&dir).unwrap();
    tables(&dir);
    let data = t.0.join("data");
    let d = dir.to_str().unwrap();

    let (code, _, err) = run(&data, &["ingest", "kaggle", d]);
    assert_eq!(code, 0, "a bad row is reported, not fatal: {err}");
    // line 6: the row after a display name on two lines (lines 4 and 5)
    assert!(
        err.contains("Users.csv:6: Id `oops` is not a whole number"),
        "{err}"
    );
    assert!(
        err.contains("2 Kaggle accounts with 3 tiers, 0 medals, 1 medal notebooks"),
        "{err}"
    );
    assert!(err.contains("Users.csv: 4 rows (1 skipped)"), "{err}");

    let (code, out, err) = run(&data, &["search", "--kind", "kaggle_tier"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Ana \"GM\" López (Kaggle)"), "{out}");
    assert!(out.contains("“Kaggle Competitions Grandmaster”"), "{out}");
    assert!(out.contains("https://www.kaggle.com/anagm"), "{out}");

    let (code, out, _) = run(&data, &["search", "--json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let ana = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["login"] == "kaggle:anagm")
        .unwrap_or_else(|| panic!("{out}"));
    assert_eq!(ana["profile_url"], "https://www.kaggle.com/anagm");
    let bo = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["login"] == "kaggle:bo")
        .unwrap_or_else(|| panic!("{out}"));
    assert_eq!(bo["name"], "Bo\nTwo Lines", "an embedded newline is kept");
    let urls: Vec<&str> = ana["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["url"].as_str().unwrap())
        .collect();
    assert!(urls.contains(&"https://www.kaggle.com/anagm"), "{urls:?}");
    assert!(
        urls.contains(&"https://www.kaggle.com/code/anagm/eda-for-hiv"),
        "{urls:?}"
    );
    assert!(
        !v["results"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["login"] == "kaggle:kagglenovice"),
        "a Novice is not kept: {out}"
    );

    // A re-run of the same tables changes nothing.
    let (_, before, _) = run(&data, &["stats", "--json"]);
    let (_, counts_before, _) = run(&data, &["export", "counts"]);
    let (code, _, err) = run(&data, &["ingest", "kaggle", d]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("already loaded"), "{err}");
    let (_, after, _) = run(&data, &["stats", "--json"]);
    let (_, counts_after, _) = run(&data, &["export", "counts"]);
    assert_eq!(before, after);
    assert_eq!(counts_before, counts_after);
    assert!(
        counts_after.contains("kaggle:anagm,kaggle.com/anagm,kaggle_tier,2"),
        "{counts_after}"
    );
}

#[test]
fn a_missing_or_renamed_column_is_an_error_naming_it() {
    let t = temp("column");
    let dir = t.0.join("meta-kaggle");
    std::fs::create_dir_all(&dir).unwrap();
    tables(&dir);
    let data = t.0.join("data");
    let users = dir.join("Users.csv");
    let text = std::fs::read_to_string(&users).unwrap();
    std::fs::write(&users, text.replacen("\"UserName\"", "\"Username\"", 1)).unwrap();
    let (code, _, err) = run(&data, &["ingest", "kaggle", dir.to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("Users.csv: no column `UserName`"), "{err}");
    assert!(err.contains("was it renamed to `Username`?"), "{err}");

    std::fs::write(&users, text.replacen("\"UserName\",", "", 1)).unwrap();
    let (code, _, err) = run(&data, &["ingest", "kaggle", dir.to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("Users.csv: no column `UserName` (needed for the account and its link"),
        "{err}"
    );
    // Nothing was loaded: the error comes before any row is read.
    let (_, out, _) = run(&data, &["stats", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["totals"]["contributions"], 0, "{out}");

    let (code, _, err) = run(
        &data,
        &[
            "ingest",
            "kaggle",
            dir.to_str().unwrap(),
            "--min-tier",
            "legend",
        ],
    );
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = run(
        &data,
        &["ingest", "kaggle", t.0.join("nowhere").to_str().unwrap()],
    );
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("no Meta Kaggle table here"), "{err}");
}
