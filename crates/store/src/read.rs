//! [`Read`]: the read side searches, person pages and exports use, as a trait now that a
//! second backend exists. [`Store`] (SQLite) implements it with its own methods of the same
//! names; `builtby_clickhouse::ClickHouse` implements it over a ClickHouse server that
//! mirrors the store (see that crate). Workflow state (shortlists, watches, the audit log,
//! opt-outs, the ATS list) is not part of it except the ATS logins a search marks people
//! with: it stays in SQLite whatever the backend.
//!
//! Every method returns the same rows, in the same order, from either backend: what the
//! SQLite methods document is the contract.

use crate::{Cell, CellQuery, EvidenceQuery, EvidenceRow, MeasuredRow, PathClassCount};
use crate::{PathScope, PersonPath, PersonRow, Place, Result, Store};
use builtby_model::Kind;
use std::collections::{HashMap, HashSet};

/// What search, person pages and `export counts` read. See each [`Store`] method of the same
/// name for what it returns.
pub trait Read {
    /// [`Store::cells`]
    fn cells(&self, q: &CellQuery) -> Result<Vec<Cell>>;
    /// [`Store::evidence`]
    fn evidence(&self, q: &EvidenceQuery) -> Result<Vec<EvidenceRow>>;
    /// [`Store::evidence_many`]: by default, [`Read::evidence`] for each person.
    fn evidence_many(
        &self,
        person_ids: &[i64],
        q: &EvidenceQuery,
    ) -> Result<HashMap<i64, Vec<EvidenceRow>>> {
        let mut out = HashMap::new();
        for &p in person_ids {
            let one = EvidenceQuery {
                person_id: p,
                ..q.clone()
            };
            out.insert(p, self.evidence(&one)?);
        }
        Ok(out)
    }
    /// [`Store::people`]: never a person who opted out.
    fn people(&self, ids: &[i64]) -> Result<Vec<PersonRow>>;
    /// [`Store::places`]
    fn places(&self, ids: &[i64]) -> Result<HashMap<i64, Place>>;
    /// [`Store::measured`]
    fn measured(&self, person_ids: &[i64], until: i64) -> Result<Vec<MeasuredRow>>;
    /// [`Store::repos`]
    fn repos(&self, ids: &[i64]) -> Result<Vec<(i64, String, i64)>>;
    /// [`Store::repos_matching`]
    fn repos_matching(&self, patterns: &[String]) -> Result<Vec<(i64, String)>>;
    /// [`Store::has_paths`]
    fn has_paths(&self, scopes: &[PathScope]) -> Result<bool>;
    /// [`Store::person_by_login`]
    fn person_by_login(&self, login: &str) -> Result<Option<i64>>;
    /// [`Store::likely_logins`]: never a login of someone who opted out.
    fn likely_logins(&self, ids: &[i64]) -> Result<HashMap<i64, (String, String)>>;
    /// [`Store::ats_logins`] (workflow state: always the SQLite store's).
    fn ats_logins(&self) -> Result<HashSet<String>>;
    /// [`Store::kind_totals`]
    fn kind_totals(&self, person_ids: &[i64], until: i64) -> Result<Vec<(i64, i64, Kind, i64)>>;
    /// [`Store::count_with_any_word`]
    fn count_with_any_word(
        &self,
        person_ids: &[i64],
        words: &[&str],
        with_body: bool,
        kinds: &[Kind],
        until: i64,
    ) -> Result<Vec<(i64, i64, i64)>>;
    /// [`Store::studied_repos`]
    fn studied_repos(&self) -> Result<HashSet<i64>>;
    /// [`Store::path_classes`]
    fn path_classes(&self, person_ids: &[i64]) -> Result<Vec<PathClassCount>>;
    /// [`Store::person_cells`]
    fn person_cells(&self, person_id: i64) -> Result<Vec<(String, Kind, i64, i64)>>;
    /// [`Store::person_paths`]
    fn person_paths(&self, person_id: i64, limit: u32) -> Result<Vec<PersonPath>>;
    /// [`Store::each_count`]: never a person who opted out.
    fn each_count(&self, f: &mut dyn FnMut(&str, bool, &str, Kind, i64)) -> Result<()>;
    /// The SQLite store itself, when this is it: what the materialised ranking (kept in
    /// SQLite, not mirrored) is read from. Other backends score every search's scope.
    fn sqlite(&self) -> Option<&Store> {
        None
    }
}

impl Read for Store {
    fn sqlite(&self) -> Option<&Store> {
        Some(self)
    }
    fn cells(&self, q: &CellQuery) -> Result<Vec<Cell>> {
        Store::cells(self, q)
    }
    fn evidence(&self, q: &EvidenceQuery) -> Result<Vec<EvidenceRow>> {
        Store::evidence(self, q)
    }
    fn evidence_many(
        &self,
        person_ids: &[i64],
        q: &EvidenceQuery,
    ) -> Result<HashMap<i64, Vec<EvidenceRow>>> {
        Store::evidence_many(self, person_ids, q)
    }
    fn people(&self, ids: &[i64]) -> Result<Vec<PersonRow>> {
        Store::people(self, ids)
    }
    fn places(&self, ids: &[i64]) -> Result<HashMap<i64, Place>> {
        Store::places(self, ids)
    }
    fn measured(&self, person_ids: &[i64], until: i64) -> Result<Vec<MeasuredRow>> {
        Store::measured(self, person_ids, until)
    }
    fn repos(&self, ids: &[i64]) -> Result<Vec<(i64, String, i64)>> {
        Store::repos(self, ids)
    }
    fn repos_matching(&self, patterns: &[String]) -> Result<Vec<(i64, String)>> {
        Store::repos_matching(self, patterns)
    }
    fn has_paths(&self, scopes: &[PathScope]) -> Result<bool> {
        Store::has_paths(self, scopes)
    }
    fn person_by_login(&self, login: &str) -> Result<Option<i64>> {
        Store::person_by_login(self, login)
    }
    fn likely_logins(&self, ids: &[i64]) -> Result<HashMap<i64, (String, String)>> {
        Store::likely_logins(self, ids)
    }
    fn ats_logins(&self) -> Result<HashSet<String>> {
        Store::ats_logins(self)
    }
    fn kind_totals(&self, person_ids: &[i64], until: i64) -> Result<Vec<(i64, i64, Kind, i64)>> {
        Store::kind_totals(self, person_ids, until)
    }
    fn count_with_any_word(
        &self,
        person_ids: &[i64],
        words: &[&str],
        with_body: bool,
        kinds: &[Kind],
        until: i64,
    ) -> Result<Vec<(i64, i64, i64)>> {
        Store::count_with_any_word(self, person_ids, words, with_body, kinds, until)
    }
    fn studied_repos(&self) -> Result<HashSet<i64>> {
        Store::studied_repos(self)
    }
    fn path_classes(&self, person_ids: &[i64]) -> Result<Vec<PathClassCount>> {
        Store::path_classes(self, person_ids)
    }
    fn person_cells(&self, person_id: i64) -> Result<Vec<(String, Kind, i64, i64)>> {
        Store::person_cells(self, person_id)
    }
    fn person_paths(&self, person_id: i64, limit: u32) -> Result<Vec<PersonPath>> {
        Store::person_paths(self, person_id, limit)
    }
    fn each_count(&self, f: &mut dyn FnMut(&str, bool, &str, Kind, i64)) -> Result<()> {
        Store::each_count(self, f)
    }
}
