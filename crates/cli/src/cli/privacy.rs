//! Arguments of `builtby optout …`, `builtby erase` and `builtby audit`.

use clap::{Args as ClapArgs, Subcommand};

#[derive(Subcommand, Debug)]
pub enum OptoutVerb {
    /// Leave a person out of builtby: their records are not stored again and they appear in no answer
    #[command(
        after_help = "ACCOUNT is a GitHub login (or https://github.com/LOGIN), hf:NAME (a Hugging Face user, or https://huggingface.co/NAME) or kaggle:NAME.\nThe accounts linked to the same person (git identities, Hugging Face, Kaggle), their former logins and their GitHub id are suppressed with it.\nThe suppression list keeps a keyed hash of each account, never the login; it survives `builtby erase` and re-ingesting everything.\n\nExamples:\n  builtby optout add some-login --reason \"asked by mail on 2026-03-02\"\n  builtby optout add hf:some-name"
    )]
    Add(OptoutAddArgs),
    /// The suppression list: one keyed hash per opt-out (no login), when, by whom, why
    List(OptoutListArgs),
    /// Take an account off the suppression list (logged in the audit log); its person shows again if their work is still stored
    Remove(OptoutRemoveArgs),
}

#[derive(ClapArgs, Debug)]
pub struct OptoutAddArgs {
    /// A GitHub login, hf:NAME or kaggle:NAME
    pub account: String,
    /// Why (kept with the entry; do not write the login or an e-mail address here)
    #[arg(long, value_name = "TEXT")]
    pub reason: Option<String>,
    /// Print JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(ClapArgs, Debug)]
pub struct OptoutListArgs {
    /// Print JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(ClapArgs, Debug)]
pub struct OptoutRemoveArgs {
    /// A GitHub login, hf:NAME or kaggle:NAME
    pub account: String,
}

#[derive(ClapArgs, Debug)]
pub struct EraseArgs {
    /// The person: a GitHub login (current or former), hf:NAME, kaggle:NAME or git:<key>
    pub person: String,
    /// Then rewrite the whole database file (VACUUM), so that nothing of theirs stays in its free space even from before this builtby zeroed replaced rows; takes as long as copying the file
    #[arg(long)]
    pub vacuum: bool,
    /// Print JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(ClapArgs, Debug)]
pub struct AuditArgs {
    /// Only entries from this date (2026-01-31) or this long ago (30d, 12m)
    #[arg(long, value_name = "WHEN")]
    pub since: Option<String>,
    /// Only this action (search, person, export, optout.add, erase…) or family (identity, optout)
    #[arg(long, value_name = "ACTION")]
    pub action: Option<String>,
    /// Only this actor (an OS user, or an API token's name)
    #[arg(long, value_name = "NAME")]
    pub actor: Option<String>,
    /// Only entries about this person (a GitHub login, hf:NAME, kaggle:NAME)
    #[arg(long, value_name = "ACCOUNT")]
    pub person: Option<String>,
    /// At most this many entries, the newest (listed oldest first), 1 to 10000
    #[arg(long, value_name = "N", default_value_t = 200)]
    pub limit: u32,
    /// Print JSON
    #[arg(long)]
    pub json: bool,
}
