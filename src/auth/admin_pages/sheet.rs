//! The printable sheet of one-time passwords: one slip per account with its name, username,
//! password, unit, the sign-in address and what to do, in Vietnamese (and in English too when
//! the page is in English).
//!
//! The sheet is the answer of the POST that made the passwords, not a page reached by a
//! redirect: the one exception to the pages' POST-redirect-GET. The passwords exist in clear
//! only in that response (the database keeps their hashes, the session nothing), which is
//! `Cache-Control: no-store`. Nothing can show them again: no GET answers them, a reload
//! resends the POST (the browser asks first), which an import then refuses (the usernames are
//! taken) and a reset answers with yet another password, and `sheet.js` turns the reload into
//! a GET of the form and empties a sheet the browser brings back from its history.

use askama::Template;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use crate::auth::admin::ImportedUser;
use crate::orgs::units::Units;
use crate::web::Visitor;
use crate::web::locale::{Arg, Locale};
use crate::web::page::{Chrome, render};
use crate::web::time;

pub struct Slip {
    pub user_id: String,
    pub display_name: String,
    pub username: String,
    pub password: String,
    /// The unit's path in the tree (`… / Trường … / Lớp 6A1`), or empty.
    pub unit: String,
}

/// The words of a slip, in one language.
struct SlipLabels {
    username: String,
    password: String,
    unit: String,
    address: String,
}

impl SlipLabels {
    fn of(locale: Locale) -> Self {
        SlipLabels {
            username: locale.text("admin-slip-username"),
            password: locale.text("admin-slip-password"),
            unit: locale.text("admin-slip-unit"),
            address: locale.text("admin-slip-address"),
        }
    }
}

#[derive(Template)]
#[template(path = "admin/sheet.html")]
struct SheetPage {
    c: Chrome,
    /// A slip is for a student: its words are in Vietnamese, and in English too when the
    /// page is.
    vi: SlipLabels,
    en: Option<SlipLabels>,
    heading: String,
    intro: String,
    slips: Vec<Slip>,
    sign_in_url: String,
    /// What to do, in Vietnamese, on every slip.
    instruction_vi: String,
    /// The same in English, when the page is in English.
    instruction_en: Option<String>,
    /// Where the admin goes on from the sheet.
    back_href: String,
    back_label: String,
    /// The page a reload shows instead of the sheet (`sheet.js`).
    reload_href: String,
}

pub struct Sheet<'a> {
    pub heading: String,
    pub intro: String,
    pub back_href: String,
    pub back_label: String,
    pub reload_href: String,
    pub users: &'a [ImportedUser],
}

fn instruction(locale: Locale, url: &str, expires_at: i64) -> String {
    locale.text_with(
        "admin-slip-instruction",
        &[
            ("url", url.to_arg()),
            (
                "time",
                format!("{} ({})", time::date_time(expires_at), time::ZONE_LABEL).to_arg(),
            ),
        ],
    )
}

/// The sheet as the POST's own answer (never stored, never cached).
pub fn answer(
    public_url: Option<&str>,
    visitor: &Visitor,
    headers: &HeaderMap,
    units: &Units,
    sheet: Sheet<'_>,
) -> Response {
    let sign_in_url = crate::boards::projector::join_url(public_url, visitor, headers, "/login");
    let expires_at = sheet
        .users
        .iter()
        .map(|user| user.expires_at.0)
        .min()
        .unwrap_or_default();
    let slips = sheet
        .users
        .iter()
        .map(|imported| Slip {
            user_id: imported.user.id.clone(),
            display_name: imported.user.display_name.clone(),
            username: imported.user.username.clone(),
            password: imported.one_time_password.clone(),
            unit: imported
                .user
                .org_unit_id
                .as_deref()
                .map(|unit| units.path(Some(unit)))
                .unwrap_or_default(),
        })
        .collect();
    let page = SheetPage {
        c: Chrome::titled(visitor, sheet.heading.clone()),
        heading: sheet.heading,
        vi: SlipLabels::of(Locale::Vi),
        en: (visitor.locale == Locale::En).then(|| SlipLabels::of(Locale::En)),
        intro: sheet.intro,
        slips,
        instruction_vi: instruction(Locale::Vi, &sign_in_url, expires_at),
        instruction_en: (visitor.locale == Locale::En)
            .then(|| instruction(Locale::En, &sign_in_url, expires_at)),
        sign_in_url,
        back_href: sheet.back_href,
        back_label: sheet.back_label,
        reload_href: sheet.reload_href,
    };
    render(StatusCode::OK, &page)
}
