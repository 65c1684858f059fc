package ai.prometheus.shared.platform.web;

import ai.prometheus.shared.problem.Problem;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/**
 * The suite's one rule for text PostgreSQL cannot store. A {@code text} or {@code jsonb} value
 * cannot hold the NUL character, and a lone UTF-16 surrogate has no UTF-8 encoding (the driver
 * would silently store {@code ?}, jsonb refuses it). Input holding either is refused with a 400
 * naming the field ({@link StorableParameters}, {@link StrictJson}, {@code EventCodec.decode});
 * text the suite writes about such input itself, such as an error report, is {@link #sanitize}d.
 */
public final class StorableText {

    private StorableText() {}

    /** Why {@code text} cannot be stored, or null when it can. */
    public static String problem(CharSequence text) {
        if (text == null) {
            return null;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\0') {
                return "must not contain the NUL character (\\u0000)";
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                    continue;
                }
                return "must not contain a lone UTF-16 surrogate";
            }
            if (Character.isLowSurrogate(c)) {
                return "must not contain a lone UTF-16 surrogate";
            }
        }
        return null;
    }

    /** Why a JSON number cannot be stored (beyond what a double holds, which jsonb cannot either), or null. */
    public static String numberProblem(double value) {
        return Double.isFinite(value) ? null : "is a number out of range (at most about 1.8e308 in magnitude)";
    }

    /**
     * The first field name, string or number in {@code node} that cannot be stored, named from
     * {@code path} in the suite's field notation ({@code params.arguments.city}), or null. For JSON
     * read without {@link StrictJson}'s checking parser, such as JSON-RPC messages.
     */
    public static Problem.FieldError firstRefusal(JsonNode node, String path) {
        if (node == null) {
            return null;
        }
        if (node.isTextual()) {
            String reason = problem(node.textValue());
            return reason == null ? null : new Problem.FieldError(path, reason);
        }
        if (node.isFloatingPointNumber()) {
            String reason = numberProblem(node.doubleValue());
            return reason == null ? null : new Problem.FieldError(path, reason);
        }
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                Problem.FieldError refused = firstRefusal(node.get(i), path + "[" + i + "]");
                if (refused != null) {
                    return refused;
                }
            }
        } else if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                String name = path + "." + sanitize(field.getKey());
                String reason = problem(field.getKey());
                if (reason != null) {
                    return new Problem.FieldError(name, reason);
                }
                Problem.FieldError refused = firstRefusal(field.getValue(), name);
                if (refused != null) {
                    return refused;
                }
            }
        }
        return null;
    }

    public static boolean storable(CharSequence text) {
        return problem(text) == null;
    }

    /** {@code text} with every NUL and lone surrogate replaced by U+FFFD, for text the suite writes itself. */
    public static String sanitize(String text) {
        if (text == null || storable(text)) {
            return text;
        }
        StringBuilder clean = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                clean.append(c).append(text.charAt(++i));
            } else if (c == '\0' || Character.isSurrogate(c)) {
                clean.append('\uFFFD');
            } else {
                clean.append(c);
            }
        }
        return clean.toString();
    }
}
