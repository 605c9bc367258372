//! The server's own pages (API.md §13): `GET /`, what this server is and how to start, and
//! `GET /docs`, the API reference. Both are written once, when the router is built, from the
//! OpenAPI description the server serves at `/openapi.json`, and kept in memory; they need
//! nothing from outside (no scripts, fonts, stylesheets or images: one inline stylesheet, the
//! system's fonts), so they work offline.
//!
//! The pages are written by hand through [`html::Html`], whose only way to take a string
//! that is not a literal of this crate is to escape it: no template crate, and nothing taken
//! from the description can become markup.

mod examples;
mod html;
mod reference;
mod schema;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use html::Html;

pub use reference::anchor;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(home))
        .routes(routes!(docs))
}

/// The two pages, written once.
#[derive(Debug, Clone)]
pub struct Pages {
    pub home: Bytes,
    pub docs: Bytes,
}

impl Pages {
    /// Writes both pages from the OpenAPI description (its JSON text).
    pub fn render(spec_json: &str) -> Pages {
        let spec: Value = serde_json::from_str(spec_json).unwrap_or(Value::Null);
        let dates = example_dates();
        Pages {
            home: Bytes::from(home_page(&spec)),
            docs: Bytes::from(docs_page(&spec, &dates)),
        }
    }
}

/// Today and a month ago (UTC), for the date ranges of the examples.
fn example_dates() -> reference::Dates {
    let today = jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date();
    let month_ago = today
        .checked_sub(jiff::Span::new().days(30))
        .unwrap_or(today);
    reference::Dates {
        today: today.to_string(),
        month_ago: month_ago.to_string(),
    }
}

/// The one stylesheet of the pages: system fonts, light and dark.
const STYLE: &str = "
:root{color-scheme:light dark;--fg:#1d1f23;--bg:#fff;--muted:#5b6270;--line:#d9dce1;--code:#f3f4f6;--link:#0b57d0}
@media (prefers-color-scheme:dark){:root{--fg:#e6e7ea;--bg:#15171a;--muted:#9aa1ad;--line:#33373d;--code:#1f2227;--link:#8ab4f8}}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif;color:var(--fg);background:var(--bg)}
header,main{max-width:72rem;margin:0 auto;padding:0 1.25rem}
header{padding-top:1.5rem;border-bottom:1px solid var(--line)}
h1{margin:.2rem 0}h2{margin-top:2.2rem;border-bottom:1px solid var(--line)}h3{margin-top:1.6rem}h4{margin:1rem 0 .3rem}
a{color:var(--link)}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,'Liberation Mono',monospace;font-size:.9em}
code{background:var(--code);padding:0 .25em;border-radius:3px}
pre{background:var(--code);padding:.75rem 1rem;overflow-x:auto;border-radius:6px}
pre code{padding:0;background:none}
table{border-collapse:collapse;width:100%;margin:.3rem 0 .8rem}
th,td{border:1px solid var(--line);padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:var(--code)}
.sub,.meta,.note{color:var(--muted)}.note{font-size:.92em}
.op{border-top:1px solid var(--line);padding-top:.3rem}
.self{text-decoration:none;color:var(--muted)}
.m{display:inline-block;min-width:4.2em;font:600 .8em ui-monospace,Menlo,Consolas,monospace;padding:.1em .4em;border-radius:4px;color:#fff;background:#6b7280;text-align:center}
.m-get{background:#1a7f37}.m-post{background:#0b57d0}.m-put{background:#9a6700}.m-delete{background:#cf222e}.m-patch{background:#8250df}
#contents ul{list-style:none;padding-left:0}#contents li{margin:.15rem 0}
td.d1{padding-left:1.5rem}td.d2{padding-left:2.5rem}td.d3{padding-left:3.5rem}td.d4{padding-left:4.5rem}td.d5,td.d6{padding-left:5.5rem}
";

/// The page around `body`: the document head with its stylesheet.
fn layout(title: &str, body: impl FnOnce(&mut Html)) -> String {
    let mut h = Html::new();
    h.raw("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    h.raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
    h.text(title);
    h.raw("</title>\n<style>");
    h.raw(STYLE);
    h.raw("</style>\n</head>\n<body>\n");
    body(&mut h);
    h.raw("</body>\n</html>\n");
    h.into_string()
}

fn title_of(spec: &Value) -> (&str, &str) {
    let info = spec.get("info").unwrap_or(&Value::Null);
    (
        info.get("title")
            .and_then(Value::as_str)
            .unwrap_or("caffesta"),
        info.get("version").and_then(Value::as_str).unwrap_or(""),
    )
}

fn docs_page(spec: &Value, dates: &reference::Dates) -> String {
    let (title, _) = title_of(spec);
    layout(&format!("{title} API reference"), |h| {
        reference::write(h, spec, dates);
    })
}

fn home_page(spec: &Value) -> String {
    let (title, version) = title_of(spec);
    layout(title, |h| {
        h.raw("<header><h1>")
            .text(title)
            .raw("</h1>\n<p class=\"sub\">Version ")
            .text(version);
        h.raw("</p></header>\n<main>\n");
        h.raw(
            "<p>A self-hostable back office speaking the <strong>Caffesta API</strong>: \
storages, invoices, transfers, products and recipes, delivery orders, the point of sale, \
sync feeds and sales exports, for many accounts (cafe chains) on one server. Integrations \
written for Caffesta talk to it unchanged, at <code>/a/v1.0</code> and <code>/a/v1.1</code>.</p>\n\
<ul>\n\
<li><a href=\"/docs\">/docs</a>: the API reference, every operation with an example</li>\n\
<li><a href=\"/openapi.json\">/openapi.json</a>: the OpenAPI 3.1 description</li>\n\
<li><a href=\"/admin/\">/admin/</a>: the admin UI (not built yet: this link answers 404 for now; \
the CLI and the admin API at <code>/admin/v1</code> do its work)</li>\n\
<li><a href=\"/healthz\">/healthz</a>: health check</li>\n\
</ul>\n\
<h2>First steps</h2>\n\
<ol>\n\
<li>Start the server with a demo account: <code>caffesta serve --demo</code>. It makes the \
account <code>demo</code>, a cafe with a month of sales, and prints keys for it: keep the API key, \
<code>KEY=…</code></li>\n\
<li>The account is named by the host: <code>demo.localhost:PORT</code> (8080 by default). \
Check the key:\n<pre><code>",
        );
        h.text(
            "curl -H \"X-API-KEY: $KEY\" http://demo.localhost:8080/a/v1.0/storage/test\n\
# {\"success\":true,\"data\":{\"id\":\"test\"}}",
        );
        h.raw(
            "</code></pre></li>\n\
<li>List the storages: <code>curl -H \"X-API-KEY: $KEY\" \
http://demo.localhost:8080/a/v1.0/draft/storages</code></li>\n\
<li>Every other operation, with a <code>curl</code> line for the demo account, is in \
<a href=\"/docs\">the reference</a>.</li>\n\
</ol>\n\
<p class=\"note\">If your <code>curl</code> does not resolve <code>demo.localhost</code>, send to \
<code>127.0.0.1:8080</code> with <code>-H 'Host: demo.localhost:8080'</code>. Accounts and keys \
of your own: <code>caffesta account create NAME</code>, <code>caffesta key create --account \
NAME</code>.</p>\n</main>\n",
        );
    })
}

fn html(page: &Bytes) -> Response {
    (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        Body::from(page.clone()),
    )
        .into_response()
}

/// This server's home page: what it is, where its reference and description are, first steps.
#[utoipa::path(
    get, path = "/", tag = "meta",
    responses((status = 200, description = "the home page", content_type = "text/html", body = String))
)]
async fn home(State(state): State<AppState>) -> Response {
    html(&state.pages.home)
}

/// The API reference, written from this OpenAPI description: every operation with its
/// parameters, bodies, answers and a `curl` example for the demo account.
#[utoipa::path(
    get, path = "/docs", tag = "meta",
    responses((status = 200, description = "the reference", content_type = "text/html", body = String))
)]
async fn docs(State(state): State<AppState>) -> Response {
    html(&state.pages.docs)
}
