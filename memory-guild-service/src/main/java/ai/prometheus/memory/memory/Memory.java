package ai.prometheus.memory.memory;

import com.fasterxml.jackson.databind.JsonNode;
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
public class Memory {

    @Id
    public UUID id;

    @Column(nullable = false)
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

    @Column(nullable = false, length = 64)
    public String contentHash;

    /** What produced the memory when not a direct write, e.g. {@code invocation:<id>} for an episode. */
    @Column(length = 128)
    public String sourceRef;

    @Column(length = 128)
    public String embeddingModel;

    @Column(nullable = false)
    public boolean needsEmbedding;

    @Column(length = 255)
    public String createdBy;

    @Column(nullable = false)
    public OffsetDateTime createdAt;

    /** When the remembered event happened; the creation time unless the writer said otherwise. */
    @Column(nullable = false)
    public OffsetDateTime occurredAt;

    @Column(nullable = false)
    public OffsetDateTime updatedAt;

    public OffsetDateTime supersededAt;

    public UUID supersededBy;

    /** Embed with the memory before it (true) or alone (false); null: as the context chooses. */
    public Boolean contextualEmbedding;

    /** The context's memory_version of the last change to this row (see MemoryContextRepository). */
    @Column(nullable = false)
    public long changeVersion;
}
