package ai.prometheus.memory.context;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

@ApplicationScoped
public class ShareRepository implements PanacheRepositoryBase<Share, UUID> {

    public Uni<List<Share>> ofContext(UUID contextId) {
        return list("contextId = ?1 order by createdAt, id", contextId);
    }

    public Uni<Share> find(UUID contextId, String granteeType, String grantee) {
        return find("contextId = ?1 and granteeType = ?2 and grantee = ?3", contextId, granteeType, grantee)
                .firstResult();
    }
}
