//! API.md §0, errors: every bad request gets the JSON envelope with the right status, never a
//! 5xx and never axum's plain text.

use std::time::Duration;

use caffesta::config::HttpConfig;
use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::helpers::{Backend, TestServer};

/// One bad request: method, path, content type, body, the status it must get, and the
/// `field` the envelope must name, if any.
struct Case {
    what: &'static str,
    method: Method,
    path: &'static str,
    content_type: Option<&'static str>,
    body: Vec<u8>,
    status: StatusCode,
    field: Option<&'static str>,
}

fn case(
    what: &'static str,
    method: Method,
    path: &'static str,
    body: &[u8],
    status: StatusCode,
) -> Case {
    Case {
        what,
        method,
        path,
        content_type: Some("application/json"),
        body: body.to_vec(),
        status,
        field: None,
    }
}

fn cases() -> Vec<Case> {
    use StatusCode as S;
    let invoices = "/a/v1.0/storage/invoices";
    let huge = vec![b' '; BODY_LIMIT + 1];
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    vec![
        case(
            "unknown path",
            Method::GET,
            "/a/v1.0/nothing/here",
            b"",
            S::NOT_FOUND,
        ),
        case(
            "unknown version",
            Method::GET,
            "/a/v9.9/storage/test",
            b"",
            S::NOT_FOUND,
        ),
        case("root", Method::GET, "/", b"", S::NOT_FOUND),
        case(
            "wrong method",
            Method::DELETE,
            "/a/v1.0/storage/test",
            b"",
            S::METHOD_NOT_ALLOWED,
        ),
        case(
            "wrong method with body",
            Method::POST,
            "/a/v1.0/storage/test",
            b"{}",
            S::METHOD_NOT_ALLOWED,
        ),
        case(
            "wrong method on healthz",
            Method::PUT,
            "/healthz",
            b"",
            S::METHOD_NOT_ALLOWED,
        ),
        case(
            "non-numeric id",
            Method::GET,
            "/a/v1.0/storage/invoices/abc",
            b"",
            S::NOT_FOUND,
        ),
        case(
            "unknown storage",
            Method::GET,
            "/a/v1.0/draft/store/999",
            b"",
            S::NOT_FOUND,
        ),
        case(
            "non-numeric storage",
            Method::GET,
            "/a/v1.0/draft/store/x1",
            b"",
            S::NOT_FOUND,
        ),
        case(
            "truncated JSON",
            Method::POST,
            invoices,
            b"{\"storage\":",
            S::BAD_REQUEST,
        ),
        case("empty body", Method::POST, invoices, b"", S::BAD_REQUEST),
        case(
            "array instead of object",
            Method::POST,
            invoices,
            b"[]",
            S::BAD_REQUEST,
        ),
        case(
            "not UTF-8",
            Method::POST,
            invoices,
            b"{\"number\": \"\xff\xfe\"}",
            S::BAD_REQUEST,
        ),
        Case {
            field: Some("[0]"),
            ..case(
                "nested 10,000 deep",
                Method::POST,
                invoices,
                deep.as_bytes(),
                S::BAD_REQUEST,
            )
        },
        Case {
            field: Some("storage.caf_id"),
            ..case(
                "id of the wrong type",
                Method::POST,
                invoices,
                br#"{"storage":{"caf_id":"x"},"items":[]}"#,
                S::BAD_REQUEST,
            )
        },
        Case {
            field: Some("items"),
            ..case(
                "missing required field",
                Method::POST,
                invoices,
                br#"{"storage":{"caf_id":1}}"#,
                S::UNPROCESSABLE_ENTITY,
            )
        },
        Case {
            field: Some("items[0].amount"),
            ..case(
                "amount of the wrong type",
                Method::POST,
                invoices,
                br#"{"storage":{"caf_id":1},"items":[{"amount":true,"product_code":"x"}]}"#,
                S::BAD_REQUEST,
            )
        },
        Case {
            field: Some("action"),
            ..case(
                "action of the wrong type",
                Method::PUT,
                "/a/v1.0/storage/invoices/1",
                br#"{"action":5}"#,
                S::BAD_REQUEST,
            )
        },
        Case {
            content_type: Some("application/x-www-form-urlencoded"),
            ..case(
                "a form",
                Method::POST,
                invoices,
                b"number=1&storage=2",
                S::BAD_REQUEST,
            )
        },
        Case {
            content_type: Some("multipart/form-data; boundary=x"),
            ..case(
                "multipart",
                Method::POST,
                invoices,
                b"--x\r\n\r\nhi\r\n--x--",
                S::BAD_REQUEST,
            )
        },
        Case {
            content_type: Some("text/plain"),
            ..case(
                "plain text",
                Method::POST,
                invoices,
                b"hello",
                S::BAD_REQUEST,
            )
        },
        Case {
            content_type: None,
            ..case(
                "no content type, not JSON",
                Method::POST,
                invoices,
                b"<xml/>",
                S::BAD_REQUEST,
            )
        },
        case(
            "body over the limit",
            Method::POST,
            invoices,
            &huge,
            S::PAYLOAD_TOO_LARGE,
        ),
        Case {
            content_type: None,
            ..case(
                "body over the limit, no type",
                Method::PUT,
                "/a/v1.0/storage/invoices/1",
                &huge,
                S::PAYLOAD_TOO_LARGE,
            )
        },
    ]
}

/// The body limit the server of this test runs with.
const BODY_LIMIT: usize = 64 * 1024;

async fn every_bad_request_gets_the_envelope_and_never_a_5xx(backend: Backend) {
    let http = HttpConfig {
        body_limit: BODY_LIMIT,
        key_cache_ttl: Duration::ZERO,
        ..HttpConfig::default()
    };
    let server = TestServer::start_with(backend, http).await;
    let demo = server.demo().await;
    for case in cases() {
        let mut request = server
            .request(&demo, case.method.clone(), case.path)
            .body(case.body.clone());
        if let Some(content_type) = case.content_type {
            request = request.header("Content-Type", content_type);
        }
        let response = request.send().await.expect("answer");
        let status = response.status();
        let content_type = response.headers().get("content-type").cloned();
        let text = response.text().await.expect("body");
        let body: Value = serde_json::from_str(&text)
            .unwrap_or_else(|_| panic!("{}: not JSON: {text:?}", case.what));
        assert_eq!(status, case.status, "{}: {text}", case.what);
        assert!(
            content_type
                .is_some_and(|c| c.to_str().is_ok_and(|c| c.starts_with("application/json"))),
            "{}",
            case.what
        );
        assert_eq!(body["success"], Value::Bool(false), "{}: {text}", case.what);
        assert!(
            body["data"]["error"]
                .as_str()
                .is_some_and(|e| !e.is_empty()),
            "{}: {text}",
            case.what
        );
        assert_eq!(
            body["data"]["field"].as_str(),
            case.field,
            "{}: {text}",
            case.what
        );
    }
    server.stop().await;
}

/// JSON is read whatever the Content-Type says: the vendor's examples send none, or a form
/// type (`curl -d`).
async fn a_json_body_is_accepted_under_any_content_type(backend: Backend) {
    let server = TestServer::start(backend).await;
    let demo = server.demo().await;
    let body = serde_json::to_vec(&crate::invoices::vendor_invoice()).expect("json");
    for content_type in [
        None,
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        Some("application/json; charset=utf-8"),
    ] {
        let mut request = server
            .request(&demo, Method::POST, "/a/v1.0/storage/invoices")
            .body(body.clone());
        if let Some(content_type) = content_type {
            request = request.header("Content-Type", content_type);
        }
        let (status, answer) = crate::helpers::send(request).await;
        assert_eq!(status, StatusCode::OK, "{content_type:?}: {answer}");
    }
    server.stop().await;
}

crate::backend_tests!(
    every_bad_request_gets_the_envelope_and_never_a_5xx,
    a_json_body_is_accepted_under_any_content_type
);
