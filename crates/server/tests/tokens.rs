//! Named tokens: changes need one even on loopback, and a token is never logged (this binary
//! holds one test: it installs the global trace subscriber, at TRACE, and reads what it wrote)
//! nor stored.

mod common;

use axum::http::StatusCode;
use builtby_server::{AppState, Tokens};
use common::{get, get_as, post_as, temp_dir};

const RITA: &str = "rita-token-0123456789abcdef";
const OPS: &str = "ops-token-fedcba9876543210";
const SEARCH: &str = "/api/search?as_of=2024-06-01";

fn fixture(name: &str) -> ((), AppState) {
    let dir = temp_dir(name);
    // an empty store: what is asked does not matter here, only who asks
    drop(builtby_store::Store::open(&dir).unwrap());
    (
        (),
        AppState::new(
            dir,
            builtby_search::Catalog::shipped(),
            builtby_model::BotRules::default(),
        ),
    )
}

fn named_tokens() -> Tokens {
    Tokens::parse(&format!("rita:{RITA}\nops:{OPS}\n"), "tokens.txt").unwrap()
}

/// Changes need a named token, even on loopback; GETs stay open on loopback without tokens;
/// with tokens every request needs one; a token is never logged.
#[tokio::test]
async fn changes_need_a_named_token_and_tokens_are_never_logged() {
    use std::io::Write;
    #[derive(Clone, Default)]
    struct Buf(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);
    impl Write for Buf {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let logged = Buf::default();
    let sink = logged.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || sink.clone())
        .finish();
    // the only test of this binary: the subscriber is everyone's, for every callsite
    tracing::subscriber::set_global_default(subscriber).unwrap();

    let (_, open) = fixture("privacy-tokens");
    for (uri, body) in [
        ("/api/optout", r#"{"account": "zqana"}"#),
        ("/api/erase/zqana", ""),
        ("/api/identity/decide/lock", r#"{"person": "zqana"}"#),
    ] {
        let a = post_as(&open, None, uri, body).await;
        assert_eq!(a.status, StatusCode::FORBIDDEN, "{uri}: {}", a.text());
        assert_eq!(a.json()["error"], "forbidden");
        assert!(a.json()["detail"]
            .as_str()
            .unwrap()
            .contains("--token-file"));
    }
    assert_eq!(get(&open, SEARCH).await.status, StatusCode::OK);
    let log = get(&open, "/api/audit?action=search").await.json();
    assert_eq!(log["entries"][0]["actor"], "loopback", "{log}");

    let state = open.with_tokens(named_tokens());
    assert_eq!(get(&state, SEARCH).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        get_as(&state, "not-a-token-at-all-0000", SEARCH)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    let a = post_as(&state, None, "/api/optout", r#"{"account": "zqbo"}"#).await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    for t in [RITA, OPS] {
        assert_eq!(get_as(&state, t, SEARCH).await.status, StatusCode::OK);
    }
    let a = post_as(&state, Some(OPS), "/api/optout", r#"{"account": "zqbo"}"#).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    let text = String::from_utf8_lossy(&logged.0.lock().unwrap()).into_owned();
    assert!(
        text.contains("/api/optout"),
        "the trace was captured: {text}"
    );
    assert!(
        !text.contains(RITA) && !text.contains(OPS),
        "a token was logged: {text}"
    );
    let audit = get_as(&state, OPS, "/api/audit?limit=10000").await.text();
    assert!(!audit.contains(RITA) && !audit.contains(OPS), "{audit}");
}
