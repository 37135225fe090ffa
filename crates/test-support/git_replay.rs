// The shared git exports (`../shared/data/git/<owner>__<repo>.log.zst`) as real repositories:
// decoded in Rust (no `zstd` binary needed) and replayed by `../shared/tools/replay-git-history`
// (needs python3), cached under the workspace's `target/git-replay/`. Included with `#[path]`
// next to `shared_data.rs` (as `mod shared_data`); needs `ruzstd` as a dev-dependency.

use super::shared_data;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The export decoded (`.log.zst`, decoded here in Rust: no `zstd` binary needed), or `None`
/// (with a message) only when `../shared` is absent; a missing export fails.
pub fn export(name: &str) -> Option<Vec<u8>> {
    let f = shared_data::shared_data(&format!("git/{name}.log.zst"))?;
    let raw = std::fs::read(&f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
    let mut input = &raw[..];
    let mut out = Vec::new();
    while !input.is_empty() {
        // one frame at a time: an export may hold several
        let mut frame = ruzstd::decoding::StreamingDecoder::new(&mut input)
            .unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        frame
            .read_to_end(&mut out)
            .unwrap_or_else(|e| panic!("{}: {e}", f.display()));
    }
    assert!(!out.is_empty(), "{}: empty export", f.display());
    Some(out)
}

/// The replayed repository, made once and cached under the workspace's `target/git-replay/`.
/// The replay tool reads the plain `.log` written here from the decoded `export`.
pub fn replay(name: &str, export: &[u8]) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/git-replay");
    let dest = dir.join(name);
    if dest.exists() {
        return dest;
    }
    std::fs::create_dir_all(&dir).unwrap();
    let tmp = dir.join(format!("{name}.tmp-{}", std::process::id()));
    let log = dir.join(format!("{name}.tmp-{}.log", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::write(&log, export).unwrap();
    let t = std::time::Instant::now();
    let st = Command::new("python3")
        .arg(shared_data::shared_dir().join("tools/replay-git-history"))
        .arg(&log)
        .arg(&tmp)
        .args(["--bare", "--quiet"])
        .status()
        .unwrap_or_else(|e| panic!("python3 (the replay tool needs it): {e}"));
    let _ = std::fs::remove_file(&log);
    assert!(st.success(), "replay-git-history {name} failed");
    // a rename makes the cache entry appear complete or not at all
    if std::fs::rename(&tmp, &dest).is_err() {
        let _ = std::fs::remove_dir_all(&tmp); // another test process won the race
    }
    eprintln!("replayed {name} in {:.1}s", t.elapsed().as_secs_f64());
    dest
}
