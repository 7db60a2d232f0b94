//! Question banks.

use super::{Caller, Response, TestApp, path};

impl TestApp {
    /// Imports a bank file; `query` is `""` or `?format=gift&...`.
    pub async fn import_bank(
        &self,
        who: impl Caller,
        query: &str,
        content_type: &str,
        file: impl Into<reqwest::Body>,
    ) -> Response {
        self.post_raw(
            &format!("{}{query}", path::bank_import()),
            who.token(),
            content_type,
            file,
        )
        .await
    }

    pub async fn banks(&self, who: impl Caller) -> Response {
        self.get(&path::banks(), who.token()).await
    }

    /// A bank's questions with their keys; `query` is `""` or `?limit=..&offset=..`.
    pub async fn bank_questions(&self, who: impl Caller, slug: &str, query: &str) -> Response {
        self.get(
            &format!("{}{query}", path::bank_questions(slug)),
            who.token(),
        )
        .await
    }
}
