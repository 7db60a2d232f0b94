//! Rate limits on the auth routes: failed logins per account (brute force) and requests per
//! address (floods only: a whole school shares one address). Counts live in the Kv seam, so
//! several server processes share them when Redis is configured.

use std::net::IpAddr;

use sha2::Digest;

use crate::app::AppState;
use crate::error::{AppError, AppResult};

const MINUTE_MS: i64 = 60_000;

fn retry_after_s(remaining_ms: i64) -> u64 {
    u64::try_from((remaining_ms + 999) / 1000).unwrap_or(1)
}

fn store_error(error: anyhow::Error) -> AppError {
    // Fail closed: without the counters brute force would go unchecked.
    tracing::error!(error = ?error, "rate-limit store unreachable");
    AppError::unavailable("the rate-limit store is unreachable")
}

pub async fn per_address(state: &AppState, ip: IpAddr) -> AppResult<()> {
    let hit = state
        .kv
        .count_hit(
            &format!("auth-ip:{}", crate::http::client::limit_key(ip)),
            MINUTE_MS,
            state.clock.now_ms(),
        )
        .await
        .map_err(store_error)?;
    if hit.count > i64::from(state.config.auth_ip_limit_per_min) {
        return Err(AppError::rate_limited(retry_after_s(hit.remaining_ms)));
    }
    Ok(())
}

/// A place taken in a limited window before the work it limits, so concurrent requests
/// cannot overshoot the limit; work that should not count gives it back (`release`).
pub struct Slot {
    key: String,
    window_ms: i64,
    taken_at_ms: i64,
}

/// Takes a place in `key`'s current window, or refuses with 429 when `limit` are taken.
async fn reserve(state: &AppState, key: String, window_ms: i64, limit: u32) -> AppResult<Slot> {
    let now = state.clock.now_ms();
    let hit = state
        .kv
        .count_hit(&key, window_ms, now)
        .await
        .map_err(store_error)?;
    if hit.count > i64::from(limit) {
        return Err(AppError::rate_limited(retry_after_s(hit.remaining_ms)));
    }
    Ok(Slot {
        key,
        window_ms,
        taken_at_ms: now,
    })
}

impl Slot {
    pub async fn release(self, state: &AppState) -> AppResult<()> {
        state
            .kv
            .uncount_hit(&self.key, self.window_ms, self.taken_at_ms)
            .await
            .map_err(store_error)
    }
}

/// A new account counted against the address it comes from: many accounts from one address
/// in an hour (a hundred voters made in a minute) are refused past the limit, which a
/// school behind one address still fits. A registration that fails gives its place back.
pub async fn reserve_account(state: &AppState, ip: IpAddr) -> AppResult<Slot> {
    let key = format!("new-accounts:{}", crate::http::client::limit_key(ip));
    let limit = state.config.limits.accounts_per_address_per_hour;
    reserve(state, key, 60 * MINUTE_MS, limit).await
}

/// A failed-login slot for one account, taken before the password is checked; a success
/// gives it back.
pub async fn reserve_login(state: &AppState, username_key: &str) -> AppResult<Slot> {
    let limits = &state.config.limits;
    let window_ms = i64::try_from(limits.failed_login_window.as_millis()).unwrap_or(i64::MAX);
    // A fixed-size key whatever the name sent: the counters cannot be made to grow by it.
    let digest = sha2::Sha256::digest(username_key.as_bytes());
    let key = format!("login-fail:{}", hex::encode(&digest[..16]));
    reserve(state, key, window_ms, limits.failed_logins_per_account).await
}
