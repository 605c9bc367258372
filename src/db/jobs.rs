//! Queries on the durable job queue. A job leaves `pending` only inside the transaction that
//! does its work, so it is done exactly once.

use super::{Db, DbError, Query, Scalar, Tx};
use crate::domain::ids::{AccountId, JobId};
use crate::domain::sales::JobStatus;
use crate::{from_row, params};

/// A job's state as its status endpoint shows it.
#[derive(Debug, Clone)]
pub struct JobRow {
    pub id: JobId,
    pub status: JobStatus,
    pub message: String,
}

from_row!(JobRow {
    id,
    status,
    message
});

pub async fn insert(
    tx: &mut Tx,
    account_id: AccountId,
    job: &JobRow,
    kind: &str,
    payload: &str,
    now: i64,
) -> Result<(), DbError> {
    tx.run(
        "INSERT INTO jobs (account_id, id, kind, payload, status, message, created_at, updated_at) \
         VALUES (:account_id, :id, :kind, :payload, :status, :message, :now, :now)",
        params! {
            account_id,
            id: job.id,
            kind,
            payload,
            status: job.status,
            message: &job.message,
            now,
        },
    )
    .await?;
    Ok(())
}

/// Takes a pending job for this transaction (its row stays locked until commit on PostgreSQL)
/// and returns its payload; `None` when it is no longer pending.
pub async fn claim(
    tx: &mut Tx,
    account_id: AccountId,
    id: JobId,
    now: i64,
) -> Result<Option<String>, DbError> {
    let payload: Option<Scalar<String>> = tx
        .optional(
            "UPDATE jobs SET updated_at = :now \
             WHERE account_id = :account_id AND id = :id AND status = 'pending' RETURNING payload AS value",
            params! { account_id, id, now },
        )
        .await?;
    Ok(payload.map(|Scalar(payload)| payload))
}

/// Ends a pending job with `status` and `message`; false when it was not pending.
pub async fn finish(
    tx: &mut Tx,
    account_id: AccountId,
    id: JobId,
    status: JobStatus,
    message: &str,
    now: i64,
) -> Result<bool, DbError> {
    let done = tx
        .run(
            "UPDATE jobs SET status = :status, message = :message, updated_at = :now \
             WHERE account_id = :account_id AND id = :id AND status = 'pending'",
            params! { account_id, id, status, message, now },
        )
        .await?;
    Ok(done == 1)
}

pub async fn find(db: &Db, account_id: AccountId, id: JobId) -> Result<Option<JobRow>, DbError> {
    db.read()
        .await
        .optional(
            "SELECT id, status, message FROM jobs WHERE account_id = :account_id AND id = :id",
            params! { account_id, id },
        )
        .await
}

/// A pending job of some account.
#[derive(Debug, Clone, Copy)]
pub struct PendingJob {
    pub account_id: AccountId,
    pub id: JobId,
}

from_row!(PendingJob { account_id, id });

/// Up to `limit` pending jobs of every account, oldest first.
pub async fn pending(db: &Db, limit: i64) -> Result<Vec<PendingJob>, DbError> {
    db.read()
        .await
        .all(
            "SELECT account_id, id FROM jobs WHERE status = 'pending' \
             ORDER BY created_at, account_id, id LIMIT :limit",
            params! { limit },
        )
        .await
}

/// A job as the admin API lists it.
#[derive(Debug, Clone)]
pub struct ListedJob {
    pub id: JobId,
    pub kind: String,
    pub status: JobStatus,
    pub message: String,
    pub created_at: i64,
    pub updated_at: i64,
}

from_row!(ListedJob {
    id,
    kind,
    status,
    message,
    created_at,
    updated_at
});

/// The account's jobs (in one status, or all), newest first: `limit` of them after `offset`,
/// and how many there are.
pub async fn listed(
    db: &Db,
    account_id: AccountId,
    status: Option<JobStatus>,
    limit: i64,
    offset: i64,
) -> Result<(i64, Vec<ListedJob>), DbError> {
    const WHERE: &str = "FROM jobs WHERE account_id = :account_id \
                         AND (:status IS NULL OR status = :status)";
    let status = status.map(|s| s.as_str().to_owned());
    let mut reader = db.read().await;
    let total: Scalar<i64> = reader
        .one(
            &format!("SELECT COUNT(*) AS value {WHERE}"),
            params! { account_id, status: status.clone() },
        )
        .await?;
    let rows = reader
        .all(
            &format!(
                "SELECT id, kind, status, message, created_at, updated_at {WHERE} \
                 ORDER BY id DESC LIMIT :limit OFFSET :offset"
            ),
            params! { account_id, status, limit, offset },
        )
        .await?;
    Ok((total.0, rows))
}
