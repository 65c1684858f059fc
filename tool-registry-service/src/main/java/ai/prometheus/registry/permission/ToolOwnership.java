package ai.prometheus.registry.permission;

/**
 * What {@link ToolAccess} needs to know about one tool: its name, its owner and its ACL. A record
 * rather than the entity, so the access rules do not depend on the {@code tool} package that
 * uses them.
 */
public record ToolOwnership(String name, String owner, ToolAcl acl) {

    public ToolOwnership {
        acl = acl == null ? ToolAcl.DEFAULT : acl;
    }
}
