package ai.prometheus.shared.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.prometheus.shared.platform.messaging.EventCodec;
import ai.prometheus.shared.remediation.RemediationCommand;
import ai.prometheus.shared.remediation.RemediationResult;
import ai.prometheus.shared.sandbox.EgressSummary;
import ai.prometheus.shared.sandbox.ExecutionLimits;
import ai.prometheus.shared.sandbox.ExecutionUsage;
import ai.prometheus.shared.sandbox.NetworkPolicy;
import ai.prometheus.shared.security.PrincipalKind;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The event contracts: every event type has a schema that is itself valid 2020-12, and a realistic
 * event of every type, as {@link EventCodec} writes it, passes its schema and the envelope's.
 */
class EventSchemasTest {

    private static final String META_SCHEMA = "https://json-schema.org/draft/2020-12/schema";
    private static final UUID INVOCATION = UUID.fromString("4b1d7c1e-0000-4000-8000-000000000001");
    private static final Instant STARTED = Instant.parse("2026-01-02T03:04:05Z");
    private static final CallerClaims CLAIMS =
            new CallerClaims(PrincipalKind.AGENT, List.of("ops"), List.of("tool:invoke:weather", "memory:write:ctx-1"));

    private final EventCodec codec = new EventCodec();
    private final SchemaRegistry registry = SchemaRegistry.withDefaultDialect(
            SpecificationVersion.DRAFT_2020_12,
            builder -> builder.schemaLoader(loader -> loader.fetchRemoteResources(false)));

    /** One realistic payload per event type; a type missing here fails {@link #everyEventTypeHasASchemaAndASample}. */
    private final Map<String, Object> samples = Map.of(
            EventTypes.TOOL_INVOCATION_REQUESTED,
                    new ToolInvocationRequested(
                            INVOCATION,
                            "weather",
                            3,
                            "sha256:ab12",
                            "python",
                            "import json\nprint(json.dumps({'t': 4}))",
                            codec.mapper()
                                    .createObjectNode()
                                    .put("city", "Oslo")
                                    .put("days", 2),
                            new ExecutionLimits(1000L, 2000L, 64, 8, 65536L, 16, 10_000L, 4),
                            "alice",
                            UUID.fromString("4b1d7c1e-0000-4000-8000-000000000002"),
                            CLAIMS,
                            new NetworkPolicy(List.of("api.met.no:443")),
                            List.of("MET_TOKEN")),
            EventTypes.TOOL_INVOCATION_COMPLETED,
                    new ToolInvocationCompleted(
                            INVOCATION,
                            "weather",
                            3,
                            "alice",
                            null,
                            "SUCCESS",
                            codec.mapper().createObjectNode().put("t", 4),
                            "{\"city\":\"Oslo\",\"days\":2}",
                            new ExecutionUsage(812, 95, 24_117_248, 9),
                            830,
                            STARTED,
                            STARTED.plusMillis(830),
                            CLAIMS,
                            new EgressSummary(1, 0, 517, 4096, List.of("api.met.no:443"))),
            EventTypes.TOOL_INVOCATION_FAILED,
                    new ToolInvocationFailed(
                            INVOCATION,
                            "weather",
                            3,
                            "alice",
                            null,
                            "RUNTIME_ERROR",
                            "Traceback (most recent call last): KeyError: 'city'",
                            1,
                            false,
                            "{}",
                            new ExecutionUsage(120, 40, 12_000_000, 180),
                            131,
                            STARTED,
                            STARTED.plusMillis(131),
                            CLAIMS,
                            null),
            EventTypes.TOOL_INVOCATION_PROGRESS,
                    new ToolInvocationProgress(
                            INVOCATION,
                            0,
                            codec.mapper()
                                    .createObjectNode()
                                    .put("type", "progress")
                                    .put("progress", 1)
                                    .put("total", 2)
                                    .put("message", "half way")),
            EventTypes.ERROR_REPORTED,
                    new ErrorReported(
                            "sandbox-service",
                            "sandbox.internal",
                            "bwrap exited 1",
                            "java.io.IOException: bwrap\n\tat Runner.run(Runner.java:42)",
                            "4bf92f3577b34da6a3ce929d0e0e4736",
                            Map.of("tool", "weather", "invocationId", INVOCATION.toString()),
                            STARTED),
            EventTypes.REMEDIATION_COMMAND,
                    new RemediationCommand(
                            UUID.randomUUID(),
                            RemediationCommand.DISABLE_TOOL,
                            "weather",
                            "12 failures in 5 minutes",
                            UUID.randomUUID(),
                            UUID.randomUUID()),
            EventTypes.REMEDIATION_RESULT,
                    new RemediationResult(
                            UUID.randomUUID(), RemediationCommand.DISABLE_TOOL, "weather", true, "disabled", true));

    @Test
    void everyEventTypeHasASchemaAndASample() throws Exception {
        List<String> types = eventTypes();
        assertFalse(types.isEmpty());
        for (String type : types) {
            String id = EventSchemas.idOf(type).orElse(null);
            assertNotNull(id, "event type " + type + " has no dataschema in EventSchemas");
            JsonNode schema = resource(EventSchemas.resourceOf(type));
            assertNotNull(schema, "event type " + type + " has no " + EventSchemas.resourceOf(type));
            assertEquals(id, schema.path("$id").asText(), "the $id of " + type + "'s schema is its dataschema");
            assertEquals(type, EventSchemas.typeOf(id).orElseThrow());
            assertTrue(samples.containsKey(type), "EventSchemasTest has no sample event of type " + type);
        }
    }

    @Test
    void everySchemaIsAValid2020_12Schema() throws Exception {
        Schema metaSchema = registry.getSchema(SchemaLocation.of(META_SCHEMA));
        List<String> names = new ArrayList<>(eventTypes());
        names.add(EventSchemas.ENVELOPE);
        for (String name : names) {
            JsonNode schema = resource(EventSchemas.resourceOf(name));
            assertNotNull(schema, name);
            assertEquals(META_SCHEMA, schema.path("$schema").asText(), name + " declares draft 2020-12");
            assertTrue(schema.path("$id").asText().startsWith("urn:"), name + " has an $id");
            List<Error> errors = metaSchema.validate(schema);
            assertTrue(errors.isEmpty(), name + " is not a valid 2020-12 schema: " + errors);
        }
    }

    @Test
    void theMetaSchemaCheckCatchesABrokenSchema() throws Exception {
        Schema metaSchema = registry.getSchema(SchemaLocation.of(META_SCHEMA));
        ObjectNode broken = (ObjectNode) resource(EventSchemas.resourceOf(EventTypes.REMEDIATION_COMMAND));
        broken.withObject("properties").withObject("actionId").put("type", "uuid");
        broken.put("required", "actionId");
        assertFalse(
                metaSchema.validate(broken).isEmpty(), "an unknown type name and a required that is not an array fail");
    }

    @Test
    void everyEventTheCodecBuildsMatchesItsSchemaAndTheEnvelope() throws Exception {
        Schema envelope = schema(EventSchemas.ENVELOPE);
        for (var sample : samples.entrySet()) {
            CloudEvent event = codec.create(
                    "/tool-registry-service",
                    sample.getKey(),
                    "invocations/" + INVOCATION,
                    sample.getValue(),
                    "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
            JsonNode written = codec.mapper().readTree(codec.encode(event));
            assertEquals(
                    EventSchemas.idOf(sample.getKey()).orElseThrow(),
                    written.path("dataschema").asText(),
                    "every event names its schema");
            assertNoErrors(sample.getKey() + " envelope", envelope.validate(written));
            assertNoErrors(
                    sample.getKey(),
                    schemaNamed(written.path("dataschema").asText()).validate(written.get("data")));
        }
    }

    @Test
    void schemasRejectDataOfTheWrongShape() throws Exception {
        ObjectNode completed =
                (ObjectNode) codec.mapper().valueToTree(samples.get(EventTypes.TOOL_INVOCATION_COMPLETED));
        Schema schema = schema(EventTypes.TOOL_INVOCATION_COMPLETED);

        ObjectNode withoutTool = completed.deepCopy();
        withoutTool.remove("toolName");
        assertFalse(schema.validate(withoutTool).isEmpty(), "a missing required field fails");
        ObjectNode textVersion = completed.deepCopy().put("toolVersion", "three");
        assertFalse(schema.validate(textVersion).isEmpty(), "a field of the wrong type fails");
        ObjectNode unknown = completed.deepCopy().put("secretValue", "hunter2");
        assertFalse(
                schema.validate(unknown).isEmpty(),
                "a field the contract does not name fails, so a new field"
                        + " cannot be emitted without its schema being updated");
        ObjectNode claims = completed.deepCopy();
        claims.withObject("callerClaims").put("kind", "ROOT");
        assertFalse(schema.validate(claims).isEmpty(), "an unknown principal kind fails");
    }

    @Test
    void anEventCutToTheBudgetStillMatchesItsSchema() throws Exception {
        ErrorReported huge = new ErrorReported(
                "guardian-service",
                "x.Boom",
                "boom",
                "at x\n".repeat(400_000),
                null,
                Map.of("blob", "y".repeat(300_000), "route", "/errors"),
                STARTED);
        CloudEvent event =
                codec.create("/guardian-service", EventTypes.ERROR_REPORTED, "services/guardian", huge, null);
        JsonNode written = codec.mapper().readTree(codec.encode(event));
        assertTrue(written.path("data").has(EventBudget.TRUNCATED_FIELDS), "the sample is big enough to be cut");

        assertNoErrors("cut event", schema(EventTypes.ERROR_REPORTED).validate(written.get("data")));
    }

    @Test
    void consumersReadEventsWithAndWithoutADataschema() throws Exception {
        CloudEvent event = codec.create(
                "/guardian-service",
                EventTypes.REMEDIATION_RESULT,
                "tools/weather",
                samples.get(EventTypes.REMEDIATION_RESULT),
                null);
        CloudEvent decoded = codec.decode(codec.encode(event));
        assertEquals(event.dataschema(), decoded.dataschema());

        ObjectNode older = (ObjectNode) codec.mapper().readTree(codec.encode(event));
        older.remove("dataschema");
        CloudEvent fromOlder = codec.decode(older.toString());
        assertNull(fromOlder.dataschema());
        assertEquals("weather", codec.data(fromOlder, RemediationResult.class).target());
    }

    @Test
    void aTypeTheSuiteDoesNotDefineGetsNoDataschema() {
        CloudEvent event = codec.create("/tests", "com.example.other", "x", Map.of("a", 1), null);
        assertNull(event.dataschema());
        assertFalse(codec.encode(event).contains("dataschema"));
    }

    private static List<String> eventTypes() throws IllegalAccessException {
        List<String> types = new ArrayList<>();
        for (Field field : EventTypes.class.getDeclaredFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
                types.add((String) field.get(null));
            }
        }
        return types;
    }

    private Schema schemaNamed(String dataschema) throws IOException {
        return schema(EventSchemas.typeOf(dataschema).orElseThrow(() -> new AssertionError("unknown " + dataschema)));
    }

    private Schema schema(String name) throws IOException {
        return registry.getSchema(resource(EventSchemas.resourceOf(name)));
    }

    private JsonNode resource(String path) throws IOException {
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(path)) {
            return in == null ? null : codec.mapper().readTree(in);
        }
    }

    private static void assertNoErrors(String what, List<Error> errors) {
        assertTrue(errors.isEmpty(), what + " does not match its schema: " + Arrays.toString(errors.toArray()));
    }
}
