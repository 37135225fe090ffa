//! A fake GH Archive for tests: a loopback HTTP/1.1 server of hour files by name
//! (`/2015-01-01-3.json.gz`), honouring `Range: bytes=N-` (206 with `Content-Range`, 416 past the
//! end), with faults a test queues per file: cut the answer after N bytes (the connection
//! closes), stall after N bytes (send nothing more until the test ends), ignore `Range`
//! (answer 200, the whole file), or answer a status. Every request is logged with its
//! `Range`. Included with `#[path = "…/test-support/fake_gharchive.rs"] mod fake_gharchive;`.
#![allow(dead_code)]

use std::collections::{HashMap, VecDeque};
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What the server does with one request for a file (queued per file, first request first).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Send the head and this many bytes of the body, then close the connection.
    CutAfter(usize),
    /// Send the head and this many bytes of the body, then send nothing more, ever.
    StallAfter(usize),
    /// Answer 200 with the whole file, whatever `Range` asked.
    IgnoreRange,
    /// Answer this status with an empty body.
    Status(u16),
}

/// One request as the server saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub path: String,
    pub range: Option<String>,
    pub status: u16,
}

#[derive(Default)]
struct State {
    files: HashMap<String, Arc<Vec<u8>>>,
    faults: HashMap<String, VecDeque<Fault>>,
    /// Bytes of body sent per file, over all its answers.
    sent: HashMap<String, usize>,
    log: Vec<Request>,
}

pub struct FakeArchive {
    /// `http://127.0.0.1:PORT`: what `BUILTBY_GHARCHIVE_URL` is set to.
    pub url: String,
    state: Arc<Mutex<State>>,
}

impl FakeArchive {
    /// A server on a free loopback port, serving nothing yet. Runs until the test ends.
    pub fn start() -> FakeArchive {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", l.local_addr().unwrap());
        let state: Arc<Mutex<State>> = Arc::default();
        let st = state.clone();
        std::thread::spawn(move || {
            for s in l.incoming() {
                let Ok(s) = s else { continue };
                let st = st.clone();
                std::thread::spawn(move || answer(s, &st));
            }
        });
        FakeArchive { url, state }
    }

    /// Serves `bytes` as `/<name>`.
    pub fn serve(&self, name: &str, bytes: Vec<u8>) {
        self.state
            .lock()
            .unwrap()
            .files
            .insert(name.to_string(), Arc::new(bytes));
    }

    /// Serves a file under its own name.
    pub fn serve_file(&self, path: &Path) {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        self.serve(&name, std::fs::read(path).unwrap());
    }

    /// Queues a fault for the next request for `/<name>` without one.
    pub fn fault(&self, name: &str, f: Fault) {
        self.state
            .lock()
            .unwrap()
            .faults
            .entry(name.to_string())
            .or_default()
            .push_back(f);
    }

    /// Every request so far, in order.
    pub fn requests(&self) -> Vec<Request> {
        self.state.lock().unwrap().log.clone()
    }

    /// Requests for `/<name>`.
    pub fn requests_for(&self, name: &str) -> Vec<Request> {
        let p = format!("/{name}");
        self.requests()
            .into_iter()
            .filter(|r| r.path == p)
            .collect()
    }

    /// Body bytes sent for `/<name>` over all its answers.
    pub fn sent(&self, name: &str) -> usize {
        self.state
            .lock()
            .unwrap()
            .sent
            .get(name)
            .copied()
            .unwrap_or(0)
    }
}

fn answer(mut s: std::net::TcpStream, st: &Mutex<State>) {
    let mut r = BufReader::new(s.try_clone().unwrap());
    let mut first = String::new();
    if r.read_line(&mut first).is_err() {
        return;
    }
    let path = first.split(' ').nth(1).unwrap_or("/").to_string();
    let mut range = None;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
        if let Some((k, v)) = line.split_once(':') {
            if k.eq_ignore_ascii_case("range") {
                range = Some(v.trim().to_string());
            }
        }
    }
    let name = path.trim_start_matches('/').to_string();
    let (file, fault) = {
        let mut g = st.lock().unwrap();
        let fault = g.faults.get_mut(&name).and_then(|q| q.pop_front());
        (g.files.get(&name).cloned(), fault)
    };
    let start = range
        .as_deref()
        .and_then(|r| r.strip_prefix("bytes="))
        .and_then(|r| r.strip_suffix('-'))
        .and_then(|n| n.parse::<usize>().ok());
    let (status, head, body): (u16, String, &[u8]) = match (&file, fault) {
        (_, Some(Fault::Status(code))) => (code, String::new(), &[]),
        (None, _) => (404, String::new(), &[]),
        (Some(f), Some(Fault::IgnoreRange)) => (200, String::new(), &f[..]),
        (Some(f), _) => match start {
            None => (200, String::new(), &f[..]),
            Some(n) if n >= f.len() => {
                (416, format!("Content-Range: bytes */{}\r\n", f.len()), &[])
            }
            Some(n) => (
                206,
                format!("Content-Range: bytes {n}-{}/{}\r\n", f.len() - 1, f.len()),
                &f[n..],
            ),
        },
    };
    st.lock().unwrap().log.push(Request {
        path: path.clone(),
        range,
        status,
    });
    let head = format!(
        "HTTP/1.1 {status} X\r\nContent-Type: application/gzip\r\nContent-Length: {}\r\nAccept-Ranges: bytes\r\nConnection: close\r\n{head}\r\n",
        body.len()
    );
    if s.write_all(head.as_bytes()).is_err() {
        return;
    }
    let send = |s: &mut std::net::TcpStream, part: &[u8]| {
        // in small writes, so a reader sees the bytes as they come
        for c in part.chunks(16 << 10) {
            if s.write_all(c).is_err() {
                return false;
            }
            st.lock()
                .unwrap()
                .sent
                .entry(name.clone())
                .and_modify(|n| *n += c.len())
                .or_insert(c.len());
        }
        let _ = s.flush();
        true
    };
    match fault {
        Some(Fault::CutAfter(n)) => {
            send(&mut s, &body[..n.min(body.len())]);
            let _ = s.shutdown(std::net::Shutdown::Both);
        }
        Some(Fault::StallAfter(n)) => {
            send(&mut s, &body[..n.min(body.len())]);
            loop {
                std::thread::sleep(Duration::from_secs(3600));
            }
        }
        _ => {
            send(&mut s, body);
        }
    }
}
