//! The export API's real answers (`../shared/data/arxiv/`, recorded by arxiv.py's tests, 2016
//! and 2026 formats) read by the Atom parser.

#[path = "../../test-support/shared_data.rs"]
mod shared_data;

use builtby_sources::arxiv::{atom::parse_feed, contributions};

fn read(name: &str) -> Option<builtby_sources::arxiv::atom::Feed> {
    let p = shared_data::shared_data(&format!("arxiv/{name}"))?;
    let bytes = std::fs::read(&p).unwrap();
    Some(parse_feed(&bytes, &p.display().to_string()).unwrap())
}

#[test]
fn a_hundred_results_of_today_s_api() {
    let Some(f) = read("q_testing_s0_m100_cfe7536492ca.atom.xml") else {
        return;
    };
    assert_eq!(f.items_per_page, Some(100));
    assert_eq!(f.start_index, Some(0));
    assert!(f.total_results.unwrap() > 100);
    assert_eq!(f.entries.len(), 100);
    let papers: Vec<_> = f.entries.iter().map(|e| e.as_ref().unwrap()).collect();
    for p in &papers {
        assert!(!p.title.is_empty() && !p.authors.is_empty() && !p.categories.is_empty());
        assert!(!p.summary.contains('\n'), "{}: whitespace collapsed", p.id);
        let (cs, nameless) = contributions(p);
        assert!(nameless.is_empty(), "{}: {nameless:?}", p.id);
        assert!(cs.iter().all(|c| c.url.as_deref() == Some(&*p.url())));
    }
    // one of them links its code
    let linked: Vec<_> = papers.iter().filter_map(|p| p.code_url()).collect();
    assert_eq!(
        linked,
        ["https://github.com/ydecastro/super-resolution-testing"]
    );
}

#[test]
fn one_paper_by_id_with_thirty_four_authors() {
    let Some(f) = read("id_1707.08567_s0_m100_6a1afebfc6a3.atom.xml") else {
        return;
    };
    let p = f.entries[0].as_ref().unwrap();
    assert_eq!(p.id, "1707.08567");
    assert_eq!(p.version, Some(1));
    assert_eq!(
        p.title,
        "Proceedings of Workshop AEW10: Concepts in Information Theory and Communications"
    );
    assert_eq!(p.authors.len(), 34);
    assert_eq!(p.authors[0], "Kees A. Schouhamer Immink");
    assert_eq!(p.categories, ["cs.IT"]);
    assert_eq!(
        p.comment.as_deref(),
        Some("44 pages, editors for the proceedings: Yanling Chen and A. J. Han Vinck")
    );
    assert_eq!(p.published, 1_501_143_513);
}

#[test]
fn the_2016_format_of_one_author_s_papers() {
    let Some(f) = read("search_query_au_del_maestro.atom.xml") else {
        return;
    };
    assert_eq!(f.total_results, Some(31));
    assert_eq!(f.entries.len(), 10);
    let ids: Vec<String> = f
        .entries
        .iter()
        .map(|e| e.as_ref().unwrap().id.clone())
        .collect();
    assert!(ids.contains(&"cond-mat/0412498".to_string()), "{ids:?}");
    // one person, written two ways: two accounts (a name is all arXiv gives)
    let count = |name: &str| {
        f.entries
            .iter()
            .filter(|e| e.as_ref().unwrap().authors.iter().any(|a| a == name))
            .count()
    };
    assert_eq!(
        (count("Adrian Del Maestro"), count("A. Del Maestro")),
        (6, 4)
    );
    let p = f.entries[0].as_ref().unwrap();
    assert_eq!(p.categories[0], "cond-mat.mes-hall");
    assert_eq!(p.doi.as_deref(), Some("10.1142/S021797921244002X"));
}

#[test]
fn a_versioned_id_and_a_title_that_is_a_number() {
    let Some(f) = read("id_2104.12255v1_s0_m100_6ae69987ffe1.atom.xml") else {
        return;
    };
    let p = f.entries[0].as_ref().unwrap();
    assert_eq!((p.id.as_str(), p.version), ("2104.12255", Some(1)));
    assert_eq!(p.title, "0");
    assert_eq!(p.authors, ["Quan Thoi Minh Nguyen"]);
}
