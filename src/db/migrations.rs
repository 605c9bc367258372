//! The schema's migrations, embedded in the binary: each backend's `migrations/<backend>/`
//! folder, listed at build time (`build.rs`) and handed to sqlx's migrator, which records
//! them in `_sqlx_migrations` exactly as its `migrate!` macro would (same versions,
//! descriptions and checksums), so databases made by earlier builds carry on.

use std::borrow::Cow;

use sqlx::migrate::{Migration, MigrationType, Migrator};

mod listed {
    include!(concat!(env!("OUT_DIR"), "/migrations.rs"));
}

/// The migrator for SQLite files.
pub fn sqlite() -> Migrator {
    migrator(listed::SQLITE)
}

/// The migrator for PostgreSQL.
pub fn postgres() -> Migrator {
    migrator(listed::POSTGRES)
}

fn migrator(files: &[(i64, &'static str, &'static str)]) -> Migrator {
    let migrations = files
        .iter()
        .map(|&(version, description, sql)| {
            Migration::new(
                version,
                Cow::Borrowed(description),
                MigrationType::Simple,
                Cow::Borrowed(sql),
                false,
            )
        })
        .collect();
    // the fields are the ones `migrate!` fills; `Migrator::new` would read the folder at run
    // time, and the binary must carry its schema
    Migrator {
        migrations: Cow::Owned(migrations),
        ..Migrator::DEFAULT
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_migration_file_is_embedded_in_order_for_both_backends() {
        for (backend, migrator) in [("sqlite", sqlite()), ("postgres", postgres())] {
            let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("migrations")
                .join(backend);
            let files = std::fs::read_dir(dir).expect("folder").count();
            let versions: Vec<i64> = migrator.iter().map(|m| m.version).collect();
            assert_eq!(versions.len(), files, "{backend}");
            assert!(versions.windows(2).all(|w| w[0] < w[1]), "{backend}");
            assert_eq!(versions.first(), Some(&1));
        }
        let first = sqlite();
        let foundation = first.iter().next().expect("first");
        assert_eq!(foundation.description, "foundation");
    }

    /// The ledger's rows as `stock_movements` holds them, in id order.
    async fn movements(conn: &mut sqlx::SqliteConnection) -> Vec<Vec<Option<i64>>> {
        use sqlx::Row as _;
        sqlx::query(
            "SELECT account_id, id, storage_id, product_id, doc_id, line_no, doc_date, qty, \
             value, source_id, target, cost, length(doc_type) * 10 + length(rule) AS kinds \
             FROM stock_movements ORDER BY account_id, id",
        )
        .fetch_all(conn)
        .await
        .expect("rows")
        .iter()
        .map(|r| (0..13).map(|i| r.get::<Option<i64>, _>(i)).collect())
        .collect()
    }

    #[tokio::test]
    async fn keying_the_ledger_by_stream_keeps_every_movement_of_an_existing_database() {
        use sqlx::{ConnectOptions as _, Connection as _};
        let dir = tempfile::tempdir().expect("dir");
        let options = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(dir.path().join("old.db"))
            .create_if_missing(true)
            // the rows below name no real storages or products: the copy is what is checked
            .foreign_keys(false);
        let mut conn = options.connect().await.expect("connect");
        let before: Vec<_> = listed::SQLITE
            .iter()
            .copied()
            .filter(|m| m.0 < 18)
            .collect();
        migrator(&before)
            .run(&mut conn)
            .await
            .expect("migrate to 17");
        for (id, storage, product, date) in
            [(1, 2, 5, 30), (2, 1, 5, 10), (3, 2, 5, 20), (4, 2, 4, 40)]
        {
            sqlx::query(
                "INSERT INTO stock_movements (account_id, id, storage_id, product_id, doc_type, \
                 doc_id, line_no, doc_date, qty, value, rule, source_id, target, cost) \
                 VALUES (1, ?, ?, ?, 'move', 9, ?, ?, -1000, -2500, 'average', ?, NULL, 7)",
            )
            .bind(id)
            .bind(storage)
            .bind(product)
            .bind(id * 2)
            .bind(date)
            .bind(if id == 3 { Some(1) } else { None })
            .execute(&mut conn)
            .await
            .expect("movement");
        }
        let stored = movements(&mut conn).await;
        sqlite().run(&mut conn).await.expect("migrate");
        assert_eq!(movements(&mut conn).await, stored);
        // and stream order is the table's own order (`line_no` is in no index: the table is read)
        let streams: Vec<i64> = sqlx::query_scalar("SELECT id + 0 * line_no FROM stock_movements")
            .fetch_all(&mut conn)
            .await
            .expect("ids");
        assert_eq!(streams, [2, 4, 3, 1]);
        conn.close().await.expect("close");
    }
}
