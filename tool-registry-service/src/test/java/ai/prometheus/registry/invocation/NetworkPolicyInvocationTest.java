package ai.prometheus.registry.invocation;

import static ai.prometheus.registry.RegistryFixtures.developer;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.prometheus.registry.RegistryEngines;
import ai.prometheus.registry.RegistryFixtures;
import ai.prometheus.shared.event.CloudEvent;
import ai.prometheus.shared.event.EventTypes;
import ai.prometheus.shared.event.ToolInvocationRequested;
import ai.prometheus.shared.testing.KafkaProbe;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A tool's network policy travels with its version to the real sandbox on both paths, and what
 * the run did through the egress proxy shows on the invocation. The tool asks for a host outside
 * its policy, which the proxy refuses without any DNS or outside server.
 */
@QuarkusTest
class NetworkPolicyInvocationTest {

    /** Asks its allowed API and a host outside its policy; prints the proxy's answers. */
    static final String PROBE = """
            import json, urllib.request, urllib.error
            answers = []
            for url in ['http://api.evil.test:443/steal']:
                try:
                    urllib.request.urlopen(url, timeout=10)
                    answers.append('reached')
                except urllib.error.HTTPError as refused:
                    answers.append(refused.read().decode().strip())
            print(json.dumps({'answers': answers}))
            """;

    static final List<String> POLICY = List.of("api.weather.test:443", "*.example.org:443");

    private static String tool(String prefix, List<String> allow) {
        String name = RegistryFixtures.uniqueName(prefix);
        RegistryFixtures.register(
                        developer("nia"),
                        Map.of(
                                "name",
                                name,
                                "description",
                                "a tool with network",
                                "functionSignature",
                                RegistryFixtures.WEATHER_SCHEMA,
                                "implementation",
                                Map.of("language", "python", "code", PROBE, "network", Map.of("allow", allow))))
                .statusCode(201)
                .body("implementation.network.allow", equalTo(List.of("*.example.org:443", "api.weather.test:443")));
        return name;
    }

    @Test
    void aSyncInvocationRunsUnderTheToolsPolicyAndShowsItsEgress() {
        String tool = tool("net_sync", POLICY);
        given().auth()
                .oauth2(developer("olav"))
                .contentType(ContentType.JSON)
                .body(Map.of("arguments", Map.of("city", "Oslo")))
                .when()
                .post("/api/v1/tools/" + tool + "/invocations")
                .then()
                .statusCode(200)
                .body("status", equalTo("COMPLETED"))
                .body(
                        "result.answers[0]",
                        equalTo("egress denied: api.evil.test:443 is not in this tool's network policy"))
                .body("egress.connections", equalTo(1))
                .body("egress.denied", equalTo(1))
                .body("egress.hosts", equalTo(List.of("api.evil.test:443")));
    }

    @Test
    void anAsyncInvocationCarriesThePolicyOnKafkaAndShowsItsEgress() {
        String tool = tool("net_async", POLICY);
        try (KafkaProbe requests = KafkaProbe.on(RegistryEngines.REQUESTS)) {
            String id = given().auth()
                    .oauth2(developer("olav"))
                    .contentType(ContentType.JSON)
                    .body(Map.of("arguments", Map.of("city", "Oslo"), "mode", "async"))
                    .when()
                    .post("/api/v1/tools/" + tool + "/invocations")
                    .then()
                    .statusCode(202)
                    .extract()
                    .path("id");
            CloudEvent request = requests.await(
                    e -> EventTypes.TOOL_INVOCATION_REQUESTED.equals(e.type())
                            && id.equals(requests.codec()
                                    .data(e, ToolInvocationRequested.class)
                                    .invocationId()
                                    .toString()),
                    Duration.ofSeconds(20));
            assertEquals(
                    List.of("*.example.org:443", "api.weather.test:443"),
                    requests.codec()
                            .data(request, ToolInvocationRequested.class)
                            .network()
                            .allow());
            await().atMost(Duration.ofSeconds(60))
                    .untilAsserted(() -> given().auth()
                            .oauth2(developer("olav"))
                            .when()
                            .get("/api/v1/invocations/" + id)
                            .then()
                            .statusCode(200)
                            .body("status", equalTo("COMPLETED"))
                            .body("result.answers[0]", containsString("is not in this tool's network policy"))
                            .body("egress.denied", equalTo(1))
                            .body("egress.hosts", hasItem("api.evil.test:443")));
        }
    }

    @Test
    void thePolicyIsValidatedAtRegistrationNamingTheEntry() {
        given().auth()
                .oauth2(developer("nia"))
                .contentType(ContentType.JSON)
                .body(Map.of(
                        "name",
                        RegistryFixtures.uniqueName("net_bad"),
                        "description",
                        "bad policy",
                        "functionSignature",
                        RegistryFixtures.WEATHER_SCHEMA,
                        "implementation",
                        Map.of(
                                "language",
                                "python",
                                "code",
                                "print(1)",
                                "network",
                                Map.of("allow", List.of("api.example.com:443", "api.example.com")))))
                .when()
                .post("/api/v1/tools")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors.field", hasItem("implementation.network.allow[1]"));
    }

    @Test
    void thePolicyIsPartOfTheVersionAndTheFingerprint() {
        String tool = tool("net_version", POLICY);
        String first = given().auth()
                .oauth2(developer("nia"))
                .when()
                .get("/api/v1/tools/" + tool)
                .then()
                .statusCode(200)
                .extract()
                .path("fingerprint");
        Map<String, Object> update = Map.of(
                "description",
                "a tool with network",
                "functionSignature",
                RegistryFixtures.WEATHER_SCHEMA,
                "implementation",
                Map.of(
                        "language",
                        "python",
                        "code",
                        PROBE,
                        "network",
                        Map.of("allow", List.of("api.weather.test:443", "exfil.example.net:443"))));
        given().auth()
                .oauth2(developer("nia"))
                .contentType(ContentType.JSON)
                .body(update)
                .when()
                .put("/api/v1/tools/" + tool)
                .then()
                .statusCode(200)
                .body("currentVersion", equalTo(2))
                .body("fingerprint", not(equalTo(first)))
                .body("implementation.network.allow", hasItem("exfil.example.net:443"));
        // Without a policy the fingerprint is computed as before network policies existed.
        Map<String, Object> without = Map.of(
                "description",
                "a tool with network",
                "functionSignature",
                RegistryFixtures.WEATHER_SCHEMA,
                "implementation",
                Map.of("language", "python", "code", PROBE));
        given().auth()
                .oauth2(developer("nia"))
                .contentType(ContentType.JSON)
                .body(without)
                .when()
                .put("/api/v1/tools/" + tool)
                .then()
                .statusCode(200)
                .body("currentVersion", equalTo(3))
                .body("implementation.network", nullValue())
                .body(
                        "fingerprint",
                        equalTo(ai.prometheus.registry.tool.Fingerprints.of(
                                tool,
                                "a tool with network",
                                new com.fasterxml.jackson.databind.ObjectMapper()
                                        .valueToTree(RegistryFixtures.WEATHER_SCHEMA),
                                "python",
                                PROBE)));
    }
}
