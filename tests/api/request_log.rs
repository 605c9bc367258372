//! API.md §13: one `info` log line per request, with its request id, account, route template,
//! status and latency, and never a key. Read from the real binary's stderr; the binary's
//! `--rate-limit` flag is checked on the way (API.md §0).

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{Backend, TestDatabase};

/// The CLI on `database`, its stdout trimmed.
fn cli(database: &str, args: &[&str]) -> String {
    crate::cli::ok(database, args)
}

/// The server on `database` logging JSON lines at `info`; its address, and its stderr lines as
/// they come.
fn serve(database: &str, args: &[&str]) -> (Child, String, Arc<Mutex<Vec<String>>>) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("port");
    let addr = format!("127.0.0.1:{port}");
    let mut child = Command::new(env!("CARGO_BIN_EXE_caffesta"))
        .args([
            "--database",
            database,
            "serve",
            "--listen",
            &addr,
            "--log-json",
        ])
        .args(args)
        .env("RUST_LOG", "info")
        .env_remove("CAFFESTA_RATE_LIMIT")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start caffesta");
    let lines = Arc::new(Mutex::new(Vec::new()));
    let stderr = child.stderr.take().expect("stderr");
    let sink = Arc::clone(&lines);
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            sink.lock().expect("lines").push(line);
        }
    });
    for _ in 0..200 {
        if std::net::TcpStream::connect(&addr).is_ok() {
            break;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    (child, addr, lines)
}

/// The request lines logged so far, as JSON, once there are `n` (waits a little for the pipe).
async fn request_lines(lines: &Mutex<Vec<String>>, n: usize) -> Vec<Value> {
    for _ in 0..200 {
        let found: Vec<Value> = lines
            .lock()
            .expect("lines")
            .iter()
            .filter_map(|l| serde_json::from_str::<Value>(l).ok())
            .filter(|l| l["target"] == "caffesta::request")
            .collect();
        if found.len() >= n {
            return found;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!(
        "fewer than {n} request lines: {:?}",
        lines.lock().expect("lines")
    );
}

async fn each_request_logs_one_info_line_with_account_route_status_and_latency_never_the_key(
    backend: Backend,
) {
    let database = TestDatabase::new(backend).await;
    let url = database.url.clone();
    cli(&url, &["account", "create", "cafe"]);
    let key = cli(&url, &["key", "create", "--account", "cafe"]);
    // the default of 1 a second in bursts of 2: the third keyed call is refused
    let (mut child, addr, lines) = serve(&url, &["--rate-limit", "1", "--workers", "0"]);
    let client = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client");
    let host = format!(
        "cafe.localhost:{}",
        addr.rsplit(':').next().unwrap_or_default()
    );
    let call = |path: &str, key: &str, id: &str| {
        client
            .get(format!("http://{addr}{path}"))
            .header("Host", &host)
            .header("X-API-KEY", key)
            .header("X-Request-Id", id)
    };
    let wrong_key = "f".repeat(32);
    let calls = [
        ("/healthz", "", "req-1", StatusCode::OK),
        (
            "/a/v1.0/storage/test",
            key.as_str(),
            "req-2",
            StatusCode::OK,
        ),
        (
            "/a/v1.0/storage/invoices/9",
            key.as_str(),
            "req-3",
            StatusCode::NOT_FOUND,
        ),
        (
            "/a/v1.0/storage/test",
            key.as_str(),
            "req-4",
            StatusCode::TOO_MANY_REQUESTS,
        ),
        (
            "/a/v1.0/storage/test",
            wrong_key.as_str(),
            "req-5",
            StatusCode::UNAUTHORIZED,
        ),
    ];
    for (path, key, id, status) in calls {
        let response = call(path, key, id).send().await.expect("answer");
        assert_eq!(response.status(), status, "{path}");
    }
    let logged = request_lines(&lines, calls.len()).await;
    child.kill().ok();
    child.wait().ok();
    assert_eq!(
        logged.len(),
        calls.len(),
        "one line per request: {logged:#?}"
    );
    let expected = [
        ("req-1", "-", "/healthz", 200),
        ("req-2", "cafe", "/a/v1.0/storage/test", 200),
        ("req-3", "cafe", "/a/v1.0/storage/invoices/{id}", 404),
        ("req-4", "cafe", "/a/v1.0/storage/test", 429),
        ("req-5", "-", "/a/v1.0/storage/test", 401),
    ];
    for (line, (id, account, route, status)) in logged.iter().zip(expected) {
        assert_eq!(line["level"], "INFO", "{line}");
        let fields = &line["fields"];
        assert_eq!(fields["request_id"], id, "{line}");
        assert_eq!(fields["account"], account, "{line}");
        assert_eq!(fields["route"], route, "{line}");
        assert_eq!(fields["method"], "GET", "{line}");
        assert_eq!(fields["status"], status, "{line}");
        assert!(fields["latency_us"].as_u64().is_some(), "{line}");
    }
    let everything = lines.lock().expect("lines").join("\n");
    for secret in [key.as_str(), &key[..16], wrong_key.as_str()] {
        assert!(!everything.contains(secret), "a key reached the log");
    }
}

async fn serve_rate_limit_zero_turns_the_default_off(backend: Backend) {
    let database = TestDatabase::new(backend).await;
    let url = database.url.clone();
    cli(&url, &["account", "create", "cafe"]);
    let key = cli(&url, &["key", "create", "--account", "cafe"]);
    let (mut child, addr, _) = serve(&url, &["--rate-limit", "0", "--workers", "0"]);
    let client = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client");
    for _ in 0..10 {
        let response = client
            .get(format!("http://{addr}/a/v1.0/storage/test"))
            .header("X-API-KEY", &key)
            .send()
            .await
            .expect("answer");
        assert_eq!(response.status(), StatusCode::OK);
        assert!(!response.headers().contains_key("ratelimit-limit"));
    }
    child.kill().ok();
    child.wait().ok();
}

crate::backend_tests!(
    each_request_logs_one_info_line_with_account_route_status_and_latency_never_the_key,
    serve_rate_limit_zero_turns_the_default_off,
);
