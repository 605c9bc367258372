//! Queries on the durable job queue. A job leaves `pending` only inside the transaction that
//! does its work, so it is done exactly once.

use super::{Db, DbError, Tx};
use crate::domain::ids::AccountId;

/// A job's state as its status endpoint shows it.
#[derive(Debug, Clone)]
pub struct JobRow {
    pub id: i64,
    pub status: String,
    pub message: String,
}

pub async fn insert(
    tx: &mut Tx,
    account_id: AccountId,
    job: &JobRow,
    kind: &str,
    payload: &str,
    now: i64,
) -> Result<(), DbError> {
    tx.execute(
        "INSERT INTO jobs (account_id, id, kind, payload, status, message, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
        &[
            account_id.into(),
            job.id.into(),
            kind.into(),
            payload.into(),
            job.status.as_str().into(),
            job.message.as_str().into(),
            now.into(),
        ],
    )
    .await?;
    Ok(())
}

/// Takes a pending job for this transaction (its row stays locked until commit on PostgreSQL)
/// and returns its payload; `None` when it is no longer pending.
pub async fn claim(
    tx: &mut Tx,
    account_id: AccountId,
    id: i64,
    now: i64,
) -> Result<Option<String>, DbError> {
    let row = tx
        .fetch_optional(
            "UPDATE jobs SET updated_at = $3 WHERE account_id = $1 AND id = $2 AND status = 'pending' RETURNING payload",
            &[account_id.into(), id.into(), now.into()],
        )
        .await?;
    row.map(|r| r.text(0)).transpose()
}

/// Ends a pending job with `status` and `message`; false when it was not pending.
pub async fn finish(
    tx: &mut Tx,
    account_id: AccountId,
    id: i64,
    status: &str,
    message: &str,
    now: i64,
) -> Result<bool, DbError> {
    let done = tx
        .execute(
            "UPDATE jobs SET status = $3, message = $4, updated_at = $5 WHERE account_id = $1 AND id = $2 AND status = 'pending'",
            &[account_id.into(), id.into(), status.into(), message.into(), now.into()],
        )
        .await?;
    Ok(done == 1)
}

pub async fn find(db: &Db, account_id: AccountId, id: i64) -> Result<Option<JobRow>, DbError> {
    let row = db
        .read()
        .await
        .fetch_optional(
            "SELECT id, status, message FROM jobs WHERE account_id = $1 AND id = $2",
            &[account_id.into(), id.into()],
        )
        .await?;
    row.map(|r| {
        Ok(JobRow {
            id: r.int(0)?,
            status: r.text(1)?,
            message: r.text(2)?,
        })
    })
    .transpose()
}

/// Up to `limit` pending jobs of every account, oldest first: (account id, job id).
pub async fn pending(db: &Db, limit: i64) -> Result<Vec<(AccountId, i64)>, DbError> {
    let rows = db
        .read()
        .await
        .fetch_all(
            "SELECT account_id, id FROM jobs WHERE status = 'pending' ORDER BY created_at, account_id, id LIMIT $1",
            &[limit.into()],
        )
        .await?;
    rows.iter()
        .map(|r| Ok((AccountId::new(r.int(0)?), r.int(1)?)))
        .collect()
}
