use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A domain event as it travels between services. `type` is also the routing key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventEnvelope {
    /// UUID v7: unique and ordered by time; consumers deduplicate on it.
    pub id: Uuid,
    #[serde(rename = "type")]
    pub event_type: String,
    /// Tenant key of the organization the event belongs to.
    pub org: String,
    pub occurred_at: DateTime<Utc>,
    pub subject_id: Option<String>,
    pub payload: serde_json::Value,
    /// Request that caused the event, so one trace follows it across services.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

impl EventEnvelope {
    pub fn new(
        event_type: impl Into<String>,
        org: impl Into<String>,
        subject_id: Option<String>,
        payload: serde_json::Value,
    ) -> Self {
        Self {
            id: Uuid::now_v7(),
            event_type: event_type.into(),
            org: org.into(),
            occurred_at: Utc::now(),
            subject_id,
            payload,
            request_id: crate::telemetry::current_request_id(),
        }
    }
}
