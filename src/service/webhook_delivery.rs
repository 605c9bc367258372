//! Sending webhook deliveries (API.md §12): one round takes each subscription with a delivery
//! due under a lease, posts its queue in recorded order until the first failure (so order per
//! subscription holds), and records the attempts, the retry times and the subscription's
//! standing in one transaction. The time of a round is a parameter, so tests drive the
//! 72-hour rules with a clock of their own; the worker passes the real one.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rand::Rng;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};

use crate::db::webhooks::{self, Attempted, Due, Leased, Queued, Standing};
use crate::db::{self, Db};
use crate::domain::time;
use crate::domain::webhook::{self, DeliveryStatus, GIVE_UP_AFTER};

use super::ServiceResult;

/// How long one attempt may take.
pub const TIMEOUT: Duration = Duration::from_secs(10);
/// How long a lease on a subscription's queue lasts; a round stops starting attempts after
/// half of it, so one last attempt (at most [`TIMEOUT`]) ends inside it.
const LEASE_MS: i64 = 15_000;
const ROUND_BUDGET: Duration = Duration::from_secs(4);
/// Deliveries taken from one queue per round.
const BATCH: i64 = 500;
/// Subscriptions served per round.
const SUBSCRIPTIONS: i64 = 64;

/// Posts deliveries: an HTTP client that never follows redirects nor uses a proxy, and that
/// (unless private receivers are allowed) refuses at connection time every address that is
/// private, loopback or link-local, whatever name led there.
#[derive(Clone)]
pub struct Sender {
    client: reqwest::Client,
    allow_private: bool,
    /// Who holds leases taken by this sender: unique per process.
    owner: Arc<str>,
}

impl Sender {
    pub fn new(allow_private: bool) -> Result<Sender, reqwest::Error> {
        let mut builder = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .user_agent(concat!("caffesta-webhooks/", env!("CARGO_PKG_VERSION")));
        if !allow_private {
            builder = builder.dns_resolver(Arc::new(PublicOnly));
        }
        Ok(Sender {
            client: builder.build()?,
            allow_private,
            owner: uuid::Uuid::new_v4().to_string().into(),
        })
    }

    /// Posts `body`; `Ok` with the status code of any answer, `Err` saying why none came.
    async fn post(
        &self,
        url: &str,
        q: &Queued,
        t: i64,
        body: String,
        secret: &str,
    ) -> Result<u16, String> {
        let url = reqwest::Url::parse(url).map_err(|e| format!("bad URL: {e}"))?;
        if !self.allow_private {
            if let Some(ip) = literal_ip(&url) {
                if webhook::is_private(ip) {
                    return Err(format!("{ip} is a private, loopback or link-local address"));
                }
            }
        }
        let signature = webhook::signature(secret, t, body.as_bytes());
        let answer = self
            .client
            .post(url)
            .header("content-type", "application/json")
            .header("caffesta-event-id", &q.uuid)
            .header("caffesta-event-type", &q.event_type)
            .header("caffesta-signature", signature)
            .body(body)
            .send()
            .await
            .map_err(|e| chain(&e))?;
        Ok(answer.status().as_u16())
    }
}

/// The address a URL names literally (`http://10.0.0.1/`, `http://[::1]/`), which no resolver
/// sees.
fn literal_ip(url: &reqwest::Url) -> Option<std::net::IpAddr> {
    let host = url.host_str()?;
    host.trim_start_matches('[')
        .trim_end_matches(']')
        .parse()
        .ok()
}

/// An error with its causes, which is where reqwest keeps the reason (a timeout, a refused
/// connection, a name that resolves only to private addresses).
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// Resolves names as the system does and keeps only public addresses, so a receiver's name
/// that resolves (now, or after a change) to a private one is never connected to.
struct PublicOnly;

impl Resolve for PublicOnly {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let public: Vec<SocketAddr> = found
                .into_iter()
                .filter(|a| !webhook::is_private(a.ip()))
                .collect();
            if public.is_empty() {
                return Err(format!(
                    "{host} resolves only to private, loopback or link-local addresses"
                )
                .into());
            }
            Ok(Box::new(public.into_iter()) as Addrs)
        })
    }
}

/// One round at `now_ms`: every subscription with a delivery due, served concurrently.
/// Answers how many attempts were made.
pub async fn round(db: &Db, sender: &Sender, now_ms: i64) -> ServiceResult<usize> {
    let due = webhooks::due(&mut db.read().await, now_ms, SUBSCRIPTIONS).await?;
    let mut running = tokio::task::JoinSet::new();
    for d in due {
        let (db, sender) = (db.clone(), sender.clone());
        running.spawn(async move { serve(&db, &sender, d, now_ms).await });
    }
    let mut attempts = 0;
    while let Some(done) = running.join_next().await {
        match done {
            Ok(Ok(n)) => attempts += n,
            Ok(Err(e)) => tracing::warn!(error = %e, "webhook deliveries left pending"),
            Err(e) => tracing::warn!(error = %e, "webhook sender task failed"),
        }
    }
    Ok(attempts)
}

/// Serves one subscription's queue if its lease can be taken.
async fn serve(db: &Db, sender: &Sender, due: Due, now_ms: i64) -> ServiceResult<usize> {
    let mut tx = db.begin_write().await?;
    let Some(leased) =
        webhooks::lease(&mut tx, due, &sender.owner, now_ms, now_ms + LEASE_MS).await?
    else {
        return Ok(0);
    };
    let queue = webhooks::queue(&mut tx, due, BATCH).await?;
    db::commit(tx).await?;
    let (attempts, standing) = send_in_order(sender, &leased, &queue, now_ms).await;
    let mut tx = db.begin_write().await?;
    webhooks::record_attempts(&mut tx, due, &attempts, &standing).await?;
    db::commit(tx).await?;
    if let Some(reason) = &standing.disabled_reason {
        tracing::warn!(account_id = %due.account_id, webhook_id = %due.webhook_id, %reason, "webhook disabled");
    }
    Ok(attempts.len())
}

/// Posts the due head of `queue` in order, stopping at the first failure or a delivery not
/// yet due; answers the attempts and the subscription's standing after them.
async fn send_in_order(
    sender: &Sender,
    leased: &Leased,
    queue: &[Queued],
    now_ms: i64,
) -> (Vec<Attempted>, Standing) {
    let started = Instant::now();
    let mut standing = Standing {
        failing_since_ms: leased.failing_since_ms,
        disabled_reason: None,
    };
    let mut attempts = Vec::new();
    for q in queue {
        if q.next_at_ms > now_ms || started.elapsed() > ROUND_BUDGET {
            break;
        }
        let at_ms = now_ms + i64::try_from(started.elapsed().as_millis()).unwrap_or(0);
        let body = payload(&leased.account, q);
        let answer = sender
            .post(&leased.url, q, at_ms.div_euclid(1000), body, &leased.secret)
            .await;
        let attempt = judge(q, at_ms, answer, &mut standing);
        let failed = attempt.status != DeliveryStatus::Delivered;
        attempts.push(attempt);
        if failed {
            break;
        }
    }
    (attempts, standing)
}

/// Where an attempt leaves its delivery and the subscription: a 2xx delivers and clears the
/// failing streak; anything else is retried on the schedule, the last try at 72 hours after
/// the event, then failed; a streak of failures 72 hours long disables the subscription.
fn judge(
    q: &Queued,
    at_ms: i64,
    answer: Result<u16, String>,
    standing: &mut Standing,
) -> Attempted {
    let (status_code, error) = match answer {
        Ok(code) => (Some(i64::from(code)), None),
        Err(reason) => (None, Some(reason)),
    };
    let delivered = status_code.is_some_and(|c| (200..300).contains(&c));
    let mut attempt = Attempted {
        delivery_id: q.id,
        no: q.attempts + 1,
        at_ms,
        status_code,
        error,
        status: DeliveryStatus::Delivered,
        next_at_ms: q.next_at_ms,
    };
    if delivered {
        standing.failing_since_ms = None;
        return attempt;
    }
    let failures = u32::try_from(q.attempts + 1).unwrap_or(u32::MAX);
    let jitter = rand::thread_rng().gen_range(-1000..=1000);
    // the last try falls at the deadline itself, so a delivery is tried for the full 72 hours
    let deadline = (q.created_at + GIVE_UP_AFTER) * 1000;
    if at_ms >= deadline {
        attempt.status = DeliveryStatus::Failed;
    } else {
        attempt.status = DeliveryStatus::Pending;
        attempt.next_at_ms = (at_ms + webhook::retry_delay_ms(failures, jitter)).min(deadline);
    }
    let since = *standing.failing_since_ms.get_or_insert(at_ms);
    // a minute's slack: the deadline counts from the event's second, the streak from the
    // first attempt's millisecond
    if at_ms - since >= GIVE_UP_AFTER * 1000 - 60_000 {
        standing.disabled_reason = Some(format!(
            "every delivery failed for 72 hours, since {}",
            time::format_rfc3339(since.div_euclid(1000), &jiff::tz::TimeZone::UTC)
        ));
        // given up with its subscription; the rest of the queue waits for a replay
        attempt.status = DeliveryStatus::Failed;
    }
    attempt
}

/// The body of a delivery: `{"id","type","account","created_at","data"}`, `data` as recorded.
pub fn payload(account: &str, q: &Queued) -> String {
    let text = |s: &str| serde_json::Value::String(s.to_owned()).to_string();
    format!(
        "{{\"id\":{},\"type\":{},\"account\":{},\"created_at\":{},\"data\":{}}}",
        text(&q.uuid),
        text(&q.event_type),
        text(account),
        text(&time::format_rfc3339(q.event_at, &jiff::tz::TimeZone::UTC)),
        q.data
    )
}

/// How long the delivery log keeps a delivery that ended: 30 days.
pub const RETENTION: i64 = 30 * 24 * 3600;

/// Forgets what the delivery log keeps past [`RETENTION`] at `now` (Unix seconds).
pub async fn purge(db: &Db, now: i64) -> ServiceResult<u64> {
    let mut tx = db.begin_write().await?;
    let gone = webhooks::purge(&mut tx, now - RETENTION).await?;
    db::commit(tx).await?;
    Ok(gone)
}
