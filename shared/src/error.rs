//! The one error type of the API, mapped once to an HTTP status with a JSON body
//! `{code, message}` and to GraphQL `extensions.code`. Internal details are logged, never returned.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, Clone, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Unauthenticated(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0} not found")]
    NotFound(String),
    #[error("{0}")]
    BadUserInput(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    Unavailable(String),
    /// The detail is for the log only; clients see a generic message.
    #[error("internal error")]
    Internal(String),
}

/// The JSON body of every error response, as the REST API returns it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ErrorBody {
    pub code: String,
    pub message: String,
}

impl Error {
    pub fn code(&self) -> &'static str {
        match self {
            Error::Unauthenticated(_) => "UNAUTHENTICATED",
            Error::Forbidden(_) => "FORBIDDEN",
            Error::NotFound(_) => "NOT_FOUND",
            Error::BadUserInput(_) => "BAD_USER_INPUT",
            Error::Conflict(_) => "CONFLICT",
            Error::Unavailable(_) => "UNAVAILABLE",
            Error::Internal(_) => "INTERNAL",
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            Error::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
            Error::Forbidden(_) => StatusCode::FORBIDDEN,
            Error::NotFound(_) => StatusCode::NOT_FOUND,
            Error::BadUserInput(_) => StatusCode::BAD_REQUEST,
            Error::Conflict(_) => StatusCode::CONFLICT,
            Error::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Error::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            code: self.code().to_owned(),
            message: self.to_string(),
        }
    }

    /// Rebuilds an error from a service's JSON error body (the gateway uses it).
    pub fn from_body(body: ErrorBody) -> Self {
        let m = body.message;
        match body.code.as_str() {
            "UNAUTHENTICATED" => Error::Unauthenticated(m),
            "FORBIDDEN" => Error::Forbidden(m),
            "NOT_FOUND" => Error::NotFound(m.trim_end_matches(" not found").to_owned()),
            "BAD_USER_INPUT" => Error::BadUserInput(m),
            "CONFLICT" => Error::Conflict(m),
            "UNAVAILABLE" => Error::Unavailable(m),
            _ => Error::Internal(m),
        }
    }

    pub fn bad_input(message: impl Into<String>) -> Self {
        Error::BadUserInput(message.into())
    }

    pub fn not_found(what: impl Into<String>) -> Self {
        Error::NotFound(what.into())
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        if let Error::Internal(detail) = &self {
            tracing::error!(%detail, "internal error");
        }
        (self.status(), axum::Json(self.body())).into_response()
    }
}

/// GraphQL resolvers return `Err(e.extend())`: the message plus `extensions.code`.
impl async_graphql::ErrorExtensions for Error {
    fn extend(&self) -> async_graphql::Error {
        if let Error::Internal(detail) = self {
            tracing::error!(%detail, "internal error");
        }
        async_graphql::Error::new(self.to_string()).extend_with(|_, ext| ext.set("code", self.code()))
    }
}

impl From<sea_orm::DbErr> for Error {
    /// A pool or connection failure means the database is out of reach: 503, not 500.
    fn from(e: sea_orm::DbErr) -> Self {
        if database_unavailable(&e) {
            tracing::warn!(error = %e, "database unavailable");
            Error::Unavailable("the database is unavailable, try again shortly".into())
        } else {
            Error::Internal(e.to_string())
        }
    }
}

/// True when the database is out of reach or momentarily unable to serve, rather than the
/// statement being wrong. A connection that breaks while a statement runs surfaces as a query
/// or execution error wrapping the transport error, so those count as well.
fn database_unavailable(e: &sea_orm::DbErr) -> bool {
    use sea_orm::sqlx::error::DatabaseError;
    use sea_orm::sqlx::postgres::PgDatabaseError;
    use sea_orm::sqlx::sqlite::SqliteError;
    use sea_orm::{DbErr, RuntimeErr, sqlx};
    let err = match e {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => return true,
        DbErr::Query(RuntimeErr::SqlxError(err)) | DbErr::Exec(RuntimeErr::SqlxError(err)) => err,
        _ => return false,
    };
    match err {
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(db) => {
            if let Some(pg) = db.try_downcast_ref::<PgDatabaseError>() {
                // Class 08: connection exception; 57P01-57P03: the server is shutting down,
                // crashed or is still starting.
                let code = pg.code();
                code.starts_with("08") || matches!(code, "57P01" | "57P02" | "57P03")
            } else if let Some(sqlite) = db.try_downcast_ref::<SqliteError>() {
                // SQLITE_BUSY ("database is locked") and its extended codes.
                sqlite
                    .code()
                    .and_then(|code| code.parse::<i32>().ok())
                    .is_some_and(|code| code & 0xff == 5)
            } else {
                false
            }
        }
        _ => false,
    }
}

impl From<axum::extract::rejection::JsonRejection> for Error {
    fn from(e: axum::extract::rejection::JsonRejection) -> Self {
        Error::BadUserInput(e.body_text())
    }
}

impl From<axum::extract::rejection::QueryRejection> for Error {
    fn from(e: axum::extract::rejection::QueryRejection) -> Self {
        Error::BadUserInput(e.body_text())
    }
}

impl From<axum::extract::rejection::PathRejection> for Error {
    fn from(e: axum::extract::rejection::PathRejection) -> Self {
        Error::BadUserInput(e.body_text())
    }
}
