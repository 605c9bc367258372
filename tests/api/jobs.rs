//! API.md §6: delivery jobs are durable and run exactly once: across a SIGKILL of the server
//! (the real binary), and with several servers (and workers racing for the same job) on one
//! database.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use caffesta::config::HttpConfig;
use caffesta::service::{delivery, Actor};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{int, Backend, TestDatabase, TestServer};

/// The real binary serving `database`; returns the process, its address, and the demo key
/// it printed (when started with `--demo`).
pub fn spawn(database: &str, args: &[&str]) -> (Child, String, Option<String>) {
    let (child, addr, printed) = start(database, args);
    let key = printed
        .iter()
        .find_map(|line| printed_key(line, "API key for it: "));
    (child, addr, key)
}

/// The keys `serve --demo` prints.
pub struct DemoKeys {
    pub api: String,
    pub terminal: String,
    pub admin: String,
    /// The admin UI's `owner` password, new at each start.
    pub owner_password: String,
}

/// The real binary serving `database` with `--demo` and `more` arguments, and the keys it
/// printed.
pub fn spawn_demo(database: &str, more: &[&str]) -> (Child, String, DemoKeys) {
    let args: Vec<&str> = std::iter::once("--demo")
        .chain(more.iter().copied())
        .collect();
    let (child, addr, printed) = start(database, &args);
    let find = |label: &str| {
        printed
            .iter()
            .find_map(|line| printed_key(line, label))
            .unwrap_or_else(|| panic!("no {label:?} in {printed:?}"))
    };
    let keys = DemoKeys {
        api: find("API key for it: "),
        terminal: find("): "),
        admin: find("admin key (/admin/v1/...): "),
        owner_password: printed
            .iter()
            .find_map(|line| line.split("password ").nth(1))
            .map(|rest| rest.trim_end_matches(')').to_owned())
            .unwrap_or_default(),
    };
    (child, addr, keys)
}

fn printed_key(line: &str, label: &str) -> Option<String> {
    let rest = line.split(label).nth(1)?;
    let key = rest.trim();
    key.chars()
        .all(|c| c.is_ascii_hexdigit())
        .then(|| key.to_owned())
}

/// Starts the binary; with `--demo`, reads what it prints up to the docs line.
fn start(database: &str, args: &[&str]) -> (Child, String, Vec<String>) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("port");
    let addr = format!("127.0.0.1:{port}");
    let mut child = Command::new(env!("CARGO_BIN_EXE_caffesta"))
        .args(["--database", database, "serve", "--listen", &addr])
        .args(args)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start caffesta");
    let mut printed = Vec::new();
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    if args.contains(&"--demo") {
        for line in lines.by_ref() {
            let line = line.expect("line");
            let last = line.starts_with("API reference");
            printed.push(line);
            if last {
                break;
            }
        }
    }
    std::thread::spawn(move || lines.for_each(drop));
    for _ in 0..400 {
        if std::net::TcpStream::connect(&addr).is_ok() {
            break;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    (child, addr, printed)
}

async fn call(
    client: &reqwest::Client,
    method: reqwest::Method,
    url: String,
    key: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut request = client.request(method, url).header("X-API-KEY", key);
    if let Some(body) = body {
        request = request.json(&body);
    }
    crate::helpers::send(request).await
}

fn order(product: i64, phone: &str) -> Value {
    json!({"bill": {"pos_id": 1, "app_id": 1, "delivery_type": 2, "total_sum": 5,
                    "items": [{"count": 1, "price": 5, "total_sum": 5, "product_id": product}],
                    "client": {"name": "Клиент", "phone": phone}}})
}

async fn a_job_accepted_before_a_sigkill_is_done_exactly_once_after_restart(backend: Backend) {
    let database = TestDatabase::new(backend).await;
    let client = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client");
    // a server that accepts jobs but runs none
    let (mut first, addr, key) = spawn(&database.url, &["--demo", "--workers", "0"]);
    let key = key.expect("demo key");
    // the demo cafe comes with its own history: count what this test adds to it
    let db = database.open().await;
    let receipts = int(&db, "SELECT COUNT(*) FROM receipts").await;
    let clients = int(&db, "SELECT COUNT(*) FROM clients").await;
    db.close().await;
    let url = |path: &str| format!("http://{addr}/a/v1.0{path}");
    let product = json!({"ref_code": "tea", "name": "Чай", "measure": "pcs"});
    let (status, answer) = call(
        &client,
        reqwest::Method::POST,
        url("/product/"),
        &key,
        Some(product),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let product_id = answer["data"]["id"].as_i64().expect("product");
    let (status, answer) = call(
        &client,
        reqwest::Method::POST,
        url("/draft/delivery"),
        &key,
        Some(order(product_id, "+375290000001")),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let job = answer["data"]["job_id"].as_i64().expect("job");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (_, state) = call(
        &client,
        reqwest::Method::GET,
        url(&format!("/draft/get_job_status/{job}")),
        &key,
        None,
    )
    .await;
    assert_eq!(state["data"]["status"], "pending");
    first.kill().expect("SIGKILL");
    first.wait().expect("killed");

    // restarted with a worker (same address, same key): the job runs, once
    let (mut second, addr, _) = spawn(&database.url, &[]);
    let url = |path: &str| format!("http://{addr}/a/v1.0{path}");
    let mut done = Value::Null;
    for _ in 0..200 {
        let (_, state) = call(
            &client,
            reqwest::Method::GET,
            url(&format!("/draft/get_job_status/{job}")),
            &key,
            None,
        )
        .await;
        if state["data"]["status"] != "pending" {
            done = state["data"].clone();
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert_eq!(done["status"], "success", "{done}");
    tokio::time::sleep(Duration::from_millis(1200)).await; // another look of the worker
    second.kill().expect("stop");
    second.wait().expect("stopped");
    let db = database.open().await;
    assert_eq!(
        int(&db, "SELECT COUNT(*) FROM receipts").await,
        receipts + 1
    );
    assert_eq!(int(&db, "SELECT COUNT(*) FROM clients").await, clients + 1);
    db.close().await;
}

async fn several_servers_and_racing_workers_never_run_a_job_twice(backend: Backend) {
    let database = TestDatabase::new(backend).await;
    let quiet = HttpConfig {
        key_cache_ttl: Duration::ZERO,
        workers: 0,
        ..HttpConfig::default()
    };
    let (one, two) = (database.open().await, database.open().await);
    let setup = TestServer::serve(one.clone(), quiet.clone()).await;
    let demo = setup.demo().await;
    let body = json!({"ref_code": "tea", "name": "Чай", "measure": "pcs"});
    let (_, answer) = setup.post(&demo, "/a/v1.0/product/", &body).await;
    let product = answer["data"]["id"].as_i64().expect("product");

    // workers of two "servers" (two pools) race for each of 30 jobs
    let actor = Actor {
        account_id: demo.id,
        user_id: 1,
        timezone: jiff::tz::TimeZone::UTC,
    };
    let mut jobs = Vec::new();
    for n in 0..30 {
        let input: caffesta::wire::delivery::DeliveryIn =
            serde_json::from_value(order(product, &format!("+37529{n:07}"))).expect("bill");
        jobs.push(
            delivery::accept(&one, &actor, &input.bill)
                .await
                .expect("accepted"),
        );
    }
    let mut done = 0;
    for &job in &jobs {
        let (a, b) = tokio::join!(
            delivery::process(&one, demo.id, job),
            delivery::process(&two, demo.id, job)
        );
        let outcomes = [a.expect("one"), b.expect("two")];
        assert_eq!(
            outcomes.iter().flatten().count(),
            1,
            "job {job} ran {outcomes:?}"
        );
        done += outcomes
            .iter()
            .flatten()
            .filter(|o| o.status == caffesta::domain::sales::JobStatus::Success)
            .count();
    }
    assert_eq!(done, 30);

    // and over HTTP: two servers with two workers each share the jobs sent to both
    let busy = HttpConfig {
        workers: 2,
        ..quiet
    };
    let servers = [
        TestServer::serve(one.clone(), busy.clone()).await,
        TestServer::serve(two.clone(), busy).await,
    ];
    let mut accepted = Vec::new();
    for n in 0..40 {
        let server = &servers[n % 2];
        let (status, answer) = server
            .post(
                &demo,
                "/a/v1.0/draft/storages",
                &order(product, &format!("+37533{n:07}")),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        accepted.push(answer["data"]["job_id"].as_i64().expect("job"));
    }
    let mut uuids = std::collections::HashSet::new();
    for (n, job) in accepted.iter().enumerate() {
        let state = crate::selling::finished_job(&servers[(n + 1) % 2], &demo, *job).await;
        assert_eq!(state["status"], "success", "{state}");
        assert!(uuids.insert(state["message"].as_str().unwrap_or_default().to_owned()));
    }
    let count = format!(
        "SELECT COUNT(*) FROM receipts WHERE account_id = {}",
        demo.id
    );
    assert_eq!(int(&one, &count).await, 70);
    // the servers share their pools; they stop with the test's runtime
    drop((servers, setup));
}

/// Registers a loyalty client through a zero-sum bill run at once; answers the status and body.
async fn register(
    server: &TestServer,
    demo: &crate::helpers::TestAccount,
    client: Value,
) -> (StatusCode, Value) {
    let bill = json!({"bill": {"total_sum": 0, "items": [], "client": client}});
    server.post(demo, "/a/v1.1/draft/receipts", &bill).await
}

/// The birthdays of the account's clients with this phone.
async fn birthdays(
    server: &TestServer,
    account_id: caffesta::domain::ids::AccountId,
    phone: &str,
) -> Vec<String> {
    use caffesta::db::{Query, Scalar};
    let rows: Vec<Scalar<String>> = server
        .db
        .read()
        .await
        .all(
            "SELECT COALESCE(birthday, '') AS value FROM clients \
             WHERE account_id = :account_id AND phone = :phone",
            caffesta::params! { account_id, phone },
        )
        .await
        .expect("clients");
    rows.into_iter().map(|Scalar(birthday)| birthday).collect()
}

async fn a_client_sending_birthday_birth_date_and_birth_date_camel_together_is_registered(
    backend: Backend,
) {
    let server = TestServer::start(backend).await;
    let demo = server.demo().await;
    // what real bots send: the same date under all three names
    let all = json!({"name": "Ольга", "phone": "+375291111111", "birthday": "21.12.2000",
                     "birth_date": "21.12.2000", "birthDate": "21.12.2000"});
    let (status, answer) = register(&server, &demo, all).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["data"]["status"], "success", "{answer}");
    assert_eq!(
        birthdays(&server, demo.id, "+375291111111").await,
        ["2000-12-21"]
    );
    // the first is empty, a later one is set: the first non-empty counts
    let later = json!({"name": "Пётр", "phone": "+375292222222", "birthday": "",
                       "birth_date": null, "birthDate": "1990-02-01"});
    let (status, answer) = register(&server, &demo, later).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(
        birthdays(&server, demo.id, "+375292222222").await,
        ["1990-02-01"]
    );
    // they disagree: the order is birthday, birth_date, birthDate
    let order = json!({"name": "Анна", "phone": "+375293333333", "birthday": "",
                       "birth_date": "01.02.1985", "birthDate": "1999-09-09"});
    let (status, answer) = register(&server, &demo, order).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(
        birthdays(&server, demo.id, "+375293333333").await,
        ["1985-02-01"]
    );
    // a bad date names the field it came from, and registers nobody
    let bad = json!({"name": "Ян", "phone": "+375294444444", "birth_date": "soon"});
    let (status, answer) = register(&server, &demo, bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
    assert_eq!(answer["data"]["status"], "failed", "{answer}");
    assert!(birthdays(&server, demo.id, "+375294444444")
        .await
        .is_empty());
    server.stop().await;
}

crate::backend_tests!(
    a_job_accepted_before_a_sigkill_is_done_exactly_once_after_restart,
    several_servers_and_racing_workers_never_run_a_job_twice,
    a_client_sending_birthday_birth_date_and_birth_date_camel_together_is_registered,
);
