//! The command line and the HTTP API build their queries with one builder
//! (`builtby_search::query::Params`): here every parameter goes through both front ends, from
//! the raw argv (clap) and from the raw query string (the server's parser), and must give the
//! same `Query`, or the same error naming the same parameter.

use crate::cli::{Args, Command};
use builtby_model::time::DAY;
use builtby_search::query::{Query, QueryError, PERSON_PARAMS, SEARCH_PARAMS};
use builtby_search::Catalog;
use clap::{CommandFactory, Parser};

/// A fixed "now", 2024-10-04, so relative times are reproducible.
const NOW: i64 = 20_000 * DAY;

fn argv(command: &[&str], params: &[(&str, &str)]) -> Vec<String> {
    let mut v: Vec<String> = ["builtby"]
        .iter()
        .chain(command)
        .map(|s| s.to_string())
        .collect();
    v.extend(
        params
            .iter()
            .map(|(n, val)| format!("--{}={val}", n.replace('_', "-"))),
    );
    v
}

fn query_string(params: &[(&str, &str)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params)
        .finish()
}

fn cli_search(c: &Catalog, params: &[(&str, &str)]) -> Result<Query, QueryError> {
    let argv = argv(&["search"], params);
    let args = Args::try_parse_from(&argv).unwrap_or_else(|e| panic!("{argv:?}: {e}"));
    let Command::Search(a) = args.command else {
        unreachable!()
    };
    a.query.params().build(c, NOW)
}

fn api_search(c: &Catalog, params: &[(&str, &str)]) -> Result<Query, QueryError> {
    builtby_server::api::search_query(c, Some(&query_string(params)), NOW)
}

fn cli_person(c: &Catalog, params: &[(&str, &str)]) -> Result<Query, QueryError> {
    let argv = argv(&["person", "ana"], params);
    let args = Args::try_parse_from(&argv).unwrap_or_else(|e| panic!("{argv:?}: {e}"));
    let Command::Person(a) = args.command else {
        unreachable!()
    };
    a.params().build_only(PERSON_PARAMS, c, NOW)
}

fn api_person(c: &Catalog, params: &[(&str, &str)]) -> Result<Query, QueryError> {
    builtby_server::api::person_query(c, Some(&query_string(params)), NOW)
}

/// A value for every search parameter, two for the repeatable ones, spelled unlike the
/// canonical form where the builder normalises (case, URL, `./`, aliases, commas).
const GOOD: &[(&str, &str)] = &[
    ("repo", "pytorch/pytorch"),
    ("repo", "https://github.com/huggingface/*"),
    ("ecosystem", "PyTorch"),
    ("ecosystem", "jax"),
    ("kind", "review"),
    ("kind", "pr_merged,review_comment"),
    ("since", "2024-01-31"),
    ("until", "2024-06-01T12:00:00Z"),
    ("text", "nccl timeout"),
    ("area", "distributed training"),
    ("area", "tests"),
    ("path", "./torch/distributed/"),
    ("location", "Berlin"),
    ("metro", "Bay Area"),
    ("country", "Germany"),
    ("limit", "50"),
    ("offset", "10"),
    ("include_bots", "true"),
    ("half_life", "3.5"),
    ("source", "HF"),
    ("source", "kaggle,github"),
    ("kaggle_tier", "Master"),
    ("min_downloads", "1000"),
    ("papers", "cs.LG"),
    ("role", "ML-Infra"),
    ("role", "researcher,data_scientist"),
    ("not_in_ats", "true"),
    ("as_of", "2024-07-01"),
];

#[test]
fn every_parameter_gives_the_same_query_from_the_cli_and_the_api() {
    let c = Catalog::shipped();
    let mut covered: Vec<&str> = GOOD.iter().map(|p| p.0).collect();
    covered.dedup();
    let all: Vec<&str> = SEARCH_PARAMS.iter().map(|p| p.0).collect();
    assert_eq!(covered, all, "GOOD must cover SEARCH_PARAMS, in its order");

    let default = api_search(&c, &[]).unwrap();
    assert_eq!(cli_search(&c, &[]).unwrap(), default);
    assert_eq!(default.as_of, NOW);
    for name in all {
        let one: Vec<(&str, &str)> = GOOD.iter().filter(|p| p.0 == name).copied().collect();
        let (cli, api) = (cli_search(&c, &one).unwrap(), api_search(&c, &one).unwrap());
        assert_eq!(cli, api, "{one:?}");
        assert_ne!(cli, default, "{one:?} changed nothing");
    }
    let (cli, api) = (cli_search(&c, GOOD).unwrap(), api_search(&c, GOOD).unwrap());
    assert_eq!(cli, api);
    assert_eq!(cli.ecosystems, ["pytorch", "jax"]);
    assert_eq!(cli.repos, ["pytorch/pytorch", "huggingface/*"]);
    assert_eq!(cli.paths, ["torch/distributed/"]);
    assert_eq!((cli.limit, cli.offset, cli.include_bots), (50, 10, true));
    // The order the parameters come in does not matter.
    let reversed: Vec<_> = GOOD.iter().rev().copied().collect();
    assert_eq!(api_search(&c, &reversed).unwrap().kinds.len(), 3);
    assert_eq!(cli_search(&c, &reversed).unwrap().as_of, cli.as_of);

    // A bare `--include-bots` is `include_bots=true`.
    let args = Args::try_parse_from(["builtby", "search", "--include-bots"]).unwrap();
    let Command::Search(a) = args.command else {
        unreachable!()
    };
    let bare = a.query.params().build(&c, NOW).unwrap();
    assert_eq!(bare, api_search(&c, &[("include_bots", "true")]).unwrap());
}

#[test]
fn relative_since_and_until_count_back_from_as_of_on_both() {
    let c = Catalog::shipped();
    let p = [("since", "6m"), ("until", "1w"), ("as_of", "2024-07-01")];
    let (cli, api) = (cli_search(&c, &p).unwrap(), api_search(&c, &p).unwrap());
    assert_eq!(cli, api);
    let as_of = builtby_model::time::parse_date_or_time("2024-07-01").unwrap();
    assert_eq!(cli.as_of, as_of);
    assert_eq!(
        cli.since,
        Some(as_of - 183 * DAY),
        "6m before as_of, not before now"
    );
    assert_eq!(cli.until, Some(as_of - 7 * DAY));
    // as_of itself relative: back from now; since back from that.
    let p = [("as_of", "30d"), ("since", "10d")];
    let (cli, api) = (cli_search(&c, &p).unwrap(), api_search(&c, &p).unwrap());
    assert_eq!(cli, api);
    assert_eq!(
        (cli.as_of, cli.since),
        (NOW - 30 * DAY, Some(NOW - 40 * DAY))
    );
}

#[test]
fn person_parameters_give_the_same_query_from_the_cli_and_the_api() {
    let c = Catalog::shipped();
    let p = [
        ("limit", "5"),
        ("offset", "2"),
        ("as_of", "2024-07-01"),
        ("half_life", "6"),
    ];
    let names: Vec<&str> = p.iter().map(|p| p.0).collect();
    assert_eq!(names, PERSON_PARAMS);
    assert_eq!(cli_person(&c, &p).unwrap(), api_person(&c, &p).unwrap());
    for bad in [
        ("limit", "0"),
        ("offset", "x"),
        ("as_of", "soon"),
        ("half_life", "-1"),
    ] {
        let (cli, api) = (cli_person(&c, &[bad]), api_person(&c, &[bad]));
        assert_eq!(cli, api, "{bad:?}");
        assert_eq!(cli.unwrap_err().param, bad.0);
    }
    // Search-only parameters are not a person's: no flag on the CLI, a 400 from the API.
    assert!(Args::try_parse_from(["builtby", "person", "ana", "--since=1d"]).is_err());
    assert_eq!(
        api_person(&c, &[("since", "1d")]).unwrap_err().param,
        "query"
    );
}

#[test]
fn bad_values_give_the_same_error_naming_the_same_parameter() {
    let c = Catalog::shipped();
    let cases: &[(&[(&str, &str)], &str)] = &[
        (&[("repo", "nope")], "repo"),
        (&[("ecosystem", "cobol")], "ecosystem"),
        (&[("kind", "stars")], "kind"),
        (&[("kind", "review,stars")], "kind"),
        (&[("since", "someday")], "since"),
        (&[("until", "last tuesday")], "until"),
        (&[("since", "2024-02-01"), ("until", "2024-01-01")], "since"),
        (&[("since", "1w"), ("until", "2w")], "since"),
        (&[("path", "../etc")], "path"),
        (&[("metro", "atlantis")], "metro"),
        (&[("country", "narnia")], "country"),
        (&[("limit", "0")], "limit"),
        (&[("limit", "501")], "limit"),
        (&[("offset", "-1")], "offset"),
        (&[("include_bots", "maybe")], "include_bots"),
        (&[("half_life", "0")], "half_life"),
        (&[("as_of", "soon")], "as_of"),
        // Of several bad values, both name the first in SEARCH_PARAMS order.
        (&[("limit", "0"), ("kind", "stars")], "kind"),
        // Issue 9: bounds and words the index can search, the same on both.
        (&[("limit", "abc")], "limit"),
        (&[("limit", "-1")], "limit"),
        (&[("half_life", "1e308")], "half_life"),
        (&[("half_life", "1000000")], "half_life"),
        (&[("half_life", "1e-308")], "half_life"),
        (&[("half_life", "5e-324")], "half_life"),
        (&[("half_life", "NaN")], "half_life"),
        (&[("text", "*")], "text"),
        (&[("text", "-")], "text"),
        (&[("text", ":")], "text"),
        (&[("text", "\"")], "text"),
        (&[("text", "a b c d e f g h i j k")], "text"),
        (&[("since", "2030-01-01"), ("as_of", "2024-01-01")], "since"),
        // Issue 11: work off GitHub.
        (&[("source", "myspace")], "source"),
        (&[("kaggle_tier", "wizard")], "kaggle_tier"),
        (&[("min_downloads", "-1")], "min_downloads"),
        (&[("min_downloads", "many")], "min_downloads"),
        (&[("papers", "not a category")], "papers"),
        // Roles.
        (&[("role", "wizard")], "role"),
        (&[("role", "ml_infra,wizard")], "role"),
        // Issue 13: people already in the company's ATS.
        (&[("not_in_ats", "maybe")], "not_in_ats"),
    ];
    let mut named: Vec<&str> = cases.iter().map(|c| c.1).collect();
    named.sort();
    named.dedup();
    // location and area take any words: nothing typed there is wrong (but too many areas is,
    // below).
    for &(name, _, _) in SEARCH_PARAMS {
        assert!(
            named.contains(&name) || ["location", "area"].contains(&name),
            "no bad value tried for {name}"
        );
    }
    for (params, param) in cases {
        let cli = cli_search(&c, params).unwrap_err();
        let api = api_search(&c, params).unwrap_err();
        assert_eq!(cli, api, "{params:?}");
        assert_eq!(cli.param, *param, "{params:?}");
    }
}

/// Issue 9: over-long input is refused the same way by both, naming the parameter; empty
/// values are unset on both.
#[test]
fn limits_and_empty_values_are_the_same_on_both() {
    let c = Catalog::shipped();
    let words = vec!["the"; 15_000].join(" ");
    let long_word = "x".repeat(80);
    let areas: Vec<String> = (0..600).map(|i| format!("a{i}")).collect();
    let paths: Vec<String> = (0..500).map(|i| format!("p{i}/")).collect();
    let repos: Vec<String> = (0..500).map(|i| format!("o/r{i}")).collect();
    let mut cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (vec![("text", words.as_str())], "text"),
        (vec![("text", long_word.as_str())], "text"),
        (areas.iter().map(|a| ("area", a.as_str())).collect(), "area"),
        (paths.iter().map(|a| ("path", a.as_str())).collect(), "path"),
        (repos.iter().map(|a| ("repo", a.as_str())).collect(), "repo"),
    ];
    let joined = areas.join(",");
    cases.push((vec![("area", joined.as_str())], "area"));
    for (params, param) in &cases {
        let started = std::time::Instant::now();
        let api = api_search(&c, params).unwrap_err();
        let took = started.elapsed();
        let cli = cli_search(&c, params).unwrap_err();
        assert_eq!(cli, api, "{param}");
        assert_eq!(cli.param, *param);
        assert!(
            took < std::time::Duration::from_millis(100),
            "{param}: {took:?}"
        );
    }
    // At the bounds, accepted.
    let hundred: Vec<String> = (0..100).map(|i| format!("a{i}")).collect();
    let p: Vec<(&str, &str)> = hundred.iter().map(|a| ("area", a.as_str())).collect();
    assert_eq!(cli_search(&c, &p).unwrap(), api_search(&c, &p).unwrap());
    for hl in ["0.1", "1200"] {
        let p = [("half_life", hl)];
        assert_eq!(cli_search(&c, &p).unwrap(), api_search(&c, &p).unwrap());
    }
    // `since=` (and any other empty value) is unset on both.
    let default = api_search(&c, &[]).unwrap();
    for name in ["since", "until", "text", "limit", "half_life", "as_of"] {
        let p = [(name, "")];
        assert_eq!(cli_search(&c, &p).unwrap(), default, "{name}=");
        assert_eq!(api_search(&c, &p).unwrap(), default, "{name}=");
    }
}

#[test]
fn the_search_command_has_a_flag_for_each_parameter_and_no_other_filter() {
    let cmd = Args::command();
    let search = cmd.find_subcommand("search").unwrap();
    let flags: Vec<String> = search
        .get_arguments()
        .filter_map(|a| a.get_long())
        .map(str::to_string)
        .collect();
    let mut wanted: Vec<String> = SEARCH_PARAMS
        .iter()
        .map(|p| p.0.replace('_', "-"))
        .collect();
    for f in &wanted {
        assert!(
            flags.contains(f),
            "--{f} is an API parameter but not a flag"
        );
    }
    // Output choices and the global options are the command line's own.
    wanted.extend(["explain", "json", "csv", "help"].map(String::from));
    wanted.extend(["data-dir", "quiet", "catalog", "bots"].map(String::from));
    for f in &flags {
        assert!(
            wanted.contains(f),
            "--{f} is a flag but not an API parameter"
        );
    }
}
