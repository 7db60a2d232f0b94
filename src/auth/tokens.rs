//! Access tokens (HS256 JWT, 15 minutes) and refresh tokens (256-bit random, stored hashed).
//! Time claims are checked against the application clock, not the library's system time.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::AppError;

pub const ACCESS_TTL_S: i64 = 15 * 60;
pub const REFRESH_TTL_MS: i64 = 30 * 24 * 3600 * 1000;
const ISSUER: &str = "civiquiz";
const AUDIENCE: &str = "civiquiz-api";
const ACCESS_TYP: &str = "access";

#[derive(Debug, Serialize, Deserialize)]
pub struct AccessClaims {
    pub sub: String,
    /// The refresh-token family (one sign-in) this token belongs to.
    pub sid: String,
    /// The user's security stamp at issue; a password change or disabling changes it.
    pub stamp: String,
    pub typ: String,
    pub iss: String,
    pub aud: String,
    pub iat: i64,
    pub nbf: i64,
    pub exp: i64,
}

#[derive(Clone)]
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl TokenKeys {
    pub fn new(secret: &[u8]) -> Self {
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
        }
    }

    pub fn issue_access(
        &self,
        user_id: &str,
        session_id: &str,
        stamp: &str,
        now_ms: i64,
    ) -> anyhow::Result<String> {
        let now = now_ms.div_euclid(1000);
        let claims = AccessClaims {
            sub: user_id.to_owned(),
            sid: session_id.to_owned(),
            stamp: stamp.to_owned(),
            typ: ACCESS_TYP.to_owned(),
            iss: ISSUER.to_owned(),
            aud: AUDIENCE.to_owned(),
            iat: now,
            nbf: now,
            exp: now + ACCESS_TTL_S,
        };
        Ok(jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &self.encoding,
        )?)
    }

    /// Only HS256 is accepted: `none` and every other algorithm fail the header check.
    pub fn verify_access(&self, token: &str, now_ms: i64) -> Result<AccessClaims, AppError> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "nbf", "iss", "aud", "sub"]);
        validation.validate_exp = false;
        validation.validate_nbf = false;
        let claims = jsonwebtoken::decode::<AccessClaims>(token, &self.decoding, &validation)
            .map_err(|error| match error.kind() {
                ErrorKind::ExpiredSignature => AppError::token_expired(),
                _ => AppError::token_invalid(),
            })?
            .claims;
        let now = now_ms.div_euclid(1000);
        if claims.typ != ACCESS_TYP || claims.nbf > now {
            return Err(AppError::token_invalid());
        }
        if claims.exp <= now {
            return Err(AppError::token_expired());
        }
        Ok(claims)
    }
}

/// A fresh opaque refresh token and the hash that is stored instead of it.
pub fn new_refresh_token() -> (String, String) {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let token = URL_SAFE_NO_PAD.encode(bytes);
    let hash = hash_refresh_token(&token);
    (token, hash)
}

pub fn hash_refresh_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The pad that seals a successor token for whoever holds its predecessor: SHA-256 of a label
/// and the predecessor. The predecessor is 256 random bits used once, so the pad is a
/// one-time pad from a PRF; the database holds only the predecessor's hash, so a copy of the
/// database cannot unseal anything.
fn successor_pad(predecessor: &str) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(b"civiquiz refresh successor\0");
    hasher.update(predecessor.as_bytes());
    hasher.finalize().into()
}

/// Seals `successor` (a token from `new_refresh_token`) so that only the holder of
/// `predecessor` can read it back.
pub fn seal_successor(predecessor: &str, successor: &str) -> Option<String> {
    let bytes = URL_SAFE_NO_PAD.decode(successor).ok()?;
    let pad = successor_pad(predecessor);
    (bytes.len() == pad.len()).then(|| {
        hex::encode(
            bytes
                .iter()
                .zip(pad)
                .map(|(b, p)| b ^ p)
                .collect::<Vec<u8>>(),
        )
    })
}

pub fn unseal_successor(predecessor: &str, sealed: &str) -> Option<String> {
    let bytes = hex::decode(sealed).ok()?;
    let pad = successor_pad(predecessor);
    (bytes.len() == pad.len()).then(|| {
        URL_SAFE_NO_PAD.encode(
            bytes
                .iter()
                .zip(pad)
                .map(|(b, p)| b ^ p)
                .collect::<Vec<u8>>(),
        )
    })
}

/// A random security stamp; changing it ends every access token issued before.
pub fn new_security_stamp() -> String {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

#[cfg(test)]
mod successor_tests {
    use super::*;

    #[test]
    fn only_the_predecessor_unseals_its_successor() {
        let (old, _) = new_refresh_token();
        let (new, _) = new_refresh_token();
        let sealed = seal_successor(&old, &new).expect("sealed");
        assert_ne!(
            sealed,
            hex::encode(URL_SAFE_NO_PAD.decode(&new).expect("b64"))
        );
        assert_eq!(
            unseal_successor(&old, &sealed).as_deref(),
            Some(new.as_str())
        );
        let (other, _) = new_refresh_token();
        assert_ne!(
            unseal_successor(&other, &sealed).as_deref(),
            Some(new.as_str())
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_664_600_000_000;

    #[test]
    fn round_trip_and_expiry() {
        let keys = TokenKeys::new(&[7u8; 32]);
        let token = keys.issue_access("u1", "s1", "stamp", NOW).expect("token");
        assert_eq!(keys.verify_access(&token, NOW).expect("valid").sub, "u1");
        let later = NOW + ACCESS_TTL_S * 1000;
        assert!(matches!(
            keys.verify_access(&token, later),
            Err(AppError::Api {
                code: crate::error::ErrorCode::TokenExpired,
                ..
            })
        ));
    }

    #[test]
    fn another_key_is_refused() {
        let token = TokenKeys::new(&[7u8; 32])
            .issue_access("u1", "s1", "x", NOW)
            .expect("token");
        let result = TokenKeys::new(&[8u8; 32]).verify_access(&token, NOW);
        assert!(matches!(
            result,
            Err(AppError::Api {
                code: crate::error::ErrorCode::TokenInvalid,
                ..
            })
        ));
    }
}
