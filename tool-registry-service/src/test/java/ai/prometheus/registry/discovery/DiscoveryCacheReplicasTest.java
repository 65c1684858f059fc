package ai.prometheus.registry.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.prometheus.registry.RegistryEngines;
import ai.prometheus.registry.RegistryFixtures;
import ai.prometheus.shared.testing.Engines;
import ai.prometheus.shared.testing.ServiceProcess;
import ai.prometheus.shared.testing.TestTokens;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Two registry replicas (two processes from the built jar, one database), each with its listing
 * and single-tool read caches: a change committed through one is in the very next listing or read
 * through the other, with no wait, while an unchanged listing or tool is answered from the cache.
 */
@EnabledIfSystemProperty(named = "prometheus.packaged", matches = "true")
class DiscoveryCacheReplicasTest {

    private static final String LISTING_HITS = "prometheus_registry_discovery_cache_lookups_total";
    private static final String READ_HITS = "prometheus_registry_tool_cache_lookups_total";
    private static ServiceProcess first;
    private static ServiceProcess second;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void startReplicas() {
        new Engines().start();
        // Listings never call the sandbox; nothing listens there.
        Map<String, String> env = Map.of("SANDBOX_URL", "http://127.0.0.1:9");
        // One group for both, as replicas share theirs in production; not production's own group.
        List<String> groups = RegistryEngines.registryGroups("tool-registry-service-replicas-test");
        first = ServiceProcess.start("tool-registry-service", env, groups);
        second = ServiceProcess.start("tool-registry-service", env, groups);
    }

    @AfterAll
    static void stop() {
        for (ServiceProcess process : new ServiceProcess[] {first, second}) {
            if (process != null) {
                process.close();
            }
        }
    }

    @Test
    void aChangeThroughOneReplicaIsInTheOtherReplicasNextListing() throws Exception {
        String tag = "cache-" + UUID.randomUUID().toString().substring(0, 8);
        String owner = RegistryFixtures.developer("cache-owner");
        String reader = TestTokens.withScope("cache-reader", "tools:read");
        String listing = "/api/v1/tools?tag=" + tag + "&sort=name";
        String alpha = RegistryFixtures.uniqueName("alpha");
        register(first, owner, alpha, tag);

        assertTrue(send(second, "GET", listing, reader, null, 200).contains(alpha));
        double hitsBefore = cacheHits(second, LISTING_HITS);
        assertTrue(send(second, "GET", listing, reader, null, 200).contains(alpha));
        assertTrue(cacheHits(second, LISTING_HITS) > hitsBefore, "an unchanged listing is answered from the cache");

        String beta = RegistryFixtures.uniqueName("beta");
        register(first, owner, beta, tag);
        assertTrue(
                send(second, "GET", listing, reader, null, 200).contains(beta), "registered through the other replica");

        send(
                first,
                "PUT",
                "/api/v1/tools/" + alpha + "/permissions",
                owner,
                "{\"read\": [\"group:hr\"], \"invoke\": [], \"manage\": []}",
                200);
        String afterAcl = send(second, "GET", listing, reader, null, 200);
        assertFalse(afterAcl.contains(alpha), "hidden by an ACL changed through the other replica: " + afterAcl);
        assertTrue(afterAcl.contains(beta));

        send(first, "DELETE", "/api/v1/tools/" + beta, owner, null, 204);
        assertFalse(
                send(second, "GET", listing, reader, null, 200).contains(beta), "deleted through the other replica");
        assertTrue(send(second, "GET", listing, owner, null, 200).contains(alpha), "the owner still sees its tool");
    }

    @Test
    void aChangeThroughOneReplicaIsInTheOtherReplicasNextRead() throws Exception {
        String owner = RegistryFixtures.developer("read-owner");
        String reader = TestTokens.withScope("read-reader", "tools:read");
        String tool = RegistryFixtures.uniqueName("gamma");
        String path = "/api/v1/tools/" + tool;
        register(first, owner, tool, "read-cache");

        assertTrue(send(second, "GET", path, reader, null, 200).contains("\"currentVersion\":1"));
        double hitsBefore = cacheHits(second, READ_HITS);
        String cached = send(second, "GET", path, reader, null, 200);
        assertTrue(cacheHits(second, READ_HITS) > hitsBefore, "an unchanged tool is answered from the cache");
        assertFalse(cached.contains("\"permissions\""), "a reader who may not manage the tool never sees its ACL");
        assertTrue(send(second, "GET", path, owner, null, 200).contains("\"permissions\""), "its owner does");
        send(second, "GET", path + "?includeDeleted=true", owner, null, 200);

        send(
                first,
                "PUT",
                path,
                owner,
                "{\"description\": \"second\", \"functionSignature\": {\"type\": \"object\"},"
                        + " \"implementation\": {\"language\": \"python\", \"code\": \"print(2)\"}}",
                200);
        assertTrue(
                send(second, "GET", path, reader, null, 200).contains("\"currentVersion\":2"),
                "a new version through the other replica");

        send(first, "PUT", path + "/status", owner, "{\"status\": \"DISABLED\", \"reason\": \"paused\"}", 200);
        assertTrue(
                send(second, "GET", path, reader, null, 200).contains("\"status\":\"DISABLED\""),
                "disabled through the other replica");

        send(
                first,
                "PUT",
                path + "/permissions",
                owner,
                "{\"read\": [\"group:hr\"], \"invoke\": [], \"manage\": []}",
                200);
        send(second, "GET", path, reader, null, 404);
        assertTrue(send(second, "GET", path, owner, null, 200).contains("group:hr"), "the owner sees the new ACL");

        send(first, "DELETE", path, owner, null, 204);
        send(second, "GET", path, owner, null, 404);
        assertTrue(send(second, "GET", path + "?includeDeleted=true", owner, null, 200)
                .contains("\"status\":\"DELETED\""));

        // The name is free again: the new tool is what both reads answer.
        String other = RegistryFixtures.developer("read-other-owner");
        register(first, other, tool, "read-cache");
        assertTrue(send(second, "GET", path, reader, null, 200).contains("\"owner\":\"read-other-owner\""));
        assertTrue(send(second, "GET", path + "?includeDeleted=true", reader, null, 200)
                .contains("\"status\":\"ACTIVE\""));
    }

    private void register(ServiceProcess replica, String owner, String name, String tag) throws Exception {
        send(
                replica,
                "POST",
                "/api/v1/tools",
                owner,
                "{\"name\": \"" + name + "\", \"tags\": [\"" + tag + "\"],"
                        + " \"functionSignature\": {\"type\": \"object\"},"
                        + " \"implementation\": {\"language\": \"python\", \"code\": \"print(1)\"}}",
                201);
    }

    private double cacheHits(ServiceProcess replica, String metric) throws Exception {
        String metrics = http.send(
                        HttpRequest.newBuilder(URI.create(replica.url() + "/q/metrics"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        Matcher matcher = Pattern.compile("(?m)^" + metric + "\\{[^}]*result=\"hit\"[^}]*} ([0-9.E]+)")
                .matcher(metrics);
        return matcher.find() ? Double.parseDouble(matcher.group(1)) : 0;
    }

    private String send(ServiceProcess replica, String method, String path, String token, String body, int expected)
            throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(replica.url() + path))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(expected, response.statusCode(), method + " " + path + ": " + response.body());
        return response.body();
    }
}
