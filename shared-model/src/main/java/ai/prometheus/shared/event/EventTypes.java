package ai.prometheus.shared.event;

/** The {@code type} attribute of every event in the suite, in reverse-DNS form as CloudEvents advises. */
public final class EventTypes {

    public static final String TOOL_INVOCATION_REQUESTED = "ai.prometheus.tool.invocation.requested";
    public static final String TOOL_INVOCATION_COMPLETED = "ai.prometheus.tool.invocation.completed";
    public static final String TOOL_INVOCATION_FAILED = "ai.prometheus.tool.invocation.failed";
    /** A progress or log line an asynchronous run wrote while it ran: live, best effort, not durable. */
    public static final String TOOL_INVOCATION_PROGRESS = "ai.prometheus.tool.invocation.progress";

    public static final String ERROR_REPORTED = "ai.prometheus.error.reported";
    public static final String REMEDIATION_COMMAND = "ai.prometheus.guardian.remediation.command";
    public static final String REMEDIATION_RESULT = "ai.prometheus.guardian.remediation.result";

    private EventTypes() {}
}
