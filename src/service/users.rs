//! Users of the admin web UI and their sessions (API.md §10): creating and disabling users,
//! signing in (throttled per login), resolving a session cookie, signing out.
//!
//! Argon2id is deliberately slow (tens of milliseconds of CPU), so hashing and verifying run
//! on the blocking pool, never on the async workers that answer other requests.

use crate::db::users::{self as user_db, NewSession, SessionRow, UserRow};
use crate::db::{self, Db};
use crate::domain::ids::{AccountId, UserId};
use crate::domain::key;
use crate::domain::time;
use crate::domain::user::{self, Role};

use super::{ServiceError, ServiceResult};

/// Creates a user; 422 for a bad login or a short password, 409 when the login is taken.
#[tracing::instrument(skip_all, fields(account = %account_id))]
pub async fn create(
    db: &Db,
    account_id: AccountId,
    login: &str,
    password: &str,
    role: Role,
) -> ServiceResult<UserId> {
    let login = login.trim();
    user::check_login(login).map_err(|e| ServiceError::invalid("login", e))?;
    let hash = hash(password).await?;
    let mut tx = db.begin_write().await?;
    let id = user_db::insert(&mut tx, account_id, login, &hash, role, time::now_unix())
        .await?
        .ok_or_else(|| ServiceError::Conflict(format!("login {login:?} is taken")))?;
    db::commit(tx).await?;
    Ok(id)
}

/// Gives `login` this password, making it (with `role`) when the account has no such user:
/// the sandbox's owner, whose password each `serve --demo` prints afresh.
pub async fn set_or_create(
    db: &Db,
    account_id: AccountId,
    login: &str,
    password: &str,
    role: Role,
) -> ServiceResult<()> {
    let hash = hash(password).await?;
    let mut tx = db.begin_write().await?;
    let now = time::now_unix();
    if !user_db::set_password(&mut tx, account_id, login, &hash, now).await? {
        user_db::insert(&mut tx, account_id, login, &hash, role, now).await?;
    }
    db::commit(tx).await?;
    Ok(())
}

async fn hash(password: &str) -> ServiceResult<String> {
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || user::hash_password(&password))
        .await
        .map_err(|e| ServiceError::Conflict(format!("hashing failed: {e}")))?
        .map_err(|e| ServiceError::invalid("password", e))
}

/// The account's users.
pub async fn list(db: &Db, account_id: AccountId) -> ServiceResult<Vec<UserRow>> {
    Ok(user_db::list(&mut db.read().await, account_id).await?)
}

/// Disables a user and ends its sessions; 404 when the account has no such user.
#[tracing::instrument(skip_all, fields(account = %account_id, user = %id))]
pub async fn disable(db: &Db, account_id: AccountId, id: UserId) -> ServiceResult<()> {
    let mut tx = db.begin_write().await?;
    if !user_db::disable(&mut tx, account_id, id, time::now_unix()).await? {
        return Err(ServiceError::NotFound(format!("no user with id {id}")));
    }
    db::commit(tx).await?;
    Ok(())
}

/// How a sign-in ended.
#[derive(Debug)]
pub enum SignIn {
    /// Signed in: the cookie's token (shown to the browser once, stored as a digest).
    Session { token: String },
    /// Wrong login or password, or a disabled user (the same answer for each, so that it
    /// tells nothing of which logins exist).
    Refused,
    /// Too many failures for this login: try again after this many seconds.
    Throttled { retry_after: i64 },
}

/// Checks a login's password and opens a session.
#[tracing::instrument(skip_all, fields(account = %account_id))]
pub async fn sign_in(
    db: &Db,
    account_id: AccountId,
    login: &str,
    password: &str,
) -> ServiceResult<SignIn> {
    let login = login.trim();
    let now = time::now_unix();
    let mut reader = db.read().await;
    if let Some((failures, start)) = user_db::failures(&mut reader, account_id, login).await? {
        if let Some(retry_after) = user::throttled_for(failures, start, now) {
            return Ok(SignIn::Throttled { retry_after });
        }
    }
    let found = user_db::credentials(&mut reader, account_id, login).await?;
    drop(reader);
    let stored = found
        .as_ref()
        .map_or(user::decoy_hash().to_owned(), |c| c.password_hash.clone());
    let password = password.to_owned();
    let matches = tokio::task::spawn_blocking(move || user::verify_password(&password, &stored))
        .await
        .unwrap_or(false);
    let mut tx = db.begin_write().await?;
    let Some(user) = found.filter(|c| matches && !c.disabled) else {
        let window_from = now - user::WINDOW_SECONDS;
        user_db::record_failure(&mut tx, account_id, login, now, window_from).await?;
        db::commit(tx).await?;
        return Ok(SignIn::Refused);
    };
    user_db::clear_failures(&mut tx, account_id, login).await?;
    let token = key::generate();
    let csrf = key::generate();
    let session = NewSession {
        token_hash: &key::digest(&token),
        account_id,
        user_id: user.id,
        csrf: &csrf,
        now,
    };
    user_db::insert_session(&mut tx, session).await?;
    db::commit(tx).await?;
    Ok(SignIn::Session { token })
}

/// The live session a cookie's token names: `None` when there is none, its user is disabled,
/// or it has expired (unused for 12 hours, or older than 30 days). A session used again
/// more than a minute after it was last marked is marked now.
pub async fn session(db: &Db, token: &str) -> ServiceResult<Option<SessionRow>> {
    let digest = key::digest(token);
    let Some(found) = user_db::session(db, &digest).await? else {
        return Ok(None);
    };
    let now = time::now_unix();
    if now - found.seen_at > user::SESSION_IDLE_SECONDS
        || now - found.created_at > user::SESSION_MAX_SECONDS
    {
        return Ok(None);
    }
    if now - found.seen_at > 60 {
        let mut tx = db.begin_write().await?;
        user_db::touch_session(&mut tx, &digest, now).await?;
        db::commit(tx).await?;
    }
    Ok(Some(found))
}

/// Ends the session a cookie's token names (nothing when there is none).
pub async fn sign_out(db: &Db, token: &str) -> ServiceResult<()> {
    let mut tx = db.begin_write().await?;
    user_db::end_session(&mut tx, &key::digest(token)).await?;
    db::commit(tx).await?;
    Ok(())
}
