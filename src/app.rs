//! The application: its shared state, the router with every slice merged, and serving.

use std::ops::Deref;
use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request};
use axum::http::HeaderName;
use tokio::net::TcpListener;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

use crate::auth::password::Passwords;
use crate::auth::tokens::TokenKeys;
use crate::banks::cache::QuestionCache;
use crate::boards::engine::Engine;
use crate::boards::page_cache::PageCache;
use crate::boards::state::StateCache;
use crate::bus::Bus;
use crate::clock::{SharedClock, SystemClock};
use crate::config::Config;
use crate::contests::Recordings;
use crate::db::{self, Db};
use crate::kv::Kv;
use crate::metrics::Metrics;
use crate::{auth, banks, boards, contests, health, http, orgs, quizzes, reports};

/// What every slice may use. A handler that needs only one part asks for it alone
/// (`State<Db>`, `State<Engine>`, …, through the `FromRef` impls below).
pub struct Services {
    /// Settings read from the environment at start.
    pub config: Config,
    /// The database of record (SQLite or PostgreSQL).
    pub db: Db,
    /// Redis or its in-process twin: rate limits; the board engine and the bus share its
    /// connection.
    pub kv: Kv,
    /// The application's clock; tests move it.
    pub clock: SharedClock,
    /// Signs and checks access tokens.
    pub tokens: TokenKeys,
    /// Hashes and verifies passwords on a bounded pool of threads.
    pub passwords: Passwords,
    /// Request counts and latencies for `/metrics`.
    pub metrics: Metrics,
    /// Question versions by id, so drawing and grading rarely read the banks' tables.
    pub questions: QuestionCache,
    /// Every leaderboard: quiz boards and contest results (`boards::engine`).
    pub boards: Engine,
    /// Quiz boards' states and quizzes, kept for a second; published snapshots, kept.
    pub board_states: StateCache,
    /// "This board changed", to every process's live streams.
    pub bus: Bus,
    /// Public board pages, kept for a second and dropped when the board changes.
    pub board_pages: Arc<PageCache>,
    /// Where recordings are stored (local disk or S3) and the limits on probing them.
    pub recordings: Recordings,
    /// Open live streams by holder, capped per user and per address.
    pub streams: crate::boards::stream::StreamSlots,
    /// The slices that show participants, told when one changes (`bus::participant_changed`).
    pub participant_listeners: Vec<crate::bus::ParticipantListener>,
}

#[derive(Clone)]
pub struct AppState(Arc<Services>);

impl Deref for AppState {
    type Target = Services;
    fn deref(&self) -> &Services {
        &self.0
    }
}

impl axum::extract::FromRef<AppState> for Db {
    fn from_ref(state: &AppState) -> Self {
        state.db.clone()
    }
}

impl axum::extract::FromRef<AppState> for Kv {
    fn from_ref(state: &AppState) -> Self {
        state.kv.clone()
    }
}

impl axum::extract::FromRef<AppState> for Engine {
    fn from_ref(state: &AppState) -> Self {
        state.boards.clone()
    }
}

impl axum::extract::FromRef<AppState> for Bus {
    fn from_ref(state: &AppState) -> Self {
        state.bus.clone()
    }
}

impl axum::extract::FromRef<AppState> for Metrics {
    fn from_ref(state: &AppState) -> Self {
        state.metrics.clone()
    }
}

impl axum::extract::FromRef<AppState> for SharedClock {
    fn from_ref(state: &AppState) -> Self {
        state.clock.clone()
    }
}

impl AppState {
    /// Connects the stores named by the config; the clock is injectable for tests.
    pub async fn connect(config: Config, clock: Option<SharedClock>) -> anyhow::Result<Self> {
        let db = db::connect(&config.database_url, config.db_max_connections).await?;
        let kv = Kv::connect(config.redis_url.as_deref(), &config.redis_prefix).await?;
        let passwords = Passwords::new(config.limits.hash_queue_wait)?;
        let clock = clock.unwrap_or_else(|| Arc::new(SystemClock));
        if let Some(folder) = &config.banks_dir {
            banks::loader::load_folder(&db.pool, folder, clock.now_ms()).await?;
        }
        let boards = Engine::new(&kv, db.pool.clone(), clock.clone());
        let bus = Bus::start(&kv);
        let board_pages = Arc::new(PageCache::default());
        tokio::spawn(crate::boards::page_cache::follow(
            board_pages.clone(),
            bus.subscribe(),
        ));
        let recordings = Recordings::new(&config.media, &config.data_dir)?;
        Ok(AppState(Arc::new(Services {
            boards,
            bus,
            board_pages,
            recordings,
            tokens: TokenKeys::new(&config.jwt_secret),
            clock,
            config,
            db,
            kv,
            passwords,
            metrics: Metrics::new(),
            questions: QuestionCache::new(20_000),
            board_states: StateCache::default(),
            streams: Default::default(),
            participant_listeners: vec![
                boards::on_participant_changed,
                contests::standings::on_participant_changed,
            ],
        })))
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "civiquiz", description = "Timed quizzes, live leaderboards and recorded contests on digital citizenship."),
    components(schemas(crate::error::ErrorBody)),
    modifiers(&BearerAuth)
)]
struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{
            ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme,
        };
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
        // The web app's pages: the session cookie, with X-CSRF-Token on unsafe methods.
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                "cq_session",
                "browser session; unsafe methods also need the page's X-CSRF-Token header",
            ))),
        );
    }
}

/// Every route of the API with its OpenAPI description, as one document.
fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi()).nest(
        "/api/v1",
        OpenApiRouter::new()
            .merge(health::router())
            .merge(auth::router())
            .merge(orgs::router())
            .merge(banks::router())
            .merge(quizzes::router())
            .merge(boards::router())
            .merge(reports::router())
            .merge(contests::router())
            .route_layer(axum::middleware::from_fn(http::request_timeout))
            .merge(contests::streamed_router()),
    )
}

/// The API's routes and its OpenAPI document, with the errors of every route's edge.
fn api_parts() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let (routes, mut document) = api().split_for_parts();
    http::openapi::add_edge_errors(&mut document);
    (routes, document)
}

pub fn openapi_document() -> utoipa::openapi::OpenApi {
    api_parts().1
}

pub fn router(state: AppState) -> Router {
    let (api_routes, document) = api_parts();
    let document = Arc::new(document);
    let request_id = HeaderName::from_static("x-request-id");
    api_routes
        .route(
            "/api/v1/openapi.json",
            axum::routing::get(move || {
                let document = document.clone();
                async move { axum::Json(document.as_ref().clone()) }
            }),
        )
        .merge(health::root_router().route_layer(axum::middleware::from_fn(http::request_timeout)))
        .merge(crate::web::router(&state).route_layer(axum::middleware::from_fn(http::request_timeout)))
        .merge(crate::web::streamed_router(&state))
        .fallback(http::fallback)
        .method_not_allowed_fallback(http::method_not_allowed)
        .layer(DefaultBodyLimit::max(http::JSON_BODY_LIMIT))
        .layer(axum::middleware::from_fn_with_state(state.clone(), crate::web::csrf::same_origin))
        .layer(axum::middleware::from_fn_with_state(state.clone(), http::carry_request_timeout))
        .layer(axum::middleware::from_fn_with_state(state.clone(), http::observe))
        .layer(
            TraceLayer::new_for_http().make_span_with(|request: &Request| {
                let route = request
                    .extensions()
                    .get::<MatchedPath>()
                    .map_or("unmatched", |path| path.as_str());
                let request_id = request
                    .headers()
                    .get("x-request-id")
                    .and_then(|value| value.to_str().ok())
                    .unwrap_or("");
                tracing::info_span!("request", method = %request.method(), route, request_id, status = tracing::field::Empty)
            }),
        )
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
        .with_state(state)
}

/// Serves until `shutdown` resolves, then lets in-flight requests finish within the grace.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let grace = state.config.shutdown_grace;
    let sweeper = tokio::spawn(quizzes::sweeper::run(state.clone()));
    tokio::spawn(boards::warm_up(state.clone()));
    let janitor = tokio::spawn(contests::janitor::run(state.clone()));
    let session_purge = tokio::spawn(crate::web::session::purge_periodically(state.clone()));
    let limits = http::connections::ConnectionLimits {
        header_read_timeout: state.config.header_read_timeout,
        max_connections: state.config.max_connections,
    };
    // Background work stops as soon as shutdown begins; requests get the grace.
    let stopping = async move {
        shutdown.await;
        sweeper.abort();
        janitor.abort();
        session_purge.abort();
    };
    http::connections::serve(listener, router(state), limits, stopping, grace).await
}
