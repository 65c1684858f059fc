package ai.prometheus.memory.backup;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.prometheus.memory.MemoryApi;
import ai.prometheus.shared.testing.Engines;
import ai.prometheus.shared.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ArchivistTest {

    private static final List<String> QUERIES = List.of(
            "who prefers which programming language", "INV-7731", "how do we deploy to production", "standup time");

    private final String ownerName = "archive-owner-" + UUID.randomUUID();
    private final MemoryApi owner = MemoryApi.agent(ownerName);
    private final MemoryApi admin =
            MemoryApi.withToken(TestTokens.withScope("archive-admin", "memory:read memory:write memory:admin"));

    @Inject
    BackupSchedule schedule;

    @Inject
    BackupFiles backupFiles;

    @Inject
    ai.prometheus.memory.embedding.Embedder embedder;

    @Test
    void backupThenRestoreIntoAnEmptiedSchemaGivesIdenticalSearchResultsAndRestoringTwiceChangesNothing()
            throws Exception {
        Tree tree = buildTree();
        Map<String, List<String>> before = searches(tree.child());
        String backupId = backup(tree.root());
        admin.request()
                .get("/api/v1/backups/" + backupId)
                .then()
                .body("contexts", equalTo(2))
                .body("memories", equalTo(7))
                .body("shares", equalTo(1));

        owner.request()
                .queryParam("policy", "cascade")
                .delete("/api/v1/contexts/" + tree.root())
                .then()
                .statusCode(204);
        assertEquals(
                0,
                count("select count(*) from memory_guild.memories where context_id in ('" + tree.root() + "', '"
                        + tree.child() + "')"));
        owner.search(tree.child(), Map.of("query", "standup")).then().statusCode(404);

        JsonPath report = restore(backupId);
        assertEquals(2, report.getInt("contexts.restored"));
        assertEquals(7, report.getInt("memories.restored"));
        assertEquals(1, report.getInt("shares.restored"));
        assertEquals(0, report.getInt("reembedding"), "same model: embeddings come back as they were");

        assertEquals(before, searches(tree.child()));
        MemoryApi.agent(tree.reader())
                .request()
                .get("/api/v1/contexts/" + tree.root())
                .then()
                .statusCode(200)
                .body("access", equalTo("read"));

        String snapshot = snapshot(tree);
        JsonPath again = restore(backupId);
        assertEquals(0, again.getInt("contexts.restored"));
        assertEquals(2, again.getInt("contexts.skipped"));
        assertEquals(0, again.getInt("memories.restored"));
        assertEquals(7, again.getInt("memories.skipped"));
        assertEquals(0, again.getInt("shares.restored"));
        assertEquals(snapshot, snapshot(tree), "the second restore changed nothing");
        assertEquals(before, searches(tree.child()));
    }

    @Test
    void aFileWhoseEmbeddingsCameFromAnotherModelIsReEmbeddedOnRestore() throws Exception {
        Tree tree = buildTree();
        Map<String, List<String>> before = searches(tree.child());
        String backupId = backup(tree.root());
        byte[] original = owner.request()
                .get("/api/v1/backups/" + backupId + "/download")
                .then()
                .statusCode(200)
                .contentType("application/gzip")
                .extract()
                .asByteArray();
        byte[] otherModel =
                rewrite(original, line -> line.replace("\"" + embedder.modelId() + "\"", "\"another-model-v9\""));
        assertTrue(new String(gunzip(otherModel), StandardCharsets.UTF_8).contains("another-model-v9"));

        owner.request()
                .queryParam("policy", "cascade")
                .delete("/api/v1/contexts/" + tree.root())
                .then()
                .statusCode(204);
        String uploaded = admin.request()
                .contentType("application/gzip")
                .body(otherModel)
                .post("/api/v1/backups/upload")
                .then()
                .statusCode(201)
                .body("origin", equalTo("upload"))
                .body("embeddingModel", equalTo("another-model-v9"))
                .body("memories", equalTo(7))
                .extract()
                .path("id");
        JsonPath report = restore(uploaded);
        assertEquals(7, report.getInt("memories.restored"));
        assertEquals(7, report.getInt("reembedding"));

        owner.awaitEmbedded(tree.child());
        assertEquals(
                0,
                count("select count(*) from memory_guild.memories where context_id in ('" + tree.root() + "', '"
                        + tree.child() + "') and embedding_model is distinct from '" + embedder.modelId() + "'"));
        assertEquals(before, searches(tree.child()), "the same model recomputes the same vectors");
    }

    @Test
    void badOrTruncatedFilesAreRefusedNamingTheProblemAndLeaveNothing() throws Exception {
        Tree tree = buildTree();
        String backupId = backup(tree.root());
        byte[] original = owner.request()
                .get("/api/v1/backups/" + backupId + "/download")
                .then()
                .statusCode(200)
                .extract()
                .asByteArray();
        long backupsBefore = count("select count(*) from memory_guild.memory_backups");

        admin.request()
                .contentType("application/gzip")
                .body("not a backup".getBytes(StandardCharsets.UTF_8))
                .post("/api/v1/backups/upload")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo("file"));
        byte[] truncated = rewrite(original, line -> line.startsWith("{\"type\":\"end\"") ? null : line);
        admin.request()
                .contentType("application/gzip")
                .body(truncated)
                .post("/api/v1/backups/upload")
                .then()
                .statusCode(400)
                .body("errors[0].reason", containsString("truncated"));
        byte[] newer = rewrite(original, line -> line.replace("\"version\":1,", "\"version\":99,"));
        admin.request()
                .contentType("application/gzip")
                .body(newer)
                .post("/api/v1/backups/upload")
                .then()
                .statusCode(400)
                .body("errors[0].reason", containsString("version 99"));
        assertEquals(backupsBefore, count("select count(*) from memory_guild.memory_backups"));
        try (var files = Files.list(backupFiles.directory())) {
            assertTrue(files.noneMatch(file -> file.toString().endsWith(".part")), "no partial file is left behind");
        }
    }

    @Test
    void anEmptyUploadIsABadFile() throws Exception {
        long backupsBefore = count("select count(*) from memory_guild.memory_backups");
        admin.request()
                .contentType("application/gzip")
                .body(new byte[0])
                .post("/api/v1/backups/upload")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo("file"))
                .body("errors[0].reason", containsString("empty"));
        assertEquals(backupsBefore, count("select count(*) from memory_guild.memory_backups"));
    }

    @Test
    void aLineLongerThanAnyRecordIsRefusedWithoutReadingItWhole() throws Exception {
        // 50 MB of one line without a newline: refused once it passes the longest possible record.
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write((header() + "\n").getBytes(StandardCharsets.UTF_8));
            byte[] chunk = "x".repeat(1 << 20).getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < 50; i++) {
                gzip.write(chunk);
            }
        }
        admin.request()
                .contentType("application/gzip")
                .body(out.toByteArray())
                .post("/api/v1/backups/upload")
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("file"))
                .body("errors[0].reason", containsString("line 2: is longer than"));
    }

    @Test
    void restoredDataKeepsTheLimitsOfTheRestApi() throws Exception {
        UUID root = UUID.randomUUID();
        String at = "\"createdAt\":\"2026-01-01T00:00:00Z\",\"updatedAt\":\"2026-01-01T00:00:00Z\"";
        String context = "{\"type\":\"context\",\"id\":\"" + root + "\",\"owner\":\"x\"," + at + "}";
        String memory = "{\"type\":\"memory\",\"id\":\"" + UUID.randomUUID() + "\",\"contextId\":\"" + root
                + "\",\"kind\":\"fact\",\"importance\":0.5," + at + ",\"content\":";
        String end = "{\"type\":\"end\",\"contexts\":1,\"memories\":1,\"shares\":0}";

        upload(List.of(header(), context, memory + "\"" + "y".repeat(32_001) + "\"}", end))
                .statusCode(400)
                .body("errors[0].reason", containsString("line 3: memory"))
                .body("errors[0].reason", containsString("32000 characters"));
        String bigMetadata = "{\"type\":\"context\",\"id\":\"" + root + "\"," + at + ",\"metadata\":{\"k\":\""
                + "z".repeat(17_000) + "\"}}";
        upload(List.of(header(), bigMetadata, end.replace("\"memories\":1", "\"memories\":0")))
                .statusCode(400)
                .body("errors[0].reason", containsString("metadata of context"));

        List<String> chain = new ArrayList<>(List.of(header()));
        UUID parent = null;
        for (int i = 0; i <= 101; i++) {
            UUID id = UUID.randomUUID();
            chain.add("{\"type\":\"context\",\"id\":\"" + id + "\""
                    + (parent == null ? "" : ",\"parentContextId\":\"" + parent + "\"") + "," + at + "}");
            parent = id;
        }
        chain.add("{\"type\":\"end\",\"contexts\":102,\"memories\":0,\"shares\":0}");
        upload(chain).statusCode(400).body("errors[0].reason", containsString("deeper than the limit of 100"));
    }

    /**
     * A version whose successor is not in the file is relinked (its successor exists nowhere): a
     * change of the row like any other, so it takes its context's new version, which a search's
     * cached copy of the row is checked against.
     */
    @Test
    void aVersionRelinkedOnRestoreTakesItsContextsNewVersion() throws Exception {
        UUID root = UUID.randomUUID();
        UUID memory = UUID.randomUUID();
        float[] unit = new float[ai.prometheus.memory.embedding.Embedder.DIMENSIONS];
        unit[0] = 1;
        String at = "\"createdAt\":\"2026-01-01T00:00:00Z\",\"updatedAt\":\"2026-01-02T00:00:00Z\"";
        List<String> lines = List.of(
                header().replace("\"none\"", "\"" + embedder.modelId() + "\""),
                "{\"type\":\"context\",\"id\":\"" + root + "\",\"owner\":\"" + ownerName + "\"," + at + "}",
                "{\"type\":\"memory\",\"id\":\"" + memory + "\",\"contextId\":\"" + root
                        + "\",\"kind\":\"fact\",\"key\":\"standup\",\"importance\":0.5," + at
                        + ",\"supersededAt\":\"2026-01-02T00:00:00Z\",\"supersededBy\":\"" + UUID.randomUUID()
                        + "\",\"embedding\":\""
                        + Base64.getEncoder().encodeToString(ai.prometheus.memory.embedding.Vectors.toBytes(unit))
                        + "\",\"embeddingModel\":\"" + embedder.modelId() + "\",\"content\":\"Standup is at 9\"}",
                "{\"type\":\"end\",\"contexts\":1,\"memories\":1,\"shares\":0}");
        String uploaded = admin.request()
                .contentType("application/gzip")
                .body(gzip(lines))
                .post("/api/v1/backups/upload")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        JsonPath report = restore(uploaded);
        assertEquals(1, report.getInt("memories.restored"));
        assertEquals(0, report.getInt("reembedding"), "its vector came back: no worker moves its version");

        // (relinked, the row's version, its context's version): the new context's first change is version 1.
        assertEquals(
                "(t,1,1)",
                query("select row(m.superseded_by is null, m.change_version, c.memory_version)::text"
                        + " from memory_guild.memories m join memory_guild.memory_contexts c on c.id = m.context_id"
                        + " where m.id = '" + memory + "'"));
    }

    /** Restores backup {@code backupId} as the administrator; answers the report. */
    private JsonPath restore(String backupId) {
        return admin.request()
                .post("/api/v1/backups/" + backupId + "/restore")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    private io.restassured.response.ValidatableResponse upload(List<String> lines) throws IOException {
        return admin.request()
                .contentType("application/gzip")
                .body(gzip(lines))
                .post("/api/v1/backups/upload")
                .then()
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo("file"));
    }

    private static byte[] gzip(List<String> lines) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    private static String header() {
        return "{\"format\":\"prometheus-memory-backup\",\"version\":1,\"createdAt\":\"2026-01-01T00:00:00Z\","
                + "\"embeddingModel\":\"none\",\"dimensions\":384}";
    }

    @Test
    void onlyOwnersBackUpTheirTreesAndOnlyAdministratorsRestore() {
        Tree tree = buildTree();
        MemoryApi stranger = MemoryApi.agent("stranger-" + UUID.randomUUID());
        stranger.request()
                .body(Map.of("contextId", tree.root()))
                .post("/api/v1/backups")
                .then()
                .statusCode(404);
        stranger.request()
                .body(Map.of())
                .post("/api/v1/backups")
                .then()
                .statusCode(403)
                .body("detail", containsString("memory:admin"));
        String backupId = backup(tree.root());
        stranger.request().get("/api/v1/backups/" + backupId).then().statusCode(404);
        stranger.request()
                .get("/api/v1/backups/" + backupId + "/download")
                .then()
                .statusCode(404);
        owner.request()
                .post("/api/v1/backups/" + backupId + "/restore")
                .then()
                .statusCode(403)
                .body("detail", containsString("memory:admin"));
        owner.request()
                .get("/api/v1/backups")
                .then()
                .statusCode(200)
                .body("items.id", org.hamcrest.Matchers.hasItem(backupId));
    }

    @Test
    void scheduledBackupsTakeEachSlotOnceAndKeepTheConfiguredNumber() throws Exception {
        buildTree();
        String run = UUID.randomUUID().toString();
        List<BackupView> taken = new ArrayList<>();
        for (String slot : List.of("a", "b", "c")) {
            taken.add(schedule.scheduledBackup("test-" + run + "-" + slot).orElseThrow());
        }
        assertFalse(schedule.scheduledBackup("test-" + run + "-c").isPresent(), "a slot is taken once");
        assertTrue(taken.stream().allMatch(backup -> backup.status().equals("completed")));
        assertTrue(taken.get(2).memories() >= 7);
        // Retention is 2 in the test profile: the oldest scheduled backup and its file are gone.
        assertEquals(2, count("select count(*) from memory_guild.memory_backups where origin = 'scheduled'"));
        assertFalse(Files.exists(backupFiles.directory().resolve(taken.get(0).fileName())));
        assertTrue(Files.exists(backupFiles.directory().resolve(taken.get(2).fileName())));
    }

    // --- helpers ------------------------------------------------------------------------------

    record Tree(String root, String child, String reader) {}

    private Tree buildTree() {
        String root = owner.createContext("team", null);
        String child = owner.createContext("agent", root);
        owner.write(
                root,
                Map.of("content", "Alice prefers Kotlin for backend work", "kind", "fact", "key", "alice-language"));
        owner.write(
                root,
                Map.of("content", "Alice prefers Rust for backend work", "kind", "fact", "key", "alice-language"));
        owner.write(root, "Deploys to production go through the blue-green pipeline");
        owner.write(root, Map.of("content", "Standup is at nine", "key", "standup"));
        owner.write(child, Map.of("content", "Standup is at ten for this agent", "key", "standup"));
        owner.write(
                child,
                Map.of("content", "Invoice INV-7731 is waiting for approval", "metadata", Map.of("amount", 120)));
        owner.write(child, "Bob writes his services in Go");
        String reader = "reader-" + UUID.randomUUID();
        owner.request()
                .body(Map.of("granteeType", "agent", "grantee", reader, "access", "read"))
                .post("/api/v1/contexts/" + root + "/shares")
                .then()
                .statusCode(201);
        owner.awaitEmbedded(child);
        return new Tree(root, child, reader);
    }

    private String backup(String root) {
        String id = owner.request()
                .body(Map.of("contextId", root))
                .post("/api/v1/backups")
                .then()
                .statusCode(202)
                .body("status", equalTo("running"))
                .extract()
                .path("id");
        await().atMost(Duration.ofSeconds(30))
                .until(() -> !"running"
                        .equals(owner.request()
                                .get("/api/v1/backups/" + id)
                                .then()
                                .statusCode(200)
                                .extract()
                                .path("status")));
        owner.request().get("/api/v1/backups/" + id).then().body("status", equalTo("completed"));
        return id;
    }

    /** Each query's results in every mode, as comparable text: id, context, depth and score parts. */
    private Map<String, List<String>> searches(String context) {
        Map<String, List<String>> results = new java.util.TreeMap<>();
        for (String query : QUERIES) {
            for (String mode : List.of("hybrid", "semantic", "lexical")) {
                List<Map<String, Object>> found = owner.search(context, Map.of("query", query, "mode", mode, "k", 10))
                        .then()
                        .statusCode(200)
                        .extract()
                        .path("results");
                results.put(
                        mode + ": " + query,
                        found.stream()
                                .map(result -> {
                                    @SuppressWarnings("unchecked")
                                    Map<String, Object> memory = (Map<String, Object>) result.get("memory");
                                    @SuppressWarnings("unchecked")
                                    Map<String, Object> score = (Map<String, Object>) result.get("score");
                                    return memory.get("id") + " " + result.get("contextId") + " " + result.get("depth")
                                            + " "
                                            + score.get("semanticRank") + " " + score.get("similarity") + " "
                                            + score.get("lexicalRank")
                                            + " " + score.get("lexicalScore");
                                })
                                .toList());
            }
        }
        assertFalse(results.get("semantic: standup time").isEmpty());
        return results;
    }

    private static String snapshot(Tree tree) throws Exception {
        String ids = "('" + tree.root() + "', '" + tree.child() + "')";
        return query("select string_agg(t::text, '|' order by t::text) from memory_guild.memory_contexts t where id in "
                        + ids)
                + query(
                        "select string_agg(t::text, '|' order by t::text) from memory_guild.memories t where context_id in "
                                + ids)
                + query(
                        "select string_agg(t::text, '|' order by t::text) from memory_guild.memory_shares t where context_id in "
                                + ids);
    }

    private static long count(String sql) throws Exception {
        return Long.parseLong(query(sql));
    }

    private static String query(String sql) throws Exception {
        try (Connection db = Engines.jdbc();
                PreparedStatement statement = db.prepareStatement(sql);
                ResultSet rs = statement.executeQuery()) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static byte[] rewrite(byte[] gzipped, java.util.function.UnaryOperator<String> change) throws IOException {
        String text = new String(gunzip(gzipped), StandardCharsets.UTF_8);
        String rewritten = Arrays.stream(text.split("\n"))
                .map(change)
                .filter(java.util.Objects::nonNull)
                .collect(Collectors.joining("\n", "", "\n"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(rewritten.getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    private static byte[] gunzip(byte[] gzipped) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzipped))) {
            return in.readAllBytes();
        }
    }
}
