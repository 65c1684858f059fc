package ai.prometheus.sandbox.session;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.UUID;

/** A persistent workspace shared by several runs, owned by one caller, removed after an idle period. */
@Entity
@Table(name = "sessions")
public class SandboxSession {

    @Id
    public UUID id;

    /** Who may use it: the end caller a service acts for, or the caller itself. */
    @Column(nullable = false)
    public String owner;

    @Column(nullable = false)
    public String principal;

    public String onBehalfOf;

    @Column(nullable = false)
    public long quotaBytes;

    @Column(nullable = false)
    public int idleTtlSeconds;

    @Column(nullable = false)
    public int runs;

    @Column(nullable = false)
    public OffsetDateTime createdAt;

    @Column(nullable = false)
    public OffsetDateTime lastUsedAt;

    @Column(nullable = false)
    public OffsetDateTime expiresAt;

    void touch(OffsetDateTime now) {
        lastUsedAt = now;
        expiresAt = now.plusSeconds(idleTtlSeconds);
    }
}
