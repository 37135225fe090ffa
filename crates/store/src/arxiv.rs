//! What the arXiv source needs from the store: a cursor per category and submission window
//! (so a killed crawl resumes where it stopped), and the people of a repository a paper links
//! to, with their names (so an author can be suggested as one of them).

use crate::{Batch, Result, Store};
use rusqlite::{params, Connection, OptionalExtension};

/// How far a category's window has been read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArxivCursor {
    /// The next result to ask for.
    pub next_start: u64,
    /// The window's results when last asked.
    pub total: Option<u64>,
    /// Read to its end, and old enough not to change: never asked again.
    pub done: bool,
}

/// One person with work in a repository, and the names their accounts go by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepoPerson {
    /// The person's key: their GitHub login, else their account's key (`git:<hash>`).
    pub key: String,
    /// `(name, account key)` of the person's own row and of each of its member accounts that
    /// has a name (a GitHub profile name, a git identity's name).
    pub names: Vec<(String, String)>,
}

const CURSOR_UPSERT: &str =
    "INSERT INTO arxiv_cursors(category, time_window, next_start, total, done, at)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6)
     ON CONFLICT DO UPDATE SET next_start = ?3, total = ?4, done = ?5, at = ?6";

fn now() -> i64 {
    builtby_model::time::now()
}

impl Store {
    pub fn arxiv_cursor(&self, category: &str, window: &str) -> Result<Option<ArxivCursor>> {
        self.conn
            .query_row(
                "SELECT next_start, total, done FROM arxiv_cursors WHERE category = ?1 AND time_window = ?2",
                params![category, window],
                |r| {
                    Ok(ArxivCursor {
                        next_start: r.get::<_, i64>(0)?.max(0) as u64,
                        total: r.get::<_, Option<i64>>(1)?.map(|t| t.max(0) as u64),
                        done: r.get(2)?,
                    })
                },
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    /// Moves a cursor without loading anything (a page whose records were already loaded).
    pub fn set_arxiv_cursor(
        &mut self,
        category: &str,
        window: &str,
        c: &ArxivCursor,
    ) -> Result<()> {
        self.conn
            .execute(
                CURSOR_UPSERT,
                params![
                    category,
                    window,
                    c.next_start as i64,
                    c.total.map(|t| t as i64),
                    c.done,
                    now()
                ],
            )
            .map(|_| ())
            .map_err(|e| self.err(e))
    }
}

impl Batch<'_> {
    /// Writes a cursor with this batch's records (both or neither).
    pub fn set_arxiv_cursor(
        &mut self,
        category: &str,
        window: &str,
        c: &ArxivCursor,
    ) -> Result<()> {
        self.tx()
            .prepare_cached(CURSOR_UPSERT)
            .and_then(|mut s| {
                s.execute(params![
                    category,
                    window,
                    c.next_start as i64,
                    c.total.map(|t| t as i64),
                    c.done,
                    now()
                ])
            })
            .map(|_| ())
            .map_err(|e| self.err(e))
    }

    /// The people with work in `repo`: see [`Store::repo_people_named`].
    pub fn repo_people_named(&self, repo: &str) -> Result<Vec<RepoPerson>> {
        repo_people_named(self.tx(), repo).map_err(|e| self.err(e))
    }
}

/// The people with work in `repo` (`owner/name`, any case) that counts for its breadth
/// (merged PRs, reviews, commits), with the names of their accounts; accounts that are not
/// people (import identities, AI co-authors) are left out. Empty when the store does not know
/// the repository.
fn repo_people_named(conn: &Connection, repo: &str) -> rusqlite::Result<Vec<RepoPerson>> {
    let mut st = conn.prepare_cached(
        "SELECT q.login, q.login, q.name FROM repos r JOIN repo_people rp ON rp.repo_id = r.id
         JOIN people q ON q.id = rp.person_id
         WHERE r.name = ?1 AND q.name IS NOT NULL AND q.not_person IS NULL
         UNION ALL
         SELECT q.login, p.login, p.name FROM repos r JOIN repo_people rp ON rp.repo_id = r.id
         JOIN people q ON q.id = rp.person_id
         JOIN people p INDEXED BY people_member_of ON p.member_of = q.id
         WHERE r.name = ?1 AND p.name IS NOT NULL AND p.not_person IS NULL AND q.not_person IS NULL
         ORDER BY 1, 2",
    )?;
    let rows = st.query_map([repo], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
        ))
    })?;
    let mut out: Vec<RepoPerson> = Vec::new();
    for row in rows {
        let (key, account, name) = row?;
        match out.last_mut() {
            Some(p) if p.key == key => p.names.push((name, account)),
            _ => out.push(RepoPerson {
                key,
                names: vec![(name, account)],
            }),
        }
    }
    Ok(out)
}

/// A stored paper that links a GitHub repository, with its authors' accounts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaperWithCode {
    /// `https://arxiv.org/abs/<id>`.
    pub url: String,
    pub code_url: String,
    /// `(account key, name as written)` of each author.
    pub authors: Vec<(String, String)>,
}

impl Store {
    /// The people with work in `repo` (`owner/name`, any case) that counts for its breadth
    /// (merged PRs, reviews, commits), with the names of their accounts; accounts that are not
    /// people (import identities, AI co-authors) are left out. Empty when the store does not
    /// know the repository.
    pub fn repo_people_named(&self, repo: &str) -> Result<Vec<RepoPerson>> {
        repo_people_named(&self.conn, repo).map_err(|e| self.err(e))
    }

    /// Every stored arXiv paper whose measures name a code URL, in a stable order.
    pub fn papers_with_code(&self) -> Result<Vec<PaperWithCode>> {
        let e = |e| self.err(e);
        let mut st = self
            .conn
            .prepare(
                "SELECT c.url, c.measures, p.login, coalesce(p.name, '') FROM contributions c
                 JOIN people p ON p.id = coalesce(c.account_id, c.person_id)
                 WHERE c.kind = ?1 AND c.measures LIKE '%\"code_url\"%' AND c.url IS NOT NULL
                 ORDER BY c.url, c.id",
            )
            .map_err(e)?;
        let rows = st
            .query_map([builtby_model::Kind::Paper.code()], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                ))
            })
            .map_err(e)?;
        let mut out: Vec<PaperWithCode> = Vec::new();
        for row in rows {
            let (url, measures, account, name) = row.map_err(e)?;
            let Some(code_url) = serde_json::from_str::<builtby_model::Measures>(&measures)
                .ok()
                .and_then(|m| m.code_url)
            else {
                continue;
            };
            match out.last_mut() {
                Some(p) if p.url == url => p.authors.push((account, name)),
                _ => out.push(PaperWithCode {
                    url,
                    code_url,
                    authors: vec![(account, name)],
                }),
            }
        }
        Ok(out)
    }

    /// True when a link or suggestion between these two is stored, whatever its state.
    pub fn identity_link_exists(&self, account: &str, person: &str) -> Result<bool> {
        self.conn
            .query_row(
                "SELECT 1 FROM identity_links WHERE account = ?1 AND person = ?2",
                params![account, person],
                |_| Ok(()),
            )
            .optional()
            .map(|o| o.is_some())
            .map_err(|e| self.err(e))
    }
}
