package ai.prometheus.guardian.group;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the frames of Java, Python and Node.js stack traces, innermost (most recent call) first.
 * Lines that are not frames (messages, "Caused by", "... 12 more") are skipped, so traces that
 * mix languages or carry noise still yield the frames they have.
 */
public final class StackTraceParser {

    // "\tat com.acme.Foo.bar(Foo.java:42)", "at java.base/java.lang.Thread.run(Thread.java:840)"
    // Possessive and negated classes keep matching linear in the line length.
    private static final Pattern JAVA =
            Pattern.compile("^\\s*at\\s+(?:[^\\s/(]++/+)?([^\\s(]+)\\.([^\\s(.]+)\\([^)]*+\\)\\s*$");
    // '  File "/app/handlers.py", line 42, in handle'
    private static final Pattern PYTHON = Pattern.compile("^\\s*File \"([^\"]+)\", line \\d+, in (\\S+)\\s*$");
    // "    at getUser (/app/src/users.js:10:15)", "    at /app/src/routes.js:22:5", "    at async Promise.all (index
    // 0)"
    private static final Pattern NODE_WITH_FUNCTION = Pattern.compile("^\\s*at\\s+(.+?)\\s+\\((.*)\\)\\s*$");
    private static final Pattern NODE_LOCATION_ONLY =
            Pattern.compile("^\\s*at\\s+((?:file://|node:|/|[A-Za-z]:\\\\)\\S*?)(?::\\d+){1,2}\\s*$");
    private static final Pattern LOCATION_SUFFIX = Pattern.compile("(?::\\d+){1,2}$");
    private static final Pattern LAMBDA_CLASS = Pattern.compile("\\$\\$Lambda.*$");
    private static final Pattern ANONYMOUS_CLASS = Pattern.compile("\\$\\d+");
    private static final Pattern GENERATED_SUFFIX = Pattern.compile("_(Subclass|ClientProxy|Bean)$");
    private static final Pattern LAMBDA_METHOD = Pattern.compile("^lambda\\$(.+?)\\$\\d+$");
    private static final Pattern NODE_PREFIX = Pattern.compile("^(?:async|new)\\s+");
    private static final Pattern NODE_ALIAS = Pattern.compile("\\s*\\[as [^]]+]");
    private static final Pattern SOURCE_EXTENSION = Pattern.compile("\\.(py|pyc|js|mjs|cjs|ts|mts|cts|jsx|tsx)$");
    private static final Pattern PYTHON_STDLIB = Pattern.compile("/lib/python\\d[.\\d]*/");
    private static final Pattern PYTHON_HEADER =
            Pattern.compile("^Traceback \\(most recent call last\\):\\s*$", Pattern.MULTILINE);

    // Runtimes and libraries: their frames are never what makes an error this application's error.
    private static final List<String> JAVA_LIBRARY_PREFIXES = List.of(
            "java.",
            "javax.",
            "jakarta.",
            "jdk.",
            "sun.",
            "com.sun.",
            "org.jboss.",
            "io.quarkus.",
            "io.vertx.",
            "io.netty.",
            "io.smallrye.",
            "org.hibernate.",
            "org.apache.",
            "com.fasterxml.",
            "org.eclipse.",
            "io.opentelemetry.",
            "kotlin.",
            "kotlinx.",
            "scala.",
            "org.springframework.",
            "reactor.",
            "io.reactivex.",
            "org.postgresql.",
            "io.micrometer.",
            "org.junit.",
            "com.google.",
            "org.slf4j.");

    private StackTraceParser() {}

    public static List<StackFrame> parse(String trace) {
        if (trace == null || trace.isBlank()) {
            return List.of();
        }
        String[] lines = trace.split("\\R");
        if (PYTHON_HEADER.matcher(trace).find()) {
            return python(lines);
        }
        List<StackFrame> frames = new ArrayList<>();
        for (String line : lines) {
            if (!line.stripLeading().startsWith("at ")) {
                continue; // messages, "Caused by:", "... 12 more"
            }
            Matcher java = JAVA.matcher(line);
            if (java.matches() && !line.contains("(/") && !line.contains("(node:") && !line.contains("(file:")) {
                frames.add(javaFrame(java.group(1), java.group(2)));
                continue;
            }
            StackFrame node = node(line);
            if (node != null) {
                frames.add(node);
            }
        }
        return frames;
    }

    private static StackFrame javaFrame(String className, String method) {
        // Generated and synthetic names change between builds: lambda$handle$3, Foo$1, Foo_Subclass.
        String module = GENERATED_SUFFIX
                .matcher(ANONYMOUS_CLASS
                        .matcher(LAMBDA_CLASS.matcher(className).replaceAll(""))
                        .replaceAll("\\$"))
                .replaceAll("");
        String function = LAMBDA_METHOD.matcher(method).replaceAll("lambda\\$$1");
        boolean library = JAVA_LIBRARY_PREFIXES.stream().anyMatch(module::startsWith)
                || className.contains("$$")
                || className.contains("$quarkusrestinvoker$");
        return new StackFrame(module, function, !library);
    }

    // Python prints the most recent call last; chained tracebacks each repeat the header.
    private static List<StackFrame> python(String[] lines) {
        List<StackFrame> chain = new ArrayList<>();
        List<StackFrame> block = new ArrayList<>();
        for (String line : lines) {
            if (PYTHON_HEADER.matcher(line).matches()) {
                chain.addAll(0, reversed(block));
                block = new ArrayList<>();
                continue;
            }
            Matcher python = PYTHON.matcher(line);
            if (python.matches()) {
                String path = python.group(1);
                String lower = path.toLowerCase(Locale.ROOT);
                boolean library = lower.contains("site-packages")
                        || lower.contains("dist-packages")
                        || PYTHON_STDLIB.matcher(lower).find()
                        || lower.startsWith("<frozen");
                block.add(new StackFrame(moduleOf(path, library ? "site-packages/" : null), python.group(2), !library));
            }
        }
        // The last traceback is the one that escaped: its frames come first.
        chain.addAll(0, reversed(block));
        return chain;
    }

    private static StackFrame node(String line) {
        String function;
        String location;
        Matcher withFunction = NODE_WITH_FUNCTION.matcher(line);
        if (withFunction.matches()) {
            function = withFunction.group(1);
            location = withFunction.group(2);
        } else {
            Matcher locationOnly = NODE_LOCATION_ONLY.matcher(line);
            if (!locationOnly.matches()) {
                return null;
            }
            function = "<anonymous>";
            location = locationOnly.group(1);
        }
        // "(index 0)" and "(<anonymous>)" name no source: nothing stable to group on.
        if (!location.startsWith("/")
                && !location.startsWith("file:")
                && !location.startsWith("node:")
                && !location.matches("[A-Za-z]:\\\\.*")) {
            return null;
        }
        function = NODE_ALIAS
                .matcher(NODE_PREFIX.matcher(function).replaceFirst(""))
                .replaceAll("")
                .trim();
        String path = LOCATION_SUFFIX
                .matcher(location.startsWith("file://") ? location.substring(7) : location)
                .replaceFirst("");
        boolean library = path.contains("node_modules") || path.startsWith("node:");
        return new StackFrame(moduleOf(path, library ? "node_modules/" : null), function, !library);
    }

    /**
     * A stable name for a source file: for libraries the path below the package root, for
     * application code the file and its directory, without the extension. The deployment's own
     * prefix (/app, /srv/releases/42) differs between hosts, so it is dropped.
     */
    static String moduleOf(String path, String libraryRoot) {
        String normalized = path.replace('\\', '/');
        if (libraryRoot != null && normalized.contains(libraryRoot)) {
            normalized = normalized.substring(normalized.lastIndexOf(libraryRoot) + libraryRoot.length());
        } else {
            int last = normalized.lastIndexOf('/');
            int secondLast = last <= 0 ? -1 : normalized.lastIndexOf('/', last - 1);
            normalized = normalized.substring(secondLast + 1);
        }
        return SOURCE_EXTENSION.matcher(normalized).replaceFirst("");
    }

    private static List<StackFrame> reversed(List<StackFrame> frames) {
        List<StackFrame> copy = new ArrayList<>(frames);
        java.util.Collections.reverse(copy);
        return copy;
    }
}
