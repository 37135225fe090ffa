//! The scope test on every shared GH Archive line (2011–2021 shapes): the repository found
//! without parsing is the one a full parse finds, and reading in a scope keeps exactly the
//! events of its repositories, counting the rest.

#[path = "../../test-support/shared_data.rs"]
mod shared_data;

use builtby_sources::gharchive::scope::sniff_repo;
use builtby_sources::gharchive::{
    convert_line, line_repository, read_lines, read_lines_in, LineReader, Outcome, Pattern, Scope,
};

fn hours() -> Option<Vec<std::path::PathBuf>> {
    let dir = shared_data::shared_data("gharchive")?;
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".json.gz"))
        .collect();
    v.sort();
    assert!(v.len() >= 9, "the shared hours: {v:?}");
    Some(v)
}

#[test]
fn the_fast_repository_is_the_parsed_one() {
    let Some(files) = hours() else { return };
    let (mut lines, mut sniffed) = (0u64, 0u64);
    for f in &files {
        let mut r = LineReader::open(f).unwrap();
        while let Some(line) = r.next_line().unwrap() {
            lines += 1;
            let v: serde_json::Value = match serde_json::from_slice(line.text) {
                Ok(v) => v,
                Err(_) => continue,
            };
            let top = v["repo"]["name"]
                .as_str()
                .filter(|n| n.split('/').count() == 2 && !n.starts_with('/') && !n.ends_with('/'));
            let s = sniff_repo(line.text);
            if let Some(s) = s {
                sniffed += 1;
                assert_eq!(Some(s), top, "{}: line {}", f.display(), line.number);
            }
            // the repository the scope test uses is the one the record is credited in
            let repo = line_repository(line.text);
            match convert_line(line.text, line.number, line.complete) {
                Some(Outcome::Contribution(c)) => {
                    assert_eq!(repo.as_deref(), Some(c.contribution.repo.as_str()))
                }
                Some(Outcome::Pointer { pointer, .. }) => {
                    assert_eq!(repo.as_deref(), Some(pointer.repo.as_str()))
                }
                Some(Outcome::NoRepository { .. }) => assert_eq!(repo, None),
                _ => {}
            }
        }
    }
    eprintln!("{lines} lines, {sniffed} repositories found without parsing");
    assert!(lines > 40_000);
    // 2015+ lines carry `repo.name`: the fast path serves most lines
    assert!(sniffed * 2 > lines, "{sniffed} of {lines}");
}

#[test]
fn a_scope_keeps_its_repositories_and_counts_the_rest() {
    let Some(files) = hours() else { return };
    for f in &files {
        // the file's five busiest repositories, and one owner
        let mut all = Vec::new();
        let whole = read_lines(&mut LineReader::open(f).unwrap(), |c| all.push(c));
        let mut by_repo = std::collections::HashMap::<String, u64>::new();
        for c in &all {
            if let Outcome::Contribution(x) = &c.outcome {
                *by_repo.entry(x.contribution.repo.clone()).or_default() += 1;
            }
        }
        let mut top: Vec<_> = by_repo.into_iter().collect();
        top.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let mut patterns: Vec<Pattern> = top
            .iter()
            .take(5)
            .map(|(r, _)| Pattern::parse(r).unwrap())
            .collect();
        if let Some((r, _)) = top.get(6) {
            patterns.push(Pattern::parse(r.split('/').next().unwrap()).unwrap());
        }
        let scope = Scope::of("test", patterns);
        let mut kept = Vec::new();
        let scoped = read_lines_in(&mut LineReader::open(f).unwrap(), &scope, |c| kept.push(c));
        // every record of the whole read in scope is kept, and nothing else
        let in_scope = |o: &Outcome| match o {
            Outcome::Contribution(x) => Some(scope.contains(&x.contribution.repo)),
            Outcome::Pointer { pointer, .. } => Some(scope.contains(&pointer.repo)),
            _ => None,
        };
        let want: Vec<_> = all
            .iter()
            .filter(|c| in_scope(&c.outcome) == Some(true))
            .map(|c| c.outcome.clone())
            .collect();
        let got: Vec<_> = kept
            .iter()
            .filter(|c| in_scope(&c.outcome).is_some())
            .map(|c| c.outcome.clone())
            .collect();
        assert!(got.iter().all(|o| in_scope(o) == Some(true)));
        assert_eq!(got, want, "{}", f.display());
        // every line is counted once: in scope or not
        assert_eq!(scoped.events, whole.events, "{}", f.display());
        assert!(scoped.out_of_scope > 0 && scoped.out_of_scope < whole.events);
        let report = scoped.report();
        assert_eq!(
            report.skipped.get("out of scope"),
            Some(&scoped.out_of_scope)
        );
        // sightings only from lines in scope: fewer accounts than the whole read names
        let seen = |v: &Vec<builtby_sources::gharchive::Converted>| {
            v.iter().map(|c| c.seen.accounts.len()).sum::<usize>()
        };
        assert!(seen(&kept) < seen(&all), "{}", f.display());
    }
}
