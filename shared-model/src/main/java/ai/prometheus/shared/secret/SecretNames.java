package ai.prometheus.shared.secret;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a secret may be called: an upper-case environment variable name that the sandbox does not
 * set itself. The registry checks names when they are declared and set, the sandbox again when a
 * run asks for them.
 */
public final class SecretNames {

    public static final int MAX_LENGTH = 128;
    public static final String RULE = "must be an upper-case environment variable name ([A-Z_][A-Z0-9_]*, at most "
            + MAX_LENGTH + " characters) that the sandbox does not set itself";
    private static final Pattern NAME = Pattern.compile("[A-Z_][A-Z0-9_]{0,127}");
    /** Set by the sandbox for every run; a secret must not replace them. */
    private static final Set<String> RESERVED = Set.of(
            "PATH",
            "HOME",
            "TMPDIR",
            "LANG",
            "USER",
            "PWD",
            "SHELL",
            "LD_PRELOAD",
            "LD_LIBRARY_PATH",
            "NODE_OPTIONS",
            "PYTHONPATH",
            "PYTHONHOME",
            "BASH_ENV",
            "ENV",
            "HTTP_PROXY",
            "HTTPS_PROXY",
            "ALL_PROXY",
            "NO_PROXY");

    private SecretNames() {}

    public static boolean valid(String name) {
        return name != null && NAME.matcher(name).matches() && !RESERVED.contains(name) && !name.startsWith("SANDBOX_");
    }
}
