package ai.prometheus.shared.testing;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.lessThan;
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
        given().when()
                .get("/q/health/ready")
                .then()
                .statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem(containsString("Database")))
                .body("checks.name", hasItem(containsString("Kafka")));
        given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void metricsOpenApiAndSwaggerUiAreServed() {
        given().when()
                .get("/q/metrics")
                .then()
                .statusCode(200)
                .body(containsString("# TYPE"))
                .body(containsString("prometheus_outbox_pending"))
                .body(containsString("prometheus_outbox_oldest_unsent_age_seconds"));
        PrometheusScrape.of(given().when().get("/q/metrics").asString()).assertSuiteConventions();
        given().when()
                .get("/q/openapi?format=json")
                .then()
                .statusCode(200)
                .body("openapi", notNullValue())
                .body("paths", notNullValue());
        given().when().get("/q/swagger-ui/").then().statusCode(200);
    }

    @Test
    void everyOperationDeclaresItsIdTheBearerTokenAndProblemAnswers() throws Exception {
        com.fasterxml.jackson.databind.JsonNode document = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(given().when()
                        .get("/q/openapi?format=json")
                        .then()
                        .statusCode(200)
                        .extract()
                        .asString());
        assertTrue(
                document.at("/components/securitySchemes/SecurityScheme/scheme")
                        .asText()
                        .equalsIgnoreCase("bearer"),
                "a bearer security scheme");
        assertTrue(document.at("/components/schemas/Problem/properties/status").isObject(), "a shared Problem schema");
        java.util.Set<String> ids = new java.util.HashSet<>();
        java.util.List<String> faults = new java.util.ArrayList<>();
        document.get("paths")
                .fields()
                .forEachRemaining(path -> path.getValue().fields().forEachRemaining(entry -> {
                    com.fasterxml.jackson.databind.JsonNode operation = entry.getValue();
                    if (!operation.has("responses") || path.getKey().startsWith("/.well-known/")) {
                        return;
                    }
                    String where = entry.getKey().toUpperCase() + " " + path.getKey();
                    String id = operation.path("operationId").asText("");
                    if (id.isEmpty() || !ids.add(id)) {
                        faults.add(where + ": operationId '" + id + "' missing or not unique");
                    }
                    if (!operation.path("security").toString().contains("SecurityScheme")) {
                        faults.add(where + ": no bearer security requirement");
                    }
                    for (String status : java.util.List.of("401", "403")) {
                        if (!operation.at("/responses/" + status + "/content").has("application/problem+json")) {
                            faults.add(where + ": " + status + " is not documented as problem+json");
                        }
                    }
                    operation.get("responses").fields().forEachRemaining(response -> {
                        if (response.getKey().matches("[45]\\d\\d")
                                && !response.getValue()
                                        .at("/content/application~1problem+json/schema/$ref")
                                        .asText()
                                        .endsWith("/Problem")) {
                            faults.add(where + ": " + response.getKey() + " does not answer the Problem schema");
                        }
                    });
                }));
        assertTrue(faults.isEmpty(), String.join("\n", faults));
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
        given().when()
                .post("/api/v1/diagnostics/failure")
                .then()
                .statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", containsString("Bearer"))
                .body("status", equalTo(401))
                .body("type", equalTo("urn:prometheus:problem:unauthorized"));
        given().auth()
                .oauth2("not-a-jwt")
                .when()
                .post("/api/v1/diagnostics/failure")
                .then()
                .statusCode(401)
                .contentType("application/problem+json");
        given().auth()
                .oauth2(TestTokens.expired("old", "admin"))
                .when()
                .post("/api/v1/diagnostics/failure")
                .then()
                .statusCode(401)
                .contentType("application/problem+json");
        given().auth()
                .oauth2(TestTokens.signedByStranger("mallory", "admin"))
                .when()
                .post("/api/v1/diagnostics/failure")
                .then()
                .statusCode(401)
                .contentType("application/problem+json");
    }

    @Test
    void protectedEndpointAnswers403ProblemWithoutThePermission() {
        given().auth()
                .oauth2(TestTokens.withScope("bob", "tools:read errors:read"))
                .when()
                .post("/api/v1/diagnostics/failure")
                .then()
                .statusCode(403)
                .contentType("application/problem+json")
                .body("detail", containsString("admin"))
                .body("instance", equalTo("/api/v1/diagnostics/failure"));
    }

    /** A listing of this service that takes {@code page} and {@code size}; {@code listing/{x}} reads one item. */
    protected abstract String pagedListing();

    /**
     * An operation of this service that takes a JSON object body: its path, a string field of that
     * body, and the body as a template whose {@code %s} is that field's (JSON-escaped) content.
     */
    protected abstract JsonOperation jsonOperation();

    public record JsonOperation(String path, String stringField, String bodyTemplate) {

        public String body(String escapedContent) {
            return bodyTemplate.formatted(escapedContent);
        }
    }

    private Response post(String body) {
        return given().auth()
                .oauth2(TestTokens.admin())
                .contentType("application/json")
                .body(body)
                .when()
                .post(jsonOperation().path());
    }

    private static void assertFieldRefused(Response response, String field, String reasonPart) {
        response.then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo(field))
                .body("errors[0].reason", containsString(reasonPart));
    }

    @Test
    void anUnknownFieldInABodyIsA400NamingIt() {
        String body = jsonOperation().body("fine");
        body = body.substring(0, body.lastIndexOf('}')) + ", \"bogusField\": true}";
        assertFieldRefused(post(body), "bogusField", "not a field");
    }

    @Test
    void aDuplicateKeyIsA400NamingIt() {
        String field = jsonOperation().stringField();
        String body = "{\"" + field + "\": \"first\", "
                + jsonOperation().body("second").substring(1);
        assertFieldRefused(post(body), field, "more than once");
    }

    @Test
    void contentAfterTheJsonValueIsA400() {
        assertFieldRefused(post(jsonOperation().body("fine") + " {\"more\": 1}"), "body", "after the JSON value");
        assertFieldRefused(post(jsonOperation().body("fine") + " garbage"), "body", "after the JSON value");
    }

    @Test
    void aBodyOfTheWrongTypeIsA400() {
        post("[]")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo("body"));
        post("\"text\"").then().statusCode(400).contentType("application/problem+json");
    }

    @Test
    void textPostgresCannotStoreIsA400NamingTheField() {
        String field = jsonOperation().stringField();
        assertFieldRefused(post(jsonOperation().body("before\\u0000after")), field, "NUL");
        assertFieldRefused(post(jsonOperation().body("lone \\ud800 surrogate")), field, "surrogate");
        assertFieldRefused(post(jsonOperation().body("lone \\udc00 low")), field, "surrogate");
        // A proper pair (an emoji) is fine as far as storage goes.
        Response paired = post(jsonOperation().body("pair \\ud83d\\ude00"));
        assertTrue(paired.statusCode() != 500, "a surrogate pair answered " + paired.statusCode());
        if (paired.statusCode() == 400) {
            assertTrue(!paired.asString().contains("surrogate"), paired.asString());
        }
    }

    @Test
    void nulInAQueryParameterOrPathSegmentIsA400NamingIt() {
        given().auth()
                .oauth2(TestTokens.admin())
                .urlEncodingEnabled(false)
                .when()
                .get(pagedListing() + "?size=5&filter=a%00b")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo("filter"))
                .body("errors[0].reason", containsString("NUL"));
        given().auth()
                .oauth2(TestTokens.admin())
                .urlEncodingEnabled(false)
                .when()
                .get(pagedListing() + "/a%00b")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].reason", containsString("NUL"));
        given().auth()
                .oauth2(TestTokens.admin())
                .urlEncodingEnabled(false)
                .when()
                .get(pagedListing() + "/a%ED%A0%80b")
                .then()
                .statusCode(lessThan(500));
    }

    @Test
    void malformedPercentEncodingIsA400NamingTheParameter() throws Exception {
        RawHttp.RawResponse query = RawHttp.send("GET " + pagedListing() + "?size=5&filter=%ZZ HTTP/1.1\r\n"
                + "Authorization: Bearer " + TestTokens.admin() + "\r\n");
        query.assertProblem(400);
        assertTrue(query.body().contains("filter") && query.body().contains("percent-encoding"), query.body());
        RawHttp.RawResponse path = RawHttp.send(
                "GET " + pagedListing() + "/%ZZ HTTP/1.1\r\n" + "Authorization: Bearer " + TestTokens.admin() + "\r\n");
        path.assertProblem(400);
    }

    @Test
    void oversizedUriHeadersAndBodyAreAnsweredWithProblemDetails() throws Exception {
        RawHttp.send("GET " + pagedListing() + "?filter=" + "x".repeat(10_000) + " HTTP/1.1\r\n")
                .assertProblem(414);
        RawHttp.send("GET " + pagedListing() + " HTTP/1.1\r\nX-Padding: " + "y".repeat(30_000) + "\r\n")
                .assertProblem(431);
        // Far past the usual 64 KiB decoder limits, where Vert.x alone would answer without a body.
        RawHttp.send("GET " + pagedListing() + "?filter=" + "x".repeat(900_000) + " HTTP/1.1\r\n")
                .assertProblem(414);
        RawHttp.send("GET " + pagedListing() + " HTTP/1.1\r\n"
                        + ("X-Padding: " + "y".repeat(8_000) + "\r\n").repeat(100))
                .assertProblem(431);
        // Declared larger than any service accepts; the body is never sent, the answer comes first.
        RawHttp.send("POST " + jsonOperation().path() + " HTTP/1.1\r\nContent-Type: application/json\r\n"
                        + "Authorization: Bearer " + TestTokens.admin() + "\r\nContent-Length: 9999999999\r\n")
                .assertProblem(413);
    }

    @Test
    void aChunkedJsonBodyOverTheLimitIsA413ProblemAndOneWithinItIsRead() throws Exception {
        var config = ConfigProvider.getConfig();
        long limit = config.getOptionalValue(
                        "prometheus.http.max-json-body-size", io.quarkus.runtime.configuration.MemorySize.class)
                .orElseGet(() -> config.getValue(
                        "quarkus.http.limits.max-body-size", io.quarkus.runtime.configuration.MemorySize.class))
                .asLongValue();
        byte[] chunk = " ".repeat(64 * 1024).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        String request = "POST " + jsonOperation().path() + " HTTP/1.1\r\nContent-Type: application/json\r\n"
                + "Authorization: Bearer " + TestTokens.admin() + "\r\n";
        RawHttp.sendChunked(request, chunk, (int) (limit / chunk.length) + 2).assertProblem(413);
        // Within the limit the body is read as JSON (whitespace and a misspelt field: a 400 naming it).
        RawHttp.RawResponse small = RawHttp.sendChunked(
                request, "{\"unknownChunkedField\": 1}".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 1);
        small.assertProblem(400);
        assertTrue(small.body().contains("unknownChunkedField"), small.body());
    }

    @Test
    void anUnsupportedContentTypeIsA415Problem() {
        given().auth()
                .oauth2(TestTokens.admin())
                .contentType("text/plain")
                .body("hello")
                .when()
                .post(jsonOperation().path())
                .then()
                .statusCode(415)
                .contentType("application/problem+json")
                .body("status", equalTo(415));
    }

    @Test
    void anOutboxRowThatCanNeverBeSentIsParkedReportedAndCountedWhileOthersFlow() throws Exception {
        String big = "big-" + java.util.UUID.randomUUID();
        String small = "small-" + java.util.UUID.randomUUID();
        try (KafkaProbe probe = KafkaProbe.on(Topics.ERRORS)) {
            try (Connection db = Engines.jdbc();
                    PreparedStatement insert = db.prepareStatement(
                            "insert into " + schema()
                                    + ".outbox (id, topic, message_key, event_type, payload) values (?, ?, ?, ?, cast(? as jsonb))")) {
                insert.setString(1, big);
                insert.setString(2, Topics.ERRORS);
                insert.setString(3, "contract");
                insert.setString(4, "contract.oversized");
                insert.setString(5, "{\"filler\": \"" + "z".repeat(1_200_000) + "\"}");
                insert.executeUpdate();
                insert.setString(1, small);
                insert.setString(4, "contract.small");
                insert.setString(5, "{\"specversion\": \"1.0\"}");
                insert.executeUpdate();
            }
            CloudEvent report = probe.await(
                    e -> EventTypes.ERROR_REPORTED.equals(e.type())
                            && big.equals(probe.codec()
                                    .data(e, ErrorReported.class)
                                    .attributes()
                                    .get("eventId")),
                    Duration.ofSeconds(30));
            ErrorReported parked = probe.codec().data(report, ErrorReported.class);
            assertEquals("outbox-parked", parked.errorType());
            assertTrue(parked.errorMessage().contains("bytes"), parked.errorMessage());
        }
        assertSentFromOutbox(small);
        try (Connection db = Engines.jdbc();
                PreparedStatement query = db.prepareStatement(
                        "select sent_at, parked_at, parked_reason from " + schema() + ".outbox where id = ?")) {
            query.setString(1, big);
            try (ResultSet rs = query.executeQuery()) {
                assertTrue(rs.next());
                assertEquals(null, rs.getTimestamp(1), "a parked row is not sent");
                assertNotNull(rs.getTimestamp(2), "the row is parked");
                assertTrue(rs.getString(3).contains("bytes"), rs.getString(3));
            }
        }
        given().when().get("/q/metrics").then().statusCode(200).body(containsString("prometheus_outbox_parked_total"));
    }

    @Test
    void anUnconvertibleQueryParameterIsA400NamingIt() {
        given().auth()
                .oauth2(TestTokens.admin())
                .when()
                .get(pagedListing() + "?page=abc&size=5")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo("page"))
                .body("errors[0].reason", containsString("abc"));
    }

    @Test
    void unknownPathIsAProblemToo() {
        given().auth()
                .oauth2(TestTokens.admin())
                .when()
                .get("/api/v1/no-such-thing")
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("status", equalTo(404));
    }

    @Test
    void forcedErrorIsAGeneric500AndReachesKafkaThroughTheOutbox() throws Exception {
        try (KafkaProbe probe = KafkaProbe.on(Topics.ERRORS)) {
            Response response = given().auth().oauth2(TestTokens.admin()).when().post("/api/v1/diagnostics/failure");
            response.then()
                    .statusCode(500)
                    .contentType("application/problem+json")
                    .body("title", equalTo("Internal error"))
                    .body(not(containsString("Exception")))
                    .body(not(containsString("ai.prometheus")))
                    .body(not(containsString("\tat ")));
            String traceId = response.path("traceId");
            assertNotNull(traceId, "the problem carries the request's trace id");

            CloudEvent event = probe.await(
                    e -> EventTypes.ERROR_REPORTED.equals(e.type())
                            && traceId.equals(
                                    probe.codec().data(e, ErrorReported.class).traceId()),
                    Duration.ofSeconds(20));
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
                PreparedStatement query =
                        db.prepareStatement("select sent_at from " + schema() + ".outbox where id = ?")) {
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
