//! A real Chromium driven over `WebDriver` (Debian's `chromium` and `chromedriver`, found by
//! `build.rs`): one driver and browser per test, at most one at a time (two cores), each
//! page it is shown saved as a screenshot under `target/tmp/ui-screenshots/`.

use std::path::PathBuf;
use std::sync::LazyLock;
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;
use tokio::process::{Child, Command};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::helpers::TestServer;

/// Generates one SQLite test per named `async fn()`, ignored (saying why) where Chromium or
/// its driver is missing.
#[macro_export]
macro_rules! browser_tests {
    ($($name:ident),* $(,)?) => {
        mod in_chromium {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                #[cfg_attr(not(caffesta_browser_tests), ignore = "browser tests skipped: no chromium and chromedriver on PATH (apt-get install chromium chromium-driver)")]
                async fn $name() {
                    super::$name().await
                }
            )*
        }
    };
}

static ONE_AT_A_TIME: LazyLock<std::sync::Arc<Semaphore>> =
    LazyLock::new(|| std::sync::Arc::new(Semaphore::new(1)));

/// Where the screenshots go.
pub fn screenshots() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("ui-screenshots")
}

/// A browser on one account's host of a test server.
pub struct Browser {
    pub client: Client,
    driver: Child,
    base: String,
    test: &'static str,
    _turn: OwnedSemaphorePermit,
}

impl Browser {
    /// Starts a driver and a headless Chromium at 1366×768 in English.
    pub async fn open(server: &TestServer, account: &str, test: &'static str) -> Browser {
        let turn = ONE_AT_A_TIME.clone().acquire_owned().await.expect("turn");
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let driver = Command::new(option_env!("CAFFESTA_CHROMEDRIVER").unwrap_or("chromedriver"))
            .arg(format!("--port={port}"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("chromedriver starts");
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": option_env!("CAFFESTA_CHROMIUM").unwrap_or("chromium"),
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         "--window-size=1366,768", "--lang=en-US", "--accept-lang=en-US"]
            }),
        );
        let url = format!("http://127.0.0.1:{port}");
        let mut client = None;
        for _ in 0..100 {
            let connector = hyper_util::client::legacy::connect::HttpConnector::new();
            match ClientBuilder::new(connector)
                .capabilities(caps.clone())
                .connect(&url)
                .await
            {
                Ok(c) => {
                    client = Some(c);
                    break;
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        }
        let client = client.expect("a Chromium session");
        std::fs::create_dir_all(screenshots()).expect("screenshot dir");
        Browser {
            client,
            driver,
            base: format!("http://{account}.localhost:{}", server.addr.port()),
            test,
            _turn: turn,
        }
    }

    pub async fn goto(&self, path: &str) {
        self.client
            .goto(&format!("{}{path}", self.base))
            .await
            .expect("goto");
    }

    /// The path of the page shown.
    pub async fn path(&self) -> String {
        self.client
            .current_url()
            .await
            .expect("url")
            .path()
            .to_owned()
    }

    /// Saves the page as `<test>-<name>.png`.
    pub async fn shot(&self, name: &str) {
        let png = self.client.screenshot().await.expect("screenshot");
        std::fs::write(screenshots().join(format!("{}-{name}.png", self.test)), png).expect("save");
    }

    pub async fn fill(&self, css: &str, value: &str) {
        let field = self.client.find(Locator::Css(css)).await.expect(css);
        field.clear().await.expect("clear");
        field.send_keys(value).await.expect("type");
    }

    /// Clicks what `css` finds and, when the click leaves the page (a link, a form's button),
    /// waits until the next page has replaced it.
    pub async fn click(&self, css: &str) {
        let element = self
            .client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"));
        element.clone().click().await.expect("click");
        // the old page's element goes stale once the new page is in; a click that stays on
        // the page leaves it alive, and the wait ends after its 5 s
        for _ in 0..100 {
            if element.tag_name().await.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Chooses the option of value `value` in the select `css` finds.
    pub async fn select(&self, css: &str, value: &str) {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"))
            .select_by_value(value)
            .await
            .expect("select");
    }

    /// Whether the page has an element matching `css`.
    pub async fn has(&self, css: &str) -> bool {
        !self
            .client
            .find_all(Locator::Css(css))
            .await
            .expect("find")
            .is_empty()
    }

    pub async fn text(&self, css: &str) -> String {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"))
            .text()
            .await
            .expect("text")
    }

    /// Signs in through the form and lands on the dashboard.
    pub async fn sign_in(&self, login: &str, password: &str) {
        self.goto("/admin/sign-in").await;
        self.fill("input[name=login]", login).await;
        self.fill("input[name=password]", password).await;
        self.click("button[type=submit]").await;
        assert_eq!(self.path().await, "/admin/", "signed in");
    }

    pub async fn close(mut self) {
        let _ = self.client.clone().close().await;
        let _ = self.driver.kill().await;
    }
}
