//! Dumps of Hub records, as `--from-dir` reads them:
//!
//! - a **folder** in the `models/<author>/<name>/{infos.json,README.md}` layout (the shared
//!   `hub-2022` dump): every `infos.json` under it, with the `README.md` beside it;
//! - the same layout as a **`.tar.zst`** (or a plain `.tar`), decoded as it is read (pure Rust:
//!   no `zstd` or `tar` program needed);
//! - **JSON**: one record a line (`.jsonl`, `.ndjson` or any other file), or one array of
//!   records (what `/api/models` answers). A line may carry its card as a `card` string.
//!
//! A record that cannot be read is reported (its file or line, the field and why) and skipped;
//! every good one is handed on. An input cut short (a truncated archive, an unreadable file)
//! keeps everything before the damage and says so in `ended_early`.

use super::record::{self, Model};
use builtby_model::{ReadReport, Source};
use serde_json::Value;
use std::collections::BTreeMap;
use std::io::{self, BufRead, Read};
use std::path::{Path, PathBuf};

/// One good record of a dump, with its card.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub model: Model,
    /// The model card (README.md), when the dump has one.
    pub card: Option<String>,
    /// Where it was read: `models/a/b/infos.json`, `line 12`.
    pub place: String,
}

/// What kind of dump a path is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Folder,
    TarZst,
    Tar,
    Json,
}

#[derive(Debug, thiserror::Error)]
pub enum DumpError {
    #[error("{path}: {source}")]
    Open { path: PathBuf, source: io::Error },
    #[error("{path}: nothing to read (no infos.json under it)")]
    Empty { path: PathBuf },
}

/// Cards longer than this are cut (scoring saturates long before).
pub const MAX_CARD_BYTES: usize = 1 << 20;

pub fn kind(path: &Path) -> Result<Kind, DumpError> {
    let meta = std::fs::metadata(path).map_err(|source| DumpError::Open {
        path: path.to_path_buf(),
        source,
    })?;
    if meta.is_dir() {
        return Ok(Kind::Folder);
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    Ok(if name.ends_with(".tar.zst") || name.ends_with(".tzst") {
        Kind::TarZst
    } else if name.ends_with(".tar") {
        Kind::Tar
    } else {
        Kind::Json
    })
}

/// The identity of a dump for the ingest log: its size and a 128-bit xxh3 of its bytes (a
/// folder: of every `infos.json` and `README.md` under it, with their relative paths, in
/// path order).
pub fn checksum(path: &Path) -> Result<(u64, String), DumpError> {
    let open = |p: &Path, source| DumpError::Open {
        path: p.to_path_buf(),
        source,
    };
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    let mut size = 0u64;
    let mut hash_file = |p: &Path, h: &mut xxhash_rust::xxh3::Xxh3| -> Result<(), DumpError> {
        let mut f = std::fs::File::open(p).map_err(|e| open(p, e))?;
        let mut buf = vec![0u8; 1 << 16];
        loop {
            let n = f.read(&mut buf).map_err(|e| open(p, e))?;
            if n == 0 {
                return Ok(());
            }
            size += n as u64;
            h.update(&buf[..n]);
        }
    };
    match kind(path)? {
        Kind::Folder => {
            for f in folder_files(path).map_err(|e| open(path, e))? {
                let rel = f.strip_prefix(path).unwrap_or(&f);
                h.update(rel.to_string_lossy().as_bytes());
                h.update(&[0]);
                hash_file(&f, &mut h)?;
                h.update(&[0]);
            }
        }
        _ => hash_file(path, &mut h)?,
    }
    Ok((size, format!("xxh3-128:{:032x}", h.digest128())))
}

/// Every `infos.json` and `README.md` under `dir`, in path order.
fn folder_files(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d)? {
            let e = e?;
            let t = e.file_type()?;
            let p = e.path();
            if t.is_dir() {
                stack.push(p);
            } else if t.is_file()
                && matches!(
                    p.file_name().and_then(|n| n.to_str()),
                    Some("infos.json" | "README.md")
                )
            {
                out.push(p);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Reads the dump at `path`, handing each good record to `on`. Errors only when it cannot be
/// opened at all; damage later is `ended_early` in the report.
pub fn read(path: &Path, on: &mut dyn FnMut(Item)) -> Result<ReadReport, DumpError> {
    let mut report = ReadReport::new(Source::Huggingface);
    let open = |source| DumpError::Open {
        path: path.to_path_buf(),
        source,
    };
    match kind(path)? {
        Kind::Folder => {
            let files = folder_files(path).map_err(open)?;
            if !files.iter().any(|f| f.ends_with("infos.json")) {
                return Err(DumpError::Empty {
                    path: path.to_path_buf(),
                });
            }
            read_folder(path, &files, &mut report, on);
        }
        Kind::TarZst => {
            let f = std::fs::File::open(path).map_err(open)?;
            let mut f = io::BufReader::new(f);
            match ruzstd::decoding::StreamingDecoder::new(&mut f) {
                Ok(dec) => read_tar(dec, &mut report, on),
                Err(e) => {
                    return Err(open(io::Error::new(
                        io::ErrorKind::InvalidData,
                        format!("not zstd: {e}"),
                    )))
                }
            }
        }
        Kind::Tar => {
            let f = std::fs::File::open(path).map_err(open)?;
            read_tar(io::BufReader::new(f), &mut report, on);
        }
        Kind::Json => {
            let f = std::fs::File::open(path).map_err(open)?;
            read_json(io::BufReader::new(f), &mut report, on);
        }
    }
    Ok(report)
}

/// One record's bytes, checked, counted and handed on.
fn take(
    report: &mut ReadReport,
    place: &str,
    infos: &[u8],
    card: Option<&[u8]>,
    on: &mut dyn FnMut(Item),
) {
    report.read += 1;
    *report.by_type.entry("model".into()).or_default() += 1;
    report.bytes += infos.len() as u64 + card.map_or(0, |c| c.len() as u64);
    let v: Value = match serde_json::from_slice(infos) {
        Ok(v) => v,
        Err(e) => {
            report.skip("not JSON", format!("{place}: not JSON: {e}"));
            return;
        }
    };
    take_value(report, place, &v, card.and_then(card_text), on);
}

/// What the shared 2022 dump's scraper wrote where a model has no card: the Hub's error.
const NO_CARD: &str = "Error: the path 'README.md' does not exist";

/// A card's text (cut at [`MAX_CARD_BYTES`]); `None` for the scraper's "no card" error.
fn card_text(b: &[u8]) -> Option<String> {
    let b = &b[..b.len().min(MAX_CARD_BYTES)];
    let text = String::from_utf8_lossy(b);
    (!text.trim_start().starts_with(NO_CARD)).then(|| text.into_owned())
}

fn take_value(
    report: &mut ReadReport,
    place: &str,
    v: &Value,
    card: Option<String>,
    on: &mut dyn FnMut(Item),
) {
    match record::parse(v) {
        Ok(m) if m.private => report.skip("private", format!("{place}: {}: private", m.id)),
        Ok(model) => {
            if card.is_some() {
                *report.by_type.entry("model card".into()).or_default() += 1;
            }
            on(Item {
                model,
                card,
                place: place.to_string(),
            });
        }
        Err(e) => report.skip(e.reason(), format!("{place}: {e}")),
    }
}

fn read_folder(root: &Path, files: &[PathBuf], report: &mut ReadReport, on: &mut dyn FnMut(Item)) {
    for f in files.iter().filter(|f| f.ends_with("infos.json")) {
        let place = f
            .strip_prefix(root)
            .unwrap_or(f)
            .to_string_lossy()
            .into_owned();
        let infos = match std::fs::read(f) {
            Ok(b) => b,
            Err(e) => {
                report.ended_early = Some(format!("{}: {e}", f.display()));
                return;
            }
        };
        let readme = f.with_file_name("README.md");
        let card = match std::fs::read(&readme) {
            Ok(b) => Some(b),
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(e) => {
                report.ended_early = Some(format!("{}: {e}", readme.display()));
                return;
            }
        };
        take(report, &place, &infos, card.as_deref(), on);
    }
    for f in files.iter().filter(|f| f.ends_with("README.md")) {
        if !f.with_file_name("infos.json").exists() {
            let place = f.strip_prefix(root).unwrap_or(f).display().to_string();
            report.skip(
                "card without a record",
                format!("{place}: no infos.json beside it"),
            );
        }
    }
}

/// A model's folder in an archive path (`…/models/a/b/infos.json` → `…/models/a/b`), and which
/// file it is.
fn split_entry(path: &str) -> Option<(&str, bool)> {
    let (dir, file) = path.rsplit_once('/')?;
    match file {
        "infos.json" => Some((dir, true)),
        "README.md" => Some((dir, false)),
        _ => None,
    }
}

/// A model folder's `infos.json` and `README.md`, as far as the archive has given them.
type Pair = (Option<Vec<u8>>, Option<Vec<u8>>);

fn read_tar<R: Read>(r: R, report: &mut ReadReport, on: &mut dyn FnMut(Item)) {
    let mut tar = super::tar::Reader::new(r);
    // Folders seen with one of their two files: kept until the other comes (archives list a
    // folder's files together, so this stays small).
    let mut pending: BTreeMap<String, Pair> = BTreeMap::new();
    let mut entries = 0u64;
    loop {
        let e = match tar.next_entry() {
            Ok(Some(e)) => e,
            Ok(None) => break,
            Err(e) => {
                report.ended_early = Some(format!(
                    "the archive is cut short or damaged after {entries} entries ({e}); the records before it are kept"
                ));
                break;
            }
        };
        entries += 1;
        let Some((dir, is_infos)) = split_entry(&e.path) else {
            continue;
        };
        let Some(data) = e.data else {
            report.skip(
                "too large",
                format!(
                    "{}: {} bytes, over the {} allowed",
                    e.path,
                    e.size,
                    super::tar::MAX_ENTRY
                ),
            );
            continue;
        };
        let slot = pending.entry(dir.to_string()).or_default();
        if is_infos {
            slot.0 = Some(data);
        } else {
            slot.1 = Some(data);
        }
        if let (Some(_), Some(_)) = slot {
            let (infos, card) = pending.remove(dir).expect("just filled");
            let place = format!("{dir}/infos.json");
            take(report, &place, &infos.expect("both"), card.as_deref(), on);
        }
    }
    for (dir, (infos, card)) in pending {
        match infos {
            Some(infos) => take(
                report,
                &format!("{dir}/infos.json"),
                &infos,
                card.as_deref(),
                on,
            ),
            None if report.ended_early.is_none() => report.skip(
                "card without a record",
                format!("{dir}/README.md: no infos.json beside it"),
            ),
            None => {}
        }
    }
}

fn read_json<R: BufRead>(mut r: R, report: &mut ReadReport, on: &mut dyn FnMut(Item)) {
    // One array of records (an `/api/models` answer), or one record a line.
    let starts_array = match r.fill_buf() {
        Ok(b) => {
            b.iter()
                .find(|c| !c.is_ascii_whitespace() && **c != 0xEF && **c != 0xBB && **c != 0xBF)
                == Some(&b'[')
        }
        Err(e) => {
            report.ended_early = Some(e.to_string());
            return;
        }
    };
    if starts_array {
        let mut text = Vec::new();
        if let Err(e) = r.read_to_end(&mut text) {
            report.ended_early = Some(e.to_string());
            return;
        }
        match serde_json::from_slice::<Vec<Value>>(&text) {
            Ok(items) => {
                for (i, v) in items.iter().enumerate() {
                    report.read += 1;
                    *report.by_type.entry("model".into()).or_default() += 1;
                    take_value(report, &format!("item {}", i + 1), v, card_of(v), on);
                }
            }
            Err(e) => report.ended_early = Some(format!("not a JSON array of records: {e}")),
        }
        return;
    }
    let mut line = Vec::new();
    let mut n = 0u64;
    loop {
        line.clear();
        match r.read_until(b'\n', &mut line) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) => {
                report.ended_early = Some(format!("after line {n}: {e}"));
                return;
            }
        }
        n += 1;
        let text = String::from_utf8_lossy(&line);
        let t = text.trim();
        if t.is_empty() {
            continue;
        }
        report.read += 1;
        *report.by_type.entry("model".into()).or_default() += 1;
        report.bytes += line.len() as u64;
        let place = format!("line {n}");
        match serde_json::from_str::<Value>(t) {
            Ok(v) => take_value(report, &place, &v, card_of(&v), on),
            Err(e) => report.skip("not JSON", format!("{place}: not JSON: {e}")),
        }
    }
}

/// The card a JSON record carries along (`card`, or `readme`), if any.
fn card_of(v: &Value) -> Option<String> {
    ["card", "readme", "README.md"]
        .iter()
        .find_map(|k| v.get(*k).and_then(Value::as_str))
        .map(|s| builtby_model::prefix(s, MAX_CARD_BYTES).to_string())
}
