package ai.prometheus.memory.context;

/**
 * What a caller may do with a context. Levels are ordered: each one includes the ones before it.
 * Ownership and grants flow down a tree: what a caller may do with a context, it may do with
 * every context below it.
 */
public enum Access {
    /** The caller may not know the context exists: it is answered 404, like a context that does not. */
    NONE,
    READ,
    WRITE,
    /** Owner (of the context or an ancestor) or memory administrator: may also share, move and delete. */
    MANAGE;

    public boolean allows(Access needed) {
        return compareTo(needed) >= 0;
    }

    public static Access max(Access a, Access b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
