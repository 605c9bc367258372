//! API.md §0, tenancy: nothing of one account is ever visible to another, under load too.

use caffesta::service::admin;
use futures::future::join_all;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{send, Backend, TestServer};

async fn two_accounts_never_see_each_other_under_200_concurrent_mixed_requests(backend: Backend) {
    let server = TestServer::start(backend).await;
    let a = server.account("alpha").await;
    let b = server.account("beta").await;
    admin::create_storage(&server.db, "alpha", "Склад А")
        .await
        .expect("storage");
    admin::create_storage(&server.db, "alpha", "Бар А")
        .await
        .expect("storage");
    admin::create_storage(&server.db, "beta", "Склад Б")
        .await
        .expect("storage");
    let a_storages = json!({"1": "(id:1) Склад А", "2": "(id:2) Бар А"});
    let b_storages = json!({"1": "(id:1) Склад Б"});

    let requests = (0..200).map(|i| {
        let (me, them, mine) = if i % 2 == 0 {
            (&a, &b, &a_storages)
        } else {
            (&b, &a, &b_storages)
        };
        let server = &server;
        async move {
            match i % 4 {
                // my key on my host: my storages, never theirs
                0 | 1 => {
                    let (status, body) = server.get(me, "/a/v1.0/draft/storages").await;
                    assert_eq!((status, &body), (StatusCode::OK, mine));
                }
                // my key on their host: 401
                2 => {
                    let request = server
                        .client
                        .request(Method::GET, server.url("/a/v1.1/draft/storages"))
                        .header("Host", format!("{}.localhost", them.name))
                        .header("X-API-KEY", &me.key);
                    let (status, body) = send(request).await;
                    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
                    assert_eq!(body["success"], Value::Bool(false));
                }
                _ => {
                    let (status, body) = server.get(me, "/a/v1.0/storage/test").await;
                    assert_eq!(
                        (status, body),
                        (
                            StatusCode::OK,
                            json!({"success": true, "data": {"id": "test"}})
                        )
                    );
                }
            }
        }
    });
    join_all(requests).await;
    server.stop().await;
}

crate::backend_tests!(two_accounts_never_see_each_other_under_200_concurrent_mixed_requests);
