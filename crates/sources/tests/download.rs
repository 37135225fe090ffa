//! Downloading GH Archive hours from a loopback fake archive: resuming a cut or stalled
//! download with `Range`, starting again when the server ignores it, retrying server errors,
//! not retrying a missing hour, and never leaving a partial file under the hour's name.

#[path = "../../test-support/shared_data.rs"]
mod shared_data;

#[path = "../../test-support/fake_gharchive.rs"]
mod fake_gharchive;

use builtby_sources::gharchive::download::{part_path, Fetcher, Retry};
use fake_gharchive::{FakeArchive, Fault};
use std::path::PathBuf;
use std::time::Duration;

const HOUR: &str = "2015-01-01-3";
const NAME: &str = "2015-01-01-3.json.gz";

fn quick() -> Retry {
    Retry {
        attempts: 3,
        first_wait: Duration::from_millis(10),
        read_timeout: Duration::from_secs(2),
    }
}

fn temp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("builtby-dl-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// A real hour, served under its GH Archive name; `None` when ../shared is absent.
fn archive() -> Option<(FakeArchive, Vec<u8>)> {
    let p = shared_data::shared_data(&format!("gharchive/{NAME}"))?;
    let bytes = std::fs::read(&p).unwrap();
    let a = FakeArchive::start();
    a.serve(NAME, bytes.clone());
    Some((a, bytes))
}

fn fetch(a: &FakeArchive, dir: &std::path::Path, retry: Retry) -> Result<PathBuf, String> {
    let f = Fetcher::new(&a.url, retry).unwrap();
    let mut retries = Vec::new();
    let r = f.fetch(HOUR, dir, &mut |n, why, _| {
        retries.push((n, why.to_string()))
    });
    r.map_err(|e| format!("{e} (retries: {retries:?})"))
}

#[test]
fn a_cut_download_resumes_with_range_and_is_whole() {
    let Some((a, bytes)) = archive() else { return };
    let dir = temp("cut");
    let cut = bytes.len() / 3;
    a.fault(NAME, Fault::CutAfter(cut));
    let path = fetch(&a, &dir, quick()).unwrap();
    assert_eq!(path, dir.join(NAME));
    assert!(std::fs::read(&path).unwrap() == bytes, "not the whole file");
    assert!(!part_path(&path).exists());
    let reqs = a.requests_for(NAME);
    assert_eq!(reqs.len(), 2, "{reqs:?}");
    assert_eq!(reqs[0].range, None);
    assert_eq!(reqs[1].range.as_deref(), Some(&*format!("bytes={cut}-")));
    assert_eq!(reqs[1].status, 206);
    // only the missing bytes were sent again
    assert_eq!(a.sent(NAME), bytes.len());
    // a whole file is not asked for again
    assert_eq!(fetch(&a, &dir, quick()).unwrap(), path);
    assert_eq!(a.requests_for(NAME).len(), 2);
}

#[test]
fn a_stalled_download_times_out_and_resumes() {
    let Some((a, bytes)) = archive() else { return };
    let dir = temp("stall");
    a.fault(NAME, Fault::StallAfter(100_000));
    let retry = Retry {
        read_timeout: Duration::from_millis(700),
        ..quick()
    };
    let path = fetch(&a, &dir, retry).unwrap();
    assert!(std::fs::read(&path).unwrap() == bytes);
    let reqs = a.requests_for(NAME);
    assert_eq!(reqs.len(), 2, "{reqs:?}");
    assert_eq!(reqs[1].range.as_deref(), Some("bytes=100000-"));
}

#[test]
fn a_server_ignoring_range_is_read_again_from_the_start() {
    let Some((a, bytes)) = archive() else { return };
    let dir = temp("norange");
    a.fault(NAME, Fault::CutAfter(250_000));
    a.fault(NAME, Fault::IgnoreRange);
    let path = fetch(&a, &dir, quick()).unwrap();
    assert!(std::fs::read(&path).unwrap() == bytes, "not the whole file");
    let reqs = a.requests_for(NAME);
    assert_eq!(reqs.len(), 2, "{reqs:?}");
    assert_eq!(reqs[1].range.as_deref(), Some("bytes=250000-"));
    assert_eq!(reqs[1].status, 200);
}

#[test]
fn partial_files_left_by_a_kill_resume_or_start_again() {
    let Some((a, bytes)) = archive() else { return };
    // the whole file as .part (killed between the last byte and the rename): 416, renamed
    let dir = temp("whole-part");
    std::fs::write(part_path(&dir.join(NAME)), &bytes).unwrap();
    let path = fetch(&a, &dir, quick()).unwrap();
    assert!(std::fs::read(&path).unwrap() == bytes);
    assert_eq!(a.requests_for(NAME).last().unwrap().status, 416);
    // a .part longer than the file (another file's bytes): downloaded again from the start
    let dir = temp("long-part");
    let mut junk = bytes.clone();
    junk.extend_from_slice(b"more");
    std::fs::write(part_path(&dir.join(NAME)), &junk).unwrap();
    let path = fetch(&a, &dir, quick()).unwrap();
    assert!(std::fs::read(&path).unwrap() == bytes);
    // a .part of the first half: only the rest is asked for
    let dir = temp("half-part");
    std::fs::write(part_path(&dir.join(NAME)), &bytes[..1000]).unwrap();
    let before = a.sent(NAME);
    let path = fetch(&a, &dir, quick()).unwrap();
    assert!(std::fs::read(&path).unwrap() == bytes);
    assert_eq!(a.sent(NAME) - before, bytes.len() - 1000);
}

#[test]
fn server_errors_are_retried_a_missing_hour_is_not() {
    let Some((a, bytes)) = archive() else { return };
    let dir = temp("errors");
    a.fault(NAME, Fault::Status(503));
    a.fault(NAME, Fault::Status(500));
    let path = fetch(&a, &dir, quick()).unwrap();
    assert!(std::fs::read(&path).unwrap() == bytes);
    assert_eq!(a.requests_for(NAME).len(), 3);

    // always failing: reported after the attempts, nothing under the hour's name
    let dir = temp("errors-always");
    for _ in 0..3 {
        a.fault(NAME, Fault::Status(502));
    }
    let e = fetch(&a, &dir, quick()).unwrap_err();
    assert!(
        e.contains("HTTP 502") && e.contains("after 3 attempts"),
        "{e}"
    );
    assert!(!dir.join(NAME).exists());

    // 404: GH Archive lacks the hour; asked once
    let f = Fetcher::new(&a.url, quick()).unwrap();
    let e = f
        .fetch("2015-01-01-9", &dir, &mut |_, _, _| {
            panic!("a 404 is not retried")
        })
        .unwrap_err();
    assert!(e.message.contains("HTTP 404"), "{e}");
    assert!(!e.unreachable);
    assert_eq!(a.requests_for("2015-01-01-9.json.gz").len(), 1);
}

#[test]
fn an_unreachable_server_says_so() {
    // a port nothing listens on
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", l.local_addr().unwrap());
    drop(l);
    let f = Fetcher::new(
        &url,
        Retry {
            attempts: 2,
            ..quick()
        },
    )
    .unwrap();
    let e = f
        .fetch(HOUR, &temp("unreachable"), &mut |_, _, _| {})
        .unwrap_err();
    assert!(e.unreachable, "{e}");
    assert!(e.message.starts_with("network:"), "{e}");
}
