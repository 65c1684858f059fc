package ai.prometheus.shared.platform.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.prometheus.shared.event.CallerClaims;
import ai.prometheus.shared.event.CloudEvent;
import ai.prometheus.shared.event.ErrorReported;
import ai.prometheus.shared.event.EventTypes;
import ai.prometheus.shared.event.MalformedEventException;
import ai.prometheus.shared.event.ToolInvocationCompleted;
import ai.prometheus.shared.event.ToolInvocationFailed;
import ai.prometheus.shared.event.ToolInvocationRequested;
import ai.prometheus.shared.sandbox.ExecutionLimits;
import ai.prometheus.shared.security.Caller;
import ai.prometheus.shared.security.Permission;
import ai.prometheus.shared.security.PrincipalKind;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EventCodecTest {

    private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    private final EventCodec codec = new EventCodec();

    @Test
    void writesStructuredCloudEventsJson() throws Exception {
        ErrorReported error = new ErrorReported(
                "sandbox-service",
                "x.Boom",
                "boom",
                null,
                "4bf92f3577b34da6a3ce929d0e0e4736",
                Map.of("tool", "weather"),
                Instant.parse("2026-01-02T03:04:05Z"));
        CloudEvent event = codec.create(
                "/sandbox-service", EventTypes.ERROR_REPORTED, "services/sandbox-service", error, TRACEPARENT);

        JsonNode json = codec.mapper().readTree(codec.encode(event));
        assertEquals("1.0", json.get("specversion").asText());
        assertEquals(event.id(), json.get("id").asText());
        assertEquals("/sandbox-service", json.get("source").asText());
        assertEquals(EventTypes.ERROR_REPORTED, json.get("type").asText());
        assertEquals("services/sandbox-service", json.get("subject").asText());
        assertEquals("application/json", json.get("datacontenttype").asText());
        assertEquals(TRACEPARENT, json.get("traceparent").asText());
        assertTrue(json.get("time").asText().endsWith("Z"), "time is RFC 3339 in UTC: " + json.get("time"));
        assertEquals("weather", json.at("/data/attributes/tool").asText());
        assertEquals("2026-01-02T03:04:05Z", json.at("/data/occurredAt").asText());
        assertTrue(json.at("/data/stackTrace").isMissingNode(), "absent optional fields are omitted");
    }

    @Test
    void roundTripsEnvelopeAndPayload() {
        ToolInvocationRequested request = new ToolInvocationRequested(
                UUID.randomUUID(),
                "weather",
                3,
                "abc",
                "python",
                "print(1)",
                codec.mapper().createObjectNode().put("city", "Oslo"),
                new ExecutionLimits(1000L, 2000L, 64, 8, 1024L, 16),
                "alice",
                null,
                null,
                null,
                null);
        CloudEvent event = codec.create(
                "/tool-registry-service",
                EventTypes.TOOL_INVOCATION_REQUESTED,
                "invocations/" + request.invocationId(),
                request,
                null);

        CloudEvent decoded = codec.decode(codec.encode(event));
        assertEquals(event.id(), decoded.id());
        assertEquals(event.source(), decoded.source());
        assertEquals(event.type(), decoded.type());
        assertEquals(event.subject(), decoded.subject());
        assertEquals(event.time().toInstant(), decoded.time().toInstant());
        assertNull(decoded.traceparent());
        ToolInvocationRequested data = codec.data(decoded, ToolInvocationRequested.class);
        assertEquals(request, data);
    }

    @Test
    void invocationResultsCarryTheCallersClaimsAndGiveThemBackAsACaller() {
        Caller alice = new Caller(
                "alice",
                PrincipalKind.AGENT,
                Set.of("team-b", "team-a"),
                Set.of(Permission.parse("memory:write:ctx-*"), Permission.parse("tools:invoke")));
        ToolInvocationCompleted done = new ToolInvocationCompleted(
                UUID.randomUUID(),
                "weather",
                2,
                "alice",
                UUID.randomUUID(),
                "OK",
                null,
                "{}",
                null,
                5,
                Instant.now(),
                Instant.now(),
                CallerClaims.of(alice),
                null);
        String json = codec.encode(codec.create("/r", EventTypes.TOOL_INVOCATION_COMPLETED, null, done, null));

        CallerClaims claims =
                codec.data(codec.decode(json), ToolInvocationCompleted.class).callerClaims();
        assertEquals(List.of("team-a", "team-b"), claims.groups());
        Caller decoded = claims.toCaller("alice");
        assertEquals(PrincipalKind.AGENT, decoded.kind());
        assertEquals(alice.groups(), decoded.groups());
        assertEquals(alice.permissions(), decoded.permissions());
    }

    @Test
    void invocationEventsWithoutCallerClaimsStillDecode() {
        // An event as emitters wrote it before callerClaims existed.
        String old = """
                {"specversion":"1.0","id":"e-1","source":"/sandbox-service","type":"%s",
                 "time":"2026-01-02T03:04:05Z","datacontenttype":"application/json",
                 "data":{"invocationId":"%s","toolName":"weather","toolVersion":1,"caller":"alice",
                         "memoryContextId":"%s","status":"TIMEOUT_WALL","errorMessage":"slow","platformFault":false,
                         "latencyMs":10}}""".formatted(EventTypes.TOOL_INVOCATION_FAILED, UUID.randomUUID(), UUID.randomUUID());
        ToolInvocationFailed failed = codec.data(codec.decode(old), ToolInvocationFailed.class);
        assertEquals("alice", failed.caller());
        assertNull(failed.callerClaims());
    }

    @Test
    void malformedPermissionsInClaimsGrantNothing() {
        Caller caller = new CallerClaims(null, null, List.of("memory:write", "not a permission")).toCaller("bob");
        assertEquals(Set.of(Permission.parse("memory:write")), caller.permissions());
        assertEquals(Set.of(), caller.groups());
    }

    @Test
    void everyEventGetsAFreshId() {
        CloudEvent a = codec.create("/s", "t", null, Map.of(), null);
        CloudEvent b = codec.create("/s", "t", null, Map.of(), null);
        assertNotEquals(a.id(), b.id());
    }

    @Test
    void invalidTraceparentIsDroppedWhenCreating() {
        assertNull(codec.create("/s", "t", null, Map.of(), "garbage").traceparent());
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "not json",
                "[1,2]",
                "{}",
                "{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\"}",
                "{\"specversion\":\"0.3\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\"}",
                "{\"specversion\":\"1.0\",\"id\":\"\",\"source\":\"/s\",\"type\":\"t\"}",
                "{\"specversion\":\"1.0\",\"id\":5,\"source\":\"/s\",\"type\":\"t\"}",
                "{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\",\"traceparent\":\"00-xyz\"}",
                "{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\",\"time\":\"yesterday\"}",
            })
    void rejectsMalformedEnvelopes(String json) {
        assertThrows(MalformedEventException.class, () -> codec.decode(json));
    }

    @Test
    void rejectsPayloadOfTheWrongShape() {
        CloudEvent event = codec.decode("{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\","
                + "\"data\":{\"invocationId\":\"not-a-uuid\"}}");
        MalformedEventException error =
                assertThrows(MalformedEventException.class, () -> codec.data(event, ToolInvocationRequested.class));
        assertTrue(error.getMessage().contains("ToolInvocationRequested"), error.getMessage());
        CloudEvent empty = codec.decode("{\"specversion\":\"1.0\",\"id\":\"2\",\"source\":\"/s\",\"type\":\"t\"}");
        assertThrows(MalformedEventException.class, () -> codec.data(empty, ErrorReported.class));
    }

    @Test
    void traceparentValidationFollowsW3c() {
        assertTrue(EventCodec.isValidTraceparent(TRACEPARENT));
        assertTrue(!EventCodec.isValidTraceparent("00-00000000000000000000000000000000-00f067aa0ba902b7-01"));
        assertTrue(!EventCodec.isValidTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01"));
        assertTrue(!EventCodec.isValidTraceparent("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
        assertTrue(!EventCodec.isValidTraceparent("00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01"));
    }

    @Test
    void anEventHoldingTextTheDatabaseCannotStoreIsMalformedSoItIsDeadLettered() {
        String event = "{\"specversion\":\"1.0\",\"id\":\"e1\",\"source\":\"/x\",\"type\":\"t\","
                + "\"data\":{\"nested\":{\"text\":\"a\\u0000b\"}}}";
        MalformedEventException e = assertThrows(MalformedEventException.class, () -> codec.decode(event));
        assertTrue(e.getMessage().contains("data.nested.text") && e.getMessage().contains("NUL"), e.getMessage());
        String surrogate = event.replace("a\\u0000b", "\\ud800");
        assertThrows(MalformedEventException.class, () -> codec.decode(surrogate));
    }
}
