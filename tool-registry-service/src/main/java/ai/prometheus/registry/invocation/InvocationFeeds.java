package ai.prometheus.registry.invocation;

import com.fasterxml.jackson.databind.JsonNode;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.BackPressureStrategy;
import io.smallrye.mutiny.subscription.MultiEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The live progress and log events of the invocations running through this replica, for whoever
 * follows them ({@code GET /invocations/{id}/events}): a follower gets what the run already wrote,
 * then each new event as it arrives, and the stream ends when the run does. Kept in memory only,
 * and only while the run goes: the stored invocation keeps its events afterwards. A feed holds at
 * most {@code ToolEvents.MAX_EVENTS} events, as the sandbox sends no more.
 */
@ApplicationScoped
public class InvocationFeeds {

    private final Map<UUID, Feed> feeds = new ConcurrentHashMap<>();

    /** One running invocation's events, and who follows them. */
    public static final class Feed {
        private final String subject;
        private final List<JsonNode> events = new ArrayList<>();
        private final List<MultiEmitter<? super JsonNode>> followers = new ArrayList<>();
        private boolean ended;

        private Feed(String subject) {
            this.subject = subject;
        }

        /** Who started the invocation: only they (or an administrator) may follow it. */
        public String subject() {
            return subject;
        }

        synchronized void publish(JsonNode event) {
            if (ended) {
                return;
            }
            events.add(event);
            List.copyOf(followers).forEach(follower -> follower.emit(event));
        }

        synchronized void end() {
            ended = true;
            // A completed follower removes itself from the list: complete a copy.
            List<MultiEmitter<? super JsonNode>> done = List.copyOf(followers);
            followers.clear();
            done.forEach(MultiEmitter::complete);
        }

        /** The events so far, then the new ones as they come; completes when the run ends. */
        public Multi<JsonNode> follow() {
            return Multi.createFrom()
                    .emitter(
                            emitter -> {
                                synchronized (this) {
                                    events.forEach(emitter::emit);
                                    if (ended) {
                                        emitter.complete();
                                        return;
                                    }
                                    followers.add(emitter);
                                }
                                emitter.onTermination(() -> {
                                    synchronized (this) {
                                        followers.remove(emitter);
                                    }
                                });
                            },
                            BackPressureStrategy.BUFFER);
        }
    }

    /** Opens the feed of invocation {@code id}, run for {@code subject}. */
    Feed open(UUID id, String subject) {
        Feed feed = new Feed(subject);
        feeds.put(id, feed);
        return feed;
    }

    /** Ends the feed of {@code id}: its followers' streams complete (they then read the stored outcome). */
    void close(UUID id, Feed feed) {
        feeds.remove(id, feed);
        feed.end();
    }

    public Optional<Feed> find(UUID id) {
        return Optional.ofNullable(feeds.get(id));
    }
}
