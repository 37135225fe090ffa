//! A command of this binary run as a child process, as a user runs it: wall time from spawn
//! to exit, its stderr, and its peak resident memory from the kernel (`wait4`'s `ru_maxrss`,
//! the child's own high-water mark, whatever it prints).

use anyhow::{Context, Result};
use std::io::Read;
use std::process::{Command, Stdio};
use std::time::Instant;

pub struct Finished {
    pub secs: f64,
    pub success: bool,
    pub stderr: String,
    /// Peak resident memory in KiB (Linux, macOS: `None` elsewhere).
    pub peak_kib: Option<u64>,
}

pub fn run(mut cmd: Command) -> Result<Finished> {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let started = Instant::now();
    let mut child = cmd.spawn().with_context(|| format!("running {cmd:?}"))?;
    let mut err = child.stderr.take().expect("piped stderr");
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err.read_to_string(&mut s);
        s
    });
    let (success, peak_kib) = wait(&mut child)?;
    let secs = started.elapsed().as_secs_f64();
    let stderr = reader.join().unwrap_or_default();
    Ok(Finished {
        secs,
        success,
        stderr,
        peak_kib,
    })
}

#[cfg(unix)]
fn wait(child: &mut std::process::Child) -> Result<(bool, Option<u64>)> {
    let pid = child.id() as libc::pid_t;
    let mut status: libc::c_int = 0;
    // SAFETY: `rusage` is plain old data that wait4 fills in; `pid` is our own child, not yet
    // waited for (std's `Child` is dropped without waiting after this).
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: valid pointers to the locals above.
        let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        if r == pid {
            break;
        }
        let e = std::io::Error::last_os_error();
        if e.kind() != std::io::ErrorKind::Interrupted {
            return Err(e).context("waiting for the child process");
        }
    }
    let ok = libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0;
    // Linux reports KiB, macOS bytes.
    let max = usage.ru_maxrss as u64;
    let kib = if cfg!(target_os = "macos") {
        max / 1024
    } else {
        max
    };
    Ok((ok, Some(kib)))
}

#[cfg(not(unix))]
fn wait(child: &mut std::process::Child) -> Result<(bool, Option<u64>)> {
    Ok((child.wait()?.success(), None))
}
