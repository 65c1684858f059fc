package ai.prometheus.registry.secret;

import static ai.prometheus.registry.RegistryFixtures.developer;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.prometheus.registry.RegistryFixtures;
import ai.prometheus.shared.testing.Engines;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Rotating the master key on the real database: a data key still wrapped by the previous key
 * (the test profile configures one) is read, and re-wrapping moves it to the current key.
 */
@QuarkusTest
class SecretKeyRotationTest {

    @Inject
    SecretsConfig config;

    @Inject
    SecretService secrets;

    @Test
    void dataKeysOfThePreviousMasterKeyStillWorkAndAreRewrappedWithTheCurrentOne() throws Throwable {
        String tool = RegistryFixtures.uniqueName("rotated");
        RegistryFixtures.register(
                        developer("rosa"),
                        Map.of(
                                "name",
                                tool,
                                "functionSignature",
                                RegistryFixtures.WEATHER_SCHEMA,
                                "implementation",
                                Map.of(
                                        "language",
                                        "python",
                                        "secrets",
                                        List.of("API_KEY"),
                                        "code",
                                        "import hashlib, os\nprint(hashlib.sha256(os.environ['API_KEY'].encode()).hexdigest())")))
                .statusCode(201);
        String value = "rotate-" + UUID.randomUUID();
        given().auth()
                .oauth2(developer("rosa"))
                .contentType(ContentType.JSON)
                .body(Map.of("value", value))
                .when()
                .put("/api/v1/tools/" + tool + "/secrets/API_KEY")
                .then()
                .statusCode(204);
        UUID toolId = UUID.fromString(given().auth()
                .oauth2(developer("rosa"))
                .when()
                .get("/api/v1/tools/" + tool)
                .then()
                .statusCode(200)
                .extract()
                .path("id"));

        // As if the key had been set before the rotation: its data key wrapped by the previous master key.
        MasterKeys configured = MasterKeys.from(config);
        MasterKeys.Key current = configured.current().orElseThrow();
        MasterKeys.Key previous = configured.previous().orElseThrow();
        SecretCipher.WrappedKey stored = readDataKey(toolId);
        assertEquals(current.id(), stored.masterKeyId());
        SecretCipher.WrappedKey old =
                new SecretCipher(new MasterKeys(Optional.of(previous), Optional.of(current))).rewrap(stored, toolId);
        writeDataKey(toolId, old);

        invoke(tool, value);
        int rewrapped =
                VertxContextSupport.subscribeAndAwait(secrets::rewrapDataKeys).rewrapped();
        assertTrue(rewrapped >= 1, "rewrapped " + rewrapped);
        assertEquals(current.id(), readDataKey(toolId).masterKeyId());
        invoke(tool, value);
    }

    @Test
    void aDataKeyOfAnUnknownMasterKeyMakesOnlyItsToolsSecretsUnusableUntilTheyAreSetAgain() throws Throwable {
        String tool = RegistryFixtures.uniqueName("foreign");
        RegistryFixtures.register(
                        developer("rosa"),
                        Map.of(
                                "name",
                                tool,
                                "functionSignature",
                                RegistryFixtures.WEATHER_SCHEMA,
                                "implementation",
                                Map.of(
                                        "language",
                                        "python",
                                        "secrets",
                                        List.of("API_KEY"),
                                        "code",
                                        "import hashlib, os\nprint(hashlib.sha256(os.environ['API_KEY'].encode()).hexdigest())")))
                .statusCode(201);
        given().auth()
                .oauth2(developer("rosa"))
                .contentType(ContentType.JSON)
                .body(Map.of("value", "first-" + UUID.randomUUID()))
                .when()
                .put("/api/v1/tools/" + tool + "/secrets/API_KEY")
                .then()
                .statusCode(204);
        UUID toolId = UUID.fromString(given().auth()
                .oauth2(developer("rosa"))
                .when()
                .get("/api/v1/tools/" + tool)
                .then()
                .statusCode(200)
                .extract()
                .path("id"));

        // As if the database had been filled by a registry with another master key.
        MasterKeys.Key foreign = MasterKeys.key(new byte[32]);
        SecretCipher.WrappedKey sealed =
                new SecretCipher(new MasterKeys(Optional.of(foreign), Optional.empty())).newDataKey(toolId);
        writeDataKey(toolId, sealed);

        SecretService.RewrapOutcome outcome = VertxContextSupport.subscribeAndAwait(secrets::rewrapDataKeys);
        assertTrue(outcome.unknownMasterKeys().getOrDefault(foreign.id(), 0L) >= 1, "reported " + outcome);
        assertEquals(foreign.id(), readDataKey(toolId).masterKeyId(), "a key it cannot unwrap is left as it was");

        given().auth()
                .oauth2(developer("rosa"))
                .contentType(ContentType.JSON)
                .body(Map.of("arguments", Map.of("city", "Oslo")))
                .when()
                .post("/api/v1/tools/" + tool + "/invocations")
                .then()
                .statusCode(409)
                .contentType("application/problem+json")
                .body("detail", org.hamcrest.Matchers.containsString(foreign.id()));

        given().auth()
                .oauth2(developer("rosa"))
                .when()
                .delete("/api/v1/tools/" + tool + "/secrets/API_KEY")
                .then()
                .statusCode(204);
        String value = "again-" + UUID.randomUUID();
        given().auth()
                .oauth2(developer("rosa"))
                .contentType(ContentType.JSON)
                .body(Map.of("value", value))
                .when()
                .put("/api/v1/tools/" + tool + "/secrets/API_KEY")
                .then()
                .statusCode(204);
        invoke(tool, value);
    }

    private static void invoke(String tool, String value) throws Exception {
        String hash = HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
        given().auth()
                .oauth2(developer("rosa"))
                .contentType(ContentType.JSON)
                .body(Map.of("arguments", Map.of("city", "Oslo")))
                .when()
                .post("/api/v1/tools/" + tool + "/invocations")
                .then()
                .statusCode(200)
                .body("status", equalTo("COMPLETED"))
                .body("result", equalTo(hash + "\n"));
    }

    private static SecretCipher.WrappedKey readDataKey(UUID toolId) throws Exception {
        try (Connection db = Engines.jdbc();
                PreparedStatement query = db.prepareStatement(
                        "select master_key_id, wrapped_key from tool_registry.tool_data_keys where tool_id = ?")) {
            query.setObject(1, toolId);
            try (ResultSet rs = query.executeQuery()) {
                assertTrue(rs.next(), "the tool has a data key");
                return new SecretCipher.WrappedKey(rs.getString(1), rs.getBytes(2));
            }
        }
    }

    private static void writeDataKey(UUID toolId, SecretCipher.WrappedKey key) throws Exception {
        try (Connection db = Engines.jdbc();
                PreparedStatement update = db.prepareStatement(
                        "update tool_registry.tool_data_keys set master_key_id = ?, wrapped_key = ? where tool_id = ?")) {
            update.setString(1, key.masterKeyId());
            update.setBytes(2, key.wrapped());
            update.setObject(3, toolId);
            assertEquals(1, update.executeUpdate());
        }
    }
}
