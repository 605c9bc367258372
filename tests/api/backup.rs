//! API.md §10, `caffesta backup --to FILE`: a consistent copy of a live SQLite database taken
//! while clients write, which opens on its own and passes `caffesta check`; `migrate`.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use reqwest::StatusCode;
use serde_json::json;

use crate::cli::caffesta;
use crate::helpers::{int, Backend, TestServer};

async fn a_backup_taken_while_eight_clients_write_passes_check(backend: Backend) {
    let server = TestServer::start(backend).await;
    let demo = server.demo().await;
    let dir = tempfile::tempdir().expect("dir");
    let copy = dir.path().join("copy.db").display().to_string();
    if backend == Backend::Postgres {
        let out = caffesta(server.database_url(), &["backup", "--to", &copy]);
        assert!(!out.status.success());
        assert!(String::from_utf8_lossy(&out.stderr).contains("pg_dump"));
        server.stop().await;
        return;
    }
    let writing = Arc::new(AtomicBool::new(true));
    let mut writers = Vec::new();
    for client in 0..8 {
        let (server_client, url, host, key) = (
            server.client.clone(),
            server.url("/a/v1.0/storage/invoices"),
            format!("demo.localhost:{}", server.addr.port()),
            demo.key.clone(),
        );
        let writing = Arc::clone(&writing);
        writers.push(tokio::spawn(async move {
            let mut made = 0;
            while writing.load(Ordering::Relaxed) {
                let code = format!("c{client}-{}", made % 5);
                let body = json!({"storage": {"caf_id": 1}, "products": [{"ref_code": code, "name": code, "measure": "pcs"}],
                                  "items": [{"product_code": code, "amount": 3, "cost": "4.50"}]});
                let answer = server_client.post(&url).header("Host", &host).header("X-API-KEY", &key).json(&body).send().await;
                let Ok(answer) = answer else { continue };
                let created: serde_json::Value = answer.json().await.unwrap_or_default();
                if let Some(id) = created["data"]["id"].as_i64() {
                    let wire = format!("{url}/{id}");
                    let _ = server_client.put(&wire).header("Host", &host).header("X-API-KEY", &key)
                        .json(&json!({"action": "wire"})).send().await;
                }
                made += 1;
            }
            made
        }));
    }
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let database = server.database_url().to_owned();
    let copy_path = copy.clone();
    let out =
        tokio::task::spawn_blocking(move || caffesta(&database, &["backup", "--to", &copy_path]))
            .await
            .expect("backup");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), copy);
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    writing.store(false, Ordering::Relaxed);
    let mut made = 0;
    for writer in writers {
        made += writer.await.expect("writer");
    }
    assert!(made > 8, "the clients wrote during the backup ({made})");

    // the copy opens on its own, holds a consistent snapshot, and checks out
    let out = caffesta(&copy, &["check", "--account", "demo"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let restored = caffesta::db::Db::connect(&copy)
        .await
        .expect("open the copy");
    let copied = int(&restored, "SELECT COUNT(*) FROM invoices").await;
    let live = int(&server.db, "SELECT COUNT(*) FROM invoices").await;
    assert!(copied > 0 && copied <= live, "{copied} of {live}");
    // never over an existing file; migrate applies nothing more and prints nothing
    let out = caffesta(server.database_url(), &["backup", "--to", &copy]);
    assert!(!out.status.success());
    let out = caffesta(&copy, &["migrate"]);
    assert!(out.status.success() && out.stdout.is_empty());
    let (status, _) = server.get(&demo, "/a/v1.0/storage/test").await;
    assert_eq!(status, StatusCode::OK);
    server.stop().await;
}

crate::backend_tests!(a_backup_taken_while_eight_clients_write_passes_check);
