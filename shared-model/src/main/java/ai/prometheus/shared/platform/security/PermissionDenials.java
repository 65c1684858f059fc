package ai.prometheus.shared.platform.security;

import ai.prometheus.shared.security.Caller;
import io.smallrye.mutiny.Uni;
import java.util.List;

/**
 * Told of every request the {@link PermissionFilter} refuses with 403, before the answer goes
 * out, so a service that audits refusals records these too. Optional: a service without such a
 * bean just answers. A failure to record is logged and does not change the answer.
 */
public interface PermissionDenials {

    /**
     * @param method the HTTP method
     * @param path the request path, e.g. {@code /api/v1/tools}
     * @param needed the permissions any one of which would have been enough
     */
    Uni<Void> denied(Caller caller, String method, String path, List<String> needed);
}
