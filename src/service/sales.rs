//! The point of sale (API.md §7): shifts, receipts uploaded from the till, orders sent to the
//! shop moved along their flow and closed, and annulments. Closing a receipt writes off its
//! stock and updates its client in the same transaction; an annulment reverses both exactly.

use std::collections::HashMap;

use rust_decimal::Decimal;

use crate::db::ids::{self, Kind};
use crate::db::minimums as db_minimums;
use crate::db::objects;
use crate::db::products;
use crate::db::sales::{self, Closing, LineCost, LineRow, OpenShift, PaymentRow, ReceiptRow};
use crate::db::{self, Db, DbError, Tx};
use crate::domain::decimal::{Money, Qty, UnitCost};
use crate::domain::document::{DocKind, DocRef};
use crate::domain::ids::{
    AccountId, EmployeeId, PaymentTypeId, ProductId, ReceiptId, ShiftId, ShopId,
};
use crate::domain::sales::{self as rules, OrderStatus, PaymentKind, ReceiptSource, Totals};
use crate::domain::time;
use crate::domain::webhook::EventType;
use crate::wire::sales::{CloseOrderIn, PaymentIn, ReceiptIn, ReceiptLineIn, ShiftOpenIn};
use crate::wire::webhooks::{OrderEvent, ReceiptEvent};

use super::employees;
use super::exports;
use super::loyalty::{self, Bonus};
use super::webhooks;
use super::write_off::{self, Sold};
use super::{Actor, ServiceError, ServiceResult};

/// A till: the shop a terminal key acts for.
#[derive(Debug, Clone)]
pub struct Till {
    pub actor: Actor,
    pub shop_id: ShopId,
}

impl Till {
    fn account_id(&self) -> AccountId {
        self.actor.account_id
    }
}

/// The kinds of an account's payment types, by type.
pub type PaymentKinds = HashMap<PaymentTypeId, PaymentKind>;

/// Opens the till's shop's cash shift; returns its id.
#[tracing::instrument(skip_all, fields(account = %till.actor.account_id))]
pub async fn open_shift(db: &Db, till: &Till, input: &ShiftOpenIn) -> ServiceResult<ShiftId> {
    let shift_day = match &input.shift_day {
        Some(day) => time::parse_day(day).map_err(|e| ServiceError::invalid("shift_day", e))?,
        None => time::day_of(time::now_unix(), &till.actor.timezone),
    };
    let mut tx = db.begin_write().await?;
    employees::require(&mut tx, till.account_id(), input.employee_id, "employee_id").await?;
    let shift = OpenShift {
        id: ShiftId::new(ids::next(&mut tx, till.account_id(), Kind::Shift).await?),
        shift_day,
        employee_id: input.employee_id,
    };
    match sales::open_shift(
        &mut tx,
        till.account_id(),
        till.shop_id,
        &shift,
        time::now_unix(),
    )
    .await
    {
        // the partial unique index allows one open shift per shop
        Err(DbError::UniqueViolation(_)) => {
            return Err(ServiceError::Conflict(format!(
                "shop {} already has an open shift",
                till.shop_id
            )))
        }
        other => other?,
    }
    db::commit(tx).await?;
    Ok(shift.id)
}

/// Closes the till's shop's open shift `id`.
#[tracing::instrument(skip_all, fields(account = %till.actor.account_id))]
pub async fn close_shift(db: &Db, till: &Till, id: ShiftId) -> ServiceResult<()> {
    let mut tx = db.begin_write().await?;
    if !sales::close_shift(
        &mut tx,
        till.account_id(),
        till.shop_id,
        id,
        time::now_unix(),
    )
    .await?
    {
        if !sales::shift_exists(&mut tx, till.account_id(), till.shop_id, id).await? {
            return Err(ServiceError::NotFound(format!(
                "shop {} has no shift {id}",
                till.shop_id
            )));
        }
        return Err(ServiceError::Conflict(format!(
            "shift {id} of shop {} is already closed",
            till.shop_id
        )));
    }
    db::commit(tx).await?;
    Ok(())
}

/// A till receipt whose own fields are checked.
pub struct Checked {
    uuid: String,
    lines: Vec<LineRow>,
    payments: Vec<PaymentRow>,
    closed_at: i64,
    client: Option<String>,
    count_clients: i64,
    /// The receipt's own cashier, if it names one.
    employee_id: Option<EmployeeId>,
}

/// Checks what can be checked of a receipt without the database.
pub fn check(input: &ReceiptIn, tz: &jiff::tz::TimeZone, now: i64) -> ServiceResult<Checked> {
    if input.kind.as_deref().is_some_and(|k| k != "sale") {
        return Err(ServiceError::invalid(
            "type",
            "a till uploads sales; a return is an annulment",
        ));
    }
    let uuid = match &input.uuid {
        Some(text) => parse_uuid(text, "uuid")?,
        None => uuid::Uuid::new_v4().to_string(),
    };
    let client = match &input.client_uuid {
        Some(text) => Some(parse_uuid(text, "client_uuid")?),
        None => None,
    };
    let closed_at = match &input.created_at {
        Some(text) => {
            time::parse_instant(text, tz).map_err(|e| ServiceError::invalid("created_at", e))?
        }
        None => now,
    };
    Ok(Checked {
        uuid,
        lines: check_lines(&input.lines)?,
        payments: check_payments(&input.payments)?,
        closed_at,
        client,
        count_clients: input.count_clients.unwrap_or(1).max(1),
        employee_id: input.employee_id,
    })
}

/// Records a receipt closed at the till and writes it off; a known UUID answers the same.
#[tracing::instrument(skip_all, fields(account = %till.actor.account_id))]
pub async fn upload(db: &Db, till: &Till, input: &ReceiptIn) -> ServiceResult<String> {
    let now = time::now_unix();
    let checked = check(input, &till.actor.timezone, now)?;
    let uuid = checked.uuid.clone();
    let mut tx = db.begin_write().await?;
    if let Some(known) = sales::by_uuid(&mut tx, till.account_id(), &uuid).await? {
        return if known.shop_id == Some(till.shop_id) && known.source == ReceiptSource::Pos {
            Ok(uuid)
        } else {
            Err(ServiceError::Conflict(format!(
                "receipt {uuid} exists and is not this till's"
            )))
        };
    }
    let shift = current_shift(&mut tx, till).await?;
    record(&mut tx, till, &shift, checked, now).await?;
    db::commit(tx).await?;
    Ok(uuid)
}

/// Writes a checked receipt into `shift` (id, cash day) inside `tx`: stock, client, lines,
/// aggregates. The till's upload and the sales seeder both come through here.
pub async fn record(
    tx: &mut Tx,
    till: &Till,
    shift: &OpenShift,
    checked: Checked,
    now: i64,
) -> ServiceResult<()> {
    let account_id = till.account_id();
    let Checked {
        uuid,
        lines,
        payments,
        closed_at,
        client,
        count_clients,
        employee_id,
    } = checked;
    employees::require(tx, account_id, employee_id, "employee_id").await?;
    let kinds = payment_kinds(tx, account_id, &payments).await?;
    let Totals {
        total,
        total_sum,
        discount_sum,
    } = totals(&lines);
    require_covered(&payments, total_sum)?;
    let bonus = loyalty::apply(
        tx,
        account_id,
        client.as_deref(),
        total_sum,
        &payments,
        &kinds,
        now,
    )
    .await?;
    let id = ReceiptId::new(ids::next(tx, account_id, Kind::Receipt).await?);
    let costs = write_off::post(
        tx,
        account_id,
        till.shop_id,
        DocRef::of(id),
        closed_at,
        &sold(&lines),
        now,
    )
    .await?;
    let lines: Vec<LineRow> = lines
        .into_iter()
        .map(|l| LineRow {
            self_cost_sum: costs.get(&l.line_no).copied().unwrap_or(Money::ZERO),
            ..l
        })
        .collect();
    let receipt = ReceiptRow {
        shop_id: Some(till.shop_id),
        sent: true,
        shift_id: Some(shift.id),
        shift_day: Some(shift.shift_day.clone()),
        employee_id: employee_id.or(shift.employee_id),
        client_uuid: client,
        count_clients,
        total,
        total_sum,
        discount_sum,
        bonus_accrued: bonus.accrued,
        bonus_spent: bonus.spent,
        closed_at: Some(closed_at),
        ..ReceiptRow::new(id, uuid, ReceiptSource::Pos, OrderStatus::Closed, closed_at)
    };
    sales::insert(tx, account_id, &receipt, &lines, &payments, now).await?;
    exports::record(
        tx,
        account_id,
        &till.actor.timezone,
        &receipt,
        &lines,
        &payments,
        &kinds,
    )
    .await?;
    announce(
        tx,
        till,
        EventType::ReceiptClosed,
        &receipt,
        None,
        &lines,
        &payments,
    )
    .await
}

/// The webhook events of a receipt recorded: its own (`receipt.closed`, or
/// `receipt.annulled` for a counter-receipt of the annulled `origin`) and the minimums its
/// stock crossed. Each is built only when someone listens.
async fn announce(
    tx: &mut Tx,
    till: &Till,
    event: EventType,
    receipt: &ReceiptRow,
    origin: Option<&str>,
    lines: &[LineRow],
    payments: &[PaymentRow],
) -> ServiceResult<()> {
    let account_id = till.account_id();
    let listeners = webhooks::listeners(tx, account_id).await?;
    if listeners.any(event) {
        let data = ReceiptEvent::new(receipt, origin, lines, payments, &till.actor.timezone);
        webhooks::emit_to(tx, account_id, &listeners, event, &data).await?;
    }
    if listeners.any(EventType::StockBelowMinimum) {
        let moved =
            db_minimums::moved_by(tx, account_id, DocKind::Receipt.as_str(), receipt.id.get())
                .await?;
        super::minimums::emit_crossed(tx, account_id, &listeners, &moved).await?;
    }
    Ok(())
}

/// Annuls a closed receipt of this till: a counter-receipt (`income` −1, same totals) takes
/// back exactly its stock movements and its effect on the client. Returns the counter's UUID.
#[tracing::instrument(skip_all, fields(account = %till.actor.account_id))]
pub async fn annul(db: &Db, till: &Till, uuid: &str) -> ServiceResult<String> {
    let mut tx = db.begin_write().await?;
    let counter = annul_in(&mut tx, till, uuid, time::now_unix()).await?;
    db::commit(tx).await?;
    Ok(counter)
}

/// [`annul`] inside `tx`, made at `now` (the demo's history annuls on past days).
pub async fn annul_in(tx: &mut Tx, till: &Till, uuid: &str, now: i64) -> ServiceResult<String> {
    let account_id = till.account_id();
    let original = this_tills(tx, till, uuid).await?;
    if original.status != OrderStatus::Closed || original.income != 1 {
        return Err(ServiceError::Conflict(format!(
            "receipt {uuid} is {}, only a closed sale can be annulled",
            original.status
        )));
    }
    let shift = current_shift(tx, till).await?;
    sales::set_status(
        tx,
        account_id,
        original.id,
        OrderStatus::Closed,
        OrderStatus::Annuled,
        now,
    )
    .await?;
    let id = ReceiptId::new(ids::next(tx, account_id, Kind::Receipt).await?);
    write_off::reverse(
        tx,
        account_id,
        DocRef::of(original.id),
        DocRef::of(id),
        now,
        now,
    )
    .await?;
    let bonus = Bonus {
        accrued: original.bonus_accrued,
        spent: original.bonus_spent,
    };
    loyalty::reverse(
        tx,
        account_id,
        original.client_uuid.as_deref(),
        original.total_sum,
        bonus,
        now,
    )
    .await?;
    let lines = sales::lines(tx, account_id, original.id).await?;
    let payments = sales::payments(tx, account_id, original.id).await?;
    let counter = ReceiptRow {
        id,
        uuid: uuid::Uuid::new_v4().to_string(),
        shift_id: Some(shift.id),
        shift_day: Some(shift.shift_day),
        employee_id: shift.employee_id,
        status: OrderStatus::Closed,
        income: -1,
        origin_id: Some(original.id),
        source: ReceiptSource::Pos,
        created_at: now,
        closed_at: Some(now),
        ..original
    };
    sales::insert(tx, account_id, &counter, &lines, &payments, now).await?;
    let kinds = kinds_of(tx, account_id).await?;
    exports::record(
        tx,
        account_id,
        &till.actor.timezone,
        &counter,
        &lines,
        &payments,
        &kinds,
    )
    .await?;
    announce(
        tx,
        till,
        EventType::ReceiptAnnulled,
        &counter,
        Some(uuid),
        &lines,
        &payments,
    )
    .await?;
    Ok(counter.uuid)
}

/// Moves an order sent to this till along the flow; 409 for a step back or from a final state.
#[tracing::instrument(skip_all, fields(account = %till.actor.account_id))]
pub async fn set_order_status(db: &Db, till: &Till, uuid: &str, status: &str) -> ServiceResult<()> {
    let target = OrderStatus::parse(status).ok_or_else(|| {
        ServiceError::invalid(
            "status",
            format!("{status:?} is not a status of the order flow"),
        )
    })?;
    let mut tx = db.begin_write().await?;
    let order = this_tills_order(&mut tx, till, uuid).await?;
    // forward only (a step may be skipped); closing and annulling have their own paths
    if !order.status.may_become(target) {
        return Err(ServiceError::Conflict(format!(
            "order {uuid} is {}; it cannot become {status}",
            order.status
        )));
    }
    if !sales::set_status(
        &mut tx,
        till.account_id(),
        order.id,
        order.status,
        target,
        time::now_unix(),
    )
    .await?
    {
        return Err(ServiceError::Conflict(format!(
            "order {uuid} changed meanwhile"
        )));
    }
    order_changed(&mut tx, till.account_id(), &order, target).await?;
    db::commit(tx).await?;
    Ok(())
}

/// Emits `order.status_changed`: `order` is now `status`.
async fn order_changed(
    tx: &mut Tx,
    account_id: AccountId,
    order: &ReceiptRow,
    status: OrderStatus,
) -> ServiceResult<()> {
    let data = OrderEvent {
        uuid: order.uuid.clone(),
        status: status.as_str(),
        terminal_number: order.shop_id,
        total_sum: order.total_sum,
    };
    webhooks::emit(tx, account_id, EventType::OrderStatusChanged, &data).await
}

/// Closes an order sent to this till as a receipt of the open shift: its payments (given, or
/// those it came with) must cover it; its stock is written off and its client updated.
#[tracing::instrument(skip_all, fields(account = %till.actor.account_id))]
pub async fn close_order(
    db: &Db,
    till: &Till,
    uuid: &str,
    input: &CloseOrderIn,
) -> ServiceResult<String> {
    let given = check_payments(&input.payments)?;
    let account_id = till.account_id();
    let now = time::now_unix();
    let mut tx = db.begin_write().await?;
    let order = this_tills_order(&mut tx, till, uuid).await?;
    if !order.status.in_flow() {
        return Err(ServiceError::Conflict(format!(
            "order {uuid} is {}; it cannot be closed",
            order.status
        )));
    }
    let shift = current_shift(&mut tx, till).await?;
    let payments = if given.is_empty() {
        sales::payments(&mut tx, account_id, order.id).await?
    } else {
        given
    };
    let kinds = payment_kinds(&mut tx, account_id, &payments).await?;
    require_covered(&payments, order.total_sum)?;
    let bonus = loyalty::apply(
        &mut tx,
        account_id,
        order.client_uuid.as_deref(),
        order.total_sum,
        &payments,
        &kinds,
        now,
    )
    .await?;
    let lines = sales::lines(&mut tx, account_id, order.id).await?;
    let costs = write_off::post(
        &mut tx,
        account_id,
        till.shop_id,
        DocRef::of(order.id),
        now,
        &sold(&lines),
        now,
    )
    .await?;
    let mut costs: Vec<LineCost> = costs
        .into_iter()
        .map(|(line_no, cost)| LineCost { line_no, cost })
        .collect();
    costs.sort_unstable_by_key(|c| c.line_no);
    sales::set_self_costs(&mut tx, account_id, order.id, &costs).await?;
    sales::replace_payments(&mut tx, account_id, order.id, &payments).await?;
    let closing = Closing {
        shift_id: shift.id,
        employee_id: shift.employee_id,
        shift_day: &shift.shift_day,
        closed_at: now,
        bonus_accrued: bonus.accrued,
        bonus_spent: bonus.spent,
    };
    if !sales::close(&mut tx, account_id, order.id, order.status, &closing, now).await? {
        return Err(ServiceError::Conflict(format!(
            "order {uuid} changed meanwhile"
        )));
    }
    let lines = sales::lines(&mut tx, account_id, order.id).await?;
    let closed = ReceiptRow {
        status: OrderStatus::Closed,
        shift_id: Some(shift.id),
        shift_day: Some(shift.shift_day.clone()),
        employee_id: shift.employee_id,
        closed_at: Some(now),
        ..order.clone()
    };
    exports::record(
        &mut tx,
        account_id,
        &till.actor.timezone,
        &closed,
        &lines,
        &payments,
        &kinds,
    )
    .await?;
    order_changed(&mut tx, account_id, &order, OrderStatus::Closed).await?;
    announce(
        &mut tx,
        till,
        EventType::ReceiptClosed,
        &closed,
        None,
        &lines,
        &payments,
    )
    .await?;
    db::commit(tx).await?;
    Ok(order.uuid)
}

fn sold(lines: &[LineRow]) -> Vec<Sold> {
    lines
        .iter()
        .map(|l| Sold {
            line_no: l.line_no,
            product_id: l.product_id,
            count: l.count,
        })
        .collect()
}

pub fn parse_uuid(text: &str, field: &str) -> ServiceResult<String> {
    uuid::Uuid::parse_str(text.trim())
        .map(|u| u.to_string())
        .map_err(|_| ServiceError::invalid(field, format!("{text:?} is not a UUID")))
}

/// The till's open shift; 409 without one.
async fn current_shift(tx: &mut Tx, till: &Till) -> ServiceResult<OpenShift> {
    sales::open_shift_of(tx, till.account_id(), till.shop_id)
        .await?
        .ok_or_else(|| ServiceError::Conflict(format!("shop {} has no open shift", till.shop_id)))
}

async fn this_tills(tx: &mut Tx, till: &Till, uuid: &str) -> ServiceResult<ReceiptRow> {
    sales::by_uuid(tx, till.account_id(), uuid)
        .await?
        .filter(|r| r.shop_id == Some(till.shop_id))
        .ok_or_else(|| ServiceError::NotFound(format!("no receipt {uuid} at this shop")))
}

async fn this_tills_order(tx: &mut Tx, till: &Till, uuid: &str) -> ServiceResult<ReceiptRow> {
    let receipt = this_tills(tx, till, uuid).await?;
    if receipt.sent && receipt.source == ReceiptSource::Delivery {
        Ok(receipt)
    } else {
        Err(ServiceError::NotFound(format!(
            "no order {uuid} sent to this shop"
        )))
    }
}

/// 422 naming the first of `ids` that is not a product of the account.
pub async fn require_products(
    tx: &mut Tx,
    account_id: AccountId,
    ids: impl Iterator<Item = ProductId>,
    list: &str,
) -> ServiceResult<()> {
    let wanted: Vec<ProductId> = ids.collect();
    let found = products::cancellations(tx, account_id, &wanted).await?;
    match wanted.iter().position(|id| !found.contains_key(id)) {
        Some(i) => Err(ServiceError::invalid(
            format!("{list}[{i}].product_id"),
            format!("unknown product_id {}", wanted[i]),
        )),
        None => Ok(()),
    }
}

/// The kinds of the account's payment types.
pub async fn kinds_of(tx: &mut Tx, account_id: AccountId) -> ServiceResult<PaymentKinds> {
    Ok(objects::payment_kinds(tx, account_id).await?)
}

/// The kinds of the payment types used; 422 naming an unknown one.
pub async fn payment_kinds(
    tx: &mut Tx,
    account_id: AccountId,
    payments: &[PaymentRow],
) -> ServiceResult<PaymentKinds> {
    let kinds = kinds_of(tx, account_id).await?;
    match payments
        .iter()
        .position(|p| !kinds.contains_key(&p.payment_type_id))
    {
        Some(j) => Err(ServiceError::invalid(
            format!("payments[{j}].payment_id"),
            format!("unknown payment type {}", payments[j].payment_type_id),
        )),
        None => Ok(kinds),
    }
}

/// 422 when the payments do not cover `total_sum`.
pub fn require_covered(payments: &[PaymentRow], total_sum: Money) -> ServiceResult<()> {
    let paid = rules::tendered(payments.iter().map(|p| p.value));
    if !rules::covers(paid, total_sum) {
        return Err(ServiceError::invalid(
            "payments",
            format!("payments of {paid} do not cover the total of {total_sum}"),
        ));
    }
    Ok(())
}

/// Payments as rows; none negative.
pub fn check_payments(payments: &[PaymentIn]) -> ServiceResult<Vec<PaymentRow>> {
    payments
        .iter()
        .enumerate()
        .map(|(j, p)| {
            if p.value.is_negative() {
                Err(ServiceError::invalid(
                    format!("payments[{j}].value"),
                    "a payment must not be negative",
                ))
            } else {
                Ok(PaymentRow {
                    payment_type_id: p.payment_id,
                    value: p.value,
                })
            }
        })
        .collect()
}

/// The totals of the lines: before discounts, after them, and the discounts.
pub fn totals(lines: &[LineRow]) -> Totals {
    rules::totals(lines.iter().map(|l| (l.total_sum, l.discount_sum)))
}

/// The till's lines as rows: counts positive, nothing negative, modifiers pointing at a line.
fn check_lines(lines: &[ReceiptLineIn]) -> ServiceResult<Vec<LineRow>> {
    if lines.is_empty() {
        return Err(ServiceError::invalid(
            "lines",
            "a receipt needs at least one line",
        ));
    }
    let uuids: Vec<String> = lines
        .iter()
        .enumerate()
        .map(|(i, l)| match &l.uuid {
            Some(text) => parse_uuid(text, &format!("lines[{i}].uuid")),
            None => Ok(uuid::Uuid::new_v4().to_string()),
        })
        .collect::<ServiceResult<_>>()?;
    lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let field = |name: &str| format!("lines[{i}].{name}");
            if l.count.decimal() <= Decimal::ZERO {
                return Err(ServiceError::invalid(
                    field("count"),
                    "count must be positive",
                ));
            }
            let origin = l.origin_price.unwrap_or(l.price);
            let discount = l.discount_sum.unwrap_or(Money::ZERO);
            for (name, negative) in [
                ("price", l.price.is_negative()),
                ("origin_price", origin.is_negative()),
                ("discount_sum", discount.is_negative()),
                ("total_sum", l.total_sum.is_negative()),
            ] {
                if negative {
                    return Err(ServiceError::invalid(
                        field(name),
                        format!("{name} must not be negative"),
                    ));
                }
            }
            let parent_line = match &l.parent_id {
                None => None,
                Some(parent) => Some(parent_line(parent, &uuids, i).ok_or_else(|| {
                    ServiceError::invalid(
                        field("parent_id"),
                        format!("no other line {parent:?} in this receipt"),
                    )
                })?),
            };
            Ok(LineRow {
                line_no: i64::try_from(i + 1).unwrap_or(i64::MAX),
                uuid: uuids[i].clone(),
                product_id: l.product_id,
                parent_line,
                title: String::new(),
                count: l.count,
                price: l.price,
                origin_price: origin,
                discount_sum: discount,
                total_sum: l.total_sum,
                self_cost_sum: Money::ZERO,
            })
        })
        .collect()
}

/// The line number a modifier's `parent_id` names: a line's UUID, or a 1-based position.
fn parent_line(parent: &str, uuids: &[String], own: usize) -> Option<i64> {
    let index = uuids
        .iter()
        .position(|u| u.eq_ignore_ascii_case(parent.trim()))
        .or_else(|| {
            parent
                .trim()
                .parse::<usize>()
                .ok()
                .filter(|n| (1..=uuids.len()).contains(n))
                .map(|n| n - 1)
        })?;
    (index != own).then_some(i64::try_from(index + 1).unwrap_or(i64::MAX))
}

/// A line's price when only its total is known.
pub fn unit_price(total: Money, count: Qty) -> UnitCost {
    if count.is_zero() {
        UnitCost::ZERO
    } else {
        UnitCost::round(total.decimal() / count.decimal())
    }
}
