package ai.prometheus.registry.invocation;

import static ai.prometheus.registry.invocation.RunStatuses.invocationStatus;
import static ai.prometheus.registry.invocation.RunStatuses.sandboxStatus;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.prometheus.registry.RegistryFixtures;
import ai.prometheus.shared.testing.TestTokens;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A REST caller of a synchronous invocation that disconnects before the answer stops the tool's
 * run in the sandbox; the invocation is recorded CANCELLED under the id its Idempotency-Key names.
 */
@QuarkusTest
class SyncCallerGoneTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/")
    URL base;

    @Test
    void aSynchronousInvocationWhoseCallerDisconnectsStopsItsRunAndIsRecordedCancelled() throws Exception {
        String subject = "gone-rest-" + UUID.randomUUID();
        String agent = TestTokens.agent(subject, "tools:read tools:invoke");
        String tool = register();
        String key = "gone-" + UUID.randomUUID();
        UUID id = UUID.nameUUIDFromBytes((subject + "\n" + key).getBytes(StandardCharsets.UTF_8));

        byte[] body = JSON.writeValueAsBytes(Map.of("arguments", Map.of()));
        try (Socket client = new Socket(base.getHost(), base.getPort())) {
            String head = "POST /api/v1/tools/" + tool + "/invocations HTTP/1.1\r\n"
                    + "Host: " + base.getHost() + ":" + base.getPort() + "\r\n"
                    + "Authorization: Bearer " + agent + "\r\n"
                    + "Content-Type: application/json\r\n"
                    + "Idempotency-Key: " + key + "\r\n"
                    + "Content-Length: " + body.length + "\r\n\r\n";
            OutputStream out = client.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> "RUNNING".equals(sandboxStatus(id)));
            Thread.sleep(1500);
        }

        // Far sooner than its 50 seconds of sleep.
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> !"RUNNING".equals(sandboxStatus(id)));
        assertEquals("CANCELLED", sandboxStatus(id));
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> invocationStatus(id) != null);
        assertEquals("CANCELLED", invocationStatus(id));
    }

    private static String register() {
        String name = RegistryFixtures.uniqueName("gone_rest");
        RegistryFixtures.register(
                        RegistryFixtures.developer("gone-owner"),
                        Map.of(
                                "name",
                                name,
                                "description",
                                "sleeps",
                                "functionSignature",
                                Map.of("type", "object", "properties", Map.of()),
                                "implementation",
                                Map.of(
                                        "language",
                                        "python",
                                        "code",
                                        "import time\ntime.sleep(50)\nprint('woke up')",
                                        "limits",
                                        Map.of("wallMs", 60_000))))
                .statusCode(201);
        return name;
    }
}
