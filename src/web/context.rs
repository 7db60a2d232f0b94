//! What every page request carries, worked out once by a middleware in front of the pages:
//! its language (and the cookie remembering a `?lang=` switch), the anonymous CSRF cookie a
//! signed-out form needs, and whether it came over HTTPS (cookies get `Secure` then).

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};

use super::locale::{LANG_COOKIE, Locale};
use crate::app::AppState;
use crate::auth::tokens::new_security_stamp;

/// The token signed-out forms carry (sign in, register): a double-submit cookie. Signed-in
/// forms carry their session's own token instead.
pub const ANON_CSRF_COOKIE: &str = "cq_csrf";

#[derive(Clone)]
pub struct PageContext {
    pub locale: Locale,
    pub anon_csrf: String,
    pub secure: bool,
}

/// Over HTTPS, said by the URI or (behind a trusted proxy) by `X-Forwarded-Proto`.
pub fn is_https(
    state: &AppState,
    request_headers: &HeaderMap,
    extensions: &axum::http::Extensions,
    scheme: Option<&str>,
) -> bool {
    scheme == Some("https")
        || (state.config.trusted_proxies.forwarded(extensions)
            && request_headers
                .get("x-forwarded-proto")
                .and_then(|value| value.to_str().ok())
                .is_some_and(|proto| proto.eq_ignore_ascii_case("https")))
}

/// A cookie of ours: HttpOnly, SameSite=Lax, the whole site, `Secure` over HTTPS.
pub fn cookie(name: &'static str, value: String, secure: bool) -> HeaderValue {
    let cookie = Cookie::build((name, value))
        .http_only(true)
        .same_site(SameSite::Lax)
        .path("/")
        .secure(secure)
        .build();
    HeaderValue::from_str(&cookie.to_string()).unwrap_or(HeaderValue::from_static(""))
}

/// A cookie that outlives the browser session (the device token).
pub fn lasting_cookie(
    name: &'static str,
    value: String,
    secure: bool,
    max_age: time::Duration,
) -> HeaderValue {
    let cookie = Cookie::build((name, value))
        .http_only(true)
        .same_site(SameSite::Lax)
        .path("/")
        .secure(secure)
        .max_age(max_age)
        .build();
    HeaderValue::from_str(&cookie.to_string()).unwrap_or(HeaderValue::from_static(""))
}

/// A cookie of ours that the browser must forget.
pub fn removal(name: &'static str, secure: bool) -> HeaderValue {
    let cookie = Cookie::build((name, ""))
        .http_only(true)
        .same_site(SameSite::Lax)
        .path("/")
        .secure(secure)
        .max_age(time::Duration::ZERO)
        .build();
    HeaderValue::from_str(&cookie.to_string()).unwrap_or(HeaderValue::from_static(""))
}

fn lang_from_query(query: Option<&str>) -> Option<Locale> {
    query?
        .split('&')
        .find_map(|pair| pair.strip_prefix("lang="))
        .and_then(Locale::parse)
}

pub async fn page_context(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let jar = CookieJar::from_headers(request.headers());
    let secure = is_https(
        &state,
        request.headers(),
        request.extensions(),
        request.uri().scheme_str(),
    );
    let switched = lang_from_query(request.uri().query());
    let locale = switched
        .or_else(|| jar.get(LANG_COOKIE).and_then(|c| Locale::parse(c.value())))
        .or_else(|| {
            request
                .headers()
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|value| value.to_str().ok())
                .and_then(Locale::from_accept_language)
        })
        .unwrap_or_default();
    let existing_csrf = jar
        .get(ANON_CSRF_COOKIE)
        .map(|c| c.value().to_owned())
        .filter(|value| value.len() == 32 && value.bytes().all(|b| b.is_ascii_hexdigit()));
    let anon_csrf = existing_csrf.clone().unwrap_or_else(new_security_stamp);
    request.extensions_mut().insert(PageContext {
        locale,
        anon_csrf: anon_csrf.clone(),
        secure,
    });
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if let Some(locale) = switched {
        headers.append(
            header::SET_COOKIE,
            cookie(LANG_COOKIE, locale.code().to_owned(), secure),
        );
    }
    if existing_csrf.is_none() {
        headers.append(
            header::SET_COOKIE,
            cookie(ANON_CSRF_COOKIE, anon_csrf, secure),
        );
    }
    response
}
