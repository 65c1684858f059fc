package ai.prometheus.registry.secret;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.UUID;

/** A tool's data key, stored only wrapped by a master key (see {@link SecretCipher}). */
@Entity
@Table(name = "tool_data_keys")
public class ToolDataKey {

    @Id
    public UUID toolId;

    @Column(nullable = false)
    public String masterKeyId;

    @Column(nullable = false)
    public byte[] wrappedKey;

    @Column(nullable = false)
    public OffsetDateTime createdAt;

    public OffsetDateTime rewrappedAt;

    SecretCipher.WrappedKey wrapped() {
        return new SecretCipher.WrappedKey(masterKeyId, wrappedKey);
    }
}
