//! Rate limits on the auth routes: failed logins per account (brute force) and requests per
//! address (floods only: a whole school shares one address). Counts live in the Kv seam, so
//! several server processes share them when Redis is configured; while Redis is unreachable
//! each process counts for itself, stricter.

use std::net::IpAddr;

use sha2::Digest;

use super::devices::KnownDevice;
use crate::app::AppState;
use crate::error::{AppError, AppResult};
use crate::kv::WindowCount;

const MINUTE_MS: i64 = 60_000;

fn retry_after_s(remaining_ms: i64) -> u64 {
    u64::try_from((remaining_ms + 999) / 1000).unwrap_or(1)
}

/// One hit counted against `limit`: in the shared store, or, while it is unreachable, in this
/// process's own counters against half the limit. Sign-in keeps working without Redis (the
/// sessions are in the database); halving keeps a pair of processes behind one balancer
/// within the shared limit (more processes allow proportionally more while Redis is down).
async fn count(state: &AppState, key: &str, window_ms: i64, limit: u32) -> Counted {
    let now = state.clock.now_ms();
    match state.kv.count_hit(key, window_ms, now).await {
        Ok(hit) => Counted {
            hit,
            limit: i64::from(limit),
            local: false,
            at_ms: now,
        },
        Err(error) => {
            tracing::warn!(error = ?error, key, "rate-limit store unreachable: counting in this process");
            state.metrics.limit_counted_locally();
            Counted {
                hit: state.kv.local().count_hit(key, window_ms, now),
                limit: i64::from(limit.div_ceil(2)),
                local: true,
                at_ms: now,
            }
        }
    }
}

struct Counted {
    hit: WindowCount,
    limit: i64,
    local: bool,
    at_ms: i64,
}

impl Counted {
    fn over(&self) -> bool {
        self.hit.count > self.limit
    }

    fn refusal(&self) -> AppError {
        AppError::rate_limited(retry_after_s(self.hit.remaining_ms))
    }
}

pub async fn per_address(state: &AppState, ip: IpAddr) -> AppResult<()> {
    let key = format!("auth-ip:{}", crate::http::client::limit_key(ip));
    let counted = count(state, &key, MINUTE_MS, state.config.auth_ip_limit_per_min).await;
    if counted.over() {
        return Err(counted.refusal());
    }
    Ok(())
}

/// A place taken in a limited window before the work it limits, so concurrent requests
/// cannot overshoot the limit; work that should not count gives it back (`release`).
pub struct Slot {
    key: String,
    window_ms: i64,
    taken_at_ms: i64,
    /// Taken from this process's counters (the shared store was unreachable).
    local: bool,
}

/// Takes a place in `key`'s current window, or refuses with 429 when `limit` are taken.
async fn reserve(state: &AppState, key: String, window_ms: i64, limit: u32) -> AppResult<Slot> {
    let counted = count(state, &key, window_ms, limit).await;
    if counted.over() {
        return Err(counted.refusal());
    }
    Ok(Slot {
        key,
        window_ms,
        taken_at_ms: counted.at_ms,
        local: counted.local,
    })
}

impl Slot {
    /// Gives the place back where it was taken. Best effort: a place that cannot be given
    /// back expires with its window.
    pub async fn release(self, state: &AppState) {
        if self.local {
            state
                .kv
                .local()
                .uncount_hit(&self.key, self.window_ms, self.taken_at_ms);
        } else if let Err(error) = state
            .kv
            .uncount_hit(&self.key, self.window_ms, self.taken_at_ms)
            .await
        {
            tracing::warn!(error = ?error, key = self.key, "could not give a rate-limit place back");
        }
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

fn window_ms(window: std::time::Duration) -> i64 {
    i64::try_from(window.as_millis()).unwrap_or(i64::MAX)
}

/// A fixed-size key whatever the name sent: the counters cannot be made to grow by it.
fn account_key(prefix: &str, username_key: &str) -> String {
    let digest = sha2::Sha256::digest(username_key.as_bytes());
    format!("{prefix}:{}", hex::encode(&digest[..16]))
}

/// A failed-login place for one sign-in, taken before the password is checked; a success
/// gives it back. A device the account knows counts its failures for itself alone (past the
/// limit that device, and only it, waits out the window). Any other device counts against
/// the account; past the account's limit such devices are slowed, not locked out: each
/// address may try once per `unknown_device_delay`, so guesses from elsewhere cannot keep the
/// student out, and a guesser gets a few tries an hour instead of ten.
pub async fn reserve_login(
    state: &AppState,
    username_key: &str,
    device: Option<&KnownDevice>,
    ip: IpAddr,
) -> AppResult<Slot> {
    let limits = &state.config.limits;
    let window = window_ms(limits.failed_login_window);
    if let Some(device) = device {
        let key = format!("login-fail-device:{}", device.id);
        return reserve(state, key, window, limits.failed_logins_per_account).await;
    }
    let key = account_key("login-fail", username_key);
    let counted = count(state, &key, window, limits.failed_logins_per_account).await;
    if counted.over() {
        let gate = format!(
            "{}:{}",
            account_key("login-slow", username_key),
            crate::http::client::limit_key(ip)
        );
        let delay = window_ms(limits.unknown_device_delay);
        let waited = count(state, &gate, delay, 1).await;
        if waited.over() {
            return Err(waited.refusal());
        }
    }
    Ok(Slot {
        key,
        window_ms: window,
        taken_at_ms: counted.at_ms,
        local: counted.local,
    })
}

/// A wrong-current-password place for a signed-in password change: counted per account on
/// its own, so a locked sign-in never keeps a signed-in student from changing her password,
/// while a stolen session still cannot guess the current one quickly.
pub async fn reserve_password_check(state: &AppState, user_id: &str) -> AppResult<Slot> {
    let limits = &state.config.limits;
    let key = format!("password-check:{user_id}");
    reserve(
        state,
        key,
        window_ms(limits.failed_login_window),
        limits.failed_logins_per_account,
    )
    .await
}
