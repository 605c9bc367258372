//! PostgreSQL's plans for the hot lookups (issue 14), in a database where another account holds
//! twenty times the rows: each probes its index instead of scanning, on a fresh database (whose
//! statistics the migrations gathered on empty tables) and again once the server has refreshed
//! them. Nothing else refreshes them where autovacuum is off, so the server does
//! (`db::statistics`, every 10 s): after a bulk load the loaded tables are stale, and one refresh
//! makes them current.

use sqlx::{Connection, Executor, PgConnection};

use crate::helpers::{Backend, TestDatabase};

async fn load(conn: &mut PgConnection) {
    conn.execute(
        "INSERT INTO accounts (id, name, timezone, created_at) VALUES (1, 'a', 'UTC', 0), (2, 'b', 'UTC', 0);
         INSERT INTO storages (account_id, id, name, created_at, updated_at) VALUES (1, 1, 's', 0, 0), (2, 1, 's', 0, 0);
         INSERT INTO products (account_id, id, ref_code, name, measure, entity_type, cancellation_type, created_at, updated_at)
           SELECT a, g, 'c' || g, 'p' || g, 'pcs', 'product', 0, 0, 0
           FROM (VALUES (1, 1000), (2, 20000)) AS n(a, size) CROSS JOIN LATERAL generate_series(1, n.size) AS g;
         INSERT INTO stock_balances (account_id, storage_id, product_id, qty, value, updated_at)
           SELECT account_id, 1, id, 1000, 1000, 0 FROM products;
         SELECT pg_stat_force_next_flush();",
    )
    .await
    .expect("bulk load");
}

/// Statements prepared so far, to name each one anew.
static PREPARED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Generic plans are made once for any account (a prepared statement, a foreign-key check
/// included, may settle on one); custom plans for the values given, as PostgreSQL makes them
/// while a generic plan would cost more (as it does where accounts differ in size).
#[derive(Clone, Copy)]
enum Made {
    Generic,
    Custom,
}

async fn plan(conn: &mut PgConnection, made: Made, sql: &str, types: &str, args: &str) -> String {
    let setting = match made {
        Made::Generic => "force_generic_plan",
        Made::Custom => "force_custom_plan",
    };
    conn.execute(format!("SET plan_cache_mode = {setting}").as_str())
        .await
        .expect("settings");
    let name = format!(
        "hot_{}",
        PREPARED.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    );
    conn.execute(format!("PREPARE {name} ({types}) AS {sql}").as_str())
        .await
        .expect("prepare");
    let rows: Vec<(String,)> = sqlx::query_as(&format!("EXPLAIN EXECUTE {name} ({args})"))
        .fetch_all(&mut *conn)
        .await
        .expect("explain");
    rows.into_iter()
        .map(|(line,)| line)
        .collect::<Vec<_>>()
        .join("\n")
}

/// The hot lookups probe their indexes, for the small account beside a big one.
async fn assert_hot_lookups_probe_indexes(conn: &mut PgConnection, when: &str) {
    // an invoice line's foreign-key check on its product, as PostgreSQL runs it
    let fk = plan(
        conn,
        Made::Generic,
        "SELECT 1 FROM ONLY products x WHERE account_id OPERATOR(pg_catalog.=) $1 \
         AND id OPERATOR(pg_catalog.=) $2 FOR KEY SHARE OF x",
        "bigint, bigint",
        "1, 500",
    )
    .await;
    assert!(
        fk.contains("Index Scan using products_pkey"),
        "{when}: {fk}"
    );
    // a document's products found by code (`db::batch::lookup`)
    let by_code = plan(
        conn,
        Made::Generic,
        "SELECT t.id FROM (VALUES ($2), ($3)) AS wanted CROSS JOIN products t \
         WHERE t.account_id = $1 AND t.ref_code = wanted.column1",
        "bigint, text, text",
        "1, 'c1', 'c2'",
    )
    .await;
    assert!(
        by_code.contains("products_account_id_ref_code_key"),
        "{when}: {by_code}"
    );
    // a storage's stock with its products' names: for the small account, never a scan of the
    // big one's rows
    let stock = plan(
        conn,
        Made::Custom,
        "SELECT b.product_id, b.qty, p.name FROM stock_balances b JOIN products p \
         ON p.account_id = b.account_id AND p.id = b.product_id \
         WHERE b.account_id = $1 AND b.storage_id = $2 ORDER BY b.product_id",
        "bigint, bigint",
        "1, 1",
    )
    .await;
    for (name, plan) in [
        ("foreign key", &fk),
        ("by code", &by_code),
        ("stock", &stock),
    ] {
        assert!(
            !plan.contains("Seq Scan"),
            "{when}: {name} scans a table:\n{plan}"
        );
    }
}

async fn stale(db: &caffesta::db::Db) -> Vec<String> {
    caffesta::db::statistics::stale_tables(db)
        .await
        .expect("stale tables")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(caffesta_pg_tests),
    ignore = "PostgreSQL run skipped: set CAFFESTA_TEST_POSTGRES_URL"
)]
async fn after_a_bulk_load_one_refresh_makes_the_hot_lookups_probe_their_indexes() {
    let database = TestDatabase::new(Backend::Postgres).await;
    let db = database.open().await;
    let mut conn = PgConnection::connect(&database.url).await.expect("connect");
    load(&mut conn).await;
    // planned from the statistics the migrations gathered on empty tables
    assert_hot_lookups_probe_indexes(&mut conn, "fresh").await;
    // the counters reach the statistics collector within a moment of the load's commit
    let mut waited = 0;
    while !stale(&db).await.contains(&"products".to_owned()) {
        assert!(
            waited < 100,
            "the load never showed as changes: {:?}",
            stale(&db).await
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        waited += 1;
    }
    let refreshed = caffesta::db::statistics::refresh(&db)
        .await
        .expect("refresh");
    // the two loaded tables; two accounts and two storages are too few rows to count
    assert_eq!(refreshed, 2, "{refreshed} tables refreshed");
    let left = stale(&db).await;
    for table in ["products", "stock_balances"] {
        assert!(
            !left.contains(&table.to_owned()),
            "{table} still stale: {left:?}"
        );
    }

    assert_hot_lookups_probe_indexes(&mut conn, "refreshed").await;
    conn.close().await.ok();
    db.close().await;
}
