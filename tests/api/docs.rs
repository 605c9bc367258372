//! `GET /` and `GET /docs` (API.md §13): HTML pages without a key, the reference listing
//! every operation of the OpenAPI description, nothing loaded from outside, everything from
//! the description escaped, and every `curl` example working against the demo account.

use std::collections::HashMap;

use reqwest::{header, Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{Backend, TestServer};

/// Answers the page at `path`, asserting a 200 HTML answer without a key.
async fn page(server: &TestServer, path: &str, host: &str) -> String {
    let response = server
        .client
        .get(server.url(path))
        .header(header::HOST, host)
        .send()
        .await
        .expect("answer");
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    assert_eq!(content_type, "text/html; charset=utf-8", "{path}");
    response.text().await.expect("body")
}

async fn spec(server: &TestServer) -> Value {
    let response = server
        .client
        .get(server.url("/openapi.json"))
        .send()
        .await
        .expect("answer");
    response.json().await.expect("json")
}

/// The part of the page from `id="…"` to the end of its section.
fn section<'a>(page: &'a str, id: &str) -> &'a str {
    let start = page
        .find(&format!("<section class=\"op\" id=\"{id}\">"))
        .unwrap_or_else(|| panic!("no section {id}"));
    let rest = &page[start..];
    &rest[..rest.find("</section>").unwrap_or(rest.len())]
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_docs_page_lists_every_operation_of_the_description() {
    let server = TestServer::start(Backend::Sqlite).await;
    let docs = page(&server, "/docs", "127.0.0.1").await;
    let spec = spec(&server).await;
    let paths = spec["paths"].as_object().expect("paths");
    let mut operations = 0;
    for (path, item) in paths {
        for (method, operation) in item.as_object().expect("path item") {
            let id = operation["operationId"].as_str().expect("operationId");
            let anchor = format!("op-{id}");
            operations += 1;
            assert!(
                docs.contains(&format!("id=\"{anchor}\"")),
                "{method} {path}: no anchor {anchor}"
            );
            if let Some(rest) = path.strip_prefix("/a/v1.1/") {
                // listed in its v1.0 twin's entry
                let twin = format!("/a/v1.0/{rest}");
                let twin_id = spec["paths"][&twin][method]["operationId"]
                    .as_str()
                    .expect("v1.0 twin");
                let entry = section(&docs, &format!("op-{twin_id}"));
                assert!(entry.contains(&escape(path)), "{path} not in {twin_id}");
                continue;
            }
            let entry = section(&docs, &anchor);
            let method_up = method.to_uppercase();
            assert!(
                entry.contains(&format!(
                    ">{method_up}</span> <code>{}</code>",
                    escape(path)
                )),
                "{method} {path}: heading"
            );
            for status in operation["responses"]
                .as_object()
                .expect("responses")
                .keys()
            {
                assert!(
                    entry.contains(&format!("<tr><td><code>{status}</code></td>")),
                    "{method} {path}: answer {status} missing"
                );
            }
            for parameter in operation["parameters"].as_array().into_iter().flatten() {
                let name = parameter["name"].as_str().expect("name");
                assert!(
                    entry.contains(&format!("<tr><td><code>{}</code></td>", escape(name))),
                    "{method} {path}: parameter {name} missing"
                );
            }
            if operation.get("requestBody").is_some() {
                assert!(entry.contains("<h4>Request body</h4>"), "{method} {path}");
            }
            assert!(
                entry.contains("<pre class=\"curl\"><code>curl"),
                "{method} {path}: no example"
            );
        }
    }
    assert!(operations > 100, "{operations} operations");
    for name in spec["components"]["schemas"]
        .as_object()
        .expect("schemas")
        .keys()
    {
        assert!(
            docs.contains(&format!("id=\"schema-{name}\"")),
            "schema {name}"
        );
    }
    server.stop().await;
}

/// The values of `attribute="…"` (or `'…'`) in `page`'s markup.
fn attribute_values<'a>(page: &'a str, attribute: &str) -> Vec<&'a str> {
    let mut values = Vec::new();
    for quote in ['"', '\''] {
        let opening = format!("{attribute}={quote}");
        let mut rest = page;
        while let Some(at) = rest.find(&opening) {
            rest = &rest[at + opening.len()..];
            let end = rest.find(quote).unwrap_or(rest.len());
            values.push(&rest[..end]);
        }
    }
    values
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pages_load_nothing_from_outside() {
    let server = TestServer::start(Backend::Sqlite).await;
    for path in ["/", "/docs"] {
        let page = page(&server, path, "127.0.0.1").await;
        for attribute in ["src", "href", "action", "srcset"] {
            for value in attribute_values(&page, attribute) {
                let same_origin =
                    (value.starts_with('/') && !value.starts_with("//")) || value.starts_with('#');
                assert!(
                    same_origin,
                    "{path}: {attribute}={value:?} leaves the server"
                );
            }
        }
        let lower = page.to_lowercase();
        assert!(
            attribute_values(&lower, "src").is_empty(),
            "{path}: loads a resource"
        );
        for markup in ["<script", "<link", "<img", "<iframe", "@import", "url("] {
            assert!(!lower.contains(markup), "{path} contains {markup}");
        }
        // the examples name the demo host, as text only
        if path == "/docs" {
            assert!(page.contains("http://demo.localhost:8080/a/v1.0/storage/test"));
        }
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_home_page_links_to_the_docs_on_any_host_without_a_key() {
    let server = TestServer::start(Backend::Sqlite).await;
    for host in [
        "127.0.0.1",
        "localhost",
        "demo.localhost:8080",
        "nobody.example",
    ] {
        let home = page(&server, "/", host).await;
        for link in ["/docs", "/openapi.json", "/admin/"] {
            assert!(home.contains(&format!("href=\"{link}\"")), "{host}: {link}");
        }
        assert!(home.contains("serve --demo"), "{host}");
        assert!(
            home.contains("demo.localhost:8080/a/v1.0/storage/test"),
            "{host}"
        );
    }
    server.stop().await;
}

#[test]
fn everything_taken_from_the_description_is_escaped() {
    let hostile = "<script>alert('x')</script> & \"quoted\" <b>";
    let spec = json!({
        "openapi": "3.1.0",
        "info": {"title": "t<i>", "version": "1", "description": hostile},
        "paths": {"/a/v1.0/x/{id}": {"post": {
            "operationId": "x\"><b>",
            "tags": ["t<g>"],
            "summary": hostile,
            "parameters": [{"name": "id", "in": "path", "required": true,
                            "description": hostile, "schema": {"type": "integer"}}],
            "requestBody": {"content": {"application/json": {"schema":
                {"$ref": "#/components/schemas/In"}}}},
            "responses": {"200": {"description": hostile}},
            "security": [{"api_key": []}]
        }}},
        "components": {"schemas": {"In": {"type": "object", "required": ["name"], "properties": {
            "name": {"type": "string", "description": hostile},
            "self": {"$ref": "#/components/schemas/In"}
        }}}}
    });
    let pages = caffesta::api::docs::Pages::render(&spec.to_string());
    let docs = String::from_utf8(pages.docs.to_vec()).expect("utf-8");
    assert!(!docs.contains("<script"), "{docs}");
    assert!(!docs.contains("<b>"), "{docs}");
    assert!(!docs.contains("<i>"), "{docs}");
    assert!(
        docs.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;quoted&quot;")
    );
    assert!(docs.contains("id=\"op-x&quot;&gt;&lt;b&gt;\""));
    // the recursive schema is followed once
    assert!(docs.contains("<code>self</code>"));
    assert!(!docs.contains("self.self"));
    let home = String::from_utf8(pages.home.to_vec()).expect("utf-8");
    assert!(home.contains("<title>t&lt;i&gt;</title>"));
}

/// Splits a `curl` line as a POSIX shell would (quotes, `'\''`, line continuations),
/// expanding `$NAME` in double quotes from `vars`.
fn shell_words(line: &str, vars: &HashMap<&str, String>) -> Vec<String> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                let w = word.get_or_insert_with(String::new);
                for c in chars.by_ref() {
                    if c == '\'' {
                        break;
                    }
                    w.push(c);
                }
            }
            '"' => {
                let mut quoted = String::new();
                for c in chars.by_ref() {
                    if c == '"' {
                        break;
                    }
                    quoted.push(c);
                }
                let mut names: Vec<&&str> = vars.keys().collect();
                names.sort_by_key(|n| std::cmp::Reverse(n.len()));
                for name in names {
                    quoted = quoted.replace(&format!("${name}"), &vars[*name]);
                }
                assert!(!quoted.contains('$'), "unknown variable in {quoted}");
                word.get_or_insert_with(String::new).push_str(&quoted);
            }
            '\\' => match chars.next() {
                Some('\n') | None => {}
                Some(other) => word.get_or_insert_with(String::new).push(other),
            },
            c if c.is_whitespace() => {
                if let Some(w) = word.take() {
                    words.push(w);
                }
            }
            c => word.get_or_insert_with(String::new).push(c),
        }
    }
    words.extend(word);
    words
}

/// The examples of the page, in page order: (operation anchor, curl line).
fn examples(docs: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut rest = docs;
    while let Some(at) = rest.find("<section class=\"op\" id=\"") {
        rest = &rest[at + "<section class=\"op\" id=\"".len()..];
        let anchor = &rest[..rest.find('"').expect("anchor end")];
        let section = &rest[..rest.find("</section>").unwrap_or(rest.len())];
        let open = "<pre class=\"curl\"><code>";
        let start = section.find(open).expect("example") + open.len();
        let end = section[start..].find("</code></pre>").expect("example end") + start;
        found.push((anchor.to_owned(), unescape(&section[start..end])));
    }
    found
}

/// Every `curl` example of /docs, run as printed (the keys and an order's UUID in the shell
/// variables the page names) against the demo account of `serve --demo`, in page order, but
/// for the shift: today's is open in the demo, so it is closed before one is opened.
async fn every_docs_example_works_against_the_demo_account(backend: Backend) {
    let server = TestServer::start(backend).await;
    let sandbox = caffesta::service::demo::sandbox(&server.db, true)
        .await
        .expect("demo");
    let docs = page(&server, "/docs", "127.0.0.1").await;
    let mut runs = examples(&docs);
    let open = runs
        .iter()
        .position(|(anchor, _)| anchor == "op-open_shift")
        .expect("open_shift");
    let open_shift = runs.remove(open);
    let close = runs
        .iter()
        .position(|(anchor, _)| anchor == "op-close_shift")
        .expect("close_shift");
    runs.insert(close + 1, open_shift);
    let mut vars: HashMap<&str, String> = HashMap::from([
        ("KEY", sandbox.demo.key.clone()),
        ("TERMINAL_KEY", sandbox.terminal_key.clone()),
        ("ADMIN_KEY", sandbox.admin_key.clone()),
    ]);
    for (anchor, line) in runs {
        if line.contains("$ORDER_UUID") && !vars.contains_key("ORDER_UUID") {
            let (status, orders) = crate::helpers::send(
                server
                    .client
                    .get(server.url("/a/v1.0/pos/orders"))
                    .header(header::HOST, "demo.localhost")
                    .header("X-API-KEY", &sandbox.terminal_key),
            )
            .await;
            assert_eq!(status, StatusCode::OK, "{orders}");
            let uuid = orders["data"][0]["uuid"].as_str().expect("an order waits");
            vars.insert("ORDER_UUID", uuid.to_owned());
        }
        let words = shell_words(&line, &vars);
        assert_eq!(words[0], "curl", "{line}");
        let mut method = Method::GET;
        let mut url = None;
        let mut headers = Vec::new();
        let mut body = None;
        let mut rest = words[1..].iter();
        while let Some(word) = rest.next() {
            match word.as_str() {
                "-X" => {
                    let name = rest.next().expect("method");
                    method = Method::from_bytes(name.as_bytes()).expect("method");
                }
                "-H" => {
                    let header = rest.next().expect("header");
                    let (name, value) = header.split_once(": ").expect("name: value");
                    headers.push((name.to_owned(), value.to_owned()));
                }
                "-d" => body = Some(rest.next().expect("body").clone()),
                other => url = Some(other.to_owned()),
            }
        }
        let url = url.expect("url");
        let target = url
            .strip_prefix("http://demo.localhost:8080")
            .unwrap_or_else(|| panic!("{anchor}: {url} is not on the demo host"));
        let mut request = server
            .client
            .request(method.clone(), server.url(target))
            .header(header::HOST, "demo.localhost:8080");
        for (name, value) in &headers {
            request = request.header(name.as_str(), value.as_str());
        }
        if let Some(body) = body {
            serde_json::from_str::<Value>(&body)
                .unwrap_or_else(|e| panic!("{anchor}: the body is not JSON ({e}): {body}"));
            request = request.body(body);
        }
        let response = request.send().await.expect("answer");
        let status = response.status();
        let text = response.text().await.expect("body");
        assert!(
            status.is_success(),
            "{anchor}: {method} {target} answered {status}: {text}\n{line}"
        );
    }
    server.stop().await;
}

crate::backend_tests!(every_docs_example_works_against_the_demo_account);
