//! The delivery order of `reference/delivery.md`, read as leniently as real integrations send
//! it (API.md §6): times as text or Unix seconds, `app_id` any integer, birthdays under three
//! names and two formats.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::lenient;
use super::sales::PaymentIn;
use crate::domain::decimal::{Money, Qty, UnitCost};
use crate::domain::ids::{DiscountGroupId, ProductId, ShopId};

#[derive(Debug, Deserialize, ToSchema)]
pub struct DeliveryIn {
    pub bill: BillIn,
}

#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
pub struct BillIn {
    /// The shop that gets the order; absent: the order waits in the back office.
    #[serde(default)]
    pub pos_id: Option<ShopId>,
    /// The order's number (`-1`: the shop numbers it).
    #[serde(default)]
    pub app_id: Option<i64>,
    /// `0` on the spot, `1` pick-up, `2` delivery.
    #[serde(default)]
    pub delivery_type: Option<i64>,
    pub total_sum: Money,
    /// Absent or `null`: not paid.
    #[serde(default, deserialize_with = "lenient::list")]
    #[schema(nullable)]
    pub payments: Vec<PaymentIn>,
    #[serde(default, deserialize_with = "lenient::list")]
    #[schema(nullable)]
    pub items: Vec<BillItemIn>,
    /// Absent or `null`: the order is not sent to a shop.
    #[serde(default)]
    pub client: Option<ClientIn>,
    /// UTC; default now.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    #[schema(value_type = Option<super::vocab::TextOrNumber>)]
    pub created_at: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    #[schema(value_type = Option<super::vocab::TextOrNumber>)]
    pub started_at: Option<String>,
    /// Unix seconds or a date-time; stands for `created_at` when that is absent.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    #[schema(value_type = Option<super::vocab::TextOrNumber>)]
    pub date: Option<String>,
    #[serde(default)]
    pub comment: Option<String>,
    #[serde(default)]
    pub delivery: Option<DeliveryAddressIn>,
}

#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
pub struct BillItemIn {
    /// Replaces the product's name for this order only.
    #[serde(default)]
    pub title: Option<String>,
    pub count: Qty,
    #[serde(default)]
    pub price: Option<UnitCost>,
    #[serde(default)]
    pub discount_sum: Option<Money>,
    #[serde(default)]
    pub origin_price: Option<UnitCost>,
    pub total_sum: Money,
    pub product_id: ProductId,
    #[serde(default)]
    #[schema(value_type = Option<super::vocab::AnyJson>)]
    pub data: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
pub struct ClientIn {
    /// An existing client; otherwise the client is found by phone or card, or created.
    #[serde(default)]
    pub uuid: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
    #[serde(default)]
    pub address: Option<String>,
    /// `YYYY-MM-DD` or `DD.MM.YYYY`. Real clients send it also (or only) as `birth_date` and
    /// `birthDate`, often all three at once: the first non-empty of `birthday`, `birth_date`,
    /// `birthDate` counts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birthday: Option<String>,
    /// Another name for `birthday`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<String>,
    /// Another name for `birthday`.
    #[serde(default, rename = "birthDate", skip_serializing_if = "Option::is_none")]
    pub birth_date_camel: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    #[schema(value_type = Option<super::vocab::TextOrNumber>)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    #[schema(value_type = Option<super::vocab::TextOrNumber>)]
    pub card_number: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    #[schema(value_type = Option<super::vocab::TextOrNumber>)]
    pub sex: Option<String>,
    #[serde(default)]
    pub discount_group: Option<GroupRefIn>,
}

impl ClientIn {
    /// The birthday as sent, with the field it came from: the first non-empty of `birthday`,
    /// `birth_date` and `birthDate`. Three fields, not serde aliases: real clients send all
    /// three together, and aliases of one field refuse that as a duplicate.
    pub fn birthday(&self) -> Option<(&'static str, &str)> {
        [
            ("birthday", &self.birthday),
            ("birth_date", &self.birth_date),
            ("birthDate", &self.birth_date_camel),
        ]
        .into_iter()
        .find_map(|(field, value)| {
            value
                .as_deref()
                .filter(|v| !v.trim().is_empty())
                .map(|v| (field, v))
        })
    }
}

#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
pub struct GroupRefIn {
    pub id: DiscountGroupId,
}

#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
pub struct DeliveryAddressIn {
    #[serde(default)]
    pub address: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(json: &str) -> ClientIn {
        serde_json::from_str(json).expect("client")
    }

    #[test]
    fn all_three_birthday_names_at_once_are_accepted_and_the_first_non_empty_counts() {
        let all = client(
            r#"{"birthday": "2000-12-21", "birth_date": "2000-12-21", "birthDate": "21.12.2000"}"#,
        );
        assert_eq!(all.birthday(), Some(("birthday", "2000-12-21")));
        let later = client(r#"{"birthday": "", "birth_date": null, "birthDate": "21.12.2000"}"#);
        assert_eq!(later.birthday(), Some(("birthDate", "21.12.2000")));
        let second = client(r#"{"birthday": " ", "birth_date": "1990-02-01", "birthDate": ""}"#);
        assert_eq!(second.birthday(), Some(("birth_date", "1990-02-01")));
        assert_eq!(client("{}").birthday(), None);
    }

    #[test]
    fn a_stored_client_reads_back_with_its_birthday() {
        let sent = client(r#"{"birth_date": "", "birthDate": "2000-12-21"}"#);
        let stored = serde_json::to_string(&sent).expect("json");
        assert_eq!(
            client(&stored).birthday(),
            Some(("birthDate", "2000-12-21"))
        );
    }
}
