//! The account pages: sign in, register, sign out, change password. They call the same
//! functions as `/api/v1/auth` and keep the session in a cookie instead of tokens.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::Response;
use axum::routing::get;
use axum_extra::extract::cookie::CookieJar;
use serde::Deserialize;

use super::accounts::UserRow;
use super::devices::{self, DEVICE_COOKIE, DEVICE_TTL_MS};
use super::extract::ClientIp;
use super::routes::{self, ChangePasswordRequest, RegisterRequest};
use crate::app::AppState;
use crate::error::AppError;
use crate::orgs::store::{self as orgs, OrgUnit};
use crate::web::context::{ANON_CSRF_COOKIE, cookie, lasting_cookie, removal};
use crate::web::page::{
    Chrome, OrPage, PageError, error_message, ok, redirect, render, with_retry_after,
};
use crate::web::session::{self, SESSION_COOKIE};
use crate::web::{CsrfForm, Visitor, safe_next};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/login", get(login_page).post(login))
        .route("/register", get(register_page).post(register))
        .route("/logout", axum::routing::post(logout))
        .route(
            "/account/password",
            get(password_page).post(change_password),
        )
        .route("/account/name", axum::routing::post(change_name))
}

/// A form's problems: one message for the alert, and the fields to mark invalid.
#[derive(Default)]
pub struct FormErrors {
    pub message: Option<String>,
    pub fields: Vec<String>,
}

impl FormErrors {
    pub fn of(visitor: &Visitor, error: &AppError) -> Self {
        FormErrors {
            message: Some(error_message(visitor.locale, error)),
            fields: error.fields(),
        }
    }

    pub fn invalid(&self, field: &str) -> bool {
        self.fields.iter().any(|f| f == field)
    }
}

#[derive(Template)]
#[template(path = "auth/login.html")]
struct LoginPage {
    c: Chrome,
    errors: FormErrors,
    username: String,
    next: String,
}

#[derive(Deserialize)]
struct NextQuery {
    next: Option<String>,
}

async fn login_page(visitor: Visitor, Query(query): Query<NextQuery>) -> Response {
    if visitor.session.is_some() {
        return redirect(&safe_next(query.next.as_deref()));
    }
    ok(&LoginPage {
        c: Chrome::new(&visitor, "login-title"),
        errors: FormErrors::default(),
        username: String::new(),
        next: safe_next(query.next.as_deref()),
    })
}

/// Starts the browser session: a new session cookie, a fresh anonymous token so the one
/// used before signing in is worth nothing after (no fixation, ASVS 3.2.1), and the device
/// token that keeps this browser out of the account's lockout.
async fn signed_in(
    state: &AppState,
    visitor: &Visitor,
    user: &UserRow,
    device_token: Option<String>,
    next: &str,
) -> Result<Response, PageError> {
    let (cookie_value, _) = session::begin(&state.db.pool, user, state.clock.now_ms())
        .await
        .page(visitor)?;
    let target = if user.must_change_password {
        "/account/password"
    } else {
        next
    };
    let mut response = redirect(target);
    let headers = response.headers_mut();
    headers.append(
        header::SET_COOKIE,
        cookie(SESSION_COOKIE, cookie_value, visitor.secure),
    );
    headers.append(
        header::SET_COOKIE,
        cookie(
            ANON_CSRF_COOKIE,
            crate::auth::tokens::new_security_stamp(),
            visitor.secure,
        ),
    );
    if let Some(token) = device_token {
        headers.append(
            header::SET_COOKIE,
            lasting_cookie(
                DEVICE_COOKIE,
                token,
                visitor.secure,
                time::Duration::milliseconds(DEVICE_TTL_MS),
            ),
        );
    }
    Ok(response)
}

async fn login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    jar: CookieJar,
    visitor: Visitor,
    form: CsrfForm,
) -> Result<Response, PageError> {
    let username = form.text("username");
    let next = safe_next(form.get("next"));
    let device = jar
        .get(DEVICE_COOKIE)
        .map(|cookie| cookie.value().to_owned());
    let password = form.text("password");
    match routes::authenticate(&state, ip, &username, &password, device.as_deref()).await {
        Ok(signed) => {
            signed_in(
                &state,
                &visitor,
                &signed.user,
                Some(signed.device_token),
                &next,
            )
            .await
        }
        Err(error @ AppError::Api { .. }) => {
            let page = LoginPage {
                c: Chrome::new(&visitor, "login-title"),
                errors: FormErrors::of(&visitor, &error),
                username,
                next,
            };
            Ok(with_retry_after(render(error.status(), &page), &error))
        }
        Err(error) => Err(visitor.fail(error)),
    }
}

/// A unit in the register page's picker, indented by its depth in the tree.
pub struct UnitChoice {
    pub id: String,
    pub label: String,
    pub selected: bool,
}

pub fn unit_choices(units: Vec<OrgUnit>, selected: &str) -> Vec<UnitChoice> {
    orgs::tree_order(units)
        .into_iter()
        .map(|(unit, depth)| UnitChoice {
            selected: unit.id == selected,
            label: format!("{}{}", "\u{2003}".repeat(depth), unit.name),
            id: unit.id,
        })
        .collect()
}

#[derive(Template)]
#[template(path = "auth/register.html")]
struct RegisterPage {
    c: Chrome,
    errors: FormErrors,
    username: String,
    display_name: String,
    birth_year: String,
    join_code: String,
    /// Whether she picks her unit from the tree (`REGISTRATION=open`); otherwise only a join
    /// code places her.
    picks_unit: bool,
    units: Vec<UnitChoice>,
}

async fn register_form(
    state: &AppState,
    visitor: &Visitor,
    status: StatusCode,
    errors: FormErrors,
    form: Option<&CsrfForm>,
) -> Result<Response, PageError> {
    let units = orgs::list(&state.db.pool).await.page(visitor)?;
    let policy = crate::auth::registration::policy(state)
        .await
        .page(visitor)?;
    let value = |name: &str| form.map(|f| f.text(name)).unwrap_or_default();
    Ok(render(
        status,
        &RegisterPage {
            c: Chrome::new(visitor, "register-title"),
            errors,
            username: value("username"),
            display_name: value("display_name"),
            birth_year: value("birth_year"),
            join_code: value("join_code"),
            picks_unit: policy == crate::auth::registration::Registration::Open,
            units: unit_choices(units, &value("org_unit_id")),
        },
    ))
}

async fn register_page(
    State(state): State<AppState>,
    visitor: Visitor,
) -> Result<Response, PageError> {
    if visitor.session.is_some() {
        return Ok(redirect("/"));
    }
    register_form(
        &state,
        &visitor,
        StatusCode::OK,
        FormErrors::default(),
        None,
    )
    .await
}

async fn register(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    visitor: Visitor,
    form: CsrfForm,
) -> Result<Response, PageError> {
    let birth_year = form.text("birth_year");
    let birth_year = match birth_year.trim() {
        "" => Ok(None),
        year => year
            .parse::<i64>()
            .map(Some)
            .map_err(|_| crate::error::FieldErrors::single("birth_year", "must be a year")),
    };
    let body = birth_year.map(|birth_year| RegisterRequest {
        username: form.text("username"),
        password: form.text("password"),
        display_name: form.text("display_name"),
        org_unit_id: form
            .get("org_unit_id")
            .filter(|id| !id.is_empty())
            .map(str::to_owned),
        join_code: form.get("join_code").map(str::to_owned),
        birth_year,
    });
    let created = match body {
        Ok(body) => routes::create_participant(&state, ip, body).await,
        Err(error) => Err(error),
    };
    match created {
        Ok(user) => {
            let device_token = devices::issue(&state, &user.id, None, state.clock.now_ms());
            signed_in(&state, &visitor, &user, Some(device_token), "/").await
        }
        Err(error @ AppError::Api { .. }) => {
            let status = error.status();
            register_form(
                &state,
                &visitor,
                status,
                FormErrors::of(&visitor, &error),
                Some(&form),
            )
            .await
        }
        Err(error) => Err(visitor.fail(error)),
    }
}

async fn logout(
    State(state): State<AppState>,
    visitor: Visitor,
    _form: CsrfForm,
) -> Result<Response, PageError> {
    if let Some(session) = &visitor.session {
        session::end(&state.db.pool, session, state.clock.now_ms())
            .await
            .page(&visitor)?;
    }
    let mut response = redirect("/");
    response
        .headers_mut()
        .append(header::SET_COOKIE, removal(SESSION_COOKIE, visitor.secure));
    Ok(response)
}

#[derive(Template)]
#[template(path = "auth/password.html")]
struct PasswordPage {
    c: Chrome,
    errors: FormErrors,
    forced: bool,
    done: bool,
    /// The name form: her name as typed or on record, and whether it was just saved.
    display_name: String,
    renamed: bool,
    /// What public boards call her while she has not chosen a name.
    pseudonym: Option<String>,
}

impl PasswordPage {
    async fn new(state: &AppState, visitor: &Visitor, user: &UserRow, errors: FormErrors) -> Self {
        let pseudonym = if user.display_name_chosen {
            None
        } else {
            super::accounts::public_name_of(&state.db.pool, user)
                .await
                .ok()
        };
        PasswordPage {
            forced: user.must_change_password,
            c: Chrome::new(visitor, "password-title"),
            errors,
            done: false,
            display_name: user.display_name.clone(),
            renamed: false,
            pseudonym,
        }
    }
}

#[derive(Deserialize)]
struct DoneQuery {
    done: Option<String>,
    renamed: Option<String>,
}

async fn password_page(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(query): Query<DoneQuery>,
) -> Result<Response, PageError> {
    let Some(session) = &visitor.session else {
        return Err(PageError::Redirect(crate::web::sign_in_url(&visitor.here)));
    };
    let mut page = PasswordPage::new(&state, &visitor, &session.user, FormErrors::default()).await;
    page.done = query.done.is_some();
    page.renamed = query.renamed.is_some();
    Ok(ok(&page))
}

/// The signed-in session an account form posts from; signed out, to sign in and back.
fn account_session(visitor: &Visitor) -> Result<crate::web::session::WebSession, PageError> {
    visitor
        .session
        .clone()
        .ok_or_else(|| PageError::Redirect(crate::web::sign_in_url("/account/password")))
}

/// Her own display name, from the account page (`PATCH /me`'s rules).
async fn change_name(
    State(state): State<AppState>,
    visitor: Visitor,
    form: CsrfForm,
) -> Result<Response, PageError> {
    let session = account_session(&visitor)?;
    let typed = form.text("display_name");
    let renamed = match super::credentials::DisplayName::parse(&typed) {
        Ok(name) => routes::rename_self(&state, &session.user, &name).await,
        Err(reason) => Err(crate::error::FieldErrors::single("display_name", reason)),
    };
    match renamed {
        Ok(_) => Ok(redirect("/account/password?renamed=1")),
        Err(error @ AppError::Api { .. }) => {
            let errors = FormErrors::of(&visitor, &error);
            let mut page = PasswordPage::new(&state, &visitor, &session.user, errors).await;
            page.display_name = typed;
            Ok(render(error.status(), &page))
        }
        Err(error) => Err(visitor.fail(error)),
    }
}

/// Every session of the account ends, this one too; the browser gets a new one at once.
async fn change_password(
    State(state): State<AppState>,
    visitor: Visitor,
    form: CsrfForm,
) -> Result<Response, PageError> {
    let session = account_session(&visitor)?;
    let body = ChangePasswordRequest {
        current_password: form.text("current_password"),
        new_password: form.text("new_password"),
    };
    match routes::replace_password(&state, &session.user, &body, None).await {
        Ok(()) => {
            let user = crate::auth::accounts::find_by_id(&state.db.pool, &session.user.id)
                .await
                .page(&visitor)?
                .ok_or_else(|| visitor.fail(AppError::not_found()))?;
            signed_in(&state, &visitor, &user, None, "/account/password?done=1").await
        }
        Err(error @ AppError::Api { .. }) => {
            let errors = FormErrors::of(&visitor, &error);
            let page = PasswordPage::new(&state, &visitor, &session.user, errors).await;
            Ok(render(error.status(), &page))
        }
        Err(error) => Err(visitor.fail(error)),
    }
}
