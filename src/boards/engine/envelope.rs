//! What both backends hold per line, whatever the kind of board: the line's id, its precedence
//! (of two lines with one id the board keeps the smaller, and on a tie the one it holds), where
//! it ranks (scope, rank score, sorted-set member), and the line itself as JSON.
//!
//! A member is `{tie-break}:{line id}`: equal rank scores fall back to byte order of the
//! tie-break, then of the id, and the id is read back from the member without a lookup.

use serde::{Deserialize, Serialize};

/// The rank of a line in one scope: ascending `(score, member)` order is rank order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placement {
    pub scope: String,
    /// Below 2^53, so a Redis sorted-set score (a double) holds it exactly.
    pub score: i64,
    /// Must not contain ':'.
    pub tie_break: String,
}

/// Of two lines for one id, the board keeps the one with the smaller precedence.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Precedence(pub i64, pub String);

/// A line as stored: the Redis scripts read `k`, `t` and `p` without knowing the rest.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Envelope {
    /// Precedence: number, then tie-break text.
    pub k: i64,
    pub t: String,
    /// `(scope, member)` of every placement, so a replaced line can be taken out.
    pub p: Vec<(String, String)>,
    /// The rank scores, in the order of `p`.
    pub s: Vec<i64>,
    /// The line, as JSON text.
    pub l: String,
    /// The line's id.
    pub i: String,
}

impl Envelope {
    pub fn new(
        id: &str,
        precedence: Precedence,
        placements: Vec<Placement>,
        line_json: String,
    ) -> Self {
        let (p, s) = placements
            .into_iter()
            .map(|placement| {
                debug_assert!(!placement.tie_break.contains(':'));
                (
                    (placement.scope, member(&placement.tie_break, id)),
                    placement.score,
                )
            })
            .unzip();
        Envelope {
            k: precedence.0,
            t: precedence.1,
            p,
            s,
            l: line_json,
            i: id.to_owned(),
        }
    }

    pub fn precedence(&self) -> (i64, &str) {
        (self.k, self.t.as_str())
    }

    /// Whether this line should replace `held`.
    pub fn supersedes(&self, held: &Envelope) -> bool {
        self.precedence() < held.precedence()
    }

    /// `(scope, score, member)` of each placement.
    pub fn placements(&self) -> impl Iterator<Item = (&str, i64, &str)> {
        self.p
            .iter()
            .zip(&self.s)
            .map(|((scope, member), score)| (scope.as_str(), *score, member.as_str()))
    }
}

pub fn member(tie_break: &str, id: &str) -> String {
    format!("{tie_break}:{id}")
}

pub fn id_of_member(member: &str) -> &str {
    member.split_once(':').map_or(member, |(_, id)| id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_come_back_from_members_even_with_colons() {
        assert_eq!(id_of_member(&member("0001", "a:b")), "a:b");
    }

    #[test]
    fn smaller_precedence_wins_and_ties_keep_the_held_line() {
        let line =
            |k, t: &str| Envelope::new("x", Precedence(k, t.into()), Vec::new(), "{}".into());
        assert!(line(1, "b").supersedes(&line(2, "a")));
        assert!(line(1, "a").supersedes(&line(1, "b")));
        assert!(!line(1, "a").supersedes(&line(1, "a")));
        assert!(!line(3, "a").supersedes(&line(2, "z")));
    }
}
