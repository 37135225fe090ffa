//! One Meta Kaggle CSV, read as a stream of rows whose columns are found by header name.
//!
//! The `csv` crate does the quoting (`""` inside quoted fields, commas and newlines inside
//! them) and hands back one record at a time into a reused buffer, so a table of any length
//! reads in constant memory. Fields are bytes until a caller asks for one: a row costs a UTF-8
//! check and a number parse only for the columns that row is used for.
//!
//! A required column that is missing from the header is a [`KaggleError::MissingColumn`]
//! naming the file, the column and what it is needed for (and, when a header name is close,
//! what it was probably renamed to), found before any row is read. A bad row (wrong number of
//! fields, a value that is not a number or a date) is reported as `file:line: …` and skipped.

use super::KaggleError;
use csv::{ByteRecord, ReaderBuilder};
use std::io::Read;
use std::path::Path;

/// A column a reader needs, by its header name.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub name: &'static str,
    /// Names the same column has in other Meta Kaggle versions.
    pub aliases: &'static [&'static str],
    /// Without it the table cannot be used at all (else the value is simply unknown).
    pub required: bool,
    /// What it is needed for, for the error that names it.
    pub needed_for: &'static str,
}

pub const fn req(name: &'static str, needed_for: &'static str) -> Column {
    Column {
        name,
        aliases: &[],
        required: true,
        needed_for,
    }
}

pub const fn opt(name: &'static str, needed_for: &'static str) -> Column {
    Column {
        name,
        aliases: &[],
        required: false,
        needed_for,
    }
}

/// A row that is reported and skipped: the reason (counted) and the message (kept).
#[derive(Debug, Clone, PartialEq)]
pub struct Bad {
    pub reason: &'static str,
    pub message: String,
}

/// What a row callback returns: go on, skip this row as bad, or stop everything.
pub enum Flow<E> {
    Bad(Bad),
    Stop(E),
}

impl<E> From<Bad> for Flow<E> {
    fn from(b: Bad) -> Self {
        Flow::Bad(b)
    }
}

/// What reading a table to its end found, beside the rows handed out.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TableRead {
    /// Data rows read (good and bad).
    pub rows: u64,
    /// Bad rows by reason (all of them).
    pub skipped: std::collections::BTreeMap<&'static str, u64>,
    /// `file:line: …` of the first [`MAX_BAD`] bad rows.
    pub messages: Vec<String>,
    /// Set when the file could not be read to its end.
    pub ended_early: Option<String>,
    /// Bytes read.
    pub bytes: u64,
}

impl TableRead {
    pub fn bad_rows(&self) -> u64 {
        self.skipped.values().sum()
    }
}

/// Bad-row messages kept per table (all are counted).
pub const MAX_BAD: usize = 20;

/// A table open for reading, its header checked.
pub struct Table<R: Read> {
    /// The file name, as messages show it (`Users.csv`).
    pub file: String,
    rdr: csv::Reader<R>,
    idx: Vec<Option<usize>>,
    cols: &'static [Column],
    width: usize,
}

impl Table<std::fs::File> {
    /// Opens `path` and checks its header against `cols`.
    pub fn open(path: &Path, cols: &'static [Column]) -> Result<Self, KaggleError> {
        let f = std::fs::File::open(path).map_err(|source| KaggleError::Open {
            file: path.to_path_buf(),
            source,
        })?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.display().to_string());
        Table::from_reader(&name, f, cols).map_err(|e| e.with_path(path))
    }
}

impl<R: Read> Table<R> {
    /// Reads the header of `reader` (named `file` in messages) and finds `cols` in it.
    pub fn from_reader(
        file: &str,
        reader: R,
        cols: &'static [Column],
    ) -> Result<Self, KaggleError> {
        let mut rdr = ReaderBuilder::new()
            .has_headers(true)
            .flexible(true)
            .buffer_capacity(1 << 16)
            .from_reader(reader);
        let header = match rdr.byte_headers() {
            Ok(h) => h.clone(),
            Err(e) => {
                return Err(KaggleError::BadHeader {
                    file: file.into(),
                    message: e.to_string(),
                })
            }
        };
        let names: Vec<String> = header
            .iter()
            .enumerate()
            .map(|(i, h)| {
                let s = String::from_utf8_lossy(h);
                let s = if i == 0 {
                    s.trim_start_matches('\u{feff}')
                } else {
                    &s
                };
                s.trim().to_string()
            })
            .collect();
        if names.iter().all(|n| n.is_empty()) {
            return Err(KaggleError::BadHeader {
                file: file.into(),
                message: "no header row (the file is empty)".into(),
            });
        }
        let mut idx = Vec::with_capacity(cols.len());
        for c in cols {
            let found = std::iter::once(c.name)
                .chain(c.aliases.iter().copied())
                .find_map(|n| names.iter().position(|h| h == n));
            if found.is_none() && c.required {
                return Err(KaggleError::MissingColumn {
                    file: file.into(),
                    column: c.name,
                    needed_for: c.needed_for,
                    renamed_to: closest(c.name, &names),
                    header: names.join(", "),
                });
            }
            idx.push(found);
        }
        Ok(Table {
            file: file.to_string(),
            rdr,
            idx,
            cols,
            width: names.len(),
        })
    }

    /// Reads every row to the end, handing each good one to `f`. Bad rows (and rows `f` calls
    /// bad) are counted and their messages kept; an I/O error ends the table early, keeping
    /// every row before it. `progress` gets the bytes read so far, now and then.
    pub fn read<E>(
        &mut self,
        progress: &mut dyn FnMut(u64),
        mut f: impl FnMut(&Row<'_>) -> Result<(), Flow<E>>,
    ) -> Result<TableRead, E> {
        let mut out = TableRead::default();
        let mut rec = ByteRecord::new();
        loop {
            match self.rdr.read_byte_record(&mut rec) {
                Ok(false) => break,
                Ok(true) => {}
                Err(e) => {
                    let line = e.position().map_or(0, |p| p.line());
                    if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                        out.ended_early = Some(format!("{}:{line}: {e}", self.file));
                        break;
                    }
                    out.rows += 1;
                    self.bad(
                        &mut out,
                        Bad {
                            reason: "unreadable row",
                            message: e.to_string(),
                        },
                        line,
                    );
                    continue;
                }
            }
            out.rows += 1;
            let line = rec.position().map_or(0, |p| p.line());
            if out.rows.is_multiple_of(65_536) {
                progress(rec.position().map_or(0, |p| p.byte()));
            }
            if rec.len() != self.width {
                if rec.len() == 1
                    && rec
                        .get(0)
                        .is_some_and(|f| f.iter().all(u8::is_ascii_whitespace))
                {
                    out.rows -= 1; // a blank line
                    continue;
                }
                let b = Bad {
                    reason: "wrong number of fields",
                    message: format!("{} fields, the header has {}", rec.len(), self.width),
                };
                self.bad(&mut out, b, line);
                continue;
            }
            let row = Row {
                rec: &rec,
                idx: &self.idx,
                cols: self.cols,
            };
            match f(&row) {
                Ok(()) => {}
                Err(Flow::Bad(b)) => self.bad(&mut out, b, line),
                Err(Flow::Stop(e)) => return Err(e),
            }
        }
        out.bytes = self.rdr.position().byte();
        progress(out.bytes);
        Ok(out)
    }

    fn bad(&self, out: &mut TableRead, b: Bad, line: u64) {
        *out.skipped.entry(b.reason).or_default() += 1;
        if out.messages.len() < MAX_BAD {
            out.messages
                .push(format!("{}:{line}: {}", self.file, b.message));
        }
    }
}

/// One row: fields by column (the index into the reader's `cols`).
pub struct Row<'a> {
    rec: &'a ByteRecord,
    idx: &'a [Option<usize>],
    cols: &'static [Column],
}

impl Row<'_> {
    /// The trimmed text of column `c`; `None` when it is empty or the (optional) column absent.
    pub fn text(&self, c: usize) -> Result<Option<&str>, Bad> {
        let Some(raw) = self.idx[c].and_then(|i| self.rec.get(i)) else {
            return Ok(None);
        };
        let s = std::str::from_utf8(raw).map_err(|_| Bad {
            reason: "not UTF-8",
            message: format!("{} is not UTF-8", self.cols[c].name),
        })?;
        let s = s.trim();
        Ok((!s.is_empty()).then_some(s))
    }

    /// [`Row::text`], required.
    pub fn need_text(&self, c: usize) -> Result<&str, Bad> {
        self.text(c)?.ok_or_else(|| self.missing(c))
    }

    /// A whole number (`12`, or `12.0` as pandas writes integer columns with gaps).
    pub fn int(&self, c: usize) -> Result<Option<i64>, Bad> {
        let Some(s) = self.text(c)? else {
            return Ok(None);
        };
        parse_int(s).map(Some).ok_or_else(|| Bad {
            reason: "not a number",
            message: format!("{} `{}` is not a whole number", self.cols[c].name, short(s)),
        })
    }

    /// [`Row::int`], required.
    pub fn need_int(&self, c: usize) -> Result<i64, Bad> {
        self.int(c)?.ok_or_else(|| self.missing(c))
    }

    /// A date or date and time (`MM/DD/YYYY[ HH:MM:SS]` as Meta Kaggle writes them, or
    /// `YYYY-MM-DD[ HH:MM:SS]`), as Unix seconds UTC.
    pub fn date(&self, c: usize) -> Result<Option<i64>, Bad> {
        let Some(s) = self.text(c)? else {
            return Ok(None);
        };
        parse_date(s).map(Some).ok_or_else(|| Bad {
            reason: "not a date",
            message: format!("{} `{}` is not a date", self.cols[c].name, short(s)),
        })
    }

    /// `True`/`False` (any case), `1`/`0`.
    pub fn flag(&self, c: usize) -> Result<Option<bool>, Bad> {
        let Some(s) = self.text(c)? else {
            return Ok(None);
        };
        match s.to_ascii_lowercase().as_str() {
            "true" | "1" | "1.0" => Ok(Some(true)),
            "false" | "0" | "0.0" => Ok(Some(false)),
            _ => Err(Bad {
                reason: "not true or false",
                message: format!("{} `{}` is not True or False", self.cols[c].name, short(s)),
            }),
        }
    }

    fn missing(&self, c: usize) -> Bad {
        Bad {
            reason: "missing value",
            message: format!("no {}", self.cols[c].name),
        }
    }
}

fn short(s: &str) -> &str {
    builtby_model::prefix(s, 40)
}

/// `12`, ` 12 `, `12.0` → 12.
pub fn parse_int(s: &str) -> Option<i64> {
    let s = s.trim();
    if let Ok(n) = s.parse::<i64>() {
        return Some(n);
    }
    let f: f64 = s.parse().ok()?;
    (f.is_finite() && f.fract() == 0.0 && f.abs() < 9.0e15).then_some(f as i64)
}

/// `MM/DD/YYYY`, `MM/DD/YYYY HH:MM:SS`, `YYYY-MM-DD`, `YYYY-MM-DD HH:MM:SS` (or with `T`, a
/// trailing `Z` or fraction) → Unix seconds, UTC.
pub fn parse_date(s: &str) -> Option<i64> {
    let s = s.trim();
    let (date, time) = match s.find([' ', 'T']) {
        Some(i) => (&s[..i], Some(s[i + 1..].trim())),
        None => (s, None),
    };
    let nums = |t: &str, sep: char| -> Option<Vec<u32>> {
        t.split(sep).map(|p| p.parse::<u32>().ok()).collect()
    };
    let (y, m, d) = if date.contains('/') {
        match nums(date, '/')?.as_slice() {
            [m, d, y] => (*y, *m, *d),
            _ => return None,
        }
    } else {
        match nums(date, '-')?.as_slice() {
            [y, m, d] => (*y, *m, *d),
            _ => return None,
        }
    };
    let day = chrono::NaiveDate::from_ymd_opt(i32::try_from(y).ok()?, m, d)?;
    let (hh, mm, ss) = match time {
        None | Some("") => (0, 0, 0),
        Some(t) => {
            let t = t.trim_end_matches('Z');
            let t = t.split('.').next().unwrap_or(t);
            match nums(t, ':')?.as_slice() {
                [h, m] => (*h, *m, 0),
                [h, m, s] => (*h, *m, *s),
                _ => return None,
            }
        }
    };
    Some(day.and_hms_opt(hh, mm, ss)?.and_utc().timestamp())
}

/// The header name `wanted` was most likely renamed to: the same letters in another case or
/// with `_`/spaces, else at most two edits away.
fn closest(wanted: &str, header: &[String]) -> Option<String> {
    let norm = |s: &str| -> String {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect()
    };
    let w = norm(wanted);
    if let Some(h) = header.iter().find(|h| norm(h) == w) {
        return Some(h.clone());
    }
    header
        .iter()
        .map(|h| (edits(&w, &norm(h)), h))
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, h)| h.clone())
}

/// Levenshtein distance (short strings: header names).
fn edits(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}
