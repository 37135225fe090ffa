use super::table::{parse_int, Table as Csv};
use super::*;
use std::convert::Infallible;

// Also included by github_api's tests: each source's tests stand on their own.
#[allow(clippy::duplicate_mod)]
#[path = "../../../test-support/shared_data.rs"]
mod shared_data;

/// A folder of tables written by the test, removed on drop.
struct Dir(PathBuf);

impl Dir {
    fn new(name: &str, files: &[(&str, &str)]) -> Dir {
        let d = std::env::temp_dir().join(format!("builtby-kaggle-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        for (f, text) in files {
            std::fs::write(d.join(f), text).unwrap();
        }
        Dir(d)
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

// Written the way Meta Kaggle writes them: every field quoted, `MM/DD/YYYY` dates.
const USERS: &str =
    "\"Id\",\"UserName\",\"DisplayName\",\"RegisterDate\",\"PerformanceTier\",\"Country\"
\"1\",\"kagglenovice\",\"Just Registered\",\"01/02/2020\",\"0\",\"\"
\"368\",\"anagm\",\"Ana \"\"GM\"\" López\",\"06/21/2011\",\"4\",\"Spain\"
\"901\",\"bo\",\"Bo
Two Lines\",\"03/04/2015\",\"2\",\"\"
\"902\",\"staffer\",\"Kaggle Staff\",\"03/04/2015\",\"5\",\"\"
\"903\",\"cy\",\"Cy Bronze\",\"03/04/2016\",\"1\",\"India\"
";

const ACHIEVEMENTS: &str = "\"Id\",\"UserId\",\"AchievementType\",\"Tier\",\"TierAchievementDate\",\"Points\",\"CurrentRanking\",\"HighestRanking\",\"TotalGold\",\"TotalSilver\",\"TotalBronze\"
\"1\",\"1\",\"Competitions\",\"0\",\"\",\"0\",\"\",\"\",\"0\",\"0\",\"0\"
\"2\",\"368\",\"Competitions\",\"4\",\"03/05/2019\",\"123456\",\"12.0\",\"3.0\",\"10\",\"5\",\"3\"
\"3\",\"368\",\"Scripts\",\"2\",\"07/15/2016\",\"0\",\"\",\"\",\"0\",\"1\",\"6\"
\"4\",\"901\",\"Discussion\",\"3\",\"\",\"0\",\"\",\"\",\"0\",\"0\",\"0\"
\"5\",\"902\",\"Competitions\",\"5\",\"\",\"0\",\"\",\"\",\"0\",\"0\",\"0\"
\"6\",\"903\",\"Competitions\",\"1\",\"\",\"0\",\"\",\"\",\"0\",\"0\",\"1\"
\"7\",\"777\",\"Competitions\",\"3\",\"01/01/2020\",\"0\",\"\",\"\",\"0\",\"0\",\"0\"
";

const COMPETITIONS: &str = "\"Id\",\"Slug\",\"Title\",\"Subtitle\",\"OrganizationId\",\"HostName\",\"DeadlineDate\",\"TotalTeams\"
\"2435\",\"hivprogression\",\"Predict HIV Progression\",\"Given a small dataset, with
a newline\",\"2\",\"\",\"08/02/2010 12:32:00\",\"107\"
";

const ORGANIZATIONS: &str = "\"Id\",\"Name\",\"Slug\",\"CreationDate\",\"Description\"
\"2\",\"Facebook\",\"facebook\",\"07/25/2016\",\"Facebook was built

to help people connect, \"\"and share\"\".\"
";

const TEAMS: &str = "\"Id\",\"CompetitionId\",\"TeamLeaderId\",\"TeamName\",\"ScoreFirstSubmittedDate\",\"LastSubmissionDate\",\"PublicLeaderboardSubmissionId\",\"PrivateLeaderboardSubmissionId\",\"IsBenchmark\",\"Medal\",\"MedalAwardDate\",\"PublicLeaderboardRank\",\"PrivateLeaderboardRank\"
\"10\",\"2435\",\"368\",\"Ana, Cy & co\",\"05/01/2010\",\"08/01/2010\",\"\",\"\",\"False\",\"1\",\"08/10/2010\",\"2\",\"1\"
\"11\",\"2435\",\"1\",\"nobody\",\"05/01/2010\",\"08/01/2010\",\"\",\"\",\"False\",\"\",\"\",\"50\",\"60\"
\"12\",\"2435\",\"1\",\"Benchmark\",\"05/01/2010\",\"08/01/2010\",\"\",\"\",\"True\",\"3\",\"\",\"\",\"\"
";

const MEMBERSHIPS: &str = "\"Id\",\"TeamId\",\"UserId\",\"RequestDate\"
\"1\",\"10\",\"368\",\"\"
\"2\",\"10\",\"903\",\"\"
\"3\",\"11\",\"1\",\"\"
";

const KERNELS: &str = "\"Id\",\"AuthorUserId\",\"CurrentKernelVersionId\",\"ForkParentKernelVersionId\",\"ForumTopicId\",\"FirstKernelVersionId\",\"CreationDate\",\"EvaluationDate\",\"MadePublicDate\",\"IsProjectLanguageTemplate\",\"CurrentUrlSlug\",\"Medal\",\"MedalAwardDate\",\"TotalViews\",\"TotalComments\",\"TotalVotes\"
\"5001\",\"368\",\"7001\",\"\",\"\",\"7000\",\"02/01/2018\",\"02/01/2018\",\"02/02/2018\",\"False\",\"eda-for-hiv\",\"1\",\"03/01/2018\",\"56789\",\"12\",\"1234\"
\"5002\",\"368\",\"7002\",\"\",\"\",\"7002\",\"02/01/2018\",\"02/01/2018\",\"02/02/2018\",\"False\",\"scratch\",\"\",\"\",\"10\",\"0\",\"0\"
\"5003\",\"904\",\"7003\",\"\",\"\",\"7003\",\"02/01/2018\",\"02/01/2018\",\"\",\"False\",\"a-bronze-notebook\",\"3\",\"\",\"100\",\"1\",\"7\"
";

const VERSIONS: &str = "\"Id\",\"ScriptId\",\"ParentScriptVersionId\",\"ScriptLanguageId\",\"AuthorUserId\",\"CreationDate\",\"VersionNumber\",\"Title\"
\"7000\",\"5001\",\"\",\"9\",\"368\",\"02/01/2018\",\"1\",\"First draft\"
\"7001\",\"5001\",\"\",\"9\",\"368\",\"02/01/2018\",\"2\",\"EDA for HIV, \"\"explained\"\"\"
";

fn read_all(dir: &Path, opts: &Options) -> (ReadReport, Vec<Account>) {
    let kd = KaggleDir::open(dir).unwrap();
    let mut got = Vec::new();
    let report = kd
        .read::<Infallible>(opts, &mut |_| {}, &mut |a| {
            got.push(a);
            Ok(())
        })
        .unwrap();
    (report, got)
}

fn everything(name: &str) -> Dir {
    Dir::new(
        name,
        &[
            ("Users.csv", USERS),
            ("UserAchievements.csv", ACHIEVEMENTS),
            ("Competitions.csv", COMPETITIONS),
            ("Organizations.csv", ORGANIZATIONS),
            ("Teams.csv", TEAMS),
            ("TeamMemberships.csv", MEMBERSHIPS),
            ("Kernels.csv", KERNELS),
            ("KernelVersions.csv", VERSIONS),
        ],
    )
}

#[test]
fn quoting_and_embedded_newlines() {
    let mut t = Csv::from_reader("Users.csv", USERS.as_bytes(), users::COLUMNS).unwrap();
    let mut seen = Vec::new();
    let read = t
        .read::<Infallible>(&mut |_| {}, |r| {
            seen.push((
                r.need_int(users::ID)?,
                r.text(users::DISPLAY_NAME)?.map(str::to_string),
            ));
            Ok(())
        })
        .unwrap();
    assert_eq!(read.rows, 5);
    assert_eq!(read.bad_rows(), 0, "{:?}", read.messages);
    assert_eq!(seen[1], (368, Some("Ana \"GM\" López".into())));
    assert_eq!(seen[2], (901, Some("Bo\nTwo Lines".into())));
    assert_eq!(seen[3].0, 902, "the row after a two-line field is whole");
    assert_eq!(read.bytes, USERS.len() as u64);
}

#[test]
fn columns_are_found_by_name_in_any_order() {
    let text = "Country,DisplayName,UserName,Id\nPeru,Ana,ana,7\n";
    let mut t = Csv::from_reader("Users.csv", text.as_bytes(), users::COLUMNS).unwrap();
    let mut got = None;
    t.read::<Infallible>(&mut |_| {}, |r| {
        got = Some((
            r.need_int(users::ID)?,
            r.need_text(users::USER_NAME)?.to_string(),
            r.text(users::COUNTRY)?.map(str::to_string),
            r.date(users::REGISTER_DATE)?,
        ));
        Ok(())
    })
    .unwrap();
    assert_eq!(got, Some((7, "ana".into(), Some("Peru".into()), None)));
}

#[test]
fn a_missing_column_is_an_error_naming_file_and_column() {
    let text = "\"Id\",\"DisplayName\",\"RegisterDate\"\n\"1\",\"Ana\",\"01/01/2020\"\n";
    let e = Csv::from_reader("Users.csv", text.as_bytes(), users::COLUMNS)
        .err()
        .unwrap();
    assert!(
        matches!(&e, KaggleError::MissingColumn { file, column: "UserName", renamed_to: None, .. } if file == "Users.csv"),
        "{e:?}"
    );
    let msg = e.to_string();
    assert!(
        msg.starts_with("Users.csv: no column `UserName` (needed for the account and its link"),
        "{msg}"
    );
    assert!(
        msg.contains("the header has: Id, DisplayName, RegisterDate"),
        "{msg}"
    );

    // Found before any row is read, by KaggleDir::open, with the whole path.
    let d = Dir::new(
        "missing",
        &[
            ("Users.csv", USERS),
            ("UserAchievements.csv", "UserId,Tier\n1,4\n"),
        ],
    );
    let e = KaggleDir::open(&d.0).unwrap_err();
    let msg = e.to_string();
    assert!(
        msg.contains("UserAchievements.csv: no column `AchievementType` (needed for the category of the tier)"),
        "{msg}"
    );
    assert!(msg.starts_with(&d.0.display().to_string()), "{msg}");
}

#[test]
fn a_renamed_column_is_an_error_that_says_what_it_became() {
    for (header, became) in [
        ("Id,Username,DisplayName", "Username"),
        ("Id,User_Name,DisplayName", "User_Name"),
        ("Id,UserNames,DisplayName", "UserNames"),
    ] {
        let text = format!("{header}\n1,ana,Ana\n");
        let e = Csv::from_reader("Users.csv", text.as_bytes(), users::COLUMNS)
            .err()
            .unwrap();
        match &e {
            KaggleError::MissingColumn {
                column, renamed_to, ..
            } => {
                assert_eq!(*column, "UserName");
                assert_eq!(renamed_to.as_deref(), Some(became));
            }
            other => panic!("{other:?}"),
        }
        assert!(
            e.to_string()
                .contains(&format!("was it renamed to `{became}`?")),
            "{e}"
        );
    }
    // Known names of the same column in other Meta Kaggle versions are not errors.
    assert!(Csv::from_reader("x.csv", "Id,Title\n".as_bytes(), kernel_versions::COLUMNS).is_ok());
}

#[test]
fn an_empty_file_has_no_header() {
    let e = Csv::from_reader("Users.csv", "".as_bytes(), users::COLUMNS)
        .err()
        .unwrap();
    assert!(e.to_string().contains("no header row"), "{e}");
}

#[test]
fn bad_rows_are_reported_with_file_and_line_and_skipped() {
    let text = "Id,UserName,DisplayName,RegisterDate
1,ana,Ana,01/02/2020
abc,bo,Bo,01/02/2020
3,cy,\"Cy
Multi\",13/45/2020
4,dee
5,eve,Eve,2021-03-04
";
    let mut t = Csv::from_reader("Users.csv", text.as_bytes(), users::COLUMNS).unwrap();
    let mut good = Vec::new();
    let read = t
        .read::<Infallible>(&mut |_| {}, |r| {
            let id = r.need_int(users::ID)?;
            let at = r.date(users::REGISTER_DATE)?;
            good.push((id, at));
            Ok(())
        })
        .unwrap();
    assert_eq!(read.rows, 5);
    assert_eq!(
        good,
        [(1, Some(1_577_923_200)), (5, Some(1_614_816_000))],
        "good rows are kept"
    );
    assert_eq!(
        read.messages,
        [
            "Users.csv:3: Id `abc` is not a whole number",
            "Users.csv:4: RegisterDate `13/45/2020` is not a date",
            "Users.csv:6: 2 fields, the header has 4",
        ]
    );
    assert_eq!(read.skipped.get("not a number"), Some(&1));
    assert_eq!(read.skipped.get("not a date"), Some(&1));
    assert_eq!(read.skipped.get("wrong number of fields"), Some(&1));
}

/// A reader that fails after `n` bytes (a disk error, a cut network mount).
struct FailsAfter<'a>(&'a [u8], usize);

impl std::io::Read for FailsAfter<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.1 == 0 {
            return Err(std::io::Error::other("disk on fire"));
        }
        let n = buf.len().min(self.1).min(self.0.len());
        buf[..n].copy_from_slice(&self.0[..n]);
        self.0 = &self.0[n..];
        self.1 -= n;
        Ok(n)
    }
}

#[test]
fn a_read_error_ends_the_table_early_keeping_the_rows_before() {
    let text = "Id,UserName\n1,ana\n2,bo\n3,cy\n";
    let cut = text.find("3,cy").unwrap();
    let mut t = Csv::from_reader(
        "Users.csv",
        FailsAfter(text.as_bytes(), cut),
        users::COLUMNS,
    )
    .unwrap();
    let mut ids = Vec::new();
    let read = t
        .read::<Infallible>(&mut |_| {}, |r| {
            ids.push(r.need_int(users::ID)?);
            Ok(())
        })
        .unwrap();
    assert_eq!(ids, [1, 2]);
    let e = read.ended_early.unwrap();
    assert!(
        e.starts_with("Users.csv:") && e.contains("disk on fire"),
        "{e}"
    );
}

#[test]
fn tiers_medals_and_notebooks_join_into_accounts() {
    let d = everything("join");
    let (report, got) = read_all(&d.0, &Options::default());
    let names: Vec<&str> = got.iter().map(|a| a.username.as_str()).collect();
    // Novices and Contributors without medals are not kept; staff is not a tier; 903 (a
    // Contributor) shares a gold medal; 904 has a medal notebook but is not in Users.csv.
    assert_eq!(names, ["anagm", "bo", "cy"], "{report:?}");

    let ana = &got[0];
    assert_eq!(ana.actor.login, "kaggle:anagm");
    assert_eq!(ana.actor.github_id, None);
    assert_eq!(ana.display_name.as_deref(), Some("Ana \"GM\" López"));
    let keys: Vec<&str> = ana.contributions.iter().map(|c| c.key.as_str()).collect();
    assert_eq!(
        keys,
        [
            "kaggle_tier/kaggle.com/anagm/competitions",
            "kaggle_tier/kaggle.com/anagm/notebooks",
            "kaggle_medal/kaggle.com/anagm/hivprogression",
            "notebook/kaggle.com/code/anagm/5001",
        ]
    );
    let gm = &ana.contributions[0];
    assert_eq!(gm.kind, Kind::KaggleTier);
    assert_eq!(gm.repo, "kaggle.com/anagm");
    assert_eq!(gm.url.as_deref(), Some("https://www.kaggle.com/anagm"));
    assert_eq!(gm.title.as_deref(), Some("Kaggle Competitions Grandmaster"));
    assert_eq!(
        gm.body.as_deref(),
        Some("Competitions Grandmaster since 2019-03-05; rank 12 (highest 3); 123,456 points; medals: 10 gold, 5 silver, 3 bronze")
    );
    assert_eq!(gm.at, 1_551_744_000);
    let m = gm.measures.as_ref().unwrap();
    assert_eq!(
        (m.category.as_deref(), m.tier, m.medal),
        (Some("competitions"), Some(4), None)
    );
    let p = gm.profile.as_ref().unwrap();
    assert_eq!(p.name.as_deref(), Some("Ana \"GM\" López"));
    assert_eq!(p.location.as_deref(), Some("Spain"));

    let medal = &ana.contributions[2];
    assert_eq!(medal.kind, Kind::KaggleMedal);
    assert_eq!(
        medal.title.as_deref(),
        Some("Gold medal: Predict HIV Progression")
    );
    assert_eq!(
        medal.url.as_deref(),
        Some("https://www.kaggle.com/competitions/hivprogression")
    );
    assert_eq!(
        medal.body.as_deref(),
        Some("team “Ana, Cy & co”; rank 1 of 107 teams; 2 members; hosted by Facebook")
    );
    assert_eq!(medal.measures.as_ref().unwrap().medal, Some(1));

    let nb = &ana.contributions[3];
    assert_eq!(nb.kind, Kind::Notebook);
    assert_eq!(nb.title.as_deref(), Some("EDA for HIV, \"explained\""));
    assert_eq!(
        nb.url.as_deref(),
        Some("https://www.kaggle.com/code/anagm/eda-for-hiv")
    );
    assert_eq!(
        nb.body.as_deref(),
        Some("Gold medal notebook; 1,234 votes; 56,789 views; 12 comments")
    );

    // A tier with no date of its own takes the registration date.
    let bo = &got[1];
    assert_eq!(bo.contributions.len(), 1);
    assert_eq!(
        bo.contributions[0].title.as_deref(),
        Some("Kaggle Discussion Master")
    );
    assert_eq!(bo.contributions[0].at, 1_425_427_200);
    // A team member's medal, without the Contributor tier.
    let cy = &got[2];
    let keys: Vec<&str> = cy.contributions.iter().map(|c| c.key.as_str()).collect();
    assert_eq!(keys, ["kaggle_medal/kaggle.com/cy/hivprogression"]);

    assert_eq!(report.source, Source::Kaggle);
    assert_eq!(report.by_type.get("Users.csv"), Some(&5));
    assert_eq!(report.by_type.get("UserAchievements.csv"), Some(&7));
    assert_eq!(report.by_type.get("achievements: grandmaster"), Some(&1));
    assert_eq!(report.by_type.get("achievements: kaggle team"), Some(&1));
    assert_eq!(report.by_type.get("accounts"), Some(&3));
    assert_eq!(report.by_kind.get("kaggle_tier"), Some(&3));
    assert_eq!(report.by_kind.get("kaggle_medal"), Some(&2));
    assert_eq!(report.by_kind.get("notebook"), Some(&1));
    // 777 (a Master) and 904 (a medal notebook) are not in Users.csv.
    assert_eq!(report.skipped.get("account not in Users.csv"), Some(&2));
    assert!(
        report
            .messages
            .iter()
            .any(|m| m.contains("user ids 777, 904")),
        "{:?}",
        report.messages
    );
    assert_eq!(report.read, 5 + 7 + 1 + 1 + 3 + 3 + 3 + 2);
    assert_eq!(report.ended_early, None);
}

#[test]
fn min_tier_decides_which_tiers_are_kept() {
    let d = everything("mintier");
    let (_, got) = read_all(&d.0, &Options { min_tier: 4 });
    let tiers: Vec<&str> = got
        .iter()
        .flat_map(|a| &a.contributions)
        .filter(|c| c.kind == Kind::KaggleTier)
        .map(|c| c.key.as_str())
        .collect();
    assert_eq!(tiers, ["kaggle_tier/kaggle.com/anagm/competitions"]);
    let (_, got) = read_all(&d.0, &Options { min_tier: 0 });
    assert!(got.iter().any(|a| a.username == "kagglenovice"));
    assert!(
        !got.iter().any(|a| a.username == "staffer"),
        "staff is not a tier"
    );
}

#[test]
fn without_memberships_the_team_leader_has_the_medal() {
    let d = Dir::new(
        "leader",
        &[
            ("Users.csv", USERS),
            ("Competitions.csv", COMPETITIONS),
            ("Teams.csv", TEAMS),
        ],
    );
    let (report, got) = read_all(&d.0, &Options::default());
    let medals: Vec<&str> = got
        .iter()
        .flat_map(|a| &a.contributions)
        .filter(|c| c.kind == Kind::KaggleMedal)
        .map(|c| c.key.as_str())
        .collect();
    assert_eq!(medals, ["kaggle_medal/kaggle.com/anagm/hivprogression"]);
    assert!(
        report
            .messages
            .iter()
            .any(|m| m.contains("credited to their team leaders only")),
        "{:?}",
        report.messages
    );
}

#[test]
fn without_achievements_the_performance_tier_is_the_overall_tier() {
    let d = Dir::new("overall", &[("Users.csv", USERS)]);
    let (_, got) = read_all(&d.0, &Options::default());
    let kept: Vec<(&str, &str, Option<&str>)> = got
        .iter()
        .flat_map(|a| &a.contributions)
        .map(|c| {
            (
                c.key.as_str(),
                c.title.as_deref().unwrap(),
                c.body.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        kept,
        [
            (
                "kaggle_tier/kaggle.com/anagm/overall",
                "Kaggle Grandmaster",
                None
            ),
            ("kaggle_tier/kaggle.com/bo/overall", "Kaggle Expert", None),
        ]
    );
}

#[test]
fn work_without_users_csv_is_reported_not_kept() {
    let d = Dir::new(
        "nousers",
        &[
            ("UserAchievements.csv", ACHIEVEMENTS),
            ("Kernels.csv", KERNELS),
        ],
    );
    let (report, got) = read_all(&d.0, &Options::default());
    assert!(got.is_empty());
    assert_eq!(report.skipped.get("account not in Users.csv"), Some(&4));
    assert!(
        report
            .messages
            .iter()
            .any(|m| m.contains("Users.csv is absent")),
        "{:?}",
        report.messages
    );
}

#[test]
fn a_folder_without_tables_is_an_error() {
    let d = Dir::new("empty", &[("README.md", "hi")]);
    let e = KaggleDir::open(&d.0).unwrap_err().to_string();
    assert!(
        e.contains("no Meta Kaggle table here") && e.contains("Users.csv"),
        "{e}"
    );
}

#[test]
fn emit_errors_stop_the_read() {
    let d = everything("emit");
    let kd = KaggleDir::open(&d.0).unwrap();
    let mut n = 0;
    let r = kd.read(&Options::default(), &mut |_| {}, &mut |_| {
        n += 1;
        Err("store full")
    });
    assert!(matches!(r, Err(ReadError::Emit("store full"))), "{r:?}");
    assert_eq!(n, 1);
}

#[test]
fn numbers_dates_and_tiers() {
    assert_eq!(parse_int("12"), Some(12));
    assert_eq!(parse_int(" 12.0 "), Some(12));
    assert_eq!(parse_int("1.5"), None);
    assert_eq!(parse_int("x"), None);
    assert_eq!(parse_date("04/07/2010 07:57:43"), Some(1_270_627_063));
    assert_eq!(parse_date("07/25/2016"), Some(1_469_404_800));
    assert_eq!(parse_date("2016-07-25"), Some(1_469_404_800));
    assert_eq!(parse_date("2016-07-25T00:00:01.5Z"), Some(1_469_404_801));
    assert_eq!(parse_date("02/30/2016"), None);
    assert_eq!(parse_date("yesterday"), None);
    assert_eq!(parse_tier("grandmaster"), Some(4));
    assert_eq!(parse_tier("Expert"), Some(2));
    assert_eq!(parse_tier("3"), Some(3));
    assert_eq!(parse_tier("5"), None);
    assert_eq!(category("Scripts"), "notebooks");
    assert_eq!(thousands(1234567), "1,234,567");
    assert_eq!(thousands(999), "999");
}

/// The real tables in `../shared/data/kaggle/`: unmodified Meta Kaggle bytes (2022-03).
#[test]
fn real_competitions_and_organizations() {
    let Some(dir) = shared_data::shared_data("kaggle") else {
        return;
    };
    let kd = KaggleDir::open(&dir).unwrap();
    let present: Vec<Table> = kd.tables.iter().map(|t| t.0).collect();
    assert_eq!(present, [Table::Organizations, Table::Competitions]);
    let mut done = Vec::new();
    let report = kd
        .read::<Infallible>(
            &Options::default(),
            &mut |w| {
                if let Watch::Done { table, read, .. } = w {
                    done.push((table, read.rows, read.bad_rows()));
                }
            },
            &mut |a| panic!("competitions and organisations are not people: {a:?}"),
        )
        .unwrap();
    // Row counts as Python's csv module reads them (descriptions span lines).
    assert_eq!(
        done,
        [
            (Table::Organizations, 645, 0),
            (Table::Competitions, 5212, 0)
        ]
    );
    assert_eq!(report.read, 5212 + 645);
    assert!(report.skipped.is_empty(), "{:?}", report.messages);
    assert_eq!(report.contributions(), 0);
    assert_eq!(
        report.bytes,
        std::fs::metadata(dir.join("Competitions.csv"))
            .unwrap()
            .len()
            + std::fs::metadata(dir.join("Organizations.csv"))
                .unwrap()
                .len()
    );

    // Values come out whole: quoted commas, embedded newlines, the real date format.
    let mut orgs = HashMap::new();
    let mut t = Csv::open(&dir.join("Organizations.csv"), organizations::COLUMNS).unwrap();
    t.read::<Infallible>(&mut |_| {}, |r| {
        orgs.insert(
            r.need_int(organizations::ID)?,
            r.need_text(organizations::NAME)?.to_string(),
        );
        Ok(())
    })
    .unwrap();
    assert_eq!(orgs.get(&2).map(String::as_str), Some("Facebook"));
    assert_eq!(orgs.len(), 645);
    let mut comps = HashMap::new();
    let mut t = Csv::open(&dir.join("Competitions.csv"), competitions::COLUMNS).unwrap();
    t.read::<Infallible>(&mut |_| {}, |r| {
        comps.insert(
            r.need_text(competitions::SLUG)?.to_string(),
            (
                r.need_text(competitions::TITLE)?.to_string(),
                r.date(competitions::DEADLINE)?,
                r.int(competitions::TOTAL_TEAMS)?,
            ),
        );
        Ok(())
    })
    .unwrap();
    assert_eq!(
        comps.get("hivprogression"),
        Some(&(
            "Predict HIV Progression".to_string(),
            Some(1_280_752_320),
            Some(107)
        ))
    );
    assert_eq!(comps.len(), 5212, "slugs are unique");
}
