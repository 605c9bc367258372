//! Answers of the sync feeds (API.md §8, `reference/updates.md`), spelled as the vendor's
//! feeds: every field name, and whether a number is written as a JSON number or a string, is
//! the vendor's.

use serde::{Serialize, Serializer};
use utoipa::ToSchema;

use crate::db::feeds::{
    FeedBalance, FeedCategory, FeedClient, FeedProduct, FeedTax, FeedWorkspace, ShopData,
};
use crate::db::marks::Section;
use crate::domain::decimal::{as_number, JsonNumber, Money, Percent, Qty, UnitCost};
use crate::domain::ids::{CategoryId, DiscountGroupId, ProductId, ShopId, TaxId, WorkspaceId};
use crate::domain::product::{CancellationType, Measure};
use crate::domain::sync;

/// `{"code": "ok", "data": …}`
#[derive(Debug, Serialize, ToSchema)]
pub struct Feed<T> {
    #[schema(value_type = String, example = "ok")]
    code: &'static str,
    data: T,
}

impl<T> Feed<T> {
    pub fn ok(data: T) -> Self {
        Feed { code: "ok", data }
    }
}

/// Per section of `get_updates`, the Unix time of its last change (0: never), as the vendor
/// lists the sections. The sections this server never changes stay 0.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Updates {
    pub categories: i64,
    pub menus: i64,
    pub desks: i64,
    pub taxes: i64,
    pub workspaces: i64,
    pub comments: i64,
    pub discounts: i64,
    pub promotions: i64,
    pub payments: i64,
    pub settings: i64,
    pub balances: i64,
    pub products: i64,
    pub device_models: i64,
    pub clients: i64,
}

impl Updates {
    /// The sections' marks as reported at `now` (see [`sync::reported`]).
    pub fn of(marks: &[(Section, i64)], now: i64) -> Updates {
        let mut out = Updates::default();
        for &(section, mark) in marks {
            *out.field(section) = sync::reported(mark, now);
        }
        out
    }

    fn field(&mut self, section: Section) -> &mut i64 {
        match section {
            Section::Products => &mut self.products,
            Section::Balances => &mut self.balances,
            Section::Clients => &mut self.clients,
            Section::Categories => &mut self.categories,
            Section::Workspaces => &mut self.workspaces,
            Section::Taxes => &mut self.taxes,
            Section::Menus => &mut self.menus,
            Section::Payments => &mut self.payments,
            Section::Discounts => &mut self.discounts,
            Section::Settings => &mut self.settings,
        }
    }
}

/// `{"id": …}`
#[derive(Debug, Serialize, ToSchema)]
pub struct IdOnly {
    pub id: i64,
}

/// A product of `get_products0`, spelled as the vendor's feed.
#[allow(non_snake_case)]
#[derive(Debug, Serialize, ToSchema)]
#[expect(
    clippy::struct_excessive_bools,
    reason = "independent product flags, as the vendor's feed names them"
)]
pub struct FeedProductOut {
    id: ProductId,
    name: String,
    #[schema(value_type = crate::domain::product::EntityType)]
    entityType: String,
    #[schema(value_type = crate::wire::vocab::CancellationName)]
    cancellationType: &'static str,
    measure: String,
    deleted: bool,
    useDiscounts: bool,
    color: &'static str,
    shortDescription: Option<String>,
    alternateName: String,
    buttonColor: Option<String>,
    image: Option<String>,
    #[serde(rename = "type")]
    #[schema(value_type = crate::wire::vocab::SellingKind)]
    selling_kind: &'static str,
    coefficients: Option<String>,
    /// The product's external code (`ref_code`).
    code: String,
    active: bool,
    freePrice: bool,
    descr: String,
    category_id: Option<CategoryId>,
    workSpace_id: Option<WorkspaceId>,
    tax_id: Option<TaxId>,
    /// The price at the shop.
    #[serde(with = "as_number")]
    #[schema(value_type = JsonNumber)]
    price: Money,
    image_path: Option<String>,
}

impl FeedProductOut {
    pub fn of(p: &FeedProduct) -> Self {
        FeedProductOut {
            id: p.id,
            name: p.name.clone(),
            entityType: p.entity_type.clone(),
            cancellationType: CancellationType::from_code(p.cancellation_type)
                .unwrap_or(CancellationType::CancelDish)
                .as_str(),
            measure: p.measure.clone(),
            deleted: p.deleted,
            useDiscounts: p.use_discounts,
            color: "gray",
            shortDescription: None,
            alternateName: p.name.clone(),
            buttonColor: None,
            image: None,
            selling_kind: Measure::parse(&p.measure)
                .unwrap_or(Measure::Pcs)
                .selling_kind(),
            coefficients: None,
            code: p.ref_code.clone(),
            active: p.for_sale,
            freePrice: p.free_price,
            descr: p.entity_type.clone(),
            category_id: p.category_id,
            workSpace_id: p.workspace_id,
            tax_id: p.tax_id,
            price: Money::round(p.price.decimal()),
            image_path: None,
        }
    }
}

/// A product of the deprecated `get_products`: the same, and the shop's cost and stop list.
#[allow(non_snake_case)]
#[derive(Debug, Serialize, ToSchema)]
pub struct FeedProductFull {
    #[serde(flatten)]
    product: FeedProductOut,
    workSpace: Option<IdOnly>,
    #[serde(with = "as_number")]
    #[schema(value_type = JsonNumber)]
    self_cost: UnitCost,
    in_stop_list: bool,
}

impl FeedProductFull {
    /// `self_cost`: see [`crate::service::feeds::self_cost`].
    pub fn of(p: &FeedProduct, self_cost: UnitCost) -> Self {
        FeedProductFull {
            product: FeedProductOut::of(p),
            workSpace: p.workspace_id.map(|id| IdOnly { id: id.get() }),
            self_cost,
            in_stop_list: p.in_stop_list,
        }
    }
}

/// A balance of `get_balances`.
#[derive(Debug, Serialize, ToSchema)]
pub struct BalanceOut {
    balance: Qty,
    /// The moving-average unit cost.
    self_cost: UnitCost,
    product_id: ProductId,
}

impl BalanceOut {
    pub fn of(b: &FeedBalance) -> Self {
        BalanceOut {
            balance: b.qty,
            self_cost: b.balance().cost(),
            product_id: b.product_id,
        }
    }
}

/// A client of `get_clients`, with its discount group.
#[allow(non_snake_case)]
#[derive(Debug, Serialize, ToSchema)]
pub struct ClientOut {
    #[schema(format = "uuid")]
    uuid: String,
    name: String,
    lastName: String,
    normName: String,
    phone: String,
    address: String,
    /// Always 0.
    account: i64,
    normPhone: String,
    cardNumber: String,
    #[serde(with = "as_number")]
    #[schema(value_type = JsonNumber)]
    bonusBalance: Money,
    /// Always 0.
    pointBalance: i64,
    #[serde(with = "as_number")]
    #[schema(value_type = JsonNumber)]
    payBalance: Money,
    email: Option<String>,
    /// When it was deleted (RFC 3339, account time zone).
    deletedAt: Option<String>,
    group_id: Option<DiscountGroupId>,
    /// Always 0.
    birth_day_discount_amount: i64,
    /// The group's kind: `discount` or `bonus`.
    discount_type: Option<String>,
    /// The most of a bill bonuses may pay, in percent.
    #[serde(serialize_with = "optional_number")]
    #[schema(value_type = Option<JsonNumber>)]
    bonus_max_bill_rate: Option<Percent>,
    discount_name: Option<String>,
    /// The group's rate as a fraction (`0.05` for 5%).
    #[serde(serialize_with = "optional_fraction")]
    #[schema(value_type = Option<JsonNumber>)]
    discount_rate: Option<Percent>,
    group_float: bool,
    discount_group: Option<IdOnly>,
    /// Always empty.
    #[schema(value_type = Vec<Object>)]
    promotionKeeps: [IdOnly; 0],
}

impl ClientOut {
    pub fn of(c: &FeedClient, tz: &jiff::tz::TimeZone) -> Self {
        // a group's values are there together or not at all
        let grouped = c.group_kind.is_some();
        ClientOut {
            uuid: c.uuid.clone(),
            name: c.name.clone(),
            lastName: c.last_name.clone(),
            normName: c.norm_name.clone(),
            phone: c.phone.clone(),
            address: c.address.clone(),
            account: 0,
            normPhone: c.norm_phone.clone(),
            cardNumber: c.card_number.clone(),
            bonusBalance: c.bonus_balance,
            pointBalance: 0,
            payBalance: c.pay_balance,
            email: c.email.clone(),
            deletedAt: c
                .deleted_at
                .map(|t| crate::domain::time::format_rfc3339(t, tz)),
            group_id: c.group_id,
            birth_day_discount_amount: 0,
            discount_type: c.group_kind.clone(),
            bonus_max_bill_rate: c.group_cap.filter(|_| grouped),
            discount_name: c.group_name.clone().filter(|_| grouped),
            discount_rate: c.group_rate.filter(|_| grouped),
            group_float: false,
            discount_group: c.group_id.map(|id| IdOnly { id: id.get() }),
            promotionKeeps: [],
        }
    }
}

/// An optional decimal as a JSON number (`null` when absent).
#[expect(
    clippy::ref_option,
    reason = "a serde `serialize_with` function receives the field, an `&Option<_>`"
)]
fn optional_number<const S: u32, const K: u8, Z: Serializer>(
    value: &Option<crate::domain::decimal::Fixed<S, K>>,
    serializer: Z,
) -> Result<Z::Ok, Z::Error> {
    match value {
        Some(value) => as_number::serialize(value, serializer),
        None => serializer.serialize_none(),
    }
}

/// An optional percentage as a fraction, a JSON number (`5.00` → `0.05`).
#[expect(
    clippy::ref_option,
    reason = "a serde `serialize_with` function receives the field, an `&Option<_>`"
)]
fn optional_fraction<Z: Serializer>(
    value: &Option<Percent>,
    serializer: Z,
) -> Result<Z::Ok, Z::Error> {
    match value {
        Some(rate) => {
            let fraction = rust_decimal::Decimal::new(rate.units(), 4).normalize();
            let number: serde_json::Number = fraction
                .to_string()
                .parse()
                .map_err(serde::ser::Error::custom)?;
            number.serialize(serializer)
        }
        None => serializer.serialize_none(),
    }
}

/// A category of `get_categories`.
#[allow(non_snake_case)]
#[derive(Debug, Serialize, ToSchema)]
pub struct CategoryOut {
    id: CategoryId,
    name: String,
    buttonColor: Option<String>,
    image: Option<String>,
    /// The category's id.
    lft: CategoryId,
    /// Its depth: 1 at the top.
    lvl: i64,
    availableForPos: bool,
    useMarking: bool,
    #[serde(rename = "type")]
    kind: Option<String>,
    depositId: Option<i64>,
    /// The category's id.
    position: CategoryId,
    parent: Option<CategoryId>,
    course: Option<i64>,
    deposit_id: Option<i64>,
}

impl CategoryOut {
    /// `lvl`: the category's depth (1 at the top).
    pub fn of(c: &FeedCategory, lvl: i64) -> Self {
        CategoryOut {
            id: c.id,
            name: c.name.clone(),
            buttonColor: None,
            image: None,
            lft: c.id,
            lvl,
            availableForPos: true,
            useMarking: false,
            kind: None,
            depositId: None,
            position: c.id,
            parent: c.parent_id,
            course: None,
            deposit_id: None,
        }
    }
}

/// A workspace of `get_workspaces`.
#[allow(non_snake_case)]
#[derive(Debug, Serialize, ToSchema)]
pub struct WorkspaceOut {
    id: WorkspaceId,
    /// Always 1.
    group: i64,
    refCode: String,
    name: String,
}

impl WorkspaceOut {
    pub fn of(w: &FeedWorkspace) -> Self {
        WorkspaceOut {
            id: w.id,
            group: 1,
            refCode: w.ref_code.clone(),
            name: w.name.clone(),
        }
    }
}

/// A tax of `get_taxes`.
#[allow(non_snake_case)]
#[derive(Debug, Serialize, ToSchema)]
pub struct TaxOut {
    id: TaxId,
    refId: Option<i64>,
    refCode: Option<String>,
    name: String,
    /// Always `inner`.
    #[serde(rename = "type")]
    #[schema(value_type = String, example = "inner")]
    kind: &'static str,
    /// The rate in percent.
    #[serde(with = "as_number")]
    #[schema(value_type = JsonNumber)]
    value: Percent,
    fiscal: bool,
    /// The tax's id.
    ref_id: TaxId,
}

impl TaxOut {
    pub fn of(t: &FeedTax) -> Self {
        TaxOut {
            id: t.id,
            refId: None,
            refCode: None,
            name: t.name.clone(),
            kind: "inner",
            value: t.rate,
            fiscal: false,
            ref_id: t.id,
        }
    }
}

/// A product's data at a shop, of `get_product_shop_data`.
#[allow(non_snake_case)]
#[derive(Debug, Serialize, ToSchema)]
pub struct ShopDataOut {
    price: Money,
    /// The moving-average unit cost in the shop's storage.
    avgInvoicedSelfCost: UnitCost,
    availableForSale: bool,
    inStopList: bool,
    shop_id: ShopId,
    product_id: ProductId,
}

impl ShopDataOut {
    pub fn of(d: &ShopData, shop_id: ShopId) -> Self {
        ShopDataOut {
            price: Money::round(d.price.decimal()),
            avgInvoicedSelfCost: d.balance().cost(),
            availableForSale: d.available(),
            inStopList: d.in_stop_list,
            shop_id,
            product_id: d.product_id,
        }
    }
}

/// A modifier group of `get_modifier_groups`.
#[allow(non_snake_case)]
#[derive(Debug, Serialize, ToSchema)]
pub struct ModifierGroupOut {
    pub id: i64,
    pub name: String,
    pub multiple: bool,
    pub min: i64,
    pub max: i64,
    pub deleted: bool,
    /// The dishes the group is attached to.
    pub productModifiers: Vec<IdOnly>,
    pub items: Vec<ModifierItemOut>,
}

/// An item of a modifier group.
#[derive(Debug, Serialize, ToSchema)]
pub struct ModifierItemOut {
    pub id: i64,
    pub name: String,
    pub image: Option<String>,
    pub count: Qty,
    pub price: Money,
    pub product: ModifierProduct,
}

/// The product a modifier item adds, and its entity kind.
#[derive(Debug, Serialize, ToSchema)]
pub struct ModifierProduct {
    pub id: i64,
    #[schema(value_type = crate::domain::product::EntityType)]
    pub descr: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_shows_its_balances_and_group_rates_as_numbers() {
        let client = FeedClient {
            uuid: "u".into(),
            name: "n".into(),
            last_name: String::new(),
            norm_name: "n".into(),
            phone: String::new(),
            address: String::new(),
            norm_phone: String::new(),
            card_number: String::new(),
            bonus_balance: Money::from_units(1_050),
            pay_balance: Money::ZERO,
            email: None,
            deleted_at: None,
            group_id: Some(DiscountGroupId::new(3)),
            group_kind: Some("bonus".into()),
            group_cap: Some(Percent::from_units(5_000)),
            group_name: Some("g".into()),
            group_rate: Some(Percent::from_units(500)),
        };
        let json =
            serde_json::to_value(ClientOut::of(&client, &jiff::tz::TimeZone::UTC)).expect("json");
        assert_eq!(json["bonusBalance"].to_string(), "10.5");
        assert_eq!(json["payBalance"].to_string(), "0");
        assert_eq!(json["bonus_max_bill_rate"].to_string(), "50");
        assert_eq!(json["discount_rate"].to_string(), "0.05");
        assert_eq!(json["discount_group"]["id"], 3);
        assert_eq!(json["promotionKeeps"].to_string(), "[]");
        let none = FeedClient {
            group_id: None,
            group_kind: None,
            group_cap: None,
            group_name: None,
            group_rate: None,
            ..client
        };
        let json =
            serde_json::to_value(ClientOut::of(&none, &jiff::tz::TimeZone::UTC)).expect("json");
        for field in [
            "discount_type",
            "bonus_max_bill_rate",
            "discount_rate",
            "discount_group",
        ] {
            assert!(json[field].is_null(), "{field}: {json}");
        }
    }

    #[test]
    fn updates_list_every_vendor_section_and_report_known_marks() {
        let now = 1_000_000;
        let updates = Updates::of(&[(Section::Clients, 5), (Section::Taxes, now - 1)], now);
        let json = serde_json::to_value(&updates).expect("json");
        assert_eq!(json.as_object().map(serde_json::Map::len), Some(14));
        assert_eq!(json["clients"], sync::reported(5, now));
        assert_eq!(json["taxes"], sync::reported(now - 1, now));
        assert_eq!(json["desks"], 0);
    }
}
