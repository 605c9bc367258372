//! Marks the build for the PostgreSQL run of the test suite when `CAFFESTA_TEST_POSTGRES_URL` is
//! set, and for the browser tests when Chromium and its driver are on the machine, so that the
//! tests that need either show as "ignored" (with the reason) when it is absent; and rebuilds
//! when a migration changes, since they are embedded.

use std::path::{Path, PathBuf};

/// The first `name` on `PATH`.
fn which(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

fn main() {
    println!("cargo::rustc-check-cfg=cfg(caffesta_pg_tests)");
    println!("cargo::rustc-check-cfg=cfg(caffesta_browser_tests)");
    println!("cargo::rerun-if-env-changed=CAFFESTA_TEST_POSTGRES_URL");
    println!("cargo::rerun-if-env-changed=PATH");
    println!("cargo::rerun-if-changed=build.rs");
    // `sqlx::migrate!` embeds the migrations: rebuild when one changes
    println!("cargo::rerun-if-changed=migrations");
    if std::env::var("CAFFESTA_TEST_POSTGRES_URL").is_ok_and(|url| !url.is_empty()) {
        println!("cargo::rustc-cfg=caffesta_pg_tests");
    }
    let browser = ["chromium", "chromedriver"].map(which);
    if let [Some(chromium), Some(driver)] = &browser {
        println!("cargo::rustc-cfg=caffesta_browser_tests");
        println!("cargo::rustc-env=CAFFESTA_CHROMIUM={}", chromium.display());
        println!(
            "cargo::rustc-env=CAFFESTA_CHROMEDRIVER={}",
            driver.display()
        );
        println!("cargo::rerun-if-changed={}", driver.display());
    } else if Path::new("/usr/bin").is_dir() {
        // installing them (`.ci/run` does) must turn the browser tests on: a directory is
        // watched by its files' times (a missing file would rerun this on every build)
        println!("cargo::rerun-if-changed=/usr/bin");
    }
}
