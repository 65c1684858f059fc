package ai.prometheus.shared.platform.web;

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
