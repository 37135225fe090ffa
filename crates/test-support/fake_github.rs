//! A fake GitHub for tests: a loopback HTTP/1.1 server whose answers a test decides per path
//! and per request count (faults included), counting requests. Included with
//! `#[path = "…/test-support/fake_github.rs"] mod fake_github;`.
#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
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
