package ai.prometheus.memory.context;

import java.util.UUID;

/**
 * One context on the path from a context up to its root, with what the caller may do there.
 *
 * @param depth 0 for the context itself, 1 for its parent, ...; null for a context outside the
 *     lineage that the caller reaches through a share
 */
public record LineageEntry(
        UUID id,
        UUID parentId,
        Integer depth,
        String name,
        String owner,
        long memoryVersion,
        long reloadEpoch,
        Access access) {

    public boolean visible() {
        return access != Access.NONE;
    }
}
