package ai.prometheus.registry.sandbox;

import static ai.prometheus.registry.invocation.RunStatuses.invocationStatus;
import static ai.prometheus.registry.invocation.RunStatuses.sandboxStatus;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.prometheus.registry.RegistryFixtures;
import ai.prometheus.registry.invocation.RawInvocation;
import ai.prometheus.shared.testing.TestTokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * Synchronous invocations, followed live as server-sent events, reuse keep-alive connections to
 * the sandbox instead of opening one per run; a call whose caller goes away still closes its
 * (reused) connection, so the sandbox stops the run. Connections are counted as the kernel lists
 * them ({@code /proc/net/tcp}): every socket to or from the sandbox's port, closed ones included
 * while in TIME-WAIT, named by the registry's ephemeral port.
 */
@QuarkusTest
class SandboxConnectionsTest {

    private static final int INVOCATIONS = 20;
    private static final String SLEEPER = "import time\ntime.sleep(50)\nprint('woke up')";

    @TestHTTPResource("/")
    URL base;

    @Test
    void synchronousInvocationsReuseTheirConnectionsAndACallerGoneStillStopsItsRun() throws Exception {
        assumeTrue(Files.isReadable(Path.of("/proc/net/tcp")), "counts connections as Linux lists them");
        int sandbox = URI.create(ConfigProvider.getConfig().getValue("quarkus.rest-client.sandbox.url", String.class))
                .getPort();
        String subject = "conn-" + UUID.randomUUID();
        String caller = TestTokens.agent(subject, "tools:read tools:invoke");
        String echo = register("conn_echo", "import json, sys\nprint(json.dumps(json.load(sys.stdin)))");
        String sleeper = register("conn_sleep", SLEEPER);

        Set<Integer> before = connections(sandbox);
        Set<Integer> used = new HashSet<>();
        for (int i = 0; i < INVOCATIONS; i++) {
            invoke(caller, echo);
            used.addAll(connections(sandbox));
        }
        assertFalse(used.isEmpty(), "the connections to the sandbox are visible");
        Set<Integer> opened = new HashSet<>(used);
        opened.removeAll(before);
        // Before the keep-alive stream: one new connection per invocation (the REST client's
        // event-stream reader closed it at the stream's end).
        assertTrue(opened.size() <= 2, INVOCATIONS + " invocations opened " + opened.size() + " connections");

        String key = "conn-gone-" + UUID.randomUUID();
        UUID id = RawInvocation.id(subject, key);
        try (Socket client = RawInvocation.send(base, caller, sleeper, key)) {
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> "RUNNING".equals(sandboxStatus(id)));
            Set<Integer> during = connections(sandbox);
            during.removeAll(before);
            during.removeAll(used);
            assertEquals(Set.of(), during, "the run went over a connection the earlier runs used");
            // In its sandbox and asleep: the kill of a running program is under test.
            Thread.sleep(1500);
        }
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> !"RUNNING".equals(sandboxStatus(id)));
        assertEquals("CANCELLED", sandboxStatus(id), "the sandbox heard the reused connection close");
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> invocationStatus(id) != null);
        assertEquals("CANCELLED", invocationStatus(id));

        // The closed connection is not handed out again.
        invoke(caller, echo);
    }

    private static void invoke(String caller, String tool) {
        given().auth()
                .oauth2(caller)
                .contentType(ContentType.JSON)
                .body(Map.of("arguments", Map.of("q", "x")))
                .when()
                .post("/api/v1/tools/" + tool + "/invocations")
                .then()
                .statusCode(200)
                .body("status", equalTo("COMPLETED"));
    }

    /**
     * The ephemeral ports of every TCP socket between this machine and {@code port}, seen from
     * either end and in any state (TIME-WAIT included): one per connection.
     */
    private static Set<Integer> connections(int port) throws IOException {
        Set<Integer> ports = new HashSet<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path file = Path.of(table);
            if (!Files.isReadable(file)) {
                continue;
            }
            List<String> rows = Files.readAllLines(file);
            for (String line : rows.subList(1, rows.size())) {
                String[] fields = line.trim().split("\\s+");
                int local = portOf(fields[1]);
                int remote = portOf(fields[2]);
                if (remote == port && local != port) {
                    ports.add(local);
                } else if (local == port && remote != 0) {
                    ports.add(remote);
                }
            }
        }
        return ports;
    }

    private static int portOf(String address) {
        return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1), 16);
    }

    private static String register(String prefix, String code) {
        return RegistryFixtures.registerPython(
                "conn-owner",
                prefix,
                Map.of("type", "object", "properties", Map.of("q", Map.of("type", "string"))),
                code,
                Map.of("wallMs", 60_000));
    }
}
