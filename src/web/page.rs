//! Rendering: a template into an HTML response with the headers every page has, the layout's
//! data (`Chrome`), and the error page, all in the visitor's language.

use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::assets::Assets;
use std::borrow::Borrow;

use super::locale::{Arg, Locale};
use super::time;
use super::visitor::{Visitor, sign_in_url};
use crate::auth::accounts::Role;
use crate::error::AppError;

/// What the layout shows around every page: language, the signed-in user, the CSRF token.
pub struct Chrome {
    pub locale: Locale,
    pub csrf: String,
    pub user_name: Option<String>,
    pub role: Option<Role>,
    pub here: String,
    pub title: String,
}

impl Chrome {
    pub fn new(visitor: &Visitor, title_key: &str) -> Self {
        Chrome {
            locale: visitor.locale,
            csrf: super::csrf::masked(&visitor.csrf),
            user_name: visitor
                .session
                .as_ref()
                .map(|s| s.user.display_name.clone()),
            role: visitor.role(),
            here: visitor.here.clone(),
            title: visitor.locale.text(title_key),
        }
    }

    /// A page titled with text that is not a message (a quiz's title).
    pub fn titled(visitor: &Visitor, title: String) -> Self {
        let mut chrome = Chrome::new(visitor, "app-name");
        chrome.title = title;
        chrome
    }

    pub fn lang(&self) -> &'static str {
        self.locale.code()
    }

    pub fn t(&self, key: &str) -> String {
        self.locale.text(key)
    }

    pub fn t1(&self, key: &str, name: &'static str, value: impl Arg) -> String {
        self.locale.text_with(key, &[(name, value.to_arg())])
    }

    pub fn t2(
        &self,
        key: &str,
        name: &'static str,
        value: impl Arg,
        name2: &'static str,
        value2: impl Arg,
    ) -> String {
        self.locale
            .text_with(key, &[(name, value.to_arg()), (name2, value2.to_arg())])
    }

    pub fn asset(&self, name: &str) -> String {
        Assets::get().url(name)
    }

    pub fn role_label(&self) -> String {
        self.role
            .map(|role| self.t(&format!("role-{}", role.as_str())))
            .unwrap_or_default()
    }

    /// Whether the layout links the judging queue: judges, and organizers who judge too.
    pub fn may_judge(&self) -> bool {
        matches!(self.role, Some(Role::Judge | Role::Organizer | Role::Admin))
    }

    /// Whether the layout links the organizers' pages.
    pub fn may_organize(&self) -> bool {
        self.role.is_some_and(Role::organizes)
    }

    /// Whether the layout links the admins' pages (accounts, the org tree).
    pub fn may_administer(&self) -> bool {
        self.role == Some(Role::Admin)
    }

    /// Whether this page lies under `prefix`: the sub-navigation marks its section.
    pub fn is_under(&self, prefix: &str) -> bool {
        let path = self
            .here
            .split_once('?')
            .map_or(self.here.as_str(), |(path, _)| path);
        path == prefix || path.starts_with(&format!("{prefix}/"))
    }

    /// This page in the other language.
    pub fn switch_href(&self, code: &str) -> String {
        let (path, query) = self.here.split_once('?').unwrap_or((&self.here, ""));
        let kept: Vec<&str> = query
            .split('&')
            .filter(|pair| !pair.is_empty() && !pair.starts_with("lang="))
            .collect();
        let mut href = format!("{path}?");
        for pair in kept {
            href.push_str(pair);
            href.push('&');
        }
        href.push_str("lang=");
        href.push_str(code);
        href
    }

    pub fn when(&self, ms: impl Borrow<i64>) -> String {
        time::date_time(*ms.borrow())
    }

    pub fn zone(&self) -> &'static str {
        time::ZONE_LABEL
    }

    pub fn duration(&self, ms: impl Borrow<i64>) -> String {
        time::duration(*ms.borrow())
    }

    pub fn points(&self, value: impl Borrow<f64>) -> String {
        points_text(*value.borrow())
    }
}

/// A number as `locale` writes it: `2,5` in Vietnamese, `2.5` in English, as `points_text`
/// rounds it.
pub fn decimal_text(locale: Locale, value: f64) -> String {
    let text = points_text(value);
    match locale {
        Locale::Vi => text.replace('.', ","),
        Locale::En => text,
    }
}

/// Points as people write them: up to three decimals, no trailing zeros (`7.5`, `8`).
pub fn points_text(value: f64) -> String {
    let text = format!("{value:.3}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// Content security: our own origin only, no inline script, no framing.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
connect-src 'self'; media-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// A rendered page. Pages hold personal data: never cached, never framed.
pub fn render(status: StatusCode, template: &impl Template) -> Response {
    match template.render() {
        Ok(html) => {
            let mut response = (status, html).into_response();
            let headers = response.headers_mut();
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            );
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            headers.insert(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(CSP),
            );
            headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
            headers.insert(
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            );
            headers.insert(
                header::REFERRER_POLICY,
                HeaderValue::from_static("same-origin"),
            );
            response
        }
        Err(error) => {
            tracing::error!(%error, "template failed to render");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

pub fn ok(template: &impl Template) -> Response {
    render(StatusCode::OK, template)
}

/// The POST-redirect-GET answer to a form.
pub fn redirect(url: &str) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(location) = HeaderValue::from_str(url) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    response
}

/// A page answering a refusal keeps the API's `Retry-After` (rate limits, overload).
pub fn with_retry_after(mut response: Response, error: &AppError) -> Response {
    if let Some(seconds) = error.retry_after_s() {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    response
}

/// The confirmation step of a change of state (a contest's results, a quiz's board): what the
/// change does, and the button that makes it. A page of its own, so it works without scripts.
#[derive(Template)]
#[template(path = "organize/confirm.html")]
pub struct StateConfirmation {
    pub c: Chrome,
    /// Where the breadcrumb and "cancel" lead back to, and the breadcrumb's text.
    pub back_href: String,
    pub back_label: String,
    /// The form's target: it posts `state` (= `to`) and `confirm=yes`.
    pub action: String,
    pub from: String,
    pub to: &'static str,
    pub to_label: String,
    pub explanation: String,
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    c: Chrome,
    heading: String,
    message: String,
}

/// Why a page could not be shown: a redirect (sign in first), or an error page.
pub enum PageError {
    Redirect(String),
    Shown {
        visitor: Option<Box<Visitor>>,
        locale: Locale,
        error: AppError,
    },
}

impl PageError {
    pub fn new(visitor: Visitor, error: AppError) -> Self {
        PageError::Shown {
            locale: visitor.locale,
            visitor: Some(Box::new(visitor)),
            error,
        }
    }

    pub fn bare(locale: Locale, error: AppError) -> Self {
        PageError::Shown {
            visitor: None,
            locale,
            error,
        }
    }
}

/// The message of an API error in the page's language (`error-{code}`).
pub fn error_message(locale: Locale, error: &AppError) -> String {
    let fields = error.fields();
    if fields.is_empty() {
        locale.text(&format!("error-{}", error.code()))
    } else {
        fields
            .iter()
            .map(|field| locale.text(&format!("field-{}", field.replace('.', "-"))))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        match self {
            PageError::Redirect(url) => redirect(&url),
            PageError::Shown {
                visitor,
                locale,
                error,
            } => {
                let status = error.status();
                if status == StatusCode::UNAUTHORIZED {
                    let here = visitor.as_ref().map_or("/", |v| v.here.as_str());
                    return redirect(&sign_in_url(here));
                }
                if let AppError::Internal(cause) = &error {
                    tracing::error!(error = ?cause, "internal error");
                }
                let fallback = Visitor {
                    locale,
                    session: None,
                    csrf: String::new(),
                    secure: false,
                    here: "/".to_owned(),
                };
                let visitor = visitor.map_or(fallback, |v| *v);
                let page = ErrorPage {
                    c: Chrome::new(&visitor, "error-title"),
                    heading: locale.text("error-title"),
                    message: error_message(locale, &error),
                };
                with_retry_after(render(status, &page), &error)
            }
        }
    }
}

/// `result.page(&visitor)?` in a page handler: an API error becomes the error page.
pub trait OrPage<T> {
    fn page(self, visitor: &Visitor) -> Result<T, PageError>;
}

impl<T> OrPage<T> for Result<T, AppError> {
    fn page(self, visitor: &Visitor) -> Result<T, PageError> {
        self.map_err(|error| visitor.fail(error))
    }
}
