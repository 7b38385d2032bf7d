//! `worthit serve`: the team server that receives uploads and answers with k-anonymous
//! reports (reference: docs/server.md).
//!
//! - [`store`]: the [`store::TeamStore`] trait every backend implements.
//! - [`sqlite`]: the SQLite backend (the default, one file in the data directory).
//! - [`postgres`]: the PostgreSQL backend (`--database-url postgres://…`), for several
//!   instances on one database.
//! - [`api`]: the HTTP handlers; [`request`]: request ids, JSON errors and the request log.
//! - [`auth`]: tokens; [`error`]: the API's error type.
//! - [`report`]: aggregation and k-anonymity (pure).
//! - [`dashboard`]: the web page at `/` that draws the report API.
//! - [`metrics`]: Prometheus `/metrics` on its own listener; [`ratelimit`]: per-token
//!   token buckets; [`conn`]: the accept loop with its header timeout.
//!
//! The server is stateless: everything lives in the store and nothing is cached between
//! requests, so several instances on one database answer alike. [`app`] builds the router
//! apart from any socket, so tests can drive it directly.

pub mod api;
pub mod auth;
pub mod conn;
pub mod dashboard;
pub mod error;
pub mod metrics;
pub mod postgres;
pub mod ratelimit;
pub mod report;
pub mod request;
pub mod sqlite;
pub mod store;

use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use axum::Router;
use axum::routing::{get, post};
use chrono::{NaiveDate, TimeDelta, Utc};
use tokio::signal::unix::{Signal, SignalKind, signal};
use tokio::sync::Semaphore;

use store::TeamStore;

/// The SQLite file's name inside the data directory.
pub const SQLITE_FILE: &str = "worthit-server.db";

/// Uploads decoded at once; each may hold up to 9 MiB while it is parsed.
const MAX_UPLOADS_IN_FLIGHT: usize = 16;

/// Threads for store calls and parsing; each may hold a database connection.
const MAX_BLOCKING_THREADS: usize = 32;

/// How long a shutdown waits for requests in flight before it stops anyway.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(30);

/// How often aggregates past the retention period are deleted.
const PRUNE_EVERY: Duration = Duration::from_secs(24 * 60 * 60);

/// How the server runs (the flags of `worthit serve`).
#[derive(Debug, Clone)]
pub struct Settings {
    pub listen: SocketAddr,
    pub min_contributors: u32,
    pub retention_days: u32,
}

/// Per-instance protections of `worthit serve` (their own flags), apart from [`Settings`].
#[derive(Debug, Clone)]
pub struct Guards {
    /// Where `GET /metrics` is served; `None`: nowhere.
    pub metrics_listen: Option<SocketAddr>,
    /// Requests a minute per token on uploads and reports; 0: no limit.
    pub rate_limit_per_minute: u32,
    /// How long a client may take to send a request's headers.
    pub header_timeout: Duration,
}

/// What every handler shares: the store and the settings, and the only in-memory state,
/// which is per instance by design: the health counters and the rate-limit buckets.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn TeamStore>,
    pub min_contributors: u32,
    pub retention_days: u32,
    pub metrics: Arc<metrics::Metrics>,
    pub limiter: Option<Arc<ratelimit::RateLimiter>>,
    uploads: Arc<Semaphore>,
}

impl AppState {
    pub fn new(store: Arc<dyn TeamStore>, settings: &Settings) -> AppState {
        AppState {
            store,
            min_contributors: settings.min_contributors,
            retention_days: settings.retention_days,
            metrics: Arc::default(),
            limiter: None,
            uploads: Arc::new(Semaphore::new(MAX_UPLOADS_IN_FLIGHT)),
        }
    }

    /// Limits uploads and reports to `per_minute` requests a minute per token (0: off).
    pub fn with_rate_limit(mut self, per_minute: u32) -> AppState {
        self.limiter = ratelimit::RateLimiter::per_minute(per_minute).map(Arc::new);
        self
    }
}

/// The API's routes, with the request middleware around all of them.
pub fn app(state: AppState) -> Router {
    let metrics = state.metrics.clone();
    Router::new()
        .route("/api/v1/health", get(api::health))
        .route("/api/v1/uploads", post(api::upload))
        .route("/api/v1/report", get(api::report_json))
        .route("/api/v1/report.csv", get(api::report_csv))
        .merge(dashboard::routes())
        .fallback(api::not_found)
        .with_state(state)
        .layer(axum::middleware::from_fn_with_state(
            metrics,
            metrics::track,
        ))
        .layer(axum::middleware::from_fn(request::observe))
}

/// The oldest day kept: aggregates of earlier days are deleted.
pub fn first_kept_day(today: NaiveDate, retention_days: u32) -> NaiveDate {
    today - TimeDelta::days(i64::from(retention_days))
}

/// Where the SQLite database is, from `--database-url` or else the data directory.
pub fn sqlite_path(database_url: Option<&str>, data_dir: &Path) -> Result<PathBuf> {
    let Some(url) = database_url.map(str::trim).filter(|u| !u.is_empty()) else {
        return Ok(data_dir.join(SQLITE_FILE));
    };
    if is_postgres_url(url) {
        bail!("--database-url names a PostgreSQL URL, not a SQLite file");
    }
    let path = match url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
    {
        Some(path) => path,
        None if url.contains("://") => {
            bail!(
                "unsupported --database-url scheme in {url:?}: use a SQLite file path or sqlite://PATH"
            )
        }
        None => url,
    };
    if path.is_empty() {
        bail!("--database-url {url:?} names no file");
    }
    Ok(PathBuf::from(path))
}

/// Whether `--database-url` chooses PostgreSQL (`postgres://` or `postgresql://`).
pub fn is_postgres_url(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    lower.starts_with("postgres://") || lower.starts_with("postgresql://")
}

/// Opens the store `--database-url` names: PostgreSQL for a `postgres://` URL, else the
/// SQLite file it names or the one in `data_dir` (created private to the user if needed).
pub fn open_store(database_url: Option<&str>, data_dir: &Path) -> Result<Arc<dyn TeamStore>> {
    if let Some(url) = database_url.filter(|u| is_postgres_url(u)) {
        return Ok(Arc::new(postgres::PostgresStore::open(url.trim())?));
    }
    let path = sqlite_path(database_url, data_dir)?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .with_context(|| format!("could not create directory {}", dir.display()))?;
    }
    Ok(Arc::new(sqlite::SqliteStore::open(&path)?))
}

/// JSON lines on stderr, filtered by `WORTHIT_LOG` (default `worthit=info`).
fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("WORTHIT_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("worthit=info"));
    // Fails only when a subscriber is already set (a second server in one process).
    let _ = tracing_subscriber::fmt()
        .json()
        .flatten_event(true)
        .with_current_span(false)
        .with_span_list(false)
        .with_target(false)
        .with_writer(std::io::stderr)
        .with_env_filter(filter)
        .try_init();
}

/// Runs the server until SIGTERM or Ctrl-C, then lets requests in flight finish.
pub fn run(store: Arc<dyn TeamStore>, settings: Settings, guards: Guards) -> Result<()> {
    init_logging();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(MAX_BLOCKING_THREADS)
        .thread_name("worthit-serve")
        .build()
        .context("could not start the async runtime")?;
    let result = runtime.block_on(serve(store, settings, guards));
    runtime.shutdown_timeout(Duration::from_secs(5));
    result
}

async fn serve(store: Arc<dyn TeamStore>, settings: Settings, guards: Guards) -> Result<()> {
    // Registered before the port is announced, so a signal sent as soon as it is known
    // is a graceful shutdown, not the default action.
    let mut interrupt = signal(SignalKind::interrupt()).context("could not handle SIGINT")?;
    let mut terminate = signal(SignalKind::terminate()).context("could not handle SIGTERM")?;
    prune(&store, settings.retention_days).await?;
    let listener = tokio::net::TcpListener::bind(settings.listen)
        .await
        .with_context(|| format!("could not listen on {}", settings.listen))?;
    let address = listener.local_addr()?;
    let metrics_listener = match guards.metrics_listen {
        Some(at) => Some(
            tokio::net::TcpListener::bind(at)
                .await
                .with_context(|| format!("could not listen for metrics on {at}"))?,
        ),
        None => None,
    };
    {
        let mut out = std::io::stdout().lock();
        writeln!(out, "worthit serve: listening on http://{address}")?;
        if let Some(metrics) = &metrics_listener {
            writeln!(
                out,
                "worthit serve: metrics on http://{}/metrics",
                metrics.local_addr()?
            )?;
        }
        out.flush()?;
    }
    tracing::info!(
        %address,
        min_contributors = settings.min_contributors,
        retention_days = settings.retention_days,
        rate_limit_per_minute = guards.rate_limit_per_minute,
        header_timeout_seconds = guards.header_timeout.as_secs_f64(),
        "listening"
    );
    let retention = tokio::spawn(prune_daily(store.clone(), settings.retention_days));
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let state = AppState::new(store, &settings).with_rate_limit(guards.rate_limit_per_minute);
    let metrics_server = metrics_listener.map(|listener| {
        let mut stopped = stopped.clone();
        tokio::spawn(conn::serve(
            listener,
            metrics::app(state.metrics.clone()),
            guards.header_timeout,
            async move {
                let _ = stopped.wait_for(|stop| *stop).await;
            },
        ))
    });
    let mut stopped = stopped;
    let mut server = tokio::spawn(conn::serve(
        listener,
        app(state),
        guards.header_timeout,
        async move {
            let _ = stopped.wait_for(|stop| *stop).await;
        },
    ));
    let which = tokio::select! {
        finished = &mut server => {
            retention.abort();
            finished.map_err(|e| anyhow!("the server task failed: {e}"))?;
            bail!("the server stopped");
        }
        which = first_signal(&mut interrupt, &mut terminate) => which,
    };
    tracing::info!(
        signal = which,
        "shutting down: finishing requests in flight"
    );
    retention.abort();
    let _ = stop.send(true);
    if let Some(metrics_server) = metrics_server {
        // Scrapes are quick; a stuck one must not hold up the API's shutdown.
        metrics_server.abort();
    }
    match tokio::time::timeout(SHUTDOWN_GRACE, server).await {
        Ok(finished) => finished.map_err(|e| anyhow!("the server task failed: {e}"))?,
        Err(_) => tracing::warn!(
            grace_seconds = SHUTDOWN_GRACE.as_secs(),
            "requests still in flight after the grace period; stopping anyway"
        ),
    }
    tracing::info!("stopped");
    Ok(())
}

async fn first_signal(interrupt: &mut Signal, terminate: &mut Signal) -> &'static str {
    tokio::select! {
        _ = interrupt.recv() => "SIGINT",
        _ = terminate.recv() => "SIGTERM",
    }
}

/// Deletes the aggregates past the retention period.
async fn prune(store: &Arc<dyn TeamStore>, retention_days: u32) -> Result<()> {
    let first_kept = first_kept_day(Utc::now().date_naive(), retention_days);
    let store = store.clone();
    let deleted = tokio::task::spawn_blocking(move || store.prune(first_kept))
        .await
        .map_err(|e| anyhow!("the retention task failed: {e}"))?
        .context("could not delete aggregates past the retention period")?;
    tracing::info!(deleted, first_kept_day = %first_kept, "retention");
    Ok(())
}

async fn prune_daily(store: Arc<dyn TeamStore>, retention_days: u32) {
    let mut every = tokio::time::interval(PRUNE_EVERY);
    // The first tick is immediate, and the server pruned on start.
    every.tick().await;
    loop {
        every.tick().await;
        if let Err(error) = prune(&store, retention_days).await {
            tracing::error!(error = %format!("{error:#}"), "retention failed");
        }
    }
}

#[cfg(test)]
mod store_story;
#[cfg(test)]
mod tests;
