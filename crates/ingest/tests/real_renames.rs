//! GH Archive renames on the real hours in `../shared/data/gharchive` (issue 10): accounts
//! renamed between the shared hours are one person each, under the login of their latest event,
//! whichever order the files are loaded in, and their former logins are no separate people.
//!
//! | former login | its hour | joined by | current login | its hour |
//! |---|---|---|---|---|
//! | loladiro (actor, id 1291671) | 2012-04-01 | the id | Keno (`issue.user` of another's comment) | 2015-01-01-4 |
//! | zaets28rus (login-only actor) | 2013-02-15, 2014-02-15 | `pull_request.user` with id 572096 (2014) | ovr (actor of a CreateEvent) | 2015-01-01-3 |
//! | one2marketllc (actor, id 1022355) | 2012-02-15 | the id | michaelalber (actor of a ForkEvent) | 2015-01-01-4 |
//! | charlesvineyard (login-only actor) | 2013-02-15 | `pull_request.user` with id 287964 | mzkrelx (login-only actor; `pull_request.user` with the id) | 2014-02-15 |
//! | Shqrdx (actor, id 3036176) | 2015-01-01-5 | the id | Chaosus (actor of a CreateEvent) | 2021-07-21 |
//!
//! A missing file fails when `../shared` exists; skips with a message only when it is absent.

use builtby_ingest::{expand_inputs, gharchive::ingest_files, Silent};

#[path = "../../test-support/shared_data.rs"]
mod shared_data;

/// (current login, GitHub id, former logins).
const RENAMED: &[(&str, i64, &[&str])] = &[
    ("Keno", 1291671, &["loladiro"]),
    ("ovr", 572096, &["zaets28rus"]),
    ("michaelalber", 1022355, &["one2marketllc"]),
    ("mzkrelx", 287964, &["charlesvineyard"]),
    ("Chaosus", 3036176, &["Shqrdx"]),
];

#[test]
fn renamed_accounts_are_one_person_under_their_latest_login_in_any_order() {
    let Some(dir) = shared_data::shared_data("gharchive") else {
        return;
    };
    let (files, errors) = expand_inputs(&[dir]);
    assert!(errors.is_empty(), "{errors:?}");
    assert!(files.len() >= 11, "the shared hours: {files:?}");
    let reversed: Vec<_> = files.iter().rev().cloned().collect();
    for (tag, order) in [("sorted", &files), ("reversed", &reversed)] {
        let data =
            std::env::temp_dir().join(format!("builtby-real-renames-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&data);
        let mut store = builtby_store::Store::open(&data).unwrap();
        let report = ingest_files(&mut store, order, 2, &Silent).unwrap();
        assert!(report.all_complete(), "{tag}");
        for &(login, github_id, former) in RENAMED {
            let id = store
                .person_by_login(login)
                .unwrap()
                .unwrap_or_else(|| panic!("{tag}: {login} is nobody"));
            let p = &store.people(&[id]).unwrap()[0];
            assert_eq!(
                (p.login.as_str(), p.github_id),
                (login, Some(github_id)),
                "{tag}: the current login is the latest"
            );
            for old in former {
                assert_eq!(
                    store.person_by_login(old).unwrap(),
                    Some(id),
                    "{tag}: {old} finds {login}"
                );
                assert!(
                    p.previous_logins.iter().any(|l| l == old),
                    "{tag}: {login}'s former logins: {:?}",
                    p.previous_logins
                );
            }
        }
        drop(store);
        let db = rusqlite::Connection::open(data.join("builtby.sqlite")).unwrap();
        for &(login, github_id, former) in RENAMED {
            // Exactly one person row under the current login, none under a former one.
            let rows: i64 = db
                .query_row(
                    "SELECT count(*) FROM people WHERE login = ?1 COLLATE NOCASE",
                    [login],
                    |r| r.get(0),
                )
                .unwrap();
            assert_eq!(rows, 1, "{tag}: people named {login}");
            for old in former {
                let rows: i64 = db
                    .query_row(
                        "SELECT count(*) FROM people WHERE login = ?1 COLLATE NOCASE",
                        [old],
                        |r| r.get(0),
                    )
                    .unwrap();
                assert_eq!(rows, 0, "{tag}: people named {old}");
            }
            // The work done under the former login is the person's.
            let work: i64 = db
                .query_row(
                    "SELECT count(*) FROM contributions c JOIN people p ON p.id = c.person_id
                     WHERE p.github_id = ?1",
                    [github_id],
                    |r| r.get(0),
                )
                .unwrap();
            assert!(work > 0, "{tag}: {login} has the work");
        }
        drop(db);
        let _ = std::fs::remove_dir_all(&data);
    }
}
