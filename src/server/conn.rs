//! One accepted connection's socket, watched (API.md §0, connections and errors).
//!
//! hyper keeps no time of its own here: [`Watched`] sits between hyper and the socket and
//! - closes a connection that sits idle between requests longer than the keep-alive timeout,
//!   and one that does not finish a request's headers within the header timeout (answering
//!   408 in the error envelope when part of a request came);
//! - closes idle connections at once when the server runs out of file descriptors
//!   ([`Pressure`]), so that the connections it can accept are the ones with requests;
//! - rewrites the answers hyper writes by itself for requests it cannot parse (400, 414, 431,
//!   with an empty body, before any handler runs) into the error envelope.
//!
//! The requests of the connection tell it when one is being answered ([`Activity`]), so that a
//! slow handler is never mistaken for a slow client.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::task::{ready, Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes};
use http_body::{Frame, SizeHint};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::sync::futures::OwnedNotified;
use tokio::sync::Notify;
use tokio::time::{Instant, Sleep};

use crate::api::error::{ErrorData, ErrorEnvelope};

/// The time limits of a connection.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// For a request's headers: from the connection's opening for its first request, from
    /// the first byte of the request for the next ones.
    pub header: Duration,
    /// Between the end of one answer and the first byte of the next request.
    pub keep_alive: Duration,
}

/// Raised by the accept loop when it runs out of file descriptors: every connection waiting
/// for a request that has not begun closes.
#[derive(Debug, Default)]
pub struct Pressure(Arc<Notify>);

impl Pressure {
    pub fn relieve(&self) {
        self.0.notify_waiters();
    }

    fn subscribe(&self) -> Pin<Box<OwnedNotified>> {
        Box::pin(Arc::clone(&self.0).notified_owned())
    }
}

/// What the requests of one connection tell its socket.
#[derive(Debug)]
pub struct Activity {
    /// A request's headers were read and its answer is not finished.
    busy: AtomicBool,
    /// Answers finished so far.
    answered: AtomicU64,
    /// When the last answer finished, in nanoseconds after `origin`.
    ended: AtomicU64,
    origin: Instant,
}

impl Default for Activity {
    fn default() -> Self {
        Activity {
            busy: AtomicBool::new(false),
            answered: AtomicU64::new(0),
            ended: AtomicU64::new(0),
            origin: Instant::now(),
        }
    }
}

impl Activity {
    /// A request's headers were read: its handler runs, the socket keeps no time.
    pub fn begin(&self) {
        self.busy.store(true, Ordering::Release);
    }

    /// The answer's body has been handed to hyper whole. Nothing is woken: the connection's
    /// timer is already set (see [`Watched::tick_while_busy`]), and when it rings the
    /// keep-alive clock is counted from here.
    fn end(&self) {
        let since = u64::try_from(self.origin.elapsed().as_nanos()).unwrap_or(u64::MAX);
        self.ended.store(since, Ordering::Release);
        self.answered.fetch_add(1, Ordering::AcqRel);
        self.busy.store(false, Ordering::Release);
    }

    fn busy(&self) -> bool {
        self.busy.load(Ordering::Acquire)
    }

    /// When the last answer finished.
    fn ended_at(&self) -> Instant {
        self.origin + Duration::from_nanos(self.ended.load(Ordering::Acquire))
    }
}

/// An answer's body that tells the connection when it is done.
pub struct TrackedBody {
    body: Body,
    activity: Arc<Activity>,
}

impl TrackedBody {
    pub fn new(body: Body, activity: Arc<Activity>) -> Self {
        TrackedBody { body, activity }
    }
}

impl Drop for TrackedBody {
    fn drop(&mut self) {
        // hyper drops the body once it has taken all of it (or gave up on the connection)
        self.activity.end();
    }
}

impl http_body::Body for TrackedBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        Pin::new(&mut self.body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

/// Where the connection stands while no request is being answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Waiting {
    /// A request is being answered (or the clock was not started yet).
    No,
    /// For the first byte of the request after `answered` answers.
    Idle { answered: u64 },
    /// For the rest of that request's headers.
    Head { answered: u64 },
}

/// The socket of one connection, as hyper sees it.
pub struct Watched {
    io: TcpStream,
    activity: Arc<Activity>,
    limits: Limits,
    opened: Instant,
    waiting: Waiting,
    /// When the connection's current wait ends ([`Watched::due`]); the timer below is only
    /// moved when it would ring late, never for every request: a reset takes the timer
    /// driver's lock, which all connections share.
    due: Instant,
    /// What the timer is set to; it may ring before `due`, and is then set again.
    armed: Instant,
    deadline: Pin<Box<Sleep>>,
    pressure: Pin<Box<OwnedNotified>>,
    /// Bytes of an answer of ours still to be written, ahead of anything from hyper.
    own: Vec<u8>,
    own_written: usize,
    /// After our 408: reads see the end of the stream.
    closing: bool,
}

impl Watched {
    pub fn new(
        io: TcpStream,
        activity: Arc<Activity>,
        limits: Limits,
        pressure: &Pressure,
    ) -> Self {
        let opened = Instant::now();
        Watched {
            io,
            activity,
            limits,
            opened,
            waiting: Waiting::No,
            due: opened + limits.header,
            armed: opened + limits.header,
            deadline: Box::pin(tokio::time::sleep_until(opened + limits.header)),
            pressure: pressure.subscribe(),
            own: Vec::new(),
            own_written: 0,
            closing: false,
        }
    }

    /// Starts the clock for the request after `answered` answers, unless it already runs.
    fn wait_for_request(&mut self, answered: u64) {
        match self.waiting {
            Waiting::Idle { answered: a } | Waiting::Head { answered: a } if a == answered => {}
            _ => {
                self.due = if answered == 0 {
                    self.opened + self.limits.header
                } else {
                    self.activity.ended_at() + self.limits.keep_alive
                };
                // one subscription a connection: a new one per request took the shared
                // notifier's lock twice per request, across cores (a pressure raised while a
                // request was being answered closes the connection when it next idles)
                self.waiting = Waiting::Idle { answered };
            }
        }
    }

    /// The first bytes of a request came: the rest of its headers must follow in time.
    fn request_began(&mut self) {
        if let Waiting::Idle { answered } = self.waiting {
            if answered > 0 {
                self.due = Instant::now() + self.limits.header;
            }
            self.waiting = Waiting::Head { answered };
        }
    }

    /// Whether the wait is over: the timer is set no later than `due` and, when it rings
    /// before `due` (the wait was extended since it was set), set again.
    fn poll_due(&mut self, cx: &mut Context<'_>) -> bool {
        if self.armed > self.due {
            self.armed = self.due;
            self.deadline.as_mut().reset(self.due);
        }
        while self.deadline.as_mut().poll(cx).is_ready() {
            if Instant::now() >= self.due {
                return true;
            }
            self.armed = self.due;
            self.deadline.as_mut().reset(self.due);
        }
        false
    }

    /// While a request is answered the socket keeps no time, but its timer stays set no
    /// later than a keep-alive from now, and registered with this connection: when it rings
    /// after the answer has ended, the keep-alive clock is counted from the answer's end.
    /// (Waking the connection at the end of each answer instead cost a second poll of the
    /// whole connection per request.)
    fn tick_while_busy(&mut self, cx: &mut Context<'_>) {
        let latest = Instant::now() + self.limits.keep_alive;
        if self.armed > latest {
            self.armed = latest;
            self.deadline.as_mut().reset(latest);
        }
        while self.deadline.as_mut().poll(cx).is_ready() {
            // a handler longer than the keep-alive: look again a keep-alive later
            self.armed = Instant::now() + self.limits.keep_alive;
            self.deadline.as_mut().reset(self.armed);
        }
    }

    /// Writes what is left of our own answer.
    fn poll_own(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while self.own_written < self.own.len() {
            let n = ready!(Pin::new(&mut self.io).poll_write(cx, &self.own[self.own_written..]))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            self.own_written += n;
        }
        Poll::Ready(Ok(()))
    }

    /// Replaces an error answer hyper wrote by itself with the envelope.
    fn take_over(&mut self, status: u16) {
        self.own = envelope_answer(status);
        self.own_written = 0;
    }
}

impl AsyncRead for Watched {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.closing {
            ready!(this.poll_own(cx))?;
            return Poll::Ready(Ok(()));
        }
        if this.activity.busy() {
            // the request's body, or hyper looking out for a hang-up: the handler's time
            this.waiting = Waiting::No;
            this.tick_while_busy(cx);
            return Pin::new(&mut this.io).poll_read(cx, buf);
        }
        this.wait_for_request(this.activity.answered.load(Ordering::Acquire));
        let before = buf.filled().len();
        match Pin::new(&mut this.io).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {
                if buf.filled().len() > before {
                    this.request_began();
                }
                return Poll::Ready(Ok(()));
            }
            Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
            Poll::Pending => {}
        }
        let idle = matches!(this.waiting, Waiting::Idle { .. });
        if this.poll_due(cx) {
            if idle {
                // nothing was asked: an end of stream lets hyper close quietly
                return Poll::Ready(Ok(()));
            }
            tracing::debug!("request headers not received in time");
            this.take_over(408);
            this.closing = true;
            ready!(this.poll_own(cx))?;
            return Poll::Ready(Ok(()));
        }
        if idle && this.pressure.as_mut().poll(cx).is_ready() {
            return Poll::Ready(Ok(()));
        }
        Poll::Pending
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        ready!(this.poll_own(cx))?;
        if let Some(status) = hyper_error_status(buf) {
            this.take_over(status);
            // hyper counts its own answer as written; ours goes out now or on its flush
            if let Poll::Ready(Err(e)) = this.poll_own(cx) {
                return Poll::Ready(Err(e));
            }
            return Poll::Ready(Ok(buf.len()));
        }
        Pin::new(&mut this.io).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let mut parts = bufs.iter().filter(|b| !b.is_empty());
        if let (Some(only), None) = (parts.next(), parts.next()) {
            // hyper's own answers are a head alone; anything more passes untouched
            if hyper_error_status(only).is_some() {
                return self.poll_write(cx, only);
            }
        }
        let this = self.get_mut();
        ready!(this.poll_own(cx))?;
        Pin::new(&mut this.io).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.poll_own(cx))?;
        Pin::new(&mut this.io).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.poll_own(cx))?;
        Pin::new(&mut this.io).poll_shutdown(cx)
    }
}

/// The status of an answer hyper wrote by itself, if `bytes` are one: a whole head with an
/// error status, `content-length: 0` and no content type. Our own error answers always carry
/// a JSON body (the application wraps every error in the envelope), so they never match.
fn hyper_error_status(bytes: &[u8]) -> Option<u16> {
    let head = bytes.strip_suffix(b"\r\n\r\n")?;
    let text = std::str::from_utf8(head).ok()?;
    let mut lines = text.split("\r\n");
    let status_line = lines.next()?;
    let rest = status_line
        .strip_prefix("HTTP/1.1 ")
        .or_else(|| status_line.strip_prefix("HTTP/1.0 "))?;
    let status: u16 = rest.get(..3)?.parse().ok()?;
    if !matches!(status, 400 | 408 | 414 | 431) {
        return None;
    }
    let mut empty = false;
    for line in lines {
        let (name, value) = line.split_once(':')?;
        let name = name.trim();
        if name.eq_ignore_ascii_case("content-type") {
            return None;
        }
        if name.eq_ignore_ascii_case("content-length") {
            empty = value.trim() == "0";
        }
    }
    empty.then_some(status)
}

/// A whole answer, in the error envelope, for a status the server gives before any handler.
fn envelope_answer(status: u16) -> Vec<u8> {
    let (reason, error) = match status {
        408 => (
            "Request Timeout",
            "the request headers did not arrive in time",
        ),
        414 => ("URI Too Long", "the URL is longer than this server accepts"),
        431 => (
            "Request Header Fields Too Large",
            "the request headers are larger than this server accepts",
        ),
        _ => ("Bad Request", "the request is not valid HTTP"),
    };
    let envelope = ErrorEnvelope {
        success: false,
        data: ErrorData {
            error: error.to_owned(),
            field: None,
        },
    };
    let body = serde_json::to_vec(&envelope).unwrap_or_default();
    let mut answer = format!(
        "HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\n\
         content-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    answer.extend_from_slice(&body);
    answer
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_hyper_s_own_empty_error_heads_are_taken_over() {
        let own = b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\n\
                    date: Mon, 01 Jan 2024 00:00:00 GMT\r\n\r\n";
        assert_eq!(hyper_error_status(own), Some(431));
        assert_eq!(
            hyper_error_status(b"HTTP/1.0 400 Bad Request\r\nContent-Length: 0\r\n\r\n"),
            Some(400)
        );
        for other in [
            &b"HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: 0\r\n\r\n"[..],
            b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n",
            b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n",
            b"HTTP/1.1 400 Bad Request\r\ncontent-length: 2\r\n\r\n",
            b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n{}",
            b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n",
            b"{\"HTTP/1.1 400\": 1}",
        ] {
            assert_eq!(
                hyper_error_status(other),
                None,
                "{}",
                String::from_utf8_lossy(other)
            );
        }
    }

    #[test]
    fn the_answer_is_the_envelope() {
        let answer = String::from_utf8(envelope_answer(414)).unwrap_or_default();
        let (head, body) = answer.split_once("\r\n\r\n").unwrap_or_default();
        assert!(head.starts_with("HTTP/1.1 414 URI Too Long\r\n"), "{head}");
        assert!(head.contains(&format!("content-length: {}", body.len())));
        let value: serde_json::Value = serde_json::from_str(body).unwrap_or_default();
        assert_eq!(value["success"], false);
        assert!(value["data"]["error"]
            .as_str()
            .is_some_and(|e| e.contains("URL")));
    }
}
