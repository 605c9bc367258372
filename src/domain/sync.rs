//! How a polling client never misses a change (API.md §8). A write stamps its rows with the
//! time its transaction began and moves its sections' marks as it commits; a transaction
//! that waited or ran long can therefore commit rows stamped a little before a mark the
//! client has already seen. Two rules close that gap:
//! - a feed asked for changes since `ts` answers everything stamped from `ts − SETTLE` on (a
//!   row seen twice is harmless);
//! - `get_updates` answers, for a section changed within the last `SETTLE` seconds, the
//!   current second rather than the mark, so the client keeps asking until the section has
//!   been quiet for `SETTLE` seconds;
//! - once settled, it answers `mark + SETTLE + 1`: later than any value it gave while the
//!   section was unsettled. A client that stored such a value (say, the second of its poll)
//!   and polls next minutes later, after a change committed in that same second, therefore
//!   sees a different value and reads the feed, whatever its polling interval. Feeds asked
//!   from that value reach back to `mark + 1`, which holds every row a client that read the
//!   feed after the mark has not seen yet.

/// Seconds within which a transaction is assumed to commit after stamping its rows.
pub const SETTLE: i64 = 5;

/// The lower bound of a feed's rows for the client's `ts`: `None` (everything alive) for 0.
pub fn since(ts: i64) -> Option<i64> {
    (ts > 0).then(|| ts - SETTLE)
}

/// The time `get_updates` shows for a section whose last change is `mark`, at `now`: 0 for
/// a section never changed, `now` while it settles, then `mark + SETTLE + 1` (never in the
/// future: it is at most `now`).
pub fn reported(mark: i64, now: i64) -> i64 {
    if mark <= 0 {
        0
    } else if now - mark <= SETTLE {
        now.max(mark)
    } else {
        mark + SETTLE + 1
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
        assert_eq!(reported(100, 106), 106);
        assert_eq!(reported(100, 1_000), 106);
        assert_eq!(reported(0, 106), 0);
    }

    /// A client that stores what `get_updates` showed and reads the feed only when the value
    /// differs must see every change, however seldom it polls.
    #[test]
    fn a_change_in_the_second_of_a_poll_shows_on_the_next_poll_however_late() {
        for gap in [0, 1, 3, SETTLE, SETTLE + 1, 120, 3_600] {
            for interval in [1, 2, 6, 7, 120, 86_400] {
                let first_change = 1_000;
                let poll = first_change + gap;
                let stored = reported(first_change, poll);
                // a change commits in the very second of the poll, after it answered
                let mark = poll;
                let next = poll + interval;
                assert_ne!(
                    reported(mark, next),
                    stored,
                    "change {gap} s before a poll, next poll {interval} s later"
                );
            }
        }
    }

    #[test]
    fn what_is_shown_never_lies_in_the_future_nor_goes_back() {
        for mark in [1, 1_000] {
            let mut last = 0;
            for now in mark..mark + 20 {
                let shown = reported(mark, now);
                assert!(shown <= now && shown >= last, "{mark} at {now}: {shown}");
                last = shown;
            }
        }
    }

    #[test]
    fn feeds_reach_back_over_the_settling_time() {
        assert_eq!(since(0), None);
        assert_eq!(since(1_000), Some(1_000 - SETTLE));
    }
}
