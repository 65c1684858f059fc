package ai.prometheus.memory.context;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.UUID;

/** A grant of {@code read} or {@code write} on a context (and everything below it) to a user, agent or group. */
@Entity
@Table(name = "memory_shares")
public class Share extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(name = "context_id", nullable = false)
    public UUID contextId;

    /** {@code user}, {@code agent} or {@code group}. */
    @Column(name = "grantee_type", nullable = false, length = 16)
    public String granteeType;

    @Column(nullable = false, length = 255)
    public String grantee;

    /** {@code read} or {@code write}. */
    @Column(nullable = false, length = 8)
    public String access;

    @Column(name = "expires_at")
    public OffsetDateTime expiresAt;

    @Column(name = "created_by", nullable = false, length = 255)
    public String createdBy;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;
}
