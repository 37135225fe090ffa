//! The Meta Kaggle tables builtby reads, and the columns it needs from each (by header name;
//! the order of columns in a file does not matter, and other columns are ignored).
//!
//! Schemas as Kaggle publishes them (see `../shared/data/SOURCES.md`, kaggle section); the
//! index constants are positions in each `COLUMNS` list, not in the file.

use super::table::{opt, req, Column};

/// A Meta Kaggle table, by its file name in the folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Table {
    Organizations,
    Competitions,
    UserAchievements,
    Teams,
    TeamMemberships,
    Kernels,
    KernelVersions,
    Users,
}

impl Table {
    /// In the order they are read: the small tables and the ones that say who is wanted
    /// first, `Users.csv` (the largest) last, streamed against them.
    pub const ALL: [Table; 8] = [
        Table::Organizations,
        Table::Competitions,
        Table::UserAchievements,
        Table::Teams,
        Table::TeamMemberships,
        Table::Kernels,
        Table::KernelVersions,
        Table::Users,
    ];

    pub fn file_name(self) -> &'static str {
        match self {
            Table::Organizations => "Organizations.csv",
            Table::Competitions => "Competitions.csv",
            Table::UserAchievements => "UserAchievements.csv",
            Table::Teams => "Teams.csv",
            Table::TeamMemberships => "TeamMemberships.csv",
            Table::Kernels => "Kernels.csv",
            Table::KernelVersions => "KernelVersions.csv",
            Table::Users => "Users.csv",
        }
    }

    pub fn columns(self) -> &'static [Column] {
        match self {
            Table::Organizations => organizations::COLUMNS,
            Table::Competitions => competitions::COLUMNS,
            Table::UserAchievements => achievements::COLUMNS,
            Table::Teams => teams::COLUMNS,
            Table::TeamMemberships => memberships::COLUMNS,
            Table::Kernels => kernels::COLUMNS,
            Table::KernelVersions => kernel_versions::COLUMNS,
            Table::Users => users::COLUMNS,
        }
    }
}

/// `Users.csv`: Id, UserName, DisplayName, RegisterDate, PerformanceTier, Country.
pub mod users {
    use super::*;
    pub const ID: usize = 0;
    pub const USER_NAME: usize = 1;
    pub const DISPLAY_NAME: usize = 2;
    pub const REGISTER_DATE: usize = 3;
    pub const PERFORMANCE_TIER: usize = 4;
    pub const COUNTRY: usize = 5;
    pub const COLUMNS: &[Column] = &[
        req("Id", "the user id the other tables refer to"),
        req(
            "UserName",
            "the account and its link, kaggle.com/<UserName>",
        ),
        opt("DisplayName", "the name shown"),
        opt("RegisterDate", "the date of a tier that has none"),
        opt(
            "PerformanceTier",
            "the tier when UserAchievements.csv is absent",
        ),
        opt("Country", "the location"),
    ];
}

/// `UserAchievements.csv`: one row per user and category (Competitions, Scripts, Discussion,
/// Datasets): Tier 0 Novice … 4 Grandmaster, 5 Kaggle Team, with points and rankings.
pub mod achievements {
    use super::*;
    pub const USER_ID: usize = 0;
    pub const TYPE: usize = 1;
    pub const TIER: usize = 2;
    pub const DATE: usize = 3;
    pub const POINTS: usize = 4;
    pub const CURRENT_RANKING: usize = 5;
    pub const HIGHEST_RANKING: usize = 6;
    pub const GOLD: usize = 7;
    pub const SILVER: usize = 8;
    pub const BRONZE: usize = 9;
    pub const COLUMNS: &[Column] = &[
        req("UserId", "whose tier it is"),
        req("AchievementType", "the category of the tier"),
        req("Tier", "the tier reached"),
        opt("TierAchievementDate", "when the tier was reached"),
        opt("Points", "the points shown with the tier"),
        opt("CurrentRanking", "the ranking shown with the tier"),
        opt("HighestRanking", "the ranking shown with the tier"),
        opt("TotalGold", "the medal counts shown with the tier"),
        opt("TotalSilver", "the medal counts shown with the tier"),
        opt("TotalBronze", "the medal counts shown with the tier"),
    ];
}

/// `Competitions.csv` (42 columns; these are the ones used).
pub mod competitions {
    use super::*;
    pub const ID: usize = 0;
    pub const SLUG: usize = 1;
    pub const TITLE: usize = 2;
    pub const DEADLINE: usize = 3;
    pub const ORGANIZATION: usize = 4;
    pub const HOST_NAME: usize = 5;
    pub const TOTAL_TEAMS: usize = 6;
    pub const COLUMNS: &[Column] = &[
        req("Id", "the competition id teams refer to"),
        req(
            "Slug",
            "the competition's link, kaggle.com/competitions/<Slug>",
        ),
        req("Title", "the competition's name on a medal"),
        opt("DeadlineDate", "the date of a medal that has none"),
        opt("OrganizationId", "the host shown with a medal"),
        opt("HostName", "the host shown with a medal"),
        opt("TotalTeams", "the size of the field shown with a medal"),
    ];
}

/// `Organizations.csv`: hosts of competitions. Organisations are not people: only their
/// names are used, to say who hosted a competition.
pub mod organizations {
    use super::*;
    pub const ID: usize = 0;
    pub const NAME: usize = 1;
    pub const COLUMNS: &[Column] = &[
        req("Id", "the organisation id competitions refer to"),
        req("Name", "the host shown with a medal"),
    ];
}

/// `Teams.csv`: one row per team per competition, with its medal and leaderboard rank.
pub mod teams {
    use super::*;
    pub const ID: usize = 0;
    pub const COMPETITION: usize = 1;
    pub const MEDAL: usize = 2;
    pub const LEADER: usize = 3;
    pub const NAME: usize = 4;
    pub const MEDAL_DATE: usize = 5;
    pub const PRIVATE_RANK: usize = 6;
    pub const IS_BENCHMARK: usize = 7;
    pub const LAST_SUBMISSION: usize = 8;
    pub const COLUMNS: &[Column] = &[
        req("Id", "the team id memberships refer to"),
        req("CompetitionId", "which competition a medal is from"),
        req(
            "Medal",
            "which teams won a medal (1 gold, 2 silver, 3 bronze)",
        ),
        opt(
            "TeamLeaderId",
            "who won a medal when TeamMemberships.csv is absent",
        ),
        opt("TeamName", "the team shown with a medal"),
        opt("MedalAwardDate", "when a medal was won"),
        opt("PrivateLeaderboardRank", "the rank shown with a medal"),
        opt("IsBenchmark", "leaving out Kaggle's benchmark entries"),
        opt("LastSubmissionDate", "the date of a medal that has none"),
    ];
}

/// `TeamMemberships.csv`: who was in which team.
pub mod memberships {
    use super::*;
    pub const TEAM: usize = 0;
    pub const USER: usize = 1;
    pub const COLUMNS: &[Column] = &[
        req("TeamId", "which team's medal a member shares"),
        req("UserId", "who shares a team's medal"),
    ];
}

/// `Kernels.csv`: one row per public notebook, with its medal and votes.
pub mod kernels {
    use super::*;
    pub const ID: usize = 0;
    pub const AUTHOR: usize = 1;
    pub const SLUG: usize = 2;
    pub const MEDAL: usize = 3;
    pub const CURRENT_VERSION: usize = 4;
    pub const CREATED: usize = 5;
    pub const MADE_PUBLIC: usize = 6;
    pub const MEDAL_DATE: usize = 7;
    pub const VOTES: usize = 8;
    pub const VIEWS: usize = 9;
    pub const COMMENTS: usize = 10;
    pub const COLUMNS: &[Column] = &[
        req("Id", "the notebook's key"),
        req("AuthorUserId", "whose notebook it is"),
        req(
            "CurrentUrlSlug",
            "the notebook's link, kaggle.com/code/<user>/<CurrentUrlSlug>",
        ),
        req(
            "Medal",
            "which notebooks won a medal (1 gold, 2 silver, 3 bronze)",
        ),
        opt(
            "CurrentKernelVersionId",
            "the notebook's title, from KernelVersions.csv",
        ),
        opt("CreationDate", "when the notebook was written"),
        opt("MadePublicDate", "when the notebook was published"),
        opt("MedalAwardDate", "the date of a notebook that has none"),
        opt("TotalVotes", "the votes shown with a notebook"),
        opt("TotalViews", "the views shown with a notebook"),
        opt("TotalComments", "the comments shown with a notebook"),
    ];
}

/// `KernelVersions.csv`: every saved version of every notebook; only the titles of the
/// current versions of kept notebooks are used.
pub mod kernel_versions {
    use super::*;
    pub const ID: usize = 0;
    pub const TITLE: usize = 1;
    pub const COLUMNS: &[Column] = &[
        req("Id", "the version id Kernels.csv refers to"),
        req("Title", "the notebook's title"),
    ];
}
