//! Rate limits (API.md §0): each caller's budget, kept as a token bucket in whole integers.
//!
//! A bucket holds up to `burst` tokens and gains `rate` tokens a second; a request takes one.
//! Tokens are counted in millionths and time in microseconds, so a bucket gains exactly `rate`
//! millionths each microsecond: no rounding, no floats, and no drift however often it is asked.

/// Millionths of a token in one token (one request).
const UNIT: u64 = 1_000_000;
/// Microseconds in a second.
const SECOND_US: u64 = 1_000_000;

/// The most requests a second a budget may allow; far from any overflow in the arithmetic.
pub const MAX_RATE: i64 = 1_000_000;
/// The most requests a budget may allow at once.
pub const MAX_BURST: i64 = 100_000_000;

/// How many requests a caller may make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Budget {
    /// No limit at all.
    Unlimited,
    /// `rate` requests a second on average, up to `burst` at once.
    Limited { rate: u32, burst: u32 },
}

/// A budget refused, with the option or field at fault (`rate` or `burst`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BudgetError {
    pub field: &'static str,
    pub message: String,
}

impl Budget {
    /// The server's default: `rate` a second in bursts of twice that; 0 is no limit.
    pub fn default_of(rate: u32) -> Budget {
        match rate {
            0 => Budget::Unlimited,
            rate => Budget::Limited {
                rate,
                burst: rate.saturating_mul(2),
            },
        }
    }

    /// A budget as an administrator states it: `rate` a second (0: not limited) and `burst`
    /// at once (default twice the rate; only with a rate).
    pub fn parse(rate: i64, burst: Option<i64>) -> Result<Budget, BudgetError> {
        if !(0..=MAX_RATE).contains(&rate) {
            return Err(BudgetError {
                field: "rate",
                message: format!(
                    "the rate must be 0 (not limited) to {MAX_RATE} requests a second"
                ),
            });
        }
        let Ok(rate) = u32::try_from(rate) else {
            return Err(BudgetError {
                field: "rate",
                message: "the rate is out of range".into(),
            });
        };
        match (rate, burst) {
            (0, None) => Ok(Budget::Unlimited),
            (0, Some(_)) => Err(BudgetError {
                field: "burst",
                message: "a key that is not limited (rate 0) has no burst".into(),
            }),
            (rate, None) => Ok(Budget::default_of(rate)),
            (rate, Some(burst)) => match u32::try_from(burst) {
                Ok(burst) if (1..=MAX_BURST).contains(&i64::from(burst)) => {
                    Ok(Budget::Limited { rate, burst })
                }
                _ => Err(BudgetError {
                    field: "burst",
                    message: format!("the burst must be 1 to {MAX_BURST} requests"),
                }),
            },
        }
    }

    /// The budget as stored on a key: `(rate, burst)`, `rate` 0 for no limit.
    pub fn stored(self) -> (i64, Option<i64>) {
        match self {
            Budget::Unlimited => (0, None),
            Budget::Limited { rate, burst } => (i64::from(rate), Some(i64::from(burst))),
        }
    }

    /// The budget a key's stored columns name; `None` (rate NULL) follows the server's default.
    /// Values out of range (written by hand) are brought within it rather than refused, so a
    /// key keeps working.
    pub fn from_stored(rate: Option<i64>, burst: Option<i64>) -> Option<Budget> {
        let rate = rate?;
        if rate <= 0 {
            return Some(Budget::Unlimited);
        }
        let rate = u32::try_from(rate.min(MAX_RATE)).unwrap_or(u32::MAX);
        let burst = burst.map_or_else(
            || rate.saturating_mul(2),
            |b| u32::try_from(b.clamp(1, MAX_BURST)).unwrap_or(u32::MAX),
        );
        Some(Budget::Limited { rate, burst })
    }
}

impl std::fmt::Display for Budget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Budget::Unlimited => write!(f, "unlimited"),
            Budget::Limited { rate, burst } => write!(f, "{rate}/s burst {burst}"),
        }
    }
}

/// What one request's take from a bucket decided, and what the answer's headers say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    /// Whether the request may go on.
    pub allowed: bool,
    /// The bucket's size: requests the budget allows at once (`RateLimit-Limit`).
    pub limit: u32,
    /// Whole requests left after this one (`RateLimit-Remaining`).
    pub remaining: u64,
    /// Whole seconds, rounded up, until the bucket is full again (`RateLimit-Reset`).
    pub reset_secs: u64,
    /// Whole seconds, rounded up and at least 1, until a refused request may be made
    /// (`Retry-After`); 0 when allowed.
    pub retry_after_secs: u64,
}

/// One caller's tokens, as of the instant `at` (microseconds on the caller's clock).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bucket {
    rate: u64,
    burst: u64,
    /// Millionths of a token.
    tokens: u64,
    at: u64,
}

impl Bucket {
    /// A full bucket for `rate` a second up to `burst`, as of `now`.
    pub fn full(rate: u32, burst: u32, now: u64) -> Bucket {
        let burst = u64::from(burst.max(1));
        Bucket {
            rate: u64::from(rate.max(1)),
            burst,
            tokens: burst * UNIT,
            at: now,
        }
    }

    /// Takes one request at `now` under the budget `rate`/`burst`. A changed budget (the
    /// administrator set another) applies from now on; the bucket keeps what it holds, up to
    /// the new size.
    pub fn take(&mut self, rate: u32, burst: u32, now: u64) -> Decision {
        self.rate = u64::from(rate.max(1));
        self.burst = u64::from(burst.max(1));
        self.refill(now);
        let allowed = self.tokens >= UNIT;
        let retry_after_secs = if allowed {
            self.tokens -= UNIT;
            0
        } else {
            let wait_us = ceil_div(UNIT - self.tokens, self.rate);
            ceil_div(wait_us, SECOND_US).max(1)
        };
        let missing = self.capacity() - self.tokens;
        Decision {
            allowed,
            limit: u32::try_from(self.burst).unwrap_or(u32::MAX),
            remaining: self.tokens / UNIT,
            reset_secs: ceil_div(ceil_div(missing, self.rate), SECOND_US),
            retry_after_secs,
        }
    }

    /// Whether the bucket would be full at `now`: then it is as good as a new one, and can be
    /// forgotten.
    pub fn is_full_at(&self, now: u64) -> bool {
        let gained = now.saturating_sub(self.at).saturating_mul(self.rate);
        self.tokens.saturating_add(gained) >= self.capacity()
    }

    fn capacity(&self) -> u64 {
        self.burst * UNIT
    }

    fn refill(&mut self, now: u64) {
        // a clock that went back (it cannot: it is monotonic) would only pause the refill
        let elapsed = now.saturating_sub(self.at);
        self.tokens = self
            .tokens
            .saturating_add(elapsed.saturating_mul(self.rate))
            .min(self.capacity());
        self.at = self.at.max(now);
    }
}

fn ceil_div(a: u64, b: u64) -> u64 {
    a.div_ceil(b.max(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: u64 = 1_000_000;

    #[test]
    fn a_full_bucket_allows_its_burst_then_refuses_until_a_token_has_come_back() {
        let mut bucket = Bucket::full(1, 3, 0);
        let remaining: Vec<u64> = (0..3).map(|_| bucket.take(1, 3, 10).remaining).collect();
        assert_eq!(remaining, [2, 1, 0]);
        let refused = bucket.take(1, 3, 10);
        assert!(!refused.allowed);
        assert_eq!((refused.limit, refused.remaining), (3, 0));
        assert_eq!(refused.retry_after_secs, 1);
        assert_eq!(refused.reset_secs, 3);
        // one token a second: 1 s after the burst, exactly one request more
        assert!(!bucket.take(1, 3, S + 9).allowed);
        assert!(bucket.take(1, 3, S + 10).allowed);
        assert!(!bucket.take(1, 3, S + 10).allowed);
    }

    #[test]
    fn refill_is_exact_however_often_the_bucket_is_asked() {
        // 3 a second is 333,333.3… µs a token: asked every 7 µs or once, the same (a burst of
        // 2, so that the bucket is never full and no token is lost to its size)
        let mut often = Bucket::full(3, 2, 0);
        for _ in 0..2 {
            assert!(often.take(3, 2, 0).allowed);
        }
        let mut once = often.clone();
        let mut allowed = 0;
        for now in (1..=S).step_by(7) {
            allowed += u64::from(often.take(3, 2, now).allowed);
        }
        assert_eq!(allowed, 3);
        assert!(!once.take(3, 2, 333_333).allowed);
        assert!(once.take(3, 2, 333_334).allowed);
    }

    #[test]
    fn retry_after_is_whole_seconds_rounded_up_and_at_least_one() {
        let mut fast = Bucket::full(100, 1, 0);
        fast.take(100, 1, 0);
        assert_eq!(fast.take(100, 1, 1).retry_after_secs, 1);
        let mut slow = Bucket::full(1, 1, 0);
        slow.take(1, 1, 0);
        // half a token from the next: 0.5 s rounds up to 1
        assert_eq!(slow.take(1, 1, S / 2).retry_after_secs, 1);
        let mut tenth = Bucket::full(1, 10, 0);
        for _ in 0..10 {
            tenth.take(1, 10, 0);
        }
        assert_eq!(tenth.take(1, 10, 0).reset_secs, 10);
    }

    #[test]
    fn a_lowered_budget_keeps_at_most_its_new_burst() {
        let mut bucket = Bucket::full(200, 400, 0);
        let decision = bucket.take(1, 2, 0);
        assert_eq!((decision.limit, decision.remaining), (2, 1));
        assert!(bucket.take(1, 2, 0).allowed);
        assert!(!bucket.take(1, 2, 0).allowed);
        assert!(!bucket.is_full_at(S));
        assert!(bucket.is_full_at(2 * S));
    }

    #[test]
    fn budgets_are_parsed_with_the_field_at_fault() {
        assert_eq!(
            Budget::parse(5, None),
            Ok(Budget::Limited { rate: 5, burst: 10 })
        );
        assert_eq!(
            Budget::parse(5, Some(1)),
            Ok(Budget::Limited { rate: 5, burst: 1 })
        );
        assert_eq!(Budget::parse(0, None), Ok(Budget::Unlimited));
        assert_eq!(Budget::parse(-1, None).map_err(|e| e.field), Err("rate"));
        assert_eq!(
            Budget::parse(MAX_RATE + 1, None).map_err(|e| e.field),
            Err("rate")
        );
        assert_eq!(Budget::parse(1, Some(0)).map_err(|e| e.field), Err("burst"));
        assert_eq!(Budget::parse(0, Some(3)).map_err(|e| e.field), Err("burst"));
        assert_eq!(Budget::default_of(0), Budget::Unlimited);
        assert_eq!(
            Budget::default_of(200),
            Budget::Limited {
                rate: 200,
                burst: 400
            }
        );
    }

    #[test]
    fn stored_budgets_round_trip_and_null_follows_the_default() {
        for budget in [Budget::Unlimited, Budget::Limited { rate: 7, burst: 3 }] {
            let (rate, burst) = budget.stored();
            assert_eq!(Budget::from_stored(Some(rate), burst), Some(budget));
        }
        assert_eq!(Budget::from_stored(None, Some(4)), None);
        assert_eq!(
            Budget::from_stored(Some(2), None),
            Some(Budget::Limited { rate: 2, burst: 4 })
        );
    }
}
