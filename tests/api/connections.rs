//! API.md §0, connections: a connection that does not finish its request headers in time, or
//! sits idle past the keep-alive timeout, is closed; hundreds of idle connections beyond the
//! open-file limit never stop the server answering others (the real binary, under `ulimit`).

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use caffesta::config::HttpConfig;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::helpers::{Backend, TestDatabase, TestServer};

/// Reads until the server closes the connection (or `limit` passes: then `None`).
async fn read_until_closed(stream: &mut TcpStream, limit: Duration) -> Option<Vec<u8>> {
    let mut answer = Vec::new();
    match tokio::time::timeout(limit, stream.read_to_end(&mut answer)).await {
        // a reset after the answer is a close as well
        Ok(Ok(_) | Err(_)) => Some(answer),
        Err(_) => None,
    }
}

/// Reads one answer with a `content-length` body; returns its head and body.
pub async fn read_answer(stream: &mut TcpStream) -> (String, Vec<u8>) {
    let mut bytes = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(end) = bytes.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&bytes[..end]).into_owned();
            let length: usize = head
                .lines()
                .find_map(|l| {
                    let (name, value) = l.split_once(':')?;
                    name.eq_ignore_ascii_case("content-length")
                        .then(|| value.trim().parse().ok())?
                })
                .expect("content-length");
            while bytes.len() < end + 4 + length {
                let n = stream.read(&mut chunk).await.expect("read");
                assert!(n > 0, "closed mid-answer: {head}");
                bytes.extend_from_slice(&chunk[..n]);
            }
            return (head, bytes[end + 4..end + 4 + length].to_vec());
        }
        let n = stream.read(&mut chunk).await.expect("read");
        assert!(n > 0, "closed before an answer");
        bytes.extend_from_slice(&chunk[..n]);
    }
}

fn short_timeouts(header: u64, keep_alive: u64) -> HttpConfig {
    HttpConfig {
        key_cache_ttl: Duration::ZERO,
        header_timeout: Duration::from_secs(header),
        keep_alive_timeout: Duration::from_secs(keep_alive),
        ..HttpConfig::default()
    }
}

async fn a_half_sent_request_is_answered_408_and_closed_after_the_header_timeout(backend: Backend) {
    let server = TestServer::start_with(backend, short_timeouts(1, 5)).await;
    let mut stream = TcpStream::connect(server.addr).await.expect("connect");
    let started = Instant::now();
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Half: ")
        .await
        .expect("write");
    let answer = read_until_closed(&mut stream, Duration::from_secs(5))
        .await
        .expect("the connection is closed within the header timeout and a margin");
    let elapsed = started.elapsed();
    assert!(
        elapsed >= Duration::from_millis(900) && elapsed < Duration::from_secs(3),
        "{elapsed:?}"
    );
    let text = String::from_utf8_lossy(&answer);
    let (head, body) = text.split_once("\r\n\r\n").expect("an answer");
    assert!(head.starts_with("HTTP/1.1 408 "), "{head}");
    assert!(head.contains("content-type: application/json"), "{head}");
    let body: Value = serde_json::from_str(body).expect("JSON");
    assert_eq!(body["success"], false, "{body}");
    assert!(body["data"]["error"].is_string(), "{body}");
    server.stop().await;
}

async fn a_silent_connection_is_closed_after_the_header_timeout(backend: Backend) {
    let server = TestServer::start_with(backend, short_timeouts(1, 5)).await;
    let mut stream = TcpStream::connect(server.addr).await.expect("connect");
    let started = Instant::now();
    let answer = read_until_closed(&mut stream, Duration::from_secs(5))
        .await
        .expect("closed");
    assert!(answer.is_empty(), "{}", String::from_utf8_lossy(&answer));
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    server.stop().await;
}

/// Between requests the keep-alive timeout counts, not the (shorter) header timeout; past it
/// the connection is closed without an answer.
async fn an_idle_connection_lives_for_the_keep_alive_timeout_then_closes(backend: Backend) {
    let server = TestServer::start_with(backend, short_timeouts(1, 3)).await;
    let mut stream = TcpStream::connect(server.addr).await.expect("connect");
    let request = b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n";
    stream.write_all(request).await.expect("write");
    let (head, _) = read_answer(&mut stream).await;
    assert!(head.starts_with("HTTP/1.1 200 "), "{head}");
    // idle for longer than the header timeout: still served
    tokio::time::sleep(Duration::from_millis(1500)).await;
    stream.write_all(request).await.expect("write");
    let (head, _) = read_answer(&mut stream).await;
    assert!(head.starts_with("HTTP/1.1 200 "), "{head}");
    let idle = Instant::now();
    let rest = read_until_closed(&mut stream, Duration::from_secs(6))
        .await
        .expect("closed after the keep-alive timeout");
    assert!(rest.is_empty(), "{}", String::from_utf8_lossy(&rest));
    let elapsed = idle.elapsed();
    assert!(
        elapsed >= Duration::from_millis(2500) && elapsed < Duration::from_secs(5),
        "{elapsed:?}"
    );
    server.stop().await;
}

/// The real binary under `ulimit -n 256`, with short timeouts; returns it and its address.
fn spawn_limited(database: &str, header_timeout: u64) -> (Child, String) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("port");
    let addr = format!("127.0.0.1:{port}");
    let timeout = header_timeout.to_string();
    let mut child = Command::new("sh")
        .args(["-c", "ulimit -n 256 && exec \"$0\" \"$@\""])
        .arg(env!("CARGO_BIN_EXE_caffesta"))
        .args(["--database", database, "serve", "--listen", &addr])
        .args([
            "--header-timeout",
            &timeout,
            "--keep-alive-timeout",
            &timeout,
        ])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start caffesta");
    let stderr = child.stderr.take().expect("stderr");
    std::thread::spawn(move || BufReader::new(stderr).lines().for_each(drop));
    for _ in 0..400 {
        if std::net::TcpStream::connect(&addr).is_ok() {
            break;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    (child, addr)
}

async fn three_hundred_idle_connections_beyond_the_file_limit_never_stop_the_answers(
    backend: Backend,
) {
    let database = TestDatabase::new(backend).await;
    let header_timeout = 2;
    let (mut child, addr) = spawn_limited(&database.url, header_timeout);
    let mut idle = Vec::new();
    for _ in 0..300 {
        idle.push(TcpStream::connect(&addr).await.expect("connect"));
    }
    // a new connection per request: each must be accepted past the idle ones
    let client = reqwest::Client::builder()
        .no_proxy()
        .pool_max_idle_per_host(0)
        .timeout(Duration::from_secs(15))
        .build()
        .expect("client");
    let bound = Duration::from_secs(header_timeout + 3);
    for round in 0..5 {
        let started = Instant::now();
        let answer = client.get(format!("http://{addr}/healthz")).send().await;
        let elapsed = started.elapsed();
        let status = answer.map(|a| a.status().as_u16());
        assert_eq!(status.ok(), Some(200), "round {round} after {elapsed:?}");
        assert!(elapsed < bound, "round {round}: {elapsed:?}");
        // more idle connections keep coming
        for _ in 0..50 {
            idle.push(TcpStream::connect(&addr).await.expect("connect"));
        }
    }
    drop(idle);
    child.kill().expect("stop");
    child.wait().expect("stopped");
}

crate::backend_tests!(
    a_half_sent_request_is_answered_408_and_closed_after_the_header_timeout,
    a_silent_connection_is_closed_after_the_header_timeout,
    an_idle_connection_lives_for_the_keep_alive_timeout_then_closes,
    three_hundred_idle_connections_beyond_the_file_limit_never_stop_the_answers
);
