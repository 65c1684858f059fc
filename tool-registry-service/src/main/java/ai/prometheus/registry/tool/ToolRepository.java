package ai.prometheus.registry.tool;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

@ApplicationScoped
public class ToolRepository implements PanacheRepositoryBase<Tool, UUID> {

    /** The tool that currently holds {@code name} (active or disabled), if any. */
    public Uni<Tool> findLive(String name) {
        return find("name = ?1 and status <> ?2", name, ToolStatus.DELETED).firstResult();
    }

    /** The most recently deleted tool of that name, to tell "deleted" from "never existed". */
    public Uni<Tool> findDeleted(String name) {
        return find("name = ?1 and status = ?2", Sort.descending("deletedAt"), name, ToolStatus.DELETED).firstResult();
    }

    public Uni<ToolVersion> version(UUID toolId, int version) {
        return ToolVersion.find("toolId = ?1 and version = ?2", toolId, version).firstResult();
    }

    public Uni<List<ToolVersion>> versions(UUID toolId) {
        return ToolVersion.find("toolId", Sort.ascending("version"), toolId).list();
    }
}
