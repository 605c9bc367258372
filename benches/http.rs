//! HTTP benchmark: requests per second and latency percentiles of the read endpoints, against
//! the release binary in its own process, over loopback with keep-alive connections.
//!
//! Beside throughput it prints the server's CPU time per request (from `/proc`), which does
//! not move with what else the machine is doing, as throughput on two cores does.
//!
//! `cargo bench --bench http` (env: `BENCH_SECONDS`, default 10; `BENCH_CONNECTIONS`, default 50;
//! `BENCH_DATABASE`, default a fresh SQLite file, or a postgres:// URL of an empty database).

mod support;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use support::{env_or, start_server, Server};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// One keep-alive connection sending `request` until `deadline`; returns latencies (µs) of
/// 200 answers and the count of other answers.
async fn connection(addr: SocketAddr, request: Vec<u8>, deadline: Instant) -> (Vec<u32>, u64) {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    stream.set_nodelay(true).expect("nodelay");
    let mut buf = vec![0u8; 64 * 1024];
    let (mut latencies, mut failures) = (Vec::with_capacity(200_000), 0u64);
    while Instant::now() < deadline {
        let started = Instant::now();
        stream.write_all(&request).await.expect("write");
        let mut filled = 0;
        let (status, total) = loop {
            let n = stream.read(&mut buf[filled..]).await.expect("read");
            assert!(n > 0, "server closed the connection");
            filled += n;
            if let Some(parsed) = parse_response(&buf[..filled]) {
                break parsed;
            }
        };
        while filled < total {
            filled += stream.read(&mut buf[filled..]).await.expect("read body");
        }
        if status == 200 {
            latencies.push(u32::try_from(started.elapsed().as_micros()).unwrap_or(u32::MAX));
        } else {
            failures += 1;
        }
    }
    (latencies, failures)
}

/// Status and total length (head + body) once the head is complete.
fn parse_response(bytes: &[u8]) -> Option<(u16, usize)> {
    let head_end = bytes.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
    let head = std::str::from_utf8(&bytes[..head_end]).ok()?;
    let status = head.get(9..12)?.parse().ok()?;
    let length = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length:")
                .map(|v| v.trim().to_owned())
        })
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(0);
    Some((status, head_end + length))
}

#[expect(
    clippy::cast_precision_loss,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "the rank of a percentile: a whole number in 0..len, from a display statistic"
)]
fn percentile(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    f64::from(sorted[rank]) / 1000.0
}

#[expect(
    clippy::cast_precision_loss,
    reason = "a benchmark statistic shown to a person; the float is display only"
)]
async fn measure(server: &Server, path: &str, connections: usize, seconds: u64) {
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: demo.localhost\r\nX-API-KEY: {}\r\n\r\n",
        server.key
    )
    .into_bytes();
    // warm up: connections, key cache, prepared statements
    let warm = Instant::now() + Duration::from_millis(500);
    futures_join(server.addr, &request, connections, warm).await;
    let cpu_before = server.cpu_time();
    let started = Instant::now();
    let deadline = started + Duration::from_secs(seconds);
    let (mut latencies, failures) =
        futures_join(server.addr, &request, connections, deadline).await;
    let elapsed = started.elapsed().as_secs_f64();
    let cpu = server
        .cpu_time()
        .zip(cpu_before)
        .map(|(after, before)| after.saturating_sub(before));
    latencies.sort_unstable();
    let answered = latencies.len() as f64 + failures as f64;
    let cpu_per_request = cpu.map_or_else(
        || "n/a".to_owned(),
        |cpu| format!("{:.1}µs", cpu.as_secs_f64() * 1e6 / answered.max(1.0)),
    );
    println!(
        "GET {path:<28} c={connections} {elapsed:.1}s  requests={}  req/s={:.0}  server CPU/request={cpu_per_request}  p50={:.2}ms  p99={:.2}ms  max={:.2}ms  non-200={failures}",
        latencies.len(),
        latencies.len() as f64 / elapsed,
        percentile(&latencies, 50.0),
        percentile(&latencies, 99.0),
        percentile(&latencies, 100.0),
    );
}

async fn futures_join(
    addr: SocketAddr,
    request: &[u8],
    connections: usize,
    deadline: Instant,
) -> (Vec<u32>, u64) {
    let tasks: Vec<_> = (0..connections)
        .map(|_| tokio::spawn(connection(addr, request.to_vec(), deadline)))
        .collect();
    let (mut all, mut failures) = (Vec::new(), 0);
    for task in tasks {
        let (latencies, failed) = task.await.expect("connection task");
        all.extend(latencies);
        failures += failed;
    }
    (all, failures)
}

fn main() {
    let seconds = env_or("BENCH_SECONDS", 10u64);
    let connections = env_or("BENCH_CONNECTIONS", 50usize);
    let dir = tempfile::tempdir().expect("temp dir");
    let database = support::database(dir.path());
    let server = start_server(&database);
    println!(
        "caffesta HTTP benchmark: {} ({connections} connections, {seconds} s per path)",
        support::backend_name(&database)
    );
    // one client thread; the server process has the machine's cores
    let runtime = support::runtime();
    runtime.block_on(async {
        measure(&server, "/a/v1.0/storage/test", connections, seconds).await;
        measure(&server, "/a/v1.0/draft/storages", connections, seconds).await;
        measure(&server, "/a/v1.0/draft/get_updates/1", connections, seconds).await;
    });
}
