package ai.prometheus.registry.tool;

import static ai.prometheus.registry.RegistryFixtures.developer;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.prometheus.registry.RegistryFixtures;
import ai.prometheus.shared.testing.PrometheusScrape;
import ai.prometheus.shared.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Reads of one tool answered from the replica's cache decide each caller's access as uncached
 * reads did, and follow deletion and re-registration of the name. (Changes through another
 * replica: {@code DiscoveryCacheReplicasTest}.)
 */
@QuarkusTest
class ToolReadCacheTest {

    @Test
    void aCachedReadStillDecidesEachCallersAccess() {
        String owner = developer("rhea");
        String tool = RegistryFixtures.registerWeatherTool("rhea", "cachedacl");
        given().auth()
                .oauth2(owner)
                .contentType(ContentType.JSON)
                .body(Map.of("read", List.of("group:analysts"), "invoke", List.of(), "manage", List.of("subject:sam")))
                .when()
                .put("/api/v1/tools/" + tool + "/permissions")
                .then()
                .statusCode(200);
        read(owner, tool, false).statusCode(200).body("permissions.read", equalTo(List.of("group:analysts")));
        String unchanged = read(owner, tool, false).extract().asString();
        double hits = cacheHits();

        // Each caller gets the answer the ACL gives it, from the entry the owner's read left.
        String analyst = TestTokens.builder("ana")
                .claim("scope", "tools:read")
                .groups(Set.of("analysts"))
                .sign(TestTokens.key());
        read(analyst, tool, false)
                .statusCode(200)
                .header("Content-Type", "application/json;charset=UTF-8")
                .body("name", equalTo(tool))
                .body("permissions", nullValue());
        read(developer("stranger"), tool, false).statusCode(404).contentType("application/problem+json");
        String otherTools = TestTokens.builder("ana")
                .claim("scope", "tools:read:other_*")
                .groups(Set.of("analysts"))
                .sign(TestTokens.key());
        read(otherTools, tool, false).statusCode(404);
        read(otherTools, tool, true).statusCode(404);
        read(developer("sam"), tool, false).statusCode(200).body("permissions.manage", equalTo(List.of("subject:sam")));
        assertEquals(unchanged, read(owner, tool, false).extract().asString());
        assertTrue(cacheHits() > hits, "the reads after the owner's were answered from the cache");
    }

    @Test
    void includeDeletedFollowsDeletionAndANewToolOfTheSameName() {
        String tool = RegistryFixtures.registerWeatherTool("olive", "cachedel");
        read(developer("olive"), tool, true).statusCode(200).body("owner", equalTo("olive"));
        read(developer("olive"), tool, true).statusCode(200).body("status", equalTo("ACTIVE"));

        given().auth()
                .oauth2(developer("olive"))
                .when()
                .delete("/api/v1/tools/" + tool)
                .then()
                .statusCode(204);
        read(developer("olive"), tool, false).statusCode(404);
        read(developer("olive"), tool, true).statusCode(200).body("status", equalTo("DELETED"));

        RegistryFixtures.register(
                        developer("piers"),
                        RegistryFixtures.definition(tool, "same name, new tool", List.of(), "print(2)"))
                .statusCode(201);
        read(developer("olive"), tool, false).statusCode(200).body("owner", equalTo("piers"));
        read(developer("olive"), tool, true)
                .statusCode(200)
                .body("owner", equalTo("piers"))
                .body("status", equalTo("ACTIVE"))
                .body("permissions", nullValue());
    }

    private static ValidatableResponse read(String token, String tool, boolean includeDeleted) {
        return given().auth()
                .oauth2(token)
                .queryParam("includeDeleted", includeDeleted)
                .when()
                .get("/api/v1/tools/" + tool)
                .then();
    }

    private static double cacheHits() {
        return PrometheusScrape.of(given().when()
                        .get("/q/metrics")
                        .then()
                        .statusCode(200)
                        .extract()
                        .asString())
                .value("prometheus_registry_tool_cache_lookups_total", Map.of("result", "hit"));
    }
}
