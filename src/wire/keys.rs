//! The rate-limit request body of the admin API's keys (API.md §0 rate limits, §10).

use serde::Deserialize;
use utoipa::ToSchema;

/// A key's own rate limit. `rate` null (or the whole body `null`): back to the server's
/// default (`serve --rate-limit`).
#[derive(Debug, Deserialize, ToSchema)]
pub struct KeyRateIn {
    /// Requests a second on average; 0: the key is not limited; null: the server's default.
    #[serde(default)]
    #[schema(minimum = 0, maximum = 1_000_000, example = 5)]
    pub rate: Option<i64>,
    /// Requests the key may make at once (default: twice the rate); only with a rate above 0.
    #[serde(default)]
    #[schema(minimum = 1, maximum = 100_000_000, example = 10)]
    pub burst: Option<i64>,
}
