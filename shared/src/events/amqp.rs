//! RabbitMQ implementation of [`EventBus`]: a topic exchange for events, one durable queue per
//! consuming service, retries by republishing to that queue and a dead-letter queue per consumer.

use super::{BusError, EventBus, EventEnvelope, HandlerError, Subscription};
use async_trait::async_trait;
use futures::{FutureExt, StreamExt};
use lapin::options::{
    BasicAckOptions, BasicConsumeOptions, BasicNackOptions, BasicPublishOptions, BasicQosOptions, ConfirmSelectOptions,
    ExchangeDeclareOptions, QueueBindOptions, QueueDeclareOptions,
};
use lapin::types::{AMQPValue, FieldTable, ShortString};
use lapin::uri::AMQPUri;
use lapin::{BasicProperties, Channel, Confirmation, Connection, ConnectionProperties, Consumer, Event, ExchangeKind};
use std::fmt;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Mutex, Notify, watch};
use tokio::time::{Instant, sleep, sleep_until, timeout};
use tokio_util::sync::CancellationToken;
use tracing::{Instrument, error, info, info_span, warn};

/// Upper bound for every broker round trip, so a dead broker never hangs a caller.
const OP_TIMEOUT: Duration = Duration::from_secs(5);
const MIN_BACKOFF: Duration = Duration::from_millis(100);
const MAX_BACKOFF: Duration = Duration::from_secs(5);
/// A publisher's nudge shortens the reconnect backoff, but never below this gap between attempts.
const NUDGE_GAP: Duration = Duration::from_secs(1);
/// How often the supervisor double-checks that the connection and publishing channel are open.
const HEALTH_TICK: Duration = Duration::from_secs(1);
/// Retry `n` of a failed event is delayed by `n` times this.
const RETRY_DELAY: Duration = Duration::from_millis(100);
/// Header counting how many times a consumer already failed on this message.
const ATTEMPTS_HEADER: &str = "x-aims-attempts";
const REQUEST_ID_HEADER: &str = "request_id";

/// Where and how to reach RabbitMQ. `prefix` namespaces every exchange and queue.
#[derive(Clone)]
pub struct AmqpConfig {
    pub url: String,
    pub prefix: String,
    /// Unacknowledged deliveries per consumer, which is also how many run concurrently (0 = no limit).
    pub prefetch: u16,
    /// Retries of a retryable handler failure before the event is dead-lettered.
    pub max_retries: u32,
}

/// Hand-written so that printing the config never prints the broker password.
impl fmt::Debug for AmqpConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AmqpConfig")
            .field("url", &redact(&self.url))
            .field("prefix", &self.prefix)
            .field("prefetch", &self.prefetch)
            .field("max_retries", &self.max_retries)
            .finish()
    }
}

/// Event bus over RabbitMQ. A background supervisor owns the connection and rebuilds the
/// topology and every consumer after each reconnect.
pub struct AmqpBus {
    config: AmqpConfig,
    /// The current connection; `None` while disconnected.
    live: watch::Sender<Option<Live>>,
    /// Registered subscriptions. Held while consumers start so a reconnect and a concurrent
    /// `subscribe` never start the same consumer twice on one connection.
    subs: Mutex<Vec<Subscription>>,
    /// Wakes the supervisor early when a publisher found the bus disconnected.
    nudge: Notify,
    shutdown: CancellationToken,
    /// Set by the supervisor once it has stopped and closed its connection.
    stopped: watch::Sender<bool>,
}

/// One established connection with its confirm-mode publishing channel.
#[derive(Clone)]
struct Live {
    conn: Arc<Connection>,
    publisher: Channel,
    /// Cancelled when the connection is found broken (or on shutdown): stops its consumers
    /// and tells the supervisor to reconnect.
    lost: CancellationToken,
}

impl Live {
    fn healthy(&self) -> bool {
        !self.lost.is_cancelled() && self.conn.status().connected() && self.publisher.status().connected()
    }
}

impl AmqpBus {
    /// Returns at once; a background supervisor connects, and reconnects with backoff (capped
    /// at 5s) after the broker goes away. Everything stops when `shutdown` is cancelled (or on
    /// [`AmqpBus::shutdown`]).
    pub fn start(config: AmqpConfig, shutdown: CancellationToken) -> Arc<AmqpBus> {
        let bus = Arc::new(AmqpBus {
            config,
            live: watch::Sender::new(None),
            subs: Mutex::new(Vec::new()),
            nudge: Notify::new(),
            shutdown: shutdown.child_token(),
            stopped: watch::Sender::new(false),
        });
        tokio::spawn(Arc::clone(&bus).supervise());
        bus
    }

    /// Stops the bus and waits until its connection to the broker is closed. Await it before
    /// the tokio runtime goes away (a test's end): lapin's I/O thread works on that runtime, and
    /// a connection still open when the runtime shuts down makes that thread fail noisily.
    /// Only this bus stops; the token given to [`AmqpBus::start`] is left alone.
    pub async fn shutdown(&self) {
        self.shutdown.cancel();
        let _ = self.stopped.subscribe().wait_for(|stopped| *stopped).await;
    }

    /// Messages currently waiting in the dead-letter queue of `consumer`.
    pub async fn dead_letter_count(&self, consumer: &str) -> Result<u32, BusError> {
        let live = self.current()?;
        let queue = short(format!("{}.dlq", self.queue_name(consumer)))?;
        // A passive declare of a missing queue closes its channel, so use a throwaway one.
        let channel = op("open channel", live.conn.create_channel()).await?;
        let declared = op(
            "count dead letters",
            channel.queue_declare(queue, QueueDeclareOptions::default().passive(), FieldTable::default()),
        )
        .await;
        let _ = timeout(OP_TIMEOUT, channel.close(200, "done".into())).await;
        Ok(declared?.message_count())
    }

    fn exchange(&self) -> String {
        format!("{}.events", self.config.prefix)
    }

    fn dlx(&self) -> String {
        format!("{}.dlx", self.config.prefix)
    }

    fn queue_name(&self, consumer: &str) -> String {
        format!("{}.{consumer}", self.config.prefix)
    }

    /// The live connection, or `Unavailable` (and a nudge to reconnect) when there is none.
    fn current(&self) -> Result<Live, BusError> {
        match self.live.borrow().as_ref() {
            Some(live) if live.healthy() => Ok(live.clone()),
            Some(live) => {
                live.lost.cancel();
                Err(BusError::Unavailable("connection to the broker was lost".into()))
            }
            None => {
                self.nudge.notify_one();
                Err(BusError::Unavailable("not connected to the broker".into()))
            }
        }
    }

    /// Connect, serve until the connection breaks, repeat; backoff doubles up to 5s.
    async fn supervise(self: Arc<Self>) {
        // Tells `shutdown` the supervisor is done, however it ends.
        let _stopped = StopSignal(&self.stopped);
        let broker = redact(&self.config.url);
        let mut backoff = MIN_BACKOFF;
        while !self.shutdown.is_cancelled() {
            let attempt = Instant::now();
            match self.connect().await {
                Ok(live) => {
                    info!(%broker, prefix = %self.config.prefix, "connected to RabbitMQ");
                    backoff = MIN_BACKOFF;
                    self.watch_connection(&live).await;
                    self.live.send_replace(None);
                    live.lost.cancel();
                    let closed = timeout(Duration::from_secs(1), live.conn.close(200, "bye".into())).await;
                    if self.shutdown.is_cancelled() {
                        if matches!(closed, Ok(Ok(()))) {
                            join_io_thread(live.conn).await;
                        }
                        break;
                    }
                    warn!(%broker, "lost connection to RabbitMQ; reconnecting");
                    continue;
                }
                Err(err) => {
                    warn!(%broker, error = %err, retry_in_ms = backoff.as_millis() as u64, "cannot connect to RabbitMQ");
                }
            }
            tokio::select! {
                _ = self.shutdown.cancelled() => break,
                _ = sleep_until(attempt + backoff) => {}
                _ = async {
                    self.nudge.notified().await;
                    sleep_until(attempt + NUDGE_GAP).await;
                } => {}
            }
            backoff = (backoff * 2).min(MAX_BACKOFF);
        }
        self.live.send_replace(None);
        info!("AMQP event bus stopped");
    }

    /// Opens the connection, declares the exchanges and starts every registered consumer.
    async fn connect(&self) -> Result<Live, BusError> {
        let props = ConnectionProperties::default().with_connection_name(self.config.prefix.clone().into());
        // Parsed here because the parser's own error message would echo the password.
        let uri: AMQPUri = self
            .config
            .url
            .parse()
            .map_err(|_| BusError::Unavailable("the AMQP url is not valid".into()))?;
        let conn = Arc::new(op("connect", Connection::connect_uri(uri, props)).await?);
        let live = match self.open(conn.clone()).await {
            Ok(live) => live,
            Err(err) => {
                let _ = timeout(Duration::from_secs(1), conn.close(200, "setup failed".into())).await;
                return Err(err);
            }
        };
        let subs = self.subs.lock().await;
        for sub in subs.iter() {
            if let Err(err) = self.start_consumer(&live, sub).await {
                error!(consumer = %sub.consumer, error = %err, "cannot start consumer");
            }
        }
        self.live.send_replace(Some(live.clone()));
        Ok(live)
    }

    async fn open(&self, conn: Arc<Connection>) -> Result<Live, BusError> {
        let publisher = op("open channel", conn.create_channel()).await?;
        op(
            "enable confirms",
            publisher.confirm_select(ConfirmSelectOptions::default()),
        )
        .await?;
        let durable = ExchangeDeclareOptions {
            durable: true,
            ..Default::default()
        };
        let events = short(self.exchange())?;
        op(
            "declare events exchange",
            publisher.exchange_declare(events, ExchangeKind::Topic, durable, FieldTable::default()),
        )
        .await?;
        let dlx = short(self.dlx())?;
        op(
            "declare dead-letter exchange",
            publisher.exchange_declare(dlx, ExchangeKind::Direct, durable, FieldTable::default()),
        )
        .await?;
        Ok(Live {
            conn,
            publisher,
            lost: self.shutdown.child_token(),
        })
    }

    /// Returns when the connection breaks or the bus shuts down.
    async fn watch_connection(&self, live: &Live) {
        let mut events = live.conn.events_listener();
        let mut tick = tokio::time::interval(HEALTH_TICK);
        loop {
            tokio::select! {
                _ = live.lost.cancelled() => return,
                event = events.next() => match event {
                    // Channel errors are reported here too; only a broken connection or publisher matters.
                    Some(Event::Error(err)) if !live.healthy() => {
                        warn!(error = %err, "RabbitMQ connection error");
                        return;
                    }
                    None => return,
                    Some(_) => {}
                },
                _ = tick.tick() => if !live.healthy() {
                    return;
                },
            }
        }
    }

    /// Declares the consumer's queue, bindings and dead-letter queue, then starts consuming.
    async fn start_consumer(&self, live: &Live, sub: &Subscription) -> Result<(), BusError> {
        let queue = self.queue_name(&sub.consumer);
        let channel = op("open channel", live.conn.create_channel()).await?;
        let durable = QueueDeclareOptions::durable();

        let dlq = short(format!("{queue}.dlq"))?;
        op(
            "declare dead-letter queue",
            channel.queue_declare(dlq.clone(), durable, FieldTable::default()),
        )
        .await?;
        let bind_dlq = channel.queue_bind(
            dlq,
            short(self.dlx())?,
            short(sub.consumer.clone())?,
            QueueBindOptions::default(),
            FieldTable::default(),
        );
        op("bind dead-letter queue", bind_dlq).await?;

        let mut args = FieldTable::default();
        args.insert(
            "x-dead-letter-exchange".into(),
            AMQPValue::LongString(self.dlx().into()),
        );
        args.insert(
            "x-dead-letter-routing-key".into(),
            AMQPValue::LongString(sub.consumer.clone().into()),
        );
        op(
            "declare queue",
            channel.queue_declare(short(queue.clone())?, durable, args),
        )
        .await?;
        for key in &sub.routing_keys {
            let bind = channel.queue_bind(
                short(queue.clone())?,
                short(self.exchange())?,
                short(key.clone())?,
                QueueBindOptions::default(),
                FieldTable::default(),
            );
            op("bind queue", bind).await?;
        }

        op(
            "set prefetch",
            channel.basic_qos(self.config.prefetch, BasicQosOptions::default()),
        )
        .await?;
        let consume = channel.basic_consume(
            short(queue.clone())?,
            "".into(),
            BasicConsumeOptions::default(),
            FieldTable::default(),
        );
        let consumer = op("start consumer", consume).await?;
        let worker = Worker {
            queue,
            sub: sub.clone(),
            publisher: live.publisher.clone(),
            max_retries: self.config.max_retries,
            lost: live.lost.clone(),
        };
        let limit = usize::from(self.config.prefetch);
        tokio::spawn(worker.run(consumer, (limit > 0).then_some(limit), channel));
        Ok(())
    }
}

#[async_trait]
impl EventBus for AmqpBus {
    async fn publish(&self, event: &EventEnvelope) -> Result<(), BusError> {
        let live = self.current()?;
        let body = serde_json::to_vec(event).map_err(|e| BusError::Rejected(format!("cannot encode event: {e}")))?;
        let mut headers = FieldTable::default();
        if let Some(request_id) = &event.request_id {
            headers.insert(
                REQUEST_ID_HEADER.into(),
                AMQPValue::LongString(request_id.clone().into()),
            );
        }
        let props = BasicProperties::default()
            .with_content_type("application/json".into())
            .with_delivery_mode(2)
            .with_message_id(event.id.to_string().into())
            .with_headers(headers);
        let key = short(event.event_type.clone())?;
        match confirmed_publish(&live.publisher, short(self.exchange())?, key, &body, props).await {
            Ok(Some(returned)) => {
                warn!(event_id = %event.id, event_type = %event.event_type, reply = %returned.reply_text, "event has no subscriber queue; dropped");
                metrics::counter!("aims_events_unroutable_total").increment(1);
                Ok(())
            }
            Ok(None) => Ok(()),
            Err(err @ BusError::Unavailable(_)) => {
                // A blocked connection (broker resource alarm) recovers by itself; anything else reconnects.
                if !live.conn.status().blocked() {
                    live.lost.cancel();
                }
                Err(err)
            }
            Err(err) => Err(err),
        }
    }

    /// Registers the subscription and, once connected (waiting up to 5s), declares its queues
    /// and starts consuming. If the broker is not reachable yet it starts with the connection.
    /// On error the subscription is not registered.
    async fn subscribe(&self, subscription: Subscription) -> Result<(), BusError> {
        short(format!("{}.dlq", self.queue_name(&subscription.consumer)))?;
        for key in &subscription.routing_keys {
            short(key.clone())?;
        }
        let mut connected = self.live.subscribe();
        let _ = timeout(OP_TIMEOUT, connected.wait_for(Option::is_some)).await;

        let mut subs = self.subs.lock().await;
        let live = self.live.borrow().clone();
        match live {
            Some(live) => {
                self.start_consumer(&live, &subscription).await?;
                info!(consumer = %subscription.consumer, "consumer started");
            }
            None => {
                warn!(consumer = %subscription.consumer, "not connected to RabbitMQ; consumer starts once connected")
            }
        }
        subs.push(subscription);
        Ok(())
    }

    async fn is_ready(&self) -> bool {
        self.live.borrow().as_ref().is_some_and(Live::healthy)
    }
}

/// Consumes one subscription's queue on one connection.
struct Worker {
    queue: String,
    sub: Subscription,
    /// The connection's confirm-mode channel, used to republish retries.
    publisher: Channel,
    max_retries: u32,
    lost: CancellationToken,
}

impl Worker {
    /// Handles deliveries (up to `limit` at once) until the connection is lost; if the broker
    /// ends the consumer on its own (queue deleted, channel error) the bus reconnects.
    async fn run(self, consumer: Consumer, limit: Option<usize>, _channel: Channel) {
        let deliveries = consumer.take_until(self.lost.clone().cancelled_owned());
        deliveries
            .for_each_concurrent(limit, |delivery| async {
                match delivery {
                    Ok(delivery) => self.process(delivery).await,
                    Err(err) => {
                        warn!(consumer = %self.sub.consumer, error = %err, "consumer failed");
                        self.lost.cancel();
                    }
                }
            })
            .await;
        if !self.lost.is_cancelled() {
            warn!(consumer = %self.sub.consumer, "consumer ended by the broker; reconnecting");
            self.lost.cancel();
        }
    }

    async fn process(&self, delivery: lapin::message::Delivery) {
        let event: EventEnvelope = match serde_json::from_slice(&delivery.data) {
            Ok(event) => event,
            Err(err) => {
                self.count_failure();
                error!(consumer = %self.sub.consumer, error = %err, "not an event envelope; dead-lettering");
                settle(
                    "nack",
                    delivery.nack(BasicNackOptions {
                        requeue: false,
                        ..Default::default()
                    }),
                )
                .await;
                return;
            }
        };
        let span = info_span!(
            "handle_event",
            consumer = %self.sub.consumer,
            event_id = %event.id,
            event_type = %event.event_type,
            org = %event.org,
            request_id = event.request_id.as_deref().unwrap_or(""),
        );
        self.apply(&event, delivery).instrument(span).await;
    }

    async fn apply(&self, event: &EventEnvelope, delivery: lapin::message::Delivery) {
        let attempts = attempts(&delivery.properties);
        // A panicking handler counts as a retryable failure instead of killing the consumer.
        let outcome = AssertUnwindSafe(self.sub.handler.handle(event)).catch_unwind().await;
        let err = match outcome {
            Ok(Ok(())) => return settle("ack", delivery.ack(BasicAckOptions::default())).await,
            Ok(Err(err)) => err,
            Err(_) => HandlerError::retryable("handler panicked"),
        };
        self.count_failure();
        if !err.retryable || attempts >= self.max_retries {
            error!(error = %err, attempts = attempts + 1, retryable = err.retryable, "event failed; dead-lettering");
            return settle(
                "nack",
                delivery.nack(BasicNackOptions {
                    requeue: false,
                    ..Default::default()
                }),
            )
            .await;
        }
        warn!(error = %err, attempts = attempts + 1, "event failed; retrying");
        tokio::select! {
            // Unacked, so the broker redelivers it on the next connection.
            _ = self.lost.cancelled() => return,
            _ = sleep(RETRY_DELAY * (attempts + 1)) => {}
        }
        match self.republish(&delivery, attempts + 1).await {
            Ok(()) => settle("ack", delivery.ack(BasicAckOptions::default())).await,
            Err(err) => {
                warn!(error = %err, "cannot schedule retry; requeueing");
                settle(
                    "nack",
                    delivery.nack(BasicNackOptions {
                        requeue: true,
                        ..Default::default()
                    }),
                )
                .await;
            }
        }
    }

    /// Puts a copy straight back on this consumer's queue (other consumers don't see the retry).
    async fn republish(&self, delivery: &lapin::message::Delivery, attempts: u32) -> Result<(), BusError> {
        let mut headers = delivery.properties.headers().clone().unwrap_or_default();
        headers.insert(ATTEMPTS_HEADER.into(), AMQPValue::LongLongInt(attempts.into()));
        let props = delivery.properties.clone().with_headers(headers);
        match confirmed_publish(
            &self.publisher,
            "".into(),
            short(self.queue.clone())?,
            &delivery.data,
            props,
        )
        .await?
        {
            Some(_) => Err(BusError::Rejected(format!("queue {} no longer exists", self.queue))),
            None => Ok(()),
        }
    }

    fn count_failure(&self) {
        metrics::counter!("aims_consumer_errors_total", "consumer" => self.sub.consumer.clone()).increment(1);
    }
}

/// Publishes with `mandatory` and waits for the broker's confirm. `Ok(Some(_))` means the
/// broker returned the message because no queue was bound for it.
async fn confirmed_publish(
    channel: &Channel,
    exchange: ShortString,
    routing_key: ShortString,
    body: &[u8],
    props: BasicProperties,
) -> Result<Option<lapin::message::BasicReturnMessage>, BusError> {
    let options = BasicPublishOptions {
        mandatory: true,
        ..Default::default()
    };
    let confirmation = op("publish", async {
        channel
            .basic_publish(exchange, routing_key, options, body, props)
            .await?
            .await
    })
    .await?;
    match confirmation {
        Confirmation::Nack(_) => Err(BusError::Rejected("broker nacked the message".into())),
        other => Ok(other.take_message()),
    }
}

/// Sets the flag [`AmqpBus::shutdown`] waits for when dropped.
struct StopSignal<'a>(&'a watch::Sender<bool>);

impl Drop for StopSignal<'_> {
    fn drop(&mut self) {
        self.0.send_replace(true);
    }
}

/// Waits for lapin's I/O thread of a connection closed with the broker's consent to end, so
/// that the thread never outlives the runtime it works on. Skipped if the handle is shared.
async fn join_io_thread(conn: Arc<Connection>) {
    if let Ok(conn) = Arc::try_unwrap(conn) {
        // The thread ends right after the close handshake; the bound is only a safety net.
        let _ = timeout(OP_TIMEOUT, tokio::task::spawn_blocking(move || conn.run())).await;
    }
}

/// Runs one broker call bounded by [`OP_TIMEOUT`], mapping failures to `Unavailable`.
async fn op<T>(what: &str, call: impl Future<Output = lapin::Result<T>>) -> Result<T, BusError> {
    match timeout(OP_TIMEOUT, call).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(err)) => Err(BusError::Unavailable(format!("{what}: {err}"))),
        Err(_) => Err(BusError::Unavailable(format!(
            "{what}: no answer within {OP_TIMEOUT:?}"
        ))),
    }
}

/// Acks or nacks; a failure only means the connection is gone and the broker will redeliver.
async fn settle(what: &str, call: impl Future<Output = lapin::Result<bool>>) {
    if let Err(err) = op(what, call).await {
        warn!(error = %err, "cannot settle delivery; it will be redelivered");
    }
}

/// AMQP names and routing keys are limited to 255 bytes.
fn short(value: String) -> Result<ShortString, BusError> {
    ShortString::try_new(value).map_err(|e| BusError::Rejected(e.to_string()))
}

/// Failed attempts recorded on a message by earlier retries (0 for a first delivery).
fn attempts(props: &BasicProperties) -> u32 {
    let value = props
        .headers()
        .as_ref()
        .and_then(|h| h.inner().get(ATTEMPTS_HEADER).cloned());
    match value {
        Some(AMQPValue::ShortShortUInt(n)) => n.into(),
        Some(AMQPValue::ShortUInt(n)) => n.into(),
        Some(AMQPValue::LongUInt(n)) => n,
        Some(AMQPValue::ShortShortInt(n)) => u32::try_from(n).unwrap_or(0),
        Some(AMQPValue::ShortInt(n)) => u32::try_from(n).unwrap_or(0),
        Some(AMQPValue::LongInt(n)) => u32::try_from(n).unwrap_or(0),
        Some(AMQPValue::LongLongInt(n)) => u32::try_from(n).unwrap_or(0),
        _ => 0,
    }
}

/// `amqp://user:secret@host/vhost` becomes `amqp://user:***@host/vhost` so logs never carry secrets.
fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return "<unparseable url>".into();
    };
    // The last '@' ends the user info even if an unescaped password contains '/' or '@'.
    match rest.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
            None => url.to_string(),
        },
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redact_hides_password() {
        assert_eq!(
            redact("amqp://guest:s3cret@rabbit:5672/%2f"),
            "amqp://guest:***@rabbit:5672/%2f"
        );
        assert_eq!(redact("amqps://rabbit"), "amqps://rabbit");
        assert!(
            !format!(
                "{:?}",
                AmqpConfig {
                    url: "amqp://u:pw@h".into(),
                    prefix: "p".into(),
                    prefetch: 1,
                    max_retries: 1
                }
            )
            .contains("pw")
        );
    }

    #[test]
    fn attempts_reads_any_integer_header() {
        let mut headers = FieldTable::default();
        assert_eq!(attempts(&BasicProperties::default()), 0);
        headers.insert(ATTEMPTS_HEADER.into(), AMQPValue::LongLongInt(3));
        assert_eq!(attempts(&BasicProperties::default().with_headers(headers)), 3);
    }
}
