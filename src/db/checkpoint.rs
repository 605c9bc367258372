//! The SQLite checkpointer: a thread with its own connection that copies the write-ahead log
//! back into the database file, looking every [`INTERVAL`] and copying once [`BATCH_COMMITS`]
//! commits or [`MAX_WAIT`] have passed, so that no commit has to.
//!
//! SQLite's own automatic checkpoint runs inside the commit that crosses 1,000 WAL pages, and
//! that commit waits for it: one receipt in a hundred took 18–20 ms instead of under one. A
//! `PASSIVE` checkpoint from another connection copies what it can without taking the write
//! lock or waiting for readers, so writers go on meanwhile.
//!
//! But SQLite starts the WAL over from its beginning only when a write transaction begins with
//! every frame copied, and under a steady stream of commits a checkpoint running beside them
//! never catches the last one: the WAL grew by 70 MB a second under one till, each commit
//! writing to new file pages. So once the WAL holds more than [`WAL_LIMIT_FRAMES`], the
//! checkpointer tells the writer's group ([`Group::wal_is_long`]); the next group to commit then
//! copies the few frames left itself, with no other write running, and the group after it
//! starts the WAL over. The file stays near that size and is written in place; one commit in
//! 32 MB of writes pays for a short checkpoint.

use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

use super::group::Group;

/// How often the checkpointer looks at the WAL.
const INTERVAL: Duration = Duration::from_millis(50);

/// Commits after which a look copies the WAL back. A copy writes each page once however
/// often it changed since the last copy, and the hot pages (a balance, an index leaf) change
/// in almost every commit: copying after every commit at a cafe's pace (a receipt now and
/// then) wrote them once per receipt, as a busy till's 50 ms batches do not.
const BATCH_COMMITS: u64 = 16;

/// The longest the checkpointer leaves commits uncopied, however few (and commits made
/// outside the group, which it does not count, such as migrations).
const MAX_WAIT: Duration = Duration::from_secs(1);

/// WAL frames past which the WAL is started over (32 MB of 4 kB pages).
pub const WAL_LIMIT_FRAMES: i64 = 8192;

/// The running checkpointer; dropping it stops the thread (after one last checkpoint).
pub struct Checkpointer {
    _stop: mpsc::Sender<()>,
}

impl Checkpointer {
    /// Starts checkpointing through `conn` (a connection of its own, with WAL on), telling
    /// `group` when the WAL has grown past `limit_frames`.
    pub fn start(conn: rusqlite::Connection, group: Arc<Group>, limit_frames: i64) -> Checkpointer {
        let (stop, stopped) = mpsc::channel::<()>();
        let spawned = std::thread::Builder::new()
            .name("sqlite-checkpoint".into())
            .spawn(move || {
                let mut copied_at = (group.commits(), Instant::now());
                loop {
                    let last = !matches!(
                        stopped.recv_timeout(INTERVAL),
                        Err(mpsc::RecvTimeoutError::Timeout)
                    );
                    let commits = group.commits();
                    let due = commits.saturating_sub(copied_at.0) >= BATCH_COMMITS
                        || copied_at.1.elapsed() >= MAX_WAIT;
                    if due || last {
                        copied_at = (commits, Instant::now());
                        match passive(&conn) {
                            Ok((_, frames, _)) => group.wal_is_long(frames > limit_frames),
                            Err(err) => {
                                tracing::warn!(error = %err, "WAL checkpoint failed; retrying");
                            }
                        }
                    }
                    if last {
                        return;
                    }
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
pub fn passive(conn: &rusqlite::Connection) -> rusqlite::Result<(i64, i64, i64)> {
    conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |row| {
        Ok((row.get(0)?, row.get(1)?, row.get(2)?))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open(path: &std::path::Path) -> rusqlite::Connection {
        let conn = rusqlite::Connection::open(path).expect("open");
        conn.execute_batch("PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0; PRAGMA synchronous = NORMAL;")
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
        let _checkpointer = Checkpointer::start(open(&path), Arc::default(), WAL_LIMIT_FRAMES);
        let copied = (0..100).any(|_| {
            std::thread::sleep(INTERVAL);
            size("") > 800_000
        });
        assert!(copied, "database {}", size(""));
    }

    #[tokio::test]
    async fn under_a_steady_stream_of_commits_the_wal_starts_over_and_stays_short() {
        use tokio::sync::Mutex;
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("s.db");
        let writer = Arc::new(Mutex::new(open(&path)));
        writer
            .lock()
            .await
            .execute_batch("CREATE TABLE t (v BLOB)")
            .expect("table");
        let group = Arc::<Group>::default();
        let _checkpointer = Checkpointer::start(open(&path), group.clone(), 64);
        let deadline = std::time::Instant::now() + Duration::from_millis(1500);
        let mut commits = 0;
        while std::time::Instant::now() < deadline {
            let conn = super::super::group::begin(&writer, &group)
                .await
                .expect("begin");
            conn.execute("INSERT INTO t VALUES (randomblob(3000))", [])
                .expect("insert");
            super::super::group::commit(conn, &group)
                .await
                .expect("commit");
            commits += 1;
        }
        let wal_path = format!("{}-wal", path.display());
        let wal = std::fs::metadata(&wal_path).map_or(0, |m| m.len());
        // the WAL header's checkpoint sequence number counts the times the log started over
        // (SQLite's file format, §4.1: big-endian u32 at offset 12)
        let header = std::fs::read(&wal_path).expect("WAL");
        let restarts = header
            .get(12..16)
            .and_then(|b| <[u8; 4]>::try_from(b).ok())
            .map_or(0, u32::from_be_bytes);
        assert!(restarts >= 3, "the WAL started over {restarts} times");
        // each commit appends at least a page: left growing, the WAL would hold them all. Its
        // file keeps the longest stretch between two restarts, which depends on how the
        // machine schedules the checkpointer beside the writer, so the bound is a share of
        // what was written (a third failed by 1% on a loaded two-core run)
        let written = commits * 4096;
        assert!(written > 40_000_000, "only {commits} commits");
        assert!(
            wal < written / 2,
            "WAL of {wal} bytes after {commits} commits"
        );
    }
}
