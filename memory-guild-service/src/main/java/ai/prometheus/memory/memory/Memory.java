package ai.prometheus.memory.memory;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.hibernate.annotations.DynamicUpdate;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * One memory. The embedding bytes and the full-text vector are not mapped: the embedding worker
 * and search read and write them with SQL, and {@code @DynamicUpdate} keeps an edit here from
 * writing columns it did not change.
 */
@Entity
@Table(name = "memories")
@DynamicUpdate
public class Memory extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(name = "context_id", nullable = false)
    public UUID contextId;

    @Column(nullable = false)
    public String content;

    @Column(nullable = false, length = 64)
    public String kind;

    @Column(length = 256)
    public String key;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    public JsonNode metadata;

    @Column(nullable = false)
    public float importance;

    @Column(name = "content_hash", nullable = false, length = 64)
    public String contentHash;

    /** What produced the memory when not a direct write, e.g. {@code invocation:<id>} for an episode. */
    @Column(name = "source_ref", length = 128)
    public String sourceRef;

    @Column(name = "embedding_model", length = 128)
    public String embeddingModel;

    @Column(name = "needs_embedding", nullable = false)
    public boolean needsEmbedding;

    @Column(name = "created_by", length = 255)
    public String createdBy;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;

    /** When the remembered event happened; the creation time unless the writer said otherwise. */
    @Column(name = "occurred_at", nullable = false)
    public OffsetDateTime occurredAt;

    @Column(name = "updated_at", nullable = false)
    public OffsetDateTime updatedAt;

    @Column(name = "superseded_at")
    public OffsetDateTime supersededAt;

    @Column(name = "superseded_by")
    public UUID supersededBy;

    /** The context's memory_version of the last change to this row (see MemoryContextRepository). */
    @Column(name = "change_version", nullable = false)
    public long changeVersion;
}
