package ai.prometheus.memory.embedding;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.prometheus.memory.MemoryApi;
import ai.prometheus.shared.testing.Engines;
import ai.prometheus.shared.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Contextual embedding chosen per context or per write: honoured by the worker, changeable, kept by backups. */
@QuarkusTest
class ContextualEmbeddingTest {

    private static final String QUESTION = "Tom: Who teaches the pottery class on Thursdays?";
    private static final String REPLY = "Maya: Ruth, a retired ceramicist.";

    private final MemoryApi owner = MemoryApi.agent("contextual-owner-" + UUID.randomUUID());
    private final MemoryApi admin =
            MemoryApi.withToken(TestTokens.withScope("contextual-admin", "memory:read memory:write memory:admin"));

    @Inject
    Embedder embedder;

    @Test
    void aContextThatAsksForItEmbedsEachMemoryWithTheOneBeforeIt() throws Exception {
        String chat = owner.request()
                .body(Map.of("name", "chat", "contextualEmbedding", true))
                .post("/api/v1/contexts")
                .then()
                .statusCode(201)
                .body("contextualEmbedding", equalTo(true))
                .extract()
                .path("id");
        String plain = owner.createContext("plain", null);
        owner.request()
                .get("/api/v1/contexts/" + plain)
                .then()
                .statusCode(200)
                .body("contextualEmbedding", nullValue());
        owner.write(chat, QUESTION);
        String reply = owner.write(chat, REPLY);
        owner.write(plain, QUESTION);
        String plainReply = owner.write(plain, REPLY);
        owner.awaitEmbedded(chat);
        owner.awaitEmbedded(plain);

        float[] withQuestion =
                embedder.embedPassages(List.of(QUESTION + "\n" + REPLY)).get(0);
        float[] alone = embedder.embedPassages(List.of(REPLY)).get(0);
        assertSame(withQuestion, stored(reply), "the reply in the contextual context is embedded after the question");
        assertSame(alone, stored(plainReply), "the service default (off) embeds the reply alone");

        // Turned off, the next memory is embedded alone; a malformed value names the field.
        owner.request()
                .body(Map.of("contextualEmbedding", "yes"))
                .patch("/api/v1/contexts/" + chat)
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("contextualEmbedding"));
        owner.request()
                .body(Map.of("contextualEmbedding", false))
                .patch("/api/v1/contexts/" + chat)
                .then()
                .statusCode(200)
                .body("contextualEmbedding", equalTo(false));
        String later = owner.write(chat, "Maya: She also runs a glazing workshop.");
        owner.awaitEmbedded(chat);
        assertSame(
                embedder.embedPassages(List.of("Maya: She also runs a glazing workshop."))
                        .get(0),
                stored(later),
                "embedded alone after the context turned it off");

        // The choice is context state: a backup keeps it and a restore brings it back.
        owner.request()
                .body(Map.of("contextualEmbedding", true))
                .patch("/api/v1/contexts/" + chat)
                .then()
                .statusCode(200);
        String backup = owner.backup(chat);
        owner.deleteTree(chat);
        admin.request().post("/api/v1/backups/" + backup + "/restore").then().statusCode(200);
        owner.request()
                .get("/api/v1/contexts/" + chat)
                .then()
                .statusCode(200)
                .body("contextualEmbedding", equalTo(true));
    }

    @Test
    void aWriteMayChooseContextualEmbeddingForItselfWhateverItsContextSays() throws Exception {
        String plain = owner.createContext("plain-per-write", null);
        String chat = owner.request()
                .body(Map.of("name", "chat-per-write", "contextualEmbedding", true))
                .post("/api/v1/contexts")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        owner.write(plain, QUESTION);
        String withPrevious = owner.request()
                .body(Map.of("content", REPLY, "contextualEmbedding", true))
                .post("/api/v1/contexts/" + plain + "/memories")
                .then()
                .statusCode(201)
                .body("contextualEmbedding", equalTo(true))
                .extract()
                .path("id");
        owner.write(chat, QUESTION);
        String alone = owner.request()
                .body(Map.of("content", REPLY, "contextualEmbedding", false))
                .post("/api/v1/contexts/" + chat + "/memories")
                .then()
                .statusCode(201)
                .body("contextualEmbedding", equalTo(false))
                .extract()
                .path("id");
        String asTheContext = owner.write(chat, "Maya: Her studio is by the river.");
        owner.request()
                .get("/api/v1/contexts/" + chat + "/memories/" + asTheContext)
                .then()
                .statusCode(200)
                .body("contextualEmbedding", nullValue());
        owner.request()
                .body(Map.of("content", "x", "contextualEmbedding", "sometimes"))
                .post("/api/v1/contexts/" + chat + "/memories")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo("contextualEmbedding"));
        owner.awaitEmbedded(plain);
        owner.awaitEmbedded(chat);

        float[] previousAndCurrent =
                embedder.embedPassages(List.of(QUESTION + "\n" + REPLY)).get(0);
        float[] current = embedder.embedPassages(List.of(REPLY)).get(0);
        assertSame(
                previousAndCurrent, stored(withPrevious), "asked for it in a context that does not embed contextually");
        assertSame(current, stored(alone), "refused it in a context that embeds contextually");
        assertDifferent(previousAndCurrent, current);
        assertSame(
                embedder.embedPassages(List.of(REPLY + "\n" + "Maya: Her studio is by the river."))
                        .get(0),
                stored(asTheContext),
                "without a choice of its own, the context's");

        // The choice belongs to the memory: a backup keeps it, and a restore embeds by it again.
        String backup = owner.backup(plain);
        owner.deleteTree(plain);
        admin.request().post("/api/v1/backups/" + backup + "/restore").then().statusCode(200);
        owner.request()
                .get("/api/v1/contexts/" + plain + "/memories/" + withPrevious)
                .then()
                .statusCode(200)
                .body("contextualEmbedding", equalTo(true));
        // Re-embedded from scratch (as after a model switch), it is embedded with its predecessor again.
        sql(
                "update memory_guild.memories set embedding = null, embedding_model = null, needs_embedding = true"
                        + " where id = ?::uuid",
                withPrevious);
        owner.awaitEmbedded(plain);
        assertSame(previousAndCurrent, stored(withPrevious), "re-embedded by its own choice");
    }

    private static void assertDifferent(float[] a, float[] b) {
        double dot = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
        }
        assertTrue(dot < 0.999, "the two texts embed differently (cosine " + dot + ")");
    }

    private static void sql(String statement, String id) throws Exception {
        try (Connection db = Engines.jdbc();
                PreparedStatement update = db.prepareStatement(statement)) {
            update.setString(1, id);
            update.executeUpdate();
        }
    }

    private static void assertSame(float[] expected, float[] actual, String message) {
        double dot = 0;
        for (int i = 0; i < expected.length; i++) {
            dot += expected[i] * actual[i];
        }
        assertTrue(dot > 0.9999, message + " (cosine " + dot + ")");
    }

    private static float[] stored(String memoryId) throws Exception {
        try (Connection db = Engines.jdbc();
                PreparedStatement select =
                        db.prepareStatement("select embedding from memory_guild.memories where id = ?::uuid")) {
            select.setString(1, memoryId);
            try (ResultSet rs = select.executeQuery()) {
                rs.next();
                return Vectors.fromBytes(rs.getBytes(1));
            }
        }
    }
}
