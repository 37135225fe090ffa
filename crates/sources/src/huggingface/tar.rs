//! A minimal streaming tar reader: regular files with their paths, from ustar (`prefix` +
//! `name`), GNU long names (`L` entries) and pax headers (`path=`). Enough for dumps made by
//! GNU or BSD tar; links, devices and sparse files are skipped. No dependency: the `tar` crate
//! would bring file-system code (permissions, xattrs) this reader never needs.

use std::io::{self, Read};

const BLOCK: usize = 512;
/// Larger entries are skipped unread (a model card is kilobytes; a pax or long-name header a
/// few hundred bytes).
pub const MAX_ENTRY: u64 = 64 << 20;

/// One regular file of the archive.
#[derive(Debug)]
pub struct Entry {
    pub path: String,
    /// The bytes, or `None` when the file is over [`MAX_ENTRY`] (skipped).
    pub data: Option<Vec<u8>>,
    pub size: u64,
}

pub struct Reader<R: Read> {
    r: R,
    done: bool,
}

fn octal(field: &[u8]) -> io::Result<u64> {
    // GNU base-256 for large values
    if field.first().is_some_and(|b| b & 0x80 != 0) {
        let mut v: u64 = (field[0] & 0x7f) as u64;
        for b in &field[1..] {
            v = v
                .checked_shl(8)
                .ok_or_else(|| bad("a size field overflows"))?
                | *b as u64;
        }
        return Ok(v);
    }
    let s: String = field
        .iter()
        .take_while(|b| **b != 0)
        .map(|b| *b as char)
        .collect();
    let s = s.trim();
    if s.is_empty() {
        return Ok(0);
    }
    u64::from_str_radix(s, 8).map_err(|_| bad(&format!("not an octal number: {s:?}")))
}

fn bad(msg: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("not a tar archive: {msg}"),
    )
}

fn cstr(field: &[u8]) -> String {
    let end = field.iter().position(|b| *b == 0).unwrap_or(field.len());
    String::from_utf8_lossy(&field[..end]).into_owned()
}

impl<R: Read> Reader<R> {
    pub fn new(r: R) -> Reader<R> {
        Reader { r, done: false }
    }

    fn read_block(&mut self, buf: &mut [u8; BLOCK]) -> io::Result<bool> {
        let mut got = 0;
        while got < BLOCK {
            let n = self.r.read(&mut buf[got..])?;
            if n == 0 {
                if got == 0 {
                    return Ok(false);
                }
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "the archive ends inside a block",
                ));
            }
            got += n;
        }
        Ok(true)
    }

    fn read_data(&mut self, size: u64) -> io::Result<Vec<u8>> {
        let mut data = vec![0u8; size as usize];
        self.r.read_exact(&mut data).map_err(|e| {
            if e.kind() == io::ErrorKind::UnexpectedEof {
                io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "the archive ends inside a file",
                )
            } else {
                e
            }
        })?;
        self.skip_padding(size)?;
        Ok(data)
    }

    fn skip(&mut self, size: u64) -> io::Result<()> {
        let padded = size.div_ceil(BLOCK as u64) * BLOCK as u64;
        let n = io::copy(&mut (&mut self.r).take(padded), &mut io::sink())?;
        if n < padded {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the archive ends inside a file",
            ));
        }
        Ok(())
    }

    fn skip_padding(&mut self, size: u64) -> io::Result<()> {
        let pad = (BLOCK as u64 - size % BLOCK as u64) % BLOCK as u64;
        let mut buf = [0u8; BLOCK];
        self.r.read_exact(&mut buf[..pad as usize]).map_err(|e| {
            if e.kind() == io::ErrorKind::UnexpectedEof {
                io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "the archive ends inside a file",
                )
            } else {
                e
            }
        })
    }

    /// The next regular file, `None` at the end of the archive.
    pub fn next_entry(&mut self) -> io::Result<Option<Entry>> {
        let mut long_name: Option<String> = None;
        let mut pax_path: Option<String> = None;
        let mut block = [0u8; BLOCK];
        loop {
            if self.done || !self.read_block(&mut block)? {
                self.done = true;
                return Ok(None);
            }
            if block.iter().all(|b| *b == 0) {
                // the end-of-archive marker (two zero blocks; one is enough to stop)
                self.done = true;
                return Ok(None);
            }
            let sum = octal(&block[148..156])?;
            let computed: u64 = block
                .iter()
                .enumerate()
                .map(|(i, b)| {
                    if (148..156).contains(&i) {
                        b' ' as u64
                    } else {
                        *b as u64
                    }
                })
                .sum();
            if sum != computed {
                return Err(bad("a header's checksum does not match"));
            }
            let size = octal(&block[124..136])?;
            let kind = block[156];
            match kind {
                b'L' => {
                    let d = self.read_data(size.min(MAX_ENTRY))?;
                    long_name = Some(cstr(&d));
                    continue;
                }
                b'x' => {
                    let d = self.read_data(size.min(MAX_ENTRY))?;
                    pax_path = pax_field(&d, "path").or(pax_path);
                    continue;
                }
                b'0' | 0 | b'7' => {}
                _ => {
                    // directories, links, global pax headers, devices: nothing to read
                    self.skip(size)?;
                    long_name = None;
                    pax_path = None;
                    continue;
                }
            }
            let path = match (pax_path.take(), long_name.take()) {
                (Some(p), _) | (None, Some(p)) => p,
                (None, None) => {
                    let name = cstr(&block[0..100]);
                    let ustar = &block[257..262] == b"ustar";
                    let prefix = if ustar {
                        cstr(&block[345..500])
                    } else {
                        String::new()
                    };
                    if prefix.is_empty() {
                        name
                    } else {
                        format!("{prefix}/{name}")
                    }
                }
            };
            if size > MAX_ENTRY {
                self.skip(size)?;
                return Ok(Some(Entry {
                    path,
                    data: None,
                    size,
                }));
            }
            let data = self.read_data(size)?;
            return Ok(Some(Entry {
                path,
                data: Some(data),
                size,
            }));
        }
    }
}

/// A field of a pax extended header (`<len> <key>=<value>\n` records).
fn pax_field(d: &[u8], key: &str) -> Option<String> {
    let mut rest = d;
    while !rest.is_empty() {
        let sp = rest.iter().position(|b| *b == b' ')?;
        let len: usize = std::str::from_utf8(&rest[..sp]).ok()?.parse().ok()?;
        if len <= sp || len > rest.len() {
            return None;
        }
        let body = &rest[sp + 1..len];
        let body = body.strip_suffix(b"\n").unwrap_or(body);
        if let Some(eq) = body.iter().position(|b| *b == b'=') {
            if &body[..eq] == key.as_bytes() {
                return Some(String::from_utf8_lossy(&body[eq + 1..]).into_owned());
            }
        }
        rest = &rest[len..];
    }
    None
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A ustar header for a regular file (`0`), a GNU long name (`L`) or a pax header (`x`).
    pub(crate) fn header(name: &str, size: usize, kind: u8) -> [u8; BLOCK] {
        let mut h = [0u8; BLOCK];
        let n = name.as_bytes();
        h[..n.len().min(100)].copy_from_slice(&n[..n.len().min(100)]);
        h[100..108].copy_from_slice(b"0000644\0");
        h[124..136].copy_from_slice(format!("{size:011o}\0").as_bytes());
        h[136..148].copy_from_slice(b"00000000000\0");
        h[156] = kind;
        h[257..263].copy_from_slice(b"ustar\0");
        h[263..265].copy_from_slice(b"00");
        h[148..156].copy_from_slice(b"        ");
        let sum: u64 = h.iter().map(|b| *b as u64).sum();
        h[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
        h
    }

    pub(crate) fn file(out: &mut Vec<u8>, name: &str, data: &[u8], kind: u8) {
        out.extend_from_slice(&header(name, data.len(), kind));
        out.extend_from_slice(data);
        let pad = (BLOCK - data.len() % BLOCK) % BLOCK;
        out.extend(std::iter::repeat_n(0u8, pad));
    }

    #[test]
    fn reads_plain_long_and_pax_names() {
        let long = format!("models/{}/x/README.md", "a".repeat(120));
        let mut t = Vec::new();
        t.extend_from_slice(&header("models/", 0, b'5'));
        file(&mut t, "models/a/b/infos.json", b"{}", b'0');
        file(
            &mut t,
            "././@LongLink",
            format!("{long}\0").as_bytes(),
            b'L',
        );
        file(&mut t, "ignored", b"# card", b'0');
        let rec = "path=models/p/q/README.md\n";
        let pax = format!("{} {rec}", rec.len() + 3);
        file(&mut t, "PaxHeaders/x", pax.as_bytes(), b'x');
        file(&mut t, "short", b"hi", b'0');
        t.extend(std::iter::repeat_n(0u8, 1024));
        let mut r = Reader::new(&t[..]);
        let a = r.next_entry().unwrap().unwrap();
        assert_eq!(
            (a.path.as_str(), a.data.as_deref()),
            ("models/a/b/infos.json", Some(&b"{}"[..]))
        );
        let b = r.next_entry().unwrap().unwrap();
        assert_eq!(b.path, long);
        assert_eq!(b.data.as_deref(), Some(&b"# card"[..]));
        let c = r.next_entry().unwrap().unwrap();
        assert_eq!(c.path, "models/p/q/README.md");
        assert!(r.next_entry().unwrap().is_none());
    }

    #[test]
    fn a_cut_archive_is_an_error_after_the_good_entries() {
        let mut t = Vec::new();
        file(&mut t, "models/a/b/infos.json", b"{}", b'0');
        file(&mut t, "models/a/c/infos.json", &[b'x'; 700], b'0');
        t.truncate(512 * 2 + 100);
        let mut r = Reader::new(&t[..]);
        assert!(r.next_entry().unwrap().is_some());
        let e = r.next_entry().unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::UnexpectedEof);
        let mut bad_sum = Vec::new();
        file(&mut bad_sum, "x", b"y", b'0');
        bad_sum[0] = b'z';
        assert!(Reader::new(&bad_sum[..])
            .next_entry()
            .unwrap_err()
            .to_string()
            .contains("checksum"));
    }
}
