package ai.prometheus.memory.search;

import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.prometheus.memory.MemoryApi;
import ai.prometheus.memory.embedding.Embedder;
import ai.prometheus.memory.embedding.EmbeddingRepository;
import ai.prometheus.shared.testing.Engines;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A search shows its hits from the index's blocks when an earlier search read them at the version
 * the block holds, and reads them from Postgres again as soon as the row changes on any replica.
 */
@QuarkusTest
class HitViewCacheTest {

    private static final String ORIGINAL = "The release train leaves the station every second Thursday";

    private final MemoryApi api = MemoryApi.agent("view-cache-agent-" + UUID.randomUUID());

    @Inject
    EmbeddingRepository embeddings;

    @Inject
    Embedder embedder;

    @Test
    void aHitIsShownFromTheIndexUntilItsRowChangesOnAnyReplica() throws Exception {
        String context = api.createContext("views", null);
        String memory = api.write(context, ORIGINAL);
        api.awaitEmbedded(context); // storing its vector moves its version: done before the first search
        api.search(context, Map.of("query", "release train", "mode", "lexical"))
                .then()
                .statusCode(200)
                .body("results.memory.content", contains(ORIGINAL));

        // A row changed without moving its version (no writer does that): the next search still
        // shows what the first one read, so the hit did not come from Postgres.
        try (Connection db = Engines.jdbc();
                var tamper = db.prepareStatement("update memory_guild.memories set content = ? where id = ?")) {
            tamper.setString(1, "The release train was changed behind the index");
            tamper.setObject(2, UUID.fromString(memory));
            tamper.executeUpdate();
        }
        api.search(context, Map.of("query", "release train", "mode", "lexical"))
                .then()
                .statusCode(200)
                .body("results.memory.content", contains(ORIGINAL));

        // Another replica edits it as every writer does (the row's and the context's version).
        String edited = "The release train leaves the station every Thursday";
        try (Connection db = Engines.jdbc()) {
            db.setAutoCommit(false);
            long version;
            try (var bump = db.prepareStatement("update memory_guild.memory_contexts"
                    + " set memory_version = memory_version + 1 where id = ? returning memory_version")) {
                bump.setObject(1, UUID.fromString(context));
                try (var rs = bump.executeQuery()) {
                    rs.next();
                    version = rs.getLong(1);
                }
            }
            try (var edit = db.prepareStatement(
                    "update memory_guild.memories set content = ?, change_version = ? where id = ?")) {
                edit.setString(1, edited);
                edit.setLong(2, version);
                edit.setObject(3, UUID.fromString(memory));
                edit.executeUpdate();
            }
            db.commit();
        }
        api.search(context, Map.of("query", "release train", "mode", "lexical"))
                .then()
                .statusCode(200)
                .body("results.memory.content", contains(edited));
    }

    @Test
    void aMemoryMarkedForReEmbeddingMovesToANewVersionSoNoReplicaKeepsShowingItReady() throws Exception {
        String context = api.createContext("model-switch", null);
        String memory = api.write(context, ORIGINAL);
        api.awaitEmbedded(context);
        api.search(context, Map.of("query", "release train", "mode", "lexical"))
                .then()
                .statusCode(200)
                .body("results.memory.embedding", contains("ready"));
        long before = versions(memory)[0];

        // As after a switch of memory.embedding.model: this memory's vector is another model's.
        try (Connection db = Engines.jdbc();
                var retire = db.prepareStatement(
                        "update memory_guild.memories set embedding_model = 'a-retired-model' where id = ?")) {
            retire.setObject(1, UUID.fromString(memory));
            retire.executeUpdate();
        }
        assertTrue(embeddings.markOtherModels(embedder.modelId()).await().atMost(Duration.ofSeconds(30)) >= 1);

        // Its row and its context moved together (the worker storing a new vector moves them
        // again, never back), so a block holding the "ready" view reads the row again.
        long[] after = versions(memory);
        assertTrue(after[0] > before, "the row's version moved: " + before + " -> " + after[0]);
        assertEquals(after[1], after[0], "the context's version is the row's");
    }

    /** The memory's change version and its context's memory version. */
    private static long[] versions(String memory) throws Exception {
        try (Connection db = Engines.jdbc();
                var read = db.prepareStatement("select m.change_version, c.memory_version"
                        + " from memory_guild.memories m join memory_guild.memory_contexts c on c.id = m.context_id"
                        + " where m.id = ?")) {
            read.setObject(1, UUID.fromString(memory));
            try (var rs = read.executeQuery()) {
                rs.next();
                return new long[] {rs.getLong(1), rs.getLong(2)};
            }
        }
    }

    @Test
    void aSupersededHitShowsItsSupersessionAfterItWasShownCurrent() {
        String context = api.createContext("supersession", null);
        String first = api.write(context, Map.of("content", "The on-call phone is with Priya", "key", "on-call"));
        var search = Map.<String, Object>of(
                "query", "on-call phone", "mode", "lexical", "filters", Map.of("includeSuperseded", true));
        api.search(context, search)
                .then()
                .statusCode(200)
                .body("results.find { it.memory.id == '" + first + "' }.memory.supersededAt", nullValue());

        String second = api.write(context, Map.of("content", "The on-call phone is with Tomasz", "key", "on-call"));
        api.search(context, search)
                .then()
                .statusCode(200)
                .body("results.find { it.memory.id == '" + first + "' }.memory.supersededAt", notNullValue())
                .body("results.find { it.memory.id == '" + first + "' }.memory.supersededBy", equalTo(second));
        // Without superseded memories the old one is gone, whatever was cached for it.
        api.search(context, Map.of("query", "on-call phone", "mode", "lexical"))
                .then()
                .statusCode(200)
                .body("results.memory.id", contains(second));
    }

    @Test
    void aCallerWithoutAccessGetsNoCachedHit() {
        String context = api.createContext("private", null);
        api.write(context, ORIGINAL);
        api.search(context, Map.of("query", "release train", "mode", "lexical"))
                .then()
                .statusCode(200);
        MemoryApi stranger = MemoryApi.agent("view-cache-stranger-" + UUID.randomUUID());
        stranger.search(context, Map.of("query", "release train", "mode", "lexical"))
                .then()
                .statusCode(404);
    }
}
