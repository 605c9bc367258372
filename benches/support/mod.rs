//! What the benchmarks share: the release binary started as a real server over loopback, and
//! a client for it. Each benchmark uses a part of this.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use reqwest::Method;
use serde_json::{json, Value};

pub fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The database to run against: `BENCH_DATABASE` (a postgres:// URL of an empty database), else
/// a fresh SQLite file in `dir`.
pub fn database(dir: &std::path::Path) -> String {
    std::env::var("BENCH_DATABASE").unwrap_or_else(|_| dir.join("bench.db").display().to_string())
}

pub fn backend_name(database: &str) -> &'static str {
    if database.starts_with("postgres") {
        "PostgreSQL"
    } else {
        "SQLite"
    }
}

/// The binary under test: `BENCH_BINARY`, else the one this benchmark was built with. Another
/// build's binary (an earlier commit's, say) can so be measured by the same client in the same
/// run, for a before/after on one machine.
fn binary() -> std::ffi::OsString {
    std::env::var_os("BENCH_BINARY").unwrap_or_else(|| env!("CARGO_BIN_EXE_caffesta").into())
}

/// The server under test, stopped when dropped.
pub struct Server {
    child: Child,
    pub addr: SocketAddr,
    pub key: String,
}

impl Server {
    /// CPU time the server process has used so far (user and system, all threads), from
    /// `/proc`; `None` where there is none. Divided by the requests served, it is a cost per
    /// request that does not depend on what else the machine runs, as throughput does.
    pub fn cpu_time(&self) -> Option<Duration> {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.child.id())).ok()?;
        // fields after the command name, which is in parentheses and may hold spaces
        let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
        let ticks: u64 =
            fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
        // the kernel's USER_HZ, 100 on every Linux this runs on
        Some(Duration::from_millis(ticks * 10))
    }
}

/// The server's CPU time per operation between two readings of [`Server::cpu_time`], in µs,
/// as shown beside a throughput ("" when the platform has no `/proc`).
#[expect(
    clippy::cast_precision_loss,
    reason = "a benchmark statistic shown to a person; the float is display only"
)]
pub fn cpu_per(before: Option<Duration>, after: Option<Duration>, operations: usize) -> String {
    match (before, after) {
        (Some(before), Some(after)) if operations > 0 => format!(
            ", server CPU {:.0} µs each",
            after.saturating_sub(before).as_secs_f64() * 1e6 / operations as f64
        ),
        _ => String::new(),
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("port")
}

pub fn start_server(database: &str) -> Server {
    let addr: SocketAddr = format!("127.0.0.1:{}", free_port()).parse().expect("addr");
    let mut child = Command::new(binary())
        .args([
            "--database",
            database,
            "serve",
            "--demo",
            "--demo-empty",
            "--listen",
            &addr.to_string(),
        ])
        .env(
            "RUST_LOG",
            std::env::var("BENCH_RUST_LOG").unwrap_or_else(|_| "warn".into()),
        )
        // the demo key would be held to the default 200 requests a second; the highest limit
        // keeps the limiter on the measured path without ever refusing
        .env(
            "CAFFESTA_RATE_LIMIT",
            std::env::var("BENCH_RATE_LIMIT").unwrap_or_else(|_| "1000000".into()),
        )
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start caffesta");
    let stdout = child.stdout.take().expect("stdout");
    let mut key = String::new();
    let mut lines = BufReader::new(stdout).lines();
    for line in lines.by_ref() {
        let line = line.expect("line");
        if let Some(rest) = line.split("API key for it: ").nth(1) {
            rest.trim().clone_into(&mut key);
            break;
        }
    }
    // keep reading, so that the server never writes to a closed pipe
    std::thread::spawn(move || lines.for_each(drop));
    assert_eq!(key.len(), 32, "no demo key printed");
    for _ in 0..100 {
        if std::net::TcpStream::connect(addr).is_ok() {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Server { child, addr, key }
}

/// A client of the server under test, as its demo key.
#[derive(Clone)]
pub struct Client {
    pub http: reqwest::Client,
    pub base: String,
    pub key: String,
}

impl Client {
    pub fn of(server: &Server) -> Client {
        Client {
            http: reqwest::Client::builder()
                .no_proxy()
                .build()
                .expect("client"),
            base: format!("http://{}", server.addr),
            key: server.key.clone(),
        }
    }

    pub async fn send(&self, method: reqwest::Method, path: &str, body: Option<&Value>) -> Value {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.base))
            .header("X-API-KEY", &self.key);
        if let Some(body) = body {
            request = request
                .header("Content-Type", "application/json")
                .body(serde_json::to_vec(body).expect("json"));
        }
        let response = request.send().await.expect("request");
        let status = response.status();
        let value: Value = response.json().await.expect("json");
        assert!(status.is_success(), "{path}: {status} {value}");
        value
    }
}

/// Runs an administration command of the binary on `database`; returns what it printed.
/// A key of shop 1's terminal in the demo account, made by the CLI as a till's installer would.
pub fn terminal_key(database: &str) -> String {
    cli(
        database,
        &[
            "key",
            "create",
            "--account",
            "demo",
            "--scope",
            "terminal",
            "--shop",
            "1",
        ],
    )
}

/// The single-threaded runtime a bench's client runs on (the server is another process).
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

pub fn cli(database: &str, args: &[&str]) -> String {
    cli_with_input(database, args, "")
}

/// [`cli`], with `input` on the command's standard input (a new user's password).
pub fn cli_with_input(database: &str, args: &[&str], input: &str) -> String {
    use std::io::Write;
    let mut child = Command::new(binary())
        .arg("--database")
        .arg(database)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("caffesta runs");
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(input.as_bytes()).expect("stdin");
    }
    let out = child.wait_with_output().expect("caffesta ends");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// Products 1–6 ingredients (kg, l, pcs), 7–8 tech maps of three of them, 9–11 sold as they
/// are; all stocked in storage 1 (shop 1's). Returns the ids of the five sold products.
pub async fn catalog(client: &Client) -> Vec<i64> {
    let mut products = Vec::new();
    for n in 1..=11 {
        let (measure, kind, cancel) = match n {
            1..=2 => ("kg", "product", 1),
            3..=4 => ("l", "product", 1),
            7..=8 => ("pcs", "tech_map", 2),
            _ => ("pcs", "product", 1),
        };
        products.push(json!({"ref_code": format!("p{n}"), "name": format!("Товар {n}"), "measure": measure, "type": kind, "cancellation_type": cancel}));
    }
    let items: Vec<Value> = [1, 2, 3, 4, 5, 6, 9, 10, 11]
        .iter()
        .map(|n| json!({"amount": 100_000, "product_code": format!("p{n}"), "cost": "250000"}))
        .collect();
    let invoice = json!({"storage": {"caf_id": 1}, "products": products, "items": items});
    let id = client
        .send(Method::POST, "/a/v1.0/storage/invoices", Some(&invoice))
        .await["data"]["id"]
        .as_i64()
        .expect("invoice");
    client
        .send(
            Method::PUT,
            &format!("/a/v1.0/storage/invoices/{id}"),
            Some(&json!({"action": "wire"})),
        )
        .await;
    let id_of = |code: &str| format!("/a/v1.0/product/by_ref_code/{code}");
    let mut ids = Vec::new();
    for code in ["p7", "p8", "p9", "p10", "p11"] {
        ids.push(
            client.send(Method::GET, &id_of(code), None).await["data"]["id"]
                .as_i64()
                .expect("id"),
        );
    }
    for (map, ingredients) in [(ids[0], ["p1", "p3", "p5"]), (ids[1], ["p2", "p4", "p6"])] {
        let items: Vec<Value> = ingredients
            .iter()
            .map(|c| json!({"product_code": c, "amount": "0.015"}))
            .collect();
        client
            .send(
                Method::PUT,
                &format!("/a/v1.0/product/{map}/tech_map"),
                Some(&json!({"output": 1, "items": items})),
            )
            .await;
    }
    ids
}

/// Fills `database`'s `demo` account with `dev seed-sales` as `BENCH_LINES`, `BENCH_DAYS`,
/// `BENCH_SHOPS` and `BENCH_PRODUCTS` say (a year, 20 shops, 2,000 products, 5,000,000 lines),
/// unless `BENCH_SEED=0` reuses a database seeded before; what it did, for the header line.
pub fn seed_sales(database: &str) -> String {
    if env_or("BENCH_SEED", 1u8) == 0 {
        return "nothing (BENCH_SEED=0)".to_owned();
    }
    let number = |name: &str, default: i64| env_or(name, default).to_string();
    let (days, shops) = (number("BENCH_DAYS", 365), number("BENCH_SHOPS", 20));
    let (products, lines) = (
        number("BENCH_PRODUCTS", 2_000),
        number("BENCH_LINES", 5_000_000),
    );
    cli(
        database,
        &[
            "dev",
            "seed-sales",
            "--account",
            "demo",
            "--days",
            &days,
            "--shops",
            &shops,
            "--products",
            &products,
            "--lines",
            &lines,
        ],
    );
    format!("{lines} lines")
}

/// A sale receipt of one of each of `sold` at `price` a piece, paid by card (payment type 2).
pub fn receipt_of(sold: &[i64], price: &str) -> Value {
    let each: rust_decimal::Decimal = price.parse().expect("price");
    let lines: Vec<Value> = sold
        .iter()
        .map(|id| json!({"product_id": id, "count": 1, "price": price, "total_sum": price}))
        .collect();
    let total = each * rust_decimal::Decimal::from(sold.len());
    json!({"type": "sale", "lines": lines, "payments": [{"payment_id": 2, "value": total.to_string()}]})
}

/// A till posting `receipt` back to back until `deadline`: each one's latency.
pub async fn receipts_until(
    till: Client,
    receipt: Value,
    deadline: std::time::Instant,
) -> Vec<Duration> {
    let mut latencies = Vec::new();
    while std::time::Instant::now() < deadline {
        let one = std::time::Instant::now();
        till.send(
            reqwest::Method::POST,
            "/a/v1.0/pos/receipts",
            Some(&receipt),
        )
        .await;
        latencies.push(one.elapsed());
    }
    latencies
}
