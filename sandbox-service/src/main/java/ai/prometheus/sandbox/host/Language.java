package ai.prometheus.sandbox.host;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * The languages the sandbox runs, each described here once: its name in the API, the default
 * interpreter, how the interpreter is started with the bootstrap that waits for the code, and
 * whether an address-space rlimit is safe for it.
 */
public enum Language {
    PYTHON("python", "/usr/bin/python3", true) {
        @Override
        List<String> command(
                String executable, String bootstrap, Optional<List<String>> siteDirectories, List<String> preload) {
            bootstrap = "_PRELOAD = ("
                    + preload.stream().map(name -> "'" + name + "',").collect(Collectors.joining()) + ")\n" + bootstrap;
            // -E and -s: no PYTHON* variables, no user site; the working directory stays importable.
            if (siteDirectories.isEmpty()) {
                return List.of(executable, "-E", "-s", "-c", bootstrap);
            }
            // -S: no site module at start, whose work (listing the site directories, running their
            // .pth files, looking for sitecustomize) is a tenth of the interpreter's start-up; the
            // bootstrap puts the directories, which follow it, on sys.path itself (see python.py).
            List<String> command = new ArrayList<>(List.of(executable, "-E", "-s", "-S", "-c", bootstrap));
            command.addAll(siteDirectories.get());
            return List.copyOf(command);
        }

        @Override
        public Optional<List<String>> siteDirectories(String executable) {
            return ask(executable, "-E", "-s", "-S", "-c", SITE_DIRECTORIES);
        }
    },
    NODE("node", "/usr/bin/node", false) {
        @Override
        List<String> command(
                String executable, String bootstrap, Optional<List<String>> siteDirectories, List<String> preload) {
            return List.of(executable, "-e", bootstrap);
        }
    },
    BASH("bash", "/bin/bash", true) {
        @Override
        List<String> command(
                String executable, String bootstrap, Optional<List<String>> siteDirectories, List<String> preload) {
            return List.of(executable, "--noprofile", "--norc", "-c", bootstrap, "main.sh");
        }
    };

    private static final Logger LOG = Logger.getLogger(Language.class);

    private static final Pattern MODULE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*");

    /** What site would put on sys.path (no user site: the sandbox runs python with -s), one a line. */
    private static final String SITE_DIRECTORIES =
            "import os, site\nfor d in site.getsitepackages():\n    if os.path.isdir(d):\n        print(d)";

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
    abstract List<String> command(
            String executable, String bootstrap, Optional<List<String>> siteDirectories, List<String> preload);

    /**
     * The interpreter's argument vector; {@code siteDirectories}: what {@link #siteDirectories}
     * found, or empty to start the interpreter with its own library set-up; {@code preload}: the
     * modules the bootstrap imports before it announces readiness (python only; names checked by
     * {@link #moduleName}).
     */
    public List<String> command(String executable, Optional<List<String>> siteDirectories, List<String> preload) {
        preload.forEach(name -> {
            if (!moduleName(name)) {
                throw new IllegalArgumentException("not a python module name: " + name);
            }
        });
        return command(executable, bootstrap, siteDirectories, preload);
    }

    /** A dotted python module name: the only text a setting may put into the bootstrap's source. */
    public static boolean moduleName(String name) {
        return MODULE_NAME.matcher(name).matches();
    }

    /**
     * The directories of installed libraries the interpreter would add at start, asked once from
     * the interpreter itself so the sandbox can skip that work on every start; empty when the
     * language has no such step or the interpreter did not answer (it then does it itself).
     */
    public Optional<List<String>> siteDirectories(String executable) {
        return Optional.empty();
    }

    /** The lines {@code executable} prints for {@code arguments}; empty when it fails or takes too long. */
    private static Optional<List<String>> ask(String executable, String... arguments) {
        List<String> command = new ArrayList<>(List.of(executable));
        command.addAll(List.of(arguments));
        Path output = null;
        try {
            // Into a file, so an interpreter that never ends cannot hold the service's start.
            output = Files.createTempFile("interpreter-", ".out");
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .redirectOutput(output.toFile());
            builder.environment().clear();
            builder.environment().put("PATH", "/usr/local/bin:/usr/bin:/bin");
            Process process = builder.start();
            if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                LOG.warnf("%s did not name its library directories; it sets them up itself on every start", executable);
                return Optional.empty();
            }
            return Optional.of(Files.readString(output, StandardCharsets.UTF_8)
                    .lines()
                    .filter(line -> !line.isBlank())
                    .toList());
        } catch (IOException e) {
            LOG.warnf(
                    "%s did not name its library directories (%s); it sets them up itself on every start",
                    executable, e.getMessage());
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } finally {
            if (output != null) {
                try {
                    Files.deleteIfExists(output);
                } catch (IOException e) {
                    // a temporary file left behind
                }
            }
        }
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
