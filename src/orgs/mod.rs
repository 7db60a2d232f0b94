//! The organisation tree (district → ward → school → class), loaded from data.

pub mod join_codes;
pub mod pages;
pub mod routes;
pub mod store;
pub mod units;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::AppState;

pub use store::{OrgUnit, code_key};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    District,
    Ward,
    School,
    Class,
    Other,
}

impl OrgKind {
    pub fn as_str(self) -> &'static str {
        match self {
            OrgKind::District => "district",
            OrgKind::Ward => "ward",
            OrgKind::School => "school",
            OrgKind::Class => "class",
            OrgKind::Other => "other",
        }
    }

    pub fn parse(text: &str) -> Result<Self, String> {
        match text.trim() {
            "district" => Ok(OrgKind::District),
            "ward" => Ok(OrgKind::Ward),
            "school" => Ok(OrgKind::School),
            "class" => Ok(OrgKind::Class),
            "other" => Ok(OrgKind::Other),
            _ => Err("must be district, ward, school, class or other".into()),
        }
    }
}

impl std::str::FromStr for OrgKind {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        OrgKind::parse(text)
    }
}

/// A stored kind is parsed strictly: an unknown value is a fault of the record.
impl TryFrom<String> for OrgKind {
    type Error = String;

    fn try_from(text: String) -> Result<Self, String> {
        OrgKind::parse(&text).map_err(|_| format!("unknown org unit kind {text:?}"))
    }
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(routes::list_org_units, routes::create_org_unit))
        .routes(routes!(routes::import_org_units))
        .routes(routes!(
            join_codes::issue_join_code,
            join_codes::revoke_join_code
        ))
}
