//! Arguments of `builtby identity …`: who decides, about which account and person.

use clap::{Args as ClapArgs, Subcommand};

#[derive(Subcommand, Debug)]
pub enum IdentityVerb {
    /// A person's accounts, each with its links: method, evidence, confidence, state
    Show(IdentityShowArgs),
    /// Pending suggestions, best first
    Suggest(IdentitySuggestArgs),
    /// Link an account to a person (confirmed: applied now and after every re-ingest)
    Link(IdentityLinkArgs),
    /// Take an account out of its person (never linked back automatically)
    Unlink(IdentityAccountArgs),
    /// Every account of a person stands alone again
    Split(IdentityPersonArgs),
    /// Never change this person's accounts automatically
    Lock(IdentityPersonArgs),
    /// Undo a lock
    Unlock(IdentityPersonArgs),
    /// Reject a suggested (or automatic) link: never offered or applied again
    Reject(IdentityLinkArgs),
    /// The audit log of identity changes, newest first
    Log(IdentityLogArgs),
    /// Re-decide every git identity from its evidence and the decisions about it
    Resolve(IdentityJsonArgs),
}

#[derive(ClapArgs, Debug)]
pub struct IdentityJsonArgs {
    /// Print JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(ClapArgs, Debug)]
pub struct IdentityShowArgs {
    /// A GitHub login or a git identity (`git:<key>`)
    pub person: String,
    /// Print JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(ClapArgs, Debug)]
pub struct IdentitySuggestArgs {
    /// Only accounts with work in this repository (owner/name)
    #[arg(long, value_name = "OWNER/NAME")]
    pub repo: Option<String>,
    /// At most this many suggestions
    #[arg(long, default_value_t = 50)]
    pub limit: u32,
    /// Print JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(ClapArgs, Debug)]
pub struct Decision {
    /// Why (kept in the audit log)
    #[arg(long, default_value = "")]
    pub why: String,
    /// Who decides [default: $USER]
    #[arg(long)]
    pub by: Option<String>,
}

#[derive(ClapArgs, Debug)]
pub struct IdentityLinkArgs {
    /// The account: a git identity (`git:<key>`) or a GitHub login
    pub account: String,
    /// The person: a GitHub login (or another account's key)
    pub person: String,
    #[command(flatten)]
    pub decision: Decision,
}

#[derive(ClapArgs, Debug)]
pub struct IdentityAccountArgs {
    /// The account: a git identity (`git:<key>`) or a GitHub login
    pub account: String,
    #[command(flatten)]
    pub decision: Decision,
}

#[derive(ClapArgs, Debug)]
pub struct IdentityPersonArgs {
    /// The person: a GitHub login, or a git identity (`git:<key>`)
    pub person: String,
    #[command(flatten)]
    pub decision: Decision,
}

#[derive(ClapArgs, Debug)]
pub struct IdentityLogArgs {
    /// At most this many entries
    #[arg(long, default_value_t = 50)]
    pub limit: u32,
    /// Print JSON
    #[arg(long)]
    pub json: bool,
}
