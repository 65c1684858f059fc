package ai.prometheus.memory.context;

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

/** A memory context: an agent's working memory, optionally inheriting from a parent context. */
@Entity
@Table(name = "memory_contexts")
@DynamicUpdate
public class MemoryContext {

    @Id
    public UUID id;

    public UUID agentId;

    @JdbcTypeCode(SqlTypes.JSON)
    public JsonNode contextData;

    public UUID parentContextId;

    @Column(nullable = false)
    public OffsetDateTime createdAt;

    @Column(length = 200)
    public String name;

    /** The token subject that created the context. */
    @Column(length = 255)
    public String owner;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    public JsonNode metadata;

    @Column(nullable = false)
    public OffsetDateTime updatedAt;

    /** Embed each memory with the one before it in this context; null: the service's setting. */
    public Boolean contextualEmbedding;

    // Maintained by SQL in the memory write path (see MemoryContextRepository.lockForWrite); never
    // written from here, so a context edit cannot turn them back.
    @Column(insertable = false, updatable = false)
    public long memoryVersion;

    @Column(insertable = false, updatable = false)
    public long reloadEpoch;
}
