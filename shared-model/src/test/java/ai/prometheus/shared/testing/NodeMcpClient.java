package ai.prometheus.shared.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The official MCP TypeScript SDK clients (1.x and v2, pinned in {@code mcp-client/package-lock.json})
 * driving a service's {@code /mcp}: a client nobody here wrote. Each script under
 * {@code mcp-client/} prints one JSON object per line ({@code {"event": ..., ...}}); a test reads
 * them in order and may act when one arrives (change the tools, write a memory) before the script
 * goes on. Needs Node.js and npm; the packages come from the npm registry on first use.
 */
public final class NodeMcpClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> FILES = List.of(
            "package.json", "package-lock.json", "mcp-client.mjs", "mcp-client-v2.mjs", "mcp-memory-client.mjs");
    private static final Path HOME = Path.of("target/mcp-client");

    private NodeMcpClient() {}

    /** What a script printed, in order; {@link #find} names the first event of a kind or fails with all of them. */
    public record Events(List<JsonNode> all, String stderr) {

        public JsonNode find(String event) {
            return all.stream()
                    .filter(e -> e.path("event").asText().equals(event))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no '" + event + "' from the MCP client: " + this));
        }

        @Override
        public String toString() {
            return all + "\nstderr: " + stderr;
        }
    }

    /**
     * Runs {@code script} with {@code arguments} and hands each event to {@code onEvent} as it
     * arrives (the script waits for nothing from the test: act within its own timeouts). Fails
     * when the script reports an error or exits other than 0.
     */
    public static Events run(String script, List<String> arguments, Consumer<JsonNode> onEvent)
            throws IOException, InterruptedException {
        install();
        List<String> command = new ArrayList<>(List.of("node", script));
        command.addAll(arguments);
        Path stderr = HOME.resolve(script + ".stderr.log");
        Process node = new ProcessBuilder(command)
                .directory(HOME.toFile())
                .redirectError(ProcessBuilder.Redirect.to(stderr.toFile()))
                .start();
        List<JsonNode> events = new ArrayList<>();
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                JsonNode event = JSON.readTree(line);
                events.add(event);
                if (event.path("event").asText().equals("error")) {
                    break;
                }
                onEvent.accept(event);
            }
        }
        boolean finished = node.waitFor(30, TimeUnit.SECONDS);
        Events result = new Events(events, Files.exists(stderr) ? Files.readString(stderr) : "");
        if (!finished) {
            node.destroyForcibly();
            throw new AssertionError("the MCP client did not finish: " + result);
        }
        if (node.exitValue() != 0) {
            throw new AssertionError("the MCP client exited with " + node.exitValue() + ": " + result);
        }
        return result;
    }

    /** Copies the scripts beside the build output and installs their pinned dependencies once. */
    private static synchronized void install() throws IOException, InterruptedException {
        Files.createDirectories(HOME);
        for (String file : FILES) {
            try (InputStream in = NodeMcpClient.class.getResourceAsStream("/mcp-client/" + file)) {
                if (in == null) {
                    throw new IllegalStateException("mcp-client/" + file + " is missing from the test class path");
                }
                Files.copy(in, HOME.resolve(file), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        if (Files.isDirectory(HOME.resolve("node_modules/@modelcontextprotocol/sdk"))
                && Files.isDirectory(HOME.resolve("node_modules/@modelcontextprotocol/client"))) {
            return;
        }
        Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error")
                .directory(HOME.toFile())
                .redirectErrorStream(true)
                .redirectOutput(new File(HOME.toFile(), "npm.log"))
                .start();
        if (!npm.waitFor(5, TimeUnit.MINUTES) || npm.exitValue() != 0) {
            throw new IllegalStateException("npm ci failed (Node.js and npm are needed for the MCP client tests): "
                    + Files.readString(HOME.resolve("npm.log")));
        }
    }
}
