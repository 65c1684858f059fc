package ai.prometheus.shared.util;

/**
 * Glob matching where {@code *} matches any run of characters (including none) and every other
 * character matches itself. Used for permission targets and for rule patterns.
 */
public final class Glob {

    private Glob() {}

    // Iterative matcher with a single backtrack point: no regex, so a hostile pattern cannot
    // make it take exponential time.
    public static boolean matches(String pattern, String text) {
        int p = 0;
        int t = 0;
        int star = -1;
        int mark = 0;
        while (t < text.length()) {
            if (p < pattern.length() && pattern.charAt(p) != '*' && pattern.charAt(p) == text.charAt(t)) {
                p++;
                t++;
            } else if (p < pattern.length() && pattern.charAt(p) == '*') {
                star = p++;
                mark = t;
            } else if (star >= 0) {
                p = star + 1;
                t = ++mark;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pattern.length();
    }

    /**
     * The glob as a SQL {@code LIKE} pattern with {@code \} as the escape character (Postgres's
     * default): {@code *} becomes {@code %}, and {@code LIKE}'s own wildcards stay literal.
     */
    public static String toSqlLike(String glob) {
        return escapeSqlLike(glob).replace('*', '%');
    }

    /** {@code text} as a {@code LIKE} pattern that matches exactly it ({@code %}, {@code _}, {@code \} escaped). */
    public static String escapeSqlLike(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }
}
