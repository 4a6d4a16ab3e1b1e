//! The in-process bus of `aims serve`: publishing delivers to every matching subscription
//! before it returns, so the outbox marks an event sent only after its consumers applied it.

use super::{BusError, DeadLetter, EventBus, EventEnvelope, Subscription, topic_matches};
use async_trait::async_trait;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::RwLock;

/// A handler that takes longer than this counts as failed (and is retried).
const HANDLER_TIMEOUT: Duration = Duration::from_secs(30);

pub struct InProcessBus {
    subscriptions: RwLock<Vec<Subscription>>,
    max_retries: u32,
    dead_letters: Mutex<Vec<DeadLetter>>,
}

impl InProcessBus {
    pub fn new(max_retries: u32) -> Arc<Self> {
        Arc::new(Self {
            subscriptions: RwLock::new(Vec::new()),
            max_retries,
            dead_letters: Mutex::new(Vec::new()),
        })
    }

    /// Events that failed every retry (the in-process stand-in for a dead-letter queue).
    pub fn dead_letters(&self) -> Vec<DeadLetter> {
        self.dead_letters.lock().map(|d| d.clone()).unwrap_or_default()
    }

    async fn deliver(&self, sub: &Subscription, event: &EventEnvelope) {
        let mut attempt = 0;
        loop {
            let outcome = tokio::time::timeout(HANDLER_TIMEOUT, sub.handler.handle(event)).await;
            let error = match outcome {
                Ok(Ok(())) => return,
                Ok(Err(e)) => e,
                Err(_) => super::HandlerError::retryable("handler timed out"),
            };
            metrics::counter!("aims_consumer_errors_total", "consumer" => sub.consumer.clone()).increment(1);
            if error.retryable && attempt < self.max_retries {
                attempt += 1;
                tracing::warn!(consumer = %sub.consumer, event_id = %event.id, attempt, error = %error, "handler failed; retrying");
                tokio::time::sleep(Duration::from_millis(20 * u64::from(attempt))).await;
                continue;
            }
            tracing::error!(consumer = %sub.consumer, event_id = %event.id, error = %error, "event dead-lettered");
            if let Ok(mut dead) = self.dead_letters.lock() {
                dead.push(DeadLetter {
                    consumer: sub.consumer.clone(),
                    event: event.clone(),
                    reason: error.message,
                });
            }
            return;
        }
    }
}

#[async_trait]
impl EventBus for InProcessBus {
    async fn publish(&self, event: &EventEnvelope) -> Result<(), BusError> {
        let subscriptions = self.subscriptions.read().await.clone();
        for sub in subscriptions
            .iter()
            .filter(|s| s.routing_keys.iter().any(|k| topic_matches(k, &event.event_type)))
        {
            let span = tracing::info_span!("consume", consumer = %sub.consumer, event_id = %event.id,
                event_type = %event.event_type, org = %event.org, request_id = event.request_id.as_deref().unwrap_or(""));
            let _ = tracing::Instrument::instrument(self.deliver(sub, event), span).await;
        }
        Ok(())
    }

    async fn subscribe(&self, subscription: Subscription) -> Result<(), BusError> {
        self.subscriptions.write().await.push(subscription);
        Ok(())
    }

    async fn is_ready(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::{EventHandler, HandlerError};
    use std::sync::atomic::{AtomicU32, Ordering};

    struct Flaky {
        calls: AtomicU32,
        fail_times: u32,
    }

    #[async_trait]
    impl EventHandler for Flaky {
        async fn handle(&self, _: &EventEnvelope) -> Result<(), HandlerError> {
            let n = self.calls.fetch_add(1, Ordering::SeqCst);
            if n < self.fail_times {
                Err(HandlerError::retryable("not yet"))
            } else {
                Ok(())
            }
        }
    }

    fn event(t: &str) -> EventEnvelope {
        EventEnvelope::new(t, "org", None, serde_json::json!({}))
    }

    #[tokio::test]
    async fn retries_then_dead_letters_and_routes_by_topic() {
        let bus = InProcessBus::new(2);
        let recovers = Arc::new(Flaky {
            calls: AtomicU32::new(0),
            fail_times: 2,
        });
        let never = Arc::new(Flaky {
            calls: AtomicU32::new(0),
            fail_times: u32::MAX,
        });
        bus.subscribe(Subscription {
            consumer: "a".into(),
            routing_keys: vec!["risk.*".into()],
            handler: recovers.clone(),
        })
        .await
        .unwrap();
        bus.subscribe(Subscription {
            consumer: "b".into(),
            routing_keys: vec!["risk.closed".into()],
            handler: never.clone(),
        })
        .await
        .unwrap();

        bus.publish(&event("risk.created")).await.unwrap();
        assert_eq!(recovers.calls.load(Ordering::SeqCst), 3, "two failures then success");
        assert_eq!(never.calls.load(Ordering::SeqCst), 0, "not bound to risk.created");

        bus.publish(&event("risk.closed")).await.unwrap();
        assert_eq!(never.calls.load(Ordering::SeqCst), 3, "first try and two retries");
        let dead = bus.dead_letters();
        assert_eq!(dead.len(), 1);
        assert_eq!(dead[0].consumer, "b");
    }
}
