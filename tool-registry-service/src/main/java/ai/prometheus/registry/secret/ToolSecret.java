package ai.prometheus.registry.secret;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.UUID;

/** One secret of a tool: its name, and its value encrypted with the tool's data key. */
@Entity
@Table(name = "tool_secrets")
public class ToolSecret {

    @Id
    public UUID id;

    @Column(nullable = false)
    public UUID toolId;

    @Column(nullable = false)
    public String name;

    /** Nonce, then AES-GCM ciphertext and tag (see {@link SecretCipher}). */
    @Column(nullable = false)
    public byte[] ciphertext;

    @Column(nullable = false)
    public OffsetDateTime updatedAt;

    @Column(nullable = false)
    public String updatedBy;
}
