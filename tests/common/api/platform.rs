//! What the server says about itself.

use super::{Caller, Response, TestApp, path};

impl TestApp {
    pub async fn openapi_document(&self, who: impl Caller) -> Response {
        self.get(&path::openapi(), who.token()).await
    }
}
