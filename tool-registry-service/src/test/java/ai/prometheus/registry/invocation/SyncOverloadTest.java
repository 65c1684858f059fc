package ai.prometheus.registry.invocation;

import static ai.prometheus.registry.RegistryFixtures.developer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.prometheus.registry.RegistryFixtures;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * A burst of synchronous calls of a slow tool, more than the registry and the sandbox can hold:
 * the surplus is refused at once with 429 and Retry-After (never a 500 from a pool timeout or a
 * 504 from waiting in the sandbox's queue), what is accepted completes, one caller cannot take
 * every place, and reads by someone else are served meanwhile.
 */
@QuarkusTest
@TestProfile(SyncOverloadTest.SmallAdmission.class)
class SyncOverloadTest {

    public static class SmallAdmission implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "registry.invocation.admission.max-in-flight",
                    "4",
                    "registry.invocation.admission.max-in-flight-per-caller",
                    "3");
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/")
    URL base;

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    record Answer(String caller, int status, String retryAfter, String contentType, JsonNode body) {}

    @Test
    void aBurstBeyondCapacityIsRefusedWith429WhileAcceptedCallsCompleteAndReadsGoOn() throws Exception {
        String name = RegistryFixtures.uniqueName("slow");
        RegistryFixtures.register(
                        developer("slow-owner"),
                        Map.of(
                                "name",
                                name,
                                "description",
                                "sleeps a while",
                                "functionSignature",
                                Map.of("type", "object"),
                                "implementation",
                                Map.of(
                                        "language",
                                        "python",
                                        "code",
                                        "import json, sys, time\njson.load(sys.stdin)\ntime.sleep(1.5)\nprint('{\"slept\": true}')",
                                        "limits",
                                        Map.of("wallMs", 2000))))
                .statusCode(201);

        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<CompletableFuture<Answer>> calls = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                String caller = i < 8 ? "greedy" : "modest";
                calls.add(CompletableFuture.supplyAsync(() -> invoke(caller, name), pool));
            }
            // Someone else reading the registry during the burst is served.
            for (int i = 0; i < 5; i++) {
                Answer read = send(
                        "reader",
                        HttpRequest.newBuilder(uri("api/v1/tools/" + name)).GET());
                assertEquals(200, read.status(), "a read during the burst: " + read.body());
                Thread.sleep(200);
            }
            List<Answer> answers = calls.stream().map(CompletableFuture::join).toList();

            assertTrue(answers.stream().noneMatch(a -> a.status() >= 500), "no 5xx: " + answers);
            List<Answer> refused =
                    answers.stream().filter(a -> a.status() == 429).toList();
            List<Answer> accepted =
                    answers.stream().filter(a -> a.status() == 200).toList();
            assertEquals(answers.size(), refused.size() + accepted.size(), "only 200 or 429: " + answers);
            assertFalse(refused.isEmpty(), "the surplus is refused: " + answers);
            for (Answer refusal : refused) {
                assertTrue(refusal.contentType().startsWith("application/problem+json"), refusal.toString());
                assertEquals(
                        "urn:prometheus:problem:overloaded",
                        refusal.body().path("type").asText());
                assertTrue(Long.parseLong(refusal.retryAfter()) >= 1, refusal.toString());
            }
            assertTrue(accepted.size() >= 4, "every place was used: " + answers);
            for (Answer done : accepted) {
                assertEquals("COMPLETED", done.body().path("status").asText(), done.toString());
                assertTrue(done.body().path("result").path("slept").asBoolean(), done.toString());
            }
            assertTrue(
                    accepted.stream().anyMatch(a -> a.caller().equals("modest")),
                    "the greedy caller cannot take every place: " + answers);
        } finally {
            pool.shutdownNow();
        }
    }

    private Answer invoke(String caller, String tool) {
        return send(
                caller,
                HttpRequest.newBuilder(uri("api/v1/tools/" + tool + "/invocations"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"arguments\": {}}")));
    }

    private Answer send(String caller, HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = http.send(
                    request.header("Authorization", "Bearer " + developer(caller))
                            .timeout(Duration.ofSeconds(60))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            String body = response.body();
            return new Answer(
                    caller,
                    response.statusCode(),
                    response.headers().firstValue("Retry-After").orElse(null),
                    response.headers().firstValue("Content-Type").orElse(""),
                    body.isEmpty() ? JSON.nullNode() : JSON.readTree(body));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private URI uri(String path) {
        return URI.create(base.toString()).resolve(path);
    }
}
