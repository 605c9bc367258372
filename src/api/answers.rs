//! The answers every operation shares, described in one place (API.md §0: "every status an
//! operation can answer is listed in the OpenAPI description of that operation").
//!
//! [`CommonAnswers`] runs over the finished description (after every section's routes are
//! merged) and adds, to each operation that lacks them, references to shared responses:
//! - a secured operation: 401 (no key, a wrong or revoked key, a key of another account's
//!   host), 403 (a key of the wrong scope), 429 (its key's rate limit, with `Retry-After`) and
//!   503 (the database too busy to answer in time);
//! - an operation with a request body: 400 (malformed JSON, a value of the wrong type), 413
//!   (a body past the server's limit) and 422 (a required field missing, a value refused);
//! - an operation with query parameters: 400 (a value that does not parse as its type);
//! - an operation with path parameters: 404 (a segment that names no object, including one
//!   that is not a number where an id is expected, or too large for 64 bits);
//! - a `POST`: the optional `Idempotency-Key` header, 409 (a request with that key still being
//!   served) and 422 (the key already used for another request).
//!
//! It also states the request exactly: a query or path value is never JSON `null`, and a
//! request body is always required (an empty one is 400).

use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::path::{Operation, ParameterBuilder, ParameterIn};
use utoipa::openapi::schema::{Schema, SchemaType};
use utoipa::openapi::{
    ContentBuilder, ObjectBuilder, OpenApi as Spec, Ref, RefOr, Required, Response,
    ResponseBuilder, Type,
};
use utoipa::Modify;

/// Adds the shared answers and the `Idempotency-Key` header; see the module documentation.
pub struct CommonAnswers;

/// A shared response: its status, its name under `components.responses`, what it means.
struct Common {
    status: &'static str,
    name: &'static str,
    description: &'static str,
}

const BAD_REQUEST: Common = Common {
    status: "400",
    name: "BadRequest",
    description: "Malformed JSON, or a value of the wrong type (in the body or the query); \
`field` names it when there is one.",
};
const UNAUTHORIZED: Common = Common {
    status: "401",
    name: "Unauthorized",
    description: "No API key (`X-API-KEY`), a wrong or revoked key, or a key of another \
account than the one the `Host` names.",
};
const FORBIDDEN: Common = Common {
    status: "403",
    name: "Forbidden",
    description: "A key of the wrong scope: the integration API takes an `api` or `admin` \
key, the point-of-sale API (`/pos/…`) a `terminal` key bound to a shop, the admin API an \
`admin` key.",
};
const NOT_FOUND: Common = Common {
    status: "404",
    name: "NotFound",
    description: "The path names no object of this account (an id of another account's \
object, or a segment that is no id at all, answers the same).",
};
const IDEMPOTENCY_CONFLICT: Common = Common {
    status: "409",
    name: "Conflict",
    description: "The request conflicts with the state of what it names; or a request with \
the same `Idempotency-Key` is still being served (retry shortly).",
};
const PAYLOAD_TOO_LARGE: Common = Common {
    status: "413",
    name: "PayloadTooLarge",
    description: "The request body is larger than the server accepts (`serve --body-limit`).",
};
const UNPROCESSABLE: Common = Common {
    status: "422",
    name: "Unprocessable",
    description: "Well-formed but refused: a required field is missing, a value is out of its \
range, a reference names nothing, or the `Idempotency-Key` was already used for a different \
request; `field` names the value at fault. Nothing was written.",
};
const TOO_MANY_REQUESTS: Common = Common {
    status: "429",
    name: "TooManyRequests",
    description: "The key's rate limit is spent; retry after `Retry-After` seconds.",
};
const UNAVAILABLE: Common = Common {
    status: "503",
    name: "Unavailable",
    description: "The database is too busy to answer in time; retry shortly.",
};

const ALL: [Common; 9] = [
    BAD_REQUEST,
    UNAUTHORIZED,
    FORBIDDEN,
    NOT_FOUND,
    IDEMPOTENCY_CONFLICT,
    PAYLOAD_TOO_LARGE,
    UNPROCESSABLE,
    TOO_MANY_REQUESTS,
    UNAVAILABLE,
];

/// What an idempotent retry may add to an operation's own 409 and 422.
const IDEMPOTENCY_409: &str =
    "A request with the same `Idempotency-Key` is still being served (retry shortly).";
const IDEMPOTENCY_422: &str = "The `Idempotency-Key` was already used for a different request.";

impl Modify for CommonAnswers {
    fn modify(&self, spec: &mut Spec) {
        let components = spec.components.get_or_insert_with(Default::default);
        for common in ALL {
            components
                .responses
                .insert(common.name.to_owned(), RefOr::T(response(&common)));
        }
        for item in spec.paths.paths.values_mut() {
            let operations = [
                (false, &mut item.get),
                (false, &mut item.put),
                (true, &mut item.post),
                (false, &mut item.delete),
                (false, &mut item.patch),
            ];
            for (is_post, operation) in operations {
                if let Some(operation) = operation.as_mut() {
                    describe(operation, is_post);
                }
            }
        }
    }
}

fn describe(operation: &mut Operation, is_post: bool) {
    let params = operation.parameters.get_or_insert_with(Vec::new);
    for param in params.iter_mut() {
        if matches!(param.parameter_in, ParameterIn::Query | ParameterIn::Path) {
            if let Some(schema) = param.schema.take() {
                param.schema = Some(without_null(schema));
            }
        }
    }
    let located = |place: ParameterIn| {
        params
            .iter()
            .any(|p| std::mem::discriminant(&p.parameter_in) == std::mem::discriminant(&place))
    };
    let (query, path) = (located(ParameterIn::Query), located(ParameterIn::Path));
    if is_post {
        // one description of the header for every POST, replacing any a handler gave
        params.retain(|p| !p.name.eq_ignore_ascii_case("idempotency-key"));
        params.push(idempotency_key());
    }
    if params.is_empty() {
        operation.parameters = None;
    }
    let secured = operation
        .security
        .as_ref()
        .is_some_and(|requirements| !requirements.is_empty());
    // every body is read by `ApiJson`, which refuses an empty one (400): a body is required,
    // even where it may be JSON `null`
    let body = match operation.request_body.as_mut() {
        Some(request_body) => {
            request_body.required = Some(Required::True);
            true
        }
        None => false,
    };

    let mut wanted = Vec::new();
    if body || query {
        wanted.push(BAD_REQUEST);
    }
    if path {
        wanted.push(NOT_FOUND);
    }
    if secured {
        wanted.extend([UNAUTHORIZED, FORBIDDEN, TOO_MANY_REQUESTS, UNAVAILABLE]);
    }
    if body {
        wanted.extend([PAYLOAD_TOO_LARGE, UNPROCESSABLE]);
    }
    if is_post {
        wanted.extend([IDEMPOTENCY_CONFLICT, UNPROCESSABLE]);
        mention(operation, "409", IDEMPOTENCY_409);
        mention(operation, "422", IDEMPOTENCY_422);
    }
    let responses = &mut operation.responses.responses;
    for common in wanted {
        responses
            .entry(common.status.to_owned())
            .or_insert_with(|| RefOr::Ref(Ref::from_response_name(common.name)));
    }
}

/// Adds the sentence `text` to the operation's own description of `status`, when it has one.
fn mention(operation: &mut Operation, status: &str, text: &str) {
    if let Some(RefOr::T(own)) = operation.responses.responses.get_mut(status) {
        let description = &mut own.description;
        if description.contains("Idempotency-Key") {
            return;
        }
        if !description.is_empty() {
            if !description.ends_with('.') {
                description.push('.');
            }
            description.push(' ');
        }
        description.push_str(text);
    }
}

fn response(common: &Common) -> Response {
    let content = ContentBuilder::new()
        .schema(Some(Ref::from_schema_name("ErrorEnvelope")))
        .build();
    let builder = ResponseBuilder::new()
        .description(common.description)
        .content("application/json", content);
    let builder = if common.status == TOO_MANY_REQUESTS.status {
        let seconds = |description: &str| {
            HeaderBuilder::new()
                .schema(
                    ObjectBuilder::new()
                        .schema_type(Type::Integer)
                        .minimum(Some(0)),
                )
                .description(Some(description))
                .build()
        };
        builder
            .header(
                "Retry-After",
                seconds("Seconds until the key may call again."),
            )
            .header(
                "RateLimit-Limit",
                seconds("The key's burst: requests it may make at once."),
            )
            .header("RateLimit-Remaining", seconds("Requests left now: 0."))
            .header(
                "RateLimit-Reset",
                seconds("Seconds until the key's budget is full again."),
            )
    } else {
        builder
    };
    builder.build()
}

fn idempotency_key() -> utoipa::openapi::path::Parameter {
    ParameterBuilder::new()
        .name("Idempotency-Key")
        .parameter_in(ParameterIn::Header)
        .required(Required::False)
        .description(Some(
            "Makes a retry safe: a retry with the same key and body answers what the first \
answered and writes nothing; the same key with another body is 422. Kept at least 24 hours.",
        ))
        .schema(Some(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .min_length(Some(1))
                .max_length(Some(255))
                .pattern(Some("^[\\x21-\\x7e]([\\t\\x20-\\x7e]*[\\x21-\\x7e])?$")),
        ))
        .build()
}

/// A query or path value is text, never JSON `null`: `["string", "null"]` → `"string"`, and
/// `oneOf: [null, X]` → `X`.
fn without_null(schema: RefOr<Schema>) -> RefOr<Schema> {
    match schema {
        RefOr::T(Schema::Object(mut object)) => {
            if let SchemaType::Array(types) = &object.schema_type {
                let rest: Vec<Type> = types
                    .iter()
                    .filter(|t| !matches!(t, Type::Null))
                    .cloned()
                    .collect();
                object.schema_type = match rest.as_slice() {
                    [one] => SchemaType::Type(one.clone()),
                    _ => SchemaType::Array(rest),
                };
            }
            RefOr::T(Schema::Object(object))
        }
        RefOr::T(Schema::OneOf(one_of)) => {
            let is_null = |item: &RefOr<Schema>| {
                matches!(item, RefOr::T(Schema::Object(o))
                    if o.schema_type == SchemaType::Type(Type::Null))
            };
            let mut rest: Vec<RefOr<Schema>> = one_of
                .items
                .iter()
                .filter(|item| !is_null(item))
                .cloned()
                .collect();
            match (rest.len(), rest.pop()) {
                (1, Some(only)) => only,
                _ => RefOr::T(Schema::OneOf(one_of)),
            }
        }
        other => other,
    }
}
