//! Turning command-line inputs (files, folders, globs) into a sorted list of files.

use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum InputError {
    #[error("{0}: no such file or folder")]
    Missing(PathBuf),
    #[error("{0}: the pattern matched no files")]
    NoMatch(String),
    #[error("{0}: bad pattern: {1}")]
    BadPattern(String, String),
    /// Named on the command line but not a regular file (a FIFO, a socket, a device): reading
    /// it could block forever, so it is not read.
    #[error("{0}: not a regular file ({1}); not read")]
    NotAFile(PathBuf, &'static str),
    /// Found in a folder or by a pattern but not a regular file: skipped, the others go on.
    #[error("{0}: not a regular file ({1}); skipped")]
    Skipped(PathBuf, &'static str),
}

impl InputError {
    /// A skipped non-file found in a folder or by a pattern: worth a message, not a failure.
    pub fn is_skip(&self) -> bool {
        matches!(self, InputError::Skipped(..))
    }
}

/// What a path is, when it is not a regular file (following symlinks), for messages.
fn not_regular(p: &Path) -> Option<&'static str> {
    let Ok(m) = std::fs::metadata(p) else {
        return Some("unreadable or a broken link");
    };
    let t = m.file_type();
    if t.is_file() {
        return None;
    }
    if t.is_dir() {
        return Some("a folder");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return Some("a FIFO");
        }
        if t.is_socket() {
            return Some("a socket");
        }
        if t.is_char_device() || t.is_block_device() {
            return Some("a device");
        }
    }
    Some("not a regular file")
}

/// Expands files, folders (their `.json.gz` and `.json` files, recursively) and glob patterns
/// into files, sorted by name within each argument (GH Archive names sort by time within a
/// day). Inputs that match nothing come back as errors; the rest are still returned.
pub fn expand_inputs(args: &[PathBuf]) -> (Vec<PathBuf>, Vec<InputError>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for a in args {
        let s = a.to_string_lossy();
        if a.is_dir() {
            let mut found = Vec::new();
            let mut skipped = Vec::new();
            walk(a, &mut found, &mut skipped);
            found.sort();
            skipped.sort_by_key(|e| e.to_string());
            errors.extend(skipped);
            files.extend(found);
        } else if a.exists() {
            match not_regular(a) {
                None => files.push(a.clone()),
                Some(what) => errors.push(InputError::NotAFile(a.clone(), what)),
            }
        } else if s.contains(['*', '?', '[']) {
            match glob::glob(&s) {
                Ok(paths) => {
                    let mut found: Vec<PathBuf> = Vec::new();
                    for p in paths.filter_map(Result::ok) {
                        match not_regular(&p) {
                            None => found.push(p),
                            Some("a folder") => {}
                            Some(what) => errors.push(InputError::Skipped(p, what)),
                        }
                    }
                    found.sort();
                    if found.is_empty() && !errors.iter().any(InputError::is_skip) {
                        errors.push(InputError::NoMatch(s.into_owned()));
                    }
                    files.extend(found);
                }
                Err(e) => errors.push(InputError::BadPattern(s.into_owned(), e.to_string())),
            }
        } else {
            errors.push(InputError::Missing(a.clone()));
        }
    }
    let mut seen = std::collections::HashSet::new();
    files.retain(|f| seen.insert(f.clone()));
    (files, errors)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>, skipped: &mut Vec<InputError>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(&p, out, skipped);
        } else {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().to_lowercase())
                .unwrap_or_default();
            if name.ends_with(".json.gz") || name.ends_with(".json") {
                match not_regular(&p) {
                    None => out.push(p),
                    Some(what) => skipped.push(InputError::Skipped(p, what)),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_folders_globs_and_missing() {
        let dir = std::env::temp_dir().join(format!("builtby-inputs-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        for n in [
            "2015-01-01-1.json.gz",
            "2015-01-01-0.json.gz",
            "sub/x.json",
            "notes.txt",
        ] {
            std::fs::write(dir.join(n), b"").unwrap();
        }
        let (files, errors) = expand_inputs(std::slice::from_ref(&dir));
        let names: Vec<String> = files
            .iter()
            .map(|f| f.strip_prefix(&dir).unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            names,
            vec!["2015-01-01-0.json.gz", "2015-01-01-1.json.gz", "sub/x.json"]
        );
        assert!(errors.is_empty());
        let (files, _) = expand_inputs(&[
            dir.join("2015-*-1.json.gz"),
            dir.join("2015-01-01-1.json.gz"),
        ]);
        assert_eq!(files.len(), 1, "duplicates removed");
        let (files, errors) = expand_inputs(&[dir.join("nope.json.gz"), dir.join("*.none")]);
        assert!(files.is_empty());
        assert_eq!(errors.len(), 2);
        assert!(errors[0].to_string().contains("no such file"));
    }
}
