package ai.prometheus.shared.platform.messaging;

import ai.prometheus.shared.event.Topics;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Publishes the {@link Topics} constants as configuration ({@code prometheus.topic.*}), so channel
 * configuration refers to them ({@code mp.messaging.incoming.errors.topic=${prometheus.topic.errors}})
 * and topic names stay written once, in Java.
 */
public class TopicsConfigSource implements ConfigSource {

    private static final Map<String, String> TOPICS = Map.of(
            "prometheus.topic.tool-invocation-requests", Topics.TOOL_INVOCATION_REQUESTS,
            "prometheus.topic.tool-invocation-results", Topics.TOOL_INVOCATION_RESULTS,
            "prometheus.topic.tool-invocation-progress", Topics.TOOL_INVOCATION_PROGRESS,
            "prometheus.topic.errors", Topics.ERRORS,
            "prometheus.topic.guardian-commands", Topics.GUARDIAN_COMMANDS,
            "prometheus.topic.guardian-command-results", Topics.GUARDIAN_COMMAND_RESULTS,
            "prometheus.topic.dead-letter-pattern", Topics.DEAD_LETTER_PATTERN);

    @Override
    public Map<String, String> getProperties() {
        return TOPICS;
    }

    @Override
    public Set<String> getPropertyNames() {
        return TOPICS.keySet();
    }

    @Override
    public String getValue(String propertyName) {
        return TOPICS.get(propertyName);
    }

    @Override
    public String getName() {
        return "prometheus-topics";
    }

    @Override
    public int getOrdinal() {
        return 50;
    }
}
