package ai.prometheus.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.prometheus.shared.testing.ServiceProcess;
import ai.prometheus.shared.testing.TestTokens;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Clients generated from the services' own OpenAPI documents (see this module's pom), used as a
 * user would: bearer token on every call, one call that succeeds and one that answers a problem,
 * which the generated {@code Problem} model must read. A document that misstates a status, a body
 * type or the security would make these calls fail to compile, to decode or to authenticate.
 */
class GeneratedClientsTest {

    private static final Consumer<java.net.http.HttpRequest.Builder> ADMIN =
            request -> request.header("Authorization", "Bearer " + TestTokens.admin());

    @Test
    void theRegistryClientRegistersAToolAndReadsTheProblemOfAMissingOne() throws Exception {
        try (ServiceProcess registry = ServiceProcess.start("tool-registry-service", Map.of())) {
            var client = new ai.prometheus.clients.registry.ApiClient();
            client.updateBaseUri(registry.url());
            client.setRequestInterceptor(ADMIN);
            var tools = new ai.prometheus.clients.registry.api.ToolsApi(client);
            String name = "generated-" + UUID.randomUUID().toString().substring(0, 8);

            var registered = tools.registerTool(new ai.prometheus.clients.registry.model.Register()
                    .name(name)
                    .description("Registered by a generated client")
                    .functionSignature(Map.of("type", "object", "properties", Map.of("city", Map.of("type", "string"))))
                    .implementation(new ai.prometheus.clients.registry.model.Implementation()
                            .language("python")
                            .code("print('hello')")));
            assertEquals(name, registered.getName());
            assertEquals(name, tools.getTool(name, null).getName());

            var missing = assertThrows(
                    ai.prometheus.clients.registry.ApiException.class, () -> tools.getTool(name + "-missing", null));
            var problem = client.getObjectMapper()
                    .readValue(missing.getResponseBody(), ai.prometheus.clients.registry.model.Problem.class);
            assertProblem(
                    404,
                    missing.getCode(),
                    problem.getStatus(),
                    problem.getType(),
                    missing.getResponseHeaders().map());
        }
    }

    @Test
    void theSandboxClientRunsCodeAndReadsTheProblemOfAMalformedId() throws Exception {
        try (ServiceProcess sandbox = ServiceProcess.start("sandbox-service", Map.of())) {
            var client = new ai.prometheus.clients.sandbox.ApiClient();
            client.updateBaseUri(sandbox.url());
            client.setRequestInterceptor(ADMIN);
            var executions = new ai.prometheus.clients.sandbox.api.ExecutionsApi(client);

            var result = executions.runExecution(
                    new ai.prometheus.clients.sandbox.model.ExecutionRequest()
                            .language("python")
                            .code("print(6 * 7)"),
                    null,
                    null);
            assertEquals("42\n", result.getStdout());
            assertEquals(
                    result.getId(),
                    executions.getExecution(result.getId().toString()).getId());

            var malformed = assertThrows(
                    ai.prometheus.clients.sandbox.ApiException.class, () -> executions.getExecution("not-a-uuid"));
            var problem = client.getObjectMapper()
                    .readValue(malformed.getResponseBody(), ai.prometheus.clients.sandbox.model.Problem.class);
            assertProblem(
                    400,
                    malformed.getCode(),
                    problem.getStatus(),
                    problem.getType(),
                    malformed.getResponseHeaders().map());
            assertTrue(
                    problem.getErrors().stream()
                            .anyMatch(error -> error.getField().equals("id")),
                    problem.toString());
        }
    }

    @Test
    void theMemoryClientCreatesAContextAndReadsTheProblemOfAMissingOne() throws Exception {
        try (ServiceProcess memory = ServiceProcess.start("memory-guild-service", Map.of())) {
            var client = new ai.prometheus.clients.memory.ApiClient();
            client.updateBaseUri(memory.url());
            client.setRequestInterceptor(ADMIN);
            var contexts = new ai.prometheus.clients.memory.api.ContextsApi(client);

            var created = contexts.createContext(new ai.prometheus.clients.memory.model.CreateContext()
                    .name("generated client")
                    .metadata(Map.of("by", "openapi-generator")));
            assertEquals(
                    "generated client",
                    contexts.getContext(created.getId().toString()).getName());

            var missing = assertThrows(
                    ai.prometheus.clients.memory.ApiException.class,
                    () -> contexts.getContext(UUID.randomUUID().toString()));
            var problem = client.getObjectMapper()
                    .readValue(missing.getResponseBody(), ai.prometheus.clients.memory.model.Problem.class);
            assertProblem(
                    404,
                    missing.getCode(),
                    problem.getStatus(),
                    problem.getType(),
                    missing.getResponseHeaders().map());
        }
    }

    @Test
    void theGuardianClientListsGroupsAndReadsTheProblemOfAMissingOne() throws Exception {
        try (ServiceProcess guardian = ServiceProcess.start("guardian-service", Map.of())) {
            var client = new ai.prometheus.clients.guardian.ApiClient();
            client.updateBaseUri(guardian.url());
            client.setRequestInterceptor(ADMIN);
            var groups = new ai.prometheus.clients.guardian.api.ErrorGroupsApi(client);

            var page = groups.listErrorGroups(null, null, 0, null, 5, null, null, null);
            assertTrue(page.getItems().size() <= 5, "a page of at most 5 groups");

            var missing = assertThrows(
                    ai.prometheus.clients.guardian.ApiException.class,
                    () -> groups.getErrorGroup(UUID.randomUUID().toString()));
            var problem = client.getObjectMapper()
                    .readValue(missing.getResponseBody(), ai.prometheus.clients.guardian.model.Problem.class);
            assertProblem(
                    404,
                    missing.getCode(),
                    problem.getStatus(),
                    problem.getType(),
                    missing.getResponseHeaders().map());

            var anonymous = new ai.prometheus.clients.guardian.ApiClient();
            anonymous.updateBaseUri(guardian.url());
            var refused = assertThrows(
                    ai.prometheus.clients.guardian.ApiException.class,
                    () -> new ai.prometheus.clients.guardian.api.ErrorGroupsApi(anonymous)
                            .listErrorGroups(null, null, null, null, null, null, null, null));
            assertEquals(401, refused.getCode());
        }
    }

    private static void assertProblem(
            int expected, int code, Integer status, String type, Map<String, List<String>> headers) {
        assertEquals(expected, code);
        assertEquals(expected, status);
        assertFalse(type == null || type.isBlank(), "a problem names its type");
        assertTrue(
                headers.getOrDefault("content-type", List.of()).stream()
                        .anyMatch(v -> v.startsWith("application/problem+json")),
                "problem+json: " + headers);
    }
}
