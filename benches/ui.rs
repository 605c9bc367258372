//! The admin web UI's pages against the release binary over HTTP (`cargo bench --bench ui`),
//! on an account holding a year of sales (`caffesta dev seed-sales`: 365 days, 20 shops,
//! 2,000 products, 5,000,000 receipt lines, stocked by dated invoices). Each page is asked
//! `BENCH_ROUNDS` times by a signed-in owner; the figure is the time to the page's last byte
//! over loopback (the server's time plus a fraction of a millisecond). Target: every page
//! ≤ 100 ms (API.md §10).
//!
//! Env: `BENCH_DATABASE` (default a fresh SQLite file), `BENCH_LINES`, `BENCH_DAYS`,
//! `BENCH_SHOPS`, `BENCH_PRODUCTS`, `BENCH_ROUNDS` (default 15), `BENCH_SEED=0` to reuse a
//! database seeded before (with its `bench` user).

mod support;

use std::time::{Duration, Instant};

use support::{env_or, start_server};

fn millis(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// A signed-in owner: a client that keeps no redirects and sends the session cookie.
struct Owner {
    http: reqwest::Client,
    base: String,
    cookie: String,
}

impl Owner {
    async fn sign_in(base: String) -> Owner {
        let http = reqwest::Client::builder()
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        let form = http
            .get(format!("{base}/admin/sign-in"))
            .send()
            .await
            .expect("form");
        let form_cookie = cookie(&form, "caffesta_signin");
        let page = form.text().await.expect("page");
        let token = token(&page);
        let answer = http
            .post(format!("{base}/admin/sign-in"))
            .header("Cookie", form_cookie)
            .form(&[
                ("_csrf", token.as_str()),
                ("account", "demo"),
                ("login", "bench"),
                ("password", "bench-password"),
            ])
            .send()
            .await
            .expect("sign in");
        assert_eq!(answer.status(), reqwest::StatusCode::SEE_OTHER, "signed in");
        Owner {
            cookie: cookie(&answer, "caffesta_session"),
            http,
            base,
        }
    }

    async fn page(&self, path: &str) -> (Duration, String) {
        let started = Instant::now();
        let response = self
            .http
            .get(format!("{}{path}", self.base))
            .header("Cookie", &self.cookie)
            .send()
            .await
            .expect("page");
        let status = response.status();
        let body = response.text().await.expect("body");
        let took = started.elapsed();
        assert!(status.is_success(), "{path}: {status}");
        (took, body)
    }
}

fn cookie(response: &reqwest::Response, name: &str) -> String {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .and_then(|v| v.split(';').next())
        .expect("cookie")
        .to_owned()
}

fn token(page: &str) -> String {
    let start =
        page.find(r#"name="_csrf" value=""#).expect("token") + r#"name="_csrf" value=""#.len();
    page[start..start + 32].to_owned()
}

/// The first `href` in `page` starting with `prefix`.
fn first_link(page: &str, prefix: &str) -> Option<String> {
    let at = page.find(&format!("href=\"{prefix}"))? + "href=\"".len();
    let end = page[at..].find('"')?;
    Some(page[at..at + end].replace("&amp;", "&"))
}

async fn time(owner: &Owner, path: &str, rounds: usize) -> (f64, String) {
    let mut times = Vec::with_capacity(rounds);
    let mut body = String::new();
    for _ in 0..rounds {
        let (took, page) = owner.page(path).await;
        times.push(took);
        body = page;
    }
    times.sort();
    let median = millis(times[rounds / 2]);
    println!(
        "GET {path}: {} KB, median {median:.1} ms, best {:.1} ms, worst {:.1} ms (target ≤ 100 ms)",
        body.len() / 1024,
        millis(times[0]),
        millis(times[rounds - 1])
    );
    (median, body)
}

fn main() {
    let rounds = env_or("BENCH_ROUNDS", 15usize);
    let dir = tempfile::tempdir().expect("temp dir");
    let database = support::database(dir.path());
    let started = Instant::now();
    let seeded = support::seed_sales(&database);
    if env_or("BENCH_SEED", 1u8) != 0 {
        support::cli_with_input(
            &database,
            &[
                "user",
                "create",
                "--account",
                "demo",
                "--login",
                "bench",
                "--role",
                "owner",
            ],
            "bench-password\n",
        );
    }
    println!(
        "caffesta admin UI benchmark: {} — seeded {seeded} in {:.0} s",
        support::backend_name(&database),
        started.elapsed().as_secs_f64()
    );
    let server = start_server(&database);
    let runtime = support::runtime();
    runtime.block_on(async {
        let owner = Owner::sign_in(format!("http://{}", server.addr)).await;
        let ten_days_ago = jiff::Zoned::now()
            .date()
            .checked_sub(jiff::Span::new().days(10))
            .expect("day");
        // the longest shifts list (31 days), half a year back
        let (half_year_ago, month_later) = {
            let start = jiff::Zoned::now()
                .date()
                .checked_sub(jiff::Span::new().days(180))
                .expect("day");
            (
                start,
                start.checked_add(jiff::Span::new().days(30)).expect("day"),
            )
        };
        let fixed = [
            "/admin/".to_owned(),
            "/admin/stock?storage=1".to_owned(),
            "/admin/stock?storage=1&at=2026-06-01".to_owned(),
            "/admin/stock/report?storage=1".to_owned(),
            "/admin/documents".to_owned(),
            "/admin/catalog?shop=1".to_owned(),
            "/admin/catalog?shop=1&q=1".to_owned(),
            "/admin/documents/new/invoice".to_owned(),
            "/admin/settings".to_owned(),
            "/admin/settings/keys".to_owned(),
            "/admin/settings/users".to_owned(),
            "/admin/settings/webhooks".to_owned(),
            "/admin/catalog/products/new".to_owned(),
            "/admin/catalog/categories".to_owned(),
            "/admin/catalog/menus".to_owned(),
            "/admin/sales/shifts?shop=1".to_owned(),
            format!("/admin/sales/shifts?shop=1&start={half_year_ago}&end={month_later}"),
            "/admin/sales/clients".to_owned(),
        ];
        let mut worst = 0.0f64;
        let mut bodies = Vec::new();
        for path in &fixed {
            let (median, body) = time(&owner, path, rounds).await;
            worst = worst.max(median);
            bodies.push(body);
        }
        // pages reached from those: a product's ledger, a document, a product's card, a dish's
        // recipe and cost, a cash day and a receipt
        let (median, day) = time(
            &owner,
            &format!("/admin/sales?shop=1&day={ten_days_ago}"),
            rounds,
        )
        .await;
        worst = worst.max(median);
        let found = [
            first_link(&bodies[1], "/admin/stock/ledger"),
            first_link(&bodies[4], "/admin/documents/invoice/"),
            // (the catalog's first link under products/ is "new"; its rows count from 1)
            first_link(&bodies[5], "/admin/catalog/products/1"),
            first_link(&bodies[5], "/admin/catalog/products/1")
                .map(|p| p.replace("/products/", "/tech-map/")),
            first_link(&day, "/admin/sales/receipts/"),
        ];
        for path in found.into_iter().flatten() {
            let (median, _) = time(&owner, &path, rounds).await;
            worst = worst.max(median);
        }
        println!("slowest page median: {worst:.1} ms (target ≤ 100 ms)");
    });
}
