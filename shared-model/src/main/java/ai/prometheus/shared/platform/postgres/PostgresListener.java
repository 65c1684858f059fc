package ai.prometheus.shared.platform.postgres;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * A thread that {@code LISTEN}s on a Postgres channel and calls back when a notification arrives
 * (notifications are delivered at commit, so the callback sees committed data) and, if asked,
 * every poll interval anyway. It holds one dedicated connection, reconnects with backoff when
 * the database goes away, and stops when closed.
 */
public final class PostgresListener implements AutoCloseable {

    /** What to do on a wake-up; {@code notified} is false when the poll interval simply elapsed. */
    @FunctionalInterface
    public interface WakeUp {
        void run(boolean notified) throws Exception;
    }

    /**
     * Like {@link WakeUp}, with the payloads of the notifications received since the last wake-up
     * (identical payloads of one transaction arrive once, as PostgreSQL folds them).
     */
    @FunctionalInterface
    public interface PayloadWakeUp {
        void run(boolean notified, List<String> payloads) throws Exception;
    }

    private static final Logger LOG = Logger.getLogger(PostgresListener.class);
    private static final Pattern CHANNEL = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final long MAX_BACKOFF_MS = 30_000;

    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final String channel;
    private final Duration pollInterval;
    private final PayloadWakeUp wakeUp;
    private final Thread thread;
    private volatile boolean running = true;
    /** The connection being listened on, so {@link #close} can end a wait for notifications at once. */
    private volatile Connection current;

    private PostgresListener(
            String jdbcUrl,
            String user,
            String password,
            String channel,
            Duration pollInterval,
            PayloadWakeUp wakeUp,
            String threadName) {
        if (!CHANNEL.matcher(channel).matches()) {
            throw new IllegalArgumentException("not a plain channel name: " + channel);
        }
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
        this.channel = channel;
        this.pollInterval = pollInterval;
        this.wakeUp = wakeUp;
        this.thread = new Thread(this::run, threadName);
        this.thread.setDaemon(true);
    }

    /** Starts listening; {@code wakeUp} runs once at start, on each notification and after each idle poll interval. */
    public static PostgresListener start(
            String jdbcUrl,
            String user,
            String password,
            String channel,
            Duration pollInterval,
            String threadName,
            WakeUp wakeUp) {
        return startWithPayloads(
                jdbcUrl,
                user,
                password,
                channel,
                pollInterval,
                threadName,
                (notified, payloads) -> wakeUp.run(notified));
    }

    /** {@link #start}, handing each wake-up the notifications' payloads. */
    public static PostgresListener startWithPayloads(
            String jdbcUrl,
            String user,
            String password,
            String channel,
            Duration pollInterval,
            String threadName,
            PayloadWakeUp wakeUp) {
        PostgresListener listener =
                new PostgresListener(jdbcUrl, user, password, channel, pollInterval, wakeUp, threadName);
        listener.thread.start();
        return listener;
    }

    private void run() {
        long backoffMs = 500;
        while (running) {
            try (Connection connection = DriverManager.getConnection(jdbcUrl, user, password)) {
                current = connection;
                if (!running) {
                    return;
                }
                try (Statement statement = connection.createStatement()) {
                    statement.execute("LISTEN " + channel);
                }
                PGConnection notifications = connection.unwrap(PGConnection.class);
                backoffMs = 500;
                boolean notified = false;
                List<String> payloads = List.of();
                while (running) {
                    wakeUp.run(notified, payloads);
                    PGNotification[] received = notifications.getNotifications((int) pollInterval.toMillis());
                    notified = received != null && received.length > 0;
                    payloads = notified
                            ? Arrays.stream(received)
                                    .map(PGNotification::getParameter)
                                    .toList()
                            : List.of();
                }
            } catch (Exception e) {
                if (!running) {
                    return;
                }
                LOG.warnf("Listener on %s paused for %d ms: %s", channel, backoffMs, e.getMessage());
                sleep(backoffMs);
                backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
            }
        }
    }

    @Override
    public void close() {
        running = false;
        // The driver's wait for notifications ignores interrupts; aborting the connection ends it,
        // so a shutdown does not wait out the poll interval. A wake-up in progress still finishes.
        Connection connection = current;
        if (connection != null) {
            try {
                connection.abort(Runnable::run);
            } catch (SQLException | RuntimeException e) {
                LOG.debugf("aborting the listener connection on %s: %s", channel, e.getMessage());
            }
        }
        thread.interrupt();
        try {
            thread.join(pollInterval.toMillis() + 2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
