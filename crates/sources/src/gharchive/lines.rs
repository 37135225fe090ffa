//! Numbered lines out of a GH Archive file, gzip or plain, with precise reasons when reading
//! stops early.
//!
//! `MultiGzDecoder`, not `GzDecoder`: the latter silently stops after the first gzip member,
//! and concatenated members are legal (and common when hours are stitched together).

use flate2::read::MultiGzDecoder;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// Why a file could not be read, or could not be read to its end.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("{path}: cannot open: {source}")]
    Open { path: PathBuf, source: io::Error },
    #[error("{path}: not a gzip file (it starts with {start:?}); GH Archive files are .json.gz")]
    NotGzip { path: PathBuf, start: String },
    #[error(
        "{path}: ended early after line {after_line}: {detail}; the lines before it were kept"
    )]
    EndedEarly {
        path: PathBuf,
        after_line: u64,
        detail: String,
    },
}

/// One line of input: `text` without its newline; `complete` is false for a last line that had
/// no newline (possibly cut short).
pub struct Line<'a> {
    pub number: u64,
    pub text: &'a [u8],
    pub complete: bool,
}

/// Counts bytes read from the underlying file, shared so progress can be read from outside.
struct Counting<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

pub struct LineReader {
    path: PathBuf,
    inner: Box<dyn BufRead + Send>,
    buf: Vec<u8>,
    number: u64,
    bytes: Arc<AtomicU64>,
    /// Set for a plain file holding pretty-printed JSON (one event spread over many lines):
    /// the whole document, and the offset of the next value in it.
    document: Option<(Vec<u8>, usize)>,
}

/// Largest pretty-printed (non line-delimited) JSON file read whole.
const MAX_DOCUMENT: u64 = 64 << 20;

impl LineReader {
    /// Opens `path`: gzip when it starts with the gzip magic, an error when it is named `.gz`
    /// but is not gzip, plain newline-delimited JSON otherwise.
    pub fn open(path: &Path) -> Result<LineReader, ReadError> {
        let open_err = |source| ReadError::Open {
            path: path.to_path_buf(),
            source,
        };
        let mut file = File::open(path).map_err(open_err)?;
        if file.metadata().map_err(open_err)?.is_dir() {
            return Err(open_err(io::Error::other("is a directory")));
        }
        let mut head = [0u8; 2];
        let got = read_up_to(&mut file, &mut head).map_err(open_err)?;
        let is_gzip = got == 2 && head == GZIP_MAGIC;
        let named_gz = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("gz"));
        if named_gz && !is_gzip && got > 0 {
            let mut start = head[..got].to_vec();
            let mut more = [0u8; 14];
            let n = read_up_to(&mut file, &mut more).unwrap_or(0);
            start.extend_from_slice(&more[..n]);
            return Err(ReadError::NotGzip {
                path: path.to_path_buf(),
                start: String::from_utf8_lossy(&start).into_owned(),
            });
        }
        let bytes = Arc::new(AtomicU64::new(got as u64));
        let counted = Counting {
            inner: file,
            count: bytes.clone(),
        };
        let rest = io::Cursor::new(head[..got].to_vec()).chain(counted);
        let inner: Box<dyn BufRead + Send> = if is_gzip {
            Box::new(BufReader::with_capacity(
                1 << 18,
                MultiGzDecoder::new(BufReader::with_capacity(1 << 16, rest)),
            ))
        } else {
            Box::new(BufReader::with_capacity(1 << 18, rest))
        };
        let mut reader = LineReader {
            path: path.to_path_buf(),
            inner,
            buf: Vec::with_capacity(1 << 14),
            number: 0,
            bytes,
            document: None,
        };
        if !is_gzip
            && reader
                .inner
                .fill_buf()
                .map(|b| b.starts_with(b"{\n") || b.starts_with(b"{\r\n"))
                .unwrap_or(false)
        {
            // A pretty-printed event (the way single events are shared): read it as a document.
            let mut doc = Vec::new();
            (&mut reader.inner)
                .take(MAX_DOCUMENT)
                .read_to_end(&mut doc)
                .map_err(open_err)?;
            reader.document = Some((doc, 0));
        }
        Ok(reader)
    }

    /// The next top-level JSON value of a pretty-printed document, as one "line" numbered by
    /// the line it starts on.
    fn next_value(&mut self) -> Result<Option<Line<'_>>, ReadError> {
        let (doc, pos) = self.document.as_mut().expect("document mode");
        let rest = &doc[*pos..];
        let skip = rest.iter().take_while(|b| b.is_ascii_whitespace()).count();
        if skip == rest.len() {
            *pos = doc.len();
            return Ok(None);
        }
        let start = *pos + skip;
        let line_no = doc[..start].iter().filter(|&&b| b == b'\n').count() as u64 + 1;
        let mut stream = serde_json::Deserializer::from_slice(&doc[start..])
            .into_iter::<serde::de::IgnoredAny>();
        let end = match stream.next() {
            Some(Ok(_)) => start + stream.byte_offset(),
            // Not valid JSON: hand the rest over as one line, so the caller names the reason.
            _ => doc.len(),
        };
        *pos = end;
        self.number = line_no;
        Ok(Some(Line {
            number: line_no,
            text: &doc[start..end],
            complete: true,
        }))
    }

    /// The next line, `Ok(None)` at a clean end, `Err` when the stream breaks (the lines before
    /// were already returned).
    pub fn next_line(&mut self) -> Result<Option<Line<'_>>, ReadError> {
        if self.document.is_some() {
            return self.next_value();
        }
        self.buf.clear();
        match self.inner.read_until(b'\n', &mut self.buf) {
            Ok(0) => Ok(None),
            Ok(_) => {
                self.number += 1;
                let complete = self.buf.last() == Some(&b'\n');
                let mut text = &self.buf[..];
                while let [rest @ .., b'\n' | b'\r'] = text {
                    text = rest;
                }
                Ok(Some(Line {
                    number: self.number,
                    text,
                    complete,
                }))
            }
            Err(e) => {
                let detail = match e.kind() {
                    io::ErrorKind::UnexpectedEof => {
                        "gzip stream cut short (truncated file)".to_string()
                    }
                    io::ErrorKind::InvalidInput | io::ErrorKind::InvalidData => {
                        format!("corrupt gzip data ({e})")
                    }
                    _ => e.to_string(),
                };
                Err(ReadError::EndedEarly {
                    path: self.path.clone(),
                    after_line: self.number,
                    detail,
                })
            }
        }
    }

    /// Bytes read from the file so far (compressed bytes for gzip).
    pub fn bytes_read(&self) -> u64 {
        self.bytes.load(Ordering::Relaxed)
    }

    /// A handle that reads [`Self::bytes_read`] from another thread, for progress bars.
    pub fn byte_counter(&self) -> Arc<AtomicU64> {
        self.bytes.clone()
    }
}

fn read_up_to(r: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match r.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(got)
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::write::GzEncoder;
    use std::io::Write;

    fn temp(name: &str, bytes: &[u8]) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("builtby-lines-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    }

    fn gz(text: &[u8]) -> Vec<u8> {
        let mut e = GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(text).unwrap();
        e.finish().unwrap()
    }

    fn all(path: &Path) -> (Vec<(u64, String, bool)>, Option<String>) {
        let mut r = LineReader::open(path).unwrap();
        let mut out = vec![];
        loop {
            match r.next_line() {
                Ok(Some(l)) => out.push((
                    l.number,
                    String::from_utf8_lossy(l.text).into_owned(),
                    l.complete,
                )),
                Ok(None) => return (out, None),
                Err(e) => return (out, Some(e.to_string())),
            }
        }
    }

    #[test]
    fn reads_gzip_members_and_marks_last_line() {
        let mut data = gz(b"a\nb\n");
        data.extend(gz(b"c\r\nd"));
        let (lines, err) = all(&temp("m.json.gz", &data));
        assert_eq!(err, None);
        assert_eq!(
            lines,
            vec![
                (1, "a".into(), true),
                (2, "b".into(), true),
                (3, "c".into(), true),
                (4, "d".into(), false)
            ]
        );
    }

    #[test]
    fn cut_gzip_keeps_lines_before_the_cut() {
        let text: String = (0..2000)
            .map(|i| format!("{{\"line\":{i},\"pad\":\"{}\"}}\n", i * 7919))
            .collect();
        let data = gz(text.as_bytes());
        let cut = &data[..data.len() / 2];
        let p = temp("cut.json.gz", cut);
        let (lines, err) = all(&p);
        let err = err.expect("a cut file must end early");
        assert!(
            err.contains("cut.json.gz") && err.contains("ended early after line"),
            "{err}"
        );
        assert!(lines.len() > 100, "kept {} lines", lines.len());
        // Every line but possibly the partial last one is intact.
        for (n, l, _) in &lines[..lines.len() - 1] {
            assert!(l.starts_with(&format!("{{\"line\":{}", n - 1)), "{l}");
        }
    }

    #[test]
    fn not_gzip_and_missing_and_empty() {
        let e = LineReader::open(&temp("x.json.gz", b"hello world"))
            .err()
            .unwrap()
            .to_string();
        assert!(
            e.contains("not a gzip file") && e.contains("x.json.gz"),
            "{e}"
        );
        let e = LineReader::open(Path::new("/nonexistent/2015-01-01-1.json.gz"))
            .err()
            .unwrap()
            .to_string();
        assert!(
            e.contains("cannot open") && e.contains("/nonexistent/2015-01-01-1.json.gz"),
            "{e}"
        );
        let (lines, err) = all(&temp("empty.json.gz", b""));
        assert!(lines.is_empty() && err.is_none());
        let (lines, err) = all(&temp("plain.json", b"{}\n{}\n"));
        assert_eq!((lines.len(), err), (2, None));
        let (lines, err) = all(&temp(
            "pretty.json",
            b"{\n  \"a\": 1,\n  \"b\": [1,\n 2]\n}\n{\n\"c\": 2}\n",
        ));
        assert_eq!(err, None);
        assert_eq!(
            lines
                .iter()
                .map(|l| (l.0, l.1.replace(['\n', ' '], "")))
                .collect::<Vec<_>>(),
            vec![
                (1, "{\"a\":1,\"b\":[1,2]}".to_string()),
                (6, "{\"c\":2}".to_string())
            ]
        );
    }
}
