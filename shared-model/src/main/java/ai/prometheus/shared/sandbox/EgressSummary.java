package ai.prometheus.shared.sandbox;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * What a run did through the egress proxy, in brief, for an invocation record and its events: the
 * connections asked for, how many were refused, bytes each way, and the {@code host:port} pairs
 * asked for (at most {@value #MAX_HOSTS}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EgressSummary(int connections, int denied, long bytesUp, long bytesDown, List<String> hosts) {

    public static final int MAX_HOSTS = 20;

    /** The summary of {@code connections}; null for a run without a network policy (null list). */
    public static EgressSummary of(List<EgressConnection> connections) {
        if (connections == null) {
            return null;
        }
        int denied = (int)
                connections.stream().filter(connection -> !connection.allowed()).count();
        long up = connections.stream().mapToLong(EgressConnection::bytesUp).sum();
        long down = connections.stream().mapToLong(EgressConnection::bytesDown).sum();
        List<String> hosts = connections.stream()
                .map(connection -> (connection.host().contains(":") ? "[" + connection.host() + "]" : connection.host())
                        + ":" + connection.port())
                .distinct()
                .sorted()
                .limit(MAX_HOSTS)
                .toList();
        return new EgressSummary(connections.size(), denied, up, down, hosts);
    }

    /** Bytes both ways, what a run is charged against an egress budget; 0 for none. */
    public static long totalBytes(EgressSummary summary) {
        return summary == null ? 0 : summary.bytesUp() + summary.bytesDown();
    }
}
