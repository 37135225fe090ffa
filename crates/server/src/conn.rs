//! The accept loop: connection limits that `axum::serve` does not have.
//!
//! - At most [`Limits::max_connections`] connections are served at once, so idle sockets
//!   cannot exhaust the file descriptors. When all are taken, a new connection takes the slot
//!   of the oldest one that has sent no request head in [`EVICT_AFTER`] (an idle or slowloris
//!   socket, which is closed), so an attacker holding every slot does not lock others out.
//!   Only when no such connection exists is the new one answered at once with `503` and the
//!   JSON error shape (`"error": "unavailable"`, `Retry-After: 1`) and closed.
//! - A connection must send a whole request head within [`Limits::header_timeout`] of opening
//!   (or of its previous answer, on keep-alive), however slowly it trickles the bytes; else it
//!   is closed. Idle and slowloris connections hold a slot for that long at most.
//! - hyper answers a request head it cannot parse (a URI over 64 KB, headers too large, a bad
//!   request line) by itself, with an empty body. [`JsonAutoErrors`] rewrites those answers
//!   to the JSON error shape, so every error a client sees is the same JSON.

use crate::error::{status_code_name, ErrorBody};
use crate::{Limits, ServeError};
use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::collections::HashMap;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, Notify, OwnedSemaphorePermit, Semaphore};
use tower::ServiceExt;

/// How long open connections get to finish after shutdown is asked.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// A connection that has not sent one whole request head this long after opening may be
/// closed to make room for a new one when every slot is taken. A real client sends its head
/// right after connecting; idle and slowloris connections never finish one.
pub const EVICT_AFTER: Duration = Duration::from_millis(250);

/// Connections being answered 503 at once.
const MAX_REFUSING: usize = 64;

/// One open connection, as the accept loop sees it.
struct Entry {
    opened: Instant,
    /// Set when its first request head has been read: from then on it is never evicted.
    served: Arc<AtomicBool>,
    /// Its slot; taken by the connection that evicts it.
    slot: Option<OwnedSemaphorePermit>,
    evict: Arc<Notify>,
}

type Registry = Arc<Mutex<HashMap<u64, Entry>>>;

/// The slot of the oldest connection that never sent a whole request head and is older than
/// [`EVICT_AFTER`], after telling it to close; `None` when there is none.
fn evict_one(registry: &Registry) -> Option<OwnedSemaphorePermit> {
    let mut reg = registry.lock().unwrap_or_else(|p| p.into_inner());
    let (_, victim) = reg
        .iter_mut()
        .filter(|(_, e)| {
            e.slot.is_some()
                && !e.served.load(Ordering::Relaxed)
                && e.opened.elapsed() >= EVICT_AFTER
        })
        .min_by_key(|(id, e)| (e.opened, **id))?;
    victim.evict.notify_one();
    victim.slot.take()
}

/// Serves `router` on `listener` with `limits` until `shutdown` completes.
///
/// When every slot is taken, a new connection takes the slot of the oldest connection that
/// has not sent a request head within [`EVICT_AFTER`] (that one is closed); only when there
/// is none is the new connection refused with 503.
pub async fn serve_router(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    let max = limits.max_connections.max(1);
    let slots = Arc::new(Semaphore::new(max));
    let registry: Registry = Arc::default();
    // Refusals in progress (each ends within a second); past this many a connection over the
    // cap is closed without an answer, so a flood cannot hold descriptors through refusals.
    let refusing = Arc::new(Semaphore::new(MAX_REFUSING));
    let (close_tx, close_rx) = watch::channel(false);
    tokio::pin!(shutdown);
    let mut next_id = 0u64;
    loop {
        let accepted = tokio::select! {
            r = listener.accept() => r,
            _ = &mut shutdown => break,
        };
        let stream = match accepted {
            Ok((s, _)) => s,
            Err(e) => {
                // EMFILE and friends: wait a little instead of spinning.
                tracing::warn!(error = %e, "accept");
                tokio::time::sleep(Duration::from_millis(20)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let slot = match slots.clone().try_acquire_owned() {
            Ok(slot) => slot,
            Err(_) => match evict_one(&registry) {
                Some(slot) => slot,
                None => {
                    if let Ok(r) = refusing.clone().try_acquire_owned() {
                        tokio::spawn(async move {
                            refuse(stream).await;
                            drop(r);
                        });
                    }
                    continue;
                }
            },
        };
        next_id += 1;
        let id = next_id;
        let served = Arc::new(AtomicBool::new(false));
        let evict = Arc::new(Notify::new());
        registry.lock().unwrap_or_else(|p| p.into_inner()).insert(
            id,
            Entry {
                opened: Instant::now(),
                served: served.clone(),
                slot: Some(slot),
                evict: evict.clone(),
            },
        );
        let router = router.clone();
        let close = close_rx.clone();
        let registry = registry.clone();
        tokio::spawn(async move {
            serve_connection(stream, router, limits, close, served, evict).await;
            // Drops the slot, unless an evicting connection took it.
            registry
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .remove(&id);
        });
    }
    drop(listener);
    let _ = close_tx.send(true);
    let _ = tokio::time::timeout(SHUTDOWN_GRACE, slots.acquire_many(max as u32)).await;
    Ok(())
}

async fn serve_connection(
    stream: TcpStream,
    router: Router,
    limits: Limits,
    mut close: watch::Receiver<bool>,
    served: Arc<AtomicBool>,
    evict: Arc<Notify>,
) {
    let svc = hyper::service::service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
        served.store(true, Ordering::Relaxed);
        router.clone().oneshot(req.map(axum::body::Body::new))
    });
    let conn = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .keep_alive(true)
        .serve_connection(TokioIo::new(JsonAutoErrors::new(stream)), svc);
    tokio::pin!(conn);
    let closing = async move {
        let _ = close.wait_for(|c| *c).await;
    };
    tokio::select! {
        _ = conn.as_mut() => {}
        // Evicted: it never sent a request, so there is nothing to answer.
        _ = evict.notified() => {}
        _ = closing => {
            conn.as_mut().graceful_shutdown();
            let _ = tokio::time::timeout(SHUTDOWN_GRACE, conn.as_mut()).await;
        }
    }
}

/// A complete HTTP/1.1 answer with the JSON error shape, closing the connection.
pub fn error_response(status: u16, detail: &str, extra_headers: &str) -> Vec<u8> {
    let code = axum::http::StatusCode::from_u16(status)
        .unwrap_or(axum::http::StatusCode::INTERNAL_SERVER_ERROR);
    let body = serde_json::to_vec(&ErrorBody {
        error: status_code_name(code),
        detail: detail.to_string(),
        param: None,
    })
    .unwrap_or_default();
    let mut out = format!(
        "HTTP/1.1 {} {}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n{extra_headers}\r\n",
        code.as_u16(),
        code.canonical_reason().unwrap_or(""),
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(&body);
    out
}

/// Answers a connection over the cap with 503 and closes it. Bounded: one second at most.
async fn refuse(mut stream: TcpStream) {
    let res = error_response(
        503,
        "the server has too many open connections; try again in a moment",
        "retry-after: 1\r\n",
    );
    let _ = tokio::time::timeout(Duration::from_secs(1), async {
        stream.write_all(&res).await?;
        stream.shutdown().await?;
        // Read what the client sent, so closing does not reset the connection before it has
        // read the answer.
        let mut sink = [0u8; 1024];
        loop {
            use tokio::io::AsyncReadExt;
            if stream.read(&mut sink).await? == 0 {
                break;
            }
        }
        Ok::<_, io::Error>(())
    })
    .await;
}

/// A socket whose writes are checked for hyper's own error answers (an empty `400`, `414` or
/// `431`, made when a request head cannot be parsed), which are replaced by the JSON error
/// shape. Everything else passes through unchanged.
pub struct JsonAutoErrors<T> {
    inner: T,
    /// Bytes of a replacement answer still to write.
    pending: Vec<u8>,
    sent: usize,
}

impl<T> JsonAutoErrors<T> {
    pub fn new(inner: T) -> Self {
        JsonAutoErrors {
            inner,
            pending: Vec::new(),
            sent: 0,
        }
    }
}

/// The replacement for hyper's automatic answer in `buf`, if it is one.
fn replacement(buf: &[u8]) -> Option<Vec<u8>> {
    let status = match buf.get(..13)? {
        b"HTTP/1.1 400 " => 400,
        b"HTTP/1.1 414 " => 414,
        b"HTTP/1.1 431 " => 431,
        _ => return None,
    };
    let head_end = buf.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&buf[..head_end]).to_ascii_lowercase();
    // The service's own error answers are JSON with a body; hyper's have none.
    if !head.contains("\r\ncontent-length: 0") || head.contains("content-type") {
        return None;
    }
    let detail = match status {
        414 => "the URI is too long (the limit is 64 KB)",
        431 => "the request headers are too large",
        _ => "the request could not be parsed as HTTP/1.1",
    };
    Some(error_response(status, detail, ""))
}

impl<T: AsyncWrite + Unpin> JsonAutoErrors<T> {
    fn poll_pending(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while self.sent < self.pending.len() {
            let n = std::task::ready!(
                Pin::new(&mut self.inner).poll_write(cx, &self.pending[self.sent..])
            )?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            self.sent += n;
        }
        Poll::Ready(Ok(()))
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for JsonAutoErrors<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_read(cx, buf)
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for JsonAutoErrors<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let me = self.get_mut();
        std::task::ready!(me.poll_pending(cx))?;
        if let Some(r) = replacement(buf) {
            me.pending = r;
            me.sent = 0;
            // Pending bytes go out on the next write, flush or shutdown.
            let _ = me.poll_pending(cx)?;
            return Poll::Ready(Ok(buf.len()));
        }
        Pin::new(&mut me.inner).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let me = self.get_mut();
        std::task::ready!(me.poll_pending(cx))?;
        Pin::new(&mut me.inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let me = self.get_mut();
        std::task::ready!(me.poll_pending(cx))?;
        Pin::new(&mut me.inner).poll_shutdown(cx)
    }
}
