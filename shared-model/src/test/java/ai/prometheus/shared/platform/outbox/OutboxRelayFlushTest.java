package ai.prometheus.shared.platform.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.prometheus.shared.platform.config.ServiceConfig;
import ai.prometheus.shared.platform.messaging.EventCodec;
import ai.prometheus.shared.testing.Engines;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A row committed without waiting for the log flush is published only once the relay has made the
 * log durable past it: the flush comes before the send, through a position at or after the row's
 * commit. Against the test database, in a schema of its own with the shared outbox migrations.
 */
class OutboxRelayFlushTest {

    private final String schema =
            "outbox_flush_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    private final List<String> steps = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void createOutbox() throws Exception {
        try (Connection db = Engines.jdbc();
                Statement statement = db.createStatement()) {
            statement.execute("create schema " + schema);
            statement.execute("set search_path to " + schema);
            for (String migration : List.of(
                    "V0_1__outbox_and_processed_events.sql", "V0_2__outbox_parking.sql", "V0_3__outbox_flush.sql")) {
                statement.execute(resource("/db/prometheus-shared/" + migration));
            }
        }
    }

    @AfterEach
    void dropOutbox() throws Exception {
        try (Connection db = Engines.jdbc();
                Statement statement = db.createStatement()) {
            statement.execute("drop schema " + schema + " cascade");
        }
    }

    @Test
    void anUnflushedRowIsMadeDurableBeforeItsEventIsSent() throws Exception {
        String committedThrough;
        try (Connection db = Engines.jdbc();
                Statement statement = db.createStatement()) {
            statement.execute("set synchronous_commit = off");
            statement.execute("insert into " + schema + ".outbox (id, topic, message_key, event_type, payload)"
                    + " values ('e1', 'test.topic', 'k1', 'test.type', '{}')");
            committedThrough = value(db, "select pg_current_wal_insert_lsn()::text");
        }
        DataSource dataSource = new DataSource(null);
        WalFlush recording = new WalFlush(dataSource, schema) {
            @Override
            void through(String lsn) throws SQLException {
                super.through(lsn);
                try (Connection db = Engines.jdbc()) {
                    assertTrue(atLeast(db, lsn, committedThrough), "flushed through the claim's position");
                    assertTrue(
                            atLeast(db, value(db, "select pg_current_wal_flush_lsn()::text"), committedThrough),
                            "the row's commit is on disk");
                }
                steps.add("flushed");
            }
        };
        OutboxRelay relay = new OutboxRelay(
                config(),
                service(),
                new SimpleMeterRegistry(),
                dataSource,
                new EventCodec(),
                "unused",
                "unused",
                "unused",
                "unused",
                recording);

        assertEquals(1, relay.relayBatch(new RecordingProducer()));

        assertEquals(List.of("flushed", "sent k1"), steps);
        try (Connection db = Engines.jdbc()) {
            assertEquals("1", value(db, "select count(*) from " + schema + ".outbox where sent_at is not null"));
        }
        // Nothing left: no flush and no send.
        assertEquals(0, relay.relayBatch(new RecordingProducer()));
        assertEquals(List.of("flushed", "sent k1"), steps);
    }

    /**
     * Where the role may not execute {@code pg_logical_emit_message} (revoked on some managed
     * PostgreSQL), events still flow and each still leaves only once the log is durable past its
     * row: the relay flushes through its {@code outbox_flush} row instead. The refusal is
     * PostgreSQL's own: the test's role cannot revoke a catalog function, so its connections find a
     * function of that name in the test's schema first, with EXECUTE revoked from the role.
     */
    @Test
    void withoutExecuteOnLogicalMessagesTheRelayStillFlushesBeforeItSends() throws Exception {
        String committedThrough;
        try (Connection db = Engines.jdbc();
                Statement statement = db.createStatement()) {
            assertEquals("off", value(db, "show is_superuser"), "a superuser is never refused EXECUTE");
            String function = schema + ".pg_logical_emit_message(boolean, text, text)";
            statement.execute("create function " + function + " returns pg_lsn language sql as 'select null::pg_lsn'");
            statement.execute("revoke execute on function " + function + " from public, current_user");
            statement.execute("set synchronous_commit = off");
            statement.execute("insert into " + schema + ".outbox (id, topic, message_key, event_type, payload)"
                    + " values ('e1', 'test.topic', 'k1', 'test.type', '{}')");
            committedThrough = value(db, "select pg_current_wal_insert_lsn()::text");
        }
        DataSource refused = new DataSource(schema + ", pg_catalog");
        WalFlush recording = new WalFlush(refused, schema) {
            @Override
            void through(String lsn) throws SQLException {
                super.through(lsn);
                try (Connection db = Engines.jdbc()) {
                    assertTrue(
                            atLeast(db, value(db, "select pg_current_wal_flush_lsn()::text"), committedThrough),
                            "the row's commit is on disk");
                }
                steps.add("flushed");
            }
        };
        OutboxRelay relay = new OutboxRelay(
                config(),
                service(),
                new SimpleMeterRegistry(),
                refused,
                new EventCodec(),
                "unused",
                "unused",
                "unused",
                "unused",
                recording);

        assertEquals(1, relay.relayBatch(new RecordingProducer()));

        assertEquals(List.of("flushed", "sent k1"), steps);
        assertFalse(recording.logicalMessages(), "the refusal was noticed");
        try (Connection db = Engines.jdbc()) {
            assertEquals("1", value(db, "select count(*) from " + schema + ".outbox where sent_at is not null"));
        }

        // The row's update is the flush: when the log is behind the position asked for, it is written
        // and its commit waits for the log, so everything written before it is on disk as well.
        String before;
        try (Connection db = Engines.jdbc()) {
            before = value(db, "select pg_current_wal_insert_lsn()::text");
        }
        recording.through("FFFFFFFF/FFFFFFFF");
        try (Connection db = Engines.jdbc()) {
            assertEquals("1", value(db, "select count(*) from " + schema + ".outbox_flush"));
            assertTrue(atLeast(db, value(db, "select pg_current_wal_flush_lsn()::text"), before));
        }
    }

    /** Records each send in {@link #steps} and acknowledges it at once. */
    private final class RecordingProducer extends MockProducer<String, String> {

        @Override
        public synchronized Future<RecordMetadata> send(ProducerRecord<String, String> record, Callback callback) {
            steps.add("sent " + record.key());
            callback.onCompletion(null, null);
            return CompletableFuture.completedFuture(null);
        }
    }

    /** The test database's connections, as the relay takes them from its pool; with {@code searchPath} if given. */
    private static final class DataSource extends PGSimpleDataSource {

        private final String searchPath;

        DataSource(String searchPath) {
            this.searchPath = searchPath;
        }

        @Override
        public Connection getConnection() throws SQLException {
            Connection connection = Engines.jdbc();
            if (searchPath != null) {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("set search_path to " + searchPath);
                }
            }
            return connection;
        }
    }

    private static boolean atLeast(Connection db, String lsn, String than) throws SQLException {
        try (PreparedStatement query = db.prepareStatement("select cast(? as pg_lsn) >= cast(? as pg_lsn)")) {
            query.setString(1, lsn);
            query.setString(2, than);
            try (ResultSet rs = query.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    private static String value(Connection db, String sql) throws SQLException {
        try (Statement statement = db.createStatement();
                ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static String resource(String path) throws Exception {
        try (InputStream in = OutboxRelayFlushTest.class.getResourceAsStream(path)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private ServiceConfig service() {
        return new ServiceConfig() {
            @Override
            public String name() {
                return "outbox-flush-test";
            }

            @Override
            public String schema() {
                return schema;
            }
        };
    }

    private static OutboxConfig config() {
        return new OutboxConfig() {
            @Override
            public boolean relayEnabled() {
                return true;
            }

            @Override
            public Duration pollInterval() {
                return Duration.ofSeconds(2);
            }

            @Override
            public int batchSize() {
                return 200;
            }

            @Override
            public Duration retention() {
                return Duration.ofDays(3);
            }

            @Override
            public int maxEventBytes() {
                return 1_000_000;
            }

            @Override
            public Duration sendTimeout() {
                return Duration.ofSeconds(15);
            }
        };
    }
}
