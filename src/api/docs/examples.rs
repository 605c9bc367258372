//! The example requests of the reference page: one `curl` line per operation that works
//! against the demo account of `serve --demo` as printed (with its key in `$KEY`).
//!
//! Request bodies come from the table below, written for the demo account, else from the
//! example the description gives, else from the schema (its required fields). The table and
//! the path values assume the demo cafe of `serve --demo` (`service::demo_cafe`): storages 1
//! and 4 at shops 1 and 2, tax 2, payment type 1 (cash), the products `beans` (id 1), `milk`,
//! `latte` (id 16, a dish with a recipe) and `syrniki` (on shop 1's stop list), invoices 1–3
//! and transfer 1 (wired), today's shift 61 open at shop 1, an order waiting there. Where an
//! example needs what an earlier one makes (the invoice and transfer the create examples
//! make, the receipt [`RECEIPT_UUID`] the receipt example uploads), it says so in its note; on
//! a fresh demo account, the examples work in page order.

/// The host of the demo account at the server's default address.
pub const HOST: &str = "demo.localhost:8080";

/// The receipt the receipt example uploads, so that the examples after it can name it.
pub const RECEIPT_UUID: &str = "6f1d2c3b-0a4e-4b5f-9c8d-7e6f5a4b3c2d";

/// A key placeholder and what it stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// The `api` key `serve --demo` prints.
    Api,
    /// A `terminal` key bound to shop 1 (the point-of-sale API).
    Terminal,
    /// An `admin` key (the admin API).
    Admin,
}

impl Key {
    /// Which key an operation needs, by its path.
    pub fn for_path(path: &str) -> Key {
        if path.starts_with("/admin/") {
            Key::Admin
        } else if path.contains("/pos/") {
            Key::Terminal
        } else {
            Key::Api
        }
    }

    /// The shell variable the examples use.
    pub fn variable(self) -> &'static str {
        match self {
            Key::Api => "$KEY",
            Key::Terminal => "$TERMINAL_KEY",
            Key::Admin => "$ADMIN_KEY",
        }
    }
}

/// The body an operation's example sends, written for the demo account (JSON, shown as
/// written).
#[expect(
    clippy::too_many_lines,
    reason = "one flat table of sample bodies, one arm per operation"
)]
pub fn body(operation_id: &str) -> Option<&'static str> {
    let body = match operation_id {
        "create_invoice" => {
            r#"{
  "number": "ПН-00300",
  "date": "2026-01-15 09:30",
  "storage": {"caf_id": 1},
  "shipper": {"ref_code": "milk-farm", "name": "ООО «Молочная ферма»"},
  "items": [{"product_code": "milk", "amount": 20, "price": "2.40", "caf_tax_id": 2}]
}"#
        }
        "wire_invoice" | "wire_move" | "wire_writeoff" | "wire_inventory" | "wire_return" => {
            r#"{"action": "wire"}"#
        }
        "wire_adjustment" => r#"{"action": "unwire"}"#,
        "set_minimum" => r#"{"storage_id": 1, "product_code": "milk", "minimum": "20"}"#,
        "create_webhook" => {
            r#"{
  "url": "https://example.com/caffesta/webhooks",
  "events": ["receipt.closed", "stock.below_minimum"],
  "secret": "whsec_demo"
}"#
        }
        "put_settings" => r#"{"lock_date": "2025-12-31"}"#,
        "create_move" => {
            r#"{
  "storage_from": {"caf_id": 1},
  "storage_to": {"caf_id": 4},
  "comment": "to the shop",
  "items": [{"product_code": "milk", "amount": 2}]
}"#
        }
        "create_writeoff" => {
            r#"{
  "storage": {"caf_id": 1},
  "reason": "spoilage",
  "comment": "sour milk",
  "items": [{"product_code": "milk", "amount": "1.5"}]
}"#
        }
        "create_inventory" => {
            r#"{
  "storage": {"caf_id": 1},
  "comment": "the milk shelf",
  "items": [{"product_code": "milk", "counted": 12}]
}"#
        }
        "create_return" => {
            r#"{
  "storage": {"caf_id": 1},
  "shipper": {"ref_code": "milk-farm"},
  "invoice_id": 1,
  "items": [{"product_code": "milk", "amount": 2}]
}"#
        }
        "create_product" => {
            r#"{
  "ref_code": "flat-white",
  "name": "Флэт уайт",
  "type": "tech_map",
  "cancellation_type": "cancel_ingredients",
  "category_ref_code": "drinks",
  "workspace_ref_code": "bar",
  "caf_tax_id": 2,
  "prices": [{"caf_shop_id": 1, "price": "5.50"}]
}"#
        }
        "update_product_by_ref_code" => {
            r#"{
  "ref_code": "latte",
  "name": "Латте",
  "type": "tech_map",
  "cancellation_type": "cancel_ingredients",
  "category_ref_code": "drinks",
  "workspace_ref_code": "bar",
  "caf_tax_id": 2,
  "prices": [{"caf_shop_id": 1, "price": "5.90"}, {"caf_shop_id": 2, "price": "5.90"}]
}"#
        }
        "update_product" => {
            r#"{
  "ref_code": "beans",
  "name": "Кофе в зёрнах",
  "measure": "kg",
  "for_sale": false,
  "category_ref_code": "ingredients",
  "caf_tax_id": 2
}"#
        }
        "set_tech_map" => {
            r#"{
  "output": 1,
  "items": [
    {"product_code": "beans", "amount": "0.018"},
    {"product_code": "milk", "amount": "0.250"},
    {"product_code": "sugar", "amount": "0.005"}
  ]
}"#
        }
        "import_menu" => {
            r#"{
  "update_balances": true,
  "categories": [{"id": "hot-drinks", "name": "Горячие напитки", "level": 1, "parent": null}],
  "items": [{
    "id": "cocoa",
    "name": "Какао",
    "measure": "pcs",
    "for_sale": true,
    "category_id": "hot-drinks",
    "prices": [{"shop_id": 1, "value_day": "4.20"}],
    "balances": [{"storage_id": 1, "balance": 20}]
  }]
}"#
        }
        "import_part_menu" => {
            r#"{
  "items": [{
    "id": "cocoa",
    "name": "Какао",
    "measure": "pcs",
    "for_sale": true,
    "prices": [{"shop_id": 1, "value_day": "4.40"}]
  }]
}"#
        }
        "create_delivery" | "create_order" | "run_order" => {
            r#"{
  "bill": {
    "pos_id": 1,
    "delivery_type": 1,
    "total_sum": "11.60",
    "comment": "без сахара",
    "client": {"phone": "+375291112233"},
    "items": [{"product_id": 16, "count": 2, "price": "5.80", "total_sum": "11.60"}],
    "payments": [{"payment_id": 1, "value": "11.60"}]
  }
}"#
        }
        "open_shift" => "{}",
        "upload_receipt" => {
            r#"{
  "uuid": "6f1d2c3b-0a4e-4b5f-9c8d-7e6f5a4b3c2d",
  "lines": [{"product_id": 16, "count": 1, "price": "5.80", "total_sum": "5.80"}],
  "payments": [{"payment_id": 1, "value": "5.80"}]
}"#
        }
        "set_order_status" => r#"{"status": "active"}"#,
        "close_order" => r#"{"payments": [{"payment_id": 1, "value": "11.60"}]}"#,
        "set" => r#"{"product_code": "syrniki", "in_stop_list": false}"#,
        "set_shop_stop_list" => r#"{"product_code": "syrniki", "in_stop_list": true}"#,
        "create_employee" => r#"{"name": "Олег Петров", "role": "waiter"}"#,
        "create_discount_group" => {
            r#"{"name": "Постоянные гости", "type": "bonus", "rate": "5", "bonus_max_bill_rate": "50"}"#
        }
        "create_client" => r#"{"name": "Анна", "last_name": "Ковалёва", "phone": "+375291234567"}"#,
        "create_modifier_group" => r#"{"name": "Сиропы", "min": 0, "max": 2}"#,
        "add_modifier_item" => r#"{"product_code": "milk", "count": "0.05", "price": "0.80"}"#,
        "attach_modifier_group" => r#"{"product_code": "latte"}"#,
        "create_key" => r#"{"scope": "api", "label": "1С: выгрузка продаж", "rate": 10}"#,
        _ => return None,
    };
    Some(body)
}

/// A note under an operation's example, where it needs something the line cannot show.
pub fn note(operation_id: &str, path: &str) -> Option<&'static str> {
    if path.contains("{uuid}") && path.contains("/orders/") {
        return Some(
            "`$ORDER_UUID`: the `uuid` of an order waiting at shop 1, as `GET /a/v1.0/pos/orders` \
             lists them: the demo's is two lattes, 11.60, not paid yet.",
        );
    }
    let note = match operation_id {
        "wire_invoice" => {
            "`4`: the invoice the create example made (the demo's invoices 1–3 are wired already: \
             wiring them again answers 409)."
        }
        "wire_move" => {
            "`2`: the transfer the create example made (the demo's transfer 1 is wired already)."
        }
        "wire_adjustment" => {
            "`1`: the adjustment the menu import example posted (wired); send `wire` to post it \
             again."
        }
        "wire_writeoff" | "wire_inventory" | "wire_return" => {
            "`1`: the document the create example made (a new account's first)."
        }
        "create_return" => {
            "Prices default to the demo's invoice 1, from the same shipper; without `invoice_id` \
             each line needs its `price`."
        }
        "get_tech_map" | "set_tech_map" => "`16`: the demo's latte.",
        "annul_receipt" | "receipt_info" => {
            "Names the receipt the receipt example (`POST /a/v1.0/pos/receipts`) uploads."
        }
        "open_shift" => {
            "The demo opens today's shift at shop 1: close it first (the next example), or this \
             answers 409."
        }
        "close_shift" => {
            "`61`: the demo's shift open today at shop 1; after the opening example, the `id` it \
             answered."
        }
        "upload_receipt" => "Needs the shop's open shift (the demo has one).",
        "get_webhook" | "test_webhook" | "list_deliveries" | "delete_webhook" => {
            "`1`: the subscription the create example made (the account's first)."
        }
        "replay_delivery" => "`1`: the delivery of the test example's `ping`.",
        "revoke_key" => {
            "`4`: the key the create example made (the demo's keys 1–3 are the ones `serve --demo` \
             printed)."
        }
        "add_modifier_item" | "attach_modifier_group" => {
            "`1`: the account's first modifier group (the create example makes one)."
        }
        "job_status" => {
            "`1`: the demo's first delivery job; the delivery examples answer the `job_id` of theirs."
        }
        _ => return None,
    };
    Some(note)
}

/// The value an example puts for a path parameter.
pub fn path_value(operation_id: &str, path: &str, name: &str, today: &str) -> String {
    let value = match (name, operation_id) {
        ("uuid", _) if path.contains("/orders/") => "$ORDER_UUID",
        ("uuid", _) => RECEIPT_UUID,
        ("ref_code", _) => "latte",
        ("date", _) => today,
        ("ts" | "start_id", _) => "0",
        ("id", "wire_invoice" | "revoke_key") => "4",
        ("id", "wire_move") => "2",
        ("id", "get_tech_map" | "set_tech_map") => "16",
        ("id", "close_shift") => "61",
        _ => "1",
    };
    value.to_owned()
}

/// The query an example sends: a date range where the operation takes one, and the demo
/// cafe's storage 1 and its milk where a report asks for a storage and a product.
pub fn query(names: &[&str], today: &str, month_ago: &str) -> Vec<(String, String)> {
    let mut query = Vec::new();
    if names.contains(&"storage") {
        query.push(("storage".to_owned(), "1".to_owned()));
    }
    if names.contains(&"product_code") {
        query.push(("product_code".to_owned(), "milk".to_owned()));
    }
    if names.contains(&"start") {
        query.push(("start".to_owned(), month_ago.to_owned()));
        if names.contains(&"end") {
            query.push(("end".to_owned(), today.to_owned()));
        }
    }
    query
}

/// Quotes a value for a POSIX shell between single quotes.
fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// The `curl` line: method, URL on the demo host, the key header, the JSON body; for a POSIX
/// shell, with the key (and an order's UUID) in shell variables.
pub fn curl(method: &str, url_path: &str, key: Option<Key>, body: Option<&str>) -> String {
    use std::fmt::Write as _;
    let mut line = String::from("curl");
    if method != "GET" {
        line.push_str(" -X ");
        line.push_str(method);
    }
    // double quotes: the URL may hold a variable (`$ORDER_UUID`), and holds no `"`, `\``, `\\`
    // writing into a `String` cannot fail
    let _ = write!(line, " \"http://{HOST}{url_path}\"");
    if let Some(key) = key {
        let _ = write!(line, " \\\n  -H \"X-API-KEY: {}\"", key.variable());
    }
    if let Some(body) = body {
        line.push_str(" \\\n  -H 'Content-Type: application/json' \\\n  -d ");
        line.push_str(&shell_quote(body));
    }
    line
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;

    #[test]
    fn every_written_body_is_json() {
        let ids = [
            "create_invoice",
            "wire_invoice",
            "wire_adjustment",
            "create_move",
            "create_product",
            "update_product",
            "set_tech_map",
            "import_menu",
            "import_part_menu",
            "create_delivery",
            "open_shift",
            "upload_receipt",
            "set_order_status",
            "close_order",
            "set",
            "set_shop_stop_list",
            "create_employee",
        ];
        for id in ids {
            let text = body(id).unwrap_or_else(|| panic!("{id} has a body"));
            assert!(serde_json::from_str::<Value>(text).is_ok(), "{id}: {text}");
        }
        let receipt: Value =
            serde_json::from_str(body("upload_receipt").unwrap_or("{}")).unwrap_or(Value::Null);
        assert_eq!(receipt["uuid"], RECEIPT_UUID);
    }

    #[test]
    fn curl_quotes_the_body_for_the_shell() {
        let line = curl(
            "POST",
            "/a/v1.0/x",
            Some(Key::Api),
            Some(r#"{"name": "O'Brien"}"#),
        );
        assert!(line.starts_with("curl -X POST \"http://demo.localhost:8080/a/v1.0/x\""));
        assert!(line.contains("-H \"X-API-KEY: $KEY\""));
        assert!(line.contains(r#""O'\''Brien""#), "{line}");
    }
}
