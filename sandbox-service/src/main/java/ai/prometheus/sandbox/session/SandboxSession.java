package ai.prometheus.sandbox.session;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.UUID;

/** A persistent workspace shared by several runs, owned by one caller, removed after an idle period. */
@Entity
@Table(name = "sessions")
public class SandboxSession extends PanacheEntityBase {

    @Id
    public UUID id;

    /** Who may use it: the end caller a service acts for, or the caller itself. */
    @Column(nullable = false)
    public String owner;

    @Column(nullable = false)
    public String principal;

    @Column(name = "on_behalf_of")
    public String onBehalfOf;

    @Column(name = "quota_bytes", nullable = false)
    public long quotaBytes;

    @Column(name = "idle_ttl_seconds", nullable = false)
    public int idleTtlSeconds;

    @Column(nullable = false)
    public int runs;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;

    @Column(name = "last_used_at", nullable = false)
    public OffsetDateTime lastUsedAt;

    @Column(name = "expires_at", nullable = false)
    public OffsetDateTime expiresAt;

    void touch(OffsetDateTime now) {
        lastUsedAt = now;
        expiresAt = now.plusSeconds(idleTtlSeconds);
    }
}
