package ai.prometheus.registry.secret;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

/** The data key of each tool (one per tool, keyed by the tool's id), wrapped by a master key. */
@ApplicationScoped
public class DataKeyRepository implements PanacheRepositoryBase<ToolDataKey, UUID> {

    /** Data keys wrapped by another master key than {@code currentKeyId}. */
    public Uni<List<ToolDataKey>> notWrappedBy(String currentKeyId) {
        return list("masterKeyId <> ?1", currentKeyId);
    }
}
