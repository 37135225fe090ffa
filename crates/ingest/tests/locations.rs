//! Timeline-era profile locations: noted by the parsers, normalised on the background thread,
//! stored after the load, exactly as `builtby_locate::locate` reads them.

use builtby_ingest::gharchive::{ingest_files, ingest_files_noting};
use builtby_ingest::locations::{normalise_stored, Locations};
use builtby_ingest::Silent;
use builtby_store::{Place, Store};
use flate2::write::GzEncoder;
use std::io::Write;
use std::path::{Path, PathBuf};

struct TempDir(PathBuf);
impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn temp(tag: &str) -> TempDir {
    let d = std::env::temp_dir().join(format!(
        "builtby-ingest-locations-{tag}-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    ));
    std::fs::create_dir_all(&d).unwrap();
    TempDir(d)
}

/// A Timeline-era pull request opened by `login`, with `location` in its actor attributes.
fn event(login: &str, location: Option<&str>, number: u32) -> String {
    let loc = location
        .map(|l| format!(r#", "location": "{l}""#))
        .unwrap_or_default();
    format!(
        r#"{{"type": "PullRequestEvent", "actor": "{login}", "created_at": "2013-02-15T00:00:{number:02}-08:00", "actor_attributes": {{"login": "{login}", "type": "User"{loc}}}, "repository": {{"id": 77, "name": "keras", "owner": "fchollet"}}, "url": "https://github.com/fchollet/keras/pull/{number}", "payload": {{"action": "opened", "number": {number}, "pull_request": {{"title": "t", "user": {{"login": "{login}", "id": {number}}}, "merged": false}}}}}}"#
    )
}

fn write_gz(path: &Path, lines: &[String]) {
    let mut e = GzEncoder::new(
        std::fs::File::create(path).unwrap(),
        flate2::Compression::fast(),
    );
    for l in lines {
        writeln!(e, "{l}").unwrap();
    }
    e.finish().unwrap();
}

fn place_of(store: &Store, login: &str) -> Option<Place> {
    let id = store.person_by_login(login).unwrap().expect(login);
    store.places(&[id]).unwrap().remove(&id)
}

fn expected(text: &str) -> Place {
    let l = builtby_locate::locate(text);
    let also_metros = l
        .metros()
        .into_iter()
        .filter(|m| Some(*m) != l.metro.as_deref())
        .map(str::to_string)
        .collect();
    Place {
        also_metros,
        city: l.city,
        region: l.region,
        country: l.country,
        metro: l.metro,
        confidence: l.confidence as f64,
    }
}

#[test]
fn locations_met_while_parsing_are_stored_after_the_load() {
    let d = temp("noted");
    let a = d.0.join("2013-02-15-0.json.gz");
    let b = d.0.join("2013-02-15-1.json.gz");
    write_gz(
        &a,
        &[
            event("ana", Some("Kraków, Polska"), 1),
            event("bob", Some("SF Bay Area"), 2),
            event("cy", None, 3),
            event("dee", Some("Kraków, Polska"), 4),
        ],
    );
    // Ana moves: the later file's location is the one stored and normalised.
    write_gz(&b, &[event("ana", Some("Zürich"), 5)]);
    let mut store = Store::open(&d.0.join("data")).unwrap();
    let noted = Locations::new();
    let report =
        ingest_files_noting(&mut store, &[a.clone(), b.clone()], 2, &Silent, &noted).unwrap();
    assert!(report.all_complete());
    assert_eq!(report.new_contributions(), 5);
    assert_eq!(normalise_stored(&mut store, noted).unwrap(), 3);
    assert_eq!(place_of(&store, "ana"), Some(expected("Zürich")));
    assert_eq!(place_of(&store, "bob"), Some(expected("SF Bay Area")));
    assert_eq!(place_of(&store, "dee"), Some(expected("Kraków, Polska")));
    assert_eq!(place_of(&store, "cy"), None);
    assert_eq!(
        place_of(&store, "bob").unwrap().metro.as_deref(),
        Some("San Francisco Bay Area")
    );
    // Nothing left: a second batch does nothing.
    assert_eq!(normalise_stored(&mut store, Locations::new()).unwrap(), 0);
}

#[test]
fn locations_loaded_without_noting_are_normalised_in_the_batch() {
    let d = temp("batch");
    let a = d.0.join("2013-02-15-0.json.gz");
    write_gz(&a, &[event("eve", Some("Berlin, Germany"), 1)]);
    let mut store = Store::open(&d.0.join("data")).unwrap();
    ingest_files(&mut store, &[a], 1, &Silent).unwrap();
    assert_eq!(place_of(&store, "eve"), None);
    assert_eq!(normalise_stored(&mut store, Locations::new()).unwrap(), 1);
    let p = place_of(&store, "eve").unwrap();
    assert_eq!(p, expected("Berlin, Germany"));
    assert_eq!(p.country.as_deref(), Some("DE"));
}
