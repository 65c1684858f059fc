package ai.prometheus.memory.memory;

import ai.prometheus.memory.context.Coordinator;
import ai.prometheus.memory.context.LineageEntry;
import ai.prometheus.memory.context.Scope;
import ai.prometheus.memory.context.Viewer;
import ai.prometheus.shared.platform.web.PageResult;
import ai.prometheus.shared.problem.ProblemException;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

/**
 * Reads the memories of a context with what it inherits: a page of them, or one. The Scribe
 * writes them and the Librarian searches them; both readings see what the Coordinator's scope lets
 * the viewer see.
 */
@ApplicationScoped
public class MemoryReader {

    private final Coordinator coordinator;
    private final MemoryRepository memories;

    public MemoryReader(Coordinator coordinator, MemoryRepository memories) {
        this.coordinator = coordinator;
        this.memories = memories;
    }

    public Uni<PageResult<MemoryView>> list(
            Viewer viewer,
            UUID contextId,
            Scope scope,
            boolean includeSuperseded,
            String kind,
            String key,
            int page,
            int size) {
        return coordinator
                .scope(viewer, contextId, scope)
                .chain(resolved -> memories.page(resolved, includeSuperseded, kind, key, page * size, size + 1))
                .map(found -> PageResult.of(found, page, size, view -> view));
    }

    /** One memory of the context or of an ancestor the caller may see, with its depth. */
    public Uni<MemoryView> get(Viewer viewer, UUID contextId, UUID memoryId) {
        return coordinator
                .scope(viewer, contextId, Scope.LINEAGE)
                .chain(resolved -> memories.views(List.of(memoryId)).map(found -> {
                    MemoryView view = found.get(memoryId);
                    LineageEntry entry = view == null
                            ? null
                            : resolved.entries().stream()
                                    .filter(candidate -> candidate.id().equals(view.contextId()))
                                    .findFirst()
                                    .orElse(null);
                    if (entry == null) {
                        throw ProblemException.notFound("memory", memoryId);
                    }
                    return view.withDepth(entry.depth());
                }));
    }
}
