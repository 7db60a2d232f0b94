//! Cross-site request forgery, in two layers (ASVS 3.5 / 50.x): every unsafe request that does
//! not carry a bearer token must come from our own origin (`Sec-Fetch-Site`, `Origin`), and
//! every form and every cookie-authenticated API call must carry the session's token.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request, State};
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::page::PageError;
use super::visitor::Visitor;
use crate::app::AppState;
use crate::error::{AppError, ErrorCode};

/// The header page scripts send the token in.
pub const CSRF_HEADER: &str = "x-csrf-token";

fn cross_site() -> AppError {
    AppError::api(ErrorCode::Forbidden, "cross-site request refused")
}

pub fn is_unsafe(method: &Method) -> bool {
    !matches!(
        *method,
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
    )
}

/// Whether the browser says the request comes from another site. Behind a trusted proxy that
/// rewrites `Host`, the host the browser used is in `X-Forwarded-Host`.
fn foreign(headers: &HeaderMap, trust_forwarded: bool) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok())
        && !matches!(site, "same-origin" | "none")
    {
        return true;
    }
    let Some(origin) = headers.get(header::ORIGIN) else {
        return false;
    };
    let forwarded_host = trust_forwarded
        .then(|| headers.get("x-forwarded-host"))
        .flatten()
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .map(str::trim);
    let host = forwarded_host.or_else(|| headers.get(header::HOST).and_then(|v| v.to_str().ok()));
    let origin_host = origin
        .to_str()
        .ok()
        .and_then(|o| o.split_once("://"))
        .map(|(_, rest)| rest);
    match (origin_host, host) {
        (Some(origin_host), Some(host)) => !origin_host.eq_ignore_ascii_case(host),
        _ => true,
    }
}

/// Refuses unsafe requests from another origin unless they carry a bearer token (which a
/// browser never attaches by itself, so a forged request cannot have one).
pub async fn same_origin(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if is_unsafe(request.method())
        && !request.headers().contains_key(header::AUTHORIZATION)
        && foreign(
            request.headers(),
            state.config.trusted_proxies.forwarded(request.extensions()),
        )
    {
        return cross_site().into_response();
    }
    next.run(request).await
}

/// The token as a page carries it: a fresh random pad and the token XORed with it, so the
/// bytes differ on every response and a compressed page cannot leak it (BREACH).
pub fn masked(token: &str) -> String {
    let token = token.as_bytes();
    let mut pad = vec![0u8; token.len()];
    rand::RngCore::fill_bytes(&mut rand::rng(), &mut pad);
    let xored: Vec<u8> = pad.iter().zip(token).map(|(p, t)| p ^ t).collect();
    format!("{}{}", hex::encode(pad), hex::encode(xored))
}

fn unmasked(presented: &str) -> Option<Vec<u8>> {
    let bytes = hex::decode(presented).ok()?;
    if bytes.len() % 2 != 0 {
        return None;
    }
    let (pad, xored) = bytes.split_at(bytes.len() / 2);
    Some(pad.iter().zip(xored).map(|(p, x)| p ^ x).collect())
}

/// Whether a masked token from a page is `expected`; compared without an early exit, so
/// timing tells nothing about the token.
pub fn tokens_match(presented: &str, expected: &str) -> bool {
    let Some(token) = unmasked(presented) else {
        return false;
    };
    !expected.is_empty()
        && token.len() == expected.len()
        && token
            .iter()
            .zip(expected.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

/// An `application/x-www-form-urlencoded` form whose `csrf` field matched the visitor's
/// token. Fields keep their order and repeats (checkboxes send one pair per box).
pub struct CsrfForm {
    pub fields: Vec<(String, String)>,
}

impl CsrfForm {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    pub fn all(&self, name: &str) -> Vec<&str> {
        self.fields
            .iter()
            .filter(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
            .collect()
    }

    /// A field as text (empty when absent).
    pub fn text(&self, name: &str) -> String {
        self.get(name).unwrap_or("").to_owned()
    }
}

impl FromRequest<AppState> for CsrfForm {
    type Rejection = PageError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = request.into_parts();
        let visitor = Visitor::from_request_parts(&mut parts, state)
            .await
            .map_err(|error| PageError::bare(Default::default(), error))?;
        let request = Request::from_parts(parts, body);
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|_| visitor.fail(AppError::bad_request("the form could not be read")))?;
        let fields: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes)
            .map_err(|_| visitor.fail(AppError::bad_request("the form could not be read")))?;
        let form = CsrfForm { fields };
        if !tokens_match(form.get("csrf").unwrap_or(""), &visitor.csrf) {
            return Err(visitor.fail(AppError::api(
                ErrorCode::CsrfFailed,
                "the form is out of date; reload the page and try again",
            )));
        }
        Ok(form)
    }
}

/// Whether a cookie-authenticated API request may go ahead: safe methods always, unsafe ones
/// with the session's token in [`CSRF_HEADER`].
pub fn api_request_allowed(method: &Method, headers: &HeaderMap, expected: &str) -> bool {
    !is_unsafe(method)
        || headers
            .get(CSRF_HEADER)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|presented| tokens_match(presented, expected))
}

#[cfg(test)]
mod tests {
    use super::{masked, tokens_match};

    #[test]
    fn masked_tokens_differ_and_still_match() {
        let token = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
        let (first, second) = (masked(token), masked(token));
        assert_ne!(first, second);
        assert!(tokens_match(&first, token) && tokens_match(&second, token));
        assert!(
            !tokens_match(token, token),
            "a bare token is not a page's token"
        );
        assert!(!tokens_match(
            &masked("ffffffffffffffffffffffffffffffff"),
            token
        ));
        assert!(!tokens_match("zz", token) && !tokens_match("", token));
        assert!(!tokens_match(&masked(""), ""));
    }
}
