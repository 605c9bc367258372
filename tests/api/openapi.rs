//! The OpenAPI description covers every route, and every described route exists.

use std::collections::HashSet;

use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::helpers::{Backend, TestServer};

/// Every route of the server. A new route added to the application must be added here and
/// will then fail this test until it is described.
const ROUTES: &[(&str, &str)] = &[
    ("get", "/healthz"),
    ("get", "/openapi.json"),
    ("get", "/"),
    ("get", "/docs"),
    ("get", "/a/v1.0/storage/test"),
    ("get", "/a/v1.0/draft/storages"),
    ("get", "/a/v1.0/draft/store/{caf_storage_id}"),
    ("post", "/a/v1.0/storage/invoices"),
    ("get", "/a/v1.0/storage/invoices"),
    ("put", "/a/v1.0/storage/invoices/{id}"),
    ("get", "/a/v1.0/storage/invoices/{id}"),
    ("post", "/a/v1.0/storage/moves"),
    ("get", "/a/v1.0/storage/moves"),
    ("put", "/a/v1.0/storage/moves/{id}"),
    ("get", "/a/v1.0/storage/moves/{id}"),
    ("get", "/a/v1.0/storage/adjustments"),
    ("put", "/a/v1.0/storage/adjustments/{id}"),
    ("get", "/a/v1.0/storage/adjustments/{id}"),
    ("get", "/a/v1.0/storage/report/movements"),
    ("get", "/a/v1.0/storage/report/ledger"),
    ("post", "/a/v1.0/storage/writeoffs"),
    ("get", "/a/v1.0/storage/writeoffs"),
    ("put", "/a/v1.0/storage/writeoffs/{id}"),
    ("get", "/a/v1.0/storage/writeoffs/{id}"),
    ("post", "/a/v1.0/storage/inventories"),
    ("get", "/a/v1.0/storage/inventories"),
    ("put", "/a/v1.0/storage/inventories/{id}"),
    ("get", "/a/v1.0/storage/inventories/{id}"),
    ("post", "/a/v1.0/storage/returns"),
    ("get", "/a/v1.0/storage/returns"),
    ("put", "/a/v1.0/storage/returns/{id}"),
    ("get", "/a/v1.0/storage/returns/{id}"),
    ("post", "/a/v1.0/product/"),
    ("put", "/a/v1.0/product/{id}"),
    ("get", "/a/v1.0/product/{id}"),
    ("get", "/a/v1.0/product/by_ref_code/{ref_code}"),
    ("put", "/a/v1.0/product/by_ref_code/{ref_code}"),
    ("put", "/a/v1.0/product/{id}/tech_map"),
    ("get", "/a/v1.0/product/{id}/tech_map"),
    ("post", "/a/v1.0/product/import"),
    ("post", "/a/v1.0/product/import_part_menu"),
    ("post", "/a/v1.0/pos/shifts/open"),
    ("post", "/a/v1.0/pos/shifts/{id}/close"),
    ("get", "/a/v1.0/pos/orders"),
    ("put", "/a/v1.0/pos/orders/{uuid}"),
    ("post", "/a/v1.0/pos/orders/{uuid}/close"),
    ("post", "/a/v1.0/pos/receipts"),
    ("post", "/a/v1.0/pos/receipts/{uuid}/annul"),
    ("get", "/a/v1.0/pos/stop_list"),
    ("put", "/a/v1.0/pos/stop_list"),
    ("get", "/a/v1.0/product/export_sales_shift_day"),
    ("get", "/admin/v1/employees"),
    ("post", "/admin/v1/employees"),
    ("get", "/admin/v1/shops/{shop_id}/stop_list"),
    ("put", "/admin/v1/shops/{shop_id}/stop_list"),
    ("get", "/admin/v1/keys"),
    ("put", "/admin/v1/keys/{id}/rate"),
    ("get", "/admin/v1/settings"),
    ("put", "/admin/v1/settings"),
    ("get", "/admin/v1/minimums"),
    ("put", "/admin/v1/minimums"),
    ("get", "/admin/v1/webhooks"),
    ("post", "/admin/v1/webhooks"),
    ("get", "/admin/v1/webhooks/{id}"),
    ("delete", "/admin/v1/webhooks/{id}"),
    ("get", "/admin/v1/webhooks/{id}/deliveries"),
    ("post", "/admin/v1/webhooks/deliveries/{id}/replay"),
    ("post", "/admin/v1/webhooks/{id}/test"),
    ("get", "/admin/v1/users"),
    ("post", "/admin/v1/users"),
    ("post", "/admin/v1/users/{id}/disable"),
    ("get", "/admin/v1/documents"),
    ("get", "/admin/v1/products"),
    ("get", "/admin/v1/dashboard"),
    ("post", "/admin/v1/storages"),
    ("post", "/admin/v1/shops"),
    ("post", "/admin/v1/taxes"),
    ("post", "/admin/v1/payment_types"),
    ("post", "/admin/v1/menus"),
    ("get", "/admin/v1/me"),
    ("get", "/admin/v1/check"),
    ("post", "/admin/v1/keys"),
    ("post", "/admin/v1/keys/{id}/revoke"),
    ("post", "/admin/v1/discount_groups"),
    ("get", "/admin/v1/clients"),
    ("post", "/admin/v1/clients"),
    ("post", "/admin/v1/modifier_groups"),
    ("post", "/admin/v1/modifier_groups/{id}/items"),
    ("post", "/admin/v1/modifier_groups/{id}/products"),
    ("get", "/admin/v1/receipts"),
    ("get", "/admin/v1/orders"),
    ("get", "/admin/v1/shifts"),
    ("get", "/admin/v1/jobs"),
    ("get", "/admin/v1/reports/movements"),
    ("get", "/admin/v1/reports/ledger"),
    ("get", "/admin/v1/reports/balances"),
    ("get", "/admin/v1/storages"),
    ("get", "/admin/v1/shops"),
    ("get", "/admin/v1/taxes"),
    ("get", "/admin/v1/payment_types"),
    ("get", "/admin/v1/menus"),
    ("get", "/admin/v1/categories"),
    ("get", "/metrics"),
    ("post", "/a/v1.0/draft/storages"),
    ("post", "/a/v1.0/draft/delivery"),
    ("post", "/a/v1.0/draft/receipts"),
    ("get", "/a/v1.0/draft/get_job_status/{job_id}"),
    ("get", "/a/v1.0/draft/receipts/{uuid}/info"),
    ("get", "/a/v1.0/draft/get_updates/{pos_id}"),
    (
        "get",
        "/a/v1.0/draft/get_products0/{pos_id}/{start_id}/{ts}",
    ),
    ("get", "/a/v1.0/draft/get_products/{pos_id}/{start_id}/{ts}"),
    ("get", "/a/v1.0/draft/get_balances/{pos_id}/{ts}"),
    ("get", "/a/v1.0/draft/get_clients/{ts}"),
    ("get", "/a/v1.0/draft/get_categories"),
    ("get", "/a/v1.0/draft/get_workspaces"),
    ("get", "/a/v1.0/draft/get_taxes"),
    ("get", "/a/v1.0/draft/get_product_shop_data/{pos_id}/{ts}"),
    ("get", "/a/v1.0/draft/get_modifier_groups"),
    ("get", "/a/v1.0/product/export_sales"),
    ("get", "/a/v1.0/product/export_sales_totals"),
    (
        "get",
        "/a/v1.0/draft/receipts_by_shift_day/{terminal_id}/{date}",
    ),
];

async fn spec(server: &TestServer) -> Value {
    let response = server
        .client
        .get(server.url("/openapi.json"))
        .send()
        .await
        .expect("answer");
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.expect("json")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_is_described_under_both_versions() {
    let server = TestServer::start(Backend::Sqlite).await;
    let spec = spec(&server).await;
    assert!(
        spec["openapi"]
            .as_str()
            .is_some_and(|v| v.starts_with("3.1")),
        "{}",
        spec["openapi"]
    );
    for (method, path) in ROUTES {
        let mut paths = vec![path.to_string()];
        if let Some(rest) = path.strip_prefix("/a/v1.0") {
            paths.push(format!("/a/v1.1{rest}"));
        }
        for path in paths {
            assert!(
                spec["paths"][&path][method].is_object(),
                "{method} {path} is not in /openapi.json"
            );
        }
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_described_route_exists_and_operation_ids_are_unique() {
    let server = TestServer::start(Backend::Sqlite).await;
    let demo = server.demo().await;
    let spec = spec(&server).await;
    let mut operation_ids = HashSet::new();
    let paths = spec["paths"].as_object().expect("paths");
    for (path, item) in paths {
        for (method, operation) in item.as_object().expect("path item") {
            let id = operation["operationId"].as_str().expect("operationId");
            assert!(
                operation_ids.insert(id.to_owned()),
                "operationId {id} is used twice"
            );
            let concrete = path.replace("{id}", "1").replace("{caf_storage_id}", "1");
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).expect("method");
            let response = server
                .request(&demo, method.clone(), &concrete)
                .send()
                .await
                .expect("answer");
            let status = response.status();
            let body = response.text().await.expect("body");
            assert!(
                !body.contains("no such endpoint"),
                "{method} {path} is described but not routed"
            );
            assert_ne!(
                status,
                StatusCode::METHOD_NOT_ALLOWED,
                "{method} {path} is described but not routed"
            );
        }
    }
    // the route table of the test above is complete: as many v1.0 routes as described
    let described_v10 = paths.keys().filter(|p| !p.starts_with("/a/v1.1")).count();
    let listed_paths: HashSet<&str> = ROUTES.iter().map(|(_, p)| *p).collect();
    assert_eq!(
        described_v10,
        listed_paths.len(),
        "ROUTES in this test is out of date"
    );
    server.stop().await;
}

/// Routes can only be added through `utoipa_axum::routes!`, which describes them: no handler
/// module registers a plain axum route.
#[test]
fn no_route_is_registered_outside_the_described_router() {
    let mut dirs = vec![std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/api")];
    let mut files = Vec::new();
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).expect("src/api") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else {
                files.push(path);
            }
        }
    }
    for path in files {
        let source = std::fs::read_to_string(&path).expect("source");
        assert!(
            !source.contains(".route("),
            "{} registers an undescribed route",
            path.display()
        );
    }
}

/// Every status an operation can answer is in its description (API.md §0): 401, 403, 429 and
/// 503 on every secured operation; 400, 413 and 422 on every one with a body; 400 on every
/// one with query parameters; 404 on every one with path parameters; the optional
/// `Idempotency-Key` header with 409 and 422 on every POST. Every error answer is the
/// envelope, and no query or path value is described as JSON `null`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_lists_every_status_it_can_answer() {
    let server = TestServer::start(Backend::Sqlite).await;
    let spec = spec(&server).await;
    let shared = &spec["components"]["responses"];
    // an answer's body schema, through a `$ref` to a shared response
    let body_of = |answer: &Value| -> Value {
        let answer = match answer["$ref"].as_str() {
            Some(name) => &shared[name.trim_start_matches("#/components/responses/")],
            None => answer,
        };
        answer["content"]["application/json"]["schema"].clone()
    };
    for (path, item) in spec["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("path item") {
            let at = format!("{} {path}", method.to_uppercase());
            let answers = operation["responses"].as_object().expect("responses");
            let params = operation["parameters"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            let located = |place: &str| params.iter().any(|p| p["in"] == place);
            let secured = operation["security"]
                .as_array()
                .is_some_and(|s| !s.is_empty());
            let mut wanted = Vec::new();
            if secured {
                wanted.extend(["401", "403", "429", "503"]);
            }
            if operation["requestBody"].is_object() {
                wanted.extend(["400", "413", "422"]);
            }
            if located("query") {
                wanted.push("400");
            }
            if located("path") {
                wanted.push("404");
            }
            if method == "post" {
                wanted.extend(["409", "422"]);
                assert!(
                    params
                        .iter()
                        .any(|p| p["in"] == "header" && p["name"] == "Idempotency-Key"),
                    "{at} does not describe Idempotency-Key"
                );
            }
            for status in wanted {
                assert!(answers.contains_key(status), "{at} does not list {status}");
            }
            for (status, answer) in answers {
                if status.starts_with('4') || status.starts_with('5') {
                    assert_eq!(
                        body_of(answer)["$ref"],
                        "#/components/schemas/ErrorEnvelope",
                        "{at} answers {status} with something else than the error envelope"
                    );
                }
            }
            for param in &params {
                if param["in"] == "query" || param["in"] == "path" {
                    let schema = param["schema"].to_string();
                    assert!(
                        !schema.contains("\"null\""),
                        "{at}: parameter {} is described as nullable: {schema}",
                        param["name"]
                    );
                }
            }
        }
    }
    server.stop().await;
}

/// OpenAPI components are keyed by name: two Rust types of one name that derive `ToSchema`
/// describe one of them with the other's fields. Each such name must be unique in `src/`.
#[test]
fn every_schema_type_has_a_name_of_its_own() {
    fn sources(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("src") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                sources(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    sources(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    let mut seen: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    let mut clashes = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("source");
        let mut derives_schema = false;
        for line in text.lines().map(str::trim) {
            if line.starts_with("#[derive(") && line.contains("ToSchema") {
                derives_schema = true;
            } else if derives_schema
                && (line.starts_with("pub struct ") || line.starts_with("pub enum "))
            {
                let name: String = line
                    .split_whitespace()
                    .nth(2)
                    .unwrap_or_default()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                let place = file.display().to_string();
                if let Some(other) = seen.insert(name.clone(), place.clone()) {
                    clashes.push(format!("{name}: {other} and {place}"));
                }
                derives_schema = false;
            } else if !line.starts_with("#[") && !line.starts_with("///") && !line.is_empty() {
                derives_schema = false;
            }
        }
    }
    // `IdOnly` ({"id"}) is the same shape wherever it is declared
    clashes.retain(|c| !c.starts_with("IdOnly:"));
    assert!(clashes.is_empty(), "schema names used twice: {clashes:#?}");
}
