package ai.prometheus.registry.permission;

/** What a caller wants to do with a tool; each maps to a permission {@code tools:<action>:<tool>}. */
public enum ToolAction {
    READ("read"),
    INVOKE("invoke"),
    MANAGE("manage");

    private final String permissionAction;

    ToolAction(String permissionAction) {
        this.permissionAction = permissionAction;
    }

    public String permissionAction() {
        return permissionAction;
    }
}
