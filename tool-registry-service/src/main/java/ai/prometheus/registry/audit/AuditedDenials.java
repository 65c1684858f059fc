package ai.prometheus.registry.audit;

import ai.prometheus.shared.platform.security.PermissionDenials;
import ai.prometheus.shared.security.Caller;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * Audits the refusals the permission filter makes before any registry code runs: registering a
 * tool without {@code tools:write}. Refusals decided on a tool itself are audited where they are
 * decided, with the tool's name.
 */
@ApplicationScoped
public class AuditedDenials implements PermissionDenials {

    private final AuditTrail audit;

    public AuditedDenials(AuditTrail audit) {
        this.audit = audit;
    }

    @Override
    public Uni<Void> denied(Caller caller, String method, String path, List<String> needed) {
        if (!"POST".equals(method) || !"/api/v1/tools".equals(path.replaceFirst("/+$", ""))) {
            return Uni.createFrom().voidItem();
        }
        return audit.denied(
                caller,
                AuditTrail.REGISTER,
                null,
                "requires the permission " + String.join(" or ", needed),
                audit.details());
    }
}
