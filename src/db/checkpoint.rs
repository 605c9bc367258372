//! The SQLite checkpointer: a thread with its own connection that copies the write-ahead log
//! back into the database file every [`INTERVAL`], so that no commit has to.
//!
//! SQLite's own automatic checkpoint runs inside the commit that crosses 1,000 WAL pages, and
//! that commit waits for it: one receipt in a hundred took 18–20 ms instead of under one. A
//! `PASSIVE` checkpoint from another connection copies what it can without taking the write
//! lock or waiting for readers, so writers go on meanwhile; the WAL is reused from its start
//! once a checkpoint has caught up.

use std::sync::mpsc;
use std::time::Duration;

/// How often the checkpointer looks at the WAL.
const INTERVAL: Duration = Duration::from_millis(100);

/// The running checkpointer; dropping it stops the thread (after one last checkpoint).
pub struct Checkpointer {
    _stop: mpsc::Sender<()>,
}

impl Checkpointer {
    /// Starts checkpointing through `conn` (a connection of its own, with WAL on).
    pub fn start(conn: rusqlite::Connection) -> Checkpointer {
        let (stop, stopped) = mpsc::channel::<()>();
        let spawned = std::thread::Builder::new()
            .name("sqlite-checkpoint".into())
            .spawn(move || loop {
                let last = !matches!(
                    stopped.recv_timeout(INTERVAL),
                    Err(mpsc::RecvTimeoutError::Timeout)
                );
                if let Err(err) = checkpoint(&conn) {
                    tracing::warn!(error = %err, "WAL checkpoint failed; retrying");
                }
                if last {
                    return;
                }
            });
        if let Err(err) = spawned {
            // without it the WAL grows until the last connection closes, which checkpoints
            tracing::error!(error = %err, "could not start the WAL checkpointer");
        }
        Checkpointer { _stop: stop }
    }
}

/// One passive checkpoint: `(busy, frames in the WAL, frames copied)`.
fn checkpoint(conn: &rusqlite::Connection) -> rusqlite::Result<(i64, i64, i64)> {
    conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |row| {
        Ok((row.get(0)?, row.get(1)?, row.get(2)?))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open(path: &std::path::Path) -> rusqlite::Connection {
        let conn = rusqlite::Connection::open(path).expect("open");
        conn.execute_batch("PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0;")
            .expect("pragmas");
        conn
    }

    #[test]
    fn commits_leave_the_wal_to_the_checkpointer_which_copies_it_back() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("c.db");
        let size = |suffix: &str| {
            std::fs::metadata(format!("{}{suffix}", path.display())).map_or(0, |m| m.len())
        };
        let writer = open(&path);
        writer
            .execute_batch("CREATE TABLE t (v TEXT)")
            .expect("table");
        for _ in 0..2_000 {
            writer
                .execute("INSERT INTO t VALUES (hex(randomblob(200)))", [])
                .expect("insert");
        }
        // 800 kB written, past SQLite's own 1,000-page mark: all of it still in the WAL
        assert!(size("-wal") > 800_000, "WAL {}", size("-wal"));
        assert!(size("") < 100_000, "database {}", size(""));
        let _checkpointer = Checkpointer::start(open(&path));
        let copied = (0..100).any(|_| {
            std::thread::sleep(INTERVAL);
            size("") > 800_000
        });
        assert!(copied, "database {}", size(""));
    }
}
