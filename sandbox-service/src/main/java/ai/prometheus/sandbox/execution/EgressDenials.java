package ai.prometheus.sandbox.execution;

import ai.prometheus.sandbox.runtime.RunOutcome;
import ai.prometheus.shared.platform.error.ErrorReporter;
import ai.prometheus.shared.sandbox.EgressConnection;
import io.smallrye.mutiny.Uni;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Refused egress connections reported to the guardian as {@value #ERROR_TYPE} errors, in the
 * transaction that stores the run, so a tool probing the network shows up there as a group.
 */
public final class EgressDenials {

    public static final String ERROR_TYPE = "sandbox.egress.denied";
    /** A run probing hundreds of hosts is one story: the first few make the group, the rest are on the execution. */
    static final int MAX_REPORTS_PER_RUN = 5;

    private EgressDenials() {}

    /** Reports each refused connection of {@code outcome} (at most {@value #MAX_REPORTS_PER_RUN}) inside the caller's transaction. */
    public static Uni<Void> report(ErrorReporter errors, Execution row, RunOutcome outcome) {
        if (outcome.egress() == null) {
            return Uni.createFrom().voidItem();
        }
        List<EgressConnection> denied = outcome.egress().stream()
                .filter(connection -> !connection.allowed())
                .limit(MAX_REPORTS_PER_RUN)
                .toList();
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (EgressConnection connection : denied) {
            chain = chain.chain(() -> errors.reportInTransaction(
                    ERROR_TYPE, "egress denied: " + connection.reason(), null, attributes(row, connection)));
        }
        return chain;
    }

    private static Map<String, String> attributes(Execution row, EgressConnection connection) {
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("executionId", row.id.toString());
        if (row.invocationId != null) {
            attributes.put("invocationId", row.invocationId.toString());
        }
        if (row.toolName != null) {
            attributes.put("tool", row.toolName);
        }
        attributes.put("language", row.language);
        attributes.put("host", connection.host());
        attributes.put("port", Integer.toString(connection.port()));
        return attributes;
    }
}
