package ai.prometheus.sandbox.execution;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.OffsetDateTime;
import java.util.Objects;
import java.util.UUID;

/** A caller's request to stop an asynchronous tool invocation's run, kept for a while after. */
@Entity
@Table(name = "run_cancellations")
@IdClass(RunCancellation.Key.class)
public class RunCancellation {

    @Id
    public UUID invocationId;

    @Id
    public String requestedBy;

    @Column(nullable = false)
    public OffsetDateTime requestedAt;

    /** Asked before this sandbox had the invocation: honoured only for a run of the one who asked. */
    @Column(nullable = false)
    public boolean held;

    /** Whether this request may stop a run of {@code principal} on behalf of {@code onBehalfOf}. */
    public boolean stops(String principal, String onBehalfOf) {
        return !held || requestedBy.equals(principal) || requestedBy.equals(onBehalfOf);
    }

    /** The key: one request per invocation and requester. */
    public static class Key implements Serializable {
        public UUID invocationId;
        public String requestedBy;

        @Override
        public boolean equals(Object other) {
            return other instanceof Key key
                    && Objects.equals(invocationId, key.invocationId)
                    && Objects.equals(requestedBy, key.requestedBy);
        }

        @Override
        public int hashCode() {
            return Objects.hash(invocationId, requestedBy);
        }
    }
}
