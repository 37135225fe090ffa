use super::*;

#[test]
fn times_accept_dates_and_durations() {
    let now = 1_000 * time::DAY;
    assert_eq!(parse_time("since", "1970-01-11", now), Ok(10 * time::DAY));
    assert_eq!(parse_time("since", "30d", now), Ok(970 * time::DAY));
    assert_eq!(parse_time("since", "2w", now), Ok(986 * time::DAY));
    assert_eq!(parse_time("since", "12m", now), Ok(now - 365 * time::DAY));
    let e = parse_time("as_of", "1317624576693539402w", now).unwrap_err();
    assert_eq!(e.param, "as_of", "too far back, not an overflow");
    let e = parse_time("until", "last tuesday", now).unwrap_err();
    assert_eq!(e.param, "until");
    assert!(e.to_string().contains("last tuesday"));
}

#[test]
fn repo_patterns_and_limits() {
    assert_eq!(
        parse_repo_pattern("pytorch/pytorch").unwrap(),
        "pytorch/pytorch"
    );
    assert_eq!(
        parse_repo_pattern("https://github.com/huggingface/*").unwrap(),
        "huggingface/*"
    );
    for bad in ["pytorch", "*/x", "a/b/c", "a b/c", "/x"] {
        assert_eq!(parse_repo_pattern(bad).unwrap_err().param, "repo", "{bad}");
    }
    assert_eq!(parse_limit("20"), Ok(20));
    assert_eq!(parse_limit("0").unwrap_err().param, "limit");
    assert_eq!(parse_limit("100000").unwrap_err().param, "limit");
    assert_eq!(parse_kind("stars").unwrap_err().param, "kind");
}

fn params(v: &[(&str, &str)]) -> Params {
    v.iter().copied().collect()
}

#[test]
fn params_build_a_query_or_name_the_bad_one() {
    let c = crate::Catalog::shipped();
    let now = 1_000 * time::DAY;
    let q = params(&[
        ("repo", "pytorch/pytorch,huggingface/*"),
        ("kind", "review"),
        ("kind", "pr_merged,review"),
        ("since", "30d"),
        ("limit", "5"),
        ("text", ""),
        ("include_bots", "yes"),
        ("ecosystem", "PyTorch"),
        ("ecosystem", "pytorch"),
    ])
    .build(&c, now)
    .unwrap();
    assert_eq!(q.repos, vec!["pytorch/pytorch", "huggingface/*"]);
    assert_eq!(q.kinds, vec![Kind::Review, Kind::PrMerged]);
    assert_eq!(q.ecosystems, vec!["pytorch"]);
    assert_eq!(
        (q.since, q.limit, q.text, q.include_bots, q.as_of),
        (Some(970 * time::DAY), 5, None, true, now)
    );
    for (name, value, param) in [
        ("kind", "stars", "kind"),
        ("since", "someday", "since"),
        ("until", "x", "until"),
        ("limit", "0", "limit"),
        ("offset", "-1", "offset"),
        ("repo", "nope", "repo"),
        ("ecosystem", "cobol", "ecosystem"),
        ("half_life", "0", "half_life"),
        ("include_bots", "maybe", "include_bots"),
        ("as_of", "soon", "as_of"),
        ("role", "kernel_hacker", "role"),
        ("colour", "red", "query"),
    ] {
        let e = params(&[(name, value)]).build(&c, now).unwrap_err();
        assert_eq!(e.param, param, "{name}={value}");
    }
    let e = params(&[("since", "1d"), ("since", "2d")]).build(&c, now);
    assert_eq!(e.unwrap_err().param, "since");
    let e = params(&[("since", "1d"), ("until", "2d")]).build(&c, now);
    assert_eq!(e.unwrap_err().param, "since", "since after until");
    // Of several bad parameters the first in SEARCH_PARAMS order is named, in any order.
    let e = params(&[("limit", "0"), ("kind", "stars")]).build(&c, now);
    assert_eq!(e.unwrap_err().param, "kind");
    let e = params(&[("limit", "5")]).build_only(&["as_of"], &c, now);
    assert_eq!(e.unwrap_err().param, "query");
}

#[test]
fn relative_times_count_back_from_as_of() {
    let c = crate::Catalog::shipped();
    let now = 1_000 * time::DAY;
    let q = params(&[("since", "30d"), ("until", "1w"), ("as_of", "1970-04-11")])
        .build(&c, now)
        .unwrap();
    assert_eq!(q.as_of, 100 * time::DAY);
    assert_eq!(q.since, Some(70 * time::DAY));
    assert_eq!(q.until, Some(93 * time::DAY));
    // as_of may itself be a duration back from now; the order of the pairs does not matter.
    let q = params(&[("since", "10d"), ("as_of", "100d")])
        .build(&c, now)
        .unwrap();
    assert_eq!((q.as_of, q.since), (900 * time::DAY, Some(890 * time::DAY)));
}

#[test]
fn validation_names_the_parameter() {
    let c = crate::Catalog::shipped();
    let q = Query {
        since: Some(10),
        until: Some(5),
        ..Default::default()
    };
    assert_eq!(q.validate(&c).unwrap_err().param, "since");
    let q = Query {
        ecosystems: vec!["cobol".into()],
        ..Default::default()
    };
    assert_eq!(q.validate(&c).unwrap_err().param, "ecosystem");
    assert!(Query::default().validate(&c).is_ok());
}

/// Issue 9, defects 2 and 15: `text` is bounded, and must have a word the index can search.
#[test]
fn text_is_bounded_and_needs_searchable_words() {
    assert_eq!(parse_text("  nccl timeout "), Ok("nccl timeout".into()));
    assert!(parse_text("flash_attn: fused-softmax \"kernel\"").is_ok());
    for s in ["*", "-", ":", "\"", "_", "* - : \"", "()"] {
        let e = parse_text(s).unwrap_err();
        assert_eq!(e.param, "text", "{s}");
        assert!(e.message.contains("no searchable words"), "{s}: {e}");
    }
    let huge = vec!["the"; 15_000].join(" ");
    let started = std::time::Instant::now();
    let e = parse_text(&huge).unwrap_err();
    assert!(started.elapsed() < std::time::Duration::from_millis(10));
    assert!(e.message.contains("too long"), "{e}");
    let many = vec!["the"; MAX_TEXT_WORDS + 1].join(" ");
    assert!(parse_text(&many).unwrap_err().message.contains("words"));
    assert!(parse_text(&vec!["the"; MAX_TEXT_WORDS].join(" ")).is_ok());
    let distinct: Vec<String> = (0..=MAX_TEXT_TERMS).map(|i| format!("w{i}")).collect();
    let e = parse_text(&distinct.join(" ")).unwrap_err();
    assert!(e.message.contains("different words"), "{e}");
    assert!(parse_text(&distinct[..MAX_TEXT_TERMS].join(" ")).is_ok());
    let e = parse_text(&"x".repeat(MAX_WORD_CHARS + 1)).unwrap_err();
    assert!(e.message.contains("too long"), "{e}");
    // Multi-byte characters count as characters.
    assert!(parse_text(&"é".repeat(MAX_WORD_CHARS)).is_ok());
}

/// Issue 9, defect 3: repeatable parameters take at most MAX_LIST values, counted over
/// repeats and commas.
#[test]
fn long_lists_are_refused_naming_the_parameter() {
    let c = crate::Catalog::shipped();
    let now = 1_000 * time::DAY;
    for name in ["repo", "ecosystem", "kind", "area", "path", "role"] {
        let values: Vec<String> = (0..600).map(|i| format!("o/r{i}")).collect();
        let p: Params = values.iter().map(|v| (name, v.as_str())).collect();
        let e = p.build(&c, now).unwrap_err();
        assert_eq!(e.param, name);
        assert!(e.message.contains("600 values"), "{e}");
        let e = params(&[(name, &values.join(","))])
            .build(&c, now)
            .unwrap_err();
        assert_eq!(e.param, name);
    }
    let values: Vec<String> = (0..MAX_LIST).map(|i| format!("a{i}")).collect();
    let p: Params = values.iter().map(|v| ("area", v.as_str())).collect();
    assert_eq!(p.build(&c, now).unwrap().areas.len(), MAX_LIST);
    let q = Query {
        areas: vec!["x".into(); MAX_LIST + 1],
        ..Default::default()
    };
    assert_eq!(q.validate(&c).unwrap_err().param, "area");
}

/// Issue 9, defects 13 and 14: messages say what is wrong, half-lives have one range.
#[test]
fn numbers_say_what_is_wrong_with_them() {
    let e = parse_limit("abc").unwrap_err();
    assert!(!e.message.contains("out of range"), "{e}");
    assert!(e.message.contains("not a whole number"), "{e}");
    let e = parse_limit("-1").unwrap_err();
    assert!(e.message.contains("from 1 to 500"), "{e}");
    let e = parse_limit("99999999999999999999999999999999999999999").unwrap_err();
    assert!(e.message.contains("out of range"), "{e}");
    assert_eq!(parse_offset("+7"), Ok(7));
    assert!(parse_offset("-1")
        .unwrap_err()
        .message
        .contains("out of range"));
    assert!(parse_offset("x")
        .unwrap_err()
        .message
        .contains("not a whole number"));
    for s in [
        "1e308", "1000000", "1200.5", "1e-308", "5e-324", "0.09", "0", "-1", "NaN", "inf",
    ] {
        assert_eq!(parse_half_life(s).unwrap_err().param, "half_life", "{s}");
    }
    for s in ["0.1", "3.5", "1200"] {
        assert!(parse_half_life(s).is_ok(), "{s}");
    }
    let q = Query {
        half_life_months: 1e-308,
        ..Default::default()
    };
    assert_eq!(
        q.validate(&crate::Catalog::shipped()).unwrap_err().param,
        "half_life"
    );
}

#[test]
fn closest_suggests_near_names() {
    let names = [
        "distributed training",
        "loaders (LoRA, adapters)",
        "tests",
        "docs",
    ];
    assert_eq!(closest("Tests", names), Some("tests"));
    assert_eq!(
        closest("distributed trainng", names),
        Some("distributed training")
    );
    assert_eq!(closest("LoRA", names), Some("loaders (LoRA, adapters)"));
    assert_eq!(closest("distributed", names), Some("distributed training"));
    assert_eq!(closest("FSDP", names), None);
    assert_eq!(closest("single file", names), None);
    assert_eq!(closest("", names), None);
    assert_eq!(edit_distance("kitten", "sitting"), 3);
}

/// `role` is repeatable and comma-separated; an unknown one names the valid ones.
#[test]
fn roles_parse_and_unknown_ones_name_the_valid_ones() {
    let c = crate::Catalog::shipped();
    let now = 1_000 * time::DAY;
    let q = params(&[("role", "ML-Infra,researcher"), ("role", "ml_infra")])
        .build(&c, now)
        .unwrap();
    assert_eq!(q.roles, [crate::Role::MlInfra, crate::Role::Researcher]);
    let e = params(&[("role", "ml_infra,wizard")])
        .build(&c, now)
        .unwrap_err();
    assert_eq!(e.param, "role");
    for valid in [
        "ml_engineer",
        "ml_infra",
        "researcher",
        "data_scientist",
        "`wizard`",
    ] {
        assert!(e.message.contains(valid), "{e}");
    }
}

/// Issue 9, defect 5: nothing after as_of counts, so a since after it is an error.
#[test]
fn since_after_as_of_is_an_error() {
    let c = crate::Catalog::shipped();
    let now = 1_000 * time::DAY;
    let e = params(&[("since", "1970-03-01"), ("as_of", "1970-02-01")])
        .build(&c, now)
        .unwrap_err();
    assert_eq!(e.param, "since");
    assert!(e.message.contains("as_of"), "{e}");
}
