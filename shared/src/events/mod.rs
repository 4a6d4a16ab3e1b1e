//! Domain events: the envelope, the bus that carries them between services, the
//! transactional outbox that feeds the bus and the inbox that makes consumers idempotent.

mod amqp;
mod envelope;
pub mod inbox;
mod memory;
pub mod migration;
pub mod outbox;
mod topic;

pub use amqp::{AmqpBus, AmqpConfig};
pub use envelope::EventEnvelope;
pub use memory::InProcessBus;
pub use topic::topic_matches;

use async_trait::async_trait;
use std::sync::Arc;

/// Why the bus could not take or deliver an event.
#[derive(Debug, thiserror::Error)]
pub enum BusError {
    /// The broker is unreachable or refused the message; the caller retries later.
    #[error("event bus unavailable: {0}")]
    Unavailable(String),
    /// The broker answered a publish with a negative acknowledgement.
    #[error("event bus rejected the message: {0}")]
    Rejected(String),
}

/// What a consumer's handler reports when it could not apply an event.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct HandlerError {
    pub message: String,
    /// False for events that can never succeed (bad payload): they go straight to the dead-letter queue.
    pub retryable: bool,
}

impl HandlerError {
    pub fn retryable(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            retryable: true,
        }
    }
    pub fn permanent(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            retryable: false,
        }
    }
}

/// Applies one event. Must be idempotent: the bus delivers at least once.
#[async_trait]
pub trait EventHandler: Send + Sync + 'static {
    async fn handle(&self, event: &EventEnvelope) -> Result<(), HandlerError>;
}

/// One consuming service's interest in events: a durable queue named after `consumer`,
/// bound to the topic patterns in `routing_keys` (`risk.*`, `#`, ...).
#[derive(Clone)]
pub struct Subscription {
    pub consumer: String,
    pub routing_keys: Vec<String>,
    pub handler: Arc<dyn EventHandler>,
}

/// Carries events between services: RabbitMQ in the distributed mode, in-process in `aims serve`.
#[async_trait]
pub trait EventBus: Send + Sync + 'static {
    /// Returns once the event is safely handed over (broker confirm, or in-process delivery).
    async fn publish(&self, event: &EventEnvelope) -> Result<(), BusError>;
    /// Starts delivering matching events to the handler until the process stops.
    async fn subscribe(&self, subscription: Subscription) -> Result<(), BusError>;
    /// Whether the bus can currently publish (for `/readyz`).
    async fn is_ready(&self) -> bool;
}

/// Events that exhausted their retries, as the in-process bus keeps them (RabbitMQ has a real DLQ).
#[derive(Debug, Clone)]
pub struct DeadLetter {
    pub consumer: String,
    pub event: EventEnvelope,
    pub reason: String,
}
