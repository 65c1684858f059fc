package ai.prometheus.shared.platform.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.prometheus.shared.event.CloudEvent;
import ai.prometheus.shared.event.ErrorReported;
import ai.prometheus.shared.event.EventTypes;
import ai.prometheus.shared.event.MalformedEventException;
import ai.prometheus.shared.event.TypedEvent;
import ai.prometheus.shared.remediation.RemediationResult;
import io.smallrye.mutiny.Uni;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EventHandlersTest {

    private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    private final EventCodec codec = new EventCodec();
    private final List<TypedEvent<?>> handled = new ArrayList<>();

    private <T> Uni<Void> record(TypedEvent<T> event) {
        handled.add(event);
        return Uni.createFrom().voidItem();
    }

    private EventHandlers errorsOnly() {
        return EventHandlers.of(codec)
                .on(EventTypes.ERROR_REPORTED, ErrorReported.class, this::record)
                .refuseOthers();
    }

    private static ErrorReported error() {
        return new ErrorReported(
                "sandbox-service", "x.Boom", "boom", null, null, Map.of("tool", "weather"), Instant.now());
    }

    private String encoded(String type, Object data) {
        return codec.encode(codec.create("/sandbox-service", type, "services/sandbox-service", data, TRACEPARENT));
    }

    private static Throwable failureOf(Uni<Void> handling) {
        return assertThrows(RuntimeException.class, () -> handling.await().indefinitely());
    }

    @Test
    void theHandlerOfTheTypeGetsTheTypedDataWithTheEnvelopesAttributes() {
        String record = encoded(EventTypes.ERROR_REPORTED, error());
        CloudEvent sent = codec.decode(record);

        errorsOnly().handle(record).await().indefinitely();

        assertEquals(1, handled.size());
        TypedEvent<?> event = handled.get(0);
        ErrorReported data = assertInstanceOf(ErrorReported.class, event.data());
        assertEquals("x.Boom", data.errorType());
        assertEquals(sent.id(), event.id());
        assertEquals(EventTypes.ERROR_REPORTED, event.type());
        assertEquals("/sandbox-service", event.source());
        assertEquals("services/sandbox-service", event.subject());
        assertEquals(sent.time(), event.time());
        assertEquals(TRACEPARENT, event.traceparent());
        assertEquals("weather", event.envelope().data().at("/attributes/tool").asText());
    }

    @Test
    void anEventOfAnotherTypeIsMalformedWhereOthersAreRefused() {
        String record =
                encoded(EventTypes.REMEDIATION_RESULT, new RemediationResult(UUID.randomUUID(), "c", "t", true, "m"));
        String id = codec.decode(record).id();

        Throwable failure = failureOf(errorsOnly().handle(record));

        MalformedEventException malformed = assertInstanceOf(MalformedEventException.class, failure);
        assertEquals(
                "event " + id + " has type '" + EventTypes.REMEDIATION_RESULT + "', expected "
                        + EventTypes.ERROR_REPORTED,
                malformed.getMessage());
        assertEquals(List.of(), handled);
    }

    @Test
    void anEventOfAnotherTypeIsSkippedWhereOthersAreSkipped() {
        EventHandlers handlers = EventHandlers.of(codec)
                .on(EventTypes.ERROR_REPORTED, ErrorReported.class, this::record)
                .skipOthers();

        assertNull(handlers.handle(encoded(EventTypes.REMEDIATION_RESULT, Map.of("actionId", "x")))
                .await()
                .indefinitely());
        assertEquals(List.of(), handled);
    }

    @Test
    void eachTypeReachesItsOwnHandler() {
        List<String> seen = new ArrayList<>();
        EventHandlers handlers = EventHandlers.of(codec)
                .on(EventTypes.ERROR_REPORTED, ErrorReported.class, event -> {
                    seen.add("error " + event.data().errorType());
                    return Uni.createFrom().voidItem();
                })
                .on(EventTypes.REMEDIATION_RESULT, RemediationResult.class, event -> {
                    seen.add("result " + event.data().target());
                    return Uni.createFrom().item(true);
                })
                .refuseOthers();

        handlers.handle(encoded(
                        EventTypes.REMEDIATION_RESULT, new RemediationResult(UUID.randomUUID(), "c", "t", true, "m")))
                .await()
                .indefinitely();
        handlers.handle(encoded(EventTypes.ERROR_REPORTED, error())).await().indefinitely();

        assertEquals(List.of("result t", "error x.Boom"), seen);
    }

    @Test
    void aRecordThatIsNoEventFailsTheUniRatherThanTheCaller() {
        Uni<Void> handling = errorsOnly().handle("not json");

        assertInstanceOf(MalformedEventException.class, failureOf(handling));
        assertEquals(List.of(), handled);
    }

    @Test
    void dataOfTheWrongShapeIsMalformedAndNeverHandled() {
        String record = encoded(EventTypes.ERROR_REPORTED, Map.of("attributes", "not an object"));
        String id = codec.decode(record).id();

        Throwable failure = failureOf(errorsOnly().handle(record));

        assertInstanceOf(MalformedEventException.class, failure);
        assertEquals(true, failure.getMessage().startsWith("event " + id + " data is not a ErrorReported"));
        assertEquals(List.of(), handled);
    }

    @Test
    void aTypeIsHandledOnce() {
        EventHandlers.Builder builder =
                EventHandlers.of(codec).on(EventTypes.ERROR_REPORTED, ErrorReported.class, this::record);

        assertThrows(
                IllegalArgumentException.class,
                () -> builder.on(EventTypes.ERROR_REPORTED, ErrorReported.class, this::record));
    }
}
