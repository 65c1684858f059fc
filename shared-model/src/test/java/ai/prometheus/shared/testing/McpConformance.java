package ai.prometheus.shared.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code bin/lib/mcp-conformance/run.sh} (the official MCP conformance suite, then the MCP
 * Inspector's {@code --strict} tools listing) against a service under test, as
 * {@code bin/prometheus mcp-conformance} runs it against a running suite. Node 22, the suite and
 * the Inspector are installed from the npm registry into the module's target directory on the
 * first run, at the versions the script's lock file pins.
 */
public final class McpConformance {

    /** @param output what the script printed (the suite's summary, the counts, the Inspector's verdict) */
    public record Outcome(int exitCode, String output) {}

    private McpConformance() {}

    /** {@code environment}: TARGET, the service's URL and the tokens, as run.sh documents them. */
    public static Outcome run(Map<String, String> environment) throws IOException, InterruptedException {
        Path script = repositoryRoot().resolve("bin/lib/mcp-conformance/run.sh");
        Path work = Path.of("target/mcp-conformance").toAbsolutePath();
        Files.createDirectories(work);
        Path log = work.resolve("run-" + environment.getOrDefault("TARGET", "registry") + ".log");
        ProcessBuilder builder = new ProcessBuilder("bash", script.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        builder.environment().put("WORK_DIR", work.toString());
        Process process = builder.start();
        if (!process.waitFor(15, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException("the MCP conformance run did not finish: " + Files.readString(log));
        }
        return new Outcome(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }

    private static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("bin/lib/mcp-conformance/run.sh"))) {
                return dir;
            }
        }
        throw new IllegalStateException(
                "bin/lib/mcp-conformance/run.sh not found above " + Path.of("").toAbsolutePath());
    }
}
