package ai.prometheus.sandbox.host;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The languages the sandbox runs, each described here once: its name in the API, the default
 * interpreter, how the interpreter is started with the bootstrap that waits for the code, and
 * whether an address-space rlimit is safe for it.
 */
public enum Language {
    PYTHON("python", "/usr/bin/python3", true) {
        @Override
        List<String> command(String executable, String bootstrap) {
            // -E and -s: no PYTHON* variables, no user site; the working directory stays importable.
            return List.of(executable, "-E", "-s", "-c", bootstrap);
        }
    },
    NODE("node", "/usr/bin/node", false) {
        @Override
        List<String> command(String executable, String bootstrap) {
            return List.of(executable, "-e", bootstrap);
        }
    },
    BASH("bash", "/bin/bash", true) {
        @Override
        List<String> command(String executable, String bootstrap) {
            return List.of(executable, "--noprofile", "--norc", "-c", bootstrap, "main.sh");
        }
    };

    private final String apiName;
    private final String defaultExecutable;
    private final boolean addressSpaceLimitSafe;
    private final String bootstrap;

    Language(String apiName, String defaultExecutable, boolean addressSpaceLimitSafe) {
        this.apiName = apiName;
        this.defaultExecutable = defaultExecutable;
        this.addressSpaceLimitSafe = addressSpaceLimitSafe;
        this.bootstrap = load("sandbox/bootstrap/"
                + switch (apiName) {
                    case "python" -> "python.py";
                    case "node" -> "node.js";
                    default -> "bash.sh";
                });
    }

    /** The interpreter's argument vector: it runs the bootstrap, which waits for the code on stdin. */
    abstract List<String> command(String executable, String bootstrap);

    public List<String> command(String executable) {
        return command(executable, bootstrap);
    }

    public String apiName() {
        return apiName;
    }

    public String defaultExecutable() {
        return defaultExecutable;
    }

    /** V8 reserves far more address space than it uses, so only memory cgroups can limit node. */
    public boolean addressSpaceLimitSafe() {
        return addressSpaceLimitSafe;
    }

    public static Optional<Language> byName(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String wanted = name.trim().toLowerCase(Locale.ROOT);
        for (Language language : values()) {
            if (language.apiName.equals(wanted)) {
                return Optional.of(language);
            }
        }
        return Optional.empty();
    }

    private static String load(String resource) {
        try (InputStream in = Language.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the sandbox-service jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
