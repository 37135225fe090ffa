//! A fake GitHub for tests: a loopback HTTP/1.1 server whose answers a test decides per path
//! and per request count (faults included), counting requests. Included with
//! `#[path = "…/test-support/fake_github.rs"] mod fake_github;`.
#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
    pub delay: Duration,
}

pub fn ok(body: &str, etag: &str) -> Reply {
    Reply {
        status: 200,
        headers: vec![("ETag".into(), etag.into())],
        body: body.into(),
        delay: Duration::ZERO,
    }
}

pub fn status(s: u16, headers: &[(&str, String)]) -> Reply {
    Reply {
        status: s,
        headers: headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect(),
        body: "{\"message\":\"nope\"}".into(),
        delay: Duration::ZERO,
    }
}

/// No answer at all: the connection is closed (a server that died mid-crawl).
pub fn close() -> Reply {
    Reply {
        status: 0,
        headers: Vec::new(),
        body: String::new(),
        delay: Duration::ZERO,
    }
}

pub type Handler = dyn Fn(&str, usize, Option<&str>) -> Reply + Send + Sync;

/// A loopback HTTP/1.1 server: one thread per connection, `Connection: close`. Counts requests
/// per path. Stops when the test process ends.
pub struct Fake {
    pub url: String,
    pub counts: Arc<Mutex<HashMap<String, usize>>>,
    pub log: Arc<Mutex<Vec<(String, u16)>>>,
}

pub fn serve(handler: Arc<Handler>) -> Fake {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", l.local_addr().unwrap());
    let counts: Arc<Mutex<HashMap<String, usize>>> = Arc::default();
    let log: Arc<Mutex<Vec<(String, u16)>>> = Arc::default();
    let (c2, l2) = (counts.clone(), log.clone());
    std::thread::spawn(move || {
        for s in l.incoming() {
            let Ok(mut s) = s else { continue };
            let (h, counts, log) = (handler.clone(), c2.clone(), l2.clone());
            std::thread::spawn(move || {
                let mut r = BufReader::new(s.try_clone().unwrap());
                let mut first = String::new();
                if r.read_line(&mut first).is_err() {
                    return;
                }
                let path = first.split(' ').nth(1).unwrap_or("/").to_string();
                let mut inm = None;
                loop {
                    let mut line = String::new();
                    if r.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                        break;
                    }
                    if let Some((k, v)) = line.split_once(':') {
                        if k.eq_ignore_ascii_case("if-none-match") {
                            inm = Some(v.trim().to_string());
                        }
                    }
                }
                let n = {
                    let mut c = counts.lock().unwrap();
                    let e = c.entry(path.clone()).or_default();
                    *e += 1;
                    *e
                };
                let reply = h(&path, n, inm.as_deref());
                log.lock().unwrap().push((path, reply.status));
                std::thread::sleep(reply.delay);
                if reply.status == 0 {
                    // [`close`]: the server goes away without answering
                    return;
                }
                let mut head = format!(
                    "HTTP/1.1 {} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n",
                    reply.status,
                    reply.body.len()
                );
                for (k, v) in &reply.headers {
                    head.push_str(&format!("{k}: {v}\r\n"));
                }
                head.push_str("\r\n");
                let _ = s.write_all(head.as_bytes());
                let _ = s.write_all(reply.body.as_bytes());
            });
        }
    });
    Fake { url, counts, log }
}

impl Fake {
    pub fn total(&self) -> usize {
        self.counts.lock().unwrap().values().sum()
    }
    pub fn statuses(&self) -> Vec<(String, u16)> {
        std::mem::take(&mut *self.log.lock().unwrap())
    }
}

/// A recorded REST answer from `../shared/data/github_rest`; `None` (skip) only when
/// `../shared` is absent, a panic when it is there without the file. The including crate
/// includes `shared_data.rs` as `mod shared_data` too.
pub fn recorded(name: &str) -> Option<String> {
    let p = crate::shared_data::shared_data(&format!("github_rest/{name}"))?;
    Some(std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display())))
}

/// PyGithub#31 merged (a trimmed stub: no author), jacquev6's review on it (trimmed PR), and a
/// merge of a PR the API no longer has.
pub fn trimmed_hour(dir: &Path) -> PathBuf {
    let stub = |n: u64| {
        format!(
            r#"{{"url":"https://api.github.com/repos/PyGithub/PyGithub/pulls/{n}","id":{n}00,"number":{n},"head":{{"ref":"a","sha":"b","repo":{{"id":3544490,"url":"x","name":"PyGithub"}}}},"base":{{"ref":"main","sha":"c","repo":{{"id":3544490,"url":"x","name":"PyGithub"}}}}}}"#
        )
    };
    let lines = [
        format!(
            r#"{{"id":"50000000001","type":"PullRequestEvent","actor":{{"id":1,"login":"maintainer"}},"repo":{{"id":3544490,"name":"PyGithub/PyGithub"}},"payload":{{"action":"merged","number":31,"pull_request":{}}},"public":true,"created_at":"2025-11-02T10:00:00Z"}}"#,
            stub(31)
        ),
        format!(
            r#"{{"id":"50000000002","type":"PullRequestEvent","actor":{{"id":1,"login":"maintainer"}},"repo":{{"id":3544490,"name":"PyGithub/PyGithub"}},"payload":{{"action":"merged","number":99999,"pull_request":{}}},"public":true,"created_at":"2025-11-02T11:00:00Z"}}"#,
            stub(99999)
        ),
        format!(
            r#"{{"id":"50000000003","type":"PullRequestReviewEvent","actor":{{"id":327146,"login":"jacquev6"}},"repo":{{"id":3544490,"name":"PyGithub/PyGithub"}},"payload":{{"action":"created","review":{{"id":77,"user":{{"id":327146,"login":"jacquev6"}},"state":"approved","submitted_at":"2025-11-02T09:00:00Z","html_url":"https://github.com/PyGithub/PyGithub/pull/31#pullrequestreview-77"}},"pull_request":{}}},"public":true,"created_at":"2025-11-02T09:00:00Z"}}"#,
            stub(31)
        ),
    ];
    let p = dir.join("2025-11-02-10.json");
    std::fs::write(&p, lines.join("\n") + "\n").unwrap();
    p
}
