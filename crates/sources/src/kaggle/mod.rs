//! Meta Kaggle: a local copy of the tables Kaggle publishes daily (`Users.csv`,
//! `UserAchievements.csv`, `Kernels.csv`, `KernelVersions.csv`, `Competitions.csv`,
//! `Organizations.csv`, `Teams.csv`, `TeamMemberships.csv`, whichever are in the folder),
//! turned into the work of Kaggle accounts:
//! - a **tier** reached in a category (competitions, notebooks, discussion, datasets), with
//!   its points, rankings and medal counts (`kaggle_tier`, one per account and category);
//! - a **competition medal**, shared by every member of the team that won it (`kaggle_medal`,
//!   one per account and competition), with the team's rank and the host;
//! - a **notebook that won a medal** (`notebook`, one per notebook).
//!
//! # Who is kept, and why memory stays flat
//!
//! `Users.csv` has tens of millions of rows, `UserAchievements.csv` several per user, and
//! `Teams.csv`, `TeamMemberships.csv` and `KernelVersions.csv` millions. Every table is read
//! once, as a stream ([`table`]), in the order of [`Table::ALL`]: first the ones that say who
//! did something worth showing, keeping only that in small maps keyed by user id — tiers at or
//! above [`Options::min_tier`] (Expert by default; Novice and Contributor are what nearly every
//! account is), medal-winning teams and their members, medal-winning notebooks — and then
//! `Users.csv`, streamed against those maps: a row whose id is in none is counted and dropped,
//! a row whose id is in one becomes an [`Account`] with all its work, handed to the caller at
//! once, and its entries leave the maps. So what is held is bounded by what Kaggle awards
//! (tens of thousands of Experts and above, the medals of a few hundred competitions), not by
//! the number of users, and no table is sorted or read twice. A lower `min_tier` holds more:
//! one small entry per kept tier.
//!
//! Notebooks: one contribution per notebook that won a medal (the community's votes), not per
//! public notebook: most of Kaggle's millions of notebooks are forks and exercises, and each
//! author's total is in their notebooks tier. Medal counts per category (`TotalGold`…) come
//! with the tiers; medals per competition need `Teams.csv` (and `TeamMemberships.csv` for
//! every member; without it, the team leader).
//!
//! # Accounts are not people
//!
//! A Kaggle account is `kaggle:<UserName>` with its display name: it joins a GitHub person
//! only through an identity link (a person's `identity link`, or a suggestion the ingest
//! records when the user name *and* the display name match a GitHub account's login and
//! name). Organisations are hosts, never people: only their names are read. Tier 5 ("Kaggle
//! Team", staff) is not a tier reached and is not kept.
//!
//! # Errors
//!
//! Columns are found by header name. A required column that is missing is a
//! [`KaggleError::MissingColumn`] naming the file, the column and what it is needed for (and
//! what it was probably renamed to), found by [`KaggleDir::open`] before any row is read. A
//! bad row is reported (`Users.csv:12: …`) and skipped; every good row is kept; a file that
//! cannot be read to its end keeps what came before and marks the read as ended early.

pub mod schema;
pub mod table;

pub use schema::Table;
pub use table::{parse_date, TableRead};

use builtby_model::{
    time, work_key, Actor, Contribution, Identity, Kind, Measures, Namespace, Profile, ReadReport,
    Source, WorkId,
};
use schema::{achievements, competitions, kernel_versions, kernels, memberships, organizations};
use schema::{teams, users};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::time::Instant;
use table::{Bad, Flow};

/// Tier names, by Kaggle's number (0 … 4).
pub const TIERS: [&str; 5] = ["Novice", "Contributor", "Expert", "Master", "Grandmaster"];
/// Kaggle's tier 5: staff.
pub const KAGGLE_TEAM: u8 = 5;

/// A tier's name (`Grandmaster`) by number; `None` for 5 (staff) and beyond.
pub fn tier_name(tier: u8) -> Option<&'static str> {
    TIERS.get(tier as usize).copied()
}

/// `grandmaster`, `Master`, `2` → the tier number.
pub fn parse_tier(s: &str) -> Option<u8> {
    let s = s.trim();
    TIERS
        .iter()
        .position(|t| t.eq_ignore_ascii_case(s))
        .map(|i| i as u8)
        .or_else(|| s.parse::<u8>().ok().filter(|t| *t <= 4))
}

/// Medal names by Kaggle's number (1 gold, 2 silver, 3 bronze).
pub fn medal_name(medal: u8) -> &'static str {
    match medal {
        1 => "Gold",
        2 => "Silver",
        _ => "Bronze",
    }
}

#[derive(Debug, thiserror::Error)]
pub enum KaggleError {
    #[error("{}: no Meta Kaggle table here (looked for {expected})", dir.display())]
    NoTables { dir: PathBuf, expected: String },
    #[error("{}: cannot open: {source}", file.display())]
    Open {
        file: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{file}: cannot read the header: {message}")]
    BadHeader { file: String, message: String },
    /// A required column is not in the header (missing, or renamed: `renamed_to` is the
    /// header name it most likely became).
    #[error("{file}: no column `{column}` (needed for {needed_for}){}; the header has: {header}",
        renamed_to.as_ref().map(|r| format!("; was it renamed to `{r}`?")).unwrap_or_default())]
    MissingColumn {
        file: String,
        column: &'static str,
        needed_for: &'static str,
        renamed_to: Option<String>,
        header: String,
    },
}

impl KaggleError {
    /// The error with the file named by its whole path.
    pub fn with_path(mut self, path: &Path) -> Self {
        match &mut self {
            KaggleError::BadHeader { file, .. } | KaggleError::MissingColumn { file, .. } => {
                *file = path.display().to_string()
            }
            KaggleError::NoTables { .. } | KaggleError::Open { .. } => {}
        }
        self
    }
}

/// What to keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Tiers below this (0 Novice … 4 Grandmaster) are counted, not kept. Default 2, Expert.
    pub min_tier: u8,
}

impl Default for Options {
    fn default() -> Self {
        Options { min_tier: 2 }
    }
}

/// One Kaggle account with all the work kept for it, handed over when its `Users.csv` row is
/// read.
#[derive(Debug, Clone, PartialEq)]
pub struct Account {
    pub user_id: i64,
    pub username: String,
    pub display_name: Option<String>,
    /// `Users.csv`'s Country, when present.
    pub country: Option<String>,
    /// `kaggle:<username>`, no GitHub id.
    pub actor: Actor,
    pub contributions: Vec<Contribution>,
}

impl Account {
    /// `https://www.kaggle.com/<username>`.
    pub fn url(&self) -> String {
        profile_url(&self.username)
    }
}

fn profile_url(username: &str) -> String {
    format!("https://www.kaggle.com/{username}")
}

/// Where a read is.
#[derive(Debug)]
pub enum Watch<'a> {
    /// A table starts: its file and size.
    Start { table: Table, bytes: u64 },
    /// Bytes of the current table read so far.
    Bytes(u64),
    /// A table is done.
    Done {
        table: Table,
        read: &'a TableRead,
        secs: f64,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum ReadError<E> {
    #[error(transparent)]
    Table(#[from] KaggleError),
    /// The caller's `emit` failed (the store): reading stopped there.
    #[error("stopped: {0}")]
    Emit(E),
}

/// A Meta Kaggle folder: the tables present, their headers checked.
#[derive(Debug, Clone)]
pub struct KaggleDir {
    pub dir: PathBuf,
    /// Present tables, in reading order, with their size.
    pub tables: Vec<(Table, PathBuf, u64)>,
}

impl KaggleDir {
    /// Finds the tables in `dir` and checks every header now, so a missing column is an
    /// error before anything is read.
    pub fn open(dir: &Path) -> Result<KaggleDir, KaggleError> {
        let mut tables = Vec::new();
        for t in Table::ALL {
            let p = dir.join(t.file_name());
            if !p.is_file() {
                continue;
            }
            let size = std::fs::metadata(&p)
                .map_err(|source| KaggleError::Open {
                    file: p.clone(),
                    source,
                })?
                .len();
            table::Table::open(&p, t.columns())?;
            tables.push((t, p, size));
        }
        if tables.is_empty() {
            return Err(KaggleError::NoTables {
                dir: dir.to_path_buf(),
                expected: Table::ALL.map(|t| t.file_name()).join(", "),
            });
        }
        Ok(KaggleDir {
            dir: dir.to_path_buf(),
            tables,
        })
    }

    pub fn has(&self, t: Table) -> bool {
        self.tables.iter().any(|(x, _, _)| *x == t)
    }

    /// Bytes of all present tables.
    pub fn bytes(&self) -> u64 {
        self.tables.iter().map(|t| t.2).sum()
    }

    /// Reads every present table once, in order, handing each account with kept work to
    /// `emit` as its `Users.csv` row is read. The report counts rows per table (`by_type`),
    /// contributions by kind, bad rows by `<file>: <reason>` with `file:line` messages, and
    /// work whose account is not in `Users.csv`.
    pub fn read<E>(
        &self,
        opts: &Options,
        watch: &mut dyn FnMut(Watch<'_>),
        emit: &mut dyn FnMut(Account) -> Result<(), E>,
    ) -> Result<ReadReport, ReadError<E>> {
        let mut j = Join::new(*opts, self);
        for (t, path, size) in &self.tables {
            watch(Watch::Start {
                table: *t,
                bytes: *size,
            });
            let started = Instant::now();
            let mut tab = table::Table::open(path, t.columns())?;
            let mut progress = |b: u64| watch(Watch::Bytes(b));
            let read = match t {
                Table::Organizations => tab.read(&mut progress, |r| j.organization(r)),
                Table::Competitions => tab.read(&mut progress, |r| j.competition(r)),
                Table::UserAchievements => tab.read(&mut progress, |r| j.achievement(r)),
                Table::Teams => tab.read(&mut progress, |r| j.team(r)),
                Table::TeamMemberships => tab.read(&mut progress, |r| j.membership(r)),
                Table::Kernels => tab.read(&mut progress, |r| j.kernel(r)),
                Table::KernelVersions => tab.read(&mut progress, |r| j.kernel_version(r)),
                Table::Users => {
                    j.before_users();
                    tab.read(&mut progress, |r| j.user(r, emit))
                }
            }
            .map_err(ReadError::Emit)?;
            j.add_table(*t, &read);
            watch(Watch::Done {
                table: *t,
                read: &read,
                secs: started.elapsed().as_secs_f64(),
            });
        }
        Ok(j.finish())
    }
}

/// Category names as stored (`Measures::category`), from `AchievementType`.
pub fn category(achievement_type: &str) -> String {
    match achievement_type.trim().to_ascii_lowercase().as_str() {
        "competitions" | "competition" => "competitions".into(),
        "scripts" | "kernels" | "notebooks" | "code" => "notebooks".into(),
        "discussion" | "discussions" => "discussion".into(),
        "datasets" | "dataset" => "datasets".into(),
        other => other.to_string(),
    }
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

pub use builtby_model::thousands;

/// A tier kept from `UserAchievements.csv` (or `Users.csv`'s PerformanceTier).
#[derive(Debug, Clone)]
struct Tier {
    category: Box<str>,
    tier: u8,
    at: Option<i64>,
    points: Option<i64>,
    current: Option<i64>,
    highest: Option<i64>,
    medals: [Option<i64>; 3],
}

#[derive(Debug, Clone)]
struct Competition {
    slug: Box<str>,
    title: Box<str>,
    deadline: Option<i64>,
    host: Option<Box<str>>,
    teams: Option<i64>,
}

#[derive(Debug, Clone)]
struct MedalTeam {
    competition: i64,
    medal: u8,
    rank: Option<i64>,
    at: Option<i64>,
    last_submission: Option<i64>,
    name: Option<Box<str>>,
    leader: Option<i64>,
    members: u32,
}

#[derive(Debug, Clone)]
struct Notebook {
    id: i64,
    slug: Box<str>,
    medal: u8,
    at: Option<i64>,
    votes: Option<i64>,
    views: Option<i64>,
    comments: Option<i64>,
    title: Option<Box<str>>,
}

/// Maps keyed by Kaggle's ids, looked up once per row of the largest tables: a
/// multiply-shift hash (ids are not chosen by an attacker; SipHash costs more than the row).
type Ids<V> = HashMap<i64, V, std::hash::BuildHasherDefault<IdHasher>>;

#[derive(Default)]
struct IdHasher(u64);

impl std::hash::Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 =
                (self.0.rotate_left(5) ^ u64::from(*b)).wrapping_mul(0x51_7C_C1_B7_27_22_0A_95);
        }
    }
    fn write_i64(&mut self, n: i64) {
        self.0 = (n as u64 ^ self.0).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

/// The small maps the tables are joined through (see the module docs).
struct Join {
    opts: Options,
    have_achievements: bool,
    have_memberships: bool,
    have_versions: bool,
    organizations: Ids<Box<str>>,
    competitions: Ids<Competition>,
    /// user id → tiers at or above `min_tier`
    tiers: Ids<Vec<Tier>>,
    /// team id → medal-winning team
    teams: Ids<MedalTeam>,
    /// user id → medal-winning teams
    medals: Ids<Vec<i64>>,
    /// user id → medal-winning notebooks
    notebooks: Ids<Vec<Notebook>>,
    /// current version id → (author, index in their notebooks), for titles
    versions: Ids<(i64, usize)>,
    /// achievements read, by tier (0 … 5)
    tier_counts: [u64; 6],
    report: ReadReport,
}

impl Join {
    fn new(opts: Options, dir: &KaggleDir) -> Join {
        Join {
            opts,
            have_achievements: dir.has(Table::UserAchievements),
            have_memberships: dir.has(Table::TeamMemberships),
            have_versions: dir.has(Table::KernelVersions),
            organizations: Ids::default(),
            competitions: Ids::default(),
            tiers: Ids::default(),
            teams: Ids::default(),
            medals: Ids::default(),
            notebooks: Ids::default(),
            versions: Ids::default(),
            tier_counts: [0; 6],
            report: ReadReport::new(Source::Kaggle),
        }
    }

    fn organization<E>(&mut self, r: &table::Row<'_>) -> Result<(), Flow<E>> {
        let id = r.need_int(organizations::ID)?;
        let name = r.need_text(organizations::NAME)?;
        self.organizations.insert(id, name.into());
        Ok(())
    }

    fn competition<E>(&mut self, r: &table::Row<'_>) -> Result<(), Flow<E>> {
        use competitions::*;
        let id = r.need_int(ID)?;
        let slug = r.need_text(SLUG)?;
        let title = r.need_text(TITLE)?;
        let deadline = r.date(DEADLINE)?;
        let host = r
            .int(ORGANIZATION)?
            .and_then(|o| self.organizations.get(&o).cloned())
            .or_else(|| r.text(HOST_NAME).ok().flatten().map(Box::from));
        let teams = r.int(TOTAL_TEAMS)?;
        self.competitions.insert(
            id,
            Competition {
                slug: slug.into(),
                title: title.into(),
                deadline,
                host,
                teams,
            },
        );
        Ok(())
    }

    fn achievement<E>(&mut self, r: &table::Row<'_>) -> Result<(), Flow<E>> {
        use achievements::*;
        // The tier first: most rows are Novices, counted and dropped without another field.
        let tier = r.need_int(TIER)?;
        let tier = u8::try_from(tier)
            .ok()
            .filter(|t| *t <= KAGGLE_TEAM)
            .ok_or_else(|| Bad {
                reason: "not a tier",
                message: format!("Tier `{tier}` is not 0 (Novice) to 5 (Kaggle Team)"),
            })?;
        if tier == KAGGLE_TEAM || tier < self.opts.min_tier {
            self.tier_counts[tier as usize] += 1;
            return Ok(());
        }
        let user = r.need_int(USER_ID)?;
        let kind = r.need_text(TYPE)?;
        let t = Tier {
            category: category(kind).into(),
            tier,
            at: r.date(DATE)?,
            points: r.int(POINTS)?,
            current: r.int(CURRENT_RANKING)?,
            highest: r.int(HIGHEST_RANKING)?,
            medals: [r.int(GOLD)?, r.int(SILVER)?, r.int(BRONZE)?],
        };
        self.tier_counts[tier as usize] += 1;
        self.tiers.entry(user).or_default().push(t);
        Ok(())
    }

    fn team<E>(&mut self, r: &table::Row<'_>) -> Result<(), Flow<E>> {
        use teams::*;
        let Some(medal) = medal(r, MEDAL)? else {
            return Ok(());
        };
        if r.flag(IS_BENCHMARK)? == Some(true) {
            return Ok(());
        }
        let id = r.need_int(ID)?;
        let team = MedalTeam {
            competition: r.need_int(COMPETITION)?,
            medal,
            rank: r.int(PRIVATE_RANK)?,
            at: r.date(MEDAL_DATE)?,
            last_submission: r.date(LAST_SUBMISSION)?,
            name: r.text(NAME)?.map(Box::from),
            leader: r.int(LEADER)?,
            members: 0,
        };
        self.teams.insert(id, team);
        Ok(())
    }

    fn membership<E>(&mut self, r: &table::Row<'_>) -> Result<(), Flow<E>> {
        let team = r.need_int(memberships::TEAM)?;
        if let Some(t) = self.teams.get_mut(&team) {
            let user = r.need_int(memberships::USER)?;
            t.members += 1;
            self.medals.entry(user).or_default().push(team);
        }
        Ok(())
    }

    fn kernel<E>(&mut self, r: &table::Row<'_>) -> Result<(), Flow<E>> {
        use kernels::*;
        let Some(medal) = medal(r, MEDAL)? else {
            return Ok(());
        };
        let id = r.need_int(ID)?;
        let author = r.need_int(AUTHOR)?;
        let slug = r.need_text(SLUG)?;
        let at = match r.date(MADE_PUBLIC)? {
            Some(t) => Some(t),
            None => match r.date(CREATED)? {
                Some(t) => Some(t),
                None => r.date(MEDAL_DATE)?,
            },
        };
        let nb = Notebook {
            id,
            slug: slug.into(),
            medal,
            at,
            votes: r.int(VOTES)?,
            views: r.int(VIEWS)?,
            comments: r.int(COMMENTS)?,
            title: None,
        };
        let version = r.int(CURRENT_VERSION)?;
        let list = self.notebooks.entry(author).or_default();
        if let (true, Some(v)) = (self.have_versions, version) {
            self.versions.insert(v, (author, list.len()));
        }
        list.push(nb);
        Ok(())
    }

    fn kernel_version<E>(&mut self, r: &table::Row<'_>) -> Result<(), Flow<E>> {
        let id = r.need_int(kernel_versions::ID)?;
        if let Some(&(user, i)) = self.versions.get(&id) {
            let title = r.text(kernel_versions::TITLE)?;
            if let Some(nb) = self.notebooks.get_mut(&user).and_then(|l| l.get_mut(i)) {
                nb.title = title.map(Box::from);
            }
        }
        Ok(())
    }

    /// Without `TeamMemberships.csv`, a medal is known to be its team leader's only.
    fn before_users(&mut self) {
        self.versions = Ids::default();
        if self.have_memberships || self.teams.is_empty() {
            return;
        }
        let mut n = 0;
        for (id, t) in &mut self.teams {
            if let Some(l) = t.leader {
                t.members = 1;
                self.medals.entry(l).or_default().push(*id);
                n += 1;
            }
        }
        self.report.messages.push(format!(
            "TeamMemberships.csv absent: {n} medals credited to their team leaders only"
        ));
    }

    fn user<E>(
        &mut self,
        r: &table::Row<'_>,
        emit: &mut dyn FnMut(Account) -> Result<(), E>,
    ) -> Result<(), Flow<E>> {
        use users::*;
        let id = r.need_int(ID)?;
        let overall = if self.have_achievements {
            None
        } else {
            r.int(PERFORMANCE_TIER)?
                .and_then(|t| u8::try_from(t).ok())
                .filter(|t| *t >= self.opts.min_tier && *t < KAGGLE_TEAM)
        };
        if overall.is_none()
            && !self.tiers.contains_key(&id)
            && !self.medals.contains_key(&id)
            && !self.notebooks.contains_key(&id)
        {
            return Ok(());
        }
        // Checked before the entries leave the maps: a bad row leaves them to be reported as
        // work of an account not in Users.csv.
        let username = r.need_text(USER_NAME)?.to_string();
        let display_name = r
            .text(DISPLAY_NAME)?
            .filter(|n| !builtby_model::looks_like_email(n))
            .map(str::to_string);
        let registered = r.date(REGISTER_DATE)?;
        let country = r
            .text(COUNTRY)?
            .filter(|n| !builtby_model::looks_like_email(n))
            .map(str::to_string);
        let mut tiers = self.tiers.remove(&id).unwrap_or_default();
        if let Some(t) = overall {
            tiers.push(Tier {
                category: "overall".into(),
                tier: t,
                at: None,
                points: None,
                current: None,
                highest: None,
                medals: [None; 3],
            });
        }
        let medals = self.medals.remove(&id).unwrap_or_default();
        let notebooks = self.notebooks.remove(&id).unwrap_or_default();

        let actor = Actor {
            github_id: None,
            login: Identity {
                namespace: Namespace::Kaggle,
                key: username.clone(),
            }
            .to_string(),
            is_bot_type: false,
        };
        let profile = Profile {
            name: display_name.clone(),
            location: country.clone(),
            ..Default::default()
        };
        let mut acc = Account {
            user_id: id,
            username,
            display_name,
            country,
            actor,
            contributions: Vec::new(),
        };
        let mut no_date = 0;
        for t in &tiers {
            match self.tier_contribution(&acc, t, registered) {
                Some(c) => acc.contributions.push(c),
                None => no_date += 1,
            }
        }
        for team in medals {
            match self.medal_contribution(&acc, team) {
                Some(c) => acc.contributions.push(c),
                None => no_date += 1,
            }
        }
        for nb in &notebooks {
            match notebook_contribution(&acc, nb) {
                Some(c) => acc.contributions.push(c),
                None => no_date += 1,
            }
        }
        if no_date > 0 {
            *self.report.skipped.entry("no date".into()).or_default() += no_date;
            self.message(format!(
                "Users.csv: {}: {no_date} tier(s), medal(s) or notebook(s) with no date anywhere (not kept)",
                acc.username
            ));
        }
        for c in &mut acc.contributions {
            c.profile = Some(profile.clone());
            self.report.kept_kind(c.kind);
        }
        if acc.contributions.is_empty() {
            return Ok(());
        }
        *self.report.by_type.entry("accounts".into()).or_default() += 1;
        emit(acc).map_err(Flow::Stop)
    }

    fn tier_contribution(
        &self,
        acc: &Account,
        t: &Tier,
        registered: Option<i64>,
    ) -> Option<Contribution> {
        let at = t.at.or(registered)?;
        let name = tier_name(t.tier)?;
        let cat = capitalised(&t.category);
        let repo = format!("kaggle.com/{}", acc.username);
        let key = work_key(Kind::KaggleTier, &repo, WorkId::Name(&t.category));
        let mut c = Contribution::new(key, Kind::KaggleTier, repo, acc.actor.clone(), at);
        c.title = Some(if &*t.category == "overall" {
            format!("Kaggle {name}")
        } else {
            format!("Kaggle {cat} {name}")
        });
        let mut parts = Vec::new();
        if let Some(d) = t.at {
            parts.push(format!("{cat} {name} since {}", time::date_string(d)));
        }
        match (t.current, t.highest) {
            (Some(c), Some(h)) if h != c => {
                parts.push(format!("rank {} (highest {})", thousands(c), thousands(h)))
            }
            (Some(c), _) => parts.push(format!("rank {}", thousands(c))),
            (None, Some(h)) => parts.push(format!("highest rank {}", thousands(h))),
            (None, None) => {}
        }
        if let Some(p) = t.points.filter(|p| *p > 0) {
            parts.push(format!("{} points", thousands(p)));
        }
        let [g, s, b] = t.medals.map(|m| m.unwrap_or(0));
        if g + s + b > 0 {
            parts.push(format!("medals: {g} gold, {s} silver, {b} bronze"));
        }
        c.body = (!parts.is_empty()).then(|| parts.join("; "));
        c.url = Some(acc.url());
        c.measures = Some(Measures {
            category: Some(t.category.to_string()),
            tier: Some(t.tier),
            ..Default::default()
        });
        Some(c)
    }

    fn medal_contribution(&self, acc: &Account, team_id: i64) -> Option<Contribution> {
        let team = self.teams.get(&team_id)?;
        let comp = self.competitions.get(&team.competition);
        let at = team
            .at
            .or(comp.and_then(|c| c.deadline))
            .or(team.last_submission)?;
        let repo = format!("kaggle.com/{}", acc.username);
        let id = team.competition.to_string();
        let name = comp.map_or(id.as_str(), |c| &c.slug);
        let key = work_key(Kind::KaggleMedal, &repo, WorkId::Name(name));
        let mut c = Contribution::new(key, Kind::KaggleMedal, repo, acc.actor.clone(), at);
        let medal = medal_name(team.medal);
        c.title = Some(match comp {
            Some(comp) => format!("{medal} medal: {}", comp.title),
            None => format!("{medal} medal in Kaggle competition {id}"),
        });
        let mut parts = Vec::new();
        if let Some(n) = &team.name {
            parts.push(format!("team “{n}”"));
        }
        match (team.rank, comp.and_then(|c| c.teams).filter(|t| *t > 0)) {
            (Some(r), Some(t)) => {
                parts.push(format!("rank {} of {} teams", thousands(r), thousands(t)))
            }
            (Some(r), None) => parts.push(format!("rank {}", thousands(r))),
            _ => {}
        }
        if team.members > 1 {
            parts.push(format!("{} members", team.members));
        }
        if let Some(h) = comp.and_then(|c| c.host.as_deref()) {
            parts.push(format!("hosted by {h}"));
        }
        c.body = (!parts.is_empty()).then(|| parts.join("; "));
        c.url = Some(match comp {
            Some(comp) => format!("https://www.kaggle.com/competitions/{}", comp.slug),
            None => acc.url(),
        });
        c.measures = Some(Measures {
            category: Some("competitions".into()),
            medal: Some(team.medal),
            ..Default::default()
        });
        Some(c)
    }

    fn message(&mut self, m: String) {
        if self.report.messages.len() < builtby_model::report::MAX_MESSAGES {
            self.report.messages.push(m);
        }
    }

    fn add_table(&mut self, t: Table, read: &TableRead) {
        let file = t.file_name();
        self.report.read += read.rows;
        self.report.bytes += read.bytes;
        *self.report.by_type.entry(file.into()).or_default() += read.rows;
        for (reason, n) in &read.skipped {
            *self
                .report
                .skipped
                .entry(format!("{file}: {reason}"))
                .or_default() += n;
        }
        for m in &read.messages {
            self.message(m.clone());
        }
        if let Some(e) = &read.ended_early {
            self.report.ended_early = Some(match self.report.ended_early.take() {
                Some(before) => format!("{before}; {e}"),
                None => e.clone(),
            });
        }
        if t == Table::UserAchievements {
            for (tier, n) in self.tier_counts.iter().enumerate() {
                let name = tier_name(tier as u8).unwrap_or("Kaggle Team");
                if *n > 0 {
                    self.report
                        .by_type
                        .insert(format!("achievements: {}", name.to_lowercase()), *n);
                }
            }
        }
    }

    /// The report, with the work of accounts `Users.csv` did not name.
    fn finish(mut self) -> ReadReport {
        let mut orphans: Vec<i64> = self
            .tiers
            .keys()
            .chain(self.medals.keys())
            .chain(self.notebooks.keys())
            .copied()
            .collect();
        orphans.sort_unstable();
        orphans.dedup();
        if !orphans.is_empty() {
            self.report
                .skipped
                .insert("account not in Users.csv".into(), orphans.len() as u64);
            let shown: Vec<String> = orphans.iter().take(5).map(i64::to_string).collect();
            let why = if self_has_users(&self) {
                "not in Users.csv"
            } else {
                "Users.csv is absent: an account is named only there"
            };
            self.message(format!(
                "{} account(s) with tiers, medals or notebooks kept, {why} (user ids {}{})",
                orphans.len(),
                shown.join(", "),
                if orphans.len() > 5 { ", …" } else { "" }
            ));
        }
        self.report
    }
}

fn self_has_users(j: &Join) -> bool {
    j.report.by_type.contains_key(Table::Users.file_name())
}

/// A `Medal` column: `None` for no medal (empty or 0), 1 … 3, else a bad row.
fn medal(r: &table::Row<'_>, c: usize) -> Result<Option<u8>, Bad> {
    match r.int(c)? {
        None | Some(0) => Ok(None),
        Some(m @ 1..=3) => Ok(Some(m as u8)),
        Some(m) => Err(Bad {
            reason: "not a medal",
            message: format!("Medal `{m}` is not 1 (gold), 2 (silver) or 3 (bronze)"),
        }),
    }
}

fn notebook_contribution(acc: &Account, nb: &Notebook) -> Option<Contribution> {
    let at = nb.at?;
    let repo = format!("kaggle.com/code/{}", acc.username);
    let key = work_key(Kind::Notebook, &repo, WorkId::Id(nb.id));
    let mut c = Contribution::new(key, Kind::Notebook, repo, acc.actor.clone(), at);
    c.title = Some(match &nb.title {
        Some(t) => t.to_string(),
        None => words_of_slug(&nb.slug),
    });
    let mut parts = vec![format!("{} medal notebook", medal_name(nb.medal))];
    for (n, what) in [
        (nb.votes, "votes"),
        (nb.views, "views"),
        (nb.comments, "comments"),
    ] {
        if let Some(n) = n {
            parts.push(format!("{} {what}", thousands(n)));
        }
    }
    c.body = Some(parts.join("; "));
    c.url = Some(format!(
        "https://www.kaggle.com/code/{}/{}",
        acc.username, nb.slug
    ));
    c.measures = Some(Measures {
        category: Some("notebooks".into()),
        medal: Some(nb.medal),
        ..Default::default()
    });
    Some(c)
}

/// `titanic-data-science-solutions` → `Titanic data science solutions`.
fn words_of_slug(slug: &str) -> String {
    capitalised(&slug.replace('-', " "))
}

/// Rows per table and bad rows, for a summary line.
pub fn rows_by_table(r: &ReadReport) -> BTreeMap<&'static str, u64> {
    Table::ALL
        .iter()
        .filter_map(|t| Some((t.file_name(), *r.by_type.get(t.file_name())?)))
        .collect()
}

#[cfg(test)]
mod tests;
