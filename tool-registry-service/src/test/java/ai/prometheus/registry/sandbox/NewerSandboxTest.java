package ai.prometheus.registry.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.prometheus.shared.sandbox.ExecutionRequest;
import ai.prometheus.shared.sandbox.ExecutionResult;
import ai.prometheus.shared.sandbox.ExecutionStatus;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import io.quarkus.test.junit.QuarkusTest;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Request bodies are read strictly, but what services answer each other is not: a newer sandbox
 * that adds a field to its result must still be understood by this registry, since the services
 * are deployed independently. The "newer sandbox" is a local HTTP server answering such a result.
 */
@QuarkusTest
class NewerSandboxTest {

    @Test
    void aResultWithFieldsThisRegistryDoesNotKnowIsStillRead() throws Exception {
        UUID id = UUID.randomUUID();
        String answer = "{\"id\": \"" + id + "\", \"language\": \"python\", \"status\": \"OK\", \"exitCode\": 0,"
                + " \"stdout\": \"42\", \"stdoutTruncated\": false, \"stderrTruncated\": false,"
                + " \"aFieldFromTheFuture\": {\"nested\": true}}";
        HttpServer newer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        newer.createContext("/api/v1/executions", exchange -> {
            exchange.getRequestBody().readAllBytes();
            byte[] body = answer.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(201, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        newer.start();
        try {
            SandboxApi api = QuarkusRestClientBuilder.newBuilder()
                    .baseUri(URI.create("http://127.0.0.1:" + newer.getAddress().getPort()))
                    .build(SandboxApi.class);
            ExecutionResult result = api.execute(
                            "Bearer x",
                            null,
                            null,
                            new ObjectMapper()
                                    .writeValueAsBytes(new ExecutionRequest("python", "print(42)", null, null)))
                    .await()
                    .atMost(Duration.ofSeconds(10));
            assertEquals(id, result.id());
            assertEquals(ExecutionStatus.OK, result.status());
            assertEquals("42", result.stdout());
        } finally {
            newer.stop(0);
        }
    }
}
