package ai.prometheus.memory.context;

import java.util.List;
import java.util.UUID;

/**
 * The contexts a read or search covers, for a caller allowed to read them: the lineage entries
 * (depth 0, 1, ...) first, then contexts reached through shares (depth null).
 */
public record ResolvedScope(ContextLineage lineage, Scope scope, List<LineageEntry> entries) {

    public UUID[] contextIds() {
        return entries.stream().map(LineageEntry::id).toArray(UUID[]::new);
    }

    /** Depths aligned with {@link #contextIds()}; shared contexts outside the lineage get null. */
    public Integer[] depths() {
        return entries.stream().map(LineageEntry::depth).toArray(Integer[]::new);
    }
}
