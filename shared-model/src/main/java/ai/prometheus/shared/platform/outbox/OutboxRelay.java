package ai.prometheus.shared.platform.outbox;

import ai.prometheus.shared.event.CloudEvent;
import ai.prometheus.shared.event.ErrorReported;
import ai.prometheus.shared.event.EventTypes;
import ai.prometheus.shared.event.Topics;
import ai.prometheus.shared.platform.config.ServiceConfig;
import ai.prometheus.shared.platform.messaging.EventCodec;
import ai.prometheus.shared.platform.postgres.PostgresListener;
import ai.prometheus.shared.platform.tracing.TraceContext;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Publishes committed outbox rows to Kafka and marks them sent.
 *
 * <p>One thread per replica waits on a Postgres {@code LISTEN} (the outbox trigger notifies on
 * commit, so events leave within milliseconds) or for the poll interval, then claims a batch with
 * {@code FOR UPDATE SKIP LOCKED}: several replicas relay in parallel and never send the same row
 * at the same time. A row whose send fails stays unsent, with its attempt count and last error,
 * and is tried again on the next pass. Delivery is at least once; consumers deduplicate by event id.
 *
 * <p>No event leaves before its row is durable. A writer may commit outbox rows without waiting
 * for PostgreSQL's log flush ({@code synchronous_commit} off, e.g. the registry's invocation
 * record); such a commit is visible at once but lost if PostgreSQL or its host crashes before the
 * log reaches the disk, and an event published for it would then describe a change that never
 * happened. So after claiming a batch, and before sending any of it, the relay makes the log
 * durable through the position it had when the claim was read (every commit the claim can see
 * lies before it): if the log is not flushed that far yet, a one-record transaction of its own
 * commits synchronously, which flushes everything written before it ({@link WalFlush}: a logical
 * message, or where the role may not write one, an update of the schema's {@code outbox_flush} row).
 *
 * <p>A row that can never be sent (above {@code prometheus.outbox.max-event-bytes}, or refused by
 * Kafka as too large or malformed) is parked: marked with {@code parked_at} and its reason, reported
 * to the guardian as an error event (written in the same transaction), counted in
 * {@code prometheus_outbox_parked_total}, and never tried again, so the rows behind it keep flowing.
 *
 * <p>Size: ~400 lines because it is one relay loop whose order is the delivery guarantee (claim
 * with SKIP LOCKED, flush the log, send, await the acks, mark sent or park in the same transaction), with the
 * retention cleanup and the pending gauge on the same thread; move the parking out if dead-letter
 * handling grows.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    /** The error type of the guardian report about a parked row. */
    public static final String PARKED_ERROR_TYPE = "outbox-parked";

    private final OutboxConfig config;
    private final ServiceConfig service;
    private final DataSource dataSource;
    private final String jdbcUrl;
    private final String dbUser;
    private final String dbPassword;
    private final String bootstrapServers;
    private final Counter sent;
    private final Counter failed;
    private final Counter parked;
    private final EventCodec codec;
    private final WalFlush walFlush;
    private final AtomicLong pending = new AtomicLong();
    /** Creation time (epoch millis) of the oldest unsent row at the last pass; 0: none. */
    private final AtomicLong oldestUnsentMillis = new AtomicLong();

    private volatile boolean running;
    private PostgresListener listener;
    private Producer<String, String> producer;
    private Instant lastCleanup = Instant.EPOCH;

    @Inject
    public OutboxRelay(
            OutboxConfig config,
            ServiceConfig service,
            MeterRegistry meters,
            DataSource dataSource,
            EventCodec codec,
            @ConfigProperty(name = "quarkus.datasource.jdbc.url") String jdbcUrl,
            @ConfigProperty(name = "quarkus.datasource.username") String dbUser,
            @ConfigProperty(name = "quarkus.datasource.password") String dbPassword,
            @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers) {
        this(
                config,
                service,
                meters,
                dataSource,
                codec,
                jdbcUrl,
                dbUser,
                dbPassword,
                bootstrapServers,
                new WalFlush(dataSource, service.schema()));
    }

    /** The same with {@code walFlush} (a test's, to see when the relay flushes). */
    OutboxRelay(
            OutboxConfig config,
            ServiceConfig service,
            MeterRegistry meters,
            DataSource dataSource,
            EventCodec codec,
            String jdbcUrl,
            String dbUser,
            String dbPassword,
            String bootstrapServers,
            WalFlush walFlush) {
        this.walFlush = walFlush;
        this.config = config;
        this.service = service;
        this.dataSource = dataSource;
        this.jdbcUrl = jdbcUrl;
        this.dbUser = dbUser;
        this.dbPassword = dbPassword;
        this.bootstrapServers = bootstrapServers;
        this.sent = Counter.builder("prometheus.outbox.sent")
                .description("Outbox events published to Kafka")
                .register(meters);
        this.failed = Counter.builder("prometheus.outbox.failed")
                .description("Outbox sends Kafka refused for now (retried at the next pass)")
                .register(meters);
        this.parked = Counter.builder("prometheus.outbox.parked")
                .description("Outbox events set aside for good (too large, or refused permanently)")
                .register(meters);
        this.codec = codec;
        Gauge.builder("prometheus.outbox.pending", pending, AtomicLong::get)
                .description("Outbox events not yet published, as of the relay's last pass")
                .register(meters);
        // Lag as an age, read at scrape time: it keeps growing while the relay is stuck.
        Gauge.builder(
                        "prometheus.outbox.oldest.unsent.age",
                        oldestUnsentMillis,
                        oldest ->
                                oldest.get() == 0 ? 0 : Math.max(0, System.currentTimeMillis() - oldest.get()) / 1000.0)
                .baseUnit("seconds")
                .description("Age of the oldest outbox event not yet published (0 when none waits)")
                .register(meters);
    }

    void start(@Observes StartupEvent startup) {
        if (!config.relayEnabled()) {
            LOG.info("Outbox relay disabled on this replica");
            return;
        }
        producer = new KafkaProducer<>(producerProperties());
        running = true;
        // The outbox trigger notifies at commit; the poll interval catches anything missed.
        listener = PostgresListener.start(
                jdbcUrl,
                dbUser,
                dbPassword,
                Outbox.channel(service.schema()),
                config.pollInterval(),
                "outbox-relay",
                notified -> {
                    drain();
                    cleanupIfDue();
                });
    }

    void stop(@Observes ShutdownEvent shutdown) {
        running = false;
        if (listener != null) {
            listener.close();
        }
        if (producer != null) {
            producer.close(java.time.Duration.ofSeconds(5));
        }
    }

    private Properties producerProperties() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, service.name() + "-outbox");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "1");
        long timeoutMs = config.sendTimeout().toMillis();
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(timeoutMs));
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(Math.max(1_000, timeoutMs - 1_000)));
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(timeoutMs));
        // Room for the key, headers and record overhead above the largest payload the relay sends.
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(config.maxEventBytes() + 48 * 1024));
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return props;
    }

    private void drain() throws SQLException {
        int claimed;
        do {
            claimed = relayBatch(producer);
        } while (running && claimed == config.batchSize());
    }

    /** Claims, publishes through {@code producer} and marks one batch; answers the rows claimed. */
    int relayBatch(Producer<String, String> producer) throws SQLException {
        String table = service.schema() + ".outbox";
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            List<Row> rows = new ArrayList<>();
            // The log's insert position, read while the claim reads its rows: at or after the commit
            // of every row the claim can see.
            String claimedAt = null;
            try (PreparedStatement select =
                    connection.prepareStatement("select id, topic, message_key, traceparent, payload::text, event_type,"
                            + " pg_current_wal_insert_lsn()::text from " + table
                            + " where sent_at is null and parked_at is null order by created_at, id limit ?"
                            + " for update skip locked")) {
                select.setInt(1, config.batchSize());
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        rows.add(new Row(
                                rs.getString(1),
                                rs.getString(2),
                                rs.getString(3),
                                rs.getString(4),
                                rs.getString(5),
                                rs.getString(6)));
                        if (claimedAt == null) {
                            claimedAt = rs.getString(7);
                        }
                    }
                }
            }
            if (rows.isEmpty()) {
                connection.commit();
                refreshPending(connection, table);
                return 0;
            }
            walFlush.through(claimedAt);
            // Sends are issued in claim order so Kafka keeps per-key order; acks are awaited together.
            List<CompletableFuture<Void>> acks = new ArrayList<>(rows.size());
            for (Row row : rows) {
                acks.add(send(producer, row));
            }
            List<String> done = new ArrayList<>();
            int retried = 0;
            int parkedNow = 0;
            try (PreparedStatement markFailed = connection.prepareStatement(
                    "update " + table + " set attempts = attempts + 1, last_error = ? where id = ?")) {
                for (int i = 0; i < rows.size(); i++) {
                    Outcome outcome = awaitAck(acks.get(i));
                    if (outcome == null) {
                        done.add(rows.get(i).id());
                    } else if (outcome.permanent()) {
                        park(connection, table, rows.get(i), outcome.error());
                        parkedNow++;
                    } else {
                        markFailed.setString(1, outcome.error());
                        markFailed.setString(2, rows.get(i).id());
                        markFailed.addBatch();
                        retried++;
                    }
                }
                if (retried > 0) {
                    markFailed.executeBatch();
                }
            }
            if (!done.isEmpty()) {
                try (PreparedStatement markSent = connection.prepareStatement("update " + table
                        + " set sent_at = now(), attempts = attempts + 1, last_error = null where id = any(?)")) {
                    markSent.setArray(1, connection.createArrayOf("text", done.toArray()));
                    markSent.executeUpdate();
                }
            }
            connection.commit();
            sent.increment(done.size());
            failed.increment(retried);
            parked.increment(parkedNow);
            refreshPending(connection, table);
            if (retried > 0) {
                // Kafka refused some: stop this pass so we do not spin; the poll interval retries.
                return 0;
            }
            return rows.size();
        }
    }

    private CompletableFuture<Void> send(Producer<String, String> producer, Row row) {
        CompletableFuture<Void> ack = new CompletableFuture<>();
        long bytes = row.bytes();
        if (bytes > config.maxEventBytes()) {
            ack.completeExceptionally(new RecordTooLargeException("the event is " + bytes + " bytes, above the "
                    + config.maxEventBytes() + " bytes an event may have"));
            return ack;
        }
        try {
            ProducerRecord<String, String> record = new ProducerRecord<>(row.topic(), row.key(), row.payload());
            record.headers().add("content-type", CloudEvent.STRUCTURED_CONTENT_TYPE.getBytes(StandardCharsets.UTF_8));
            if (row.traceparent() != null) {
                // The trace of the operation that wrote the row, not of this relay thread.
                record.headers().add("traceparent", row.traceparent().getBytes(StandardCharsets.UTF_8));
            }
            producer.send(record, (metadata, error) -> {
                if (error == null) {
                    ack.complete(null);
                } else {
                    ack.completeExceptionally(error);
                }
            });
        } catch (RuntimeException e) {
            ack.completeExceptionally(e);
        }
        return ack;
    }

    /** Null when Kafka acknowledged the row, else why not and whether trying again can help. */
    private Outcome awaitAck(CompletableFuture<Void> ack) {
        try {
            ack.get(config.sendTimeout().toMillis() + 5_000, TimeUnit.MILLISECONDS);
            return null;
        } catch (ExecutionException e) {
            return new Outcome(String.valueOf(e.getCause().getMessage()), neverSendable(e.getCause()));
        } catch (TimeoutException e) {
            return new Outcome("no acknowledgement from Kafka within " + config.sendTimeout(), false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome("interrupted", false);
        }
    }

    /** Failures no retry can cure: the record itself is what Kafka refuses. */
    static boolean neverSendable(Throwable error) {
        return error instanceof RecordTooLargeException
                || error instanceof RecordBatchTooLargeException
                || error instanceof SerializationException
                || error instanceof InvalidRecordException;
    }

    /** Moves {@code row} aside with its reason and reports it, in the relay's transaction. */
    private void park(Connection connection, String table, Row row, String reason) throws SQLException {
        LOG.errorf(
                "Outbox row %s (%s for %s, %d bytes) can never be sent and is parked: %s",
                row.id(), row.eventType(), row.topic(), row.bytes(), reason);
        try (PreparedStatement mark = connection.prepareStatement("update " + table
                + " set parked_at = now(), parked_reason = ?, attempts = attempts + 1, last_error = ? where id = ?")) {
            mark.setString(1, reason);
            mark.setString(2, reason);
            mark.setString(3, row.id());
            mark.executeUpdate();
        }
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("eventId", row.id());
        attributes.put("eventType", String.valueOf(row.eventType()));
        attributes.put("topic", row.topic());
        attributes.put("payloadBytes", Long.toString(row.bytes()));
        ErrorReported report = new ErrorReported(
                service.name(),
                PARKED_ERROR_TYPE,
                "outbox event " + row.id() + " (" + row.eventType() + " for " + row.topic()
                        + ") can never be sent and was parked: " + reason,
                null,
                row.traceparent() == null ? null : TraceContext.traceIdOf(row.traceparent()),
                attributes,
                Instant.now());
        CloudEvent event = codec.create(
                service.eventSource(),
                EventTypes.ERROR_REPORTED,
                "services/" + service.name(),
                report,
                row.traceparent());
        try (PreparedStatement insert = connection.prepareStatement(
                "insert into " + table
                        + " (id, topic, message_key, event_type, traceparent, payload) values (?, ?, ?, ?, ?, cast(? as jsonb))")) {
            insert.setString(1, event.id());
            insert.setString(2, Topics.ERRORS);
            insert.setString(3, event.subject());
            insert.setString(4, event.type());
            insert.setString(5, event.traceparent());
            insert.setString(6, codec.encode(event));
            insert.executeUpdate();
        }
    }

    private void refreshPending(Connection connection, String table) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("select count(*), min(created_at) from " + table
                        + " where sent_at is null and parked_at is null")) {
            rs.next();
            pending.set(rs.getLong(1));
            java.sql.Timestamp oldest = rs.getTimestamp(2);
            oldestUnsentMillis.set(oldest == null ? 0 : oldest.getTime());
        }
        connection.commit();
    }

    private void cleanupIfDue() throws SQLException {
        Instant now = Instant.now();
        if (lastCleanup.plusSeconds(3600).isAfter(now)) {
            return;
        }
        lastCleanup = now;
        try (Connection connection = dataSource.getConnection();
                PreparedStatement delete = connection.prepareStatement("delete from " + service.schema()
                        + ".outbox where sent_at < now() - make_interval(secs => ?)")) {
            delete.setLong(1, config.retention().toSeconds());
            int removed = delete.executeUpdate();
            if (removed > 0) {
                LOG.debugf("Outbox cleanup removed %d sent rows", removed);
            }
        }
    }

    private record Row(String id, String topic, String key, String traceparent, String payload, String eventType) {

        long bytes() {
            return (long) payload.getBytes(StandardCharsets.UTF_8).length + (key == null ? 0 : key.length());
        }
    }

    private record Outcome(String error, boolean permanent) {}
}
