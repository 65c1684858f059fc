package ai.prometheus.shared.security;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A permission string {@code resource:action[:target]}, for example {@code tools:read},
 * {@code tools:invoke:weather-*} or {@code memory:read:ctx-123}; or the single word {@code admin},
 * which grants everything.
 *
 * <p>Resource and action are lower-case words; only the target may hold {@code *} wildcards. A
 * missing target (or a target of just {@code *}) means every target.
 */
public record Permission(String resource, String action, String target) {

    /** The grant that implies every other permission. */
    public static final Permission ADMIN = new Permission("admin", "", null);

    static final int MAX_LENGTH = 256;
    private static final Pattern WORD = Pattern.compile("[a-z][a-z0-9_-]{0,63}");
    private static final Pattern TARGET = Pattern.compile("[A-Za-z0-9._@/*:-]{1,190}");

    public Permission {
        if (target != null && (target.isEmpty() || target.equals("*"))) {
            target = null;
        }
    }

    /** Parses a permission string, failing with a message that says what is wrong with it. */
    public static Permission parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("permission must not be empty");
        }
        if (text.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("permission is longer than " + MAX_LENGTH + " characters");
        }
        if (text.equals("admin")) {
            return ADMIN;
        }
        String[] parts = text.split(":", 3);
        if (parts.length < 2) {
            throw new IllegalArgumentException("permission '" + text + "' is not of the form resource:action[:target]");
        }
        requireWord(parts[0], "resource", text);
        requireWord(parts[1], "action", text);
        String target = parts.length == 3 ? parts[2] : null;
        if (target != null && !TARGET.matcher(target).matches()) {
            throw new IllegalArgumentException("permission '" + text + "' has an invalid target");
        }
        return new Permission(parts[0], parts[1], target);
    }

    /** Parses a permission string, or answers empty when it is malformed. */
    public static Optional<Permission> tryParse(String text) {
        try {
            return Optional.of(parse(text));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static void requireWord(String part, String name, String text) {
        if (part.contains("*")) {
            throw new IllegalArgumentException("permission '" + text + "' has a wildcard in its " + name
                    + "; wildcards are allowed in the target only");
        }
        if (!WORD.matcher(part).matches()) {
            throw new IllegalArgumentException("permission '" + text + "' has an invalid " + name);
        }
    }

    public boolean isAdmin() {
        return this == ADMIN || (resource.equals("admin") && action.isEmpty());
    }

    public boolean hasTarget() {
        return target != null;
    }

    /** The same permission narrowed to one target, e.g. {@code tools:invoke} for tool {@code weather}. */
    public Permission withTarget(String newTarget) {
        return new Permission(resource, action, newTarget);
    }

    @Override
    public String toString() {
        if (isAdmin()) {
            return "admin";
        }
        return target == null ? resource + ":" + action : resource + ":" + action + ":" + target;
    }
}
