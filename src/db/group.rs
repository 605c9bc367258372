//! Group commit on SQLite: write transactions that queue for the one writer share one SQLite
//! transaction, each inside its own savepoint, and the last of the group commits for all.
//!
//! Why: SQLite has one writer, so writes run one after another whatever we do; what a commit
//! costs (its pages appended to the WAL, and with `--durability full` an fsync) is then paid
//! once per group instead of once per request. Each request keeps its own all-or-nothing
//! answer: its work is the savepoint `request`, released when it succeeds and rolled back when
//! it fails (its neighbours' work stays), and a request whose work succeeded is answered only
//! once the group's `COMMIT` has returned, with that commit's outcome.
//!
//! A group ends when nobody else is waiting for the writer, at [`MAX_MEMBERS`], or once it is
//! [`MAX_AGE`] old, so that a steady stream of writers cannot hold answers back for long.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex as StdMutex, MutexGuard as StdMutexGuard};
use std::time::{Duration, Instant};

use rusqlite::Connection;
use tokio::sync::{oneshot, Mutex, OwnedMutexGuard};

use super::DbError;

/// Requests whose work waits in one group's transaction, at most.
const MAX_MEMBERS: usize = 64;

/// How long after its first write a group still takes new members.
const MAX_AGE: Duration = Duration::from_millis(20);

/// The group state of one writer connection; touched only by whoever holds the writer.
#[derive(Default)]
pub struct Group {
    /// Write transactions queued for the writer: while any are, a finishing one leaves the
    /// group open for them.
    waiting: AtomicUsize,
    state: StdMutex<State>,
    /// Write transactions begun and `COMMIT`s run, for `/metrics`.
    transactions: std::sync::atomic::AtomicU64,
    commits: std::sync::atomic::AtomicU64,
    /// Set by the checkpointer when the WAL has grown past its limit: the next group to commit
    /// copies what is left, so that the WAL starts over (see `db::checkpoint`).
    wal_long: std::sync::atomic::AtomicBool,
}

#[derive(Default)]
struct State {
    /// The requests whose work is in the open transaction, each told the commit's outcome.
    members: Vec<oneshot::Sender<Result<(), String>>>,
    /// When the open transaction began (`None`: none is open).
    opened: Option<Instant>,
}

impl Group {
    fn state(&self) -> StdMutexGuard<'_, State> {
        // a panic while the lock was held left nothing half-done in `State` worth refusing
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Closes the open group: its members, to be told how it ended.
    fn end(&self) -> Vec<oneshot::Sender<Result<(), String>>> {
        let mut state = self.state();
        state.opened = None;
        std::mem::take(&mut state.members)
    }

    fn others_waiting(&self) -> bool {
        self.waiting.load(Ordering::Acquire) > 0
    }

    /// Tells the writer whether the WAL has grown past its limit.
    pub fn wal_is_long(&self, long: bool) {
        self.wal_long.store(long, Ordering::Relaxed);
    }

    /// The `COMMIT`s run so far.
    pub fn commits(&self) -> u64 {
        self.commits.load(Ordering::Relaxed)
    }

    /// The write transactions begun and the `COMMIT`s run so far.
    pub fn counts(&self) -> (u64, u64) {
        (self.transactions.load(Ordering::Relaxed), self.commits())
    }
}

/// One write transaction's place in the writer's queue, counted in [`Group::waiting`] until it
/// has the writer. Given up before that (the request was cancelled), it makes sure the group
/// it may have been left is committed all the same.
struct Queued {
    writer: Arc<Mutex<Connection>>,
    group: Arc<Group>,
    served: bool,
}

impl Queued {
    fn new(writer: &Arc<Mutex<Connection>>, group: &Arc<Group>) -> Queued {
        group.waiting.fetch_add(1, Ordering::AcqRel);
        Queued {
            writer: writer.clone(),
            group: group.clone(),
            served: false,
        }
    }
}

impl Drop for Queued {
    fn drop(&mut self) {
        self.group.waiting.fetch_sub(1, Ordering::AcqRel);
        if self.served {
            return;
        }
        // someone may have left the group open for this request, which will never come
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            let (writer, group) = (self.writer.clone(), self.group.clone());
            runtime.spawn(async move {
                let conn = writer.lock_owned().await;
                let _ = settle(&conn, &group);
            });
        }
    }
}

/// The writer, inside a new savepoint of the group's transaction (begun if none is open).
pub async fn begin(
    writer: &Arc<Mutex<Connection>>,
    group: &Arc<Group>,
) -> Result<OwnedMutexGuard<Connection>, DbError> {
    let mut queued = Queued::new(writer, group);
    let conn = writer.clone().lock_owned().await;
    queued.served = true;
    drop(queued);
    if conn.is_autocommit() {
        control(&conn, "BEGIN IMMEDIATE")?;
        group.state().opened = Some(Instant::now());
    }
    group.transactions.fetch_add(1, Ordering::Relaxed);
    if let Err(err) = control(&conn, "SAVEPOINT request") {
        let _ = settle(&conn, group);
        return Err(err.into());
    }
    Ok(conn)
}

/// Keeps this request's work: leaves it to the group when others are queued, else commits the
/// group. Answers once the work is committed (or the commit failed).
pub async fn commit(conn: OwnedMutexGuard<Connection>, group: &Group) -> Result<(), DbError> {
    if let Err(err) = control(&conn, "RELEASE request") {
        rollback(&conn, group);
        return Err(err.into());
    }
    let joined = {
        let mut state = group.state();
        let young = state.opened.is_some_and(|at| at.elapsed() < MAX_AGE);
        (group.others_waiting() && young && state.members.len() < MAX_MEMBERS).then(|| {
            let (told, outcome) = oneshot::channel();
            state.members.push(told);
            outcome
        })
    };
    let Some(outcome) = joined else {
        return settle(&conn, group);
    };
    drop(conn);
    match outcome.await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(reason)) => Err(DbError::GroupCommit(reason)),
        Err(_) => Err(DbError::GroupCommit("the writer went away".into())),
    }
}

/// Undoes this request's work and nothing else; the last of a group then commits the
/// others'. Called when a transaction is dropped unfinished.
pub fn rollback(conn: &Connection, group: &Group) {
    let undone = !conn.is_autocommit()
        && conn
            .execute_batch("ROLLBACK TO request; RELEASE request")
            .is_ok();
    if !undone {
        // SQLite ended the whole transaction (an I/O error, a full disk): the group's work is
        // gone with it, and its members must not be told otherwise
        if !conn.is_autocommit() {
            let _ = conn.execute_batch("ROLLBACK");
        }
        fail(
            group,
            "the shared transaction was rolled back after an error",
        );
        return;
    }
    if !group.others_waiting() {
        let _ = settle(conn, group);
    }
}

/// Commits the open group, if any, and tells its members the outcome. Whoever takes the writer
/// for anything but a request's transaction calls this first.
pub fn settle(conn: &Connection, group: &Group) -> Result<(), DbError> {
    let members = group.end();
    if conn.is_autocommit() {
        // nothing open: an earlier settle committed what there was
        return Ok(());
    }
    let committed = control(conn, "COMMIT");
    group.commits.fetch_add(1, Ordering::Relaxed);
    if committed.is_err() && !conn.is_autocommit() {
        let _ = conn.execute_batch("ROLLBACK");
    }
    let outcome = committed.as_ref().copied().map_err(ToString::to_string);
    for member in members {
        let _ = member.send(outcome.clone());
    }
    committed?;
    if group.wal_long.swap(false, Ordering::Relaxed) {
        // no write can run meanwhile: this catches the WAL up, and the next write starts it
        // over; a failure only leaves that to the next try
        if let Err(err) = super::checkpoint::passive(conn) {
            tracing::warn!(error = %err, "catching up the WAL failed");
        }
    }
    Ok(())
}

/// Runs one transaction-control statement, prepared once per connection: a request runs
/// three or four of them, and `execute_batch` parses its text afresh each time (about 8,000
/// instructions a request, callgrind).
pub(super) fn control(conn: &Connection, sql: &str) -> rusqlite::Result<()> {
    conn.prepare_cached(sql)?.execute([]).map(drop)
}

fn fail(group: &Group, reason: &str) {
    for member in group.end() {
        let _ = member.send(Err(reason.to_owned()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn writer() -> (tempfile::TempDir, Arc<Mutex<Connection>>, Arc<Group>) {
        let dir = tempfile::tempdir().expect("dir");
        let conn = Connection::open(dir.path().join("g.db")).expect("open");
        conn.execute_batch("PRAGMA journal_mode = WAL; CREATE TABLE t (v INTEGER UNIQUE)")
            .expect("schema");
        (dir, Arc::new(Mutex::new(conn)), Arc::default())
    }

    fn values(conn: &Connection) -> Vec<i64> {
        let mut statement = conn.prepare("SELECT v FROM t ORDER BY v").expect("select");
        let rows = statement.query_map([], |row| row.get(0)).expect("rows");
        rows.collect::<Result<_, _>>().expect("values")
    }

    /// Inserts `v` (every fifth also breaks the unique key and gives up); answers whether it
    /// kept its work.
    async fn request(writer: Arc<Mutex<Connection>>, group: Arc<Group>, v: i64) -> bool {
        let conn = begin(&writer, &group).await.expect("begin");
        conn.execute("INSERT INTO t VALUES (?1)", [v])
            .expect("insert");
        // the others queue for the writer meanwhile
        tokio::task::yield_now().await;
        if v % 5 == 0 {
            assert!(conn.execute("INSERT INTO t VALUES (?1)", [v]).is_err());
            rollback(&conn, &group);
            return false;
        }
        commit(conn, &group).await.expect("committed");
        true
    }

    #[tokio::test]
    async fn a_refused_write_among_queued_good_ones_undoes_only_itself_and_one_commit_serves_many()
    {
        let (_dir, writer, group) = writer();
        let requests: Vec<_> = (1..=40)
            .map(|v| tokio::spawn(request(writer.clone(), group.clone(), v)))
            .collect();
        let mut kept = Vec::new();
        for (v, request) in (1..=40).zip(requests) {
            let answered = tokio::time::timeout(Duration::from_secs(5), request).await;
            if answered.expect("answered").expect("request") {
                kept.push(v);
            }
        }
        assert_eq!(values(&*writer.lock().await), kept);
        assert_eq!(kept.len(), 32);
        assert!(group.commits() < 8, "{} commits", group.commits());
        assert!(writer.lock().await.is_autocommit(), "a group was left open");
    }

    #[tokio::test]
    async fn a_group_left_open_for_a_request_that_is_cancelled_is_committed_all_the_same() {
        let (_dir, writer, group) = writer();
        let (go, went) = oneshot::channel::<()>();
        let first = tokio::spawn({
            let (writer, group) = (writer.clone(), group.clone());
            async move {
                let conn = begin(&writer, &group).await.expect("begin");
                conn.execute("INSERT INTO t VALUES (1)", [])
                    .expect("insert");
                went.await.expect("go");
                commit(conn, &group).await
            }
        });
        tokio::task::yield_now().await;
        // the second queues for the writer (polled by hand, so that it runs only when told)
        let mut second = Box::pin(begin(&writer, &group));
        assert!(futures::poll!(&mut second).is_pending());
        assert_eq!(group.waiting.load(Ordering::Acquire), 1);
        go.send(()).expect("go");
        // the first leaves the group open for the second and waits for its commit ...
        while group.state().members.is_empty() {
            tokio::task::yield_now().await;
        }
        // ... which never comes: the second is cancelled, never having run
        drop(second);
        let committed = tokio::time::timeout(Duration::from_secs(5), first)
            .await
            .expect("the first was answered")
            .expect("task");
        assert!(committed.is_ok(), "{committed:?}");
        assert_eq!(values(&*writer.lock().await), vec![1]);
    }
}
