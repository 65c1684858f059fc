package ai.prometheus.registry.remediation;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.UUID;

/** A guardian command as applied here; a repeated command answers with this instead of acting again. */
@Entity
@Table(name = "remediations")
public class Remediation {

    @Id
    public UUID actionId;

    @Column(nullable = false)
    public String command;

    @Column(nullable = false)
    public String toolName;

    @Column(nullable = false)
    public boolean applied;

    @Column(nullable = false)
    public String message;

    @Column(nullable = false)
    public OffsetDateTime appliedAt;
}
