//! `/admin/users/import`: a school's students from a CSV file, or text pasted, in the API's
//! format. The API's `admin::import_users` checks every row and writes all or none; a refusal
//! lists each bad row with its line and column; success answers the printable sheet of
//! one-time passwords (`sheet`).

use askama::Template;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use super::csv_form::{self, ImportRefusal, Refused};
use super::sheet::{self, Sheet};
use crate::app::AppState;
use crate::auth::Admin;
use crate::auth::admin::{self as api};
use crate::error::AppError;
use crate::orgs::units::Units;
use crate::web::Member;
use crate::web::locale::Arg;
use crate::web::page::{Chrome, OrPage, PageError, render};

#[derive(Template)]
#[template(path = "admin/import.html")]
struct ImportPage {
    c: Chrome,
    /// What was pasted, shown again beside a refusal.
    pasted: String,
    /// Whether a file had been chosen (a browser cannot be given it back).
    had_file: bool,
    import_refusal: Option<ImportRefusal>,
}

pub async fn page(member: Member, admin: Result<Admin, AppError>) -> Result<Response, PageError> {
    let visitor = &member.visitor;
    admin.page(visitor)?;
    Ok(render(
        StatusCode::OK,
        &ImportPage {
            c: Chrome::new(visitor, "admin-import-title"),
            pasted: String::new(),
            had_file: false,
            import_refusal: None,
        },
    ))
}

/// Imports through the API's handler: its refusal on the form (nothing written), or the sheet.
pub async fn import(
    State(state): State<AppState>,
    member: Member,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, PageError> {
    let visitor = &member.visitor;
    let admin = member.admin()?;
    let locale = visitor.locale;
    let refused = |status: StatusCode, pasted: String, had_file: bool, refusal: ImportRefusal| {
        render(
            status,
            &ImportPage {
                c: Chrome::new(visitor, "admin-import-title"),
                pasted,
                had_file,
                import_refusal: Some(refusal),
            },
        )
    };
    let form = match csv_form::read(visitor, &headers, body).await {
        Ok(form) => form,
        Err(Refused::Page(error)) => return Err(error),
        Err(Refused::Form(error)) => {
            return Ok(refused(
                error.status(),
                String::new(),
                true,
                ImportRefusal::of(locale, &error),
            ));
        }
    };
    let had_file = form.file.is_some();
    let Some(csv) = form.body().await else {
        return Ok(refused(
            StatusCode::UNPROCESSABLE_ENTITY,
            form.pasted,
            false,
            ImportRefusal::nothing_sent(locale),
        ));
    };
    let outcome = match csv {
        Ok(csv) => api::import_users(State(state.clone()), admin, csv)
            .await
            .map(|(_, json)| json.0),
        Err(error) => Err(error),
    };
    match outcome {
        Ok(imported) => {
            let units = Units::load(&state.db.pool).await.page(visitor)?;
            Ok(sheet::answer(
                state.config.public_url.as_deref(),
                visitor,
                &headers,
                &units,
                Sheet {
                    heading: locale.text("admin-sheet-title"),
                    intro: locale
                        .text_with("admin-sheet-intro", &[("count", imported.created.to_arg())]),
                    back_href: "/admin/users".to_owned(),
                    back_label: locale.text("admin-sheet-back"),
                    reload_href: "/admin/users/import".to_owned(),
                    users: &imported.users,
                },
            ))
        }
        Err(error) if super::not_for_the_form(&error) => Err(visitor.fail(error)),
        Err(error) => Ok(refused(
            error.status(),
            form.pasted,
            had_file,
            ImportRefusal::of(locale, &error),
        )),
    }
}
