//! What stock documents (invoices, transfers, adjustments) share in the database: a header
//! table with a wired flag, a document date and who changed it when. A kind of document is
//! its [`Table`]: the name of the header table and how its headers are read.

use std::marker::PhantomData;

use super::accounts::Lock;
use super::{Db, DbError, FromRow, Query, Scalar, Tx};
use crate::domain::ids::{AccountId, Id};
use crate::params;

/// A kind of document's header table: its name, the `SELECT … FROM {name} <alias> …` that
/// reads a header (a [`FromRow`] `T`) before any condition, and the table's alias in it.
pub struct Table<T: 'static> {
    pub name: &'static str,
    pub select: &'static str,
    pub alias: &'static str,
    row: PhantomData<fn() -> T>,
}

impl<T> Table<T> {
    pub const fn new(name: &'static str, select: &'static str, alias: &'static str) -> Self {
        Table {
            name,
            select,
            alias,
            row: PhantomData,
        }
    }
}

impl<T: FromRow + Send> Table<T> {
    /// Sets the wired flag from `!wired` to `wired`; false when the document was not in that
    /// state (or does not exist). The conditional update is what makes concurrent wires safe:
    /// the row lock lets exactly one of them change it.
    pub async fn set_wired(
        &self,
        tx: &mut Tx,
        account_id: AccountId,
        id: impl Id,
        wired: bool,
        by: i64,
        now: i64,
    ) -> Result<bool, DbError> {
        let sql = format!(
            "UPDATE {} SET wired = :wired, updated_at = :now, updated_by = :by \
             WHERE account_id = :account_id AND id = :id AND wired = 1 - :wired",
            self.name
        );
        let id = id.get();
        let done = tx
            .run(&sql, params! { account_id, id, wired, now, by })
            .await?;
        Ok(done == 1)
    }

    pub async fn exists(
        &self,
        q: &mut impl Query,
        account_id: AccountId,
        id: impl Id,
    ) -> Result<bool, DbError> {
        let sql = format!(
            "SELECT 1 FROM {} WHERE account_id = :account_id AND id = :id",
            self.name
        );
        q.exists(&sql, params! { account_id, id: id.get() }).await
    }

    /// The date of document `id` (`None` when there is none).
    pub async fn doc_date(
        &self,
        q: &mut impl Query,
        account_id: AccountId,
        id: impl Id,
    ) -> Result<Option<i64>, DbError> {
        let sql = format!(
            "SELECT doc_date AS value FROM {} WHERE account_id = :account_id AND id = :id",
            self.name
        );
        let date: Option<Scalar<i64>> = q
            .optional(&sql, params! { account_id, id: id.get() })
            .await?;
        Ok(date.map(|Scalar(date)| date))
    }

    /// The date of document `id` with its account's lock, in one statement: wiring needs
    /// both, and each statement of a five-line invoice's wiring is measurable.
    pub async fn doc_date_and_lock(
        &self,
        q: &mut impl Query,
        account_id: AccountId,
        id: impl Id,
    ) -> Result<Option<(i64, Lock)>, DbError> {
        struct Found {
            doc_date: i64,
            lock: Lock,
        }
        impl FromRow for Found {
            fn from_row(r: &mut super::Row) -> Result<Self, DbError> {
                Ok(Found {
                    doc_date: r.get("doc_date")?,
                    lock: Lock::from_row(r)?,
                })
            }
        }
        let sql = format!(
            "SELECT d.doc_date, a.timezone, a.lock_date, a.counted_through FROM {} d \
             JOIN accounts a ON a.id = d.account_id \
             WHERE d.account_id = :account_id AND d.id = :id",
            self.name
        );
        let found: Option<Found> = q
            .optional(&sql, params! { account_id, id: id.get() })
            .await?;
        Ok(found.map(|f| (f.doc_date, f.lock)))
    }

    /// The header of document `id`.
    pub async fn find(
        &self,
        q: &mut impl Query,
        account_id: AccountId,
        id: impl Id,
    ) -> Result<Option<T>, DbError> {
        let a = self.alias;
        let sql = format!(
            "{} WHERE {a}.account_id = :account_id AND {a}.id = :id",
            self.select
        );
        q.optional(&sql, params! { account_id, id: id.get() }).await
    }

    /// The headers of documents dated in `[from, to)`, by date then id.
    pub async fn list(
        &self,
        db: &Db,
        account_id: AccountId,
        from: i64,
        to: i64,
    ) -> Result<Vec<T>, DbError> {
        let a = self.alias;
        let sql = format!(
            "{} WHERE {a}.account_id = :account_id AND {a}.doc_date >= :from AND {a}.doc_date < :to \
             ORDER BY {a}.doc_date, {a}.id",
            self.select
        );
        db.read()
            .await
            .all(&sql, params! { account_id, from, to })
            .await
    }
}
