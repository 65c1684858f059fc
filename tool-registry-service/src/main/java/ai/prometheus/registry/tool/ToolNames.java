package ai.prometheus.registry.tool;

import java.util.regex.Pattern;

/**
 * Tool names are what agents call tools by, so they must be valid function names for model
 * APIs and MCP: 1 to 64 characters of letters, digits, underscore and dash, starting with a
 * letter (the OpenAI function-name rule, which MCP clients also accept).
 */
public final class ToolNames {

    public static final int MAX_LENGTH = 64;
    private static final Pattern VALID = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,63}");
    /** The registry's built-in MCP tool: a registered tool of that name would be shadowed on /mcp. */
    public static final String BUILT_IN_SEARCH = "search_tools";

    private ToolNames() {}

    /** Null when {@code name} is valid, else why not. */
    public static String problemWith(String name) {
        if (name == null || name.isEmpty()) {
            return "is required";
        }
        if (name.length() > MAX_LENGTH) {
            return "must be at most " + MAX_LENGTH + " characters";
        }
        if (!VALID.matcher(name).matches()) {
            return "must start with a letter and contain only letters, digits, '_' and '-'";
        }
        if (BUILT_IN_SEARCH.equals(name)) {
            return "is reserved for the registry's built-in MCP tool";
        }
        return null;
    }
}
