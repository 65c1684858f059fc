package ai.prometheus.registry.quota;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.prometheus.registry.RegistryEngines;
import ai.prometheus.registry.RegistryFixtures;
import ai.prometheus.shared.testing.Engines;
import ai.prometheus.shared.testing.ServiceProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Two registry replicas (two processes from the built jar, one database) enforce one
 * callsPerMinute limit together. It needs the packaged jar, so the build runs it after packaging
 * (the surefire execution "replicas" sets prometheus.packaged).
 */
@EnabledIfSystemProperty(named = "prometheus.packaged", matches = "true")
class QuotaReplicasTest {

    private static final int LIMIT = 6;
    private static final int CALLS = 24;
    private static ServiceProcess sandbox;
    private static ServiceProcess first;
    private static ServiceProcess second;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void startReplicas() {
        new Engines().start();
        // Synchronous calls only: its request topic is its own, so it never runs the run's other requests.
        sandbox = ServiceProcess.start(
                "sandbox-service",
                Map.of(),
                RegistryEngines.sandboxRequests(
                        RegistryEngines.REQUESTS + ".replicas", "sandbox-service-replicas-test"));
        Map<String, String> env = Map.of("SANDBOX_URL", sandbox.url());
        // One group for both, as replicas share theirs in production; not production's own group.
        List<String> groups = RegistryEngines.registryGroups("tool-registry-service-replicas-test");
        first = ServiceProcess.start("tool-registry-service", env, groups);
        second = ServiceProcess.start("tool-registry-service", env, groups);
    }

    @AfterAll
    static void stop() {
        for (ServiceProcess process : new ServiceProcess[] {first, second, sandbox}) {
            if (process != null) {
                process.close();
            }
        }
    }

    @Test
    void twoReplicasNeverAdmitMoreThanOneSharedLimit() throws Exception {
        String owner = RegistryFixtures.developer("replica-owner");
        String tool = RegistryFixtures.uniqueName("replicated_quota");
        send(
                first,
                "POST",
                "/api/v1/tools",
                owner,
                "{\"name\": \"" + tool + "\", \"functionSignature\": {\"type\": \"object\"},"
                        + " \"implementation\": {\"language\": \"python\", \"code\": \"print(1)\"}}",
                201);
        send(
                second,
                "PUT",
                "/api/v1/tools/" + tool + "/limits",
                owner,
                "{\"total\": {\"callsPerMinute\": " + LIMIT + "}}",
                200);
        QuotaTest.awaitEarlyInAMinute();

        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < CALLS; i++) {
            ServiceProcess replica = i % 2 == 0 ? first : second;
            // A caller per call: the quota is shared by all callers, and no caller may reach its own
            // bound on synchronous calls in flight (SyncAdmission), a different refusal.
            String caller = RegistryFixtures.developer("replica-caller-" + i);
            calls.add(pool.submit(() -> http.send(
                    request(replica, "POST", "/api/v1/tools/" + tool + "/invocations", caller, "{\"arguments\": {}}"),
                    HttpResponse.BodyHandlers.ofString())));
        }
        int accepted = 0;
        int refused = 0;
        for (Future<HttpResponse<String>> call : calls) {
            HttpResponse<String> response = call.get();
            if (response.statusCode() == 200) {
                accepted++;
            } else {
                assertEquals(429, response.statusCode(), response.body());
                assertTrue(response.body().contains("urn:prometheus:problem:quota-exceeded"), response.body());
                assertTrue(response.body().contains("total.callsPerMinute"), response.body());
                long retryAfter = Long.parseLong(
                        response.headers().firstValue("Retry-After").orElseThrow());
                assertTrue(retryAfter >= 1 && retryAfter <= 60, "Retry-After " + retryAfter);
                refused++;
            }
        }
        pool.shutdown();
        assertEquals(LIMIT, accepted, "accepted calls across both replicas");
        assertEquals(CALLS - LIMIT, refused);
    }

    private void send(ServiceProcess replica, String method, String path, String token, String body, int expected)
            throws Exception {
        HttpResponse<String> response =
                http.send(request(replica, method, path, token, body), HttpResponse.BodyHandlers.ofString());
        assertEquals(expected, response.statusCode(), response.body());
    }

    private static HttpRequest request(ServiceProcess replica, String method, String path, String token, String body) {
        return HttpRequest.newBuilder(URI.create(replica.url() + path))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(60))
                .method(method, HttpRequest.BodyPublishers.ofString(body))
                .build();
    }
}
