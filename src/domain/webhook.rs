//! Webhook rules (API.md §12): the event types, the retry schedule, the signature, and which
//! addresses a delivery may never reach. No I/O: the service and the sender apply them.

use std::net::IpAddr;

use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::document::DocKind;

/// What happened: the `type` of an event, spelled as §12 lists it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EventType {
    InvoiceWired,
    InvoiceUnwired,
    TransferWired,
    TransferUnwired,
    WriteoffWired,
    InventoryWired,
    ReturnWired,
    ReceiptClosed,
    ReceiptAnnulled,
    OrderCreated,
    OrderStatusChanged,
    JobFinished,
    ClientCreated,
    ClientUpdated,
    ProductChanged,
    StopListChanged,
    StockBelowMinimum,
    /// The test event `POST /admin/v1/webhooks/{id}/test` sends; no subscription lists it.
    Ping,
}

impl EventType {
    /// Every type a subscription may list.
    pub const SUBSCRIBABLE: [EventType; 17] = [
        EventType::InvoiceWired,
        EventType::InvoiceUnwired,
        EventType::TransferWired,
        EventType::TransferUnwired,
        EventType::WriteoffWired,
        EventType::InventoryWired,
        EventType::ReturnWired,
        EventType::ReceiptClosed,
        EventType::ReceiptAnnulled,
        EventType::OrderCreated,
        EventType::OrderStatusChanged,
        EventType::JobFinished,
        EventType::ClientCreated,
        EventType::ClientUpdated,
        EventType::ProductChanged,
        EventType::StopListChanged,
        EventType::StockBelowMinimum,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            EventType::InvoiceWired => "invoice.wired",
            EventType::InvoiceUnwired => "invoice.unwired",
            EventType::TransferWired => "transfer.wired",
            EventType::TransferUnwired => "transfer.unwired",
            EventType::WriteoffWired => "writeoff.wired",
            EventType::InventoryWired => "inventory.wired",
            EventType::ReturnWired => "return.wired",
            EventType::ReceiptClosed => "receipt.closed",
            EventType::ReceiptAnnulled => "receipt.annulled",
            EventType::OrderCreated => "order.created",
            EventType::OrderStatusChanged => "order.status_changed",
            EventType::JobFinished => "job.finished",
            EventType::ClientCreated => "client.created",
            EventType::ClientUpdated => "client.updated",
            EventType::ProductChanged => "product.changed",
            EventType::StopListChanged => "stop_list.changed",
            EventType::StockBelowMinimum => "stock.below_minimum",
            EventType::Ping => "ping",
        }
    }

    /// The subscribable type spelled `text`.
    pub fn parse(text: &str) -> Option<EventType> {
        Self::SUBSCRIBABLE.into_iter().find(|t| t.as_str() == text)
    }
}

/// The event that wiring (`true`) or unwiring a document of `kind` emits, if any.
pub fn document_event(kind: DocKind, wired: bool) -> Option<EventType> {
    match (kind, wired) {
        (DocKind::Invoice, true) => Some(EventType::InvoiceWired),
        (DocKind::Invoice, false) => Some(EventType::InvoiceUnwired),
        (DocKind::Move, true) => Some(EventType::TransferWired),
        (DocKind::Move, false) => Some(EventType::TransferUnwired),
        (DocKind::WriteOff, true) => Some(EventType::WriteoffWired),
        (DocKind::Inventory, true) => Some(EventType::InventoryWired),
        (DocKind::Return, true) => Some(EventType::ReturnWired),
        _ => None,
    }
}

impl std::fmt::Display for EventType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Parses a subscription's list (`a,b,…`, spaces allowed): sorted, without repeats; `Err`
/// names the first unknown type. An empty list is refused: it would never fire.
pub fn parse_events<'a>(
    items: impl IntoIterator<Item = &'a str>,
) -> Result<Vec<EventType>, String> {
    let mut types = Vec::new();
    for item in items.into_iter().map(str::trim).filter(|i| !i.is_empty()) {
        types.push(EventType::parse(item).ok_or_else(|| format!("unknown event type {item:?}"))?);
    }
    if types.is_empty() {
        return Err("name at least one event type".into());
    }
    types.sort_unstable();
    types.dedup();
    Ok(types)
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryStatus {
    Pending,
    Delivered,
    Failed,
}

impl DeliveryStatus {
    pub const fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "pending",
            DeliveryStatus::Delivered => "delivered",
            DeliveryStatus::Failed => "failed",
        }
    }

    pub fn parse(text: &str) -> Option<DeliveryStatus> {
        [Self::Pending, Self::Delivered, Self::Failed]
            .into_iter()
            .find(|s| s.as_str() == text)
    }
}

/// How long a delivery is retried, and how long a subscription may fail in a row before it
/// is disabled: 72 hours.
pub const GIVE_UP_AFTER: i64 = 72 * 3600;

/// The waits after the 1st, 2nd, … failed attempt, in seconds; after the last, every hour.
pub const SCHEDULE: [i64; 7] = [1, 5, 30, 120, 600, 1800, 3600];

/// The wait before the next attempt after `failures` failed ones (1 or more), in
/// milliseconds, with `jitter` in −1.0…1.0 scaling ±20% — so that a receiver that comes back
/// is not hit by every delivery at the same instant. Integer arithmetic: `jitter` arrives as
/// per mille.
pub fn retry_delay_ms(failures: u32, jitter_per_mille: i64) -> i64 {
    let index = usize::try_from(failures.max(1) - 1).unwrap_or(usize::MAX);
    let base = SCHEDULE.get(index).copied().unwrap_or(3600) * 1000;
    let jitter = jitter_per_mille.clamp(-1000, 1000);
    base + base * jitter / 5000
}

/// The `Caffesta-Signature` header of a body sent at Unix second `t`:
/// `t=<t>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`. The URL is not signed, so a proxy or a
/// change of domain never breaks verification.
pub fn signature(secret: &str, t: i64, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes a key of any length"));
    mac.update(t.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("t={t},v1={}", hex::encode(mac.finalize().into_bytes()))
}

/// Whether a delivery may never reach `ip` unless the server allows private receivers:
/// loopback, link-local, private (RFC 1918 and IPv6 unique local), unspecified, broadcast,
/// shared (carrier-grade NAT) and documentation ranges, and IPv4 mapped into IPv6.
pub fn is_private(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_documentation()
                || a == 0
                || (a == 100 && (64..128).contains(&b))
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_private(IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            v6.is_loopback()
                || v6.is_unspecified()
                || (first & 0xfe00) == 0xfc00 // unique local
                || (first & 0xffc0) == 0xfe80 // link-local
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_subscribable_type_parses_back_from_its_spelling() {
        for t in EventType::SUBSCRIBABLE {
            assert_eq!(EventType::parse(t.as_str()), Some(t));
        }
        assert_eq!(EventType::parse("ping"), None);
    }

    #[test]
    fn a_list_is_sorted_deduplicated_and_names_an_unknown_type() {
        let list = parse_events("receipt.closed, invoice.wired,receipt.closed".split(','));
        assert_eq!(
            list,
            Ok(vec![EventType::InvoiceWired, EventType::ReceiptClosed])
        );
        assert_eq!(
            parse_events("receipt.closed,receipt.opened".split(',')),
            Err("unknown event type \"receipt.opened\"".into())
        );
        assert!(parse_events(" , ".split(',')).is_err());
    }

    #[test]
    fn retries_follow_the_published_schedule_within_twenty_percent() {
        let waits: Vec<i64> = (1..=9).map(|n| retry_delay_ms(n, 0)).collect();
        assert_eq!(
            waits,
            [1_000, 5_000, 30_000, 120_000, 600_000, 1_800_000, 3_600_000, 3_600_000, 3_600_000]
        );
        assert_eq!(retry_delay_ms(1, 1000), 1_200);
        assert_eq!(retry_delay_ms(1, -1000), 800);
        assert_eq!(retry_delay_ms(2, 5000), 6_000, "jitter is clamped to ±20%");
    }

    #[test]
    fn the_signature_is_hmac_sha256_of_time_dot_body() {
        // computed independently: printf '1700000000.{}' | openssl dgst -sha256 -hmac whsec
        assert_eq!(
            signature("whsec", 1_700_000_000, b"{}"),
            "t=1700000000,v1=7d44587dddbaf4c7f70fef20f48cd594834ffea1641e3ac227b84408298738af"
        );
    }

    #[test]
    fn private_loopback_and_link_local_addresses_are_refused() {
        for text in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "::1",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
        ] {
            assert!(is_private(text.parse().expect("ip")), "{text}");
        }
        for text in ["93.184.216.34", "8.8.8.8", "2606:4700::1111"] {
            assert!(!is_private(text.parse().expect("ip")), "{text}");
        }
    }
}
