//! API.md §0, errors: every bad request gets the JSON envelope with the right status, never a
//! 5xx and never axum's plain text.

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
            "/a/v1.0/draft/storages",
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
    ]
}

async fn every_bad_request_gets_the_envelope_and_never_a_5xx(backend: Backend) {
    let server = TestServer::start(backend).await;
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

crate::backend_tests!(every_bad_request_gets_the_envelope_and_never_a_5xx);
