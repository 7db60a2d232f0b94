//! Device tokens, OWASP's "device cookies": a browser or client that has signed in to an
//! account carries a token, signed by the server, naming the account and the device. Its failed
//! sign-ins are counted for that device alone, so nobody can lock a student out by guessing
//! at her account from elsewhere; the account-wide count applies only to devices the account
//! has never used, and those are slowed down rather than locked out (`limits`).
//!
//! The token is stateless (an HMAC under the server's secret): it grants nothing but a place
//! of its own in the limiter, so it needs no table and no revocation.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::Mac;

use super::keyed;
use crate::app::AppState;

/// The pages keep the token in this cookie; API clients send it back in `device_token`.
pub const DEVICE_COOKIE: &str = "cq_device";

/// How long a device stays known after its last successful sign-in.
pub const DEVICE_TTL_MS: i64 = 180 * 86_400_000;

const VERSION: &str = "d1";

/// A device the account has signed in from before.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownDevice {
    /// Random, made when the token was issued: the limiter's key for this device.
    pub id: String,
}

fn mac(secret: &[u8], payload: &str) -> hmac::Hmac<sha2::Sha256> {
    keyed::mac(secret, "civiquiz device token", payload)
}

/// A token for `user_id` on the device `device` (a new device when `None`).
pub fn issue(state: &AppState, user_id: &str, device: Option<&KnownDevice>, now_ms: i64) -> String {
    let id = match device {
        Some(device) => device.id.clone(),
        None => hex::encode(rand::random::<[u8; 16]>()),
    };
    let payload = format!("{VERSION}.{user_id}.{now_ms}.{id}");
    let signature = mac(&state.config.jwt_secret, &payload)
        .finalize()
        .into_bytes();
    format!("{payload}.{}", URL_SAFE_NO_PAD.encode(signature))
}

/// The device a token names, when it was signed here for `user_id` and has not expired.
pub fn recognise(state: &AppState, token: &str, user_id: &str, now_ms: i64) -> Option<KnownDevice> {
    if token.len() > 256 {
        return None;
    }
    let (payload, signature) = token.rsplit_once('.')?;
    let signature = URL_SAFE_NO_PAD.decode(signature).ok()?;
    // Constant-time comparison, before anything in the payload is believed.
    mac(&state.config.jwt_secret, payload)
        .verify_slice(&signature)
        .ok()?;
    let mut parts = payload.split('.');
    let (Some(VERSION), Some(owner), Some(issued), Some(id), None) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return None;
    };
    let issued: i64 = issued.parse().ok()?;
    (owner == user_id && now_ms < issued.saturating_add(DEVICE_TTL_MS))
        .then(|| KnownDevice { id: id.to_owned() })
}
