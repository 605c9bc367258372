//! Rules for names that an administrator gives.

/// Account names appear as the first label of a host name, so they follow DNS label rules:
/// 1–63 of `a-z`, `0-9`, `-`, not starting or ending with `-`. Stored lowercase.
pub fn parse_account_name(name: &str) -> Result<String, String> {
    let lower = name.trim().to_ascii_lowercase();
    let valid = !lower.is_empty()
        && lower.len() <= 63
        && lower
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !lower.starts_with('-')
        && !lower.ends_with('-');
    if valid {
        Ok(lower)
    } else {
        Err(format!(
            "account name {name:?} must be 1-63 letters, digits or '-' (it is used as a host name label)"
        ))
    }
}

/// Object names (storages, shops, taxes…): non-empty after trimming, at most 255 characters.
pub fn parse_object_name(name: &str) -> Result<String, String> {
    let trimmed = name.trim();
    if trimmed.is_empty() {
        return Err("name must not be empty".into());
    }
    if trimmed.chars().count() > 255 {
        return Err("name must be at most 255 characters".into());
    }
    Ok(trimmed.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_names_are_host_labels() {
        assert_eq!(parse_account_name("Demo").as_deref(), Ok("demo"));
        assert_eq!(parse_account_name("cafe-42").as_deref(), Ok("cafe-42"));
        for bad in ["", "-a", "a-", "a.b", "кафе", "a b", &"x".repeat(64)] {
            assert!(parse_account_name(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn object_names_are_trimmed_and_not_empty() {
        assert_eq!(parse_object_name("  Склад  ").as_deref(), Ok("Склад"));
        assert!(parse_object_name("   ").is_err());
    }
}
