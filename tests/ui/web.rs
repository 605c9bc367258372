//! A signed-in user of the UI without a browser: a cookie, the session's CSRF token, and
//! requests on the account's host name that do not follow redirects.

use caffesta::domain::user::Role;
use caffesta::service::users;
use reqwest::header::{COOKIE, HOST, LOCATION, SET_COOKIE};
use reqwest::{Response, StatusCode};

use crate::helpers::{TestAccount, TestServer};

/// Creates a user of `role` in the account and returns its login and password.
pub async fn user(server: &TestServer, account: &TestAccount, role: Role) -> (String, String) {
    let login = format!("{}-{}", role.as_str(), account.name);
    let password = format!("pass-{login}-1");
    users::create(&server.db, account.id, &login, &password, role)
        .await
        .expect("user");
    (login, password)
}

/// The value of `name="_csrf"` in a page.
pub fn csrf_in(page: &str) -> Option<String> {
    let start = page.find(r#"name="_csrf" value=""#)? + r#"name="_csrf" value=""#.len();
    let end = page[start..].find('"')?;
    Some(page[start..start + end].to_owned())
}

/// The `name=value` of a `Set-Cookie` named `name`.
fn set_cookie(response: &Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .and_then(|v| v.split(';').next())
        .map(str::to_owned)
}

/// A client of the UI on one account's host.
pub struct Ui {
    client: reqwest::Client,
    base: String,
    host: String,
    pub cookie: String,
    pub csrf: String,
}

/// A page as answered: status, `Location`, body.
pub struct Page {
    pub status: StatusCode,
    pub location: Option<String>,
    pub body: String,
}

impl Ui {
    /// A client with no session yet, on `account`'s host.
    pub fn anonymous(server: &TestServer, account: &str) -> Ui {
        Ui {
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .no_proxy()
                .build()
                .expect("client"),
            base: server.url(""),
            host: format!("{account}.localhost:{}", server.addr.port()),
            cookie: String::new(),
            csrf: String::new(),
        }
    }

    /// Signs in through the form; the answer to the form's post, and the client.
    pub async fn sign_in(
        server: &TestServer,
        account: &str,
        login: &str,
        password: &str,
    ) -> (Page, Ui) {
        let mut ui = Ui::anonymous(server, account);
        let form = ui.raw_get("/admin/sign-in").await;
        let form_cookie = set_cookie(&form, "caffesta_signin").expect("sign-in form cookie");
        let token = csrf_in(&form.text().await.expect("form")).expect("form token");
        ui.cookie = form_cookie;
        let answer = ui
            .send(ui.request(reqwest::Method::POST, "/admin/sign-in").form(&[
                ("_csrf", token.as_str()),
                ("login", login),
                ("password", password),
            ]))
            .await;
        if let Some(session) = set_cookie_of(&answer, "caffesta_session") {
            ui.cookie = session;
            let home = ui.get("/admin/").await;
            ui.csrf = csrf_in(&home.body).unwrap_or_default();
        }
        (answer.page, ui)
    }

    fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.client
            .request(method, format!("{}{path}", self.base))
            .header(HOST, &self.host)
            .header(COOKIE, &self.cookie)
            .header("Accept-Language", "en")
    }

    async fn raw_get(&self, path: &str) -> Response {
        self.request(reqwest::Method::GET, path)
            .send()
            .await
            .expect("get")
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> Answer {
        let response = request.send().await.expect("request");
        let cookies: Vec<String> = response
            .headers()
            .get_all(SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok().map(str::to_owned))
            .collect();
        let status = response.status();
        let location = response
            .headers()
            .get(LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = response.text().await.expect("body");
        Answer {
            page: Page {
                status,
                location,
                body,
            },
            cookies,
        }
    }

    pub async fn get(&self, path: &str) -> Page {
        self.send(self.request(reqwest::Method::GET, path))
            .await
            .page
    }

    /// Posts a form with the session's CSRF token.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let mut form = vec![("_csrf", self.csrf.as_str())];
        form.extend_from_slice(fields);
        self.send(self.request(reqwest::Method::POST, path).form(&form))
            .await
            .page
    }

    /// Calls the admin JSON API with the session's cookie (and, when `token` is given, that
    /// CSRF token in `X-CSRF-Token`); the status and the JSON answer.
    pub async fn api(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&serde_json::Value>,
        token: Option<&str>,
    ) -> (StatusCode, serde_json::Value) {
        let mut request = self.request(method, path);
        if let Some(token) = token {
            request = request.header("X-CSRF-Token", token);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        crate::helpers::send(request).await
    }

    /// Posts JSON to the admin API under an Idempotency-Key, with the session's cookie and
    /// `token` in `X-CSRF-Token`.
    pub async fn api_once(
        &self,
        path: &str,
        body: &serde_json::Value,
        token: &str,
        idempotency_key: &str,
    ) -> (StatusCode, serde_json::Value) {
        let request = self
            .request(reqwest::Method::POST, path)
            .header("X-CSRF-Token", token)
            .header("Idempotency-Key", idempotency_key)
            .json(body);
        crate::helpers::send(request).await
    }

    /// Posts a form as given (no token added).
    pub async fn post_raw(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        self.send(self.request(reqwest::Method::POST, path).form(fields))
            .await
            .page
    }
}

/// An answer with its `Set-Cookie` values.
struct Answer {
    page: Page,
    cookies: Vec<String>,
}

fn set_cookie_of(answer: &Answer, name: &str) -> Option<String> {
    answer
        .cookies
        .iter()
        .find(|v| v.starts_with(&format!("{name}=")) && !v.starts_with(&format!("{name}=;")))
        .and_then(|v| v.split(';').next())
        .map(str::to_owned)
}
