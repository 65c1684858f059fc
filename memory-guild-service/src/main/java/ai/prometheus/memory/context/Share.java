package ai.prometheus.memory.context;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.UUID;

/** A grant of {@code read} or {@code write} on a context (and everything below it) to a user, agent or group. */
@Entity
@Table(name = "memory_shares")
public class Share {

    @Id
    public UUID id;

    @Column(nullable = false)
    public UUID contextId;

    /** {@code user}, {@code agent} or {@code group}. */
    @Column(nullable = false, length = 16)
    public String granteeType;

    @Column(nullable = false, length = 255)
    public String grantee;

    /** {@code read} or {@code write}. */
    @Column(nullable = false, length = 8)
    public String access;

    public OffsetDateTime expiresAt;

    @Column(nullable = false, length = 255)
    public String createdBy;

    @Column(nullable = false)
    public OffsetDateTime createdAt;
}
