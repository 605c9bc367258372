//! Administration: accounts, keys and the `caf_*_id` objects that must exist before the
//! integration API can refer to them (API.md §10).

use crate::domain::ids::{
    AccountId, DiscountGroupId, KeyId, MenuId, ModifierGroupId, ModifierItemId, PaymentTypeId,
    ProductId, ShopId, StorageId, TaxId,
};
use crate::domain::sales::PaymentKind;
use std::str::FromStr;

use crate::db::{self, accounts, catalog, clients, keys, modifiers, objects, Db};
use crate::domain::decimal::{Money, Percent, Qty};
use crate::domain::key::{self, Scope};
use crate::domain::rate_limit::Budget;
use crate::domain::{names, time};

use super::{ServiceError, ServiceResult};

/// The kinds a payment type can be.
pub const PAYMENT_KINDS: &[&str] = PaymentKind::WORDS;

/// Creates an account with its standard taxes (1 `Без налога` 0%, 2 `НДС` 20%) and payment
/// types (1 cash, 2 card), so that the vendor's examples work on it.
#[tracing::instrument(skip_all, fields(account = %name))]
pub async fn create_account(
    db: &Db,
    name: &str,
    timezone: Option<&str>,
) -> ServiceResult<AccountId> {
    let name = names::parse_account_name(name).map_err(|e| ServiceError::invalid("name", e))?;
    let timezone = timezone.unwrap_or(time::DEFAULT_TIMEZONE);
    time::parse_timezone(timezone).map_err(|e| ServiceError::invalid("timezone", e))?;
    let mut tx = db.begin_write().await?;
    let account_id = insert_account(&mut tx, &name, timezone).await?;
    db::commit(tx).await?;
    Ok(account_id)
}

/// Inserts a checked account and its standard taxes and payment types.
pub(super) async fn insert_account(
    tx: &mut db::Tx,
    name: &str,
    timezone: &str,
) -> ServiceResult<AccountId> {
    let now = time::now_unix();
    let account_id = match accounts::insert(tx, name, timezone, now).await {
        Err(db::DbError::UniqueViolation(_)) => {
            return Err(ServiceError::Conflict(format!(
                "account {name:?} already exists"
            )))
        }
        other => other?,
    };
    objects::insert_tax(tx, account_id, "Без налога", Percent::ZERO, now).await?;
    objects::insert_tax(tx, account_id, "НДС", Percent::from_units(2000), now).await?;
    objects::insert_payment_type(tx, account_id, "Наличные", PaymentKind::Cash, now).await?;
    objects::insert_payment_type(tx, account_id, "Карта", PaymentKind::Card, now).await?;
    Ok(account_id)
}

/// The id of the account with this name.
pub async fn account_id(db: &Db, name: &str) -> ServiceResult<AccountId> {
    let lower = name.trim().to_ascii_lowercase();
    accounts::find_by_name(db, &lower)
        .await?
        .map(|account| account.id)
        .ok_or_else(|| ServiceError::NotFound(format!("no account named {name:?}")))
}

/// A key to create.
pub struct KeySpec<'a> {
    pub scope: &'a str,
    pub shop_id: Option<ShopId>,
    pub label: &'a str,
}

/// Creates a key and returns its id and the key itself, which is shown this once only.
#[tracing::instrument(skip_all, fields(account = %account))]
pub async fn create_key(
    db: &Db,
    account: &str,
    spec: KeySpec<'_>,
) -> ServiceResult<(KeyId, String)> {
    let (row, key) = create_key_with_budget(db, account, spec, None).await?;
    Ok((row.id, key))
}

/// A key's own rate limit as the administrator states it: requests a second (0: not limited)
/// and at once; neither: the server's default. A burst alone is refused.
pub fn parse_budget(rate: Option<i64>, burst: Option<i64>) -> ServiceResult<Option<Budget>> {
    match (rate, burst) {
        (None, None) => Ok(None),
        (None, Some(_)) => Err(ServiceError::invalid(
            "burst",
            "a burst needs a rate (requests a second)",
        )),
        (Some(rate), burst) => Budget::parse(rate, burst)
            .map(Some)
            .map_err(|e| ServiceError::invalid(e.field, e.message)),
    }
}

/// Creates a key with its own rate limit (`None`: the server's default); returns its id and
/// the key itself, which is shown this once only.
#[tracing::instrument(skip_all, fields(account = %account))]
pub async fn create_key_with_budget(
    db: &Db,
    account: &str,
    spec: KeySpec<'_>,
    budget: Option<Budget>,
) -> ServiceResult<(keys::KeyRow, String)> {
    let account_id = account_id(db, account).await?;
    let scope = Scope::parse(spec.scope).ok_or_else(|| {
        ServiceError::invalid(
            "scope",
            format!("scope {:?} is not api, terminal or admin", spec.scope),
        )
    })?;
    match (scope, spec.shop_id) {
        (Scope::Terminal, None) => {
            return Err(ServiceError::invalid(
                "shop",
                "a terminal key must be bound to a shop (--shop ID)",
            ))
        }
        (Scope::Api | Scope::Admin, Some(_)) => {
            return Err(ServiceError::invalid(
                "shop",
                "only terminal keys are bound to a shop",
            ))
        }
        _ => {}
    }
    let plain = key::generate();
    let (digest, prefix) = (key::digest(&plain), key::prefix(&plain));
    let mut tx = db.begin_write().await?;
    if let Some(shop_id) = spec.shop_id {
        require(&mut tx, account_id, shop_id, "shop").await?;
    }
    let now = time::now_unix();
    let new_key = keys::NewKey {
        account_id,
        digest: &digest,
        prefix: &prefix,
        scope,
        shop_id: spec.shop_id,
        label: spec.label,
        now,
        budget,
    };
    let id = keys::insert(&mut tx, new_key).await?;
    db::commit(tx).await?;
    // the row as written, not read back: under an Idempotency-Key the commit waits for the
    // answer, so another connection could not see it yet
    let row = keys::KeyRow {
        id,
        prefix,
        scope,
        shop_id: spec.shop_id,
        label: spec.label.to_owned(),
        created_at: now,
        revoked_at: None,
        budget,
    };
    Ok((row, plain))
}

#[tracing::instrument(skip_all, fields(account = %account))]
pub async fn list_keys(db: &Db, account: &str) -> ServiceResult<Vec<keys::KeyRow>> {
    let account_id = account_id(db, account).await?;
    Ok(keys::list(db, account_id).await?)
}

/// The keys of an account (never the keys themselves), by id.
#[tracing::instrument(skip_all, fields(account = %account_id))]
pub async fn keys_of(db: &Db, account_id: AccountId) -> ServiceResult<Vec<keys::KeyRow>> {
    Ok(keys::list(db, account_id).await?)
}

/// Sets a key's own rate limit (`None`: back to the server's default) and returns the key.
/// Servers that cached the key apply it once their cache forgets it (`--key-cache-ttl`).
#[tracing::instrument(skip_all, fields(account = %account_id))]
pub async fn set_key_budget(
    db: &Db,
    account_id: AccountId,
    key_id: KeyId,
    budget: Option<Budget>,
) -> ServiceResult<keys::KeyRow> {
    let mut tx = db.begin_write().await?;
    let key = keys::set_budget(&mut tx, account_id, key_id, budget)
        .await?
        .ok_or_else(|| ServiceError::NotFound(format!("no key {key_id}")))?;
    db::commit(tx).await?;
    Ok(key)
}

#[tracing::instrument(skip_all, fields(account = %account))]
pub async fn revoke_key(db: &Db, account: &str, key_id: KeyId) -> ServiceResult<()> {
    let account_id = account_id(db, account).await?;
    let mut tx = db.begin_write().await?;
    if !keys::revoke(&mut tx, account_id, key_id, time::now_unix()).await? {
        return Err(ServiceError::NotFound(format!(
            "account {account:?} has no live key {key_id}"
        )));
    }
    db::commit(tx).await?;
    Ok(())
}

#[tracing::instrument(skip_all, fields(account = %account))]
pub async fn create_storage(db: &Db, account: &str, name: &str) -> ServiceResult<StorageId> {
    let account_id = account_id(db, account).await?;
    let name = names::parse_object_name(name).map_err(|e| ServiceError::invalid("name", e))?;
    let mut tx = db.begin_write().await?;
    let id = objects::insert_storage(&mut tx, account_id, &name, time::now_unix()).await?;
    db::commit(tx).await?;
    Ok(id)
}

#[tracing::instrument(skip_all, fields(account = %account))]
pub async fn create_shop(
    db: &Db,
    account: &str,
    name: &str,
    storage_id: StorageId,
) -> ServiceResult<ShopId> {
    let account_id = account_id(db, account).await?;
    let name = names::parse_object_name(name).map_err(|e| ServiceError::invalid("name", e))?;
    let mut tx = db.begin_write().await?;
    require(&mut tx, account_id, storage_id, "storage").await?;
    let id = objects::insert_shop(&mut tx, account_id, &name, storage_id, time::now_unix()).await?;
    db::commit(tx).await?;
    Ok(id)
}

#[tracing::instrument(skip_all, fields(account = %account))]
pub async fn create_tax(db: &Db, account: &str, name: &str, rate: &str) -> ServiceResult<TaxId> {
    let account_id = account_id(db, account).await?;
    let name = names::parse_object_name(name).map_err(|e| ServiceError::invalid("name", e))?;
    let rate = Percent::from_str(rate).map_err(|e| ServiceError::invalid("rate", e.to_string()))?;
    if rate.is_negative() || rate.decimal() > rust_decimal::Decimal::ONE_HUNDRED {
        return Err(ServiceError::invalid(
            "rate",
            "a tax rate is a percentage from 0 to 100",
        ));
    }
    let mut tx = db.begin_write().await?;
    let id = objects::insert_tax(&mut tx, account_id, &name, rate, time::now_unix()).await?;
    db::commit(tx).await?;
    Ok(id)
}

#[tracing::instrument(skip_all, fields(account = %account))]
pub async fn create_payment_type(
    db: &Db,
    account: &str,
    name: &str,
    kind: &str,
) -> ServiceResult<PaymentTypeId> {
    let account_id = account_id(db, account).await?;
    let name = names::parse_object_name(name).map_err(|e| ServiceError::invalid("name", e))?;
    let kind: PaymentKind = kind
        .parse()
        .map_err(|e: String| ServiceError::invalid("kind", format!("kind {e}")))?;
    let mut tx = db.begin_write().await?;
    let id =
        objects::insert_payment_type(&mut tx, account_id, &name, kind, time::now_unix()).await?;
    db::commit(tx).await?;
    Ok(id)
}

#[tracing::instrument(skip_all, fields(account = %account))]
pub async fn create_menu(db: &Db, account: &str, name: &str) -> ServiceResult<MenuId> {
    let account_id = account_id(db, account).await?;
    let name = names::parse_object_name(name).map_err(|e| ServiceError::invalid("name", e))?;
    let mut tx = db.begin_write().await?;
    let id = objects::insert_menu(&mut tx, account_id, &name, time::now_unix()).await?;
    db::commit(tx).await?;
    Ok(id)
}

/// Changes the account's time zone and/or stock module; returns the account id.
#[tracing::instrument(skip_all, fields(account = %account))]
pub async fn set_settings(
    db: &Db,
    account: &str,
    change: &SettingsChange<'_>,
) -> ServiceResult<AccountId> {
    let account_id = account_id(db, account).await?;
    update_settings(db, account_id, change).await?;
    Ok(account_id)
}

/// A change to an account's settings; `None` leaves one as it is. `lock_date`:
/// `Some(None)` clears the lock, `Some(Some(day))` sets it.
#[derive(Debug, Default)]
pub struct SettingsChange<'a> {
    pub timezone: Option<&'a str>,
    pub stock_module: Option<bool>,
    pub lock_date: Option<Option<&'a str>>,
}

/// Applies `change` to the account in one transaction; 422 naming `timezone` or `lock_date`.
#[tracing::instrument(skip_all, fields(account = %account_id))]
pub async fn update_settings(
    db: &Db,
    account_id: AccountId,
    change: &SettingsChange<'_>,
) -> ServiceResult<accounts::Settings> {
    if let Some(tz) = change.timezone {
        time::parse_timezone(tz).map_err(|e| ServiceError::invalid("timezone", e))?;
    }
    let lock_date = match change.lock_date {
        Some(Some(day)) => Some(Some(
            time::parse_day(day).map_err(|e| ServiceError::invalid("lock_date", e))?,
        )),
        Some(None) => Some(None),
        None => None,
    };
    let mut tx = db.begin_write().await?;
    accounts::update_settings(&mut tx, account_id, change.timezone, change.stock_module).await?;
    if let Some(lock_date) = lock_date {
        accounts::set_lock_date(&mut tx, account_id, lock_date).await?;
    }
    let settings = accounts::settings(&mut tx, account_id).await?;
    db::commit(tx).await?;
    Ok(settings)
}

/// The account's settings.
pub async fn settings(db: &Db, account_id: AccountId) -> ServiceResult<accounts::Settings> {
    Ok(accounts::settings(&mut db.read().await, account_id).await?)
}

/// A discount group to create; rates are percentages.
pub struct GroupSpec<'a> {
    pub name: &'a str,
    pub kind: &'a str,
    pub rate: &'a str,
    pub bonus_max_bill_rate: Option<&'a str>,
}

#[tracing::instrument(skip_all, fields(account = %account))]
pub async fn create_discount_group(
    db: &Db,
    account: &str,
    spec: GroupSpec<'_>,
) -> ServiceResult<DiscountGroupId> {
    let account_id = account_id(db, account).await?;
    let name = names::parse_object_name(spec.name).map_err(|e| ServiceError::invalid("name", e))?;
    let kind = crate::domain::client::DiscountKind::parse(spec.kind)
        .ok_or_else(|| ServiceError::invalid("type", "type must be discount or bonus"))?;
    let rate = percentage(spec.rate, "rate")?;
    let cap = percentage(
        spec.bonus_max_bill_rate.unwrap_or("100"),
        "bonus_max_bill_rate",
    )?;
    let group = clients::NewGroup {
        name: &name,
        kind,
        rate,
        bonus_max_bill_rate: cap,
    };
    let mut tx = db.begin_write().await?;
    let id = clients::insert_group(&mut tx, account_id, &group, time::now_unix()).await?;
    db::commit(tx).await?;
    Ok(id)
}

fn percentage(text: &str, field: &str) -> ServiceResult<Percent> {
    let value = Percent::from_str(text).map_err(|e| ServiceError::invalid(field, e.to_string()))?;
    if value.is_negative() || value.decimal() > rust_decimal::Decimal::ONE_HUNDRED {
        return Err(ServiceError::invalid(field, "a percentage from 0 to 100"));
    }
    Ok(value)
}

/// A client to create.
pub struct ClientSpec<'a> {
    pub name: &'a str,
    pub last_name: Option<&'a str>,
    pub phone: Option<&'a str>,
    pub card: Option<&'a str>,
    pub group: Option<DiscountGroupId>,
}

/// Creates a client; returns its UUID.
#[tracing::instrument(skip_all, fields(account = %account))]
pub async fn create_client(db: &Db, account: &str, spec: ClientSpec<'_>) -> ServiceResult<String> {
    let account_id = account_id(db, account).await?;
    let name = names::parse_object_name(spec.name).map_err(|e| ServiceError::invalid("name", e))?;
    let mut tx = db.begin_write().await?;
    let group_id = spec.group;
    if let Some(group) = group_id {
        if clients::group(&mut tx, account_id, group).await?.is_none() {
            return Err(ServiceError::invalid(
                "group",
                format!("no discount group {group}"),
            ));
        }
    }
    let client = clients::NewClient {
        uuid: uuid::Uuid::new_v4().to_string(),
        name,
        last_name: spec.last_name.unwrap_or_default().trim().to_owned(),
        phone: spec.phone.unwrap_or_default().trim().to_owned(),
        card_number: spec.card.unwrap_or_default().trim().to_owned(),
        group_id,
        ..clients::NewClient::default()
    };
    clients::insert(&mut tx, account_id, &client, time::now_unix()).await?;
    super::loyalty::announce(
        &mut tx,
        account_id,
        crate::domain::webhook::EventType::ClientCreated,
        &client.uuid,
    )
    .await?;
    db::commit(tx).await?;
    Ok(client.uuid)
}

/// A modifier group to create.
pub struct ModifierGroupSpec<'a> {
    pub name: &'a str,
    pub min: i64,
    pub max: i64,
    pub multiple: bool,
}

#[tracing::instrument(skip_all, fields(account = %account))]
pub async fn create_modifier_group(
    db: &Db,
    account: &str,
    spec: ModifierGroupSpec<'_>,
) -> ServiceResult<ModifierGroupId> {
    let account_id = account_id(db, account).await?;
    let name = names::parse_object_name(spec.name).map_err(|e| ServiceError::invalid("name", e))?;
    if spec.min < 0 || spec.max < spec.min {
        return Err(ServiceError::invalid("max", "need 0 ≤ min ≤ max"));
    }
    let group = modifiers::NewGroup {
        name: &name,
        multiple: spec.multiple,
        min: spec.min,
        max: spec.max,
    };
    let mut tx = db.begin_write().await?;
    let id = modifiers::insert_group(&mut tx, account_id, &group, time::now_unix()).await?;
    db::commit(tx).await?;
    Ok(id)
}

/// The group and product a modifier command names, checked inside `tx`.
async fn group_and_product(
    tx: &mut db::Tx,
    account_id: AccountId,
    group: ModifierGroupId,
    code: &str,
) -> ServiceResult<ProductId> {
    if !modifiers::group_exists(tx, account_id, group).await? {
        return Err(ServiceError::invalid(
            "group",
            format!("no modifier group {group}"),
        ));
    }
    let found = catalog::products_by_code(tx, account_id, &[code.to_owned()]).await?;
    found
        .get(code)
        .map(|p| p.id)
        .ok_or_else(|| ServiceError::invalid("product_code", format!("no product {code:?}")))
}

/// Adds a product to a modifier group: `count` of it for `price`; returns the item's id.
#[tracing::instrument(skip_all, fields(account = %account))]
pub async fn add_modifier_item(
    db: &Db,
    account: &str,
    group: ModifierGroupId,
    code: &str,
    count: &str,
    price: &str,
) -> ServiceResult<ModifierItemId> {
    let account_id = account_id(db, account).await?;
    let count = Qty::from_str(count).map_err(|e| ServiceError::invalid("count", e.to_string()))?;
    let price =
        Money::from_str(price).map_err(|e| ServiceError::invalid("price", e.to_string()))?;
    if count.decimal() <= rust_decimal::Decimal::ZERO || price.is_negative() {
        return Err(ServiceError::invalid(
            "count",
            "count must be positive and price not negative",
        ));
    }
    let mut tx = db.begin_write().await?;
    let product = group_and_product(&mut tx, account_id, group, code).await?;
    let id = modifiers::insert_item(
        &mut tx,
        account_id,
        group,
        product,
        count,
        price,
        time::now_unix(),
    )
    .await?;
    db::commit(tx).await?;
    Ok(id)
}

/// Attaches a modifier group to a product; returns the group id.
#[tracing::instrument(skip_all, fields(account = %account))]
pub async fn attach_modifier_group(
    db: &Db,
    account: &str,
    group: ModifierGroupId,
    code: &str,
) -> ServiceResult<ModifierGroupId> {
    let account_id = account_id(db, account).await?;
    let mut tx = db.begin_write().await?;
    let product = group_and_product(&mut tx, account_id, group, code).await?;
    modifiers::attach(&mut tx, account_id, group, product, time::now_unix()).await?;
    db::commit(tx).await?;
    Ok(group)
}

/// Fails with `Invalid` naming `field` unless the account has a live object `id` in `table`.
pub async fn require<T: objects::Object>(
    tx: &mut db::Tx,
    account_id: AccountId,
    id: T,
    field: &str,
) -> ServiceResult<()> {
    if objects::exists(tx, account_id, id).await? {
        Ok(())
    } else {
        Err(ServiceError::invalid(
            field,
            format!("{field} {} does not exist in this account", id.get()),
        ))
    }
}
