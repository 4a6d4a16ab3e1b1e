//! What every AIMS service shares: typed configuration, the error type and its mapping to
//! HTTP and GraphQL, JWT authentication and roles, the database, the event bus with its
//! outbox and inbox, and observability (tracing, request ids, health, metrics).

pub mod auth;
pub mod config;
pub mod db;
pub mod error;
pub mod events;
pub mod http;
pub mod pagination;
pub mod platform;
pub mod telemetry;
pub mod types;

pub use auth::{Admin, Caller, Editor, RiskApprover, Role, Tenant};
pub use config::Config;
pub use error::{Error, Result};
pub use platform::Platform;
