//! Users of the admin web UI (API.md §10): their roles, what each role may do, the rules a
//! login and a password must meet, and the sign-in throttle.
//!
//! Passwords are hashed with Argon2id (memory-hard: a stolen database cannot be searched with
//! a GPU the way a fast digest can). Session tokens, like API keys, are random and kept only
//! as a SHA-256 digest.

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, SaltString};
use argon2::{Argon2, PasswordVerifier};

crate::domain::sales::vocabulary! {
    /// What a user may do: `owner` everything; `manager` everything but users, keys and
    /// webhooks; `accountant` documents and reports; `viewer` read only.
    Role {
        Owner = "owner",
        Manager = "manager",
        Accountant = "accountant",
        Viewer = "viewer",
    }
}

/// The parts of the back office a role may change (everyone signed in may read every page
/// but those of [`Area::Access`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    /// Stock documents: create, wire, unwire.
    Documents,
    /// Products, prices, tech maps, menus, the stop list.
    Catalog,
    /// Storages, shops, taxes, payment types, employees, the account's settings.
    Settings,
    /// The day's service: delivery orders moved along their flow.
    Sales,
    /// Users, API keys and webhooks: who and what can reach the account.
    Access,
}

impl Role {
    /// Whether this role may change `area`.
    pub fn may_change(self, area: Area) -> bool {
        match self {
            Role::Owner => true,
            Role::Manager => area != Area::Access,
            Role::Accountant => area == Area::Documents,
            Role::Viewer => false,
        }
    }

    /// Whether this role may see `area`'s pages (access pages hold secrets' metadata and
    /// delivery logs: the owner's alone).
    pub fn may_see(self, area: Area) -> bool {
        area != Area::Access || self == Role::Owner
    }
}

/// The shortest password accepted.
pub const MIN_PASSWORD: usize = 8;

/// Checks a login: 1–64 characters of letters, digits, `.`, `_`, `-` and `@`.
pub fn check_login(login: &str) -> Result<(), &'static str> {
    let ok = !login.is_empty()
        && login.chars().count() <= 64
        && login
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'));
    if ok {
        Ok(())
    } else {
        Err("a login is 1 to 64 letters, digits, '.', '_', '-' or '@'")
    }
}

/// Checks a new password's length (in characters) and hashes it (Argon2id, random salt).
pub fn hash_password(password: &str) -> Result<String, &'static str> {
    if password.chars().count() < MIN_PASSWORD {
        return Err("a password has at least 8 characters");
    }
    if password.len() > 1024 {
        return Err("a password has at most 1024 bytes");
    }
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|_| "the password could not be hashed")
}

/// Whether `password` matches a stored hash (a malformed hash matches nothing).
pub fn verify_password(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|hash| {
        Argon2::default()
            .verify_password(password.as_bytes(), &hash)
            .is_ok()
    })
}

/// A hash that no password matches, verified against when a login does not exist so that an
/// unknown login takes as long to refuse as a wrong password.
pub fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| {
        let mut secret = [0u8; 24];
        rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut secret);
        hash_password(&hex::encode(secret)).unwrap_or_default()
    })
}

/// The sign-in throttle: after [`MAX_FAILURES`] failed attempts for one login within
/// [`WINDOW_SECONDS`], further attempts are refused until the window has passed since the
/// first of them.
pub const MAX_FAILURES: i64 = 5;
/// See [`MAX_FAILURES`].
pub const WINDOW_SECONDS: i64 = 15 * 60;

/// Seconds until a login may try again, given its failures in the current window and when
/// the window started; `None`: it may try now.
pub fn throttled_for(failures: i64, window_start: i64, now: i64) -> Option<i64> {
    let ends = window_start + WINDOW_SECONDS;
    (failures >= MAX_FAILURES && now < ends).then_some(ends - now)
}

/// How long a session lasts without use, and at most.
pub const SESSION_IDLE_SECONDS: i64 = 12 * 60 * 60;
/// See [`SESSION_IDLE_SECONDS`].
pub const SESSION_MAX_SECONDS: i64 = 30 * 24 * 60 * 60;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_role_changes_only_its_areas() {
        use Area::*;
        let all = [Documents, Catalog, Settings, Sales, Access];
        let may =
            |role: Role| -> Vec<Area> { all.into_iter().filter(|a| role.may_change(*a)).collect() };
        assert_eq!(may(Role::Owner), all.to_vec());
        assert_eq!(
            may(Role::Manager),
            vec![Documents, Catalog, Settings, Sales]
        );
        assert_eq!(may(Role::Accountant), vec![Documents]);
        assert!(may(Role::Viewer).is_empty());
        assert!(Role::Owner.may_see(Access));
        assert!(!Role::Manager.may_see(Access));
        assert!(Role::Viewer.may_see(Documents));
    }

    #[test]
    fn passwords_are_hashed_salted_and_verified() {
        let a = hash_password("correct horse").expect("test value");
        let b = hash_password("correct horse").expect("test value");
        assert_ne!(a, b, "salted");
        assert!(a.starts_with("$argon2id$"));
        assert!(!a.contains("correct"));
        assert!(verify_password("correct horse", &a));
        assert!(!verify_password("correct horsf", &a));
        assert!(!verify_password("anything", "not a hash"));
        assert!(!verify_password("anything", decoy_hash()));
        assert_eq!(
            hash_password("short"),
            Err("a password has at least 8 characters")
        );
    }

    #[test]
    fn logins_are_plain_names() {
        assert!(check_login("anna.k@cafe").is_ok());
        assert!(check_login("").is_err());
        assert!(check_login("a b").is_err());
        assert!(check_login("<script>").is_err());
    }

    #[test]
    fn throttle_opens_when_the_window_passes() {
        assert_eq!(throttled_for(4, 1000, 1001), None);
        assert_eq!(throttled_for(5, 1000, 1001), Some(WINDOW_SECONDS - 1));
        assert_eq!(throttled_for(9, 1000, 1000 + WINDOW_SECONDS), None);
    }
}
