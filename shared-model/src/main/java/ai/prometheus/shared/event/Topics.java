package ai.prometheus.shared.event;

/**
 * Kafka topic names, written once. Requests and results travel on separate topics so the sandbox
 * consumer group can treat requests as a work queue while results fan out to every interested
 * service.
 */
public final class Topics {

    /** {@link EventTypes#TOOL_INVOCATION_REQUESTED}: the asynchronous invocation work queue (key: invocation id). */
    public static final String TOOL_INVOCATION_REQUESTS = "prometheus.tool-invocation.requests";
    /** {@link EventTypes#TOOL_INVOCATION_COMPLETED} and {@link EventTypes#TOOL_INVOCATION_FAILED} (key: invocation id). */
    public static final String TOOL_INVOCATION_RESULTS = "prometheus.tool-invocation.results";
    /**
     * {@link EventTypes#TOOL_INVOCATION_PROGRESS} (key: invocation id, so one run's events keep their
     * order): sent straight from the run, not through an outbox, as a lost progress line costs little.
     */
    public static final String TOOL_INVOCATION_PROGRESS = "prometheus.tool-invocation.progress";
    /** {@link EventTypes#ERROR_REPORTED} from every service (key: service name). */
    public static final String ERRORS = "prometheus.errors";
    /** {@link EventTypes#REMEDIATION_COMMAND} from the guardian to the service that acts (key: target). */
    public static final String GUARDIAN_COMMANDS = "prometheus.guardian.commands";
    /** {@link EventTypes#REMEDIATION_RESULT} from the service that acted back to the guardian (key: action id). */
    public static final String GUARDIAN_COMMAND_RESULTS = "prometheus.guardian.command-results";

    /** Suffix of every dead-letter topic: {@code <topic>.<consumer group>.dlq}. */
    public static final String DEAD_LETTER_SUFFIX = ".dlq";
    /** A pattern matching every dead-letter topic of the suite. */
    public static final String DEAD_LETTER_PATTERN = "prometheus\\..*\\.dlq";

    private Topics() {}

    public static String deadLetter(String topic, String consumerGroup) {
        return topic + "." + consumerGroup + DEAD_LETTER_SUFFIX;
    }
}
