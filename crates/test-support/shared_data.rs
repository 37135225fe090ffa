// The real-data files in `../shared/data` (the `shared/` folder next to the repository).
// Included with `#[path]`; uses only std.
//
// - file present: its path;
// - `../shared` present but the file missing: a panic naming the file (CI has `../shared`, so
//   missing data is a failure there, never a silent pass);
// - `../shared` absent: `None`, after printing "skipping: ../shared absent" (a machine without
//   the shared data, e.g. a fresh clone on its own).

#[allow(dead_code)]
pub fn shared_dir() -> std::path::PathBuf {
    // every crate lives at <repo>/crates/<name>
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    match repo.canonicalize() {
        Ok(r) => r.parent().unwrap_or(&r).join("shared"),
        Err(_) => repo.join("../shared"),
    }
}

/// `../shared/data/<rel>` (a file or a folder), see the module comment.
#[allow(dead_code)]
pub fn shared_data(rel: &str) -> Option<std::path::PathBuf> {
    let shared = shared_dir();
    let p = shared.join("data").join(rel);
    if p.exists() {
        return Some(p);
    }
    if shared.is_dir() {
        panic!(
            "{} is missing although {} exists: the real-data test cannot run",
            p.display(),
            shared.display()
        );
    }
    eprintln!(
        "skipping: ../shared absent ({} not found; it is present in CI)",
        shared.display()
    );
    None
}
