package ai.prometheus.registry.secret;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/** Tool secrets (their data keys: {@link DataKeyRepository}). */
@ApplicationScoped
public class SecretRepository implements PanacheRepositoryBase<ToolSecret, UUID> {

    public Uni<ToolSecret> find(UUID toolId, String name) {
        return find("toolId = ?1 and name = ?2", toolId, name).firstResult();
    }

    public Uni<List<ToolSecret>> ofTool(UUID toolId) {
        return find("toolId", Sort.ascending("name"), toolId).list();
    }

    public Uni<List<ToolSecret>> named(UUID toolId, Collection<String> names) {
        return find("toolId = ?1 and name in ?2", toolId, names).list();
    }

    public Uni<Long> countOf(UUID toolId) {
        return count("toolId", toolId);
    }
}
