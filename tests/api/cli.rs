//! API.md §10: the administration CLI prints only the new id (or key) on stdout, errors on
//! stderr with a non-zero exit, on either backend.

use std::process::{Command, Output};

use crate::helpers::{Backend, TestDatabase};

fn caffesta(database: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_caffesta"))
        .arg("--database")
        .arg(database)
        .args(args)
        .env_remove("CAFFESTA_DATABASE_URL")
        .output()
        .expect("the binary runs")
}

/// Runs a command that must succeed and returns its stdout, trimmed.
fn ok(database: &str, args: &[&str]) -> String {
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
    };
    tokio::task::spawn_blocking(cli).await.expect("cli steps");
}

crate::backend_tests!(admin_commands_print_only_ids_and_fail_cleanly);
