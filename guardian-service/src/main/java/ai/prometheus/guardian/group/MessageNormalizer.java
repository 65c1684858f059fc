package ai.prometheus.guardian.group;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Replaces the variable parts of an error message (ids, numbers, addresses, quoted values) with
 * placeholders, so "user 42 not found" and "user 7 not found" read the same. Order matters: the
 * specific shapes (URLs, UUIDs, timestamps) go before the general ones (hex, numbers) that would
 * otherwise cut them into pieces.
 */
public final class MessageNormalizer {

    static final int MAX_LENGTH = 500;

    private record Rule(Pattern pattern, String placeholder) {}

    private static final List<Rule> RULES = List.of(
            rule("\\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\\s'\"<>()]+", "<url>"),
            rule("\\b[\\w.%+-]+@[\\w-]+(?:\\.[\\w-]+)+\\b", "<email>"),
            rule("\\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\\b", "<uuid>"),
            rule(
                    "\\b\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}(?::\\d{2}(?:[.,]\\d+)?)?(?:Z|[+-]\\d{2}:?\\d{2})?",
                    "<time>"),
            rule("\\b(?:\\d{1,3}\\.){3}\\d{1,3}(?::\\d{1,5})?\\b", "<ip>"),
            // IPv6, compressed or not; a hex letter or "::" tells it from a time of day such as 10:00:00.
            rule(
                    "(?<![\\w:])(?=[0-9a-fA-F:]*(?:::|[a-fA-F]))[0-9a-fA-F]{0,4}(?::[0-9a-fA-F]{0,4}){2,7}(?![\\w:])",
                    "<ip>"),
            rule("\\b0[xX][0-9a-fA-F]+\\b", "<hex>"),
            rule("\\b(?=[0-9a-fA-F]*\\d)(?=[0-9a-fA-F]*[a-fA-F])[0-9a-fA-F]{8,}\\b", "<hex>"),
            rule("'[^'\\n]{0,200}'|\"[^\"\\n]{0,200}\"|`[^`\\n]{0,200}`", "<str>"),
            rule("[-+]?\\d+(?:\\.\\d+)?", "<n>"),
            rule("\\s+", " "));

    private MessageNormalizer() {}

    public static String normalize(String message) {
        if (message == null) {
            return "";
        }
        // The result is cut to MAX_LENGTH anyway; reading further only costs time on huge messages.
        String text = message.length() <= 4 * MAX_LENGTH ? message : message.substring(0, 4 * MAX_LENGTH);
        for (Rule rule : RULES) {
            text = rule.pattern().matcher(text).replaceAll(rule.placeholder());
        }
        text = text.trim();
        return text.length() <= MAX_LENGTH ? text : text.substring(0, MAX_LENGTH);
    }

    private static Rule rule(String regex, String placeholder) {
        return new Rule(Pattern.compile(regex), placeholder);
    }
}
