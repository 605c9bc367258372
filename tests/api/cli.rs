//! API.md §10: the administration CLI prints only the new id (or key) on stdout, errors on
//! stderr with a non-zero exit, on either backend.

use std::process::{Command, Output};

use crate::helpers::{Backend, TestDatabase};

pub fn caffesta(database: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_caffesta"))
        .arg("--database")
        .arg(database)
        .args(args)
        .env_remove("CAFFESTA_DATABASE_URL")
        .output()
        .expect("the binary runs")
}

/// Runs a command that must succeed and returns its stdout, trimmed.
pub fn ok(database: &str, args: &[&str]) -> String {
    let out = caffesta(database, args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// Runs a command that must fail and returns its stderr.
fn fails(database: &str, args: &[&str]) -> String {
    let out = caffesta(database, args);
    assert!(!out.status.success(), "{args:?} should fail");
    assert!(
        out.stdout.is_empty(),
        "{args:?} printed on stdout: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(stderr.starts_with("error: "), "{args:?}: {stderr}");
    stderr
}

async fn admin_commands_print_only_ids_and_fail_cleanly(backend: Backend) {
    let database = TestDatabase::new(backend).await;
    let db = database.url.clone();
    let cli = move || {
        assert_eq!(
            ok(
                &db,
                &["account", "create", "cafe", "--timezone", "Europe/Moscow"]
            ),
            "1"
        );
        assert!(fails(&db, &["account", "create", "cafe"]).contains("already exists"));
        assert!(fails(&db, &["account", "create", "bad name"]).contains("host name"));
        assert!(
            fails(&db, &["account", "create", "x", "--timezone", "Mars/Base"])
                .contains("time zone")
        );
        assert_eq!(
            ok(
                &db,
                &["storage", "create", "--account", "cafe", "--name", "Склад"]
            ),
            "1"
        );
        assert_eq!(
            ok(
                &db,
                &["storage", "create", "--account", "cafe", "--name", "Бар"]
            ),
            "2"
        );
        assert!(fails(
            &db,
            &["storage", "create", "--account", "nobody", "--name", "X"]
        )
        .contains("no account"));
        assert_eq!(
            ok(
                &db,
                &[
                    "shop",
                    "create",
                    "--account",
                    "cafe",
                    "--name",
                    "Кафе",
                    "--storage",
                    "2"
                ]
            ),
            "1"
        );
        assert!(fails(
            &db,
            &[
                "shop",
                "create",
                "--account",
                "cafe",
                "--name",
                "X",
                "--storage",
                "9"
            ]
        )
        .contains("storage 9"));
        assert_eq!(
            ok(
                &db,
                &[
                    "tax",
                    "create",
                    "--account",
                    "cafe",
                    "--name",
                    "НДС 10",
                    "--rate",
                    "10"
                ]
            ),
            "3"
        );
        assert!(fails(
            &db,
            &[
                "tax",
                "create",
                "--account",
                "cafe",
                "--name",
                "X",
                "--rate",
                "abc"
            ]
        )
        .contains("rate"));
        assert!(fails(
            &db,
            &[
                "tax",
                "create",
                "--account",
                "cafe",
                "--name",
                "X",
                "--rate",
                "101"
            ]
        )
        .contains("rate"));
        let bonus = [
            "payment-type",
            "create",
            "--account",
            "cafe",
            "--name",
            "Бонусы",
            "--kind",
            "bonus",
        ];
        assert_eq!(ok(&db, &bonus), "3");
        let key = ok(
            &db,
            &["key", "create", "--account", "cafe", "--label", "1C"],
        );
        assert!(
            key.len() == 32 && key.chars().all(|c| c.is_ascii_hexdigit()),
            "{key}"
        );
        let terminal = [
            "key",
            "create",
            "--account",
            "cafe",
            "--scope",
            "terminal",
            "--shop",
            "1",
        ];
        assert_eq!(ok(&db, &terminal).len(), 32);
        assert!(fails(
            &db,
            &["key", "create", "--account", "cafe", "--scope", "terminal"]
        )
        .contains("shop"));
        let listed = ok(&db, &["key", "list", "--account", "cafe"]);
        assert!(
            listed.contains(&key[..6]) && !listed.contains(&key),
            "{listed}"
        );
        assert_eq!(ok(&db, &["key", "revoke", "--account", "cafe", "1"]), "1");
        assert!(fails(&db, &["key", "revoke", "--account", "cafe", "1"]).contains("no live key"));
        assert!(ok(&db, &["key", "list", "--account", "cafe"]).contains("revoked"));
        let menu = ["menu", "create", "--account", "cafe", "--name", "Основное"];
        assert_eq!(ok(&db, &menu), "1");
        assert_eq!(ok(&db, &menu), "2");
        assert!(
            fails(&db, &["menu", "create", "--account", "cafe", "--name", " "]).contains("name")
        );
        let off = [
            "settings",
            "set",
            "--account",
            "cafe",
            "--stock-module",
            "off",
            "--timezone",
            "Asia/Almaty",
        ];
        assert_eq!(ok(&db, &off), "1");
        assert!(fails(
            &db,
            &[
                "settings",
                "set",
                "--account",
                "cafe",
                "--timezone",
                "Mars/Base"
            ]
        )
        .contains("time zone"));
        assert!(fails(
            &db,
            &[
                "settings",
                "set",
                "--account",
                "cafe",
                "--stock-module",
                "maybe"
            ]
        )
        .contains("maybe"));
        let group = [
            "discount-group",
            "create",
            "--account",
            "cafe",
            "--name",
            "Бонус",
            "--type",
            "bonus",
            "--rate",
            "5",
            "--bonus-max-bill-rate",
            "50",
        ];
        assert_eq!(ok(&db, &group), "1");
        let too_much = [
            "discount-group",
            "create",
            "--account",
            "cafe",
            "--name",
            "X",
            "--type",
            "discount",
            "--rate",
            "120",
        ];
        assert!(fails(&db, &too_much).contains("rate"));
        let client = ok(
            &db,
            &[
                "client",
                "create",
                "--account",
                "cafe",
                "--name",
                "Иван",
                "--phone",
                "+375 29 111-11-11",
                "--group",
                "1",
            ],
        );
        assert!(uuid::Uuid::parse_str(&client).is_ok(), "{client}");
        assert!(fails(
            &db,
            &[
                "client",
                "create",
                "--account",
                "cafe",
                "--name",
                "Пётр",
                "--group",
                "9"
            ]
        )
        .contains("group"));
        let syrups = [
            "modifier-group",
            "create",
            "--account",
            "cafe",
            "--name",
            "Сиропы",
            "--max",
            "3",
            "--multiple",
        ];
        assert_eq!(ok(&db, &syrups), "1");
        let attach = [
            "modifier-group",
            "attach",
            "--account",
            "cafe",
            "--group",
            "1",
            "--product-code",
            "nope",
        ];
        assert!(fails(&db, &attach).contains("product"));
        let seed = [
            "dev",
            "seed-sales",
            "--account",
            "cafe",
            "--days",
            "2",
            "--shops",
            "2",
            "--products",
            "5",
            "--lines",
            "100",
        ];
        let seeded = ok(&db, &seed);
        assert!(seeded.ends_with("lines"), "{seeded}");
    };
    tokio::task::spawn_blocking(cli).await.expect("cli steps");
}

/// `caffesta check` passes on a consistent ledger and names the balance that disagrees.
async fn check_verifies_the_ledger_and_names_a_balance_that_disagrees(backend: Backend) {
    let server = crate::helpers::TestServer::start(backend).await;
    let demo = server.demo().await;
    let (status, body) = server
        .post(
            &demo,
            "/a/v1.0/storage/invoices",
            &crate::invoices::vendor_invoice(),
        )
        .await;
    assert_eq!(status, reqwest::StatusCode::OK, "{body}");
    server
        .put(
            &demo,
            "/a/v1.0/storage/invoices/1",
            &serde_json::json!({"action": "wire"}),
        )
        .await;
    let url = server.database_url().to_owned();
    let checked = {
        let url = url.clone();
        tokio::task::spawn_blocking(move || ok(&url, &["check", "--account", "demo"]))
            .await
            .expect("check")
    };
    assert_eq!(
        checked,
        "ok: 1 balances equal the sum of the ledger; 1 movements, their balances and \
         receipt-line costs equal a replay in date order"
    );
    // a balance changed behind the ledger's back
    let mut tx = server.db.begin_write().await.expect("tx");
    tx.run(
        "UPDATE stock_balances SET qty = qty + 1",
        caffesta::params! {},
    )
    .await
    .expect("update");
    caffesta::db::commit(tx).await.expect("commit");
    let stderr = tokio::task::spawn_blocking(move || fails(&url, &["check", "--account", "demo"]))
        .await
        .expect("check");
    assert!(
        stderr.contains(
            "storage 1 product 1: balance 25.001 / 50.00 but the ledger sums to 25.000 / 50.00"
        ) && stderr.contains("balance 25.001 / 50.00 but date order gives 25.000 / 50.00"),
        "{stderr}"
    );
    server.stop().await;
}

crate::backend_tests!(
    admin_commands_print_only_ids_and_fail_cleanly,
    check_verifies_the_ledger_and_names_a_balance_that_disagrees
);
