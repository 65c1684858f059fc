package ai.prometheus.registry.invocation;

import static ai.prometheus.registry.invocation.RunStatuses.invocationStatus;
import static ai.prometheus.registry.invocation.RunStatuses.sandboxStatus;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.prometheus.registry.RegistryFixtures;
import ai.prometheus.shared.testing.TestTokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.Socket;
import java.net.URL;
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

    @TestHTTPResource("/")
    URL base;

    @Test
    void aSynchronousInvocationWhoseCallerDisconnectsStopsItsRunAndIsRecordedCancelled() throws Exception {
        String subject = "gone-rest-" + UUID.randomUUID();
        String agent = TestTokens.agent(subject, "tools:read tools:invoke");
        String tool = register();
        String key = "gone-" + UUID.randomUUID();
        UUID id = RawInvocation.id(subject, key);

        try (Socket client = RawInvocation.send(base, agent, tool, key)) {
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
        return RegistryFixtures.registerPython(
                "gone-owner",
                "gone_rest",
                RegistryFixtures.NO_ARGUMENTS,
                "import time\ntime.sleep(50)\nprint('woke up')",
                Map.of("wallMs", 60_000));
    }
}
