package ai.prometheus.registry.secret;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.UUID;

/** A tool's data key, stored only wrapped by a master key (see {@link SecretCipher}). */
@Entity
@Table(name = "tool_data_keys")
public class ToolDataKey extends PanacheEntityBase {

    @Id
    @Column(name = "tool_id")
    public UUID toolId;

    @Column(name = "master_key_id", nullable = false)
    public String masterKeyId;

    @Column(name = "wrapped_key", nullable = false)
    public byte[] wrappedKey;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;

    @Column(name = "rewrapped_at")
    public OffsetDateTime rewrappedAt;

    SecretCipher.WrappedKey wrapped() {
        return new SecretCipher.WrappedKey(masterKeyId, wrappedKey);
    }
}
