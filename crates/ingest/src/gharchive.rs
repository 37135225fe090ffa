//! GH Archive files into the store: parallel parse, ordered single-writer load; [`hours`]
//! streams hours from GH Archive through the same load.

pub mod hours;

use crate::locations::Locations;
use crate::{FileOutcome, FileReport, IngestError, IngestReport, Progress};
use builtby_model::Record;
use builtby_sources::gharchive::{read_lines_in, FileStats, LineReader, Outcome, Scope};
use builtby_store::{InputFile, Store};
use std::collections::HashSet;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{channel, sync_channel, Receiver, Sender, SyncSender};
use std::sync::Mutex;

/// Records per message between a parser and the writer.
const CHUNK: usize = 4096;
/// Messages a parser may run ahead of the writer, per file.
const AHEAD: usize = 4;
/// Files parsers may start ahead of the file the writer is on: a file under `AHEAD × CHUNK`
/// records never blocks its parser, so without this bound a folder of small files is parsed
/// whole into memory ahead of the slower writer (7 GB for 17,544 generated hours of ~6
/// events, each chunk reserving 4,096 records).
const FILES_AHEAD: usize = 8;

/// How far the writer is: parsers wait before starting a file more than [`FILES_AHEAD`]
/// ahead of it, and stop waiting once the writer has stopped. By index, so the file the
/// writer waits for can always start: no deadlock.
#[derive(Default)]
struct Window {
    /// (files written, writer stopped)
    state: Mutex<(usize, bool)>,
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

pub(crate) enum Msg {
    /// The input as the ingest log will key it (its checksum and the scope's key), and the
    /// checksum alone (a whole load of the same bytes covers any scope).
    Start {
        input: InputFile,
        whole: String,
    },
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
    ingest_files_in(store, files, threads, progress, None, &Scope::all())
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
    ingest_files_in(
        store,
        files,
        threads,
        progress,
        Some(locations),
        &Scope::all(),
    )
}

/// [`ingest_files_noting`], keeping only the events of repositories in `scope` (see
/// [`builtby_sources::gharchive::scope`]). A file is logged under its checksum and the
/// scope's key, so loading it again in the same scope (or after it was loaded whole) changes
/// nothing, and in another scope loads what the first load left out.
pub fn ingest_files_in(
    store: &mut Store,
    files: &[PathBuf],
    threads: usize,
    progress: &dyn Progress,
    locations: Option<&Locations>,
    scope: &Scope,
) -> Result<IngestReport, IngestError> {
    let threads = threads.clamp(1, files.len().max(1));
    let stages = Stages {
        threads,
        progress,
        locations,
        scope,
    };
    run(
        store,
        &stages,
        |jobs| {
            for f in files {
                if !jobs.push(f.clone()) {
                    break;
                }
            }
        },
        &mut |_| {},
        &|| {},
    )
}

/// What the stages of a load share: parser threads, progress, the location noter, the scope.
pub(crate) struct Stages<'a> {
    pub threads: usize,
    pub progress: &'a dyn Progress,
    pub locations: Option<&'a Locations>,
    pub scope: &'a Scope,
}

/// Where inputs enter a running load, in the order they will be loaded: each pushed file
/// goes to the next free parser, and to the writer's queue.
pub(crate) struct Jobs {
    parse: Sender<(usize, PathBuf, SyncSender<Msg>)>,
    write: Sender<(PathBuf, Receiver<Msg>)>,
    pushed: std::cell::Cell<usize>,
}

impl Jobs {
    /// Queues `path`; false when the writer has stopped (a store error).
    pub fn push(&self, path: PathBuf) -> bool {
        let (tx, rx) = sync_channel(AHEAD);
        let i = self.pushed.get();
        self.pushed.set(i + 1);
        self.write.send((path.clone(), rx)).is_ok() && self.parse.send((i, path, tx)).is_ok()
    }
}

/// The load: `feed` pushes inputs (on its own thread) while `stages.threads` parsers read them
/// and this thread writes them, in the order pushed, one transaction each, calling `after`
/// with each file's report once its transaction is over. `writer_done` is called as soon as
/// the writer stops (all inputs written, or a store error), before the threads are joined, so
/// a feed waiting on the writer can give up.
pub(crate) fn run(
    store: &mut Store,
    stages: &Stages,
    feed: impl FnOnce(Jobs) + Send,
    after: &mut dyn FnMut(&FileReport),
    writer_done: &(dyn Fn() + Sync),
) -> Result<IngestReport, IngestError> {
    let loaded: HashSet<String> = store.loaded_checksums()?;
    let (parse_tx, parse_rx) = channel::<(usize, PathBuf, SyncSender<Msg>)>();
    let window = Window::default();
    let (write_tx, write_rx) = channel::<(PathBuf, Receiver<Msg>)>();
    let parse_rx = Mutex::new(parse_rx);
    let bytes = AtomicU64::new(0);
    std::thread::scope(|s| {
        s.spawn(|| {
            feed(Jobs {
                parse: parse_tx,
                write: write_tx,
                pushed: std::cell::Cell::new(0),
            })
        });
        for _ in 0..stages.threads.max(1) {
            s.spawn(|| loop {
                let job = parse_rx.lock().map(|rx| rx.recv());
                let Ok(Ok((i, path, tx))) = job else { break };
                if !window.wait_for(i) {
                    break;
                }
                parse_one(&path, &tx, &loaded, &bytes, stages.locations, stages.scope);
            });
        }
        let r = write_all(store, write_rx, &bytes, stages.progress, &mut |report| {
            window.advance();
            after(report)
        });
        // On a store error the receivers are gone: parsers see closed channels and stop (and
        // those waiting to start a file stop waiting), and the feed sees a closed queue.
        window.stop();
        writer_done();
        r
    })
}

fn parse_one(
    path: &Path,
    tx: &SyncSender<Msg>,
    loaded: &HashSet<String>,
    bytes: &AtomicU64,
    locations: Option<&Locations>,
    scope: &Scope,
) {
    let (size, sum) = match checksum(path) {
        Ok(x) => x,
        Err(e) => {
            let _ = tx.send(Msg::Failed(format!("{}: cannot open: {e}", path.display())));
            return;
        }
    };
    let key = scope.input_key(&sum);
    if let Some(k) = [&sum, &key].into_iter().find(|k| loaded.contains(*k)) {
        bytes.fetch_add(size, Ordering::Relaxed);
        let _ = tx.send(Msg::AlreadyLoaded(k.clone()));
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
        .send(Msg::Start {
            input: InputFile {
                source: builtby_model::Source::Gharchive,
                path: path.to_path_buf(),
                size,
                checksum: key,
            },
            whole: sum,
        })
        .is_err()
    {
        return;
    }
    let counter = reader.byte_counter();
    let mut reported = 0u64;
    let mut chunk = Vec::with_capacity(CHUNK);
    let mut closed = false;
    let stats = read_lines_in(&mut reader, scope, |line| {
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
    queue: Receiver<(PathBuf, Receiver<Msg>)>,
    bytes: &AtomicU64,
    progress: &dyn Progress,
    after: &mut dyn FnMut(&FileReport),
) -> Result<IngestReport, IngestError> {
    let mut report = IngestReport::default();
    for (path, rx) in queue {
        let outcome = write_one(store, &rx, bytes, progress)?;
        let events = match &outcome {
            FileOutcome::Loaded { report, .. } => report.read,
            _ => 0,
        };
        let fr = FileReport { path, outcome };
        progress.bytes(bytes.load(Ordering::Relaxed));
        progress.file_done(&fr, events);
        after(&fr);
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
    let (input, whole) = match rx.recv() {
        Ok(Msg::Start { input, whole }) => (input, whole),
        Ok(Msg::Failed(error)) => return Ok(FileOutcome::Failed { error }),
        Ok(Msg::AlreadyLoaded(key)) => {
            return Ok(match store.loaded(&key)? {
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
    // looked. The parser's sender lives until its job ends, so draining `rx` to its end
    // would wait: return, and the caller drops `rx`, which stops the parser's sends.
    // Dropping the batch rolls it back.
    let mut load = store.begin()?;
    for key in [&input.checksum, &whole] {
        if let Some(l) = load.loaded(key)? {
            return Ok(FileOutcome::already(&l));
        }
    }
    let mut added = 0u64;
    loop {
        match rx.recv() {
            Ok(Msg::Records(records)) => {
                for r in &records {
                    load.add(r)?;
                }
                added += records.len() as u64;
                progress.bytes(bytes.load(Ordering::Relaxed));
                progress.loading(&input.path, added);
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
