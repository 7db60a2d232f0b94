//! An entry's line on its contest's board: its vote count and, while it is approved, its place
//! in the results. The results rule (API.md, `contests::standings`): entries ranked by their
//! judges' mean weighted percentage once the quorum has scored, unranked entries after them;
//! ties by votes (more first), then earlier submission, then id. Both backends order placed
//! lines by `(rank_score ascending, member ascending)`, which is exactly that rule:
//!
//! - `rank_score` = (10,001 − (score in hundredths + 1, or 0 while unranked)) × 2^32
//!   + (2^32 − 1 − votes): an integer below 2^46, exact in a Redis sorted-set score;
//! - `member` = the submission time as 13 zero-padded digits, ':', the entry id.

use serde::{Deserialize, Serialize};

pub const VOTE_BITS: u32 = 32;
pub const MAX_VOTES: i64 = (1 << VOTE_BITS) - 1;
/// Scores are percentages with two decimals: 0 to 10,000 hundredths.
pub const MAX_SCORE_CENTI: i64 = 10_000;
const LAST_SUBMISSION: i64 = 9_999_999_999_999;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContestLine {
    pub entry_id: String,
    /// Bumped by the database with every change to this line: of two lines for one entry,
    /// the backends keep the higher.
    pub rev: i64,
    pub votes: i64,
    /// Present while the entry is approved.
    pub placed: Option<Placed>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Placed {
    pub title: String,
    pub display_name: String,
    pub submitted_at: Option<i64>,
    /// The judges' mean weighted percentage in hundredths, once the quorum has scored.
    pub score_centi: Option<i64>,
    pub judged_by: i64,
}

impl ContestLine {
    /// The sorted-set score of a placed line.
    pub fn rank_score(&self) -> Option<i64> {
        let placed = self.placed.as_ref()?;
        let score_steps = placed
            .score_centi
            .map_or(0, |centi| centi.clamp(0, MAX_SCORE_CENTI) + 1);
        let votes = self.votes.clamp(0, MAX_VOTES);
        Some(((MAX_SCORE_CENTI + 1 - score_steps) << VOTE_BITS) + (MAX_VOTES - votes))
    }

    /// The submission time as 13 zero-padded digits, for a placed line.
    pub fn tie_break(&self) -> Option<String> {
        let placed = self.placed.as_ref()?;
        let submitted = placed
            .submitted_at
            .unwrap_or(LAST_SUBMISSION)
            .clamp(0, LAST_SUBMISSION);
        Some(format!("{submitted:013}"))
    }

    pub fn member(&self) -> Option<String> {
        Some(format!("{}:{}", self.tie_break()?, self.entry_id))
    }

    /// The full sort key of a placed line: smaller ranks higher.
    pub fn sort_key(&self) -> Option<(i64, String)> {
        Some((self.rank_score()?, self.member()?))
    }
}

#[cfg(test)]
mod tests {
    use std::cmp::Ordering;

    use proptest::prelude::*;

    use super::*;

    fn line(score_centi: Option<i64>, votes: i64, submitted_at: i64, id: &str) -> ContestLine {
        ContestLine {
            entry_id: id.into(),
            rev: 1,
            votes,
            placed: Some(Placed {
                title: "t".into(),
                display_name: "d".into(),
                submitted_at: Some(submitted_at),
                score_centi,
                judged_by: 0,
            }),
        }
    }

    /// The rule as `standings` states it over the scores shown (two decimals).
    fn rule(a: &ContestLine, b: &ContestLine) -> Ordering {
        let score = |l: &ContestLine| {
            l.placed
                .as_ref()
                .and_then(|p| p.score_centi)
                .map(|c| c as f64 / 100.0)
        };
        let submitted = |l: &ContestLine| l.placed.as_ref().and_then(|p| p.submitted_at);
        let by_score = match (score(a), score(b)) {
            (Some(x), Some(y)) => y.partial_cmp(&x).unwrap_or(Ordering::Equal),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        };
        by_score
            .then(b.votes.cmp(&a.votes))
            .then(submitted(a).cmp(&submitted(b)))
            .then(a.entry_id.cmp(&b.entry_id))
    }

    #[test]
    fn extremes_fit_a_double() {
        let worst = line(None, 0, LAST_SUBMISSION, "z")
            .rank_score()
            .expect("placed");
        assert!(worst < (1 << 53));
        assert_eq!(worst as f64 as i64, worst);
        let best = line(Some(MAX_SCORE_CENTI), MAX_VOTES, 0, "a")
            .rank_score()
            .expect("placed");
        assert_eq!(best, 0);
        let unplaced = ContestLine {
            placed: None,
            ..line(None, 3, 0, "x")
        };
        assert_eq!(unplaced.sort_key(), None);
    }

    proptest! {
        #[test]
        fn the_key_orders_by_the_results_rule(
            // Narrow ranges beside wide ones, so that ties at every level come up.
            a in (proptest::option::of(prop_oneof![Just(9_250i64), 0..=MAX_SCORE_CENTI]), prop_oneof![Just(3i64), 0..5_000i64],
                  1_600_000_000_000i64..1_600_000_000_010, "[a-c]{2}"),
            b in (proptest::option::of(prop_oneof![Just(9_250i64), 0..=MAX_SCORE_CENTI]), prop_oneof![Just(3i64), 0..5_000i64],
                  1_600_000_000_000i64..1_600_000_000_010, "[a-c]{2}"),
        ) {
            let (la, lb) = (line(a.0, a.1, a.2, &a.3), line(b.0, b.1, b.2, &b.3));
            prop_assert_eq!(la.sort_key().cmp(&lb.sort_key()), rule(&la, &lb));
            // The double Redis stores keeps the same order.
            let (da, db) = (la.rank_score().unwrap_or(0) as f64, lb.rank_score().unwrap_or(0) as f64);
            prop_assert_eq!(da.partial_cmp(&db), Some(la.rank_score().cmp(&lb.rank_score())));
        }
    }
}
