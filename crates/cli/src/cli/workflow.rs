//! Arguments of the recruiter workflow: `builtby shortlist …`, `builtby outreach`,
//! `builtby ats …`.

use clap::{Args as ClapArgs, Subcommand};
use std::path::PathBuf;

pub const SHORTLIST_HELP: &str = "Examples:\n  builtby shortlist create \"ML infra\" --search --repo pytorch/pytorch --area \"distributed training\"\n  builtby shortlist add \"ML infra\" ana bo --note \"from the FSDP search\"\n  builtby shortlist status \"ML infra\" ana contacted\n  builtby shortlist note \"ML infra\" bo \"prefers async, ask in March\"\n  builtby shortlist show \"ML infra\"\n  builtby shortlist export \"ML infra\" --format greenhouse > ml-infra.csv\n\nStatuses: new, contacted, replied, interviewing, declined, hired.\nLists are kept in the store by name, and people by login (a renamed person is still found): they survive re-ingesting everything.\nExports: csv (builtby's columns), json, greenhouse and lever (their candidate-import spreadsheets: name, GitHub URL, location, source \"builtby\", tags, notes with the drafted first line). No export has an e-mail column.\nbuiltby never finds or stores an e-mail address and never sends anything.";

pub const OUTREACH_HELP: &str = "The first line cites the person's most specific, recent work in the searched scope, with its link: a merged PR (\"I saw your PR to PyTorch's distributed training (#123, 'Add …', merged March 2026).\"), else a substantive review (quoting a few words), a model (its downloads), a paper, a Kaggle result, a commit.\nThe draft leads with your problem (--problem), then why this person (the cited work), then an ask.\n\nExamples:\n  builtby outreach ana --problem \"Our training runs stall on checkpoint writes at 4k GPUs.\" --search --repo pytorch/pytorch --area \"distributed training\"\n  builtby outreach ana --shortlist \"ML infra\"\n  builtby outreach ana --template team-voice.txt --json --search 'repo=pytorch/pytorch&since=12m'\n\n--search takes the rest of the command line (the flags of `builtby search`, or one query string as the API takes it): put it last.\nTemplates are plain text with placeholders: {first_line} {cite} {link} {problem} {name} {first_name} {login} {place} {title} {when}; {{ and }} are literal braces. An unknown placeholder is an error naming it. Without --template, the shipped one is used.\n\nbuiltby never finds or stores an e-mail address and never sends anything: the draft is text for you to copy into your own mail.";

pub const ATS_HELP: &str = "Examples:\n  builtby ats import greenhouse-export.csv\n  builtby ats import pipeline.csv --replace\n  builtby search --ecosystem jax --not-in-ats\n\nEach row is matched by a GitHub login column (GitHub, GitHub username, login…) or a github.com profile link in any column. Only the login and where it was read (file:line) are stored: nothing else from the file, never an e-mail address. Rows that named no GitHub account, or an account nobody loaded has, are listed by line.";

#[derive(Subcommand, Debug)]
pub enum ShortlistVerb {
    /// Make a list
    Create(ShortlistCreateArgs),
    /// Add people (GitHub logins, or account keys such as git:<key>) to a list
    Add(ShortlistAddArgs),
    /// Set where a person stands: new, contacted, replied, interviewing, declined, hired
    Status(ShortlistStatusArgs),
    /// Replace a person's note (an empty one clears it)
    Note(ShortlistNoteArgs),
    /// A list's people with their status and note
    Show(ShortlistShowArgs),
    /// Take a person off a list
    Remove(ShortlistPersonArgs),
    /// Every list, with how many people are at each status
    List(ShortlistListArgs),
    /// Delete a list and its entries
    Delete(ShortlistNameArgs),
    /// Write a list as CSV, JSON, or Greenhouse's or Lever's import spreadsheet (to stdout, or --output)
    #[command(
        after_help = "Formats:\n  csv         shortlist, login, name, status, note, profile_url, location, company, in_ats, added_at, updated_at, first_line, link, source\n  json        the list with each person's first line and the evidence it cites\n  greenhouse  First Name, Last Name, Company, Address, Social Media (the GitHub URL), Source (builtby), Tags, Notes\n  lever       Full name, Location, Links, Tags, Sources (builtby), Origin (Sourced), Stage (New Lead), Note\n\nThe first line of each person cites work in the scope of the search they were added from (or the list's). No e-mail column: builtby never finds or stores one."
    )]
    Export(ShortlistExportArgs),
}

#[derive(ClapArgs, Debug)]
pub struct ShortlistNameArgs {
    /// The list's name (any case)
    pub name: String,
}

#[derive(ClapArgs, Debug)]
pub struct ShortlistCreateArgs {
    /// The list's name: letters, digits, spaces, - or _ (no /)
    pub name: String,
    /// The search this list is for: the flags of `builtby search` (or one query string), to the end of the line. First lines drafted for its people cite work in that scope
    #[arg(long, num_args = 1.., allow_hyphen_values = true, value_name = "ARGS")]
    pub search: Vec<String>,
}

#[derive(ClapArgs, Debug)]
pub struct ShortlistAddArgs {
    pub name: String,
    /// GitHub logins (current or former) or account keys
    #[arg(required = true, value_name = "PERSON")]
    pub people: Vec<String>,
    /// A note for each of them (replaces the note of anyone already on the list)
    #[arg(long, value_name = "TEXT")]
    pub note: Option<String>,
    /// The search they were found with (flags of `builtby search`, or a query string), to the end of the line
    #[arg(long, num_args = 1.., allow_hyphen_values = true, value_name = "ARGS")]
    pub search: Vec<String>,
}

#[derive(ClapArgs, Debug)]
pub struct ShortlistStatusArgs {
    pub name: String,
    pub person: String,
    /// new, contacted, replied, interviewing, declined or hired
    pub status: String,
}

#[derive(ClapArgs, Debug)]
pub struct ShortlistNoteArgs {
    pub name: String,
    pub person: String,
    /// The note (no e-mail addresses: they are removed)
    pub text: String,
}

#[derive(ClapArgs, Debug)]
pub struct ShortlistPersonArgs {
    pub name: String,
    pub person: String,
}

#[derive(ClapArgs, Debug)]
pub struct ShortlistShowArgs {
    pub name: String,
    /// Print JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(ClapArgs, Debug)]
pub struct ShortlistListArgs {
    /// Print JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(ClapArgs, Debug)]
pub struct ShortlistExportArgs {
    pub name: String,
    /// csv, json, greenhouse or lever
    #[arg(long, default_value = "csv", value_name = "FORMAT")]
    pub format: String,
    /// Write to this file instead of stdout
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(ClapArgs, Debug)]
pub struct OutreachArgs {
    /// A GitHub login (current or former) or an account key
    pub person: String,
    /// The company's problem, in a sentence or two: the draft leads with it
    #[arg(long, value_name = "TEXT")]
    pub problem: Option<String>,
    /// Your team's template (plain text with {first_line}, {problem}, {name}, {link}…) [default: the shipped one]
    #[arg(long, value_name = "FILE")]
    pub template: Option<PathBuf>,
    /// Cite work in the scope of the search the person was added to this list from (or the list's)
    #[arg(long, value_name = "NAME", conflicts_with = "search")]
    pub shortlist: Option<String>,
    /// Print JSON (the first line, the evidence it cites, the draft)
    #[arg(long)]
    pub json: bool,
    /// Cite work in this search's scope: the flags of `builtby search` (or one query string), to the end of the line [default: the person's whole record]
    #[arg(long, num_args = 1.., allow_hyphen_values = true, value_name = "ARGS")]
    pub search: Vec<String>,
}

#[derive(Subcommand, Debug)]
pub enum AtsVerb {
    /// Load the people already in your pipeline from an ATS's CSV export (matched by GitHub URL or login)
    Import(AtsImportArgs),
    /// The GitHub logins loaded from ATS exports, with the file and line each came from
    List(AtsListArgs),
}

#[derive(ClapArgs, Debug)]
pub struct AtsImportArgs {
    /// The CSV export (UTF-8, a header line first)
    pub file: PathBuf,
    /// The file is the whole pipeline: remove the logins imported before
    #[arg(long)]
    pub replace: bool,
    /// Print JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(ClapArgs, Debug)]
pub struct AtsListArgs {
    /// Print JSON
    #[arg(long)]
    pub json: bool,
}
