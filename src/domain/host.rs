//! Which account a request's `Host` header names (API.md §0, tenancy).

/// The account named by a `Host` header value: the first label of a name with at least two
/// labels (`demo.localhost:8080` → `demo`). An IP address or a single label (`localhost`) names
/// no account, and then the API key alone decides.
pub fn account_from_host(host: &str) -> Option<String> {
    let host = host.trim();
    if host.starts_with('[') {
        return None; // an IPv6 literal, with or without a port
    }
    let name = host.rsplit_once(':').map_or(host, |(name, _port)| name);
    let name = name.trim_end_matches('.');
    if name.parse::<std::net::IpAddr>().is_ok() {
        return None;
    }
    let (first, _rest) = name.split_once('.')?;
    (!first.is_empty()).then(|| first.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::account_from_host;

    #[test]
    fn subdomain_names_the_account() {
        assert_eq!(
            account_from_host("demo.localhost:8080").as_deref(),
            Some("demo")
        );
        assert_eq!(
            account_from_host("Demo.caffesta.example").as_deref(),
            Some("demo")
        );
        assert_eq!(
            account_from_host("touchar2.caffesta.com:443").as_deref(),
            Some("touchar2")
        );
    }

    #[test]
    fn ip_addresses_and_single_labels_name_no_account() {
        for host in [
            "127.0.0.1:8080",
            "127.0.0.1",
            "[::1]:8080",
            "localhost",
            "localhost:8080",
            "",
        ] {
            assert_eq!(account_from_host(host), None, "{host}");
        }
    }
}
