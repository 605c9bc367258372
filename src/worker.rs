//! The job worker: runs pending delivery jobs of every account, oldest first. It wakes when
//! this server accepts a job, and otherwise looks every second, so it also picks up jobs that
//! another server accepted or that were pending when this one started. Several workers, in
//! one process or many on one PostgreSQL, are safe: a job is done in the transaction that takes
//! it off `pending` (see `service::delivery::process`).

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;

use crate::db::{jobs, Db};
use crate::service::delivery;

/// Jobs per look.
const BATCH: i64 = 100;
/// How long a worker sleeps when nothing wakes it.
const POLL: Duration = Duration::from_secs(1);

/// Wakes the workers when a job is accepted.
#[derive(Debug, Default)]
pub struct Queue {
    notify: Notify,
}

impl Queue {
    pub fn wake(&self) {
        self.notify.notify_waiters();
    }
}

/// Starts `count` workers on the current runtime.
pub fn spawn(db: &Db, queue: &Arc<Queue>, count: usize) {
    for _ in 0..count {
        let (db, queue) = (db.clone(), queue.clone());
        tokio::spawn(async move { run(db, queue).await });
    }
}

async fn run(db: Db, queue: Arc<Queue>) {
    loop {
        // register interest before looking, so a job accepted meanwhile is not missed
        let woken = queue.notify.notified();
        tokio::pin!(woken);
        woken.as_mut().enable();
        let full = match jobs::pending(&db, BATCH).await {
            Ok(pending) => {
                for job in &pending {
                    if let Err(e) = delivery::process(&db, job.account_id, job.id).await {
                        tracing::warn!(account_id = %job.account_id, job_id = %job.id, error = %e, "job left pending");
                    }
                }
                i64::try_from(pending.len()).unwrap_or(i64::MAX) == BATCH
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot look for jobs");
                false
            }
        };
        if !full {
            let _ = tokio::time::timeout(POLL, woken).await;
        }
    }
}

/// Starts the webhook sender: a round whenever a committed transaction recorded events, and
/// otherwise every second (for retries that come due, and events other servers recorded).
pub fn spawn_webhooks(db: &Db, sender: crate::service::webhook_delivery::Sender) {
    let purging = db.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(PURGE_EVERY);
        loop {
            tick.tick().await;
            let now = crate::domain::time::now_unix();
            match crate::service::webhook_delivery::purge(&purging, now).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(purged = n, "webhook deliveries past retention forgotten"),
                Err(e) => tracing::warn!(error = %e, "webhook log purge failed"),
            }
        }
    });
    let db = db.clone();
    tokio::spawn(async move {
        loop {
            let woken = crate::db::webhooks::OUTBOX.notified();
            tokio::pin!(woken);
            woken.as_mut().enable();
            let now = crate::domain::time::now_millis();
            match crate::service::webhook_delivery::round(&db, &sender, now).await {
                // a busy round may have left more due: look again at once
                Ok(attempts) if attempts > 0 => continue,
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "cannot look for webhook deliveries"),
            }
            if tokio::time::timeout(POLL, woken).await.is_ok() {
                // woken by a commit: let the commits of the next moments join this round, so a
                // busy till's receipts go out many to a round (two writes a round), not one
                tokio::time::sleep(GATHER).await;
            }
        }
    });
}

/// How often the webhook log is purged of what is past its retention.
const PURGE_EVERY: Duration = Duration::from_hours(1);

/// How long the webhook sender waits after a commit wakes it, gathering what follows: a
/// receiver hears of a change within about this long, and a busy till pays for a round a
/// few hundred receipts.
const GATHER: Duration = Duration::from_millis(200);

/// How often the planner statistics are looked at (PostgreSQL).
const STATISTICS_EVERY: Duration = Duration::from_secs(10);

/// Keeps PostgreSQL's planner statistics fresh (see [`crate::db::statistics`]); nothing on
/// SQLite.
pub fn spawn_statistics(db: &Db) {
    if db.backend() != crate::db::Backend::Postgres {
        return;
    }
    let db = db.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(STATISTICS_EVERY);
        loop {
            tick.tick().await;
            match crate::db::statistics::refresh(&db).await {
                Ok(0) => {}
                Ok(n) => tracing::debug!(tables = n, "planner statistics refreshed"),
                Err(e) => tracing::warn!(error = %e, "cannot refresh planner statistics"),
            }
        }
    });
}
