package ai.prometheus.memory.memory;

import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.prometheus.memory.MemoryApi;
import ai.prometheus.shared.testing.Engines;
import io.quarkus.test.junit.QuarkusTest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ScribeTest {

    private final MemoryApi api = MemoryApi.agent("scribe-agent-" + UUID.randomUUID());

    @Test
    void aKeyedWriteSupersedesThePreviousVersionWhichIsKeptButHidden() {
        String context = api.createContext("prefs", null);
        String first =
                api.write(context, Map.of("content", "prefers Python for scripts", "key", "language", "kind", "fact"));
        String second =
                api.write(context, Map.of("content", "prefers Rust for everything", "key", "language", "kind", "fact"));

        api.request()
                .get("/api/v1/contexts/" + context + "/memories")
                .then()
                .statusCode(200)
                .body("items.id", contains(second));
        api.request()
                .queryParam("includeSuperseded", true)
                .get("/api/v1/contexts/" + context + "/memories")
                .then()
                .body("items.id", containsInAnyOrder(first, second))
                .body("items.find { it.id == '" + first + "' }.supersededBy", equalTo(second))
                .body("items.find { it.id == '" + first + "' }.supersededAt", notNullValue());
        // Superseded memories are out of search by default, in with includeSuperseded.
        api.request()
                .body(Map.of("query", "Python", "mode", "lexical"))
                .post("/api/v1/contexts/" + context + "/search")
                .then()
                .statusCode(200)
                .body("results", hasSize(0));
        api.request()
                .body(Map.of("query", "Python", "mode", "lexical", "filters", Map.of("includeSuperseded", true)))
                .post("/api/v1/contexts/" + context + "/search")
                .then()
                .statusCode(200)
                .body("results.memory.id", contains(first));
        // History does not change.
        api.request()
                .body(Map.of("content", "rewritten"))
                .patch("/api/v1/contexts/" + context + "/memories/" + first)
                .then()
                .statusCode(409);

        // Deleting the current version brings the previous one back.
        api.request()
                .delete("/api/v1/contexts/" + context + "/memories/" + second)
                .then()
                .statusCode(204);
        api.request()
                .get("/api/v1/contexts/" + context + "/memories")
                .then()
                .body("items.id", contains(first))
                .body("items[0].supersededBy", nullValue());
    }

    @Test
    void anExactDuplicateIsStoredOnce() throws Exception {
        String context = api.createContext("dups", null);
        Map<String, Object> memory = Map.of("content", "The deploy key rotates every 90 days", "kind", "fact");
        String first = api.request()
                .body(memory)
                .post("/api/v1/contexts/" + context + "/memories")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        api.request()
                .body(memory)
                .post("/api/v1/contexts/" + context + "/memories")
                .then()
                .statusCode(200)
                .body("id", equalTo(first));
        // Another kind is another memory.
        api.request()
                .body(Map.of("content", "The deploy key rotates every 90 days", "kind", "note"))
                .post("/api/v1/contexts/" + context + "/memories")
                .then()
                .statusCode(201);
        assertEquals(2, count(context));
        // The same content in another context is that context's own memory.
        String other = api.createContext("other", null);
        api.request()
                .body(memory)
                .post("/api/v1/contexts/" + other + "/memories")
                .then()
                .statusCode(201);
    }

    @Test
    void concurrentWritersLeaveOneCurrentVersionPerKeyAndOneCopyOfEachContent() throws Exception {
        String context = api.createContext("races", null);
        java.util.concurrent.ExecutorService writers = java.util.concurrent.Executors.newFixedThreadPool(8);
        List<java.util.concurrent.Future<Integer>> statuses = new java.util.ArrayList<>();
        for (int i = 0; i < 40; i++) {
            int n = i;
            statuses.add(writers.submit(() -> api.request()
                    .body(Map.of("content", "the build server is number " + n, "key", "build-server"))
                    .post("/api/v1/contexts/" + context + "/memories")
                    .statusCode()));
            statuses.add(writers.submit(() -> api.request()
                    .body(Map.of("content", "the same fact, written by everyone"))
                    .post("/api/v1/contexts/" + context + "/memories")
                    .statusCode()));
        }
        for (var status : statuses) {
            assertTrue(status.get() == 201 || status.get() == 200, "status " + status.get());
        }
        writers.shutdown();
        assertEquals(
                1,
                count(
                        "select count(*) from memory_guild.memories where context_id = ? and key = 'build-server'"
                                + " and superseded_at is null",
                        context));
        assertEquals(
                40,
                count(
                        "select count(*) from memory_guild.memories where context_id = ? and key = 'build-server'",
                        context));
        // Every version but the current one points to its successor: one unbroken chain.
        assertEquals(
                39,
                count(
                        "select count(*) from memory_guild.memories where context_id = ? and key = 'build-server'"
                                + " and superseded_by is not null",
                        context));
        assertEquals(
                1,
                count(
                        "select count(*) from memory_guild.memories where context_id = ?"
                                + " and content = 'the same fact, written by everyone'",
                        context));
    }

    @Test
    void anEditChangesTheMemoryInPlaceAndReEmbedsIt() {
        String context = api.createContext("edits", null);
        String id = api.write(context, Map.of("content", "meeting on Monday", "importance", 0.2));
        api.awaitEmbedded(context);
        api.request()
                .body(Map.of(
                        "content", "meeting moved to Tuesday", "importance", 0.9, "metadata", Map.of("room", "B2")))
                .patch("/api/v1/contexts/" + context + "/memories/" + id)
                .then()
                .statusCode(200)
                .body("content", equalTo("meeting moved to Tuesday"))
                .body("importance", equalTo(0.9f))
                .body("metadata.room", equalTo("B2"))
                .body("embedding", equalTo("pending"));
        api.awaitEmbedded(context);
        api.request()
                .body(Map.of("query", "Tuesday", "mode", "lexical"))
                .post("/api/v1/contexts/" + context + "/search")
                .then()
                .body("results.memory.id", contains(id));
    }

    @Test
    void invalidMemoriesAreRejectedNamingTheField() throws Exception {
        String context = api.createContext("invalid", null);
        String path = "/api/v1/contexts/" + context + "/memories";
        api.request()
                .body(Map.of("content", " "))
                .post(path)
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo("content"));
        api.request()
                .body(Map.of("content", "x", "kind", "Not A Kind"))
                .post(path)
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("kind"));
        api.request()
                .body(Map.of("content", "x", "importance", 2))
                .post(path)
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("importance"));
        api.request()
                .body(Map.of("content", "x", "metadata", "text"))
                .post(path)
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("metadata"));
        api.request()
                .body(Map.of("content", "x".repeat(32_001)))
                .post(path)
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("content"));
        assertEquals(0, count(context));
    }

    private static long count(String contextId) throws Exception {
        return count("select count(*) from memory_guild.memories where context_id = ?", contextId);
    }

    private static long count(String sql, String contextId) throws Exception {
        try (Connection db = Engines.jdbc();
                PreparedStatement query = db.prepareStatement(sql)) {
            query.setObject(1, UUID.fromString(contextId));
            try (ResultSet rs = query.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
