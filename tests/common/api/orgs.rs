//! The organisation tree.

use serde_json::Value;

use super::{Caller, Response, TestApp, path};

impl TestApp {
    pub async fn create_org_unit(&self, who: impl Caller, body: &Value) -> Response {
        self.post(&path::org_units(), who.token(), body).await
    }

    pub async fn org_units(&self, who: impl Caller) -> Response {
        self.get(&path::org_units(), who.token()).await
    }

    pub async fn issue_join_code(&self, who: impl Caller, unit: &str, body: &Value) -> Response {
        self.post(&path::org_unit_join_codes(unit), who.token(), body)
            .await
    }

    pub async fn revoke_join_code(&self, who: impl Caller, unit: &str) -> Response {
        self.send(self.request(
            reqwest::Method::DELETE,
            &path::org_unit_join_codes(unit),
            who.token(),
        ))
        .await
    }

    /// A CSV import (`code,name,kind,parent_code`), sent as `text/csv`.
    pub async fn import_org_units(
        &self,
        who: impl Caller,
        csv: impl Into<reqwest::Body>,
    ) -> Response {
        self.post_raw(&path::org_unit_import(), who.token(), "text/csv", csv)
            .await
    }
}
