package ai.prometheus.shared.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a console's browser script ({@code src/test/browser/*.e2e.mjs}) in Debian's headless
 * {@code chromium}, driven by npm {@code playwright-core} installed from the module's committed lock
 * file into {@code target/e2e}. The script prints one JSON line with what it saw; that line is the answer.
 * Screenshots go to {@code target/screenshots}, kept as test output.
 */
public final class BrowserRun {

    public static final Path SCREENSHOTS = Path.of("target/screenshots");
    private static final Path SOURCES = Path.of("src/test/browser");
    private static final Path WORK = Path.of("target/e2e");
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    private BrowserRun() {}

    /** Runs {@code script} with {@code args} (after which comes the screenshot folder) and answers what it saw. */
    public static JsonNode run(String script, List<String> screenshots, String... args)
            throws IOException, InterruptedException {
        return run(script, screenshots, Map.of(), args);
    }

    /** As {@link #run(String, List, String...)}, with these environment variables for the script. */
    public static JsonNode run(String script, List<String> screenshots, Map<String, String> environment, String... args)
            throws IOException, InterruptedException {
        assertTrue(
                Files.isExecutable(CHROMIUM),
                "Debian's chromium is needed (apt-get install chromium;" + " bin/prometheus test installs it)");
        install(script);
        Files.createDirectories(SCREENSHOTS);
        for (String name : screenshots) {
            Files.deleteIfExists(SCREENSHOTS.resolve(name));
        }
        List<String> command =
                new ArrayList<>(List.of("node", WORK.resolve(script).toString()));
        command.addAll(List.of(args));
        command.add(SCREENSHOTS.toAbsolutePath().toString());
        ProcessBuilder browser = new ProcessBuilder(command).redirectErrorStream(true);
        browser.environment().putAll(environment);
        Process run = browser.start();
        boolean finished = run.waitFor(3, TimeUnit.MINUTES);
        String output = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!finished) {
            run.destroyForcibly();
        }
        assertTrue(finished, "the browser run did not finish: " + output);
        assertEquals(0, run.exitValue(), output);
        JsonNode seen = new ObjectMapper()
                .readTree(output.lines()
                        .filter(l -> l.startsWith("{"))
                        .reduce((a, b) -> b)
                        .orElseThrow());
        assertTrue(seen.path("ok").asBoolean(), output);
        for (String name : screenshots) {
            assertTrue(Files.size(SCREENSHOTS.resolve(name)) > 5_000, "a real screenshot was written: " + name);
        }
        return seen;
    }

    /** npm ci of the committed lock file into target/e2e, once per clean build. */
    private static void install(String script) throws IOException, InterruptedException {
        Files.createDirectories(WORK);
        for (String file : List.of("package.json", "package-lock.json", script)) {
            Files.copy(SOURCES.resolve(file), WORK.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        if (Files.isDirectory(WORK.resolve("node_modules/playwright-core"))) {
            return;
        }
        Process install = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error")
                .directory(WORK.toFile())
                .redirectErrorStream(true)
                .start();
        boolean finished = install.waitFor(5, TimeUnit.MINUTES);
        String output = new String(install.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(finished && install.exitValue() == 0, "npm ci of playwright-core failed: " + output);
    }
}
