//! GH Archive files into the store: parallel parse, ordered single-writer load.

use crate::locations::Locations;
use crate::{FileOutcome, FileReport, IngestError, IngestReport, Progress};
use builtby_model::Record;
use builtby_sources::gharchive::{read_lines, FileStats, LineReader, Outcome};
use builtby_store::{InputFile, Store};
use std::collections::HashSet;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};

/// Records per message between a parser and the writer.
const CHUNK: usize = 4096;
/// Messages a parser may run ahead of the writer, per file.
const AHEAD: usize = 4;
/// Files a parser may start ahead of the one the writer is loading. A file of fewer than
/// `AHEAD × CHUNK` records never blocks its parser, so without this bound a folder of small
/// files (hours scoped to a few repositories; `bench scale`'s generated hours) was parsed whole
/// into memory ahead of the slower writer: 7 GB for 17,544 hours of ~6 events each, as every
/// chunk reserves `CHUNK` records. NOTE for the `--from/--to/--scope` pipeline (issue 14 part
/// 3): its feed of local files needs the same bound.
const FILES_AHEAD: usize = 8;

/// How far the writer is: parsers wait before starting a file more than [`FILES_AHEAD`]
/// ahead of it, and stop waiting once the writer has stopped.
#[derive(Default)]
struct Window {
    /// (files written, writer stopped)
    state: std::sync::Mutex<(usize, bool)>,
    moved: std::sync::Condvar,
}

impl Window {
    /// Waits until file `i` may be parsed; false when the writer has stopped.
    fn wait_for(&self, i: usize) -> bool {
        let mut g = self.state.lock().unwrap_or_else(|e| e.into_inner());
        while i >= g.0 + FILES_AHEAD && !g.1 {
            g = self.moved.wait(g).unwrap_or_else(|e| e.into_inner());
        }
        !g.1
    }
    fn advance(&self) {
        self.state.lock().unwrap_or_else(|e| e.into_inner()).0 += 1;
        self.moved.notify_all();
    }
    fn stop(&self) {
        self.state.lock().unwrap_or_else(|e| e.into_inner()).1 = true;
        self.moved.notify_all();
    }
}

enum Msg {
    Start(InputFile),
    Records(Vec<Record>),
    Done(Box<FileStats>),
    Failed(String),
    AlreadyLoaded(String),
}

/// The identity of an input: size and a 128-bit xxh3 of its bytes.
pub fn checksum(path: &Path) -> std::io::Result<(u64, String)> {
    let mut f = std::fs::File::open(path)?;
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut size = 0u64;
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        size += n as u64;
        h.update(&buf[..n]);
    }
    Ok((size, format!("xxh3-128:{:032x}", h.digest128())))
}

/// Ingests `files` (in this order) with `threads` parser threads.
pub fn ingest_files(
    store: &mut Store,
    files: &[PathBuf],
    threads: usize,
    progress: &dyn Progress,
) -> Result<IngestReport, IngestError> {
    ingest(store, files, threads, progress, None)
}

/// [`ingest_files`], and the parsers hand every profile location they meet to `locations`,
/// which normalises them while the files load (see [`crate::locations`]).
pub fn ingest_files_noting(
    store: &mut Store,
    files: &[PathBuf],
    threads: usize,
    progress: &dyn Progress,
    locations: &Locations,
) -> Result<IngestReport, IngestError> {
    ingest(store, files, threads, progress, Some(locations))
}

fn ingest(
    store: &mut Store,
    files: &[PathBuf],
    threads: usize,
    progress: &dyn Progress,
    locations: Option<&Locations>,
) -> Result<IngestReport, IngestError> {
    let loaded: HashSet<String> = store.loaded_checksums()?;
    let channels: Vec<(SyncSender<Msg>, Receiver<Msg>)> =
        files.iter().map(|_| sync_channel(AHEAD)).collect();
    let (senders, receivers): (Vec<_>, Vec<_>) = channels.into_iter().unzip();
    let next = AtomicUsize::new(0);
    let bytes = AtomicU64::new(0);
    let threads = threads.clamp(1, files.len().max(1));
    let window = Window::default();
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                let Some(path) = files.get(i) else { break };
                if !window.wait_for(i) {
                    break;
                }
                parse_one(path, &senders[i], &loaded, &bytes, locations);
            });
        }
        let r = write_all(store, files, receivers, &bytes, progress, &|| {
            window.advance()
        });
        // On a store error the receivers are gone: parsers see closed channels and stop, and
        // those waiting to start a file stop waiting.
        window.stop();
        r
    })
}

fn parse_one(
    path: &Path,
    tx: &SyncSender<Msg>,
    loaded: &HashSet<String>,
    bytes: &AtomicU64,
    locations: Option<&Locations>,
) {
    let (size, sum) = match checksum(path) {
        Ok(x) => x,
        Err(e) => {
            let _ = tx.send(Msg::Failed(format!("{}: cannot open: {e}", path.display())));
            return;
        }
    };
    if loaded.contains(&sum) {
        bytes.fetch_add(size, Ordering::Relaxed);
        let _ = tx.send(Msg::AlreadyLoaded(sum));
        return;
    }
    let mut reader = match LineReader::open(path) {
        Ok(r) => r,
        Err(e) => {
            let _ = tx.send(Msg::Failed(e.to_string()));
            return;
        }
    };
    if tx
        .send(Msg::Start(InputFile {
            source: builtby_model::Source::Gharchive,
            path: path.to_path_buf(),
            size,
            checksum: sum,
        }))
        .is_err()
    {
        return;
    }
    let counter = reader.byte_counter();
    let mut reported = 0u64;
    let mut chunk = Vec::with_capacity(CHUNK);
    let mut closed = false;
    let stats = read_lines(&mut reader, |line| {
        if closed {
            return;
        }
        match line.outcome {
            Outcome::Contribution(c) => {
                if let (Some(l), Some(text)) = (
                    locations,
                    c.contribution
                        .profile
                        .as_ref()
                        .and_then(|p| p.location.as_deref()),
                ) {
                    l.note(text);
                }
                chunk.push(Record::Contribution(Box::new(c.contribution)))
            }
            Outcome::Pointer { pointer, .. } => chunk.push(Record::Pointer(pointer)),
            _ => {}
        }
        let at = line.seen.at;
        chunk.extend(
            line.seen
                .accounts
                .into_iter()
                .map(|account| Record::Seen { account, at }),
        );
        if chunk.len() >= CHUNK {
            let now = counter.load(Ordering::Relaxed);
            bytes.fetch_add(now - reported, Ordering::Relaxed);
            reported = now;
            closed = tx
                .send(Msg::Records(std::mem::replace(
                    &mut chunk,
                    Vec::with_capacity(CHUNK),
                )))
                .is_err();
        }
    });
    bytes.fetch_add(
        counter.load(Ordering::Relaxed).saturating_sub(reported),
        Ordering::Relaxed,
    );
    if !chunk.is_empty() {
        let _ = tx.send(Msg::Records(chunk));
    }
    let _ = tx.send(Msg::Done(Box::new(stats)));
}

fn write_all(
    store: &mut Store,
    files: &[PathBuf],
    receivers: Vec<Receiver<Msg>>,
    bytes: &AtomicU64,
    progress: &dyn Progress,
    written: &dyn Fn(),
) -> Result<IngestReport, IngestError> {
    let mut report = IngestReport::default();
    for (path, rx) in files.iter().zip(receivers) {
        let outcome = write_one(store, &rx, bytes, progress)?;
        written();
        let events = match &outcome {
            FileOutcome::Loaded { report, .. } => report.read,
            _ => 0,
        };
        let fr = FileReport {
            path: path.clone(),
            outcome,
        };
        progress.bytes(bytes.load(Ordering::Relaxed));
        progress.file_done(&fr, events);
        report.files.push(fr);
    }
    Ok(report)
}

fn write_one(
    store: &mut Store,
    rx: &Receiver<Msg>,
    bytes: &AtomicU64,
    progress: &dyn Progress,
) -> Result<FileOutcome, IngestError> {
    let input = match rx.recv() {
        Ok(Msg::Start(input)) => input,
        Ok(Msg::Failed(error)) => return Ok(FileOutcome::Failed { error }),
        Ok(Msg::AlreadyLoaded(sum)) => {
            return Ok(match store.loaded(&sum)? {
                Some(l) => FileOutcome::already(&l),
                None => FileOutcome::AlreadyLoaded,
            })
        }
        Ok(_) | Err(_) => {
            return Ok(FileOutcome::Failed {
                error: "parser stopped unexpectedly".into(),
            })
        }
    };
    // Checked again here, inside the write transaction: the same bytes may appear twice in
    // one run under two names, or another process may have loaded them since the parsers
    // looked. The parser's sender lives until the thread scope ends, so draining `rx` to its
    // end would wait forever: return, and the caller drops `rx`, which stops the parser's
    // sends. Dropping the batch rolls it back.
    let mut load = store.begin()?;
    if let Some(l) = load.loaded(&input.checksum)? {
        return Ok(FileOutcome::already(&l));
    }
    loop {
        match rx.recv() {
            Ok(Msg::Records(records)) => {
                for r in &records {
                    load.add(r)?;
                }
                progress.bytes(bytes.load(Ordering::Relaxed));
            }
            Ok(Msg::Done(stats)) => {
                let report = stats.report();
                let summary = load.commit(&input, &report)?;
                return Ok(FileOutcome::Loaded { summary, report });
            }
            Ok(_) | Err(_) => {
                return Ok(FileOutcome::Failed {
                    error: format!("{}: parser stopped unexpectedly", input.path.display()),
                })
            }
        }
    }
}
