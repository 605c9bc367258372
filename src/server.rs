//! The listening server: the application with its request-id and tracing layers, bound to a
//! socket, shut down gracefully (requests in flight finish) on SIGINT or SIGTERM. Connections
//! are HTTP/1.1, each watched by [`conn`] for its time limits and hyper's own error answers.

mod conn;

use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::Request;
use axum::Router;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tower::ServiceExt;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

use crate::api::observe::REQUEST_ID;
use crate::config::{HttpConfig, ServeConfig};
use crate::db::Db;

/// The application with its outer layers: every request gets an id (kept from the client's
/// `X-Request-Id` or made up), echoed in the answer and carried by its log span. The one log
/// line of each request is written inside the application ([`crate::api::observe`], where its
/// route template and account are known), so this span writes none of its own. Starts the
/// configured number of job workers on the current runtime.
pub fn app(db: Db, http: &HttpConfig) -> Router {
    let jobs = std::sync::Arc::new(crate::worker::Queue::default());
    crate::worker::spawn(&db, &jobs, http.workers);
    crate::worker::spawn_statistics(&db);
    if http.webhook_sender {
        match crate::service::webhook_delivery::Sender::new(http.webhooks_allow_private) {
            Ok(sender) => crate::worker::spawn_webhooks(&db, sender),
            Err(e) => tracing::error!(error = %e, "cannot start the webhook sender"),
        }
    }
    let trace = TraceLayer::new_for_http()
        .make_span_with(|request: &Request<_>| {
            let id = request.headers().get(&REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("");
            tracing::info_span!("request", id, method = %request.method(), path = %request.uri().path())
        })
        .on_request(())
        .on_response(())
        // a 5xx is logged where it happens (`ApiError::Internal`), and counted in its line
        .on_failure(());
    crate::api::router(db, http, jobs)
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(trace)
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
}

/// Opens and migrates the database named by the configuration.
pub async fn open_database(config: &ServeConfig) -> anyhow::Result<Db> {
    let db = Db::open(&config.database.0, config.durability).await?;
    db.migrate().await?;
    Ok(db)
}

/// How long the accept loop waits after failing to accept (out of file descriptors, most
/// likely) before it tries again.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(50);

/// Serves `app` on `listener` until `shutdown` completes, then lets requests in flight finish.
/// Running out of file descriptors never stops the loop: the idle connections are closed and,
/// after a short pause, accepting goes on.
pub async fn run(
    listener: TcpListener,
    app: Router,
    http: &HttpConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    let limits = conn::Limits {
        header: http.header_timeout,
        keep_alive: http.keep_alive_timeout,
    };
    let pressure = Arc::new(conn::Pressure::default());
    let graceful = GracefulShutdown::new();
    let mut builder = http1::Builder::new();
    // the socket wrapper keeps the time: it answers 408 and keeps a keep-alive limit apart
    builder.header_read_timeout(None);
    tokio::pin!(shutdown);
    let mut starved = false;
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut shutdown => break,
        };
        let tcp = match accepted {
            Ok((tcp, _)) => {
                starved = false;
                tcp
            }
            Err(e) if is_connection_error(&e) => continue,
            Err(e) => {
                if !starved {
                    tracing::warn!(error = %e, "cannot accept connections; closing idle ones");
                }
                starved = true;
                pressure.relieve();
                tokio::select! {
                    () = tokio::time::sleep(ACCEPT_BACKOFF) => continue,
                    () = &mut shutdown => break,
                }
            }
        };
        // small answers go out at once rather than waiting on Nagle's algorithm
        let _ = tcp.set_nodelay(true);
        let activity = Arc::new(conn::Activity::default());
        let io = conn::Watched::new(tcp, Arc::clone(&activity), limits, &pressure);
        let router = app.clone();
        let service = service_fn(move |request: Request<Incoming>| {
            activity.begin();
            let router = router.clone();
            let activity = Arc::clone(&activity);
            async move {
                let response = match router.oneshot(request.map(Body::new)).await {
                    Ok(response) => response,
                    Err(never) => match never {},
                };
                Ok::<_, Infallible>(response.map(|body| conn::TrackedBody::new(body, activity)))
            }
        });
        let connection = graceful.watch(builder.serve_connection(TokioIo::new(io), service));
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, "connection ended on an error");
            }
        });
    }
    // no new connections while those open finish their requests
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}

/// Errors of one connection that went away before it was accepted, not of the listener.
fn is_connection_error(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    )
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
