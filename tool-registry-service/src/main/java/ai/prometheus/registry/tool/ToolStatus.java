package ai.prometheus.registry.tool;

/** A tool is active (may be invoked), disabled (kept, refused with its reason) or deleted (history only). */
public enum ToolStatus {
    ACTIVE,
    DISABLED,
    DELETED
}
