//! The account pages: sign in, register, sign out, change password. They call the same
//! functions as `/api/v1/auth` and keep the session in a cookie instead of tokens.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::Response;
use axum::routing::get;
use serde::Deserialize;

use super::accounts::UserRow;
use super::extract::ClientIp;
use super::routes::{self, ChangePasswordRequest, RegisterRequest};
use crate::app::AppState;
use crate::error::AppError;
use crate::orgs::store::{self as orgs, OrgUnit};
use crate::web::context::{ANON_CSRF_COOKIE, cookie, removal};
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

/// Starts the browser session: a new session cookie, and a fresh anonymous token so the one
/// used before signing in is worth nothing after (no fixation, ASVS 3.2.1).
async fn signed_in(
    state: &AppState,
    visitor: &Visitor,
    user: &UserRow,
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
    Ok(response)
}

async fn login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    visitor: Visitor,
    form: CsrfForm,
) -> Result<Response, PageError> {
    let username = form.text("username");
    let next = safe_next(form.get("next"));
    match routes::authenticate(&state, ip, &username, &form.text("password")).await {
        Ok(user) => signed_in(&state, &visitor, &user, &next).await,
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
        Ok(user) => signed_in(&state, &visitor, &user, "/").await,
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
}

#[derive(Deserialize)]
struct DoneQuery {
    done: Option<String>,
}

async fn password_page(
    visitor: Visitor,
    Query(query): Query<DoneQuery>,
) -> Result<Response, PageError> {
    let Some(session) = &visitor.session else {
        return Err(PageError::Redirect(crate::web::sign_in_url(&visitor.here)));
    };
    Ok(ok(&PasswordPage {
        forced: session.user.must_change_password,
        c: Chrome::new(&visitor, "password-title"),
        errors: FormErrors::default(),
        done: query.done.is_some(),
    }))
}

/// Every session of the account ends, this one too; the browser gets a new one at once.
async fn change_password(
    State(state): State<AppState>,
    visitor: Visitor,
    form: CsrfForm,
) -> Result<Response, PageError> {
    let Some(session) = visitor.session.clone() else {
        return Err(PageError::Redirect(crate::web::sign_in_url(
            "/account/password",
        )));
    };
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
            signed_in(&state, &visitor, &user, "/account/password?done=1").await
        }
        Err(error @ AppError::Api { .. }) => Ok(render(
            error.status(),
            &PasswordPage {
                forced: session.user.must_change_password,
                c: Chrome::new(&visitor, "password-title"),
                errors: FormErrors::of(&visitor, &error),
                done: false,
            },
        )),
        Err(error) => Err(visitor.fail(error)),
    }
}
