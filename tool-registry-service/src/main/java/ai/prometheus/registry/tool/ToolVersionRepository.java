package ai.prometheus.registry.tool;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

/** The versions of each tool; every change of a tool's definition adds one. */
@ApplicationScoped
public class ToolVersionRepository implements PanacheRepositoryBase<ToolVersion, UUID> {

    public Uni<ToolVersion> version(UUID toolId, int version) {
        return find("toolId = ?1 and version = ?2", toolId, version).firstResult();
    }

    public Uni<List<ToolVersion>> versions(UUID toolId) {
        return find("toolId", Sort.ascending("version"), toolId).list();
    }
}
