//! Search: which people did the work a recruiter asks about, ranked, with the evidence.
//!
//! A search is three steps, one module each:
//! - [`query`] turns filters (repositories, ecosystems, kinds, dates, words, location) into a
//!   store scope, rejecting bad input with errors that name the parameter;
//! - the store aggregates its rollup into per-person cells (counts per repository, kind and
//!   30-day bucket), cheap whatever the number of events;
//! - [`rank`] scores each person with a short ordered list of rules; each rule returns a
//!   [`rank::ScoreDetail`] listing the counts it used, so every number can be explained, and
//!   evidence (links to the PRs and reviews) is fetched only for the people shown.
//!
//! [`catalog`] says which repositories make up an ecosystem and how much scrutiny their
//! review applies; it ships with builtby and users extend it with their own TOML file.
//!
//! After a search, the recruiter's side: [`outreach`] drafts a first line citing a person's
//! work in the search's own scope (restricted to them), and [`shortlist`] joins the store's
//! shortlists to the people as loaded, exports them (builtby's CSV and JSON, Greenhouse's and
//! Lever's import columns) and reads an ATS export. The data flows one way: sources →
//! contributions → store → search → outreach and exports.

pub mod areas;
pub mod ask;
pub mod catalog;
pub mod export;
mod fold;
pub mod outreach;
pub mod person;
pub mod place;
mod pruned;
pub mod query;
pub mod rank;
pub mod ranking;
mod results;
pub mod role;
pub mod role_features;
mod run;
pub mod shortlist;
pub mod standing;
pub mod watch;

pub use catalog::Catalog;
pub use query::{Query, QueryError};
pub use results::{
    display_name, measures_text, thousands, AlsoLikely, Evidence, Likely, SearchResult,
    SearchResults,
};
pub use role::{Role, RoleGuess};
pub use run::{search, search_scoring_everyone, SearchError};
pub use standing::Standing;

use builtby_model::Kind;

/// The order evidence is listed in, strongest first: the work that holds up (merged PRs,
/// commits on the default branch, reviews) before what anyone can do (comments, issues).
pub const EVIDENCE_ORDER: [Kind; 20] = [
    Kind::PrMerged,
    Kind::PrRevised,
    Kind::Commit,
    Kind::Model,
    Kind::Paper,
    Kind::KaggleTier,
    Kind::KaggleMedal,
    Kind::Review,
    Kind::PrOpened,
    Kind::CoAuthored,
    Kind::CommitReview,
    Kind::ReviewComment,
    Kind::PrCommit,
    Kind::MemberAdded,
    Kind::Release,
    Kind::IssueComment,
    Kind::IssueOpened,
    Kind::PrClosedUnmerged,
    Kind::Notebook,
    Kind::Push,
];

#[cfg(test)]
mod tests {
    use super::*;

    /// A kind appended to the model must be placed in the evidence order.
    #[test]
    fn evidence_order_lists_every_kind_once() {
        let mut listed = EVIDENCE_ORDER.to_vec();
        listed.sort();
        listed.dedup();
        let mut all = Kind::ALL.to_vec();
        all.sort();
        assert_eq!(listed, all);
    }
}
