//! API keys: how they are made, and the only form in which they are kept (a SHA-256 digest).
//!
//! Keys are 128 random bits, so a fast digest is enough to make a stolen database useless
//! (unlike passwords, they cannot be guessed from a dictionary), and it keeps authentication
//! cheap on every request.

use rand::RngCore;
use sha2::{Digest, Sha256};

crate::domain::sales::vocabulary! {
    /// What a key allows: the integration API, a point of sale's terminal API, or
    /// administration.
    Scope {
        Api = "api",
        Terminal = "terminal",
        Admin = "admin",
    }
}

/// A new random key, 32 lowercase hex characters like the vendor's.
pub fn generate() -> String {
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// The digest under which a key is stored and looked up.
pub fn digest(key: &str) -> String {
    hex::encode(Sha256::digest(key.as_bytes()))
}

/// The first characters of a key, kept so that `key list` can tell keys apart.
pub fn prefix(key: &str) -> String {
    key.chars().take(6).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_random_hex_and_stored_only_as_digest() {
        let (a, b) = (generate(), generate());
        assert_eq!(a.len(), 32);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
        assert_eq!(digest(&a).len(), 64);
        assert_ne!(digest(&a), digest(&b));
        assert!(!digest(&a).contains(&a));
    }

    #[test]
    fn scope_round_trips() {
        for scope in [Scope::Api, Scope::Terminal, Scope::Admin] {
            assert_eq!(Scope::parse(scope.as_str()), Some(scope));
        }
        assert_eq!(Scope::parse("root"), None);
    }
}
