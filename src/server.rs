//! The listening server: the application with its request-id and tracing layers, bound to a
//! socket, shut down gracefully (requests in flight finish) on SIGINT or SIGTERM.

use std::future::Future;
use std::net::SocketAddr;

use axum::http::{HeaderName, Request};
use axum::serve::ListenerExt;
use axum::Router;
use tokio::net::TcpListener;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tower_http::LatencyUnit;
use tracing::Level;

use crate::config::{HttpConfig, ServeConfig};
use crate::db::Db;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The application with its outer layers: every request gets an id (kept from the client's
/// `X-Request-Id` or made up), echoed in the answer and carried by its log span. Starts the
/// configured number of job workers on the current runtime.
pub fn app(db: Db, http: &HttpConfig) -> Router {
    let jobs = std::sync::Arc::new(crate::worker::Queue::default());
    crate::worker::spawn(&db, &jobs, http.workers);
    let trace = TraceLayer::new_for_http()
        .make_span_with(|request: &Request<_>| {
            let id = request.headers().get(&REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("");
            tracing::info_span!("request", id, method = %request.method(), path = %request.uri().path())
        })
        .on_request(())
        .on_response(DefaultOnResponse::new().level(Level::DEBUG).latency_unit(LatencyUnit::Micros));
    crate::api::router(db, http, jobs)
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(trace)
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
}

/// Opens and migrates the database named by the configuration.
pub async fn open_database(config: &ServeConfig) -> anyhow::Result<Db> {
    let db = Db::connect(&config.database.0).await?;
    db.migrate().await?;
    Ok(db)
}

/// Serves `app` on `listener` until `shutdown` completes, then lets requests in flight finish.
pub async fn run(
    listener: TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    // small answers go out at once rather than waiting on Nagle's algorithm
    let listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}

/// Binds the configured address.
pub async fn bind(addr: SocketAddr) -> std::io::Result<TcpListener> {
    TcpListener::bind(addr).await
}

/// Completes on SIGINT (Ctrl-C) or SIGTERM.
pub async fn shutdown_signal() {
    let interrupt = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
