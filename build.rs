//! Marks the build for the PostgreSQL run of the test suite when `CAFFESTA_TEST_POSTGRES_URL` is
//! set, so that tests of that backend show as "ignored" (with the reason) when it is not; and
//! rebuilds when a migration changes, since they are embedded.

fn main() {
    println!("cargo::rustc-check-cfg=cfg(caffesta_pg_tests)");
    println!("cargo::rerun-if-env-changed=CAFFESTA_TEST_POSTGRES_URL");
    println!("cargo::rerun-if-changed=build.rs");
    // `sqlx::migrate!` embeds the migrations: rebuild when one changes
    println!("cargo::rerun-if-changed=migrations");
    if std::env::var("CAFFESTA_TEST_POSTGRES_URL").is_ok_and(|url| !url.is_empty()) {
        println!("cargo::rustc-cfg=caffesta_pg_tests");
    }
}
