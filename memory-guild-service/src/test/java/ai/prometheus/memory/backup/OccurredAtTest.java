package ai.prometheus.memory.backup;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.prometheus.memory.MemoryApi;
import ai.prometheus.shared.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/** A memory's occurredAt through write, PATCH, read, search and backup/restore, including files written before it existed. */
@QuarkusTest
class OccurredAtTest {

    private static final Instant MAY_4_2023 = Instant.parse("2023-05-04T10:15:30Z");

    private final MemoryApi owner = MemoryApi.agent("occurred-owner-" + UUID.randomUUID());
    private final MemoryApi admin =
            MemoryApi.withToken(TestTokens.withScope("occurred-admin", "memory:read memory:write memory:admin"));

    @Test
    void occurredAtIsKeptAsWrittenAndDefaultsToTheCreationTime() {
        String context = owner.createContext("occurred", null);
        String dated = owner.write(
                context, Map.of("content", "The migration finished", "occurredAt", "2023-05-04T12:15:30+02:00"));
        String undated = owner.write(context, "Written without a date");

        JsonPath read = memory(context, dated);
        assertEquals(
                MAY_4_2023, Instant.parse(read.getString("occurredAt")), "same instant, whatever the offset written");
        assertTrue(Instant.parse(read.getString("createdAt")).isAfter(MAY_4_2023));
        JsonPath plain = memory(context, undated);
        assertEquals(Instant.parse(plain.getString("createdAt")), Instant.parse(plain.getString("occurredAt")));
    }

    @Test
    void aMalformedOccurredAtIsAProblemNamingTheField() {
        String context = owner.createContext("occurred-bad", null);
        for (String bad : new String[] {"yesterday", "2023-05-04", "2023-13-40T00:00:00Z"}) {
            owner.request()
                    .body(Map.of("content", "x", "occurredAt", bad))
                    .post("/api/v1/contexts/" + context + "/memories")
                    .then()
                    .statusCode(400)
                    .contentType("application/problem+json")
                    .body("errors[0].field", equalTo("occurredAt"));
        }
    }

    @Test
    void backupAndRestoreKeepOccurredAtAndOlderFilesRestoreItAsTheCreationTime() throws Exception {
        String context = owner.createContext("occurred-backup", null);
        String dated =
                owner.write(context, Map.of("content", "The outage began", "occurredAt", "2023-05-04T10:15:30Z"));
        String backupId = owner.backup(context);
        Instant createdAt = Instant.parse(memory(context, dated).getString("createdAt"));

        owner.request()
                .queryParam("policy", "cascade")
                .delete("/api/v1/contexts/" + context)
                .then()
                .statusCode(204);
        admin.request()
                .post("/api/v1/backups/" + backupId + "/restore")
                .then()
                .statusCode(200)
                .body("memories.restored", equalTo(1));
        assertEquals(MAY_4_2023, Instant.parse(memory(context, dated).getString("occurredAt")));

        byte[] file = owner.request()
                .get("/api/v1/backups/" + backupId + "/download")
                .then()
                .statusCode(200)
                .extract()
                .asByteArray();
        String text = new String(gunzip(file), StandardCharsets.UTF_8);
        assertTrue(text.contains("\"occurredAt\""), "the file carries occurredAt");
        String older = text.replaceAll(",\"occurredAt\":\"[^\"]*\"", "");
        assertFalse(older.contains("occurredAt"));

        owner.request()
                .queryParam("policy", "cascade")
                .delete("/api/v1/contexts/" + context)
                .then()
                .statusCode(204);
        String uploaded = admin.request()
                .contentType("application/gzip")
                .body(gzip(older))
                .post("/api/v1/backups/upload")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        admin.request()
                .post("/api/v1/backups/" + uploaded + "/restore")
                .then()
                .statusCode(200)
                .body("memories.restored", equalTo(1));
        JsonPath restored = memory(context, dated);
        assertEquals(createdAt, Instant.parse(restored.getString("createdAt")));
        assertEquals(
                createdAt,
                Instant.parse(restored.getString("occurredAt")),
                "no occurredAt in the file: the creation time");
    }

    @Test
    void searchFiltersOnOccurredAtInEveryModeAndRecencyCountsFromIt() {
        String context = owner.createContext("occurred-search", null);
        String april = owner.write(
                context,
                Map.of("content", "The database outage in the billing cluster", "occurredAt", "2023-04-20T09:00:00Z"));
        String may = owner.write(
                context,
                Map.of("content", "The network outage in the billing cluster", "occurredAt", "2023-05-04T10:15:30Z"));
        String recent = owner.write(context, "The disk outage in the billing cluster");
        owner.awaitEmbedded(context);

        Map<String, Object> inMay =
                Map.of("occurredAfter", "2023-05-01T00:00:00Z", "occurredBefore", "2023-06-01T00:00:00Z");
        for (String mode : new String[] {"hybrid", "semantic", "lexical"}) {
            java.util.List<String> found = owner.search(
                            context, Map.of("query", "outage billing", "mode", mode, "filters", inMay))
                    .then()
                    .statusCode(200)
                    .extract()
                    .path("results.memory.id");
            assertEquals(java.util.List.of(may), found, mode);
        }
        java.util.List<String> since = owner.search(
                        context,
                        Map.of(
                                "query",
                                "outage billing",
                                "mode",
                                "lexical",
                                "filters",
                                Map.of("occurredAfter", "2023-05-01T00:00:00Z")))
                .then()
                .statusCode(200)
                .extract()
                .path("results.memory.id");
        assertEquals(java.util.Set.of(may, recent), java.util.Set.copyOf(since));
        owner.search(context, Map.of("query", "outage", "filters", Map.of("occurredAfter", "last week")))
                .then()
                .statusCode(400)
                .body("errors[0].field", org.hamcrest.Matchers.containsString("occurredAfter"));

        // All three were written moments apart: recency differs only because of when they happened.
        JsonPath all = owner.search(context, Map.of("query", "outage billing", "mode", "hybrid"))
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        double aprilRecency = recency(all, april);
        double mayRecency = recency(all, may);
        double recentRecency = recency(all, recent);
        assertTrue(
                aprilRecency < mayRecency && mayRecency < recentRecency,
                "recency " + aprilRecency + " < " + mayRecency + " < " + recentRecency);

        // Asked as of early May 2023, May's memory is the recent one and April's two weeks old.
        JsonPath then = owner.search(
                        context, Map.of("query", "outage billing", "mode", "hybrid", "asOf", "2023-05-04T12:00:00Z"))
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertTrue(recency(then, may) > 0.99, "recency counts from asOf: " + recency(then, may));
        assertTrue(recency(then, april) > 0.6 && recency(then, april) < 0.8, "two weeks at a 30-day half-life");
        assertTrue(recency(then, recent) < 0.01, "written years after that moment: not recent then");
    }

    @Test
    void aDateInTheQueryRanksMemoriesOfThatPeriodFirst() {
        String context = owner.createContext("occurred-dates", null);
        String may =
                owner.write(context, Map.of("content", "Payments were slow", "occurredAt", "2023-05-10T08:00:00Z"));
        owner.write(
                context,
                Map.of(
                        "content",
                        "Payments were slow and the checkout page timed out for every customer",
                        "occurredAt",
                        "2023-09-10T08:00:00Z"));
        String yesterday = owner.write(
                context, Map.of("content", "Payments were slow again", "occurredAt", "2024-03-14T12:00:00Z"));
        owner.awaitEmbedded(context);

        for (String mode : new String[] {"hybrid", "semantic", "lexical"}) {
            owner.search(context, Map.of("query", "slow payments in May 2023", "mode", mode))
                    .then()
                    .statusCode(200)
                    .body("results[0].memory.id", equalTo(may));
            owner.search(
                            context,
                            Map.of("query", "slow payments yesterday", "mode", mode, "asOf", "2024-03-15T09:00:00Z"))
                    .then()
                    .statusCode(200)
                    .body("results[0].memory.id", equalTo(yesterday));
        }
    }

    @Test
    void aPeriodCountedFromAnEventRanksMemoriesOfThatPeriodFirst() {
        String context = owner.createContext("occurred-events", null);
        owner.write(
                context,
                Map.of(
                        "content",
                        "Maya: We finally leave for the trip to Lisbon today!",
                        "occurredAt",
                        "2023-05-10T07:00:00Z"));
        String twoDaysBefore = owner.write(
                context,
                Map.of(
                        "content",
                        "Maya: I baked sourdough bread with walnuts and figs this time",
                        "occurredAt",
                        "2023-05-08T09:00:00Z"));
        owner.write(
                context,
                Map.of(
                        "content",
                        "Maya: I baked sourdough bread and rye bread with my sister",
                        "occurredAt",
                        "2023-04-02T09:00:00Z"));
        String weekAfter = owner.write(
                context,
                Map.of("content", "Maya: I baked sourdough bread again", "occurredAt", "2023-05-14T09:00:00Z"));
        owner.write(
                context,
                Map.of(
                        "content",
                        "Maya: I baked sourdough bread for the neighbours' party",
                        "occurredAt",
                        "2023-06-20T09:00:00Z"));
        owner.awaitEmbedded(context);

        for (String mode : new String[] {"hybrid", "semantic", "lexical"}) {
            owner.search(context, Map.of("query", "what did Maya bake two days before the trip?", "mode", mode))
                    .then()
                    .statusCode(200)
                    .body("results[0].memory.id", equalTo(twoDaysBefore));
            owner.search(context, Map.of("query", "what did Maya bake the week after the trip", "mode", mode))
                    .then()
                    .statusCode(200)
                    .body("results[0].memory.id", equalTo(weekAfter));
        }
    }

    @Test
    void aPatchedOccurredAtMovesTheMemoryInFiltersAndRecencyAndSurvivesABackup() throws Exception {
        String context = owner.createContext("occurred-patch", null);
        String corrected = owner.write(
                context,
                Map.of("content", "The storage outage in the billing cluster", "occurredAt", "2023-05-04T10:00:00Z"));
        String other = owner.write(
                context,
                Map.of("content", "The network outage in the billing cluster", "occurredAt", "2023-05-20T10:00:00Z"));
        owner.awaitEmbedded(context);
        Map<String, Object> inMay =
                Map.of("occurredAfter", "2023-05-01T00:00:00Z", "occurredBefore", "2023-06-01T00:00:00Z");
        Map<String, Object> inApril =
                Map.of("occurredAfter", "2023-04-01T00:00:00Z", "occurredBefore", "2023-05-01T00:00:00Z");
        assertEquals(java.util.Set.of(corrected, other), found(context, "hybrid", inMay));

        // The date was learnt wrong: the event happened in April. Other fields stay as they were.
        owner.request()
                .body(Map.of("occurredAt", "2023-04-12T09:30:00+02:00"))
                .patch("/api/v1/contexts/" + context + "/memories/" + corrected)
                .then()
                .statusCode(200)
                .body("occurredAt", org.hamcrest.Matchers.notNullValue())
                .body("content", equalTo("The storage outage in the billing cluster"))
                .body("embedding", equalTo("ready"));
        Instant april12 = Instant.parse("2023-04-12T07:30:00Z");
        assertEquals(april12, Instant.parse(memory(context, corrected).getString("occurredAt")));
        for (String mode : new String[] {"hybrid", "semantic", "lexical"}) {
            assertEquals(java.util.Set.of(other), found(context, mode, inMay), mode);
            assertEquals(java.util.Set.of(corrected), found(context, mode, inApril), mode);
        }
        JsonPath all = owner.search(context, Map.of("query", "outage billing"))
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertTrue(recency(all, corrected) < recency(all, other), "recency counts from the corrected date");

        owner.request()
                .body(Map.of("occurredAt", "last April"))
                .patch("/api/v1/contexts/" + context + "/memories/" + corrected)
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo("occurredAt"));
        assertEquals(april12, Instant.parse(memory(context, corrected).getString("occurredAt")));

        String backupId = owner.backup(context);
        owner.deleteTree(context);
        admin.request()
                .post("/api/v1/backups/" + backupId + "/restore")
                .then()
                .statusCode(200)
                .body("memories.restored", equalTo(2));
        assertEquals(april12, Instant.parse(memory(context, corrected).getString("occurredAt")));
        assertEquals(java.util.Set.of(corrected), found(context, "lexical", inApril));
    }

    private java.util.Set<String> found(String context, String mode, Map<String, Object> filters) {
        java.util.List<String> ids = owner.search(
                        context, Map.of("query", "outage billing", "mode", mode, "filters", filters))
                .then()
                .statusCode(200)
                .extract()
                .path("results.memory.id");
        return java.util.Set.copyOf(ids);
    }

    private static double recency(JsonPath results, String id) {
        return results.getDouble("results.find { it.memory.id == '" + id + "' }.score.recency");
    }

    private JsonPath memory(String context, String id) {
        return owner.request()
                .get("/api/v1/contexts/" + context + "/memories/" + id)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    private static byte[] gunzip(byte[] gzipped) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzipped))) {
            return in.readAllBytes();
        }
    }

    private static byte[] gzip(String text) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }
}
