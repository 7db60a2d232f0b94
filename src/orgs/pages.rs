//! `/admin/org-units`: the org tree (district → ward → school → class) as nested lists with
//! each unit's kind and code, a form to add a unit under a parent, and a CSV import. They go
//! to the API's `routes::list_org_units`, `create_org_unit` and `import_org_units`; an
//! import with any bad row writes nothing and lists each row's problem.

use askama::Template;
use axum::Router;
use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};

use super::OrgKind;
use super::routes::{self, NewOrgUnit};
use super::store::tree_order;
use crate::app::AppState;
use crate::auth::Admin;
use crate::auth::admin_pages::csv_form::{self, ImportRefusal, Refused};
use crate::auth::admin_pages::{Choice, Refusal, not_for_the_form};
use crate::auth::pages::{UnitChoice, unit_choices};
use crate::error::{AppError, ErrorCode};
use crate::http::AppJson;
use crate::web::locale::{Arg, Locale};
use crate::web::page::{Chrome, OrPage, PageError, redirect, render, with_retry_after};
use crate::web::visitor::percent_encode;
use crate::web::{CsrfForm, Member};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/org-units", get(page).post(create))
        .route("/admin/org-units/import", post(import))
}

const KINDS: [OrgKind; 5] = [
    OrgKind::District,
    OrgKind::Ward,
    OrgKind::School,
    OrgKind::Class,
    OrgKind::Other,
];

/// One unit of the tree, with the list markup around it: a deeper unit opens a list inside
/// the one before it (`descend`); a shallower one first closes `ascend` lists.
pub struct TreeLine {
    pub id: String,
    pub code: String,
    pub name: String,
    pub kind: &'static str,
    pub kind_label: String,
    pub descend: bool,
    pub ascend: usize,
}

/// What the add form holds: empty, a parent picked from a unit's link, or what was typed
/// before a refusal.
#[derive(Default)]
struct Typed {
    code: String,
    name: String,
    kind: String,
    parent_id: String,
}

#[derive(Template)]
#[template(path = "admin/org_units.html")]
struct TreePage {
    c: Chrome,
    lines: Vec<TreeLine>,
    /// Lists left open after the last unit.
    tail: usize,
    total: usize,
    code: String,
    name: String,
    kinds: Vec<Choice>,
    parents: Vec<UnitChoice>,
    refusal: Refusal,
    /// The import form's values and refusal.
    pasted: String,
    had_file: bool,
    import_refusal: Option<ImportRefusal>,
    notice: Option<String>,
}

fn kind_label(locale: Locale, kind: OrgKind) -> String {
    locale.text(&format!("admin-kind-{}", kind.as_str()))
}

async fn tree_page(state: &AppState, member: &Member, typed: Typed) -> Result<TreePage, PageError> {
    let visitor = &member.visitor;
    let locale = visitor.locale;
    let AppJson(list) = routes::list_org_units(State(state.clone()))
        .await
        .page(visitor)?;
    let mut lines = Vec::with_capacity(list.items.len());
    let mut previous: Option<usize> = None;
    for (unit, depth) in tree_order(list.items.clone()) {
        lines.push(TreeLine {
            kind: unit.kind.as_str(),
            kind_label: kind_label(locale, unit.kind),
            descend: previous.is_some_and(|before| depth > before),
            ascend: previous.map_or(0, |before| before.saturating_sub(depth)),
            id: unit.id,
            code: unit.code,
            name: unit.name,
        });
        previous = Some(depth);
    }
    Ok(TreePage {
        c: Chrome::new(visitor, "admin-units-title"),
        total: lines.len(),
        tail: previous.unwrap_or(0),
        lines,
        kinds: KINDS
            .into_iter()
            .map(|kind| Choice {
                value: kind.as_str().to_owned(),
                label: kind_label(locale, kind),
                selected: kind.as_str() == typed.kind,
            })
            .collect(),
        parents: unit_choices(list.items, &typed.parent_id),
        code: typed.code,
        name: typed.name,
        refusal: Refusal::default(),
        pasted: String::new(),
        had_file: false,
        import_refusal: None,
        notice: None,
    })
}

fn notice_of(locale: Locale, query: Option<&str>) -> Option<String> {
    query?.split('&').find_map(|pair| {
        let (name, value) = pair.split_once('=')?;
        match name {
            "added" => Some(locale.text("admin-unit-added")),
            "imported" => value.parse::<i64>().ok().map(|count| {
                locale.text_with("admin-units-imported", &[("count", count.to_arg())])
            }),
            _ => None,
        }
    })
}

/// The tree; `?parent=` picks the add form's parent (each unit links to it).
pub async fn page(
    State(state): State<AppState>,
    member: Member,
    admin: Result<Admin, AppError>,
    RawQuery(query): RawQuery,
) -> Result<Response, PageError> {
    let visitor = &member.visitor;
    admin.page(visitor)?;
    let parent_id = query
        .as_deref()
        .unwrap_or("")
        .split('&')
        .find_map(|pair| pair.strip_prefix("parent="))
        .unwrap_or("")
        .to_owned();
    let mut page = tree_page(
        &state,
        &member,
        Typed {
            parent_id,
            ..Typed::default()
        },
    )
    .await?;
    page.notice = notice_of(visitor.locale, query.as_deref());
    Ok(render(StatusCode::OK, &page))
}

/// Adds a unit through the API's handler; a refusal shows beside its field, what was typed
/// kept.
pub async fn create(
    State(state): State<AppState>,
    member: Member,
    form: CsrfForm,
) -> Result<Response, PageError> {
    let visitor = &member.visitor;
    let admin = member.admin()?;
    let typed = Typed {
        code: form.text("code"),
        name: form.text("name"),
        kind: form.text("kind"),
        parent_id: form.text("parent_id"),
    };
    let outcome = routes::create_org_unit(
        State(state.clone()),
        admin,
        AppJson(NewOrgUnit {
            code: typed.code.clone(),
            name: typed.name.clone(),
            kind: typed.kind.clone(),
            parent_id: Some(typed.parent_id.clone()).filter(|id| !id.is_empty()),
        }),
    )
    .await;
    let error = match outcome {
        Ok((_, AppJson(unit))) => {
            return Ok(redirect(&format!(
                "/admin/org-units?added={}#unit-{}",
                percent_encode(&unit.code),
                unit.id
            )));
        }
        Err(error) if not_for_the_form(&error) => return Err(visitor.fail(error)),
        Err(error) => error,
    };
    let locale = visitor.locale;
    let mut page = tree_page(&state, &member, typed).await?;
    page.refusal = if error.code() == ErrorCode::OrgCodeTaken {
        Refusal::field(
            locale,
            "admin",
            "code",
            locale.text("admin-unit-code-taken"),
        )
    } else {
        Refusal::in_form(locale, &error, "admin")
    };
    Ok(with_retry_after(render(error.status(), &page), &error))
}

/// Imports units from CSV through the API's handler: all or none.
pub async fn import(
    State(state): State<AppState>,
    member: Member,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, PageError> {
    let visitor = &member.visitor;
    let admin = member.admin()?;
    let locale = visitor.locale;
    let (pasted, had_file, error) = match csv_form::read(visitor, &headers, body).await {
        Err(Refused::Page(error)) => return Err(error),
        Err(Refused::Form(error)) => (String::new(), true, error),
        Ok(form) => match form.body().await {
            None => {
                let mut page = tree_page(&state, &member, Typed::default()).await?;
                page.pasted = form.pasted;
                page.import_refusal = Some(ImportRefusal::nothing_sent(locale));
                return Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page));
            }
            Some(csv) => {
                let outcome = match csv {
                    Ok(csv) => routes::import_org_units(State(state.clone()), admin, csv).await,
                    Err(error) => Err(error),
                };
                match outcome {
                    Ok((_, AppJson(imported))) => {
                        return Ok(redirect(&format!(
                            "/admin/org-units?imported={}#tree",
                            imported.created
                        )));
                    }
                    Err(error) if not_for_the_form(&error) => return Err(visitor.fail(error)),
                    Err(error) => (form.pasted, form.file.is_some(), error),
                }
            }
        },
    };
    let mut page = tree_page(&state, &member, Typed::default()).await?;
    page.pasted = pasted;
    page.had_file = had_file;
    page.import_refusal = Some(ImportRefusal::of(locale, &error));
    Ok(with_retry_after(render(error.status(), &page), &error))
}
