package ai.prometheus.shared.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.PostgreSQLContainer;
import org.testcontainers.kafka.KafkaContainer;

/**
 * Gives {@code @QuarkusTest}s a real PostgreSQL and a real Kafka broker.
 *
 * <p>The engines that {@code bin/prometheus test} starts (Postgres on {@code DB_HOST:DB_PORT},
 * Kafka on {@code KAFKA_BOOTSTRAP_SERVERS}, loopback defaults) are used when they answer. Where
 * they do not and a Docker engine exists, Testcontainers starts both instead. Where neither is
 * available the tests fail with instructions; they are never skipped.
 */
public class Engines implements QuarkusTestResourceLifecycleManager {

    /** The test database: {@code prometheus_test}, or {@code DB_NAME} to keep parallel checkouts apart. */
    public static final String TEST_DATABASE = env("DB_NAME", "prometheus_test");

    /**
     * This test JVM's run: its test database and its start time, the same in every class loader of
     * the JVM. Published to the services under test as {@value #RUN_PROPERTY}; their test profiles
     * name their Kafka consumer groups after it, so two checkouts testing at once on one broker (or a
     * running suite) never take each other's records, and a later run never inherits an earlier
     * run's backlog.
     */
    public static final String RUN = TEST_DATABASE + "-"
            + Long.toString(ManagementFactory.getRuntimeMXBean().getStartTime(), 36);

    public static final String RUN_PROPERTY = "prometheus.test.run";

    private static PostgreSQLContainer<?> postgres;
    private static KafkaContainer kafka;

    @Override
    public synchronized Map<String, String> start() {
        String dbHost = env("DB_HOST", "127.0.0.1");
        int dbPort = Integer.parseInt(env("DB_PORT", "5432"));
        String bootstrap = env("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092");
        boolean localPostgres = reachable(dbHost, dbPort);
        boolean localKafka = reachable(bootstrap.split(",")[0]);
        if (localPostgres && localKafka) {
            ensureTestDatabase(dbHost, dbPort);
            return Map.of(RUN_PROPERTY, RUN);
        }
        if (!dockerAvailable()) {
            throw new IllegalStateException("The tests need a real PostgreSQL (" + dbHost + ":" + dbPort
                    + (localPostgres ? " is up" : " does not answer") + ") and Kafka (" + bootstrap
                    + (localKafka ? " is up" : " does not answer")
                    + ") and there is no Docker engine for Testcontainers. Run the tests with `bin/prometheus test`,"
                    + " which starts both.");
        }
        Map<String, String> config = new HashMap<>();
        config.put(RUN_PROPERTY, RUN);
        if (!localPostgres) {
            if (postgres == null) {
                postgres = new PostgreSQLContainer<>("postgres:17-alpine")
                        .withDatabaseName(TEST_DATABASE)
                        .withUsername("prometheus")
                        .withPassword("prometheus");
                postgres.start();
            }
            String hostPort = postgres.getHost() + ":" + postgres.getMappedPort(5432);
            config.put("quarkus.datasource.jdbc.url", "jdbc:postgresql://" + hostPort + "/" + TEST_DATABASE);
            config.put("quarkus.datasource.reactive.url", "postgresql://" + hostPort + "/" + TEST_DATABASE);
        } else {
            ensureTestDatabase(dbHost, dbPort);
        }
        if (!localKafka) {
            if (kafka == null) {
                kafka = new KafkaContainer("apache/kafka:4.1.0");
                kafka.start();
            }
            config.put("kafka.bootstrap.servers", kafka.getBootstrapServers());
        }
        return config;
    }

    @Override
    public void stop() {
        // Containers live for the whole test JVM and are reaped by Testcontainers when it exits.
    }

    /** The Kafka bootstrap servers the tests of this JVM use. */
    public static String bootstrapServers() {
        return kafka != null ? kafka.getBootstrapServers() : env("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092");
    }

    /** Host of the test PostgreSQL, as a process started by a test would reach it. */
    public static String dbHost() {
        return postgres != null ? postgres.getHost() : env("DB_HOST", "127.0.0.1");
    }

    public static int dbPort() {
        return postgres != null ? postgres.getMappedPort(5432) : Integer.parseInt(env("DB_PORT", "5432"));
    }

    /** A JDBC connection to the test database, for assertions on what a service wrote. */
    public static Connection jdbc() throws SQLException {
        if (postgres != null) {
            return DriverManager.getConnection(postgres.getJdbcUrl(), "prometheus", "prometheus");
        }
        return DriverManager.getConnection(
                "jdbc:postgresql://" + env("DB_HOST", "127.0.0.1") + ":" + env("DB_PORT", "5432") + "/" + TEST_DATABASE,
                env("DB_USER", "prometheus"),
                env("DB_PASSWORD", "prometheus"));
    }

    private static void ensureTestDatabase(String host, int port) {
        String url = "jdbc:postgresql://" + host + ":" + port + "/postgres";
        try (Connection connection = DriverManager.getConnection(
                        url, env("DB_USER", "prometheus"), env("DB_PASSWORD", "prometheus"));
                Statement statement = connection.createStatement()) {
            try (ResultSet rs =
                    statement.executeQuery("select 1 from pg_database where datname = '" + TEST_DATABASE + "'")) {
                if (rs.next()) {
                    return;
                }
            }
            statement.execute("create database " + TEST_DATABASE);
        } catch (SQLException e) {
            if (!"42P04".equals(e.getSQLState())) { // created meanwhile by another test JVM
                throw new IllegalStateException(
                        "cannot prepare the test database " + TEST_DATABASE + " on " + host + ":" + port
                                + " (the role needs CREATEDB; `bin/prometheus test` sets it up): " + e.getMessage(),
                        e);
            }
        }
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    private static boolean reachable(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        return reachable(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    }

    private static boolean reachable(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 1_000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
