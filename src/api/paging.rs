//! Paging of the admin API's lists (API.md §10): `limit` (1–1000, default 100) and `offset`,
//! answered as a [`Page`] with the total the filters matched.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::error::{ApiError, ApiResult};

/// Paging: at most `limit` items (1–1000, default 100) after the first `offset`.
#[derive(Debug, Deserialize, IntoParams)]
pub struct Paging {
    #[param(minimum = 1, maximum = 1000)]
    limit: Option<i64>,
    #[param(minimum = 0)]
    offset: Option<i64>,
}

impl Paging {
    /// (skip, take), checked.
    pub fn window(&self) -> ApiResult<(usize, usize)> {
        let limit = self.limit.unwrap_or(100);
        if !(1..=1000).contains(&limit) {
            return Err(ApiError::unprocessable("limit", "limit is 1 to 1000"));
        }
        let offset = self.offset.unwrap_or(0);
        if offset < 0 {
            return Err(ApiError::unprocessable("offset", "offset is 0 or more"));
        }
        Ok((
            usize::try_from(offset).unwrap_or(usize::MAX),
            usize::try_from(limit).unwrap_or(100),
        ))
    }
}

impl Paging {
    /// (limit, offset), checked, for a list paged in the database.
    pub fn sql(&self) -> ApiResult<(i64, i64)> {
        let (skip, take) = self.window()?;
        Ok((
            i64::try_from(take).unwrap_or(100),
            i64::try_from(skip).unwrap_or(i64::MAX),
        ))
    }
}

/// A page of a list: the items, and how many there are in all.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    pub total: usize,
    pub items: Vec<T>,
}

pub fn page<T>(all: Vec<T>, paging: &Paging) -> ApiResult<Page<T>> {
    let (skip, take) = paging.window()?;
    let total = all.len();
    Ok(Page {
        total,
        items: all.into_iter().skip(skip).take(take).collect(),
    })
}
