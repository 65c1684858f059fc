package ai.prometheus.registry.invocation;

import ai.prometheus.shared.sandbox.EgressSummary;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.hibernate.annotations.DynamicUpdate;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * One call of one tool version by one caller, and how it ended. Updates write only the columns
 * that changed: an asynchronous invocation's events are appended by statements of their own
 * ({@link InvocationProgress}) while its row may be loaded to record the result.
 */
@Entity
@Table(name = "invocations")
@DynamicUpdate
public class Invocation {

    public enum Mode {
        SYNC,
        ASYNC
    }

    /**
     * CANCELLED: an asynchronous invocation its caller gave up on (a result arriving later is not
     * kept), or a synchronous one whose caller went away before the answer (its run was stopped).
     */
    public enum Status {
        PENDING,
        COMPLETED,
        FAILED,
        CANCELLED
    }

    @Id
    public UUID id;

    @Column(nullable = false)
    public UUID toolId;

    @Column(nullable = false)
    public String toolName;

    @Column(nullable = false)
    public int toolVersion;

    @Column(nullable = false)
    public String fingerprint;

    @Column(nullable = false)
    public String caller;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public Mode mode;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public Status status;

    /** The sandbox's {@code ExecutionStatus}, once it ran. */
    public String sandboxStatus;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    public JsonNode arguments;

    /** The result as JSON text (any JSON value); see {@link #result()}. */
    @Column(name = "result")
    public String resultJson;

    /**
     * The progress and log events the run wrote (see ToolEvents) as a JSON array, for a synchronous
     * run: handed to the caller with the result and kept, so a follower that comes late still gets
     * them. Text, not jsonb: the reactive client decodes a jsonb array as no entity type here wants.
     */
    @Column(name = "events")
    public String eventsJson;

    public String errorMessage;

    public Integer exitCode;

    public Long wallMs;

    public Long cpuMs;

    public Long peakMemoryBytes;

    public Long outputBytes;

    public Long latencyMs;

    public UUID memoryContextId;

    public String traceId;

    public String idempotencyKey;

    @Column(nullable = false)
    public OffsetDateTime createdAt;

    public OffsetDateTime finishedAt;

    /** What the run did through the sandbox's egress proxy; null for tools without a network policy. */
    @JdbcTypeCode(SqlTypes.JSON)
    public EgressSummary egress;

    private static final ObjectMapper JSON = new ObjectMapper();

    public JsonNode result() {
        if (resultJson == null) {
            return null;
        }
        try {
            return JSON.readTree(resultJson);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("invocation " + id + " has an unreadable result", e);
        }
    }

    public void result(JsonNode value) {
        resultJson = value == null ? null : value.toString();
    }

    /** The run's events, in order; empty when it wrote none (or ran asynchronously). */
    public List<JsonNode> events() {
        if (eventsJson == null) {
            return List.of();
        }
        try {
            List<JsonNode> events = new java.util.ArrayList<>();
            JSON.readTree(eventsJson).forEach(events::add);
            return events;
        } catch (java.io.IOException e) {
            throw new IllegalStateException("invocation " + id + " has unreadable events", e);
        }
    }

    public void events(List<JsonNode> events) {
        eventsJson = events == null || events.isEmpty()
                ? null
                : JSON.valueToTree(events).toString();
    }
}
