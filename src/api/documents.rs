//! What the stock documents' endpoints share (invoices, transfers, adjustments): the
//! wire/unwire action, the date range of their lists, and the small objects of their answers.

use axum::Json;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::caller::Caller;
use super::error::{ApiError, ApiResult};
use super::{AppState, Success};
use crate::domain::ids::StorageId;
use crate::domain::time;
use crate::service::documents::{self, StockDocument};

/// `{"action": "wire" | "unwire"}`
#[derive(Debug, Deserialize, ToSchema)]
pub struct WireAction {
    #[schema(value_type = crate::wire::vocab::DocumentAction)]
    pub action: String,
}

/// `wire` → true, `unwire` → false.
pub fn parse_action(action: &str) -> ApiResult<bool> {
    match action {
        "wire" => Ok(true),
        "unwire" => Ok(false),
        other => Err(ApiError::unprocessable(
            "action",
            format!("action {other:?} is not wire or unwire"),
        )),
    }
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct DateRange {
    /// First calendar day (account time zone), `YYYY-MM-DD`. Default: no start.
    #[param(format = Date)]
    start: Option<String>,
    /// Last calendar day, inclusive. Default: no end.
    #[param(format = Date)]
    end: Option<String>,
}

impl DateRange {
    /// `[from, to)` in Unix seconds.
    pub fn bounds(&self, zone: &TimeZone) -> ApiResult<(i64, i64)> {
        day_bounds(self.start.as_deref(), self.end.as_deref(), zone)
    }
}

/// The instants of a range of calendar days in `zone`, `[start of start, end of end)`; an
/// open side is unbounded. 422 naming `start` or `end` when it is not a date.
pub fn day_bounds(
    start: Option<&str>,
    end: Option<&str>,
    zone: &TimeZone,
) -> ApiResult<(i64, i64)> {
    let from = match start {
        Some(day) => time::day_start(day, zone).map_err(|e| ApiError::unprocessable("start", e))?,
        None => i64::MIN,
    };
    let to = match end {
        Some(day) => time::day_end(day, zone).map_err(|e| ApiError::unprocessable("end", e))?,
        None => i64::MAX,
    };
    Ok((from, to))
}

/// Wires or unwires document `id` as `body` says.
pub async fn wire<D: StockDocument>(
    state: &AppState,
    caller: &Caller,
    id: D,
    body: &WireAction,
) -> ApiResult<Json<Success>> {
    let wired = parse_action(&body.action)?;
    documents::set_wired(&state.db, &caller.actor(), id, wired).await?;
    Ok(Json(Success { success: true }))
}

/// The headers of the documents of a kind in the range, shown by `show`.
pub async fn list<D: StockDocument, T>(
    state: &AppState,
    caller: &Caller,
    range: &DateRange,
    show: impl Fn(&D::Header, &TimeZone) -> T,
) -> ApiResult<Vec<T>> {
    let (from, to) = range.bounds(&caller.timezone)?;
    let rows = documents::list::<D>(&state.db, caller.account_id, from, to).await?;
    Ok(rows.iter().map(|row| show(row, &caller.timezone)).collect())
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IdRef {
    pub id: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StorageRef {
    #[schema(value_type = i64)]
    pub id: StorageId,
    pub name: String,
}

pub fn status(wired: bool) -> &'static str {
    if wired {
        "wired"
    } else {
        "not_wired"
    }
}
