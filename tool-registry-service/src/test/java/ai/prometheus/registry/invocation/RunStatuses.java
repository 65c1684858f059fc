package ai.prometheus.registry.invocation;

import ai.prometheus.shared.testing.Engines;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.UUID;

/** What each service stored of a synchronous invocation's run, read straight from its schema. */
public final class RunStatuses {

    private RunStatuses() {}

    /** The sandbox's execution row for the invocation (its Idempotency-Key), or null while there is none. */
    public static String sandboxStatus(UUID invocation) throws Exception {
        return single("select status from sandbox.executions where idempotency_key = ?", invocation.toString());
    }

    /** The registry's invocation row, or null while there is none. */
    public static String invocationStatus(UUID invocation) throws Exception {
        return single("select status from tool_registry.invocations where id = ?::uuid", invocation.toString());
    }

    private static String single(String sql, String parameter) throws Exception {
        try (Connection db = Engines.jdbc();
                PreparedStatement query = db.prepareStatement(sql)) {
            query.setString(1, parameter);
            try (ResultSet rs = query.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }
}
