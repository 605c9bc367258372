//! The vendor's Python examples (`tests/vendor/*.py`, verbatim from `reference/`) run
//! unchanged but for the URL and the placeholder key against a live server.
//!
//! They need `python3` with `requests`; without them the test says so and passes, except in
//! CI (`CI=true`), where a missing interpreter is a failure.

use std::process::Command;

use crate::helpers::{Backend, TestServer};

pub fn python_with_requests() -> bool {
    Command::new("python3")
        .args(["-c", "import requests"])
        .output()
        .is_ok_and(|out| out.status.success())
}

/// Runs one example against `base` with `key`, returning what it printed.
pub fn run_example(file: &str, base: &str, key: &str, storage_id: i64) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/vendor")
        .join(file);
    let source = std::fs::read_to_string(&path).expect("example");
    let code = source
        .replace("https://{account_name}.caffesta.com", base)
        .replace("{caf_storage_id}", &storage_id.to_string())
        .replace("CAFFESTA-X-API-KEY", key);
    let out = Command::new("python3")
        .args(["-c", &code])
        .env("NO_PROXY", "*")
        .env_remove("HTTP_PROXY")
        .env_remove("http_proxy")
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{file} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

async fn the_vendors_python_examples_run_unchanged(backend: Backend) {
    if !python_with_requests() {
        assert!(
            std::env::var("CI").is_err(),
            "CI must have python3 with requests for the vendor examples"
        );
        eprintln!("SKIPPED: python3 with requests is not installed");
        return;
    }
    let server = TestServer::start(backend).await;
    let demo = server.demo().await;
    let base = format!("http://127.0.0.1:{}", server.addr.port());
    for file in ["auth.py", "storages.py", "store.py"] {
        let printed = tokio::task::block_in_place(|| run_example(file, &base, &demo.key, 1));
        assert_eq!(printed.trim(), "<Response [200]>", "{file}");
    }
    let printed = tokio::task::block_in_place(|| run_example("auth.py", &base, "wrong-key", 1));
    assert_eq!(printed.trim(), "<Response [401]>", "a wrong key must fail");
    server.stop().await;
}

crate::backend_tests!(the_vendors_python_examples_run_unchanged);
