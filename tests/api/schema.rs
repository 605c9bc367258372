//! The two migration sets describe one schema: after migrating, SQLite and PostgreSQL have the
//! same tables, columns (type class and nullability), primary keys, unique keys, foreign keys
//! and indexes. Each fact is written as one line, so a difference names itself.

use std::collections::BTreeSet;

use caffesta::db::{Db, Query, Row};
use caffesta::params;

use crate::helpers::{Backend, TestDatabase};

/// Integer or text, as both backends are used (values cross as `i64` and `String` only).
fn type_class(declared: &str) -> &'static str {
    let declared = declared.to_ascii_lowercase();
    if declared.contains("int") {
        "integer"
    } else if declared.contains("text") || declared.contains("char") {
        "text"
    } else {
        "other"
    }
}

fn text(row: &Row, column: &str) -> String {
    row.get::<String>(column).expect(column)
}

fn int(row: &Row, column: &str) -> i64 {
    row.get::<i64>(column).expect(column)
}

async fn sqlite_schema(db: &Db) -> BTreeSet<String> {
    let mut facts = BTreeSet::new();
    let mut q = db.read().await;
    let tables = q
        .rows(
            "SELECT name FROM sqlite_schema WHERE type = 'table' \
             AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations'",
            params! {},
        )
        .await
        .expect("tables");
    for table in tables.iter().map(|row| text(row, "name")) {
        facts.insert(format!("table {table}"));
        let columns = q
            .rows(
                "SELECT name, type, \"notnull\" AS not_null, pk FROM pragma_table_info(:table) ORDER BY pk",
                params! { table: &table },
            )
            .await
            .expect("columns");
        let mut key = Vec::new();
        for column in &columns {
            let (name, pk) = (text(column, "name"), int(column, "pk"));
            let not_null = int(column, "not_null") == 1 || pk > 0;
            let class = type_class(&text(column, "type"));
            facts.insert(format!("column {table}.{name} {class} not_null={not_null}"));
            if pk > 0 {
                key.push(name);
            }
        }
        facts.insert(format!("primary key {table}({})", key.join(",")));
        let indexes = q
            .rows(
                "SELECT name, \"unique\" AS is_unique, origin, partial FROM pragma_index_list(:table)",
                params! { table: &table },
            )
            .await
            .expect("indexes");
        for index in &indexes {
            let (name, origin) = (text(index, "name"), text(index, "origin"));
            if origin == "pk" {
                continue;
            }
            let columns: Vec<String> = q
                .rows(
                    "SELECT name FROM pragma_index_info(:name) ORDER BY seqno",
                    params! { name: &name },
                )
                .await
                .expect("index columns")
                .iter()
                .map(|row| text(row, "name"))
                .collect();
            let unique = int(index, "is_unique") == 1;
            let partial = int(index, "partial") == 1;
            // constraints' own indexes have generated names on both backends
            let name = if origin == "c" { name } else { "-".into() };
            facts.insert(format!(
                "index {name} on {table}({}) unique={unique} partial={partial}",
                columns.join(",")
            ));
        }
        let keys = q
            .rows(
                "SELECT id, \"table\" AS target, \"from\" AS source, \"to\" AS dest \
                 FROM pragma_foreign_key_list(:table) ORDER BY id, seq",
                params! { table: &table },
            )
            .await
            .expect("foreign keys");
        let mut grouped: Vec<(i64, String, Vec<String>, Vec<String>)> = Vec::new();
        for fk in &keys {
            let id = int(fk, "id");
            if grouped.last().is_none_or(|last| last.0 != id) {
                grouped.push((id, text(fk, "target"), Vec::new(), Vec::new()));
            }
            if let Some(last) = grouped.last_mut() {
                last.2.push(text(fk, "source"));
                last.3.push(
                    fk.get::<Option<String>>("dest")
                        .expect("dest")
                        .unwrap_or_default(),
                );
            }
        }
        for (_, target, source, dest) in grouped {
            facts.insert(format!(
                "foreign key {table}({}) -> {target}({})",
                source.join(","),
                dest.join(",")
            ));
        }
    }
    facts
}

/// The column names of an index or constraint, in key order: the first {count} of {keys}
/// (an index's INCLUDE columns follow its key; SQLite's tables carry theirs in the row).
const KEY_COLUMNS: &str = "array_to_string(ARRAY(SELECT a.attname::text FROM unnest({keys}) \
     WITH ORDINALITY AS k(attnum, ord) JOIN pg_attribute a ON a.attrelid = {rel} AND \
     a.attnum = k.attnum WHERE k.ord <= {count} ORDER BY k.ord), ',')";

async fn postgres_schema(db: &Db) -> BTreeSet<String> {
    let mut facts = BTreeSet::new();
    let mut q = db.read().await;
    let columns = q
        .rows(
            "SELECT table_name::text AS table_name, column_name::text AS column_name, \
             data_type::text AS data_type, is_nullable::text AS is_nullable \
             FROM information_schema.columns WHERE table_schema = 'public' \
             AND table_name <> '_sqlx_migrations'",
            params! {},
        )
        .await
        .expect("columns");
    for column in &columns {
        let table = text(column, "table_name");
        facts.insert(format!("table {table}"));
        facts.insert(format!(
            "column {table}.{} {} not_null={}",
            text(column, "column_name"),
            type_class(&text(column, "data_type")),
            text(column, "is_nullable") == "NO"
        ));
    }
    let index_columns = KEY_COLUMNS
        .replace("{keys}", "ix.indkey")
        .replace("{rel}", "t.oid")
        .replace("{count}", "ix.indnkeyatts");
    let indexes = q
        .rows(
            &format!(
                "SELECT t.relname::text AS table_name, i.relname::text AS index_name, \
                 CAST(CASE WHEN ix.indisprimary THEN 1 ELSE 0 END AS BIGINT) AS is_primary, \
                 CAST(CASE WHEN ix.indisunique THEN 1 ELSE 0 END AS BIGINT) AS is_unique, \
                 CAST(CASE WHEN ix.indpred IS NULL THEN 0 ELSE 1 END AS BIGINT) AS partial, \
                 CAST(CASE WHEN c.oid IS NULL THEN 0 ELSE 1 END AS BIGINT) AS of_constraint, \
                 {index_columns} AS columns \
                 FROM pg_index ix JOIN pg_class t ON t.oid = ix.indrelid \
                 JOIN pg_class i ON i.oid = ix.indexrelid \
                 JOIN pg_namespace n ON n.oid = t.relnamespace \
                 LEFT JOIN pg_constraint c ON c.conindid = ix.indexrelid AND c.contype IN ('p', 'u') \
                 WHERE n.nspname = 'public' AND t.relname <> '_sqlx_migrations'"
            ),
            params! {},
        )
        .await
        .expect("indexes");
    for index in &indexes {
        let table = text(index, "table_name");
        let columns = text(index, "columns");
        if int(index, "is_primary") == 1 {
            facts.insert(format!("primary key {table}({columns})"));
            continue;
        }
        let name = if int(index, "of_constraint") == 1 {
            "-".into()
        } else {
            text(index, "index_name")
        };
        facts.insert(format!(
            "index {name} on {table}({columns}) unique={} partial={}",
            int(index, "is_unique") == 1,
            int(index, "partial") == 1
        ));
    }
    let source = KEY_COLUMNS
        .replace("{keys}", "c.conkey")
        .replace("{rel}", "c.conrelid")
        .replace("{count}", "cardinality(c.conkey)");
    let dest = KEY_COLUMNS
        .replace("{keys}", "c.confkey")
        .replace("{rel}", "c.confrelid")
        .replace("{count}", "cardinality(c.confkey)");
    let keys = q
        .rows(
            &format!(
                "SELECT t.relname::text AS table_name, f.relname::text AS target, \
                 {source} AS source, {dest} AS dest \
                 FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid \
                 JOIN pg_class f ON f.oid = c.confrelid \
                 JOIN pg_namespace n ON n.oid = t.relnamespace \
                 WHERE c.contype = 'f' AND n.nspname = 'public'"
            ),
            params! {},
        )
        .await
        .expect("foreign keys");
    for fk in &keys {
        facts.insert(format!(
            "foreign key {}({}) -> {}({})",
            text(fk, "table_name"),
            text(fk, "source"),
            text(fk, "target"),
            text(fk, "dest")
        ));
    }
    facts
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(caffesta_pg_tests),
    ignore = "PostgreSQL run skipped: set CAFFESTA_TEST_POSTGRES_URL"
)]
async fn sqlite_and_postgres_migrations_make_the_same_tables_columns_keys_and_indexes() {
    let sqlite = TestDatabase::new(Backend::Sqlite).await;
    let postgres = TestDatabase::new(Backend::Postgres).await;
    let lite = sqlite_schema(&sqlite.open().await).await;
    let pg = postgres_schema(&postgres.open().await).await;
    assert!(lite.len() > 300, "too few facts read: {}", lite.len());
    let only_sqlite: Vec<&String> = lite.difference(&pg).collect();
    let only_postgres: Vec<&String> = pg.difference(&lite).collect();
    assert!(
        only_sqlite.is_empty() && only_postgres.is_empty(),
        "only on SQLite: {only_sqlite:#?}\nonly on PostgreSQL: {only_postgres:#?}"
    );
}
