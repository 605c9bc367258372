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
    /// The whole message, where the test pins it.
    message: Option<&'static str>,
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
        message: None,
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
        case(
            "an unknown top-level path",
            Method::GET,
            "/nothing",
            b"",
            S::NOT_FOUND,
        ),
        case(
            "the home page posted to",
            Method::POST,
            "/",
            b"",
            S::METHOD_NOT_ALLOWED,
        ),
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
    .into_iter()
    .chain(ids_beyond_64_bits())
    .chain(bodies_of_the_wrong_shape())
    .chain(values_over_their_limits())
    .chain([case(
        "updates of a shop that does not exist",
        Method::GET,
        "/a/v1.0/draft/get_updates/999",
        b"",
        S::NOT_FOUND,
    )])
    .collect()
}

/// A path id too large for 64 bits names no object: 404 on every path that takes one.
fn ids_beyond_64_bits() -> Vec<Case> {
    const PATHS: [&str; 19] = [
        "/a/v1.0/storage/invoices/99999999999999999999999",
        "/a/v1.0/storage/moves/99999999999999999999999",
        "/a/v1.0/storage/adjustments/99999999999999999999999",
        "/a/v1.0/product/99999999999999999999999",
        "/a/v1.0/product/99999999999999999999999/tech_map",
        "/a/v1.0/draft/store/99999999999999999999999",
        "/a/v1.0/draft/get_job_status/99999999999999999999999",
        "/a/v1.0/draft/get_updates/99999999999999999999999",
        "/a/v1.0/draft/get_products0/99999999999999999999999/0/0",
        "/a/v1.0/draft/get_products0/1/99999999999999999999999/0",
        "/a/v1.0/draft/get_products/1/0/99999999999999999999999",
        "/a/v1.0/draft/get_balances/99999999999999999999999/0",
        "/a/v1.0/draft/get_balances/1/x",
        "/a/v1.0/draft/get_product_shop_data/99999999999999999999999/0",
        "/a/v1.0/draft/get_clients/99999999999999999999999",
        "/a/v1.0/draft/receipts_by_shift_day/99999999999999999999999/2024-01-01",
        "/a/v1.1/draft/receipts_by_shift_day/99999999999999999999999/2024-01-01",
        "/a/v1.0/draft/get_updates/-99999999999999999999999",
        "/a/v1.1/storage/invoices/99999999999999999999999",
    ];
    let mut cases: Vec<Case> = PATHS
        .into_iter()
        .map(|path| {
            case(
                "an id beyond 64 bits",
                Method::GET,
                path,
                b"",
                StatusCode::NOT_FOUND,
            )
        })
        .collect();
    cases.push(case(
        "wiring an id beyond 64 bits",
        Method::PUT,
        "/a/v1.0/storage/invoices/99999999999999999999999",
        br#"{"action":"wire"}"#,
        StatusCode::NOT_FOUND,
    ));
    cases
}

/// Arrays where objects are documented, and values of the wrong JSON type: 400 naming the
/// field and the JSON type expected, never a type of the server's.
fn bodies_of_the_wrong_shape() -> Vec<Case> {
    use StatusCode as S;
    let invoices = "/a/v1.0/storage/invoices";
    vec![
        Case {
            message: Some("expected a JSON object, got an array"),
            ..case(
                "an array as the action",
                Method::PUT,
                "/a/v1.0/storage/invoices/1",
                br#"["wire"]"#,
                S::BAD_REQUEST,
            )
        },
        Case {
            message: Some("expected a JSON object, got an array"),
            ..case(
                "an array as a product",
                Method::POST,
                "/a/v1.0/product/",
                br#"["tea", "Tea"]"#,
                S::BAD_REQUEST,
            )
        },
        Case {
            field: Some("storage"),
            message: Some("storage: expected a JSON object, got an array"),
            ..case(
                "an array as the storage",
                Method::POST,
                invoices,
                br#"{"storage":[1],"items":[]}"#,
                S::BAD_REQUEST,
            )
        },
        Case {
            field: Some("items[0]"),
            message: Some("items[0]: expected a JSON object, got an array"),
            ..case(
                "an array as an item",
                Method::POST,
                invoices,
                br#"{"storage":{"caf_id":1},"items":[[1,"tea",null,null,null,null,null,null]]}"#,
                S::BAD_REQUEST,
            )
        },
        Case {
            field: Some("items[0]"),
            message: Some("items[0]: expected a JSON object, got a string"),
            ..case(
                "a string as an item",
                Method::POST,
                invoices,
                br#"{"storage":{"caf_id":1},"items":["tea"]}"#,
                S::BAD_REQUEST,
            )
        },
        Case {
            field: Some("items"),
            message: Some("items: expected a JSON array, got an object"),
            ..case(
                "an object as the items",
                Method::POST,
                invoices,
                br#"{"storage":{"caf_id":1},"items":{}}"#,
                S::BAD_REQUEST,
            )
        },
        Case {
            field: Some("storage.caf_id"),
            message: Some("storage.caf_id: expected an integer, got a number"),
            ..case(
                "an id beyond 64 bits in a body",
                Method::POST,
                invoices,
                br#"{"storage":{"caf_id":99999999999999999999999},"items":[]}"#,
                S::BAD_REQUEST,
            )
        },
        Case {
            field: Some("bill"),
            message: Some("bill: expected a JSON object, got an array"),
            ..case(
                "an array as the bill",
                Method::POST,
                "/a/v1.0/draft/delivery",
                br#"{"bill":[1, 5]}"#,
                S::BAD_REQUEST,
            )
        },
    ]
}

/// Codes longer than 255 characters and names longer than 1,000: 422 naming the field.
fn values_over_their_limits() -> Vec<Case> {
    use StatusCode as S;
    // as long as the body limit of this test allows
    let long_code = "c".repeat(60_000);
    let long_name = "n".repeat(1_001);
    let body = |value: serde_json::Value| value.to_string().into_bytes();
    let over = |what: &'static str,
                path: &'static str,
                field: &'static str,
                message: &'static str,
                bytes: Vec<u8>| Case {
        field: Some(field),
        message: Some(message),
        body: bytes,
        ..case(what, Method::POST, path, b"", S::UNPROCESSABLE_ENTITY)
    };
    vec![
        over(
            "a 60,000-character ref_code",
            "/a/v1.0/product/",
            "ref_code",
            "ref_code: 60000 characters, more than the 255 accepted",
            body(serde_json::json!({"ref_code": long_code, "name": "Tea"})),
        ),
        over(
            "a 256-character ref_code",
            "/a/v1.0/product/",
            "ref_code",
            "ref_code: 256 characters, more than the 255 accepted",
            body(serde_json::json!({"ref_code": "c".repeat(256), "name": "Tea"})),
        ),
        over(
            "a numeric ref_code of 300 digits",
            "/a/v1.0/product/",
            "ref_code",
            "ref_code: 300 characters, more than the 255 accepted",
            format!(r#"{{"ref_code": {}, "name": "Tea"}}"#, "1".repeat(300)).into_bytes(),
        ),
        over(
            "a 1,001-character name",
            "/a/v1.0/product/",
            "name",
            "name: 1001 characters, more than the 1000 accepted",
            body(serde_json::json!({"ref_code": "tea", "name": long_name})),
        ),
        over(
            "a long product_code",
            "/a/v1.0/storage/invoices",
            "items[0].product_code",
            "items[0].product_code: 256 characters, more than the 255 accepted",
            body(serde_json::json!({"storage": {"caf_id": 1},
                "items": [{"amount": 1, "product_code": "c".repeat(256)}]})),
        ),
        over(
            "a long category code in an invoice",
            "/a/v1.0/storage/invoices",
            "categories[0].ref_code",
            "categories[0].ref_code: 256 characters, more than the 255 accepted",
            body(serde_json::json!({"storage": {"caf_id": 1}, "items": [],
                "categories": [{"ref_code": "c".repeat(256), "name": "Drinks"}]})),
        ),
        over(
            "a long comment",
            "/a/v1.0/storage/moves",
            "comment",
            "comment: 1001 characters, more than the 1000 accepted",
            body(
                serde_json::json!({"comment": "n".repeat(1_001), "storage_from": {"caf_id": 1},
                "storage_to": {"caf_id": 1}, "items": []}),
            ),
        ),
        over(
            "a long menu item code",
            "/a/v1.0/product/import_part_menu",
            "items[0].id",
            "items[0].id: 256 characters, more than the 255 accepted",
            body(
                serde_json::json!({"items": [{"id": "c".repeat(256), "name": "Tea", "measure": "pcs"}]}),
            ),
        ),
        over(
            "a long menu section code",
            "/a/v1.0/product/import_part_menu",
            "items[0].menus[0]",
            "items[0].menus[0]: 256 characters, more than the 255 accepted",
            body(
                serde_json::json!({"items": [{"id": "tea", "name": "Tea", "measure": "pcs",
                "menus": ["c".repeat(256)]}]}),
            ),
        ),
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
        let error = body["data"]["error"].as_str().unwrap_or_default();
        if let Some(message) = case.message {
            assert_eq!(error, message, "{}", case.what);
        }
        // messages speak of the request's fields and JSON types, never of the server's types
        for leak in [
            "struct ",
            "i64",
            "u64",
            "In ",
            "In`",
            "Option<",
            "with 8 elements",
        ] {
            assert!(!error.contains(leak), "{}: {error}", case.what);
        }
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

/// `["wire"]` is not `{"action": "wire"}`: it is refused and the invoice stays unwired.
async fn an_array_for_an_action_is_refused_and_changes_nothing(backend: Backend) {
    let server = TestServer::start(backend).await;
    let demo = server.demo().await;
    let (status, created) = server
        .post(
            &demo,
            "/a/v1.0/storage/invoices",
            &crate::invoices::vendor_invoice(),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{created}");
    let path = format!("/a/v1.0/storage/invoices/{}", created["data"]["id"]);
    let (status, answer) = server.put(&demo, &path, &serde_json::json!(["wire"])).await;
    let data = crate::helpers::assert_error(status, &answer, StatusCode::BAD_REQUEST);
    assert_eq!(data["error"], "expected a JSON object, got an array");
    let (_, invoice) = server.get(&demo, &path).await;
    assert_eq!(invoice["data"]["status"], "not_wired", "{invoice}");
    server.stop().await;
}

/// A till closing a shift it does not have: 404; closing its closed shift again: 409.
async fn closing_a_shift_that_does_not_exist_is_404(backend: Backend) {
    let server = TestServer::start(backend).await;
    let demo = server.demo().await;
    let till = server.terminal(&demo, 1).await;
    let empty = serde_json::json!({});
    for path in [
        "/a/v1.0/pos/shifts/999/close",
        "/a/v1.0/pos/shifts/99999999999999999999999/close",
    ] {
        let (status, answer) = server.post(&till, path, &empty).await;
        crate::helpers::assert_error(status, &answer, StatusCode::NOT_FOUND);
    }
    let (status, opened) = server.post(&till, "/a/v1.0/pos/shifts/open", &empty).await;
    assert_eq!(status, StatusCode::OK, "{opened}");
    let close = format!("/a/v1.0/pos/shifts/{}/close", opened["data"]["id"]);
    let (status, answer) = server.post(&till, &close, &empty).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let (status, answer) = server.post(&till, &close, &empty).await;
    crate::helpers::assert_error(status, &answer, StatusCode::CONFLICT);
    server.stop().await;
}

/// What hyper refuses before any handler runs, sent by hand: each answer is the envelope
/// with the right status.
async fn requests_refused_before_any_handler_get_the_envelope(backend: Backend) {
    use std::fmt::Write as _;
    use tokio::io::AsyncWriteExt;
    let server = TestServer::start(backend).await;
    let many_headers = (0..200).fold(String::new(), |mut headers, i| {
        // writing into a `String` cannot fail
        let _ = write!(headers, "X-Filler-{i}: y\r\n");
        headers
    });
    let cases: Vec<(&str, Vec<u8>, u16)> = vec![
        (
            "too many headers",
            format!("GET /healthz HTTP/1.1\r\nHost: localhost\r\n{many_headers}\r\n").into_bytes(),
            431,
        ),
        // hyper checks its ~408 KB header limit before each read, and one read may carry
        // the buffer up to twice that: only a header past ~820 KB is refused every time
        (
            "one header of 1 MB",
            format!(
                "GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Big: {}\r\n\r\n",
                "a".repeat(1_000_000)
            )
            .into_bytes(),
            431,
        ),
        (
            "URL too long",
            format!(
                "GET /a/v1.0/storage/invoices/{} HTTP/1.1\r\nHost: localhost\r\n\r\n",
                "1".repeat(70_000)
            )
            .into_bytes(),
            414,
        ),
        ("not HTTP", b"HELLO THERE\r\n\r\n".to_vec(), 400),
        (
            "a header line without a colon",
            b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nno colon here\r\n\r\n".to_vec(),
            400,
        ),
        (
            "a bad version",
            b"GET /healthz HTTP/7.0\r\nHost: localhost\r\n\r\n".to_vec(),
            400,
        ),
    ];
    for (what, request, status) in cases {
        let mut stream = tokio::net::TcpStream::connect(server.addr)
            .await
            .expect("connect");
        stream.write_all(&request).await.expect("write");
        let (head, body) = crate::connections::read_answer(&mut stream).await;
        assert!(
            head.starts_with(&format!("HTTP/1.1 {status} ")),
            "{what}: {head}"
        );
        assert!(
            head.to_ascii_lowercase()
                .contains("content-type: application/json"),
            "{what}: {head}"
        );
        let body: Value = serde_json::from_slice(&body)
            .unwrap_or_else(|_| panic!("{what}: not JSON: {:?}", String::from_utf8_lossy(&body)));
        assert_eq!(body["success"], Value::Bool(false), "{what}: {body}");
        assert!(
            body["data"]["error"]
                .as_str()
                .is_some_and(|e| !e.is_empty()),
            "{what}: {body}"
        );
    }
    server.stop().await;
}

crate::backend_tests!(
    every_bad_request_gets_the_envelope_and_never_a_5xx,
    a_json_body_is_accepted_under_any_content_type,
    requests_refused_before_any_handler_get_the_envelope,
    an_array_for_an_action_is_refused_and_changes_nothing,
    closing_a_shift_that_does_not_exist_is_404
);
