package ai.prometheus.shared.testing;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.prometheus.shared.event.CloudEvent;
import ai.prometheus.shared.event.ErrorReported;
import ai.prometheus.shared.event.EventTypes;
import ai.prometheus.shared.event.Topics;
import io.restassured.response.Response;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * What every service of the suite promises, run against each one: each service's test sources
 * hold a {@code @QuarkusTest} subclass, so the contract is written once and checked four times
 * against the real Postgres and Kafka.
 */
public abstract class PlatformContractTest {

    protected String serviceName() {
        return ConfigProvider.getConfig().getValue("quarkus.application.name", String.class);
    }

    protected String schema() {
        return ConfigProvider.getConfig().getValue("prometheus.service.schema", String.class);
    }

    @Test
    void readinessReportsDatabaseAndKafkaUp() {
        given().when().get("/q/health/ready")
                .then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem(containsString("Database")))
                .body("checks.name", hasItem(containsString("Kafka")));
        given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void metricsOpenApiAndSwaggerUiAreServed() {
        given().when().get("/q/metrics")
                .then().statusCode(200)
                .body(containsString("# TYPE"))
                .body(containsString("prometheus_outbox_pending"));
        given().when().get("/q/openapi?format=json")
                .then().statusCode(200)
                .body("openapi", notNullValue())
                .body("paths", notNullValue());
        given().when().get("/q/swagger-ui/").then().statusCode(200);
    }

    @Test
    void flywayCreatedTheServiceSchemaWithPlatformTables() throws Exception {
        try (Connection db = Engines.jdbc();
                PreparedStatement query = db.prepareStatement(
                        "select count(*) from information_schema.tables where table_schema = ? and table_name in"
                                + " ('flyway_schema_history', 'outbox', 'processed_events')")) {
            query.setString(1, schema());
            try (ResultSet rs = query.executeQuery()) {
                rs.next();
                assertEquals(3, rs.getInt(1), "schema " + schema() + " lacks platform tables");
            }
        }
    }

    @Test
    void protectedEndpointAnswers401ProblemWithoutOrWithBadToken() {
        given().when().post("/api/v1/diagnostics/failure")
                .then().statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", containsString("Bearer"))
                .body("status", equalTo(401))
                .body("type", equalTo("urn:prometheus:problem:unauthorized"));
        given().auth().oauth2("not-a-jwt").when().post("/api/v1/diagnostics/failure")
                .then().statusCode(401).contentType("application/problem+json");
        given().auth().oauth2(TestTokens.expired("old", "admin")).when().post("/api/v1/diagnostics/failure")
                .then().statusCode(401).contentType("application/problem+json");
        given().auth().oauth2(TestTokens.signedByStranger("mallory", "admin")).when().post("/api/v1/diagnostics/failure")
                .then().statusCode(401).contentType("application/problem+json");
    }

    @Test
    void protectedEndpointAnswers403ProblemWithoutThePermission() {
        given().auth().oauth2(TestTokens.withScope("bob", "tools:read errors:read")).when()
                .post("/api/v1/diagnostics/failure")
                .then().statusCode(403)
                .contentType("application/problem+json")
                .body("detail", containsString("admin"))
                .body("instance", equalTo("/api/v1/diagnostics/failure"));
    }

    /** A listing of this service that takes {@code page} and {@code size}. */
    protected abstract String pagedListing();

    @Test
    void anUnconvertibleQueryParameterIsA400NamingIt() {
        given().auth().oauth2(TestTokens.admin()).when().get(pagedListing() + "?page=abc&size=5")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo("page"))
                .body("errors[0].reason", containsString("abc"));
    }

    @Test
    void unknownPathIsAProblemToo() {
        given().auth().oauth2(TestTokens.admin()).when().get("/api/v1/no-such-thing")
                .then().statusCode(404).contentType("application/problem+json").body("status", equalTo(404));
    }

    @Test
    void forcedErrorIsAGeneric500AndReachesKafkaThroughTheOutbox() throws Exception {
        try (KafkaProbe probe = KafkaProbe.on(Topics.ERRORS)) {
            Response response = given().auth().oauth2(TestTokens.admin()).when().post("/api/v1/diagnostics/failure");
            response.then().statusCode(500)
                    .contentType("application/problem+json")
                    .body("title", equalTo("Internal error"))
                    .body(not(containsString("Exception")))
                    .body(not(containsString("ai.prometheus")))
                    .body(not(containsString("\tat ")));
            String traceId = response.path("traceId");
            assertNotNull(traceId, "the problem carries the request's trace id");

            CloudEvent event = probe.await(e -> EventTypes.ERROR_REPORTED.equals(e.type())
                    && traceId.equals(probe.codec().data(e, ErrorReported.class).traceId()), Duration.ofSeconds(20));
            ErrorReported error = probe.codec().data(event, ErrorReported.class);
            assertEquals(serviceName(), error.service());
            assertTrue(error.errorType().endsWith("DiagnosticFailure"), error.errorType());
            assertTrue(error.stackTrace().contains("DiagnosticsResource"), "the event keeps the stack trace");
            assertEquals("/" + serviceName(), event.source());
            assertNotNull(event.traceparent());
            assertTrue(event.traceparent().contains(traceId), "traceparent continues the request's trace");

            assertSentFromOutbox(event.id());
        }
    }

    private void assertSentFromOutbox(String eventId) throws Exception {
        Instant deadline = Instant.now().plusSeconds(10);
        try (Connection db = Engines.jdbc();
                PreparedStatement query = db.prepareStatement("select sent_at from " + schema() + ".outbox where id = ?")) {
            query.setString(1, eventId);
            while (true) {
                try (ResultSet rs = query.executeQuery()) {
                    assertTrue(rs.next(), "event " + eventId + " went through the outbox");
                    if (rs.getTimestamp(1) != null) {
                        return;
                    }
                }
                if (Instant.now().isAfter(deadline)) {
                    throw new AssertionError("outbox row " + eventId + " was published but never marked sent");
                }
                Thread.sleep(100);
            }
        }
    }
}
