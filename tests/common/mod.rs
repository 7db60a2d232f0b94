//! A real server per test: the router on port 0 over its own database (a SQLite temp file, or
//! a fresh PostgreSQL database when TEST_DATABASE_URL is set), its own Redis key prefix when
//! TEST_REDIS_URL is set, and a manual clock.
#![allow(dead_code)]

pub mod api;
pub mod browser;
pub mod contests;
pub mod fixture;
pub mod services;
pub mod sse;

// Each suite is its own crate and uses some of these.
#[allow(unused_imports)]
pub use api::{Anonymous, path};

use std::sync::Arc;
use std::time::Duration;

use civiquiz::app::{self, AppState};
use civiquiz::clock::{Clock, ManualClock, SystemClock};
use civiquiz::config::{Config, Limits, LogFormat, MediaConfig};
use reqwest::Method;
use serde_json::{Value, json};
use sqlx::Connection;

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub clock: Arc<ManualClock>,
    pub state: AppState,
    pub config: Config,
    _data_dir: tempfile::TempDir,
    _shutdown: tokio::sync::oneshot::Sender<()>,
}

pub struct Response {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
    pub text: String,
    /// The body as sent, for binary responses (`text` is its lossy UTF-8).
    pub bytes: Vec<u8>,
}

impl Response {
    pub fn code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or("")
    }
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

#[derive(Clone, Debug)]
pub struct Session {
    pub user_id: String,
    pub username: String,
    pub access: String,
    pub refresh: String,
}

pub const PASSWORD: &str = "correct horse battery";

fn redis_url() -> Option<String> {
    std::env::var("TEST_REDIS_URL")
        .ok()
        .filter(|v| !v.is_empty())
}

/// A database of the test's own: a fresh PostgreSQL database, or a SQLite file in `dir`.
pub async fn fresh_database_url(dir: &std::path::Path) -> String {
    match std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|v| !v.is_empty())
    {
        Some(admin_url) => {
            sqlx::any::install_default_drivers();
            let name = format!("civiquiz_t_{}", uuid::Uuid::now_v7().simple());
            let mut admin = sqlx::AnyConnection::connect(&admin_url)
                .await
                .expect("TEST_DATABASE_URL must be reachable");
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                .execute(&mut admin)
                .await
                .expect("create test database");
            let _ = admin.close().await;
            let mut url = reqwest::Url::parse(&admin_url).expect("TEST_DATABASE_URL is a URL");
            url.set_path(&format!("/{name}"));
            url.to_string()
        }
        None => format!("sqlite://{}", dir.join("test.db").display()),
    }
}

pub fn test_config(data_dir: &std::path::Path, database_url: String) -> Config {
    Config {
        bind: "127.0.0.1:0".parse().expect("address"),
        data_dir: data_dir.to_owned(),
        database_url,
        redis_url: redis_url(),
        redis_prefix: format!("civiquiz-test:{}:", uuid::Uuid::now_v7().simple()),
        jwt_secret: b"test secret that is long enough for HS256 use".to_vec(),
        log_format: LogFormat::Text,
        request_timeout: Duration::from_secs(30),
        header_read_timeout: Duration::from_secs(10),
        max_connections: 10_000,
        shutdown_grace: Duration::from_secs(5),
        auth_ip_limit_per_min: 10_000,
        registration: None,
        trusted_proxies: Default::default(),
        metrics_allow: civiquiz::http::client::Networks::loopback(),
        db_max_connections: 8,
        attempt_grace: Duration::from_secs(5),
        sweep_interval: Duration::from_millis(200),
        banks_dir: None,
        public_url: None,
        limits: Limits::default(),
        media: MediaConfig::default(),
    }
}

impl TestApp {
    pub async fn spawn() -> Self {
        Self::spawn_with(|_| {}).await
    }

    pub async fn spawn_with(tweak: impl FnOnce(&mut Config)) -> Self {
        let data_dir = tempfile::tempdir().expect("temp dir");
        let database_url = fresh_database_url(data_dir.path()).await;
        let mut config = test_config(data_dir.path(), database_url);
        tweak(&mut config);
        Self::serve(config, data_dir).await
    }

    /// Serves `config` (another process's view of the same stores, say).
    pub async fn serve(config: Config, data_dir: tempfile::TempDir) -> Self {
        let clock = Arc::new(ManualClock::new(SystemClock.now_ms()));
        let state = AppState::connect(config.clone(), Some(clock.clone()))
            .await
            .expect("app state");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("address"));
        let (shutdown, stop) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(app::serve(listener, state.clone(), async {
            let _ = stop.await;
        }));
        TestApp {
            base,
            client: reqwest::Client::builder()
                .timeout(Duration::from_secs(60))
                .build()
                .expect("client"),
            clock,
            state,
            config,
            _data_dir: data_dir,
            _shutdown: shutdown,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn send(&self, request: reqwest::RequestBuilder) -> Response {
        let response = request.send().await.expect("request reaches the server");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.expect("body").to_vec();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Response {
            status,
            headers,
            body,
            text,
            bytes,
        }
    }

    pub fn request(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
    ) -> reqwest::RequestBuilder {
        let builder = self.client.request(method, self.url(path));
        match token {
            Some(token) => builder.bearer_auth(token),
            None => builder,
        }
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Response {
        self.send(self.request(Method::GET, path, token)).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: &Value) -> Response {
        self.send(self.request(Method::POST, path, token).json(body))
            .await
    }

    pub async fn patch(&self, path: &str, token: Option<&str>, body: &Value) -> Response {
        self.send(self.request(Method::PATCH, path, token).json(body))
            .await
    }

    pub async fn post_raw(
        &self,
        path: &str,
        token: Option<&str>,
        content_type: &str,
        body: impl Into<reqwest::Body>,
    ) -> Response {
        self.send(
            self.request(Method::POST, path, token)
                .header("content-type", content_type)
                .body(body),
        )
        .await
    }

    pub async fn register(&self, username: &str) -> Session {
        self.register_with(
            json!({ "username": username, "password": PASSWORD, "display_name": username }),
        )
        .await
    }

    pub async fn register_with(&self, body: Value) -> Session {
        let response = self.try_register(&body).await;
        assert_eq!(response.status, 201, "register: {}", response.text);
        session_of(&response)
    }

    /// An admin account created the way `civiquiz admin create` does, signed in.
    pub async fn admin(&self) -> Session {
        let username = format!("admin{}", &uuid::Uuid::now_v7().simple().to_string()[20..]);
        civiquiz::auth::admin::create_admin(
            &self.state.db,
            &username,
            None,
            PASSWORD,
            self.clock.now_ms(),
        )
        .await
        .expect("create admin");
        let response = self.login(&username, PASSWORD).await;
        assert_eq!(response.status, 200, "admin login: {}", response.text);
        session_of(&response)
    }

    /// A user with `role`, promoted by an admin.
    pub async fn user_with_role(&self, admin: &Session, username: &str, role: &str) -> Session {
        let session = self.register(username).await;
        let response = self
            .update_user(admin, &session.user_id, &json!({ "role": role }))
            .await;
        assert_eq!(response.status, 200, "promote: {}", response.text);
        session
    }
}

pub fn session_of(response: &Response) -> Session {
    Session {
        user_id: response.body["user"]["id"]
            .as_str()
            .expect("user id")
            .to_owned(),
        username: response.body["user"]["username"]
            .as_str()
            .expect("username")
            .to_owned(),
        access: response.body["access_token"]
            .as_str()
            .expect("access token")
            .to_owned(),
        refresh: response.body["refresh_token"]
            .as_str()
            .expect("refresh token")
            .to_owned(),
    }
}

/// The HTTP methods an OpenAPI path item may hold.
pub const HTTP_METHODS: [&str; 8] = [
    "GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE",
];

/// `METHOD path` of every operation of an OpenAPI document.
pub fn openapi_operations(document: &Value) -> std::collections::BTreeSet<String> {
    document["paths"]
        .as_object()
        .expect("paths")
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .into_iter()
                .flat_map(|operations| operations.keys())
                .map(|key| key.to_uppercase())
                .filter(|method| HTTP_METHODS.contains(&method.as_str()))
                .map(move |method| format!("{method} {path}"))
        })
        .collect()
}
