//! Tables, and the pragmas that make one writer and many readers work across processes.

use rusqlite::{Connection, Result};

const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS people(
    id INTEGER PRIMARY KEY,
    github_id INTEGER UNIQUE,
    login TEXT NOT NULL,
    name TEXT, location TEXT, company TEXT, blog TEXT,
    is_bot_type INTEGER NOT NULL DEFAULT 0,
    last_seen INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS people_login ON people(login COLLATE NOCASE);
-- Every login a person was seen under, for renames.
CREATE TABLE IF NOT EXISTS logins(
    login TEXT NOT NULL COLLATE NOCASE,
    person_id INTEGER NOT NULL,
    first_seen INTEGER NOT NULL,
    last_seen INTEGER NOT NULL,
    PRIMARY KEY(login, person_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS repos(
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    github_id INTEGER,
    -- distinct people with merged PRs or reviews here: how much scrutiny work passes
    contributors INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS repo_people(
    repo_id INTEGER NOT NULL, person_id INTEGER NOT NULL,
    PRIMARY KEY(repo_id, person_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS contributions(
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    kind INTEGER NOT NULL,
    person_id INTEGER NOT NULL,
    repo_id INTEGER NOT NULL,
    at INTEGER NOT NULL,
    number INTEGER,
    title TEXT,
    body TEXT,
    url TEXT,
    labels TEXT,
    additions INTEGER, deletions INTEGER, changed_files INTEGER, commits INTEGER,
    review_state TEXT,
    path TEXT,
    on_pr INTEGER NOT NULL DEFAULT 0,
    merged_by INTEGER,
    needs_hydration INTEGER NOT NULL DEFAULT 0,
    file_id INTEGER
);
CREATE INDEX IF NOT EXISTS contributions_person ON contributions(person_id, at);
CREATE VIRTUAL TABLE IF NOT EXISTS contributions_fts USING fts5(
    title, body, content='contributions', content_rowid='id', tokenize='unicode61 remove_diacritics 2'
);
-- The rollup searches aggregate: counts per repository, kind, day and person.
CREATE TABLE IF NOT EXISTS rollup(
    repo_id INTEGER NOT NULL, kind INTEGER NOT NULL, day INTEGER NOT NULL, person_id INTEGER NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY(repo_id, kind, day, person_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS rollup_person ON rollup(person_id, repo_id);
-- Records that only point at work, waiting for the API (never dropped).
CREATE TABLE IF NOT EXISTS pointers(
    key TEXT PRIMARY KEY,
    repo_id INTEGER NOT NULL,
    number INTEGER,
    what TEXT NOT NULL,
    actor_id INTEGER,
    at INTEGER NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending',
    file_id INTEGER
) WITHOUT ROWID;
-- The ingest log: one row per input file loaded, written in the same transaction as its records.
CREATE TABLE IF NOT EXISTS files(
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    path TEXT NOT NULL,
    size INTEGER NOT NULL,
    checksum TEXT NOT NULL UNIQUE,
    loaded_at INTEGER NOT NULL,
    complete INTEGER NOT NULL,
    events INTEGER NOT NULL,
    contributions INTEGER NOT NULL,
    new_contributions INTEGER NOT NULL,
    stats TEXT NOT NULL
);
"#;

/// Schema changes in order: `(name, SQL)`. A store records the names it has applied; to
/// change the schema, append an entry (never edit an applied one). Each runs in its own
/// transaction with its name, so a crash mid-migration leaves the store as it was.
pub const MIGRATIONS: &[(&str, &str)] = &[
    ("0001_core", SCHEMA),
    ("0002_github", SCHEMA_0002),
    ("0003_git", GIT_SCHEMA),
    ("0004_natural_keys", NATURAL_KEYS),
    ("0005_fewer_indexes", FEWER_INDEXES),
    ("0006_superseded", SUPERSEDED),
    ("0007_identity", IDENTITY),
    ("0008_commits_cursors", COMMITS_CURSORS),
    ("0009_measures", MEASURES),
    ("0010_arxiv_cursors", ARXIV_CURSORS),
    ("0011_weights", WEIGHTS),
    ("0012_path_rollup", crate::path_rollup::SCHEMA),
    ("0013_privacy", PRIVACY),
    ("0014_shortlists", SHORTLISTS),
    ("0015_watches", WATCHES),
    ("0016_ranking", crate::ranking::SCHEMA),
    ("0018_place_metros", PLACE_METROS),
    ("0019_ranking_last_day", crate::ranking::LAST_DAY),
    ("0020_evidence_index", EVIDENCE_INDEX),
    ("0021_ranking_topics", crate::ranking::TOPICS),
    ("0022_rollup_person_covering", ROLLUP_PERSON_COVERING),
    ("0023_ranking_counts", crate::ranking::COUNTS),
    ("0024_rollup_kind", ROLLUP_KIND),
    (
        "0025_ranking_location_match",
        crate::ranking::LOCATION_MATCH,
    ),
    (
        "0026_ranking_located_covering",
        crate::ranking::LOCATED_COVERING,
    ),
];

/// Rollup rows by kind, then person: a scope of kinds alone ("merged PRs", "reviews") read
/// and counted its people by scanning the whole rollup (the primary key leads with the
/// repository, `rollup_person` with the person); here it reads that kind's rows only, and a
/// page's people within a kind scope are one seek each. Covering, like `rollup_person`.
const ROLLUP_KIND: &str = r#"
CREATE INDEX IF NOT EXISTS rollup_kind ON rollup(kind, person_id, day, repo_id, n, w);
"#;

/// A person's rollup rows read from the index alone: the page's people (their cells, their
/// totals per repository and kind) and the ranking's build (everyone, in person order) read
/// every column of them, and through `(person_id, repo_id)` each row was a second search in
/// the table (26k of them for a page of the most prolific 20 at 1M contributions). Costs an
/// index update when a row's count changes at ingest.
const ROLLUP_PERSON_COVERING: &str = r#"
DROP INDEX IF EXISTS rollup_person;
CREATE INDEX rollup_person ON rollup(person_id, repo_id, kind, day, n, w);
"#;

/// A person's contributions by kind, newest last: a page's evidence reads each kind's newest
/// few from here ([`crate::Store::evidence`]) instead of sorting the person's whole history.
const EVIDENCE_INDEX: &str = r#"
CREATE INDEX IF NOT EXISTS contributions_person_kind ON contributions(person_id, kind, at);
"#;

/// A location may name several places ("Berlin / New York"): the first stays in the
/// `loc_*` columns, the other places' metros go to `loc_also_metros` ('|'-joined), and the
/// ranking keeps them per metro so that a metro filter matches any of them through an index.
/// The ranking is marked stale so that the next search rebuilds it with them.
const PLACE_METROS: &str = r#"
ALTER TABLE people ADD COLUMN loc_also_metros TEXT;
ALTER TABLE ranking ADD COLUMN also_metros TEXT;
CREATE TABLE IF NOT EXISTS ranking_also_metro(
    metro TEXT NOT NULL,
    pos INTEGER NOT NULL,
    PRIMARY KEY(metro, pos)
) WITHOUT ROWID;
DELETE FROM ranking_meta;
"#;

/// The recruiter's own state (`shortlists.rs`): shortlists and the people on them, and the
/// logins the company's applicant-tracking system already has. Keyed by natural keys (a
/// list's name, a person's login or account key), never by row ids, so a re-ingest leaves
/// them as they are.
const SHORTLISTS: &str = r#"
CREATE TABLE IF NOT EXISTS shortlists(
    name TEXT PRIMARY KEY COLLATE NOCASE,
    -- the query string of the search the list is for, if given
    search TEXT,
    created_at INTEGER NOT NULL,
    created_by TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS shortlist_people(
    shortlist TEXT NOT NULL COLLATE NOCASE,
    -- a GitHub login or an account key (git:<hash>, hf:<name>…)
    person TEXT NOT NULL COLLATE NOCASE,
    status TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    -- the query string of the search the person was added from, if any
    search TEXT,
    added_at INTEGER NOT NULL,
    added_by TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY(shortlist, person)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS ats_people(
    login TEXT PRIMARY KEY COLLATE NOCASE,
    -- where it was read: file.csv:12 (nothing else from the file is kept)
    source TEXT NOT NULL,
    imported_at INTEGER NOT NULL,
    imported_by TEXT NOT NULL
) WITHOUT ROWID;
"#;

/// Saved searches (`builtby watch`): see `watches.rs`.
const WATCHES: &str = r#"
CREATE TABLE IF NOT EXISTS watches(
    name TEXT PRIMARY KEY COLLATE NOCASE,
    params TEXT NOT NULL,
    min_score REAL,
    webhook TEXT,
    created_at INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    runs INTEGER NOT NULL DEFAULT 0,
    last_run_at INTEGER,
    last_position INTEGER
);
CREATE TABLE IF NOT EXISTS watch_people(
    watch TEXT NOT NULL COLLATE NOCASE,
    login TEXT NOT NULL,
    score REAL NOT NULL,
    rank INTEGER NOT NULL,
    PRIMARY KEY(watch, login)
) WITHOUT ROWID;
"#;

/// Opt-out, erasure and the audit log (`crate::optout`, `crate::audit`).
/// - `privacy_key`: the secret the suppression list's hashes are keyed with (32 random bytes
///   from SQLite's generator, which is seeded from the operating system's);
/// - `optouts`: keyed hashes of opted-out accounts (`via`: the hash of the account whose
///   opt-out suppressed this one with it: a linked account, a former login, a GitHub id),
///   never the plain login; never deleted by an erasure or a re-ingest;
/// - `people.optout`: 1 on every account row of a suppressed person (the read side's filter);
/// - `audit_log`: append-only (triggers abort any UPDATE or DELETE, and an insert that would
///   replace a row).
const PRIVACY: &str = r#"
CREATE TABLE IF NOT EXISTS privacy_key(id INTEGER PRIMARY KEY CHECK (id = 1), key BLOB NOT NULL);
INSERT OR IGNORE INTO privacy_key(id, key) VALUES (1, randomblob(32));
CREATE TABLE IF NOT EXISTS optouts(
    hash TEXT PRIMARY KEY,
    via TEXT,
    at INTEGER NOT NULL,
    by TEXT NOT NULL,
    reason TEXT,
    erased_at INTEGER
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS optouts_via ON optouts(via) WHERE via IS NOT NULL;
ALTER TABLE people ADD COLUMN optout INTEGER;
CREATE INDEX IF NOT EXISTS people_optout ON people(optout) WHERE optout IS NOT NULL;
CREATE TABLE IF NOT EXISTS audit_log(
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    what TEXT NOT NULL,
    people INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_log_at ON audit_log(at);
CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: rows cannot be changed'); END;
CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: rows cannot be deleted'); END;
CREATE TRIGGER IF NOT EXISTS audit_log_no_replace BEFORE INSERT ON audit_log
WHEN NEW.id IN (SELECT id FROM audit_log)
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: rows cannot be replaced'); END;
"#;

/// What a contribution says about expertise (`builtby_model::grade`): `weight` (1 = an
/// ordinary contribution of its kind) and `why` when it is not 1; the rollup sums weights
/// beside counts (`w`). `thread` finds a PR's or issue's conversation (reviews, comments,
/// the merge) for the review-round and per-thread rules. `people.behaviour` says why an
/// account's activity is not a person's (bursts of pushes, badge PRs), overridable by the
/// bot file.
const WEIGHTS: &str = r#"
ALTER TABLE contributions ADD COLUMN weight REAL NOT NULL DEFAULT 1.0;
ALTER TABLE contributions ADD COLUMN why TEXT;
ALTER TABLE rollup ADD COLUMN w REAL NOT NULL DEFAULT 0;
UPDATE rollup SET w = n;
ALTER TABLE people ADD COLUMN behaviour TEXT;
CREATE INDEX IF NOT EXISTS contributions_thread ON contributions(repo_id, number) WHERE number IS NOT NULL;
"#;

/// The part of a migration SQL cannot do, run after its SQL in the same transaction.
fn rust_step(name: &str) -> Option<fn(&Connection) -> Result<()>> {
    match name {
        // paths are classified by Rust code (`PathClass::of`)
        // rows written before weights existed are graded once
        "0011_weights" => Some(crate::batch::weights::regrade_all),
        "0012_path_rollup" => Some(crate::path_rollup::rebuild),
        _ => None,
    }
}

/// `ingest arxiv --category`: per category and submission window, the next result to read
/// (`next_start`) and whether the window was read to its end once it could no longer change
/// (`done`), written with each page's records.
const ARXIV_CURSORS: &str = r#"
CREATE TABLE IF NOT EXISTS arxiv_cursors(
    category TEXT NOT NULL,
    time_window TEXT NOT NULL,
    next_start INTEGER NOT NULL,
    total INTEGER,
    done INTEGER NOT NULL DEFAULT 0,
    at INTEGER NOT NULL,
    PRIMARY KEY(category, time_window)
) WITHOUT ROWID;
"#;

/// `ingest github --commits`: per repository, the newest committer date whose commits the
/// commits API was read for (the next run asks `since` it).
const COMMITS_CURSORS: &str = r#"
CREATE TABLE IF NOT EXISTS commits_cursors(
    repo TEXT PRIMARY KEY COLLATE NOCASE,
    committed_at INTEGER NOT NULL,
    read_at INTEGER NOT NULL
);
"#;

/// What a source measured about work off GitHub (a model's downloads and card, a Kaggle tier,
/// a paper's categories), as JSON ([`builtby_model::Measures`]).
const MEASURES: &str = r#"
ALTER TABLE contributions ADD COLUMN measures TEXT;
"#;

/// One person per human (issue 10). A `people` row is an account (a GitHub account, a git
/// identity); an account linked to another row is a *member* of that person (`member_of`), and
/// its contributions count for that person while remembering the account they came from
/// (`contributions.account_id`, set only when it differs from `person_id`), so a link can be
/// undone exactly. Links, votes, locks and the audit log are keyed by the accounts' natural
/// keys (`git:<hash>`, a login), never by row ids, so decisions survive a re-ingest.
const IDENTITY: &str = r#"
ALTER TABLE people ADD COLUMN member_of INTEGER;
-- why this account is not a person (an import identity, an AI co-author…), when it is not
ALTER TABLE people ADD COLUMN not_person TEXT;
CREATE INDEX IF NOT EXISTS people_member_of ON people(member_of) WHERE member_of IS NOT NULL;
-- names are compared for suggestions only ("same name as @login's profile")
CREATE INDEX IF NOT EXISTS people_name ON people(name COLLATE NOCASE) WHERE name IS NOT NULL;
ALTER TABLE contributions ADD COLUMN account_id INTEGER;
CREATE INDEX IF NOT EXISTS contributions_account ON contributions(account_id) WHERE account_id IS NOT NULL;
-- One vote per piece of evidence: git identity `account` authored work that GitHub credits
-- to `login` (the second parent of a `Merge pull request #N from login:branch`, a squash
-- commit `(#N)` of login's PR).
CREATE TABLE IF NOT EXISTS identity_votes(
    account TEXT NOT NULL,
    login TEXT NOT NULL COLLATE NOCASE,
    method TEXT NOT NULL,
    evidence TEXT NOT NULL,
    PRIMARY KEY(account, login, method, evidence)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS identity_votes_login ON identity_votes(login);
-- A link between an account and the person (named by GitHub login, or by another account's
-- key) it belongs to: how it is known, the evidence, and its state: proven, auto or
-- suggested (builtby's), confirmed or rejected (a person's decision, which builtby never
-- overrides).
CREATE TABLE IF NOT EXISTS identity_links(
    account TEXT NOT NULL,
    person TEXT NOT NULL COLLATE NOCASE,
    method TEXT NOT NULL,
    evidence TEXT NOT NULL,
    confidence REAL NOT NULL,
    state TEXT NOT NULL,
    at INTEGER NOT NULL,
    by TEXT NOT NULL,
    PRIMARY KEY(account, person)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS identity_links_person ON identity_links(person);
-- A locked person (by key) is never changed automatically.
CREATE TABLE IF NOT EXISTS identity_locks(
    person TEXT PRIMARY KEY COLLATE NOCASE,
    at INTEGER NOT NULL,
    by TEXT NOT NULL,
    why TEXT NOT NULL
) WITHOUT ROWID;
-- Every identity change: who, when, why, before and after.
CREATE TABLE IF NOT EXISTS identity_log(
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    by TEXT NOT NULL,
    action TEXT NOT NULL,
    account TEXT NOT NULL,
    before TEXT,
    after TEXT,
    why TEXT NOT NULL
);
-- Git histories are read again under this model (every git identity an account, its commits
-- remembering it): git work, its derived rows and the git side of the ingest log go, and
-- the next `ingest git` reads each history whole. GH Archive and API work stays.
INSERT INTO contributions_fts(contributions_fts, rowid, title, body)
    SELECT 'delete', id, title, body FROM contributions
    WHERE kind IN (10, 11, 12, 13) AND (title IS NOT NULL OR body IS NOT NULL);
DELETE FROM contribution_paths WHERE contribution_id IN (SELECT id FROM contributions WHERE kind IN (10, 11, 12, 13));
DELETE FROM contributions WHERE kind IN (10, 11, 12, 13);
DELETE FROM rollup WHERE kind IN (10, 11, 12, 13);
DELETE FROM repo_people;
INSERT INTO repo_people(repo_id, person_id) SELECT DISTINCT repo_id, person_id FROM contributions WHERE kind IN (1, 3);
UPDATE repos SET contributors = (SELECT count(*) FROM repo_people WHERE repo_id = repos.id);
DELETE FROM git_commit_prs;
DELETE FROM git_repos;
DELETE FROM files WHERE source = 'git';
DELETE FROM people WHERE login LIKE 'git:%';
-- the account rows and `identity_links` replace these
DROP TABLE git_identities;
DROP TABLE identity_suggestions;
"#;

/// An input that ended early and was later loaded whole (the same file name, new bytes) is
/// superseded by that load: kept in the log (its bytes stay known), no longer counted.
const SUPERSEDED: &str = r#"
ALTER TABLE files ADD COLUMN superseded_by INTEGER;
"#;

/// Contributions are keyed by what the work is (`review/owner/name/<id>`), no longer by the
/// event that carried them (`gha:<event id>`). Old keys cannot be turned into new ones (a stored
/// row kept no review or comment id), so the work tables and the ingest log are emptied: the
/// next ingest of the same inputs loads them again under the new keys, and the HTTP cache goes
/// too so that a crawl fetches again instead of answering 304. People, their profiles and
/// normalised places stay.
const NATURAL_KEYS: &str = r#"
DELETE FROM contributions;
INSERT INTO contributions_fts(contributions_fts) VALUES ('delete-all');
DELETE FROM rollup;
DELETE FROM repo_people;
UPDATE repos SET contributors = 0;
DELETE FROM pointers;
DELETE FROM files;
DELETE FROM contribution_paths;
DELETE FROM git_commit_prs;
DELETE FROM git_repos;
DELETE FROM git_identities;
DELETE FROM http_cache;
DELETE FROM crawl_cursors;
"#;

/// The GitHub API side: profile and place columns on people, the HTTP cache, crawl cursors.
const SCHEMA_0002: &str = r#"
ALTER TABLE people ADD COLUMN loc_city TEXT;
ALTER TABLE people ADD COLUMN loc_region TEXT;
ALTER TABLE people ADD COLUMN loc_country TEXT;
ALTER TABLE people ADD COLUMN loc_metro TEXT;
ALTER TABLE people ADD COLUMN loc_confidence REAL;
-- the `location` text and normaliser version the loc_ columns were computed from
ALTER TABLE people ADD COLUMN loc_input TEXT;
ALTER TABLE people ADD COLUMN loc_version INTEGER;
CREATE INDEX IF NOT EXISTS people_loc_country ON people(loc_country);
CREATE INDEX IF NOT EXISTS people_loc_metro ON people(loc_metro);
ALTER TABLE people ADD COLUMN bio TEXT;
ALTER TABLE people ADD COLUMN twitter TEXT;
ALTER TABLE people ADD COLUMN hireable INTEGER;
ALTER TABLE people ADD COLUMN followers INTEGER;
ALTER TABLE people ADD COLUMN gh_created_at INTEGER;
-- when the profile was last fetched from the API, and how that went (ok, not_found)
ALTER TABLE people ADD COLUMN profile_fetched_at INTEGER;
ALTER TABLE people ADD COLUMN profile_status TEXT;
-- Conditional requests: the last 200 answer of each GET, replayed on 304.
CREATE TABLE IF NOT EXISTS http_cache(
    url TEXT PRIMARY KEY,
    etag TEXT,
    last_modified TEXT,
    body BLOB NOT NULL,
    link TEXT,
    fetched_at INTEGER NOT NULL
);
-- Per-repository crawl cursor: PRs updated up to `updated_at` are in.
CREATE TABLE IF NOT EXISTS crawl_cursors(
    repo TEXT PRIMARY KEY COLLATE NOCASE,
    updated_at INTEGER NOT NULL,
    crawled_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS pr_files(
    repo_id INTEGER NOT NULL, number INTEGER NOT NULL, path TEXT NOT NULL,
    additions INTEGER, deletions INTEGER,
    PRIMARY KEY(repo_id, number, path)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS contributions_pr ON contributions(repo_id, kind, number);
CREATE INDEX IF NOT EXISTS pointers_state ON pointers(state);
"#;

/// Indexes no query uses cost every write: with natural keys a PR's contribution is found by
/// its key (`contributions_pr`), and places are filtered for the people a search scored, by id
/// (`people_loc_*`: two index entries for every new person, most with no place at all).
const FEWER_INDEXES: &str = r#"
DROP INDEX IF EXISTS contributions_pr;
DROP INDEX IF EXISTS people_loc_country;
DROP INDEX IF EXISTS people_loc_metro;
"#;

/// Git histories: paths per contribution, where each repository's ingest stopped, identities
/// keyed by hashed e-mail (never the address), and unproven identity links as suggestions.
const GIT_SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS contribution_paths(
    repo_id INTEGER NOT NULL,
    path TEXT NOT NULL,
    contribution_id INTEGER NOT NULL,
    added INTEGER, deleted INTEGER,
    PRIMARY KEY(repo_id, path, contribution_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS contribution_paths_contribution ON contribution_paths(contribution_id);
-- Merged PRs by repository and number, so a commit finds its PR (kind 1 = pr_merged).
CREATE INDEX IF NOT EXISTS contributions_merged_pr ON contributions(repo_id, number) WHERE kind = 1;
-- Commits that name a PR, for linking when the PR arrives after the commit.
CREATE TABLE IF NOT EXISTS git_commit_prs(
    repo_id INTEGER NOT NULL, number INTEGER NOT NULL, contribution_id INTEGER NOT NULL,
    PRIMARY KEY(repo_id, number, contribution_id)
) WITHOUT ROWID;
-- Per repository: the tip the last ingest read up to.
CREATE TABLE IF NOT EXISTS git_repos(
    repo_id INTEGER PRIMARY KEY,
    path TEXT NOT NULL,
    tip TEXT NOT NULL,
    commits INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
-- A git identity (hashed e-mail) and the person its work is credited to; `proof` is
-- `noreply` (a GitHub noreply address), `pr` (the commit's PR is this person's), or `none`
-- (credited to a git-identity person shown by name only).
CREATE TABLE IF NOT EXISTS git_identities(
    email_hash TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    person_id INTEGER NOT NULL,
    proof TEXT NOT NULL,
    commits INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
-- Links not proven, kept for identity resolution to confirm: never merged silently.
CREATE TABLE IF NOT EXISTS identity_suggestions(
    email_hash TEXT NOT NULL,
    login TEXT NOT NULL,
    evidence TEXT NOT NULL,
    repo_id INTEGER,
    seen INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY(email_hash, login, evidence)
) WITHOUT ROWID;
"#;

/// The page cache a search reads through, on every connection (the writer's and the read-only
/// ones a server pools). SQLite's default is 2 MB per connection: a search over a store larger
/// than that read most pages from the file again (~230 `pread` calls per search on the shared
/// hours). Memory-mapping the file lets every pooled reader share the OS page cache with no
/// system call per page, and a 64 MB cache keeps what falls outside the map.
pub const MMAP_BYTES: i64 = 1 << 34;

/// Read-side pragmas: the page cache and the memory map ([`MMAP_BYTES`]; SQLite caps it at
/// its compile-time limit, 2 GB on Linux, and reads the rest of a larger file as before).
pub fn prepare_reader(conn: &Connection) -> Result<()> {
    // `rarray(?)`: a list of ids bound as one parameter (see `query::by_ids`)
    rusqlite::vtab::array::load_module(conn)?;
    conn.pragma_update(None, "cache_size", -65536)?;
    conn.pragma_update(None, "mmap_size", MMAP_BYTES)?;
    if std::env::var_os(SQL_PROFILE_ENV).is_some() {
        conn.trace_v2(
            rusqlite::trace::TraceEventCodes::SQLITE_TRACE_PROFILE,
            Some(profile_line),
        );
    }
    Ok(())
}

/// With this variable set, every statement any connection runs is printed to stderr when it
/// ends, as `sql-profile<TAB>microseconds<TAB>SQL on one line`: what found the statements
/// worth an index (sum the second column by the third).
pub const SQL_PROFILE_ENV: &str = "BUILTBY_SQL_PROFILE";

fn profile_line(event: rusqlite::trace::TraceEvent<'_>) {
    if let rusqlite::trace::TraceEvent::Profile(stmt, took) = event {
        let sql = stmt.sql();
        let sql: String = sql.split_whitespace().collect::<Vec<_>>().join(" ");
        eprintln!("sql-profile\t{}\t{sql}", took.as_micros());
    }
}

/// Pragmas and tables. WAL lets readers in other processes go on while a writer loads;
/// `busy_timeout` makes a second writer wait instead of failing.
pub fn prepare(conn: &mut Connection) -> Result<()> {
    conn.busy_timeout(std::time::Duration::from_secs(30))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    prepare_reader(conn)?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    // Fewer, larger checkpoints: ingest writes in bursts of one file per transaction.
    conn.pragma_update(None, "wal_autocheckpoint", 8192)?;
    // A row's old bytes are zeroed in its page when it is updated or deleted (at no extra
    // I/O: the page is written anyway), so what an update replaced or an erasure deleted does
    // not linger in the file's free space.
    conn.pragma_update(None, "secure_delete", "FAST")?;
    conn.execute_batch("CREATE TABLE IF NOT EXISTS schema_migrations(name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)")?;
    // Only migrations not applied take the write lock (checked again inside it): opening a
    // current store for writing does not wait for another process's write (an ingest's
    // file), so the audit log can be appended to while an ingest runs.
    let missing = missing_migrations(conn)?;
    for (name, sql) in MIGRATIONS {
        if !missing.iter().any(|m| m == name) {
            continue;
        }
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let done: bool = tx.query_row(
            "SELECT count(*) FROM schema_migrations WHERE name = ?1",
            [name],
            |r| r.get(0),
        )?;
        if !done {
            tx.execute_batch(sql)?;
            if let Some(step) = rust_step(name) {
                step(&tx)?;
            }
            tx.execute(
                "INSERT INTO schema_migrations(name, applied_at) VALUES (?1, strftime('%s','now'))",
                [name],
            )?;
        }
        tx.commit()?;
    }
    Ok(())
}

/// Names of migrations the store has that this build does not know: it was written by a newer
/// builtby.
pub fn unknown_migrations(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare("SELECT name FROM schema_migrations ORDER BY name")?;
    let names = stmt
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<Result<Vec<_>>>()?;
    Ok(names
        .into_iter()
        .filter(|n| !MIGRATIONS.iter().any(|(m, _)| m == n))
        .collect())
}

/// Names of this build's migrations the store has not applied (an older store).
pub fn missing_migrations(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare("SELECT name FROM schema_migrations")?;
    let names = stmt
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<Result<Vec<_>>>()?;
    Ok(MIGRATIONS
        .iter()
        .filter(|(m, _)| !names.iter().any(|n| n == m))
        .map(|(m, _)| m.to_string())
        .collect())
}
