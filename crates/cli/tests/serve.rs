//! `builtby serve` refusals (issue 9, defect 11): a blank token is refused on any address,
//! a refusal prints no "serving" line first, and `--help` says to give the token in
//! BUILTBY_TOKEN (a `--token` value is visible in `ps`).

use std::process::Stdio;
use std::time::{Duration, Instant};

#[path = "../../test-support/cli.rs"]
mod cli;
use cli::temp;

/// Runs `builtby serve` with `args` and `env`; (exit code, stderr). A server that starts
/// instead of refusing is killed after 10 s and the test fails.
fn serve(name: &str, args: &[&str], env: &[(&str, &str)]) -> (i32, String) {
    let mut c = cli::bin();
    c.arg("--data-dir")
        .arg(temp(name))
        .arg("serve")
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    for (k, v) in env {
        c.env(k, v);
    }
    let mut child = c.spawn().unwrap();
    let t0 = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let mut err = String::new();
            use std::io::Read;
            child
                .stderr
                .take()
                .unwrap()
                .read_to_string(&mut err)
                .unwrap();
            return (status.code().unwrap_or(-1), err);
        }
        if t0.elapsed() > Duration::from_secs(10) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("`serve {args:?}` started instead of refusing");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn refusals_say_nothing_about_serving_and_blank_tokens_are_refused() {
    let (code, err) = serve("no-token", &["--addr", "0.0.0.0:0"], &[]);
    assert_ne!(code, 0, "{err}");
    assert!(err.contains("token"), "{err}");
    assert!(!err.contains("serving"), "{err}");
    for addr in ["0.0.0.0:0", "127.0.0.1:0"] {
        for blank in [" ", "\t"] {
            let (code, err) = serve("blank", &["--addr", addr, "--token", blank], &[]);
            assert_ne!(code, 0, "{addr} {blank:?}: {err}");
            assert!(err.contains("blank token"), "{err}");
            assert!(!err.contains("serving"), "{err}");
            let (code, err) = serve("blank-env", &["--addr", addr], &[("BUILTBY_TOKEN", blank)]);
            assert_ne!(code, 0, "{addr} env {blank:?}: {err}");
            assert!(err.contains("blank token"), "{err}");
        }
    }
}

#[test]
fn help_says_to_give_the_token_in_the_environment() {
    let out = cli::bin().args(["serve", "--help"]).output().unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(help.contains("BUILTBY_TOKEN"), "{help}");
    assert!(help.contains("visible") && help.contains("`ps`"), "{help}");
    assert!(help.contains("--max-connections"), "{help}");
}
