package ai.prometheus.registry.secret;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.UUID;

/** One secret of a tool: its name, and its value encrypted with the tool's data key. */
@Entity
@Table(name = "tool_secrets")
public class ToolSecret extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(name = "tool_id", nullable = false)
    public UUID toolId;

    @Column(nullable = false)
    public String name;

    /** Nonce, then AES-GCM ciphertext and tag (see {@link SecretCipher}). */
    @Column(nullable = false)
    public byte[] ciphertext;

    @Column(name = "updated_at", nullable = false)
    public OffsetDateTime updatedAt;

    @Column(name = "updated_by", nullable = false)
    public String updatedBy;
}
