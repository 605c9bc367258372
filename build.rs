//! Marks the build for the PostgreSQL run of the test suite when `CAFFESTA_TEST_POSTGRES_URL` is
//! set, and for the browser tests when Chromium and its driver are on the machine, so that the
//! tests that need either show as "ignored" (with the reason) when it is absent; and lists the
//! migrations of each backend for `db::migrations` to embed (rebuilding when one changes).

use std::fmt::Write as _;
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
    println!("cargo::rerun-if-changed=migrations");
    list_migrations();
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

/// Writes `$OUT_DIR/migrations.rs`: for each backend's folder, a `&[(version, description,
/// text)]` of its `NNNN_description.sql` files in version order, the text by `include_str!`.
/// This does what sqlx's `migrate!` macro does, without the macro: the macro crate compiles a
/// second copy of sqlx and SQLite for the build machine, which was a fifth of a clean build.
fn list_migrations() {
    // read when the script runs, not baked in when it is compiled: a target folder shared by
    // several checkouts (CI's clean clones) reuses one compiled script, which would otherwise
    // read the migrations of whichever checkout compiled it
    let manifest_dir =
        std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let root = Path::new(&manifest_dir).join("migrations");
    let mut out = String::new();
    for backend in ["sqlite", "postgres"] {
        let dir = root.join(backend);
        println!("cargo::rerun-if-changed={}", dir.display());
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .expect("migrations folder")
            .map(|entry| entry.expect("migration file").path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "sql"))
            .collect();
        files.sort();
        writeln!(
            out,
            "pub const {}: &[(i64, &str, &str)] = &[",
            backend.to_uppercase()
        )
        .expect("to a string");
        for file in files {
            let stem = file.file_stem().and_then(|s| s.to_str()).expect("name");
            let (version, name) = stem.split_once('_').expect("NNNN_description.sql");
            let version: i64 = version.parse().expect("a numbered migration");
            writeln!(
                out,
                "    ({version}, {:?}, include_str!({:?})),",
                name.replace('_', " "),
                file.display().to_string()
            )
            .expect("to a string");
        }
        out.push_str("];\n");
    }
    let target = PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR")).join("migrations.rs");
    std::fs::write(target, out).expect("write migrations.rs");
}
