// Everything a data folder's database holds, as bytes to search: the raw `builtby.sqlite`, its
// `-wal` (where recent writes sit until a checkpoint) and `-shm`, and every value of every table read
// through SQL (which also sees text split across pages). For "no e-mail address is stored"
// checks. Included with `#[path]`; needs `rusqlite` as a dev-dependency.

#[allow(dead_code)]
pub struct StoredText {
    pub bytes: Vec<u8>,
}

#[allow(dead_code)]
impl StoredText {
    /// Reads `dir/builtby.sqlite`; panics when it is missing or cannot be read.
    pub fn read(dir: &std::path::Path) -> StoredText {
        let db = dir.join("builtby.sqlite");
        let mut bytes = std::fs::read(&db)
            .unwrap_or_else(|e| panic!("{}: {e} (nothing to check)", db.display()));
        assert!(bytes.len() >= 4096, "{} is empty", db.display());
        // the WAL holds recent writes until a checkpoint; the SHM is its index (no content,
        // but read all the same: nothing of the store is left unchecked)
        for suffix in ["-wal", "-shm"] {
            let f = dir.join(format!("builtby.sqlite{suffix}"));
            match std::fs::read(&f) {
                Ok(w) => bytes.extend(w),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => panic!("{}: {e}", f.display()),
            }
        }
        let conn = rusqlite::Connection::open_with_flags(
            &db,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .unwrap();
        let tables: Vec<String> = conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert!(!tables.is_empty(), "{}: no tables", db.display());
        for t in tables {
            let mut st = conn
                .prepare(&format!("SELECT * FROM \"{}\"", t.replace('"', "\"\"")))
                .unwrap();
            let n = st.column_count();
            let mut rows = st.query([]).unwrap();
            while let Some(r) = rows.next().unwrap() {
                for i in 0..n {
                    use rusqlite::types::ValueRef;
                    match r.get_ref(i).unwrap() {
                        ValueRef::Text(b) | ValueRef::Blob(b) => {
                            bytes.push(b'\n');
                            bytes.extend_from_slice(b);
                        }
                        _ => {}
                    }
                }
            }
        }
        StoredText { bytes }
    }

    pub fn contains(&self, needle: &str) -> bool {
        let n = needle.as_bytes();
        !n.is_empty() && self.bytes.windows(n.len()).any(|w| w == n)
    }

    /// Every `local@domain.tld` token (lower case) in what is stored: a domain of non-empty
    /// labels whose last one is at least two letters (so page bytes rarely pass for one).
    pub fn addresses(&self) -> std::collections::HashSet<String> {
        let ok = |c: u8| c.is_ascii_alphanumeric() || b"._%+-".contains(&c);
        let b = &self.bytes;
        let mut out = std::collections::HashSet::new();
        for (i, _) in b.iter().enumerate().filter(|(_, c)| **c == b'@') {
            let mut s = i;
            while s > 0 && ok(b[s - 1]) {
                s -= 1;
            }
            let mut e = i + 1;
            while e < b.len() && ok(b[e]) {
                e += 1;
            }
            let domain = String::from_utf8_lossy(&b[i + 1..e]);
            let labels: Vec<&str> = domain.trim_end_matches('.').split('.').collect();
            let tld = labels.last().copied().unwrap_or("");
            if s < i
                && labels.len() >= 2
                && labels.iter().all(|l| !l.is_empty())
                && tld.len() >= 2
                && tld.chars().all(|c| c.is_ascii_alphabetic())
            {
                let end = i + 1 + domain.trim_end_matches('.').len();
                out.insert(String::from_utf8_lossy(&b[s..end]).to_ascii_lowercase());
            }
        }
        out
    }
}
