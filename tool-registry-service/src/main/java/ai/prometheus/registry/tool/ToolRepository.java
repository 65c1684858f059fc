package ai.prometheus.registry.tool;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

/** Tools by name, and (through {@link ToolVersionRepository}) their versions. */
@ApplicationScoped
public class ToolRepository implements PanacheRepositoryBase<Tool, UUID> {

    private final ToolVersionRepository versions;

    public ToolRepository(ToolVersionRepository versions) {
        this.versions = versions;
    }

    /** The tool that currently holds {@code name} (active or disabled), if any. */
    public Uni<Tool> findLive(String name) {
        return find("name = ?1 and status <> ?2", name, ToolStatus.DELETED).firstResult();
    }

    /** The most recently deleted tool of that name, to tell "deleted" from "never existed". */
    public Uni<Tool> findDeleted(String name) {
        return find("name = ?1 and status = ?2", Sort.descending("deletedAt"), name, ToolStatus.DELETED)
                .firstResult();
    }

    public Uni<ToolVersion> version(UUID toolId, int version) {
        return versions.version(toolId, version);
    }

    public Uni<List<ToolVersion>> versions(UUID toolId) {
        return versions.versions(toolId);
    }
}
