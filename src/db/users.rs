//! Queries on the admin UI's users, their sessions and the sign-in throttle. Passwords reach
//! this module only as Argon2id hashes, session tokens only as SHA-256 digests.

use super::{ids, Column, Db, DbError, Query, Row, Tx};
use crate::domain::ids::{AccountId, UserId};
use crate::domain::user::Role;
use crate::{from_row, params};

/// A role is stored as its word; another word is corrupt.
impl Column for Role {
    fn read(row: &Row, name: &str) -> Result<Self, DbError> {
        let word: String = row.get(name)?;
        Role::parse(&word).ok_or(DbError::Corrupt {
            column: "users.role",
            value: word,
        })
    }
}

/// A user as lists show it.
#[derive(Debug, Clone)]
pub struct UserRow {
    pub id: UserId,
    pub login: String,
    pub role: Role,
    pub disabled: bool,
    pub created_at: i64,
}

from_row!(UserRow {
    id,
    login,
    role,
    disabled,
    created_at
});

/// A user as signing in needs it.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub id: UserId,
    pub role: Role,
    pub disabled: bool,
    pub password_hash: String,
}

from_row!(Credentials {
    id,
    role,
    disabled,
    password_hash
});

/// Inserts a user; `None` when the account already has that login.
pub async fn insert(
    tx: &mut Tx,
    account_id: AccountId,
    login: &str,
    password_hash: &str,
    role: Role,
    now: i64,
) -> Result<Option<UserId>, DbError> {
    let taken = tx
        .exists(
            "SELECT 1 FROM users WHERE account_id = :account_id AND login = :login",
            params! { account_id, login },
        )
        .await?;
    if taken {
        return Ok(None);
    }
    let id = UserId::new(ids::next(tx, account_id, ids::Kind::User).await?);
    tx.run(
        "INSERT INTO users (account_id, id, login, password_hash, role, created_at, updated_at) \
         VALUES (:account_id, :id, :login, :password_hash, :role, :now, :now)",
        params! { account_id, id, login, password_hash, role: role.as_str(), now },
    )
    .await?;
    Ok(Some(id))
}

/// Sets a user's password (and enables it); false when the account has no such login.
pub async fn set_password(
    tx: &mut Tx,
    account_id: AccountId,
    login: &str,
    password_hash: &str,
    now: i64,
) -> Result<bool, DbError> {
    let changed = tx
        .run(
            "UPDATE users SET password_hash = :password_hash, disabled = 0, updated_at = :now \
             WHERE account_id = :account_id AND login = :login",
            params! { account_id, login, password_hash, now },
        )
        .await?;
    Ok(changed == 1)
}

/// The account's users, by id.
pub async fn list(q: &mut impl Query, account_id: AccountId) -> Result<Vec<UserRow>, DbError> {
    q.all(
        "SELECT id, login, role, disabled, created_at FROM users WHERE account_id = :account_id \
         ORDER BY id",
        params! { account_id },
    )
    .await
}

/// The credentials of a login.
pub async fn credentials(
    q: &mut impl Query,
    account_id: AccountId,
    login: &str,
) -> Result<Option<Credentials>, DbError> {
    q.optional(
        "SELECT id, role, disabled, password_hash FROM users \
         WHERE account_id = :account_id AND login = :login",
        params! { account_id, login },
    )
    .await
}

/// Disables a user and ends its sessions; false when the account has no such user.
pub async fn disable(
    tx: &mut Tx,
    account_id: AccountId,
    id: UserId,
    now: i64,
) -> Result<bool, DbError> {
    let changed = tx
        .run(
            "UPDATE users SET disabled = 1, updated_at = :now WHERE account_id = :account_id AND id = :id",
            params! { account_id, id, now },
        )
        .await?;
    tx.run(
        "DELETE FROM sessions WHERE account_id = :account_id AND user_id = :id",
        params! { account_id, id },
    )
    .await?;
    Ok(changed == 1)
}

/// A login's failed sign-ins in its current window: (failures, window start).
pub async fn failures(
    q: &mut impl Query,
    account_id: AccountId,
    login: &str,
) -> Result<Option<(i64, i64)>, DbError> {
    struct Failures {
        failures: i64,
        window_start: i64,
    }
    from_row!(Failures {
        failures,
        window_start
    });
    let row: Option<Failures> = q
        .optional(
            "SELECT failures, window_start FROM signin_failures \
             WHERE account_id = :account_id AND login = :login",
            params! { account_id, login },
        )
        .await?;
    Ok(row.map(|f| (f.failures, f.window_start)))
}

/// Counts a failed sign-in: a new window when the last one started before `window_from`.
pub async fn record_failure(
    tx: &mut Tx,
    account_id: AccountId,
    login: &str,
    now: i64,
    window_from: i64,
) -> Result<(), DbError> {
    tx.run(
        "INSERT INTO signin_failures (account_id, login, failures, window_start) \
         VALUES (:account_id, :login, 1, :now) ON CONFLICT (account_id, login) DO UPDATE SET \
         failures = CASE WHEN signin_failures.window_start < :window_from THEN 1 \
                    ELSE signin_failures.failures + 1 END, \
         window_start = CASE WHEN signin_failures.window_start < :window_from THEN :now \
                        ELSE signin_failures.window_start END",
        params! { account_id, login, now, window_from },
    )
    .await?;
    Ok(())
}

/// Forgets a login's failures (after a successful sign-in).
pub async fn clear_failures(
    tx: &mut Tx,
    account_id: AccountId,
    login: &str,
) -> Result<(), DbError> {
    tx.run(
        "DELETE FROM signin_failures WHERE account_id = :account_id AND login = :login",
        params! { account_id, login },
    )
    .await?;
    Ok(())
}

/// A session to store: the digest of its token, and its CSRF token.
pub struct NewSession<'a> {
    pub token_hash: &'a str,
    pub account_id: AccountId,
    pub user_id: UserId,
    pub csrf: &'a str,
    pub now: i64,
}

pub async fn insert_session(tx: &mut Tx, s: NewSession<'_>) -> Result<(), DbError> {
    tx.run(
        "INSERT INTO sessions (token_hash, account_id, user_id, csrf, created_at, seen_at) \
         VALUES (:token_hash, :account_id, :user_id, :csrf, :now, :now)",
        params! {
            token_hash: s.token_hash,
            account_id: s.account_id,
            user_id: s.user_id,
            csrf: s.csrf,
            now: s.now,
        },
    )
    .await?;
    Ok(())
}

/// A live session: who it signs in, and what its forms must carry.
#[derive(Debug, Clone)]
pub struct SessionRow {
    pub account_id: AccountId,
    pub account_name: String,
    pub timezone: String,
    pub user_id: UserId,
    pub login: String,
    pub role: Role,
    pub csrf: String,
    pub created_at: i64,
    pub seen_at: i64,
}

from_row!(SessionRow {
    account_id,
    account_name,
    timezone,
    user_id,
    login,
    role,
    csrf,
    created_at,
    seen_at
});

/// The session with this token digest, with its user enabled.
pub async fn session(db: &Db, token_hash: &str) -> Result<Option<SessionRow>, DbError> {
    db.read()
        .await
        .optional(
            "SELECT s.account_id, a.name AS account_name, a.timezone, s.user_id, u.login, u.role, \
             s.csrf, s.created_at, s.seen_at FROM sessions s \
             JOIN users u ON u.account_id = s.account_id AND u.id = s.user_id \
             JOIN accounts a ON a.id = s.account_id \
             WHERE s.token_hash = :token_hash AND u.disabled = 0",
            params! { token_hash },
        )
        .await
}

/// Marks a session used now.
pub async fn touch_session(tx: &mut Tx, token_hash: &str, now: i64) -> Result<(), DbError> {
    tx.run(
        "UPDATE sessions SET seen_at = :now WHERE token_hash = :token_hash",
        params! { token_hash, now },
    )
    .await?;
    Ok(())
}

/// Ends a session.
pub async fn end_session(tx: &mut Tx, token_hash: &str) -> Result<(), DbError> {
    tx.run(
        "DELETE FROM sessions WHERE token_hash = :token_hash",
        params! { token_hash },
    )
    .await?;
    Ok(())
}
