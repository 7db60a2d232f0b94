//! How slowly an upload may arrive: a body that sends nothing for `UPLOAD_IDLE_TIMEOUT_S`,
//! that averages under `UPLOAD_MIN_RATE_BPS` over any `UPLOAD_RATE_WINDOW_S` once its first
//! window is over, or that is still arriving after `UPLOAD_DEADLINE_S` is cut off. Without
//! the rate floor one user could hold a socket, a staging file and an upload place per byte
//! every minute for as long as she liked.

use std::collections::VecDeque;
use std::time::Duration;

use bytes::Bytes;
use futures::{Stream, StreamExt};
use tokio::time::Instant;

use crate::config::{MediaConfig, MinRate};

/// How often, within a rate window, the received count is noted: the rate is measured over
/// a span between one window and one window plus this fraction of it.
const CHECKPOINTS_PER_WINDOW: u32 = 10;

/// Why an upload was cut off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Breach {
    /// Nothing arrived for the idle timeout.
    Idle,
    /// Under the minimum rate over a whole window.
    TooSlow,
    /// Past the overall deadline.
    Deadline,
}

impl Breach {
    pub fn as_str(self) -> &'static str {
        match self {
            Breach::Idle => "idle",
            Breach::TooSlow => "too_slow",
            Breach::Deadline => "deadline",
        }
    }
}

/// What ended a body early: the pace, or the body itself (the connection dropped).
#[derive(Debug)]
pub enum Cut<E> {
    Pace(Breach),
    Body(E),
}

/// The bytes received by each moment, kept for one window back.
#[derive(Debug)]
struct RateWindow {
    floor: MinRate,
    /// (when, bytes received by then), oldest first; the first is at or before one window ago
    /// once a window has passed.
    checkpoints: VecDeque<(Instant, u64)>,
}

impl RateWindow {
    fn new(floor: MinRate, started: Instant) -> Self {
        Self {
            floor,
            checkpoints: VecDeque::from([(started, 0)]),
        }
    }

    fn every(&self) -> Duration {
        (self.floor.window / CHECKPOINTS_PER_WINDOW).max(Duration::from_millis(10))
    }

    /// When the next checkpoint (and check) is due.
    fn next_check(&self) -> Instant {
        let latest = self.checkpoints.back().map_or_else(Instant::now, |c| c.0);
        latest + self.every()
    }

    /// Notes `total` at `now` when a checkpoint is due, and says whether the last window (or
    /// a little more) was too slow.
    fn too_slow(&mut self, now: Instant, total: u64) -> bool {
        if self
            .checkpoints
            .back()
            .is_none_or(|c| now >= c.0 + self.every())
        {
            self.checkpoints.push_back((now, total));
        }
        let Some(window_ago) = now.checked_sub(self.floor.window) else {
            return false;
        };
        // Keep one checkpoint at or before a window ago, the base of the measure.
        while self.checkpoints.get(1).is_some_and(|c| c.0 <= window_ago) {
            self.checkpoints.pop_front();
        }
        let Some(&(since, base)) = self.checkpoints.front().filter(|c| c.0 <= window_ago) else {
            return false;
        };
        let received = u128::from(total.saturating_sub(base));
        let span_ms = now.duration_since(since).as_millis();
        received.saturating_mul(1000) < u128::from(self.floor.bytes_per_s).saturating_mul(span_ms)
    }
}

/// A request body read under the pace rules.
pub struct PacedBody<S> {
    inner: S,
    idle: Duration,
    deadline: Instant,
    last_arrival: Instant,
    received: u64,
    rate: Option<RateWindow>,
}

impl<S, E> PacedBody<S>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
{
    pub fn new(inner: S, config: &MediaConfig) -> Self {
        let now = Instant::now();
        Self {
            inner,
            idle: config.upload_idle_timeout,
            deadline: now + config.upload_deadline,
            last_arrival: now,
            received: 0,
            rate: config
                .upload_min_rate
                .map(|floor| RateWindow::new(floor, now)),
        }
    }

    /// The next chunk, `Ok(None)` at the end of the body.
    pub async fn next(&mut self) -> Result<Option<Bytes>, Cut<E>> {
        loop {
            self.check(Instant::now())?;
            let mut wake = self.deadline.min(self.last_arrival + self.idle);
            if let Some(rate) = &self.rate {
                wake = wake.min(rate.next_check());
            }
            tokio::select! {
                next = self.inner.next() => {
                    return match next {
                        None => Ok(None),
                        Some(Err(error)) => Err(Cut::Body(error)),
                        Some(Ok(chunk)) => {
                            self.last_arrival = Instant::now();
                            self.received = self.received.saturating_add(chunk.len() as u64);
                            self.check(self.last_arrival)?;
                            Ok(Some(chunk))
                        }
                    };
                }
                () = tokio::time::sleep_until(wake) => {}
            }
        }
    }

    fn check(&mut self, now: Instant) -> Result<(), Cut<E>> {
        if now >= self.deadline {
            return Err(Cut::Pace(Breach::Deadline));
        }
        if now >= self.last_arrival + self.idle {
            return Err(Cut::Pace(Breach::Idle));
        }
        if let Some(rate) = &mut self.rate
            && rate.too_slow(now, self.received)
        {
            return Err(Cut::Pace(Breach::TooSlow));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn window(start: Instant) -> RateWindow {
        RateWindow::new(
            MinRate {
                bytes_per_s: 1024,
                window: Duration::from_secs(30),
            },
            start,
        )
    }

    #[test]
    fn the_first_window_is_free_then_every_window_counts() {
        let start = Instant::now();
        let mut rate = window(start);
        let at = |s: u64| start + Duration::from_secs(s);
        // One byte every 20 s: nothing is judged before 30 s, then it is far too slow.
        assert!(!rate.too_slow(at(20), 1));
        assert!(!rate.too_slow(at(29), 1));
        assert!(rate.too_slow(at(40), 2));
    }

    #[test]
    fn a_steady_upload_passes_and_a_fast_start_does_not_buy_a_stall() {
        let start = Instant::now();
        let mut rate = window(start);
        // 2 KiB/s, checked every 3 s for ten minutes.
        for s in (3..=600).step_by(3) {
            let now = start + Duration::from_secs(s);
            assert!(!rate.too_slow(now, s * 2048), "at {s} s");
        }
        // Then it stops: within about a window and a checkpoint, it is too slow, however much
        // arrived before.
        let total = 600 * 2048;
        let mut cut_at = None;
        for s in 601..=700 {
            if rate.too_slow(start + Duration::from_secs(s), total) {
                cut_at = Some(s);
                break;
            }
        }
        let cut_at = cut_at.expect("cut off");
        assert!((615..=634).contains(&cut_at), "cut at {cut_at} s");
        // The deque stays small.
        assert!(rate.checkpoints.len() <= CHECKPOINTS_PER_WINDOW as usize + 2);
    }

    #[test]
    fn just_under_the_floor_is_refused_just_over_it_is_not() {
        let start = Instant::now();
        let (mut under, mut over) = (window(start), window(start));
        let mut refused = false;
        for s in 1..=120 {
            let now = start + Duration::from_secs(s);
            refused |= under.too_slow(now, s * 1000);
            assert!(!over.too_slow(now, s * 1100), "at {s} s");
        }
        assert!(refused);
    }
}
