package ai.prometheus.memory.context;

import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.prometheus.memory.MemoryApi;
import ai.prometheus.shared.testing.Engines;
import io.quarkus.test.junit.QuarkusTest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ContextTreeTest {

    private final String agentName = "tree-agent-" + UUID.randomUUID();
    private final MemoryApi api = MemoryApi.agent(agentName);

    @Test
    void aFiftyLevelChainSeesEveryAncestorNearestFirstAndNearerKeysShadowFartherOnes() {
        List<String> chain = new ArrayList<>(); // chain.get(0) is the root
        for (int level = 0; level < 50; level++) {
            chain.add(api.createContext("level-" + level, level == 0 ? null : chain.get(level - 1)));
        }
        for (int level = 0; level < 50; level++) {
            api.write(chain.get(level), "fact from level " + level);
        }
        // The same key at three levels: the leaf sees only the nearest one.
        api.write(chain.get(0), Map.of("content", "favourite colour is blue", "key", "colour"));
        api.write(chain.get(20), Map.of("content", "favourite colour is green", "key", "colour"));
        api.write(chain.get(40), Map.of("content", "favourite colour is red", "key", "colour"));
        String leaf = chain.get(49);

        api.request()
                .get("/api/v1/contexts/" + leaf + "/lineage")
                .then()
                .statusCode(200)
                .body("", hasSize(50))
                .body("depth", contains(IntStream.range(0, 50).boxed().toArray()))
                .body("contextId[0]", equalTo(leaf))
                .body("contextId[49]", equalTo(chain.get(0)));

        List<String> contents = api.request()
                .queryParam("size", 200)
                .get("/api/v1/contexts/" + leaf + "/memories")
                .then()
                .statusCode(200)
                .extract()
                .path("items.content");
        List<Integer> depths = api.request()
                .queryParam("size", 200)
                .get("/api/v1/contexts/" + leaf + "/memories")
                .then()
                .extract()
                .path("items.depth");
        List<String> facts = contents.stream().filter(c -> c.startsWith("fact")).toList();
        assertEquals(
                IntStream.range(0, 50)
                        .mapToObj(depth -> "fact from level " + (49 - depth))
                        .toList(),
                facts,
                "every level's memory, nearest first");
        assertEquals(depths.stream().sorted().toList(), depths, "ordered by depth");
        assertEquals(
                List.of("favourite colour is red"),
                contents.stream().filter(c -> c.startsWith("favourite")).toList());

        // A context in the middle sees the key of its own nearest ancestor.
        List<String> fromMiddle = api.request()
                .queryParam("size", 200)
                .queryParam("key", "colour")
                .get("/api/v1/contexts/" + chain.get(30) + "/memories")
                .then()
                .extract()
                .path("items.content");
        assertEquals(List.of("favourite colour is green"), fromMiddle);
        // scope=context shows only the context's own memories.
        api.request()
                .queryParam("scope", "context")
                .get("/api/v1/contexts/" + leaf + "/memories")
                .then()
                .statusCode(200)
                .body("items.content", contains("fact from level 49"));
    }

    @Test
    void writesGoToTheContextItselfNeverToItsParent() {
        String parent = api.createContext("parent", null);
        String child = api.createContext("child", parent);
        String memory = api.write(child, "written in the child");
        api.request()
                .get("/api/v1/contexts/" + parent + "/memories")
                .then()
                .statusCode(200)
                .body("items", hasSize(0));
        api.request()
                .get("/api/v1/contexts/" + child + "/memories/" + memory)
                .then()
                .statusCode(200)
                .body("contextId", equalTo(child))
                .body("depth", equalTo(0));
        // The child reads the parent's memory with depth 1.
        String inherited = api.write(parent, "written in the parent");
        api.request()
                .get("/api/v1/contexts/" + child + "/memories/" + inherited)
                .then()
                .statusCode(200)
                .body("contextId", equalTo(parent))
                .body("depth", equalTo(1));
        // ...but the parent does not see the child's.
        api.request()
                .get("/api/v1/contexts/" + parent + "/memories/" + memory)
                .then()
                .statusCode(404);
    }

    @Test
    void movingAContextUnderItselfOrItsDescendantIsRefused() throws Exception {
        String a = api.createContext("a", null);
        String b = api.createContext("b", a);
        String c = api.createContext("c", b);
        api.request()
                .body(Map.of("parentContextId", c))
                .patch("/api/v1/contexts/" + a)
                .then()
                .statusCode(409)
                .contentType("application/problem+json")
                .body("detail", containsString("cycle"));
        api.request()
                .body(Map.of("parentContextId", a))
                .patch("/api/v1/contexts/" + a)
                .then()
                .statusCode(409);
        api.request().get("/api/v1/contexts/" + a).then().statusCode(200).body("parentContextId", nullValue());

        // The database refuses a cycle whoever writes it.
        try (Connection db = Engines.jdbc();
                PreparedStatement update = db.prepareStatement(
                        "update memory_guild.memory_contexts set parent_context_id = ? where id = ?")) {
            update.setObject(1, UUID.fromString(c));
            update.setObject(2, UUID.fromString(a));
            SQLException refused = assertThrows(SQLException.class, update::executeUpdate);
            assertEquals("PMC01", refused.getSQLState());
        }

        // A legal move works and changes the lineage.
        String other = api.createContext("other", null);
        api.request()
                .body(Map.of("parentContextId", other))
                .patch("/api/v1/contexts/" + b)
                .then()
                .statusCode(200)
                .body("parentContextId", equalTo(other));
        api.request()
                .get("/api/v1/contexts/" + c + "/lineage")
                .then()
                .statusCode(200)
                .body("contextId", contains(c, b, other));
    }

    @Test
    void deletePoliciesRefuseCascadeOrReparent() throws Exception {
        String root = api.createContext("root", null);
        String middle = api.createContext("middle", root);
        String leaf = api.createContext("leaf", middle);
        api.write(middle, "memory of the middle");

        api.request()
                .delete("/api/v1/contexts/" + middle)
                .then()
                .statusCode(409)
                .body("detail", containsString("policy=cascade"));
        api.request()
                .queryParam("policy", "sideways")
                .delete("/api/v1/contexts/" + middle)
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("policy"));

        api.request()
                .queryParam("policy", "reparent")
                .delete("/api/v1/contexts/" + middle)
                .then()
                .statusCode(204);
        api.request().get("/api/v1/contexts/" + leaf).then().statusCode(200).body("parentContextId", equalTo(root));
        assertEquals(0, count("select count(*) from memory_guild.memories where context_id = '" + middle + "'"));

        api.request()
                .queryParam("policy", "cascade")
                .delete("/api/v1/contexts/" + root)
                .then()
                .statusCode(204);
        api.request().get("/api/v1/contexts/" + leaf).then().statusCode(404);
        assertEquals(
                0,
                count("select count(*) from memory_guild.memory_contexts where id in ('" + root + "', '" + leaf
                        + "')"));
    }

    @Test
    void badRequestsNameTheField() {
        api.request()
                .body(Map.of("parentContextId", "not-a-uuid"))
                .post("/api/v1/contexts")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo("parentContextId"));
        // A parent that does not exist is a bad field of the request, not a missing resource.
        api.request()
                .body(Map.of("parentContextId", UUID.randomUUID().toString()))
                .post("/api/v1/contexts")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo("parentContextId"))
                .body("errors[0].reason", containsString("does not exist"));
        String existing = api.createContext("moving", null);
        api.request()
                .body(Map.of("parentContextId", UUID.randomUUID().toString()))
                .patch("/api/v1/contexts/" + existing)
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("parentContextId"));
        String hidden = MemoryApi.agent("someone-else-" + UUID.randomUUID()).createContext("theirs", null);
        api.request()
                .body(Map.of("parentContextId", hidden))
                .post("/api/v1/contexts")
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("parentContextId"));
        api.request()
                .body(Map.of("name", "x".repeat(201)))
                .post("/api/v1/contexts")
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("name"));
        api.request()
                .body(Map.of("metadata", List.of(1, 2)))
                .post("/api/v1/contexts")
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("metadata"));
        api.request().get("/api/v1/contexts/nope").then().statusCode(400).body("errors[0].field", equalTo("id"));
    }

    @Test
    void twoConcurrentMovesUnderEachOtherLeaveOneWinnerAndA409() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 8; round++) {
                String a = api.createContext("a" + round, null);
                String b = api.createContext("b" + round, null);
                CountDownLatch start = new CountDownLatch(1);
                Future<Integer> aUnderB = pool.submit(() -> move(start, a, b));
                Future<Integer> bUnderA = pool.submit(() -> move(start, b, a));
                start.countDown();
                List<Integer> statuses = List.of(aUnderB.get(30, TimeUnit.SECONDS), bUnderA.get(30, TimeUnit.SECONDS));
                assertEquals(
                        List.of(200, 409), statuses.stream().sorted().toList(), "round " + round + ": " + statuses);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private int move(CountDownLatch start, String child, String parent) throws InterruptedException {
        start.await();
        return api.request()
                .body(Map.of("parentContextId", parent))
                .patch("/api/v1/contexts/" + child)
                .then()
                .extract()
                .statusCode();
    }

    @Test
    void aCascadeDeleteRemovesAChainDeeperThanTheDepthLimit() throws Exception {
        // Deeper than the REST API allows (100): written straight into the table, as an old restore could.
        String root = api.createContext("deep-root", null);
        String parent = root;
        try (Connection db = Engines.jdbc();
                PreparedStatement insert = db.prepareStatement(
                        "insert into memory_guild.memory_contexts (id, parent_context_id, owner, context_data) values (?, ?, ?, '{}')")) {
            for (int i = 0; i < 150; i++) {
                String child = UUID.randomUUID().toString();
                insert.setObject(1, UUID.fromString(child));
                insert.setObject(2, UUID.fromString(parent));
                insert.setString(3, agentName);
                insert.executeUpdate();
                parent = child;
            }
        }
        api.request()
                .queryParam("policy", "cascade")
                .delete("/api/v1/contexts/" + root)
                .then()
                .statusCode(204);
        assertEquals(
                0,
                count("select count(*) from memory_guild.memory_contexts where id in ('" + root + "', '" + parent
                        + "')"));
    }

    private static long count(String query) throws Exception {
        try (Connection db = Engines.jdbc();
                PreparedStatement statement = db.prepareStatement(query);
                ResultSet rs = statement.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
