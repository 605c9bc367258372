//! The database layer's one error type.

/// A failure below the service layer. Unique violations are told apart because callers turn
/// them into "already exists" answers; everything else is an internal failure.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("unique constraint violated: {0}")]
    UniqueViolation(String),
    #[error("database error: {0}")]
    Sqlx(sqlx::Error),
    #[error("database error: {0}")]
    Sqlite(rusqlite::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("corrupt value in {column}: {value}")]
    Corrupt { column: &'static str, value: String },
    /// The commit a request's write shared with others failed (see `db::group`).
    #[error("the commit shared with other writes failed: {0}")]
    GroupCommit(String),
    /// What this backend does not do (the message says what to use instead).
    #[error("{0}")]
    Unsupported(&'static str),
}

impl From<sqlx::Error> for DbError {
    fn from(err: sqlx::Error) -> Self {
        match &err {
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                DbError::UniqueViolation(db.message().to_owned())
            }
            _ => DbError::Sqlx(err),
        }
    }
}

impl From<rusqlite::Error> for DbError {
    fn from(err: rusqlite::Error) -> Self {
        match &err {
            rusqlite::Error::SqliteFailure(code, message)
                if code.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                    || code.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY =>
            {
                DbError::UniqueViolation(message.clone().unwrap_or_else(|| err.to_string()))
            }
            _ => DbError::Sqlite(err),
        }
    }
}
