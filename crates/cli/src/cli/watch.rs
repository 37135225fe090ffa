//! Arguments of `builtby watch …`: saved searches with alerts.

use clap::{Args as ClapArgs, Subcommand};

#[derive(Subcommand, Debug)]
pub enum WatchVerb {
    /// Save a search: NAME, then `--`, then the arguments `builtby search` takes (checked as it checks them)
    #[command(
        after_help = "Examples:\n  builtby watch add pytorch-dist -- --ecosystem pytorch --area \"distributed training\" --kind pr_merged --since 12m\n  builtby watch add berlin-jax --min-score 2 -- --repo jax-ml/jax --location berlin --limit 50\n  builtby watch add hf-models --webhook https://hooks.example.com/T0/B0/XyZ -- --source huggingface --min-downloads 10000\n\nA person qualifies when they are among the results the search shows (its top --limit, 20 by default) and, with --min-score, score at least that.\nThe search is rebuilt at each run from the arguments as typed: --since 12m counts back from that run's day."
    )]
    Add(WatchAddArgs),
    /// Saved searches, each with how many people are new and dropped out since its last run (nothing is saved)
    List(WatchListArgs),
    /// One saved search: its search, its rule, and who qualified at its last run
    Show(WatchShowArgs),
    /// Remove a saved search and what its last run found
    Remove(WatchNameArgs),
    /// Run saved searches (all, or NAME): who newly qualifies since the last run and why, who dropped out; saves the run and sends the webhook
    #[command(
        after_help = "Examples:\n  builtby ingest gharchive ~/gharchive/2024-05-22-*.json.gz\n  builtby watch run\n  builtby watch run pytorch-dist --json\n\nThe first run lists everyone who qualifies as new. Each run is saved: the next one compares with it.\nWith a webhook and any change, a JSON summary (logins, names, links and scores; never a location, evidence text or e-mail address) is POSTed to it, with up to 4 attempts and exponential backoff. If it cannot be delivered, the run is not saved (the next run reports the same changes again) and the exit status is 1. --no-webhook saves the run without sending anything.\nExit status: 0 when every run was saved, 1 when one was not (a webhook failed, another run of it was saved meanwhile), 2 for usage errors."
    )]
    Run(WatchRunArgs),
}

#[derive(ClapArgs, Debug)]
pub struct WatchAddArgs {
    /// A name: 1 to 64 letters, digits, `-`, `_` or `.`
    pub name: String,
    /// A person qualifies only with at least this score (besides being in the results shown)
    #[arg(long, value_name = "SCORE")]
    pub min_score: Option<String>,
    /// POST a JSON summary here after a run with changes (http or https)
    #[arg(long, value_name = "URL")]
    pub webhook: Option<String>,
    /// The search, as `builtby search` takes it (after `--`)
    #[arg(last = true, value_name = "SEARCH ARGUMENTS")]
    pub search: Vec<String>,
}

#[derive(ClapArgs, Debug)]
pub struct WatchListArgs {
    /// Print JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(ClapArgs, Debug)]
pub struct WatchShowArgs {
    pub name: String,
    /// Print JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(ClapArgs, Debug)]
pub struct WatchNameArgs {
    pub name: String,
}

#[derive(ClapArgs, Debug)]
pub struct WatchRunArgs {
    /// Only this saved search [default: all of them]
    pub name: Option<String>,
    /// Print JSON (one run with NAME, else an array of runs)
    #[arg(long)]
    pub json: bool,
    /// Save the run without sending its webhook
    #[arg(long)]
    pub no_webhook: bool,
}
