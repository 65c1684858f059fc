package ai.prometheus.guardian;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import ai.prometheus.shared.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL refusing connections, for real: the request path's reactive pool points at a port
 * nothing listens on (Flyway still migrates over JDBC). Requests that need the database are
 * answered 503 with Retry-After as problem details, not 500.
 */
@QuarkusTest
@TestProfile(DatabaseOutageTest.ConnectionRefused.class)
class DatabaseOutageTest {

    public static class ConnectionRefused implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            String isolated = "database-outage-test";
            return Map.of(
                    "quarkus.datasource.reactive.url",
                    "postgresql://127.0.0.1:1/nowhere",
                    // Validating the schema would need the refused pool at startup.
                    "quarkus.hibernate-orm.schema-management.strategy",
                    "none",
                    // Topics of its own, so this broken instance takes no one else's records.
                    "mp.messaging.incoming.errors.topic",
                    isolated,
                    "mp.messaging.incoming.errors.dead-letter-queue.topic",
                    isolated + ".dlq",
                    "mp.messaging.incoming.dead-letters.topic",
                    isolated + "-dlq-pattern-none",
                    "mp.messaging.incoming.dead-letters.pattern",
                    "false",
                    "mp.messaging.incoming.command-results.topic",
                    isolated + "-command-results",
                    "mp.messaging.incoming.command-results.dead-letter-queue.topic",
                    isolated + "-command-results.dlq",
                    "prometheus.outbox.relay-enabled",
                    "false");
        }
    }

    @Test
    void readsAndWritesAreA503WithRetryAfterWhileTheDatabaseRefusesConnections() {
        given().auth()
                .oauth2(TestTokens.admin())
                .when()
                .get("/api/v1/errors")
                .then()
                .statusCode(503)
                .contentType("application/problem+json")
                .header("Retry-After", equalTo("5"))
                .body("type", equalTo("urn:prometheus:problem:unavailable"))
                .body("detail", containsString("database"));
        given().auth()
                .oauth2(TestTokens.admin())
                .contentType(ContentType.JSON)
                .body(Map.of(
                        "service", "outage-check", "errorType", "Check", "errorMessage", "while the database is away"))
                .when()
                .post("/api/v1/errors")
                .then()
                .statusCode(503)
                .contentType("application/problem+json")
                .header("Retry-After", equalTo("5"));
    }
}
