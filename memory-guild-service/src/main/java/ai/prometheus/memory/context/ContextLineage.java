package ai.prometheus.memory.context;

import ai.prometheus.shared.problem.ProblemException;
import java.util.List;
import java.util.UUID;

/** A context with its ancestors, nearest first, each with the caller's access. */
public record ContextLineage(UUID contextId, List<LineageEntry> entries) {

    public Access access() {
        return entries.isEmpty() ? Access.NONE : entries.get(0).access();
    }

    public LineageEntry self() {
        return entries.get(0);
    }

    /** The ancestors (and the context) the caller may see; invisible ones are left out, never named. */
    public List<LineageEntry> visible() {
        return entries.stream().filter(LineageEntry::visible).toList();
    }

    /** Fails as if the context did not exist when the caller may not see it, so ids do not leak. */
    public ContextLineage require(Access needed) {
        Access access = access();
        if (access == Access.NONE) {
            throw ProblemException.notFound("context", contextId);
        }
        if (!access.allows(needed)) {
            throw ProblemException.forbidden("this operation needs " + needed.label() + " access to context "
                    + contextId + "; the caller has " + access.label());
        }
        return this;
    }
}
