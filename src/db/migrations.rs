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
}
