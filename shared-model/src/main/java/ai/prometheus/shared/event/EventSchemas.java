package ai.prometheus.shared.event;

import java.util.Map;
import java.util.Optional;

/**
 * The JSON Schema (2020-12) of each event type's data, shipped in this module as
 * {@code event-schemas/<type>.json}. Every event carries its schema's {@code $id} as the CloudEvents
 * {@code dataschema} attribute, so a reader outside the suite can check what it gets. The version
 * suffix of an id changes only when the data changes incompatibly.
 */
public final class EventSchemas {

    /** The classpath folder holding one schema per event type, plus {@value #ENVELOPE}. */
    public static final String RESOURCE_FOLDER = "event-schemas/";
    /** The schema of the CloudEvents envelope itself. */
    public static final String ENVELOPE = "cloudevent";

    private static final String ID_PREFIX = "urn:ai-prometheus:event-schema:";
    private static final String VERSION = ":1";

    private static final Map<String, String> IDS = Map.of(
            EventTypes.TOOL_INVOCATION_REQUESTED, id(EventTypes.TOOL_INVOCATION_REQUESTED),
            EventTypes.TOOL_INVOCATION_COMPLETED, id(EventTypes.TOOL_INVOCATION_COMPLETED),
            EventTypes.TOOL_INVOCATION_FAILED, id(EventTypes.TOOL_INVOCATION_FAILED),
            EventTypes.TOOL_INVOCATION_PROGRESS, id(EventTypes.TOOL_INVOCATION_PROGRESS),
            EventTypes.ERROR_REPORTED, id(EventTypes.ERROR_REPORTED),
            EventTypes.REMEDIATION_COMMAND, id(EventTypes.REMEDIATION_COMMAND),
            EventTypes.REMEDIATION_RESULT, id(EventTypes.REMEDIATION_RESULT));

    private EventSchemas() {}

    /** The {@code dataschema} of events of {@code type}; empty for a type the suite does not define. */
    public static Optional<String> idOf(String type) {
        return Optional.ofNullable(type == null ? null : IDS.get(type));
    }

    /** The classpath resource holding the schema of {@code type}'s data (or of the envelope). */
    public static String resourceOf(String type) {
        return RESOURCE_FOLDER + type + ".json";
    }

    /** The event type whose schema has this {@code $id}, so a reader can find the resource from a dataschema. */
    public static Optional<String> typeOf(String dataschema) {
        return IDS.entrySet().stream()
                .filter(entry -> entry.getValue().equals(dataschema))
                .map(Map.Entry::getKey)
                .findFirst();
    }

    static String id(String type) {
        return ID_PREFIX + type + VERSION;
    }
}
