//! The HTTP layer's one error type and the one place where errors become responses
//! (API.md §0, errors): `{"success": false, "data": {"error": "…", "field": "…"}}`.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::DbError;
use crate::service::ServiceError;

/// Every way a request can fail. Internal failures are logged here and answered opaquely.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{message}")]
    BadRequest {
        message: String,
        field: Option<String>,
    },
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("method {0} is not allowed on this path")]
    MethodNotAllowed(String),
    #[error("{0}")]
    Conflict(String),
    #[error("the request body is larger than this server accepts")]
    PayloadTooLarge,
    #[error("{message}")]
    Unprocessable {
        message: String,
        field: Option<String>,
    },
    #[error("too many requests, retry in {0} s")]
    TooManyRequests(u64),
    #[error("the database is busy, retry shortly")]
    Unavailable,
    #[error("internal error")]
    Internal(String),
}

/// The error envelope, as the vendor documents it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorEnvelope {
    /// Always `false`.
    pub success: bool,
    pub data: ErrorData,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorData {
    /// What went wrong, for a person.
    pub error: String,
    /// The request field at fault, as a path (`items[3].product_code`), when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl ApiError {
    pub fn bad_request(message: impl Into<String>) -> Self {
        ApiError::BadRequest {
            message: message.into(),
            field: None,
        }
    }

    pub fn unprocessable(field: impl Into<String>, message: impl Into<String>) -> Self {
        ApiError::Unprocessable {
            message: message.into(),
            field: Some(field.into()),
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::Unprocessable { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn field(&self) -> Option<String> {
        match self {
            ApiError::BadRequest { field, .. } | ApiError::Unprocessable { field, .. } => {
                field.clone()
            }
            _ => None,
        }
    }
}

/// The envelope for a status and message, also used to wrap errors produced outside the
/// handlers (see [`super::envelope_errors`]).
pub fn envelope(status: StatusCode, error: String, field: Option<String>) -> Response {
    let body = ErrorEnvelope {
        success: false,
        data: ErrorData { error, field },
    };
    (status, axum::Json(body)).into_response()
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let ApiError::Internal(detail) = &self {
            tracing::error!(error = %detail, "internal error");
        }
        let status = self.status();
        let mut response = envelope(status, self.to_string(), self.field());
        if let ApiError::TooManyRequests(seconds) = self {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

impl From<DbError> for ApiError {
    fn from(err: DbError) -> Self {
        match err {
            // the driver's text names constraints and values: logged, never answered
            DbError::UniqueViolation(detail) => {
                tracing::warn!(%detail, "unique violation answered as 409");
                ApiError::Conflict(
                    "an object with the same identifying value already exists; nothing was written"
                        .into(),
                )
            }
            DbError::Sqlx(sqlx::Error::PoolTimedOut) => ApiError::Unavailable,
            other => ApiError::Internal(other.to_string()),
        }
    }
}

impl From<ServiceError> for ApiError {
    fn from(err: ServiceError) -> Self {
        match err {
            ServiceError::NotFound(message) => ApiError::NotFound(message),
            ServiceError::Invalid { field, message } => ApiError::Unprocessable { message, field },
            ServiceError::Conflict(message) => ApiError::Conflict(message),
            ServiceError::Db(db) => db.into(),
        }
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_unique_violation_is_a_409_that_does_not_repeat_the_driver() {
        let raw =
            r#"duplicate key value violates unique constraint "packages_account_id_ref_code_key""#;
        let err = ApiError::from(DbError::UniqueViolation(raw.into()));
        assert_eq!(err.status(), StatusCode::CONFLICT);
        let message = err.to_string();
        assert!(
            !message.contains("constraint") && !message.contains("packages_"),
            "{message}"
        );
    }
}
