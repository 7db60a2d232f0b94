//! A ranked entry and its sort key. The ranking rule (PRODUCT.md): score descending, then time
//! taken ascending, then earlier submission, then id. Both backends order entries by
//! `(rank_score ascending, member ascending)`, which is exactly that rule:
//!
//! - `rank_score` = (MAX_SCORE_MILLI − score) × 2^27 + duration_ms, an integer below 2^52, so a
//!   Redis sorted-set score (a double, exact to 2^53) holds it without rounding;
//! - `member` = the finish time as 13 zero-padded digits, ':', the user id, so equal scores
//!   fall back to byte order: earlier finish first, then the lower id.
//!
//! Bounds, enforced here and by quiz validation: a score of at most 33,554.431 points
//! (a quiz holds ≤ 200 questions of ≤ 100 points: 20,000), a duration under 2^27 ms (37 h;
//! time limits are ≤ 24 h), finish times before the year 2286.

use serde::{Deserialize, Serialize};

pub const SCORE_BITS: u32 = 25;
pub const DURATION_BITS: u32 = 27;
pub const MAX_SCORE_MILLI: i64 = (1 << SCORE_BITS) - 1;
pub const MAX_DURATION_MS: i64 = (1 << DURATION_BITS) - 1;

/// One participant's counted attempt on a quiz board.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub user_id: String,
    pub attempt_id: String,
    /// The attempt's number (1 for the first): the `first` ranking policy keeps the lowest.
    #[serde(default)]
    pub number: i64,
    pub display_name: String,
    pub org_unit_id: Option<String>,
    pub org_unit_name: Option<String>,
    pub score_milli: i64,
    pub max_score_milli: i64,
    pub correct_count: i64,
    pub duration_ms: i64,
    pub finished_at: i64,
}

impl Entry {
    /// The sorted-set score; `None` when the entry is outside the documented bounds.
    pub fn rank_score(&self) -> Option<i64> {
        let in_bounds = (0..=MAX_SCORE_MILLI).contains(&self.score_milli)
            && (0..=MAX_DURATION_MS).contains(&self.duration_ms)
            && (0..10_000_000_000_000).contains(&self.finished_at);
        in_bounds
            .then(|| ((MAX_SCORE_MILLI - self.score_milli) << DURATION_BITS) + self.duration_ms)
    }

    pub fn member(&self) -> String {
        format!("{}:{}", self.tie_break(), self.user_id)
    }

    /// The finish time as 13 zero-padded digits: equal scores fall back to earlier finish.
    pub fn tie_break(&self) -> String {
        format!("{:013}", self.finished_at)
    }

    /// The full sort key: smaller ranks higher.
    pub fn sort_key(&self) -> Option<(i64, String)> {
        self.rank_score().map(|score| (score, self.member()))
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn entry(score_milli: i64, duration_ms: i64, finished_at: i64, user: &str) -> Entry {
        Entry {
            user_id: user.into(),
            attempt_id: "a".into(),
            number: 1,
            display_name: "x".into(),
            org_unit_id: None,
            org_unit_name: None,
            score_milli,
            max_score_milli: 20_000_000,
            correct_count: 0,
            duration_ms,
            finished_at,
        }
    }

    #[test]
    fn bounds_are_enforced() {
        assert!(
            entry(MAX_SCORE_MILLI, MAX_DURATION_MS, 9_999_999_999_999, "u")
                .rank_score()
                .is_some()
        );
        assert!(entry(MAX_SCORE_MILLI + 1, 0, 0, "u").rank_score().is_none());
        assert!(entry(0, MAX_DURATION_MS + 1, 0, "u").rank_score().is_none());
        assert!(entry(-1, 0, 0, "u").rank_score().is_none());
        // The largest score fits a double exactly.
        let largest = entry(0, MAX_DURATION_MS, 0, "u")
            .rank_score()
            .expect("in bounds");
        assert!(largest < (1 << 53));
        assert_eq!(largest as f64 as i64, largest);
    }

    proptest! {
        #[test]
        fn the_key_orders_by_the_ranking_rule(
            a in (0..MAX_SCORE_MILLI, 0..MAX_DURATION_MS, 0i64..4_000_000_000_000, "[a-f0-9]{8}"),
            b in (0..MAX_SCORE_MILLI, 0..MAX_DURATION_MS, 0i64..4_000_000_000_000, "[a-f0-9]{8}"),
        ) {
            let (ea, eb) = (entry(a.0, a.1, a.2, &a.3), entry(b.0, b.1, b.2, &b.3));
            let rule = (-a.0, a.1, a.2, a.3.clone()).cmp(&(-b.0, b.1, b.2, b.3.clone()));
            prop_assert_eq!(ea.sort_key().cmp(&eb.sort_key()), rule);
            // And the double Redis stores keeps the same order.
            let (da, db) = (ea.rank_score().unwrap_or(0) as f64, eb.rank_score().unwrap_or(0) as f64);
            prop_assert_eq!(da.partial_cmp(&db), Some(ea.rank_score().cmp(&eb.rank_score())));
        }
    }
}
