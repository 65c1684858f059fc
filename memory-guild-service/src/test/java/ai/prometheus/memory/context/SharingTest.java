package ai.prometheus.memory.context;

import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import ai.prometheus.memory.MemoryApi;
import ai.prometheus.shared.testing.Engines;
import ai.prometheus.shared.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
class SharingTest {

    private final String aliceName = "alice-" + UUID.randomUUID();
    private final String bobName = "bob-" + UUID.randomUUID();
    private final MemoryApi alice = MemoryApi.agent(aliceName);
    private final MemoryApi bob = MemoryApi.agent(bobName);

    @Test
    void nobodySeesAContextTheyNeitherOwnNorWereGrantedAndItLooksLikeItDoesNotExist() {
        String context = alice.createContext("private", null);
        String memory = alice.write(context, "the launch code is swordfish");
        String missing = UUID.randomUUID().toString();
        for (String id : new String[] {context, missing}) {
            bob.request()
                    .get("/api/v1/contexts/" + id)
                    .then()
                    .statusCode(404)
                    .contentType("application/problem+json")
                    .body("detail", equalTo("context '" + id + "' does not exist"));
            bob.request().get("/api/v1/contexts/" + id + "/memories").then().statusCode(404);
            bob.search(id, Map.of("query", "launch code")).then().statusCode(404);
            bob.request()
                    .body(Map.of("content", "x"))
                    .post("/api/v1/contexts/" + id + "/memories")
                    .then()
                    .statusCode(404);
            // As a parent it is a bad field of the request, worded alike whether hidden or missing.
            bob.request()
                    .body(Map.of("parentContextId", id))
                    .post("/api/v1/contexts")
                    .then()
                    .statusCode(400)
                    .body("errors[0].field", equalTo("parentContextId"))
                    .body("errors[0].reason", equalTo("context " + id + " does not exist"));
            bob.request().get("/api/v1/contexts/" + id + "/lineage").then().statusCode(404);
        }
        bob.request()
                .get("/api/v1/contexts/" + context + "/memories/" + memory)
                .then()
                .statusCode(404);
        bob.request()
                .queryParam("size", 200)
                .get("/api/v1/contexts")
                .then()
                .statusCode(200)
                .body("items.id", not(hasItem(context)));
        alice.request().get("/api/v1/contexts").then().statusCode(200).body("items.id", hasItem(context));
    }

    @Test
    void aReadShareLetsTheGranteeReadTheContextAndItsDescendantsButNotWrite() {
        String context = alice.createContext("shared", null);
        String child = alice.createContext("child", context);
        alice.write(context, "the team prefers tabs");
        alice.write(child, "the child knows about spaces");
        String shareId = grant(context, "agent", bobName, "read", null);

        bob.request().get("/api/v1/contexts/" + context).then().statusCode(200).body("access", equalTo("read"));
        bob.request()
                .get("/api/v1/contexts/" + child + "/memories")
                .then()
                .statusCode(200)
                .body("items.content", contains("the child knows about spaces", "the team prefers tabs"));
        bob.search(context, Map.of("query", "tabs", "mode", "lexical"))
                .then()
                .statusCode(200)
                .body("results[0].memory.content", equalTo("the team prefers tabs"));
        bob.request().queryParam("size", 200).get("/api/v1/contexts").then().body("items.id", hasItem(context));
        bob.request()
                .body(Map.of("content", "bob was here"))
                .post("/api/v1/contexts/" + context + "/memories")
                .then()
                .statusCode(403)
                .body("detail", containsString("write access"));
        bob.request()
                .body(Map.of("parentContextId", context))
                .post("/api/v1/contexts")
                .then()
                .statusCode(403);
        bob.request().get("/api/v1/contexts/" + context + "/shares").then().statusCode(403);

        // A share names a kind of principal: a user called bob is not the agent bob.
        MemoryApi userBob = MemoryApi.withToken(TestTokens.withScope(bobName, "memory:read"));
        userBob.request().get("/api/v1/contexts/" + context).then().statusCode(404);

        alice.request()
                .delete("/api/v1/contexts/" + context + "/shares/" + shareId)
                .then()
                .statusCode(204);
        bob.request().get("/api/v1/contexts/" + context).then().statusCode(404);
        bob.request().get("/api/v1/contexts/" + child).then().statusCode(404);
    }

    @Test
    void aWriteShareLetsTheGranteeWriteAndGrowTheTree() {
        String context = alice.createContext("collab", null);
        grant(
                context,
                "agent",
                bobName,
                "write",
                OffsetDateTime.now().plusDays(1).toString());
        bob.request()
                .body(Map.of("content", "bob's contribution"))
                .post("/api/v1/contexts/" + context + "/memories")
                .then()
                .statusCode(201)
                .body("createdBy", equalTo(bobName));
        String bobsChild = bob.createContext("bob's child", context);
        // The tree's owner sees what grows below her context; bob owns what he created.
        alice.request()
                .get("/api/v1/contexts/" + bobsChild)
                .then()
                .statusCode(200)
                .body("access", equalTo("manage"))
                .body("owner", equalTo(bobName));
        // Granting the same grantee again replaces the grant.
        alice.request()
                .body(Map.of("granteeType", "agent", "grantee", bobName, "access", "read"))
                .post("/api/v1/contexts/" + context + "/shares")
                .then()
                .statusCode(201);
        alice.request()
                .get("/api/v1/contexts/" + context + "/shares")
                .then()
                .statusCode(200)
                .body("access", contains("read"));
        bob.request()
                .body(Map.of("content", "no more"))
                .post("/api/v1/contexts/" + context + "/memories")
                .then()
                .statusCode(403);
    }

    @Test
    void groupSharesAndExpiry() throws Exception {
        String context = alice.createContext("research", null);
        String group = "research-" + UUID.randomUUID();
        String shareId = grant(context, "group", group, "read", null);
        MemoryApi carol = MemoryApi.withToken(TestTokens.builder("carol")
                .groups(Set.of(group))
                .claim("scope", "memory:read")
                .sign(TestTokens.key()));
        carol.request().get("/api/v1/contexts/" + context).then().statusCode(200);

        try (Connection db = Engines.jdbc();
                PreparedStatement expire = db.prepareStatement(
                        "update memory_guild.memory_shares set expires_at = now() - interval '1 second' where id = ?")) {
            expire.setObject(1, UUID.fromString(shareId));
            expire.executeUpdate();
        }
        carol.request().get("/api/v1/contexts/" + context).then().statusCode(404);
        alice.request().get("/api/v1/contexts/" + context + "/shares").then().body("expired", contains(true));

        alice.request()
                .body(Map.of(
                        "granteeType",
                        "group",
                        "grantee",
                        group,
                        "access",
                        "read",
                        "expiresAt",
                        "2001-01-01T00:00:00Z"))
                .post("/api/v1/contexts/" + context + "/shares")
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("expiresAt"));
        alice.request()
                .body(Map.of("granteeType", "team", "grantee", group, "access", "admin"))
                .post("/api/v1/contexts/" + context + "/shares")
                .then()
                .statusCode(400)
                .body("errors.field", contains("access", "granteeType"));
    }

    @Test
    void tokenPermissionsGateEveryEndpointAndTargetedGrantsOpenOneContext() {
        String context = alice.createContext("gated", null);
        String parent = alice.createContext("parent", null);
        String child = alice.createContext("child", parent);
        alice.write(parent, "parent secret");
        alice.write(child, "child note");

        // Without memory:read nothing is readable, not even one's own context.
        MemoryApi.withToken(TestTokens.agent(aliceName, "memory:write"))
                .request()
                .get("/api/v1/contexts/" + context)
                .then()
                .statusCode(403)
                .body("detail", containsString("memory:read"));
        MemoryApi.withToken(TestTokens.agent(aliceName, "memory:read"))
                .request()
                .body(Map.of("content", "x"))
                .post("/api/v1/contexts/" + context + "/memories")
                .then()
                .statusCode(403)
                .body("detail", containsString("memory:write"));
        bob.request().get("/api/v1/contexts/" + context).then().statusCode(404);

        // memory:read:<id> from the token opens that context (and what is below it), nothing else.
        MemoryApi targeted = MemoryApi.withToken(TestTokens.agent(bobName, "memory:read:" + child));
        targeted.request()
                .get("/api/v1/contexts/" + child)
                .then()
                .statusCode(200)
                .body("access", equalTo("read"));
        targeted.request().get("/api/v1/contexts/" + context).then().statusCode(403);
        // The child's parent stays hidden: its memories and its id.
        targeted.request()
                .get("/api/v1/contexts/" + child + "/memories")
                .then()
                .statusCode(200)
                .body("items.content", contains("child note"));
        targeted.request()
                .get("/api/v1/contexts/" + child + "/lineage")
                .then()
                .statusCode(200)
                .body("contextId", contains(child));

        // memory:admin sees every context.
        MemoryApi admin = MemoryApi.withToken(TestTokens.withScope("auditor", "memory:read memory:admin"));
        admin.request()
                .get("/api/v1/contexts/" + context)
                .then()
                .statusCode(200)
                .body("access", equalTo("manage"));
        admin.request()
                .get("/api/v1/contexts/" + child + "/memories")
                .then()
                .statusCode(200)
                .body("items.content", contains("child note", "parent secret"));
    }

    @Test
    void aTokenForSomeContextsOnlyGrowsThoseButCannotStartTreesOfItsOwn() {
        String parent = alice.createContext("scoped parent", null);
        MemoryApi scoped = MemoryApi.withToken(TestTokens.agent(bobName, "memory:read memory:write:" + parent));
        scoped.request()
                .body(Map.of("name", "a root of bob's"))
                .post("/api/v1/contexts")
                .then()
                .statusCode(403)
                .contentType("application/problem+json")
                .body("detail", containsString("root context"));
        String child = scoped.createContext("scoped child", parent);
        scoped.request().get("/api/v1/contexts/" + child).then().statusCode(200).body("owner", equalTo(bobName));
        // The general permission still creates roots.
        bob.createContext("bob's own root", null);
    }

    private String grant(String context, String type, String grantee, String access, String expiresAt) {
        Map<String, Object> body =
                new java.util.HashMap<>(Map.of("granteeType", type, "grantee", grantee, "access", access));
        if (expiresAt != null) {
            body.put("expiresAt", expiresAt);
        }
        return alice.request()
                .body(body)
                .post("/api/v1/contexts/" + context + "/shares")
                .then()
                .statusCode(201)
                .body("grantee", equalTo(grantee))
                .extract()
                .path("id");
    }
}
