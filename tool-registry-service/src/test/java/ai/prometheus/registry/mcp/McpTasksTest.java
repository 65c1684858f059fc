package ai.prometheus.registry.mcp;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.prometheus.registry.RegistryFixtures;
import ai.prometheus.shared.platform.mcp.JsonRpc;
import ai.prometheus.shared.platform.mcp.McpServer;
import ai.prometheus.shared.testing.Engines;
import ai.prometheus.shared.testing.McpHttp;
import ai.prometheus.shared.testing.StatelessMcp;
import ai.prometheus.shared.testing.TestTokens;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Long tool calls as MCP tasks, on the registry's asynchronous path (Kafka, the real sandbox):
 * 2025-11-25's experimental tasks (params.task, tasks/get, tasks/result, tasks/list, tasks/cancel)
 * and the 2026-07-28 tasks extension (server-directed, the result inline in tasks/get).
 */
@QuarkusTest
class McpTasksTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LEGACY = "2025-11-25";
    private static final String AGENT = TestTokens.agent("mcp-task-agent", "tools:read tools:invoke");
    private static final String OTHER = TestTokens.agent("mcp-task-other", "tools:read tools:invoke");
    private static final Map<String, Object> EXTENSION_CAPABILITIES = Map.of(
            McpServer.META_CLIENT_CAPABILITIES,
            Map.of("extensions", Map.of(McpServer.TASKS_EXTENSION, Map.of())),
            McpServer.META_PROTOCOL_VERSION,
            McpServer.STATELESS_VERSION);

    @Test
    void aTaskStartedWithParamsTaskIsPolledToItsResultAndBelongsToItsCaller() throws Exception {
        String tool = register(
                "mcp_task_echo",
                "import time, json, sys\ntime.sleep(0.5)\nprint(json.dumps({'echo': json.load(sys.stdin)['word']}))");

        JsonNode init = rpc(AGENT, LEGACY, "initialize", McpHttp.initializeParams(LEGACY));
        assertTrue(
                init.path("result")
                        .path("capabilities")
                        .path("tasks")
                        .path("requests")
                        .path("tools")
                        .has("call"),
                init.toString());
        JsonNode listed = rpc(AGENT, LEGACY, "tools/list", Map.of());
        for (JsonNode t : listed.path("result").path("tools")) {
            String support = t.path("execution").path("taskSupport").asText(null);
            if (t.path("name").asText().equals(tool)) {
                assertEquals("optional", support, t.toString());
            } else if (t.path("name").asText().equals(ToolSearch.NAME)) {
                assertEquals(null, support, "the built-in answers at once: " + t);
            }
        }

        JsonNode created = rpc(
                AGENT,
                LEGACY,
                "tools/call",
                Map.of("name", tool, "arguments", Map.of("word", "hej"), "task", Map.of("ttl", 60_000)));
        JsonNode task = created.path("result").path("task");
        String id = task.path("taskId").asText();
        assertFalse(id.isEmpty(), created.toString());
        assertEquals("working", task.path("status").asText(), created.toString());
        assertTrue(task.has("createdAt") && task.has("lastUpdatedAt") && task.has("ttl"), created.toString());
        assertFalse(created.path("result").has("content"), "the result comes later: " + created);

        // Another token knows nothing of it.
        JsonNode stranger = rpc(OTHER, LEGACY, "tasks/get", Map.of("taskId", id));
        assertEquals(JsonRpc.INVALID_PARAMS, stranger.path("error").path("code").asInt(), stranger.toString());
        assertEquals(
                JsonRpc.INVALID_PARAMS,
                rpc(OTHER, LEGACY, "tasks/cancel", Map.of("taskId", id))
                        .path("error")
                        .path("code")
                        .asInt());

        // tasks/result waits for the end, then answers what tools/call would have.
        JsonNode result =
                rpc(AGENT, LEGACY, "tasks/result", Map.of("taskId", id)).path("result");
        assertEquals("hej", result.path("structuredContent").path("echo").asText(), result.toString());
        assertFalse(result.path("isError").asBoolean(), result.toString());
        assertEquals(
                id,
                result.path("_meta")
                        .path(McpServer.META_RELATED_TASK)
                        .path("taskId")
                        .asText(),
                result.toString());

        JsonNode done = rpc(AGENT, LEGACY, "tasks/get", Map.of("taskId", id)).path("result");
        assertEquals("completed", done.path("status").asText(), done.toString());
        JsonNode listedTasks =
                rpc(AGENT, LEGACY, "tasks/list", Map.of()).path("result").path("tasks");
        assertTrue(listedTasks.findValuesAsText("taskId").contains(id), listedTasks.toString());
        assertFalse(rpc(OTHER, LEGACY, "tasks/list", Map.of())
                .path("result")
                .path("tasks")
                .findValuesAsText("taskId")
                .contains(id));

        JsonNode late = rpc(AGENT, LEGACY, "tasks/cancel", Map.of("taskId", id));
        assertEquals(
                JsonRpc.INVALID_PARAMS,
                late.path("error").path("code").asInt(),
                "an ended task cannot be cancelled: " + late);
        assertEquals(
                JsonRpc.INVALID_PARAMS,
                rpc(AGENT, LEGACY, "tasks/get", Map.of("taskId", "nope"))
                        .path("error")
                        .path("code")
                        .asInt());
    }

    @Test
    void aFailingToolsTaskFailsWithTheToolErrorAsItsResult() throws Exception {
        String tool = register("mcp_task_fail", "import sys\nsys.exit('broken on purpose')");
        String id = rpc(
                        AGENT,
                        LEGACY,
                        "tools/call",
                        Map.of("name", tool, "arguments", Map.of("word", "x"), "task", Map.of()))
                .path("result")
                .path("task")
                .path("taskId")
                .asText();
        JsonNode result =
                rpc(AGENT, LEGACY, "tasks/result", Map.of("taskId", id)).path("result");
        assertTrue(result.path("isError").asBoolean(), result.toString());
        assertTrue(result.path("content").path(0).path("text").asText().startsWith("Tool failed"), result.toString());
        assertEquals(
                "failed",
                rpc(AGENT, LEGACY, "tasks/get", Map.of("taskId", id))
                        .path("result")
                        .path("status")
                        .asText());

        // Refused before it started (bad arguments): the tool error comes back at once, no task.
        JsonNode refused =
                rpc(AGENT, LEGACY, "tools/call", Map.of("name", tool, "arguments", Map.of(), "task", Map.of()));
        assertTrue(refused.path("result").path("isError").asBoolean(), refused.toString());
        assertFalse(refused.path("result").has("task"), refused.toString());
        // The built-in does not run as a task.
        JsonNode builtIn = rpc(
                AGENT,
                LEGACY,
                "tools/call",
                Map.of("name", ToolSearch.NAME, "arguments", Map.of("query", "x"), "task", Map.of()));
        assertEquals(
                JsonRpc.METHOD_NOT_FOUND, builtIn.path("error").path("code").asInt(), builtIn.toString());
    }

    @Test
    void cancellingATaskStopsItsRunInTheSandboxAndTheTaskStaysCancelled() throws Exception {
        String tool = register(
                "mcp_task_slow",
                "import sys, time\nprint('::prometheus:: {\"progress\": 1, \"total\": 4, \"message\": \"warming up\"}',"
                        + " file=sys.stderr, flush=True)\ntime.sleep(50)\nprint('late')",
                Map.of("language", "python", "code", "", "limits", Map.of("wallMs", 60_000)));
        String id = rpc(
                        AGENT,
                        LEGACY,
                        "tools/call",
                        Map.of("name", tool, "arguments", Map.of("word", "x"), "task", Map.of()))
                .path("result")
                .path("task")
                .path("taskId")
                .asText();
        // Running in the sandbox, which took the request from the queue.
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> "RUNNING".equals(sandboxStatus(id)));

        // Its progress shows in the task's status message while it works (sent by the sandbox as the run goes).
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> "warming up (1/4)"
                        .equals(rpc(AGENT, LEGACY, "tasks/get", Map.of("taskId", id))
                                .path("result")
                                .path("statusMessage")
                                .asText()));

        JsonNode cancelled =
                rpc(AGENT, LEGACY, "tasks/cancel", Map.of("taskId", id)).path("result");
        assertEquals("cancelled", cancelled.path("status").asText(), cancelled.toString());

        // Stopped there, far sooner than its 50 seconds, and ended as cancelled rather than failed.
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> !"RUNNING".equals(sandboxStatus(id)));
        assertEquals("CANCELLED", sandboxStatus(id));

        // Its result has come back (it counts in usage) and the task is still cancelled.
        String owner = RegistryFixtures.developer("mcp-task-owner");
        await().atMost(Duration.ofSeconds(30))
                .ignoreExceptions()
                .until(() -> given().auth()
                                .oauth2(owner)
                                .get("/api/v1/tools/" + tool + "/usage")
                                .then()
                                .extract()
                                .jsonPath()
                                .getLong("total.calls")
                        >= 1);
        assertEquals(
                "cancelled",
                rpc(AGENT, LEGACY, "tasks/get", Map.of("taskId", id))
                        .path("result")
                        .path("status")
                        .asText());
        given().auth()
                .oauth2(AGENT)
                .get("/api/v1/invocations/" + id)
                .then()
                .statusCode(200)
                .body("status", org.hamcrest.Matchers.equalTo("CANCELLED"))
                .body("error", org.hamcrest.Matchers.equalTo("cancelled by its caller"));
        JsonNode result =
                rpc(AGENT, LEGACY, "tasks/result", Map.of("taskId", id)).path("result");
        assertTrue(result.path("isError").asBoolean(), result.toString());
    }

    /** The status of the invocation's run in the sandbox's own table (the suite's test database), or null. */
    private static String sandboxStatus(String invocationId) throws Exception {
        try (Connection db = Engines.jdbc();
                PreparedStatement query =
                        db.prepareStatement("select status from sandbox.executions where invocation_id = ?")) {
            query.setObject(1, UUID.fromString(invocationId));
            try (ResultSet rows = query.executeQuery()) {
                return rows.next() ? rows.getString(1) : null;
            }
        }
    }

    @Test
    void aStatelessClientThatDeclaresTheExtensionGetsATaskAndItsResultInline() throws Exception {
        String tool = register(
                "mcp_task_modern", "import json, sys\nprint(json.dumps({'echo': json.load(sys.stdin)['word']}))");
        JsonNode discovered = rpc(AGENT, null, "server/discover", Map.of("_meta", EXTENSION_CAPABILITIES));
        assertTrue(
                discovered
                        .path("result")
                        .path("capabilities")
                        .path("extensions")
                        .has(McpServer.TASKS_EXTENSION),
                discovered.toString());

        JsonNode created = rpc(
                        AGENT,
                        null,
                        "tools/call",
                        Map.of("name", tool, "arguments", Map.of("word", "hallo"), "_meta", EXTENSION_CAPABILITIES))
                .path("result");
        assertEquals("task", created.path("resultType").asText(), created.toString());
        assertEquals("working", created.path("status").asText(), created.toString());
        assertTrue(created.has("ttlMs") && created.path("pollIntervalMs").asLong() > 0, created.toString());
        String id = created.path("taskId").asText();

        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(300))
                .until(() -> !rpc(AGENT, null, "tasks/get", Map.of("taskId", id, "_meta", EXTENSION_CAPABILITIES))
                        .path("result")
                        .path("status")
                        .asText()
                        .equals("working"));
        JsonNode done = rpc(AGENT, null, "tasks/get", Map.of("taskId", id, "_meta", EXTENSION_CAPABILITIES))
                .path("result");
        assertEquals("complete", done.path("resultType").asText(), done.toString());
        assertEquals("completed", done.path("status").asText(), done.toString());
        assertEquals(
                "hallo",
                done.path("result").path("structuredContent").path("echo").asText(),
                done.toString());

        Map<String, Object> undeclared = StatelessMcp.envelope(Map.of(), Map.of());
        JsonNode missing = rpc(AGENT, null, "tasks/get", Map.of("taskId", id, "_meta", undeclared));
        assertEquals(
                JsonRpc.MISSING_CLIENT_CAPABILITY,
                missing.path("error").path("code").asInt(),
                missing.toString());
        assertTrue(missing.path("error")
                .path("data")
                .path("requiredCapabilities")
                .path("extensions")
                .has(McpServer.TASKS_EXTENSION));
        JsonNode noResultMethod =
                rpc(AGENT, null, "tasks/result", Map.of("taskId", id, "_meta", EXTENSION_CAPABILITIES));
        assertEquals(
                JsonRpc.METHOD_NOT_FOUND,
                noResultMethod.path("error").path("code").asInt(),
                noResultMethod.toString());
        JsonNode ack = rpc(AGENT, null, "tasks/cancel", Map.of("taskId", id, "_meta", EXTENSION_CAPABILITIES))
                .path("result");
        assertEquals(List.of("resultType"), List.copyOf(iterable(ack)), "an empty acknowledgement: " + ack);

        // A client that did not declare the extension is answered at once.
        JsonNode direct = rpc(
                        AGENT,
                        null,
                        "tools/call",
                        Map.of("name", tool, "arguments", Map.of("word", "now"), "_meta", undeclared))
                .path("result");
        assertEquals("complete", direct.path("resultType").asText(), direct.toString());
        assertEquals("now", direct.path("structuredContent").path("echo").asText(), direct.toString());
    }

    @Test
    void theOwnersTaskSupportDecidesWhichToolsRunAsTasks() throws Exception {
        String echo = "import json, sys\nprint(json.dumps({'echo': json.load(sys.stdin)['word']}))";
        String prefix = RegistryFixtures.uniqueName("mcp_support");
        String forbidden = register(prefix + "_at_once", echo, null, Map.of("taskSupport", "forbidden"));
        String required = register(prefix + "_as_task", echo, null, Map.of("taskSupport", "required"));
        // Only these two (and the built-in): the list fits on one page whatever else the database holds.
        String agent = TestTokens.agent("mcp-support-agent", "tools:read tools:invoke:" + prefix + "_*");

        Map<String, String> listed = new HashMap<>();
        for (JsonNode t :
                rpc(agent, LEGACY, "tools/list", Map.of()).path("result").path("tools")) {
            listed.put(
                    t.path("name").asText(),
                    t.path("execution").path("taskSupport").asText("(none)"));
        }
        assertEquals("(none)", listed.get(forbidden), listed.toString());
        assertEquals("required", listed.get(required), listed.toString());
        for (JsonNode t : rpc(agent, null, "tools/list", Map.of("_meta", EXTENSION_CAPABILITIES))
                .path("result")
                .path("tools")) {
            assertFalse(t.has("execution"), "2026-07-28 has no execution.taskSupport: " + t);
        }

        // A sync-only tool is answered at once to a client of the extension, a legacy params.task notwithstanding.
        JsonNode direct = rpc(
                        agent,
                        null,
                        "tools/call",
                        Map.of(
                                "name",
                                forbidden,
                                "arguments",
                                Map.of("word", "now"),
                                "task",
                                Map.of("ttl", 60_000),
                                "_meta",
                                EXTENSION_CAPABILITIES))
                .path("result");
        assertEquals("complete", direct.path("resultType").asText(), direct.toString());
        assertFalse(direct.has("taskId"), direct.toString());
        assertEquals("now", direct.path("structuredContent").path("echo").asText(), direct.toString());
        JsonNode refusedTask = rpc(
                agent,
                LEGACY,
                "tools/call",
                Map.of("name", forbidden, "arguments", Map.of("word", "x"), "task", Map.of("ttl", 60_000)));
        assertEquals(
                JsonRpc.METHOD_NOT_FOUND, refusedTask.path("error").path("code").asInt(), refusedTask.toString());

        // A task-only tool refuses a client without the extension (-32021, naming it) and is a task for one with it.
        Map<String, Object> undeclared = StatelessMcp.envelope(Map.of(), Map.of());
        JsonNode missing = rpc(
                agent,
                null,
                "tools/call",
                Map.of("name", required, "arguments", Map.of("word", "x"), "_meta", undeclared));
        assertEquals(
                JsonRpc.MISSING_CLIENT_CAPABILITY,
                missing.path("error").path("code").asInt(),
                missing.toString());
        assertTrue(
                missing.path("error")
                        .path("data")
                        .path("requiredCapabilities")
                        .path("extensions")
                        .has(McpServer.TASKS_EXTENSION),
                missing.toString());
        JsonNode created = rpc(
                        agent,
                        null,
                        "tools/call",
                        Map.of("name", required, "arguments", Map.of("word", "later"), "_meta", EXTENSION_CAPABILITIES))
                .path("result");
        assertEquals("task", created.path("resultType").asText(), created.toString());
        String id = created.path("taskId").asText();

        // tasks/update: gated on the extension, acknowledged for a known task (these never wait for input).
        JsonNode gated =
                rpc(agent, null, "tasks/update", Map.of("taskId", id, "inputResponses", Map.of(), "_meta", undeclared));
        assertEquals(
                JsonRpc.MISSING_CLIENT_CAPABILITY,
                gated.path("error").path("code").asInt(),
                gated.toString());
        JsonNode ack = rpc(
                        agent,
                        null,
                        "tasks/update",
                        Map.of(
                                "taskId",
                                id,
                                "inputResponses",
                                Map.of("unasked", Map.of()),
                                "_meta",
                                EXTENSION_CAPABILITIES))
                .path("result");
        assertEquals(List.of("resultType"), iterable(ack), "an empty acknowledgement: " + ack);
        assertEquals("complete", ack.path("resultType").asText());
        JsonNode unknown = rpc(
                agent,
                null,
                "tasks/update",
                Map.of(
                        "taskId",
                        UUID.randomUUID().toString(),
                        "inputResponses",
                        Map.of(),
                        "_meta",
                        EXTENSION_CAPABILITIES));
        assertEquals(JsonRpc.INVALID_PARAMS, unknown.path("error").path("code").asInt(), unknown.toString());

        // The tasks methods name their task in Mcp-Name: one naming another is refused before anything runs.
        Map<String, Object> get = Map.of("taskId", id, "_meta", EXTENSION_CAPABILITIES);
        Map<String, String> misrouted = new HashMap<>(StatelessMcp.headersFor("tasks/get", get));
        misrouted.put("Mcp-Name", UUID.randomUUID().toString());
        var mismatch = given().auth()
                .oauth2(agent)
                .contentType("application/json")
                .accept("application/json")
                .headers(misrouted)
                .body(Map.of("jsonrpc", "2.0", "id", 1, "method", "tasks/get", "params", get))
                .when()
                .post("/mcp")
                .then()
                .statusCode(400)
                .extract()
                .asString();
        assertEquals(
                JsonRpc.HEADER_MISMATCH,
                JSON.readTree(mismatch).path("error").path("code").asInt(),
                mismatch);

        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(300))
                .until(() -> rpc(agent, null, "tasks/get", get)
                        .path("result")
                        .path("status")
                        .asText()
                        .equals("completed"));
    }

    @Test
    void aToolsProtocolErrorIsAJsonRpcErrorAndFailsItsTask() throws Exception {
        String tool = register(
                "mcp_protocol_error",
                "import json\nprint(json.dumps({'$mcp': {'error': {'code': -32099, 'message': 'upstream broke',"
                        + " 'data': {'retry': False}}}}))");

        JsonNode direct = rpc(AGENT, LEGACY, "tools/call", Map.of("name", tool, "arguments", Map.of("word", "x")));
        assertEquals(-32099, direct.path("error").path("code").asInt(), direct.toString());
        assertEquals("upstream broke", direct.path("error").path("message").asText(), direct.toString());
        assertFalse(direct.path("error").path("data").path("retry").asBoolean(true), direct.toString());
        assertFalse(direct.has("result"), direct.toString());

        String id = rpc(
                        AGENT,
                        null,
                        "tools/call",
                        Map.of("name", tool, "arguments", Map.of("word", "x"), "_meta", EXTENSION_CAPABILITIES))
                .path("result")
                .path("taskId")
                .asText();
        Map<String, Object> get = Map.of("taskId", id, "_meta", EXTENSION_CAPABILITIES);
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(300))
                .until(() -> !rpc(AGENT, null, "tasks/get", get)
                        .path("result")
                        .path("status")
                        .asText()
                        .equals("working"));
        JsonNode failed = rpc(AGENT, null, "tasks/get", get).path("result");
        assertEquals("failed", failed.path("status").asText(), "a protocol error is not a tool error: " + failed);
        assertEquals(-32099, failed.path("error").path("code").asInt(), failed.toString());
        assertEquals("upstream broke", failed.path("error").path("message").asText(), failed.toString());
        assertFalse(failed.has("result"), failed.toString());

        // A tool error stays a result: the task completes, its result saying isError.
        String failing = register("mcp_tool_error", "import sys\nsys.exit('no luck')");
        String failingId = rpc(
                        AGENT,
                        null,
                        "tools/call",
                        Map.of("name", failing, "arguments", Map.of("word", "x"), "_meta", EXTENSION_CAPABILITIES))
                .path("result")
                .path("taskId")
                .asText();
        Map<String, Object> getFailing = Map.of("taskId", failingId, "_meta", EXTENSION_CAPABILITIES);
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(300))
                .until(() -> !rpc(AGENT, null, "tasks/get", getFailing)
                        .path("result")
                        .path("status")
                        .asText()
                        .equals("working"));
        JsonNode completed = rpc(AGENT, null, "tasks/get", getFailing).path("result");
        assertEquals("completed", completed.path("status").asText(), completed.toString());
        assertTrue(completed.path("result").path("isError").asBoolean(), completed.toString());
    }

    private static List<String> iterable(JsonNode node) {
        List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static String register(String prefix, String code) {
        return register(prefix, code, null);
    }

    private static String register(String prefix, String code, Map<String, Object> implementation) {
        return register(RegistryFixtures.uniqueName(prefix), code, implementation, null);
    }

    /**
     * {@code implementation}: replaces the fixture's (its code with {@code code}), for other limits;
     * {@code mcp}: the tool's MCP metadata, or null.
     */
    private static String register(
            String name, String code, Map<String, Object> implementation, Map<String, Object> mcp) {
        Map<String, Object> definition =
                new HashMap<>(RegistryFixtures.definition(name, "MCP task test tool", List.of("mcp"), code));
        if (implementation != null) {
            Map<String, Object> replaced = new HashMap<>(implementation);
            replaced.put("code", code);
            definition.put("implementation", replaced);
        }
        definition.put(
                "functionSignature",
                Map.of(
                        "type",
                        "object",
                        "properties",
                        Map.of("word", Map.of("type", "string")),
                        "required",
                        List.of("word")));
        if (mcp != null) {
            definition.put("mcp", mcp);
        }
        RegistryFixtures.register(RegistryFixtures.developer("mcp-task-owner"), definition)
                .statusCode(201);
        return name;
    }

    /** No status check: 2026-07-28 answers a refusal with its own HTTP status, and the JSON-RPC error says which. */
    private static JsonNode rpc(String token, String version, String method, Map<String, Object> params) {
        return McpHttp.as(token).atVersion(version).reply(method, params);
    }
}
