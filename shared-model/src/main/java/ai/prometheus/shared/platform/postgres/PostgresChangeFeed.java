package ai.prometheus.shared.platform.postgres;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import java.time.Duration;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * A hot stream of the payloads a PostgreSQL channel is notified with, one item per payload and
 * committed transaction. A trigger notifies at commit, so every replica hears every change,
 * whichever replica (or writer) made it. A service's bean creates one per channel, starts it at
 * start-up and closes it at shutdown; subscribers may subscribe before it starts.
 */
public final class PostgresChangeFeed {

    private static final Duration POLL_INTERVAL = Duration.ofSeconds(30);

    private final BroadcastProcessor<String> payloads = BroadcastProcessor.create();
    private final String channel;
    private final String threadName;
    private PostgresListener listener;

    public PostgresChangeFeed(String channel, String threadName) {
        this.channel = channel;
        this.threadName = threadName;
    }

    /** Listens on the service's own database (the JDBC datasource settings). */
    public synchronized void start() {
        Config config = ConfigProvider.getConfig();
        listener = PostgresListener.startWithPayloads(
                config.getValue("quarkus.datasource.jdbc.url", String.class),
                config.getValue("quarkus.datasource.username", String.class),
                config.getValue("quarkus.datasource.password", String.class),
                channel,
                POLL_INTERVAL,
                threadName,
                (notified, received) -> received.forEach(payloads::onNext));
    }

    public synchronized void close() {
        if (listener != null) {
            listener.close();
        }
        payloads.onComplete();
    }

    public Multi<String> stream() {
        return payloads;
    }
}
