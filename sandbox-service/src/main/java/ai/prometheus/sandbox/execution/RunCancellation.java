package ai.prometheus.sandbox.execution;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.UUID;

/** A caller's request to stop an asynchronous tool invocation's run, kept for a while after. */
@Entity
@Table(name = "run_cancellations")
public class RunCancellation {

    @Id
    public UUID invocationId;

    @Column(nullable = false)
    public String requestedBy;

    @Column(nullable = false)
    public OffsetDateTime requestedAt;
}
