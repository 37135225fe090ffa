//! Renames through sightings ([`Record::Seen`]): a login-only person joins the account a
//! payload user object gives the same login, and a person's login is the one on the latest
//! event, whatever order the inputs are loaded in.

use super::*;
use builtby_model::{Actor, Contribution, Kind, Record};

const DAY: i64 = 86_400;

fn temp_store(name: &str) -> Store {
    let dir = std::env::temp_dir().join(format!("builtby-renames-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    Store::open(&dir).unwrap()
}

fn actor(id: Option<i64>, login: &str) -> Actor {
    Actor {
        github_id: id,
        login: login.into(),
        is_bot_type: false,
    }
}

fn push(key: &str, a: Actor, at: i64) -> Record {
    Record::Contribution(Box::new(Contribution::new(
        key.into(),
        Kind::Push,
        "o/r".into(),
        a,
        at,
    )))
}

fn seen(id: i64, login: &str, at: i64) -> Record {
    Record::Seen {
        account: actor(Some(id), login),
        at,
    }
}

fn load(store: &mut Store, name: &str, records: &[Record]) {
    let mut l = store.begin().unwrap();
    for r in records {
        l.add(r).unwrap();
    }
    let input = InputFile {
        source: builtby_model::Source::Gharchive,
        path: name.into(),
        size: 1,
        checksum: format!("sum-{name}"),
    };
    l.commit(
        &input,
        &builtby_model::ReadReport::new(builtby_model::Source::Gharchive),
    )
    .unwrap();
}

/// (login, github id, contributions) of every person, by login.
fn people(s: &Store) -> Vec<(String, Option<i64>, i64)> {
    let mut st = s
        .conn
        .prepare(
            "SELECT login, github_id, (SELECT count(*) FROM contributions c WHERE c.person_id = p.id)
             FROM people p ORDER BY login",
        )
        .unwrap();
    st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

fn person(login: &str, id: i64, contributions: i64) -> (String, Option<i64>, i64) {
    (login.to_string(), Some(id), contributions)
}

/// Loads `files` in this order and in reverse, into two stores, and returns what each holds.
fn both_orders(name: &str, files: &[(&str, Vec<Record>)]) -> [Vec<(String, Option<i64>, i64)>; 2] {
    let mut out = [Vec::new(), Vec::new()];
    for (i, reversed) in [false, true].into_iter().enumerate() {
        let mut s = temp_store(&format!("{name}-{i}"));
        let order: Vec<&(&str, Vec<Record>)> = if reversed {
            files.iter().rev().collect()
        } else {
            files.iter().collect()
        };
        for (f, records) in order {
            load(&mut s, f, records);
        }
        out[i] = people(&s);
    }
    out
}

/// zaets28rus → ovr: a Timeline-era actor pushes login-only, then a PR's `user` object gives
/// that login the account's id; in 2015 the account (same id) is `ovr`. One person, `ovr`,
/// with the pushes, in either order (loaded 2015 first, the account is known under another
/// login when the login-only person appears: it is merged into the account at commit).
#[test]
fn a_login_only_actor_joins_the_account_a_payload_names_in_either_order() {
    let timeline = vec![
        push("p1", actor(None, "zaets28rus"), 100 * DAY),
        push("p2", actor(None, "zaets28rus"), 100 * DAY + 60),
        seen(572, "zaets28rus", 100 * DAY + 90),
        push("p3", actor(None, "zaets28rus"), 100 * DAY + 120),
    ];
    let later = vec![seen(572, "ovr", 400 * DAY)];
    for held in both_orders("join", &[("2014", timeline), ("2015", later)]) {
        assert_eq!(held, vec![person("ovr", 572, 3)]);
    }
}

/// The sighting in one input, the login-only work in another.
#[test]
fn a_sighting_in_another_input_joins_the_login_only_person() {
    let files = [
        ("work", vec![push("p1", actor(None, "old"), 100 * DAY)]),
        ("pr", vec![seen(7, "old", 101 * DAY)]),
        ("new", vec![push("p2", actor(Some(7), "new"), 300 * DAY)]),
    ];
    for held in both_orders("apart", &files) {
        assert_eq!(held, vec![person("new", 7, 2)]);
    }
    // Every order of the three.
    for order in [[0, 2, 1], [1, 0, 2], [2, 1, 0]] {
        let mut s = temp_store(&format!("apart-{order:?}"));
        for i in order {
            load(&mut s, files[i].0, &files[i].1);
        }
        assert_eq!(people(&s), vec![person("new", 7, 2)], "{order:?}");
    }
    // The account new in a load under its new login, then seen under the old one there.
    let mut s = temp_store("apart-one");
    load(&mut s, files[0].0, &files[0].1);
    load(
        &mut s,
        "both",
        &[files[2].1.clone(), files[1].1.clone()].concat(),
    );
    assert_eq!(people(&s), vec![person("new", 7, 2)]);
}

/// charlesvineyard → mzkrelx: two login-only people, each named with the account's id by a
/// PR in their own input, are one person under the later login.
#[test]
fn two_login_only_logins_of_one_account_are_one_person() {
    let y2013 = vec![
        push("a", actor(None, "charlesvineyard"), 100 * DAY),
        seen(287, "charlesvineyard", 100 * DAY + 10),
    ];
    let y2014 = vec![
        push("b", actor(None, "mzkrelx"), 400 * DAY),
        seen(287, "mzkrelx", 400 * DAY + 10),
        push("c", actor(None, "mzkrelx"), 400 * DAY + 20),
    ];
    for held in both_orders("two", &[("2013", y2013), ("2014", y2014)]) {
        assert_eq!(held, vec![person("mzkrelx", 287, 3)]);
    }
}

/// Shqrdx → Chaosus: the account's work is under one login in 2015; its only event under the
/// new login (2021) credits nothing. The current login is the latest, in either order, and
/// the old one still finds the person.
#[test]
fn the_login_on_the_latest_event_wins_in_either_order() {
    let y2015 = vec![
        push("a", actor(Some(3036), "Shqrdx"), 100 * DAY),
        seen(3036, "Shqrdx", 100 * DAY + 5),
    ];
    let y2021 = vec![seen(3036, "Chaosus", 2000 * DAY)];
    for held in both_orders(
        "latest",
        &[("2015", y2015.clone()), ("2021", y2021.clone())],
    ) {
        assert_eq!(held, vec![person("Chaosus", 3036, 1)]);
    }
    let mut s = temp_store("latest-lookup");
    load(&mut s, "2021", &y2021);
    load(&mut s, "2015", &y2015);
    let id = s.person_by_login("Chaosus").unwrap().unwrap();
    assert_eq!(s.person_by_login("shqrdx").unwrap(), Some(id));
    assert_eq!(s.people(&[id]).unwrap()[0].previous_logins, vec!["Shqrdx"]);
    // An older sighting changes nothing; a later one renames.
    load(&mut s, "2016", &[seen(3036, "Shqrdx", 500 * DAY)]);
    assert_eq!(people(&s), vec![person("Chaosus", 3036, 1)]);
    load(&mut s, "2022", &[seen(3036, "chaos-2", 2100 * DAY)]);
    assert_eq!(people(&s), vec![person("chaos-2", 3036, 1)]);
}

/// loladiro → Keno: the account's work is under its old login with its id; the new login is
/// seen only as another person's issue's author. Within one input, too.
#[test]
fn a_rename_seen_only_in_a_payload_renames_the_person() {
    let y2012 = vec![push("a", actor(Some(1291), "loladiro"), 100 * DAY)];
    let y2015 = vec![
        push("b", actor(Some(744), "ViralBShah"), 1100 * DAY),
        seen(1291, "Keno", 1100 * DAY),
    ];
    for held in both_orders(
        "payload",
        &[("2012", y2012.clone()), ("2015", y2015.clone())],
    ) {
        assert_eq!(
            held,
            vec![person("Keno", 1291, 1), person("ViralBShah", 744, 1)]
        );
    }
    let mut s = temp_store("payload-one");
    let one: Vec<Record> = y2015.into_iter().chain(y2012).collect();
    load(&mut s, "one", &one);
    assert_eq!(
        people(&s),
        vec![person("Keno", 1291, 1), person("ViralBShah", 744, 1)]
    );
}

/// An account only ever seen is one person row without work, and seeing it again adds nothing;
/// `enrich` does not fetch its profile.
#[test]
fn an_account_only_seen_is_one_person_without_work() {
    let mut s = temp_store("only-seen");
    load(&mut s, "a", &[seen(5, "ana", DAY), seen(5, "ana", 2 * DAY)]);
    load(
        &mut s,
        "b",
        &[
            seen(5, "ana", 3 * DAY),
            push("p", actor(Some(6), "bo"), DAY),
        ],
    );
    assert_eq!(people(&s), vec![person("ana", 5, 0), person("bo", 6, 1)]);
    assert_eq!(s.stats().unwrap().contributions, 1);
    let targets = s.profile_targets(&[], None).unwrap();
    assert_eq!(
        targets.iter().map(|t| t.login.as_str()).collect::<Vec<_>>(),
        ["bo"]
    );
}
