//! API.md §0, rate limits: every key has a budget of its own (the server's default or one the
//! administrator set, by the CLI or the admin API); past it, 429 with `Retry-After`; the
//! `RateLimit-*` headers on every answer to a keyed request; `--rate-limit 0` turns the
//! default off.

use caffesta::config::HttpConfig;
use caffesta::domain::rate_limit::Budget;
use caffesta::service::admin::{self, KeySpec};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{assert_error, Backend, TestAccount, TestServer};

/// An answer's status, `RateLimit-*` headers (limit, remaining, reset), `Retry-After` and body.
struct Answer {
    status: StatusCode,
    limit: Option<(u64, u64, u64)>,
    retry_after: Option<u64>,
    body: Value,
}

fn number(response: &reqwest::Response, name: &str) -> Option<u64> {
    let value = response.headers().get(name)?;
    Some(
        value
            .to_str()
            .expect("text")
            .parse()
            .unwrap_or_else(|_| panic!("{name}: {value:?} is not a whole number")),
    )
}

async fn answer(request: reqwest::RequestBuilder) -> Answer {
    let response = request.send().await.expect("answer");
    let limit = match (
        number(&response, "ratelimit-limit"),
        number(&response, "ratelimit-remaining"),
        number(&response, "ratelimit-reset"),
    ) {
        (Some(limit), Some(remaining), Some(reset)) => Some((limit, remaining, reset)),
        (None, None, None) => None,
        partial => panic!("some RateLimit headers only: {partial:?}"),
    };
    let retry_after = number(&response, "retry-after");
    let status = response.status();
    let body = response.json().await.expect("JSON");
    Answer {
        status,
        limit,
        retry_after,
        body,
    }
}

async fn get(server: &TestServer, account: &TestAccount, path: &str) -> Answer {
    answer(server.request(account, Method::GET, path)).await
}

/// Calls with `account` until it is refused (at most `tries` times); returns the answers.
async fn until_refused(server: &TestServer, account: &TestAccount, tries: usize) -> Vec<Answer> {
    let mut answers = Vec::new();
    for _ in 0..tries {
        let answer = get(server, account, "/a/v1.0/storage/test").await;
        let refused = answer.status == StatusCode::TOO_MANY_REQUESTS;
        answers.push(answer);
        if refused {
            return answers;
        }
    }
    panic!("never refused in {tries} requests");
}

/// A 429 in the envelope, with `Retry-After` of at least 1 s and the headers of a spent bucket.
fn assert_refused(refused: &Answer, limit: u64) {
    assert_error(refused.status, &refused.body, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        refused.retry_after.is_some_and(|s| s >= 1),
        "{:?}",
        refused.retry_after
    );
    let (size, remaining, reset) = refused.limit.expect("RateLimit headers on a 429");
    assert_eq!((size, remaining), (limit, 0));
    assert!(reset >= 1);
}

fn cli(server: &TestServer, args: &[&str]) -> String {
    crate::cli::ok(server.database_url(), args)
}

async fn a_spent_key_gets_429_while_the_other_keys_of_its_account_go_on(backend: Backend) {
    let server = TestServer::start(backend).await;
    let account = server.account("cafe").await;
    server.add_shop(&account).await;
    let till = server.terminal(&account, 1).await;
    let key = cli(
        &server,
        &[
            "key",
            "create",
            "--account",
            "cafe",
            "--rate",
            "1",
            "--burst",
            "3",
        ],
    );
    let listed = cli(&server, &["key", "list", "--account", "cafe"]);
    assert!(listed.contains("1/s burst 3"), "{listed}");
    assert!(listed.contains("default"), "{listed}");
    let busy = TestAccount {
        key,
        ..account.clone()
    };

    let answers = until_refused(&server, &busy, 10).await;
    let first = &answers[0];
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    let (limit, remaining, _) = first.limit.expect("RateLimit headers");
    assert_eq!((limit, remaining), (3, 2));
    assert!(
        answers.len() >= 4,
        "3 at once are allowed: {} answers",
        answers.len()
    );
    assert_refused(answers.last().expect("a refusal"), 3);

    // the account's other keys have budgets of their own
    let other = get(&server, &account, "/a/v1.0/storage/test").await;
    assert_eq!(other.status, StatusCode::OK);
    assert_eq!(other.limit.map(|l| (l.0, l.1)), Some((400, 399)));
    let till_answer = get(&server, &till, "/a/v1.0/pos/stop_list").await;
    assert_eq!(till_answer.status, StatusCode::OK, "{}", till_answer.body);
    assert_eq!(till_answer.limit.map(|l| (l.0, l.1)), Some((400, 399)));
    server.stop().await;
}

async fn rate_limit_headers_are_on_every_answer_to_a_keyed_request_and_only_those(
    backend: Backend,
) {
    let server = TestServer::start(backend).await;
    let account = server.account("cafe").await;
    server.add_shop(&account).await;
    let till = server.terminal(&account, 1).await;
    let fresh = get(&server, &account, "/a/v1.0/storage/test").await;
    assert_eq!(fresh.status, StatusCode::OK);
    // 200 a second in bursts of 400: one spent, back within a second
    assert_eq!(fresh.limit, Some((400, 399, 1)));
    assert_eq!(fresh.retry_after, None);

    let keyed = [
        (
            Method::GET,
            "/a/v1.0/storage/invoices/999",
            StatusCode::NOT_FOUND,
        ),
        (Method::GET, "/a/v1.1/nowhere", StatusCode::NOT_FOUND),
        (
            Method::DELETE,
            "/a/v1.0/storage/test",
            StatusCode::METHOD_NOT_ALLOWED,
        ),
        (Method::GET, "/admin/v1/employees", StatusCode::FORBIDDEN),
    ];
    for (method, path, status) in keyed {
        let refused = answer(server.request(&account, method.clone(), path)).await;
        assert_error(refused.status, &refused.body, status);
        assert!(
            refused.limit.is_some(),
            "{method} {path}: no RateLimit headers"
        );
    }
    let malformed = server
        .request(&account, Method::POST, "/a/v1.0/storage/invoices")
        .body("{not json");
    let malformed = answer(malformed).await;
    assert_error(malformed.status, &malformed.body, StatusCode::BAD_REQUEST);
    assert!(malformed.limit.is_some());
    // a terminal key refused by the integration API has spent its own budget, not the account's
    let refused = get(&server, &till, "/a/v1.0/storage/test").await;
    assert_error(refused.status, &refused.body, StatusCode::FORBIDDEN);
    assert_eq!(refused.limit.map(|l| (l.0, l.1)), Some((400, 399)));

    // no key, or one that names nothing: nothing to spend, no headers
    let wrong = TestAccount {
        key: "0".repeat(32),
        ..account.clone()
    };
    let unknown = get(&server, &wrong, "/a/v1.0/storage/test").await;
    assert_error(unknown.status, &unknown.body, StatusCode::UNAUTHORIZED);
    assert_eq!(unknown.limit, None);
    let keyless = answer(server.client.get(server.url("/a/v1.0/storage/test"))).await;
    assert_error(keyless.status, &keyless.body, StatusCode::UNAUTHORIZED);
    assert_eq!(keyless.limit, None);
    // the server's own paths are not limited, even when a key comes along
    for path in ["/healthz", "/openapi.json", "/metrics"] {
        let response = server
            .request(&account, Method::GET, path)
            .send()
            .await
            .expect("answer");
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert!(
            response.headers().get("ratelimit-limit").is_none(),
            "{path} is limited"
        );
    }
    server.stop().await;
}

async fn rate_limit_zero_turns_the_default_off_but_not_a_keys_own_limit(backend: Backend) {
    let tight = TestServer::start_with(
        backend,
        HttpConfig {
            key_cache_ttl: std::time::Duration::ZERO,
            rate_limit: 1,
            ..HttpConfig::default()
        },
    )
    .await;
    let account = tight.account("cafe").await;
    // the default: 1 a second in bursts of 2
    let answers = until_refused(&tight, &account, 10).await;
    assert_eq!(answers[0].limit.map(|l| l.0), Some(2));
    assert_refused(answers.last().expect("a refusal"), 2);
    tight.stop().await;

    let open = TestServer::start_with(
        backend,
        HttpConfig {
            key_cache_ttl: std::time::Duration::ZERO,
            rate_limit: 0,
            ..HttpConfig::default()
        },
    )
    .await;
    let account = open.account("cafe").await;
    for _ in 0..20 {
        let free = get(&open, &account, "/a/v1.0/storage/test").await;
        assert_eq!(free.status, StatusCode::OK);
        assert_eq!(free.limit, None, "no limit, no RateLimit headers");
    }
    let spec = KeySpec {
        scope: "api",
        shop_id: None,
        label: "own",
    };
    let own = Some(Budget::Limited { rate: 1, burst: 1 });
    let (_, key) = admin::create_key_with_budget(&open.db, "cafe", spec, own)
        .await
        .expect("key");
    let limited = TestAccount {
        key,
        ..account.clone()
    };
    let answers = until_refused(&open, &limited, 10).await;
    assert_refused(answers.last().expect("a refusal"), 1);
    open.stop().await;
}

async fn a_keys_own_limit_set_through_the_admin_api_applies_at_once(backend: Backend) {
    let server = TestServer::start(backend).await;
    let account = server.account("cafe").await; // key 1
    let spec = KeySpec {
        scope: "admin",
        shop_id: None,
        label: "boss",
    };
    let (admin_id, key) = admin::create_key(&server.db, "cafe", spec)
        .await
        .expect("admin key");
    let boss = TestAccount {
        key,
        ..account.clone()
    };
    let (status, listed) = server.get(&boss, "/admin/v1/keys").await;
    assert_eq!(status, StatusCode::OK, "{listed}");
    let keys = listed["data"].as_array().expect("keys");
    assert_eq!(keys.len(), 2);
    assert_eq!(keys[0]["id"], 1);
    assert_eq!(keys[0]["scope"], "api");
    assert_eq!(
        (&keys[0]["rate"], &keys[0]["burst"]),
        (&json!(null), &json!(null))
    );
    assert_eq!(keys[1]["id"], admin_id.get());
    assert!(!listed.to_string().contains(&account.key[..12]));

    let (status, set) = server
        .put(
            &boss,
            "/admin/v1/keys/1/rate",
            &json!({"rate": 1, "burst": 2}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{set}");
    assert_eq!(
        (&set["data"]["rate"], &set["data"]["burst"]),
        (&json!(1), &json!(2))
    );
    let answers = until_refused(&server, &account, 10).await;
    assert_eq!(answers[0].limit.map(|l| l.0), Some(2));
    assert_refused(answers.last().expect("a refusal"), 2);
    // the admin key was not touched
    let boss_answer = get(&server, &boss, "/a/v1.0/storage/test").await;
    assert_eq!(boss_answer.limit.map(|l| l.0), Some(400));

    // null: back to the default, whose bucket the key refills into
    let (status, set) = server
        .put(&boss, "/admin/v1/keys/1/rate", &Value::Null)
        .await;
    assert_eq!(status, StatusCode::OK, "{set}");
    assert_eq!(set["data"]["rate"], Value::Null);
    let (_, listed) = server.get(&boss, "/admin/v1/keys").await;
    assert_eq!(listed["data"][0]["rate"], Value::Null);
    // rate 0: the key is not limited at all
    let (status, set) = server
        .put(&boss, "/admin/v1/keys/1/rate", &json!({"rate": 0}))
        .await;
    assert_eq!(status, StatusCode::OK, "{set}");
    assert_eq!(
        (&set["data"]["rate"], &set["data"]["burst"]),
        (&json!(0), &json!(null))
    );
    for _ in 0..5 {
        let free = get(&server, &account, "/a/v1.0/storage/test").await;
        assert_eq!(free.status, StatusCode::OK);
        assert_eq!(free.limit, None);
    }

    let (status, body) = server
        .put(&boss, "/admin/v1/keys/99/rate", &json!({"rate": 5}))
        .await;
    assert_error(status, &body, StatusCode::NOT_FOUND);
    for (bad, field) in [
        (json!({"burst": 3}), "burst"),
        (json!({"rate": -1}), "rate"),
        (json!({"rate": 5, "burst": 0}), "burst"),
    ] {
        let (status, body) = server.put(&boss, "/admin/v1/keys/1/rate", &bad).await;
        assert_eq!(
            assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY)["field"],
            field,
            "{bad}"
        );
    }
    let (status, body) = server
        .put(&account, "/admin/v1/keys/1/rate", &json!({"rate": 1000}))
        .await;
    assert_error(status, &body, StatusCode::FORBIDDEN);
    server.stop().await;
}

crate::backend_tests!(
    a_spent_key_gets_429_while_the_other_keys_of_its_account_go_on,
    rate_limit_headers_are_on_every_answer_to_a_keyed_request_and_only_those,
    rate_limit_zero_turns_the_default_off_but_not_a_keys_own_limit,
    a_keys_own_limit_set_through_the_admin_api_applies_at_once,
);
