//! How a polling client never misses a change (API.md §8). A write stamps its rows with the
//! time its transaction began and moves its sections' marks as it commits; a transaction
//! that waited or ran long can therefore commit rows stamped a little before a mark the
//! client has already seen. Two rules close that gap:
//! - a feed asked for changes since `ts` answers everything stamped from `ts − SETTLE` on (a
//!   row seen twice is harmless);
//! - `get_updates` answers, for a section changed within the last `SETTLE` seconds, the
//!   current second rather than the mark, so the client keeps asking until the section has
//!   been quiet for `SETTLE` seconds, and a change in the same second as its last `ts` is
//!   fetched on the next round.

/// Seconds within which a transaction is assumed to commit after stamping its rows.
pub const SETTLE: i64 = 5;

/// The lower bound of a feed's rows for the client's `ts`: `None` (everything alive) for 0.
pub fn since(ts: i64) -> Option<i64> {
    (ts > 0).then(|| ts - SETTLE)
}

/// The time `get_updates` shows for a section whose last change is `mark`, at `now`.
pub fn reported(mark: i64, now: i64) -> i64 {
    if mark > 0 && now - mark <= SETTLE {
        now.max(mark)
    } else {
        mark
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recent_change_keeps_the_section_moving_until_it_settles() {
        assert_eq!(reported(100, 100), 100);
        assert_eq!(reported(100, 103), 103);
        assert_eq!(reported(100, 105), 105);
        assert_eq!(reported(100, 106), 100);
        assert_eq!(reported(0, 106), 0);
    }

    #[test]
    fn feeds_reach_back_over_the_settling_time() {
        assert_eq!(since(0), None);
        assert_eq!(since(1_000), Some(1_000 - SETTLE));
    }
}
