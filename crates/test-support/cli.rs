//! The `builtby` binary as the command-line tests run it: with none of the developer's own
//! settings, in a data folder of the test's own. Included by the `builtby` crate's tests (it
//! names `CARGO_BIN_EXE_builtby`) with `#[path = "../../test-support/cli.rs"] mod cli;`.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// Variables that would make a test read the developer's setup (their data folder, catalog,
/// backend, token or API addresses) instead of what the test gives it.
const SETUP: [&str; 12] = [
    "BUILTBY_DATA_DIR",
    "BUILTBY_CATALOG",
    "BUILTBY_BOTS",
    "BUILTBY_TOKEN",
    "BUILTBY_BACKEND",
    "BUILTBY_CLICKHOUSE_URL",
    "BUILTBY_CLICKHOUSE_DATABASE",
    "BUILTBY_GITHUB_API_URL",
    "BUILTBY_ARXIV_API_URL",
    "BUILTBY_HF_API_URL",
    "BUILTBY_GHARCHIVE_URL",
    "BUILTBY_TEST_HALT_MID_LOAD",
];

/// The binary, without [`SETUP`]'s variables.
pub fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_builtby"));
    for v in SETUP {
        c.env_remove(v);
    }
    c
}

/// [`bin`] on the data folder `data`.
pub fn in_data(data: &Path) -> Command {
    let mut c = bin();
    c.arg("--data-dir").arg(data);
    c
}

/// Runs a command to its end: (exit code, or -1 when killed by a signal; stdout; stderr).
pub fn output(c: &mut Command) -> (i32, String, String) {
    let out = c.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `builtby --data-dir DATA ARGS…` to its end.
pub fn run(data: &Path, args: &[&str]) -> (i32, String, String) {
    output(in_data(data).args(args))
}

/// [`output`] with `secret` set as the token variable `var`, failing if either stream shows it:
/// tokens are never printed or logged.
pub fn output_hiding(c: &mut Command, var: &str, secret: &str) -> (i32, String, String) {
    let (code, o, e) = output(c.env(var, secret));
    assert!(
        !o.contains(secret) && !e.contains(secret),
        "{var} shown:\n{o}\n{e}"
    );
    (code, o, e)
}

/// A new empty folder for one test, named for the test file, this process and `name`.
pub fn temp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!(
        "builtby-{}-{}-{name}",
        env!("CARGO_CRATE_NAME"),
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}
