//! The test harness: a real server on a real socket (port 0) over a fresh database of either
//! backend, and a client that speaks to it over HTTP.

use std::net::SocketAddr;
use std::time::Duration;

use caffesta::config::HttpConfig;
use caffesta::db::Db;
use caffesta::service::admin::{self, KeySpec};
use reqwest::{Method, StatusCode};
use serde_json::Value;
use tokio::sync::oneshot;

/// Which database a test runs against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Generates, for each named `async fn(Backend)`, one test per backend: `sqlite::name` and
/// `postgres::name`. The PostgreSQL ones run when `CAFFESTA_TEST_POSTGRES_URL` is set at build
/// time and are listed as ignored, with the reason, otherwise.
#[macro_export]
macro_rules! backend_tests {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::helpers::Backend::Sqlite).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                #[cfg_attr(not(caffesta_pg_tests), ignore = "PostgreSQL run skipped: set CAFFESTA_TEST_POSTGRES_URL")]
                async fn $name() {
                    super::$name($crate::helpers::Backend::Postgres).await
                }
            )*
        }
    };
}

/// A fresh database of one backend, dropped (PostgreSQL) or deleted (SQLite) afterwards.
pub struct TestDatabase {
    pub url: String,
    pg_name: Option<String>,
    _dir: Option<tempfile::TempDir>,
}

fn pg_admin_url() -> String {
    std::env::var("CAFFESTA_TEST_POSTGRES_URL")
        .expect("CAFFESTA_TEST_POSTGRES_URL must be set for the PostgreSQL run")
}

/// `postgres://u@h:5432/postgres?x` with the database replaced by `name`.
fn pg_url_with_database(admin: &str, name: &str) -> String {
    let (base, query) = admin
        .split_once('?')
        .map_or((admin, None), |(b, q)| (b, Some(q)));
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let host_end = base[scheme_end..]
        .find('/')
        .map_or(base.len(), |i| scheme_end + i);
    let mut url = format!("{}/{name}", &base[..host_end]);
    if let Some(query) = query {
        url = format!("{url}?{query}");
    }
    url
}

async fn pg_admin_exec(sql: &str) {
    use sqlx::Connection;
    let mut conn = sqlx::PgConnection::connect(&pg_admin_url())
        .await
        .expect("connect to PostgreSQL");
    sqlx::raw_sql(sql)
        .execute(&mut conn)
        .await
        .expect("admin statement");
    conn.close().await.ok();
}

impl TestDatabase {
    pub async fn new(backend: Backend) -> TestDatabase {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = dir.path().join("caffesta.db").display().to_string();
                TestDatabase {
                    url,
                    pg_name: None,
                    _dir: Some(dir),
                }
            }
            Backend::Postgres => {
                let name = format!("caffesta_t_{}", uuid::Uuid::new_v4().simple());
                pg_admin_exec(&format!("CREATE DATABASE {name}")).await;
                let url = pg_url_with_database(&pg_admin_url(), &name);
                TestDatabase {
                    url,
                    pg_name: Some(name),
                    _dir: None,
                }
            }
        }
    }

    pub async fn open(&self) -> Db {
        let db = Db::connect(&self.url).await.expect("connect");
        db.migrate().await.expect("migrate");
        db
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let Some(name) = self.pg_name.take() else {
            return;
        };
        // drop in a thread of its own: Drop cannot await, and the test's runtime is ending
        let _ = std::thread::spawn(move || {
            if let Ok(runtime) = tokio::runtime::Runtime::new() {
                runtime.block_on(pg_admin_exec(&format!(
                    "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                )));
            }
        })
        .join();
    }
}

/// A running server and what a test needs to talk to it.
pub struct TestServer {
    pub addr: SocketAddr,
    pub db: Db,
    pub client: reqwest::Client,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
    database: Option<TestDatabase>,
}

/// An account made for a test, with an `api` key.
#[derive(Debug, Clone)]
pub struct TestAccount {
    pub name: String,
    pub id: caffesta::domain::ids::AccountId,
    pub key: String,
}

impl TestServer {
    pub async fn start(backend: Backend) -> TestServer {
        Self::start_with(
            backend,
            HttpConfig {
                key_cache_ttl: Duration::ZERO,
                ..HttpConfig::default()
            },
        )
        .await
    }

    /// A server whose default rate limit is off (API.md §0), for tests that drive one key
    /// harder than a real client may: many clients racing, a client polling in a tight loop.
    pub async fn start_unlimited(backend: Backend) -> TestServer {
        Self::start_with(
            backend,
            HttpConfig {
                key_cache_ttl: Duration::ZERO,
                rate_limit: 0,
                ..HttpConfig::default()
            },
        )
        .await
    }

    pub async fn start_with(backend: Backend, http: HttpConfig) -> TestServer {
        let database = TestDatabase::new(backend).await;
        let db = database.open().await;
        let mut server = Self::serve(db, http).await;
        server.database = Some(database);
        server
    }

    /// A server on a database someone else owns (several servers may share one).
    pub async fn serve(db: Db, http: HttpConfig) -> TestServer {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let app = caffesta::server::app(db.clone(), &http);
        let (tx, rx) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            caffesta::server::run(listener, app, &http, async {
                let _ = rx.await;
            })
            .await
            .expect("server");
        });
        let client = reqwest::Client::builder()
            .no_proxy()
            .pool_max_idle_per_host(64)
            .build()
            .expect("client");
        TestServer {
            addr,
            db,
            client,
            shutdown: Some(tx),
            task: Some(task),
            database: None,
        }
    }

    /// Stops the server, letting requests in flight finish.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
        self.db.close().await;
    }

    /// The URL of this server's database, for the CLI.
    pub fn database_url(&self) -> &str {
        self.database.as_ref().map_or("", |d| d.url.as_str())
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Creates an account with an `api` key.
    pub async fn account(&self, name: &str) -> TestAccount {
        let id = admin::create_account(&self.db, name, None)
            .await
            .expect("account");
        let spec = KeySpec {
            scope: "api",
            shop_id: None,
            label: "test",
        };
        let (_, key) = admin::create_key(&self.db, name, spec).await.expect("key");
        TestAccount {
            name: name.to_owned(),
            id,
            key,
        }
    }

    /// Gives `account` a storage and a shop selling from it (shop 1 in a new account), for a
    /// terminal key.
    pub async fn add_shop(&self, account: &TestAccount) {
        admin::create_storage(&self.db, &account.name, "Склад")
            .await
            .expect("storage");
        admin::create_shop(
            &self.db,
            &account.name,
            "Кафе",
            caffesta::domain::ids::StorageId::new(1),
        )
        .await
        .expect("shop");
    }

    /// The same account with a `terminal` key bound to `shop`.
    pub async fn terminal(&self, account: &TestAccount, shop: i64) -> TestAccount {
        let spec = KeySpec {
            scope: "terminal",
            shop_id: Some(caffesta::domain::ids::ShopId::new(shop)),
            label: "till",
        };
        let (_, key) = admin::create_key(&self.db, &account.name, spec)
            .await
            .expect("terminal key");
        TestAccount {
            name: account.name.clone(),
            id: account.id,
            key,
        }
    }

    /// The demo account of `serve --demo`, with its key.
    pub async fn demo(&self) -> TestAccount {
        let demo = caffesta::service::demo::ensure(&self.db)
            .await
            .expect("demo");
        let id = admin::account_id(&self.db, "demo").await.expect("demo id");
        TestAccount {
            name: "demo".into(),
            id,
            key: demo.key,
        }
    }

    /// The account with an `admin` key of its own, for `/admin/v1/…`.
    pub async fn admin(&self, account: &TestAccount) -> TestAccount {
        let spec = KeySpec {
            scope: "admin",
            shop_id: None,
            label: "admin",
        };
        let (_, key) = admin::create_key(&self.db, &account.name, spec)
            .await
            .expect("admin key");
        TestAccount {
            key,
            ..account.clone()
        }
    }

    /// A request as the account, on the account's own host name.
    pub fn request(
        &self,
        account: &TestAccount,
        method: Method,
        path: &str,
    ) -> reqwest::RequestBuilder {
        self.client
            .request(method, self.url(path))
            .header(
                "Host",
                format!("{}.localhost:{}", account.name, self.addr.port()),
            )
            .header("X-API-KEY", &account.key)
    }

    pub async fn get(&self, account: &TestAccount, path: &str) -> (StatusCode, Value) {
        send(self.request(account, Method::GET, path)).await
    }

    pub async fn post(
        &self,
        account: &TestAccount,
        path: &str,
        body: &Value,
    ) -> (StatusCode, Value) {
        send(self.request(account, Method::POST, path).json(body)).await
    }

    pub async fn put(
        &self,
        account: &TestAccount,
        path: &str,
        body: &Value,
    ) -> (StatusCode, Value) {
        send(self.request(account, Method::PUT, path).json(body)).await
    }
}

/// Sends a request and reads the answer as JSON (every answer of the server is JSON).
pub async fn send(request: reqwest::RequestBuilder) -> (StatusCode, Value) {
    let response = request.send().await.expect("request");
    let status = response.status();
    let text = response.text().await.expect("body");
    let json = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("answer is not JSON ({e}): {text:?}"));
    (status, json)
}

/// Asserts the error envelope with `status`, returning the `data` object.
pub fn assert_error(status: StatusCode, body: &Value, expected: StatusCode) -> Value {
    assert_eq!(status, expected, "{body}");
    assert_eq!(body["success"], Value::Bool(false), "{body}");
    assert!(
        body["data"]["error"]
            .as_str()
            .is_some_and(|e| !e.is_empty()),
        "{body}"
    );
    body["data"].clone()
}

/// The first column of every row of `sql`, as integers (for checks on stored state).
pub async fn ints(db: &Db, sql: &str) -> Vec<i64> {
    use caffesta::db::Query;
    let rows = db
        .read()
        .await
        .rows(sql, caffesta::params! {})
        .await
        .expect("query");
    rows.iter()
        .map(|r| {
            let first = r.column_names().swap_remove(0);
            r.get::<i64>(&first).expect("integer")
        })
        .collect()
}

/// The one integer `sql` answers.
pub async fn int(db: &Db, sql: &str) -> i64 {
    ints(db, sql).await.first().copied().expect("a row")
}
