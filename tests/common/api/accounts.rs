//! Registration, sign-in, tokens, the caller's own account, and the admin's user endpoints.

use serde_json::{Value, json};

use super::{Caller, Response, TestApp, path};

impl TestApp {
    /// Registers with `body` as sent, whatever it holds (`register` and `register_with` want
    /// it to succeed and return the session).
    pub async fn try_register(&self, body: &Value) -> Response {
        self.post(&path::register(), None, body).await
    }

    pub async fn login(&self, username: &str, password: &str) -> Response {
        self.login_with(&json!({ "username": username, "password": password }))
            .await
    }

    /// Signs in with `body` as sent (missing or mistyped fields).
    pub async fn login_with(&self, body: &Value) -> Response {
        self.post(&path::login(), None, body).await
    }

    pub async fn refresh(&self, refresh_token: &str) -> Response {
        self.post(
            &path::refresh(),
            None,
            &json!({ "refresh_token": refresh_token }),
        )
        .await
    }

    pub async fn logout(&self, who: impl Caller, refresh_token: &str) -> Response {
        self.post(
            &path::logout(),
            who.token(),
            &json!({ "refresh_token": refresh_token }),
        )
        .await
    }

    pub async fn me(&self, who: impl Caller) -> Response {
        self.get(&path::me(), who.token()).await
    }

    /// The caller's own change (`{display_name}`).
    pub async fn update_me(&self, who: impl Caller, changes: &Value) -> Response {
        self.patch(&path::me(), who.token(), changes).await
    }

    /// An admin replaces a user's password with a new one-time password.
    pub async fn reset_password(&self, who: impl Caller, user_id: &str) -> Response {
        self.post(
            &path::user_one_time_password(user_id),
            who.token(),
            &json!({}),
        )
        .await
    }

    pub async fn change_password(&self, who: impl Caller, current: &str, new: &str) -> Response {
        self.patch(
            &path::my_password(),
            who.token(),
            &json!({ "current_password": current, "new_password": new }),
        )
        .await
    }

    /// An admin's search of accounts; `query` is the query string without `?`.
    pub async fn search_users(&self, who: impl Caller, query: &str) -> Response {
        self.get(&format!("{}?{query}", path::users()), who.token())
            .await
    }

    /// An admin's change to a user: role, unit, display name, disabled.
    pub async fn update_user(&self, who: impl Caller, user_id: &str, changes: &Value) -> Response {
        self.patch(&path::user(user_id), who.token(), changes).await
    }

    /// An admin's CSV import of accounts.
    pub async fn import_users(
        &self,
        who: impl Caller,
        content_type: &str,
        csv: impl Into<reqwest::Body>,
    ) -> Response {
        self.post_raw(&path::user_import(), who.token(), content_type, csv)
            .await
    }
}
